/*
 * Inside the IKEv1 engine: ISAKMP SAs (phase 1), Quick Mode negotiations (phase 2), the IPsec
 * SAs of each tunnel, and the helpers the exchange files (main, quick, info) share.
 *
 * Ownership differs from IKEv2 on purpose: an IPsec SA belongs to its tunnel, not to the
 * ISAKMP SA that negotiated it (IKEv1 IPsec SAs outlive their ISAKMP SA, as on IOS).
 */
#ifndef IKEGW_IKEV1_INTERNAL_H
#define IKEGW_IKEV1_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ike.h"
#include "ike_crypto.h"
#include "ike_internal.h"
#include "ike_timer.h"
#include "ikev1.h"
#include "wire.h"

#define IKEV1_NONCE_LEN 32
#define IKEV1_MSG_MAX 65535
#define IKEV1_MAX_CHILDREN 4 /* per tunnel: current + ones being replaced */
#define IKEV1_MAX_QM 4	     /* Quick Mode negotiations in flight per ISAKMP SA */
#define IKEV1_RETRANSMIT_BASE_US 2000000ull
#define IKEV1_RETRANSMIT_TRIES 5 /* 2+4+8+16+32 s, then give up */
#define IKEV1_REINIT_MIN_US 5000000ull
#define IKEV1_REINIT_MAX_US 60000000ull
#define IKEV1_HALF_OPEN_US 60000000ull
#define IKEV1_OLD_CHILD_US 5000000ull /* a replaced IPsec SA's grace before its Delete */
#define IKEV1_NATKA_DEFAULT_S 20
#define IKEV1_DPD_TRIES 5 /* IOS: 5 unanswered R-U-THERE, then the peer is dead */
#define IKEV1_CONN_ID_BASE 1000 /* IOS prints conn-ids from 1001 */

/* Phase 1 states; the IOS names come from ikev1_state_name(). */
enum ikev1_state {
	IKEV1_S_MM_I1,	 /* initiator: MM1 sent */
	IKEV1_S_MM_R2,	 /* responder: MM2 sent */
	IKEV1_S_MM_I3,	 /* initiator: MM3 sent */
	IKEV1_S_MM_R4,	 /* responder: MM4 sent */
	IKEV1_S_MM_I5,	 /* initiator: MM5 sent */
	IKEV1_S_AM_I1,	 /* initiator: AM1 sent */
	IKEV1_S_AM_R2,	 /* responder: AM2 sent */
	IKEV1_S_P1_DONE, /* QM_IDLE */
	IKEV1_S_DELETED, /* Delete sent or received; freed by its timer */
	IKEV1_S_COUNT,
};

/* The negotiated phase 1 algorithms (IKEv2 IDs: WIRE_ENCR_*, WIRE_PRF_HMAC_* for the hash). */
struct ikev1_p1_alg {
	uint16_t encr, key_bits, prf, dh;
	enum config_auth auth;
	uint32_t lifetime_s;
};

/* The negotiated ESP transform (IKEv2 IDs as the kernel seam wants them). */
struct ikev1_esp {
	uint16_t encr, key_bits, integ;
	uint16_t pfs; /* Quick Mode PFS group, 0 without */
	bool udp_encap;
	uint32_t lifetime_s;
	uint64_t lifetime_kb;
};

/* One IPsec SA pair of a tunnel. */
struct ikev1_child {
	bool used;
	bool installed;
	bool replaced; /* a newer pair took over: deleted after a grace period */
	bool initiator; /* we ran the Quick Mode that created it */
	uint32_t spi_in, spi_out;
	struct config_addr local, remote; /* outer addresses (the ISAKMP SA's, NAT included) */
	struct ikev1_esp esp;
	uint64_t established_us;
	struct ike_timer rekey_timer;
	struct ike_timer expire_timer; /* hard lifetime, or the grace after being replaced */
	struct ikev1_tunnel *t;
};

/* One Quick Mode exchange in flight (both roles), keyed by message ID. */
struct ikev1_qm {
	bool used;
	bool initiator;
	uint32_t msgid;
	uint32_t tunnel_id;
	uint8_t iv[16];
	uint8_t ni[IKEV1_NONCE_LEN], nr[IKEV1_NONCE_LEN];
	size_t ni_len, nr_len;
	struct ike_dh *dh;
	uint32_t spi_in, spi_out;
	struct ikev1_esp esp;
	bool done; /* responder: QM3 received; initiator: QM3 sent (kept for retransmissions) */
	struct ike_secret pfs_secret; /* responder: g^xy(qm) until the outbound SA goes in */
	uint8_t *last_out, *last_in;
	size_t last_out_len, last_in_len;
	int tries;
	struct ike_timer timer; /* retransmission / expiry */
	struct ikev1_sa *sa;
	struct ikev1_child *replaces; /* rekey: the pair this one supersedes */
};

struct ikev1_sa {
	struct ikev1 *e;
	uint64_t id;	  /* conn-id: unique, increasing */
	enum ikev1_state state;
	bool initiator;
	bool aggressive;
	uint8_t icky[8], rcky[8];
	struct ike_path path;
	bool nat_local, nat_remote, natt; /* NAT-T: RFC 3947 both sides, NAT seen */
	bool peer_natt, peer_dpd;	  /* vendor IDs the peer sent */
	struct ikev1_sa *next_ours, *next_peer; /* hash chains: our cookie, peer's icky */
	struct ikev1_sa *prev_all, *next_all;
	bool in_ours, in_peer;

	uint32_t tunnel_id; /* the tunnel this SA serves (0: not yet bound) */
	struct ike_profile prof;
	bool prof_bound;
	const struct pki_trustpoint *sign_tp;

	struct ikev1_p1_alg alg;
	uint8_t *sai_b; /* the initiator's SA payload body (generic header excluded) */
	size_t sai_b_len;
	struct ike_dh *dh;
	uint8_t gxi[512], gxr[512];
	size_t gxi_len, gxr_len;
	uint8_t ni[256], nr[256];
	size_t ni_len, nr_len;
	struct ike_secret gxy;
	struct ike_v1_keys keys;
	bool have_keys;
	uint8_t iv[16];	   /* the phase 1 CBC state */
	uint8_t p1_last[16]; /* the last phase 1 ciphertext block: phase 2 IVs derive from it */
	char psk_src[64];    /* where the pre-shared key came from, for logs */
	struct ike_secret psk;
	char local_id[128], remote_id[128];
	uint8_t peer_id_body[512]; /* IDii_b / IDir_b of the peer */
	size_t peer_id_len;
	/* CERT_REQs of the peer, in order, kept until MM5/MM6 is built: [enc][len16][data]... */
	uint8_t *cr_blob;
	size_t cr_len;

	/* the last message we sent and the last we got: retransmissions both ways */
	uint8_t *last_out;
	size_t last_out_len;
	uint8_t *last_in;
	size_t last_in_len;
	int tries;
	struct ike_timer retransmit_timer;

	struct ikev1_qm qm[IKEV1_MAX_QM];

	uint64_t established_us;
	uint64_t last_in_us;
	uint32_t dpd_seq, dpd_seq_peer;
	int dpd_outstanding;
	uint64_t dpd_last_decaps;
	uint64_t dpd_sent_us; /* when R-U-THERE dpd_seq went out */
	struct ike_timer life_timer; /* half-open timeout, then lifetime (rekey/expire) */
	struct ike_timer dpd_timer;
	struct ike_timer delete_timer;
	struct ike_timer natka_timer;
};

/* Per-tunnel state that outlives ISAKMP SAs. */
struct ikev1_tunnel {
	uint32_t id;
	const struct config_interface *cfg;
	struct ike_profile prof; /* the tunnel's isakmp profile (v1 NULL: none) */
	struct ikev1 *e;
	struct ikev1_sa *sa;   /* the ISAKMP SA in use */
	struct ikev1_sa *nego; /* the ISAKMP SA we are initiating for it */
	struct ikev1_child children[IKEV1_MAX_CHILDREN];
	struct ike_kernel_counters retired_in, retired_out;
	uint64_t last_rekey_us, rekeys;
	uint64_t dpd_rtt_us; /* R-U-THERE to its ACK (each has its own sequence number); 0: none */
	unsigned failures;
	bool want_qm; /* start Quick Mode when the ISAKMP SA is up */
	struct ike_timer reinit_timer;
};

struct ikev1 {
	struct ike_env env;
	const struct config *cfg;
	const struct pki_store *store;
	bool debug;
	bool debug_pki; /* `debug crypto pki` */
	uint64_t next_id;
	struct ike_timers timers;
	struct ikev1_sa **by_ours, **by_peer;
	size_t nbuckets, n_sas;
	struct ikev1_sa *all_head, *all_tail;
	struct ikev1_tunnel *tunnels;
	size_t n_tunnels;
	struct wire_msg *msg; /* decode scratch */
	uint8_t *plain;	      /* decrypt scratch, IKEV1_MSG_MAX */
	uint8_t *out;	      /* encode scratch, IKEV1_MSG_MAX */
	uint8_t *chain;	      /* plaintext chain scratch, IKEV1_MSG_MAX */
};

/* ---- ikev1_sa.c ---- */
struct ikev1_sa *ikev1_sa_new(struct ikev1 *e, bool initiator, const struct ike_path *path);
void ikev1_sa_set_state(struct ikev1_sa *sa, enum ikev1_state st);
const char *ikev1_state_name(const struct ikev1_sa *sa); /* IOS: MM_SA_SETUP, QM_IDLE ... */
struct ikev1_sa *ikev1_sa_find(struct ikev1 *e, const struct wire_hdr *h,
			       const struct config_addr *remote);
void ikev1_sa_set_rcky(struct ikev1_sa *sa, const uint8_t rcky[8]);
/* The responder indexes the initiator's cookie (MM1/AM1 retransmissions find the SA). */
void ikev1_sa_index_peer(struct ikev1_sa *sa);
void ikev1_sa_destroy(struct ikev1_sa *sa, const char *why);
struct ikev1_tunnel *ikev1_tunnel_get(struct ikev1 *e, uint32_t id);
void ikev1_tunnel_failed(struct ikev1_tunnel *t, const char *why);
void ikev1_tunnel_schedule_reinit(struct ikev1_tunnel *t, uint64_t delay_us);
uint64_t ikev1_now(const struct ikev1 *e);
const char *ikev1_cookie_str(const struct ikev1_sa *sa, char *buf, size_t len);
void ikev1_log(const struct ikev1_sa *sa, enum ike_log_level lvl, const char *event,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define ikev1_debug(sa, ...) ikev1_log(sa, IKE_LOG_DEBUG, NULL, __VA_ARGS__)
struct ike_trace ikev1_tracer(struct ikev1_sa *sa);

/* ---- ikev1_msg.c: protection, sending, retransmission ---- */
/* Send a message of phase 1 built in e->out (len bytes) and keep it for retransmission
 * (expect_reply: retransmit on a timer until the peer answers). */
int ikev1_send_p1(struct ikev1_sa *sa, size_t len, bool expect_reply);
int ikev1_path_send(struct ikev1 *e, const struct ike_path *path, const void *buf, size_t len);
int ikev1_sa_send(struct ikev1_sa *sa, const void *buf, size_t len);
/* An SA payload of the IPsec DOI (SIT_IDENTITY_ONLY) with these proposals; a KE payload. */
int ikev1_add_sa(struct wire_builder *b, struct wire_proposal *props, uint16_t n);
int ikev1_add_ke(struct wire_builder *b, const uint8_t *data, size_t len);
/*
 * Encrypt a payload chain (e->chain, chain_len bytes, first payload type `first`) into e->out
 * as a whole message with this header, CBC with the given IV state (updated). Returns the
 * message length or -errno.
 */
int ikev1_seal(struct ikev1_sa *sa, const struct wire_hdr *h, uint8_t first, size_t chain_len,
	       uint8_t *iv);
/*
 * Decrypt the body of a decoded message (m->enc) with a copy of iv and decode the inner
 * payloads; on success *ret_iv_next holds the IV state after it (commit it only once the
 * message authenticated). Returns 0 or -EBADMSG.
 */
int ikev1_open(struct ikev1_sa *sa, struct wire_msg *m, const uint8_t *iv, uint8_t *ret_iv_next);
/* The payload's body (after the generic header) as the hashes want it. */
struct ike_buf ikev1_body(const struct wire_payload *p);
/* Is this the retransmission of the last message we got? Then the last answer goes again. */
bool ikev1_is_retransmit(struct ikev1_sa *sa, const uint8_t *buf, size_t len);
void ikev1_remember_in(struct ikev1_sa *sa, const uint8_t *buf, size_t len);
void ikev1_retransmit_stop(struct ikev1_sa *sa);
/* An informational exchange (Delete, notify, DPD) protected by the ISAKMP SA. */
int ikev1_send_info(struct ikev1_sa *sa, const uint8_t *chain, size_t chain_len, uint8_t first);
/* An unprotected notify outside an established SA (phase 1 errors). */
void ikev1_send_plain_notify(struct ikev1 *e, const struct ike_path *path, const uint8_t icky[8],
			     const uint8_t rcky[8], uint16_t type);

/* ---- ikev1_prop.c: phase 1 and phase 2 proposals ---- */
size_t ikev1_p1_proposal_build(struct ikev1 *e, enum config_auth only, struct wire_proposal *p,
			       struct wire_transform *tr, struct wire_attr *attrs, size_t max);
bool ikev1_p1_choose(struct ikev1 *e, const struct wire_sa *sa, struct ikev1_p1_alg *ret,
		     const struct wire_proposal **ret_prop, const struct wire_transform **ret_tr);
size_t ikev1_esp_proposals_build(const struct config *cfg, const struct config_interface *tun, uint32_t spi, bool natt,
				 uint8_t *spi_buf, struct wire_proposal *props,
				 struct wire_transform *tr, struct wire_attr *attrs, size_t max);
bool ikev1_esp_choose(const struct config *cfg, const struct config_interface *tun, const struct wire_sa *sa, bool natt,
		      struct ikev1_esp *ret, uint32_t *ret_peer_spi,
		      const struct wire_proposal **ret_prop, const struct wire_transform **ret_tr);
/* Attributes of a chosen transform, rebuilt for the responder's answer. */
void ikev1_esp_chosen_build(const struct ikev1_esp *esp, uint8_t propnum, uint8_t trnum,
			    uint32_t spi, uint8_t *spi_buf, struct wire_proposal *p,
			    struct wire_transform *tr, struct wire_attr *attrs);
uint16_t ikev1_prf_of_hash(uint16_t v1_hash);
const char *ikev1_p1_alg_str(const struct ikev1_p1_alg *a, char *buf, size_t len);
const char *ikev1_esp_str(const struct ikev1_esp *esp, char *buf, size_t len);
uint16_t ikev1_pfs_group(const struct config_interface *tun);

/* ---- ikev1_main.c: Main and Aggressive Mode ---- */
int ikev1_p1_start(struct ikev1_tunnel *t);
void ikev1_p1_input(struct ikev1 *e, struct ikev1_sa *sa, const struct ike_path *path,
		    struct wire_msg *m, const uint8_t *buf, size_t len);
void ikev1_p1_established(struct ikev1_sa *sa);

/* ---- ikev1_quick.c ---- */
int ikev1_qm_start(struct ikev1_sa *sa, struct ikev1_tunnel *t, struct ikev1_child *replaces);
void ikev1_qm_input(struct ikev1_sa *sa, struct wire_msg *m);
void ikev1_qm_free(struct ikev1_qm *q);
void ikev1_child_remove(struct ikev1_child *c, bool send_delete);
struct ikev1_child *ikev1_child_current(struct ikev1_tunnel *t);
void ikev1_child_counters(struct ikev1_child *c, struct ike_kernel_counters *in,
			  struct ike_kernel_counters *out);
/* (Re)arm a child's rekey and expiry timers (after install, or a move to a new tunnel array). */
void ikev1_child_timers_arm(struct ikev1_child *c);

/* ---- ikev1_info.c ---- */
/* False when the message deleted the ISAKMP SA (sa is freed). */
bool ikev1_info_input(struct ikev1_sa *sa, struct wire_msg *m);
int ikev1_delete_p1(struct ikev1_sa *sa);
int ikev1_delete_child(struct ikev1_sa *sa, uint32_t spi_in);
void ikev1_dpd_arm(struct ikev1_sa *sa);
void ikev1_natka_arm(struct ikev1_sa *sa);
/* A tunnel's ISAKMP SA (to send Deletes on), or NULL. */
struct ikev1_sa *ikev1_tunnel_sa(struct ikev1_tunnel *t);

#endif /* IKEGW_IKEV1_INTERNAL_H */
