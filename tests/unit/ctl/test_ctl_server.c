/*
 * The control socket end to end: a ctl_server on this test's sd-event loop with test handlers,
 * the built ikegwctl (argv[1]) run against it as a child while the loop runs; exact output
 * lines, exit codes and --json fields; slow, over-long, surplus and foreign-uid clients; a
 * 200 KB result; ikegwctl with no daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl.h"

static const char *ikegwctl;
static sd_event *ev;
static struct ctl_server *server;
static char dir[64], sock_path[128];
static char last_args[256];
static char *big_text;

#define BIG_SIZE (200 * 1024)

static const char tunnels_json[] =
	"{\"tunnels\":[{\"interface\":\"Tunnel1\",\"peer\":\"192.168.0.2\",\"local\":\"192.168.0.1\","
	"\"status\":\"up\",\"encaps_pkts\":20,\"decaps_pkts\":20,\"encaps_bytes\":1680,"
	"\"decaps_bytes\":1680,\"errors_replay\":0,\"errors_integrity\":1,\"errors_no_sa\":2,"
	"\"last_rekey\":null,\"sas\":[{\"spi_in\":\"0x1a2b3c4d\",\"spi_out\":\"0xc0ffee01\","
	"\"transform\":\"esp-aes esp-sha256-hmac\",\"mode\":\"tunnel\",\"lifetime_left\":3500,"
	"\"udp_encap\":false,\"state\":\"active\"}]}]}";

static const char ike_sas_json[] =
	"{\"sas\":[{\"tunnel_id\":1,\"local\":\"192.168.0.1\",\"remote\":\"192.168.0.2\","
	"\"local_port\":500,\"remote_port\":500,\"state\":\"%s\",\"profile\":\"prof1\","
	"\"local_id\":\"r1.example.com\",\"remote_id\":\"r2.example.com\","
	"\"initiator_spi\":\"0d8a5f0c3b1d9e23\",\"responder_spi\":\"4c2b1a1e4d5e6f70\","
	"\"role\":\"initiator\",\"encr\":\"AES-CBC\",\"key_bits\":256,\"prf\":\"SHA256\","
	"\"integ\":\"SHA256\",\"dh_group\":14,\"auth_local\":\"PSK\",\"auth_remote\":\"PSK\","
	"\"lifetime\":86400,\"active_time\":123,\"nat_t\":false,\"children\":[{\"spi_in\":"
	"\"0x1a2b3c4d\",\"spi_out\":\"0xc0ffee01\",\"tunnel\":\"Tunnel1\"}]}]}";

static const char sessions_json[] =
	"{\"sessions\":[{\"interface\":\"Tunnel1\",\"peer\":\"192.168.0.2\",\"port\":500,"
	"\"status\":\"UP-NO-IKE\",\"ike_sas\":[{\"local\":\"192.168.0.1\",\"remote\":"
	"\"192.168.0.2\",\"state\":\"READY\",\"version\":2}],\"ipsec_flows\":2,"
	"\"diagnosis\":\"no ESP received from 192.168.0.2 (UDP 500 ok): ISP blocks ESP?\"}]}";

static void record_args(const struct ctl_request *req)
{
	size_t at = 0;

	last_args[0] = '\0';
	for (size_t i = 0; i < req->n_args; i++)
		at += (size_t)snprintf(last_args + at, sizeof(last_args) - at, "%s%s", i ? " " : "",
				       req->args[i]);
}

static int h_ipsec(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		   size_t errlen)
{
	record_args(req);
	*ret = json_tokener_parse(tunnels_json);
	return *ret ? 0 : -ENOMEM;
}

static int h_ike(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		 size_t errlen, const char *state)
{
	char buf[2048];

	record_args(req);
	snprintf(buf, sizeof(buf), ike_sas_json, state);
	*ret = json_tokener_parse(buf);
	return *ret ? 0 : -ENOMEM;
}

static int h_ikev2(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		   size_t errlen)
{
	return h_ike(u, req, ret, err, errlen, "READY");
}

static int h_isakmp(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		    size_t errlen)
{
	return h_ike(u, req, ret, err, errlen, "QM_IDLE");
}

static int h_session(void *u, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	*ret = json_tokener_parse(sessions_json);
	return *ret ? 0 : -ENOMEM;
}

static int h_clear(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		   size_t errlen)
{
	record_args(req);
	*ret = json_object_new_object();
	json_object_object_add(*ret, "message",
			       json_object_new_string("Cleared 1 IPsec SA pair for peer 192.168.0.2"));
	return 0;
}

static int h_reload(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		    size_t errlen)
{
	snprintf(err, errlen, "reload rejected: /etc/ikegw/ikegw.conf:3: unknown command 'foo'");
	return 1;
}

static int h_metrics(void *u, const struct ctl_request *req, struct json_object **ret,
		     char *err, size_t errlen)
{
	*ret = json_object_new_object();
	json_object_object_add(*ret, "text",
			       json_object_new_string("# TYPE ikegw_tunnels gauge\n"
						      "ikegw_tunnels 1\n# EOF\n"));
	return 0;
}

static int h_big(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		 size_t errlen)
{
	*ret = json_object_new_object();
	json_object_object_add(*ret, "text", json_object_new_string(big_text));
	return 0;
}

static int h_odd(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		 size_t errlen)
{
	*ret = json_tokener_parse("{\"command\":\"show crypto ipsec sa\",\"weird\":[1,2]}");
	return 0;
}

static int h_broken(void *u, const struct ctl_request *req, struct json_object **ret, char *err,
		    size_t errlen)
{
	return -EIO;
}

static const struct ctl_command cmds[] = {
	{ "show crypto ipsec sa", h_ipsec, "IPsec SAs per tunnel" },
	{ "show crypto ikev2 sa", h_ikev2, "IKEv2 SAs" },
	{ "show crypto isakmp sa", h_isakmp, "IKEv1 SAs" },
	{ "show crypto session", h_session, "sessions" },
	{ "clear crypto sa", h_clear, "clear SAs" },
	{ "reload", h_reload, "reload" },
	{ "metrics", h_metrics, "OpenMetrics" },
	{ "show big", h_big, "a 200 KB result" },
	{ "show odd", h_odd, "an unknown result shape" },
	{ "show broken", h_broken, "a handler failing with -errno" },
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run the loop for up to ms, or until done(ud) (checked between iterations). */
static bool spin(bool (*done)(void *), void *ud, unsigned ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		if (done && done(ud))
			return true;
		assert_true(sd_event_run(ev, 20 * 1000) >= 0);
	}
	return done ? done(ud) : true;
}

struct output {
	char *buf;
	size_t len;
	bool eof;
	sd_event_source *src;
};

static int on_pipe(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct output *o = userdata;
	char tmp[65536];
	ssize_t k = read(fd, tmp, sizeof(tmp));

	if (k < 0 && errno == EAGAIN)
		return 0;
	if (k <= 0) {
		o->eof = true;
		sd_event_source_set_enabled(s, SD_EVENT_OFF);
		return 0;
	}
	o->buf = realloc(o->buf, o->len + (size_t)k + 1);
	memcpy(o->buf + o->len, tmp, (size_t)k);
	o->len += (size_t)k;
	o->buf[o->len] = '\0';
	return 0;
}

struct run {
	struct output out, err;
	int status;
};

static bool pipes_done(void *ud)
{
	struct run *r = ud;

	return r->out.eof && r->err.eof;
}

static void run_free(struct run *r)
{
	free(r->out.buf);
	free(r->err.buf);
}

/* Run ikegwctl with args (NULL-terminated, without argv[0]) while the loop serves it. */
static int run_ctl(struct run *r, const char *const *args)
{
	const char *argv[32] = { ikegwctl };
	int po[2], pe[2], st;
	size_t n = 1;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	while (*args)
		argv[n++] = *args++;
	/* Only our read ends are non-blocking: ikegwctl writes to a normal pipe. */
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	assert_int_equal(fcntl(po[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(pe[0], F_SETFL, O_NONBLOCK), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execv(ikegwctl, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	assert_int_equal(sd_event_add_io(ev, &r->out.src, po[0], EPOLLIN, on_pipe, &r->out), 0);
	assert_int_equal(sd_event_add_io(ev, &r->err.src, pe[0], EPOLLIN, on_pipe, &r->err), 0);
	if (!spin(pipes_done, r, 20000)) {
		kill(pid, SIGKILL);
		fail_msg("ikegwctl did not finish");
	}
	sd_event_source_disable_unref(r->out.src);
	sd_event_source_disable_unref(r->err.src);
	close(po[0]);
	close(pe[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	r->status = WEXITSTATUS(st);
	if (!r->out.buf)
		r->out.buf = strdup("");
	if (!r->err.buf)
		r->err.buf = strdup("");
	if (r->err.buf[0])
		print_message("ikegwctl exit %d: %s", r->status, r->err.buf);
	return r->status;
}

static void assert_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("no line \"%s\" in:\n%s", line, text);
}

#define CTL(r, ...) run_ctl(r, (const char *const[]){ "-S", sock_path, __VA_ARGS__, NULL })

static void test_ipsec_text(void **state)
{
	struct run r;

	assert_int_equal(CTL(&r, "sh", "cry", "ips", "sa", "int", "Tunnel1"), 0);
	assert_string_equal(last_args, "int Tunnel1");
	assert_string_equal(r.err.buf, "");
	assert_line(r.out.buf, "interface: Tunnel1");
	assert_line(r.out.buf, "    Crypto map tag: Tunnel1-head-0, local addr 192.168.0.1");
	assert_line(r.out.buf, "   current_peer 192.168.0.2 port 500");
	assert_line(r.out.buf, "    #pkts encaps: 20, #pkts encrypt: 20, #pkts digest: 20");
	assert_line(r.out.buf, "    #pkts decaps: 20, #pkts decrypt: 20, #pkts verify: 20");
	assert_line(r.out.buf, "    #bytes encaps: 1680, #bytes decaps: 1680");
	assert_line(r.out.buf, "    #pkts replay failed: 0, #pkts verify failed (integrity): 1, "
			       "#pkts no sa: 2");
	assert_line(r.out.buf, "     current outbound spi: 0xC0FFEE01(3237998081)");
	assert_line(r.out.buf, "     inbound esp sas:");
	assert_line(r.out.buf, "      spi: 0x1A2B3C4D(439041101)");
	assert_line(r.out.buf, "        transform: esp-aes esp-sha256-hmac ,");
	assert_line(r.out.buf, "        in use settings ={Tunnel, }");
	assert_line(r.out.buf, "        sa timing: remaining key lifetime (sec): (3500)");
	assert_line(r.out.buf, "     outbound esp sas:");
	assert_line(r.out.buf, "      spi: 0xC0FFEE01(3237998081)");
	run_free(&r);
}

static struct json_object *parse_out(const struct run *r)
{
	struct json_object *o = json_tokener_parse(r->out.buf);

	if (!o)
		fail_msg("not JSON:\n%s", r->out.buf);
	return o;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	return v;
}

static void test_ipsec_json(void **state)
{
	static const char *const fields[] = { "interface", "peer", "status", "encaps_pkts",
					      "decaps_pkts", "encaps_bytes", "decaps_bytes", "sas" };
	struct json_object *o, *t, *sa;
	struct run r;

	/* --json before and after the words. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			assert_int_equal(CTL(&r, "--json", "show", "crypto", "ipsec", "sa"), 0);
		else
			assert_int_equal(CTL(&r, "show", "crypto", "ipsec", "sa", "--json"), 0);
		assert_string_equal(last_args, "");
		o = parse_out(&r);
		assert_string_equal(json_object_get_string(get(o, "command")),
				    "show crypto ipsec sa");
		t = json_object_array_get_idx(get(o, "tunnels"), 0);
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			get(t, fields[i]);
		assert_string_equal(json_object_get_string(get(t, "interface")), "Tunnel1");
		assert_int_equal(json_object_get_int(get(t, "encaps_pkts")), 20);
		sa = json_object_array_get_idx(get(t, "sas"), 0);
		assert_string_equal(json_object_get_string(get(sa, "spi_in")), "0x1a2b3c4d");
		assert_string_equal(json_object_get_string(get(sa, "spi_out")), "0xc0ffee01");
		assert_string_equal(json_object_get_string(get(sa, "transform")),
				    "esp-aes esp-sha256-hmac");
		/* Pretty printed, slashes not escaped, nothing but the object. */
		assert_non_null(strstr(r.out.buf, "\n  \"tunnels\""));
		assert_string_equal(r.out.buf + r.out.len - 2, "}\n");
		json_object_put(o);
		run_free(&r);
	}
}

static void test_ike_text(void **state)
{
	struct run r;

	assert_int_equal(CTL(&r, "show", "crypto", "ikev2", "sa"), 0);
	assert_line(r.out.buf, " IPv4 Crypto IKEv2  SA");
	assert_line(r.out.buf, "Tunnel-id Local                 Remote                fvrf/ivrf"
			       "            Status");
	assert_line(r.out.buf, "1         192.168.0.1/500       192.168.0.2/500       none/none"
			       "            READY");
	assert_line(r.out.buf, "      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, "
			       "DH Grp:14, Auth sign: PSK, Auth verify: PSK");
	assert_line(r.out.buf, "      Life/Active Time: 86400/123 sec");
	assert_null(strstr(r.out.buf, "Local spi"));
	run_free(&r);

	assert_int_equal(CTL(&r, "sh", "cry", "ikev2", "sa", "det"), 0);
	assert_string_equal(last_args, "det");
	assert_line(r.out.buf, "      Local spi: 0D8A5F0C3B1D9E23       Remote spi: 4C2B1A1E4D5E6F70");
	assert_line(r.out.buf, "      Local id: r1.example.com");
	assert_line(r.out.buf, "      Remote id: r2.example.com");
	assert_line(r.out.buf, "        ESP spi in/out: 0x1a2b3c4d/0xc0ffee01");
	run_free(&r);

	assert_int_equal(CTL(&r, "show", "crypto", "isakmp", "sa"), 0);
	assert_line(r.out.buf, "IPv4 Crypto ISAKMP SA");
	assert_line(r.out.buf, "dst             src             state          conn-id status");
	assert_line(r.out.buf, "192.168.0.2     192.168.0.1     QM_IDLE              1 ACTIVE");
	assert_line(r.out.buf, "IPv6 Crypto ISAKMP SA");
	run_free(&r);

	assert_int_equal(CTL(&r, "show", "crypto", "isakmp", "sa", "detail"), 0);
	assert_line(r.out.buf, "C-id  Local           Remote          I-VRF  Status Encr Hash   "
			       "Auth DH Lifetime Cap.");
	assert_line(r.out.buf, "1     192.168.0.1     192.168.0.2            ACTIVE aes  sha256 "
			       "psk  14 23:57:57");
	run_free(&r);
}

static void test_session_message_text(void **state)
{
	struct run r;

	assert_int_equal(CTL(&r, "show", "crypto", "session"), 0);
	assert_line(r.out.buf, "Crypto session current status");
	assert_line(r.out.buf, "Interface: Tunnel1");
	assert_line(r.out.buf, "Session status: UP-NO-IKE");
	assert_line(r.out.buf, "Peer: 192.168.0.2 port 500");
	assert_line(r.out.buf, "  IKEv2 SA: local 192.168.0.1/500 remote 192.168.0.2/500 Active");
	assert_line(r.out.buf, "        Active SAs: 2, origin: crypto map");
	assert_line(r.out.buf, "  Diagnosis: no ESP received from 192.168.0.2 (UDP 500 ok): "
			       "ISP blocks ESP?");
	run_free(&r);

	assert_int_equal(CTL(&r, "clear", "crypto", "sa", "peer", "192.168.0.2"), 0);
	assert_string_equal(last_args, "peer 192.168.0.2");
	assert_string_equal(r.out.buf, "Cleared 1 IPsec SA pair for peer 192.168.0.2\n");
	run_free(&r);

	assert_int_equal(CTL(&r, "metrics"), 0);
	assert_string_equal(r.out.buf, "# TYPE ikegw_tunnels gauge\nikegw_tunnels 1\n# EOF\n");
	run_free(&r);

	assert_int_equal(CTL(&r, "--json", "metrics"), 0);
	assert_non_null(strstr(r.out.buf, "\"text\":"));
	json_object_put(parse_out(&r));
	run_free(&r);

	/* A shape the renderer does not know: the JSON. */
	assert_int_equal(CTL(&r, "show", "odd"), 0);
	assert_non_null(strstr(r.out.buf, "\"weird\":"));
	json_object_put(parse_out(&r));
	run_free(&r);
}

static void test_errors(void **state)
{
	struct run r;

	assert_int_equal(CTL(&r, "reload"), 1);
	assert_string_equal(r.out.buf, "");
	assert_string_equal(r.err.buf, "ikegwctl: reload rejected: /etc/ikegw/ikegw.conf:3: "
				       "unknown command 'foo'\n");
	run_free(&r);

	assert_int_equal(CTL(&r, "show", "crypto", "foo"), 2);
	assert_string_equal(r.err.buf, "% Invalid input: \"show crypto foo\" (unknown word \"foo\")\n");
	run_free(&r);

	assert_int_equal(CTL(&r, "sh", "cry", "i", "sa"), 2);
	assert_non_null(strstr(r.err.buf, "% Ambiguous command"));
	run_free(&r);

	assert_int_equal(CTL(&r, "show", "broken"), 1);
	assert_string_equal(r.err.buf, "ikegwctl: internal error: Input/output error\n");
	run_free(&r);

	assert_int_equal(run_ctl(&r, (const char *const[]){ "-S", sock_path, NULL }), 2);
	run_free(&r);
	assert_int_equal(run_ctl(&r, (const char *const[]){ "--bogus", NULL }), 2);
	run_free(&r);
}

static void test_no_daemon(void **state)
{
	char path[192], expect[512];
	struct run r;

	snprintf(path, sizeof(path), "%s/nobody.sock", dir);
	assert_int_equal(run_ctl(&r, (const char *const[]){ "-S", path, "show", "crypto",
							     "session", NULL }),
			 3);
	snprintf(expect, sizeof(expect),
		 "ikegwctl: cannot connect to %s: No such file or directory (is ikegwd running?)\n",
		 path);
	assert_string_equal(r.err.buf, expect);
	assert_string_equal(r.out.buf, "");
	run_free(&r);
}

static void test_big(void **state)
{
	struct json_object *o;
	struct run r;

	assert_int_equal(CTL(&r, "show", "big"), 0);
	assert_int_equal(r.out.len, BIG_SIZE);
	assert_memory_equal(r.out.buf, big_text, BIG_SIZE);
	run_free(&r);

	assert_int_equal(CTL(&r, "show", "big", "--json"), 0);
	o = parse_out(&r);
	assert_int_equal(json_object_get_string_len(get(o, "text")), BIG_SIZE);
	json_object_put(o);
	run_free(&r);
}

static int raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, sock_path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

struct raw {
	int fd;
	char buf[4096];
	size_t len;
	bool eof;
};

static bool raw_read(void *ud)
{
	struct raw *r = ud;

	for (;;) {
		ssize_t k = recv(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len, 0);

		if (k > 0) {
			r->len += (size_t)k;
			r->buf[r->len] = '\0';
			continue;
		}
		if (k == 0 || (errno != EAGAIN && errno != EINTR))
			r->eof = true;
		return r->eof;
	}
}

static void test_slow_client(void **state)
{
	struct raw slow = { 0 };
	struct run r;

	ctl_server_set_client_timeout(server, 500 * 1000);
	slow.fd = raw_connect();
	assert_int_equal(send(slow.fd, "{\"argv\":[\"sh", 12, 0), 12);
	spin(NULL, NULL, 50);
	assert_int_equal(ctl_server_n_clients(server), 1);

	/* The stuck client does not hold up another one. */
	assert_int_equal(CTL(&r, "show", "crypto", "ipsec", "sa"), 0);
	assert_line(r.out.buf, "    #pkts encaps: 20, #pkts encrypt: 20, #pkts digest: 20");
	run_free(&r);

	/* Its deadline closes it without an answer. */
	assert_true(spin(raw_read, &slow, 3000));
	assert_int_equal(slow.len, 0);
	assert_int_equal(ctl_server_n_clients(server), 0);
	close(slow.fd);
	ctl_server_set_client_timeout(server, CTL_CLIENT_TIMEOUT_USEC);
}

static void test_raw_requests(void **state)
{
	struct raw c = { 0 };
	char *junk = malloc(70000);

	/* Over-long line: status 2 and close, even though the client keeps sending. */
	c.fd = raw_connect();
	memset(junk, 'x', 70000);
	size_t sent = 0;
	for (int i = 0; i < 200 && sent < 70000; i++) {
		ssize_t k = send(c.fd, junk + sent, 70000 - sent, MSG_NOSIGNAL);

		if (k > 0)
			sent += (size_t)k;
		spin(NULL, NULL, 5);
	}
	assert_true(spin(raw_read, &c, 3000));
	assert_string_equal(c.buf, "{\"status\":2,\"error\":\"request longer than 65536 bytes\"}\n");
	close(c.fd);
	free(junk);

	/* Not JSON. */
	memset(&c, 0, sizeof(c));
	c.fd = raw_connect();
	assert_int_equal(send(c.fd, "show crypto\n", 12, 0), 12);
	assert_true(spin(raw_read, &c, 3000));
	assert_non_null(strstr(c.buf, "{\"status\":2,\"error\":\"request is not valid JSON"));
	close(c.fd);

	/* A request without '\n' then half-close: answered too. */
	memset(&c, 0, sizeof(c));
	c.fd = raw_connect();
	assert_int_equal(send(c.fd, "{\"argv\":[\"rel\"]}", 16, 0), 16);
	shutdown(c.fd, SHUT_WR);
	assert_true(spin(raw_read, &c, 3000));
	assert_string_equal(c.buf, "{\"status\":1,\"error\":\"reload rejected: "
				   "/etc/ikegw/ikegw.conf:3: unknown command 'foo'\"}\n");
	close(c.fd);

	/* A good one: the exact response framing. */
	memset(&c, 0, sizeof(c));
	c.fd = raw_connect();
	assert_int_equal(send(c.fd, "{\"argv\":[\"cl\",\"cr\",\"sa\"]}\n", 26, 0), 26);
	assert_true(spin(raw_read, &c, 3000));
	assert_string_equal(c.buf, "{\"status\":0,\"result\":{\"message\":\"Cleared 1 IPsec SA pair "
				   "for peer 192.168.0.2\",\"command\":\"clear crypto sa\"}}\n");
	close(c.fd);
}

static void test_max_clients(void **state)
{
	int fds[CTL_MAX_CLIENTS];
	struct raw extra = { 0 };
	struct run r;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		fds[i] = raw_connect();
	spin(NULL, NULL, 100);
	assert_int_equal(ctl_server_n_clients(server), CTL_MAX_CLIENTS);
	extra.fd = raw_connect();
	assert_true(spin(raw_read, &extra, 3000));
	assert_int_equal(extra.len, 0);
	close(extra.fd);
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	spin(NULL, NULL, 100);
	assert_int_equal(ctl_server_n_clients(server), 0);
	assert_int_equal(CTL(&r, "metrics"), 0);
	run_free(&r);
}

static void test_socket_files(void **state)
{
	struct ctl_server *other = NULL;
	char parent[160], stale[192];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(parent, sizeof(parent), "%s/run", dir);
	assert_int_equal(stat(parent, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);

	/* A live socket is not taken over. */
	assert_int_equal(ctl_server_new(ev, sock_path, cmds, 1, NULL, &other), -EADDRINUSE);

	/* A stale one is; freeing the server removes it. */
	snprintf(stale, sizeof(stale), "%s/stale.sock", dir);
	strcpy(sa.sun_path, stale);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(ctl_server_new(ev, stale, cmds, 1, NULL, &other), 0);
	ctl_server_free(other);
	assert_int_equal(stat(stale, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* A client whose uid is neither 0 nor the daemon's gets "permission denied". */
static void test_foreign_uid(void **state)
{
	struct json_object *resp = NULL;
	const char *words[] = { "metrics" };
	char parent[160];
	pid_t pid;
	int st;

	if (geteuid() != 0)
		skip();
	snprintf(parent, sizeof(parent), "%s/run", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(parent, 0755), 0);
	assert_int_equal(chmod(sock_path, 0666), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = -1;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		if (ctl_client_connect(sock_path, 5000, &fd) < 0 ||
		    ctl_client_call(fd, words, 1, 5000, &resp) < 0)
			_exit(101);
		if (strcmp(json_object_get_string(json_object_object_get(resp, "error")),
			   "permission denied"))
			_exit(102);
		_exit(json_object_get_int(json_object_object_get(resp, "status")));
	}
	for (int i = 0; i < 500 && waitpid(pid, &st, WNOHANG) == 0; i++)
		spin(NULL, NULL, 10);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	chmod(sock_path, 0600);
	chmod(parent, 0750);
	chmod(dir, 0700);
}

static int setup(void **state)
{
	assert_int_equal(sd_event_new(&ev), 0);
	snprintf(dir, sizeof(dir), "/tmp/ikegw-ctl-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/run/ikegwd.sock", dir);
	assert_int_equal(ctl_server_new(ev, sock_path, cmds, sizeof(cmds) / sizeof(cmds[0]), NULL,
					&server),
			 0);
	big_text = malloc(BIG_SIZE + 1);
	for (size_t i = 0; i < BIG_SIZE; i++)
		big_text[i] = (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
	big_text[BIG_SIZE] = '\0';
	return 0;
}

static int teardown(void **state)
{
	char parent[160];

	ctl_server_free(server);
	sd_event_unref(ev);
	free(big_text);
	snprintf(parent, sizeof(parent), "%s/run", dir);
	rmdir(parent);
	rmdir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipsec_text),   cmocka_unit_test(test_ipsec_json),
		cmocka_unit_test(test_ike_text),     cmocka_unit_test(test_session_message_text),
		cmocka_unit_test(test_errors),       cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_big),          cmocka_unit_test(test_slow_client),
		cmocka_unit_test(test_raw_requests), cmocka_unit_test(test_max_clients),
		cmocka_unit_test(test_socket_files), cmocka_unit_test(test_foreign_uid),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH_TO_IKEGWCTL\n", argv[0]);
		return 2;
	}
	ikegwctl = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
