/*
 * kplane-lab nft-setup/nft-remove (our nftables table through ikegw_nft), udp-send (IKE-like,
 * ESP-in-UDP-like or keepalive datagrams that the table must count) and bench (N ESP SAs
 * installed with one batch or one request each, verified by a dump, removed by the ownership
 * flush; timed with CLOCK_MONOTONIC).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <openssl/crypto.h>

#include "kplane.h"

int kplane_cmd_nft_setup(const struct kplane_opts *o)
{
	struct nft_error err = { 0 };
	int r;

	r = nft_table_setup(o->peers, o->n_peers, &err);
	if (r < 0)
		return kplane_fail("nft_table_setup", r, err.msg);
	printf("nft-setup: table inet %s with %zu peer(s)\n", NFT_TABLE_NAME, o->n_peers);
	return 0;
}

int kplane_cmd_nft_remove(const struct kplane_opts *o)
{
	struct nft_error err = { 0 };
	int r;

	r = nft_table_remove(&err);
	if (r < 0)
		return kplane_fail("nft_table_remove", r, err.msg);
	printf("nft-remove: table inet %s removed\n", NFT_TABLE_NAME);
	return 0;
}

/* ---- udp-send ---- */

/* A plausible IKE header (RFC 7296 section 3.1): initiator SPI, zero responder SPI, version 2.0,
 * IKE_SA_INIT, initiator flag, length 28. Only its size and first word matter to the table. */
/* clang-format off */
static const uint8_t ike_hdr[28] = {
	0x6b, 0x70, 0x6c, 0x61, 0x6e, 0x65, 0x00, 0x01, /* initiator SPI */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* responder SPI */
	0x21, 0x20, 0x22, 0x08,				/* SA, 2.0, IKE_SA_INIT, initiator */
	0x00, 0x00, 0x00, 0x00,				/* message ID */
	0x00, 0x00, 0x00, 0x1c,				/* length 28 */
};
/* ESP (RFC 4303): a non-zero SPI, sequence number 1, then bytes standing for the payload. */
static const uint8_t esp_pkt[24] = {
	0x00, 0x00, 0xab, 0xcd, 0x00, 0x00, 0x00, 0x01,
	0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
	0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
};
/* clang-format on */

int kplane_cmd_udp_send(const struct kplane_opts *o)
{
	const char *kind = o->payload ? o->payload : "ike";
	struct sockaddr_in to = { .sin_family = AF_INET }, from = { .sin_family = AF_INET };
	uint8_t buf[64];
	size_t len;
	int fd, rc = 1;

	if (!o->has_dst || !o->port) {
		fprintf(stderr, "kplane-lab: udp-send needs --dst --port\n");
		return 2;
	}
	if (strcmp(kind, "ike") == 0) {
		/* On 4500 IKE follows the four-byte non-ESP marker (RFC 3948 section 2.2). */
		size_t marker = o->port == 4500 ? 4 : 0;

		memset(buf, 0, marker);
		memcpy(buf + marker, ike_hdr, sizeof(ike_hdr));
		len = marker + sizeof(ike_hdr);
	} else if (strcmp(kind, "esp") == 0) {
		memcpy(buf, esp_pkt, sizeof(esp_pkt));
		len = sizeof(esp_pkt);
	} else if (strcmp(kind, "keepalive") == 0) {
		buf[0] = 0xff; /* NAT-keepalive (RFC 3948 section 2.3) */
		len = 1;
	} else {
		fprintf(stderr, "kplane-lab: udp-send: --payload ike|esp|keepalive\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return kplane_fail("socket", -errno, NULL);
	if (o->has_src || o->sport) {
		if (o->has_src)
			from.sin_addr = o->src;
		from.sin_port = htons(o->sport);
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0) {
			rc = kplane_fail("bind", -errno, NULL);
			goto out;
		}
	}
	to.sin_addr = o->dst;
	to.sin_port = htons(o->port);
	for (unsigned int i = 0; i < o->count; i++) {
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
			rc = kplane_fail("sendto", -errno, NULL);
			goto out;
		}
	}
	/* IP length = 20 (IPv4 header, no options) + 8 (UDP) + payload. */
	printf("udp-send: %u datagram(s), payload %zu bytes, ip length %zu\n", o->count, len,
	       len + 28);
	rc = 0;
out:
	close(fd);
	return rc;
}

/* ---- bench ---- */

#define BENCH_REQID_BASE 0x7e000000u /* a private range, far from what the lab's tunnels use */
#define BENCH_SPI_BASE 0x00100000u

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct bench_count {
	uint32_t lo, hi;
	size_t n;
};

static int count_cb(const struct xfrm_sa_info *sa, void *userdata)
{
	struct bench_count *c = userdata;

	c->n += sa->reqid >= c->lo && sa->reqid <= c->hi;
	return 0;
}

/* N SAs from 198.51.100.1 to 198.51.100.2 (documentation addresses), SPI/reqid i apart. */
static void bench_sa(struct xfrm_sa *sa, const struct xfrm_alg_desc *enc,
		     const struct xfrm_alg_desc *integ, const uint8_t *keys, uint32_t base,
		     size_t i)
{
	size_t per = enc->key_len + (integ ? integ->key_len : 0);

	memset(sa, 0, sizeof(*sa));
	sa->family = AF_INET;
	inet_pton(AF_INET, "198.51.100.1", &sa->src.v4);
	inet_pton(AF_INET, "198.51.100.2", &sa->dst.v4);
	sa->spi = BENCH_SPI_BASE + (uint32_t)i;
	sa->reqid = base + (uint32_t)i;
	sa->mode = XFRM_MODE_TUNNEL;
	sa->enc = enc;
	sa->enc_key = keys + i * per;
	sa->enc_key_len = enc->key_len;
	if (integ) {
		sa->integ = integ;
		sa->integ_key = keys + i * per + enc->key_len;
		sa->integ_key_len = integ->key_len;
	}
	sa->replay_window = KPLANE_DEFAULT_REPLAY;
}

static int bench_install(struct xfrm_handle *xh, bool batch, size_t n,
			 const struct xfrm_alg_desc *enc, const struct xfrm_alg_desc *integ,
			 const uint8_t *keys, uint32_t base)
{
	struct xfrm_error err = { 0 }, *res = NULL;
	struct xfrm_batch *b = NULL;
	struct xfrm_sa sa;
	int r = 0;

	if (!batch) {
		for (size_t i = 0; i < n && r == 0; i++) {
			bench_sa(&sa, enc, integ, keys, base, i);
			r = xfrm_sa_add(xh, &sa, &err);
		}
		return r < 0 ? kplane_fail("xfrm_sa_add", r, err.msg) : 0;
	}
	res = calloc(n, sizeof(*res));
	r = res ? xfrm_batch_new(&b) : -ENOMEM;
	for (size_t i = 0; i < n && r == 0; i++) {
		bench_sa(&sa, enc, integ, keys, base, i);
		r = xfrm_batch_sa_add(b, &sa);
	}
	if (r < 0) {
		r = kplane_fail("xfrm_batch_sa_add", r, NULL);
		goto out;
	}
	r = xfrm_batch_send(xh, b, res, n);
	if (r < 0) {
		for (size_t i = 0; i < n; i++) {
			if (res[i].err) {
				fprintf(stderr, "kplane-lab: request %zu of %zu failed\n", i, n);
				r = kplane_fail("xfrm_batch_send", res[i].err, res[i].msg);
				goto out;
			}
		}
		r = kplane_fail("xfrm_batch_send", r, NULL);
	}
out:
	xfrm_batch_free(b);
	free(res);
	return r;
}

int kplane_cmd_bench(const struct kplane_opts *o)
{
	const struct xfrm_alg_desc *enc, *integ;
	const char *alg = o->alg ? o->alg : "aes-gcm-128";
	uint32_t base = o->reqid_base ? o->reqid_base : BENCH_REQID_BASE;
	struct xfrm_handle *xh = NULL;
	struct xfrm_error err = { 0 };
	struct bench_count count;
	size_t n = o->n, per, n_pol = 0, n_sa = 0;
	uint8_t *keys = NULL;
	double t0, t1, t2, t3;
	bool batch;
	int r, rc = 1;

	if (!o->mode || (strcmp(o->mode, "batch") != 0 && strcmp(o->mode, "single") != 0) ||
	    n == 0 || n > 0x100000 || (uint64_t)base + n - 1 > UINT32_MAX) {
		fprintf(stderr, "kplane-lab: bench N --mode batch|single (N <= %u)\n", 0x100000);
		return 2;
	}
	batch = strcmp(o->mode, "batch") == 0;
	if (kplane_alg_parse(alg, &enc, &integ) < 0)
		return kplane_fail("--alg", -EINVAL, NULL);
	/* Keys are derived before the clock starts: the benchmark measures the kernel path. */
	per = enc->key_len + (integ ? integ->key_len : 0);
	keys = calloc(n, per);
	if (!keys)
		return kplane_fail("bench", -ENOMEM, NULL);
	for (size_t i = 0; i < n; i++) {
		r = kplane_derive_key("kplane-bench", BENCH_SPI_BASE + (uint32_t)i, "bench",
				      keys + i * per, per);
		if (r < 0) {
			rc = kplane_fail("key derivation", r, NULL);
			goto out;
		}
	}
	r = xfrm_open(&xh);
	if (r < 0) {
		rc = kplane_fail("xfrm_open", r, NULL);
		goto out;
	}
	t0 = now_s();
	r = bench_install(xh, batch, n, enc, integ, keys, base);
	t1 = now_s();
	if (r != 0)
		goto cleanup;
	count = (struct bench_count){ .lo = base, .hi = base + (uint32_t)(n - 1) };
	r = xfrm_sa_dump(xh, count_cb, &count, &err);
	if (r < 0 || count.n != n) {
		fprintf(stderr, "kplane-lab: bench: %zu of %zu SAs found in the kernel\n", count.n,
			n);
		goto cleanup;
	}
	t2 = now_s();
	r = xfrm_flush_owned(xh, base, base + (uint32_t)(n - 1), &n_pol, &n_sa, &err);
	t3 = now_s();
	if (r < 0 || n_sa != n) {
		rc = kplane_fail("xfrm_flush_owned", r < 0 ? r : -EIO, err.msg);
		goto out;
	}
	printf("bench mode %s n %zu alg %s installed %zu install_s %.6f installs_per_s %.1f "
	       "deleted %zu delete_s %.6f deletes_per_s %.1f\n",
	       o->mode, n, alg, count.n, t1 - t0, (double)n / (t1 - t0), n_sa, t3 - t2,
	       (double)n / (t3 - t2));
	rc = 0;
	goto out;
cleanup:
	/* Leave nothing behind after a failure either. */
	(void)xfrm_flush_owned(xh, base, base + (uint32_t)(n - 1), NULL, NULL, NULL);
out:
	if (keys)
		OPENSSL_cleanse(keys, n * per);
	free(keys);
	xfrm_close(xh);
	return rc;
}
