/*
 * The request socket: open/close, one request -> replies -> ACK round trips with the kernel's
 * extended-ACK text surfaced, and dumps retried when interrupted. Every buffer that held a
 * request or a reply is wiped, as both may carry key material.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "xfrm_internal.h"

#define XFRM_RCVBUF (1 << 20)

int xfrm_local_error(struct xfrm_error *err, int r)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		err->err = r;
	}
	return r;
}

int xfrm_open(struct xfrm_handle **ret)
{
	struct xfrm_handle *h;
	int one = 1, rcvbuf = XFRM_RCVBUF, fd, r;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->rx = malloc(XFRM_RX_SIZE);
	if (!h->rx) {
		r = -ENOMEM;
		goto err_free;
	}
	h->nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
	if (!h->nl) {
		r = -errno;
		goto err_free;
	}
	if (mnl_socket_setsockopt(h->nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(h->nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0) {
		r = -errno;
		goto err_close;
	}
	/* Room for a batch's worth of ACKs; FORCE needs CAP_NET_ADMIN, which XFRM needs anyway. */
	fd = mnl_socket_get_fd(h->nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto err_close;
	}
	h->portid = mnl_socket_get_portid(h->nl);
	*ret = h;
	return 0;

err_close:
	mnl_socket_close(h->nl);
err_free:
	free(h->rx);
	free(h);
	return r;
}

void xfrm_close(struct xfrm_handle *h)
{
	if (!h)
		return;
	mnl_socket_close(h->nl);
	explicit_bzero(h->rx, XFRM_RX_SIZE);
	free(h->rx);
	explicit_bzero(h, sizeof(*h));
	free(h);
}

uint32_t xfrm_portid(const struct xfrm_handle *h)
{
	return h->portid;
}

ssize_t xfrm_recv(struct xfrm_handle *h)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(h->nl, h->rx, XFRM_RX_SIZE);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == ENOSPC) { /* libmnl saw MSG_TRUNC */
			explicit_bzero(h->rx, XFRM_RX_SIZE);
			return -EMSGSIZE;
		}
		return -errno;
	}
}

struct roundtrip {
	uint32_t seq;
	int (*cb)(const struct nlmsghdr *nlh, void *userdata);
	void *userdata;
	int cb_ret; /* first negative callback result; delivery stops there */
	bool done, interrupted;
	struct xfrm_error ack; /* the closing NLMSG_ERROR or NLMSG_DONE */
};

/* One received datagram: replies to our request go to rt->cb until the ACK or DONE. */
static int roundtrip_datagram(struct xfrm_handle *h, size_t len, struct roundtrip *rt)
{
	const struct nlmsghdr *nlh = (const void *)h->rx;
	int rem = (int)len;

	for (; xfrm_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != rt->seq || nlh->nlmsg_pid != h->portid)
			continue; /* a late answer to an abandoned request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			rt->interrupted = true;
		if (nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
			rt->done = true;
			return xfrm_parse_ack(nlh, &rt->ack);
		}
		if (rt->cb && rt->cb_ret == 0) {
			int r = rt->cb(nlh, rt->userdata);

			if (r < 0)
				rt->cb_ret = r;
		}
	}
	return rem > 0 ? -EBADMSG : 0;
}

/* Sends the request in h->tx (wiping it), then reads until its ACK or DONE. */
static int roundtrip(struct xfrm_handle *h, int (*cb)(const struct nlmsghdr *, void *),
		     void *userdata, struct xfrm_error *err)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)h->tx;
	struct roundtrip rt = { .cb = cb, .userdata = userdata };
	size_t len = nlh->nlmsg_len;
	ssize_t sent;
	int r = 0;

	rt.seq = ++h->seq;
	nlh->nlmsg_seq = rt.seq;
	nlh->nlmsg_pid = h->portid; /* the kernel names it in the events it causes */
	sent = mnl_socket_sendto(h->nl, nlh, len);
	if (sent < 0)
		r = -errno;
	explicit_bzero(h->tx, sizeof(h->tx));
	if (r < 0)
		return xfrm_local_error(err, r);
	while (!rt.done) {
		ssize_t n = xfrm_recv(h);

		if (n < 0)
			return xfrm_local_error(err, (int)n);
		r = roundtrip_datagram(h, (size_t)n, &rt);
		explicit_bzero(h->rx, (size_t)n);
		if (r < 0)
			return xfrm_local_error(err, r);
	}
	if (err)
		*err = rt.ack;
	if (rt.ack.err < 0)
		return rt.ack.err;
	if (rt.cb_ret < 0)
		return xfrm_local_error(err, rt.cb_ret);
	if (rt.interrupted)
		return xfrm_local_error(err, -EINTR);
	return 0;
}

/* Builder result r for h->tx: on failure wipe what may hold key bytes, else run the request. */
static int request(struct xfrm_handle *h, int r, int (*cb)(const struct nlmsghdr *, void *),
		   void *userdata, struct xfrm_error *err)
{
	if (r < 0) {
		explicit_bzero(h->tx, sizeof(h->tx));
		return xfrm_local_error(err, r);
	}
	return roundtrip(h, cb, userdata, err);
}

struct sa_reply {
	struct xfrm_sa_info *info;
	bool seen;
};

static int sa_reply_cb(const struct nlmsghdr *nlh, void *userdata)
{
	struct sa_reply *s = userdata;
	int r;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || s->seen)
		return -EBADMSG;
	r = xfrm_parse_sa(nlh, s->info);
	if (r < 0)
		return r;
	s->seen = true;
	return 0;
}

static int sa_request(struct xfrm_handle *h, int built, struct xfrm_sa_info *ret,
		      struct xfrm_error *err)
{
	struct sa_reply s = { .info = ret };
	int r;

	r = request(h, built, sa_reply_cb, &s, err);
	if (r < 0)
		return r;
	if (!s.seen)
		return xfrm_local_error(err, -ENODATA);
	return 0;
}

int xfrm_spi_alloc(struct xfrm_handle *h, const struct xfrm_spi_req *req, uint32_t *ret_spi,
		   struct xfrm_error *err)
{
	struct xfrm_sa_info info;
	int r;

	r = sa_request(h, xfrm_build_spi_alloc(h->tx, sizeof(h->tx), req), &info, err);
	if (r < 0)
		return r;
	*ret_spi = info.spi;
	return 0;
}

int xfrm_sa_add(struct xfrm_handle *h, const struct xfrm_sa *sa, struct xfrm_error *err)
{
	return request(h, xfrm_build_sa_add(h->tx, sizeof(h->tx), sa), NULL, NULL, err);
}

int xfrm_sa_update(struct xfrm_handle *h, const struct xfrm_sa *sa, struct xfrm_error *err)
{
	return request(h, xfrm_build_sa_update(h->tx, sizeof(h->tx), sa), NULL, NULL, err);
}

int xfrm_sa_del(struct xfrm_handle *h, const struct xfrm_sa_id *id, struct xfrm_error *err)
{
	return request(h, xfrm_build_sa_del(h->tx, sizeof(h->tx), id), NULL, NULL, err);
}

int xfrm_sa_get(struct xfrm_handle *h, const struct xfrm_sa_id *id, struct xfrm_sa_info *ret,
		struct xfrm_error *err)
{
	return sa_request(h, xfrm_build_sa_get(h->tx, sizeof(h->tx), id), ret, err);
}

int xfrm_sa_get_counters(struct xfrm_handle *h, const struct xfrm_sa_id *id,
			 struct xfrm_sa_counters *ret, struct xfrm_error *err)
{
	struct xfrm_sa_info info;
	int r;

	r = xfrm_sa_get(h, id, &info, err);
	if (r < 0)
		return r;
	*ret = info.counters;
	return 0;
}

int xfrm_policy_add(struct xfrm_handle *h, const struct xfrm_policy *pol, struct xfrm_error *err)
{
	return request(h, xfrm_build_policy_add(h->tx, sizeof(h->tx), pol), NULL, NULL, err);
}

int xfrm_policy_update(struct xfrm_handle *h, const struct xfrm_policy *pol, struct xfrm_error *err)
{
	return request(h, xfrm_build_policy_update(h->tx, sizeof(h->tx), pol), NULL, NULL, err);
}

int xfrm_policy_del(struct xfrm_handle *h, const struct xfrm_policy_id *id, struct xfrm_error *err)
{
	return request(h, xfrm_build_policy_del(h->tx, sizeof(h->tx), id), NULL, NULL, err);
}

/* ---- Dumps ---- */

struct sa_dump {
	int (*cb)(const struct xfrm_sa_info *sa, void *userdata);
	void *userdata;
};

static int sa_dump_cb(const struct nlmsghdr *nlh, void *userdata)
{
	struct sa_dump *d = userdata;
	struct xfrm_sa_info info;
	int r;

	r = xfrm_parse_sa(nlh, &info);
	if (r < 0)
		return r;
	return d->cb(&info, d->userdata);
}

int xfrm_sa_dump_once(struct xfrm_handle *h,
		      int (*cb)(const struct xfrm_sa_info *sa, void *userdata), void *userdata,
		      struct xfrm_error *err)
{
	struct sa_dump d = { .cb = cb, .userdata = userdata };

	return request(h, xfrm_build_sa_dump(h->tx, sizeof(h->tx)), sa_dump_cb, &d, err);
}

int xfrm_sa_dump(struct xfrm_handle *h, int (*cb)(const struct xfrm_sa_info *sa, void *userdata),
		 void *userdata, struct xfrm_error *err)
{
	int r = -EINTR;

	for (int i = 0; i < XFRM_DUMP_TRIES && r == -EINTR; i++)
		r = xfrm_sa_dump_once(h, cb, userdata, err);
	return r;
}

struct policy_dump {
	int (*cb)(const struct xfrm_policy *pol, void *userdata);
	void *userdata;
};

static int policy_dump_cb(const struct nlmsghdr *nlh, void *userdata)
{
	struct policy_dump *d = userdata;
	struct xfrm_policy pol;
	int r;

	r = xfrm_parse_policy(nlh, &pol);
	if (r < 0)
		return r;
	return d->cb(&pol, d->userdata);
}

int xfrm_policy_dump_once(struct xfrm_handle *h,
			  int (*cb)(const struct xfrm_policy *pol, void *userdata), void *userdata,
			  struct xfrm_error *err)
{
	struct policy_dump d = { .cb = cb, .userdata = userdata };

	return request(h, xfrm_build_policy_dump(h->tx, sizeof(h->tx)), policy_dump_cb, &d, err);
}

int xfrm_policy_dump(struct xfrm_handle *h,
		     int (*cb)(const struct xfrm_policy *pol, void *userdata), void *userdata,
		     struct xfrm_error *err)
{
	int r = -EINTR;

	for (int i = 0; i < XFRM_DUMP_TRIES && r == -EINTR; i++)
		r = xfrm_policy_dump_once(h, cb, userdata, err);
	return r;
}
