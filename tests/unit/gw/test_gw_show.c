/*
 * The show commands' JSON over fake engine states (IKEv1 and IKEv2) and fake kernel counters:
 * per-tunnel totals = the owning engine's retired + every installed SA's kernel counters (read
 * at the right destination address), SPIs and IOS transform words, IKE SA fields, each engine's
 * SAs in its own list, session states, profiles, STATUS= counts; and the ISAKMP SA text that
 * ikegwctl renders from the daemon's JSON.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_ikev1.h"
#include "fake_ikev2.h"
#include "gw_show.h"
#include "gw_testutil.h"
#include "ikegwctl_render.h"
#include "wire_types.h"

#define NOW (100000ull * 1000000u) /* monotonic µs */

static const char conf[] = "hostname r1\n"
			   "crypto ikev2 profile prof\n"
			   " match identity remote address 192.168.0.2 255.255.255.255\n"
			   " authentication remote pre-share\n"
			   " authentication local pre-share\n"
			   " lifetime 7200\n"
			   "crypto ipsec profile ipp\n"
			   " set ikev2-profile prof\n"
			   "interface Tunnel1\n"
			   " tunnel source 192.168.0.1\n"
			   " tunnel destination 192.168.0.2\n"
			   " tunnel protection ipsec profile ipp\n"
			   "interface Tunnel2\n"
			   " tunnel source 192.168.0.1\n"
			   " tunnel destination 192.168.0.3\n"
			   " tunnel protection ipsec profile ipp\n";

/* The same plus an IKEv1 tunnel (Tunnel3, ISAKMP profile v1prof) to 192.168.0.4. */
static const char conf_v1_extra[] = "crypto isakmp policy 10\n"
				    " encr aes 256\n"
				    " hash sha256\n"
				    " authentication pre-share\n"
				    " group 14\n"
				    "crypto isakmp key secret address 192.168.0.4\n"
				    "crypto isakmp profile v1prof\n"
				    " match identity address 192.168.0.4 255.255.255.255\n"
				    "crypto ipsec transform-set ts esp-aes esp-sha256-hmac\n"
				    "crypto ipsec profile ipp1\n"
				    " set transform-set ts\n"
				    " set isakmp-profile v1prof\n"
				    "interface Tunnel3\n"
				    " tunnel source 192.168.0.1\n"
				    " tunnel destination 192.168.0.4\n"
				    " tunnel protection ipsec profile ipp1\n";

static struct config *cfg;
static struct ike_child_info children[2];
static struct ike_child_info children_v1[1];

/* Kernel counters by (tunnel, destination, SPI); another destination is not found, as in the
 * kernel. */
static int fake_counters(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi,
			 struct ike_kernel_counters *ret)
{
	static const struct {
		uint32_t tunnel;
		const char *dst;
		uint32_t spi;
		struct ike_kernel_counters c;
	} t[] = {
		{ 1, "192.168.0.1", 0xc1000001, { 5, 500, 3, 4 } },
		{ 1, "192.168.0.1", 0xc1000002, { 7, 700, 0, 0 } },
		{ 1, "192.168.0.2", 0x0a000001, { 11, 1100, 0, 0 } },
		{ 1, "192.168.0.2", 0x0a000002, { 13, 1300, 0, 0 } },
		{ 3, "192.168.0.1", 0xc3000001, { 17, 1700, 0, 1 } }, /* Tunnel3: IKEv1 */
		{ 3, "192.168.0.4", 0x0a030001, { 19, 1900, 0, 0 } },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].tunnel == tunnel_id && t[i].spi == spi && is_addr(dst, t[i].dst)) {
			*ret = t[i].c;
			return 0;
		}
	}
	return -ESRCH;
}

static const struct ike_kernel_ops kops = { .sa_counters = fake_counters };

static int setup(void **state)
{
	struct ike_sa_info *a = &fake.sas[0], *b = &fake.sas[1];

	if (config_load_buffer("t.conf", NULL, conf, strlen(conf), &cfg, NULL) < 0)
		return -1;
	memset(&fake, 0, sizeof(fake));
	memset(&fake1, 0, sizeof(fake1));
	children[0] = (struct ike_child_info){
		.tunnel_id = 1,
		.spi_in = 0xc1000001,
		.spi_out = 0x0a000001,
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 128,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.established_us = NOW - 100 * 1000000ull,
		.lifetime_s = 3600,
	};
	children[1] = (struct ike_child_info){
		.tunnel_id = 1,
		.spi_in = 0xc1000002,
		.spi_out = 0x0a000002,
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 256,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.rekeyed = true,
		.udp_encap = true,
		.established_us = NOW - 4000 * 1000000ull,
		.lifetime_s = 3600,
	};
	*a = (struct ike_sa_info){
		.id = 1,
		.state = "READY",
		.initiator = true,
		.profile = "prof",
		.ispi = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef },
		.rspi = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 },
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 256,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.prf = WIRE_PRF_HMAC_SHA2_256,
		.dh_group = 19,
		.auth_local = CONFIG_AUTH_PSK,
		.auth_remote = CONFIG_AUTH_RSA_SIG,
		.established_us = NOW - 200 * 1000000ull,
		.lifetime_s = 86400,
		.children = children,
		.n_children = 2,
	};
	a->path.local = addr("192.168.0.1");
	a->path.remote = addr("192.168.0.2");
	a->path.local_port = a->path.remote_port = 500;
	snprintf(a->local_id, sizeof(a->local_id), "192.168.0.1");
	snprintf(a->remote_id, sizeof(a->remote_id), "r2.example.com");
	*b = (struct ike_sa_info){ .id = 2, .state = "IN-NEG", .initiator = false };
	b->path.local = addr("192.168.0.1");
	b->path.remote = addr("192.168.0.3");
	b->path.local_port = 4500;
	b->path.remote_port = 1025;
	fake.n_sas = 2;
	fake.tunnel_ids[0] = 1;
	fake.tunnels[0] = (struct ike_tunnel_info){
		.up = true,
		.retired_in = { 100, 10000, 1, 2 },
		.retired_out = { 200, 20000, 0, 0 },
		.last_rekey_us = NOW - 30 * 1000000ull,
		.rekeys = 1,
	};
	fake.tunnel_ids[1] = 2;
	fake.n_tunnels = 2;
	return 0;
}

static int teardown(void **state)
{
	config_free(cfg);
	return 0;
}

static struct gw_show_ctx ctx(void)
{
	return (struct gw_show_ctx){
		.cfg = cfg,
		.ikev1 = (const struct ikev1 *)&fake1,
		.ikev2 = (const struct ikev2 *)&fake,
		.kops = &kops,
		.now_us = NOW,
	};
}

static void gw_show_ipsec_sa_totals(void **state)
{
	struct gw_show_ctx c = ctx();
	bool unknown;
	struct json_object *o = gw_show_ipsec_sa(&c, NULL, &unknown), *t, *sa;

	assert_non_null(o);
	assert_false(unknown);
	str_is(o, "command", "show crypto ipsec sa");
	assert_int_equal(json_object_array_length(get(o, "tunnels")), 2);
	t = at(get(o, "tunnels"), 0);
	str_is(t, "interface", "Tunnel1");
	str_is(t, "peer", "192.168.0.2");
	str_is(t, "local", "192.168.0.1");
	str_is(t, "status", "up");
	int_is(t, "encaps_pkts", 200 + 11 + 13);
	int_is(t, "encaps_bytes", 20000 + 1100 + 1300);
	int_is(t, "decaps_pkts", 100 + 5 + 7);
	int_is(t, "decaps_bytes", 10000 + 500 + 700);
	int_is(t, "errors_replay", 1 + 3);
	int_is(t, "errors_integrity", 2 + 4);
	str_is(t, "last_rekey", "00:00:30 ago");
	int_is(t, "last_rekey_seconds", 30);
	int_is(t, "rekeys", 1);
	assert_int_equal(json_object_array_length(get(t, "sas")), 2);
	sa = at(get(t, "sas"), 0);
	str_is(sa, "spi_in", "0xc1000001");
	str_is(sa, "spi_out", "0x0a000001");
	str_is(sa, "transform", "esp-aes esp-sha256-hmac");
	str_is(sa, "mode", "tunnel");
	str_is(sa, "state", "active");
	int_is(sa, "lifetime_left", 3500);
	int_is(sa, "encaps_pkts", 11);
	int_is(sa, "decaps_pkts", 5);
	assert_false(json_object_get_boolean(get(sa, "udp_encap")));
	sa = at(get(t, "sas"), 1);
	str_is(sa, "transform", "esp-256-aes esp-sha256-hmac");
	str_is(sa, "state", "rekeyed");
	int_is(sa, "lifetime_left", 0);
	assert_true(json_object_get_boolean(get(sa, "udp_encap")));

	t = at(get(o, "tunnels"), 1);
	str_is(t, "interface", "Tunnel2");
	str_is(t, "status", "down");
	int_is(t, "encaps_pkts", 0);
	int_is(t, "decaps_bytes", 0);
	assert_null(get(t, "last_rekey"));
	assert_int_equal(json_object_array_length(get(t, "sas")), 0);
	json_object_put(o);

	/* one interface, in any IOS spelling; an unknown one */
	o = gw_show_ipsec_sa(&c, "Tunnel 2", &unknown);
	assert_int_equal(json_object_array_length(get(o, "tunnels")), 1);
	str_is(at(get(o, "tunnels"), 0), "interface", "Tunnel2");
	json_object_put(o);
	assert_null(gw_show_ipsec_sa(&c, "Tunnel9", &unknown));
	assert_true(unknown);
}

static void gw_show_ikev2_sa_fields(void **state)
{
	struct gw_show_ctx c = ctx();
	struct json_object *o = gw_show_ikev2_sa(&c, false), *s, *ch;

	assert_non_null(o);
	assert_int_equal(json_object_array_length(get(o, "sas")), 2);
	s = at(get(o, "sas"), 0);
	int_is(s, "tunnel_id", 1);
	str_is(s, "local", "192.168.0.1");
	str_is(s, "remote", "192.168.0.2");
	int_is(s, "local_port", 500);
	str_is(s, "state", "READY");
	str_is(s, "profile", "prof");
	str_is(s, "local_id", "192.168.0.1");
	str_is(s, "remote_id", "r2.example.com");
	str_is(s, "initiator_spi", "0123456789abcdef");
	str_is(s, "responder_spi", "fedcba9876543210");
	str_is(s, "role", "initiator");
	str_is(s, "encr", "AES-CBC");
	int_is(s, "key_bits", 256);
	str_is(s, "prf", "SHA256");
	str_is(s, "integ", "SHA256");
	int_is(s, "dh_group", 19);
	str_is(s, "auth_local", "PSK");
	str_is(s, "auth_remote", "RSA");
	int_is(s, "lifetime", 86400);
	int_is(s, "active_time", 200);
	assert_false(json_object_get_boolean(get(s, "nat_t")));
	ch = at(get(s, "children"), 1);
	str_is(ch, "spi_in", "0xc1000002");
	str_is(ch, "tunnel", "Tunnel1");
	s = at(get(o, "sas"), 1);
	str_is(s, "state", "IN-NEG");
	str_is(s, "role", "responder");
	assert_null(get(s, "profile"));
	str_is(s, "responder_spi", "0000000000000000");
	int_is(s, "remote_port", 1025);
	json_object_put(o);

	o = gw_show_ikev2_sa(&c, true);
	ch = at(get(at(get(o, "sas"), 0), "children"), 0);
	str_is(ch, "transform", "esp-aes esp-sha256-hmac");
	str_is(ch, "state", "active");
	json_object_put(o);
}

static void gw_show_session_states(void **state)
{
	struct gw_show_ctx c = ctx();
	struct json_object *o = gw_show_session(&c), *s;
	size_t up, n, sas;

	s = at(get(o, "sessions"), 0);
	str_is(s, "interface", "Tunnel1");
	str_is(s, "status", "UP-ACTIVE");
	str_is(s, "profile", "prof");
	int_is(s, "active_sas", 2); /* the rekeyed pair does not count */
	int_is(s, "ipsec_flows", 2);
	int_is(s, "port", 500);
	int_is(at(get(s, "ike_sas"), 0), "version", 2);
	assert_int_equal(json_object_array_length(get(s, "ike_sas")), 1);
	s = at(get(o, "sessions"), 1);
	str_is(s, "status", "DOWN-NEGOTIATING");
	str_is(at(get(s, "ike_sas"), 0), "state", "IN-NEG");
	int_is(s, "port", 1025);
	json_object_put(o);

	fake.sas[0].state = "DELETE";
	fake.tunnels[0].up = false;
	fake.n_sas = 1;
	fake.sas[0].n_children = 0;
	o = gw_show_session(&c);
	str_is(at(get(o, "sessions"), 0), "status", "DOWN-NEGOTIATING");
	str_is(at(get(o, "sessions"), 1), "status", "DOWN");
	json_object_put(o);

	fake.tunnels[0].up = true;
	fake.n_sas = 0;
	o = gw_show_session(&c);
	str_is(at(get(o, "sessions"), 0), "status", "UP-NO-IKE");
	json_object_put(o);
	gw_show_counts(&c, &up, &n, &sas);
	assert_int_equal(up, 1);
	assert_int_equal(n, 2);
	assert_int_equal(sas, 0);
}

static void gw_show_transform_words(void **state)
{
	char b[64];

	assert_string_equal(
		gw_ios_transform(WIRE_ENCR_AES_CBC, 128, WIRE_INTEG_HMAC_SHA1_96, b, sizeof(b)),
		"esp-aes esp-sha-hmac");
	assert_string_equal(gw_ios_transform(WIRE_ENCR_AES_CBC, 192, WIRE_INTEG_HMAC_SHA2_384_192,
					     b, sizeof(b)),
			    "esp-192-aes esp-sha384-hmac");
	assert_string_equal(
		gw_ios_transform(WIRE_ENCR_AES_GCM_16, 256, WIRE_INTEG_NONE, b, sizeof(b)),
		"esp-gcm 256");
	assert_string_equal(
		gw_ios_transform(WIRE_ENCR_AES_GCM_16, 128, WIRE_INTEG_NONE, b, sizeof(b)),
		"esp-gcm");
	assert_string_equal(
		gw_ios_transform(WIRE_ENCR_CHACHA20_POLY1305, 0, WIRE_INTEG_NONE, b, sizeof(b)),
		"esp-chacha20-poly1305");
	assert_string_equal(
		gw_ios_transform(WIRE_ENCR_3DES, 0, WIRE_INTEG_HMAC_MD5_96, b, sizeof(b)),
		"esp-3des esp-md5-hmac");
	assert_string_equal(gw_ios_transform(WIRE_ENCR_AES_CBC, 256, WIRE_INTEG_HMAC_SHA2_512_256,
					     b, sizeof(b)),
			    "esp-256-aes esp-sha512-hmac");
}

static void gw_show_profiles_and_pki(void **state)
{
	struct json_object *o = gw_show_ikev2_profiles(cfg), *p;

	str_is(o, "command", "show crypto ikev2 profile");
	p = at(get(o, "profiles"), 0);
	str_is(p, "name", "prof");
	assert_string_equal(json_object_get_string(at(get(p, "match_identities"), 0)),
			    "address 192.168.0.2/32");
	str_is(p, "authentication_local", "pre-share");
	assert_string_equal(json_object_get_string(at(get(p, "authentication_remote"), 0)),
			    "pre-share");
	int_is(p, "lifetime", 7200);
	assert_int_equal(json_object_array_length(get(p, "tunnels")), 2);
	assert_string_equal(json_object_get_string(at(get(p, "tunnels"), 1)), "Tunnel2");
	json_object_put(o);

	/* no trust-points: empty text, not a failure */
	o = gw_show_pki(NULL, true);
	str_is(o, "command", "show crypto pki certificates");
	str_is(o, "text", "");
	json_object_put(o);
}

/* `show crypto isakmp profile`: IOS words for the match rules, the IOS text block. */
static void gw_show_isakmp_profile_fields(void **state)
{
	struct json_object *o = gw_show_isakmp_profiles(cfg), *p;

	(void)state;
	str_is(o, "command", "show crypto isakmp profile");
	assert_int_equal(json_object_array_length(get(o, "profiles")), 1);
	p = at(get(o, "profiles"), 0);
	str_is(p, "name", "v1prof");
	assert_string_equal(json_object_get_string(at(get(p, "match_identities"), 0)),
			    "ip-address 192.168.0.4 255.255.255.255");
	str_is(p, "self_identity", "address");
	str_is(p, "initiate_mode", "main");
	assert_null(get(p, "keyring"));
	assert_int_equal(json_object_array_length(get(p, "trustpoints")), 0);
	assert_string_equal(json_object_get_string(at(get(p, "tunnels"), 0)), "Tunnel3");
	str_is(o, "text",
	       "ISAKMP PROFILE v1prof\n"
	       "   Identities matched are:\n"
	       "  ip-address 192.168.0.4 255.255.255.255\n"
	       "   Identity presented is: address\n"
	       "   keyring(s): <none>\n"
	       "   trustpoint(s): <all>\n");
	json_object_put(o);
}

/* ---- IKEv1 beside IKEv2 ---- */

/* Tunnel3 is IKEv1's: an ISAKMP SA in QM_IDLE with its IPsec SA pair, and a second ISAKMP SA
 * still in Main Mode (behind a NAT, no tunnel yet). The IKEv2 fake also claims Tunnel3 with
 * other counters: only the owning engine's may count. */
static int setup_v1(void **state)
{
	static char text[sizeof(conf) + sizeof(conf_v1_extra)];
	struct ike_sa_info *a = &fake1.sas[0], *b = &fake1.sas[1];

	if (setup(state) < 0)
		return -1;
	config_free(cfg);
	snprintf(text, sizeof(text), "%s%s", conf, conf_v1_extra);
	if (config_load_buffer("t1.conf", NULL, text, strlen(text), &cfg, NULL) < 0)
		return -1;
	children_v1[0] = (struct ike_child_info){
		.tunnel_id = 3,
		.spi_in = 0xc3000001,
		.spi_out = 0x0a030001,
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 128,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.established_us = NOW - 50 * 1000000ull,
		.lifetime_s = 3600,
	};
	*a = (struct ike_sa_info){
		.version = 1,
		.id = 1001,
		.state = "QM_IDLE",
		.initiator = true,
		.profile = "v1prof",
		.ispi = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 },
		.rspi = { 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00 },
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 256,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.prf = WIRE_PRF_HMAC_SHA2_256,
		.dh_group = 14,
		.auth_local = CONFIG_AUTH_PSK,
		.auth_remote = CONFIG_AUTH_PSK,
		.established_us = NOW - 60 * 1000000ull,
		.lifetime_s = 86400,
		.children = children_v1,
		.n_children = 1,
	};
	a->path.local = addr("192.168.0.1");
	a->path.remote = addr("192.168.0.4");
	a->path.local_port = a->path.remote_port = 500;
	snprintf(a->local_id, sizeof(a->local_id), "192.168.0.1");
	snprintf(a->remote_id, sizeof(a->remote_id), "192.168.0.4");
	*b = (struct ike_sa_info){
		.version = 1,
		.id = 1002,
		.state = "MM_KEY_EXCH", /* proposal chosen, not authenticated yet */
		.encr = WIRE_ENCR_3DES,
		.prf = WIRE_PRF_HMAC_SHA1, /* no integ: IKEv1's hash is its PRF */
		.dh_group = 2,
		.auth_local = CONFIG_AUTH_RSA_SIG,
		.nat_remote = true,
		.lifetime_s = 86400,
	};
	b->path.local = addr("192.168.0.1");
	b->path.remote = addr("192.168.0.5");
	b->path.local_port = 4500;
	b->path.remote_port = 4500;
	fake1.n_sas = 2;
	fake1.tunnel_ids[0] = 3;
	fake1.tunnels[0] = (struct ike_tunnel_info){
		.up = true,
		.retired_in = { 50, 5000, 2, 0 },
		.retired_out = { 60, 6000, 0, 0 },
		.last_rekey_us = NOW - 10 * 1000000ull,
		.rekeys = 3,
	};
	fake1.n_tunnels = 1;
	fake.tunnel_ids[2] = 3; /* the trap */
	fake.tunnels[2] = (struct ike_tunnel_info){ .retired_in = { 9999, 9999, 9, 9 },
						    .retired_out = { 9999, 9999, 9, 9 } };
	fake.n_tunnels = 3;
	return 0;
}

static void gw_show_isakmp_sa_fields(void **state)
{
	struct gw_show_ctx c = ctx();
	struct json_object *o = gw_show_isakmp_sa(&c, false), *s, *ch;
	char *text;

	assert_non_null(o);
	str_is(o, "command", "show crypto isakmp sa");
	assert_false(json_object_get_boolean(get(o, "detail")));
	assert_int_equal(json_object_array_length(get(o, "sas")), 2);
	s = at(get(o, "sas"), 0);
	/* the contract (product.md) */
	str_is(s, "local", "192.168.0.1");
	str_is(s, "remote", "192.168.0.4");
	str_is(s, "state", "QM_IDLE");
	str_is(s, "profile", "v1prof");
	str_is(s, "local_id", "192.168.0.1");
	str_is(s, "remote_id", "192.168.0.4");
	str_is(s, "initiator_spi", "1122334455667788");
	str_is(s, "responder_spi", "99aabbccddeeff00");
	/* the rest, as in the IKEv2 list, and IOS's ISAKMP columns */
	int_is(s, "version", 1);
	int_is(s, "tunnel_id", 1001);
	int_is(s, "conn_id", 1001);
	str_is(s, "status", "ACTIVE");
	str_is(s, "role", "initiator");
	str_is(s, "encr", "AES-CBC");
	int_is(s, "key_bits", 256);
	str_is(s, "hash", "sha256");
	str_is(s, "integ", "SHA256");
	int_is(s, "dh_group", 14);
	str_is(s, "auth_local", "PSK");
	int_is(s, "lifetime", 86400);
	int_is(s, "active_time", 60);
	int_is(s, "local_port", 500);
	ch = at(get(s, "children"), 0);
	str_is(ch, "spi_in", "0xc3000001");
	str_is(ch, "spi_out", "0x0a030001");
	str_is(ch, "tunnel", "Tunnel3");
	s = at(get(o, "sas"), 1);
	str_is(s, "state", "MM_KEY_EXCH");
	assert_null(get(s, "profile"));
	str_is(s, "role", "responder");
	assert_true(json_object_get_boolean(get(s, "nat_t")));
	int_is(s, "remote_port", 4500);

	text = render(o);
	has_line(text, "IPv4 Crypto ISAKMP SA");
	has_line(text, "dst             src             state          conn-id status");
	has_line(text, "192.168.0.4     192.168.0.1     QM_IDLE           1001 ACTIVE");
	has_line(text, "192.168.0.5     192.168.0.1     MM_KEY_EXCH       1002 ACTIVE");
	has_line(text, "IPv6 Crypto ISAKMP SA");
	free(text);
	json_object_put(o);

	o = gw_show_isakmp_sa(&c, true);
	assert_true(json_object_get_boolean(get(o, "detail")));
	text = render(o);
	has_line(text, "C-id  Local           Remote          I-VRF  Status Encr Hash   "
		       "Auth DH Lifetime Cap.");
	has_line(text, "1001  192.168.0.1     192.168.0.4            ACTIVE aes  sha256 psk  "
		       "14 23:59:00");
	has_line(text, "1002  192.168.0.1     192.168.0.5            ACTIVE 3des sha    rsig "
		       "2  24:00:00 N");
	has_line(text, "       Profile: v1prof, state: QM_IDLE, role: initiator");
	has_line(text, "       Local id: 192.168.0.1, Remote id: 192.168.0.4");
	has_line(text, "       Cookies: initiator 1122334455667788, responder 99AABBCCDDEEFF00");
	free(text);
	json_object_put(o);
}

/* Each list shows its own engine's SAs: IKEv2 never lists an ISAKMP SA, and the reverse. */
static void gw_show_versions_apart(void **state)
{
	struct gw_show_ctx c = ctx();
	struct json_object *v2 = gw_show_ikev2_sa(&c, false), *v1 = gw_show_isakmp_sa(&c, false);

	assert_int_equal(json_object_array_length(get(v2, "sas")), 2);
	for (size_t i = 0; i < 2; i++) {
		int_is(at(get(v2, "sas"), i), "version", 2);
		int_is(at(get(v1, "sas"), i), "version", 1);
	}
	str_is(at(get(v2, "sas"), 0), "state", "READY");
	str_is(at(get(v2, "sas"), 1), "state", "IN-NEG");
	str_is(at(get(v1, "sas"), 0), "state", "QM_IDLE");
	str_is(at(get(v1, "sas"), 1), "state", "MM_KEY_EXCH");
	json_object_put(v2);
	json_object_put(v1);

	/* no IKEv1 engine (or no SA): an empty list, not a failure; IKEv2's unchanged */
	c.ikev1 = NULL;
	v1 = gw_show_isakmp_sa(&c, false);
	assert_int_equal(json_object_array_length(get(v1, "sas")), 0);
	json_object_put(v1);
	fake.n_sas = 0;
	c = ctx();
	v2 = gw_show_ikev2_sa(&c, false);
	assert_int_equal(json_object_array_length(get(v2, "sas")), 0);
	json_object_put(v2);
}

/* Tunnel3's totals: IKEv1's retired counters plus its live SAs' kernel counters. */
static void gw_show_ipsec_sa_ikev1_tunnel(void **state)
{
	struct gw_show_ctx c = ctx();
	bool unknown;
	struct json_object *o = gw_show_ipsec_sa(&c, NULL, &unknown), *t, *sa;

	assert_int_equal(json_object_array_length(get(o, "tunnels")), 3);
	t = at(get(o, "tunnels"), 0); /* IKEv2's Tunnel1 as before */
	int_is(t, "encaps_pkts", 200 + 11 + 13);
	int_is(t, "decaps_pkts", 100 + 5 + 7);
	t = at(get(o, "tunnels"), 2);
	str_is(t, "interface", "Tunnel3");
	str_is(t, "peer", "192.168.0.4");
	str_is(t, "status", "up");
	int_is(t, "encaps_pkts", 60 + 19);
	int_is(t, "encaps_bytes", 6000 + 1900);
	int_is(t, "decaps_pkts", 50 + 17);
	int_is(t, "decaps_bytes", 5000 + 1700);
	int_is(t, "errors_replay", 2);
	int_is(t, "errors_integrity", 1);
	int_is(t, "rekeys", 3);
	int_is(t, "last_rekey_seconds", 10);
	str_is(t, "protection", "ipp1");
	assert_int_equal(json_object_array_length(get(t, "sas")), 1);
	sa = at(get(t, "sas"), 0);
	str_is(sa, "spi_in", "0xc3000001");
	str_is(sa, "spi_out", "0x0a030001");
	str_is(sa, "transform", "esp-aes esp-sha256-hmac");
	int_is(sa, "lifetime_left", 3550);
	int_is(sa, "encaps_pkts", 19);
	int_is(sa, "decaps_pkts", 17);
	json_object_put(o);

	o = gw_show_ipsec_sa(&c, "Tunnel3", &unknown);
	int_is(at(get(o, "tunnels"), 0), "encaps_pkts", 60 + 19);
	json_object_put(o);
}

static void gw_show_session_ikev1(void **state)
{
	struct gw_show_ctx c = ctx();
	struct json_object *o = gw_show_session(&c), *s, *ike;
	size_t up, n, sas;
	char *text;

	s = at(get(o, "sessions"), 2);
	str_is(s, "interface", "Tunnel3");
	str_is(s, "status", "UP-ACTIVE");
	str_is(s, "profile", "v1prof");
	int_is(s, "active_sas", 2);
	assert_int_equal(json_object_array_length(get(s, "ike_sas")), 1);
	ike = at(get(s, "ike_sas"), 0);
	int_is(ike, "version", 1);
	str_is(ike, "state", "QM_IDLE");
	str_is(ike, "remote", "192.168.0.4");
	/* Tunnel1 still has only its IKEv2 SA */
	s = at(get(o, "sessions"), 0);
	str_is(s, "status", "UP-ACTIVE");
	assert_int_equal(json_object_array_length(get(s, "ike_sas")), 1);
	int_is(at(get(s, "ike_sas"), 0), "version", 2);
	text = render(o);
	has_line(text, "  IKEv1 SA: local 192.168.0.1/500 remote 192.168.0.4/500 Active");
	has_line(text, "  IKEv2 SA: local 192.168.0.1/500 remote 192.168.0.2/500 Active");
	free(text);
	json_object_put(o);

	/* Main Mode only: negotiating */
	fake1.sas[0].state = "MM_KEY_EXCH";
	fake1.tunnels[0].up = false;
	o = gw_show_session(&c);
	str_is(at(get(o, "sessions"), 2), "status", "DOWN-NEGOTIATING");
	json_object_put(o);

	fake1.tunnels[0].up = true;
	gw_show_counts(&c, &up, &n, &sas);
	assert_int_equal(up, 2); /* Tunnel1 (IKEv2) and Tunnel3 (IKEv1) */
	assert_int_equal(n, 3);
	assert_int_equal(sas, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(gw_show_ipsec_sa_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(gw_show_ikev2_sa_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(gw_show_session_states, setup, teardown),
		cmocka_unit_test(gw_show_transform_words),
		cmocka_unit_test_setup_teardown(gw_show_profiles_and_pki, setup, teardown),
		cmocka_unit_test_setup_teardown(gw_show_isakmp_sa_fields, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(gw_show_isakmp_profile_fields, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(gw_show_versions_apart, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(gw_show_ipsec_sa_ikev1_tunnel, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(gw_show_session_ikev1, setup_v1, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
