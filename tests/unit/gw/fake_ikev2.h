/*
 * A fake IKEv2 engine for the runtime's unit tests: the functions of ikev2.h, recording what
 * the runtime calls and answering with state the test sets (SAs, tunnels, next timeout).
 */
#ifndef IKEGW_FAKE_IKEV2_H
#define IKEGW_FAKE_IKEV2_H

#include "ikev2.h"

#define FAKE_MAX 8

struct fake_ikev2 {
	/* state shown by ikev2_foreach_sa / ikev2_tunnel_info */
	struct ike_sa_info sas[FAKE_MAX];
	size_t n_sas;
	uint32_t tunnel_ids[FAKE_MAX];
	struct ike_tunnel_info tunnels[FAKE_MAX];
	size_t n_tunnels;
	uint64_t next_timeout; /* ikev2_run_timers resets it to UINT64_MAX */
	size_t cleared;	       /* what ikev2_clear returns */

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

extern struct fake_ikev2 fake;

#endif
