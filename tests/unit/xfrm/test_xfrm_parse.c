/*
 * Unit tests of the xfrm parsers on hand-crafted kernel messages: SA and policy replies,
 * ACKs with extended-ACK text, batch ACK accounting with per-request errors, and events
 * (acquire, expire, deletes by us or by others, flushes) delivered through the callbacks.
 * Malformed and truncated messages must be rejected cleanly.
 */
#include "xfrm_test_util.h"

#include <errno.h>
#include <linux/udp.h>

static uint8_t buf[8192] __attribute__((aligned(8)));

/* ---- SA replies ---- */

static struct xfrm_usersa_info kernel_sa(void)
{
	struct xfrm_usersa_info p;

	memset(&p, 0, sizeof(p));
	p.sel.family = AF_INET;
	p.sel.saddr = kaddr(AF_INET, "10.1.0.0");
	p.sel.daddr = kaddr(AF_INET, "10.2.0.0");
	p.sel.prefixlen_s = 16;
	p.sel.prefixlen_d = 24;
	p.sel.proto = IPPROTO_UDP;
	p.sel.sport = htons(500);
	p.sel.sport_mask = 0xffff;
	p.sel.dport = htons(99); /* mask 0: the port does not count */
	p.id.daddr = kaddr(AF_INET, "192.0.2.2");
	p.id.spi = htonl(0xdeadbeef);
	p.id.proto = IPPROTO_ESP;
	p.saddr = kaddr(AF_INET, "192.0.2.1");
	p.lft.soft_byte_limit = XFRM_INF;
	p.lft.hard_byte_limit = 5000000;
	p.lft.soft_packet_limit = XFRM_INF;
	p.lft.hard_packet_limit = XFRM_INF;
	p.lft.soft_add_expires_seconds = 3200;
	p.lft.hard_add_expires_seconds = 3600;
	p.curlft.bytes = 123456;
	p.curlft.packets = 789;
	p.curlft.add_time = 1700000000;
	p.curlft.use_time = 1700000100;
	p.stats.replay_window = 3;
	p.stats.replay = 4;
	p.stats.integrity_failed = 5;
	p.reqid = 0x10002;
	p.family = AF_INET;
	p.mode = XFRM_MODE_TUNNEL;
	p.flags = XFRM_STATE_ESN;
	return p;
}

static void put_algo(struct nlmsghdr *nlh, uint16_t type, const char *name, uint32_t key_bits,
		     int extra_kind, uint32_t extra)
{
	uint8_t tmp[200];
	size_t hlen = extra_kind ? 72 : 68;

	memset(tmp, 0, sizeof(tmp));
	strcpy((char *)tmp, name);
	memcpy(tmp + 64, &key_bits, 4);
	if (extra_kind)
		memcpy(tmp + 68, &extra, 4);
	fill_key(tmp + hlen, key_bits / 8, 0x55);
	mnl_attr_put(nlh, type, hlen + key_bits / 8, tmp);
}

/* Cuts that leave a shorter but valid message: [lo, hi] = the last attribute's end, with or
 * without (part of) its padding. */
static struct {
	size_t lo, hi;
} cuts[64];
static size_t n_cuts;

static void note_cut(const struct nlmsghdr *nlh)
{
	const struct nlattr *last = NULL;
	const char *p = (const char *)nlh + 16 + sizeof(struct xfrm_usersa_info);

	while (p < (const char *)nlh + nlh->nlmsg_len) {
		last = (const void *)p;
		p += MNL_ALIGN(last->nla_len);
	}
	cuts[n_cuts].hi = nlh->nlmsg_len;
	cuts[n_cuts].lo = nlh->nlmsg_len;
	if (last)
		cuts[n_cuts].lo = (size_t)((const char *)last - (const char *)nlh) + last->nla_len;
	n_cuts++;
}

static struct nlmsghdr *craft_sa_reply(void)
{
	struct xfrm_usersa_info p = kernel_sa();
	struct xfrm_encap_tmpl encap;
	struct xfrm_mark mark = { 0x2a, 0xffffffff };
	struct xfrm_replay_state_esn esn;
	uint8_t esn_buf[sizeof(esn) + 16];
	struct nlmsghdr *nlh;

	n_cuts = 0;
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 7, 4242, &p, sizeof(p));
	note_cut(nlh);
	put_algo(nlh, XFRMA_ALG_AUTH, "hmac(sha256)", 256, 0, 0);
	note_cut(nlh);
	put_algo(nlh, XFRMA_ALG_CRYPT, "cbc(aes)", 256, 0, 0);
	note_cut(nlh);
	put_algo(nlh, XFRMA_ALG_AUTH_TRUNC, "hmac(sha256)", 256, 1, 128);
	note_cut(nlh);
	memset(&encap, 0, sizeof(encap));
	encap.encap_type = UDP_ENCAP_ESPINUDP;
	encap.encap_sport = htons(4500);
	encap.encap_dport = htons(4501);
	mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(encap), &encap);
	note_cut(nlh);
	mnl_attr_put(nlh, XFRMA_MARK, sizeof(mark), &mark);
	note_cut(nlh);
	mnl_attr_put_u32(nlh, XFRMA_SET_MARK, 0x100);
	note_cut(nlh);
	mnl_attr_put_u32(nlh, XFRMA_SET_MARK_MASK, 0xff00);
	note_cut(nlh);
	memset(esn_buf, 0, sizeof(esn_buf));
	memset(&esn, 0, sizeof(esn));
	esn.bmp_len = 4;
	esn.replay_window = 128;
	esn.oseq = 10;
	memcpy(esn_buf, &esn, sizeof(esn));
	mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(esn_buf), esn_buf);
	note_cut(nlh);
	mnl_attr_put_u64(nlh, XFRMA_LASTUSED, 1700000100);
	note_cut(nlh);
	mnl_attr_put_u8(nlh, 40, 1); /* newer than our headers: must be skipped */
	note_cut(nlh);
	return nlh;
}

static void test_parse_sa_reply(void **state)
{
	const struct nlmsghdr *nlh = craft_sa_reply();
	struct xfrm_sa_info sa;
	union xfrm_ip want;

	(void)state;
	assert_int_equal(xfrm_parse_sa(nlh, &sa), 0);
	assert_int_equal(sa.family, AF_INET);
	want = ip4("192.0.2.1");
	assert_memory_equal(&sa.src, &want, sizeof(want));
	want = ip4("192.0.2.2");
	assert_memory_equal(&sa.dst, &want, sizeof(want));
	assert_int_equal(sa.spi, 0xdeadbeef);
	assert_int_equal(sa.proto, IPPROTO_ESP);
	assert_int_equal(sa.reqid, 0x10002);
	assert_int_equal(sa.mode, XFRM_MODE_TUNNEL);
	assert_true(sa.esn);
	assert_int_equal(sa.replay_window, 128);
	assert_int_equal(sa.sel.family, AF_INET);
	assert_int_equal(sa.sel.src_plen, 16);
	assert_int_equal(sa.sel.dst_plen, 24);
	assert_int_equal(sa.sel.proto, IPPROTO_UDP);
	assert_int_equal(sa.sel.sport, 500);
	assert_int_equal(sa.sel.dport, 0);
	want = ip4("10.2.0.0");
	assert_memory_equal(&sa.sel.dst, &want, sizeof(want));
	assert_false(sa.aead);
	assert_string_equal(sa.enc_name, "cbc(aes)");
	assert_int_equal(sa.enc_key_bits, 256);
	assert_ptr_equal(sa.enc_alg, xfrm_alg_lookup("aes-cbc-256"));
	assert_string_equal(sa.integ_name, "hmac(sha256)");
	assert_int_equal(sa.integ_key_bits, 256);
	assert_int_equal(sa.integ_trunc_bits, 128);
	assert_ptr_equal(sa.integ_alg, xfrm_alg_lookup("hmac-sha256"));
	assert_true(sa.udp_encap);
	assert_int_equal(sa.encap_type, UDP_ENCAP_ESPINUDP);
	assert_int_equal(sa.encap_sport, 4500);
	assert_int_equal(sa.encap_dport, 4501);
	assert_int_equal(sa.mark.v, 0x2a);
	assert_int_equal(sa.mark.m, 0xffffffff);
	assert_int_equal(sa.output_mark, 0x100);
	assert_int_equal(sa.output_mark_mask, 0xff00);
	assert_int_equal(sa.lft.soft_bytes, 0);
	assert_int_equal(sa.lft.hard_bytes, 5000000);
	assert_int_equal(sa.lft.hard_packets, 0);
	assert_int_equal(sa.lft.soft_seconds, 3200);
	assert_int_equal(sa.lft.hard_seconds, 3600);
	assert_int_equal(sa.counters.bytes, 123456);
	assert_int_equal(sa.counters.packets, 789);
	assert_int_equal(sa.counters.add_time, 1700000000);
	assert_int_equal(sa.counters.use_time, 1700000100);
	assert_int_equal(sa.counters.replay_window_errors, 3);
	assert_int_equal(sa.counters.replay_errors, 4);
	assert_int_equal(sa.counters.integrity_errors, 5);
}

/* An AEAD SA as the kernel reports it, IPv6, counters from XFRMA_LTIME_VAL. */
static void test_parse_sa_aead_v6(void **state)
{
	struct xfrm_usersa_info p = kernel_sa();
	struct xfrm_lifetime_cur cur = { 11, 22, 33, 44 };
	struct nlmsghdr *nlh;
	struct xfrm_sa_info sa;
	union xfrm_ip want = ip6("2001:db8::2");

	(void)state;
	memset(&p.sel, 0, sizeof(p.sel));
	p.family = AF_INET6;
	p.id.daddr = kaddr(AF_INET6, "2001:db8::2");
	p.saddr = kaddr(AF_INET6, "2001:db8::1");
	p.flags = 0;
	p.replay_window = 32;
	nlh = craft_begin(buf, XFRM_MSG_UPDSA, 0, 0, 0, &p, sizeof(p));
	put_algo(nlh, XFRMA_ALG_AEAD, "rfc7539esp(chacha20,poly1305)", 288, 1, 128);
	mnl_attr_put(nlh, XFRMA_LTIME_VAL, sizeof(cur), &cur);
	assert_int_equal(xfrm_parse_sa(nlh, &sa), 0);
	assert_int_equal(sa.family, AF_INET6);
	assert_memory_equal(&sa.dst, &want, sizeof(want));
	assert_false(sa.esn);
	assert_int_equal(sa.replay_window, 32);
	assert_true(sa.aead);
	assert_string_equal(sa.enc_name, "rfc7539esp(chacha20,poly1305)");
	assert_int_equal(sa.enc_icv_bits, 128);
	assert_ptr_equal(sa.enc_alg, xfrm_alg_lookup("chacha20-poly1305"));
	assert_null(sa.integ_alg);
	assert_string_equal(sa.integ_name, "");
	assert_false(sa.udp_encap);
	assert_int_equal(sa.mark.m, 0);
	assert_int_equal(sa.counters.bytes, 11);
	assert_int_equal(sa.counters.packets, 22);
	assert_int_equal(sa.sel.family, 0);
}

/* Cutting the message anywhere but at an attribute end must be refused. */
static void test_parse_sa_truncated(void **state)
{
	struct nlmsghdr *nlh = craft_sa_reply();
	uint32_t full = nlh->nlmsg_len;
	unsigned int accepted = 0;
	struct xfrm_sa_info sa;

	(void)state;
	for (uint32_t len = 16; len < full; len++) {
		bool boundary = false;
		int r;

		for (size_t i = 0; i < n_cuts; i++)
			if (len >= cuts[i].lo && len <= cuts[i].hi)
				boundary = true;
		nlh->nlmsg_len = len;
		r = xfrm_parse_sa(nlh, &sa);
		if (boundary) {
			assert_int_equal(r, 0);
			accepted++;
		} else {
			assert_int_equal(r, -EBADMSG);
		}
	}
	assert_true(accepted >= 10);
	nlh->nlmsg_len = full;
	assert_int_equal(xfrm_parse_sa(nlh, &sa), 0);
}

static void test_parse_sa_malformed(void **state)
{
	struct xfrm_usersa_info p = kernel_sa();
	struct xfrm_sa_info sa;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	uint8_t esn[24] = { 0 };
	uint32_t big = 200;

	(void)state;
	/* Wrong message type. */
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, 0, 0, 0, &p, sizeof(p));
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EPROTO);
	/* Body too short. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p) - 4);
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* Unknown family. */
	p.family = 7;
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	p.family = AF_INET;
	/* Mark of 4 bytes. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put_u32(nlh, XFRMA_MARK, 1);
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* u32 attribute of 8 bytes. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put_u64(nlh, XFRMA_SET_MARK, 1);
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* Key longer than the attribute. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	put_algo(nlh, XFRMA_ALG_CRYPT, "cbc(aes)", 128, 0, 0);
	a = (struct nlattr *)((char *)nlh + 16 + sizeof(p));
	memcpy((char *)mnl_attr_get_payload(a) + 64, &big, 4); /* 200 bits > 16 bytes */
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* Algorithm attribute shorter than its header. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	{
		uint8_t short_alg[68] = { 0 };

		mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(short_alg), short_alg);
	}
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* ESN bitmap too long, and bitmap announced but cut. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	big = 129;
	memcpy(esn, &big, 4);
	mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(esn), esn);
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	big = 4;
	memcpy(esn, &big, 4);
	{
		uint8_t esn2[28] = { 0 };

		memcpy(esn2, esn, sizeof(esn));
		mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(esn2), esn2);
	}
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* Attribute length pointing past the message. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put_u32(nlh, XFRMA_SET_MARK, 1);
	a = (struct nlattr *)((char *)nlh + 16 + sizeof(p));
	a->nla_len = 64;
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* Attribute length below its own header. */
	a->nla_len = 2;
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* Trailing bytes that are no attribute. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	nlh->nlmsg_len += 3;
	assert_int_equal(xfrm_parse_sa(nlh, &sa), -EBADMSG);
	/* An unterminated algorithm name is cut, not overrun. */
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	{
		uint8_t alg[68 + 16];

		memset(alg, 'A', 64);
		big = 128;
		memcpy(alg + 64, &big, 4);
		memset(alg + 68, 0, 16);
		mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof(alg), alg);
	}
	assert_int_equal(xfrm_parse_sa(nlh, &sa), 0);
	assert_int_equal(strlen(sa.enc_name), 63);
	assert_null(sa.enc_alg);
}

/* ---- Policies ---- */

static struct xfrm_userpolicy_info kernel_policy(void)
{
	struct xfrm_userpolicy_info p;

	memset(&p, 0, sizeof(p));
	p.sel.family = AF_INET6;
	p.sel.saddr = kaddr(AF_INET6, "2001:db8:a::");
	p.sel.daddr = kaddr(AF_INET6, "2001:db8:b::");
	p.sel.prefixlen_s = 64;
	p.sel.prefixlen_d = 56;
	p.lft.soft_byte_limit = XFRM_INF;
	p.priority = 7;
	p.index = 0x12a;
	p.dir = XFRM_POLICY_FWD;
	p.action = XFRM_POLICY_ALLOW;
	return p;
}

static void kernel_tmpls(struct xfrm_user_tmpl t[2])
{
	memset(t, 0, 2 * sizeof(t[0]));
	t[0].id.daddr = kaddr(AF_INET, "192.0.2.2");
	t[0].id.proto = IPPROTO_ESP;
	t[0].family = AF_INET;
	t[0].saddr = kaddr(AF_INET, "192.0.2.1");
	t[0].reqid = 0x10001;
	t[0].mode = XFRM_MODE_TUNNEL;
	t[1].id.proto = IPPROTO_ESP;
	t[1].family = AF_INET6;
	t[1].reqid = 3;
	t[1].mode = XFRM_MODE_TRANSPORT;
}

static void test_parse_policy(void **state)
{
	struct xfrm_userpolicy_info p = kernel_policy();
	struct xfrm_userpolicy_type ptype = { 0 };
	struct xfrm_mark mark = { 5, 0xff };
	struct xfrm_user_tmpl t[2];
	struct xfrm_policy pol;
	struct nlmsghdr *nlh;
	union xfrm_ip want;

	(void)state;
	kernel_tmpls(t);
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, NLM_F_MULTI, 3, 77, &p, sizeof(p));
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), t);
	mnl_attr_put(nlh, XFRMA_MARK, sizeof(mark), &mark);
	mnl_attr_put_u32(nlh, XFRMA_IF_ID, 12);
	mnl_attr_put(nlh, XFRMA_POLICY_TYPE, sizeof(ptype), &ptype);
	assert_int_equal(xfrm_parse_policy(nlh, &pol), 0);
	assert_int_equal(pol.sel.family, AF_INET6);
	want = ip6("2001:db8:b::");
	assert_memory_equal(&pol.sel.dst, &want, sizeof(want));
	assert_int_equal(pol.sel.src_plen, 64);
	assert_int_equal(pol.sel.dst_plen, 56);
	assert_int_equal(pol.dir, XFRM_POLICY_FWD);
	assert_int_equal(pol.priority, 7);
	assert_int_equal(pol.index, 0x12a);
	assert_int_equal(pol.mark.v, 5);
	assert_int_equal(pol.mark.m, 0xff);
	assert_int_equal(pol.if_id, 12);
	assert_int_equal(pol.n_tmpls, 2);
	assert_int_equal(pol.tmpls[0].family, AF_INET);
	want = ip4("192.0.2.2");
	assert_memory_equal(&pol.tmpls[0].dst, &want, sizeof(want));
	want = ip4("192.0.2.1");
	assert_memory_equal(&pol.tmpls[0].src, &want, sizeof(want));
	assert_int_equal(pol.tmpls[0].reqid, 0x10001);
	assert_int_equal(pol.tmpls[0].mode, XFRM_MODE_TUNNEL);
	assert_int_equal(pol.tmpls[0].proto, IPPROTO_ESP);
	assert_int_equal(pol.tmpls[1].reqid, 3);
	assert_int_equal(pol.tmpls[1].mode, XFRM_MODE_TRANSPORT);

	/* The policy round-trips through the builder: same body, same templates. */
	{
		uint8_t out[XFRM_MSG_SIZE_MAX] __attribute__((aligned(8)));
		struct xfrm_policy again;

		assert_int_equal(xfrm_build_policy_update(out, sizeof(out), &pol), 0);
		assert_int_equal(xfrm_parse_policy((const void *)out, &again), 0);
		assert_memory_equal(&again, &pol, sizeof(pol));
	}
}

static void test_parse_policy_malformed(void **state)
{
	struct xfrm_userpolicy_info p = kernel_policy();
	uint8_t tmpls[7 * sizeof(struct xfrm_user_tmpl)] = { 0 };
	struct xfrm_policy pol;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put(nlh, XFRMA_TMPL, 65, tmpls);
	assert_int_equal(xfrm_parse_policy(nlh, &pol), -EBADMSG);
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(tmpls), tmpls);
	assert_int_equal(xfrm_parse_policy(nlh, &pol), -EBADMSG);
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, 0, 0, 0, &p, sizeof(p));
	nlh->nlmsg_len -= 4;
	assert_int_equal(xfrm_parse_policy(nlh, &pol), -EBADMSG);
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 0, 0, &p, sizeof(p));
	assert_int_equal(xfrm_parse_policy(nlh, &pol), -EPROTO);
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put_u8(nlh, XFRMA_IF_ID, 1);
	assert_int_equal(xfrm_parse_policy(nlh, &pol), -EBADMSG);
	/* Six templates is the kernel's maximum and fine. */
	nlh = craft_begin(buf, XFRM_MSG_NEWPOLICY, 0, 0, 0, &p, sizeof(p));
	mnl_attr_put(nlh, XFRMA_TMPL, 6 * sizeof(struct xfrm_user_tmpl), tmpls);
	assert_int_equal(xfrm_parse_policy(nlh, &pol), 0);
	assert_int_equal(pol.n_tmpls, 6);
}

/* ---- ACKs ---- */

/* An NLMSG_ERROR as the kernel sends it; orig_payload > 0 echoes the request (no CAP_ACK). */
static struct nlmsghdr *craft_ack(void *b, uint32_t seq, int error, const char *msg,
				  size_t orig_payload)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 1234;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + orig_payload);
	e->error = error;
	e->msg.nlmsg_len = (uint32_t)(16 + orig_payload);
	e->msg.nlmsg_type = XFRM_MSG_NEWSA;
	e->msg.nlmsg_seq = seq;
	if (!orig_payload)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh;
}

static void test_parse_ack(void **state)
{
	struct xfrm_error e;
	struct nlmsghdr *nlh;
	char long_msg[201];

	(void)state;
	nlh = craft_ack(buf, 1, 0, NULL, 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), 0);
	assert_int_equal(e.err, 0);
	assert_string_equal(e.msg, "");

	nlh = craft_ack(buf, 1, -EPROTONOSUPPORT, "Requested type not found", 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), 0);
	assert_int_equal(e.err, -EPROTONOSUPPORT);
	assert_string_equal(e.msg, "Requested type not found");

	/* Not capped: the whole request comes back before the TLVs. */
	nlh = craft_ack(buf, 1, -EINVAL, "Invalid ESN", 40);
	assert_int_equal(xfrm_parse_ack(nlh, &e), 0);
	assert_int_equal(e.err, -EINVAL);
	assert_string_equal(e.msg, "Invalid ESN");

	/* A warning on success is surfaced too. */
	nlh = craft_ack(buf, 1, 0, "warning text", 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), 0);
	assert_int_equal(e.err, 0);
	assert_string_equal(e.msg, "warning text");

	memset(long_msg, 'x', 200);
	long_msg[200] = '\0';
	nlh = craft_ack(buf, 1, -EINVAL, long_msg, 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), 0);
	assert_int_equal(strlen(e.msg), XFRM_ERRMSG_MAX - 1);

	/* Echoed request longer than what is there. */
	nlh = craft_ack(buf, 1, -EINVAL, NULL, 40);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 500;
	assert_int_equal(xfrm_parse_ack(nlh, &e), -EBADMSG);
	/* Message text without its NUL. */
	nlh = craft_ack(buf, 1, -EINVAL, NULL, 0);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
	assert_int_equal(xfrm_parse_ack(nlh, &e), -EBADMSG);
	/* Positive or absurd error values. */
	nlh = craft_ack(buf, 1, 5, NULL, 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), -EBADMSG);
	nlh = craft_ack(buf, 1, -100000, NULL, 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), -EBADMSG);
	/* Shorter than struct nlmsgerr. */
	nlh = craft_ack(buf, 1, -EINVAL, NULL, 0);
	nlh->nlmsg_len = 16 + 8;
	assert_int_equal(xfrm_parse_ack(nlh, &e), -EBADMSG);

	/* NLMSG_DONE: int status, then TLVs. */
	{
		int st = -EINTR;

		nlh = craft_begin(buf, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 1, 0, &st,
				  sizeof(st));
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump interrupted");
		assert_int_equal(xfrm_parse_ack(nlh, &e), 0);
		assert_int_equal(e.err, -EINTR);
		assert_string_equal(e.msg, "dump interrupted");
		nlh = craft_begin(buf, NLMSG_DONE, NLM_F_MULTI, 1, 0, &st, 2);
		assert_int_equal(xfrm_parse_ack(nlh, &e), -EBADMSG);
	}
	nlh = craft_begin(buf, XFRM_MSG_NEWSA, 0, 1, 0, NULL, 0);
	assert_int_equal(xfrm_parse_ack(nlh, &e), -EPROTO);
}

/* Per-request results of a batch from crafted ACK datagrams. */
static void test_acks_parse(void **state)
{
	struct xfrm_error res[4];
	size_t answered, off = 0;
	uint8_t *p = buf;
	struct nlmsghdr *nlh;

	(void)state;
	for (int i = 0; i < 4; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].err = XFRM_ERR_PENDING;
	}
	/* Datagram 1: seq 100 ok, 101 EEXIST with text, 102 ENOENT. */
	nlh = craft_ack(p + off, 100, 0, NULL, 0);
	off += nlh->nlmsg_len;
	nlh = craft_ack(p + off, 101, -EEXIST, "SA already exists", 0);
	off += nlh->nlmsg_len;
	nlh = craft_ack(p + off, 102, -ENOENT, NULL, 0);
	off += nlh->nlmsg_len;
	assert_int_equal(xfrm_acks_parse(buf, off, 100, res, 4, &answered), 0);
	assert_int_equal(answered, 3);
	assert_int_equal(res[0].err, 0);
	assert_int_equal(res[1].err, -EEXIST);
	assert_string_equal(res[1].msg, "SA already exists");
	assert_int_equal(res[2].err, -ENOENT);
	assert_string_equal(res[2].msg, "");
	assert_int_equal(res[3].err, XFRM_ERR_PENDING);

	/* Datagram 2: a reply message, a stray seq, a duplicate, then the last ACK. */
	off = 0;
	{
		struct xfrm_usersa_info sa = kernel_sa();

		nlh = craft_begin(p, XFRM_MSG_NEWSA, 0, 103, 1234, &sa, sizeof(sa));
		off += nlh->nlmsg_len;
	}
	nlh = craft_ack(p + off, 999, -EPERM, NULL, 0);
	off += nlh->nlmsg_len;
	nlh = craft_ack(p + off, 100, -EINVAL, NULL, 0);
	off += nlh->nlmsg_len;
	nlh = craft_ack(p + off, 103, -ENOSYS, "Requested AEAD algorithm not found", 0);
	off += nlh->nlmsg_len;
	assert_int_equal(xfrm_acks_parse(buf, off, 100, res, 4, &answered), 0);
	assert_int_equal(answered, 1);
	assert_int_equal(res[0].err, 0); /* the duplicate changed nothing */
	assert_int_equal(res[3].err, -ENOSYS);
	assert_string_equal(res[3].msg, "Requested AEAD algorithm not found");

	/* Sequence numbers wrapping around 2^32. */
	for (int i = 0; i < 2; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].err = XFRM_ERR_PENDING;
	}
	off = 0;
	nlh = craft_ack(p, 0xffffffff, 0, NULL, 0);
	off += nlh->nlmsg_len;
	nlh = craft_ack(p + off, 0, -EBUSY, NULL, 0);
	off += nlh->nlmsg_len;
	assert_int_equal(xfrm_acks_parse(buf, off, 0xffffffff, res, 2, &answered), 0);
	assert_int_equal(answered, 2);
	assert_int_equal(res[1].err, -EBUSY);

	/* Malformed: trailing junk, a broken ACK. */
	res[0].err = XFRM_ERR_PENDING;
	nlh = craft_ack(p, 7, 0, NULL, 0);
	assert_int_equal(xfrm_acks_parse(buf, nlh->nlmsg_len + 8, 7, res, 1, &answered), -EBADMSG);
	assert_int_equal(res[0].err, 0); /* what came before the junk counts */
	res[0].err = XFRM_ERR_PENDING;
	nlh->nlmsg_len = 16 + 2;
	assert_int_equal(xfrm_acks_parse(buf, 20, 7, res, 1, &answered), -EBADMSG);
	assert_int_equal(res[0].err, XFRM_ERR_PENDING);
}

/* An nlmsg_len of 2^31 or more must not pass for "fits" (libmnl's int cast lets it). */
static void test_huge_nlmsg_len(void **state)
{
	struct xfrm_error res[1];
	struct nlmsghdr *nlh;
	size_t answered;

	(void)state;
	memset(buf, 0xff, 128);
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_len = 0xff000014;
	nlh->nlmsg_type = NLMSG_ERROR;
	assert_false(xfrm_nlmsg_ok(nlh, 128));
	assert_false(xfrm_nlmsg_ok(nlh, -4));
	nlh->nlmsg_len = 0x80000000;
	assert_false(xfrm_nlmsg_ok(nlh, 128));
	nlh->nlmsg_len = 15;
	assert_false(xfrm_nlmsg_ok(nlh, 128));
	nlh->nlmsg_len = 128;
	assert_true(xfrm_nlmsg_ok(nlh, 128));
	assert_false(xfrm_nlmsg_ok(nlh, 127));
	nlh->nlmsg_len = 0xff000014;
	res[0].err = XFRM_ERR_PENDING;
	assert_int_equal(xfrm_acks_parse(buf, 128, 0, res, 1, &answered), -EBADMSG);
	assert_int_equal(answered, 0);
	assert_int_equal(xfrm_events_deliver(&(struct xfrm_event_ops){ 0 }, NULL, 0, buf, 128),
			 -EBADMSG);
}

/* ---- Events ---- */

struct rec {
	unsigned int acquires, expires, sa_dels, pol_dels, flushes;
	struct xfrm_acquire acq;
	struct xfrm_sa_info exp_sa, del_sa;
	bool exp_hard[4], del_own[4], pol_own, flush_pol[4], flush_own[4];
	struct xfrm_policy pol;
};

static void on_acquire(const struct xfrm_acquire *acq, void *userdata)
{
	struct rec *r = userdata;

	r->acq = *acq;
	r->acquires++;
}

static void on_expire(const struct xfrm_sa_info *sa, bool hard, void *userdata)
{
	struct rec *r = userdata;

	r->exp_sa = *sa;
	r->exp_hard[r->expires++ % 4] = hard;
}

static void on_sa_deleted(const struct xfrm_sa_info *sa, bool own, void *userdata)
{
	struct rec *r = userdata;

	r->del_sa = *sa;
	r->del_own[r->sa_dels++ % 4] = own;
}

static void on_policy_deleted(const struct xfrm_policy *pol, bool own, void *userdata)
{
	struct rec *r = userdata;

	r->pol = *pol;
	r->pol_own = own;
	r->pol_dels++;
}

static void on_flushed(bool policies, bool own, void *userdata)
{
	struct rec *r = userdata;

	r->flush_pol[r->flushes % 4] = policies;
	r->flush_own[r->flushes++ % 4] = own;
}

static const struct xfrm_event_ops ops = {
	.acquire = on_acquire,
	.expire = on_expire,
	.sa_deleted = on_sa_deleted,
	.policy_deleted = on_policy_deleted,
	.flushed = on_flushed,
};

#define SELF 1234

static size_t craft_acquire(uint8_t *p)
{
	struct xfrm_user_acquire ua;
	struct xfrm_user_tmpl t[2];
	struct xfrm_mark mark = { 9, 0xffffffff };
	struct nlmsghdr *nlh;

	memset(&ua, 0, sizeof(ua));
	ua.id.daddr = kaddr(AF_INET, "192.0.2.2");
	ua.id.proto = IPPROTO_ESP;
	ua.saddr = kaddr(AF_INET, "192.0.2.1");
	ua.sel.family = AF_INET;
	ua.sel.saddr = kaddr(AF_INET, "10.1.0.5");
	ua.sel.daddr = kaddr(AF_INET, "10.2.0.7");
	ua.sel.prefixlen_s = 32;
	ua.sel.prefixlen_d = 32;
	ua.sel.proto = IPPROTO_UDP;
	ua.sel.dport = htons(53);
	ua.sel.dport_mask = 0xffff;
	ua.policy.sel.family = AF_INET;
	ua.policy.priority = 100;
	ua.policy.index = 0x201;
	ua.policy.dir = XFRM_POLICY_OUT;
	ua.seq = 0x55;
	kernel_tmpls(t);
	t[0].reqid = 0x10003;
	nlh = craft_begin(p, XFRM_MSG_ACQUIRE, 0, 0, 0, &ua, sizeof(ua));
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), t);
	mnl_attr_put(nlh, XFRMA_MARK, sizeof(mark), &mark);
	return MNL_ALIGN(nlh->nlmsg_len);
}

static size_t craft_expire(uint8_t *p, bool hard)
{
	struct xfrm_user_expire ue;
	struct xfrm_mark mark = { 3, 0xffffffff };
	struct nlmsghdr *nlh;

	memset(&ue, 0, sizeof(ue));
	ue.state = kernel_sa();
	ue.hard = hard;
	nlh = craft_begin(p, XFRM_MSG_EXPIRE, 0, 0, 0, &ue, sizeof(ue));
	mnl_attr_put(nlh, XFRMA_MARK, sizeof(mark), &mark);
	return MNL_ALIGN(nlh->nlmsg_len);
}

static size_t craft_delsa(uint8_t *p, uint32_t pid)
{
	struct xfrm_usersa_info sa = kernel_sa();
	struct xfrm_mark mark = { 4, 0xff };
	struct xfrm_usersa_id id;
	struct nlmsghdr *nlh;

	memset(&id, 0, sizeof(id));
	id.daddr = sa.id.daddr;
	id.spi = sa.id.spi;
	id.family = AF_INET;
	id.proto = IPPROTO_ESP;
	nlh = craft_begin(p, XFRM_MSG_DELSA, 0, 5, pid, &id, sizeof(id));
	mnl_attr_put(nlh, XFRMA_SA, sizeof(sa), &sa);
	put_algo(nlh, XFRMA_ALG_AEAD, "rfc4106(gcm(aes))", 160, 1, 128);
	mnl_attr_put(nlh, XFRMA_MARK, sizeof(mark), &mark);
	return MNL_ALIGN(nlh->nlmsg_len);
}

static size_t craft_delpolicy(uint8_t *p, uint32_t pid)
{
	struct xfrm_userpolicy_info info = kernel_policy();
	struct xfrm_userpolicy_id id;
	struct xfrm_user_tmpl t[2];
	struct nlmsghdr *nlh;

	memset(&id, 0, sizeof(id));
	id.sel = info.sel;
	id.index = info.index;
	id.dir = info.dir;
	kernel_tmpls(t);
	nlh = craft_begin(p, XFRM_MSG_DELPOLICY, 0, 6, pid, &id, sizeof(id));
	mnl_attr_put(nlh, XFRMA_POLICY, sizeof(info), &info);
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), t);
	return MNL_ALIGN(nlh->nlmsg_len);
}

static void test_events_deliver(void **state)
{
	struct rec r;
	size_t off = 0;
	union xfrm_ip want;
	struct xfrm_usersa_flush fl = { 255 }; /* IPSEC_PROTO_ANY */
	struct nlmsghdr *nlh;

	(void)state;
	memset(&r, 0, sizeof(r));
	off += craft_acquire(buf + off);
	off += craft_expire(buf + off, false);
	off += craft_expire(buf + off, true);
	off += craft_delsa(buf + off, SELF);
	off += craft_delsa(buf + off, 999);
	off += craft_delpolicy(buf + off, 0);
	nlh = craft_begin(buf + off, XFRM_MSG_FLUSHSA, 0, 0, 77, &fl, sizeof(fl));
	off += MNL_ALIGN(nlh->nlmsg_len);
	nlh = craft_begin(buf + off, XFRM_MSG_FLUSHPOLICY, 0, 0, SELF, NULL, 0);
	off += MNL_ALIGN(nlh->nlmsg_len);
	{ /* A new SA is not reported. */
		struct xfrm_usersa_info sa = kernel_sa();

		nlh = craft_begin(buf + off, XFRM_MSG_NEWSA, 0, 0, 0, &sa, sizeof(sa));
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	assert_int_equal(xfrm_events_deliver(&ops, &r, SELF, buf, off), 0);

	assert_int_equal(r.acquires, 1);
	assert_int_equal(r.acq.family, AF_INET);
	want = ip4("192.0.2.2");
	assert_memory_equal(&r.acq.dst, &want, sizeof(want));
	want = ip4("192.0.2.1");
	assert_memory_equal(&r.acq.src, &want, sizeof(want));
	assert_int_equal(r.acq.proto, IPPROTO_ESP);
	assert_int_equal(r.acq.reqid, 0x10003);
	assert_int_equal(r.acq.seq, 0x55);
	assert_int_equal(r.acq.sel.dport, 53);
	assert_int_equal(r.acq.sel.proto, IPPROTO_UDP);
	want = ip4("10.2.0.7");
	assert_memory_equal(&r.acq.sel.dst, &want, sizeof(want));
	assert_int_equal(r.acq.policy_index, 0x201);
	assert_int_equal(r.acq.policy_dir, XFRM_POLICY_OUT);
	assert_int_equal(r.acq.policy_priority, 100);
	assert_int_equal(r.acq.mark.v, 9);

	assert_int_equal(r.expires, 2);
	assert_false(r.exp_hard[0]);
	assert_true(r.exp_hard[1]);
	assert_int_equal(r.exp_sa.spi, 0xdeadbeef);
	assert_int_equal(r.exp_sa.reqid, 0x10002);
	assert_int_equal(r.exp_sa.mark.v, 3);

	assert_int_equal(r.sa_dels, 2);
	assert_true(r.del_own[0]);
	assert_false(r.del_own[1]);
	assert_int_equal(r.del_sa.spi, 0xdeadbeef);
	assert_int_equal(r.del_sa.reqid, 0x10002);
	assert_int_equal(r.del_sa.mark.v, 4);
	assert_ptr_equal(r.del_sa.enc_alg, xfrm_alg_lookup("aes-gcm-128"));

	assert_int_equal(r.pol_dels, 1);
	assert_false(r.pol_own);
	assert_int_equal(r.pol.index, 0x12a);
	assert_int_equal(r.pol.dir, XFRM_POLICY_FWD);
	assert_int_equal(r.pol.priority, 7);
	assert_int_equal(r.pol.n_tmpls, 2);
	assert_int_equal(r.pol.tmpls[0].reqid, 0x10001);

	assert_int_equal(r.flushes, 2);
	assert_false(r.flush_pol[0]);
	assert_false(r.flush_own[0]);
	assert_true(r.flush_pol[1]);
	assert_true(r.flush_own[1]);

	/* Without a self portid nothing is "own". */
	memset(&r, 0, sizeof(r));
	assert_int_equal(xfrm_events_deliver(&ops, &r, 0, buf, off), 0);
	assert_false(r.del_own[0]);
	assert_false(r.flush_own[1]);
	/* NULL callbacks are skipped. */
	{
		struct xfrm_event_ops only = { .acquire = on_acquire };

		memset(&r, 0, sizeof(r));
		assert_int_equal(xfrm_events_deliver(&only, &r, SELF, buf, off), 0);
		assert_int_equal(r.acquires, 1);
		assert_int_equal(r.expires + r.sa_dels + r.pol_dels + r.flushes, 0);
	}
}

static void test_events_malformed(void **state)
{
	struct xfrm_event ev;
	struct nlmsghdr *nlh;
	struct rec r;
	size_t off = 0, bad_at;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* A truncated acquire between two valid events: the valid ones still arrive. */
	off += craft_expire(buf + off, true);
	bad_at = off;
	off += craft_acquire(buf + off);
	nlh = (struct nlmsghdr *)(buf + bad_at);
	nlh->nlmsg_len = 16 + 40;
	off = bad_at + MNL_ALIGN(nlh->nlmsg_len);
	off += craft_delsa(buf + off, 1);
	assert_int_equal(xfrm_events_deliver(&ops, &r, SELF, buf, off), -EBADMSG);
	assert_int_equal(r.expires, 1);
	assert_int_equal(r.acquires, 0);
	assert_int_equal(r.sa_dels, 1);

	/* Trailing junk after the last message. */
	memset(&r, 0, sizeof(r));
	off = craft_expire(buf, false);
	assert_int_equal(xfrm_events_deliver(&ops, &r, SELF, buf, off + 6), -EBADMSG);
	assert_int_equal(r.expires, 1);

	/* Each event type cut short. */
	nlh = (struct nlmsghdr *)buf;
	craft_expire(buf, false);
	nlh->nlmsg_len = 16 + sizeof(struct xfrm_usersa_info);
	assert_int_equal(xfrm_parse_event(nlh, &ev), -EBADMSG);
	assert_int_equal(ev.type, XFRM_EVENT_NONE);
	craft_delsa(buf, 1);
	nlh->nlmsg_len = 16 + 20;
	assert_int_equal(xfrm_parse_event(nlh, &ev), -EBADMSG);
	craft_delsa(buf, 1);
	nlh->nlmsg_len = 16 + 24 + 4 + 100; /* XFRMA_SA cut inside */
	assert_int_equal(xfrm_parse_event(nlh, &ev), -EBADMSG);
	craft_delpolicy(buf, 1);
	nlh->nlmsg_len = 16 + 60;
	assert_int_equal(xfrm_parse_event(nlh, &ev), -EBADMSG);
	{ /* The DELSA id and its XFRMA_SA disagree on the family. */
		struct xfrm_usersa_info sa = kernel_sa();
		struct xfrm_usersa_id id;

		memset(&id, 0, sizeof(id));
		id.family = AF_INET6;
		nlh = craft_begin(buf, XFRM_MSG_DELSA, 0, 0, 0, &id, sizeof(id));
		mnl_attr_put(nlh, XFRMA_SA, sizeof(sa), &sa);
		assert_int_equal(xfrm_parse_event(nlh, &ev), -EBADMSG);
	}
	{ /* FLUSHSA without its body. */
		nlh = craft_begin(buf, XFRM_MSG_FLUSHSA, 0, 0, 0, NULL, 0);
		assert_int_equal(xfrm_parse_event(nlh, &ev), -EBADMSG);
	}
	/* A kind we do not report parses to NONE. */
	nlh = craft_begin(buf, XFRM_MSG_MAPPING, 0, 0, 0, NULL, 0);
	assert_int_equal(xfrm_parse_event(nlh, &ev), 0);
	assert_int_equal(ev.type, XFRM_EVENT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sa_reply),
		cmocka_unit_test(test_parse_sa_aead_v6),
		cmocka_unit_test(test_parse_sa_truncated),
		cmocka_unit_test(test_parse_sa_malformed),
		cmocka_unit_test(test_parse_policy),
		cmocka_unit_test(test_parse_policy_malformed),
		cmocka_unit_test(test_parse_ack),
		cmocka_unit_test(test_acks_parse),
		cmocka_unit_test(test_huge_nlmsg_len),
		cmocka_unit_test(test_events_deliver),
		cmocka_unit_test(test_events_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
