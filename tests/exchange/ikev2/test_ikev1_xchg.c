/*
 * IKEv1 exchanges end to end between two gateways in one process (fake kernel, virtual clock):
 *   Main Mode  A: HDR, SA --> <-- HDR, SA;  HDR, KE, Ni --> <-- HDR, KE, Nr;
 *              HDR*, IDii, HASH_I --> <-- HDR*, IDir, HASH_R
 *   Quick Mode A: HDR*, HASH(1), SA, Ni, IDci, IDcr --> <-- HDR*, HASH(2), SA, Nr, IDci, IDcr;
 *              HDR*, HASH(3) -->
 * and Aggressive Mode, PFS, Quick Mode rekeys, Delete and dead peer detection, with assertions
 * on what each side installed in its (fake) kernel.
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

/* A PSK IKEv1 tunnel (AES-256, SHA-256, group 14) from SELF to PEER. */
#define CFG_V1(SELF, PEER, N, KEY, INIT, PROFILE_EXTRA, IPSEC_EXTRA, GLOBAL_EXTRA)                 \
	"hostname R" N "\n"                                                                        \
	"crypto isakmp policy 10\n"                                                                \
	" encr aes 256\n"                                                                          \
	" hash sha256\n"                                                                           \
	" authentication pre-share\n"                                                              \
	" group 14\n"                                                                              \
	"crypto isakmp policy 20\n"                                                                \
	" encr 3des\n"                                                                             \
	" hash sha\n"                                                                              \
	" authentication pre-share\n"                                                              \
	" group 2\n" GLOBAL_EXTRA                                                                  \
	"crypto keyring KR\n"                                                                      \
	" pre-shared-key address " PEER " key " KEY "\n"                                           \
	"crypto isakmp profile PR\n"                                                               \
	" keyring KR\n"                                                                            \
	" match identity address " PEER " 255.255.255.255\n" PROFILE_EXTRA                         \
	"crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"                              \
	" mode tunnel\n"                                                                           \
	"crypto ipsec profile IP\n"                                                                \
	" set transform-set TS\n"                                                                  \
	" set isakmp-profile PR\n" IPSEC_EXTRA                                                     \
	"interface Tunnel1\n"                                                                      \
	" ip address 10.0.0." N " 255.255.255.0\n"                                                 \
	" tunnel source " SELF "\n"                                                                \
	" tunnel destination " PEER "\n"                                                           \
	" tunnel protection ipsec profile IP\n"                                                    \
	" tunnel initiate " INIT "\n"

static const char cfg_a[] = CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always", "", "", "");
static const char cfg_b[] = CFG_V1("192.0.2.2", "192.0.2.1", "2", "s3cret", "never", "", "", "");

static void up_or_dump(struct xpair *p)
{
	if (x_ike_count(&p->a, "QM_IDLE") != 1 || x_sa_count(&p->a) != 2) {
		x_log_dump(&p->a);
		x_log_dump(&p->b);
	}
	assert_int_equal(x_ike_count(&p->a, "QM_IDLE"), 1);
	assert_int_equal(x_ike_count(&p->b, "QM_IDLE"), 1);
	assert_int_equal(x_sa_count(&p->a), 2);
	assert_int_equal(x_sa_count(&p->b), 2);
	x_assert_child_pair(p);
}

static void test_main_mode_psk(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.encr, WIRE_ENCR_AES_CBC);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.key_bits, 256);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.integ, WIRE_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.enc_key_len, 32);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.integ_key_len, 32);
	assert_int_equal(x_sa_find(&p.a, false, 0)->sa.tunnel_id, 1);
	assert_true(x_log_has(&p.a, "Tunnel1 up"));
	assert_true(x_log_has(&p.b, "Tunnel1 up"));
	assert_true(x_log_has(&p.b, "Old State = IKE_R_MM4 New State = IKE_P1_COMPLETE"));
	/* seed 001's send lines, with the state after each message */
	assert_true(x_log_has(&p.a, "sending packet to 192.0.2.2 my_port 500 peer_port 500 (I) "
				    "MM_SA_SETUP"));
	assert_true(x_log_has(&p.b, "sending packet to 192.0.2.1 my_port 500 peer_port 500 (R) "
				    "MM_KEY_EXCH"));
	assert_true(x_log_has(&p.a, "(I) QM_IDLE"));
	x_free(&p);
}

static void test_psk_mismatch(void **state)
{
	static const char b_bad[] =
		CFG_V1("192.0.2.2", "192.0.2.1", "2", "other", "never", "", "", "");
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, b_bad, "192.0.2.1", "192.0.2.2");
	x_run(&p, 3);
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 0);
	assert_int_equal(x_ike_count(&p.b, "QM_IDLE"), 0);
	assert_int_equal(x_sa_count(&p.a), 0);
	assert_true(x_log_has(&p.b, "pre-shared keys differ"));
	x_free(&p);
}

static void test_aggressive_psk(void **state)
{
	static const char a_am[] = CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always",
					  " initiate mode aggressive\n", "", "");
	struct xpair p;

	(void)state;
	x_init(&p, a_am, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	assert_true(x_log_has(&p.a, "beginning Aggressive Mode"));
	x_free(&p);
}

static void test_pfs(void **state)
{
	static const char a_pfs[] = CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always", "",
					   " set pfs group14\n", "");
	static const char b_pfs[] = CFG_V1("192.0.2.2", "192.0.2.1", "2", "s3cret", "never", "",
					   " set pfs group14\n", "");
	struct xpair p;

	(void)state;
	x_init(&p, a_pfs, b_pfs, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	x_free(&p);
}

static void test_pfs_mismatch(void **state)
{
	static const char b_pfs[] = CFG_V1("192.0.2.2", "192.0.2.1", "2", "s3cret", "never", "",
					   " set pfs group14\n", "");
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, b_pfs, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 1);
	assert_int_equal(x_sa_count(&p.a), 0);
	assert_int_equal(x_sa_count(&p.b), 0);
	assert_true(x_log_has(&p.b, "PFS group"));
	x_free(&p);
}

/* Lifetimes of 120 s: the Quick Mode initiator rekeys at 85 %; the old pair goes after the
 * grace period; at every moment each side's newest outbound SA is installed at the peer. */
static void make_before_break(struct xpair *p)
{
	const struct xk_sa *oa = x_sa_sending(&p->a), *ob = x_sa_sending(&p->b);

	if (oa)
		assert_non_null(x_sa_by_spi(&p->b, oa->sa.spi));
	if (ob)
		assert_non_null(x_sa_by_spi(&p->a, ob->sa.spi));
}

static void test_quick_mode_rekey(void **state)
{
	static const char a_short[] =
		CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always", "",
		       " set security-association lifetime seconds 120\n", "");
	static const char b_short[] =
		CFG_V1("192.0.2.2", "192.0.2.1", "2", "s3cret", "never", "",
		       " set security-association lifetime seconds 120\n", "");
	struct xpair p;
	uint32_t first;

	(void)state;
	x_init(&p, a_short, b_short, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	first = x_sa_sending(&p.a)->sa.spi;
	p.step_check = make_before_break;
	x_run(&p, 115);
	assert_int_not_equal(x_sa_sending(&p.a)->sa.spi, first);
	/* old pair deleted on both sides after the grace period */
	assert_int_equal(x_sa_count(&p.a), 2);
	assert_int_equal(x_sa_count(&p.b), 2);
	x_assert_child_pair(&p);
	assert_true(x_log_has(&p.a, "Tunnel1 rekeyed"));
	assert_true(x_log_has(&p.b, "Tunnel1 rekeyed"));
	/* and again: the second rekey runs the same way */
	first = x_sa_sending(&p.a)->sa.spi;
	x_run(&p, 110);
	assert_int_not_equal(x_sa_sending(&p.a)->sa.spi, first);
	assert_int_equal(x_sa_count(&p.a), 2);
	x_free(&p);
}

static void test_dead_peer(void **state)
{
	static const char a_dpd[] = CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always", "",
					   "", "crypto isakmp keepalive 10 2 periodic\n");
	struct ike_tunnel_info ti;
	struct xpair p;

	(void)state;
	x_init(&p, a_dpd, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	assert_int_equal(ikev1_tunnel_info(p.a.e1, 1, &ti), 0);
	assert_int_equal(ti.dpd_rtt_us, 0); /* no R-U-THERE yet: not measured */
	x_run(&p, 30); /* R-U-THERE answered */
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 1);
	assert_int_equal(ikev1_tunnel_info(p.a.e1, 1, &ti), 0);
	assert_int_equal(ti.dpd_rtt_us, 1); /* ACKed at once (no latency here): 1 µs at least */
	p.b.drop_out = true;
	x_run(&p, 40);
	assert_true(x_log_has(&p.a, "peer is dead"));
	assert_int_equal(x_sa_count(&p.a), 0);
	p.b.drop_out = false;
	x_run(&p, 120);
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 1);
	assert_int_equal(x_sa_count(&p.a), 2);
	x_free(&p);
}

static void test_clear(void **state)
{
	struct xpair p;

	(void)state;
	x_init(&p, cfg_a, cfg_b, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	assert_int_equal(ikev1_clear(p.a.e1, NULL), 1);
	x_run(&p, 0);
	assert_int_equal(x_sa_count(&p.b), 0); /* our Deletes removed the peer's SAs */
	x_run(&p, 10);
	up_or_dump(&p); /* and the tunnel came back */
	x_free(&p);
}

/* A behind a NAT that rewrites its address and port: NAT-D finds it, both float to 4500, the
 * IPsec SAs are UDP-encapsulated and A sends NAT-T keepalives. */
static void test_nat(void **state)
{
	static const char a[] = CFG_V1("10.1.0.1", "192.0.2.2", "1", "s3cret", "always", "", "", "");
	char *b = strdup(CFG_V1("192.0.2.2", "192.0.2.254", "2", "s3cret", "never", "", "", ""));
	const struct xk_sa *sa;
	struct xpair p;
	char *at;

	(void)state;
	/* B knows A by its ID (10.1.0.1) for the profile, by the NAT address for key and tunnel */
	at = strstr(b, "match identity address 192.0.2.254");
	assert_non_null(at);
	memcpy(at + strlen("match identity address "), "10.1.0.1   ", 11);
	x_init(&p, a, b, "10.1.0.1", "192.0.2.2");
	free(b);
	x_set_nat(&p, "192.0.2.254");
	x_run(&p, 5);
	up_or_dump(&p);
	assert_true(x_log_has(&p.a, "we are behind a NAT"));
	assert_true(x_log_has(&p.b, "the peer is behind a NAT"));
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

static int gone_seen;

static void gone_cb(void *userdata, const struct ike_sa_info *info)
{
	(void)userdata;
	if (info->ike_sa_gone && info->n_children == 1 && info->children[0].tunnel_id == 1)
		gone_seen++;
}

/* The ISAKMP SA ends (lifetime 60 s) before the IPsec SA (120 s): the pair stays, and its
 * rekey first runs a new phase 1. */
static void test_rekey_after_isakmp_expiry(void **state)
{
	static const char a_s[] =
		CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always", "",
		       " set security-association lifetime seconds 120\n",
		       "crypto isakmp policy 5\n encr aes 256\n hash sha256\n"
		       " authentication pre-share\n group 14\n lifetime 60\n");
	static const char b_s[] =
		CFG_V1("192.0.2.2", "192.0.2.1", "2", "s3cret", "never", "",
		       " set security-association lifetime seconds 120\n",
		       "crypto isakmp policy 5\n encr aes 256\n hash sha256\n"
		       " authentication pre-share\n group 14\n lifetime 60\n");
	struct xpair p;
	uint32_t first;

	(void)state;
	x_init(&p, a_s, b_s, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	first = x_sa_sending(&p.a)->sa.spi;
	x_run(&p, 70);
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 0); /* phase 1 expired ... */
	assert_int_equal(x_sa_sending(&p.a)->sa.spi, first); /* ... the IPsec SA did not */
	/* and the show commands still see the pair, under no ISAKMP SA */
	gone_seen = 0;
	ikev1_foreach_sa(p.a.e1, gone_cb, NULL);
	assert_int_equal(gone_seen, 1);
	p.step_check = make_before_break;
	x_run(&p, 50);
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 1);
	assert_int_not_equal(x_sa_sending(&p.a)->sa.spi, first);
	x_assert_child_pair(&p);
	x_free(&p);
}

/* Both sides exported the same ISAKMP SA: its cookies, the phase-1 AES-256 key equal. */
static void assert_isakmp_exported(const struct xpair *p, size_t idx)
{
	const struct xk_export *xa = x_export_find(&p->a, IKE_KEYX_IKEV1, idx);
	const struct xk_export *xb = x_export_find(&p->b, IKE_KEYX_IKEV1, idx);
	uint8_t icky[8], rcky[8];

	assert_non_null(xa);
	assert_non_null(xb);
	assert_true(x_ike_spis(&p->a, "QM_IDLE", icky, rcky));
	assert_memory_equal(xa->k.ispi, icky, 8);
	assert_memory_equal(xa->k.rspi, rcky, 8);
	assert_memory_equal(xb->k.ispi, icky, 8);
	assert_int_equal(xa->k.enc_len, 32);
	assert_int_equal(xb->k.enc_len, 32);
	assert_null(xa->k.sk_er);
	assert_null(xa->k.sk_ai);
	/* derived on each side from its own DH half: equal only if it is the real key */
	assert_memory_equal(xa->k.sk_ei, xb->k.sk_ei, 32);
}

/*
 * The key export hook: one ISAKMP SA export a side per phase 1 (again after the ISAKMP SA
 * expired and a new phase 1 ran), one ESP export per SA the kernel got, equal to it, through
 * Quick Mode rekeys too.
 */
static void test_key_export(void **state)
{
	static const char a_s[] =
		CFG_V1("192.0.2.1", "192.0.2.2", "1", "s3cret", "always", "",
		       " set security-association lifetime seconds 120\n",
		       "crypto isakmp policy 5\n encr aes 256\n hash sha256\n"
		       " authentication pre-share\n group 14\n lifetime 60\n");
	static const char b_s[] =
		CFG_V1("192.0.2.2", "192.0.2.1", "2", "s3cret", "never", "",
		       " set security-association lifetime seconds 120\n",
		       "crypto isakmp policy 5\n encr aes 256\n hash sha256\n"
		       " authentication pre-share\n group 14\n lifetime 60\n");
	uint8_t first[8];
	struct xpair p;

	(void)state;
	x_export_keys = true;
	x_init(&p, a_s, b_s, "192.0.2.1", "192.0.2.2");
	x_run(&p, 5);
	up_or_dump(&p);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV1), 1);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_IKEV1), 1);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV2), 0);
	assert_isakmp_exported(&p, 0);
	memcpy(first, x_export_find(&p.a, IKE_KEYX_IKEV1, 0)->k.ispi, 8);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_ESP), 2);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_ESP), 2);
	x_assert_esp_exported(&p.a);
	x_assert_esp_exported(&p.b);
	/* phase 1 expires at 60 s, the pair is rekeyed at about 102 s under a new phase 1 */
	x_run(&p, 120);
	assert_int_equal(x_ike_count(&p.a, "QM_IDLE"), 1);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_IKEV1), 2);
	assert_int_equal(x_export_count(&p.b, IKE_KEYX_IKEV1), 2);
	assert_isakmp_exported(&p, 1);
	assert_memory_not_equal(x_export_find(&p.a, IKE_KEYX_IKEV1, 1)->k.ispi, first, 8);
	assert_int_equal(x_export_count(&p.a, IKE_KEYX_ESP), 4);
	x_assert_esp_exported(&p.a);
	x_assert_esp_exported(&p.b);
	x_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_main_mode_psk),  cmocka_unit_test(test_psk_mismatch),
		cmocka_unit_test(test_aggressive_psk), cmocka_unit_test(test_pfs),
		cmocka_unit_test(test_pfs_mismatch),   cmocka_unit_test(test_quick_mode_rekey),
		cmocka_unit_test(test_dead_peer),      cmocka_unit_test(test_clear),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_rekey_after_isakmp_expiry),
		cmocka_unit_test(test_key_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
