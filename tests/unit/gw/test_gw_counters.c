/*
 * The operator's counters over fake engines, a fake kernel (per-SA counters, the VTI's link
 * stats) and fake per-peer counters (IKE sent, nftables): the new `show crypto ipsec sa`
 * fields, seed 004's diagnosis in `show crypto session` look after look (healthy, UDP 500/4500
 * unanswered, ESP blocked inbound, ESP not sent, ESP not decapsulated) with its exact text as
 * JSON and as ikegwctl prints it, `metrics` line by line, and the per-peer table (gw_peers.c).
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
#include "gw_peers.h"
#include "gw_show.h"
#include "gw_testutil.h"
#include "ikegwctl_render.h"
#include "wire_types.h"

#define NOW (100000ull * 1000000u) /* monotonic µs */
#define SEC 1000000ull

static const char conf[] = "hostname r1\n"
			   "crypto ikev2 profile prof\n"
			   " match identity remote address 192.168.0.2 255.255.255.255\n"
			   " authentication remote pre-share\n"
			   " authentication local pre-share\n"
			   "crypto ipsec profile ipp\n"
			   " set ikev2-profile prof\n"
			   "interface Tunnel1\n"
			   " tunnel source 192.168.0.1\n"
			   " tunnel destination 192.168.0.2\n"
			   " tunnel protection ipsec profile ipp\n"
			   "interface Tunnel2\n"
			   " tunnel source 192.168.0.1\n"
			   " tunnel destination 192.168.0.3\n";

static struct config *cfg;
static struct ike_child_info child;

/* The fake kernel: Tunnel1's SA pair (in: 0xc1000001 at 192.168.0.1, out: 0x0a000001 at
 * 192.168.0.2) and its VTI's tx_carrier_errors; a test moves them between looks. */
static struct ike_kernel_counters k_in, k_out;
static uint64_t k_no_sa;
static bool k_link;

static int fake_counters(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi,
			 struct ike_kernel_counters *ret)
{
	if (tunnel_id == 1 && spi == 0xc1000001 && is_addr(dst, "192.168.0.1")) {
		*ret = k_in;
		return 0;
	}
	if (tunnel_id == 1 && spi == 0x0a000001 && is_addr(dst, "192.168.0.2")) {
		*ret = k_out;
		return 0;
	}
	return -ESRCH;
}

static const struct ike_kernel_ops kops = { .sa_counters = fake_counters };

static int fake_link(void *ctx, const char *name, struct vti_link_info *ret)
{
	if (!k_link || strcmp(name, "Tunnel1") != 0)
		return -ENODEV;
	memset(ret, 0, sizeof(*ret));
	ret->ifindex = 7;
	ret->flags = IFF_UP | IFF_RUNNING;
	ret->mtu = 1438;
	ret->has_stats = true;
	ret->stats.tx_packets = 1000;
	ret->stats.tx_errors = k_no_sa + 1;
	ret->stats.tx_carrier_errors = k_no_sa;
	return 0;
}

/* What gw_peers would give for 192.168.0.2 (Tunnel2's peer has no entry). */
static struct gw_peer_counters peer;

static int setup(void **state)
{
	struct ike_sa_info *a = &fake.sas[0];

	if (config_load_buffer("t.conf", NULL, conf, strlen(conf), &cfg, NULL) < 0)
		return -1;
	memset(&fake, 0, sizeof(fake));
	memset(&fake1, 0, sizeof(fake1));
	child = (struct ike_child_info){
		.tunnel_id = 1,
		.spi_in = 0xc1000001,
		.spi_out = 0x0a000001,
		.encr = WIRE_ENCR_AES_CBC,
		.key_bits = 256,
		.integ = WIRE_INTEG_HMAC_SHA2_256_128,
		.established_us = NOW - 100 * SEC,
		.lifetime_s = 3600,
	};
	*a = (struct ike_sa_info){
		.version = 2,
		.id = 1,
		.state = "READY",
		.initiator = true,
		.profile = "prof",
		.established_us = NOW - 200 * SEC,
		.lifetime_s = 86400,
		.children = &child,
		.n_children = 1,
	};
	a->path.local = addr("192.168.0.1");
	a->path.remote = addr("192.168.0.2");
	a->path.local_port = a->path.remote_port = 500;
	fake.n_sas = 1;
	fake.tunnel_ids[0] = 1;
	fake.tunnels[0] = (struct ike_tunnel_info){
		.up = true,
		.retired_in = { 1000, 100000, 2, 3 },
		.retired_out = { 2000, 200000, 0, 0 },
		.last_rekey_us = NOW - 90 * SEC,
		.rekeys = 4,
		.dpd_rtt_us = 1234,
	};
	fake.n_tunnels = 1;
	k_in = (struct ike_kernel_counters){ 10, 1000, 1, 0 };
	k_out = (struct ike_kernel_counters){ 20, 2000, 0, 0 };
	k_no_sa = 5;
	k_link = true;
	peer = (struct gw_peer_counters){
		.peer = addr("192.168.0.2"),
		.ike_tx_pkts = 40,
		.ike_tx_bytes = 4000,
		.ike_rx_daemon_pkts = 38,
		.nft = true,
		.ike_rx_pkts = 39,
		.ike_rx_bytes = 3900,
		.esp_rx_pkts = 1012,
		.esp_rx_bytes = 110000,
	};
	return 0;
}

static int teardown(void **state)
{
	config_free(cfg);
	return 0;
}

static struct gw_show_ctx ctx(uint64_t now, struct gw_diag_memory *diag)
{
	return (struct gw_show_ctx){
		.cfg = cfg,
		.ikev1 = (const struct ikev1 *)&fake1,
		.ikev2 = (const struct ikev2 *)&fake,
		.kops = &kops,
		.now_us = now,
		.link = fake_link,
		.peers = &peer,
		.n_peers = 1,
		.diag = diag,
		.rx_bad_version = 7,
		.reloads_ok = 2,
		.reloads_failed = 1,
	};
}

/* ---- show crypto ipsec sa ---- */

static void ipsec_sa_counters(void **state)
{
	struct gw_show_ctx c = ctx(NOW, NULL);
	bool unknown;
	struct json_object *o = gw_show_ipsec_sa(&c, NULL, &unknown), *t;
	char *text;

	t = at(get(o, "tunnels"), 0);
	int_is(t, "encaps_pkts", 2000 + 20);
	int_is(t, "decaps_pkts", 1000 + 10);
	int_is(t, "encaps_bytes", 200000 + 2000);
	int_is(t, "decaps_bytes", 100000 + 1000);
	int_is(t, "errors_replay", 2 + 1);
	int_is(t, "errors_integrity", 3);
	int_is(t, "errors_no_sa", 5);
	int_is(get(t, "link"), "tx_carrier_errors", 5);
	int_is(get(t, "link"), "tx_errors", 6);
	int_is(t, "rekeys", 4);
	int_is(t, "last_rekey_seconds", 90);
	str_is(t, "last_rekey", "00:01:30 ago");
	int_is(t, "dpd_rtt_us", 1234);
	int_is(t, "ike_tx_pkts", 40);
	int_is(t, "ike_tx_bytes", 4000);
	int_is(t, "ike_rx_pkts", 39);
	int_is(t, "ike_rx_bytes", 3900);
	int_is(t, "esp_rx_pkts", 1012);
	int_is(t, "esp_rx_bytes", 110000);
	text = render(o);
	has_line(text, "    #pkts encaps: 2020, #pkts encrypt: 2020, #pkts digest: 2020");
	has_line(text, "    #pkts decaps: 1010, #pkts decrypt: 1010, #pkts verify: 1010");
	has_line(text, "    #pkts replay failed: 3, #pkts verify failed (integrity): 3, "
		       "#pkts no sa: 5");
	has_line(text, "    #pkts ike sent: 40, #pkts ike received: 39, #pkts esp received: 1012");
	has_line(text, "     tunnel status: up, last rekey: 00:01:30 ago");
	has_line(text, "     dpd round trip: 1.234 ms");
	free(text);
	/* Tunnel2: no peer entry, no link */
	t = at(get(o, "tunnels"), 1);
	null_is(t, "ike_tx_pkts");
	null_is(t, "esp_rx_pkts");
	null_is(t, "errors_no_sa");
	null_is(t, "dpd_rtt_us");
	text = render(o);
	has_line(text, "     dpd round trip: not measured");
	free(text);
	json_object_put(o);

	/* nftables not counting: its fields are null, "-" in the text; ours stay */
	peer.nft = false;
	o = gw_show_ipsec_sa(&c, "Tunnel1", &unknown);
	t = at(get(o, "tunnels"), 0);
	int_is(t, "ike_tx_pkts", 40);
	null_is(t, "ike_rx_pkts");
	null_is(t, "esp_rx_bytes");
	text = render(o);
	has_line(text, "    #pkts ike sent: 40, #pkts ike received: -, #pkts esp received: -");
	free(text);
	json_object_put(o);
}

/* ---- show crypto session: seed 004's cases look after look ---- */

/* One look at time now: Tunnel1's session; its text as ikegwctl prints it in *ret_text. */
static struct json_object *look(struct gw_diag_memory *m, uint64_t now, char **ret_text)
{
	struct gw_show_ctx c = ctx(now, m);
	struct json_object *o = gw_show_session(&c), *s;

	assert_non_null(o);
	s = json_object_get(at(get(o, "sessions"), 0));
	if (ret_text)
		*ret_text = render(o);
	json_object_put(o);
	str_is(s, "interface", "Tunnel1");
	return s;
}

static void diag_is(struct json_object *s, const char *code, const char *text)
{
	struct json_object *d = at(get(s, "diagnoses"), 0);

	str_is(s, "diagnosis_code", code);
	str_is(s, "diagnosis", text);
	str_is(d, "code", code);
	str_is(d, "text", text);
}

static void move(uint64_t encaps, uint64_t decaps, uint64_t esp_rx, uint64_t ike_tx,
		 uint64_t ike_rx)
{
	k_out.packets += encaps;
	k_out.bytes += encaps * 100;
	k_in.packets += decaps;
	k_in.bytes += decaps * 100;
	peer.esp_rx_pkts += esp_rx;
	peer.esp_rx_bytes += esp_rx * 120;
	peer.ike_tx_pkts += ike_tx;
	peer.ike_rx_pkts += ike_rx;
	peer.ike_rx_daemon_pkts += ike_rx;
}

static void session_healthy_then_blocked(void **state)
{
	struct gw_diag_memory m = { 0 };
	struct json_object *s, *cnt, *d;
	char *text;

	/* the first look compares with the daemon's start */
	s = look(&m, NOW, &text);
	diag_is(s, "ok",
		"ESP flows both ways: 2020 packets encapsulated, 1010 decapsulated since ikegwd "
		"started");
	cnt = get(s, "counters");
	null_is(cnt, "interval_seconds");
	int_is(cnt, "encaps_pkts", 2020);
	int_is(cnt, "esp_rx_pkts", 1012);
	int_is(get(cnt, "delta"), "encaps_pkts", 2020);
	has_line(text, "  Diagnosis: ESP flows both ways: 2020 packets encapsulated, 1010 "
		       "decapsulated since ikegwd started");
	free(text);
	json_object_put(s);

	/* healthy: 20 pings, both ways */
	move(20, 20, 20, 1, 1);
	s = look(&m, NOW + 10 * SEC, &text);
	diag_is(s, "ok",
		"ESP flows both ways: 20 packets encapsulated, 20 decapsulated in the last 10 s");
	assert_int_equal(json_object_array_length(get(s, "diagnoses")), 1);
	cnt = get(s, "counters");
	int_is(cnt, "interval_seconds", 10);
	d = get(cnt, "delta");
	int_is(d, "encaps_pkts", 20);
	int_is(d, "decaps_pkts", 20);
	int_is(d, "esp_rx_pkts", 20);
	int_is(d, "ike_tx_pkts", 1);
	int_is(d, "ike_rx_pkts", 1);
	int_is(d, "errors_no_sa", 0);
	has_line(text, "Session status: UP-ACTIVE");
	has_line(text, "  Diagnosis: ESP flows both ways: 20 packets encapsulated, 20 decapsulated "
		       "in the last 10 s");
	free(text);
	json_object_put(s);

	/* (b) we encapsulate, no ESP arrives (nftables +0), nothing decapsulated */
	move(20, 0, 0, 1, 1);
	s = look(&m, NOW + 25 * SEC, &text);
	diag_is(s, "esp-not-received",
		"ESP blocked inbound? 20 packets encapsulated for 192.168.0.2 in the last 15 s, "
		"no ESP received from it (nftables: +0): ESP (IP protocol 50) blocked on the way "
		"in, or the peer receives none of ours and has nothing to answer");
	d = get(get(s, "counters"), "delta");
	int_is(d, "encaps_pkts", 20);
	int_is(d, "decaps_pkts", 0);
	int_is(d, "esp_rx_pkts", 0);
	has_line(text, "  Diagnosis: ESP blocked inbound? 20 packets encapsulated for 192.168.0.2 "
		       "in the last 15 s, no ESP received from it (nftables: +0): ESP (IP protocol "
		       "50) blocked on the way in, or the peer receives none of ours and has "
		       "nothing to answer");
	free(text);
	json_object_put(s);

	/* looked at again within 5 s (the text after the JSON): the same comparison, with the
	 * reference before, and the reference stays */
	s = look(&m, NOW + 29 * SEC, NULL);
	diag_is(s, "esp-not-received",
		"ESP blocked inbound? 20 packets encapsulated for 192.168.0.2 in the last 19 s, "
		"no ESP received from it (nftables: +0): ESP (IP protocol 50) blocked on the way "
		"in, or the peer receives none of ours and has nothing to answer");
	int_is(get(s, "counters"), "interval_seconds", 19);
	json_object_put(s);

	/* (c) the reverse: ESP arrives and is decapsulated, we send none */
	move(0, 15, 15, 0, 0);
	s = look(&m, NOW + 35 * SEC, &text);
	diag_is(s, "esp-not-sent",
		"Nothing sent into Tunnel1? 15 packets decapsulated from 192.168.0.2 in the last "
		"10 s, none encapsulated for it: nothing routed into Tunnel1 (routes, return path) "
		"or one-way traffic");
	has_line(text, "  Diagnosis: Nothing sent into Tunnel1? 15 packets decapsulated from "
		       "192.168.0.2 in the last 10 s, none encapsulated for it: nothing routed into "
		       "Tunnel1 (routes, return path) or one-way traffic");
	free(text);
	json_object_put(s);

	/* ESP arrives (nftables +5) but is not decapsulated: integrity failures */
	move(5, 0, 5, 0, 0);
	k_in.integrity_errors += 5;
	s = look(&m, NOW + 45 * SEC, NULL);
	diag_is(s, "esp-not-decapsulated",
		"ESP arrives but is not decapsulated? 5 ESP packets from 192.168.0.2 arrived in the "
		"last 10 s (nftables), none decapsulated (integrity failures +5, replay failures "
		"+0): wrong keys, or SAs this side does not know");
	json_object_put(s);

	/* nothing either way; then packets into the VTI dropped for lack of an SA */
	k_no_sa += 3;
	s = look(&m, NOW + 55 * SEC, NULL);
	diag_is(s, "idle",
		"No ESP either way in the last 10 s: send traffic through Tunnel1 (ping) and look "
		"again");
	str_is(at(get(s, "diagnoses"), 1), "code", "no-sa");
	str_is(at(get(s, "diagnoses"), 1), "text",
	       "3 packets routed into Tunnel1 in the last 10 s were dropped: no IPsec SA (tunnel "
	       "down or being rekeyed)");
	json_object_put(s);

	/* up, but liveness checks go unanswered: a second finding */
	move(10, 10, 10, 3, 0);
	s = look(&m, NOW + 65 * SEC, &text);
	str_is(s, "diagnosis_code", "ok");
	str_is(at(get(s, "diagnoses"), 1), "code", "ike-no-answer");
	str_is(at(get(s, "diagnoses"), 1), "text",
	       "UDP 500/4500 blocked? 3 IKE packets (liveness checks, rekeys) sent to 192.168.0.2 "
	       "in the last 10 s, none received from it");
	has_line(text, "  Diagnosis: UDP 500/4500 blocked? 3 IKE packets (liveness checks, rekeys) "
		       "sent to 192.168.0.2 in the last 10 s, none received from it");
	free(text);
	json_object_put(s);
	gw_diag_memory_clear(&m);
}

static void session_ike_unanswered(void **state)
{
	struct gw_diag_memory m = { 0 };
	struct json_object *s;
	char *text;

	/* (a) the tunnel is down, we retransmit IKE_SA_INIT, nothing comes back */
	fake.sas[0].state = "IN-NEG";
	fake.sas[0].n_children = 0;
	fake.tunnels[0].up = false;
	json_object_put(look(&m, NOW, NULL));
	move(0, 0, 0, 6, 0);
	s = look(&m, NOW + 30 * SEC, &text);
	str_is(s, "status", "DOWN-NEGOTIATING");
	diag_is(s, "ike-no-answer",
		"UDP 500/4500 blocked? 6 IKE packets sent to 192.168.0.2 in the last 30 s, none "
		"received from it: UDP 500/4500 blocked inbound (ISP, firewall) or the peer does "
		"not answer");
	has_line(text, "  Diagnosis: UDP 500/4500 blocked? 6 IKE packets sent to 192.168.0.2 in the "
		       "last 30 s, none received from it: UDP 500/4500 blocked inbound (ISP, "
		       "firewall) or the peer does not answer");
	free(text);
	json_object_put(s);

	/* IKE arrives at the host (nftables) but never reaches ikegwd */
	move(0, 0, 0, 2, 0);
	peer.ike_rx_pkts += 2;
	s = look(&m, NOW + 40 * SEC, NULL);
	diag_is(s, "ike-dropped-locally",
		"IKE dropped on this host? 2 IKE packets from 192.168.0.2 arrived in the last 10 s "
		"(nftables) but none reached ikegwd: a firewall chain after ours drops UDP "
		"500/4500");
	json_object_put(s);

	/* IKE both ways, no SA */
	move(0, 0, 0, 2, 2);
	s = look(&m, NOW + 50 * SEC, NULL);
	diag_is(s, "ike-no-sa",
		"IKE without IPsec SA: 2 IKE packets sent to 192.168.0.2 and 2 received in the last "
		"10 s, no IPsec SA installed: see the log (debug crypto ikev2, debug crypto "
		"isakmp) for the step that fails");
	json_object_put(s);

	/* nothing sent, nothing received */
	s = look(&m, NOW + 60 * SEC, NULL);
	diag_is(s, "down-idle",
		"Tunnel down, no IKE to or from 192.168.0.2 in the last 10 s: tunnel initiate "
		"on-demand or never waits for traffic or the peer");
	json_object_put(s);

	/* without nftables counts, IKE received = what reached ikegwd */
	peer.nft = false;
	move(0, 0, 0, 4, 0);
	s = look(&m, NOW + 70 * SEC, NULL);
	str_is(s, "diagnosis_code", "ike-no-answer");
	null_is(get(get(s, "counters"), "delta"), "ike_rx_pkts");
	json_object_put(s);
	gw_diag_memory_clear(&m);
}

/* A counter that went down (the daemon's tables were reset) counts whole; no memory: every
 * look compares with zero. */
static void session_reset_and_no_memory(void **state)
{
	struct gw_diag_memory m = { 0 };
	struct gw_diag_sample big = { .at_us = NOW, .encaps = 999999, .decaps = 5, .nft = true };
	struct gw_diag_sample base;
	struct json_object *s;

	assert_int_equal(gw_diag_memory_look(&m, "Tunnel1", &big, &base), 0);
	assert_int_equal(base.at_us, 0); /* the first look: compared with the start */
	s = look(&m, NOW + 10 * SEC, NULL);
	diag_is(s, "ok",
		"ESP flows both ways: 2020 packets encapsulated, 1005 decapsulated in the last 10 s");
	json_object_put(s);
	gw_diag_memory_clear(&m);
	s = look(NULL, NOW, NULL);
	str_is(s, "diagnosis_code", "ok");
	null_is(get(s, "counters"), "interval_seconds");
	json_object_put(s);
}

/* ---- metrics ---- */

static const char *const want_metrics[] = {
	"# TYPE ikegw_tunnel_up gauge",
	"# HELP ikegw_tunnel_up 1 when the tunnel has an installed IPsec SA pair",
	"ikegw_tunnel_up{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} 1",
	"ikegw_tunnel_up{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_encaps_packets counter",
	"# HELP ikegw_tunnel_encaps_packets Packets encapsulated (sent) into the tunnel, "
	"surviving rekeys",
	"ikegw_tunnel_encaps_packets_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"2020",
	"ikegw_tunnel_encaps_packets_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_encaps_bytes counter",
	"# HELP ikegw_tunnel_encaps_bytes Bytes encapsulated into the tunnel",
	"ikegw_tunnel_encaps_bytes_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"202000",
	"ikegw_tunnel_encaps_bytes_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_decaps_packets counter",
	"# HELP ikegw_tunnel_decaps_packets Packets decapsulated (received) from the tunnel",
	"ikegw_tunnel_decaps_packets_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"1010",
	"ikegw_tunnel_decaps_packets_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_decaps_bytes counter",
	"# HELP ikegw_tunnel_decaps_bytes Bytes decapsulated from the tunnel",
	"ikegw_tunnel_decaps_bytes_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"101000",
	"ikegw_tunnel_decaps_bytes_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_replay_errors counter",
	"# HELP ikegw_tunnel_replay_errors Inbound ESP packets dropped by the replay check",
	"ikegw_tunnel_replay_errors_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} 3",
	"ikegw_tunnel_replay_errors_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_integrity_errors counter",
	"# HELP ikegw_tunnel_integrity_errors Inbound ESP packets dropped by the integrity check",
	"ikegw_tunnel_integrity_errors_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile="
	"\"prof\"} 3",
	"ikegw_tunnel_integrity_errors_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_no_sa_errors counter",
	"# HELP ikegw_tunnel_no_sa_errors Packets routed into the tunnel interface it could not send "
	"(no SA, no route)",
	"ikegw_tunnel_no_sa_errors_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} 5",
	"# TYPE ikegw_tunnel_rekeys counter",
	"# HELP ikegw_tunnel_rekeys IPsec SA (CHILD_SA) rekeys of the tunnel",
	"ikegw_tunnel_rekeys_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} 4",
	"ikegw_tunnel_rekeys_total{tunnel=\"Tunnel2\",peer=\"192.168.0.3\",profile=\"\"} 0",
	"# TYPE ikegw_tunnel_last_rekey_age_seconds gauge",
	"# HELP ikegw_tunnel_last_rekey_age_seconds Seconds since the tunnel's last rekey",
	"ikegw_tunnel_last_rekey_age_seconds{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"90",
	"# TYPE ikegw_tunnel_dpd_rtt_seconds gauge",
	"# HELP ikegw_tunnel_dpd_rtt_seconds Round trip of the last liveness check (DPD) answered at "
	"the first try",
	"ikegw_tunnel_dpd_rtt_seconds{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"0.001234",
	"# TYPE ikegw_tunnel_ike_tx_packets counter",
	"# HELP ikegw_tunnel_ike_tx_packets IKE datagrams ikegwd sent to the peer",
	"ikegw_tunnel_ike_tx_packets_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"40",
	"# TYPE ikegw_tunnel_ike_rx_packets counter",
	"# HELP ikegw_tunnel_ike_rx_packets IKE packets from the peer that reached this host "
	"(nftables)",
	"ikegw_tunnel_ike_rx_packets_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"39",
	"# TYPE ikegw_tunnel_ike_rx_bytes counter",
	"# HELP ikegw_tunnel_ike_rx_bytes Bytes of IKE packets from the peer (nftables)",
	"ikegw_tunnel_ike_rx_bytes_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"3900",
	"# TYPE ikegw_tunnel_esp_rx_packets counter",
	"# HELP ikegw_tunnel_esp_rx_packets ESP packets from the peer that reached this host "
	"(nftables)",
	"ikegw_tunnel_esp_rx_packets_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"1012",
	"# TYPE ikegw_tunnel_esp_rx_bytes counter",
	"# HELP ikegw_tunnel_esp_rx_bytes Bytes of ESP packets from the peer (nftables)",
	"ikegw_tunnel_esp_rx_bytes_total{tunnel=\"Tunnel1\",peer=\"192.168.0.2\",profile=\"prof\"} "
	"110000",
	"# TYPE ikegw_ike_sas gauge",
	"# HELP ikegw_ike_sas IKE SAs (IKEv1 ISAKMP SAs, IKEv2 IKE SAs) by state",
	"ikegw_ike_sas{version=\"1\",state=\"MM_KEY_EXCH\"} 1",
	"ikegw_ike_sas{version=\"2\",state=\"READY\"} 1",
	"ikegw_ike_sas{version=\"2\",state=\"IN-NEG\"} 2",
	"# TYPE ikegw_bad_version_datagrams counter",
	"# HELP ikegw_bad_version_datagrams Datagrams on the IKE ports that were neither IKEv1 nor "
	"IKEv2",
	"ikegw_bad_version_datagrams_total 7",
	"# TYPE ikegw_config_reloads counter",
	"# HELP ikegw_config_reloads Configuration reloads by result",
	"ikegw_config_reloads_total{result=\"ok\"} 2",
	"ikegw_config_reloads_total{result=\"failed\"} 1",
	"# EOF",
};

static void metrics_text(void **state)
{
	struct gw_show_ctx c = ctx(NOW, NULL);
	struct json_object *o;
	size_t n = sizeof(want_metrics) / sizeof(want_metrics[0]), i = 0;
	char *text, *line, *save = NULL, *printed;
	const char *t;

	/* IKE SAs: one IKEv1 in Main Mode, IKEv2 one READY and two negotiating */
	fake.sas[1] = (struct ike_sa_info){ .version = 2, .id = 2, .state = "IN-NEG" };
	fake.sas[2] = (struct ike_sa_info){ .version = 2, .id = 3, .state = "IN-NEG" };
	fake.n_sas = 3;
	fake1.sas[0] = (struct ike_sa_info){ .version = 1, .id = 9, .state = "MM_KEY_EXCH" };
	fake1.n_sas = 1;
	o = gw_show_metrics(&c, false);
	assert_non_null(o);
	str_is(o, "command", "metrics");
	str_is(o, "format", "application/openmetrics-text; version=1.0.0; charset=utf-8");
	t = json_object_get_string(get(o, "text"));
	text = strdup(t);
	assert_non_null(text);
	/* every line, in order, and nothing after "# EOF\n" */
	assert_true(strlen(t) > 6 && strcmp(t + strlen(t) - 6, "# EOF\n") == 0);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		if (i >= n)
			fail_msg("extra line %zu: %s", i + 1, line);
		if (strcmp(line, want_metrics[i]) != 0)
			fail_msg("line %zu:\n got  %s\n want %s", i + 1, line, want_metrics[i]);
	}
	assert_int_equal(i, n);
	free(text);
	/* ikegwctl prints it as it is */
	printed = render(o);
	assert_string_equal(printed, t);
	free(printed);
	json_object_put(o);

	/* the Prometheus text format: counter families named with "_total", no "# EOF" */
	text = gw_metrics_text(&c, true);
	assert_non_null(text);
	assert_non_null(strstr(text, "\n# TYPE ikegw_tunnel_encaps_packets_total counter\n"
				     "# HELP ikegw_tunnel_encaps_packets_total Packets encapsulated "
				     "(sent) into the tunnel, surviving rekeys\n"
				     "ikegw_tunnel_encaps_packets_total{tunnel=\"Tunnel1\","));
	assert_true(strncmp(text, "# TYPE ikegw_tunnel_up gauge\n", 29) == 0);
	assert_non_null(strstr(text, "\n# TYPE ikegw_config_reloads_total counter\n"));
	assert_null(strstr(text, "# EOF"));
	assert_null(strstr(text, "# TYPE ikegw_tunnel_encaps_packets counter"));
	free(text);
}

/* Label values escaped as OpenMetrics says: \\, \", \n. */
static void metrics_label_escaping(void **state)
{
	static const char c2[] = "crypto ikev2 profile a\"b\\c\n"
				 " match identity remote address 10.0.0.2 255.255.255.255\n"
				 " authentication remote pre-share\n"
				 " authentication local pre-share\n"
				 "crypto ipsec profile ipp\n"
				 " set ikev2-profile a\"b\\c\n"
				 "interface Tunnel5\n"
				 " tunnel source 10.0.0.1\n"
				 " tunnel destination 10.0.0.2\n"
				 " tunnel protection ipsec profile ipp\n";
	struct config *cfg2 = NULL;
	struct gw_show_ctx c = ctx(NOW, NULL);
	char *text;

	if (config_load_buffer("t2.conf", NULL, c2, strlen(c2), &cfg2, NULL) < 0)
		skip(); /* the parser refuses such a name: nothing to escape */
	c.cfg = cfg2;
	text = gw_metrics_text(&c, false);
	assert_non_null(text);
	assert_non_null(strstr(text, "ikegw_tunnel_up{tunnel=\"Tunnel5\",peer=\"10.0.0.2\","
				     "profile=\"a\\\"b\\\\c\"} 0\n"));
	free(text);
	config_free(cfg2);
}

/* ---- the per-peer table ---- */

static struct nft_peer_counters nft_of(const char *a, uint64_t ike, uint64_t esp)
{
	struct nft_peer_counters c = { .ike_pkts = ike, .ike_bytes = ike * 100, .esp_pkts = esp,
				       .esp_bytes = esp * 10 };
	struct config_addr ca = addr(a);

	gw_peer_to_nft(&ca, &c.peer);
	return c;
}

/* Many destinations, configured in descending order with a duplicate each: one entry per
 * address, every one found (the table is searched, not scanned) with its own counts, and a
 * reload keeps them. */
static void peers_table_many(void **state)
{
	enum { N = 300 };
	size_t cap = N * 2 * 110 + 1, len = 0, n;
	char *text = malloc(cap), a[32];
	struct config *many = NULL;
	struct gw_peers p = { 0 };
	struct gw_peer_counters *v;

	(void)state;
	assert_non_null(text);
	for (int i = N - 1; i >= 0; i--)
		for (int dup = 0; dup < 2; dup++)
			len += (size_t)snprintf(text + len, cap - len,
						"interface Tunnel%d\n tunnel source 192.168.0.1\n"
						" tunnel destination 10.%d.%d.1\n",
						i * 2 + dup + 1, i / 256, i % 256);
	assert_int_equal(config_load_buffer("many.conf", NULL, text, len, &many, NULL), 0);
	assert_int_equal(gw_peers_sync(&p, many), 0);
	assert_int_equal(p.n, N);
	for (int i = 0; i < N; i++) {
		struct config_addr d;

		snprintf(a, sizeof(a), "10.%d.%d.1", i / 256, i % 256);
		d = addr(a);
		gw_peers_count_tx(&p, &d, (size_t)i + 1);
	}
	assert_int_equal(gw_peers_sync(&p, many), 0); /* a reload of the same file */
	assert_int_equal(gw_peers_snapshot(&p, NULL, 0, false, &v, &n), 0);
	assert_int_equal(n, N);
	for (int i = 0; i < N; i++) {
		struct config_addr d;
		const struct gw_peer_counters *c;

		snprintf(a, sizeof(a), "10.%d.%d.1", i / 256, i % 256);
		d = addr(a);
		c = gw_peer_find(v, n, &d);
		assert_non_null(c);
		assert_int_equal(c->ike_tx_pkts, 1);
		assert_int_equal(c->ike_tx_bytes, (uint64_t)i + 1);
	}
	free(v);
	gw_peers_free(&p);
	config_free(many);
	free(text);
}

static void peers_table(void **state)
{
	struct gw_peers p = { 0 };
	struct gw_peer_counters *v;
	size_t n;
	struct config_addr a2 = addr("192.168.0.2"), a3 = addr("192.168.0.3"),
			   stranger = addr("203.0.113.9");
	struct nft_peer_counters dump[3] = { nft_of("192.168.0.2", 5, 50),
					     nft_of("192.168.0.3", 1, 0) };
	static const char one[] = "interface Tunnel2\n"
				  " tunnel source 192.168.0.1\n"
				  " tunnel destination 192.168.0.3\n"
				  "interface Tunnel3\n"
				  " tunnel source 192.168.0.1\n"
				  " tunnel destination 192.168.0.3\n";
	struct config *cfg2 = NULL;

	dump[2].peer.family = AF_UNSPEC; /* "any other source" */
	dump[2].esp_pkts = 77;
	assert_int_equal(gw_peers_sync(&p, cfg), 0);
	assert_int_equal(p.n, 2);
	gw_peers_count_tx(&p, &a2, 300);
	gw_peers_count_tx(&p, &a2, 200);
	gw_peers_count_rx(&p, &a2, 100);
	gw_peers_count_tx(&p, &stranger, 100); /* not a tunnel destination: not counted */
	gw_peers_count_rx(&p, &stranger, 100);
	assert_int_equal(gw_peers_snapshot(&p, dump, 3, true, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(gw_peer_find(v, n, &a2));
	assert_null(gw_peer_find(v, n, &stranger));
	assert_int_equal(gw_peer_find(v, n, &a2)->ike_tx_pkts, 2);
	assert_int_equal(gw_peer_find(v, n, &a2)->ike_tx_bytes, 500);
	assert_int_equal(gw_peer_find(v, n, &a2)->ike_rx_daemon_pkts, 1);
	assert_true(gw_peer_find(v, n, &a2)->nft);
	assert_int_equal(gw_peer_find(v, n, &a2)->ike_rx_pkts, 5);
	assert_int_equal(gw_peer_find(v, n, &a2)->esp_rx_pkts, 50);
	assert_int_equal(gw_peer_find(v, n, &a2)->esp_rx_bytes, 500);
	free(v);

	/* the table is replaced (a reload): its counts are carried, the new one starts at 0 */
	gw_peers_nft_carry(&p, dump, 3);
	dump[0] = nft_of("192.168.0.2", 1, 2);
	assert_int_equal(gw_peers_snapshot(&p, dump, 1, true, &v, &n), 0);
	assert_int_equal(gw_peer_find(v, n, &a2)->ike_rx_pkts, 5 + 1);
	assert_int_equal(gw_peer_find(v, n, &a2)->esp_rx_pkts, 50 + 2);
	/* 192.168.0.3 is not in this dump: nftables does not count it */
	assert_false(gw_peer_find(v, n, &a3)->nft);
	assert_int_equal(gw_peer_find(v, n, &a3)->ike_rx_pkts, 0);
	free(v);
	/* no dump at all */
	assert_int_equal(gw_peers_snapshot(&p, NULL, 0, false, &v, &n), 0);
	assert_false(gw_peer_find(v, n, &a2)->nft);
	assert_int_equal(gw_peer_find(v, n, &a2)->ike_tx_pkts, 2);
	free(v);

	/* a reload without 192.168.0.2: its entry goes, 192.168.0.3 keeps its carried counts
	 * and is listed once although two tunnels lead there */
	assert_int_equal(config_load_buffer("t3.conf", NULL, one, strlen(one), &cfg2, NULL), 0);
	assert_int_equal(gw_peers_sync(&p, cfg2), 0);
	assert_int_equal(p.n, 1);
	gw_peers_count_tx(&p, &a2, 10);
	assert_int_equal(gw_peers_snapshot(&p, NULL, 0, false, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_null(gw_peer_find(v, n, &a2));
	free(v);
	dump[0] = nft_of("192.168.0.3", 0, 0);
	assert_int_equal(gw_peers_snapshot(&p, dump, 1, true, &v, &n), 0);
	assert_int_equal(gw_peer_find(v, n, &a3)->ike_rx_pkts, 1);
	free(v);
	config_free(cfg2);
	gw_peers_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ipsec_sa_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(session_healthy_then_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(session_ike_unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(session_reset_and_no_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(metrics_text, setup, teardown),
		cmocka_unit_test_setup_teardown(metrics_label_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(peers_table, setup, teardown),
		cmocka_unit_test(peers_table_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
