/*
 * The IKEv1 engine's public entry points (ikev1.h): configuration and tunnels, datagram
 * dispatch to the exchange handlers, timers, kernel events and the state views for `show`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev1_internal.h"

int ikev1_new(const struct ike_env *env, struct ikev1 **ret)
{
	struct ikev1 *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->env = *env;
	e->msg = malloc(sizeof(*e->msg));
	e->plain = malloc(IKEV1_MSG_MAX);
	e->out = malloc(IKEV1_MSG_MAX);
	e->chain = malloc(IKEV1_MSG_MAX);
	if (!e->msg || !e->plain || !e->out || !e->chain) {
		ikev1_free(e);
		return -ENOMEM;
	}
	*ret = e;
	return 0;
}

static void tunnel_forget(struct ikev1 *e, struct ikev1_tunnel *t)
{
	ike_timer_cancel(&e->timers, &t->reinit_timer);
	for (int i = 0; i < IKEV1_MAX_CHILDREN; i++) {
		ike_timer_cancel(&e->timers, &t->children[i].rekey_timer);
		ike_timer_cancel(&e->timers, &t->children[i].expire_timer);
	}
}

void ikev1_free(struct ikev1 *e)
{
	if (!e)
		return;
	while (e->all_head) {
		e->all_head->tunnel_id = 0;
		ikev1_sa_destroy(e->all_head, "engine stopped");
	}
	for (size_t i = 0; i < e->n_tunnels; i++)
		tunnel_forget(e, &e->tunnels[i]);
	free(e->tunnels);
	ike_timers_free(&e->timers);
	free(e->by_ours);
	free(e->by_peer);
	free(e->msg);
	if (e->plain)
		OPENSSL_cleanse(e->plain, IKEV1_MSG_MAX);
	if (e->chain)
		OPENSSL_cleanse(e->chain, IKEV1_MSG_MAX);
	free(e->plain);
	free(e->out);
	free(e->chain);
	free(e);
}

void ikev1_set_debug(struct ikev1 *e, bool on)
{
	e->debug = on;
}

void ikev1_set_debug_pki(struct ikev1 *e, bool on)
{
	e->debug_pki = on;
}

/* ---- tunnels ---- */

/* IOS: a tunnel protection profile without an IKEv2 profile is negotiated by ISAKMP. */
static bool tunnel_is_v1(const struct config_interface *i)
{
	return i->is_tunnel && i->protection && !i->protection->ikev2_profile &&
	       i->destination.family;
}

bool ikev1_owns_tunnel(const struct ikev1 *e, uint32_t tunnel_id)
{
	return ikev1_tunnel_get((struct ikev1 *)e, tunnel_id) != NULL;
}

static int tunnel_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct ikev1_tunnel *)a)->id, y = ((const struct ikev1_tunnel *)b)->id;

	return x < y ? -1 : x > y;
}

static void reinit_timer(struct ike_timer *tm, void *userdata)
{
	struct ikev1_tunnel *t = userdata;

	(void)tm;
	if (t->nego || !t->cfg || t->cfg->shutdown || t->cfg->initiate != CONFIG_INITIATE_ALWAYS)
		return;
	if (t->sa) {
		if (!ikev1_child_current(t))
			ikev1_qm_start(t->sa, t, NULL);
		return;
	}
	ikev1_p1_start(t);
}

static const char *name_or_empty(const char *s)
{
	return s ? s : "";
}

static bool tunnel_same(const struct config_interface *a, const struct config_interface *b)
{
	const struct config_ipsec_profile *pa = a->protection, *pb = b->protection;

	return ike_addr_equal(&a->source, &b->source) &&
	       ike_addr_equal(&a->destination, &b->destination) &&
	       strcmp(pa->name, pb->name) == 0 &&
	       strcmp(name_or_empty(pa->isakmp_profile_name),
		      name_or_empty(pb->isakmp_profile_name)) == 0 &&
	       a->shutdown == b->shutdown;
}

/* SAs keep pointers into the configuration: move them to the new one, or drop them. */
static bool rebind_sa(struct ikev1 *e, struct ikev1_sa *sa)
{
	if (sa->prof.v1) {
		sa->prof.v1 = config_find_isakmp_profile(e->cfg, sa->prof.v1->name);
		if (!sa->prof.v1)
			return false;
	}
	if (sa->sign_tp)
		sa->sign_tp = e->store ? pki_store_find(e->store, pki_tp_name(sa->sign_tp)) : NULL;
	return true;
}

int ikev1_set_config(struct ikev1 *e, const struct config *cfg, const struct pki_store *store)
{
	struct ikev1_tunnel *nt;
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_interfaces; i++)
		n += tunnel_is_v1(cfg->interfaces[i]);
	nt = calloc(n ? n : 1, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < cfg->n_interfaces; i++) {
		const struct config_interface *ifc = cfg->interfaces[i];
		struct ikev1_tunnel *old;

		if (!tunnel_is_v1(ifc))
			continue;
		old = ikev1_tunnel_get(e, ifc->tunnel_number);
		if (old && tunnel_same(old->cfg, ifc)) {
			tunnel_forget(e, old);
			nt[n] = *old;
			old->sa = old->nego = NULL;
			memset(old->children, 0, sizeof(old->children));
		} else {
			nt[n].id = ifc->tunnel_number;
		}
		nt[n].cfg = ifc;
		nt[n].prof = ike_tunnel_profile(ifc);
		nt[n].prof.version = IKE_V1;
		nt[n].e = e;
		n++;
	}
	qsort(nt, n, sizeof(*nt), tunnel_cmp);
	/* what tunnels that went away or changed had */
	for (size_t i = 0; i < e->n_tunnels; i++) {
		struct ikev1_tunnel *old = &e->tunnels[i];

		tunnel_forget(e, old);
		for (int k = 0; k < IKEV1_MAX_CHILDREN; k++)
			if (old->children[k].used) {
				old->children[k].t = old;
				ikev1_child_remove(&old->children[k], true);
			}
		if (old->nego) {
			old->nego->tunnel_id = 0;
			ikev1_sa_destroy(old->nego, "tunnel removed or changed");
		}
		if (old->sa) {
			struct ikev1_sa *sa = old->sa;

			old->sa = NULL;
			ikev1_log(sa, IKE_LOG_NOTICE, "tunnel-down",
				  "%s removed or changed by the new configuration", old->cfg->name);
			sa->tunnel_id = 0;
			ikev1_delete_p1(sa);
		}
	}
	free(e->tunnels);
	e->tunnels = nt;
	e->n_tunnels = n;
	e->cfg = cfg;
	e->store = store;
	for (size_t i = 0; i < n; i++) {
		ike_timer_init(&nt[i].reinit_timer, reinit_timer, &nt[i]);
		for (int k = 0; k < IKEV1_MAX_CHILDREN; k++)
			if (nt[i].children[k].used)
				nt[i].children[k].t = &nt[i];
	}
	/* the children's timers point at their tunnel: re-arm them at the new address */
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < IKEV1_MAX_CHILDREN; k++) {
			struct ikev1_child *c = &nt[i].children[k];

			c->rekey_timer.userdata = c;
			c->expire_timer.userdata = c;
			if (c->used)
				ikev1_child_timers_arm(c);
		}
	for (struct ikev1_sa *sa = e->all_head, *next; sa; sa = next) {
		next = sa->next_all;
		if (sa->tunnel_id && !ikev1_tunnel_get(e, sa->tunnel_id))
			sa->tunnel_id = 0;
		if (!rebind_sa(e, sa))
			ikev1_sa_destroy(sa, "profile removed by the new configuration");
	}
	for (size_t i = 0; i < n; i++)
		if (!nt[i].sa && !nt[i].nego && !nt[i].cfg->shutdown &&
		    nt[i].cfg->initiate == CONFIG_INITIATE_ALWAYS)
			ikev1_tunnel_schedule_reinit(&nt[i], 0);
	return 0;
}

int ikev1_initiate(struct ikev1 *e, uint32_t tunnel_id)
{
	struct ikev1_tunnel *t = ikev1_tunnel_get(e, tunnel_id);

	if (!t)
		return -ENOENT;
	if (t->nego || ikev1_child_current(t))
		return -EALREADY;
	if (t->sa)
		return ikev1_qm_start(t->sa, t, NULL);
	return ikev1_p1_start(t);
}

void ikev1_kernel_acquire(struct ikev1 *e, uint32_t tunnel_id)
{
	struct ikev1_tunnel *t = ikev1_tunnel_get(e, tunnel_id);

	if (t && t->cfg->initiate != CONFIG_INITIATE_NEVER && !t->cfg->shutdown)
		ikev1_initiate(e, tunnel_id);
}

bool ikev1_kernel_expire(struct ikev1 *e, const struct config_addr *dst, uint32_t spi, bool hard)
{
	(void)dst;
	for (size_t i = 0; i < e->n_tunnels; i++) {
		struct ikev1_tunnel *t = &e->tunnels[i];

		for (int k = 0; k < IKEV1_MAX_CHILDREN; k++) {
			struct ikev1_child *c = &t->children[k];

			if (!c->used || (c->spi_in != spi && c->spi_out != spi))
				continue;
			if (hard) {
				c->installed = false; /* the kernel removed it */
				ikev1_child_remove(c, true);
			} else if (!c->replaced && t->sa && t->sa->state == IKEV1_S_P1_DONE) {
				ikev1_qm_start(t->sa, t, c);
			}
			return true;
		}
	}
	return false;
}

size_t ikev1_clear(struct ikev1 *e, const struct config_addr *peer)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n_tunnels; i++) {
		struct ikev1_tunnel *t = &e->tunnels[i];

		if (peer && !ike_addr_equal(peer, &t->cfg->destination))
			continue;
		for (int k = 0; k < IKEV1_MAX_CHILDREN; k++)
			if (t->children[k].used)
				ikev1_child_remove(&t->children[k], true);
	}
	for (struct ikev1_sa *sa = e->all_head, *next; sa; sa = next) {
		next = sa->next_all;
		if (peer && !ike_addr_equal(peer, &sa->path.remote))
			continue;
		n++;
		if (sa->state == IKEV1_S_P1_DONE)
			ikev1_delete_p1(sa);
		else
			ikev1_sa_destroy(sa, "cleared");
	}
	for (size_t i = 0; i < e->n_tunnels; i++) {
		struct ikev1_tunnel *t = &e->tunnels[i];

		if ((!peer || ike_addr_equal(peer, &t->cfg->destination)) && !t->cfg->shutdown &&
		    t->cfg->initiate == CONFIG_INITIATE_ALWAYS)
			ikev1_tunnel_schedule_reinit(t, IKEV1_REINIT_MIN_US / 5);
	}
	return n;
}

/* ---- timers ---- */

uint64_t ikev1_next_timeout(const struct ikev1 *e)
{
	return ike_timers_next(&e->timers);
}

void ikev1_run_timers(struct ikev1 *e)
{
	ike_timers_run(&e->timers, ikev1_now(e));
}

/* ---- input ---- */

static void log_drop(struct ikev1 *e, const struct ike_path *path, const char *what)
{
	char a[CONFIG_ADDR_STRLEN], line[300];
	struct ike_log_entry l = { .level = IKE_LOG_DEBUG };

	if (!e->debug || !e->env.log)
		return;
	snprintf(line, sizeof(line), "ISAKMP: dropped a datagram from %s port %u: %s",
		 config_addr_str(&path->remote, a, sizeof(a)), path->remote_port, what);
	l.text = line;
	l.peer = a;
	e->env.log(e->env.ctx, &l);
}

void ikev1_input(struct ikev1 *e, const struct ike_path *path, const uint8_t *buf, size_t len)
{
	struct wire_msg *m = e->msg;
	struct wire_err err;
	struct ikev1_sa *sa;

	if (wire_decode(m, buf, len, &err) < 0 || m->version != 1) {
		log_drop(e, path, err.what ? err.what : "not ISAKMP");
		return;
	}
	sa = ikev1_sa_find(e, &m->hdr, &path->remote);
	switch (m->hdr.exchange) {
	case WIRE_EX1_MAIN:
	case WIRE_EX1_AGGRESSIVE:
		ikev1_p1_input(e, sa, path, m, buf, len);
		return;
	case WIRE_EX1_QUICK:
	case WIRE_EX1_INFORMATIONAL:
		break;
	default:
		log_drop(e, path, "exchange type not supported");
		return;
	}
	if (!sa) {
		log_drop(e, path, "no ISAKMP SA for these cookies");
		return;
	}
	if (sa->state != IKEV1_S_P1_DONE && !(m->hdr.exchange == WIRE_EX1_INFORMATIONAL)) {
		/* Quick Mode before phase 1 completed (MM6 lost and QM1 overtook it) */
		ikev1_debug(sa, "Quick Mode before phase 1 is complete: dropped");
		return;
	}
	/* the peer may have floated to 4500 (NAT-T): follow it once authenticated */
	if (m->hdr.exchange == WIRE_EX1_QUICK)
		ikev1_qm_input(sa, m);
	else if (!ikev1_info_input(sa, m))
		return; /* a Delete of this ISAKMP SA: it is gone */
	if (sa->state == IKEV1_S_P1_DONE && path->remote_port != sa->path.remote_port &&
	    sa->natt && sa->last_in_us == ikev1_now(e))
		sa->path = *path;
}

/* ---- views for show ---- */

void ikev1_child_counters(struct ikev1_child *c, struct ike_kernel_counters *in,
			  struct ike_kernel_counters *out)
{
	const struct ike_kernel_ops *k = c->t->e->env.kernel;

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (!c->installed || !k || !k->sa_counters)
		return;
	k->sa_counters(k->ctx, c->t->id, &c->local, c->spi_in, in);
	k->sa_counters(k->ctx, c->t->id, &c->remote, c->spi_out, out);
}

static size_t children_info(const struct ikev1_tunnel *t, struct ike_child_info *ci)
{
	size_t n = 0;

	for (int k = 0; k < IKEV1_MAX_CHILDREN; k++) {
		const struct ikev1_child *c = &t->children[k];

		if (!c->used || !c->installed)
			continue;
		memset(&ci[n], 0, sizeof(ci[n]));
		ci[n].tunnel_id = t->id;
		ci[n].spi_in = c->spi_in;
		ci[n].spi_out = c->spi_out;
		ci[n].encr = c->esp.encr;
		ci[n].key_bits = c->esp.key_bits;
		ci[n].integ = c->esp.integ;
		ci[n].udp_encap = c->esp.udp_encap;
		ci[n].rekeyed = c->replaced;
		ci[n].established_us = c->established_us;
		ci[n].lifetime_s = c->esp.lifetime_s;
		n++;
	}
	return n;
}

/* IKEv1's one hash serves as PRF and as the message integrity (HASH payloads): the integrity
 * transform with that hash, for the views that name both. */
static uint16_t integ_of_prf(uint16_t prf)
{
	switch (prf) {
	case WIRE_PRF_HMAC_MD5:
		return WIRE_INTEG_HMAC_MD5_96;
	case WIRE_PRF_HMAC_SHA1:
		return WIRE_INTEG_HMAC_SHA1_96;
	case WIRE_PRF_HMAC_SHA2_256:
		return WIRE_INTEG_HMAC_SHA2_256_128;
	case WIRE_PRF_HMAC_SHA2_384:
		return WIRE_INTEG_HMAC_SHA2_384_192;
	case WIRE_PRF_HMAC_SHA2_512:
		return WIRE_INTEG_HMAC_SHA2_512_256;
	default:
		return 0;
	}
}

void ikev1_foreach_sa(const struct ikev1 *e, ike_sa_cb cb, void *userdata)
{
	struct ike_child_info ci[IKEV1_MAX_CHILDREN];

	for (const struct ikev1_sa *sa = e->all_head; sa; sa = sa->next_all) {
		struct ikev1_tunnel *t =
			sa->tunnel_id ? ikev1_tunnel_get((struct ikev1 *)e, sa->tunnel_id) : NULL;
		struct ike_sa_info info;
		size_t n = 0;

		memset(&info, 0, sizeof(info));
		info.version = 1;
		info.id = IKEV1_CONN_ID_BASE + sa->id;
		info.path = sa->path;
		info.state = ikev1_state_name(sa);
		info.initiator = sa->initiator;
		memcpy(info.ispi, sa->icky, 8);
		memcpy(info.rspi, sa->rcky, 8);
		info.profile = sa->prof.v1 ? sa->prof.v1->name : NULL;
		snprintf(info.local_id, sizeof(info.local_id), "%s", sa->local_id);
		snprintf(info.remote_id, sizeof(info.remote_id), "%s", sa->remote_id);
		info.encr = sa->alg.encr;
		info.key_bits = sa->alg.key_bits;
		info.integ = integ_of_prf(sa->alg.prf);
		info.prf = sa->alg.prf;
		info.dh_group = sa->alg.dh;
		info.auth_local = info.auth_remote = sa->alg.auth;
		info.established_us = sa->established_us;
		info.lifetime_s = sa->alg.lifetime_s;
		info.nat_local = sa->nat_local;
		info.nat_remote = sa->nat_remote;
		/* a tunnel's IPsec SAs are listed under the ISAKMP SA it uses now */
		if (t && t->sa == sa)
			n = children_info(t, ci);
		info.children = ci;
		info.n_children = n;
		cb(userdata, &info);
	}
	/* IPsec SAs whose ISAKMP SA is gone: still carrying traffic until their lifetime */
	for (size_t i = 0; i < e->n_tunnels; i++) {
		const struct ikev1_tunnel *t = &e->tunnels[i];
		struct ike_sa_info info;
		size_t n;

		if (t->sa)
			continue;
		n = children_info(t, ci);
		if (!n)
			continue;
		memset(&info, 0, sizeof(info));
		info.version = 1;
		info.ike_sa_gone = true;
		info.state = "MM_NO_STATE";
		for (int k = 0; k < IKEV1_MAX_CHILDREN; k++)
			if (t->children[k].used && t->children[k].installed) {
				info.path.local = t->children[k].local;
				info.path.remote = t->children[k].remote;
			}
		info.profile = t->prof.v1 ? t->prof.v1->name : NULL;
		info.children = ci;
		info.n_children = n;
		cb(userdata, &info);
	}
}

int ikev1_tunnel_info(const struct ikev1 *e, uint32_t tunnel_id, struct ike_tunnel_info *ret)
{
	struct ikev1_tunnel *t = ikev1_tunnel_get((struct ikev1 *)e, tunnel_id);

	if (!t)
		return -ENOENT;
	memset(ret, 0, sizeof(*ret));
	ret->up = ikev1_child_current(t) != NULL;
	ret->retired_in = t->retired_in;
	ret->retired_out = t->retired_out;
	ret->last_rekey_us = t->last_rekey_us;
	ret->rekeys = t->rekeys;
	ret->dpd_rtt_us = t->dpd_rtt_us;
	return 0;
}
