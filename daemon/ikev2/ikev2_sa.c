/*
 * IKE SA objects of the IKEv2 engine: creation, the SPI and half-open hash tables (O(1)
 * lookups, grown by doubling), the one function that changes an SA's state, logging with the
 * negotiation's SPIs, and teardown.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev2_internal.h"

static const char *const state_names[IKEV2_S_COUNT] = {
	[IKEV2_S_INIT_SENT] = "IN-NEG",	 [IKEV2_S_INIT_DONE] = "IN-NEG",
	[IKEV2_S_AUTH_SENT] = "IN-NEG",	 [IKEV2_S_ESTABLISHED] = "READY",
	[IKEV2_S_REKEYED] = "REKEYED",	 [IKEV2_S_DELETING] = "DELETE",
	[IKEV2_S_DEAD] = "DELETED",
};

/* Debug names of the states, for the transition lines. */
static const char *const state_debug[IKEV2_S_COUNT] = {
	[IKEV2_S_INIT_SENT] = "INIT_SENT",     [IKEV2_S_INIT_DONE] = "INIT_DONE",
	[IKEV2_S_AUTH_SENT] = "AUTH_SENT",     [IKEV2_S_ESTABLISHED] = "ESTABLISHED",
	[IKEV2_S_REKEYED] = "REKEYED",	       [IKEV2_S_DELETING] = "DELETING",
	[IKEV2_S_DEAD] = "DEAD",
};

/* Legal transitions: from -> bitmask of to. */
#define B(s) (1u << (s))
static const unsigned legal[IKEV2_S_COUNT] = {
	[IKEV2_S_INIT_SENT] = B(IKEV2_S_AUTH_SENT) | B(IKEV2_S_DEAD) | B(IKEV2_S_INIT_SENT) |
			      B(IKEV2_S_ESTABLISHED),
	[IKEV2_S_INIT_DONE] = B(IKEV2_S_ESTABLISHED) | B(IKEV2_S_DEAD),
	[IKEV2_S_AUTH_SENT] = B(IKEV2_S_ESTABLISHED) | B(IKEV2_S_DEAD),
	[IKEV2_S_ESTABLISHED] = B(IKEV2_S_REKEYED) | B(IKEV2_S_DELETING) | B(IKEV2_S_DEAD),
	[IKEV2_S_REKEYED] = B(IKEV2_S_DELETING) | B(IKEV2_S_DEAD),
	[IKEV2_S_DELETING] = B(IKEV2_S_DEAD),
	[IKEV2_S_DEAD] = 0,
};

const char *ikev2_state_name(enum ikev2_state st)
{
	return st < IKEV2_S_COUNT ? state_names[st] : "?";
}

uint64_t ikev2_now(const struct ikev2 *e)
{
	return e->env.now(e->env.ctx);
}

const char *ikev2_spi_str(const struct ikev2_sa *sa, char *buf, size_t len)
{
	size_t o = 0;

	for (int i = 0; i < 8 && o + 2 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", sa->ispi[i]);
	if (o + 1 < len)
		buf[o++] = '/';
	for (int i = 0; i < 8 && o + 2 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", sa->rspi[i]);
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

/* One entry with the SA's prefix and journal fields (the caller decided it is wanted). */
static void emit(const struct ikev2_sa *sa, enum ike_log_level lvl, const char *event,
		 const char *text)
{
	const struct ikev2 *e = sa->e;
	char line[1200], spi[40], peer[CONFIG_ADDR_STRLEN];
	const struct ikev2_tunnel *t = NULL;
	struct ike_log_entry entry;

	if (!e->env.log)
		return;
	ikev2_spi_str(sa, spi, sizeof(spi));
	snprintf(line, sizeof(line), "IKEv2:(SA ID = %llu, SPI %s):%s", (unsigned long long)sa->id,
		 spi, text);
	t = sa->tunnel_id ? ikev2_tunnel_get((struct ikev2 *)e, sa->tunnel_id) : NULL;
	memset(&entry, 0, sizeof(entry));
	entry.level = lvl;
	entry.text = line;
	entry.tunnel = t && t->cfg ? t->cfg->name : NULL;
	entry.peer = config_addr_str(&sa->path.remote, peer, sizeof(peer));
	entry.profile = sa->prof.v2 ? sa->prof.v2->name : NULL;
	entry.ike_spi = spi;
	entry.event = event;
	e->env.log(e->env.ctx, &entry);
}

void ikev2_log(const struct ikev2_sa *sa, enum ike_log_level lvl, const char *event,
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
	ikev2_debug((struct ikev2_sa *)ctx, "%s", text);
}

/* `debug crypto pki`: the PKI lines of the selection and validation rules. */
static void trace_pki_line(void *ctx, const char *text)
{
	emit(ctx, IKE_LOG_DEBUG, NULL, text);
}

struct ike_trace ikev2_tracer(struct ikev2_sa *sa)
{
	struct ike_trace tr = { .line = trace_line, .ctx = sa };

	if (sa->e->debug_pki)
		tr.pki_line = trace_pki_line;
	return tr;
}

void ikev2_sa_set_state(struct ikev2_sa *sa, enum ikev2_state st)
{
	if (sa->state == st && st != IKEV2_S_INIT_SENT)
		return;
	if (!(legal[sa->state] & B(st))) {
		ikev2_log(sa, IKE_LOG_ERR, NULL, "illegal state change %s -> %s refused",
			  state_debug[sa->state], state_debug[st]);
		return;
	}
	ikev2_debug(sa, "state %s -> %s", state_debug[sa->state], state_debug[st]);
	sa->state = st;
}

/* ---- hash tables ---- */

static uint64_t spi_u64(const uint8_t spi[8])
{
	uint64_t v;

	memcpy(&v, spi, 8);
	return v;
}

static size_t bucket_spi(const struct ikev2 *e, const uint8_t spi[8])
{
	/* our SPIs are random: their bits are the hash */
	return (size_t)(spi_u64(spi) * 0x9E3779B97F4A7C15ull >> 20) & (e->nbuckets - 1);
}

static size_t bucket_half(const struct ikev2 *e, const uint8_t ispi[8],
			  const struct config_addr *remote)
{
	uint64_t h = spi_u64(ispi) ^ 0x51afd7ed558ccd00ull;

	h ^= remote->family == AF_INET ? remote->v4.s_addr
				       : spi_u64(remote->v6.s6_addr) ^ spi_u64(remote->v6.s6_addr + 8);
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h & (e->nbuckets - 1);
}

static void table_insert_spi(struct ikev2 *e, struct ikev2_sa *sa);
static void table_insert_half(struct ikev2 *e, struct ikev2_sa *sa);

static int tables_grow(struct ikev2 *e)
{
	size_t n = e->nbuckets ? e->nbuckets * 2 : 1024;
	struct ikev2_sa **a = calloc(n, sizeof(*a)), **b = calloc(n, sizeof(*b));

	if (!a || !b) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	free(e->by_spi);
	free(e->half_open);
	e->by_spi = a;
	e->half_open = b;
	e->nbuckets = n;
	for (struct ikev2_sa *sa = e->all_head; sa; sa = sa->next_all) {
		if (sa->in_table)
			table_insert_spi(e, sa);
		if (sa->in_half_open)
			table_insert_half(e, sa);
	}
	return 0;
}

static const uint8_t *our_spi(const struct ikev2_sa *sa)
{
	return sa->initiator ? sa->ispi : sa->rspi;
}

static void table_insert_spi(struct ikev2 *e, struct ikev2_sa *sa)
{
	size_t b = bucket_spi(e, our_spi(sa));

	sa->next_spi = e->by_spi[b];
	e->by_spi[b] = sa;
	sa->in_table = true;
}

static void table_insert_half(struct ikev2 *e, struct ikev2_sa *sa)
{
	size_t b = bucket_half(e, sa->ispi, &sa->path.remote);

	sa->next_half = e->half_open[b];
	e->half_open[b] = sa;
	sa->in_half_open = true;
}

static void table_remove(struct ikev2_sa **table, size_t b, struct ikev2_sa *sa, bool half)
{
	for (struct ikev2_sa **p = &table[b]; *p; p = half ? &(*p)->next_half : &(*p)->next_spi) {
		if (*p == sa) {
			*p = half ? sa->next_half : sa->next_spi;
			return;
		}
	}
}

struct ikev2_sa *ikev2_sa_by_spi(struct ikev2 *e, const uint8_t spi[8])
{
	if (!e->nbuckets)
		return NULL;
	for (struct ikev2_sa *sa = e->by_spi[bucket_spi(e, spi)]; sa; sa = sa->next_spi)
		if (memcmp(our_spi(sa), spi, 8) == 0)
			return sa;
	return NULL;
}

struct ikev2_sa *ikev2_sa_half_open(struct ikev2 *e, const uint8_t ispi[8],
				    const struct config_addr *remote)
{
	if (!e->nbuckets)
		return NULL;
	for (struct ikev2_sa *sa = e->half_open[bucket_half(e, ispi, remote)]; sa;
	     sa = sa->next_half)
		if (memcmp(sa->ispi, ispi, 8) == 0 && ike_addr_equal(&sa->path.remote, remote))
			return sa;
	return NULL;
}

void ikev2_sa_half_open_del(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;

	if (!sa->in_half_open)
		return;
	table_remove(e->half_open, bucket_half(e, sa->ispi, &sa->path.remote), sa, true);
	sa->in_half_open = false;
	e->n_half_open--;
}

static void sa_timer(struct ike_timer *t, void *userdata);

/* A fresh SPI of ours, unique in the table, never zero. */
static int new_spi(struct ikev2 *e, uint8_t spi[8])
{
	static const uint8_t zero[8];

	for (int i = 0; i < 16; i++) {
		int r = e->env.random(e->env.ctx, spi, 8);

		if (r < 0)
			return r;
		if (memcmp(spi, zero, 8) != 0 && !ikev2_sa_by_spi(e, spi))
			return 0;
	}
	return -EAGAIN;
}

struct ikev2_sa *ikev2_sa_new(struct ikev2 *e, bool initiator, const struct ike_path *path)
{
	struct ikev2_sa *sa;

	if (e->n_sas + 1 > e->nbuckets && tables_grow(e) < 0)
		return NULL;
	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->e = e;
	sa->id = ++e->next_id;
	sa->initiator = initiator;
	sa->path = *path;
	sa->state = initiator ? IKEV2_S_INIT_SENT : IKEV2_S_INIT_DONE;
	if (new_spi(e, initiator ? sa->ispi : sa->rspi) < 0) {
		free(sa);
		return NULL;
	}
	ike_timer_init(&sa->retransmit_timer, sa_timer, sa);
	ike_timer_init(&sa->life_timer, sa_timer, sa);
	ike_timer_init(&sa->dpd_timer, sa_timer, sa);
	ike_timer_init(&sa->delete_timer, sa_timer, sa);
	ike_timer_init(&sa->natka_timer, sa_timer, sa);
	table_insert_spi(e, sa);
	sa->prev_all = e->all_tail;
	if (e->all_tail)
		e->all_tail->next_all = sa;
	else
		e->all_head = sa;
	e->all_tail = sa;
	e->n_sas++;
	return sa;
}

int ikev2_sa_set_rspi(struct ikev2_sa *sa, const uint8_t rspi[8])
{
	memcpy(sa->rspi, rspi, 8);
	return 0;
}

/* Responder SAs are also findable by the peer's SPI until IKE_AUTH completes. */
void ikev2_sa_half_open_add(struct ikev2_sa *sa)
{
	table_insert_half(sa->e, sa);
	sa->e->n_half_open++;
}

/* Every timer of an SA lands here: which one decides what to do. */
static void sa_timer(struct ike_timer *t, void *userdata)
{
	struct ikev2_sa *sa = userdata;
	struct ikev2 *e = sa->e;

	if (t == &sa->retransmit_timer) {
		if (!sa->req_buf)
			return;
		if (++sa->req_tries >= ikev2_retransmit_tries(sa)) {
			bool dpd = sa->req_kind == IKEV2_REQ_DPD;

			ikev2_log(sa, IKE_LOG_WARNING, dpd ? "dpd-dead" : NULL,
				  "%s: no answer from the peer after %d transmissions",
				  dpd ? "peer is dead (liveness check)" : "giving up", sa->req_tries);
			ikev2_sa_destroy(sa, dpd ? "peer dead" : "peer not responding");
			return;
		}
		ikev2_debug(sa, "Retransmitting packet (message ID %u, try %d)", sa->req_msgid,
			    sa->req_tries + 1);
		ikev2_path_send(e, &sa->path, sa->req_buf, sa->req_len);
		ike_timer_arm(&e->timers, &sa->retransmit_timer,
			      ikev2_now(e) + ikev2_retransmit_delay(sa, sa->req_tries));
	} else if (t == &sa->life_timer) {
		if (sa->refused) {
			ikev2_sa_destroy(sa, "IKE_AUTH refused");
		} else if (sa->state == IKEV2_S_INIT_DONE || sa->state == IKEV2_S_INIT_SENT ||
			   sa->state == IKEV2_S_AUTH_SENT) {
			ikev2_log(sa, IKE_LOG_WARNING, NULL, "negotiation timed out");
			ikev2_sa_destroy(sa, "negotiation timed out");
		} else if (sa->state == IKEV2_S_ESTABLISHED) {
			if (sa->initiator) {
				sa->queued_rekey_ike = true;
				ikev2_kick(sa);
			} else {
				/* the initiator did not rekey in time: do it ourselves */
				sa->queued_rekey_ike = true;
				ikev2_kick(sa);
			}
		} else {
			ikev2_sa_destroy(sa, "lifetime expired");
		}
	} else if (t == &sa->delete_timer) {
		ikev2_sa_destroy(sa, sa->state == IKEV2_S_REKEYED ? "rekeyed" : "deleted");
	}
}

static void release_spi(struct ikev2_sa *sa, uint32_t spi)
{
	const struct ike_kernel_ops *k = sa->e->env.kernel;

	if (!spi || !sa->tunnel_id)
		return;
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].spi_in == spi)
			return; /* installed: the child's removal deletes it */
	k->sa_del(k->ctx, sa->tunnel_id, &sa->path.local, spi);
}

void ikev2_sa_destroy(struct ikev2_sa *sa, const char *why)
{
	struct ikev2 *e = sa->e;
	struct ikev2_tunnel *t = sa->tunnel_id ? ikev2_tunnel_get(e, sa->tunnel_id) : NULL;
	bool had_children = false;

	/* SPIs we reserved for CHILD_SAs that never came (larval SAs in the kernel) */
	release_spi(sa, sa->child_spi_in);
	if (sa->req_kind == IKEV2_REQ_CHILD_REKEY)
		release_spi(sa, sa->pending_spi_in);
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++) {
		if (sa->children[i].used) {
			had_children = had_children || sa->children[i].installed;
			ikev2_child_remove(&sa->children[i], true);
		}
	}
	if (sa->rekey_new) {
		sa->rekey_new->rekey_new = NULL;
		if (sa->rekey_new->state != IKEV2_S_ESTABLISHED)
			ikev2_sa_destroy(sa->rekey_new, "rekey abandoned");
		sa->rekey_new = NULL;
	}
	ikev2_debug(sa, "IKE SA removed: %s", why);
	ike_timer_cancel(&e->timers, &sa->retransmit_timer);
	ike_timer_cancel(&e->timers, &sa->life_timer);
	ike_timer_cancel(&e->timers, &sa->dpd_timer);
	ike_timer_cancel(&e->timers, &sa->delete_timer);
	ike_timer_cancel(&e->timers, &sa->natka_timer);
	ikev2_sa_half_open_del(sa);
	if (sa->in_table) {
		table_remove(e->by_spi, bucket_spi(e, our_spi(sa)), sa, false);
		sa->in_table = false;
	}
	if (sa->prev_all)
		sa->prev_all->next_all = sa->next_all;
	else
		e->all_head = sa->next_all;
	if (sa->next_all)
		sa->next_all->prev_all = sa->prev_all;
	else
		e->all_tail = sa->prev_all;
	e->n_sas--;
	if (t && t->nego == sa) {
		t->nego = NULL;
		if (!t->sa)
			ikev2_tunnel_failed(t, why);
	}
	if (t && t->sa == sa) {
		t->sa = NULL;
		if (had_children)
			ikev2_log(sa, IKE_LOG_NOTICE, "tunnel-down", "%s down: %s", t->cfg->name,
				  why);
		if (!t->nego)
			ikev2_tunnel_failed(t, why);
	}
	ike_dh_free(sa->dh);
	ike_dh_free(sa->pending_dh);
	ike_v2_keys_free(&sa->keys);
	ikev2_frag_reset(sa);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->req_buf);
	free(sa->resp_buf);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}
