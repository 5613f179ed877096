/*
 * ikegw wire: encoding. A builder appends payloads to a write cursor through the descriptor
 * table, patching each payload's length and the previous next-payload byte (the header's for
 * the first one), and the message length at the end. wire_encode() re-encodes a decoded message.
 */
#include <stdint.h>

#include "wire_internal.h"

#define HDR_NP_OFF 16  /* next payload byte of the header */
#define HDR_LEN_OFF 24 /* length word of the header */
#define NO_PAYLOAD SIZE_MAX

static int set_error(struct wire_builder *b, int err)
{
	if (!b->error)
		b->error = err;
	return b->error;
}

static int check(struct wire_builder *b)
{
	if (b->error)
		return b->error;
	if (b->ctx.error)
		return set_error(b, b->ctx.error);
	if (b->closed)
		return set_error(b, -EINVAL);
	return 0;
}

void wire_build_msg(struct wire_builder *b, uint8_t *buf, size_t size, const struct wire_hdr *hdr)
{
	struct wire_ctx *c = &b->ctx;

	memset(b, 0, sizeof(*b));
	*c = wire_ctx_writer(buf, size);
	b->has_hdr = true;
	b->np_off = NO_PAYLOAD;
	if (!hdr || (hdr->major != WIRE_IKEV1 && hdr->major != WIRE_IKEV2)) {
		set_error(b, -EINVAL);
		return;
	}
	b->version = hdr->major;
	wire_ctx_write(c, hdr->ispi, WIRE_SPI_LEN);
	wire_ctx_write(c, hdr->rspi, WIRE_SPI_LEN);
	wire_ctx_write_u8(c, WIRE_PL_NONE);
	wire_ctx_write_u8(c, (uint8_t)(hdr->major << 4 | (hdr->minor & 0x0f)));
	wire_ctx_write_u8(c, hdr->exchange);
	wire_ctx_write_u8(c, hdr->flags);
	wire_ctx_write_u32(c, hdr->msgid);
	wire_ctx_write_u32(c, 0);
	if (c->error)
		set_error(b, c->error);
}

void wire_build_chain(struct wire_builder *b, uint8_t *buf, size_t size, uint8_t version)
{
	memset(b, 0, sizeof(*b));
	b->ctx = wire_ctx_writer(buf, size);
	b->np_off = NO_PAYLOAD;
	b->version = version;
	if (version != WIRE_IKEV1 && version != WIRE_IKEV2)
		set_error(b, -EINVAL);
}

/* Chain the payload starting at `start` of type `type` after the previous one. */
static void link_payload(struct wire_builder *b, uint8_t type, size_t start)
{
	if (b->np_off != NO_PAYLOAD)
		wire_ctx_patch_u8(&b->ctx, b->np_off, type);
	else if (b->has_hdr)
		wire_ctx_patch_u8(&b->ctx, HDR_NP_OFF, type);
	if (b->np_off == NO_PAYLOAD)
		b->first = type;
	b->np_off = start;
}

/* Writes the generic header (length patched later); returns the payload's start offset. */
static size_t begin_payload(struct wire_builder *b, uint8_t next, bool critical)
{
	size_t start = b->ctx.pos;

	wire_ctx_write_u8(&b->ctx, next);
	wire_ctx_write_u8(&b->ctx, b->version == WIRE_IKEV2 && critical ? WIRE_CRITICAL : 0);
	wire_ctx_write_u16(&b->ctx, 0);
	return start;
}

static int end_payload(struct wire_builder *b, uint8_t type, size_t start)
{
	size_t len = b->ctx.pos - start;

	if (b->ctx.error)
		return set_error(b, b->ctx.error);
	if (len > 0xffff)
		return set_error(b, -EMSGSIZE);
	wire_ctx_patch_u16(&b->ctx, start + 2, (uint16_t)len);
	link_payload(b, type, start);
	return 0;
}

static int build_sk(struct wire_builder *b, uint8_t type, bool critical, uint8_t inner_first,
		    uint16_t frag_num, uint16_t frag_total, const uint8_t *body, size_t body_len,
		    struct wire_sk_layout *ret)
{
	size_t start, body_off;
	uint8_t *dst;
	int r;

	r = check(b);
	if (r < 0)
		return r;
	if (b->version != WIRE_IKEV2 || body_len == 0)
		return set_error(b, -EINVAL);
	if (type == WIRE_PLV2_SKF && (frag_num == 0 || frag_num > frag_total))
		return set_error(b, -EINVAL);
	start = begin_payload(b, inner_first, critical);
	if (type == WIRE_PLV2_SKF) {
		wire_ctx_write_u16(&b->ctx, frag_num);
		wire_ctx_write_u16(&b->ctx, frag_total);
	}
	body_off = b->ctx.pos;
	dst = wire_ctx_reserve(&b->ctx, body_len);
	if (dst) {
		if (body)
			memcpy(dst, body, body_len);
		else
			memset(dst, 0, body_len);
	}
	r = end_payload(b, type, start);
	if (r < 0)
		return r;
	b->closed = true;
	if (ret) {
		ret->aad_len = body_off;
		ret->body_off = body_off;
		ret->body_len = body_len;
	}
	return 0;
}

int wire_build_sk(struct wire_builder *b, uint8_t inner_first, uint16_t frag_num,
		  uint16_t frag_total, size_t body_len, struct wire_sk_layout *ret)
{
	if (!b)
		return -EINVAL;
	return build_sk(b, frag_total ? WIRE_PLV2_SKF : WIRE_PLV2_SK, false, inner_first, frag_num,
			frag_total, NULL, body_len, ret);
}

static int build_v1_encrypted(struct wire_builder *b, uint8_t inner_first, const uint8_t *body,
			      size_t body_len, struct wire_sk_layout *ret)
{
	uint8_t *dst;
	int r;

	r = check(b);
	if (r < 0)
		return r;
	if (b->version != WIRE_IKEV1 || !b->has_hdr || b->np_off != NO_PAYLOAD || body_len == 0)
		return set_error(b, -EINVAL);
	wire_ctx_patch_u8(&b->ctx, HDR_NP_OFF, inner_first);
	b->first = inner_first;
	dst = wire_ctx_reserve(&b->ctx, body_len);
	if (!dst)
		return set_error(b, b->ctx.error);
	if (body)
		memcpy(dst, body, body_len);
	else
		memset(dst, 0, body_len);
	b->closed = true;
	if (ret) {
		ret->aad_len = WIRE_HDR_LEN;
		ret->body_off = WIRE_HDR_LEN;
		ret->body_len = body_len;
	}
	return 0;
}

int wire_build_v1_encrypted(struct wire_builder *b, uint8_t inner_first, size_t body_len,
			    struct wire_sk_layout *ret)
{
	if (!b)
		return -EINVAL;
	return build_v1_encrypted(b, inner_first, NULL, body_len, ret);
}

int wire_build_add(struct wire_builder *b, const struct wire_payload *p)
{
	const struct wire_pdesc *pd;
	size_t start, var;
	int r;

	if (!b || !p)
		return -EINVAL;
	r = check(b);
	if (r < 0)
		return r;
	if (p->type == WIRE_PLV2_SK || p->type == WIRE_PLV2_SKF)
		return build_sk(b, p->type, p->critical, p->u.sk.inner_first, p->u.sk.frag_num,
				p->u.sk.frag_total, p->u.sk.body.ptr, p->u.sk.body.len, NULL);
	pd = wire_pdesc_find(b->version, p->type);
	if (!pd && (p->known || b->version != WIRE_IKEV2 || p->type == WIRE_PL_NONE))
		return set_error(b, -EINVAL);
	start = begin_payload(b, WIRE_PL_NONE, p->critical);
	if (!pd) {
		/* an unknown IKEv2 payload kept from decoding: written back as it came */
		if (p->u.data.len && !p->u.data.ptr)
			return set_error(b, -EINVAL);
		wire_ctx_write(&b->ctx, p->u.data.ptr, p->u.data.len);
		return end_payload(b, p->type, start);
	}
	r = pd->encode(&b->ctx, p, b->version);
	if (r < 0)
		return set_error(b, r);
	if (b->ctx.error)
		return set_error(b, b->ctx.error);
	/* never emit what the decoder would refuse */
	var = b->ctx.pos - start - WIRE_GHDR_LEN;
	if (var < pd->fixed || var - pd->fixed < pd->min_var || var - pd->fixed > pd->max_var)
		return set_error(b, -EINVAL);
	return end_payload(b, p->type, start);
}

int wire_build_data(struct wire_builder *b, uint8_t type, const void *data, size_t len)
{
	struct wire_payload p = { .type = type, .known = true };
	const struct wire_pdesc *pd;

	if (!b)
		return -EINVAL;
	/* only for payloads whose body is just data (Nonce, VID, HASH, SIG, NAT-D) */
	pd = wire_pdesc_find(b->version, type);
	if (!pd || pd->encode != wire_enc_data)
		return set_error(b, -EINVAL);
	p.u.data.ptr = data;
	p.u.data.len = len;
	return wire_build_add(b, &p);
}

int wire_build_notify(struct wire_builder *b, uint8_t proto, uint16_t type, const void *spi,
		      size_t spi_len, const void *data, size_t data_len)
{
	struct wire_payload p = { .known = true };

	if (!b)
		return -EINVAL;
	p.type = b->version == WIRE_IKEV1 ? WIRE_PLV1_NOTIFY : WIRE_PLV2_NOTIFY;
	p.u.notify.doi = WIRE_DOI_IPSEC;
	p.u.notify.proto = proto;
	p.u.notify.type = type;
	p.u.notify.spi.ptr = spi;
	p.u.notify.spi.len = spi_len;
	p.u.notify.data.ptr = data;
	p.u.notify.data.len = data_len;
	return wire_build_add(b, &p);
}

int wire_build_finish(struct wire_builder *b, size_t *ret_len)
{
	if (!b)
		return -EINVAL;
	if (b->error)
		return b->error;
	if (b->ctx.error)
		return set_error(b, b->ctx.error);
	if (b->has_hdr)
		wire_ctx_patch_u32(&b->ctx, HDR_LEN_OFF, (uint32_t)b->ctx.pos);
	if (ret_len)
		*ret_len = b->ctx.pos;
	return 0;
}

int wire_encode(const struct wire_msg *msg, uint8_t *buf, size_t size, size_t *ret_len)
{
	struct wire_builder b;

	if (!msg)
		return -EINVAL;
	wire_build_msg(&b, buf, size, &msg->hdr);
	if (msg->version == WIRE_IKEV1 && msg->enc.present) {
		build_v1_encrypted(&b, msg->enc.first, msg->enc.body.ptr, msg->enc.body.len, NULL);
		return wire_build_finish(&b, ret_len);
	}
	for (uint16_t i = 0; i < msg->npayloads; i++)
		if (!msg->payloads[i].encrypted)
			wire_build_add(&b, &msg->payloads[i]);
	return wire_build_finish(&b, ret_len);
}

int wire_encode_inner(const struct wire_msg *msg, uint8_t *buf, size_t size, size_t *ret_len)
{
	struct wire_builder b;

	if (!msg)
		return -EINVAL;
	wire_build_chain(&b, buf, size, msg->version);
	for (uint16_t i = 0; i < msg->npayloads; i++)
		if (msg->payloads[i].encrypted)
			wire_build_add(&b, &msg->payloads[i]);
	return wire_build_finish(&b, ret_len);
}
