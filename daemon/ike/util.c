/*
 * Small helpers of the selection rules: trace formatting, addresses, identities as text and
 * a version-independent view of IKEv1 / IKEv2 profiles.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike_internal.h"

static void vtrace(void (*line)(void *ctx, const char *text), void *ctx, const char *fmt,
		   va_list ap) __attribute__((format(printf, 3, 0)));

static void vtrace(void (*line)(void *ctx, const char *text), void *ctx, const char *fmt,
		   va_list ap)
{
	char buf[IKE_LINE_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	line(ctx, buf);
}

void ike_tracef(const struct ike_trace *tr, const char *fmt, ...)
{
	va_list ap;

	if (!tr || !tr->line)
		return;
	va_start(ap, fmt);
	vtrace(tr->line, tr->ctx, fmt, ap);
	va_end(ap);
}

void ike_pki_tracef(const struct ike_trace *tr, const char *fmt, ...)
{
	va_list ap;

	if (!tr || !tr->pki_line)
		return;
	va_start(ap, fmt);
	vtrace(tr->pki_line, tr->ctx, fmt, ap);
	va_end(ap);
}

bool ike_addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	if (a->family != b->family || a->family == 0)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

bool ike_prefix_contains(const struct config_prefix *p, const struct config_addr *a)
{
	const uint8_t *pb, *ab;
	unsigned full, rest, max;

	if (p->addr.family != a->family || a->family == 0)
		return false;
	if (a->family == AF_INET) {
		pb = (const uint8_t *)&p->addr.v4;
		ab = (const uint8_t *)&a->v4;
		max = 32;
	} else {
		pb = p->addr.v6.s6_addr;
		ab = a->v6.s6_addr;
		max = 128;
	}
	if (p->len > max)
		return false;
	full = p->len / 8;
	rest = p->len % 8;
	if (memcmp(pb, ab, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (pb[full] & mask) == (ab[full] & mask);
	}
	return true;
}

const char *ike_id_str(const struct ike_id *id, char *buf, size_t len)
{
	char a[CONFIG_ADDR_STRLEN];

	if (id->type == CONFIG_ID_ADDRESS)
		snprintf(buf, len, "%s", config_addr_str(&id->addr, a, sizeof(a)));
	else
		snprintf(buf, len, "%s", id->value ? id->value : "");
	return buf;
}

const char *ike_id_type_name(const struct ike_id *id)
{
	switch (id->type) {
	case CONFIG_ID_ADDRESS:
		return id->addr.family == AF_INET6 ? "IPv6 address" : "IPv4 address";
	case CONFIG_ID_FQDN:
		return "FQDN";
	case CONFIG_ID_EMAIL:
		return "email";
	case CONFIG_ID_DN:
		return "DN";
	case CONFIG_ID_KEY_ID:
		return "key ID";
	case CONFIG_ID_NONE:
		break;
	}
	return "none";
}

const char *ike_profile_name(const struct ike_profile *p)
{
	if (p && p->version == IKE_V1 && p->v1)
		return p->v1->name;
	if (p && p->version == IKE_V2 && p->v2)
		return p->v2->name;
	return "(none)";
}

bool ike_profile_is_set(const struct ike_profile *p)
{
	return p && ((p->version == IKE_V1 && p->v1) || (p->version == IKE_V2 && p->v2));
}

static bool usage_ok(enum config_tp_usage u, enum ike_tp_purpose purpose)
{
	if (u == CONFIG_TP_BOTH)
		return true;
	return purpose == IKE_TP_SIGN ? u == CONFIG_TP_SIGN : u == CONFIG_TP_VERIFY;
}

static void tp_refs(const struct ike_profile *p, const struct config_tp_ref **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (p && p->version == IKE_V1 && p->v1) {
		*ret = p->v1->ca_trustpoints;
		*ret_n = p->v1->n_ca_trustpoints;
	} else if (p && p->version == IKE_V2 && p->v2) {
		*ret = p->v2->trustpoints;
		*ret_n = p->v2->n_trustpoints;
	}
}

size_t ike_profile_tp_names(const struct ike_profile *p, enum ike_tp_purpose purpose,
			    const char **ret_names, size_t max)
{
	const struct config_tp_ref *refs;
	size_t n, count = 0;

	tp_refs(p, &refs, &n);
	for (size_t i = 0; i < n; i++) {
		if (!usage_ok(refs[i].usage, purpose))
			continue;
		if (count < max)
			ret_names[count] = refs[i].name;
		count++;
	}
	return count;
}

bool ike_profile_has_tp(const struct ike_profile *p, enum ike_tp_purpose purpose, const char *name)
{
	const struct config_tp_ref *refs;
	size_t n;

	tp_refs(p, &refs, &n);
	for (size_t i = 0; i < n; i++)
		if (usage_ok(refs[i].usage, purpose) && strcmp(refs[i].name, name) == 0)
			return true;
	return false;
}

void ike_profile_matches(const struct ike_profile *p, const struct config_match_identity **ret,
			 size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (p && p->version == IKE_V1 && p->v1) {
		*ret = p->v1->matches;
		*ret_n = p->v1->n_matches;
	} else if (p && p->version == IKE_V2 && p->v2) {
		*ret = p->v2->matches;
		*ret_n = p->v2->n_matches;
	}
}

struct ike_profile ike_tunnel_profile(const struct config_interface *tun)
{
	struct ike_profile p = { 0 };

	if (!tun || !tun->is_tunnel || !tun->protection)
		return p;
	if (tun->protection->ikev2_profile) {
		p.version = IKE_V2;
		p.v2 = tun->protection->ikev2_profile;
	} else {
		p.version = IKE_V1;
		p.v1 = tun->protection->isakmp_profile;
	}
	return p;
}

bool ike_profile_equal(const struct ike_profile *a, const struct ike_profile *b)
{
	if (a->version != b->version)
		return false;
	return a->version == IKE_V1 ? a->v1 == b->v1 : a->v2 == b->v2;
}
