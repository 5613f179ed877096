/*
 * kplane-lab counters and nft-counters: a tunnel's counters read through ikegw's adapters (the
 * VTI's IFLA_STATS64 via vti_link_stats, each of its SAs via xfrm_sa_get_counters, the
 * namespace's /proc/net/xfrm_stat via xfrm_stat_read) and our nftables table's per-peer
 * counters; printed as a readable table or, with --json, in a stable machine-readable form.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "kplane.h"

#define ROWS_MAX 16

struct sa_row {
	int dir; /* XFRM_POLICY_OUT or XFRM_POLICY_IN */
	struct xfrm_sa_info info;
	struct xfrm_sa_counters c;
};

struct tunnel_view {
	char name[IFNAMSIZ];
	int ifindex;
	struct vti_link_params p;
	struct vti_link_stats link;
	struct sa_row rows[ROWS_MAX];
	size_t n_rows;
	bool overflow;
	struct xfrm_stat_table stat;
	bool has_stat;
};

/* An SA belongs to the tunnel when its endpoints and mark are the VTI's (either direction). */
static int collect_cb(const struct xfrm_sa_info *sa, void *userdata)
{
	struct tunnel_view *v = userdata;
	bool out, in;

	if (sa->family != AF_INET || sa->proto != IPPROTO_ESP || sa->mark.m != 0xffffffff)
		return 0;
	out = sa->src.v4.s_addr == v->p.local.v4.s_addr &&
	      sa->dst.v4.s_addr == v->p.remote.v4.s_addr && sa->mark.v == v->p.okey;
	in = sa->src.v4.s_addr == v->p.remote.v4.s_addr &&
	     sa->dst.v4.s_addr == v->p.local.v4.s_addr && sa->mark.v == v->p.ikey;
	if (!out && !in)
		return 0;
	if (v->n_rows == ROWS_MAX) {
		v->overflow = true;
		return 0;
	}
	v->rows[v->n_rows].dir = out ? XFRM_POLICY_OUT : XFRM_POLICY_IN;
	v->rows[v->n_rows].info = *sa;
	v->n_rows++;
	return 0;
}

/* Outbound first, then inbound; by SPI within a direction. */
static int row_cmp(const void *a, const void *b)
{
	const struct sa_row *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir == XFRM_POLICY_OUT ? -1 : 1;
	return x->info.spi < y->info.spi ? -1 : x->info.spi > y->info.spi;
}

static int tunnel_view_read(const char *name, struct tunnel_view *v)
{
	struct vti_handle *vh = NULL;
	struct xfrm_handle *xh = NULL;
	struct xfrm_error xerr = { 0 };
	struct vti_error verr = { 0 };
	const char *step = "vti_open";
	int r;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	r = vti_open(&vh);
	if (r == 0) {
		step = name;
		r = kplane_tunnel_lookup(vh, name, &v->ifindex, &v->p);
	}
	if (r == 0) {
		step = "vti_link_stats";
		r = vti_link_stats(vh, v->ifindex, &v->link, &verr);
	}
	if (r < 0) {
		r = step == name ? kplane_tunnel_fail(name, r) : kplane_fail(step, r, verr.msg);
		goto out;
	}
	r = xfrm_open(&xh);
	if (r < 0) {
		r = kplane_fail("xfrm_open", r, NULL);
		goto out;
	}
	r = xfrm_sa_dump(xh, collect_cb, v, &xerr);
	if (r < 0) {
		r = kplane_fail("xfrm_sa_dump", r, xerr.msg);
		goto out;
	}
	if (v->overflow) {
		r = kplane_fail("more SAs than this tool shows", -E2BIG, NULL);
		goto out;
	}
	qsort(v->rows, v->n_rows, sizeof(v->rows[0]), row_cmp);
	/* The counters themselves, one GETSA per SA as the daemon will read them. */
	for (size_t i = 0; i < v->n_rows; i++) {
		struct xfrm_sa_id id;

		xfrm_sa_info_to_id(&v->rows[i].info, &id);
		r = xfrm_sa_get_counters(xh, &id, &v->rows[i].c, &xerr);
		if (r < 0) {
			r = kplane_fail("xfrm_sa_get_counters", r, xerr.msg);
			goto out;
		}
	}
	v->has_stat = xfrm_stat_read(NULL, &v->stat) == 0; /* absent without XFRM_STATISTICS */
	r = 0;
out:
	xfrm_close(xh);
	vti_close(vh);
	return r;
}

static void transform_name(const struct xfrm_sa_info *sa, char *buf, size_t size)
{
	const char *enc = sa->enc_alg ? sa->enc_alg->name : sa->enc_name;

	if (sa->integ_alg || sa->integ_name[0])
		snprintf(buf, size, "%s %s", enc,
			 sa->integ_alg ? sa->integ_alg->name : sa->integ_name);
	else
		snprintf(buf, size, "%s", enc);
}

static void totals(const struct tunnel_view *v, uint64_t ret[4])
{
	memset(ret, 0, 4 * sizeof(ret[0]));
	for (size_t i = 0; i < v->n_rows; i++) {
		size_t k = v->rows[i].dir == XFRM_POLICY_OUT ? 0 : 1;

		ret[k] += v->rows[i].c.packets;
		ret[2 + k] += v->rows[i].c.bytes;
	}
}

static json_object *json_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static int print_json(const struct tunnel_view *v)
{
	json_object *root = json_object_new_object(), *link = json_object_new_object();
	json_object *sas = json_object_new_array(), *stat = json_object_new_object();
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN], spi[16], tf[160];
	const struct vti_link_stats *s = &v->link;
	uint64_t t[4];

	inet_ntop(AF_INET, &v->p.local.v4, local, sizeof(local));
	inet_ntop(AF_INET, &v->p.remote.v4, remote, sizeof(remote));
	totals(v, t);
	json_object_object_add(root, "interface", json_object_new_string(v->name));
	json_object_object_add(root, "ifindex", json_object_new_int(v->ifindex));
	json_object_object_add(root, "local", json_object_new_string(local));
	json_object_object_add(root, "peer", json_object_new_string(remote));
	json_object_object_add(root, "ikey", json_u64(v->p.ikey));
	json_object_object_add(root, "okey", json_u64(v->p.okey));
	json_object_object_add(root, "encaps_pkts", json_u64(t[0]));
	json_object_object_add(root, "decaps_pkts", json_u64(t[1]));
	json_object_object_add(root, "encaps_bytes", json_u64(t[2]));
	json_object_object_add(root, "decaps_bytes", json_u64(t[3]));
	json_object_object_add(link, "rx_packets", json_u64(s->rx_packets));
	json_object_object_add(link, "tx_packets", json_u64(s->tx_packets));
	json_object_object_add(link, "rx_bytes", json_u64(s->rx_bytes));
	json_object_object_add(link, "tx_bytes", json_u64(s->tx_bytes));
	json_object_object_add(link, "rx_errors", json_u64(s->rx_errors));
	json_object_object_add(link, "tx_errors", json_u64(s->tx_errors));
	json_object_object_add(link, "rx_dropped", json_u64(s->rx_dropped));
	json_object_object_add(link, "tx_dropped", json_u64(s->tx_dropped));
	json_object_object_add(root, "link", link);
	for (size_t i = 0; i < v->n_rows; i++) {
		const struct sa_row *row = &v->rows[i];
		json_object *sa = json_object_new_object();

		snprintf(spi, sizeof(spi), "0x%08x", row->info.spi);
		transform_name(&row->info, tf, sizeof(tf));
		json_object_object_add(
			sa, "dir",
			json_object_new_string(row->dir == XFRM_POLICY_OUT ? "out" : "in"));
		json_object_object_add(sa, "spi", json_object_new_string(spi));
		json_object_object_add(sa, "reqid", json_u64(row->info.reqid));
		json_object_object_add(sa, "transform", json_object_new_string(tf));
		json_object_object_add(sa, "replay_window", json_u64(row->info.replay_window));
		json_object_object_add(sa, "bytes", json_u64(row->c.bytes));
		json_object_object_add(sa, "packets", json_u64(row->c.packets));
		json_object_object_add(sa, "replay_window_errors",
				       json_u64(row->c.replay_window_errors));
		json_object_object_add(sa, "replay_errors", json_u64(row->c.replay_errors));
		json_object_object_add(sa, "integrity_errors", json_u64(row->c.integrity_errors));
		json_object_object_add(sa, "add_time", json_u64(row->c.add_time));
		json_object_object_add(sa, "use_time", json_u64(row->c.use_time));
		json_object_array_add(sas, sa);
	}
	json_object_object_add(root, "sas", sas);
	for (size_t i = 0; v->has_stat && i < v->stat.count; i++)
		json_object_object_add(stat, v->stat.entry[i].name,
				       json_u64(v->stat.entry[i].value));
	json_object_object_add(root, "xfrm_stat", stat);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return 0;
}

/* Readable, in the spirit of IOS "show crypto ipsec sa interface TunnelN". */
static int print_table(const struct tunnel_view *v)
{
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN], tf[160];
	const struct vti_link_stats *s = &v->link;
	size_t nonzero = 0;
	uint64_t t[4];

	inet_ntop(AF_INET, &v->p.local.v4, local, sizeof(local));
	inet_ntop(AF_INET, &v->p.remote.v4, remote, sizeof(remote));
	totals(v, t);
	printf("interface: %s (ifindex %d)\n", v->name, v->ifindex);
	printf("    local %s, peer %s, key in %u out %u\n", local, remote, v->p.ikey, v->p.okey);
	printf("    #pkts encaps: %llu, #bytes encaps: %llu\n", (unsigned long long)t[0],
	       (unsigned long long)t[2]);
	printf("    #pkts decaps: %llu, #bytes decaps: %llu\n", (unsigned long long)t[1],
	       (unsigned long long)t[3]);
	printf("    link %s: tx %llu packets %llu bytes, rx %llu packets %llu bytes,\n", v->name,
	       (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
	       (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes);
	printf("        errors tx %llu rx %llu, dropped tx %llu rx %llu\n",
	       (unsigned long long)s->tx_errors, (unsigned long long)s->rx_errors,
	       (unsigned long long)s->tx_dropped, (unsigned long long)s->rx_dropped);
	for (int pass = 0; pass < 2; pass++) {
		int dir = pass == 0 ? XFRM_POLICY_OUT : XFRM_POLICY_IN;

		printf("    %s esp sas:\n", pass == 0 ? "outbound" : "inbound");
		for (size_t i = 0; i < v->n_rows; i++) {
			const struct sa_row *row = &v->rows[i];

			if (row->dir != dir)
				continue;
			transform_name(&row->info, tf, sizeof(tf));
			printf("     spi: 0x%08x (%u), reqid %u, transform: %s\n", row->info.spi,
			       row->info.spi, row->info.reqid, tf);
			printf("        #pkts %s: %llu, #bytes: %llu\n",
			       dir == XFRM_POLICY_OUT ? "encaps" : "decaps",
			       (unsigned long long)row->c.packets,
			       (unsigned long long)row->c.bytes);
			printf("        replay window %u, #replay window errors %u, #replay errors "
			       "%u, #integrity failures %u\n",
			       row->info.replay_window, row->c.replay_window_errors,
			       row->c.replay_errors, row->c.integrity_errors);
		}
	}
	if (!v->has_stat) {
		printf("    xfrm_stat: not available\n");
		return 0;
	}
	for (size_t i = 0; i < v->stat.count; i++) {
		if (v->stat.entry[i].value == 0)
			continue;
		printf("    xfrm_stat %s %llu\n", v->stat.entry[i].name,
		       (unsigned long long)v->stat.entry[i].value);
		nonzero++;
	}
	if (nonzero == 0)
		printf("    xfrm_stat: all %zu error counters 0\n", v->stat.count);
	return 0;
}

int kplane_cmd_counters(const struct kplane_opts *o)
{
	struct tunnel_view *v;
	int r;

	if (!o->name) {
		fprintf(stderr, "kplane-lab: counters needs --name\n");
		return 2;
	}
	v = malloc(sizeof(*v));
	if (!v)
		return kplane_fail("counters", -ENOMEM, NULL);
	r = tunnel_view_read(o->name, v);
	if (r == 0)
		r = o->json ? print_json(v) : print_table(v);
	free(v);
	return r;
}

int kplane_cmd_nft_counters(const struct kplane_opts *o)
{
	struct nft_peer_counters c[KPLANE_PEERS_MAX + 1];
	json_object *root = NULL, *arr = NULL;
	struct nft_error err = { 0 };
	char addr[INET6_ADDRSTRLEN];
	size_t n = 0;
	int r;

	r = nft_counters_get(c, KPLANE_PEERS_MAX + 1, &n, &err);
	if (r < 0)
		return kplane_fail("nft_counters_get", r, err.msg);
	if (o->json) {
		root = json_object_new_object();
		arr = json_object_new_array();
	}
	for (size_t i = 0; i < n; i++) {
		if (c[i].peer.family == AF_UNSPEC)
			snprintf(addr, sizeof(addr), "any");
		else
			inet_ntop(c[i].peer.family, &c[i].peer.addr, addr, sizeof(addr));
		if (!o->json) {
			printf("peer %s ike_pkts %llu ike_bytes %llu esp_pkts %llu esp_bytes "
			       "%llu\n",
			       addr, (unsigned long long)c[i].ike_pkts,
			       (unsigned long long)c[i].ike_bytes,
			       (unsigned long long)c[i].esp_pkts,
			       (unsigned long long)c[i].esp_bytes);
			continue;
		}
		json_object *p = json_object_new_object();

		json_object_object_add(p, "peer", json_object_new_string(addr));
		json_object_object_add(p, "ike_pkts", json_u64(c[i].ike_pkts));
		json_object_object_add(p, "ike_bytes", json_u64(c[i].ike_bytes));
		json_object_object_add(p, "esp_pkts", json_u64(c[i].esp_pkts));
		json_object_object_add(p, "esp_bytes", json_u64(c[i].esp_bytes));
		json_object_array_add(arr, p);
	}
	if (o->json) {
		json_object_object_add(root, "peers", arr);
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
		json_object_put(root);
	}
	return 0;
}
