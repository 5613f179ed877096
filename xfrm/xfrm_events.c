/*
 * XFRM multicast events: a non-blocking socket subscribed to the ACQUIRE, EXPIRE, SA and POLICY
 * groups the caller has callbacks for, and a dispatcher that decodes each message and calls
 * them. SA notifications carry key material, so the receive buffer is wiped after each read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "xfrm/xfrm.h"

#define XFRM_EV_RX_SIZE 65536
#define XFRM_EV_RCVBUF (4 << 20)

struct xfrm_events {
	struct mnl_socket *nl;
	struct xfrm_event_ops ops;
	void *userdata;
	uint32_t self_portid;
	uint8_t *rx;
};

static void deliver_one(const struct xfrm_event_ops *ops, void *userdata, uint32_t self_portid,
			const struct xfrm_event *ev)
{
	bool own = self_portid != 0 && ev->portid == self_portid;

	switch (ev->type) {
	case XFRM_EVENT_ACQUIRE:
		if (ops->acquire)
			ops->acquire(&ev->acquire, userdata);
		break;
	case XFRM_EVENT_EXPIRE:
		if (ops->expire)
			ops->expire(&ev->sa, ev->hard, userdata);
		break;
	case XFRM_EVENT_SA_DELETED:
		if (ops->sa_deleted)
			ops->sa_deleted(&ev->sa, own, userdata);
		break;
	case XFRM_EVENT_POLICY_DELETED:
		if (ops->policy_deleted)
			ops->policy_deleted(&ev->policy, own, userdata);
		break;
	case XFRM_EVENT_SA_FLUSHED:
	case XFRM_EVENT_POLICY_FLUSHED:
		if (ops->flushed)
			ops->flushed(ev->type == XFRM_EVENT_POLICY_FLUSHED, own, userdata);
		break;
	case XFRM_EVENT_NONE:
		break;
	}
}

int xfrm_events_deliver(const struct xfrm_event_ops *ops, void *userdata, uint32_t self_portid,
			const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len > INT32_MAX ? 0 : (int)len;
	bool bad = len > INT32_MAX;

	for (; xfrm_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		struct xfrm_event ev;

		if (xfrm_parse_event(nlh, &ev) < 0) {
			bad = true;
			continue;
		}
		deliver_one(ops, userdata, self_portid, &ev);
	}
	if (rem > 0)
		bad = true;
	return bad ? -EBADMSG : 0;
}

static int subscribe(struct mnl_socket *nl, int group)
{
	return mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0 ? -errno
											    : 0;
}

int xfrm_events_open(struct xfrm_events **ret, const struct xfrm_handle *self,
		     const struct xfrm_event_ops *ops, void *userdata)
{
	int rcvbuf = XFRM_EV_RCVBUF, fd, r = 0;
	struct xfrm_events *ev;

	if (!ops || (!ops->acquire && !ops->expire && !ops->sa_deleted && !ops->policy_deleted &&
		     !ops->flushed))
		return -EINVAL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->ops = *ops;
	ev->userdata = userdata;
	ev->self_portid = self ? xfrm_portid(self) : 0;
	ev->rx = malloc(XFRM_EV_RX_SIZE);
	if (!ev->rx) {
		r = -ENOMEM;
		goto err_free;
	}
	ev->nl = mnl_socket_open2(NETLINK_XFRM, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!ev->nl) {
		r = -errno;
		goto err_free;
	}
	fd = mnl_socket_get_fd(ev->nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(ev->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto err_close;
	}
	if (ops->acquire)
		r = subscribe(ev->nl, XFRMNLGRP_ACQUIRE);
	if (r == 0 && ops->expire)
		r = subscribe(ev->nl, XFRMNLGRP_EXPIRE);
	if (r == 0 && (ops->sa_deleted || ops->flushed))
		r = subscribe(ev->nl, XFRMNLGRP_SA);
	if (r == 0 && (ops->policy_deleted || ops->flushed))
		r = subscribe(ev->nl, XFRMNLGRP_POLICY);
	if (r < 0)
		goto err_close;
	*ret = ev;
	return 0;

err_close:
	mnl_socket_close(ev->nl);
err_free:
	free(ev->rx);
	free(ev);
	return r;
}

void xfrm_events_close(struct xfrm_events *ev)
{
	if (!ev)
		return;
	mnl_socket_close(ev->nl);
	explicit_bzero(ev->rx, XFRM_EV_RX_SIZE);
	free(ev->rx);
	free(ev);
}

int xfrm_events_fd(const struct xfrm_events *ev)
{
	return mnl_socket_get_fd(ev->nl);
}

int xfrm_events_dispatch(struct xfrm_events *ev)
{
	int ret = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(ev->nl, ev->rx, XFRM_EV_RX_SIZE);
		int r;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ret;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* overrun: events lost, later ones still queued */
				ret = -ENOBUFS;
				continue;
			}
			if (errno == ENOSPC) { /* libmnl saw MSG_TRUNC: skip that datagram */
				explicit_bzero(ev->rx, XFRM_EV_RX_SIZE);
				if (ret == 0)
					ret = -EMSGSIZE;
				continue;
			}
			return -errno;
		}
		r = xfrm_events_deliver(&ev->ops, ev->userdata, ev->self_portid, ev->rx, (size_t)n);
		explicit_bzero(ev->rx, (size_t)n);
		if (r < 0 && ret == 0)
			ret = r;
	}
}
