/*
 * ikegw kernel plane: the real struct ike_kernel_ops over xfrm/ (ESP SAs of one tunnel), and the
 * route-based tunnels the daemon builds from the configuration (VTI netdev, sysctls, address,
 * MTU, the out/in/fwd policies, routes, our nftables table). Never logs: -errno plus a
 * struct kernel_error whose text names the step and carries the kernel's extended ACK.
 */
#ifndef IKEGW_KERNEL_H
#define IKEGW_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ike_kernel.h"
#include "nft.h"
#include "vti.h"
#include "xfrm/xfrm.h"

/*
 * One number per tunnel, for everything the kernel keys on (docs/architecture.md): TunnelN
 * has VTI ikey = okey = XFRM mark = reqid = KERNEL_ID_BASE + N. The range
 * [KERNEL_ID_BASE, KERNEL_ID_BASE + KERNEL_TUNNEL_MAX] is ikegw's: at start-up and on shutdown
 * every policy, SA and VTI link in it is removed, and nothing outside it ever is.
 */
#define KERNEL_ID_BASE 0x49000000u    /* 'I' in the top byte: 73.0.0.N in `ip link` output */
#define KERNEL_TUNNEL_MAX 0x00ffffffu /* TunnelN, N = 0 .. 16777215 */
#define KERNEL_SPI_MIN 0x00000100u    /* 1..255 are reserved (RFC 4303 2.1) */
#define KERNEL_SPI_MAX 0xffffffffu

static inline bool kernel_tunnel_id_valid(uint32_t tunnel_id)
{
	return tunnel_id <= KERNEL_TUNNEL_MAX;
}
static inline uint32_t kernel_tunnel_key(uint32_t tunnel_id)
{
	return KERNEL_ID_BASE + tunnel_id;
}
/* The tunnel a reqid or mark value belongs to; false when it is not ours. */
bool kernel_tunnel_of_id(uint32_t reqid_or_mark, uint32_t *ret_tunnel_id);

#define KERNEL_ERR_MAX 256

struct kernel_error {
	int code;		  /* 0 or the -errno returned */
	char msg[KERNEL_ERR_MAX]; /* "vti_link_create: Operation not supported (kernel: ...)" */
};

/* ---- pure: algorithms and SAs ---- */

/*
 * The xfrm algorithms of an ESP transform given as IKEv2 transform IDs (WIRE_ENCR_*, key bits
 * for AES, WIRE_INTEG_*): AES-GCM-16 128/256, ChaCha20-Poly1305, AES-CBC 128/192/256, 3DES,
 * HMAC MD5-96, SHA1-96, SHA2-256-128, -384-192, -512-256. *ret_integ is NULL for AEAD.
 * -EOPNOTSUPP for anything else (DES, NULL, GCM-8/12, an AEAD with integrity, a cipher
 * without).
 */
int kernel_alg_map(uint16_t encr, uint16_t key_bits, uint16_t integ,
		   const struct xfrm_alg_desc **ret_enc, const struct xfrm_alg_desc **ret_integ);

/*
 * The xfrm SA for one direction of a CHILD_SA: ESP tunnel mode, any selector, mark and reqid of
 * the tunnel, keys pointed to (not copied), ESN with a replay window (at least 1 packet: the
 * kernel refuses ESN without one), lifetimes, UDP encapsulation when ports are given.
 * -EINVAL for a bad tunnel number, address family or key length; -EOPNOTSUPP (algorithms).
 */
int kernel_sa_fill(const struct ike_kernel_sa *in, struct xfrm_sa *ret);

/* ---- the kernel handle and the IKE ops ---- */

struct kernel;

/* Opens the xfrm and rtnetlink sockets: the kernel probe (needs CAP_NET_ADMIN). */
int kernel_open(struct kernel **ret, struct kernel_error *err);
void kernel_close(struct kernel *k); /* NULL is fine */
struct xfrm_handle *kernel_xfrm(struct kernel *k);
struct vti_handle *kernel_vti(struct kernel *k);
/*
 * The engines' view (ctx = k). spi_alloc reserves a larval SA with the tunnel's mark and reqid;
 * sa_add updates that larval SA for an inbound SPI (adds when the kernel already dropped it),
 * adds for an outbound one; sa_del of an SA that is already gone is 0; sa_counters sums
 * replay-window and replay errors into replay_errors.
 */
const struct ike_kernel_ops *kernel_ike_ops(struct kernel *k);

/* ---- tunnels ---- */

/* A route of a tunnel: the prefix out of the VTI, optionally via a next hop inside it. */
struct kernel_route {
	struct vti_prefix dst;
	bool has_gateway;
	union vti_inaddr gateway;
};

/*
 * Everything the kernel holds for one `interface TunnelN`, derived from the configuration
 * alone (pure). Two plans that compare equal need no change in the kernel on reload.
 */
struct kernel_tunnel_plan {
	uint32_t tunnel_id;
	uint32_t id;			/* key = mark = reqid */
	struct vti_link_params link;	/* name = the config's name ("Tunnel1"), local, remote */
	int inner_family;		/* of the policy selectors: `tunnel mode ipsec ipv4|ipv6` */
	struct vti_prefix addr4, addr6; /* family 0 when not configured */
	uint32_t mtu;			/* 0: kernel default */
	bool up;			/* admin state: not `shutdown` */
	struct xfrm_policy policies[3]; /* out, in, fwd */
	struct kernel_route *routes;
	size_t n_routes;
	uint16_t adjust_mss; /* nftables, not the link */
};

/*
 * Routes of the tunnel: every `ip route P M TunnelN [NH]`, and every `ip route P M NH` whose
 * next hop lies in one of the tunnel's own subnets (the cloud-VPN style). -EINVAL with err
 * (tunnel number out of range, no source or destination, mixed families, a name that does not
 * fit IFNAMSIZ), -ENOMEM.
 */
int kernel_tunnel_plan(const struct config *cfg, const struct config_interface *tunnel,
		       struct kernel_tunnel_plan *ret, struct kernel_error *err);
void kernel_tunnel_plan_free(struct kernel_tunnel_plan *plan);
bool kernel_tunnel_plan_equal(const struct kernel_tunnel_plan *a,
			      const struct kernel_tunnel_plan *b);

/*
 * Builds the tunnel: an existing VTI of that name is deleted first (a link of another kind is
 * -EEXIST), then the VTI, net.ipv4.conf.{all,NAME}.rp_filter=0 and NAME.disable_policy=1, MTU,
 * addresses, admin state, the three policies (replacing ours), routes. On failure what was
 * built is removed again.
 */
int kernel_tunnel_setup(struct kernel *k, const struct kernel_tunnel_plan *plan,
			struct kernel_error *err);
/* Removes the tunnel's policies and SAs (its reqid) and its VTI (if it is ours). */
int kernel_tunnel_teardown(struct kernel *k, uint32_t tunnel_id, const char *name,
			   struct kernel_error *err);
/* Only the tunnel's policies, each out/in/fwd (replacing ours): for tests and the lab. */
int kernel_tunnel_policies_apply(struct kernel *k, const struct kernel_tunnel_plan *plan,
				 struct kernel_error *err);

/* What is left of ours in the kernel, e.g. after a crash: removed by kernel_flush_owned(). */
struct kernel_flush_counts {
	size_t links, policies, sas;
};
/* Every policy and SA in our reqid range and every VTI whose key is in it. */
int kernel_flush_owned(struct kernel *k, struct kernel_flush_counts *ret, struct kernel_error *err);

/* Our nftables table for these plans: peers = the tunnel destinations, MSS clamps. */
int kernel_nft_apply(const struct kernel_tunnel_plan *plans, size_t n, struct kernel_error *err);
int kernel_nft_remove(struct kernel_error *err);
/* What our table counted per peer (nft_counters_get): 0 entries when there is no table;
 * -ENOSPC when max is too small (the first max are filled). */
int kernel_nft_counters(struct nft_peer_counters *ret, size_t max, size_t *ret_n,
			struct kernel_error *err);

/* The VTI as the kernel has it now (flags, MTU, IFLA_STATS64); -ENODEV when absent. */
int kernel_tunnel_link(struct kernel *k, const char *name, struct vti_link_info *ret,
		       struct kernel_error *err);

#endif /* IKEGW_KERNEL_H */
