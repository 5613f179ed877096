/*
 * Certificates in the simulator: the CERTREQ lists each side sends (in wire form, so the other
 * side's first-match runs on real DNs / SPKI hashes), the choice of the signing trust-point,
 * and the validation of the chosen certificate plus a real signature check, with a reason
 * naming the trust-points, certificate and profile when it fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

int sim_certreq_send(struct sim_side *side, enum ike_certreq_point point,
		     const struct ike_profile *prof, struct ike_certreq_entry **ret_entries)
{
	enum ike_version v =
		point == IKE_CERTREQ_V1_MM3 || point == IKE_CERTREQ_V1_MM4 ? IKE_V1 : IKE_V2;
	struct ike_certreq_entry *entries;
	size_t cap, n = 0;
	int r;

	*ret_entries = NULL;
	free(side->certreq);
	side->certreq = NULL;
	side->n_certreq = 0;
	if (!side->pki)
		return 0;
	cap = pki_store_count(side->pki);
	side->certreq = calloc(cap + 1, sizeof(*side->certreq));
	entries = calloc(cap + 1, sizeof(*entries));
	if (!side->certreq || !entries) {
		free(entries);
		return -ENOMEM;
	}
	r = ike_certreq_build(side->cfg, side->pki, point, prof, &side->ep, &side->tr,
			      side->certreq, cap, &n);
	if (r < 0) {
		free(entries);
		return r;
	}
	for (size_t i = 0; i < n; i++)
		ike_certreq_entry_of(side->certreq[i], v, &entries[i]);
	side->n_certreq = n;
	*ret_entries = entries;
	return (int)n;
}

void sim_certreq_text(const struct sim_side *side, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < side->n_certreq && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s (%s)", i ? ", " : "",
					 pki_cert_subject_str(pki_tp_ca(side->certreq[i], 0)),
					 pki_tp_name(side->certreq[i]));
}

int sim_choose_cert(struct sim *s, struct sim_side *side, enum ike_version v,
		    const struct ike_certreq_entry *entries, size_t n, bool *ret_failed)
{
	bool initiator = side == &s->i;
	const struct ike_profile *prof = (v == IKE_V1 && !initiator) ? NULL : &side->prof;
	const struct pki_trustpoint *tp = NULL;
	int r;

	*ret_failed = true;
	if (!side->pki || pki_store_count(side->pki) == 0)
		return sim_fail(s, "%s authenticates with certificates but has no trust-point",
				side->name);
	r = ike_cert_choose(side->cfg, side->pki, v, initiator, prof, entries, n, &side->tr, &tp);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOKEY)
		return sim_fail(s,
				"%s's IKEv2 profile %s has no pki trustpoint: an IKEv2 initiator "
				"must name the trust-point it signs with (Failed to build "
				"certificate payload)",
				side->name, ike_profile_name(&side->prof));
	side->sign_tp_matched = r == 0;
	if (r == -ENOENT) {
		tp = ike_cert_default(side->pki, prof);
		if (!tp)
			return sim_fail(
				s,
				"%s has no trust-point with a router certificate%s%s to sign "
				"with",
				side->name, prof && ike_profile_is_set(prof) ? " in profile " : "",
				prof && ike_profile_is_set(prof) ? ike_profile_name(prof) : "");
		ike_tracef(&side->tr,
			   "no requested CA names a usable trust-point: using trustpoint %s",
			   pki_tp_name(tp));
	}
	side->sign_tp = tp;
	*ret_failed = false;
	return 0;
}

void sim_validation_text(const struct sim_side *side, char *buf, size_t len)
{
	size_t cap = pki_store_count(side->pki) + 1, n, used;
	const struct pki_trustpoint **tps = calloc(cap, sizeof(*tps));
	bool all = ike_profile_tp_names(&side->prof, IKE_TP_VERIFY, NULL, 0) == 0;

	buf[0] = '\0';
	if (!tps)
		return;
	n = ike_validation_list(side->pki, &side->prof, tps, cap);
	used = (size_t)snprintf(buf, len, "%s", all ? "all trust-points (" : "");
	for (size_t i = 0; i < n && i < cap && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 pki_tp_name(tps[i]));
	if (used < len)
		snprintf(buf + used, len - used, "%s", all ? ")" : n == 1 ? " only" : "");
	free(tps);
}

/* A real signature by the sender's trust-point key, verified with the certificate sent. */
static int signature_ok(const struct sim_side *signer, const struct pki_cert *cert)
{
	static const uint8_t data[] = "ikegw check: simulated AUTH payload";
	uint8_t *sig = NULL;
	size_t sig_len = 0;
	int r;

	r = pki_tp_sign(signer->sign_tp, PKI_HASH_SHA256, 0, data, sizeof(data), &sig, &sig_len);
	if (r == 0)
		r = pki_cert_verify(cert, PKI_HASH_SHA256, 0, data, sizeof(data), sig, sig_len);
	free(sig);
	return r;
}

static void profile_text(const struct sim_side *v, char *buf, size_t len)
{
	const char *kind = v->prof.version == IKE_V2 ? "IKEv2" : "isakmp";

	if (!ike_profile_is_set(&v->prof))
		snprintf(buf, len, "%s has no isakmp profile for this peer", v->name);
	else if (v == &v->sim->r)
		snprintf(buf, len, "%s bound %s (%s) to %s profile %s", v->name, v->sim->i.name,
			 v->peer_id, kind, ike_profile_name(&v->prof));
	else
		snprintf(buf, len, "%s's %s profile is %s", v->name, kind,
			 ike_profile_name(&v->prof));
}

int sim_check_cert(struct sim *s, struct sim_side *validator, bool *ret_failed)
{
	struct sim_side *sender = sim_other(s, validator);
	char req[IKE_SIM_REASON_MAX / 3], list[256], prof[160], choice[256];
	const struct pki_cert *cert = pki_tp_cert(sender->sign_tp);
	struct pki_error err = { { 0 } };
	int r;

	*ret_failed = true;
	if (!validator->pki || pki_store_count(validator->pki) == 0)
		return sim_fail(s, "%s has no trust-point to validate %s's certificate",
				validator->name, sender->name);
	r = ike_validate_peer_cert(validator->pki, &validator->prof, &validator->ep, cert, NULL, 0,
				   s->now, &validator->tr, NULL, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		sim_certreq_text(validator, req, sizeof(req));
		sim_validation_text(validator, list, sizeof(list));
		profile_text(validator, prof, sizeof(prof));
		snprintf(choice, sizeof(choice), "%s %s trust-point %s%s", sender->name,
			 sender->sign_tp_matched ? "chose" : "found no requested CA and used",
			 pki_tp_name(sender->sign_tp),
			 sender->sign_tp_matched ? " (first match)" : "");
		if (validator->n_certreq)
			return sim_fail(s,
					"%s requested CAs in this order: %s; %s and sent its "
					"certificate (serial %s, issuer %s); %s, which validates "
					"against %s: certificate rejected (%s)",
					validator->name, req, choice, pki_cert_serial_hex(cert),
					pki_cert_issuer_str(cert), prof, list, err.msg);
		return sim_fail(
			s,
			"%s sent no CERTREQ; %s and sent its certificate (serial %s, issuer "
			"%s); %s, which validates against %s: certificate rejected (%s)",
			validator->name, choice, pki_cert_serial_hex(cert),
			pki_cert_issuer_str(cert), prof, list, err.msg);
	}
	r = signature_ok(sender, cert);
	if (r < 0)
		return sim_fail(s,
				"the signature made with %s's trust-point %s does not verify "
				"with its certificate (%s)",
				sender->name, pki_tp_name(sender->sign_tp), strerror(-r));
	*ret_failed = false;
	return 0;
}
