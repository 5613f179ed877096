/* pki_validate(): seed 001's "Certificate received from 192.168.0.2 is bad" (R2's IOSCA2
 * certificate against R1's validation list IOSCA1) and its success cases, dates, CRLs,
 * key usage, intermediates, and the exact reasons given.
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

#define R2_DN                                                                                      \
	"serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com,cn=R2,ou=IT,o=cisco,o=com"

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

static struct pki_cert *peer(X509 *x)
{
	unsigned char *der = NULL;
	struct pki_cert *c = NULL;
	int n = i2d_X509(x, &der);

	assert_true(n > 0);
	assert_int_equal(pki_cert_from_der(der, (size_t)n, &c, NULL), 0);
	OPENSSL_free(der);
	return c;
}

static struct pki_store *load(struct pki_trustpoint_def *defs, size_t n)
{
	struct pki_store *s = NULL;
	struct pki_error err;
	int r = pki_store_load(defs, n, &s, &err);

	if (r)
		fail_msg("pki_store_load: %d %s", r, err.msg);
	return s;
}

static struct pki_store *r1_store(void)
{
	struct pki_trustpoint_def defs[2];

	tpki_world_defs(&world, 1, defs);
	return load(defs, 2);
}

/* Validate against the named trust-points (NULL: all); returns the winner's name. */
static const char *validate(const struct pki_store *s, const char *const *names, size_t n,
			    const struct pki_cert *c, const struct pki_cert *const *chain,
			    size_t nchain, time_t now, int expect_r, struct pki_error *err)
{
	const struct pki_trustpoint *list[4], *tp = NULL;

	for (size_t i = 0; i < n; i++) {
		list[i] = pki_store_find(s, names[i]);
		assert_non_null(list[i]);
	}
	assert_int_equal(pki_validate(s, names ? list : NULL, n, c, chain, nchain, now, &tp, err),
			 expect_r);
	return tp ? pki_tp_name(tp) : NULL;
}

static void pki_validate_seed_lists(void **state)
{
	static const char *const prof1[] = {"IOSCA1"};
	static const char *const both[] = {"IOSCA1", "IOSCA2"};
	struct pki_cert *r2_ca1 = peer(world.r2_ca1), *r2_ca2 = peer(world.r2_ca2);
	struct pki_store *s = r1_store();
	time_t now = tpki_world_now();
	struct pki_error err;

	/* R1 initiates: R2 answers with its IOSCA1 certificate, validated by prof1's list. */
	assert_string_equal(validate(s, prof1, 1, r2_ca1, NULL, 0, now, 0, &err), "IOSCA1");
	/* R2 initiates: it signs with IOSCA2 (first CERTREQ in MM4); R1's list is IOSCA1. */
	assert_null(validate(s, prof1, 1, r2_ca2, NULL, 0, now, -EACCES, &err));
	assert_string_equal(err.msg,
			    "no suitable trustpoint in validation list (IOSCA1): unable to "
			    "get local issuer certificate (issuer cn=CA2,o=cisco,o=com)");
	/* Without ca trust-point the list is every trust-point: it validates. */
	assert_string_equal(validate(s, NULL, 0, r2_ca2, NULL, 0, now, 0, &err), "IOSCA2");
	assert_string_equal(validate(s, both, 2, r2_ca2, NULL, 0, now, 0, &err), "IOSCA2");
	assert_string_equal(validate(s, both, 2, r2_ca1, NULL, 0, now, 0, &err), "IOSCA1");
	pki_cert_free(r2_ca1);
	pki_cert_free(r2_ca2);
	pki_store_free(s);
}

static void pki_validate_dates(void **state)
{
	static const char *const prof1[] = {"IOSCA1"};
	struct pki_cert *c = peer(world.r2_ca1);
	struct pki_store *s = r1_store();
	time_t nb = pki_cert_not_before(c), na = pki_cert_not_after(c);
	struct pki_error err;

	assert_int_equal(nb, tpki_time(2013, 6, 17, 13, 23, 49));
	assert_int_equal(na, tpki_time(2014, 6, 17, 13, 23, 49));
	assert_string_equal(validate(s, prof1, 1, c, NULL, 0, nb, 0, &err), "IOSCA1");
	/* OpenSSL treats the notAfter second itself as expired. */
	assert_string_equal(validate(s, prof1, 1, c, NULL, 0, na - 1, 0, &err), "IOSCA1");
	validate(s, prof1, 1, c, NULL, 0, na, -EACCES, &err);
	validate(s, prof1, 1, c, NULL, 0, na + 1, -EACCES, &err);
	assert_string_equal(err.msg,
			    "trustpoint IOSCA1: certificate has expired (depth 0: " R2_DN ")");
	validate(s, prof1, 1, c, NULL, 0, nb - 1, -EACCES, &err);
	assert_string_equal(err.msg,
			    "trustpoint IOSCA1: certificate is not yet valid (depth 0: " R2_DN ")");
	/* now 0 is the real clock: CA1 itself expired in 2023 (reported from the top). */
	validate(s, prof1, 1, c, NULL, 0, 0, -EACCES, &err);
	assert_string_equal(
	    err.msg, "trustpoint IOSCA1: certificate has expired (depth 1: cn=CA1,o=cisco,o=com)");
	pki_cert_free(c);
	pki_store_free(s);
}

static struct pki_store *r1_store_crl(const char *crl_name, const long *revoked, size_t n,
				      time_t last, time_t next)
{
	struct pki_trustpoint_def defs[2];
	X509_CRL *crl = NULL;

	tpki_world_defs(&world, 1, defs);
	defs[0].revocation = PKI_REVOCATION_CRL;
	if (crl_name) {
		crl = tpki_crl(world.ca1, world.ca1_key, revoked, n, last, next);
		assert_non_null(crl);
		defs[0].crl = tpki_write_crl(&world.dir, crl_name, crl);
		X509_CRL_free(crl);
	}
	return load(defs, 2);
}

static void pki_validate_crl(void **state)
{
	static const char *const prof1[] = {"IOSCA1"};
	static const long revoked[] = {7, 2};
	time_t now = tpki_world_now();
	struct pki_cert *r2 = peer(world.r2_ca1); /* CA1 serial 02 */
	struct pki_cert *r1 = peer(world.r1_ca1); /* CA1 serial 04 */
	struct pki_store *s;
	struct pki_error err;

	s = r1_store_crl("revoke2.crl", revoked, 2, now - 86400, now + 86400);
	validate(s, prof1, 1, r2, NULL, 0, now, -EACCES, &err);
	assert_string_equal(err.msg, "trustpoint IOSCA1: certificate revoked (depth 0: " R2_DN ")");
	assert_string_equal(validate(s, prof1, 1, r1, NULL, 0, now, 0, &err), "IOSCA1");
	/* The CRL's nextUpdate has passed. */
	validate(s, prof1, 1, r1, NULL, 0, now + 2 * 86400, -EACCES, &err);
	assert_string_equal(
	    err.msg, "trustpoint IOSCA1: CRL has expired (depth 0: serialNumber=100+"
		     "ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com)");
	pki_store_free(s);

	/* revocation-check crl without a CRL file: a failure that says so. */
	s = r1_store_crl(NULL, NULL, 0, 0, 0);
	validate(s, prof1, 1, r1, NULL, 0, now, -EACCES, &err);
	assert_string_equal(
	    err.msg, "trustpoint IOSCA1: revocation-check crl is on but no crl is configured");
	pki_store_free(s);

	/* revocation-check none ignores a CRL that would revoke. */
	{
		struct pki_trustpoint_def defs[2];
		X509_CRL *crl =
		    tpki_crl(world.ca1, world.ca1_key, revoked, 2, now - 86400, now + 86400);

		tpki_world_defs(&world, 1, defs);
		defs[0].crl = tpki_write_crl(&world.dir, "revoke2-none.crl", crl);
		X509_CRL_free(crl);
		s = load(defs, 2);
		assert_string_equal(validate(s, prof1, 1, r2, NULL, 0, now, 0, &err), "IOSCA1");
		pki_store_free(s);
	}
	pki_cert_free(r1);
	pki_cert_free(r2);
}

static struct pki_cert *ca1_issued(const char *subject, long serial, const char *ku)
{
	struct tpki_cert_spec spec = {
	    subject, serial, tpki_time(2013, 6, 1, 0, 0, 0), tpki_time(2014, 6, 1, 0, 0, 0), false,
	    ku,	     NULL};
	X509 *x = tpki_cert(&spec, world.r2_key, world.ca1, world.ca1_key);
	struct pki_cert *c;

	assert_non_null(x);
	c = peer(x);
	X509_free(x);
	return c;
}

static void pki_validate_key_usage(void **state)
{
	static const char *const prof1[] = {"IOSCA1"};
	struct pki_cert *enc = ca1_issued("/CN=enc", 20, "critical,keyEncipherment");
	struct pki_cert *nr = ca1_issued("/CN=nr", 21, "critical,nonRepudiation");
	struct pki_cert *none = ca1_issued("/CN=none", 22, NULL);
	struct pki_store *s = r1_store();
	time_t now = tpki_world_now();
	struct pki_error err;

	validate(s, prof1, 1, enc, NULL, 0, now, -EACCES, &err);
	assert_string_equal(err.msg, "trustpoint IOSCA1: key usage allows neither digitalSignature "
				     "nor nonRepudiation (cn=enc)");
	assert_string_equal(validate(s, prof1, 1, nr, NULL, 0, now, 0, &err), "IOSCA1");
	assert_string_equal(validate(s, prof1, 1, none, NULL, 0, now, 0, &err), "IOSCA1");
	pki_cert_free(enc);
	pki_cert_free(nr);
	pki_cert_free(none);
	pki_store_free(s);
}

static void pki_validate_intermediates(void **state)
{
	static const char *const root_tp[] = {"ROOT"};
	static const char *const sub_tp[] = {"SUB"};
	EVP_PKEY *rk = tpki_ec("P-256"), *sk = tpki_ec("P-256"), *ek = tpki_ec("P-256");
	struct tpki_cert_spec root_s = {"/O=example/CN=Root", 1,   0, 2000000000, true,
					TPKI_CA_KU,	      NULL};
	struct tpki_cert_spec sub_s = {"/O=example/CN=Sub", 2,	 0, 2000000000, true,
				       TPKI_CA_KU,	    NULL};
	struct tpki_cert_spec ee_s = {"/O=example/CN=peer", 3,	 0, 2000000000, false,
				      TPKI_ROUTER_KU,	    NULL};
	X509 *root = tpki_cert(&root_s, rk, NULL, NULL);
	X509 *sub = tpki_cert(&sub_s, sk, root, rk);
	X509 *ee = tpki_cert(&ee_s, ek, sub, sk);
	struct pki_trustpoint_def defs[2] = {
	    {.name = "ROOT",
	     .index = 0,
	     .ca_certificate = tpki_write_cert(&world.dir, "v-root.pem", root)},
	    {.name = "SUB",
	     .index = 1,
	     .ca_certificate = tpki_write_cert(&world.dir, "v-sub.pem", sub)},
	};
	struct pki_store *s = load(defs, 2);
	struct pki_cert *peer_cert = peer(ee), *sub_cert = peer(sub), *root_cert = peer(root);
	const struct pki_cert *chain[1] = {sub_cert};
	time_t now = 1500000000;
	struct pki_error err;

	validate(s, root_tp, 1, peer_cert, NULL, 0, now, -EACCES, &err);
	assert_string_equal(err.msg, "no suitable trustpoint in validation list (ROOT): unable to "
				     "get local issuer certificate (issuer cn=Sub,o=example)");
	assert_string_equal(validate(s, root_tp, 1, peer_cert, chain, 1, now, 0, &err), "ROOT");
	/* A trust-point holding only the subordinate CA anchors the chain by itself. */
	assert_string_equal(validate(s, sub_tp, 1, peer_cert, NULL, 0, now, 0, &err), "SUB");
	/* The CA certificate itself presented as the peer's certificate. */
	validate(s, root_tp, 1, root_cert, NULL, 0, now, -EACCES, &err);
	assert_string_equal(err.msg, "trustpoint ROOT: certificate cn=Root,o=example is the "
				     "trust-point's CA itself");
	pki_cert_free(peer_cert);
	pki_cert_free(sub_cert);
	pki_cert_free(root_cert);
	pki_store_free(s);
	X509_free(root);
	X509_free(sub);
	X509_free(ee);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(ek);
}

/* A different CA using CA1's name: found by name, rejected on the signature. */
static void pki_validate_impostor_ca(void **state)
{
	static const char *const prof1[] = {"IOSCA1"};
	EVP_PKEY *fk = tpki_rsa(2048);
	struct tpki_cert_spec fake_s = {
	    "/O=com/O=cisco/CN=CA1", 1, 0, 2000000000, true, TPKI_CA_KU, NULL};
	X509 *fake = tpki_cert(&fake_s, fk, NULL, NULL);
	struct tpki_cert_spec ee_s = {TPKI_R2_SUBJECT, 2,   0, 2000000000, false,
				      TPKI_ROUTER_KU,  NULL};
	X509 *ee = tpki_cert(&ee_s, world.r2_key, fake, fk);
	struct pki_cert *c = peer(ee);
	struct pki_store *s = r1_store();
	struct pki_error err;

	validate(s, prof1, 1, c, NULL, 0, tpki_world_now(), -EACCES, &err);
	assert_string_equal(
	    err.msg, "trustpoint IOSCA1: certificate signature failure (depth 0: " R2_DN ")");
	pki_cert_free(c);
	pki_store_free(s);
	X509_free(ee);
	X509_free(fake);
	EVP_PKEY_free(fk);
}

static void pki_validate_arguments(void **state)
{
	struct pki_trustpoint_def defs[1] = {{.name = "EMPTY", .index = 0}};
	struct pki_store *s = load(defs, 1), *r1 = r1_store();
	struct pki_cert *c = peer(world.r2_ca1);
	const struct pki_trustpoint *tp = NULL;
	struct pki_error err;

	assert_int_equal(pki_validate(r1, NULL, 0, NULL, NULL, 0, 0, &tp, &err), -EINVAL);
	assert_int_equal(pki_validate(s, NULL, 0, c, NULL, 0, 0, &tp, &err), -EACCES);
	assert_string_equal(err.msg,
			    "no trustpoint with a CA certificate in validation list (EMPTY)");
	assert_null(tp);
	assert_int_equal(pki_validate(r1, (const struct pki_trustpoint *const *)&tp, 0, c, NULL, 0,
				      tpki_world_now(), &tp, &err),
			 -EACCES);
	assert_string_equal(err.msg, "no trustpoint with a CA certificate in validation list ()");
	assert_null(tp);
	pki_cert_free(c);
	pki_store_free(s);
	pki_store_free(r1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pki_validate_seed_lists),
	    cmocka_unit_test(pki_validate_dates),
	    cmocka_unit_test(pki_validate_crl),
	    cmocka_unit_test(pki_validate_key_usage),
	    cmocka_unit_test(pki_validate_intermediates),
	    cmocka_unit_test(pki_validate_impostor_ca),
	    cmocka_unit_test(pki_validate_arguments),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
