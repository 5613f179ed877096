/* PRF, integrity and prf+ tests: RFC 2202 (HMAC-MD5/SHA1), RFC 4231 (HMAC-SHA2) and RFC 4868
 * 2.7.2 (HMAC-SHA2 with full-length keys, the truncated ICVs) known answers; prf+ against its
 * definition and against a vector from gen_vectors.py.
 */
#include "crypto_test.h"

struct hmac_case {
	const char *key, *data; /* key in hex; data as text, or hex when it starts with "0x" */
	const char *md5, *sha1;
	const char *sha256, *sha384, *sha512;
};

static size_t case_bytes(const char *s, uint8_t *out, size_t size)
{
	if (!strncmp(s, "0x", 2))
		return unhex(s + 2, out, size);
	assert_true(strlen(s) <= size);
	memcpy(out, s, strlen(s));
	return strlen(s);
}

static void repeat(char *hex, const char *byte, int n)
{
	hex[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(hex, byte);
}

/* RFC 2202 sections 2 and 3: the same seven cases for MD5 (16-byte keys) and SHA1 (20). */
static void test_rfc2202(void **state)
{
	static const char *md5[] = {
		"9294727a3638bb1c13f48ef8158bfc9d", "750c783e6ab0b503eaa86e310a5db738",
		"56be34521d144c88dbb8c733f0e8b3f6", "697eaf0aca3a3aea3a75164746ffaa79",
		"56461ef2342edc00f9bab995690efd4c", "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
		"6f630fad67cda0ee1fb1f562db3aa53e",
	};
	static const char *sha1[] = {
		"b617318655057264e28bc0b6fb378c8ef146be00",
		"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
		"125d7342b9ac11cd91a39af48aa17b4f63f175d3",
		"4c9007f4026250c6bc8414f9bf50c86c2d7235da",
		"4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
		"aa4ae5e15272d00e95705637ce8a3b55ed402112",
		"e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
	};
	static const char *data[] = {
		"Hi There",
		"what do ya want for nothing?",
		"0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
		"dddddddddddddddddddd",
		"0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
		"cdcdcdcdcdcdcdcdcdcd",
		"Test With Truncation",
		"Test Using Larger Than Block-Size Key - Hash Key First",
		"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
	};
	uint8_t key[128], msg[128], out[64];
	char hex[400];

	for (int alg = 0; alg < 2; alg++) {
		uint16_t prf = alg ? WIRE_PRF_HMAC_SHA1 : WIRE_PRF_HMAC_MD5;
		int kl = alg ? 20 : 16;

		for (int i = 0; i < 7; i++) {
			size_t klen, dlen;

			if (i == 0)
				repeat(hex, "0b", kl);
			else if (i == 1)
				strcpy(hex, "4a656665"); /* "Jefe" */
			else if (i == 2)
				repeat(hex, "aa", kl);
			else if (i == 3)
				strcpy(hex, "0102030405060708090a0b0c0d0e0f10111213141516171819");
			else if (i == 4)
				repeat(hex, "0c", kl);
			else
				repeat(hex, "aa", 80);
			klen = unhex(hex, key, sizeof(key));
			dlen = case_bytes(data[i], msg, sizeof(msg));
			assert_int_equal(ike_prf(prf, key, klen, msg, dlen, out), 0);
			assert_hex_equal(out, ike_prf_len(prf), alg ? sha1[i] : md5[i]);
		}
	}
}

/* RFC 4231 section 4: test cases 1-7 for HMAC-SHA-256/384/512 (case 5 is truncated). */
static void test_rfc4231(void **state)
{
	static const struct hmac_case cases[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", NULL, NULL,
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		  "faea9ea9076ede7f4af152e8b2fa9cb6",
		  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
		{ "4a656665", "what do ya want for nothing?", NULL, NULL,
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		  "8e2240ca5e69e2c78b3239ecfab21649",
		  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
		  "dddddddddddddddddddddddddddddddddd",
		  NULL, NULL, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
		  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
		  "2a5ab39dc13814b94e3ab6e101a34f27",
		  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
		  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  NULL, NULL, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
		  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
		  "6801dd23c4a7d679ccf8a386c674cffb",
		  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
		  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
		{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "Test With Truncation", NULL, NULL,
		  "a3b6167473100ee06e0c796c2955552b", "3abf34c3503b2a23a46efc619baef897",
		  "415fad6271580a531d4179bc891d87a6" },
		{ NULL, "Test Using Larger Than Block-Size Key - Hash Key First", NULL, NULL,
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
		  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
		  "0c2ef6ab4030fe8296248df163f44952",
		  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
		  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
		{ NULL,
		  "This is a test using a larger than block-size key and a larger than block-size "
		  "data. The key needs to be hashed before being used by the HMAC algorithm.",
		  NULL, NULL, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
		  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
		  "a678cc31e799176d3860e6110c46523e",
		  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
		  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
	};
	static const uint16_t prfs[] = { WIRE_PRF_HMAC_SHA2_256, WIRE_PRF_HMAC_SHA2_384,
					 WIRE_PRF_HMAC_SHA2_512 };
	uint8_t key[160], msg[200], out[64];
	char hex[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hmac_case *c = &cases[i];
		const char *want[] = { c->sha256, c->sha384, c->sha512 };
		size_t klen, dlen;

		if (c->key) {
			klen = unhex(c->key, key, sizeof(key));
		} else {
			repeat(hex, "aa", 131);
			klen = unhex(hex, key, sizeof(key));
		}
		dlen = case_bytes(c->data, msg, sizeof(msg));
		for (int a = 0; a < 3; a++) {
			size_t want_len = strlen(want[a]) / 2;

			assert_int_equal(ike_prf(prfs[a], key, klen, msg, dlen, out), 0);
			/* case 5 gives only the first 128 bits */
			assert_true(want_len <= ike_prf_len(prfs[a]));
			assert_hex_equal(out, want_len, want[a]);
		}
	}
}

/*
 * ike_integ: truncated ICVs with keys of the transform's length. MD5/SHA1: RFC 2202 cases
 * 1, 3, 5 (HMAC-MD5-96 and HMAC-SHA1-96 are their first 96 bits, RFC 2403/2404); SHA2:
 * RFC 4868 2.7.2 test case 1 (key 0x0b repeated to the key length, "Hi There").
 */
static void test_integ(void **state)
{
	static const struct {
		uint16_t integ;
		const char *key_byte, *data, *icv;
	} cases[] = {
		{ WIRE_INTEG_HMAC_MD5_96, "0b", "Hi There", "9294727a3638bb1c13f48ef8" },
		{ WIRE_INTEG_HMAC_MD5_96, "aa",
		  "0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
		  "dddddddddddddddddddddddddddddddddd",
		  "56be34521d144c88dbb8c733" },
		{ WIRE_INTEG_HMAC_MD5_96, "0c", "Test With Truncation",
		  "56461ef2342edc00f9bab995" },
		{ WIRE_INTEG_HMAC_SHA1_96, "0b", "Hi There", "b617318655057264e28bc0b6" },
		{ WIRE_INTEG_HMAC_SHA1_96, "aa",
		  "0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
		  "dddddddddddddddddddddddddddddddddd",
		  "125d7342b9ac11cd91a39af4" },
		{ WIRE_INTEG_HMAC_SHA1_96, "0c", "Test With Truncation",
		  "4c1a03424b55e07fe7f27be1" },
		{ WIRE_INTEG_HMAC_SHA2_256_128, "0b", "Hi There",
		  "198a607eb44bfbc69903a0f1cf2bbdc5" },
		{ WIRE_INTEG_HMAC_SHA2_384_192, "0b", "Hi There",
		  "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973" },
		{ WIRE_INTEG_HMAC_SHA2_512_256, "0b", "Hi There",
		  "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8" },
	};
	uint8_t key[64], msg[64], icv[40];
	char hex[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t klen = ike_integ_keylen(cases[i].integ), dlen;

		repeat(hex, cases[i].key_byte, (int)klen);
		assert_int_equal(unhex(hex, key, sizeof(key)), klen);
		dlen = case_bytes(cases[i].data, msg, sizeof(msg));
		memset(icv, 0xee, sizeof(icv));
		assert_int_equal(ike_integ(cases[i].integ, key, msg, dlen, icv), 0);
		assert_hex_equal(icv, ike_integ_icvlen(cases[i].integ), cases[i].icv);
		/* exactly icvlen bytes written */
		assert_int_equal(icv[ike_integ_icvlen(cases[i].integ)], 0xee);
	}
}

static void test_lengths(void **state)
{
	static const struct {
		uint16_t integ;
		size_t key, icv;
	} integs[] = {
		{ WIRE_INTEG_HMAC_MD5_96, 16, 12 },	  { WIRE_INTEG_HMAC_SHA1_96, 20, 12 },
		{ WIRE_INTEG_HMAC_SHA2_256_128, 32, 16 }, { WIRE_INTEG_HMAC_SHA2_384_192, 48, 24 },
		{ WIRE_INTEG_HMAC_SHA2_512_256, 64, 32 },
	};
	uint8_t out[64];

	assert_int_equal(ike_prf_len(WIRE_PRF_HMAC_MD5), 16);
	assert_int_equal(ike_prf_len(WIRE_PRF_HMAC_SHA1), 20);
	assert_int_equal(ike_prf_len(WIRE_PRF_HMAC_SHA2_256), 32);
	assert_int_equal(ike_prf_len(WIRE_PRF_HMAC_SHA2_384), 48);
	assert_int_equal(ike_prf_len(WIRE_PRF_HMAC_SHA2_512), 64);
	assert_false(ike_prf_supported(WIRE_PRF_AES128_XCBC));
	assert_int_equal(ike_prf_len(WIRE_PRF_AES128_XCBC), 0);
	assert_int_equal(ike_prf(WIRE_PRF_AES128_CMAC, "k", 1, "d", 1, out), -EOPNOTSUPP);
	for (size_t i = 0; i < sizeof(integs) / sizeof(integs[0]); i++) {
		assert_true(ike_integ_supported(integs[i].integ));
		assert_int_equal(ike_integ_keylen(integs[i].integ), integs[i].key);
		assert_int_equal(ike_esp_integ_keylen(integs[i].integ), integs[i].key);
		assert_int_equal(ike_integ_icvlen(integs[i].integ), integs[i].icv);
	}
	assert_false(ike_integ_supported(WIRE_INTEG_NONE));
	assert_false(ike_integ_supported(WIRE_INTEG_AES_XCBC_96));
	assert_int_equal(ike_integ(WIRE_INTEG_AES_XCBC_96, out, "d", 1, out), -EOPNOTSUPP);
}

/* prf+ (RFC 7296 2.13) rebuilt from ike_prf: T1 = prf(K, S | 1), Tn = prf(K, Tn-1 | S | n). */
static void test_prf_plus_definition(void **state)
{
	static const uint16_t prfs[] = { WIRE_PRF_HMAC_MD5, WIRE_PRF_HMAC_SHA1,
					 WIRE_PRF_HMAC_SHA2_256, WIRE_PRF_HMAC_SHA2_384,
					 WIRE_PRF_HMAC_SHA2_512 };
	static const uint8_t key[] = "a prf+ key", seed[] = "Ni | Nr | SPIi | SPIr";
	uint8_t got[300], want[300 + 64], block[64 + sizeof(seed) + 1];

	for (size_t p = 0; p < sizeof(prfs) / sizeof(prfs[0]); p++) {
		size_t hl = ike_prf_len(prfs[p]), off = 0, blen;

		for (uint8_t n = 1; off < sizeof(got); n++) {
			blen = 0;
			if (n > 1) {
				memcpy(block, want + off - hl, hl);
				blen = hl;
			}
			memcpy(block + blen, seed, sizeof(seed));
			blen += sizeof(seed);
			block[blen++] = n;
			assert_int_equal(
				ike_prf(prfs[p], key, sizeof(key), block, blen, want + off), 0);
			off += hl;
		}
		/* every prefix length is the prefix of the full stream */
		for (size_t len = 0; len <= sizeof(got); len += 37) {
			memset(got, 0, sizeof(got));
			assert_int_equal(ike_prf_plus(prfs[p], key, sizeof(key), seed, sizeof(seed),
						      got, len),
					 0);
			assert_memory_equal(got, want, len);
		}
	}
}

/* Fixed vector from gen_vectors.py: HMAC-SHA2-256, key 0x0b * 20, seed "prf+ seed", 100 bytes. */
static void test_prf_plus_vector(void **state)
{
	uint8_t key[20], out[100];

	memset(key, 0x0b, sizeof(key));
	assert_int_equal(ike_prf_plus(WIRE_PRF_HMAC_SHA2_256, key, sizeof(key), "prf+ seed", 9, out,
				      sizeof(out)),
			 0);
	assert_hex_equal(out, sizeof(out),
			 "0e19b4dc200f2ef3a804a8d05b4c53db31e17f012ea2fece6d7107aada467c9a"
			 "c936cf26839d499e86878c871c72ea5a2ed0f8fe47eac3decbab57d6e48ea181"
			 "4741808016d7b854ca1eaebcc5d811936d8c3e0c8f155a5cd6e39b3c78cccae5"
			 "9196d48c");
}

/* 255 blocks is the most prf+ can make: the counter is one octet. */
static void test_prf_plus_limit(void **state)
{
	static uint8_t out[256 * 20];

	assert_int_equal(ike_prf_plus(WIRE_PRF_HMAC_SHA1, "k", 1, "s", 1, out, 255 * 20), 0);
	assert_int_equal(ike_prf_plus(WIRE_PRF_HMAC_SHA1, "k", 1, "s", 1, out, 255 * 20 + 1),
			 -EINVAL);
	assert_int_equal(ike_prf_plus(WIRE_PRF_AES128_XCBC, "k", 1, "s", 1, out, 16), -EOPNOTSUPP);
}

static void test_secret(void **state)
{
	struct ike_secret s = { 0 };
	uint8_t rnd[40] = { 0 }, zero[40] = { 0 };

	ike_secret_free(NULL);
	ike_secret_free(&s);
	assert_int_equal(ike_secret_alloc(&s, 16), 0);
	assert_int_equal(s.len, 16);
	assert_memory_equal(s.ptr, zero, 16);
	assert_int_equal(ike_secret_set(&s, "0123456789", 10), 0);
	assert_int_equal(s.len, 10);
	assert_memory_equal(s.ptr, "0123456789", 10);
	/* set from its own bytes */
	assert_int_equal(ike_secret_set(&s, s.ptr + 2, 4), 0);
	assert_memory_equal(s.ptr, "2345", 4);
	assert_int_equal(ike_secret_alloc(&s, 0), 0);
	assert_null(s.ptr);
	assert_int_equal(s.len, 0);
	ike_secret_free(&s);
	assert_int_equal(ike_random(rnd, sizeof(rnd)), 0);
	assert_memory_not_equal(rnd, zero, sizeof(rnd));
}

int crypto_test_prf(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret),		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_rfc2202),		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_integ),		cmocka_unit_test(test_prf_plus_definition),
		cmocka_unit_test(test_prf_plus_vector), cmocka_unit_test(test_prf_plus_limit),
	};

	return cmocka_run_group_tests_name("crypto_prf", tests, NULL, NULL);
}
