/*
 * The kernel plane's pure parts: IKEv2 transform IDs -> xfrm algorithms, one CHILD_SA direction
 * -> the xfrm SA (mark, reqid, ESN window, encapsulation), the id mapping, and a tunnel's plan
 * (VTI, policies, routes) from a configuration, with its equality for reload diffs.
 */
#include <errno.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "kernel.h"
#include "wire_types.h"

static void alg_is(uint16_t encr, uint16_t bits, uint16_t integ, const char *e, const char *i)
{
	const struct xfrm_alg_desc *enc = NULL, *in = NULL;

	assert_int_equal(kernel_alg_map(encr, bits, integ, &enc, &in), 0);
	assert_string_equal(enc->name, e);
	if (i)
		assert_string_equal(in->name, i);
	else
		assert_null(in);
}

static void alg_refused(uint16_t encr, uint16_t bits, uint16_t integ)
{
	const struct xfrm_alg_desc *enc = NULL, *in = NULL;

	assert_int_equal(kernel_alg_map(encr, bits, integ, &enc, &in), -EOPNOTSUPP);
}

static void kernel_alg_mapping(void **state)
{
	alg_is(WIRE_ENCR_AES_GCM_16, 128, WIRE_INTEG_NONE, "aes-gcm-128", NULL);
	alg_is(WIRE_ENCR_AES_GCM_16, 256, WIRE_INTEG_NONE, "aes-gcm-256", NULL);
	alg_is(WIRE_ENCR_CHACHA20_POLY1305, 0, WIRE_INTEG_NONE, "chacha20-poly1305", NULL);
	alg_is(WIRE_ENCR_AES_CBC, 128, WIRE_INTEG_HMAC_SHA2_256_128, "aes-cbc-128", "hmac-sha256");
	alg_is(WIRE_ENCR_AES_CBC, 192, WIRE_INTEG_HMAC_SHA2_384_192, "aes-cbc-192", "hmac-sha384");
	alg_is(WIRE_ENCR_AES_CBC, 256, WIRE_INTEG_HMAC_SHA2_512_256, "aes-cbc-256", "hmac-sha512");
	alg_is(WIRE_ENCR_3DES, 0, WIRE_INTEG_HMAC_SHA1_96, "3des", "hmac-sha1");
	alg_is(WIRE_ENCR_3DES, 0, WIRE_INTEG_HMAC_MD5_96, "3des", "hmac-md5");
	/* RFC truncations come from the table: SHA-256 128 bits, SHA-1 96 */
	{
		const struct xfrm_alg_desc *e, *i;

		assert_int_equal(
			kernel_alg_map(WIRE_ENCR_AES_CBC, 128, WIRE_INTEG_HMAC_SHA1_96, &e, &i), 0);
		assert_int_equal(i->icv_bits, 96);
		assert_int_equal(i->key_len, 20);
	}
	alg_refused(WIRE_ENCR_DES, 0, WIRE_INTEG_HMAC_SHA1_96);
	alg_refused(WIRE_ENCR_NULL, 0, WIRE_INTEG_HMAC_SHA1_96);
	alg_refused(WIRE_ENCR_AES_GCM_8, 128, WIRE_INTEG_NONE);
	alg_refused(WIRE_ENCR_AES_GCM_16, 192, WIRE_INTEG_NONE);
	alg_refused(WIRE_ENCR_AES_GCM_16, 128, WIRE_INTEG_HMAC_SHA2_256_128); /* AEAD + integ */
	alg_refused(WIRE_ENCR_AES_CBC, 128, WIRE_INTEG_NONE);		      /* cipher alone */
	alg_refused(WIRE_ENCR_AES_CBC, 64, WIRE_INTEG_HMAC_SHA1_96);
	alg_refused(WIRE_ENCR_AES_CBC, 128, WIRE_INTEG_AES_XCBC_96);
}

static void kernel_id_mapping(void **state)
{
	uint32_t t = 99;

	assert_int_equal(kernel_tunnel_key(1), 0x49000001u);
	assert_int_equal(kernel_tunnel_key(0), 0x49000000u);
	assert_true(kernel_tunnel_of_id(0x49000001u, &t));
	assert_int_equal(t, 1);
	assert_true(kernel_tunnel_of_id(0x49ffffffu, &t));
	assert_int_equal(t, 0xffffff);
	assert_false(kernel_tunnel_of_id(0x48ffffffu, NULL));
	assert_false(kernel_tunnel_of_id(0x4a000000u, NULL));
	assert_false(kernel_tunnel_of_id(1, NULL));
	assert_true(kernel_tunnel_id_valid(16777215));
	assert_false(kernel_tunnel_id_valid(16777216));
}

static struct ike_kernel_sa sample_sa(uint8_t *ek, uint8_t *ik)
{
	struct ike_kernel_sa s = {
		.tunnel_id = 7,
		.inbound = true,
		.spi = 0xc0ffee01,
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 256,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.enc_key = ek,
		.enc_key_len = 32,
		.integ_key = ik,
		.integ_key_len = 32,
		.replay_window = 64,
		.soft_seconds = 3000,
		.hard_seconds = 3600,
		.soft_bytes = 1000,
		.hard_bytes = 2000,
	};

	s.src.family = s.dst.family = AF_INET;
	inet_pton(AF_INET, "192.168.0.2", &s.src.v4);
	inet_pton(AF_INET, "192.168.0.1", &s.dst.v4);
	return s;
}

static void kernel_sa_fill_fields(void **state)
{
	uint8_t ek[36] = { 1 }, ik[32] = { 2 };
	struct ike_kernel_sa s = sample_sa(ek, ik);
	struct xfrm_sa x;
	char a[INET_ADDRSTRLEN];

	assert_int_equal(kernel_sa_fill(&s, &x), 0);
	assert_int_equal(x.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &x.src.v4, a, sizeof(a)), "192.168.0.2");
	assert_string_equal(inet_ntop(AF_INET, &x.dst.v4, a, sizeof(a)), "192.168.0.1");
	assert_int_equal(x.spi, 0xc0ffee01);
	assert_int_equal(x.reqid, 0x49000007);
	assert_int_equal(x.mark.v, 0x49000007);
	assert_int_equal(x.mark.m, 0xffffffff);
	assert_int_equal(x.mode, XFRM_MODE_TUNNEL);
	assert_int_equal(x.sel.family, 0);
	assert_string_equal(x.enc->kernel_name, "cbc(aes)");
	assert_ptr_equal(x.enc_key, ek);
	assert_string_equal(x.integ->kernel_name, "hmac(sha256)");
	assert_ptr_equal(x.integ_key, ik);
	assert_int_equal(x.replay_window, 64);
	assert_false(x.esn);
	assert_int_equal(x.lft.soft_seconds, 3000);
	assert_int_equal(x.lft.hard_seconds, 3600);
	assert_int_equal(x.lft.soft_bytes, 1000);
	assert_int_equal(x.lft.hard_bytes, 2000);
	assert_false(x.udp_encap);

	/* outbound with ESN: the kernel wants a window; NAT-T ports */
	s.inbound = false;
	s.replay_window = 0;
	s.esn = true;
	s.encap_sport = 4500;
	s.encap_dport = 4501;
	assert_int_equal(kernel_sa_fill(&s, &x), 0);
	assert_true(x.esn);
	assert_int_equal(x.replay_window, 1);
	assert_true(x.udp_encap);
	assert_int_equal(x.encap_sport, 4500);
	assert_int_equal(x.encap_dport, 4501);

	/* AEAD: salt included in the key length, no integrity */
	s.encr = WIRE_ENCR_AES_GCM_16;
	s.key_bits = 128;
	s.integ = WIRE_INTEG_NONE;
	s.enc_key_len = 20;
	s.integ_key = NULL;
	s.integ_key_len = 0;
	assert_int_equal(kernel_sa_fill(&s, &x), 0);
	assert_string_equal(x.enc->kernel_name, "rfc4106(gcm(aes))");
	assert_null(x.integ);

	s.enc_key_len = 16; /* without the salt */
	assert_int_equal(kernel_sa_fill(&s, &x), -EINVAL);
	s = sample_sa(ek, ik);
	s.encap_dport = 4500; /* one port only */
	assert_int_equal(kernel_sa_fill(&s, &x), -EINVAL);
	s = sample_sa(ek, ik);
	s.tunnel_id = 0x1000000;
	assert_int_equal(kernel_sa_fill(&s, &x), -EINVAL);
	s = sample_sa(ek, ik);
	s.dst.family = AF_INET6;
	assert_int_equal(kernel_sa_fill(&s, &x), -EINVAL);
	s = sample_sa(ek, ik);
	s.encr = WIRE_ENCR_DES;
	assert_int_equal(kernel_sa_fill(&s, &x), -EOPNOTSUPP);
}

#define CONF_HEAD                                                                                  \
	"hostname r1\n"                                                                            \
	"crypto ikev2 profile prof\n"                                                              \
	" match identity remote address 192.168.0.2 255.255.255.255\n"                             \
	" authentication remote pre-share\n"                                                       \
	" authentication local pre-share\n"                                                        \
	"crypto ipsec profile ipp\n"                                                               \
	" set ikev2-profile prof\n"                                                                \
	"interface Ethernet0/0\n"                                                                  \
	" ip address 192.168.0.1 255.255.255.0\n"

static struct config *load(const char *text)
{
	struct config_diag d;
	struct config *cfg = NULL;

	config_diag_init(&d);
	if (config_load_buffer("t.conf", NULL, text, strlen(text), &cfg, &d) < 0)
		config_diag_print(&d, stderr);
	config_diag_clear(&d);
	assert_non_null(cfg);
	return cfg;
}

static const char conf_a[] = CONF_HEAD "interface Tunnel12\n"
				       " ip address 10.0.0.1 255.255.255.252\n"
				       " ip mtu 1400\n"
				       " ip tcp adjust-mss 1360\n"
				       " tunnel source Ethernet0/0\n"
				       " tunnel destination 192.168.0.2\n"
				       " tunnel protection ipsec profile ipp\n"
				       "ip route 192.168.200.0 255.255.255.0 Tunnel12\n"
				       "ip route 172.16.0.0 255.240.0.0 10.0.0.2\n"
				       "ip route 10.99.0.0 255.255.0.0 192.168.0.254\n";

static void kernel_plan_from_config(void **state)
{
	struct config *cfg = load(conf_a);
	struct kernel_tunnel_plan p;
	struct kernel_error err;
	char a[INET_ADDRSTRLEN];

	assert_int_equal(cfg->n_tunnels, 1);
	assert_int_equal(kernel_tunnel_plan(cfg, cfg->tunnels[0], &p, &err), 0);
	assert_int_equal(p.tunnel_id, 12);
	assert_int_equal(p.id, 0x4900000c);
	assert_string_equal(p.link.name, "Tunnel12");
	assert_int_equal(p.link.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &p.link.local.v4, a, sizeof(a)), "192.168.0.1");
	assert_string_equal(inet_ntop(AF_INET, &p.link.remote.v4, a, sizeof(a)), "192.168.0.2");
	assert_int_equal(p.link.ikey, 0x4900000c);
	assert_int_equal(p.link.okey, 0x4900000c);
	assert_int_equal(p.addr4.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &p.addr4.addr.v4, a, sizeof(a)), "10.0.0.1");
	assert_int_equal(p.addr4.len, 30);
	assert_int_equal(p.addr6.family, 0);
	assert_int_equal(p.mtu, 1400);
	assert_int_equal(p.adjust_mss, 1360);
	assert_true(p.up);
	assert_int_equal(p.inner_family, AF_INET);

	/* out, in, fwd: any selector, the mark, one ESP tunnel template with the reqid */
	assert_int_equal(p.policies[0].dir, XFRM_POLICY_OUT);
	assert_int_equal(p.policies[1].dir, XFRM_POLICY_IN);
	assert_int_equal(p.policies[2].dir, XFRM_POLICY_FWD);
	for (int i = 0; i < 3; i++) {
		const struct xfrm_policy *pol = &p.policies[i];

		assert_int_equal(pol->sel.family, AF_INET);
		assert_int_equal(pol->sel.src_plen, 0);
		assert_int_equal(pol->sel.dst_plen, 0);
		assert_int_equal(pol->mark.v, 0x4900000c);
		assert_int_equal(pol->mark.m, 0xffffffff);
		assert_int_equal(pol->action, XFRM_POLICY_ALLOW);
		assert_int_equal(pol->n_tmpls, 1);
		assert_int_equal(pol->tmpls[0].reqid, 0x4900000c);
		assert_int_equal(pol->tmpls[0].proto, IPPROTO_ESP);
		assert_int_equal(pol->tmpls[0].mode, XFRM_MODE_TUNNEL);
		assert_string_equal(inet_ntop(AF_INET, &pol->tmpls[0].src.v4, a, sizeof(a)),
				    i == 0 ? "192.168.0.1" : "192.168.0.2");
		assert_string_equal(inet_ntop(AF_INET, &pol->tmpls[0].dst.v4, a, sizeof(a)),
				    i == 0 ? "192.168.0.2" : "192.168.0.1");
	}

	/* the TunnelN route, and the next-hop route whose next hop is in the tunnel's subnet;
	 * not the one via the LAN router */
	assert_int_equal(p.n_routes, 2);
	assert_string_equal(inet_ntop(AF_INET, &p.routes[0].dst.addr.v4, a, sizeof(a)),
			    "192.168.200.0");
	assert_int_equal(p.routes[0].dst.len, 24);
	assert_false(p.routes[0].has_gateway);
	assert_string_equal(inet_ntop(AF_INET, &p.routes[1].dst.addr.v4, a, sizeof(a)),
			    "172.16.0.0");
	assert_int_equal(p.routes[1].dst.len, 12);
	assert_true(p.routes[1].has_gateway);
	assert_string_equal(inet_ntop(AF_INET, &p.routes[1].gateway.v4, a, sizeof(a)), "10.0.0.2");
	kernel_tunnel_plan_free(&p);
	config_free(cfg);
}

static void plan_of(const char *text, struct kernel_tunnel_plan *p, struct config **ret_cfg)
{
	struct kernel_error err;

	*ret_cfg = load(text);
	assert_int_equal(kernel_tunnel_plan(*ret_cfg, (*ret_cfg)->tunnels[0], p, &err), 0);
}

static void kernel_plan_equality(void **state)
{
	struct kernel_tunnel_plan a, b;
	struct config *ca, *cb;
	char text[2048];

	plan_of(conf_a, &a, &ca);
	plan_of(conf_a, &b, &cb);
	assert_true(kernel_tunnel_plan_equal(&a, &b));
	kernel_tunnel_plan_free(&b);
	config_free(cb);

	/* a different MTU, admin state or route is a different plan */
	snprintf(text, sizeof(text), "%s", conf_a);
	memcpy(strstr(text, "ip mtu 1400"), "ip mtu 1380", 11);
	plan_of(text, &b, &cb);
	assert_false(kernel_tunnel_plan_equal(&a, &b));
	kernel_tunnel_plan_free(&b);
	config_free(cb);

	snprintf(text, sizeof(text), "%s%s", conf_a, "ip route 10.1.0.0 255.255.0.0 Tunnel12\n");
	plan_of(text, &b, &cb);
	assert_int_equal(b.n_routes, 3);
	assert_false(kernel_tunnel_plan_equal(&a, &b));
	kernel_tunnel_plan_free(&b);
	config_free(cb);

	/* the MSS clamp lives in nftables: the link is unchanged */
	snprintf(text, sizeof(text), "%s", conf_a);
	memcpy(strstr(text, "adjust-mss 1360"), "adjust-mss 1300", 15);
	plan_of(text, &b, &cb);
	assert_true(kernel_tunnel_plan_equal(&a, &b));
	assert_int_equal(b.adjust_mss, 1300);
	kernel_tunnel_plan_free(&b);
	config_free(cb);

	kernel_tunnel_plan_free(&a);
	config_free(ca);
}

static void kernel_plan_refusals(void **state)
{
	struct kernel_tunnel_plan p;
	struct kernel_error err;
	struct config *cfg;

	cfg = load(CONF_HEAD "interface Tunnel3\n"
			     " tunnel source Ethernet0/0\n"
			     " tunnel protection ipsec profile ipp\n");
	assert_int_equal(kernel_tunnel_plan(cfg, cfg->tunnels[0], &p, &err), -EINVAL);
	assert_string_equal(err.msg, "Tunnel3: no tunnel destination");
	config_free(cfg);

	cfg = load(CONF_HEAD "interface Tunnel16777216\n"
			     " tunnel source Ethernet0/0\n"
			     " tunnel destination 192.168.0.2\n");
	assert_int_equal(kernel_tunnel_plan(cfg, cfg->tunnels[0], &p, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "Tunnel16777216: tunnel numbers above 16777215 are not supported");
	config_free(cfg);

	cfg = load(CONF_HEAD "interface Tunnel4\n"
			     " shutdown\n"
			     " tunnel source 192.168.0.1\n"
			     " tunnel destination 192.168.0.2\n");
	assert_int_equal(kernel_tunnel_plan(cfg, cfg->tunnels[0], &p, &err), 0);
	assert_false(p.up);
	assert_int_equal(p.id, 0x49000004);
	kernel_tunnel_plan_free(&p);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_alg_mapping),	 cmocka_unit_test(kernel_id_mapping),
		cmocka_unit_test(kernel_sa_fill_fields), cmocka_unit_test(kernel_plan_from_config),
		cmocka_unit_test(kernel_plan_equality),	 cmocka_unit_test(kernel_plan_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
