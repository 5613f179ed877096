/*
 * libFuzzer target for the IKEv2 engine: every byte is the peer's. Mode 0 gives the input to
 * a responder as a raw datagram (IKE_SA_INIT and anything else, unauthenticated). Modes 1-3
 * put the input, as plaintext payloads, inside a correctly protected request or response of an
 * established IKE SA (built with the other engine's keys), so IKE_AUTH, CREATE_CHILD_SA and
 * INFORMATIONAL handlers see hostile decrypted payloads. Input: mode, exchange, first payload
 * type, then the bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/rand.h>

#include "ikev2_internal.h"

static const char cfg_text[2][1400] = {
	"hostname A\n"
	"crypto ikev2 proposal P\n encryption aes-gcm-128\n prf sha256\n group 19\n"
	"crypto ikev2 policy POL\n proposal P\n"
	"crypto ikev2 keyring KR\n peer X\n  address 192.0.2.2\n  pre-shared-key k\n"
	"crypto ikev2 profile PR\n match identity remote address 192.0.2.2 255.255.255.255\n"
	" authentication remote pre-share\n authentication local pre-share\n keyring local KR\n"
	" dpd 10 2 periodic\n"
	"crypto ipsec transform-set TS esp-gcm 128\n"
	"crypto ipsec profile IP\n set transform-set TS\n set ikev2-profile PR\n"
	"interface Tunnel1\n ip address 10.0.0.1 255.255.255.0\n tunnel source 192.0.2.1\n"
	" tunnel destination 192.0.2.2\n tunnel protection ipsec profile IP\n",
	"hostname B\n"
	"crypto ikev2 proposal P\n encryption aes-gcm-128\n prf sha256\n group 19\n"
	"crypto ikev2 policy POL\n proposal P\n"
	"crypto ikev2 keyring KR\n peer X\n  address 192.0.2.1\n  pre-shared-key k\n"
	"crypto ikev2 profile PR\n match identity remote address 192.0.2.1 255.255.255.255\n"
	" authentication remote pre-share\n authentication local pre-share\n keyring local KR\n"
	"crypto ipsec transform-set TS esp-gcm 128\n"
	"crypto ipsec profile IP\n set transform-set TS\n set ikev2-profile PR\n"
	"interface Tunnel1\n ip address 10.0.0.2 255.255.255.0\n tunnel source 192.0.2.2\n"
	" tunnel destination 192.0.2.1\n tunnel protection ipsec profile IP\n"
	" tunnel initiate never\n",
};

struct pkt {
	int to;
	struct ike_path path;
	size_t len;
	uint8_t data[IKEV2_MSG_MAX];
};

static struct {
	struct ikev2 *e[2];
	struct config *cfg[2];
	struct ike_kernel_ops kops;
	uint64_t now;
	struct pkt q[8];
	size_t nq;
	uint32_t spi;
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

	if (F.nq >= 8 || len > IKEV2_MSG_MAX)
		return 0;
	p = &F.q[F.nq++];
	p->to = !from;
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

static void pump(void)
{
	for (int guard = 0; guard < 64; guard++) {
		if (F.nq) {
			static struct pkt p;

			p = F.q[0];
			memmove(F.q, F.q + 1, (F.nq - 1) * sizeof(F.q[0]));
			F.nq--;
			ikev2_input(F.e[p.to], &p.path, p.data, p.len);
			continue;
		}
		uint64_t t0 = ikev2_next_timeout(F.e[0]), t1 = ikev2_next_timeout(F.e[1]);
		uint64_t t = t0 < t1 ? t0 : t1;

		if (t == UINT64_MAX || t > F.now + 3000000)
			return;
		if (t > F.now)
			F.now = t;
		ikev2_run_timers(F.e[0]);
		ikev2_run_timers(F.e[1]);
	}
}

static void setup(void)
{
	F.kops = (struct ike_kernel_ops){ .spi_alloc = k_spi, .sa_add = k_add, .sa_del = k_del,
					  .sa_counters = k_ctr };
	F.now = 1000000;
	for (int i = 0; i < 2; i++) {
		struct ike_env env = { .ctx = (void *)(intptr_t)i, .now = f_now,
					 .random = f_random, .send = f_send, .kernel = &F.kops };

		if (config_load_buffer("fuzz", NULL, cfg_text[i], strlen(cfg_text[i]), &F.cfg[i],
				       NULL) < 0 ||
		    ikev2_new(&env, &F.e[i]) < 0 || ikev2_set_config(F.e[i], F.cfg[i], NULL) < 0)
			abort();
	}
}

/* The established SA of engine i, or NULL. */
static struct ikev2_sa *established(int i)
{
	for (struct ikev2_sa *sa = F.e[i]->all_head; sa; sa = sa->next_all)
		if (sa->state == IKEV2_S_ESTABLISHED)
			return sa;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_path path = { .local_port = 500, .remote_port = 500 };
	struct ikev2_sa *a;

	if (!F.e[0])
		setup();
	if (size < 3)
		return 0;
	if (data[0] % 4 == 0) {
		path.local.family = path.remote.family = AF_INET;
		inet_pton(AF_INET, "192.0.2.2", &path.local.v4);
		inet_pton(AF_INET, "192.0.2.1", &path.remote.v4);
		ikev2_input(F.e[1], &path, data + 3, size - 3);
		F.nq = 0;
		pump();
		return 0;
	}
	/* an established pair (the initiator A brings it up) */
	for (int tries = 0; tries < 3 && !((a = established(0)) && established(1)); tries++) {
		ikev2_initiate(F.e[0], 1);
		pump();
		F.now += 10000000;
		pump();
	}
	a = established(0);
	if (!a || a->req_buf)
		return 0;
	switch (data[0] % 4) {
	case 1: /* a request from A with hostile inner payloads */
		ikev2_send_request(a, data[1], IKEV2_REQ_DPD, data + 3, size - 3, data[2]);
		break;
	case 2: /* a response to B's request: make B ask first (liveness check) */
	{
		struct ikev2_sa *b = established(1);

		if (!b || b->req_buf)
			return 0;
		ikev2_dpd_start(b);
		F.nq = 0; /* A never sees it: we answer instead */
		ikev2_send_response(a, data[1], b->req_msgid, data + 3, size - 3, data[2]);
		break;
	}
	default: /* hostile payloads in a CREATE_CHILD_SA request */
		ikev2_send_request(a, WIRE_EX2_CREATE_CHILD_SA, IKEV2_REQ_CHILD_REKEY, data + 3,
				   size - 3, data[2]);
		break;
	}
	/* deliver A's message to B (and whatever follows) */
	pump();
	/* A's request may still wait for an answer B did not give: forget it (if A still has
	 * that SA: B's answer may have deleted it) */
	for (struct ikev2_sa *sa = F.e[0]->all_head; sa; sa = sa->next_all)
		if (sa == a)
			ikev2_request_done(a);
	return 0;
}
