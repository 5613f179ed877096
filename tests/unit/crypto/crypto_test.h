/* Shared helpers of the ikegw_ikecrypto unit tests: cmocka includes, hex decoding of the
 * known-answer vectors, and the per-area groups test_ike_crypto.c runs.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike_crypto.h"

/* Decode hex (whitespace ignored) into out; returns the byte count, fails the test if bad. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v = 0;

		if (*hex == ' ' || *hex == '\n')
			continue;
		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			fail_msg("bad hex digit '%c'", *hex);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < size);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

/* Compare len bytes against a hex string of exactly that length. */
static inline void assert_hex_equal(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[1024];
	size_t n = unhex(hex, want, sizeof(want));

	assert_int_equal(n, len);
	assert_memory_equal(got, want, len);
}

int crypto_test_prf(void);
int crypto_test_dh(void);
int crypto_test_sk(void);
int crypto_test_kdf(void);
int crypto_test_v1(void);
