/* IKEv1 (RFC 2409) key derivation and CBC tests against values computed independently by
 * gen_vectors.py (Python hmac/hashlib and the openssl command line): SKEYID for pre-shared keys
 * and signatures, SKEYID_{d,a,e}, the appendix B cipher key expansion, phase-1 and phase-2
 * IVs, CBC with IV chaining across messages, Quick Mode KEYMAT and the argument checks.
 */
#include "crypto_test.h"

/* The inputs gen_vectors.py uses: Ni = 00..1f, Nr = 40..5f, g^xy[i] = 7i + 3 (256 bytes),
 * g^xi[i] = 5i + 1, g^xr[i] = 11i + 7 (128 bytes), the cookies, the Quick Mode nonces
 * Ni_b = 80..8f, Nr_b = 90..a7 and g(qm)^xy[i] = 13i + 5 (128 bytes). */
static uint8_t ni[32], nr[32], gxi[128], gxr[128], qni[16], qnr[24];
static struct ike_secret gxy, gqm;
static const uint8_t cky_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t cky_r[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };
static const char psk[] = "correct horse";

static int setup(void **state)
{
	for (int i = 0; i < 32; i++) {
		ni[i] = (uint8_t)i;
		nr[i] = (uint8_t)(0x40 + i);
	}
	for (int i = 0; i < 128; i++) {
		gxi[i] = (uint8_t)(i * 5 + 1);
		gxr[i] = (uint8_t)(i * 11 + 7);
	}
	for (int i = 0; i < 16; i++)
		qni[i] = (uint8_t)(0x80 + i);
	for (int i = 0; i < 24; i++)
		qnr[i] = (uint8_t)(0x90 + i);
	if (ike_secret_alloc(&gxy, 256) < 0 || ike_secret_alloc(&gqm, 128) < 0)
		return -1;
	for (int i = 0; i < 256; i++)
		gxy.ptr[i] = (uint8_t)(i * 7 + 3);
	for (int i = 0; i < 128; i++)
		gqm.ptr[i] = (uint8_t)(i * 13 + 5);
	return 0;
}

static int teardown(void **state)
{
	ike_secret_free(&gxy);
	ike_secret_free(&gqm);
	return 0;
}

static int derive(uint16_t prf, uint16_t encr, uint16_t key_bits, const char *key,
		  struct ike_v1_keys *k)
{
	return ike_v1_derive(prf, encr, key_bits, key, key ? strlen(key) : 0, ni, sizeof(ni), nr,
			     sizeof(nr), &gxy, gxi, sizeof(gxi), gxr, sizeof(gxr), cky_i, cky_r, k);
}

static void test_prf_hash_parts(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	const struct ike_buf parts[] = {
		{ fox, 20 },
		{ NULL, 0 },
		{ fox + 20, 11 },
		{ fox + 31, sizeof(fox) - 1 - 31 },
	};
	const struct ike_buf bad = { NULL, 1 };
	uint8_t out[64];

	assert_int_equal(ike_prf_parts(WIRE_PRF_HMAC_SHA2_256, "key", 3, parts, 4, out), 0);
	assert_hex_equal(out, 32,
			 "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	assert_int_equal(ike_hash_parts(WIRE_PRF_HMAC_SHA1, parts, 4, out), 0);
	assert_hex_equal(out, 20, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
	assert_int_equal(ike_hash_parts(WIRE_PRF_HMAC_MD5, parts, 4, out), 0);
	assert_hex_equal(out, 16, "9e107d9d372bb6826bd81d3542a419d6");
	assert_int_equal(ike_hash_parts(WIRE_PRF_HMAC_SHA2_512, parts, 4, out), 0);
	assert_hex_equal(out, 64,
			 "07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb64"
			 "2e93a252a954f23912547d1e8a3b5ed6e1bfd7097821233fa0538f3db854fee6");
	assert_int_equal(ike_prf_parts(WIRE_PRF_AES128_XCBC, "key", 3, parts, 4, out), -EOPNOTSUPP);
	assert_int_equal(ike_hash_parts(WIRE_PRF_HMAC_TIGER, parts, 4, out), -EOPNOTSUPP);
	assert_int_equal(ike_prf_parts(WIRE_PRF_HMAC_SHA1, "key", 3, &bad, 1, out), -EINVAL);
	assert_int_equal(ike_hash_parts(WIRE_PRF_HMAC_SHA1, &bad, 1, out), -EINVAL);
}

/* PSK, HMAC-SHA1, AES-256: SKEYID_e (20) is expanded to 32 bytes (appendix B). */
static void test_derive_psk_sha1_aes256(void **state)
{
	struct ike_v1_keys k = { 0 };

	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 256, psk, &k), 0);
	assert_hex_equal(k.skeyid.ptr, k.skeyid.len, "c18150bf679f62d0ebff01f46364ef5ca1f3f3dd");
	assert_hex_equal(k.skeyid_d.ptr, k.skeyid_d.len,
			 "76bdc3a879496d7b6a26dba67d5c2ef340b97450");
	assert_hex_equal(k.skeyid_a.ptr, k.skeyid_a.len,
			 "078bbadcf37420c6fdedd9e49e793d691335e66b");
	assert_hex_equal(k.skeyid_e.ptr, k.skeyid_e.len,
			 "554cf8248fba1e1f9c3116d3d55c23c5b7b03eec");
	assert_hex_equal(k.enc.ptr, k.enc.len,
			 "f1768becd609338fd1eeb2be659ca0d83b8b0cd395f29c20ede439180b4c511b");
	assert_int_equal(k.block, 16);
	assert_hex_equal(k.iv, k.block, "2b978f3243e38f261e6d452d8f4468e6");
	assert_int_equal(k.prf, WIRE_PRF_HMAC_SHA1);
	assert_int_equal(k.encr, WIRE_ENCR_AES_CBC);
	assert_int_equal(k.key_bits, 256);
	/* deriving again into the same keys replaces them */
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 256, psk, &k), 0);
	assert_hex_equal(k.skeyid.ptr, k.skeyid.len, "c18150bf679f62d0ebff01f46364ef5ca1f3f3dd");
	ike_v1_keys_free(&k);
	assert_null(k.skeyid.ptr);
	assert_null(k.enc.ptr);
	ike_v1_keys_free(&k);
	ike_v1_keys_free(NULL);
}

/* Signatures, HMAC-MD5, 3DES: SKEYID_e (16) is expanded to 24 bytes (appendix B). */
static void test_derive_sig_md5_3des(void **state)
{
	struct ike_v1_keys k = { 0 };

	assert_int_equal(derive(WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 0, NULL, &k), 0);
	assert_hex_equal(k.skeyid.ptr, k.skeyid.len, "85d045e441f9f65d8cfa6083120d38ff");
	assert_hex_equal(k.skeyid_d.ptr, k.skeyid_d.len, "4ebd971d954e405630693bcba3faef27");
	assert_hex_equal(k.skeyid_a.ptr, k.skeyid_a.len, "c0add4d8aef94aa974c26eb60dba800d");
	assert_hex_equal(k.skeyid_e.ptr, k.skeyid_e.len, "4c28b53105b3fc569738e5699eb41729");
	assert_hex_equal(k.enc.ptr, k.enc.len, "052bbbde7e62c139dcba776cfb6fc7281d04c2303971e5cc");
	assert_int_equal(k.block, 8);
	assert_hex_equal(k.iv, k.block, "fd86009f61b92951");
	assert_int_equal(k.key_bits, 192);
	/* 3DES has no Key Length attribute: 0 and 192 name the same cipher */
	assert_int_equal(derive(WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 192, NULL, &k), 0);
	assert_hex_equal(k.enc.ptr, k.enc.len, "052bbbde7e62c139dcba776cfb6fc7281d04c2303971e5cc");
	ike_v1_keys_free(&k);
}

/* PSK, HMAC-SHA2-256, AES-128: SKEYID_e (32) is longer than the key, no expansion. */
static void test_derive_psk_sha256_aes128(void **state)
{
	struct ike_v1_keys k = { 0 };

	assert_int_equal(derive(WIRE_PRF_HMAC_SHA2_256, WIRE_ENCR_AES_CBC, 128, psk, &k), 0);
	assert_hex_equal(k.skeyid.ptr, k.skeyid.len,
			 "fe4f818411ac47f4688f91efd8528694780ab4fa87df9a49ecca7f0aee00273d");
	assert_hex_equal(k.skeyid_e.ptr, k.skeyid_e.len,
			 "9de14bed4eae6fdc38000fcd089c9e4b5b7db1d7fa07b895f4debf889cbafb31");
	assert_hex_equal(k.enc.ptr, k.enc.len, "9de14bed4eae6fdc38000fcd089c9e4b");
	assert_hex_equal(k.iv, k.block, "c82f1d4d31356dc0388921cff3b3f7c7");
	ike_v1_keys_free(&k);
}

/* Signatures, HMAC-SHA2-512, AES-192. */
static void test_derive_sig_sha512_aes192(void **state)
{
	struct ike_v1_keys k = { 0 };

	assert_int_equal(derive(WIRE_PRF_HMAC_SHA2_512, WIRE_ENCR_AES_CBC, 192, NULL, &k), 0);
	assert_hex_equal(k.skeyid.ptr, k.skeyid.len,
			 "26523cd17ce086a523bc9da3b2a4d585165b5622dc7e7eefb087e834047cdcbb"
			 "0fc59d371b6e267025ab1b310b1a65be97433ee623ce7e186719a71617b7712b");
	assert_hex_equal(k.enc.ptr, k.enc.len, "b79864eecc676e92eaaa9dfed95de2fe69b7b5e85e8221c4");
	assert_int_equal(k.skeyid_d.len, 64);
	ike_v1_keys_free(&k);
}

static void test_derive_errors(void **state)
{
	struct ike_v1_keys k = { 0 };

	assert_int_equal(derive(WIRE_PRF_AES128_XCBC, WIRE_ENCR_AES_CBC, 128, psk, &k),
			 -EOPNOTSUPP);
	assert_int_equal(derive(WIRE_PRF_HMAC_TIGER, WIRE_ENCR_AES_CBC, 128, psk, &k), -EOPNOTSUPP);
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 100, psk, &k), -EOPNOTSUPP);
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_GCM_16, 128, psk, &k),
			 -EOPNOTSUPP);
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_DES, 0, psk, &k), -EOPNOTSUPP);
	/* an empty pre-shared key (not NULL) */
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 128, "", &k), -EINVAL);
	assert_int_equal(ike_v1_derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 128, psk, 13, ni, 0,
				       nr, 32, &gxy, gxi, 128, gxr, 128, cky_i, cky_r, &k),
			 -EINVAL);
	assert_int_equal(ike_v1_derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 128, psk, 13, ni, 32,
				       nr, 32, NULL, gxi, 128, gxr, 128, cky_i, cky_r, &k),
			 -EINVAL);
	assert_int_equal(ike_v1_derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 128, psk, 13, ni, 32,
				       nr, 32, &gxy, gxi, 0, gxr, 128, cky_i, cky_r, &k),
			 -EINVAL);
	assert_null(k.skeyid.ptr);
}

static void test_phase2_iv(void **state)
{
	struct ike_v1_keys k = { 0 };
	uint8_t last[16], iv[16];

	for (int i = 0; i < 16; i++)
		last[i] = (uint8_t)(0xc0 + i);
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 256, psk, &k), 0);
	assert_int_equal(ike_v1_phase2_iv(&k, last, 0x01020304, iv), 0);
	assert_hex_equal(iv, 16, "c7b938d5e4ce35be8604669a8c74fc4f");
	assert_int_equal(derive(WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 0, NULL, &k), 0);
	memset(iv, 0xee, sizeof(iv));
	assert_int_equal(ike_v1_phase2_iv(&k, last, 0xdeadbeef, iv), 0);
	assert_hex_equal(iv, 8, "05ee9be88b7d0809");
	assert_int_equal(iv[8], 0xee); /* exactly k->block bytes */
	assert_int_equal(ike_v1_phase2_iv(&k, NULL, 1, iv), -EINVAL);
	ike_v1_keys_free(&k);
}

/*
 * One message of 48 bytes encrypted as 32 + 16 equals the one-stream CBC of openssl enc: the
 * IV carried between the calls is the last ciphertext block. Decryption likewise, in place.
 */
static void test_cbc_vector_aes(void **state)
{
	static const char want[] =
		"5062a620f07b314ef3a5fa883ac7fa69f3da65b36101a7b342fd6bcad69ec634"
		"e7572d7d67466129ddb74f9703addaf4";
	struct ike_v1_keys k = { 0 };
	uint8_t plain[48], ct[48], buf[48], iv[16];

	for (int i = 0; i < 48; i++)
		plain[i] = (uint8_t)(0x20 + i);
	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 256, psk, &k), 0);
	memcpy(iv, k.iv, 16);
	assert_int_equal(ike_v1_encrypt(&k, iv, plain, 32, ct), 0);
	assert_memory_equal(iv, ct + 16, 16);
	assert_int_equal(ike_v1_encrypt(&k, iv, plain + 32, 16, ct + 32), 0);
	assert_hex_equal(ct, 48, want);
	assert_memory_equal(iv, ct + 32, 16);
	/* the phase-1 IV in the keys is left alone */
	assert_hex_equal(k.iv, 16, "2b978f3243e38f261e6d452d8f4468e6");

	memcpy(buf, ct, 48);
	memcpy(iv, k.iv, 16);
	assert_int_equal(ike_v1_decrypt(&k, iv, buf, 16, buf), 0);
	assert_memory_equal(iv, ct, 16); /* the input's last block, not the plaintext's */
	assert_int_equal(ike_v1_decrypt(&k, iv, buf + 16, 32, buf + 16), 0);
	assert_memory_equal(buf, plain, 48);
	assert_memory_equal(iv, ct + 32, 16);
	ike_v1_keys_free(&k);
}

static void test_cbc_vector_3des(void **state)
{
	struct ike_v1_keys k = { 0 };
	uint8_t plain[24], buf[24], iv[8];

	for (int i = 0; i < 24; i++)
		plain[i] = (uint8_t)(0x20 + i);
	assert_int_equal(derive(WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 0, NULL, &k), 0);
	memcpy(iv, k.iv, 8);
	memcpy(buf, plain, 24);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 16, buf), 0);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf + 16, 8, buf + 16), 0);
	assert_hex_equal(buf, 24, "4fc2bd6acd71ff64efb21f83a9754bcfd0fe0f8b19460913");
	assert_memory_equal(iv, buf + 16, 8);
	memcpy(iv, k.iv, 8);
	assert_int_equal(ike_v1_decrypt(&k, iv, buf, 8, buf), 0);
	assert_int_equal(ike_v1_decrypt(&k, iv, buf + 8, 16, buf + 8), 0);
	assert_memory_equal(buf, plain, 24);
	assert_hex_equal(iv, 8, "d0fe0f8b19460913"); /* the ciphertext's last block */
	ike_v1_keys_free(&k);
}

/* Random messages through every supported cipher: separate and in-place buffers. */
static void test_cbc_round_trip(void **state)
{
	static const struct {
		uint16_t prf, encr, key_bits;
	} suites[] = {
		{ WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 0 },
		{ WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 128 },
		{ WIRE_PRF_HMAC_SHA2_384, WIRE_ENCR_AES_CBC, 192 },
		{ WIRE_PRF_HMAC_SHA2_512, WIRE_ENCR_AES_CBC, 256 },
	};
	uint8_t plain[160], ct[160], back[160], ive[16], ivd[16];

	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		struct ike_v1_keys k = { 0 };

		assert_int_equal(derive(suites[s].prf, suites[s].encr, suites[s].key_bits, psk, &k),
				 0);
		assert_int_equal(ike_random(plain, sizeof(plain)), 0);
		memcpy(ive, k.iv, k.block);
		memcpy(ivd, k.iv, k.block);
		assert_int_equal(ike_v1_encrypt(&k, ive, plain, 160, ct), 0);
		assert_memory_not_equal(ct, plain, 160);
		memcpy(back, ct, 160);
		assert_int_equal(ike_v1_decrypt(&k, ivd, back, 160, back), 0);
		assert_memory_equal(back, plain, 160);
		assert_memory_equal(ive, ivd, k.block);
		assert_memory_equal(ive, ct + 160 - k.block, k.block);
		ike_v1_keys_free(&k);
	}
}

static void test_cbc_errors(void **state)
{
	struct ike_v1_keys k = { 0 };
	uint8_t buf[32] = { 0 }, iv[16] = { 0 };

	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 128, psk, &k), 0);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 0, buf), -EINVAL);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 17, buf), -EINVAL);
	assert_int_equal(ike_v1_decrypt(&k, iv, buf, 24, buf), -EINVAL);
	assert_int_equal(ike_v1_decrypt(&k, NULL, buf, 16, buf), -EINVAL);
	/* keys whose cipher key does not fit the cipher */
	k.enc.len = 8;
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 16, buf), -EINVAL);
	k.enc.len = 16;
	k.encr = WIRE_ENCR_AES_GCM_16;
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 16, buf), -EOPNOTSUPP);
	ike_v1_keys_free(&k);

	assert_int_equal(derive(WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 0, NULL, &k), 0);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 12, buf), -EINVAL);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 8, buf), 0);
	ike_v1_keys_free(&k);
	/* freed keys are zeroed and unusable, not a crash */
	assert_int_equal(k.block, 0);
	assert_int_equal(ike_v1_encrypt(&k, iv, buf, 8, buf), -EINVAL);
	assert_int_equal(ike_v1_phase2_iv(&k, buf, 1, iv), -EINVAL);
	assert_int_equal(ike_v1_keymat(&k, NULL, 3, 1, buf, 8, buf, 8, 16, &k.enc), -EINVAL);
	assert_int_equal(ike_v1_encrypt(NULL, iv, buf, 8, buf), -EINVAL);
}

/* KEYMAT for ESP, SPI 0x12345678: 52 bytes (AES-256 + HMAC-SHA1 keys) need 3 SHA-1 blocks. */
static void test_keymat(void **state)
{
	struct ike_v1_keys k = { 0 };
	struct ike_secret km = { 0 };

	assert_int_equal(derive(WIRE_PRF_HMAC_SHA1, WIRE_ENCR_AES_CBC, 256, psk, &k), 0);
	assert_int_equal(
		ike_v1_keymat(&k, NULL, 3, 0x12345678, qni, sizeof(qni), qnr, sizeof(qnr), 52, &km),
		0);
	assert_hex_equal(km.ptr, km.len,
			 "d3e827e39b8677b152ac42d7890d7685668a6d50d23fa286c0a8010346658472"
			 "63e29b4fa465dd7e808c0b6669eac330a478fddb");
	assert_int_equal(
		ike_v1_keymat(&k, &gqm, 3, 0x12345678, qni, sizeof(qni), qnr, sizeof(qnr), 52, &km),
		0);
	assert_hex_equal(km.ptr, km.len,
			 "22c6e4deafee3983a98372b96bfec7902f07ebc1766b42d567642991e0e80409"
			 "14298f6ac1ebca24259057bce2c0339672aa8173");
	/* a shorter request is the prefix */
	assert_int_equal(
		ike_v1_keymat(&k, &gqm, 3, 0x12345678, qni, sizeof(qni), qnr, sizeof(qnr), 7, &km),
		0);
	assert_hex_equal(km.ptr, km.len, "22c6e4deafee39");
	ike_v1_keys_free(&k);

	assert_int_equal(derive(WIRE_PRF_HMAC_MD5, WIRE_ENCR_3DES, 0, NULL, &k), 0);
	assert_int_equal(
		ike_v1_keymat(&k, NULL, 3, 0x12345678, qni, sizeof(qni), qnr, sizeof(qnr), 40, &km),
		0);
	assert_hex_equal(km.ptr, km.len,
			 "21c298ce49b5f638803f78a0c7427e46724986fd29f4f682f1131d573b33f46e"
			 "517b8f35d2b023ca");

	assert_int_equal(
		ike_v1_keymat(&k, NULL, 3, 0x12345678, qni, sizeof(qni), qnr, sizeof(qnr), 0, &km),
		-EINVAL);
	assert_int_equal(ike_v1_keymat(&k, NULL, 3, 0x12345678, qni, 0, qnr, sizeof(qnr), 40, &km),
			 -EINVAL);
	assert_int_equal(ike_v1_keymat(&k, NULL, 3, 0x12345678, qni, sizeof(qni), NULL, 0, 40, &km),
			 -EINVAL);
	/* the failed calls left the previous KEYMAT in place */
	assert_int_equal(km.len, 40);
	k.prf = WIRE_PRF_AES128_XCBC;
	assert_int_equal(
		ike_v1_keymat(&k, NULL, 3, 0x12345678, qni, sizeof(qni), qnr, sizeof(qnr), 40, &km),
		-EOPNOTSUPP);
	ike_v1_keys_free(&k);
	ike_secret_free(&km);
}

/* Both ends of a real MODP exchange derive the same keys and read each other's messages. */
static void test_derive_from_dh(void **state)
{
	struct ike_dh *a = NULL, *b = NULL;
	struct ike_secret ga = { 0 }, gb = { 0 };
	struct ike_v1_keys ka = { 0 }, kb = { 0 };
	uint8_t pa[256], pb[256], msg[64], ct[64], iva[16], ivb[16];
	size_t la, lb;

	assert_int_equal(ike_dh_new(WIRE_KE_MODP2048, &a), 0);
	assert_int_equal(ike_dh_new(WIRE_KE_MODP2048, &b), 0);
	assert_int_equal(ike_dh_public(a, pa, sizeof(pa), &la), 0);
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), &lb), 0);
	assert_int_equal(ike_dh_derive(a, pb, lb, &ga), 0);
	assert_int_equal(ike_dh_derive(b, pa, la, &gb), 0);
	assert_int_equal(ike_v1_derive(WIRE_PRF_HMAC_SHA2_256, WIRE_ENCR_AES_CBC, 256, psk, 13, ni,
				       32, nr, 32, &ga, pa, la, pb, lb, cky_i, cky_r, &ka),
			 0);
	assert_int_equal(ike_v1_derive(WIRE_PRF_HMAC_SHA2_256, WIRE_ENCR_AES_CBC, 256, psk, 13, ni,
				       32, nr, 32, &gb, pa, la, pb, lb, cky_i, cky_r, &kb),
			 0);
	assert_memory_equal(ka.enc.ptr, kb.enc.ptr, 32);
	assert_memory_equal(ka.skeyid_d.ptr, kb.skeyid_d.ptr, 32);
	memcpy(iva, ka.iv, 16);
	memcpy(ivb, kb.iv, 16);
	memset(msg, 0x5c, sizeof(msg));
	assert_int_equal(ike_v1_encrypt(&ka, iva, msg, 64, ct), 0);
	assert_int_equal(ike_v1_decrypt(&kb, ivb, ct, 64, ct), 0);
	assert_memory_equal(ct, msg, 64);
	assert_memory_equal(iva, ivb, 16);
	ike_v1_keys_free(&ka);
	ike_v1_keys_free(&kb);
	ike_secret_free(&ga);
	ike_secret_free(&gb);
	ike_dh_free(a);
	ike_dh_free(b);
}

int crypto_test_v1(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_hash_parts),
		cmocka_unit_test(test_derive_psk_sha1_aes256),
		cmocka_unit_test(test_derive_sig_md5_3des),
		cmocka_unit_test(test_derive_psk_sha256_aes128),
		cmocka_unit_test(test_derive_sig_sha512_aes192),
		cmocka_unit_test(test_derive_errors),
		cmocka_unit_test(test_phase2_iv),
		cmocka_unit_test(test_cbc_vector_aes),
		cmocka_unit_test(test_cbc_vector_3des),
		cmocka_unit_test(test_cbc_round_trip),
		cmocka_unit_test(test_cbc_errors),
		cmocka_unit_test(test_keymat),
		cmocka_unit_test(test_derive_from_dh),
	};

	return cmocka_run_group_tests_name("crypto_v1", tests, setup, teardown);
}
