/*
 * Helpers shared by the xfrm unit tests: decode a message's attributes with plain libmnl
 * (independently of the library's own parsers), craft kernel-style messages, and spell
 * addresses.
 */
#ifndef XFRM_TEST_UTIL_H
#define XFRM_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "xfrm/xfrm.h"

#define TATTR_MAX 64

struct tattrs {
	const struct nlattr *tb[TATTR_MAX];
	unsigned int count[TATTR_MAX];
	unsigned int total;
	const char *end;
};

static inline int tattr_cb(const struct nlattr *a, void *data)
{
	struct tattrs *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type < TATTR_MAX) {
		t->tb[type] = a;
		t->count[type]++;
	}
	t->total++;
	t->end = (const char *)a + MNL_ALIGN(a->nla_len);
	return MNL_CB_OK;
}

/* Decodes the attributes after a body of body_len bytes; they must fill the message exactly. */
static inline void tattrs_decode(const struct nlmsghdr *nlh, size_t body_len, struct tattrs *t)
{
	memset(t, 0, sizeof(*t));
	t->end = (const char *)mnl_nlmsg_get_payload_offset(nlh, body_len);
	assert_int_equal(mnl_attr_parse(nlh, body_len, tattr_cb, t), MNL_CB_OK);
	assert_ptr_equal(t->end, (const char *)nlh + nlh->nlmsg_len);
}

static inline union xfrm_ip ip4(const char *s)
{
	union xfrm_ip ip;

	memset(&ip, 0, sizeof(ip));
	assert_int_equal(inet_pton(AF_INET, s, &ip.v4), 1);
	return ip;
}

static inline union xfrm_ip ip6(const char *s)
{
	union xfrm_ip ip;

	memset(&ip, 0, sizeof(ip));
	assert_int_equal(inet_pton(AF_INET6, s, &ip.v6), 1);
	return ip;
}

static inline xfrm_address_t kaddr(int family, const char *s)
{
	xfrm_address_t a;

	memset(&a, 0, sizeof(a));
	assert_int_equal(inet_pton(family, s, &a), 1);
	return a;
}

static inline void fill_key(uint8_t *key, size_t len, uint8_t start)
{
	for (size_t i = 0; i < len; i++)
		key[i] = (uint8_t)(start + i);
}

/* A message being crafted by hand, as the kernel would send it. */
static inline struct nlmsghdr *craft_begin(void *buf, uint16_t type, uint16_t flags, uint32_t seq,
					   uint32_t pid, const void *body, size_t body_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	if (body_len)
		memcpy(mnl_nlmsg_put_extra_header(nlh, body_len), body, body_len);
	return nlh;
}

#endif
