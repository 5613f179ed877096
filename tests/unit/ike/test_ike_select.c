/*
 * The selection rules one by one: match identity semantics and specificity, profile
 * selection (most specific, last configured among equals, tunnel preference outside compat
 * mode), CERTREQ lists and their order, first-match certificate choice, validation lists and
 * the child SA check, each with its exact debug lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ike_test.h"

static struct ike_endpoints ep(const char *local, const char *remote)
{
	struct ike_endpoints e = { 0 };

	if (local) {
		e.local.family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, local, &e.local.v4), 1);
	}
	e.remote.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, remote, &e.remote.v4), 1);
	return e;
}

static struct ike_id fqdn(const char *v)
{
	return (struct ike_id){ .type = CONFIG_ID_FQDN, .value = v };
}

static struct ike_id addr(const char *a)
{
	struct ike_id id = { .type = CONFIG_ID_ADDRESS };

	id.addr.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, a, &id.addr.v4), 1);
	return id;
}

static const char v1_profiles[] = "crypto isakmp profile pA\n"
				  " match identity host domain cisco.com\n"
				  "crypto isakmp profile pB\n"
				  " match identity host R2.cisco.com\n"
				  "crypto isakmp profile pC\n"
				  " match identity address 192.168.0.0 255.255.255.0\n"
				  "crypto isakmp profile pD\n"
				  " match identity address 192.168.0.2 255.255.255.255\n"
				  "crypto isakmp profile pE\n"
				  " match identity host domain lab.cisco.com\n"
				  " match identity user-fqdn domain example.net\n";

static void expect_v1(const struct config *cfg, const struct ike_id *id, const char *name)
{
	struct ike_endpoints e = ep("192.168.0.1", "192.168.0.2");
	struct ike_test_lines l;
	struct ike_profile p;
	char line[64];

	ike_test_lines_init(&l);
	assert_int_equal(ike_profile_select(cfg, IKE_V1, id, &e, &l.tr, &p), 0);
	assert_string_equal(ike_profile_name(&p), name);
	snprintf(line, sizeof(line), "peer matches %s profile", name);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], line);
	ike_test_lines_free(&l);
}

static void test_match_identity(void **state)
{
	struct ike_test t;
	struct config *cfg;
	struct ike_id id;
	const struct config_isakmp_profile *pa, *pe;

	(void)state;
	ike_test_init(&t);
	cfg = ike_test_config_text(&t, "profiles.conf", v1_profiles);
	pa = config_find_isakmp_profile(cfg, "pA");
	pe = config_find_isakmp_profile(cfg, "pE");
	id = fqdn("R1.CISCO.com.");
	assert_true(ike_match_identity(&pa->matches[0], &id));
	id = fqdn("cisco.com");
	assert_true(ike_match_identity(&pa->matches[0], &id));
	id = fqdn("xcisco.com");
	assert_false(ike_match_identity(&pa->matches[0], &id));
	id = addr("192.168.0.2");
	assert_false(ike_match_identity(&pa->matches[0], &id));
	id = (struct ike_id){ .type = CONFIG_ID_EMAIL, .value = "ops@vpn.example.net" };
	assert_true(ike_match_identity(&pe->matches[1], &id));
	id = (struct ike_id){ .type = CONFIG_ID_EMAIL, .value = "ops@example.org" };
	assert_false(ike_match_identity(&pe->matches[1], &id));
	assert_int_equal(ike_match_specificity(&pa->matches[0]), 1 + strlen("cisco.com"));
	assert_int_equal(ike_match_specificity(&pe->matches[0]), 1 + strlen("lab.cisco.com"));
	assert_int_equal(ike_match_specificity(&config_find_isakmp_profile(cfg, "pB")->matches[0]),
			 100000);
	assert_int_equal(ike_match_specificity(&config_find_isakmp_profile(cfg, "pC")->matches[0]),
			 25);
	config_free(cfg);
	ike_test_free(&t);
}

static void test_select_most_specific(void **state)
{
	struct ike_endpoints e = ep("192.168.0.1", "192.168.0.2");
	struct ike_test_lines l;
	struct ike_test t;
	struct config *cfg;
	struct ike_profile p;
	struct ike_id id;

	(void)state;
	ike_test_init(&t);
	cfg = ike_test_config_text(&t, "profiles.conf", v1_profiles);
	id = fqdn("R2.cisco.com");
	expect_v1(cfg, &id, "pB"); /* exact host over domain */
	id = fqdn("r3.lab.cisco.com");
	expect_v1(cfg, &id, "pE"); /* longer domain over shorter */
	id = fqdn("R3.cisco.com");
	expect_v1(cfg, &id, "pA");
	id = addr("192.168.0.2");
	expect_v1(cfg, &id, "pD"); /* longer prefix */
	id = addr("192.168.0.7");
	expect_v1(cfg, &id, "pC");
	id = fqdn("gw.example.org");
	ike_test_lines_init(&l);
	assert_int_equal(ike_profile_select(cfg, IKE_V1, &id, &e, &l.tr, &p), -ENOENT);
	assert_null(p.v1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "peer matches *none* of the profiles");
	ike_test_lines_free(&l);
	config_free(cfg);
	ike_test_free(&t);
}

static void test_select_ikev2_last_and_any(void **state)
{
	static const char text[] = "crypto ikev2 profile any1\n"
				   " match identity remote any\n"
				   "crypto ikev2 profile p1\n"
				   " match identity remote address 192.168.0.1 255.255.255.255\n"
				   "crypto ikev2 profile p2\n"
				   " match identity remote address 192.168.0.1 255.255.255.255\n"
				   "crypto ikev2 profile any2\n"
				   " match identity remote any\n";
	struct ike_endpoints e = ep("192.168.0.2", "192.168.0.1");
	struct ike_id id = addr("192.168.0.1");
	struct ike_test_lines l;
	struct ike_test t;
	struct config *cfg;
	struct ike_profile p;

	(void)state;
	ike_test_init(&t);
	cfg = ike_test_config_text(&t, "v2.conf", text);
	ike_test_lines_init(&l);
	assert_int_equal(ike_profile_select(cfg, IKE_V2, &id, &e, &l.tr, &p), 0);
	assert_string_equal(ike_profile_name(&p), "p2");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "Searching policy based on peer's identity '192.168.0.1' of "
				    "type 'IPv4 address'");
	assert_string_equal(l.v[1], "found matching IKEv2 profile 'p2'");
	ike_test_lines_free(&l);
	/* an FQDN identity only matches the `any` rules: the last one */
	id = fqdn("R1.cisco.com");
	assert_int_equal(ike_profile_select(cfg, IKE_V2, &id, &e, &l.tr, &p), 0);
	assert_string_equal(ike_profile_name(&p), "any2");
	assert_string_equal(l.v[0], "Searching policy based on peer's identity 'R1.cisco.com' of "
				    "type 'FQDN'");
	ike_test_lines_free(&l);
	config_free(cfg);
	ike_test_free(&t);
}

static void test_select_prefers_tunnel_profile(void **state)
{
	struct ike_endpoints e = ep("192.168.0.2", "192.168.0.1");
	struct ike_id id = addr("192.168.0.1");
	struct ike_test_lines l;
	struct ike_test t;
	struct config *ios, *def;
	struct ike_profile p;

	(void)state;
	ike_test_init(&t);
	ios = ike_test_config(&t, "v2-overlap-r2.conf", true);
	def = ike_test_config(&t, "v2-overlap-r2.conf", false);
	ike_test_lines_init(&l);
	assert_int_equal(ike_profile_select(ios, IKE_V2, &id, &e, &l.tr, &p), 0);
	assert_string_equal(ike_profile_name(&p), "profile3");
	assert_false(ike_profile_used_towards(ios, &p, &e, NULL));
	ike_test_lines_free(&l);
	assert_int_equal(ike_profile_select(def, IKE_V2, &id, &e, &l.tr, &p), 0);
	assert_string_equal(ike_profile_name(&p), "profile1");
	assert_true(ike_profile_used_towards(def, &p, &e, NULL));
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1], "preferring profile 'profile1' (protects Tunnel1 towards "
				    "192.168.0.1) over 'profile3' that IOS would pick");
	assert_string_equal(l.v[2], "found matching IKEv2 profile 'profile1'");
	ike_test_lines_free(&l);
	/* a peer no tunnel goes to: specificity and order decide, as on IOS */
	e = ep("192.168.0.2", "192.168.0.9");
	assert_int_equal(ike_profile_select(def, IKE_V2, &id, &e, &l.tr, &p), 0);
	assert_string_equal(ike_profile_name(&p), "profile3");
	ike_test_lines_free(&l);
	config_free(ios);
	config_free(def);
	ike_test_free(&t);
}

static void names(const struct pki_trustpoint *const *tps, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
					 pki_tp_name(tps[i]));
}

static void test_certreq_order(void **state)
{
	const struct pki_trustpoint *tps[4];
	struct ike_endpoints e = ep("192.168.0.1", "192.168.0.2");
	struct ike_profile prof = { .version = IKE_V1 };
	struct ike_test_lines l;
	struct pki_store *store;
	struct config *ios, *def;
	struct ike_test t;
	char buf[64];
	size_t n;

	(void)state;
	ike_test_init(&t);
	ios = ike_test_config(&t, "v1-r1.conf", true);
	def = ike_test_config(&t, "v1-r1.conf", false);
	store = ike_test_store(ios);
	prof.v1 = config_find_isakmp_profile(ios, "prof1");
	ike_test_lines_init(&l);

	/* MM3: the profile's ca trust-point only */
	assert_int_equal(
		ike_certreq_build(ios, store, IKE_CERTREQ_V1_MM3, &prof, &e, &l.tr, tps, 4, &n), 0);
	names(tps, n, buf, sizeof(buf));
	assert_string_equal(buf, "IOSCA1");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com");
	ike_test_lines_free(&l);

	/* MM4 under IOS: store order, most recently enrolled (IOSCA2) first */
	assert_int_equal(
		ike_certreq_build(ios, store, IKE_CERTREQ_V1_MM4, NULL, &e, &l.tr, tps, 4, &n), 0);
	names(tps, n, buf, sizeof(buf));
	assert_string_equal(buf, "IOSCA2,IOSCA1");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com");
	ike_test_lines_free(&l);
	assert_int_equal(
		ike_certreq_build(ios, store, IKE_CERTREQ_V1_MM4, NULL, &e, &l.tr, tps, 1, &n),
		-ENOSPC);
	ike_test_lines_free(&l);

	/* MM4 by default: prof1 (Tunnel1 goes to 192.168.0.2) puts IOSCA1 first */
	assert_int_equal(
		ike_certreq_build(def, store, IKE_CERTREQ_V1_MM4, NULL, &e, &l.tr, tps, 4, &n), 0);
	names(tps, n, buf, sizeof(buf));
	assert_string_equal(buf, "IOSCA1,IOSCA2");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "ordering CERT_REQ: trust-points of the profiles that can "
				    "match 192.168.0.2 first (IOSCA1)");
	ike_test_lines_free(&l);
	/* ... but not for a peer no profile can bind before MM5 */
	e = ep("192.168.0.1", "192.168.0.9");
	assert_int_equal(
		ike_certreq_build(def, store, IKE_CERTREQ_V1_MM4, NULL, &e, &l.tr, tps, 4, &n), 0);
	names(tps, n, buf, sizeof(buf));
	assert_string_equal(buf, "IOSCA2,IOSCA1");
	assert_int_equal(l.n, 2);
	ike_test_lines_free(&l);

	/* IKEv2: none in the IKE_SA_INIT request, all (hashes) in the response */
	assert_int_equal(ike_certreq_build(ios, store, IKE_CERTREQ_V2_SA_INIT_I, NULL, &e, &l.tr,
					   tps, 4, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(ike_certreq_build(ios, store, IKE_CERTREQ_V2_SA_INIT_R, NULL, &e, &l.tr,
					   tps, 4, &n),
			 0);
	assert_int_equal(n, 2);
	ike_test_lines_free(&l);

	pki_store_free(store);
	config_free(ios);
	config_free(def);
	ike_test_free(&t);
}

static void test_cert_choose_first_match(void **state)
{
	struct ike_profile prof = { .version = IKE_V1 };
	const struct pki_trustpoint *tp = NULL;
	struct ike_certreq_entry e[4];
	struct ike_test_lines l;
	struct pki_store *store;
	struct config *cfg;
	struct ike_test t;
	uint8_t junk[3] = { 0x30, 0x05, 0x01 };

	(void)state;
	ike_test_init(&t);
	cfg = ike_test_config(&t, "v1-r1.conf", true);
	store = ike_test_store(cfg);
	prof.v1 = config_find_isakmp_profile(cfg, "prof1");
	e[0] = (struct ike_certreq_entry){ 1, junk, sizeof(junk) };
	e[1] = (struct ike_certreq_entry){ IKE_CERT_X509_SIGNATURE, junk, sizeof(junk) };
	assert_int_equal(ike_certreq_entry_of(pki_store_find(store, "IOSCA2"), IKE_V1, &e[2]), 0);
	assert_int_equal(ike_certreq_entry_of(pki_store_find(store, "IOSCA1"), IKE_V1, &e[3]), 0);

	/* initiator with `ca trust-point IOSCA1`: CA2 is examined and passed over */
	ike_test_lines_init(&l);
	assert_int_equal(ike_cert_choose(cfg, store, IKE_V1, true, &prof, e, 4, &l.tr, &tp), 0);
	assert_string_equal(pki_tp_name(tp), "IOSCA1");
	{
		static const char *const expect[] = {
			"processing CERT_REQ payload. message ID = 0",
			"peer wants cert type 1, not supported",
			"processing CERT_REQ payload. message ID = 0",
			"peer wants a CT_X509_SIGNATURE cert",
			"peer wants cert issued by <malformed DN>",
			"processing CERT_REQ payload. message ID = 0",
			"peer wants a CT_X509_SIGNATURE cert",
			"peer wants cert issued by cn=CA2,o=cisco,o=com",
			"Examining profile list for trustpoint IOSCA2",
			"processing CERT_REQ payload. message ID = 0",
			"peer wants a CT_X509_SIGNATURE cert",
			"peer wants cert issued by cn=CA1,o=cisco,o=com",
			"Examining profile list for trustpoint IOSCA1",
			"Found matching profile for IOSCA1",
			"Choosing trustpoint IOSCA1 as issuer",
		};
		ike_assert_lines(l.v, l.n, expect, N_ELEMS(expect));
	}
	ike_test_lines_free(&l);

	/* responder (profile unknown at MM3): the first entry wins */
	assert_int_equal(ike_cert_choose(cfg, store, IKE_V1, false, NULL, e, 4, &l.tr, &tp), 0);
	assert_string_equal(pki_tp_name(tp), "IOSCA2");
	assert_true(ike_has_line(l.v, l.n, "Choosing trustpoint IOSCA2 as issuer"));
	assert_false(ike_has_line(l.v, l.n, "Examining profile list for trustpoint IOSCA2"));
	ike_test_lines_free(&l);

	/* nothing usable */
	assert_int_equal(ike_cert_choose(cfg, store, IKE_V1, false, NULL, e, 2, &l.tr, &tp),
			 -ENOENT);
	assert_null(tp);
	assert_string_equal(pki_tp_name(ike_cert_default(store, &prof)), "IOSCA1");
	assert_string_equal(pki_tp_name(ike_cert_default(store, NULL)), "IOSCA2");
	ike_test_lines_free(&l);

	/* the CERT payload lines */
	ike_cert_payload(IKE_V1, pki_store_find(store, "IOSCA1"), &l.tr);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "constructing CERT payload for serialNumber=100+ipaddress="
				    "192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com");
	assert_string_equal(l.v[1], "using the IOSCA1 trustpoint's keypair to sign");
	ike_test_lines_free(&l);
	pki_store_free(store);
	config_free(cfg);
	ike_test_free(&t);
}

static void test_validate_and_child(void **state)
{
	struct ike_endpoints e = ep("192.168.0.1", "192.168.0.2");
	struct ike_profile prof = { .version = IKE_V1 };
	const struct pki_trustpoint *tp = NULL;
	const struct config_interface *tun;
	struct pki_store *s1, *s2;
	struct config *c1, *c2;
	struct ike_test_lines l;
	struct pki_error err;
	struct ike_test t;

	(void)state;
	ike_test_init(&t);
	c1 = ike_test_config(&t, "v1-r1.conf", true);
	c2 = ike_test_config(&t, "v1-r2.conf", true);
	s1 = ike_test_store(c1);
	s2 = ike_test_store(c2);
	prof.v1 = config_find_isakmp_profile(c1, "prof1");
	ike_test_lines_init(&l);
	assert_int_equal(ike_validate_peer_cert(s1, &prof, &e,
						pki_tp_cert(pki_store_find(s2, "IOSCA2")), NULL, 0,
						tpki_world_now(), &l.tr, &tp, &err),
			 -EACCES);
	assert_null(tp);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "Creating CERT validation list: IOSCA1,");
	assert_string_equal(l.v[2], "%CRYPTO-5-IKMP_INVALID_CERT: Certificate received from "
				    "192.168.0.2 is bad: unknown error returned in certificate "
				    "validation");
	ike_test_lines_free(&l);
	assert_int_equal(ike_validate_peer_cert(s1, &prof, &e,
						pki_tp_cert(pki_store_find(s2, "IOSCA1")), NULL, 0,
						tpki_world_now(), &l.tr, &tp, &err),
			 0);
	assert_string_equal(pki_tp_name(tp), "IOSCA1");
	assert_string_equal(l.v[1], "Certificate validation succeeded");
	ike_test_lines_free(&l);

	/* no profile: every trust-point, in store order */
	prof.v1 = NULL;
	assert_int_equal(ike_validate_peer_cert(s1, &prof, &e,
						pki_tp_cert(pki_store_find(s2, "IOSCA2")), NULL, 0,
						tpki_world_now(), &l.tr, &tp, &err),
			 0);
	assert_string_equal(l.v[0], "Creating CERT validation list: IOSCA2, IOSCA1,");
	ike_test_lines_free(&l);

	/* the child SA check: R1's Tunnel1 goes to 192.168.0.2 with prof1, not without profile */
	assert_int_equal(ike_child_select(c1, &prof, &e, &l.tr, &tun), -ENOENT);
	assert_null(tun);
	{
		static const char *const expect[] = {
			"map_db_check_isakmp_profile profile did not match",
			"map_db_find_best did not find matching map",
			"IPSEC(ipsec_process_proposal): proxy identities not supported",
			"IPSec policy invalidated proposal with error 32",
			"phase 2 SA policy not acceptable! (local 192.168.0.1 remote 192.168.0.2)",
		};
		ike_assert_lines(l.v, l.n, expect, N_ELEMS(expect));
	}
	ike_test_lines_free(&l);
	prof.v1 = config_find_isakmp_profile(c1, "prof1");
	assert_int_equal(ike_child_select(c1, &prof, &e, &l.tr, &tun), 0);
	assert_string_equal(tun->name, "Tunnel1");
	assert_int_equal(l.n, 0);
	pki_store_free(s1);
	pki_store_free(s2);
	config_free(c1);
	config_free(c2);
	ike_test_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_identity),
		cmocka_unit_test(test_select_most_specific),
		cmocka_unit_test(test_select_ikev2_last_and_any),
		cmocka_unit_test(test_select_prefers_tunnel_profile),
		cmocka_unit_test(test_certreq_order),
		cmocka_unit_test(test_cert_choose_first_match),
		cmocka_unit_test(test_validate_and_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
