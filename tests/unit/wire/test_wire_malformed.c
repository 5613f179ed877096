/*
 * Malformed input for the wire decoder: each case corrupts a golden message (or builds a tiny
 * one) and asserts the exact notify to answer, the payload blamed and the reason. Inputs sit in
 * exact-size heap buffers so that, under ASan, any read past the end aborts the test.
 */
#include "wire_test_util.h"

#define V2 WIRE_IKEV2
#define V1 WIRE_IKEV1

static uint8_t buf[70000];

/* A copy of a golden message to corrupt. */
static uint8_t *copy(const uint8_t *g, size_t len)
{
	memcpy(buf, g, len);
	return buf;
}

/* A minimal IKEv2 message: header with `np` and the given body bytes. */
static size_t v2_msg(uint8_t np, const uint8_t *body, size_t body_len, uint8_t exchange)
{
	static const uint8_t hdr[28] = { 1,    2,    3,	   4,	 5,    6,    7,	   8,
					 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
					 0,    0x20, 0,	   0x08, 0,    0,    0,	   1 };

	memcpy(buf, hdr, 28);
	buf[16] = np;
	buf[18] = exchange;
	memcpy(buf + 28, body, body_len);
	put32(buf + 24, (uint32_t)(28 + body_len));
	return 28 + body_len;
}

/* ---- header ---- */

static void wire_bad_header(void **state)
{
	uint8_t *m;

	expect_reject(golden_v2_init_req, 27, V2, WIRE_N2_INVALID_SYNTAX, 0,
		      "message shorter than the header");
	expect_reject(golden_v2_init_req, 0, V2, WIRE_N2_INVALID_SYNTAX, 0,
		      "message shorter than the header");
	expect_reject(golden_v1_mm1, 20, V1, WIRE_N1_PAYLOAD_MALFORMED, 0,
		      "message shorter than the header");
	/* header length disagrees with the datagram */
	expect_reject(golden_v2_init_req, 317, V2, WIRE_N2_INVALID_SYNTAX, 0,
		      "header length differs from the datagram length");
	expect_reject(golden_v1_mm1, 159, V1, WIRE_N1_UNEQUAL_PAYLOAD_LENGTHS, 0,
		      "header length differs from the datagram length");
	m = copy(golden_v2_init_req, 318);
	put32(m + 24, 0xffffffff);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, 0, NULL);
	/* versions: 3.0 is answered in IKEv2, 0.x in IKEv1 */
	m = copy(golden_v2_init_req, 318);
	m[17] = 0x30;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_MAJOR_VERSION, 0, "unsupported major version");
	m[17] = 0x00;
	expect_reject(m, 318, V1, WIRE_N1_INVALID_MAJOR_VERSION, 0, "unsupported major version");
	/* a zero initiator SPI / cookie */
	m = copy(golden_v2_init_req, 318);
	memset(m, 0, 8);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_IKE_SPI, 0, "initiator SPI is zero");
	m = copy(golden_v1_mm1, 160);
	memset(m, 0, 8);
	expect_reject(m, 160, V1, WIRE_N1_INVALID_COOKIE, 0, "initiator SPI is zero");
}

/* ---- the generic payload header and the chain ---- */

static void wire_bad_payload_length(void **state)
{
	uint8_t *m;
	struct wire_err err;

	/* length 0 (and 3) would make a naive walker loop on the same payload forever */
	for (uint16_t len = 0; len < 4; len++) {
		m = copy(golden_v2_init_req, 318);
		put16(m + V2REQ_SA + 2, len);
		expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
			      "payload length below the generic header");
		assert_int_equal(decode_exact(m, 318, &err), -EBADMSG);
		assert_int_equal(err.offset, V2REQ_SA);
	}
	m = copy(golden_v1_mm3, 422);
	put16(m + MM3_NONCE + 2, 0);
	expect_reject(m, 422, V1, WIRE_N1_PAYLOAD_MALFORMED, WIRE_PLV1_NONCE,
		      "payload length below the generic header");
	/* below the fixed part of the type: KE needs group + reserved */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_KE + 2, 6);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_KE,
		      "payload length out of bounds for its type");
	/* overrunning the message, last payload and a middle one */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_VID + 2, 21);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_VID,
		      "payload length overruns the message");
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_KE + 2, 0xffff);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_KE,
		      "payload length overruns the message");
	m = copy(golden_v1_mm1, 160);
	put16(m + MM1_VID1 + 2, 41);
	expect_reject(m, 160, V1, WIRE_N1_PAYLOAD_MALFORMED, WIRE_PLV1_VID,
		      "payload length overruns the message");
	/* a shorter nonce: the next header is read from nonce bytes 0x90 0x91 0x92 0x93 */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_NONCE + 2, 20);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_NOTIFY,
		      "payload length overruns the message");
}

static void wire_bad_chain(void **state)
{
	uint8_t *m;

	/* the last payload names a successor that is not there */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_VID] = WIRE_PLV2_VID;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_VID,
		      "payload header overruns the message");
	/* the chain ends but bytes follow */
	m = copy(golden_v2_init_req, 318);
	memset(m + 318, 0, 4);
	put32(m + 24, 322);
	expect_reject(m, 322, V2, WIRE_N2_INVALID_SYNTAX, 0, "bytes after the last payload");
	m = copy(golden_v1_mm1, 160);
	m[MM1_VID1] = WIRE_PL_NONE; /* the chain ends after the first VID */
	expect_reject(m, 160, V1, WIRE_N1_PAYLOAD_MALFORMED, 0, "bytes after the last payload");
	/* a header without payloads but with a next payload */
	expect_reject(golden_v2_init_req, 28, V2, WIRE_N2_INVALID_SYNTAX, 0, NULL);
	m = copy(golden_v2_init_req, 28);
	put32(m + 24, 28);
	expect_reject(m, 28, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "payload header overruns the message");
	/* 65 Vendor IDs: more payloads than a message holds */
	{
		size_t n = 65, len = 0;
		uint8_t *body = malloc(n * 8);

		for (size_t i = 0; i < n; i++) {
			uint8_t *p = body + i * 8;

			p[0] = i + 1 < n ? WIRE_PLV2_VID : 0;
			p[1] = 0;
			put16(p + 2, 8);
			memcpy(p + 4, "vid!", 4);
		}
		len = v2_msg(WIRE_PLV2_VID, body, n * 8, WIRE_EX2_IKE_SA_INIT);
		free(body);
		expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_VID,
			      "too many payloads");
	}
}

static void wire_bad_payload_type(void **state)
{
	struct wire_err err;
	uint8_t *m;
	uint8_t out[512];
	size_t len = 0;

	/* IKEv2: unknown and critical -> UNSUPPORTED_CRITICAL_PAYLOAD carrying the type */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_N_NATD_D] = 99;	    /* the next payload is now "type 99" */
	m[V2REQ_N_FRAG + 1] = 0x80; /* with the critical bit */
	expect_reject(m, 318, V2, WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD, 99,
		      "unknown payload type marked critical");
	assert_int_equal(decode_exact(m, 318, &err), -EBADMSG);
	assert_int_equal(err.offset, V2REQ_N_FRAG);
	/* IKEv1 types are unknown in IKEv2 */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_N_NATD_D] = WIRE_PLV1_NOTIFY;
	m[V2REQ_N_FRAG + 1] = 0x80;
	expect_reject(m, 318, V2, WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD, WIRE_PLV1_NOTIFY, NULL);
	/* so are types with names only (GSPM) */
	m[V2REQ_N_NATD_D] = WIRE_PLV2_GSPM;
	expect_reject(m, 318, V2, WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD, WIRE_PLV2_GSPM, NULL);

	/* unknown, not critical: skipped, kept opaque, encoded back unchanged */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_N_NATD_D] = 99;
	assert_int_equal(wire_decode(&test_msg, m, 318, &err), 0);
	assert_int_equal(test_msg.npayloads, 8);
	assert_int_equal(test_msg.payloads[5].type, 99);
	assert_false(test_msg.payloads[5].known);
	assert_int_equal(test_msg.payloads[5].u.data.len, 4); /* the former notify body */
	assert_null(wire_msg_find_notify(&test_msg, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, 0));
	assert_int_equal(wire_validate(&test_msg, wire_rule_v2(&test_msg), &err), 0);
	assert_int_equal(wire_encode(&test_msg, out, sizeof(out), &len), 0);
	assert_int_equal(len, 318);
	assert_memory_equal(out, m, 318);

	/* IKEv1: any unknown type -> INVALID_PAYLOAD_TYPE, and so are P/T outside SA, v2 types */
	static const uint8_t bad_v1[] = {
		99, WIRE_PLV1_PROPOSAL, WIRE_PLV1_TRANSFORM, WIRE_PLV1_SAK, WIRE_PLV2_SA, 255
	};
	for (unsigned i = 0; i < sizeof(bad_v1); i++) {
		m = copy(golden_v1_mm1, 160);
		m[MM1_VID1] = bad_v1[i];
		expect_reject(m, 160, V1, WIRE_N1_INVALID_PAYLOAD_TYPE, bad_v1[i],
			      "unknown payload type");
	}
}

/* ---- SA, proposals, transforms, attributes ---- */

static void wire_bad_proposal(void **state)
{
	uint8_t *m;

	/* Num Transforms disagrees with what the proposal holds */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_P1 + 7] = 4;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "Num Transforms disagrees with the transforms present");
	m[V2REQ_P1 + 7] = 0;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "Num Transforms disagrees with the transforms present");
	m = copy(golden_v1_mm1, 160);
	m[MM1_P + 7] = 3;
	expect_reject(m, 160, V1, WIRE_N1_BAD_PROPOSAL_SYNTAX, WIRE_PLV1_SA,
		      "Num Transforms disagrees with the transforms present");
	/* proposal numbering and the last-substructure marker (RFC 7296 3.3.1) */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_P2 + 4] = 3;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "proposal numbers do not count 1, 2, 3...");
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_P1] = 0;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "proposal chain byte disagrees with the SA length");
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_P2] = 2;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "proposal chain byte disagrees with the SA length");
	/* proposal length */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P1 + 2, 7);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA, "proposal length below 8");
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P2 + 2, 45);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "proposal length overruns the SA payload");
	/* oversized SPI sizes */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_P1 + 6] = 200;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "SPI size overruns the proposal");
	m[V2REQ_P1 + 6] = 17;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "SPI size overruns the proposal");
	m[V2REQ_P1 + 6] = 4; /* fits, but IKE SPIs are 0 or 8 bytes */
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "SPI size wrong for the protocol");
	m = copy(golden_v1_mm1, 160);
	m[MM1_P + 6] = 255;
	expect_reject(m, 160, V1, WIRE_N1_BAD_PROPOSAL_SYNTAX, WIRE_PLV1_SA,
		      "SPI size overruns the proposal");
	/* IKEv1: DOI and situation */
	m = copy(golden_v1_mm1, 160);
	m[MM1_SA + 7] = 2;
	expect_reject(m, 160, V1, WIRE_N1_DOI_NOT_SUPPORTED, WIRE_PLV1_SA,
		      "SA DOI is not the IPsec DOI");
	m = copy(golden_v1_mm1, 160);
	m[MM1_SA + 11] = 2; /* SIT_SECRECY: a layout we do not read */
	expect_reject(m, 160, V1, WIRE_N1_SITUATION_NOT_SUPPORTED, WIRE_PLV1_SA,
		      "SA situation is not SIT_IDENTITY_ONLY");
}

static void wire_bad_transform(void **state)
{
	uint8_t *m;

	/* transform length against the proposal */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P1_T1 + 2, 100);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "transform length overruns the proposal");
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P1_T1 + 2, 4);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA, "transform length below 8");
	/* 10 instead of 12: the attribute is cut in half */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P1_T1 + 2, 10);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA, "truncated data attribute");
	m = copy(golden_v1_mm1, 160);
	put16(m + MM1_T2 + 2, 0x21);
	expect_reject(m, 160, V1, WIRE_N1_BAD_PROPOSAL_SYNTAX, WIRE_PLV1_SA,
		      "transform length overruns the proposal");
	/* the transform chain byte */
	m = copy(golden_v1_mm1, 160);
	m[MM1_T1] = 0;
	expect_reject(m, 160, V1, WIRE_N1_BAD_PROPOSAL_SYNTAX, WIRE_PLV1_SA,
		      "transform chain byte disagrees with the proposal length");
}

static void wire_bad_attribute(void **state)
{
	uint8_t *m;

	/* a TLV attribute of length 0 */
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P1_T1_ATTR, WIRE_TA_KEY_LENGTH); /* AF=0 */
	put16(m + V2REQ_P1_T1_ATTR + 2, 0);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "TLV data attribute of length 0");
	m = copy(golden_v1_mm1, 160);
	put16(m + MM1_T1_LIFE + 2, 0);
	expect_reject(m, 160, V1, WIRE_N1_BAD_PROPOSAL_SYNTAX, WIRE_PLV1_SA,
		      "TLV data attribute of length 0");
	/* a TLV attribute running past its transform */
	m = copy(golden_v1_mm1, 160);
	put16(m + MM1_T1_LIFE + 2, 5);
	expect_reject(m, 160, V1, WIRE_N1_BAD_PROPOSAL_SYNTAX, WIRE_PLV1_SA,
		      "data attribute overruns its container");
	m = copy(golden_v2_init_req, 318);
	put16(m + V2REQ_P1_T1_ATTR, WIRE_TA_KEY_LENGTH);
	put16(m + V2REQ_P1_T1_ATTR + 2, 1);
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SA,
		      "data attribute overruns its container");
}

/* ---- other payload bodies ---- */

static void wire_bad_bodies(void **state)
{
	uint8_t *m;
	size_t len;

	/* Nonce bounds: IKEv2 16..256 bytes (RFC 7296 3.9), IKEv1 8..256 */
	static const uint8_t short_nonce[4 + 15] = { 0, 0, 0, 19 };
	len = v2_msg(WIRE_PLV2_NONCE, short_nonce, sizeof(short_nonce), WIRE_EX2_IKE_SA_INIT);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_NONCE,
		      "payload length out of bounds for its type");
	/* notify SPI size larger than the notify */
	m = copy(golden_v2_init_req, 318);
	m[V2REQ_N_NATD_S + 5] = 21;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_NOTIFY,
		      "notify SPI size overruns the payload");
	m[V2REQ_N_NATD_S + 5] = 255;
	expect_reject(m, 318, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_NOTIFY,
		      "notify SPI size overruns the payload");
	/* Delete: SPI count against the length; IKE deletes carry no SPIs */
	static const uint8_t del_esp[4 + 4 + 4] = {
		0, 0, 0, 12, WIRE_PROTO_ESP, 4, 0, 2, 1, 2, 3, 4
	};
	len = v2_msg(WIRE_PLV2_DELETE, del_esp, sizeof(del_esp), WIRE_EX2_INFORMATIONAL);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_DELETE,
		      "Num of SPIs disagrees with the payload length");
	static const uint8_t del_ike[4 + 4 + 8] = { 0, 0, 0, 16, WIRE_PROTO_IKE, 8, 0, 1 };
	len = v2_msg(WIRE_PLV2_DELETE, del_ike, sizeof(del_ike), WIRE_EX2_INFORMATIONAL);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_DELETE,
		      "IKE SA delete with SPIs");
	/* Traffic selectors: count, selector length, type */
	static const uint8_t ts_count[] = { 0, 0, 0,	24,   2,  0, 0, 0, 7,  0, 0, 16,
					    0, 0, 0xff, 0xff, 10, 0, 0, 0, 10, 0, 0, 255 };
	len = v2_msg(WIRE_PLV2_TSI, ts_count, sizeof(ts_count), WIRE_EX2_IKE_AUTH);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_TSI,
		      "Number of TSs disagrees with the selectors present");
	static const uint8_t ts_v6len[] = { 0, 0, 0,	24,   1,  0, 0, 0, 8,  0, 0, 16,
					    0, 0, 0xff, 0xff, 10, 0, 0, 0, 10, 0, 0, 255 };
	len = v2_msg(WIRE_PLV2_TSI, ts_v6len, sizeof(ts_v6len), WIRE_EX2_IKE_AUTH);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_TSI,
		      "selector length wrong for its TS type");
	static const uint8_t ts_len[] = { 0, 0, 0,    24,   1,	0, 0, 0, 7,  0, 0, 17,
					  0, 0, 0xff, 0xff, 10, 0, 0, 0, 10, 0, 0, 255 };
	len = v2_msg(WIRE_PLV2_TSI, ts_len, sizeof(ts_len), WIRE_EX2_IKE_AUTH);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_TSI,
		      "selector length out of bounds");
	/* EAP length field against the payload */
	static const uint8_t eap[] = { 0, 0, 0, 9, 1, 7, 0, 6, 1 };
	len = v2_msg(WIRE_PLV2_EAP, eap, sizeof(eap), WIRE_EX2_IKE_AUTH);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_EAP,
		      "EAP length disagrees with the payload length");
	/* CP attribute running past the payload */
	static const uint8_t cp[] = { 0, 0, 0, 12, 1, 0, 0, 0, 0, 1, 0, 4 };
	len = v2_msg(WIRE_PLV2_CP, cp, sizeof(cp), WIRE_EX2_IKE_AUTH);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_CP,
		      "configuration attribute overruns the payload");
}

static void wire_bad_v1_bodies(void **state)
{
	static const uint8_t hdr[28] = {
		0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xb1, 0xb2,
		0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0,	  0x10, 32,   0x00
	};
	/* NAT-OA with an IPv4 ID type and 16 address bytes */
	static const uint8_t nat_oa[] = { 0, 0, 0, 24, 1, 0,  0,  0,  1,  2,  3,  4,
					  5, 6, 7, 8,  9, 10, 11, 12, 13, 14, 15, 16 };
	/* notify with DOI 7 */
	static const uint8_t n_doi[] = { 0, 0, 0, 12, 0, 0, 0, 7, 1, 0, 0x60, 0x02 };
	/* delete: 2 ISAKMP SPIs announced, one present */
	static const uint8_t del[] = { 0, 0, 0, 28, 0, 0, 0, 1,	 1,  16, 0,  2,	 1,  2,
				       3, 4, 5, 6,  7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct {
		uint8_t np;
		const uint8_t *body;
		size_t len;
		uint16_t notify;
		const char *what;
	} cases[] = {
		{ WIRE_PLV1_NAT_OA, nat_oa, sizeof(nat_oa), WIRE_N1_PAYLOAD_MALFORMED,
		  "NAT-OA address does not match its ID type" },
		{ WIRE_PLV1_NOTIFY, n_doi, sizeof(n_doi), WIRE_N1_DOI_NOT_SUPPORTED,
		  "DOI is neither ISAKMP nor IPsec" },
		{ WIRE_PLV1_DELETE, del, sizeof(del), WIRE_N1_PAYLOAD_MALFORMED,
		  "Num of SPIs disagrees with the payload length" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, hdr, 28);
		buf[16] = cases[i].np;
		memcpy(buf + 28, cases[i].body, cases[i].len);
		put32(buf + 24, (uint32_t)(28 + cases[i].len));
		expect_reject(buf, 28 + cases[i].len, V1, cases[i].notify, cases[i].np,
			      cases[i].what);
	}
	/* E flag with nothing after the header */
	memcpy(buf, hdr, 28);
	buf[16] = WIRE_PLV1_HASH;
	buf[19] = WIRE_F1_ENCRYPTION;
	put32(buf + 24, 28);
	expect_reject(buf, 28, V1, WIRE_N1_PAYLOAD_MALFORMED, 0,
		      "encrypted message without a body");
}

/* ---- SK / SKF ---- */

static void wire_bad_sk(void **state)
{
	struct wire_err err;
	uint8_t *m, plain[200];
	size_t len;

	/* SK must be last: shorten it and give the rest to nobody */
	m = copy(golden_v2_auth_req, GOLDEN_AUTH_LEN);
	put16(m + 30, 100);
	expect_reject(m, GOLDEN_AUTH_LEN, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SK,
		      "SK payload is not the last payload");
	/* an SK payload inside the plaintext */
	assert_int_equal(wire_decode(&test_msg, golden_v2_auth_req, GOLDEN_AUTH_LEN, &err), 0);
	memcpy(plain, golden_v2_auth_plain, 146);
	plain[0] = WIRE_PLV2_SK; /* IDi's next payload */
	memcpy(plain + 22,
	       "\x00\x00\x00\x08"
	       "abcd",
	       8);
	assert_int_equal(wire_decode_inner(&test_msg, plain, 30, &err), -EBADMSG);
	assert_int_equal(err.notify, WIRE_N2_INVALID_SYNTAX);
	assert_int_equal(err.payload, WIRE_PLV2_SK);
	assert_true(err.inner);
	assert_int_equal(err.offset, 22);
	assert_string_equal(err.what, "SK payload inside SK");
	/* a failed inner decode leaves the message as it was, ready for another try */
	assert_int_equal(test_msg.npayloads, 1);
	assert_false(test_msg.enc.decoded);
	/* plaintext with the pad length byte left on: IKEv2 does not tolerate trailing bytes */
	assert_int_equal(wire_decode_inner(&test_msg, golden_v2_auth_req + 48, 147, &err),
			 -EBADMSG);
	assert_string_equal(err.what, "bytes after the last payload");
	assert_int_equal(err.offset, 146);
	/* truncated plaintext */
	assert_int_equal(wire_decode_inner(&test_msg, golden_v2_auth_plain, 145, &err), -EBADMSG);
	assert_string_equal(err.what, "payload length overruns the message");
	assert_int_equal(err.payload, WIRE_PLV2_TSR);
	assert_int_equal(wire_decode_inner(&test_msg, golden_v2_auth_plain, 146, &err), 0);

	/* SKF: 1 <= Fragment Number <= Total Fragments */
	static const uint8_t skf[] = { WIRE_PLV2_IDI, 0, 0, 12, 0, 3, 0, 2, 1, 2, 3, 4 };
	len = v2_msg(WIRE_PLV2_SKF, skf, sizeof(skf), WIRE_EX2_IKE_AUTH);
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SKF,
		      "fragment number out of range");
	buf[28 + 5] = 0;
	expect_reject(buf, len, V2, WIRE_N2_INVALID_SYNTAX, WIRE_PLV2_SKF,
		      "fragment number out of range");
	buf[28 + 5] = 2;
	assert_int_equal(wire_decode(&test_msg, buf, len, &err), 0);
	assert_true(test_msg.enc.fragment);
	assert_int_equal(test_msg.enc.frag_num, 2);
	assert_int_equal(test_msg.enc.frag_total, 2);
	assert_int_equal(test_msg.enc.aad.len, 36); /* header + SKF header + fragment fields */
	assert_int_equal(test_msg.enc.body.len, 4);
}

/*
 * Every truncation of every golden message, with the header length adjusted so only the
 * payloads are cut: a clean refusal, never a crash or an overread (ASan build).
 */
static void wire_bad_truncations(void **state)
{
	struct wire_err err;

	for (size_t g = 0; g < golden_count; g++) {
		const struct golden *gm = &golden_all[g];

		for (size_t cut = WIRE_HDR_LEN; cut < gm->len; cut++) {
			uint8_t *m = dup_exact(gm->bytes, cut);
			int r;

			put32(m + 24, (uint32_t)cut);
			r = wire_decode(&test_msg, m, cut, &err);
			free(m);
			if (gm->bytes[19] & WIRE_F1_ENCRYPTION && gm->bytes[17] == 0x10)
				continue;
			assert_int_equal(r, -EBADMSG);
			if (gm->bytes[17] == 0x20)
				assert_int_equal(err.notify, WIRE_N2_INVALID_SYNTAX);
			else
				assert_true(err.notify == WIRE_N1_PAYLOAD_MALFORMED ||
					    err.notify == WIRE_N1_BAD_PROPOSAL_SYNTAX);
			assert_true(err.offset <= cut);
		}
	}
}

/*
 * Every byte of every golden message set to a few values: whatever decodes must re-encode to
 * the same bytes unless a reserved field was set (msg->noncanonical), and whatever fails must
 * name a notify of the message's version.
 */
static void wire_bad_byte_flips(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x03, 0x80, 0xff };
	static uint8_t out[4096];
	struct wire_err err;
	unsigned ok = 0, refused = 0;

	for (size_t g = 0; g < golden_count; g++) {
		const struct golden *gm = &golden_all[g];

		for (size_t pos = 0; pos < gm->len; pos++) {
			for (unsigned v = 0; v < sizeof(values); v++) {
				uint8_t *m = dup_exact(gm->bytes, gm->len);
				size_t len = 0;
				int r;

				m[pos] = values[v];
				r = wire_decode(&test_msg, m, gm->len, &err);
				if (r == 0) {
					ok++;
					assert_int_equal(
						wire_encode(&test_msg, out, sizeof(out), &len), 0);
					assert_int_equal(len, gm->len);
					if (!test_msg.noncanonical)
						assert_memory_equal(out, m, len);
				} else {
					refused++;
					assert_int_equal(r, -EBADMSG);
					assert_non_null(wire_notify_name(err.version, err.notify));
					assert_non_null(err.what);
				}
				free(m);
			}
		}
	}
	print_message("byte flips: %u decoded, %u refused\n", ok, refused);
	/* both outcomes are exercised */
	assert_true(ok > 1000);
	assert_true(refused > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_bad_header),	cmocka_unit_test(wire_bad_payload_length),
		cmocka_unit_test(wire_bad_chain),	cmocka_unit_test(wire_bad_payload_type),
		cmocka_unit_test(wire_bad_proposal),	cmocka_unit_test(wire_bad_transform),
		cmocka_unit_test(wire_bad_attribute),	cmocka_unit_test(wire_bad_bodies),
		cmocka_unit_test(wire_bad_v1_bodies),	cmocka_unit_test(wire_bad_sk),
		cmocka_unit_test(wire_bad_truncations), cmocka_unit_test(wire_bad_byte_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
