/*
 * `show crypto session`'s diagnosis (seed 004, "Gemeenschappelijke problemen"): from how the
 * counters of a tunnel changed since the previous look (IKE sent by ikegwd, IKE and ESP
 * received as our nftables table counted them, encaps/decaps, no-SA drops) name the likely
 * cause: UDP 500/4500 blocked, ESP blocked inbound, nothing sent the other way. The rules are
 * documented in docs/operations.md, "Troubleshooting with the counters (seed 004)".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_show.h"

void gw_diag_memory_clear(struct gw_diag_memory *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static struct gw_diag_entry *memory_find(const struct gw_diag_memory *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

int gw_diag_memory_look(struct gw_diag_memory *m, const char *name,
			const struct gw_diag_sample *cur, struct gw_diag_sample *ret_base)
{
	struct gw_diag_entry *e = memory_find(m, name), *v;

	memset(ret_base, 0, sizeof(*ret_base));
	if (e && e->ref.at_us && cur->at_us >= e->ref.at_us &&
	    cur->at_us - e->ref.at_us < GW_DIAG_MIN_INTERVAL_US) {
		*ret_base = e->before;
		return 0;
	}
	if (!e) {
		v = realloc(m->v, (m->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
		e = &m->v[m->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	*ret_base = e->ref;
	e->before = e->ref;
	e->ref = *cur;
	return 0;
}

void gw_diag_sample_of(const struct gw_tunnel_counters *tc, uint64_t now_us,
		       struct gw_diag_sample *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->at_us = now_us ? now_us : 1;
	ret->encaps = tc->encaps_pkts;
	ret->decaps = tc->decaps_pkts;
	ret->replay = tc->errors_replay;
	ret->integrity = tc->errors_integrity;
	if (tc->has_link && tc->link.has_stats)
		ret->no_sa = tc->link.stats.tx_carrier_errors;
	if (tc->has_peer) {
		ret->ike_tx = tc->peer.ike_tx_pkts;
		ret->ike_rx_daemon = tc->peer.ike_rx_daemon_pkts;
		ret->nft = tc->peer.nft;
		if (tc->peer.nft) {
			ret->ike_rx = tc->peer.ike_rx_pkts;
			ret->esp_rx = tc->peer.esp_rx_pkts;
		}
	}
}

/* A counter that went down was reset (daemon restart, tunnel rebuilt): all of it is new. */
static uint64_t delta(uint64_t cur, uint64_t prev)
{
	return cur >= prev ? cur - prev : cur;
}

struct finding {
	struct json_object *list; /* [{"code":..., "text":...}] */
};

static void say(struct finding *f, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct finding *f, const char *code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "code", json_object_new_string(code));
	json_object_object_add(o, "text", json_object_new_string(buf));
	json_object_array_add(f->list, o);
}

static struct json_object *counters_json(const struct gw_diag_sample *s, bool nft)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ike_tx_pkts", json_object_new_uint64(s->ike_tx));
	json_object_object_add(o, "ike_rx_pkts", nft ? json_object_new_uint64(s->ike_rx) : NULL);
	json_object_object_add(o, "ike_rx_daemon_pkts", json_object_new_uint64(s->ike_rx_daemon));
	json_object_object_add(o, "esp_rx_pkts", nft ? json_object_new_uint64(s->esp_rx) : NULL);
	json_object_object_add(o, "encaps_pkts", json_object_new_uint64(s->encaps));
	json_object_object_add(o, "decaps_pkts", json_object_new_uint64(s->decaps));
	json_object_object_add(o, "errors_no_sa", json_object_new_uint64(s->no_sa));
	json_object_object_add(o, "errors_replay", json_object_new_uint64(s->replay));
	json_object_object_add(o, "errors_integrity", json_object_new_uint64(s->integrity));
	return o;
}

void gw_diagnose(struct json_object *o, const char *name, const char *peer,
		 const struct gw_diag_sample *cur, const struct gw_diag_sample *prev, bool up)
{
	struct finding f = { json_object_new_array() };
	struct json_object *counters, *first;
	/* the nftables counts compare only when both looks had them */
	bool nft = cur->nft && (prev->at_us == 0 || prev->nft);
	struct gw_diag_sample d = {
		.ike_tx = delta(cur->ike_tx, prev->ike_tx),
		.ike_rx = nft ? delta(cur->ike_rx, prev->ike_rx) : 0,
		.ike_rx_daemon = delta(cur->ike_rx_daemon, prev->ike_rx_daemon),
		.esp_rx = nft ? delta(cur->esp_rx, prev->esp_rx) : 0,
		.encaps = delta(cur->encaps, prev->encaps),
		.decaps = delta(cur->decaps, prev->decaps),
		.no_sa = delta(cur->no_sa, prev->no_sa),
		.replay = delta(cur->replay, prev->replay),
		.integrity = delta(cur->integrity, prev->integrity),
	};
	/* IKE from the peer: what arrived at the host (nftables), else what reached ikegwd */
	uint64_t ike_in = nft ? d.ike_rx : d.ike_rx_daemon;
	uint64_t secs = prev->at_us && cur->at_us > prev->at_us
				? (cur->at_us - prev->at_us) / 1000000u
				: 0;
	char since[64];

	if (prev->at_us)
		snprintf(since, sizeof(since), "in the last %" PRIu64 " s", secs);
	else
		snprintf(since, sizeof(since), "since ikegwd started");

	if (!up) {
		if (d.ike_tx && !ike_in)
			say(&f, "ike-no-answer",
			    "UDP 500/4500 blocked? %" PRIu64 " IKE packets sent to %s %s, none "
			    "received from it: UDP 500/4500 blocked inbound (ISP, firewall) or the "
			    "peer does not answer",
			    d.ike_tx, peer, since);
		else if (nft && d.ike_rx && !d.ike_rx_daemon)
			say(&f, "ike-dropped-locally",
			    "IKE dropped on this host? %" PRIu64 " IKE packets from %s arrived %s "
			    "(nftables) but none reached ikegwd: a firewall chain after ours drops "
			    "UDP 500/4500",
			    d.ike_rx, peer, since);
		else if (d.ike_tx || ike_in)
			say(&f, "ike-no-sa",
			    "IKE without IPsec SA: %" PRIu64 " IKE packets sent to %s and %" PRIu64
			    " received %s, no IPsec SA installed: see the log (debug crypto ikev2, "
			    "debug crypto isakmp) for the step that fails",
			    d.ike_tx, peer, ike_in, since);
		else
			say(&f, "down-idle",
			    "Tunnel down, no IKE to or from %s %s: tunnel initiate on-demand or "
			    "never waits for traffic or the peer",
			    peer, since);
	} else if (d.encaps && d.decaps) {
		say(&f, "ok",
		    "ESP flows both ways: %" PRIu64 " packets encapsulated, %" PRIu64
		    " decapsulated %s",
		    d.encaps, d.decaps, since);
	} else if (d.encaps && nft && d.esp_rx) {
		say(&f, "esp-not-decapsulated",
		    "ESP arrives but is not decapsulated? %" PRIu64 " ESP packets from %s arrived %s "
		    "(nftables), none decapsulated (integrity failures +%" PRIu64
		    ", replay failures +%" PRIu64 "): wrong keys, or SAs this side does not know",
		    d.esp_rx, peer, since, d.integrity, d.replay);
	} else if (d.encaps) {
		say(&f, "esp-not-received",
		    "ESP blocked inbound? %" PRIu64 " packets encapsulated for %s %s, no ESP "
		    "received from it%s: ESP (IP protocol 50) blocked on the way in, or the peer "
		    "receives none of ours and has nothing to answer",
		    d.encaps, peer, since, nft ? " (nftables: +0)" : "");
	} else if (d.decaps) {
		say(&f, "esp-not-sent",
		    "Nothing sent into %s? %" PRIu64 " packets decapsulated from %s %s, none "
		    "encapsulated for it: nothing routed into %s (routes, return path) or one-way "
		    "traffic",
		    name, d.decaps, peer, since, name);
	} else {
		say(&f, "idle",
		    "No ESP either way %s: send traffic through %s (ping) and look again", since,
		    name);
	}
	if (up && d.ike_tx >= 2 && !ike_in)
		say(&f, "ike-no-answer",
		    "UDP 500/4500 blocked? %" PRIu64 " IKE packets (liveness checks, rekeys) sent to "
		    "%s %s, none received from it",
		    d.ike_tx, peer, since);
	if (d.no_sa)
		say(&f, "no-sa",
		    "%" PRIu64 " packets routed into %s %s were dropped: no IPsec SA (tunnel down "
		    "or being rekeyed)",
		    d.no_sa, name, since);
	first = json_object_array_get_idx(f.list, 0);
	if (up && (d.integrity || d.replay) &&
	    strcmp(json_object_get_string(json_object_object_get(first, "code")),
		   "esp-not-decapsulated") != 0)
		say(&f, "esp-errors",
		    "ESP from %s failed checks %s: integrity +%" PRIu64 ", replay +%" PRIu64, peer,
		    since, d.integrity, d.replay);

	/* the primary finding as "diagnosis" (text, the shape control-protocol.md gives) and
	 * "diagnosis_code"; all of them, primary first, as "diagnoses" */
	json_object_object_add(o, "diagnosis",
			       json_object_get(json_object_object_get(first, "text")));
	json_object_object_add(o, "diagnosis_code",
			       json_object_get(json_object_object_get(first, "code")));
	json_object_object_add(o, "diagnoses", f.list);
	counters = counters_json(cur, nft);
	json_object_object_add(counters, "interval_seconds",
			       prev->at_us ? json_object_new_uint64(secs) : NULL);
	json_object_object_add(counters, "delta", counters_json(&d, nft));
	json_object_object_add(o, "counters", counters);
}
