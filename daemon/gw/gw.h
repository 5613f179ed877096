/*
 * ikegwd's runtime: one sd-event loop around the IKEv2 engine, the UDP transport, xfrm events,
 * one engine timer, signals (SIGHUP reload, SIGTERM/SIGINT teardown and exit), the control
 * socket, sd_notify; and the tunnels' kernel objects kept in step with the configuration.
 */
#ifndef IKEGW_GW_H
#define IKEGW_GW_H

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

#include "config.h"
#include "gw_log.h"
#include "gw_transport.h"
#include "pki.h"

#define GW_DEFAULT_CONFIG "/etc/ikegw/ikegw.conf"
#define GW_DEFAULT_SOCKET "/run/ikegw/ikegwd.sock"

struct gw_options {
	const char *config_path;
	const char *ctl_path; /* NULL: no control socket */
	struct gw_logger log; /* -d: log.to_stderr */
	struct gw_transport_config transport;
	bool no_signals; /* tests: do not block or handle SIGHUP/SIGTERM/SIGINT */
	/* --export-keys DIR: Wireshark decryption tables of every SA (gw_keyexport.h); NULL: off */
	const char *export_keys_dir;
};

/*
 * Loads a configuration and its PKI store as the daemon uses them: parser diagnostics, each
 * trust-point's file errors at its line, --check's warnings. Returns 0 (diag may hold
 * warnings), -EINVAL with the errors in diag, or -ENOMEM. *ret_store is NULL when the
 * configuration has no trust-point.
 */
int gw_config_load(const char *path, struct config **ret_cfg, struct pki_store **ret_store,
		   struct config_diag *diag);

struct gw;

/*
 * Takes cfg and store (freed by gw_free, also on failure). Probes the kernel (xfrm and
 * rtnetlink sockets), removes what a previous run left in our id range, creates the engine,
 * sets every tunnel up (a tunnel that fails is logged and stays down), opens the transport,
 * the xfrm event socket and the control socket, and sends READY=1. -errno with err filled
 * when the daemon cannot run.
 */
int gw_new(const struct gw_options *o, struct config *cfg, struct pki_store *store, struct gw **ret,
	   char *err, size_t errlen);
/* Runs the loop until SIGTERM/SIGINT (or gw_exit); returns the exit status. */
int gw_run(struct gw *gw);
/* Stops the loop: the engine's SAs deleted, our kernel objects removed, then status. */
void gw_exit(struct gw *gw, int status);
/* Engine and kernel objects freed; the kernel objects stay unless gw_run/gw_exit removed them. */
void gw_free(struct gw *gw);

/*
 * Re-reads the configuration file: on any error the running configuration stays and every
 * diagnostic is logged (and the first one is in err); otherwise the new one is swapped in and
 * the tunnels diffed: removed ones torn down, new or changed ones built, the others untouched.
 * 0 or -errno.
 */
int gw_reload(struct gw *gw, char *err, size_t errlen);

sd_event *gw_event(struct gw *gw);
const struct config *gw_config(const struct gw *gw);
/* Whether a tunnel's kernel objects were built (false: its setup failed; see the log). */
bool gw_tunnel_ready(const struct gw *gw, const char *name);

#endif /* IKEGW_GW_H */
