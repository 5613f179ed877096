/*
 * vti request builders: each writes one rtnetlink request into a caller buffer, bounded
 * by mnl_attr_put_*_check, and sends nothing. Attribute layouts follow the kernel's
 * rtnetlink policies (ip_vti/ip6_vti IFLA_VTI_*, IFA_*, RTA_*).
 */
#include "vti.h"
#include "vti_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

static size_t addr_len(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static bool family_ok(int family)
{
	return family == AF_INET || family == AF_INET6;
}

static bool prefix_ok(const struct vti_prefix *p)
{
	return family_ok(p->family) && p->len <= addr_len(p->family) * 8;
}

int vti_link_params_check(const struct vti_link_params *p, struct vti_error *err)
{
	size_t n = strnlen(p->name, sizeof(p->name));

	if (n == 0 || n == sizeof(p->name)) {
		vti_err_set(err, -EINVAL, "link name must be 1 to 15 characters");
		return -EINVAL;
	}
	if (!family_ok(p->family)) {
		vti_err_set(err, -EAFNOSUPPORT, "VTI family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (p->ikey == 0 || p->okey == 0) {
		vti_err_set(err, -EINVAL, "VTI ikey and okey must be non-zero (0 means no mark)");
		return -EINVAL;
	}
	if (p->link < 0) {
		vti_err_set(err, -EINVAL, "VTI underlying link must be an ifindex or 0");
		return -EINVAL;
	}
	return 0;
}

/* Header plus family-specific struct, or NULL if the buffer cannot hold them. */
static struct nlmsghdr *msg_start(void *buf, size_t size, uint32_t seq, uint16_t type,
				  uint16_t flags, void **ret_extra, size_t extra_len)
{
	struct nlmsghdr *nlh;

	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra_len))
		return NULL;
	/* libmnl 1.0.4 leaves attribute padding unwritten: start from zeros */
	memset(buf, 0, size);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	*ret_extra = mnl_nlmsg_put_extra_header(nlh, extra_len);
	return nlh;
}

static struct nlmsghdr *link_start(void *buf, size_t size, uint32_t seq, uint16_t type,
				   uint16_t flags, int ifindex, struct ifinfomsg **ret_ifi)
{
	struct nlmsghdr *nlh;
	void *extra;

	nlh = msg_start(buf, size, seq, type, flags, &extra, sizeof(struct ifinfomsg));
	if (!nlh)
		return NULL;
	*ret_ifi = extra;
	(*ret_ifi)->ifi_family = AF_UNSPEC;
	(*ret_ifi)->ifi_index = ifindex;
	return nlh;
}

int vti_msg_link_create(void *buf, size_t size, uint32_t seq, const struct vti_link_params *p)
{
	struct nlattr *linkinfo, *data;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	size_t alen;
	int rc = vti_link_params_check(p, NULL);

	if (rc < 0)
		return rc;
	nlh = link_start(buf, size, seq, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &ifi);
	if (!nlh)
		return -EMSGSIZE;
	alen = addr_len(p->family);
	if (!mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, p->name))
		return -EMSGSIZE;
	linkinfo = mnl_attr_nest_start_check(nlh, size, IFLA_LINKINFO);
	if (!linkinfo || !mnl_attr_put_strz_check(nlh, size, IFLA_INFO_KIND,
						  p->family == AF_INET ? "vti" : "vti6"))
		return -EMSGSIZE;
	data = mnl_attr_nest_start_check(nlh, size, IFLA_INFO_DATA);
	if (!data)
		return -EMSGSIZE;
	if (p->link && !mnl_attr_put_u32_check(nlh, size, IFLA_VTI_LINK, (uint32_t)p->link))
		return -EMSGSIZE;
	/* Keys are big-endian on the wire (nla_get_be32 in ip_vti/ip6_vti). */
	if (!mnl_attr_put_u32_check(nlh, size, IFLA_VTI_IKEY, htonl(p->ikey)) ||
	    !mnl_attr_put_u32_check(nlh, size, IFLA_VTI_OKEY, htonl(p->okey)) ||
	    !mnl_attr_put_check(nlh, size, IFLA_VTI_LOCAL, alen, &p->local) ||
	    !mnl_attr_put_check(nlh, size, IFLA_VTI_REMOTE, alen, &p->remote))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return 0;
}

int vti_msg_link_delete(void *buf, size_t size, uint32_t seq, int ifindex)
{
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -EINVAL;
	return link_start(buf, size, seq, RTM_DELLINK, 0, ifindex, &ifi) ? 0 : -EMSGSIZE;
}

int vti_msg_link_set_up(void *buf, size_t size, uint32_t seq, int ifindex, bool up)
{
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -EINVAL;
	if (!link_start(buf, size, seq, RTM_SETLINK, 0, ifindex, &ifi))
		return -EMSGSIZE;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return 0;
}

int vti_msg_link_set_mtu(void *buf, size_t size, uint32_t seq, int ifindex, uint32_t mtu)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (ifindex <= 0 || mtu == 0)
		return -EINVAL;
	nlh = link_start(buf, size, seq, RTM_SETLINK, 0, ifindex, &ifi);
	if (!nlh || !mnl_attr_put_u32_check(nlh, size, IFLA_MTU, mtu))
		return -EMSGSIZE;
	return 0;
}

int vti_msg_link_get(void *buf, size_t size, uint32_t seq, int ifindex, const char *name)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (name) {
		size_t n = strnlen(name, IFNAMSIZ);

		if (ifindex != 0 || n == 0 || n == IFNAMSIZ)
			return -EINVAL;
	} else if (ifindex <= 0) {
		return -EINVAL;
	}
	nlh = link_start(buf, size, seq, RTM_GETLINK, 0, ifindex, &ifi);
	if (!nlh || (name && !mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, name)))
		return -EMSGSIZE;
	return 0;
}

int vti_msg_link_dump(void *buf, size_t size, uint32_t seq)
{
	struct ifinfomsg *ifi;

	return link_start(buf, size, seq, RTM_GETLINK, NLM_F_DUMP, 0, &ifi) ? 0 : -EMSGSIZE;
}

int vti_msg_addr(void *buf, size_t size, uint32_t seq, bool add, int ifindex,
		 const struct vti_prefix *pfx)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	size_t alen;
	void *extra;

	if (ifindex <= 0 || !prefix_ok(pfx))
		return -EINVAL;
	nlh = msg_start(buf, size, seq, add ? RTM_NEWADDR : RTM_DELADDR,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, &extra, sizeof(*ifa));
	if (!nlh)
		return -EMSGSIZE;
	ifa = extra;
	ifa->ifa_family = (uint8_t)pfx->family;
	ifa->ifa_prefixlen = pfx->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	alen = addr_len(pfx->family);
	/* No peer: local and address are the same, as `ip addr add A/N dev D` sends. */
	if (!mnl_attr_put_check(nlh, size, IFA_LOCAL, alen, &pfx->addr) ||
	    !mnl_attr_put_check(nlh, size, IFA_ADDRESS, alen, &pfx->addr))
		return -EMSGSIZE;
	return 0;
}

int vti_msg_route(void *buf, size_t size, uint32_t seq, bool add, const struct vti_route *r)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t alen;
	void *extra;

	if (!prefix_ok(&r->dst) || r->ifindex < 0 || (r->ifindex == 0 && !r->has_gateway))
		return -EINVAL;
	nlh = msg_start(buf, size, seq, add ? RTM_NEWROUTE : RTM_DELROUTE,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, &extra, sizeof(*rtm));
	if (!nlh)
		return -EMSGSIZE;
	rtm = extra;
	rtm->rtm_family = (uint8_t)r->dst.family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	if (add) {
		rtm->rtm_protocol = RTPROT_STATIC;
		rtm->rtm_scope = r->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else {
		/* Delete matches any protocol and scope, as `ip route del` does. */
		rtm->rtm_protocol = RTPROT_UNSPEC;
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	}
	alen = addr_len(r->dst.family);
	if (r->dst.len && !mnl_attr_put_check(nlh, size, RTA_DST, alen, &r->dst.addr))
		return -EMSGSIZE;
	if (r->has_gateway && !mnl_attr_put_check(nlh, size, RTA_GATEWAY, alen, &r->gateway))
		return -EMSGSIZE;
	if (r->ifindex && !mnl_attr_put_u32_check(nlh, size, RTA_OIF, (uint32_t)r->ifindex))
		return -EMSGSIZE;
	if (r->metric && !mnl_attr_put_u32_check(nlh, size, RTA_PRIORITY, r->metric))
		return -EMSGSIZE;
	return 0;
}
