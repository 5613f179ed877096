/*
 * The one seam between the IKE engines and the kernel: install, delete and read ESP SAs of a
 * route-based tunnel. Implemented by the daemon's real adapter (xfrm/) and by an in-process
 * fake for exchange tests. Tunnel objects (VTI link, policies, routes) are not the engines'
 * business: the daemon sets them up from the configuration.
 */
#ifndef IKEGW_IKE_KERNEL_H
#define IKEGW_IKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * One direction of a CHILD_SA. Algorithms are IKEv2 transform IDs (IKEv1 maps its own onto
 * them): encr WIRE_ENCR_*, key_bits for AES, integ WIRE_INTEG_* (WIRE_INTEG_NONE with AEAD).
 * enc_key includes the 4-byte salt for AES-GCM / ChaCha20-Poly1305 (RFC 4106, RFC 7634).
 */
struct ike_kernel_sa {
	uint32_t tunnel_id; /* N of TunnelN: the adapter derives the VTI key (mark) and reqid */
	bool inbound;
	struct config_addr src, dst; /* outer addresses of this direction */
	uint32_t spi;		     /* host order */
	uint16_t encr, key_bits, integ;
	const uint8_t *enc_key;
	size_t enc_key_len;
	const uint8_t *integ_key;
	size_t integ_key_len;
	bool esn;
	uint32_t replay_window;		   /* packets; 0 for outbound */
	uint16_t encap_sport, encap_dport; /* UDP encapsulation (NAT-T); 0: plain ESP */
	uint64_t soft_seconds, hard_seconds; /* 0: none */
	uint64_t soft_bytes, hard_bytes;     /* 0: none */
};

struct ike_kernel_counters {
	uint64_t packets, bytes;
	uint64_t replay_errors, integrity_errors;
};

/* Every operation returns 0 or -errno; err (may be NULL) gets the kernel's text on failure. */
struct ike_kernel_ops {
	void *ctx;
	/* A fresh inbound SPI (a larval SA towards dst that sa_add for the same SPI completes). */
	int (*spi_alloc)(void *ctx, uint32_t tunnel_id, const struct config_addr *src,
			 const struct config_addr *dst, uint32_t *ret_spi);
	int (*sa_add)(void *ctx, const struct ike_kernel_sa *sa, char *err, size_t errlen);
	int (*sa_del)(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi);
	int (*sa_counters)(void *ctx, uint32_t tunnel_id, const struct config_addr *dst,
			   uint32_t spi, struct ike_kernel_counters *ret);
};

#endif /* IKEGW_IKE_KERNEL_H */
