/*
 * IKEv2 proposals (RFC 7296 3.3): the SA payloads we offer, built from `crypto ikev2
 * proposal/policy` (IKE SA) and the tunnel's transform-sets (ESP), and the choice a responder
 * makes from a peer's offer: the peer's order of preference, restricted to what we accept.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ikev2_internal.h"

#define MAX_CFG_PROPOSALS 32

static bool encr_keyed(uint16_t id)
{
	return id == WIRE_ENCR_AES_CBC || id == WIRE_ENCR_AES_GCM_16;
}

/* The PRFs of a configured proposal: `prf` lines, else the integrity algorithms (IOS), else
 * for an AEAD-only proposal SHA-256/384/512. */
static size_t cfg_prfs(const struct config_ikev2_proposal *p, uint16_t *out)
{
	size_t n = 0;

	if (p->n_prf) {
		for (size_t i = 0; i < p->n_prf; i++)
			if (ike_prf_id(p->prf[i]))
				out[n++] = ike_prf_id(p->prf[i]);
	} else if (p->n_integ) {
		for (size_t i = 0; i < p->n_integ; i++)
			if (ike_prf_id(p->integ[i]))
				out[n++] = ike_prf_id(p->integ[i]);
	} else {
		out[n++] = WIRE_PRF_HMAC_SHA2_256;
		out[n++] = WIRE_PRF_HMAC_SHA2_384;
		out[n++] = WIRE_PRF_HMAC_SHA2_512;
	}
	return n;
}

struct builder_pool {
	struct wire_transform *tr;
	struct wire_attr *attrs;
	size_t ntr, nattrs, max_tr;
};

static void add_tr(struct builder_pool *bp, struct wire_proposal *p, uint8_t type, uint16_t id,
		   uint16_t key_bits)
{
	struct wire_transform *t;

	if (bp->ntr >= bp->max_tr)
		return;
	for (uint8_t i = 0; i < p->ntransforms; i++)
		if (p->transforms[i].type == type && p->transforms[i].id == id &&
		    (!p->transforms[i].nattrs || p->transforms[i].attrs[0].value == key_bits))
			return; /* no duplicates */
	t = &bp->tr[bp->ntr++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->id = id;
	if (key_bits) {
		struct wire_attr *a = &bp->attrs[bp->nattrs++];

		memset(a, 0, sizeof(*a));
		a->type = WIRE_TA_KEY_LENGTH;
		a->tv = true;
		a->value = key_bits;
		t->attrs = a;
		t->nattrs = 1;
	}
	p->ntransforms++;
}

/*
 * One configured proposal becomes one or two wire proposals: AEAD and non-AEAD ciphers cannot
 * share a proposal (RFC 7296 3.3).
 */
size_t ikev2_ike_proposals_build(struct ikev2 *e, const struct config_addr *local,
				 struct wire_proposal *props, struct wire_transform *tr,
				 struct wire_attr *attrs, size_t max_props, const uint8_t *spi,
				 size_t spi_len)
{
	const struct config_ikev2_proposal *cp[MAX_CFG_PROPOSALS];
	struct builder_pool bp = { .tr = tr, .attrs = attrs, .max_tr = WIRE_MAX_TRANSFORMS };
	size_t n = 0, ncp = ike_v2_proposals(e->cfg, local, cp, MAX_CFG_PROPOSALS);

	for (size_t i = 0; i < ncp; i++) {
		for (int aead = 0; aead < 2 && n < max_props; aead++) {
			struct wire_proposal *p = &props[n];
			uint16_t prfs[CONFIG_MAX_ALGS + 3];
			size_t nprf = cfg_prfs(cp[i], prfs);
			bool any = false;

			memset(p, 0, sizeof(*p));
			p->num = (uint8_t)(n + 1);
			p->proto = WIRE_PROTO_IKE;
			p->spi.ptr = spi;
			p->spi.len = spi_len;
			p->transforms = &bp.tr[bp.ntr];
			for (size_t j = 0; j < cp[i]->n_encr; j++) {
				uint16_t id = ike_encr_id(cp[i]->encr[j].alg);

				if (!id || ike_encr_is_aead(id) != (aead == 1) ||
				    !ike_encr_supported(id, cp[i]->encr[j].key_bits))
					continue;
				add_tr(&bp, p, WIRE_TT_ENCR, id,
				       encr_keyed(id) ? cp[i]->encr[j].key_bits : 0);
				any = true;
			}
			if (!any) {
				bp.ntr -= p->ntransforms;
				continue;
			}
			for (size_t j = 0; j < nprf; j++)
				add_tr(&bp, p, WIRE_TT_PRF, prfs[j], 0);
			for (size_t j = 0; !aead && j < cp[i]->n_integ; j++)
				if (ike_integ_id(cp[i]->integ[j]))
					add_tr(&bp, p, WIRE_TT_INTEG, ike_integ_id(cp[i]->integ[j]), 0);
			for (size_t j = 0; j < cp[i]->n_groups; j++)
				if (ike_dh_supported(cp[i]->groups[j]))
					add_tr(&bp, p, WIRE_TT_KE, cp[i]->groups[j], 0);
			n++;
		}
	}
	return n;
}

static uint16_t tr_key_bits(const struct wire_transform *t)
{
	const struct wire_attr *a = wire_transform_attr(t, WIRE_TA_KEY_LENGTH);

	return a && a->tv ? a->value : 0;
}

/* Does our configured proposal accept this ENCR transform? */
static bool cfg_has_encr(const struct config_ikev2_proposal *p, uint16_t id, uint16_t bits)
{
	for (size_t i = 0; i < p->n_encr; i++)
		if (ike_encr_id(p->encr[i].alg) == id &&
		    (!encr_keyed(id) || p->encr[i].key_bits == bits))
			return ike_encr_supported(id, bits);
	return false;
}

static bool cfg_has_integ(const struct config_ikev2_proposal *p, uint16_t id)
{
	for (size_t i = 0; i < p->n_integ; i++)
		if (ike_integ_id(p->integ[i]) == id)
			return true;
	return false;
}

static bool cfg_has_prf(const struct config_ikev2_proposal *p, uint16_t id)
{
	uint16_t prfs[CONFIG_MAX_ALGS + 3];
	size_t n = cfg_prfs(p, prfs);

	for (size_t i = 0; i < n; i++)
		if (prfs[i] == id)
			return ike_prf_supported(id);
	return false;
}

static bool cfg_has_group(const struct config_ikev2_proposal *p, uint16_t g)
{
	for (size_t i = 0; i < p->n_groups; i++)
		if (p->groups[i] == g)
			return ike_dh_supported(g);
	return false;
}

/* Try one received proposal against one configured proposal. */
static bool match_one(const struct config_ikev2_proposal *cp, const struct wire_proposal *wp,
		      uint16_t ke_group, struct ikev2_ike_alg *ret, uint16_t *ret_want)
{
	struct ikev2_ike_alg a = { 0 };
	bool have_encr = false, have_prf = false, have_integ = false, integ_none = false;
	bool have_dh = false, ke_ok = false;

	for (uint8_t i = 0; i < wp->ntransforms; i++) {
		const struct wire_transform *t = &wp->transforms[i];

		switch (t->type) {
		case WIRE_TT_ENCR:
			if (!have_encr && cfg_has_encr(cp, t->id, tr_key_bits(t))) {
				a.encr = t->id;
				a.key_bits = encr_keyed(t->id) ? tr_key_bits(t)
					     : t->id == WIRE_ENCR_3DES ? 192
								       : 256;
				have_encr = true;
			}
			break;
		case WIRE_TT_PRF:
			if (!have_prf && cfg_has_prf(cp, t->id)) {
				a.prf = t->id;
				have_prf = true;
			}
			break;
		case WIRE_TT_INTEG:
			if (t->id == WIRE_INTEG_NONE)
				integ_none = true;
			else if (!have_integ && cfg_has_integ(cp, t->id) &&
				 ike_integ_supported(t->id)) {
				a.integ = t->id;
				have_integ = true;
			}
			break;
		case WIRE_TT_KE:
			if (t->id == ke_group && cfg_has_group(cp, t->id)) {
				a.dh = t->id;
				ke_ok = true;
				have_dh = true;
			} else if (!have_dh && cfg_has_group(cp, t->id)) {
				a.dh = t->id;
				have_dh = true;
			}
			break;
		default:
			break;
		}
	}
	if (!have_encr || !have_prf || !have_dh)
		return false;
	if (ike_encr_is_aead(a.encr)) {
		if (have_integ)
			return false;
		a.integ = WIRE_INTEG_NONE;
	} else if (!have_integ) {
		return false;
	}
	(void)integ_none;
	*ret = a;
	*ret_want = ke_ok ? 0 : a.dh;
	return true;
}

bool ikev2_ike_choose(struct ikev2 *e, const struct config_addr *local, const struct wire_sa *sa,
		      uint16_t ke_group, struct ikev2_ike_alg *ret, uint8_t *ret_propnum,
		      uint16_t *ret_want_group)
{
	const struct config_ikev2_proposal *cp[MAX_CFG_PROPOSALS];
	size_t ncp = ike_v2_proposals(e->cfg, local, cp, MAX_CFG_PROPOSALS);
	bool found_other_group = false;
	struct ikev2_ike_alg other = { 0 };
	uint8_t other_num = 0;

	for (uint16_t i = 0; i < sa->nproposals; i++) {
		const struct wire_proposal *wp = &sa->proposals[i];

		if (wp->proto != WIRE_PROTO_IKE)
			continue;
		for (size_t j = 0; j < ncp; j++) {
			struct ikev2_ike_alg a;
			uint16_t want;

			if (!match_one(cp[j], wp, ke_group, &a, &want))
				continue;
			if (!want) {
				*ret = a;
				*ret_propnum = wp->num;
				*ret_want_group = 0;
				return true;
			}
			if (!found_other_group) {
				found_other_group = true;
				other = a;
				other_num = wp->num;
			}
		}
	}
	if (!found_other_group)
		return false;
	*ret = other;
	*ret_propnum = other_num;
	*ret_want_group = other.dh;
	return true;
}

/* ---- ESP ---- */

#define MAX_TS 16

size_t ikev2_esp_proposals_build(const struct config_interface *tun, uint32_t spi, bool with_ke,
				 struct wire_proposal *props, struct wire_transform *tr,
				 struct wire_attr *attrs, size_t max_props, uint8_t *spi_buf)
{
	const struct config_transform_set *ts[MAX_TS];
	struct builder_pool bp = { .tr = tr, .attrs = attrs, .max_tr = WIRE_MAX_TRANSFORMS };
	size_t n = 0, nts = ike_transform_sets(tun->protection, ts, MAX_TS);

	spi_buf[0] = (uint8_t)(spi >> 24);
	spi_buf[1] = (uint8_t)(spi >> 16);
	spi_buf[2] = (uint8_t)(spi >> 8);
	spi_buf[3] = (uint8_t)spi;
	for (size_t i = 0; i < nts && n < max_props; i++) {
		struct wire_proposal *p = &props[n];
		uint16_t id = ike_encr_id(ts[i]->encr.alg);

		if (!id || !ike_encr_supported(id, ts[i]->encr.key_bits ? ts[i]->encr.key_bits
					      : id == WIRE_ENCR_AES_CBC ? 128
					      : id == WIRE_ENCR_AES_GCM_16 ? 128 : 0))
			if (id != WIRE_ENCR_NULL)
				continue;
		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(n + 1);
		p->proto = WIRE_PROTO_ESP;
		p->spi.ptr = spi_buf;
		p->spi.len = 4;
		p->transforms = &bp.tr[bp.ntr];
		add_tr(&bp, p, WIRE_TT_ENCR, id,
		       encr_keyed(id) ? (ts[i]->encr.key_bits ? ts[i]->encr.key_bits : 128) : 0);
		if (!ike_encr_is_aead(id) && ike_integ_id(ts[i]->integ))
			add_tr(&bp, p, WIRE_TT_INTEG, ike_integ_id(ts[i]->integ), 0);
		if (with_ke && tun->protection && tun->protection->pfs_group &&
		    ike_dh_supported(tun->protection->pfs_group))
			add_tr(&bp, p, WIRE_TT_KE, tun->protection->pfs_group, 0);
		add_tr(&bp, p, WIRE_TT_ESN, WIRE_ESN_NONE, 0);
		n++;
	}
	return n;
}

bool ikev2_esp_choose(const struct config_interface *tun, const struct wire_sa *sa, bool with_ke,
		      struct ikev2_esp *ret, uint32_t *ret_peer_spi, uint8_t *ret_propnum)
{
	const struct config_transform_set *ts[MAX_TS];
	size_t nts = ike_transform_sets(tun->protection, ts, MAX_TS);
	uint16_t pfs = with_ke && tun->protection ? tun->protection->pfs_group : 0;

	for (uint16_t i = 0; i < sa->nproposals; i++) {
		const struct wire_proposal *wp = &sa->proposals[i];

		if (wp->proto != WIRE_PROTO_ESP || wp->spi.len != 4)
			continue;
		for (size_t j = 0; j < nts; j++) {
			uint16_t id = ike_encr_id(ts[j]->encr.alg);
			uint16_t bits = encr_keyed(id) ? (ts[j]->encr.key_bits ? ts[j]->encr.key_bits
									      : 128)
							: 0;
			uint16_t integ = ike_encr_is_aead(id) ? WIRE_INTEG_NONE
							      : ike_integ_id(ts[j]->integ);
			bool e_ok = false, i_ok = integ == WIRE_INTEG_NONE, k_ok = !pfs,
			     n_ok = false, has_ke = false, has_integ = false;

			for (uint8_t k = 0; k < wp->ntransforms; k++) {
				const struct wire_transform *t = &wp->transforms[k];

				if (t->type == WIRE_TT_ENCR && t->id == id &&
				    (!encr_keyed(id) || tr_key_bits(t) == bits))
					e_ok = true;
				if (t->type == WIRE_TT_INTEG) {
					has_integ = has_integ || t->id != WIRE_INTEG_NONE;
					if (t->id == integ)
						i_ok = true;
				}
				if (t->type == WIRE_TT_KE && with_ke) {
					has_ke = has_ke || t->id != 0;
					if (t->id == pfs)
						k_ok = true;
				}
				if (t->type == WIRE_TT_ESN && t->id == WIRE_ESN_NONE)
					n_ok = true;
			}
			if (!pfs && has_ke) {
				/* the peer wants PFS we were not configured for: accept the
				 * proposal only if it also offers "no KE" (id 0) */
				k_ok = false;
				for (uint8_t k = 0; k < wp->ntransforms; k++)
					if (wp->transforms[k].type == WIRE_TT_KE &&
					    wp->transforms[k].id == 0)
						k_ok = true;
			}
			if (ike_encr_is_aead(id) && has_integ)
				i_ok = false;
			if (!e_ok || !i_ok || !k_ok || !n_ok)
				continue;
			ret->encr = id;
			ret->key_bits = id == WIRE_ENCR_3DES ? 192 : bits;
			ret->integ = integ;
			ret->esn = false;
			ret->dh = pfs;
			*ret_peer_spi = (uint32_t)wp->spi.ptr[0] << 24 |
					(uint32_t)wp->spi.ptr[1] << 16 |
					(uint32_t)wp->spi.ptr[2] << 8 | wp->spi.ptr[3];
			*ret_propnum = wp->num;
			return true;
		}
	}
	return false;
}

const char *ikev2_esp_str(const struct ikev2_esp *esp, char *buf, size_t len)
{
	const char *en = wire_transform_id_name(WIRE_TT_ENCR, esp->encr);
	const char *in = wire_transform_id_name(WIRE_TT_INTEG, esp->integ);

	snprintf(buf, len, "%s-%u/%s", en ? en : "?", esp->key_bits, in ? in : "?");
	return buf;
}

void ikev2_ike_chosen_build(const struct ikev2_ike_alg *a, uint8_t num, const uint8_t *spi,
			    size_t spi_len, struct wire_proposal *p, struct wire_transform tr[4],
			    struct wire_attr *attr)
{
	memset(p, 0, sizeof(*p));
	memset(tr, 0, 4 * sizeof(*tr));
	p->num = num;
	p->proto = WIRE_PROTO_IKE;
	p->spi.ptr = spi;
	p->spi.len = spi_len;
	p->transforms = tr;
	tr[0].type = WIRE_TT_ENCR;
	tr[0].id = a->encr;
	if (encr_keyed(a->encr)) {
		memset(attr, 0, sizeof(*attr));
		attr->type = WIRE_TA_KEY_LENGTH;
		attr->tv = true;
		attr->value = a->key_bits;
		tr[0].attrs = attr;
		tr[0].nattrs = 1;
	}
	tr[1].type = WIRE_TT_PRF;
	tr[1].id = a->prf;
	p->ntransforms = 2;
	if (a->integ != WIRE_INTEG_NONE) {
		tr[p->ntransforms].type = WIRE_TT_INTEG;
		tr[p->ntransforms++].id = a->integ;
	}
	tr[p->ntransforms].type = WIRE_TT_KE;
	tr[p->ntransforms++].id = a->dh;
}
