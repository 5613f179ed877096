/*
 * `ikegwctl metrics`: the gateway's counters as OpenMetrics text (https://openmetrics.io):
 * per tunnel (labels tunnel, peer, profile) up, encaps/decaps packets and bytes, ESP errors,
 * rekeys, IKE and ESP from the peer; IKE SAs by version and state; datagrams of no IKE
 * version; configuration reloads. Names are a contract (docs/operations.md, "Metrics").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_show_int.h"

/* A label value as OpenMetrics escapes it: backslash, double quote, line feed. */
static void put_label(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

struct tunnel_row {
	const char *name, *profile;
	char peer[CONFIG_ADDR_STRLEN];
	struct gw_tunnel_counters tc;
};

static void tunnel_labels(FILE *f, const struct tunnel_row *r)
{
	fputc('{', f);
	put_label(f, "tunnel", r->name, true);
	put_label(f, "peer", r->peer, false);
	put_label(f, "profile", r->profile ? r->profile : "", false);
	fputc('}', f);
}

enum value_kind { V_U64, V_MICRO, V_SKIP }; /* V_MICRO: µs, printed as seconds */

/* One value of a tunnel for a family; V_SKIP leaves the tunnel out of it. */
typedef enum value_kind (*tunnel_value_fn)(const struct tunnel_row *r, uint64_t now_us,
					   uint64_t *ret);

static enum value_kind v_up(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.ti.up;
	return V_U64;
}
static enum value_kind v_encaps_pkts(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.encaps_pkts;
	return V_U64;
}
static enum value_kind v_encaps_bytes(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.encaps_bytes;
	return V_U64;
}
static enum value_kind v_decaps_pkts(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.decaps_pkts;
	return V_U64;
}
static enum value_kind v_decaps_bytes(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.decaps_bytes;
	return V_U64;
}
static enum value_kind v_replay(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.errors_replay;
	return V_U64;
}
static enum value_kind v_integrity(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.errors_integrity;
	return V_U64;
}
static enum value_kind v_no_sa(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.has_link || !r->tc.link.has_stats)
		return V_SKIP;
	*v = r->tc.link.stats.tx_carrier_errors;
	return V_U64;
}
static enum value_kind v_rekeys(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	*v = r->tc.ti.rekeys;
	return V_U64;
}
static enum value_kind v_rekey_age(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.ti.last_rekey_us)
		return V_SKIP;
	*v = now > r->tc.ti.last_rekey_us ? (now - r->tc.ti.last_rekey_us) / 1000000u : 0;
	return V_U64;
}
static enum value_kind v_ike_tx(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.has_peer)
		return V_SKIP;
	*v = r->tc.peer.ike_tx_pkts;
	return V_U64;
}
static enum value_kind v_ike_rx(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.has_peer || !r->tc.peer.nft)
		return V_SKIP;
	*v = r->tc.peer.ike_rx_pkts;
	return V_U64;
}
static enum value_kind v_ike_rx_bytes(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.has_peer || !r->tc.peer.nft)
		return V_SKIP;
	*v = r->tc.peer.ike_rx_bytes;
	return V_U64;
}
static enum value_kind v_esp_rx(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.has_peer || !r->tc.peer.nft)
		return V_SKIP;
	*v = r->tc.peer.esp_rx_pkts;
	return V_U64;
}
static enum value_kind v_esp_rx_bytes(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.has_peer || !r->tc.peer.nft)
		return V_SKIP;
	*v = r->tc.peer.esp_rx_bytes;
	return V_U64;
}

static enum value_kind v_dpd_rtt(const struct tunnel_row *r, uint64_t now, uint64_t *v)
{
	if (!r->tc.ti.dpd_rtt_us)
		return V_SKIP;
	*v = r->tc.ti.dpd_rtt_us;
	return V_MICRO;
}

/* The per-tunnel families, in output order. Counters get "_total" on their samples. */
static const struct {
	const char *name;
	bool counter;
	const char *help;
	tunnel_value_fn value;
} tunnel_families[] = {
	{ "ikegw_tunnel_up", false, "1 when the tunnel has an installed IPsec SA pair", v_up },
	{ "ikegw_tunnel_encaps_packets", true,
	  "Packets encapsulated (sent) into the tunnel, surviving rekeys", v_encaps_pkts },
	{ "ikegw_tunnel_encaps_bytes", true, "Bytes encapsulated into the tunnel", v_encaps_bytes },
	{ "ikegw_tunnel_decaps_packets", true, "Packets decapsulated (received) from the tunnel",
	  v_decaps_pkts },
	{ "ikegw_tunnel_decaps_bytes", true, "Bytes decapsulated from the tunnel", v_decaps_bytes },
	{ "ikegw_tunnel_replay_errors", true, "Inbound ESP packets dropped by the replay check",
	  v_replay },
	{ "ikegw_tunnel_integrity_errors", true,
	  "Inbound ESP packets dropped by the integrity check", v_integrity },
	{ "ikegw_tunnel_no_sa_errors", true,
	  "Packets routed into the tunnel interface it could not send (no SA, no route)",
	  v_no_sa },
	{ "ikegw_tunnel_rekeys", true, "IPsec SA (CHILD_SA) rekeys of the tunnel", v_rekeys },
	{ "ikegw_tunnel_last_rekey_age_seconds", false, "Seconds since the tunnel's last rekey",
	  v_rekey_age },
	{ "ikegw_tunnel_dpd_rtt_seconds", false,
	  "Round trip of the last liveness check (DPD) answered at the first try", v_dpd_rtt },
	{ "ikegw_tunnel_ike_tx_packets", true, "IKE datagrams ikegwd sent to the peer", v_ike_tx },
	{ "ikegw_tunnel_ike_rx_packets", true,
	  "IKE packets from the peer that reached this host (nftables)", v_ike_rx },
	{ "ikegw_tunnel_ike_rx_bytes", true, "Bytes of IKE packets from the peer (nftables)",
	  v_ike_rx_bytes },
	{ "ikegw_tunnel_esp_rx_packets", true,
	  "ESP packets from the peer that reached this host (nftables)", v_esp_rx },
	{ "ikegw_tunnel_esp_rx_bytes", true, "Bytes of ESP packets from the peer (nftables)",
	  v_esp_rx_bytes },
};

/* OpenMetrics names a counter family without "_total"; the Prometheus text format (0.0.4, what
 * node_exporter's textfile collector reads) names it as its samples, with it. */
static void family_head(FILE *f, const char *name, const char *type, const char *help,
			bool prometheus)
{
	const char *suffix = prometheus && strcmp(type, "counter") == 0 ? "_total" : "";

	fprintf(f, "# TYPE %s%s %s\n# HELP %s%s %s\n", name, suffix, type, name, suffix, help);
}

/* IKE SAs by (version, state), in order of first appearance. */
static void ike_sa_gauges(FILE *f, const struct sa_list *l)
{
	bool *done = calloc(l->n ? l->n : 1, sizeof(*done));

	family_head(f, "ikegw_ike_sas", "gauge", "IKE SAs (IKEv1 ISAKMP SAs, IKEv2 IKE SAs) by state",
		    false);
	if (!done)
		return;
	for (size_t i = 0; i < l->n; i++) {
		size_t n = 0;
		char version[4];

		if (done[i] || l->v[i].info.ike_sa_gone)
			continue;
		for (size_t j = i; j < l->n; j++) {
			if (l->v[j].info.ike_sa_gone || l->v[j].info.version != l->v[i].info.version ||
			    strcmp(l->v[j].state, l->v[i].state) != 0)
				continue;
			done[j] = true;
			n++;
		}
		snprintf(version, sizeof(version), "%u", l->v[i].info.version);
		fputs("ikegw_ike_sas{", f);
		put_label(f, "version", version, true);
		put_label(f, "state", l->v[i].state, false);
		fprintf(f, "} %zu\n", n);
	}
	free(done);
}

char *gw_metrics_text(const struct gw_show_ctx *c, bool prometheus)
{
	size_t n = c->cfg ? c->cfg->n_tunnels : 0, len = 0;
	struct tunnel_row *rows = calloc(n ? n : 1, sizeof(*rows));
	struct sa_list l;
	char *text = NULL;
	FILE *f;

	if (!rows)
		return NULL;
	if (gw_sa_list_get(c, &l) < 0) {
		free(rows);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct config_interface *t = c->cfg->tunnels[i];

		rows[i].name = t->name;
		rows[i].profile = gw_tunnel_profile(t);
		if (t->destination.family)
			config_addr_str(&t->destination, rows[i].peer, sizeof(rows[i].peer));
		gw_tunnel_counters_get(c, &l, t, &rows[i].tc, NULL);
	}
	f = open_memstream(&text, &len);
	if (!f)
		goto out;
	for (size_t k = 0; k < sizeof(tunnel_families) / sizeof(tunnel_families[0]); k++) {
		family_head(f, tunnel_families[k].name,
			    tunnel_families[k].counter ? "counter" : "gauge",
			    tunnel_families[k].help, prometheus);
		for (size_t i = 0; i < n; i++) {
			enum value_kind kind;
			uint64_t v;

			kind = tunnel_families[k].value(&rows[i], c->now_us, &v);
			if (kind == V_SKIP)
				continue;
			fprintf(f, "%s%s", tunnel_families[k].name,
				tunnel_families[k].counter ? "_total" : "");
			tunnel_labels(f, &rows[i]);
			if (kind == V_MICRO)
				fprintf(f, " %" PRIu64 ".%06" PRIu64 "\n", v / 1000000u, v % 1000000u);
			else
				fprintf(f, " %" PRIu64 "\n", v);
		}
	}
	ike_sa_gauges(f, &l);
	family_head(f, "ikegw_bad_version_datagrams", "counter",
		    "Datagrams on the IKE ports that were neither IKEv1 nor IKEv2", prometheus);
	fprintf(f, "ikegw_bad_version_datagrams_total %" PRIu64 "\n", c->rx_bad_version);
	family_head(f, "ikegw_config_reloads", "counter", "Configuration reloads by result",
		    prometheus);
	fprintf(f, "ikegw_config_reloads_total{result=\"ok\"} %" PRIu64 "\n", c->reloads_ok);
	fprintf(f, "ikegw_config_reloads_total{result=\"failed\"} %" PRIu64 "\n",
		c->reloads_failed);
	if (!prometheus)
		fputs("# EOF\n", f);
	if (fclose(f) != 0) {
		free(text);
		text = NULL;
	}
out:
	gw_sa_list_free(&l);
	free(rows);
	return text;
}

struct json_object *gw_show_metrics(const struct gw_show_ctx *c, bool prometheus)
{
	char *text = gw_metrics_text(c, prometheus);
	struct json_object *o;

	if (!text)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "command", json_object_new_string("metrics"));
	json_object_object_add(o, "format",
			       json_object_new_string(prometheus ? "text/plain; version=0.0.4; "
								   "charset=utf-8"
								 : "application/openmetrics-text; "
								   "version=1.0.0; charset=utf-8"));
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	return o;
}
