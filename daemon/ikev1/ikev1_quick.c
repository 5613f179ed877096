/*
 * Phase 2: Quick Mode (RFC 2409 5.5) for route-based tunnels: proxy identities 0.0.0.0/0 both
 * ways (IDci/IDcr of type ADDR_SUBNET), one ESP SA pair per tunnel, optional PFS, rekey before
 * the lifetime ends. Make-before-break falls out of the message order: the responder installs
 * its inbound SA before QM2 and its outbound after QM3; the initiator installs both after QM2,
 * so neither side ever sends on an SA the other lacks. The replaced pair is deleted (with a
 * Delete to the peer) after a grace period.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ikev1_internal.h"

#define QM_TIMEOUT_US 60000000ull /* a Quick Mode that does not finish in a minute is dropped */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

struct ikev1_child *ikev1_child_current(struct ikev1_tunnel *t)
{
	struct ikev1_child *best = NULL;

	for (int i = 0; i < IKEV1_MAX_CHILDREN; i++) {
		struct ikev1_child *c = &t->children[i];

		if (c->used && c->installed && !c->replaced &&
		    (!best || c->established_us > best->established_us))
			best = c;
	}
	return best;
}

static struct ikev1_child *child_slot(struct ikev1_tunnel *t)
{
	for (int i = 0; i < IKEV1_MAX_CHILDREN; i++)
		if (!t->children[i].used)
			return &t->children[i];
	return NULL;
}

static void add_counters(struct ike_kernel_counters *sum, const struct ike_kernel_counters *c)
{
	sum->packets += c->packets;
	sum->bytes += c->bytes;
	sum->replay_errors += c->replay_errors;
	sum->integrity_errors += c->integrity_errors;
}

void ikev1_child_remove(struct ikev1_child *c, bool send_delete)
{
	struct ikev1_tunnel *t = c->t;
	struct ikev1 *e = t->e;
	const struct ike_kernel_ops *k = e->env.kernel;

	ike_timer_cancel(&e->timers, &c->rekey_timer);
	ike_timer_cancel(&e->timers, &c->expire_timer);
	if (c->installed) {
		struct ike_kernel_counters ci, co;
		struct ikev1_sa *sa = ikev1_tunnel_sa(t);

		ikev1_child_counters(c, &ci, &co);
		add_counters(&t->retired_in, &ci);
		add_counters(&t->retired_out, &co);
		if (send_delete && sa)
			ikev1_delete_child(sa, c->spi_in);
		k->sa_del(k->ctx, t->id, &c->remote, c->spi_out);
		k->sa_del(k->ctx, t->id, &c->local, c->spi_in);
		if (sa)
			ikev1_debug(sa, "IPsec SA 0x%08x/0x%08x of %s removed", c->spi_in, c->spi_out,
				    t->cfg->name);
	}
	OPENSSL_cleanse(c, sizeof(*c));
	ike_timer_init(&c->rekey_timer, NULL, c);
	ike_timer_init(&c->expire_timer, NULL, c);
	c->t = t;
	if (!ikev1_child_current(t) && e->env.log) {
		struct ikev1_sa *sa = ikev1_tunnel_sa(t);

		if (sa)
			ikev1_log(sa, IKE_LOG_NOTICE, "tunnel-down", "%s down: no IPsec SA",
				  t->cfg->name);
	}
}

static void rekey_fire(struct ike_timer *tm, void *userdata)
{
	struct ikev1_child *c = userdata;
	struct ikev1_tunnel *t = c->t;

	(void)tm;
	if (c->replaced || !c->installed)
		return;
	if (t->sa && t->sa->state == IKEV1_S_P1_DONE) {
		ikev1_qm_start(t->sa, t, c);
	} else if (!t->nego && t->cfg->initiate != CONFIG_INITIATE_NEVER) {
		/* no ISAKMP SA any more: a new phase 1 first, Quick Mode follows it */
		t->want_qm = true;
		ikev1_p1_start(t);
	}
}

static void expire_fire(struct ike_timer *tm, void *userdata)
{
	struct ikev1_child *c = userdata;

	(void)tm;
	ikev1_child_remove(c, true);
}

void ikev1_child_timers_arm(struct ikev1_child *c)
{
	struct ikev1 *e = c->t->e;
	uint64_t life = (uint64_t)c->esp.lifetime_s * 1000000ull;
	uint64_t at;

	c->rekey_timer.fn = rekey_fire;
	c->rekey_timer.userdata = c;
	c->expire_timer.fn = expire_fire;
	c->expire_timer.userdata = c;
	if (c->replaced) {
		ike_timer_arm(&e->timers, &c->expire_timer, ikev1_now(e) + IKEV1_OLD_CHILD_US);
		return;
	}
	/* the Quick Mode initiator rekeys at 85 %, the responder at 95 % only if it has to:
	 * one rekey per lifetime, never two crossing */
	at = c->established_us + life / 100 * (c->initiator ? 85 : 95);
	ike_timer_arm(&e->timers, &c->rekey_timer, at);
	ike_timer_arm(&e->timers, &c->expire_timer, c->established_us + life);
}

/* ---- KEYMAT and install ---- */

static int install(struct ikev1_sa *sa, struct ikev1_qm *q, bool in_only, bool out_only,
		   const struct ike_secret *gqm)
{
	struct ikev1 *e = sa->e;
	const struct ike_kernel_ops *k = e->env.kernel;
	struct ikev1_tunnel *t = ikev1_tunnel_get(e, q->tunnel_id);
	size_t el = ike_esp_encr_keylen(q->esp.encr, q->esp.key_bits);
	size_t il = q->esp.integ ? ike_esp_integ_keylen(q->esp.integ) : 0;
	struct ike_secret km = { 0 };
	struct ike_kernel_sa ks;
	char err[256] = "", es[96];
	int r = 0;

	if (!t || !el)
		return -EINVAL;
	for (int dir = 0; dir < 2 && r == 0; dir++) {
		bool inbound = dir == 0;
		uint32_t spi = inbound ? q->spi_in : q->spi_out;

		if ((inbound && out_only) || (!inbound && in_only))
			continue;
		r = ike_v1_keymat(&sa->keys, gqm, WIRE_PROTO_ESP, spi, q->ni, q->ni_len, q->nr,
				  q->nr_len, el + il, &km);
		if (r < 0)
			break;
		memset(&ks, 0, sizeof(ks));
		ks.tunnel_id = t->id;
		ks.inbound = inbound;
		ks.src = inbound ? sa->path.remote : sa->path.local;
		ks.dst = inbound ? sa->path.local : sa->path.remote;
		ks.spi = spi;
		ks.encr = q->esp.encr;
		ks.key_bits = q->esp.key_bits;
		ks.integ = q->esp.integ;
		ks.enc_key = km.ptr;
		ks.enc_key_len = el;
		ks.integ_key = il ? km.ptr + el : NULL;
		ks.integ_key_len = il;
		ks.replay_window = inbound ? (e->cfg->replay_window ? e->cfg->replay_window : 64) : 0;
		if (q->esp.udp_encap) {
			ks.encap_sport = inbound ? sa->path.remote_port : sa->path.local_port;
			ks.encap_dport = inbound ? sa->path.local_port : sa->path.remote_port;
		}
		/* our timers rekey first; the kernel's soft expiry is the back-up */
		ks.hard_seconds = q->esp.lifetime_s + 60;
		ks.soft_seconds = q->esp.lifetime_s - q->esp.lifetime_s / 50;
		if (q->esp.lifetime_kb) {
			ks.hard_bytes = q->esp.lifetime_kb * 1024;
			ks.soft_bytes = q->esp.lifetime_kb * 1024 / 10 * 9;
		}
		r = k->sa_add(k->ctx, &ks, err, sizeof(err));
		if (r == 0 && e->env.export_keys) {
			struct ike_key_export x = { .kind = IKE_KEYX_ESP, .esp = &ks };

			e->env.export_keys(e->env.ctx, &x);
		}
		ike_secret_free(&km);
	}
	if (r < 0)
		ikev1_log(sa, IKE_LOG_ERR, NULL, "kernel refused the IPsec SA %s: %s",
			  ikev1_esp_str(&q->esp, es, sizeof(es)), err[0] ? err : strerror(-r));
	return r;
}

/* The pair is in the kernel (both directions): record it in the tunnel. */
static void child_done(struct ikev1_sa *sa, struct ikev1_qm *q)
{
	struct ikev1 *e = sa->e;
	struct ikev1_tunnel *t = ikev1_tunnel_get(e, q->tunnel_id);
	struct ikev1_child *c;
	bool first;
	char es[96];

	if (!t)
		return;
	c = child_slot(t);
	if (!c) {
		ikev1_log(sa, IKE_LOG_ERR, NULL, "%s has too many IPsec SAs", t->cfg->name);
		return;
	}
	first = ikev1_child_current(t) == NULL;
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->installed = true;
	c->initiator = q->initiator;
	c->spi_in = q->spi_in;
	c->spi_out = q->spi_out;
	c->local = sa->path.local;
	c->remote = sa->path.remote;
	c->esp = q->esp;
	c->established_us = ikev1_now(e);
	c->t = t;
	q->spi_in = 0; /* the child owns it now */
	/* the pair this one replaces: from now on it only receives, then goes */
	for (int i = 0; i < IKEV1_MAX_CHILDREN; i++) {
		struct ikev1_child *o = &t->children[i];

		if (o != c && o->used && o->installed && !o->replaced) {
			o->replaced = true;
			ike_timer_cancel(&e->timers, &o->rekey_timer);
			/* the side that ran the rekey sends the Delete after the grace period */
			ike_timer_cancel(&e->timers, &o->expire_timer);
			if (q->initiator) {
				o->expire_timer.fn = expire_fire;
				ike_timer_arm(&e->timers, &o->expire_timer,
					      ikev1_now(e) + IKEV1_OLD_CHILD_US);
			} else {
				/* the peer deletes it; if it never does, the lifetime ends it */
				o->expire_timer.fn = expire_fire;
				ike_timer_arm(&e->timers, &o->expire_timer,
					      ikev1_now(e) + 6 * IKEV1_OLD_CHILD_US);
			}
			t->rekeys++;
			t->last_rekey_us = c->established_us;
		}
	}
	ikev1_child_timers_arm(c);
	t->failures = 0;
	ikev1_log(sa, IKE_LOG_NOTICE, first ? "tunnel-up" : "rekey",
		  "%s %s: IPsec SA in 0x%08x out 0x%08x %s", t->cfg->name,
		  first ? "up" : "rekeyed", c->spi_in, c->spi_out,
		  ikev1_esp_str(&c->esp, es, sizeof(es)));
}

/* ---- Quick Mode objects ---- */

void ikev1_qm_free(struct ikev1_qm *q)
{
	struct ikev1_sa *sa = q->sa;
	struct ikev1 *e = sa->e;

	ike_timer_cancel(&e->timers, &q->timer);
	if (q->spi_in && e->env.kernel) {
		/* the larval SPI we reserved and never used */
		struct ikev1_tunnel *t = ikev1_tunnel_get(e, q->tunnel_id);

		if (!q->done || !q->initiator)
			e->env.kernel->sa_del(e->env.kernel->ctx, t ? t->id : q->tunnel_id,
					      &sa->path.local, q->spi_in);
	}
	ike_dh_free(q->dh);
	ike_secret_free(&q->pfs_secret);
	free(q->last_out);
	free(q->last_in);
	OPENSSL_cleanse(q, sizeof(*q));
	ike_timer_init(&q->timer, NULL, q);
	q->sa = sa;
}

static struct ikev1_qm *qm_by_msgid(struct ikev1_sa *sa, uint32_t msgid)
{
	for (int i = 0; i < IKEV1_MAX_QM; i++)
		if (sa->qm[i].used && sa->qm[i].msgid == msgid)
			return &sa->qm[i];
	return NULL;
}

static struct ikev1_qm *qm_new(struct ikev1_sa *sa, uint32_t msgid)
{
	for (int i = 0; i < IKEV1_MAX_QM; i++) {
		struct ikev1_qm *q = &sa->qm[i];

		if (!q->used) {
			memset(q, 0, sizeof(*q));
			ike_timer_init(&q->timer, NULL, q);
			q->used = true;
			q->sa = sa;
			q->msgid = msgid;
			return q;
		}
	}
	return NULL;
}

static void qm_timer(struct ike_timer *tm, void *userdata)
{
	struct ikev1_qm *q = userdata;
	struct ikev1_sa *sa = q->sa;
	struct ikev1 *e = sa->e;

	(void)tm;
	if (q->done || !q->initiator || !q->last_out) {
		ikev1_qm_free(q);
		return;
	}
	if (++q->tries > IKEV1_RETRANSMIT_TRIES) {
		struct ikev1_tunnel *t = ikev1_tunnel_get(e, q->tunnel_id);

		ikev1_log(sa, IKE_LOG_WARNING, NULL, "Quick Mode 0x%08x: no answer, giving up",
			  q->msgid);
		ikev1_qm_free(q);
		if (t && !ikev1_child_current(t))
			ikev1_tunnel_failed(t, "quick mode");
		return;
	}
	ikev1_sa_send(sa, q->last_out, q->last_out_len);
	ike_timer_arm(&e->timers, &q->timer, ikev1_now(e) + (IKEV1_RETRANSMIT_BASE_US << q->tries));
}

static int keep_out(struct ikev1_qm *q, size_t len)
{
	uint8_t *p = malloc(len);

	if (!p)
		return -ENOMEM;
	memcpy(p, q->sa->e->out, len);
	free(q->last_out);
	q->last_out = p;
	q->last_out_len = len;
	return 0;
}

static void qm_remember_in(struct ikev1_qm *q, const uint8_t *buf, size_t len)
{
	uint8_t *p = malloc(len);

	if (!p)
		return;
	memcpy(p, buf, len);
	free(q->last_in);
	q->last_in = p;
	q->last_in_len = len;
}

/* ---- hashes ---- */

/* HASH(1)/(2) = prf(SKEYID_a, M-ID [| Ni_b] | everything after the HASH payload). */
static int qm_hash12(struct ikev1_sa *sa, uint32_t msgid, const uint8_t *ni, size_t ni_len,
		     const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	uint8_t mid[4];
	struct ike_buf parts[3] = { { mid, 4 }, { ni, ni_len }, { rest, rest_len } };

	put32(mid, msgid);
	return ike_prf_parts(sa->keys.prf, sa->keys.skeyid_a.ptr, sa->keys.skeyid_a.len, parts, 3,
			     out);
}

/* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
static int qm_hash3(struct ikev1_sa *sa, const struct ikev1_qm *q, uint8_t *out)
{
	uint8_t zero = 0, mid[4];
	struct ike_buf parts[4] = {
		{ &zero, 1 }, { mid, 4 }, { q->ni, q->ni_len }, { q->nr, q->nr_len }
	};

	put32(mid, q->msgid);
	return ike_prf_parts(sa->keys.prf, sa->keys.skeyid_a.ptr, sa->keys.skeyid_a.len, parts, 4,
			     out);
}

/* The bytes after the (first, inner) HASH payload up to the end of the last payload. */
static bool after_hash(const struct wire_msg *m, const uint8_t **ret, size_t *ret_len,
		       const struct wire_payload **ret_hash)
{
	const struct wire_payload *h = NULL, *last = NULL;

	for (uint16_t i = 0; i < m->npayloads; i++) {
		if (!m->payloads[i].encrypted)
			continue;
		if (!h && m->payloads[i].type == WIRE_PLV1_HASH)
			h = &m->payloads[i];
		last = &m->payloads[i];
	}
	if (!h || !last)
		return false;
	*ret = h->raw.ptr + h->raw.len;
	*ret_len = (size_t)(last->raw.ptr + last->raw.len - *ret);
	*ret_hash = h;
	return true;
}

/* ---- building QM1 / QM2 ---- */

static void add_proxy_ids(struct wire_builder *b, const struct ikev1_tunnel *t)
{
	static const uint8_t any6[32];
	static const uint8_t any4[8];
	bool v6 = t->cfg->mode == CONFIG_TUNNEL_IPSEC_IPV6;
	struct wire_payload p;

	for (int i = 0; i < 2; i++) {
		memset(&p, 0, sizeof(p));
		p.type = WIRE_PLV1_ID;
		p.u.id.type = v6 ? WIRE_ID_IPV6_ADDR_SUBNET : WIRE_ID_IPV4_ADDR_SUBNET;
		p.u.id.data.ptr = v6 ? any6 : any4;
		p.u.id.data.len = v6 ? 32 : 8;
		wire_build_add(b, &p);
	}
}

/* Both proxy identities must be "any" of the tunnel's family (route-based VTI). */
static bool proxy_ids_any(const struct wire_msg *m, const struct ikev1_tunnel *t)
{
	bool v6 = t->cfg->mode == CONFIG_TUNNEL_IPSEC_IPV6;
	int n = 0;

	for (unsigned i = 0;; i++) {
		const struct wire_payload *p = wire_msg_find(m, WIRE_PLV1_ID, i);
		bool zero = true;

		if (!p)
			break;
		if (p->u.id.type != (v6 ? WIRE_ID_IPV6_ADDR_SUBNET : WIRE_ID_IPV4_ADDR_SUBNET) ||
		    p->u.id.data.len != (v6 ? 32u : 8u) || p->u.id.proto != 0)
			return false;
		for (size_t k = 0; k < p->u.id.data.len; k++)
			zero = zero && p->u.id.data.ptr[k] == 0;
		if (!zero)
			return false;
		n++;
	}
	return n == 2;
}

static int add_ke(struct wire_builder *b, struct ikev1_qm *q)
{
	uint8_t pub[512];
	size_t n;

	if (!q->esp.pfs)
		return 0;
	if (ike_dh_new(q->esp.pfs, &q->dh) < 0 || ike_dh_public(q->dh, pub, sizeof(pub), &n) < 0)
		return -EIO;
	return ikev1_add_ke(b, pub, n);
}

/* Seal e->chain (its first payload a zeroed HASH, computed and written here); send; returns the
 * length. */
static int qm_send(struct ikev1_sa *sa, struct ikev1_qm *q, size_t chain_len, const uint8_t *ni,
		   size_t ni_len, bool hash3)
{
	struct ikev1 *e = sa->e;
	size_t hlen = ike_prf_len(sa->keys.prf);
	struct wire_hdr h;
	int r;

	if (hash3)
		r = qm_hash3(sa, q, e->chain + WIRE_GHDR_LEN);
	else
		r = qm_hash12(sa, q->msgid, ni, ni_len, e->chain + WIRE_GHDR_LEN + hlen,
			      chain_len - WIRE_GHDR_LEN - hlen, e->chain + WIRE_GHDR_LEN);
	if (r < 0)
		return r;
	memset(&h, 0, sizeof(h));
	memcpy(h.ispi, sa->icky, 8);
	memcpy(h.rspi, sa->rcky, 8);
	h.major = 1;
	h.exchange = WIRE_EX1_QUICK;
	h.msgid = q->msgid;
	r = ikev1_seal(sa, &h, WIRE_PLV1_HASH, chain_len, q->iv);
	if (r < 0)
		return r;
	if (keep_out(q, (size_t)r) < 0)
		return -ENOMEM;
	ikev1_sa_send(sa, e->out, (size_t)r);
	return r;
}

int ikev1_qm_start(struct ikev1_sa *sa, struct ikev1_tunnel *t, struct ikev1_child *replaces)
{
	struct ikev1 *e = sa->e;
	const struct ike_kernel_ops *k = e->env.kernel;
	struct wire_proposal props[16];
	struct wire_transform tr[16];
	struct wire_attr attrs[16 * 8];
	uint8_t spi_buf[4], hash0[64] = { 0 };
	struct wire_builder b;
	struct ikev1_qm *q;
	uint32_t msgid;
	size_t n, len;
	int r;

	for (int i = 0; i < IKEV1_MAX_QM; i++)
		if (sa->qm[i].used && sa->qm[i].initiator && !sa->qm[i].done &&
		    sa->qm[i].tunnel_id == t->id)
			return -EALREADY;
	do {
		if (e->env.random(e->env.ctx, &msgid, 4) < 0)
			return -EIO;
	} while (msgid == 0 || qm_by_msgid(sa, msgid));
	q = qm_new(sa, msgid);
	if (!q)
		return -ENOSPC;
	q->initiator = true;
	q->tunnel_id = t->id;
	q->replaces = replaces;
	q->timer.fn = qm_timer;
	if (ike_v1_phase2_iv(&sa->keys, sa->p1_last, msgid, q->iv) < 0 ||
	    e->env.random(e->env.ctx, q->ni, IKEV1_NONCE_LEN) < 0)
		goto fail;
	q->ni_len = IKEV1_NONCE_LEN;
	r = k->spi_alloc(k->ctx, t->id, &sa->path.remote, &sa->path.local, &q->spi_in);
	if (r < 0) {
		ikev1_log(sa, IKE_LOG_ERR, NULL, "no SPI from the kernel: %s", strerror(-r));
		goto fail;
	}
	n = ikev1_esp_proposals_build(e->cfg, t->cfg, q->spi_in, sa->natt, spi_buf, props, tr,
				      attrs, 16);
	if (!n) {
		ikev1_log(sa, IKE_LOG_ERR, NULL, "%s: no usable transform-set", t->cfg->name);
		goto fail;
	}
	q->esp.pfs = ikev1_pfs_group(t->cfg);
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	wire_build_data(&b, WIRE_PLV1_HASH, hash0, ike_prf_len(sa->keys.prf));
	ikev1_add_sa(&b, props, (uint16_t)n);
	wire_build_data(&b, WIRE_PLV1_NONCE, q->ni, q->ni_len);
	if (add_ke(&b, q) < 0)
		goto fail;
	add_proxy_ids(&b, t);
	if (wire_build_finish(&b, &len) < 0 || qm_send(sa, q, len, NULL, 0, false) < 0)
		goto fail;
	ike_timer_arm(&e->timers, &q->timer, ikev1_now(e) + IKEV1_RETRANSMIT_BASE_US);
	ikev1_debug(sa, "%s Quick Mode 0x%08x for %s", replaces ? "rekey:" : "beginning", msgid,
		    t->cfg->name);
	return 0;
fail:
	ikev1_qm_free(q);
	return -EIO;
}

/* ---- responder: QM1 -> QM2, QM3 ---- */

static void info_notify(struct ikev1_sa *sa, uint16_t type)
{
	uint8_t chain[64];
	struct wire_builder b;
	size_t len;

	wire_build_chain(&b, chain, sizeof(chain), 1);
	wire_build_notify(&b, WIRE_PROTO_ESP, type, NULL, 0, NULL, 0);
	if (wire_build_finish(&b, &len) == 0)
		ikev1_send_info(sa, chain, len, WIRE_PLV1_NOTIFY);
}

static void qm1_input(struct ikev1_sa *sa, struct wire_msg *m, struct ikev1_qm *q)
{
	struct ikev1 *e = sa->e;
	const struct ike_kernel_ops *k = e->env.kernel;
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV1_SA, 0);
	const struct wire_payload *np = wire_msg_find(m, WIRE_PLV1_NONCE, 0);
	const struct wire_payload *kp = wire_msg_find(m, WIRE_PLV1_KE, 0);
	const struct wire_proposal *prop;
	const struct wire_transform *tr;
	const struct config_interface *tun = NULL;
	struct ike_endpoints ep = { .local = sa->path.local, .remote = sa->path.remote };
	struct ike_trace trc = ikev1_tracer(sa);
	struct ikev1_tunnel *t;
	struct ike_secret gqm = { 0 };
	struct wire_proposal one;
	struct wire_transform onetr;
	struct wire_attr attrs[8];
	struct wire_builder b;
	uint8_t spi_buf[4], hash0[64] = { 0 };
	char l[CONFIG_ADDR_STRLEN], rm[CONFIG_ADDR_STRLEN];
	size_t len;

	q->timer.fn = qm_timer;
	if (!sap || !np || np->u.data.len > sizeof(q->ni) || np->u.data.len < 8) {
		ikev1_qm_free(q);
		return;
	}
	memcpy(q->ni, np->u.data.ptr, np->u.data.len);
	q->ni_len = np->u.data.len;
	if (ike_child_select(e->cfg, &sa->prof, &ep, &trc, &tun) < 0 ||
	    !(t = ikev1_tunnel_get(e, tun->tunnel_number))) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL,
			  "phase 2 SA policy not acceptable! (local %s remote %s)",
			  config_addr_str(&sa->path.local, l, sizeof(l)),
			  config_addr_str(&sa->path.remote, rm, sizeof(rm)));
		info_notify(sa, WIRE_N1_NO_PROPOSAL_CHOSEN);
		ikev1_qm_free(q);
		return;
	}
	if (!proxy_ids_any(m, t)) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL,
			  "%s: the peer's proxy identities are not 0.0.0.0/0 both ways (a "
			  "route-based tunnel carries everything)",
			  t->cfg->name);
		info_notify(sa, WIRE_N1_INVALID_ID_INFORMATION);
		ikev1_qm_free(q);
		return;
	}
	if (!ikev1_esp_choose(e->cfg, t->cfg, &sap->u.sa, sa->natt, &q->esp, &q->spi_out, &prop,
			      &tr)) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL,
			  "%s: IPSec policy invalidated proposal: no transform-set matches",
			  t->cfg->name);
		info_notify(sa, WIRE_N1_NO_PROPOSAL_CHOSEN);
		ikev1_qm_free(q);
		return;
	}
	/* IOS: a responder with `set pfs` requires that group; one without takes the peer's */
	if ((ikev1_pfs_group(t->cfg) && q->esp.pfs != ikev1_pfs_group(t->cfg)) ||
	    (q->esp.pfs != 0) != (kp != NULL)) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL,
			  "%s: PFS group mismatch: ipsec profile requires group %u, the peer "
			  "proposes %u%s",
			  t->cfg->name, ikev1_pfs_group(t->cfg), q->esp.pfs,
			  (q->esp.pfs != 0) != (kp != NULL) ? " (KE payload inconsistent)" : "");
		info_notify(sa, WIRE_N1_NO_PROPOSAL_CHOSEN);
		ikev1_qm_free(q);
		return;
	}
	q->tunnel_id = t->id;
	if (e->env.random(e->env.ctx, q->nr, IKEV1_NONCE_LEN) < 0 ||
	    k->spi_alloc(k->ctx, t->id, &sa->path.remote, &sa->path.local, &q->spi_in) < 0) {
		ikev1_qm_free(q);
		return;
	}
	q->nr_len = IKEV1_NONCE_LEN;
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	wire_build_data(&b, WIRE_PLV1_HASH, hash0, ike_prf_len(sa->keys.prf));
	ikev1_esp_chosen_build(&q->esp, prop->num, tr->num, q->spi_in, spi_buf, &one, &onetr,
			       attrs);
	ikev1_add_sa(&b, &one, 1);
	wire_build_data(&b, WIRE_PLV1_NONCE, q->nr, q->nr_len);
	if (add_ke(&b, q) < 0) {
		ikev1_qm_free(q);
		return;
	}
	if (kp && ike_dh_derive(q->dh, kp->u.ke.data.ptr, kp->u.ke.data.len, &gqm) < 0) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL, "Quick Mode KE value invalid");
		ikev1_qm_free(q);
		return;
	}
	add_proxy_ids(&b, t);
	/* our inbound SA goes in before QM2: the initiator may send as soon as it has QM2 */
	if (wire_build_finish(&b, &len) < 0 || install(sa, q, true, false, kp ? &gqm : NULL) < 0) {
		ike_secret_free(&gqm);
		ikev1_qm_free(q);
		return;
	}
	/* the outbound SA waits for QM3; its KEYMAT needs g^xy(qm) until then */
	if (qm_send(sa, q, len, q->ni, q->ni_len, false) < 0) {
		ike_secret_free(&gqm);
		ikev1_qm_free(q);
		return;
	}
	ike_secret_free(&q->pfs_secret);
	q->pfs_secret = gqm;
	ike_dh_free(q->dh);
	q->dh = NULL;
	ike_timer_arm(&e->timers, &q->timer, ikev1_now(e) + QM_TIMEOUT_US);
}

static void qm3_input(struct ikev1_sa *sa, struct wire_msg *m, struct ikev1_qm *q)
{
	(void)m; /* HASH(3) was verified by ikev1_qm_input() */
	if (install(sa, q, false, true, q->pfs_secret.ptr ? &q->pfs_secret : NULL) < 0) {
		ikev1_qm_free(q);
		return;
	}
	q->done = true;
	child_done(sa, q);
	ikev1_qm_free(q);
}

/* ---- initiator: QM2 -> QM3 ---- */

static void qm2_input(struct ikev1_sa *sa, struct wire_msg *m, struct ikev1_qm *q)
{
	struct ikev1 *e = sa->e;
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV1_SA, 0);
	const struct wire_payload *np = wire_msg_find(m, WIRE_PLV1_NONCE, 0);
	const struct wire_payload *kp = wire_msg_find(m, WIRE_PLV1_KE, 0);
	struct ikev1_tunnel *t = ikev1_tunnel_get(e, q->tunnel_id);
	const struct wire_proposal *prop;
	const struct wire_transform *tr;
	struct ike_secret gqm = { 0 };
	struct ikev1_esp esp;
	uint32_t spi_out;
	struct wire_builder b;
	uint8_t hash0[64] = { 0 };
	size_t len;
	uint16_t pfs = q->esp.pfs;

	if (!t || !sap || !np || np->u.data.len > sizeof(q->nr) || np->u.data.len < 8 ||
	    sap->u.sa.nproposals != 1 || sap->u.sa.proposals[0].ntransforms != 1 ||
	    !ikev1_esp_choose(e->cfg, t->cfg, &sap->u.sa, sa->natt, &esp, &spi_out, &prop, &tr) ||
	    esp.pfs != pfs || (pfs && !kp)) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL,
			  "QM2 0x%08x: the responder's choice is not one we offered", q->msgid);
		ikev1_qm_free(q);
		return;
	}
	memcpy(q->nr, np->u.data.ptr, np->u.data.len);
	q->nr_len = np->u.data.len;
	q->esp = esp;
	q->spi_out = spi_out;
	if (kp && ike_dh_derive(q->dh, kp->u.ke.data.ptr, kp->u.ke.data.len, &gqm) < 0) {
		ikev1_qm_free(q);
		return;
	}
	if (install(sa, q, false, false, kp ? &gqm : NULL) < 0) {
		ike_secret_free(&gqm);
		ikev1_qm_free(q);
		return;
	}
	ike_secret_free(&gqm);
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	wire_build_data(&b, WIRE_PLV1_HASH, hash0, ike_prf_len(sa->keys.prf));
	if (wire_build_finish(&b, &len) == 0)
		qm_send(sa, q, len, NULL, 0, true);
	q->done = true;
	child_done(sa, q);
	/* keep QM3 a while: a retransmitted QM2 (our QM3 lost) gets it again */
	ike_timer_cancel(&e->timers, &q->timer);
	ike_timer_arm(&e->timers, &q->timer, ikev1_now(e) + 2 * IKEV1_OLD_CHILD_US);
}

/* ---- dispatch ---- */

void ikev1_qm_input(struct ikev1_sa *sa, struct wire_msg *m)
{
	struct ikev1 *e = sa->e;
	struct ikev1_qm *q = qm_by_msgid(sa, m->hdr.msgid);
	const struct wire_payload *hp;
	const uint8_t *rest;
	size_t rest_len, hlen = ike_prf_len(sa->keys.prf);
	uint8_t iv[16], ivn[16], want[64];
	bool fresh = false;
	struct wire_err err;

	if (m->hdr.msgid == 0 || !m->enc.present)
		return;
	if (q && q->last_out && q->last_in_len == m->raw.len && q->last_in &&
	    memcmp(q->last_in, m->raw.ptr, m->raw.len) == 0) {
		/* the peer repeats itself: it lost our last message */
		ikev1_sa_send(sa, q->last_out, q->last_out_len);
		return;
	}
	if (!q) {
		q = qm_new(sa, m->hdr.msgid);
		if (!q)
			return;
		fresh = true;
		if (ike_v1_phase2_iv(&sa->keys, sa->p1_last, m->hdr.msgid, q->iv) < 0) {
			ikev1_qm_free(q);
			return;
		}
	}
	memcpy(iv, q->iv, sa->keys.block);
	if (ikev1_open(sa, m, iv, ivn) < 0 || !after_hash(m, &rest, &rest_len, &hp) ||
	    hp->u.data.len != hlen) {
		ikev1_debug(sa, "Quick Mode message 0x%08x does not decrypt: dropped",
			    m->hdr.msgid);
		if (fresh)
			ikev1_qm_free(q);
		return;
	}
	if (fresh || (q->initiator && !q->done)) {
		/* QM1 (fresh) and QM2: HASH(1) without, HASH(2) with Ni_b in front */
		if (qm_hash12(sa, m->hdr.msgid, fresh ? NULL : q->ni, fresh ? 0 : q->ni_len, rest,
			      rest_len, want) < 0 ||
		    CRYPTO_memcmp(hp->u.data.ptr, want, hlen) != 0 ||
		    wire_validate(m, wire_rule_get(fresh ? WIRE_R_QM1 : WIRE_R_QM2), &err) < 0) {
			ikev1_log(sa, IKE_LOG_WARNING, NULL,
				  "Quick Mode 0x%08x: hash does not verify or malformed: dropped",
				  m->hdr.msgid);
			if (fresh)
				ikev1_qm_free(q);
			return;
		}
	} else if (!q->initiator && !q->done) {
		/* QM3: HASH(3) before the IV moves, so a forged QM3 cannot spoil the real one */
		if (qm_hash3(sa, q, want) < 0 || CRYPTO_memcmp(hp->u.data.ptr, want, hlen) != 0) {
			ikev1_log(sa, IKE_LOG_WARNING, NULL, "QM3 0x%08x: HASH(3) does not verify",
				  q->msgid);
			return;
		}
	}
	memcpy(q->iv, ivn, sa->keys.block);
	sa->last_in_us = ikev1_now(e);
	qm_remember_in(q, m->raw.ptr, m->raw.len);
	if (fresh)
		qm1_input(sa, m, q);
	else if (q->initiator && !q->done)
		qm2_input(sa, m, q);
	else if (!q->initiator && !q->done)
		qm3_input(sa, m, q);
}
