/* Internals shared by the files of ikegw_ikecrypto: HMAC over a list of chunks (so callers
 * never build concatenations of secrets just to MAC them) and the PRF digest lookup.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ike_crypto.h"

struct crypto_chunk {
	const void *ptr;
	size_t len;
};

#define CRYPTO_MAX_MAC 64 /* SHA-512 */

/* HMAC-<md> of the concatenated chunks; out receives the full digest (out_size >= its size). */
int crypto_hmac(const char *md, const void *key, size_t klen, const struct crypto_chunk *c,
		size_t n, uint8_t *out, size_t out_size);
/* ike_prf() over the concatenated chunks; out receives ike_prf_len(prf) bytes. */
int crypto_prf_chunks(uint16_t prf, const void *key, size_t klen, const struct crypto_chunk *c,
		      size_t n, uint8_t *out);
