/*
 * Diagnostics of a configuration load: a list of {file, line, severity, message} that a
 * caller prints as "file:line: error: message" (ikegwd --check, ikegwctl check, reload).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void config_diag_init(struct config_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void config_diag_clear(struct config_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_entries; i++) {
		free(d->entries[i].file);
		free(d->entries[i].message);
	}
	free(d->entries);
	config_diag_init(d);
}

int config_diag_add(struct config_diag *d, const char *file, unsigned line,
		    enum config_severity sev, const char *fmt, ...)
{
	struct config_diag_entry *e;
	va_list ap;
	char *msg;
	int n;

	if (!d)
		return 0;
	if (sev == CONFIG_SEV_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	if (d->n_entries >= CONFIG_DIAG_MAX) {
		d->truncated = true;
		return 0;
	}
	if (d->n_entries == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct config_diag_entry *ne = realloc(d->entries, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		d->entries = ne;
		d->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	e = &d->entries[d->n_entries];
	e->file = strdup(file ? file : "");
	if (!e->file) {
		free(msg);
		return -ENOMEM;
	}
	e->line = line;
	e->severity = sev;
	e->message = msg;
	d->n_entries++;
	return 0;
}

int config_diag_format(const struct config_diag_entry *e, char *buf, size_t len)
{
	const char *sev = e->severity == CONFIG_SEV_ERROR ? "error" : "warning";

	if (e->line)
		return snprintf(buf, len, "%s:%u: %s: %s", e->file, e->line, sev, e->message);
	return snprintf(buf, len, "%s: %s: %s", e->file, sev, e->message);
}

int config_diag_print(const struct config_diag *d, FILE *f)
{
	for (size_t i = 0; i < d->n_entries; i++) {
		const struct config_diag_entry *e = &d->entries[i];
		const char *sev = e->severity == CONFIG_SEV_ERROR ? "error" : "warning";
		int r;

		if (e->line)
			r = fprintf(f, "%s:%u: %s: %s\n", e->file, e->line, sev, e->message);
		else
			r = fprintf(f, "%s: %s: %s\n", e->file, sev, e->message);
		if (r < 0)
			return -EIO;
	}
	if (d->truncated &&
	    fprintf(f, "(more than %d problems: the rest are not shown)\n", CONFIG_DIAG_MAX) < 0)
		return -EIO;
	return 0;
}
