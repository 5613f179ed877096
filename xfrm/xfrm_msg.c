/*
 * Pure builders of NETLINK_XFRM requests: each writes one message into a caller buffer, no
 * socket involved, so unit tests can decode every request byte by byte. Facts on what the
 * kernel expects (key lengths in bits, XFRMA_REPLAY_ESN_VAL for ESN or windows over 32,
 * XFRM_INF lifetimes) follow net/xfrm/xfrm_user.c and iproute2's ip/xfrm_state.c.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/udp.h>
#include <libmnl/libmnl.h>

#include "xfrm/xfrm.h"

/* Windows up to this many packets fit the legacy u32 bitmap of struct xfrm_replay_state. */
#define XFRM_LEGACY_WINDOW_MAX 32

static bool family_ok(int family)
{
	return family == AF_INET || family == AF_INET6;
}

static bool mode_ok(uint8_t mode)
{
	return mode == XFRM_MODE_TUNNEL || mode == XFRM_MODE_TRANSPORT;
}

static void addr_to_kernel(xfrm_address_t *k, int family, const union xfrm_ip *ip)
{
	memset(k, 0, sizeof(*k));
	if (family == AF_INET)
		k->a4 = ip->v4.s_addr;
	else if (family == AF_INET6)
		k->in6 = ip->v6;
}

/* family 0 is allowed only when allow_any (SA selectors): it means "everything". */
static int sel_to_kernel(struct xfrm_selector *k, const struct xfrm_sel *s, bool allow_any)
{
	unsigned int max_plen;

	memset(k, 0, sizeof(*k));
	if (s->family == 0 && allow_any) {
		static const struct xfrm_sel zero;

		return memcmp(s, &zero, sizeof(zero)) == 0 ? 0 : -EINVAL;
	}
	if (!family_ok(s->family))
		return -EINVAL;
	max_plen = s->family == AF_INET ? 32 : 128;
	if (s->src_plen > max_plen || s->dst_plen > max_plen)
		return -EINVAL;
	addr_to_kernel(&k->saddr, s->family, &s->src);
	addr_to_kernel(&k->daddr, s->family, &s->dst);
	k->family = (uint16_t)s->family;
	k->prefixlen_s = s->src_plen;
	k->prefixlen_d = s->dst_plen;
	k->proto = s->proto;
	if (s->sport) {
		k->sport = htons(s->sport);
		k->sport_mask = 0xffff;
	}
	if (s->dport) {
		k->dport = htons(s->dport);
		k->dport_mask = 0xffff;
	}
	return 0;
}

static uint64_t limit_to_kernel(uint64_t v)
{
	return v ? v : XFRM_INF;
}

static void lft_to_kernel(struct xfrm_lifetime_cfg *k, const struct xfrm_lifetimes *l)
{
	memset(k, 0, sizeof(*k));
	k->soft_byte_limit = limit_to_kernel(l->soft_bytes);
	k->hard_byte_limit = limit_to_kernel(l->hard_bytes);
	k->soft_packet_limit = limit_to_kernel(l->soft_packets);
	k->hard_packet_limit = limit_to_kernel(l->hard_packets);
	k->soft_add_expires_seconds = l->soft_seconds;
	k->hard_add_expires_seconds = l->hard_seconds;
}

/*
 * Header plus fixed body (copied: in a batch buffer a message is only 4-byte aligned, so the
 * kernel structs with u64 members are filled on the stack); attributes follow via
 * mnl_attr_put_*_check.
 */
static int msg_begin(void *buf, size_t size, uint16_t type, uint16_t flags, const void *body,
		     size_t body_len, struct nlmsghdr **ret_nlh)
{
	struct nlmsghdr *nlh;

	if (!buf || size < MNL_NLMSG_HDRLEN + MNL_ALIGN(body_len))
		return -ENOBUFS;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	if (body_len)
		memcpy(mnl_nlmsg_put_extra_header(nlh, body_len), body, body_len);
	*ret_nlh = nlh;
	return 0;
}

static bool put_mark(struct nlmsghdr *nlh, size_t size, const struct xfrm_mark *mark)
{
	if (mark->m == 0)
		return true;
	return mnl_attr_put_check(nlh, size, XFRMA_MARK, sizeof(*mark), mark);
}

/* One algorithm attribute: header struct then the key, assembled on the stack and wiped. */
static bool put_alg(struct nlmsghdr *nlh, size_t size, const struct xfrm_alg_desc *d,
		    const uint8_t *key)
{
	unsigned char tmp[sizeof(struct xfrm_algo_aead) + XFRM_KEY_MAX];
	size_t name_len = strnlen(d->kernel_name, sizeof(((struct xfrm_algo *)0)->alg_name) - 1);
	uint16_t type;
	size_t hlen;
	bool ok;

	memset(tmp, 0, sizeof(tmp));
	if (d->kind == XFRM_ALG_AEAD) {
		struct xfrm_algo_aead a;

		memset(&a, 0, sizeof(a));
		memcpy(a.alg_name, d->kernel_name, name_len);
		a.alg_key_len = d->key_len * 8u;
		a.alg_icv_len = d->icv_bits;
		memcpy(tmp, &a, sizeof(a));
		hlen = sizeof(a);
		type = XFRMA_ALG_AEAD;
	} else if (d->kind == XFRM_ALG_AUTH) {
		struct xfrm_algo_auth a;

		memset(&a, 0, sizeof(a));
		memcpy(a.alg_name, d->kernel_name, name_len);
		a.alg_key_len = d->key_len * 8u;
		a.alg_trunc_len = d->icv_bits;
		memcpy(tmp, &a, sizeof(a));
		hlen = sizeof(a);
		type = XFRMA_ALG_AUTH_TRUNC;
	} else {
		struct xfrm_algo a;

		memset(&a, 0, sizeof(a));
		memcpy(a.alg_name, d->kernel_name, name_len);
		a.alg_key_len = d->key_len * 8u;
		memcpy(tmp, &a, sizeof(a));
		hlen = sizeof(a);
		type = XFRMA_ALG_CRYPT;
	}
	memcpy(tmp + hlen, key, d->key_len);
	ok = mnl_attr_put_check(nlh, size, type, hlen + d->key_len, tmp);
	explicit_bzero(tmp, sizeof(tmp));
	return ok;
}

static int sa_check(const struct xfrm_sa *sa)
{
	if (!sa || !family_ok(sa->family) || !mode_ok(sa->mode) || sa->spi == 0)
		return -EINVAL;
	if (!sa->enc || !sa->enc_key || sa->enc_key_len != sa->enc->key_len ||
	    sa->enc->key_len > XFRM_KEY_MAX)
		return -EINVAL;
	if (sa->enc->kind == XFRM_ALG_AEAD) {
		if (sa->integ)
			return -EINVAL;
	} else if (sa->enc->kind == XFRM_ALG_CRYPT) {
		if (!sa->integ || sa->integ->kind != XFRM_ALG_AUTH || !sa->integ_key ||
		    sa->integ_key_len != sa->integ->key_len || sa->integ->key_len > XFRM_KEY_MAX)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (sa->replay_window > XFRM_REPLAY_WINDOW_MAX || (sa->esn && sa->replay_window == 0))
		return -EINVAL;
	return 0;
}

static int build_sa(void *buf, size_t size, const struct xfrm_sa *sa, uint16_t type, uint16_t flags)
{
	struct xfrm_usersa_info p;
	struct nlmsghdr *nlh;
	bool esn_attr;
	int r;

	r = sa_check(sa);
	if (r < 0)
		return r;
	memset(&p, 0, sizeof(p));
	r = sel_to_kernel(&p.sel, &sa->sel, true);
	if (r < 0)
		return r;
	addr_to_kernel(&p.id.daddr, sa->family, &sa->dst);
	p.id.spi = htonl(sa->spi);
	p.id.proto = IPPROTO_ESP;
	addr_to_kernel(&p.saddr, sa->family, &sa->src);
	lft_to_kernel(&p.lft, &sa->lft);
	p.reqid = sa->reqid;
	p.family = (uint16_t)sa->family;
	p.mode = sa->mode;
	esn_attr = sa->esn || sa->replay_window > XFRM_LEGACY_WINDOW_MAX;
	if (sa->esn)
		p.flags |= XFRM_STATE_ESN;
	if (!esn_attr)
		p.replay_window = (uint8_t)sa->replay_window;
	r = msg_begin(buf, size, type, flags, &p, sizeof(p), &nlh);
	if (r < 0)
		return r;

	if (!put_alg(nlh, size, sa->enc, sa->enc_key))
		return -ENOBUFS;
	if (sa->integ && !put_alg(nlh, size, sa->integ, sa->integ_key))
		return -ENOBUFS;
	if (sa->udp_encap) {
		struct xfrm_encap_tmpl e;

		memset(&e, 0, sizeof(e));
		e.encap_type = UDP_ENCAP_ESPINUDP;
		e.encap_sport = htons(sa->encap_sport);
		e.encap_dport = htons(sa->encap_dport);
		if (!mnl_attr_put_check(nlh, size, XFRMA_ENCAP, sizeof(e), &e))
			return -ENOBUFS;
	}
	if (!put_mark(nlh, size, &sa->mark))
		return -ENOBUFS;
	if (sa->output_mark_mask &&
	    (!mnl_attr_put_u32_check(nlh, size, XFRMA_SET_MARK, sa->output_mark) ||
	     !mnl_attr_put_u32_check(nlh, size, XFRMA_SET_MARK_MASK, sa->output_mark_mask)))
		return -ENOBUFS;
	if (esn_attr) {
		/* Header only, as iproute2 sends it: the kernel sizes the bitmap from bmp_len. */
		struct xfrm_replay_state_esn esn;

		memset(&esn, 0, sizeof(esn));
		esn.replay_window = sa->replay_window;
		esn.bmp_len = (sa->replay_window + 31) / 32;
		if (!mnl_attr_put_check(nlh, size, XFRMA_REPLAY_ESN_VAL, sizeof(esn), &esn))
			return -ENOBUFS;
	}
	return 0;
}

int xfrm_build_sa_add(void *buf, size_t size, const struct xfrm_sa *sa)
{
	return build_sa(buf, size, sa, XFRM_MSG_NEWSA, NLM_F_CREATE | NLM_F_EXCL);
}

int xfrm_build_sa_update(void *buf, size_t size, const struct xfrm_sa *sa)
{
	return build_sa(buf, size, sa, XFRM_MSG_UPDSA, NLM_F_REPLACE);
}

static int build_sa_id(void *buf, size_t size, const struct xfrm_sa_id *id, uint16_t type)
{
	struct xfrm_usersa_id p;
	struct nlmsghdr *nlh;
	int r;

	if (!id || !family_ok(id->family))
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	addr_to_kernel(&p.daddr, id->family, &id->dst);
	p.spi = htonl(id->spi);
	p.family = (uint16_t)id->family;
	p.proto = id->proto ? id->proto : IPPROTO_ESP;
	r = msg_begin(buf, size, type, 0, &p, sizeof(p), &nlh);
	if (r < 0)
		return r;
	if (!put_mark(nlh, size, &id->mark))
		return -ENOBUFS;
	return 0;
}

int xfrm_build_sa_del(void *buf, size_t size, const struct xfrm_sa_id *id)
{
	return build_sa_id(buf, size, id, XFRM_MSG_DELSA);
}

int xfrm_build_sa_get(void *buf, size_t size, const struct xfrm_sa_id *id)
{
	return build_sa_id(buf, size, id, XFRM_MSG_GETSA);
}

int xfrm_build_spi_alloc(void *buf, size_t size, const struct xfrm_spi_req *req)
{
	struct xfrm_userspi_info p;
	struct nlmsghdr *nlh;
	int r;

	if (!req || !family_ok(req->family) || !mode_ok(req->mode) || req->min == 0 ||
	    req->min > req->max)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	addr_to_kernel(&p.info.id.daddr, req->family, &req->dst);
	p.info.id.proto = IPPROTO_ESP;
	addr_to_kernel(&p.info.saddr, req->family, &req->src);
	p.info.family = (uint16_t)req->family;
	p.info.mode = req->mode;
	p.info.reqid = req->reqid;
	p.info.seq = req->acq_seq;
	p.min = req->min;
	p.max = req->max;
	r = msg_begin(buf, size, XFRM_MSG_ALLOCSPI, 0, &p, sizeof(p), &nlh);
	if (r < 0)
		return r;
	if (!put_mark(nlh, size, &req->mark))
		return -ENOBUFS;
	return 0;
}

static int tmpl_to_kernel(struct xfrm_user_tmpl *k, const struct xfrm_policy_tmpl *t,
			  int sel_family)
{
	int family = t->mode == XFRM_MODE_TUNNEL ? t->family : sel_family;

	if (!mode_ok(t->mode) || !family_ok(family))
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	if (t->mode == XFRM_MODE_TUNNEL) {
		addr_to_kernel(&k->id.daddr, family, &t->dst);
		addr_to_kernel(&k->saddr, family, &t->src);
	}
	k->id.proto = t->proto ? t->proto : IPPROTO_ESP;
	k->family = (uint16_t)family;
	k->reqid = t->reqid;
	k->mode = t->mode;
	k->share = XFRM_SHARE_ANY;
	k->aalgos = ~0u;
	k->ealgos = ~0u;
	k->calgos = ~0u;
	return 0;
}

static int build_policy(void *buf, size_t size, const struct xfrm_policy *pol, uint16_t type,
			uint16_t flags)
{
	struct xfrm_user_tmpl tmpls[XFRM_POLICY_TMPL_MAX];
	struct xfrm_userpolicy_info p;
	struct nlmsghdr *nlh;
	int r;

	if (!pol || pol->dir > XFRM_POLICY_FWD || pol->action > XFRM_POLICY_BLOCK ||
	    pol->n_tmpls > XFRM_POLICY_TMPL_MAX)
		return -EINVAL;
	for (size_t i = 0; i < pol->n_tmpls; i++) {
		r = tmpl_to_kernel(&tmpls[i], &pol->tmpls[i], pol->sel.family);
		if (r < 0)
			return r;
	}
	memset(&p, 0, sizeof(p));
	r = sel_to_kernel(&p.sel, &pol->sel, false);
	if (r < 0)
		return r;
	lft_to_kernel(&p.lft, &(struct xfrm_lifetimes){ 0 });
	p.priority = pol->priority;
	p.index = pol->index;
	p.dir = pol->dir;
	p.action = pol->action;
	p.share = XFRM_SHARE_ANY;
	r = msg_begin(buf, size, type, flags, &p, sizeof(p), &nlh);
	if (r < 0)
		return r;
	if (pol->n_tmpls &&
	    !mnl_attr_put_check(nlh, size, XFRMA_TMPL, pol->n_tmpls * sizeof(tmpls[0]), tmpls))
		return -ENOBUFS;
	if (!put_mark(nlh, size, &pol->mark))
		return -ENOBUFS;
	if (pol->if_id && !mnl_attr_put_u32_check(nlh, size, XFRMA_IF_ID, pol->if_id))
		return -ENOBUFS;
	return 0;
}

int xfrm_build_policy_add(void *buf, size_t size, const struct xfrm_policy *pol)
{
	return build_policy(buf, size, pol, XFRM_MSG_NEWPOLICY, NLM_F_CREATE | NLM_F_EXCL);
}

int xfrm_build_policy_update(void *buf, size_t size, const struct xfrm_policy *pol)
{
	return build_policy(buf, size, pol, XFRM_MSG_UPDPOLICY, NLM_F_REPLACE);
}

int xfrm_build_policy_del(void *buf, size_t size, const struct xfrm_policy_id *id)
{
	struct xfrm_userpolicy_id p;
	struct nlmsghdr *nlh;
	int r;

	if (!id || id->dir > XFRM_POLICY_FWD)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	/* By index the kernel ignores the selector; by selector it needs a valid one. */
	r = sel_to_kernel(&p.sel, &id->sel, id->index != 0);
	if (r < 0)
		return r;
	p.index = id->index;
	p.dir = id->dir;
	r = msg_begin(buf, size, XFRM_MSG_DELPOLICY, 0, &p, sizeof(p), &nlh);
	if (r < 0)
		return r;
	if (!put_mark(nlh, size, &id->mark))
		return -ENOBUFS;
	if (id->if_id && !mnl_attr_put_u32_check(nlh, size, XFRMA_IF_ID, id->if_id))
		return -ENOBUFS;
	return 0;
}

static int build_dump(void *buf, size_t size, uint16_t type)
{
	struct nlmsghdr *nlh;

	return msg_begin(buf, size, type, NLM_F_DUMP, NULL, 0, &nlh);
}

int xfrm_build_sa_dump(void *buf, size_t size)
{
	return build_dump(buf, size, XFRM_MSG_GETSA);
}

int xfrm_build_policy_dump(void *buf, size_t size)
{
	return build_dump(buf, size, XFRM_MSG_GETPOLICY);
}
