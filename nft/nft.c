/*
 * nft kernel side: a NETLINK_NETFILTER socket per call (NETLINK_EXT_ACK, NETLINK_CAP_ACK),
 * one batch transaction per change with an ACK for every message, and the rule dump
 * behind nft_counters_get(). Builders and parsers live in nft_build.c / nft_parse.c.
 */
#include "nft.h"
#include "nft_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#define NFT_RX_SIZE 32768
#define NFT_DUMP_TRIES 4
/* Receive room per expected ACK: an skb's truesize, generously. */
#define NFT_ACK_ROOM 1024

static void raise_buffer(int fd, int opt_force, int opt, size_t want)
{
	int cur = 0, v = want > (size_t)(1 << 30) ? 1 << 30 : (int)want;
	socklen_t len = sizeof(cur);

	if (getsockopt(fd, SOL_SOCKET, opt, &cur, &len) == 0 && (size_t)cur >= want)
		return;
	/* FORCE ignores rmem_max/wmem_max (needs CAP_NET_ADMIN); fall back to the capped one */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

static int nl_open(struct mnl_socket **ret, size_t rcvbuf, size_t sndbuf, struct nft_error *err)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	int one = 1, rc;

	if (!nl) {
		rc = -errno;
		nft_err_set(err, rc, "cannot open a netfilter netlink socket");
		return rc;
	}
	if (mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		nft_err_set(err, rc, "cannot set up the netfilter netlink socket");
		mnl_socket_close(nl);
		return rc;
	}
	raise_buffer(mnl_socket_get_fd(nl), SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf);
	raise_buffer(mnl_socket_get_fd(nl), SO_SNDBUFFORCE, SO_SNDBUF, sndbuf);
	*ret = nl;
	return 0;
}

/* Sends one batch and collects an ACK (or error) for every message that asked for one. */
static int batch_talk(const void *batch, size_t len, struct nft_error *err)
{
	struct mnl_socket *nl;
	struct nft_acks a;
	uint8_t *rx;
	int rc;

	nft_acks_init(&a, batch, len, 0, err);
	rx = malloc(NFT_RX_SIZE);
	if (!rx) {
		nft_err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	rc = nl_open(&nl, (size_t)a.expected * NFT_ACK_ROOM + 65536, len + 65536, err);
	if (rc < 0)
		goto out;
	a.portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, batch, len) < 0) {
		rc = -errno;
		nft_err_set(err, rc, "sending the batch failed");
		goto close;
	}
	/* The kernel handles the batch inside sendmsg(): the ACKs are queued by now. */
	while (a.received < a.expected) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 1000) == 0)
			break;
		n = recv(pfd.fd, rx, NFT_RX_SIZE, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			rc = -errno;
			nft_err_set(err, rc, "receiving the batch acknowledgements failed");
			goto close;
		}
		nft_acks_feed(&a, rx, (size_t)n);
	}
	rc = nft_acks_result(&a);
close:
	mnl_socket_close(nl);
out:
	free(rx);
	return rc;
}

int nft_table_apply(const struct nft_table_spec *spec, struct nft_error *err)
{
	size_t size = nft_batch_setup_size(spec), len = 0;
	void *buf = malloc(size);
	int rc;

	if (!buf) {
		nft_err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	rc = nft_batch_setup(buf, size, 1, spec, &len, err);
	if (rc == 0)
		rc = batch_talk(buf, len, err);
	free(buf);
	return rc;
}

int nft_table_setup(const struct nft_peer *peers, size_t n, struct nft_error *err)
{
	struct nft_table_spec spec = { .peers = peers, .n_peers = n };

	return nft_table_apply(&spec, err);
}

int nft_table_remove(struct nft_error *err)
{
	uint8_t buf[4 * NFT_MSG_ROOM];
	size_t len = 0;
	int rc = nft_batch_remove(buf, sizeof(buf), 1, &len);

	if (rc < 0) {
		nft_err_set(err, rc, "building the batch failed");
		return rc;
	}
	return batch_talk(buf, len, err);
}

static int dump_once(struct nft_counters_acc *acc, uint8_t *rx, struct nft_error *err)
{
	uint8_t req[NFT_MSG_ROOM];
	const uint32_t seq = 1;
	struct mnl_socket *nl;
	int rc = nft_msg_rule_dump(req, sizeof(req), seq);

	if (rc < 0) {
		nft_err_set(err, rc, "building the rule dump request failed");
		return rc;
	}
	rc = nl_open(&nl, 0, 0, err);
	if (rc < 0)
		return rc;
	if (mnl_socket_sendto(nl, req, ((struct nlmsghdr *)req)->nlmsg_len) < 0) {
		rc = -errno;
		nft_err_set(err, rc, "sending the rule dump request failed");
		goto out;
	}
	do {
		ssize_t n = mnl_socket_recvfrom(nl, rx, NFT_RX_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			nft_err_set(err, rc, "receiving the rule dump failed");
			goto out;
		}
		rc = nft_counters_feed(acc, seq, mnl_socket_get_portid(nl), rx, (size_t)n, err);
	} while (rc == 1);
out:
	mnl_socket_close(nl);
	return rc;
}

int nft_counters_get(struct nft_peer_counters *ret, size_t max, size_t *ret_n,
		     struct nft_error *err)
{
	struct nft_counters_acc acc = { .v = ret, .max = max };
	uint8_t *rx = malloc(NFT_RX_SIZE);
	int rc = -EINTR;

	*ret_n = 0;
	if (!rx) {
		nft_err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	/* an interrupted dump is retried on a new socket (the old one is still mid-dump) */
	for (int i = 0; i < NFT_DUMP_TRIES && rc == -EINTR; i++) {
		acc.n = 0;
		acc.overflow = false;
		rc = dump_once(&acc, rx, err);
	}
	free(rx);
	if (rc == -ENOENT) {
		/* no table of ours: nothing counted */
		nft_err_set(err, 0, "%s", "");
		acc.n = 0;
		rc = 0;
	}
	if (rc < 0)
		return rc;
	*ret_n = acc.n;
	if (acc.overflow) {
		nft_err_set(err, -ENOSPC, "more peers in the table than room for counters");
		return -ENOSPC;
	}
	return 0;
}
