/*
 * The real IKE kernel ops over xfrm/: IKEv2 transform IDs -> xfrm algorithm table entries, one
 * CHILD_SA direction -> an ESP tunnel-mode xfrm SA keyed by the tunnel's mark and reqid, and
 * SPI allocation, delete and counters. Also the kernel handle (both netlink sockets).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "kernel_internal.h"
#include "wire_types.h"

bool kernel_tunnel_of_id(uint32_t v, uint32_t *ret_tunnel_id)
{
	if (v < KERNEL_ID_BASE || v - KERNEL_ID_BASE > KERNEL_TUNNEL_MAX)
		return false;
	if (ret_tunnel_id)
		*ret_tunnel_id = v - KERNEL_ID_BASE;
	return true;
}

void kernel_err_set(struct kernel_error *err, int code, const char *step, const char *kmsg)
{
	if (!err)
		return;
	err->code = code;
	if (kmsg && kmsg[0])
		snprintf(err->msg, sizeof(err->msg), "%s: %s (kernel: %s)", step, strerror(-code),
			 kmsg);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", step, strerror(-code));
}

/* ---- algorithms ---- */

static const char *encr_name(uint16_t encr, uint16_t key_bits)
{
	switch (encr) {
	case WIRE_ENCR_AES_GCM_16:
		return key_bits == 128 ? "aes-gcm-128" : key_bits == 256 ? "aes-gcm-256" : NULL;
	case WIRE_ENCR_CHACHA20_POLY1305:
		return key_bits == 0 || key_bits == 256 ? "chacha20-poly1305" : NULL;
	case WIRE_ENCR_AES_CBC:
		return key_bits == 128	 ? "aes-cbc-128"
		       : key_bits == 192 ? "aes-cbc-192"
		       : key_bits == 256 ? "aes-cbc-256"
					 : NULL;
	case WIRE_ENCR_3DES:
		return key_bits == 0 || key_bits == 192 ? "3des" : NULL;
	default:
		return NULL;
	}
}

static const char *integ_name(uint16_t integ)
{
	switch (integ) {
	case WIRE_INTEG_HMAC_MD5_96:
		return "hmac-md5";
	case WIRE_INTEG_HMAC_SHA1_96:
		return "hmac-sha1";
	case WIRE_INTEG_HMAC_SHA2_256_128:
		return "hmac-sha256";
	case WIRE_INTEG_HMAC_SHA2_384_192:
		return "hmac-sha384";
	case WIRE_INTEG_HMAC_SHA2_512_256:
		return "hmac-sha512";
	default:
		return NULL;
	}
}

int kernel_alg_map(uint16_t encr, uint16_t key_bits, uint16_t integ,
		   const struct xfrm_alg_desc **ret_enc, const struct xfrm_alg_desc **ret_integ)
{
	const struct xfrm_alg_desc *e = xfrm_alg_lookup(encr_name(encr, key_bits)), *i = NULL;

	if (!e)
		return -EOPNOTSUPP;
	if (e->kind == XFRM_ALG_AEAD) {
		if (integ != WIRE_INTEG_NONE)
			return -EOPNOTSUPP;
	} else {
		i = xfrm_alg_lookup(integ_name(integ));
		if (!i)
			return -EOPNOTSUPP;
	}
	*ret_enc = e;
	*ret_integ = i;
	return 0;
}

static int addr_to_xfrm(const struct config_addr *a, int family, union xfrm_ip *ret)
{
	if (a->family != family)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	if (family == AF_INET)
		ret->v4 = a->v4;
	else
		ret->v6 = a->v6;
	return 0;
}

int kernel_sa_fill(const struct ike_kernel_sa *in, struct xfrm_sa *ret)
{
	const struct xfrm_alg_desc *enc, *integ;
	uint32_t id;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!kernel_tunnel_id_valid(in->tunnel_id) || in->spi == 0)
		return -EINVAL;
	if (in->src.family != AF_INET && in->src.family != AF_INET6)
		return -EINVAL;
	r = kernel_alg_map(in->encr, in->key_bits, in->integ, &enc, &integ);
	if (r < 0)
		return r;
	if (in->enc_key_len != enc->key_len || !in->enc_key)
		return -EINVAL;
	if (integ && (in->integ_key_len != integ->key_len || !in->integ_key))
		return -EINVAL;
	if (in->replay_window > XFRM_REPLAY_WINDOW_MAX)
		return -EINVAL;
	id = kernel_tunnel_key(in->tunnel_id);
	ret->family = in->src.family;
	if (addr_to_xfrm(&in->src, ret->family, &ret->src) < 0 ||
	    addr_to_xfrm(&in->dst, ret->family, &ret->dst) < 0)
		return -EINVAL;
	ret->spi = in->spi;
	ret->reqid = id;
	ret->mode = XFRM_MODE_TUNNEL;
	ret->enc = enc;
	ret->enc_key = in->enc_key;
	ret->enc_key_len = in->enc_key_len;
	if (integ) {
		ret->integ = integ;
		ret->integ_key = in->integ_key;
		ret->integ_key_len = in->integ_key_len;
	}
	ret->mark.v = id;
	ret->mark.m = 0xffffffff;
	ret->esn = in->esn;
	ret->replay_window = in->replay_window;
	if (in->esn && ret->replay_window == 0)
		ret->replay_window = 1; /* outbound ESN: the kernel wants a window all the same */
	ret->lft.soft_seconds = in->soft_seconds;
	ret->lft.hard_seconds = in->hard_seconds;
	ret->lft.soft_bytes = in->soft_bytes;
	ret->lft.hard_bytes = in->hard_bytes;
	if (in->encap_sport || in->encap_dport) {
		if (!in->encap_sport || !in->encap_dport)
			return -EINVAL;
		ret->udp_encap = true;
		ret->encap_sport = in->encap_sport;
		ret->encap_dport = in->encap_dport;
	}
	return 0;
}

/* ---- the ops ---- */

static int sa_id_of(uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi,
		    struct xfrm_sa_id *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!kernel_tunnel_id_valid(tunnel_id) ||
	    (dst->family != AF_INET && dst->family != AF_INET6))
		return -EINVAL;
	ret->family = dst->family;
	addr_to_xfrm(dst, dst->family, &ret->dst);
	ret->spi = spi;
	ret->proto = IPPROTO_ESP;
	ret->mark.v = kernel_tunnel_key(tunnel_id);
	ret->mark.m = 0xffffffff;
	return 0;
}

static int op_spi_alloc(void *ctx, uint32_t tunnel_id, const struct config_addr *src,
			const struct config_addr *dst, uint32_t *ret_spi)
{
	struct kernel *k = ctx;
	struct xfrm_spi_req req = { .mode = XFRM_MODE_TUNNEL };

	if (!kernel_tunnel_id_valid(tunnel_id) || src->family != dst->family ||
	    (dst->family != AF_INET && dst->family != AF_INET6))
		return -EINVAL;
	req.family = dst->family;
	addr_to_xfrm(src, req.family, &req.src);
	addr_to_xfrm(dst, req.family, &req.dst);
	req.reqid = kernel_tunnel_key(tunnel_id);
	req.min = KERNEL_SPI_MIN;
	req.max = KERNEL_SPI_MAX;
	req.mark.v = kernel_tunnel_key(tunnel_id);
	req.mark.m = 0xffffffff;
	return xfrm_spi_alloc(k->xh, &req, ret_spi, NULL);
}

static int op_sa_add(void *ctx, const struct ike_kernel_sa *sa, char *errbuf, size_t errlen)
{
	struct kernel *k = ctx;
	struct xfrm_error xerr = { 0 };
	struct xfrm_sa x;
	const char *step;
	int r;

	r = kernel_sa_fill(sa, &x);
	if (r < 0) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s",
				 r == -EOPNOTSUPP ? "transform not supported by the kernel adapter"
						  : "invalid SA parameters");
		return r;
	}
	if (sa->inbound) {
		/* The SPI came from spi_alloc: complete its larval SA. The kernel drops larval
		 * SAs after net.core.xfrm_acq_expires (30 s); then it is a plain add. */
		step = "xfrm_sa_update";
		r = xfrm_sa_update(k->xh, &x, &xerr);
		if (r == -ESRCH || r == -ENOENT) {
			step = "xfrm_sa_add";
			r = xfrm_sa_add(k->xh, &x, &xerr);
		}
	} else {
		step = "xfrm_sa_add";
		r = xfrm_sa_add(k->xh, &x, &xerr);
	}
	if (r < 0 && errbuf && errlen) {
		if (xerr.msg[0])
			snprintf(errbuf, errlen, "%s: %s (kernel: %s)", step, strerror(-r),
				 xerr.msg);
		else
			snprintf(errbuf, errlen, "%s: %s", step, strerror(-r));
	}
	return r;
}

static int op_sa_del(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi)
{
	struct kernel *k = ctx;
	struct xfrm_sa_id id;
	int r;

	r = sa_id_of(tunnel_id, dst, spi, &id);
	if (r < 0)
		return r;
	r = xfrm_sa_del(k->xh, &id, NULL);
	return r == -ENOENT || r == -ESRCH ? 0 : r;
}

static int op_sa_counters(void *ctx, uint32_t tunnel_id, const struct config_addr *dst,
			  uint32_t spi, struct ike_kernel_counters *ret)
{
	struct kernel *k = ctx;
	struct xfrm_sa_counters c;
	struct xfrm_sa_id id;
	int r;

	r = sa_id_of(tunnel_id, dst, spi, &id);
	if (r < 0)
		return r;
	r = xfrm_sa_get_counters(k->xh, &id, &c, NULL);
	if (r < 0)
		return r;
	ret->packets = c.packets;
	ret->bytes = c.bytes;
	ret->replay_errors = (uint64_t)c.replay_window_errors + c.replay_errors;
	ret->integrity_errors = c.integrity_errors;
	return 0;
}

/* ---- the handle ---- */

int kernel_open(struct kernel **ret, struct kernel_error *err)
{
	struct kernel *k = calloc(1, sizeof(*k));
	int r;

	if (!k) {
		kernel_err_set(err, -ENOMEM, "kernel_open", NULL);
		return -ENOMEM;
	}
	r = xfrm_open(&k->xh);
	if (r < 0) {
		kernel_err_set(err, r, "xfrm_open", NULL);
		goto fail;
	}
	r = vti_open(&k->vh);
	if (r < 0) {
		kernel_err_set(err, r, "vti_open", NULL);
		goto fail;
	}
	k->ops = (struct ike_kernel_ops){
		.ctx = k,
		.spi_alloc = op_spi_alloc,
		.sa_add = op_sa_add,
		.sa_del = op_sa_del,
		.sa_counters = op_sa_counters,
	};
	*ret = k;
	return 0;
fail:
	kernel_close(k);
	return r;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	xfrm_close(k->xh);
	vti_close(k->vh);
	free(k);
}

struct xfrm_handle *kernel_xfrm(struct kernel *k)
{
	return k->xh;
}

struct vti_handle *kernel_vti(struct kernel *k)
{
	return k->vh;
}

const struct ike_kernel_ops *kernel_ike_ops(struct kernel *k)
{
	return &k->ops;
}
