/*
 * Inside the IKEv2 engine: the IKE SA and CHILD_SA objects, the SPI tables, per-tunnel state,
 * and the helpers the exchange files (init, auth, child, info) share.
 */
#ifndef IKEGW_IKEV2_INTERNAL_H
#define IKEGW_IKEV2_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ike.h"
#include "ike_internal.h"
#include "ike_crypto.h"
#include "ike_timer.h"
#include "ikev2.h"
#include "wire.h"

#define IKEV2_NONCE_LEN 32
#define IKEV2_MSG_MAX 65535
#define IKEV2_MAX_CHILDREN 4	 /* per IKE SA: current + ones being rekeyed */
#define IKEV2_RETRANSMIT_BASE_US 2000000ull
#define IKEV2_RETRANSMIT_TRIES 6 /* 2+4+8+16+32+64 s, then give up */
#define IKEV2_HALF_OPEN_US 60000000ull
#define IKEV2_REINIT_MIN_US 5000000ull
#define IKEV2_REINIT_MAX_US 60000000ull
#define IKEV2_NATKA_DEFAULT_S 20 /* NAT-T keepalive interval without `nat keepalive` */
#define IKEV2_COOKIE_THRESHOLD 1024 /* half-open SAs before cookies are required */
#define IKEV2_LINGER_MAX 64	    /* replaced inbound SAs kept for packets still in flight */
#define IKEV2_LINGER_US 2000000ull
/* IKE fragmentation (RFC 7383) */
#define IKEV2_FRAG_MAX 64	   /* fragments of one message, both ways */
#define IKEV2_FRAG_PLAIN_MAX 65536 /* reassembled plaintext of one message */
#define IKEV2_FRAG_SIZE_V4 1280	   /* IP packet size of a fragment (RFC 7383 2.5.1) */
#define IKEV2_FRAG_SIZE_V6 1280	   /* the IPv6 minimum MTU: always deliverable */
#define IKEV2_FRAG_OVERHEAD 256 /* per fragment: header, SKF, IV, padding, ICV */
#define IKEV2_OUT_MAX (IKEV2_MSG_MAX + IKEV2_FRAG_MAX * IKEV2_FRAG_OVERHEAD)

enum ikev2_state {
	IKEV2_S_INIT_SENT,    /* initiator: IKE_SA_INIT request out */
	IKEV2_S_INIT_DONE,    /* responder: answered IKE_SA_INIT, waits for IKE_AUTH */
	IKEV2_S_AUTH_SENT,    /* initiator: IKE_AUTH request out */
	IKEV2_S_ESTABLISHED,  /* READY */
	IKEV2_S_REKEYED,      /* replaced by a new IKE SA; waits for its Delete */
	IKEV2_S_DELETING,     /* our Delete is out */
	IKEV2_S_DEAD,	      /* to be freed */
	IKEV2_S_COUNT,
};

/* What the request in flight was for, to interpret its response. */
enum ikev2_req_kind {
	IKEV2_REQ_NONE,
	IKEV2_REQ_INIT,
	IKEV2_REQ_AUTH,
	IKEV2_REQ_CHILD_REKEY,
	IKEV2_REQ_IKE_REKEY,
	IKEV2_REQ_DELETE_CHILD,
	IKEV2_REQ_DELETE_IKE,
	IKEV2_REQ_DPD,
};

/* The negotiated ESP transform. */
struct ikev2_esp {
	uint16_t encr, key_bits, integ;
	uint16_t dh; /* PFS group of a CREATE_CHILD_SA, 0 without */
	bool esn;
};

struct ikev2_child {
	bool used;
	bool installed;
	bool rekeyed; /* a newer CHILD_SA replaced it; its Delete is pending or sent */
	bool delete_queued, delete_sent;
	uint32_t tunnel_id;
	uint32_t spi_in, spi_out;
	struct ikev2_esp esp;
	uint64_t established_us;
	uint64_t lifetime_s;
	struct ike_timer rekey_timer; /* initiator of the rekeys: at lifetime minus margin */
	struct ike_timer expire_timer;
	/*
	 * Responder of a CHILD_SA rekey: the new outbound SA waits until the initiator deletes the
	 * old CHILD_SA (or out_timer fires), so that we never send on an SA the initiator has not
	 * installed yet (the kernel sends on the newest outbound SA at once).
	 */
	bool out_pending;
	struct ike_kernel_sa out_sa;
	uint8_t out_keys[128];
	struct ike_timer out_timer;
	struct ikev2_sa *sa;
};

/*
 * Reassembly of one fragmented message (RFC 7383 2.6), allocated when its first fragment
 * arrives. Fragments are verified and decrypted one by one; the plaintext pieces wait here
 * until all have come. Fragment 1's datagram is kept because the reassembled payloads are
 * decoded into its message.
 */
struct ikev2_reasm {
	uint32_t msgid;
	bool response;
	uint16_t total;
	uint16_t nrecv;
	uint64_t have; /* bit n-1: fragment n received */
	size_t plain_len;
	uint8_t *piece[IKEV2_FRAG_MAX];
	uint16_t piece_len[IKEV2_FRAG_MAX];
	uint8_t *first; /* fragment 1's datagram */
	size_t first_len;
};

/* The IKE SA's negotiated algorithms. */
struct ikev2_ike_alg {
	uint16_t encr, key_bits, integ, prf, dh;
};

struct ikev2_sa {
	struct ikev2 *e;
	uint64_t id;
	enum ikev2_state state;
	bool initiator;
	uint8_t ispi[8], rspi[8];
	struct ike_path path;
	bool nat_local, nat_remote; /* NAT detected in front of us / of the peer */
	bool in_table;		    /* linked in e->by_spi under our SPI */
	bool in_half_open;	    /* responder: linked in e->half_open */
	struct ikev2_sa *next_spi, *next_half;
	struct ikev2_sa *prev_all, *next_all;

	/* configuration */
	uint32_t tunnel_id; /* tunnel we initiate for / bound to (0: not yet) */
	struct ike_profile prof;
	const struct pki_trustpoint *sign_tp;

	/* negotiation */
	struct ikev2_ike_alg alg;
	struct ike_sk_suite suite;
	struct ike_dh *dh;
	uint16_t dh_group_try; /* KE group the initiator sends (INVALID_KE_PAYLOAD retry) */
	uint8_t ni[256], nr[256];
	size_t ni_len, nr_len;
	uint8_t *init_req, *init_resp; /* IKE_SA_INIT messages, for AUTH */
	size_t init_req_len, init_resp_len;
	struct ike_v2_keys keys;
	bool have_keys;
	uint8_t cookie[64];
	size_t cookie_len;
	uint8_t certreq[32][20]; /* SHA-1 SPKI hashes the peer asked for */
	size_t n_certreq;
	bool peer_sig_hash; /* peer sent SIGNATURE_HASH_ALGORITHMS with SHA2-256 */
	bool frag_ok;	    /* both sent IKEV2_FRAGMENTATION_SUPPORTED: we may send SKF */
	struct ikev2_reasm *reasm; /* a fragmented message being reassembled, or NULL */
	uint32_t child_spi_in;	       /* SPI allocated for the child of IKE_AUTH */
	struct ikev2_esp child_esp;    /* initiator: offered; responder: chosen */
	char local_id[128], remote_id[128];
	enum config_auth auth_local, auth_remote;

	/* message IDs and retransmission (window size 1) */
	uint32_t msgid_next_out;  /* our next request */
	uint32_t msgid_next_in;	  /* the peer's next request we expect */
	uint8_t *req_buf;	  /* our request in flight (all its fragments, end to end) */
	size_t req_len;
	uint32_t req_msgid;
	enum ikev2_req_kind req_kind;
	int req_tries;
	struct ike_timer retransmit_timer;
	uint8_t *resp_buf; /* our last response (all fragments), re-sent for a retransmission */
	size_t resp_len;
	uint32_t resp_msgid;
	bool resp_valid;

	/* pending exchange context */
	struct ikev2_child *rekey_child; /* CHILD_SA being rekeyed by our request */
	struct ikev2_sa *rekey_new;	 /* IKE SA being created by our rekey request */
	uint32_t pending_spi_in;	 /* our new inbound SPI in a CHILD_SA rekey */
	struct ike_dh *pending_dh;
	uint8_t pending_nonce[IKEV2_NONCE_LEN];
	uint8_t pending_ispi[8];

	struct ikev2_child children[IKEV2_MAX_CHILDREN];

	uint64_t established_us;
	uint64_t last_in_us; /* last authenticated message from the peer */
	uint64_t dpd_last_decaps;
	uint64_t dpd_sent_us; /* when the liveness check in flight was first sent */
	uint32_t lifetime_s;
	struct ike_timer life_timer;  /* half-open timeout, IKE rekey, lifetime */
	struct ike_timer dpd_timer;
	struct ike_timer delete_timer; /* free after a grace period */
	struct ike_timer natka_timer;  /* NAT-T keepalives while we are behind a NAT */
	bool queued_rekey_child, queued_rekey_ike, queued_dpd, queued_delete;
	bool refused; /* responder: IKE_AUTH answered with an error, kept for retransmissions */
	bool defer_out; /* the next ikev2_child_install keeps the outbound SA back */
};

/*
 * The inbound SA of a CHILD_SA replaced by a rekey stays in the kernel a little after the
 * CHILD_SA is gone: packets the peer sent on it just before switching may still be in flight
 * (or in the kernel's asynchronous crypto) when the Delete arrives. Its counters are retired
 * when it finally goes.
 */
struct ikev2_linger {
	bool used;
	uint32_t tunnel_id;
	struct config_addr dst;
	uint32_t spi;
	struct ike_kernel_counters base; /* already retired into the tunnel */
	struct ike_timer timer;
	struct ikev2 *e;
};

/* Per-tunnel state that outlives IKE SAs. */
struct ikev2_tunnel {
	uint32_t id;
	const struct config_interface *cfg;
	struct ikev2 *e;
	struct ikev2_sa *sa;   /* the established IKE SA carrying its CHILD_SA */
	struct ikev2_sa *nego; /* the IKE SA we are initiating for it */
	struct ike_kernel_counters retired_in, retired_out;
	uint64_t last_rekey_us, rekeys;
	uint64_t dpd_rtt_us; /* last liveness check answered at the first try; 0: none */
	unsigned failures;
	struct ike_timer reinit_timer;
};

struct ikev2 {
	struct ike_env env;
	const struct config *cfg;
	const struct pki_store *store;
	bool debug;
	bool debug_pki; /* `debug crypto pki` */
	uint64_t next_id;
	struct ike_timers timers;
	/* SA tables, chained hashes sized to a power of two */
	struct ikev2_sa **by_spi;    /* our SPI -> SA */
	struct ikev2_sa **half_open; /* (peer ispi, peer address) -> responder SA before AUTH */
	size_t nbuckets, n_sas, n_half_open;
	struct ikev2_sa *all_head, *all_tail;
	struct ikev2_tunnel *tunnels;
	size_t n_tunnels;
	struct wire_msg *msg;  /* decode scratch (~30 KiB) */
	uint8_t *plain;	       /* decrypt scratch */
	uint8_t *out;	       /* encode scratch, IKEV2_OUT_MAX: room for a train of fragments */
	uint8_t *reasm_hold;   /* fragment 1's datagram of the last reassembled message: the
				* decoded message points into it until the next one */
	size_t frag_size;      /* IP packet size of our fragments; 0: by address family */
	bool frag_off;	       /* tests: act as a peer without RFC 7383 (no announcement) */
	struct ike_secret gir_scratch;
	uint8_t cookie_secret[32]; /* RFC 7296 2.6: a secret of ours for stateless cookies */
	uint8_t cookie_version;
	bool cookie_secret_set;
	size_t cookie_threshold;
	struct ikev2_linger linger[IKEV2_LINGER_MAX];
};

/* ---- ikev2_sa.c: objects, tables, state ---- */
struct ikev2_sa *ikev2_sa_new(struct ikev2 *e, bool initiator, const struct ike_path *path);
void ikev2_sa_set_state(struct ikev2_sa *sa, enum ikev2_state st);
const char *ikev2_state_name(enum ikev2_state st);
int ikev2_sa_set_rspi(struct ikev2_sa *sa, const uint8_t rspi[8]);
struct ikev2_sa *ikev2_sa_by_spi(struct ikev2 *e, const uint8_t spi[8]);
struct ikev2_sa *ikev2_sa_half_open(struct ikev2 *e, const uint8_t ispi[8],
				    const struct config_addr *remote);
void ikev2_sa_half_open_del(struct ikev2_sa *sa);
void ikev2_sa_half_open_add(struct ikev2_sa *sa);
/* Drop the SA at once: children out of the kernel (counters retired), timers, tables. */
void ikev2_sa_destroy(struct ikev2_sa *sa, const char *why);
struct ikev2_tunnel *ikev2_tunnel_get(struct ikev2 *e, uint32_t id);
void ikev2_tunnel_failed(struct ikev2_tunnel *t, const char *why);
void ikev2_tunnel_schedule_reinit(struct ikev2_tunnel *t, uint64_t delay_us);
uint64_t ikev2_now(const struct ikev2 *e);
const char *ikev2_spi_str(const struct ikev2_sa *sa, char *buf, size_t len);

/* logging: prefix "IKEv2:(SA ID = N, SPI ispi/rspi):" */
void ikev2_log(const struct ikev2_sa *sa, enum ike_log_level lvl, const char *event,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define ikev2_debug(sa, ...) ikev2_log(sa, IKE_LOG_DEBUG, NULL, __VA_ARGS__)
struct ike_trace ikev2_tracer(struct ikev2_sa *sa);

/* ---- ikev2_frag.c: IKE fragmentation (RFC 7383) ---- */
/*
 * Protect a payload chain as SKF fragments (RFC 7383 2.5) into out when the SA may fragment
 * and the SK message would exceed the fragment size: returns the length of the fragments laid
 * end to end, 0 when the message needs no fragmentation, or -errno.
 */
int ikev2_frag_seal(struct ikev2_sa *sa, const struct wire_hdr *h, const uint8_t *chain,
		    size_t chain_len, uint8_t first, uint8_t *out, size_t size);
/*
 * An SKF message for this SA whose header checks passed (message ID expected). Verifies and
 * decrypts it, stores the piece; returns true when m now holds the complete message (inner
 * payloads decoded into fragment 1's message), false when the fragment was kept or dropped.
 */
bool ikev2_frag_input(struct ikev2_sa *sa, struct wire_msg *m);
/* Fragment 1 of a retransmitted request, authentic: the whole response goes out again. */
bool ikev2_frag_verify(struct ikev2_sa *sa, const struct wire_msg *m);
/* Forget a reassembly in progress (NULL-safe on sa->reasm). */
void ikev2_frag_reset(struct ikev2_sa *sa);

/* ---- ikev2_msg.c: messages out and in ---- */
/*
 * Build and send a message of this SA. `plain` (len bytes) is a payload chain to protect in
 * SK (NULL for IKE_SA_INIT, where `outer` is the whole message). Requests are kept for
 * retransmission; responses are cached for retransmitted requests.
 */
int ikev2_send_request(struct ikev2_sa *sa, uint8_t exchange, enum ikev2_req_kind kind,
		       const uint8_t *chain, size_t chain_len, uint8_t first);
int ikev2_send_response(struct ikev2_sa *sa, uint8_t exchange, uint32_t msgid,
			const uint8_t *chain, size_t chain_len, uint8_t first);
/* Send a whole prepared message (IKE_SA_INIT) as request/response. */
int ikev2_send_raw_request(struct ikev2_sa *sa, enum ikev2_req_kind kind, const uint8_t *msg,
			   size_t len);
int ikev2_send_raw_response(struct ikev2_sa *sa, uint32_t msgid, const uint8_t *msg,
			    size_t len);
void ikev2_request_done(struct ikev2_sa *sa);
/* Encrypted-notify response to a request (error answers). */
int ikev2_send_notify_response(struct ikev2_sa *sa, uint8_t exchange, uint32_t msgid,
			       uint16_t type, const void *data, size_t len);
/* An unprotected notify answer outside any SA (IKE_SA_INIT errors). */
void ikev2_send_plain_notify(struct ikev2 *e, const struct ike_path *path,
			     const struct wire_hdr *req, uint16_t type, const void *data,
			     size_t len);
/* Start the next queued exchange (rekey, DPD, delete) when no request is in flight. */
void ikev2_kick(struct ikev2_sa *sa);
/* buf holds one IKE message, or several laid end to end (the fragments of one message): each
 * goes out as a datagram of its own, cut at its header's Length. */
int ikev2_path_send(struct ikev2 *e, const struct ike_path *path, const void *buf, size_t len);

/* ---- ikev2_init.c ---- */
int ikev2_init_start(struct ikev2_tunnel *t);
void ikev2_init_request(struct ikev2 *e, const struct ike_path *path, struct wire_msg *m);
void ikev2_init_response(struct ikev2_sa *sa, struct wire_msg *m);
/* Build the SA payload of IKE proposals / ESP transforms from the configuration. */
size_t ikev2_ike_proposals_build(struct ikev2 *e, const struct config_addr *local,
				 struct wire_proposal *props, struct wire_transform *tr,
				 struct wire_attr *attrs, size_t max_props, const uint8_t *spi,
				 size_t spi_len);
bool ikev2_ike_choose(struct ikev2 *e, const struct config_addr *local,
		      const struct wire_sa *sa, uint16_t ke_group, struct ikev2_ike_alg *ret,
		      uint8_t *ret_propnum, uint16_t *ret_want_group);
int ikev2_keys_derive(struct ikev2_sa *sa);
/* The one-proposal SA payload of a responder: the chosen IKE transforms, the peer's number. */
void ikev2_ike_chosen_build(const struct ikev2_ike_alg *a, uint8_t num, const uint8_t *spi,
			    size_t spi_len, struct wire_proposal *p, struct wire_transform tr[4],
			    struct wire_attr *attr);

/* ---- ikev2_auth.c ---- */
int ikev2_auth_start(struct ikev2_sa *sa);
void ikev2_auth_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid);
void ikev2_auth_response(struct ikev2_sa *sa, struct wire_msg *m);

/* ---- ikev2_child.c ---- */
size_t ikev2_esp_proposals_build(const struct config_interface *tun, uint32_t spi, bool with_ke,
				 struct wire_proposal *props, struct wire_transform *tr,
				 struct wire_attr *attrs, size_t max_props, uint8_t *spi_buf);
bool ikev2_esp_choose(const struct config_interface *tun, const struct wire_sa *sa, bool with_ke,
		      struct ikev2_esp *ret, uint32_t *ret_peer_spi, uint8_t *ret_propnum);
bool ikev2_ts_is_any(const struct wire_payload *tsi, const struct wire_payload *tsr);
int ikev2_ts_add_any(struct wire_builder *b, uint8_t type);
int ikev2_child_install(struct ikev2_sa *sa, uint32_t tunnel_id, const struct ikev2_esp *esp,
			uint32_t spi_in, uint32_t spi_out, const struct ike_secret *gir,
			const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
			bool initiator_keys, struct ikev2_child **ret);
void ikev2_child_remove(struct ikev2_child *c, bool retire_counters);
/* Remove every lingering inbound SA now (engine stop, tests). */
void ikev2_linger_flush(struct ikev2 *e, bool delete_sas);
/* Install a CHILD_SA's held-back outbound SA (see out_pending); no-op without one. */
void ikev2_child_out_install(struct ikev2_child *c);
/* The old CHILD_SA of a rekey goes: its successors' outbound SAs go in first. */
void ikev2_child_out_install_tunnel(struct ikev2_sa *sa, uint32_t tunnel_id);
struct ikev2_child *ikev2_child_by_spi_out(struct ikev2_sa *sa, uint32_t spi_out);
struct ikev2_child *ikev2_child_by_spi_in(struct ikev2_sa *sa, uint32_t spi_in);
void ikev2_child_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid);
void ikev2_child_response(struct ikev2_sa *sa, struct wire_msg *m);
int ikev2_child_rekey_start(struct ikev2_sa *sa);
int ikev2_ike_rekey_start(struct ikev2_sa *sa);
void ikev2_child_timers_arm(struct ikev2_child *c);
const char *ikev2_esp_str(const struct ikev2_esp *esp, char *buf, size_t len);

/* ---- ikev2_info.c ---- */
void ikev2_info_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid);
void ikev2_info_response(struct ikev2_sa *sa, struct wire_msg *m);
int ikev2_delete_ike_start(struct ikev2_sa *sa);
int ikev2_delete_child_start(struct ikev2_sa *sa, struct ikev2_child *c);
int ikev2_dpd_start(struct ikev2_sa *sa);
void ikev2_dpd_arm(struct ikev2_sa *sa);
void ikev2_natka_arm(struct ikev2_sa *sa);
uint64_t ikev2_retransmit_delay(const struct ikev2_sa *sa, int tries);
int ikev2_retransmit_tries(const struct ikev2_sa *sa);

/* Established: children up, timers armed, tunnel bound, log "tunnel-up". */
void ikev2_sa_established(struct ikev2_sa *sa);
/* The key export hook (env.export_keys; nothing when it is NULL): an established IKE SA's SK_e/SK_a,
 * one direction of a CHILD_SA exactly as it went to the kernel. */
void ikev2_export_ike(struct ikev2_sa *sa);
void ikev2_export_esp(struct ikev2 *e, const struct ike_kernel_sa *ks);

#endif /* IKEGW_IKEV2_INTERNAL_H */
