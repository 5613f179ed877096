/*
 * The reading rules of the configuration language: modal sub-modes (indented or not, `exit`,
 * `!`, tabs, CRLF), IOS abbreviations and their ambiguity errors, `no` forms, the refused
 * features with what to use instead, placeholders, and every error collected with its line.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_test.h"

static void test_abbreviations(void **state)
{
	struct config *cfg = load_ok("hostn gw1\n"
				     "cry isa pol 10\n"
				     " encr aes 256\n"
				     " au pre\n"
				     " gr 14\n"
				     " ha sha256\n"
				     " life 3600\n"
				     "int Tu1\n"
				     " ip addr 10.0.0.1 255.255.255.252\n"
				     " tun sou 192.0.2.1\n"
				     " tun dest 198.51.100.1\n"
				     " tun mo ips ipv4\n"
				     " tun init on\n"
				     "int Tunnel 200\n"
				     " shut\n"
				     "ip ro 10.1.0.0 255.255.0.0 Tunnel 200\n");
	const struct config_isakmp_policy *pol = cfg->isakmp_policies[0];
	const struct config_interface *t1, *t200;

	assert_string_equal(cfg->hostname, "gw1");
	assert_int_equal(pol->encr.alg, CONFIG_ENCR_AES_CBC);
	assert_int_equal(pol->encr.key_bits, 256);
	assert_int_equal(pol->auth, CONFIG_AUTH_PSK);
	assert_int_equal(pol->group, 14);
	assert_int_equal(pol->hash, CONFIG_HASH_SHA256);
	assert_int_equal(pol->lifetime, 3600);
	t1 = config_find_interface(cfg, "Tunnel1");
	assert_non_null(t1);
	assert_string_equal(prefix_s(&t1->ipv4), "10.0.0.1/30");
	assert_string_equal(addr_s(&t1->source), "192.0.2.1");
	assert_null(t1->source_ifname);
	assert_string_equal(addr_s(&t1->destination), "198.51.100.1");
	assert_int_equal(t1->initiate, CONFIG_INITIATE_ON_DEMAND);
	/* `interface Tunnel 200` is Tunnel200, whatever the spelling used to find it */
	t200 = config_find_interface(cfg, "Tunnel200");
	assert_non_null(t200);
	assert_ptr_equal(config_find_interface(cfg, "Tu 200"), t200);
	assert_ptr_equal(config_find_interface(cfg, "tunnel200"), t200);
	assert_int_equal(t200->tunnel_number, 200);
	assert_true(t200->shutdown);
	assert_int_equal(cfg->n_tunnels, 2);
	assert_int_equal(cfg->routes[0]->kind, CONFIG_ROUTE_INTERFACE);
	assert_ptr_equal(cfg->routes[0]->iface, t200);
	assert_string_equal(cfg->routes[0]->ifname, "Tunnel200");
	config_free(cfg);
}

static void test_interface_names(void **state)
{
	struct config *cfg = load_ok("interface gi0/0.70\n ip address 192.0.2.1 255.255.255.0\n"
				     "interface e0/1\n"
				     "interface Te0/0/0\n"
				     "interface Lo 0\n"
				     "interface GigabitEthernet1\n");

	assert_int_equal(cfg->n_interfaces, 5);
	assert_string_equal(cfg->interfaces[0]->name, "GigabitEthernet0/0.70");
	assert_string_equal(cfg->interfaces[1]->name, "Ethernet0/1");
	assert_string_equal(cfg->interfaces[2]->name, "TenGigabitEthernet0/0/0");
	assert_string_equal(cfg->interfaces[3]->name, "Loopback0");
	assert_string_equal(cfg->interfaces[4]->name, "GigabitEthernet1");
	assert_int_equal(cfg->n_tunnels, 0);
	config_free(cfg);

	EXPECT_ERRORS("interface T1\n"
		      "interface Foo1\n"
		      "interface Tunnel\n"
		      "interface Tunnel1/0\n"
		      "interface Tunnel1 extra\n",
		      "1: interface: ambiguous interface type 'T'",
		      "2: interface: unknown interface type 'Foo'",
		      "3: interface: interface Tunnel: missing interface number",
		      "4: interface: invalid tunnel number '1/0' (0-2147483647)",
		      "5: interface: unexpected 'extra' after the interface name");
}

static void test_ambiguous(void **state)
{
	EXPECT_ERRORS("cr i p 10\n"
		      "i\n"
		      "crypto ipsec profile P\n"
		      " set i X\n",
		      "1: ambiguous command 'cr i': 'i' could be isakmp, ikev2, ipsec",
		      "2: ambiguous command 'i': 'i' could be ip, ipv6, interface",
		      "4: ambiguous command 'set i': 'i' could be isakmp-profile, ikev2-profile");
}

static void test_unknown_and_incomplete(void **state)
{
	EXPECT_ERRORS("xyz 1 2\n"
		      "crypto isakmp foo bar\n"
		      "crypto isakmp\n"
		      "no\n"
		      "no xyz\n"
		      "interface Tunnel1\n"
		      " ip adress 10.0.0.1 255.255.255.0\n"
		      " tunnel source 192.0.2.1\n",
		      "1: unknown command 'xyz'", "2: unknown command 'crypto isakmp foo'",
		      "3: incomplete command 'crypto isakmp'", "4: unknown command 'no'",
		      "5: unknown command 'no xyz'", "7: unknown command 'ip adress'");
}

/* Sub-mode lines at column 0, tabs, CRLF, comments everywhere, `exit`, `end`. */
static void test_modal_reading(void **state)
{
	struct config *cfg = load_ok("! leading comment\r\n"
				     "crypto isakmp profile P1\r\n"
				     "match identity host a.example\r\n"
				     "\t! comment inside\r\n"
				     "\tmatch identity host b.example\r\n"
				     "\r\n"
				     "!\r\n"
				     "match identity address 10.0.0.0 255.0.0.0\r\n"
				     "crypto isakmp profile P2\n"
				     "exit\n"
				     "crypto ipsec transform-set T esp-aes esp-sha-hmac\n"
				     "mode transport\n"
				     "end\n"
				     "crypto ikev2 keyring K\n"
				     " peer A\n"
				     " address 192.0.2.1\n"
				     " pre-shared-key secretA\n"
				     " peer B\n"
				     "  address 192.0.2.2\n"
				     "  exit\n"
				     " peer C\n"
				     "ip domain name after.example");
	const struct config_isakmp_profile *p1 = cfg->isakmp_profiles[0];
	const struct config_ikev2_keyring *kr = cfg->ikev2_keyrings[0];

	assert_int_equal(cfg->n_isakmp_profiles, 2);
	assert_int_equal(p1->n_matches, 3);
	assert_string_equal(p1->matches[1].value, "b.example");
	assert_string_equal(prefix_s(&p1->matches[2].prefix), "10.0.0.0/8");
	assert_int_equal(p1->matches[2].line, 8);
	assert_int_equal(cfg->isakmp_profiles[1]->n_matches, 0);
	assert_int_equal(cfg->transform_sets[0]->mode, CONFIG_IPSEC_MODE_TRANSPORT);
	assert_int_equal(kr->n_peers, 3);
	assert_string_equal(kr->peers[0]->name, "A");
	assert_string_equal(prefix_s(&kr->peers[0]->address), "192.0.2.1/32");
	assert_string_equal(kr->peers[0]->psk_local, "secretA");
	assert_string_equal(kr->peers[0]->psk_remote, "secretA");
	assert_string_equal(prefix_s(&kr->peers[1]->address), "192.0.2.2/32");
	assert_string_equal(kr->peers[2]->name, "C");
	assert_string_equal(cfg->domain, "after.example"); /* no newline at the end */
	config_free(cfg);

	/* after `exit` the profile's commands are no longer understood */
	EXPECT_ERRORS("crypto isakmp profile P\nexit\nmatch identity host x\n",
		      "3: unknown command 'match'");
}

/* A line the sub-mode does not know ends it; the top level reads it. */
static void test_mode_fallback(void **state)
{
	struct config *cfg = load_ok("interface Ethernet0/0\n"
				     " ip address 192.0.2.1 255.255.255.0\n"
				     "ip route 10.0.0.0 255.0.0.0 Ethernet0/0\n");

	/* `ip route` after an interface block is the route, not the sub-mode's `ip ...` */
	assert_int_equal(cfg->n_routes, 1);
	assert_ptr_equal(cfg->routes[0]->iface, cfg->interfaces[0]);
	config_free(cfg);
	/* ... and the interface's sub-mode is over */
	EXPECT_ERRORS("interface Ethernet0/0\n"
		      "ip route 10.0.0.0 255.0.0.0 192.0.2.254\n"
		      " description not the interface's\n",
		      "3: unknown command 'description'");
}

static void test_no_forms(void **state)
{
	struct config *cfg =
		load_ok("hostname gw\n"
			"no hostname\n"
			"crypto isakmp policy 10\n"
			" encr aes\n hash md5\n group 14\n auth pre\n lifetime 600\n"
			" no encr\n no hash\n no group\n no auth\n no lifetime\n"
			"crypto isakmp policy 20\n"
			"no crypto isakmp policy 20\n"
			"crypto isakmp profile P\n"
			" match identity host a\n match identity host b\n"
			" no match identity host a\n"
			" ca trust-point T1\n ca trust-point T2\n no ca trust-point T1\n"
			" self-identity fqdn\n no self-identity\n"
			" initiate mode aggressive\n no initiate mode\n"
			" keepalive 10 retry 3\n no keepalive\n"
			"crypto pki trustpoint T2\n"
			" enrollment url http://x\n no enrollment\n"
			" fqdn a.example\n no fqdn\n"
			" revocation-check none\n no revocation-check\n"
			"crypto isakmp profile Q\n"
			"no crypto isakmp profile Q\n"
			"interface Tunnel1\n"
			" ip mtu 1400\n no ip mtu\n"
			" ip tcp adjust-mss 1360\n no ip tcp adjust-mss\n"
			" shutdown\n no shutdown\n"
			" description x\n no description\n"
			" tunnel initiate never\n no tunnel initiate\n"
			" tunnel protection ipsec profile X\n no tunnel protection\n"
			" tunnel mode ipsec ipv6\n no tunnel mode\n"
			" ip address 10.0.0.1 255.255.255.0\n no ip address\n"
			"interface Tunnel2\n"
			"no interface Tunnel2\n"
			"ip route 10.0.0.0 255.0.0.0 192.0.2.1\n"
			"ip route 10.1.0.0 255.255.0.0 192.0.2.1\n"
			"no ip route 10.0.0.0 255.0.0.0 192.0.2.1\n"
			"crypto ipsec transform-set T esp-aes esp-sha-hmac\n"
			"no crypto ipsec transform-set T\n"
			"crypto isakmp keepalive 20\n"
			"no crypto isakmp keepalive\n"
			"crypto compat ios\n"
			"no crypto compat ios\n"
			"crypto keyring K\n"
			" pre-shared-key address 192.0.2.1 key a\n"
			" pre-shared-key address 192.0.2.2 key b\n"
			" pre-shared-key hostname h.example key c\n"
			" no pre-shared-key address 192.0.2.1 key a\n"
			" no pre-shared-key hostname h.example\n"
			"crypto isakmp key k1 address 192.0.2.9\n"
			"no crypto isakmp key k1 address 192.0.2.9\n");
	const struct config_isakmp_policy *pol;
	const struct config_isakmp_profile *pr;
	const struct config_trustpoint *tp;
	const struct config_interface *t;

	assert_null(cfg->hostname);
	assert_int_equal(cfg->n_isakmp_policies, 1);
	pol = cfg->isakmp_policies[0];
	assert_int_equal(pol->encr.alg, CONFIG_ENCR_DES);
	assert_int_equal(pol->hash, CONFIG_HASH_SHA1);
	assert_int_equal(pol->group, 1);
	assert_int_equal(pol->auth, CONFIG_AUTH_RSA_SIG);
	assert_int_equal(pol->lifetime, 86400);
	assert_int_equal(cfg->n_isakmp_profiles, 1);
	pr = cfg->isakmp_profiles[0];
	assert_int_equal(pr->n_matches, 1);
	assert_string_equal(pr->matches[0].value, "b");
	assert_int_equal(pr->n_ca_trustpoints, 1);
	assert_string_equal(pr->ca_trustpoints[0].name, "T2");
	assert_int_equal(pr->self_identity.type, CONFIG_ID_ADDRESS);
	assert_false(pr->initiate_aggressive);
	assert_int_equal(pr->keepalive, 0);
	tp = cfg->trustpoints[0];
	assert_null(tp->enrollment);
	assert_null(tp->fqdn);
	assert_int_equal(tp->revocation, CONFIG_REVOCATION_CRL);
	assert_int_equal(cfg->n_interfaces, 1);
	assert_int_equal(cfg->n_tunnels, 1);
	t = cfg->tunnels[0];
	assert_int_equal(t->mtu, 0);
	assert_int_equal(t->adjust_mss, 0);
	assert_false(t->shutdown);
	assert_null(t->description);
	assert_int_equal(t->initiate, CONFIG_INITIATE_ALWAYS);
	assert_null(t->protection_name);
	assert_int_equal(t->mode, CONFIG_TUNNEL_IPSEC_IPV4);
	assert_int_equal(t->ipv4.addr.family, 0);
	assert_int_equal(cfg->n_routes, 1);
	assert_string_equal(prefix_s(&cfg->routes[0]->prefix), "10.1.0.0/16");
	assert_int_equal(cfg->n_transform_sets, 0);
	assert_int_equal(cfg->isakmp_keepalive, 0);
	assert_false(cfg->compat_ios);
	assert_int_equal(cfg->keyrings[0]->n_psks, 1);
	assert_string_equal(cfg->keyrings[0]->psks[0]->key, "b");
	assert_int_equal(cfg->n_isakmp_keys, 0);
	config_free(cfg);

	EXPECT_ERRORS("no crypto isakmp profile P\n"
		      "no ip route 10.0.0.0 255.0.0.0 192.0.2.1\n"
		      "no interface Tunnel9\n",
		      "1: no crypto isakmp profile: profile P is not defined",
		      "2: no ip route: no matching route to delete",
		      "3: no interface: interface Tunnel9 is not defined");
}

static void test_refused(void **state)
{
	EXPECT_ERRORS(
		"crypto map M 10 ipsec-isakmp\n"
		" set peer 192.0.2.1\n"
		" match address ACL\n"
		"crypto dynamic-map D 10\n"
		" set transform-set T\n"
		"interface Ethernet0/0\n"
		" crypto map M\n"
		" vrf forwarding RED\n"
		" ip ospf cost 10\n"
		"interface Tunnel1\n"
		" tunnel mode gre ip\n"
		" tunnel mode gre multipoint\n"
		" tunnel mode mgre\n"
		" ip nhrp map 10.0.0.2 192.0.2.2\n"
		" tunnel key 5\n"
		" tunnel protection ipsec profile P shared\n"
		" tunnel mode ipip\n"
		"interface Virtual-Template1 type tunnel\n"
		" tunnel mode ipsec ipv4\n"
		"router bgp 65000\n"
		" neighbor 10.0.0.2 remote-as 65001\n"
		" address-family ipv4\n"
		"  network 0.0.0.0\n"
		" exit-address-family\n"
		"ip vrf RED\n"
		" rd 1:1\n"
		"crypto ipsec transform-set A esp-aes ah-sha-hmac\n"
		" mode tunnel\n"
		"ip access-list extended X\n"
		" permit ip any any\n"
		"version 15.2\n"
		"crypto ipsec profile P\n"
		" set peer 192.0.2.1\n",
		"1: crypto map: policy-based crypto maps are not supported: use a VTI (interface "
		"TunnelN with tunnel protection ipsec profile)",
		"4: crypto dynamic-map: policy-based crypto maps are not supported: use a VTI "
		"(interface TunnelN with tunnel protection ipsec profile)",
		"7: crypto map: policy-based crypto maps are not supported: use a VTI (interface "
		"TunnelN with tunnel protection ipsec profile)",
		"8: vrf: VRFs are not supported: configure tunnels and routes in the global "
		"routing "
		"table",
		"9: ip ospf: routing protocols are not part of ikegw: run FRR over the tunnel "
		"interfaces",
		"11: tunnel mode: GRE tunnels are not supported: use tunnel mode ipsec ipv4 (a "
		"VTI)",
		"12: tunnel mode: DMVPN/NHRP is not supported: configure one interface TunnelN per "
		"peer with tunnel protection ipsec profile",
		"13: tunnel mode: DMVPN/NHRP is not supported: configure one interface TunnelN per "
		"peer with tunnel protection ipsec profile",
		"14: ip nhrp: DMVPN/NHRP is not supported: configure one interface TunnelN per "
		"peer "
		"with tunnel protection ipsec profile",
		"15: tunnel key: GRE tunnels are not supported: use tunnel mode ipsec ipv4 (a VTI)",
		"16: tunnel protection: DMVPN/NHRP is not supported: configure one interface "
		"TunnelN per peer with tunnel protection ipsec profile",
		"17: tunnel mode: tunnel mode ipip is not supported: only 'tunnel mode ipsec "
		"ipv4|ipv6' (a VTI)",
		"18: interface: Virtual-Template1: dynamic VTIs (Virtual-Template) are not "
		"supported: configure one interface TunnelN per peer",
		"20: router: routing protocols are not part of ikegw: run FRR over the tunnel "
		"interfaces",
		"25: ip vrf: VRFs are not supported: configure tunnels and routes in the global "
		"routing table",
		"27: crypto ipsec transform-set: ah-sha-hmac: AH is not supported: use ESP (e.g. "
		"esp-aes 256 esp-sha256-hmac, or esp-gcm 256)",
		"29: ip access-list: access lists are not supported: a VTI protects what is routed "
		"into it (use ip route ... TunnelN); filter traffic with nftables",
		"31: version: IOS device management is not part of the ikegw configuration: remove "
		"the line (manage the Linux host with its own tools)",
		"33: set peer: set peer belongs to crypto maps: with a VTI the peer is the tunnel "
		"destination");
}

static void test_placeholders(void **state)
{
	struct config *cfg;

	EXPECT_ERRORS(
		"crypto ipsec profile P\n"
		" set transform-set <transform_set>\n"
		"interface Tunnel1\n"
		" tunnel destination X.X.X.X\n"
		" tunnel source 10.x.x.1\n"
		"<your-hostname>\n",
		"2: placeholder '<transform_set>' left from a configuration template: replace "
		"it with the real value",
		"4: placeholder 'X.X.X.X' left from a configuration template: replace it with "
		"the real value",
		"5: placeholder '10.x.x.1' left from a configuration template: replace it with "
		"the real value",
		"6: placeholder '<your-hostname>' left from a configuration template: replace "
		"it with the real value");
	/* free text may contain anything */
	cfg = load_ok("interface Tunnel1\n description to <site B> X.X\n");
	assert_string_equal(cfg->tunnels[0]->description, "to <site B> X.X");
	config_free(cfg);
}

static void test_bad_bytes(void **state)
{
	static const char nul[] = "hostname a\nhost\0name b\nhostname c\n";
	char long_line[5000];
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	assert_int_equal(config_load_buffer("t", NULL, nul, sizeof(nul) - 1, &cfg, &d), -EINVAL);
	assert_int_equal(d.n_errors, 1);
	assert_int_equal(d.entries[0].line, 2);
	assert_string_equal(d.entries[0].message, "invalid control character 0x00");
	config_diag_clear(&d);

	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	EXPECT_ERRORS(long_line, "1: line longer than 4096 characters");
	EXPECT_ERRORS("hostname \x01x\n", "1: invalid control character 0x01");
	/* a UTF-8 no-break space (pasted from a web page) is a space */
	cfg = load_ok("crypto isakmp policy\xc2\xa0"
		      "10\n\xc2\xa0hash md5\n");
	assert_int_equal(cfg->isakmp_policies[0]->hash, CONFIG_HASH_MD5);
	config_free(cfg);
}

static void test_all_errors_collected(void **state)
{
	EXPECT_ERRORS(
		"hostname 1bad\n"
		"crypto isakmp policy 10\n"
		" group 3\n"
		" lifetime 10\n"
		" encryption blowfish\n"
		"crypto isakmp profile A\n"
		" ca trust-point NOPE\n"
		"interface Tunnel1\n"
		" tunnel protection ipsec profile NOPE\n",
		"1: hostname: invalid host name '1bad' (letters, digits, '-'; up to 63, "
		"starting with a letter)",
		"3: group: unsupported Diffie-Hellman group '3' (supported: 1 2 5 14 15 16 19 "
		"20 21 24 31)",
		"4: lifetime: '10' is not a number of seconds in 60-86400",
		"5: encryption: expected 'encryption des|3des|aes [128|192|256]'",
		"7: crypto isakmp profile A: ca trust-point NOPE is not defined",
		"9: interface Tunnel1: tunnel protection ipsec profile NOPE is not defined");
}

static void test_diag_format(void **state)
{
	struct config_diag d;
	struct config *cfg;
	char buf[256];
	FILE *f;
	size_t len = 0;
	char *out = NULL;

	config_diag_init(&d);
	assert_int_equal(config_load_buffer("r1.conf", NULL, "ok\n", 3, &cfg, &d), -EINVAL);
	assert_int_equal(d.n_entries, 1);
	assert_int_equal(config_diag_format(&d.entries[0], buf, sizeof(buf)),
			 (int)strlen("r1.conf:1: error: unknown command 'ok'"));
	assert_string_equal(buf, "r1.conf:1: error: unknown command 'ok'");
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(config_diag_print(&d, f), 0);
	fclose(f);
	assert_string_equal(out, "r1.conf:1: error: unknown command 'ok'\n");
	free(out);
	config_diag_clear(&d);

	/* missing file: -ENOENT and a diagnostic naming it */
	config_diag_init(&d);
	assert_int_equal(config_load_file("/nonexistent/ikegw.conf", &cfg, &d), -ENOENT);
	assert_null(cfg);
	config_diag_format(&d.entries[0], buf, sizeof(buf));
	assert_string_equal(buf, "/nonexistent/ikegw.conf: error: cannot open: No such file or "
				 "directory");
	config_diag_clear(&d);
}

static void test_too_many_errors(void **state)
{
	size_t n = 2000;
	char *text = malloc(n * 4 + 1);
	struct config_diag d;
	struct config *cfg;

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * 4, "xx\n\n", 4);
	text[n * 4] = '\0';
	config_diag_init(&d);
	assert_int_equal(config_load_buffer("t", NULL, text, n * 4, &cfg, &d), -EINVAL);
	assert_int_equal(d.n_errors, n);
	assert_int_equal(d.n_entries, CONFIG_DIAG_MAX);
	assert_true(d.truncated);
	assert_int_equal(d.entries[CONFIG_DIAG_MAX - 1].line, CONFIG_DIAG_MAX * 2 - 1);
	config_diag_clear(&d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_interface_names),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_unknown_and_incomplete),
		cmocka_unit_test(test_modal_reading),
		cmocka_unit_test(test_mode_fallback),
		cmocka_unit_test(test_no_forms),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_all_errors_collected),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_too_many_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
