/*
 * ikegwd, the IKE daemon. Only its configuration check exists so far:
 *   ikegwd -f CONFIG --check [--peer OTHER_CONFIG]
 * Every other invocation says that the daemon is not implemented yet and exits 2.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_cli.h"

#define DEFAULT_CONFIG "/etc/ikegw/ikegw.conf"

static void usage(FILE *f)
{
	fprintf(f, "usage: ikegwd -f CONFIG [-S CONTROL_SOCKET] [-d]\n"
		   "       ikegwd -f CONFIG --check [--peer OTHER_CONFIG]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "peer", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = DEFAULT_CONFIG, *peer = NULL;
	bool check = false, json = false;
	int c;

	while ((c = getopt_long(argc, argv, "f:S:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config = optarg;
			break;
		case 'S':
		case 'd':
			break;
		case 'c':
			check = true;
			break;
		case 'p':
			peer = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ikegwd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!check) {
		fprintf(stderr, "ikegwd: the IKE daemon is not implemented yet; only "
				"'ikegwd -f CONFIG --check [--peer OTHER_CONFIG]' works\n");
		return 2;
	}
	if (peer)
		return check_cli_pair(config, peer, json, stdout);
	return check_cli_single(config, json, stdout);
}
