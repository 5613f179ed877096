/*
 * Configuration matching in the simulator: IKEv1 policies and IKEv2 proposals in common,
 * ESP transform-sets in common, pre-shared keys for the other side's address, and the
 * identities each side sends (self-identity / identity local, IOS defaults).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim_internal.h"

/* ---- IKEv1 policies ---------------------------------------------------------------------- */

static void cipher_str(const struct config_cipher *c, char *buf, size_t len)
{
	if (c->alg == CONFIG_ENCR_AES_CBC)
		snprintf(buf, len, "aes %u", c->key_bits);
	else if (c->key_bits)
		snprintf(buf, len, "%s-%u", config_encr_name(c->alg), c->key_bits);
	else
		snprintf(buf, len, "%s", config_encr_name(c->alg));
}

static void policy_str(const struct config_isakmp_policy *p, char *buf, size_t len)
{
	char c[32];

	cipher_str(&p->encr, c, sizeof(c));
	snprintf(buf, len, "%u: %s %s group %u %s", p->priority, c,
		 p->hash == CONFIG_HASH_SHA1 ? "sha" : config_hash_name(p->hash), p->group,
		 config_auth_name(p->auth));
}

static bool policy_equal(const struct config_isakmp_policy *a, const struct config_isakmp_policy *b)
{
	return a->encr.alg == b->encr.alg && a->encr.key_bits == b->encr.key_bits &&
	       a->hash == b->hash && a->group == b->group && a->auth == b->auth;
}

static void policies_str(const struct config *cfg, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->n_isakmp_policies && used < len; i++) {
		char p[96];

		policy_str(cfg->isakmp_policies[i], p, sizeof(p));
		used += (size_t)snprintf(buf + used, len - used, "%s[policy %s]", i ? " " : "", p);
	}
	if (!cfg->n_isakmp_policies)
		snprintf(buf, len, "nothing (no crypto isakmp policy)");
}

/* IOS responder: its policies by priority, each against the initiator's proposals in order. */
const struct config_isakmp_policy *sim_v1_policy(struct sim *s)
{
	const struct config *ic = s->i.cfg, *rc = s->r.cfg;
	char l[CONFIG_ADDR_STRLEN], rm[CONFIG_ADDR_STRLEN], a[600], b[600];

	for (size_t r = 0; r < rc->n_isakmp_policies; r++) {
		for (size_t i = 0; i < ic->n_isakmp_policies; i++) {
			if (!policy_equal(ic->isakmp_policies[i], rc->isakmp_policies[r]))
				continue;
			ike_tracef(&s->r.tr,
				   "Checking ISAKMP transform %zu against priority %u policy",
				   i + 1, rc->isakmp_policies[r]->priority);
			ike_tracef(&s->r.tr, "atts are acceptable. Next payload is 0");
			return rc->isakmp_policies[r];
		}
	}
	ike_tracef(&s->r.tr, "atts are not acceptable. Next payload is 0");
	ike_tracef(&s->r.tr, "phase 1 SA policy not acceptable! (local %s remote %s)",
		   config_addr_str(&s->r.ep.local, l, sizeof(l)),
		   config_addr_str(&s->r.ep.remote, rm, sizeof(rm)));
	policies_str(ic, a, sizeof(a));
	policies_str(rc, b, sizeof(b));
	sim_fail(s, "no common IKEv1 policy: %s proposes %s; %s accepts %s", s->i.name, a,
		 s->r.name, b);
	return NULL;
}

/* ---- IKEv2 proposals ----------------------------------------------------------------------- */

#define MAX_PROPOSALS 64

static bool aead(enum config_encr e)
{
	return e == CONFIG_ENCR_AES_GCM || e == CONFIG_ENCR_CHACHA20_POLY1305;
}

static bool hash_common(const enum config_hash *a, size_t na, const enum config_hash *b, size_t nb,
			enum config_hash *ret)
{
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (a[i] == b[j]) {
				*ret = a[i];
				return true;
			}
	return false;
}

static bool proposal_common(const struct config_ikev2_proposal *a,
			    const struct config_ikev2_proposal *b, char *buf, size_t len)
{
	const enum config_hash *pa = a->n_prf ? a->prf : a->integ;
	const enum config_hash *pb = b->n_prf ? b->prf : b->integ;
	size_t npa = a->n_prf ? a->n_prf : a->n_integ, npb = b->n_prf ? b->n_prf : b->n_integ;

	for (size_t i = 0; i < a->n_encr; i++) {
		for (size_t j = 0; j < b->n_encr; j++) {
			enum config_hash integ = CONFIG_HASH_NONE, prf = CONFIG_HASH_NONE;
			char c[32];

			if (a->encr[i].alg != b->encr[j].alg ||
			    a->encr[i].key_bits != b->encr[j].key_bits)
				continue;
			if (!aead(a->encr[i].alg) &&
			    !hash_common(a->integ, a->n_integ, b->integ, b->n_integ, &integ))
				continue;
			if ((npa || npb) && !hash_common(pa, npa, pb, npb, &prf))
				continue;
			for (size_t g = 0; g < a->n_groups; g++) {
				for (size_t h = 0; h < b->n_groups; h++) {
					if (a->groups[g] != b->groups[h])
						continue;
					cipher_str(&a->encr[i], c, sizeof(c));
					snprintf(buf, len, "%s integrity %s prf %s group %u", c,
						 config_hash_name(integ), config_hash_name(prf),
						 a->groups[g]);
					return true;
				}
			}
		}
	}
	return false;
}

static void proposals_str(const struct config_ikev2_proposal *const *p, size_t n, char *buf,
			  size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", p[i]->name);
	if (!n)
		snprintf(buf, len, "nothing (no crypto ikev2 policy for its address)");
}

bool sim_v2_proposal(struct sim *s, char *buf, size_t len)
{
	const struct config_ikev2_proposal *ip[MAX_PROPOSALS], *rp[MAX_PROPOSALS];
	size_t ni = ike_v2_proposals(s->i.cfg, &s->i.ep.local, ip, MAX_PROPOSALS);
	size_t nr = ike_v2_proposals(s->r.cfg, &s->r.ep.local, rp, MAX_PROPOSALS);
	char a[400], b[400];

	for (size_t i = 0; i < ni; i++)
		for (size_t j = 0; j < nr; j++)
			if (proposal_common(ip[i], rp[j], buf, len))
				return true;
	ike_tracef(&s->r.tr, "Failed to find a matching policy");
	ike_tracef(&s->r.tr, "Sending no proposal chosen notify");
	proposals_str(ip, ni, a, sizeof(a));
	proposals_str(rp, nr, b, sizeof(b));
	sim_fail(s, "no common IKEv2 proposal: %s proposes %s; %s accepts %s", s->i.name, a,
		 s->r.name, b);
	return false;
}

/* ---- ESP transform-sets ------------------------------------------------------------------ */

static void ts_str(const struct config_transform_set *t, char *buf, size_t len)
{
	const char *e = "esp-null", *h = "";
	char eb[32];

	switch (t->encr.alg) {
	case CONFIG_ENCR_DES:
		e = "esp-des";
		break;
	case CONFIG_ENCR_3DES:
		e = "esp-3des";
		break;
	case CONFIG_ENCR_AES_CBC:
		snprintf(eb, sizeof(eb), t->encr.key_bits == 128 ? "esp-aes" : "esp-aes %u",
			 t->encr.key_bits);
		e = eb;
		break;
	case CONFIG_ENCR_AES_GCM:
		snprintf(eb, sizeof(eb), "esp-gcm %u", t->encr.key_bits);
		e = eb;
		break;
	case CONFIG_ENCR_CHACHA20_POLY1305:
		e = "esp-chacha20-poly1305";
		break;
	case CONFIG_ENCR_NONE:
	case CONFIG_ENCR_NULL:
		break;
	}
	switch (t->integ) {
	case CONFIG_HASH_MD5:
		h = " esp-md5-hmac";
		break;
	case CONFIG_HASH_SHA1:
		h = " esp-sha-hmac";
		break;
	case CONFIG_HASH_SHA256:
		h = " esp-sha256-hmac";
		break;
	case CONFIG_HASH_SHA384:
		h = " esp-sha384-hmac";
		break;
	case CONFIG_HASH_SHA512:
		h = " esp-sha512-hmac";
		break;
	case CONFIG_HASH_NONE:
		break;
	}
	snprintf(buf, len, "%s (%s%s%s)", t->name, e, h,
		 t->mode == CONFIG_IPSEC_MODE_TRANSPORT ? ", transport" : "");
}

const char *sim_ts_text(const struct config_ipsec_profile *ip, char *buf, size_t len)
{
	const struct config_transform_set *ts[16];
	size_t n = ike_transform_sets(ip, ts, 16), used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		char one[128];

		ts_str(ts[i], one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", one);
	}
	return buf;
}

bool sim_transforms(struct sim *s, const struct config_interface *rtun, char *buf, size_t len)
{
	const struct config_transform_set *it[16], *rt[16];
	size_t ni = ike_transform_sets(s->tunnel->protection, it, 16);
	size_t nr = ike_transform_sets(rtun->protection, rt, 16);
	char a[400], b[400];

	for (size_t j = 0; j < nr; j++) {
		for (size_t i = 0; i < ni; i++) {
			if (it[i]->encr.alg == rt[j]->encr.alg &&
			    it[i]->encr.key_bits == rt[j]->encr.key_bits &&
			    it[i]->integ == rt[j]->integ && it[i]->mode == rt[j]->mode) {
				ts_str(rt[j], buf, len);
				return true;
			}
		}
	}
	sim_ts_text(s->tunnel->protection, a, sizeof(a));
	sim_ts_text(rtun->protection, b, sizeof(b));
	sim_fail(s, "no common transform-set: %s's %s proposes %s; %s's %s accepts %s", s->i.name,
		 s->tunnel->name, a, s->r.name, rtun->name, b);
	return false;
}

/* ---- pre-shared keys ---------------------------------------------------------------------- */

struct psk_best {
	const struct config_psk *psk;
	const char *where;
	unsigned where_line;
};

static void psk_scan(struct config_psk *const *psks, size_t n, const struct config_addr *peer,
		     const char *where, struct psk_best *best)
{
	for (size_t i = 0; i < n; i++) {
		const struct config_psk *k = psks[i];

		if (!k->peer.addr.family || !ike_prefix_contains(&k->peer, peer))
			continue;
		if (!best->psk || k->peer.len > best->psk->peer.len) {
			best->psk = k;
			best->where = where;
			best->where_line = k->line;
		}
	}
}

static bool keyring_usable(const struct config_keyring *kr, const struct config_addr *local)
{
	return kr->local_address.addr.family == 0 || local->family == 0 ||
	       ike_addr_equal(&kr->local_address.addr, local);
}

const char *ike_v1_psk(const struct config *cfg, const struct ike_profile *prof,
		       const struct ike_endpoints *ep, char *where, size_t len)
{
	struct psk_best best = { 0 };

	if (prof && prof->v1 && prof->v1->keyring) {
		psk_scan(prof->v1->keyring->psks, prof->v1->keyring->n_psks, &ep->remote,
			 prof->v1->keyring->name, &best);
	} else {
		psk_scan(cfg->isakmp_keys, cfg->n_isakmp_keys, &ep->remote, NULL, &best);
		for (size_t i = 0; i < cfg->n_keyrings; i++)
			if (keyring_usable(cfg->keyrings[i], &ep->local))
				psk_scan(cfg->keyrings[i]->psks, cfg->keyrings[i]->n_psks,
					 &ep->remote, cfg->keyrings[i]->name, &best);
	}
	if (!best.psk)
		return NULL;
	if (best.where)
		snprintf(where, len, "keyring %s, line %u", best.where, best.where_line);
	else
		snprintf(where, len, "crypto isakmp key, line %u", best.where_line);
	return best.psk->key;
}

const char *sim_v1_psk(const struct sim_side *side, const struct ike_profile *prof, char *where,
		       size_t len)
{
	return ike_v1_psk(side->cfg, prof, &side->ep, where, len);
}

static bool id_equal(const struct config_identity *a, const struct ike_id *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == CONFIG_ID_ADDRESS)
		return ike_addr_equal(&a->addr, &b->addr);
	return a->value && b->value && strcasecmp(a->value, b->value) == 0;
}

const struct config_ikev2_peer *sim_v2_keyring_peer(const struct sim_side *side,
						    const struct ike_id *peer_id)
{
	const struct config_ikev2_keyring *kr = side->prof.v2 ? side->prof.v2->keyring : NULL;
	const struct config_ikev2_peer *best = NULL;

	if (!kr)
		return NULL;
	for (size_t i = 0; i < kr->n_peers; i++) {
		const struct config_ikev2_peer *p = kr->peers[i];

		if (p->address.addr.family && ike_prefix_contains(&p->address, &side->ep.remote) &&
		    (!best || p->address.len > best->address.len))
			best = p;
	}
	for (size_t i = 0; !best && peer_id && i < kr->n_peers; i++)
		if (id_equal(&kr->peers[i]->identity, peer_id))
			best = kr->peers[i];
	return best;
}

/* ---- identities ---------------------------------------------------------------------------- */

int sim_id_v1(struct sim *s, const struct sim_side *side, struct ike_id *ret)
{
	const struct config_isakmp_profile *p = side->prof.v1;
	enum config_id_type t = p ? p->self_identity.type : CONFIG_ID_ADDRESS;

	memset(ret, 0, sizeof(*ret));
	ret->type = t == CONFIG_ID_NONE ? CONFIG_ID_ADDRESS : t;
	if (ret->type == CONFIG_ID_ADDRESS) {
		ret->addr = side->ep.local;
		return 0;
	}
	ret->value = p->self_identity.value;
	if (!ret->value)
		return sim_fail(s,
				"%s's isakmp profile %s has self-identity fqdn but no hostname is "
				"configured",
				side->name, p->name);
	return 0;
}

int sim_id_v2(struct sim *s, const struct sim_side *side, enum config_auth auth, struct ike_id *ret)
{
	const struct config_identity *li = &side->prof.v2->local_identity;
	enum config_id_type t = li->type;

	memset(ret, 0, sizeof(*ret));
	if (t == CONFIG_ID_NONE)
		t = auth == CONFIG_AUTH_PSK ? CONFIG_ID_ADDRESS : CONFIG_ID_DN;
	ret->type = t;
	switch (t) {
	case CONFIG_ID_ADDRESS:
		ret->addr = li->type == CONFIG_ID_ADDRESS && li->addr.family ? li->addr
									     : side->ep.local;
		return 0;
	case CONFIG_ID_DN:
		if (!side->sign_tp)
			return sim_fail(s,
					"%s's IKEv2 profile %s uses identity dn without a "
					"certificate",
					side->name, side->prof.v2->name);
		ret->value = pki_cert_subject_str(pki_tp_cert(side->sign_tp));
		return 0;
	default:
		ret->value = li->value;
		return 0;
	}
}
