/*
 * `ikegwd -f CONFIG --check [--peer OTHER]` and `ikegwctl check [CONFIG] [--peer OTHER]`:
 * one implementation for both programs. Output on out; the return value is the exit status
 * (0 all good, 1 errors in a config or a direction that fails).
 */
#ifndef IKEGW_CHECK_CLI_H
#define IKEGW_CHECK_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Parse, load the PKI, validate, warn: "file:line: error|warning: message" lines. */
int check_cli_single(const char *path, bool json, FILE *out);
/* Both configs checked, then both directions simulated; ends with one line per direction. */
int check_cli_pair(const char *path_a, const char *path_b, bool json, FILE *out);

#endif
