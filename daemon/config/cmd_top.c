/*
 * Top-level command table: hostname, ip domain name, ip/ipv6 route, crypto compat ios, the
 * `crypto` sub-trees of the other cmd_*.c files, and the refused families (crypto maps, VRFs,
 * routing protocols, ACLs, IOS device management) with what to use instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

const char cfg_msg_crypto_map[] =
	"policy-based crypto maps are not supported: use a VTI (interface TunnelN with tunnel "
	"protection ipsec profile)";
const char cfg_msg_vrf[] = "VRFs are not supported: configure tunnels and routes in the "
			   "global routing table";
const char cfg_msg_routing[] = "routing protocols are not part of ikegw: run FRR over the "
			       "tunnel interfaces";
const char cfg_msg_acl[] = "access lists are not supported: a VTI protects what is routed into "
			   "it (use ip route ... TunnelN); filter traffic with nftables";
const char cfg_msg_gre[] = "GRE tunnels are not supported: use tunnel mode ipsec ipv4 (a VTI)";
const char cfg_msg_dmvpn[] = "DMVPN/NHRP is not supported: configure one interface TunnelN "
			     "per peer with tunnel protection ipsec profile";
const char cfg_msg_nat[] = "NAT is not managed by ikegw: configure it with nftables";

static const char msg_mgmt[] = "IOS device management is not part of the ikegw configuration: "
			       "remove the line (manage the Linux host with its own tools)";
static const char msg_crypto_ca[] = "'crypto ca' is the legacy form of 'crypto pki': write "
				    "crypto pki trustpoint, with certificates in PEM files";
static const char msg_crypto_key[] = "IOS key pairs are not used: name the PEM private key "
				     "with private-key PATH in the crypto pki trustpoint";

void *cfg_find_named(void *arr, size_t n, const char *name)
{
	const char ***objs = arr;

	for (size_t i = 0; i < n; i++)
		if (strcmp(*objs[i], name) == 0)
			return objs[i];
	return NULL;
}

static int set_string(struct cfg_ctx *c, const char **field, const char *v)
{
	if (!v) {
		*field = NULL;
		return 0;
	}
	*field = cfg_strdup(c->p->arena, v);
	return *field ? 0 : cfg_oom(c->p);
}

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !isalpha((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static bool valid_domain(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

static int cmd_hostname(struct cfg_ctx *c)
{
	if (c->no)
		return set_string(c, &c->p->cfg->hostname, NULL);
	if (c->nargs != 1)
		return cfg_usage(c, "NAME");
	if (!valid_hostname(c->args[0]))
		return cfg_cmd_error(c,
				     "invalid host name '%s' (letters, digits, '-'; up to 63, "
				     "starting with a letter)",
				     c->args[0]);
	return set_string(c, &c->p->cfg->hostname, c->args[0]);
}

static int cmd_domain_name(struct cfg_ctx *c)
{
	if (c->no)
		return set_string(c, &c->p->cfg->domain, NULL);
	if (c->nargs != 1)
		return cfg_usage(c, "DOMAIN");
	if (!valid_domain(c->args[0]))
		return cfg_cmd_error(c, "invalid domain name '%s'", c->args[0]);
	return set_string(c, &c->p->cfg->domain, c->args[0]);
}

static int cmd_compat_ios(struct cfg_ctx *c)
{
	if (c->nargs)
		return cfg_usage(c, "");
	c->p->cfg->compat_ios = !c->no;
	return 0;
}

/* ip route PREFIX MASK (NEXTHOP | IFNAME [NEXTHOP]) [name TEXT]; ipv6 route P/L ... */
static int cmd_route(struct cfg_ctx *c)
{
	bool v6 = c->cmd->value == 6;
	const char *usage = v6 ? "PREFIX/LEN NEXTHOP|IFNAME [NEXTHOP] [name TEXT]"
			       : "PREFIX MASK NEXTHOP|IFNAME [NEXTHOP] [name TEXT]";
	struct config_route r = { .line = c->line };
	struct config *cfg = c->p->cfg;
	char ifname[96], err[160], buf[CONFIG_ADDR_STRLEN], key[256];
	struct config_route *old;
	size_t i = 0;
	int n;

	if (c->nargs < 2)
		return cfg_usage(c, usage);
	if (v6) {
		if (cfg_parse_prefix6(c->args[i++], &r.prefix) < 0)
			return cfg_cmd_error(c, "'%s' is not an IPv6 prefix (ADDRESS/LEN)",
					     c->args[0]);
	} else {
		if (c->nargs < 3)
			return cfg_usage(c, usage);
		if (cfg_parse_ipv4(c->args[i++], &r.prefix.addr) < 0)
			return cfg_cmd_error(c, "'%s' is not an IPv4 address", c->args[0]);
		if (cfg_parse_mask(c->args[i++], &r.prefix.len) < 0)
			return cfg_cmd_error(c, "'%s' is not a network mask", c->args[1]);
	}
	if (!cfg_prefix_host_bits_zero(&r.prefix))
		return cfg_cmd_error(c, "inconsistent address and mask: %s has host bits set",
				     config_prefix_str(&r.prefix, buf, sizeof(buf)));
	if (cfg_parse_addr(c->args[i], &r.nexthop) == 0) {
		r.kind = CONFIG_ROUTE_NEXTHOP;
		i++;
	} else {
		n = cfg_parse_ifname(&c->args[i], c->nargs - i, ifname, sizeof(ifname), err,
				     sizeof(err));
		if (n < 0)
			return cfg_cmd_error(c,
					     "'%s' is neither a next hop address nor an "
					     "interface (%s)",
					     c->args[i], err);
		i += (size_t)n;
		r.kind = cfg_ifname_is_null(ifname) ? CONFIG_ROUTE_NULL : CONFIG_ROUTE_INTERFACE;
		if (r.kind == CONFIG_ROUTE_INTERFACE &&
		    !(r.ifname = cfg_strdup(c->p->arena, ifname)))
			return cfg_oom(c->p);
		if (i < c->nargs && cfg_parse_addr(c->args[i], &r.nexthop) == 0)
			i++;
	}
	if (r.nexthop.family && r.nexthop.family != r.prefix.addr.family)
		return cfg_cmd_error(c, "next hop %s is not of the prefix's address family",
				     config_addr_str(&r.nexthop, buf, sizeof(buf)));
	if (i < c->nargs && cfg_kw_is(c->args[i], "name")) {
		if (i + 2 != c->nargs)
			return cfg_usage(c, usage);
		if (!(r.name = cfg_strdup(c->p->arena, c->args[i + 1])))
			return cfg_oom(c->p);
		i += 2;
	}
	if (i != c->nargs)
		return cfg_cmd_error(c, "unexpected '%s' (expected '%s %s')", c->args[i],
				     c->cmdtext, usage);

	/* the same route again is found through the parser's index by its text */
	config_prefix_str(&r.prefix, key, sizeof(key));
	n = (int)strlen(key);
	snprintf(key + n, sizeof(key) - (size_t)n, " %d %s %s", r.kind,
		 config_addr_str(&r.nexthop, buf, sizeof(buf)), r.ifname ? r.ifname : "-");
	old = cfg_index_get(c->p, &cfg->routes, key);
	if (c->no) {
		if (!old)
			return cfg_cmd_error(c, "no matching route to delete");
		cfg_ptr_remove(&cfg->routes, &cfg->n_routes, old);
		cfg_index_del(c->p, &cfg->routes, key, old);
		return 0;
	}
	if (old) {
		old->name = r.name; /* same route again: IOS updates its name */
		old->line = r.line;
		return 0;
	}

	struct config_route **slot = CFG_APPEND(c->p->arena, cfg->routes, cfg->n_routes);
	struct config_route *nr = cfg_alloc(c->p->arena, sizeof(*nr));
	const char *kcopy = cfg_strdup(c->p->arena, key);

	if (!slot || !nr || !kcopy)
		return cfg_oom(c->p);
	*nr = r;
	*slot = nr;
	return cfg_index_put(c->p, &cfg->routes, kcopy, nr);
}

int cfg_cmd_interface(struct cfg_ctx *c); /* cmd_interface.c */
int cfg_cmd_keyring(struct cfg_ctx *c);	  /* cmd_isakmp.c */

static const struct cfg_cmd ip_domain_cmds[] = {
	{ .kw = "name", .fn = cmd_domain_name },
	REFUSE("lookup", msg_mgmt),
	{ 0 },
};

static const struct cfg_cmd ip_route_cmds[] = {
	REFUSE("vrf", cfg_msg_vrf),
	{ 0 },
};

static const struct cfg_cmd ip_cmds[] = {
	{ .kw = "domain", .sub = ip_domain_cmds },
	{ .kw = "domain-name", .fn = cmd_domain_name },
	{ .kw = "route", .fn = cmd_route, .sub = ip_route_cmds, .value = 4 },
	REFUSE("vrf", cfg_msg_vrf),
	REFUSE("access-list", cfg_msg_acl),
	REFUSE("prefix-list", cfg_msg_routing),
	REFUSE("as-path", cfg_msg_routing),
	REFUSE("community-list", cfg_msg_routing),
	REFUSE("nat", cfg_msg_nat),
	REFUSE("ssh", msg_mgmt),
	REFUSE("http", msg_mgmt),
	REFUSE("cef", msg_mgmt),
	REFUSE("forward-protocol", msg_mgmt),
	REFUSE("tcp", msg_mgmt),
	REFUSE("icmp", msg_mgmt),
	REFUSE("host", msg_mgmt),
	REFUSE("name-server", msg_mgmt),
	{ 0 },
};

static const struct cfg_cmd ipv6_cmds[] = {
	{ .kw = "route", .fn = cmd_route, .sub = ip_route_cmds, .value = 6 },
	REFUSE("access-list", cfg_msg_acl),
	REFUSE("prefix-list", cfg_msg_routing),
	REFUSE("unicast-routing", msg_mgmt),
	REFUSE("cef", msg_mgmt),
	{ 0 },
};

static const struct cfg_cmd compat_cmds[] = {
	{ .kw = "ios", .fn = cmd_compat_ios },
	{ 0 },
};

static const struct cfg_cmd crypto_cmds[] = {
	{ .kw = "isakmp", .sub = cfg_crypto_isakmp_cmds },
	{ .kw = "keyring", .fn = cfg_cmd_keyring },
	{ .kw = "ikev2", .sub = cfg_crypto_ikev2_cmds },
	{ .kw = "ipsec", .sub = cfg_crypto_ipsec_cmds },
	{ .kw = "pki", .sub = cfg_crypto_pki_cmds },
	{ .kw = "compat", .sub = compat_cmds },
	REFUSE("map", cfg_msg_crypto_map),
	REFUSE("dynamic-map", cfg_msg_crypto_map),
	REFUSE("ca", msg_crypto_ca),
	REFUSE("key", msg_crypto_key),
	{ 0 },
};

const struct cfg_cmd cfg_top_cmds[] = {
	{ .kw = "hostname", .fn = cmd_hostname },
	{ .kw = "ip", .sub = ip_cmds },
	{ .kw = "ipv6", .sub = ipv6_cmds },
	{ .kw = "interface", .fn = cfg_cmd_interface },
	{ .kw = "crypto", .sub = crypto_cmds },
	REFUSE("router", cfg_msg_routing),
	REFUSE("route-map", cfg_msg_routing),
	REFUSE("key", "key chains belong to routing protocols: configure them in FRR"),
	REFUSE("vrf", cfg_msg_vrf),
	REFUSE("access-list", cfg_msg_acl),
	REFUSE("version", msg_mgmt),
	REFUSE("service", msg_mgmt),
	REFUSE("boot-start-marker", msg_mgmt),
	REFUSE("boot-end-marker", msg_mgmt),
	REFUSE("boot", msg_mgmt),
	REFUSE("aaa", msg_mgmt),
	REFUSE("username", msg_mgmt),
	REFUSE("enable", msg_mgmt),
	REFUSE("line", msg_mgmt),
	REFUSE("logging", msg_mgmt),
	REFUSE("ntp", msg_mgmt),
	REFUSE("snmp-server", msg_mgmt),
	REFUSE("control-plane", msg_mgmt),
	REFUSE("banner", msg_mgmt),
	REFUSE("multilink", msg_mgmt),
	REFUSE("clock", msg_mgmt),
	REFUSE("license", msg_mgmt),
	{ 0 },
};
