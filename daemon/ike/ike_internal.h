/*
 * Helpers shared inside the ike library: formatted trace lines, address comparisons and a
 * version-independent view of a profile's trust-points and match rules.
 */
#ifndef IKEGW_IKE_INTERNAL_H
#define IKEGW_IKE_INTERNAL_H

#include "ike.h"

#define IKE_LINE_MAX 1024

void ike_tracef(const struct ike_trace *tr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A `debug crypto pki` line (tr->pki_line), nothing when that category is off. */
void ike_pki_tracef(const struct ike_trace *tr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

bool ike_addr_equal(const struct config_addr *a, const struct config_addr *b);
bool ike_prefix_contains(const struct config_prefix *p, const struct config_addr *a);

/* Compat mode: `crypto compat ios`. */
static inline bool ike_compat(const struct config *cfg)
{
	return cfg && cfg->compat_ios;
}

/*
 * Trust-points a profile names for a purpose: IKEv1 `ca trust-point` (both); IKEv2
 * `pki trustpoint` filtered by usage (sign: both|sign, verify: both|verify).
 * Fills up to max resolved trust-point names and returns the count.
 */
enum ike_tp_purpose {
	IKE_TP_SIGN,
	IKE_TP_VERIFY,
};
size_t ike_profile_tp_names(const struct ike_profile *p, enum ike_tp_purpose purpose,
			    const char **ret_names, size_t max);
bool ike_profile_has_tp(const struct ike_profile *p, enum ike_tp_purpose purpose, const char *name);

void ike_profile_matches(const struct ike_profile *p, const struct config_match_identity **ret,
			 size_t *ret_n);
bool ike_profile_is_set(const struct ike_profile *p);
/* The profile (of the tunnel's IKE version) protecting a tunnel; version 0 when none. */
struct ike_profile ike_tunnel_profile(const struct config_interface *tun);
bool ike_profile_equal(const struct ike_profile *a, const struct ike_profile *b);

/* Profiles of one version, in definition order. */
size_t ike_profile_count(const struct config *cfg, enum ike_version v);
struct ike_profile ike_profile_at(const struct config *cfg, enum ike_version v, size_t i);
/*
 * Can the profile bind this peer before its identity is known? It protects a tunnel towards
 * the peer's address, or one of its `match identity` address rules covers that address.
 */
bool ike_profile_can_match_peer(const struct config *cfg, const struct ike_profile *p,
				const struct ike_endpoints *ep);
/* Could one identity match both rules (the overlap warning of --check)? */
bool ike_match_overlap(const struct config_match_identity *a,
		       const struct config_match_identity *b);

#endif
