/*
 * Shared helpers of the wire codec unit tests: cmocka includes, exact-size copies (so ASan
 * flags any read past the end), decode-and-expect-error and round-trip checks.
 */
#ifndef IKEGW_TEST_WIRE_UTIL_H
#define IKEGW_TEST_WIRE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wire.h"
#include "wire_golden.h"

/* One decoded message per test binary: 30 KiB is kept off the stack. */
static struct wire_msg test_msg;

static inline uint8_t *dup_exact(const uint8_t *bytes, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, bytes, len);
	return p;
}

/*
 * Decodes len bytes held in a buffer of exactly that size; returns the decoder's result and
 * fills *err. The message is not usable afterwards (its buffer is freed).
 */
static inline int decode_exact(const uint8_t *bytes, size_t len, struct wire_err *err)
{
	uint8_t *p = dup_exact(bytes, len);
	int r = wire_decode(&test_msg, p, len, err);

	free(p);
	return r;
}

/* Expects the decoder to refuse with this notify, blaming this payload type. */
static inline void expect_reject(const uint8_t *bytes, size_t len, uint8_t version, uint16_t notify,
				 uint8_t payload, const char *what)
{
	struct wire_err err;
	char text[256];
	int r = decode_exact(bytes, len, &err);

	wire_err_str(&err, text, sizeof(text));
	if (r != -EBADMSG || err.notify != notify || err.version != version ||
	    err.payload != payload || (what && (!err.what || strcmp(err.what, what) != 0)))
		print_error("got r=%d v%u %s (want v%u notify %u payload %u \"%s\")\n", r,
			    err.version, text, version, notify, payload, what ? what : "*");
	assert_int_equal(r, -EBADMSG);
	assert_int_equal(err.version, version);
	assert_int_equal(err.notify, notify);
	assert_int_equal(err.payload, payload);
	if (what)
		assert_string_equal(err.what, what);
}

/* Decodes, expects success, and checks encode(decode(x)) == x. */
static inline void expect_roundtrip(struct wire_msg *msg, const uint8_t *bytes, size_t len)
{
	static uint8_t out[65536];
	struct wire_err err;
	size_t out_len = 0;
	char text[256];
	int r;

	r = wire_decode(msg, bytes, len, &err);
	if (r)
		print_error("decode: %s\n", wire_err_str(&err, text, sizeof(text)));
	assert_int_equal(r, 0);
	assert_false(msg->noncanonical);
	assert_int_equal(wire_encode(msg, out, sizeof(out), &out_len), 0);
	assert_int_equal(out_len, len);
	assert_memory_equal(out, bytes, len);
}

static inline void fill_seq(uint8_t *buf, uint8_t start, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(start + i);
}

#endif
