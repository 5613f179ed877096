/*
 * IKEv2 exchanges end to end between two engines in one process (fake kernel, virtual
 * clock), in RFC 7296 notation:
 *   A: HDR, SAi1, KEi, Ni -->  <-- B: HDR, SAr1, KEr, Nr
 *   A: HDR, SK {IDi, AUTH, SAi2, TSi, TSr} -->  <-- B: HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
 * Then CREATE_CHILD_SA rekeys, INFORMATIONAL deletes and liveness checks, with assertions on
 * what each side installed in its (fake) kernel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wire.h"
#include "xchg.h"

static const char cfg_a[] = CFG_COMMON("192.0.2.1", "192.0.2.2", "1", "2", "s3cret", "always",
				       " dpd 10 2 periodic\n");
static const char cfg_b[] = CFG_COMMON("192.0.2.2", "192.0.2.1", "2", "1", "s3cret", "never",
				       "");

static void test_psk_up(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	if (x_ike_count(&p.a, "READY") != 1) {
		x_log_dump(&p.a);
		x_log_dump(&p.b);
	}
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_ike_count(&p.b, "READY"), 1);
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	x_assert_child_pair(&p);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.encr, WIRE_ENCR_AES_CBC);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.key_bits, 256);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.integ, WIRE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.enc_key_len, 32);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.integ_key_len, 32);
	assert_true(x_log_has(&p.a, "Tunnel1 up"));
	assert_true(x_log_has(&p.b, "Tunnel1 up"));
	x_free(&p);
}

static void test_psk_mismatch(void **state)
{
	static const char b_bad[] = CFG_COMMON("192.0.2.2", "192.0.2.1", "2", "1", "other",
					       "never", "");
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, b_bad, "192.0.2.1", "192.0.2.2");
	x_run(&p, 3);
	assert_int_equal(x_ike_count(&p.a, "READY"), 0);
	assert_int_equal(x_ike_count(&p.b, "READY"), 0);
	assert_int_equal(x_sa_count(&p.a), 0);
	assert_int_equal(x_sa_count(&p.b), 0);
	assert_true(x_log_has(&p.b, "Verification of peer's authentication data FAILED"));
	assert_true(x_log_has(&p.a, "AUTHENTICATION_FAILED"));
	x_free(&p);
}

/* The child rekeys before its lifetime ends: new SAs in, old ones out, keys agree. */
static void test_child_rekey(void **state)
{
	struct xpair p;
	uint32_t old_out;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	assert_int_equal(x_sa_count(&p.a), 2);
	old_out = x_sa_find(&p.a, false, 0)->sa.spi;
	/* default lifetime 3600 s: the initiator rekeys at about 90 % */
	x_run(&p, 3300);
	if (x_sa_count(&p.a) != 2) {
		x_log_dump(&p.a);
		x_log_dump(&p.b);
	}
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	assert_int_not_equal(x_sa_find(&p.a, false, 0)->sa.spi, old_out);
	x_assert_child_pair(&p);
	assert_true(x_log_has(&p.a, "CHILD_SA rekeyed"));
	assert_true(x_log_has(&p.b, "CHILD_SA rekeyed"));
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	x_free(&p);
}

/*
 * After a CHILD_SA rekey the old inbound SA stays in the kernel IKEV2_LINGER_US (2 s) after the
 * peer stopped sending on it (packets in flight or in async crypto when the Delete arrives),
 * and what it still receives joins the tunnel's retired counters.
 */
static uint32_t lg_old_in_a;	   /* A's old inbound SPI = B's old outbound */
static uint64_t lg_b_out_gone_us; /* when B removed its old outbound */
static uint64_t lg_a_in_gone_us;  /* when A removed its old inbound */
static bool lg_bumped;

static void linger_check(struct xpair *p)
{
	if (!lg_b_out_gone_us && !x_sa_by_spi(&p->b, lg_old_in_a))
		lg_b_out_gone_us = p->now;
	if (lg_b_out_gone_us && !lg_bumped && x_sa_by_spi(&p->a, lg_old_in_a)) {
		/* a late packet arrives on the lingering SA */
		((struct xk_sa *)x_sa_by_spi(&p->a, lg_old_in_a))->ctr.packets += 5;
		lg_bumped = true;
	}
	if (!lg_a_in_gone_us && !x_sa_by_spi(&p->a, lg_old_in_a))
		lg_a_in_gone_us = p->now;
}

static void test_rekey_inbound_lingers(void **state)
{
	struct xpair p;
	struct ike_tunnel_info before, after;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	lg_old_in_a = x_sa_find(&p.a, true, 0)->sa.spi;
	lg_b_out_gone_us = lg_a_in_gone_us = 0;
	lg_bumped = false;
	p.step_check = linger_check;
	assert_int_equal(ikev2_tunnel_info(p.a.e, 1, &before), 0);
	x_run(&p, 3300);
	assert_true(lg_b_out_gone_us > 0);
	assert_true(lg_bumped);
	assert_true(lg_a_in_gone_us >= lg_b_out_gone_us + 2000000);
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	assert_int_equal(ikev2_tunnel_info(p.a.e, 1, &after), 0);
	/* the 5 late packets are counted once the lingering SA goes */
	assert_true(after.retired_in.packets >= before.retired_in.packets + 5);
	x_free(&p);
}

/* The IKE SA rekeys (default 86400 s) and its CHILD_SA moves over to the new one. */
static void test_ike_rekey(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	x_run(&p, 86400);
	assert_true(x_log_has(&p.a, "IKE SA rekeyed"));
	assert_true(x_log_has(&p.b, "IKE SA rekeyed by the peer"));
	assert_int_equal(x_ike_count(&p.a, NULL), 1);
	assert_int_equal(x_ike_count(&p.b, NULL), 1);
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* Both sides exported the same IKE SA: SPIs of the READY SA, SK_e/SK_a equal on both sides. */
static const struct xk_export *assert_ike_exported(const struct xpair *p, size_t idx)
{
	const struct xk_export *xa = x_export_find(&p->a, IKE_KEYX_IKEV2, idx);
	const struct xk_export *xb = x_export_find(&p->b, IKE_KEYX_IKEV2, idx);
	uint8_t ispi[8], rspi[8];

	assert_non_null(xa);
	assert_non_null(xb);
	assert_true(x_ike_spis(&p->a, "READY", ispi, rspi));
	assert_memory_equal(xa->k.ispi, ispi, 8);
	assert_memory_equal(xa->k.rspi, rspi, 8);
	assert_memory_equal(xb->k.ispi, ispi, 8);
	assert_memory_equal(xb->k.rspi, rspi, 8);
	assert_int_equal(xa->k.encr, WIRE_ENCR_AES_CBC);
	assert_int_equal(xa->k.key_bits, 256);
	assert_int_equal(xa->k.integ, WIRE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(xa->k.enc_len, 32);
	assert_int_equal(xa->k.integ_len, 32);
	assert_int_equal(xb->k.enc_len, 32);
	assert_int_equal(xb->k.integ_len, 32);
	/* derived independently on each side: equal only if both are the SA's real keys */
	assert_memory_equal(xa->k.sk_ei, xb->k.sk_ei, 32);
	assert_memory_equal(xa->k.sk_er, xb->k.sk_er, 32);
	assert_memory_equal(xa->k.sk_ai, xb->k.sk_ai, 32);
	assert_memory_equal(xa->k.sk_ar, xb->k.sk_ar, 32);
	assert_memory_not_equal(xa->k.sk_ei, xa->k.sk_er, 32);
	return xa;
}

/*
 * The key export hook (ikegwd --export-keys): one IKE SA export per IKE SA on each side, again
 * after an IKE SA rekey (new SPIs, new keys), and one ESP export per SA the kernel got, equal to
 * what it got, through CHILD_SA rekeys too.
 */
static void test_key_export(void **state)
{
	const struct xk_export *first;
	uint8_t first_ei[32];
	struct xpair p;

	(void)state;
	x_export_keys = true;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV2), 1);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_IKEV2), 1);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV1), 0);
	first = assert_ike_exported(&p, 0);
	memcpy(first_ei, first->k.sk_ei, 32);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_ESP), 2);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_ESP), 2);
	x_assert_esp_exported(&p.a);
	x_assert_esp_exported(&p.b);

	/* CHILD_SA rekey (about 90 % of 3600 s): two more ESP exports a side, no IKE one */
	x_run(&p, 3500);
	assert_true(x_log_has(&p.a, "CHILD_SA rekeyed"));
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_ESP), 4);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_ESP), 4);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV2), 1);
	x_assert_esp_exported(&p.a);
	x_assert_esp_exported(&p.b);

	/* IKE SA rekey: exported once more on each side, with the new SA's SPIs and keys */
	x_run(&p, 86400);
	assert_true(x_log_has(&p.a, "IKE SA rekeyed"));
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV2), 2);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_IKEV2), 2);
	first = x_export_find(&p.a, IKE_KEYX_IKEV2, 0);
	assert_memory_not_equal(assert_ike_exported(&p, 1)->k.ispi, first->k.ispi, 8);
	assert_memory_not_equal(x_export_find(&p.a, IKE_KEYX_IKEV2, 1)->k.sk_ei, first_ei, 32);
	x_assert_esp_exported(&p.a);
	x_assert_esp_exported(&p.b);
	x_free(&p);
}

/* Without the hook (ikegwd's default) the engines run the same and nothing is recorded. */
static void test_key_export_off(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(p.a.n_exports, 0);
	assert_int_equal(p.b.n_exports, 0);
	x_free(&p);
}

/* B goes silent: A's liveness checks give up, the SAs go, A keeps trying; B comes back and
 * the tunnel is up again. */
static void test_dpd_dead_and_back(void **state)
{
	struct ike_tunnel_info ti;
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(ikev2_tunnel_info(p.a.e, 1, &ti), 0);
	assert_int_equal(ti.dpd_rtt_us, 0); /* no liveness check yet: not measured */
	x_run(&p, 10);
	assert_int_equal(ikev2_tunnel_info(p.a.e, 1, &ti), 0);
	assert_int_equal(ti.dpd_rtt_us, 1); /* answered at once (no latency here): 1 µs at least */
	p.b.drop_out = true;
	x_run(&p, 60);
	assert_true(x_log_has(&p.a, "peer is dead"));
	assert_int_equal(x_sa_count(&p.a), 0);
	assert_int_equal(x_ike_count(&p.a, "READY"), 0);
	p.b.drop_out = false;
	x_run(&p, 200);
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_sa_count(&p.a), 2);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* clear crypto sa: Delete goes out, both sides drop everything, the initiator comes back. */
static void test_clear(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	assert_int_equal(ikev2_clear(p.b.e, NULL), 1);
	x_run(&p, 1);
	assert_int_equal(x_sa_count(&p.b), 0);
	assert_int_equal(x_ike_count(&p.b, NULL), 0);
	assert_true(x_log_has(&p.a, "peer deleted the IKE SA"));
	x_run(&p, 30);
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_sa_count(&p.b), 2);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* The responder wants group 19: INVALID_KE_PAYLOAD, the initiator retries with it. */
static void test_invalid_ke(void **state)
{
	struct xpair p;
	char *b2 = strdup(cfg_b), *g;

	(void)state;
	g = strstr(b2, " group 14");
	memcpy(g, " group 19", 9);
	x_init(&p, "hostname A\n"
		   "crypto ikev2 proposal P\n encryption aes-cbc-256\n integrity sha256\n"
		   " group 14 19\n"
		   "crypto ikev2 policy POL\n proposal P\n"
		   "crypto ikev2 keyring KR\n peer X\n  address 192.0.2.2\n"
		   "  pre-shared-key s3cret\n"
		   "crypto ikev2 profile PR\n match identity remote address 192.0.2.2 "
		   "255.255.255.255\n authentication remote pre-share\n"
		   " authentication local pre-share\n keyring local KR\n"
		   "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"
		   "crypto ipsec profile IP\n set transform-set TS\n set ikev2-profile PR\n"
		   "interface Tunnel1\n ip address 10.0.0.1 255.255.255.0\n"
		   " tunnel source 192.0.2.1\n tunnel destination 192.0.2.2\n"
		   " tunnel protection ipsec profile IP\n",
	       b2, "192.0.2.1", "192.0.2.2");
	free(b2);
	x_run(&p, 5);
	if (x_ike_count(&p.a, "READY") != 1) {
		x_log_dump(&p.a);
		x_log_dump(&p.b);
	}
	assert_true(x_log_has(&p.a, "INVALID_KE_PAYLOAD"));
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* Under half-open pressure the responder answers with a COOKIE; the initiator retries with
 * it first and the SA comes up (RFC 7296 2.6). */
static void test_cookie(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	ikev2_test_cookie_threshold(p.b.e, 0);
	x_run(&p, 5);
	assert_true(x_log_has(&p.a, "responder asks for a cookie"));
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_ike_count(&p.b, "READY"), 1);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* A behind a NAT (public 192.0.2.254, ports rewritten): NAT detected both ways, IKE moves to
 * 4500, the CHILD_SAs are UDP-encapsulated with the NAT's port on B, A sends keepalives. */
static void test_nat(void **state)
{
	static const char a[] = CFG_COMMON("10.1.0.1", "192.0.2.2", "1", "2", "s3cret", "always",
					   "");
	char *b = strdup(CFG_COMMON("192.0.2.2", "192.0.2.254", "2", "1", "s3cret", "never", ""));
	const struct xk_sa *sa;
	struct xpair p;
	char *at;

	(void)state;
	/* B knows A by its ID (10.1.0.1) for the profile, by the NAT address for key and tunnel */
	at = strstr(b, "match identity remote address 192.0.2.254");
	assert_non_null(at);
	memcpy(at + strlen("match identity remote address "), "10.1.0.1   ", 11);
	x_init(&p, a, b, "10.1.0.1", "192.0.2.2");
	free(b);
	x_set_nat(&p, "192.0.2.254");
	x_run(&p, 5);
	if (x_ike_count(&p.a, "READY") != 1) {
		x_log_dump(&p.a);
		x_log_dump(&p.b);
	}
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_ike_count(&p.b, "READY"), 1);
	assert_true(x_log_has(&p.a, "we are behind a NAT"));
	assert_true(x_log_has(&p.b, "the peer is behind a NAT"));
	x_assert_child_pair(&p);
	sa = x_sa_find(&p.a, false, 0);
	assert_int_equal(sa->sa.encap_sport, 4500);
	assert_int_equal(sa->sa.encap_dport, 4500);
	sa = x_sa_find(&p.b, false, 0);
	assert_int_equal(sa->sa.encap_sport, 4500);
	assert_int_equal(sa->sa.encap_dport, 34500);
	x_run(&p, 65);
	assert_true(p.a.n_keepalives >= 3);
	assert_int_equal(p.b.n_keepalives, 0);
	x_free(&p);
}

/* `set pfs group19`: the CHILD_SA rekey carries a KE of group 19 both ways and both sides derive
 * the same new keys from it (RFC 7296 2.17). */
static void test_pfs_rekey(void **state)
{
	char *a = strdup(cfg_a), *b = strdup(cfg_b), *na, *nb;
	const char *line = " set ikev2-profile PR\n";
	struct xpair p;
	uint32_t old_out;

	(void)state;
	assert_true(asprintf(&na, "%.*s%s set pfs group19\n%s", (int)(strstr(a, line) - a), a, line,
			     strstr(a, line) + strlen(line)) > 0);
	assert_true(asprintf(&nb, "%.*s%s set pfs group19\n%s", (int)(strstr(b, line) - b), b, line,
			     strstr(b, line) + strlen(line)) > 0);
	x_init(&p, na, nb, "192.0.2.1", "192.0.2.2");
	free(a), free(b), free(na), free(nb);
	x_run(&p, 5);
	assert_int_equal(x_sa_count(&p.a), 2);
	old_out = x_sa_find(&p.a, false, 0)->sa.spi;
	x_run(&p, 3300);
	assert_true(x_log_has(&p.a, "with PFS"));
	assert_true(x_log_has(&p.b, "CHILD_SA rekey with PFS (DH group 19)"));
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_not_equal(x_sa_find(&p.a, false, 0)->sa.spi, old_out);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* Both sides `tunnel initiate always` (the IOS default): two IKE SAs start at once; one is
 * found redundant and deleted, one IKE SA and one CHILD_SA pair remain, keys agree. */
static void test_both_initiate(void **state)
{
	static const char b2[] = CFG_COMMON("192.0.2.2", "192.0.2.1", "2", "1", "s3cret", "always",
					    "");
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, b2, "192.0.2.1", "192.0.2.2");
	x_run(&p, 60);
	if (x_ike_count(&p.a, NULL) != 1 || x_ike_count(&p.b, NULL) != 1) {
		x_log_dump(&p.a);
		x_log_dump(&p.b);
	}
	assert_int_equal(x_ike_count(&p.a, "READY"), 1);
	assert_int_equal(x_ike_count(&p.b, "READY"), 1);
	assert_int_equal(x_ike_count(&p.a, NULL), 1);
	assert_int_equal(x_ike_count(&p.b, NULL), 1);
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* Make-before-break, step by step: from the first CHILD_SA on, each side always has an SA to
 * send on, and the SA its kernel sends on (the newest outbound) is installed inbound at the
 * peer, through CHILD_SA and IKE SA rekeys that come back to back (lifetimes 120 s). */
static bool mbb_started;
static unsigned mbb_checks;

static void mbb_check(struct xpair *p)
{
	for (int i = 0; i < 2; i++) {
		const struct xnode *n = i ? &p->b : &p->a, *peer = i ? &p->a : &p->b;
		const struct xk_sa *out = x_sa_sending(n), *in;

		if (!mbb_started)
			continue;
		if (!out) {
			x_log_dump(&p->a);
			x_log_dump(&p->b);
		}
		assert_non_null(out);
		in = x_sa_by_spi(peer, out->sa.spi);
		if (!in) {
			x_log_dump(&p->a);
			x_log_dump(&p->b);
			fail_msg("%s sends on SPI 0x%08x that %s has not installed", n->name,
				 out->sa.spi, peer->name);
		}
		assert_true(in->sa.inbound);
		mbb_checks++;
	}
}

static void test_make_before_break(void **state)
{
	static const char a[] = CFG_COMMON("192.0.2.1", "192.0.2.2", "1", "2", "s3cret", "always",
					   " lifetime 120\n dpd 10 2 periodic\n");
	static const char b[] = CFG_COMMON("192.0.2.2", "192.0.2.1", "2", "1", "s3cret", "never",
					   " lifetime 120\n");
	const char *line = " set ikev2-profile PR\n";
	char *na, *nb;
	struct xpair p;
	uint32_t first;

	(void)state;
	assert_true(asprintf(&na, "%.*s%s set security-association lifetime seconds 120\n%s",
			     (int)(strstr(a, line) - a), a, line, strstr(a, line) + strlen(line)) > 0);
	assert_true(asprintf(&nb, "%.*s%s set security-association lifetime seconds 120\n%s",
			     (int)(strstr(b, line) - b), b, line, strstr(b, line) + strlen(line)) > 0);
	x_init(&p, na, nb, "192.0.2.1", "192.0.2.2");
	free(na), free(nb);
	x_run(&p, 5);
	assert_int_equal(x_sa_count(&p.a), 2);
	first = x_sa_sending(&p.a)->sa.spi;
	mbb_started = true;
	mbb_checks = 0;
	p.step_check = mbb_check;
	x_run(&p, 400); /* three or more rekeys of each kind */
	p.step_check = NULL;
	mbb_started = false;
	assert_true(mbb_checks > 100);
	assert_int_not_equal(x_sa_sending(&p.a)->sa.spi, first);
	assert_true(x_log_has(&p.a, "IKE SA rekeyed"));
	assert_true(x_log_has(&p.b, "CHILD_SA rekeyed"));
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	x_assert_child_pair(&p);
	x_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psk_up),
		cmocka_unit_test(test_psk_mismatch),
		cmocka_unit_test(test_child_rekey),
		cmocka_unit_test(test_rekey_inbound_lingers),
		cmocka_unit_test(test_ike_rekey),
		cmocka_unit_test(test_dpd_dead_and_back),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_invalid_ke),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_pfs_rekey),
		cmocka_unit_test(test_both_initiate),
		cmocka_unit_test(test_make_before_break),
		cmocka_unit_test(test_key_export),
		cmocka_unit_test(test_key_export_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
