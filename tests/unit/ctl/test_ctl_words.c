/*
 * Control protocol pure functions: request lines (good, not JSON, too long, argv not strings,
 * empty argv, embedded NUL, trailing data) and their formatting, and IOS abbreviation matching
 * of command words (unique prefixes, ambiguity, longest match with arguments, unknown words).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl.h"

static int parse(const char *s, char ***argv, size_t *n, char *err)
{
	return ctl_request_parse(s, strlen(s), argv, n, err, 256);
}

static void test_parse_good(void **state)
{
	char **argv = NULL, err[256];
	size_t n = 0;

	assert_int_equal(parse("{\"argv\":[\"show\",\"crypto\",\"ipsec\",\"sa\",\"interface\","
			       "\"Tunnel1\"]}\n",
			       &argv, &n, err),
			 0);
	assert_int_equal(n, 6);
	assert_string_equal(argv[0], "show");
	assert_string_equal(argv[5], "Tunnel1");
	assert_null(argv[6]);
	ctl_argv_free(argv, n);

	/* No newline, whitespace around, unknown members ignored, UTF-8 and escapes kept. */
	assert_int_equal(parse("  {\"v\":1, \"argv\":[\"reload\", \"a\\/b\\u00e9\"]}  ", &argv, &n,
			       err),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(argv[1], "a/b\xc3\xa9");
	ctl_argv_free(argv, n);
}

static void expect_bad(const char *req, size_t len, const char *msg)
{
	char **argv = NULL, err[256] = "";
	size_t n = 0;

	assert_int_equal(ctl_request_parse(req, len, &argv, &n, err, sizeof(err)), -EBADMSG);
	assert_null(argv);
	if (!strstr(err, msg))
		fail_msg("'%s' does not contain '%s'", err, msg);
}

#define BAD(s, msg) expect_bad(s, sizeof(s) - 1, msg)

static void test_parse_bad(void **state)
{
	static const char nul[] = "{\"argv\":[\"show\0\"]}\n";

	BAD("show crypto ipsec sa\n", "not valid JSON");
	BAD("{\"argv\":[\"show\"", "truncated");
	BAD("[\"show\"]", "not a JSON object");
	BAD("{\"args\":[\"show\"]}", "no \"argv\" array");
	BAD("{\"argv\":\"show\"}", "no \"argv\" array");
	BAD("{\"argv\":[]}", "empty command");
	BAD("{\"argv\":[\"show\",1]}", "word 2 is not a string");
	BAD("{\"argv\":[\"show\",null]}", "word 2 is not a string");
	BAD("{\"argv\":[\"show\",[\"x\"]]}", "word 2 is not a string");
	BAD("{\"argv\":[\"\"]}", "word 1 is empty");
	BAD("{\"argv\":[\"a\\u0000b\"]}", "contains a NUL");
	BAD(nul, "NUL byte");
	BAD("{\"argv\":[\"a\"]}{}", "trailing data");
	BAD("{\"argv\":[\"a\"]}\n{\"argv\":[\"b\"]}\n", "more than one line");
	BAD("\n", "empty request");
	BAD("", "empty request");
	/* Nested deeper than the tokener allows (16). */
	BAD("[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "not valid JSON");
}

static void test_parse_too_long(void **state)
{
	size_t len = CTL_REQUEST_MAX + 1;
	char *buf = malloc(len), **argv = NULL, err[256];
	size_t n;

	assert_non_null(buf);
	memset(buf, ' ', len);
	assert_int_equal(ctl_request_parse(buf, len, &argv, &n, err, sizeof(err)), -EMSGSIZE);
	assert_non_null(strstr(err, "longer than 65536"));
	/* Exactly the limit with the newline: accepted as far as length goes. */
	assert_int_equal(ctl_request_parse(buf, CTL_REQUEST_MAX, &argv, &n, err, sizeof(err)),
			 -EBADMSG);
	free(buf);

	/* Too many words. */
	{
		char req[4096] = "{\"argv\":[";
		size_t at = strlen(req);

		for (int i = 0; i <= CTL_ARGV_MAX; i++)
			at += (size_t)snprintf(req + at, sizeof(req) - at, "%s\"w\"", i ? "," : "");
		snprintf(req + at, sizeof(req) - at, "]}");
		expect_bad(req, strlen(req), "too many words");
	}
}

static void test_format(void **state)
{
	const char *words[] = { "show", "a\"b\\c/d", "\xc3\xa9" };
	char *line, **argv;
	size_t len, n;

	assert_int_equal(ctl_request_format(words, 3, &line, &len), 0);
	assert_string_equal(line, "{\"argv\":[\"show\",\"a\\\"b\\\\c/d\",\"\xc3\xa9\"]}\n");
	assert_int_equal(len, strlen(line));
	assert_int_equal(ctl_request_parse(line, len, &argv, &n, NULL, 0), 0);
	assert_int_equal(n, 3);
	assert_string_equal(argv[1], words[1]);
	ctl_argv_free(argv, n);
	free(line);
}

static int h(void *u, const struct ctl_request *r, struct json_object **o, char *e, size_t l)
{
	return 0;
}

static const struct ctl_command cmds[] = {
	{ "show crypto ipsec sa", h, "" },
	{ "show crypto isakmp sa", h, "" },
	{ "show crypto isakmp profile", h, "" },
	{ "show crypto ikev2 sa", h, "" },
	{ "show crypto ikev2 profile", h, "" },
	{ "show crypto session", h, "" },
	{ "show crypto pki certificates", h, "" },
	{ "show crypto pki trustpoints", h, "" },
	{ "clear crypto sa", h, "" },
	{ "clear crypto session", h, "" },
	{ "debug crypto isakmp", h, "" },
	{ "debug crypto ikev2", h, "" },
	{ "undebug all", h, "" },
	{ "reload", h, "" },
	{ "metrics", h, "" },
};
#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Match a space-separated line; returns the error and fills *cmd / *consumed. */
static int match(const char *line, const struct ctl_command **cmd, size_t *consumed, char *err)
{
	char buf[256], *argv[16], *save = NULL;
	size_t argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	*cmd = NULL;
	return ctl_command_match(cmds, N_CMDS, argv, argc, cmd, consumed, err, 256);
}

static void expect_match(const char *line, const char *words, size_t consumed)
{
	const struct ctl_command *cmd;
	size_t got;
	char err[256];

	if (match(line, &cmd, &got, err) != 0)
		fail_msg("'%s': %s", line, err);
	assert_string_equal(cmd->words, words);
	assert_int_equal(got, consumed);
}

static void expect_error(const char *line, int error, const char *msg)
{
	const struct ctl_command *cmd;
	size_t got;
	char err[256] = "";

	assert_int_equal(match(line, &cmd, &got, err), error);
	if (!strstr(err, msg))
		fail_msg("'%s': '%s' does not contain '%s'", line, err, msg);
}

static void test_match_unique(void **state)
{
	expect_match("show crypto ipsec sa", "show crypto ipsec sa", 4);
	expect_match("sh cry ips sa", "show crypto ipsec sa", 4);
	expect_match("SH CRY IPS SA", "show crypto ipsec sa", 4);
	expect_match("sh cry isa sa", "show crypto isakmp sa", 4);
	expect_match("sh cry isa pro", "show crypto isakmp profile", 4);
	expect_match("s cr ik s", "show crypto ikev2 sa", 4);
	expect_match("sh cry se", "show crypto session", 3);
	expect_match("sh cry pki cert", "show crypto pki certificates", 4);
	expect_match("cl cr sa", "clear crypto sa", 3);
	expect_match("cl cr ses", "clear crypto session", 3);
	expect_match("und a", "undebug all", 2);
	expect_match("rel", "reload", 1);
	expect_match("m", "metrics", 1);
	/* "sa" is a whole keyword and a prefix of "session": the exact keyword wins. */
	expect_match("clear crypto sa", "clear crypto sa", 3);
}

static void test_match_args(void **state)
{
	expect_match("show crypto ipsec sa interface Tunnel1", "show crypto ipsec sa", 4);
	expect_match("sh cry ipsec sa int Tu1", "show crypto ipsec sa", 4);
	expect_match("show crypto ikev2 sa detail", "show crypto ikev2 sa", 4);
	expect_match("clear crypto sa peer 192.168.0.2", "clear crypto sa", 3);
	expect_match("debug crypto isakmp error", "debug crypto isakmp", 3);
	expect_match("reload now", "reload", 1);
	/* Arguments may look like keywords of other commands. */
	expect_match("reload show crypto", "reload", 1);
}

static void test_match_ambiguous(void **state)
{
	expect_error("sh cry i sa", -ENOTUNIQ, "% Ambiguous command: \"sh cry i\"");
	expect_error("sh cry i sa", -ENOTUNIQ, "could be: ipsec, isakmp, ikev2");
	expect_error("cl cr s", -ENOTUNIQ, "could be: sa, session");
	expect_error("d c i", -ENOTUNIQ, "could be: isakmp, ikev2");
	/* Unique at each level although "s" starts several keywords elsewhere. */
	expect_match("sh cry s", "show crypto session", 3);
	expect_match("show crypto pki t", "show crypto pki trustpoints", 4);
}

static void test_match_unknown(void **state)
{
	expect_error("shw crypto", -ENOENT, "% Invalid input: \"shw crypto\" (unknown word \"shw\")");
	expect_error("show crypto ipsec foo", -ENOENT, "% Invalid input");
	expect_error("show crypto ipsec foo", -ENOENT, "unknown word \"foo\"");
	expect_error("show crypto", -EINVAL, "% Incomplete command: \"show crypto\"");
	expect_error("show", -EINVAL, "% Incomplete command");
	expect_error("", -EINVAL, "% Incomplete command");
	expect_error("reloadx", -ENOENT, "% Invalid input");
	expect_error("show crypto ipsec salt", -ENOENT, "% Invalid input");
}

static void test_word_is(void **state)
{
	assert_true(ctl_word_is("det", "detail"));
	assert_true(ctl_word_is("DETAIL", "detail"));
	assert_false(ctl_word_is("", "detail"));
	assert_false(ctl_word_is("details", "detail"));
	assert_false(ctl_word_is("dx", "detail"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),     cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_too_long), cmocka_unit_test(test_format),
		cmocka_unit_test(test_match_unique),   cmocka_unit_test(test_match_args),
		cmocka_unit_test(test_match_ambiguous), cmocka_unit_test(test_match_unknown),
		cmocka_unit_test(test_word_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
