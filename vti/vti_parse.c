/*
 * vti reply parsers: netlink errors with extended ACK, RTM_NEWLINK (name, mtu, kind, VTI
 * parameters, IFLA_STATS64) and the per-request reply state machine. Pure functions over
 * bytes from the kernel, which are treated as hostile: every length is checked.
 */
#include "vti.h"
#include "vti_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

/* One nesting level: which attributes we read, their types, where they land. */
struct attr_level {
	const enum mnl_attr_data_type *policy;
	uint16_t max;
	const struct nlattr **tb;
};

/*
 * The validating callback, run with the policy of the level being parsed. Attributes we
 * do not use (or newer than our headers) are skipped; a used one of the wrong size fails
 * the whole parse.
 */
static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct attr_level *lvl = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > lvl->max || lvl->policy[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, lvl->policy[type]) < 0)
		return MNL_CB_ERROR;
	lvl->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * Walks one level of attributes through attr_cb. Unlike mnl_attr_parse() it fails on
 * trailing bytes that do not form a whole attribute, so truncation is not silent.
 */
static int attrs_parse(const void *payload, size_t len, struct attr_level *lvl)
{
	const struct nlattr *attr;
	const char *end = (const char *)payload + len;

	if (len > INT_MAX)
		return -EBADMSG;
	mnl_attr_for_each_payload(payload, len) {
		if (attr_cb(attr, lvl) != MNL_CB_OK)
			return -EBADMSG;
	}
	return end - (const char *)attr > 0 ? -EBADMSG : 0;
}

static int attrs_parse_nested(const struct nlattr *nest, struct attr_level *lvl)
{
	return attrs_parse(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), lvl);
}

/* clang-format off */
static const enum mnl_attr_data_type extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = MNL_TYPE_NUL_STRING,
	[NLMSGERR_ATTR_OFFS] = MNL_TYPE_U32,
};

static const enum mnl_attr_data_type ifla_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING,
	[IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_LINKINFO] = MNL_TYPE_NESTED,
	[IFLA_STATS64] = MNL_TYPE_BINARY,
};

static const enum mnl_attr_data_type linkinfo_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING,
	[IFLA_INFO_DATA] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type vti_policy[IFLA_VTI_MAX + 1] = {
	[IFLA_VTI_LINK] = MNL_TYPE_U32,
	[IFLA_VTI_IKEY] = MNL_TYPE_U32,
	[IFLA_VTI_OKEY] = MNL_TYPE_U32,
	[IFLA_VTI_LOCAL] = MNL_TYPE_BINARY,
	[IFLA_VTI_REMOTE] = MNL_TYPE_BINARY,
};
/* clang-format on */

void vti_err_set(struct vti_error *err, int code, const char *msg)
{
	if (!err)
		return;
	err->code = code;
	err->bad_attr_offset = 0;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/* Where the extended-ACK TLVs start in an NLMSG_ERROR payload, or -1 if malformed. */
static long extack_offset(const struct nlmsghdr *nlh, const uint8_t *payload, size_t plen)
{
	struct nlmsghdr orig;
	size_t off;

	if (plen < sizeof(struct nlmsgerr))
		return (long)plen; /* pre-2.6 style: no echoed header, no TLVs */
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		return (long)sizeof(struct nlmsgerr);
	memcpy(&orig, payload + sizeof(int), sizeof(orig));
	if (orig.nlmsg_len < sizeof(orig) || orig.nlmsg_len > plen - sizeof(int))
		return -1;
	off = sizeof(int) + MNL_ALIGN(orig.nlmsg_len);
	return (long)(off > plen ? plen : off);
}

int vti_parse_error(const struct nlmsghdr *nlh, struct vti_error *err)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	struct attr_level lvl = { extack_policy, NLMSGERR_ATTR_MAX, tb };
	const uint8_t *payload;
	size_t plen;
	int32_t code = 0;
	long off;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN)
		goto bad;
	payload = mnl_nlmsg_get_payload(nlh);
	plen = mnl_nlmsg_get_payload_len(nlh);
	if (plen < sizeof(code)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			goto out; /* a bare NLMSG_DONE ends a dump successfully */
		goto bad;
	}
	memcpy(&code, payload, sizeof(code));
	if (code > 0 || code < -4095)
		goto bad;
	off = nlh->nlmsg_type == NLMSG_ERROR ? extack_offset(nlh, payload, plen)
					     : (long)sizeof(code);
	if (off < 0)
		goto bad;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && (size_t)off < plen &&
	    attrs_parse(payload + off, plen - (size_t)off, &lvl) < 0)
		goto bad;
out:
	if (err) {
		vti_err_set(err, code,
			    tb[NLMSGERR_ATTR_MSG] ? mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]) : "");
		if (tb[NLMSGERR_ATTR_OFFS])
			err->bad_attr_offset = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	return code;
bad:
	vti_err_set(err, -EBADMSG, "malformed netlink error message");
	return -EBADMSG;
}

static int parse_vti_data(const struct nlattr *nest, int family, struct vti_link_params *p)
{
	const struct nlattr *tb[IFLA_VTI_MAX + 1] = { 0 };
	struct attr_level lvl = { vti_policy, IFLA_VTI_MAX, tb };
	size_t alen = family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);

	if (attrs_parse_nested(nest, &lvl) < 0)
		return -EBADMSG;
	p->family = family;
	if (tb[IFLA_VTI_LINK])
		p->link = (int)mnl_attr_get_u32(tb[IFLA_VTI_LINK]);
	if (p->link < 0)
		return -EBADMSG;
	if (tb[IFLA_VTI_IKEY])
		p->ikey = ntohl(mnl_attr_get_u32(tb[IFLA_VTI_IKEY]));
	if (tb[IFLA_VTI_OKEY])
		p->okey = ntohl(mnl_attr_get_u32(tb[IFLA_VTI_OKEY]));
	if (tb[IFLA_VTI_LOCAL]) {
		if (mnl_attr_get_payload_len(tb[IFLA_VTI_LOCAL]) != alen)
			return -EBADMSG;
		memcpy(&p->local, mnl_attr_get_payload(tb[IFLA_VTI_LOCAL]), alen);
	}
	if (tb[IFLA_VTI_REMOTE]) {
		if (mnl_attr_get_payload_len(tb[IFLA_VTI_REMOTE]) != alen)
			return -EBADMSG;
		memcpy(&p->remote, mnl_attr_get_payload(tb[IFLA_VTI_REMOTE]), alen);
	}
	return 0;
}

static int parse_linkinfo(const struct nlattr *nest, struct vti_link_info *ret)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = { 0 };
	struct attr_level lvl = { linkinfo_policy, IFLA_INFO_MAX, tb };
	const char *kind;
	int family;

	if (attrs_parse_nested(nest, &lvl) < 0)
		return -EBADMSG;
	if (!tb[IFLA_INFO_KIND])
		return 0;
	kind = mnl_attr_get_str(tb[IFLA_INFO_KIND]);
	if (strlen(kind) >= sizeof(ret->kind))
		return -EBADMSG;
	strcpy(ret->kind, kind);
	if (strcmp(kind, "vti") == 0)
		family = AF_INET;
	else if (strcmp(kind, "vti6") == 0)
		family = AF_INET6;
	else
		return 0;
	if (tb[IFLA_INFO_DATA] && parse_vti_data(tb[IFLA_INFO_DATA], family, &ret->vti) < 0)
		return -EBADMSG;
	ret->vti.family = family;
	memcpy(ret->vti.name, ret->name, sizeof(ret->name));
	ret->is_vti = true;
	return 0;
}

static void parse_stats64(const struct nlattr *attr, struct vti_link_stats *ret)
{
	struct rtnl_link_stats64 s = { 0 };
	size_t len = mnl_attr_get_payload_len(attr);

	/* Older kernels send a shorter struct; newer ones a longer one. */
	memcpy(&s, mnl_attr_get_payload(attr), len < sizeof(s) ? len : sizeof(s));
	ret->rx_packets = s.rx_packets;
	ret->tx_packets = s.tx_packets;
	ret->rx_bytes = s.rx_bytes;
	ret->tx_bytes = s.tx_bytes;
	ret->rx_errors = s.rx_errors;
	ret->tx_errors = s.tx_errors;
	ret->rx_dropped = s.rx_dropped;
	ret->tx_dropped = s.tx_dropped;
	ret->tx_carrier_errors = s.tx_carrier_errors;
}

int vti_parse_link(const struct nlmsghdr *nlh, struct vti_link_info *ret)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct attr_level lvl = { ifla_policy, IFLA_MAX, tb };
	struct ifinfomsg ifi;
	const char *name;

	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < MNL_NLMSG_HDRLEN ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi))
		return -EBADMSG;
	memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
	if (ifi.ifi_index <= 0)
		return -EBADMSG;
	ret->ifindex = ifi.ifi_index;
	ret->flags = ifi.ifi_flags;
	if (attrs_parse(mnl_nlmsg_get_payload_offset(nlh, sizeof(ifi)),
			mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(sizeof(ifi)), &lvl) < 0)
		return -EBADMSG;
	if (!tb[IFLA_IFNAME])
		return -EBADMSG;
	name = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (name[0] == '\0' || strlen(name) >= sizeof(ret->name))
		return -EBADMSG;
	strcpy(ret->name, name);
	if (tb[IFLA_MTU])
		ret->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_STATS64]) {
		/* rx/tx packets, bytes, errors, dropped: the first eight u64 fields */
		if (mnl_attr_get_payload_len(tb[IFLA_STATS64]) < 8 * sizeof(uint64_t))
			return -EBADMSG;
		parse_stats64(tb[IFLA_STATS64], &ret->stats);
		ret->has_stats = true;
	}
	if (tb[IFLA_LINKINFO] && parse_linkinfo(tb[IFLA_LINKINFO], ret) < 0)
		return -EBADMSG;
	return 0;
}

void vti_reply_init(struct vti_reply *r, uint32_t seq, uint32_t portid,
		    int (*cb)(const struct nlmsghdr *, void *), void *arg, struct vti_error *err)
{
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->portid = portid;
	r->cb = cb;
	r->arg = arg;
	r->err = err;
	vti_err_set(err, 0, "");
}

/* The request ended with an ACK, an error or NLMSG_DONE carrying kernel status rc. */
static int reply_finish(struct vti_reply *r, int rc)
{
	if (rc < 0)
		return rc; /* r->err was filled by vti_parse_error */
	if (r->cb_status < 0) {
		vti_err_set(r->err, r->cb_status, "");
		return r->cb_status;
	}
	if (r->interrupted) {
		vti_err_set(r->err, -EINTR, "dump interrupted by a concurrent change");
		return -EINTR;
	}
	return 0;
}

/*
 * Message walking with unsigned lengths: libmnl 1.0.4's mnl_nlmsg_ok() casts nlmsg_len to
 * int, so a length of 2^31 or more passes and mnl_nlmsg_next() jumps out of the buffer.
 */
static bool msg_ok(const struct nlmsghdr *nlh, size_t rem)
{
	return rem >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= rem;
}

static const struct nlmsghdr *msg_next(const struct nlmsghdr *nlh, size_t *rem)
{
	size_t step = MNL_ALIGN(nlh->nlmsg_len);

	*rem = step < *rem ? *rem - step : 0; /* a last message may lack its padding */
	return (const struct nlmsghdr *)((const uint8_t *)nlh + step);
}

int vti_reply_feed(struct vti_reply *r, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;

	for (; msg_ok(nlh, rem); nlh = msg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != r->seq || !mnl_nlmsg_portid_ok(nlh, r->portid))
			continue; /* left over from an earlier request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->interrupted = true;
		if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
			return reply_finish(r, vti_parse_error(nlh, r->err));
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && r->cb) {
			int rc = r->cb(nlh, r->arg);

			if (rc < 0 && r->cb_status == 0)
				r->cb_status = rc;
		}
	}
	if (rem > 0) {
		vti_err_set(r->err, -EBADMSG, "truncated netlink message");
		return -EBADMSG;
	}
	return 1;
}
