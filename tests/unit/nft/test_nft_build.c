/*
 * nft batch builder: the batch is decoded message by message (nfnetlink header, libnftnl
 * parsers); each rule's expression program must equal nft 1.0.6's own compilation of the
 * same statements (golden-setup.nft -> golden-setup.txt), data lengths included.
 */
#include "nft.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define NFT_TYPE(msg) ((uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | (msg)))

static struct nft_peer peer(int family, const char *addr)
{
	struct nft_peer p = { .family = family };

	assert_int_equal(inet_pton(family, addr, &p.addr), 1);
	return p;
}

static const struct nft_mss_clamp clamp = { "Tunnel1", 1360 };

static uint8_t *build(const struct nft_table_spec *spec, uint32_t seq, size_t *ret_len)
{
	size_t size = nft_batch_setup_size(spec);
	uint8_t *buf = malloc(size);
	struct nft_error err = { 0 };

	assert_non_null(buf);
	assert_int_equal(nft_batch_setup(buf, size, seq, spec, ret_len, &err), 0);
	assert_true(*ret_len <= size);
	return buf;
}

/* The batch as a list of messages. */
struct msgs {
	const struct nlmsghdr *m[64];
	size_t n;
};

static void split(const uint8_t *buf, size_t len, struct msgs *out)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;

	out->n = 0;
	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		assert_true(out->n < 64);
		out->m[out->n++] = nlh;
	}
	assert_int_equal(rem, 0);
}

static void assert_msg(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags, uint32_t seq,
		       uint8_t family, uint16_t res_id)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_flags, flags);
	assert_int_equal(nlh->nlmsg_seq, seq);
	assert_int_equal(nlh->nlmsg_pid, 0);
	assert_int_equal(g->nfgen_family, family);
	assert_int_equal(g->version, NFNETLINK_V0);
	assert_int_equal(ntohs(g->res_id), res_id);
}

static void assert_table(const struct nlmsghdr *nlh)
{
	struct nftnl_table *t = nftnl_table_alloc();

	assert_int_equal(nftnl_table_nlmsg_parse(nlh, t), 0);
	assert_string_equal(nftnl_table_get_str(t, NFTNL_TABLE_NAME), "ikegw");
	assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), NFPROTO_INET);
	nftnl_table_free(t);
}

static void assert_chain(const struct nlmsghdr *nlh, const char *name, uint32_t hook,
			 int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), "ikegw");
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), name);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter");
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), hook);
	assert_int_equal(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), prio);
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_ACCEPT);
	nftnl_chain_free(c);
}

/* Appends the rule's program as nft --debug=netlink prints it; checks data lengths. */
static void render_rule(const struct nlmsghdr *nlh, char *out, size_t size)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	size_t len = strlen(out);
	uint32_t loaded = 0;
	int compares = 0;

	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
	assert_true(nftnl_rule_snprintf(out + len, size - len, r, NFTNL_OUTPUT_DEFAULT, 0) > 0);
	len = strlen(out);
	snprintf(out + len, size - len, "\n"); /* nft ends each rule with a newline */
	/* the text shows 32-bit words: each compare must be as long as the value loaded */
	it = nftnl_expr_iter_create(r);
	while ((e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		uint32_t dlen = 0;

		if (strcmp(name, "meta") == 0) {
			uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);

			loaded = key == NFT_META_IIFNAME || key == NFT_META_OIFNAME ? 16 : 1;
		} else if (strcmp(name, "payload") == 0) {
			loaded = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
		} else if (strcmp(name, "exthdr") == 0) {
			loaded = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN);
		} else if (strcmp(name, "bitwise") == 0) {
			assert_int_equal(nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN), loaded);
		} else if (strcmp(name, "cmp") == 0) {
			nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &dlen);
			assert_int_equal(dlen, loaded);
			compares++;
		}
	}
	assert_true(compares >= 1);
	nftnl_expr_iter_destroy(it);
	nftnl_rule_free(r);
}

static char *read_golden(const char *name)
{
	char path[512];
	static char text[32768];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void nft_build_setup_matches_nft(void **state)
{
	struct nft_peer peers[] = { peer(AF_INET, "192.168.0.2"), peer(AF_INET6, "2001:db8::2") };
	struct nft_table_spec spec = { peers, 2, &clamp, 1 };
	static char rendered[32768];
	const uint16_t ack = NLM_F_REQUEST | NLM_F_ACK;
	struct msgs b;
	size_t len;
	uint8_t *buf = build(&spec, 1000, &len);

	split(buf, len, &b);
	/* begin, add/delete/add table, input chain, 15 input rules, forward chain, 2, end */
	assert_int_equal(b.n, 1 + 3 + 1 + 15 + 1 + 2 + 1);
	assert_msg(b.m[0], NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, 1000, AF_UNSPEC,
		   NFNL_SUBSYS_NFTABLES);
	assert_msg(b.m[1], NFT_TYPE(NFT_MSG_NEWTABLE), ack | NLM_F_CREATE, 1001, NFPROTO_INET, 0);
	assert_msg(b.m[2], NFT_TYPE(NFT_MSG_DELTABLE), ack, 1002, NFPROTO_INET, 0);
	assert_msg(b.m[3], NFT_TYPE(NFT_MSG_NEWTABLE), ack | NLM_F_CREATE, 1003, NFPROTO_INET, 0);
	for (int i = 1; i <= 3; i++)
		assert_table(b.m[i]);
	assert_msg(b.m[4], NFT_TYPE(NFT_MSG_NEWCHAIN), ack | NLM_F_CREATE, 1004, NFPROTO_INET, 0);
	assert_chain(b.m[4], "input", NF_INET_LOCAL_IN, -10);
	assert_msg(b.m[20], NFT_TYPE(NFT_MSG_NEWCHAIN), ack | NLM_F_CREATE, 1020, NFPROTO_INET, 0);
	assert_chain(b.m[20], "forward", NF_INET_FORWARD, -150);
	assert_msg(b.m[23], NFNL_MSG_BATCH_END, NLM_F_REQUEST, 1023, AF_UNSPEC,
		   NFNL_SUBSYS_NFTABLES);

	rendered[0] = '\0';
	for (size_t i = 5; i < 23; i++) {
		if (i == 20)
			continue;
		assert_msg(b.m[i], NFT_TYPE(NFT_MSG_NEWRULE),
			   ack | NLM_F_CREATE | NLM_F_APPEND, (uint32_t)(1000 + i), NFPROTO_INET,
			   0);
		render_rule(b.m[i], rendered, sizeof(rendered));
	}
	assert_string_equal(rendered, read_golden("golden-setup.txt"));
	free(buf);
}

/* Comments of the input chain's rules, in order. */
static size_t rule_comments(const uint8_t *buf, size_t len, char comments[][64], size_t max)
{
	struct msgs b;
	size_t n = 0;

	split(buf, len, &b);
	for (size_t i = 0; i < b.n; i++) {
		struct nftnl_rule *r;
		const char *ud;
		uint32_t udlen;

		if (b.m[i]->nlmsg_type != NFT_TYPE(NFT_MSG_NEWRULE))
			continue;
		r = nftnl_rule_alloc();
		assert_int_equal(nftnl_rule_nlmsg_parse(b.m[i], r), 0);
		ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udlen);
		assert_non_null(ud);
		assert_true(n < max);
		/* type 0 (comment), length, text with NUL */
		assert_int_equal(ud[0], 0);
		assert_int_equal((uint8_t)ud[1], udlen - 2);
		snprintf(comments[n++], 64, "%s", ud + 2);
		nftnl_rule_free(r);
	}
	return n;
}

static void nft_build_no_peers_open_to_all(void **state)
{
	struct nft_table_spec spec = { 0 };
	static char rendered[8192];
	char comments[8][64];
	struct msgs b;
	size_t len;
	uint8_t *buf = build(&spec, 1, &len);

	split(buf, len, &b);
	/* no forward chain without clamps */
	assert_int_equal(b.n, 1 + 3 + 1 + 5 + 1);
	assert_int_equal(rule_comments(buf, len, comments, 8), 5);
	assert_string_equal(comments[0], "ikegw:ike500:any");
	assert_string_equal(comments[4], "ikegw:esp:any");
	rendered[0] = '\0';
	render_rule(b.m[5], rendered, sizeof(rendered));
	assert_string_equal(rendered, "inet ikegw input\n"
				      "  [ meta load l4proto => reg 1 ]\n"
				      "  [ cmp eq reg 1 0x00000011 ]\n"
				      "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
				      "  [ cmp eq reg 1 0x0000f401 ]\n"
				      "  [ counter pkts 0 bytes 0 ]\n"
				      "  [ immediate reg 0 accept ]\n"
				      "  userdata = { \\x00\\x11ikegw:ike500:any\\x00 }\n");
	free(buf);
}

static void nft_build_dedups_peers(void **state)
{
	struct nft_peer peers[] = { peer(AF_INET, "192.0.2.1"), peer(AF_INET, "192.0.2.7"),
				    peer(AF_INET, "192.0.2.1"), peer(AF_INET6, "2001:db8::7") };
	struct nft_table_spec spec = { .peers = peers, .n_peers = 4 };
	char comments[32][64];
	size_t len;
	uint8_t *buf = build(&spec, 1, &len);

	assert_int_equal(rule_comments(buf, len, comments, 32), 5 * 4);
	assert_string_equal(comments[0], "ikegw:ike500:192.0.2.1");
	assert_string_equal(comments[5], "ikegw:ike500:192.0.2.7");
	assert_string_equal(comments[10], "ikegw:ike500:2001:db8::7");
	assert_string_equal(comments[15], "ikegw:ike500:any");
	free(buf);
}

static void nft_build_rejects(void **state)
{
	struct nft_peer bad = { .family = AF_UNIX };
	struct nft_mss_clamp noname = { "", 1300 }, nomss = { "Tunnel1", 0 };
	struct nft_table_spec spec = { .peers = &bad, .n_peers = 1 };
	struct nft_error err;
	uint8_t buf[64];
	size_t len;

	assert_int_equal(nft_batch_setup(buf, sizeof(buf), 1, &spec, &len, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "peer 0: family must be AF_INET or AF_INET6");
	spec = (struct nft_table_spec){ .clamps = &noname, .n_clamps = 1 };
	assert_int_equal(nft_batch_setup(buf, sizeof(buf), 1, &spec, &len, &err), -EINVAL);
	assert_string_equal(err.msg, "MSS clamp 0: needs an interface name and MSS > 0");
	spec.clamps = &nomss;
	assert_int_equal(nft_batch_setup(buf, sizeof(buf), 1, &spec, &len, &err), -EINVAL);
}

/* Any buffer smaller than the size estimate fails cleanly, never overflows. */
static void nft_build_short_buffers(void **state)
{
	struct nft_peer p = peer(AF_INET6, "2001:db8::2");
	struct nft_table_spec spec = { &p, 1, &clamp, 1 };
	size_t full = nft_batch_setup_size(&spec), used = 0;

	for (size_t size = 0; size < full; size += 97) {
		uint8_t *buf = malloc(size ? size : 1);
		struct nft_error err;
		size_t len = 0;
		int rc = nft_batch_setup(buf, size, 1, &spec, &len, &err);

		if (rc == 0) {
			assert_true(len <= size);
			used = used ? used : size;
		} else {
			assert_int_equal(rc, -EMSGSIZE);
			assert_string_equal(err.msg, "batch buffer too small");
		}
		free(buf);
	}
	assert_true(used > 0);
}

static void nft_build_remove_and_dump(void **state)
{
	uint8_t buf[16384];
	struct nftnl_rule *r;
	struct msgs b;
	size_t len;

	assert_int_equal(nft_batch_remove(buf, sizeof(buf), 7, &len), 0);
	split(buf, len, &b);
	assert_int_equal(b.n, 4);
	assert_msg(b.m[0], NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, 7, AF_UNSPEC,
		   NFNL_SUBSYS_NFTABLES);
	assert_msg(b.m[1], NFT_TYPE(NFT_MSG_NEWTABLE), NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE,
		   8, NFPROTO_INET, 0);
	assert_msg(b.m[2], NFT_TYPE(NFT_MSG_DELTABLE), NLM_F_REQUEST | NLM_F_ACK, 9, NFPROTO_INET,
		   0);
	assert_table(b.m[1]);
	assert_table(b.m[2]);
	assert_msg(b.m[3], NFNL_MSG_BATCH_END, NLM_F_REQUEST, 10, AF_UNSPEC,
		   NFNL_SUBSYS_NFTABLES);
	assert_int_equal(nft_batch_remove(buf, 100, 7, &len), -EMSGSIZE);

	assert_int_equal(nft_msg_rule_dump(buf, sizeof(buf), 3), 0);
	assert_msg((struct nlmsghdr *)buf, NFT_TYPE(NFT_MSG_GETRULE),
		   NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 3, NFPROTO_INET, 0);
	r = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse((struct nlmsghdr *)buf, r), 0);
	assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), "ikegw");
	assert_false(nftnl_rule_is_set(r, NFTNL_RULE_CHAIN));
	nftnl_rule_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nft_build_setup_matches_nft),
		cmocka_unit_test(nft_build_no_peers_open_to_all),
		cmocka_unit_test(nft_build_dedups_peers),
		cmocka_unit_test(nft_build_rejects),
		cmocka_unit_test(nft_build_short_buffers),
		cmocka_unit_test(nft_build_remove_and_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
