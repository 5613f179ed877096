/*
 * The fake IKEv2 engine (fake_ikev2.h): records calls, shows the test's state.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_ikev2.h"

struct fake_ikev2 fake = { .next_timeout = UINT64_MAX };

struct ikev2 {
	int unused;
};

int ikev2_new(const struct ike_env *env, struct ikev2 **ret)
{
	fake.env = *env;
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -1;
}

void ikev2_free(struct ikev2 *e)
{
	free(e);
}

int ikev2_set_config(struct ikev2 *e, const struct config *cfg, const struct pki_store *store)
{
	fake.set_config_calls++;
	fake.cfg = cfg;
	fake.store = store;
	return 0;
}

void ikev2_set_debug(struct ikev2 *e, bool on)
{
	fake.debug = on;
}

void ikev2_set_debug_pki(struct ikev2 *e, bool on)
{
	(void)e;
	fake.debug_pki = on;
}

void ikev2_input(struct ikev2 *e, const struct ike_path *path, const uint8_t *buf, size_t len)
{
	fake.inputs++;
	fake.last_path = *path;
	fake.last_len = len;
	memcpy(fake.last_buf, buf, len < sizeof(fake.last_buf) ? len : sizeof(fake.last_buf));
}

uint64_t ikev2_next_timeout(const struct ikev2 *e)
{
	return fake.next_timeout;
}

void ikev2_run_timers(struct ikev2 *e)
{
	fake.timer_runs++;
	fake.next_timeout = UINT64_MAX;
}

void ikev2_kernel_expire(struct ikev2 *e, const struct config_addr *dst, uint32_t spi, bool hard)
{
	fake.expires++;
}

void ikev2_kernel_acquire(struct ikev2 *e, uint32_t tunnel_id)
{
	fake.acquires++;
	fake.last_acquire = tunnel_id;
}

int ikev2_initiate(struct ikev2 *e, uint32_t tunnel_id)
{
	return 0;
}

size_t ikev2_clear(struct ikev2 *e, const struct config_addr *peer)
{
	fake.clears++;
	memset(&fake.last_clear_peer, 0, sizeof(fake.last_clear_peer));
	if (peer)
		fake.last_clear_peer = *peer;
	return fake.cleared;
}

void ikev2_foreach_sa(const struct ikev2 *e, ike_sa_cb cb, void *userdata)
{
	for (size_t i = 0; i < fake.n_sas; i++)
		cb(userdata, &fake.sas[i]);
}

int ikev2_tunnel_info(const struct ikev2 *e, uint32_t tunnel_id, struct ike_tunnel_info *ret)
{
	for (size_t i = 0; i < fake.n_tunnels; i++) {
		if (fake.tunnel_ids[i] == tunnel_id) {
			*ret = fake.tunnels[i];
			return 0;
		}
	}
	return -2; /* -ENOENT */
}
