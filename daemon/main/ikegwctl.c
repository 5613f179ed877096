/*
 * ikegwctl, the operator CLI: ikegwctl [-S SOCK] [--json] COMMAND...
 * `check [CONFIG] [--peer OTHER_CONFIG]` works offline; every other command goes to the daemon
 * over its control socket (docs/control-protocol.md), which resolves IOS abbreviations; the
 * result is rendered as IOS-like text (ikegwctl_render*.c) or, with --json, printed as JSON.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_cli.h"
#include "ctl.h"
#include "ctl_macro.h"
#include "ikegwctl_render.h"

#define DEFAULT_CONFIG "/etc/ikegw/ikegw.conf"
#define DEFAULT_SOCKET CTL_DEFAULT_SOCKET
#define CLIENT_TIMEOUT_MS 30000

/* Exit codes besides a response's status: usage errors and an unreachable daemon. */
enum { EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

static void usage(FILE *f)
{
	fprintf(f, "usage: ikegwctl [-S CONTROL_SOCKET] [--json] COMMAND...\n"
		   "       ikegwctl [--json] check [CONFIG] [--peer OTHER_CONFIG]\n"
		   "commands: show crypto ..., clear crypto ..., debug ..., undebug all, reload,\n"
		   "          check, metrics\n");
}

static int cmd_check(int argc, char **argv, bool json)
{
	const char *config = NULL, *peer = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--peer") == 0) {
			if (i + 1 == argc || peer) {
				fprintf(stderr, "ikegwctl: check: --peer needs one OTHER_CONFIG\n");
				return 2;
			}
			peer = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "ikegwctl: check: unknown option '%s'\n", argv[i]);
			return 2;
		} else if (!config) {
			config = argv[i];
		} else {
			fprintf(stderr, "ikegwctl: check: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!config)
		config = DEFAULT_CONFIG;
	if (peer)
		return check_cli_pair(config, peer, json, stdout);
	return check_cli_single(config, json, stdout);
}

/* A daemon command: words as typed (--json anywhere among them is ours, not the daemon's). */
static int cmd_daemon(const char *sock, int argc, char **argv, bool json)
{
	_cleanup_json_ struct json_object *resp = NULL;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char **words = calloc((size_t)argc + 1, sizeof(*words));
	struct json_object *result;
	size_t n = 0;
	long long status;
	const char *error;
	int r;

	if (!words) {
		fprintf(stderr, "ikegwctl: out of memory\n");
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			words[n++] = argv[i];
	}
	if (n == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}

	r = ctl_client_connect(sock, CLIENT_TIMEOUT_MS, &fd);
	if (r < 0) {
		fprintf(stderr, "ikegwctl: cannot connect to %s: %s (is ikegwd running?)\n", sock,
			strerror(-r));
		return EXIT_UNREACHABLE;
	}
	r = ctl_client_call(fd, (const char *const *)words, n, CLIENT_TIMEOUT_MS, &resp);
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "ikegwctl: no response from %s within %d s\n", sock,
			CLIENT_TIMEOUT_MS / 1000);
		return EXIT_UNREACHABLE;
	}
	if (r == -EMSGSIZE) {
		fprintf(stderr, "ikegwctl: command too long (at most %d bytes)\n", CTL_REQUEST_MAX);
		return EXIT_USAGE;
	}
	if (r < 0) {
		fprintf(stderr, "ikegwctl: %s: %s\n", sock,
			r == -EBADMSG ? "malformed response" : strerror(-r));
		return 1;
	}

	status = jint(resp, "status", 1);
	if (status != 0) {
		error = jstr(resp, "error", "command failed");
		fprintf(stderr, "%s%s\n", error[0] == '%' ? "" : "ikegwctl: ", error);
		return status > 0 && status < 256 ? (int)status : 1;
	}
	if (!json_object_object_get_ex(resp, "result", &result) ||
	    !json_object_is_type(result, json_type_object)) {
		fprintf(stderr, "ikegwctl: %s: response without a result\n", sock);
		return 1;
	}
	render_result(stdout, result, words, n, json);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ikegwctl: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = DEFAULT_SOCKET;
	bool json = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-S") == 0 && i + 1 < argc) {
			sock = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "ikegwctl: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[i], "check") == 0)
		return cmd_check(argc - i - 1, argv + i + 1, json);
	return cmd_daemon(sock, argc - i, argv + i, json);
}
