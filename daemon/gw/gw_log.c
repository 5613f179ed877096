/*
 * ikegwd's log sink: journal entries with ikegw's fields, or plain lines on stderr in the
 * foreground (-d), and the table of catalogued events (docs/journal-catalog.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "gw_log.h"

static const struct {
	const char *event;
	const char *id;
} catalog[] = {
	{ "tunnel-up", "2e4a90f420bd487b8b177c8a23035ec4" },
	{ "tunnel-down", "52f974f9d92c4b20aa8527c28b8b8561" },
	{ "rekey", "7b5445329bbc41bb9a321327dbb9104c" },
	{ "auth-failed", "75c4b8caf2c848d9afdc90c4a80a7a9d" },
	{ "dpd-dead", "b74fcbec911c4023b4c2c9b1a7502c62" },
	{ "daemon-ready", "b9b72d0a8ba2437994f09614299b78e5" },
	{ "config-reloaded", "ed219eefcfbf4c0fbbfcfd75419c2590" },
	{ "config-rejected", "908c9733b7b4413884706ff5cd776485" },
	{ "tunnel-setup-failed", "b76c6ee7aaaa4b82b1d4787013623531" },
	{ "daemon-stopping", "01217d621287443cbaea1a38fe8ade1b" },
};

const char *gw_catalog_id(const char *event)
{
	if (!event)
		return NULL;
	for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
		if (strcmp(catalog[i].event, event) == 0)
			return catalog[i].id;
	return NULL;
}

static const char *level_name(int priority)
{
	switch (priority) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* "NAME=value" into buf and iov; 1 when added (v set), else 0. */
static size_t field(struct iovec *iov, char *buf, size_t size, const char *name, const char *v)
{
	int n;

	if (!v)
		return 0;
	n = snprintf(buf, size, "%s=%s", name, v);
	if (n < 0)
		return 0;
	iov->iov_base = buf;
	iov->iov_len = (size_t)n < size ? (size_t)n : size - 1;
	return 1;
}

void gw_log(const struct gw_logger *l, int priority, const struct gw_log_fields *f, const char *fmt,
	    ...)
{
	static const struct gw_log_fields none;
	char text[1024], msg[sizeof(text) + 8], fbuf[7][256], prio[16];
	struct iovec iov[8];
	const char *id;
	size_t n = 0;
	va_list ap;

	if (!f)
		f = &none;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (l->hook)
		l->hook(l->hook_ctx, priority, f, text);
	if (l->to_stderr) {
		FILE *out = l->stream ? l->stream : stderr;

		fprintf(out, "ikegwd: %s: %s%s%s\n", level_name(priority),
			f->tunnel ? f->tunnel : "", f->tunnel ? ": " : "", text);
		fflush(out);
		return;
	}
	id = gw_catalog_id(f->event);
	n += field(&iov[n], msg, sizeof(msg), "MESSAGE", text);
	snprintf(prio, sizeof(prio), "%d", priority);
	n += field(&iov[n], fbuf[0], sizeof(fbuf[0]), "PRIORITY", prio);
	n += field(&iov[n], fbuf[1], sizeof(fbuf[1]), "SYSLOG_IDENTIFIER", "ikegwd");
	n += field(&iov[n], fbuf[2], sizeof(fbuf[2]), "TUNNEL", f->tunnel);
	n += field(&iov[n], fbuf[3], sizeof(fbuf[3]), "PEER", f->peer);
	n += field(&iov[n], fbuf[4], sizeof(fbuf[4]), "PROFILE", f->profile);
	n += field(&iov[n], fbuf[5], sizeof(fbuf[5]), "IKE_SPI", f->ike_spi);
	n += field(&iov[n], fbuf[6], sizeof(fbuf[6]), "MESSAGE_ID", id);
	sd_journal_sendv(iov, (int)n);
}
