/* Test PKI generator for the pki unit tests: keys, IOS-style certificates and CRLs made
 * with the OpenSSL API at test time, written as PEM into a temporary directory; the
 * openssl CLI serves as an independent oracle for SPKI hashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "testpki.h"

int tpki_dir_init(struct tpki_dir *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/ikegw-pki-XXXXXX");
	return mkdtemp(d->path) ? 0 : -1;
}

void tpki_dir_cleanup(struct tpki_dir *d)
{
	for (size_t i = 0; i < d->n; i++) {
		unlink(d->files[i]);
		free(d->files[i]);
	}
	d->n = 0;
	if (d->path[0])
		rmdir(d->path);
}

const char *tpki_path(struct tpki_dir *d, const char *name)
{
	char *p;

	for (size_t i = 0; i < d->n; i++) {
		const char *base = strrchr(d->files[i], '/');

		if (base && strcmp(base + 1, name) == 0)
			return d->files[i];
	}
	if (d->n == TPKI_MAX_FILES || asprintf(&p, "%s/%s", d->path, name) < 0)
		return NULL;
	d->files[d->n++] = p;
	return p;
}

time_t tpki_time(int year, int mon, int day, int hour, int min, int sec)
{
	struct tm tm = {.tm_year = year - 1900,
			.tm_mon = mon - 1,
			.tm_mday = day,
			.tm_hour = hour,
			.tm_min = min,
			.tm_sec = sec};

	return timegm(&tm);
}

EVP_PKEY *tpki_rsa(int bits)
{
	return EVP_RSA_gen((unsigned int)bits);
}

EVP_PKEY *tpki_ec(const char *curve)
{
	return EVP_EC_gen(curve);
}

X509_NAME *tpki_name(const char *spec)
{
	X509_NAME *name = X509_NAME_new();
	char *copy = strdup(spec);
	char *save = NULL;

	if (!name || !copy)
		goto fail;
	for (char *rdn = strtok_r(copy, "/", &save); rdn; rdn = strtok_r(NULL, "/", &save)) {
		char *save2 = NULL;
		int set = 0;

		for (char *av = strtok_r(rdn, "+", &save2); av; av = strtok_r(NULL, "+", &save2)) {
			char *eq = strchr(av, '=');

			if (!eq)
				goto fail;
			*eq = '\0';
			if (!X509_NAME_add_entry_by_txt(name, av, MBSTRING_UTF8,
							(const unsigned char *)eq + 1, -1, -1, set))
				goto fail;
			set = -1;
		}
	}
	free(copy);
	return name;
fail:
	free(copy);
	X509_NAME_free(name);
	return NULL;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = e && X509_add_ext(x, e, -1);

	X509_EXTENSION_free(e);
	return ok;
}

X509 *tpki_cert(const struct tpki_cert_spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509_NAME *name = tpki_name(s->subject);
	X509 *x = X509_new();
	X509V3_CTX ctx;
	bool ok;

	ok = name && x && X509_set_version(x, 2) &&
	     ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), s->not_before) &&
	     ASN1_TIME_set(X509_getm_notAfter(x), s->not_after) && X509_set_subject_name(x, name) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) &&
	     X509_set_pubkey(x, key);
	if (ok) {
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
		if (s->ca)
			ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
		if (ok && s->key_usage)
			ok = add_ext(x, &ctx, NID_key_usage, s->key_usage);
		if (ok && s->san)
			ok = add_ext(x, &ctx, NID_subject_alt_name, s->san);
		ok = ok && X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
	}
	X509_NAME_free(name);
	if (!ok) {
		ERR_print_errors_fp(stderr);
		X509_free(x);
		return NULL;
	}
	return x;
}

X509_CRL *tpki_crl(X509 *ca, EVP_PKEY *ca_key, const long *serials, size_t n, time_t last,
		   time_t next)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *tl = ASN1_TIME_set(NULL, last);
	ASN1_TIME *tn = ASN1_TIME_set(NULL, next);
	bool ok;

	ok = crl && tl && tn && X509_CRL_set_version(crl, 1) &&
	     X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) &&
	     X509_CRL_set1_lastUpdate(crl, tl) && X509_CRL_set1_nextUpdate(crl, tn);
	for (size_t i = 0; ok && i < n; i++) {
		X509_REVOKED *rv = X509_REVOKED_new();
		ASN1_INTEGER *sn = ASN1_INTEGER_new();

		ok = rv && sn && ASN1_INTEGER_set(sn, serials[i]) &&
		     X509_REVOKED_set_serialNumber(rv, sn) &&
		     X509_REVOKED_set_revocationDate(rv, tl) && X509_CRL_add0_revoked(crl, rv);
		ASN1_INTEGER_free(sn);
		if (!ok)
			X509_REVOKED_free(rv);
	}
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, ca_key, EVP_sha256()) > 0;
	ASN1_TIME_free(tl);
	ASN1_TIME_free(tn);
	if (!ok) {
		ERR_print_errors_fp(stderr);
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

static BIO *open_out(struct tpki_dir *d, const char *name, const char **ret_path)
{
	const char *path = tpki_path(d, name);

	*ret_path = path;
	return path ? BIO_new_file(path, "w") : NULL;
}

const char *tpki_write_certs(struct tpki_dir *d, const char *name, X509 *const *certs, size_t n)
{
	const char *path;
	BIO *bio = open_out(d, name, &path);
	bool ok = bio != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = PEM_write_bio_X509(bio, certs[i]);
	BIO_free(bio);
	return ok ? path : NULL;
}

const char *tpki_write_cert(struct tpki_dir *d, const char *name, X509 *cert)
{
	return tpki_write_certs(d, name, &cert, 1);
}

const char *tpki_write_key(struct tpki_dir *d, const char *name, EVP_PKEY *key,
			   const char *passphrase)
{
	const char *path;
	BIO *bio = open_out(d, name, &path);
	bool ok;

	ok = bio && PEM_write_bio_PrivateKey(bio, key, passphrase ? EVP_aes_128_cbc() : NULL,
					     (const unsigned char *)passphrase,
					     passphrase ? (int)strlen(passphrase) : 0, NULL, NULL);
	BIO_free(bio);
	return ok ? path : NULL;
}

const char *tpki_write_crl(struct tpki_dir *d, const char *name, X509_CRL *crl)
{
	const char *path;
	BIO *bio = open_out(d, name, &path);
	bool ok = bio && PEM_write_bio_X509_CRL(bio, crl);

	BIO_free(bio);
	return ok ? path : NULL;
}

const char *tpki_write_text(struct tpki_dir *d, const char *name, const char *text)
{
	const char *path = tpki_path(d, name);
	FILE *f = path ? fopen(path, "w") : NULL;
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	return ok ? path : NULL;
}

size_t tpki_name_der(const X509_NAME *name, unsigned char *buf, size_t max)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(name, &der);
	size_t r = 0;

	if (n > 0 && (size_t)n <= max) {
		memcpy(buf, der, (size_t)n);
		r = (size_t)n;
	}
	OPENSSL_free(der);
	return r;
}

int tpki_cli_spki_sha1(const char *cert_pem_path, unsigned char out[PKI_SHA1_LEN])
{
	char cmd[512], hex[128] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -in '%s' -noout -pubkey | openssl pkey -pubin -outform DER | "
		 "sha1sum",
		 cert_pem_path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(hex, sizeof(hex), p))
		hex[0] = '\0';
	if (pclose(p) != 0 || strlen(hex) < 2 * PKI_SHA1_LEN)
		return -1;
	for (int i = 0; i < PKI_SHA1_LEN; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static X509 *router_cert(const char *subject, long serial, time_t nb, EVP_PKEY *key, X509 *ca,
			 EVP_PKEY *ca_key)
{
	struct tpki_cert_spec s = {.subject = subject,
				   .serial = serial,
				   .not_before = nb,
				   .not_after = nb + 365 * 86400,
				   .key_usage = TPKI_ROUTER_KU};

	return tpki_cert(&s, key, ca, ca_key);
}

int tpki_world_init(struct tpki_world *w)
{
	time_t ca_nb = tpki_time(2013, 6, 1, 0, 0, 0), ca_na = tpki_time(2023, 6, 1, 0, 0, 0);
	struct tpki_cert_spec ca1 = {
	    "/O=com/O=cisco/CN=CA1", 1, ca_nb, ca_na, true, TPKI_CA_KU, NULL};
	struct tpki_cert_spec ca2 = {
	    "/O=com/O=cisco/CN=CA2", 1, ca_nb, ca_na, true, TPKI_CA_KU, NULL};

	memset(w, 0, sizeof(*w));
	if (tpki_dir_init(&w->dir))
		return -1;
	w->ca1_key = tpki_rsa(2048);
	w->ca2_key = tpki_rsa(2048);
	w->r1_key = tpki_rsa(2048);
	w->r2_key = tpki_rsa(2048);
	if (!w->ca1_key || !w->ca2_key || !w->r1_key || !w->r2_key)
		return -1;
	w->ca1 = tpki_cert(&ca1, w->ca1_key, NULL, NULL);
	w->ca2 = tpki_cert(&ca2, w->ca2_key, NULL, NULL);
	if (!w->ca1 || !w->ca2)
		return -1;
	/* Seed 001: R1 lists CA2 first (13:25:01), R2 lists CA1 first (13:23:49). */
	w->r1_ca1 = router_cert(TPKI_R1_SUBJECT, 4, tpki_time(2013, 6, 17, 13, 21, 10), w->r1_key,
				w->ca1, w->ca1_key);
	w->r1_ca2 = router_cert(TPKI_R1_SUBJECT, 3, tpki_time(2013, 6, 17, 13, 25, 1), w->r1_key,
				w->ca2, w->ca2_key);
	w->r2_ca1 = router_cert(TPKI_R2_SUBJECT, 2, tpki_time(2013, 6, 17, 13, 23, 49), w->r2_key,
				w->ca1, w->ca1_key);
	w->r2_ca2 = router_cert(TPKI_R2_SUBJECT, 2, tpki_time(2013, 6, 17, 13, 22, 30), w->r2_key,
				w->ca2, w->ca2_key);
	if (!w->r1_ca1 || !w->r1_ca2 || !w->r2_ca1 || !w->r2_ca2)
		return -1;
	w->ca1_pem = tpki_write_cert(&w->dir, "ca1.pem", w->ca1);
	w->ca2_pem = tpki_write_cert(&w->dir, "ca2.pem", w->ca2);
	w->r1_key_pem = tpki_write_key(&w->dir, "r1.key", w->r1_key, NULL);
	w->r2_key_pem = tpki_write_key(&w->dir, "r2.key", w->r2_key, NULL);
	w->r1_ca1_pem = tpki_write_cert(&w->dir, "r1-ca1.pem", w->r1_ca1);
	w->r1_ca2_pem = tpki_write_cert(&w->dir, "r1-ca2.pem", w->r1_ca2);
	w->r2_ca1_pem = tpki_write_cert(&w->dir, "r2-ca1.pem", w->r2_ca1);
	w->r2_ca2_pem = tpki_write_cert(&w->dir, "r2-ca2.pem", w->r2_ca2);
	if (!w->ca1_pem || !w->ca2_pem || !w->r1_key_pem || !w->r2_key_pem || !w->r1_ca1_pem ||
	    !w->r1_ca2_pem || !w->r2_ca1_pem || !w->r2_ca2_pem)
		return -1;
	return 0;
}

void tpki_world_free(struct tpki_world *w)
{
	X509_free(w->ca1);
	X509_free(w->ca2);
	X509_free(w->r1_ca1);
	X509_free(w->r1_ca2);
	X509_free(w->r2_ca1);
	X509_free(w->r2_ca2);
	EVP_PKEY_free(w->ca1_key);
	EVP_PKEY_free(w->ca2_key);
	EVP_PKEY_free(w->r1_key);
	EVP_PKEY_free(w->r2_key);
	tpki_dir_cleanup(&w->dir);
}

void tpki_world_defs(const struct tpki_world *w, int router, struct pki_trustpoint_def defs[2])
{
	defs[0] = (struct pki_trustpoint_def){
	    .name = "IOSCA1",
	    .index = 0,
	    .ca_certificate = w->ca1_pem,
	    .certificate = router == 1 ? w->r1_ca1_pem : w->r2_ca1_pem,
	    .private_key = router == 1 ? w->r1_key_pem : w->r2_key_pem,
	};
	defs[1] = (struct pki_trustpoint_def){
	    .name = "IOSCA2",
	    .index = 1,
	    .ca_certificate = w->ca2_pem,
	    .certificate = router == 1 ? w->r1_ca2_pem : w->r2_ca2_pem,
	    .private_key = router == 1 ? w->r1_key_pem : w->r2_key_pem,
	};
}

time_t tpki_world_now(void)
{
	return tpki_time(2013, 12, 1, 0, 0, 0);
}
