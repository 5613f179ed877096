/* Internals shared by the files of ikegw_ikecrypto: HMAC over a list of chunks (so callers
 * never build concatenations of secrets just to MAC them), the cipher table and one pass of a
 * cipher (SK payloads of IKEv2, CBC of IKEv1).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_crypto.h"

#define CRYPTO_MAX_MAC 64 /* SHA-512 */

/* HMAC-<md> of the concatenated chunks; out receives the full digest (out_size >= its size). */
int crypto_hmac(const char *md, const void *key, size_t klen, const struct ike_buf *c, size_t n,
		uint8_t *out, size_t out_size);

/* One encryption transform at one key size, as EVP and both IKE versions need it. */
struct crypto_encr {
	uint16_t encr;
	uint16_t key_bits; /* as negotiated; 0 matches too for fixed-size ciphers */
	bool fixed;	   /* no Key Length attribute: 3DES, ChaCha20 */
	const char *cipher;
	size_t key_len;	 /* cipher key bytes */
	size_t salt_len; /* AEAD: salt bytes at the end of SK_e, first part of the nonce */
	size_t block;	 /* CBC block size, 1 for AEAD */
	size_t iv_len;	 /* explicit IV in the payload */
	size_t tag_len;	 /* AEAD ICV */
};

/* NULL if unsupported. */
const struct crypto_encr *crypto_encr_find(uint16_t encr, uint16_t key_bits);
/*
 * One pass of the cipher without padding: AAD (AEAD only), then the input chunks into out
 * (in == out allowed, no partial overlap). enc selects encryption; for AEAD decryption tag is
 * checked (-EBADMSG), for encryption it receives the tag. Chunk lengths must fit in an int.
 */
int crypto_cipher_run(const struct crypto_encr *d, bool enc, const uint8_t *key, const uint8_t *iv,
		      const uint8_t *aad, size_t aad_len, const struct ike_buf *in, size_t n,
		      uint8_t *out, uint8_t *tag);
