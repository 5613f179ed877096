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
#include "ike_kernel.h"
#include "pki.h"

/* Where a datagram came from / goes to. Port 4500: the transport adds/strips the marker. */
struct ike_path {
	struct config_addr local, remote;
	uint16_t local_port, remote_port;
};

enum ikev2_log_level {
	IKEV2_LOG_ERR,
	IKEV2_LOG_WARNING,
	IKEV2_LOG_NOTICE, /* tunnel up/down, rekeys: always logged */
	IKEV2_LOG_INFO,
	IKEV2_LOG_DEBUG, /* `debug crypto ikev2`: the IOS debug lines */
};

/* One log line with the context the journal gets as fields (NULL/0 when unknown). */
struct ikev2_log {
	enum ikev2_log_level level;
	const char *text;   /* "(SPI: 0x..., 0x...) ..." prefix already included */
	const char *tunnel; /* "Tunnel1" */
	const char *peer;   /* "192.168.0.2" */
	const char *profile;
	const char *ike_spi; /* "ispi/rspi" hex */
	const char *event;   /* stable event name for the journal catalog: "tunnel-up",
			      * "tunnel-down", "rekey", "auth-failed", "dpd-dead", or NULL */
};

struct ikev2_env {
	void *ctx;
	uint64_t (*now)(void *ctx); /* CLOCK_MONOTONIC in microseconds */
	int (*random)(void *ctx, void *buf, size_t len);
	/* Send one IKE message; returns 0 or -errno (the engine retransmits on its timers). */
	int (*send)(void *ctx, const struct ike_path *path, const void *buf, size_t len);
	const struct ike_kernel_ops *kernel;
	void (*log)(void *ctx, const struct ikev2_log *entry);
	/* Optional: a NAT-T keepalive (RFC 3948 2.3) on the path's UDP 4500 socket. */
	int (*send_keepalive)(void *ctx, const struct ike_path *path);
	/* Optional: the wall clock for certificate validity (NULL: the real time). */
	time_t (*wall)(void *ctx);
};

struct ikev2;

int ikev2_new(const struct ikev2_env *env, struct ikev2 **ret);
/* Deletes nothing in the kernel (the daemon flushes or keeps on restart); NULL is fine. */
void ikev2_free(struct ikev2 *e);

/*
 * Use this configuration and certificate store from now on (both must outlive the engine or
 * the next call). Tunnels that no longer exist or whose settings changed lose their SAs;
 * tunnels with `initiate always` and no SA start negotiating.
 */
int ikev2_set_config(struct ikev2 *e, const struct config *cfg, const struct pki_store *store);

/* Debug lines (IKEV2_LOG_DEBUG) on or off: `debug crypto ikev2` / `undebug all`. */
void ikev2_set_debug(struct ikev2 *e, bool on);

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

struct ikev2_child_info {
	uint32_t tunnel_id;
	uint32_t spi_in, spi_out;
	uint16_t encr, key_bits, integ; /* WIRE_* transform IDs */
	bool esn;
	bool udp_encap;
	bool rekeyed;		 /* superseded, being deleted */
	uint64_t established_us; /* monotonic */
	uint64_t lifetime_s;	 /* hard lifetime in seconds */
};

struct ikev2_sa_info {
	uint64_t id; /* unique, increasing: IOS "Tunnel-id" / conn-id */
	struct ike_path path;
	const char *state; /* "READY", "IN-NEG", "DELETE" ... */
	bool initiator;
	uint8_t ispi[8], rspi[8];
	const char *profile; /* NULL before the profile is known */
	char local_id[128], remote_id[128];
	uint16_t encr, key_bits, integ, prf, dh_group; /* WIRE_* */
	enum config_auth auth_local, auth_remote;
	uint64_t established_us; /* 0: not established */
	uint32_t lifetime_s;
	bool nat_local, nat_remote; /* behind NAT as detected */
	const struct ikev2_child_info *children;
	size_t n_children;
};

typedef void (*ikev2_sa_cb)(void *userdata, const struct ikev2_sa_info *info);
/* Every IKE SA, in creation order. The info is valid during the call only. */
void ikev2_foreach_sa(const struct ikev2 *e, ikev2_sa_cb cb, void *userdata);

/* Per tunnel: counters of CHILD_SAs already deleted (they vanish from the kernel), so that the
 * daemon's per-tunnel totals survive rekeys: totals = retired + live SAs' kernel counters. */
struct ikev2_tunnel_info {
	bool up; /* a CHILD_SA is installed */
	struct ike_kernel_counters retired_in, retired_out;
	uint64_t last_rekey_us; /* monotonic, 0 = never */
	uint64_t rekeys;
};
int ikev2_tunnel_info(const struct ikev2 *e, uint32_t tunnel_id, struct ikev2_tunnel_info *ret);

/* Tests: require cookies from this many half-open SAs on (default 1024). */
void ikev2_test_cookie_threshold(struct ikev2 *e, size_t n);
/* Tests: IP packet size of IKE fragments (RFC 7383), both address families; 0: the defaults
 * (1280 bytes IPv4 and IPv6). */
void ikev2_test_frag_size(struct ikev2 *e, size_t ip_bytes);
/* Tests: do not announce IKEV2_FRAGMENTATION_SUPPORTED (a peer without RFC 7383). */
void ikev2_test_frag_off(struct ikev2 *e, bool off);

#endif /* IKEGW_IKEV2_H */
