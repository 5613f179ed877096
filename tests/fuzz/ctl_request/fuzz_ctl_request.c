/*
 * libFuzzer target for the control protocol's request side: ctl_request_parse() over one
 * request line, then ctl_command_match() of the words against ikegwd's command table (and the
 * request re-formatted and re-parsed, which must give the same words back).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ctl_command cmds[] = {
	{ "show crypto ipsec sa", NULL, NULL },	      { "show crypto isakmp sa", NULL, NULL },
	{ "show crypto isakmp profile", NULL, NULL }, { "show crypto ikev2 sa", NULL, NULL },
	{ "show crypto ikev2 profile", NULL, NULL },  { "show crypto session", NULL, NULL },
	{ "show crypto pki certificates", NULL, NULL }, { "show crypto pki trustpoints", NULL, NULL },
	{ "clear crypto sa", NULL, NULL },	      { "clear crypto session", NULL, NULL },
	{ "debug crypto isakmp", NULL, NULL },	      { "debug crypto ikev2", NULL, NULL },
	{ "debug crypto ipsec", NULL, NULL },	      { "debug crypto pki", NULL, NULL },
	{ "undebug all", NULL, NULL },		      { "reload", NULL, NULL },
	{ "metrics", NULL, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ctl_command *cmd;
	char **argv = NULL, **again = NULL, *line = NULL, err[256];
	size_t n = 0, n2 = 0, consumed, len;

	if (ctl_request_parse((const char *)data, size, &argv, &n, err, sizeof(err)) < 0)
		return 0;
	if (ctl_command_match(cmds, sizeof(cmds) / sizeof(cmds[0]), argv, n, &cmd, &consumed, err,
			      sizeof(err)) == 0 &&
	    (consumed == 0 || consumed > n))
		abort();
	if (ctl_request_format((const char *const *)argv, n, &line, &len) == 0) {
		if (ctl_request_parse(line, len, &again, &n2, err, sizeof(err)) != 0 || n2 != n)
			abort();
		for (size_t i = 0; i < n; i++)
			if (strcmp(argv[i], again[i]))
				abort();
	}
	ctl_argv_free(again, n2);
	free(line);
	ctl_argv_free(argv, n);
	return 0;
}
