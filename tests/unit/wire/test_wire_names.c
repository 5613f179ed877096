/*
 * Tests of the cursor (sticky errors, sub-cursors, patching) and of the name tables, the error
 * text and the message summary the daemon logs.
 */
#include "wire_test_util.h"

static void wire_ctx_sticky_read(void **state)
{
	static const uint8_t b[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	struct wire_ctx c = wire_ctx_reader(b, sizeof(b));
	struct wire_ctx sub;

	assert_int_equal(wire_ctx_read_u16(&c), 0x1234);
	assert_int_equal(wire_ctx_read_u32(&c), 0x56789abc);
	assert_int_equal(wire_ctx_avail(&c), 0);
	assert_true(wire_ctx_ok(&c));
	/* one byte too far: error, value 0, and every later read is a no-op */
	assert_int_equal(wire_ctx_read_u8(&c), 0);
	assert_int_equal(c.error, -EBADMSG);
	assert_int_equal(wire_ctx_read_u16(&c), 0);
	assert_null(wire_ctx_take(&c, 0));
	assert_int_equal(c.pos, 6);

	/* sub-cursors are bounded by their declared length */
	c = wire_ctx_reader(b, sizeof(b));
	wire_ctx_read_u8(&c);
	sub = wire_ctx_sub(&c, 2);
	assert_int_equal(wire_ctx_avail(&c), 3);
	assert_int_equal(wire_ctx_read_u16(&sub), 0x3456);
	assert_int_equal(wire_ctx_read_u8(&sub), 0);
	assert_int_equal(sub.error, -EBADMSG);
	assert_true(wire_ctx_ok(&c)); /* the parent is not affected */
	sub = wire_ctx_sub(&c, 4);    /* more than is left */
	assert_int_equal(sub.error, -EBADMSG);
	assert_int_equal(c.error, -EBADMSG);
	assert_int_equal(wire_ctx_avail(&sub), 0);
	/* a reader over nothing */
	c = wire_ctx_reader(NULL, 10);
	assert_int_equal(wire_ctx_avail(&c), 0);
	assert_int_equal(wire_ctx_read_u32(&c), 0);
	assert_int_equal(c.error, -EBADMSG);
}

static void wire_ctx_sticky_write(void **state)
{
	uint8_t b[5] = { 0 };
	struct wire_ctx c = wire_ctx_writer(b, 4);
	struct wire_ctx r = wire_ctx_reader(b, 4);

	wire_ctx_write_u16(&c, 0xabcd);
	wire_ctx_write_u8(&c, 0x01);
	wire_ctx_patch_u16(&c, 0, 0x1234);
	wire_ctx_patch_u16(&c, 2, 0xffff); /* past what was written: ignored */
	wire_ctx_write_u16(&c, 0x5678);	   /* does not fit */
	assert_int_equal(c.error, -ENOSPC);
	wire_ctx_write_u8(&c, 0x02); /* would fit, but the error is sticky */
	assert_int_equal(c.pos, 3);
	assert_memory_equal(b, "\x12\x34\x01\x00\x00", 5);
	/* a reader cannot write */
	wire_ctx_write_u8(&r, 1);
	assert_int_equal(r.error, -EINVAL);
	assert_int_equal(b[0], 0x12);
}

static void wire_names_tables(void **state)
{
	/* payloads: RFC notation and long names, both versions in one table */
	assert_string_equal(wire_payload_name(WIRE_PLV2_SA), "SA");
	assert_string_equal(wire_payload_name(WIRE_PLV2_NONCE), "No");
	assert_string_equal(wire_payload_name(WIRE_PLV2_SKF), "SKF");
	assert_string_equal(wire_payload_name(WIRE_PLV1_NAT_D), "NAT-D");
	assert_string_equal(wire_payload_long_name(WIRE_PLV2_SK), "Encrypted and Authenticated");
	assert_string_equal(wire_payload_long_name(WIRE_PLV1_SA), "Security Association");
	assert_null(wire_payload_name(0));
	assert_null(wire_payload_name(22));
	assert_null(wire_payload_name(54));
	assert_null(wire_payload_name(255));
	/* exchanges */
	assert_string_equal(wire_exchange_name(2, WIRE_EX2_IKE_SA_INIT), "IKE_SA_INIT");
	assert_string_equal(wire_exchange_name(2, 37), "INFORMATIONAL");
	assert_string_equal(wire_exchange_name(1, WIRE_EX1_MAIN), "MAIN_MODE");
	assert_string_equal(wire_exchange_name(1, 32), "QUICK_MODE");
	assert_null(wire_exchange_name(1, 34));
	assert_null(wire_exchange_name(3, 34));
	/* notify numbers mean different things per version */
	assert_string_equal(wire_notify_name(2, 7), "INVALID_SYNTAX");
	assert_string_equal(wire_notify_name(1, 7), "INVALID_EXCHANGE_TYPE");
	assert_string_equal(wire_notify_name(2, 16388), "NAT_DETECTION_SOURCE_IP");
	assert_string_equal(wire_notify_name(1, 24578), "INITIAL_CONTACT");
	assert_string_equal(wire_notify_name(2, WIRE_N2_COOKIE), "COOKIE");
	assert_string_equal(wire_notify_name(1, WIRE_N1_R_U_THERE_ACK), "R_U_THERE_ACK");
	assert_int_equal(WIRE_N1_R_U_THERE, 36136);
	assert_int_equal(WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, 16430);
	assert_null(wire_notify_name(2, 2));
	/* transforms */
	assert_string_equal(wire_transform_type_name(WIRE_TT_KE), "KE");
	assert_string_equal(wire_transform_id_name(WIRE_TT_ENCR, 20), "AES_GCM_16");
	assert_string_equal(wire_transform_id_name(WIRE_TT_ENCR, 28), "CHACHA20_POLY1305");
	assert_string_equal(wire_transform_id_name(WIRE_TT_PRF, 5), "PRF_HMAC_SHA2_256");
	assert_string_equal(wire_transform_id_name(WIRE_TT_INTEG, 12), "AUTH_HMAC_SHA2_256_128");
	assert_string_equal(wire_transform_id_name(WIRE_TT_KE, 31), "CURVE_25519");
	assert_string_equal(wire_transform_id_name(WIRE_TT_KE, 14), "MODP_2048");
	assert_string_equal(wire_transform_id_name(WIRE_TT_ESN, 1), "ESN");
	assert_null(wire_transform_id_name(WIRE_TT_ENCR, 17));
	assert_null(wire_transform_id_name(6, 1));
	/* IKEv1 attribute classes */
	assert_string_equal(wire_v1_ike_attr_name(WIRE_V1A_LIFE_DURATION), "Life Duration");
	assert_string_equal(wire_v1_ike_attr_name(4), "Group Description");
	assert_string_equal(wire_v1_ipsec_attr_name(WIRE_V1P_ENCAP_MODE), "Encapsulation Mode");
	assert_null(wire_v1_ike_attr_name(17));
}

static void wire_names_err_str(void **state)
{
	struct wire_err err;
	char text[160], tiny[12];
	uint8_t *m = dup_exact(golden_v2_init_req, 318);

	m[V2REQ_N_NATD_D] = 99;
	m[V2REQ_N_FRAG + 1] = 0x80;
	assert_int_equal(wire_decode(&test_msg, m, 318, &err), -EBADMSG);
	assert_string_equal(wire_err_str(&err, text, sizeof(text)),
			    "UNSUPPORTED_CRITICAL_PAYLOAD: payload type 99 at offset 276: "
			    "unknown payload type marked critical");
	assert_string_equal(wire_err_str(&err, tiny, sizeof(tiny)), "UNSUPPORTED");
	m[V2REQ_N_FRAG + 1] = 0;
	put16(m + V2REQ_P1 + 2, 7);
	assert_int_equal(wire_decode(&test_msg, m, 318, &err), -EBADMSG);
	assert_string_equal(wire_err_str(&err, text, sizeof(text)),
			    "INVALID_SYNTAX: SA at offset 36: proposal length below 8");
	free(m);
	assert_int_equal(wire_decode(&test_msg, golden_v1_mm1, 27, &err), -EBADMSG);
	assert_string_equal(
		wire_err_str(&err, text, sizeof(text)),
		"PAYLOAD_MALFORMED: header at offset 0: message shorter than the header");
}

static void wire_names_msg_str(void **state)
{
	struct wire_err err;
	char text[256], tiny[16];

	assert_int_equal(wire_decode(&test_msg, golden_v2_init_req, 318, &err), 0);
	assert_string_equal(wire_msg_str(&test_msg, text, sizeof(text)),
			    "IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) "
			    "N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) "
			    "N(SIGNATURE_HASH_ALGORITHMS) V ]");
	assert_string_equal(wire_msg_str(&test_msg, tiny, sizeof(tiny)), "IKE_SA_INIT req");
	assert_int_equal(wire_decode(&test_msg, golden_v1_mm3, 422, &err), 0);
	assert_string_equal(wire_msg_str(&test_msg, text, sizeof(text)),
			    "MAIN_MODE 0 [ KE NONCE CR NAT-D NAT-D ]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_ctx_sticky_read), cmocka_unit_test(wire_ctx_sticky_write),
		cmocka_unit_test(wire_names_tables),	cmocka_unit_test(wire_names_err_str),
		cmocka_unit_test(wire_names_msg_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
