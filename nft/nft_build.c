/*
 * nft batch builder: the whole inet "ikegw" table as one nfnetlink batch written into a
 * caller buffer (libnftnl objects and expressions, nothing sent). The rule program of each
 * rule is what nft(8) compiles for the same statement; docs/nftables.md shows them.
 */
#include "nft.h"
#include "nft_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define IKE_PORT 500
#define NATT_PORT 4500
#define CHAIN_INPUT "input"
#define CHAIN_FORWARD "forward"
/* Before the usual filter chains (priority 0), so our counters see what arrived. */
#define PRIO_INPUT (-10)
#define PRIO_FORWARD (-150) /* mangle */

void nft_err_set(struct nft_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* Writes batch messages one after the other; each needs NFT_MSG_ROOM free bytes. */
struct cursor {
	uint8_t *buf;
	size_t size, off;
	uint32_t seq;
};

static void *cursor_room(struct cursor *c)
{
	if (c->size - c->off < NFT_MSG_ROOM)
		return NULL;
	memset(c->buf + c->off, 0, NFT_MSG_ROOM);
	return c->buf + c->off;
}

static void cursor_commit(struct cursor *c, const struct nlmsghdr *nlh)
{
	c->off += MNL_ALIGN(nlh->nlmsg_len);
	c->seq++;
}

static int put_batch_mark(struct cursor *c, bool begin)
{
	void *at = cursor_room(c);
	struct nlmsghdr *nlh;

	if (!at)
		return -EMSGSIZE;
	nlh = begin ? nftnl_batch_begin(at, c->seq) : nftnl_batch_end(at, c->seq);
	cursor_commit(c, nlh);
	return 0;
}

static int put_table(struct cursor *c, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	void *at = cursor_room(c);

	if (!at)
		return -EMSGSIZE;
	t = nftnl_table_alloc();
	if (!t)
		return -ENOMEM;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME) < 0) {
		nftnl_table_free(t);
		return -ENOMEM;
	}
	nlh = nftnl_table_nlmsg_build_hdr(at, type, NFPROTO_INET, flags | NLM_F_ACK, c->seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	cursor_commit(c, nlh);
	return 0;
}

static int put_chain(struct cursor *c, const char *name, uint32_t hook, int32_t prio)
{
	struct nftnl_chain *ch;
	struct nlmsghdr *nlh;
	void *at = cursor_room(c);

	if (!at)
		return -EMSGSIZE;
	ch = nftnl_chain_alloc();
	if (!ch)
		return -ENOMEM;
	if (nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME) < 0 ||
	    nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, name) < 0 ||
	    nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, "filter") < 0) {
		nftnl_chain_free(ch);
		return -ENOMEM;
	}
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(at, NFT_MSG_NEWCHAIN, NFPROTO_INET,
					  NLM_F_CREATE | NLM_F_ACK, c->seq);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	cursor_commit(c, nlh);
	return 0;
}

/* ---- expressions: each appends one to r, or returns -ENOMEM ---- */

static int expr_add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int meta_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return expr_add(r, e);
}

static int cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return expr_add(r, e);
}

static int payload_load(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return expr_add(r, e);
}

static int bitwise_and(struct nftnl_rule *r, uint8_t mask)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	uint8_t zero = 0;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 1);
	}
	return expr_add(r, e);
}

/* TCP option maxseg, 2 bytes at offset 2 of the option: load into reg 1, or write it. */
static int exthdr_mss(struct nftnl_rule *r, bool write)
{
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");

	if (e) {
		nftnl_expr_set_u32(e, write ? NFTNL_EXPR_EXTHDR_SREG : NFTNL_EXPR_EXTHDR_DREG,
				   NFT_REG_1);
		nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, 2); /* TCPOPT_MAXSEG */
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	}
	return expr_add(r, e);
}

static int immediate_data(struct nftnl_rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	return expr_add(r, e);
}

static int verdict(struct nftnl_rule *r, int v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	}
	return expr_add(r, e);
}

static int counter(struct nftnl_rule *r)
{
	return expr_add(r, nftnl_expr_alloc("counter"));
}

/* `meta l4proto PROTO` */
static int match_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	return meta_load(r, NFT_META_L4PROTO) ?: cmp(r, NFT_CMP_EQ, &proto, 1);
}

/* `ip saddr A` / `ip6 saddr A`: the family check, then the address. */
static int match_saddr(struct nftnl_rule *r, const struct nft_peer *p)
{
	uint8_t nfproto = p->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	if (p->family == AF_INET)
		return meta_load(r, NFT_META_NFPROTO) ?: cmp(r, NFT_CMP_EQ, &nfproto, 1)
			?: payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4)
			?: cmp(r, NFT_CMP_EQ, &p->addr.v4, 4);
	return meta_load(r, NFT_META_NFPROTO) ?: cmp(r, NFT_CMP_EQ, &nfproto, 1)
		?: payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16)
		?: cmp(r, NFT_CMP_EQ, &p->addr.v6, 16);
}

/* `udp dport PORT` */
static int match_udp_dport(struct nftnl_rule *r, uint16_t port)
{
	uint16_t be = htons(port);

	return match_l4proto(r, IPPROTO_UDP) ?: payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2)
		?: cmp(r, NFT_CMP_EQ, &be, 2);
}

/* `@th,64,32 OP 0`: the first four bytes of the UDP payload (0 = the non-ESP marker). */
static int match_marker(struct nftnl_rule *r, uint32_t op)
{
	uint32_t zero = 0;

	return payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 4) ?: cmp(r, op, &zero, 4);
}

static int set_comment(struct nftnl_rule *r, const char *comment)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	int rc = -ENOMEM;

	if (!ud)
		return -ENOMEM;
	if (nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment) &&
	    nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				nftnl_udata_buf_len(ud)) == 0)
		rc = 0;
	nftnl_udata_buf_free(ud);
	return rc;
}

/* The kinds of rule in one peer's block, in chain order. */
enum rule_kind {
	RULE_IKE500,  /* udp dport 500 counter */
	RULE_IKE4500, /* udp dport 4500 @th,64,32 == 0 counter */
	RULE_ESPUDP,  /* udp dport 4500 @th,64,32 != 0 counter */
	RULE_UDP4500, /* udp dport 4500 (shorter payloads: NAT keepalives), no counter */
	RULE_ESP,     /* meta l4proto esp counter */
	RULE_KINDS,
};

/* clang-format off */
static const char *const rule_kind_names[RULE_KINDS] = {
	[RULE_IKE500] = "ike500", [RULE_IKE4500] = "ike4500", [RULE_ESPUDP] = "espudp",
	[RULE_UDP4500] = "udp4500", [RULE_ESP] = "esp",
};
/* clang-format on */

static int peer_rule_exprs(struct nftnl_rule *r, const struct nft_peer *p, enum rule_kind kind,
			   int v)
{
	int rc = p ? match_saddr(r, p) : 0;

	if (rc < 0)
		return rc;
	switch (kind) {
	case RULE_IKE500:
		rc = match_udp_dport(r, IKE_PORT) ?: counter(r);
		break;
	case RULE_IKE4500:
		rc = match_udp_dport(r, NATT_PORT) ?: match_marker(r, NFT_CMP_EQ) ?: counter(r);
		break;
	case RULE_ESPUDP:
		rc = match_udp_dport(r, NATT_PORT) ?: match_marker(r, NFT_CMP_NEQ) ?: counter(r);
		break;
	case RULE_UDP4500:
		rc = match_udp_dport(r, NATT_PORT);
		break;
	default:
		rc = match_l4proto(r, IPPROTO_ESP) ?: counter(r);
		break;
	}
	return rc ?: verdict(r, v);
}

/* `oifname|iifname IF tcp flags syn tcp option maxseg size > N tcp option maxseg size set N` */
static int mss_rule_exprs(struct nftnl_rule *r, const struct nft_mss_clamp *m, bool out)
{
	char name[IFNAMSIZ] = { 0 };
	uint16_t mss = htons(m->mss);
	uint8_t zero = 0;

	memcpy(name, m->ifname, strnlen(m->ifname, IFNAMSIZ - 1));
	return meta_load(r, out ? NFT_META_OIFNAME : NFT_META_IIFNAME)
		?: cmp(r, NFT_CMP_EQ, name, IFNAMSIZ) ?: match_l4proto(r, IPPROTO_TCP)
		?: payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1) ?: bitwise_and(r, 0x02)
		?: cmp(r, NFT_CMP_NEQ, &zero, 1) ?: exthdr_mss(r, false)
		?: cmp(r, NFT_CMP_GT, &mss, 2) ?: immediate_data(r, &mss, 2) ?: exthdr_mss(r, true);
}

static int put_rule(struct cursor *c, const char *chain, const char *comment,
		    const struct nft_peer *peer, enum rule_kind kind, int v,
		    const struct nft_mss_clamp *mss, bool out)
{
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;
	void *at = cursor_room(c);
	int rc;

	if (!at)
		return -EMSGSIZE;
	r = nftnl_rule_alloc();
	if (!r)
		return -ENOMEM;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	rc = nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME) < 0 ||
			     nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) < 0
		     ? -ENOMEM
		     : 0;
	if (rc == 0)
		rc = mss ? mss_rule_exprs(r, mss, out) : peer_rule_exprs(r, peer, kind, v);
	if (rc == 0)
		rc = set_comment(r, comment);
	if (rc == 0) {
		nlh = nftnl_rule_nlmsg_build_hdr(at, NFT_MSG_NEWRULE, NFPROTO_INET,
						 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, c->seq);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		cursor_commit(c, nlh);
	}
	nftnl_rule_free(r);
	return rc;
}

static void peer_text(const struct nft_peer *p, char *out, size_t len)
{
	if (!p || !inet_ntop(p->family, &p->addr, out, (socklen_t)len))
		snprintf(out, len, "%s", NFT_COMMENT_ANY);
}

static int put_peer_block(struct cursor *c, const struct nft_peer *p, int v)
{
	char addr[INET6_ADDRSTRLEN], comment[64];
	int rc;

	peer_text(p, addr, sizeof(addr));
	for (int k = 0; k < RULE_KINDS; k++) {
		snprintf(comment, sizeof(comment), NFT_COMMENT_PREFIX "%s:%s", rule_kind_names[k],
			 addr);
		rc = put_rule(c, CHAIN_INPUT, comment, p, (enum rule_kind)k, v, NULL, false);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool peer_equal(const struct nft_peer *a, const struct nft_peer *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET ? a->addr.v4.s_addr == b->addr.v4.s_addr
				    : memcmp(&a->addr.v6, &b->addr.v6, 16) == 0;
}

static int spec_check(const struct nft_table_spec *spec, struct nft_error *err)
{
	for (size_t i = 0; i < spec->n_peers; i++) {
		int f = spec->peers[i].family;

		if (f != AF_INET && f != AF_INET6) {
			nft_err_set(err, -EINVAL, "peer %zu: family must be AF_INET or AF_INET6",
				    i);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < spec->n_clamps; i++) {
		size_t n = strnlen(spec->clamps[i].ifname, IFNAMSIZ);

		if (n == 0 || n == IFNAMSIZ || spec->clamps[i].mss == 0) {
			nft_err_set(err, -EINVAL,
				    "MSS clamp %zu: needs an interface name and MSS > 0", i);
			return -EINVAL;
		}
	}
	return 0;
}

size_t nft_batch_setup_size(const struct nft_table_spec *spec)
{
	/* begin, 3 table messages, 2 chains, rules, end */
	return NFT_MSG_ROOM * (7 + RULE_KINDS * (spec->n_peers + 1) + 2 * spec->n_clamps);
}

int nft_batch_setup(void *buf, size_t size, uint32_t seq, const struct nft_table_spec *spec,
		    size_t *ret_len, struct nft_error *err)
{
	struct cursor c = { buf, size, 0, seq };
	int rc = spec_check(spec, err);

	if (rc < 0)
		return rc;
	/* add + delete + add: replaces the table whether or not it exists, atomically */
	rc = put_batch_mark(&c, true) ?: put_table(&c, NFT_MSG_NEWTABLE, NLM_F_CREATE)
		?: put_table(&c, NFT_MSG_DELTABLE, 0) ?: put_table(&c, NFT_MSG_NEWTABLE, NLM_F_CREATE)
		?: put_chain(&c, CHAIN_INPUT, NF_INET_LOCAL_IN, PRIO_INPUT);
	for (size_t i = 0; rc == 0 && i < spec->n_peers; i++) {
		bool dup = false;

		for (size_t j = 0; j < i; j++)
			dup = dup || peer_equal(&spec->peers[i], &spec->peers[j]);
		if (!dup)
			rc = put_peer_block(&c, &spec->peers[i], NF_ACCEPT);
	}
	/* everyone else: dropped when the peers are known, else accepted (and counted) */
	if (rc == 0)
		rc = put_peer_block(&c, NULL, spec->n_peers ? NF_DROP : NF_ACCEPT);
	if (rc == 0 && spec->n_clamps)
		rc = put_chain(&c, CHAIN_FORWARD, NF_INET_FORWARD, PRIO_FORWARD);
	for (size_t i = 0; rc == 0 && i < spec->n_clamps; i++) {
		const struct nft_mss_clamp *m = &spec->clamps[i];
		char comment[64];

		snprintf(comment, sizeof(comment), NFT_COMMENT_PREFIX "mss-out:%s", m->ifname);
		rc = put_rule(&c, CHAIN_FORWARD, comment, NULL, 0, 0, m, true);
		if (rc == 0) {
			snprintf(comment, sizeof(comment), NFT_COMMENT_PREFIX "mss-in:%s",
				 m->ifname);
			rc = put_rule(&c, CHAIN_FORWARD, comment, NULL, 0, 0, m, false);
		}
	}
	if (rc == 0)
		rc = put_batch_mark(&c, false);
	if (rc < 0) {
		nft_err_set(err, rc, "%s",
			    rc == -EMSGSIZE ? "batch buffer too small" : "out of memory");
		return rc;
	}
	*ret_len = c.off;
	return 0;
}

int nft_batch_remove(void *buf, size_t size, uint32_t seq, size_t *ret_len)
{
	struct cursor c = { buf, size, 0, seq };
	int rc = put_batch_mark(&c, true) ?: put_table(&c, NFT_MSG_NEWTABLE, NLM_F_CREATE)
			 ?: put_table(&c, NFT_MSG_DELTABLE, 0) ?: put_batch_mark(&c, false);

	if (rc == 0)
		*ret_len = c.off;
	return rc;
}

int nft_msg_rule_dump(void *buf, size_t size, uint32_t seq)
{
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;

	if (size < NFT_MSG_ROOM)
		return -EMSGSIZE;
	r = nftnl_rule_alloc();
	if (!r)
		return -ENOMEM;
	memset(buf, 0, NFT_MSG_ROOM);
	if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME) < 0) {
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP | NLM_F_ACK,
					 seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return 0;
}
