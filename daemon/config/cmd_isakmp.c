/*
 * IKEv1 commands: crypto isakmp policy/key/keepalive/nat keepalive/profile and crypto keyring,
 * with the sub-modes of policies, keyrings and ISAKMP profiles.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

int cfg_parse_peer_prefix(struct cfg_ctx *c, char *const *words, size_t n,
			  struct config_prefix *ret, size_t *ret_used)
{
	memset(ret, 0, sizeof(*ret));
	if (n == 0)
		return cfg_cmd_error(c, "missing address");
	if (n >= 2 && strcasecmp(words[0], "ipv6") == 0) {
		if (cfg_parse_prefix6(words[1], ret) < 0)
			return cfg_cmd_error(c, "'%s' is not an IPv6 prefix (ADDRESS/LEN)",
					     words[1]);
		*ret_used = 2;
	} else if (strchr(words[0], ':')) {
		if (strchr(words[0], '/')) {
			if (cfg_parse_prefix6(words[0], ret) < 0)
				return cfg_cmd_error(c, "'%s' is not an IPv6 prefix", words[0]);
		} else {
			if (cfg_parse_addr(words[0], &ret->addr) < 0)
				return cfg_cmd_error(c, "'%s' is not an IPv6 address", words[0]);
			ret->len = 128;
		}
		*ret_used = 1;
	} else {
		if (cfg_parse_ipv4(words[0], &ret->addr) < 0)
			return cfg_cmd_error(c, "'%s' is not an IP address", words[0]);
		*ret_used = 1;
		if (n >= 2 && cfg_parse_mask(words[1], &ret->len) == 0)
			*ret_used = 2;
		else if (n >= 2 && cfg_parse_ipv4(words[1], &(struct config_addr){ 0 }) == 0)
			return cfg_cmd_error(c, "'%s' is not a network mask", words[1]);
		else
			ret->len = ret->addr.v4.s_addr == 0 ? 0 : 32;
	}
	cfg_prefix_clear_host_bits(ret);
	return 0;
}

int cfg_parse_key(struct cfg_ctx *c, char *const *words, size_t n, const char **ret_key,
		  size_t *ret_used)
{
	if (n >= 2 && (strcmp(words[0], "6") == 0 || strcmp(words[0], "7") == 0))
		return cfg_cmd_error(c,
				     "encrypted (type %s) keys cannot be read: write the key in "
				     "clear text",
				     words[0]);
	if (n >= 2 && strcmp(words[0], "0") == 0) {
		words++;
		n--;
		*ret_used = 2;
	} else {
		*ret_used = 1;
	}
	if (n == 0)
		return cfg_cmd_error(c, "missing key");
	*ret_key = cfg_strdup(c->p->arena, words[0]);
	return *ret_key ? 0 : cfg_oom(c->p);
}

static int set_text(struct cfg_ctx *c, const char **field)
{
	if (c->no) {
		*field = NULL;
		return 0;
	}
	if (!c->nargs)
		return cfg_usage(c, "TEXT");
	*field = cfg_strdup(c->p->arena, c->rest);
	return *field ? 0 : cfg_oom(c->p);
}

static int set_local(struct cfg_ctx *c, struct config_local_address *la)
{
	size_t used;
	int r;

	if (c->no) {
		memset(la, 0, sizeof(*la));
		return 0;
	}
	if (!c->nargs)
		return cfg_usage(c, "ADDRESS|IFNAME");
	if (c->nargs >= 2 && cfg_kw_is(c->args[c->nargs - 2], "vrf"))
		return cfg_cmd_error(c, "%s", cfg_msg_vrf);
	r = cfg_parse_local(c, c->args, c->nargs, la, &used);
	if (r < 0)
		return r;
	if (used != c->nargs)
		return cfg_usage(c, "ADDRESS|IFNAME");
	return 0;
}

/* ---- crypto isakmp policy N ------------------------------------------------------------ */

static void policy_defaults(struct config_isakmp_policy *pol)
{
	pol->encr = (struct config_cipher){ CONFIG_ENCR_DES, 0 };
	pol->hash = CONFIG_HASH_SHA1;
	pol->auth = CONFIG_AUTH_RSA_SIG;
	pol->group = 1;
	pol->lifetime = 86400;
}

static int cmd_policy(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;
	struct config_isakmp_policy *pol = NULL, **slot;
	char key[16];
	uint32_t prio;

	if (c->nargs != 1 || cfg_parse_uint(c->args[0], 1, 10000, &prio) < 0) {
		cfg_cmd_error(c, "expected a priority 1-10000");
		if (!c->no && (pol = cfg_alloc(c->p->arena, sizeof(*pol))))
			cfg_open(c, M_ISAKMP_POLICY, pol); /* scratch */
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%u", prio);
	pol = cfg_index_get(c->p, &cfg->isakmp_policies, key);
	if (c->no) {
		if (!pol)
			return cfg_cmd_error(c, "policy %u is not defined", prio);
		cfg_ptr_remove(&cfg->isakmp_policies, &cfg->n_isakmp_policies, pol);
		cfg_index_del(c->p, &cfg->isakmp_policies, key, pol);
		return 0;
	}
	if (!pol) {
		const char *kcopy = cfg_strdup(c->p->arena, key);

		pol = cfg_alloc(c->p->arena, sizeof(*pol));
		slot = CFG_APPEND(c->p->arena, cfg->isakmp_policies, cfg->n_isakmp_policies);
		if (!pol || !slot || !kcopy)
			return cfg_oom(c->p);
		*slot = pol;
		pol->priority = prio;
		pol->line = c->line;
		policy_defaults(pol);
		if (cfg_index_put(c->p, &cfg->isakmp_policies, kcopy, pol) < 0)
			return -ENOMEM;
	}
	cfg_open(c, M_ISAKMP_POLICY, pol);
	return 0;
}

static int cmd_policy_encr(struct cfg_ctx *c)
{
	static const char *const kws[] = { "des", "3des", "aes", NULL };
	struct config_isakmp_policy *pol = c->obj;
	uint32_t bits = 128;
	int k;

	if (c->no) {
		pol->encr = (struct config_cipher){ CONFIG_ENCR_DES, 0 };
		return 0;
	}
	if (c->nargs < 1 || (k = cfg_kw(c->args[0], kws)) < 0 || c->nargs > (k == 2 ? 2u : 1u))
		return cfg_usage(c, "des|3des|aes [128|192|256]");
	if (k == 2 && c->nargs == 2 &&
	    (cfg_parse_uint(c->args[1], 128, 256, &bits) < 0 || bits % 64))
		return cfg_cmd_error(c, "AES key size must be 128, 192 or 256");
	pol->encr.alg = k == 0 ? CONFIG_ENCR_DES : k == 1 ? CONFIG_ENCR_3DES : CONFIG_ENCR_AES_CBC;
	pol->encr.key_bits = k == 2 ? (uint16_t)bits : 0;
	return 0;
}

static int cmd_policy_hash(struct cfg_ctx *c)
{
	static const char *const kws[] = { "md5", "sha", "sha256", "sha384", "sha512", NULL };
	static const enum config_hash vals[] = { CONFIG_HASH_MD5, CONFIG_HASH_SHA1,
						 CONFIG_HASH_SHA256, CONFIG_HASH_SHA384,
						 CONFIG_HASH_SHA512 };
	struct config_isakmp_policy *pol = c->obj;
	int k;

	if (c->no) {
		pol->hash = CONFIG_HASH_SHA1;
		return 0;
	}
	if (c->nargs != 1 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "md5|sha|sha256|sha384|sha512");
	pol->hash = vals[k];
	return 0;
}

static int cmd_group(struct cfg_ctx *c, uint16_t *group, uint16_t dflt)
{
	if (c->no) {
		*group = dflt;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "GROUP");
	if (cfg_parse_dh_group(c->args[0], group) < 0)
		return cfg_cmd_error(c,
				     "unsupported Diffie-Hellman group '%s' (supported: 1 2 5 "
				     "14 15 16 19 20 21 24 31)",
				     c->args[0]);
	return 0;
}

static int cmd_policy_group(struct cfg_ctx *c)
{
	struct config_isakmp_policy *pol = c->obj;

	return cmd_group(c, &pol->group, 1);
}

static int cmd_policy_auth(struct cfg_ctx *c)
{
	static const char *const kws[] = { "pre-share", "rsa-sig", "ecdsa-sig", "rsa-encr", NULL };
	static const enum config_auth vals[] = { CONFIG_AUTH_PSK, CONFIG_AUTH_RSA_SIG,
						 CONFIG_AUTH_ECDSA_SIG };
	struct config_isakmp_policy *pol = c->obj;
	int k;

	if (c->no) {
		pol->auth = CONFIG_AUTH_RSA_SIG;
		return 0;
	}
	if (c->nargs != 1 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "pre-share|rsa-sig|ecdsa-sig");
	if (k == 3)
		return cfg_cmd_error(c, "rsa-encr (RSA encrypted nonces) is not supported: use "
					"rsa-sig or pre-share");
	pol->auth = vals[k];
	return 0;
}

static int cmd_policy_lifetime(struct cfg_ctx *c)
{
	struct config_isakmp_policy *pol = c->obj;

	if (c->no) {
		pol->lifetime = 86400;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "SECONDS");
	if (cfg_parse_uint(c->args[0], 60, 86400, &pol->lifetime) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of seconds in 60-86400", c->args[0]);
	return 0;
}

/* ---- crypto isakmp key / keyring pre-shared-key ---------------------------------------------- */

static int psk_store(struct cfg_ctx *c, struct config_psk ***arr, size_t *n,
		     const struct config_psk *in)
{
	struct config_psk *psk;
	char key[300];
	const char *kcopy;

	/* one key per peer range or host name, found through the parser's index */
	if (in->hostname)
		snprintf(key, sizeof(key), "host %s", in->hostname);
	else
		config_prefix_str(&in->peer, key, sizeof(key));
	psk = cfg_index_get(c->p, arr, key);
	if (c->no) {
		if (!psk)
			return cfg_cmd_error(c, "no such key to delete");
		cfg_ptr_remove(arr, n, psk);
		cfg_index_del(c->p, arr, key, psk);
		return 0;
	}
	if (!psk) {
		struct config_psk **slot;

		psk = cfg_alloc(c->p->arena, sizeof(*psk));
		kcopy = cfg_strdup(c->p->arena, key);
		if (!psk || !kcopy || !(slot = CFG_APPEND(c->p->arena, *arr, *n)))
			return cfg_oom(c->p);
		*slot = psk;
		if (cfg_index_put(c->p, arr, kcopy, psk) < 0)
			return -ENOMEM;
	}
	*psk = *in; /* a second key for the same peer replaces the first, as on IOS */
	return 0;
}

/* (address A [MASK] | address ipv6 P/L | hostname H) from words; returns words used or <0 */
static int psk_peer(struct cfg_ctx *c, char *const *w, size_t n, struct config_psk *psk)
{
	static const char *const kws[] = { "address", "hostname", NULL };
	size_t used;
	int k;

	if (n < 2 || (k = cfg_kw(w[0], kws)) < 0)
		return -EINVAL;
	if (k == 1) {
		if (!(psk->hostname = cfg_strdup(c->p->arena, w[1])))
			return cfg_oom(c->p);
		return 2;
	}
	if (cfg_parse_peer_prefix(c, w + 1, n - 1, &psk->peer, &used) < 0)
		return -EBADMSG;
	return (int)used + 1;
}

/* crypto isakmp key [0|6|7] KEY (address A [MASK] [no-xauth] | hostname H) */
static int cmd_isakmp_key(struct cfg_ctx *c)
{
	static const char *const usage = "KEY address ADDRESS [MASK]|hostname NAME";
	static const char *const kws[] = { "address", "hostname", NULL };
	struct config_psk psk = { .line = c->line };
	size_t i, used;
	int r;

	if (c->nargs >= 3 && cfg_kw(c->args[1], kws) >= 0)
		i = 1;
	else if (c->nargs >= 4 && cfg_kw(c->args[2], kws) >= 0)
		i = 2;
	else
		return cfg_usage(c, usage);
	if (cfg_parse_key(c, c->args, i, &psk.key, &used) < 0)
		return -EINVAL;
	if (used != i)
		return cfg_usage(c, usage);
	r = psk_peer(c, c->args + i, c->nargs - i, &psk);
	if (r == -EBADMSG)
		return -EINVAL;
	if (r < 0)
		return cfg_usage(c, usage);
	i += (size_t)r;
	if (i < c->nargs && cfg_kw_is(c->args[i], "no-xauth"))
		i++;
	if (i != c->nargs)
		return cfg_cmd_error(c, "unexpected '%s'", c->args[i]);
	return psk_store(c, &c->p->cfg->isakmp_keys, &c->p->cfg->n_isakmp_keys, &psk);
}

/* pre-shared-key (address A [MASK] | hostname H) key [0|6|7] KEY */
static int cmd_keyring_psk(struct cfg_ctx *c)
{
	static const char *const usage = "address ADDRESS [MASK] key KEY";
	struct config_keyring *kr = c->obj;
	struct config_psk psk = { .line = c->line };
	size_t i, used;
	int r;

	r = psk_peer(c, c->args, c->nargs, &psk);
	if (r == -EBADMSG)
		return -EINVAL;
	if (r < 0)
		return cfg_usage(c, usage);
	i = (size_t)r;
	if (i < c->nargs && cfg_kw_is(c->args[i], "vrf"))
		return cfg_cmd_error(c, "%s", cfg_msg_vrf);
	if (c->no && i == c->nargs)
		return psk_store(c, &kr->psks, &kr->n_psks, &psk);
	if (i >= c->nargs || !cfg_kw_is(c->args[i], "key"))
		return cfg_usage(c, usage);
	i++;
	if (cfg_parse_key(c, c->args + i, c->nargs - i, &psk.key, &used) < 0)
		return -EINVAL;
	if (i + used != c->nargs)
		return cfg_usage(c, usage);
	return psk_store(c, &kr->psks, &kr->n_psks, &psk);
}

/* ---- keepalives ------------------------------------------------------------------------------ */

static int cmd_isakmp_keepalive(struct cfg_ctx *c)
{
	static const char *const modes[] = { "periodic", "on-demand", NULL };
	struct config *cfg = c->p->cfg;
	uint32_t secs, retry = 2;
	size_t i = 1;
	int m = 1;

	if (c->no) {
		cfg->isakmp_keepalive = 0;
		cfg->isakmp_keepalive_retry = 2;
		cfg->isakmp_keepalive_mode = CONFIG_KEEPALIVE_ON_DEMAND;
		return 0;
	}
	if (c->nargs < 1 || c->nargs > 3)
		return cfg_usage(c, "SECONDS [RETRY] [periodic|on-demand]");
	if (cfg_parse_uint(c->args[0], 10, 3600, &secs) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of seconds in 10-3600", c->args[0]);
	if (i < c->nargs && cfg_kw(c->args[i], modes) < 0) {
		if (cfg_parse_uint(c->args[i], 2, 60, &retry) < 0)
			return cfg_cmd_error(c, "retry '%s' is not a number of seconds in 2-60",
					     c->args[i]);
		i++;
	}
	if (i < c->nargs && (m = cfg_kw(c->args[i++], modes)) < 0)
		return cfg_usage(c, "SECONDS [RETRY] [periodic|on-demand]");
	if (i != c->nargs)
		return cfg_usage(c, "SECONDS [RETRY] [periodic|on-demand]");
	cfg->isakmp_keepalive = secs;
	cfg->isakmp_keepalive_retry = retry;
	cfg->isakmp_keepalive_mode =
		m == 0 ? CONFIG_KEEPALIVE_PERIODIC : CONFIG_KEEPALIVE_ON_DEMAND;
	return 0;
}

static int cmd_nat_keepalive(struct cfg_ctx *c)
{
	if (c->no) {
		c->p->cfg->nat_keepalive = 0;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "SECONDS");
	if (cfg_parse_uint(c->args[0], 5, 3600, &c->p->cfg->nat_keepalive) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of seconds in 5-3600", c->args[0]);
	return 0;
}

/* ---- crypto keyring NAME ------------------------------------------------------------------- */

int cfg_cmd_keyring(struct cfg_ctx *c);
int cfg_cmd_keyring(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;

	if (c->nargs == 3 && cfg_kw_is(c->args[1], "vrf")) {
		/* refused, but the keyring is still defined so that its users resolve */
		cfg_cmd_error(c, "%s", cfg_msg_vrf);
		c->nargs = 1; /* the refused `vrf NAME` words are dropped */
	}
	return cfg_named_block(c, &cfg->keyrings, &cfg->n_keyrings, sizeof(struct config_keyring),
			       M_KEYRING, "keyring", NULL);
}

static int cmd_keyring_local(struct cfg_ctx *c)
{
	struct config_keyring *kr = c->obj;

	return set_local(c, &kr->local_address);
}

static int cmd_keyring_description(struct cfg_ctx *c)
{
	struct config_keyring *kr = c->obj;

	return set_text(c, &kr->description);
}

/* ---- crypto isakmp profile NAME ------------------------------------------------------------ */

static int cmd_profile(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;
	struct config_isakmp_profile *pr;
	void *obj;
	int r;

	r = cfg_named_block(c, &cfg->isakmp_profiles, &cfg->n_isakmp_profiles, sizeof(*pr),
			    M_ISAKMP_PROFILE, "profile", &obj);
	if (r == 0 && obj && !c->no) {
		pr = obj;
		pr->self_identity.type = CONFIG_ID_ADDRESS;
	}
	return r;
}

static int cmd_self_identity(struct cfg_ctx *c)
{
	static const char *const kws[] = { "address", "fqdn", "user-fqdn", NULL };
	struct config_isakmp_profile *pr = c->obj;
	int k;

	if (c->no) {
		pr->self_identity = (struct config_identity){ .type = CONFIG_ID_ADDRESS };
		return 0;
	}
	if (c->nargs < 1 || (k = cfg_kw(c->args[0], kws)) < 0 || c->nargs != (k == 2 ? 2u : 1u))
		return cfg_usage(c, "address|fqdn|user-fqdn USER@DOMAIN");
	pr->self_identity = (struct config_identity){ 0 };
	if (k == 0) {
		pr->self_identity.type = CONFIG_ID_ADDRESS;
	} else if (k == 1) {
		pr->self_identity.type = CONFIG_ID_FQDN;
	} else {
		pr->self_identity.type = CONFIG_ID_EMAIL;
		if (!(pr->self_identity.value = cfg_strdup(c->p->arena, c->args[1])))
			return cfg_oom(c->p);
	}
	return 0;
}

int cfg_tp_ref_cmd(struct cfg_ctx *c, struct config_tp_ref **arr, size_t *n,
		   enum config_tp_usage usage);
int cfg_tp_ref_cmd(struct cfg_ctx *c, struct config_tp_ref **arr, size_t *n,
		   enum config_tp_usage usage)
{
	struct config_tp_ref *ref;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*arr)[i].name, c->args[0]) != 0)
			continue;
		if (c->no)
			CFG_REMOVE(*arr, *n, i);
		else
			(*arr)[i].usage = usage; /* configured again: IOS keeps its place */
		return 0;
	}
	if (c->no)
		return cfg_cmd_error(c, "trust-point %s is not in the list", c->args[0]);
	if (*n >= CFG_MAX_SUBITEMS)
		return cfg_cmd_error(c, "more than %d trust-points", CFG_MAX_SUBITEMS);
	ref = CFG_APPEND(c->p->arena, *arr, *n);
	if (!ref || !(ref->name = cfg_strdup(c->p->arena, c->args[0])))
		return cfg_oom(c->p);
	ref->usage = usage;
	ref->line = c->line;
	return 0;
}

static int cmd_ca_trustpoint(struct cfg_ctx *c)
{
	struct config_isakmp_profile *pr = c->obj;

	if (c->nargs != 1)
		return cfg_usage(c, "NAME");
	return cfg_tp_ref_cmd(c, &pr->ca_trustpoints, &pr->n_ca_trustpoints, CONFIG_TP_BOTH);
}

int cfg_match_store(struct cfg_ctx *c, struct config_match_identity **arr, size_t *n,
		    const struct config_match_identity *m);
int cfg_match_store(struct cfg_ctx *c, struct config_match_identity **arr, size_t *n,
		    const struct config_match_identity *m)
{
	struct config_match_identity *slot;

	for (size_t i = 0; i < *n; i++) {
		struct config_match_identity *o = &(*arr)[i];

		if (o->type != m->type || (m->value && strcmp(o->value, m->value) != 0) ||
		    (m->type == CONFIG_MATCH_ADDRESS &&
		     (o->prefix.len != m->prefix.len ||
		      !cfg_addr_equal(&o->prefix.addr, &m->prefix.addr))))
			continue;
		/* configured again: IOS keeps the rule (and its place) once */
		if (c->no)
			CFG_REMOVE(*arr, *n, i);
		return 0;
	}
	if (c->no)
		return cfg_cmd_error(c, "no such match rule to delete");
	if (*n >= CFG_MAX_SUBITEMS)
		return cfg_cmd_error(c, "more than %d match rules", CFG_MAX_SUBITEMS);
	slot = CFG_APPEND(c->p->arena, *arr, *n);
	if (!slot)
		return cfg_oom(c->p);
	*slot = *m;
	slot->order = ++c->p->match_order;
	slot->line = c->line;
	return 0;
}

/* match identity host FQDN | host domain D | address A [MASK] | user-fqdn [domain] U */
static int cmd_match_identity(struct cfg_ctx *c)
{
	static const char *const kws[] = { "host", "address", "user-fqdn", "group", NULL };
	static const char *const usage =
		"host FQDN|host domain DOMAIN|address ADDRESS [MASK]|user-fqdn [domain] NAME";
	struct config_isakmp_profile *pr = c->obj;
	struct config_match_identity m = { 0 };
	size_t used;
	int k;

	if (c->nargs < 2 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, usage);
	if (k == 3)
		return cfg_cmd_error(c, "match identity group is for remote-access (Easy VPN) "
					"groups: not supported");
	if (k == 1) {
		if (cfg_parse_peer_prefix(c, c->args + 1, c->nargs - 1, &m.prefix, &used) < 0)
			return -EINVAL;
		if (1 + used < c->nargs)
			return cfg_cmd_error(c, "VRF '%s' given: %s", c->args[1 + used],
					     cfg_msg_vrf);
		m.type = CONFIG_MATCH_ADDRESS;
	} else {
		bool dom = c->nargs == 3 && cfg_kw_is(c->args[1], "domain");

		if (c->nargs != (dom ? 3u : 2u))
			return cfg_usage(c, usage);
		if (k == 0)
			m.type = dom ? CONFIG_MATCH_FQDN_DOMAIN : CONFIG_MATCH_FQDN;
		else
			m.type = dom ? CONFIG_MATCH_EMAIL_DOMAIN : CONFIG_MATCH_EMAIL;
		if (!(m.value = cfg_strdup(c->p->arena, c->args[dom ? 2 : 1])))
			return cfg_oom(c->p);
	}
	return cfg_match_store(c, &pr->matches, &pr->n_matches, &m);
}

static int cmd_profile_keyring(struct cfg_ctx *c)
{
	struct config_isakmp_profile *pr = c->obj;

	if (c->no) {
		pr->keyring_name = NULL;
		pr->keyring_line = 0;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "NAME");
	if (!(pr->keyring_name = cfg_strdup(c->p->arena, c->args[0])))
		return cfg_oom(c->p);
	pr->keyring_line = c->line; /* one keyring per profile: a second one replaces it */
	return 0;
}

static int cmd_initiate_mode(struct cfg_ctx *c)
{
	struct config_isakmp_profile *pr = c->obj;

	if (c->no) {
		pr->initiate_aggressive = false;
		return 0;
	}
	if (c->nargs != 1 || !cfg_kw_is(c->args[0], "aggressive"))
		return cfg_usage(c, "aggressive");
	pr->initiate_aggressive = true;
	return 0;
}

static int cmd_profile_keepalive(struct cfg_ctx *c)
{
	struct config_isakmp_profile *pr = c->obj;
	uint32_t secs, retry;

	if (c->no) {
		pr->keepalive = pr->keepalive_retry = 0;
		return 0;
	}
	if (c->nargs != 3 || !cfg_kw_is(c->args[1], "retry"))
		return cfg_usage(c, "SECONDS retry SECONDS");
	if (cfg_parse_uint(c->args[0], 10, 3600, &secs) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of seconds in 10-3600", c->args[0]);
	if (cfg_parse_uint(c->args[2], 2, 60, &retry) < 0)
		return cfg_cmd_error(c, "retry '%s' is not a number of seconds in 2-60",
				     c->args[2]);
	pr->keepalive = secs;
	pr->keepalive_retry = retry;
	return 0;
}

static int cmd_profile_local(struct cfg_ctx *c)
{
	struct config_isakmp_profile *pr = c->obj;

	return set_local(c, &pr->local_address);
}

static int cmd_profile_description(struct cfg_ctx *c)
{
	struct config_isakmp_profile *pr = c->obj;

	return set_text(c, &pr->description);
}

/* ---- tables ------------------------------------------------------------------------------------
 */

static const struct cfg_cmd nat_cmds[] = {
	{ .kw = "keepalive", .fn = cmd_nat_keepalive },
	{ 0 },
};

const struct cfg_cmd cfg_crypto_isakmp_cmds[] = {
	{ .kw = "policy", .fn = cmd_policy },
	{ .kw = "key", .fn = cmd_isakmp_key },
	{ .kw = "keepalive", .fn = cmd_isakmp_keepalive },
	{ .kw = "nat", .sub = nat_cmds },
	{ .kw = "profile", .fn = cmd_profile },
	{ 0 },
};

const struct cfg_cmd cfg_isakmp_policy_cmds[] = {
	{ .kw = "encryption", .fn = cmd_policy_encr },
	{ .kw = "hash", .fn = cmd_policy_hash },
	{ .kw = "group", .fn = cmd_policy_group },
	{ .kw = "authentication", .fn = cmd_policy_auth },
	{ .kw = "lifetime", .fn = cmd_policy_lifetime },
	{ 0 },
};

const struct cfg_cmd cfg_keyring_cmds[] = {
	{ .kw = "pre-shared-key", .fn = cmd_keyring_psk },
	{ .kw = "local-address", .fn = cmd_keyring_local },
	{ .kw = "description", .fn = cmd_keyring_description, .flags = CMD_TEXT },
	{ 0 },
};

static const struct cfg_cmd ca_cmds[] = {
	{ .kw = "trust-point", .fn = cmd_ca_trustpoint },
	{ 0 },
};

static const struct cfg_cmd match_cmds[] = {
	{ .kw = "identity", .fn = cmd_match_identity },
	{ 0 },
};

static const struct cfg_cmd initiate_cmds[] = {
	{ .kw = "mode", .fn = cmd_initiate_mode },
	{ 0 },
};

const struct cfg_cmd cfg_isakmp_profile_cmds[] = {
	{ .kw = "self-identity", .fn = cmd_self_identity },
	{ .kw = "ca", .sub = ca_cmds },
	{ .kw = "match", .sub = match_cmds },
	{ .kw = "keyring", .fn = cmd_profile_keyring },
	{ .kw = "initiate", .sub = initiate_cmds },
	{ .kw = "keepalive", .fn = cmd_profile_keepalive },
	{ .kw = "local-address", .fn = cmd_profile_local },
	{ .kw = "description", .fn = cmd_profile_description, .flags = CMD_TEXT },
	REFUSE("vrf", cfg_msg_vrf),
	REFUSE("reverse-route", "reverse-route belongs to crypto maps: with a VTI, route with "
				"ip route ... TunnelN"),
	REFUSE("virtual-template", "dynamic VTIs (Virtual-Template) are not supported: configure "
				   "one interface TunnelN per peer"),
	{ 0 },
};
