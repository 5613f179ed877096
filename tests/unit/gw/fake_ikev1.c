/*
 * The fake IKEv1 engine (fake_ikev1.h): records calls, shows the test's state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_ikev1.h"

struct fake_ikev1 fake1 = { .next_timeout = UINT64_MAX };

struct ikev1 {
	int unused;
};

int ikev1_new(const struct ike_env *env, struct ikev1 **ret)
{
	fake1.env = *env;
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

void ikev1_free(struct ikev1 *e)
{
	free(e);
}

int ikev1_set_config(struct ikev1 *e, const struct config *cfg, const struct pki_store *store)
{
	fake1.set_config_calls++;
	fake1.cfg = cfg;
	fake1.store = store;
	return 0;
}

void ikev1_set_debug(struct ikev1 *e, bool on)
{
	fake1.debug = on;
}

void ikev1_set_debug_pki(struct ikev1 *e, bool on)
{
	(void)e;
	fake1.debug_pki = on;
}

static int tunnel_index(uint32_t tunnel_id)
{
	for (size_t i = 0; i < fake1.n_tunnels; i++)
		if (fake1.tunnel_ids[i] == tunnel_id)
			return (int)i;
	return -1;
}

bool ikev1_owns_tunnel(const struct ikev1 *e, uint32_t tunnel_id)
{
	return tunnel_index(tunnel_id) >= 0;
}

void ikev1_input(struct ikev1 *e, const struct ike_path *path, const uint8_t *buf, size_t len)
{
	fake1.inputs++;
	fake1.last_path = *path;
	fake1.last_len = len;
	memcpy(fake1.last_buf, buf, len < sizeof(fake1.last_buf) ? len : sizeof(fake1.last_buf));
}

uint64_t ikev1_next_timeout(const struct ikev1 *e)
{
	return fake1.next_timeout;
}

void ikev1_run_timers(struct ikev1 *e)
{
	fake1.timer_runs++;
	fake1.next_timeout = UINT64_MAX;
}

bool ikev1_kernel_expire(struct ikev1 *e, const struct config_addr *dst, uint32_t spi, bool hard)
{
	fake1.expires++;
	return fake1.expire_spi && spi == fake1.expire_spi;
}

void ikev1_kernel_acquire(struct ikev1 *e, uint32_t tunnel_id)
{
	fake1.acquires++;
	fake1.last_acquire = tunnel_id;
}

int ikev1_initiate(struct ikev1 *e, uint32_t tunnel_id)
{
	return ikev1_owns_tunnel(e, tunnel_id) ? 0 : -ENOENT;
}

size_t ikev1_clear(struct ikev1 *e, const struct config_addr *peer)
{
	fake1.clears++;
	memset(&fake1.last_clear_peer, 0, sizeof(fake1.last_clear_peer));
	if (peer)
		fake1.last_clear_peer = *peer;
	return fake1.cleared;
}

void ikev1_foreach_sa(const struct ikev1 *e, ike_sa_cb cb, void *userdata)
{
	for (size_t i = 0; i < fake1.n_sas; i++)
		cb(userdata, &fake1.sas[i]);
}

int ikev1_tunnel_info(const struct ikev1 *e, uint32_t tunnel_id, struct ike_tunnel_info *ret)
{
	int i = tunnel_index(tunnel_id);

	if (i < 0)
		return -ENOENT;
	*ret = fake1.tunnels[i];
	return 0;
}
