/*
 * ikegwd, the IKE daemon:
 *   ikegwd -f CONFIG [-S CONTROL_SOCKET] [-d] [--export-keys DIR]
 *                                                   run (runtime: daemon/gw); --export-keys
 *                                                   writes Wireshark's decryption tables to DIR
 *   ikegwd -f CONFIG --check [--peer OTHER_CONFIG]  parse, validate, warn, exit
 * A build without the IKE engines (IKEv1 and IKEv2) has only --check.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_cli.h"
#ifdef IKEGW_HAVE_DAEMON
#include "gw.h"
#endif

#define DEFAULT_CONFIG "/etc/ikegw/ikegw.conf"
#define DEFAULT_SOCKET "/run/ikegw/ikegwd.sock"

#ifdef IKEGW_HAVE_DAEMON
/* Loads the configuration (diagnostics on stderr), then runs the runtime until a signal. */
static int run_daemon(const char *config, const char *sock, bool debug, uint16_t port_ike,
		      uint16_t port_natt, const char *export_keys)
{
	struct gw_options o = {
		.config_path = config,
		.ctl_path = sock,
		.export_keys_dir = export_keys,
		.log = { .to_stderr = debug },
		.transport = { .port_ike = port_ike, .port_natt = port_natt },
	};
	struct config_diag diag;
	struct pki_store *store;
	struct config *cfg;
	struct gw *gw;
	char err[512] = "";
	int r;

	config_diag_init(&diag);
	r = gw_config_load(config, &cfg, &store, &diag);
	config_diag_print(&diag, stderr);
	config_diag_clear(&diag);
	if (r < 0) {
		if (r != -EINVAL)
			fprintf(stderr, "ikegwd: %s: %s\n", config, strerror(-r));
		return 1;
	}
	r = gw_new(&o, cfg, store, &gw, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "ikegwd: %s\n", err[0] ? err : strerror(-r));
		return 1;
	}
	r = gw_run(gw);
	gw_free(gw);
	return r;
}
#endif

/* Test and lab option: a UDP port (1..65535). */
static bool parse_port(const char *s, uint16_t *ret)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 1 || v > 65535)
		return false;
	*ret = (uint16_t)v;
	return true;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ikegwd -f CONFIG [-S CONTROL_SOCKET] [-d] [--export-keys DIR]\n"
		   "       ikegwd -f CONFIG --check [--peer OTHER_CONFIG]\n"
		   "  --export-keys DIR  append every SA's keys to Wireshark's decryption tables\n"
		   "                     in DIR (ikev2_decryption_table, ikev1_decryption_table,\n"
		   "                     esp_sa); anyone who can read them can decrypt the traffic\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "peer", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'f' },
		{ "ike-port", required_argument, NULL, 'I' },
		{ "natt-port", required_argument, NULL, 'N' },
		{ "export-keys", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = DEFAULT_CONFIG, *peer = NULL, *sock = DEFAULT_SOCKET;
	const char *export_keys = NULL;
	bool check = false, json = false, debug = false;
	uint16_t port_ike = 0, port_natt = 0;
	int c;

	while ((c = getopt_long(argc, argv, "f:S:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 'I':
		case 'N':
			if (!parse_port(optarg, c == 'I' ? &port_ike : &port_natt)) {
				fprintf(stderr, "ikegwd: invalid port '%s'\n", optarg);
				return 2;
			}
			break;
		case 'K':
			export_keys = optarg;
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
#ifdef IKEGW_HAVE_DAEMON
		return run_daemon(config, sock, debug, port_ike, port_natt, export_keys);
#else
		(void)sock;
		(void)export_keys;
		(void)debug;
		fprintf(stderr, "ikegwd: this build has no IKE engine; only "
				"'ikegwd -f CONFIG --check [--peer OTHER_CONFIG]' works\n");
		return 2;
#endif
	}
	if (peer)
		return check_cli_pair(config, peer, json, stdout);
	return check_cli_single(config, json, stdout);
}
