/*
 * bench-ikev2's shared state: the two engines (nodes), the in-process packet queue and the
 * real-UDP driver (bench_udp.c) that replaces the queue for runs against an external peer.
 */
#ifndef IKEGW_BENCH_H
#define IKEGW_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "ikev2.h"

#define RESP_ADDR "192.0.2.2" /* the responder; initiator tunnel k comes from 10.0.0.0 + k */

struct pkt {
	struct pkt *next;
	struct node *to;
	struct ike_path path; /* as the receiver sees it */
	size_t len;
	uint8_t data[];
};

struct node {
	const char *name;
	struct ikev2 *e;
	struct config *cfg;
	struct ike_kernel_ops kops;
	uint32_t next_spi;
	uint64_t n_sa_add, n_sa_del, n_sent, n_up;
	uint64_t cpu_ns; /* spent inside this engine */
	char last_log[256];
};

struct bench {
	struct node i, r;
	uint64_t now; /* virtual monotonic clock, microseconds (real one with UDP) */
	struct pkt *head, *tail;
	uint8_t *arena; /* packets live here, so the engines' heap is all malloc sees */
	size_t arena_used;
	unsigned group;
	size_t batch;
	int udp_fd; /* -1: the in-process queue */
};

extern struct bench B;

uint64_t cpu_ns(void);	/* this thread's CPU time */
uint64_t wall_ns(void); /* CLOCK_MONOTONIC */
void die(const char *what) __attribute__((noreturn));
struct config *config_make(bool initiator, size_t n, bool dpd);
void node_start(struct node *n, const char *name, struct config *cfg, uint32_t spi_base);

/* bench_udp.c */
int udp_send(struct node *n, const struct ike_path *path, const void *buf, size_t len);
/* Our initiator with n tunnels against the responder at RESP_ADDR (process peer: its CPU and
 * RSS from /proc); B.batch handshakes in flight. */
void udp_initiate(size_t n, pid_t peer, const char *peer_name);
/* Our responder with n tunnels, until SIGTERM/SIGINT. */
void udp_respond(size_t n);

#endif
