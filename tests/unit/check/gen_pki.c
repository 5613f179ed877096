/*
 * gen_pki DIR: writes seed 001's PKI into DIR for the CLI tests, valid at the current time
 * (the binaries validate against the clock): ca1/ca2 (.pem, .crl), r1.key, r2.key and the
 * routers' certificates with seed 001's enrollment order (R1: CA2 newest; R2: CA1 newest),
 * plus r1-ca1-new.pem, R1's CA1 certificate enrolled after its CA2 one (the other order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testpki.h"

static X509 *router(const char *subject, long serial, time_t nb, EVP_PKEY *key, X509 *ca,
		    EVP_PKEY *ca_key)
{
	struct tpki_cert_spec s = { .subject = subject,
				    .serial = serial,
				    .not_before = nb,
				    .not_after = nb + 3650L * 86400,
				    .key_usage = TPKI_ROUTER_KU };

	return tpki_cert(&s, key, ca, ca_key);
}

int main(int argc, char **argv)
{
	time_t now = time(NULL), day = 86400;
	struct tpki_cert_spec s1 = {
		"/O=com/O=cisco/CN=CA1", 1, now - 30 * day, now + 3650 * day, true, TPKI_CA_KU, NULL
	};
	struct tpki_cert_spec s2 = {
		"/O=com/O=cisco/CN=CA2", 1, now - 30 * day, now + 3650 * day, true, TPKI_CA_KU, NULL
	};
	static const char *const names[] = { "r1-ca1.pem", "r1-ca2.pem", "r1-ca1-new.pem",
					     "r2-ca1.pem", "r2-ca2.pem" };
	EVP_PKEY *k1 = tpki_rsa(2048), *k2 = tpki_rsa(2048);
	EVP_PKEY *kr1 = tpki_rsa(2048), *kr2 = tpki_rsa(2048);
	X509 *ca1 = NULL, *ca2 = NULL, *rc[5] = { NULL };
	X509_CRL *c1 = NULL, *c2 = NULL;
	struct tpki_dir d;
	bool ok;

	if (argc != 2 || strlen(argv[1]) >= sizeof(d.path)) {
		fprintf(stderr, "usage: gen_pki DIR (shorter than %zu characters)\n",
			sizeof(d.path));
		return 2;
	}
	memset(&d, 0, sizeof(d));
	snprintf(d.path, sizeof(d.path), "%s", argv[1]);
	ok = k1 && k2 && kr1 && kr2;
	if (ok) {
		ca1 = tpki_cert(&s1, k1, NULL, NULL);
		ca2 = tpki_cert(&s2, k2, NULL, NULL);
	}
	if (ca1 && ca2) {
		c1 = tpki_crl(ca1, k1, NULL, 0, now - day, now + 30 * day);
		c2 = tpki_crl(ca2, k2, NULL, 0, now - day, now + 30 * day);
		/* seed 001: R1 enrolled CA2 last, R2 enrolled CA1 last */
		rc[0] = router(TPKI_R1_SUBJECT, 4, now - 10 * day, kr1, ca1, k1);
		rc[1] = router(TPKI_R1_SUBJECT, 3, now - 5 * day, kr1, ca2, k2);
		rc[2] = router(TPKI_R1_SUBJECT, 5, now - 2 * day, kr1, ca1, k1);
		rc[3] = router(TPKI_R2_SUBJECT, 2, now - 6 * day, kr2, ca1, k1);
		rc[4] = router(TPKI_R2_SUBJECT, 2, now - 8 * day, kr2, ca2, k2);
	}
	ok = ok && ca1 && ca2 && c1 && c2 && tpki_write_cert(&d, "ca1.pem", ca1) &&
	     tpki_write_cert(&d, "ca2.pem", ca2) && tpki_write_crl(&d, "ca1.crl", c1) &&
	     tpki_write_crl(&d, "ca2.crl", c2) && tpki_write_key(&d, "r1.key", kr1, NULL) &&
	     tpki_write_key(&d, "r2.key", kr2, NULL);
	for (size_t i = 0; i < 5; i++)
		ok = ok && rc[i] && tpki_write_cert(&d, names[i], rc[i]);
	for (size_t i = 0; i < 5; i++)
		X509_free(rc[i]);
	X509_free(ca1);
	X509_free(ca2);
	X509_CRL_free(c1);
	X509_CRL_free(c2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(kr1);
	EVP_PKEY_free(kr2);
	for (size_t i = 0; i < d.n; i++)
		free(d.files[i]);
	if (!ok) {
		fprintf(stderr, "gen_pki: could not write the PKI into %s\n", argv[1]);
		return 1;
	}
	return 0;
}
