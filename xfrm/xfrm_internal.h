/*
 * Private to xfrm/: the request handle shared by the single-request path (xfrm_sock.c) and the
 * batch/flush path (xfrm_batch.c). Not installed, not for callers.
 */
#ifndef IKEGW_XFRM_INTERNAL_H
#define IKEGW_XFRM_INTERNAL_H

#include <libmnl/libmnl.h>

#include "xfrm/xfrm.h"

/* Receive buffer: the kernel's dump skbs stay below 32 KiB; twice that leaves room. */
#define XFRM_RX_SIZE 65536

struct xfrm_handle {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint8_t *rx; /* XFRM_RX_SIZE bytes, wiped after every datagram (dumps carry keys) */
	uint8_t tx[XFRM_MSG_SIZE_MAX] __attribute__((aligned(8))); /* wiped after every send */
};

/* Receives one datagram into h->rx: its length, or -errno (EINTR is retried). */
ssize_t xfrm_recv(struct xfrm_handle *h);

#define XFRM_DUMP_TRIES 5

/* One dump attempt: -EINTR when the kernel flagged it interrupted (the caller restarts). */
int xfrm_sa_dump_once(struct xfrm_handle *h,
		      int (*cb)(const struct xfrm_sa_info *sa, void *userdata), void *userdata,
		      struct xfrm_error *err);
int xfrm_policy_dump_once(struct xfrm_handle *h,
			  int (*cb)(const struct xfrm_policy *pol, void *userdata), void *userdata,
			  struct xfrm_error *err);

/* Fills err (if any) with a local error and no kernel text; returns r. */
int xfrm_local_error(struct xfrm_error *err, int r);

#endif
