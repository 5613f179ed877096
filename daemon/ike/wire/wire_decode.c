/*
 * ikegw wire: message decoding. Reads the header, then walks the payload chain by next-payload
 * through the descriptor table, each payload in a cursor limited to its declared length. The
 * SK/SKF payload ends the outer chain; wire_decode_inner() walks the decrypted one.
 */
#include "wire_internal.h"

static size_t cursor_offset(const struct wire_dec *d, const struct wire_ctx *c)
{
	if (c && c->rd)
		return (size_t)(c->rd - d->base) + (c->pos < c->size ? c->pos : c->size);
	return d->cur ? (size_t)(d->cur - d->base) : 0;
}

int wire_fail(struct wire_dec *d, const struct wire_ctx *c, uint16_t n2, uint16_t n1,
	      const char *what)
{
	struct wire_err *e = d->err;

	e->version = d->version;
	e->notify = d->version == WIRE_IKEV1 ? n1 : n2;
	e->payload = d->ptype;
	e->inner = d->inner;
	e->offset = (uint32_t)cursor_offset(d, c);
	e->what = what;
	return -EBADMSG;
}

int wire_malformed(struct wire_dec *d, const struct wire_ctx *c, const char *what)
{
	return wire_fail(d, c, WIRE_N2_INVALID_SYNTAX, WIRE_N1_PAYLOAD_MALFORMED, what);
}

void wire_reserved(struct wire_dec *d, uint32_t value)
{
	if (value)
		d->msg->noncanonical = true;
}

static bool is_sk(uint8_t type)
{
	return type == WIRE_PLV2_SK || type == WIRE_PLV2_SKF;
}

/* The SK/SKF payload just decoded ends the chain: record where the caller's crypto applies. */
static int take_sk(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p,
		   const struct wire_pdesc *pd)
{
	struct wire_enc *enc = &d->msg->enc;

	if (wire_ctx_avail(c) != 0)
		return wire_malformed(d, NULL, "SK payload is not the last payload");
	enc->present = true;
	enc->first = p->u.sk.inner_first;
	enc->fragment = p->type == WIRE_PLV2_SKF;
	enc->frag_num = p->u.sk.frag_num;
	enc->frag_total = p->u.sk.frag_total;
	enc->aad.ptr = d->base;
	enc->aad.len = (size_t)(d->cur - d->base) + WIRE_GHDR_LEN + pd->fixed;
	enc->body = p->u.sk.body;
	return 0;
}

/* Walks a payload chain from type np to its end (next payload 0) or to an SK payload. */
static int walk(struct wire_dec *d, struct wire_ctx *c, uint8_t np)
{
	struct wire_msg *m = d->msg;

	while (np != WIRE_PL_NONE) {
		const struct wire_pdesc *pd;
		struct wire_payload *p;
		struct wire_ctx body;
		uint8_t next, flags;
		uint16_t plen;
		size_t var;
		int r;

		d->cur = c->rd ? c->rd + c->pos : NULL;
		d->ptype = np;
		if (wire_ctx_avail(c) < WIRE_GHDR_LEN)
			return wire_malformed(d, NULL, "payload header overruns the message");
		next = wire_ctx_read_u8(c);
		flags = wire_ctx_read_u8(c);
		plen = wire_ctx_read_u16(c);
		if (plen < WIRE_GHDR_LEN)
			return wire_malformed(d, NULL, "payload length below the generic header");
		if ((size_t)plen - WIRE_GHDR_LEN > wire_ctx_avail(c))
			return wire_malformed(d, NULL, "payload length overruns the message");
		if (m->npayloads >= WIRE_MAX_PAYLOADS)
			return wire_malformed(d, NULL, "too many payloads");
		pd = wire_pdesc_find(d->version, np);
		if (!pd && d->version == WIRE_IKEV1)
			return wire_fail(d, NULL, 0, WIRE_N1_INVALID_PAYLOAD_TYPE,
					 "unknown payload type");
		if (!pd && (flags & WIRE_CRITICAL))
			return wire_fail(d, NULL, WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD, 0,
					 "unknown payload type marked critical");

		p = &m->payloads[m->npayloads++];
		memset(p, 0, sizeof(*p));
		p->type = np;
		p->encrypted = d->inner;
		p->raw.ptr = d->cur;
		p->raw.len = plen;
		if (d->version == WIRE_IKEV2) {
			p->critical = flags & WIRE_CRITICAL;
			wire_reserved(d, flags & ~WIRE_CRITICAL);
		} else {
			wire_reserved(d, flags);
		}
		body = wire_ctx_sub(c, plen - WIRE_GHDR_LEN);
		if (!pd) {
			/* RFC 7296 3.2: unknown and not critical: skip (kept opaque for encoding)
			 */
			p->u.data = wire_ctx_rest(&body);
			np = next;
			continue;
		}
		p->known = true;
		if (is_sk(np) && d->inner)
			return wire_malformed(d, NULL, "SK payload inside SK");
		var = (size_t)plen - WIRE_GHDR_LEN;
		if (var < pd->fixed || var - pd->fixed < pd->min_var ||
		    var - pd->fixed > pd->max_var)
			return wire_malformed(d, NULL, "payload length out of bounds for its type");
		r = pd->decode(d, &body, p);
		if (r < 0)
			return r;
		if (!wire_ctx_ok(&body) || wire_ctx_avail(&body) != 0)
			return wire_malformed(d, &body, "payload body not fully described");
		if (is_sk(np)) {
			p->u.sk.inner_first = next;
			return take_sk(d, c, p, pd);
		}
		np = next;
	}
	d->ptype = WIRE_PL_NONE;
	d->cur = c->rd ? c->rd + c->pos : NULL;
	if (wire_ctx_avail(c) == 0)
		return 0;
	/* IKEv1 encrypted bodies end in padding (RFC 2409 5.3 / RFC 2408 3.1) */
	if (d->inner && d->version == WIRE_IKEV1)
		return 0;
	return wire_malformed(d, NULL, "bytes after the last payload");
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static int decode_header(struct wire_dec *d, struct wire_ctx *c, size_t len)
{
	struct wire_hdr *h = &d->msg->hdr;
	uint8_t ver;

	if (len < WIRE_HDR_LEN)
		return wire_malformed(d, NULL, "message shorter than the header");
	wire_ctx_read(c, h->ispi, WIRE_SPI_LEN);
	wire_ctx_read(c, h->rspi, WIRE_SPI_LEN);
	h->next_payload = wire_ctx_read_u8(c);
	ver = wire_ctx_read_u8(c);
	h->major = ver >> 4;
	h->minor = ver & 0x0f;
	h->exchange = wire_ctx_read_u8(c);
	h->flags = wire_ctx_read_u8(c);
	h->msgid = wire_ctx_read_u32(c);
	h->length = wire_ctx_read_u32(c);
	if (h->major != WIRE_IKEV1 && h->major != WIRE_IKEV2) {
		/* answer in the highest version we speak that is below theirs (RFC 7296 2.5) */
		d->version = h->major > WIRE_IKEV2 ? WIRE_IKEV2 : WIRE_IKEV1;
		return wire_fail(d, NULL, WIRE_N2_INVALID_MAJOR_VERSION,
				 WIRE_N1_INVALID_MAJOR_VERSION, "unsupported major version");
	}
	d->version = h->major;
	d->msg->version = h->major;
	if (h->length != len)
		return wire_fail(d, NULL, WIRE_N2_INVALID_SYNTAX, WIRE_N1_UNEQUAL_PAYLOAD_LENGTHS,
				 "header length differs from the datagram length");
	if (all_zero(h->ispi, WIRE_SPI_LEN))
		return wire_fail(d, NULL, WIRE_N2_INVALID_IKE_SPI, WIRE_N1_INVALID_COOKIE,
				 "initiator SPI is zero");
	return 0;
}

int wire_decode(struct wire_msg *msg, const uint8_t *buf, size_t len, struct wire_err *err)
{
	struct wire_dec d;
	struct wire_ctx c;
	int r;

	if (!msg || !err || (!buf && len))
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	memset(err, 0, sizeof(*err));
	memset(&d, 0, sizeof(d));
	d.msg = msg;
	d.err = err;
	d.base = buf;
	d.cur = buf;
	/* before the header is read, errors are reported in the version the byte suggests */
	d.version = len > 17 && buf[17] >> 4 == WIRE_IKEV1 ? WIRE_IKEV1 : WIRE_IKEV2;
	c = wire_ctx_reader(buf, len);

	r = decode_header(&d, &c, len);
	if (r < 0)
		return r;
	msg->raw.ptr = buf;
	msg->raw.len = len;
	if (msg->version == WIRE_IKEV1 && (msg->hdr.flags & WIRE_F1_ENCRYPTION)) {
		/* RFC 2408 3.1: everything after the header is encrypted */
		msg->enc.present = true;
		msg->enc.first = msg->hdr.next_payload;
		msg->enc.aad.ptr = buf;
		msg->enc.aad.len = WIRE_HDR_LEN;
		msg->enc.body = wire_ctx_rest(&c);
		if (msg->enc.body.len == 0) {
			d.cur = buf + WIRE_HDR_LEN;
			return wire_malformed(&d, NULL, "encrypted message without a body");
		}
		return 0;
	}
	return walk(&d, &c, msg->hdr.next_payload);
}

int wire_decode_inner(struct wire_msg *msg, const uint8_t *plain, size_t len, struct wire_err *err)
{
	bool noncanonical = msg ? msg->noncanonical : false;
	uint16_t saved[6];
	struct wire_dec d;
	struct wire_ctx c;
	int r;

	if (!msg || !err || (!plain && len) || !msg->enc.present)
		return -EINVAL;
	if (msg->enc.decoded)
		return -EALREADY;
	memset(err, 0, sizeof(*err));
	memset(&d, 0, sizeof(d));
	d.msg = msg;
	d.err = err;
	d.base = plain;
	d.cur = plain;
	d.version = msg->version;
	d.inner = true;
	saved[0] = msg->npayloads;
	saved[1] = msg->nproposals;
	saved[2] = msg->ntransforms;
	saved[3] = msg->nattrs;
	saved[4] = msg->nts;
	saved[5] = msg->ncpattrs;
	c = wire_ctx_reader(plain, len);
	r = walk(&d, &c, msg->enc.first);
	if (r < 0) {
		/* leave the message as it was: outer payloads only */
		msg->npayloads = saved[0];
		msg->nproposals = saved[1];
		msg->ntransforms = saved[2];
		msg->nattrs = saved[3];
		msg->nts = saved[4];
		msg->ncpattrs = saved[5];
		msg->noncanonical = noncanonical;
		return r;
	}
	msg->enc.decoded = true;
	return 0;
}

const struct wire_payload *wire_msg_find(const struct wire_msg *msg, uint8_t type, unsigned n)
{
	for (uint16_t i = 0; msg && i < msg->npayloads; i++)
		if (msg->payloads[i].type == type && msg->payloads[i].known && n-- == 0)
			return &msg->payloads[i];
	return NULL;
}

const struct wire_payload *wire_msg_find_notify(const struct wire_msg *msg, uint16_t type,
						unsigned n)
{
	uint8_t pt;

	if (!msg)
		return NULL;
	pt = msg->version == WIRE_IKEV1 ? WIRE_PLV1_NOTIFY : WIRE_PLV2_NOTIFY;
	for (uint16_t i = 0; i < msg->npayloads; i++) {
		const struct wire_payload *p = &msg->payloads[i];

		if (p->type == pt && p->known && p->u.notify.type == type && n-- == 0)
			return p;
	}
	return NULL;
}

const struct wire_attr *wire_transform_attr(const struct wire_transform *t, uint16_t type)
{
	for (uint16_t i = 0; t && t->attrs && i < t->nattrs; i++)
		if (t->attrs[i].type == type)
			return &t->attrs[i];
	return NULL;
}
