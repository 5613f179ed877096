/* Test PKI built at test time with the OpenSSL API (no key material in the tree): keys,
 * certificates with IOS-style subjects, CRLs, PEM files in a temporary directory, and
 * seed 001's world (CA1, CA2; R1's and R2's certificates from both).
 */
#ifndef IKEGW_TESTPKI_H
#define IKEGW_TESTPKI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki.h"

#define TPKI_MAX_FILES 64

struct tpki_dir {
	char path[64];
	char *files[TPKI_MAX_FILES];
	size_t n;
};

int tpki_dir_init(struct tpki_dir *d);
void tpki_dir_cleanup(struct tpki_dir *d);
/* dir/name, owned by d (removed by tpki_dir_cleanup()). */
const char *tpki_path(struct tpki_dir *d, const char *name);

time_t tpki_time(int year, int mon, int day, int hour, int min, int sec);
EVP_PKEY *tpki_rsa(int bits);
EVP_PKEY *tpki_ec(const char *curve);

/* "/O=com/O=cisco/CN=CA1": RDNs in DER order, '+' joins attributes of one RDN. */
X509_NAME *tpki_name(const char *spec);

struct tpki_cert_spec {
	const char *subject;
	long serial;
	time_t not_before;
	time_t not_after;
	bool ca;
	const char *key_usage; /* OpenSSL syntax, e.g. "critical,digitalSignature"; NULL: none */
	const char *san;       /* e.g. "DNS:a.example,IP:10.0.0.1"; NULL: none */
};

/* issuer NULL: self-signed with key. */
X509 *tpki_cert(const struct tpki_cert_spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key);
X509_CRL *tpki_crl(X509 *ca, EVP_PKEY *ca_key, const long *serials, size_t n, time_t last,
		   time_t next);

const char *tpki_write_certs(struct tpki_dir *d, const char *name, X509 *const *certs, size_t n);
const char *tpki_write_cert(struct tpki_dir *d, const char *name, X509 *cert);
const char *tpki_write_key(struct tpki_dir *d, const char *name, EVP_PKEY *key,
			   const char *passphrase);
const char *tpki_write_crl(struct tpki_dir *d, const char *name, X509_CRL *crl);
const char *tpki_write_text(struct tpki_dir *d, const char *name, const char *text);

/* DER of a name / of a certificate's SPKI SHA-1 computed by the openssl CLI (oracle). */
size_t tpki_name_der(const X509_NAME *name, unsigned char *buf, size_t max);
int tpki_cli_spki_sha1(const char *cert_pem_path, unsigned char out[PKI_SHA1_LEN]);

/* Seed 001: IOS CA1/CA2 and the two routers' certificates, dates as in the seed. */
struct tpki_world {
	struct tpki_dir dir;
	EVP_PKEY *ca1_key, *ca2_key, *r1_key, *r2_key;
	X509 *ca1, *ca2, *r1_ca1, *r1_ca2, *r2_ca1, *r2_ca2;
	const char *ca1_pem, *ca2_pem, *r1_key_pem, *r2_key_pem;
	const char *r1_ca1_pem, *r1_ca2_pem, *r2_ca1_pem, *r2_ca2_pem;
};

#define TPKI_R1_SUBJECT                                                                            \
	"/O=com/O=cisco/OU=IT/CN=R1/serialNumber=100+unstructuredAddress=192.168.0.1"              \
	"+unstructuredName=R1.cisco.com"
#define TPKI_R2_SUBJECT                                                                            \
	"/O=com/O=cisco/OU=IT/CN=R2/serialNumber=101+unstructuredAddress=192.168.0.2"              \
	"+unstructuredName=R2.cisco.com"
#define TPKI_ROUTER_KU "critical,digitalSignature,keyEncipherment"
#define TPKI_CA_KU "critical,keyCertSign,cRLSign"

int tpki_world_init(struct tpki_world *w);
void tpki_world_free(struct tpki_world *w);
/* IOSCA1 (index 0) and IOSCA2 (index 1) of router 1 or 2, revocation-check none. */
void tpki_world_defs(const struct tpki_world *w, int router, struct pki_trustpoint_def defs[2]);
/* A time when every certificate of the world is valid. */
time_t tpki_world_now(void);

#endif
