/*
 * A fake IKEv1 engine for the runtime's unit tests: the functions of ikev1.h, recording what
 * the runtime calls and answering with state the test sets (ISAKMP SAs, owned tunnels, next
 * timeout), like fake_ikev2.h does for IKEv2.
 */
#ifndef IKEGW_FAKE_IKEV1_H
#define IKEGW_FAKE_IKEV1_H

#include "ikev1.h"

#define FAKE1_MAX 8

struct fake_ikev1 {
	/* state shown by ikev1_foreach_sa / ikev1_tunnel_info / ikev1_owns_tunnel */
	struct ike_sa_info sas[FAKE1_MAX];
	size_t n_sas;
	uint32_t tunnel_ids[FAKE1_MAX]; /* the tunnels this engine owns */
	struct ike_tunnel_info tunnels[FAKE1_MAX];
	size_t n_tunnels;
	uint64_t next_timeout; /* ikev1_run_timers resets it to UINT64_MAX */
	size_t cleared;	       /* what ikev1_clear returns */
	uint32_t expire_spi;   /* ikev1_kernel_expire claims this SPI (0: none) */

	/* calls seen */
	struct ike_env env;
	size_t set_config_calls;
	const struct config *cfg;
	const struct pki_store *store;
	size_t inputs;
	struct ike_path last_path;
	uint8_t last_buf[512];
	size_t last_len;
	size_t timer_runs;
	size_t acquires;
	uint32_t last_acquire;
	size_t expires;
	size_t clears;
	struct config_addr last_clear_peer; /* family 0: all */
	bool debug;
	bool debug_pki;
};

extern struct fake_ikev1 fake1;

#endif
