/*
 * The tunnels' kernel objects, kept in step with the configuration: plan every `interface
 * TunnelN`, build the ones that are new or changed, tear down the ones that went away, leave
 * the rest untouched, and keep our nftables table's peers and MSS clamps current.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_internal.h"

static void tunnel_log(struct gw *gw, int prio, const struct config_interface *ifc,
		       const char *event, const char *what, const char *arg)
{
	char peer[CONFIG_ADDR_STRLEN];
	struct gw_log_fields f = {
		.tunnel = ifc->name,
		.peer = ifc->destination.family
				? config_addr_str(&ifc->destination, peer, sizeof(peer))
				: NULL,
		.event = event,
	};

	gw_log(&gw->log, prio, &f, "%s%s", what, arg);
}

int gw_tunnels_plan(struct gw *gw, const struct config *cfg, struct gw_tunnel **ret, size_t *ret_n)
{
	struct gw_tunnel *v = calloc(cfg->n_tunnels + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		struct kernel_error err = { 0 };
		int r;

		v[i].iface = cfg->tunnels[i];
		r = kernel_tunnel_plan(cfg, cfg->tunnels[i], &v[i].plan, &err);
		if (r == -ENOMEM) {
			gw_tunnels_free(v, i);
			return r;
		}
		v[i].planned = r == 0;
		if (r < 0)
			tunnel_log(gw, LOG_ERR, cfg->tunnels[i], "tunnel-setup-failed",
				   "cannot set the tunnel up: ", err.msg);
	}
	*ret = v;
	*ret_n = cfg->n_tunnels;
	return 0;
}

void gw_tunnels_free(struct gw_tunnel *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		kernel_tunnel_plan_free(&v[i].plan);
	free(v);
}

void gw_tunnel_build(struct gw *gw, struct gw_tunnel *t)
{
	struct kernel_error err = { 0 };

	t->ready = false;
	if (!t->planned)
		return;
	if (kernel_tunnel_setup(gw->kernel, &t->plan, &err) < 0) {
		tunnel_log(gw, LOG_ERR, t->iface, "tunnel-setup-failed",
			   "cannot set the tunnel up: ", err.msg);
		return;
	}
	t->ready = true;
	tunnel_log(gw, LOG_INFO, t->iface, NULL, "VTI set up: ", t->plan.link.name);
}

void gw_tunnel_destroy(struct gw *gw, const struct gw_tunnel *t)
{
	struct kernel_error err = { 0 };

	if (!t->planned)
		return;
	if (kernel_tunnel_teardown(gw->kernel, t->plan.tunnel_id, t->plan.link.name, &err) < 0)
		tunnel_log(gw, LOG_ERR, t->iface, NULL, "cannot tear the tunnel down: ", err.msg);
	else
		tunnel_log(gw, LOG_INFO, t->iface, NULL, "VTI torn down: ", t->plan.link.name);
}

static struct gw_tunnel *find(struct gw_tunnel *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].iface->name, name) == 0)
			return &v[i];
	return NULL;
}

/* Whether the SAs of the old tunnel cannot serve the new one: other endpoints or selectors. */
static bool endpoints_changed(const struct kernel_tunnel_plan *a,
			      const struct kernel_tunnel_plan *b)
{
	return a->id != b->id || a->inner_family != b->inner_family ||
	       a->link.family != b->link.family ||
	       memcmp(&a->link.local, &b->link.local, sizeof(a->link.local)) != 0 ||
	       memcmp(&a->link.remote, &b->link.remote, sizeof(a->link.remote)) != 0;
}

void gw_tunnels_diff(struct gw *gw, struct gw_tunnel *next, size_t n_next)
{
	for (size_t i = 0; i < n_next; i++) {
		struct gw_tunnel *t = &next[i];
		struct gw_tunnel *old = find(gw->tunnels, gw->n_tunnels, t->iface->name);

		if (old && old->planned && t->planned && old->ready &&
		    kernel_tunnel_plan_equal(&old->plan, &t->plan)) {
			t->ready = true; /* unchanged: untouched */
			continue;
		}
		/* Changed endpoints: the old policies and SAs go with the old link. Otherwise the
		 * link is rebuilt, the policies replaced in place, and the SAs stay. */
		if (old && old->planned && (!t->planned || endpoints_changed(&old->plan, &t->plan)))
			gw_tunnel_destroy(gw, old);
		gw_tunnel_build(gw, t);
	}
}

void gw_nft_apply(struct gw *gw)
{
	struct kernel_tunnel_plan *plans = calloc(gw->n_tunnels + 1, sizeof(*plans));
	struct kernel_error err = { 0 };
	size_t n = 0;

	if (!plans) {
		gw_log(&gw->log, LOG_ERR, NULL, "nftables: out of memory");
		return;
	}
	gw_peers_before_nft(gw);
	for (size_t i = 0; i < gw->n_tunnels; i++)
		if (gw->tunnels[i].planned)
			plans[n++] = gw->tunnels[i].plan; /* shallow: routes are not used */
	if (kernel_nft_apply(plans, n, &err) < 0)
		gw_log(&gw->log, LOG_ERR, NULL, "cannot set up our nftables table: %s", err.msg);
	free(plans);
}
