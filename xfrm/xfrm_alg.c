/*
 * The ESP algorithm table: friendly names -> kernel crypto names, key lengths and ICV or
 * truncation lengths, so callers never spell kernel strings. Truncations per RFC 2403/2404
 * (96 bits) and RFC 4868 (half the hash); AEAD keys carry the salt (RFC 4106 §8.1, RFC 7634 §2).
 */
#include <string.h>

#include "xfrm/xfrm.h"

static const struct xfrm_alg_desc xfrm_alg_table[] = {
	{ "aes-gcm-128", "rfc4106(gcm(aes))", XFRM_ALG_AEAD, 16 + 4, 128 },
	{ "aes-gcm-256", "rfc4106(gcm(aes))", XFRM_ALG_AEAD, 32 + 4, 128 },
	{ "chacha20-poly1305", "rfc7539esp(chacha20,poly1305)", XFRM_ALG_AEAD, 32 + 4, 128 },
	{ "aes-cbc-128", "cbc(aes)", XFRM_ALG_CRYPT, 16, 0 },
	{ "aes-cbc-192", "cbc(aes)", XFRM_ALG_CRYPT, 24, 0 },
	{ "aes-cbc-256", "cbc(aes)", XFRM_ALG_CRYPT, 32, 0 },
	{ "3des", "cbc(des3_ede)", XFRM_ALG_CRYPT, 24, 0 },
	{ "hmac-md5", "hmac(md5)", XFRM_ALG_AUTH, 16, 96 },
	{ "hmac-sha1", "hmac(sha1)", XFRM_ALG_AUTH, 20, 96 },
	{ "hmac-sha256", "hmac(sha256)", XFRM_ALG_AUTH, 32, 128 },
	{ "hmac-sha384", "hmac(sha384)", XFRM_ALG_AUTH, 48, 192 },
	{ "hmac-sha512", "hmac(sha512)", XFRM_ALG_AUTH, 64, 256 },
};

#define XFRM_ALG_COUNT (sizeof(xfrm_alg_table) / sizeof(xfrm_alg_table[0]))

const struct xfrm_alg_desc *xfrm_alg_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < XFRM_ALG_COUNT; i++)
		if (strcmp(xfrm_alg_table[i].name, name) == 0)
			return &xfrm_alg_table[i];
	return NULL;
}

const struct xfrm_alg_desc *xfrm_alg_lookup_kernel(const char *kernel_name, uint32_t key_bits,
						   uint32_t icv_bits)
{
	if (!kernel_name)
		return NULL;
	for (size_t i = 0; i < XFRM_ALG_COUNT; i++) {
		const struct xfrm_alg_desc *d = &xfrm_alg_table[i];

		if (strcmp(d->kernel_name, kernel_name) == 0 && d->key_len * 8u == key_bits &&
		    d->icv_bits == icv_bits)
			return d;
	}
	return NULL;
}

const struct xfrm_alg_desc *xfrm_alg_at(size_t i)
{
	return i < XFRM_ALG_COUNT ? &xfrm_alg_table[i] : NULL;
}
