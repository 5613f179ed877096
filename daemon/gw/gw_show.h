/*
 * The JSON results of the show commands (field names are a contract, product.md: add, never
 * rename), built from both engines' state (ikev1/ikev2_foreach_sa, *_tunnel_info), the kernel's
 * per-SA counters through the IKE kernel ops, the VTI link state and the configuration.
 */
#ifndef IKEGW_GW_SHOW_H
#define IKEGW_GW_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "gw_peers.h"
#include "ikev1.h"
#include "ikev2.h"
#include "pki.h"
#include "vti.h"

struct gw_show_ctx {
	const struct config *cfg;
	const struct ikev1 *ikev1; /* either may be NULL: that engine has nothing to show */
	const struct ikev2 *ikev2;
	const struct ike_kernel_ops *kops;
	const struct pki_store *pki;
	uint64_t now_us; /* CLOCK_MONOTONIC, as the engine's clock */
	/* The tunnel's VTI as the kernel has it; NULL or an error: "link" is left out. */
	int (*link)(void *ctx, const char *name, struct vti_link_info *ret);
	void *link_ctx;
	/* Per-peer counters (a gw_peers_snapshot(): sorted by address, searched with gw_peer_find);
	 * none: left out. */
	const struct gw_peer_counters *peers;
	size_t n_peers;
	/* `show crypto session`'s last look per tunnel, updated by each session call (NULL: every
	 * look compares with zero, i.e. with the daemon's start). */
	struct gw_diag_memory *diag;
	/* for `metrics` */
	uint64_t rx_bad_version, reloads_ok, reloads_failed;
};

/* Everything counted for one tunnel (gw_tunnel_counters_get). */
struct gw_tunnel_counters {
	struct ike_tunnel_info ti;  /* of the owning engine: up, retired counters, rekeys */
	uint64_t encaps_pkts, encaps_bytes, decaps_pkts, decaps_bytes; /* retired + live SAs */
	uint64_t errors_replay, errors_integrity;			/* inbound SAs */
	bool has_link;			/* the VTI was read */
	struct vti_link_info link;	/* errors_no_sa = link.stats.tx_carrier_errors */
	bool has_peer;			/* the destination's counters are known */
	struct gw_peer_counters peer;
};

/* What `show crypto session` remembers of a tunnel between two looks. */
struct gw_diag_sample {
	uint64_t at_us; /* monotonic; 0: no earlier look (the counters start at zero) */
	uint64_t ike_tx, ike_rx, ike_rx_daemon, esp_rx;
	uint64_t encaps, decaps, no_sa, replay, integrity;
	bool nft; /* ike_rx and esp_rx are known */
};

/* A look less than this after the last reference compares with the reference before it and
 * moves nothing: `show crypto session` and, at once, `show crypto session --json` say the same. */
#define GW_DIAG_MIN_INTERVAL_US (5 * 1000000ull)

struct gw_diag_entry {
	char name[64];
	struct gw_diag_sample ref, before; /* the last reference, the one before it */
};

struct gw_diag_memory {
	struct gw_diag_entry *v;
	size_t n;
};

void gw_diag_memory_clear(struct gw_diag_memory *m);
/*
 * A look at tunnel name with the counters cur: *ret_base is what to compare with (zeros: no
 * earlier look, the counters since the start). That is the last reference, which cur then
 * replaces; but within GW_DIAG_MIN_INTERVAL_US of it, the reference before it, and nothing
 * moves. -ENOMEM: *ret_base is still set, cur is not remembered.
 */
int gw_diag_memory_look(struct gw_diag_memory *m, const char *name,
			const struct gw_diag_sample *cur, struct gw_diag_sample *ret_base);
void gw_diag_sample_of(const struct gw_tunnel_counters *tc, uint64_t now_us,
		       struct gw_diag_sample *ret);

/*
 * Seed 004's diagnosis of one tunnel from the change of its counters since prev (docs/
 * operations.md, "Troubleshooting with the counters"): adds to o "diagnosis" (the primary
 * finding's text), "diagnosis_code" (its stable code), "diagnoses" (every finding as
 * {"code","text"}, primary first) and "counters" (totals, "delta", "interval_seconds").
 * name: "Tunnel1"; peer: its address.
 */
void gw_diagnose(struct json_object *o, const char *name, const char *peer,
		 const struct gw_diag_sample *cur, const struct gw_diag_sample *prev, bool up);

/* IOS transform words: "esp-aes esp-sha256-hmac", "esp-256-aes esp-sha-hmac", "esp-gcm 256",
 * "esp-3des esp-md5-hmac"; unknown IDs as "esp-encr-N" / "esp-integ-N". Returns buf. */
const char *gw_ios_transform(uint16_t encr, uint16_t key_bits, uint16_t integ, char *buf,
			     size_t len);

/* Each returns a new object, or NULL when out of memory (or -ENOENT for an unknown tunnel:
 * *ret_unknown is set). */
struct json_object *gw_show_ipsec_sa(const struct gw_show_ctx *c, const char *only_tunnel,
				     bool *ret_unknown);
/* `show crypto ikev2 sa` lists the IKEv2 engine's SAs, `show crypto isakmp sa` the IKEv1
 * engine's; the same fields, with IKEv1's "hash", "conn_id" and "status" added. */
struct json_object *gw_show_ikev2_sa(const struct gw_show_ctx *c, bool detail);
struct json_object *gw_show_isakmp_sa(const struct gw_show_ctx *c, bool detail);
struct json_object *gw_show_session(const struct gw_show_ctx *c);
struct json_object *gw_show_ikev2_profiles(const struct config *cfg);
/* `show crypto isakmp profile`: JSON plus the IOS text block ("text"), definition order. */
struct json_object *gw_show_isakmp_profiles(const struct config *cfg);
/* {"text": "..."} of pki_show_certificates / pki_show_trustpoints; "" without trust-points. */
struct json_object *gw_show_pki(const struct pki_store *store, bool certificates);

/* `metrics`: {"command":"metrics","format":MIME type,"text": OpenMetrics text ending in
 * "# EOF\n"}; prometheus: the Prometheus text format 0.0.4 instead (counter families named
 * with "_total" as their samples, no "# EOF"), for node_exporter's textfile collector. */
struct json_object *gw_show_metrics(const struct gw_show_ctx *c, bool prometheus);
/* The text alone (malloc'ed), or NULL when out of memory. */
char *gw_metrics_text(const struct gw_show_ctx *c, bool prometheus);

/* Counts for STATUS=: tunnels with an installed CHILD_SA, tunnels, IKE SAs (both versions). */
void gw_show_counts(const struct gw_show_ctx *c, size_t *ret_up, size_t *ret_tunnels,
		    size_t *ret_ike_sas);

#endif /* IKEGW_GW_SHOW_H */
