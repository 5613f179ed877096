/* IKEv2 key derivation tests against values computed independently by gen_vectors.py (Python
 * hmac/hashlib, following RFC 7296 2.13-2.18 literally): SKEYSEED and SK_* for a CBC and an
 * AEAD suite, IKE SA rekey with a PRF change, CHILD_SA KEYMAT with and without PFS, the PSK
 * AUTH value and the signed octets.
 */
#include "crypto_test.h"

/* The inputs gen_vectors.py uses: Ni = 00..1f, Nr = 40..5f, g^ir[i] = 7i + 3, SPIs. */
static uint8_t ni[32], nr[32];
static struct ike_secret gir;
static const uint8_t spii[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spir[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };

static int setup(void **state)
{
	for (int i = 0; i < 32; i++) {
		ni[i] = (uint8_t)i;
		nr[i] = (uint8_t)(0x40 + i);
	}
	if (ike_secret_alloc(&gir, 256) < 0)
		return -1;
	for (int i = 0; i < 256; i++)
		gir.ptr[i] = (uint8_t)(i * 7 + 3);
	return 0;
}

static int teardown(void **state)
{
	ike_secret_free(&gir);
	return 0;
}

static const char sk_d_cbc[] = "92a42fd2ebff92d27dd9260c81ee44d9c9548df02af10cbba4266c89b2adf2bd";

static void test_derive_cbc(void **state)
{
	static const struct ike_sk_suite s = { WIRE_ENCR_AES_CBC, 256,
					       WIRE_INTEG_HMAC_SHA2_256_128 };
	struct ike_v2_keys k = { 0 };

	assert_int_equal(
		ike_v2_derive(WIRE_PRF_HMAC_SHA2_256, &s, ni, 32, nr, 32, &gir, spii, spir, &k), 0);
	assert_hex_equal(k.d.ptr, k.d.len, sk_d_cbc);
	assert_hex_equal(k.ai.ptr, k.ai.len,
			 "295a3c256da1f74cbccc03ce3a436b44411f1b58663de3dcbee7e8247caf4d47");
	assert_hex_equal(k.ar.ptr, k.ar.len,
			 "1e91c974097caf91db882d9a360f134d9c27b8c961d50976456abf1ff1d020da");
	assert_hex_equal(k.ei.ptr, k.ei.len,
			 "004a312aa49e1b6b7cc01eddf41630d2f946b3a2896275d73443abdeab222ec0");
	assert_hex_equal(k.er.ptr, k.er.len,
			 "cde550e2b3b3d461a054d1884b1a6bc7f0a6b201b6b7a8a275346ece1be2d6d2");
	assert_hex_equal(k.pi.ptr, k.pi.len,
			 "80ba0f111cacdb6d857fcb7353d6be8836f84a6cf36cadea708cd99be81a5f72");
	assert_hex_equal(k.pr.ptr, k.pr.len,
			 "339af5cca1bc69d97df586ba70eb2710e5259f51564140eff9a79cce15cc8571");
	/* deriving again into the same keys replaces them */
	assert_int_equal(
		ike_v2_derive(WIRE_PRF_HMAC_SHA2_256, &s, ni, 32, nr, 32, &gir, spii, spir, &k), 0);
	assert_hex_equal(k.d.ptr, k.d.len, sk_d_cbc);
	ike_v2_keys_free(&k);
	ike_v2_keys_free(&k);
	ike_v2_keys_free(NULL);
}

static void test_derive_aead(void **state)
{
	static const struct ike_sk_suite s = { WIRE_ENCR_AES_GCM_16, 256, WIRE_INTEG_NONE };
	struct ike_v2_keys k = { 0 };

	assert_int_equal(
		ike_v2_derive(WIRE_PRF_HMAC_SHA2_384, &s, ni, 32, nr, 32, &gir, spii, spir, &k), 0);
	assert_hex_equal(k.d.ptr, k.d.len,
			 "05f166c9e52e3e1103deec6d3cca03694833120216c5af8eb0d25c9aa95d0e89"
			 "a6dfbacb9810bce5af857e18f57fc1b9");
	assert_int_equal(k.ai.len, 0);
	assert_null(k.ai.ptr);
	assert_int_equal(k.ar.len, 0);
	assert_hex_equal(
		k.ei.ptr, k.ei.len,
		"62831e6fce06c38290991ce88a567dc9d048e080b2da0cde8931aab72d12a06a0a99254d");
	assert_hex_equal(
		k.er.ptr, k.er.len,
		"1cb5a73d85f5133fa9ee4333af0d60c3089ede3a2a1fd015a1f7d5222ceb6932ed651951");
	assert_hex_equal(k.pi.ptr, k.pi.len,
			 "88942727ffc0137c7af0c59e80e9f3fab2ba1cf32d538c10cf050397b4a1797e"
			 "4a34c81b772c528bccae5dc6be0eafd3");
	assert_hex_equal(k.pr.ptr, k.pr.len,
			 "9a8116af239ea9586e3372f67b707afddfcc1333227a1293492704be90ea421d"
			 "91e202b924801429bf271c50ab7e1d9b");
	ike_v2_keys_free(&k);
}

/* Old SA: PRF HMAC-SHA1, SK_d = 0x5a * 20; new SA: PRF HMAC-SHA2-256, AES-GCM-16-128. */
static void test_derive_rekey(void **state)
{
	static const struct ike_sk_suite s = { WIRE_ENCR_AES_GCM_16, 128, WIRE_INTEG_NONE };
	struct ike_v2_keys k = { 0 };
	struct ike_secret old_d = { 0 };
	uint8_t d[20];

	memset(d, 0x5a, sizeof(d));
	assert_int_equal(ike_secret_set(&old_d, d, sizeof(d)), 0);
	assert_int_equal(ike_v2_derive_rekey(WIRE_PRF_HMAC_SHA1, &old_d, WIRE_PRF_HMAC_SHA2_256, &s,
					     &gir, ni, 32, nr, 32, spii, spir, &k),
			 0);
	assert_hex_equal(k.d.ptr, k.d.len,
			 "381f3cd9cd4c57e38a287f134859e2b863feeed295a6b13111de134d5d746638");
	assert_hex_equal(k.ei.ptr, k.ei.len, "8b086f506d84c6fcca1db5acc912ae4fe777c82a");
	assert_hex_equal(k.er.ptr, k.er.len, "e1806d7bd57dea7fde07a900a28ab93525edbe8a");
	assert_hex_equal(k.pr.ptr, k.pr.len,
			 "0e676fe81f50d1ce4ef66aead4ed0c0cf418eaa73f652dd7b1aea633d2795764");
	/* old SK_d living in the keys being replaced: same result */
	ike_v2_keys_free(&k);
	assert_int_equal(ike_secret_set(&k.d, d, sizeof(d)), 0);
	assert_int_equal(ike_v2_derive_rekey(WIRE_PRF_HMAC_SHA1, &k.d, WIRE_PRF_HMAC_SHA2_256, &s,
					     &gir, ni, 32, nr, 32, spii, spir, &k),
			 0);
	assert_hex_equal(k.d.ptr, k.d.len,
			 "381f3cd9cd4c57e38a287f134859e2b863feeed295a6b13111de134d5d746638");
	assert_int_equal(ike_v2_derive_rekey(WIRE_PRF_HMAC_SHA1, &old_d, WIRE_PRF_HMAC_SHA2_256, &s,
					     NULL, ni, 32, nr, 32, spii, spir, &k),
			 -EINVAL);
	ike_v2_keys_free(&k);
	ike_secret_free(&old_d);
}

static void test_child_keymat(void **state)
{
	struct ike_secret sk_d = { 0 }, km = { 0 };
	uint8_t d[32];

	unhex(sk_d_cbc, d, sizeof(d));
	assert_int_equal(ike_secret_set(&sk_d, d, sizeof(d)), 0);
	assert_int_equal(
		ike_v2_child_keymat(WIRE_PRF_HMAC_SHA2_256, &sk_d, NULL, ni, 32, nr, 32, 72, &km),
		0);
	assert_hex_equal(km.ptr, km.len,
			 "7b669477c6ea8a5d23c10e75cfe338d9c17bc3bf85e7a63b8c1af9713dcd0ace"
			 "ca846b05e9a279c207bba3ddf1644b3b01de22b7d7e25070436bbac69d958f25"
			 "91d80a3ab9fcf7d3");
	assert_int_equal(
		ike_v2_child_keymat(WIRE_PRF_HMAC_SHA2_256, &sk_d, &gir, ni, 32, nr, 32, 72, &km),
		0);
	assert_hex_equal(km.ptr, km.len,
			 "dce3ebfe697d36f1af45ea451680209b311a2f7255c847f70abbeb244240a721"
			 "768deef273cf661fa045a75ab524993ebd127e646bcfd2485024d31dff2e45a8"
			 "cfeafbd20eb335f2");
	assert_int_equal(ike_v2_child_keymat(WIRE_PRF_HMAC_SHA2_256, &sk_d, NULL, ni, 32, nr, 32,
					     255 * 32 + 1, &km),
			 -EINVAL);
	ike_secret_free(&km);
	ike_secret_free(&sk_d);
}

static void test_psk_auth(void **state)
{
	uint8_t octets[100], out[64];

	for (int i = 0; i < 100; i++)
		octets[i] = (uint8_t)i;
	assert_int_equal(ike_v2_psk_auth(WIRE_PRF_HMAC_SHA2_256, "correct horse", 13, octets,
					 sizeof(octets), out),
			 0);
	assert_hex_equal(out, 32,
			 "5086e5f0905d201b099db8a9ad3a7ce01ffb6c19273dc74158c32bdc59dbe2f4");
	assert_int_equal(ike_v2_psk_auth(WIRE_PRF_HMAC_SHA1, "correct horse", 13, octets,
					 sizeof(octets), out),
			 0);
	assert_hex_equal(out, 20, "cdcfcac8eb207591e2006004545bd80a0821d4d0");
	assert_int_equal(ike_v2_psk_auth(WIRE_PRF_AES128_XCBC, "x", 1, octets, 1, out),
			 -EOPNOTSUPP);
}

/* msg = 00..3b (60 bytes), nonce = Nr, SK_p = 0x33 * 32, IDx' = ID_IPV4_ADDR 192.0.2.1. */
static void test_signed_octets(void **state)
{
	static const uint8_t id[] = { 1, 0, 0, 0, 192, 0, 2, 1 };
	struct ike_secret sk_p = { 0 }, o = { 0 };
	uint8_t msg[60], p[32];

	for (int i = 0; i < 60; i++)
		msg[i] = (uint8_t)i;
	memset(p, 0x33, sizeof(p));
	assert_int_equal(ike_secret_set(&sk_p, p, sizeof(p)), 0);
	assert_int_equal(ike_v2_signed_octets(WIRE_PRF_HMAC_SHA2_256, &sk_p, msg, sizeof(msg), nr,
					      sizeof(nr), id, sizeof(id), &o),
			 0);
	assert_int_equal(o.len, 60 + 32 + 32);
	assert_memory_equal(o.ptr, msg, 60);
	assert_memory_equal(o.ptr + 60, nr, 32);
	assert_hex_equal(o.ptr + 92, 32,
			 "c15ef53ee3a9620c1e5814051a22ebc297a1353e2b2e91866cb48438fd4d4ef7");
	ike_secret_free(&o);
	ike_secret_free(&sk_p);
}

/* Both ends of a real exchange: the same DH secret through ike_v2_derive gives equal keys. */
static void test_derive_from_dh(void **state)
{
	static const struct ike_sk_suite s = { WIRE_ENCR_CHACHA20_POLY1305, 256, WIRE_INTEG_NONE };
	struct ike_dh *a = NULL, *b = NULL;
	struct ike_secret ga = { 0 }, gb = { 0 };
	struct ike_v2_keys ka = { 0 }, kb = { 0 };
	uint8_t pa[32], pb[32];
	size_t len;

	assert_int_equal(ike_dh_new(WIRE_KE_CURVE25519, &a), 0);
	assert_int_equal(ike_dh_new(WIRE_KE_CURVE25519, &b), 0);
	assert_int_equal(ike_dh_public(a, pa, sizeof(pa), &len), 0);
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), &len), 0);
	assert_int_equal(ike_dh_derive(a, pb, 32, &ga), 0);
	assert_int_equal(ike_dh_derive(b, pa, 32, &gb), 0);
	assert_int_equal(
		ike_v2_derive(WIRE_PRF_HMAC_SHA2_512, &s, ni, 32, nr, 32, &ga, spii, spir, &ka), 0);
	assert_int_equal(
		ike_v2_derive(WIRE_PRF_HMAC_SHA2_512, &s, ni, 32, nr, 32, &gb, spii, spir, &kb), 0);
	assert_int_equal(ka.ei.len, 36);
	assert_int_equal(ka.d.len, 64);
	assert_memory_equal(ka.ei.ptr, kb.ei.ptr, 36);
	assert_memory_equal(ka.pr.ptr, kb.pr.ptr, 64);
	ike_v2_keys_free(&ka);
	ike_v2_keys_free(&kb);
	ike_secret_free(&ga);
	ike_secret_free(&gb);
	ike_dh_free(a);
	ike_dh_free(b);
}

int crypto_test_kdf(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_cbc),     cmocka_unit_test(test_derive_aead),
		cmocka_unit_test(test_derive_rekey),   cmocka_unit_test(test_child_keymat),
		cmocka_unit_test(test_psk_auth),       cmocka_unit_test(test_signed_octets),
		cmocka_unit_test(test_derive_from_dh),
	};

	return cmocka_run_group_tests_name("crypto_kdf", tests, setup, teardown);
}
