/*
 * crypto pki trustpoint NAME and its sub-mode: the IOS lines (enrollment, serial-number,
 * fqdn, ip-address, subject-name, revocation-check) and the Linux PEM file lines
 * (ca-certificate, certificate, private-key, crl). Re-entering a trust-point edits it, but a
 * re-entered block that changes an already-set value is a duplicate definition (see
 * docs/configuration.md, "Trust-points").
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

static const char *const field_kw[TPF__COUNT] = {
	[TPF_ENROLLMENT] = "enrollment",
	[TPF_SERIAL] = "serial-number",
	[TPF_FQDN] = "fqdn",
	[TPF_IP_ADDRESS] = "ip-address",
	[TPF_SUBJECT] = "subject-name",
	[TPF_REVOCATION] = "revocation-check",
	[TPF_CA_CERT] = "ca-certificate",
	[TPF_CERT] = "certificate",
	[TPF_KEY] = "private-key",
	[TPF_CRL] = "crl",
};

static struct cfg_tp_state *tp_state(struct cfg_parser *p, struct config_trustpoint *tp)
{
	return tp->name ? cfg_index_get(p, &p->tp_states, tp->name) : NULL; /* NULL: scratch */
}

static int cmd_trustpoint(struct cfg_ctx *c)
{
	struct cfg_parser *p = c->p;
	struct config *cfg = p->cfg;
	struct config_trustpoint *tp;
	struct cfg_tp_state *st;
	void *obj;
	int r;

	r = cfg_named_block(c, &cfg->trustpoints, &cfg->n_trustpoints, sizeof(*tp), M_TRUSTPOINT,
			    "trust-point", &obj);
	if (r < 0 || !obj)
		return r;
	tp = obj;
	if (c->no) {
		cfg_index_del(p, &p->tp_states, tp->name, tp_state(p, tp));
		return 0;
	}
	st = cfg_alloc(p->arena, sizeof(*st));
	if (!st)
		return cfg_oom(p);
	st->tp = tp;
	tp->revocation = CONFIG_REVOCATION_CRL;
	return cfg_index_put(p, &p->tp_states, tp->name, st);
}

/*
 * Records that field f of the open trust-point gets the value `text`. Returns 1 when the
 * value is to be stored, 0 when it is already there, <0 on a duplicate definition.
 */
static int tp_field(struct cfg_ctx *c, struct cfg_tp_state *st, enum cfg_tp_field_id f,
		    const char *text)
{
	struct cfg_tp_field *fld = &st->fields[f];

	if (fld->line && st->texts[f] && strcmp(st->texts[f], text) == 0)
		return 0;
	if (fld->line && fld->block != c->opener_line)
		return cfg_error(
			c->p, c->line,
			"crypto pki trustpoint %s is defined twice: '%s %s' conflicts "
			"with '%s %s' at line %u (re-entering a trust-point edits it: give "
			"the other trust-point its own name)",
			st->tp->name, field_kw[f], text, field_kw[f], st->texts[f], fld->line);
	fld->line = c->line;
	fld->block = c->opener_line;
	return 1;
}

static void tp_clear(struct cfg_ctx *c, enum cfg_tp_field_id f)
{
	struct cfg_tp_state *st = tp_state(c->p, c->obj);

	if (st) {
		memset(&st->fields[f], 0, sizeof(st->fields[f]));
		st->texts[f] = NULL;
	}
}

/* Stores text (a copy) for field f; *field (if given) points to the copy. 0 or <0. */
static int tp_store_text(struct cfg_ctx *c, enum cfg_tp_field_id f, const char *text,
			 const char **field)
{
	struct cfg_tp_state *st = tp_state(c->p, c->obj);
	const char *copy;
	int r;

	if (st) {
		r = tp_field(c, st, f, text);
		if (r <= 0)
			return r;
	}
	if (!(copy = cfg_strdup(c->p->arena, text)))
		return cfg_oom(c->p);
	if (st)
		st->texts[f] = copy;
	if (field)
		*field = copy;
	return 0;
}

static int cmd_enrollment(struct cfg_ctx *c)
{
	struct config_trustpoint *tp = c->obj;

	if (c->no) {
		tp_clear(c, TPF_ENROLLMENT);
		tp->enrollment = NULL;
		return 0;
	}
	if (!c->nargs)
		return cfg_usage(c, "url URL|terminal|selfsigned");
	return tp_store_text(c, TPF_ENROLLMENT, c->rest, &tp->enrollment);
}

static int cmd_serial(struct cfg_ctx *c)
{
	struct config_trustpoint *tp = c->obj;
	bool none;
	int r;

	if (c->no) {
		tp_clear(c, TPF_SERIAL);
		tp->serial_number = false;
		return 0;
	}
	if (c->nargs > 1 || (c->nargs == 1 && !cfg_kw_is(c->args[0], "none")))
		return cfg_usage(c, "[none]");
	none = c->nargs == 1;
	r = tp_store_text(c, TPF_SERIAL, none ? "none" : "", NULL);
	if (r == 0)
		tp->serial_number = !none;
	return r;
}

/* fqdn / ip-address / subject-name: `none` clears on IOS */
static int cmd_text_field(struct cfg_ctx *c)
{
	struct config_trustpoint *tp = c->obj;
	enum cfg_tp_field_id f = (enum cfg_tp_field_id)c->cmd->value;
	const char **field = f == TPF_FQDN	   ? &tp->fqdn
			     : f == TPF_IP_ADDRESS ? &tp->ip_address
						   : &tp->subject_name;
	int r;

	if (c->no) {
		tp_clear(c, f);
		*field = NULL;
		return 0;
	}
	if (!c->nargs || (f != TPF_SUBJECT && c->nargs != 1))
		return cfg_usage(c, f == TPF_SUBJECT ? "DN" : "VALUE|none");
	r = tp_store_text(c, f, c->rest, field);
	if (r == 0 && f != TPF_SUBJECT && strcasecmp(c->args[0], "none") == 0)
		*field = NULL;
	return r;
}

static int cmd_revocation(struct cfg_ctx *c)
{
	static const char *const kws[] = { "crl", "none", "ocsp", NULL };
	struct config_trustpoint *tp = c->obj;
	int k, r;

	if (c->no) {
		tp_clear(c, TPF_REVOCATION);
		tp->revocation = CONFIG_REVOCATION_CRL;
		return 0;
	}
	if (c->nargs < 1 || (k = cfg_kw(c->args[0], kws)) < 0)
		return cfg_usage(c, "crl|none");
	if (k == 2 || (c->nargs == 2 && cfg_kw_is(c->args[1], "ocsp")))
		return cfg_cmd_error(c, "OCSP is not supported: use crl (with crl PATH) or none");
	if (c->nargs != 1)
		return cfg_usage(c, "crl|none");
	r = tp_store_text(c, TPF_REVOCATION, kws[k], NULL);
	if (r == 0)
		tp->revocation = k == 0 ? CONFIG_REVOCATION_CRL : CONFIG_REVOCATION_NONE;
	return r;
}

static int cmd_pem(struct cfg_ctx *c)
{
	struct config_trustpoint *tp = c->obj;
	enum cfg_tp_field_id f = (enum cfg_tp_field_id)c->cmd->value;
	const char **field = f == TPF_CA_CERT ? &tp->ca_certificate
			     : f == TPF_CERT  ? &tp->certificate
			     : f == TPF_KEY   ? &tp->private_key
					      : &tp->crl;
	char *path;
	int r;

	if (c->no) {
		tp_clear(c, f);
		*field = NULL;
		return 0;
	}
	if (c->nargs != 1)
		return cfg_usage(c, "PATH");
	r = tp_store_text(c, f, c->args[0], NULL);
	if (r != 0)
		return r;
	if (c->args[0][0] == '/' || !c->p->base_dir || !c->p->base_dir[0]) {
		*field = cfg_strdup(c->p->arena, c->args[0]);
	} else {
		size_t n = strlen(c->p->base_dir) + strlen(c->args[0]) + 2;

		path = cfg_alloc(c->p->arena, n);
		if (path)
			snprintf(path, n, "%s/%s", c->p->base_dir, c->args[0]);
		*field = path;
	}
	return *field ? 0 : cfg_oom(c->p);
}

const struct cfg_cmd cfg_crypto_pki_cmds[] = {
	{ .kw = "trustpoint", .fn = cmd_trustpoint },
	REFUSE("certificate", "certificates embedded in the IOS configuration are not read: save "
			      "them as PEM files and name them with ca-certificate PATH / "
			      "certificate PATH in the crypto pki trustpoint"),
	REFUSE("server", "the IOS certificate server is not part of ikegw: run a CA elsewhere "
			 "and give its certificate with ca-certificate PATH"),
	{ 0 },
};

const struct cfg_cmd cfg_trustpoint_cmds[] = {
	{ .kw = "enrollment", .fn = cmd_enrollment, .flags = CMD_TEXT },
	{ .kw = "serial-number", .fn = cmd_serial },
	{ .kw = "fqdn", .fn = cmd_text_field, .value = TPF_FQDN },
	{ .kw = "ip-address", .fn = cmd_text_field, .value = TPF_IP_ADDRESS },
	{ .kw = "subject-name", .fn = cmd_text_field, .value = TPF_SUBJECT, .flags = CMD_TEXT },
	{ .kw = "revocation-check", .fn = cmd_revocation },
	{ .kw = "ca-certificate", .fn = cmd_pem, .value = TPF_CA_CERT },
	{ .kw = "certificate", .fn = cmd_pem, .value = TPF_CERT },
	{ .kw = "private-key", .fn = cmd_pem, .value = TPF_KEY },
	{ .kw = "crl", .fn = cmd_pem, .value = TPF_CRL },
	REFUSE("rsakeypair", "IOS key pairs are not used: name the PEM private key with "
			     "private-key PATH"),
	{ 0 },
};
