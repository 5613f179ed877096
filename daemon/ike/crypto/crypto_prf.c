/* PRF and integrity transforms of IKEv2 (RFC 7296 3.3.2; HMACs of RFC 2104, 2404, 4868) over
 * OpenSSL's EVP_MAC "HMAC", prf+ (RFC 7296 2.13), and the plain hash behind each PRF (IKEv1
 * uses the negotiated hash both ways, RFC 2409 5 and appendix B).
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto_internal.h"

struct prf_desc {
	uint16_t id;
	const char *md;
	size_t len;
};

static const struct prf_desc prfs[] = {
	{ WIRE_PRF_HMAC_MD5, "MD5", 16 },	    { WIRE_PRF_HMAC_SHA1, "SHA1", 20 },
	{ WIRE_PRF_HMAC_SHA2_256, "SHA2-256", 32 }, { WIRE_PRF_HMAC_SHA2_384, "SHA2-384", 48 },
	{ WIRE_PRF_HMAC_SHA2_512, "SHA2-512", 64 },
};

struct integ_desc {
	uint16_t id;
	const char *md;
	size_t keylen, icvlen;
};

/* Key length = digest length (RFC 2403/2404/4868); ICV = the truncated HMAC. */
static const struct integ_desc integs[] = {
	{ WIRE_INTEG_HMAC_MD5_96, "MD5", 16, 12 },
	{ WIRE_INTEG_HMAC_SHA1_96, "SHA1", 20, 12 },
	{ WIRE_INTEG_HMAC_SHA2_256_128, "SHA2-256", 32, 16 },
	{ WIRE_INTEG_HMAC_SHA2_384_192, "SHA2-384", 48, 24 },
	{ WIRE_INTEG_HMAC_SHA2_512_256, "SHA2-512", 64, 32 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct prf_desc *prf_find(uint16_t prf)
{
	for (size_t i = 0; i < ARRAY_SIZE(prfs); i++)
		if (prfs[i].id == prf)
			return &prfs[i];
	return NULL;
}

static const struct integ_desc *integ_find(uint16_t integ)
{
	for (size_t i = 0; i < ARRAY_SIZE(integs); i++)
		if (integs[i].id == integ)
			return &integs[i];
	return NULL;
}

static int mac_open(const char *md, EVP_MAC_CTX **ret)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return -EOPNOTSUPP;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac); /* the context holds its own reference */
	if (!ctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_CTX_set_params(ctx, params)) {
		EVP_MAC_CTX_free(ctx);
		return -EOPNOTSUPP;
	}
	*ret = ctx;
	return 0;
}

/* One MAC with ctx: (re)keyed each time, so a context serves every block of prf+. */
static int mac_run(EVP_MAC_CTX *ctx, const void *key, size_t klen, const struct ike_buf *c,
		   size_t n, uint8_t *out, size_t out_size)
{
	static const uint8_t empty_key;
	size_t len;

	/* a NULL key would mean "keep the previous one"; an empty key is still a key */
	if (!EVP_MAC_init(ctx, klen ? key : &empty_key, klen, NULL))
		return -EIO;
	for (size_t i = 0; i < n; i++)
		if (c[i].len && !EVP_MAC_update(ctx, c[i].ptr, c[i].len))
			return -EIO;
	if (!EVP_MAC_final(ctx, out, &len, out_size))
		return -EIO;
	return 0;
}

int crypto_hmac(const char *md, const void *key, size_t klen, const struct ike_buf *c, size_t n,
		uint8_t *out, size_t out_size)
{
	EVP_MAC_CTX *ctx;
	int r;

	if ((klen && !key) || !out)
		return -EINVAL;
	r = mac_open(md, &ctx);
	if (r < 0)
		return r;
	r = mac_run(ctx, key, klen, c, n, out, out_size);
	EVP_MAC_CTX_free(ctx);
	return r;
}

bool ike_prf_supported(uint16_t prf)
{
	return prf_find(prf) != NULL;
}

size_t ike_prf_len(uint16_t prf)
{
	const struct prf_desc *d = prf_find(prf);

	return d ? d->len : 0;
}

static bool parts_ok(const struct ike_buf *parts, size_t nparts)
{
	if (nparts && !parts)
		return false;
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].len && !parts[i].ptr)
			return false;
	return true;
}

int ike_prf_parts(uint16_t prf, const void *key, size_t klen, const struct ike_buf *parts,
		  size_t nparts, uint8_t *out)
{
	const struct prf_desc *d = prf_find(prf);

	if (!d)
		return -EOPNOTSUPP;
	if (!parts_ok(parts, nparts))
		return -EINVAL;
	return crypto_hmac(d->md, key, klen, parts, nparts, out, d->len);
}

int ike_hash_parts(uint16_t prf, const struct ike_buf *parts, size_t nparts, uint8_t *out)
{
	const struct prf_desc *d = prf_find(prf);
	EVP_MD_CTX *ctx = NULL;
	EVP_MD *md = NULL;
	unsigned int len;
	int r = -EIO;

	if (!d)
		return -EOPNOTSUPP;
	if (!parts_ok(parts, nparts) || !out)
		return -EINVAL;
	md = EVP_MD_fetch(NULL, d->md, NULL);
	if (!md)
		return -EOPNOTSUPP;
	ctx = EVP_MD_CTX_new();
	if (!ctx) {
		r = -ENOMEM;
		goto out;
	}
	if (!EVP_DigestInit_ex2(ctx, md, NULL))
		goto out;
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].len && !EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len))
			goto out;
	if (!EVP_DigestFinal_ex(ctx, out, &len))
		goto out;
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return r;
}

int ike_prf(uint16_t prf, const void *key, size_t klen, const void *data, size_t dlen, uint8_t *out)
{
	struct ike_buf c = { data, dlen };

	if (dlen && !data)
		return -EINVAL;
	return ike_prf_parts(prf, key, klen, &c, 1, out);
}

int ike_prf_plus(uint16_t prf, const void *key, size_t klen, const void *seed, size_t slen,
		 uint8_t *out, size_t out_len)
{
	const struct prf_desc *d = prf_find(prf);
	uint8_t t[CRYPTO_MAX_MAC];
	EVP_MAC_CTX *ctx;
	size_t done = 0;
	uint8_t counter;
	int r;

	if (!d)
		return -EOPNOTSUPP;
	if ((klen && !key) || (slen && !seed) || (out_len && !out) || out_len > 255 * d->len)
		return -EINVAL;
	if (!out_len)
		return 0;
	r = mac_open(d->md, &ctx);
	if (r < 0)
		return r;
	/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n) */
	for (counter = 1; done < out_len; counter++) {
		struct ike_buf c[3] = {
			{ t, counter == 1 ? 0 : d->len },
			{ seed, slen },
			{ &counter, 1 },
		};
		size_t n;

		r = mac_run(ctx, key, klen, c, 3, t, sizeof(t));
		if (r < 0)
			break;
		n = out_len - done < d->len ? out_len - done : d->len;
		memcpy(out + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	EVP_MAC_CTX_free(ctx);
	if (r < 0)
		OPENSSL_cleanse(out, out_len);
	return r;
}

bool ike_integ_supported(uint16_t integ)
{
	return integ_find(integ) != NULL;
}

size_t ike_integ_keylen(uint16_t integ)
{
	const struct integ_desc *d = integ_find(integ);

	return d ? d->keylen : 0;
}

size_t ike_integ_icvlen(uint16_t integ)
{
	const struct integ_desc *d = integ_find(integ);

	return d ? d->icvlen : 0;
}

size_t ike_esp_integ_keylen(uint16_t integ)
{
	return ike_integ_keylen(integ);
}

int ike_integ(uint16_t integ, const void *key, const void *data, size_t len, uint8_t *icv)
{
	const struct integ_desc *d = integ_find(integ);
	struct ike_buf c = { data, len };
	uint8_t full[CRYPTO_MAX_MAC];
	int r;

	if (!d)
		return -EOPNOTSUPP;
	if (!key || (len && !data) || !icv)
		return -EINVAL;
	r = crypto_hmac(d->md, key, d->keylen, &c, 1, full, sizeof(full));
	if (r == 0)
		memcpy(icv, full, d->icvlen);
	OPENSSL_cleanse(full, sizeof(full));
	return r;
}
