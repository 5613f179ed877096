/*
 * ikegw IKEv2 engine (RFC 7296): per-SA state machines driven by datagrams and timers. Knows
 * nothing of sockets, netlink or the event loop: the daemon hands it datagrams, runs its
 * timers when ikev2_next_timeout() says, and gives it an environment (send, clock, random,
 * kernel ops, log). Exchange tests wire two engines back to back with a fake kernel.
 */
#ifndef IKEGW_IKEV2_H
#define IKEGW_IKEV2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "ike_env.h"
#include "ike_kernel.h"
#include "pki.h"

struct ikev2;

int ikev2_new(const struct ike_env *env, struct ikev2 **ret);
/* Deletes nothing in the kernel (the daemon flushes or keeps on restart); NULL is fine. */
void ikev2_free(struct ikev2 *e);

/*
 * Use this configuration and certificate store from now on (both must outlive the engine or
 * the next call). Tunnels that no longer exist or whose settings changed lose their SAs;
 * tunnels with `initiate always` and no SA start negotiating.
 */
int ikev2_set_config(struct ikev2 *e, const struct config *cfg, const struct pki_store *store);

/* Debug lines (IKE_LOG_DEBUG) on or off: `debug crypto ikev2` / `undebug all`. */
void ikev2_set_debug(struct ikev2 *e, bool on);
/* PKI lines (certificate selection and validation, CRYPTO_PKI:) on or off: `debug crypto pki`. */
void ikev2_set_debug_pki(struct ikev2 *e, bool on);

/* A datagram for us (the 4500 marker already stripped). Never fails: bad input is dropped
 * or answered with a notify, and logged. */
void ikev2_input(struct ikev2 *e, const struct ike_path *path, const uint8_t *buf, size_t len);

/* Monotonic microseconds of the next timer, UINT64_MAX when none. */
uint64_t ikev2_next_timeout(const struct ikev2 *e);
/* Run every timer due at env->now(). */
void ikev2_run_timers(struct ikev2 *e);

/* Kernel events for our SAs (from the xfrm multicast groups). */
void ikev2_kernel_expire(struct ikev2 *e, const struct config_addr *dst, uint32_t spi,
			 bool hard);
void ikev2_kernel_acquire(struct ikev2 *e, uint32_t tunnel_id);

/* Start (or restart) negotiation for a tunnel now; -ENOENT if it is not an IKEv2 tunnel. */
int ikev2_initiate(struct ikev2 *e, uint32_t tunnel_id);
/* `clear crypto sa [peer A]` / `clear crypto session`: delete (with Delete notifies) the IKE
 * SAs and CHILD_SAs of one peer or all; tunnels set to initiate renegotiate. Returns the
 * number of IKE SAs cleared. */
size_t ikev2_clear(struct ikev2 *e, const struct config_addr *peer);

/* ---- state for show commands ------------------------------------------------------------ */

/* Every IKE SA, in creation order. The info is valid during the call only. */
void ikev2_foreach_sa(const struct ikev2 *e, ike_sa_cb cb, void *userdata);

int ikev2_tunnel_info(const struct ikev2 *e, uint32_t tunnel_id, struct ike_tunnel_info *ret);

/* Tests: require cookies from this many half-open SAs on (default 1024). */
void ikev2_test_cookie_threshold(struct ikev2 *e, size_t n);
/* Tests: IP packet size of IKE fragments (RFC 7383), both address families; 0: the defaults
 * (1280 bytes IPv4 and IPv6). */
void ikev2_test_frag_size(struct ikev2 *e, size_t ip_bytes);
/* Tests: do not announce IKEV2_FRAGMENTATION_SUPPORTED (a peer without RFC 7383). */
void ikev2_test_frag_off(struct ikev2 *e, bool off);

#endif /* IKEGW_IKEV2_H */
