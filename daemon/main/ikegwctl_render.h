/*
 * ikegwctl's text rendering of daemon results (docs/control-protocol.md has the shapes): the
 * IOS layouts of show crypto ipsec sa / ikev2 sa / isakmp sa / session, verbatim "text" and
 * "message" results, and pretty JSON for anything else and for --json.
 */
#ifndef IKEGW_IKEGWCTL_RENDER_H
#define IKEGW_IKEGWCTL_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * Print result (the response's "result" object) for the words the user typed. json: the pretty
 * object and nothing else. Otherwise the renderer is chosen by the result's "command".
 */
void render_result(FILE *f, struct json_object *result, char *const *typed, size_t n_typed,
		   bool json);

/* One renderer per IOS show command (ikegwctl_render_sa.c); false if the shape is not theirs. */
bool render_ipsec_sa(FILE *f, struct json_object *result);
bool render_ikev2_sa(FILE *f, struct json_object *result, bool detail);
bool render_isakmp_sa(FILE *f, struct json_object *result, bool detail);
bool render_session(FILE *f, struct json_object *result);

/* Small accessors shared by the renderers: a missing or mistyped member gives the default. */
const char *jstr(struct json_object *o, const char *key, const char *def);
long long jint(struct json_object *o, const char *key, long long def);
bool jbool(struct json_object *o, const char *key, bool def);
struct json_object *jarray(struct json_object *o, const char *key);

#endif
