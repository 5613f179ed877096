/*
 * Inside the simulator: the two sides of one simulated negotiation, the trace they write,
 * and the helpers both exchange simulations share (proposals, keys, identities, CERTREQ
 * lists on the wire, signatures).
 */
#ifndef IKEGW_SIM_INTERNAL_H
#define IKEGW_SIM_INTERNAL_H

#include "ike_internal.h"
#include "ike_sim.h"

struct sim;

struct sim_side {
	struct sim *sim;
	const char *name;
	const struct config *cfg;
	const struct pki_store *pki; /* may be NULL */
	struct ike_trace tr;	     /* lines "NAME: text" */
	struct ike_endpoints ep;     /* local: this side's address */

	/* what this side sent: CERTREQ list (trust-points of its CAs, payload order) */
	const struct pki_trustpoint **certreq;
	size_t n_certreq;
	/* the trust-point it signs with, and whether a received CERTREQ entry chose it */
	const struct pki_trustpoint *sign_tp;
	bool sign_tp_matched;
	struct ike_profile prof;     /* bound (responder) or configured (initiator) profile */
	char peer_id[IKE_ID_STRLEN]; /* the identity the other side sent, as text */
};

struct sim {
	struct sim_side i, r; /* initiator, responder */
	const struct config_interface *tunnel;
	time_t now;
	struct ike_sim_result *res;
};

void sim_line(struct ike_sim_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "FROM -> TO: text" */
void sim_msg(struct sim *s, const struct sim_side *from, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records the failure (the first reason is kept) and returns 0 so callers can `return`. */
int sim_fail(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline struct sim_side *sim_other(struct sim *s, const struct sim_side *side)
{
	return side == &s->i ? &s->r : &s->i;
}

/* CERTREQ: build what side sends, in wire form for the other side's version. */
int sim_certreq_send(struct sim_side *side, enum ike_certreq_point point,
		     const struct ike_profile *prof, struct ike_certreq_entry **ret_entries);
/* "cn=CA2,o=cisco,o=com (IOSCA2), cn=CA1,... (IOSCA1)" of what side sent. */
void sim_certreq_text(const struct sim_side *side, char *buf, size_t len);
/* Choose side's signing trust-point from the other side's CERTREQ; 0 or sim_fail(). */
int sim_choose_cert(struct sim *s, struct sim_side *side, enum ike_version v,
		    const struct ike_certreq_entry *entries, size_t n, bool *ret_failed);
/* The validating side checks the sender's certificate and signature; reason on failure. */
int sim_check_cert(struct sim *s, struct sim_side *validator, bool *ret_failed);
/* "IOSCA1 only" / "all trust-points (IOSCA1, IOSCA2)" */
void sim_validation_text(const struct sim_side *side, char *buf, size_t len);

/* Proposals and transforms. */
const struct config_isakmp_policy *sim_v1_policy(struct sim *s);
bool sim_v2_proposal(struct sim *s, char *buf, size_t len);
bool sim_transforms(struct sim *s, const struct config_interface *rtun, char *buf, size_t len);
const char *sim_ts_text(const struct config_ipsec_profile *ip, char *buf, size_t len);

/* Pre-shared keys. IKEv1: side's key for the other's address (prof NULL: responder, all). */
const char *sim_v1_psk(const struct sim_side *side, const struct ike_profile *prof, char *where,
		       size_t len);
/* IKEv2: the keyring peer of side's profile for the other side (address or identity). */
const struct config_ikev2_peer *sim_v2_keyring_peer(const struct sim_side *side,
						    const struct ike_id *peer_id);

/* Identities a side sends. Returns 0 or sim_fail(). */
int sim_id_v1(struct sim *s, const struct sim_side *side, struct ike_id *ret);
int sim_id_v2(struct sim *s, const struct sim_side *side, enum config_auth auth,
	      struct ike_id *ret);

/* "Tunnel1 uses isakmp profile prof1" for side's tunnels towards the other side. */
void sim_tunnels_text(const struct sim_side *side, char *buf, size_t len);

int sim_ikev1(struct sim *s);
int sim_ikev2(struct sim *s);

#endif
