/*
 * Exchange-test harness: two gateways (each an IKEv1 and an IKEv2 engine) back to back in one process, a virtual clock, a
 * packet queue between them (with loss on demand) and a fake kernel per side that records the
 * SAs the engine installs, so tests can assert on keys, SPIs and counters.
 */
#ifndef IKEGW_XCHG_H
#define IKEGW_XCHG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "ikev1.h"
#include "ikev2.h"
#include "pki.h"

#define XK_MAX 32

/* A PSK tunnel configuration (AES-CBC-256, SHA-256, group 14) from SELF to PEER. */
#define CFG_COMMON(SELF, PEER, TUNSRC, TUNDST, KEY, INIT, EXTRA)                                   \
	"hostname R" TUNSRC "\n"                                                                    \
	"crypto ikev2 proposal P\n"                                                                \
	" encryption aes-cbc-256\n"                                                                \
	" integrity sha256\n"                                                                      \
	" group 14\n"                                                                              \
	"crypto ikev2 policy POL\n"                                                                \
	" proposal P\n"                                                                            \
	"crypto ikev2 keyring KR\n"                                                                \
	" peer X\n"                                                                                \
	"  address " PEER "\n"                                                                     \
	"  pre-shared-key " KEY "\n"                                                               \
	"crypto ikev2 profile PR\n"                                                                \
	" match identity remote address " PEER " 255.255.255.255\n"                                \
	" authentication remote pre-share\n"                                                       \
	" authentication local pre-share\n"                                                        \
	" keyring local KR\n" EXTRA                                                                \
	"crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"                              \
	"crypto ipsec profile IP\n"                                                                \
	" set transform-set TS\n"                                                                  \
	" set ikev2-profile PR\n"                                                                  \
	"interface Tunnel1\n"                                                                      \
	" ip address 10.0.0." TUNSRC " 255.255.255.0\n"                                            \
	" tunnel source " SELF "\n"                                                                \
	" tunnel destination " PEER "\n"                                                           \
	" tunnel protection ipsec profile IP\n"                                                    \
	" tunnel initiate " INIT "\n"

/* What a packet hook does with a datagram on its way. */
enum x_verdict {
	X_PASS,
	X_DROP,
	X_HOLD, /* kept back until the queue is empty, then delivered last-held first */
};

struct xk_sa {
	bool used;
	struct ike_kernel_sa sa; /* key pointers into the bytes below */
	uint8_t enc[64], integ[64];
	struct ike_kernel_counters ctr;
	unsigned seq; /* order of installation: the kernel sends on the newest outbound SA */
};

/* One call of env.export_keys (the key export hook), copied. */
struct xk_export {
	struct ike_key_export k; /* key pointers into the bytes below; esp points to sa */
	uint8_t ei[64], er[64], ai[64], ar[64];
	struct ike_kernel_sa sa;
	uint8_t esp_enc[64], esp_integ[64];
};

struct xnode {
	const char *name;
	struct ikev2 *e;
	struct ikev1 *e1; /* both engines run; datagrams go by the header's major version */
	struct config *cfg;
	struct pki_store *store;
	struct config_addr addr; /* its outer address */
	struct xk_sa sas[XK_MAX];
	uint32_t next_spi;
	unsigned n_add, n_del;
	char **log;
	size_t n_log;
	bool drop_out; /* its packets vanish (a dead peer) */
	unsigned n_keepalives;
	bool fail_sa_add;
	struct xk_export *exports; /* with x_export_keys: every export, in order */
	size_t n_exports;
};

struct xpair;
/* Sees every datagram a node sends (buf may be changed in place); from: the sender. */
typedef enum x_verdict (*x_hook_fn)(struct xpair *p, const struct xnode *from, uint8_t *buf,
				    size_t len);

struct xpair {
	struct xnode a, b;
	uint64_t now;
	time_t wall; /* certificate validity clock, 0: real time */
	/* A behind a NAT: B sees A's packets from nat_addr, source port 30000 + port */
	bool nat_a;
	struct config_addr nat_addr;
	unsigned n_packets;
	/* called after every delivered datagram and timer run (invariant checks) */
	void (*step_check)(struct xpair *p);
	unsigned sa_seq;
	struct xpkt *q_head, *q_tail;
	x_hook_fn hook;
	void *hook_data;
	struct xpkt *held; /* X_HOLD, newest first */
	struct xpkt *cur;  /* the datagram the hook is looking at */
};

/* Set before x_init: both engines get an env.export_keys that records into xnode.exports (the
 * flag is consumed by x_init; without it the hook is NULL, as in ikegwd by default). */
extern bool x_export_keys;
/* A node's exports of one kind, and the i-th of them (NULL past the end). */
size_t x_export_count(const struct xnode *n, enum ike_key_export_kind kind);
const struct xk_export *x_export_find(const struct xnode *n, enum ike_key_export_kind kind,
				      size_t i);

/* Every sa_add of the node was exported once, and each SA in its kernel exactly as installed
 * (SPI, addresses, algorithms, keys). */
void x_assert_esp_exported(const struct xnode *n);
/* The SPIs (IKEv1: cookies) of the node's one IKE SA in state; false when there is none. */
bool x_ike_spis(const struct xnode *n, const char *state, uint8_t ispi[8], uint8_t rspi[8]);

/* Loads both configs (text) and builds the engines; addresses from "a.b.c.d". */
void x_init(struct xpair *p, const char *cfg_a, const char *cfg_b, const char *addr_a,
	    const char *addr_b);
/* Same with already loaded models (ownership taken) and stores. */
void x_init_cfg(struct xpair *p, struct config *ca, struct pki_store *sa, struct config *cb,
		struct pki_store *sb, const char *addr_a, const char *addr_b);
void x_free(struct xpair *p);
/* Put A behind a NAT with public address addr (before x_run). */
void x_set_nat(struct xpair *p, const char *addr);
/* Deliver packets and fire timers until nothing is queued and no timer is due before
 * now + horizon_s seconds; the clock jumps to each next timer. */
void x_run(struct xpair *p, uint64_t horizon_s);
/* From a hook: queue a copy of buf for the receiver of the datagram being sent, ahead of it. */
void x_inject(struct xpair *p, const uint8_t *buf, size_t len);
/* Installed SAs of a node. */
size_t x_sa_count(const struct xnode *n);
const struct xk_sa *x_sa_find(const struct xnode *n, bool inbound, size_t i);
const struct xk_sa *x_sa_by_spi(const struct xnode *n, uint32_t spi);
/* IKE SAs of an engine in a given state ("READY"). */
size_t x_ike_count(const struct xnode *n, const char *state);
bool x_log_has(const struct xnode *n, const char *needle);
void x_log_dump(const struct xnode *n);
/* The two nodes agree on the CHILD_SA keys both ways. */
void x_assert_child_pair(const struct xpair *p);
/* The outbound SA a node's kernel sends on (the newest), or NULL. */
const struct xk_sa *x_sa_sending(const struct xnode *n);

#endif
