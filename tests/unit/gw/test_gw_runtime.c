/*
 * ikegwd's runtime over the fake engines (IKEv1 and IKEv2), in a fresh network namespace (needs
 * root): start-up (both engines configured, our nftables table), datagrams to the engine of
 * their IKE version (others dropped), both engines' timers, SIGHUP and `reload` with a broken
 * file (the running configuration stays, diagnostics with file:line) and with a good one
 * (swapped, both engines reconfigured), show, clear and debug over the control socket, and
 * SIGTERM (engines emptied, our policies and nftables table removed). And the operator's
 * counters end to end: IKE sent to and received from a tunnel's peer, counted by ikegwd and by
 * our nftables table (kept across the table's replacement at a reload) in `show crypto ipsec
 * sa`, `metrics` and `show crypto session`'s diagnosis.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "ctl.h"
#include "fake_ikev1.h"
#include "fake_ikev2.h"
#include "gw_internal.h"

static char dir[] = "/tmp/ikegw-gw-test.XXXXXX";
static char conf_path[128], sock_path[128];
static char logbuf[16384];

static void log_hook(void *ctx, int prio, const struct gw_log_fields *f, const char *text)
{
	size_t n = strlen(logbuf);

	snprintf(logbuf + n, sizeof(logbuf) - n, "%s\n", text);
}

static void write_conf(const char *text)
{
	char tmp[160];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", conf_path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, conf_path), 0); /* as an editor saves: atomically */
}

static bool sh_has(const char *cmd, const char *needle)
{
	char out[8192];
	size_t n = 0, r;
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	while (n + 1 < sizeof(out) && (r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	pclose(p);
	return strstr(out, needle) != NULL;
}

/* Runs the loop until *done or 2 s pass. */
static void pump_until(struct gw *gw, const volatile bool *done)
{
	for (int i = 0; i < 200 && !*done; i++)
		sd_event_run(gw_event(gw), 10000);
}

/* ---- control client in a thread, while the test runs the loop ---- */

struct call {
	const char *argv[8];
	size_t n;
	struct json_object *resp;
	int r;
	volatile bool done;
};

static void *call_thread(void *arg)
{
	struct call *c = arg;

	int fd = -1;

	c->r = ctl_client_connect(sock_path, 5000, &fd);
	if (c->r == 0)
		c->r = ctl_client_call(fd, c->argv, c->n, 5000, &c->resp);
	if (fd >= 0)
		close(fd);
	c->done = true;
	return NULL;
}

static struct json_object *ctl(struct gw *gw, struct call *c)
{
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, call_thread, c), 0);
	pump_until(gw, &c->done);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(c->r, 0);
	return c->resp;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

/* ---- the test ---- */

static int setup(void **state)
{
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (this test needs root)\n",
			strerror(errno));
		return -1;
	}
	if (system("ip link set lo up") != 0 || !mkdtemp(dir))
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/gw.conf", dir);
	snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void send_udp(const char *dst, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, dst, &to.sin_addr);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
	close(fd);
}

static void pump_count(struct gw *gw, const size_t *counter, size_t want)
{
	for (int i = 0; i < 200 && *counter < want; i++)
		sd_event_run(gw_event(gw), 10000);
}

/* An IKE header (28 octets, RFC 2408 3.1 / RFC 7296 3.1) with this version octet; behind
 * the 4-octet non-ESP marker when natt. Returns the length. */
static size_t ike_datagram(uint8_t *buf, uint8_t version, bool natt)
{
	size_t off = natt ? 4 : 0;

	memset(buf, 0, 32);
	memcpy(buf + off, "SPI-INIT", 8);
	buf[off + 16] = 33;	 /* next payload: SA */
	buf[off + 17] = version; /* major << 4 | minor */
	buf[off + 27] = 28;	 /* length */
	return off + 28;
}

/* Every datagram goes to the engine of its major version; others are dropped, counted. */
static void datagrams_by_version(struct gw *gw)
{
	uint8_t b[32];
	size_t n, runs1, runs2;

	/* IKEv2 on the NAT-T port: to ikev2_input only, without the marker */
	fake.next_timeout = gw_now() + 30000;
	n = ike_datagram(b, 0x20, true);
	send_udp("127.0.0.1", 14500, b, n);
	pump_count(gw, &fake.inputs, 1);
	assert_int_equal(fake.inputs, 1);
	assert_int_equal(fake1.inputs, 0);
	assert_int_equal(fake.last_len, 28);
	assert_memory_equal(fake.last_buf, b + 4, 28);
	assert_int_equal(fake.last_path.local_port, 14500);
	/* the engine's next timeout, asked after the input, fires once (and runs both) */
	pump_count(gw, &fake.timer_runs, 1);
	assert_int_equal(fake.timer_runs, 1);

	/* IKEv1 (1.0) on the IKE port: to ikev1_input only */
	n = ike_datagram(b, 0x10, false);
	send_udp("127.0.0.1", 1500, b, n);
	pump_count(gw, &fake1.inputs, 1);
	assert_int_equal(fake1.inputs, 1);
	assert_int_equal(fake.inputs, 1);
	assert_int_equal(fake1.last_len, 28);
	assert_memory_equal(fake1.last_buf, b, 28);
	assert_int_equal(fake1.last_path.local_port, 1500);

	/* IKEv1 on the NAT-T port too */
	n = ike_datagram(b, 0x10, true);
	send_udp("127.0.0.1", 14500, b, n);
	pump_count(gw, &fake1.inputs, 2);
	assert_int_equal(fake1.inputs, 2);
	assert_int_equal(fake1.last_path.local_port, 14500);

	/* major version 3, and a datagram shorter than a header: dropped, counted, logged */
	logbuf[0] = '\0';
	n = ike_datagram(b, 0x30, false);
	send_udp("127.0.0.1", 1500, b, n);
	send_udp("127.0.0.1", 1500, "HELLO", 5);
	for (int i = 0; i < 200 && gw->rx_bad_version < 2; i++)
		sd_event_run(gw_event(gw), 10000);
	assert_int_equal(gw->rx_bad_version, 2);
	assert_int_equal(fake.inputs, 1);
	assert_int_equal(fake1.inputs, 2);
	assert_non_null(strstr(logbuf, "major version neither 1 (IKEv1) nor 2 (IKEv2)"));

	/* IKEv1's timer alone arms the loop's one timer, which runs both engines' timers */
	runs1 = fake1.timer_runs;
	runs2 = fake.timer_runs;
	fake.next_timeout = UINT64_MAX;
	fake1.next_timeout = gw_now() + 30000;
	gw_after_event(gw);
	pump_count(gw, &fake1.timer_runs, runs1 + 1);
	assert_int_equal(fake1.timer_runs, runs1 + 1);
	assert_int_equal(fake.timer_runs, runs2 + 1);
	assert_int_equal(fake1.next_timeout, UINT64_MAX);
}

/* `show crypto isakmp sa` lists IKEv1's SA and not IKEv2's; `debug crypto isakmp` switches
 * IKEv1's debug lines on, `undebug all` both engines' off. */
static void isakmp_over_socket(struct gw *gw)
{
	fake1.sas[0] = (struct ike_sa_info){ .version = 1, .id = 7, .state = "QM_IDLE" };
	fake1.sas[0].path.local.family = fake1.sas[0].path.remote.family = AF_INET;
	fake1.n_sas = 1;
	fake.sas[0] = (struct ike_sa_info){ .version = 2, .id = 8, .state = "READY" };
	fake.n_sas = 1;
	{
		struct call c = { .argv = { "sh", "cr", "isa", "sa", "det" }, .n = 5 };
		struct json_object *resp = ctl(gw, &c), *res = get(resp, "result"), *sas;

		assert_string_equal(json_object_get_string(get(res, "command")),
				    "show crypto isakmp sa");
		assert_true(json_object_get_boolean(get(res, "detail")));
		sas = get(res, "sas");
		assert_int_equal(json_object_array_length(sas), 1);
		assert_string_equal(
			json_object_get_string(get(json_object_array_get_idx(sas, 0), "state")),
			"QM_IDLE");
		json_object_put(resp);
	}
	{
		struct call c = { .argv = { "show", "crypto", "ikev2", "sa" }, .n = 4 };
		struct json_object *resp = ctl(gw, &c), *sas = get(get(resp, "result"), "sas");

		assert_int_equal(json_object_array_length(sas), 1);
		assert_string_equal(
			json_object_get_string(get(json_object_array_get_idx(sas, 0), "state")),
			"READY");
		json_object_put(resp);
	}
	fake.n_sas = fake1.n_sas = 0;
	{
		struct call c = { .argv = { "debug", "crypto", "isakmp" }, .n = 3 };
		struct json_object *resp = ctl(gw, &c);

		assert_string_equal(json_object_get_string(get(get(resp, "result"), "message")),
				    "Crypto ISAKMP debugging is on");
		assert_true(fake1.debug);
		assert_false(fake.debug);
		json_object_put(resp);
	}
	{
		struct call c = { .argv = { "debug", "crypto", "ikev2" }, .n = 3 };

		json_object_put(ctl(gw, &c));
		assert_true(fake.debug);
	}
	/* debug crypto ipsec: the engines' kernel calls are logged in IOS words while it is on */
	{
		struct config_addr dst = { .family = AF_INET };
		const struct ike_kernel_ops *k = fake.env.kernel;
		struct call c = { .argv = { "debug", "crypto", "ipsec" }, .n = 3 };
		struct json_object *resp;

		inet_pton(AF_INET, "192.168.0.9", &dst.v4);
		logbuf[0] = '\0';
		k->sa_del(k->ctx, 7, &dst, 0x1234);
		assert_null(strstr(logbuf, "IPSEC("));
		resp = ctl(gw, &c);
		assert_string_equal(json_object_get_string(get(get(resp, "result"), "message")),
				    "Crypto IPSEC debugging is on");
		json_object_put(resp);
		k->sa_del(k->ctx, 7, &dst, 0x1234);
		assert_non_null(strstr(logbuf, "IPSEC(delete_sa): deleting SA, (sa) sa_dest= "
					       "192.168.0.9, sa_proto= 50, sa_spi= 0x00001234(4660), "
					       "Tunnel7"));
	}
	/* debug crypto pki: both engines */
	{
		struct call c = { .argv = { "deb", "cr", "pki" }, .n = 3 };
		struct json_object *resp = ctl(gw, &c);

		assert_string_equal(json_object_get_string(get(get(resp, "result"), "message")),
				    "Crypto PKI debugging is on");
		assert_true(fake.debug_pki);
		assert_true(fake1.debug_pki);
		json_object_put(resp);
	}
	{
		struct config_addr dst = { .family = AF_INET };
		const struct ike_kernel_ops *k = fake.env.kernel;
		struct call c = { .argv = { "undebug", "all" }, .n = 2 };

		json_object_put(ctl(gw, &c));
		assert_false(fake1.debug);
		assert_false(fake.debug);
		assert_false(fake.debug_pki);
		assert_false(fake1.debug_pki);
		logbuf[0] = '\0';
		k->sa_del(k->ctx, 7, &dst, 0x1234);
		assert_null(strstr(logbuf, "IPSEC("));
	}
}

static void gw_runtime_reload_and_signals(void **state)
{
	struct gw_options o = {
		.config_path = conf_path,
		.ctl_path = sock_path,
		.log = { .hook = log_hook },
		.transport = { .port_ike = 1500, .port_natt = 14500 },
	};
	struct config_diag diag;
	struct pki_store *store;
	struct config *cfg;
	const struct config *running;
	struct gw *gw;
	char err[512] = "", want[256];
	int r, code = -1;

	write_conf("hostname r1\n");
	config_diag_init(&diag);
	assert_int_equal(gw_config_load(conf_path, &cfg, &store, &diag), 0);
	config_diag_clear(&diag);
	assert_null(store);
	r = gw_new(&o, cfg, store, &gw, err, sizeof(err));
	if (r < 0)
		fail_msg("gw_new: %s", err);
	running = gw_config(gw);
	assert_ptr_equal(running, cfg);
	assert_int_equal(fake.set_config_calls, 1);
	assert_ptr_equal(fake.cfg, running);
	assert_non_null(fake.env.now);
	/* the engines reach the kernel through the `debug crypto ipsec` shim */
	assert_ptr_equal(fake.env.kernel->ctx, fake.env.ctx);
	/* IKEv1 runs beside it in the same environment */
	assert_int_equal(fake1.set_config_calls, 1);
	assert_ptr_equal(fake1.cfg, running);
	assert_ptr_equal(fake1.env.ctx, fake.env.ctx);
	assert_ptr_equal(fake1.env.send, fake.env.send);
	assert_ptr_equal(fake1.env.kernel, fake.env.kernel);
	assert_true(sh_has("nft list tables", "table inet ikegw"));
	assert_non_null(strstr(logbuf, "ikegwd ready"));

	datagrams_by_version(gw);

	/* SIGHUP with a broken file: rejected with file:line, the running configuration stays */
	write_conf("hostname r2\nbogus line\n");
	logbuf[0] = '\0';
	raise(SIGHUP);
	for (int i = 0; i < 100 && !strstr(logbuf, "rejected"); i++)
		sd_event_run(gw_event(gw), 10000);
	snprintf(want, sizeof(want), "%s:2: error: unknown command 'bogus'", conf_path);
	assert_non_null(strstr(logbuf, want));
	assert_non_null(strstr(logbuf, "the running configuration stays"));
	assert_ptr_equal(gw_config(gw), running);
	assert_string_equal(gw_config(gw)->hostname, "r1");
	assert_int_equal(fake.set_config_calls, 1);
	assert_int_equal(fake1.set_config_calls, 1);

	/* `reload` over the control socket says why */
	{
		struct call c = { .argv = { "reload" }, .n = 1 };
		struct json_object *resp = ctl(gw, &c);

		assert_int_equal(json_object_get_int(get(resp, "status")), 1);
		snprintf(want, sizeof(want),
			 "reload rejected, the running configuration stays: %s:2: error: "
			 "unknown command 'bogus'",
			 conf_path);
		assert_string_equal(json_object_get_string(get(resp, "error")), want);
		json_object_put(resp);
	}
	assert_ptr_equal(gw_config(gw), running);

	/* a good file: swapped in, the engine follows */
	write_conf("hostname r2\n");
	{
		struct call c = { .argv = { "rel" }, .n = 1 };
		struct json_object *resp = ctl(gw, &c), *res;

		assert_int_equal(json_object_get_int(get(resp, "status")), 0);
		res = get(resp, "result");
		snprintf(want, sizeof(want), "configuration %s reloaded: 0 tunnels", conf_path);
		assert_string_equal(json_object_get_string(get(res, "message")), want);
		json_object_put(resp);
	}
	assert_string_equal(gw_config(gw)->hostname, "r2");
	assert_int_equal(fake.set_config_calls, 2);
	assert_ptr_equal(fake.cfg, gw_config(gw));
	assert_int_equal(fake1.set_config_calls, 2);
	assert_ptr_equal(fake1.cfg, gw_config(gw));

	/* show over the socket, IOS abbreviations */
	{
		struct call c = { .argv = { "sh", "cr", "ipsec", "sa" }, .n = 4 };
		struct json_object *resp = ctl(gw, &c), *res = get(resp, "result");

		assert_string_equal(json_object_get_string(get(res, "command")),
				    "show crypto ipsec sa");
		assert_int_equal(json_object_array_length(get(res, "tunnels")), 0);
		json_object_put(resp);
	}
	{
		struct call c = { .argv = { "clear", "crypto", "sa", "peer", "192.168.0.9" },
				  .n = 5 };
		struct json_object *resp;

		fake.cleared = 1;
		fake1.cleared = 2;
		resp = ctl(gw, &c);
		assert_string_equal(json_object_get_string(get(get(resp, "result"), "message")),
				    "cleared 3 IKE SAs of peer 192.168.0.9");
		assert_int_equal(fake.last_clear_peer.family, AF_INET);
		assert_int_equal(fake1.last_clear_peer.family, AF_INET);
		json_object_put(resp);
	}
	{
		struct call c = { .argv = { "clear", "crypto", "session" }, .n = 3 };
		struct json_object *resp = ctl(gw, &c);

		assert_string_equal(json_object_get_string(get(get(resp, "result"), "message")),
				    "cleared 3 IKE SAs");
		assert_int_equal(fake.clears, 2);
		assert_int_equal(fake1.clears, 2);
		assert_int_equal(fake1.last_clear_peer.family, 0);
		json_object_put(resp);
	}
	isakmp_over_socket(gw);

	/* one of our policies, to be removed at shutdown (this host's kernel sends no ACQUIRE
	 * for it: the event path is exercised in the lab VM) */
	assert_int_equal(system("ip xfrm policy add dir out mark 0x49000007 src 0.0.0.0/0 "
				"dst 0.0.0.0/0 tmpl src 127.0.0.1 dst 127.0.0.9 proto esp "
				"mode tunnel reqid 0x49000007"),
			 0);
	assert_true(sh_has("ip xfrm policy", "0x49000007"));

	/* SIGTERM: the engine gets an empty configuration, our policies and table are gone */
	raise(SIGTERM);
	for (int i = 0; i < 100 && sd_event_get_state(gw_event(gw)) != SD_EVENT_FINISHED; i++)
		sd_event_run(gw_event(gw), 10000);
	assert_int_equal(sd_event_get_state(gw_event(gw)), SD_EVENT_FINISHED);
	assert_int_equal(sd_event_get_exit_code(gw_event(gw), &code), 0);
	assert_int_equal(code, 0);
	assert_int_equal(fake.set_config_calls, 3);
	assert_int_equal(fake.cfg->n_interfaces, 0);
	assert_int_equal(fake1.set_config_calls, 3);
	assert_ptr_equal(fake1.cfg, fake.cfg);
	assert_ptr_not_equal(fake.cfg, gw_config(gw));
	assert_false(sh_has("nft list tables", "ikegw"));
	assert_false(sh_has("ip xfrm policy", "0x49000007"));
	gw_free(gw);
}

/* A datagram from src (any local address: 127.0.0.2 plays the peer) to 127.0.0.1:port. */
static void send_udp_from(const char *src, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, src, &from.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
	close(fd);
}

static struct json_object *tunnel1(struct gw *gw, struct json_object **ret_resp)
{
	struct call c = { .argv = { "show", "crypto", "ipsec", "sa" }, .n = 4 };

	*ret_resp = ctl(gw, &c);
	return json_object_array_get_idx(get(get(*ret_resp, "result"), "tunnels"), 0);
}

static char *metrics_text(struct gw *gw)
{
	struct call c = { .argv = { "metrics" }, .n = 1 };
	struct json_object *resp = ctl(gw, &c);
	char *text = strdup(json_object_get_string(get(get(resp, "result"), "text")));

	json_object_put(resp);
	assert_non_null(text);
	return text;
}

static const char counters_conf[] = "hostname r1\n"
				    "interface Tunnel1\n"
				    " ip address 10.9.0.1 255.255.255.0\n"
				    " tunnel source 127.0.0.1\n"
				    " tunnel destination 127.0.0.2\n"
				    " tunnel mode ipsec ipv4\n";

static void gw_runtime_counters(void **state)
{
	struct gw_options o = {
		.config_path = conf_path,
		.ctl_path = sock_path,
		.log = { .hook = log_hook },
		.transport = { .no_ipv6 = true }, /* UDP 500 and 4500: our table counts those */
	};
	struct ike_path to_peer = { .local_port = 500, .remote_port = 500 };
	struct config_diag diag;
	struct pki_store *store;
	struct config *cfg;
	struct json_object *resp, *t;
	struct gw *gw;
	uint8_t buf[64];
	size_t len, inputs;
	char err[512] = "", *text;
	int r;

	memset(&fake, 0, sizeof(fake));
	fake.next_timeout = UINT64_MAX;
	memset(&fake1, 0, sizeof(fake1));
	fake1.next_timeout = UINT64_MAX;
	write_conf(counters_conf);
	config_diag_init(&diag);
	assert_int_equal(gw_config_load(conf_path, &cfg, &store, &diag), 0);
	config_diag_clear(&diag);
	r = gw_new(&o, cfg, store, &gw, err, sizeof(err));
	if (r < 0)
		fail_msg("gw_new: %s", err);
	assert_true(sh_has("nft list table inet ikegw", "ip saddr 127.0.0.2 udp dport 500"));

	/* the peer sends one IKEv2 datagram; we send it two */
	len = ike_datagram(buf, 0x20, false);
	inputs = fake.inputs;
	send_udp_from("127.0.0.2", 500, buf, len);
	pump_count(gw, &fake.inputs, inputs + 1);
	assert_int_equal(fake.inputs, inputs + 1);
	inet_pton(AF_INET, "127.0.0.1", &to_peer.local.v4);
	to_peer.local.family = AF_INET;
	inet_pton(AF_INET, "127.0.0.2", &to_peer.remote.v4);
	to_peer.remote.family = AF_INET;
	assert_int_equal(fake.env.send(fake.env.ctx, &to_peer, buf, len), 0);
	assert_int_equal(fake.env.send(fake.env.ctx, &to_peer, buf, len), 0);

	t = tunnel1(gw, &resp);
	assert_string_equal(json_object_get_string(get(t, "interface")), "Tunnel1");
	assert_int_equal(json_object_get_int64(get(t, "ike_tx_pkts")), 2);
	assert_int_equal(json_object_get_int64(get(t, "ike_tx_bytes")), 2 * len);
	assert_int_equal(json_object_get_int64(get(t, "ike_rx_pkts")), 1);
	assert_int_equal(json_object_get_int64(get(t, "ike_rx_bytes")), 20 + 8 + len);
	assert_int_equal(json_object_get_int64(get(t, "esp_rx_pkts")), 0);
	json_object_put(resp);

	text = metrics_text(gw);
	assert_non_null(strstr(text, "\nikegw_tunnel_ike_tx_packets_total{tunnel=\"Tunnel1\","
				     "peer=\"127.0.0.2\",profile=\"\"} 2\n"));
	assert_non_null(strstr(text, "\nikegw_tunnel_ike_rx_packets_total{tunnel=\"Tunnel1\","
				     "peer=\"127.0.0.2\",profile=\"\"} 1\n"));
	assert_non_null(strstr(text, "\nikegw_config_reloads_total{result=\"ok\"} 0\n"));
	assert_true(strlen(text) > 6 && strcmp(text + strlen(text) - 6, "# EOF\n") == 0);
	free(text);

	/* a reload replaces our table (its counters start over): what it counted is kept */
	write_conf(counters_conf);
	assert_int_equal(gw_reload(gw, err, sizeof(err)), 0);
	assert_false(sh_has("nft list table inet ikegw",
			    "ip saddr 127.0.0.2 udp dport 500 counter packets 1"));
	inputs = fake.inputs;
	send_udp_from("127.0.0.2", 500, buf, len);
	pump_count(gw, &fake.inputs, inputs + 1);
	t = tunnel1(gw, &resp);
	assert_int_equal(json_object_get_int64(get(t, "ike_rx_pkts")), 2);
	assert_int_equal(json_object_get_int64(get(t, "ike_tx_pkts")), 2);
	json_object_put(resp);
	text = metrics_text(gw);
	assert_non_null(strstr(text, "\nikegw_config_reloads_total{result=\"ok\"} 1\n"));
	free(text);

	/* no SA, IKE both ways: the session says so */
	{
		struct call c = { .argv = { "show", "crypto", "session" }, .n = 3 };
		struct json_object *s;

		resp = ctl(gw, &c);
		s = json_object_array_get_idx(get(get(resp, "result"), "sessions"), 0);
		assert_string_equal(json_object_get_string(get(s, "diagnosis_code")), "ike-no-sa");
		assert_string_equal(json_object_get_string(get(s, "diagnosis")),
				    "IKE without IPsec SA: 2 IKE packets sent to 127.0.0.2 and 2 "
				    "received since ikegwd started, no IPsec SA installed: see the log "
				    "(debug crypto ikev2, debug crypto isakmp) for the step that fails");
		json_object_put(resp);
	}
	gw_exit(gw, 0);
	gw_free(gw);
}

/* --export-keys DIR: both engines get the hook, which appends to DIR's tables (0600), and the
 * operator is told: a warning at start-up and at every reload, "key_export" in the show JSON. */
static void gw_runtime_key_export(void **state)
{
	struct gw_options o = {
		.config_path = conf_path,
		.ctl_path = sock_path,
		.log = { .hook = log_hook },
		.transport = { .port_ike = 1500, .port_natt = 14500 },
		.export_keys_dir = dir,
	};
	static const uint8_t key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct ike_key_export k = { .kind = IKE_KEYX_IKEV1, .sk_ei = key, .enc_len = 16 };
	struct config_diag diag;
	struct pki_store *store;
	struct config *cfg;
	struct gw *gw;
	struct stat st;
	char err[512] = "", want[512], path[256], line[128] = "";
	FILE *f;
	int r;

	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.next_timeout = UINT64_MAX;
	memset(&fake1, 0, sizeof(fake1));
	fake1.next_timeout = UINT64_MAX;
	write_conf("hostname r1\n");
	config_diag_init(&diag);
	assert_int_equal(gw_config_load(conf_path, &cfg, &store, &diag), 0);
	config_diag_clear(&diag);
	logbuf[0] = '\0';
	r = gw_new(&o, cfg, store, &gw, err, sizeof(err));
	if (r < 0)
		fail_msg("gw_new: %s", err);
	snprintf(want, sizeof(want),
		 "key export to %s is ON: anyone who can read it can decrypt this gateway's "
		 "traffic",
		 dir);
	assert_non_null(strstr(logbuf, want));
	assert_non_null(fake.env.export_keys);
	assert_ptr_equal(fake1.env.export_keys, fake.env.export_keys);

	/* what an engine hands over lands in the table, 0600 */
	memcpy(k.ispi, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	fake1.env.export_keys(fake1.env.ctx, &k);
	snprintf(path, sizeof(path), "%s/ikev1_decryption_table", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_string_equal(line, "0102030405060708,000102030405060708090a0b0c0d0e0f\n");

	/* the show commands carry it */
	{
		struct call c = { .argv = { "show", "crypto", "ipsec", "sa" }, .n = 4 };
		struct json_object *resp = ctl(gw, &c);

		assert_string_equal(json_object_get_string(get(get(resp, "result"), "key_export")),
				    dir);
		json_object_put(resp);
	}
	{
		struct call c = { .argv = { "show", "crypto", "isakmp", "sa" }, .n = 4 };
		struct json_object *resp = ctl(gw, &c);

		assert_string_equal(json_object_get_string(get(get(resp, "result"), "key_export")),
				    dir);
		json_object_put(resp);
	}
	/* and a reload says it again */
	logbuf[0] = '\0';
	{
		struct call c = { .argv = { "reload" }, .n = 1 };

		json_object_put(ctl(gw, &c));
	}
	assert_non_null(strstr(logbuf, want));
	gw_exit(gw, 0);
	gw_free(gw);

	/* off (no --export-keys): the engines get no hook, the show JSON no field */
	o.export_keys_dir = NULL;
	memset(&fake, 0, sizeof(fake));
	fake.next_timeout = UINT64_MAX;
	memset(&fake1, 0, sizeof(fake1));
	fake1.next_timeout = UINT64_MAX;
	config_diag_init(&diag);
	assert_int_equal(gw_config_load(conf_path, &cfg, &store, &diag), 0);
	config_diag_clear(&diag);
	logbuf[0] = '\0';
	r = gw_new(&o, cfg, store, &gw, err, sizeof(err));
	if (r < 0)
		fail_msg("gw_new: %s", err);
	assert_null(strstr(logbuf, "key export"));
	assert_null(fake.env.export_keys);
	assert_null(fake1.env.export_keys);
	{
		struct call c = { .argv = { "show", "crypto", "ipsec", "sa" }, .n = 4 };
		struct json_object *resp = ctl(gw, &c), *v;

		assert_false(json_object_object_get_ex(get(resp, "result"), "key_export", &v));
		json_object_put(resp);
	}
	gw_exit(gw, 0);
	gw_free(gw);
}

/* setup() for a further test: a new temporary directory (mkdtemp filled in the template). */
static int setup_next(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/ikegw-gw-test.XXXXXX");
	return setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(gw_runtime_reload_and_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(gw_runtime_counters, setup_next, teardown),
		cmocka_unit_test_setup_teardown(gw_runtime_key_export, setup_next, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
