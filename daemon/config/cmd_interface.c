/*
 * `interface NAME` blocks. TunnelN: the VTI settings (ip address, tunnel source/destination/
 * mode/protection/initiate, ip mtu, ip tcp adjust-mss, shutdown, description). Other ports:
 * their addresses (for `tunnel source IFNAME`) plus a few harmless IOS lines, not managed.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

static int new_interface(struct cfg_ctx *c, const char *name, struct config_interface **ret)
{
	struct config *cfg = c->p->cfg;
	struct config_interface *ifc = cfg_alloc(c->p->arena, sizeof(*ifc));
	struct config_interface **slot;
	int r;

	if (!ifc || !(ifc->name = cfg_strdup(c->p->arena, name)))
		return cfg_oom(c->p);
	ifc->line = c->line;
	ifc->is_tunnel = cfg_ifname_is_tunnel(name, &ifc->tunnel_number);
	ifc->mode = CONFIG_TUNNEL_IPSEC_IPV4;
	ifc->initiate = CONFIG_INITIATE_ALWAYS;
	*ret = ifc;
	if (!name[0])
		return 0; /* scratch object for a block whose name was wrong */
	r = cfg_named_add(c->p, &cfg->interfaces, &cfg->n_interfaces, ifc);
	if (r < 0)
		return r;
	if (ifc->is_tunnel) {
		slot = CFG_APPEND(c->p->arena, cfg->tunnels, cfg->n_tunnels);
		if (!slot)
			return cfg_oom(c->p);
		*slot = ifc;
	}
	return 0;
}

int cfg_cmd_interface(struct cfg_ctx *c);
int cfg_cmd_interface(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;
	struct config_interface *ifc;
	char name[96], err[200];
	int n, r;

	n = cfg_parse_ifname(c->args, c->nargs, name, sizeof(name), err, sizeof(err));
	if (n == -EPERM) {
		cfg_cmd_error(c, "%s", err);
		return CFG_SKIP_BLOCK;
	}
	if (n > 0 && (size_t)n != c->nargs) {
		snprintf(err, sizeof(err), "unexpected '%s' after the interface name", c->args[n]);
		n = -EINVAL;
	}
	if (n < 0) {
		cfg_cmd_error(c, "%s", err);
		if (c->no)
			return -EINVAL;
		/* keep reading the block's lines into a scratch interface */
		r = new_interface(c, "", &ifc);
		if (r == 0) {
			ifc->is_tunnel = c->nargs && strncasecmp(c->args[0], "tu", 2) == 0;
			cfg_open(c, M_INTERFACE, ifc);
		}
		return -EINVAL;
	}
	ifc = cfg_named_find(c->p, &cfg->interfaces, name);
	if (c->no) {
		if (!ifc)
			return cfg_cmd_error(c, "interface %s is not defined", name);
		cfg_named_remove(c->p, &cfg->interfaces, &cfg->n_interfaces, ifc);
		cfg_ptr_remove(&cfg->tunnels, &cfg->n_tunnels, ifc);
		return 0;
	}
	if (!ifc && (r = new_interface(c, name, &ifc)) < 0)
		return r;
	cfg_open(c, M_INTERFACE, ifc);
	return 0;
}

static int need_tunnel(struct cfg_ctx *c, struct config_interface *ifc)
{
	if (ifc->is_tunnel)
		return 0;
	return cfg_cmd_error(c, "only valid in an interface TunnelN (this is interface %s)",
			     ifc->name[0] ? ifc->name : "?");
}

static int cmd_ip_address(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;
	struct config_prefix pfx = { 0 };

	if (c->no) {
		memset(&ifc->ipv4, 0, sizeof(ifc->ipv4));
		return 0;
	}
	if (c->nargs == 3 && cfg_kw_is(c->args[2], "secondary"))
		return cfg_cmd_error(c, "secondary addresses are not supported");
	if (c->nargs >= 1 && cfg_kw_is(c->args[0], "dhcp"))
		return cfg_cmd_error(c, "'ip address dhcp' is not supported: give the address "
					"(or use 'tunnel source ADDRESS')");
	if (c->nargs != 2)
		return cfg_usage(c, "ADDRESS MASK");
	if (cfg_parse_ipv4(c->args[0], &pfx.addr) < 0)
		return cfg_cmd_error(c, "'%s' is not an IPv4 address", c->args[0]);
	if (cfg_parse_mask(c->args[1], &pfx.len) < 0)
		return cfg_cmd_error(c, "'%s' is not a network mask", c->args[1]);
	ifc->ipv4 = pfx;
	return 0;
}

static int cmd_ipv6_address(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;
	struct config_prefix pfx;

	if (c->no) {
		memset(&ifc->ipv6, 0, sizeof(ifc->ipv6));
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "ADDRESS/LEN");
	if (cfg_parse_prefix6(c->args[0], &pfx) < 0)
		return cfg_cmd_error(c, "'%s' is not an IPv6 address/length", c->args[0]);
	ifc->ipv6 = pfx;
	return 0;
}

static int cmd_number(struct cfg_ctx *c, uint32_t *field, uint32_t min, uint32_t max,
		      const char *usage)
{
	if (c->no) {
		*field = 0;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, usage);
	if (cfg_parse_uint(c->args[0], min, max, field) < 0)
		return cfg_cmd_error(c, "'%s' is not a number in %u-%u", c->args[0], min, max);
	return 0;
}

static int cmd_ip_mtu(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;

	return cmd_number(c, &ifc->mtu, 68, 65535, "BYTES");
}

static int cmd_adjust_mss(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;

	return cmd_number(c, &ifc->adjust_mss, 500, 1460, "BYTES");
}

static int cmd_tunnel_source(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;
	struct config_local_address la;
	size_t used;
	int r;

	if (need_tunnel(c, ifc) < 0)
		return -EINVAL;
	if (c->no) {
		ifc->source_ifname = NULL;
		ifc->source_line = 0;
		memset(&ifc->source, 0, sizeof(ifc->source));
		return 0;
	}
	if (c->nargs == 0)
		return cfg_usage(c, "ADDRESS|IFNAME");
	r = cfg_parse_local(c, c->args, c->nargs, &la, &used);
	if (r < 0)
		return r;
	if (used != c->nargs)
		return cfg_usage(c, "ADDRESS|IFNAME");
	ifc->source_ifname = la.ifname;
	ifc->source = la.addr;
	ifc->source_line = c->line;
	return 0;
}

static int cmd_tunnel_destination(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;

	if (need_tunnel(c, ifc) < 0)
		return -EINVAL;
	if (c->no) {
		memset(&ifc->destination, 0, sizeof(ifc->destination));
		ifc->destination_line = 0;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "ADDRESS");
	if (cfg_parse_addr(c->args[0], &ifc->destination) < 0)
		return cfg_cmd_error(c,
				     "'%s' is not an IPv4 or IPv6 address (host names are not "
				     "supported)",
				     c->args[0]);
	ifc->destination_line = c->line;
	return 0;
}

static int cmd_tunnel_mode(struct cfg_ctx *c)
{
	static const char *const modes[] = { "ipsec", "gre", "mgre", NULL };
	static const char *const fams[] = { "ipv4", "ipv6", NULL };
	struct config_interface *ifc = c->obj;
	int m, f;

	if (need_tunnel(c, ifc) < 0)
		return -EINVAL;
	if (c->no) {
		ifc->mode = CONFIG_TUNNEL_IPSEC_IPV4;
		return 0;
	}
	if (c->nargs == 0)
		return cfg_usage(c, "ipsec ipv4|ipv6");
	m = cfg_kw(c->args[0], modes);
	if (m == 2 || (m == 1 && c->nargs >= 2 && cfg_kw_is(c->args[1], "multipoint")))
		return cfg_cmd_error(c, "%s", cfg_msg_dmvpn);
	if (m == 1)
		return cfg_cmd_error(c, "%s", cfg_msg_gre);
	if (m != 0)
		return cfg_cmd_error(c,
				     "tunnel mode %s is not supported: only 'tunnel mode ipsec "
				     "ipv4|ipv6' (a VTI)",
				     c->args[0]);
	if (c->nargs != 2 || (f = cfg_kw(c->args[1], fams)) < 0)
		return cfg_usage(c, "ipsec ipv4|ipv6");
	ifc->mode = f == 0 ? CONFIG_TUNNEL_IPSEC_IPV4 : CONFIG_TUNNEL_IPSEC_IPV6;
	return 0;
}

static int cmd_tunnel_protection(struct cfg_ctx *c)
{
	static const char *const ipsec[] = { "ipsec", NULL };
	static const char *const profile[] = { "profile", NULL };
	struct config_interface *ifc = c->obj;

	if (need_tunnel(c, ifc) < 0)
		return -EINVAL;
	if (c->no) {
		ifc->protection_name = NULL;
		ifc->protection_line = 0;
		return 0;
	}
	if (c->nargs < 3 || cfg_kw(c->args[0], ipsec) != 0 || cfg_kw(c->args[1], profile) != 0)
		return cfg_usage(c, "ipsec profile NAME");
	if (c->nargs == 4 && cfg_kw_is(c->args[3], "shared"))
		return cfg_cmd_error(c, "%s", cfg_msg_dmvpn);
	if (c->nargs != 3)
		return cfg_usage(c, "ipsec profile NAME");
	if (!(ifc->protection_name = cfg_strdup(c->p->arena, c->args[2])))
		return cfg_oom(c->p);
	ifc->protection_line = c->line;
	return 0;
}

static int cmd_tunnel_initiate(struct cfg_ctx *c)
{
	static const char *const kws[] = { "always", "on-demand", "never", NULL };
	struct config_interface *ifc = c->obj;
	int k;

	if (need_tunnel(c, ifc) < 0)
		return -EINVAL;
	if (c->no) {
		ifc->initiate = CONFIG_INITIATE_ALWAYS;
		return 0;
	}
	if (c->nargs != 1 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "always|on-demand|never");
	ifc->initiate = k == 0	 ? CONFIG_INITIATE_ALWAYS
			: k == 1 ? CONFIG_INITIATE_ON_DEMAND
				 : CONFIG_INITIATE_NEVER;
	return 0;
}

static int cmd_shutdown(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;

	if (c->nargs)
		return cfg_usage(c, "");
	ifc->shutdown = !c->no;
	return 0;
}

static int cmd_description(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;

	if (c->no) {
		ifc->description = NULL;
		return 0;
	}
	if (!c->nargs)
		return cfg_usage(c, "TEXT");
	ifc->description = cfg_strdup(c->p->arena, c->rest);
	return ifc->description ? 0 : cfg_oom(c->p);
}

/* Lines of physical ports that IOS configs carry and that mean nothing for ikegw. */
static int cmd_port_harmless(struct cfg_ctx *c)
{
	struct config_interface *ifc = c->obj;
	int max_args = c->cmd->value;

	if (ifc->is_tunnel)
		return cfg_cmd_error(c, "a physical-port setting, not valid in interface %s",
				     ifc->name);
	if (!c->no && max_args >= 0 && c->nargs > (size_t)max_args)
		return cfg_cmd_error(c, "unexpected '%s'", c->args[max_args]);
	return 0;
}

/* ip virtual-reassembly [in|out|...]: Linux reassembles anyway. */
static int cmd_harmless(struct cfg_ctx *c)
{
	(void)c;
	return 0;
}

static const struct cfg_cmd ip_tcp_cmds[] = {
	{ .kw = "adjust-mss", .fn = cmd_adjust_mss },
	{ 0 },
};

static const struct cfg_cmd if_ip_cmds[] = {
	{ .kw = "address", .fn = cmd_ip_address },
	{ .kw = "mtu", .fn = cmd_ip_mtu },
	{ .kw = "tcp", .sub = ip_tcp_cmds },
	{ .kw = "virtual-reassembly", .fn = cmd_harmless },
	{ .kw = "proxy-arp", .fn = cmd_port_harmless, .value = 0 },
	REFUSE("ospf", cfg_msg_routing),
	REFUSE("access-group", cfg_msg_acl),
	REFUSE("nhrp", cfg_msg_dmvpn),
	REFUSE("vrf", cfg_msg_vrf),
	REFUSE("nat", cfg_msg_nat),
	{ 0 },
};

static const struct cfg_cmd if_ipv6_cmds[] = {
	{ .kw = "address", .fn = cmd_ipv6_address },
	REFUSE("ospf", cfg_msg_routing),
	REFUSE("traffic-filter", cfg_msg_acl),
	{ 0 },
};

static const struct cfg_cmd if_tunnel_cmds[] = {
	{ .kw = "source", .fn = cmd_tunnel_source },
	{ .kw = "destination", .fn = cmd_tunnel_destination },
	{ .kw = "mode", .fn = cmd_tunnel_mode },
	{ .kw = "protection", .fn = cmd_tunnel_protection },
	{ .kw = "initiate", .fn = cmd_tunnel_initiate },
	REFUSE("key", cfg_msg_gre),
	REFUSE("vrf", cfg_msg_vrf),
	{ 0 },
};

static const struct cfg_cmd if_crypto_cmds[] = {
	REFUSE("map", cfg_msg_crypto_map),
	{ 0 },
};

const struct cfg_cmd cfg_interface_cmds[] = {
	{ .kw = "ip", .sub = if_ip_cmds },
	{ .kw = "ipv6", .sub = if_ipv6_cmds },
	{ .kw = "tunnel", .sub = if_tunnel_cmds },
	{ .kw = "shutdown", .fn = cmd_shutdown },
	{ .kw = "description", .fn = cmd_description, .flags = CMD_TEXT },
	{ .kw = "duplex", .fn = cmd_port_harmless, .value = 1 },
	{ .kw = "speed", .fn = cmd_port_harmless, .value = 1 },
	{ .kw = "media-type", .fn = cmd_port_harmless, .value = 1 },
	{ .kw = "negotiation", .fn = cmd_port_harmless, .value = 1 },
	{ .kw = "switchport", .fn = cmd_port_harmless, .value = 0 },
	{ .kw = "crypto", .sub = if_crypto_cmds },
	REFUSE("vrf", cfg_msg_vrf),
	{ 0 },
};
