/*
 * Real IOS configurations users paste (shared/ios-configs/, read in place, never copied):
 * the crypto and tunnel parts product.md covers load; everything else gets an error at its
 * exact line saying what to use instead. Each file's expected outcome is listed below as
 * (line, part of the message); nothing else may be reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_test.h"

#define DIR IKEGW_SHARED_DIR "/ios-configs"

#define MAP                                                                                        \
	"policy-based crypto maps are not supported: use a VTI (interface TunnelN with tunnel "    \
	"protection ipsec profile)"
#define VRF "VRFs are not supported: configure tunnels and routes in the global routing table"
#define ROUTING "routing protocols are not part of ikegw: run FRR over the tunnel interfaces"
#define ACL "access lists are not supported"
#define MGMT "IOS device management is not part of the ikegw configuration: remove the line"
#define LEGACY_CA "'crypto ca' is the legacy form of 'crypto pki'"
#define KEYPAIR "IOS key pairs are not used"
#define EMBEDDED "certificates embedded in the IOS configuration are not read"

struct expect {
	unsigned line;
	const char *text;
};

struct case_ {
	const char *file;
	const struct expect *errors; /* terminated by line 0; NULL: loads cleanly */
};

static const struct expect e01[] = {
	{ 3, "version: " MGMT },
	{ 4, "service: " MGMT },
	{ 5, "service: " MGMT },
	{ 9, "boot-start-marker: " MGMT },
	{ 10, "boot-end-marker: " MGMT },
	{ 14, "aaa: " MGMT },
	{ 17, "aaa: " MGMT },
	{ 23, "aaa: " MGMT },
	{ 24, "no ip icmp: " MGMT },
	{ 25, "no ip cef: " MGMT },
	{ 32, "no ip domain lookup: " MGMT },
	{ 34, "no ipv6 cef: " MGMT },
	{ 37, "multilink: " MGMT },
	{ 45, "username: " MGMT },
	{ 48, "ip tcp: " MGMT },
	{ 49, "ip ssh: " MGMT },
	{ 50, "ip ssh: " MGMT },
	{ 139, "ip ospf: " ROUTING },
	{ 145, "ip ospf: " ROUTING },
	{ 155, "ip access-group: " ACL },
	{ 185, "router: " ROUTING },
	{ 194, "router: " ROUTING },
	{ 230, "ip forward-protocol: " MGMT },
	{ 233, "no ip http: " MGMT },
	{ 234, "no ip http: " MGMT },
	{ 239, "ip access-list: " ACL },
	{ 242, "ip access-list: " ACL },
	{ 246, "ip prefix-list: " ROUTING },
	{ 247, "ip prefix-list: " ROUTING },
	{ 248, "access-list: " ACL },
	{ 249, "access-list: " ACL },
	{ 251, "route-map: " ROUTING },
	{ 254, "route-map: " ROUTING },
	{ 257, "route-map: " ROUTING },
	{ 263, "control-plane: " MGMT },
	{ 266, "line: " MGMT },
	{ 271, "line: " MGMT },
	{ 276, "line: " MGMT },
	{ 278, "line: " MGMT },
	{ 0, NULL },
};

static const struct expect e02[] = {
	{ 14, "authentication: rsa-encr (RSA encrypted nonces) is not supported: use rsa-sig or "
	      "pre-share" },
	{ 16, "crypto isakmp key: encrypted (type 6) keys cannot be read: write the key in clear "
	      "text" },
	{ 30, "self-identity: expected 'self-identity address|fqdn|user-fqdn USER@DOMAIN'" },
	{ 37, "self-identity: expected 'self-identity address|fqdn|user-fqdn USER@DOMAIN'" },
	{ 0, NULL },
};

static const struct expect e04[] = {
	{ 35, "crypto map: " MAP },
	{ 42, "crypto map: " MAP },
	{ 46, "crypto map: " MAP },
	{ 48, "crypto dynamic-map: " MAP },
	{ 53, "crypto dynamic-map: " MAP },
	{ 57, "ip access-list: " ACL },
	{ 62, "crypto map: " MAP },
	{ 66, "crypto map: " MAP },
	{ 0, NULL },
};

static const struct expect e05[] = {
	{ 7, "crypto ipsec transform-set: ah-sha-hmac: AH is not supported: use ESP" },
	{ 10, "crypto ipsec transform-set: ah-md5-hmac: AH is not supported: use ESP" },
	{ 13, "crypto ipsec transform-set: esp-gcm is a combined-mode (AEAD) cipher: it takes no "
	      "esp-*-hmac" },
	{ 16, "crypto ipsec transform-set: esp-gcm is a combined-mode (AEAD) cipher: it takes no "
	      "esp-*-hmac" },
	{ 19, "crypto ipsec transform-set: esp-gmac is not supported" },
	{ 22, "crypto ipsec transform-set: esp-gmac is not supported" },
	{ 25, "crypto ipsec transform-set: esp-seal is not supported" },
	{ 0, NULL },
};

static const struct expect e06[] = {
	/* PROFILE is an ISAKMP profile, not an ipsec profile */
	{ 17, "interface Tunnel1: tunnel protection ipsec profile PROFILE is not defined" },
	{ 0, NULL },
};

static const struct expect e07[] = {
	{ 6, "interface Tunnel30: tunnel protection ipsec profile SOMEPROF is not defined" },
	{ 0, NULL },
};

static const struct expect e08[] = {
	{ 9, "crypto isakmp profile p1: keyring kundefined is not defined" },
	{ 0, NULL },
};

static const struct expect e09[] = {
	{ 6, "crypto keyring: " VRF },
	{ 13, "vrf: " VRF },
	{ 15, "match identity: VRF 'Internet' given: " VRF },
	{ 16, "match identity: VRF 'Internet' given: " VRF },
	{ 17, "match identity: VRF 'Internet' given: " VRF },
	{ 18, "match identity: VRF 'Internet' given: " VRF },
	{ 20, "crypto map: " MAP },
	{ 0, NULL },
};

static const struct expect e10[] = {
	{ 38, "crypto map: " MAP }, { 44, "crypto map: " MAP }, { 50, "ip access-list: " ACL },
	{ 55, "crypto map: " MAP }, { 59, "crypto map: " MAP }, { 0, NULL },
};

static const struct expect e11[] = {
	{ 46, "crypto map: " MAP }, { 52, "crypto map: " MAP }, { 58, "ip access-list: " ACL },
	{ 77, "crypto map: " MAP }, { 81, "crypto map: " MAP }, { 0, NULL },
};

static const struct expect e12[] = {
	{ 40, "crypto map: " MAP },
	{ 42, "crypto dynamic-map: " MAP },
	{ 47, "ip access-list: " ACL },
	{ 59, "crypto map: " MAP },
	{ 0, NULL },
};

static const struct expect e13[] = {
	{ 58, "router: " ROUTING },
	{ 0, NULL },
};

static const struct expect e14[] = {
	{ 157, "router: " ROUTING },
	{ 314, "router: " ROUTING },
	{ 0, NULL },
};

static const struct expect e15[] = {
	{ 4, "crypto ca: " LEGACY_CA },
	{ 29, "crypto ca: " LEGACY_CA },
	{ 46, "crypto ca: " LEGACY_CA },
	{ 71, "crypto ca: " LEGACY_CA },
	{ 72, "crypto ca: " LEGACY_CA },
	{ 77, "crypto ca: " LEGACY_CA },
	{ 84, "crypto ca: " LEGACY_CA },
	{ 85, "unknown command 'crypto csr-params'" },
	{ 94, "crypto dynamic-map: " MAP },
	{ 95, "crypto dynamic-map: " MAP },
	{ 96, "crypto dynamic-map: " MAP },
	{ 97, "crypto dynamic-map: " MAP },
	{ 98, "crypto dynamic-map: " MAP },
	{ 100, "crypto dynamic-map: " MAP },
	{ 102, "crypto dynamic-map: " MAP },
	{ 104, "crypto dynamic-map: " MAP },
	{ 106, "crypto dynamic-map: " MAP },
	{ 108, "crypto dynamic-map: " MAP },
	{ 110, "crypto dynamic-map: " MAP },
	{ 112, "unknown command 'crypto engine'" },
	{ 113, "crypto ca: " LEGACY_CA },
	{ 115, "unknown command 'crypto ikev1'" },
	{ 116, "unknown command 'crypto ikev1'" },
	{ 117, "unknown command 'crypto ikev1'" },
	{ 118, "unknown command 'crypto ikev1'" },
	{ 119, "unknown command 'crypto ikev1'" },
	{ 125, "unknown command 'crypto ikev2 enable'" },
	/* ASA syntax inside an IOS `crypto ikev2 policy` */
	{ 133, "unknown command 'encryption'" },
	{ 134, "unknown command 'group'" },
	{ 135, "unknown command 'integrity'" },
	{ 136, "unknown command 'lifetime'" },
	{ 137, "unknown command 'prf'" },
	{ 138, "crypto ikev2 policy 10: proposal someproposal is not defined" },
	{ 143, "crypto ikev2 profile myprofile: keyring somekey is not defined" },
	{ 144, "crypto ikev2 profile myprofile: match address local interface Loopback8 is not "
	       "defined" },
	{ 152, "unknown command 'crypto ikev2 remote-access'" },
	{ 154, "unknown command 'crypto ipsec fragmentation'" },
	{ 155, "unknown command 'crypto ipsec ikev1'" },
	{ 156, "unknown command 'crypto ipsec ikev2'" },
	{ 160, "crypto ipsec profile abcdefg: transform-set hijklmnop is not defined" },
	{ 161, "crypto ipsec profile abcdefg: ikev2-profile someprofile is not defined" },
	{ 163, "crypto ipsec profile abcdefg: isakmp-profile someOtherprofile is not defined" },
	{ 163, "crypto ipsec profile abcdefg: set isakmp-profile and set ikev2-profile exclude "
	       "each other" },
	{ 165, "unknown command 'crypto ipsec nat-transparency'" },
	{ 166, "unknown command 'crypto ipsec nat-transparency'" },
	{ 167, "unknown command 'crypto ipsec security-association pmtu-aging'" },
	{ 175, "unknown command 'crypto isakmp identity'" },
	{ 176, "unknown command 'crypto isakmp invalid-spi-recovery'" },
	{ 191, "crypto isakmp profile myprofile: keyring VRF:MMS:RMT:UPM:1143 is not defined" },
	{ 195, "reverse-route: reverse-route belongs to crypto maps" },
	{ 196, "self-identity: expected 'self-identity address|fqdn|user-fqdn USER@DOMAIN'" },
	{ 197, "vrf: " VRF },
	{ 200, "crypto key: " KEYPAIR },
	{ 201, "crypto key: " KEYPAIR },
	{ 202, "crypto key: " KEYPAIR },
	{ 220, "crypto map: " MAP },
	{ 221, "crypto map: " MAP },
	{ 222, "crypto map: " MAP },
	{ 223, "crypto map: " MAP },
	{ 229, "crypto map: " MAP },
	{ 232, "crypto map: " MAP },
	{ 233, "crypto map: " MAP },
	{ 234, "crypto map: " MAP },
	{ 235, "crypto map: " MAP },
	{ 236, "crypto map: " MAP },
	{ 238, "crypto map: " MAP },
	{ 248, "crypto pki certificate: " EMBEDDED },
	{ 253, "crypto pki certificate: " EMBEDDED },
	{ 274, "crypto pki certificate: " EMBEDDED },
	{ 275, "unknown command 'crypto pki token'" },
	{ 279, "rsakeypair: " KEYPAIR },
	{ 282, "unknown command 'no validation-usage'" },
	{ 284, "crypto pki server: the IOS certificate server is not part of ikegw" },
	{ 290, "key: key chains belong to routing protocols: configure them in FRR" },
	{ 294, "key: key chains belong to routing protocols: configure them in FRR" },
	{ 302, "unknown command 'no crypto engine'" },
	{ 304, "unknown command 'no crypto isakmp enable'" },
	{ 305, "unknown command 'no crypto isakmp nat-traversal'" },
	{ 0, NULL },
};

static const struct expect e16[] = {
	{ 4, "crypto map: " MAP },
	{ 0, NULL },
};

static const struct expect e37[] = {
	{ 58, "interface Tunnel2: tunnel protection ipsec profile VPN_SCALE_TEST_VTI_2 is not "
	      "defined" },
	{ 0, NULL },
};

static const struct case_ cases[] = {
	{ "01-batfish-lhr-border-02.cfg", e01 },
	{ "02-batfish-ios-crypto.cfg", e02 },
	{ "03-batfish-ios-crypto-ipsec-profile.cfg", NULL },
	{ "04-batfish-ios-crypto-map.cfg", e04 },
	{ "05-batfish-ios-crypto-transform-set.cfg", e05 },
	{ "06-batfish-ios-ipsec-gh-5849.cfg", e06 },
	{ "07-batfish-ios-ipsec-ghe-5274.cfg", e07 },
	{ "08-batfish-ios-keyrings.cfg", e08 },
	{ "09-batfish-crypto-vrf.cfg", e09 },
	{ "10-batfish-ipsec-rig-r1.cfg", e10 },
	{ "11-batfish-ipsec-rig-r2.cfg", e11 },
	{ "12-batfish-ipsec-rig-r3.cfg", e12 },
	{ "13-batfish-aws-dx-onprem-router.cfg", e13 },
	{ "14-batfish-aws-vpn-generated.cfg", e14 },
	{ "15-batfish-unit-cisco-crypto.cfg", e15 },
	{ "16-batfish-crypto-map-pfs-only.cfg", e16 },
	{ "36-gcp-asr-ikev2-vti.cfg", NULL },
	{ "37-gcp-asr-ikev2-vti-redundant.cfg", e37 },
};

static bool have_shared(void)
{
	struct stat st;

	if (stat(DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	print_message("SKIPPED: %s is absent (the shared directory next to the checkout); the "
		      "real IOS configs are not tested\n",
		      DIR);
	return false;
}

static void check_case(const struct case_ *c)
{
	char path[512];
	struct config_diag d;
	struct config *cfg;
	size_t n = 0;
	bool ok;
	int r;

	snprintf(path, sizeof(path), "%s/%s", DIR, c->file);
	config_diag_init(&d);
	r = config_load_file(path, &cfg, &d);
	if (c->errors)
		while (c->errors[n].line)
			n++;
	ok = c->errors ? (r == -EINVAL && !cfg) : (r == 0 && cfg != NULL);
	ok = ok && d.n_entries == n && d.n_errors == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = d.entries[i].line == c->errors[i].line &&
		     strstr(d.entries[i].message, c->errors[i].text) != NULL;
	if (!ok) {
		fprintf(stderr, "%s: r=%d, expected %zu errors, got:\n", c->file, r, n);
		config_diag_print(&d, stderr);
		config_diag_clear(&d);
		config_free(cfg);
		fail_msg("%s: outcome differs from the expected one", c->file);
	}
	config_diag_clear(&d);
	config_free(cfg);
}

static void test_outcomes(void **state)
{
	if (!have_shared())
		skip();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* The clean ones: what the model holds. */
static void test_gcp_ikev2_vti(void **state)
{
	struct config *cfg;
	const struct config_ikev2_profile *pr;
	const struct config_ipsec_profile *ip;
	const struct config_interface *t;

	if (!have_shared())
		skip();
	cfg = load_file_ok(DIR "/36-gcp-asr-ikev2-vti.cfg");
	assert_int_equal(cfg->n_ikev2_proposals, 1);
	assert_int_equal(cfg->ikev2_proposals[0]->n_encr, 3);
	assert_int_equal(cfg->ikev2_proposals[0]->encr[0].key_bits, 256);
	assert_int_equal(cfg->ikev2_proposals[0]->groups[0], 16);
	pr = cfg->ikev2_profiles[0];
	assert_string_equal(pr->name, "VPN_SCALE_TEST_IKEV2_PROFILE");
	assert_string_equal(pr->match_local[0].ifname, "TenGigabitEthernet0/0/0");
	assert_string_equal(addr_s(&pr->match_local[0].addr), "203.0.113.4");
	assert_int_equal(pr->matches[0].type, CONFIG_MATCH_ANY);
	assert_int_equal(pr->local_auth, CONFIG_AUTH_PSK);
	assert_int_equal(pr->remote_auth, CONFIG_AUTH_BIT(CONFIG_AUTH_PSK));
	assert_ptr_equal(pr->keyring, cfg->ikev2_keyrings[0]);
	assert_string_equal(pr->keyring->peers[0]->psk_local, "MySharedSecret");
	assert_int_equal(pr->lifetime, 36000);
	assert_int_equal(pr->dpd_interval, 60);
	assert_int_equal(pr->dpd_retry, 5);
	assert_int_equal(pr->dpd_mode, CONFIG_DPD_PERIODIC);
	assert_int_equal(cfg->ipsec_lifetime.seconds, 3600);
	assert_int_equal(cfg->replay_window, 1024);
	ip = cfg->ipsec_profiles[0];
	assert_ptr_equal(ip->ikev2_profile, pr);
	assert_int_equal(ip->pfs_group, 16);
	assert_int_equal(ip->lifetime.seconds, 3600);
	t = cfg->tunnels[0];
	assert_string_equal(t->name, "Tunnel1");
	assert_string_equal(addr_s(&t->source), "203.0.113.4");
	assert_string_equal(addr_s(&t->destination), "104.196.200.68");
	assert_int_equal(t->mtu, 1400);
	assert_int_equal(t->adjust_mss, 1360);
	assert_ptr_equal(t->protection, ip);
	assert_ptr_equal(cfg->routes[0]->iface, t); /* `Tunnel 1` with a space */
	config_free(cfg);
}

static void test_batfish_ipsec_profile(void **state)
{
	struct config *cfg;
	const struct config_ipsec_profile *ip;

	if (!have_shared())
		skip();
	cfg = load_file_ok(DIR "/03-batfish-ios-crypto-ipsec-profile.cfg");
	assert_int_equal(cfg->n_ipsec_profiles, 6);
	ip = cfg->ipsec_profiles[0];
	assert_int_equal(ip->n_transform_sets, 2);
	assert_int_equal(ip->transform_sets[1].ts->integ, CONFIG_HASH_SHA1);
	assert_int_equal(ip->transform_sets[0].ts->encr.key_bits, 256);
	assert_ptr_equal(ip->isakmp_profile, cfg->isakmp_profiles[0]);
	assert_int_equal(ip->pfs_group, 14);
	assert_int_equal(cfg->isakmp_profiles[0]->keepalive, 10);
	assert_int_equal(cfg->isakmp_profiles[0]->keepalive_retry, 3);
	assert_ptr_equal(cfg->isakmp_profiles[0]->keyring, cfg->keyrings[0]);
	assert_int_equal(cfg->ipsec_profiles[5]->pfs_group, 5);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_gcp_ikev2_vti),
		cmocka_unit_test(test_batfish_ipsec_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
