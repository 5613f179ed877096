/*
 * Informational exchanges of an established ISAKMP SA: Delete (ISAKMP and ESP), notifies,
 * dead peer detection (RFC 3706 R-U-THERE / R-U-THERE-ACK, `crypto isakmp keepalive`) and
 * NAT-T keepalives (RFC 3948 2.3).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev1_internal.h"

#define N_R_U_THERE 36136
#define N_R_U_THERE_ACK 36137

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct ikev1_sa *ikev1_tunnel_sa(struct ikev1_tunnel *t)
{
	return t->sa && t->sa->state == IKEV1_S_P1_DONE ? t->sa : NULL;
}

static void cookies(const struct ikev1_sa *sa, uint8_t out[16])
{
	memcpy(out, sa->icky, 8);
	memcpy(out + 8, sa->rcky, 8);
}

int ikev1_delete_child(struct ikev1_sa *sa, uint32_t spi_in)
{
	uint8_t chain[64], spi[4] = { spi_in >> 24, spi_in >> 16, spi_in >> 8, spi_in };
	struct wire_builder b;
	struct wire_payload p;
	size_t len;

	memset(&p, 0, sizeof(p));
	p.type = WIRE_PLV1_DELETE;
	p.u.del.doi = WIRE_DOI_IPSEC;
	p.u.del.proto = WIRE_PROTO_ESP;
	p.u.del.spi_size = 4;
	p.u.del.nspis = 1;
	p.u.del.spis.ptr = spi;
	p.u.del.spis.len = 4;
	wire_build_chain(&b, chain, sizeof(chain), 1);
	wire_build_add(&b, &p);
	if (wire_build_finish(&b, &len) < 0)
		return -EMSGSIZE;
	ikev1_debug(sa, "sending Delete for IPsec SA 0x%08x", spi_in);
	return ikev1_send_info(sa, chain, len, WIRE_PLV1_DELETE);
}

int ikev1_delete_p1(struct ikev1_sa *sa)
{
	uint8_t chain[64], cky[16];
	struct wire_builder b;
	struct wire_payload p;
	size_t len;

	if (sa->state == IKEV1_S_P1_DONE) {
		cookies(sa, cky);
		memset(&p, 0, sizeof(p));
		p.type = WIRE_PLV1_DELETE;
		p.u.del.doi = WIRE_DOI_IPSEC;
		p.u.del.proto = WIRE_PROTO_IKE;
		p.u.del.spi_size = 16;
		p.u.del.nspis = 1;
		p.u.del.spis.ptr = cky;
		p.u.del.spis.len = 16;
		wire_build_chain(&b, chain, sizeof(chain), 1);
		wire_build_add(&b, &p);
		if (wire_build_finish(&b, &len) == 0)
			ikev1_send_info(sa, chain, len, WIRE_PLV1_DELETE);
		ikev1_debug(sa, "sending Delete for the ISAKMP SA");
	}
	ikev1_sa_destroy(sa, "deleted");
	return 0;
}

/* The peer is gone (dead or deleted everything): drop the tunnel's SAs, come back if we may. */
static void tunnel_lost(struct ikev1_tunnel *t, const char *why)
{
	for (int i = 0; i < IKEV1_MAX_CHILDREN; i++)
		if (t->children[i].used)
			ikev1_child_remove(&t->children[i], false);
	if (t->cfg->initiate == CONFIG_INITIATE_ALWAYS && !t->cfg->shutdown)
		ikev1_tunnel_failed(t, why);
}

static void peer_deleted_child(struct ikev1_sa *sa, uint32_t spi)
{
	struct ikev1_tunnel *t = sa->tunnel_id ? ikev1_tunnel_get(sa->e, sa->tunnel_id) : NULL;

	if (!t)
		return;
	for (int i = 0; i < IKEV1_MAX_CHILDREN; i++) {
		struct ikev1_child *c = &t->children[i];

		if (!c->used || c->spi_out != spi)
			continue;
		ikev1_debug(sa, "peer deleted IPsec SA 0x%08x/0x%08x", c->spi_in, c->spi_out);
		ikev1_child_remove(c, false);
		if (!ikev1_child_current(t) && t->cfg->initiate == CONFIG_INITIATE_ALWAYS)
			ikev1_tunnel_schedule_reinit(t, IKEV1_REINIT_MIN_US / 5);
		return;
	}
}

/* The ACK of our latest R-U-THERE came: its round trip (at least 1 µs: 0 means none) for the
 * tunnels of this SA. */
static void dpd_rtt(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;
	uint64_t rtt = ikev1_now(e) - sa->dpd_sent_us;

	for (size_t i = 0; i < e->n_tunnels; i++)
		if (e->tunnels[i].sa == sa)
			e->tunnels[i].dpd_rtt_us = rtt ? rtt : 1;
}

static void send_dpd(struct ikev1_sa *sa, uint16_t type, uint32_t seq)
{
	uint8_t chain[64], cky[16], data[4] = { seq >> 24, seq >> 16, seq >> 8, seq };
	struct wire_builder b;
	size_t len;

	cookies(sa, cky);
	wire_build_chain(&b, chain, sizeof(chain), 1);
	wire_build_notify(&b, WIRE_PROTO_IKE, type, cky, 16, data, 4);
	if (wire_build_finish(&b, &len) == 0)
		ikev1_send_info(sa, chain, len, WIRE_PLV1_NOTIFY);
}

bool ikev1_info_input(struct ikev1_sa *sa, struct wire_msg *m)
{
	struct ikev1 *e = sa->e;
	const struct wire_payload *hp = NULL, *last = NULL, *p;
	size_t hlen = ike_prf_len(sa->keys.prf);
	uint8_t iv[16], ivn[16], want[64], mid[4];
	struct wire_err err;

	if (!m->enc.present || sa->state != IKEV1_S_P1_DONE)
		return true; /* unprotected notifies cannot be trusted: ignored */
	if (ike_v1_phase2_iv(&sa->keys, sa->p1_last, m->hdr.msgid, iv) < 0 ||
	    ikev1_open(sa, m, iv, ivn) < 0)
		return true;
	for (uint16_t i = 0; i < m->npayloads; i++) {
		if (!m->payloads[i].encrypted)
			continue;
		if (!hp && m->payloads[i].type == WIRE_PLV1_HASH)
			hp = &m->payloads[i];
		last = &m->payloads[i];
	}
	mid[0] = m->hdr.msgid >> 24;
	mid[1] = m->hdr.msgid >> 16;
	mid[2] = m->hdr.msgid >> 8;
	mid[3] = m->hdr.msgid;
	if (!hp || hp == last || hp->u.data.len != hlen)
		return true;
	{
		const uint8_t *rest = hp->raw.ptr + hp->raw.len;
		struct ike_buf parts[2] = { { mid, 4 },
					    { rest, (size_t)(last->raw.ptr + last->raw.len - rest) } };

		if (ike_prf_parts(sa->keys.prf, sa->keys.skeyid_a.ptr, sa->keys.skeyid_a.len, parts,
				  2, want) < 0 ||
		    CRYPTO_memcmp(want, hp->u.data.ptr, hlen) != 0) {
			ikev1_debug(sa, "Informational 0x%08x: HASH(1) does not verify: dropped",
				    m->hdr.msgid);
			return true;
		}
	}
	if (wire_validate(m, wire_rule_get(WIRE_R_V1_INFO_ENC), &err) < 0)
		return true;
	sa->last_in_us = ikev1_now(e);
	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV1_NOTIFY, i)); i++) {
		const struct wire_notify *n = &p->u.notify;

		if (n->type == N_R_U_THERE && n->data.len == 4) {
			sa->dpd_seq_peer = get32(n->data.ptr);
			send_dpd(sa, N_R_U_THERE_ACK, sa->dpd_seq_peer);
		} else if (n->type == N_R_U_THERE_ACK && n->data.len == 4) {
			if (get32(n->data.ptr) == sa->dpd_seq && sa->dpd_outstanding) {
				sa->dpd_outstanding = 0;
				dpd_rtt(sa);
			}
		} else {
			const char *name = wire_notify_name(1, n->type);

			ikev1_log(sa, IKE_LOG_INFO, NULL, "peer sent notify %s (%u)",
				  name ? name : "unknown", n->type);
		}
	}
	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV1_DELETE, i)); i++) {
		const struct wire_delete *d = &p->u.del;

		if (d->proto == WIRE_PROTO_IKE && d->spi_size == 16) {
			for (uint16_t k = 0; k < d->nspis; k++) {
				const uint8_t *s = wire_delete_spi(d, k);

				if (s && memcmp(s, sa->icky, 8) == 0 && memcmp(s + 8, sa->rcky, 8) == 0) {
					ikev1_log(sa, IKE_LOG_INFO, NULL, "peer deleted the ISAKMP SA");
					ikev1_sa_destroy(sa, "deleted by the peer");
					return false;
				}
			}
		} else if (d->proto == WIRE_PROTO_ESP && d->spi_size == 4) {
			for (uint16_t k = 0; k < d->nspis; k++) {
				const uint8_t *s = wire_delete_spi(d, k);

				if (s)
					peer_deleted_child(sa, get32(s));
			}
		}
	}
	return true;
}

/* ---- DPD ---- */

static uint32_t dpd_interval(const struct ikev1_sa *sa, uint32_t *retry, bool *periodic)
{
	const struct config *cfg = sa->e->cfg;

	*periodic = cfg->isakmp_keepalive_mode == CONFIG_KEEPALIVE_PERIODIC;
	if (sa->prof.v1 && sa->prof.v1->keepalive) {
		*retry = sa->prof.v1->keepalive_retry ? sa->prof.v1->keepalive_retry : 2;
		return sa->prof.v1->keepalive;
	}
	*retry = cfg->isakmp_keepalive_retry ? cfg->isakmp_keepalive_retry : 2;
	return cfg->isakmp_keepalive;
}

static uint64_t tunnel_decaps(struct ikev1_sa *sa)
{
	struct ikev1_tunnel *t = sa->tunnel_id ? ikev1_tunnel_get(sa->e, sa->tunnel_id) : NULL;
	struct ikev1_child *c = t ? ikev1_child_current(t) : NULL;
	struct ike_kernel_counters in, out;

	if (!c)
		return 0;
	ikev1_child_counters(c, &in, &out);
	return in.packets;
}

static void dpd_fire(struct ike_timer *tm, void *userdata)
{
	struct ikev1_sa *sa = userdata;
	struct ikev1 *e = sa->e;
	uint32_t retry;
	bool periodic;
	uint32_t interval = dpd_interval(sa, &retry, &periodic);
	uint64_t now = ikev1_now(e), decaps;

	(void)tm;
	if (!interval || sa->state != IKEV1_S_P1_DONE)
		return;
	if (sa->dpd_outstanding >= IKEV1_DPD_TRIES) {
		struct ikev1_tunnel *t =
			sa->tunnel_id ? ikev1_tunnel_get(e, sa->tunnel_id) : NULL;

		ikev1_log(sa, IKE_LOG_WARNING, "dpd-dead",
			  "peer is dead: %d R-U-THERE unanswered, deleting its SAs",
			  IKEV1_DPD_TRIES);
		ikev1_sa_destroy(sa, "dead peer");
		if (t)
			tunnel_lost(t, "dead peer");
		return;
	}
	decaps = tunnel_decaps(sa);
	if (sa->dpd_outstanding || periodic ||
	    (decaps == sa->dpd_last_decaps && sa->last_in_us + interval * 1000000ull <= now)) {
		sa->dpd_seq++;
		sa->dpd_outstanding++;
		sa->dpd_sent_us = now;
		send_dpd(sa, N_R_U_THERE, sa->dpd_seq);
		ike_timer_arm(&e->timers, &sa->dpd_timer, now + (uint64_t)retry * 1000000ull);
	} else {
		ike_timer_arm(&e->timers, &sa->dpd_timer, now + (uint64_t)interval * 1000000ull);
	}
	sa->dpd_last_decaps = decaps;
}

void ikev1_dpd_arm(struct ikev1_sa *sa)
{
	uint32_t retry;
	bool periodic;
	uint32_t interval = dpd_interval(sa, &retry, &periodic);

	if (!interval || !sa->peer_dpd)
		return;
	sa->dpd_timer.fn = dpd_fire;
	sa->dpd_timer.userdata = sa;
	ike_timer_arm(&sa->e->timers, &sa->dpd_timer,
		      ikev1_now(sa->e) + (uint64_t)interval * 1000000ull);
}

/* ---- NAT-T keepalives ---- */

static void natka_fire(struct ike_timer *tm, void *userdata)
{
	struct ikev1_sa *sa = userdata;
	struct ikev1 *e = sa->e;
	uint32_t s = e->cfg->nat_keepalive ? e->cfg->nat_keepalive : IKEV1_NATKA_DEFAULT_S;

	(void)tm;
	if (sa->state != IKEV1_S_P1_DONE)
		return;
	if (e->env.send_keepalive)
		e->env.send_keepalive(e->env.ctx, &sa->path);
	ike_timer_arm(&e->timers, &sa->natka_timer, ikev1_now(e) + (uint64_t)s * 1000000ull);
}

void ikev1_natka_arm(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;
	uint32_t s = e->cfg->nat_keepalive ? e->cfg->nat_keepalive : IKEV1_NATKA_DEFAULT_S;

	if (!sa->nat_local)
		return;
	sa->natka_timer.fn = natka_fire;
	sa->natka_timer.userdata = sa;
	ike_timer_arm(&e->timers, &sa->natka_timer, ikev1_now(e) + (uint64_t)s * 1000000ull);
}
