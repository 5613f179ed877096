/* Internals of the PKI module shared by its source files: the structures behind the
 * opaque handles of pki.h, a small growable string with a sticky error, and helpers.
 * Not installed, not included outside daemon/pki/.
 */
#ifndef IKEGW_PKI_INTERNAL_H
#define IKEGW_PKI_INTERNAL_H

#include <stdarg.h>

#include <openssl/x509.h>

#include "pki.h"

struct pki_idbuf {
	struct pki_identity id;
	uint8_t *owned; /* backing store of id.data */
};

struct pki_cert {
	X509 *x509;
	uint8_t *der;
	size_t der_len;
	uint8_t *subject_der;
	size_t subject_der_len;
	uint8_t *issuer_der;
	size_t issuer_der_len;
	uint8_t spki_sha1[PKI_SHA1_LEN];
	char *subject_str;
	char *issuer_str;
	char *serial_hex;
	time_t not_before;
	time_t not_after;
	enum pki_key_type key_type;
	int key_bits;
	struct pki_idbuf *ids;
	size_t n_ids;
};

struct pki_trustpoint {
	struct pki_trustpoint_def def; /* strings strdup'd */
	struct pki_cert **cas;	       /* [0] = issuing CA */
	size_t n_cas;
	struct pki_cert *cert; /* router certificate or NULL */
	EVP_PKEY *key;	       /* secret: memory only, never printed */
	STACK_OF(X509_CRL) * crls;
	time_t enrolled;
	size_t pos; /* position in the array given to pki_store_load() */
};

struct pki_store {
	struct pki_trustpoint **tps; /* store order */
	struct pki_trustpoint **by_def;
	size_t n;
};

/* Growable string; after the first failed allocation every call is a no-op. */
struct pki_sbuf {
	char *s;
	size_t len;
	size_t cap;
	bool failed;
};

void pki_sbuf_putn(struct pki_sbuf *b, const char *s, size_t n);
void pki_sbuf_puts(struct pki_sbuf *b, const char *s);
void pki_sbuf_printf(struct pki_sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the string (ownership to the caller) or NULL after an allocation failure. */
char *pki_sbuf_take(struct pki_sbuf *b);

void pki_err_set(struct pki_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wrap an X509 (takes the reference) into a pki_cert with its cached fields. */
int pki_cert_from_x509(X509 *x, struct pki_cert **ret_cert);
/* One trust-point from its definition (pki_load.c). */
int pki_tp_load(const struct pki_trustpoint_def *def, struct pki_trustpoint **ret_tp,
		struct pki_error *err);
void pki_tp_free(struct pki_trustpoint *tp);

/* Key type / size of a public or private key. */
enum pki_key_type pki_key_type_of(const EVP_PKEY *pkey);

/* IOS DN text of one name into b (see pki_dn_format()), rdn_sep between RDNs. */
void pki_name_format(struct pki_sbuf *b, const X509_NAME *name, const char *rdn_sep);
/* Subject attribute value as text (first occurrence), for show output; NULL if absent. */
char *pki_name_attr_text(const X509_NAME *name, int nid);

#endif
