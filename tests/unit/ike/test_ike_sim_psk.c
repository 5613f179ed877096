/*
 * The simulator beyond certificates: pre-shared keys (IKEv1 global keys and keyrings, IKEv2
 * keyrings with local/remote keys), IKEv1 policies / IKEv2 proposals / transform-sets / PFS
 * that do not overlap, a peer bound to no profile, and a config with no tunnel to the other.
 * Each failure must give its exact reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_test.h"

static const char v1_a[] = "hostname A\n"
			   "crypto isakmp policy 10\n"
			   " encr aes 256\n"
			   " hash sha256\n"
			   " authentication pre-share\n"
			   " group 14\n"
			   "crypto isakmp key secret1 address 192.0.2.2\n"
			   "crypto ipsec transform-set T esp-aes 256 esp-sha256-hmac\n"
			   "crypto ipsec profile P\n"
			   " set transform-set T\n"
			   "interface Tunnel1\n"
			   " ip address 10.1.0.1 255.255.255.252\n"
			   " tunnel source 192.0.2.1\n"
			   " tunnel destination 192.0.2.2\n"
			   " tunnel protection ipsec profile P\n"
			   "interface GigabitEthernet1\n"
			   " ip address 192.0.2.1 255.255.255.0\n";

static const char v1_b[] = "hostname B\n"
			   "crypto isakmp policy 20\n"
			   " encr aes 256\n"
			   " hash sha256\n"
			   " authentication pre-share\n"
			   " group 14\n"
			   "crypto keyring KR\n"
			   " pre-shared-key address 192.0.2.1 key secret1\n"
			   "crypto ipsec transform-set T esp-aes 256 esp-sha256-hmac\n"
			   "crypto ipsec profile P\n"
			   " set transform-set T\n"
			   "interface Tunnel1\n"
			   " ip address 10.1.0.2 255.255.255.252\n"
			   " tunnel source 192.0.2.2\n"
			   " tunnel destination 192.0.2.1\n"
			   " tunnel protection ipsec profile P\n"
			   "interface GigabitEthernet1\n"
			   " ip address 192.0.2.2 255.255.255.0\n";

/* text with the first occurrence of from replaced by to (malloc'd) */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	assert_non_null(at);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
	return out;
}

struct run {
	struct ike_test t;
	struct config *a, *b;
	struct ike_sim_result ab, ba;
};

static void run(struct run *r, const char *ta, const char *tb)
{
	struct ike_sim_peer pa, pb;

	ike_test_init_dir(&r->t);
	r->a = ike_test_config_text(&r->t, "a.conf", ta);
	r->b = ike_test_config_text(&r->t, "b.conf", tb);
	pa = (struct ike_sim_peer){ "A", r->a, NULL };
	pb = (struct ike_sim_peer){ "B", r->b, NULL };
	assert_int_equal(ike_sim_direction(&pa, &pb, 0, &r->ab), 0);
	assert_int_equal(ike_sim_direction(&pb, &pa, 0, &r->ba), 0);
}

static void run_free(struct run *r)
{
	ike_sim_result_free(&r->ab);
	ike_sim_result_free(&r->ba);
	config_free(r->a);
	config_free(r->b);
	ike_test_free(&r->t);
}

static void test_v1_psk_ok(void **state)
{
	static const char *const expect[] = {
		"A -> B: MM1 (SA: 1 proposal(s))",
		"B: Checking ISAKMP transform 1 against priority 20 policy",
		"B -> A: MM2 (SA: policy 20 accepted, authentication pre-share)",
		"A -> B: MM3 (KE, NONCE)",
		"B -> A: MM4 (KE, NONCE)",
		"A: SA is doing pre-shared key authentication using id type ID_IPV4_ADDR",
		"A -> B: MM5 (ID ID_IPV4_ADDR 192.0.2.1, HASH)",
		"B: ID payload address : 192.0.2.1",
		"B: peer matches *none* of the profiles",
		"B -> A: MM6 (ID ID_IPV4_ADDR 192.0.2.2, HASH)",
		"A -> B: QM1 (SA: T (esp-aes 256 esp-sha256-hmac))",
		"B: IPsec SA established on Tunnel1 (isakmp profile (none), transform-set T "
		"(esp-aes 256 esp-sha256-hmac))",
	};
	struct run r;

	(void)state;
	run(&r, v1_a, v1_b);
	assert_true(r.ab.ok);
	assert_true(r.ba.ok);
	ike_assert_in_order(r.ab.lines, r.ab.n_lines, expect, N_ELEMS(expect));
	run_free(&r);
}

static void test_v1_psk_differs(void **state)
{
	char *b = edit(v1_b, "key secret1", "key secret2");
	struct run r;

	(void)state;
	run(&r, v1_a, b);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason, "pre-shared keys differ: A uses its key of crypto isakmp "
					 "key, line 7, B its key of keyring KR, line 8");
	assert_string_equal(r.ab.lines[r.ab.n_lines - 1],
			    "B: %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 192.0.2.1 failed its "
			    "sanity check or is malformed");
	assert_false(r.ba.ok);
	run_free(&r);
	free(b);
}

static void test_v1_no_key(void **state)
{
	char *b = edit(v1_b, "pre-shared-key address 192.0.2.1 key secret1",
		       "pre-shared-key address 192.0.2.9 key secret1");
	struct run r;

	(void)state;
	run(&r, v1_a, b);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason, "B has no pre-shared key for 192.0.2.1");
	assert_true(ike_has_line(r.ab.lines, r.ab.n_lines, "B: No pre-shared key with 192.0.2.1!"));
	assert_string_equal(r.ba.reason, "B has no pre-shared key for 192.0.2.1");
	run_free(&r);
	free(b);
}

static void test_v1_no_common_policy(void **state)
{
	char *b = edit(v1_b, " group 14\n", " group 19\n");
	struct run r;

	(void)state;
	run(&r, v1_a, b);
	assert_false(r.ab.ok);
	assert_string_equal(
		r.ab.reason,
		"no common IKEv1 policy: A proposes [policy 10: aes 256 sha256 group 14 "
		"pre-share]; B accepts [policy 20: aes 256 sha256 group 19 pre-share]");
	assert_string_equal(r.ab.lines[r.ab.n_lines - 1],
			    "B: phase 1 SA policy not acceptable! (local 192.0.2.2 remote "
			    "192.0.2.1)");
	run_free(&r);
	free(b);
}

static void test_v1_transform_and_pfs(void **state)
{
	char *b1 = edit(v1_b, "transform-set T esp-aes 256 esp-sha256-hmac",
			"transform-set T esp-gcm 256");
	char *b2 = edit(v1_b, " set transform-set T\n", " set transform-set T\n set pfs group14\n");
	struct run r;

	(void)state;
	run(&r, v1_a, b1);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason,
			    "no common transform-set: A's Tunnel1 proposes T (esp-aes "
			    "256 esp-sha256-hmac); B's Tunnel1 accepts T (esp-gcm 256)");
	assert_string_equal(r.ab.lines[r.ab.n_lines - 2],
			    "B: IPSec policy invalidated proposal with error 256");
	run_free(&r);

	run(&r, v1_a, b2);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason,
			    "B's ipsec profile P requires PFS group 14; A's P proposes no PFS");
	/* B initiating with PFS towards A, which does not require it, works */
	assert_true(r.ba.ok);
	run_free(&r);
	free(b1);
	free(b2);
}

static void test_v1_profile_none_matches(void **state)
{
	char *b = edit(v1_b, " set transform-set T\n",
		       " set transform-set T\n set isakmp-profile PB\n"
		       "crypto isakmp profile PB\n match identity host gw.example.org\n");
	struct run r;

	(void)state;
	run(&r, v1_a, b);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason,
			    "B matched A (192.0.2.1) to no isakmp profile, but "
			    "Tunnel1 uses isakmp profile PB: quick mode fails (phase 2 "
			    "SA policy not acceptable)");
	assert_true(
		ike_has_line(r.ab.lines, r.ab.n_lines, "B: peer matches *none* of the profiles"));
	assert_true(ike_has_line(r.ab.lines, r.ab.n_lines,
				 "B: map_db_check_isakmp_profile profile did not match"));
	run_free(&r);
	free(b);
}

static void test_no_tunnel(void **state)
{
	char *b = edit(v1_b, "tunnel destination 192.0.2.1", "tunnel destination 192.0.2.77");
	struct run r;

	(void)state;
	run(&r, v1_a, b);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason,
			    "B matched A (192.0.2.1) to no isakmp profile, but it has "
			    "no tunnel towards 192.0.2.1: quick mode fails (phase 2 SA "
			    "policy not acceptable)");
	assert_false(r.ba.ok);
	assert_string_equal(r.ba.reason, "B has no tunnel whose destination is an address of A");
	assert_int_equal(r.ba.n_tunnels, 0);
	run_free(&r);
	free(b);
}

static const char v2_a[] = "hostname A\n"
			   "crypto ikev2 proposal PR\n"
			   " encryption aes-cbc-256\n"
			   " integrity sha256\n"
			   " group 19\n"
			   "crypto ikev2 policy POL\n"
			   " proposal PR\n"
			   "crypto ikev2 keyring K\n"
			   " peer B\n"
			   "  address 192.0.2.2\n"
			   "  pre-shared-key local keyA\n"
			   "  pre-shared-key remote keyB\n"
			   "crypto ikev2 profile PROF\n"
			   " match identity remote address 192.0.2.2 255.255.255.255\n"
			   " authentication local pre-share\n"
			   " authentication remote pre-share\n"
			   " keyring local K\n"
			   "crypto ipsec transform-set T esp-gcm 256\n"
			   "crypto ipsec profile P\n"
			   " set transform-set T\n"
			   " set ikev2-profile PROF\n"
			   "interface Tunnel1\n"
			   " ip address 10.1.0.1 255.255.255.252\n"
			   " tunnel source 192.0.2.1\n"
			   " tunnel destination 192.0.2.2\n"
			   " tunnel protection ipsec profile P\n";

static const char v2_b[] = "hostname B\n"
			   "crypto ikev2 proposal PR\n"
			   " encryption aes-cbc-256\n"
			   " integrity sha256\n"
			   " group 19\n"
			   "crypto ikev2 policy POL\n"
			   " proposal PR\n"
			   "crypto ikev2 keyring K\n"
			   " peer A\n"
			   "  address 192.0.2.1\n"
			   "  pre-shared-key local keyB\n"
			   "  pre-shared-key remote keyA\n"
			   "crypto ikev2 profile PROF\n"
			   " match identity remote address 192.0.2.1 255.255.255.255\n"
			   " authentication local pre-share\n"
			   " authentication remote pre-share\n"
			   " keyring local K\n"
			   "crypto ipsec transform-set T esp-gcm 256\n"
			   "crypto ipsec profile P\n"
			   " set transform-set T\n"
			   " set ikev2-profile PROF\n"
			   "interface Tunnel1\n"
			   " ip address 10.1.0.2 255.255.255.252\n"
			   " tunnel source 192.0.2.2\n"
			   " tunnel destination 192.0.2.1\n"
			   " tunnel protection ipsec profile P\n";

static void test_v2_psk(void **state)
{
	static const char *const expect[] = {
		"B: IKE proposal accepted: aes 256 integrity sha256 prf sha256 group 19",
		"A -> B: IKE_AUTH request (IDi '192.0.2.1' of type 'IPv4 address', CERTREQ with 0 "
		"hash(es), AUTH pre-share, SA, TSi, TSr)",
		"B: found matching IKEv2 profile 'PROF'",
		"B: Peer's authentication method is 'PSK'",
		"A: Peer's authentication method is 'PSK'",
		"A: IPsec SA established on Tunnel1 (IKEv2 profile PROF)",
	};
	char *b = edit(v2_b, "pre-shared-key remote keyA", "pre-shared-key remote keyX");
	char *b2 = edit(v2_b, " group 19\n", " group 20\n");
	struct run r;

	(void)state;
	run(&r, v2_a, v2_b);
	assert_true(r.ab.ok);
	assert_true(r.ba.ok);
	ike_assert_in_order(r.ab.lines, r.ab.n_lines, expect, N_ELEMS(expect));
	run_free(&r);

	/* B expects another key from A: A->B fails at B, B->A fails at A's answer checked by B */
	run(&r, v2_a, b);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason, "pre-shared keys differ: A's keyring peer B (line 9) and "
					 "B's keyring peer A (line 9)");
	assert_string_equal(r.ab.lines[r.ab.n_lines - 1],
			    "B: Sending authentication failure notify");
	assert_false(r.ba.ok);
	assert_string_equal(r.ba.lines[r.ba.n_lines - 1],
			    "B: Sending authentication failure notify");
	run_free(&r);

	run(&r, v2_a, b2);
	assert_false(r.ab.ok);
	assert_string_equal(r.ab.reason, "no common IKEv2 proposal: A proposes PR; B accepts PR");
	assert_string_equal(r.ab.lines[r.ab.n_lines - 1], "B: Sending no proposal chosen notify");
	run_free(&r);
	free(b);
	free(b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_psk_ok),
		cmocka_unit_test(test_v1_psk_differs),
		cmocka_unit_test(test_v1_no_key),
		cmocka_unit_test(test_v1_no_common_policy),
		cmocka_unit_test(test_v1_transform_and_pfs),
		cmocka_unit_test(test_v1_profile_none_matches),
		cmocka_unit_test(test_no_tunnel),
		cmocka_unit_test(test_v2_psk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
