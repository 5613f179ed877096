/* Peer certificate validation against a list of trust-points (a profile's validation
 * list, or all): one X509_STORE per attempt holding that trust-point's CA certificates
 * (trust anchors, partial chains allowed) and, with revocation-check crl, its CRLs;
 * then the end-entity key usage. Reports which trust-point validated it, or why not.
 */
#include <errno.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

struct attempt {
	int error; /* X509_V_ERR_* */
	int depth;
	char *subject; /* IOS DN of the certificate the error is about */
	int chain_len;
};

/* Errors meaning "this trust-point's CA is not in the certificate's chain at all". */
static bool unrelated(int e)
{
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return true;
	default:
		return false;
	}
}

/* Returns 1 verified, 0 not (a filled), -ENOMEM. */
static int verify_with(const struct pki_trustpoint *tp, X509 *leaf, STACK_OF(X509) * untrusted,
		       time_t now, bool use_crl, struct attempt *a)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
	X509_VERIFY_PARAM *param;
	int r = -ENOMEM;

	if (!store || !ctx)
		goto out;
	for (size_t i = 0; i < tp->n_cas; i++)
		if (!X509_STORE_add_cert(store, tp->cas[i]->x509))
			goto out;
	if (use_crl) {
		for (int i = 0; i < sk_X509_CRL_num(tp->crls); i++)
			if (!X509_STORE_add_crl(store, sk_X509_CRL_value(tp->crls, i)))
				goto out;
		flags |= X509_V_FLAG_CRL_CHECK;
	}
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted))
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, flags);
	if (now)
		X509_VERIFY_PARAM_set_time(param, now);
	if (X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

		a->chain_len = chain ? sk_X509_num(chain) : 0;
		r = 1;
	} else {
		X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
		struct pki_sbuf b = {0};

		a->error = X509_STORE_CTX_get_error(ctx);
		a->depth = X509_STORE_CTX_get_error_depth(ctx);
		pki_name_format(&b, X509_get_subject_name(cur ? cur : leaf), ",");
		a->subject = pki_sbuf_take(&b);
		r = a->subject ? 0 : -ENOMEM;
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return r;
}

/* digitalSignature or nonRepudiation, when a keyUsage extension is present. */
static bool key_usage_ok(X509 *x)
{
	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return true;
	return (X509_get_key_usage(x) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

static void list_names(struct pki_sbuf *b, const struct pki_trustpoint *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pki_sbuf_printf(b, "%s%s", i ? ", " : "", list[i]->def.name);
}

int pki_validate(const struct pki_store *store, const struct pki_trustpoint *const *tps,
		 size_t ntps, const struct pki_cert *cert, const struct pki_cert *const *chain,
		 size_t nchain, time_t now, const struct pki_trustpoint **ret_tp,
		 struct pki_error *err)
{
	const struct pki_trustpoint *const *list = tps;
	STACK_OF(X509) *untrusted = NULL;
	struct attempt first = {0};
	bool reason = false, tried = false;
	int r = -EACCES;

	if (err)
		err->msg[0] = '\0';
	if (!cert || (!tps && !store) || (nchain && !chain)) {
		pki_err_set(err, "nothing to validate");
		return -EINVAL;
	}
	if (!tps) {
		list = (const struct pki_trustpoint *const *)store->tps;
		ntps = store->n;
	}
	untrusted = sk_X509_new_null();
	if (!untrusted)
		goto nomem;
	for (size_t i = 0; i < nchain; i++)
		if (!sk_X509_push(untrusted, chain[i]->x509))
			goto nomem;

	for (size_t i = 0; i < ntps; i++) {
		const struct pki_trustpoint *tp = list[i];
		bool crl_on = tp->def.revocation == PKI_REVOCATION_CRL;
		struct attempt a = {0};
		int v;

		if (tp->n_cas == 0)
			continue;
		v = verify_with(tp, cert->x509, untrusted, now, crl_on && tp->crls, &a);
		if (v < 0)
			goto nomem;
		if (v == 0) {
			if (!reason && !unrelated(a.error)) {
				pki_err_set(err, "trustpoint %s: %s (depth %d: %s)", tp->def.name,
					    X509_verify_cert_error_string(a.error), a.depth,
					    a.subject);
				reason = true;
			}
			if (!tried) {
				first = a;
				a.subject = NULL;
			}
			free(a.subject);
			tried = true;
			continue;
		}
		tried = true;
		if (reason)
			continue;
		if (a.chain_len < 2) {
			pki_err_set(err,
				    "trustpoint %s: certificate %s is the trust-point's CA itself",
				    tp->def.name, cert->subject_str);
			reason = true;
		} else if (crl_on && !tp->crls) {
			pki_err_set(
			    err,
			    "trustpoint %s: revocation-check crl is on but no crl is configured",
			    tp->def.name);
			reason = true;
		} else if (!key_usage_ok(cert->x509)) {
			pki_err_set(err,
				    "trustpoint %s: key usage allows neither digitalSignature nor "
				    "nonRepudiation (%s)",
				    tp->def.name, cert->subject_str);
			reason = true;
		} else {
			if (ret_tp)
				*ret_tp = tp;
			r = 0;
			break;
		}
	}
	if (r && !reason) {
		struct pki_sbuf b = {0};
		char *names;

		list_names(&b, list, ntps);
		names = pki_sbuf_take(&b);
		if (!tried)
			pki_err_set(err,
				    "no trustpoint with a CA certificate in validation list (%s)",
				    names ? names : "");
		else
			pki_err_set(
			    err, "no suitable trustpoint in validation list (%s): %s (issuer %s)",
			    names ? names : "", X509_verify_cert_error_string(first.error),
			    cert->issuer_str);
		free(names);
	}
	free(first.subject);
	sk_X509_free(untrusted);
	return r;
nomem:
	free(first.subject);
	sk_X509_free(untrusted);
	pki_err_set(err, "out of memory");
	return -ENOMEM;
}
