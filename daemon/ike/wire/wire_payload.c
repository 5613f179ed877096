/*
 * ikegw wire: bodies of every payload but SA (wire_sa.c), decode and encode side by side.
 * Each decoder gets a cursor limited to the payload body (after the generic header) whose
 * length the chain walker already checked against the descriptor's bounds.
 */
#include "wire_internal.h"

struct wire_span wire_ctx_rest(struct wire_ctx *c)
{
	size_t n = wire_ctx_avail(c);

	return (struct wire_span){ .ptr = wire_ctx_take(c, n), .len = n };
}

static void write_span(struct wire_ctx *c, struct wire_span s)
{
	if (s.len && !s.ptr) {
		if (!c->error)
			c->error = -EINVAL;
		return;
	}
	wire_ctx_write(c, s.ptr, s.len);
}

/* Three reserved bytes after a one-byte field (ID v2, AUTH, TS, CP, NAT-OA). */
static void read_reserved3(struct wire_dec *d, struct wire_ctx *c)
{
	wire_reserved(d, wire_ctx_read_u8(c));
	wire_reserved(d, wire_ctx_read_u16(c));
}

static void write_reserved3(struct wire_ctx *c)
{
	wire_ctx_write_u8(c, 0);
	wire_ctx_write_u16(c, 0);
}

/* Nonce, Vendor ID, HASH, SIG, NAT-D: the body is the data (RFC 2408 3.11-3.16, 7296 3.9/3.12). */
int wire_dec_data(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	p->u.data = wire_ctx_rest(c);
	return 0;
}

int wire_enc_data(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	write_span(c, p->u.data);
	return 0;
}

int wire_dec_ke(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	if (d->version == WIRE_IKEV2) {
		p->u.ke.group = wire_ctx_read_u16(c);
		wire_reserved(d, wire_ctx_read_u16(c));
	}
	p->u.ke.data = wire_ctx_rest(c);
	return 0;
}

int wire_enc_ke(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	if (version == WIRE_IKEV2) {
		wire_ctx_write_u16(c, p->u.ke.group);
		wire_ctx_write_u16(c, 0);
	}
	write_span(c, p->u.ke.data);
	return 0;
}

int wire_dec_id(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	p->u.id.type = wire_ctx_read_u8(c);
	if (d->version == WIRE_IKEV1) {
		p->u.id.proto = wire_ctx_read_u8(c);
		p->u.id.port = wire_ctx_read_u16(c);
	} else {
		read_reserved3(d, c);
	}
	p->u.id.data = wire_ctx_rest(c);
	return 0;
}

int wire_enc_id(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	wire_ctx_write_u8(c, p->u.id.type);
	if (version == WIRE_IKEV1) {
		wire_ctx_write_u8(c, p->u.id.proto);
		wire_ctx_write_u16(c, p->u.id.port);
	} else {
		write_reserved3(c);
	}
	write_span(c, p->u.id.data);
	return 0;
}

int wire_dec_cert(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	p->u.cert.encoding = wire_ctx_read_u8(c);
	p->u.cert.data = wire_ctx_rest(c);
	return 0;
}

int wire_enc_cert(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	wire_ctx_write_u8(c, p->u.cert.encoding);
	write_span(c, p->u.cert.data);
	return 0;
}

int wire_dec_auth(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	p->u.auth.method = wire_ctx_read_u8(c);
	read_reserved3(d, c);
	p->u.auth.data = wire_ctx_rest(c);
	return 0;
}

int wire_enc_auth(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	wire_ctx_write_u8(c, p->u.auth.method);
	write_reserved3(c);
	write_span(c, p->u.auth.data);
	return 0;
}

/* IKEv1 Notify and Delete carry a DOI: ISAKMP (0) or IPsec (1). */
static int dec_doi(struct wire_dec *d, struct wire_ctx *c, uint32_t *ret)
{
	*ret = wire_ctx_read_u32(c);
	if (*ret != WIRE_DOI_ISAKMP && *ret != WIRE_DOI_IPSEC)
		return wire_fail(d, c, 0, WIRE_N1_DOI_NOT_SUPPORTED,
				 "DOI is neither ISAKMP nor IPsec");
	return 0;
}

int wire_dec_notify(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_notify *n = &p->u.notify;
	uint8_t spi_size;
	int r;

	if (d->version == WIRE_IKEV1) {
		r = dec_doi(d, c, &n->doi);
		if (r < 0)
			return r;
	}
	n->proto = wire_ctx_read_u8(c);
	spi_size = wire_ctx_read_u8(c);
	n->type = wire_ctx_read_u16(c);
	if (spi_size > WIRE_SPI_MAX || spi_size > wire_ctx_avail(c))
		return wire_malformed(d, c, "notify SPI size overruns the payload");
	n->spi.ptr = wire_ctx_take(c, spi_size);
	n->spi.len = spi_size;
	n->data = wire_ctx_rest(c);
	return 0;
}

int wire_enc_notify(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	const struct wire_notify *n = &p->u.notify;

	if (n->spi.len > WIRE_SPI_MAX)
		return -EINVAL;
	if (version == WIRE_IKEV1)
		wire_ctx_write_u32(c, n->doi);
	wire_ctx_write_u8(c, n->proto);
	wire_ctx_write_u8(c, (uint8_t)n->spi.len);
	wire_ctx_write_u16(c, n->type);
	write_span(c, n->spi);
	write_span(c, n->data);
	return 0;
}

int wire_dec_delete(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_delete *del = &p->u.del;
	size_t need;
	int r;

	if (d->version == WIRE_IKEV1) {
		r = dec_doi(d, c, &del->doi);
		if (r < 0)
			return r;
	}
	del->proto = wire_ctx_read_u8(c);
	del->spi_size = wire_ctx_read_u8(c);
	del->nspis = wire_ctx_read_u16(c);
	if (del->spi_size > WIRE_SPI_MAX)
		return wire_malformed(d, c, "delete SPI size too large");
	if (d->version == WIRE_IKEV2) {
		/* RFC 7296 3.11 */
		if (del->proto == WIRE_PROTO_IKE && (del->spi_size != 0 || del->nspis != 0))
			return wire_malformed(d, c, "IKE SA delete with SPIs");
		if ((del->proto == WIRE_PROTO_ESP || del->proto == WIRE_PROTO_AH) &&
		    del->spi_size != 4)
			return wire_malformed(d, c, "ESP/AH delete SPI size is not 4");
	}
	need = (size_t)del->nspis * del->spi_size;
	if (need != wire_ctx_avail(c))
		return wire_malformed(d, c, "Num of SPIs disagrees with the payload length");
	del->spis.ptr = wire_ctx_take(c, need);
	del->spis.len = need;
	return 0;
}

int wire_enc_delete(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	const struct wire_delete *del = &p->u.del;

	if (del->spis.len != (size_t)del->nspis * del->spi_size)
		return -EINVAL;
	if (version == WIRE_IKEV1)
		wire_ctx_write_u32(c, del->doi);
	wire_ctx_write_u8(c, del->proto);
	wire_ctx_write_u8(c, del->spi_size);
	wire_ctx_write_u16(c, del->nspis);
	write_span(c, del->spis);
	return 0;
}

const uint8_t *wire_delete_spi(const struct wire_delete *d, uint16_t i)
{
	if (!d || i >= d->nspis || !d->spis.ptr || d->spi_size == 0)
		return NULL;
	return d->spis.ptr + (size_t)i * d->spi_size;
}

static size_t ts_addr_len(uint8_t type)
{
	switch (type) {
	case WIRE_TS_IPV4_ADDR_RANGE:
		return 4;
	case WIRE_TS_IPV6_ADDR_RANGE:
		return 16;
	default:
		return 0;
	}
}

int wire_dec_ts(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_ts_payload *tp = &p->u.ts;
	struct wire_msg *m = d->msg;
	uint8_t count;

	count = wire_ctx_read_u8(c);
	read_reserved3(d, c);
	tp->ts = &m->ts[m->nts];
	while (wire_ctx_avail(c) > 0) {
		struct wire_ts *ts;
		struct wire_ctx sc;
		uint16_t len;
		size_t alen;

		if (m->nts >= WIRE_MAX_TS)
			return wire_malformed(d, c, "too many traffic selectors");
		if (wire_ctx_avail(c) < 8)
			return wire_malformed(d, c, "truncated traffic selector");
		ts = &m->ts[m->nts];
		memset(ts, 0, sizeof(*ts));
		ts->type = wire_ctx_read_u8(c);
		ts->proto = wire_ctx_read_u8(c);
		len = wire_ctx_read_u16(c);
		if (len < 8 || (size_t)len - 4 > wire_ctx_avail(c))
			return wire_malformed(d, c, "selector length out of bounds");
		sc = wire_ctx_sub(c, len - 4);
		ts->start_port = wire_ctx_read_u16(&sc);
		ts->end_port = wire_ctx_read_u16(&sc);
		alen = ts_addr_len(ts->type);
		if (alen) {
			if (wire_ctx_avail(&sc) != 2 * alen)
				return wire_malformed(d, &sc,
						      "selector length wrong for its TS type");
			ts->start.ptr = wire_ctx_take(&sc, alen);
			ts->start.len = alen;
			ts->end.ptr = wire_ctx_take(&sc, alen);
			ts->end.len = alen;
		} else {
			ts->start = wire_ctx_rest(&sc);
		}
		m->nts++;
		tp->count++;
	}
	if (tp->count != count)
		return wire_malformed(d, c, "Number of TSs disagrees with the selectors present");
	if (count == 0)
		return wire_malformed(d, c, "TS payload without selectors");
	return 0;
}

int wire_enc_ts(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	const struct wire_ts_payload *tp = &p->u.ts;

	if (tp->count == 0 || !tp->ts)
		return -EINVAL;
	wire_ctx_write_u8(c, tp->count);
	write_reserved3(c);
	for (uint8_t i = 0; i < tp->count; i++) {
		const struct wire_ts *ts = &tp->ts[i];
		size_t alen = ts_addr_len(ts->type);
		size_t len = 8 + ts->start.len + ts->end.len;

		if (alen && (ts->start.len != alen || ts->end.len != alen))
			return -EINVAL;
		if (len > 0xffff)
			return -EINVAL;
		wire_ctx_write_u8(c, ts->type);
		wire_ctx_write_u8(c, ts->proto);
		wire_ctx_write_u16(c, (uint16_t)len);
		wire_ctx_write_u16(c, ts->start_port);
		wire_ctx_write_u16(c, ts->end_port);
		write_span(c, ts->start);
		write_span(c, ts->end);
	}
	return 0;
}

int wire_dec_cp(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_cp *cp = &p->u.cp;
	struct wire_msg *m = d->msg;

	cp->cfg_type = wire_ctx_read_u8(c);
	read_reserved3(d, c);
	cp->attrs = &m->cpattrs[m->ncpattrs];
	while (wire_ctx_avail(c) > 0) {
		struct wire_cp_attr *a;
		uint16_t t, len;

		if (m->ncpattrs >= WIRE_MAX_CP_ATTRS)
			return wire_malformed(d, c, "too many configuration attributes");
		if (wire_ctx_avail(c) < 4)
			return wire_malformed(d, c, "truncated configuration attribute");
		t = wire_ctx_read_u16(c);
		len = wire_ctx_read_u16(c);
		wire_reserved(d, t & 0x8000); /* R bit */
		if (len > wire_ctx_avail(c))
			return wire_malformed(d, c, "configuration attribute overruns the payload");
		a = &m->cpattrs[m->ncpattrs++];
		a->type = t & 0x7fff;
		a->value.ptr = wire_ctx_take(c, len);
		a->value.len = len;
		cp->nattrs++;
	}
	return 0;
}

int wire_enc_cp(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	const struct wire_cp *cp = &p->u.cp;

	if (cp->nattrs && !cp->attrs)
		return -EINVAL;
	wire_ctx_write_u8(c, cp->cfg_type);
	write_reserved3(c);
	for (uint16_t i = 0; i < cp->nattrs; i++) {
		if (cp->attrs[i].value.len > 0xffff)
			return -EINVAL;
		wire_ctx_write_u16(c, cp->attrs[i].type & 0x7fff);
		wire_ctx_write_u16(c, (uint16_t)cp->attrs[i].value.len);
		write_span(c, cp->attrs[i].value);
	}
	return 0;
}

int wire_dec_v1attr(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_v1_attrs *a = &p->u.attr;

	a->type = wire_ctx_read_u8(c);
	wire_reserved(d, wire_ctx_read_u8(c));
	a->identifier = wire_ctx_read_u16(c);
	return wire_dec_attrs(d, c, 0, WIRE_N1_PAYLOAD_MALFORMED, &a->attrs, &a->nattrs);
}

int wire_enc_v1attr(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	const struct wire_v1_attrs *a = &p->u.attr;

	if (a->nattrs && !a->attrs)
		return -EINVAL;
	wire_ctx_write_u8(c, a->type);
	wire_ctx_write_u8(c, 0);
	wire_ctx_write_u16(c, a->identifier);
	wire_enc_attrs(c, a->attrs, a->nattrs);
	return 0;
}

/* RFC 3748 4: Code, Identifier, Length (the whole EAP packet), then Type for codes 1 and 2. */
int wire_dec_eap(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_eap *e = &p->u.eap;
	const uint8_t *b;

	e->msg = wire_ctx_rest(c);
	b = e->msg.ptr;
	if (!b || e->msg.len < 4 || (size_t)(b[2] << 8 | b[3]) != e->msg.len)
		return wire_malformed(d, c, "EAP length disagrees with the payload length");
	e->code = b[0];
	e->identifier = b[1];
	e->type = e->msg.len > 4 ? b[4] : 0;
	return 0;
}

int wire_enc_eap(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	write_span(c, p->u.eap.msg);
	return 0;
}

int wire_dec_nat_oa(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_nat_oa *oa = &p->u.nat_oa;
	size_t want;

	oa->id_type = wire_ctx_read_u8(c);
	read_reserved3(d, c);
	want = oa->id_type == WIRE_ID_IPV4_ADDR ? 4 : oa->id_type == WIRE_ID_IPV6_ADDR ? 16 : 0;
	if (want == 0 || wire_ctx_avail(c) != want)
		return wire_malformed(d, c, "NAT-OA address does not match its ID type");
	oa->addr = wire_ctx_rest(c);
	return 0;
}

int wire_enc_nat_oa(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	wire_ctx_write_u8(c, p->u.nat_oa.id_type);
	write_reserved3(c);
	write_span(c, p->u.nat_oa.addr);
	return 0;
}

/* SK and SKF: the walker stores the next-payload byte (the first inner type) in inner_first. */
int wire_dec_sk(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_sk *sk = &p->u.sk;

	if (p->type == WIRE_PLV2_SKF) {
		/* RFC 7383 2.5: 1 <= Fragment Number <= Total Fragments */
		sk->frag_num = wire_ctx_read_u16(c);
		sk->frag_total = wire_ctx_read_u16(c);
		if (sk->frag_num == 0 || sk->frag_total == 0 || sk->frag_num > sk->frag_total)
			return wire_malformed(d, c, "fragment number out of range");
	}
	sk->body = wire_ctx_rest(c);
	return 0;
}

int wire_enc_sk(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	if (p->type == WIRE_PLV2_SKF) {
		wire_ctx_write_u16(c, p->u.sk.frag_num);
		wire_ctx_write_u16(c, p->u.sk.frag_total);
	}
	write_span(c, p->u.sk.body);
	return 0;
}
