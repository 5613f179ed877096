/*
 * CHILD_SAs (RFC 7296 1.3, 2.17) of a route-based tunnel: keys into the kernel (inbound
 * first, make-before-break), counters retired into the tunnel's totals on removal, the
 * 0.0.0.0/0 traffic selectors, lifetimes, and the CREATE_CHILD_SA exchange:
 *   rekey CHILD_SA: HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr}  -->
 *                                        <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
 *   rekey IKE SA:   HDR, SK {SA, Ni, KEi}  -->  <--  HDR, SK {SA, Nr, KEr}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev2_internal.h"

#define CHILD_GRACE_US 2000000ull    /* old CHILD_SA kept this long after a rekey */
#define REKEYED_IKE_US 30000000ull   /* old IKE SA kept this long waiting for its Delete */
#define CHILD_OUT_WAIT_US 10000000ull /* responder: new outbound SA at the latest after this */

/* ---- traffic selectors ---- */

static bool ts_full_v4(const struct wire_ts *t)
{
	static const uint8_t zero[4], ones[4] = { 255, 255, 255, 255 };

	return t->type == WIRE_TS_IPV4_ADDR_RANGE && t->proto == 0 && t->start_port == 0 &&
	       t->end_port == 65535 && t->start.len == 4 && t->end.len == 4 &&
	       memcmp(t->start.ptr, zero, 4) == 0 && memcmp(t->end.ptr, ones, 4) == 0;
}

static bool ts_list_any(const struct wire_payload *p)
{
	if (!p)
		return false;
	for (uint8_t i = 0; i < p->u.ts.count; i++)
		if (ts_full_v4(&p->u.ts.ts[i]))
			return true;
	return false;
}

bool ikev2_ts_is_any(const struct wire_payload *tsi, const struct wire_payload *tsr)
{
	return ts_list_any(tsi) && ts_list_any(tsr);
}

int ikev2_ts_add_any(struct wire_builder *b, uint8_t type)
{
	static const uint8_t zero[4], ones[4] = { 255, 255, 255, 255 };
	struct wire_ts t = { .type = WIRE_TS_IPV4_ADDR_RANGE, .start_port = 0, .end_port = 65535,
			     .start = { zero, 4 }, .end = { ones, 4 } };
	struct wire_payload p = { .type = type };

	p.u.ts.ts = &t;
	p.u.ts.count = 1;
	return wire_build_add(b, &p);
}

/* ---- install / remove ---- */

static uint32_t child_lifetime(const struct config_interface *tun, const struct config *cfg,
			       uint64_t *ret_kb)
{
	const struct config_ipsec_profile *ip = tun ? tun->protection : NULL;
	uint32_t s = ip && ip->lifetime.seconds ? ip->lifetime.seconds
						: cfg->ipsec_lifetime.seconds;
	bool kb_off = (ip && ip->lifetime.kilobytes_disable) || cfg->ipsec_lifetime.kilobytes_disable;

	*ret_kb = kb_off ? 0
			 : (ip && ip->lifetime.kilobytes ? ip->lifetime.kilobytes
							 : cfg->ipsec_lifetime.kilobytes);
	return s ? s : 3600;
}

struct ikev2_child *ikev2_child_by_spi_out(struct ikev2_sa *sa, uint32_t spi_out)
{
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].spi_out == spi_out)
			return &sa->children[i];
	return NULL;
}

struct ikev2_child *ikev2_child_by_spi_in(struct ikev2_sa *sa, uint32_t spi_in)
{
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].spi_in == spi_in)
			return &sa->children[i];
	return NULL;
}

/* The tunnel's current (not rekeyed) CHILD_SA. */
static struct ikev2_child *current_child(struct ikev2_sa *sa)
{
	struct ikev2_child *best = NULL;

	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++) {
		struct ikev2_child *c = &sa->children[i];

		if (c->used && c->installed && !c->rekeyed &&
		    (!best || c->established_us > best->established_us))
			best = c;
	}
	return best;
}

static void child_timer(struct ike_timer *t, void *userdata)
{
	struct ikev2_child *c = userdata;
	struct ikev2_sa *sa = c->sa;

	if (t == &c->rekey_timer) {
		if (c->rekeyed || sa->state != IKEV2_S_ESTABLISHED)
			return;
		sa->rekey_child = c;
		sa->queued_rekey_child = true;
		ikev2_kick(sa);
	} else if (t == &c->out_timer) {
		/* the initiator did not delete the old CHILD_SA in time: switch anyway */
		ikev2_child_out_install(c);
	} else if (t == &c->expire_timer) {
		/* a rekeyed child whose Delete never came, or our grace period ended */
		if (c->rekeyed)
			ikev2_delete_child_start(sa, c);
	}
}

void ikev2_child_timers_arm(struct ikev2_child *c)
{
	struct ikev2 *e = c->sa->e;
	uint64_t life = c->lifetime_s * 1000000ull;
	/* the IKE initiator rekeys first (90 %), the responder only if that did not happen */
	uint64_t at = c->established_us + (c->sa->initiator ? life / 10 * 9 : life / 20 * 19);
	uint8_t jitter;

	ike_timer_init(&c->rekey_timer, child_timer, c);
	ike_timer_init(&c->expire_timer, child_timer, c);
	ike_timer_init(&c->out_timer, child_timer, c);
	if (c->out_pending)
		ike_timer_arm(&e->timers, &c->out_timer, ikev2_now(e) + CHILD_OUT_WAIT_US);
	if (c->rekeyed) {
		ike_timer_arm(&e->timers, &c->expire_timer, ikev2_now(e) + CHILD_GRACE_US);
		return;
	}
	if (e->env.random(e->env.ctx, &jitter, 1) == 0 && c->sa->initiator)
		at -= life / 50 * jitter / 255; /* up to 2 % earlier */
	ike_timer_arm(&e->timers, &c->rekey_timer, at);
}

static struct ikev2_child *child_slot(struct ikev2_sa *sa)
{
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
		if (!sa->children[i].used)
			return &sa->children[i];
	return NULL;
}

int ikev2_child_install(struct ikev2_sa *sa, uint32_t tunnel_id, const struct ikev2_esp *esp,
			uint32_t spi_in, uint32_t spi_out, const struct ike_secret *gir,
			const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
			bool initiator_keys, struct ikev2_child **ret)
{
	struct ikev2 *e = sa->e;
	const struct ike_kernel_ops *k = e->env.kernel;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, tunnel_id);
	size_t el = ike_esp_encr_keylen(esp->encr, esp->key_bits);
	size_t il = esp->integ == WIRE_INTEG_NONE ? 0 : ike_esp_integ_keylen(esp->integ);
	struct ike_secret km = { 0 };
	struct ike_kernel_sa in = { 0 }, out = { 0 };
	struct ikev2_child *c = child_slot(sa);
	bool nat = sa->nat_local || sa->nat_remote;
	uint64_t kb;
	char err[256] = "", es[64];
	int r;

	if (!c || !t)
		return -ENOSPC;
	r = ike_v2_child_keymat(sa->alg.prf, &sa->keys.d, gir, ni, ni_len, nr, nr_len,
				2 * (el + il), &km);
	if (r < 0)
		return r;
	memset(c, 0, sizeof(*c));
	c->sa = sa;
	c->tunnel_id = tunnel_id;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->esp = *esp;
	c->lifetime_s = child_lifetime(t->cfg, e->cfg, &kb);

	in.tunnel_id = out.tunnel_id = tunnel_id;
	in.inbound = true;
	in.src = sa->path.remote;
	in.dst = sa->path.local;
	out.src = sa->path.local;
	out.dst = sa->path.remote;
	in.spi = spi_in;
	out.spi = spi_out;
	in.encr = out.encr = esp->encr;
	in.key_bits = out.key_bits = esp->key_bits;
	in.integ = out.integ = esp->integ;
	/* KEYMAT: initiator->responder keys first (encryption then integrity), then back */
	{
		const uint8_t *ir = km.ptr, *ri = km.ptr + el + il;
		const uint8_t *ink = initiator_keys ? ri : ir, *outk = initiator_keys ? ir : ri;

		in.enc_key = ink;
		in.enc_key_len = el;
		in.integ_key = il ? ink + el : NULL;
		in.integ_key_len = il;
		out.enc_key = outk;
		out.enc_key_len = el;
		out.integ_key = il ? outk + el : NULL;
		out.integ_key_len = il;
	}
	in.replay_window = e->cfg->replay_window ? e->cfg->replay_window : 64;
	if (nat) {
		in.encap_sport = sa->path.remote_port;
		in.encap_dport = sa->path.local_port;
		out.encap_sport = sa->path.local_port;
		out.encap_dport = sa->path.remote_port;
	}
	/* our timers rekey first; the kernel's soft expiry is the back-up, hard is the end */
	in.hard_seconds = out.hard_seconds = c->lifetime_s + 60;
	in.soft_seconds = out.soft_seconds = c->lifetime_s - c->lifetime_s / 50;
	if (kb) {
		in.hard_bytes = out.hard_bytes = kb * 1024;
		in.soft_bytes = out.soft_bytes = kb * 1024 / 10 * 9;
	}
	r = k->sa_add(k->ctx, &in, err, sizeof(err));
	if (r == 0)
		ikev2_export_esp(e, &in);
	if (r == 0 && sa->defer_out && el + il <= sizeof(c->out_keys)) {
		/* keep the outbound SA back (make-before-break on the responder) */
		c->out_sa = out;
		memcpy(c->out_keys, out.enc_key, el);
		if (il)
			memcpy(c->out_keys + el, out.integ_key, il);
		c->out_pending = true;
	} else if (r == 0) {
		r = k->sa_add(k->ctx, &out, err, sizeof(err));
		if (r < 0)
			k->sa_del(k->ctx, tunnel_id, &in.dst, spi_in);
		else
			ikev2_export_esp(e, &out);
	}
	sa->defer_out = false;
	ike_secret_free(&km);
	if (r < 0) {
		OPENSSL_cleanse(c->out_keys, sizeof(c->out_keys));
		ikev2_log(sa, IKE_LOG_ERR, NULL, "kernel refused the CHILD_SA %s: %s",
			  ikev2_esp_str(esp, es, sizeof(es)), err[0] ? err : "error");
		memset(c, 0, sizeof(*c));
		return r;
	}
	c->used = true;
	c->installed = true;
	c->established_us = ikev2_now(e);
	/* the reserved SPI now belongs to the child */
	if (sa->child_spi_in == spi_in)
		sa->child_spi_in = 0;
	if (sa->pending_spi_in == spi_in)
		sa->pending_spi_in = 0;
	ikev2_child_timers_arm(c);
	ikev2_debug(sa, "CHILD_SA installed on %s: in 0x%08x out 0x%08x %s%s", t->cfg->name,
		    spi_in, spi_out, ikev2_esp_str(esp, es, sizeof(es)), nat ? " UDP-encap" : "");
	if (ret)
		*ret = c;
	return 0;
}

/* ---- key export (ikegwd --export-keys): only when the daemon set the callback ---- */

void ikev2_export_esp(struct ikev2 *e, const struct ike_kernel_sa *ks)
{
	struct ike_key_export x = { .kind = IKE_KEYX_ESP, .esp = ks };

	if (e->env.export_keys)
		e->env.export_keys(e->env.ctx, &x);
}

void ikev2_export_ike(struct ikev2_sa *sa)
{
	const struct ike_env *env = &sa->e->env;
	struct ike_key_export x = { .kind = IKE_KEYX_IKEV2 };

	if (!env->export_keys || !sa->have_keys)
		return;
	memcpy(x.ispi, sa->ispi, 8);
	memcpy(x.rspi, sa->rspi, 8);
	x.encr = sa->alg.encr;
	x.key_bits = sa->alg.key_bits;
	x.integ = sa->alg.integ;
	x.sk_ei = sa->keys.ei.ptr;
	x.sk_er = sa->keys.er.ptr;
	x.enc_len = sa->keys.ei.len;
	if (sa->keys.ai.len) {
		x.sk_ai = sa->keys.ai.ptr;
		x.sk_ar = sa->keys.ar.ptr;
		x.integ_len = sa->keys.ai.len;
	}
	env->export_keys(env->ctx, &x);
}

static void add_counters(struct ike_kernel_counters *sum, const struct ike_kernel_counters *c)
{
	sum->packets += c->packets;
	sum->bytes += c->bytes;
	sum->replay_errors += c->replay_errors;
	sum->integrity_errors += c->integrity_errors;
}

static void linger_end(struct ikev2_linger *l, bool delete_sa)
{
	struct ikev2 *e = l->e;
	const struct ike_kernel_ops *k = e->env.kernel;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, l->tunnel_id);
	struct ike_kernel_counters now = { 0 };

	ike_timer_cancel(&e->timers, &l->timer);
	if (delete_sa) {
		/* what arrived while it lingered joins the tunnel's retired counters */
		if (t && k->sa_counters(k->ctx, l->tunnel_id, &l->dst, l->spi, &now) == 0 &&
		    now.packets >= l->base.packets) {
			t->retired_in.packets += now.packets - l->base.packets;
			t->retired_in.bytes += now.bytes - l->base.bytes;
			t->retired_in.replay_errors += now.replay_errors - l->base.replay_errors;
			t->retired_in.integrity_errors +=
				now.integrity_errors - l->base.integrity_errors;
		}
		k->sa_del(k->ctx, l->tunnel_id, &l->dst, l->spi);
	}
	l->used = false;
}

static void linger_fire(struct ike_timer *tm, void *userdata)
{
	(void)tm;
	linger_end(userdata, true);
}

void ikev2_linger_flush(struct ikev2 *e, bool delete_sas)
{
	for (int i = 0; i < IKEV2_LINGER_MAX; i++)
		if (e->linger[i].used)
			linger_end(&e->linger[i], delete_sas);
}

/* Keep a replaced CHILD_SA's inbound SA a moment; false when there is no room (delete now). */
static bool linger_add(struct ikev2_sa *sa, uint32_t tunnel_id, uint32_t spi,
		       const struct ike_kernel_counters *base)
{
	struct ikev2 *e = sa->e;

	for (int i = 0; i < IKEV2_LINGER_MAX; i++) {
		struct ikev2_linger *l = &e->linger[i];

		if (l->used)
			continue;
		memset(l, 0, sizeof(*l));
		l->used = true;
		l->e = e;
		l->tunnel_id = tunnel_id;
		l->dst = sa->path.local;
		l->spi = spi;
		l->base = *base;
		ike_timer_init(&l->timer, linger_fire, l);
		ike_timer_arm(&e->timers, &l->timer, ikev2_now(e) + IKEV2_LINGER_US);
		return true;
	}
	return false;
}

void ikev2_child_remove(struct ikev2_child *c, bool retire_counters)
{
	struct ikev2_sa *sa = c->sa;
	struct ikev2 *e = sa->e;
	const struct ike_kernel_ops *k = e->env.kernel;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, c->tunnel_id);

	ike_timer_cancel(&e->timers, &c->rekey_timer);
	ike_timer_cancel(&e->timers, &c->expire_timer);
	ike_timer_cancel(&e->timers, &c->out_timer);
	/* whoever removes a rekey's old CHILD_SA (either side's Delete, a timer): its successor's
	 * held-back outbound SA goes in first, so the tunnel never has none */
	if (c->rekeyed && sa->state == IKEV2_S_ESTABLISHED)
		ikev2_child_out_install_tunnel(sa, c->tunnel_id);
	if (c->installed) {
		struct ike_kernel_counters ci = { 0 }, co = { 0 };

		if (retire_counters && t) {
			if (k->sa_counters(k->ctx, c->tunnel_id, &sa->path.local, c->spi_in, &ci) ==
			    0)
				add_counters(&t->retired_in, &ci);
			if (k->sa_counters(k->ctx, c->tunnel_id, &sa->path.remote, c->spi_out,
					   &co) == 0)
				add_counters(&t->retired_out, &co);
		}
		k->sa_del(k->ctx, c->tunnel_id, &sa->path.remote, c->spi_out);
		if (c->rekeyed && retire_counters && linger_add(sa, c->tunnel_id, c->spi_in, &ci))
			ikev2_debug(sa, "CHILD_SA 0x%08x/0x%08x removed (inbound lingers %llu ms)",
				    c->spi_in, c->spi_out,
				    (unsigned long long)(IKEV2_LINGER_US / 1000));
		else {
			k->sa_del(k->ctx, c->tunnel_id, &sa->path.local, c->spi_in);
			ikev2_debug(sa, "CHILD_SA 0x%08x/0x%08x removed", c->spi_in, c->spi_out);
		}
	}
	OPENSSL_cleanse(c, sizeof(*c));
	c->rekey_timer.index = SIZE_MAX;
	c->expire_timer.index = SIZE_MAX;
	c->out_timer.index = SIZE_MAX;
}

void ikev2_child_out_install(struct ikev2_child *c)
{
	struct ikev2_sa *sa = c->sa;
	const struct ike_kernel_ops *k = sa->e->env.kernel;
	char err[256] = "";
	int r;

	if (!c->used || !c->out_pending)
		return;
	ike_timer_cancel(&sa->e->timers, &c->out_timer);
	c->out_sa.enc_key = c->out_keys;
	c->out_sa.integ_key = c->out_sa.integ_key_len ? c->out_keys + c->out_sa.enc_key_len : NULL;
	r = k->sa_add(k->ctx, &c->out_sa, err, sizeof(err));
	if (r == 0)
		ikev2_export_esp(sa->e, &c->out_sa);
	c->out_pending = false;
	OPENSSL_cleanse(c->out_keys, sizeof(c->out_keys));
	c->out_sa.enc_key = c->out_sa.integ_key = NULL;
	if (r < 0)
		ikev2_log(sa, IKE_LOG_ERR, NULL, "kernel refused the outbound SA 0x%08x: %s",
			  c->spi_out, err[0] ? err : "error");
	else
		ikev2_debug(sa, "outbound SA 0x%08x installed: sending on the new CHILD_SA",
			    c->spi_out);
}

void ikev2_child_out_install_tunnel(struct ikev2_sa *sa, uint32_t tunnel_id)
{
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].out_pending &&
		    sa->children[i].tunnel_id == tunnel_id)
			ikev2_child_out_install(&sa->children[i]);
}

/* ---- established ---- */

/* min(Ni, Nr) of an SA, for the duplicate tie-break (RFC 7296 2.8.1 style). */
static int nonce_cmp(const struct ikev2_sa *a, const struct ikev2_sa *b)
{
	const uint8_t *ma = memcmp(a->ni, a->nr, 16) < 0 ? a->ni : a->nr;
	const uint8_t *mb = memcmp(b->ni, b->nr, 16) < 0 ? b->ni : b->nr;

	return memcmp(ma, mb, 16);
}

void ikev2_sa_established(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, sa->tunnel_id);
	uint64_t life = (uint64_t)sa->lifetime_s * 1000000ull;

	sa->established_us = ikev2_now(e);
	sa->last_in_us = sa->established_us;
	ikev2_export_ike(sa);
	ikev2_sa_half_open_del(sa);
	/* the IKE_SA_INIT messages were needed for AUTH only: give the memory back */
	free(sa->init_req);
	free(sa->init_resp);
	sa->init_req = sa->init_resp = NULL;
	sa->init_req_len = sa->init_resp_len = 0;
	ike_timer_arm(&e->timers, &sa->life_timer,
		      sa->established_us + (sa->initiator ? life / 10 * 9 : life / 20 * 19));
	ikev2_dpd_arm(sa);
	ikev2_natka_arm(sa);
	if (!t)
		return;
	if (t->nego == sa)
		t->nego = NULL;
	t->failures = 0;
	if (t->sa && t->sa != sa && t->sa->state == IKEV2_S_ESTABLISHED) {
		/* two IKE SAs for one tunnel (both sides initiated): the one with the lowest
		 * nonce is redundant; its initiator deletes it, the other side waits */
		struct ikev2_sa *old = t->sa;
		struct ikev2_sa *redundant = nonce_cmp(sa, old) < 0 ? sa : old;

		ikev2_log(sa, IKE_LOG_INFO, NULL, "duplicate IKE SA for %s: keeping SA ID %llu",
			  t->cfg->name, (unsigned long long)(redundant == sa ? old->id : sa->id));
		t->sa = redundant == sa ? old : sa;
		if (redundant->initiator)
			ikev2_delete_ike_start(redundant);
		else
			ike_timer_arm(&e->timers, &redundant->delete_timer,
				      ikev2_now(e) + REKEYED_IKE_US);
		if (redundant == sa)
			return;
	} else {
		t->sa = sa;
	}
	ikev2_log(sa, IKE_LOG_NOTICE, "tunnel-up", "%s up: IKEv2 SA with %s (profile %s, %s)",
		  t->cfg->name, sa->remote_id, sa->prof.v2 ? sa->prof.v2->name : "-",
		  sa->initiator ? "initiator" : "responder");
}

/* ---- CREATE_CHILD_SA ---- */

static void put_spi4(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static int add_ke(struct wire_builder *b, struct ike_dh *dh)
{
	struct wire_payload p = { .type = WIRE_PLV2_KE };
	uint8_t pub[1024];
	size_t len;
	int r = ike_dh_public(dh, pub, sizeof(pub), &len);

	if (r < 0)
		return r;
	p.u.ke.group = ike_dh_group(dh);
	p.u.ke.data.ptr = pub;
	p.u.ke.data.len = len;
	return wire_build_add(b, &p);
}

int ikev2_child_rekey_start(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	struct ikev2_child *c = sa->rekey_child;
	struct ikev2_tunnel *t;
	struct wire_proposal props[16];
	struct wire_transform tr[WIRE_MAX_TRANSFORMS];
	struct wire_attr attrs[WIRE_MAX_TRANSFORMS];
	struct wire_payload sp = { .type = WIRE_PLV2_SA };
	uint8_t chain[4096], spibuf[4], old[4];
	struct wire_builder b;
	size_t clen;
	int r;

	if (!c || !c->used || !c->installed || c->rekeyed)
		c = current_child(sa);
	if (!c)
		return -ENOENT;
	t = ikev2_tunnel_get(e, c->tunnel_id);
	if (!t)
		return -ENOENT;
	sa->rekey_child = c;
	r = e->env.kernel->spi_alloc(e->env.kernel->ctx, c->tunnel_id, &sa->path.remote,
				     &sa->path.local, &sa->pending_spi_in);
	if (r < 0)
		return r;
	r = e->env.random(e->env.ctx, sa->pending_nonce, IKEV2_NONCE_LEN);
	if (r < 0)
		return r;
	ike_dh_free(sa->pending_dh);
	sa->pending_dh = NULL;
	if (t->cfg->protection->pfs_group) {
		r = ike_dh_new(t->cfg->protection->pfs_group, &sa->pending_dh);
		if (r < 0)
			return r;
	}
	sp.u.sa.proposals = props;
	sp.u.sa.nproposals = (uint16_t)ikev2_esp_proposals_build(
		t->cfg, sa->pending_spi_in, true, props, tr, attrs, 16, spibuf);
	put_spi4(old, c->spi_in);
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	wire_build_notify(&b, WIRE_PROTO_ESP, WIRE_N2_REKEY_SA, old, 4, NULL, 0);
	wire_build_add(&b, &sp);
	wire_build_data(&b, WIRE_PLV2_NONCE, sa->pending_nonce, IKEV2_NONCE_LEN);
	if (sa->pending_dh)
		add_ke(&b, sa->pending_dh);
	ikev2_ts_add_any(&b, WIRE_PLV2_TSI);
	ikev2_ts_add_any(&b, WIRE_PLV2_TSR);
	r = wire_build_finish(&b, &clen);
	if (r < 0)
		return r;
	ikev2_log(sa, IKE_LOG_INFO, NULL, "rekeying CHILD_SA 0x%08x/0x%08x of %s%s", c->spi_in,
		  c->spi_out, t->cfg->name, sa->pending_dh ? " with PFS" : "");
	return ikev2_send_request(sa, WIRE_EX2_CREATE_CHILD_SA, IKEV2_REQ_CHILD_REKEY, chain,
				  clen, b.first);
}

/* After a successful rekey: the old child stays a moment for packets in flight. */
static void child_rekeyed(struct ikev2_sa *sa, struct ikev2_child *old, struct ikev2_child *nc,
			  bool we_delete)
{
	struct ikev2 *e = sa->e;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, nc->tunnel_id);

	old->rekeyed = true;
	ike_timer_cancel(&e->timers, &old->rekey_timer);
	ike_timer_arm(&e->timers, &old->expire_timer,
		      ikev2_now(e) + (we_delete ? CHILD_GRACE_US : REKEYED_IKE_US));
	if (t) {
		t->rekeys++;
		t->last_rekey_us = ikev2_now(e);
	}
	ikev2_log(sa, IKE_LOG_NOTICE, "rekey",
		  "%s CHILD_SA rekeyed: 0x%08x/0x%08x replaces 0x%08x/0x%08x",
		  t ? t->cfg->name : "?", nc->spi_in, nc->spi_out, old->spi_in, old->spi_out);
}

static int derive_pfs(struct ike_dh *dh, const struct wire_payload *ke, struct ike_secret *gir)
{
	if (!dh)
		return ke ? -EBADMSG : 0;
	if (!ke || ke->u.ke.group != ike_dh_group(dh))
		return -EBADMSG;
	return ike_dh_derive(dh, ke->u.ke.data.ptr, ke->u.ke.data.len, gir);
}

static void child_rekey_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	struct ikev2 *e = sa->e;
	struct ikev2_child *old = sa->rekey_child, *nc;
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	const struct wire_payload *np = wire_msg_find(m, WIRE_PLV2_NONCE, 0);
	struct ikev2_tunnel *t = old ? ikev2_tunnel_get(e, old->tunnel_id) : NULL;
	struct ike_secret gir = { 0 };
	struct ikev2_esp esp;
	uint32_t peer_spi;
	uint8_t num;
	int r;

	sa->rekey_child = NULL;
	if (!old || !old->used || !t || !sap || !np || np->u.data.len < 16 ||
	    !ikev2_esp_choose(t->cfg, &sap->u.sa, true, &esp, &peer_spi, &num) ||
	    derive_pfs(sa->pending_dh, wire_msg_find(m, WIRE_PLV2_KE, 0), &gir) < 0) {
		ikev2_log(sa, IKE_LOG_WARNING, NULL,
			  "CHILD_SA rekey refused or invalid; the old CHILD_SA stays until its "
			  "lifetime ends");
		e->env.kernel->sa_del(e->env.kernel->ctx, t ? t->id : 0, &sa->path.local,
				      sa->pending_spi_in);
		goto out;
	}
	r = ikev2_child_install(sa, old->tunnel_id, &esp, sa->pending_spi_in, peer_spi,
				sa->pending_dh ? &gir : NULL, sa->pending_nonce, IKEV2_NONCE_LEN,
				np->u.data.ptr, np->u.data.len, true, &nc);
	if (r == 0)
		child_rekeyed(sa, old, nc, true);
out:
	ike_secret_free(&gir);
	ike_dh_free(sa->pending_dh);
	sa->pending_dh = NULL;
}

/* Responder of a CHILD_SA rekey. */
static void child_rekey_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid,
				const struct wire_payload *rekey)
{
	struct ikev2 *e = sa->e;
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	const struct wire_payload *np = wire_msg_find(m, WIRE_PLV2_NONCE, 0);
	const struct wire_payload *ke = wire_msg_find(m, WIRE_PLV2_KE, 0);
	struct ikev2_child *old = NULL, *nc;
	struct ikev2_tunnel *t;
	struct ike_dh *dh = NULL;
	struct ike_secret gir = { 0 };
	struct ikev2_esp esp;
	struct wire_proposal prop;
	struct wire_transform ptr[5];
	struct wire_attr pattr[1];
	struct wire_payload sp = { .type = WIRE_PLV2_SA };
	uint8_t nonce[IKEV2_NONCE_LEN], chain[4096], spibuf[4];
	struct wire_builder b;
	uint32_t peer_spi, spi_in;
	size_t clen;
	uint8_t num;

	if (rekey->u.notify.spi.len == 4) {
		const uint8_t *s = rekey->u.notify.spi.ptr;

		old = ikev2_child_by_spi_out(sa, (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
							 (uint32_t)s[2] << 8 | s[3]);
	}
	if (!old || !old->installed) {
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_CHILD_SA_NOT_FOUND, NULL, 0);
		return;
	}
	t = ikev2_tunnel_get(e, old->tunnel_id);
	if (!t || !sap || !np || np->u.data.len < 16 ||
	    !ikev2_esp_choose(t->cfg, &sap->u.sa, ke != NULL, &esp, &peer_spi, &num) ||
	    !ikev2_ts_is_any(wire_msg_find(m, WIRE_PLV2_TSI, 0),
			     wire_msg_find(m, WIRE_PLV2_TSR, 0))) {
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (esp.dh && (!ke || ke->u.ke.group != esp.dh)) {
		uint8_t g[2] = { (uint8_t)(esp.dh >> 8), (uint8_t)esp.dh };

		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	if (e->env.random(e->env.ctx, nonce, sizeof(nonce)) < 0 ||
	    (esp.dh && (ike_dh_new(esp.dh, &dh) < 0 ||
			ike_dh_derive(dh, ke->u.ke.data.ptr, ke->u.ke.data.len, &gir) < 0)) ||
	    e->env.kernel->spi_alloc(e->env.kernel->ctx, t->id, &sa->path.remote,
				     &sa->path.local, &spi_in) < 0) {
		ike_dh_free(dh);
		ike_secret_free(&gir);
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	sa->defer_out = true;
	if (ikev2_child_install(sa, t->id, &esp, spi_in, peer_spi, esp.dh ? &gir : NULL,
				np->u.data.ptr, np->u.data.len, nonce, sizeof(nonce), false,
				&nc) < 0) {
		ike_dh_free(dh);
		ike_secret_free(&gir);
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	ike_secret_free(&gir);
	memset(&prop, 0, sizeof(prop));
	memset(ptr, 0, sizeof(ptr));
	put_spi4(spibuf, spi_in);
	prop.num = num;
	prop.proto = WIRE_PROTO_ESP;
	prop.spi.ptr = spibuf;
	prop.spi.len = 4;
	prop.transforms = ptr;
	ptr[0].type = WIRE_TT_ENCR;
	ptr[0].id = esp.encr;
	if (esp.encr == WIRE_ENCR_AES_CBC || esp.encr == WIRE_ENCR_AES_GCM_16) {
		memset(pattr, 0, sizeof(pattr));
		pattr[0].type = WIRE_TA_KEY_LENGTH;
		pattr[0].tv = true;
		pattr[0].value = esp.key_bits;
		ptr[0].attrs = pattr;
		ptr[0].nattrs = 1;
	}
	prop.ntransforms = 1;
	if (esp.integ != WIRE_INTEG_NONE) {
		ptr[prop.ntransforms].type = WIRE_TT_INTEG;
		ptr[prop.ntransforms++].id = esp.integ;
	}
	if (esp.dh) {
		ptr[prop.ntransforms].type = WIRE_TT_KE;
		ptr[prop.ntransforms++].id = esp.dh;
	}
	ptr[prop.ntransforms].type = WIRE_TT_ESN;
	ptr[prop.ntransforms++].id = WIRE_ESN_NONE;
	sp.u.sa.proposals = &prop;
	sp.u.sa.nproposals = 1;
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	wire_build_add(&b, &sp);
	wire_build_data(&b, WIRE_PLV2_NONCE, nonce, sizeof(nonce));
	if (dh)
		add_ke(&b, dh);
	ikev2_ts_add_any(&b, WIRE_PLV2_TSI);
	ikev2_ts_add_any(&b, WIRE_PLV2_TSR);
	ike_dh_free(dh);
	if (wire_build_finish(&b, &clen) < 0)
		return;
	ikev2_send_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid, chain, clen, b.first);
	if (esp.dh)
		ikev2_debug(sa, "CHILD_SA rekey with PFS (DH group %u)", esp.dh);
	child_rekeyed(sa, old, nc, false);
}

/* ---- IKE SA rekey ---- */

/* The new IKE SA takes over everything of the old one but its keys and message IDs. */
static void move_children(struct ikev2_sa *from, struct ikev2_sa *to)
{
	struct ikev2 *e = from->e;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, from->tunnel_id);

	to->tunnel_id = from->tunnel_id;
	to->prof = from->prof;
	to->sign_tp = from->sign_tp;
	to->auth_local = from->auth_local;
	to->auth_remote = from->auth_remote;
	to->nat_local = from->nat_local;
	to->nat_remote = from->nat_remote;
	to->frag_ok = from->frag_ok; /* RFC 7383 support was negotiated for the IKE SA */
	to->lifetime_s = from->lifetime_s;
	memcpy(to->local_id, from->local_id, sizeof(to->local_id));
	memcpy(to->remote_id, from->remote_id, sizeof(to->remote_id));
	for (int i = 0; i < IKEV2_MAX_CHILDREN; i++) {
		struct ikev2_child *c = &from->children[i];

		if (!c->used)
			continue;
		ike_timer_cancel(&e->timers, &c->rekey_timer);
		ike_timer_cancel(&e->timers, &c->expire_timer);
		ike_timer_cancel(&e->timers, &c->out_timer);
		to->children[i] = *c;
		to->children[i].sa = to;
		ikev2_child_timers_arm(&to->children[i]);
		OPENSSL_cleanse(c, sizeof(*c));
		c->rekey_timer.index = SIZE_MAX;
		c->expire_timer.index = SIZE_MAX;
		c->out_timer.index = SIZE_MAX;
	}
	if (t && t->sa == from)
		t->sa = to;
	ikev2_sa_set_state(from, IKEV2_S_REKEYED);
	if (t) {
		t->rekeys++;
		t->last_rekey_us = ikev2_now(e);
	}
	ikev2_sa_set_state(to, IKEV2_S_ESTABLISHED);
	to->established_us = ikev2_now(e);
	to->last_in_us = to->established_us;
	ikev2_export_ike(to);
	{
		uint64_t life = (uint64_t)to->lifetime_s * 1000000ull;

		ike_timer_arm(&e->timers, &to->life_timer,
			      to->established_us +
				      (to->initiator ? life / 10 * 9 : life / 20 * 19));
	}
	ikev2_dpd_arm(to);
	ikev2_natka_arm(to);
	ike_timer_cancel(&e->timers, &from->natka_timer);
	ike_timer_cancel(&e->timers, &from->dpd_timer);
	ike_timer_cancel(&e->timers, &from->life_timer);
}

int ikev2_ike_rekey_start(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	struct wire_proposal props[16];
	struct wire_transform tr[WIRE_MAX_TRANSFORMS];
	struct wire_attr attrs[WIRE_MAX_TRANSFORMS];
	struct wire_payload sp = { .type = WIRE_PLV2_SA };
	uint8_t chain[4096];
	struct wire_builder b;
	struct ikev2_sa *n;
	size_t clen;
	int r;

	n = ikev2_sa_new(e, true, &sa->path);
	if (!n)
		return -ENOMEM;
	n->state = IKEV2_S_INIT_SENT;
	n->alg = sa->alg;
	n->prof = sa->prof;
	n->ni_len = IKEV2_NONCE_LEN;
	r = e->env.random(e->env.ctx, n->ni, n->ni_len);
	if (r == 0)
		r = ike_dh_new(sa->alg.dh, &n->dh);
	if (r < 0) {
		ikev2_sa_destroy(n, "rekey failed");
		return r;
	}
	sp.u.sa.proposals = props;
	sp.u.sa.nproposals = (uint16_t)ikev2_ike_proposals_build(e, &sa->path.local, props, tr,
								 attrs, 16, n->ispi, 8);
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	wire_build_add(&b, &sp);
	wire_build_data(&b, WIRE_PLV2_NONCE, n->ni, n->ni_len);
	add_ke(&b, n->dh);
	r = wire_build_finish(&b, &clen);
	if (r == 0)
		r = ikev2_send_request(sa, WIRE_EX2_CREATE_CHILD_SA, IKEV2_REQ_IKE_REKEY, chain,
				       clen, b.first);
	if (r < 0) {
		ikev2_sa_destroy(n, "rekey failed");
		return r;
	}
	sa->rekey_new = n;
	n->rekey_new = sa;
	ikev2_log(sa, IKE_LOG_INFO, NULL, "rekeying the IKE SA");
	return 0;
}

static int rekey_keys(struct ikev2_sa *old, struct ikev2_sa *n, const struct wire_payload *ke)
{
	struct ike_secret gir = { 0 };
	int r;

	if (!ke || ke->u.ke.group != ike_dh_group(n->dh))
		return -EBADMSG;
	r = ike_dh_derive(n->dh, ke->u.ke.data.ptr, ke->u.ke.data.len, &gir);
	if (r < 0)
		return r;
	n->suite.encr = n->alg.encr;
	n->suite.key_bits = n->alg.key_bits;
	n->suite.integ = n->alg.integ;
	r = ike_v2_derive_rekey(old->alg.prf, &old->keys.d, n->alg.prf, &n->suite, &gir, n->ni,
				n->ni_len, n->nr, n->nr_len, n->ispi, n->rspi, &n->keys);
	ike_secret_free(&gir);
	ike_dh_free(n->dh);
	n->dh = NULL;
	if (r == 0)
		n->have_keys = true;
	return r;
}

static void ike_rekey_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	struct ikev2 *e = sa->e;
	struct ikev2_sa *n = sa->rekey_new;
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	const struct wire_payload *np = wire_msg_find(m, WIRE_PLV2_NONCE, 0);
	const struct wire_payload *ke = wire_msg_find(m, WIRE_PLV2_KE, 0);
	struct ikev2_ike_alg a;
	uint8_t num;
	uint16_t want;

	sa->rekey_new = NULL;
	if (!n)
		return;
	n->rekey_new = NULL;
	if (!sap || !np || !ke || sap->u.sa.nproposals != 1 ||
	    sap->u.sa.proposals[0].spi.len != 8 || np->u.data.len < 16 ||
	    np->u.data.len > sizeof(n->nr) ||
	    !ikev2_ike_choose(e, &sa->path.local, &sap->u.sa, ke->u.ke.group, &a, &num, &want) ||
	    want) {
		ikev2_log(sa, IKE_LOG_WARNING, NULL, "IKE SA rekey refused or invalid");
		ikev2_sa_destroy(n, "rekey refused");
		return;
	}
	memcpy(n->rspi, sap->u.sa.proposals[0].spi.ptr, 8);
	memcpy(n->nr, np->u.data.ptr, np->u.data.len);
	n->nr_len = np->u.data.len;
	n->alg = a;
	if (rekey_keys(sa, n, ke) < 0) {
		ikev2_sa_destroy(n, "rekey key exchange failed");
		return;
	}
	move_children(sa, n);
	ikev2_log(n, IKE_LOG_NOTICE, "rekey", "IKE SA rekeyed (old SA ID %llu)",
		  (unsigned long long)sa->id);
	ikev2_delete_ike_start(sa);
}

static void ike_rekey_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid,
			      const struct wire_payload *sap)
{
	struct ikev2 *e = sa->e;
	const struct wire_payload *np = wire_msg_find(m, WIRE_PLV2_NONCE, 0);
	const struct wire_payload *ke = wire_msg_find(m, WIRE_PLV2_KE, 0);
	struct wire_proposal prop;
	struct wire_transform ptr[5];
	struct wire_attr pattr[1];
	struct wire_payload sp = { .type = WIRE_PLV2_SA };
	struct ikev2_ike_alg a;
	uint8_t chain[4096];
	struct wire_builder b;
	struct ikev2_sa *n;
	size_t clen;
	uint8_t num;
	uint16_t want;

	if (!np || !ke || np->u.data.len < 16 || np->u.data.len > sizeof(sa->ni) ||
	    !ikev2_ike_choose(e, &sa->path.local, &sap->u.sa, ke->u.ke.group, &a, &num, &want)) {
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (want) {
		uint8_t g[2] = { (uint8_t)(want >> 8), (uint8_t)want };

		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	for (uint16_t i = 0; i < sap->u.sa.nproposals; i++)
		if (sap->u.sa.proposals[i].num == num && sap->u.sa.proposals[i].spi.len != 8)
			return (void)ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA,
								 msgid, WIRE_N2_INVALID_SYNTAX,
								 NULL, 0);
	n = ikev2_sa_new(e, false, &sa->path);
	if (!n)
		return;
	for (uint16_t i = 0; i < sap->u.sa.nproposals; i++)
		if (sap->u.sa.proposals[i].num == num)
			memcpy(n->ispi, sap->u.sa.proposals[i].spi.ptr, 8);
	n->alg = a;
	memcpy(n->ni, np->u.data.ptr, np->u.data.len);
	n->ni_len = np->u.data.len;
	n->nr_len = IKEV2_NONCE_LEN;
	if (e->env.random(e->env.ctx, n->nr, n->nr_len) < 0 || ike_dh_new(a.dh, &n->dh) < 0) {
		ikev2_sa_destroy(n, "rekey failed");
		return;
	}
	ikev2_ike_chosen_build(&a, num, n->rspi, 8, &prop, ptr, pattr);
	sp.u.sa.proposals = &prop;
	sp.u.sa.nproposals = 1;
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	wire_build_add(&b, &sp);
	wire_build_data(&b, WIRE_PLV2_NONCE, n->nr, n->nr_len);
	add_ke(&b, n->dh);
	if (wire_build_finish(&b, &clen) < 0 || rekey_keys(sa, n, ke) < 0) {
		ikev2_sa_destroy(n, "rekey failed");
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	ikev2_send_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid, chain, clen, b.first);
	move_children(sa, n);
	ikev2_log(n, IKE_LOG_NOTICE, "rekey", "IKE SA rekeyed by the peer (old SA ID %llu)",
		  (unsigned long long)sa->id);
	/* the initiator of the rekey deletes the old SA; drop it ourselves if it does not */
	ike_timer_arm(&e->timers, &sa->delete_timer, ikev2_now(e) + REKEYED_IKE_US);
}

void ikev2_child_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid)
{
	const struct wire_payload *rekey = wire_msg_find_notify(m, WIRE_N2_REKEY_SA, 0);
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);

	if (sa->state != IKEV2_S_ESTABLISHED) {
		ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid,
					   WIRE_N2_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (sap && sap->u.sa.nproposals && sap->u.sa.proposals[0].proto == WIRE_PROTO_IKE &&
	    !rekey)
		return ike_rekey_request(sa, m, msgid, sap);
	if (rekey && rekey->u.notify.proto == WIRE_PROTO_ESP)
		return child_rekey_request(sa, m, msgid, rekey);
	/* a second CHILD_SA for a route-based tunnel is not something we do */
	ikev2_send_notify_response(sa, WIRE_EX2_CREATE_CHILD_SA, msgid, WIRE_N2_NO_ADDITIONAL_SAS,
				   NULL, 0);
}

void ikev2_child_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	enum ikev2_req_kind kind = sa->req_kind;

	ikev2_request_done(sa);
	if (kind == IKEV2_REQ_IKE_REKEY)
		ike_rekey_response(sa, m);
	else
		child_rekey_response(sa, m);
	ikev2_kick(sa);
}
