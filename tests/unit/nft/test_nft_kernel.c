/*
 * nft against the running kernel's nf_tables, each test in a fresh network namespace
 * (needs root), `nft -j list table inet ikegw` as the oracle: idempotent setup, per-peer
 * counters moved by real IKE / NAT-T / ESP packets sent from a peer namespace over a veth
 * (non-peers dropped and counted apart), the open table without peers, removal, and TCP
 * MSS clamping of SYNs forwarded through an interface named Tunnel1.
 */
#include "nft.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <json-c/json.h>

static char peer_ns[64], server_ns[64];
static int self_fd = -1;
static int opened[32], n_opened; /* sockets of the current test, closed at teardown */

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* `nft -j list table inet ikegw`, the rules of the table as a JSON array (caller puts). */
static json_object *nft_rules(void)
{
	static char out[1 << 20];
	json_object *j, *items, *rules = json_object_new_array();
	size_t n = 0, r;
	FILE *p = popen("nft -j list table inet ikegw", "r");

	assert_non_null(p);
	while ((r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	j = json_tokener_parse(out);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *rule;

		if (json_object_object_get_ex(json_object_array_get_idx(items, i), "rule", &rule))
			json_object_array_add(rules, json_object_get(rule));
	}
	json_object_put(j);
	return rules;
}

static json_object *rule_by_comment(json_object *rules, const char *comment)
{
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i), *c;

		if (json_object_object_get_ex(r, "comment", &c) &&
		    strcmp(json_object_get_string(c), comment) == 0)
			return r;
	}
	fail_msg("no rule with comment %s", comment);
	return NULL;
}

/* The rule's statements as compact JSON text, for substring checks. */
static const char *rule_expr(json_object *rules, const char *comment)
{
	json_object *expr;

	assert_true(json_object_object_get_ex(rule_by_comment(rules, comment), "expr", &expr));
	return json_object_to_json_string_ext(expr, JSON_C_TO_STRING_PLAIN);
}

/* The packets and bytes of the rule's counter statement. */
static void rule_counter(json_object *rules, const char *comment, uint64_t *pkts,
			 uint64_t *bytes)
{
	json_object *expr, *ctr, *v;

	assert_true(json_object_object_get_ex(rule_by_comment(rules, comment), "expr", &expr));
	for (size_t i = 0; i < json_object_array_length(expr); i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(expr, i), "counter", &ctr))
			continue;
		assert_true(json_object_object_get_ex(ctr, "packets", &v));
		*pkts = json_object_get_uint64(v);
		assert_true(json_object_object_get_ex(ctr, "bytes", &v));
		*bytes = json_object_get_uint64(v);
		return;
	}
	fail_msg("rule %s has no counter", comment);
}

static int enter_ns(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(setns(fd, CLONE_NEWNET), 0);
	close(fd);
	return 0;
}

static void leave_ns(void)
{
	assert_int_equal(setns(self_fd, CLONE_NEWNET), 0);
}

/* A socket in namespace ns (NULL: ours), bound to src (NULL: unbound). */
static int ns_socket(const char *ns, int family, int type, int proto, const char *src,
		     uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, one = 1;

	if (ns)
		enter_ns(ns);
	fd = socket(family, type | SOCK_CLOEXEC, proto);
	assert_true(fd >= 0);
	assert_true(n_opened < 32);
	opened[n_opened++] = fd;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (src)
			assert_int_equal(inet_pton(AF_INET, src, &sin->sin_addr), 1);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (src)
			assert_int_equal(inet_pton(AF_INET6, src, &sin6->sin6_addr), 1);
		len = sizeof(*sin6);
	}
	if (src || port)
		assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (ns)
		leave_ns();
	return fd;
}

static void send_to(int fd, int family, const char *dst, uint16_t port, const void *data,
		    size_t len, int count)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t slen;

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, dst, &sin->sin_addr);
		slen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = 0; /* raw sockets: must be 0 or the protocol */
		if (port)
			sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, dst, &sin6->sin6_addr);
		slen = sizeof(*sin6);
	}
	for (int i = 0; i < count; i++)
		assert_int_equal(sendto(fd, data, len, 0, (struct sockaddr *)&ss, slen), (ssize_t)len);
}

/* Datagrams waiting on fd (non-blocking drain). */
static int drain(int fd)
{
	uint8_t buf[2048];
	int n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

static int topology(void **state)
{
	static int instance;

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (these tests need root)\n",
			strerror(errno));
		return -1;
	}
	if (self_fd >= 0)
		close(self_fd);
	self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(peer_ns, sizeof(peer_ns), "ikegw-nft-%d-%d", (int)getpid(), ++instance);
	snprintf(server_ns, sizeof(server_ns), "ikegw-nfts-%d-%d", (int)getpid(), instance);
	if (self_fd < 0 ||
	    sh("ip link set lo up && ip netns add %s && ip -n %s link set lo up && "
	       "ip link add v0 type veth peer name v1 netns %s && "
	       "ip addr add 10.99.0.1/24 dev v0 && ip addr add fd00:99::1/64 dev v0 nodad && "
	       "ip link set v0 up && "
	       "ip -n %s addr add 10.99.0.2/24 dev v1 && ip -n %s addr add 10.99.0.3/24 dev v1 && "
	       "ip -n %s addr add fd00:99::2/64 dev v1 nodad && "
	       "ip -n %s addr add fd00:99::3/64 dev v1 nodad && ip -n %s link set v1 up",
	       peer_ns, peer_ns, peer_ns, peer_ns, peer_ns, peer_ns, peer_ns, peer_ns) != 0)
		return -1;
	return 0;
}

static int topology_down(void **state)
{
	while (n_opened > 0)
		close(opened[--n_opened]);
	sh("ip netns del %s 2>/dev/null", peer_ns);
	sh("ip netns del %s 2>/dev/null", server_ns);
	return 0;
}

static struct nft_peer peer(int family, const char *addr)
{
	struct nft_peer p = { .family = family };

	assert_int_equal(inet_pton(family, addr, &p.addr), 1);
	return p;
}

static size_t get_counters(struct nft_peer_counters *v, size_t max)
{
	struct nft_error err;
	size_t n = 0;

	assert_int_equal(nft_counters_get(v, max, &n, &err), 0);
	return n;
}

/* Waits (up to 3 s) until the counters hold at least `want` packets in total. */
static void wait_counted(uint64_t want)
{
	for (int i = 0; i < 300; i++) {
		struct nft_peer_counters v[8];
		size_t n = get_counters(v, 8);
		uint64_t total = 0;

		for (size_t k = 0; k < n; k++)
			total += v[k].ike_pkts + v[k].esp_pkts;
		if (total >= want)
			break;
		usleep(10000);
	}
	usleep(50000); /* anything extra would arrive now and make the exact checks fail */
}

#define PAYLOAD 100

static void nft_kernel_peers_counted(void **state)
{
	struct nft_peer peers[] = { peer(AF_INET, "10.99.0.2"), peer(AF_INET6, "fd00:99::2") };
	struct nft_peer other = { .family = AF_UNSPEC };
	uint8_t zero_marker[PAYLOAD] = { 0 }, esp[PAYLOAD] = { 0, 0, 0x12, 0x34, 0, 0, 0, 1 };
	uint8_t keepalive = 0xff;
	struct nft_peer_counters v[8];
	const struct nft_peer_counters *c;
	struct nft_error err;
	json_object *rules;
	uint64_t pkts = 0, bytes = 0;
	int ike4, natt4, esp4, ike6, esp6, s, s3, s6, s63, r2, r3, r6, r63;

	assert_int_equal(nft_table_setup(peers, 2, &err), 0);
	rules = nft_rules();
	assert_int_equal(json_object_array_length(rules), 15);
	assert_non_null(strstr(rule_expr(rules, "ikegw:ike500:10.99.0.2"),
			       "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip\","
			       "\"field\":\"saddr\"}},\"right\":\"10.99.0.2\"}}"));
	assert_non_null(strstr(rule_expr(rules, "ikegw:ike500:10.99.0.2"),
			       "\"right\":500}},{\"counter\""));
	assert_non_null(strstr(rule_expr(rules, "ikegw:esp:fd00:99::2"),
			       "\"right\":\"fd00:99::2\"}},{\"match\":{\"op\":\"==\",\"left\":{"
			       "\"meta\":{\"key\":\"l4proto\"}},\"right\":\"esp\"}}"));
	assert_non_null(strstr(rule_expr(rules, "ikegw:esp:any"), "{\"drop\":null}"));
	json_object_put(rules);

	/* idempotent: the table is replaced, not appended to */
	assert_int_equal(nft_table_setup(peers, 2, &err), 0);
	rules = nft_rules();
	assert_int_equal(json_object_array_length(rules), 15);
	json_object_put(rules);

	/* listeners on our side: what reaches them was not dropped */
	ike4 = ns_socket(NULL, AF_INET, SOCK_DGRAM, 0, NULL, 500);
	natt4 = ns_socket(NULL, AF_INET, SOCK_DGRAM, 0, NULL, 4500);
	esp4 = ns_socket(NULL, AF_INET, SOCK_RAW, IPPROTO_ESP, NULL, 0);
	ike6 = ns_socket(NULL, AF_INET6, SOCK_DGRAM, 0, NULL, 500);
	esp6 = ns_socket(NULL, AF_INET6, SOCK_RAW, IPPROTO_ESP, NULL, 0);
	/* senders in the peer namespace: the peers .2 / ::2, and non-peers .3 / ::3 */
	s = ns_socket(peer_ns, AF_INET, SOCK_DGRAM, 0, "10.99.0.2", 0);
	s3 = ns_socket(peer_ns, AF_INET, SOCK_DGRAM, 0, "10.99.0.3", 0);
	s6 = ns_socket(peer_ns, AF_INET6, SOCK_DGRAM, 0, "fd00:99::2", 0);
	s63 = ns_socket(peer_ns, AF_INET6, SOCK_DGRAM, 0, "fd00:99::3", 0);
	r2 = ns_socket(peer_ns, AF_INET, SOCK_RAW, IPPROTO_ESP, "10.99.0.2", 0);
	r3 = ns_socket(peer_ns, AF_INET, SOCK_RAW, IPPROTO_ESP, "10.99.0.3", 0);
	r6 = ns_socket(peer_ns, AF_INET6, SOCK_RAW, IPPROTO_ESP, "fd00:99::2", 0);
	r63 = ns_socket(peer_ns, AF_INET6, SOCK_RAW, IPPROTO_ESP, "fd00:99::3", 0);

	send_to(s, AF_INET, "10.99.0.1", 500, zero_marker, PAYLOAD, 3);	 /* IKE */
	send_to(s, AF_INET, "10.99.0.1", 4500, zero_marker, PAYLOAD, 2); /* IKE, NAT-T */
	send_to(s, AF_INET, "10.99.0.1", 4500, esp, PAYLOAD, 4);	 /* ESP-in-UDP */
	send_to(s, AF_INET, "10.99.0.1", 4500, &keepalive, 1, 1);	 /* NAT keepalive */
	send_to(r2, AF_INET, "10.99.0.1", 0, esp, PAYLOAD, 5);		 /* ESP */
	send_to(s3, AF_INET, "10.99.0.1", 500, zero_marker, PAYLOAD, 2);
	send_to(s3, AF_INET, "10.99.0.1", 4500, zero_marker, PAYLOAD, 1);
	send_to(r3, AF_INET, "10.99.0.1", 0, esp, PAYLOAD, 1);
	send_to(s6, AF_INET6, "fd00:99::1", 500, zero_marker, PAYLOAD, 2);
	send_to(r6, AF_INET6, "fd00:99::1", 0, esp, PAYLOAD, 3);
	send_to(s63, AF_INET6, "fd00:99::1", 500, zero_marker, PAYLOAD, 1);
	send_to(r63, AF_INET6, "fd00:99::1", 0, esp, PAYLOAD, 2);
	wait_counted(5 + 9 + 2 + 3 + 4 + 3);

	assert_int_equal(get_counters(v, 8), 3);
	c = nft_counters_find(v, 3, &peers[0]);
	assert_ptr_equal(c, &v[0]);
	assert_int_equal(c->ike_pkts, 3 + 2);
	assert_int_equal(c->ike_bytes, 5 * (20 + 8 + PAYLOAD));
	assert_int_equal(c->esp_pkts, 4 + 5);
	assert_int_equal(c->esp_bytes, 4 * (20 + 8 + PAYLOAD) + 5 * (20 + PAYLOAD));
	c = nft_counters_find(v, 3, &peers[1]);
	assert_ptr_equal(c, &v[1]);
	assert_int_equal(c->ike_pkts, 2);
	assert_int_equal(c->ike_bytes, 2 * (40 + 8 + PAYLOAD));
	assert_int_equal(c->esp_pkts, 3);
	assert_int_equal(c->esp_bytes, 3 * (40 + PAYLOAD));
	/* the non-peers are not counted under a peer, but apart */
	c = nft_counters_find(v, 3, &other);
	assert_ptr_equal(c, &v[2]);
	assert_int_equal(c->ike_pkts, 2 + 1 + 1);
	assert_int_equal(c->ike_bytes, 3 * (20 + 8 + PAYLOAD) + (40 + 8 + PAYLOAD));
	assert_int_equal(c->esp_pkts, 1 + 2);
	assert_int_equal(c->esp_bytes, (20 + PAYLOAD) + 2 * (40 + PAYLOAD));

	/* the oracle agrees rule by rule */
	rules = nft_rules();
	rule_counter(rules, "ikegw:ike500:10.99.0.2", &pkts, &bytes);
	assert_int_equal(pkts, 3);
	assert_int_equal(bytes, 3 * (20 + 8 + PAYLOAD));
	rule_counter(rules, "ikegw:ike4500:10.99.0.2", &pkts, &bytes);
	assert_int_equal(pkts, 2);
	rule_counter(rules, "ikegw:espudp:10.99.0.2", &pkts, &bytes);
	assert_int_equal(pkts, 4);
	rule_counter(rules, "ikegw:esp:10.99.0.2", &pkts, &bytes);
	assert_int_equal(pkts, 5);
	rule_counter(rules, "ikegw:ike500:any", &pkts, &bytes);
	assert_int_equal(pkts, 3);
	json_object_put(rules);

	/* peers were let through (keepalive included), non-peers dropped */
	assert_int_equal(drain(ike4), 3);
	assert_int_equal(drain(natt4), 2 + 4 + 1);
	assert_int_equal(drain(esp4), 5);
	assert_int_equal(drain(ike6), 2);
	assert_int_equal(drain(esp6), 3);

	/* setting up again starts the counters from zero (the table is new) */
	assert_int_equal(nft_table_setup(peers, 2, &err), 0);
	assert_int_equal(get_counters(v, 8), 3);
	assert_int_equal(v[0].ike_pkts + v[0].esp_pkts + v[2].ike_pkts, 0);
	assert_int_equal(nft_counters_get(v, 2, &(size_t){ 0 }, &err), -ENOSPC);
}

static void nft_kernel_no_peers_open(void **state)
{
	uint8_t payload[PAYLOAD] = { 0 };
	struct nft_peer_counters v[4];
	struct nft_error err;
	json_object *rules;
	int ike4, s3;

	assert_int_equal(nft_table_setup(NULL, 0, &err), 0);
	rules = nft_rules();
	assert_int_equal(json_object_array_length(rules), 5);
	assert_non_null(strstr(rule_expr(rules, "ikegw:esp:any"), "{\"accept\":null}"));
	json_object_put(rules);

	ike4 = ns_socket(NULL, AF_INET, SOCK_DGRAM, 0, NULL, 500);
	s3 = ns_socket(peer_ns, AF_INET, SOCK_DGRAM, 0, "10.99.0.3", 0);
	send_to(s3, AF_INET, "10.99.0.1", 500, payload, PAYLOAD, 2);
	wait_counted(2);
	assert_int_equal(get_counters(v, 4), 1);
	assert_int_equal(v[0].peer.family, AF_UNSPEC);
	assert_int_equal(v[0].ike_pkts, 2);
	assert_int_equal(v[0].ike_bytes, 2 * (20 + 8 + PAYLOAD));
	assert_int_equal(v[0].esp_pkts, 0);
	assert_int_equal(drain(ike4), 2); /* accepted from anyone */
}

static void nft_kernel_remove(void **state)
{
	struct nft_peer p = peer(AF_INET, "192.0.2.1");
	struct nft_peer_counters v[4];
	struct nft_error err;
	size_t n = 99;

	/* removing what does not exist is fine */
	assert_int_equal(nft_table_remove(&err), 0);
	assert_int_equal(nft_table_setup(&p, 1, &err), 0);
	assert_int_equal(sh("nft list table inet ikegw >/dev/null 2>&1"), 0);
	assert_int_equal(nft_table_remove(&err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(sh("nft list table inet ikegw >/dev/null 2>&1"), 1);
	assert_int_equal(sh("nft list ruleset | grep -q ikegw"), 1);
	assert_int_equal(nft_table_remove(&err), 0);
	assert_int_equal(nft_counters_get(v, 4, &n, &err), 0);
	assert_int_equal(n, 0);
}

static void nft_kernel_other_tables_untouched(void **state)
{
	struct nft_peer p = peer(AF_INET, "192.0.2.1");
	struct nft_error err;

	/* an operator's table with a table-level rule stays as it is */
	assert_int_equal(sh("nft add table inet operator && nft add chain inet operator in "
			    "'{ type filter hook input priority 0; }' && "
			    "nft add rule inet operator in udp dport 500 counter"),
			 0);
	assert_int_equal(nft_table_setup(&p, 1, &err), 0);
	assert_int_equal(nft_table_remove(&err), 0);
	assert_int_equal(sh("nft list chain inet operator in | grep -q 'udp dport 500 counter'"), 0);
}

/* Without CAP_NET_ADMIN over the namespace the kernel refuses the whole batch, clearly. */
static void nft_kernel_not_permitted(void **state)
{
	struct nft_peer p = peer(AF_INET, "192.0.2.1");
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct nft_error err;
		int rc;

		if (unshare(CLONE_NEWUSER) < 0)
			_exit(2);
		rc = nft_table_setup(&p, 1, &err);
		_exit(rc == -EPERM && err.code == -EPERM &&
			      strcmp(err.msg, "batch: Operation not permitted") == 0
		      ? 0
		      : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sh("nft list table inet ikegw >/dev/null 2>&1"), 1);
}

/*
 * docs/nftables.md: an accept in our chain does not override a drop in another table's
 * chain on the same hook; our counters (priority -10) still see the packets, and the
 * operator's accept rule from the doc lets them through.
 */
static void nft_kernel_foreign_drop_wins(void **state)
{
	struct nft_peer p = peer(AF_INET, "10.99.0.2");
	uint8_t payload[PAYLOAD] = { 0 };
	struct nft_peer_counters v[4];
	struct nft_error err;
	int ike4, s2;

	assert_int_equal(nft_table_setup(&p, 1, &err), 0);
	assert_int_equal(sh("nft add table inet operator && nft add chain inet operator input "
			    "'{ type filter hook input priority filter; policy drop; }'"),
			 0);
	ike4 = ns_socket(NULL, AF_INET, SOCK_DGRAM, 0, NULL, 500);
	s2 = ns_socket(peer_ns, AF_INET, SOCK_DGRAM, 0, "10.99.0.2", 0);
	send_to(s2, AF_INET, "10.99.0.1", 500, payload, PAYLOAD, 3);
	wait_counted(3);
	assert_int_equal(get_counters(v, 4), 2);
	assert_int_equal(v[0].ike_pkts, 3); /* counted on arrival ... */
	assert_int_equal(drain(ike4), 0);   /* ... and dropped by the operator's chain */

	/* the rule docs/nftables.md tells the operator to add */
	assert_int_equal(sh("nft add rule inet operator input ip saddr 10.99.0.2 "
			    "udp dport '{ 500, 4500 }' accept && "
			    "nft add rule inet operator input ip saddr 10.99.0.2 "
			    "meta l4proto esp accept"),
			 0);
	send_to(s2, AF_INET, "10.99.0.1", 500, payload, PAYLOAD, 2);
	wait_counted(5);
	assert_int_equal(get_counters(v, 4), 2);
	assert_int_equal(v[0].ike_pkts, 5);
	assert_int_equal(drain(ike4), 2);
}

/*
 * Client (peer namespace) -> us (forwarding) -> Tunnel1 -> server namespace: the SYN and
 * the SYN-ACK cross Tunnel1 and must come out with MSS 1000 at most.
 */
static int tcp_mss_through(uint16_t port, int *ret_server_mss)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int lsn, cli, srv, mss = 0;
	socklen_t len = sizeof(mss);

	lsn = ns_socket(server_ns, AF_INET, SOCK_STREAM, 0, "10.98.0.2", port);
	assert_int_equal(listen(lsn, 1), 0);
	cli = ns_socket(peer_ns, AF_INET, SOCK_STREAM, 0, "10.99.0.2", 0);
	inet_pton(AF_INET, "10.98.0.2", &to.sin_addr);
	assert_int_equal(connect(cli, (struct sockaddr *)&to, sizeof(to)), 0);
	srv = accept(lsn, NULL, NULL);
	assert_true(srv >= 0);
	opened[n_opened++] = srv;
	assert_int_equal(getsockopt(srv, IPPROTO_TCP, TCP_MAXSEG, ret_server_mss, &len), 0);
	len = sizeof(mss);
	assert_int_equal(getsockopt(cli, IPPROTO_TCP, TCP_MAXSEG, &mss, &len), 0);
	return mss;
}

static void nft_kernel_mss_clamp(void **state)
{
	struct nft_mss_clamp clamp = { "Tunnel1", 1000 };
	struct nft_table_spec spec = { .clamps = &clamp, .n_clamps = 1 };
	struct nft_error err;
	json_object *rules;
	int server_mss, client_mss;

	assert_int_equal(sh("ip netns add %s && ip -n %s link set lo up && "
			    "ip link add Tunnel1 type veth peer name t1 netns %s && "
			    "ip addr add 10.98.0.1/24 dev Tunnel1 && ip link set Tunnel1 up && "
			    "ip -n %s addr add 10.98.0.2/24 dev t1 && ip -n %s link set t1 up && "
			    "ip -n %s route add default via 10.98.0.1 && "
			    "ip -n %s route add default via 10.99.0.1 && "
			    "sysctl -qw net.ipv4.ip_forward=1",
			    server_ns, server_ns, server_ns, server_ns, server_ns, server_ns,
			    peer_ns),
			 0);

	/* without clamping, the MSS follows the 1500-byte MTU */
	client_mss = tcp_mss_through(7001, &server_mss);
	assert_true(server_mss > 1000 && client_mss > 1000);

	assert_int_equal(nft_table_apply(&spec, &err), 0);
	rules = nft_rules();
	assert_int_equal(json_object_array_length(rules), 5 + 2);
	assert_non_null(strstr(rule_expr(rules, "ikegw:mss-out:Tunnel1"),
			       "{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"oifname\"}},"
			       "\"right\":\"Tunnel1\"}}"));
	assert_non_null(strstr(rule_expr(rules, "ikegw:mss-in:Tunnel1"),
			       "{\"mangle\":{\"key\":{\"tcp option\":{\"name\":\"maxseg\",\"field\":"
			       "\"size\"}},\"value\":1000}}"));
	json_object_put(rules);

	/* the SYN (out of Tunnel1) and the SYN-ACK (in from Tunnel1) are both clamped */
	client_mss = tcp_mss_through(7002, &server_mss);
	assert_true(server_mss <= 1000);
	assert_true(client_mss <= 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nft_kernel_peers_counted, topology, topology_down),
		cmocka_unit_test_setup_teardown(nft_kernel_no_peers_open, topology, topology_down),
		cmocka_unit_test_setup_teardown(nft_kernel_remove, topology, topology_down),
		cmocka_unit_test_setup_teardown(nft_kernel_other_tables_untouched, topology,
						topology_down),
		cmocka_unit_test_setup_teardown(nft_kernel_not_permitted, topology, topology_down),
		cmocka_unit_test_setup_teardown(nft_kernel_foreign_drop_wins, topology,
						topology_down),
		cmocka_unit_test_setup_teardown(nft_kernel_mss_clamp, topology, topology_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
