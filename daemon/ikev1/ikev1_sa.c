/*
 * ISAKMP SA objects: creation, the cookie tables, phase 1 states with their IOS names, the
 * log prefix "ISAKMP:(conn-id, cookies icky/rcky):", and destruction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev1_internal.h"

uint64_t ikev1_now(const struct ikev1 *e)
{
	return e->env.now(e->env.ctx);
}

const char *ikev1_cookie_str(const struct ikev1_sa *sa, char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x%02x%02x%02x%02x%02x%02x/%02x%02x%02x%02x%02x%02x%02x%02x",
		 sa->icky[0], sa->icky[1], sa->icky[2], sa->icky[3], sa->icky[4], sa->icky[5],
		 sa->icky[6], sa->icky[7], sa->rcky[0], sa->rcky[1], sa->rcky[2], sa->rcky[3],
		 sa->rcky[4], sa->rcky[5], sa->rcky[6], sa->rcky[7]);
	return buf;
}

/* One entry with the SA's prefix and journal fields (the caller decided it is wanted). */
static void emit(const struct ikev1_sa *sa, enum ike_log_level lvl, const char *event,
		 const char *text)
{
	const struct ikev1 *e = sa->e;
	char line[1200], cky[40], peer[CONFIG_ADDR_STRLEN];
	const struct ikev1_tunnel *t;
	struct ike_log_entry entry;

	if (!e->env.log)
		return;
	ikev1_cookie_str(sa, cky, sizeof(cky));
	snprintf(line, sizeof(line), "ISAKMP:(%llu, cookies %s):%s",
		 (unsigned long long)(IKEV1_CONN_ID_BASE + sa->id), cky, text);
	t = sa->tunnel_id ? ikev1_tunnel_get((struct ikev1 *)e, sa->tunnel_id) : NULL;
	memset(&entry, 0, sizeof(entry));
	entry.level = lvl;
	entry.text = line;
	entry.tunnel = t && t->cfg ? t->cfg->name : NULL;
	entry.peer = config_addr_str(&sa->path.remote, peer, sizeof(peer));
	entry.profile = sa->prof.v1 ? sa->prof.v1->name : NULL;
	entry.ike_spi = cky;
	entry.event = event;
	e->env.log(e->env.ctx, &entry);
}

void ikev1_log(const struct ikev1_sa *sa, enum ike_log_level lvl, const char *event,
	       const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if ((lvl == IKE_LOG_DEBUG && !sa->e->debug) || !sa->e->env.log)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	emit(sa, lvl, event, text);
}

static void trace_line(void *ctx, const char *text)
{
	ikev1_debug((struct ikev1_sa *)ctx, "%s", text);
}

/* `debug crypto pki`: the PKI lines of the selection and validation rules. */
static void trace_pki_line(void *ctx, const char *text)
{
	emit(ctx, IKE_LOG_DEBUG, NULL, text);
}

struct ike_trace ikev1_tracer(struct ikev1_sa *sa)
{
	struct ike_trace tr = { .line = trace_line, .ctx = sa };

	if (sa->e->debug_pki)
		tr.pki_line = trace_pki_line;
	return tr;
}

/* ---- states ---- */

/* IOS's internal names for the debug lines ("Old State = IKE_I_MM2 New State = IKE_I_MM3"). */
static const char *const state_debug[IKEV1_S_COUNT] = {
	[IKEV1_S_MM_I1] = "IKE_I_MM1",	 [IKEV1_S_MM_R2] = "IKE_R_MM2",
	[IKEV1_S_MM_I3] = "IKE_I_MM3",	 [IKEV1_S_MM_R4] = "IKE_R_MM4",
	[IKEV1_S_MM_I5] = "IKE_I_MM5",	 [IKEV1_S_AM_I1] = "IKE_I_AM1",
	[IKEV1_S_AM_R2] = "IKE_R_AM2",	 [IKEV1_S_P1_DONE] = "IKE_P1_COMPLETE",
	[IKEV1_S_DELETED] = "IKE_DEST_SA",
};

/* `show crypto isakmp sa` names. */
static const char *const state_show[IKEV1_S_COUNT] = {
	[IKEV1_S_MM_I1] = "MM_NO_STATE",  [IKEV1_S_MM_R2] = "MM_SA_SETUP",
	[IKEV1_S_MM_I3] = "MM_SA_SETUP",  [IKEV1_S_MM_R4] = "MM_KEY_EXCH",
	[IKEV1_S_MM_I5] = "MM_KEY_EXCH",  [IKEV1_S_AM_I1] = "AG_INIT_EXCH",
	[IKEV1_S_AM_R2] = "AG_INIT_EXCH", [IKEV1_S_P1_DONE] = "QM_IDLE",
	[IKEV1_S_DELETED] = "MM_NO_STATE",
};

const char *ikev1_state_name(const struct ikev1_sa *sa)
{
	return state_show[sa->state];
}

#define B(s) (1u << (s))
/* Which state may follow which: anything else is a bug, refused and logged. */
static const unsigned legal[IKEV1_S_COUNT] = {
	[IKEV1_S_MM_I1] = B(IKEV1_S_MM_I3) | B(IKEV1_S_DELETED),
	[IKEV1_S_MM_R2] = B(IKEV1_S_MM_R4) | B(IKEV1_S_DELETED),
	[IKEV1_S_MM_I3] = B(IKEV1_S_MM_I5) | B(IKEV1_S_DELETED),
	[IKEV1_S_MM_R4] = B(IKEV1_S_P1_DONE) | B(IKEV1_S_DELETED),
	[IKEV1_S_MM_I5] = B(IKEV1_S_P1_DONE) | B(IKEV1_S_DELETED),
	[IKEV1_S_AM_I1] = B(IKEV1_S_P1_DONE) | B(IKEV1_S_DELETED),
	[IKEV1_S_AM_R2] = B(IKEV1_S_P1_DONE) | B(IKEV1_S_DELETED),
	[IKEV1_S_P1_DONE] = B(IKEV1_S_DELETED),
	[IKEV1_S_DELETED] = 0,
};

void ikev1_sa_set_state(struct ikev1_sa *sa, enum ikev1_state st)
{
	if (sa->state == st)
		return;
	if (!(legal[sa->state] & B(st))) {
		ikev1_log(sa, IKE_LOG_ERR, NULL, "illegal state change %s -> %s refused",
			  state_debug[sa->state], state_debug[st]);
		return;
	}
	ikev1_debug(sa, "Old State = %s New State = %s", state_debug[sa->state], state_debug[st]);
	sa->state = st;
}

/* ---- cookie tables ---- */

static size_t bucket(const struct ikev1 *e, const uint8_t cky[8])
{
	uint64_t v;

	memcpy(&v, cky, 8); /* random bytes: any 64 bits of them hash well */
	v ^= v >> 29;
	return (size_t)(v * 0x9e3779b97f4a7c15ull >> 17) & (e->nbuckets - 1);
}

static const uint8_t *our_cky(const struct ikev1_sa *sa)
{
	return sa->initiator ? sa->icky : sa->rcky;
}

static void unlink_chain(struct ikev1_sa **head, struct ikev1_sa *sa, bool ours)
{
	for (struct ikev1_sa **pp = head; *pp; pp = ours ? &(*pp)->next_ours : &(*pp)->next_peer)
		if (*pp == sa) {
			*pp = ours ? sa->next_ours : sa->next_peer;
			return;
		}
}

static void table_del(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;

	if (sa->in_ours)
		unlink_chain(&e->by_ours[bucket(e, our_cky(sa))], sa, true);
	if (sa->in_peer)
		unlink_chain(&e->by_peer[bucket(e, sa->icky)], sa, false);
	sa->in_ours = sa->in_peer = false;
}

static int tables_grow(struct ikev1 *e)
{
	size_t n = e->nbuckets ? e->nbuckets * 2 : 64;
	struct ikev1_sa **o = calloc(n, sizeof(*o)), **p = calloc(n, sizeof(*p));

	if (!o || !p) {
		free(o);
		free(p);
		return -ENOMEM;
	}
	free(e->by_ours);
	free(e->by_peer);
	e->by_ours = o;
	e->by_peer = p;
	e->nbuckets = n;
	for (struct ikev1_sa *sa = e->all_head; sa; sa = sa->next_all) {
		bool ours = sa->in_ours, peer = sa->in_peer;

		if (ours) {
			size_t b = bucket(e, our_cky(sa));

			sa->next_ours = o[b];
			o[b] = sa;
		}
		if (peer) {
			size_t b = bucket(e, sa->icky);

			sa->next_peer = p[b];
			p[b] = sa;
		}
	}
	return 0;
}

static void table_add_ours(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;
	size_t b = bucket(e, our_cky(sa));

	sa->next_ours = e->by_ours[b];
	e->by_ours[b] = sa;
	sa->in_ours = true;
}

static void table_add_peer(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;
	size_t b = bucket(e, sa->icky);

	sa->next_peer = e->by_peer[b];
	e->by_peer[b] = sa;
	sa->in_peer = true;
}

struct ikev1_sa *ikev1_sa_new(struct ikev1 *e, bool initiator, const struct ike_path *path)
{
	struct ikev1_sa *sa;

	if (e->n_sas + 1 > e->nbuckets && tables_grow(e) < 0)
		return NULL;
	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->e = e;
	sa->id = ++e->next_id;
	sa->initiator = initiator;
	sa->path = *path;
	sa->state = initiator ? IKEV1_S_MM_I1 : IKEV1_S_MM_R2;
	sa->prof.version = IKE_V1;
	if (e->env.random(e->env.ctx, initiator ? sa->icky : sa->rcky, 8) < 0) {
		free(sa);
		return NULL;
	}
	ike_timer_init(&sa->retransmit_timer, NULL, sa);
	ike_timer_init(&sa->life_timer, NULL, sa);
	ike_timer_init(&sa->dpd_timer, NULL, sa);
	ike_timer_init(&sa->delete_timer, NULL, sa);
	ike_timer_init(&sa->natka_timer, NULL, sa);
	for (int i = 0; i < IKEV1_MAX_QM; i++)
		ike_timer_init(&sa->qm[i].timer, NULL, &sa->qm[i]);
	sa->prev_all = e->all_tail;
	if (e->all_tail)
		e->all_tail->next_all = sa;
	else
		e->all_head = sa;
	e->all_tail = sa;
	e->n_sas++;
	table_add_ours(sa);
	return sa;
}

/* The responder learns the initiator's cookie from MM1/AM1: index it for retransmissions. */
void ikev1_sa_set_rcky(struct ikev1_sa *sa, const uint8_t rcky[8])
{
	/* initiator side: the peer's (responder's) cookie; our table key does not change */
	memcpy(sa->rcky, rcky, 8);
}

static void index_peer(struct ikev1_sa *sa)
{
	if (!sa->initiator && !sa->in_peer)
		table_add_peer(sa);
}

struct ikev1_sa *ikev1_sa_find(struct ikev1 *e, const struct wire_hdr *h,
			       const struct config_addr *remote)
{
	static const uint8_t zero[8];

	if (!e->nbuckets)
		return NULL;
	/* we initiated: the initiator cookie is ours */
	for (struct ikev1_sa *sa = e->by_ours[bucket(e, h->ispi)]; sa; sa = sa->next_ours)
		if (sa->initiator && memcmp(sa->icky, h->ispi, 8) == 0 &&
		    (memcmp(h->rspi, zero, 8) == 0 || memcmp(sa->rcky, zero, 8) == 0 ||
		     memcmp(sa->rcky, h->rspi, 8) == 0))
			return sa;
	if (memcmp(h->rspi, zero, 8) != 0) {
		for (struct ikev1_sa *sa = e->by_ours[bucket(e, h->rspi)]; sa; sa = sa->next_ours)
			if (!sa->initiator && memcmp(sa->rcky, h->rspi, 8) == 0 &&
			    memcmp(sa->icky, h->ispi, 8) == 0)
				return sa;
		return NULL;
	}
	/* a retransmitted MM1/AM1: the responder SA made for it, same peer */
	for (struct ikev1_sa *sa = e->by_peer[bucket(e, h->ispi)]; sa; sa = sa->next_peer)
		if (memcmp(sa->icky, h->ispi, 8) == 0 && ike_addr_equal(&sa->path.remote, remote))
			return sa;
	return NULL;
}

void ikev1_sa_index_peer(struct ikev1_sa *sa)
{
	index_peer(sa);
}

void ikev1_sa_destroy(struct ikev1_sa *sa, const char *why)
{
	struct ikev1 *e = sa->e;
	struct ikev1_tunnel *t = sa->tunnel_id ? ikev1_tunnel_get(e, sa->tunnel_id) : NULL;

	ikev1_debug(sa, "deleting SA: %s", why);
	if (t && t->sa == sa)
		t->sa = NULL;
	if (t && t->nego == sa)
		t->nego = NULL;
	for (int i = 0; i < IKEV1_MAX_QM; i++)
		if (sa->qm[i].used)
			ikev1_qm_free(&sa->qm[i]);
	ike_timer_cancel(&e->timers, &sa->retransmit_timer);
	ike_timer_cancel(&e->timers, &sa->life_timer);
	ike_timer_cancel(&e->timers, &sa->dpd_timer);
	ike_timer_cancel(&e->timers, &sa->delete_timer);
	ike_timer_cancel(&e->timers, &sa->natka_timer);
	table_del(sa);
	if (sa->prev_all)
		sa->prev_all->next_all = sa->next_all;
	else
		e->all_head = sa->next_all;
	if (sa->next_all)
		sa->next_all->prev_all = sa->prev_all;
	else
		e->all_tail = sa->prev_all;
	e->n_sas--;
	ike_dh_free(sa->dh);
	ike_secret_free(&sa->gxy);
	ike_secret_free(&sa->psk);
	ike_v1_keys_free(&sa->keys);
	free(sa->sai_b);
	free(sa->cr_blob);
	free(sa->last_out);
	free(sa->last_in);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

/* ---- tunnels ---- */

struct ikev1_tunnel *ikev1_tunnel_get(struct ikev1 *e, uint32_t id)
{
	size_t lo = 0, hi = e->n_tunnels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->tunnels[mid].id == id)
			return &e->tunnels[mid];
		if (e->tunnels[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void ikev1_tunnel_schedule_reinit(struct ikev1_tunnel *t, uint64_t delay_us)
{
	ike_timer_arm(&t->e->timers, &t->reinit_timer, ikev1_now(t->e) + delay_us);
}

void ikev1_tunnel_failed(struct ikev1_tunnel *t, const char *why)
{
	uint64_t delay = IKEV1_REINIT_MIN_US;

	(void)why;
	if (!t->cfg || t->cfg->initiate != CONFIG_INITIATE_ALWAYS || t->cfg->shutdown)
		return;
	for (unsigned i = 0; i < t->failures && delay < IKEV1_REINIT_MAX_US; i++)
		delay *= 2;
	if (delay > IKEV1_REINIT_MAX_US)
		delay = IKEV1_REINIT_MAX_US;
	t->failures++;
	ikev1_tunnel_schedule_reinit(t, delay);
}
