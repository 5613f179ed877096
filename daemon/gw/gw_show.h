/*
 * The JSON results of the show commands (field names are a contract, product.md: add, never
 * rename), built from both engines' state (ikev1/ikev2_foreach_sa, *_tunnel_info), the kernel's
 * per-SA counters through the IKE kernel ops, the VTI link state and the configuration.
 */
#ifndef IKEGW_GW_SHOW_H
#define IKEGW_GW_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "ikev1.h"
#include "ikev2.h"
#include "pki.h"
#include "vti.h"

struct gw_show_ctx {
	const struct config *cfg;
	const struct ikev1 *ikev1; /* either may be NULL: that engine has nothing to show */
	const struct ikev2 *ikev2;
	const struct ike_kernel_ops *kops;
	const struct pki_store *pki;
	uint64_t now_us; /* CLOCK_MONOTONIC, as the engine's clock */
	/* The tunnel's VTI as the kernel has it; NULL or an error: "link" is left out. */
	int (*link)(void *ctx, const char *name, struct vti_link_info *ret);
	void *link_ctx;
};

/* IOS transform words: "esp-aes esp-sha256-hmac", "esp-256-aes esp-sha-hmac", "esp-gcm 256",
 * "esp-3des esp-md5-hmac"; unknown IDs as "esp-encr-N" / "esp-integ-N". Returns buf. */
const char *gw_ios_transform(uint16_t encr, uint16_t key_bits, uint16_t integ, char *buf,
			     size_t len);

/* Each returns a new object, or NULL when out of memory (or -ENOENT for an unknown tunnel:
 * *ret_unknown is set). */
struct json_object *gw_show_ipsec_sa(const struct gw_show_ctx *c, const char *only_tunnel,
				     bool *ret_unknown);
/* `show crypto ikev2 sa` lists the IKEv2 engine's SAs, `show crypto isakmp sa` the IKEv1
 * engine's; the same fields, with IKEv1's "hash", "conn_id" and "status" added. */
struct json_object *gw_show_ikev2_sa(const struct gw_show_ctx *c, bool detail);
struct json_object *gw_show_isakmp_sa(const struct gw_show_ctx *c, bool detail);
struct json_object *gw_show_session(const struct gw_show_ctx *c);
struct json_object *gw_show_ikev2_profiles(const struct config *cfg);
/* {"text": "..."} of pki_show_certificates / pki_show_trustpoints; "" without trust-points. */
struct json_object *gw_show_pki(const struct pki_store *store, bool certificates);

/* Counts for STATUS=: tunnels with an installed CHILD_SA, tunnels, IKE SAs (both versions). */
void gw_show_counts(const struct gw_show_ctx *c, size_t *ret_up, size_t *ret_tunnels,
		    size_t *ret_ike_sas);

#endif /* IKEGW_GW_SHOW_H */
