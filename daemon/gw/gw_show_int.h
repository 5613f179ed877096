/*
 * Shared by the show commands (gw_show.c), the diagnosis (gw_diag.c) and the metrics
 * (gw_metrics.c): one copy of both engines' SAs and the per-tunnel counters built from it.
 */
#ifndef IKEGW_GW_SHOW_INT_H
#define IKEGW_GW_SHOW_INT_H

#include "gw_show.h"

/* A copy of the engines' state (their infos are valid during the callback only). */
struct sa_copy {
	struct ike_sa_info info; /* children and strings point at the copies (gw_sa_list_get) */
	char state[32], profile[128];
	struct ike_child_info *children;
};

struct sa_list {
	struct sa_copy *v;
	size_t n;
	bool nomem;
	uint8_t version; /* of the engine being walked: tags every copy */
};

/* Every SA of both engines: IKEv1's ISAKMP SAs, then IKEv2's IKE SAs. 0 or -ENOMEM. */
int gw_sa_list_get(const struct gw_show_ctx *c, struct sa_list *ret);
void gw_sa_list_free(struct sa_list *l);

/* The counters of tunnel t; sas (may be NULL) gets one JSON object per CHILD_SA. */
void gw_tunnel_counters_get(const struct gw_show_ctx *c, const struct sa_list *l,
			    const struct config_interface *t, struct gw_tunnel_counters *ret,
			    struct json_object *sas);

/* An address as a JSON string; NULL (JSON null) when family is 0. */
struct json_object *gw_addr_json(const struct config_addr *a);

/* The IPsec profile's IKE profile name (IKEv2 or ISAKMP), or NULL. */
const char *gw_tunnel_profile(const struct config_interface *t);

#endif /* IKEGW_GW_SHOW_INT_H */
