/*
 * Golden-message tests of the wire codec: the builders produce exactly the hand-written bytes
 * of wire_golden.c, the decoder reads every field back out of them, and decode/encode round
 * trips reproduce them (IKEv2 IKE_SA_INIT, IKE_AUTH with SK; IKEv1 MM1, MM3).
 */
#include "wire_test_util.h"

static uint8_t out[4096];

static const uint8_t ispi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t rspi[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };
static const uint8_t icookie[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8 };
static const uint8_t rcookie[8] = { 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8 };
static const uint8_t vid_strongswan[16] = { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
					    0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb };

static struct wire_hdr v2_hdr(uint8_t exchange, uint8_t flags, uint32_t msgid, bool with_rspi)
{
	struct wire_hdr h = { .major = 2, .exchange = exchange, .flags = flags, .msgid = msgid };

	memcpy(h.ispi, ispi, 8);
	if (with_rspi)
		memcpy(h.rspi, rspi, 8);
	return h;
}

static struct wire_attr key_length(uint16_t bits)
{
	return (struct wire_attr){ .type = WIRE_TA_KEY_LENGTH, .tv = true, .value = bits };
}

/* Adds NAT_DETECTION_{SOURCE,DESTINATION}_IP with 20-byte hashes counting from s and d. */
static void add_natd(struct wire_builder *b, uint8_t s, uint8_t d)
{
	uint8_t h[20];

	fill_seq(h, s, 20);
	assert_int_equal(wire_build_notify(b, 0, WIRE_N2_NAT_DETECTION_SOURCE_IP, NULL, 0, h, 20),
			 0);
	fill_seq(h, d, 20);
	assert_int_equal(
		wire_build_notify(b, 0, WIRE_N2_NAT_DETECTION_DESTINATION_IP, NULL, 0, h, 20), 0);
}

/* ---- IKE_SA_INIT request ---- */

static void wire_golden_v2_init_req_build(void **state)
{
	struct wire_attr k256 = key_length(256), k128 = key_length(128);
	struct wire_transform t1[] = {
		{ .type = WIRE_TT_ENCR, .id = WIRE_ENCR_AES_GCM_16, .attrs = &k256, .nattrs = 1 },
		{ .type = WIRE_TT_PRF, .id = WIRE_PRF_HMAC_SHA2_256 },
		{ .type = WIRE_TT_KE, .id = WIRE_KE_ECP256 },
	};
	struct wire_transform t2[] = {
		{ .type = WIRE_TT_ENCR, .id = WIRE_ENCR_AES_CBC, .attrs = &k128, .nattrs = 1 },
		{ .type = WIRE_TT_PRF, .id = WIRE_PRF_HMAC_SHA2_256 },
		{ .type = WIRE_TT_INTEG, .id = WIRE_INTEG_HMAC_SHA2_256_128 },
		{ .type = WIRE_TT_KE, .id = WIRE_KE_MODP2048 },
	};
	struct wire_proposal props[] = {
		{ .num = 1, .proto = WIRE_PROTO_IKE, .transforms = t1, .ntransforms = 3 },
		{ .num = 2, .proto = WIRE_PROTO_IKE, .transforms = t2, .ntransforms = 4 },
	};
	struct wire_payload sa = { .type = WIRE_PLV2_SA };
	struct wire_payload ke = { .type = WIRE_PLV2_KE };
	struct wire_hdr h = v2_hdr(WIRE_EX2_IKE_SA_INIT, WIRE_F2_INITIATOR, 0, false);
	uint8_t kedata[64], nonce[32], sighash[6] = { 0, 2, 0, 3, 0, 4 };
	struct wire_builder b;
	size_t len = 0;

	fill_seq(kedata, 0x00, 64);
	fill_seq(nonce, 0x80, 32);
	sa.u.sa.proposals = props;
	sa.u.sa.nproposals = 2;
	ke.u.ke.group = WIRE_KE_ECP256;
	ke.u.ke.data = (struct wire_span){ kedata, 64 };

	wire_build_msg(&b, out, sizeof(out), &h);
	assert_int_equal(wire_build_add(&b, &sa), 0);
	assert_int_equal(wire_build_add(&b, &ke), 0);
	assert_int_equal(wire_build_data(&b, WIRE_PLV2_NONCE, nonce, 32), 0);
	add_natd(&b, 0xc0, 0xe0);
	assert_int_equal(
		wire_build_notify(&b, 0, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0, NULL, 0),
		0);
	assert_int_equal(
		wire_build_notify(&b, 0, WIRE_N2_SIGNATURE_HASH_ALGORITHMS, NULL, 0, sighash, 6),
		0);
	assert_int_equal(wire_build_data(&b, WIRE_PLV2_VID, vid_strongswan, 16), 0);
	assert_int_equal(wire_build_finish(&b, &len), 0);
	assert_int_equal(len, sizeof(golden_v2_init_req));
	assert_memory_equal(out, golden_v2_init_req, len);
}

static void wire_golden_v2_init_req_decode(void **state)
{
	const uint8_t *g = golden_v2_init_req;
	struct wire_msg *m = &test_msg;
	const struct wire_proposal *p;
	const struct wire_payload *pl;
	const struct wire_attr *a;
	struct wire_err err;

	assert_int_equal(wire_decode(m, g, sizeof(golden_v2_init_req), &err), 0);
	assert_int_equal(m->version, WIRE_IKEV2);
	assert_memory_equal(m->hdr.ispi, ispi, 8);
	assert_int_equal(m->hdr.exchange, WIRE_EX2_IKE_SA_INIT);
	assert_int_equal(m->hdr.flags, WIRE_F2_INITIATOR);
	assert_int_equal(m->hdr.msgid, 0);
	assert_int_equal(m->hdr.length, 318);
	assert_false(m->enc.present);
	assert_int_equal(m->npayloads, 8);
	static const uint8_t types[8] = { 33, 34, 40, 41, 41, 41, 41, 43 };
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(m->payloads[i].type, types[i]);

	pl = &m->payloads[0];
	assert_true(pl->known);
	assert_false(pl->critical);
	assert_ptr_equal(pl->raw.ptr, g + V2REQ_SA);
	assert_int_equal(pl->raw.len, 84);
	assert_int_equal(pl->u.sa.nproposals, 2);
	p = &pl->u.sa.proposals[0];
	assert_int_equal(p->num, 1);
	assert_int_equal(p->proto, WIRE_PROTO_IKE);
	assert_int_equal(p->spi.len, 0);
	assert_int_equal(p->ntransforms, 3);
	assert_int_equal(p->transforms[0].type, WIRE_TT_ENCR);
	assert_int_equal(p->transforms[0].id, WIRE_ENCR_AES_GCM_16);
	a = wire_transform_attr(&p->transforms[0], WIRE_TA_KEY_LENGTH);
	assert_non_null(a);
	assert_true(a->tv);
	assert_int_equal(a->value, 256);
	assert_int_equal(p->transforms[1].type, WIRE_TT_PRF);
	assert_int_equal(p->transforms[1].id, WIRE_PRF_HMAC_SHA2_256);
	assert_null(wire_transform_attr(&p->transforms[1], WIRE_TA_KEY_LENGTH));
	assert_int_equal(p->transforms[2].type, WIRE_TT_KE);
	assert_int_equal(p->transforms[2].id, WIRE_KE_ECP256);
	p = &pl->u.sa.proposals[1];
	assert_int_equal(p->num, 2);
	assert_int_equal(p->ntransforms, 4);
	assert_int_equal(p->transforms[0].id, WIRE_ENCR_AES_CBC);
	assert_int_equal(wire_transform_attr(&p->transforms[0], WIRE_TA_KEY_LENGTH)->value, 128);
	assert_int_equal(p->transforms[2].type, WIRE_TT_INTEG);
	assert_int_equal(p->transforms[2].id, WIRE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(p->transforms[3].id, WIRE_KE_MODP2048);

	pl = wire_msg_find(m, WIRE_PLV2_KE, 0);
	assert_ptr_equal(pl, &m->payloads[1]);
	assert_int_equal(pl->u.ke.group, 19);
	assert_ptr_equal(pl->u.ke.data.ptr, g + V2REQ_KE + 8); /* points into the input */
	assert_int_equal(pl->u.ke.data.len, 64);
	pl = wire_msg_find(m, WIRE_PLV2_NONCE, 0);
	assert_ptr_equal(pl->u.data.ptr, g + V2REQ_NONCE + 4);
	assert_int_equal(pl->u.data.len, 32);

	pl = wire_msg_find_notify(m, WIRE_N2_NAT_DETECTION_SOURCE_IP, 0);
	assert_ptr_equal(pl, &m->payloads[3]);
	assert_int_equal(pl->u.notify.proto, 0);
	assert_int_equal(pl->u.notify.spi.len, 0);
	assert_ptr_equal(pl->u.notify.data.ptr, g + V2REQ_N_NATD_S + 8);
	assert_int_equal(pl->u.notify.data.len, 20);
	assert_non_null(wire_msg_find_notify(m, WIRE_N2_NAT_DETECTION_DESTINATION_IP, 0));
	assert_null(wire_msg_find_notify(m, WIRE_N2_NAT_DETECTION_DESTINATION_IP, 1));
	pl = wire_msg_find_notify(m, WIRE_N2_SIGNATURE_HASH_ALGORITHMS, 0);
	assert_int_equal(pl->u.notify.data.len, 6);
	pl = wire_msg_find(m, WIRE_PLV2_VID, 0);
	assert_memory_equal(pl->u.data.ptr, vid_strongswan, 16);
	assert_null(wire_msg_find(m, WIRE_PLV2_CERTREQ, 0));

	assert_int_equal(wire_validate(m, wire_rule_v2(m), &err), 0);
	assert_string_equal(wire_rule_name(wire_rule_v2(m)), "IKE_SA_INIT request");
}

static void wire_golden_v2_init_req_roundtrip(void **state)
{
	expect_roundtrip(&test_msg, golden_v2_init_req, sizeof(golden_v2_init_req));
}

/* ---- IKE_SA_INIT response ---- */

static void wire_golden_v2_init_resp_build(void **state)
{
	struct wire_attr k256 = key_length(256);
	struct wire_transform t1[] = {
		{ .type = WIRE_TT_ENCR, .id = WIRE_ENCR_AES_GCM_16, .attrs = &k256, .nattrs = 1 },
		{ .type = WIRE_TT_PRF, .id = WIRE_PRF_HMAC_SHA2_256 },
		{ .type = WIRE_TT_KE, .id = WIRE_KE_ECP256 },
	};
	struct wire_proposal prop = {
		.num = 1, .proto = WIRE_PROTO_IKE, .transforms = t1, .ntransforms = 3
	};
	struct wire_payload sa = { .type = WIRE_PLV2_SA };
	struct wire_payload ke = { .type = WIRE_PLV2_KE };
	struct wire_payload cr = { .type = WIRE_PLV2_CERTREQ };
	struct wire_hdr h = v2_hdr(WIRE_EX2_IKE_SA_INIT, WIRE_F2_RESPONSE, 0, true);
	uint8_t kedata[64], nonce[32], hashes[40];
	struct wire_builder b;
	size_t len = 0;

	fill_seq(kedata, 0x40, 64);
	fill_seq(nonce, 0xa0, 32);
	fill_seq(hashes, 0x00, 20);
	fill_seq(hashes + 20, 0x80, 20);
	sa.u.sa.proposals = &prop;
	sa.u.sa.nproposals = 1;
	ke.u.ke.group = WIRE_KE_ECP256;
	ke.u.ke.data = (struct wire_span){ kedata, 64 };
	cr.u.cert.encoding = WIRE_CERT_X509_SIG;
	cr.u.cert.data = (struct wire_span){ hashes, 40 };

	wire_build_msg(&b, out, sizeof(out), &h);
	wire_build_add(&b, &sa);
	wire_build_add(&b, &ke);
	wire_build_data(&b, WIRE_PLV2_NONCE, nonce, 32);
	add_natd(&b, 0x20, 0x50);
	wire_build_add(&b, &cr);
	wire_build_notify(&b, 0, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0, NULL, 0);
	wire_build_data(&b, WIRE_PLV2_VID, vid_strongswan, 16);
	/* errors are sticky: one check at the end covers every call */
	assert_int_equal(wire_build_finish(&b, &len), 0);
	assert_int_equal(len, sizeof(golden_v2_init_resp));
	assert_memory_equal(out, golden_v2_init_resp, len);
}

static void wire_golden_v2_init_resp_decode(void **state)
{
	const uint8_t *g = golden_v2_init_resp;
	struct wire_msg *m = &test_msg;
	const struct wire_payload *cr;
	struct wire_err err;
	char text[256];

	expect_roundtrip(m, g, sizeof(golden_v2_init_resp));
	assert_memory_equal(m->hdr.rspi, rspi, 8);
	assert_int_equal(m->hdr.flags, WIRE_F2_RESPONSE);
	assert_int_equal(m->payloads[0].u.sa.nproposals, 1);
	cr = wire_msg_find(m, WIRE_PLV2_CERTREQ, 0);
	assert_non_null(cr);
	assert_int_equal(cr->u.cert.encoding, WIRE_CERT_X509_SIG);
	assert_int_equal(cr->u.cert.data.len, 40);
	assert_ptr_equal(cr->u.cert.data.ptr, g + 28 + 40 + 72 + 36 + 28 + 28 + 5);
	assert_int_equal(cr->u.cert.data.ptr[20], 0x80); /* the second hash */
	assert_int_equal(wire_validate(m, wire_rule_v2(m), &err), 0);
	assert_string_equal(wire_msg_str(m, text, sizeof(text)),
			    "IKE_SA_INIT response 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) "
			    "N(NAT_DETECTION_DESTINATION_IP) CERTREQ "
			    "N(IKEV2_FRAGMENTATION_SUPPORTED) V ]");
}

/* ---- IKE_AUTH request: SK ---- */

static size_t build_auth_plain(uint8_t *buf, size_t size, uint8_t *ret_first)
{
	static const char fqdn[] = "r1.example.com";
	static const uint8_t spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	static const uint8_t ts1[8] = { 10, 1, 0, 0, 10, 1, 255, 255 };
	static const uint8_t ts2[8] = { 10, 2, 0, 0, 10, 2, 255, 255 };
	struct wire_attr k128 = key_length(128);
	struct wire_transform t[] = {
		{ .type = WIRE_TT_ENCR, .id = WIRE_ENCR_AES_CBC, .attrs = &k128, .nattrs = 1 },
		{ .type = WIRE_TT_INTEG, .id = WIRE_INTEG_HMAC_SHA2_256_128 },
		{ .type = WIRE_TT_ESN, .id = WIRE_ESN_NONE },
	};
	struct wire_proposal prop = { .num = 1,
				      .proto = WIRE_PROTO_ESP,
				      .spi = { spi, 4 },
				      .transforms = t,
				      .ntransforms = 3 };
	struct wire_ts tsi = { .type = WIRE_TS_IPV4_ADDR_RANGE,
			       .end_port = 65535,
			       .start = { ts1, 4 },
			       .end = { ts1 + 4, 4 } };
	struct wire_ts tsr = { .type = WIRE_TS_IPV4_ADDR_RANGE,
			       .end_port = 65535,
			       .start = { ts2, 4 },
			       .end = { ts2 + 4, 4 } };
	struct wire_payload id = { .type = WIRE_PLV2_IDI };
	struct wire_payload auth = { .type = WIRE_PLV2_AUTH };
	struct wire_payload sa = { .type = WIRE_PLV2_SA };
	struct wire_payload pts = { .type = WIRE_PLV2_TSI };
	uint8_t mic[16];
	struct wire_builder b;
	size_t len = 0;

	fill_seq(mic, 0x30, 16);
	id.u.id.type = WIRE_ID_FQDN;
	id.u.id.data = (struct wire_span){ (const uint8_t *)fqdn, strlen(fqdn) };
	auth.u.auth.method = WIRE_AUTH_PSK;
	auth.u.auth.data = (struct wire_span){ mic, 16 };
	sa.u.sa.proposals = &prop;
	sa.u.sa.nproposals = 1;

	wire_build_chain(&b, buf, size, WIRE_IKEV2);
	wire_build_add(&b, &id);
	wire_build_add(&b, &auth);
	wire_build_notify(&b, 0, WIRE_N2_INITIAL_CONTACT, NULL, 0, NULL, 0);
	wire_build_add(&b, &sa);
	pts.u.ts.ts = &tsi;
	pts.u.ts.count = 1;
	wire_build_add(&b, &pts);
	pts.type = WIRE_PLV2_TSR;
	pts.u.ts.ts = &tsr;
	wire_build_add(&b, &pts);
	assert_int_equal(wire_build_finish(&b, &len), 0);
	*ret_first = b.first;
	return len;
}

static void wire_golden_v2_auth_build(void **state)
{
	struct wire_hdr h = v2_hdr(WIRE_EX2_IKE_AUTH, WIRE_F2_INITIATOR, 1, true);
	uint8_t plain[512], first = 0;
	struct wire_sk_layout lay;
	struct wire_builder b;
	size_t plen, len = 0;

	plen = build_auth_plain(plain, sizeof(plain), &first);
	assert_int_equal(plen, sizeof(golden_v2_auth_plain));
	assert_memory_equal(plain, golden_v2_auth_plain, plen);
	assert_int_equal(first, WIRE_PLV2_IDI);

	/* what a caller does: reserve IV + ciphertext + pad length + ICV, then fill it in */
	wire_build_msg(&b, out, sizeof(out), &h);
	assert_int_equal(wire_build_sk(&b, first, 0, 0, GOLDEN_AUTH_BODY_LEN, &lay), 0);
	assert_int_equal(wire_build_data(&b, WIRE_PLV2_VID, "x", 1), -EINVAL); /* SK is last */
	assert_int_equal(wire_build_finish(&b, &len), -EINVAL);

	wire_build_msg(&b, out, sizeof(out), &h);
	assert_int_equal(wire_build_sk(&b, first, 0, 0, GOLDEN_AUTH_BODY_LEN, &lay), 0);
	assert_int_equal(wire_build_finish(&b, &len), 0);
	assert_int_equal(len, GOLDEN_AUTH_LEN);
	assert_int_equal(lay.aad_len, 32);
	assert_int_equal(lay.body_off, 32);
	assert_int_equal(lay.body_len, GOLDEN_AUTH_BODY_LEN);
	assert_memory_equal(out, golden_v2_auth_hdr, 32);
	fill_seq(out + lay.body_off, 0xe0, 16);
	memcpy(out + lay.body_off + 16, plain, plen);
	out[lay.body_off + 16 + plen] = 0;
	fill_seq(out + lay.body_off + 16 + plen + 1, 0x70, 16);
	assert_memory_equal(out, golden_v2_auth_req, GOLDEN_AUTH_LEN);
}

static void wire_golden_v2_auth_decode(void **state)
{
	const uint8_t *g = golden_v2_auth_req;
	struct wire_msg *m = &test_msg;
	const struct wire_payload *p;
	const struct wire_ts *ts;
	struct wire_err err;
	size_t len = 0;
	char text[256];

	expect_roundtrip(m, g, GOLDEN_AUTH_LEN);
	assert_int_equal(m->npayloads, 1);
	assert_int_equal(m->payloads[0].type, WIRE_PLV2_SK);
	assert_true(m->enc.present);
	assert_false(m->enc.fragment);
	assert_int_equal(m->enc.first, WIRE_PLV2_IDI);
	assert_ptr_equal(m->enc.aad.ptr, g);
	assert_int_equal(m->enc.aad.len, 32);
	assert_ptr_equal(m->enc.body.ptr, g + 32);
	assert_int_equal(m->enc.body.len, GOLDEN_AUTH_BODY_LEN);
	/* before decryption only the outer message can be checked, and it is fine */
	assert_int_equal(wire_validate(m, wire_rule_v2(m), &err), 0);
	assert_string_equal(wire_msg_str(m, text, sizeof(text)), "IKE_AUTH request 1 [ SK ]");

	/* the caller decrypted (ENCR_NULL): plaintext = body minus IV, pad length and ICV */
	assert_int_equal(wire_decode_inner(m, g + 32 + 16, 146, &err), 0);
	assert_int_equal(wire_decode_inner(m, g + 32 + 16, 146, &err), -EALREADY);
	assert_int_equal(m->npayloads, 7);
	assert_true(m->payloads[1].encrypted);
	p = wire_msg_find(m, WIRE_PLV2_IDI, 0);
	assert_int_equal(p->u.id.type, WIRE_ID_FQDN);
	assert_int_equal(p->u.id.data.len, 14);
	assert_memory_equal(p->u.id.data.ptr, "r1.example.com", 14);
	p = wire_msg_find(m, WIRE_PLV2_AUTH, 0);
	assert_int_equal(p->u.auth.method, WIRE_AUTH_PSK);
	assert_int_equal(p->u.auth.data.len, 16);
	p = wire_msg_find(m, WIRE_PLV2_SA, 0);
	assert_int_equal(p->u.sa.proposals[0].proto, WIRE_PROTO_ESP);
	assert_int_equal(p->u.sa.proposals[0].spi.len, 4);
	assert_memory_equal(p->u.sa.proposals[0].spi.ptr, "\xc0\xff\xee\x01", 4);
	assert_int_equal(p->u.sa.proposals[0].transforms[2].type, WIRE_TT_ESN);
	p = wire_msg_find(m, WIRE_PLV2_TSR, 0);
	assert_int_equal(p->u.ts.count, 1);
	ts = &p->u.ts.ts[0];
	assert_int_equal(ts->type, WIRE_TS_IPV4_ADDR_RANGE);
	assert_int_equal(ts->start_port, 0);
	assert_int_equal(ts->end_port, 65535);
	assert_memory_equal(ts->start.ptr, "\x0a\x02\x00\x00", 4);
	assert_memory_equal(ts->end.ptr, "\x0a\x02\xff\xff", 4);
	assert_int_equal(wire_validate(m, wire_rule_v2(m), &err), 0);
	assert_string_equal(wire_msg_str(m, text, sizeof(text)),
			    "IKE_AUTH request 1 [ SK { IDi AUTH N(INITIAL_CONTACT) SA TSi TSr } ]");

	/* both halves re-encode to what came in */
	assert_int_equal(wire_encode(m, out, sizeof(out), &len), 0);
	assert_int_equal(len, GOLDEN_AUTH_LEN);
	assert_memory_equal(out, g, len);
	assert_int_equal(wire_encode_inner(m, out, sizeof(out), &len), 0);
	assert_int_equal(len, 146);
	assert_memory_equal(out, golden_v2_auth_plain, len);
}

/* ---- IKEv1 Main Mode ---- */

static struct wire_hdr v1_hdr(bool with_rcookie)
{
	struct wire_hdr h = { .major = 1, .exchange = WIRE_EX1_MAIN };

	memcpy(h.ispi, icookie, 8);
	if (with_rcookie)
		memcpy(h.rspi, rcookie, 8);
	return h;
}

static struct wire_attr tv(uint16_t type, uint16_t value)
{
	return (struct wire_attr){ .type = type, .tv = true, .value = value };
}

static void wire_golden_v1_mm1_build(void **state)
{
	static const uint8_t life[4] = { 0x00, 0x01, 0x51, 0x80 };
	static const uint8_t vid_natt[16] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
					      0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
	static const uint8_t vid_dpd[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
					     0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };
	struct wire_attr a1[] = {
		tv(WIRE_V1A_ENCRYPTION, 7),
		tv(WIRE_V1A_KEY_LENGTH, 256),
		tv(WIRE_V1A_HASH, 4),
		tv(WIRE_V1A_AUTH_METHOD, 3),
		tv(WIRE_V1A_GROUP_DESC, 14),
		tv(WIRE_V1A_LIFE_TYPE, 1),
		{ .type = WIRE_V1A_LIFE_DURATION, .data = { life, 4 } },
	};
	struct wire_attr a2[] = {
		tv(WIRE_V1A_ENCRYPTION, 5),  tv(WIRE_V1A_HASH, 2),
		tv(WIRE_V1A_AUTH_METHOD, 3), tv(WIRE_V1A_GROUP_DESC, 2),
		tv(WIRE_V1A_LIFE_TYPE, 1),   tv(WIRE_V1A_LIFE_DURATION, 28800),
	};
	struct wire_transform t[] = {
		{ .num = 1, .id = WIRE_V1_KEY_IKE, .attrs = a1, .nattrs = 7 },
		{ .num = 2, .id = WIRE_V1_KEY_IKE, .attrs = a2, .nattrs = 6 },
	};
	struct wire_proposal prop = {
		.num = 1, .proto = WIRE_PROTO_IKE, .transforms = t, .ntransforms = 2
	};
	struct wire_payload sa = { .type = WIRE_PLV1_SA };
	struct wire_hdr h = v1_hdr(false);
	struct wire_builder b;
	size_t len = 0;

	sa.u.sa.doi = WIRE_DOI_IPSEC;
	sa.u.sa.situation = WIRE_SIT_IDENTITY_ONLY;
	sa.u.sa.proposals = &prop;
	sa.u.sa.nproposals = 1;
	wire_build_msg(&b, out, sizeof(out), &h);
	wire_build_add(&b, &sa);
	wire_build_data(&b, WIRE_PLV1_VID, vid_natt, 16);
	wire_build_data(&b, WIRE_PLV1_VID, vid_dpd, 16);
	assert_int_equal(wire_build_finish(&b, &len), 0);
	assert_int_equal(len, sizeof(golden_v1_mm1));
	assert_memory_equal(out, golden_v1_mm1, len);
}

static void wire_golden_v1_mm1_decode(void **state)
{
	struct wire_msg *m = &test_msg;
	const struct wire_transform *t;
	const struct wire_attr *a;
	const struct wire_sa *sa;
	struct wire_err err;
	char text[128];

	expect_roundtrip(m, golden_v1_mm1, sizeof(golden_v1_mm1));
	assert_int_equal(m->version, WIRE_IKEV1);
	assert_int_equal(m->hdr.exchange, WIRE_EX1_MAIN);
	assert_int_equal(m->npayloads, 3);
	sa = &m->payloads[0].u.sa;
	assert_int_equal(sa->doi, WIRE_DOI_IPSEC);
	assert_int_equal(sa->situation, WIRE_SIT_IDENTITY_ONLY);
	assert_int_equal(sa->nproposals, 1);
	assert_int_equal(sa->proposals[0].proto, WIRE_PROTO_IKE);
	assert_int_equal(sa->proposals[0].ntransforms, 2);
	t = &sa->proposals[0].transforms[0];
	assert_int_equal(t->num, 1);
	assert_int_equal(t->id, WIRE_V1_KEY_IKE);
	assert_int_equal(t->nattrs, 7);
	assert_int_equal(wire_transform_attr(t, WIRE_V1A_ENCRYPTION)->value, 7);
	assert_int_equal(wire_transform_attr(t, WIRE_V1A_KEY_LENGTH)->value, 256);
	assert_int_equal(wire_transform_attr(t, WIRE_V1A_GROUP_DESC)->value, 14);
	a = wire_transform_attr(t, WIRE_V1A_LIFE_DURATION);
	assert_false(a->tv);
	assert_int_equal(a->data.len, 4);
	assert_ptr_equal(a->data.ptr, golden_v1_mm1 + MM1_T1_LIFE + 4);
	t = &sa->proposals[0].transforms[1];
	assert_int_equal(t->num, 2);
	a = wire_transform_attr(t, WIRE_V1A_LIFE_DURATION);
	assert_true(a->tv);
	assert_int_equal(a->value, 28800);
	assert_int_equal(wire_validate(m, wire_rule_get(WIRE_R_MM1), &err), 0);
	assert_string_equal(wire_msg_str(m, text, sizeof(text)), "MAIN_MODE 0 [ SA VID VID ]");
}

static void wire_golden_v1_mm3_build(void **state)
{
	static const uint8_t dn[21] = { 0x30, 0x13, 0x31, 0x11, 0x30, 0x0f, 0x06,
					0x03, 0x55, 0x04, 0x03, 0x0c, 0x08, 'i',
					'k',  'e',  'g',  'w',	'-',  'c',  'a' };
	struct wire_payload ke = { .type = WIRE_PLV1_KE };
	struct wire_payload cr = { .type = WIRE_PLV1_CERTREQ };
	struct wire_hdr h = v1_hdr(true);
	uint8_t kedata[256], nonce[32], natd1[32], natd2[32];
	struct wire_builder b;
	size_t len = 0;

	for (unsigned i = 0; i < 256; i++)
		kedata[i] = (uint8_t)i;
	fill_seq(nonce, 0x10, 32);
	fill_seq(natd1, 0x40, 32);
	fill_seq(natd2, 0x60, 32);
	ke.u.ke.data = (struct wire_span){ kedata, 256 };
	cr.u.cert.encoding = WIRE_CERT_X509_SIG;
	cr.u.cert.data = (struct wire_span){ dn, sizeof(dn) };
	wire_build_msg(&b, out, sizeof(out), &h);
	wire_build_add(&b, &ke);
	wire_build_data(&b, WIRE_PLV1_NONCE, nonce, 32);
	wire_build_add(&b, &cr);
	wire_build_data(&b, WIRE_PLV1_NAT_D, natd1, 32);
	wire_build_data(&b, WIRE_PLV1_NAT_D, natd2, 32);
	assert_int_equal(wire_build_finish(&b, &len), 0);
	assert_int_equal(len, sizeof(golden_v1_mm3));
	assert_memory_equal(out, golden_v1_mm3, len);
}

static void wire_golden_v1_mm3_decode(void **state)
{
	struct wire_msg *m = &test_msg;
	const struct wire_payload *p;
	struct wire_err err;

	expect_roundtrip(m, golden_v1_mm3, sizeof(golden_v1_mm3));
	assert_memory_equal(m->hdr.rspi, rcookie, 8);
	assert_int_equal(m->npayloads, 5);
	p = wire_msg_find(m, WIRE_PLV1_KE, 0);
	assert_int_equal(p->u.ke.data.len, 256);
	assert_int_equal(p->u.ke.group, 0);
	p = wire_msg_find(m, WIRE_PLV1_CERTREQ, 0);
	assert_int_equal(p->u.cert.encoding, WIRE_CERT_X509_SIG);
	assert_int_equal(p->u.cert.data.len, 21);
	assert_int_equal(p->u.cert.data.ptr[0], 0x30);
	assert_non_null(wire_msg_find(m, WIRE_PLV1_NAT_D, 1));
	assert_null(wire_msg_find(m, WIRE_PLV1_NAT_D, 2));
	assert_int_equal(wire_validate(m, wire_rule_get(WIRE_R_MM3), &err), 0);
	assert_int_equal(wire_validate(m, wire_rule_get(WIRE_R_MM4), &err), 0);
}

/* Every golden message survives decode -> encode unchanged. */
static void wire_golden_all_roundtrip(void **state)
{
	for (size_t i = 0; i < golden_count; i++)
		expect_roundtrip(&test_msg, golden_all[i].bytes, golden_all[i].len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_golden_v2_init_req_build),
		cmocka_unit_test(wire_golden_v2_init_req_decode),
		cmocka_unit_test(wire_golden_v2_init_req_roundtrip),
		cmocka_unit_test(wire_golden_v2_init_resp_build),
		cmocka_unit_test(wire_golden_v2_init_resp_decode),
		cmocka_unit_test(wire_golden_v2_auth_build),
		cmocka_unit_test(wire_golden_v2_auth_decode),
		cmocka_unit_test(wire_golden_v1_mm1_build),
		cmocka_unit_test(wire_golden_v1_mm1_decode),
		cmocka_unit_test(wire_golden_v1_mm3_build),
		cmocka_unit_test(wire_golden_v1_mm3_decode),
		cmocka_unit_test(wire_golden_all_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
