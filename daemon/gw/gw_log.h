/*
 * ikegwd's log: the journal (sd_journal_sendv with TUNNEL=, PEER=, IKE_SPI=, PROFILE= and, for
 * catalogued events, MESSAGE_ID=) or stderr in -d mode. The catalog of event ids is
 * docs/journal-catalog.md; ids never change once published.
 */
#ifndef IKEGW_GW_LOG_H
#define IKEGW_GW_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

/* Journal fields of one entry; NULL when unknown. */
struct gw_log_fields {
	const char *tunnel;  /* TUNNEL=Tunnel1 */
	const char *peer;    /* PEER=192.168.0.2 */
	const char *profile; /* PROFILE=... */
	const char *ike_spi; /* IKE_SPI=ispi/rspi */
	const char *event;   /* catalog event name -> MESSAGE_ID= */
};

struct gw_logger {
	bool to_stderr; /* -d: one line per entry on stream (stderr when NULL) */
	FILE *stream;
	/* Tests: called for every entry in addition to the output above. */
	void (*hook)(void *ctx, int priority, const struct gw_log_fields *f, const char *text);
	void *hook_ctx;
};

/* The 32-hex-digit MESSAGE_ID of a catalogued event, NULL for other names. */
const char *gw_catalog_id(const char *event);

/* priority: LOG_ERR .. LOG_DEBUG. f may be NULL. */
void gw_log(const struct gw_logger *l, int priority, const struct gw_log_fields *f, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));

#endif /* IKEGW_GW_LOG_H */
