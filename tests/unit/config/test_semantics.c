/*
 * What the model holds: typed algorithms and groups, lifetimes, identities and match rules
 * (with their global order), keys and keyrings, reference resolution and its errors, tunnel
 * defaults and source resolution (IPv4 and IPv6), and the trust-point duplicate rule.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_test.h"

/* Every DH group by IANA number, in IKEv1 policies, IKEv2 proposals and PFS. */
static void test_dh_groups(void **state)
{
	static const unsigned ok[] = { 1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31 };
	static const char *const bad[] = { "0", "3", "4", "17", "22", "23", "25", "32", "x" };
	char text[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct config *cfg;

		snprintf(text, sizeof(text),
			 "crypto isakmp policy 1\n group %u\n"
			 "crypto ikev2 proposal P\n group %u\n"
			 "crypto ipsec profile I\n set pfs group%u\n",
			 ok[i], ok[i], ok[i]);
		cfg = load_ok(text);
		assert_int_equal(cfg->isakmp_policies[0]->group, ok[i]);
		assert_int_equal(cfg->ikev2_proposals[0]->n_groups, 1);
		assert_int_equal(cfg->ikev2_proposals[0]->groups[0], ok[i]);
		assert_int_equal(cfg->ipsec_profiles[0]->pfs_group, ok[i]);
		assert_true(config_dh_group_valid(ok[i]));
		config_free(cfg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[200];

		snprintf(text, sizeof(text), "crypto isakmp policy 1\n group %s\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "2: group: unsupported Diffie-Hellman group '%s' (supported: 1 2 5 14 15 "
			 "16 19 20 21 24 31)",
			 bad[i]);
		EXPECT_ERRORS(text, msg);
	}
}

static void test_ikev2_proposal_algorithms(void **state)
{
	struct config *cfg = load_ok("crypto ikev2 proposal P\n"
				     " encryption aes-cbc-256 aes-cbc-192 aes-cbc-128\n"
				     " encryption aes-gcm-256 aes-gcm-128 chacha20-poly1305\n"
				     " encryption aes-cbc-256\n" /* already there */
				     " integrity sha512 sha384 sha256 sha1 md5\n"
				     " prf sha256\n"
				     " group 19 20 21 31 24 16 15\n"
				     " group 14\n"
				     " no encryption aes-cbc-192\n"
				     "crypto ikev2 proposal Q\n"
				     " group 2\n"
				     " no group\n");
	const struct config_ikev2_proposal *p = cfg->ikev2_proposals[0];
	static const uint16_t groups[] = { 19, 20, 21, 31, 24, 16, 15, 14 };

	assert_int_equal(p->n_encr, 5);
	assert_int_equal(p->encr[0].alg, CONFIG_ENCR_AES_CBC);
	assert_int_equal(p->encr[0].key_bits, 256);
	assert_int_equal(p->encr[1].key_bits, 128);
	assert_int_equal(p->encr[2].alg, CONFIG_ENCR_AES_GCM);
	assert_int_equal(p->encr[2].key_bits, 256);
	assert_int_equal(p->encr[3].alg, CONFIG_ENCR_AES_GCM);
	assert_int_equal(p->encr[3].key_bits, 128);
	assert_int_equal(p->encr[4].alg, CONFIG_ENCR_CHACHA20_POLY1305);
	assert_int_equal(p->n_integ, 5);
	assert_int_equal(p->integ[0], CONFIG_HASH_SHA512);
	assert_int_equal(p->integ[4], CONFIG_HASH_MD5);
	assert_int_equal(p->n_prf, 1);
	assert_int_equal(p->prf[0], CONFIG_HASH_SHA256);
	assert_int_equal(p->n_groups, 8);
	assert_memory_equal(p->groups, groups, sizeof(groups));
	assert_int_equal(cfg->ikev2_proposals[1]->n_groups, 0);
	config_free(cfg);

	EXPECT_ERRORS(
		"crypto ikev2 proposal P\n"
		" encryption aes-cbc-512\n"
		" group 3\n"
		" group 1 2 5 14 15 16 19 20 21\n"
		" integrity sha\n",
		"2: encryption: unknown algorithm 'aes-cbc-512' (supported: des 3des "
		"aes-cbc-128 aes-cbc-192 aes-cbc-256 aes-gcm-128 aes-gcm-256 "
		"chacha20-poly1305)",
		"3: group: unsupported Diffie-Hellman group '3' (supported: 1 2 5 14 15 16 19 "
		"20 21 24 31)",
		"4: group: at most 8 algorithms",
		"5: integrity: unknown algorithm 'sha' (supported: md5 sha1 sha256 sha384 "
		"sha512)");
}

static void test_isakmp_policy(void **state)
{
	struct config *cfg = load_ok("crypto isakmp policy 30\n"
				     "crypto isakmp policy 10\n"
				     " encr aes 192\n hash sha384\n group 31\n"
				     " authentication ecdsa-sig\n"
				     "crypto isakmp policy 20\n encryption 3des\n hash sha512\n"
				     " group 24\n authentication rsa-sig\n"
				     "crypto isakmp policy 10\n lifetime 7200\n");
	const struct config_isakmp_policy *p;

	assert_int_equal(cfg->n_isakmp_policies, 3);
	p = cfg->isakmp_policies[0]; /* sorted by priority */
	assert_int_equal(p->priority, 10);
	assert_int_equal(p->encr.alg, CONFIG_ENCR_AES_CBC);
	assert_int_equal(p->encr.key_bits, 192);
	assert_int_equal(p->hash, CONFIG_HASH_SHA384);
	assert_int_equal(p->group, 31);
	assert_int_equal(p->auth, CONFIG_AUTH_ECDSA_SIG);
	assert_int_equal(p->lifetime, 7200); /* re-entering the policy edited it */
	assert_int_equal(cfg->isakmp_policies[1]->priority, 20);
	assert_int_equal(cfg->isakmp_policies[1]->encr.alg, CONFIG_ENCR_3DES);
	p = cfg->isakmp_policies[2];
	assert_int_equal(p->priority, 30); /* IOS defaults */
	assert_int_equal(p->encr.alg, CONFIG_ENCR_DES);
	assert_int_equal(p->hash, CONFIG_HASH_SHA1);
	assert_int_equal(p->auth, CONFIG_AUTH_RSA_SIG);
	assert_int_equal(p->group, 1);
	assert_int_equal(p->lifetime, 86400);
	config_free(cfg);

	EXPECT_ERRORS("crypto isakmp policy 0\n encr aes 100\n auth rsa-encr\n"
		      "crypto isakmp policy 10\n hash sha1024\n",
		      "1: crypto isakmp policy: expected a priority 1-10000",
		      "2: encryption: AES key size must be 128, 192 or 256",
		      "3: authentication: rsa-encr (RSA encrypted nonces) is not supported: use "
		      "rsa-sig or pre-share",
		      "5: hash: expected 'hash md5|sha|sha256|sha384|sha512'");
}

static void test_transform_sets(void **state)
{
	struct config *cfg = load_ok("crypto ipsec transform-set A esp-aes 256 esp-sha256-hmac\n"
				     "crypto ipsec transform-set B esp-gcm 256\n"
				     "crypto ipsec transform-set C esp-gcm\n"
				     "crypto ipsec transform-set D esp-chacha20-poly1305\n"
				     "crypto ipsec transform-set E esp-3des esp-sha-hmac\n"
				     " mode transport\n"
				     "crypto ipsec transform-set F esp-sha512-hmac\n"
				     "crypto ipsec transform-set G esp-aes 192 esp-sha384-hmac\n"
				     "crypto ipsec transform-set H esp-null esp-md5-hmac\n"
				     "crypto ipsec transform-set A esp-aes esp-md5-hmac\n");
	const struct config_transform_set *const *ts = (const void *)cfg->transform_sets;

	assert_int_equal(cfg->n_transform_sets, 8);
	/* A was configured again: new transforms, same place */
	assert_string_equal(ts[0]->name, "A");
	assert_int_equal(ts[0]->encr.alg, CONFIG_ENCR_AES_CBC);
	assert_int_equal(ts[0]->encr.key_bits, 128);
	assert_int_equal(ts[0]->integ, CONFIG_HASH_MD5);
	assert_int_equal(ts[1]->encr.alg, CONFIG_ENCR_AES_GCM);
	assert_int_equal(ts[1]->encr.key_bits, 256);
	assert_int_equal(ts[1]->integ, CONFIG_HASH_NONE);
	assert_int_equal(ts[2]->encr.key_bits, 128);
	assert_int_equal(ts[3]->encr.alg, CONFIG_ENCR_CHACHA20_POLY1305);
	assert_int_equal(ts[4]->encr.alg, CONFIG_ENCR_3DES);
	assert_int_equal(ts[4]->integ, CONFIG_HASH_SHA1);
	assert_int_equal(ts[4]->mode, CONFIG_IPSEC_MODE_TRANSPORT);
	assert_int_equal(ts[5]->encr.alg, CONFIG_ENCR_NULL); /* authentication only */
	assert_int_equal(ts[5]->integ, CONFIG_HASH_SHA512);
	assert_int_equal(ts[6]->encr.key_bits, 192);
	assert_int_equal(ts[6]->integ, CONFIG_HASH_SHA384);
	assert_int_equal(ts[7]->encr.alg, CONFIG_ENCR_NULL);
	assert_int_equal(ts[7]->index, 7);
	config_free(cfg);

	EXPECT_ERRORS(
		"crypto ipsec transform-set A esp-gcm 256 esp-sha-hmac\n"
		"crypto ipsec transform-set B esp-aes esp-3des\n"
		"crypto ipsec transform-set C esp-gcm 192\n"
		"crypto ipsec transform-set D esp-seal\n"
		"crypto ipsec transform-set E\n"
		"crypto ipsec transform-set F esp-aes esp-sha-hmac esp-md5-hmac\n"
		"crypto ipsec transform-set G esp-rot13\n"
		"crypto ipsec transform-set H esp-sha\n"
		"crypto ipsec transform-set I comp-lzs\n",
		"1: crypto ipsec transform-set: esp-gcm is a combined-mode (AEAD) cipher: it "
		"takes no esp-*-hmac",
		"2: crypto ipsec transform-set: more than one encryption transform "
		"('esp-3des')",
		"3: crypto ipsec transform-set: esp-gcm: key size must be 128 or 256",
		"4: crypto ipsec transform-set: esp-seal is not supported: use esp-aes, esp-gcm "
		"or esp-chacha20-poly1305",
		"5: crypto ipsec transform-set: expected 'crypto ipsec transform-set NAME "
		"TRANSFORM [TRANSFORM]'",
		"6: crypto ipsec transform-set: more than one authentication transform "
		"('esp-md5-hmac')",
		"7: crypto ipsec transform-set: unknown transform 'esp-rot13'",
		"8: crypto ipsec transform-set: ambiguous transform 'esp-sha'",
		"9: crypto ipsec transform-set: comp-lzs is not supported: use esp-aes, esp-gcm "
		"or esp-chacha20-poly1305");
}

static void test_ipsec_profile_and_globals(void **state)
{
	struct config *cfg = load_ok("crypto ipsec transform-set T1 esp-aes esp-sha-hmac\n"
				     "crypto ipsec transform-set T2 esp-gcm 256\n"
				     "crypto ipsec profile P\n"
				     " set transform-set T1 T2\n"
				     " set pfs group19\n"
				     " set security-association lifetime seconds 1800\n"
				     " set security-association lifetime kilobytes disable\n"
				     " description to B\n"
				     "crypto ipsec profile Q\n"
				     " set transform-set T2\n"
				     " set transform-set T1\n"
				     " set pfs\n"
				     " set security-association lifetime kilobytes 102400\n"
				     "crypto ipsec security-association lifetime seconds 28800\n"
				     "crypto ipsec security-association lifetime kilobytes 10240\n"
				     "crypto ipsec security-association replay window-size 1024\n"
				     "crypto ipsec df-bit clear\n"
				     "crypto isakmp keepalive 10 3 periodic\n"
				     "crypto isakmp nat keepalive 20\n"
				     "crypto compat ios\n");
	const struct config_ipsec_profile *p = cfg->ipsec_profiles[0], *q = cfg->ipsec_profiles[1];

	assert_int_equal(p->n_transform_sets, 2);
	assert_ptr_equal(p->transform_sets[0].ts, cfg->transform_sets[0]);
	assert_ptr_equal(p->transform_sets[1].ts, cfg->transform_sets[1]);
	assert_int_equal(p->pfs_group, 19);
	assert_int_equal(p->lifetime.seconds, 1800);
	assert_true(p->lifetime.kilobytes_disable);
	assert_int_equal(p->lifetime.kilobytes, 0);
	assert_string_equal(p->description, "to B");
	assert_int_equal(q->n_transform_sets, 1); /* the list replaces */
	assert_string_equal(q->transform_sets[0].name, "T1");
	assert_int_equal(q->pfs_group, 1);
	assert_int_equal(q->lifetime.seconds, 0); /* inherits */
	assert_int_equal(q->lifetime.kilobytes, 102400);
	assert_int_equal(cfg->ipsec_lifetime.seconds, 28800);
	assert_int_equal(cfg->ipsec_lifetime.kilobytes, 10240);
	assert_int_equal(cfg->replay_window, 1024);
	assert_int_equal(cfg->df_bit, CONFIG_DF_BIT_CLEAR);
	assert_int_equal(cfg->isakmp_keepalive, 10);
	assert_int_equal(cfg->isakmp_keepalive_retry, 3);
	assert_int_equal(cfg->isakmp_keepalive_mode, CONFIG_KEEPALIVE_PERIODIC);
	assert_int_equal(cfg->nat_keepalive, 20);
	assert_true(cfg->compat_ios);
	config_free(cfg);

	cfg = load_ok("hostname x\n");
	assert_int_equal(cfg->ipsec_lifetime.seconds, 3600);
	assert_int_equal(cfg->ipsec_lifetime.kilobytes, 4608000);
	assert_int_equal(cfg->replay_window, 64);
	assert_int_equal(cfg->df_bit, CONFIG_DF_BIT_COPY);
	assert_int_equal(cfg->isakmp_keepalive, 0);
	assert_false(cfg->compat_ios);
	config_free(cfg);

	EXPECT_ERRORS(
		"crypto ipsec profile P\n"
		" set pfs group3\n"
		" set security-association lifetime seconds 10\n"
		" set transform-set A B C D E F G\n"
		"crypto ipsec security-association replay window-size 100\n"
		"crypto ipsec security-association lifetime kilobytes disable\n",
		"2: set pfs: unsupported PFS group 'group3' (supported: group1 group2 group5 "
		"group14 group15 group16 group19 group20 group21 group24 group31)",
		"3: set security-association lifetime: '10' is not a number of seconds in "
		"120-2592000",
		"4: set transform-set: expected 'set transform-set NAME [NAME...] (up to 6)'",
		"5: crypto ipsec security-association replay window-size: window size must be "
		"64, 128, 256, 512 or 1024",
		"6: crypto ipsec security-association lifetime: 'disable' is not a number of "
		"kilobytes in 2560-4294967295");
}

static void test_isakmp_profile_model(void **state)
{
	struct config *cfg =
		load_ok("hostname gw\nip domain name example.net\n"
			"crypto pki trustpoint TPA\n"
			"crypto pki trustpoint TPB\n"
			"crypto keyring KR\n"
			" pre-shared-key address 192.0.2.0 255.255.255.0 key s3cret\n"
			" pre-shared-key address 198.51.100.7 key 0 other\n"
			" pre-shared-key hostname peer.example key hk\n"
			" pre-shared-key address ipv6 2001:db8::/32 key six\n"
			" pre-shared-key address 192.0.2.0 255.255.255.0 key newer\n"
			" local-address Ethernet0/0\n"
			"crypto isakmp profile A\n"
			" self-identity user-fqdn vpn@example.net\n"
			" ca trust-point TPB\n"
			" ca trust-point TPA\n"
			" match identity host r2.example\n"
			" match identity host domain example.org\n"
			" match identity address 10.1.0.0 255.255.0.0\n"
			" match identity user-fqdn u@example\n"
			" match identity user-fqdn domain example\n"
			" keyring KR\n"
			" initiate mode aggressive\n"
			" keepalive 30 retry 5\n"
			" local-address 192.0.2.1\n"
			"crypto isakmp profile B\n"
			" self-identity fqdn\n"
			" match identity address 10.1.2.3\n"
			"crypto isakmp profile A\n"
			" match identity address 0.0.0.0 0.0.0.0\n"
			"crypto isakmp key plain address 0.0.0.0\n"
			"crypto isakmp key 0 zero address 203.0.113.0 255.255.255.0 no-xauth\n"
			"crypto isakmp key hh hostname h.example\n"
			"interface Ethernet0/0\n ip address 192.0.2.1 255.255.255.0\n");
	const struct config_isakmp_profile *a = cfg->isakmp_profiles[0], *b;
	const struct config_keyring *kr = cfg->keyrings[0];

	assert_string_equal(cfg->fqdn, "gw.example.net");
	assert_int_equal(a->self_identity.type, CONFIG_ID_EMAIL);
	assert_string_equal(a->self_identity.value, "vpn@example.net");
	assert_int_equal(a->n_ca_trustpoints, 2);
	assert_ptr_equal(a->ca_trustpoints[0].tp, cfg->trustpoints[1]); /* profile's order */
	assert_ptr_equal(a->ca_trustpoints[1].tp, cfg->trustpoints[0]);
	assert_int_equal(a->n_matches, 6);
	assert_int_equal(a->matches[0].type, CONFIG_MATCH_FQDN);
	assert_int_equal(a->matches[1].type, CONFIG_MATCH_FQDN_DOMAIN);
	assert_string_equal(a->matches[1].value, "example.org");
	assert_int_equal(a->matches[2].type, CONFIG_MATCH_ADDRESS);
	assert_string_equal(prefix_s(&a->matches[2].prefix), "10.1.0.0/16");
	assert_int_equal(a->matches[3].type, CONFIG_MATCH_EMAIL);
	assert_int_equal(a->matches[4].type, CONFIG_MATCH_EMAIL_DOMAIN);
	assert_string_equal(prefix_s(&a->matches[5].prefix), "0.0.0.0/0");
	b = cfg->isakmp_profiles[1];
	assert_string_equal(prefix_s(&b->matches[0].prefix), "10.1.2.3/32");
	assert_string_equal(b->self_identity.value, "gw.example.net");
	/* global configuration order across profiles: A's 5 rules, B's, then A's last one */
	assert_int_equal(a->matches[4].order + 1, b->matches[0].order);
	assert_int_equal(b->matches[0].order + 1, a->matches[5].order);
	assert_ptr_equal(a->keyring, kr);
	assert_true(a->initiate_aggressive);
	assert_int_equal(a->keepalive, 30);
	assert_int_equal(a->keepalive_retry, 5);
	assert_string_equal(addr_s(&a->local_address.addr), "192.0.2.1");
	assert_null(a->local_address.ifname);

	assert_int_equal(kr->n_psks, 4);
	assert_string_equal(prefix_s(&kr->psks[0]->peer), "192.0.2.0/24");
	assert_string_equal(kr->psks[0]->key, "newer"); /* same peer again: replaced */
	assert_string_equal(prefix_s(&kr->psks[1]->peer), "198.51.100.7/32");
	assert_string_equal(kr->psks[1]->key, "other");
	assert_string_equal(kr->psks[2]->hostname, "peer.example");
	assert_int_equal(kr->psks[2]->peer.addr.family, 0);
	assert_string_equal(prefix_s(&kr->psks[3]->peer), "2001:db8::/32");
	assert_string_equal(kr->local_address.ifname, "Ethernet0/0");
	assert_string_equal(addr_s(&kr->local_address.addr), "192.0.2.1");

	assert_int_equal(cfg->n_isakmp_keys, 3);
	assert_string_equal(prefix_s(&cfg->isakmp_keys[0]->peer), "0.0.0.0/0");
	assert_string_equal(cfg->isakmp_keys[0]->key, "plain");
	assert_string_equal(prefix_s(&cfg->isakmp_keys[1]->peer), "203.0.113.0/24");
	assert_string_equal(cfg->isakmp_keys[1]->key, "zero");
	assert_string_equal(cfg->isakmp_keys[2]->hostname, "h.example");
	config_free(cfg);

	EXPECT_ERRORS(
		"crypto isakmp key 7 0822455D0A16 address 192.0.2.1\n"
		"crypto keyring K\n"
		" pre-shared-key address 192.0.2.1 key 6 FLgBaJ\n"
		" pre-shared-key address 192.0.2.1 255.0.255.0 key k\n"
		"crypto isakmp profile P\n"
		" match identity address 192.0.2.1 255.255.255.255 RED\n"
		" match identity group G\n"
		" self-identity 192.0.2.1\n"
		" keepalive 5 retry 3\n",
		"1: crypto isakmp key: encrypted (type 7) keys cannot be read: write the key in "
		"clear text",
		"3: pre-shared-key: encrypted (type 6) keys cannot be read: write the key in "
		"clear text",
		"4: pre-shared-key: '255.0.255.0' is not a network mask",
		"6: match identity: VRF 'RED' given: VRFs are not supported: configure tunnels "
		"and routes in the global routing table",
		"7: match identity: match identity group is for remote-access (Easy VPN) "
		"groups: not supported",
		"8: self-identity: expected 'self-identity address|fqdn|user-fqdn "
		"USER@DOMAIN'",
		"9: keepalive: '5' is not a number of seconds in 10-3600");
}

static void test_ikev2_profile_model(void **state)
{
	struct config *cfg =
		load_ok("crypto pki trustpoint S\ncrypto pki trustpoint V\n"
			"crypto ikev2 keyring KR\n"
			" peer p1\n"
			"  address 192.0.2.0 255.255.255.0\n"
			"  identity fqdn peer1.example\n"
			"  pre-shared-key local L1\n"
			"  pre-shared-key remote R1\n"
			" peer p2\n"
			"  address 2001:db8::/64\n"
			"  hostname p2.example\n"
			"  identity email a@b\n"
			"  pre-shared-key 0 both\n"
			"crypto ikev2 profile X\n"
			" match identity remote fqdn domain example.com\n"
			" match identity remote email u@example.com\n"
			" match identity remote key-id kid\n"
			" match identity remote any\n"
			" match identity remote address 2001:db8::1\n"
			" match address local interface Loopback0\n"
			" match address local 192.0.2.9\n"
			" match fvrf any\n"
			" identity local fqdn gw.example\n"
			" authentication local ecdsa-sig\n"
			" authentication remote pre-share\n"
			" authentication remote rsa-sig\n"
			" pki trustpoint S sign\n"
			" pki trustpoint V verify\n"
			" keyring local KR\n"
			" dpd 10 3 on-demand\n"
			" lifetime 3600\n"
			" description the X\n"
			"crypto ikev2 profile Y\n"
			" identity local dn\n"
			" keyring KR\n"
			" authentication remote rsa-sig\n"
			" no authentication remote rsa-sig\n"
			"crypto ikev2 policy POL\n"
			" match address local 192.0.2.9\n"
			" proposal PR\n"
			"crypto ikev2 proposal PR\n encryption aes-cbc-128\n"
			"interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n");
	const struct config_ikev2_profile *x = cfg->ikev2_profiles[0], *y = cfg->ikev2_profiles[1];
	const struct config_ikev2_keyring *kr = cfg->ikev2_keyrings[0];

	assert_int_equal(kr->n_peers, 2);
	assert_string_equal(prefix_s(&kr->peers[0]->address), "192.0.2.0/24");
	assert_int_equal(kr->peers[0]->identity.type, CONFIG_ID_FQDN);
	assert_string_equal(kr->peers[0]->identity.value, "peer1.example");
	assert_string_equal(kr->peers[0]->psk_local, "L1");
	assert_string_equal(kr->peers[0]->psk_remote, "R1");
	assert_string_equal(prefix_s(&kr->peers[1]->address), "2001:db8::/64");
	assert_string_equal(kr->peers[1]->hostname, "p2.example");
	assert_int_equal(kr->peers[1]->identity.type, CONFIG_ID_EMAIL);
	assert_string_equal(kr->peers[1]->psk_local, "both");
	assert_string_equal(kr->peers[1]->psk_remote, "both");

	assert_int_equal(x->n_matches, 5);
	assert_int_equal(x->matches[0].type, CONFIG_MATCH_FQDN_DOMAIN);
	assert_string_equal(x->matches[0].value, "example.com");
	assert_int_equal(x->matches[1].type, CONFIG_MATCH_EMAIL);
	assert_int_equal(x->matches[2].type, CONFIG_MATCH_KEY_ID);
	assert_int_equal(x->matches[3].type, CONFIG_MATCH_ANY);
	assert_int_equal(x->matches[4].type, CONFIG_MATCH_ADDRESS);
	assert_string_equal(prefix_s(&x->matches[4].prefix), "2001:db8::1/128");
	assert_int_equal(x->n_match_local, 2);
	assert_string_equal(x->match_local[0].ifname, "Loopback0");
	assert_string_equal(addr_s(&x->match_local[0].addr), "10.255.0.1");
	assert_string_equal(addr_s(&x->match_local[1].addr), "192.0.2.9");
	assert_true(x->match_fvrf_any);
	assert_int_equal(x->local_identity.type, CONFIG_ID_FQDN);
	assert_string_equal(x->local_identity.value, "gw.example");
	assert_int_equal(x->local_auth, CONFIG_AUTH_ECDSA_SIG);
	assert_int_equal(x->remote_auth,
			 CONFIG_AUTH_BIT(CONFIG_AUTH_PSK) | CONFIG_AUTH_BIT(CONFIG_AUTH_RSA_SIG));
	assert_int_equal(x->n_trustpoints, 2);
	assert_int_equal(x->trustpoints[0].usage, CONFIG_TP_SIGN);
	assert_ptr_equal(x->trustpoints[0].tp, cfg->trustpoints[0]);
	assert_int_equal(x->trustpoints[1].usage, CONFIG_TP_VERIFY);
	assert_ptr_equal(x->keyring, kr);
	assert_int_equal(x->dpd_interval, 10);
	assert_int_equal(x->dpd_retry, 3);
	assert_int_equal(x->dpd_mode, CONFIG_DPD_ON_DEMAND);
	assert_int_equal(x->lifetime, 3600);
	assert_string_equal(x->description, "the X");
	assert_int_equal(y->local_identity.type, CONFIG_ID_DN);
	assert_ptr_equal(y->keyring, kr);
	assert_int_equal(y->remote_auth, 0);
	assert_int_equal(y->local_auth, CONFIG_AUTH_NONE);
	assert_int_equal(y->lifetime, 86400);
	assert_ptr_equal(cfg->ikev2_policies[0]->proposals[0].proposal, cfg->ikev2_proposals[0]);
	assert_string_equal(addr_s(&cfg->ikev2_policies[0]->match_local[0]), "192.0.2.9");
	config_free(cfg);

	EXPECT_ERRORS(
		"crypto ikev2 profile X\n"
		" match fvrf RED\n"
		" authentication local pre-share key k\n"
		" match identity local fqdn a\n"
		" dpd 10 3 sometimes\n"
		" keyring aaa L\n"
		" identity local dn x\n"
		" pki trustpoint T both\n",
		"2: match fvrf: VRF 'RED' given: VRFs are not supported: configure tunnels and "
		"routes in the global routing table",
		"3: authentication local: keys in the profile are not supported: put them in a "
		"crypto ikev2 keyring (keyring local NAME)",
		"4: match identity: expected 'match identity remote address ADDRESS "
		"[MASK]|remote fqdn [domain] NAME|remote email [domain] NAME|remote key-id "
		"ID|remote any'",
		"5: dpd: expected 'dpd INTERVAL RETRY on-demand|periodic'",
		"6: keyring: AAA keyrings are not supported: use keyring local NAME",
		"7: identity local: expected 'identity local address ADDRESS|fqdn NAME|email "
		"NAME|key-id ID|dn'",
		"8: pki trustpoint: expected 'pki trustpoint NAME [sign|verify]'");
}

static void test_reference_errors(void **state)
{
	EXPECT_ERRORS(
		"crypto isakmp profile prof1\n"
		" ca trust-point IOSCA3\n"
		" keyring KR\n"
		" local-address Ethernet9\n"
		"crypto ikev2 profile p2\n"
		" pki trustpoint TP9\n"
		" keyring local K2\n"
		" match address local interface Tunnel5\n"
		"crypto ikev2 policy pol\n"
		" proposal nope\n"
		"crypto ipsec profile ip1\n"
		" set transform-set T1\n"
		" set isakmp-profile missing1\n"
		" set ikev2-profile p2\n"
		"crypto ipsec profile ip2\n"
		" set ikev2-profile missing2\n"
		"crypto keyring K3\n"
		" local-address Loopback7\n"
		"interface Tunnel5\n"
		" tunnel source Ethernet0/0\n"
		" tunnel protection ipsec profile missing3\n"
		"interface Ethernet0/0\n"
		"interface Loopback7\n"
		"ip route 10.0.0.0 255.0.0.0 Tunnel6\n"
		"interface Tunnel7\n"
		" tunnel source Tunnel5\n",
		"2: crypto isakmp profile prof1: ca trust-point IOSCA3 is not defined",
		"3: crypto isakmp profile prof1: keyring KR is not defined",
		"4: crypto isakmp profile prof1: local-address Ethernet9 is not defined (no "
		"'interface Ethernet9' block gives its address)",
		"6: crypto ikev2 profile p2: pki trustpoint TP9 is not defined",
		"7: crypto ikev2 profile p2: keyring K2 is not defined",
		"8: crypto ikev2 profile p2: match address local interface Tunnel5 is a tunnel "
		"interface",
		"10: crypto ikev2 policy pol: proposal nope is not defined",
		"12: crypto ipsec profile ip1: transform-set T1 is not defined",
		"13: crypto ipsec profile ip1: isakmp-profile missing1 is not defined",
		"14: crypto ipsec profile ip1: set isakmp-profile and set ikev2-profile exclude "
		"each other (a tunnel runs IKEv1 or IKEv2)",
		"16: crypto ipsec profile ip2: ikev2-profile missing2 is not defined",
		"18: crypto keyring K3: local-address interface Loopback7 has no IPv4 address",
		"20: interface Tunnel5: tunnel source interface Ethernet0/0 has no IPv4 "
		"address",
		"21: interface Tunnel5: tunnel protection ipsec profile missing3 is not defined",
		"24: ip route 10.0.0.0/8: interface Tunnel6 is not defined",
		"26: interface Tunnel7: tunnel source Tunnel5 is a tunnel interface");
}

static void test_tunnels(void **state)
{
	struct config *cfg =
		load_ok("interface GigabitEthernet1\n"
			" ip address 192.0.2.1 255.255.255.0\n"
			" ipv6 address 2001:db8:1::1/64\n"
			" no shutdown\n duplex full\n speed 1000\n media-type rj45\n"
			" negotiation auto\n no switchport\n no ip proxy-arp\n"
			" ip mtu 1500\n"
			"interface Tunnel10\n"
			" description site B\n"
			" ip address 10.0.0.1 255.255.255.252\n"
			" ip mtu 1400\n ip tcp adjust-mss 1360\n ip virtual-reassembly\n"
			" tunnel source GigabitEthernet1\n"
			" tunnel destination 198.51.100.2\n"
			" tunnel initiate never\n"
			"interface Tunnel11\n"
			" ipv6 address 2001:db8:ff::1/64\n"
			" tunnel mode ipsec ipv6\n"
			" tunnel source Gi1\n"
			" tunnel destination 2001:db8:2::2\n"
			"interface Tunnel12\n"
			"ipv6 route 2001:db8:100::/48 Tunnel11 name toB\n"
			"ip route 0.0.0.0 0.0.0.0 192.0.2.254\n"
			"ip route 10.9.0.0 255.255.0.0 Null0\n"
			"ip route 10.8.0.0 255.255.0.0 Tunnel10 10.0.0.2 name viaB\n");
	const struct config_interface *t10 = cfg->tunnels[0], *t11 = cfg->tunnels[1];
	const struct config_interface *t12 = cfg->tunnels[2], *gi = cfg->interfaces[0];

	assert_int_equal(cfg->n_tunnels, 3);
	assert_false(gi->shutdown);
	assert_int_equal(gi->mtu, 1500);
	assert_string_equal(t10->description, "site B");
	assert_int_equal(t10->mtu, 1400);
	assert_int_equal(t10->adjust_mss, 1360);
	assert_ptr_equal(t10->source_if, gi);
	assert_string_equal(addr_s(&t10->source), "192.0.2.1");
	assert_int_equal(t10->initiate, CONFIG_INITIATE_NEVER);
	assert_null(t10->protection);
	assert_int_equal(t11->mode, CONFIG_TUNNEL_IPSEC_IPV6);
	assert_string_equal(addr_s(&t11->source), "2001:db8:1::1");
	assert_string_equal(addr_s(&t11->destination), "2001:db8:2::2");
	assert_string_equal(prefix_s(&t11->ipv6), "2001:db8:ff::1/64");
	/* defaults of a bare tunnel */
	assert_int_equal(t12->mode, CONFIG_TUNNEL_IPSEC_IPV4);
	assert_int_equal(t12->initiate, CONFIG_INITIATE_ALWAYS);
	assert_int_equal(t12->mtu, 0);
	assert_int_equal(t12->source.family, 0);
	assert_int_equal(t12->destination.family, 0);
	assert_false(t12->shutdown);

	assert_int_equal(cfg->n_routes, 4);
	assert_string_equal(prefix_s(&cfg->routes[0]->prefix), "2001:db8:100::/48");
	assert_ptr_equal(cfg->routes[0]->iface, t11);
	assert_string_equal(cfg->routes[0]->name, "toB");
	assert_string_equal(prefix_s(&cfg->routes[1]->prefix), "0.0.0.0/0");
	assert_int_equal(cfg->routes[1]->kind, CONFIG_ROUTE_NEXTHOP);
	assert_int_equal(cfg->routes[2]->kind, CONFIG_ROUTE_NULL);
	assert_null(cfg->routes[2]->iface);
	assert_int_equal(cfg->routes[3]->kind, CONFIG_ROUTE_INTERFACE);
	assert_ptr_equal(cfg->routes[3]->iface, t10);
	assert_string_equal(addr_s(&cfg->routes[3]->nexthop), "10.0.0.2");
	assert_string_equal(cfg->routes[3]->name, "viaB");
	config_free(cfg);

	EXPECT_ERRORS(
		"interface Tunnel1\n"
		" tunnel destination vpn.example.com\n"
		" tunnel destination 2001:db8::2\n"
		" ip mtu 40\n"
		" ip tcp adjust-mss 2000\n"
		" duplex full\n"
		" tunnel initiate sometimes\n"
		" ip address 10.0.0.1 255.0.255.0\n"
		" ip address dhcp\n"
		"interface Ethernet0/0\n"
		" tunnel source 192.0.2.1\n"
		" switchport mode access\n"
		"ip route 10.0.0.1 255.0.0.0 192.0.2.1\n"
		"ip route 10.0.0.0 255.0.0.0 2001:db8::1\n"
		"ip route 10.0.0.0 255.0.0.0 192.0.2.1 250\n",
		"2: tunnel destination: 'vpn.example.com' is not an IPv4 or IPv6 address (host "
		"names are not supported)",
		"3: interface Tunnel1: tunnel destination 2001:db8::2 is not IPv4 (tunnel mode "
		"ipsec ipv4)",
		"4: ip mtu: '40' is not a number in 68-65535",
		"5: ip tcp adjust-mss: '2000' is not a number in 500-1460",
		"6: duplex: a physical-port setting, not valid in interface Tunnel1",
		"7: tunnel initiate: expected 'tunnel initiate always|on-demand|never'",
		"8: ip address: '255.0.255.0' is not a network mask",
		"9: ip address: 'ip address dhcp' is not supported: give the address (or use "
		"'tunnel source ADDRESS')",
		"11: tunnel source: only valid in an interface TunnelN (this is interface "
		"Ethernet0/0)",
		"12: switchport: unexpected 'mode'",
		"13: ip route: inconsistent address and mask: 10.0.0.1/8 has host bits set",
		"14: ip route: next hop 2001:db8::1 is not of the prefix's address family",
		"15: ip route: unexpected '250' (expected 'ip route PREFIX MASK NEXTHOP|IFNAME "
		"[NEXTHOP] [name TEXT]')");
}

/* Re-entering a trust-point edits it; changing a value set by an earlier block is an error. */
static void test_trustpoint_duplicates(void **state)
{
	struct config *cfg = load_ok("crypto pki trustpoint A\n"
				     " enrollment url http://ca1\n"
				     " enrollment url http://ca1b\n" /* same block: replaces */
				     " fqdn a.example\n"
				     "crypto pki trustpoint B\n"
				     "crypto pki trustpoint A\n"
				     " fqdn a.example\n"		      /* same value: fine */
				     " no enrollment\n enrollment terminal\n" /* explicit edit */
				     " ca-certificate /etc/ikegw/ca.pem\n"
				     " certificate certs/a.pem\n private-key a.key\n crl /x/a.crl\n"
				     " serial-number none\n"
				     " ip-address none\n"
				     " subject-name CN=a, O=example\n"
				     " revocation-check none\n");
	const struct config_trustpoint *a = cfg->trustpoints[0];

	assert_int_equal(cfg->n_trustpoints, 2);
	assert_string_equal(a->name, "A");
	assert_int_equal(a->line, 1);
	assert_int_equal(cfg->trustpoints[1]->index, 1);
	assert_string_equal(a->enrollment, "terminal");
	assert_string_equal(a->fqdn, "a.example");
	assert_false(a->serial_number);
	assert_null(a->ip_address);
	assert_string_equal(a->subject_name, "CN=a, O=example");
	assert_int_equal(a->revocation, CONFIG_REVOCATION_NONE);
	assert_string_equal(a->ca_certificate, "/etc/ikegw/ca.pem");
	assert_string_equal(a->certificate, "certs/a.pem"); /* no base directory for buffers */
	config_free(cfg);

	/* removing a trust-point forgets it: defined again, it is a new one (last in order) */
	cfg = load_ok("crypto pki trustpoint A\n fqdn a.example\n"
		      "crypto pki trustpoint B\n"
		      "no crypto pki trustpoint A\n"
		      "crypto pki trustpoint A\n fqdn b.example\n");
	assert_int_equal(cfg->n_trustpoints, 2);
	assert_string_equal(cfg->trustpoints[0]->name, "B");
	assert_string_equal(cfg->trustpoints[1]->name, "A");
	assert_string_equal(cfg->trustpoints[1]->fqdn, "b.example");
	assert_int_equal(cfg->trustpoints[1]->line, 5);
	config_free(cfg);

	EXPECT_ERRORS(
		"crypto pki trustpoint A\n"
		" fqdn a.example\n"
		" revocation-check crl\n"
		" certificate a.pem\n"
		"crypto pki trustpoint A\n"
		" fqdn b.example\n"
		" revocation-check none\n"
		" certificate a.pem\n"
		" rsakeypair K\n"
		" revocation-check ocsp\n",
		"6: crypto pki trustpoint A is defined twice: 'fqdn b.example' conflicts with "
		"'fqdn a.example' at line 2 (re-entering a trust-point edits it: give the other "
		"trust-point its own name)",
		"7: crypto pki trustpoint A is defined twice: 'revocation-check none' conflicts "
		"with 'revocation-check crl' at line 3 (re-entering a trust-point edits it: "
		"give the other trust-point its own name)",
		"9: rsakeypair: IOS key pairs are not used: name the PEM private key with "
		"private-key PATH",
		"10: revocation-check: OCSP is not supported: use crl (with crl PATH) or none");
}

/* Relative PEM paths are taken from the configuration file's directory. */
static void test_pem_paths_relative_to_file(void **state)
{
	char dir[] = "/tmp/ikegw-config-test-XXXXXX", path[128];
	struct config *cfg;
	struct config_diag d;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ikegw.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("crypto pki trustpoint T\n certificate r1.pem\n private-key /abs/r1.key\n", f);
	fclose(f);
	config_diag_init(&d);
	assert_int_equal(config_load_file(path, &cfg, &d), 0);
	snprintf(path, sizeof(path), "%s/r1.pem", dir);
	assert_string_equal(cfg->trustpoints[0]->certificate, path);
	assert_string_equal(cfg->trustpoints[0]->private_key, "/abs/r1.key");
	config_free(cfg);
	config_diag_clear(&d);
	snprintf(path, sizeof(path), "%s/ikegw.conf", dir);
	unlink(path);
	rmdir(dir);
}

static void test_input_limits(void **state)
{
	struct config_diag d;
	struct config *cfg;

	config_diag_init(&d);
	assert_int_equal(
		config_load_buffer("big", NULL, "", (size_t)CONFIG_MAX_INPUT + 1, &cfg, &d),
		-EFBIG);
	assert_null(cfg);
	assert_string_equal(d.entries[0].message, "configuration larger than 67108864 bytes");
	config_diag_clear(&d);
	/* bounded work: at most CFG_MAX_ITEMS (200000) entries of a kind, 1000 per list */
	{
		size_t n = 200001, o = 0;
		char *text = malloc(n * 40);

		assert_non_null(text);
		for (size_t i = 0; i < n; i++)
			o += (size_t)sprintf(text + o, "crypto ipsec profile P%zu\n", i);
		config_diag_init(&d);
		assert_int_equal(config_load_buffer("t", NULL, text, o, &cfg, &d), -EINVAL);
		assert_int_equal(d.n_entries, 1);
		assert_int_equal(d.entries[0].line, 200001);
		assert_string_equal(d.entries[0].message,
				    "more than 200000 entries of one kind: configuration too large");
		config_diag_clear(&d);
		o = (size_t)sprintf(text, "crypto isakmp profile P\n");
		for (size_t i = 0; i < 1001; i++)
			o += (size_t)sprintf(text + o, " match identity host h%zu\n", i);
		config_diag_init(&d);
		assert_int_equal(config_load_buffer("t", NULL, text, o, &cfg, &d), -EINVAL);
		assert_int_equal(d.n_entries, 1);
		assert_int_equal(d.entries[0].line, 1002);
		assert_string_equal(d.entries[0].message,
				    "match identity: more than 1000 match rules");
		config_diag_clear(&d);
		free(text);
	}
	/* empty configuration: an empty model */
	cfg = load_ok("");
	assert_int_equal(cfg->n_tunnels, 0);
	assert_null(cfg->hostname);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dh_groups),
		cmocka_unit_test(test_ikev2_proposal_algorithms),
		cmocka_unit_test(test_isakmp_policy),
		cmocka_unit_test(test_transform_sets),
		cmocka_unit_test(test_ipsec_profile_and_globals),
		cmocka_unit_test(test_isakmp_profile_model),
		cmocka_unit_test(test_ikev2_profile_model),
		cmocka_unit_test(test_reference_errors),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_trustpoint_duplicates),
		cmocka_unit_test(test_pem_paths_relative_to_file),
		cmocka_unit_test(test_input_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
