/*
 * The warnings of `ikegwd --check` / `ikegwctl check` for one configuration: traps that parse
 * fine but fail at negotiation time (seed 001), and weak algorithms. Each warning is placed at
 * the line it is about.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike_internal.h"
#include "ike_sim.h"

#define WARN(cfg, diag, line, ...)                                                                 \
	do {                                                                                       \
		if (config_diag_add(diag, (cfg)->file, line, CONFIG_SEV_WARNING, __VA_ARGS__) < 0) \
			return -ENOMEM;                                                            \
	} while (0)

/* ---- overlapping match identity ----------------------------------------------------------- */

static int overlap_pair(const struct config *cfg, struct config_diag *diag,
			const struct ike_profile *a, const struct ike_profile *b)
{
	const char *kind = a->version == IKE_V1 ? "isakmp" : "ikev2";
	const struct config_match_identity *ma, *mb, *later;
	const struct ike_profile *winner;
	size_t na, nb;

	ike_profile_matches(a, &ma, &na);
	ike_profile_matches(b, &mb, &nb);
	for (size_t i = 0; i < na; i++) {
		for (size_t j = 0; j < nb; j++) {
			unsigned sa, sb;
			const char *why;

			if (!ike_match_overlap(&ma[i], &mb[j]))
				continue;
			sa = ike_match_specificity(&ma[i]);
			sb = ike_match_specificity(&mb[j]);
			later = ma[i].order > mb[j].order ? &ma[i] : &mb[j];
			if (sa != sb) {
				winner = sa > sb ? a : b;
				why = "the more specific rule";
			} else {
				winner = later == &ma[i] ? a : b;
				why = "equal rules: the last configured";
			}
			WARN(cfg, diag, later->line,
			     "crypto %s profile %s: match identity (line %u) overlaps profile %s "
			     "(line %u): for an identity both match, IOS picks %s (%s)%s",
			     kind, ike_profile_name(later == &ma[i] ? a : b), later->line,
			     ike_profile_name(later == &ma[i] ? b : a),
			     later == &ma[i] ? mb[j].line : ma[i].line, ike_profile_name(winner),
			     why,
			     ike_compat(cfg)
				     ? ""
				     : "; without crypto compat ios ikegw first prefers the "
				       "profile that protects a tunnel towards the peer");
			return 0;
		}
	}
	return 0;
}

static int check_overlaps(const struct config *cfg, struct config_diag *diag, enum ike_version v)
{
	size_t n = ike_profile_count(cfg, v);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			struct ike_profile a = ike_profile_at(cfg, v, i);
			struct ike_profile b = ike_profile_at(cfg, v, j);
			int r = overlap_pair(cfg, diag, &a, &b);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- trust-point traps -------------------------------------------------------------------- */

static const struct config_interface *tunnel_using(const struct config *cfg,
						   const struct ike_profile *p)
{
	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		struct ike_profile tp = ike_tunnel_profile(cfg->tunnels[i]);

		if (tp.version && ike_profile_equal(&tp, p))
			return cfg->tunnels[i];
	}
	return NULL;
}

static int check_ikev2_initiator_tp(const struct config *cfg, struct config_diag *diag)
{
	for (size_t i = 0; i < cfg->n_ikev2_profiles; i++) {
		const struct config_ikev2_profile *p = cfg->ikev2_profiles[i];
		struct ike_profile ip = { .version = IKE_V2, .v2 = p };
		const struct config_interface *t = tunnel_using(cfg, &ip);

		if (!t || (p->local_auth != CONFIG_AUTH_RSA_SIG &&
			   p->local_auth != CONFIG_AUTH_ECDSA_SIG))
			continue;
		if (ike_profile_tp_names(&ip, IKE_TP_SIGN, NULL, 0))
			continue;
		WARN(cfg, diag, p->line,
		     "crypto ikev2 profile %s is used by %s (it may initiate) and authenticates "
		     "with %s but has no pki trustpoint: as initiator it fails with 'Failed to "
		     "build certificate payload' (add pki trustpoint TP)",
		     p->name, t->name, config_auth_name(p->local_auth));
	}
	return 0;
}

static bool tp_has_ca(const struct pki_store *store, const char *name)
{
	const struct pki_trustpoint *tp = store ? pki_store_find(store, name) : NULL;

	return tp && pki_tp_ca_count(tp) > 0;
}

/* The global trust-points that give CERTREQ entries (all when none has CA material), in
 * store order (definition order without a store). */
static size_t global_tps(const struct config *cfg, const struct pki_store *store, const char **out,
			 size_t max)
{
	bool any_ca = false;
	size_t n = 0;

	if (!store) {
		for (size_t i = 0; i < cfg->n_trustpoints && n < max; i++)
			out[n++] = cfg->trustpoints[i]->name;
		return n;
	}
	for (size_t i = 0; i < pki_store_count(store); i++)
		any_ca = any_ca || pki_tp_ca_count(pki_store_at(store, i)) > 0;
	for (size_t i = 0; i < pki_store_count(store) && n < max; i++) {
		const struct pki_trustpoint *tp = pki_store_at(store, i);

		if (!any_ca || pki_tp_ca_count(tp) > 0)
			out[n++] = pki_tp_name(tp);
	}
	return n;
}

static void names_text(const char *const *names, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
}

static int check_ikev1_narrow(const struct config *cfg, const struct pki_store *store,
			      struct config_diag *diag)
{
	const char *global[64], *mine[64];
	size_t ng = global_tps(cfg, store, global, 64);

	for (size_t i = 0; i < cfg->n_isakmp_profiles; i++) {
		const struct config_isakmp_profile *p = cfg->isakmp_profiles[i];
		struct ike_profile ip = { .version = IKE_V1, .v1 = p };
		char gl[400], ml[400], first[300] = "", tail[200] = "";
		size_t nm = ike_profile_tp_names(&ip, IKE_TP_VERIFY, mine, 64);
		size_t missing = 0;

		if (!p->n_ca_trustpoints)
			continue;
		for (size_t g = 0; g < ng; g++)
			if (!ike_profile_has_tp(&ip, IKE_TP_VERIFY, global[g]))
				missing++;
		if (!missing)
			continue;
		names_text(global, ng, gl, sizeof(gl));
		names_text(mine, nm < 64 ? nm : 64, ml, sizeof(ml));
		if (!ike_profile_has_tp(&ip, IKE_TP_VERIFY, global[0])) {
			const struct pki_trustpoint *tp =
				store ? pki_store_find(store, global[0]) : NULL;
			bool ca = tp_has_ca(store, global[0]);

			snprintf(first, sizeof(first),
				 ", %s%s%s%s first, which this profile rejects: a peer that picks "
				 "it "
				 "fails validation at MM5 (seed 001: only this side can initiate)",
				 global[0], ca ? " (" : "",
				 ca ? pki_cert_subject_str(pki_tp_ca(tp, 0)) : "", ca ? ")" : "");
		} else {
			for (size_t g = 0; g < ng; g++) {
				if (ike_profile_has_tp(&ip, IKE_TP_VERIFY, global[g]))
					continue;
				snprintf(first, sizeof(first),
					 "; a peer that picks %s fails validation at MM5",
					 global[g]);
				break;
			}
		}
		if (!ike_compat(cfg))
			snprintf(tail, sizeof(tail),
				 "; without crypto compat ios ikegw requests this profile's CAs "
				 "first "
				 "from the peers of its tunnels and address rules");
		WARN(cfg, diag, p->ca_trustpoints[0].line,
		     "crypto isakmp profile %s: ca trust-point %s is narrower than the global "
		     "trust-points (%s, in store order): as responder, MM4 requests all of them "
		     "before the peer's identity binds this profile%s%s",
		     p->name, ml, gl, first, tail);
	}
	return 0;
}

static int check_crl(const struct config *cfg, const struct pki_store *store,
		     struct config_diag *diag)
{
	for (size_t i = 0; i < cfg->n_trustpoints; i++) {
		const struct config_trustpoint *t = cfg->trustpoints[i];

		if (t->revocation != CONFIG_REVOCATION_CRL || t->crl || !tp_has_ca(store, t->name))
			continue;
		WARN(cfg, diag, t->line,
		     "trustpoint %s: revocation-check crl without a crl file: every certificate "
		     "validated against it is rejected (add crl PATH, or revocation-check none)",
		     t->name);
	}
	return 0;
}

/* ---- weak algorithms ---------------------------------------------------------------------- */

static void add(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", word);
}

static void weak_group(char *buf, size_t len, unsigned g)
{
	char w[16];

	if (g == 1 || g == 2 || g == 5) {
		snprintf(w, sizeof(w), "group %u", g);
		add(buf, len, w);
	}
}

static void weak_encr(char *buf, size_t len, enum config_encr e, const char *prefix)
{
	char w[32];

	if (e == CONFIG_ENCR_DES || e == CONFIG_ENCR_3DES) {
		snprintf(w, sizeof(w), "%s%s", prefix, config_encr_name(e));
		add(buf, len, w);
	}
}

static void weak_hash(char *buf, size_t len, enum config_hash h, bool sha1, const char *what)
{
	char w[48];

	if (h == CONFIG_HASH_MD5 || (sha1 && h == CONFIG_HASH_SHA1)) {
		snprintf(w, sizeof(w), "%s %s", what, config_hash_name(h));
		add(buf, len, w);
	}
}

#define ADVICE "use aes 256 or aes-gcm, sha256 or stronger, group 14/19/20/31"

static int check_weak(const struct config *cfg, struct config_diag *diag)
{
	char w[300];

	for (size_t i = 0; i < cfg->n_isakmp_policies; i++) {
		const struct config_isakmp_policy *p = cfg->isakmp_policies[i];

		w[0] = '\0';
		weak_encr(w, sizeof(w), p->encr.alg, "encryption ");
		weak_hash(w, sizeof(w), p->hash, true, "hash");
		weak_group(w, sizeof(w), p->group);
		if (w[0])
			WARN(cfg, diag, p->line,
			     "crypto isakmp policy %u: weak algorithms: %s (%s)", p->priority, w,
			     ADVICE);
	}
	for (size_t i = 0; i < cfg->n_ikev2_proposals; i++) {
		const struct config_ikev2_proposal *p = cfg->ikev2_proposals[i];

		w[0] = '\0';
		for (size_t j = 0; j < p->n_encr; j++)
			weak_encr(w, sizeof(w), p->encr[j].alg, "encryption ");
		for (size_t j = 0; j < p->n_integ; j++)
			weak_hash(w, sizeof(w), p->integ[j], true, "integrity");
		for (size_t j = 0; j < p->n_prf; j++)
			weak_hash(w, sizeof(w), p->prf[j], true, "prf");
		for (size_t j = 0; j < p->n_groups; j++)
			weak_group(w, sizeof(w), p->groups[j]);
		if (w[0])
			WARN(cfg, diag, p->line,
			     "crypto ikev2 proposal %s: weak algorithms: %s (%s)", p->name, w,
			     ADVICE);
	}
	for (size_t i = 0; i < cfg->n_transform_sets; i++) {
		const struct config_transform_set *t = cfg->transform_sets[i];

		w[0] = '\0';
		if (t->encr.alg == CONFIG_ENCR_DES)
			add(w, sizeof(w), "esp-des");
		if (t->encr.alg == CONFIG_ENCR_3DES)
			add(w, sizeof(w), "esp-3des");
		if (t->integ == CONFIG_HASH_MD5)
			add(w, sizeof(w), "esp-md5-hmac");
		if (w[0])
			WARN(cfg, diag, t->line,
			     "crypto ipsec transform-set %s: weak algorithms: %s (use esp-gcm 256 "
			     "or esp-aes 256 esp-sha256-hmac)",
			     t->name, w);
	}
	for (size_t i = 0; i < cfg->n_ipsec_profiles; i++) {
		const struct config_ipsec_profile *p = cfg->ipsec_profiles[i];

		w[0] = '\0';
		weak_group(w, sizeof(w), p->pfs_group);
		if (w[0])
			WARN(cfg, diag, p->line,
			     "crypto ipsec profile %s: weak PFS %s (use group 14/19/20/31)",
			     p->name, w);
	}
	return 0;
}

int ike_check_warnings(const struct config *cfg, const struct pki_store *store,
		       struct config_diag *diag)
{
	int r;

	if ((r = check_overlaps(cfg, diag, IKE_V1)) < 0 ||
	    (r = check_overlaps(cfg, diag, IKE_V2)) < 0 ||
	    (r = check_ikev2_initiator_tp(cfg, diag)) < 0 ||
	    (r = check_ikev1_narrow(cfg, store, diag)) < 0 ||
	    (r = check_crl(cfg, store, diag)) < 0 || (r = check_weak(cfg, diag)) < 0)
		return r;
	return 0;
}
