/*
 * nft reply parsers on crafted kernel replies: batch ACKs (all, some missing, an error with
 * extended ACK naming our rule, malformed), rule-dump counters aggregated per peer (foreign
 * and non-counting rules ignored, overflow, malformed), and the userdata comment parser.
 */
#include "nft.h"
#include "nft_int.h"

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
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define PORTID 777

static uint8_t batch[65536];
static size_t batch_len;
static uint8_t rx[65536];

static struct nft_peer peer(int family, const char *addr)
{
	struct nft_peer p = { .family = family };

	assert_int_equal(inet_pton(family, addr, &p.addr), 1);
	return p;
}

/* A setup batch for 192.0.2.1: begin (seq 1), 14 acked messages (2..15), end (16). */
static int build_batch(void **state)
{
	struct nft_peer p = peer(AF_INET, "192.0.2.1");
	struct nft_table_spec spec = { .peers = &p, .n_peers = 1 };
	struct nft_error err;

	assert_true(nft_batch_setup_size(&spec) <= sizeof(batch));
	return nft_batch_setup(batch, sizeof(batch), 1, &spec, &batch_len, &err);
}

/* An ACK (error 0) or error for seq, capped as with NETLINK_CAP_ACK. */
static size_t put_ack(uint8_t *at, uint32_t seq, int error, const char *msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (msg ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = 64;
	e->msg.nlmsg_seq = seq;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	return nlh->nlmsg_len;
}

static void nft_parse_acks_all(void **state)
{
	struct nft_error err;
	struct nft_acks a;
	size_t off = 0;

	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	assert_int_equal(a.expected, 14);
	assert_int_equal(a.seq_first, 1);
	assert_int_equal(a.seq_last, 16);
	for (uint32_t seq = 2; seq <= 15; seq++)
		off += put_ack(rx + off, seq, 0, NULL);
	off += put_ack(rx + off, 99, 0, NULL); /* not ours: ignored */
	/* in two datagrams */
	assert_int_equal(nft_acks_feed(&a, rx, 6 * 36), 0);
	assert_int_equal(a.received, 6);
	assert_int_equal(nft_acks_feed(&a, rx + 6 * 36, off - 6 * 36), 0);
	assert_int_equal(a.received, 14);
	assert_int_equal(nft_acks_result(&a), 0);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
}

static void nft_parse_acks_error_names_rule(void **state)
{
	struct nft_error err;
	struct nft_acks a;
	size_t off = 0;

	/* seq 10 is the 6th rule: ikegw:esp:192.0.2.1 */
	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	for (uint32_t seq = 2; seq <= 15; seq++)
		off += put_ack(rx + off, seq, seq == 10 ? -EOPNOTSUPP : 0,
			       seq == 10 ? "no such expression" : NULL);
	assert_int_equal(nft_acks_feed(&a, rx, off), -EOPNOTSUPP);
	assert_int_equal(nft_acks_result(&a), -EOPNOTSUPP);
	assert_int_equal(err.code, -EOPNOTSUPP);
	assert_string_equal(err.msg,
			    "add rule ikegw:esp:192.0.2.1: Operation not supported: no such expression");

	/* the first error wins; a table error is named too, without ext-ack text */
	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	off = put_ack(rx, 3, -ENOENT, NULL);
	off += put_ack(rx + off, 4, -EPERM, "later");
	assert_int_equal(nft_acks_feed(&a, rx, off), -ENOENT);
	assert_string_equal(err.msg, "delete table inet ikegw: No such file or directory");

	/* the whole batch refused (the error carries the batch-begin sequence number) */
	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	off = put_ack(rx, 1, -EPERM, NULL);
	assert_int_equal(nft_acks_feed(&a, rx, off), -EPERM);
	assert_int_equal(nft_acks_result(&a), -EPERM);
	assert_string_equal(err.msg, "batch: Operation not permitted");
}

static void nft_parse_acks_missing_and_malformed(void **state)
{
	struct nft_error err;
	struct nft_acks a;
	size_t off = 0;

	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	for (uint32_t seq = 2; seq < 12; seq++)
		off += put_ack(rx + off, seq, 0, NULL);
	assert_int_equal(nft_acks_feed(&a, rx, off), 0);
	assert_int_equal(nft_acks_result(&a), -EPROTO);
	assert_int_equal(err.code, -EPROTO);
	assert_string_equal(err.msg, "10 of 14 batch acknowledgements received");

	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	off = put_ack(rx, 2, 17, NULL); /* a positive error code */
	assert_int_equal(nft_acks_feed(&a, rx, off), -EBADMSG);
	assert_string_equal(err.msg, "malformed netlink error message");

	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	off = put_ack(rx, 2, 0, NULL);
	assert_int_equal(nft_acks_feed(&a, rx, off - 1), -EBADMSG); /* cut short */
	assert_string_equal(err.msg, "truncated netlink message");

	/* a length of 2^31 or more must not pass as "fits" (libmnl 1.0.4 casts it to int) */
	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	off = put_ack(rx, 2, 0, NULL);
	off += put_ack(rx + off, 3, 0, NULL);
	((struct nlmsghdr *)rx)->nlmsg_len = 0x80000024u;
	assert_int_equal(nft_acks_feed(&a, rx, off), -EBADMSG);
	assert_int_equal(a.received, 0);

	/* an extended-ACK message without its NUL */
	nft_acks_init(&a, batch, batch_len, PORTID, &err);
	off = put_ack(rx, 2, -EINVAL, "abc");
	rx[off - 1] = 'd';
	assert_int_equal(nft_acks_feed(&a, rx, off), -EBADMSG);
}

/* ---- counters ---- */

struct crafted_rule {
	const char *table;
	const char *comment;	/* NULL: no userdata */
	int counters;		/* counter expressions */
	uint64_t pkts, bytes;
};

static size_t put_rule(uint8_t *at, uint32_t seq, const struct crafted_rule *c)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, c->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "input");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 42);
	for (int i = 0; i < c->counters; i++) {
		struct nftnl_expr *e = nftnl_expr_alloc("counter");

		nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, c->pkts);
		nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, c->bytes);
		nftnl_rule_add_expr(r, e);
	}
	nftnl_rule_add_expr(r, nftnl_expr_alloc("immediate"));
	if (c->comment) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		assert_true(nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, c->comment));
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	nlh = nftnl_rule_nlmsg_build_hdr((char *)at, NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_MULTI,
					 seq);
	nlh->nlmsg_pid = PORTID;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nlh->nlmsg_len;
}

static size_t put_done(uint8_t *at, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = error ? NLMSG_ERROR : NLMSG_DONE;
	nlh->nlmsg_flags = error ? NLM_F_CAPPED : NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	*(int32_t *)mnl_nlmsg_put_extra_header(nlh, error ? sizeof(struct nlmsgerr) : 4) = error;
	return nlh->nlmsg_len;
}

static const struct crafted_rule dump_rules[] = {
	{ "ikegw", "ikegw:ike500:192.0.2.1", 1, 3, 300 },
	{ "ikegw", "ikegw:ike4500:192.0.2.1", 1, 2, 250 },
	{ "ikegw", "ikegw:espudp:192.0.2.1", 1, 4, 480 },
	{ "ikegw", "ikegw:udp4500:192.0.2.1", 0, 0, 0 },
	{ "ikegw", "ikegw:esp:192.0.2.1", 1, 5, 600 },
	{ "ikegw", "ikegw:ike500:2001:db8::7", 1, 7, 700 },
	{ "ikegw", "ikegw:esp:2001:db8::7", 1, 0, 0 },
	{ "ikegw", "ikegw:ike500:any", 1, 1, 100 },
	{ "ikegw", "ikegw:esp:any", 1, 2, 200 },
	{ "ikegw", "ikegw:mss-out:Tunnel1", 0, 0, 0 },
	{ "ikegw", NULL, 1, 50, 5000 },			  /* no comment: not ours */
	{ "ikegw", "operator's rule", 1, 50, 5000 },	  /* not our prefix */
	{ "filter", "ikegw:esp:192.0.2.1", 1, 50, 5000 }, /* another table */
	{ "ikegw", "ikegw:esp:300.1.1.1", 1, 50, 5000 },  /* not an address */
};

static size_t put_dump(uint32_t seq, size_t nrules)
{
	size_t off = 0;

	for (size_t i = 0; i < nrules; i++)
		off += put_rule(rx + off, seq, &dump_rules[i]);
	return off + put_done(rx + off, seq, 0);
}

static void nft_parse_counters_per_peer(void **state)
{
	struct nft_peer_counters v[8];
	struct nft_counters_acc acc = { .v = v, .max = 8 };
	struct nft_peer p4 = peer(AF_INET, "192.0.2.1"), p6 = peer(AF_INET6, "2001:db8::7");
	struct nft_peer any = { .family = AF_UNSPEC };
	const struct nft_peer_counters *c;
	struct nft_error err;
	size_t len = put_dump(5, sizeof(dump_rules) / sizeof(dump_rules[0]));

	assert_int_equal(nft_counters_feed(&acc, 5, PORTID, rx, len, &err), 0);
	assert_int_equal(acc.n, 3);
	assert_false(acc.overflow);
	/* rule order: the IPv4 peer, the IPv6 peer, everyone else */
	assert_int_equal(v[0].peer.family, AF_INET);
	assert_int_equal(v[1].peer.family, AF_INET6);
	assert_int_equal(v[2].peer.family, AF_UNSPEC);
	c = nft_counters_find(v, acc.n, &p4);
	assert_ptr_equal(c, &v[0]);
	assert_int_equal(c->ike_pkts, 3 + 2);
	assert_int_equal(c->ike_bytes, 300 + 250);
	assert_int_equal(c->esp_pkts, 4 + 5);
	assert_int_equal(c->esp_bytes, 480 + 600);
	c = nft_counters_find(v, acc.n, &p6);
	assert_int_equal(c->ike_pkts, 7);
	assert_int_equal(c->ike_bytes, 700);
	assert_int_equal(c->esp_pkts, 0);
	c = nft_counters_find(v, acc.n, &any);
	assert_int_equal(c->ike_pkts, 1);
	assert_int_equal(c->esp_bytes, 200);
	p4.addr.v4.s_addr ^= 1;
	assert_null(nft_counters_find(v, acc.n, &p4));
}

static void nft_parse_counters_split_overflow_errors(void **state)
{
	struct nft_peer_counters v[8];
	struct nft_counters_acc acc = { .v = v, .max = 8 };
	size_t first = put_rule(rx, 6, &dump_rules[0]);
	struct nft_error err;
	size_t len;

	/* split datagrams */
	len = put_dump(6, 3);
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, first, &err), 1);
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx + first, len - first, &err), 0);
	assert_int_equal(v[0].ike_pkts, 5);
	assert_int_equal(v[0].esp_pkts, 4);

	/* room for one peer only */
	acc = (struct nft_counters_acc){ .v = v, .max = 1 };
	len = put_dump(6, sizeof(dump_rules) / sizeof(dump_rules[0]));
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), 0);
	assert_int_equal(acc.n, 1);
	assert_true(acc.overflow);

	/* the kernel's error ends the dump */
	acc = (struct nft_counters_acc){ .v = v, .max = 8 };
	len = put_done(rx, 6, -ENOENT);
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), -ENOENT);
	assert_int_equal(err.code, -ENOENT);

	/* an interrupted dump must be retried */
	len = put_dump(6, 1);
	((struct nlmsghdr *)rx)->nlmsg_flags |= NLM_F_DUMP_INTR;
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), -EINTR);

	/* one of our counting rules without its counter, or with two */
	acc = (struct nft_counters_acc){ .v = v, .max = 8 };
	len = put_rule(rx, 6, &(struct crafted_rule){ "ikegw", "ikegw:esp:any", 0, 0, 0 });
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), -EBADMSG);
	assert_string_equal(err.msg, "unreadable rule in table inet ikegw");
	len = put_rule(rx, 6, &(struct crafted_rule){ "ikegw", "ikegw:esp:any", 2, 1, 1 });
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), -EBADMSG);

	/* a length of 2^31 or more must not pass as "fits" */
	len = put_dump(6, 2);
	((struct nlmsghdr *)rx)->nlmsg_len = 0xfffffff0u;
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), -EBADMSG);

	/* messages of another sequence are skipped; a cut message is malformed */
	len = put_dump(5, 2);
	assert_int_equal(nft_counters_feed(&acc, 6, PORTID, rx, len, &err), 1);
	assert_int_equal(nft_counters_feed(&acc, 5, PORTID, rx, len - 3, &err), -EBADMSG);
}

/* Every truncation of a rule message: parsed, ignored or malformed, never overread. */
static void nft_parse_counters_truncated(void **state)
{
	size_t full = put_rule(rx, 6, &dump_rules[0]);

	for (size_t len = MNL_NLMSG_HDRLEN; len <= full; len++) {
		struct nlmsghdr *copy = malloc(len);
		struct nft_peer_counters v[2];
		struct nft_counters_acc acc = { .v = v, .max = 2 };
		int rc;

		memcpy(copy, rx, len);
		copy->nlmsg_len = (uint32_t)len;
		rc = nft_rule_counters_parse(copy, &acc);
		assert_true(rc == 0 || rc == -EBADMSG);
		if (rc == 0 && acc.n == 1) {
			assert_int_equal(v[0].ike_pkts, 3);
			assert_int_equal(v[0].ike_bytes, 300);
		}
		free(copy);
	}
}

static void nft_parse_udata_comment(void **state)
{
	static const uint8_t ok[] = { 1, 2, 'x', 'y', 0, 4, 'a', 'b', 'c', 0 };
	static const uint8_t no_nul[] = { 0, 3, 'a', 'b', 'c' };
	static const uint8_t too_long[] = { 0, 9, 'a', 'b', 0 };
	static const uint8_t empty[] = { 0, 0 };
	static const uint8_t other[] = { 1, 1, 0 };

	assert_string_equal(nft_udata_comment(ok, sizeof(ok)), "abc");
	assert_null(nft_udata_comment(ok, 9)); /* comment cut by one byte */
	assert_null(nft_udata_comment(no_nul, sizeof(no_nul)));
	assert_null(nft_udata_comment(too_long, sizeof(too_long)));
	assert_null(nft_udata_comment(empty, sizeof(empty)));
	assert_null(nft_udata_comment(other, sizeof(other)));
	assert_null(nft_udata_comment(ok, 1));
	assert_null(nft_udata_comment(ok, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(nft_parse_acks_all, build_batch),
		cmocka_unit_test_setup(nft_parse_acks_error_names_rule, build_batch),
		cmocka_unit_test_setup(nft_parse_acks_missing_and_malformed, build_batch),
		cmocka_unit_test(nft_parse_counters_per_peer),
		cmocka_unit_test(nft_parse_counters_split_overflow_errors),
		cmocka_unit_test(nft_parse_counters_truncated),
		cmocka_unit_test(nft_parse_udata_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
