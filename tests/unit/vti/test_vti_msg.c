/*
 * vti request builders: every request type compared byte-exactly with a hand-written
 * golden message (netlink is host order: goldens are for little-endian hosts), then
 * decoded with libmnl attribute by attribute; bad arguments and short buffers rejected.
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
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "golden netlink messages below are little-endian"
#endif

static uint8_t buf[1024];

static struct vti_link_params tunnel1(void)
{
	struct vti_link_params p = { .name = "Tunnel1", .family = AF_INET, .ikey = 0x11,
				     .okey = 0x22 };

	inet_pton(AF_INET, "192.168.0.1", &p.local.v4);
	inet_pton(AF_INET, "192.168.0.2", &p.remote.v4);
	return p;
}

static struct vti_link_params tunnel2_v6(void)
{
	struct vti_link_params p = { .name = "Tunnel2", .family = AF_INET6, .ikey = 0x100,
				     .okey = 0x200, .link = 3 };

	inet_pton(AF_INET6, "2001:db8::1", &p.local.v6);
	inet_pton(AF_INET6, "2001:db8::2", &p.remote.v6);
	return p;
}

static struct vti_prefix prefix(int family, const char *addr, uint8_t len)
{
	struct vti_prefix p = { .family = family, .len = len };

	assert_int_equal(inet_pton(family, addr, &p.addr), 1);
	return p;
}

static void assert_golden(const uint8_t *golden, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

	assert_int_equal(nlh->nlmsg_len, len);
	assert_memory_equal(buf, golden, len);
}

/* Attributes of one nesting level, in wire order. */
struct seen {
	uint16_t type;	/* with NLA_F_NESTED */
	uint16_t len;	/* payload length */
	const struct nlattr *attr;
};

static size_t collect(const void *payload, size_t len, struct seen *out, size_t max)
{
	const struct nlattr *attr;
	size_t n = 0;

	mnl_attr_for_each_payload(payload, len) {
		assert_true(n < max);
		out[n].type = attr->nla_type;
		out[n].len = mnl_attr_get_payload_len(attr);
		out[n].attr = attr;
		n++;
	}
	return n;
}

static size_t collect_msg(size_t hdrlen, struct seen *out, size_t max)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

	return collect(mnl_nlmsg_get_payload_offset(nlh, hdrlen),
		       mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(hdrlen), out, max);
}

static void assert_attr_u32(const struct seen *s, uint16_t type, uint32_t value)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->len, 4);
	assert_int_equal(mnl_attr_get_u32(s->attr), value);
}

static void assert_attr_addr(const struct seen *s, uint16_t type, int family, const char *addr)
{
	uint8_t want[16];
	size_t alen = family == AF_INET ? 4 : 16;

	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_int_equal(s->type, type);
	assert_int_equal(s->len, alen);
	assert_memory_equal(mnl_attr_get_payload(s->attr), want, alen);
}

static void assert_attr_str(const struct seen *s, uint16_t type, const char *str)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->len, strlen(str) + 1);
	assert_string_equal(mnl_attr_get_str(s->attr), str);
}

static void assert_header(uint16_t type, uint16_t flags, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_flags, flags);
	assert_int_equal(nlh->nlmsg_seq, seq);
	assert_int_equal(nlh->nlmsg_pid, 0);
}

static const struct ifinfomsg *ifinfo(void)
{
	return mnl_nlmsg_get_payload((const struct nlmsghdr *)buf);
}

static void vti_msg_link_create_v4(void **state)
{
	static const uint8_t golden[] = {
		0x5c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06, /* len 92, RTM_NEWLINK, */
		0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* REQ|ACK|EXCL|CREATE */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ifinfomsg: all zero */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x0c, 0x00, 0x03, 0x00, 'T', 'u', 'n', 'n', /* IFLA_IFNAME */
		'e', 'l', '1', 0x00,
		0x30, 0x00, 0x12, 0x80, /* IFLA_LINKINFO | NLA_F_NESTED */
		0x08, 0x00, 0x01, 0x00, 'v', 't', 'i', 0x00, /* IFLA_INFO_KIND */
		0x24, 0x00, 0x02, 0x80, /* IFLA_INFO_DATA | NLA_F_NESTED */
		0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x11, /* IFLA_VTI_IKEY, be32 */
		0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x22, /* IFLA_VTI_OKEY, be32 */
		0x08, 0x00, 0x04, 0x00, 192, 168, 0, 1, /* IFLA_VTI_LOCAL */
		0x08, 0x00, 0x05, 0x00, 192, 168, 0, 2, /* IFLA_VTI_REMOTE */
	};
	struct vti_link_params p = tunnel1();
	struct seen top[4], info[4], data[8];

	assert_int_equal(vti_msg_link_create(buf, sizeof(buf), 7, &p), 0);
	assert_golden(golden, sizeof(golden));

	assert_header(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 7);
	assert_int_equal(ifinfo()->ifi_family, AF_UNSPEC);
	assert_int_equal(ifinfo()->ifi_index, 0);
	assert_int_equal(collect_msg(sizeof(struct ifinfomsg), top, 4), 2);
	assert_attr_str(&top[0], IFLA_IFNAME, "Tunnel1");
	assert_int_equal(top[1].type, IFLA_LINKINFO | NLA_F_NESTED);
	assert_int_equal(collect(mnl_attr_get_payload(top[1].attr), top[1].len, info, 4), 2);
	assert_attr_str(&info[0], IFLA_INFO_KIND, "vti");
	assert_int_equal(info[1].type, IFLA_INFO_DATA | NLA_F_NESTED);
	assert_int_equal(collect(mnl_attr_get_payload(info[1].attr), info[1].len, data, 8), 4);
	assert_attr_u32(&data[0], IFLA_VTI_IKEY, htonl(0x11));
	assert_attr_u32(&data[1], IFLA_VTI_OKEY, htonl(0x22));
	assert_attr_addr(&data[2], IFLA_VTI_LOCAL, AF_INET, "192.168.0.1");
	assert_attr_addr(&data[3], IFLA_VTI_REMOTE, AF_INET, "192.168.0.2");
}

static void vti_msg_link_create_v6(void **state)
{
	static const uint8_t golden[] = {
		0x80, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05, 0x06, /* len 128, RTM_NEWLINK */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x0c, 0x00, 0x03, 0x00, 'T', 'u', 'n', 'n', 'e', 'l', '2', 0x00,
		0x54, 0x00, 0x12, 0x80, /* IFLA_LINKINFO */
		0x09, 0x00, 0x01, 0x00, 'v', 't', 'i', '6', 0x00, 0x00, 0x00, 0x00,
		0x44, 0x00, 0x02, 0x80, /* IFLA_INFO_DATA */
		0x08, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, /* IFLA_VTI_LINK 3 */
		0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, /* IKEY 0x100 */
		0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, /* OKEY 0x200 */
		0x14, 0x00, 0x04, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x14, 0x00, 0x05, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};
	struct vti_link_params p = tunnel2_v6();
	struct seen top[4], info[4], data[8];

	assert_int_equal(vti_msg_link_create(buf, sizeof(buf), 8, &p), 0);
	assert_golden(golden, sizeof(golden));

	assert_int_equal(collect_msg(sizeof(struct ifinfomsg), top, 4), 2);
	assert_attr_str(&top[0], IFLA_IFNAME, "Tunnel2");
	assert_int_equal(collect(mnl_attr_get_payload(top[1].attr), top[1].len, info, 4), 2);
	assert_attr_str(&info[0], IFLA_INFO_KIND, "vti6");
	assert_int_equal(collect(mnl_attr_get_payload(info[1].attr), info[1].len, data, 8), 5);
	assert_attr_u32(&data[0], IFLA_VTI_LINK, 3);
	assert_attr_u32(&data[1], IFLA_VTI_IKEY, htonl(0x100));
	assert_attr_u32(&data[2], IFLA_VTI_OKEY, htonl(0x200));
	assert_attr_addr(&data[3], IFLA_VTI_LOCAL, AF_INET6, "2001:db8::1");
	assert_attr_addr(&data[4], IFLA_VTI_REMOTE, AF_INET6, "2001:db8::2");
}

static void vti_msg_link_create_rejects(void **state)
{
	struct vti_link_params p = tunnel1();
	struct vti_error err;

	p.ikey = 0;
	assert_int_equal(vti_link_params_check(&p, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "VTI ikey and okey must be non-zero (0 means no mark)");
	assert_int_equal(vti_msg_link_create(buf, sizeof(buf), 1, &p), -EINVAL);

	p = tunnel1();
	p.okey = 0;
	assert_int_equal(vti_link_params_check(&p, &err), -EINVAL);
	assert_int_equal(vti_msg_link_create(buf, sizeof(buf), 1, &p), -EINVAL);

	p = tunnel1();
	p.family = AF_PACKET;
	assert_int_equal(vti_link_params_check(&p, &err), -EAFNOSUPPORT);
	assert_string_equal(err.msg, "VTI family must be AF_INET or AF_INET6");
	assert_int_equal(vti_msg_link_create(buf, sizeof(buf), 1, &p), -EAFNOSUPPORT);

	p = tunnel1();
	p.name[0] = '\0';
	assert_int_equal(vti_link_params_check(&p, &err), -EINVAL);
	memset(p.name, 'x', sizeof(p.name));
	assert_int_equal(vti_link_params_check(&p, &err), -EINVAL);
	assert_string_equal(err.msg, "link name must be 1 to 15 characters");

	p = tunnel1();
	p.link = -1;
	assert_int_equal(vti_link_params_check(&p, &err), -EINVAL);
	assert_int_equal(vti_link_params_check(&(struct vti_link_params){ .name = "a",
									 .family = AF_INET6,
									 .ikey = 1,
									 .okey = 1 },
					       &err),
			 0);
	assert_int_equal(err.code, -EINVAL); /* untouched on success */
}

static void vti_msg_link_simple(void **state)
{
	static const uint8_t del[] = {
		0x20, 0x00, 0x00, 0x00, 0x11, 0x00, 0x05, 0x00, /* RTM_DELLINK, REQ|ACK */
		0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, /* ifindex 5 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t up[] = {
		0x20, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00, /* RTM_SETLINK */
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* flags IFF_UP, change IFF_UP */
	};
	static const uint8_t down[] = {
		0x20, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,
		0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* flags 0, change IFF_UP */
	};
	static const uint8_t mtu[] = {
		0x28, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,
		0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x04, 0x00, 0x78, 0x05, 0x00, 0x00, /* IFLA_MTU 1400 */
	};
	static const uint8_t get_index[] = {
		0x20, 0x00, 0x00, 0x00, 0x12, 0x00, 0x05, 0x00, /* RTM_GETLINK */
		0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t get_name[] = {
		0x28, 0x00, 0x00, 0x00, 0x12, 0x00, 0x05, 0x00,
		0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x07, 0x00, 0x03, 0x00, 'v', '0', 0x00, 0x00, /* IFLA_IFNAME "v0" */
	};
	static const uint8_t dump[] = {
		0x20, 0x00, 0x00, 0x00, 0x12, 0x00, 0x05, 0x03, /* REQ|ACK|DUMP */
		0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct seen a[2];

	assert_int_equal(vti_msg_link_delete(buf, sizeof(buf), 9, 5), 0);
	assert_golden(del, sizeof(del));
	assert_header(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 9);
	assert_int_equal(ifinfo()->ifi_index, 5);

	assert_int_equal(vti_msg_link_set_up(buf, sizeof(buf), 10, 5, true), 0);
	assert_golden(up, sizeof(up));
	assert_int_equal(ifinfo()->ifi_flags, IFF_UP);
	assert_int_equal(ifinfo()->ifi_change, IFF_UP);
	assert_int_equal(vti_msg_link_set_up(buf, sizeof(buf), 11, 5, false), 0);
	assert_golden(down, sizeof(down));

	assert_int_equal(vti_msg_link_set_mtu(buf, sizeof(buf), 12, 5, 1400), 0);
	assert_golden(mtu, sizeof(mtu));
	assert_int_equal(collect_msg(sizeof(struct ifinfomsg), a, 2), 1);
	assert_attr_u32(&a[0], IFLA_MTU, 1400);

	assert_int_equal(vti_msg_link_get(buf, sizeof(buf), 13, 5, NULL), 0);
	assert_golden(get_index, sizeof(get_index));
	assert_int_equal(vti_msg_link_get(buf, sizeof(buf), 14, 0, "v0"), 0);
	assert_golden(get_name, sizeof(get_name));
	assert_int_equal(collect_msg(sizeof(struct ifinfomsg), a, 2), 1);
	assert_attr_str(&a[0], IFLA_IFNAME, "v0");
	assert_int_equal(vti_msg_link_dump(buf, sizeof(buf), 15), 0);
	assert_golden(dump, sizeof(dump));

	assert_int_equal(vti_msg_link_delete(buf, sizeof(buf), 1, 0), -EINVAL);
	assert_int_equal(vti_msg_link_set_up(buf, sizeof(buf), 1, -2, true), -EINVAL);
	assert_int_equal(vti_msg_link_set_mtu(buf, sizeof(buf), 1, 5, 0), -EINVAL);
	assert_int_equal(vti_msg_link_get(buf, sizeof(buf), 1, 0, NULL), -EINVAL);
	assert_int_equal(vti_msg_link_get(buf, sizeof(buf), 1, 3, "v0"), -EINVAL);
	assert_int_equal(vti_msg_link_get(buf, sizeof(buf), 1, 0, "0123456789abcdef"), -EINVAL);
	assert_int_equal(vti_msg_link_get(buf, sizeof(buf), 1, 0, ""), -EINVAL);
}

static void vti_msg_addr_add_del(void **state)
{
	static const uint8_t add4[] = {
		0x28, 0x00, 0x00, 0x00, 0x14, 0x00, 0x05, 0x06, /* RTM_NEWADDR, CREATE|EXCL */
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x18, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, /* AF_INET /24 scope 0 idx 5 */
		0x08, 0x00, 0x02, 0x00, 10, 0, 0, 1,		/* IFA_LOCAL */
		0x08, 0x00, 0x01, 0x00, 10, 0, 0, 1,		/* IFA_ADDRESS */
	};
	static const uint8_t del6[] = {
		0x40, 0x00, 0x00, 0x00, 0x15, 0x00, 0x05, 0x00, /* RTM_DELADDR */
		0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x0a, 0x40, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, /* AF_INET6 /64 */
		0x14, 0x00, 0x02, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x14, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct vti_prefix p4 = prefix(AF_INET, "10.0.0.1", 24);
	struct vti_prefix p6 = prefix(AF_INET6, "2001:db8::1", 64);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload((const struct nlmsghdr *)buf);
	struct seen a[3];

	assert_int_equal(vti_msg_addr(buf, sizeof(buf), 16, true, 5, &p4), 0);
	assert_golden(add4, sizeof(add4));
	assert_header(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 16);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_index, 5);
	assert_int_equal(collect_msg(sizeof(*ifa), a, 3), 2);
	assert_attr_addr(&a[0], IFA_LOCAL, AF_INET, "10.0.0.1");
	assert_attr_addr(&a[1], IFA_ADDRESS, AF_INET, "10.0.0.1");

	assert_int_equal(vti_msg_addr(buf, sizeof(buf), 17, false, 5, &p6), 0);
	assert_golden(del6, sizeof(del6));
	assert_header(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 17);
	assert_int_equal(collect_msg(sizeof(*ifa), a, 3), 2);
	assert_attr_addr(&a[0], IFA_LOCAL, AF_INET6, "2001:db8::1");
	assert_attr_addr(&a[1], IFA_ADDRESS, AF_INET6, "2001:db8::1");

	p4.len = 33;
	assert_int_equal(vti_msg_addr(buf, sizeof(buf), 1, true, 5, &p4), -EINVAL);
	p6.len = 129;
	assert_int_equal(vti_msg_addr(buf, sizeof(buf), 1, true, 5, &p6), -EINVAL);
	p4.len = 24;
	assert_int_equal(vti_msg_addr(buf, sizeof(buf), 1, true, 0, &p4), -EINVAL);
	p4.family = AF_UNIX;
	assert_int_equal(vti_msg_addr(buf, sizeof(buf), 1, true, 5, &p4), -EINVAL);
}

static void vti_msg_route_add_del(void **state)
{
	static const uint8_t add_dev[] = {
		0x2c, 0x00, 0x00, 0x00, 0x18, 0x00, 0x05, 0x06, /* RTM_NEWROUTE, CREATE|EXCL */
		0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x18, 0x00, 0x00, 0xfe, 0x04, 0xfd, 0x01, /* main, static, link, unicast */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x01, 0x00, 192, 168, 200, 0,		/* RTA_DST */
		0x08, 0x00, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00,	/* RTA_OIF 5 */
	};
	static const uint8_t add_gw[] = {
		0x3c, 0x00, 0x00, 0x00, 0x18, 0x00, 0x05, 0x06,
		0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x18, 0x00, 0x00, 0xfe, 0x04, 0x00, 0x01, /* scope universe */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x01, 0x00, 192, 168, 201, 0,		/* RTA_DST */
		0x08, 0x00, 0x05, 0x00, 10, 0, 0, 2,			/* RTA_GATEWAY */
		0x08, 0x00, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00,	/* RTA_OIF */
		0x08, 0x00, 0x06, 0x00, 0x64, 0x00, 0x00, 0x00,	/* RTA_PRIORITY 100 */
	};
	static const uint8_t del_dev[] = {
		0x2c, 0x00, 0x00, 0x00, 0x19, 0x00, 0x05, 0x00, /* RTM_DELROUTE */
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x18, 0x00, 0x00, 0xfe, 0x00, 0xff, 0x01, /* any proto, scope nowhere */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x01, 0x00, 192, 168, 200, 0,
		0x08, 0x00, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00,
	};
	static const uint8_t add6[] = {
		0x38, 0x00, 0x00, 0x00, 0x18, 0x00, 0x05, 0x06,
		0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x0a, 0x30, 0x00, 0x00, 0xfe, 0x04, 0xfd, 0x01, /* AF_INET6 /48 */
		0x00, 0x00, 0x00, 0x00,
		0x14, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x08, 0x00, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00,
	};
	static const uint8_t add_default[] = {
		0x24, 0x00, 0x00, 0x00, 0x18, 0x00, 0x05, 0x06,
		0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0xfe, 0x04, 0x00, 0x01, /* /0: no RTA_DST */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x05, 0x00, 10, 0, 0, 2,			/* RTA_GATEWAY only */
	};
	struct vti_route r = { .dst = prefix(AF_INET, "192.168.200.0", 24), .ifindex = 5 };
	const struct rtmsg *rtm = mnl_nlmsg_get_payload((const struct nlmsghdr *)buf);
	struct seen a[5];

	assert_int_equal(vti_msg_route(buf, sizeof(buf), 18, true, &r), 0);
	assert_golden(add_dev, sizeof(add_dev));
	assert_header(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 18);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 24);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, RTPROT_STATIC);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(collect_msg(sizeof(*rtm), a, 5), 2);
	assert_attr_addr(&a[0], RTA_DST, AF_INET, "192.168.200.0");
	assert_attr_u32(&a[1], RTA_OIF, 5);

	r.dst = prefix(AF_INET, "192.168.201.0", 24);
	r.has_gateway = true;
	inet_pton(AF_INET, "10.0.0.2", &r.gateway.v4);
	r.metric = 100;
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 19, true, &r), 0);
	assert_golden(add_gw, sizeof(add_gw));
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(collect_msg(sizeof(*rtm), a, 5), 4);
	assert_attr_addr(&a[0], RTA_DST, AF_INET, "192.168.201.0");
	assert_attr_addr(&a[1], RTA_GATEWAY, AF_INET, "10.0.0.2");
	assert_attr_u32(&a[2], RTA_OIF, 5);
	assert_attr_u32(&a[3], RTA_PRIORITY, 100);

	r = (struct vti_route){ .dst = prefix(AF_INET, "192.168.200.0", 24), .ifindex = 5 };
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 20, false, &r), 0);
	assert_golden(del_dev, sizeof(del_dev));
	assert_header(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, 20);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_NOWHERE);
	assert_int_equal(rtm->rtm_protocol, RTPROT_UNSPEC);

	r.dst = prefix(AF_INET6, "2001:db8:1::", 48);
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 21, true, &r), 0);
	assert_golden(add6, sizeof(add6));
	assert_int_equal(collect_msg(sizeof(*rtm), a, 5), 2);
	assert_attr_addr(&a[0], RTA_DST, AF_INET6, "2001:db8:1::");

	r = (struct vti_route){ .dst = prefix(AF_INET, "0.0.0.0", 0), .has_gateway = true };
	inet_pton(AF_INET, "10.0.0.2", &r.gateway.v4);
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 22, true, &r), 0);
	assert_golden(add_default, sizeof(add_default));

	r.has_gateway = false; /* neither device nor gateway */
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 1, true, &r), -EINVAL);
	r.ifindex = -1;
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 1, true, &r), -EINVAL);
	r = (struct vti_route){ .dst = prefix(AF_INET, "10.0.0.0", 8), .ifindex = 1 };
	r.dst.len = 40;
	assert_int_equal(vti_msg_route(buf, sizeof(buf), 1, true, &r), -EINVAL);
}

/* Every builder, given a heap buffer one byte too small (down to 0), refuses cleanly. */
static void vti_msg_short_buffers(void **state)
{
	struct vti_link_params v4 = tunnel1(), v6 = tunnel2_v6();
	struct vti_prefix p6 = prefix(AF_INET6, "2001:db8::1", 64);
	struct vti_route r = { .dst = prefix(AF_INET6, "2001:db8:1::", 48), .ifindex = 5,
			       .has_gateway = true, .metric = 7 };

	for (int kind = 0; kind < 8; kind++) {
		size_t full = 0;

		for (size_t size = 0;; size++) {
			uint8_t *b = malloc(size ? size : 1);
			int rc;

			switch (kind) {
			case 0: rc = vti_msg_link_create(b, size, 1, &v4); break;
			case 1: rc = vti_msg_link_create(b, size, 1, &v6); break;
			case 2: rc = vti_msg_link_set_mtu(b, size, 1, 2, 1500); break;
			case 3: rc = vti_msg_link_get(b, size, 1, 0, "Tunnel1"); break;
			case 4: rc = vti_msg_addr(b, size, 1, true, 2, &p6); break;
			case 5: rc = vti_msg_route(b, size, 1, true, &r); break;
			case 6: rc = vti_msg_link_dump(b, size, 1); break;
			default: rc = vti_msg_link_set_up(b, size, 1, 2, true); break;
			}
			if (rc == 0)
				full = ((struct nlmsghdr *)b)->nlmsg_len;
			free(b);
			if (rc == 0) {
				/* the smallest buffer that works is exactly the message */
				assert_int_equal(full, size);
				break;
			}
			assert_int_equal(rc, -EMSGSIZE);
			assert_true(size < 256);
		}
		assert_true(full > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vti_msg_link_create_v4),
		cmocka_unit_test(vti_msg_link_create_v6),
		cmocka_unit_test(vti_msg_link_create_rejects),
		cmocka_unit_test(vti_msg_link_simple),
		cmocka_unit_test(vti_msg_addr_add_del),
		cmocka_unit_test(vti_msg_route_add_del),
		cmocka_unit_test(vti_msg_short_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
