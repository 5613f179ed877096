/*
 * Route-based tunnels from the configuration: a pure plan per `interface TunnelN` (VTI, address,
 * MTU, policies, routes), then setup and teardown through vti/ and xfrm/, the start-up flush of
 * everything in our id range, our nftables table, and the link state for show commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "kernel_internal.h"

/* ---- the plan (pure) ---- */

static void prefix_of(const struct config_prefix *p, struct vti_prefix *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (p->addr.family != AF_INET && p->addr.family != AF_INET6)
		return;
	ret->family = p->addr.family;
	if (ret->family == AF_INET)
		ret->addr.v4 = p->addr.v4;
	else
		ret->addr.v6 = p->addr.v6;
	ret->len = p->len;
}

static void inaddr_of(const struct config_addr *a, union vti_inaddr *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (a->family == AF_INET)
		ret->v4 = a->v4;
	else if (a->family == AF_INET6)
		ret->v6 = a->v6;
}

/* Whether address a lies in the subnet of interface prefix p (host bits ignored). */
static bool in_subnet(const struct config_addr *a, const struct config_prefix *p)
{
	const uint8_t *x, *y;
	unsigned bits = p->len;

	if (a->family == 0 || a->family != p->addr.family)
		return false;
	x = a->family == AF_INET ? (const uint8_t *)&a->v4 : (const uint8_t *)&a->v6;
	y = a->family == AF_INET ? (const uint8_t *)&p->addr.v4 : (const uint8_t *)&p->addr.v6;
	for (unsigned i = 0; bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((x[i] & mask) != (y[i] & mask))
			return false;
	}
	return true;
}

static bool route_is_ours(const struct config_route *r, const struct config_interface *t)
{
	if (r->kind == CONFIG_ROUTE_INTERFACE)
		return r->iface == t || (r->ifname && strcmp(r->ifname, t->name) == 0);
	if (r->kind == CONFIG_ROUTE_NEXTHOP)
		return in_subnet(&r->nexthop, &t->ipv4) || in_subnet(&r->nexthop, &t->ipv6);
	return false;
}

static void policies_fill(struct kernel_tunnel_plan *p)
{
	static const uint8_t dirs[3] = { XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD };

	for (size_t i = 0; i < 3; i++) {
		struct xfrm_policy *pol = &p->policies[i];
		struct xfrm_policy_tmpl *t = &pol->tmpls[0];
		bool out = dirs[i] == XFRM_POLICY_OUT;

		memset(pol, 0, sizeof(*pol));
		pol->sel.family = p->inner_family;
		pol->dir = dirs[i];
		pol->action = XFRM_POLICY_ALLOW;
		pol->mark.v = p->id;
		pol->mark.m = 0xffffffff;
		pol->n_tmpls = 1;
		t->family = p->link.family;
		memcpy(&t->src, out ? &p->link.local : &p->link.remote, sizeof(p->link.local));
		memcpy(&t->dst, out ? &p->link.remote : &p->link.local, sizeof(p->link.local));
		t->proto = IPPROTO_ESP;
		t->reqid = p->id;
		t->mode = XFRM_MODE_TUNNEL;
	}
}

static int plan_fail(struct kernel_error *err, const struct config_interface *t, const char *why)
{
	if (err) {
		err->code = -EINVAL;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", t->name, why);
	}
	return -EINVAL;
}

int kernel_tunnel_plan(const struct config *cfg, const struct config_interface *t,
		       struct kernel_tunnel_plan *ret, struct kernel_error *err)
{
	struct kernel_tunnel_plan p;

	memset(&p, 0, sizeof(p));
	memset(ret, 0, sizeof(*ret));
	if (!t->is_tunnel)
		return plan_fail(err, t, "not a tunnel interface");
	if (!kernel_tunnel_id_valid(t->tunnel_number))
		return plan_fail(err, t, "tunnel numbers above 16777215 are not supported");
	if (strlen(t->name) >= IFNAMSIZ)
		return plan_fail(err, t, "the name does not fit a Linux interface name");
	if (t->source.family == 0)
		return plan_fail(err, t, "no tunnel source address");
	if (t->destination.family == 0)
		return plan_fail(err, t, "no tunnel destination");
	if (t->source.family != t->destination.family)
		return plan_fail(err, t, "tunnel source and destination of different families");

	p.tunnel_id = t->tunnel_number;
	p.id = kernel_tunnel_key(t->tunnel_number);
	snprintf(p.link.name, sizeof(p.link.name), "%s", t->name);
	p.link.family = t->source.family;
	inaddr_of(&t->source, &p.link.local);
	inaddr_of(&t->destination, &p.link.remote);
	p.link.ikey = p.link.okey = p.id;
	p.inner_family = t->mode == CONFIG_TUNNEL_IPSEC_IPV6 ? AF_INET6 : AF_INET;
	prefix_of(&t->ipv4, &p.addr4);
	prefix_of(&t->ipv6, &p.addr6);
	p.mtu = t->mtu;
	p.up = !t->shutdown;
	p.adjust_mss = t->adjust_mss > UINT16_MAX ? UINT16_MAX : (uint16_t)t->adjust_mss;
	policies_fill(&p);

	for (size_t i = 0; i < cfg->n_routes; i++) {
		const struct config_route *r = cfg->routes[i];
		struct kernel_route *kr, *v;

		if (!route_is_ours(r, t) || r->prefix.addr.family == 0)
			continue;
		v = realloc(p.routes, (p.n_routes + 1) * sizeof(*v));
		if (!v) {
			kernel_tunnel_plan_free(&p);
			kernel_err_set(err, -ENOMEM, t->name, NULL);
			return -ENOMEM;
		}
		p.routes = v;
		kr = &p.routes[p.n_routes++];
		memset(kr, 0, sizeof(*kr));
		prefix_of(&r->prefix, &kr->dst);
		if (r->nexthop.family == r->prefix.addr.family) {
			kr->has_gateway = true;
			inaddr_of(&r->nexthop, &kr->gateway);
		}
	}
	*ret = p;
	return 0;
}

void kernel_tunnel_plan_free(struct kernel_tunnel_plan *plan)
{
	free(plan->routes);
	plan->routes = NULL;
	plan->n_routes = 0;
}

bool kernel_tunnel_plan_equal(const struct kernel_tunnel_plan *a,
			      const struct kernel_tunnel_plan *b)
{
	/* Every struct compared here was zeroed before it was filled: padding compares equal. */
	if (a->tunnel_id != b->tunnel_id || a->id != b->id || a->inner_family != b->inner_family ||
	    a->mtu != b->mtu || a->up != b->up || a->n_routes != b->n_routes)
		return false;
	if (memcmp(&a->link, &b->link, sizeof(a->link)) != 0 ||
	    memcmp(&a->addr4, &b->addr4, sizeof(a->addr4)) != 0 ||
	    memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) != 0)
		return false;
	return a->n_routes == 0 ||
	       memcmp(a->routes, b->routes, a->n_routes * sizeof(*a->routes)) == 0;
}

/* ---- sysctls ---- */

/* Writes value into /proc/sys/net/FAMILY/conf/IFNAME/KEY of the current network namespace. */
static int conf_sysctl(const char *family, const char *ifname, const char *key, const char *value)
{
	char path[128];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

/* What a route-based VTI needs besides rtnetlink (kernel-lab.md): no policy check on the VTI
 * itself (its mark selects the SA) and no reverse-path filter (the effective value is the
 * maximum of `all` and the device's). */
static int vti_sysctls(const struct kernel_tunnel_plan *p, struct kernel_error *err)
{
	int r;

	if ((r = conf_sysctl("ipv4", p->link.name, "disable_policy", "1")) < 0 ||
	    (r = conf_sysctl("ipv4", p->link.name, "rp_filter", "0")) < 0 ||
	    (r = conf_sysctl("ipv4", "all", "rp_filter", "0")) < 0) {
		kernel_err_set(err, r, "sysctl net.ipv4.conf", NULL);
		return r;
	}
	if (p->inner_family == AF_INET6) {
		r = conf_sysctl("ipv6", p->link.name, "disable_policy", "1");
		if (r < 0 && r != -ENOENT) {
			kernel_err_set(err, r, "sysctl net.ipv6.conf", NULL);
			return r;
		}
	}
	return 0;
}

/* ---- setup and teardown ---- */

int kernel_tunnel_policies_apply(struct kernel *k, const struct kernel_tunnel_plan *plan,
				 struct kernel_error *err)
{
	static const char *const names[3] = { "policy out", "policy in", "policy fwd" };
	struct xfrm_error res[3] = { 0 };
	struct xfrm_batch *b = NULL;
	int r;

	r = xfrm_batch_new(&b);
	for (size_t i = 0; r == 0 && i < 3; i++)
		r = xfrm_batch_policy_update(b, &plan->policies[i]);
	if (r < 0) {
		xfrm_batch_free(b);
		kernel_err_set(err, r, "xfrm_batch", NULL);
		return r;
	}
	r = xfrm_batch_send(k->xh, b, res, 3);
	xfrm_batch_free(b);
	if (r < 0) {
		size_t i = 0;

		while (i < 2 && res[i].err == 0)
			i++;
		kernel_err_set(err, r, names[i], res[i].msg);
	}
	return r;
}

/* The link called name if it is a VTI; -ENODEV when absent, -EEXIST when not a VTI. */
static int link_lookup(struct kernel *k, const char *name, struct vti_link_info *ret,
		       struct kernel_error *err)
{
	struct vti_error verr = { 0 };
	int ifindex, r;

	r = vti_ifindex(k->vh, name, &ifindex, &verr);
	if (r == 0)
		r = vti_link_get(k->vh, ifindex, ret, &verr);
	if (r < 0) {
		kernel_err_set(err, r, "link lookup", verr.msg);
		return r;
	}
	if (!ret->is_vti) {
		if (err) {
			err->code = -EEXIST;
			snprintf(err->msg, sizeof(err->msg),
				 "a link named %s that is not a VTI exists", name);
		}
		return -EEXIST;
	}
	return 0;
}

static int link_build(struct kernel *k, const struct kernel_tunnel_plan *p, int *ret_ifindex,
		      struct kernel_error *err)
{
	struct vti_error verr = { 0 };
	const char *step = "vti_link_create";
	int ifindex = 0, r;

	r = vti_link_create(k->vh, &p->link, &verr);
	if (r == 0) {
		step = "vti_ifindex";
		r = vti_ifindex(k->vh, p->link.name, &ifindex, &verr);
	}
	if (r < 0) {
		kernel_err_set(err, r, step, verr.msg);
		return r;
	}
	*ret_ifindex = ifindex;
	r = vti_sysctls(p, err);
	if (r < 0)
		return r;
	if (p->mtu) {
		step = "vti_link_set_mtu";
		r = vti_link_set_mtu(k->vh, ifindex, p->mtu, &verr);
	}
	if (r == 0 && p->addr4.family) {
		step = "vti_addr_add (ipv4)";
		r = vti_addr_add(k->vh, ifindex, &p->addr4, &verr);
	}
	if (r == 0 && p->addr6.family) {
		step = "vti_addr_add (ipv6)";
		r = vti_addr_add(k->vh, ifindex, &p->addr6, &verr);
	}
	if (r == 0 && p->up) {
		step = "vti_link_set_up";
		r = vti_link_set_up(k->vh, ifindex, true, &verr);
	}
	if (r < 0)
		kernel_err_set(err, r, step, verr.msg);
	return r;
}

static int routes_add(struct kernel *k, const struct kernel_tunnel_plan *p, int ifindex,
		      struct kernel_error *err)
{
	for (size_t i = 0; i < p->n_routes; i++) {
		struct vti_route rt = { .dst = p->routes[i].dst, .ifindex = ifindex };
		struct vti_error verr = { 0 };
		int r;

		rt.has_gateway = p->routes[i].has_gateway;
		rt.gateway = p->routes[i].gateway;
		/* A route of a link that is down cannot be added; it comes with `no shutdown`
		 * (a reload, which rebuilds the tunnel). */
		if (!p->up)
			break;
		r = vti_route_add(k->vh, &rt, &verr);
		if (r < 0) {
			kernel_err_set(err, r, "vti_route_add", verr.msg);
			return r;
		}
	}
	return 0;
}

int kernel_tunnel_setup(struct kernel *k, const struct kernel_tunnel_plan *p,
			struct kernel_error *err)
{
	struct vti_link_info old;
	struct vti_error verr;
	int ifindex = 0, r;

	r = link_lookup(k, p->link.name, &old, err);
	if (r == -EEXIST)
		return r;
	if (r == 0) {
		r = vti_link_delete(k->vh, old.ifindex, &verr);
		if (r < 0) {
			kernel_err_set(err, r, "vti_link_delete (old link)", verr.msg);
			return r;
		}
	} else if (r != -ENODEV) {
		return r;
	}
	r = link_build(k, p, &ifindex, err);
	if (r == 0)
		r = kernel_tunnel_policies_apply(k, p, err);
	if (r == 0)
		r = routes_add(k, p, ifindex, err);
	if (r < 0) {
		/* Leave nothing half-built; err keeps the first failure. */
		if (ifindex > 0)
			vti_link_delete(k->vh, ifindex, &verr);
		xfrm_flush_owned(k->xh, p->id, p->id, NULL, NULL, NULL);
	}
	return r;
}

int kernel_tunnel_teardown(struct kernel *k, uint32_t tunnel_id, const char *name,
			   struct kernel_error *err)
{
	uint32_t id = kernel_tunnel_key(tunnel_id);
	struct xfrm_error xerr = { 0 };
	struct vti_link_info info;
	struct vti_error verr = { 0 };
	int r;

	if (!kernel_tunnel_id_valid(tunnel_id)) {
		kernel_err_set(err, -EINVAL, "teardown", NULL);
		return -EINVAL;
	}
	r = xfrm_flush_owned(k->xh, id, id, NULL, NULL, &xerr);
	if (r < 0) {
		kernel_err_set(err, r, "xfrm_flush_owned", xerr.msg);
		return r;
	}
	r = link_lookup(k, name, &info, err);
	if (r == -ENODEV || r == -EEXIST)
		return 0; /* gone already, or not ours to delete */
	if (r < 0)
		return r;
	if (info.vti.ikey != id)
		return 0;
	r = vti_link_delete(k->vh, info.ifindex, &verr);
	if (r < 0 && r != -ENODEV) {
		kernel_err_set(err, r, "vti_link_delete", verr.msg);
		return r;
	}
	return 0;
}

/* ---- our range ---- */

struct stale_links {
	int *ifindex;
	size_t n;
	bool nomem;
};

static int stale_cb(const struct vti_link_info *l, void *arg)
{
	struct stale_links *s = arg;
	int *v;

	if (!l->is_vti || !kernel_tunnel_of_id(l->vti.ikey, NULL))
		return 0;
	v = realloc(s->ifindex, (s->n + 1) * sizeof(*v));
	if (!v) {
		s->nomem = true;
		return 0;
	}
	s->ifindex = v;
	s->ifindex[s->n++] = l->ifindex;
	return 0;
}

int kernel_flush_owned(struct kernel *k, struct kernel_flush_counts *ret, struct kernel_error *err)
{
	struct kernel_flush_counts c = { 0 };
	struct stale_links s = { 0 };
	struct xfrm_error xerr = { 0 };
	struct vti_error verr = { 0 };
	int r;

	r = xfrm_flush_owned(k->xh, KERNEL_ID_BASE, KERNEL_ID_BASE + KERNEL_TUNNEL_MAX, &c.policies,
			     &c.sas, &xerr);
	if (r < 0) {
		kernel_err_set(err, r, "xfrm_flush_owned", xerr.msg);
		return r;
	}
	r = vti_link_foreach(k->vh, stale_cb, &s, &verr);
	if (r == 0 && s.nomem)
		r = -ENOMEM;
	if (r < 0) {
		free(s.ifindex);
		kernel_err_set(err, r, "vti_link_foreach", verr.msg);
		return r;
	}
	for (size_t i = 0; i < s.n; i++) {
		r = vti_link_delete(k->vh, s.ifindex[i], &verr);
		if (r < 0 && r != -ENODEV) {
			free(s.ifindex);
			kernel_err_set(err, r, "vti_link_delete", verr.msg);
			return r;
		}
		c.links += r == 0;
	}
	free(s.ifindex);
	if (ret)
		*ret = c;
	return 0;
}

/* ---- nftables and link state ---- */

int kernel_nft_apply(const struct kernel_tunnel_plan *plans, size_t n, struct kernel_error *err)
{
	struct nft_peer *peers = calloc(n + 1, sizeof(*peers));
	struct nft_mss_clamp *clamps = calloc(n + 1, sizeof(*clamps));
	struct nft_table_spec spec = { .peers = peers, .clamps = clamps };
	struct nft_error nerr = { 0 };
	int r;

	if (!peers || !clamps) {
		free(peers);
		free(clamps);
		kernel_err_set(err, -ENOMEM, "nftables", NULL);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct nft_peer peer = { .family = plans[i].link.family };
		bool dup = false;

		memcpy(&peer.addr, &plans[i].link.remote, sizeof(plans[i].link.remote));
		for (size_t j = 0; j < spec.n_peers && !dup; j++)
			dup = memcmp(&peers[j], &peer, sizeof(peer)) == 0;
		if (!dup)
			peers[spec.n_peers++] = peer;
		if (plans[i].adjust_mss) {
			snprintf(clamps[spec.n_clamps].ifname, IFNAMSIZ, "%s", plans[i].link.name);
			clamps[spec.n_clamps++].mss = plans[i].adjust_mss;
		}
	}
	r = nft_table_apply(&spec, &nerr);
	if (r < 0)
		kernel_err_set(err, r, "nftables", nerr.msg);
	free(peers);
	free(clamps);
	return r;
}

int kernel_nft_remove(struct kernel_error *err)
{
	struct nft_error nerr = { 0 };
	int r = nft_table_remove(&nerr);

	if (r < 0)
		kernel_err_set(err, r, "nftables", nerr.msg);
	return r;
}

int kernel_nft_counters(struct nft_peer_counters *ret, size_t max, size_t *ret_n,
			struct kernel_error *err)
{
	struct nft_error nerr = { 0 };
	int r = nft_counters_get(ret, max, ret_n, &nerr);

	if (r < 0)
		kernel_err_set(err, r, "nftables counters", nerr.msg);
	return r;
}

int kernel_tunnel_link(struct kernel *k, const char *name, struct vti_link_info *ret,
		       struct kernel_error *err)
{
	return link_lookup(k, name, ret, err);
}
