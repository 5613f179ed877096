/*
 * IKEv1 proposals: phase 1 from `crypto isakmp policy N` (one proposal, one transform per
 * policy in priority order, RFC 2409 appendix A attributes) and phase 2 from the tunnel's
 * transform-sets (one ESP proposal each, IPsec DOI attributes of RFC 2407 4.5 / RFC 3947).
 * The responder takes the first of the peer's transforms that one of its policies accepts,
 * checking its policies in priority order (IOS "Checking ISAKMP transform N against priority
 * P policy").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ikev1_internal.h"

/* RFC 2409 appendix A values */
enum {
	P1_ENCR_DES = 1,
	P1_ENCR_3DES = 5,
	P1_ENCR_AES = 7,
	P1_HASH_MD5 = 1,
	P1_HASH_SHA = 2,
	P1_HASH_SHA256 = 4,
	P1_HASH_SHA384 = 5,
	P1_HASH_SHA512 = 6,
	P1_AUTH_PSK = 1,
	P1_AUTH_RSA_SIG = 3,
	LIFE_SECONDS = 1,
	LIFE_KILOBYTES = 2,
	/* RFC 2407 4.5 / RFC 3947 */
	P2_ENCAP_TUNNEL = 1,
	P2_ENCAP_UDP_TUNNEL = 3,
	P2_ENCAP_UDP_TUNNEL_DRAFT = 61443,
	P2_AUTH_MD5 = 1,
	P2_AUTH_SHA = 2,
	P2_AUTH_SHA256 = 5,
	P2_AUTH_SHA384 = 6,
	P2_AUTH_SHA512 = 7,
};

#define MAX_POLICIES 32
#define MAX_TS 16

uint16_t ikev1_prf_of_hash(uint16_t v1_hash)
{
	switch (v1_hash) {
	case P1_HASH_MD5:
		return WIRE_PRF_HMAC_MD5;
	case P1_HASH_SHA:
		return WIRE_PRF_HMAC_SHA1;
	case P1_HASH_SHA256:
		return WIRE_PRF_HMAC_SHA2_256;
	case P1_HASH_SHA384:
		return WIRE_PRF_HMAC_SHA2_384;
	case P1_HASH_SHA512:
		return WIRE_PRF_HMAC_SHA2_512;
	default:
		return 0;
	}
}

static uint16_t hash_of_prf(uint16_t prf)
{
	for (uint16_t h = 1; h <= 6; h++)
		if (ikev1_prf_of_hash(h) == prf)
			return h;
	return 0;
}

static uint16_t p1_encr(uint16_t encr)
{
	return encr == WIRE_ENCR_3DES ? P1_ENCR_3DES : encr == WIRE_ENCR_AES_CBC ? P1_ENCR_AES : 0;
}

static uint16_t p1_auth(enum config_auth a)
{
	return a == CONFIG_AUTH_PSK ? P1_AUTH_PSK : a == CONFIG_AUTH_RSA_SIG ? P1_AUTH_RSA_SIG : 0;
}

/* A policy as our algorithm set; false for what we cannot negotiate (DES, ECDSA...). */
static bool policy_alg(const struct config_isakmp_policy *p, struct ikev1_p1_alg *a)
{
	memset(a, 0, sizeof(*a));
	a->encr = ike_encr_id(p->encr.alg);
	a->key_bits = p->encr.alg == CONFIG_ENCR_AES_CBC ? p->encr.key_bits : 0;
	if (a->encr == WIRE_ENCR_AES_CBC && !a->key_bits)
		a->key_bits = 128;
	a->prf = ike_prf_id(p->hash);
	a->dh = p->group;
	a->auth = p->auth;
	a->lifetime_s = p->lifetime ? p->lifetime : 86400;
	return p1_encr(a->encr) && a->prf && p1_auth(a->auth) && ike_dh_supported(a->dh);
}

/*
 * TV when the value fits 16 bits, else a 4-byte TLV (RFC 2408 3.3). The TLV bytes live in a
 * small ring: a message is encoded right after its attributes are built (one thread), and no
 * message has 64 long attributes.
 */
static void attr_num(struct wire_attr *at, uint16_t type, uint32_t v)
{
	static uint8_t ring[64][4];
	static unsigned next;
	uint8_t *b;

	memset(at, 0, sizeof(*at));
	at->type = type;
	if (v <= 0xffff) {
		at->tv = true;
		at->value = (uint16_t)v;
		return;
	}
	b = ring[next++ % 64];
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
	at->data.ptr = b;
	at->data.len = 4;
}

size_t ikev1_p1_proposal_build(struct ikev1 *e, enum config_auth only, struct wire_proposal *p,
			       struct wire_transform *tr, struct wire_attr *attrs, size_t max)
{
	size_t n = 0, na = 0;

	memset(p, 0, sizeof(*p));
	p->num = 1;
	p->proto = WIRE_PROTO_IKE;
	p->transforms = tr;
	for (size_t i = 0; i < e->cfg->n_isakmp_policies && n < max && n < MAX_POLICIES; i++) {
		struct ikev1_p1_alg a;
		struct wire_attr *at = &attrs[na];
		uint16_t k = 0;

		if (!policy_alg(e->cfg->isakmp_policies[i], &a))
			continue;
		if (only != CONFIG_AUTH_NONE && a.auth != only)
			continue;
		memset(&tr[n], 0, sizeof(tr[n]));
		tr[n].num = (uint8_t)(n + 1);
		tr[n].id = WIRE_V1_KEY_IKE;
		tr[n].attrs = at;
		attr_num(&at[k++], WIRE_V1A_ENCRYPTION, p1_encr(a.encr));
		if (a.key_bits)
			attr_num(&at[k++], WIRE_V1A_KEY_LENGTH, a.key_bits);
		attr_num(&at[k++], WIRE_V1A_HASH, hash_of_prf(a.prf));
		attr_num(&at[k++], WIRE_V1A_AUTH_METHOD, p1_auth(a.auth));
		attr_num(&at[k++], WIRE_V1A_GROUP_DESC, a.dh);
		attr_num(&at[k++], WIRE_V1A_LIFE_TYPE, LIFE_SECONDS);
		attr_num(&at[k++], WIRE_V1A_LIFE_DURATION, a.lifetime_s);
		tr[n].nattrs = k;
		na += k;
		n++;
	}
	p->ntransforms = (uint8_t)n;
	return n;
}

static uint32_t attr_value(const struct wire_attr *at)
{
	uint32_t v = 0;

	if (at->tv)
		return at->value;
	if (at->data.len > 4)
		return UINT32_MAX; /* longer than we can hold: a value we cannot accept */
	for (size_t i = 0; i < at->data.len; i++)
		v = v << 8 | at->data.ptr[i];
	return v;
}

/* The peer's phase 1 transform as an algorithm set; false if it has something we lack. */
static bool p1_parse(const struct wire_transform *t, struct ikev1_p1_alg *a)
{
	uint32_t life_type = LIFE_SECONDS;

	memset(a, 0, sizeof(*a));
	if (t->id != WIRE_V1_KEY_IKE)
		return false;
	for (uint16_t i = 0; i < t->nattrs; i++) {
		const struct wire_attr *at = &t->attrs[i];
		uint32_t v = attr_value(at);

		switch (at->type) {
		case WIRE_V1A_ENCRYPTION:
			a->encr = v == P1_ENCR_3DES ? WIRE_ENCR_3DES
				  : v == P1_ENCR_AES ? WIRE_ENCR_AES_CBC
						     : 0;
			if (!a->encr)
				return false;
			break;
		case WIRE_V1A_KEY_LENGTH:
			a->key_bits = (uint16_t)v;
			break;
		case WIRE_V1A_HASH:
			a->prf = ikev1_prf_of_hash((uint16_t)v);
			if (!a->prf)
				return false;
			break;
		case WIRE_V1A_AUTH_METHOD:
			a->auth = v == P1_AUTH_PSK	? CONFIG_AUTH_PSK
				  : v == P1_AUTH_RSA_SIG ? CONFIG_AUTH_RSA_SIG
							 : CONFIG_AUTH_NONE;
			if (a->auth == CONFIG_AUTH_NONE)
				return false;
			break;
		case WIRE_V1A_GROUP_DESC:
			a->dh = (uint16_t)v;
			break;
		case WIRE_V1A_LIFE_TYPE:
			life_type = v;
			break;
		case WIRE_V1A_LIFE_DURATION:
			if (life_type == LIFE_SECONDS)
				a->lifetime_s = v;
			break;
		default:
			return false; /* group types, curves, PRF...: not ours */
		}
	}
	if (a->encr == WIRE_ENCR_AES_CBC && a->key_bits != 128 && a->key_bits != 192 &&
	    a->key_bits != 256)
		return false;
	if (a->encr == WIRE_ENCR_3DES && a->key_bits)
		return false;
	return a->encr && a->prf && a->auth && ike_dh_supported(a->dh);
}

bool ikev1_p1_choose(struct ikev1 *e, const struct wire_sa *sa, struct ikev1_p1_alg *ret,
		     const struct wire_proposal **ret_prop, const struct wire_transform **ret_tr)
{
	for (size_t k = 0; k < e->cfg->n_isakmp_policies; k++) {
		const struct config_isakmp_policy *pol = e->cfg->isakmp_policies[k];
		struct ikev1_p1_alg mine;

		if (!policy_alg(pol, &mine))
			continue;
		for (uint16_t i = 0; i < sa->nproposals; i++) {
			const struct wire_proposal *p = &sa->proposals[i];

			if (p->proto != WIRE_PROTO_IKE)
				continue;
			for (uint8_t j = 0; j < p->ntransforms; j++) {
				struct ikev1_p1_alg a;

				if (!p1_parse(&p->transforms[j], &a))
					continue;
				if (a.encr != mine.encr || a.key_bits != mine.key_bits ||
				    a.prf != mine.prf || a.auth != mine.auth || a.dh != mine.dh)
					continue;
				/* IOS: a shorter lifetime from the peer is taken, a longer one is
				 * cut to ours */
				if (!a.lifetime_s || a.lifetime_s > mine.lifetime_s)
					a.lifetime_s = mine.lifetime_s;
				*ret = a;
				*ret_prop = p;
				*ret_tr = &p->transforms[j];
				return true;
			}
		}
	}
	return false;
}

/* ---- phase 2 ---- */

static uint16_t p2_auth_of_integ(uint16_t integ)
{
	switch (integ) {
	case WIRE_INTEG_HMAC_MD5_96:
		return P2_AUTH_MD5;
	case WIRE_INTEG_HMAC_SHA1_96:
		return P2_AUTH_SHA;
	case WIRE_INTEG_HMAC_SHA2_256_128:
		return P2_AUTH_SHA256;
	case WIRE_INTEG_HMAC_SHA2_384_192:
		return P2_AUTH_SHA384;
	case WIRE_INTEG_HMAC_SHA2_512_256:
		return P2_AUTH_SHA512;
	default:
		return 0;
	}
}

static uint16_t integ_of_p2_auth(uint32_t a)
{
	for (uint16_t integ = 1; integ <= 14; integ++)
		if (p2_auth_of_integ(integ) && p2_auth_of_integ(integ) == a)
			return integ;
	return 0;
}

static bool ts_esp(const struct config_transform_set *ts, struct ikev1_esp *esp)
{
	memset(esp, 0, sizeof(*esp));
	esp->encr = ike_encr_id(ts->encr.alg);
	esp->key_bits = ts->encr.key_bits;
	if (esp->encr == WIRE_ENCR_AES_CBC && !esp->key_bits)
		esp->key_bits = 128;
	if (esp->encr == WIRE_ENCR_AES_GCM_16 && !esp->key_bits)
		esp->key_bits = 128;
	esp->integ = ike_integ_id(ts->integ);
	if (!esp->encr || ts->mode != CONFIG_IPSEC_MODE_TUNNEL)
		return false;
	if (esp->encr == WIRE_ENCR_AES_GCM_16)
		return esp->integ == 0;
	return esp->integ != 0;
}

uint16_t ikev1_pfs_group(const struct config_interface *tun)
{
	return tun->protection ? tun->protection->pfs_group : 0;
}

/* Lifetimes of the tunnel's IPsec SAs: the profile's, else the global ones, else IOS's. */
static void esp_lifetime(const struct config_interface *tun, const struct config *cfg,
			 struct ikev1_esp *esp)
{
	const struct config_sa_lifetime *l = tun->protection ? &tun->protection->lifetime : NULL;

	esp->lifetime_s = l && l->seconds ? l->seconds : 0;
	if (!esp->lifetime_s && cfg)
		esp->lifetime_s = cfg->ipsec_lifetime.seconds;
	if (!esp->lifetime_s)
		esp->lifetime_s = 3600;
	esp->lifetime_kb = l && l->kilobytes ? l->kilobytes : 0;
	if (!esp->lifetime_kb && cfg)
		esp->lifetime_kb = cfg->ipsec_lifetime.kilobytes;
	if ((l && l->kilobytes_disable) || (cfg && cfg->ipsec_lifetime.kilobytes_disable))
		esp->lifetime_kb = 0;
	else if (!esp->lifetime_kb)
		esp->lifetime_kb = 4608000;
}

void ikev1_esp_chosen_build(const struct ikev1_esp *esp, uint8_t propnum, uint8_t trnum,
			    uint32_t spi, uint8_t *spi_buf, struct wire_proposal *p,
			    struct wire_transform *tr, struct wire_attr *attrs)
{
	uint16_t k = 0;

	spi_buf[0] = spi >> 24;
	spi_buf[1] = spi >> 16;
	spi_buf[2] = spi >> 8;
	spi_buf[3] = spi;
	memset(p, 0, sizeof(*p));
	memset(tr, 0, sizeof(*tr));
	p->num = propnum;
	p->proto = WIRE_PROTO_ESP;
	p->spi.ptr = spi_buf;
	p->spi.len = 4;
	p->transforms = tr;
	p->ntransforms = 1;
	tr->num = trnum;
	tr->id = esp->encr;
	tr->attrs = attrs;
	attr_num(&attrs[k++], WIRE_V1P_SA_LIFE_TYPE, LIFE_SECONDS);
	attr_num(&attrs[k++], WIRE_V1P_SA_LIFE_DURATION, esp->lifetime_s);
	if (esp->lifetime_kb) {
		attr_num(&attrs[k++], WIRE_V1P_SA_LIFE_TYPE, LIFE_KILOBYTES);
		attr_num(&attrs[k++], WIRE_V1P_SA_LIFE_DURATION,
			 esp->lifetime_kb > UINT32_MAX ? UINT32_MAX : (uint32_t)esp->lifetime_kb);
	}
	if (esp->pfs)
		attr_num(&attrs[k++], WIRE_V1P_GROUP_DESC, esp->pfs);
	attr_num(&attrs[k++], WIRE_V1P_ENCAP_MODE,
		 esp->udp_encap ? P2_ENCAP_UDP_TUNNEL : P2_ENCAP_TUNNEL);
	if (esp->integ)
		attr_num(&attrs[k++], WIRE_V1P_AUTH_ALG, p2_auth_of_integ(esp->integ));
	if (esp->key_bits)
		attr_num(&attrs[k++], WIRE_V1P_KEY_LENGTH, esp->key_bits);
	tr->nattrs = k;
}

size_t ikev1_esp_proposals_build(const struct config *cfg, const struct config_interface *tun, uint32_t spi, bool natt,
				 uint8_t *spi_buf, struct wire_proposal *props,
				 struct wire_transform *tr, struct wire_attr *attrs, size_t max)
{
	const struct config_transform_set *ts[MAX_TS];
	size_t nts = ike_transform_sets(tun->protection, ts, MAX_TS), n = 0;

	for (size_t i = 0; i < nts && n < max; i++) {
		struct ikev1_esp esp;

		if (!ts_esp(ts[i], &esp))
			continue;
		esp.pfs = ikev1_pfs_group(tun);
		esp.udp_encap = natt;
		esp_lifetime(tun, cfg, &esp);
		/* each transform-set is its own proposal (IOS), numbered 1, 2, ... */
		ikev1_esp_chosen_build(&esp, (uint8_t)(n + 1), 1, spi, spi_buf, &props[n], &tr[n],
				       &attrs[n * 8]);
		n++;
	}
	return n;
}

static bool esp_parse(const struct wire_transform *t, struct ikev1_esp *a, bool *encap_ok,
		      bool natt)
{
	uint32_t life_type = LIFE_SECONDS;
	bool encap_seen = false;

	memset(a, 0, sizeof(*a));
	a->encr = t->id;
	if (a->encr != WIRE_ENCR_3DES && a->encr != WIRE_ENCR_AES_CBC &&
	    a->encr != WIRE_ENCR_AES_GCM_16)
		return false;
	for (uint16_t i = 0; i < t->nattrs; i++) {
		const struct wire_attr *at = &t->attrs[i];
		uint32_t v = attr_value(at);

		switch (at->type) {
		case WIRE_V1P_SA_LIFE_TYPE:
			life_type = v;
			break;
		case WIRE_V1P_SA_LIFE_DURATION:
			if (life_type == LIFE_SECONDS)
				a->lifetime_s = v;
			else if (life_type == LIFE_KILOBYTES)
				a->lifetime_kb = v;
			break;
		case WIRE_V1P_GROUP_DESC:
			a->pfs = (uint16_t)v;
			break;
		case WIRE_V1P_ENCAP_MODE:
			encap_seen = true;
			if (v == P2_ENCAP_TUNNEL)
				*encap_ok = !natt;
			else if (v == P2_ENCAP_UDP_TUNNEL || v == P2_ENCAP_UDP_TUNNEL_DRAFT)
				*encap_ok = natt;
			else
				*encap_ok = false;
			a->udp_encap = v != P2_ENCAP_TUNNEL;
			break;
		case WIRE_V1P_AUTH_ALG:
			a->integ = integ_of_p2_auth(v);
			if (!a->integ)
				return false;
			break;
		case WIRE_V1P_KEY_LENGTH:
			a->key_bits = (uint16_t)v;
			break;
		default:
			return false;
		}
	}
	if (!encap_seen)
		*encap_ok = !natt; /* RFC 2407: the default would be host-dependent; IOS sends it */
	if (a->encr == WIRE_ENCR_AES_CBC || a->encr == WIRE_ENCR_AES_GCM_16) {
		if (a->key_bits != 128 && a->key_bits != 192 && a->key_bits != 256)
			return false;
	} else if (a->key_bits) {
		return false;
	}
	return true;
}

bool ikev1_esp_choose(const struct config *cfg, const struct config_interface *tun, const struct wire_sa *sa, bool natt,
		      struct ikev1_esp *ret, uint32_t *ret_peer_spi,
		      const struct wire_proposal **ret_prop, const struct wire_transform **ret_tr)
{
	const struct config_transform_set *ts[MAX_TS];
	size_t nts = ike_transform_sets(tun->protection, ts, MAX_TS);
	/* the peer's order of preference, restricted to what our transform-sets allow */
	for (uint16_t i = 0; i < sa->nproposals; i++) {
		const struct wire_proposal *p = &sa->proposals[i];

		if (p->proto != WIRE_PROTO_ESP || p->spi.len != 4)
			continue;
		/* an AND-bundle (ESP+AH with the same number) is not something we build */
		if ((i + 1 < sa->nproposals && sa->proposals[i + 1].num == p->num) ||
		    (i > 0 && sa->proposals[i - 1].num == p->num))
			continue;
		for (uint8_t j = 0; j < p->ntransforms; j++) {
			struct ikev1_esp a;
			bool encap_ok = false;

			if (!esp_parse(&p->transforms[j], &a, &encap_ok, natt) || !encap_ok)
				continue;
			for (size_t k = 0; k < nts; k++) {
				struct ikev1_esp mine;

				if (!ts_esp(ts[k], &mine) || mine.encr != a.encr ||
				    mine.key_bits != a.key_bits || mine.integ != a.integ)
					continue;
				esp_lifetime(tun, cfg, &mine);
				if (!a.lifetime_s || a.lifetime_s > mine.lifetime_s)
					a.lifetime_s = mine.lifetime_s;
				if (!a.lifetime_kb || (mine.lifetime_kb && a.lifetime_kb > mine.lifetime_kb))
					a.lifetime_kb = mine.lifetime_kb;
				*ret = a;
				*ret_peer_spi = (uint32_t)p->spi.ptr[0] << 24 |
						(uint32_t)p->spi.ptr[1] << 16 |
						(uint32_t)p->spi.ptr[2] << 8 | p->spi.ptr[3];
				*ret_prop = p;
				*ret_tr = &p->transforms[j];
				return true;
			}
		}
	}
	return false;
}

const char *ikev1_p1_alg_str(const struct ikev1_p1_alg *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%u/%s/%s/DH %u", a->encr == WIRE_ENCR_3DES ? "3DES" : "AES-CBC",
		 a->key_bits ? "-" : "", a->key_bits,
		 a->prf == WIRE_PRF_HMAC_MD5	 ? "MD5"
		 : a->prf == WIRE_PRF_HMAC_SHA1	 ? "SHA1"
		 : a->prf == WIRE_PRF_HMAC_SHA2_256 ? "SHA256"
		 : a->prf == WIRE_PRF_HMAC_SHA2_384 ? "SHA384"
						    : "SHA512",
		 a->auth == CONFIG_AUTH_PSK ? "pre-share" : "rsa-sig", a->dh);
	if (a->encr == WIRE_ENCR_3DES) /* no "-0" */
		snprintf(buf, len, "3DES/%s/%s/DH %u",
			 a->prf == WIRE_PRF_HMAC_MD5 ? "MD5" : a->prf == WIRE_PRF_HMAC_SHA1 ? "SHA1" : "SHA2",
			 a->auth == CONFIG_AUTH_PSK ? "pre-share" : "rsa-sig", a->dh);
	return buf;
}

const char *ikev1_esp_str(const struct ikev1_esp *esp, char *buf, size_t len)
{
	snprintf(buf, len, "ESP %s%s%u%s%s%s", wire_transform_id_name(WIRE_TT_ENCR, esp->encr),
		 esp->key_bits ? "-" : "", esp->key_bits, esp->integ ? " " : "",
		 esp->integ ? wire_transform_id_name(WIRE_TT_INTEG, esp->integ) : "",
		 esp->udp_encap ? " UDP-encapsulated" : "");
	return buf;
}
