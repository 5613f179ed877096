/* IKEv1 key derivation and message encryption (RFC 2409): SKEYID and SKEYID_{d,a,e} (5), the
 * cipher key with the appendix B expansion, the phase-1 and phase-2 IVs and CBC chaining
 * across messages (appendix B), and Quick Mode KEYMAT (5.5).
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto_internal.h"

/* Largest message body we encrypt: lengths go to EVP as int. */
#define V1_CBC_MAX (INT_MAX / 2)

/* The CBC ciphers of IKEv1; AEAD transforms have no IKEv1 (ISAKMP) encoding. */
static const struct crypto_encr *v1_encr_find(uint16_t encr, uint16_t key_bits)
{
	if (encr != WIRE_ENCR_3DES && encr != WIRE_ENCR_AES_CBC)
		return NULL;
	return crypto_encr_find(encr, key_bits);
}

void ike_v1_keys_free(struct ike_v1_keys *k)
{
	if (!k)
		return;
	ike_secret_free(&k->skeyid);
	ike_secret_free(&k->skeyid_d);
	ike_secret_free(&k->skeyid_a);
	ike_secret_free(&k->skeyid_e);
	ike_secret_free(&k->enc);
	OPENSSL_cleanse(k->iv, sizeof(k->iv));
	*k = (struct ike_v1_keys){ 0 };
}

/*
 * The chained expansion both appendix B and 5.5 use: K1 = prf(key, seed),
 * Kn = prf(key, Kn-1 [| seed]), out = K1 | K2 | ... truncated to len. The seed follows Kn-1
 * in every block for KEYMAT (every_block) and only in K1 for the cipher key.
 */
static int v1_chain(uint16_t prf, const struct ike_secret *key, const struct ike_buf *seed,
		    size_t nseed, bool every_block, uint8_t *out, size_t len)
{
	size_t plen = ike_prf_len(prf), done = 0;
	struct ike_buf parts[8];
	uint8_t t[CRYPTO_MAX_MAC];
	int r = 0;

	if (!plen)
		return -EOPNOTSUPP;
	if (nseed >= sizeof(parts) / sizeof(parts[0]))
		return -EINVAL;
	for (size_t i = 0; i < nseed; i++)
		parts[i + 1] = seed[i];
	while (done < len) {
		size_t n = len - done < plen ? len - done : plen;

		parts[0] = (struct ike_buf){ t, done ? plen : 0 };
		r = ike_prf_parts(prf, key->ptr, key->len, parts,
				  !done || every_block ? nseed + 1 : 1, t);
		if (r < 0)
			break;
		memcpy(out + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (r < 0)
		OPENSSL_cleanse(out, len);
	return r;
}

/* SKEYID for pre-shared keys (prf(psk, Ni_b | Nr_b)) or signatures (prf(Ni_b | Nr_b, g^xy)). */
static int v1_skeyid(uint16_t prf, const void *psk, size_t psk_len, const uint8_t *ni,
		     size_t ni_len, const uint8_t *nr, size_t nr_len, const struct ike_secret *gxy,
		     struct ike_secret *ret)
{
	struct ike_buf nonces[2] = { { ni, ni_len }, { nr, nr_len } };
	struct ike_secret key = { 0 };
	int r;

	r = ike_secret_alloc(ret, ike_prf_len(prf));
	if (r < 0)
		return r;
	if (psk)
		return ike_prf_parts(prf, psk, psk_len, nonces, 2, ret->ptr);
	/* the nonces are the HMAC key: one contiguous buffer */
	r = ike_secret_alloc(&key, ni_len + nr_len);
	if (r < 0)
		return r;
	memcpy(key.ptr, ni, ni_len);
	memcpy(key.ptr + ni_len, nr, nr_len);
	r = ike_prf(prf, key.ptr, key.len, gxy->ptr, gxy->len, ret->ptr);
	ike_secret_free(&key);
	return r;
}

/*
 * SKEYID_x = prf(SKEYID, [SKEYID_prev |] g^xy | CKY-I | CKY-R | n) for n = 0 (d), 1 (a), 2 (e);
 * SKEYID_d has no predecessor.
 */
static int v1_skeyid_x(uint16_t prf, const struct ike_secret *skeyid, const struct ike_secret *prev,
		       const struct ike_secret *gxy, const uint8_t cky_i[8], const uint8_t cky_r[8],
		       uint8_t n, struct ike_secret *ret)
{
	struct ike_buf parts[5] = {
		{ prev ? prev->ptr : NULL, prev ? prev->len : 0 },
		{ gxy->ptr, gxy->len },
		{ cky_i, 8 },
		{ cky_r, 8 },
		{ &n, 1 },
	};
	int r;

	r = ike_secret_alloc(ret, ike_prf_len(prf));
	if (r < 0)
		return r;
	return ike_prf_parts(prf, skeyid->ptr, skeyid->len, parts, 5, ret->ptr);
}

/* The cipher key: SKEYID_e truncated, or K1 | K2 | ... with K1 = prf(SKEYID_e, 0) (appendix B). */
static int v1_enc_key(uint16_t prf, const struct crypto_encr *d, const struct ike_secret *skeyid_e,
		      struct ike_secret *ret)
{
	static const uint8_t zero;
	const struct ike_buf seed = { &zero, 1 };
	int r;

	if (skeyid_e->len >= d->key_len)
		return ike_secret_set(ret, skeyid_e->ptr, d->key_len);
	r = ike_secret_alloc(ret, d->key_len);
	if (r < 0)
		return r;
	return v1_chain(prf, skeyid_e, &seed, 1, false, ret->ptr, ret->len);
}

int ike_v1_derive(uint16_t prf, uint16_t encr, uint16_t key_bits, const void *psk, size_t psk_len,
		  const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
		  const struct ike_secret *gxy, const uint8_t *gxi, size_t gxi_len,
		  const uint8_t *gxr, size_t gxr_len, const uint8_t cky_i[8],
		  const uint8_t cky_r[8], struct ike_v1_keys *ret)
{
	const struct crypto_encr *d = v1_encr_find(encr, key_bits);
	struct ike_buf pub[2] = { { gxi, gxi_len }, { gxr, gxr_len } };
	struct ike_v1_keys k = { 0 };
	uint8_t h[CRYPTO_MAX_MAC];
	int r;

	if (!ike_prf_supported(prf) || !d)
		return -EOPNOTSUPP;
	if (!ni || !ni_len || !nr || !nr_len || !gxy || !gxy->ptr || !gxy->len || !gxi ||
	    !gxi_len || !gxr || !gxr_len || !cky_i || !cky_r || !ret)
		return -EINVAL;
	/* psk NULL selects signatures; an empty pre-shared key is a configuration error */
	if (psk ? !psk_len : psk_len)
		return -EINVAL;
	k.prf = prf;
	k.encr = encr;
	k.key_bits = d->key_bits;
	k.block = d->block;
	r = v1_skeyid(prf, psk, psk_len, ni, ni_len, nr, nr_len, gxy, &k.skeyid);
	if (r == 0)
		r = v1_skeyid_x(prf, &k.skeyid, NULL, gxy, cky_i, cky_r, 0, &k.skeyid_d);
	if (r == 0)
		r = v1_skeyid_x(prf, &k.skeyid, &k.skeyid_d, gxy, cky_i, cky_r, 1, &k.skeyid_a);
	if (r == 0)
		r = v1_skeyid_x(prf, &k.skeyid, &k.skeyid_a, gxy, cky_i, cky_r, 2, &k.skeyid_e);
	if (r == 0)
		r = v1_enc_key(prf, d, &k.skeyid_e, &k.enc);
	/* phase-1 IV = hash(g^xi | g^xr), the plain hash, truncated to the block */
	if (r == 0)
		r = ike_hash_parts(prf, pub, 2, h);
	if (r < 0)
		goto out;
	memcpy(k.iv, h, k.block);
	ike_v1_keys_free(ret);
	*ret = k;
	k = (struct ike_v1_keys){ 0 };
out:
	OPENSSL_cleanse(h, sizeof(h));
	ike_v1_keys_free(&k);
	return r;
}

/* The cipher of k, if k was filled by ike_v1_derive (key and block agree with the cipher). */
static int v1_keys_cipher(const struct ike_v1_keys *k, const struct crypto_encr **ret)
{
	const struct crypto_encr *d;

	if (!k || !k->enc.ptr)
		return -EINVAL;
	d = v1_encr_find(k->encr, k->key_bits);
	if (!d)
		return -EOPNOTSUPP;
	if (k->enc.len != d->key_len || k->block != d->block)
		return -EINVAL;
	*ret = d;
	return 0;
}

int ike_v1_phase2_iv(const struct ike_v1_keys *k, const uint8_t *last_block, uint32_t msgid,
		     uint8_t *iv)
{
	const struct crypto_encr *d;
	uint32_t mid = htobe32(msgid);
	struct ike_buf parts[2];
	uint8_t h[CRYPTO_MAX_MAC];
	int r;

	r = v1_keys_cipher(k, &d);
	if (r < 0)
		return r;
	if (!last_block || !iv)
		return -EINVAL;
	parts[0] = (struct ike_buf){ last_block, d->block };
	parts[1] = (struct ike_buf){ &mid, sizeof(mid) };
	r = ike_hash_parts(k->prf, parts, 2, h);
	if (r == 0)
		memcpy(iv, h, d->block);
	return r;
}

/* CBC over in with iv; iv becomes the last ciphertext block (of out or of in). */
static int v1_cbc(const struct ike_v1_keys *k, bool enc, uint8_t *iv, const uint8_t *in, size_t len,
		  uint8_t *out)
{
	const struct crypto_encr *d;
	const struct ike_buf c = { in, len };
	uint8_t next[16];
	int r;

	r = v1_keys_cipher(k, &d);
	if (r < 0)
		return r;
	if (!iv || !in || !out || !len || len % d->block || len > V1_CBC_MAX)
		return -EINVAL;
	/* decrypting in place overwrites the last ciphertext block: keep it first */
	if (!enc)
		memcpy(next, in + len - d->block, d->block);
	r = crypto_cipher_run(d, enc, k->enc.ptr, iv, NULL, 0, &c, 1, out, NULL);
	if (r < 0) {
		OPENSSL_cleanse(out, len);
		return r;
	}
	memcpy(iv, enc ? out + len - d->block : next, d->block);
	return 0;
}

int ike_v1_encrypt(const struct ike_v1_keys *k, uint8_t *iv, const uint8_t *in, size_t len,
		   uint8_t *out)
{
	return v1_cbc(k, true, iv, in, len, out);
}

int ike_v1_decrypt(const struct ike_v1_keys *k, uint8_t *iv, const uint8_t *in, size_t len,
		   uint8_t *out)
{
	return v1_cbc(k, false, iv, in, len, out);
}

int ike_v1_keymat(const struct ike_v1_keys *k, const struct ike_secret *gqm, uint8_t protocol,
		  uint32_t spi, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
		  size_t len, struct ike_secret *ret)
{
	uint32_t spi_be = htobe32(spi);
	struct ike_secret km = { 0 };
	struct ike_buf seed[5];
	int r;

	if (!k || !k->skeyid_d.ptr)
		return -EINVAL;
	if (!ike_prf_supported(k->prf))
		return -EOPNOTSUPP;
	if ((gqm && (!gqm->ptr || !gqm->len)) || !ni || !ni_len || !nr || !nr_len || !len || !ret)
		return -EINVAL;
	/* seed = [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b */
	seed[0] = (struct ike_buf){ gqm ? gqm->ptr : NULL, gqm ? gqm->len : 0 };
	seed[1] = (struct ike_buf){ &protocol, 1 };
	seed[2] = (struct ike_buf){ &spi_be, sizeof(spi_be) };
	seed[3] = (struct ike_buf){ ni, ni_len };
	seed[4] = (struct ike_buf){ nr, nr_len };
	r = ike_secret_alloc(&km, len);
	if (r == 0)
		r = v1_chain(k->prf, &k->skeyid_d, seed, 5, true, km.ptr, len);
	if (r == 0) {
		ike_secret_free(ret);
		*ret = km;
		km = (struct ike_secret){ 0 };
	}
	ike_secret_free(&km);
	return r;
}
