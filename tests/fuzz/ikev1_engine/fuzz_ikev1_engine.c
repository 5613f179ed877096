/*
 * libFuzzer target for the IKEv1 engine: every byte is the peer's. Mode 0 gives the input to a
 * responder as a raw datagram (Main/Aggressive Mode and anything else, unauthenticated); mode 1
 * puts the established ISAKMP SA's cookies in front of it. Modes 2-4 put the input, as
 * plaintext payloads after a valid HASH, inside a correctly encrypted Informational (Delete,
 * notify, DPD), Quick Mode QM1, or QM2 answering the responder's own QM1; mode 5 puts it in a
 * correctly encrypted MM5 (the responder in MM_R4); in modes 2-5 the 16 bytes COOKIES stand for
 * the ISAKMP SA's cookies. Mode 6 gives an initiator that sent MM1 its MM2 and MM4. A minute
 * passes after each input. Input: mode, spare (mode 6: length of MM2 / 4), first payload, bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/rand.h>

#include "ikev1_internal.h"

#define CFG(N, SELF, PEER, INIT)                                                                   \
	"hostname R" N "\n"                                                                        \
	"crypto isakmp policy 10\n encr aes 128\n hash sha256\n authentication pre-share\n"       \
	" group 14\n"                                                                              \
	"crypto isakmp keepalive 10 2 periodic\n"                                                  \
	"crypto keyring KR\n pre-shared-key address " PEER " key k\n"                              \
	"crypto isakmp profile PR\n keyring KR\n match identity address " PEER                     \
	" 255.255.255.255\n"                                                                       \
	"crypto ipsec transform-set TS esp-aes 128 esp-sha256-hmac\n mode tunnel\n"               \
	"crypto ipsec profile IP\n set transform-set TS\n set isakmp-profile PR\n"                \
	"interface Tunnel1\n ip address 10.0.0." N " 255.255.255.0\n tunnel source " SELF "\n"   \
	" tunnel destination " PEER "\n tunnel protection ipsec profile IP\n"                     \
	" tunnel initiate " INIT "\n"

static const char *const cfg_text[2] = {
	CFG("1", "192.0.2.1", "192.0.2.2", "always"),
	CFG("2", "192.0.2.2", "192.0.2.1", "never"),
};

/* In protected payloads the fuzzer's way to name the ISAKMP SA it talks to. */
#define COOKIES "ISAKMP-SA-COOKIE"

struct pkt {
	int to;
	struct ike_path path;
	size_t len;
	uint8_t data[IKEV1_MSG_MAX];
};

/* Two pairs: [0],[1] keep an established ISAKMP SA; [2],[3] stop before MM5 (mode 5). */
static struct {
	struct ikev1 *e[4];
	struct config *cfg[2];
	struct ike_kernel_ops kops;
	uint64_t now;
	struct pkt q[8];
	size_t nq;
	uint32_t spi;
	bool hold_mm5; /* keep the initiator's MM5 from its peer */
} F;

static uint64_t f_now(void *ctx)
{
	(void)ctx;
	return F.now;
}

static int f_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static int f_send(void *ctx, const struct ike_path *path, const void *buf, size_t len)
{
	int from = (int)(intptr_t)ctx;
	struct pkt *p;

	if (F.nq >= 8 || len > IKEV1_MSG_MAX)
		return 0;
	p = &F.q[F.nq++];
	p->to = from ^ 1;
	p->path.local = path->remote;
	p->path.remote = path->local;
	p->path.local_port = path->remote_port;
	p->path.remote_port = path->local_port;
	p->len = len;
	memcpy(p->data, buf, len);
	return 0;
}

static int k_spi(void *ctx, uint32_t t, const struct config_addr *s, const struct config_addr *d,
		 uint32_t *ret)
{
	(void)ctx, (void)t, (void)s, (void)d;
	*ret = ++F.spi;
	return 0;
}

static int k_add(void *ctx, const struct ike_kernel_sa *sa, char *err, size_t len)
{
	(void)ctx, (void)sa, (void)err, (void)len;
	return 0;
}

static int k_del(void *ctx, uint32_t t, const struct config_addr *d, uint32_t spi)
{
	(void)ctx, (void)t, (void)d, (void)spi;
	return 0;
}

static int k_ctr(void *ctx, uint32_t t, const struct config_addr *d, uint32_t spi,
		 struct ike_kernel_counters *ret)
{
	(void)ctx, (void)t, (void)d, (void)spi;
	memset(ret, 0, sizeof(*ret));
	return 0;
}

static struct ikev1_sa *in_state(int i, enum ikev1_state st)
{
	for (struct ikev1_sa *sa = F.e[i]->all_head; sa; sa = sa->next_all)
		if (sa->state == st)
			return sa;
	return NULL;
}

/* Deliver queued datagrams of pair (lo, lo+1) and run their timers up to 3 s ahead. */
static void pump(int lo)
{
	for (int guard = 0; guard < 64; guard++) {
		if (F.nq) {
			static struct pkt p;

			p = F.q[0];
			memmove(F.q, F.q + 1, (F.nq - 1) * sizeof(F.q[0]));
			F.nq--;
			/* the initiator's MM5 waits for the fuzzer's own */
			if (F.hold_mm5 && p.to == lo + 1 && in_state(lo, IKEV1_S_MM_I5))
				continue;
			ikev1_input(F.e[p.to], &p.path, p.data, p.len);
			continue;
		}
		uint64_t t0 = ikev1_next_timeout(F.e[lo]), t1 = ikev1_next_timeout(F.e[lo + 1]);
		uint64_t t = t0 < t1 ? t0 : t1;

		if (t == UINT64_MAX || t > F.now + 3000000)
			return;
		if (t > F.now)
			F.now = t;
		ikev1_run_timers(F.e[lo]);
		ikev1_run_timers(F.e[lo + 1]);
	}
}

/* FUZZ_VERBOSE=1 prints the engines' logs (to see where a corpus input goes). */
static void f_log(void *ctx, const struct ike_log_entry *l)
{
	fprintf(stderr, "[%d] %s\n", (int)(intptr_t)ctx, l->text);
}

static void engine_new(int i)
{
	struct ike_env env = { .ctx = (void *)(intptr_t)i, .now = f_now, .random = f_random,
			       .send = f_send, .kernel = &F.kops };

	if (getenv("FUZZ_VERBOSE"))
		env.log = f_log;
	if (ikev1_new(&env, &F.e[i]) < 0 || ikev1_set_config(F.e[i], F.cfg[i % 2], NULL) < 0)
		abort();
	ikev1_set_debug(F.e[i], env.log != NULL);
}

static void setup(void)
{
	F.kops = (struct ike_kernel_ops){ .spi_alloc = k_spi, .sa_add = k_add, .sa_del = k_del,
					  .sa_counters = k_ctr };
	F.now = 1000000;
	for (int i = 0; i < 2; i++)
		if (config_load_buffer("fuzz", NULL, cfg_text[i], strlen(cfg_text[i]), &F.cfg[i],
				       NULL) < 0)
			abort();
	for (int i = 0; i < 4; i++)
		engine_new(i);
	F.nq = 0; /* `initiate always` schedules, never sends from set_config */
}

static void path_to(int to, struct ike_path *path)
{
	memset(path, 0, sizeof(*path));
	path->local_port = path->remote_port = 500;
	path->local.family = path->remote.family = AF_INET;
	inet_pton(AF_INET, to % 2 ? "192.0.2.2" : "192.0.2.1", &path->local.v4);
	inet_pton(AF_INET, to % 2 ? "192.0.2.1" : "192.0.2.2", &path->remote.v4);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * HDR*, HASH, <fuzz payloads> of SA `sa` (engine `from`) to engine `to`: HASH = prf(SKEYID_a,
 * [pre] | M-ID | [ni] | rest) for phase 2 (no HASH for phase 1: the fuzz bytes are the chain),
 * encrypted with a copy of iv.
 */
static void send_protected(int to, struct ikev1_sa *sa, uint8_t exchange, uint32_t msgid,
			   const uint8_t *ni, size_t ni_len, const uint8_t *iv, uint8_t first,
			   const uint8_t *data, size_t size)
{
	static uint8_t msg[IKEV1_MSG_MAX], in[IKEV1_MSG_MAX];
	struct ikev1 *e = sa->e;
	size_t hlen = ike_prf_len(sa->keys.prf), off = 0;
	uint8_t ivc[16], mid[4];
	struct wire_hdr h;
	struct ike_path path;
	int r;

	if (size > IKEV1_MSG_MAX / 2)
		return;
	/* the 16-byte marker "ISAKMP-SA-COOKIE" in an input is replaced by the live SA's cookies
	 * (Delete and DPD notify SPIs), so mutations reach those paths */
	memcpy(in, data, size);
	for (size_t i = 0; i + 16 <= size; i++)
		if (memcmp(in + i, COOKIES, 16) == 0) {
			memcpy(in + i, sa->icky, 8);
			memcpy(in + i + 8, sa->rcky, 8);
		}
	data = in;
	put32(mid, msgid);
	if (exchange != WIRE_EX1_MAIN) {
		struct ike_buf parts[3] = { { mid, 4 }, { ni, ni_len }, { data, size } };

		e->chain[0] = first;
		e->chain[1] = 0;
		e->chain[2] = (uint8_t)((WIRE_GHDR_LEN + hlen) >> 8);
		e->chain[3] = (uint8_t)(WIRE_GHDR_LEN + hlen);
		if (ike_prf_parts(sa->keys.prf, sa->keys.skeyid_a.ptr, sa->keys.skeyid_a.len, parts,
				  3, e->chain + WIRE_GHDR_LEN) < 0)
			return;
		off = WIRE_GHDR_LEN + hlen;
		first = WIRE_PLV1_HASH;
	}
	memcpy(e->chain + off, data, size);
	memset(&h, 0, sizeof(h));
	memcpy(h.ispi, sa->icky, 8);
	memcpy(h.rspi, sa->rcky, 8);
	h.major = 1;
	h.exchange = exchange;
	h.msgid = msgid;
	memcpy(ivc, iv, sizeof(ivc));
	r = ikev1_seal(sa, &h, first, off + size, ivc);
	if (r < 0)
		return;
	memcpy(msg, e->out, (size_t)r);
	path_to(to, &path);
	ikev1_input(F.e[to], &path, msg, (size_t)r);
}

/* Pair 0/1 with an ISAKMP SA in QM_IDLE on both sides (A initiates), or false. */
static bool established(struct ikev1_sa **ret_a, struct ikev1_sa **ret_b)
{
	for (int tries = 0; tries < 3 && !(in_state(0, IKEV1_S_P1_DONE) &&
					  in_state(1, IKEV1_S_P1_DONE));
	     tries++) {
		if (tries) { /* IPsec SAs without an ISAKMP SA: start from scratch */
			ikev1_clear(F.e[0], NULL);
			ikev1_clear(F.e[1], NULL);
			F.nq = 0;
		}
		ikev1_initiate(F.e[0], 1);
		pump(0);
		F.now += 10000000;
		pump(0);
	}
	*ret_a = in_state(0, IKEV1_S_P1_DONE);
	*ret_b = in_state(1, IKEV1_S_P1_DONE);
	return *ret_a && *ret_b;
}

/* Pair 2/3 with the responder in MM_R4 and the initiator's MM5 held back. */
static struct ikev1_sa *before_mm5(void)
{
	struct ikev1_sa *b = in_state(3, IKEV1_S_MM_R4);

	if (b && in_state(2, IKEV1_S_MM_I5))
		return b;
	ikev1_free(F.e[2]);
	ikev1_free(F.e[3]);
	engine_new(2);
	engine_new(3);
	F.nq = 0;
	F.hold_mm5 = true;
	ikev1_initiate(F.e[2], 1);
	pump(2);
	F.hold_mm5 = false;
	F.nq = 0;
	b = in_state(3, IKEV1_S_MM_R4);
	return b && in_state(2, IKEV1_S_MM_I5) ? b : NULL;
}

/*
 * A minute passes after every input: half-open SAs, Quick Modes waiting for a QM3 and deleted
 * SAs time out (as they would in a real peer's life) instead of filling every slot; DPD, rekeys
 * and ISAKMP SA expiry come along on the way.
 */
static void age(void)
{
	F.nq = 0;
	F.now += 61000000;
	ikev1_run_timers(F.e[0]);
	ikev1_run_timers(F.e[1]);
	pump(0);
}

/*
 * Engine 2 as a Main Mode initiator that just sent MM1; then one or two datagrams to it (the
 * first data[1] * 4 bytes, then the rest) with its cookie and the first one's responder
 * cookie in the header: MM2 and MM4 as the initiator reads them.
 */
static void to_initiator(const uint8_t *data, size_t size, size_t first_len)
{
	static uint8_t raw[IKEV1_MSG_MAX];
	struct ike_path path;
	uint8_t rcky[8];
	struct ikev1_sa *a;

	ikev1_clear(F.e[2], NULL);
	ikev1_clear(F.e[3], NULL);
	F.nq = 0;
	if (ikev1_initiate(F.e[2], 1) < 0 || !(a = in_state(2, IKEV1_S_MM_I1)))
		return;
	F.nq = 0;
	path_to(2, &path);
	if (first_len > size)
		first_len = size;
	for (int k = 0; k < 2; k++) {
		const uint8_t *d = k ? data + first_len : data;
		size_t n = k ? size - first_len : first_len;

		if (n < WIRE_HDR_LEN || !(a = in_state(2, k ? IKEV1_S_MM_I3 : IKEV1_S_MM_I1)))
			return;
		memcpy(raw, d, n);
		memcpy(raw, a->icky, 8);
		if (k)
			memcpy(raw + 8, rcky, 8);
		else
			memcpy(rcky, raw + 8, 8);
		ikev1_input(F.e[2], &path, raw, n);
		F.nq = 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t raw[IKEV1_MSG_MAX];
	struct ike_path path;
	struct ikev1_sa *a, *b;
	uint8_t iv[16];
	uint32_t msgid;

	if (!F.e[0])
		setup();
	if (size < 3 || size - 3 > IKEV1_MSG_MAX)
		return 0;
	F.nq = 0;
	switch (data[0] % 7) {
	case 6: /* MM2 (and MM4) to an initiator */
		to_initiator(data + 3, size - 3, (size_t)data[1] * 4);
		return 0;
	case 0: /* anything, to a responder */
		path_to(1, &path);
		memcpy(raw, data + 3, size - 3);
		ikev1_input(F.e[1], &path, raw, size - 3);
		pump(0);
		age();
		return 0;
	case 5: /* a hostile MM5, correctly encrypted with the phase 1 IV */
		b = before_mm5();
		if (b) {
			memcpy(iv, b->iv, sizeof(iv));
			send_protected(3, b, WIRE_EX1_MAIN, 0, NULL, 0, iv, data[2], data + 3,
				       size - 3);
			pump(2);
		}
		F.nq = 0;
		return 0;
	default:
		break;
	}
	if (!established(&a, &b))
		return 0;
	F.nq = 0;
	RAND_bytes((uint8_t *)&msgid, sizeof(msgid));
	msgid |= 1;
	switch (data[0] % 7) {
	case 1: /* anything, behind the established SA's cookies */
		if (size - 3 < WIRE_HDR_LEN)
			return 0;
		memcpy(raw, data + 3, size - 3);
		memcpy(raw, b->icky, 8);
		memcpy(raw + 8, b->rcky, 8);
		raw[17] = 0x10; /* version 1.0 */
		path_to(1, &path);
		ikev1_input(F.e[1], &path, raw, size - 3);
		break;
	case 2: /* Informational: Delete, notifies, DPD */
		ike_v1_phase2_iv(&a->keys, a->p1_last, msgid, iv);
		send_protected(1, a, WIRE_EX1_INFORMATIONAL, msgid, NULL, 0, iv, data[2], data + 3,
			       size - 3);
		break;
	case 3: /* QM1 */
		ike_v1_phase2_iv(&a->keys, a->p1_last, msgid, iv);
		send_protected(1, a, WIRE_EX1_QUICK, msgid, NULL, 0, iv, data[2], data + 3,
			       size - 3);
		break;
	default: /* QM2 answering B's own QM1 (B starts a Quick Mode; A never sees it) */
	{
		struct ikev1_tunnel *t = ikev1_tunnel_get(F.e[1], 1);
		struct ikev1_qm *q = NULL;

		if (!t || ikev1_qm_start(b, t, NULL) < 0)
			break;
		F.nq = 0;
		for (int i = 0; i < IKEV1_MAX_QM; i++)
			if (b->qm[i].used && b->qm[i].initiator && !b->qm[i].done)
				q = &b->qm[i];
		if (!q)
			break;
		memcpy(iv, q->iv, sizeof(iv));
		send_protected(1, a, WIRE_EX1_QUICK, q->msgid, q->ni, q->ni_len, iv, data[2],
			       data + 3, size - 3);
		/* forget B's Quick Mode if it is still waiting (B's SA may be gone) */
		if (in_state(1, IKEV1_S_P1_DONE) != b)
			break;
		for (int i = 0; i < IKEV1_MAX_QM; i++)
			if (b->qm[i].used && b->qm[i].initiator && !b->qm[i].done)
				ikev1_qm_free(&b->qm[i]);
		break;
	}
	}
	/* B's answers go to A, and so on */
	pump(0);
	age();
	return 0;
}
