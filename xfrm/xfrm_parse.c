/*
 * Pure parsers of NETLINK_XFRM replies and events: SAs, policies, ACKs with extended-ACK text,
 * acquire/expire/delete/flush notifications. Attributes are checked against one policy table by
 * one validating callback; every length comes from the kernel and is treated as hostile.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "xfrm/xfrm.h"

/* ---- Attribute policy ---- */

struct xfrma_rule {
	enum mnl_attr_data_type type;
	uint16_t min_len; /* MNL_TYPE_BINARY: smallest valid payload */
};

static const struct xfrma_rule xfrma_policy[XFRMA_MAX + 1] = {
	[XFRMA_ALG_AUTH] = { MNL_TYPE_BINARY, sizeof(struct xfrm_algo) },
	[XFRMA_ALG_CRYPT] = { MNL_TYPE_BINARY, sizeof(struct xfrm_algo) },
	[XFRMA_ALG_COMP] = { MNL_TYPE_BINARY, sizeof(struct xfrm_algo) },
	[XFRMA_ENCAP] = { MNL_TYPE_BINARY, sizeof(struct xfrm_encap_tmpl) },
	[XFRMA_TMPL] = { MNL_TYPE_BINARY, 0 },
	[XFRMA_SA] = { MNL_TYPE_BINARY, sizeof(struct xfrm_usersa_info) },
	[XFRMA_POLICY] = { MNL_TYPE_BINARY, sizeof(struct xfrm_userpolicy_info) },
	[XFRMA_SEC_CTX] = { MNL_TYPE_BINARY, sizeof(struct xfrm_user_sec_ctx) },
	[XFRMA_LTIME_VAL] = { MNL_TYPE_BINARY, sizeof(struct xfrm_lifetime_cur) },
	[XFRMA_REPLAY_VAL] = { MNL_TYPE_BINARY, sizeof(struct xfrm_replay_state) },
	[XFRMA_REPLAY_THRESH] = { MNL_TYPE_U32, 0 },
	[XFRMA_ETIMER_THRESH] = { MNL_TYPE_U32, 0 },
	[XFRMA_SRCADDR] = { MNL_TYPE_BINARY, sizeof(xfrm_address_t) },
	[XFRMA_COADDR] = { MNL_TYPE_BINARY, sizeof(xfrm_address_t) },
	[XFRMA_LASTUSED] = { MNL_TYPE_U64, 0 },
	[XFRMA_POLICY_TYPE] = { MNL_TYPE_BINARY, sizeof(struct xfrm_userpolicy_type) },
	[XFRMA_ALG_AEAD] = { MNL_TYPE_BINARY, sizeof(struct xfrm_algo_aead) },
	[XFRMA_ALG_AUTH_TRUNC] = { MNL_TYPE_BINARY, sizeof(struct xfrm_algo_auth) },
	[XFRMA_MARK] = { MNL_TYPE_BINARY, sizeof(struct xfrm_mark) },
	[XFRMA_TFCPAD] = { MNL_TYPE_U32, 0 },
	[XFRMA_REPLAY_ESN_VAL] = { MNL_TYPE_BINARY, sizeof(struct xfrm_replay_state_esn) },
	[XFRMA_SA_EXTRA_FLAGS] = { MNL_TYPE_U32, 0 },
	[XFRMA_PROTO] = { MNL_TYPE_U8, 0 },
	[XFRMA_SET_MARK] = { MNL_TYPE_U32, 0 },
	[XFRMA_SET_MARK_MASK] = { MNL_TYPE_U32, 0 },
	[XFRMA_IF_ID] = { MNL_TYPE_U32, 0 },
};

struct attr_walk {
	const struct nlattr *tb[XFRMA_MAX + 1];
	const char *end_seen; /* end of the last attribute walked, to catch trailing junk */
};

/* The one validating callback: unknown (newer) attributes are skipped, known ones checked. */
static int xfrma_cb(const struct nlattr *attr, void *data)
{
	struct attr_walk *w = data;
	uint16_t type = mnl_attr_get_type(attr);

	w->end_seen = (const char *)attr + MNL_ALIGN(attr->nla_len);
	if (type > XFRMA_MAX || xfrma_policy[type].type == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, xfrma_policy[type].type) < 0)
		return MNL_CB_ERROR;
	if (mnl_attr_get_payload_len(attr) < xfrma_policy[type].min_len)
		return MNL_CB_ERROR;
	w->tb[type] = attr;
	return MNL_CB_OK;
}

/* Checks the fixed body (body_len bytes, copied to body) and walks the attributes after it. */
static int msg_parse(const struct nlmsghdr *nlh, void *body, size_t body_len, struct attr_walk *w)
{
	size_t payload_len = mnl_nlmsg_get_payload_len(nlh);
	size_t attr_off = MNL_ALIGN(body_len);
	const char *start, *end;

	memset(w, 0, sizeof(*w));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN || payload_len < body_len)
		return -EBADMSG;
	if (body_len)
		memcpy(body, mnl_nlmsg_get_payload(nlh), body_len);
	if (payload_len <= attr_off)
		return 0;
	start = (const char *)mnl_nlmsg_get_payload(nlh) + attr_off;
	end = (const char *)nlh + nlh->nlmsg_len;
	w->end_seen = start;
	if (mnl_attr_parse_payload(start, (size_t)(end - start), xfrma_cb, w) < 0)
		return -EBADMSG;
	if (w->end_seen < end)
		return -EBADMSG; /* bytes left that are no attribute */
	return 0;
}

bool xfrm_nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

/* ---- Conversions from kernel structs ---- */

static void addr_from_kernel(union xfrm_ip *ip, int family, const xfrm_address_t *k)
{
	memset(ip, 0, sizeof(*ip));
	if (family == AF_INET)
		ip->v4.s_addr = k->a4;
	else if (family == AF_INET6)
		ip->v6 = k->in6;
}

static void sel_from_kernel(struct xfrm_sel *s, const struct xfrm_selector *k)
{
	memset(s, 0, sizeof(*s));
	s->family = k->family;
	addr_from_kernel(&s->src, k->family, &k->saddr);
	addr_from_kernel(&s->dst, k->family, &k->daddr);
	s->src_plen = k->prefixlen_s;
	s->dst_plen = k->prefixlen_d;
	s->proto = k->proto;
	s->sport = ntohs(k->sport & k->sport_mask);
	s->dport = ntohs(k->dport & k->dport_mask);
}

static uint64_t limit_from_kernel(uint64_t v)
{
	return v == XFRM_INF ? 0 : v;
}

static void lft_from_kernel(struct xfrm_lifetimes *l, const struct xfrm_lifetime_cfg *k)
{
	l->soft_bytes = limit_from_kernel(k->soft_byte_limit);
	l->hard_bytes = limit_from_kernel(k->hard_byte_limit);
	l->soft_packets = limit_from_kernel(k->soft_packet_limit);
	l->hard_packets = limit_from_kernel(k->hard_packet_limit);
	l->soft_seconds = k->soft_add_expires_seconds;
	l->hard_seconds = k->hard_add_expires_seconds;
}

static void copy_name(char dst[64], const char src[64])
{
	size_t n = strnlen(src, 63);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool family_known(int family)
{
	return family == AF_INET || family == AF_INET6;
}

static int sa_from_kernel(struct xfrm_sa_info *r, const struct xfrm_usersa_info *p)
{
	if (!family_known(p->family))
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	r->family = p->family;
	addr_from_kernel(&r->src, p->family, &p->saddr);
	addr_from_kernel(&r->dst, p->family, &p->id.daddr);
	r->spi = ntohl(p->id.spi);
	r->proto = p->id.proto;
	r->reqid = p->reqid;
	r->mode = p->mode;
	r->flags = p->flags;
	r->esn = p->flags & XFRM_STATE_ESN;
	r->replay_window = p->replay_window;
	r->seq = p->seq;
	sel_from_kernel(&r->sel, &p->sel);
	lft_from_kernel(&r->lft, &p->lft);
	r->counters.bytes = p->curlft.bytes;
	r->counters.packets = p->curlft.packets;
	r->counters.add_time = p->curlft.add_time;
	r->counters.use_time = p->curlft.use_time;
	r->counters.replay_window_errors = p->stats.replay_window;
	r->counters.replay_errors = p->stats.replay;
	r->counters.integrity_errors = p->stats.integrity_failed;
	return 0;
}

/* Algorithm attribute: fixed header of hlen bytes, then alg_key_len bits of key (not copied). */
static int alg_header(const struct nlattr *a, void *hdr, size_t hlen, uint32_t key_bits_off)
{
	size_t len = mnl_attr_get_payload_len(a);
	uint32_t key_bits;

	memcpy(hdr, mnl_attr_get_payload(a), hlen);
	memcpy(&key_bits, (const char *)hdr + key_bits_off, sizeof(key_bits));
	if (((uint64_t)key_bits + 7) / 8 > len - hlen)
		return -EBADMSG;
	return 0;
}

static int sa_apply_attrs(struct xfrm_sa_info *r, const struct attr_walk *w)
{
	const struct nlattr *const *tb = w->tb;

	if (tb[XFRMA_ALG_AEAD]) {
		struct xfrm_algo_aead a;

		if (alg_header(tb[XFRMA_ALG_AEAD], &a, sizeof(a),
			       offsetof(struct xfrm_algo_aead, alg_key_len)) < 0)
			return -EBADMSG;
		r->aead = true;
		copy_name(r->enc_name, a.alg_name);
		r->enc_key_bits = a.alg_key_len;
		r->enc_icv_bits = a.alg_icv_len;
	} else if (tb[XFRMA_ALG_CRYPT]) {
		struct xfrm_algo a;

		if (alg_header(tb[XFRMA_ALG_CRYPT], &a, sizeof(a),
			       offsetof(struct xfrm_algo, alg_key_len)) < 0)
			return -EBADMSG;
		copy_name(r->enc_name, a.alg_name);
		r->enc_key_bits = a.alg_key_len;
	}
	if (tb[XFRMA_ALG_AUTH_TRUNC]) {
		struct xfrm_algo_auth a;

		if (alg_header(tb[XFRMA_ALG_AUTH_TRUNC], &a, sizeof(a),
			       offsetof(struct xfrm_algo_auth, alg_key_len)) < 0)
			return -EBADMSG;
		copy_name(r->integ_name, a.alg_name);
		r->integ_key_bits = a.alg_key_len;
		r->integ_trunc_bits = a.alg_trunc_len;
	} else if (tb[XFRMA_ALG_AUTH]) {
		struct xfrm_algo a;

		if (alg_header(tb[XFRMA_ALG_AUTH], &a, sizeof(a),
			       offsetof(struct xfrm_algo, alg_key_len)) < 0)
			return -EBADMSG;
		copy_name(r->integ_name, a.alg_name);
		r->integ_key_bits = a.alg_key_len;
	}
	if (r->enc_name[0])
		r->enc_alg = xfrm_alg_lookup_kernel(r->enc_name, r->enc_key_bits, r->enc_icv_bits);
	if (r->integ_name[0])
		r->integ_alg = xfrm_alg_lookup_kernel(r->integ_name, r->integ_key_bits,
						      r->integ_trunc_bits);
	if (tb[XFRMA_ENCAP]) {
		struct xfrm_encap_tmpl e;

		memcpy(&e, mnl_attr_get_payload(tb[XFRMA_ENCAP]), sizeof(e));
		r->udp_encap = true;
		r->encap_type = e.encap_type;
		r->encap_sport = ntohs(e.encap_sport);
		r->encap_dport = ntohs(e.encap_dport);
	}
	if (tb[XFRMA_MARK])
		memcpy(&r->mark, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(r->mark));
	if (tb[XFRMA_SET_MARK])
		r->output_mark = mnl_attr_get_u32(tb[XFRMA_SET_MARK]);
	if (tb[XFRMA_SET_MARK_MASK])
		r->output_mark_mask = mnl_attr_get_u32(tb[XFRMA_SET_MARK_MASK]);
	if (tb[XFRMA_REPLAY_ESN_VAL]) {
		struct xfrm_replay_state_esn esn;
		size_t len = mnl_attr_get_payload_len(tb[XFRMA_REPLAY_ESN_VAL]);

		memcpy(&esn, mnl_attr_get_payload(tb[XFRMA_REPLAY_ESN_VAL]), sizeof(esn));
		if (esn.bmp_len > XFRM_REPLAY_WINDOW_MAX / 32 ||
		    (len != sizeof(esn) && len < sizeof(esn) + esn.bmp_len * 4u))
			return -EBADMSG;
		r->replay_window = esn.replay_window;
	}
	if (tb[XFRMA_LTIME_VAL]) {
		struct xfrm_lifetime_cur cur;

		memcpy(&cur, mnl_attr_get_payload(tb[XFRMA_LTIME_VAL]), sizeof(cur));
		r->counters.bytes = cur.bytes;
		r->counters.packets = cur.packets;
		r->counters.add_time = cur.add_time;
		r->counters.use_time = cur.use_time;
	}
	return 0;
}

/* XFRMA_TMPL: an array of struct xfrm_user_tmpl. */
static int tmpls_parse(const struct nlattr *a, struct xfrm_policy_tmpl *out, size_t *ret_n)
{
	size_t len = mnl_attr_get_payload_len(a);
	const char *p = mnl_attr_get_payload(a);
	size_t n = len / sizeof(struct xfrm_user_tmpl);

	if (len % sizeof(struct xfrm_user_tmpl) || n > XFRM_POLICY_TMPL_MAX)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		struct xfrm_user_tmpl k;

		memcpy(&k, p + i * sizeof(k), sizeof(k));
		memset(&out[i], 0, sizeof(out[i]));
		out[i].family = k.family;
		addr_from_kernel(&out[i].src, k.family, &k.saddr);
		addr_from_kernel(&out[i].dst, k.family, &k.id.daddr);
		out[i].proto = k.id.proto;
		out[i].reqid = k.reqid;
		out[i].mode = k.mode;
	}
	*ret_n = n;
	return 0;
}

static void policy_from_kernel(struct xfrm_policy *r, const struct xfrm_userpolicy_info *p)
{
	memset(r, 0, sizeof(*r));
	sel_from_kernel(&r->sel, &p->sel);
	r->dir = p->dir;
	r->action = p->action;
	r->priority = p->priority;
	r->index = p->index;
}

static int policy_apply_attrs(struct xfrm_policy *r, const struct attr_walk *w)
{
	if (w->tb[XFRMA_TMPL] && tmpls_parse(w->tb[XFRMA_TMPL], r->tmpls, &r->n_tmpls) < 0)
		return -EBADMSG;
	if (w->tb[XFRMA_MARK])
		memcpy(&r->mark, mnl_attr_get_payload(w->tb[XFRMA_MARK]), sizeof(r->mark));
	if (w->tb[XFRMA_IF_ID])
		r->if_id = mnl_attr_get_u32(w->tb[XFRMA_IF_ID]);
	return 0;
}

/* ---- Replies ---- */

int xfrm_parse_sa(const struct nlmsghdr *nlh, struct xfrm_sa_info *ret)
{
	struct xfrm_usersa_info p;
	struct attr_walk w;
	int r;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA && nlh->nlmsg_type != XFRM_MSG_UPDSA)
		return -EPROTO;
	r = msg_parse(nlh, &p, sizeof(p), &w);
	if (r < 0)
		return r;
	r = sa_from_kernel(ret, &p);
	if (r < 0)
		return r;
	return sa_apply_attrs(ret, &w);
}

int xfrm_parse_policy(const struct nlmsghdr *nlh, struct xfrm_policy *ret)
{
	struct xfrm_userpolicy_info p;
	struct attr_walk w;
	int r;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY && nlh->nlmsg_type != XFRM_MSG_UPDPOLICY)
		return -EPROTO;
	r = msg_parse(nlh, &p, sizeof(p), &w);
	if (r < 0)
		return r;
	policy_from_kernel(ret, &p);
	return policy_apply_attrs(ret, &w);
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct xfrm_error *e = data;
	const char *s;
	size_t n;

	if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	s = mnl_attr_get_str(attr);
	n = strnlen(s, sizeof(e->msg) - 1);
	memcpy(e->msg, s, n);
	e->msg[n] = '\0';
	return MNL_CB_OK;
}

/*
 * NLMSG_ERROR: int error, the request's header (NLM_F_CAPPED) or whole request, then ext-ack
 * TLVs (NLM_F_ACK_TLVS). NLMSG_DONE: int error then TLVs.
 */
int xfrm_parse_ack(const struct nlmsghdr *nlh, struct xfrm_error *ret)
{
	size_t payload_len = mnl_nlmsg_get_payload_len(nlh);
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t tlv_off;
	int error;

	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
		return -EPROTO;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN || payload_len < sizeof(error))
		return -EBADMSG;
	memcpy(&error, payload, sizeof(error));
	if (error > 0 || error < -4095)
		return -EBADMSG;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsghdr orig;

		if (payload_len < sizeof(struct nlmsgerr))
			return -EBADMSG;
		memcpy(&orig, payload + sizeof(error), sizeof(orig));
		if (nlh->nlmsg_flags & NLM_F_CAPPED) {
			tlv_off = sizeof(struct nlmsgerr);
		} else {
			if (orig.nlmsg_len < sizeof(orig) ||
			    orig.nlmsg_len > payload_len - sizeof(error))
				return -EBADMSG;
			tlv_off = sizeof(error) + orig.nlmsg_len;
		}
	} else {
		tlv_off = sizeof(error);
	}
	ret->err = error;
	tlv_off = MNL_ALIGN(tlv_off);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && payload_len > tlv_off &&
	    mnl_attr_parse_payload(payload + tlv_off, payload_len - tlv_off, extack_cb, ret) < 0) {
		memset(ret, 0, sizeof(*ret));
		return -EBADMSG;
	}
	return 0;
}

/* ---- Events ---- */

static int parse_acquire(const struct nlmsghdr *nlh, struct xfrm_acquire *r)
{
	struct xfrm_policy_tmpl tmpls[XFRM_POLICY_TMPL_MAX];
	struct xfrm_user_acquire p;
	struct attr_walk w;
	size_t n = 0;
	int r2;

	r2 = msg_parse(nlh, &p, sizeof(p), &w);
	if (r2 < 0)
		return r2;
	if (w.tb[XFRMA_TMPL] && tmpls_parse(w.tb[XFRMA_TMPL], tmpls, &n) < 0)
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	r->family = n ? tmpls[0].family : p.sel.family;
	if (!family_known(r->family))
		return -EBADMSG;
	addr_from_kernel(&r->src, r->family, &p.saddr);
	addr_from_kernel(&r->dst, r->family, &p.id.daddr);
	r->proto = p.id.proto;
	r->reqid = n ? tmpls[0].reqid : 0;
	r->seq = p.seq;
	sel_from_kernel(&r->sel, &p.sel);
	r->policy_index = p.policy.index;
	r->policy_dir = p.policy.dir;
	r->policy_priority = p.policy.priority;
	if (w.tb[XFRMA_MARK])
		memcpy(&r->mark, mnl_attr_get_payload(w.tb[XFRMA_MARK]), sizeof(r->mark));
	return 0;
}

static int parse_expire(const struct nlmsghdr *nlh, struct xfrm_event *ev)
{
	struct xfrm_user_expire p;
	struct attr_walk w;
	int r;

	r = msg_parse(nlh, &p, sizeof(p), &w);
	if (r < 0)
		return r;
	r = sa_from_kernel(&ev->sa, &p.state);
	if (r < 0)
		return r;
	ev->hard = p.hard != 0;
	return sa_apply_attrs(&ev->sa, &w);
}

/* DELSA notification: xfrm_usersa_id, then XFRMA_SA with the full state and its attributes. */
static int parse_sa_deleted(const struct nlmsghdr *nlh, struct xfrm_sa_info *sa)
{
	struct xfrm_usersa_id id;
	struct attr_walk w;
	int r;

	r = msg_parse(nlh, &id, sizeof(id), &w);
	if (r < 0)
		return r;
	if (w.tb[XFRMA_SA]) {
		struct xfrm_usersa_info p;

		memcpy(&p, mnl_attr_get_payload(w.tb[XFRMA_SA]), sizeof(p));
		r = sa_from_kernel(sa, &p);
		if (r < 0)
			return r;
	} else {
		if (!family_known(id.family))
			return -EBADMSG;
		memset(sa, 0, sizeof(*sa));
		sa->family = id.family;
	}
	/* The id is authoritative for the identity. */
	if (id.family != sa->family)
		return -EBADMSG;
	addr_from_kernel(&sa->dst, id.family, &id.daddr);
	sa->spi = ntohl(id.spi);
	sa->proto = id.proto;
	return sa_apply_attrs(sa, &w);
}

static int parse_policy_deleted(const struct nlmsghdr *nlh, struct xfrm_policy *pol)
{
	struct xfrm_userpolicy_id id;
	struct attr_walk w;
	int r;

	r = msg_parse(nlh, &id, sizeof(id), &w);
	if (r < 0)
		return r;
	if (w.tb[XFRMA_POLICY]) {
		struct xfrm_userpolicy_info p;

		memcpy(&p, mnl_attr_get_payload(w.tb[XFRMA_POLICY]), sizeof(p));
		policy_from_kernel(pol, &p);
	} else {
		memset(pol, 0, sizeof(*pol));
		sel_from_kernel(&pol->sel, &id.sel);
		pol->index = id.index;
		pol->dir = id.dir;
	}
	return policy_apply_attrs(pol, &w);
}

int xfrm_parse_event(const struct nlmsghdr *nlh, struct xfrm_event *ret)
{
	struct attr_walk w;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->portid = nlh->nlmsg_pid;
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		ret->type = XFRM_EVENT_ACQUIRE;
		r = parse_acquire(nlh, &ret->acquire);
		break;
	case XFRM_MSG_EXPIRE:
		ret->type = XFRM_EVENT_EXPIRE;
		r = parse_expire(nlh, ret);
		break;
	case XFRM_MSG_DELSA:
		ret->type = XFRM_EVENT_SA_DELETED;
		r = parse_sa_deleted(nlh, &ret->sa);
		break;
	case XFRM_MSG_DELPOLICY:
		ret->type = XFRM_EVENT_POLICY_DELETED;
		r = parse_policy_deleted(nlh, &ret->policy);
		break;
	case XFRM_MSG_FLUSHSA: {
		struct xfrm_usersa_flush f = { 0 };

		ret->type = XFRM_EVENT_SA_FLUSHED;
		r = msg_parse(nlh, &f, sizeof(f), &w);
		ret->flush_proto = f.proto;
		break;
	}
	case XFRM_MSG_FLUSHPOLICY:
		ret->type = XFRM_EVENT_POLICY_FLUSHED;
		r = msg_parse(nlh, NULL, 0, &w);
		break;
	default:
		ret->type = XFRM_EVENT_NONE;
		break;
	}
	if (r < 0) {
		memset(ret, 0, sizeof(*ret));
		return r;
	}
	return 0;
}

/* ---- Batch acknowledgements ---- */

int xfrm_acks_parse(const void *buf, size_t len, uint32_t seq_first, struct xfrm_error *results,
		    size_t n, size_t *ret_answered)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT32_MAX ? INT32_MAX : (int)len;
	size_t answered = 0;

	*ret_answered = 0;
	if (len > INT32_MAX)
		return -EBADMSG;
	for (; xfrm_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		uint32_t idx = nlh->nlmsg_seq - seq_first;
		struct xfrm_error e;

		if (nlh->nlmsg_type != NLMSG_ERROR || idx >= n)
			continue;
		if (xfrm_parse_ack(nlh, &e) < 0)
			return -EBADMSG;
		if (results[idx].err != XFRM_ERR_PENDING)
			continue; /* a duplicate answer changes nothing */
		results[idx] = e;
		answered++;
		*ret_answered = answered;
	}
	if (rem > 0)
		return -EBADMSG; /* trailing bytes that are no message */
	return 0;
}

/* ---- Identities ---- */

void xfrm_sa_info_to_id(const struct xfrm_sa_info *info, struct xfrm_sa_id *ret_id)
{
	memset(ret_id, 0, sizeof(*ret_id));
	ret_id->family = info->family;
	ret_id->dst = info->dst;
	ret_id->spi = info->spi;
	ret_id->proto = info->proto;
	ret_id->mark = info->mark;
}

void xfrm_policy_to_id(const struct xfrm_policy *pol, struct xfrm_policy_id *ret_id)
{
	memset(ret_id, 0, sizeof(*ret_id));
	ret_id->sel = pol->sel;
	ret_id->dir = pol->dir;
	ret_id->index = pol->index;
	ret_id->mark = pol->mark;
	ret_id->if_id = pol->if_id;
}
