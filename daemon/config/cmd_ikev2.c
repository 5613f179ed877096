/*
 * IKEv2 commands: crypto ikev2 proposal / policy / keyring (with its peer sub-mode) / profile.
 */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

int cfg_tp_ref_cmd(struct cfg_ctx *c, struct config_tp_ref **arr, size_t *n,
		   enum config_tp_usage usage);
int cfg_match_store(struct cfg_ctx *c, struct config_match_identity **arr, size_t *n,
		    const struct config_match_identity *m);

static int cmd_proposal(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;

	return cfg_named_block(c, &cfg->ikev2_proposals, &cfg->n_ikev2_proposals,
			       sizeof(struct config_ikev2_proposal), M_IKEV2_PROPOSAL, "proposal",
			       NULL);
}

static int cmd_policy(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;

	return cfg_named_block(c, &cfg->ikev2_policies, &cfg->n_ikev2_policies,
			       sizeof(struct config_ikev2_policy), M_IKEV2_POLICY, "policy", NULL);
}

static int cmd_keyring(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;

	return cfg_named_block(c, &cfg->ikev2_keyrings, &cfg->n_ikev2_keyrings,
			       sizeof(struct config_ikev2_keyring), M_IKEV2_KEYRING, "keyring",
			       NULL);
}

static int cmd_profile(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;
	struct config_ikev2_profile *pr;
	void *obj;
	int r;

	r = cfg_named_block(c, &cfg->ikev2_profiles, &cfg->n_ikev2_profiles, sizeof(*pr),
			    M_IKEV2_PROFILE, "profile", &obj);
	if (r == 0 && obj && !c->no) {
		pr = obj;
		pr->lifetime = 86400;
	}
	return r;
}

/* ---- proposal -------------------------------------------------------------------------------- */

struct alg_name {
	const char *kw;
	int alg;
	uint16_t bits;
};

static const struct alg_name encr_names[] = {
	{ "des", CONFIG_ENCR_DES, 0 },
	{ "3des", CONFIG_ENCR_3DES, 0 },
	{ "aes-cbc-128", CONFIG_ENCR_AES_CBC, 128 },
	{ "aes-cbc-192", CONFIG_ENCR_AES_CBC, 192 },
	{ "aes-cbc-256", CONFIG_ENCR_AES_CBC, 256 },
	{ "aes-gcm-128", CONFIG_ENCR_AES_GCM, 128 },
	{ "aes-gcm-256", CONFIG_ENCR_AES_GCM, 256 },
	{ "chacha20-poly1305", CONFIG_ENCR_CHACHA20_POLY1305, 0 },
	{ NULL, 0, 0 },
};

static const struct alg_name hash_names[] = {
	{ "md5", CONFIG_HASH_MD5, 0 },	     { "sha1", CONFIG_HASH_SHA1, 0 },
	{ "sha256", CONFIG_HASH_SHA256, 0 }, { "sha384", CONFIG_HASH_SHA384, 0 },
	{ "sha512", CONFIG_HASH_SHA512, 0 }, { NULL, 0, 0 },
};

static int alg_lookup(const struct alg_name *names, const char *w)
{
	const char *kws[16];
	size_t n = 0;

	for (; names[n].kw && n < 15; n++)
		kws[n] = names[n].kw;
	kws[n] = NULL;
	return cfg_kw(w, kws);
}

static void alg_list(const struct alg_name *names, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; names[i].kw && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", names[i].kw);
}

/*
 * encryption/integrity/prf/group: each word is added to the list (IOS adds, it does not
 * replace); `no CMD` empties the list, `no CMD X` removes X.
 */
static int alg_cmd(struct cfg_ctx *c, const struct alg_name *names, void *list, size_t *n,
		   size_t elem)
{
	char *base = list;
	char all[160];

	if (c->no && c->nargs == 0) {
		*n = 0;
		return 0;
	}
	if (c->nargs == 0) {
		if (names)
			alg_list(names, all, sizeof(all));
		else
			snprintf(all, sizeof(all), "1 2 5 14 15 16 19 20 21 24 31");
		return cfg_usage(c, all);
	}
	for (size_t a = 0; a < c->nargs; a++) {
		struct config_cipher ci = { 0 };
		enum config_hash h = CONFIG_HASH_NONE;
		uint16_t g = 0;
		const void *val;
		size_t i;

		if (names) {
			int k = alg_lookup(names, c->args[a]);

			if (k < 0) {
				alg_list(names, all, sizeof(all));
				return cfg_cmd_error(c, "unknown algorithm '%s' (supported: %s)",
						     c->args[a], all);
			}
			memset(&ci, 0, sizeof(ci)); /* padding too: entries are compared bytewise */
			ci.alg = (enum config_encr)names[k].alg;
			ci.key_bits = names[k].bits;
			h = (enum config_hash)names[k].alg;
			val = elem == sizeof(ci) ? (const void *)&ci : (const void *)&h;
		} else {
			if (cfg_parse_dh_group(c->args[a], &g) < 0)
				return cfg_cmd_error(c,
						     "unsupported Diffie-Hellman group '%s' "
						     "(supported: 1 2 5 14 15 16 19 20 21 24 31)",
						     c->args[a]);
			val = &g;
		}
		for (i = 0; i < *n && memcmp(base + i * elem, val, elem) != 0; i++)
			;
		if (c->no) {
			if (i < *n) {
				memmove(base + i * elem, base + (i + 1) * elem,
					(*n - i - 1) * elem);
				(*n)--;
			}
			continue;
		}
		if (i < *n)
			continue;
		if (*n == CONFIG_MAX_ALGS)
			return cfg_cmd_error(c, "at most %d algorithms", CONFIG_MAX_ALGS);
		memcpy(base + (*n)++ * elem, val, elem);
	}
	return 0;
}

static int cmd_prop_encr(struct cfg_ctx *c)
{
	struct config_ikev2_proposal *pp = c->obj;

	return alg_cmd(c, encr_names, pp->encr, &pp->n_encr, sizeof(pp->encr[0]));
}

static int cmd_prop_integ(struct cfg_ctx *c)
{
	struct config_ikev2_proposal *pp = c->obj;

	return alg_cmd(c, hash_names, pp->integ, &pp->n_integ, sizeof(pp->integ[0]));
}

static int cmd_prop_prf(struct cfg_ctx *c)
{
	struct config_ikev2_proposal *pp = c->obj;

	return alg_cmd(c, hash_names, pp->prf, &pp->n_prf, sizeof(pp->prf[0]));
}

static int cmd_prop_group(struct cfg_ctx *c)
{
	struct config_ikev2_proposal *pp = c->obj;

	return alg_cmd(c, NULL, pp->groups, &pp->n_groups, sizeof(pp->groups[0]));
}

/* ---- policy ---------------------------------------------------------------------------------- */

static int match_fvrf(struct cfg_ctx *c, bool *field)
{
	if (c->no) {
		*field = false;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "any");
	if (!cfg_kw_is(c->args[0], "any"))
		return cfg_cmd_error(c, "VRF '%s' given: %s", c->args[0], cfg_msg_vrf);
	*field = true;
	return 0;
}

static int cmd_policy_fvrf(struct cfg_ctx *c)
{
	struct config_ikev2_policy *pol = c->obj;

	return match_fvrf(c, &pol->match_fvrf_any);
}

static int cmd_policy_local(struct cfg_ctx *c)
{
	struct config_ikev2_policy *pol = c->obj;
	struct config_addr a, *slot;
	size_t i;

	if (c->nargs != 1)
		return cfg_usage(c, "ADDRESS");
	if (cfg_parse_addr(c->args[0], &a) < 0)
		return cfg_cmd_error(c, "'%s' is not an address", c->args[0]);
	for (i = 0; i < pol->n_match_local && !cfg_addr_equal(&pol->match_local[i], &a); i++)
		;
	if (c->no) {
		if (i == pol->n_match_local)
			return cfg_cmd_error(c, "no such address to delete");
		CFG_REMOVE(pol->match_local, pol->n_match_local, i);
		return 0;
	}
	if (i < pol->n_match_local)
		return 0;
	if (pol->n_match_local >= CFG_MAX_SUBITEMS)
		return cfg_cmd_error(c, "more than %d addresses", CFG_MAX_SUBITEMS);
	if (!(slot = CFG_APPEND(c->p->arena, pol->match_local, pol->n_match_local)))
		return cfg_oom(c->p);
	*slot = a;
	return 0;
}

static int cmd_policy_proposal(struct cfg_ctx *c)
{
	struct config_ikev2_policy *pol = c->obj;
	struct config_proposal_ref *ref;
	size_t i;

	if (c->nargs != 1)
		return cfg_usage(c, "NAME");
	for (i = 0; i < pol->n_proposals && strcmp(pol->proposals[i].name, c->args[0]); i++)
		;
	if (c->no) {
		if (i == pol->n_proposals)
			return cfg_cmd_error(c, "proposal %s is not in the policy", c->args[0]);
		CFG_REMOVE(pol->proposals, pol->n_proposals, i);
		return 0;
	}
	if (i < pol->n_proposals)
		return 0;
	if (pol->n_proposals >= CFG_MAX_SUBITEMS)
		return cfg_cmd_error(c, "more than %d proposals", CFG_MAX_SUBITEMS);
	ref = CFG_APPEND(c->p->arena, pol->proposals, pol->n_proposals);
	if (!ref || !(ref->name = cfg_strdup(c->p->arena, c->args[0])))
		return cfg_oom(c->p);
	ref->line = c->line;
	return 0;
}

/* ---- keyring and peers ----------------------------------------------------------------------- */

static int cmd_peer(struct cfg_ctx *c)
{
	struct config_ikev2_keyring *kr = c->obj;

	return cfg_named_block(c, &kr->peers, &kr->n_peers, sizeof(struct config_ikev2_peer),
			       M_IKEV2_PEER, "peer", NULL);
}

static int cmd_peer_address(struct cfg_ctx *c)
{
	struct config_ikev2_peer *peer = c->obj;
	size_t used;

	if (c->no) {
		memset(&peer->address, 0, sizeof(peer->address));
		return 0;
	}
	if (c->nargs < 1)
		return cfg_usage(c, "ADDRESS [MASK]|PREFIX/LEN");
	if (cfg_parse_peer_prefix(c, c->args, c->nargs, &peer->address, &used) < 0)
		return -EINVAL;
	if (used != c->nargs)
		return cfg_usage(c, "ADDRESS [MASK]|PREFIX/LEN");
	return 0;
}

static int cmd_peer_hostname(struct cfg_ctx *c)
{
	struct config_ikev2_peer *peer = c->obj;

	if (c->no) {
		peer->hostname = NULL;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "NAME");
	peer->hostname = cfg_strdup(c->p->arena, c->args[0]);
	return peer->hostname ? 0 : cfg_oom(c->p);
}

/* address A | fqdn [domain] N | email [domain] N | key-id K | dn (when allow_dn) */
static int parse_identity(struct cfg_ctx *c, char *const *w, size_t n, struct config_identity *id,
			  bool allow_dn)
{
	static const char *const kws[] = { "address", "fqdn", "email", "key-id", "dn", NULL };
	static const enum config_id_type types[] = { CONFIG_ID_ADDRESS, CONFIG_ID_FQDN,
						     CONFIG_ID_EMAIL, CONFIG_ID_KEY_ID,
						     CONFIG_ID_DN };
	const char *usage = allow_dn ? "address ADDRESS|fqdn NAME|email NAME|key-id ID|dn"
				     : "address ADDRESS|fqdn NAME|email NAME|key-id ID";
	int k;

	memset(id, 0, sizeof(*id));
	if (n < 1 || (k = cfg_kw(w[0], kws)) < 0 || (k == 4 && !allow_dn))
		return cfg_usage(c, usage);
	if (k == 4) {
		if (n != 1)
			return cfg_usage(c, usage);
		id->type = CONFIG_ID_DN;
		return 0;
	}
	/* `fqdn domain X` is how IOS writes an FQDN in a keyring peer identity */
	if (n == 3 && (k == 1 || k == 2) && cfg_kw_is(w[1], "domain")) {
		w++;
		n--;
	}
	if (n != 2)
		return cfg_usage(c, usage);
	id->type = types[k];
	if (k == 0)
		return cfg_parse_addr(w[1], &id->addr) < 0
			       ? cfg_cmd_error(c, "'%s' is not an address", w[1])
			       : 0;
	id->value = cfg_strdup(c->p->arena, w[1]);
	return id->value ? 0 : cfg_oom(c->p);
}

static int cmd_peer_identity(struct cfg_ctx *c)
{
	struct config_ikev2_peer *peer = c->obj;

	if (c->no) {
		memset(&peer->identity, 0, sizeof(peer->identity));
		return 0;
	}
	return parse_identity(c, c->args, c->nargs, &peer->identity, false);
}

/* pre-shared-key [local|remote] [0|6|7] KEY */
static int cmd_peer_psk(struct cfg_ctx *c)
{
	static const char *const kws[] = { "local", "remote", NULL };
	struct config_ikev2_peer *peer = c->obj;
	const char *key;
	size_t i = 0, used;
	int which = -1;

	if (c->nargs >= 1 && (which = cfg_kw(c->args[0], kws)) >= 0)
		i = 1;
	if (c->no) {
		if (which != 1)
			peer->psk_local = NULL;
		if (which != 0)
			peer->psk_remote = NULL;
		return 0;
	}
	if (i >= c->nargs)
		return cfg_usage(c, "[local|remote] KEY");
	if (cfg_parse_key(c, c->args + i, c->nargs - i, &key, &used) < 0)
		return -EINVAL;
	if (i + used != c->nargs)
		return cfg_usage(c, "[local|remote] KEY");
	if (which != 1)
		peer->psk_local = key;
	if (which != 0)
		peer->psk_remote = key;
	return 0;
}

static int cmd_peer_description(struct cfg_ctx *c)
{
	struct config_ikev2_peer *peer = c->obj;

	if (c->no) {
		peer->description = NULL;
		return 0;
	}
	if (!c->nargs)
		return cfg_usage(c, "TEXT");
	peer->description = cfg_strdup(c->p->arena, c->rest);
	return peer->description ? 0 : cfg_oom(c->p);
}

/* ---- profile --------------------------------------------------------------------------------- */

/* match identity remote address A [MASK] | fqdn [domain] N | email [domain] N | key-id K | any */
static int cmd_match_identity(struct cfg_ctx *c)
{
	static const char *const kws[] = { "address", "fqdn", "email", "key-id", "any", NULL };
	static const char *const usage =
		"remote address ADDRESS [MASK]|remote fqdn [domain] NAME|remote email [domain] "
		"NAME|remote key-id ID|remote any";
	struct config_ikev2_profile *pr = c->obj;
	struct config_match_identity m = { 0 };
	size_t used;
	int k;

	if (c->nargs < 2 || !cfg_kw_is(c->args[0], "remote") || (k = cfg_kw(c->args[1], kws)) < 0)
		return cfg_usage(c, usage);
	if (k == 4) {
		if (c->nargs != 2)
			return cfg_usage(c, usage);
		m.type = CONFIG_MATCH_ANY;
	} else if (k == 0) {
		if (cfg_parse_peer_prefix(c, c->args + 2, c->nargs - 2, &m.prefix, &used) < 0)
			return -EINVAL;
		if (2 + used != c->nargs)
			return cfg_usage(c, usage);
		m.type = CONFIG_MATCH_ADDRESS;
	} else {
		bool dom = c->nargs == 4 && k != 3 && cfg_kw_is(c->args[2], "domain");

		if (c->nargs != (dom ? 4u : 3u))
			return cfg_usage(c, usage);
		m.type = k == 3	  ? CONFIG_MATCH_KEY_ID
			 : k == 1 ? (dom ? CONFIG_MATCH_FQDN_DOMAIN : CONFIG_MATCH_FQDN)
				  : (dom ? CONFIG_MATCH_EMAIL_DOMAIN : CONFIG_MATCH_EMAIL);
		if (!(m.value = cfg_strdup(c->p->arena, c->args[c->nargs - 1])))
			return cfg_oom(c->p);
	}
	return cfg_match_store(c, &pr->matches, &pr->n_matches, &m);
}

/* match address local ADDRESS | match address local interface IFNAME */
static int cmd_match_local(struct cfg_ctx *c)
{
	struct config_ikev2_profile *pr = c->obj;
	struct config_local_address la, *slot;
	size_t used, i = 0;

	if (c->nargs >= 2 && cfg_kw_is(c->args[0], "interface"))
		i = 1;
	if (c->nargs <= i)
		return cfg_usage(c, "ADDRESS|interface IFNAME");
	if (cfg_parse_local(c, c->args + i, c->nargs - i, &la, &used) < 0)
		return -EINVAL;
	if (i + used != c->nargs || (i == 1) != (la.ifname != NULL))
		return cfg_usage(c, "ADDRESS|interface IFNAME");
	for (i = 0; i < pr->n_match_local; i++) {
		struct config_local_address *o = &pr->match_local[i];

		if (la.ifname ? (o->ifname && strcmp(o->ifname, la.ifname) == 0)
			      : (!o->ifname && cfg_addr_equal(&o->addr, &la.addr)))
			break;
	}
	if (c->no) {
		if (i == pr->n_match_local)
			return cfg_cmd_error(c, "no such match rule to delete");
		CFG_REMOVE(pr->match_local, pr->n_match_local, i);
		return 0;
	}
	if (i < pr->n_match_local)
		return 0;
	if (pr->n_match_local >= CFG_MAX_SUBITEMS)
		return cfg_cmd_error(c, "more than %d addresses", CFG_MAX_SUBITEMS);
	if (!(slot = CFG_APPEND(c->p->arena, pr->match_local, pr->n_match_local)))
		return cfg_oom(c->p);
	*slot = la;
	return 0;
}

static int cmd_profile_fvrf(struct cfg_ctx *c)
{
	struct config_ikev2_profile *pr = c->obj;

	return match_fvrf(c, &pr->match_fvrf_any);
}

static int cmd_identity_local(struct cfg_ctx *c)
{
	struct config_ikev2_profile *pr = c->obj;

	if (c->no) {
		memset(&pr->local_identity, 0, sizeof(pr->local_identity));
		return 0;
	}
	return parse_identity(c, c->args, c->nargs, &pr->local_identity, true);
}

static int cmd_authentication(struct cfg_ctx *c)
{
	static const char *const kws[] = { "pre-share", "rsa-sig", "ecdsa-sig", NULL };
	static const enum config_auth vals[] = { CONFIG_AUTH_PSK, CONFIG_AUTH_RSA_SIG,
						 CONFIG_AUTH_ECDSA_SIG };
	struct config_ikev2_profile *pr = c->obj;
	bool local = c->cmd->value == 0;
	int k = -1;

	if (c->nargs >= 1 && (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "pre-share|rsa-sig|ecdsa-sig");
	if (c->nargs > 1 && k == 0 && cfg_kw_is(c->args[1], "key"))
		return cfg_cmd_error(c, "keys in the profile are not supported: put them in a "
					"crypto ikev2 keyring (keyring local NAME)");
	if (c->nargs > 1 || (!c->no && c->nargs != 1))
		return cfg_usage(c, "pre-share|rsa-sig|ecdsa-sig");
	if (local) {
		pr->local_auth = c->no ? CONFIG_AUTH_NONE : vals[k];
		return 0;
	}
	if (c->no)
		pr->remote_auth &= k < 0 ? 0 : ~CONFIG_AUTH_BIT(vals[k]);
	else
		pr->remote_auth |= CONFIG_AUTH_BIT(vals[k]); /* remote: several may be allowed */
	return 0;
}

static int cmd_pki_trustpoint(struct cfg_ctx *c)
{
	static const char *const kws[] = { "sign", "verify", NULL };
	struct config_ikev2_profile *pr = c->obj;
	enum config_tp_usage usage = CONFIG_TP_BOTH;
	int k;

	if (c->nargs < 1 || c->nargs > 2)
		return cfg_usage(c, "NAME [sign|verify]");
	if (c->nargs == 2) {
		if ((k = cfg_kw(c->args[1], kws)) < 0)
			return cfg_usage(c, "NAME [sign|verify]");
		usage = k == 0 ? CONFIG_TP_SIGN : CONFIG_TP_VERIFY;
	}
	return cfg_tp_ref_cmd(c, &pr->trustpoints, &pr->n_trustpoints, usage);
}

static int cmd_profile_keyring(struct cfg_ctx *c)
{
	struct config_ikev2_profile *pr = c->obj;
	size_t i = 0;

	if (c->nargs >= 1 && cfg_kw_is(c->args[0], "local"))
		i = 1;
	if (c->no) {
		pr->keyring_name = NULL;
		pr->keyring_line = 0;
		return 0;
	}
	if (c->nargs >= 1 && cfg_kw_is(c->args[0], "aaa"))
		return cfg_cmd_error(c, "AAA keyrings are not supported: use keyring local NAME");
	if (c->nargs != i + 1)
		return cfg_usage(c, "local NAME");
	if (!(pr->keyring_name = cfg_strdup(c->p->arena, c->args[i])))
		return cfg_oom(c->p);
	pr->keyring_line = c->line;
	return 0;
}

static int cmd_dpd(struct cfg_ctx *c)
{
	static const char *const kws[] = { "on-demand", "periodic", NULL };
	struct config_ikev2_profile *pr = c->obj;
	uint32_t iv, retry;
	int k;

	if (c->no) {
		pr->dpd_interval = pr->dpd_retry = 0;
		pr->dpd_mode = CONFIG_DPD_ON_DEMAND;
		return 0;
	}
	if (c->nargs != 3 || (k = cfg_kw(c->args[2], kws)) < 0)
		return cfg_usage(c, "INTERVAL RETRY on-demand|periodic");
	if (cfg_parse_uint(c->args[0], 10, 3600, &iv) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of seconds in 10-3600", c->args[0]);
	if (cfg_parse_uint(c->args[1], 2, 60, &retry) < 0)
		return cfg_cmd_error(c, "retry '%s' is not a number of seconds in 2-60",
				     c->args[1]);
	pr->dpd_interval = iv;
	pr->dpd_retry = retry;
	pr->dpd_mode = k == 0 ? CONFIG_DPD_ON_DEMAND : CONFIG_DPD_PERIODIC;
	return 0;
}

static int cmd_profile_lifetime(struct cfg_ctx *c)
{
	struct config_ikev2_profile *pr = c->obj;

	if (c->no) {
		pr->lifetime = 86400;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "SECONDS");
	if (cfg_parse_uint(c->args[0], 120, 86400, &pr->lifetime) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of seconds in 120-86400", c->args[0]);
	return 0;
}

static int cmd_profile_description(struct cfg_ctx *c)
{
	struct config_ikev2_profile *pr = c->obj;

	if (c->no) {
		pr->description = NULL;
		return 0;
	}
	if (!c->nargs)
		return cfg_usage(c, "TEXT");
	pr->description = cfg_strdup(c->p->arena, c->rest);
	return pr->description ? 0 : cfg_oom(c->p);
}

/* ---- tables ------------------------------------------------------------------------------------
 */

const struct cfg_cmd cfg_crypto_ikev2_cmds[] = {
	{ .kw = "proposal", .fn = cmd_proposal },
	{ .kw = "policy", .fn = cmd_policy },
	{ .kw = "keyring", .fn = cmd_keyring },
	{ .kw = "profile", .fn = cmd_profile },
	{ 0 },
};

const struct cfg_cmd cfg_ikev2_proposal_cmds[] = {
	{ .kw = "encryption", .fn = cmd_prop_encr },
	{ .kw = "integrity", .fn = cmd_prop_integ },
	{ .kw = "prf", .fn = cmd_prop_prf },
	{ .kw = "group", .fn = cmd_prop_group },
	{ 0 },
};

static const struct cfg_cmd policy_match_address_cmds[] = {
	{ .kw = "local", .fn = cmd_policy_local },
	{ 0 },
};

static const struct cfg_cmd policy_match_cmds[] = {
	{ .kw = "fvrf", .fn = cmd_policy_fvrf },
	{ .kw = "address", .sub = policy_match_address_cmds },
	{ 0 },
};

const struct cfg_cmd cfg_ikev2_policy_cmds[] = {
	{ .kw = "match", .sub = policy_match_cmds },
	{ .kw = "proposal", .fn = cmd_policy_proposal },
	{ 0 },
};

const struct cfg_cmd cfg_ikev2_keyring_cmds[] = {
	{ .kw = "peer", .fn = cmd_peer },
	{ 0 },
};

const struct cfg_cmd cfg_ikev2_peer_cmds[] = {
	{ .kw = "address", .fn = cmd_peer_address },
	{ .kw = "hostname", .fn = cmd_peer_hostname },
	{ .kw = "identity", .fn = cmd_peer_identity },
	{ .kw = "pre-shared-key", .fn = cmd_peer_psk },
	{ .kw = "description", .fn = cmd_peer_description, .flags = CMD_TEXT },
	{ 0 },
};

static const struct cfg_cmd profile_match_address_cmds[] = {
	{ .kw = "local", .fn = cmd_match_local },
	{ 0 },
};

static const struct cfg_cmd profile_match_cmds[] = {
	{ .kw = "identity", .fn = cmd_match_identity },
	{ .kw = "address", .sub = profile_match_address_cmds },
	{ .kw = "fvrf", .fn = cmd_profile_fvrf },
	{ 0 },
};

static const struct cfg_cmd identity_cmds[] = {
	{ .kw = "local", .fn = cmd_identity_local },
	{ 0 },
};

static const struct cfg_cmd authentication_cmds[] = {
	{ .kw = "local", .fn = cmd_authentication, .value = 0 },
	{ .kw = "remote", .fn = cmd_authentication, .value = 1 },
	{ 0 },
};

static const struct cfg_cmd pki_cmds[] = {
	{ .kw = "trustpoint", .fn = cmd_pki_trustpoint },
	{ 0 },
};

const struct cfg_cmd cfg_ikev2_profile_cmds[] = {
	{ .kw = "match", .sub = profile_match_cmds },
	{ .kw = "identity", .sub = identity_cmds },
	{ .kw = "authentication", .sub = authentication_cmds },
	{ .kw = "pki", .sub = pki_cmds },
	{ .kw = "keyring", .fn = cmd_profile_keyring },
	{ .kw = "dpd", .fn = cmd_dpd },
	{ .kw = "lifetime", .fn = cmd_profile_lifetime },
	{ .kw = "description", .fn = cmd_profile_description, .flags = CMD_TEXT },
	REFUSE("ivrf", cfg_msg_vrf),
	REFUSE("virtual-template", "dynamic VTIs (Virtual-Template) are not supported: configure "
				   "one interface TunnelN per peer"),
	{ 0 },
};
