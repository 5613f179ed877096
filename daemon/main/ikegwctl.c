/*
 * ikegwctl, the operator CLI: ikegwctl [-S SOCK] [--json] COMMAND...
 * `check [CONFIG] [--peer OTHER_CONFIG]` works offline; the commands that talk to the daemon
 * over its control socket say that the socket is not implemented yet and exit 2.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_cli.h"

#define DEFAULT_CONFIG "/etc/ikegw/ikegw.conf"
#define DEFAULT_SOCKET "/run/ikegw/ikegwd.sock"

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
	fprintf(stderr, "ikegwctl: '");
	for (int j = i; j < argc; j++)
		fprintf(stderr, "%s%s", j > i ? " " : "", argv[j]);
	fprintf(stderr, "': the control socket (%s) is not implemented yet; only 'check' works\n",
		sock);
	return 2;
}
