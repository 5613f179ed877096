/*
 * bench-ikev2: the IKEv2 engine's handshake rate and memory per IKE SA. Two engines in one
 * process (initiator I with N tunnels from N addresses 10.x.y.z, responder R with the N
 * matching tunnels), a packet queue between them and a kernel that accepts everything. CPU
 * time is taken per engine (CLOCK_THREAD_CPUTIME_ID around its calls). Prints figures, never
 * fails on one: see docs/benchmarks.md "IKEv2 engine".
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/mman.h>

#include <openssl/rand.h>

#include "config.h"
#include "ike_crypto.h"
#include "ikev2.h"

#include "bench.h"

#define ARENA_SIZE (96u << 20) /* packets in flight: 100k liveness checks need ~30 MiB */

struct bench B = { .udp_fd = -1 };

uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void die(const char *what)
{
	fprintf(stderr, "bench-ikev2: %s\n", what);
	exit(1);
}

/* ---- the environment: clock, randomness, network, kernel, log ---- */

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return B.udp_fd >= 0 ? wall_ns() / 1000 : B.now;
}

static int env_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

static void *arena_alloc(size_t len)
{
	size_t need = (len + 15) & ~(size_t)15;
	void *p;

	if (B.arena_used + need > ARENA_SIZE)
		die("packet arena full (raise ARENA_SIZE)");
	p = B.arena + B.arena_used;
	B.arena_used += need;
	return p;
}

static int env_send(void *ctx, const struct ike_path *path, const void *buf, size_t len)
{
	struct node *n = ctx;
	struct pkt *k;

	if (B.udp_fd >= 0)
		return udp_send(n, path, buf, len);
	k = arena_alloc(sizeof(*k) + len);
	n->n_sent++;
	k->next = NULL;
	k->to = n == &B.i ? &B.r : &B.i;
	k->path.local = path->remote;
	k->path.remote = path->local;
	k->path.local_port = path->remote_port;
	k->path.remote_port = path->local_port;
	k->len = len;
	memcpy(k->data, buf, len);
	if (B.tail)
		B.tail->next = k;
	else
		B.head = k;
	B.tail = k;
	return 0;
}

static void env_log(void *ctx, const struct ike_log_entry *l)
{
	struct node *n = ctx;

	snprintf(n->last_log, sizeof(n->last_log), "%s", l->text);
	if (l->event && strcmp(l->event, "tunnel-up") == 0)
		n->n_up++;
	else if (l->level <= IKE_LOG_WARNING && getenv("BENCH_VERBOSE"))
		fprintf(stderr, "[%s] %s\n", n->name, l->text);
}

static int k_spi_alloc(void *ctx, uint32_t tunnel_id, const struct config_addr *src,
		       const struct config_addr *dst, uint32_t *ret_spi)
{
	struct node *n = ctx;

	(void)tunnel_id;
	(void)src;
	(void)dst;
	*ret_spi = n->next_spi++;
	return 0;
}

static int k_sa_add(void *ctx, const struct ike_kernel_sa *sa, char *err, size_t errlen)
{
	struct node *n = ctx;

	(void)sa;
	(void)err;
	(void)errlen;
	n->n_sa_add++;
	return 0;
}

static int k_sa_del(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi)
{
	struct node *n = ctx;

	(void)tunnel_id;
	(void)dst;
	(void)spi;
	n->n_sa_del++;
	return 0;
}

static int k_sa_counters(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi,
			 struct ike_kernel_counters *ret)
{
	(void)ctx;
	(void)tunnel_id;
	(void)dst;
	(void)spi;
	memset(ret, 0, sizeof(*ret));
	return 0;
}

/* ---- configurations: N tunnels each side, tunnel k between 10.0.0.0+k and RESP_ADDR ---- */

static void tunnel_addr(size_t k, char *buf, size_t len)
{
	uint32_t a = 0x0a000000u + (uint32_t)k; /* 10.0.0.1 ... */

	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static char *config_text(bool initiator, size_t first, size_t last, bool dpd)
{
	char *text = NULL, addr[32];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		die("open_memstream");
	fprintf(f,
		"hostname %s\n"
		"crypto ikev2 proposal P\n"
		" encryption aes-gcm-128\n"
		" prf sha256\n"
		" group %u\n"
		"crypto ikev2 policy POL\n"
		" proposal P\n"
		"crypto ikev2 keyring KR\n"
		" peer X\n"
		"  address %s\n"
		"  pre-shared-key bench-s3cret\n"
		"crypto ikev2 profile PR\n"
		" match identity remote address %s\n"
		" authentication remote pre-share\n"
		" authentication local pre-share\n"
		" keyring local KR\n"
		"%s"
		"crypto ipsec transform-set TS esp-gcm 128\n"
		"crypto ipsec profile IP\n"
		" set transform-set TS\n"
		" set ikev2-profile PR\n",
		initiator ? "I" : "R", B.group,
		initiator ? RESP_ADDR " 255.255.255.255" : "10.0.0.0 255.0.0.0",
		initiator ? RESP_ADDR " 255.255.255.255" : "10.0.0.0 255.0.0.0",
		initiator && dpd ? " dpd 10 2 periodic\n" : "");
	for (size_t k = first; k <= last; k++) {
		tunnel_addr(k, addr, sizeof(addr));
		fprintf(f,
			"interface Tunnel%zu\n"
			" tunnel source %s\n"
			" tunnel destination %s\n"
			" tunnel protection ipsec profile IP\n"
			" tunnel initiate never\n",
			k, initiator ? addr : RESP_ADDR, initiator ? RESP_ADDR : addr);
	}
	fclose(f);
	return text;
}

static struct config *config_load_text(bool initiator, size_t first, size_t last, bool dpd)
{
	char *text = config_text(initiator, first, last, dpd);
	struct config_diag d;
	struct config *c = NULL;

	config_diag_init(&d);
	if (config_load_buffer(initiator ? "initiator" : "responder", NULL, text, strlen(text), &c,
			       &d) < 0) {
		config_diag_print(&d, stderr);
		die("generated configuration does not load");
	}
	config_diag_clear(&d);
	free(text);
	return c;
}

/*
 * The loader takes at most 10,000 entries of one kind (interfaces) and 4 MiB. Beyond
 * CHUNK tunnels we load the rest in further models and append their tunnels to the first
 * one, pointing them at its ipsec profile: the engine sees one configuration of n tunnels.
 * The extra models are never freed (they own those tunnels).
 */
#define CHUNK 10000

struct config *config_make(bool initiator, size_t n, bool dpd)
{
	struct config *c = config_load_text(initiator, 1, n < CHUNK ? n : CHUNK, dpd);
	struct config_interface **ifs, **tuns;
	size_t ni = c->n_interfaces, nt = c->n_tunnels;

	if (n <= CHUNK)
		return c;
	ifs = malloc((ni + n) * sizeof(*ifs));
	tuns = malloc((nt + n) * sizeof(*tuns));
	if (!ifs || !tuns)
		die("out of memory");
	memcpy(ifs, c->interfaces, ni * sizeof(*ifs));
	memcpy(tuns, c->tunnels, nt * sizeof(*tuns));
	for (size_t first = CHUNK + 1; first <= n; first += CHUNK) {
		size_t last = first + CHUNK - 1 < n ? first + CHUNK - 1 : n;
		struct config *x = config_load_text(initiator, first, last, dpd);

		for (size_t k = 0; k < x->n_interfaces; k++) {
			x->interfaces[k]->protection = c->tunnels[0]->protection;
			ifs[ni++] = x->interfaces[k];
		}
		for (size_t k = 0; k < x->n_tunnels; k++)
			tuns[nt++] = x->tunnels[k];
	}
	c->interfaces = ifs;
	c->n_interfaces = ni;
	c->tunnels = tuns;
	c->n_tunnels = nt;
	return c;
}

void node_start(struct node *n, const char *name, struct config *cfg, uint32_t spi_base)
{
	struct ike_env env = { 0 };

	n->name = name;
	n->cfg = cfg;
	n->next_spi = spi_base;
	n->kops.ctx = n;
	n->kops.spi_alloc = k_spi_alloc;
	n->kops.sa_add = k_sa_add;
	n->kops.sa_del = k_sa_del;
	n->kops.sa_counters = k_sa_counters;
	env.ctx = n;
	env.now = env_now;
	env.random = env_random;
	env.send = env_send;
	env.kernel = &n->kops;
	env.log = env_log;
	if (ikev2_new(&env, &n->e) < 0 || ikev2_set_config(n->e, cfg, NULL) < 0)
		die("engine setup failed");
	/* we initiate in batches, far below the cookie threshold; keep it out of the way */
	ikev2_test_cookie_threshold(n->e, SIZE_MAX);
}

/* ---- driving the engines ---- */

/* Deliver until nothing is queued, in waves: each wave's packets to R (timed as R), then to
 * I (timed as I). Within a wave every SA has at most one packet, so the order is free. */
static void pump(void)
{
	while (B.head) {
		struct pkt *list = B.head;

		B.head = B.tail = NULL;
		for (int side = 0; side < 2; side++) {
			struct node *n = side ? &B.i : &B.r;
			uint64_t t0 = cpu_ns();

			for (struct pkt *k = list; k; k = k->next)
				if (k->to == n)
					ikev2_input(n->e, &k->path, k->data, k->len);
			n->cpu_ns += cpu_ns() - t0;
		}
	}
	B.arena_used = 0;
}

static void run_timers(struct node *n)
{
	uint64_t t0 = cpu_ns();

	ikev2_run_timers(n->e);
	n->cpu_ns += cpu_ns() - t0;
}

/* Tunnels first+1 .. last: initiate in batches, run each batch to completion. */
static void establish(size_t first, size_t last)
{
	for (size_t k = first + 1; k <= last;) {
		uint64_t t0 = cpu_ns();

		for (size_t j = 0; j < B.batch && k <= last; j++, k++)
			if (ikev2_initiate(B.i.e, (uint32_t)k) < 0)
				die("ikev2_initiate failed");
		B.i.cpu_ns += cpu_ns() - t0;
		pump();
		run_timers(&B.r);
		run_timers(&B.i);
		pump();
	}
}

struct count {
	size_t ready, other;
};

static void count_cb(void *userdata, const struct ike_sa_info *info)
{
	struct count *c = userdata;

	if (strcmp(info->state, "READY") == 0 && info->n_children == 1)
		c->ready++;
	else
		c->other++;
}

static struct count count_sas(const struct node *n)
{
	struct count c = { 0 };

	ikev2_foreach_sa(n->e, count_cb, &c);
	return c;
}

static void check_established(size_t n)
{
	struct count ci = count_sas(&B.i), cr = count_sas(&B.r);

	if (ci.ready != n || cr.ready != n || ci.other || cr.other) {
		fprintf(stderr,
			"expected %zu IKE SAs with a CHILD_SA each side; initiator %zu (+%zu "
			"other), "
			"responder %zu (+%zu other); BENCH_VERBOSE=1 shows warnings\n",
			n, ci.ready, ci.other, cr.ready, cr.other);
		die("handshakes did not all complete");
	}
}

static void setup(size_t n, bool dpd)
{
	memset(&B.i, 0, sizeof(B.i));
	memset(&B.r, 0, sizeof(B.r));
	B.now = 1000000;
	node_start(&B.i, "I", config_make(true, n, dpd), 0xa0000001);
	node_start(&B.r, "R", config_make(false, n, dpd), 0xb0000001);
}

/* ---- crypto bound: the responder's Diffie-Hellman, one key pair + one derive ---- */

struct dh_rate {
	double keygen_s, derive_s; /* per operation */
};

static struct dh_rate dh_rate(unsigned group, double seconds)
{
	uint8_t pub[1024];
	size_t len;
	struct ike_dh *peer, *mine;
	struct ike_secret s = { 0 };
	struct dh_rate r;
	uint64_t t0, tk = 0, td = 0;
	unsigned n = 0;

	if (ike_dh_new((uint16_t)group, &peer) < 0 || ike_dh_public(peer, pub, sizeof(pub), &len))
		die("DH group not supported");
	t0 = cpu_ns();
	while (cpu_ns() - t0 < (uint64_t)(seconds * 1e9)) {
		uint64_t a = cpu_ns(), b, c;

		if (ike_dh_new((uint16_t)group, &mine) < 0)
			die("ike_dh_new");
		b = cpu_ns();
		if (ike_dh_derive(mine, pub, len, &s) < 0)
			die("ike_dh_derive");
		c = cpu_ns();
		ike_dh_free(mine);
		tk += b - a;
		td += c - b;
		n++;
	}
	ike_secret_free(&s);
	ike_dh_free(peer);
	r.keygen_s = tk / 1e9 / n;
	r.derive_s = td / 1e9 / n;
	return r;
}

/* ---- mode --handshakes N ---- */

static void mode_handshakes(size_t n)
{
	uint64_t w0, w1, t0;
	double r_s, i_s, wall_s;
	struct dh_rate dh;

	t0 = wall_ns();
	setup(n, false);
	printf("# %zu tunnels each side, configs loaded in %.2f s\n", n, (wall_ns() - t0) / 1e9);
	w0 = wall_ns();
	establish(0, n);
	w1 = wall_ns();
	check_established(n);
	if (B.r.n_sa_add != 2 * n || B.i.n_sa_add != 2 * n)
		die("not every handshake installed a CHILD_SA pair");
	r_s = B.r.cpu_ns / 1e9;
	i_s = B.i.cpu_ns / 1e9;
	wall_s = (w1 - w0) / 1e9;
	dh = dh_rate(B.group, 2.0);
	printf("handshakes            %zu (IKE_SA_INIT + IKE_AUTH with a CHILD_SA, PSK, "
	       "aes-gcm-128/prf-sha256/group %u, batches of %zu)\n",
	       n, B.group, B.batch);
	printf("responder CPU         %.3f s = %.1f us/handshake = %.0f handshakes/s per core\n",
	       r_s, r_s * 1e6 / n, n / r_s);
	printf("initiator CPU         %.3f s = %.1f us/handshake = %.0f handshakes/s per core\n",
	       i_s, i_s * 1e6 / n, n / i_s);
	printf("wall (both + harness) %.3f s = %.0f handshakes/s on one core\n", wall_s,
	       n / wall_s);
	printf("DH group %u           keygen %.1f us, derive %.1f us (ike_dh_* on this machine)\n",
	       B.group, dh.keygen_s * 1e6, dh.derive_s * 1e6);
	printf("crypto bound          %.0f handshakes/s per core (1 keygen + 1 derive); responder "
	       "spends %.0f %% of its CPU in DH\n",
	       1.0 / (dh.keygen_s + dh.derive_s), 100.0 * (dh.keygen_s + dh.derive_s) * n / r_s);
	printf("RESULT handshakes n=%zu group=%u resp_hs_per_s=%.0f init_hs_per_s=%.0f "
	       "resp_us=%.1f init_us=%.1f dh_keygen_us=%.1f dh_derive_us=%.1f "
	       "bound_hs_per_s=%.0f\n",
	       n, B.group, n / r_s, n / i_s, r_s * 1e6 / n, i_s * 1e6 / n, dh.keygen_s * 1e6,
	       dh.derive_s * 1e6, 1.0 / (dh.keygen_s + dh.derive_s));
}

/* ---- mode --memory N ---- */

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static size_t rss_bytes(void)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%lu %lu", &size, &rss) != 2)
		die("/proc/self/statm");
	fclose(f);
	return rss * 4096;
}

/* A responder SA's SPIs and path, to aim crafted datagrams at it. */
struct target {
	uint8_t ispi[8], rspi[8];
	struct ike_path path; /* the responder's view */
};

struct targets {
	struct target *t;
	size_t n, max;
};

static void target_cb(void *userdata, const struct ike_sa_info *info)
{
	struct targets *ts = userdata;

	if (ts->n < ts->max) {
		memcpy(ts->t[ts->n].ispi, info->ispi, 8);
		memcpy(ts->t[ts->n].rspi, info->rspi, 8);
		ts->t[ts->n].path = info->path;
		ts->n++;
	}
}

#define CRAFT_LEN (28 + 4 + 8 + 16 + 16)

/* HDR, SK{...} of an INFORMATIONAL request from the initiator with a message ID the SA does
 * not expect: R decodes it, finds the SA by SPI and drops it before any crypto. */
static void craft(uint8_t *b, const uint8_t ispi[8], const uint8_t rspi[8])
{
	memset(b, 0x5a, CRAFT_LEN);
	memcpy(b, ispi, 8);
	memcpy(b + 8, rspi, 8);
	b[16] = 46;   /* next payload: SK */
	b[17] = 0x20; /* IKEv2 */
	b[18] = 37;   /* INFORMATIONAL */
	b[19] = 0x08; /* initiator */
	b[20] = 0x7f; /* message ID 0x7f000000: never the expected one here */
	b[21] = b[22] = b[23] = 0;
	b[24] = 0;
	b[25] = 0;
	b[26] = 0;
	b[27] = CRAFT_LEN;
	b[28] = 0; /* SK: no next payload inside (it is encrypted), not critical */
	b[29] = 0;
	b[30] = 0;
	b[31] = CRAFT_LEN - 28;
}

/* ns per datagram for datagrams that hit (known SPIs) or miss (unknown SPIs) the table */
static double lookup_ns(size_t n, bool hit)
{
	struct targets ts = { .max = n };
	uint8_t *pkts;
	uint64_t t0, t1;

	ts.t = calloc(n, sizeof(*ts.t));
	pkts = malloc(n * CRAFT_LEN);
	if (!ts.t || !pkts)
		die("out of memory");
	ikev2_foreach_sa(B.r.e, target_cb, &ts);
	for (size_t k = 0; k < ts.n; k++) {
		if (!hit)
			RAND_bytes(ts.t[k].rspi, 8);
		craft(pkts + k * CRAFT_LEN, ts.t[k].ispi, ts.t[k].rspi);
	}
	/* once with debug on: the drop must be the one we aim at, after the table lookup */
	ikev2_set_debug(B.r.e, true);
	ikev2_input(B.r.e, &ts.t[0].path, pkts, CRAFT_LEN);
	ikev2_set_debug(B.r.e, false);
	if (!strstr(B.r.last_log, hit ? "unexpected message ID" : "no IKE SA for these SPIs")) {
		fprintf(stderr, "crafted datagram: %s\n", B.r.last_log);
		die("crafted datagram not dropped where expected");
	}
	t0 = cpu_ns();
	for (size_t k = 0; k < ts.n; k++)
		ikev2_input(B.r.e, &ts.t[k].path, pkts + k * CRAFT_LEN, CRAFT_LEN);
	t1 = cpu_ns();
	if (B.head)
		die("a crafted datagram was answered");
	free(pkts);
	free(ts.t);
	return (double)(t1 - t0) / (double)ts.n;
}

/* Every initiator SA sends a liveness check (dpd 10 periodic): CPU per round trip. */
static void liveness_round(size_t n, double *ret_r_us, double *ret_i_us)
{
	uint64_t r0 = B.r.cpu_ns, i0 = B.i.cpu_ns, sent0 = B.i.n_sent, rsent0 = B.r.n_sent;

	B.now += 10 * 1000000ull;
	run_timers(&B.i);
	run_timers(&B.r);
	if (B.i.n_sent - sent0 != n)
		die("not every SA sent its liveness check");
	pump();
	if (B.r.n_sent - rsent0 != n)
		die("not every liveness check was answered");
	*ret_r_us = (B.r.cpu_ns - r0) / 1e3 / n;
	*ret_i_us = (B.i.cpu_ns - i0) / 1e3 / n;
}

static void mode_memory(size_t n)
{
	size_t levels[8], nl = 0, done = 0;
	size_t h_start, h_i, h0, h_pre, h_mid, h_end, rss0, i_engine;
	uint64_t t0;
	struct config *ci;
	struct ike_env dummy = { 0 };

	for (size_t l = 1000; l < n && nl < 7; l *= 10)
		levels[nl++] = l;
	levels[nl++] = n;

	/* the initiator engine's own size without SAs, to take it out later */
	h_start = heap_bytes();
	t0 = wall_ns();
	ci = config_make(true, n, true);
	h_i = heap_bytes();
	B.i.name = "I";
	{
		struct node probe = { 0 };
		struct ikev2 *e;

		dummy.ctx = &probe;
		dummy.now = env_now;
		if (ikev2_new(&dummy, &e) < 0 || ikev2_set_config(e, ci, NULL) < 0)
			die("engine setup failed");
		i_engine = heap_bytes() - h_i;
		ikev2_free(e);
	}
	memset(&B.i, 0, sizeof(B.i));
	memset(&B.r, 0, sizeof(B.r));
	B.now = 1000000;
	node_start(&B.i, "I", ci, 0xa0000001);
	node_start(&B.r, "R", config_make(false, n, true), 0xb0000001);
	printf("# %zu tunnels each side, configs loaded in %.2f s; both configs %.1f MiB, an "
	       "engine with its tunnels and no SA %.1f KiB\n",
	       n, (wall_ns() - t0) / 1e9, (heap_bytes() - h_start - 2 * i_engine) / 1048576.0,
	       i_engine / 1024.0);
	malloc_trim(0);
	h0 = heap_bytes();
	rss0 = rss_bytes();
	printf("%8s %12s %12s %12s %14s %14s %12s %12s\n", "IKE SAs", "R us/hs", "I us/hs",
	       "R+I RSS B/SA", "R+I heap B/SA", "R us/liveness", "I us/liveness", "R ns/lookup");
	for (size_t l = 0; l < nl; l++) {
		uint64_t r0 = B.r.cpu_ns, i0 = B.i.cpu_ns;
		double rl, il, hit, miss;
		size_t h, rss;

		establish(done, levels[l]);
		check_established(levels[l]);
		h = heap_bytes();
		rss = rss_bytes();
		liveness_round(levels[l], &rl, &il);
		hit = lookup_ns(levels[l], true);
		miss = lookup_ns(levels[l], false);
		printf("%8zu %12.1f %12.1f %12.0f %14.0f %14.2f %12.2f %6.0f/%.0f\n", levels[l],
		       (B.r.cpu_ns - r0) / 1e3 / (levels[l] - done),
		       (B.i.cpu_ns - i0) / 1e3 / (levels[l] - done),
		       (double)(rss - rss0) / levels[l], (double)(h - h0) / levels[l], rl, il, hit,
		       miss);
		printf("RESULT memory n=%zu resp_us_per_hs=%.1f init_us_per_hs=%.1f "
		       "resp_us_per_liveness=%.2f init_us_per_liveness=%.2f lookup_hit_ns=%.0f "
		       "lookup_miss_ns=%.0f both_heap_per_sa=%.0f both_rss_per_sa=%.0f\n",
		       levels[l], (B.r.cpu_ns - r0) / 1e3 / (levels[l] - done),
		       (B.i.cpu_ns - i0) / 1e3 / (levels[l] - done), rl, il, hit, miss,
		       (double)(h - h0) / levels[l], (double)(rss - rss0) / levels[l]);
		done = levels[l];
	}
	/* each side's share: free one engine at a time (its SAs go with it); what remains after
	 * both is process-wide state (OpenSSL caches) that belongs to neither */
	h_pre = heap_bytes();
	ikev2_free(B.i.e);
	B.i.e = NULL;
	h_mid = heap_bytes();
	ikev2_free(B.r.e);
	B.r.e = NULL;
	h_end = heap_bytes();
	printf("heap per IKE SA        responder %.0f bytes, initiator %.0f bytes (%zu SAs; "
	       "responder %.1f MiB in all)\n",
	       (double)(h_mid - h_end - i_engine) / n, (double)(h_pre - h_mid - i_engine) / n, n,
	       (h_mid - h_end - i_engine) / 1048576.0);
	printf("RESULT memory-sides n=%zu resp_heap_per_sa=%.0f init_heap_per_sa=%.0f\n", n,
	       (double)(h_mid - h_end - i_engine) / n, (double)(h_pre - h_mid - i_engine) / n);
	printf("# not freed with the engines: %+lld bytes against the no-SA baseline (OpenSSL's "
	       "caches; a leak would grow with N)\n",
	       (long long)h_end - (long long)(h0 - 2 * i_engine));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-ikev2 [--group N] [--batch B] (--handshakes N | --memory N)\n"
		"       bench-ikev2 [--group N] [--batch B] --udp-initiate N --peer-pid PID "
		"[--peer-name NAME]\n"
		"       bench-ikev2 [--group N] --udp-respond N\n"
		"  --handshakes N  N IKE_SA_INIT + IKE_AUTH exchanges, CPU per engine\n"
		"  --memory N      N live IKE SAs: heap/RSS per SA, liveness and lookup times at\n"
		"                  1k, 10k, ... up to N\n"
		"  --udp-initiate N  our initiator over UDP 500 against " RESP_ADDR " (another\n"
		"                  namespace; tunnel k from 10.0.0.0+k); the peer's CPU and RSS\n"
		"                  from /proc/PID\n"
		"  --udp-respond N our responder over UDP 500 until SIGTERM\n"
		"  --group N       DH group of the IKE proposal (default 31, Curve25519)\n"
		"  --batch B       initiations per batch / in flight (default 100)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "handshakes", required_argument, NULL, 'h' },
		{ "memory", required_argument, NULL, 'm' },
		{ "group", required_argument, NULL, 'g' },
		{ "batch", required_argument, NULL, 'b' },
		{ "udp-initiate", required_argument, NULL, 'u' },
		{ "udp-respond", required_argument, NULL, 'U' },
		{ "peer-pid", required_argument, NULL, 'p' },
		{ "peer-name", required_argument, NULL, 'n' },
		{ 0 },
	};
	size_t hs = 0, mem = 0, ui = 0, ur = 0;
	const char *peer_name = "peer";
	pid_t peer = 0;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	B.group = 31;
	B.batch = 100;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			hs = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			mem = strtoul(optarg, NULL, 0);
			break;
		case 'g':
			B.group = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			B.batch = strtoul(optarg, NULL, 0);
			break;
		case 'u':
			ui = strtoul(optarg, NULL, 0);
			break;
		case 'U':
			ur = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			peer = (pid_t)strtol(optarg, NULL, 0);
			break;
		case 'n':
			peer_name = optarg;
			break;
		default:
			usage();
		}
	}
	if ((!hs && !mem && !ui && !ur) || B.batch == 0 || hs > 16000000 || mem > 16000000 ||
	    ui > 16000000 || ur > 16000000 || (ui && peer <= 0))
		usage();
	if (!ike_dh_supported((uint16_t)B.group))
		die("unsupported --group");
	if (ui) {
		udp_initiate(ui, peer, peer_name);
		return 0;
	}
	if (ur) {
		udp_respond(ur);
		return 0;
	}
	B.arena =
		mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (B.arena == MAP_FAILED)
		die("mmap");
	memset(B.arena, 0, ARENA_SIZE); /* resident from the start: RSS deltas are the heap's */
	if (hs)
		mode_handshakes(hs);
	if (mem) {
		if (hs) {
			ikev2_free(B.i.e);
			ikev2_free(B.r.e);
			/* configs stay: a merged one (n > CHUNK) is not config_free's to free */
		}
		mode_memory(mem);
	}
	return 0;
}
