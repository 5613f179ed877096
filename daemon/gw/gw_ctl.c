/*
 * ikegwd's control commands (product.md's IOS words) on the ctl/ server: the show commands'
 * JSON from gw_show.c, and the actions (clear, reload, debug) answered with {"message": ...};
 * clear and undebug act on both engines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ctl.h"
#include "gw_internal.h"

static int link_of(void *ctx, const char *name, struct vti_link_info *ret)
{
	struct gw *gw = ctx;

	return kernel_tunnel_link(gw->kernel, name, ret, NULL);
}

static void show_ctx(struct gw *gw, struct gw_show_ctx *c)
{
	gw_show_ctx_init(gw, c);
	c->link = link_of;
	c->link_ctx = gw;
}

/* show_ctx with the per-peer counters (IKE sent, nftables), freed by counters_done(). */
static void show_ctx_counters(struct gw *gw, struct gw_show_ctx *c)
{
	struct gw_peer_counters *v = NULL;
	size_t n = 0;

	show_ctx(gw, c);
	if (gw_peers_read(gw, &v, &n) == 0) {
		c->peers = v;
		c->n_peers = n;
	}
}

static void counters_done(struct gw_show_ctx *c)
{
	free((void *)c->peers);
	c->peers = NULL;
	c->n_peers = 0;
}

static int usage(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%% Invalid input: %s", what);
	return CTL_STATUS_USAGE;
}

static int result(struct json_object *o, struct json_object **ret)
{
	if (!o)
		return -ENOMEM;
	*ret = o;
	return 0;
}

/* A show command's result: with --export-keys on, "key_export": DIR at its top level. */
static int show_result(struct gw *gw, struct json_object *o, struct json_object **ret)
{
	const char *dir = gw_key_export_dir(gw);

	if (o && dir)
		json_object_object_add(o, "key_export", json_object_new_string(dir));
	return result(o, ret);
}

static int message(struct json_object **ret, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int message(struct json_object **ret, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char buf[256];
	va_list ap;

	if (!o)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "message", json_object_new_string(buf));
	*ret = o;
	return 0;
}

/* `show crypto ipsec sa [interface TunnelN]` ("Tunnel 1" may come as two words). */
static int h_ipsec_sa(void *userdata, const struct ctl_request *req, struct json_object **ret,
		      char *err, size_t errlen)
{
	struct gw *gw = userdata;
	char name[64] = "";
	struct gw_show_ctx c;
	struct json_object *o;
	bool unknown;

	if (req->n_args > 0) {
		if (!ctl_word_is(req->args[0], "interface") || req->n_args < 2 || req->n_args > 3)
			return usage(err, errlen, "show crypto ipsec sa [interface TunnelN]");
		snprintf(name, sizeof(name), "%s%s%s", req->args[1], req->n_args == 3 ? " " : "",
			 req->n_args == 3 ? req->args[2] : "");
	}
	show_ctx_counters(gw, &c);
	o = gw_show_ipsec_sa(&c, name[0] ? name : NULL, &unknown);
	counters_done(&c);
	if (unknown) {
		snprintf(err, errlen, "%% %s is not a tunnel interface of this configuration",
			 name);
		return CTL_STATUS_FAILED;
	}
	return show_result(gw, o, ret);
}

/* `show crypto ikev2 sa [detail]` / `show crypto isakmp sa [detail]`: is "detail" asked for? */
static bool detail_arg(const struct ctl_request *req, bool *ret_detail)
{
	*ret_detail = req->n_args == 1 && ctl_word_is(req->args[0], "detail");
	return req->n_args == 0 || *ret_detail;
}

static int h_ikev2_sa(void *userdata, const struct ctl_request *req, struct json_object **ret,
		      char *err, size_t errlen)
{
	struct gw *gw = userdata;
	struct gw_show_ctx c;
	bool detail;

	if (!detail_arg(req, &detail))
		return usage(err, errlen, "show crypto ikev2 sa [detail]");
	show_ctx(gw, &c);
	return show_result(gw, gw_show_ikev2_sa(&c, detail), ret);
}

static int h_isakmp_sa(void *userdata, const struct ctl_request *req, struct json_object **ret,
		       char *err, size_t errlen)
{
	struct gw *gw = userdata;
	struct gw_show_ctx c;
	bool detail;

	if (!detail_arg(req, &detail))
		return usage(err, errlen, "show crypto isakmp sa [detail]");
	show_ctx(gw, &c);
	return show_result(gw, gw_show_isakmp_sa(&c, detail), ret);
}

static int h_session(void *userdata, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	struct gw *gw = userdata;
	struct gw_show_ctx c;
	struct json_object *o;

	if (req->n_args > 1 || (req->n_args == 1 && !ctl_word_is(req->args[0], "detail")))
		return usage(err, errlen, "show crypto session [detail]");
	show_ctx_counters(gw, &c);
	c.diag = &gw->diag; /* each look is compared with the previous one */
	o = gw_show_session(&c);
	counters_done(&c);
	return show_result(gw, o, ret);
}

/* `metrics [prometheus]`: OpenMetrics text, or the Prometheus text format (docs/operations.md,
 * "Metrics"). */
static int h_metrics(void *userdata, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	struct gw *gw = userdata;
	struct gw_show_ctx c;
	struct json_object *o;
	bool prometheus = req->n_args == 1 && ctl_word_is(req->args[0], "prometheus");

	if (req->n_args > 1 || (req->n_args == 1 && !prometheus))
		return usage(err, errlen, "metrics [prometheus]");
	show_ctx_counters(gw, &c);
	o = gw_show_metrics(&c, prometheus);
	counters_done(&c);
	return result(o, ret);
}

static int h_profile(void *userdata, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "show crypto ikev2 profile");
	return result(gw_show_ikev2_profiles(gw->cfg), ret);
}

static int h_isakmp_profile(void *userdata, const struct ctl_request *req, struct json_object **ret,
			    char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "show crypto isakmp profile");
	return result(gw_show_isakmp_profiles(gw->cfg), ret);
}

static int h_pki(struct gw *gw, const struct ctl_request *req, struct json_object **ret, char *err,
		 size_t errlen, bool certificates)
{
	if (req->n_args)
		return usage(err, errlen, "show crypto pki certificates|trustpoints");
	return result(gw_show_pki(gw->pki, certificates), ret);
}

static int h_pki_certs(void *userdata, const struct ctl_request *req, struct json_object **ret,
		       char *err, size_t errlen)
{
	return h_pki(userdata, req, ret, err, errlen, true);
}

static int h_pki_tps(void *userdata, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	return h_pki(userdata, req, ret, err, errlen, false);
}

/* `clear crypto sa [peer ADDR]`, `clear crypto session [remote|peer ADDR]`. */
static int clear(struct gw *gw, const struct ctl_request *req, struct json_object **ret, char *err,
		 size_t errlen, const char *kw, const char *syntax)
{
	struct config_addr peer = { 0 };
	size_t n;

	if (req->n_args == 2 &&
	    (ctl_word_is(req->args[0], kw) || ctl_word_is(req->args[0], "peer"))) {
		if (inet_pton(AF_INET, req->args[1], &peer.v4) == 1)
			peer.family = AF_INET;
		else if (inet_pton(AF_INET6, req->args[1], &peer.v6) == 1)
			peer.family = AF_INET6;
		else
			return usage(err, errlen, syntax);
	} else if (req->n_args != 0) {
		return usage(err, errlen, syntax);
	}
	/* ISAKMP SAs and IKEv2 SAs together, as IOS clears both */
	n = ikev1_clear(gw->ikev1, peer.family ? &peer : NULL);
	n += ikev2_clear(gw->ikev2, peer.family ? &peer : NULL);
	gw_after_event(gw);
	if (peer.family)
		return message(ret, "cleared %zu IKE SAs of peer %s", n, req->args[1]);
	return message(ret, "cleared %zu IKE SAs", n);
}

static int h_clear_sa(void *userdata, const struct ctl_request *req, struct json_object **ret,
		      char *err, size_t errlen)
{
	return clear(userdata, req, ret, err, errlen, "peer", "clear crypto sa [peer ADDR]");
}

static int h_clear_session(void *userdata, const struct ctl_request *req, struct json_object **ret,
			   char *err, size_t errlen)
{
	return clear(userdata, req, ret, err, errlen, "remote",
		     "clear crypto session [remote ADDR]");
}

static int h_reload(void *userdata, const struct ctl_request *req, struct json_object **ret,
		    char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "reload");
	if (gw_reload(gw, err, errlen) < 0)
		return CTL_STATUS_FAILED;
	return message(ret, "configuration %s reloaded: %zu tunnels", gw->config_path,
		       gw->cfg->n_tunnels);
}

static int h_debug_ikev2(void *userdata, const struct ctl_request *req, struct json_object **ret,
			 char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "debug crypto ikev2");
	ikev2_set_debug(gw->ikev2, true);
	return message(ret, "IKEv2 debugging is on");
}

static int h_debug_isakmp(void *userdata, const struct ctl_request *req, struct json_object **ret,
			  char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "debug crypto isakmp");
	ikev1_set_debug(gw->ikev1, true);
	return message(ret, "Crypto ISAKMP debugging is on");
}

static int h_debug_ipsec(void *userdata, const struct ctl_request *req, struct json_object **ret,
			 char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "debug crypto ipsec");
	gw->debug_ipsec = true;
	return message(ret, "Crypto IPSEC debugging is on");
}

static int h_debug_pki(void *userdata, const struct ctl_request *req, struct json_object **ret,
		       char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "debug crypto pki");
	ikev1_set_debug_pki(gw->ikev1, true);
	ikev2_set_debug_pki(gw->ikev2, true);
	return message(ret, "Crypto PKI debugging is on");
}

static int h_undebug(void *userdata, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	struct gw *gw = userdata;

	if (req->n_args)
		return usage(err, errlen, "undebug all");
	ikev1_set_debug(gw->ikev1, false);
	ikev2_set_debug(gw->ikev2, false);
	gw->debug_ipsec = false;
	ikev1_set_debug_pki(gw->ikev1, false);
	ikev2_set_debug_pki(gw->ikev2, false);
	return message(ret, "All possible debugging has been turned off");
}

static const struct ctl_command commands[] = {
	{ "show crypto ipsec sa", h_ipsec_sa, "IPsec SAs and packet counters per tunnel" },
	{ "show crypto ikev2 sa", h_ikev2_sa, "IKEv2 SAs [detail]" },
	{ "show crypto isakmp sa", h_isakmp_sa, "IKEv1 (ISAKMP) SAs [detail]" },
	{ "show crypto session", h_session, "tunnel sessions" },
	{ "show crypto ikev2 profile", h_profile, "IKEv2 profiles in definition order" },
	{ "show crypto isakmp profile", h_isakmp_profile, "ISAKMP profiles in definition order" },
	{ "show crypto pki certificates", h_pki_certs, "certificates in store order" },
	{ "show crypto pki trustpoints", h_pki_tps, "trust-points" },
	{ "clear crypto sa", h_clear_sa, "delete IKE and IPsec SAs [peer ADDR]" },
	{ "clear crypto session", h_clear_session, "delete sessions [remote ADDR]" },
	{ "reload", h_reload, "re-read the configuration file" },
	{ "metrics", h_metrics, "counters as OpenMetrics text [prometheus: text format 0.0.4]" },
	{ "debug crypto ikev2", h_debug_ikev2, "IKEv2 debug lines on" },
	{ "debug crypto isakmp", h_debug_isakmp, "IKEv1 (ISAKMP) debug lines on" },
	{ "debug crypto ipsec", h_debug_ipsec, "IPsec SA install/delete lines on" },
	{ "debug crypto pki", h_debug_pki, "certificate selection/validation lines on" },
	{ "undebug all", h_undebug, "all debugging off" },
};

int gw_ctl_open(struct gw *gw, const char *path, char *err, size_t errlen)
{
	int r = ctl_server_new(gw->ev, path, commands, sizeof(commands) / sizeof(commands[0]), gw,
			       &gw->ctl);

	if (r < 0)
		snprintf(err, errlen, "control socket %s: %s", path, strerror(-r));
	return r;
}

void gw_ctl_close(struct gw *gw)
{
	ctl_server_free(gw->ctl);
	gw->ctl = NULL;
}
