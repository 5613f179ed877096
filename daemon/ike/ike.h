/*
 * ikegw selection rules shared by the IKEv1/IKEv2 engines and the simulator: CERTREQ lists,
 * first-match certificate choice, profile selection, validation list, child SA check. Pure
 * functions over config + PKI that never log: they trace IOS `debug crypto` lines through a
 * callback (the caller adds its cookie/SPI prefix). docs/differences-from-ios.md: the modes.
 */
#ifndef IKEGW_IKE_H
#define IKEGW_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "pki.h"

/* ---- trace ------------------------------------------------------------------------------ */

/* Debug lines: text without prefix or newline, e.g. "Choosing trustpoint IOSCA1 as issuer". */
struct ike_trace {
	void (*line)(void *ctx, const char *text);
	void *ctx;
	/* Optional: `debug crypto pki` lines (CRYPTO_PKI: ...), NULL when that category is off. */
	void (*pki_line)(void *ctx, const char *text);
};

/* ---- common types ----------------------------------------------------------------------- */

enum ike_version {
	IKE_V1 = 1,
	IKE_V2 = 2,
};

/*
 * A profile of either version. IKEv1: v1 NULL means "no isakmp profile" (global settings,
 * every trust-point); IKEv2 sessions always have a profile.
 */
struct ike_profile {
	enum ike_version version;
	const struct config_isakmp_profile *v1;
	const struct config_ikev2_profile *v2;
};

/* Name of the profile, or "(none)". */
const char *ike_profile_name(const struct ike_profile *p);

/* The two IKE endpoints of a negotiation as seen from our side. local may have family 0. */
struct ike_endpoints {
	struct config_addr local;
	struct config_addr remote;
};

/*
 * A peer identity (IKEv1 ID payload at MM5/MM6, IKEv2 IDi/IDr). ADDRESS uses addr; the others
 * use value, NUL-terminated text (DN: the IOS text form of the subject). The engine turning a
 * wire ID into this must refuse IDs with embedded NUL bytes.
 */
struct ike_id {
	enum config_id_type type;
	struct config_addr addr;
	const char *value;
};

#define IKE_ID_STRLEN 256
/* "192.168.0.1", "R1.cisco.com", ... (truncated to len). */
const char *ike_id_str(const struct ike_id *id, char *buf, size_t len);
/* IOS type names: "IPv4 address", "IPv6 address", "FQDN", "email", "DN", "key ID". */
const char *ike_id_type_name(const struct ike_id *id);

struct wire_id;
/*
 * A received ID payload as an ike_id, text stored in buf (len bytes). false: unusable (an
 * address of the wrong length, an empty or NUL-containing name, a DN that does not parse, a
 * type the rules do not know).
 */
bool ike_id_from_wire(const struct wire_id *w, struct ike_id *id, char *buf, size_t len);

/*
 * IKEv1 pre-shared key for a peer address: the profile's keyring when it names one, else the
 * global `crypto isakmp key`s and every keyring usable on ep->local; the longest prefix wins.
 * where gets "keyring NAME, line N" / "crypto isakmp key, line N". NULL when none.
 */
const char *ike_v1_psk(const struct config *cfg, const struct ike_profile *prof,
		       const struct ike_endpoints *ep, char *where, size_t len);

/* ---- CERTREQ ---------------------------------------------------------------------------- */

/* Where a CERTREQ list is sent. */
enum ike_certreq_point {
	IKE_CERTREQ_V1_MM3,	  /* IKEv1 initiator: the profile's ca trust-points, or all */
	IKE_CERTREQ_V1_MM4,	  /* IKEv1 responder: all (profile unknown until MM5) */
	IKE_CERTREQ_V2_SA_INIT_I, /* IKEv2 IKE_SA_INIT request: none */
	IKE_CERTREQ_V2_SA_INIT_R, /* IKEv2 IKE_SA_INIT response: all */
	IKE_CERTREQ_V2_AUTH_I,	  /* IKEv2 IKE_AUTH request: the profile's trust-points, or all */
};

/*
 * The trust-points whose issuing CA (pki_tp_ca(tp, 0)) we request, in payload order; only
 * trust-points with CA material give entries. prof: the initiator's profile (MM3, AUTH_I),
 * ignored for responders. ep: needed by responders outside compat mode, which put first the
 * trust-points of the profiles that can match this peer (docs/differences-from-ios.md).
 * ret_tps holds max entries (pki_store_count(store) is always enough); *ret_n gets the count.
 * IKEv1 traces "constructing CERT_REQ for issuer <CA DN>" per entry.
 * Returns 0, or -ENOSPC when max is too small.
 */
int ike_certreq_build(const struct config *cfg, const struct pki_store *store,
		      enum ike_certreq_point point, const struct ike_profile *prof,
		      const struct ike_endpoints *ep, const struct ike_trace *tr,
		      const struct pki_trustpoint **ret_tps, size_t max, size_t *ret_n);

#define IKE_CERT_X509_SIGNATURE 4 /* IKEv1 certificate type / IKEv2 certificate encoding */

/* One received CERTREQ entry: IKEv1: a CA's DER Name; IKEv2: one 20-octet SHA-1 SPKI hash. */
struct ike_certreq_entry {
	uint8_t encoding;
	const uint8_t *data;
	size_t len;
};

/* The wire entry naming tp's issuing CA (data points into the store); -ENOENT without CA. */
int ike_certreq_entry_of(const struct pki_trustpoint *tp, enum ike_version v,
			 struct ike_certreq_entry *ret);

/*
 * First-match: walk the received entries in order and take the first that names a trust-point
 * holding a router certificate (and, when prof lists trust-points that this role signs with,
 * one of those). prof: IKEv1 initiator's profile, IKEv2 initiator's profile or responder's
 * bound profile; NULL for an IKEv1 responder (profile unknown at MM3).
 * Returns 0 with *ret_tp; -ENOENT when no entry qualifies (*ret_tp NULL: see
 * ike_cert_default()); -ENOKEY for an IKEv2 initiator whose profile has no `pki trustpoint`
 * ("Failed to build certificate payload").
 */
int ike_cert_choose(const struct config *cfg, const struct pki_store *store, enum ike_version v,
		    bool initiator, const struct ike_profile *prof,
		    const struct ike_certreq_entry *entries, size_t n, const struct ike_trace *tr,
		    const struct pki_trustpoint **ret_tp);

/*
 * Without a usable CERTREQ: the profile's first (sign) trust-point holding a certificate,
 * else the first such in store order. NULL when there is none.
 */
const struct pki_trustpoint *ike_cert_default(const struct pki_store *store,
					      const struct ike_profile *prof);

/* Trace the CERT payload we send and return the certificate (NULL: no router certificate). */
const struct pki_cert *ike_cert_payload(enum ike_version v, const struct pki_trustpoint *tp,
					const struct ike_trace *tr);

/* ---- profile selection ------------------------------------------------------------------ */

/* Does a `match identity` rule cover this identity? */
bool ike_match_identity(const struct config_match_identity *m, const struct ike_id *id);
/*
 * Specificity of a rule, larger = more specific: exact host FQDN / email / key-id 100000;
 * address prefix 1 + prefix length; domain suffix 1 + its length; any 0.
 */
unsigned ike_match_specificity(const struct config_match_identity *m);

/* Is the profile protecting a tunnel whose destination is peer (local: source, if set)? */
bool ike_profile_used_towards(const struct config *cfg, const struct ike_profile *p,
			      const struct ike_endpoints *ep,
			      const struct config_interface **ret_tunnel);

/*
 * The profile a peer identity binds to (IKEv1 responder at MM5, IKEv2 responder at IKE_AUTH):
 * the most specific matching rule wins, among equal ones the last configured (IOS). Outside
 * compat mode a profile protecting a tunnel towards this peer is preferred first.
 * Returns 0 with *ret, -ENOENT when no profile matches (ret->v1/v2 NULL).
 */
int ike_profile_select(const struct config *cfg, enum ike_version v, const struct ike_id *id,
		       const struct ike_endpoints *ep, const struct ike_trace *tr,
		       struct ike_profile *ret);

/* ---- validation and child SA ------------------------------------------------------------ */

/* The bound profile's validation list (its trust-points, or all in store order). */
size_t ike_validation_list(const struct pki_store *store, const struct ike_profile *prof,
			   const struct pki_trustpoint **ret_tps, size_t max);

/*
 * Validate the peer's certificate with the bound profile's validation list (pki_validate).
 * now 0: the current time. Returns 0 with *ret_tp (may be NULL), -EACCES with err (the
 * pki reason), -ENOMEM. Traces the IOS lines of success or failure for the version.
 */
int ike_validate_peer_cert(const struct pki_store *store, const struct ike_profile *prof,
			   const struct ike_endpoints *ep, const struct pki_cert *cert,
			   const struct pki_cert *const *chain, size_t nchain, time_t now,
			   const struct ike_trace *tr, const struct pki_trustpoint **ret_tp,
			   struct pki_error *err);

/*
 * Responder's child SA check (IKEv1 Quick Mode, IKEv2 TS): the tunnel towards the peer whose
 * ipsec profile uses the bound profile. Returns 0 with *ret_tunnel; -ENOENT when no tunnel
 * uses it (IKEv2: "Sending TS unacceptable notify"; IKEv1: "phase 2 SA policy not acceptable").
 */
int ike_child_select(const struct config *cfg, const struct ike_profile *prof,
		     const struct ike_endpoints *ep, const struct ike_trace *tr,
		     const struct config_interface **ret_tunnel);

/* ---- proposals ---------------------------------------------------------------------------- */

/*
 * IKEv2 proposals offered and accepted on a local address: those of every `crypto ikev2
 * policy` matching it, in configuration order, or the IOS default proposal when no policy is
 * configured. Returns the count (up to max).
 */
size_t ike_v2_proposals(const struct config *cfg, const struct config_addr *local,
			const struct config_ikev2_proposal **out, size_t max);
/* An ipsec profile's transform-sets in order, or the IOS defaults when it names none. */
size_t ike_transform_sets(const struct config_ipsec_profile *ip,
			  const struct config_transform_set **out, size_t max);

/* Configured algorithms as IKEv2 transform IDs (IKEv1 maps its own numbers onto these);
 * 0 for none/unsupported. ike_integ_id: the ESP/IKE integrity (HMAC-*-96/128/192/256). */
uint16_t ike_encr_id(enum config_encr e);
uint16_t ike_integ_id(enum config_hash h);
uint16_t ike_prf_id(enum config_hash h);

#endif /* IKEGW_IKE_H */
