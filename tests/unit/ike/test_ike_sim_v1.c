/*
 * Seed 001, IKEv1 with multiple certificates, simulated with R1's and R2's configurations and
 * the seed's PKI: under `crypto compat ios` R1->R2 works and R2->R1 fails at MM5 (R1's MM4
 * requests CA2 first, R2 signs with IOSCA2, R1's prof1 validates with IOSCA1 only); with the
 * other enrollment order both work. By default (no compat line) both work with the seed's
 * order, because R1 requests the CAs of prof1 first from 192.168.0.2.
 */
#include <string.h>

#include "ike_test.h"

struct pair {
	struct ike_test t;
	struct config *c1, *c2;
	struct pki_store *p1, *p2;
	struct ike_sim_peer r1, r2;
	struct ike_sim_result ab, ba;
};

static void pair_run(struct pair *p, bool compat, bool r1_ca1_newer)
{
	ike_test_init(&p->t);
	if (r1_ca1_newer)
		ike_test_r1_ca1_newer(&p->t);
	p->c1 = ike_test_config(&p->t, "v1-r1.conf", compat);
	p->c2 = ike_test_config(&p->t, "v1-r2.conf", compat);
	p->p1 = ike_test_store(p->c1);
	p->p2 = ike_test_store(p->c2);
	p->r1 = (struct ike_sim_peer){ "R1", p->c1, p->p1 };
	p->r2 = (struct ike_sim_peer){ "R2", p->c2, p->p2 };
	assert_int_equal(ike_sim_direction(&p->r1, &p->r2, tpki_world_now(), &p->ab), 0);
	assert_int_equal(ike_sim_direction(&p->r2, &p->r1, tpki_world_now(), &p->ba), 0);
	assert_int_equal(p->ab.n_tunnels, 1);
	assert_int_equal(p->ba.n_tunnels, 1);
}

static void pair_free(struct pair *p)
{
	ike_sim_result_free(&p->ab);
	ike_sim_result_free(&p->ba);
	pki_store_free(p->p1);
	pki_store_free(p->p2);
	config_free(p->c1);
	config_free(p->c2);
	ike_test_free(&p->t);
}

#define R1_SUBJECT                                                                                 \
	"serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com"
#define R2_SUBJECT                                                                                 \
	"serialNumber=101+ipaddress=192.168.0.2+hostname=R2.cisco.com,cn=R2,ou=IT,o=cisco,o=com"

/* R1 as the initiator: the whole trace, every line as the seed prints it where it does. */
static const char *const r1_to_r2[] = {
	"=== initiate R1->R2 via Tunnel1 (192.168.0.1 -> 192.168.0.2, IKEv1, ipsec profile prof1)",
	"R1: SA request profile is prof1",
	"R1 -> R2: MM1 (SA: 1 proposal(s))",
	"R2: Checking ISAKMP transform 1 against priority 10 policy",
	"R2: atts are acceptable. Next payload is 0",
	"R2 -> R1: MM2 (SA: policy 10 accepted, authentication rsa-sig)",
	"R1: constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com",
	"R1 -> R2: MM3 (KE, NONCE, 1 CERT_REQ)",
	"R2: processing CERT_REQ payload. message ID = 0",
	"R2: peer wants a CT_X509_SIGNATURE cert",
	"R2: peer wants cert issued by cn=CA1,o=cisco,o=com",
	"R2: Choosing trustpoint IOSCA1 as issuer",
	"R2: constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com",
	"R2: constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com",
	"R2 -> R1: MM4 (KE, NONCE, 2 CERT_REQ)",
	"R1: processing CERT_REQ payload. message ID = 0",
	"R1: peer wants a CT_X509_SIGNATURE cert",
	"R1: peer wants cert issued by cn=CA1,o=cisco,o=com",
	"R1: Examining profile list for trustpoint IOSCA1",
	"R1: Found matching profile for IOSCA1",
	"R1: Choosing trustpoint IOSCA1 as issuer",
	"R1: processing CERT_REQ payload. message ID = 0",
	"R1: peer wants a CT_X509_SIGNATURE cert",
	"R1: peer wants cert issued by cn=CA2,o=cisco,o=com",
	"R1: SA is doing RSA signature authentication using id type ID_FQDN",
	"R1: constructing CERT payload for " R1_SUBJECT,
	"R1: using the IOSCA1 trustpoint's keypair to sign",
	"R1 -> R2: MM5 (ID ID_FQDN R1.cisco.com, CERT, SIG)",
	"R2: processing ID payload. message ID = 0",
	"R2: ID payload FQDN name : R1.cisco.com",
	"R2: peer matches prof1 profile",
	"R2: processing CERT payload. message ID = 0",
	"R2: processing a CT_X509_SIGNATURE cert",
	"R2: Creating CERT validation list: IOSCA1, IOSCA2,",
	"R2: Certificate validation succeeded",
	"R2: SA authentication status: authenticated",
	"R2: SA is doing RSA signature authentication using id type ID_FQDN",
	"R2: constructing CERT payload for " R2_SUBJECT,
	"R2: using the IOSCA1 trustpoint's keypair to sign",
	"R2 -> R1: MM6 (ID ID_FQDN R2.cisco.com, CERT, SIG)",
	"R1: processing ID payload. message ID = 0",
	"R1: ID payload FQDN name : R2.cisco.com",
	"R1: Creating CERT validation list: IOSCA1,",
	"R1: Certificate validation succeeded",
	"R1: SA authentication status: authenticated",
	"R1: Old State = IKE_I_MM6 New State = IKE_P1_COMPLETE",
	"R1 -> R2: QM1 (SA: TS (esp-aes esp-sha256-hmac))",
	"R2 -> R1: QM2 (SA: TS (esp-aes esp-sha256-hmac))",
	"R2: IPsec SA established on Tunnel1 (isakmp profile prof1, transform-set TS "
	"(esp-aes esp-sha256-hmac))",
	"R1: IPsec SA established on Tunnel1 (isakmp profile prof1)",
};

static void test_ios_r1_initiates(void **state)
{
	struct pair p;

	(void)state;
	pair_run(&p, true, false);
	assert_true(p.c1->compat_ios);
	assert_true(p.ab.ok);
	ike_assert_lines(p.ab.lines, p.ab.n_lines, r1_to_r2, N_ELEMS(r1_to_r2));
	pair_free(&p);
}

static void test_ios_r2_initiates_fails(void **state)
{
	/* R1's MM4 lists CA2 first (its IOSCA2 certificate is the most recent), R2 takes it */
	static const char *const expect[] = {
		"=== initiate R2->R1 via Tunnel1 (192.168.0.2 -> 192.168.0.1, IKEv1, ipsec profile "
		"prof1)",
		"R2: SA request profile is prof1",
		"R2: constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com",
		"R2: constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com",
		"R2 -> R1: MM3 (KE, NONCE, 2 CERT_REQ)",
		"R1: peer wants cert issued by cn=CA1,o=cisco,o=com",
		"R1: Choosing trustpoint IOSCA1 as issuer",
		"R1: peer wants cert issued by cn=CA2,o=cisco,o=com",
		"R1: constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com",
		"R1: constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com",
		"R1 -> R2: MM4 (KE, NONCE, 2 CERT_REQ)",
		"R2: processing CERT_REQ payload. message ID = 0",
		"R2: peer wants a CT_X509_SIGNATURE cert",
		"R2: peer wants cert issued by cn=CA2,o=cisco,o=com",
		"R2: Choosing trustpoint IOSCA2 as issuer",
		"R2: processing CERT_REQ payload. message ID = 0",
		"R2: peer wants a CT_X509_SIGNATURE cert",
		"R2: peer wants cert issued by cn=CA1,o=cisco,o=com",
		"R2: SA is doing RSA signature authentication using id type ID_FQDN",
		"R2: constructing CERT payload for " R2_SUBJECT,
		"R2: using the IOSCA2 trustpoint's keypair to sign",
		"R2 -> R1: MM5 (ID ID_FQDN R2.cisco.com, CERT, SIG)",
		"R1: processing ID payload. message ID = 0",
		"R1: ID payload FQDN name : R2.cisco.com",
		"R1: peer matches prof1 profile",
		"R1: processing CERT payload. message ID = 0",
		"R1: processing a CT_X509_SIGNATURE cert",
		"R1: Creating CERT validation list: IOSCA1,",
		"R1: Certificate validation failed: no suitable trustpoint in validation list "
		"(IOSCA1): unable to get local issuer certificate (issuer cn=CA2,o=cisco,o=com)",
		"R1: %CRYPTO-5-IKMP_INVALID_CERT: Certificate received from 192.168.0.2 is bad: "
		"unknown error returned in certificate validation",
	};
	struct pair p;

	(void)state;
	pair_run(&p, true, false);
	assert_false(p.ba.ok);
	ike_assert_in_order(p.ba.lines, p.ba.n_lines, expect, N_ELEMS(expect));
	/* the failure line is the last one: no MM6, no Quick Mode */
	assert_string_equal(p.ba.lines[p.ba.n_lines - 1], expect[N_ELEMS(expect) - 1]);
	assert_int_equal(ike_count_prefix(p.ba.lines, p.ba.n_lines, "R1 -> R2: MM6"), 0);
	assert_string_equal(
		p.ba.reason,
		"R1 requested CAs in this order: cn=CA2,o=cisco,o=com (IOSCA2), "
		"cn=CA1,o=cisco,o=com (IOSCA1); R2 chose trust-point IOSCA2 (first match) and sent "
		"its certificate (serial 02, issuer cn=CA2,o=cisco,o=com); R1 bound R2 "
		"(R2.cisco.com) to isakmp profile prof1, which validates against IOSCA1 only: "
		"certificate rejected (no suitable trustpoint in validation list (IOSCA1): unable "
		"to get local issuer certificate (issuer cn=CA2,o=cisco,o=com))");
	/* and R1->R2 still works */
	assert_true(p.ab.ok);
	pair_free(&p);
}

static void test_ios_other_enrollment_order(void **state)
{
	static const char *const mm4[] = {
		"R1: constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com",
		"R1: constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com",
		"R1 -> R2: MM4 (KE, NONCE, 2 CERT_REQ)",
		"R2: peer wants cert issued by cn=CA1,o=cisco,o=com",
		"R2: Choosing trustpoint IOSCA1 as issuer",
		"R2: using the IOSCA1 trustpoint's keypair to sign",
		"R1: peer matches prof1 profile",
		"R1: Creating CERT validation list: IOSCA1,",
		"R1: Certificate validation succeeded",
		"R2: Creating CERT validation list: IOSCA1, IOSCA2,",
		"R2: Certificate validation succeeded",
		"R1: IPsec SA established on Tunnel1 (isakmp profile prof1, transform-set TS "
		"(esp-aes esp-sha256-hmac))",
	};
	struct pair p;

	(void)state;
	pair_run(&p, true, true);
	assert_string_equal(pki_tp_name(pki_store_at(p.p1, 0)), "IOSCA1");
	assert_true(p.ab.ok);
	assert_true(p.ba.ok);
	ike_assert_in_order(p.ba.lines, p.ba.n_lines, mm4, N_ELEMS(mm4));
	assert_false(
		ike_has_line(p.ba.lines, p.ba.n_lines, "R2: Choosing trustpoint IOSCA2 as issuer"));
	pair_free(&p);
}

static void test_default_mode_both_directions(void **state)
{
	static const char *const mm4[] = {
		"R1: ordering CERT_REQ: trust-points of the profiles that can match 192.168.0.2 "
		"first (IOSCA1)",
		"R1: constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com",
		"R1: constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com",
		"R1 -> R2: MM4 (KE, NONCE, 2 CERT_REQ)",
		"R2: peer wants cert issued by cn=CA1,o=cisco,o=com",
		"R2: Choosing trustpoint IOSCA1 as issuer",
		"R2: using the IOSCA1 trustpoint's keypair to sign",
		"R1: peer matches prof1 profile",
		"R1: Creating CERT validation list: IOSCA1,",
		"R1: Certificate validation succeeded",
	};
	struct pair p;

	(void)state;
	pair_run(&p, false, false);
	assert_false(p.c1->compat_ios);
	/* the store order is still the seed's: IOSCA2 first on R1 */
	assert_string_equal(pki_tp_name(pki_store_at(p.p1, 0)), "IOSCA2");
	assert_true(p.ab.ok);
	assert_true(p.ba.ok);
	ike_assert_in_order(p.ba.lines, p.ba.n_lines, mm4, N_ELEMS(mm4));
	/* R1 as initiator behaves as IOS: the same trace as in compat mode */
	ike_assert_lines(p.ab.lines, p.ab.n_lines, r1_to_r2, N_ELEMS(r1_to_r2));
	pair_free(&p);
}

static void test_single_tunnel(void **state)
{
	struct pair p;
	struct ike_sim_result one;

	(void)state;
	pair_run(&p, true, false);
	assert_int_equal(ike_sim_tunnel(&p.r2, &p.r1, p.c2->tunnels[0], tpki_world_now(), &one), 0);
	assert_false(one.ok);
	assert_string_equal(one.reason, p.ba.reason);
	assert_int_equal(one.n_lines, p.ba.n_lines);
	ike_sim_result_free(&one);
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ios_r1_initiates),
		cmocka_unit_test(test_ios_r2_initiates_fails),
		cmocka_unit_test(test_ios_other_enrollment_order),
		cmocka_unit_test(test_default_mode_both_directions),
		cmocka_unit_test(test_single_tunnel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
