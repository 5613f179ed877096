/*
 * The Wireshark key export (daemon/gw/gw_keyexport.c): the exact records of the three tables
 * (IKEv2 AES-CBC-256/HMAC-SHA2-256, IKEv2 AES-GCM-256, IKEv1, ESP AES-CBC/SHA-256 and AES-GCM,
 * IPv6), algorithms Wireshark has no name for refused, and the files: created 0600, appended,
 * a table found readable by others set back to 0600, a world-writable directory refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "gw_keyexport.h"
#include "wire_types.h"

/* n bytes first, first+1, ... */
static void fill(uint8_t *p, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static const uint8_t ispi[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
static const uint8_t rspi[8] = { 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };

static void test_ikev2_cbc_sha256(void **state)
{
	uint8_t ei[32], er[32], ai[32], ar[32];
	struct ike_key_export k = { .kind = IKE_KEYX_IKEV2,
				    .encr = WIRE_ENCR_AES_CBC,
				    .key_bits = 256,
				    .integ = WIRE_INTEG_HMAC_SHA2_256_128,
				    .sk_ei = ei,
				    .sk_er = er,
				    .sk_ai = ai,
				    .sk_ar = ar,
				    .enc_len = 32,
				    .integ_len = 32 };
	char buf[1024];

	(void)state;
	memcpy(k.ispi, ispi, 8);
	memcpy(k.rspi, rspi, 8);
	fill(ei, 32, 0x00);
	fill(er, 32, 0x20);
	fill(ai, 32, 0x40);
	fill(ar, 32, 0x60);
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_IKEV2_TABLE);
	assert_string_equal(
		buf, "1122334455667788,99aabbccddeeff01,"
		     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f,"
		     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"
		     "\"AES-CBC-256 [RFC3602]\","
		     "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f,"
		     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f,"
		     "\"HMAC_SHA2_256_128 [RFC4868]\"\n");
	assert_string_equal(gw_keyexport_file(GW_KEYX_IKEV2_TABLE), "ikev2_decryption_table");
	/* a buffer one byte short of the record: refused, not cut */
	assert_int_equal(gw_keyexport_format(&k, buf, strlen(
		"1122334455667788,99aabbccddeeff01,"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f,"
		"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f,"
		"\"AES-CBC-256 [RFC3602]\","
		"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f,"
		"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f,"
		"\"HMAC_SHA2_256_128 [RFC4868]\"\n")), -ENOSPC);
}

/* AEAD: SK_e carries the 4-byte salt (36 bytes for AES-256), SK_a is empty, integrity NONE. */
static void test_ikev2_gcm(void **state)
{
	uint8_t ei[36], er[36];
	struct ike_key_export k = { .kind = IKE_KEYX_IKEV2,
				    .encr = WIRE_ENCR_AES_GCM_16,
				    .key_bits = 256,
				    .integ = WIRE_INTEG_NONE,
				    .sk_ei = ei,
				    .sk_er = er,
				    .enc_len = 36 };
	char buf[1024];

	(void)state;
	memcpy(k.ispi, ispi, 8);
	memcpy(k.rspi, rspi, 8);
	fill(ei, 36, 0xa0);
	fill(er, 36, 0x10);
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_IKEV2_TABLE);
	assert_string_equal(
		buf, "1122334455667788,99aabbccddeeff01,"
		     "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3,"
		     "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233,"
		     "\"AES-GCM-256 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"\n");
	/* 128-bit GCM with an 8-octet ICV */
	k.encr = WIRE_ENCR_AES_GCM_8;
	k.key_bits = 128;
	k.enc_len = 20;
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_IKEV2_TABLE);
	assert_non_null(strstr(buf, ",\"AES-GCM-128 with 8 octet ICV [RFC5282]\",,,"));
}

static void test_ikev2_unsupported(void **state)
{
	uint8_t ei[36] = { 0 }, er[36] = { 0 };
	struct ike_key_export k = { .kind = IKE_KEYX_IKEV2,
				    .encr = WIRE_ENCR_CHACHA20_POLY1305,
				    .key_bits = 256,
				    .sk_ei = ei,
				    .sk_er = er,
				    .enc_len = 36 };
	char buf[256];

	(void)state;
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), -EOPNOTSUPP);
	assert_string_equal(buf, "no Wireshark name for IKEv2 encryption 28 (256 bits)");
	k.encr = WIRE_ENCR_AES_CBC;
	k.key_bits = 128;
	k.enc_len = 16;
	k.integ = WIRE_INTEG_AES_XCBC_96;
	k.sk_ai = k.sk_ar = ei;
	k.integ_len = 16;
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), -EOPNOTSUPP);
	assert_string_equal(buf, "no Wireshark name for IKEv2 integrity 5");
	/* a record without keys is not written */
	k.integ = WIRE_INTEG_HMAC_SHA1_96;
	k.sk_ei = NULL;
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), -EINVAL);
}

static void test_ikev1(void **state)
{
	uint8_t key[32];
	struct ike_key_export k = { .kind = IKE_KEYX_IKEV1,
				    .encr = WIRE_ENCR_AES_CBC,
				    .key_bits = 256,
				    .sk_ei = key,
				    .enc_len = 32 };
	char buf[256];

	(void)state;
	memcpy(k.ispi, ispi, 8);
	memcpy(k.rspi, rspi, 8);
	fill(key, 32, 0xe0);
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_IKEV1_TABLE);
	assert_string_equal(buf, "1122334455667788,"
				 "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\n");
	assert_string_equal(gw_keyexport_file(GW_KEYX_IKEV1_TABLE), "ikev1_decryption_table");
}

static void addr4(struct config_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, s, &a->v4), 1);
}

static void test_esp(void **state)
{
	uint8_t ek[36], ik[32];
	struct ike_kernel_sa sa = { .spi = 0xc1a2b3d4,
				    .encr = WIRE_ENCR_AES_CBC,
				    .key_bits = 128,
				    .integ = WIRE_INTEG_HMAC_SHA2_256_128,
				    .enc_key = ek,
				    .enc_key_len = 16,
				    .integ_key = ik,
				    .integ_key_len = 32 };
	struct ike_key_export k = { .kind = IKE_KEYX_ESP, .esp = &sa };
	char buf[1024];

	(void)state;
	addr4(&sa.src, "192.0.2.1");
	addr4(&sa.dst, "198.51.100.2");
	fill(ek, 36, 0x00);
	fill(ik, 32, 0x80);
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_ESP_TABLE);
	assert_string_equal(buf,
			    "\"IPv4\",\"192.0.2.1\",\"198.51.100.2\",\"0xc1a2b3d4\","
			    "\"AES-CBC [RFC3602]\",\"0x000102030405060708090a0b0c0d0e0f\","
			    "\"HMAC-SHA-256-128 [RFC4868]\","
			    "\"0x808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f\"\n");
	assert_string_equal(gw_keyexport_file(GW_KEYX_ESP_TABLE), "esp_sa");

	/* AES-GCM-256 (key and salt), no integrity */
	sa.encr = WIRE_ENCR_AES_GCM_16;
	sa.key_bits = 256;
	sa.enc_key_len = 36;
	sa.integ = WIRE_INTEG_NONE;
	sa.integ_key = NULL;
	sa.integ_key_len = 0;
	sa.spi = 0x00000102;
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_ESP_TABLE);
	assert_string_equal(buf, "\"IPv4\",\"192.0.2.1\",\"198.51.100.2\",\"0x00000102\","
				 "\"AES-GCM with 16 octet ICV [RFC4106]\","
				 "\"0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
				 "20212223\",\"NULL\",\"\"\n");

	/* IPv6 */
	sa.src.family = sa.dst.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &sa.src.v6), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", &sa.dst.v6), 1);
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), GW_KEYX_ESP_TABLE);
	assert_memory_equal(buf, "\"IPv6\",\"2001:db8::1\",\"2001:db8::2\",\"0x00000102\",",
			    strlen("\"IPv6\",\"2001:db8::1\",\"2001:db8::2\",\"0x00000102\","));

	/* ChaCha20-Poly1305: Wireshark's esp_sa has no entry for it */
	sa.encr = WIRE_ENCR_CHACHA20_POLY1305;
	assert_int_equal(gw_keyexport_format(&k, buf, sizeof(buf)), -EOPNOTSUPP);
	assert_string_equal(buf, "no Wireshark name for ESP encryption 28 (256 bits)");
}

/* ---- files ---- */

static char tmpdir[64];

static int dir_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ikegw-keyx-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int dir_teardown(void **state)
{
	char p[128];
	const char *files[] = { "ikev2_decryption_table", "ikev1_decryption_table", "esp_sa" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, files[i]);
		unlink(p);
	}
	return rmdir(tmpdir);
}

static char *slurp(const char *file, mode_t *ret_mode)
{
	static char buf[4096];
	char p[128];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, file);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	assert_int_equal(fstat(fd, &st), 0);
	*ret_mode = st.st_mode & 07777;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void test_files(void **state)
{
	uint8_t key[16];
	struct ike_key_export k1 = { .kind = IKE_KEYX_IKEV1, .sk_ei = key, .enc_len = 16 };
	struct gw_keyexport *kx;
	char err[256] = "", p[128];
	mode_t mode;
	char *s;
	int fd;

	(void)state;
	fill(key, 16, 0x30);
	memcpy(k1.ispi, ispi, 8);
	assert_int_equal(chmod(tmpdir, 0755), 0);
	assert_int_equal(gw_keyexport_open(tmpdir, &kx, err, sizeof(err)), 0);
	assert_string_equal(gw_keyexport_dir(kx), tmpdir);
	/* nothing is created before the first record */
	assert_null(slurp("ikev1_decryption_table", &mode));
	assert_int_equal(gw_keyexport_write(kx, &k1, err, sizeof(err)), 0);
	k1.ispi[0] = 0xab;
	assert_int_equal(gw_keyexport_write(kx, &k1, err, sizeof(err)), 0);
	s = slurp("ikev1_decryption_table", &mode);
	assert_non_null(s);
	assert_int_equal(mode, 0600);
	assert_string_equal(s, "1122334455667788,303132333435363738393a3b3c3d3e3f\n"
			       "ab22334455667788,303132333435363738393a3b3c3d3e3f\n");
	/* a table some other hand made readable is set back to 0600 on the next record */
	snprintf(p, sizeof(p), "%s/esp_sa", tmpdir);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	{
		struct ike_kernel_sa sa = { .spi = 7,
					    .encr = WIRE_ENCR_AES_CBC,
					    .key_bits = 128,
					    .integ = WIRE_INTEG_HMAC_SHA1_96,
					    .enc_key = key,
					    .enc_key_len = 16,
					    .integ_key = key,
					    .integ_key_len = 16 };
		struct ike_key_export ke = { .kind = IKE_KEYX_ESP, .esp = &sa };

		addr4(&sa.src, "10.0.0.1");
		addr4(&sa.dst, "10.0.0.2");
		assert_int_equal(gw_keyexport_write(kx, &ke, err, sizeof(err)), 0);
	}
	s = slurp("esp_sa", &mode);
	assert_int_equal(mode, 0600);
	assert_string_equal(s, "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x00000007\","
			       "\"AES-CBC [RFC3602]\",\"0x303132333435363738393a3b3c3d3e3f\","
			       "\"HMAC-SHA-1-96 [RFC2404]\",\"0x303132333435363738393a3b3c3d3e3f\"\n");
	/* an unsupported record: an error naming it, nothing written */
	{
		struct ike_key_export kc = { .kind = IKE_KEYX_IKEV2,
					     .encr = WIRE_ENCR_CHACHA20_POLY1305,
					     .key_bits = 256,
					     .sk_ei = key,
					     .sk_er = key,
					     .enc_len = 16 };

		assert_int_equal(gw_keyexport_write(kx, &kc, err, sizeof(err)), -EOPNOTSUPP);
		assert_string_equal(err, "no Wireshark name for IKEv2 encryption 28 (256 bits)");
		assert_null(slurp("ikev2_decryption_table", &mode));
	}
	gw_keyexport_close(kx);
}

static void test_dir_refused(void **state)
{
	struct gw_keyexport *kx = NULL;
	char err[512] = "", want[512];

	(void)state;
	assert_int_equal(chmod(tmpdir, 01777), 0);
	assert_int_equal(gw_keyexport_open(tmpdir, &kx, err, sizeof(err)), -EPERM);
	assert_null(kx);
	snprintf(want, sizeof(want),
		 "key export directory %s is world-writable (mode 1777): refused, anyone could "
		 "replace the tables",
		 tmpdir);
	assert_string_equal(err, want);
	assert_int_equal(chmod(tmpdir, 0700), 0);
	/* a directory that does not exist */
	assert_int_equal(gw_keyexport_open("/nonexistent/ikegw-keys", &kx, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err,
			    "key export directory /nonexistent/ikegw-keys: No such file or directory");
	/* a file, not a directory */
	assert_int_equal(gw_keyexport_open("/dev/null", &kx, err, sizeof(err)), -ENOTDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ikev2_cbc_sha256),
		cmocka_unit_test(test_ikev2_gcm),
		cmocka_unit_test(test_ikev2_unsupported),
		cmocka_unit_test(test_ikev1),
		cmocka_unit_test(test_esp),
		cmocka_unit_test_setup_teardown(test_files, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_dir_refused, dir_setup, dir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
