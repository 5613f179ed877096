/*
 * Batches: many XFRM requests sent back to back (several nlmsgs per sendmsg, each with its own
 * sequence number and NLM_F_ACK), one result per request. Also the ownership flush, which finds
 * our objects by reqid in a dump and deletes them through a batch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfrm_internal.h"

/* Per sendmsg: bounded so the ACKs (one skb each) fit the receive buffer. */
#define XFRM_CHUNK_MSGS 128
#define XFRM_CHUNK_BYTES (64 * 1024)
#define XFRM_BATCH_MIN_CAP (16 * 1024)

struct xfrm_batch {
	uint8_t *buf; /* messages back to back, each padded to 4 bytes */
	size_t len, cap;
	size_t count;
};

int xfrm_batch_new(struct xfrm_batch **ret)
{
	struct xfrm_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	*ret = b;
	return 0;
}

void xfrm_batch_reset(struct xfrm_batch *b)
{
	if (b->buf)
		explicit_bzero(b->buf, b->cap);
	b->len = 0;
	b->count = 0;
}

void xfrm_batch_free(struct xfrm_batch *b)
{
	if (!b)
		return;
	xfrm_batch_reset(b);
	free(b->buf);
	free(b);
}

size_t xfrm_batch_count(const struct xfrm_batch *b)
{
	return b->count;
}

const void *xfrm_batch_data(const struct xfrm_batch *b, size_t *ret_len)
{
	*ret_len = b->len;
	return b->buf;
}

/* Room for one more message of any kind. Never realloc: the old buffer may hold keys. */
static int batch_reserve(struct xfrm_batch *b)
{
	size_t cap;
	uint8_t *buf;

	if (b->cap - b->len >= XFRM_MSG_SIZE_MAX)
		return 0;
	cap = b->cap ? b->cap * 2 : XFRM_BATCH_MIN_CAP;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (b->buf) {
		memcpy(buf, b->buf, b->len);
		explicit_bzero(b->buf, b->cap);
		free(b->buf);
	}
	b->buf = buf;
	b->cap = cap;
	return 0;
}

static int batch_commit(struct xfrm_batch *b, int built)
{
	const struct nlmsghdr *nlh = (const void *)(b->buf + b->len);

	if (built < 0) {
		explicit_bzero(b->buf + b->len, b->cap - b->len);
		return built;
	}
	b->len += MNL_ALIGN(nlh->nlmsg_len);
	b->count++;
	return 0;
}

static uint8_t *batch_tail(struct xfrm_batch *b)
{
	return b->buf + b->len;
}

static size_t batch_room(const struct xfrm_batch *b)
{
	return b->cap - b->len;
}

int xfrm_batch_spi_alloc(struct xfrm_batch *b, const struct xfrm_spi_req *req)
{
	int r = batch_reserve(b);

	return r < 0 ? r : batch_commit(b, xfrm_build_spi_alloc(batch_tail(b), batch_room(b), req));
}

int xfrm_batch_sa_add(struct xfrm_batch *b, const struct xfrm_sa *sa)
{
	int r = batch_reserve(b);

	return r < 0 ? r : batch_commit(b, xfrm_build_sa_add(batch_tail(b), batch_room(b), sa));
}

int xfrm_batch_sa_update(struct xfrm_batch *b, const struct xfrm_sa *sa)
{
	int r = batch_reserve(b);

	return r < 0 ? r : batch_commit(b, xfrm_build_sa_update(batch_tail(b), batch_room(b), sa));
}

int xfrm_batch_sa_del(struct xfrm_batch *b, const struct xfrm_sa_id *id)
{
	int r = batch_reserve(b);

	return r < 0 ? r : batch_commit(b, xfrm_build_sa_del(batch_tail(b), batch_room(b), id));
}

int xfrm_batch_policy_add(struct xfrm_batch *b, const struct xfrm_policy *pol)
{
	int r = batch_reserve(b);

	return r < 0 ? r
		     : batch_commit(b, xfrm_build_policy_add(batch_tail(b), batch_room(b), pol));
}

int xfrm_batch_policy_update(struct xfrm_batch *b, const struct xfrm_policy *pol)
{
	int r = batch_reserve(b);

	return r < 0 ? r
		     : batch_commit(b, xfrm_build_policy_update(batch_tail(b), batch_room(b), pol));
}

int xfrm_batch_policy_del(struct xfrm_batch *b, const struct xfrm_policy_id *id)
{
	int r = batch_reserve(b);

	return r < 0 ? r : batch_commit(b, xfrm_build_policy_del(batch_tail(b), batch_room(b), id));
}

static void fail_pending(struct xfrm_error *results, size_t from, size_t to, int r)
{
	for (size_t i = from; i < to; i++)
		if (results[i].err == XFRM_ERR_PENDING)
			xfrm_local_error(&results[i], r);
}

/* Sends messages [first, first + n) starting at byte off, then collects their n ACKs. */
static int send_chunk(struct xfrm_handle *h, struct xfrm_batch *b, size_t off, size_t len,
		      size_t first, size_t n, struct xfrm_error *results)
{
	uint32_t seq_first = h->seq + 1;
	size_t answered = 0, pos = off;

	for (size_t i = 0; i < n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + pos);

		nlh->nlmsg_seq = seq_first + (uint32_t)i;
		nlh->nlmsg_pid = h->portid; /* the kernel names it in the events it causes */
		pos += MNL_ALIGN(nlh->nlmsg_len);
	}
	h->seq += (uint32_t)n;
	if (mnl_socket_sendto(h->nl, b->buf + off, len) < 0)
		return -errno;
	explicit_bzero(b->buf + off, len);
	while (answered < n) {
		ssize_t got = xfrm_recv(h);
		size_t a = 0;
		int r;

		if (got < 0)
			return (int)got;
		r = xfrm_acks_parse(h->rx, (size_t)got, seq_first, results + first, n, &a);
		explicit_bzero(h->rx, (size_t)got);
		answered += a;
		if (r < 0)
			return r;
	}
	return 0;
}

int xfrm_batch_send(struct xfrm_handle *h, struct xfrm_batch *b, struct xfrm_error *results,
		    size_t n_results)
{
	size_t off = 0, idx = 0;
	int r = 0;

	if (n_results < b->count) {
		xfrm_batch_reset(b);
		return -EINVAL;
	}
	for (size_t i = 0; i < b->count; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].err = XFRM_ERR_PENDING;
	}
	while (idx < b->count) {
		size_t start = off, first = idx, n = 0;

		while (idx < b->count && n < XFRM_CHUNK_MSGS) {
			const struct nlmsghdr *nlh = (const void *)(b->buf + off);
			size_t mlen = MNL_ALIGN(nlh->nlmsg_len);

			if (n > 0 && off + mlen - start > XFRM_CHUNK_BYTES)
				break;
			off += mlen;
			idx++;
			n++;
		}
		r = send_chunk(h, b, start, off - start, first, n, results);
		if (r < 0) {
			fail_pending(results, first, b->count, r);
			break;
		}
	}
	r = 0;
	for (size_t i = 0; i < b->count && r == 0; i++)
		r = results[i].err;
	xfrm_batch_reset(b);
	return r;
}

/* ---- Ownership flush ---- */

struct owned {
	uint32_t lo, hi;
	struct xfrm_batch *batch;
	size_t n;
};

static bool reqid_owned(const struct owned *o, uint32_t reqid)
{
	return reqid >= o->lo && reqid <= o->hi;
}

static int owned_policy_cb(const struct xfrm_policy *pol, void *userdata)
{
	struct owned *o = userdata;
	struct xfrm_policy_id id;

	for (size_t i = 0; i < pol->n_tmpls; i++) {
		if (reqid_owned(o, pol->tmpls[i].reqid)) {
			xfrm_policy_to_id(pol, &id);
			o->n++;
			return xfrm_batch_policy_del(o->batch, &id);
		}
	}
	return 0;
}

static int owned_sa_cb(const struct xfrm_sa_info *sa, void *userdata)
{
	struct owned *o = userdata;
	struct xfrm_sa_id id;

	if (!reqid_owned(o, sa->reqid))
		return 0;
	xfrm_sa_info_to_id(sa, &id);
	o->n++;
	return xfrm_batch_sa_del(o->batch, &id);
}

/* Dumps (restarting from scratch when interrupted), then deletes what the dump selected. */
static int flush_kind(struct xfrm_handle *h, struct owned *o, bool policies, size_t *ret_deleted,
		      struct xfrm_error *err)
{
	struct xfrm_error *results;
	size_t deleted = 0;
	int r = -EINTR;

	for (int i = 0; i < XFRM_DUMP_TRIES && r == -EINTR; i++) {
		xfrm_batch_reset(o->batch);
		o->n = 0;
		r = policies ? xfrm_policy_dump_once(h, owned_policy_cb, o, err)
			     : xfrm_sa_dump_once(h, owned_sa_cb, o, err);
	}
	if (r < 0)
		return r;
	if (o->n == 0)
		return 0;
	results = calloc(o->n, sizeof(*results));
	if (!results)
		return xfrm_local_error(err, -ENOMEM);
	xfrm_batch_send(h, o->batch, results, o->n);
	r = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (results[i].err == 0)
			deleted++;
		else if (results[i].err != -ENOENT && results[i].err != -ESRCH && r == 0) {
			/* gone already (ENOENT: policy, ESRCH: SA) is what we wanted */
			r = results[i].err;
			if (err)
				*err = results[i];
		}
	}
	free(results);
	*ret_deleted = deleted;
	return r;
}

int xfrm_flush_owned(struct xfrm_handle *h, uint32_t reqid_min, uint32_t reqid_max,
		     size_t *ret_policies, size_t *ret_sas, struct xfrm_error *err)
{
	struct owned o = { .lo = reqid_min, .hi = reqid_max };
	size_t np = 0, ns = 0;
	int r;

	if (reqid_min == 0 || reqid_min > reqid_max)
		return xfrm_local_error(err, -EINVAL);
	xfrm_local_error(err, 0);
	r = xfrm_batch_new(&o.batch);
	if (r < 0)
		return xfrm_local_error(err, r);
	/* Policies first, so no new ACQUIRE creates SAs while we delete them. */
	r = flush_kind(h, &o, true, &np, err);
	if (r == 0)
		r = flush_kind(h, &o, false, &ns, err);
	xfrm_batch_free(o.batch);
	if (ret_policies)
		*ret_policies = np;
	if (ret_sas)
		*ret_sas = ns;
	return r;
}
