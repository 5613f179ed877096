/*
 * The body shared by fuzz_ikev2_msg and fuzz_ikev1_msg: decode, validate against the rules,
 * re-encode and compare (decode(x) must encode back to x unless a reserved field was set), then
 * treat the encrypted body as if it were plaintext to drive the inner decoder the same way.
 * Any disagreement aborts, which libFuzzer and the corpus replay both report.
 */
#ifndef IKEGW_FUZZ_WIRE_H
#define IKEGW_FUZZ_WIRE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static struct wire_msg fuzz_msg;

static void fuzz_check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_wire: %s\n", what);
		abort();
	}
}

static void fuzz_refusal(int r, const struct wire_err *err)
{
	char text[256];

	fuzz_check(r == -EBADMSG, "decoder returned something other than 0 or -EBADMSG");
	fuzz_check(wire_notify_name(err->version, err->notify) != NULL, "unnamed notify");
	fuzz_check(err->what != NULL, "error without a reason");
	wire_err_str(err, text, sizeof(text));
}

/* Validates msg against every rule of its version; results are legitimately mixed. */
static void fuzz_validate(const struct wire_msg *msg)
{
	struct wire_err err;

	for (unsigned i = 0; i < WIRE_R_COUNT; i++) {
		const struct wire_rule *rule = wire_rule_get(i);
		int r = wire_validate(msg, rule, &err);

		fuzz_check(r == 0 || r == -EBADMSG || r == -EINVAL, "validate result");
		if (r == -EBADMSG)
			fuzz_check(wire_notify_name(err.version, err.notify) != NULL,
				   "validate: unnamed notify");
	}
}

static void fuzz_wire_one(const uint8_t *data, size_t size, uint8_t version)
{
	struct wire_msg *msg = &fuzz_msg;
	struct wire_err err;
	uint8_t *in, *out;
	size_t len = 0;
	char text[1024];
	int r;

	if (size > 65535 + 28)
		return;
	/* steer towards one version, and (half the time) a consistent header length */
	in = malloc(size ? size : 1);
	out = malloc(size ? size : 1);
	if (!in || !out)
		abort();
	memcpy(in, data, size);
	if (size > 17)
		in[17] = (uint8_t)(version << 4 | (in[17] & 0x0f));
	if (size >= 28 && (in[0] & 1)) {
		in[24] = (uint8_t)(size >> 24);
		in[25] = (uint8_t)(size >> 16);
		in[26] = (uint8_t)(size >> 8);
		in[27] = (uint8_t)size;
	}

	r = wire_decode(msg, in, size, &err);
	if (r < 0) {
		fuzz_refusal(r, &err);
		goto out;
	}
	wire_msg_str(msg, text, sizeof(text));
	fuzz_validate(msg);
	if (version == WIRE_IKEV2 && wire_rule_v2(msg))
		wire_validate(msg, wire_rule_v2(msg), &err);

	/* re-encoding fits in exactly the input's size and reproduces it */
	fuzz_check(wire_encode(msg, out, size, &len) == 0, "encode of a decoded message failed");
	fuzz_check(len == size, "encode changed the length");
	if (!msg->noncanonical)
		fuzz_check(memcmp(out, in, size) == 0, "encode(decode(x)) != x");

	if (msg->enc.present) {
		const struct wire_span body = msg->enc.body;

		r = wire_decode_inner(msg, body.ptr, body.len, &err);
		if (r < 0) {
			fuzz_refusal(r, &err);
			goto out;
		}
		wire_msg_str(msg, text, sizeof(text));
		fuzz_validate(msg);
		r = wire_encode_inner(msg, out, size, &len);
		fuzz_check(r == 0, "encode of decoded inner payloads failed");
		fuzz_check(len <= body.len, "inner encode grew");
		/* IKEv1 plaintext may end in padding; IKEv2 inner chains fill the body */
		fuzz_check(version == WIRE_IKEV1 || len == body.len, "inner encode length");
		if (!msg->noncanonical)
			fuzz_check(memcmp(out, body.ptr, len) == 0, "inner encode(decode(x)) != x");
	}
out:
	free(in);
	free(out);
}

#endif
