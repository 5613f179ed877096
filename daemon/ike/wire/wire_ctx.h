/*
 * ikegw wire: a bounded read/write cursor with a sticky error (after Knot DNS's wire_ctx).
 * The first read or write past the end sets ctx->error; every later operation is a no-op that
 * returns 0/NULL, so a decoder reads a whole structure and checks the error once. Multi-byte
 * values are network order, loaded and stored with memcpy (no alignment assumptions).
 */
#ifndef IKEGW_WIRE_CTX_H
#define IKEGW_WIRE_CTX_H

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wire_ctx {
	const uint8_t *rd; /* the bytes (read and write cursors) */
	uint8_t *wr;	   /* same buffer, writable; NULL for a reader */
	size_t size;	   /* bytes in the window */
	size_t pos;	   /* offset of the next byte */
	int error;	   /* 0, -EBADMSG (read past the end) or -ENOSPC (write past the end) */
};

static inline struct wire_ctx wire_ctx_reader(const uint8_t *buf, size_t len)
{
	return (struct wire_ctx){ .rd = buf, .size = buf ? len : 0 };
}

static inline struct wire_ctx wire_ctx_writer(uint8_t *buf, size_t size)
{
	return (struct wire_ctx){ .rd = buf, .wr = buf, .size = buf ? size : 0 };
}

/* Bytes left; 0 once an error is set. */
static inline size_t wire_ctx_avail(const struct wire_ctx *c)
{
	return c->error ? 0 : c->size - c->pos;
}

static inline bool wire_ctx_ok(const struct wire_ctx *c)
{
	return c->error == 0;
}

/* True when n more bytes fit; otherwise sets the sticky error. */
static inline bool wire_ctx_need(struct wire_ctx *c, size_t n)
{
	if (c->error)
		return false;
	if (c->size - c->pos < n) {
		c->error = c->wr ? -ENOSPC : -EBADMSG;
		return false;
	}
	return true;
}

/* Pointer to the next n bytes (advancing past them), or NULL. */
static inline const uint8_t *wire_ctx_take(struct wire_ctx *c, size_t n)
{
	const uint8_t *p;

	if (!wire_ctx_need(c, n) || !c->rd)
		return NULL;
	p = c->rd + c->pos;
	c->pos += n;
	return p;
}

static inline uint8_t wire_ctx_read_u8(struct wire_ctx *c)
{
	const uint8_t *p = wire_ctx_take(c, 1);

	return p ? *p : 0;
}

static inline uint16_t wire_ctx_read_u16(struct wire_ctx *c)
{
	const uint8_t *p = wire_ctx_take(c, 2);
	uint16_t v;

	if (!p)
		return 0;
	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline uint32_t wire_ctx_read_u32(struct wire_ctx *c)
{
	const uint8_t *p = wire_ctx_take(c, 4);
	uint32_t v;

	if (!p)
		return 0;
	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline void wire_ctx_read(struct wire_ctx *c, void *dst, size_t n)
{
	const uint8_t *p = wire_ctx_take(c, n);

	if (p && n)
		memcpy(dst, p, n);
}

/*
 * A cursor over the next n bytes, advancing this one past them: the window a payload gets,
 * limited to its declared length. If fewer than n bytes are left, both cursors are in error.
 */
static inline struct wire_ctx wire_ctx_sub(struct wire_ctx *c, size_t n)
{
	const uint8_t *p = wire_ctx_take(c, n);
	struct wire_ctx sub = { .rd = p, .size = p ? n : 0 };

	if (!p)
		sub.error = c->error;
	return sub;
}

/* ---- writing ---- */

/* Pointer to n writable bytes at the cursor (advancing past them), or NULL. */
static inline uint8_t *wire_ctx_reserve(struct wire_ctx *c, size_t n)
{
	uint8_t *p;

	if (!c->wr) {
		if (!c->error)
			c->error = -EINVAL;
		return NULL;
	}
	if (!wire_ctx_need(c, n))
		return NULL;
	p = c->wr + c->pos;
	c->pos += n;
	return p;
}

static inline void wire_ctx_write(struct wire_ctx *c, const void *src, size_t n)
{
	uint8_t *p = wire_ctx_reserve(c, n);

	if (p && n)
		memcpy(p, src, n);
}

static inline void wire_ctx_write_zero(struct wire_ctx *c, size_t n)
{
	uint8_t *p = wire_ctx_reserve(c, n);

	if (p && n)
		memset(p, 0, n);
}

static inline void wire_ctx_write_u8(struct wire_ctx *c, uint8_t v)
{
	wire_ctx_write(c, &v, 1);
}

static inline void wire_ctx_write_u16(struct wire_ctx *c, uint16_t v)
{
	v = htobe16(v);
	wire_ctx_write(c, &v, 2);
}

static inline void wire_ctx_write_u32(struct wire_ctx *c, uint32_t v)
{
	v = htobe32(v);
	wire_ctx_write(c, &v, 4);
}

/* Overwrite bytes already written at offset off (length fields, next-payload bytes). */
static inline void wire_ctx_patch(struct wire_ctx *c, size_t off, const void *src, size_t n)
{
	if (c->error || !c->wr || off > c->pos || c->pos - off < n)
		return;
	memcpy(c->wr + off, src, n);
}

static inline void wire_ctx_patch_u8(struct wire_ctx *c, size_t off, uint8_t v)
{
	wire_ctx_patch(c, off, &v, 1);
}

static inline void wire_ctx_patch_u16(struct wire_ctx *c, size_t off, uint16_t v)
{
	v = htobe16(v);
	wire_ctx_patch(c, off, &v, 2);
}

static inline void wire_ctx_patch_u32(struct wire_ctx *c, size_t off, uint32_t v)
{
	v = htobe32(v);
	wire_ctx_patch(c, off, &v, 4);
}

#endif
