/*
 * Unit tests of the xfrm request builders: every request type is decoded with plain libmnl and
 * checked byte by byte (header, fixed body against a hand-built kernel struct, then attribute
 * by attribute: key bits, ICV/truncation, marks, ESN, lifetimes, encapsulation, templates).
 */
#include "xfrm_test_util.h"

#include <errno.h>
#include <linux/udp.h>

static uint8_t buf[XFRM_MSG_SIZE_MAX] __attribute__((aligned(8)));

#define REQ NLM_F_REQUEST | NLM_F_ACK

static uint8_t enc_key[XFRM_KEY_MAX], integ_key[XFRM_KEY_MAX];

/* A minimal IPv4 tunnel SA with the given algorithms; keys are fixed byte patterns. */
static struct xfrm_sa sa4(const char *enc, const char *integ)
{
	struct xfrm_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = AF_INET;
	sa.src = ip4("192.0.2.1");
	sa.dst = ip4("192.0.2.2");
	sa.spi = 0xc0ffee01;
	sa.reqid = 0x10001;
	sa.mode = XFRM_MODE_TUNNEL;
	sa.enc = xfrm_alg_lookup(enc);
	assert_non_null(sa.enc);
	fill_key(enc_key, sizeof(enc_key), 0x10);
	sa.enc_key = enc_key;
	sa.enc_key_len = sa.enc->key_len;
	if (integ) {
		sa.integ = xfrm_alg_lookup(integ);
		assert_non_null(sa.integ);
		fill_key(integ_key, sizeof(integ_key), 0x80);
		sa.integ_key = integ_key;
		sa.integ_key_len = sa.integ->key_len;
	}
	return sa;
}

/* The fixed body the kernel must receive for sa4() with the given replay window. */
static struct xfrm_usersa_info expected_sa4_body(uint8_t replay_window)
{
	struct xfrm_usersa_info p;

	memset(&p, 0, sizeof(p));
	p.id.daddr = kaddr(AF_INET, "192.0.2.2");
	p.id.spi = htonl(0xc0ffee01);
	p.id.proto = IPPROTO_ESP;
	p.saddr = kaddr(AF_INET, "192.0.2.1");
	p.lft.soft_byte_limit = XFRM_INF;
	p.lft.hard_byte_limit = XFRM_INF;
	p.lft.soft_packet_limit = XFRM_INF;
	p.lft.hard_packet_limit = XFRM_INF;
	p.reqid = 0x10001;
	p.family = AF_INET;
	p.mode = XFRM_MODE_TUNNEL;
	p.replay_window = replay_window;
	return p;
}

static void test_alg_table(void **state)
{
	static const struct {
		const char *name, *kname;
		enum xfrm_alg_kind kind;
		unsigned int key_len, icv;
	} want[] = {
		{ "aes-gcm-128", "rfc4106(gcm(aes))", XFRM_ALG_AEAD, 20, 128 },
		{ "aes-gcm-256", "rfc4106(gcm(aes))", XFRM_ALG_AEAD, 36, 128 },
		{ "chacha20-poly1305", "rfc7539esp(chacha20,poly1305)", XFRM_ALG_AEAD, 36, 128 },
		{ "aes-cbc-128", "cbc(aes)", XFRM_ALG_CRYPT, 16, 0 },
		{ "aes-cbc-192", "cbc(aes)", XFRM_ALG_CRYPT, 24, 0 },
		{ "aes-cbc-256", "cbc(aes)", XFRM_ALG_CRYPT, 32, 0 },
		{ "3des", "cbc(des3_ede)", XFRM_ALG_CRYPT, 24, 0 },
		{ "hmac-md5", "hmac(md5)", XFRM_ALG_AUTH, 16, 96 },
		{ "hmac-sha1", "hmac(sha1)", XFRM_ALG_AUTH, 20, 96 },
		{ "hmac-sha256", "hmac(sha256)", XFRM_ALG_AUTH, 32, 128 },
		{ "hmac-sha384", "hmac(sha384)", XFRM_ALG_AUTH, 48, 192 },
		{ "hmac-sha512", "hmac(sha512)", XFRM_ALG_AUTH, 64, 256 },
	};
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct xfrm_alg_desc *d = xfrm_alg_lookup(want[i].name);

		assert_non_null(d);
		assert_string_equal(d->kernel_name, want[i].kname);
		assert_int_equal(d->kind, want[i].kind);
		assert_int_equal(d->key_len, want[i].key_len);
		assert_int_equal(d->icv_bits, want[i].icv);
		assert_true(d->key_len <= XFRM_KEY_MAX);
		assert_ptr_equal(
			xfrm_alg_lookup_kernel(want[i].kname, want[i].key_len * 8, want[i].icv), d);
	}
	while (xfrm_alg_at(n))
		n++;
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_null(xfrm_alg_lookup("aes-gcm-64"));
	assert_null(xfrm_alg_lookup(NULL));
	assert_null(xfrm_alg_lookup_kernel("cbc(aes)", 64, 0));
	assert_null(xfrm_alg_lookup_kernel("hmac(sha256)", 256, 96));
}

static void check_aead_attr(const struct nlattr *a, const char *kname, unsigned int key_bits)
{
	struct xfrm_algo_aead hdr;

	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), sizeof(hdr) + key_bits / 8);
	memcpy(&hdr, mnl_attr_get_payload(a), sizeof(hdr));
	assert_string_equal(hdr.alg_name, kname);
	assert_int_equal(hdr.alg_key_len, key_bits);
	assert_int_equal(hdr.alg_icv_len, 128);
	assert_memory_equal((const char *)mnl_attr_get_payload(a) + sizeof(hdr), enc_key,
			    key_bits / 8);
}

static void test_sa_add_aead(void **state)
{
	static const struct {
		const char *name, *kname;
		unsigned int key_bits;
	} aeads[] = {
		{ "aes-gcm-128", "rfc4106(gcm(aes))", 160 },
		{ "aes-gcm-256", "rfc4106(gcm(aes))", 288 },
		{ "chacha20-poly1305", "rfc7539esp(chacha20,poly1305)", 288 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(aeads) / sizeof(aeads[0]); i++) {
		struct xfrm_sa sa = sa4(aeads[i].name, NULL);
		struct xfrm_usersa_info want = expected_sa4_body(0);
		const struct nlmsghdr *nlh = (const void *)buf;
		struct tattrs t;

		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), 0);
		assert_int_equal(nlh->nlmsg_len,
				 16 + sizeof(want) + 4 + 72 + aeads[i].key_bits / 8);
		assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWSA);
		assert_int_equal(nlh->nlmsg_flags, REQ | NLM_F_CREATE | NLM_F_EXCL);
		assert_int_equal(nlh->nlmsg_seq, 0);
		assert_int_equal(nlh->nlmsg_pid, 0);
		assert_memory_equal(mnl_nlmsg_get_payload(nlh), &want, sizeof(want));
		tattrs_decode(nlh, sizeof(want), &t);
		assert_int_equal(t.total, 1);
		check_aead_attr(t.tb[XFRMA_ALG_AEAD], aeads[i].kname, aeads[i].key_bits);
	}
}

static void test_sa_add_cipher_integ(void **state)
{
	static const struct {
		const char *enc, *integ, *kenc, *kinteg;
		unsigned int enc_bits, integ_bits, trunc;
	} combos[] = {
		{ "aes-cbc-128", "hmac-sha1", "cbc(aes)", "hmac(sha1)", 128, 160, 96 },
		{ "aes-cbc-192", "hmac-md5", "cbc(aes)", "hmac(md5)", 192, 128, 96 },
		{ "aes-cbc-256", "hmac-sha256", "cbc(aes)", "hmac(sha256)", 256, 256, 128 },
		{ "3des", "hmac-sha384", "cbc(des3_ede)", "hmac(sha384)", 192, 384, 192 },
		{ "aes-cbc-256", "hmac-sha512", "cbc(aes)", "hmac(sha512)", 256, 512, 256 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		struct xfrm_sa sa = sa4(combos[i].enc, combos[i].integ);
		struct xfrm_usersa_info want = expected_sa4_body(0);
		const struct nlmsghdr *nlh = (const void *)buf;
		struct xfrm_algo_auth auth;
		struct xfrm_algo crypt;
		const struct nlattr *a;
		struct tattrs t;

		assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), 0);
		assert_memory_equal(mnl_nlmsg_get_payload(nlh), &want, sizeof(want));
		tattrs_decode(nlh, sizeof(want), &t);
		assert_int_equal(t.total, 2);

		a = t.tb[XFRMA_ALG_CRYPT];
		assert_non_null(a);
		assert_int_equal(mnl_attr_get_payload_len(a), 68 + combos[i].enc_bits / 8);
		memcpy(&crypt, mnl_attr_get_payload(a), sizeof(crypt));
		assert_string_equal(crypt.alg_name, combos[i].kenc);
		assert_int_equal(crypt.alg_key_len, combos[i].enc_bits);
		assert_memory_equal((const char *)mnl_attr_get_payload(a) + 68, enc_key,
				    combos[i].enc_bits / 8);

		a = t.tb[XFRMA_ALG_AUTH_TRUNC];
		assert_non_null(a);
		assert_int_equal(mnl_attr_get_payload_len(a), 72 + combos[i].integ_bits / 8);
		memcpy(&auth, mnl_attr_get_payload(a), sizeof(auth));
		assert_string_equal(auth.alg_name, combos[i].kinteg);
		assert_int_equal(auth.alg_key_len, combos[i].integ_bits);
		assert_int_equal(auth.alg_trunc_len, combos[i].trunc);
		assert_memory_equal((const char *)mnl_attr_get_payload(a) + 72, integ_key,
				    combos[i].integ_bits / 8);
		assert_null(t.tb[XFRMA_ALG_AUTH]);
	}
}

/* IPv6 transport SA with every option: selector, marks, ESN, lifetimes, NAT-T. */
static void test_sa_add_all_options(void **state)
{
	struct xfrm_sa sa = sa4("aes-gcm-256", NULL);
	const struct nlmsghdr *nlh = (const void *)buf;
	struct xfrm_replay_state_esn esn;
	struct xfrm_encap_tmpl encap, want_encap;
	struct xfrm_usersa_info p, want;
	struct xfrm_mark mark;
	struct tattrs t;

	(void)state;
	sa.family = AF_INET6;
	sa.src = ip6("2001:db8::1");
	sa.dst = ip6("2001:db8::2");
	sa.mode = XFRM_MODE_TRANSPORT;
	sa.sel.family = AF_INET6;
	sa.sel.src = ip6("2001:db8:1::");
	sa.sel.dst = ip6("2001:db8:2::");
	sa.sel.src_plen = 48;
	sa.sel.dst_plen = 64;
	sa.sel.proto = IPPROTO_UDP;
	sa.sel.sport = 500;
	sa.sel.dport = 4500;
	sa.mark.v = 0x2a;
	sa.mark.m = 0xffffffff;
	sa.output_mark = 0x100;
	sa.output_mark_mask = 0xff00;
	sa.esn = true;
	sa.replay_window = 128;
	sa.lft = (struct xfrm_lifetimes){ .soft_seconds = 3000,
					  .hard_seconds = 3600,
					  .soft_bytes = 900000,
					  .hard_bytes = 1000000,
					  .soft_packets = 9000,
					  .hard_packets = 10000 };
	sa.udp_encap = true;
	sa.encap_sport = 4500;
	sa.encap_dport = 4501;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), 0);

	memset(&want, 0, sizeof(want));
	want.sel.daddr = kaddr(AF_INET6, "2001:db8:2::");
	want.sel.saddr = kaddr(AF_INET6, "2001:db8:1::");
	want.sel.dport = htons(4500);
	want.sel.dport_mask = 0xffff;
	want.sel.sport = htons(500);
	want.sel.sport_mask = 0xffff;
	want.sel.family = AF_INET6;
	want.sel.prefixlen_d = 64;
	want.sel.prefixlen_s = 48;
	want.sel.proto = IPPROTO_UDP;
	want.id.daddr = kaddr(AF_INET6, "2001:db8::2");
	want.id.spi = htonl(0xc0ffee01);
	want.id.proto = IPPROTO_ESP;
	want.saddr = kaddr(AF_INET6, "2001:db8::1");
	want.lft.soft_byte_limit = 900000;
	want.lft.hard_byte_limit = 1000000;
	want.lft.soft_packet_limit = 9000;
	want.lft.hard_packet_limit = 10000;
	want.lft.soft_add_expires_seconds = 3000;
	want.lft.hard_add_expires_seconds = 3600;
	want.reqid = 0x10001;
	want.family = AF_INET6;
	want.mode = XFRM_MODE_TRANSPORT;
	want.replay_window = 0; /* the window travels in XFRMA_REPLAY_ESN_VAL */
	want.flags = XFRM_STATE_ESN;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_memory_equal(&p, &want, sizeof(want));

	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 6);
	check_aead_attr(t.tb[XFRMA_ALG_AEAD], "rfc4106(gcm(aes))", 288);

	assert_int_equal(mnl_attr_get_payload_len(t.tb[XFRMA_ENCAP]), sizeof(encap));
	memcpy(&encap, mnl_attr_get_payload(t.tb[XFRMA_ENCAP]), sizeof(encap));
	memset(&want_encap, 0, sizeof(want_encap));
	want_encap.encap_type = UDP_ENCAP_ESPINUDP;
	want_encap.encap_sport = htons(4500);
	want_encap.encap_dport = htons(4501);
	assert_memory_equal(&encap, &want_encap, sizeof(encap));

	assert_int_equal(mnl_attr_get_payload_len(t.tb[XFRMA_MARK]), 8);
	memcpy(&mark, mnl_attr_get_payload(t.tb[XFRMA_MARK]), sizeof(mark));
	assert_int_equal(mark.v, 0x2a);
	assert_int_equal(mark.m, 0xffffffff);

	assert_int_equal(mnl_attr_get_payload_len(t.tb[XFRMA_SET_MARK]), 4);
	assert_int_equal(mnl_attr_get_u32(t.tb[XFRMA_SET_MARK]), 0x100);
	assert_int_equal(mnl_attr_get_u32(t.tb[XFRMA_SET_MARK_MASK]), 0xff00);

	assert_int_equal(mnl_attr_get_payload_len(t.tb[XFRMA_REPLAY_ESN_VAL]), 24);
	memcpy(&esn, mnl_attr_get_payload(t.tb[XFRMA_REPLAY_ESN_VAL]), sizeof(esn));
	assert_int_equal(esn.bmp_len, 4);
	assert_int_equal(esn.replay_window, 128);
	assert_int_equal(esn.oseq, 0);
	assert_int_equal(esn.seq, 0);
	assert_int_equal(esn.oseq_hi, 0);
	assert_int_equal(esn.seq_hi, 0);
}

/* Windows up to 32 ride in the legacy u8; larger ones (or ESN) need XFRMA_REPLAY_ESN_VAL. */
static void test_sa_replay_window(void **state)
{
	static const struct {
		bool esn;
		uint32_t window;
		int ret;
		uint8_t legacy;
		bool attr;
		uint32_t bmp_len;
	} cases[] = {
		{ false, 0, 0, 0, false, 0 },	   { false, 32, 0, 32, false, 0 },
		{ false, 33, 0, 0, true, 2 },	   { false, 4096, 0, 0, true, 128 },
		{ true, 1, 0, 0, true, 1 },	   { true, 64, 0, 0, true, 2 },
		{ false, 4097, -EINVAL, 0, 0, 0 }, { true, 0, -EINVAL, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xfrm_sa sa = sa4("aes-gcm-128", NULL);
		const struct nlmsghdr *nlh = (const void *)buf;
		struct xfrm_usersa_info p;
		struct xfrm_replay_state_esn esn;
		struct tattrs t;

		sa.esn = cases[i].esn;
		sa.replay_window = cases[i].window;
		assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), cases[i].ret);
		if (cases[i].ret)
			continue;
		memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
		assert_int_equal(p.replay_window, cases[i].legacy);
		assert_int_equal(p.flags, cases[i].esn ? XFRM_STATE_ESN : 0);
		tattrs_decode(nlh, sizeof(p), &t);
		if (!cases[i].attr) {
			assert_null(t.tb[XFRMA_REPLAY_ESN_VAL]);
			continue;
		}
		memcpy(&esn, mnl_attr_get_payload(t.tb[XFRMA_REPLAY_ESN_VAL]), sizeof(esn));
		assert_int_equal(esn.replay_window, cases[i].window);
		assert_int_equal(esn.bmp_len, cases[i].bmp_len);
	}
}

static void test_sa_update(void **state)
{
	struct xfrm_sa sa = sa4("aes-cbc-128", "hmac-sha256");
	struct xfrm_usersa_info want = expected_sa4_body(32);
	const struct nlmsghdr *nlh = (const void *)buf;
	uint8_t add[XFRM_MSG_SIZE_MAX];
	struct tattrs t;

	(void)state;
	sa.replay_window = 32;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), 0);
	memcpy(add, buf, nlh->nlmsg_len);
	assert_int_equal(xfrm_build_sa_update(buf, sizeof(buf), &sa), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_UPDSA);
	assert_int_equal(nlh->nlmsg_flags, REQ | NLM_F_REPLACE);
	assert_memory_equal(mnl_nlmsg_get_payload(nlh), &want, sizeof(want));
	/* Apart from type and flags the update is the add, byte for byte. */
	assert_memory_equal(buf + 8, add + 8, nlh->nlmsg_len - 8);
	assert_memory_equal(buf, add, 4);
	tattrs_decode(nlh, sizeof(want), &t);
	assert_int_equal(t.total, 2);
}

static void test_sa_invalid(void **state)
{
	struct xfrm_sa sa;

	(void)state;
	sa = sa4("aes-gcm-128", NULL);
	sa.enc_key_len = 16; /* the salt is missing */
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", "hmac-sha1"); /* AEAD plus integrity */
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-cbc-128", NULL); /* cipher without integrity */
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-cbc-128", "hmac-sha1");
	sa.integ = xfrm_alg_lookup("3des"); /* integrity slot holding a cipher */
	sa.integ_key_len = 24;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-cbc-128", "hmac-sha1");
	sa.integ_key_len = 19;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("hmac-sha1", NULL); /* integrity as the cipher */
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", NULL);
	sa.enc_key = NULL;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", NULL);
	sa.family = AF_UNIX;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", NULL);
	sa.mode = XFRM_MODE_BEET;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", NULL);
	sa.spi = 0;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", NULL);
	sa.sel.dst_plen = 8; /* a selector without a family */
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), -EINVAL);
	sa = sa4("aes-gcm-128", NULL);
	sa.sel.family = AF_INET;
	sa.sel.src_plen = 33;
	assert_int_equal(xfrm_build_sa_update(buf, sizeof(buf), &sa), -EINVAL);
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), NULL), -EINVAL);
}

/* Every buffer one byte too small is refused; the exact size works. */
static void test_sa_buffer_too_small(void **state)
{
	struct xfrm_sa sa = sa4("aes-cbc-256", "hmac-sha512");
	const struct nlmsghdr *nlh = (const void *)buf;
	uint32_t need;

	(void)state;
	sa.mark.m = 1;
	sa.udp_encap = true;
	sa.replay_window = 1024;
	assert_int_equal(xfrm_build_sa_add(buf, sizeof(buf), &sa), 0);
	need = nlh->nlmsg_len;
	for (size_t size = 0; size < need; size++)
		assert_int_equal(xfrm_build_sa_add(buf, size, &sa), -ENOBUFS);
	assert_int_equal(xfrm_build_sa_add(buf, need, &sa), 0);
	assert_int_equal(nlh->nlmsg_len, need);
}

static void test_spi_alloc(void **state)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	struct xfrm_userspi_info p, want;
	struct xfrm_spi_req req;
	struct xfrm_mark mark;
	struct tattrs t;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.family = AF_INET;
	req.src = ip4("198.51.100.1");
	req.dst = ip4("198.51.100.2");
	req.mode = XFRM_MODE_TUNNEL;
	req.reqid = 77;
	req.min = 0x100;
	req.max = 0xffffffff;
	req.acq_seq = 0x1234;
	assert_int_equal(xfrm_build_spi_alloc(buf, sizeof(buf), &req), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_ALLOCSPI);
	assert_int_equal(nlh->nlmsg_flags, REQ);
	assert_int_equal(nlh->nlmsg_len, 16 + sizeof(p));
	memset(&want, 0, sizeof(want));
	want.info.id.daddr = kaddr(AF_INET, "198.51.100.2");
	want.info.id.proto = IPPROTO_ESP;
	want.info.saddr = kaddr(AF_INET, "198.51.100.1");
	want.info.family = AF_INET;
	want.info.mode = XFRM_MODE_TUNNEL;
	want.info.reqid = 77;
	want.info.seq = 0x1234;
	want.min = 0x100;
	want.max = 0xffffffff;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_memory_equal(&p, &want, sizeof(p));

	req.mark.v = 5;
	req.mark.m = 0xff;
	assert_int_equal(xfrm_build_spi_alloc(buf, sizeof(buf), &req), 0);
	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 1);
	memcpy(&mark, mnl_attr_get_payload(t.tb[XFRMA_MARK]), sizeof(mark));
	assert_int_equal(mark.v, 5);
	assert_int_equal(mark.m, 0xff);

	req.min = 0;
	assert_int_equal(xfrm_build_spi_alloc(buf, sizeof(buf), &req), -EINVAL);
	req.min = 0x2000;
	req.max = 0x1000;
	assert_int_equal(xfrm_build_spi_alloc(buf, sizeof(buf), &req), -EINVAL);
	req.max = 0x2000;
	req.mode = 7;
	assert_int_equal(xfrm_build_spi_alloc(buf, sizeof(buf), &req), -EINVAL);
	req.mode = XFRM_MODE_TUNNEL;
	assert_int_equal(xfrm_build_spi_alloc(buf, 16 + sizeof(p), &req), -ENOBUFS);
}

static void test_sa_del_get(void **state)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	struct xfrm_usersa_id p, want;
	struct xfrm_sa_id id;
	struct xfrm_mark mark;
	struct tattrs t;

	(void)state;
	memset(&id, 0, sizeof(id));
	id.family = AF_INET6;
	id.dst = ip6("2001:db8::2");
	id.spi = 0x01020304;
	assert_int_equal(xfrm_build_sa_del(buf, sizeof(buf), &id), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_DELSA);
	assert_int_equal(nlh->nlmsg_flags, REQ);
	assert_int_equal(nlh->nlmsg_len, 16 + 24);
	memset(&want, 0, sizeof(want));
	want.daddr = kaddr(AF_INET6, "2001:db8::2");
	want.spi = htonl(0x01020304);
	want.family = AF_INET6;
	want.proto = IPPROTO_ESP;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_memory_equal(&p, &want, sizeof(p));

	id.mark.v = 0x10;
	id.mark.m = 0xffffffff;
	id.proto = IPPROTO_AH;
	assert_int_equal(xfrm_build_sa_get(buf, sizeof(buf), &id), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_GETSA);
	assert_int_equal(nlh->nlmsg_flags, REQ);
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_int_equal(p.proto, IPPROTO_AH);
	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 1);
	memcpy(&mark, mnl_attr_get_payload(t.tb[XFRMA_MARK]), sizeof(mark));
	assert_int_equal(mark.v, 0x10);
	assert_int_equal(mark.m, 0xffffffff);

	id.family = 0;
	assert_int_equal(xfrm_build_sa_del(buf, sizeof(buf), &id), -EINVAL);
}

static struct xfrm_policy policy4(void)
{
	struct xfrm_policy pol;

	memset(&pol, 0, sizeof(pol));
	pol.sel.family = AF_INET;
	pol.sel.src = ip4("10.1.0.0");
	pol.sel.src_plen = 16;
	pol.sel.dst = ip4("10.2.0.0");
	pol.sel.dst_plen = 24;
	pol.dir = XFRM_POLICY_OUT;
	pol.priority = 1000;
	pol.mark.v = 7;
	pol.mark.m = 0xffffffff;
	pol.n_tmpls = 1;
	pol.tmpls[0].family = AF_INET;
	pol.tmpls[0].src = ip4("192.0.2.1");
	pol.tmpls[0].dst = ip4("192.0.2.2");
	pol.tmpls[0].reqid = 0x10001;
	pol.tmpls[0].mode = XFRM_MODE_TUNNEL;
	return pol;
}

static void test_policy_add(void **state)
{
	struct xfrm_policy pol = policy4();
	const struct nlmsghdr *nlh = (const void *)buf;
	struct xfrm_userpolicy_info p, want;
	struct xfrm_user_tmpl tmpl, want_tmpl;
	struct xfrm_mark mark;
	struct tattrs t;

	(void)state;
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWPOLICY);
	assert_int_equal(nlh->nlmsg_flags, REQ | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(nlh->nlmsg_len, 16 + sizeof(p) + 4 + 64 + 4 + 8);
	memset(&want, 0, sizeof(want));
	want.sel.daddr = kaddr(AF_INET, "10.2.0.0");
	want.sel.saddr = kaddr(AF_INET, "10.1.0.0");
	want.sel.family = AF_INET;
	want.sel.prefixlen_d = 24;
	want.sel.prefixlen_s = 16;
	want.lft.soft_byte_limit = XFRM_INF;
	want.lft.hard_byte_limit = XFRM_INF;
	want.lft.soft_packet_limit = XFRM_INF;
	want.lft.hard_packet_limit = XFRM_INF;
	want.priority = 1000;
	want.dir = XFRM_POLICY_OUT;
	want.action = XFRM_POLICY_ALLOW;
	want.share = XFRM_SHARE_ANY;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_memory_equal(&p, &want, sizeof(p));

	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 2);
	assert_int_equal(mnl_attr_get_payload_len(t.tb[XFRMA_TMPL]), sizeof(tmpl));
	memcpy(&tmpl, mnl_attr_get_payload(t.tb[XFRMA_TMPL]), sizeof(tmpl));
	memset(&want_tmpl, 0, sizeof(want_tmpl));
	want_tmpl.id.daddr = kaddr(AF_INET, "192.0.2.2");
	want_tmpl.id.proto = IPPROTO_ESP;
	want_tmpl.family = AF_INET;
	want_tmpl.saddr = kaddr(AF_INET, "192.0.2.1");
	want_tmpl.reqid = 0x10001;
	want_tmpl.mode = XFRM_MODE_TUNNEL;
	want_tmpl.aalgos = ~0u;
	want_tmpl.ealgos = ~0u;
	want_tmpl.calgos = ~0u;
	assert_memory_equal(&tmpl, &want_tmpl, sizeof(tmpl));
	memcpy(&mark, mnl_attr_get_payload(t.tb[XFRMA_MARK]), sizeof(mark));
	assert_int_equal(mark.v, 7);
	assert_int_equal(mark.m, 0xffffffff);
	assert_null(t.tb[XFRMA_IF_ID]);
}

/* Update, IPv6, two templates (tunnel + transport), if_id, block action, no mark. */
static void test_policy_update_two_tmpls(void **state)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	struct xfrm_user_tmpl tmpl[2];
	struct xfrm_userpolicy_info p;
	struct xfrm_policy pol;
	struct tattrs t;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.sel.family = AF_INET6;
	pol.sel.src = ip6("2001:db8:a::");
	pol.sel.src_plen = 64;
	pol.sel.dst = ip6("2001:db8:b::");
	pol.sel.dst_plen = 64;
	pol.sel.proto = IPPROTO_TCP;
	pol.sel.dport = 443;
	pol.dir = XFRM_POLICY_FWD;
	pol.action = XFRM_POLICY_BLOCK;
	pol.priority = 5;
	pol.index = 0x1a; /* 0x1a & 7 == 2 == FWD */
	pol.if_id = 42;
	pol.n_tmpls = 2;
	pol.tmpls[0].family = AF_INET;
	pol.tmpls[0].src = ip4("192.0.2.1");
	pol.tmpls[0].dst = ip4("192.0.2.2");
	pol.tmpls[0].reqid = 9;
	pol.tmpls[0].mode = XFRM_MODE_TUNNEL;
	pol.tmpls[1].family = AF_INET; /* ignored: transport uses the selector's family */
	pol.tmpls[1].src = ip4("192.0.2.9");
	pol.tmpls[1].reqid = 10;
	pol.tmpls[1].proto = IPPROTO_COMP;
	pol.tmpls[1].mode = XFRM_MODE_TRANSPORT;
	assert_int_equal(xfrm_build_policy_update(buf, sizeof(buf), &pol), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_UPDPOLICY);
	assert_int_equal(nlh->nlmsg_flags, REQ | NLM_F_REPLACE);
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_int_equal(p.sel.family, AF_INET6);
	assert_int_equal(p.sel.proto, IPPROTO_TCP);
	assert_int_equal(p.sel.dport, htons(443));
	assert_int_equal(p.sel.dport_mask, 0xffff);
	assert_int_equal(p.sel.sport, 0);
	assert_int_equal(p.sel.sport_mask, 0);
	assert_int_equal(p.dir, XFRM_POLICY_FWD);
	assert_int_equal(p.action, XFRM_POLICY_BLOCK);
	assert_int_equal(p.index, 0x1a);
	assert_int_equal(p.priority, 5);
	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 2);
	assert_null(t.tb[XFRMA_MARK]);
	assert_int_equal(mnl_attr_get_u32(t.tb[XFRMA_IF_ID]), 42);
	assert_int_equal(mnl_attr_get_payload_len(t.tb[XFRMA_TMPL]), sizeof(tmpl));
	memcpy(tmpl, mnl_attr_get_payload(t.tb[XFRMA_TMPL]), sizeof(tmpl));
	assert_int_equal(tmpl[0].family, AF_INET);
	assert_int_equal(tmpl[0].reqid, 9);
	assert_int_equal(tmpl[0].id.daddr.a4, inet_addr("192.0.2.2"));
	assert_int_equal(tmpl[1].family, AF_INET6);
	assert_int_equal(tmpl[1].reqid, 10);
	assert_int_equal(tmpl[1].mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(tmpl[1].id.proto, IPPROTO_COMP);
	assert_int_equal(tmpl[1].saddr.a4, 0); /* transport templates carry no addresses */
	assert_int_equal(tmpl[1].id.daddr.a4, 0);
}

static void test_policy_invalid(void **state)
{
	struct xfrm_policy pol;

	(void)state;
	pol = policy4();
	pol.sel.family = 0;
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	pol.dir = 3;
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	pol.n_tmpls = XFRM_POLICY_TMPL_MAX + 1;
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	pol.tmpls[0].family = 0; /* a tunnel needs endpoints */
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	pol.tmpls[0].mode = XFRM_MODE_BEET;
	assert_int_equal(xfrm_build_policy_update(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	pol.sel.dst_plen = 33;
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	pol.action = 2;
	assert_int_equal(xfrm_build_policy_add(buf, sizeof(buf), &pol), -EINVAL);
	pol = policy4();
	assert_int_equal(xfrm_build_policy_add(buf, 16 + 168 + 4 + 64, &pol), -ENOBUFS);
}

static void test_policy_del(void **state)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	struct xfrm_policy pol = policy4();
	struct xfrm_userpolicy_id p, want;
	struct xfrm_policy_id id;
	struct xfrm_mark mark;
	struct tattrs t;

	(void)state;
	xfrm_policy_to_id(&pol, &id);
	assert_int_equal(xfrm_build_policy_del(buf, sizeof(buf), &id), 0);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_DELPOLICY);
	assert_int_equal(nlh->nlmsg_flags, REQ);
	assert_int_equal(nlh->nlmsg_len, 16 + sizeof(p) + 12);
	memset(&want, 0, sizeof(want));
	want.sel.daddr = kaddr(AF_INET, "10.2.0.0");
	want.sel.saddr = kaddr(AF_INET, "10.1.0.0");
	want.sel.family = AF_INET;
	want.sel.prefixlen_d = 24;
	want.sel.prefixlen_s = 16;
	want.dir = XFRM_POLICY_OUT;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_memory_equal(&p, &want, sizeof(p));
	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 1);
	memcpy(&mark, mnl_attr_get_payload(t.tb[XFRMA_MARK]), sizeof(mark));
	assert_int_equal(mark.v, 7);

	/* By index: no selector needed. */
	memset(&id, 0, sizeof(id));
	id.index = 0x209;
	id.dir = XFRM_POLICY_OUT;
	id.if_id = 3;
	assert_int_equal(xfrm_build_policy_del(buf, sizeof(buf), &id), 0);
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	assert_int_equal(p.index, 0x209);
	assert_int_equal(p.sel.family, 0);
	tattrs_decode(nlh, sizeof(p), &t);
	assert_int_equal(t.total, 1);
	assert_int_equal(mnl_attr_get_u32(t.tb[XFRMA_IF_ID]), 3);

	id.index = 0; /* by selector, but there is none */
	assert_int_equal(xfrm_build_policy_del(buf, sizeof(buf), &id), -EINVAL);
	id.index = 1;
	id.dir = 4;
	assert_int_equal(xfrm_build_policy_del(buf, sizeof(buf), &id), -EINVAL);
}

static void test_dumps(void **state)
{
	const struct nlmsghdr *nlh = (const void *)buf;

	(void)state;
	assert_int_equal(xfrm_build_sa_dump(buf, sizeof(buf)), 0);
	assert_int_equal(nlh->nlmsg_len, 16);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_GETSA);
	assert_int_equal(nlh->nlmsg_flags, REQ | NLM_F_DUMP);
	assert_int_equal(xfrm_build_policy_dump(buf, sizeof(buf)), 0);
	assert_int_equal(nlh->nlmsg_len, 16);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_GETPOLICY);
	assert_int_equal(nlh->nlmsg_flags, REQ | NLM_F_DUMP);
	assert_int_equal(xfrm_build_sa_dump(buf, 15), -ENOBUFS);
}

/* A batch is the builders' messages back to back; rejected entries leave no trace. */
static void test_batch_build(void **state)
{
	struct xfrm_sa sa = sa4("aes-gcm-128", NULL);
	struct xfrm_policy pol = policy4();
	struct xfrm_policy_id pid;
	struct xfrm_sa_id sid;
	struct xfrm_batch *b;
	const uint8_t *data;
	uint8_t one[XFRM_MSG_SIZE_MAX] __attribute__((aligned(8)));
	size_t len, off = 0;
	int rem;
	unsigned int n = 0;
	const struct nlmsghdr *nlh;
	static const uint16_t types[] = { XFRM_MSG_NEWSA, XFRM_MSG_NEWPOLICY, XFRM_MSG_DELSA,
					  XFRM_MSG_DELPOLICY };

	(void)state;
	assert_int_equal(xfrm_batch_new(&b), 0);
	assert_int_equal(xfrm_batch_count(b), 0);
	assert_int_equal(xfrm_batch_sa_add(b, &sa), 0);
	assert_int_equal(xfrm_batch_policy_add(b, &pol), 0);
	sa.spi = 0;
	assert_int_equal(xfrm_batch_sa_add(b, &sa), -EINVAL);
	sa.spi = 0xc0ffee01;
	memset(&sid, 0, sizeof(sid));
	sid.family = AF_INET;
	sid.dst = ip4("192.0.2.2");
	sid.spi = 0xc0ffee01;
	assert_int_equal(xfrm_batch_sa_del(b, &sid), 0);
	xfrm_policy_to_id(&pol, &pid);
	assert_int_equal(xfrm_batch_policy_del(b, &pid), 0);
	assert_int_equal(xfrm_batch_count(b), 4);

	data = xfrm_batch_data(b, &len);
	rem = (int)len;
	for (nlh = (const void *)data; xfrm_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		assert_int_equal(nlh->nlmsg_type, types[n]);
		assert_int_equal(nlh->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK), REQ);
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(rem, 0);

	/* The first message is exactly what the single builder produces. */
	assert_int_equal(xfrm_build_sa_add(one, sizeof(one), &sa), 0);
	nlh = (const void *)one;
	assert_memory_equal(data, one, nlh->nlmsg_len);
	off = MNL_ALIGN(nlh->nlmsg_len);
	assert_int_equal(xfrm_build_policy_add(one, sizeof(one), &pol), 0);
	assert_memory_equal(data + off, one, nlh->nlmsg_len);

	/* Growing past the first allocation keeps every message intact. */
	for (unsigned int i = 0; i < 200; i++) {
		sa.spi = 0x1000 + i;
		assert_int_equal(xfrm_batch_sa_add(b, &sa), 0);
	}
	assert_int_equal(xfrm_batch_count(b), 204);
	data = xfrm_batch_data(b, &len);
	rem = (int)len;
	n = 0;
	for (nlh = (const void *)data; xfrm_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		struct xfrm_usersa_info p;

		if (n >= 4) {
			memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
			assert_int_equal(ntohl(p.id.spi), 0x1000 + n - 4);
		}
		n++;
	}
	assert_int_equal(n, 204);
	xfrm_batch_reset(b);
	assert_int_equal(xfrm_batch_count(b), 0);
	xfrm_batch_data(b, &len);
	assert_int_equal(len, 0);
	xfrm_batch_free(b);
	xfrm_batch_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_table),
		cmocka_unit_test(test_sa_add_aead),
		cmocka_unit_test(test_sa_add_cipher_integ),
		cmocka_unit_test(test_sa_add_all_options),
		cmocka_unit_test(test_sa_replay_window),
		cmocka_unit_test(test_sa_update),
		cmocka_unit_test(test_sa_invalid),
		cmocka_unit_test(test_sa_buffer_too_small),
		cmocka_unit_test(test_spi_alloc),
		cmocka_unit_test(test_sa_del_get),
		cmocka_unit_test(test_policy_add),
		cmocka_unit_test(test_policy_update_two_tmpls),
		cmocka_unit_test(test_policy_invalid),
		cmocka_unit_test(test_policy_del),
		cmocka_unit_test(test_dumps),
		cmocka_unit_test(test_batch_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
