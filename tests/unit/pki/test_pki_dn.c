/* pki_dn_format() and certificate DN strings against the exact lines IOS prints in
 * seed 001 ("cn=CA1,o=cisco,o=com", the router subjects, the VeriSign and Cisco roots),
 * plus hostile input: control bytes, malformed DER, truncation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

static void check_dn(const char *spec, const char *expect)
{
	X509_NAME *name = tpki_name(spec);
	unsigned char der[1024];
	char out[512];
	size_t len;

	assert_non_null(name);
	len = tpki_name_der(name, der, sizeof(der));
	assert_true(len > 0);
	assert_int_equal(pki_dn_format(der, len, out, sizeof(out)), 0);
	assert_string_equal(out, expect);
	X509_NAME_free(name);
}

static void pki_dn_ca(void **state)
{
	/* The DER seed 001's MM3 carries: CERTREQ payload length 51 = 4 + 1 + 46 bytes. */
	static const unsigned char golden[] = {
	    0x30, 0x2c, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c,
	    0x03, 'c',	'o',  'm',  0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x04,
	    0x0a, 0x0c, 0x05, 'c',  'i',  's',	'c',  'o',  0x31, 0x0c, 0x30, 0x0a,
	    0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 'C',  'A',  '1'};
	X509_NAME *name = tpki_name("/O=com/O=cisco/CN=CA1");
	unsigned char der[256];
	char out[128];

	assert_non_null(name);
	assert_int_equal(tpki_name_der(name, der, sizeof(der)), sizeof(golden));
	assert_memory_equal(der, golden, sizeof(golden));
	assert_int_equal(pki_dn_format(golden, sizeof(golden), out, sizeof(out)), 0);
	assert_string_equal(out, "cn=CA1,o=cisco,o=com");
	X509_NAME_free(name);
	check_dn("/O=com/O=cisco/CN=CA2", "cn=CA2,o=cisco,o=com");
}

static void pki_dn_router_subjects(void **state)
{
	check_dn(TPKI_R1_SUBJECT, "serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,"
				  "cn=R1,ou=IT,o=cisco,o=com");
	check_dn(TPKI_R2_SUBJECT, "serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com,"
				  "cn=R2,ou=IT,o=cisco,o=com");
}

static void pki_dn_public_roots(void **state)
{
	/* Real roots keep DER order C, O, OU / O, CN; IOS prints them most specific first. */
	check_dn("/C=US/O=VeriSign, Inc./OU=Class 3 Public Primary Certification Authority",
		 "ou=Class 3 Public Primary Certification Authority,o=VeriSign, Inc.,c=US");
	check_dn("/O=Cisco Systems/CN=Cisco Root CA 2048", "cn=Cisco Root CA 2048,o=Cisco Systems");
	check_dn("/O=Cisco/CN=Cisco Root CA M1", "cn=Cisco Root CA M1,o=Cisco");
}

static void pki_dn_other_attributes(void **state)
{
	check_dn("/DC=com/DC=example/ST=IDF/L=Paris/emailAddress=ops@example.com/UID=x7/1.2.3.4=v",
		 "1.2.3.4=v,uid=x7,ea=ops@example.com,l=Paris,st=IDF,dc=example,dc=com");
}

static void pki_dn_control_bytes(void **state)
{
	check_dn("/O=a\nb/CN=x\x7fy", "cn=x\\x7fy,o=a\\x0ab");
}

static void pki_dn_malformed(void **state)
{
	static const unsigned char garbage[] = {0x30, 0x05, 0x31, 0x7f, 0x00, 0x01, 0x02};
	X509_NAME *name = tpki_name("/O=com/O=cisco/CN=CA1");
	unsigned char der[256];
	char out[16];
	size_t len;

	assert_int_equal(pki_dn_format(garbage, sizeof(garbage), out, sizeof(out)), -EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(pki_dn_format(garbage, 0, out, sizeof(out)), -EINVAL);
	len = tpki_name_der(name, der, sizeof(der));
	der[len] = 0x00; /* trailing byte after a valid Name */
	assert_int_equal(pki_dn_format(der, len + 1, out, sizeof(out)), -EINVAL);
	/* Valid but longer than the buffer: truncated, NUL-terminated, -ENOSPC. */
	assert_int_equal(pki_dn_format(der, len, out, 8), -ENOSPC);
	assert_string_equal(out, "cn=CA1,");
	X509_NAME_free(name);
}

static void pki_dn_cert_strings(void **state)
{
	EVP_PKEY *ca_key = tpki_ec("P-256"), *key = tpki_ec("P-256");
	struct tpki_cert_spec ca_spec = {
	    "/O=com/O=cisco/CN=CA1", 1, 0, 2000000000, true, TPKI_CA_KU, NULL};
	struct tpki_cert_spec spec = {TPKI_R1_SUBJECT, 0x1234,	       0,   2000000000,
				      false,	       TPKI_ROUTER_KU, NULL};
	X509 *ca = tpki_cert(&ca_spec, ca_key, NULL, NULL);
	X509 *x = tpki_cert(&spec, key, ca, ca_key);
	unsigned char *der = NULL;
	struct pki_cert *c = NULL;
	int n = i2d_X509(x, &der);

	assert_true(n > 0);
	assert_int_equal(pki_cert_from_der(der, (size_t)n, &c, NULL), 0);
	assert_string_equal(pki_cert_issuer_str(c), "cn=CA1,o=cisco,o=com");
	assert_string_equal(pki_cert_subject_str(c),
			    "serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,"
			    "cn=R1,ou=IT,o=cisco,o=com");
	assert_string_equal(pki_cert_serial_hex(c), "1234");
	pki_cert_free(c);
	OPENSSL_free(der);
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pki_dn_ca),
	    cmocka_unit_test(pki_dn_router_subjects),
	    cmocka_unit_test(pki_dn_public_roots),
	    cmocka_unit_test(pki_dn_other_attributes),
	    cmocka_unit_test(pki_dn_control_bytes),
	    cmocka_unit_test(pki_dn_malformed),
	    cmocka_unit_test(pki_dn_cert_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
