/*
 * The runtime's state, shared by gw.c (loop, engine glue, reload), gw_tunnels.c (kernel
 * objects per tunnel) and gw_ctl.c (control commands).
 */
#ifndef IKEGW_GW_INTERNAL_H
#define IKEGW_GW_INTERNAL_H

#include "gw.h"
#include "gw_show.h"
#include "ikev1.h"
#include "ikev2.h"
#include "kernel.h"

/* One `interface TunnelN` of the running configuration and its kernel objects. */
struct gw_tunnel {
	const struct config_interface *iface; /* in the configuration it was planned from */
	struct kernel_tunnel_plan plan;
	bool planned; /* the plan is valid (else: logged, never built) */
	bool ready;   /* kernel objects built */
};

struct gw {
	sd_event *ev;
	struct gw_logger log;
	char *config_path;
	struct config *cfg;
	struct pki_store *pki;
	struct config *empty_cfg; /* what the engines run on while stopping */
	/* After a reload whose rollback failed: the configuration one engine still runs on
	 * (freed once both engines have moved on). */
	struct config *held_cfg;
	struct pki_store *held_pki;
	struct kernel *kernel;
	struct ikev1 *ikev1; /* both engines share env; a tunnel belongs to one of them */
	struct ikev2 *ikev2;
	struct ike_env env;
	/* The engines' kernel ops go through gw_debug_ipsec.c (`debug crypto ipsec`). */
	struct ike_kernel_ops kops_debug;
	const struct ike_kernel_ops *kops_real;
	bool debug_ipsec;
	struct gw_transport *transport;
	struct xfrm_events *xev;
	sd_event_source *xev_src;
	sd_event_source *timer;
	sd_event_source *sig[3];
	struct ctl_server *ctl;
	struct gw_keyexport *keyx; /* --export-keys: NULL unless the operator asked for it */
	struct gw_tunnel *tunnels;
	size_t n_tunnels;
	char status[384];
	uint64_t rx_bad_version; /* datagrams that were neither IKEv1 nor IKEv2 */
	uint64_t reloads_ok, reloads_failed;
	struct gw_peers peers;		/* IKE sent/received per tunnel destination, nft base */
	struct gw_diag_memory diag;	/* `show crypto session`'s last look per tunnel */
	uint64_t bad_version_logged_us;
	bool stopping;
};

/* "key export to DIR is ON: ..." (LOG_WARNING at start-up and at every reload); NULL when off */
const char *gw_key_export_dir(const struct gw *gw);

/* gw_debug_ipsec.c: ops that forward to real and log IOS "IPSEC(...)" lines while
 * gw->debug_ipsec is on (`debug crypto ipsec`). */
const struct ike_kernel_ops *gw_debug_ipsec_ops(struct gw *gw, const struct ike_kernel_ops *real);

/* After anything that may have changed an engine: re-arm the timer, update STATUS=. */
void gw_after_event(struct gw *gw);
uint64_t gw_now(void);
void gw_show_ctx_init(struct gw *gw, struct gw_show_ctx *c);

/* gw_tunnels.c */
/* Plans for every tunnel of cfg (a tunnel whose plan fails is logged and stays unplanned). */
int gw_tunnels_plan(struct gw *gw, const struct config *cfg, struct gw_tunnel **ret, size_t *ret_n);
void gw_tunnels_free(struct gw_tunnel *v, size_t n);
/* Builds one tunnel's kernel objects; logs a failure (ready stays false). */
void gw_tunnel_build(struct gw *gw, struct gw_tunnel *t);
void gw_tunnel_destroy(struct gw *gw, const struct gw_tunnel *t);
/* Moves the kernel from the running tunnels to next: unchanged ones are left alone. */
void gw_tunnels_diff(struct gw *gw, struct gw_tunnel *next, size_t n_next);
/* Our nftables table for the running tunnels; logs a failure. What the old table counted is
 * carried over into gw->peers first (replacing the table resets its counters). */
void gw_nft_apply(struct gw *gw);

/* gw_counters.c: the per-peer counters. Before our nftables table is replaced: its counts
 * join gw->peers' carried base, whose entries then follow gw->cfg's tunnel destinations. */
void gw_peers_before_nft(struct gw *gw);
/* Every peer's counters now (one nftables dump; a failed dump is logged and leaves the
 * nftables fields unknown). *ret: free(). */
int gw_peers_read(struct gw *gw, struct gw_peer_counters **ret, size_t *ret_n);

/* gw_ctl.c: the control socket (when the ctl library is built in). */
int gw_ctl_open(struct gw *gw, const char *path, char *err, size_t errlen);
void gw_ctl_close(struct gw *gw);

#endif /* IKEGW_GW_INTERNAL_H */
