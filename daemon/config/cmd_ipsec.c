/*
 * IPsec commands: crypto ipsec transform-set (and its `mode`), crypto ipsec profile (set ...),
 * and the global crypto ipsec security-association lifetime / replay window-size / df-bit.
 */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* ---- transform sets -------------------------------------------------------------------------- */

enum ts_kind {
	TS_CIPHER,
	TS_CIPHER_SIZED, /* takes an optional key size */
	TS_INTEG,
	TS_AH,
	TS_UNSUPPORTED,
};

static const struct {
	const char *kw;
	enum ts_kind kind;
	int val;
	uint16_t bits;
} ts_words[] = {
	{ "esp-des", TS_CIPHER, CONFIG_ENCR_DES, 0 },
	{ "esp-3des", TS_CIPHER, CONFIG_ENCR_3DES, 0 },
	{ "esp-aes", TS_CIPHER_SIZED, CONFIG_ENCR_AES_CBC, 128 },
	{ "esp-gcm", TS_CIPHER_SIZED, CONFIG_ENCR_AES_GCM, 128 },
	{ "esp-chacha20-poly1305", TS_CIPHER, CONFIG_ENCR_CHACHA20_POLY1305, 0 },
	{ "esp-null", TS_CIPHER, CONFIG_ENCR_NULL, 0 },
	{ "esp-md5-hmac", TS_INTEG, CONFIG_HASH_MD5, 0 },
	{ "esp-sha-hmac", TS_INTEG, CONFIG_HASH_SHA1, 0 },
	{ "esp-sha256-hmac", TS_INTEG, CONFIG_HASH_SHA256, 0 },
	{ "esp-sha384-hmac", TS_INTEG, CONFIG_HASH_SHA384, 0 },
	{ "esp-sha512-hmac", TS_INTEG, CONFIG_HASH_SHA512, 0 },
	{ "ah-md5-hmac", TS_AH, 0, 0 },
	{ "ah-sha-hmac", TS_AH, 0, 0 },
	{ "ah-sha256-hmac", TS_AH, 0, 0 },
	{ "ah-sha384-hmac", TS_AH, 0, 0 },
	{ "ah-sha512-hmac", TS_AH, 0, 0 },
	{ "esp-gmac", TS_UNSUPPORTED, 0, 0 },
	{ "esp-seal", TS_UNSUPPORTED, 0, 0 },
	{ "comp-lzs", TS_UNSUPPORTED, 0, 0 },
	{ NULL, 0, 0, 0 },
};

static bool is_aead(enum config_encr e)
{
	return e == CONFIG_ENCR_AES_GCM || e == CONFIG_ENCR_CHACHA20_POLY1305;
}

/* The transforms after the name: one cipher, at most one HMAC, AEAD without HMAC. */
static int parse_transforms(struct cfg_ctx *c, char *const *w, size_t n,
			    struct config_transform_set *ts)
{
	const char *kws[sizeof(ts_words) / sizeof(ts_words[0])];
	bool have_cipher = false;
	size_t i;

	for (i = 0; ts_words[i].kw; i++)
		kws[i] = ts_words[i].kw;
	kws[i] = NULL;
	ts->encr = (struct config_cipher){ CONFIG_ENCR_NONE, 0 };
	ts->integ = CONFIG_HASH_NONE;
	if (n == 0)
		return cfg_usage(c, "NAME TRANSFORM [TRANSFORM]");
	for (i = 0; i < n; i++) {
		int k = cfg_kw(w[i], kws);
		uint32_t bits;

		if (k == -2)
			return cfg_cmd_error(c, "ambiguous transform '%s'", w[i]);
		if (k < 0)
			return cfg_cmd_error(c, "unknown transform '%s'", w[i]);
		switch (ts_words[k].kind) {
		case TS_AH:
			return cfg_cmd_error(c,
					     "%s: AH is not supported: use ESP (e.g. esp-aes 256 "
					     "esp-sha256-hmac, or esp-gcm 256)",
					     ts_words[k].kw);
		case TS_UNSUPPORTED:
			return cfg_cmd_error(c,
					     "%s is not supported: use esp-aes, esp-gcm or "
					     "esp-chacha20-poly1305",
					     ts_words[k].kw);
		case TS_CIPHER:
		case TS_CIPHER_SIZED:
			if (have_cipher)
				return cfg_cmd_error(c, "more than one encryption transform ('%s')",
						     w[i]);
			have_cipher = true;
			ts->encr.alg = (enum config_encr)ts_words[k].val;
			ts->encr.key_bits = ts_words[k].bits;
			if (ts_words[k].kind == TS_CIPHER_SIZED && i + 1 < n &&
			    cfg_parse_uint(w[i + 1], 0, 65535, &bits) == 0) {
				bool gcm = ts->encr.alg == CONFIG_ENCR_AES_GCM;

				if (bits != 128 && bits != 256 && (gcm || bits != 192))
					return cfg_cmd_error(
						c, "%s: key size must be %s", ts_words[k].kw,
						gcm ? "128 or 256" : "128, 192 or 256");
				ts->encr.key_bits = (uint16_t)bits;
				i++;
			}
			break;
		case TS_INTEG:
			if (ts->integ != CONFIG_HASH_NONE)
				return cfg_cmd_error(c,
						     "more than one authentication transform "
						     "('%s')",
						     w[i]);
			ts->integ = (enum config_hash)ts_words[k].val;
			break;
		}
	}
	if (is_aead(ts->encr.alg) && ts->integ != CONFIG_HASH_NONE)
		return cfg_cmd_error(c,
				     "%s is a combined-mode (AEAD) cipher: it takes no "
				     "esp-*-hmac",
				     ts->encr.alg == CONFIG_ENCR_AES_GCM ? "esp-gcm"
									 : "esp-chacha20-poly1305");
	if (!have_cipher)
		ts->encr.alg = CONFIG_ENCR_NULL; /* ESP authentication only, as on IOS */
	return 0;
}

static int cmd_transform_set(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;
	struct config_transform_set *ts, tmp = { 0 };
	int r;

	if (c->nargs < 1)
		return cfg_usage(c, "NAME TRANSFORM [TRANSFORM]");
	ts = cfg_named_find(c->p, &cfg->transform_sets, c->args[0]);
	if (c->no) {
		if (!ts)
			return cfg_cmd_error(c, "transform-set %s is not defined", c->args[0]);
		cfg_named_remove(c->p, &cfg->transform_sets, &cfg->n_transform_sets, ts);
		return 0;
	}
	r = parse_transforms(c, c->args + 1, c->nargs - 1, &tmp);
	if (r < 0) {
		if ((ts = cfg_alloc(c->p->arena, sizeof(*ts))))
			cfg_open(c, M_TRANSFORM_SET, ts); /* scratch for its `mode` line */
		return r;
	}
	if (!ts) {
		ts = cfg_alloc(c->p->arena, sizeof(*ts));
		if (!ts || !(ts->name = cfg_strdup(c->p->arena, c->args[0])))
			return cfg_oom(c->p);
		ts->line = c->line;
		ts->mode = CONFIG_IPSEC_MODE_TUNNEL;
		if ((r = cfg_named_add(c->p, &cfg->transform_sets, &cfg->n_transform_sets, ts)) < 0)
			return r;
	}
	ts->encr = tmp.encr; /* configured again: the new transforms replace the old */
	ts->integ = tmp.integ;
	cfg_open(c, M_TRANSFORM_SET, ts);
	return 0;
}

static int cmd_ts_mode(struct cfg_ctx *c)
{
	static const char *const kws[] = { "tunnel", "transport", NULL };
	struct config_transform_set *ts = c->obj;
	int k;

	if (c->no) {
		ts->mode = CONFIG_IPSEC_MODE_TUNNEL;
		return 0;
	}
	if (c->nargs < 1 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "tunnel|transport");
	if (c->nargs == 2 && k == 1 && cfg_kw_is(c->args[1], "require"))
		return cfg_cmd_error(c, "'mode transport require' is not supported: a VTI needs "
					"tunnel mode");
	if (c->nargs != 1)
		return cfg_usage(c, "tunnel|transport");
	ts->mode = k == 0 ? CONFIG_IPSEC_MODE_TUNNEL : CONFIG_IPSEC_MODE_TRANSPORT;
	return 0;
}

/* ---- lifetimes ------------------------------------------------------------------------------- */

/* seconds N | kilobytes N | kilobytes disable (allow_disable) */
static int parse_lifetime(struct cfg_ctx *c, struct config_sa_lifetime *lt, bool allow_disable,
			  const struct config_sa_lifetime *dflt)
{
	static const char *const kws[] = { "seconds", "kilobytes", NULL };
	const char *usage =
		allow_disable ? "seconds N|kilobytes N|kilobytes disable" : "seconds N|kilobytes N";
	int k = -1;

	if (c->nargs >= 1 && (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, usage);
	if (c->no) {
		if (k != 1)
			lt->seconds = dflt->seconds;
		if (k != 0) {
			lt->kilobytes = dflt->kilobytes;
			lt->kilobytes_disable = false;
		}
		return 0;
	}
	if (c->nargs != 2)
		return cfg_usage(c, usage);
	if (k == 0) {
		if (cfg_parse_uint(c->args[1], 120, 2592000, &lt->seconds) < 0)
			return cfg_cmd_error(c, "'%s' is not a number of seconds in 120-2592000",
					     c->args[1]);
		return 0;
	}
	if (allow_disable && cfg_kw_is(c->args[1], "disable")) {
		lt->kilobytes = 0;
		lt->kilobytes_disable = true;
		return 0;
	}
	if (cfg_parse_u64(c->args[1], 2560, 4294967295u, &lt->kilobytes) < 0)
		return cfg_cmd_error(c, "'%s' is not a number of kilobytes in 2560-4294967295",
				     c->args[1]);
	lt->kilobytes_disable = false;
	return 0;
}

static int cmd_global_lifetime(struct cfg_ctx *c)
{
	static const struct config_sa_lifetime dflt = { .seconds = 3600, .kilobytes = 4608000 };

	return parse_lifetime(c, &c->p->cfg->ipsec_lifetime, false, &dflt);
}

static int cmd_replay_window(struct cfg_ctx *c)
{
	uint32_t v;

	if (c->no) {
		c->p->cfg->replay_window = 64;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "64|128|256|512|1024");
	if (cfg_parse_uint(c->args[0], 64, 1024, &v) < 0 || (v & (v - 1)))
		return cfg_cmd_error(c, "window size must be 64, 128, 256, 512 or 1024");
	c->p->cfg->replay_window = v;
	return 0;
}

static int cmd_df_bit(struct cfg_ctx *c)
{
	static const char *const kws[] = { "clear", "set", "copy", NULL };
	static const enum config_df_bit vals[] = { CONFIG_DF_BIT_CLEAR, CONFIG_DF_BIT_SET,
						   CONFIG_DF_BIT_COPY };
	int k;

	if (c->no) {
		c->p->cfg->df_bit = CONFIG_DF_BIT_COPY;
		return 0;
	}
	if (c->nargs != 1 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "clear|set|copy");
	c->p->cfg->df_bit = vals[k];
	return 0;
}

/* ---- ipsec profiles -------------------------------------------------------------------------- */

static int cmd_profile(struct cfg_ctx *c)
{
	struct config *cfg = c->p->cfg;

	return cfg_named_block(c, &cfg->ipsec_profiles, &cfg->n_ipsec_profiles,
			       sizeof(struct config_ipsec_profile), M_IPSEC_PROFILE, "profile",
			       NULL);
}

#define MAX_TS_PER_PROFILE 6

static int cmd_set_transform_set(struct cfg_ctx *c)
{
	struct config_ipsec_profile *pr = c->obj;
	struct config_ts_ref *refs = NULL, *ref;
	size_t n = 0;

	if (c->no) {
		pr->transform_sets = NULL;
		pr->n_transform_sets = 0;
		return 0;
	}
	if (c->nargs < 1 || c->nargs > MAX_TS_PER_PROFILE)
		return cfg_usage(c, "NAME [NAME...] (up to 6)");
	for (size_t i = 0; i < c->nargs; i++) {
		ref = CFG_APPEND(c->p->arena, refs, n);
		if (!ref || !(ref->name = cfg_strdup(c->p->arena, c->args[i])))
			return cfg_oom(c->p);
		ref->line = c->line;
	}
	pr->transform_sets = refs; /* the list replaces the previous one, as on IOS */
	pr->n_transform_sets = n;
	return 0;
}

static int cmd_set_ike_profile(struct cfg_ctx *c)
{
	struct config_ipsec_profile *pr = c->obj;
	bool v2 = c->cmd->value == 2;
	const char **name = v2 ? &pr->ikev2_profile_name : &pr->isakmp_profile_name;
	unsigned *line = v2 ? &pr->ikev2_profile_line : &pr->isakmp_profile_line;

	if (c->no) {
		*name = NULL;
		*line = 0;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "NAME");
	if (!(*name = cfg_strdup(c->p->arena, c->args[0])))
		return cfg_oom(c->p);
	*line = c->line;
	return 0;
}

static int cmd_set_pfs(struct cfg_ctx *c)
{
	struct config_ipsec_profile *pr = c->obj;

	if (c->no) {
		pr->pfs_group = 0;
		return 0;
	}
	if (c->nargs == 0) {
		pr->pfs_group = 1; /* IOS: `set pfs` alone means group1 */
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "[groupN]");
	if (cfg_parse_pfs_group(c->args[0], &pr->pfs_group) < 0)
		return cfg_cmd_error(c,
				     "unsupported PFS group '%s' (supported: group1 group2 "
				     "group5 group14 group15 group16 group19 group20 group21 "
				     "group24 group31)",
				     c->args[0]);
	return 0;
}

static int cmd_set_lifetime(struct cfg_ctx *c)
{
	static const struct config_sa_lifetime inherit = { 0 };
	struct config_ipsec_profile *pr = c->obj;

	return parse_lifetime(c, &pr->lifetime, true, &inherit);
}

static int cmd_profile_description(struct cfg_ctx *c)
{
	struct config_ipsec_profile *pr = c->obj;

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

static const struct cfg_cmd sa_replay_cmds[] = {
	{ .kw = "window-size", .fn = cmd_replay_window },
	{ 0 },
};

static const struct cfg_cmd sa_cmds[] = {
	{ .kw = "lifetime", .fn = cmd_global_lifetime },
	{ .kw = "replay", .sub = sa_replay_cmds },
	{ 0 },
};

const struct cfg_cmd cfg_crypto_ipsec_cmds[] = {
	{ .kw = "transform-set", .fn = cmd_transform_set },
	{ .kw = "profile", .fn = cmd_profile },
	{ .kw = "security-association", .sub = sa_cmds },
	{ .kw = "df-bit", .fn = cmd_df_bit },
	{ 0 },
};

const struct cfg_cmd cfg_transform_set_cmds[] = {
	{ .kw = "mode", .fn = cmd_ts_mode },
	{ 0 },
};

static const struct cfg_cmd set_sa_cmds[] = {
	{ .kw = "lifetime", .fn = cmd_set_lifetime },
	{ 0 },
};

static const struct cfg_cmd set_cmds[] = {
	{ .kw = "transform-set", .fn = cmd_set_transform_set },
	{ .kw = "isakmp-profile", .fn = cmd_set_ike_profile, .value = 1 },
	{ .kw = "ikev2-profile", .fn = cmd_set_ike_profile, .value = 2 },
	{ .kw = "pfs", .fn = cmd_set_pfs },
	{ .kw = "security-association", .sub = set_sa_cmds },
	REFUSE("peer", "set peer belongs to crypto maps: with a VTI the peer is the tunnel "
		       "destination"),
	{ 0 },
};

const struct cfg_cmd cfg_ipsec_profile_cmds[] = {
	{ .kw = "set", .sub = set_cmds },
	{ .kw = "description", .fn = cmd_profile_description, .flags = CMD_TEXT },
	{ 0 },
};
