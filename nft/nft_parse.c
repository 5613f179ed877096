/*
 * nft reply parsers: batch ACKs and errors (with the kernel's extended ACK, naming the
 * failing message of our batch), and the per-peer counters from a rule dump of our table.
 * Pure functions; every byte from the kernel is bounds-checked before use.
 */
#include "nft.h"
#include "nft_int.h"

#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define NFT_TYPE(msg) ((uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | (msg)))
/* Far above any rule of ours; netlink messages cannot exceed 64 KiB per attribute anyway. */
#define NFT_RULE_MSG_MAX (1u << 20)

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

const char *nft_udata_comment(const void *data, size_t len)
{
	const uint8_t *d = data;
	size_t off = 0;

	/* TLVs: type (1 byte), length (1 byte), value */
	while (len - off >= 2) {
		uint8_t type = d[off], l = d[off + 1];

		if (l > len - off - 2)
			return NULL;
		if (type == NFTNL_UDATA_RULE_COMMENT)
			return l && d[off + 2 + l - 1] == '\0' ? (const char *)d + off + 2 : NULL;
		off += 2 + (size_t)l;
	}
	return NULL;
}

/* ---- NLMSG_ERROR with extended ACK ---- */

static const enum mnl_attr_data_type extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = MNL_TYPE_NUL_STRING,
	[NLMSGERR_ATTR_OFFS] = MNL_TYPE_U32,
};

struct extack {
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
};

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct extack *x = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > NLMSGERR_ATTR_MAX || extack_policy[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, extack_policy[type]) < 0)
		return MNL_CB_ERROR;
	x->tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The error code of an NLMSG_ERROR / NLMSG_DONE, -EBADMSG if malformed; *ret_msg is the
 * extended-ACK text ("" if none) and *ret_orig the echoed request header, if any.
 */
static int parse_error(const struct nlmsghdr *nlh, const char **ret_msg, struct nlmsghdr *ret_orig)
{
	const uint8_t *payload = mnl_nlmsg_get_payload(nlh);
	size_t plen = mnl_nlmsg_get_payload_len(nlh), off = sizeof(int32_t);
	struct extack x = { { 0 } };
	int32_t code = 0;

	*ret_msg = "";
	memset(ret_orig, 0, sizeof(*ret_orig));
	if (plen < sizeof(code))
		return nlh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
	memcpy(&code, payload, sizeof(code));
	if (code > 0 || code < -4095)
		return -EBADMSG;
	if (nlh->nlmsg_type == NLMSG_ERROR && plen >= sizeof(struct nlmsgerr)) {
		memcpy(ret_orig, payload + sizeof(code), sizeof(*ret_orig));
		if (nlh->nlmsg_flags & NLM_F_CAPPED) {
			off = sizeof(struct nlmsgerr);
		} else {
			if (ret_orig->nlmsg_len < sizeof(*ret_orig) ||
			    ret_orig->nlmsg_len > plen - sizeof(code))
				return -EBADMSG;
			off = sizeof(code) + MNL_ALIGN(ret_orig->nlmsg_len);
		}
	} else if (nlh->nlmsg_type == NLMSG_ERROR) {
		off = plen;
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < plen) {
		const struct nlattr *attr;
		const void *tlvs = payload + off;
		const size_t tlvs_len = plen - off;
		const char *end = (const char *)payload + plen;

		mnl_attr_for_each_payload(tlvs, tlvs_len)
		{
			if (extack_cb(attr, &x) != MNL_CB_OK)
				return -EBADMSG;
		}
		if (end - (const char *)attr > 0)
			return -EBADMSG;
	}
	if (x.tb[NLMSGERR_ATTR_MSG])
		*ret_msg = mnl_attr_get_str(x.tb[NLMSGERR_ATTR_MSG]);
	return code;
}

/* ---- batch ACKs ---- */

void nft_acks_init(struct nft_acks *a, const void *batch, size_t batch_len, uint32_t portid,
		   struct nft_error *err)
{
	const struct nlmsghdr *nlh = batch;
	size_t rem = batch_len;

	memset(a, 0, sizeof(*a));
	a->portid = portid;
	a->err = err;
	a->batch = batch;
	a->batch_len = batch_len;
	nft_err_set(err, 0, "%s", "");
	/* errors may also come for batch begin/end (e.g. -EPERM for the whole batch) */
	if (msg_ok(nlh, rem))
		a->seq_first = nlh->nlmsg_seq;
	for (; msg_ok(nlh, rem); nlh = msg_next(nlh, &rem)) {
		a->seq_last = nlh->nlmsg_seq;
		if (nlh->nlmsg_flags & NLM_F_ACK)
			a->expected++;
	}
}

/* Names the batch message with sequence seq: "add rule ikegw:esp:192.0.2.1" etc. */
static void describe(const struct nft_acks *a, uint32_t seq, char *out, size_t len)
{
	const struct nlmsghdr *nlh = a->batch;
	size_t rem = a->batch_len;

	snprintf(out, len, "batch message %u", seq);
	for (; msg_ok(nlh, rem); nlh = msg_next(nlh, &rem)) {
		struct nftnl_rule *r;
		const void *ud;
		uint32_t udlen = 0;

		if (nlh->nlmsg_seq != seq)
			continue;
		if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN)
			snprintf(out, len, "batch");
		else if (nlh->nlmsg_type == NFT_TYPE(NFT_MSG_NEWTABLE))
			snprintf(out, len, "add table inet %s", NFT_TABLE_NAME);
		else if (nlh->nlmsg_type == NFT_TYPE(NFT_MSG_DELTABLE))
			snprintf(out, len, "delete table inet %s", NFT_TABLE_NAME);
		else if (nlh->nlmsg_type == NFT_TYPE(NFT_MSG_NEWCHAIN))
			snprintf(out, len, "add chain");
		if (nlh->nlmsg_type != NFT_TYPE(NFT_MSG_NEWRULE))
			return;
		snprintf(out, len, "add rule");
		r = nftnl_rule_alloc();
		if (r && nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
		    (ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udlen)) &&
		    nft_udata_comment(ud, udlen))
			snprintf(out, len, "add rule %s", nft_udata_comment(ud, udlen));
		if (r)
			nftnl_rule_free(r);
		return;
	}
}

int nft_acks_feed(struct nft_acks *a, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;

	for (; msg_ok(nlh, rem); nlh = msg_next(nlh, &rem)) {
		struct nlmsghdr orig;
		const char *msg;
		char what[96];
		int rc;

		if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq < a->seq_first ||
		    nlh->nlmsg_seq > a->seq_last || !mnl_nlmsg_portid_ok(nlh, a->portid))
			continue;
		a->received++;
		rc = parse_error(nlh, &msg, &orig);
		if (rc == 0 || a->status < 0)
			continue;
		a->status = rc;
		if (rc == -EBADMSG) {
			nft_err_set(a->err, rc, "malformed netlink error message");
			continue;
		}
		describe(a, nlh->nlmsg_seq, what, sizeof(what));
		nft_err_set(a->err, rc, "%s: %s%s%s", what, strerror(-rc), *msg ? ": " : "", msg);
	}
	if (rem > 0) {
		if (a->status == 0)
			nft_err_set(a->err, -EBADMSG, "truncated netlink message");
		a->status = a->status ?: -EBADMSG;
	}
	return a->status;
}

int nft_acks_result(const struct nft_acks *a)
{
	if (a->status < 0)
		return a->status;
	if (a->received != a->expected) {
		nft_err_set(a->err, -EPROTO, "%u of %u batch acknowledgements received",
			    a->received, a->expected);
		return -EPROTO;
	}
	return 0;
}

/* ---- counters from a rule dump ---- */

static bool parse_comment(const char *c, char *kind, size_t kind_len, struct nft_peer *peer)
{
	const char *colon;
	size_t n;

	if (strncmp(c, NFT_COMMENT_PREFIX, strlen(NFT_COMMENT_PREFIX)) != 0)
		return false;
	c += strlen(NFT_COMMENT_PREFIX);
	colon = strchr(c, ':');
	if (!colon || (n = (size_t)(colon - c)) >= kind_len)
		return false;
	memcpy(kind, c, n);
	kind[n] = '\0';
	memset(peer, 0, sizeof(*peer));
	if (strcmp(colon + 1, NFT_COMMENT_ANY) == 0) {
		peer->family = AF_UNSPEC;
		return true;
	}
	if (inet_pton(AF_INET, colon + 1, &peer->addr.v4) == 1)
		peer->family = AF_INET;
	else if (inet_pton(AF_INET6, colon + 1, &peer->addr.v6) == 1)
		peer->family = AF_INET6;
	return peer->family != AF_UNSPEC;
}

static bool same_peer(const struct nft_peer *a, const struct nft_peer *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->addr.v4.s_addr == b->addr.v4.s_addr;
	return a->family == AF_UNSPEC || memcmp(&a->addr.v6, &b->addr.v6, 16) == 0;
}

const struct nft_peer_counters *nft_counters_find(const struct nft_peer_counters *v, size_t n,
						  const struct nft_peer *peer)
{
	for (size_t i = 0; i < n; i++)
		if (same_peer(&v[i].peer, peer))
			return &v[i];
	return NULL;
}

static int add_counts(struct nft_counters_acc *acc, const char *kind, const struct nft_peer *peer,
		      uint64_t pkts, uint64_t bytes)
{
	struct nft_peer_counters *e =
		(struct nft_peer_counters *)nft_counters_find(acc->v, acc->n, peer);
	bool ike = strcmp(kind, "ike500") == 0 || strcmp(kind, "ike4500") == 0;

	if (!e) {
		if (acc->n == acc->max) {
			acc->overflow = true;
			return 0;
		}
		e = &acc->v[acc->n++];
		memset(e, 0, sizeof(*e));
		e->peer = *peer;
	}
	if (ike) {
		e->ike_pkts += pkts;
		e->ike_bytes += bytes;
	} else {
		e->esp_pkts += pkts;
		e->esp_bytes += bytes;
	}
	return 0;
}

/*
 * What a dumped rule tells us, read with libmnl alone. libnftnl 1.2.4 is not fit for
 * hostile input here: it calls exit() on an attribute of the wrong size ("kernel ABI is
 * broken") and dereferences a missing expression name; fuzz_nft_reply found both.
 */
struct rule_view {
	const char *table;
	const void *ud;
	uint16_t udlen;
	unsigned int counters;
	uint64_t pkts, bytes;
};

/* NFTA_EXPR_DATA of a counter: packets and bytes, big-endian u64. */
static int view_counter(const struct nlattr *data, struct rule_view *v)
{
	const struct nlattr *a;
	bool have_pkts = false, have_bytes = false;

	mnl_attr_for_each_nested(a, data) {
		uint16_t type = mnl_attr_get_type(a);

		if (type != NFTA_COUNTER_PACKETS && type != NFTA_COUNTER_BYTES)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return -EBADMSG;
		if (type == NFTA_COUNTER_PACKETS) {
			v->pkts = be64toh(mnl_attr_get_u64(a));
			have_pkts = true;
		} else {
			v->bytes = be64toh(mnl_attr_get_u64(a));
			have_bytes = true;
		}
	}
	if (!have_pkts || !have_bytes)
		return -EBADMSG;
	v->counters++;
	return 0;
}

/* One NFTA_LIST_ELEM of NFTA_RULE_EXPRESSIONS: a named expression; counters are read. */
static int view_expr(const struct nlattr *elem, struct rule_view *v)
{
	const struct nlattr *a, *data = NULL;
	const char *name = NULL;

	if (mnl_attr_get_type(elem) != NFTA_LIST_ELEM)
		return -EBADMSG;
	mnl_attr_for_each_nested(a, elem) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME) {
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -EBADMSG;
			name = mnl_attr_get_str(a);
		} else if (mnl_attr_get_type(a) == NFTA_EXPR_DATA) {
			data = a;
		}
	}
	if (!name)
		return -EBADMSG;
	if (strcmp(name, "counter") != 0)
		return 0;
	return data ? view_counter(data, v) : -EBADMSG;
}

static int rule_view_parse(const struct nlmsghdr *nlh, struct rule_view *v)
{
	const struct nlattr *attr, *elem;
	int rc;

	memset(v, 0, sizeof(*v));
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(attr)) {
		case NFTA_RULE_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
				return -EBADMSG;
			v->table = mnl_attr_get_str(attr);
			break;
		case NFTA_RULE_USERDATA:
			v->ud = mnl_attr_get_payload(attr);
			v->udlen = mnl_attr_get_payload_len(attr);
			break;
		case NFTA_RULE_EXPRESSIONS:
			mnl_attr_for_each_nested(elem, attr) {
				rc = view_expr(elem, v);
				if (rc < 0)
					return rc;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

int nft_rule_counters_parse(const struct nlmsghdr *nlh, struct nft_counters_acc *acc)
{
	const struct nfgenmsg *nfg;
	struct nlmsghdr *copy;
	struct rule_view v;
	struct nft_peer peer;
	const char *comment;
	char kind[16];
	int rc;

	if (nlh->nlmsg_type != NFT_TYPE(NFT_MSG_NEWRULE))
		return 0;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg)) ||
	    nlh->nlmsg_len > NFT_RULE_MSG_MAX)
		return -EBADMSG;
	/*
	 * libmnl walks attributes up to the ALIGNED message end, and a last message may come
	 * without its padding: parse a copy with a zeroed tail so nothing is read past it.
	 */
	copy = calloc(1, MNL_ALIGN(nlh->nlmsg_len) + MNL_ALIGNTO);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, nlh, nlh->nlmsg_len);
	nfg = mnl_nlmsg_get_payload(copy);
	rc = rule_view_parse(copy, &v);
	if (rc < 0)
		goto out;
	rc = 0;
	if (!v.table || strcmp(v.table, NFT_TABLE_NAME) != 0 || nfg->nfgen_family != NFPROTO_INET ||
	    !v.ud)
		goto out; /* not one of ours */
	comment = nft_udata_comment(v.ud, v.udlen);
	if (!comment || !parse_comment(comment, kind, sizeof(kind), &peer))
		goto out;
	if (strcmp(kind, "ike500") && strcmp(kind, "ike4500") && strcmp(kind, "espudp") &&
	    strcmp(kind, "esp"))
		goto out; /* not a counting rule */
	rc = v.counters == 1 ? add_counts(acc, kind, &peer, v.pkts, v.bytes) : -EBADMSG;
out:
	free(copy);
	return rc;
}

int nft_counters_feed(struct nft_counters_acc *acc, uint32_t seq, uint32_t portid, const void *buf,
		      size_t len, struct nft_error *err)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;

	for (; msg_ok(nlh, rem); nlh = msg_next(nlh, &rem)) {
		struct nlmsghdr orig;
		const char *msg;
		int rc;

		if (nlh->nlmsg_seq != seq || !mnl_nlmsg_portid_ok(nlh, portid))
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			nft_err_set(err, -EINTR, "rule dump interrupted by a concurrent change");
			return -EINTR;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
			rc = parse_error(nlh, &msg, &orig);
			nft_err_set(err, rc, "%s%s%s", rc == -EBADMSG ? "malformed reply" : "",
				    *msg ? "rule dump: " : "", msg);
			return rc;
		}
		rc = nft_rule_counters_parse(nlh, acc);
		if (rc < 0) {
			nft_err_set(err, rc, "unreadable rule in table inet %s", NFT_TABLE_NAME);
			return rc;
		}
	}
	if (rem > 0) {
		nft_err_set(err, -EBADMSG, "truncated netlink message");
		return -EBADMSG;
	}
	return 1;
}
