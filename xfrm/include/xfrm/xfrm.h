/*
 * ikegw xfrm: ESP SAs, policies, SPI allocation, kernel events and counters over NETLINK_XFRM.
 * Knows nothing about IKE. Three layers: pure request builders, pure reply/event parsers (both
 * testable without a kernel), and a small socket layer (xfrm_open, xfrm_sa_add, xfrm_batch_*...).
 */
#ifndef IKEGW_XFRM_H
#define IKEGW_XFRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

/*
 * Errors. Every function that talks to the kernel returns 0 or -errno and, when given a
 * struct xfrm_error, copies the kernel's extended-ACK text into msg ("" when there is none,
 * e.g. for errors detected before anything was sent).
 */
#define XFRM_ERRMSG_MAX 128

struct xfrm_error {
	int err;		   /* 0 or -errno, as the kernel answered */
	char msg[XFRM_ERRMSG_MAX]; /* NLMSGERR_ATTR_MSG, NUL-terminated, possibly truncated */
};

/* Largest request any builder produces (an SA with every option set); a buffer this big fits. */
#define XFRM_MSG_SIZE_MAX 2048
#define XFRM_KEY_MAX 64		    /* bytes, longest key in the algorithm table */
#define XFRM_REPLAY_WINDOW_MAX 4096 /* packets (XFRMA_REPLAY_ESN_MAX) */
#define XFRM_POLICY_TMPL_MAX 6	    /* XFRM_MAX_DEPTH: what the kernel accepts */

/* ---- Algorithms: friendly name -> kernel name, key length and ICV/truncation ---- */

enum xfrm_alg_kind {
	XFRM_ALG_AEAD,	/* XFRMA_ALG_AEAD: encryption and integrity in one */
	XFRM_ALG_CRYPT, /* XFRMA_ALG_CRYPT: needs an XFRM_ALG_AUTH beside it */
	XFRM_ALG_AUTH,	/* XFRMA_ALG_AUTH_TRUNC */
};

struct xfrm_alg_desc {
	const char *name;	 /* "aes-gcm-128", "aes-cbc-256", "3des", "hmac-sha256", ... */
	const char *kernel_name; /* "rfc4106(gcm(aes))", "cbc(aes)", "hmac(sha256)", ... */
	enum xfrm_alg_kind kind;
	uint16_t key_len;  /* bytes, AEAD keys include the 4-byte salt (RFC 4106 / RFC 7634) */
	uint16_t icv_bits; /* AEAD ICV or AUTH truncation (RFC 2404, 4868...); 0 for CRYPT */
};

/* Look up by friendly name; NULL if unknown. */
const struct xfrm_alg_desc *xfrm_alg_lookup(const char *name);
/* Look up by what the kernel reports (name, key bits, ICV/trunc bits; 0 for CRYPT); or NULL. */
const struct xfrm_alg_desc *xfrm_alg_lookup_kernel(const char *kernel_name, uint32_t key_bits,
						   uint32_t icv_bits);
/* The i-th table entry, NULL past the end (for listing). */
const struct xfrm_alg_desc *xfrm_alg_at(size_t i);

/* ---- Objects ---- */

/* An IPv4 or IPv6 address; the family travels in the enclosing struct. */
union xfrm_ip {
	struct in_addr v4;
	struct in6_addr v6;
};

/* Traffic selector. Ports in host order, 0 = any; proto 0 = any. */
struct xfrm_sel {
	int family; /* AF_INET, AF_INET6; 0 in an SA = match anything of the SA's family */
	union xfrm_ip src, dst;
	uint8_t src_plen, dst_plen;
	uint8_t proto;
	uint16_t sport, dport;
};

/* Lifetimes as given to the kernel; 0 = no limit. Seconds count from the SA's creation. */
struct xfrm_lifetimes {
	uint64_t soft_seconds, hard_seconds;
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
};

/*
 * An ESP SA to add or update. Marks: a mark with m == 0 is not sent. The key pointers are read
 * while the request is built; they stay the caller's to wipe. Every buffer this library copies a
 * key into is wiped (explicit_bzero) once the request has been sent or abandoned.
 */
struct xfrm_sa {
	int family; /* of src/dst: AF_INET or AF_INET6 */
	union xfrm_ip src, dst;
	uint32_t spi; /* host order */
	uint32_t reqid;
	uint8_t mode;	     /* XFRM_MODE_TUNNEL or XFRM_MODE_TRANSPORT */
	struct xfrm_sel sel; /* family 0: any traffic (the usual choice with VTI) */

	const struct xfrm_alg_desc *enc; /* XFRM_ALG_AEAD or XFRM_ALG_CRYPT */
	const uint8_t *enc_key;
	size_t enc_key_len;		   /* must equal enc->key_len */
	const struct xfrm_alg_desc *integ; /* XFRM_ALG_AUTH, or NULL (required NULL with AEAD) */
	const uint8_t *integ_key;
	size_t integ_key_len; /* must equal integ->key_len */

	struct xfrm_mark mark;			/* XFRMA_MARK: the VTI key */
	uint32_t output_mark, output_mark_mask; /* XFRMA_SET_MARK(_MASK), sent if mask != 0 */

	bool esn;		/* 64-bit sequence numbers; needs replay_window > 0 */
	uint32_t replay_window; /* packets, 0..XFRM_REPLAY_WINDOW_MAX */
	struct xfrm_lifetimes lft;

	bool udp_encap; /* NAT-T: ESP in UDP (RFC 3948), ports in host order */
	uint16_t encap_sport, encap_dport;
};

/* What identifies an SA in the kernel: (dst, spi, proto) plus its mark. */
struct xfrm_sa_id {
	int family;
	union xfrm_ip dst;
	uint32_t spi;  /* host order */
	uint8_t proto; /* 0 means IPPROTO_ESP */
	struct xfrm_mark mark;
};

/* Per-SA counters, from the kernel's curlft and xfrm_stats. */
struct xfrm_sa_counters {
	uint64_t bytes, packets;
	uint64_t add_time, use_time;   /* seconds since the epoch, 0 = never used */
	uint32_t replay_window_errors; /* outside the replay window */
	uint32_t replay_errors;	       /* replayed */
	uint32_t integrity_errors;     /* ICV check failed */
};

/* An SA as the kernel reports it (get, dump, events). Never carries key bytes. */
struct xfrm_sa_info {
	int family;
	union xfrm_ip src, dst;
	uint32_t spi;
	uint8_t proto;
	uint32_t reqid;
	uint8_t mode;
	uint8_t flags; /* XFRM_STATE_* */
	bool esn;
	uint32_t replay_window;
	uint32_t seq; /* the acquire sequence number of a larval SA */
	struct xfrm_sel sel;
	struct xfrm_mark mark;
	uint32_t output_mark, output_mark_mask;
	bool aead;
	char enc_name[64]; /* kernel names, "" when absent */
	uint32_t enc_key_bits, enc_icv_bits;
	char integ_name[64];
	uint32_t integ_key_bits, integ_trunc_bits;
	const struct xfrm_alg_desc *enc_alg, *integ_alg; /* table entries, NULL if not ours */
	struct xfrm_lifetimes lft;
	bool udp_encap;
	uint16_t encap_type, encap_sport, encap_dport;
	struct xfrm_sa_counters counters;
};

/* Copies the identity (dst, spi, proto, mark) of a reported SA, e.g. to delete it. */
void xfrm_sa_info_to_id(const struct xfrm_sa_info *info, struct xfrm_sa_id *ret_id);

/* ALLOCSPI request: reserve a random SPI in [min, max] for a larval SA from src to dst. */
struct xfrm_spi_req {
	int family;
	union xfrm_ip src, dst;
	uint8_t mode; /* XFRM_MODE_TUNNEL or XFRM_MODE_TRANSPORT */
	uint32_t reqid;
	uint32_t min, max; /* 0 < min <= max */
	uint32_t acq_seq;  /* the ACQUIRE's seq when answering one, else 0 */
	struct xfrm_mark mark;
};

/* One ESP template of a policy. Tunnel mode: src/dst are the tunnel endpoints. */
struct xfrm_policy_tmpl {
	int family; /* of src/dst; ignored (selector's family) in transport mode */
	union xfrm_ip src, dst;
	uint8_t proto; /* 0 means IPPROTO_ESP */
	uint32_t reqid;
	uint8_t mode;
};

/* A policy to add/update, or as reported (dump, events). */
struct xfrm_policy {
	struct xfrm_sel sel; /* family required */
	uint8_t dir;	     /* XFRM_POLICY_IN, XFRM_POLICY_OUT, XFRM_POLICY_FWD */
	uint8_t action;	     /* XFRM_POLICY_ALLOW (0) or XFRM_POLICY_BLOCK */
	uint32_t priority;
	uint32_t index; /* 0 on add: the kernel chooses; reported by dumps and events */
	struct xfrm_mark mark;
	uint32_t if_id; /* XFRMA_IF_ID, sent if non-zero */
	size_t n_tmpls;
	struct xfrm_policy_tmpl tmpls[XFRM_POLICY_TMPL_MAX];
};

/* Identifies a policy for deletion: by index if non-zero, else by (sel, dir); always mark. */
struct xfrm_policy_id {
	struct xfrm_sel sel;
	uint8_t dir;
	uint32_t index;
	struct xfrm_mark mark;
	uint32_t if_id;
};

void xfrm_policy_to_id(const struct xfrm_policy *pol, struct xfrm_policy_id *ret_id);

/* ---- Pure request builders ----
 * Each writes one complete netlink message (NLM_F_REQUEST | NLM_F_ACK, seq and portid 0: the
 * sender fills those in) at buf and returns 0, -EINVAL for invalid arguments or -ENOBUFS when
 * size is too small. The message length is ((struct nlmsghdr *)buf)->nlmsg_len. buf must be
 * 4-byte aligned. SA builders copy key bytes into buf: the caller wipes it after use.
 */
int xfrm_build_spi_alloc(void *buf, size_t size, const struct xfrm_spi_req *req);
int xfrm_build_sa_add(void *buf, size_t size, const struct xfrm_sa *sa);
int xfrm_build_sa_update(void *buf, size_t size, const struct xfrm_sa *sa);
int xfrm_build_sa_del(void *buf, size_t size, const struct xfrm_sa_id *id);
int xfrm_build_sa_get(void *buf, size_t size, const struct xfrm_sa_id *id);
int xfrm_build_policy_add(void *buf, size_t size, const struct xfrm_policy *pol);
int xfrm_build_policy_update(void *buf, size_t size, const struct xfrm_policy *pol);
int xfrm_build_policy_del(void *buf, size_t size, const struct xfrm_policy_id *id);
/* Dump requests (NLM_F_DUMP) for every SA / every policy. */
int xfrm_build_sa_dump(void *buf, size_t size);
int xfrm_build_policy_dump(void *buf, size_t size);

/* ---- Pure parsers ----
 * nlh must lie inside a buffer checked with xfrm_nlmsg_ok (nlmsg_len within bounds); everything
 * else is validated here. Return 0, -EBADMSG for malformed input, -EPROTO for a message of the
 * wrong type.
 */
/* Whether a whole message starts at nlh within len bytes. Use it instead of mnl_nlmsg_ok, whose
 * int cast lets an nlmsg_len of 2^31 or more through. Iterate with mnl_nlmsg_next. */
bool xfrm_nlmsg_ok(const struct nlmsghdr *nlh, int len);
int xfrm_parse_sa(const struct nlmsghdr *nlh, struct xfrm_sa_info *ret);    /* NEWSA/UPDSA */
int xfrm_parse_policy(const struct nlmsghdr *nlh, struct xfrm_policy *ret); /* NEW/UPDPOLICY */
/* NLMSG_ERROR or NLMSG_DONE: ret->err is the kernel's status, ret->msg its ext-ack text. */
int xfrm_parse_ack(const struct nlmsghdr *nlh, struct xfrm_error *ret);

/* Kernel-originated events. */
enum xfrm_event_type {
	XFRM_EVENT_NONE, /* a valid message we do not report (new SA, new policy, ...) */
	XFRM_EVENT_ACQUIRE,
	XFRM_EVENT_EXPIRE,
	XFRM_EVENT_SA_DELETED,
	XFRM_EVENT_POLICY_DELETED,
	XFRM_EVENT_SA_FLUSHED,
	XFRM_EVENT_POLICY_FLUSHED,
};

/* XFRM_MSG_ACQUIRE: outbound traffic matched a policy with no SA. */
struct xfrm_acquire {
	int family; /* of src/dst, the SA endpoints wanted */
	union xfrm_ip src, dst;
	uint8_t proto;
	uint32_t reqid;	     /* of the first template */
	uint32_t seq;	     /* pass as xfrm_spi_req.acq_seq */
	struct xfrm_sel sel; /* the triggering flow */
	uint32_t policy_index;
	uint8_t policy_dir;
	uint32_t policy_priority;
	struct xfrm_mark mark; /* the policy's */
};

struct xfrm_event {
	enum xfrm_event_type type;
	uint32_t portid;     /* nlmsg_pid: the socket whose request caused it, 0 = the kernel */
	bool hard;	     /* EXPIRE: hard (SA is gone) or soft (rekey now) */
	uint8_t flush_proto; /* SA_FLUSHED: IPSEC_PROTO_ANY (255) or IPPROTO_ESP... */
	union {
		struct xfrm_acquire acquire; /* ACQUIRE */
		struct xfrm_sa_info sa;	     /* EXPIRE, SA_DELETED */
		struct xfrm_policy policy;   /* POLICY_DELETED */
	};
};

int xfrm_parse_event(const struct nlmsghdr *nlh, struct xfrm_event *ret);

/*
 * Batch acknowledgements: account every NLMSG_ERROR of one received datagram against requests
 * numbered seq_first .. seq_first + n - 1; results[i] is filled for request i. Entries not yet
 * answered must hold err == XFRM_ERR_PENDING. Messages for other sequence numbers are ignored.
 * *ret_answered: how many results this datagram filled. Returns 0 or -EBADMSG.
 */
#define XFRM_ERR_PENDING 1
int xfrm_acks_parse(const void *buf, size_t len, uint32_t seq_first, struct xfrm_error *results,
		    size_t n, size_t *ret_answered);

/* ---- The kernel: a request socket ---- */

struct xfrm_handle; /* opaque */

/* Opens a NETLINK_XFRM socket with NETLINK_EXT_ACK and NETLINK_CAP_ACK (failed requests are not
 * echoed back, so keys never come back in an error). Needs CAP_NET_ADMIN for any request. */
int xfrm_open(struct xfrm_handle **ret);
void xfrm_close(struct xfrm_handle *h); /* NULL is fine */
uint32_t xfrm_portid(const struct xfrm_handle *h);

/* Single requests; err may be NULL. */
int xfrm_spi_alloc(struct xfrm_handle *h, const struct xfrm_spi_req *req, uint32_t *ret_spi,
		   struct xfrm_error *err);
int xfrm_sa_add(struct xfrm_handle *h, const struct xfrm_sa *sa, struct xfrm_error *err);
int xfrm_sa_update(struct xfrm_handle *h, const struct xfrm_sa *sa, struct xfrm_error *err);
int xfrm_sa_del(struct xfrm_handle *h, const struct xfrm_sa_id *id, struct xfrm_error *err);
int xfrm_sa_get(struct xfrm_handle *h, const struct xfrm_sa_id *id, struct xfrm_sa_info *ret,
		struct xfrm_error *err);
int xfrm_sa_get_counters(struct xfrm_handle *h, const struct xfrm_sa_id *id,
			 struct xfrm_sa_counters *ret, struct xfrm_error *err);
int xfrm_policy_add(struct xfrm_handle *h, const struct xfrm_policy *pol, struct xfrm_error *err);
int xfrm_policy_update(struct xfrm_handle *h, const struct xfrm_policy *pol,
		       struct xfrm_error *err);
int xfrm_policy_del(struct xfrm_handle *h, const struct xfrm_policy_id *id, struct xfrm_error *err);

/* Dumps: cb is called for every object; a negative return stops delivery and is returned.
 * An interrupted dump (NLM_F_DUMP_INTR, EINTR) is restarted from scratch, up to 5 times, so cb
 * may see an object more than once only across restarts. */
int xfrm_sa_dump(struct xfrm_handle *h, int (*cb)(const struct xfrm_sa_info *sa, void *userdata),
		 void *userdata, struct xfrm_error *err);
int xfrm_policy_dump(struct xfrm_handle *h,
		     int (*cb)(const struct xfrm_policy *pol, void *userdata), void *userdata,
		     struct xfrm_error *err);

/*
 * Ownership flush. The kernel's XFRM_MSG_FLUSHSA/FLUSHPOLICY would remove everybody's objects,
 * so we never send them. Instead the daemon allocates every reqid it uses from one range
 * [reqid_min, reqid_max] (0 excluded) and this deletes, found by a dump:
 *   - every policy with at least one template whose reqid lies in the range,
 *   - every SA (any protocol, larval ones included) whose reqid lies in the range,
 * policies first, then SAs, in batches. Objects that vanish meanwhile (ENOENT) are not errors.
 * Returns 0 or the first error; *ret_policies / *ret_sas (may be NULL) count what was deleted.
 */
int xfrm_flush_owned(struct xfrm_handle *h, uint32_t reqid_min, uint32_t reqid_max,
		     size_t *ret_policies, size_t *ret_sas, struct xfrm_error *err);

/* ---- Batches: many requests in one send, one result each ---- */

struct xfrm_batch; /* opaque; holds key bytes of SA requests until sent, wiped on send/free */

int xfrm_batch_new(struct xfrm_batch **ret);
void xfrm_batch_free(struct xfrm_batch *b);  /* wipes; NULL is fine */
void xfrm_batch_reset(struct xfrm_batch *b); /* wipes and empties */
size_t xfrm_batch_count(const struct xfrm_batch *b);
/* The queued messages back to back (seq 0 until sent), e.g. to inspect them in tests. */
const void *xfrm_batch_data(const struct xfrm_batch *b, size_t *ret_len);
/* Append one request; its result index is xfrm_batch_count() before the call. */
int xfrm_batch_spi_alloc(struct xfrm_batch *b, const struct xfrm_spi_req *req);
int xfrm_batch_sa_add(struct xfrm_batch *b, const struct xfrm_sa *sa);
int xfrm_batch_sa_update(struct xfrm_batch *b, const struct xfrm_sa *sa);
int xfrm_batch_sa_del(struct xfrm_batch *b, const struct xfrm_sa_id *id);
int xfrm_batch_policy_add(struct xfrm_batch *b, const struct xfrm_policy *pol);
int xfrm_batch_policy_update(struct xfrm_batch *b, const struct xfrm_policy *pol);
int xfrm_batch_policy_del(struct xfrm_batch *b, const struct xfrm_policy_id *id);
/*
 * Sends every request (several per sendmsg, up to 128 messages or 64 KiB each) and collects one
 * ACK per request into results[0 .. count-1] (n_results must be >= count). Returns 0 if all
 * succeeded, else the err of the first failed request. If the socket itself fails, requests left
 * without an answer get that error (they may or may not have been applied). The batch is wiped
 * and emptied afterwards in every case. A SPI allocation's SPI is not reported here.
 */
int xfrm_batch_send(struct xfrm_handle *h, struct xfrm_batch *b, struct xfrm_error *results,
		    size_t n_results);

/* ---- Events: multicast subscription ---- */

/*
 * Plain callbacks; NULL ones are not subscribed. own: the kernel names the requester (nlmsg_pid)
 * in the events a request causes; own is true when that was the handle given to
 * xfrm_events_open, i.e. false when someone else (ip xfrm, another daemon) did it.
 */
struct xfrm_event_ops {
	/* XFRMNLGRP_ACQUIRE: traffic needs an SA. */
	void (*acquire)(const struct xfrm_acquire *acq, void *userdata);
	/* XFRMNLGRP_EXPIRE: soft (rekey now) or hard (the SA is gone) lifetime reached. */
	void (*expire)(const struct xfrm_sa_info *sa, bool hard, void *userdata);
	/* XFRMNLGRP_SA: an SA was deleted. */
	void (*sa_deleted)(const struct xfrm_sa_info *sa, bool own, void *userdata);
	/* XFRMNLGRP_POLICY: a policy was deleted. */
	void (*policy_deleted)(const struct xfrm_policy *pol, bool own, void *userdata);
	/* XFRMNLGRP_SA / _POLICY: every SA (policies false) or every policy was flushed. */
	void (*flushed)(bool policies, bool own, void *userdata);
};

struct xfrm_events; /* opaque */

/* self may be NULL (then nothing is "own"). Subscribes to the groups whose callbacks are set. */
int xfrm_events_open(struct xfrm_events **ret, const struct xfrm_handle *self,
		     const struct xfrm_event_ops *ops, void *userdata);
void xfrm_events_close(struct xfrm_events *ev);
int xfrm_events_fd(const struct xfrm_events *ev); /* non-blocking; poll for POLLIN */
/* Reads and dispatches everything pending. -ENOBUFS: the kernel dropped events (resync by
 * dumping); -EBADMSG: a malformed message was skipped (the others were delivered). */
int xfrm_events_dispatch(struct xfrm_events *ev);
/* Pure: decode one received datagram and call ops; what xfrm_events_dispatch does per read. */
int xfrm_events_deliver(const struct xfrm_event_ops *ops, void *userdata, uint32_t self_portid,
			const void *buf, size_t len);

/* ---- Global statistics: /proc/net/xfrm_stat ---- */

#define XFRM_STAT_MAX 64
#define XFRM_STAT_NAME_MAX 48

struct xfrm_stat_table {
	size_t count;
	struct {
		char name[XFRM_STAT_NAME_MAX];
		uint64_t value;
	} entry[XFRM_STAT_MAX];
};

/* Lines "Name<spaces/tabs>decimal". Returns 0, -EBADMSG (malformed) or -E2BIG (too many). */
int xfrm_stat_parse(const char *buf, size_t len, struct xfrm_stat_table *ret);
/* Reads path (NULL: /proc/net/xfrm_stat) and parses it. */
int xfrm_stat_read(const char *path, struct xfrm_stat_table *ret);
int xfrm_stat_find(const struct xfrm_stat_table *t, const char *name, uint64_t *ret_value);

#endif
