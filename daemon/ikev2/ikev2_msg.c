/*
 * Messages of an IKE SA on the way out: header, SK protection (RFC 7296 3.14), message IDs,
 * the one request in flight with exponential-backoff retransmission, the cached last response
 * for retransmitted requests (window size 1, RFC 7296 2.3), and the queue of exchanges waiting
 * for the window. A fragmented message (ikev2_frag.c) is kept as its fragments laid end to end
 * and always sent, retransmitted and re-sent whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2_internal.h"

int ikev2_path_send(struct ikev2 *e, const struct ike_path *path, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int r = 0, s_last;

	/* fragments laid end to end: cut each at its header's Length */
	while (len > WIRE_HDR_LEN) {
		uint32_t mlen = (uint32_t)p[24] << 24 | (uint32_t)p[25] << 16 |
				(uint32_t)p[26] << 8 | p[27];
		int s;

		if (mlen < WIRE_HDR_LEN || mlen >= len)
			break;
		s = e->env.send(e->env.ctx, path, p, mlen);
		if (s < 0 && r == 0)
			r = s;
		p += mlen;
		len -= mlen;
	}
	s_last = e->env.send(e->env.ctx, path, p, len);
	return r < 0 ? r : s_last;
}

static size_t iv_len(const struct ike_sk_suite *s)
{
	if (ike_encr_is_aead(s->encr))
		return 8;
	return s->encr == WIRE_ENCR_3DES ? 8 : 16;
}

/* Protect a payload chain into out: one SK message, or SKF fragments when it is too large for
 * the path and the peer takes them. Returns the length (of all fragments) or -errno. */
static int seal(struct ikev2_sa *sa, uint8_t exchange, uint32_t msgid, bool response,
		const uint8_t *chain, size_t chain_len, uint8_t first, uint8_t *out, size_t size)
{
	struct ikev2 *e = sa->e;
	struct wire_hdr h = { .major = 2, .minor = 0, .exchange = exchange, .msgid = msgid };
	struct wire_builder b;
	struct wire_sk_layout lay;
	uint8_t iv[16];
	size_t len;
	int r;

	memcpy(h.ispi, sa->ispi, 8);
	memcpy(h.rspi, sa->rspi, 8);
	h.flags = (sa->initiator ? WIRE_F2_INITIATOR : 0) | (response ? WIRE_F2_RESPONSE : 0);
	r = ikev2_frag_seal(sa, &h, chain, chain_len, first, out, size);
	if (r != 0)
		return r;
	wire_build_msg(&b, out, size, &h);
	wire_build_sk(&b, first, 0, 0, ike_sk_body_len(&sa->suite, chain_len), &lay);
	r = wire_build_finish(&b, &len);
	if (r < 0)
		return r;
	r = e->env.random(e->env.ctx, iv, iv_len(&sa->suite));
	if (r < 0)
		return r;
	r = ike_sk_encrypt(&sa->suite, sa->initiator ? &sa->keys.ei : &sa->keys.er,
			   sa->initiator ? &sa->keys.ai : &sa->keys.ar, out, lay.aad_len, chain,
			   chain_len, iv);
	if (r < 0)
		return r;
	return (int)len;
}

static int keep_request(struct ikev2_sa *sa, enum ikev2_req_kind kind, const uint8_t *msg,
			size_t len, uint32_t msgid)
{
	struct ikev2 *e = sa->e;
	uint8_t *copy = malloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, msg, len);
	free(sa->req_buf);
	sa->req_buf = copy;
	sa->req_len = len;
	sa->req_msgid = msgid;
	sa->req_kind = kind;
	sa->req_tries = 0;
	ikev2_path_send(e, &sa->path, copy, len);
	return ike_timer_arm(&e->timers, &sa->retransmit_timer,
			     ikev2_now(e) + ikev2_retransmit_delay(sa, 0));
}

int ikev2_send_raw_request(struct ikev2_sa *sa, enum ikev2_req_kind kind, const uint8_t *msg,
			   size_t len)
{
	int r = keep_request(sa, kind, msg, len, sa->msgid_next_out);

	if (r == 0)
		sa->msgid_next_out++;
	return r;
}

int ikev2_send_request(struct ikev2_sa *sa, uint8_t exchange, enum ikev2_req_kind kind,
		       const uint8_t *chain, size_t chain_len, uint8_t first)
{
	struct ikev2 *e = sa->e;
	int len;

	if (sa->req_buf)
		return -EBUSY;
	len = seal(sa, exchange, sa->msgid_next_out, false, chain, chain_len, first, e->out,
		   IKEV2_OUT_MAX);
	if (len < 0)
		return len;
	return ikev2_send_raw_request(sa, kind, e->out, (size_t)len);
}

int ikev2_send_raw_response(struct ikev2_sa *sa, uint32_t msgid, const uint8_t *msg, size_t len)
{
	uint8_t *copy = malloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, msg, len);
	free(sa->resp_buf);
	sa->resp_buf = copy;
	sa->resp_len = len;
	sa->resp_msgid = msgid;
	sa->resp_valid = true;
	sa->msgid_next_in = msgid + 1;
	return ikev2_path_send(sa->e, &sa->path, copy, len);
}

int ikev2_send_response(struct ikev2_sa *sa, uint8_t exchange, uint32_t msgid,
			const uint8_t *chain, size_t chain_len, uint8_t first)
{
	struct ikev2 *e = sa->e;
	int len = seal(sa, exchange, msgid, true, chain, chain_len, first, e->out, IKEV2_OUT_MAX);

	if (len < 0)
		return len;
	return ikev2_send_raw_response(sa, msgid, e->out, (size_t)len);
}

int ikev2_send_notify_response(struct ikev2_sa *sa, uint8_t exchange, uint32_t msgid,
			       uint16_t type, const void *data, size_t len)
{
	uint8_t chain[512];
	struct wire_builder b;
	size_t clen;
	int r;

	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	wire_build_notify(&b, 0, type, NULL, 0, data, len);
	r = wire_build_finish(&b, &clen);
	if (r < 0)
		return r;
	return ikev2_send_response(sa, exchange, msgid, chain, clen, b.first);
}

void ikev2_send_plain_notify(struct ikev2 *e, const struct ike_path *path,
			     const struct wire_hdr *req, uint16_t type, const void *data,
			     size_t len)
{
	struct wire_hdr h = { .major = 2, .exchange = req->exchange, .msgid = req->msgid,
			      .flags = WIRE_F2_RESPONSE };
	struct wire_builder b;
	uint8_t buf[512];
	size_t out;

	memcpy(h.ispi, req->ispi, 8);
	wire_build_msg(&b, buf, sizeof(buf), &h);
	wire_build_notify(&b, 0, type, NULL, 0, data, len);
	if (wire_build_finish(&b, &out) == 0)
		ikev2_path_send(e, path, buf, out);
}

void ikev2_request_done(struct ikev2_sa *sa)
{
	ike_timer_cancel(&sa->e->timers, &sa->retransmit_timer);
	free(sa->req_buf);
	sa->req_buf = NULL;
	sa->req_len = 0;
	sa->req_kind = IKEV2_REQ_NONE;
}

static bool queued_child_delete(struct ikev2_sa *sa)
{
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++) {
		if (sa->children[i].used && sa->children[i].delete_queued) {
			ikev2_delete_child_start(sa, &sa->children[i]);
			return true;
		}
	}
	return false;
}

/* One exchange at a time: start the most urgent queued one when the window is free. */
void ikev2_kick(struct ikev2_sa *sa)
{
	if (sa->req_buf || sa->state != IKEV2_S_ESTABLISHED)
		return;
	if (sa->queued_delete) {
		sa->queued_delete = false;
		ikev2_delete_ike_start(sa);
	} else if (sa->queued_rekey_ike) {
		sa->queued_rekey_ike = false;
		if (ikev2_ike_rekey_start(sa) < 0)
			ikev2_log(sa, IKE_LOG_ERR, NULL, "cannot start the IKE SA rekey");
	} else if (sa->queued_rekey_child) {
		sa->queued_rekey_child = false;
		if (ikev2_child_rekey_start(sa) < 0)
			ikev2_log(sa, IKE_LOG_ERR, NULL, "cannot start the CHILD_SA rekey");
	} else if (queued_child_delete(sa)) {
		/* started inside */
	} else if (sa->queued_dpd) {
		sa->queued_dpd = false;
		ikev2_dpd_start(sa);
	}
}
