/*
 * vti kernel side: one rtnetlink socket per handle (NETLINK_EXT_ACK, NETLINK_CAP_ACK);
 * every action builds its request with the pure builders, sends it and runs the replies
 * through vti_reply_feed(). Dumps interrupted by concurrent changes are retried.
 */
#include "vti.h"
#include "vti_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#define VTI_REQ_SIZE 512
#define VTI_RX_SIZE 32768
#define VTI_DUMP_TRIES 4

struct vti_handle {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint8_t req[VTI_REQ_SIZE];
	uint8_t *rx;
};

int vti_open(struct vti_handle **ret)
{
	struct vti_handle *h;
	int one = 1;
	int rc;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->rx = malloc(VTI_RX_SIZE);
	h->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!h->rx || !h->nl) {
		rc = h->rx ? -errno : -ENOMEM;
		goto fail;
	}
	if (mnl_socket_setsockopt(h->nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(h->nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto fail;
	}
	h->portid = mnl_socket_get_portid(h->nl);
	*ret = h;
	return 0;
fail:
	vti_close(h);
	return rc;
}

void vti_close(struct vti_handle *h)
{
	if (!h)
		return;
	if (h->nl)
		mnl_socket_close(h->nl);
	free(h->rx);
	free(h);
}

/* Sends the request in h->req and feeds the replies to cb until the request completes. */
static int talk(struct vti_handle *h, int (*cb)(const struct nlmsghdr *, void *), void *arg,
		struct vti_error *err)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)h->req;
	struct vti_reply r;
	int rc;

	vti_reply_init(&r, nlh->nlmsg_seq, h->portid, cb, arg, err);
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		vti_err_set(err, rc, "rtnetlink send failed");
		return rc;
	}
	do {
		ssize_t n = mnl_socket_recvfrom(h->nl, h->rx, VTI_RX_SIZE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			vti_err_set(err, rc, "rtnetlink receive failed");
			return rc;
		}
		rc = vti_reply_feed(&r, h->rx, (size_t)n);
	} while (rc == 1);
	return rc;
}

static uint32_t next_seq(struct vti_handle *h)
{
	return ++h->seq;
}

/* Finishes an action whose request was built (rc from the builder) into h->req. */
static int send_built(struct vti_handle *h, int rc, struct vti_error *err)
{
	if (rc < 0) {
		vti_err_set(err, rc, rc == -EMSGSIZE ? "request does not fit" : "invalid argument");
		return rc;
	}
	return talk(h, NULL, NULL, err);
}

int vti_link_create(struct vti_handle *h, const struct vti_link_params *p, struct vti_error *err)
{
	int rc = vti_link_params_check(p, err);

	if (rc < 0)
		return rc;
	rc = vti_msg_link_create(h->req, sizeof(h->req), next_seq(h), p);
	return send_built(h, rc, err);
}

int vti_link_delete(struct vti_handle *h, int ifindex, struct vti_error *err)
{
	return send_built(h, vti_msg_link_delete(h->req, sizeof(h->req), next_seq(h), ifindex),
			  err);
}

int vti_link_set_up(struct vti_handle *h, int ifindex, bool up, struct vti_error *err)
{
	return send_built(h, vti_msg_link_set_up(h->req, sizeof(h->req), next_seq(h), ifindex, up),
			  err);
}

int vti_link_set_mtu(struct vti_handle *h, int ifindex, uint32_t mtu, struct vti_error *err)
{
	return send_built(
		h, vti_msg_link_set_mtu(h->req, sizeof(h->req), next_seq(h), ifindex, mtu), err);
}

int vti_addr_add(struct vti_handle *h, int ifindex, const struct vti_prefix *pfx,
		 struct vti_error *err)
{
	return send_built(h, vti_msg_addr(h->req, sizeof(h->req), next_seq(h), true, ifindex, pfx),
			  err);
}

int vti_addr_del(struct vti_handle *h, int ifindex, const struct vti_prefix *pfx,
		 struct vti_error *err)
{
	return send_built(h, vti_msg_addr(h->req, sizeof(h->req), next_seq(h), false, ifindex, pfx),
			  err);
}

int vti_route_add(struct vti_handle *h, const struct vti_route *r, struct vti_error *err)
{
	return send_built(h, vti_msg_route(h->req, sizeof(h->req), next_seq(h), true, r), err);
}

int vti_route_del(struct vti_handle *h, const struct vti_route *r, struct vti_error *err)
{
	return send_built(h, vti_msg_route(h->req, sizeof(h->req), next_seq(h), false, r), err);
}

struct link_get {
	struct vti_link_info *info;
	bool found;
};

static int link_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_get *g = arg;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (vti_parse_link(nlh, g->info) < 0)
		return -EBADMSG;
	g->found = true;
	return 0;
}

static int link_get(struct vti_handle *h, int ifindex, const char *name, struct vti_link_info *ret,
		    struct vti_error *err)
{
	struct link_get g = { ret, false };
	int rc;

	rc = vti_msg_link_get(h->req, sizeof(h->req), next_seq(h), ifindex, name);
	if (rc < 0)
		return send_built(h, rc, err);
	rc = talk(h, link_get_cb, &g, err);
	if (rc == -EBADMSG)
		vti_err_set(err, rc, "malformed RTM_NEWLINK reply");
	if (rc == 0 && !g.found) {
		rc = -ENODEV;
		vti_err_set(err, rc, "no RTM_NEWLINK in the reply");
	}
	return rc;
}

int vti_link_get(struct vti_handle *h, int ifindex, struct vti_link_info *ret,
		 struct vti_error *err)
{
	return link_get(h, ifindex, NULL, ret, err);
}

int vti_ifindex(struct vti_handle *h, const char *name, int *ret_ifindex, struct vti_error *err)
{
	struct vti_link_info info;
	int rc = link_get(h, 0, name, &info, err);

	if (rc == 0)
		*ret_ifindex = info.ifindex;
	return rc;
}

int vti_link_stats(struct vti_handle *h, int ifindex, struct vti_link_stats *ret,
		   struct vti_error *err)
{
	struct vti_link_info info;
	int rc = link_get(h, ifindex, NULL, &info, err);

	if (rc < 0)
		return rc;
	if (!info.has_stats) {
		vti_err_set(err, -ENODATA, "no IFLA_STATS64 in the reply");
		return -ENODATA;
	}
	*ret = info.stats;
	return 0;
}

/* Links of one dump, collected so that an interrupted dump can be retried cleanly. */
struct link_list {
	struct vti_link_info *v;
	size_t n, cap;
};

static int link_list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_list *l = arg;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct vti_link_info *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (vti_parse_link(nlh, &l->v[l->n]) < 0)
		return -EBADMSG;
	l->n++;
	return 0;
}

int vti_link_foreach(struct vti_handle *h, int (*fn)(const struct vti_link_info *, void *),
		     void *arg, struct vti_error *err)
{
	struct link_list l = { 0 };
	int rc = -EINTR;

	for (int i = 0; i < VTI_DUMP_TRIES && rc == -EINTR; i++) {
		l.n = 0;
		rc = vti_msg_link_dump(h->req, sizeof(h->req), next_seq(h));
		if (rc < 0)
			return send_built(h, rc, err);
		rc = talk(h, link_list_cb, &l, err);
	}
	if (rc == -EBADMSG)
		vti_err_set(err, rc, "malformed RTM_NEWLINK in the dump");
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		rc = fn(&l.v[i], arg);
		if (rc < 0)
			vti_err_set(err, rc, "");
	}
	free(l.v);
	return rc;
}
