/*
 * The IKE transport: UDP sockets on the IKE port (500) and the NAT-T port (4500), IPv4 and
 * IPv6, bound to the wildcard address, with the local address of every datagram from
 * IP_PKTINFO and replies sent from it. The NAT-T socket has UDP_ENCAP_ESPINUDP (the kernel
 * takes ESP-in-UDP) and IKE on it carries the 4-byte zero non-ESP marker (RFC 3948 2.2), which
 * this layer strips on input and prepends on output.
 */
#ifndef IKEGW_GW_TRANSPORT_H
#define IKEGW_GW_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "ikev2.h"

#define GW_PORT_IKE 500
#define GW_PORT_NATT 4500
#define GW_NON_ESP_MARKER_LEN 4
#define GW_DATAGRAM_MAX 65535

/* One IKE message: path.local/local_port are where it arrived, marker already stripped. */
typedef void (*gw_transport_recv_fn)(void *userdata, const struct ike_path *path,
				     const uint8_t *buf, size_t len);

struct gw_transport_config {
	uint16_t port_ike;  /* 0: GW_PORT_IKE */
	uint16_t port_natt; /* 0: GW_PORT_NATT */
	bool no_encap;	    /* do not set UDP_ENCAP (tests without xfrm) */
	bool no_ipv6;	    /* IPv4 only */
};

struct gw_transport_stats {
	uint64_t rx, tx;       /* IKE messages delivered / sent */
	uint64_t rx_keepalive; /* NAT-keepalives (one 0xff byte) dropped */
	uint64_t rx_dropped;   /* truncated, too short, or ESP that reached us */
	uint64_t tx_errors;
};

struct gw_transport;

/*
 * Opens and binds the sockets and adds them to ev. IPv4 must work; IPv6 is skipped when the
 * host has none (*ret_ipv6 says whether it is on; may be NULL). -errno of the first IPv4
 * failure otherwise; err (may be NULL) names the step.
 */
int gw_transport_new(sd_event *ev, const struct gw_transport_config *cfg, gw_transport_recv_fn recv,
		     void *userdata, struct gw_transport **ret, bool *ret_ipv6, char *err,
		     size_t errlen);
void gw_transport_free(struct gw_transport *t); /* NULL is fine */

/* Sends one IKE message from path->local (when set) on the socket of path->local_port (the
 * NAT-T one adds the marker). 0 or -errno (-EAFNOSUPPORT without a socket of that family). */
int gw_transport_send(struct gw_transport *t, const struct ike_path *path, const void *buf,
		      size_t len);
/* A NAT-T keepalive (RFC 3948 2.3) on the NAT-T socket. */
int gw_transport_send_keepalive(struct gw_transport *t, const struct ike_path *path);

uint16_t gw_transport_port_ike(const struct gw_transport *t);
uint16_t gw_transport_port_natt(const struct gw_transport *t);
void gw_transport_get_stats(const struct gw_transport *t, struct gw_transport_stats *ret);

#endif /* IKEGW_GW_TRANSPORT_H */
