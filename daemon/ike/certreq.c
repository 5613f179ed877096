/*
 * CERTREQ rules (seed 001): which CAs each side requests and in which order (IOS: the
 * certificate-store order, most recently enrolled first), and the first-match choice of our
 * certificate from a received CERTREQ list, with the lines `debug crypto isakmp|ikev2` prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike_internal.h"

static bool has_ca(const struct pki_trustpoint *tp)
{
	return tp && pki_tp_ca_count(tp) > 0;
}

static bool listed(const struct pki_trustpoint *const *tps, size_t n,
		   const struct pki_trustpoint *tp)
{
	for (size_t i = 0; i < n; i++)
		if (tps[i] == tp)
			return true;
	return false;
}

static int push(const struct pki_trustpoint **out, size_t max, size_t *n,
		const struct pki_trustpoint *tp)
{
	if (!has_ca(tp) || listed(out, *n, tp))
		return 0;
	if (*n == max)
		return -ENOSPC;
	out[(*n)++] = tp;
	return 0;
}

/* Outside compat mode: is tp named by a profile that can bind this peer (responder)? */
static bool likely_tp(const struct config *cfg, enum ike_version v, const struct ike_endpoints *ep,
		      const struct pki_trustpoint *tp)
{
	for (size_t i = 0; i < ike_profile_count(cfg, v); i++) {
		struct ike_profile p = ike_profile_at(cfg, v, i);

		if (ike_profile_has_tp(&p, IKE_TP_VERIFY, pki_tp_name(tp)) &&
		    ike_profile_can_match_peer(cfg, &p, ep))
			return true;
	}
	return false;
}

/* All trust-points in store order; a responder outside compat mode puts likely ones first. */
static int build_all(const struct config *cfg, const struct pki_store *store, enum ike_version v,
		     bool responder, const struct ike_endpoints *ep, const struct ike_trace *tr,
		     const struct pki_trustpoint **out, size_t max, size_t *n)
{
	size_t count = pki_store_count(store);
	bool reorder = responder && ep && ep->remote.family && !ike_compat(cfg);
	int r;

	if (reorder) {
		char names[IKE_LINE_MAX / 2] = "", peer[CONFIG_ADDR_STRLEN];
		size_t used = 0;

		for (size_t i = 0; i < count; i++) {
			const struct pki_trustpoint *tp = pki_store_at(store, i);

			if (!has_ca(tp) || !likely_tp(cfg, v, ep, tp))
				continue;
			if ((r = push(out, max, n, tp)) < 0)
				return r;
			if (used < sizeof(names))
				used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
							 used ? ", " : "", pki_tp_name(tp));
		}
		if (*n)
			ike_tracef(tr,
				   "ordering CERT_REQ: trust-points of the profiles that can match "
				   "%s first (%s)",
				   config_addr_str(&ep->remote, peer, sizeof(peer)), names);
	}
	for (size_t i = 0; i < count; i++)
		if ((r = push(out, max, n, pki_store_at(store, i))) < 0)
			return r;
	return 0;
}

int ike_certreq_build(const struct config *cfg, const struct pki_store *store,
		      enum ike_certreq_point point, const struct ike_profile *prof,
		      const struct ike_endpoints *ep, const struct ike_trace *tr,
		      const struct pki_trustpoint **ret_tps, size_t max, size_t *ret_n)
{
	enum ike_version v =
		point == IKE_CERTREQ_V1_MM3 || point == IKE_CERTREQ_V1_MM4 ? IKE_V1 : IKE_V2;
	bool initiator = point == IKE_CERTREQ_V1_MM3 || point == IKE_CERTREQ_V2_AUTH_I;
	size_t n = 0, nnames;
	int r = 0;

	*ret_n = 0;
	if (point == IKE_CERTREQ_V2_SA_INIT_I || !store)
		return 0;
	nnames = initiator ? ike_profile_tp_names(prof, IKE_TP_VERIFY, NULL, 0) : 0;
	if (nnames) {
		const char **names = calloc(nnames, sizeof(*names));

		if (!names)
			return -ENOMEM;
		ike_profile_tp_names(prof, IKE_TP_VERIFY, names, nnames);
		for (size_t i = 0; i < nnames && r == 0; i++)
			r = push(ret_tps, max, &n, pki_store_find(store, names[i]));
		free(names);
	} else {
		r = build_all(cfg, store, v, !initiator, ep, tr, ret_tps, max, &n);
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *dn = pki_cert_subject_str(pki_tp_ca(ret_tps[i], 0));

		if (v == IKE_V1)
			ike_tracef(tr, "constructing CERT_REQ for issuer %s", dn);
		else
			ike_tracef(tr, "constructing CERTREQ hash for issuer %s", dn);
	}
	*ret_n = n;
	return 0;
}

int ike_certreq_entry_of(const struct pki_trustpoint *tp, enum ike_version v,
			 struct ike_certreq_entry *ret)
{
	const struct pki_cert *ca = tp ? pki_tp_ca(tp, 0) : NULL;

	if (!ca)
		return -ENOENT;
	ret->encoding = IKE_CERT_X509_SIGNATURE;
	if (v == IKE_V1) {
		ret->data = pki_cert_subject_der(ca, &ret->len);
	} else {
		ret->data = pki_cert_spki_sha1(ca);
		ret->len = PKI_SHA1_LEN;
	}
	return 0;
}

/* Trust-points named by one entry, in store order (out holds pki_store_count()). */
static size_t entry_tps(const struct pki_store *store, enum ike_version v,
			const struct ike_certreq_entry *e, const struct pki_trustpoint **out)
{
	size_t max = pki_store_count(store);

	if (e->encoding != IKE_CERT_X509_SIGNATURE || !e->data)
		return 0;
	if (v == IKE_V1)
		return pki_store_match_ca_dn(store, e->data, e->len, out, max);
	if (e->len != PKI_SHA1_LEN)
		return 0;
	return pki_store_match_ca_keyid(store, e->data, out, max);
}

static const struct pki_trustpoint *choose_v1(const struct pki_store *store,
					      const struct ike_profile *prof,
					      const struct ike_certreq_entry *entries, size_t n,
					      const struct ike_trace *tr,
					      const struct pki_trustpoint **tps)
{
	bool narrow = ike_profile_tp_names(prof, IKE_TP_SIGN, NULL, 0) > 0;
	const struct pki_trustpoint *chosen = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct ike_certreq_entry *e = &entries[i];
		char dn[IKE_LINE_MAX / 2];
		size_t m;

		ike_tracef(tr, "processing CERT_REQ payload. message ID = 0");
		if (e->encoding != IKE_CERT_X509_SIGNATURE) {
			ike_tracef(tr, "peer wants cert type %u, not supported", e->encoding);
			continue;
		}
		ike_tracef(tr, "peer wants a CT_X509_SIGNATURE cert");
		if (!e->data || pki_dn_format(e->data, e->len, dn, sizeof(dn)) == -EINVAL)
			snprintf(dn, sizeof(dn), "<malformed DN>");
		ike_tracef(tr, "peer wants cert issued by %s", dn);
		if (chosen)
			continue;
		m = entry_tps(store, IKE_V1, e, tps);
		for (size_t j = 0; j < m && j < pki_store_count(store) && !chosen; j++) {
			const char *name = pki_tp_name(tps[j]);

			if (!pki_tp_cert(tps[j]))
				continue;
			if (narrow) {
				ike_tracef(tr, "Examining profile list for trustpoint %s", name);
				if (!ike_profile_has_tp(prof, IKE_TP_SIGN, name))
					continue;
				ike_tracef(tr, "Found matching profile for %s", name);
			}
			ike_tracef(tr, "Choosing trustpoint %s as issuer", name);
			chosen = tps[j];
		}
	}
	return chosen;
}

#define RETRIEVING "[IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)"

static int choose_v2(const struct pki_store *store, bool initiator, const struct ike_profile *prof,
		     const struct ike_certreq_entry *entries, size_t n, const struct ike_trace *tr,
		     const struct pki_trustpoint **tps, const struct pki_trustpoint **ret_tp)
{
	bool narrow = ike_profile_tp_names(prof, IKE_TP_SIGN, NULL, 0) > 0;

	if (initiator && !narrow) {
		/* IOS retrieves what each hash names, but has no profile trust-point to sign */
		for (size_t i = 0; i < n; i++) {
			size_t m = entry_tps(store, IKE_V2, &entries[i], tps);

			for (size_t j = 0; j < m && j < pki_store_count(store); j++) {
				if (!pki_tp_cert(tps[j]))
					continue;
				ike_tracef(tr, RETRIEVING);
				ike_tracef(tr, "[PKI -> IKEv2] Retrieved trustpoint(s): '%s'",
					   pki_tp_name(tps[j]));
				break;
			}
		}
		ike_tracef(tr, "Failed to build certificate payload");
		return -ENOKEY;
	}
	ike_tracef(tr, RETRIEVING);
	for (size_t i = 0; i < n; i++) {
		size_t m = entry_tps(store, IKE_V2, &entries[i], tps);

		for (size_t j = 0; j < m && j < pki_store_count(store); j++) {
			if (!pki_tp_cert(tps[j]) ||
			    (narrow && !ike_profile_has_tp(prof, IKE_TP_SIGN, pki_tp_name(tps[j]))))
				continue;
			ike_tracef(tr, "[PKI -> IKEv2] Retrieved trustpoint(s): '%s'",
				   pki_tp_name(tps[j]));
			*ret_tp = tps[j];
			return 0;
		}
	}
	ike_tracef(tr, "[PKI -> IKEv2] Retrieved trustpoint(s): none");
	return -ENOENT;
}

int ike_cert_choose(const struct config *cfg, const struct pki_store *store, enum ike_version v,
		    bool initiator, const struct ike_profile *prof,
		    const struct ike_certreq_entry *entries, size_t n, const struct ike_trace *tr,
		    const struct pki_trustpoint **ret_tp)
{
	const struct pki_trustpoint **tps;
	int r;

	(void)cfg;
	*ret_tp = NULL;
	tps = calloc(pki_store_count(store) + 1, sizeof(*tps));
	if (!tps)
		return -ENOMEM;
	if (v == IKE_V1) {
		*ret_tp = choose_v1(store, prof, entries, n, tr, tps);
		r = *ret_tp ? 0 : -ENOENT;
	} else {
		r = choose_v2(store, initiator, prof, entries, n, tr, tps, ret_tp);
	}
	free(tps);
	return r;
}

const struct pki_trustpoint *ike_cert_default(const struct pki_store *store,
					      const struct ike_profile *prof)
{
	size_t n = ike_profile_tp_names(prof, IKE_TP_SIGN, NULL, 0);

	if (n) {
		const struct config_tp_ref *refs =
			prof->version == IKE_V1 ? prof->v1->ca_trustpoints : prof->v2->trustpoints;
		size_t nrefs = prof->version == IKE_V1 ? prof->v1->n_ca_trustpoints
						       : prof->v2->n_trustpoints;

		for (size_t i = 0; i < nrefs; i++) {
			const struct pki_trustpoint *tp = pki_store_find(store, refs[i].name);

			if (tp && pki_tp_cert(tp) &&
			    ike_profile_has_tp(prof, IKE_TP_SIGN, refs[i].name))
				return tp;
		}
		return NULL;
	}
	for (size_t i = 0; i < pki_store_count(store); i++)
		if (pki_tp_cert(pki_store_at(store, i)))
			return pki_store_at(store, i);
	return NULL;
}

const struct pki_cert *ike_cert_payload(enum ike_version v, const struct pki_trustpoint *tp,
					const struct ike_trace *tr)
{
	const struct pki_cert *cert = tp ? pki_tp_cert(tp) : NULL;

	if (!cert)
		return NULL;
	if (v == IKE_V1) {
		ike_tracef(tr, "constructing CERT payload for %s", pki_cert_subject_str(cert));
		ike_tracef(tr, "using the %s trustpoint's keypair to sign", pki_tp_name(tp));
	} else {
		ike_tracef(tr, "[IKEv2 -> PKI] Getting cert chain for the trustpoint %s",
			   pki_tp_name(tp));
		ike_tracef(tr, "[PKI -> IKEv2] Getting of cert chain for the trustpoint PASSED");
	}
	return cert;
}
