/*
 * Seed 001's IKEv2 scenarios, simulated: overlapping profiles (IOS picks profile3, then TS
 * unacceptable; by default profile1, which works), the initiator without a pki trustpoint
 * (Failed to build certificate payload), and R2 (TP1+TP2) initiating to R1 (TP1, TP2 listed
 * first): authentication failure under IOS, success with the symmetric configuration and,
 * by default, with the seed's one.
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

static void pair_run(struct pair *p, const char *f1, const char *f2, bool compat)
{
	ike_test_init(&p->t);
	p->c1 = ike_test_config(&p->t, f1, compat);
	p->c2 = ike_test_config(&p->t, f2, compat);
	p->p1 = ike_test_store(p->c1);
	p->p2 = ike_test_store(p->c2);
	p->r1 = (struct ike_sim_peer){ "R1", p->c1, p->p1 };
	p->r2 = (struct ike_sim_peer){ "R2", p->c2, p->p2 };
	assert_int_equal(ike_sim_direction(&p->r1, &p->r2, tpki_world_now(), &p->ab), 0);
	assert_int_equal(ike_sim_direction(&p->r2, &p->r1, tpki_world_now(), &p->ba), 0);
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

static const char *last(const struct ike_sim_result *r)
{
	return r->n_lines ? r->lines[r->n_lines - 1] : "";
}

static void test_overlap_ios(void **state)
{
	static const char *const expect[] = {
		"=== initiate R1->R2 via Tunnel1 (192.168.0.1 -> 192.168.0.2, IKEv2, ipsec profile "
		"profile1)",
		"R1 -> R2: IKE_SA_INIT request (SA, KE, N; no CERTREQ)",
		"R2: IKE proposal accepted: 3des integrity md5 prf md5 group 2",
		"R2: constructing CERTREQ hash for issuer cn=CA1,o=cisco,o=com",
		"R2 -> R1: IKE_SA_INIT response (SA, KE, N, CERTREQ with 1 hash(es))",
		"R1: [IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)",
		"R1: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP1'",
		"R2: Searching policy based on peer's identity '192.168.0.1' of type 'IPv4 "
		"address'",
		"R2: found matching IKEv2 profile 'profile3'",
		"R2: [PKI -> IKEv2] Validation of certificate chain PASSED",
		"R2: map_db_check_isakmp_profile profile did not match",
		"R2: map_db_find_best did not find matching map",
		"R2: IPSEC(ipsec_process_proposal): proxy identities not supported",
		"R2: There was no IPSEC policy found for received TS",
		"R2: Sending TS unacceptable notify",
	};
	struct pair p;

	(void)state;
	pair_run(&p, "v2-overlap-r1.conf", "v2-overlap-r2.conf", true);
	assert_false(p.ab.ok);
	ike_assert_in_order(p.ab.lines, p.ab.n_lines, expect, N_ELEMS(expect));
	assert_string_equal(last(&p.ab), "R2: Sending TS unacceptable notify");
	assert_string_equal(p.ab.reason,
			    "R2 bound R1 (identity '192.168.0.1' of type 'IPv4 address') to IKEv2 "
			    "profile profile3, but Tunnel1 uses IKEv2 profile profile1: the child "
			    "SA fails (TS unacceptable)");
	/* R1 has one profile: R2 -> R1 works */
	assert_true(p.ba.ok);
	assert_true(ike_has_line(p.ba.lines, p.ba.n_lines,
				 "R1: found matching IKEv2 profile 'profile1'"));
	pair_free(&p);
}

static void test_overlap_default(void **state)
{
	static const char *const expect[] = {
		"R2: Searching policy based on peer's identity '192.168.0.1' of type 'IPv4 "
		"address'",
		"R2: preferring profile 'profile1' (protects Tunnel1 towards 192.168.0.1) over "
		"'profile3' that IOS would pick",
		"R2: found matching IKEv2 profile 'profile1'",
		"R2 -> R1: IKE_AUTH response (IDr '192.168.0.2' of type 'IPv4 address', CERT, AUTH "
		"rsa-sig, SA, TSi, TSr)",
		"R1: [PKI -> IKEv2] Validation of certificate chain PASSED",
		"R2: IPsec SA established on Tunnel1 (IKEv2 profile profile1)",
		"R1: IPsec SA established on Tunnel1 (IKEv2 profile profile1)",
	};
	struct pair p;

	(void)state;
	pair_run(&p, "v2-overlap-r1.conf", "v2-overlap-r2.conf", false);
	assert_true(p.ab.ok);
	assert_true(p.ba.ok);
	ike_assert_in_order(p.ab.lines, p.ab.n_lines, expect, N_ELEMS(expect));
	assert_false(ike_has_line(p.ab.lines, p.ab.n_lines, "R2: Sending TS unacceptable notify"));
	pair_free(&p);
}

static void check_no_trustpoint(bool compat)
{
	static const char *const expect[] = {
		"R2: constructing CERTREQ hash for issuer cn=CA1,o=cisco,o=com",
		"R2: constructing CERTREQ hash for issuer cn=CA2,o=cisco,o=com",
		"R2 -> R1: IKE_SA_INIT response (SA, KE, N, CERTREQ with 2 hash(es))",
		"R1: [IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)",
		"R1: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP1'",
		"R1: [IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)",
		"R1: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP2'",
		"R1: Failed to build certificate payload",
	};
	struct pair p;

	pair_run(&p, "v2-notp-r1.conf", "v2-tp12-r2.conf", compat);
	assert_false(p.ab.ok);
	ike_assert_in_order(p.ab.lines, p.ab.n_lines, expect, N_ELEMS(expect));
	assert_string_equal(last(&p.ab), "R1: Failed to build certificate payload");
	assert_string_equal(p.ab.reason,
			    "R1's IKEv2 profile profile1 has no pki trustpoint: an IKEv2 initiator "
			    "must name the trust-point it signs with (Failed to build certificate "
			    "payload)");
	/* as a responder R1 needs none: it validates with all and signs first-match */
	assert_true(p.ba.ok);
	pair_free(&p);
}

static void test_initiator_without_trustpoint(void **state)
{
	(void)state;
	check_no_trustpoint(true);
	check_no_trustpoint(false);
}

/* The seed's R2 -> R1 lines, prefixed with the side that prints them. */
static const char *const r2_to_r1_ios[] = {
	"R1: constructing CERTREQ hash for issuer cn=CA2,o=cisco,o=com",
	"R1: constructing CERTREQ hash for issuer cn=CA1,o=cisco,o=com",
	"R2: [IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)",
	"R2: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP2'",
	"R2: [IKEv2 -> PKI] Getting cert chain for the trustpoint TP2",
	"R2: [PKI -> IKEv2] Getting of cert chain for the trustpoint PASSED",
	"R1: [IKEv2 -> PKI] Retrieving trustpoint(s) from received certificate hash(es)",
	"R1: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP1'",
	"R1: [IKEv2 -> PKI] Getting cert chain for the trustpoint TP1",
	"R1: [PKI -> IKEv2] Getting of cert chain for the trustpoint PASSED",
	"R1: Get peer's authentication method",
	"R1: Peer's authentication method is 'RSA'",
	"R1: [IKEv2 -> PKI] Validating certificate chain",
	"R1: [PKI -> IKEv2] Validation of certificate chain FAILED",
	"R1: Verification of peer's authentication data FAILED",
	"R1: Sending authentication failure notify",
};

static void test_r2_initiator_tp12_ios(void **state)
{
	struct pair p;

	(void)state;
	pair_run(&p, "v2-tp1-r1.conf", "v2-tp12-r2.conf", true);
	assert_string_equal(pki_tp_name(pki_store_at(p.p1, 0)), "TP2");
	assert_false(p.ba.ok);
	ike_assert_in_order(p.ba.lines, p.ba.n_lines, r2_to_r1_ios, N_ELEMS(r2_to_r1_ios));
	assert_string_equal(last(&p.ba), "R1: Sending authentication failure notify");
	assert_string_equal(
		p.ba.reason,
		"R1 requested CAs in this order: cn=CA2,o=cisco,o=com (TP2), cn=CA1,o=cisco,o=com "
		"(TP1); R2 chose trust-point TP2 (first match) and sent its certificate (serial "
		"02, "
		"issuer cn=CA2,o=cisco,o=com); R1 bound R2 (192.168.0.2) to IKEv2 profile "
		"profile1, "
		"which validates against TP1 only: certificate rejected (no suitable trustpoint in "
		"validation list (TP1): unable to get local issuer certificate (issuer "
		"cn=CA2,o=cisco,o=com))");
	/* R1 -> R2 works: R2 lists CA1 first and R1's profile signs with TP1 */
	assert_true(p.ab.ok);
	pair_free(&p);
}

static void test_r2_initiator_symmetric(void **state)
{
	struct pair p;

	(void)state;
	pair_run(&p, "v2-tp12-r1.conf", "v2-tp12-r2.conf", true);
	assert_true(p.ab.ok);
	assert_true(p.ba.ok);
	/* R2 still signs with TP2, now accepted by R1's profile */
	assert_true(ike_has_line(p.ba.lines, p.ba.n_lines,
				 "R2: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP2'"));
	assert_true(ike_has_line(p.ba.lines, p.ba.n_lines,
				 "R1: [PKI -> IKEv2] Validation of certificate chain PASSED"));
	pair_free(&p);
}

static void test_r2_initiator_tp12_default(void **state)
{
	static const char *const expect[] = {
		"R1: ordering CERT_REQ: trust-points of the profiles that can match 192.168.0.2 "
		"first (TP1)",
		"R1: constructing CERTREQ hash for issuer cn=CA1,o=cisco,o=com",
		"R1: constructing CERTREQ hash for issuer cn=CA2,o=cisco,o=com",
		"R2: [PKI -> IKEv2] Retrieved trustpoint(s): 'TP1'",
		"R1: [PKI -> IKEv2] Validation of certificate chain PASSED",
	};
	struct pair p;

	(void)state;
	pair_run(&p, "v2-tp1-r1.conf", "v2-tp12-r2.conf", false);
	assert_true(p.ab.ok);
	assert_true(p.ba.ok);
	ike_assert_in_order(p.ba.lines, p.ba.n_lines, expect, N_ELEMS(expect));
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_ios),
		cmocka_unit_test(test_overlap_default),
		cmocka_unit_test(test_initiator_without_trustpoint),
		cmocka_unit_test(test_r2_initiator_tp12_ios),
		cmocka_unit_test(test_r2_initiator_symmetric),
		cmocka_unit_test(test_r2_initiator_tp12_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
