/* Diffie-Hellman for IKE (transform type 4) over EVP_PKEY: MODP groups (RFC 2409 6.2,
 * RFC 3526), ECP groups in the RFC 5903 encoding (x | y, shared secret = x) and X25519
 * (RFC 8031). Peer values are validated before use; a bad one is -EBADMSG.
 */
#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "ike_crypto_test.h"

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };

/* RFC 2409 6.2, Second Oakley Group: OpenSSL 3.0 has no name for it (modp_1536 and up). */
static const char modp1024_p[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
				 "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
				 "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
				 "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
				 "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
				 "FFFFFFFFFFFFFFFF";

struct dh_desc {
	uint16_t group;
	enum dh_kind kind;
	const char *name;  /* OpenSSL group name (MODP, ECP) or key type (X25519) */
	const char *p_hex; /* MODP without an OpenSSL name: explicit prime, generator 2 */
	size_t pub_len;	   /* KE data length */
};

static const struct dh_desc groups[] = {
	{ WIRE_KE_MODP1024, DH_MODP, NULL, modp1024_p, 128 },
	{ WIRE_KE_MODP1536, DH_MODP, "modp_1536", NULL, 192 },
	{ WIRE_KE_MODP2048, DH_MODP, "modp_2048", NULL, 256 },
	{ WIRE_KE_MODP3072, DH_MODP, "modp_3072", NULL, 384 },
	{ WIRE_KE_MODP4096, DH_MODP, "modp_4096", NULL, 512 },
	{ WIRE_KE_ECP256, DH_ECP, "P-256", NULL, 64 },
	{ WIRE_KE_ECP384, DH_ECP, "P-384", NULL, 96 },
	{ WIRE_KE_ECP521, DH_ECP, "P-521", NULL, 132 },
	{ WIRE_KE_CURVE25519, DH_X25519, "X25519", NULL, 32 },
};

#define MAX_PUB_LEN 512

struct ike_dh {
	const struct dh_desc *desc;
	EVP_PKEY *key;
};

static const struct dh_desc *dh_find(uint16_t group)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].group == group)
			return &groups[i];
	return NULL;
}

bool ike_dh_supported(uint16_t group)
{
	return dh_find(group) != NULL;
}

size_t ike_dh_public_len(uint16_t group)
{
	const struct dh_desc *d = dh_find(group);

	return d ? d->pub_len : 0;
}

uint16_t ike_dh_group(const struct ike_dh *dh)
{
	return dh ? dh->desc->group : 0;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	OPENSSL_free(dh);
}

/*
 * Explicit MODP domain: p, g = 2, and q = (p - 1) / 2 (safe prime) for our own subgroup check.
 * q is not handed to OpenSSL: 3.0 then takes the FIPS 186-4 key generation path, which refuses
 * this 1024-bit group.
 */
struct modp_bn {
	BIGNUM *p, *q, *g;
};

static void modp_bn_free(struct modp_bn *m)
{
	BN_free(m->p);
	BN_free(m->q);
	BN_free(m->g);
}

static int modp_bn_load(const char *p_hex, struct modp_bn *m)
{
	memset(m, 0, sizeof(*m));
	m->q = BN_new();
	m->g = BN_new();
	if (!BN_hex2bn(&m->p, p_hex) || !m->q || !m->g || !BN_rshift1(m->q, m->p) ||
	    !BN_set_word(m->g, 2)) {
		modp_bn_free(m);
		return -ENOMEM;
	}
	return 0;
}

/* Push the group's domain parameters; m holds explicit BIGNUMs until the params are built. */
static int push_domain(const struct dh_desc *d, OSSL_PARAM_BLD *bld, struct modp_bn *m)
{
	memset(m, 0, sizeof(*m));
	if (d->kind == DH_MODP && d->p_hex) {
		int r = modp_bn_load(d->p_hex, m);

		if (r < 0)
			return r;
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, m->p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, m->g))
			return -ENOMEM;
		return 0;
	}
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, d->name, 0))
		return -ENOMEM;
	return 0;
}

/*
 * An EVP_PKEY of the group's type from domain parameters plus whatever the caller pushed
 * into bld (public/private key). selection: EVP_PKEY_KEY_PARAMETERS, _PUBLIC_KEY, _KEYPAIR.
 */
static int key_fromdata(const struct dh_desc *d, OSSL_PARAM_BLD *bld, int selection, EVP_PKEY **ret)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	struct modp_bn m;
	int r;

	r = push_domain(d, bld, &m);
	if (r < 0)
		goto out;
	r = -ENOMEM;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, d->kind == DH_MODP ? "DH" : "EC", NULL);
	if (!params || !ctx)
		goto out;
	r = -EBADMSG; /* the values were refused: for a peer's public key that is its fault */
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, selection, params) <= 0)
		goto out;
	*ret = key;
	r = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	modp_bn_free(&m);
	return r;
}

static int dh_generate(const struct dh_desc *d, EVP_PKEY **ret)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *domain = NULL, *key = NULL;
	OSSL_PARAM_BLD *bld;
	int r;

	if (d->kind == DH_X25519) {
		ctx = EVP_PKEY_CTX_new_from_name(NULL, d->name, NULL);
	} else {
		bld = OSSL_PARAM_BLD_new();
		if (!bld)
			return -ENOMEM;
		r = key_fromdata(d, bld, EVP_PKEY_KEY_PARAMETERS, &domain);
		OSSL_PARAM_BLD_free(bld);
		if (r < 0)
			return r == -EBADMSG ? -EIO : r;
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, domain, NULL);
	}
	r = -ENOMEM;
	if (!ctx)
		goto out;
	r = -EIO;
	if (EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_generate(ctx, &key) <= 0)
		goto out;
	*ret = key;
	r = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(domain);
	return r;
}

static int dh_wrap(const struct dh_desc *d, EVP_PKEY *key, struct ike_dh **ret)
{
	struct ike_dh *dh = OPENSSL_zalloc(sizeof(*dh));

	if (!dh) {
		EVP_PKEY_free(key);
		return -ENOMEM;
	}
	dh->desc = d;
	dh->key = key;
	*ret = dh;
	return 0;
}

int ike_dh_new(uint16_t group, struct ike_dh **ret)
{
	const struct dh_desc *d = dh_find(group);
	EVP_PKEY *key;
	int r;

	if (!ret)
		return -EINVAL;
	if (!d)
		return -EOPNOTSUPP;
	r = dh_generate(d, &key);
	if (r < 0)
		return r;
	return dh_wrap(d, key, ret);
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *buf, size_t size, size_t *ret_len)
{
	const struct dh_desc *d;
	uint8_t pt[1 + 2 * 66];
	BIGNUM *y = NULL;
	size_t len;
	int r = -EIO;

	if (!dh || !buf)
		return -EINVAL;
	d = dh->desc;
	if (size < d->pub_len)
		return -ENOBUFS;
	switch (d->kind) {
	case DH_MODP:
		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
		    BN_bn2binpad(y, buf, (int)d->pub_len) == (int)d->pub_len)
			r = 0;
		BN_free(y);
		break;
	case DH_ECP:
		/* uncompressed point 0x04 | x | y; RFC 5903 sends x | y */
		if (EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt,
						    sizeof(pt), &len) &&
		    len == 1 + d->pub_len && pt[0] == POINT_CONVERSION_UNCOMPRESSED) {
			memcpy(buf, pt + 1, d->pub_len);
			r = 0;
		}
		break;
	case DH_X25519:
		len = size;
		if (EVP_PKEY_get_raw_public_key(dh->key, buf, &len) && len == d->pub_len)
			r = 0;
		break;
	}
	if (r == 0 && ret_len)
		*ret_len = d->pub_len;
	return r;
}

/*
 * y^q mod p == 1 for the explicit groups, where OpenSSL does not know q (see modp_bn); the
 * named groups get the same check from EVP_PKEY_public_check().
 */
static int modp_subgroup_check(const struct dh_desc *d, const BIGNUM *y)
{
	BN_CTX *bnctx = BN_CTX_new();
	BIGNUM *t = BN_new();
	struct modp_bn m;
	int r;

	r = modp_bn_load(d->p_hex, &m);
	if (r == 0) {
		r = -ENOMEM;
		if (bnctx && t && BN_mod_exp(t, y, m.q, m.p, bnctx))
			r = BN_is_one(t) ? 0 : -EBADMSG;
		modp_bn_free(&m);
	}
	BN_free(t);
	BN_CTX_free(bnctx);
	return r;
}

/* MODP peer value: 1 < y < p - 1 and in the subgroup generated by g. */
static int modp_peer(const struct ike_dh *dh, const uint8_t *peer, EVP_PKEY **ret)
{
	const struct dh_desc *d = dh->desc;
	BIGNUM *y = NULL, *p = NULL, *pm1 = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	int r = -ENOMEM;

	y = BN_bin2bn(peer, (int)d->pub_len, NULL);
	pm1 = BN_new();
	bld = OSSL_PARAM_BLD_new();
	if (!y || !pm1 || !bld)
		goto out;
	r = -EIO;
	if (!EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, &p) || !BN_copy(pm1, p) ||
	    !BN_sub_word(pm1, 1))
		goto out;
	r = -EBADMSG;
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
		goto out;
	if (d->p_hex) {
		r = modp_subgroup_check(d, y);
		if (r < 0)
			goto out;
	}
	r = -ENOMEM;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
		goto out;
	r = key_fromdata(d, bld, EVP_PKEY_PUBLIC_KEY, ret);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	BN_free(p);
	BN_free(pm1);
	return r;
}

/* ECP peer value: x | y becomes an uncompressed point; OpenSSL refuses points off the curve. */
static int ecp_peer(const struct dh_desc *d, const uint8_t *peer, EVP_PKEY **ret)
{
	uint8_t pt[1 + 2 * 66];
	OSSL_PARAM_BLD *bld;
	int r = -ENOMEM;

	pt[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(pt + 1, peer, d->pub_len);
	bld = OSSL_PARAM_BLD_new();
	if (bld &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + d->pub_len))
		r = key_fromdata(d, bld, EVP_PKEY_PUBLIC_KEY, ret);
	OSSL_PARAM_BLD_free(bld);
	return r;
}

static int peer_key(const struct ike_dh *dh, const uint8_t *peer, EVP_PKEY **ret)
{
	switch (dh->desc->kind) {
	case DH_MODP:
		return modp_peer(dh, peer, ret);
	case DH_ECP:
		return ecp_peer(dh->desc, peer, ret);
	case DH_X25519:
		*ret = EVP_PKEY_new_raw_public_key_ex(NULL, dh->desc->name, NULL, peer,
						      dh->desc->pub_len);
		return *ret ? 0 : -EBADMSG;
	}
	return -EINVAL;
}

/* ECP and MODP: full public-key validation (on the curve / in the prime-order subgroup). */
static int peer_check(EVP_PKEY *peer)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = EVP_PKEY_public_check(ctx) == 1 ? 0 : -EBADMSG;
	EVP_PKEY_CTX_free(ctx);
	return r;
}

int ike_dh_derive(struct ike_dh *dh, const uint8_t *peer, size_t len, struct ike_secret *ret)
{
	struct ike_secret s = { 0 };
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t out_len;
	int r;

	if (!dh || !ret || (len && !peer))
		return -EINVAL;
	if (len != dh->desc->pub_len)
		return -EBADMSG;
	r = peer_key(dh, peer, &pkey);
	if (r < 0)
		return r;
	if (dh->desc->kind != DH_X25519) {
		r = peer_check(pkey);
		if (r < 0)
			goto out;
	}
	r = -ENOMEM;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx)
		goto out;
	r = -EIO;
	if (EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* g^ir is as long as p (RFC 7296 2.14): ask OpenSSL for the padded form */
	if (dh->desc->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	r = -EBADMSG;
	if (EVP_PKEY_derive_set_peer(ctx, pkey) <= 0)
		goto out;
	r = -EIO;
	if (EVP_PKEY_derive(ctx, NULL, &out_len) <= 0)
		goto out;
	r = ike_secret_alloc(&s, out_len);
	if (r < 0)
		goto out;
	/* X25519 fails here on a small-order peer point (all-zero result) */
	r = -EBADMSG;
	if (EVP_PKEY_derive(ctx, s.ptr, &out_len) <= 0)
		goto out;
	r = -EIO;
	if (out_len != (dh->desc->kind == DH_ECP ? dh->desc->pub_len / 2 : dh->desc->pub_len))
		goto out;
	s.len = out_len;
	ike_secret_free(ret);
	*ret = s;
	s = (struct ike_secret){ 0 };
	r = 0;
out:
	ike_secret_free(&s);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return r;
}

/* ---- test-only: fixed private keys for known-answer tests ---- */

static int modp_from_private(const struct dh_desc *d, const BIGNUM *x, EVP_PKEY **ret)
{
	EVP_PKEY *domain = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *p = NULL, *g = NULL, *y = BN_new();
	BN_CTX *bnctx = BN_CTX_new();
	int r = -ENOMEM;

	bld = OSSL_PARAM_BLD_new();
	if (!y || !bnctx || !bld)
		goto out;
	r = key_fromdata(d, bld, EVP_PKEY_KEY_PARAMETERS, &domain);
	OSSL_PARAM_BLD_free(bld);
	bld = NULL;
	if (r < 0)
		goto out;
	r = -EIO;
	if (!EVP_PKEY_get_bn_param(domain, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    !EVP_PKEY_get_bn_param(domain, OSSL_PKEY_PARAM_FFC_G, &g) ||
	    !BN_mod_exp(y, g, x, p, bnctx))
		goto out;
	r = -ENOMEM;
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
		goto out;
	r = key_fromdata(d, bld, EVP_PKEY_KEYPAIR, ret);
out:
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_free(domain);
	BN_CTX_free(bnctx);
	BN_free(p);
	BN_free(g);
	BN_clear_free(y);
	return r;
}

static int ecp_from_private(const struct dh_desc *d, const BIGNUM *x, EVP_PKEY **ret)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(d->name));
	EC_POINT *pt = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	uint8_t buf[1 + 2 * 66];
	size_t len;
	int r = -ENOMEM;

	if (!grp || !bld || !(pt = EC_POINT_new(grp)))
		goto out;
	r = -EINVAL;
	if (!EC_POINT_mul(grp, pt, x, NULL, NULL, NULL))
		goto out;
	len = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, buf, sizeof(buf), NULL);
	if (len != 1 + d->pub_len)
		goto out;
	r = -ENOMEM;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, buf, len))
		goto out;
	r = key_fromdata(d, bld, EVP_PKEY_KEYPAIR, ret);
out:
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return r;
}

int ike_dh_new_from_private(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **ret)
{
	const struct dh_desc *d = dh_find(group);
	EVP_PKEY *key = NULL;
	BIGNUM *x;
	int r;

	if (!ret || !priv || !len || len > MAX_PUB_LEN)
		return -EINVAL;
	if (!d)
		return -EOPNOTSUPP;
	if (d->kind == DH_X25519) {
		key = EVP_PKEY_new_raw_private_key_ex(NULL, d->name, NULL, priv, len);
		if (!key)
			return -EINVAL;
		return dh_wrap(d, key, ret);
	}
	x = BN_bin2bn(priv, (int)len, NULL);
	if (!x)
		return -ENOMEM;
	if (d->kind == DH_MODP)
		r = modp_from_private(d, x, &key);
	else
		r = ecp_from_private(d, x, &key);
	BN_clear_free(x);
	if (r < 0)
		return r == -EBADMSG ? -EINVAL : r;
	return dh_wrap(d, key, ret);
}
