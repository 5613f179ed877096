/*
 * vti reply parsers on crafted kernel replies: RTM_NEWLINK with IFLA_STATS64 and VTI
 * parameters, a link dump across datagrams, errors with extended ACK (capped and not),
 * and truncated or malformed input, which must give -EBADMSG and never read out of bounds.
 */
#include "vti.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

#define PORTID 4242

static uint8_t buf[4096];

static struct nlmsghdr *put_msg(void *at, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static struct rtnl_link_stats64 sample_stats(void)
{
	struct rtnl_link_stats64 s = { 0 };

	s.rx_packets = 1000001;
	s.tx_packets = 2000002;
	s.rx_bytes = 0x1122334455667788ull;
	s.tx_bytes = 4000004;
	s.rx_errors = 5;
	s.tx_errors = 6;
	s.rx_dropped = 7;
	s.tx_dropped = 8;
	s.multicast = 99;
	s.tx_carrier_errors = 13;
	return s;
}

struct link_opts {
	const char *kind;	/* NULL: no IFLA_LINKINFO */
	int stats_len;		/* -1: no IFLA_STATS64 */
	int addr_len;		/* of IFLA_VTI_LOCAL/REMOTE */
};

/* An RTM_NEWLINK as the kernel sends it for Tunnel1 (ifindex 7), plus an unknown attr. */
static struct nlmsghdr *put_link(void *at, uint32_t seq, int ifindex, const char *name,
				 const struct link_opts *o)
{
	struct nlmsghdr *nlh = put_msg(at, RTM_NEWLINK, 0, seq);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	uint8_t stats[512] = { 0 };
	struct rtnl_link_stats64 s = sample_stats();
	uint8_t local[16] = { 192, 168, 0, 1 }, remote[16] = { 192, 168, 0, 2 };

	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP | IFF_RUNNING | IFF_NOARP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	mnl_attr_put_u32(nlh, 0x3ff, 0xdeadbeef); /* from a newer kernel: skipped */
	if (o->stats_len >= 0) {
		memcpy(stats, &s, sizeof(s));
		mnl_attr_put(nlh, IFLA_STATS64, (size_t)o->stats_len, stats);
	}
	if (o->kind) {
		struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		struct nlattr *data;

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, o->kind);
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_VTI_LINK, 2);
		mnl_attr_put_u32(nlh, IFLA_VTI_IKEY, htonl(0x11));
		mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(0x22));
		mnl_attr_put(nlh, IFLA_VTI_LOCAL, (size_t)o->addr_len, local);
		mnl_attr_put(nlh, IFLA_VTI_REMOTE, (size_t)o->addr_len, remote);
		mnl_attr_put_u32(nlh, IFLA_VTI_FWMARK, 0);
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, li);
	}
	return nlh;
}

static const struct link_opts vti4 = { "vti", sizeof(struct rtnl_link_stats64), 4 };

static void vti_parse_link_stats64(void **state)
{
	struct vti_link_info info;
	struct nlmsghdr *nlh = put_link(buf, 1, 7, "Tunnel1", &vti4);

	assert_int_equal(vti_parse_link(nlh, &info), 0);
	assert_int_equal(info.ifindex, 7);
	assert_int_equal(info.flags, IFF_UP | IFF_RUNNING | IFF_NOARP);
	assert_string_equal(info.name, "Tunnel1");
	assert_int_equal(info.mtu, 1400);
	assert_true(info.has_stats);
	assert_int_equal(info.stats.rx_packets, 1000001);
	assert_int_equal(info.stats.tx_packets, 2000002);
	assert_int_equal(info.stats.rx_bytes, 0x1122334455667788ull);
	assert_int_equal(info.stats.tx_bytes, 4000004);
	assert_int_equal(info.stats.rx_errors, 5);
	assert_int_equal(info.stats.tx_errors, 6);
	assert_int_equal(info.stats.rx_dropped, 7);
	assert_int_equal(info.stats.tx_dropped, 8);
	assert_int_equal(info.stats.tx_carrier_errors, 13);
	assert_string_equal(info.kind, "vti");
	assert_true(info.is_vti);
	assert_string_equal(info.vti.name, "Tunnel1");
	assert_int_equal(info.vti.family, AF_INET);
	assert_int_equal(info.vti.link, 2);
	assert_int_equal(info.vti.ikey, 0x11);
	assert_int_equal(info.vti.okey, 0x22);
	assert_int_equal(info.vti.local.v4.s_addr, htonl(0xc0a80001));
	assert_int_equal(info.vti.remote.v4.s_addr, htonl(0xc0a80002));
}

/* Kernels differ in the size of rtnl_link_stats64: the first 64 bytes are what we need. */
static void vti_parse_link_stats64_sizes(void **state)
{
	struct vti_link_info info;
	struct link_opts o = vti4;

	o.stats_len = 64;
	assert_int_equal(vti_parse_link(put_link(buf, 1, 7, "t", &o), &info), 0);
	assert_int_equal(info.stats.tx_dropped, 8);
	o.stats_len = (int)sizeof(struct rtnl_link_stats64) + 40;
	assert_int_equal(vti_parse_link(put_link(buf, 1, 7, "t", &o), &info), 0);
	assert_int_equal(info.stats.rx_bytes, 0x1122334455667788ull);
	o.stats_len = 63;
	assert_int_equal(vti_parse_link(put_link(buf, 1, 7, "t", &o), &info), -EBADMSG);
	o.stats_len = 0;
	assert_int_equal(vti_parse_link(put_link(buf, 1, 7, "t", &o), &info), -EBADMSG);
	o.stats_len = -1;
	assert_int_equal(vti_parse_link(put_link(buf, 1, 7, "t", &o), &info), 0);
	assert_false(info.has_stats);
}

static void vti_parse_link_kinds(void **state)
{
	struct vti_link_info info;
	struct link_opts o = { "vti6", 64, 16 };

	assert_int_equal(vti_parse_link(put_link(buf, 1, 9, "ip6vti0", &o), &info), 0);
	assert_true(info.is_vti);
	assert_int_equal(info.vti.family, AF_INET6);
	assert_int_equal(info.vti.local.v6.s6_addr[0], 192);
	o.addr_len = 4; /* vti6 with IPv4-sized addresses */
	assert_int_equal(vti_parse_link(put_link(buf, 1, 9, "x", &o), &info), -EBADMSG);
	o = (struct link_opts){ "vti", 64, 16 }; /* vti with IPv6-sized addresses */
	assert_int_equal(vti_parse_link(put_link(buf, 1, 9, "x", &o), &info), -EBADMSG);
	o = (struct link_opts){ "veth", 64, 4 }; /* other kinds: data not interpreted */
	assert_int_equal(vti_parse_link(put_link(buf, 1, 9, "v0", &o), &info), 0);
	assert_string_equal(info.kind, "veth");
	assert_false(info.is_vti);
	o = (struct link_opts){ "a-kind-name-too-long", 64, 4 };
	assert_int_equal(vti_parse_link(put_link(buf, 1, 9, "v0", &o), &info), -EBADMSG);
	o = (struct link_opts){ NULL, 64, 4 };
	assert_int_equal(vti_parse_link(put_link(buf, 1, 9, "lo", &o), &info), 0);
	assert_string_equal(info.kind, "");
	assert_false(info.is_vti);
}

static void vti_parse_link_malformed(void **state)
{
	struct vti_link_info info;
	struct nlmsghdr *nlh;
	struct nlattr *a;

	/* IFLA_IFNAME without its NUL */
	nlh = put_link(buf, 1, 7, "Tunnel1", &vti4);
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg));
	assert_int_equal(mnl_attr_get_type(a), IFLA_IFNAME);
	((char *)mnl_attr_get_payload(a))[7] = 'X';
	assert_int_equal(vti_parse_link(nlh, &info), -EBADMSG);

	/* a name longer than IFNAMSIZ - 1 */
	assert_int_equal(vti_parse_link(put_link(buf, 1, 7, "0123456789abcdef", &vti4), &info),
			 -EBADMSG);

	/* IFLA_MTU of two bytes */
	nlh = put_msg(buf, RTM_NEWLINK, 0, 1);
	((struct ifinfomsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg)))->ifi_index = 3;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "x");
	mnl_attr_put_u16(nlh, IFLA_MTU, 1400);
	assert_int_equal(vti_parse_link(nlh, &info), -EBADMSG);

	/* no name at all */
	nlh = put_msg(buf, RTM_NEWLINK, 0, 1);
	((struct ifinfomsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg)))->ifi_index = 3;
	assert_int_equal(vti_parse_link(nlh, &info), -EBADMSG);

	/* ifindex 0, wrong message type, payload shorter than ifinfomsg */
	assert_int_equal(vti_parse_link(put_link(buf, 1, 0, "x", &vti4), &info), -EBADMSG);
	nlh = put_link(buf, 1, 7, "x", &vti4);
	nlh->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(vti_parse_link(nlh, &info), -EBADMSG);
	nlh = put_msg(buf, RTM_NEWLINK, 0, 1);
	nlh->nlmsg_len += 8;
	assert_int_equal(vti_parse_link(nlh, &info), -EBADMSG);

	/* a last attribute cut short is an error, not silently dropped */
	nlh = put_link(buf, 1, 7, "Tunnel1", &vti4);
	nlh->nlmsg_len -= 2;
	assert_int_equal(vti_parse_link(nlh, &info), -EBADMSG);
}

/* Every shorter nlmsg_len of a good message, in an exact-size heap copy: no overread. */
static void vti_parse_link_truncated(void **state)
{
	struct nlmsghdr *nlh = put_link(buf, 1, 7, "Tunnel1", &vti4);
	uint32_t full = nlh->nlmsg_len;
	int ok = 0;

	for (uint32_t len = MNL_NLMSG_HDRLEN; len <= full; len++) {
		struct nlmsghdr *copy = malloc(len);
		struct vti_link_info info;
		int rc;

		memcpy(copy, buf, len);
		copy->nlmsg_len = len;
		rc = vti_parse_link(copy, &info);
		assert_true(rc == 0 || rc == -EBADMSG);
		if (rc == 0) {
			ok++;
			assert_string_equal(info.name, "Tunnel1");
		}
		free(copy);
	}
	/* whole attributes only: cut after IFNAME, MTU, the unknown one, STATS64, LINKINFO */
	assert_int_equal(ok, 5);
}

struct dump_seen {
	int calls;
	char names[4][IFNAMSIZ];
	int fail_with;
};

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_seen *d = arg;
	struct vti_link_info info;

	assert_int_equal(vti_parse_link(nlh, &info), 0);
	if (d->calls < 4)
		strcpy(d->names[d->calls], info.name);
	d->calls++;
	return d->fail_with;
}

/* lo, Tunnel1, then NLMSG_DONE, all with sequence number seq. */
static size_t put_dump(uint8_t *at, uint32_t seq, uint16_t flags)
{
	struct link_opts plain = { NULL, 64, 4 };
	struct nlmsghdr *nlh;
	size_t off = 0;

	nlh = put_link(at, seq, 1, "lo", &plain);
	nlh->nlmsg_flags = NLM_F_MULTI | flags;
	off += nlh->nlmsg_len;
	nlh = put_link(at + off, seq, 7, "Tunnel1", &vti4);
	nlh->nlmsg_flags = NLM_F_MULTI;
	off += nlh->nlmsg_len;
	nlh = put_msg(at + off, NLMSG_DONE, NLM_F_MULTI, seq);
	*(int32_t *)mnl_nlmsg_put_extra_header(nlh, sizeof(int32_t)) = 0;
	off += nlh->nlmsg_len;
	return off;
}

static void vti_parse_link_dump(void **state)
{
	struct dump_seen d = { 0 };
	struct vti_reply r;
	struct vti_error err;
	size_t len = put_dump(buf, 55, 0);
	size_t first = ((struct nlmsghdr *)buf)->nlmsg_len;

	/* whole dump in one datagram */
	vti_reply_init(&r, 55, PORTID, dump_cb, &d, &err);
	assert_int_equal(vti_reply_feed(&r, buf, len), 0);
	assert_int_equal(d.calls, 2);
	assert_string_equal(d.names[0], "lo");
	assert_string_equal(d.names[1], "Tunnel1");
	assert_int_equal(err.code, 0);

	/* split across two datagrams */
	memset(&d, 0, sizeof(d));
	vti_reply_init(&r, 55, PORTID, dump_cb, &d, &err);
	assert_int_equal(vti_reply_feed(&r, buf, first), 1);
	assert_int_equal(d.calls, 1);
	assert_int_equal(vti_reply_feed(&r, buf + first, len - first), 0);
	assert_int_equal(d.calls, 2);

	/* replies to another request (sequence 54) are skipped */
	memset(&d, 0, sizeof(d));
	vti_reply_init(&r, 54, PORTID, dump_cb, &d, &err);
	assert_int_equal(vti_reply_feed(&r, buf, len), 1);
	assert_int_equal(d.calls, 0);

	/* a callback error is returned once the dump has ended */
	memset(&d, 0, sizeof(d));
	d.fail_with = -ENOMEM;
	vti_reply_init(&r, 55, PORTID, dump_cb, &d, &err);
	assert_int_equal(vti_reply_feed(&r, buf, len), -ENOMEM);
	assert_int_equal(d.calls, 2);
	assert_int_equal(err.code, -ENOMEM);

	/* a length of 2^31 or more must not pass as "fits" (libmnl 1.0.4 casts it to int) */
	len = put_dump(buf, 55, 0);
	((struct nlmsghdr *)buf)->nlmsg_len = 0x80000010u;
	vti_reply_init(&r, 55, PORTID, dump_cb, &d, &err);
	assert_int_equal(vti_reply_feed(&r, buf, len), -EBADMSG);
	((struct nlmsghdr *)buf)->nlmsg_len = 0xffffffffu;
	assert_int_equal(vti_reply_feed(&r, buf, len), -EBADMSG);

	/* NLM_F_DUMP_INTR: the caller must retry */
	memset(&d, 0, sizeof(d));
	len = put_dump(buf, 56, NLM_F_DUMP_INTR);
	vti_reply_init(&r, 56, PORTID, dump_cb, &d, &err);
	assert_int_equal(vti_reply_feed(&r, buf, len), -EINTR);
	assert_int_equal(err.code, -EINTR);
	assert_string_equal(err.msg, "dump interrupted by a concurrent change");
}

/* Every prefix of a dump datagram, in an exact-size copy: need-more or malformed. */
static void vti_parse_dump_truncated(void **state)
{
	size_t len = put_dump(buf, 57, 0);
	size_t first = ((struct nlmsghdr *)buf)->nlmsg_len;
	size_t second = first + ((struct nlmsghdr *)(buf + first))->nlmsg_len;

	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		struct dump_seen d = { 0 };
		struct vti_reply r;
		int rc;

		memcpy(copy, buf, cut);
		vti_reply_init(&r, 57, PORTID, dump_cb, &d, NULL);
		rc = vti_reply_feed(&r, copy, cut);
		if (cut == 0 || cut == first || cut == second)
			assert_int_equal(rc, 1);
		else
			assert_int_equal(rc, -EBADMSG);
		free(copy);
	}
}

/* NLMSG_ERROR for a request of req_len bytes, echoing it unless capped, with TLVs. */
static struct nlmsghdr *put_error(void *at, uint32_t seq, int error, bool capped,
				  uint32_t req_len, const char *msg, uint32_t offs)
{
	uint16_t flags = capped ? NLM_F_CAPPED : 0;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	if (msg || offs)
		flags |= NLM_F_ACK_TLVS;
	nlh = put_msg(at, NLMSG_ERROR, flags, seq);
	e = mnl_nlmsg_put_extra_header(nlh, capped ? sizeof(*e)
						   : sizeof(int) + req_len);
	e->error = error;
	e->msg.nlmsg_len = req_len;
	e->msg.nlmsg_type = RTM_NEWLINK;
	e->msg.nlmsg_seq = seq;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (offs)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	return nlh;
}

static void vti_parse_error_extack(void **state)
{
	struct vti_error err;
	struct vti_reply r;
	struct nlmsghdr *nlh;

	/* uncapped: the 92-byte request is echoed before the TLVs */
	nlh = put_error(buf, 3, -EOPNOTSUPP, false, 92, "Unknown device type", 0x2c);
	assert_int_equal(vti_parse_error(nlh, &err), -EOPNOTSUPP);
	assert_int_equal(err.code, -EOPNOTSUPP);
	assert_string_equal(err.msg, "Unknown device type");
	assert_int_equal(err.bad_attr_offset, 0x2c);

	/* the same through the reply state machine */
	vti_reply_init(&r, 3, PORTID, NULL, NULL, &err);
	assert_int_equal(vti_reply_feed(&r, buf, nlh->nlmsg_len), -EOPNOTSUPP);
	assert_string_equal(err.msg, "Unknown device type");

	/* capped (NETLINK_CAP_ACK) */
	nlh = put_error(buf, 3, -EINVAL, true, 40, "MTU too small", 0);
	assert_int_equal(vti_parse_error(nlh, &err), -EINVAL);
	assert_string_equal(err.msg, "MTU too small");
	assert_int_equal(err.bad_attr_offset, 0);

	/* a plain ACK, and an error without TLVs */
	nlh = put_error(buf, 3, 0, true, 40, NULL, 0);
	assert_int_equal(vti_parse_error(nlh, &err), 0);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	nlh = put_error(buf, 3, -EEXIST, false, 40, NULL, 0);
	assert_int_equal(vti_parse_error(nlh, &err), -EEXIST);
	assert_string_equal(err.msg, "");

	/* an ACK ends a request successfully */
	nlh = put_error(buf, 4, 0, true, 40, NULL, 0);
	vti_reply_init(&r, 4, PORTID, NULL, NULL, &err);
	assert_int_equal(vti_reply_feed(&r, buf, nlh->nlmsg_len), 0);

	/* NLMSG_DONE carrying a dump error with a message */
	nlh = put_msg(buf, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 5);
	*(int32_t *)mnl_nlmsg_put_extra_header(nlh, sizeof(int32_t)) = -ENOBUFS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump failed");
	vti_reply_init(&r, 5, PORTID, NULL, NULL, &err);
	assert_int_equal(vti_reply_feed(&r, buf, nlh->nlmsg_len), -ENOBUFS);
	assert_string_equal(err.msg, "dump failed");
}

static void vti_parse_error_malformed(void **state)
{
	struct vti_error err;
	struct nlmsghdr *nlh;

	/* positive and absurd error codes */
	nlh = put_error(buf, 3, 5, true, 40, NULL, 0);
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);
	assert_int_equal(err.code, -EBADMSG);
	assert_string_equal(err.msg, "malformed netlink error message");
	nlh = put_error(buf, 3, -100000, true, 40, NULL, 0);
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);

	/* the echoed request claims more bytes than the message has */
	nlh = put_error(buf, 3, -EINVAL, false, 40, "x", 0);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 4000;
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);

	/* an extended-ACK message without its NUL */
	nlh = put_error(buf, 3, -EINVAL, true, 40, "abc", 0);
	((char *)mnl_nlmsg_get_payload_tail(nlh))[-1] = 'd';
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);

	/* an offset attribute of the wrong size */
	nlh = put_error(buf, 3, -EINVAL, true, 40, NULL, 0);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_u16(nlh, NLMSGERR_ATTR_OFFS, 3);
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);

	/* two bytes of payload; and a header that claims less than itself */
	nlh = put_msg(buf, NLMSG_ERROR, 0, 3);
	nlh->nlmsg_len += 2;
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);
	nlh->nlmsg_len = 8;
	assert_int_equal(vti_parse_error(nlh, &err), -EBADMSG);

	/* every truncation of an uncapped error with TLVs */
	nlh = put_error(buf, 3, -EOPNOTSUPP, false, 92, "Unknown device type", 0x2c);
	for (uint32_t len = MNL_NLMSG_HDRLEN; len < nlh->nlmsg_len; len++) {
		struct nlmsghdr *copy = malloc(len);
		int rc;

		memcpy(copy, buf, len);
		copy->nlmsg_len = len;
		rc = vti_parse_error(copy, &err);
		/* without the TLVs the code alone is still right; partial TLVs are not */
		assert_true(rc == -EOPNOTSUPP || rc == -EBADMSG);
		if (rc == -EOPNOTSUPP)
			assert_true(err.msg[0] == '\0' || strcmp(err.msg, "Unknown device type") == 0);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vti_parse_link_stats64),
		cmocka_unit_test(vti_parse_link_stats64_sizes),
		cmocka_unit_test(vti_parse_link_kinds),
		cmocka_unit_test(vti_parse_link_malformed),
		cmocka_unit_test(vti_parse_link_truncated),
		cmocka_unit_test(vti_parse_link_dump),
		cmocka_unit_test(vti_parse_dump_truncated),
		cmocka_unit_test(vti_parse_error_extack),
		cmocka_unit_test(vti_parse_error_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
