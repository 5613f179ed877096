/*
 * The pure half of the control protocol: request lines to argv and back, and IOS abbreviation
 * matching of the typed words against the command table. No I/O, no daemon state, so the fuzz
 * target calls these with nothing set up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "ctl_macro.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

void ctl_argv_free(char **argv, size_t n)
{
	if (!argv)
		return;
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
}

static bool only_space(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static void tokener_freep(struct json_tokener **t)
{
	if (*t)
		json_tokener_free(*t);
}

/* Words of {"argv":[...]} as a NULL-terminated array; other members are ignored. */
static int argv_from_json(struct json_object *req, char ***ret_argv, size_t *ret_n, char *err,
			  size_t errlen)
{
	struct json_object *a;
	char **argv;
	size_t n;

	if (!json_object_is_type(req, json_type_object))
		return fail(err, errlen, "request is not a JSON object");
	if (!json_object_object_get_ex(req, "argv", &a) || !json_object_is_type(a, json_type_array))
		return fail(err, errlen, "request has no \"argv\" array");
	n = json_object_array_length(a);
	if (n == 0)
		return fail(err, errlen, "empty command");
	if (n > CTL_ARGV_MAX)
		return fail(err, errlen, "too many words (at most %d)", CTL_ARGV_MAX);

	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *w = json_object_array_get_idx(a, i);
		const char *s;
		int len;

		if (!json_object_is_type(w, json_type_string)) {
			ctl_argv_free(argv, i);
			return fail(err, errlen, "argv word %zu is not a string", i + 1);
		}
		s = json_object_get_string(w);
		len = json_object_get_string_len(w);
		if (len == 0 || memchr(s, '\0', (size_t)len)) {
			ctl_argv_free(argv, i);
			return fail(err, errlen, "argv word %zu is empty or contains a NUL", i + 1);
		}
		argv[i] = strndup(s, (size_t)len);
		if (!argv[i]) {
			ctl_argv_free(argv, i);
			return -ENOMEM;
		}
	}
	*ret_argv = argv;
	*ret_n = n;
	return 0;
}

int ctl_request_parse(const char *buf, size_t len, char ***ret_argv, size_t *ret_n, char *err,
		      size_t errlen)
{
	_cleanup_(tokener_freep) struct json_tokener *tok = NULL;
	_cleanup_json_ struct json_object *req = NULL;
	size_t end;

	if (err && errlen)
		err[0] = '\0';
	if (len > CTL_REQUEST_MAX) {
		fail(err, errlen, "request longer than %d bytes", CTL_REQUEST_MAX);
		return -EMSGSIZE;
	}
	if (len && buf[len - 1] == '\n')
		len--;
	if (memchr(buf, '\0', len))
		return fail(err, errlen, "request contains a NUL byte");
	if (memchr(buf, '\n', len))
		return fail(err, errlen, "request spans more than one line");
	if (only_space(buf, len))
		return fail(err, errlen, "empty request");

	tok = json_tokener_new_ex(16);
	if (!tok)
		return -ENOMEM;
	req = json_tokener_parse_ex(tok, buf, (int)len);
	if (!req) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		if (e == json_tokener_continue)
			return fail(err, errlen, "request is not valid JSON: truncated");
		return fail(err, errlen, "request is not valid JSON: %s",
			    json_tokener_error_desc(e));
	}
	end = json_tokener_get_parse_end(tok);
	if (end > len || !only_space(buf + end, len - end))
		return fail(err, errlen, "trailing data after the request object");
	return argv_from_json(req, ret_argv, ret_n, err, errlen);
}

int ctl_request_format(const char *const *argv, size_t n, char **ret_line, size_t *ret_len)
{
	_cleanup_json_ struct json_object *req = json_object_new_object();
	struct json_object *a = json_object_new_array();
	const char *s;
	size_t len;
	char *line;

	if (!req || !a) {
		json_object_put(a);
		return -ENOMEM;
	}
	json_object_object_add(req, "argv", a);
	for (size_t i = 0; i < n; i++) {
		struct json_object *w = json_object_new_string(argv[i]);

		if (!w || json_object_array_add(a, w) < 0) {
			json_object_put(w);
			return -ENOMEM;
		}
	}
	s = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE,
					      &len);
	if (!s)
		return -ENOMEM;
	if (len + 1 > CTL_REQUEST_MAX)
		return -EMSGSIZE;
	line = malloc(len + 2);
	if (!line)
		return -ENOMEM;
	memcpy(line, s, len);
	line[len] = '\n';
	line[len + 1] = '\0';
	*ret_line = line;
	*ret_len = len + 1;
	return 0;
}

bool ctl_word_is(const char *typed, const char *keyword)
{
	size_t n = strlen(typed);

	return n > 0 && n <= strlen(keyword) && strncasecmp(typed, keyword, n) == 0;
}

/* The k-th space-separated word of words (k from 0), its length in *ret_len; NULL past the end. */
static const char *word_at(const char *words, size_t k, size_t *ret_len)
{
	const char *p = words;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return NULL;
		*ret_len = strcspn(p, " ");
		if (k-- == 0)
			return p;
		p += *ret_len;
	}
}

static bool word_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* typed abbreviates the keyword kw of length kwlen. */
static bool abbreviates(const char *typed, const char *kw, size_t kwlen)
{
	size_t n = strlen(typed);

	return n > 0 && n <= kwlen && strncasecmp(typed, kw, n) == 0;
}

/* argv[0..n) joined by spaces, shortened to fit. */
static void join(char *out, size_t outlen, char *const *argv, size_t n)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && at + 1 < outlen; i++)
		at += (size_t)snprintf(out + at, outlen - at, "%s%s", i ? " " : "", argv[i]);
}

/*
 * Walk the typed words level by level. alive[] marks the commands whose first k words agree
 * with the keywords chosen so far; at each level the typed word must pick exactly one distinct
 * keyword (an exact keyword wins over longer ones it abbreviates). A command whose words are
 * all consumed is remembered; the deepest one is the match.
 */
int ctl_command_match(const struct ctl_command *cmds, size_t n, char *const *argv, size_t argc,
		      const struct ctl_command **ret_cmd, size_t *ret_consumed, char *err,
		      size_t errlen)
{
	_cleanup_free_ bool *alive = NULL;
	const struct ctl_command *best = NULL;
	size_t best_len = 0, k;
	char typed[256];

	if (err && errlen)
		err[0] = '\0';
	if (argc == 0) {
		snprintf(err, errlen, "%% Incomplete command.");
		return -EINVAL;
	}
	alive = calloc(n ? n : 1, sizeof(*alive));
	if (!alive)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		alive[i] = cmds[i].words != NULL;

	for (k = 0; k < argc; k++) {
		const char *chosen = NULL, *kw;
		size_t chosen_len = 0, kwlen, n_distinct = 0;
		bool exact = false;

		/* The keywords at level k that argv[k] abbreviates. */
		for (size_t i = 0; i < n; i++) {
			if (!alive[i] || !(kw = word_at(cmds[i].words, k, &kwlen)))
				continue;
			if (!abbreviates(argv[k], kw, kwlen))
				continue;
			if (word_eq(argv[k], strlen(argv[k]), kw, kwlen)) {
				exact = true;
				chosen = kw;
				chosen_len = kwlen;
			} else if (!exact && (!chosen || !word_eq(chosen, chosen_len, kw, kwlen))) {
				n_distinct++;
				chosen = kw;
				chosen_len = kwlen;
			}
		}
		if (!chosen)
			break; /* argv[k] and later are arguments of best, if any */
		if (!exact && n_distinct > 1) {
			char cands[512];
			size_t at = 0;

			cands[0] = '\0';
			for (size_t i = 0; i < n && at + 1 < sizeof(cands); i++) {
				bool seen = false;

				if (!alive[i] || !(kw = word_at(cmds[i].words, k, &kwlen)) ||
				    !abbreviates(argv[k], kw, kwlen))
					continue;
				for (size_t j = 0; j < i && !seen; j++) {
					const char *kj;
					size_t kjlen;

					seen = alive[j] && (kj = word_at(cmds[j].words, k, &kjlen)) &&
					       word_eq(kj, kjlen, kw, kwlen);
				}
				if (!seen)
					at += (size_t)snprintf(cands + at, sizeof(cands) - at,
							       "%s%.*s", at ? ", " : "", (int)kwlen,
							       kw);
			}
			join(typed, sizeof(typed), argv, k + 1);
			snprintf(err, errlen, "%% Ambiguous command: \"%s\" (%s could be: %s)", typed,
				 argv[k], cands);
			return -ENOTUNIQ;
		}
		for (size_t i = 0; i < n; i++) {
			if (!alive[i])
				continue;
			kw = word_at(cmds[i].words, k, &kwlen);
			alive[i] = kw && word_eq(kw, kwlen, chosen, chosen_len);
			if (alive[i] && !word_at(cmds[i].words, k + 1, &kwlen)) {
				best = &cmds[i];
				best_len = k + 1;
			}
		}
	}

	if (!best) {
		join(typed, sizeof(typed), argv, argc);
		if (k == argc) {
			snprintf(err, errlen, "%% Incomplete command: \"%s\"", typed);
			return -EINVAL;
		}
		snprintf(err, errlen, "%% Invalid input: \"%s\" (unknown word \"%s\")", typed,
			 argv[k]);
		return -ENOENT;
	}
	*ret_cmd = best;
	*ret_consumed = best_len;
	return 0;
}
