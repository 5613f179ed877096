/*
 * bench-ikev2 over real UDP (port 500): our initiator against a responder in another network
 * namespace (charon, or bench-ikev2 --udp-respond), so both responders are measured the same
 * way: their process CPU time (all threads, from schedstat) and RSS from /proc/PID.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bench.h"

/* UDP 4500 (NAT-T, RFC 3948): IKE messages carry a 4-byte zero non-ESP marker. charon with
 * kernel-libipsec fakes a NAT to get UDP encapsulation, so its runs move there. */
static int fd4500 = -1;

static int udp_socket(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, buf = 8 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	/* any source address of 10/8 (a local route in the namespace) and the destination of
	 * what we receive, for the engine's paths */
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind UDP 500/4500 (run in a network namespace of its own, as root)");
	return fd;
}

static void udp_open(void)
{
	B.udp_fd = udp_socket(500);
	fd4500 = udp_socket(4500);
}

int udp_send(struct node *n, const struct ike_path *path, const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(path->remote_port) };
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	static const uint8_t marker[4];
	struct iovec iov[2] = {
		{ .iov_base = (void *)marker, .iov_len = 4 },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	bool natt = path->local_port == 4500;
	struct msghdr mh = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = natt ? iov : iov + 1,
		.msg_iovlen = natt ? 2 : 1,
		.msg_control = cbuf.b,
		.msg_controllen = sizeof(cbuf.b),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in_pktinfo pi = { .ipi_spec_dst = path->local.v4 };

	to.sin_addr = path->remote.v4;
	memset(cbuf.b, 0, sizeof(cbuf.b));
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	n->n_sent++;
	return sendmsg(natt ? fd4500 : B.udp_fd, &mh, 0) < 0 ? -errno : 0;
}

static bool udp_recv_one(struct node *n, int fd, uint16_t port, uint8_t *buf, size_t size);

/* Wait up to timeout_ms for datagrams, hand every one queued to the engine, run its timers. */
static void udp_drain(struct node *n, int timeout_ms)
{
	static uint8_t buf[65536];
	struct pollfd pfd[2] = { { .fd = B.udp_fd, .events = POLLIN },
				 { .fd = fd4500, .events = POLLIN } };
	uint64_t t0;

	poll(pfd, 2, timeout_ms);
	t0 = cpu_ns();
	for (int s = 0; s < 2; s++) {
		for (;;) {
			if (!udp_recv_one(n, s ? fd4500 : B.udp_fd, s ? 4500 : 500, buf,
					  sizeof(buf)))
				break;
		}
	}
	ikev2_run_timers(n->e);
	n->cpu_ns += cpu_ns() - t0;
}

/* One datagram from fd to the engine; false when none is queued. */
static bool udp_recv_one(struct node *n, int fd, uint16_t port, uint8_t *buf, size_t size)
{
	struct sockaddr_in from;
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.b,
		.msg_controllen = sizeof(cbuf.b),
	};
	struct ike_path path = { .local_port = port };
	ssize_t len = recvmsg(fd, &mh, 0);

	if (len < 0)
		return false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		struct in_pktinfo pi;

		if (cm->cmsg_level != IPPROTO_IP || cm->cmsg_type != IP_PKTINFO)
			continue;
		memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		path.local.family = AF_INET;
		path.local.v4 = pi.ipi_addr;
	}
	path.remote.family = AF_INET;
	path.remote.v4 = from.sin_addr;
	path.remote_port = ntohs(from.sin_port);
	if (port == 4500) {
		if (len < 4 || memcmp(buf, "\0\0\0\0", 4) != 0)
			return true; /* ESP or a keepalive: not ours */
		ikev2_input(n->e, &path, buf + 4, (size_t)len - 4);
	} else {
		ikev2_input(n->e, &path, buf, (size_t)len);
	}
	return true;
}

struct proc_sample {
	double cpu_s;
	size_t rss;
};

/* CPU time of every thread of pid: the sum of /proc/PID/task/T/schedstat's first field (ns
 * on a CPU; utime + stime in /proc/PID/stat only counts 10 ms ticks). RSS from statm. */
static struct proc_sample proc_sample(pid_t pid)
{
	struct proc_sample s = { 0 };
	unsigned long size, rss = 0;
	char path[64];
	struct dirent *d;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		die("cannot read the peer's /proc/PID/task");
	while ((d = readdir(dir))) {
		char p[300];
		unsigned long long ns = 0;

		if (d->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/%d/task/%s/schedstat", (int)pid, d->d_name);
		f = fopen(p, "r");
		if (!f)
			continue; /* the thread just ended */
		if (fscanf(f, "%llu", &ns) == 1)
			s.cpu_s += ns / 1e9;
		fclose(f);
	}
	closedir(dir);
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%lu %lu", &size, &rss) != 2)
		die("cannot read the peer's /proc/PID/statm");
	fclose(f);
	s.rss = rss * (size_t)sysconf(_SC_PAGESIZE);
	return s;
}

void udp_initiate(size_t n, pid_t peer, const char *peer_name)
{
	struct proc_sample p0, p1;
	uint64_t w0, w1, last_progress;
	size_t next = 1, up = 0;

	udp_open();
	node_start(&B.i, "I", config_make(true, n, false), 0xa0000001);
	p0 = proc_sample(peer);
	w0 = wall_ns();
	last_progress = w0;
	while (up < n) {
		/* keep B.batch handshakes in flight */
		while (next <= n && next - 1 - up < B.batch) {
			uint64_t t0 = cpu_ns();

			if (ikev2_initiate(B.i.e, (uint32_t)next++) < 0)
				die("ikev2_initiate failed");
			B.i.cpu_ns += cpu_ns() - t0;
		}
		udp_drain(&B.i, 100);
		if (B.i.n_up > up) {
			up = B.i.n_up;
			last_progress = wall_ns();
		} else if (wall_ns() - last_progress > 10000000000ull) {
			fprintf(stderr, "bench-ikev2: no progress for 10 s, %zu of %zu up\n", up,
				n);
			break;
		}
	}
	w1 = wall_ns();
	p1 = proc_sample(peer);
	printf("handshakes            %zu of %zu (IKE_SA_INIT + IKE_AUTH with a CHILD_SA over UDP, "
	       "PSK, aes-gcm-128/prf-sha256/group %u, %zu in flight)\n",
	       up, n, B.group, B.batch);
	printf("responder %-10s  CPU %.3f s (all threads) = %.1f us/handshake = %.0f handshakes/s "
	       "per core; RSS %+.1f MiB = %.0f bytes per IKE SA\n",
	       peer_name, p1.cpu_s - p0.cpu_s, (p1.cpu_s - p0.cpu_s) * 1e6 / up,
	       up / (p1.cpu_s - p0.cpu_s), ((double)p1.rss - (double)p0.rss) / 1048576.0,
	       ((double)p1.rss - (double)p0.rss) / up);
	printf("initiator (ours)      CPU %.2f s inside the engine = %.1f us/handshake\n",
	       B.i.cpu_ns / 1e9, B.i.cpu_ns / 1e3 / up);
	printf("wall                  %.2f s = %.0f handshakes/s\n", (w1 - w0) / 1e9,
	       up / ((w1 - w0) / 1e9));
	printf("RESULT udp peer=%s n=%zu up=%zu resp_cpu_s=%.4f resp_hs_per_s=%.0f "
	       "resp_rss_per_sa=%.0f init_us=%.1f wall_hs_per_s=%.0f\n",
	       peer_name, n, up, p1.cpu_s - p0.cpu_s, up / (p1.cpu_s - p0.cpu_s),
	       ((double)p1.rss - (double)p0.rss) / up, B.i.cpu_ns / 1e3 / up,
	       up / ((w1 - w0) / 1e9));
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void udp_respond(size_t n)
{
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	udp_open();
	node_start(&B.r, "R", config_make(false, n, false), 0xb0000001);
	printf("bench-ikev2: responding on UDP 500 with %zu tunnels\n", n);
	fflush(stdout);
	while (!stop)
		udp_drain(&B.r, 100);
	printf("bench-ikev2: %llu tunnels came up; %.2f s CPU inside the engine\n",
	       (unsigned long long)B.r.n_up, B.r.cpu_ns / 1e9);
}
