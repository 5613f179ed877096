/*
 * ikegw wire: the Security Association payload of both versions and what it nests, the
 * proposal and transform substructures and the data attributes (TV/TLV) they carry.
 * Any inconsistency inside an SA is INVALID_SYNTAX (IKEv2) or BAD_PROPOSAL_SYNTAX (IKEv1).
 */
#include "wire_internal.h"

#define PROP_HDR_LEN 8 /* proposal and transform headers are both 8 bytes */
#define LAST_PROPOSAL 0
#define MORE_PROPOSALS 2 /* IKEv1: next payload P; IKEv2: last substruc 2 */
#define LAST_TRANSFORM 0
#define MORE_TRANSFORMS 3

static int sa_fail(struct wire_dec *d, const struct wire_ctx *c, const char *what)
{
	return wire_fail(d, c, WIRE_N2_INVALID_SYNTAX, WIRE_N1_BAD_PROPOSAL_SYNTAX, what);
}

int wire_dec_attrs(struct wire_dec *d, struct wire_ctx *c, uint16_t n2, uint16_t n1,
		   struct wire_attr **ret, uint16_t *ret_n)
{
	struct wire_msg *m = d->msg;

	*ret = &m->attrs[m->nattrs];
	*ret_n = 0;
	while (wire_ctx_avail(c) > 0) {
		struct wire_attr *a;
		uint16_t t;

		if (m->nattrs >= WIRE_MAX_ATTRS)
			return wire_fail(d, c, n2, n1, "too many data attributes");
		if (wire_ctx_avail(c) < 4)
			return wire_fail(d, c, n2, n1, "truncated data attribute");
		a = &m->attrs[m->nattrs];
		memset(a, 0, sizeof(*a));
		t = wire_ctx_read_u16(c);
		a->type = t & ~WIRE_ATTR_AF;
		a->tv = t & WIRE_ATTR_AF;
		if (a->tv) {
			a->value = wire_ctx_read_u16(c);
		} else {
			uint16_t len = wire_ctx_read_u16(c);

			if (len == 0)
				return wire_fail(d, c, n2, n1, "TLV data attribute of length 0");
			if (len > wire_ctx_avail(c))
				return wire_fail(d, c, n2, n1,
						 "data attribute overruns its container");
			a->data.ptr = wire_ctx_take(c, len);
			a->data.len = len;
		}
		m->nattrs++;
		(*ret_n)++;
	}
	return 0;
}

void wire_enc_attrs(struct wire_ctx *c, const struct wire_attr *attrs, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct wire_attr *a = &attrs[i];

		if (a->tv) {
			wire_ctx_write_u16(c, a->type | WIRE_ATTR_AF);
			wire_ctx_write_u16(c, a->value);
			continue;
		}
		if (a->data.len == 0 || a->data.len > 0xffff) {
			if (!c->error)
				c->error = -EINVAL;
			return;
		}
		wire_ctx_write_u16(c, a->type & ~WIRE_ATTR_AF);
		wire_ctx_write_u16(c, (uint16_t)a->data.len);
		wire_ctx_write(c, a->data.ptr, a->data.len);
	}
}

/*
 * Reads one proposal or transform header (chain byte, reserved, length) and returns a cursor
 * over its body; the chain byte must say whether more substructures follow in c.
 */
static int dec_substruc(struct wire_dec *d, struct wire_ctx *c, bool proposal, struct wire_ctx *ret)
{
	uint8_t more = proposal ? MORE_PROPOSALS : MORE_TRANSFORMS;
	uint8_t last;
	uint16_t len;

	if (wire_ctx_avail(c) < PROP_HDR_LEN)
		return sa_fail(d, c,
			       proposal ? "truncated proposal header"
					: "truncated transform header");
	last = wire_ctx_read_u8(c);
	wire_reserved(d, wire_ctx_read_u8(c));
	len = wire_ctx_read_u16(c);
	if (len < PROP_HDR_LEN)
		return sa_fail(d, c,
			       proposal ? "proposal length below 8" : "transform length below 8");
	if ((size_t)len - 4 > wire_ctx_avail(c))
		return sa_fail(d, c,
			       proposal ? "proposal length overruns the SA payload"
					: "transform length overruns the proposal");
	*ret = wire_ctx_sub(c, len - 4);
	if (last != (wire_ctx_avail(c) > 0 ? more : 0))
		return sa_fail(d, c,
			       proposal
				       ? "proposal chain byte disagrees with the SA length"
				       : "transform chain byte disagrees with the proposal length");
	return 0;
}

static int dec_transform(struct wire_dec *d, struct wire_ctx *pc, struct wire_proposal *pr)
{
	struct wire_msg *m = d->msg;
	struct wire_transform *t;
	struct wire_ctx tc;
	int r;

	if (m->ntransforms >= WIRE_MAX_TRANSFORMS)
		return sa_fail(d, pc, "too many transforms");
	r = dec_substruc(d, pc, false, &tc);
	if (r < 0)
		return r;
	t = &m->transforms[m->ntransforms++];
	memset(t, 0, sizeof(*t));
	pr->ntransforms++;
	if (d->version == WIRE_IKEV1) {
		/* RFC 2408 3.6: Transform #, Transform-Id, RESERVED2 */
		t->num = wire_ctx_read_u8(&tc);
		t->id = wire_ctx_read_u8(&tc);
		wire_reserved(d, wire_ctx_read_u16(&tc));
	} else {
		/* RFC 7296 3.3.2: Transform Type, RESERVED, Transform ID */
		t->type = wire_ctx_read_u8(&tc);
		wire_reserved(d, wire_ctx_read_u8(&tc));
		t->id = wire_ctx_read_u16(&tc);
	}
	return wire_dec_attrs(d, &tc, WIRE_N2_INVALID_SYNTAX, WIRE_N1_BAD_PROPOSAL_SYNTAX,
			      &t->attrs, &t->nattrs);
}

/* RFC 7296 3.3.1: IKE SPIs are 0 (initial exchange) or 8 (rekey), ESP/AH SPIs 4. */
static bool v2_spi_size_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case WIRE_PROTO_IKE:
		return size == 0 || size == WIRE_SPI_LEN;
	case WIRE_PROTO_AH:
	case WIRE_PROTO_ESP:
		return size == 4;
	default:
		return size <= WIRE_SPI_MAX;
	}
}

static int dec_proposal(struct wire_dec *d, struct wire_ctx *c, struct wire_sa *sa,
			uint8_t *prev_num)
{
	struct wire_msg *m = d->msg;
	struct wire_proposal *pr;
	struct wire_ctx pc;
	uint8_t spi_size, ntrans;
	int r;

	if (m->nproposals >= WIRE_MAX_PROPOSALS)
		return sa_fail(d, c, "too many proposals");
	r = dec_substruc(d, c, true, &pc);
	if (r < 0)
		return r;
	pr = &m->proposals[m->nproposals++];
	memset(pr, 0, sizeof(*pr));
	sa->nproposals++;
	pr->num = wire_ctx_read_u8(&pc);
	pr->proto = wire_ctx_read_u8(&pc);
	spi_size = wire_ctx_read_u8(&pc);
	ntrans = wire_ctx_read_u8(&pc);
	if (d->version == WIRE_IKEV2 && pr->num != *prev_num + 1)
		return sa_fail(d, &pc, "proposal numbers do not count 1, 2, 3...");
	if (d->version == WIRE_IKEV1 && pr->num < *prev_num)
		return sa_fail(d, &pc, "proposal numbers decrease");
	*prev_num = pr->num;
	if (spi_size > WIRE_SPI_MAX || spi_size > wire_ctx_avail(&pc))
		return sa_fail(d, &pc, "SPI size overruns the proposal");
	if (d->version == WIRE_IKEV2 && !v2_spi_size_ok(pr->proto, spi_size))
		return sa_fail(d, &pc, "SPI size wrong for the protocol");
	pr->spi.ptr = wire_ctx_take(&pc, spi_size);
	pr->spi.len = spi_size;
	pr->transforms = &m->transforms[m->ntransforms];
	while (wire_ctx_avail(&pc) > 0) {
		r = dec_transform(d, &pc, pr);
		if (r < 0)
			return r;
	}
	if (pr->ntransforms != ntrans)
		return sa_fail(d, &pc, "Num Transforms disagrees with the transforms present");
	if (ntrans == 0)
		return sa_fail(d, &pc, "proposal without transforms");
	return 0;
}

int wire_dec_sa(struct wire_dec *d, struct wire_ctx *c, struct wire_payload *p)
{
	struct wire_sa *sa = &p->u.sa;
	uint8_t prev_num = 0;
	int r;

	if (d->version == WIRE_IKEV1) {
		sa->doi = wire_ctx_read_u32(c);
		sa->situation = wire_ctx_read_u32(c);
		if (sa->doi != WIRE_DOI_IPSEC)
			return wire_fail(d, c, 0, WIRE_N1_DOI_NOT_SUPPORTED,
					 "SA DOI is not the IPsec DOI");
		if (sa->situation != WIRE_SIT_IDENTITY_ONLY)
			return wire_fail(d, c, 0, WIRE_N1_SITUATION_NOT_SUPPORTED,
					 "SA situation is not SIT_IDENTITY_ONLY");
	}
	sa->proposals = &d->msg->proposals[d->msg->nproposals];
	while (wire_ctx_avail(c) > 0) {
		r = dec_proposal(d, c, sa, &prev_num);
		if (r < 0)
			return r;
	}
	if (sa->nproposals == 0)
		return sa_fail(d, c, "SA without proposals");
	return 0;
}

static void enc_transform(struct wire_ctx *c, const struct wire_transform *t, bool last,
			  uint8_t version)
{
	size_t start = c->pos;

	wire_ctx_write_u8(c, last ? LAST_TRANSFORM : MORE_TRANSFORMS);
	wire_ctx_write_u8(c, 0);
	wire_ctx_write_u16(c, 0);
	if (version == WIRE_IKEV1) {
		if (t->id > 0xff && !c->error)
			c->error = -EINVAL;
		wire_ctx_write_u8(c, t->num);
		wire_ctx_write_u8(c, (uint8_t)t->id);
		wire_ctx_write_u16(c, 0);
	} else {
		wire_ctx_write_u8(c, t->type);
		wire_ctx_write_u8(c, 0);
		wire_ctx_write_u16(c, t->id);
	}
	if (t->nattrs && !t->attrs && !c->error)
		c->error = -EINVAL;
	wire_enc_attrs(c, t->attrs, t->nattrs);
	wire_ctx_patch_u16(c, start + 2, (uint16_t)(c->pos - start));
}

static int enc_proposal(struct wire_ctx *c, const struct wire_proposal *pr, bool last,
			uint8_t version)
{
	size_t start = c->pos;

	if (pr->spi.len > WIRE_SPI_MAX || pr->ntransforms == 0 || !pr->transforms)
		return -EINVAL;
	wire_ctx_write_u8(c, last ? LAST_PROPOSAL : MORE_PROPOSALS);
	wire_ctx_write_u8(c, 0);
	wire_ctx_write_u16(c, 0);
	wire_ctx_write_u8(c, pr->num);
	wire_ctx_write_u8(c, pr->proto);
	wire_ctx_write_u8(c, (uint8_t)pr->spi.len);
	wire_ctx_write_u8(c, pr->ntransforms);
	wire_ctx_write(c, pr->spi.ptr, pr->spi.len);
	for (uint8_t i = 0; i < pr->ntransforms; i++)
		enc_transform(c, &pr->transforms[i], i + 1 == pr->ntransforms, version);
	wire_ctx_patch_u16(c, start + 2, (uint16_t)(c->pos - start));
	return 0;
}

int wire_enc_sa(struct wire_ctx *c, const struct wire_payload *p, uint8_t version)
{
	const struct wire_sa *sa = &p->u.sa;

	if (sa->nproposals == 0 || !sa->proposals)
		return -EINVAL;
	if (version == WIRE_IKEV1) {
		wire_ctx_write_u32(c, sa->doi);
		wire_ctx_write_u32(c, sa->situation);
	}
	for (uint16_t i = 0; i < sa->nproposals; i++) {
		int r = enc_proposal(c, &sa->proposals[i], i + 1 == sa->nproposals, version);

		if (r < 0)
			return r;
	}
	return 0;
}
