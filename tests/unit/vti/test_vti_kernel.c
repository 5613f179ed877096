/*
 * vti against the running kernel, each test in a fresh network namespace
 * (unshare(CLONE_NEWNET); needs root), with iproute2's JSON output (`ip -j`) as the
 * oracle: VTI create (or its refusal on kernels without ip_vti), link up/down and MTU,
 * addresses, routes, link dump, and IFLA_STATS64 counters moved by real frames on a veth.
 */
#include "vti.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

static struct vti_handle *h;

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs an `ip -j ...` command and parses its output; the caller puts the result. */
__attribute__((format(printf, 1, 2))) static json_object *ip_json(const char *fmt, ...)
{
	char cmd[512], out[65536];
	size_t n = 0, r;
	json_object *j;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	j = json_tokener_parse(out);
	assert_non_null(j);
	return j;
}

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static bool has_flag(json_object *link, const char *flag)
{
	json_object *flags = field(link, "flags");

	for (size_t i = 0; i < json_object_array_length(flags); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(flags, i)), flag) == 0)
			return true;
	return false;
}

static int fresh_netns(void **state)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (these tests need root)\n",
			strerror(errno));
		return -1;
	}
	if (sh("ip link set lo up") != 0 || vti_open(&h) < 0)
		return -1;
	return 0;
}

static int close_handle(void **state)
{
	vti_close(h);
	h = NULL;
	return 0;
}

static int ifindex_of(const char *name)
{
	struct vti_error err;
	int idx = 0;

	assert_int_equal(vti_ifindex(h, name, &idx, &err), 0);
	assert_true(idx > 0);
	return idx;
}

static void veth_pair(void)
{
	assert_int_equal(sh("ip link add v0 type veth peer name v1"), 0);
}

static struct vti_prefix prefix(int family, const char *addr, uint8_t len)
{
	struct vti_prefix p = { .family = family, .len = len };

	assert_int_equal(inet_pton(family, addr, &p.addr), 1);
	return p;
}

/* Seed 001's R1 side on a real VTI: 10.0.0.1/24, up, 192.168.200.0/24 via the tunnel. */
static void seed001_tunnel1(int idx)
{
	struct vti_prefix a = prefix(AF_INET, "10.0.0.1", 24);
	struct vti_route r = { .dst = prefix(AF_INET, "192.168.200.0", 24), .ifindex = idx };
	struct vti_link_stats st;
	struct vti_error err;
	json_object *j;

	assert_int_equal(vti_addr_add(h, idx, &a, &err), 0);
	assert_int_equal(vti_link_set_mtu(h, idx, 1400, &err), 0);
	assert_int_equal(vti_link_set_up(h, idx, true, &err), 0);
	assert_int_equal(vti_route_add(h, &r, &err), 0);
	j = ip_json("ip -j route show 192.168.200.0/24");
	assert_int_equal(json_object_array_length(j), 1);
	assert_string_equal(json_object_get_string(field(json_object_array_get_idx(j, 0), "dev")),
			    "Tunnel1");
	json_object_put(j);
	j = ip_json("ip -j link show Tunnel1");
	assert_int_equal(json_object_get_int(field(json_object_array_get_idx(j, 0), "mtu")), 1400);
	assert_true(has_flag(json_object_array_get_idx(j, 0), "UP"));
	json_object_put(j);
	assert_int_equal(vti_link_stats(h, idx, &st, &err), 0);
	assert_int_equal(st.rx_packets, 0);
}

/* Creates a VTI if this kernel has the kind (iproute2 decides), else checks the refusal. */
static void check_vti_create(const struct vti_link_params *p, const char *kind,
			     const char *ip_args)
{
	bool supported = sh("ip link add vtiprobe type %s %s 2>/dev/null", kind, ip_args) == 0;
	struct vti_link_info info;
	struct vti_error err;
	int rc, idx;

	if (supported)
		assert_int_equal(sh("ip link del vtiprobe"), 0);
	rc = vti_link_create(h, p, &err);
	if (!supported) {
		assert_int_equal(rc, -EOPNOTSUPP);
		assert_int_equal(err.code, -EOPNOTSUPP);
		assert_string_equal(err.msg, "Unknown device type");
		assert_int_equal(vti_ifindex(h, p->name, &idx, &err), -ENODEV);
		return;
	}
	assert_int_equal(rc, 0);
	idx = ifindex_of(p->name);
	assert_int_equal(vti_link_get(h, idx, &info, &err), 0);
	assert_true(info.is_vti);
	assert_string_equal(info.kind, kind);
	assert_int_equal(info.vti.family, p->family);
	assert_int_equal(info.vti.ikey, p->ikey);
	assert_int_equal(info.vti.okey, p->okey);
	assert_memory_equal(&info.vti.local, &p->local, p->family == AF_INET ? 4 : 16);
	assert_memory_equal(&info.vti.remote, &p->remote, p->family == AF_INET ? 4 : 16);
	assert_int_equal(vti_link_create(h, p, &err), -EEXIST);
	if (p->family == AF_INET)
		seed001_tunnel1(idx);
	assert_int_equal(vti_link_delete(h, idx, &err), 0);
}

static void vti_kernel_vti_create(void **state)
{
	struct vti_link_params p4 = { .name = "Tunnel1", .family = AF_INET, .ikey = 17, .okey = 17 };
	struct vti_link_params p6 = { .name = "Tunnel6", .family = AF_INET6, .ikey = 5, .okey = 6 };
	struct vti_error err;

	inet_pton(AF_INET, "192.168.0.1", &p4.local.v4);
	inet_pton(AF_INET, "192.168.0.2", &p4.remote.v4);
	check_vti_create(&p4, "vti", "local 192.168.0.1 remote 192.168.0.2 ikey 9 okey 9");
	inet_pton(AF_INET6, "2001:db8::1", &p6.local.v6);
	inet_pton(AF_INET6, "2001:db8::2", &p6.remote.v6);
	check_vti_create(&p6, "vti6", "local 2001:db8::1 remote 2001:db8::2 ikey 9 okey 9");

	/* key 0 never reaches the kernel */
	p4.ikey = 0;
	assert_int_equal(vti_link_create(h, &p4, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "VTI ikey and okey must be non-zero (0 means no mark)");
}

static void vti_kernel_link_up_mtu_delete(void **state)
{
	struct vti_link_info info;
	struct vti_error err;
	json_object *j;
	int idx, idx1, missing;

	veth_pair();
	idx = ifindex_of("v0");
	j = ip_json("ip -j link show v0");
	assert_int_equal(json_object_get_int(field(json_object_array_get_idx(j, 0), "ifindex")),
			 idx);
	json_object_put(j);
	assert_int_equal(vti_ifindex(h, "nosuchlink", &missing, &err), -ENODEV);
	assert_int_equal(err.code, -ENODEV);

	assert_int_equal(vti_link_set_up(h, idx, true, &err), 0);
	j = ip_json("ip -j link show v0");
	assert_true(has_flag(json_object_array_get_idx(j, 0), "UP"));
	json_object_put(j);
	assert_int_equal(vti_link_get(h, idx, &info, &err), 0);
	assert_true(info.flags & IFF_UP);
	assert_string_equal(info.kind, "veth");
	assert_false(info.is_vti);

	assert_int_equal(vti_link_set_up(h, idx, false, &err), 0);
	j = ip_json("ip -j link show v0");
	assert_false(has_flag(json_object_array_get_idx(j, 0), "UP"));
	json_object_put(j);

	assert_int_equal(vti_link_set_mtu(h, idx, 1400, &err), 0);
	j = ip_json("ip -j link show v0");
	assert_int_equal(json_object_get_int(field(json_object_array_get_idx(j, 0), "mtu")), 1400);
	json_object_put(j);
	assert_int_equal(vti_link_get(h, idx, &info, &err), 0);
	assert_int_equal(info.mtu, 1400);

	/* the kernel's extended ACK comes back in err */
	assert_int_equal(vti_link_set_mtu(h, idx, 10, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "mtu less than device minimum");

	idx1 = ifindex_of("v1");
	assert_int_equal(vti_link_delete(h, idx, &err), 0);
	assert_int_equal(sh("ip link show v0 2>/dev/null"), 1);
	assert_int_equal(sh("ip link show v1 2>/dev/null"), 1); /* the peer goes too */
	assert_int_equal(vti_link_delete(h, idx1, &err), -ENODEV);
}

/* Number of addresses of the given family and value on v0, per `ip -j addr`. */
static int addr_count(const char *local, int prefixlen)
{
	json_object *j = ip_json("ip -j addr show dev v0");
	json_object *ai = field(json_object_array_get_idx(j, 0), "addr_info");
	int n = 0;

	for (size_t i = 0; i < json_object_array_length(ai); i++) {
		json_object *a = json_object_array_get_idx(ai, i);

		if (strcmp(json_object_get_string(field(a, "local")), local) == 0 &&
		    json_object_get_int(field(a, "prefixlen")) == prefixlen)
			n++;
	}
	json_object_put(j);
	return n;
}

static void vti_kernel_addr(void **state)
{
	struct vti_prefix p4 = prefix(AF_INET, "10.0.0.1", 24);
	struct vti_prefix p6 = prefix(AF_INET6, "2001:db8::1", 64);
	struct vti_error err;
	int idx;

	veth_pair();
	idx = ifindex_of("v0");
	assert_int_equal(vti_link_set_up(h, idx, true, &err), 0);

	assert_int_equal(vti_addr_add(h, idx, &p4, &err), 0);
	assert_int_equal(addr_count("10.0.0.1", 24), 1);
	assert_int_equal(vti_addr_add(h, idx, &p4, &err), -EEXIST);
	assert_int_equal(vti_addr_add(h, idx, &p6, &err), 0);
	assert_int_equal(addr_count("2001:db8::1", 64), 1);

	assert_int_equal(vti_addr_del(h, idx, &p4, &err), 0);
	assert_int_equal(addr_count("10.0.0.1", 24), 0);
	assert_int_equal(vti_addr_del(h, idx, &p4, &err), -EADDRNOTAVAIL);
	assert_int_equal(vti_addr_del(h, idx, &p6, &err), 0);
	assert_int_equal(addr_count("2001:db8::1", 64), 0);
}

static void vti_kernel_route(void **state)
{
	struct vti_prefix a = prefix(AF_INET, "10.0.0.1", 24);
	struct vti_route r1 = { .dst = prefix(AF_INET, "192.168.200.0", 24) };
	struct vti_route r2 = { .dst = prefix(AF_INET, "192.168.201.0", 24), .has_gateway = true,
				.metric = 100 };
	struct vti_route r6 = { .dst = prefix(AF_INET6, "2001:db8:1::", 48) };
	struct vti_route bad = { .dst = prefix(AF_INET, "10.1.2.3", 24) };
	struct vti_error err;
	json_object *j, *rt;
	int idx;

	veth_pair();
	idx = ifindex_of("v0");
	assert_int_equal(vti_link_set_up(h, idx, true, &err), 0);
	assert_int_equal(vti_addr_add(h, idx, &a, &err), 0);
	r1.ifindex = r2.ifindex = r6.ifindex = bad.ifindex = idx;
	inet_pton(AF_INET, "10.0.0.2", &r2.gateway.v4);

	assert_int_equal(vti_route_add(h, &r1, &err), 0);
	j = ip_json("ip -j route show 192.168.200.0/24");
	assert_int_equal(json_object_array_length(j), 1);
	rt = json_object_array_get_idx(j, 0);
	assert_string_equal(json_object_get_string(field(rt, "dev")), "v0");
	assert_string_equal(json_object_get_string(field(rt, "protocol")), "static");
	assert_string_equal(json_object_get_string(field(rt, "scope")), "link");
	json_object_put(j);
	assert_int_equal(vti_route_add(h, &r1, &err), -EEXIST);

	assert_int_equal(vti_route_add(h, &r2, &err), 0);
	j = ip_json("ip -j route show 192.168.201.0/24");
	assert_int_equal(json_object_array_length(j), 1);
	rt = json_object_array_get_idx(j, 0);
	assert_string_equal(json_object_get_string(field(rt, "gateway")), "10.0.0.2");
	assert_string_equal(json_object_get_string(field(rt, "dev")), "v0");
	assert_int_equal(json_object_get_int(field(rt, "metric")), 100);
	json_object_put(j);

	assert_int_equal(vti_route_add(h, &r6, &err), 0);
	j = ip_json("ip -j -6 route show 2001:db8:1::/48");
	assert_int_equal(json_object_array_length(j), 1);
	assert_string_equal(json_object_get_string(field(json_object_array_get_idx(j, 0), "dev")),
			    "v0");
	json_object_put(j);

	assert_int_equal(vti_route_add(h, &bad, &err), -EINVAL);
	assert_string_equal(err.msg, "Invalid prefix for given prefix length");

	assert_int_equal(vti_route_del(h, &r1, &err), 0);
	assert_int_equal(vti_route_del(h, &r2, &err), 0);
	assert_int_equal(vti_route_del(h, &r6, &err), 0);
	j = ip_json("ip -j route show 192.168.200.0/24");
	assert_int_equal(json_object_array_length(j), 0);
	json_object_put(j);
	j = ip_json("ip -j route show 192.168.201.0/24");
	assert_int_equal(json_object_array_length(j), 0);
	json_object_put(j);
	j = ip_json("ip -j -6 route show 2001:db8:1::/48");
	assert_int_equal(json_object_array_length(j), 0);
	json_object_put(j);
	assert_int_equal(vti_route_del(h, &r1, &err), -ESRCH);
}

struct seen_links {
	int n, veths;
	bool lo;
};

static int count_link(const struct vti_link_info *l, void *arg)
{
	struct seen_links *s = arg;

	s->n++;
	if (strcmp(l->kind, "veth") == 0 && (!strcmp(l->name, "v0") || !strcmp(l->name, "v1")))
		s->veths++;
	if (l->ifindex == 1 && strcmp(l->name, "lo") == 0)
		s->lo = true;
	return 0;
}

static int stop_at_two(const struct vti_link_info *l, void *arg)
{
	return ++*(int *)arg == 2 ? -ECANCELED : 0;
}

static void vti_kernel_link_dump(void **state)
{
	struct seen_links s = { 0 };
	struct vti_error err;
	json_object *j;
	int calls = 0;

	veth_pair();
	assert_int_equal(vti_link_foreach(h, count_link, &s, &err), 0);
	j = ip_json("ip -j link show");
	assert_int_equal(s.n, (int)json_object_array_length(j));
	json_object_put(j);
	assert_int_equal(s.veths, 2);
	assert_true(s.lo);
	assert_int_equal(vti_link_foreach(h, stop_at_two, &calls, &err), -ECANCELED);
	assert_int_equal(calls, 2);
	/* the handle still works after a callback stopped the walk */
	assert_int_equal(ifindex_of("v1") > 0, 1);
}

static void write_proc(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(value, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Our counters against `ip -j -s link show`, field by field. */
static void assert_stats_match_ip(const char *dev, const struct vti_link_stats *s)
{
	json_object *j = ip_json("ip -j -s link show %s", dev);
	json_object *st = field(json_object_array_get_idx(j, 0), "stats64");
	json_object *rx = field(st, "rx"), *tx = field(st, "tx");

	assert_int_equal(json_object_get_uint64(field(rx, "packets")), s->rx_packets);
	assert_int_equal(json_object_get_uint64(field(rx, "bytes")), s->rx_bytes);
	assert_int_equal(json_object_get_uint64(field(rx, "errors")), s->rx_errors);
	assert_int_equal(json_object_get_uint64(field(rx, "dropped")), s->rx_dropped);
	assert_int_equal(json_object_get_uint64(field(tx, "packets")), s->tx_packets);
	assert_int_equal(json_object_get_uint64(field(tx, "bytes")), s->tx_bytes);
	assert_int_equal(json_object_get_uint64(field(tx, "errors")), s->tx_errors);
	assert_int_equal(json_object_get_uint64(field(tx, "dropped")), s->tx_dropped);
	json_object_put(j);
}

#define FRAMES 5
#define FRAME_LEN 100

static void vti_kernel_stats64(void **state)
{
	struct vti_link_stats a0, a1, b0, b1;
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct sockaddr_ll rxaddr = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint8_t frame[FRAME_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* broadcast */
				     0x02, 0, 0, 0, 0, 1, 0x88, 0xb5 }; /* local experimental */
	struct vti_error err;
	int idx0, idx1, tx, rx, got = 0;

	/* no IPv6 autoconfiguration noise on the pair: only our frames move the counters */
	write_proc("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	veth_pair();
	idx0 = ifindex_of("v0");
	idx1 = ifindex_of("v1");
	assert_int_equal(vti_link_set_up(h, idx0, true, &err), 0);
	assert_int_equal(vti_link_set_up(h, idx1, true, &err), 0);

	rx = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	tx = socket(AF_PACKET, SOCK_RAW, 0);
	assert_true(rx >= 0 && tx >= 0);
	rxaddr.sll_ifindex = idx1;
	assert_int_equal(bind(rx, (struct sockaddr *)&rxaddr, sizeof(rxaddr)), 0);
	to.sll_ifindex = idx0;
	memset(to.sll_addr, 0xff, ETH_ALEN);

	assert_int_equal(vti_link_stats(h, idx0, &a0, &err), 0);
	assert_int_equal(vti_link_stats(h, idx1, &a1, &err), 0);
	assert_stats_match_ip("v0", &a0);
	assert_stats_match_ip("v1", &a1);

	for (int i = 0; i < FRAMES; i++) {
		frame[20] = (uint8_t)i;
		assert_int_equal(sendto(tx, frame, sizeof(frame), 0, (struct sockaddr *)&to,
					sizeof(to)),
				 FRAME_LEN);
	}
	while (got < FRAMES) {
		struct pollfd pfd = { .fd = rx, .events = POLLIN };
		uint8_t in[2048];

		assert_int_equal(poll(&pfd, 1, 2000), 1);
		if (recv(rx, in, sizeof(in), 0) == FRAME_LEN && in[12] == 0x88 && in[13] == 0xb5)
			got++;
	}

	assert_int_equal(vti_link_stats(h, idx0, &b0, &err), 0);
	assert_int_equal(vti_link_stats(h, idx1, &b1, &err), 0);
	assert_int_equal(b0.tx_packets - a0.tx_packets, FRAMES);
	assert_int_equal(b0.tx_bytes - a0.tx_bytes, FRAMES * FRAME_LEN);
	assert_int_equal(b1.rx_packets - a1.rx_packets, FRAMES);
	assert_int_equal(b1.rx_bytes - a1.rx_bytes, FRAMES * FRAME_LEN);
	assert_int_equal(b0.rx_packets, a0.rx_packets);
	assert_int_equal(b1.tx_packets, a1.tx_packets);
	assert_int_equal(b0.tx_errors + b0.tx_dropped, a0.tx_errors + a0.tx_dropped);
	assert_int_equal(b1.rx_errors + b1.rx_dropped, a1.rx_errors + a1.rx_dropped);
	assert_stats_match_ip("v0", &b0);
	assert_stats_match_ip("v1", &b1);

	close(rx);
	close(tx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(vti_kernel_vti_create, fresh_netns, close_handle),
		cmocka_unit_test_setup_teardown(vti_kernel_link_up_mtu_delete, fresh_netns,
						close_handle),
		cmocka_unit_test_setup_teardown(vti_kernel_addr, fresh_netns, close_handle),
		cmocka_unit_test_setup_teardown(vti_kernel_route, fresh_netns, close_handle),
		cmocka_unit_test_setup_teardown(vti_kernel_link_dump, fresh_netns, close_handle),
		cmocka_unit_test_setup_teardown(vti_kernel_stats64, fresh_netns, close_handle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
