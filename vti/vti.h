/*
 * vti: VTI tunnel links, addresses, routes and link statistics over rtnetlink (libmnl).
 * Knows nothing of IKE. Pure builders write each request into a caller buffer and pure
 * parsers decode replies, so both are testable without a kernel; vti_open() and the
 * action functions below send them. Action functions return 0 or -errno.
 */
#ifndef IKEGW_VTI_H
#define IKEGW_VTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/netlink.h>

#define VTI_ERROR_MSG_MAX 128

/* What went wrong, with the kernel's extended-ACK text when it gave one. */
struct vti_error {
	int code;		     /* 0 or -errno: the same value the function returned */
	uint32_t bad_attr_offset;    /* NLMSGERR_ATTR_OFFS into our request; 0 if none */
	char msg[VTI_ERROR_MSG_MAX]; /* kernel extended ACK, or our own text; "" if none */
};

union vti_inaddr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* An address with prefix length (interface address or route destination). */
struct vti_prefix {
	int family; /* AF_INET or AF_INET6 */
	union vti_inaddr addr;
	uint8_t len; /* prefix length: <= 32 or <= 128 */
};

/* A VTI link: kind "vti" (ip_vti) for AF_INET, "vti6" (ip6_vti) for AF_INET6. */
struct vti_link_params {
	char name[IFNAMSIZ];
	int family; /* of local and remote */
	union vti_inaddr local, remote;
	uint32_t ikey, okey; /* host order; non-zero (0 means "no mark" to the kernel) */
	int link;	     /* ifindex of the underlying device, 0 for none */
};

/* The subset of IFLA_STATS64 used for per-tunnel counters. */
struct vti_link_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors;
	uint64_t rx_dropped, tx_dropped;
	uint64_t tx_carrier_errors; /* a VTI counts here what it could not send: no SA, no route */
};

/* One RTM_NEWLINK reply, decoded. */
struct vti_link_info {
	int ifindex;
	unsigned int flags; /* IFF_* */
	char name[IFNAMSIZ];
	uint32_t mtu;  /* 0 if absent */
	char kind[16]; /* IFLA_INFO_KIND, "" if none */
	bool is_vti;   /* kind vti/vti6: vti below is filled (name included) */
	struct vti_link_params vti;
	bool has_stats;
	struct vti_link_stats stats;
};

/* A route: prefix via a device, optional gateway and metric, main table, proto static. */
struct vti_route {
	struct vti_prefix dst;
	int ifindex; /* output device; 0 only with a gateway */
	bool has_gateway;
	union vti_inaddr gateway; /* same family as dst */
	uint32_t metric;	  /* RTA_PRIORITY; 0 = kernel default */
};

/* ---- pure request builders: write one message at buf, 0 or -EINVAL / -EMSGSIZE ---- */
int vti_link_params_check(const struct vti_link_params *p, struct vti_error *err);
int vti_msg_link_create(void *buf, size_t size, uint32_t seq, const struct vti_link_params *p);
int vti_msg_link_delete(void *buf, size_t size, uint32_t seq, int ifindex);
int vti_msg_link_set_up(void *buf, size_t size, uint32_t seq, int ifindex, bool up);
int vti_msg_link_set_mtu(void *buf, size_t size, uint32_t seq, int ifindex, uint32_t mtu);
/* RTM_GETLINK by ifindex (name NULL) or by name (ifindex 0). */
int vti_msg_link_get(void *buf, size_t size, uint32_t seq, int ifindex, const char *name);
int vti_msg_link_dump(void *buf, size_t size, uint32_t seq);
int vti_msg_addr(void *buf, size_t size, uint32_t seq, bool add, int ifindex,
		 const struct vti_prefix *pfx);
int vti_msg_route(void *buf, size_t size, uint32_t seq, bool add, const struct vti_route *r);

/* ---- pure reply parsers ---- */
/*
 * NLMSG_ERROR (or NLMSG_DONE) payload: returns 0 for an ACK, the kernel's -errno, or
 * -EBADMSG if malformed; fills err (if not NULL) with code, ext-ack text and offset.
 */
int vti_parse_error(const struct nlmsghdr *nlh, struct vti_error *err);
/* RTM_NEWLINK: 0, or -EBADMSG for a malformed message. */
int vti_parse_link(const struct nlmsghdr *nlh, struct vti_link_info *ret);

/* State of one request's replies, fed with each datagram the kernel sends back. */
struct vti_reply {
	uint32_t seq, portid;
	int (*cb)(const struct nlmsghdr *nlh, void *arg); /* data messages; may be NULL */
	void *arg;
	struct vti_error *err; /* may be NULL */
	int cb_status;	       /* first error returned by cb */
	bool interrupted;      /* NLM_F_DUMP_INTR seen: the dump must be retried */
};
void vti_reply_init(struct vti_reply *r, uint32_t seq, uint32_t portid,
		    int (*cb)(const struct nlmsghdr *, void *), void *arg, struct vti_error *err);
/*
 * Returns 1 when more datagrams are expected, 0 when the request completed (ACK or
 * NLMSG_DONE), or -errno: the kernel's error, the callback's first error, -EINTR for an
 * interrupted dump, -EBADMSG for malformed input. Messages of other sequence numbers are
 * skipped.
 */
int vti_reply_feed(struct vti_reply *r, const void *buf, size_t len);

/* ---- talking to the kernel ---- */
struct vti_handle;

int vti_open(struct vti_handle **ret);
void vti_close(struct vti_handle *h);

int vti_link_create(struct vti_handle *h, const struct vti_link_params *p, struct vti_error *err);
/* Deletes any link by ifindex (not only VTIs). */
int vti_link_delete(struct vti_handle *h, int ifindex, struct vti_error *err);
int vti_link_set_up(struct vti_handle *h, int ifindex, bool up, struct vti_error *err);
int vti_link_set_mtu(struct vti_handle *h, int ifindex, uint32_t mtu, struct vti_error *err);
int vti_ifindex(struct vti_handle *h, const char *name, int *ret_ifindex, struct vti_error *err);
int vti_link_get(struct vti_handle *h, int ifindex, struct vti_link_info *ret,
		 struct vti_error *err);
int vti_link_stats(struct vti_handle *h, int ifindex, struct vti_link_stats *ret,
		   struct vti_error *err);
/* Calls fn for every link; a negative return from fn is returned after the dump ends. */
int vti_link_foreach(struct vti_handle *h, int (*fn)(const struct vti_link_info *, void *),
		     void *arg, struct vti_error *err);
int vti_addr_add(struct vti_handle *h, int ifindex, const struct vti_prefix *pfx,
		 struct vti_error *err);
int vti_addr_del(struct vti_handle *h, int ifindex, const struct vti_prefix *pfx,
		 struct vti_error *err);
int vti_route_add(struct vti_handle *h, const struct vti_route *r, struct vti_error *err);
int vti_route_del(struct vti_handle *h, const struct vti_route *r, struct vti_error *err);

#endif
