/* The certificate store on seed 001's world: store order (R1 lists IOSCA2 first, R2
 * IOSCA1), ties and CA-only trust-points, `show crypto pki` text, CERTREQ material
 * (CA DN DER, SPKI SHA-1 against the openssl CLI) and lookups back, load errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

static struct tpki_world world;

static int setup(void **state)
{
	return tpki_world_init(&world);
}

static int teardown(void **state)
{
	tpki_world_free(&world);
	return 0;
}

static struct pki_store *load_ok(const struct pki_trustpoint_def *defs, size_t n)
{
	struct pki_store *s = NULL;
	struct pki_error err;
	int r = pki_store_load(defs, n, &s, &err);

	if (r)
		fail_msg("pki_store_load: %d %s", r, err.msg);
	return s;
}

static void expect_order(const struct pki_store *s, const char *const *names, size_t n)
{
	assert_int_equal(pki_store_count(s), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(pki_tp_name(pki_store_at(s, i)), names[i]);
	assert_null(pki_store_at(s, n));
}

static void pki_store_order_r1(void **state)
{
	static const char *const order[] = {"IOSCA2", "IOSCA1"};
	struct pki_trustpoint_def defs[2];
	struct pki_store *s;

	tpki_world_defs(&world, 1, defs);
	s = load_ok(defs, 2);
	expect_order(s, order, 2);
	assert_string_equal(pki_tp_name(pki_store_at_def(s, 0)), "IOSCA1");
	assert_string_equal(pki_tp_name(pki_store_at_def(s, 1)), "IOSCA2");
	assert_int_equal(pki_tp_enrolled(pki_store_find(s, "IOSCA2")),
			 tpki_time(2013, 6, 17, 13, 25, 1));
	assert_int_equal(pki_tp_enrolled(pki_store_find(s, "IOSCA1")),
			 tpki_time(2013, 6, 17, 13, 21, 10));
	assert_null(pki_store_find(s, "IOSCA3"));
	assert_int_equal(pki_tp_key_type(pki_store_at(s, 0)), PKI_KEY_RSA);
	assert_int_equal(pki_cert_key_bits(pki_tp_cert(pki_store_at(s, 0))), 2048);
	pki_store_free(s);
}

static void pki_store_order_r2(void **state)
{
	static const char *const order[] = {"IOSCA1", "IOSCA2"};
	struct pki_trustpoint_def defs[2];
	struct pki_store *s;

	tpki_world_defs(&world, 2, defs);
	s = load_ok(defs, 2);
	expect_order(s, order, 2);
	pki_store_free(s);
}

static void pki_store_order_ties_and_ca_only(void **state)
{
	/* A and B hold the same certificate (equal notBefore): B, defined later, is newer.
	 * C and D hold CA material only: after A and B, latest defined first. The array
	 * order differs from the definition order on purpose. */
	static const char *const order[] = {"B", "A", "D", "C"};
	struct pki_trustpoint_def defs[4] = {
	    {.name = "D", .index = 7, .ca_certificate = world.ca2_pem},
	    {.name = "A",
	     .index = 2,
	     .ca_certificate = world.ca1_pem,
	     .certificate = world.r1_ca1_pem,
	     .private_key = world.r1_key_pem},
	    {.name = "C", .index = 5, .ca_certificate = world.ca1_pem},
	    {.name = "B",
	     .index = 3,
	     .ca_certificate = world.ca1_pem,
	     .certificate = world.r1_ca1_pem,
	     .private_key = world.r1_key_pem},
	};
	struct pki_store *s = load_ok(defs, 4);

	expect_order(s, order, 4);
	assert_string_equal(pki_tp_name(pki_store_at_def(s, 0)), "A");
	assert_string_equal(pki_tp_name(pki_store_at_def(s, 3)), "D");
	assert_null(pki_tp_cert(pki_store_find(s, "C")));
	assert_int_equal(pki_tp_enrolled(pki_store_find(s, "C")), 0);
	assert_int_equal(pki_tp_key_type(pki_store_find(s, "C")), PKI_KEY_NONE);
	pki_store_free(s);
}

/* R1's two trust-points plus TP3, a CA-only trust-point sharing CA1. */
static struct pki_store *r1_store_with_tp3(const char **ret_crl)
{
	time_t now = tpki_world_now();
	X509_CRL *crl = tpki_crl(world.ca1, world.ca1_key, NULL, 0, now - 86400, now + 86400);
	struct pki_trustpoint_def defs[3];

	assert_non_null(crl);
	*ret_crl = tpki_write_crl(&world.dir, "ca1-empty.crl", crl);
	X509_CRL_free(crl);
	tpki_world_defs(&world, 1, defs);
	defs[0].revocation = PKI_REVOCATION_CRL;
	defs[0].crl = *ret_crl;
	defs[2] =
	    (struct pki_trustpoint_def){.name = "TP3", .index = 2, .ca_certificate = world.ca1_pem};
	return load_ok(defs, 3);
}

static const char router_fmt[] =
    "Certificate\n"
    "  Status: Available\n"
    "  Certificate Serial Number (hex): %s\n"
    "  Certificate Usage: General Purpose\n"
    "  Issuer:\n"
    "    cn=%s\n"
    "    o=cisco\n"
    "    o=com\n"
    "  Subject:\n"
    "    Name: R1.cisco.com\n"
    "    IP Address: 192.168.0.1\n"
    "    Serial Number: 100\n"
    "    serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com\n"
    "    cn=R1\n"
    "    ou=IT\n"
    "    o=cisco\n"
    "    o=com\n"
    "  Validity Date:\n"
    "    start date: %s\n"
    "    end   date: %s\n"
    "  Associated Trustpoints: %s\n"
    "  Storage: %s\n";

static const char ca_fmt[] = "CA Certificate\n"
			     "  Status: Available\n"
			     "  Certificate Serial Number (hex): 01\n"
			     "  Certificate Usage: Signature\n"
			     "  Issuer:\n"
			     "    cn=%s\n"
			     "    o=cisco\n"
			     "    o=com\n"
			     "  Subject:\n"
			     "    cn=%s\n"
			     "    o=cisco\n"
			     "    o=com\n"
			     "  Validity Date:\n"
			     "    start date: 00:00:00 UTC Jun 1 2013\n"
			     "    end   date: 00:00:00 UTC Jun 1 2023\n"
			     "  Associated Trustpoints: %s\n"
			     "  Storage: %s\n";

static void pki_store_show_certificates(void **state)
{
	char *text = NULL, *c1, *c2, *c3, *c4, *expect;
	const char *crl;
	struct pki_store *s = r1_store_with_tp3(&crl);

	assert_int_equal(pki_show_certificates(s, &text), 0);
	assert_true(asprintf(&c1, router_fmt, "03", "CA2", "13:25:01 UTC Jun 17 2013",
			     "13:25:01 UTC Jun 17 2014", "IOSCA2", world.r1_ca2_pem) > 0);
	assert_true(asprintf(&c2, router_fmt, "04", "CA1", "13:21:10 UTC Jun 17 2013",
			     "13:21:10 UTC Jun 17 2014", "IOSCA1", world.r1_ca1_pem) > 0);
	assert_true(asprintf(&c3, ca_fmt, "CA2", "CA2", "IOSCA2", world.ca2_pem) > 0);
	assert_true(asprintf(&c4, ca_fmt, "CA1", "CA1", "IOSCA1 TP3", world.ca1_pem) > 0);
	assert_true(asprintf(&expect, "%s\n%s\n%s\n%s", c1, c2, c3, c4) > 0);
	assert_string_equal(text, expect);
	free(c1);
	free(c2);
	free(c3);
	free(c4);
	free(expect);
	free(text);
	pki_store_free(s);
}

static void pki_store_show_trustpoints(void **state)
{
	static const char fmt[] = "Trustpoint IOSCA1:\n"
				  "    Subject Name:\n"
				  "    cn=CA1\n"
				  "          o=cisco\n"
				  "          o=com\n"
				  "          Serial Number (hex): 01\n"
				  "    Certificate configured.\n"
				  "    Router certificate: %s\n"
				  "    Revocation check: crl\n"
				  "    CRL: %s\n"
				  "\n"
				  "Trustpoint IOSCA2:\n"
				  "    Subject Name:\n"
				  "    cn=CA2\n"
				  "          o=cisco\n"
				  "          o=com\n"
				  "          Serial Number (hex): 01\n"
				  "    Certificate configured.\n"
				  "    Router certificate: %s\n"
				  "    Revocation check: none\n"
				  "\n"
				  "Trustpoint TP3:\n"
				  "    Subject Name:\n"
				  "    cn=CA1\n"
				  "          o=cisco\n"
				  "          o=com\n"
				  "          Serial Number (hex): 01\n"
				  "    Certificate configured.\n"
				  "    Router certificate: not configured\n"
				  "    Revocation check: none\n";
	char *text = NULL, *expect;
	const char *crl;
	struct pki_store *s = r1_store_with_tp3(&crl);

	assert_int_equal(pki_show_trustpoints(s, &text), 0);
	assert_true(asprintf(&expect, fmt, world.r1_ca1_pem, crl, world.r1_ca2_pem) > 0);
	assert_string_equal(text, expect);
	free(expect);
	free(text);
	pki_store_free(s);
}

static void expect_certreq(const struct pki_trustpoint *tp, X509 *ca, const char *ca_pem,
			   const char *dn)
{
	const struct pki_cert *c = pki_tp_ca(tp, 0);
	unsigned char der[256], oracle[PKI_SHA1_LEN];
	size_t len, n;
	const uint8_t *p;
	char text[128];

	assert_int_equal(pki_tp_ca_count(tp), 1);
	assert_non_null(c);
	/* The issuer DN of the router certificate, byte for byte. */
	n = tpki_name_der(X509_get_subject_name(ca), der, sizeof(der));
	p = pki_cert_subject_der(c, &len);
	assert_int_equal(len, n);
	assert_memory_equal(p, der, n);
	p = pki_cert_issuer_der(pki_tp_cert(tp), &len);
	assert_int_equal(len, n);
	assert_memory_equal(p, der, n);
	assert_int_equal(pki_dn_format(der, n, text, sizeof(text)), 0);
	assert_string_equal(text, dn);
	/* RFC 7296 3.7: SHA-1 of the SubjectPublicKeyInfo, checked against the CLI. */
	assert_int_equal(tpki_cli_spki_sha1(ca_pem, oracle), 0);
	assert_memory_equal(pki_cert_spki_sha1(c), oracle, PKI_SHA1_LEN);
}

static void pki_store_certreq_material(void **state)
{
	struct pki_trustpoint_def defs[2];
	struct pki_store *s;
	const char *const seed_mm4[] = {"cn=CA2,o=cisco,o=com", "cn=CA1,o=cisco,o=com"};

	tpki_world_defs(&world, 1, defs);
	s = load_ok(defs, 2);
	expect_certreq(pki_store_find(s, "IOSCA1"), world.ca1, world.ca1_pem,
		       "cn=CA1,o=cisco,o=com");
	expect_certreq(pki_store_find(s, "IOSCA2"), world.ca2, world.ca2_pem,
		       "cn=CA2,o=cisco,o=com");
	/* R1 as responder, seed 001: "constructing CERT_REQ for issuer" CA2 then CA1. */
	for (size_t i = 0; i < pki_store_count(s); i++)
		assert_string_equal(pki_cert_subject_str(pki_tp_ca(pki_store_at(s, i), 0)),
				    seed_mm4[i]);
	pki_store_free(s);
}

static void pki_store_certreq_lookup(void **state)
{
	const struct pki_trustpoint *found[4] = {NULL};
	unsigned char der[256], keyid[PKI_SHA1_LEN];
	const char *crl;
	struct pki_store *s = r1_store_with_tp3(&crl);
	X509_NAME *verisign = tpki_name("/C=US/O=VeriSign, Inc./OU=Class 3 Public Primary "
					"Certification Authority");
	size_t n;

	n = tpki_name_der(X509_get_subject_name(world.ca2), der, sizeof(der));
	assert_int_equal(pki_store_match_ca_dn(s, der, n, found, 4), 1);
	assert_string_equal(pki_tp_name(found[0]), "IOSCA2");
	/* CA1 belongs to IOSCA1 and TP3: both, in store order; max bounds the fill. */
	n = tpki_name_der(X509_get_subject_name(world.ca1), der, sizeof(der));
	assert_int_equal(pki_store_match_ca_dn(s, der, n, found, 4), 2);
	assert_string_equal(pki_tp_name(found[0]), "IOSCA1");
	assert_string_equal(pki_tp_name(found[1]), "TP3");
	found[1] = NULL;
	assert_int_equal(pki_store_match_ca_dn(s, der, n, found, 1), 2);
	assert_null(found[1]);
	assert_int_equal(pki_store_match_ca_dn(s, der, n, NULL, 0), 2);
	assert_int_equal(pki_store_match_ca_dn(s, der, n - 1, found, 4), 0);
	assert_int_equal(pki_store_match_ca_dn(s, der, 0, found, 4), 0);
	n = tpki_name_der(verisign, der, sizeof(der));
	assert_int_equal(pki_store_match_ca_dn(s, der, n, found, 4), 0);

	assert_int_equal(tpki_cli_spki_sha1(world.ca2_pem, keyid), 0);
	assert_int_equal(pki_store_match_ca_keyid(s, keyid, found, 4), 1);
	assert_string_equal(pki_tp_name(found[0]), "IOSCA2");
	assert_int_equal(tpki_cli_spki_sha1(world.ca1_pem, keyid), 0);
	assert_int_equal(pki_store_match_ca_keyid(s, keyid, found, 4), 2);
	keyid[0] ^= 1;
	assert_int_equal(pki_store_match_ca_keyid(s, keyid, found, 4), 0);
	X509_NAME_free(verisign);
	pki_store_free(s);
}

/* Root -> Sub -> router: the issuing CA comes first whatever the bundle order. */
static void pki_store_bundle(void **state)
{
	EVP_PKEY *rk = tpki_ec("P-256"), *sk = tpki_ec("P-256"), *ek = tpki_ec("P-384");
	struct tpki_cert_spec root_s = {"/O=example/CN=Root", 1,   0, 2000000000, true,
					TPKI_CA_KU,	      NULL};
	struct tpki_cert_spec sub_s = {"/O=example/CN=Sub", 2,	 0, 2000000000, true,
				       TPKI_CA_KU,	    NULL};
	struct tpki_cert_spec ee_s = {"/O=example/CN=gw", 3,   0, 2000000000, false,
				      TPKI_ROUTER_KU,	  NULL};
	X509 *root = tpki_cert(&root_s, rk, NULL, NULL);
	X509 *sub = tpki_cert(&sub_s, sk, root, rk);
	X509 *ee = tpki_cert(&ee_s, ek, sub, sk);
	X509 *up[2] = {root, sub}, *down[2] = {sub, root};
	const char *up_pem = tpki_write_certs(&world.dir, "root-sub.pem", up, 2);
	const char *down_pem = tpki_write_certs(&world.dir, "sub-root.pem", down, 2);
	const char *root_pem = tpki_write_cert(&world.dir, "root.pem", root);
	const char *ee_pem = tpki_write_cert(&world.dir, "gw.pem", ee);
	const char *ek_pem = tpki_write_key(&world.dir, "gw.key", ek, NULL);
	struct pki_trustpoint_def defs[3] = {
	    {.name = "CHAIN",
	     .index = 0,
	     .ca_certificate = up_pem,
	     .certificate = ee_pem,
	     .private_key = ek_pem},
	    {.name = "CAONLY1", .index = 1, .ca_certificate = up_pem},
	    {.name = "CAONLY2", .index = 2, .ca_certificate = down_pem},
	};
	const struct pki_trustpoint *found[3];
	unsigned char der[256];
	struct pki_store *s = load_ok(defs, 3);
	struct pki_error err;
	char *msg;
	size_t n;

	for (size_t i = 0; i < 3; i++) {
		const struct pki_trustpoint *tp = pki_store_at(s, i);

		assert_int_equal(pki_tp_ca_count(tp), 2);
		assert_string_equal(pki_cert_subject_str(pki_tp_ca(tp, 0)), "cn=Sub,o=example");
		assert_string_equal(pki_cert_subject_str(pki_tp_ca(tp, 1)), "cn=Root,o=example");
		assert_null(pki_tp_ca(tp, 2));
	}
	assert_int_equal(pki_tp_key_type(pki_store_find(s, "CHAIN")), PKI_KEY_ECDSA_P384);
	assert_int_equal(pki_cert_key_type(pki_tp_ca(pki_store_find(s, "CHAIN"), 0)),
			 PKI_KEY_ECDSA_P256);
	/* A CERTREQ naming the root finds every trust-point whose bundle holds it. */
	n = tpki_name_der(X509_get_subject_name(root), der, sizeof(der));
	assert_int_equal(pki_store_match_ca_dn(s, der, n, found, 3), 3);
	pki_store_free(s);

	/* The router certificate's issuer (Sub) missing from the bundle. */
	defs[0].ca_certificate = root_pem;
	s = NULL;
	assert_int_equal(pki_store_load(defs, 1, &s, &err), -EINVAL);
	assert_null(s);
	assert_true(asprintf(&msg,
			     "trustpoint CHAIN: certificate %s: certificate is not issued by "
			     "the trust-point's CA",
			     ee_pem) > 0);
	assert_string_equal(err.msg, msg);
	free(msg);
	X509_free(root);
	X509_free(sub);
	X509_free(ee);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(ek);
}

/* Load one definition expecting failure r with exactly the message (printf format). */
static void expect_load_error(const struct pki_trustpoint_def *defs, size_t n, int r,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void expect_load_error(const struct pki_trustpoint_def *defs, size_t n, int r,
			      const char *fmt, ...)
{
	struct pki_store *s = NULL;
	struct pki_error err;
	char *expect;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&expect, fmt, ap) > 0);
	va_end(ap);
	assert_int_equal(pki_store_load(defs, n, &s, &err), r);
	assert_null(s);
	assert_string_equal(err.msg, expect);
	free(expect);
}

static void pki_store_load_errors(void **state)
{
	const char *missing = tpki_path(&world.dir, "nope.pem");
	const char *text = tpki_write_text(&world.dir, "text.pem", "hello\n");
	const char *bad_pem = tpki_write_text(&world.dir, "bad.pem",
					      "-----BEGIN CERTIFICATE-----\nAAAA\n"
					      "-----END CERTIFICATE-----\n");
	const char *enc_key = tpki_write_key(&world.dir, "r1-enc.key", world.r1_key, "secret");
	X509 *two[2] = {world.r1_ca1, world.ca1};
	const char *two_pem = tpki_write_certs(&world.dir, "two.pem", two, 2);
	X509_CRL *crl2 = tpki_crl(world.ca2, world.ca2_key, NULL, 0, 0, 2000000000);
	const char *crl2_pem = tpki_write_crl(&world.dir, "ca2.crl", crl2);
	struct pki_trustpoint_def d[2];

	X509_CRL_free(crl2);
	tpki_world_defs(&world, 1, d);

	d[0].certificate = missing;
	expect_load_error(d, 1, -ENOENT, "trustpoint IOSCA1: certificate %s: no such file",
			  missing);
	tpki_world_defs(&world, 1, d);
	d[0].ca_certificate = missing;
	expect_load_error(d, 1, -ENOENT, "trustpoint IOSCA1: ca-certificate %s: no such file",
			  missing);
	tpki_world_defs(&world, 1, d);
	d[0].ca_certificate = world.dir.path;
	expect_load_error(d, 1, -EISDIR, "trustpoint IOSCA1: ca-certificate %s: is a directory",
			  world.dir.path);
	tpki_world_defs(&world, 1, d);
	d[0].private_key = world.r2_key_pem;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: private-key %s: private key does not match "
			  "certificate",
			  world.r2_key_pem);
	tpki_world_defs(&world, 1, d);
	d[0].ca_certificate = world.ca2_pem;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: certificate %s: certificate is not issued by the "
			  "trust-point's CA",
			  world.r1_ca1_pem);
	tpki_world_defs(&world, 1, d);
	d[0].private_key = NULL;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: certificate %s: no private-key configured",
			  world.r1_ca1_pem);
	tpki_world_defs(&world, 1, d);
	d[0].certificate = NULL;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: private-key %s: no certificate configured",
			  world.r1_key_pem);
	tpki_world_defs(&world, 1, d);
	d[0].ca_certificate = NULL;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: certificate %s: no ca-certificate configured",
			  world.r1_ca1_pem);
	tpki_world_defs(&world, 1, d);
	d[0].ca_certificate = text;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: ca-certificate %s: no PEM certificate found", text);
	tpki_world_defs(&world, 1, d);
	d[0].certificate = two_pem;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: certificate %s: holds 2 certificates; put the CA "
			  "chain in ca-certificate",
			  two_pem);
	tpki_world_defs(&world, 1, d);
	d[0].private_key = enc_key;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: private-key %s: encrypted private keys are not "
			  "supported",
			  enc_key);
	tpki_world_defs(&world, 1, d);
	d[0].private_key = text;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: private-key %s: no PEM private key found", text);
	tpki_world_defs(&world, 1, d);
	d[0].crl = crl2_pem;
	expect_load_error(d, 1, -EINVAL,
			  "trustpoint IOSCA1: crl %s: not signed by the trust-point's CA",
			  crl2_pem);
	tpki_world_defs(&world, 1, d);
	d[1].name = "IOSCA1";
	expect_load_error(d, 2, -EEXIST, "trustpoint IOSCA1: defined twice");
	/* A failure in the second trust-point frees the first (checked under LSan). */
	tpki_world_defs(&world, 1, d);
	d[1].certificate = missing;
	expect_load_error(d, 2, -ENOENT, "trustpoint IOSCA2: certificate %s: no such file",
			  missing);

	/* Corrupt PEM: the message carries OpenSSL's reason after a fixed prefix. */
	{
		struct pki_store *s = NULL;
		struct pki_error err;
		char *prefix;

		tpki_world_defs(&world, 1, d);
		d[0].ca_certificate = bad_pem;
		assert_true(asprintf(&prefix,
				     "trustpoint IOSCA1: ca-certificate %s: bad PEM "
				     "certificate: ",
				     bad_pem) > 0);
		assert_int_equal(pki_store_load(d, 1, &s, &err), -EINVAL);
		assert_null(s);
		assert_memory_equal(err.msg, prefix, strlen(prefix));
		assert_true(strlen(err.msg) > strlen(prefix));
		free(prefix);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pki_store_order_r1),
	    cmocka_unit_test(pki_store_order_r2),
	    cmocka_unit_test(pki_store_order_ties_and_ca_only),
	    cmocka_unit_test(pki_store_show_certificates),
	    cmocka_unit_test(pki_store_show_trustpoints),
	    cmocka_unit_test(pki_store_certreq_material),
	    cmocka_unit_test(pki_store_certreq_lookup),
	    cmocka_unit_test(pki_store_bundle),
	    cmocka_unit_test(pki_store_load_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
