/*
 * Helpers shared by the configuration unit tests (see config_test.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_test.h"

static void print_diag(const struct config_diag *d)
{
	config_diag_print(d, stderr);
}

struct config *load_ok(const char *text)
{
	struct config_diag d;
	struct config *cfg = NULL;
	int r;

	config_diag_init(&d);
	r = config_load_buffer("test.conf", NULL, text, strlen(text), &cfg, &d);
	if (r != 0 || d.n_errors) {
		print_diag(&d);
		config_diag_clear(&d);
		fail_msg("configuration did not load (%d)", r);
	}
	config_diag_clear(&d);
	assert_non_null(cfg);
	return cfg;
}

struct config *load_file_ok(const char *path)
{
	struct config_diag d;
	struct config *cfg = NULL;
	int r;

	config_diag_init(&d);
	r = config_load_file(path, &cfg, &d);
	if (r != 0 || d.n_errors) {
		print_diag(&d);
		config_diag_clear(&d);
		fail_msg("%s did not load (%d)", path, r);
	}
	config_diag_clear(&d);
	assert_non_null(cfg);
	return cfg;
}

void expect_errors(const char *text, const char *const *expected)
{
	struct config_diag d;
	struct config *cfg = (struct config *)1;
	size_t n = 0;
	bool ok;
	int r;

	while (expected[n])
		n++;
	config_diag_init(&d);
	r = config_load_buffer("test.conf", NULL, text, strlen(text), &cfg, &d);
	ok = r == -EINVAL && cfg == NULL && d.n_entries == n && d.n_errors == n;
	for (size_t i = 0; ok && i < n; i++) {
		char buf[1200];

		snprintf(buf, sizeof(buf), "%u: %s", d.entries[i].line, d.entries[i].message);
		ok = strcmp(buf, expected[i]) == 0 && d.entries[i].severity == CONFIG_SEV_ERROR;
	}
	if (!ok) {
		fprintf(stderr, "--- expected (%zu):\n", n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%s\n", expected[i]);
		fprintf(stderr, "--- got (r=%d, %zu):\n", r, d.n_entries);
		for (size_t i = 0; i < d.n_entries; i++)
			fprintf(stderr, "%u: %s\n", d.entries[i].line, d.entries[i].message);
		config_diag_clear(&d);
		config_free(cfg == (struct config *)1 ? NULL : cfg);
		fail_msg("diagnostics differ");
	}
	config_diag_clear(&d);
}

char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

const char *addr_s(const struct config_addr *a)
{
	static char buf[4][CONFIG_ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return config_addr_str(a, buf[i], sizeof(buf[i]));
}

const char *prefix_s(const struct config_prefix *p)
{
	static char buf[4][CONFIG_ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return config_prefix_str(p, buf[i], sizeof(buf[i]));
}
