/*
 * The UDP transport in a fresh network namespace (needs root), on non-privileged ports: the
 * local address and port of each datagram, the non-ESP marker stripped on the NAT-T port,
 * NAT-keepalives and ESP-looking datagrams never delivered, replies sent from the address the
 * path names (IP_PKTINFO) with the marker prepended on the NAT-T port, and IPv6.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "gw_transport.h"

#define P_IKE 1500
#define P_NATT 14500

static sd_event *ev;
static struct gw_transport *t;
static size_t n_rx;
static struct ike_path rx_path;
static uint8_t rx_buf[256];
static size_t rx_len;

static void on_recv(void *userdata, const struct ike_path *path, const uint8_t *buf, size_t len)
{
	n_rx++;
	rx_path = *path;
	rx_len = len;
	memcpy(rx_buf, buf, len < sizeof(rx_buf) ? len : sizeof(rx_buf));
}

static int open_transport(bool no_encap)
{
	struct gw_transport_config c = { .port_ike = P_IKE,
					 .port_natt = P_NATT,
					 .no_encap = no_encap };
	char err[256];
	bool v6;

	n_rx = 0;
	if (sd_event_new(&ev) < 0)
		return -1;
	if (gw_transport_new(ev, &c, on_recv, NULL, &t, &v6, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int setup_common(bool no_encap)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (these tests need root)\n",
			strerror(errno));
		return -1;
	}
	if (system("ip link set lo up") != 0)
		return -1;
	return open_transport(no_encap);
}

static int setup(void **state)
{
	return setup_common(false);
}

static int setup_no_encap(void **state)
{
	return setup_common(true);
}

static int teardown(void **state)
{
	gw_transport_free(t);
	sd_event_unref(ev);
	t = NULL;
	ev = NULL;
	return 0;
}

/* Runs the loop until n_rx reaches want or 300 ms pass. */
static void pump(size_t want)
{
	for (int i = 0; i < 30 && n_rx < want; i++)
		sd_event_run(ev, 10000);
}

/* Drains whatever else is pending (other sockets are read in no particular order). */
static void pump_idle(void)
{
	while (sd_event_run(ev, 20000) > 0)
		;
}

static int client(int family, const char *bind_addr, uint16_t *ret_port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		inet_pton(AF_INET, bind_addr, &s->sin_addr);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		inet_pton(AF_INET6, bind_addr, &s->sin6_addr);
		len = sizeof(*s);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*ret_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					    : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void send4(int fd, const char *dst, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, dst, &to.sin_addr);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
}

static struct config_addr addr4(const char *s)
{
	struct config_addr a = { .family = AF_INET };

	inet_pton(AF_INET, s, &a.v4);
	return a;
}

static void gw_transport_receive(void **state)
{
	static const uint8_t marked[] = { 0, 0, 0, 0, 'I', 'K', 'E', '2' };
	static const uint8_t keepalive[] = { 0xff };
	static const uint8_t esp[] = { 0, 0, 0x10, 0x01, 0, 0, 0, 1, 'x', 'x' };
	struct gw_transport_stats st;
	char a[INET_ADDRSTRLEN];
	uint16_t cport;
	int fd = client(AF_INET, "127.0.0.1", &cport);

	assert_int_equal(gw_transport_port_ike(t), P_IKE);
	assert_int_equal(gw_transport_port_natt(t), P_NATT);

	/* port 500: the datagram as sent, with where it arrived */
	send4(fd, "127.0.0.3", P_IKE, "IKE1", 4);
	pump(1);
	assert_int_equal(n_rx, 1);
	assert_int_equal(rx_len, 4);
	assert_memory_equal(rx_buf, "IKE1", 4);
	assert_int_equal(rx_path.local.family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &rx_path.local.v4, a, sizeof(a)), "127.0.0.3");
	assert_int_equal(rx_path.local_port, P_IKE);
	assert_string_equal(inet_ntop(AF_INET, &rx_path.remote.v4, a, sizeof(a)), "127.0.0.1");
	assert_int_equal(rx_path.remote_port, cport);

	/* port 4500: the marker is stripped */
	send4(fd, "127.0.0.1", P_NATT, marked, sizeof(marked));
	pump(2);
	assert_int_equal(n_rx, 2);
	assert_int_equal(rx_len, 4);
	assert_memory_equal(rx_buf, "IKE2", 4);
	assert_int_equal(rx_path.local_port, P_NATT);

	/* a NAT-keepalive and ESP-in-UDP (taken by the kernel: UDP_ENCAP) never reach the engine;
	 * a marker with nothing after it is dropped */
	send4(fd, "127.0.0.1", P_NATT, keepalive, sizeof(keepalive));
	send4(fd, "127.0.0.1", P_NATT, esp, sizeof(esp));
	send4(fd, "127.0.0.1", P_NATT, marked, 4);
	send4(fd, "127.0.0.1", P_IKE, "IKE3", 4); /* a marker: this one arrives */
	pump(3);
	pump_idle();
	assert_int_equal(n_rx, 3);
	assert_memory_equal(rx_buf, "IKE3", 4);
	gw_transport_get_stats(t, &st);
	assert_int_equal(st.rx, 3);
	assert_int_equal(st.rx_keepalive, 0); /* UDP_ENCAP: the kernel eats keepalives... */
	assert_int_equal(st.rx_dropped, 1);   /* ...and ESP; we drop the bare marker */
	close(fd);
}

static void gw_transport_receive_no_encap(void **state)
{
	static const uint8_t esp[] = { 0, 0, 0x10, 0x01, 0, 0, 0, 1, 'x', 'x' };
	struct gw_transport_stats st;
	uint16_t cport;
	int fd = client(AF_INET, "127.0.0.1", &cport);

	/* without UDP_ENCAP, ESP-looking datagrams and keepalives reach the socket: dropped */
	send4(fd, "127.0.0.1", P_NATT, esp, sizeof(esp));
	send4(fd, "127.0.0.1", P_NATT, "\xff", 1);
	send4(fd, "127.0.0.1", P_IKE, "IKE", 3);
	pump(1);
	pump_idle();
	assert_int_equal(n_rx, 1);
	assert_memory_equal(rx_buf, "IKE", 3);
	gw_transport_get_stats(t, &st);
	assert_int_equal(st.rx_dropped, 1);
	assert_int_equal(st.rx_keepalive, 1);
	close(fd);
}

static void gw_transport_send_pktinfo(void **state)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	uint8_t buf[64];
	char a[INET_ADDRSTRLEN];
	uint16_t cport;
	int fd = client(AF_INET, "127.0.0.1", &cport);
	struct ike_path p = { .local = addr4("127.0.0.2"),
			      .remote = addr4("127.0.0.1"),
			      .local_port = P_IKE,
			      .remote_port = cport };
	ssize_t n;

	/* from the address the path names, on port 500, as given */
	assert_int_equal(gw_transport_send(t, &p, "REPLY", 5), 0);
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "REPLY", 5);
	assert_string_equal(inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a)), "127.0.0.2");
	assert_int_equal(ntohs(from.sin_port), P_IKE);

	/* port 4500: marker first */
	p.local = addr4("127.0.0.5");
	p.local_port = P_NATT;
	assert_int_equal(gw_transport_send(t, &p, "NATT", 4), 0);
	flen = sizeof(from);
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "\0\0\0\0NATT", 8);
	assert_string_equal(inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a)), "127.0.0.5");
	assert_int_equal(ntohs(from.sin_port), P_NATT);

	/* an address we do not have cannot be the source */
	p.local = addr4("192.0.2.1");
	assert_true(gw_transport_send(t, &p, "X", 1) < 0);
	close(fd);
}

static void gw_transport_ipv6(void **state)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(P_NATT) }, from;
	socklen_t flen = sizeof(from);
	char a[INET6_ADDRSTRLEN];
	uint8_t buf[64];
	uint16_t cport;
	int fd = client(AF_INET6, "::1", &cport);
	struct ike_path p;

	inet_pton(AF_INET6, "::1", &to.sin6_addr);
	assert_int_equal(sendto(fd, "\0\0\0\0IKE6", 8, 0, (struct sockaddr *)&to, sizeof(to)), 8);
	pump(1);
	assert_int_equal(n_rx, 1);
	assert_int_equal(rx_len, 4);
	assert_memory_equal(rx_buf, "IKE6", 4);
	assert_int_equal(rx_path.local.family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &rx_path.local.v6, a, sizeof(a)), "::1");
	assert_int_equal(rx_path.remote_port, cport);

	p = rx_path; /* answer on the path it came by */
	memcpy(&p, &rx_path, sizeof(p));
	assert_int_equal(gw_transport_send(t, &p, "R6", 2), 0);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 6);
	assert_memory_equal(buf, "\0\0\0\0R6", 6);
	assert_int_equal(ntohs(from.sin6_port), P_NATT);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(gw_transport_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(gw_transport_receive_no_encap, setup_no_encap,
						teardown),
		cmocka_unit_test_setup_teardown(gw_transport_send_pktinfo, setup, teardown),
		cmocka_unit_test_setup_teardown(gw_transport_ipv6, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
