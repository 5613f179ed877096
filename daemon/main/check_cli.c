/*
 * The check commands shared by ikegwd and ikegwctl: load and validate one config (parser
 * diagnostics, PKI files, warnings), or two configs and the simulated initiation in both
 * directions, printed as text (docs/check.md) or JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check_cli.h"
#include "ike_sim.h"

struct loaded {
	const char *path;
	struct config *cfg;
	struct pki_store *pki;
	struct config_diag diag;
	char name[128];
};

/* 0 loaded (warnings maybe), 1 errors, -ENOMEM. */
static int load(struct loaded *l, const char *path)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->path = path;
	config_diag_init(&l->diag);
	r = config_load_file(path, &l->cfg, &l->diag);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 1;
	r = ike_check_pki(l->cfg, &l->diag, &l->pki);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		r = ike_check_warnings(l->cfg, l->pki, &l->diag);
	ike_diag_sort(&l->diag);
	if (r == -ENOMEM)
		return r;
	ike_config_name(l->cfg, l->name, sizeof(l->name));
	return l->diag.n_errors ? 1 : 0;
}

static void unload(struct loaded *l)
{
	pki_store_free(l->pki);
	config_free(l->cfg);
	config_diag_clear(&l->diag);
}

static struct json_object *diag_json(const struct loaded *l)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "file", json_object_new_string(l->path));
	if (l->cfg)
		json_object_object_add(o, "name", json_object_new_string(l->name));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)l->diag.n_errors));
	json_object_object_add(o, "warnings", json_object_new_int64((int64_t)l->diag.n_warnings));
	for (size_t i = 0; i < l->diag.n_entries; i++) {
		const struct config_diag_entry *e = &l->diag.entries[i];
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "file", json_object_new_string(e->file));
		json_object_object_add(d, "line", json_object_new_int64(e->line));
		json_object_object_add(d, "severity",
				       json_object_new_string(e->severity == CONFIG_SEV_ERROR
								      ? "error"
								      : "warning"));
		json_object_object_add(d, "message", json_object_new_string(e->message));
		json_object_array_add(a, d);
	}
	json_object_object_add(o, "diagnostics", a);
	return o;
}

static int print_json(struct json_object *o, FILE *out)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE);
	int r = fprintf(out, "%s\n", s) < 0 ? -EIO : 0;

	json_object_put(o);
	return r;
}

int check_cli_single(const char *path, bool json, FILE *out)
{
	struct loaded l;
	int r = load(&l, path), status;

	if (r < 0) {
		unload(&l);
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	status = r ? 1 : 0;
	if (json)
		print_json(diag_json(&l), out);
	else
		config_diag_print(&l.diag, out);
	unload(&l);
	return status;
}

static struct json_object *direction_json(const char *from, const char *to,
					  const struct ike_sim_result *res)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_array();

	json_object_object_add(o, "from", json_object_new_string(from));
	json_object_object_add(o, "to", json_object_new_string(to));
	json_object_object_add(o, "result", json_object_new_string(res->ok ? "ok" : "fails"));
	if (!res->ok)
		json_object_object_add(o, "reason", json_object_new_string(res->reason));
	for (size_t i = 0; i < res->n_lines; i++)
		json_object_array_add(t, json_object_new_string(res->lines[i]));
	json_object_object_add(o, "trace", t);
	return o;
}

static void print_trace(const struct ike_sim_result *res, FILE *out)
{
	for (size_t i = 0; i < res->n_lines; i++) {
		const char *l = res->lines[i];

		fprintf(out, "%s%s\n", strncmp(l, "===", 3) == 0 ? "" : "  ", l);
	}
}

static void print_result(const char *from, const char *to, const struct ike_sim_result *res,
			 FILE *out)
{
	if (res->ok)
		fprintf(out, "initiate %s->%s: ok\n", from, to);
	else
		fprintf(out, "initiate %s->%s: fails: %s\n", from, to, res->reason);
}

int check_cli_pair(const char *path_a, const char *path_b, bool json, FILE *out)
{
	struct ike_sim_result ab = { 0 }, ba = { 0 };
	struct ike_sim_peer pa, pb;
	struct loaded a, b;
	int ra, rb, status = 1;

	ra = load(&a, path_a);
	rb = load(&b, path_b);
	if (ra < 0 || rb < 0) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	if (ra || rb) {
		if (json) {
			struct json_object *o = json_object_new_object(),
					   *c = json_object_new_array();

			json_object_array_add(c, diag_json(&a));
			json_object_array_add(c, diag_json(&b));
			json_object_object_add(o, "configs", c);
			print_json(o, out);
		} else {
			config_diag_print(&a.diag, out);
			config_diag_print(&b.diag, out);
		}
		goto out;
	}
	pa = (struct ike_sim_peer){ .name = a.name, .cfg = a.cfg, .pki = a.pki };
	pb = (struct ike_sim_peer){ .name = b.name, .cfg = b.cfg, .pki = b.pki };
	if (ike_sim_direction(&pa, &pb, 0, &ab) < 0 || ike_sim_direction(&pb, &pa, 0, &ba) < 0) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	status = ab.ok && ba.ok ? 0 : 1;
	if (json) {
		struct json_object *o = json_object_new_object(), *c = json_object_new_array(),
				   *d = json_object_new_array();

		json_object_array_add(c, diag_json(&a));
		json_object_array_add(c, diag_json(&b));
		json_object_object_add(o, "configs", c);
		json_object_array_add(d, direction_json(a.name, b.name, &ab));
		json_object_array_add(d, direction_json(b.name, a.name, &ba));
		json_object_object_add(o, "directions", d);
		print_json(o, out);
	} else {
		config_diag_print(&a.diag, out);
		config_diag_print(&b.diag, out);
		print_trace(&ab, out);
		print_trace(&ba, out);
		print_result(a.name, b.name, &ab, out);
		print_result(b.name, a.name, &ba, out);
	}
out:
	ike_sim_result_free(&ab);
	ike_sim_result_free(&ba);
	unload(&a);
	unload(&b);
	return status;
}
