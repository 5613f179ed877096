/*
 * IKE fragmentation (RFC 7383): messages of IKE_AUTH and later exchanges that would exceed the
 * fragment size go out as SKF fragments, each protected on its own; fragments that come in
 * are verified one by one and reassembled, one message per IKE SA at a time.
 *   HDR, SKF(1/n) {first part of the payloads} -->  ...  HDR, SKF(n/n) {last part} -->
 * Negotiated by N(IKEV2_FRAGMENTATION_SUPPORTED) in IKE_SA_INIT (ikev2_init.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev2_internal.h"

/* Largest IKE message of a fragment: the IP packet size minus IP, UDP and the non-ESP marker
 * (RFC 7383 2.5.1). */
static size_t frag_msg_max(const struct ikev2_sa *sa)
{
	bool v6 = sa->path.remote.family == AF_INET6;
	size_t ip = sa->e->frag_size ? sa->e->frag_size
				     : (v6 ? IKEV2_FRAG_SIZE_V6 : IKEV2_FRAG_SIZE_V4);
	size_t hdrs = (v6 ? 40 : 20) + 8 + (sa->path.local_port == 4500 ? 4 : 0);

	return ip > hdrs ? ip - hdrs : 0;
}

int ikev2_frag_seal(struct ikev2_sa *sa, const struct wire_hdr *h, const uint8_t *chain,
		    size_t chain_len, uint8_t first, uint8_t *out, size_t size)
{
	struct ikev2 *e = sa->e;
	const size_t skf_hdr = WIRE_HDR_LEN + WIRE_GHDR_LEN + 4;
	size_t max = frag_msg_max(sa), per, total, off = 0;
	uint8_t iv[16];
	int r;

	if (!sa->frag_ok || h->exchange == WIRE_EX2_IKE_SA_INIT ||
	    WIRE_HDR_LEN + WIRE_GHDR_LEN + ike_sk_body_len(&sa->suite, chain_len) <= max)
		return 0;
	per = max > skf_hdr ? ike_sk_plain_max(&sa->suite, max - skf_hdr) : 0;
	total = per ? (chain_len + per - 1) / per : SIZE_MAX;
	if (total > IKEV2_FRAG_MAX) {
		/* the peer would refuse so many: IP fragmentation is all that is left */
		ikev2_debug(sa,
			    "message of %zu bytes needs more than %d fragments of %zu bytes: "
			    "sent whole",
			    chain_len, IKEV2_FRAG_MAX, max);
		return 0;
	}
	for (size_t n = 1; n <= total; n++) {
		size_t plen = n < total ? per : chain_len - (n - 1) * per;
		struct wire_sk_layout lay;
		struct wire_builder b;
		size_t len;

		wire_build_msg(&b, out + off, size - off, h);
		wire_build_sk(&b, n == 1 ? first : 0, (uint16_t)n, (uint16_t)total,
			      ike_sk_body_len(&sa->suite, plen), &lay);
		r = wire_build_finish(&b, &len);
		if (r < 0)
			return r;
		/* every fragment gets an IV of its own (RFC 7383 2.5.3) */
		r = e->env.random(e->env.ctx, iv, ike_sk_iv_len(&sa->suite));
		if (r < 0)
			return r;
		r = ike_sk_encrypt(&sa->suite, sa->initiator ? &sa->keys.ei : &sa->keys.er,
				   sa->initiator ? &sa->keys.ai : &sa->keys.ar, out + off,
				   lay.aad_len, chain + (n - 1) * per, plen, iv);
		if (r < 0)
			return r;
		off += len;
	}
	ikev2_debug(sa, "message ID %u (%zu bytes of payloads) sent in %zu fragments", h->msgid,
		    chain_len, total);
	return (int)off;
}

void ikev2_frag_reset(struct ikev2_sa *sa)
{
	struct ikev2_reasm *r = sa->reasm;

	if (!r)
		return;
	for (int i = 0; i < IKEV2_FRAG_MAX; i++) {
		if (r->piece[i])
			OPENSSL_cleanse(r->piece[i], r->piece_len[i]);
		free(r->piece[i]);
	}
	free(r->first);
	free(r);
	sa->reasm = NULL;
}

/* Verify and decrypt one fragment into e->plain; false: forged or damaged. */
static bool open_fragment(struct ikev2_sa *sa, const struct wire_msg *m, size_t *ret_len)
{
	bool from_initiator = m->hdr.flags & WIRE_F2_INITIATOR;

	if (!sa->have_keys)
		return false;
	if (ike_sk_decrypt(&sa->suite, from_initiator ? &sa->keys.ei : &sa->keys.er,
			   from_initiator ? &sa->keys.ai : &sa->keys.ar, m->raw.ptr, m->enc.aad.len,
			   m->enc.body.len, sa->e->plain, ret_len) < 0) {
		ikev2_debug(sa,
			    "integrity check of fragment %u/%u of message ID %u failed: dropped",
			    m->enc.frag_num, m->enc.frag_total, m->hdr.msgid);
		return false;
	}
	return true;
}

bool ikev2_frag_verify(struct ikev2_sa *sa, const struct wire_msg *m)
{
	size_t len;

	if (m->enc.frag_total > IKEV2_FRAG_MAX || !open_fragment(sa, m, &len))
		return false;
	OPENSSL_cleanse(sa->e->plain, len);
	return true;
}

/* All fragments are in: the plaintext in order, decoded into fragment 1's message. */
static bool reassemble(struct ikev2_sa *sa, struct wire_msg *m)
{
	struct ikev2 *e = sa->e;
	struct ikev2_reasm *r = sa->reasm;
	size_t len = 0, first_len = r->first_len;
	struct wire_err err;
	char eb[160];

	for (uint16_t i = 0; i < r->total; i++) {
		if (r->piece_len[i])
			memcpy(e->plain + len, r->piece[i], r->piece_len[i]);
		len += r->piece_len[i];
	}
	/* the decoded message points into fragment 1's datagram until the next reassembly */
	free(e->reasm_hold);
	e->reasm_hold = r->first;
	r->first = NULL;
	ikev2_frag_reset(sa);
	if (wire_decode(m, e->reasm_hold, first_len, &err) < 0 || !m->enc.fragment ||
	    m->enc.frag_num != 1)
		return false;
	if (wire_decode_inner(m, e->plain, len, &err) < 0) {
		ikev2_debug(sa, "bad encrypted payloads in reassembled message ID %u: %s",
			    m->hdr.msgid, wire_err_str(&err, eb, sizeof(eb)));
		return false;
	}
	ikev2_debug(sa, "message ID %u reassembled from %u fragments (%zu bytes)", m->hdr.msgid,
		    m->enc.frag_total, len);
	return true;
}

bool ikev2_frag_input(struct ikev2_sa *sa, struct wire_msg *m)
{
	struct ikev2_reasm *r = sa->reasm;
	bool response = m->hdr.flags & WIRE_F2_RESPONSE;
	uint16_t num = m->enc.frag_num, total = m->enc.frag_total;
	uint64_t bit = 1ull << (num - 1);
	size_t len;

	if (total > IKEV2_FRAG_MAX) {
		ikev2_debug(sa, "fragment %u/%u of message ID %u: more than %d fragments: dropped",
			    num, total, m->hdr.msgid, IKEV2_FRAG_MAX);
		return false;
	}
	if (!open_fragment(sa, m, &len))
		return false;
	if (r && (r->msgid != m->hdr.msgid || r->response != response)) {
		/* RFC 7383 2.6.2: a newer message makes the incomplete one obsolete */
		ikev2_debug(sa, "message ID %u replaces the incomplete message ID %u", m->hdr.msgid,
			    r->msgid);
		ikev2_frag_reset(sa);
		r = NULL;
	}
	if (r && total != r->total) {
		/* RFC 7383 2.6.2: more fragments means the sender made them smaller (PMTU):
		 * start over; fewer is an old retransmission */
		ikev2_debug(sa, "fragment %u/%u of message ID %u: %s %u fragments", num, total,
			    m->hdr.msgid,
			    total > r->total ? "restarting, was" : "dropped, expecting", r->total);
		if (total < r->total)
			goto drop;
		ikev2_frag_reset(sa);
		r = NULL;
	}
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			goto drop;
		r->msgid = m->hdr.msgid;
		r->response = response;
		r->total = total;
		sa->reasm = r;
	}
	if (r->have & bit)
		goto drop; /* a retransmission of one we have */
	if (r->plain_len + len > IKEV2_FRAG_PLAIN_MAX) {
		ikev2_debug(sa, "message ID %u: fragments exceed %d bytes: discarded", m->hdr.msgid,
			    IKEV2_FRAG_PLAIN_MAX);
		ikev2_frag_reset(sa);
		goto drop;
	}
	if (len) {
		r->piece[num - 1] = malloc(len);
		if (!r->piece[num - 1])
			goto drop;
		memcpy(r->piece[num - 1], sa->e->plain, len);
	}
	if (num == 1) {
		r->first = malloc(m->raw.len);
		if (!r->first) {
			free(r->piece[num - 1]);
			r->piece[num - 1] = NULL;
			goto drop;
		}
		memcpy(r->first, m->raw.ptr, m->raw.len);
		r->first_len = m->raw.len;
	}
	r->piece_len[num - 1] = (uint16_t)len;
	r->have |= bit;
	r->plain_len += len;
	r->nrecv++;
	OPENSSL_cleanse(sa->e->plain, len);
	if (r->nrecv < r->total) {
		ikev2_debug(sa, "fragment %u/%u of message ID %u received", num, total,
			    m->hdr.msgid);
		return false;
	}
	return reassemble(sa, m);
drop:
	OPENSSL_cleanse(sa->e->plain, len);
	return false;
}
