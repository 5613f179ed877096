/*
 * nft: ikegw's own nftables table (inet "ikegw") through libnftnl batches: keeps IKE (UDP
 * 500/4500) and ESP open from the peers, counts them per peer, optionally clamps TCP MSS.
 * Every change is one atomic batch transaction. The batch builder and the reply/counter
 * parsers are pure; nft_table_setup() and friends talk to the kernel. See docs/nftables.md.
 */
#ifndef IKEGW_NFT_H
#define IKEGW_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/netlink.h>

#define NFT_TABLE_NAME "ikegw"
#define NFT_ERROR_MSG_MAX 160

struct nft_error {
	int code;		     /* 0 or -errno, as returned */
	char msg[NFT_ERROR_MSG_MAX]; /* which message failed and the kernel's text, or ours */
};

/* A peer address; family AF_UNSPEC in counters means "any other source". */
struct nft_peer {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
};

/* Clamp the MSS of TCP SYNs forwarded in or out of ifname to at most mss. */
struct nft_mss_clamp {
	char ifname[IFNAMSIZ];
	uint16_t mss;
};

struct nft_table_spec {
	const struct nft_peer *peers; /* empty: IKE/ESP accepted from anyone */
	size_t n_peers;
	const struct nft_mss_clamp *clamps;
	size_t n_clamps;
};

/* What the table counted for one peer (or for everyone else: peer.family AF_UNSPEC). */
struct nft_peer_counters {
	struct nft_peer peer;
	uint64_t ike_pkts, ike_bytes; /* UDP 500, and UDP 4500 with the zero non-ESP marker */
	uint64_t esp_pkts, esp_bytes; /* IP protocol 50, and UDP 4500 with a non-zero SPI */
};

/* ---- pure: batch builders (NFNL batch begin .. end, every message NLM_F_ACK) ---- */
/*
 * Replaces the table atomically: add table, delete table, add table, chains and rules.
 * Messages get sequence numbers seq, seq+1, ...; *ret_len is the batch's length.
 * -EINVAL for a bad spec (err says why), -EMSGSIZE if buf is too small.
 */
int nft_batch_setup(void *buf, size_t size, uint32_t seq, const struct nft_table_spec *spec,
		    size_t *ret_len, struct nft_error *err);
/* Removes the table if it exists: add table, delete table. */
int nft_batch_remove(void *buf, size_t size, uint32_t seq, size_t *ret_len);
/* A size that always fits nft_batch_setup() for this spec. */
size_t nft_batch_setup_size(const struct nft_table_spec *spec);
/* NFT_MSG_GETRULE dump of our table's rules. */
int nft_msg_rule_dump(void *buf, size_t size, uint32_t seq);

/* ---- pure: replies ---- */
/*
 * Responses to a batch: one NLMSG_ERROR (ACK or error) per message that asked for one.
 * Feed every datagram; nft_acks_result() then says whether all came back as ACKs.
 */
struct nft_acks {
	uint32_t seq_first, seq_last; /* the batch's sequence numbers */
	uint32_t portid;
	unsigned int expected, received;
	int status; /* first error */
	struct nft_error *err;
	const void *batch; /* to name the failing message in err->msg */
	size_t batch_len;
};
void nft_acks_init(struct nft_acks *a, const void *batch, size_t batch_len, uint32_t portid,
		   struct nft_error *err);
int nft_acks_feed(struct nft_acks *a, const void *buf, size_t len);
int nft_acks_result(const struct nft_acks *a);

/* Accumulates the counters of a rule dump of our table. */
struct nft_counters_acc {
	struct nft_peer_counters *v;
	size_t max, n;
	bool overflow;
};
/*
 * Feeds one datagram of the GETRULE dump (sequence seq). Returns 1 when more are
 * expected, 0 at NLMSG_DONE, or -errno (the kernel's error, -EBADMSG if malformed).
 */
int nft_counters_feed(struct nft_counters_acc *acc, uint32_t seq, uint32_t portid, const void *buf,
		      size_t len, struct nft_error *err);
/* One NFT_MSG_NEWRULE: adds its counter to acc if it is one of our counting rules. */
int nft_rule_counters_parse(const struct nlmsghdr *nlh, struct nft_counters_acc *acc);

/* ---- talking to the kernel (one netlink socket per call) ---- */
int nft_table_apply(const struct nft_table_spec *spec, struct nft_error *err);
/* nft_table_apply() with peers only. */
int nft_table_setup(const struct nft_peer *peers, size_t n, struct nft_error *err);
/* Removes our table; 0 also when it did not exist. */
int nft_table_remove(struct nft_error *err);
/*
 * Per-peer counters, in rule order, the "any other source" entry last. *ret_n is the
 * number filled; -ENOSPC if max was too small (the first max are filled). No table: 0
 * entries.
 */
int nft_counters_get(struct nft_peer_counters *ret, size_t max, size_t *ret_n,
		     struct nft_error *err);
/* The entry for peer in v[0..n), or NULL. */
const struct nft_peer_counters *nft_counters_find(const struct nft_peer_counters *v, size_t n,
						  const struct nft_peer *peer);

#endif
