/* Protection of the IKEv2 Encrypted payload (SK, RFC 7296 3.14; SKF, RFC 7383): AES-CBC and
 * 3DES-CBC with an HMAC ICV, AES-GCM (RFC 5282) and ChaCha20-Poly1305 (RFC 7634), all over
 * EVP_CIPHER. Also the cipher key lengths both IKE and ESP use, and the cipher table and
 * cipher pass IKEv1 CBC (crypto_v1kdf.c) shares.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto_internal.h"

static const struct crypto_encr encrs[] = {
	{ WIRE_ENCR_3DES, 192, true, "DES-EDE3-CBC", 24, 0, 8, 8, 0 },
	{ WIRE_ENCR_AES_CBC, 128, false, "AES-128-CBC", 16, 0, 16, 16, 0 },
	{ WIRE_ENCR_AES_CBC, 192, false, "AES-192-CBC", 24, 0, 16, 16, 0 },
	{ WIRE_ENCR_AES_CBC, 256, false, "AES-256-CBC", 32, 0, 16, 16, 0 },
	{ WIRE_ENCR_AES_GCM_8, 128, false, "AES-128-GCM", 16, 4, 1, 8, 8 },
	{ WIRE_ENCR_AES_GCM_8, 192, false, "AES-192-GCM", 24, 4, 1, 8, 8 },
	{ WIRE_ENCR_AES_GCM_8, 256, false, "AES-256-GCM", 32, 4, 1, 8, 8 },
	{ WIRE_ENCR_AES_GCM_12, 128, false, "AES-128-GCM", 16, 4, 1, 8, 12 },
	{ WIRE_ENCR_AES_GCM_12, 192, false, "AES-192-GCM", 24, 4, 1, 8, 12 },
	{ WIRE_ENCR_AES_GCM_12, 256, false, "AES-256-GCM", 32, 4, 1, 8, 12 },
	{ WIRE_ENCR_AES_GCM_16, 128, false, "AES-128-GCM", 16, 4, 1, 8, 16 },
	{ WIRE_ENCR_AES_GCM_16, 192, false, "AES-192-GCM", 24, 4, 1, 8, 16 },
	{ WIRE_ENCR_AES_GCM_16, 256, false, "AES-256-GCM", 32, 4, 1, 8, 16 },
	{ WIRE_ENCR_CHACHA20_POLY1305, 256, true, "ChaCha20-Poly1305", 32, 4, 1, 8, 16 },
};

/* Largest message body we process: lengths go to EVP as int. */
#define SK_MAX (INT_MAX / 2)

const struct crypto_encr *crypto_encr_find(uint16_t encr, uint16_t key_bits)
{
	for (size_t i = 0; i < sizeof(encrs) / sizeof(encrs[0]); i++) {
		const struct crypto_encr *d = &encrs[i];

		if (d->encr == encr && (d->key_bits == key_bits || (d->fixed && key_bits == 0)))
			return d;
	}
	return NULL;
}

bool ike_encr_supported(uint16_t encr, uint16_t key_bits)
{
	return crypto_encr_find(encr, key_bits) != NULL;
}

bool ike_encr_is_aead(uint16_t encr)
{
	return encr == WIRE_ENCR_AES_GCM_8 || encr == WIRE_ENCR_AES_GCM_12 ||
	       encr == WIRE_ENCR_AES_GCM_16 || encr == WIRE_ENCR_CHACHA20_POLY1305;
}

size_t ike_encr_keylen(uint16_t encr, uint16_t key_bits)
{
	const struct crypto_encr *d = crypto_encr_find(encr, key_bits);

	return d ? d->key_len + d->salt_len : 0;
}

size_t ike_esp_encr_keylen(uint16_t encr, uint16_t key_bits)
{
	/* ESP keys are laid out as IKE's: RFC 4106 4 and RFC 7634 2 append the same salt */
	return ike_encr_keylen(encr, key_bits);
}

static const struct crypto_encr *suite_find(const struct ike_sk_suite *s)
{
	const struct crypto_encr *d;

	if (!s)
		return NULL;
	d = crypto_encr_find(s->encr, s->key_bits);
	if (!d)
		return NULL;
	if (d->tag_len ? s->integ != WIRE_INTEG_NONE : !ike_integ_supported(s->integ))
		return NULL;
	return d;
}

bool ike_sk_suite_supported(const struct ike_sk_suite *s)
{
	return suite_find(s) != NULL;
}

size_t ike_sk_iv_len(const struct ike_sk_suite *s)
{
	const struct crypto_encr *d = suite_find(s);

	return d ? d->iv_len : 0;
}

static size_t icv_len(const struct crypto_encr *d, const struct ike_sk_suite *s)
{
	return d->tag_len ? d->tag_len : ike_integ_icvlen(s->integ);
}

/* Ciphertext bytes for plain_len: plain | pad | pad length, a whole number of blocks. */
static size_t ct_len(const struct crypto_encr *d, size_t plain_len)
{
	return (plain_len + 1 + d->block - 1) / d->block * d->block;
}

size_t ike_sk_body_len(const struct ike_sk_suite *s, size_t plain_len)
{
	const struct crypto_encr *d = suite_find(s);

	if (!d || plain_len > SK_MAX)
		return 0;
	return d->iv_len + ct_len(d, plain_len) + icv_len(d, s);
}

size_t ike_sk_plain_max(const struct ike_sk_suite *s, size_t body_max)
{
	const struct crypto_encr *d = suite_find(s);
	size_t over, ct;

	if (!d)
		return 0;
	over = d->iv_len + icv_len(d, s);
	if (body_max > SK_MAX)
		body_max = SK_MAX;
	if (body_max < over + d->block)
		return 0;
	ct = (body_max - over) / d->block * d->block;
	return ct - 1; /* at least the pad length byte */
}

static int check_keys(const struct crypto_encr *d, const struct ike_sk_suite *s,
		      const struct ike_secret *ek, const struct ike_secret *ak)
{
	if (!ek || !ek->ptr || ek->len != d->key_len + d->salt_len)
		return -EINVAL;
	if (!d->tag_len && (!ak || !ak->ptr || ak->len != ike_integ_keylen(s->integ)))
		return -EINVAL;
	return 0;
}

int crypto_cipher_run(const struct crypto_encr *d, bool enc, const uint8_t *key, const uint8_t *iv,
		      const uint8_t *aad, size_t aad_len, const struct ike_buf *in, size_t n,
		      uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, d->cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len, r = -EIO;

	if (!cipher || !ctx) {
		r = cipher ? -ENOMEM : -EOPNOTSUPP;
		goto out;
	}
	/* AEAD nonces are 12 bytes, the default IV length of both GCM and ChaCha20-Poly1305 */
	if (!EVP_CipherInit_ex2(ctx, cipher, key, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0))
		goto out;
	if (d->tag_len && !enc &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)d->tag_len, tag))
		goto out;
	if (aad_len && !EVP_CipherUpdate(ctx, NULL, &len, aad, (int)aad_len))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!in[i].len)
			continue;
		if (!EVP_CipherUpdate(ctx, out, &len, in[i].ptr, (int)in[i].len))
			goto out;
		out += len;
	}
	if (!EVP_CipherFinal_ex(ctx, out, &len)) {
		r = d->tag_len && !enc ? -EBADMSG : -EIO;
		goto out;
	}
	if (d->tag_len && enc &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)d->tag_len, tag))
		goto out;
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return r;
}

/* AEAD nonce: salt (last bytes of SK_e) | explicit IV (RFC 5282 4, RFC 7634 2). */
static void aead_nonce(const struct crypto_encr *d, const struct ike_secret *ek, const uint8_t *iv,
		       uint8_t nonce[12])
{
	memcpy(nonce, ek->ptr + d->key_len, d->salt_len);
	memcpy(nonce + d->salt_len, iv, d->iv_len);
}

int ike_sk_encrypt(const struct ike_sk_suite *s, const struct ike_secret *ek,
		   const struct ike_secret *ak, uint8_t *msg, size_t aad_len, const uint8_t *plain,
		   size_t plain_len, const uint8_t *iv)
{
	const struct crypto_encr *d = suite_find(s);
	uint8_t trailer[16] = { 0 }, nonce[12];
	struct ike_buf in[2];
	uint8_t *body, *ct;
	size_t clen, pad;
	int r;

	if (!d)
		return -EOPNOTSUPP;
	if (!msg || (plain_len && !plain) || !iv || plain_len > SK_MAX || aad_len > SK_MAX)
		return -EINVAL;
	r = check_keys(d, s, ek, ak);
	if (r < 0)
		return r;
	body = msg + aad_len;
	ct = body + d->iv_len;
	clen = ct_len(d, plain_len);
	/* padding bytes are zero, then the pad length (RFC 7296 3.14) */
	pad = clen - plain_len - 1;
	trailer[pad] = (uint8_t)pad;
	in[0] = (struct ike_buf){ plain, plain_len };
	in[1] = (struct ike_buf){ trailer, pad + 1 };
	memcpy(body, iv, d->iv_len);
	if (d->tag_len) {
		aead_nonce(d, ek, iv, nonce);
		return crypto_cipher_run(d, true, ek->ptr, nonce, msg, aad_len, in, 2, ct,
					 ct + clen);
	}
	r = crypto_cipher_run(d, true, ek->ptr, iv, NULL, 0, in, 2, ct, NULL);
	if (r < 0)
		return r;
	/* the ICV covers the message from its first byte through the ciphertext */
	return ike_integ(s->integ, ak->ptr, msg, aad_len + d->iv_len + clen, ct + clen);
}

int ike_sk_decrypt(const struct ike_sk_suite *s, const struct ike_secret *ek,
		   const struct ike_secret *ak, const uint8_t *msg, size_t aad_len, size_t body_len,
		   uint8_t *out, size_t *ret_len)
{
	const struct crypto_encr *d = suite_find(s);
	uint8_t icv[CRYPTO_MAX_MAC], tag[16], nonce[12];
	const uint8_t *body, *ct;
	struct ike_buf in;
	size_t ilen, clen, pad;
	int r;

	if (!d)
		return -EOPNOTSUPP;
	if (!msg || !out || !ret_len || aad_len > SK_MAX || body_len > SK_MAX)
		return -EINVAL;
	r = check_keys(d, s, ek, ak);
	if (r < 0)
		return r;
	body = msg + aad_len;
	ct = body + d->iv_len;
	ilen = icv_len(d, s);
	if (body_len < d->iv_len + d->block + ilen)
		return -EBADMSG;
	clen = body_len - d->iv_len - ilen;
	if (clen % d->block)
		return -EBADMSG;
	in = (struct ike_buf){ ct, clen };
	if (d->tag_len) {
		memcpy(tag, ct + clen, ilen);
		aead_nonce(d, ek, body, nonce);
		r = crypto_cipher_run(d, false, ek->ptr, nonce, msg, aad_len, &in, 1, out, tag);
	} else {
		r = ike_integ(s->integ, ak->ptr, msg, aad_len + d->iv_len + clen, icv);
		if (r == 0 && CRYPTO_memcmp(icv, ct + clen, ilen) != 0)
			r = -EBADMSG;
		if (r == 0)
			r = crypto_cipher_run(d, false, ek->ptr, body, NULL, 0, &in, 1, out, NULL);
	}
	if (r == 0) {
		pad = out[clen - 1];
		if (pad + 1 > clen)
			r = -EBADMSG;
		else
			*ret_len = clen - 1 - pad;
	}
	if (r < 0)
		OPENSSL_cleanse(out, clen);
	return r;
}
