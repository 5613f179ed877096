/* IKEv2 key derivation: SKEYSEED and the seven SK_* keys (RFC 7296 2.14), IKE SA rekey
 * (2.18), CHILD_SA KEYMAT (2.17), the PSK AUTH value and the signed octets (2.15).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto_internal.h"

void ike_v2_keys_free(struct ike_v2_keys *k)
{
	if (!k)
		return;
	ike_secret_free(&k->d);
	ike_secret_free(&k->ai);
	ike_secret_free(&k->ar);
	ike_secret_free(&k->ei);
	ike_secret_free(&k->er);
	ike_secret_free(&k->pi);
	ike_secret_free(&k->pr);
}

/* {SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
static int v2_expand(uint16_t prf, const struct ike_sk_suite *s, const uint8_t *skeyseed,
		     size_t sk_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		     size_t nr_len, const uint8_t spii[8], const uint8_t spir[8],
		     struct ike_v2_keys *ret)
{
	struct ike_v2_keys k = { 0 };
	struct ike_secret *parts[] = { &k.d, &k.ai, &k.ar, &k.ei, &k.er, &k.pi, &k.pr };
	size_t prf_len = ike_prf_len(prf), a_len = 0, e_len;
	size_t sizes[7], total = 0, off = 0;
	struct ike_secret seed = { 0 }, km = { 0 };
	int r;

	if (!ike_sk_suite_supported(s))
		return -EOPNOTSUPP;
	if (s->integ != WIRE_INTEG_NONE)
		a_len = ike_integ_keylen(s->integ);
	e_len = ike_encr_keylen(s->encr, s->key_bits);
	sizes[0] = prf_len;
	sizes[1] = sizes[2] = a_len;
	sizes[3] = sizes[4] = e_len;
	sizes[5] = sizes[6] = prf_len;
	for (int i = 0; i < 7; i++)
		total += sizes[i];

	r = ike_secret_alloc(&seed, ni_len + nr_len + 16);
	if (r < 0)
		return r;
	memcpy(seed.ptr, ni, ni_len);
	memcpy(seed.ptr + ni_len, nr, nr_len);
	memcpy(seed.ptr + ni_len + nr_len, spii, 8);
	memcpy(seed.ptr + ni_len + nr_len + 8, spir, 8);
	r = ike_secret_alloc(&km, total);
	if (r < 0)
		goto out;
	r = ike_prf_plus(prf, skeyseed, sk_len, seed.ptr, seed.len, km.ptr, km.len);
	if (r < 0)
		goto out;
	for (int i = 0; i < 7; i++) {
		r = ike_secret_set(parts[i], km.ptr + off, sizes[i]);
		if (r < 0)
			goto out;
		off += sizes[i];
	}
	ike_v2_keys_free(ret);
	*ret = k;
	k = (struct ike_v2_keys){ 0 };
out:
	ike_v2_keys_free(&k);
	ike_secret_free(&km);
	ike_secret_free(&seed);
	return r;
}

static bool nonces_ok(const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len)
{
	return ni && nr && ni_len && nr_len;
}

int ike_v2_derive(uint16_t prf, const struct ike_sk_suite *s, const uint8_t *ni, size_t ni_len,
		  const uint8_t *nr, size_t nr_len, const struct ike_secret *gir,
		  const uint8_t spii[8], const uint8_t spir[8], struct ike_v2_keys *ret)
{
	uint8_t skeyseed[CRYPTO_MAX_MAC];
	struct ike_secret nonces = { 0 };
	int r;

	if (!ike_prf_supported(prf))
		return -EOPNOTSUPP;
	if (!nonces_ok(ni, ni_len, nr, nr_len) || !gir || !gir->ptr || !spii || !spir || !ret)
		return -EINVAL;
	/* SKEYSEED = prf(Ni | Nr, g^ir): the nonces are the HMAC key */
	r = ike_secret_alloc(&nonces, ni_len + nr_len);
	if (r < 0)
		return r;
	memcpy(nonces.ptr, ni, ni_len);
	memcpy(nonces.ptr + ni_len, nr, nr_len);
	r = ike_prf(prf, nonces.ptr, nonces.len, gir->ptr, gir->len, skeyseed);
	if (r == 0)
		r = v2_expand(prf, s, skeyseed, ike_prf_len(prf), ni, ni_len, nr, nr_len, spii,
			      spir, ret);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	ike_secret_free(&nonces);
	return r;
}

int ike_v2_derive_rekey(uint16_t old_prf, const struct ike_secret *old_d, uint16_t prf,
			const struct ike_sk_suite *s, const struct ike_secret *gir,
			const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
			const uint8_t spii[8], const uint8_t spir[8], struct ike_v2_keys *ret)
{
	uint8_t skeyseed[CRYPTO_MAX_MAC];
	struct ike_buf c[3];
	int r;

	if (!ike_prf_supported(old_prf) || !ike_prf_supported(prf))
		return -EOPNOTSUPP;
	if (!old_d || !old_d->ptr || !gir || !gir->ptr || !nonces_ok(ni, ni_len, nr, nr_len) ||
	    !spii || !spir || !ret)
		return -EINVAL;
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF */
	c[0] = (struct ike_buf){ gir->ptr, gir->len };
	c[1] = (struct ike_buf){ ni, ni_len };
	c[2] = (struct ike_buf){ nr, nr_len };
	r = ike_prf_parts(old_prf, old_d->ptr, old_d->len, c, 3, skeyseed);
	if (r == 0)
		r = v2_expand(prf, s, skeyseed, ike_prf_len(old_prf), ni, ni_len, nr, nr_len, spii,
			      spir, ret);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return r;
}

int ike_v2_child_keymat(uint16_t prf, const struct ike_secret *sk_d, const struct ike_secret *gir,
			const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
			size_t len, struct ike_secret *ret)
{
	struct ike_secret seed = { 0 }, km = { 0 };
	size_t g_len = gir ? gir->len : 0;
	int r;

	if (!ike_prf_supported(prf))
		return -EOPNOTSUPP;
	if (!sk_d || !sk_d->ptr || (gir && !gir->ptr) || !nonces_ok(ni, ni_len, nr, nr_len) || !ret)
		return -EINVAL;
	/* seed = [g^ir (new)] | Ni | Nr: it holds the PFS secret, so it is a secret too */
	r = ike_secret_alloc(&seed, g_len + ni_len + nr_len);
	if (r < 0)
		return r;
	if (g_len)
		memcpy(seed.ptr, gir->ptr, g_len);
	memcpy(seed.ptr + g_len, ni, ni_len);
	memcpy(seed.ptr + g_len + ni_len, nr, nr_len);
	r = ike_secret_alloc(&km, len);
	if (r == 0)
		r = ike_prf_plus(prf, sk_d->ptr, sk_d->len, seed.ptr, seed.len, km.ptr, len);
	if (r == 0) {
		ike_secret_free(ret);
		*ret = km;
		km = (struct ike_secret){ 0 };
	}
	ike_secret_free(&km);
	ike_secret_free(&seed);
	return r;
}

int ike_v2_psk_auth(uint16_t prf, const void *psk, size_t psk_len, const uint8_t *octets,
		    size_t len, uint8_t *out)
{
	static const char key_pad[] = "Key Pad for IKEv2"; /* 17 octets, no NUL (2.15) */
	uint8_t inner[CRYPTO_MAX_MAC];
	int r;

	if (!ike_prf_supported(prf))
		return -EOPNOTSUPP;
	if ((psk_len && !psk) || (len && !octets) || !out)
		return -EINVAL;
	r = ike_prf(prf, psk, psk_len, key_pad, sizeof(key_pad) - 1, inner);
	if (r == 0)
		r = ike_prf(prf, inner, ike_prf_len(prf), octets, len, out);
	OPENSSL_cleanse(inner, sizeof(inner));
	return r;
}

int ike_v2_signed_octets(uint16_t prf, const struct ike_secret *sk_p, const uint8_t *msg,
			 size_t msg_len, const uint8_t *nonce, size_t nonce_len,
			 const uint8_t *id_body, size_t id_len, struct ike_secret *ret)
{
	struct ike_secret o = { 0 };
	size_t prf_len = ike_prf_len(prf);
	int r;

	if (!prf_len)
		return -EOPNOTSUPP;
	if (!sk_p || !sk_p->ptr || !msg || !msg_len || !nonce || !nonce_len || !id_body ||
	    !id_len || !ret)
		return -EINVAL;
	/* InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI (and the R mirror) */
	r = ike_secret_alloc(&o, msg_len + nonce_len + prf_len);
	if (r < 0)
		return r;
	memcpy(o.ptr, msg, msg_len);
	memcpy(o.ptr + msg_len, nonce, nonce_len);
	r = ike_prf(prf, sk_p->ptr, sk_p->len, id_body, id_len, o.ptr + msg_len + nonce_len);
	if (r == 0) {
		ike_secret_free(ret);
		*ret = o;
		o = (struct ike_secret){ 0 };
	}
	ike_secret_free(&o);
	return r;
}
