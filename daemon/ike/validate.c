/*
 * After the profile is bound: the validation list of the peer's certificate (the profile's
 * trust-points, or all) checked with pki_validate, and the responder's child SA check that the
 * bound profile is the one protecting a tunnel towards the peer (IKEv2 TS, IKEv1 Quick Mode).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike_internal.h"

size_t ike_validation_list(const struct pki_store *store, const struct ike_profile *prof,
			   const struct pki_trustpoint **ret_tps, size_t max)
{
	size_t nnames = ike_profile_tp_names(prof, IKE_TP_VERIFY, NULL, 0);
	size_t n = 0;

	if (nnames) {
		const char **names = calloc(nnames, sizeof(*names));

		if (!names)
			return 0;
		ike_profile_tp_names(prof, IKE_TP_VERIFY, names, nnames);
		for (size_t i = 0; i < nnames; i++) {
			const struct pki_trustpoint *tp = pki_store_find(store, names[i]);
			bool dup = false;

			for (size_t j = 0; j < n && j < max; j++)
				dup = dup || ret_tps[j] == tp;
			if (!tp || dup)
				continue;
			if (n < max)
				ret_tps[n] = tp;
			n++;
		}
		free(names);
		return n;
	}
	for (size_t i = 0; i < pki_store_count(store); i++) {
		if (n < max)
			ret_tps[n] = pki_store_at(store, i);
		n++;
	}
	return n;
}

static void trace_list(const struct ike_trace *tr, const struct pki_trustpoint *const *tps,
		       size_t n)
{
	char buf[IKE_LINE_MAX];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s,", i ? " " : "",
					 pki_tp_name(tps[i]));
	ike_tracef(tr, "Creating CERT validation list: %s", buf);
}

int ike_validate_peer_cert(const struct pki_store *store, const struct ike_profile *prof,
			   const struct ike_endpoints *ep, const struct pki_cert *cert,
			   const struct pki_cert *const *chain, size_t nchain, time_t now,
			   const struct ike_trace *tr, const struct pki_trustpoint **ret_tp,
			   struct pki_error *err)
{
	enum ike_version v = prof ? prof->version : IKE_V1;
	size_t max = pki_store_count(store) + 1, n;
	const struct pki_trustpoint **tps;
	char peer[CONFIG_ADDR_STRLEN];
	struct pki_error local_err;
	int r;

	if (!err)
		err = &local_err;
	if (ret_tp)
		*ret_tp = NULL;
	tps = calloc(max, sizeof(*tps));
	if (!tps)
		return -ENOMEM;
	n = ike_validation_list(store, prof, tps, max);
	config_addr_str(&ep->remote, peer, sizeof(peer));
	if (v == IKE_V1)
		trace_list(tr, tps, n);
	else
		ike_tracef(tr, "[IKEv2 -> PKI] Validating certificate chain");
	if (tr && tr->pki_line) {
		char list[IKE_LINE_MAX / 2];
		size_t used = 0;

		list[0] = '\0';
		for (size_t i = 0; i < n && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 i ? ", " : "", pki_tp_name(tps[i]));
		ike_pki_tracef(tr,
			       "CRYPTO_PKI: validating the certificate of %s (subject %s, issuer %s, "
			       "serial %s) with %zu chain certificate(s) against trust-point(s): %s",
			       peer, pki_cert_subject_str(cert), pki_cert_issuer_str(cert),
			       pki_cert_serial_hex(cert), nchain, n ? list : "(none)");
	}
	if (n == 0) {
		snprintf(err->msg, sizeof(err->msg), "no trust-point to validate with");
		r = -EACCES;
	} else {
		r = pki_validate(store, tps, n, cert, chain, nchain, now, ret_tp, err);
	}
	free(tps);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		ike_pki_tracef(tr, "CRYPTO_PKI: certificate of %s is valid, issued under trust-point %s",
			       peer, ret_tp && *ret_tp ? pki_tp_name(*ret_tp) : "(one of the list)");
	else
		ike_pki_tracef(tr, "CRYPTO_PKI: certificate of %s is not valid: %s", peer, err->msg);
	if (r == 0) {
		if (v == IKE_V1)
			ike_tracef(tr, "Certificate validation succeeded");
		else
			ike_tracef(tr, "[PKI -> IKEv2] Validation of certificate chain PASSED");
		return 0;
	}
	if (v == IKE_V1) {
		ike_tracef(tr, "Certificate validation failed: %s", err->msg);
		ike_tracef(tr,
			   "%%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from %s is bad: "
			   "unknown error returned in certificate validation",
			   peer);
	} else {
		ike_tracef(tr, "[PKI -> IKEv2] Validation of certificate chain FAILED");
		ike_tracef(tr, "Verification of peer's authentication data FAILED");
		ike_tracef(tr, "Sending authentication failure notify");
	}
	return -EACCES;
}

int ike_child_select(const struct config *cfg, const struct ike_profile *prof,
		     const struct ike_endpoints *ep, const struct ike_trace *tr,
		     const struct config_interface **ret_tunnel)
{
	char local[CONFIG_ADDR_STRLEN], remote[CONFIG_ADDR_STRLEN];
	bool towards = false;

	*ret_tunnel = NULL;
	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		const struct config_interface *t = cfg->tunnels[i];
		struct ike_profile tp = ike_tunnel_profile(t);

		if (!tp.version || !ike_addr_equal(&t->destination, &ep->remote))
			continue;
		if (ep->local.family && t->source.family && !ike_addr_equal(&t->source, &ep->local))
			continue;
		towards = true;
		if (ike_profile_equal(&tp, prof)) {
			*ret_tunnel = t;
			return 0;
		}
	}
	if (towards)
		ike_tracef(tr, "map_db_check_isakmp_profile profile did not match");
	ike_tracef(tr, "map_db_find_best did not find matching map");
	ike_tracef(tr, "IPSEC(ipsec_process_proposal): proxy identities not supported");
	if (prof->version == IKE_V2) {
		ike_tracef(tr, "There was no IPSEC policy found for received TS");
		ike_tracef(tr, "Sending TS unacceptable notify");
	} else {
		ike_tracef(tr, "IPSec policy invalidated proposal with error 32");
		ike_tracef(tr, "phase 2 SA policy not acceptable! (local %s remote %s)",
			   config_addr_str(&ep->local, local, sizeof(local)),
			   config_addr_str(&ep->remote, remote, sizeof(remote)));
	}
	return -ENOENT;
}
