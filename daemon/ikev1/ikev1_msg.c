/*
 * IKEv1 messages out and in: CBC protection of message bodies with the IV chaining of RFC
 * 2409 appendix B, sending with retransmission, duplicate detection, and Informational
 * exchanges (protected, and the plain notifies of a failed phase 1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev1_internal.h"

int ikev1_path_send(struct ikev1 *e, const struct ike_path *path, const void *buf, size_t len)
{
	return e->env.send(e->env.ctx, path, buf, len);
}

/* Send for an SA with IOS's debug line "sending packet to A my_port P peer_port Q (I) STATE". */
int ikev1_sa_send(struct ikev1_sa *sa, const void *buf, size_t len)
{
	char a[CONFIG_ADDR_STRLEN];

	ikev1_debug(sa, "sending packet to %s my_port %u peer_port %u (%c) %s",
		    config_addr_str(&sa->path.remote, a, sizeof(a)), sa->path.local_port,
		    sa->path.remote_port, sa->initiator ? 'I' : 'R', ikev1_state_name(sa));
	return ikev1_path_send(sa->e, &sa->path, buf, len);
}

struct ike_buf ikev1_body(const struct wire_payload *p)
{
	struct ike_buf b = { NULL, 0 };

	if (p && p->raw.len >= WIRE_GHDR_LEN) {
		b.ptr = p->raw.ptr + WIRE_GHDR_LEN;
		b.len = p->raw.len - WIRE_GHDR_LEN;
	}
	return b;
}

int ikev1_seal(struct ikev1_sa *sa, const struct wire_hdr *h, uint8_t first, size_t chain_len,
	       uint8_t *iv)
{
	struct ikev1 *e = sa->e;
	size_t blk = sa->keys.block, padded, len;
	struct wire_sk_layout lay;
	struct wire_builder b;
	struct wire_hdr hdr = *h;

	if (!sa->have_keys || !blk)
		return -EINVAL;
	/* RFC 2409 5.3 / appendix B: pad with zeros to the block size (the last byte is not a pad
	 * length in IKEv1; receivers ignore trailing bytes after the payload chain) */
	padded = (chain_len + blk - 1) / blk * blk;
	if (padded > IKEV1_MSG_MAX - WIRE_HDR_LEN)
		return -EMSGSIZE;
	memset(e->chain + chain_len, 0, padded - chain_len);
	hdr.flags |= WIRE_F1_ENCRYPTION;
	wire_build_msg(&b, e->out, IKEV1_MSG_MAX, &hdr);
	wire_build_v1_encrypted(&b, first, padded, &lay);
	if (wire_build_finish(&b, &len) < 0)
		return -EMSGSIZE;
	if (ike_v1_encrypt(&sa->keys, iv, e->chain, padded, e->out + lay.body_off) < 0)
		return -EIO;
	OPENSSL_cleanse(e->chain, padded);
	return (int)len;
}

int ikev1_open(struct ikev1_sa *sa, struct wire_msg *m, const uint8_t *iv, uint8_t *ret_iv_next)
{
	struct ikev1 *e = sa->e;
	struct wire_err err;
	uint8_t ivc[16];
	size_t blk = sa->keys.block;

	if (!sa->have_keys || !m->enc.present || !blk || m->enc.body.len == 0 ||
	    m->enc.body.len % blk || m->enc.body.len > IKEV1_MSG_MAX)
		return -EBADMSG;
	memcpy(ivc, iv, blk);
	if (ike_v1_decrypt(&sa->keys, ivc, m->enc.body.ptr, m->enc.body.len, e->plain) < 0)
		return -EBADMSG;
	if (wire_decode_inner(m, e->plain, m->enc.body.len, &err) < 0) {
		ikev1_debug(sa, "decrypted message does not parse (%s): wrong key or garbage",
			    err.what ? err.what : "?");
		return -EBADMSG;
	}
	memcpy(ret_iv_next, ivc, blk);
	return 0;
}

bool ikev1_is_retransmit(struct ikev1_sa *sa, const uint8_t *buf, size_t len)
{
	return sa->last_in && sa->last_in_len == len && memcmp(sa->last_in, buf, len) == 0;
}

void ikev1_remember_in(struct ikev1_sa *sa, const uint8_t *buf, size_t len)
{
	uint8_t *p = malloc(len);

	if (!p)
		return;
	memcpy(p, buf, len);
	free(sa->last_in);
	sa->last_in = p;
	sa->last_in_len = len;
}

void ikev1_retransmit_stop(struct ikev1_sa *sa)
{
	ike_timer_cancel(&sa->e->timers, &sa->retransmit_timer);
	sa->tries = 0;
}

static void retransmit_fire(struct ike_timer *tm, void *userdata)
{
	struct ikev1_sa *sa = userdata;
	struct ikev1 *e = sa->e;
	struct ikev1_tunnel *t;

	(void)tm;
	if (!sa->last_out)
		return;
	if (++sa->tries > IKEV1_RETRANSMIT_TRIES) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL,
			  "phase 1 with %s: no answer after %d retransmissions, giving up",
			  sa->remote_id[0] ? sa->remote_id : "the peer", IKEV1_RETRANSMIT_TRIES);
		t = sa->tunnel_id ? ikev1_tunnel_get(e, sa->tunnel_id) : NULL;
		ikev1_sa_destroy(sa, "retransmissions exhausted");
		if (t)
			ikev1_tunnel_failed(t, "no answer");
		return;
	}
	ikev1_debug(sa, "retransmitting phase 1 %s...", ikev1_state_name(sa));
	ikev1_sa_send(sa, sa->last_out, sa->last_out_len);
	ike_timer_arm(&e->timers, &sa->retransmit_timer,
		      ikev1_now(e) + (IKEV1_RETRANSMIT_BASE_US << sa->tries));
}

int ikev1_send_p1(struct ikev1_sa *sa, size_t len, bool expect_reply)
{
	struct ikev1 *e = sa->e;
	uint8_t *p = malloc(len);

	if (!p)
		return -ENOMEM;
	memcpy(p, e->out, len);
	free(sa->last_out);
	sa->last_out = p;
	sa->last_out_len = len;
	sa->tries = 0;
	sa->retransmit_timer.fn = retransmit_fire;
	sa->retransmit_timer.userdata = sa;
	if (expect_reply)
		ike_timer_arm(&e->timers, &sa->retransmit_timer,
			      ikev1_now(e) + IKEV1_RETRANSMIT_BASE_US);
	else
		ike_timer_cancel(&e->timers, &sa->retransmit_timer);
	return ikev1_sa_send(sa, p, len);
}

/*
 * HDR*, HASH(1), N/D with a fresh message ID: HASH(1) = prf(SKEYID_a, M-ID | N/D) (RFC 2409
 * 5.7); the IV derives from the phase 1 last block and the message ID.
 */
int ikev1_send_info(struct ikev1_sa *sa, const uint8_t *chain, size_t chain_len, uint8_t first)
{
	struct ikev1 *e = sa->e;
	uint8_t hash[64], iv[16], mid_be[4];
	size_t hlen = ike_prf_len(sa->keys.prf);
	struct wire_builder b;
	struct wire_hdr h;
	uint32_t msgid;
	size_t len;
	int r;

	if (!sa->have_keys || chain_len > IKEV1_MSG_MAX / 2)
		return -EINVAL;
	do {
		if (e->env.random(e->env.ctx, &msgid, sizeof(msgid)) < 0)
			return -EIO;
	} while (msgid == 0);
	mid_be[0] = msgid >> 24;
	mid_be[1] = msgid >> 16;
	mid_be[2] = msgid >> 8;
	mid_be[3] = msgid;
	{
		struct ike_buf parts[2] = { { mid_be, 4 }, { chain, chain_len } };

		if (ike_prf_parts(sa->keys.prf, sa->keys.skeyid_a.ptr, sa->keys.skeyid_a.len,
				  parts, 2, hash) < 0)
			return -EIO;
	}
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	wire_build_data(&b, WIRE_PLV1_HASH, hash, hlen);
	if (wire_build_finish(&b, &len) < 0 || len + chain_len > IKEV1_MSG_MAX / 2)
		return -EMSGSIZE;
	/* chain the caller's payloads after HASH: HASH's next payload is their first */
	e->chain[0] = first;
	memcpy(e->chain + len, chain, chain_len);
	memset(&h, 0, sizeof(h));
	memcpy(h.ispi, sa->icky, 8);
	memcpy(h.rspi, sa->rcky, 8);
	h.major = 1;
	h.exchange = WIRE_EX1_INFORMATIONAL;
	h.msgid = msgid;
	if (ike_v1_phase2_iv(&sa->keys, sa->p1_last, msgid, iv) < 0)
		return -EIO;
	r = ikev1_seal(sa, &h, WIRE_PLV1_HASH, len + chain_len, iv);
	if (r < 0)
		return r;
	return ikev1_sa_send(sa, e->out, (size_t)r);
}

void ikev1_send_plain_notify(struct ikev1 *e, const struct ike_path *path, const uint8_t icky[8],
			     const uint8_t rcky[8], uint16_t type)
{
	struct wire_builder b;
	struct wire_hdr h;
	size_t len;

	memset(&h, 0, sizeof(h));
	memcpy(h.ispi, icky, 8);
	memcpy(h.rspi, rcky, 8);
	h.major = 1;
	h.exchange = WIRE_EX1_INFORMATIONAL;
	wire_build_msg(&b, e->out, IKEV1_MSG_MAX, &h);
	wire_build_notify(&b, WIRE_PROTO_IKE, type, NULL, 0, NULL, 0);
	if (wire_build_finish(&b, &len) == 0)
		ikev1_path_send(e, path, e->out, len);
}

int ikev1_add_sa(struct wire_builder *b, struct wire_proposal *props, uint16_t n)
{
	struct wire_payload p;

	memset(&p, 0, sizeof(p));
	p.type = WIRE_PLV1_SA;
	p.u.sa.doi = WIRE_DOI_IPSEC;
	p.u.sa.situation = WIRE_SIT_IDENTITY_ONLY;
	p.u.sa.proposals = props;
	p.u.sa.nproposals = n;
	return wire_build_add(b, &p);
}

int ikev1_add_ke(struct wire_builder *b, const uint8_t *data, size_t len)
{
	struct wire_payload p;

	memset(&p, 0, sizeof(p));
	p.type = WIRE_PLV1_KE;
	p.u.ke.data.ptr = data;
	p.u.ke.data.len = len;
	return wire_build_add(b, &p);
}
