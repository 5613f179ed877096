/*
 * IKE fragmentation (RFC 7383) between two engines, with a small fragment size so that a PSK
 * IKE_AUTH is fragmented both ways:
 *   A: HDR, SAi1, KEi, Ni, N(IKEV2_FRAGMENTATION_SUPPORTED) -->
 *                    <-- B: HDR, SAr1, KEr, Nr, N(IKEV2_FRAGMENTATION_SUPPORTED)
 *   A: HDR, SKF(1/n) {IDi, AUTH, ...} ... HDR, SKF(n/n) {... TSr} -->
 *                    <-- B: HDR, SKF(1/m) {IDr, AUTH, ...} ... HDR, SKF(m/m) {...}
 * Loss, reordering and forged fragments on the way; a peer without RFC 7383; the receiver's
 * limits checked with fragments crafted under the SA's real keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/rand.h>

#include "ikev2_internal.h"
#include "wire.h"
#include "xchg.h"

#define FRAG_SIZE 200  /* IP bytes: a PSK IKE_AUTH (about 150 bytes of payloads) takes 2 */
#define FRAG_SMALL 150 /* ... and 4 */

static const char cfg_a[] = CFG_COMMON("192.0.2.1", "192.0.2.2", "1", "2", "s3cret", "always", "");
static const char cfg_b[] = CFG_COMMON("192.0.2.2", "192.0.2.1", "2", "1", "s3cret", "never", "");

/* What the hook saw and what it is told to do. */
struct ctl {
	unsigned skf[2];     /* SKF datagrams sent by A, B */
	unsigned sk_auth[2]; /* unfragmented IKE_AUTH messages sent by A, B */
	bool init_notify[2]; /* IKE_SA_INIT of A / B carried IKEV2_FRAGMENTATION_SUPPORTED */
	char drop_from;	     /* 'A' / 'B': drop fragment drop_num of that side once */
	uint16_t drop_num;
	bool hold;	    /* hold every fragment: delivered in reverse */
	uint16_t forge_num; /* A's fragment with this number: a forged copy goes first */
	uint16_t max_total[2];
};

static struct ctl *ctl_of(struct xpair *p)
{
	return p->hook_data;
}

static bool skf_info(const uint8_t *buf, size_t len, uint16_t *num, uint16_t *total)
{
	if (len < 36 || buf[16] != WIRE_PLV2_SKF)
		return false;
	*num = (uint16_t)(buf[32] << 8 | buf[33]);
	*total = (uint16_t)(buf[34] << 8 | buf[35]);
	return true;
}

static bool init_has_frag_notify(const uint8_t *buf, size_t len)
{
	struct wire_msg *m = malloc(sizeof(*m));
	struct wire_err err;
	bool found;

	assert_non_null(m);
	assert_int_equal(wire_decode(m, buf, len, &err), 0);
	found = wire_msg_find_notify(m, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, 0) != NULL;
	free(m);
	return found;
}

static enum x_verdict hook(struct xpair *p, const struct xnode *from, uint8_t *buf, size_t len)
{
	struct ctl *c = ctl_of(p);
	int side = from == &p->a ? 0 : 1;
	uint16_t num, total;

	if (len >= 28 && buf[18] == WIRE_EX2_IKE_SA_INIT) {
		c->init_notify[side] = init_has_frag_notify(buf, len);
		return X_PASS;
	}
	if (!skf_info(buf, len, &num, &total)) {
		if (len >= 28 && buf[18] == WIRE_EX2_IKE_AUTH)
			c->sk_auth[side]++;
		return X_PASS;
	}
	c->skf[side]++;
	if (total > c->max_total[side])
		c->max_total[side] = total;
	if (c->drop_from == from->name[0] && c->drop_num == num) {
		c->drop_from = 0;
		return X_DROP;
	}
	if (side == 0 && c->forge_num == num) {
		uint8_t *bad = malloc(len);

		assert_non_null(bad);
		memcpy(bad, buf, len);
		bad[len - 1] ^= 0x5a; /* in the ICV */
		x_inject(p, bad, len);
		free(bad);
		c->forge_num = 0;
	}
	if (c->hold)
		return X_HOLD;
	return X_PASS;
}

static void start(struct xpair *p, struct ctl *c, size_t frag_size)
{
	memset(c, 0, sizeof(*c));
	x_init(p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	p->hook = hook;
	p->hook_data = c;
	ikev2_test_frag_size(p->a.e, frag_size);
	ikev2_test_frag_size(p->b.e, frag_size);
}

static void assert_up(struct xpair *p)
{
	if (x_ike_count(&p->a, "READY") != 1 || x_ike_count(&p->b, "READY") != 1) {
		x_log_dump(&p->a);
		x_log_dump(&p->b);
	}
	assert_int_equal(x_ike_count(&p->a, "READY"), 1);
	assert_int_equal(x_ike_count(&p->b, "READY"), 1);
	assert_int_equal(x_sa_count(&p->a), 2);
	assert_int_equal(x_sa_count(&p->b), 2);
	x_assert_child_pair(p);
}

/* Index of the first log line with needle, SIZE_MAX when none. */
static size_t log_index(const struct xnode *n, const char *needle)
{
	for (size_t i = 0; i < n->n_log; i++)
		if (strstr(n->log[i], needle))
			return i;
	return SIZE_MAX;
}

static unsigned log_count(const struct xnode *n, const char *needle)
{
	unsigned c = 0;

	for (size_t i = 0; i < n->n_log; i++)
		c += strstr(n->log[i], needle) != NULL;
	return c;
}

/* IKE_AUTH fragmented both ways: more datagrams on the wire, the same keys at both ends. */
static void test_frag_both_ways(void **state)
{
	struct xpair p;
	struct ctl c;
	unsigned whole;

	(void)state;
	start(&p, &c, 0); /* default size: a PSK IKE_AUTH fits */
	x_run(&p, 5);
	assert_up(&p);
	assert_true(c.init_notify[0]);
	assert_true(c.init_notify[1]);
	assert_int_equal(c.skf[0] + c.skf[1], 0);
	whole = p.n_packets;
	x_free(&p);

	start(&p, &c, FRAG_SIZE);
	x_run(&p, 5);
	assert_up(&p);
	assert_true(c.skf[0] >= 2);
	assert_true(c.skf[1] >= 2);
	assert_int_equal(c.sk_auth[0] + c.sk_auth[1], 0);
	assert_int_equal(p.n_packets, whole + c.skf[0] + c.skf[1] - 2);
	assert_true(x_log_has(&p.a, "sent in"));
	assert_true(x_log_has(&p.b, "message ID 1 reassembled from"));
	assert_true(x_log_has(&p.a, "message ID 1 reassembled from"));
	assert_false(x_log_has(&p.a, "Retransmitting"));
	x_free(&p);
}

/* A fragment of the request is lost: the initiator retransmits all of them. */
static void test_frag_request_loss(void **state)
{
	struct xpair p;
	struct ctl c;

	(void)state;
	start(&p, &c, FRAG_SIZE);
	c.drop_from = 'A';
	c.drop_num = 2;
	x_run(&p, 10);
	assert_up(&p);
	assert_true(x_log_has(&p.a, "Retransmitting packet (message ID 1"));
	assert_true(c.skf[0] >= 2 * c.max_total[0]);
	x_free(&p);
}

/* A fragment of the response is lost: the retransmitted request's fragment 1 (and only that
 * one) makes the responder send its cached response again, all fragments. */
static void test_frag_response_loss(void **state)
{
	struct xpair p;
	struct ctl c;

	(void)state;
	start(&p, &c, FRAG_SIZE);
	c.drop_from = 'B';
	c.drop_num = 1;
	x_run(&p, 10);
	assert_up(&p);
	assert_true(x_log_has(&p.a, "Retransmitting packet (message ID 1"));
	assert_int_equal(log_count(&p.b, "retransmitted request 1: resending our response"), 1);
	assert_int_equal(c.skf[1], 2 * c.max_total[1]);
	x_free(&p);
}

/* Every fragment arrives in reverse order (held, then delivered the last held first). */
static void test_frag_reorder(void **state)
{
	struct xpair p;
	struct ctl c;
	char last[64], second[64];

	(void)state;
	start(&p, &c, FRAG_SMALL);
	c.hold = true;
	x_run(&p, 5);
	assert_up(&p);
	assert_true(c.max_total[0] >= 3);
	assert_true(c.max_total[1] >= 2);
	snprintf(last, sizeof(last), "fragment %u/%u of message ID 1 received", c.max_total[0],
		 c.max_total[0]);
	snprintf(second, sizeof(second), "fragment 2/%u of message ID 1 received", c.max_total[0]);
	assert_true(log_index(&p.b, last) < log_index(&p.b, second));
	assert_true(x_log_has(&p.b, "message ID 1 reassembled from"));
	assert_true(x_log_has(&p.a, "message ID 1 reassembled from"));
	assert_false(x_log_has(&p.a, "Retransmitting"));
	x_free(&p);
}

/* A peer that does not announce support gets whole messages, either role. */
static void test_frag_not_announced(void **state)
{
	struct xpair p;
	struct ctl c;

	(void)state;
	start(&p, &c, FRAG_SIZE);
	ikev2_test_frag_off(p.b.e, true);
	x_run(&p, 5);
	assert_up(&p);
	assert_true(c.init_notify[0]);
	assert_false(c.init_notify[1]);
	assert_int_equal(c.skf[0] + c.skf[1], 0);
	assert_int_equal(c.sk_auth[0], 1);
	assert_int_equal(c.sk_auth[1], 1);
	x_free(&p);

	start(&p, &c, FRAG_SIZE);
	ikev2_test_frag_off(p.a.e, true);
	x_run(&p, 5);
	assert_up(&p);
	assert_false(c.init_notify[0]);
	assert_false(c.init_notify[1]); /* the responder answers only a request that had it */
	assert_int_equal(c.skf[0] + c.skf[1], 0);
	x_free(&p);
}

/* A forged copy of fragment 2 (bad ICV) arrives before the real one: dropped, and the
 * reassembly goes on without a retransmission. */
static void test_frag_forged(void **state)
{
	struct xpair p;
	struct ctl c;

	(void)state;
	start(&p, &c, FRAG_SMALL);
	c.forge_num = 2;
	x_run(&p, 5);
	assert_up(&p);
	assert_true(x_log_has(&p.b, "integrity check of fragment 2/"));
	assert_false(x_log_has(&p.a, "Retransmitting"));
	x_free(&p);
}

/* ---- limits, with fragments crafted under A's keys ---- */

static struct ikev2_sa *established(struct xnode *n)
{
	for (struct ikev2_sa *sa = n->e->all_head; sa; sa = sa->next_all)
		if (sa->state == IKEV2_S_ESTABLISHED)
			return sa;
	return NULL;
}

/* One INFORMATIONAL request fragment from A to B with this piece of plaintext. */
static void send_frag(struct xpair *p, uint32_t msgid, uint16_t num, uint16_t total, uint8_t first,
		      const uint8_t *piece, size_t len)
{
	struct ikev2_sa *a = established(&p->a);
	struct wire_hdr h = { .major = 2,
			      .exchange = WIRE_EX2_INFORMATIONAL,
			      .msgid = msgid,
			      .flags = WIRE_F2_INITIATOR };
	struct wire_sk_layout lay;
	struct wire_builder b;
	uint8_t buf[2048], iv[16];
	size_t out;

	assert_non_null(a);
	memcpy(h.ispi, a->ispi, 8);
	memcpy(h.rspi, a->rspi, 8);
	wire_build_msg(&b, buf, sizeof(buf), &h);
	wire_build_sk(&b, num == 1 ? first : 0, num, total, ike_sk_body_len(&a->suite, len), &lay);
	assert_int_equal(wire_build_finish(&b, &out), 0);
	assert_int_equal(RAND_bytes(iv, sizeof(iv)), 1);
	assert_int_equal(ike_sk_encrypt(&a->suite, &a->keys.ei, &a->keys.ai, buf, lay.aad_len,
					piece, len, iv),
			 0);
	assert_int_equal(ikev2_path_send(a->e, &a->path, buf, out), 0);
}

/* A payload chain of about 3 x 100 bytes: one private status notify. */
static size_t make_chain(uint8_t *chain, size_t size, uint8_t *first)
{
	uint8_t data[290];
	struct wire_builder b;
	size_t len;

	memset(data, 0x42, sizeof(data));
	wire_build_chain(&b, chain, size, WIRE_IKEV2);
	wire_build_notify(&b, 0, 40000, NULL, 0, data, sizeof(data));
	assert_int_equal(wire_build_finish(&b, &len), 0);
	*first = b.first;
	return len;
}

static void send_thirds(struct xpair *p, uint32_t msgid, const uint16_t *nums, size_t n,
			uint16_t total)
{
	uint8_t chain[512], first;
	size_t len = make_chain(chain, sizeof(chain), &first), third = len / 3;

	for (size_t i = 0; i < n; i++) {
		uint16_t k = nums[i];
		size_t off = (size_t)(k - 1) * third, plen = k == 3 ? len - off : third;

		send_frag(p, msgid, k, total, first, chain + off, plen);
	}
	x_run(p, 1);
}

static void test_frag_limits(void **state)
{
	static const uint16_t one[] = { 1 }, two[] = { 2 }, two_three[] = { 2, 3 };
	uint8_t big[1100];
	struct ikev2_sa *b;
	struct xpair p;
	struct ctl c;
	uint32_t m;
	char want[80];

	(void)state;
	start(&p, &c, FRAG_SIZE);
	x_run(&p, 5);
	assert_up(&p);
	b = established(&p.b);
	m = b->msgid_next_in;

	/* more than 64 fragments announced: refused, nothing kept */
	send_thirds(&p, m, one, 1, 65);
	assert_true(x_log_has(&p.b, "more than 64 fragments: dropped"));
	assert_null(b->reasm);

	/* an inconsistent (smaller) total is dropped; the reassembly goes on */
	send_thirds(&p, m, one, 1, 3);
	assert_non_null(b->reasm);
	send_frag(&p, m, 2, 2, 0, big, 10);
	x_run(&p, 1);
	assert_true(x_log_has(&p.b, "dropped, expecting 3 fragments"));
	assert_non_null(b->reasm);
	assert_int_equal(b->reasm->nrecv, 1);
	send_thirds(&p, m, two_three, 2, 3);
	snprintf(want, sizeof(want), "message ID %u reassembled from 3 fragments", m);
	assert_true(x_log_has(&p.b, want));
	assert_int_equal(b->msgid_next_in, m + 1);
	assert_null(b->reasm);

	/* a larger total: the sender made smaller fragments, start over (RFC 7383 2.6.2) */
	send_frag(&p, m + 1, 1, 2, WIRE_PLV2_NOTIFY, big, 10);
	x_run(&p, 1);
	send_thirds(&p, m + 1, one, 1, 3);
	assert_true(x_log_has(&p.b, "restarting, was 2 fragments"));
	send_thirds(&p, m + 1, two_three, 2, 3);
	assert_int_equal(b->msgid_next_in, m + 2);

	/* an incomplete message is replaced by a newer message ID */
	send_thirds(&p, m + 2, one, 1, 3);
	established(&p.a)->msgid_next_out = m + 2;
	assert_int_equal(ikev2_dpd_start(established(&p.a)), 0);
	x_run(&p, 1);
	assert_int_equal(b->msgid_next_in, m + 3);
	send_thirds(&p, m + 3, one, 1, 3);
	snprintf(want, sizeof(want), "message ID %u replaces the incomplete message ID %u", m + 3,
		 m + 2);
	assert_true(x_log_has(&p.b, want));
	send_thirds(&p, m + 3, two, 1, 3);
	send_thirds(&p, m + 3, (const uint16_t[]){ 3 }, 1, 3);
	assert_int_equal(b->msgid_next_in, m + 4);

	/* more than 64 KiB of plaintext: discarded */
	memset(big, 0x42, sizeof(big));
	for (uint16_t k = 1; k <= 64; k++)
		send_frag(&p, m + 4, k, 64, WIRE_PLV2_NOTIFY, big, sizeof(big));
	x_run(&p, 1);
	assert_true(x_log_has(&p.b, "fragments exceed 65536 bytes: discarded"));
	assert_int_equal(b->msgid_next_in, m + 4);
	assert_int_equal(x_ike_count(&p.b, "READY"), 1);
	x_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frag_both_ways),	   cmocka_unit_test(test_frag_request_loss),
		cmocka_unit_test(test_frag_response_loss), cmocka_unit_test(test_frag_reorder),
		cmocka_unit_test(test_frag_not_announced), cmocka_unit_test(test_frag_forged),
		cmocka_unit_test(test_frag_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
