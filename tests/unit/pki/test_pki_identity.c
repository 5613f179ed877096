/* Identities carried by certificates: seed 001's IOS subject attributes (hostname=,
 * ipaddress=), subjectAltName entries, emailAddress, the DN; the matching rules of
 * pki_cert_has_identity(); and hostile DER given to pki_cert_from_der().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

static EVP_PKEY *key;

static int setup(void **state)
{
	key = tpki_ec("P-256");
	return key ? 0 : -1;
}

static int teardown(void **state)
{
	EVP_PKEY_free(key);
	return 0;
}

static struct pki_cert *make(const char *subject, const char *san)
{
	struct tpki_cert_spec s = {subject, 5, 0, 2000000000, false, TPKI_ROUTER_KU, san};
	X509 *x = tpki_cert(&s, key, NULL, NULL);
	unsigned char *der = NULL;
	struct pki_cert *c = NULL;
	int n;

	assert_non_null(x);
	n = i2d_X509(x, &der);
	assert_int_equal(pki_cert_from_der(der, (size_t)n, &c, NULL), 0);
	OPENSSL_free(der);
	X509_free(x);
	return c;
}

static bool has(const struct pki_cert *c, enum pki_id_type type, const void *data, size_t len)
{
	struct pki_identity id = {.type = type, .data = data, .len = len};

	return pki_cert_has_identity(c, &id);
}

static bool has_text(const struct pki_cert *c, enum pki_id_type type, const char *s)
{
	return has(c, type, s, strlen(s));
}

static bool has_ip(const struct pki_cert *c, const char *text)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, text, a) == 1)
		return has(c, PKI_ID_IPV4, a, 4);
	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	return has(c, PKI_ID_IPV6, a, 16);
}

static void expect_id(const struct pki_identity *id, enum pki_id_type type, enum pki_id_source src,
		      const void *data, size_t len)
{
	assert_int_equal(id->type, type);
	assert_int_equal(id->source, src);
	assert_int_equal(id->len, len);
	assert_memory_equal(id->data, data, len);
}

static void pki_identity_seed_router(void **state)
{
	static const uint8_t ip[4] = {192, 168, 0, 1};
	struct pki_cert *c = make(TPKI_R1_SUBJECT, NULL);
	struct pki_identity ids[8];
	const uint8_t *dn;
	size_t dn_len;

	dn = pki_cert_subject_der(c, &dn_len);
	assert_int_equal(pki_cert_identities(c, ids, 8), 3);
	expect_id(&ids[0], PKI_ID_DN, PKI_IDSRC_SUBJECT, dn, dn_len);
	expect_id(&ids[1], PKI_ID_IPV4, PKI_IDSRC_SUBJECT_ATTR, ip, 4);
	expect_id(&ids[2], PKI_ID_FQDN, PKI_IDSRC_SUBJECT_ATTR, "R1.cisco.com", 12);
	/* max bounds the fill, the count stays the total. */
	memset(ids, 0, sizeof(ids));
	assert_int_equal(pki_cert_identities(c, ids, 1), 3);
	assert_int_equal(ids[1].len, 0);

	assert_true(has_text(c, PKI_ID_FQDN, "R1.cisco.com"));
	assert_true(has_text(c, PKI_ID_FQDN, "r1.CISCO.com."));
	assert_false(has_text(c, PKI_ID_FQDN, "R1.cisco.co"));
	assert_false(has_text(c, PKI_ID_FQDN, "R2.cisco.com"));
	assert_false(has_text(c, PKI_ID_FQDN, "R1")); /* the common name is no identity */
	assert_false(has_text(c, PKI_ID_EMAIL, "R1.cisco.com"));
	assert_true(has_ip(c, "192.168.0.1"));
	assert_false(has_ip(c, "192.168.0.2"));
	assert_true(has(c, PKI_ID_DN, dn, dn_len));
	assert_false(has(c, PKI_ID_DN, dn, dn_len - 1));
	assert_false(has(c, PKI_ID_FQDN, NULL, 0));
	assert_false(pki_cert_has_identity(c, NULL));
	pki_cert_free(c);
}

static void pki_identity_dn_canonical(void **state)
{
	struct pki_cert *c = make("/O=com/O=cisco/OU=IT/CN=R1", NULL);
	X509_NAME *same = tpki_name("/O=COM/O=Cisco/OU=it/CN=r1");
	X509_NAME *other = tpki_name("/O=com/O=cisco/OU=IT/CN=R2");
	unsigned char der[256];
	size_t n;

	/* The DN compares canonically (case-insensitive, as OpenSSL's X509_NAME_cmp). */
	n = tpki_name_der(same, der, sizeof(der));
	assert_true(has(c, PKI_ID_DN, der, n));
	n = tpki_name_der(other, der, sizeof(der));
	assert_false(has(c, PKI_ID_DN, der, n));
	X509_NAME_free(same);
	X509_NAME_free(other);
	pki_cert_free(c);
}

static void pki_identity_san(void **state)
{
	static const uint8_t v4[4] = {198, 51, 100, 7};
	uint8_t v6[16];
	struct pki_cert *c = make("/O=example/CN=gw1/emailAddress=Ops@Example.com",
				  "DNS:gw1.example.net,IP:2001:db8::1,IP:198.51.100.7,"
				  "email:admin@example.org,URI:https://example.net/");
	struct pki_identity ids[8];

	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", v6), 1);
	assert_int_equal(pki_cert_identities(c, ids, 8), 6);
	assert_int_equal(ids[0].type, PKI_ID_DN);
	expect_id(&ids[1], PKI_ID_FQDN, PKI_IDSRC_SAN, "gw1.example.net", 15);
	expect_id(&ids[2], PKI_ID_IPV6, PKI_IDSRC_SAN, v6, 16);
	expect_id(&ids[3], PKI_ID_IPV4, PKI_IDSRC_SAN, v4, 4);
	expect_id(&ids[4], PKI_ID_EMAIL, PKI_IDSRC_SAN, "admin@example.org", 17);
	expect_id(&ids[5], PKI_ID_EMAIL, PKI_IDSRC_SUBJECT_ATTR, "Ops@Example.com", 15);

	assert_true(has_text(c, PKI_ID_FQDN, "GW1.example.net"));
	assert_false(has_text(c, PKI_ID_FQDN, "gw1"));
	assert_true(has_ip(c, "2001:db8::1"));
	assert_false(has_ip(c, "2001:db8::2"));
	assert_true(has_ip(c, "198.51.100.7"));
	assert_true(has_text(c, PKI_ID_EMAIL, "admin@EXAMPLE.org"));
	assert_false(has_text(c, PKI_ID_EMAIL, "Admin@example.org")); /* local part exact */
	assert_true(has_text(c, PKI_ID_EMAIL, "Ops@example.COM"));
	assert_false(has_text(c, PKI_ID_EMAIL, "ops@example.com"));
	assert_false(has_text(c, PKI_ID_FQDN, "example.net"));
	pki_cert_free(c);
}

static void pki_identity_ipaddress_v6_attr(void **state)
{
	struct pki_cert *c = make("/CN=R6/unstructuredAddress=2001:db8::5", NULL);
	struct pki_cert *bad = make("/CN=R7/unstructuredAddress=not-an-address", NULL);
	struct pki_identity ids[4];

	assert_true(has_ip(c, "2001:db8::5"));
	assert_false(has_ip(c, "2001:db8::6"));
	/* An unparseable ipaddress= is no identity. */
	assert_int_equal(pki_cert_identities(bad, ids, 4), 1);
	assert_string_equal(pki_cert_subject_str(bad), "ipaddress=not-an-address,cn=R7");
	pki_cert_free(c);
	pki_cert_free(bad);
}

static void pki_identity_hostile_der(void **state)
{
	struct tpki_cert_spec s = {"/CN=x", 1, 0, 2000000000, false, NULL, NULL};
	X509 *x = tpki_cert(&s, key, NULL, NULL);
	unsigned char *der = NULL, buf[2048];
	char expect[64];
	struct pki_cert *c = NULL;
	struct pki_error err;
	int n = i2d_X509(x, &der);

	assert_true(n > 0 && (size_t)n < sizeof(buf));
	memcpy(buf, der, (size_t)n);
	buf[n] = 0;
	assert_int_equal(pki_cert_from_der(buf, (size_t)n + 1, &c, &err), -EINVAL);
	snprintf(expect, sizeof(expect), "malformed certificate (%d bytes)", n + 1);
	assert_string_equal(err.msg, expect);
	assert_null(c);
	for (int cut = 1; cut < n; cut += 7) {
		assert_int_equal(pki_cert_from_der(buf, (size_t)cut, &c, &err), -EINVAL);
		assert_null(c);
	}
	assert_int_equal(pki_cert_from_der(buf, 0, &c, &err), -EINVAL);
	assert_string_equal(err.msg, "empty certificate");
	buf[n / 2] ^= 0xff; /* corrupt inside the TBS: still parsed or rejected, never a crash */
	if (pki_cert_from_der(buf, (size_t)n, &c, &err) == 0)
		pki_cert_free(c);
	OPENSSL_free(der);
	X509_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pki_identity_seed_router),
	    cmocka_unit_test(pki_identity_dn_canonical),
	    cmocka_unit_test(pki_identity_san),
	    cmocka_unit_test(pki_identity_ipaddress_v6_attr),
	    cmocka_unit_test(pki_identity_hostile_der),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
