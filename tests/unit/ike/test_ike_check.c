/*
 * The --check diagnostics of one configuration: PKI file errors at the trust-point's line,
 * and the warnings (overlapping match identity with IOS's pick, IKEv2 initiator profile without
 * pki trustpoint, IKEv1 ca trust-point list narrower than the store, revocation-check crl
 * without CRL, weak algorithms), each with its exact text and line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike_test.h"

struct checked {
	struct config *cfg;
	struct pki_store *pki;
	struct config_diag diag;
	char **lines;
	size_t n;
};

/* Runs the same steps as --check and formats every entry as "file:line: sev: msg". */
static void check(struct checked *c, struct config *cfg)
{
	char buf[2048];
	int r;

	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	config_diag_init(&c->diag);
	r = ike_check_pki(cfg, &c->diag, &c->pki);
	if (r == 0)
		assert_int_equal(ike_check_warnings(cfg, c->pki, &c->diag), 0);
	else
		assert_int_equal(r, -EINVAL);
	ike_diag_sort(&c->diag);
	c->n = c->diag.n_entries;
	c->lines = calloc(c->n + 1, sizeof(*c->lines));
	assert_non_null(c->lines);
	for (size_t i = 0; i < c->n; i++) {
		config_diag_format(&c->diag.entries[i], buf, sizeof(buf));
		c->lines[i] = strdup(buf);
	}
}

static void checked_free(struct checked *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	config_diag_clear(&c->diag);
	pki_store_free(c->pki);
	config_free(c->cfg);
}

#define WEAK_V1                                                                                    \
	"warning: crypto isakmp policy 10: weak algorithms: encryption 3des, hash md5, group 2 "   \
	"(use aes 256 or aes-gcm, sha256 or stronger, group 14/19/20/31)"
#define NARROW                                                                                     \
	"warning: crypto isakmp profile prof1: ca trust-point IOSCA1 is narrower than the "        \
	"global trust-points (IOSCA2, IOSCA1, in store order): as responder, MM4 requests all "    \
	"of them before the peer's identity binds this profile, IOSCA2 (cn=CA2,o=cisco,o=com) "    \
	"first, which this profile rejects: a peer that picks it fails validation at MM5 (seed "   \
	"001: only this side can initiate)"

static void test_seed_r1(void **state)
{
	static const char *const ios[] = {
		"v1-r1.conf:33: " WEAK_V1,
		"v1-r1.conf:40: " NARROW,
	};
	static const char *const def[] = {
		"v1-r1.conf:32: " WEAK_V1,
		"v1-r1.conf:39: " NARROW
		"; without crypto compat ios ikegw requests this profile's "
		"CAs first from the peers of its tunnels and address rules",
	};
	struct ike_test t;
	struct checked c;

	(void)state;
	ike_test_init(&t);
	check(&c, ike_test_config(&t, "v1-r1.conf", true)); /* one line added on top */
	ike_assert_lines(c.lines, c.n, ios, N_ELEMS(ios));
	assert_int_equal(c.diag.n_errors, 0);
	checked_free(&c);
	check(&c, ike_test_config(&t, "v1-r1.conf", false));
	ike_assert_lines(c.lines, c.n, def, N_ELEMS(def));
	checked_free(&c);
	/* R2 has no ca trust-point: only the weak policy */
	check(&c, ike_test_config(&t, "v1-r2.conf", false));
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "v1-r2.conf:30: " WEAK_V1);
	checked_free(&c);
	ike_test_free(&t);
}

static void test_overlap_and_initiator_tp(void **state)
{
	static const char *const overlap[] = {
		"v2-overlap-r2.conf:14: warning: crypto ikev2 proposal prop-1: weak algorithms: "
		"encryption 3des, integrity md5, group 2 (use aes 256 or aes-gcm, sha256 or "
		"stronger, group 14/19/20/31)",
		"v2-overlap-r2.conf:31: warning: crypto ikev2 profile profile2: match identity "
		"(line "
		"31) overlaps profile profile1 (line 24): for an identity both match, IOS picks "
		"profile2 (equal rules: the last configured)",
		"v2-overlap-r2.conf:38: warning: crypto ikev2 profile profile3: match identity "
		"(line "
		"38) overlaps profile profile1 (line 24): for an identity both match, IOS picks "
		"profile3 (equal rules: the last configured)",
		"v2-overlap-r2.conf:38: warning: crypto ikev2 profile profile3: match identity "
		"(line "
		"38) overlaps profile profile2 (line 31): for an identity both match, IOS picks "
		"profile3 (equal rules: the last configured)",
		"v2-overlap-r2.conf:44: warning: crypto ipsec transform-set trans: weak "
		"algorithms: "
		"esp-3des (use esp-gcm 256 or esp-aes 256 esp-sha256-hmac)",
	};
	struct ike_test t;
	struct checked c;

	(void)state;
	ike_test_init(&t);
	/* compat: the file with `crypto compat ios` on top, so its lines + 1 */
	check(&c, ike_test_config(&t, "v2-overlap-r2.conf", true));
	ike_assert_lines(c.lines, c.n, overlap, N_ELEMS(overlap));
	checked_free(&c);
	check(&c, ike_test_config(&t, "v2-notp-r1.conf", false));
	assert_int_equal(c.n, 1);
	assert_string_equal(
		c.lines[0],
		"v2-notp-r1.conf:21: warning: crypto ikev2 profile profile1 is used by "
		"Tunnel1 (it may initiate) and authenticates with rsa-sig but has no pki "
		"trustpoint: as initiator it fails with 'Failed to build certificate "
		"payload' (add pki trustpoint TP)");
	checked_free(&c);
	ike_test_free(&t);
}

static void test_more_specific_overlap(void **state)
{
	static const char text[] = "crypto isakmp profile wide\n"
				   " match identity address 10.0.0.0 255.0.0.0\n"
				   "crypto isakmp profile narrow\n"
				   " match identity address 10.1.2.3 255.255.255.255\n"
				   "crypto isakmp profile other\n"
				   " match identity address 192.168.0.0 255.255.0.0\n";
	struct ike_test t;
	struct checked c;

	(void)state;
	ike_test_init(&t);
	check(&c, ike_test_config_text(&t, "o.conf", text));
	assert_int_equal(c.n, 1);
	assert_string_equal(
		c.lines[0],
		"o.conf:4: warning: crypto isakmp profile narrow: match identity (line "
		"4) overlaps profile wide (line 2): for an identity both match, IOS "
		"picks narrow (the more specific rule); without crypto compat ios ikegw "
		"first prefers the profile that protects a tunnel towards the peer");
	checked_free(&c);
	ike_test_free(&t);
}

static void test_pki_errors_and_weak(void **state)
{
	static const char bad[] = "hostname X\n"
				  "crypto pki trustpoint GOOD\n"
				  " ca-certificate ca1.pem\n"
				  "crypto pki trustpoint BAD\n"
				  " ca-certificate ca1.pem\n"
				  " certificate missing.pem\n"
				  " private-key r1.key\n";
	static const char weak[] = "crypto pki trustpoint GOOD\n"
				   " ca-certificate ca1.pem\n"
				   "crypto ipsec transform-set W esp-3des esp-md5-hmac\n"
				   "crypto ipsec profile P\n"
				   " set transform-set W\n"
				   " set pfs group2\n"
				   "crypto ikev2 proposal PR\n"
				   " encryption aes-cbc-128 3des\n"
				   " integrity sha1 sha256\n"
				   " prf md5\n"
				   " group 2 19\n";
	static const char *const weak_expect[] = {
		"w.conf:1: warning: trustpoint GOOD: revocation-check crl without a crl file: "
		"every "
		"certificate validated against it is rejected (add crl PATH, or revocation-check "
		"none)",
		"w.conf:3: warning: crypto ipsec transform-set W: weak algorithms: esp-3des, "
		"esp-md5-hmac (use esp-gcm 256 or esp-aes 256 esp-sha256-hmac)",
		"w.conf:4: warning: crypto ipsec profile P: weak PFS group 2 (use group "
		"14/19/20/31)",
		"w.conf:7: warning: crypto ikev2 proposal PR: weak algorithms: encryption 3des, "
		"integrity sha1, prf md5, group 2 (use aes 256 or aes-gcm, sha256 or stronger, "
		"group 14/19/20/31)",
	};
	struct ike_test t;
	struct checked c;
	char expect[512];

	(void)state;
	ike_test_init(&t);
	check(&c, ike_test_config_text(&t, "b.conf", bad));
	assert_null(c.pki);
	assert_int_equal(c.diag.n_errors, 1);
	assert_int_equal(c.n, 1);
	snprintf(expect, sizeof(expect),
		 "b.conf:4: error: trustpoint BAD: certificate %s/missing.pem: no such file",
		 t.w.dir.path);
	assert_string_equal(c.lines[0], expect);
	checked_free(&c);
	check(&c, ike_test_config_text(&t, "w.conf", weak));
	ike_assert_lines(c.lines, c.n, weak_expect, N_ELEMS(weak_expect));
	assert_int_equal(c.diag.n_errors, 0);
	checked_free(&c);
	ike_test_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_r1),
		cmocka_unit_test(test_overlap_and_initiator_tp),
		cmocka_unit_test(test_more_specific_overlap),
		cmocka_unit_test(test_pki_errors_and_weak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
