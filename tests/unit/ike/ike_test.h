/* Helpers of the ike unit tests: seed 001's PKI world (testpki) plus CRLs, fixtures loaded with
 * their PEM paths pointing into the world's directory (optionally under `crypto compat ios`),
 * inline configs, trace capture and assertions on exact debug lines.
 */
#ifndef IKEGW_IKE_TEST_H
#define IKEGW_IKE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ike.h"
#include "ike_sim.h"
#include "testpki.h"

struct ike_test {
	struct tpki_world w;
	X509_CRL *crl1, *crl2;
};

/* Fails the test when the world cannot be built. */
void ike_test_init(struct ike_test *t);
/* Only the directory, no keys or certificates (tests without PKI). */
void ike_test_init_dir(struct ike_test *t);
void ike_test_free(struct ike_test *t);
/* Seed 001's "other order": R1's CA1 certificate enrolled after its CA2 one (r1-ca1.pem). */
void ike_test_r1_ca1_newer(struct ike_test *t);

/* tests/unit/ike/fixtures/NAME, loaded from the world's directory; compat: prepend the line
 * `crypto compat ios`. Fails the test on any error. */
struct config *ike_test_config(struct ike_test *t, const char *fixture, bool compat);
/* An inline config text (name used in diagnostics). */
struct config *ike_test_config_text(struct ike_test *t, const char *name, const char *text);
struct pki_store *ike_test_store(const struct config *cfg);

/* Trace capture: a struct ike_trace whose lines accumulate here. */
struct ike_test_lines {
	char **v;
	size_t n;
	struct ike_trace tr;
};
void ike_test_lines_init(struct ike_test_lines *l);
void ike_test_lines_free(struct ike_test_lines *l);

/* expect[] appear in lines in this order (other lines may come between). */
void ike_assert_in_order(char *const *lines, size_t n, const char *const *expect, size_t ne);
/* lines are exactly expect[]. */
void ike_assert_lines(char *const *lines, size_t n, const char *const *expect, size_t ne);
bool ike_has_line(char *const *lines, size_t n, const char *line);
/* Number of lines starting with prefix. */
size_t ike_count_prefix(char *const *lines, size_t n, const char *prefix);

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#endif
