/*
 * The IKE transport over UDP (see gw_transport.h): one socket per (family, port), read on
 * sd-event io sources, IP_PKTINFO / IPV6_PKTINFO both ways, the RFC 3948 non-ESP marker on the
 * NAT-T port, and a per-socket IPsec bypass so that no policy ever captures IKE itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "gw_transport.h"

#define GW_SOCKS_MAX 4
#define GW_RX_BURST 64 /* datagrams per wake-up, so one busy socket cannot starve the rest */

struct gw_sock {
	struct gw_transport *t;
	int fd;
	int family;
	uint16_t port;
	bool natt;
	sd_event_source *src;
};

struct gw_transport {
	struct gw_sock socks[GW_SOCKS_MAX];
	size_t n_socks;
	uint16_t port_ike, port_natt;
	gw_transport_recv_fn recv;
	void *userdata;
	struct gw_transport_stats stats;
	uint8_t buf[GW_DATAGRAM_MAX + 1];
};

static void addr_from_sockaddr(const struct sockaddr_storage *ss, struct config_addr *ret,
			       uint16_t *ret_port)
{
	memset(ret, 0, sizeof(*ret));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		ret->family = AF_INET;
		ret->v4 = sin->sin_addr;
		*ret_port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		ret->family = AF_INET6;
		ret->v6 = sin6->sin6_addr;
		*ret_port = ntohs(sin6->sin6_port);
	}
}

/* The destination address the datagram was sent to (our local address). */
static void local_from_cmsg(struct msghdr *msg, int family, struct config_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (family == AF_INET && c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ret->family = AF_INET;
			ret->v4 = pi.ipi_addr;
		} else if (family == AF_INET6 && c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ret->family = AF_INET6;
			ret->v6 = pi.ipi6_addr;
		}
	}
}

/* One datagram: 1 delivered or dropped, 0 nothing left to read, -errno on a socket error. */
static int sock_read_one(struct gw_sock *s)
{
	struct gw_transport *t = s->t;
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
	} cbuf;
	struct sockaddr_storage from;
	struct iovec iov = { .iov_base = t->buf, .iov_len = sizeof(t->buf) };
	struct msghdr msg = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct ike_path path;
	const uint8_t *data = t->buf;
	ssize_t n;
	size_t len;

	n = recvmsg(s->fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno == EINTR ? 1 : -errno;
	len = (size_t)n;
	if ((msg.msg_flags & MSG_TRUNC) || len > GW_DATAGRAM_MAX) {
		t->stats.rx_dropped++;
		return 1;
	}
	memset(&path, 0, sizeof(path));
	addr_from_sockaddr(&from, &path.remote, &path.remote_port);
	local_from_cmsg(&msg, s->family, &path.local);
	path.local_port = s->port;
	if (path.remote.family != s->family) {
		t->stats.rx_dropped++;
		return 1;
	}
	if (s->natt) {
		if (len == 1 && data[0] == 0xff) {
			t->stats.rx_keepalive++; /* NAT-keepalive, RFC 3948 2.3 */
			return 1;
		}
		/* IKE carries four zero octets where ESP has its SPI; anything else is ESP the
		 * kernel did not take (no UDP_ENCAP): not ours. */
		if (len < GW_NON_ESP_MARKER_LEN || memcmp(data, "\0\0\0\0", 4) != 0) {
			t->stats.rx_dropped++;
			return 1;
		}
		data += GW_NON_ESP_MARKER_LEN;
		len -= GW_NON_ESP_MARKER_LEN;
	}
	if (len == 0) {
		t->stats.rx_dropped++;
		return 1;
	}
	t->stats.rx++;
	t->recv(t->userdata, &path, data, len);
	return 1;
}

static int sock_io(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct gw_sock *s = userdata;

	for (int i = 0; i < GW_RX_BURST; i++)
		if (sock_read_one(s) <= 0)
			break; /* errors (e.g. ICMP port unreachable as ECONNREFUSED) are not fatal
				*/
	return 0;
}

/* No IPsec policy applies to the IKE socket itself (RFC 4301 5.1: IKE traffic bypasses). */
static int sock_bypass(int fd, int family)
{
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;

	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		struct xfrm_userpolicy_info pol;

		memset(&pol, 0, sizeof(pol));
		pol.action = XFRM_POLICY_ALLOW;
		pol.sel.family = (uint16_t)family;
		pol.dir = (uint8_t)dir;
		pol.lft.soft_byte_limit = XFRM_INF;
		pol.lft.hard_byte_limit = XFRM_INF;
		pol.lft.soft_packet_limit = XFRM_INF;
		pol.lft.hard_packet_limit = XFRM_INF;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
			return -errno;
	}
	return 0;
}

static int sock_open(struct gw_transport *t, sd_event *ev, int family, uint16_t port, bool natt,
		     bool encap, const char **ret_step)
{
	struct gw_sock *s = &t->socks[t->n_socks];
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, one = 1, r;

	*ret_step = "socket";
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		*ret_step = "IP_PKTINFO";
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
			goto fail_errno;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sslen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		*ret_step = "IPV6_RECVPKTINFO";
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)
			goto fail_errno;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sslen = sizeof(*sin6);
	}
	/* Without CAP_NET_ADMIN the bypass is refused; our policies are marked, so unmarked
	 * IKE datagrams never match them anyway. */
	(void)sock_bypass(fd, family);
	if (natt && encap) {
		int type = UDP_ENCAP_ESPINUDP;

		*ret_step = "UDP_ENCAP";
		if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)) < 0)
			goto fail_errno;
	}
	*ret_step = "bind";
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0)
		goto fail_errno;
	*s = (struct gw_sock){ .t = t, .fd = fd, .family = family, .port = port, .natt = natt };
	*ret_step = "sd_event_add_io";
	r = sd_event_add_io(ev, &s->src, fd, EPOLLIN, sock_io, s);
	if (r < 0) {
		close(fd);
		s->fd = -1;
		return r;
	}
	t->n_socks++;
	return 0;
fail_errno:
	r = -errno;
	close(fd);
	return r;
}

int gw_transport_new(sd_event *ev, const struct gw_transport_config *cfg, gw_transport_recv_fn recv,
		     void *userdata, struct gw_transport **ret, bool *ret_ipv6, char *err,
		     size_t errlen)
{
	struct gw_transport *t = calloc(1, sizeof(*t));
	const char *step = "calloc";
	bool ipv6 = false;
	int r;

	if (!t)
		return -ENOMEM;
	t->recv = recv;
	t->userdata = userdata;
	t->port_ike = cfg->port_ike ? cfg->port_ike : GW_PORT_IKE;
	t->port_natt = cfg->port_natt ? cfg->port_natt : GW_PORT_NATT;
	r = sock_open(t, ev, AF_INET, t->port_ike, false, false, &step);
	if (r == 0)
		r = sock_open(t, ev, AF_INET, t->port_natt, true, !cfg->no_encap, &step);
	if (r < 0) {
		if (err && errlen)
			snprintf(err, errlen, "UDP %u/%u (IPv4): %s: %s", t->port_ike, t->port_natt,
				 step, strerror(-r));
		gw_transport_free(t);
		return r;
	}
	if (!cfg->no_ipv6) {
		size_t n = t->n_socks;

		/* IPv6 is optional: a host without it (or with it disabled) runs IPv4 only. */
		r = sock_open(t, ev, AF_INET6, t->port_ike, false, false, &step);
		if (r == 0)
			r = sock_open(t, ev, AF_INET6, t->port_natt, true, !cfg->no_encap, &step);
		if (r < 0) {
			while (t->n_socks > n) {
				struct gw_sock *s = &t->socks[--t->n_socks];

				sd_event_source_disable_unref(s->src);
				close(s->fd);
			}
		}
		ipv6 = r == 0;
	}
	if (ret_ipv6)
		*ret_ipv6 = ipv6;
	*ret = t;
	return 0;
}

void gw_transport_free(struct gw_transport *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_socks; i++) {
		sd_event_source_disable_unref(t->socks[i].src);
		close(t->socks[i].fd);
	}
	free(t);
}

static struct gw_sock *sock_for(struct gw_transport *t, int family, bool natt)
{
	for (size_t i = 0; i < t->n_socks; i++)
		if (t->socks[i].family == family && t->socks[i].natt == natt)
			return &t->socks[i];
	return NULL;
}

static int transport_sendmsg(struct gw_transport *t, const struct ike_path *path, const void *buf,
			     size_t len, bool keepalive)
{
	static const uint8_t marker[GW_NON_ESP_MARKER_LEN];
	bool natt = path->local_port == t->port_natt;
	struct gw_sock *s = sock_for(t, path->remote.family, natt);
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct sockaddr_storage to;
	struct iovec iov[2];
	struct msghdr msg = { .msg_name = &to, .msg_iov = iov };
	int family = path->remote.family;

	if (!s) {
		t->stats.tx_errors++;
		return -EAFNOSUPPORT;
	}
	if (len == 0 || len + (natt ? GW_NON_ESP_MARKER_LEN : 0) > GW_DATAGRAM_MAX)
		return -EMSGSIZE;
	memset(&to, 0, sizeof(to));
	memset(&cbuf, 0, sizeof(cbuf));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&to;

		sin->sin_family = AF_INET;
		sin->sin_addr = path->remote.v4;
		sin->sin_port = htons(path->remote_port);
		msg.msg_namelen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = path->remote.v6;
		sin6->sin6_port = htons(path->remote_port);
		msg.msg_namelen = sizeof(*sin6);
	}
	if (natt && !keepalive)
		iov[msg.msg_iovlen++] = (struct iovec){ (void *)(uintptr_t)marker, sizeof(marker) };
	iov[msg.msg_iovlen++] = (struct iovec){ (void *)(uintptr_t)buf, len };
	if (path->local.family == family) {
		struct cmsghdr *c;

		msg.msg_control = cbuf.buf;
		if (family == AF_INET) {
			struct in_pktinfo pi = { .ipi_spec_dst = path->local.v4 };

			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi = { .ipi6_addr = path->local.v6 };

			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	if (sendmsg(s->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		t->stats.tx_errors++;
		return -errno;
	}
	t->stats.tx++;
	return 0;
}

int gw_transport_send(struct gw_transport *t, const struct ike_path *path, const void *buf,
		      size_t len)
{
	return transport_sendmsg(t, path, buf, len, false);
}

int gw_transport_send_keepalive(struct gw_transport *t, const struct ike_path *path)
{
	static const uint8_t ka = 0xff; /* RFC 3948 2.3: one octet 0xFF, no marker */

	if (path->local_port != t->port_natt)
		return -EINVAL;
	return transport_sendmsg(t, path, &ka, 1, true);
}

uint16_t gw_transport_port_ike(const struct gw_transport *t)
{
	return t->port_ike;
}

uint16_t gw_transport_port_natt(const struct gw_transport *t)
{
	return t->port_natt;
}

void gw_transport_get_stats(const struct gw_transport *t, struct gw_transport_stats *ret)
{
	*ret = t->stats;
}
