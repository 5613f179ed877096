/*
 * kplane-lab: a lab tool that drives the kernel plane through ikegw's own adapters (ikegw_xfrm,
 * ikegw_vti, ikegw_nft) inside a network namespace of the kernel lab VM: route-based VTI tunnels
 * with manually keyed ESP SAs, make-before-break SA changes, counters, our nftables table and an
 * SA install benchmark. IPv4 only (the lab's topology). Shared declarations of its source files.
 */
#ifndef IKEGW_KPLANE_H
#define IKEGW_KPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "xfrm/xfrm.h"
#include "vti.h"
#include "nft.h"

#define KPLANE_ROUTES_MAX 8
#define KPLANE_PEERS_MAX 8
#define KPLANE_DEFAULT_REPLAY 32

/* Every option of every subcommand; each subcommand checks the ones it needs. */
struct kplane_opts {
	const char *name; /* --name: the VTI */
	bool has_local, has_remote, has_key, has_addr, has_reqid, has_dst, has_src;
	struct in_addr local, remote;
	uint32_t key; /* VTI ikey = okey = XFRM mark */
	struct vti_prefix addr;
	struct vti_prefix routes[KPLANE_ROUTES_MAX];
	size_t n_routes;
	uint32_t spi_out, spi_in, spi;
	const char *alg; /* "aes-gcm-128" or "aes-cbc-256+hmac-sha256" */
	const char *keyseed;
	uint32_t reqid;
	uint32_t replay_window;
	int dir; /* XFRM_POLICY_IN or XFRM_POLICY_OUT; -1 when not given */
	bool json;
	struct nft_peer peers[KPLANE_PEERS_MAX];
	size_t n_peers;
	struct in_addr dst, src; /* udp-send */
	uint16_t port, sport;
	unsigned int count;
	const char *payload; /* udp-send: ike, esp, keepalive */
	const char *mode;    /* bench: batch, single */
	unsigned long n;     /* bench: the positional N */
	uint32_t reqid_base; /* bench */
	unsigned int mtu;
};

/* Error printing: "kplane-lab: CONTEXT: strerror (kernel text)"; returns 1 (exit status). */
int kplane_fail(const char *ctx, int err, const char *kernel_msg);

/* The VTI named name: its ifindex and parameters (local, remote, keys); -ENOTTY if the link
 * is not an IPv4 VTI. kplane_tunnel_fail() reports its errors; returns 1. */
int kplane_tunnel_lookup(struct vti_handle *vh, const char *name, int *ret_ifindex,
			 struct vti_link_params *ret);
int kplane_tunnel_fail(const char *name, int err);

/* Subcommands (kplane_lab.c, kplane_show.c, kplane_misc.c); each returns the exit status. */
int kplane_cmd_tunnel_up(const struct kplane_opts *o);
int kplane_cmd_tunnel_down(const struct kplane_opts *o);
int kplane_cmd_sa_add(const struct kplane_opts *o);
int kplane_cmd_sa_del(const struct kplane_opts *o);
int kplane_cmd_policy_update(const struct kplane_opts *o);
int kplane_cmd_counters(const struct kplane_opts *o);
int kplane_cmd_nft_setup(const struct kplane_opts *o);
int kplane_cmd_nft_counters(const struct kplane_opts *o);
int kplane_cmd_nft_remove(const struct kplane_opts *o);
int kplane_cmd_udp_send(const struct kplane_opts *o);
int kplane_cmd_bench(const struct kplane_opts *o);

/*
 * Deterministic key material for an SA: HMAC-SHA256(seed, "ikegw-kplane|LABEL|SPI|i") blocks,
 * so both gateways derive the same keys from --keyseed and the SPI. Lab use only.
 */
int kplane_derive_key(const char *seed, uint32_t spi, const char *label, uint8_t *out, size_t len);

/*
 * Resolves "ENC" or "ENC+INTEG" (xfrm_alg_lookup names): an AEAD alone, or a cipher plus an
 * integrity algorithm. 0 or -EINVAL.
 */
int kplane_alg_parse(const char *spec, const struct xfrm_alg_desc **ret_enc,
		     const struct xfrm_alg_desc **ret_integ);

/* Key buffers of one SA, wiped by kplane_sa_keys_wipe(). */
struct kplane_sa_keys {
	uint8_t enc[XFRM_KEY_MAX];
	uint8_t integ[XFRM_KEY_MAX];
};

/*
 * Fills an ESP tunnel-mode SA for the VTI's direction dir (OUT: local -> remote; IN: remote ->
 * local), mark = the VTI key, keys derived from seed and spi into keys (caller wipes).
 */
int kplane_sa_fill(struct xfrm_sa *sa, struct kplane_sa_keys *keys, const struct in_addr *local,
		   const struct in_addr *remote, uint32_t key, int dir, uint32_t spi,
		   uint32_t reqid, const char *alg, const char *seed, uint32_t replay_window);
void kplane_sa_keys_wipe(struct kplane_sa_keys *keys);

#endif
