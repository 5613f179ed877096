/*
 * The configurations printed in seed 001 (Cisco TAC 117633) parse as printed, and the model
 * holds what the seed's behaviour depends on: trust-points in definition order, profile
 * trust-point lists, match identity rules in configured order, tunnel source resolved to the
 * Ethernet0/0 address. R2's listing that defines IOSCA1 twice is a duplicate-name error.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_test.h"

#define FIX(name) CONFIG_SEED001_DIR "/" name

static void assert_tp(const struct config_trustpoint *tp, const char *name, unsigned index,
		      const char *url, const char *fqdn, const char *ip, const char *subject)
{
	assert_string_equal(tp->name, name);
	assert_int_equal(tp->index, index);
	assert_string_equal(tp->enrollment, url);
	assert_true(tp->serial_number);
	assert_string_equal(tp->fqdn, fqdn);
	assert_string_equal(tp->ip_address, ip);
	assert_string_equal(tp->subject_name, subject);
	assert_int_equal(tp->revocation, CONFIG_REVOCATION_CRL);
	assert_null(tp->ca_certificate);
	assert_null(tp->certificate);
}

/* What R1 and R2 share: policy 10, transform-set TS, ipsec profile prof1, Tunnel1. */
static void assert_ikev1_common(const struct config *cfg, const char *src, const char *dst,
				const char *lo, const char *route, const char *via)
{
	const struct config_isakmp_policy *pol;
	const struct config_transform_set *ts;
	const struct config_ipsec_profile *ip;
	const struct config_interface *t, *eth;

	assert_int_equal(cfg->n_isakmp_policies, 1);
	pol = cfg->isakmp_policies[0];
	assert_int_equal(pol->priority, 10);
	assert_int_equal(pol->encr.alg, CONFIG_ENCR_3DES);
	assert_int_equal(pol->hash, CONFIG_HASH_MD5);
	assert_int_equal(pol->group, 2);
	assert_int_equal(pol->auth, CONFIG_AUTH_RSA_SIG); /* IOS default */
	assert_int_equal(pol->lifetime, 86400);

	assert_int_equal(cfg->n_transform_sets, 1);
	ts = cfg->transform_sets[0];
	assert_string_equal(ts->name, "TS");
	assert_int_equal(ts->encr.alg, CONFIG_ENCR_AES_CBC);
	assert_int_equal(ts->encr.key_bits, 128);
	assert_int_equal(ts->integ, CONFIG_HASH_SHA256);
	assert_int_equal(ts->mode, CONFIG_IPSEC_MODE_TUNNEL);

	ip = config_find_ipsec_profile(cfg, "prof1");
	assert_non_null(ip);
	assert_int_equal(ip->n_transform_sets, 1);
	assert_ptr_equal(ip->transform_sets[0].ts, ts);
	assert_ptr_equal(ip->isakmp_profile, config_find_isakmp_profile(cfg, "prof1"));
	assert_null(ip->ikev2_profile);
	assert_int_equal(ip->pfs_group, 0);

	assert_int_equal(cfg->n_interfaces, 3);
	assert_string_equal(cfg->interfaces[0]->name, "Loopback0");
	assert_string_equal(prefix_s(&cfg->interfaces[0]->ipv4), lo);
	assert_int_equal(cfg->n_tunnels, 1);
	t = cfg->tunnels[0];
	assert_string_equal(t->name, "Tunnel1");
	assert_true(t->is_tunnel);
	assert_int_equal(t->tunnel_number, 1);
	assert_ptr_equal(config_find_interface(cfg, "Tu1"), t);
	eth = config_find_interface(cfg, "Ethernet0/0");
	assert_non_null(eth);
	assert_false(eth->is_tunnel);
	assert_string_equal(t->source_ifname, "Ethernet0/0");
	assert_ptr_equal(t->source_if, eth);
	assert_string_equal(addr_s(&t->source), src);
	assert_string_equal(addr_s(&t->destination), dst);
	assert_ptr_equal(t->protection, ip);
	assert_int_equal(t->mode, CONFIG_TUNNEL_IPSEC_IPV4);
	assert_int_equal(t->initiate, CONFIG_INITIATE_ALWAYS);
	assert_false(t->shutdown);

	assert_int_equal(cfg->n_routes, 1);
	assert_string_equal(prefix_s(&cfg->routes[0]->prefix), route);
	assert_int_equal(cfg->routes[0]->kind, CONFIG_ROUTE_NEXTHOP);
	assert_string_equal(addr_s(&cfg->routes[0]->nexthop), via);
	assert_false(cfg->compat_ios);
}

static void test_r1_ikev1(void **state)
{
	struct config *cfg = load_file_ok(FIX("r1-ikev1.conf"));
	const struct config_isakmp_profile *pr;

	assert_int_equal(cfg->n_trustpoints, 2);
	assert_tp(cfg->trustpoints[0], "IOSCA1", 0, "url http://192.168.0.3:80", "R1.cisco.com",
		  "192.168.0.1", "CN=R1,OU=IT,O=cisco,O=com");
	assert_tp(cfg->trustpoints[1], "IOSCA2", 1, "url http://192.168.0.4:80", "R1.cisco.com",
		  "192.168.0.1", "CN=R1,OU=IT,O=cisco,O=com");
	assert_int_equal(cfg->trustpoints[0]->line, 4);
	assert_int_equal(cfg->trustpoints[1]->line, 12);

	assert_int_equal(cfg->n_isakmp_profiles, 1);
	pr = cfg->isakmp_profiles[0];
	assert_string_equal(pr->name, "prof1");
	assert_int_equal(pr->self_identity.type, CONFIG_ID_FQDN);
	assert_null(pr->self_identity.value); /* no hostname in the listing */
	assert_int_equal(pr->n_ca_trustpoints, 1);
	assert_string_equal(pr->ca_trustpoints[0].name, "IOSCA1");
	assert_ptr_equal(pr->ca_trustpoints[0].tp, cfg->trustpoints[0]);
	assert_int_equal(pr->ca_trustpoints[0].line, 27);
	assert_int_equal(pr->n_matches, 1);
	assert_int_equal(pr->matches[0].type, CONFIG_MATCH_FQDN);
	assert_string_equal(pr->matches[0].value, "R2.cisco.com");
	assert_int_equal(pr->matches[0].line, 28);
	assert_null(pr->keyring);

	assert_ikev1_common(cfg, "192.168.0.1", "192.168.0.2", "192.168.100.1/24",
			    "192.168.200.0/24", "10.0.0.2");
	assert_string_equal(cfg->interfaces[0]->description, "Simulate LAN");
	assert_null(cfg->hostname);
	assert_null(cfg->fqdn);
	config_free(cfg);
}

/* With the hostname and domain the seed's FQDN identities imply, self-identity fqdn has one. */
static void test_r1_fqdn_identity(void **state)
{
	char *text = read_text_file(FIX("r1-ikev1.conf")), *all;
	struct config *cfg;

	assert_non_null(text);
	assert_true(asprintf(&all, "hostname R1\nip domain name cisco.com\n%s", text) > 0);
	cfg = load_ok(all);
	assert_string_equal(cfg->hostname, "R1");
	assert_string_equal(cfg->domain, "cisco.com");
	assert_string_equal(cfg->fqdn, "R1.cisco.com");
	assert_string_equal(cfg->isakmp_profiles[0]->self_identity.value, "R1.cisco.com");
	config_free(cfg);
	free(all);
	free(text);
}

static void test_r2_ikev1(void **state)
{
	struct config *cfg = load_file_ok(FIX("r2-ikev1.conf"));
	const struct config_isakmp_profile *pr;

	assert_int_equal(cfg->n_trustpoints, 2);
	/* the lines printed at column 0 after the page break still belong to IOSCA1 */
	assert_tp(cfg->trustpoints[0], "IOSCA1", 0, "url http://192.168.0.3:80", "R2.cisco.com",
		  "192.168.0.2", "CN=R2,OU=IT,O=cisco,O=com");
	assert_tp(cfg->trustpoints[1], "IOSCA2", 1, "url http://192.168.0.4:80", "R2.cisco.com",
		  "192.168.0.2", "CN=R2,OU=IT,O=cisco,O=com");
	pr = config_find_isakmp_profile(cfg, "prof1");
	assert_non_null(pr);
	assert_int_equal(pr->n_ca_trustpoints, 0); /* R2 trusts all global trust-points */
	assert_int_equal(pr->n_matches, 1);
	assert_int_equal(pr->matches[0].type, CONFIG_MATCH_FQDN);
	assert_string_equal(pr->matches[0].value, "R1.cisco.com");
	assert_ikev1_common(cfg, "192.168.0.2", "192.168.0.1", "192.168.200.1/24",
			    "192.168.100.0/24", "10.0.0.1");
	config_free(cfg);
}

static void test_r2_ikev1_duplicate_trustpoint(void **state)
{
	char *text = read_text_file(FIX("r2-ikev1-as-printed.conf"));
	struct config_diag d;
	struct config *cfg;
	char line[600];

	assert_non_null(text);
	EXPECT_ERRORS(text, "16: crypto pki trustpoint IOSCA1 is defined twice: 'enrollment url "
			    "http://192.168.0.4:80' conflicts with 'enrollment url "
			    "http://192.168.0.3:80' at line 6 (re-entering a trust-point edits "
			    "it: give the other trust-point its own name)");
	free(text);

	/* and as `ikegwd --check` prints it */
	config_diag_init(&d);
	assert_int_equal(config_load_file(FIX("r2-ikev1-as-printed.conf"), &cfg, &d), -EINVAL);
	assert_null(cfg);
	assert_int_equal(d.n_entries, 1);
	config_diag_format(&d.entries[0], line, sizeof(line));
	assert_string_equal(line, FIX("r2-ikev1-as-printed.conf") ":16: error: crypto pki "
								  "trustpoint IOSCA1 is defined "
								  "twice: 'enrollment url "
								  "http://192.168.0.4:80' "
								  "conflicts with 'enrollment url "
								  "http://192.168.0.3:80' at line "
								  "6 (re-entering a trust-point "
								  "edits it: give the other "
								  "trust-point its own name)");
	config_diag_clear(&d);
}

static void assert_ikev2_profile(const struct config_ikev2_profile *pr, const char *name,
				 const char *remote, const char *local)
{
	assert_string_equal(pr->name, name);
	assert_int_equal(pr->n_matches, 1);
	assert_int_equal(pr->matches[0].type, CONFIG_MATCH_ADDRESS);
	assert_string_equal(prefix_s(&pr->matches[0].prefix), remote);
	assert_int_equal(pr->local_identity.type, CONFIG_ID_ADDRESS);
	assert_string_equal(addr_s(&pr->local_identity.addr), local);
	assert_int_equal(pr->local_auth, CONFIG_AUTH_RSA_SIG);
	assert_int_equal(pr->remote_auth, CONFIG_AUTH_BIT(CONFIG_AUTH_RSA_SIG));
	assert_int_equal(pr->lifetime, 86400);
	assert_null(pr->keyring);
}

static void assert_prop_pol(const struct config *cfg)
{
	const struct config_ikev2_proposal *pp;
	const struct config_ikev2_policy *pol;

	assert_int_equal(cfg->n_ikev2_proposals, 1);
	pp = cfg->ikev2_proposals[0];
	assert_string_equal(pp->name, "prop-1");
	assert_int_equal(pp->n_encr, 1);
	assert_int_equal(pp->encr[0].alg, CONFIG_ENCR_3DES);
	assert_int_equal(pp->n_integ, 1);
	assert_int_equal(pp->integ[0], CONFIG_HASH_MD5);
	assert_int_equal(pp->n_prf, 0);
	assert_int_equal(pp->n_groups, 1);
	assert_int_equal(pp->groups[0], 2);
	assert_int_equal(cfg->n_ikev2_policies, 1);
	pol = cfg->ikev2_policies[0];
	assert_string_equal(pol->name, "pol-1");
	assert_true(pol->match_fvrf_any);
	assert_int_equal(pol->n_proposals, 1);
	assert_ptr_equal(pol->proposals[0].proposal, pp);
}

static void assert_ikev2_tunnel(const struct config *cfg, const char *src, const char *dst)
{
	const struct config_interface *t = config_find_interface(cfg, "Tunnel1");
	const struct config_transform_set *ts = cfg->transform_sets[0];

	assert_int_equal(cfg->n_transform_sets, 1);
	assert_string_equal(ts->name, "trans");
	assert_int_equal(ts->encr.alg, CONFIG_ENCR_3DES);
	assert_int_equal(ts->integ, CONFIG_HASH_SHA1);
	assert_int_equal(ts->mode, CONFIG_IPSEC_MODE_TUNNEL);
	assert_non_null(t);
	assert_string_equal(addr_s(&t->source), src);
	assert_string_equal(addr_s(&t->destination), dst);
	assert_non_null(t->protection);
	assert_string_equal(t->protection->name, "profile1");
	assert_ptr_equal(t->protection->ikev2_profile, config_find_ikev2_profile(cfg, "profile1"));
	assert_null(t->protection->isakmp_profile);
	assert_ptr_equal(t->protection->transform_sets[0].ts, ts);
}

static void test_ikev2_overlap_initiator(void **state)
{
	struct config *cfg = load_file_ok(FIX("ikev2-overlap-initiator.conf"));
	const struct config_ikev2_profile *pr;

	assert_prop_pol(cfg);
	assert_int_equal(cfg->n_ikev2_profiles, 1);
	pr = cfg->ikev2_profiles[0];
	assert_ikev2_profile(pr, "profile1", "192.168.0.2/32", "192.168.0.1");
	assert_int_equal(pr->n_trustpoints, 1);
	assert_ptr_equal(pr->trustpoints[0].tp, config_find_trustpoint(cfg, "TP1"));
	assert_int_equal(pr->trustpoints[0].usage, CONFIG_TP_BOTH);
	assert_ikev2_tunnel(cfg, "192.168.0.1", "192.168.0.2");
	assert_string_equal(prefix_s(&cfg->routes[0]->prefix), "192.168.200.1/32");
	config_free(cfg);
}

static void test_ikev2_overlap_responder(void **state)
{
	struct config *cfg = load_file_ok(FIX("ikev2-overlap-responder.conf"));
	static const char *const names[] = { "profile1", "profile2", "profile3" };

	assert_prop_pol(cfg);
	assert_int_equal(cfg->n_ikev2_profiles, 3);
	for (unsigned i = 0; i < 3; i++) {
		const struct config_ikev2_profile *pr = cfg->ikev2_profiles[i];

		assert_ikev2_profile(pr, names[i], "192.168.0.1/32", "192.168.0.2");
		assert_int_equal(pr->index, i);
		assert_int_equal(pr->n_trustpoints, 1);
		assert_ptr_equal(pr->trustpoints[0].tp, cfg->trustpoints[0]);
		/* identical rules: the configured order decides (profile3 is the last) */
		if (i)
			assert_true(pr->matches[0].order >
				    cfg->ikev2_profiles[i - 1]->matches[0].order);
	}
	assert_int_equal(cfg->ikev2_profiles[2]->matches[0].line, 32);
	/* `tunnel ...` printed at column 0 after the page break still belong to Tunnel1 */
	assert_ikev2_tunnel(cfg, "192.168.0.2", "192.168.0.1");
	assert_int_equal(cfg->n_tunnels, 1);
	config_free(cfg);
}

static void test_ikev2_initiator_without_trustpoint(void **state)
{
	struct config *cfg = load_file_ok(FIX("ikev2-initiator-no-trustpoint.conf"));

	assert_int_equal(cfg->n_ikev2_profiles, 1);
	assert_ikev2_profile(cfg->ikev2_profiles[0], "profile1", "192.168.0.2/32", "192.168.0.1");
	assert_int_equal(cfg->ikev2_profiles[0]->n_trustpoints, 0);
	assert_int_equal(cfg->n_trustpoints, 0);
	config_free(cfg);
}

static void test_ikev2_r2_tp1_tp2(void **state)
{
	struct config *cfg = load_file_ok(FIX("ikev2-r2-initiator-tp1-tp2.conf"));
	const struct config_ikev2_profile *pr = cfg->ikev2_profiles[0];

	assert_int_equal(cfg->n_trustpoints, 2);
	assert_string_equal(cfg->trustpoints[0]->name, "TP1");
	assert_string_equal(cfg->trustpoints[1]->name, "TP2");
	assert_ikev2_profile(pr, "profile1", "192.168.0.1/32", "192.168.0.2");
	assert_int_equal(pr->n_trustpoints, 2);
	assert_string_equal(pr->trustpoints[0].name, "TP1");
	assert_ptr_equal(pr->trustpoints[0].tp, cfg->trustpoints[0]);
	assert_string_equal(pr->trustpoints[1].name, "TP2");
	assert_ptr_equal(pr->trustpoints[1].tp, cfg->trustpoints[1]);
	assert_int_equal(pr->trustpoints[1].line, 16);
	config_free(cfg);
}

static void test_ikev2_r1_tp1(void **state)
{
	struct config *cfg = load_file_ok(FIX("ikev2-r1-responder-tp1.conf"));
	const struct config_ikev2_profile *pr = cfg->ikev2_profiles[0];

	assert_ikev2_profile(pr, "profile1", "192.168.0.2/32", "192.168.0.1");
	assert_int_equal(pr->n_trustpoints, 1);
	assert_ptr_equal(pr->trustpoints[0].tp, cfg->trustpoints[0]);
	config_free(cfg);
}

/* The IKEv2 configs refer to TP1, which the seed does not print: without it, a clear error. */
static void test_ikev2_missing_trustpoint(void **state)
{
	char *text = read_text_file(FIX("ikev2-r1-responder-tp1.conf"));
	char *body;

	assert_non_null(text);
	body = strstr(text, "crypto ikev2 profile");
	assert_non_null(body);
	EXPECT_ERRORS(body, "6: crypto ikev2 profile profile1: pki trustpoint TP1 is not defined");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_r1_ikev1),
		cmocka_unit_test(test_r1_fqdn_identity),
		cmocka_unit_test(test_r2_ikev1),
		cmocka_unit_test(test_r2_ikev1_duplicate_trustpoint),
		cmocka_unit_test(test_ikev2_overlap_initiator),
		cmocka_unit_test(test_ikev2_overlap_responder),
		cmocka_unit_test(test_ikev2_initiator_without_trustpoint),
		cmocka_unit_test(test_ikev2_r2_tp1_tp2),
		cmocka_unit_test(test_ikev2_r1_tp1),
		cmocka_unit_test(test_ikev2_missing_trustpoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
