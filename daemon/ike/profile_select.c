/*
 * Profile selection from the peer's identity (IKEv1 responder at MM5, IKEv2 responder at
 * IKE_AUTH): `match identity` rules, their specificity, "last configured wins among equals"
 * (IOS), and outside compat mode the preference for a profile that protects a tunnel towards
 * this peer. Also the "can this profile match this peer" test used to order CERTREQs.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ike_internal.h"

/* name equals suffix, or ends with "." suffix (suffix may itself start with '.'). */
static bool domain_covers(const char *name, const char *domain)
{
	size_t nl, dl;

	if (!name || !domain)
		return false;
	if (domain[0] == '.')
		domain++;
	nl = strlen(name);
	dl = strlen(domain);
	if (nl && name[nl - 1] == '.')
		nl--;
	if (dl && domain[dl - 1] == '.')
		dl--;
	if (dl == 0 || nl < dl)
		return false;
	if (strncasecmp(name + nl - dl, domain, dl) != 0)
		return false;
	return nl == dl || name[nl - dl - 1] == '.';
}

static bool host_equal(const char *a, const char *b)
{
	size_t al, bl;

	if (!a || !b)
		return false;
	al = strlen(a);
	bl = strlen(b);
	if (al && a[al - 1] == '.')
		al--;
	if (bl && b[bl - 1] == '.')
		bl--;
	return al == bl && strncasecmp(a, b, al) == 0;
}

bool ike_match_identity(const struct config_match_identity *m, const struct ike_id *id)
{
	const char *at;

	switch (m->type) {
	case CONFIG_MATCH_ANY:
		return true;
	case CONFIG_MATCH_ADDRESS:
		return id->type == CONFIG_ID_ADDRESS && ike_prefix_contains(&m->prefix, &id->addr);
	case CONFIG_MATCH_FQDN:
		return id->type == CONFIG_ID_FQDN && host_equal(id->value, m->value);
	case CONFIG_MATCH_FQDN_DOMAIN:
		return id->type == CONFIG_ID_FQDN && domain_covers(id->value, m->value);
	case CONFIG_MATCH_EMAIL:
		return id->type == CONFIG_ID_EMAIL && id->value && m->value &&
		       strcasecmp(id->value, m->value) == 0;
	case CONFIG_MATCH_EMAIL_DOMAIN:
		if (id->type != CONFIG_ID_EMAIL || !id->value)
			return false;
		at = strrchr(id->value, '@');
		return domain_covers(at ? at + 1 : id->value, m->value);
	case CONFIG_MATCH_KEY_ID:
		return id->type == CONFIG_ID_KEY_ID && id->value && m->value &&
		       strcmp(id->value, m->value) == 0;
	}
	return false;
}

unsigned ike_match_specificity(const struct config_match_identity *m)
{
	const char *d = m->value ? m->value : "";

	switch (m->type) {
	case CONFIG_MATCH_ANY:
		return 0;
	case CONFIG_MATCH_ADDRESS:
		return 1u + m->prefix.len;
	case CONFIG_MATCH_FQDN_DOMAIN:
	case CONFIG_MATCH_EMAIL_DOMAIN:
		if (d[0] == '.')
			d++;
		return 1u + (unsigned)strnlen(d, 1000);
	case CONFIG_MATCH_FQDN:
	case CONFIG_MATCH_EMAIL:
	case CONFIG_MATCH_KEY_ID:
		return 100000;
	}
	return 0;
}

static bool prefixes_overlap(const struct config_prefix *a, const struct config_prefix *b)
{
	return ike_prefix_contains(a->len <= b->len ? a : b,
				   a->len <= b->len ? &b->addr : &a->addr);
}

/* Could one identity match both rules? */
bool ike_match_overlap(const struct config_match_identity *a, const struct config_match_identity *b)
{
	const struct config_match_identity *t;
	const char *at;

	if (a->type == CONFIG_MATCH_ANY || b->type == CONFIG_MATCH_ANY)
		return true;
	if (a->type > b->type) { /* order the pair: exact before domain kinds */
		t = a;
		a = b;
		b = t;
	}
	switch (a->type) {
	case CONFIG_MATCH_ADDRESS:
		return b->type == CONFIG_MATCH_ADDRESS && prefixes_overlap(&a->prefix, &b->prefix);
	case CONFIG_MATCH_FQDN:
		if (b->type == CONFIG_MATCH_FQDN)
			return host_equal(a->value, b->value);
		return b->type == CONFIG_MATCH_FQDN_DOMAIN && domain_covers(a->value, b->value);
	case CONFIG_MATCH_FQDN_DOMAIN:
		return b->type == CONFIG_MATCH_FQDN_DOMAIN &&
		       (domain_covers(a->value, b->value) || domain_covers(b->value, a->value));
	case CONFIG_MATCH_EMAIL:
		if (b->type == CONFIG_MATCH_EMAIL)
			return a->value && b->value && strcasecmp(a->value, b->value) == 0;
		if (b->type != CONFIG_MATCH_EMAIL_DOMAIN || !a->value)
			return false;
		at = strrchr(a->value, '@');
		return domain_covers(at ? at + 1 : a->value, b->value);
	case CONFIG_MATCH_EMAIL_DOMAIN:
		return b->type == CONFIG_MATCH_EMAIL_DOMAIN &&
		       (domain_covers(a->value, b->value) || domain_covers(b->value, a->value));
	case CONFIG_MATCH_KEY_ID:
		return b->type == CONFIG_MATCH_KEY_ID && a->value && b->value &&
		       strcmp(a->value, b->value) == 0;
	case CONFIG_MATCH_ANY:
		break;
	}
	return false;
}

static bool tunnel_towards(const struct config_interface *t, const struct ike_endpoints *ep)
{
	if (!t->is_tunnel || !ike_addr_equal(&t->destination, &ep->remote))
		return false;
	return ep->local.family == 0 || t->source.family == 0 ||
	       ike_addr_equal(&t->source, &ep->local);
}

bool ike_profile_used_towards(const struct config *cfg, const struct ike_profile *p,
			      const struct ike_endpoints *ep,
			      const struct config_interface **ret_tunnel)
{
	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		const struct config_interface *t = cfg->tunnels[i];
		struct ike_profile tp = ike_tunnel_profile(t);

		if (tp.version && tunnel_towards(t, ep) && ike_profile_equal(&tp, p)) {
			if (ret_tunnel)
				*ret_tunnel = t;
			return true;
		}
	}
	return false;
}

/* A profile whose `match address local` / `local-address` excludes our address is skipped. */
static bool local_ok(const struct ike_profile *p, const struct ike_endpoints *ep)
{
	if (ep->local.family == 0)
		return true;
	if (p->version == IKE_V1) {
		const struct config_local_address *la = &p->v1->local_address;

		return la->addr.family == 0 || ike_addr_equal(&la->addr, &ep->local);
	}
	if (p->v2->n_match_local == 0)
		return true;
	for (size_t i = 0; i < p->v2->n_match_local; i++)
		if (ike_addr_equal(&p->v2->match_local[i].addr, &ep->local))
			return true;
	return false;
}

bool ike_profile_can_match_peer(const struct config *cfg, const struct ike_profile *p,
				const struct ike_endpoints *ep)
{
	const struct config_match_identity *m;
	size_t n;

	if (ike_profile_used_towards(cfg, p, ep, NULL))
		return true;
	ike_profile_matches(p, &m, &n);
	for (size_t i = 0; i < n; i++)
		if (m[i].type == CONFIG_MATCH_ADDRESS &&
		    ike_prefix_contains(&m[i].prefix, &ep->remote))
			return true;
	return false;
}

size_t ike_profile_count(const struct config *cfg, enum ike_version v)
{
	return v == IKE_V1 ? cfg->n_isakmp_profiles : cfg->n_ikev2_profiles;
}

struct ike_profile ike_profile_at(const struct config *cfg, enum ike_version v, size_t i)
{
	struct ike_profile p = { .version = v };

	if (v == IKE_V1)
		p.v1 = cfg->isakmp_profiles[i];
	else
		p.v2 = cfg->ikev2_profiles[i];
	return p;
}

/* Ranking key of a profile for an identity: the best matching rule. */
struct rank {
	bool found;
	bool bound; /* protects a tunnel towards the peer (counts outside compat mode) */
	unsigned spec;
	unsigned order;
};

static struct rank rank_of(const struct config *cfg, const struct ike_profile *p,
			   const struct ike_id *id, const struct ike_endpoints *ep)
{
	const struct config_match_identity *m;
	struct rank r = { 0 };
	size_t n;

	if (!local_ok(p, ep))
		return r;
	ike_profile_matches(p, &m, &n);
	for (size_t i = 0; i < n; i++) {
		unsigned s;

		if (!ike_match_identity(&m[i], id))
			continue;
		s = ike_match_specificity(&m[i]);
		if (!r.found || s > r.spec || (s == r.spec && m[i].order > r.order)) {
			r.spec = s;
			r.order = m[i].order;
		}
		r.found = true;
	}
	if (r.found)
		r.bound = ike_profile_used_towards(cfg, p, ep, NULL);
	return r;
}

static bool better(const struct rank *a, const struct rank *b, bool use_bound)
{
	if (!a->found)
		return false;
	if (!b->found)
		return true;
	if (use_bound && a->bound != b->bound)
		return a->bound;
	if (a->spec != b->spec)
		return a->spec > b->spec;
	return a->order > b->order;
}

/* Best profile for id; use_bound: prefer profiles protecting a tunnel towards the peer. */
static bool pick(const struct config *cfg, enum ike_version v, const struct ike_id *id,
		 const struct ike_endpoints *ep, bool use_bound, struct ike_profile *ret)
{
	struct rank best = { 0 };

	for (size_t i = 0; i < ike_profile_count(cfg, v); i++) {
		struct ike_profile p = ike_profile_at(cfg, v, i);
		struct rank r = rank_of(cfg, &p, id, ep);

		if (better(&r, &best, use_bound)) {
			best = r;
			*ret = p;
		}
	}
	return best.found;
}

int ike_profile_select(const struct config *cfg, enum ike_version v, const struct ike_id *id,
		       const struct ike_endpoints *ep, const struct ike_trace *tr,
		       struct ike_profile *ret)
{
	char ids[IKE_ID_STRLEN], peer[CONFIG_ADDR_STRLEN];
	struct ike_profile ios = { .version = v };
	const struct config_interface *tun = NULL;
	bool found;

	*ret = (struct ike_profile){ .version = v };
	ike_id_str(id, ids, sizeof(ids));
	if (v == IKE_V2)
		ike_tracef(tr, "Searching policy based on peer's identity '%s' of type '%s'", ids,
			   ike_id_type_name(id));
	found = pick(cfg, v, id, ep, false, &ios);
	*ret = ios;
	if (found && !ike_compat(cfg)) {
		pick(cfg, v, id, ep, true, ret);
		if (!ike_profile_equal(ret, &ios)) {
			ike_profile_used_towards(cfg, ret, ep, &tun);
			ike_tracef(tr,
				   "preferring profile '%s' (protects %s towards %s) over '%s' "
				   "that IOS would pick",
				   ike_profile_name(ret), tun ? tun->name : "a tunnel",
				   config_addr_str(&ep->remote, peer, sizeof(peer)),
				   ike_profile_name(&ios));
		}
	}
	if (!found) {
		if (v == IKE_V2)
			ike_tracef(tr,
				   "Failed to find a matching IKEv2 profile for peer's "
				   "identity '%s'",
				   ids);
		else
			ike_tracef(tr, "peer matches *none* of the profiles");
		return -ENOENT;
	}
	if (v == IKE_V2)
		ike_tracef(tr, "found matching IKEv2 profile '%s'", ike_profile_name(ret));
	else
		ike_tracef(tr, "peer matches %s profile", ike_profile_name(ret));
	return 0;
}
