/*
 * Per-peer counters (gw_peers.h): a small table keyed by tunnel destination, rebuilt from the
 * configuration on start and reload; counted on every IKE datagram the transport sends or
 * delivers, and combined with our nftables table's per-peer counters when a show command asks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_peers.h"

struct gw_peer_entry {
	struct config_addr addr;
	uint64_t ike_tx_pkts, ike_tx_bytes, ike_rx_daemon_pkts;
	/* what earlier nftables tables counted before they were replaced */
	uint64_t ike_rx_pkts, ike_rx_bytes, esp_rx_pkts, esp_rx_bytes;
};

/* The table is sorted by address (family, then bytes): lookups on the packet path and at a
 * reload are binary searches, so 100k tunnel destinations cost no linear scans. */
static int addr_cmp(const struct config_addr *a, const struct config_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->v4, &b->v4, sizeof(a->v4));
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return addr_cmp(&((const struct gw_peer_entry *)a)->addr,
			&((const struct gw_peer_entry *)b)->addr);
}

static struct gw_peer_entry *entry(const struct gw_peers *p, const struct config_addr *addr)
{
	struct gw_peer_entry key = { .addr = *addr };

	if (addr->family == 0 || p->n == 0)
		return NULL;
	return bsearch(&key, p->v, p->n, sizeof(*p->v), entry_cmp);
}

int gw_peers_sync(struct gw_peers *p, const struct config *cfg)
{
	size_t max = cfg ? cfg->n_tunnels : 0, n = 0, kept = 0;
	struct gw_peer_entry *v = calloc(max ? max : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < max; i++)
		if (cfg->tunnels[i]->destination.family)
			v[n++].addr = cfg->tunnels[i]->destination;
	qsort(v, n, sizeof(*v), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct gw_peer_entry *old;

		if (kept && entry_cmp(&v[kept - 1], &v[i]) == 0)
			continue; /* one entry per destination */
		old = entry(p, &v[i].addr);
		v[kept++] = old ? *old : v[i];
	}
	free(p->v);
	p->v = v;
	p->n = kept;
	return 0;
}

void gw_peers_free(struct gw_peers *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void gw_peers_count_tx(struct gw_peers *p, const struct config_addr *addr, size_t len)
{
	struct gw_peer_entry *e = entry(p, addr);

	if (e) {
		e->ike_tx_pkts++;
		e->ike_tx_bytes += len;
	}
}

void gw_peers_count_rx(struct gw_peers *p, const struct config_addr *addr, size_t len)
{
	struct gw_peer_entry *e = entry(p, addr);

	(void)len;
	if (e)
		e->ike_rx_daemon_pkts++;
}

void gw_peer_to_nft(const struct config_addr *a, struct nft_peer *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->family = a->family;
	if (a->family == AF_INET)
		ret->addr.v4 = a->v4;
	else if (a->family == AF_INET6)
		ret->addr.v6 = a->v6;
}

void gw_peers_nft_carry(struct gw_peers *p, const struct nft_peer_counters *v, size_t n)
{
	for (size_t i = 0; i < p->n; i++) {
		struct gw_peer_entry *e = &p->v[i];
		const struct nft_peer_counters *c;
		struct nft_peer np;

		gw_peer_to_nft(&e->addr, &np);
		c = nft_counters_find(v, n, &np);
		if (!c)
			continue;
		e->ike_rx_pkts += c->ike_pkts;
		e->ike_rx_bytes += c->ike_bytes;
		e->esp_rx_pkts += c->esp_pkts;
		e->esp_rx_bytes += c->esp_bytes;
	}
}

int gw_peers_snapshot(const struct gw_peers *p, const struct nft_peer_counters *nft, size_t n_nft,
		      bool nft_ok, struct gw_peer_counters **ret, size_t *ret_n)
{
	struct gw_peer_counters *v = NULL;

	*ret = NULL;
	*ret_n = 0;
	if (p->n == 0)
		return 0;
	v = calloc(p->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		const struct gw_peer_entry *e = &p->v[i];
		const struct nft_peer_counters *c;
		struct nft_peer np;

		v[i] = (struct gw_peer_counters){
			.peer = e->addr,
			.ike_tx_pkts = e->ike_tx_pkts,
			.ike_tx_bytes = e->ike_tx_bytes,
			.ike_rx_daemon_pkts = e->ike_rx_daemon_pkts,
		};
		gw_peer_to_nft(&e->addr, &np);
		c = nft_ok ? nft_counters_find(nft, n_nft, &np) : NULL;
		/* not in the dump (no table, nftables missing): the table is not counting */
		if (!c)
			continue;
		v[i].nft = true;
		v[i].ike_rx_pkts = e->ike_rx_pkts + c->ike_pkts;
		v[i].ike_rx_bytes = e->ike_rx_bytes + c->ike_bytes;
		v[i].esp_rx_pkts = e->esp_rx_pkts + c->esp_pkts;
		v[i].esp_rx_bytes = e->esp_rx_bytes + c->esp_bytes;
	}
	*ret = v;
	*ret_n = p->n;
	return 0;
}

static int counters_cmp(const void *a, const void *b)
{
	return addr_cmp(&((const struct gw_peer_counters *)a)->peer,
			&((const struct gw_peer_counters *)b)->peer);
}

const struct gw_peer_counters *gw_peer_find(const struct gw_peer_counters *v, size_t n,
					    const struct config_addr *addr)
{
	struct gw_peer_counters key = { .peer = *addr };

	if (!v || n == 0 || addr->family == 0)
		return NULL;
	return bsearch(&key, v, n, sizeof(*v), counters_cmp);
}
