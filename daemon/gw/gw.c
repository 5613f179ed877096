/*
 * ikegwd's runtime (gw.h): the sd-event loop and the glue around the IKE engines (IKEv1 and
 * IKEv2, one shared environment: clock, randomness, transport, kernel ops, journal) — datagrams
 * to the engine of their version, one timer for both, xfrm events to the engine that owns the
 * SA or tunnel, signals, sd_notify, start-up, reload and shutdown.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>
#include <systemd/sd-daemon.h>

#include "gw_internal.h"
#include "gw_keyexport.h"
#include "ike_sim.h"

#define GW_TIMER_ACCURACY_US 1000
/* ISAKMP / IKE header (RFC 2408 3.1, RFC 7296 3.1): 28 octets, the version at offset 17 with
 * the major version in its high nibble. */
#define GW_IKE_HDR_LEN 28
#define GW_IKE_VERSION_OFFSET 17

uint64_t gw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- configuration ---- */

int gw_config_load(const char *path, struct config **ret_cfg, struct pki_store **ret_store,
		   struct config_diag *diag)
{
	struct pki_store *store = NULL;
	struct config *cfg = NULL;
	int r;

	*ret_cfg = NULL;
	*ret_store = NULL;
	r = config_load_file(path, &cfg, diag);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	r = ike_check_pki(cfg, diag, &store);
	if (r == 0)
		r = ike_check_warnings(cfg, store, diag);
	ike_diag_sort(diag);
	if (r < 0) {
		pki_store_free(store);
		config_free(cfg);
		return r == -ENOMEM ? r : -EINVAL;
	}
	*ret_cfg = cfg;
	*ret_store = store;
	return 0;
}

static void log_diag(struct gw *gw, const struct config_diag *d)
{
	for (size_t i = 0; i < d->n_entries; i++) {
		char line[1024];

		config_diag_format(&d->entries[i], line, sizeof(line));
		gw_log(&gw->log, d->entries[i].severity == CONFIG_SEV_ERROR ? LOG_ERR : LOG_WARNING,
		       NULL, "%s", line);
	}
}

/* ---- the engine's environment ---- */

static uint64_t env_now(void *ctx)
{
	return gw_now();
}

static int env_random(void *ctx, void *buf, size_t len)
{
	if (len > INT32_MAX || RAND_bytes(buf, (int)len) != 1)
		return -EIO;
	return 0;
}

static int env_send(void *ctx, const struct ike_path *path, const void *buf, size_t len)
{
	struct gw *gw = ctx;
	int r = gw_transport_send(gw->transport, path, buf, len);

	if (r == 0)
		gw_peers_count_tx(&gw->peers, &path->remote, len);
	return r;
}

static int env_send_keepalive(void *ctx, const struct ike_path *path)
{
	struct gw *gw = ctx;

	return gw_transport_send_keepalive(gw->transport, path);
}

static void env_log(void *ctx, const struct ike_log_entry *e)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
	struct gw *gw = ctx;
	struct gw_log_fields f = {
		.tunnel = e->tunnel,
		.peer = e->peer,
		.profile = e->profile,
		.ike_spi = e->ike_spi,
		.event = e->event,
	};

	gw_log(&gw->log, (unsigned)e->level < 5 ? prio[e->level] : LOG_DEBUG, &f, "%s",
	       e->text ? e->text : "");
}

/* ---- key export (--export-keys) ---- */

static void env_export_keys(void *ctx, const struct ike_key_export *k)
{
	struct gw *gw = ctx;
	char err[512] = "";

	if (!gw->keyx)
		return;
	if (gw_keyexport_write(gw->keyx, k, err, sizeof(err)) < 0)
		gw_log(&gw->log, LOG_WARNING, NULL, "key export: %s: not exported", err);
}

const char *gw_key_export_dir(const struct gw *gw)
{
	return gw->keyx ? gw_keyexport_dir(gw->keyx) : NULL;
}

static void key_export_warn(struct gw *gw)
{
	if (gw->keyx)
		gw_log(&gw->log, LOG_WARNING, &(struct gw_log_fields){ .event = "key-export-on" },
		       "key export to %s is ON: anyone who can read it can decrypt this "
		       "gateway's traffic",
		       gw_keyexport_dir(gw->keyx));
}

/* ---- timer and status ---- */

static int timer_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct gw *gw = userdata;

	ikev1_run_timers(gw->ikev1);
	ikev2_run_timers(gw->ikev2);
	gw_after_event(gw);
	return 0;
}

static void timer_rearm(struct gw *gw)
{
	uint64_t next = gw->ikev2 ? ikev2_next_timeout(gw->ikev2) : UINT64_MAX;

	if (gw->ikev1) {
		uint64_t v1 = ikev1_next_timeout(gw->ikev1);

		next = v1 < next ? v1 : next;
	}

	if (!gw->timer)
		return;
	if (next == UINT64_MAX) {
		sd_event_source_set_enabled(gw->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(gw->timer, next);
	sd_event_source_set_enabled(gw->timer, SD_EVENT_ONESHOT);
}

void gw_show_ctx_init(struct gw *gw, struct gw_show_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->cfg = gw->cfg;
	c->ikev1 = gw->ikev1;
	c->ikev2 = gw->ikev2;
	c->kops = gw->kernel ? kernel_ike_ops(gw->kernel) : NULL;
	c->pki = gw->pki;
	c->now_us = gw_now();
	c->rx_bad_version = gw->rx_bad_version;
	c->reloads_ok = gw->reloads_ok;
	c->reloads_failed = gw->reloads_failed;
}

static void status_update(struct gw *gw)
{
	struct gw_show_ctx c;
	size_t up, n, sas;
	char status[sizeof(gw->status)];

	gw_show_ctx_init(gw, &c);
	gw_show_counts(&c, &up, &n, &sas);
	snprintf(status, sizeof(status), "%zu/%zu tunnels up, %zu IKE SAs%s%s%s", up, n, sas,
		 gw->keyx ? "; KEY EXPORT ON to " : "", gw->keyx ? gw_keyexport_dir(gw->keyx) : "",
		 gw->keyx ? " (anyone who can read it can decrypt this gateway's traffic)" : "");
	if (strcmp(status, gw->status) == 0)
		return;
	memcpy(gw->status, status, sizeof(status));
	sd_notifyf(0, "STATUS=%s", status);
}

void gw_after_event(struct gw *gw)
{
	timer_rearm(gw);
	status_update(gw);
}

/* ---- inputs ---- */

/* Neither IKEv1 nor IKEv2: counted; logged at debug level at most once a second (junk sent
 * to UDP 500 must not flood the journal). */
static void drop_bad_version(struct gw *gw, const struct ike_path *path, size_t len)
{
	uint64_t now = gw_now();
	char peer[CONFIG_ADDR_STRLEN];

	gw->rx_bad_version++;
	if (gw->bad_version_logged_us && now - gw->bad_version_logged_us < 1000000u)
		return;
	gw->bad_version_logged_us = now;
	config_addr_str(&path->remote, peer, sizeof(peer));
	gw_log(&gw->log, LOG_DEBUG, &(struct gw_log_fields){ .peer = peer },
	       "dropped a %zu-byte datagram from %s port %u: %s (%" PRIu64 " so far)", len, peer,
	       path->remote_port,
	       len < GW_IKE_HDR_LEN ? "shorter than an IKE header"
				    : "major version neither 1 (IKEv1) nor 2 (IKEv2)",
	       gw->rx_bad_version);
}

static void transport_recv(void *userdata, const struct ike_path *path, const uint8_t *buf,
			   size_t len)
{
	struct gw *gw = userdata;
	uint8_t major = len >= GW_IKE_HDR_LEN ? buf[GW_IKE_VERSION_OFFSET] >> 4 : 0;

	gw_peers_count_rx(&gw->peers, &path->remote, len);
	switch (major) {
	case 1:
		ikev1_input(gw->ikev1, path, buf, len);
		break;
	case 2:
		ikev2_input(gw->ikev2, path, buf, len);
		break;
	default:
		drop_bad_version(gw, path, len);
		return;
	}
	gw_after_event(gw);
}

static void addr_of_xfrm(int family, const union xfrm_ip *ip, struct config_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->family = family;
	if (family == AF_INET)
		ret->v4 = ip->v4;
	else
		ret->v6 = ip->v6;
}

static void ev_acquire(const struct xfrm_acquire *acq, void *userdata)
{
	struct gw *gw = userdata;
	uint32_t tunnel;

	if (!kernel_tunnel_of_id(acq->reqid, &tunnel) &&
	    !kernel_tunnel_of_id(acq->mark.v & acq->mark.m, &tunnel))
		return;
	if (ikev1_owns_tunnel(gw->ikev1, tunnel))
		ikev1_kernel_acquire(gw->ikev1, tunnel);
	else
		ikev2_kernel_acquire(gw->ikev2, tunnel);
}

/* The engine whose SA it is: IKEv1 says so, otherwise it is IKEv2's (or no one's). */
static void engines_expire(struct gw *gw, const struct config_addr *dst, uint32_t spi, bool hard)
{
	if (!ikev1_kernel_expire(gw->ikev1, dst, spi, hard))
		ikev2_kernel_expire(gw->ikev2, dst, spi, hard);
}

static void ev_expire(const struct xfrm_sa_info *sa, bool hard, void *userdata)
{
	struct gw *gw = userdata;
	struct config_addr dst;

	if (!kernel_tunnel_of_id(sa->reqid, NULL) || sa->proto != IPPROTO_ESP)
		return;
	addr_of_xfrm(sa->family, &sa->dst, &dst);
	engines_expire(gw, &dst, sa->spi, hard);
}

/* Someone else (ip xfrm, a script) deleted one of our SAs: for the engine it is gone. */
static void ev_sa_deleted(const struct xfrm_sa_info *sa, bool own, void *userdata)
{
	struct gw *gw = userdata;
	struct config_addr dst;
	uint32_t tunnel;
	char name[24];

	if (own || !kernel_tunnel_of_id(sa->reqid, &tunnel) || sa->proto != IPPROTO_ESP)
		return;
	snprintf(name, sizeof(name), "Tunnel%u", tunnel);
	gw_log(&gw->log, LOG_WARNING, &(struct gw_log_fields){ .tunnel = name },
	       "SA 0x%08x was deleted outside ikegwd", sa->spi);
	addr_of_xfrm(sa->family, &sa->dst, &dst);
	engines_expire(gw, &dst, sa->spi, true);
}

static int xfrm_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct gw *gw = userdata;
	int r = xfrm_events_dispatch(gw->xev);

	if (r == -ENOBUFS)
		gw_log(&gw->log, LOG_WARNING, NULL, "xfrm events were lost (socket overrun)");
	else if (r == -EBADMSG)
		gw_log(&gw->log, LOG_WARNING, NULL, "a malformed xfrm event was skipped");
	gw_after_event(gw);
	return 0;
}

/* ---- signals ---- */

static int sig_cb(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct gw *gw = userdata;

	if (si->ssi_signo == SIGHUP) {
		gw_reload(gw, NULL, 0);
		return 0;
	}
	gw_log(&gw->log, LOG_NOTICE, &(struct gw_log_fields){ .event = "daemon-stopping" },
	       "%s: deleting our SAs and tunnels, exiting", strsignal((int)si->ssi_signo));
	gw_exit(gw, 0);
	return 0;
}

static int signals_setup(struct gw *gw)
{
	static const int sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	sigset_t ss;
	int r;

	sigemptyset(&ss);
	for (int i = 0; i < 3; i++)
		sigaddset(&ss, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
		return -errno;
	for (int i = 0; i < 3; i++) {
		r = sd_event_add_signal(gw->ev, &gw->sig[i], sigs[i], sig_cb, gw);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- reload ---- */

static void held_free(struct gw *gw)
{
	pki_store_free(gw->held_pki);
	config_free(gw->held_cfg);
	gw->held_pki = NULL;
	gw->held_cfg = NULL;
}

/*
 * Both engines on cfg, or (-errno) both still on the running configuration: when IKEv1 refuses
 * cfg, IKEv2 is put back. Should that fail too (out of memory), IKEv2 stays on cfg and
 * *ret_held says the caller must keep cfg and store alive (gw->held_*).
 */
static int engines_set_config(struct gw *gw, const struct config *cfg,
			      const struct pki_store *store, bool *ret_held)
{
	int r, r2;

	*ret_held = false;
	r = ikev2_set_config(gw->ikev2, cfg, store);
	if (r < 0)
		return r;
	r = ikev1_set_config(gw->ikev1, cfg, store);
	if (r < 0) {
		r2 = ikev2_set_config(gw->ikev2, gw->cfg, gw->pki);
		if (r2 < 0) {
			gw_log(&gw->log, LOG_ERR, NULL,
			       "IKEv2 could not return to the running configuration: %s; it runs "
			       "on the rejected one until the next reload",
			       strerror(-r2));
			*ret_held = true;
		}
	}
	return r;
}

int gw_reload(struct gw *gw, char *err, size_t errlen)
{
	struct config_diag diag;
	struct pki_store *store = NULL;
	struct config *cfg = NULL;
	struct gw_tunnel *next = NULL;
	size_t n_next = 0;
	bool held = false;
	int r;

	if (gw->stopping)
		return -ESHUTDOWN;
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)gw_now());
	key_export_warn(gw);
	config_diag_init(&diag);
	r = gw_config_load(gw->config_path, &cfg, &store, &diag);
	if (r < 0) {
		char first[512] = "";

		/* the catalogued entry names the first error (file:line) itself */
		for (size_t i = 0; i < diag.n_entries && !first[0]; i++)
			if (diag.entries[i].severity == CONFIG_SEV_ERROR)
				config_diag_format(&diag.entries[i], first, sizeof(first));
		log_diag(gw, &diag);
		gw_log(&gw->log, LOG_ERR, &(struct gw_log_fields){ .event = "config-rejected" },
		       "reload of %s rejected (%zu errors; first: %s); the running configuration "
		       "stays",
		       gw->config_path, diag.n_errors, first[0] ? first : strerror(-r));
		if (err && errlen) {
			snprintf(err, errlen,
				 "reload rejected, the running configuration stays: %s%s",
				 first[0] ? first : strerror(-r),
				 diag.n_errors > 1 ? " (and more errors, see the log)" : "");
		}
		config_diag_clear(&diag);
		gw->reloads_failed++;
		sd_notify(0, "READY=1");
		return r;
	}
	log_diag(gw, &diag); /* warnings */
	config_diag_clear(&diag);
	r = gw_tunnels_plan(gw, cfg, &next, &n_next);
	if (r == 0)
		r = engines_set_config(gw, cfg, store, &held);
	if (r < 0) {
		gw_tunnels_free(next, n_next);
		if (held) {
			held_free(gw);
			gw->held_cfg = cfg;
			gw->held_pki = store;
		} else {
			pki_store_free(store);
			config_free(cfg);
		}
		gw_log(&gw->log, LOG_ERR, &(struct gw_log_fields){ .event = "config-rejected" },
		       "reload of %s failed: %s; the running configuration stays", gw->config_path,
		       strerror(-r));
		if (err && errlen)
			snprintf(err, errlen, "reload failed: %s", strerror(-r));
		gw->reloads_failed++;
		sd_notify(0, "READY=1");
		return r;
	}
	/* The engines run on the new model now; bring the kernel along. */
	held_free(gw);
	gw_tunnels_diff(gw, next, n_next);
	for (size_t i = 0; i < gw->n_tunnels; i++) {
		const struct gw_tunnel *old = &gw->tunnels[i];
		bool kept = false;

		for (size_t j = 0; j < n_next && !kept; j++)
			kept = strcmp(next[j].iface->name, old->iface->name) == 0;
		if (!kept)
			gw_tunnel_destroy(gw, old);
	}
	gw_tunnels_free(gw->tunnels, gw->n_tunnels);
	pki_store_free(gw->pki);
	config_free(gw->cfg);
	gw->tunnels = next;
	gw->n_tunnels = n_next;
	gw->cfg = cfg;
	gw->pki = store;
	gw_nft_apply(gw);
	gw_log(&gw->log, LOG_NOTICE, &(struct gw_log_fields){ .event = "config-reloaded" },
	       "configuration %s reloaded: %zu tunnels", gw->config_path, cfg->n_tunnels);
	gw->reloads_ok++;
	sd_notify(0, "READY=1");
	gw_after_event(gw);
	return 0;
}

/* ---- life cycle ---- */

static int kernel_start(struct gw *gw, char *err, size_t errlen)
{
	struct kernel_flush_counts fc = { 0 };
	struct kernel_error kerr = { 0 };
	int r;

	r = kernel_open(&gw->kernel, &kerr);
	if (r < 0) {
		snprintf(err, errlen, "kernel probe failed: %s", kerr.msg);
		return r;
	}
	r = kernel_flush_owned(gw->kernel, &fc, &kerr);
	if (r < 0) {
		snprintf(err, errlen, "cannot remove what a previous run left: %s", kerr.msg);
		return r;
	}
	if (fc.links || fc.policies || fc.sas)
		gw_log(&gw->log, LOG_NOTICE, NULL,
		       "removed what a previous run left: %zu VTIs, %zu policies, %zu SAs",
		       fc.links, fc.policies, fc.sas);
	return 0;
}

static int events_start(struct gw *gw)
{
	static const struct xfrm_event_ops ops = {
		.acquire = ev_acquire,
		.expire = ev_expire,
		.sa_deleted = ev_sa_deleted,
	};
	int r;

	r = xfrm_events_open(&gw->xev, kernel_xfrm(gw->kernel), &ops, gw);
	if (r < 0)
		return r;
	r = sd_event_add_io(gw->ev, &gw->xev_src, xfrm_events_fd(gw->xev), EPOLLIN, xfrm_io, gw);
	if (r < 0)
		return r;
	return sd_event_add_time(gw->ev, &gw->timer, CLOCK_MONOTONIC, UINT64_MAX,
				 GW_TIMER_ACCURACY_US, timer_cb, gw);
}

int gw_new(const struct gw_options *o, struct config *cfg, struct pki_store *store, struct gw **ret,
	   char *err, size_t errlen)
{
	struct gw *gw = calloc(1, sizeof(*gw));
	const char *step;
	int r;

	if (!gw) {
		pki_store_free(store);
		config_free(cfg);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	gw->cfg = cfg;
	gw->pki = store;
	gw->log = o->log;
	gw->config_path = strdup(o->config_path);
	step = "sd_event_new";
	r = gw->config_path ? sd_event_new(&gw->ev) : -ENOMEM;
	if (r == 0 && !o->no_signals) {
		step = "signals";
		r = signals_setup(gw);
	}
	if (r == 0) {
		step = "watchdog";
		r = sd_event_set_watchdog(gw->ev, true);
	}
	if (r < 0)
		goto fail_step;
	if (o->export_keys_dir) {
		r = gw_keyexport_open(o->export_keys_dir, &gw->keyx, err, errlen);
		if (r < 0)
			goto fail;
		key_export_warn(gw);
	}
	r = kernel_start(gw, err, errlen);
	if (r < 0)
		goto fail;
	gw->env = (struct ike_env){
		.ctx = gw,
		.now = env_now,
		.random = env_random,
		.send = env_send,
		.send_keepalive = env_send_keepalive,
		.kernel = gw_debug_ipsec_ops(gw, kernel_ike_ops(gw->kernel)),
		.log = env_log,
		.export_keys = gw->keyx ? env_export_keys : NULL,
	};
	step = "tunnel plans";
	r = gw_tunnels_plan(gw, cfg, &gw->tunnels, &gw->n_tunnels);
	if (r < 0)
		goto fail_step;
	for (size_t i = 0; i < gw->n_tunnels; i++)
		gw_tunnel_build(gw, &gw->tunnels[i]);
	gw_nft_apply(gw);
	r = gw_transport_new(gw->ev, &o->transport, transport_recv, gw, &gw->transport, NULL, err,
			     errlen);
	if (r < 0)
		goto fail;
	step = "xfrm events";
	r = events_start(gw);
	if (r < 0)
		goto fail_step;
	step = "ikev2_new";
	r = ikev2_new(&gw->env, &gw->ikev2);
	if (r < 0)
		goto fail_step;
	step = "ikev1_new";
	r = ikev1_new(&gw->env, &gw->ikev1);
	if (r < 0)
		goto fail_step;
	step = "ikev2_set_config";
	r = ikev2_set_config(gw->ikev2, gw->cfg, gw->pki);
	if (r < 0)
		goto fail_step;
	step = "ikev1_set_config";
	r = ikev1_set_config(gw->ikev1, gw->cfg, gw->pki);
	if (r < 0)
		goto fail_step;
	if (o->ctl_path) {
		r = gw_ctl_open(gw, o->ctl_path, err, errlen);
		if (r < 0)
			goto fail;
	}
	gw_after_event(gw);
	gw_log(&gw->log, LOG_NOTICE, &(struct gw_log_fields){ .event = "daemon-ready" },
	       "ikegwd ready: %s, %zu tunnels", gw->config_path, cfg->n_tunnels);
	sd_notifyf(0, "READY=1\nSTATUS=%s", gw->status);
	*ret = gw;
	return 0;
fail_step:
	snprintf(err, errlen, "%s: %s", step, strerror(-r));
fail:
	/* Nothing of ours stays in the kernel when the daemon does not start. */
	if (gw->kernel) {
		kernel_flush_owned(gw->kernel, NULL, NULL);
		kernel_nft_remove(NULL);
	}
	gw_free(gw);
	return r;
}

int gw_run(struct gw *gw)
{
	int r = sd_event_loop(gw->ev);

	return r < 0 ? 1 : r;
}

void gw_exit(struct gw *gw, int status)
{
	struct kernel_error kerr = { 0 };

	if (gw->stopping)
		return;
	gw->stopping = true;
	sd_notify(0, "STOPPING=1");
	/* An empty configuration: the engines delete every SA (with Delete notifies). */
	if ((gw->ikev1 || gw->ikev2) &&
	    config_load_buffer("(shutdown)", NULL, "", 0, &gw->empty_cfg, NULL) == 0) {
		if (gw->ikev1)
			ikev1_set_config(gw->ikev1, gw->empty_cfg, NULL);
		if (gw->ikev2)
			ikev2_set_config(gw->ikev2, gw->empty_cfg, NULL);
	}
	if (gw->kernel) {
		if (kernel_flush_owned(gw->kernel, NULL, &kerr) < 0)
			gw_log(&gw->log, LOG_ERR, NULL, "teardown: %s", kerr.msg);
		if (kernel_nft_remove(&kerr) < 0)
			gw_log(&gw->log, LOG_ERR, NULL, "teardown: %s", kerr.msg);
	}
	for (size_t i = 0; i < gw->n_tunnels; i++)
		gw->tunnels[i].ready = false;
	if (gw->timer)
		sd_event_source_set_enabled(gw->timer, SD_EVENT_OFF);
	sd_event_exit(gw->ev, status);
}

void gw_free(struct gw *gw)
{
	if (!gw)
		return;
	gw_ctl_close(gw);
	ikev1_free(gw->ikev1);
	ikev2_free(gw->ikev2);
	sd_event_source_disable_unref(gw->timer);
	sd_event_source_disable_unref(gw->xev_src);
	xfrm_events_close(gw->xev);
	gw_transport_free(gw->transport);
	for (int i = 0; i < 3; i++)
		sd_event_source_disable_unref(gw->sig[i]);
	kernel_close(gw->kernel);
	gw_keyexport_close(gw->keyx);
	gw_tunnels_free(gw->tunnels, gw->n_tunnels);
	config_free(gw->empty_cfg);
	held_free(gw);
	gw_peers_free(&gw->peers);
	gw_diag_memory_clear(&gw->diag);
	pki_store_free(gw->pki);
	config_free(gw->cfg);
	sd_event_unref(gw->ev);
	free(gw->config_path);
	free(gw);
}

sd_event *gw_event(struct gw *gw)
{
	return gw->ev;
}

const struct config *gw_config(const struct gw *gw)
{
	return gw->cfg;
}

bool gw_tunnel_ready(const struct gw *gw, const char *name)
{
	for (size_t i = 0; i < gw->n_tunnels; i++)
		if (strcmp(gw->tunnels[i].iface->name, name) == 0)
			return gw->tunnels[i].ready;
	return false;
}
