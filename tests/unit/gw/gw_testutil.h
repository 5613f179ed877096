/*
 * Checks shared by the gw unit tests that read the daemon's JSON (test_gw_show.c,
 * test_gw_counters.c): field access that fails the test with the JSON in the message, typed
 * comparisons, ikegwctl's rendering of a result and a search for one whole line of it.
 */
#ifndef IKEGW_GW_TESTUTIL_H
#define IKEGW_GW_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "config.h"

struct config_addr addr(const char *s); /* an IPv4 address */
bool is_addr(const struct config_addr *a, const char *s);

struct json_object *get(struct json_object *o, const char *key); /* fails when absent */
struct json_object *at(struct json_object *a, size_t i);	 /* fails when out of range */
void str_is(struct json_object *o, const char *key, const char *want);
void int_is(struct json_object *o, const char *key, int64_t want);
void null_is(struct json_object *o, const char *key);

/* What ikegwctl prints for a result (malloc'd), and a check that text has line exactly. */
char *render(struct json_object *o);
void has_line(const char *text, const char *line);

#endif /* IKEGW_GW_TESTUTIL_H */
