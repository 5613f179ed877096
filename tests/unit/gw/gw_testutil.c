/* Shared checks of the gw unit tests (gw_testutil.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "gw_testutil.h"
#include "ikegwctl_render.h"

struct config_addr addr(const char *s)
{
	struct config_addr a = { .family = AF_INET };

	inet_pton(AF_INET, s, &a.v4);
	return a;
}

bool is_addr(const struct config_addr *a, const char *s)
{
	struct config_addr b = addr(s);

	return a->family == AF_INET && a->v4.s_addr == b.v4.s_addr;
}

struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no field \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

struct json_object *at(struct json_object *a, size_t i)
{
	assert_true(i < json_object_array_length(a));
	return json_object_array_get_idx(a, i);
}

void str_is(struct json_object *o, const char *key, const char *want)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), want) != 0)
		fail_msg("\"%s\" is %s, want \"%s\"", key, json_object_to_json_string(v), want);
}

void int_is(struct json_object *o, const char *key, int64_t want)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) != want)
		fail_msg("\"%s\" is %s, want %lld", key, json_object_to_json_string(v),
			 (long long)want);
}

void null_is(struct json_object *o, const char *key)
{
	if (get(o, key) != NULL)
		fail_msg("\"%s\" is %s, want null", key, json_object_to_json_string(get(o, key)));
}

char *render(struct json_object *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	render_result(f, o, NULL, 0, false);
	assert_int_equal(fclose(f), 0);
	return buf;
}

void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("no line \"%s\" in:\n%s", line, text);
}
