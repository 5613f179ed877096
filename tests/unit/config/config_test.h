/*
 * Helpers shared by the configuration unit tests: load a text or a file and assert that it
 * loads, or that it fails with exactly the expected "LINE: message" diagnostics.
 */
#ifndef IKEGW_CONFIG_TEST_H
#define IKEGW_CONFIG_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"

/* Loads text (named "test.conf"); fails the test, printing the diagnostics, on any error. */
struct config *load_ok(const char *text);
struct config *load_file_ok(const char *path);
/* Loads text and asserts it fails with exactly these diagnostics ("LINE: message"), in order. */
void expect_errors(const char *text, const char *const *expected);
#define EXPECT_ERRORS(text, ...) expect_errors((text), (const char *const[]){ __VA_ARGS__, NULL })
/* Reads a whole file into a NUL-terminated malloc'd buffer (NULL if it cannot be read). */
char *read_text_file(const char *path);
/* "a.b.c.d" / "x::y" / "a.b.c.d/len" of a model value, in a static buffer. */
const char *addr_s(const struct config_addr *a);
const char *prefix_s(const struct config_prefix *p);

#endif
