/*
 * The line-oriented, modal reader of the IOS-subset language: splits lines into words,
 * walks the command tree of the current sub-mode (then of its parents, as IOS does) with
 * unique-prefix abbreviation, calls the command's handler, and reports every problem as
 * "file:line: message" without stopping at the first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

static const struct cfg_cmd *const mode_tree[M__COUNT] = {
	[M_TOP] = cfg_top_cmds,
	[M_ISAKMP_POLICY] = cfg_isakmp_policy_cmds,
	[M_KEYRING] = cfg_keyring_cmds,
	[M_ISAKMP_PROFILE] = cfg_isakmp_profile_cmds,
	[M_IKEV2_PROPOSAL] = cfg_ikev2_proposal_cmds,
	[M_IKEV2_POLICY] = cfg_ikev2_policy_cmds,
	[M_IKEV2_KEYRING] = cfg_ikev2_keyring_cmds,
	[M_IKEV2_PEER] = cfg_ikev2_peer_cmds,
	[M_IKEV2_PROFILE] = cfg_ikev2_profile_cmds,
	[M_TRANSFORM_SET] = cfg_transform_set_cmds,
	[M_IPSEC_PROFILE] = cfg_ipsec_profile_cmds,
	[M_TRUSTPOINT] = cfg_trustpoint_cmds,
	[M_INTERFACE] = cfg_interface_cmds,
};

/* ---- error reporting --------------------------------------------------------------------- */

int cfg_error(struct cfg_parser *p, unsigned line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->n_errors++;
	if (config_diag_add(p->diag, p->file, line, CONFIG_SEV_ERROR, "%s", msg) < 0)
		p->oom = true;
	return -EINVAL;
}

int cfg_cmd_error(struct cfg_ctx *c, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_error(c->p, c->line, "%s%s: %s", c->no ? "no " : "", c->cmdtext, msg);
}

int cfg_oom(struct cfg_parser *p)
{
	if (errno == E2BIG && !p->oom) {
		cfg_error(p, p->lineno, "more than %d entries of one kind: configuration too large",
			  CFG_MAX_ITEMS);
		p->too_big = true;
	}
	p->oom = true;
	return p->too_big ? -E2BIG : -ENOMEM;
}

int cfg_usage(struct cfg_ctx *c, const char *usage)
{
	return cfg_cmd_error(c, "expected '%s%s%s'", c->cmdtext, *usage ? " " : "", usage);
}

void cfg_open(struct cfg_ctx *c, enum cfg_mode mode, void *obj)
{
	c->p->open_mode = mode;
	c->p->open_obj = obj;
}

/* What every named block's struct starts with (see cfg_named_block). */
struct named_hdr {
	const char *name;
	unsigned line;
};

int cfg_named_block(struct cfg_ctx *c, void *arr_field, size_t *n, size_t size, enum cfg_mode mode,
		    const char *what, void **ret)
{
	struct named_hdr *obj;
	void *unused;
	int r;

	if (!ret)
		ret = &unused;
	*ret = NULL;
	if (c->nargs != 1) {
		cfg_usage(c, "NAME");
		if (!c->no && (obj = cfg_alloc(c->p->arena, size)))
			cfg_open(c, mode, obj); /* scratch: the block's lines still get read */
		return -EINVAL;
	}
	obj = cfg_named_find(c->p, arr_field, c->args[0]);
	if (c->no) {
		if (!obj)
			return cfg_cmd_error(c, "%s %s is not defined", what, c->args[0]);
		cfg_named_remove(c->p, arr_field, n, obj);
		*ret = obj; /* removed */
		return 0;
	}
	if (!obj) {
		obj = cfg_alloc(c->p->arena, size);
		if (!obj || !(obj->name = cfg_strdup(c->p->arena, c->args[0])))
			return cfg_oom(c->p);
		obj->line = c->line;
		if ((r = cfg_named_add(c->p, arr_field, n, obj)) < 0)
			return r;
		*ret = obj; /* new */
	}
	cfg_open(c, mode, obj);
	return 0;
}

/* ---- one line ------------------------------------------------------------------------------- */

struct cfg_line {
	char buf[CFG_MAX_LINE + 1]; /* words, NUL-separated */
	char orig[CFG_MAX_LINE + 1];
	char *tok[CFG_MAX_TOKENS];
	size_t off[CFG_MAX_TOKENS]; /* offset of each word in orig */
	size_t ntok;
	unsigned indent;
};

enum walk_res {
	W_NONE,
	W_FULL,
	W_REFUSED,
	W_AMBIG,
};

struct walk {
	enum walk_res res;
	const struct cfg_cmd *node;
	size_t next;		     /* first argument (FULL) or failing word (NONE, AMBIG) */
	const struct cfg_cmd *level; /* AMBIG: the level whose children were ambiguous */
	bool abbrev;		     /* some keyword was matched as an abbreviation */
	char path[256];		     /* canonical keywords matched */
};

static void path_add(struct walk *w, const char *kw)
{
	size_t n = strlen(w->path);

	snprintf(w->path + n, sizeof(w->path) - n, "%s%s", n ? " " : "", kw);
}

static void walk_tree(const struct cfg_cmd *tree, struct cfg_line *l, size_t start, struct walk *w)
{
	const struct cfg_cmd *level = tree, *node = NULL;
	size_t i = start;

	memset(w, 0, sizeof(*w));
	while (i < l->ntok && level) {
		const struct cfg_cmd *m = NULL;
		int n = 0;

		for (const struct cfg_cmd *c = level; c->kw; c++) {
			if (strcasecmp(l->tok[i], c->kw) == 0) {
				m = c;
				n = 1;
				break;
			}
			if (cfg_kw_is(l->tok[i], c->kw)) {
				m = c;
				n++;
			}
		}
		if (n == 1 && strcasecmp(l->tok[i], m->kw) != 0)
			w->abbrev = true;
		if (n > 1) {
			w->res = W_AMBIG;
			w->level = level;
			w->next = i;
			return;
		}
		if (n == 0)
			break;
		node = m;
		path_add(w, node->kw);
		i++;
		if (node->refuse) {
			w->res = W_REFUSED;
			w->node = node;
			w->next = i;
			return;
		}
		level = node->sub;
	}
	w->node = node;
	w->next = i;
	w->res = node && node->fn ? W_FULL : W_NONE;
}

static void report_ambiguous(struct cfg_parser *p, struct cfg_line *l, size_t start,
			     const struct walk *w)
{
	char cand[512] = "", typed[512] = "";
	size_t n = 0;

	for (size_t i = start; i <= w->next; i++)
		n += (size_t)snprintf(typed + n, n < sizeof(typed) ? sizeof(typed) - n : 0, "%s%s",
				      i > start ? " " : "", l->tok[i]);
	n = 0;
	for (const struct cfg_cmd *c = w->level; c->kw; c++)
		if (cfg_kw_is(l->tok[w->next], c->kw))
			n += (size_t)snprintf(cand + n, n < sizeof(cand) ? sizeof(cand) - n : 0,
					      "%s%s", n ? ", " : "", c->kw);
	cfg_error(p, p->lineno, "ambiguous command '%s': '%s' could be %s", typed, l->tok[w->next],
		  cand);
}

static void report_unknown(struct cfg_parser *p, struct cfg_line *l, const struct walk *w)
{
	char typed[512];
	size_t n = 0, end = w->next < l->ntok ? w->next : l->ntok - 1;

	for (size_t i = 0; i <= end; i++)
		n += (size_t)snprintf(typed + n, n < sizeof(typed) ? sizeof(typed) - n : 0, "%s%s",
				      i ? " " : "", l->tok[i]);
	if (w->next >= l->ntok)
		cfg_error(p, p->lineno, "incomplete command '%s'", typed);
	else
		cfg_error(p, p->lineno, "unknown command '%s'", typed);
}

static const char *find_placeholder(struct cfg_line *l)
{
	for (size_t i = 0; i < l->ntok; i++)
		if (cfg_looks_placeholder(l->tok[i]))
			return l->tok[i];
	return NULL;
}

static int report_placeholder(struct cfg_parser *p, const char *word)
{
	return cfg_error(p, p->lineno,
			 "placeholder '%s' left from a configuration template: replace it with "
			 "the real value",
			 word);
}

/* Returns true when the lines indented deeper than this one are to be skipped. */
static bool do_line(struct cfg_parser *p, struct cfg_line *l)
{
	struct walk w, best = { .res = W_NONE };
	size_t start = 0;
	bool no = false, have_best = false;
	const char *ph;
	int level;

	if (l->ntok >= 2 && strcasecmp(l->tok[0], "no") == 0) {
		no = true;
		start = 1;
	}
	if (!no && l->ntok == 1 && strcasecmp(l->tok[0], "exit") == 0) {
		if (p->depth > 0)
			p->depth--;
		return false;
	}
	if (!no && l->ntok == 1 && strcasecmp(l->tok[0], "end") == 0) {
		p->depth = 0;
		return false;
	}

	/*
	 * The innermost sub-mode that knows the command gets it, as on IOS; but a match that
	 * needed an abbreviation (or was ambiguous) yields to an exact match of a parent mode,
	 * so that `ip route ...` after an interface block is not read as `ip router`.
	 */
	struct walk cand = { .res = W_NONE };
	int cand_level = -1;

	for (level = p->depth; level >= 0; level--) {
		walk_tree(mode_tree[p->stack[level].mode], l, start, &w);
		if ((w.res == W_FULL || w.res == W_REFUSED) && !w.abbrev)
			break;
		if (w.res != W_NONE && cand_level < 0) {
			cand = w;
			cand_level = level;
			continue;
		}
		if (w.res == W_NONE && (!have_best || w.next > best.next)) {
			best = w;
			have_best = true;
		}
	}
	if (level < 0 && cand_level >= 0) {
		w = cand;
		level = cand_level;
		if (w.res == W_AMBIG) {
			report_ambiguous(p, l, start, &w);
			return true;
		}
	}
	if (level < 0) {
		ph = find_placeholder(l);
		if (ph)
			report_placeholder(p, ph);
		else
			report_unknown(p, l, &best);
		return true;
	}
	p->depth = level;
	if (w.res == W_REFUSED) {
		cfg_error(p, p->lineno, "%s%s: %s", no ? "no " : "", w.path, w.node->refuse);
		return true;
	}
	if (!(w.node->flags & CMD_TEXT) && (ph = find_placeholder(l))) {
		report_placeholder(p, ph);
		return false;
	}

	struct cfg_ctx c = {
		.p = p,
		.cmd = w.node,
		.no = no,
		.args = &l->tok[w.next],
		.nargs = l->ntok - w.next,
		.rest = w.next < l->ntok ? l->orig + l->off[w.next] : "",
		.cmdtext = w.path,
		.obj = p->stack[level].obj,
		.opener_line = p->stack[level].line,
		.line = p->lineno,
	};

	p->open_obj = NULL;
	if (w.node->fn(&c) == CFG_SKIP_BLOCK)
		return true;
	if (p->open_obj && p->depth + 1 < CFG_MAX_DEPTH) {
		p->depth++;
		p->stack[p->depth].mode = p->open_mode;
		p->stack[p->depth].obj = p->open_obj;
		p->stack[p->depth].line = p->lineno;
	}
	return false;
}

/* Copies the raw line, checks its bytes and splits it into words. <0: reported error. */
static int split_line(struct cfg_parser *p, const char *s, size_t len, struct cfg_line *l)
{
	size_t i, o = 0;
	unsigned col = 0;
	bool lead = true;

	if (len > CFG_MAX_LINE)
		return cfg_error(p, p->lineno, "line longer than %d characters", CFG_MAX_LINE);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		/* a UTF-8 no-break space (pasted from web pages) counts as a space */
		if (ch == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0) {
			l->orig[o++] = ' ';
			i++;
			ch = ' ';
		} else if (ch == '\r' && i + 1 == len) {
			break;
		} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			return cfg_error(p, p->lineno, "invalid control character 0x%02x", ch);
		} else {
			l->orig[o++] = (char)ch;
		}
		if (lead && (ch == ' ' || ch == '\t'))
			col = ch == '\t' ? (col + 8) & ~7u : col + 1;
		else
			lead = false;
	}
	while (o > 0 && (l->orig[o - 1] == ' ' || l->orig[o - 1] == '\t'))
		o--;
	l->orig[o] = '\0';
	l->indent = col;
	memcpy(l->buf, l->orig, o + 1);
	l->ntok = 0;
	for (i = 0; i < o;) {
		while (i < o && (l->buf[i] == ' ' || l->buf[i] == '\t'))
			l->buf[i++] = '\0';
		if (i >= o)
			break;
		if (l->ntok == CFG_MAX_TOKENS)
			return cfg_error(p, p->lineno, "more than %d words on one line",
					 CFG_MAX_TOKENS);
		l->off[l->ntok] = i;
		l->tok[l->ntok++] = &l->buf[i];
		while (i < o && l->buf[i] != ' ' && l->buf[i] != '\t')
			i++;
	}
	return 0;
}

int cfg_parse(struct cfg_parser *p, const char *buf, size_t len)
{
	struct cfg_line *l = malloc(sizeof(*l)); /* 8 KiB: kept off the stack */
	size_t pos = 0;
	int skip_indent = -1;

	if (!l)
		return cfg_oom(p);

	p->depth = 0;
	p->stack[0].mode = M_TOP;
	p->stack[0].obj = NULL;
	p->lineno = 0;
	while (pos < len && !p->oom) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		p->lineno++;
		if (split_line(p, buf + pos, llen, l) == 0 && l->ntok > 0 && l->tok[0][0] != '!') {
			if (skip_indent >= 0 && l->indent > (unsigned)skip_indent) {
				/* body of a refused or unknown block */
			} else {
				skip_indent = do_line(p, l) ? (int)l->indent : -1;
			}
		}
		pos += llen + (nl ? 1 : 0);
	}
	explicit_bzero(l, sizeof(*l)); /* lines carry pre-shared keys */
	free(l);
	return p->oom ? (p->too_big ? -E2BIG : -ENOMEM) : 0;
}
