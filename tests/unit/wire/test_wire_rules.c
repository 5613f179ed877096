/*
 * Message-rule tests: messages built with the wire builders, decoded (inner payloads too, the
 * "ciphertext" being the plaintext itself) and validated against the per-exchange rules; each
 * violation must come back as the exact notify, payload and reason.
 */
#include "wire_test_util.h"

#define V2 WIRE_IKEV2
#define V1 WIRE_IKEV1

static uint8_t msgbuf[4096], plainbuf[4096];
static const uint8_t spi8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spi8b[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t spi4[4] = { 0xc0, 0xff, 0xee, 0x01 };
static const uint8_t bytes[64] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };

static struct wire_hdr hdr(uint8_t version, uint8_t exchange, uint8_t flags, uint32_t msgid,
			   bool rspi)
{
	struct wire_hdr h = {
		.major = version, .exchange = exchange, .flags = flags, .msgid = msgid
	};

	memcpy(h.ispi, spi8, 8);
	if (rspi)
		memcpy(h.rspi, spi8b, 8);
	return h;
}

/* ---- payload shorthands (version from the builder) ---- */

static void add_sa(struct wire_builder *b, uint8_t proto)
{
	struct wire_transform t[2] = {
		{ .type = WIRE_TT_ENCR, .id = WIRE_ENCR_AES_GCM_16 },
		{ .type = WIRE_TT_KE, .id = WIRE_KE_ECP256 },
	};
	struct wire_proposal p = { .num = 1, .proto = proto, .transforms = t, .ntransforms = 2 };
	struct wire_payload sa = { .type = b->version == V1 ? WIRE_PLV1_SA : WIRE_PLV2_SA };

	if (proto != WIRE_PROTO_IKE)
		p.spi = (struct wire_span){ spi4, 4 };
	if (b->version == V1) {
		t[0] = (struct wire_transform){ .num = 1, .id = 12 /* ESP_AES */ };
		p.ntransforms = 1;
	}
	sa.u.sa.doi = WIRE_DOI_IPSEC;
	sa.u.sa.situation = WIRE_SIT_IDENTITY_ONLY;
	sa.u.sa.proposals = &p;
	sa.u.sa.nproposals = 1;
	assert_int_equal(wire_build_add(b, &sa), 0);
}

static void add_ke(struct wire_builder *b)
{
	struct wire_payload ke = { .type = b->version == V1 ? WIRE_PLV1_KE : WIRE_PLV2_KE };

	ke.u.ke.group = WIRE_KE_ECP256;
	ke.u.ke.data = (struct wire_span){ bytes, 64 };
	assert_int_equal(wire_build_add(b, &ke), 0);
}

static void add_data(struct wire_builder *b, uint8_t type, size_t len)
{
	assert_int_equal(wire_build_data(b, type, bytes, len), 0);
}

static void add_cert(struct wire_builder *b, uint8_t type, size_t len)
{
	struct wire_payload c = { .type = type };

	c.u.cert.encoding = WIRE_CERT_X509_SIG;
	c.u.cert.data = (struct wire_span){ bytes, len };
	assert_int_equal(wire_build_add(b, &c), 0);
}

static void add_id(struct wire_builder *b, uint8_t type)
{
	struct wire_payload id = { .type = type };

	id.u.id.type = WIRE_ID_IPV4_ADDR;
	id.u.id.data = (struct wire_span){ bytes, 4 };
	assert_int_equal(wire_build_add(b, &id), 0);
}

static void add_auth(struct wire_builder *b)
{
	struct wire_payload a = { .type = WIRE_PLV2_AUTH };

	a.u.auth.method = WIRE_AUTH_PSK;
	a.u.auth.data = (struct wire_span){ bytes, 32 };
	assert_int_equal(wire_build_add(b, &a), 0);
}

static void add_ts(struct wire_builder *b, uint8_t type)
{
	struct wire_ts ts = { .type = WIRE_TS_IPV4_ADDR_RANGE,
			      .end_port = 65535,
			      .start = { bytes, 4 },
			      .end = { bytes + 4, 4 } };
	struct wire_payload p = { .type = type };

	p.u.ts.ts = &ts;
	p.u.ts.count = 1;
	assert_int_equal(wire_build_add(b, &p), 0);
}

static void add_n(struct wire_builder *b, uint16_t type)
{
	assert_int_equal(wire_build_notify(b, 0, type, NULL, 0, NULL, 0), 0);
}

static void add_delete(struct wire_builder *b)
{
	struct wire_payload d = { .type = b->version == V1 ? WIRE_PLV1_DELETE : WIRE_PLV2_DELETE };

	d.u.del.doi = WIRE_DOI_IPSEC;
	d.u.del.proto = WIRE_PROTO_ESP;
	d.u.del.spi_size = 4;
	d.u.del.nspis = 1;
	d.u.del.spis = (struct wire_span){ spi4, 4 };
	assert_int_equal(wire_build_add(b, &d), 0);
}

/* ---- decode what was built ---- */

static void finish_and_decode(struct wire_builder *b)
{
	struct wire_err err;
	size_t len = 0;
	char text[256];
	int r;

	assert_int_equal(wire_build_finish(b, &len), 0);
	r = wire_decode(&test_msg, msgbuf, len, &err);
	if (r)
		print_error("%s\n", wire_err_str(&err, text, sizeof(text)));
	assert_int_equal(r, 0);
}

/* Outer message = header (+ plain payloads already added) + SK/encrypted body = chain c. */
static void seal_and_decode(struct wire_builder *b, struct wire_builder *c, size_t pad)
{
	struct wire_sk_layout lay;
	struct wire_err err;
	size_t plen = 0;

	assert_int_equal(wire_build_finish(c, &plen), 0);
	memset(plainbuf + plen, 0, pad);
	if (b->version == V2)
		assert_int_equal(wire_build_sk(b, c->first, 0, 0, plen + pad, &lay), 0);
	else
		assert_int_equal(wire_build_v1_encrypted(b, c->first, plen + pad, &lay), 0);
	finish_and_decode(b);
	memcpy(msgbuf + lay.body_off, plainbuf, plen + pad);
	assert_int_equal(wire_decode_inner(&test_msg, plainbuf, plen + pad, &err), 0);
}

static void expect_valid(enum wire_rule_id id)
{
	const struct wire_rule *rule = wire_rule_get(id);
	struct wire_err err;
	char text[256];
	int r;

	assert_non_null(rule);
	r = wire_validate(&test_msg, rule, &err);
	if (r)
		print_error("%s: %s\n", wire_rule_name(rule),
			    wire_err_str(&err, text, sizeof(text)));
	assert_int_equal(r, 0);
}

static void expect_invalid(enum wire_rule_id id, uint16_t notify, uint8_t payload, const char *what)
{
	struct wire_err err;

	assert_int_equal(wire_validate(&test_msg, wire_rule_get(id), &err), -EBADMSG);
	assert_int_equal(err.version, test_msg.version);
	assert_int_equal(err.notify, notify);
	assert_int_equal(err.payload, payload);
	assert_string_equal(err.what, what);
}

/* ---- IKEv2 ---- */

static void wire_rules_v2_init(void **state)
{
	struct wire_hdr h = hdr(V2, WIRE_EX2_IKE_SA_INIT, WIRE_F2_INITIATOR, 0, false);
	struct wire_builder b;

	assert_int_equal(wire_decode(&test_msg, golden_v2_init_req, 318, &(struct wire_err){ 0 }),
			 0);
	assert_ptr_equal(wire_rule_v2(&test_msg), wire_rule_get(WIRE_R_IKE_SA_INIT_REQ));
	expect_valid(WIRE_R_IKE_SA_INIT_REQ);
	/* the request rule does not fit a response */
	expect_invalid(WIRE_R_IKE_SA_INIT_RESP, WIRE_N2_INVALID_SYNTAX, 0,
		       "response flag does not match the expected message");
	expect_invalid(WIRE_R_IKE_AUTH_REQ, WIRE_N2_INVALID_SYNTAX, 0,
		       "exchange type does not match the expected message");

	/* HDR, SAi1, Ni: no KE */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_sa(&b, WIRE_PROTO_IKE);
	add_data(&b, WIRE_PLV2_NONCE, 32);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_KE,
		       "required payload missing");
	/* CERTREQ belongs to the response (RFC 7296 1.2) */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_sa(&b, WIRE_PROTO_IKE);
	add_ke(&b);
	add_data(&b, WIRE_PLV2_NONCE, 32);
	add_cert(&b, WIRE_PLV2_CERTREQ, 20);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_CERTREQ,
		       "payload not allowed in this message");
	/* two SA payloads */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_sa(&b, WIRE_PROTO_IKE);
	add_sa(&b, WIRE_PROTO_IKE);
	add_ke(&b);
	add_data(&b, WIRE_PLV2_NONCE, 32);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		       "payload repeated more often than allowed");
	/* SPIs and message ID */
	h = hdr(V2, WIRE_EX2_IKE_SA_INIT, WIRE_F2_INITIATOR, 0, true);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_sa(&b, WIRE_PROTO_IKE);
	add_ke(&b);
	add_data(&b, WIRE_PLV2_NONCE, 32);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_REQ, WIRE_N2_INVALID_IKE_SPI, 0,
		       "responder SPI must be zero");
	h = hdr(V2, WIRE_EX2_IKE_SA_INIT, WIRE_F2_INITIATOR, 1, false);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_sa(&b, WIRE_PROTO_IKE);
	add_ke(&b);
	add_data(&b, WIRE_PLV2_NONCE, 32);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_REQ, WIRE_N2_INVALID_SYNTAX, 0,
		       "message ID must be zero");
}

static void wire_rules_v2_init_resp_errors(void **state)
{
	struct wire_hdr h = hdr(V2, WIRE_EX2_IKE_SA_INIT, WIRE_F2_RESPONSE, 0, false);
	uint8_t group[2] = { 0, 14 };
	struct wire_builder b;

	/* HDR(A,0), N(INVALID_KE_PAYLOAD) (RFC 7296 1.2) */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_notify(&b, 0, WIRE_N2_INVALID_KE_PAYLOAD, NULL, 0, group, 2);
	finish_and_decode(&b);
	assert_ptr_equal(wire_rule_v2(&test_msg), wire_rule_get(WIRE_R_IKE_SA_INIT_RESP));
	expect_valid(WIRE_R_IKE_SA_INIT_RESP);
	/* HDR(A,0), N(COOKIE) (2.6) */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_notify(&b, 0, WIRE_N2_COOKIE, NULL, 0, bytes, 32);
	finish_and_decode(&b);
	expect_valid(WIRE_R_IKE_SA_INIT_RESP);
	/* a status notify alone is not an answer */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_n(&b, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_RESP, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		       "required payload missing");
	/* and IKE_SA_INIT never carries SK */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_sk(&b, WIRE_PLV2_NOTIFY, 0, 0, 16, NULL);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_SA_INIT_RESP, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SK,
		       "message must not be encrypted");
}

static void wire_rules_v2_auth(void **state)
{
	struct wire_hdr h = hdr(V2, WIRE_EX2_IKE_AUTH, WIRE_F2_INITIATOR, 1, true);
	struct wire_builder b, c;

	/* HDR, SK {IDi, AUTH, SAi2, TSi, TSr} */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_id(&c, WIRE_PLV2_IDI);
	add_auth(&c);
	add_sa(&c, WIRE_PROTO_ESP);
	add_ts(&c, WIRE_PLV2_TSI);
	add_ts(&c, WIRE_PLV2_TSR);
	seal_and_decode(&b, &c, 0);
	expect_valid(WIRE_R_IKE_AUTH_REQ);
	/* inside SK, but KE has no place in IKE_AUTH */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_id(&c, WIRE_PLV2_IDI);
	add_auth(&c);
	add_ke(&c);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_IKE_AUTH_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_KE,
		       "payload not allowed in this message");
	/* two AUTH */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_auth(&c);
	add_auth(&c);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_IKE_AUTH_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_AUTH,
		       "payload repeated more often than allowed");
	/* a notify before SK, in the clear */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_n(&b, WIRE_N2_INITIAL_CONTACT);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_id(&c, WIRE_PLV2_IDI);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_IKE_AUTH_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_NOTIFY,
		       "payload outside SK in an encrypted exchange");
	/* no SK at all */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_id(&b, WIRE_PLV2_IDI);
	add_auth(&b);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_IKE_AUTH_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SK,
		       "message must be encrypted");
	/* responder SPI zero after IKE_SA_INIT */
	h = hdr(V2, WIRE_EX2_IKE_AUTH, WIRE_F2_INITIATOR, 1, false);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_id(&c, WIRE_PLV2_IDI);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_IKE_AUTH_REQ, WIRE_N2_INVALID_IKE_SPI, 0,
		       "responder SPI must not be zero");
	/* HDR, SK {N(AUTHENTICATION_FAILED)} */
	h = hdr(V2, WIRE_EX2_IKE_AUTH, WIRE_F2_RESPONSE, 1, true);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_n(&c, WIRE_N2_AUTHENTICATION_FAILED);
	seal_and_decode(&b, &c, 0);
	assert_ptr_equal(wire_rule_v2(&test_msg), wire_rule_get(WIRE_R_IKE_AUTH_RESP));
	expect_valid(WIRE_R_IKE_AUTH_RESP);
}

static void wire_rules_v2_child_info(void **state)
{
	struct wire_hdr h = hdr(V2, WIRE_EX2_CREATE_CHILD_SA, WIRE_F2_INITIATOR, 2, true);
	struct wire_builder b, c;
	struct wire_err err;

	/* HDR, SK {SA, Ni, [KEi], TSi, TSr} */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_sa(&c, WIRE_PROTO_ESP);
	add_data(&c, WIRE_PLV2_NONCE, 32);
	add_ke(&c);
	add_ts(&c, WIRE_PLV2_TSI);
	add_ts(&c, WIRE_PLV2_TSR);
	seal_and_decode(&b, &c, 0);
	expect_valid(WIRE_R_CREATE_CHILD_SA_REQ);
	/* a request has no error to waive the SA and nonce for */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_n(&c, WIRE_N2_NO_PROPOSAL_CHOSEN);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_CREATE_CHILD_SA_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		       "required payload missing");
	/* HDR, SK {N(NO_PROPOSAL_CHOSEN)} as the response */
	h.flags = WIRE_F2_RESPONSE;
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_n(&c, WIRE_N2_NO_PROPOSAL_CHOSEN);
	seal_and_decode(&b, &c, 0);
	expect_valid(WIRE_R_CREATE_CHILD_SA_RESP);

	/* INFORMATIONAL: HDR, SK {} (liveness) and HDR, SK {D} */
	h = hdr(V2, WIRE_EX2_INFORMATIONAL, WIRE_F2_INITIATOR, 7, true);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	assert_int_equal(wire_build_sk(&b, WIRE_PL_NONE, 0, 0, 32, NULL), 0);
	finish_and_decode(&b);
	assert_int_equal(wire_decode_inner(&test_msg, NULL, 0, &err), 0);
	expect_valid(WIRE_R_INFORMATIONAL_REQ);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_delete(&c);
	seal_and_decode(&b, &c, 0);
	expect_valid(WIRE_R_INFORMATIONAL_REQ);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V2);
	add_sa(&c, WIRE_PROTO_ESP);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_INFORMATIONAL_REQ, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		       "payload not allowed in this message");

	/* an exchange without rules */
	h = hdr(V2, 99, WIRE_F2_INITIATOR, 7, true);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_n(&b, WIRE_N2_INITIAL_CONTACT);
	finish_and_decode(&b);
	assert_null(wire_rule_v2(&test_msg));
	assert_int_equal(wire_validate(&test_msg, NULL, &err), -EINVAL);
	/* a rule of the other version */
	assert_int_equal(wire_validate(&test_msg, wire_rule_get(WIRE_R_MM1), &err), -EINVAL);
	assert_null(wire_rule_get(WIRE_R_COUNT));
}

/* ---- IKEv1 ---- */

static void wire_rules_v1_main(void **state)
{
	struct wire_hdr h = hdr(V1, WIRE_EX1_MAIN, 0, 0, true);
	struct wire_builder b;
	struct wire_err err;

	assert_int_equal(wire_decode(&test_msg, golden_v1_mm1, 160, &err), 0);
	expect_valid(WIRE_R_MM1);
	assert_null(wire_rule_v2(&test_msg));
	expect_invalid(WIRE_R_MM2, WIRE_N1_INVALID_COOKIE, 0, "responder SPI must not be zero");
	expect_invalid(WIRE_R_QM1, WIRE_N1_INVALID_EXCHANGE_TYPE, 0,
		       "exchange type does not match the expected message");
	assert_int_equal(wire_validate(&test_msg, wire_rule_get(WIRE_R_IKE_SA_INIT_REQ), &err),
			 -EINVAL);

	assert_int_equal(wire_decode(&test_msg, golden_v1_mm3, 422, &err), 0);
	expect_valid(WIRE_R_MM3);
	expect_invalid(WIRE_R_MM5, WIRE_N1_INVALID_FLAGS, 0, "message must be encrypted");
	expect_invalid(WIRE_R_MM1, WIRE_N1_INVALID_COOKIE, 0, "responder SPI must be zero");
	expect_invalid(WIRE_R_MM2, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_KE,
		       "payload not allowed in this message");
	/* MM4 without its nonce */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_ke(&b);
	add_data(&b, WIRE_PLV1_NAT_D, 20);
	add_data(&b, WIRE_PLV1_NAT_D, 20);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_MM4, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_NONCE,
		       "required payload missing");
	/* MM with a message ID */
	h.msgid = 5;
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_sa(&b, WIRE_PROTO_IKE);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_MM2, WIRE_N1_INVALID_MESSAGE_ID, 0, "message ID must be zero");
}

static void wire_rules_v1_mm5(void **state)
{
	struct wire_hdr h = hdr(V1, WIRE_EX1_MAIN, WIRE_F1_ENCRYPTION, 0, true);
	struct wire_builder b, c;
	struct wire_err err;
	char text[128];

	/* HDR*, IDii, CERT, SIG_I, N(INITIAL-CONTACT) + 5 bytes of block padding */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_id(&c, WIRE_PLV1_ID);
	add_cert(&c, WIRE_PLV1_CERT, 40);
	add_data(&c, WIRE_PLV1_SIG, 64);
	add_n(&c, WIRE_N1_INITIAL_CONTACT);
	assert_int_equal(wire_build_finish(&c, NULL), 0);
	wire_build_v1_encrypted(&b, c.first, 128, NULL);
	finish_and_decode(&b);
	/* before decryption: flags and cookies only */
	assert_true(test_msg.enc.present);
	assert_int_equal(test_msg.enc.first, WIRE_PLV1_ID);
	assert_int_equal(test_msg.enc.aad.len, 28);
	assert_int_equal(test_msg.enc.body.len, 128);
	expect_valid(WIRE_R_MM5);
	assert_string_equal(wire_msg_str(&test_msg, text, sizeof(text)),
			    "MAIN_MODE 0 [ encrypted ]");

	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_id(&c, WIRE_PLV1_ID);
	add_cert(&c, WIRE_PLV1_CERT, 40);
	add_data(&c, WIRE_PLV1_SIG, 64);
	add_n(&c, WIRE_N1_INITIAL_CONTACT);
	seal_and_decode(&b, &c, 5);
	expect_valid(WIRE_R_MM5);
	expect_valid(WIRE_R_MM6);
	assert_string_equal(wire_msg_str(&test_msg, text, sizeof(text)),
			    "MAIN_MODE 0 [ { ID CERT SIG N(INITIAL_CONTACT) } ]");
	assert_int_equal(wire_encode(&test_msg, plainbuf, sizeof(plainbuf), &(size_t){ 0 }), 0);

	/* HASH and SIG: exactly one */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_id(&c, WIRE_PLV1_ID);
	add_data(&c, WIRE_PLV1_SIG, 64);
	add_data(&c, WIRE_PLV1_HASH, 32);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_MM5, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_HASH,
		       "needs exactly one HASH or SIG payload");
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_id(&c, WIRE_PLV1_ID);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_MM5, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_HASH,
		       "needs exactly one HASH or SIG payload");
	/* MM5 in the clear */
	h.flags = 0;
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_id(&b, WIRE_PLV1_ID);
	add_data(&b, WIRE_PLV1_HASH, 32);
	finish_and_decode(&b);
	expect_invalid(WIRE_R_MM5, WIRE_N1_INVALID_FLAGS, 0, "message must be encrypted");
	expect_invalid(WIRE_R_MM3, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_ID,
		       "payload not allowed in this message");
	(void)err;
}

static void wire_rules_v1_quick_info(void **state)
{
	struct wire_hdr h = hdr(V1, WIRE_EX1_QUICK, WIRE_F1_ENCRYPTION, 0x1234, true);
	struct wire_builder b, c;

	/* HDR*, HASH(1), SA, Ni, IDci, IDcr */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_data(&c, WIRE_PLV1_HASH, 32);
	add_sa(&c, WIRE_PROTO_ESP);
	add_data(&c, WIRE_PLV1_NONCE, 16);
	add_id(&c, WIRE_PLV1_ID);
	add_id(&c, WIRE_PLV1_ID);
	seal_and_decode(&b, &c, 7);
	expect_valid(WIRE_R_QM1);
	expect_valid(WIRE_R_QM2);
	expect_invalid(WIRE_R_QM3, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_SA,
		       "payload not allowed in this message");
	/* HASH(1) must immediately follow the header (RFC 2409 5.5) */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_sa(&c, WIRE_PROTO_ESP);
	add_data(&c, WIRE_PLV1_HASH, 32);
	add_data(&c, WIRE_PLV1_NONCE, 16);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_QM1, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_HASH,
		       "payload must come first");
	/* three IDs */
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_data(&c, WIRE_PLV1_HASH, 32);
	add_sa(&c, WIRE_PROTO_ESP);
	add_data(&c, WIRE_PLV1_NONCE, 16);
	add_id(&c, WIRE_PLV1_ID);
	add_id(&c, WIRE_PLV1_ID);
	add_id(&c, WIRE_PLV1_ID);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_QM1, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_ID,
		       "payload repeated more often than allowed");
	/* Quick Mode under message ID 0 */
	h.msgid = 0;
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_data(&c, WIRE_PLV1_HASH, 32);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_QM3, WIRE_N1_INVALID_MESSAGE_ID, 0, "message ID must not be zero");

	/* Informational in the clear: HDR, N(NO_PROPOSAL_CHOSEN) */
	h = hdr(V1, WIRE_EX1_INFORMATIONAL, 0, 0, false);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	add_n(&b, WIRE_N1_NO_PROPOSAL_CHOSEN);
	finish_and_decode(&b);
	expect_valid(WIRE_R_V1_INFO);
	expect_invalid(WIRE_R_V1_INFO_ENC, WIRE_N1_INVALID_COOKIE, 0,
		       "responder SPI must not be zero");
	/* protected: HDR*, HASH(1), D */
	h = hdr(V1, WIRE_EX1_INFORMATIONAL, WIRE_F1_ENCRYPTION, 0x77, true);
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_data(&c, WIRE_PLV1_HASH, 20);
	add_delete(&c);
	seal_and_decode(&b, &c, 3);
	expect_valid(WIRE_R_V1_INFO_ENC);
	expect_invalid(WIRE_R_V1_INFO, WIRE_N1_INVALID_FLAGS, 0, "message must not be encrypted");
	wire_build_msg(&b, msgbuf, sizeof(msgbuf), &h);
	wire_build_chain(&c, plainbuf, sizeof(plainbuf), V1);
	add_delete(&c);
	seal_and_decode(&b, &c, 0);
	expect_invalid(WIRE_R_V1_INFO_ENC, WIRE_N1_INVALID_PAYLOAD_TYPE, WIRE_PLV1_HASH,
		       "required payload missing");
}

static void wire_rules_names(void **state)
{
	static const char *names[WIRE_R_COUNT] = {
		"IKE_SA_INIT request",
		"IKE_SA_INIT response",
		"IKE_AUTH request",
		"IKE_AUTH response",
		"CREATE_CHILD_SA request",
		"CREATE_CHILD_SA response",
		"INFORMATIONAL request",
		"INFORMATIONAL response",
		"MM1",
		"MM2",
		"MM3",
		"MM4",
		"MM5",
		"MM6",
		"AM1",
		"AM2",
		"AM3",
		"QM1",
		"QM2",
		"QM3",
		"Informational",
		"protected Informational",
	};

	for (unsigned i = 0; i < WIRE_R_COUNT; i++)
		assert_string_equal(wire_rule_name(wire_rule_get(i)), names[i]);
	assert_null(wire_rule_name(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_rules_v2_init),
		cmocka_unit_test(wire_rules_v2_init_resp_errors),
		cmocka_unit_test(wire_rules_v2_auth),
		cmocka_unit_test(wire_rules_v2_child_info),
		cmocka_unit_test(wire_rules_v1_main),
		cmocka_unit_test(wire_rules_v1_mm5),
		cmocka_unit_test(wire_rules_v1_quick_info),
		cmocka_unit_test(wire_rules_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
