/*
 * The simulator's driver: trace and result bookkeeping, the tunnels of one config towards the
 * other, and one simulated initiation per tunnel (dispatching to sim_ikev1.c / sim_ikev2.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static void res_push(struct ike_sim_result *res, char *line)
{
	if (!line) {
		res->oom = true;
		return;
	}
	if (res->n_lines == res->cap_lines) {
		size_t cap = res->cap_lines ? res->cap_lines * 2 : 64;
		char **nl = realloc(res->lines, cap * sizeof(*nl));

		if (!nl) {
			free(line);
			res->oom = true;
			return;
		}
		res->lines = nl;
		res->cap_lines = cap;
	}
	res->lines[res->n_lines++] = line;
}

__attribute__((format(printf, 2, 0))) static void res_vline(struct ike_sim_result *res, const char *fmt,
							   va_list ap)
{
	char *line;

	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	res_push(res, line);
}

void sim_line(struct ike_sim_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	res_vline(res, fmt, ap);
	va_end(ap);
}

void sim_msg(struct sim *s, const struct sim_side *from, const char *fmt, ...)
{
	char text[IKE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sim_line(s->res, "%s -> %s: %s", from->name, sim_other(s, from)->name, text);
}

int sim_fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->res->ok)
		return 0;
	s->res->ok = false;
	va_start(ap, fmt);
	vsnprintf(s->res->reason, sizeof(s->res->reason), fmt, ap);
	va_end(ap);
	return 0;
}

void ike_sim_result_free(struct ike_sim_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_lines; i++)
		free(res->lines[i]);
	free(res->lines);
	memset(res, 0, sizeof(*res));
}

const char *ike_config_name(const struct config *cfg, char *buf, size_t len)
{
	const char *base, *dot;

	if (cfg->hostname) {
		snprintf(buf, len, "%s", cfg->hostname);
		return buf;
	}
	base = strrchr(cfg->file, '/');
	base = base ? base + 1 : cfg->file;
	dot = strrchr(base, '.');
	snprintf(buf, len, "%.*s", dot && dot != base ? (int)(dot - base) : (int)strlen(base),
		 base);
	return buf;
}

void sim_tunnels_text(const struct sim_side *side, char *buf, size_t len)
{
	const struct config *cfg = side->cfg;
	char peer[CONFIG_ADDR_STRLEN];
	size_t used = 0, n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->n_tunnels && used < len; i++) {
		const struct config_interface *t = cfg->tunnels[i];
		struct ike_profile p = ike_tunnel_profile(t);

		if (!ike_addr_equal(&t->destination, &side->ep.remote))
			continue;
		if (!p.version)
			used += (size_t)snprintf(buf + used, len - used, "%s%s has no protection",
						 n++ ? ", " : "", t->name);
		else if (!ike_profile_is_set(&p))
			used += (size_t)snprintf(buf + used, len - used,
						 "%s%s uses no isakmp profile", n++ ? ", " : "",
						 t->name);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%s uses %s profile %s",
						 n++ ? ", " : "", t->name,
						 p.version == IKE_V2 ? "IKEv2" : "isakmp",
						 ike_profile_name(&p));
	}
	if (!n)
		snprintf(buf, len, "it has no tunnel towards %s",
			 config_addr_str(&side->ep.remote, peer, sizeof(peer)));
}

static void side_line(void *ctx, const char *text)
{
	struct sim_side *side = ctx;

	sim_line(side->sim->res, "%s: %s", side->name, text);
}

static void side_init(struct sim *s, struct sim_side *side, const struct ike_sim_peer *peer)
{
	memset(side, 0, sizeof(*side));
	side->sim = s;
	side->name = peer->name;
	side->cfg = peer->cfg;
	side->pki = peer->pki;
	side->tr.line = side_line;
	side->tr.ctx = side;
}

/* Does cfg own this address (an interface address or a tunnel source)? */
static bool has_address(const struct config *cfg, const struct config_addr *a)
{
	for (size_t i = 0; i < cfg->n_interfaces; i++) {
		const struct config_interface *ifc = cfg->interfaces[i];

		if (ike_addr_equal(&ifc->ipv4.addr, a) || ike_addr_equal(&ifc->ipv6.addr, a))
			return true;
		if (ifc->is_tunnel && ike_addr_equal(&ifc->source, a))
			return true;
	}
	return false;
}

static int run_tunnel(struct sim *s)
{
	const struct config_interface *t = s->tunnel;
	struct ike_profile prof = ike_tunnel_profile(t);
	char src[CONFIG_ADDR_STRLEN], dst[CONFIG_ADDR_STRLEN];

	config_addr_str(&t->source, src, sizeof(src));
	config_addr_str(&t->destination, dst, sizeof(dst));
	sim_line(s->res, "=== initiate %s->%s via %s (%s -> %s, %s, ipsec profile %s)", s->i.name,
		 s->r.name, t->name, src, dst, prof.version == IKE_V2 ? "IKEv2" : "IKEv1",
		 t->protection ? t->protection->name : "none");
	if (!prof.version)
		return sim_fail(s, "%s's %s has no tunnel protection ipsec profile", s->i.name,
				t->name);
	if (t->source.family == 0)
		return sim_fail(s, "%s's %s has no tunnel source address", s->i.name, t->name);
	if (t->initiate == CONFIG_INITIATE_NEVER)
		sim_line(s->res,
			 "note: %s is 'tunnel initiate never' on %s: simulated as if it "
			 "initiated",
			 t->name, s->i.name);
	if (t->shutdown)
		sim_line(s->res, "note: %s is shut down on %s: simulated as if it were up", t->name,
			 s->i.name);
	s->i.ep.local = t->source;
	s->i.ep.remote = t->destination;
	s->r.ep.local = t->destination;
	s->r.ep.remote = t->source;
	s->i.prof = prof;
	return prof.version == IKE_V2 ? sim_ikev2(s) : sim_ikev1(s);
}

int ike_sim_tunnel(const struct ike_sim_peer *from, const struct ike_sim_peer *to,
		   const struct config_interface *tunnel, time_t now, struct ike_sim_result *res)
{
	struct sim s = { .tunnel = tunnel, .now = now, .res = res };
	int r;

	memset(res, 0, sizeof(*res));
	res->ok = true;
	res->n_tunnels = 1;
	side_init(&s, &s.i, from);
	side_init(&s, &s.r, to);
	r = run_tunnel(&s);
	free(s.i.certreq);
	free(s.r.certreq);
	if (r == 0 && res->oom)
		r = -ENOMEM;
	return r;
}

int ike_sim_direction(const struct ike_sim_peer *from, const struct ike_sim_peer *to, time_t now,
		      struct ike_sim_result *res)
{
	size_t n = 0;

	memset(res, 0, sizeof(*res));
	res->ok = true;
	for (size_t i = 0; i < from->cfg->n_tunnels; i++)
		if (has_address(to->cfg, &from->cfg->tunnels[i]->destination))
			n++;
	if (n == 0) {
		res->ok = false;
		snprintf(res->reason, sizeof(res->reason),
			 "%s has no tunnel whose destination is an address of %s", from->name,
			 to->name);
		sim_line(res, "=== initiate %s->%s: %s", from->name, to->name, res->reason);
		return res->oom ? -ENOMEM : 0;
	}
	for (size_t i = 0; i < from->cfg->n_tunnels; i++) {
		const struct config_interface *t = from->cfg->tunnels[i];
		struct ike_sim_result one;
		int r;

		if (!has_address(to->cfg, &t->destination))
			continue;
		r = ike_sim_tunnel(from, to, t, now, &one);
		for (size_t j = 0; j < one.n_lines; j++) {
			res_push(res, one.lines[j]);
			one.lines[j] = NULL;
		}
		if (!one.ok && res->ok) {
			res->ok = false;
			if (n > 1)
				snprintf(res->reason, sizeof(res->reason), "%s: %.1400s", t->name,
					 one.reason);
			else
				snprintf(res->reason, sizeof(res->reason), "%s", one.reason);
		}
		res->n_tunnels++;
		ike_sim_result_free(&one);
		if (r < 0)
			return r;
	}
	return res->oom ? -ENOMEM : 0;
}
