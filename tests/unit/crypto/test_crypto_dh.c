/* Diffie-Hellman tests: RFC 5903 section 8 (groups 19, 20, 21) and RFC 7748 section 6.1
 * (X25519) known answers through fixed private keys; MODP agreement between two parties and
 * rejection of invalid peer values (0, 1, p-1, p, off-curve points, wrong lengths).
 */
#include "crypto_test.h"
#include "ike_crypto_test.h"

struct kat {
	uint16_t group;
	const char *i, *gi, *r, *gr, *shared;
};

/* RFC 5903 section 8: i, g^i = gix | giy, r, g^r = grx | gry, g^ir = girx. */
static const struct kat ecp_kats[] = {
	{ WIRE_KE_ECP256, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	  "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	  "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	  "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	  "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	  "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	  "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE" },
	{ WIRE_KE_ECP384,
	  "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	  "E35B538041E649EE3FAEF896783AB194",
	  "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	  "DE3AC808ACB4BDB4C88732AEE95F41AA"
	  "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
	  "EB9FCFF3C2C947DAE69B4C634573A81C",
	  "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	  "E0308312916B8ED2960E4BD55A7448FC",
	  "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	  "0D1AC43A0336DEF96FDA41D0774A3571"
	  "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
	  "F83FA40142209DFF5EAAD96DB9E6386C",
	  "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	  "D603135569B9E9D09CF5D4A270F59746" },
	{ WIRE_KE_ECP521,
	  "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
	  "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D"
	  "4A52",
	  "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBE"
	  "E1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176C"
	  "ED3E"
	  "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10A"
	  "D8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F"
	  "9582",
	  "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E"
	  "9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB15168"
	  "5EB9",
	  "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A21"
	  "9B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9"
	  "460F"
	  "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87"
	  "220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0F"
	  "C56A",
	  "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04"
	  "D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3"
	  "DDEA" },
	/* RFC 7748 section 6.1: Alice's and Bob's keys and K */
	{ WIRE_KE_CURVE25519, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
};

static void run_kat(const struct kat *k)
{
	uint8_t priv[80], pub[200], peer[200];
	struct ike_dh *a = NULL, *b = NULL;
	struct ike_secret s = { 0 };
	size_t plen, len;

	plen = unhex(k->i, priv, sizeof(priv));
	assert_int_equal(ike_dh_new_from_private(k->group, priv, plen, &a), 0);
	plen = unhex(k->r, priv, sizeof(priv));
	assert_int_equal(ike_dh_new_from_private(k->group, priv, plen, &b), 0);
	assert_int_equal(ike_dh_group(a), k->group);

	/* the KE payload data of each side */
	assert_int_equal(ike_dh_public(a, pub, sizeof(pub), &len), 0);
	assert_int_equal(len, ike_dh_public_len(k->group));
	assert_hex_equal(pub, len, k->gi);
	assert_int_equal(ike_dh_public(b, pub, sizeof(pub), &len), 0);
	assert_hex_equal(pub, len, k->gr);

	/* initiator with the RFC's g^r, responder with the RFC's g^i */
	len = unhex(k->gr, peer, sizeof(peer));
	assert_int_equal(ike_dh_derive(a, peer, len, &s), 0);
	assert_hex_equal(s.ptr, s.len, k->shared);
	len = unhex(k->gi, peer, sizeof(peer));
	assert_int_equal(ike_dh_derive(b, peer, len, &s), 0);
	assert_hex_equal(s.ptr, s.len, k->shared);

	ike_secret_free(&s);
	ike_dh_free(a);
	ike_dh_free(b);
}

static void test_ecp_rfc5903(void **state)
{
	for (int i = 0; i < 3; i++)
		run_kat(&ecp_kats[i]);
}

static void test_x25519_rfc7748(void **state)
{
	run_kat(&ecp_kats[3]);
}

static void test_lengths(void **state)
{
	static const struct {
		uint16_t group;
		size_t len;
	} groups[] = {
		{ 2, 128 }, { 5, 192 }, { 14, 256 }, { 15, 384 }, { 16, 512 },
		{ 19, 64 }, { 20, 96 }, { 21, 132 }, { 31, 32 },
	};
	struct ike_dh *dh = NULL;

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		assert_true(ike_dh_supported(groups[i].group));
		assert_int_equal(ike_dh_public_len(groups[i].group), groups[i].len);
	}
	for (uint16_t g = 0; g < 40; g++) {
		bool listed = false;

		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			listed |= groups[i].group == g;
		if (listed)
			continue;
		assert_false(ike_dh_supported(g));
		assert_int_equal(ike_dh_public_len(g), 0);
		assert_int_equal(ike_dh_new(g, &dh), -EOPNOTSUPP);
	}
	ike_dh_free(NULL);
}

/* Two fresh parties agree; the secret has the length the RFCs fix. */
static void agree(uint16_t group)
{
	struct ike_dh *a = NULL, *b = NULL;
	struct ike_secret sa = { 0 }, sb = { 0 };
	uint8_t pa[512], pb[512], small[8];
	size_t la, lb, want = ike_dh_public_len(group);

	assert_int_equal(ike_dh_new(group, &a), 0);
	assert_int_equal(ike_dh_new(group, &b), 0);
	assert_int_equal(ike_dh_public(a, small, sizeof(small), &la), -ENOBUFS);
	assert_int_equal(ike_dh_public(a, pa, sizeof(pa), &la), 0);
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), &lb), 0);
	assert_int_equal(la, want);
	assert_int_equal(lb, want);
	assert_memory_not_equal(pa, pb, la);
	assert_int_equal(ike_dh_derive(a, pb, lb, &sa), 0);
	assert_int_equal(ike_dh_derive(b, pa, la, &sb), 0);
	assert_int_equal(sa.len, group >= 19 && group <= 21 ? want / 2 : want);
	assert_int_equal(sa.len, sb.len);
	assert_memory_equal(sa.ptr, sb.ptr, sa.len);
	/* wrong lengths */
	assert_int_equal(ike_dh_derive(a, pb, lb - 1, &sa), -EBADMSG);
	assert_int_equal(ike_dh_derive(a, pb, 0, &sa), -EBADMSG);
	ike_secret_free(&sa);
	ike_secret_free(&sb);
	ike_dh_free(a);
	ike_dh_free(b);
}

static void test_agree_modp(void **state)
{
	for (int round = 0; round < 3; round++) {
		agree(WIRE_KE_MODP1024);
		agree(WIRE_KE_MODP2048);
	}
	agree(WIRE_KE_MODP1536);
	agree(WIRE_KE_MODP3072);
	agree(WIRE_KE_MODP4096);
}

static void test_agree_ec(void **state)
{
	agree(WIRE_KE_ECP256);
	agree(WIRE_KE_ECP384);
	agree(WIRE_KE_ECP521);
	agree(WIRE_KE_CURVE25519);
}

/* 1 < y < p-1 (RFC 7296 does not say it; every implementation must, cf. RFC 2631 2.1.5). */
static void modp_invalid(uint16_t group)
{
	struct ike_dh *dh = NULL;
	struct ike_secret s = { 0 };
	size_t len = ike_dh_public_len(group);
	uint8_t *v = calloc(1, len + 1);

	assert_non_null(v);
	assert_int_equal(ike_dh_new(group, &dh), 0);

	assert_int_equal(ike_dh_derive(dh, v, len, &s), -EBADMSG); /* 0 */
	v[len - 1] = 1;
	assert_int_equal(ike_dh_derive(dh, v, len, &s), -EBADMSG); /* 1 */
	memset(v, 0xff, len);
	assert_int_equal(ike_dh_derive(dh, v, len, &s), -EBADMSG); /* 2^n - 1 > p */
	assert_int_equal(ike_dh_derive(dh, v, len + 1, &s), -EBADMSG);
	assert_int_equal(ike_dh_derive(dh, v, len - 1, &s), -EBADMSG);
	assert_null(s.ptr);
	free(v);
	ike_dh_free(dh);
}

/* p - 1 and p, built from the prime of group 2 (RFC 2409 6.2). */
static void test_modp_invalid(void **state)
{
	static const char p1024[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
				    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
				    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
				    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
				    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
				    "FFFFFFFFFFFFFFFF";
	struct ike_dh *dh = NULL;
	struct ike_secret s = { 0 };
	uint8_t v[128];

	modp_invalid(WIRE_KE_MODP1024);
	modp_invalid(WIRE_KE_MODP2048);
	modp_invalid(WIRE_KE_MODP1536);

	assert_int_equal(ike_dh_new(WIRE_KE_MODP1024, &dh), 0);
	assert_int_equal(unhex(p1024, v, sizeof(v)), 128);
	assert_int_equal(ike_dh_derive(dh, v, 128, &s), -EBADMSG); /* p */
	v[127] = 0xfe;
	assert_int_equal(ike_dh_derive(dh, v, 128, &s), -EBADMSG); /* p - 1 */
	v[127] = 0xfd;
	/* p - 2 = -2 mod p: in range but not in the order-q subgroup for these primes */
	assert_int_equal(ike_dh_derive(dh, v, 128, &s), -EBADMSG);
	/* 2 = g itself is a valid public value */
	memset(v, 0, sizeof(v));
	v[127] = 2;
	assert_int_equal(ike_dh_derive(dh, v, 128, &s), 0);
	assert_int_equal(s.len, 128);
	ike_secret_free(&s);
	ike_dh_free(dh);
}

/* A point off the curve, the point at infinity encoded as zeros, wrong lengths. */
static void test_ecp_invalid(void **state)
{
	static const uint16_t groups[] = { WIRE_KE_ECP256, WIRE_KE_ECP384, WIRE_KE_ECP521 };
	struct ike_secret s = { 0 };
	uint8_t pub[140];
	size_t len;

	for (size_t i = 0; i < 3; i++) {
		struct ike_dh *a = NULL, *b = NULL;

		assert_int_equal(ike_dh_new(groups[i], &a), 0);
		assert_int_equal(ike_dh_new(groups[i], &b), 0);
		assert_int_equal(ike_dh_public(b, pub, sizeof(pub), &len), 0);
		pub[len - 1] ^= 1; /* y changed: not on the curve */
		assert_int_equal(ike_dh_derive(a, pub, len, &s), -EBADMSG);
		memset(pub, 0, len);
		assert_int_equal(ike_dh_derive(a, pub, len, &s), -EBADMSG);
		assert_int_equal(ike_dh_derive(a, pub, len - 1, &s), -EBADMSG);
		assert_int_equal(ike_dh_derive(a, pub, len + 1, &s), -EBADMSG);
		assert_null(s.ptr);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

/* X25519: a small-order peer point (here 0) gives an all-zero secret, which is refused. */
static void test_x25519_invalid(void **state)
{
	struct ike_dh *a = NULL;
	struct ike_secret s = { 0 };
	uint8_t zero[32] = { 0 }, one[32] = { 1 };

	assert_int_equal(ike_dh_new(WIRE_KE_CURVE25519, &a), 0);
	assert_int_equal(ike_dh_derive(a, zero, sizeof(zero), &s), -EBADMSG);
	assert_int_equal(ike_dh_derive(a, one, sizeof(one), &s), -EBADMSG);
	assert_int_equal(ike_dh_derive(a, zero, 31, &s), -EBADMSG);
	assert_null(s.ptr);
	ike_dh_free(a);
}

int crypto_test_dh(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths),	       cmocka_unit_test(test_ecp_rfc5903),
		cmocka_unit_test(test_x25519_rfc7748), cmocka_unit_test(test_agree_modp),
		cmocka_unit_test(test_agree_ec),       cmocka_unit_test(test_modp_invalid),
		cmocka_unit_test(test_ecp_invalid),    cmocka_unit_test(test_x25519_invalid),
	};

	return cmocka_run_group_tests_name("crypto_dh", tests, NULL, NULL);
}
