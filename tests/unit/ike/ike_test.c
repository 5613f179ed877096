/* Helpers of the ike unit tests: the PKI world with CRLs, fixture loading, trace capture and
 * line assertions (see ike_test.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_test.h"

void ike_test_init(struct ike_test *t)
{
	time_t last = tpki_time(2013, 6, 1, 0, 0, 0), next = tpki_time(2014, 6, 1, 0, 0, 0);

	memset(t, 0, sizeof(*t));
	assert_int_equal(tpki_world_init(&t->w), 0);
	t->crl1 = tpki_crl(t->w.ca1, t->w.ca1_key, NULL, 0, last, next);
	t->crl2 = tpki_crl(t->w.ca2, t->w.ca2_key, NULL, 0, last, next);
	assert_non_null(t->crl1);
	assert_non_null(t->crl2);
	assert_non_null(tpki_write_crl(&t->w.dir, "ca1.crl", t->crl1));
	assert_non_null(tpki_write_crl(&t->w.dir, "ca2.crl", t->crl2));
}

void ike_test_init_dir(struct ike_test *t)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(tpki_dir_init(&t->w.dir), 0);
}

void ike_test_free(struct ike_test *t)
{
	X509_CRL_free(t->crl1);
	X509_CRL_free(t->crl2);
	tpki_world_free(&t->w);
}

void ike_test_r1_ca1_newer(struct ike_test *t)
{
	struct tpki_cert_spec s = { .subject = TPKI_R1_SUBJECT,
				    .serial = 5,
				    .not_before = tpki_time(2013, 6, 17, 13, 30, 0),
				    .not_after = tpki_time(2014, 6, 17, 13, 30, 0),
				    .key_usage = TPKI_ROUTER_KU };
	X509 *x = tpki_cert(&s, t->w.r1_key, t->w.ca1, t->w.ca1_key);

	assert_non_null(x);
	assert_non_null(tpki_write_cert(&t->w.dir, "r1-ca1.pem", x));
	X509_free(x);
}

static struct config *load(struct ike_test *t, const char *name, const char *buf, size_t len)
{
	struct config_diag diag;
	struct config *cfg = NULL;
	int r;

	config_diag_init(&diag);
	r = config_load_buffer(name, t->w.dir.path, buf, len, &cfg, &diag);
	if (r != 0)
		config_diag_print(&diag, stderr);
	config_diag_clear(&diag);
	assert_int_equal(r, 0);
	return cfg;
}

struct config *ike_test_config(struct ike_test *t, const char *fixture, bool compat)
{
	static const char head[] = "crypto compat ios\n";
	char path[512], *buf;
	struct config *cfg;
	size_t len, off;
	FILE *f;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", IKE_FIXTURE_DIR, fixture);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz > 0);
	rewind(f);
	off = compat ? strlen(head) : 0;
	buf = malloc((size_t)sz + off + 1);
	assert_non_null(buf);
	memcpy(buf, head, off);
	len = fread(buf + off, 1, (size_t)sz, f);
	fclose(f);
	assert_int_equal(len, (size_t)sz);
	cfg = load(t, fixture, buf, len + off);
	free(buf);
	return cfg;
}

struct config *ike_test_config_text(struct ike_test *t, const char *name, const char *text)
{
	return load(t, name, text, strlen(text));
}

struct pki_store *ike_test_store(const struct config *cfg)
{
	struct pki_store *store = NULL;
	struct pki_error err;
	int r = ike_pki_load(cfg, &store, &err);

	if (r)
		fprintf(stderr, "pki: %s\n", err.msg);
	assert_int_equal(r, 0);
	return store;
}

static void add_line(void *ctx, const char *text)
{
	struct ike_test_lines *l = ctx;
	char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	assert_non_null(nv);
	l->v = nv;
	l->v[l->n] = strdup(text);
	assert_non_null(l->v[l->n]);
	l->n++;
}

void ike_test_lines_init(struct ike_test_lines *l)
{
	memset(l, 0, sizeof(*l));
	l->tr.line = add_line;
	l->tr.ctx = l;
}

void ike_test_lines_free(struct ike_test_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	ike_test_lines_init(l);
}

static void dump(char *const *lines, size_t n)
{
	fprintf(stderr, "---- trace (%zu lines)\n", n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%3zu %s\n", i, lines[i]);
}

void ike_assert_in_order(char *const *lines, size_t n, const char *const *expect, size_t ne)
{
	size_t i = 0;

	for (size_t e = 0; e < ne; e++) {
		while (i < n && strcmp(lines[i], expect[e]) != 0)
			i++;
		if (i == n) {
			dump(lines, n);
			fail_msg("expected line %zu not found in order: '%s'", e, expect[e]);
		}
		i++;
	}
}

void ike_assert_lines(char *const *lines, size_t n, const char *const *expect, size_t ne)
{
	for (size_t i = 0; i < n && i < ne; i++) {
		if (strcmp(lines[i], expect[i]) != 0) {
			dump(lines, n);
			fail_msg("line %zu: got '%s', expected '%s'", i, lines[i], expect[i]);
		}
	}
	if (n != ne) {
		dump(lines, n);
		fail_msg("got %zu lines, expected %zu", n, ne);
	}
}

bool ike_has_line(char *const *lines, size_t n, const char *line)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lines[i], line) == 0)
			return true;
	return false;
}

size_t ike_count_prefix(char *const *lines, size_t n, const char *prefix)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += strncmp(lines[i], prefix, strlen(prefix)) == 0;
	return c;
}
