/*
 * INFORMATIONAL (RFC 7296 1.4, 2.4): Delete of the IKE SA or of CHILD_SAs, and liveness checks
 * (an empty request, "DPD"), both roles:
 *   HDR, SK {[N,] [D,] ...}  -->  <--  HDR, SK {[N,] [D,] ...}
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2_internal.h"

#define DPD_TRIES 5

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int add_delete(struct wire_builder *b, uint8_t proto, const uint8_t *spis, uint16_t n)
{
	struct wire_payload p = { .type = WIRE_PLV2_DELETE };

	p.u.del.proto = proto;
	p.u.del.spi_size = proto == WIRE_PROTO_IKE ? 0 : 4;
	p.u.del.nspis = n;
	p.u.del.spis.ptr = spis;
	p.u.del.spis.len = (size_t)n * p.u.del.spi_size;
	return wire_build_add(b, &p);
}

void ikev2_info_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid)
{
	uint8_t chain[2048], ours[4 * 64];
	struct wire_builder b;
	const struct wire_payload *p;
	bool delete_ike = false;
	uint16_t n_ours = 0;
	size_t clen;

	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV2_DELETE, i)); i++) {
		const struct wire_delete *d = &p->u.del;

		if (d->proto == WIRE_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		if (d->proto != WIRE_PROTO_ESP || d->spi_size != 4)
			continue;
		for (uint16_t j = 0; j < d->nspis && n_ours < 64; j++) {
			struct ikev2_child *c = ikev2_child_by_spi_out(sa, get32(wire_delete_spi(d, j)));

			if (!c)
				continue;
			put32(ours + 4 * n_ours++, c->spi_in);
			ikev2_debug(sa, "peer deletes CHILD_SA 0x%08x/0x%08x", c->spi_in,
				    c->spi_out);
			/* a rekey's old CHILD_SA: its successor starts sending first */
			ikev2_child_out_install_tunnel(sa, c->tunnel_id);
			ikev2_child_remove(c, true);
		}
	}
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	if (n_ours && !delete_ike)
		add_delete(&b, WIRE_PROTO_ESP, ours, n_ours);
	if (wire_build_finish(&b, &clen) < 0)
		clen = 0;
	ikev2_send_response(sa, WIRE_EX2_INFORMATIONAL, msgid, chain, clen,
			    clen ? b.first : WIRE_PL_NONE);
	if (delete_ike) {
		ikev2_log(sa, sa->state == IKEV2_S_REKEYED ? IKE_LOG_DEBUG : IKE_LOG_INFO,
			  NULL, "peer deleted the IKE SA");
		ikev2_sa_destroy(sa, "deleted by the peer");
		return;
	}
	if (n_ours) {
		struct ikev2_tunnel *t = ikev2_tunnel_get(sa->e, sa->tunnel_id);
		bool any = false;

		for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
			any = any || (sa->children[i].used && sa->children[i].installed);
		if (!any && t && t->sa == sa && sa->state == IKEV2_S_ESTABLISHED) {
			/* a route-based tunnel without CHILD_SA: start over */
			ikev2_log(sa, IKE_LOG_INFO, NULL,
				  "last CHILD_SA deleted by the peer: deleting the IKE SA");
			ikev2_delete_ike_start(sa);
		}
	}
}

void ikev2_info_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	enum ikev2_req_kind kind = sa->req_kind;
	int tries = sa->req_tries;

	(void)m;
	ikev2_request_done(sa);
	switch (kind) {
	case IKEV2_REQ_DELETE_IKE:
		ikev2_sa_destroy(sa, "deleted");
		return;
	case IKEV2_REQ_DELETE_CHILD:
		for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
			if (sa->children[i].used && sa->children[i].rekeyed &&
			    sa->children[i].delete_sent)
				ikev2_child_remove(&sa->children[i], true);
		break;
	case IKEV2_REQ_DPD:
		ikev2_debug(sa, "liveness check answered");
		/* its round trip (at least 1 µs: 0 means none), unless it was retransmitted:
		 * which send would the answer be for? */
		for (size_t i = 0; tries == 0 && i < sa->e->n_tunnels; i++) {
			uint64_t rtt = ikev2_now(sa->e) - sa->dpd_sent_us;

			if (sa->e->tunnels[i].sa == sa)
				sa->e->tunnels[i].dpd_rtt_us = rtt ? rtt : 1;
		}
		break;
	default:
		break;
	}
	ikev2_kick(sa);
}

int ikev2_delete_ike_start(struct ikev2_sa *sa)
{
	uint8_t chain[64];
	struct wire_builder b;
	size_t clen;
	int r;

	if (sa->state == IKEV2_S_DELETING || sa->state == IKEV2_S_DEAD)
		return 0;
	if (sa->state != IKEV2_S_ESTABLISHED && sa->state != IKEV2_S_REKEYED) {
		ikev2_sa_destroy(sa, "deleted");
		return 0;
	}
	if (sa->req_buf) {
		/* the window is busy: drop the pending request, Delete goes first */
		ikev2_request_done(sa);
	}
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	add_delete(&b, WIRE_PROTO_IKE, NULL, 0);
	r = wire_build_finish(&b, &clen);
	if (r == 0)
		r = ikev2_send_request(sa, WIRE_EX2_INFORMATIONAL, IKEV2_REQ_DELETE_IKE, chain,
				       clen, b.first);
	ikev2_sa_set_state(sa, IKEV2_S_DELETING);
	if (r < 0) {
		ikev2_sa_destroy(sa, "deleted");
		return r;
	}
	return 0;
}

int ikev2_delete_child_start(struct ikev2_sa *sa, struct ikev2_child *c)
{
	uint8_t chain[64], spi[4];
	struct wire_builder b;
	size_t clen;
	int r;

	c->rekeyed = true;
	if (sa->req_buf || sa->state != IKEV2_S_ESTABLISHED) {
		c->delete_queued = true;
		return 0;
	}
	put32(spi, c->spi_in);
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	add_delete(&b, WIRE_PROTO_ESP, spi, 1);
	r = wire_build_finish(&b, &clen);
	if (r == 0)
		r = ikev2_send_request(sa, WIRE_EX2_INFORMATIONAL, IKEV2_REQ_DELETE_CHILD, chain,
				       clen, b.first);
	if (r < 0) {
		ikev2_child_remove(c, true);
		return r;
	}
	c->delete_sent = true;
	c->delete_queued = false;
	return 0;
}

int ikev2_dpd_start(struct ikev2_sa *sa)
{
	int r;

	ikev2_debug(sa, "Sending liveness check (DPD)");
	r = ikev2_send_request(sa, WIRE_EX2_INFORMATIONAL, IKEV2_REQ_DPD, NULL, 0, WIRE_PL_NONE);
	if (r == 0)
		sa->dpd_sent_us = ikev2_now(sa->e);
	return r;
}

/* Should a liveness check go out now? Periodic: yes. On demand: only when nothing came
 * from the peer (IKE or ESP) during the last interval. */
static bool dpd_needed(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	const struct config_ikev2_profile *p = sa->prof.v2;
	uint64_t interval = (uint64_t)p->dpd_interval * 1000000ull;
	struct ike_kernel_counters c = { 0 };
	uint64_t decaps = 0;

	if (p->dpd_mode == CONFIG_DPD_PERIODIC)
		return true;
	if (ikev2_now(e) - sa->last_in_us < interval)
		return false;
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++) {
		struct ikev2_child *ch = &sa->children[i];

		if (ch->used && ch->installed &&
		    e->env.kernel->sa_counters(e->env.kernel->ctx, ch->tunnel_id, &sa->path.local,
					       ch->spi_in, &c) == 0)
			decaps += c.packets;
	}
	if (decaps != sa->dpd_last_decaps) {
		sa->dpd_last_decaps = decaps;
		return false;
	}
	return true;
}

static void dpd_timer(struct ike_timer *t, void *userdata)
{
	struct ikev2_sa *sa = userdata;

	(void)t;
	if (sa->state != IKEV2_S_ESTABLISHED || !sa->prof.v2 || !sa->prof.v2->dpd_interval)
		return;
	if (dpd_needed(sa)) {
		sa->queued_dpd = true;
		ikev2_kick(sa);
	}
	ikev2_dpd_arm(sa);
}

void ikev2_dpd_arm(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;

	if (!sa->prof.v2 || !sa->prof.v2->dpd_interval)
		return;
	ike_timer_init(&sa->dpd_timer, dpd_timer, sa);
	ike_timer_arm(&e->timers, &sa->dpd_timer,
		      ikev2_now(e) + (uint64_t)sa->prof.v2->dpd_interval * 1000000ull);
}

static void natka_timer(struct ike_timer *t, void *userdata)
{
	struct ikev2_sa *sa = userdata;
	struct ikev2 *e = sa->e;

	(void)t;
	if (sa->state != IKEV2_S_ESTABLISHED || !sa->nat_local || !e->env.send_keepalive)
		return;
	e->env.send_keepalive(e->env.ctx, &sa->path);
	ikev2_natka_arm(sa);
}

/* Behind a NAT we keep its mapping alive (RFC 3948 2.3): `crypto isakmp nat keepalive N`
 * sets the interval, else 20 s. */
void ikev2_natka_arm(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	uint32_t s = e->cfg && e->cfg->nat_keepalive ? e->cfg->nat_keepalive
						     : IKEV2_NATKA_DEFAULT_S;

	if (!sa->nat_local || !e->env.send_keepalive)
		return;
	ike_timer_init(&sa->natka_timer, natka_timer, sa);
	ike_timer_arm(&e->timers, &sa->natka_timer, ikev2_now(e) + (uint64_t)s * 1000000ull);
}

/* Retransmission interval of a request: DPD uses the profile's retry interval. */
uint64_t ikev2_retransmit_delay(const struct ikev2_sa *sa, int tries)
{
	if (sa->req_kind == IKEV2_REQ_DPD && sa->prof.v2 && sa->prof.v2->dpd_retry)
		return (uint64_t)sa->prof.v2->dpd_retry * 1000000ull;
	return IKEV2_RETRANSMIT_BASE_US << tries;
}

int ikev2_retransmit_tries(const struct ikev2_sa *sa)
{
	return sa->req_kind == IKEV2_REQ_DPD ? DPD_TRIES : IKEV2_RETRANSMIT_TRIES;
}
