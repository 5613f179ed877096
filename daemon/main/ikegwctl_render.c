/*
 * ikegwctl result rendering: picks the renderer by the result's "command" (the full words the
 * daemon matched), falls back to "text" (verbatim), "message" (one line) and pretty JSON for
 * shapes it does not know. Also the IOS `show crypto session` layout.
 */
#include <string.h>
#include <strings.h>

#include "ikegwctl_render.h"

const char *jstr(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

long long jint(struct json_object *o, const char *key, long long def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return def;
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		return (long long)json_object_get_int64(v);
	return def;
}

bool jbool(struct json_object *o, const char *key, bool def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}

struct json_object *jarray(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

static void print_json(FILE *f, struct json_object *o)
{
	fprintf(f, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A text result printed as is, with a final newline if it lacks one. */
static void print_text(FILE *f, const char *text)
{
	size_t n = strlen(text);

	fwrite(text, 1, n, f);
	if (n && text[n - 1] != '\n')
		fputc('\n', f);
}

/*
 * IOS `show crypto session`:
 *   Crypto session current status
 *
 *   Interface: Tunnel1
 *   Session status: UP-ACTIVE
 *   Peer: 192.168.0.2 port 500
 *     IKEv2 SA: local 192.168.0.1/500 remote 192.168.0.2/500 Active
 *     IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0
 *           Active SAs: 2, origin: crypto map
 *     Diagnosis: ESP flows both ways: 20 packets encapsulated, 20 decapsulated in the last 9 s
 */
static const char *ike_state_word(const char *state)
{
	if (!strcasecmp(state, "READY") || !strcasecmp(state, "QM_IDLE") ||
	    !strcasecmp(state, "Active"))
		return "Active";
	return state;
}

bool render_session(FILE *f, struct json_object *result)
{
	struct json_object *sessions = jarray(result, "sessions");

	if (!sessions)
		return false;
	fprintf(f, "Crypto session current status\n\n");
	for (size_t i = 0; i < json_object_array_length(sessions); i++) {
		struct json_object *s = json_object_array_get_idx(sessions, i);
		struct json_object *ikes = jarray(s, "ike_sas");
		struct json_object *diags = jarray(s, "diagnoses");
		const char *profile = jstr(s, "profile", NULL), *diag = jstr(s, "diagnosis", NULL);

		fprintf(f, "Interface: %s\n", jstr(s, "interface", "(none)"));
		if (profile)
			fprintf(f, "Profile: %s\n", profile);
		fprintf(f, "Session status: %s\n", jstr(s, "status", "DOWN"));
		fprintf(f, "Peer: %s port %lld\n", jstr(s, "peer", "(none)"), jint(s, "port", 500));
		for (size_t j = 0; ikes && j < json_object_array_length(ikes); j++) {
			struct json_object *ike = json_object_array_get_idx(ikes, j);
			long long v = jint(ike, "version", 0);

			fprintf(f, "  %s SA: local %s/%lld remote %s/%lld %s\n",
				v == 2 ? "IKEv2" : v == 1 ? "IKEv1" : "IKE",
				jstr(ike, "local", "(none)"), jint(ike, "local_port", 500),
				jstr(ike, "remote", "(none)"), jint(ike, "remote_port", 500),
				ike_state_word(jstr(ike, "state", "Inactive")));
		}
		fprintf(f, "  IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0\n");
		fprintf(f, "        Active SAs: %lld, origin: crypto map\n",
			jint(s, "ipsec_flows", 0));
		/* seed 004's reading of the counters (docs/operations.md), one finding a line;
		 * a result with "diagnosis" alone has that one */
		for (size_t j = 0; diags && j < json_object_array_length(diags); j++) {
			const char *text = jstr(json_object_array_get_idx(diags, j), "text", NULL);

			if (text)
				fprintf(f, "  Diagnosis: %s\n", text);
		}
		if (!diags && diag)
			fprintf(f, "  Diagnosis: %s\n", diag);
		fprintf(f, "\n");
	}
	return true;
}

/* The daemon says "detail":true; older results: the word typed after "show crypto X sa". */
static bool want_detail(struct json_object *result, char *const *typed, size_t n_typed)
{
	struct json_object *v;

	if (json_object_object_get_ex(result, "detail", &v) &&
	    json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	for (size_t i = 4; i < n_typed; i++) {
		size_t n = strlen(typed[i]);

		if (n && n <= 6 && !strncasecmp(typed[i], "detail", n))
			return true;
	}
	return false;
}

void render_result(FILE *f, struct json_object *result, char *const *typed, size_t n_typed,
		   bool json)
{
	const char *cmd = jstr(result, "command", ""), *text;
	bool done = false;

	if (json) {
		print_json(f, result);
		return;
	}
	if (!strcmp(cmd, "show crypto ipsec sa"))
		done = render_ipsec_sa(f, result);
	else if (!strcmp(cmd, "show crypto ikev2 sa"))
		done = render_ikev2_sa(f, result, want_detail(result, typed, n_typed));
	else if (!strcmp(cmd, "show crypto isakmp sa"))
		done = render_isakmp_sa(f, result, want_detail(result, typed, n_typed));
	else if (!strcmp(cmd, "show crypto session"))
		done = render_session(f, result);
	if (done)
		return;
	if ((text = jstr(result, "text", NULL)))
		print_text(f, text);
	else if ((text = jstr(result, "message", NULL)))
		print_text(f, text);
	else
		print_json(f, result);
}
