/*
 * The daemon's side of the per-peer counters (gw_peers.h): carried over before our nftables
 * table is replaced, and read for the show commands and `metrics` (one table dump each).
 */
#include <errno.h>
#include <stdlib.h>

#include "gw_internal.h"

/* Entries for every destination of the running tunnels, plus the "any other source" one. */
static int nft_read(struct gw *gw, struct nft_peer_counters **ret, size_t *ret_n)
{
	struct kernel_error err = { 0 };
	size_t max = gw->peers.n + gw->n_tunnels + 2;
	struct nft_peer_counters *v = calloc(max, sizeof(*v));
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (!v)
		return -ENOMEM;
	r = kernel_nft_counters(v, max, ret_n, &err);
	if (r < 0) {
		gw_log(&gw->log, LOG_WARNING, NULL, "cannot read our nftables counters: %s",
		       err.msg);
		free(v);
		return r;
	}
	*ret = v;
	return 0;
}

void gw_peers_before_nft(struct gw *gw)
{
	struct nft_peer_counters *v;
	size_t n;

	if (gw->peers.n && nft_read(gw, &v, &n) == 0) {
		gw_peers_nft_carry(&gw->peers, v, n);
		free(v);
	}
	if (gw_peers_sync(&gw->peers, gw->cfg) < 0)
		gw_log(&gw->log, LOG_ERR, NULL, "per-peer counters: out of memory");
}

int gw_peers_read(struct gw *gw, struct gw_peer_counters **ret, size_t *ret_n)
{
	struct nft_peer_counters *v = NULL;
	size_t n = 0;
	bool ok = nft_read(gw, &v, &n) == 0;
	int r = gw_peers_snapshot(&gw->peers, v, n, ok, ret, ret_n);

	free(v);
	return r;
}
