/*
 * The show commands that read the configuration and the PKI store rather than the engines:
 * `show crypto ikev2 profile`, `show crypto isakmp profile` (definition order),
 * `show crypto pki certificates|trustpoints`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "gw_show_int.h"

/* ---- profiles and PKI ---- */

static struct json_object *match_json(const struct config_match_identity *m)
{
	char buf[CONFIG_ADDR_STRLEN + 320];
	char p[CONFIG_ADDR_STRLEN];

	switch (m->type) {
	case CONFIG_MATCH_ADDRESS:
		snprintf(buf, sizeof(buf), "address %s",
			 config_prefix_str(&m->prefix, p, sizeof(p)));
		break;
	case CONFIG_MATCH_FQDN:
		snprintf(buf, sizeof(buf), "fqdn %s", m->value);
		break;
	case CONFIG_MATCH_FQDN_DOMAIN:
		snprintf(buf, sizeof(buf), "fqdn domain %s", m->value);
		break;
	case CONFIG_MATCH_EMAIL:
		snprintf(buf, sizeof(buf), "email %s", m->value);
		break;
	case CONFIG_MATCH_EMAIL_DOMAIN:
		snprintf(buf, sizeof(buf), "email domain %s", m->value);
		break;
	case CONFIG_MATCH_KEY_ID:
		snprintf(buf, sizeof(buf), "key-id %s", m->value);
		break;
	default:
		snprintf(buf, sizeof(buf), "any");
	}
	return json_object_new_string(buf);
}

static struct json_object *identity_json(const struct config_identity *id)
{
	char buf[320], a[CONFIG_ADDR_STRLEN];

	switch (id->type) {
	case CONFIG_ID_ADDRESS:
		if (id->addr.family)
			snprintf(buf, sizeof(buf), "address %s",
				 config_addr_str(&id->addr, a, sizeof(a)));
		else
			snprintf(buf, sizeof(buf), "address");
		break;
	case CONFIG_ID_FQDN:
		snprintf(buf, sizeof(buf), "fqdn %s", id->value ? id->value : "");
		break;
	case CONFIG_ID_EMAIL:
		snprintf(buf, sizeof(buf), "email %s", id->value ? id->value : "");
		break;
	case CONFIG_ID_DN:
		snprintf(buf, sizeof(buf), "dn");
		break;
	case CONFIG_ID_KEY_ID:
		snprintf(buf, sizeof(buf), "key-id %s", id->value ? id->value : "");
		break;
	default:
		return NULL;
	}
	return json_object_new_string(buf);
}

static struct json_object *profile_json(const struct config *cfg,
					const struct config_ikev2_profile *p)
{
	struct json_object *o = json_object_new_object(), *a;
	static const char *const usage[] = { "both", "sign", "verify" };

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "description",
			       p->description ? json_object_new_string(p->description) : NULL);
	a = json_object_new_array();
	for (size_t i = 0; i < p->n_matches; i++)
		json_object_array_add(a, match_json(&p->matches[i]));
	json_object_object_add(o, "match_identities", a);
	json_object_object_add(o, "match_fvrf_any", json_object_new_boolean(p->match_fvrf_any));
	a = json_object_new_array();
	for (size_t i = 0; i < p->n_match_local; i++) {
		const struct config_local_address *la = &p->match_local[i];

		json_object_array_add(a, la->ifname ? json_object_new_string(la->ifname)
						    : gw_addr_json(&la->addr));
	}
	json_object_object_add(o, "match_local", a);
	json_object_object_add(o, "local_identity", identity_json(&p->local_identity));
	json_object_object_add(
		o, "authentication_local",
		p->local_auth ? json_object_new_string(config_auth_name(p->local_auth)) : NULL);
	a = json_object_new_array();
	for (int m = CONFIG_AUTH_PSK; m <= CONFIG_AUTH_ECDSA_SIG; m++)
		if (p->remote_auth & CONFIG_AUTH_BIT(m))
			json_object_array_add(a, json_object_new_string(config_auth_name(m)));
	json_object_object_add(o, "authentication_remote", a);
	a = json_object_new_array();
	for (size_t i = 0; i < p->n_trustpoints; i++) {
		struct json_object *tp = json_object_new_object();

		json_object_object_add(tp, "name", json_object_new_string(p->trustpoints[i].name));
		json_object_object_add(tp, "usage",
				       json_object_new_string(usage[p->trustpoints[i].usage]));
		json_object_array_add(a, tp);
	}
	json_object_object_add(o, "trustpoints", a);
	json_object_object_add(o, "keyring",
			       p->keyring_name ? json_object_new_string(p->keyring_name) : NULL);
	if (p->dpd_interval) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "interval", json_object_new_uint64(p->dpd_interval));
		json_object_object_add(d, "retry", json_object_new_uint64(p->dpd_retry));
		json_object_object_add(d, "mode",
				       json_object_new_string(p->dpd_mode == CONFIG_DPD_PERIODIC
								      ? "periodic"
								      : "on-demand"));
		json_object_object_add(o, "dpd", d);
	} else {
		json_object_object_add(o, "dpd", NULL);
	}
	json_object_object_add(o, "lifetime", json_object_new_uint64(p->lifetime));
	a = json_object_new_array();
	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		const struct config_ipsec_profile *ip = cfg->tunnels[i]->protection;

		if (ip && ip->ikev2_profile == p)
			json_object_array_add(a, json_object_new_string(cfg->tunnels[i]->name));
	}
	json_object_object_add(o, "tunnels", a);
	return o;
}

struct json_object *gw_show_ikev2_profiles(const struct config *cfg)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	for (size_t i = 0; cfg && i < cfg->n_ikev2_profiles; i++)
		json_object_array_add(a, profile_json(cfg, cfg->ikev2_profiles[i]));
	json_object_object_add(o, "command", json_object_new_string("show crypto ikev2 profile"));
	json_object_object_add(o, "profiles", a);
	return o;
}

/* ---- show crypto isakmp profile ---- */

/* An IKEv1 `match identity` rule in IOS words ("ip-address 192.168.0.2 255.255.255.255",
 * "host domain cisco.com", "user-fqdn u@x"), as IOS lists them. */
static void v1_match_str(const struct config_match_identity *m, char *buf, size_t len)
{
	char a[CONFIG_ADDR_STRLEN];

	switch (m->type) {
	case CONFIG_MATCH_ADDRESS:
		config_addr_str(&m->prefix.addr, a, sizeof(a));
		if (m->prefix.addr.family == AF_INET) {
			uint32_t mask = m->prefix.len ? ~0u << (32 - m->prefix.len) : 0;

			snprintf(buf, len, "ip-address %s %u.%u.%u.%u", a, mask >> 24,
				 (mask >> 16) & 255, (mask >> 8) & 255, mask & 255);
		} else {
			snprintf(buf, len, "ipv6-address %s/%u", a, m->prefix.len);
		}
		break;
	case CONFIG_MATCH_FQDN:
		snprintf(buf, len, "host %s", m->value);
		break;
	case CONFIG_MATCH_FQDN_DOMAIN:
		snprintf(buf, len, "host domain %s", m->value);
		break;
	case CONFIG_MATCH_EMAIL:
		snprintf(buf, len, "user-fqdn %s", m->value);
		break;
	case CONFIG_MATCH_EMAIL_DOMAIN:
		snprintf(buf, len, "user-fqdn domain %s", m->value);
		break;
	default:
		snprintf(buf, len, "(unsupported)");
	}
}

static const char *v1_self_identity(const struct config_identity *id)
{
	switch (id->type) {
	case CONFIG_ID_FQDN:
		return "fqdn";
	case CONFIG_ID_EMAIL:
		return "user-fqdn";
	default:
		return "address";
	}
}

/* One profile: its JSON, and its IOS text block appended to f. */
static struct json_object *isakmp_profile_json(const struct config *cfg,
					       const struct config_isakmp_profile *p, FILE *f)
{
	struct json_object *o = json_object_new_object(), *a;
	char buf[CONFIG_ADDR_STRLEN + 320];

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "description",
			       p->description ? json_object_new_string(p->description) : NULL);
	fprintf(f, "ISAKMP PROFILE %s\n   Identities matched are:\n", p->name);
	a = json_object_new_array();
	for (size_t i = 0; i < p->n_matches; i++) {
		v1_match_str(&p->matches[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
		fprintf(f, "  %s\n", buf);
	}
	json_object_object_add(o, "match_identities", a);
	json_object_object_add(o, "self_identity",
			       json_object_new_string(v1_self_identity(&p->self_identity)));
	fprintf(f, "   Identity presented is: %s\n", v1_self_identity(&p->self_identity));
	json_object_object_add(o, "keyring",
			       p->keyring_name ? json_object_new_string(p->keyring_name) : NULL);
	fprintf(f, "   keyring(s): %s\n", p->keyring_name ? p->keyring_name : "<none>");
	a = json_object_new_array();
	fprintf(f, "   trustpoint(s): ");
	for (size_t i = 0; i < p->n_ca_trustpoints; i++) {
		json_object_array_add(a, json_object_new_string(p->ca_trustpoints[i].name));
		fprintf(f, "%s%s", i ? ", " : "", p->ca_trustpoints[i].name);
	}
	fprintf(f, "%s\n", p->n_ca_trustpoints ? "" : "<all>");
	json_object_object_add(o, "trustpoints", a);
	json_object_object_add(o, "initiate_mode",
			       json_object_new_string(p->initiate_aggressive ? "aggressive" : "main"));
	if (p->initiate_aggressive)
		fprintf(f, "   Initiate mode: aggressive\n");
	if (p->keepalive) {
		struct json_object *k = json_object_new_object();

		json_object_object_add(k, "interval", json_object_new_uint64(p->keepalive));
		json_object_object_add(k, "retry", json_object_new_uint64(p->keepalive_retry));
		json_object_object_add(o, "keepalive", k);
		fprintf(f, "   keepalive: %u retry %u\n", p->keepalive, p->keepalive_retry);
	} else {
		json_object_object_add(o, "keepalive", NULL);
	}
	if (p->local_address.ifname)
		json_object_object_add(o, "local_address",
				       json_object_new_string(p->local_address.ifname));
	else if (p->local_address.addr.family)
		json_object_object_add(o, "local_address", gw_addr_json(&p->local_address.addr));
	else
		json_object_object_add(o, "local_address", NULL);
	a = json_object_new_array();
	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		const struct config_ipsec_profile *ip = cfg->tunnels[i]->protection;

		if (ip && ip->isakmp_profile == p)
			json_object_array_add(a, json_object_new_string(cfg->tunnels[i]->name));
	}
	json_object_object_add(o, "tunnels", a);
	return o;
}

struct json_object *gw_show_isakmp_profiles(const struct config *cfg)
{
	struct json_object *o, *a;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	o = json_object_new_object();
	a = json_object_new_array();
	for (size_t i = 0; cfg && i < cfg->n_isakmp_profiles; i++)
		json_object_array_add(a, isakmp_profile_json(cfg, cfg->isakmp_profiles[i], f));
	if (fclose(f) != 0) {
		free(text);
		json_object_put(a);
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "command", json_object_new_string("show crypto isakmp profile"));
	json_object_object_add(o, "profiles", a);
	json_object_object_add(o, "text", json_object_new_string(text ? text : ""));
	free(text);
	return o;
}

struct json_object *gw_show_pki(const struct pki_store *store, bool certificates)
{
	struct json_object *o;
	char *text = NULL;
	int r = 0;

	if (store)
		r = certificates ? pki_show_certificates(store, &text)
				 : pki_show_trustpoints(store, &text);
	if (r < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "command",
			       json_object_new_string(certificates
							      ? "show crypto pki certificates"
							      : "show crypto pki trustpoints"));
	json_object_object_add(o, "text", json_object_new_string(text ? text : ""));
	free(text);
	return o;
}
