/* Signatures for IKE authentication: sign with a trust-point's private key, verify with
 * a peer certificate's public key. RSA PKCS#1 v1.5 (with DigestInfo, or without for
 * IKEv1 per RFC 2409 5.1) and ECDSA P-256/P-384/P-521 as r||s (RFC 4754) or DER (RFC 7427).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "pki_internal.h"

static bool is_ec(enum pki_key_type t)
{
	return t == PKI_KEY_ECDSA_P256 || t == PKI_KEY_ECDSA_P384 || t == PKI_KEY_ECDSA_P521;
}

static int check_args(const EVP_PKEY *key, enum pki_hash hash, unsigned int flags,
		      const uint8_t *data, size_t len, const EVP_MD **ret_md)
{
	enum pki_key_type t = pki_key_type_of(key);

	if (t != PKI_KEY_RSA && !is_ec(t))
		return -EOPNOTSUPP;
	if (!data || len == 0 || (flags & ~PKI_SIG_ECDSA_DER) ||
	    ((flags & PKI_SIG_ECDSA_DER) && !is_ec(t)))
		return -EINVAL;
	switch (hash) {
	case PKI_HASH_NONE:
		*ret_md = NULL;
		return 0;
	case PKI_HASH_SHA1:
		*ret_md = EVP_sha1();
		return 0;
	case PKI_HASH_SHA256:
		*ret_md = EVP_sha256();
		return 0;
	case PKI_HASH_SHA384:
		*ret_md = EVP_sha384();
		return 0;
	case PKI_HASH_SHA512:
		*ret_md = EVP_sha512();
		return 0;
	}
	return -EINVAL;
}

static size_t ec_half(const EVP_PKEY *key)
{
	return ((size_t)EVP_PKEY_get_bits(key) + 7) / 8;
}

/* DER ECDSA-Sig-Value -> r||s, each zero-padded to the curve size. */
static int ecdsa_der_to_raw(const EVP_PKEY *key, const uint8_t *der, size_t der_len, uint8_t **ret,
			    size_t *ret_len)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	const BIGNUM *r, *s;
	size_t half = ec_half(key);
	uint8_t *out;

	if (!es)
		return -EIO;
	ECDSA_SIG_get0(es, &r, &s);
	out = malloc(2 * half);
	if (!out) {
		ECDSA_SIG_free(es);
		return -ENOMEM;
	}
	if (BN_bn2binpad(r, out, (int)half) < 0 || BN_bn2binpad(s, out + half, (int)half) < 0) {
		ECDSA_SIG_free(es);
		free(out);
		return -EIO;
	}
	ECDSA_SIG_free(es);
	*ret = out;
	*ret_len = 2 * half;
	return 0;
}

/* r||s -> DER; -EBADMSG when the length is not exactly twice the curve size. */
static int ecdsa_raw_to_der(const EVP_PKEY *key, const uint8_t *raw, size_t raw_len, uint8_t **ret,
			    size_t *ret_len)
{
	size_t half = ec_half(key);
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int n;

	if (raw_len != 2 * half)
		return -EBADMSG;
	es = ECDSA_SIG_new();
	r = BN_bin2bn(raw, (int)half, NULL);
	s = BN_bin2bn(raw + half, (int)half, NULL);
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		ECDSA_SIG_free(es);
		BN_free(r);
		BN_free(s);
		return -ENOMEM;
	}
	n = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return -ENOMEM;
	*ret = der;
	*ret_len = (size_t)n;
	return 0;
}

static int set_rsa_pad(EVP_PKEY_CTX *pctx, const EVP_PKEY *key)
{
	if (pki_key_type_of(key) != PKI_KEY_RSA)
		return 1;
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
}

int pki_tp_sign(const struct pki_trustpoint *tp, enum pki_hash hash, unsigned int flags,
		const uint8_t *data, size_t len, uint8_t **ret_sig, size_t *ret_sig_len)
{
	EVP_PKEY *key = tp->key;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = NULL;
	uint8_t *sig = NULL;
	size_t sig_len;
	int r;

	if (!key)
		return -ENOKEY;
	r = check_args(key, hash, flags, data, len, &md);
	if (r)
		return r;
	sig_len = (size_t)EVP_PKEY_get_size(key);
	sig = malloc(sig_len);
	if (!sig)
		return -ENOMEM;
	r = -EIO;
	if (md) {
		mctx = EVP_MD_CTX_new();
		if (!mctx || EVP_DigestSignInit(mctx, &pctx, md, NULL, key) != 1 ||
		    set_rsa_pad(pctx, key) <= 0 ||
		    EVP_DigestSign(mctx, sig, &sig_len, data, len) != 1)
			goto out;
	} else {
		pctx = EVP_PKEY_CTX_new(key, NULL);
		if (!pctx || EVP_PKEY_sign_init(pctx) != 1 || set_rsa_pad(pctx, key) <= 0 ||
		    EVP_PKEY_sign(pctx, sig, &sig_len, data, len) != 1)
			goto out;
	}
	if (is_ec(pki_key_type_of(key)) && !(flags & PKI_SIG_ECDSA_DER)) {
		r = ecdsa_der_to_raw(key, sig, sig_len, ret_sig, ret_sig_len);
		goto out;
	}
	*ret_sig = sig;
	*ret_sig_len = sig_len;
	sig = NULL;
	r = 0;
out:
	ERR_clear_error();
	free(sig);
	if (md)
		EVP_MD_CTX_free(mctx); /* owns pctx */
	else
		EVP_PKEY_CTX_free(pctx);
	return r;
}

int pki_cert_verify(const struct pki_cert *cert, enum pki_hash hash, unsigned int flags,
		    const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY *key = X509_get0_pubkey(cert->x509);
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = NULL;
	uint8_t *der = NULL;
	int r, ok;

	if (!key)
		return -EOPNOTSUPP;
	r = check_args(key, hash, flags, data, len, &md);
	if (r)
		return r;
	if (!sig || sig_len == 0)
		return -EBADMSG;
	if (is_ec(pki_key_type_of(key)) && !(flags & PKI_SIG_ECDSA_DER)) {
		r = ecdsa_raw_to_der(key, sig, sig_len, &der, &sig_len);
		if (r)
			return r;
		sig = der;
	}
	r = -ENOMEM;
	if (md) {
		mctx = EVP_MD_CTX_new();
		if (!mctx || EVP_DigestVerifyInit(mctx, &pctx, md, NULL, key) != 1 ||
		    set_rsa_pad(pctx, key) <= 0)
			goto out;
		ok = EVP_DigestVerify(mctx, sig, sig_len, data, len);
	} else {
		pctx = EVP_PKEY_CTX_new(key, NULL);
		if (!pctx || EVP_PKEY_verify_init(pctx) != 1 || set_rsa_pad(pctx, key) <= 0)
			goto out;
		ok = EVP_PKEY_verify(pctx, sig, sig_len, data, len);
	}
	r = ok == 1 ? 0 : -EBADMSG;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	if (md)
		EVP_MD_CTX_free(mctx);
	else
		EVP_PKEY_CTX_free(pctx);
	return r;
}
