/*
 * ikegw IKEv1 engine (RFC 2408/2409, NAT-T RFC 3947, DPD RFC 3706): ISAKMP SAs (Main and
 * Aggressive Mode) and IPsec SAs (Quick Mode) as state machines driven by datagrams and timers.
 * Like the IKEv2 engine it knows nothing of sockets, netlink or the event loop: the daemon hands
 * it datagrams whose header says major version 1, runs its timers, and gives it the shared
 * environment of ike_env.h. Exchange tests wire two engines back to back with a fake kernel.
 */
#ifndef IKEGW_IKEV1_H
#define IKEGW_IKEV1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ike_env.h"
#include "pki.h"

struct ikev1;

int ikev1_new(const struct ike_env *env, struct ikev1 **ret);
/* Deletes nothing in the kernel; NULL is fine. */
void ikev1_free(struct ikev1 *e);

/*
 * Use this configuration and certificate store from now on (both must outlive the engine or
 * the next call). Tunnels whose IPsec profile names an ISAKMP profile (or no IKEv2 profile)
 * are IKEv1 tunnels; those that vanished or changed lose their SAs; those with `initiate
 * always` and no SA start Main (or Aggressive) Mode.
 */
int ikev1_set_config(struct ikev1 *e, const struct config *cfg, const struct pki_store *store);

/* `debug crypto isakmp` / `undebug all`: the IOS debug lines (IKE_LOG_DEBUG) on or off. */
void ikev1_set_debug(struct ikev1 *e, bool on);
/* PKI lines (certificate selection and validation, CRYPTO_PKI:) on or off: `debug crypto pki`. */
void ikev1_set_debug_pki(struct ikev1 *e, bool on);

/* True when this tunnel is negotiated by IKEv1 under the current configuration. */
bool ikev1_owns_tunnel(const struct ikev1 *e, uint32_t tunnel_id);

/* An ISAKMP datagram (major version 1, the 4500 marker already stripped). Never fails: bad
 * input is dropped or answered with a notify, and logged. */
void ikev1_input(struct ikev1 *e, const struct ike_path *path, const uint8_t *buf, size_t len);

/* Monotonic microseconds of the next timer, UINT64_MAX when none. */
uint64_t ikev1_next_timeout(const struct ikev1 *e);
void ikev1_run_timers(struct ikev1 *e);

/* Kernel events for our IPsec SAs. Returns true when the SA was one of ours. */
bool ikev1_kernel_expire(struct ikev1 *e, const struct config_addr *dst, uint32_t spi, bool hard);
void ikev1_kernel_acquire(struct ikev1 *e, uint32_t tunnel_id);

/* Start (or restart) negotiation for a tunnel now; -ENOENT if it is not an IKEv1 tunnel. */
int ikev1_initiate(struct ikev1 *e, uint32_t tunnel_id);
/* `clear crypto sa [peer A]`: delete (with Delete notifies) the ISAKMP and IPsec SAs of one
 * peer or all; returns the number of ISAKMP SAs cleared. */
size_t ikev1_clear(struct ikev1 *e, const struct config_addr *peer);

/* Every ISAKMP SA (info.version == 1), in creation order; valid during the call only. Its
 * children are the IPsec SAs negotiated under it. */
void ikev1_foreach_sa(const struct ikev1 *e, ike_sa_cb cb, void *userdata);
/* Counters of deleted IPsec SAs per tunnel (totals = retired + live kernel counters). */
int ikev1_tunnel_info(const struct ikev1 *e, uint32_t tunnel_id, struct ike_tunnel_info *ret);

#endif /* IKEGW_IKEV1_H */
