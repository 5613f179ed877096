/*
 * Per-peer counters of the gateway (seed 004's diagnosis, metrics): the IKE datagrams ikegwd
 * sent to and received from each tunnel destination, and our nftables table's counts of IKE
 * and ESP that arrived from it, kept monotonic across table replacements (a reload replaces
 * the table and so resets its counters: what it had counted is carried over first).
 */
#ifndef IKEGW_GW_PEERS_H
#define IKEGW_GW_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nft.h"

/* What the show commands read for one peer (a tunnel destination). */
struct gw_peer_counters {
	struct config_addr peer;
	uint64_t ike_tx_pkts, ike_tx_bytes; /* IKE datagrams ikegwd sent (retransmissions too) */
	uint64_t ike_rx_daemon_pkts;	    /* IKE datagrams from it that reached ikegwd */
	bool nft; /* the nftables counts below are known (the peer is in our table's dump) */
	uint64_t ike_rx_pkts, ike_rx_bytes; /* nftables: UDP 500/4500 IKE that arrived */
	uint64_t esp_rx_pkts, esp_rx_bytes; /* nftables: ESP (and ESP in UDP 4500) that arrived */
};

struct gw_peers {
	struct gw_peer_entry *v;
	size_t n;
};

/* Keeps one entry per distinct tunnel destination of cfg: entries of addresses that stay keep
 * their counts, the others go. -ENOMEM leaves the table as it was. */
int gw_peers_sync(struct gw_peers *p, const struct config *cfg);
void gw_peers_free(struct gw_peers *p);

/* One IKE datagram to / from addr; addresses that are no tunnel destination are not counted
 * (anyone may send to UDP 500: the table must not grow with them). */
void gw_peers_count_tx(struct gw_peers *p, const struct config_addr *addr, size_t len);
void gw_peers_count_rx(struct gw_peers *p, const struct config_addr *addr, size_t len);

/* Before our nftables table is replaced: its counts v[0..n) join each peer's carried base. */
void gw_peers_nft_carry(struct gw_peers *p, const struct nft_peer_counters *v, size_t n);

/*
 * Every peer's counters: nft (may be NULL when nft_ok is false) is the table's current dump,
 * added to the carried base. *ret is a new array of p->n entries sorted by address (free()),
 * NULL when empty.
 */
int gw_peers_snapshot(const struct gw_peers *p, const struct nft_peer_counters *nft, size_t n_nft,
		      bool nft_ok, struct gw_peer_counters **ret, size_t *ret_n);

/* The entry of addr in v[0..n) (a snapshot: sorted by address), or NULL. */
const struct gw_peer_counters *gw_peer_find(const struct gw_peer_counters *v, size_t n,
					    const struct config_addr *addr);

/* config_addr <-> nft_peer */
void gw_peer_to_nft(const struct config_addr *a, struct nft_peer *ret);

#endif /* IKEGW_GW_PEERS_H */
