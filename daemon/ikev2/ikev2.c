/*
 * The IKEv2 engine's public entry points (ikev2.h): configuration and tunnels, datagram
 * dispatch to the exchange handlers, timers, kernel events and the state views for `show`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev2_internal.h"

int ikev2_new(const struct ike_env *env, struct ikev2 **ret)
{
	struct ikev2 *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->env = *env;
	e->cookie_threshold = IKEV2_COOKIE_THRESHOLD;
	e->msg = malloc(sizeof(*e->msg));
	e->plain = malloc(IKEV2_FRAG_PLAIN_MAX);
	e->out = malloc(IKEV2_OUT_MAX);
	if (!e->msg || !e->plain || !e->out) {
		ikev2_free(e);
		return -ENOMEM;
	}
	*ret = e;
	return 0;
}

void ikev2_free(struct ikev2 *e)
{
	if (!e)
		return;
	while (e->all_head) {
		struct ikev2_sa *sa = e->all_head;

		/* keep the kernel's SAs: only forget them (the daemon decides what to flush) */
		for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
			sa->children[i].installed = false;
		sa->tunnel_id = 0;
		ikev2_sa_destroy(sa, "engine stopped");
	}
	ikev2_linger_flush(e, true); /* transient: the peer already sends on the successor */
	for (size_t i = 0; i < e->n_tunnels; i++)
		ike_timer_cancel(&e->timers, &e->tunnels[i].reinit_timer);
	free(e->tunnels);
	ike_timers_free(&e->timers);
	free(e->by_spi);
	free(e->half_open);
	free(e->msg);
	if (e->plain)
		OPENSSL_cleanse(e->plain, IKEV2_FRAG_PLAIN_MAX);
	free(e->plain);
	free(e->out);
	free(e->reasm_hold);
	free(e);
}

void ikev2_test_cookie_threshold(struct ikev2 *e, size_t n)
{
	e->cookie_threshold = n;
}

void ikev2_test_frag_size(struct ikev2 *e, size_t ip_bytes)
{
	e->frag_size = ip_bytes;
}

void ikev2_test_frag_off(struct ikev2 *e, bool off)
{
	e->frag_off = off;
}

void ikev2_set_debug(struct ikev2 *e, bool on)
{
	e->debug = on;
}

void ikev2_set_debug_pki(struct ikev2 *e, bool on)
{
	e->debug_pki = on;
}

/* ---- tunnels ---- */

/* Tunnels are kept sorted by number: O(log n) lookups on every message and log line. */
struct ikev2_tunnel *ikev2_tunnel_get(struct ikev2 *e, uint32_t id)
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

static int tunnel_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct ikev2_tunnel *)a)->id, y = ((const struct ikev2_tunnel *)b)->id;

	return x < y ? -1 : x > y;
}

static bool tunnel_is_v2(const struct config_interface *i)
{
	return i->is_tunnel && i->protection && i->protection->ikev2_profile &&
	       i->destination.family;
}

static void reinit_timer(struct ike_timer *tm, void *userdata)
{
	struct ikev2_tunnel *t = userdata;

	(void)tm;
	if (t->sa || t->nego || !t->cfg || t->cfg->shutdown ||
	    t->cfg->initiate != CONFIG_INITIATE_ALWAYS)
		return;
	ikev2_init_start(t);
}

void ikev2_tunnel_schedule_reinit(struct ikev2_tunnel *t, uint64_t delay_us)
{
	ike_timer_arm(&t->e->timers, &t->reinit_timer, ikev2_now(t->e) + delay_us);
}

void ikev2_tunnel_failed(struct ikev2_tunnel *t, const char *why)
{
	uint64_t delay = IKEV2_REINIT_MIN_US;

	(void)why;
	if (!t->cfg || t->cfg->initiate != CONFIG_INITIATE_ALWAYS || t->cfg->shutdown)
		return;
	for (unsigned i = 0; i < t->failures && delay < IKEV2_REINIT_MAX_US; i++)
		delay *= 2;
	if (delay > IKEV2_REINIT_MAX_US)
		delay = IKEV2_REINIT_MAX_US;
	t->failures++;
	ikev2_tunnel_schedule_reinit(t, delay);
}

/* SAs keep pointers into the configuration: move them to the new one, or drop them. */
static bool rebind_sa(struct ikev2 *e, struct ikev2_sa *sa)
{
	const struct config *cfg = e->cfg;
	const struct config_ikev2_profile *np = NULL;

	if (sa->prof.v2) {
		for (size_t i = 0; i < cfg->n_ikev2_profiles; i++)
			if (strcmp(cfg->ikev2_profiles[i]->name, sa->prof.v2->name) == 0)
				np = cfg->ikev2_profiles[i];
		if (!np)
			return false;
		sa->prof.v2 = np;
	}
	if (sa->sign_tp && e->store)
		sa->sign_tp = pki_store_find(e->store, pki_tp_name(sa->sign_tp));
	return true;
}

static bool tunnel_same(const struct config_interface *a, const struct config_interface *b)
{
	return ike_addr_equal(&a->source, &b->source) &&
	       ike_addr_equal(&a->destination, &b->destination) &&
	       strcmp(a->protection->name, b->protection->name) == 0 &&
	       strcmp(a->protection->ikev2_profile->name, b->protection->ikev2_profile->name) == 0 &&
	       a->shutdown == b->shutdown;
}

int ikev2_set_config(struct ikev2 *e, const struct config *cfg, const struct pki_store *store)
{
	struct ikev2_tunnel *nt;
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_interfaces; i++)
		n += tunnel_is_v2(cfg->interfaces[i]);
	nt = calloc(n ? n : 1, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < cfg->n_interfaces; i++) {
		const struct config_interface *ifc = cfg->interfaces[i];
		struct ikev2_tunnel *old;

		if (!tunnel_is_v2(ifc))
			continue;
		old = ikev2_tunnel_get(e, ifc->tunnel_number);
		if (old && tunnel_same(old->cfg, ifc)) {
			nt[n] = *old;
			ike_timer_cancel(&e->timers, &old->reinit_timer);
			old->sa = NULL;
			old->nego = NULL;
		} else {
			nt[n].id = ifc->tunnel_number;
		}
		nt[n].cfg = ifc;
		nt[n].e = e;
		ike_timer_init(&nt[n].reinit_timer, reinit_timer, NULL);
		n++;
	}
	qsort(nt, n, sizeof(*nt), tunnel_cmp);
	/* SAs of tunnels that went away or changed */
	for (size_t i = 0; i < e->n_tunnels; i++) {
		struct ikev2_tunnel *old = &e->tunnels[i];

		ike_timer_cancel(&e->timers, &old->reinit_timer);
		if (old->nego) {
			struct ikev2_sa *sa = old->nego;

			old->nego = NULL;
			sa->tunnel_id = 0;
			ikev2_sa_destroy(sa, "tunnel removed or changed");
		}
		if (old->sa) {
			struct ikev2_sa *sa = old->sa;

			old->sa = NULL;
			sa->tunnel_id = 0;
			ikev2_log(sa, IKE_LOG_NOTICE, "tunnel-down",
				  "%s removed or changed by the new configuration", old->cfg->name);
			ikev2_delete_ike_start(sa);
		}
	}
	free(e->tunnels);
	e->tunnels = nt;
	e->n_tunnels = n;
	e->cfg = cfg;
	e->store = store;
	for (size_t i = 0; i < n; i++)
		nt[i].reinit_timer.userdata = &nt[i];
	for (struct ikev2_sa *sa = e->all_head, *next; sa; sa = next) {
		next = sa->next_all;
		if (sa->tunnel_id && !ikev2_tunnel_get(e, sa->tunnel_id))
			sa->tunnel_id = 0;
		if (!rebind_sa(e, sa))
			ikev2_sa_destroy(sa, "profile removed by the new configuration");
	}
	for (size_t i = 0; i < n; i++)
		if (!nt[i].sa && !nt[i].nego && !nt[i].cfg->shutdown &&
		    nt[i].cfg->initiate == CONFIG_INITIATE_ALWAYS)
			ikev2_tunnel_schedule_reinit(&nt[i], 0);
	return 0;
}

int ikev2_initiate(struct ikev2 *e, uint32_t tunnel_id)
{
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, tunnel_id);

	if (!t)
		return -ENOENT;
	if (t->sa || t->nego)
		return -EALREADY;
	return ikev2_init_start(t);
}

void ikev2_kernel_acquire(struct ikev2 *e, uint32_t tunnel_id)
{
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, tunnel_id);

	if (t && !t->sa && !t->nego && t->cfg->initiate != CONFIG_INITIATE_NEVER && !t->cfg->shutdown)
		ikev2_init_start(t);
}

void ikev2_kernel_expire(struct ikev2 *e, const struct config_addr *dst, uint32_t spi, bool hard)
{
	for (struct ikev2_sa *sa = e->all_head; sa; sa = sa->next_all) {
		struct ikev2_child *c = ikev2_child_by_spi_in(sa, spi);

		if (!c)
			c = ikev2_child_by_spi_out(sa, spi);
		if (!c || !c->installed)
			continue;
		(void)dst;
		if (hard) {
			ikev2_log(sa, IKE_LOG_WARNING, NULL,
				  "CHILD_SA 0x%08x/0x%08x hit its hard lifetime", c->spi_in,
				  c->spi_out);
			c->installed = false; /* the kernel removed it */
			ikev2_delete_child_start(sa, c);
		} else if (!c->rekeyed && sa->state == IKEV2_S_ESTABLISHED) {
			sa->rekey_child = c;
			sa->queued_rekey_child = true;
			ikev2_kick(sa);
		}
		return;
	}
}

size_t ikev2_clear(struct ikev2 *e, const struct config_addr *peer)
{
	size_t n = 0;

	for (struct ikev2_sa *sa = e->all_head, *next; sa; sa = next) {
		next = sa->next_all;
		if (peer && !ike_addr_equal(peer, &sa->path.remote))
			continue;
		n++;
		if (sa->state == IKEV2_S_ESTABLISHED)
			ikev2_delete_ike_start(sa);
		else
			ikev2_sa_destroy(sa, "cleared");
	}
	return n;
}

/* ---- timers ---- */

uint64_t ikev2_next_timeout(const struct ikev2 *e)
{
	return ike_timers_next(&e->timers);
}

void ikev2_run_timers(struct ikev2 *e)
{
	ike_timers_run(&e->timers, ikev2_now(e));
}

/* ---- input ---- */

static void log_drop(struct ikev2 *e, const struct ike_path *path, const char *what)
{
	char a[CONFIG_ADDR_STRLEN];
	struct ike_log_entry l = { .level = IKE_LOG_DEBUG };
	char line[256];

	if (!e->debug || !e->env.log)
		return;
	snprintf(line, sizeof(line), "IKEv2: dropped a message from %s port %u: %s",
		 config_addr_str(&path->remote, a, sizeof(a)), path->remote_port, what);
	l.text = line;
	l.peer = a;
	e->env.log(e->env.ctx, &l);
}

/* Decrypt and decode the SK payload of a message for an SA; false: drop it. */
static bool open_sk(struct ikev2_sa *sa, struct wire_msg *m)
{
	struct ikev2 *e = sa->e;
	bool from_initiator = m->hdr.flags & WIRE_F2_INITIATOR;
	const struct ike_secret *ek = from_initiator ? &sa->keys.ei : &sa->keys.er;
	const struct ike_secret *ak = from_initiator ? &sa->keys.ai : &sa->keys.ar;
	struct wire_err err;
	size_t len;
	char eb[160];

	if (!m->enc.present || m->enc.fragment || !sa->have_keys)
		return false;
	if (ike_sk_decrypt(&sa->suite, ek, ak, m->raw.ptr, m->enc.aad.len, m->enc.body.len,
			   e->plain, &len) < 0) {
		ikev2_debug(sa, "integrity check of message ID %u failed: dropped", m->hdr.msgid);
		return false;
	}
	if (wire_decode_inner(m, e->plain, len, &err) < 0) {
		ikev2_debug(sa, "bad encrypted payloads: %s", wire_err_str(&err, eb, sizeof(eb)));
		return false;
	}
	return true;
}

static void dispatch_request(struct ikev2_sa *sa, struct wire_msg *m)
{
	uint32_t msgid = m->hdr.msgid;

	switch (m->hdr.exchange) {
	case WIRE_EX2_IKE_AUTH:
		if (sa->initiator || sa->state != IKEV2_S_INIT_DONE)
			return;
		ikev2_auth_request(sa, m, msgid);
		break;
	case WIRE_EX2_CREATE_CHILD_SA:
		ikev2_child_request(sa, m, msgid);
		break;
	case WIRE_EX2_INFORMATIONAL:
		ikev2_info_request(sa, m, msgid);
		break;
	default:
		break;
	}
}

static void dispatch_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	enum ikev2_req_kind kind = sa->req_kind;

	switch (kind) {
	case IKEV2_REQ_AUTH:
		ikev2_auth_response(sa, m);
		break;
	case IKEV2_REQ_CHILD_REKEY:
	case IKEV2_REQ_IKE_REKEY:
		ikev2_child_response(sa, m);
		break;
	case IKEV2_REQ_DELETE_CHILD:
	case IKEV2_REQ_DELETE_IKE:
	case IKEV2_REQ_DPD:
		ikev2_info_response(sa, m);
		break;
	default:
		break;
	}
}

void ikev2_input(struct ikev2 *e, const struct ike_path *path, const uint8_t *buf, size_t len)
{
	struct wire_msg *m = e->msg;
	const struct wire_rule *rule;
	struct wire_err err;
	struct ikev2_sa *sa;
	bool response, from_initiator;
	char eb[160];

	if (!e->cfg)
		return;
	if (wire_decode(m, buf, len, &err) < 0) {
		log_drop(e, path, wire_err_str(&err, eb, sizeof(eb)));
		return;
	}
	if (m->version != WIRE_IKEV2)
		return log_drop(e, path, "not IKEv2");
	rule = wire_rule_v2(m);
	if (!rule)
		return log_drop(e, path, "unknown exchange");
	response = m->hdr.flags & WIRE_F2_RESPONSE;
	from_initiator = m->hdr.flags & WIRE_F2_INITIATOR;
	if (m->hdr.exchange == WIRE_EX2_IKE_SA_INIT && !response) {
		if (wire_validate(m, rule, &err) < 0)
			return log_drop(e, path, wire_err_str(&err, eb, sizeof(eb)));
		ikev2_init_request(e, path, m);
		return;
	}
	sa = ikev2_sa_by_spi(e, from_initiator ? m->hdr.rspi : m->hdr.ispi);
	if (!sa || sa->state == IKEV2_S_DEAD)
		return log_drop(e, path, "no IKE SA for these SPIs");
	if (sa->initiator == from_initiator) {
		/* the initiator flag says the sender has our role: not for this SA */
		return log_drop(e, path, "initiator flag does not fit the SA");
	}
	if (!from_initiator && memcmp(m->hdr.ispi, sa->ispi, 8) != 0)
		return log_drop(e, path, "SPI mismatch");
	if (m->hdr.exchange == WIRE_EX2_IKE_SA_INIT) {
		if (!sa->initiator || sa->state != IKEV2_S_INIT_SENT || m->hdr.msgid != 0)
			return;
		if (wire_validate(m, rule, &err) < 0)
			return log_drop(e, path, wire_err_str(&err, eb, sizeof(eb)));
		ikev2_init_response(sa, m);
		return;
	}
	if (from_initiator && memcmp(m->hdr.rspi, sa->rspi, 8) != 0)
		return log_drop(e, path, "SPI mismatch");
	if (response) {
		if (!sa->req_buf || m->hdr.msgid != sa->req_msgid)
			return log_drop(e, path, "response to no request of ours");
	} else {
		if (m->hdr.msgid + 1 == sa->msgid_next_in && sa->resp_valid &&
		    sa->resp_msgid == m->hdr.msgid) {
			/* a fragmented request: answer its fragment 1 once it is authentic, not
			 * every fragment (RFC 7383 2.6.1) */
			if (m->enc.fragment && (m->enc.frag_num != 1 || !ikev2_frag_verify(sa, m)))
				return;
			ikev2_debug(sa, "retransmitted request %u: resending our response",
				    m->hdr.msgid);
			ikev2_path_send(e, &sa->path, sa->resp_buf, sa->resp_len);
			return;
		}
		if (m->hdr.msgid != sa->msgid_next_in)
			return log_drop(e, path, "unexpected message ID");
	}
	if (m->enc.fragment) {
		/* SKF: kept until all fragments are in, then m is the whole message */
		if (!ikev2_frag_input(sa, m))
			return;
		rule = wire_rule_v2(m);
		if (!rule)
			return;
	} else if (!open_sk(sa, m)) {
		return;
	}
	if (wire_validate(m, rule, &err) < 0) {
		ikev2_debug(sa, "invalid %s: %s", wire_rule_name(rule),
			    wire_err_str(&err, eb, sizeof(eb)));
		if (!response && sa->state == IKEV2_S_ESTABLISHED) {
			sa->msgid_next_in = m->hdr.msgid + 1;
			ikev2_send_notify_response(sa, m->hdr.exchange, m->hdr.msgid, err.notify,
						   err.notify == WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD
							   ? &err.payload
							   : NULL,
						   err.notify == WIRE_N2_UNSUPPORTED_CRITICAL_PAYLOAD
							   ? 1
							   : 0);
		}
		return;
	}
	sa->last_in_us = ikev2_now(e);
	/* the peer may have moved (NAT mapping change): follow authenticated messages */
	if ((sa->nat_remote || sa->nat_local || path->local_port == 4500) &&
	    (!ike_addr_equal(&path->remote, &sa->path.remote) ||
	     path->remote_port != sa->path.remote_port || path->local_port != sa->path.local_port))
		sa->path = *path;
	if (response)
		dispatch_response(sa, m);
	else
		dispatch_request(sa, m);
}

/* ---- show ---- */

void ikev2_foreach_sa(const struct ikev2 *e, ike_sa_cb cb, void *userdata)
{
	struct ike_child_info ci[IKEV2_MAX_CHILDREN];

	for (const struct ikev2_sa *sa = e->all_head; sa; sa = sa->next_all) {
		struct ike_sa_info info;
		size_t n = 0;

		memset(&info, 0, sizeof(info));
		info.version = 2;
		info.id = sa->id;
		info.path = sa->path;
		info.state = ikev2_state_name(sa->state);
		info.initiator = sa->initiator;
		memcpy(info.ispi, sa->ispi, 8);
		memcpy(info.rspi, sa->rspi, 8);
		info.profile = sa->prof.v2 ? sa->prof.v2->name : NULL;
		snprintf(info.local_id, sizeof(info.local_id), "%s", sa->local_id);
		snprintf(info.remote_id, sizeof(info.remote_id), "%s", sa->remote_id);
		info.encr = sa->alg.encr;
		info.key_bits = sa->alg.key_bits;
		info.integ = sa->alg.integ;
		info.prf = sa->alg.prf;
		info.dh_group = sa->alg.dh;
		info.auth_local = sa->auth_local;
		info.auth_remote = sa->auth_remote;
		info.established_us = sa->established_us;
		info.lifetime_s = sa->lifetime_s;
		info.nat_local = sa->nat_local;
		info.nat_remote = sa->nat_remote;
		for (int i = 0; i < IKEV2_MAX_CHILDREN; i++) {
			const struct ikev2_child *c = &sa->children[i];

			if (!c->used || !c->installed)
				continue;
			memset(&ci[n], 0, sizeof(ci[n]));
			ci[n].tunnel_id = c->tunnel_id;
			ci[n].spi_in = c->spi_in;
			ci[n].spi_out = c->spi_out;
			ci[n].encr = c->esp.encr;
			ci[n].key_bits = c->esp.key_bits;
			ci[n].integ = c->esp.integ;
			ci[n].esn = c->esp.esn;
			ci[n].udp_encap = sa->nat_local || sa->nat_remote;
			ci[n].rekeyed = c->rekeyed;
			ci[n].established_us = c->established_us;
			ci[n].lifetime_s = c->lifetime_s;
			n++;
		}
		info.children = ci;
		info.n_children = n;
		cb(userdata, &info);
	}
}

int ikev2_tunnel_info(const struct ikev2 *e, uint32_t tunnel_id, struct ike_tunnel_info *ret)
{
	const struct ikev2_tunnel *t = ikev2_tunnel_get((struct ikev2 *)e, tunnel_id);

	if (!t)
		return -ENOENT;
	memset(ret, 0, sizeof(*ret));
	ret->up = false;
	if (t->sa && t->sa->state == IKEV2_S_ESTABLISHED)
		for (int i = 0; i < IKEV2_MAX_CHILDREN; i++)
			ret->up = ret->up || (t->sa->children[i].used &&
					      t->sa->children[i].installed &&
					      t->sa->children[i].tunnel_id == tunnel_id);
	ret->retired_in = t->retired_in;
	ret->retired_out = t->retired_out;
	ret->last_rekey_us = t->last_rekey_us;
	ret->rekeys = t->rekeys;
	ret->dpd_rtt_us = t->dpd_rtt_us;
	return 0;
}
