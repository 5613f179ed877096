/*
 * Load-time resolution of the parsed configuration: names become pointers (trust-points,
 * keyrings, proposals, transform-sets, profiles, interfaces), interface names used as
 * addresses become addresses, and every missing reference is an error naming both ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

struct config_interface *cfg_find_interface_mut(struct cfg_parser *p, const char *canonical)
{
	return cfg_named_find(p, &p->cfg->interfaces, canonical);
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* The address of interface `ifname` in `family` (0: IPv4, else IPv6); error text in err. */
static int interface_address(struct cfg_parser *p, const char *ifname, int family,
			     struct config_addr *ret, const struct config_interface **ret_if,
			     char *err, size_t errlen)
{
	const struct config_interface *ifc = cfg_find_interface_mut(p, ifname);
	const struct config_prefix *pfx;

	if (!ifc) {
		snprintf(err, errlen,
			 "%s is not defined (no 'interface %s' block gives its "
			 "address)",
			 ifname, ifname);
		return -ENOENT;
	}
	if (ifc->is_tunnel) {
		snprintf(err, errlen, "%s is a tunnel interface", ifname);
		return -EINVAL;
	}
	pfx = family == AF_INET6 ? &ifc->ipv6 : &ifc->ipv4;
	if (!pfx->addr.family) {
		if (!family && ifc->ipv6.addr.family)
			pfx = &ifc->ipv6;
		else {
			snprintf(err, errlen, "interface %s has no %s address", ifname,
				 family_name(family ? family : AF_INET));
			return -EADDRNOTAVAIL;
		}
	}
	*ret = pfx->addr;
	if (ret_if)
		*ret_if = ifc;
	return 0;
}

static void resolve_local(struct cfg_parser *p, struct config_local_address *la, const char *owner)
{
	char err[256];

	if (!la->ifname)
		return;
	if (interface_address(p, la->ifname, 0, &la->addr, NULL, err, sizeof(err)) < 0)
		cfg_error(p, la->line, "%s: local-address %s", owner, err);
}

static void resolve_tunnel(struct cfg_parser *p, struct config_interface *t)
{
	struct config *cfg = p->cfg;
	int fam = t->mode == CONFIG_TUNNEL_IPSEC_IPV6 ? AF_INET6 : AF_INET;
	const char *mode = fam == AF_INET6 ? "ipv6" : "ipv4";
	char err[256], buf[CONFIG_ADDR_STRLEN];

	if (t->source_ifname) {
		if (interface_address(p, t->source_ifname, fam, &t->source, &t->source_if, err,
				      sizeof(err)) < 0)
			cfg_error(p, t->source_line, "interface %s: tunnel source %s", t->name,
				  err);
	} else if (t->source.family && t->source.family != fam) {
		cfg_error(p, t->source_line,
			  "interface %s: tunnel source %s is not %s (tunnel mode ipsec %s)",
			  t->name, config_addr_str(&t->source, buf, sizeof(buf)), family_name(fam),
			  mode);
	}
	if (t->destination.family && t->destination.family != fam)
		cfg_error(p, t->destination_line,
			  "interface %s: tunnel destination %s is not %s (tunnel mode ipsec %s)",
			  t->name, config_addr_str(&t->destination, buf, sizeof(buf)),
			  family_name(fam), mode);
	if (t->protection_name) {
		t->protection = cfg_named_find(p, &cfg->ipsec_profiles, t->protection_name);
		if (!t->protection)
			cfg_error(p, t->protection_line,
				  "interface %s: tunnel protection ipsec profile %s is not defined",
				  t->name, t->protection_name);
	}
}

static void resolve_tp_refs(struct cfg_parser *p, struct config_tp_ref *refs, size_t n,
			    const char *owner, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		refs[i].tp = cfg_named_find(p, &p->cfg->trustpoints, refs[i].name);
		if (!refs[i].tp)
			cfg_error(p, refs[i].line, "%s: %s %s is not defined", owner, what,
				  refs[i].name);
	}
}

static void resolve_isakmp_profile(struct cfg_parser *p, struct config_isakmp_profile *pr)
{
	struct config *cfg = p->cfg;
	char owner[160];

	snprintf(owner, sizeof(owner), "crypto isakmp profile %s", pr->name);
	resolve_tp_refs(p, pr->ca_trustpoints, pr->n_ca_trustpoints, owner, "ca trust-point");
	if (pr->keyring_name) {
		pr->keyring = cfg_named_find(p, &cfg->keyrings, pr->keyring_name);
		if (!pr->keyring)
			cfg_error(p, pr->keyring_line, "%s: keyring %s is not defined", owner,
				  pr->keyring_name);
	}
	resolve_local(p, &pr->local_address, owner);
	if (pr->self_identity.type == CONFIG_ID_FQDN)
		pr->self_identity.value = cfg->fqdn;
}

static void resolve_ikev2_profile(struct cfg_parser *p, struct config_ikev2_profile *pr)
{
	struct config *cfg = p->cfg;
	char owner[160];

	snprintf(owner, sizeof(owner), "crypto ikev2 profile %s", pr->name);
	resolve_tp_refs(p, pr->trustpoints, pr->n_trustpoints, owner, "pki trustpoint");
	if (pr->keyring_name) {
		pr->keyring = cfg_named_find(p, &cfg->ikev2_keyrings, pr->keyring_name);
		if (!pr->keyring)
			cfg_error(p, pr->keyring_line, "%s: keyring %s is not defined", owner,
				  pr->keyring_name);
	}
	for (size_t i = 0; i < pr->n_match_local; i++) {
		struct config_local_address *la = &pr->match_local[i];
		char err[256];

		if (la->ifname &&
		    interface_address(p, la->ifname, 0, &la->addr, NULL, err, sizeof(err)) < 0)
			cfg_error(p, la->line, "%s: match address local interface %s", owner, err);
	}
}

static void resolve_ipsec_profile(struct cfg_parser *p, struct config_ipsec_profile *pr)
{
	struct config *cfg = p->cfg;

	for (size_t i = 0; i < pr->n_transform_sets; i++) {
		struct config_ts_ref *ref = &pr->transform_sets[i];

		ref->ts = cfg_named_find(p, &cfg->transform_sets, ref->name);
		if (!ref->ts)
			cfg_error(p, ref->line,
				  "crypto ipsec profile %s: transform-set %s is not defined",
				  pr->name, ref->name);
	}
	if (pr->isakmp_profile_name) {
		pr->isakmp_profile =
			cfg_named_find(p, &cfg->isakmp_profiles, pr->isakmp_profile_name);
		if (!pr->isakmp_profile)
			cfg_error(p, pr->isakmp_profile_line,
				  "crypto ipsec profile %s: isakmp-profile %s is not defined",
				  pr->name, pr->isakmp_profile_name);
	}
	if (pr->ikev2_profile_name) {
		pr->ikev2_profile = cfg_named_find(p, &cfg->ikev2_profiles, pr->ikev2_profile_name);
		if (!pr->ikev2_profile)
			cfg_error(p, pr->ikev2_profile_line,
				  "crypto ipsec profile %s: ikev2-profile %s is not defined",
				  pr->name, pr->ikev2_profile_name);
	}
	if (pr->isakmp_profile_name && pr->ikev2_profile_name)
		cfg_error(p,
			  pr->isakmp_profile_line > pr->ikev2_profile_line ? pr->isakmp_profile_line
									   : pr->ikev2_profile_line,
			  "crypto ipsec profile %s: set isakmp-profile and set ikev2-profile "
			  "exclude each other (a tunnel runs IKEv1 or IKEv2)",
			  pr->name);
}

static void resolve_route(struct cfg_parser *p, struct config_route *r)
{
	char buf[CONFIG_ADDR_STRLEN];

	if (r->kind != CONFIG_ROUTE_INTERFACE)
		return;
	r->iface = cfg_find_interface_mut(p, r->ifname);
	if (!r->iface)
		cfg_error(p, r->line, "%s route %s: interface %s is not defined",
			  r->prefix.addr.family == AF_INET6 ? "ipv6" : "ip",
			  config_prefix_str(&r->prefix, buf, sizeof(buf)), r->ifname);
}

static int cmp_policy(const void *a, const void *b)
{
	const struct config_isakmp_policy *x = *(struct config_isakmp_policy *const *)a;
	const struct config_isakmp_policy *y = *(struct config_isakmp_policy *const *)b;

	return x->priority < y->priority ? -1 : x->priority > y->priority;
}

#define SET_INDEX(arr, n)                                                                          \
	do {                                                                                       \
		for (size_t i_ = 0; i_ < (n); i_++)                                                \
			(arr)[i_]->index = (unsigned)i_;                                           \
	} while (0)

int cfg_resolve(struct cfg_parser *p)
{
	struct config *cfg = p->cfg;
	size_t i;

	if (cfg->hostname && cfg->domain) {
		size_t n = strlen(cfg->hostname) + strlen(cfg->domain) + 2;
		char *f = cfg_alloc(p->arena, n);

		if (!f)
			return cfg_oom(p);
		snprintf(f, n, "%s.%s", cfg->hostname, cfg->domain);
		cfg->fqdn = f;
	} else {
		cfg->fqdn = cfg->hostname;
	}
	if (cfg->n_isakmp_policies)
		qsort(cfg->isakmp_policies, cfg->n_isakmp_policies, sizeof(cfg->isakmp_policies[0]),
		      cmp_policy);
	SET_INDEX(cfg->keyrings, cfg->n_keyrings);
	SET_INDEX(cfg->isakmp_profiles, cfg->n_isakmp_profiles);
	SET_INDEX(cfg->ikev2_proposals, cfg->n_ikev2_proposals);
	SET_INDEX(cfg->ikev2_policies, cfg->n_ikev2_policies);
	SET_INDEX(cfg->ikev2_keyrings, cfg->n_ikev2_keyrings);
	SET_INDEX(cfg->ikev2_profiles, cfg->n_ikev2_profiles);
	SET_INDEX(cfg->transform_sets, cfg->n_transform_sets);
	SET_INDEX(cfg->ipsec_profiles, cfg->n_ipsec_profiles);
	SET_INDEX(cfg->trustpoints, cfg->n_trustpoints);
	SET_INDEX(cfg->interfaces, cfg->n_interfaces);

	for (i = 0; i < cfg->n_keyrings; i++) {
		char owner[160];

		snprintf(owner, sizeof(owner), "crypto keyring %s", cfg->keyrings[i]->name);
		resolve_local(p, &cfg->keyrings[i]->local_address, owner);
	}
	for (i = 0; i < cfg->n_isakmp_profiles; i++)
		resolve_isakmp_profile(p, cfg->isakmp_profiles[i]);
	for (i = 0; i < cfg->n_ikev2_policies; i++) {
		struct config_ikev2_policy *pol = cfg->ikev2_policies[i];

		for (size_t k = 0; k < pol->n_proposals; k++) {
			struct config_proposal_ref *ref = &pol->proposals[k];

			ref->proposal = cfg_named_find(p, &cfg->ikev2_proposals, ref->name);
			if (!ref->proposal)
				cfg_error(p, ref->line,
					  "crypto ikev2 policy %s: proposal %s is not defined",
					  pol->name, ref->name);
		}
	}
	for (i = 0; i < cfg->n_ikev2_profiles; i++)
		resolve_ikev2_profile(p, cfg->ikev2_profiles[i]);
	for (i = 0; i < cfg->n_ipsec_profiles; i++)
		resolve_ipsec_profile(p, cfg->ipsec_profiles[i]);
	for (i = 0; i < cfg->n_tunnels; i++)
		resolve_tunnel(p, cfg->tunnels[i]);
	for (i = 0; i < cfg->n_routes; i++)
		resolve_route(p, cfg->routes[i]);
	return p->oom ? -ENOMEM : 0;
}
