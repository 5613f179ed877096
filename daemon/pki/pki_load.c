/* Loading trust-points from their PEM files: CA bundle, router certificate, private key
 * and CRLs, with the consistency checks (key matches certificate, certificate issued by
 * the trust-point's CA, CRL signed by it). Errors name the trust-point and the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

#define PKI_FILE_MAX (16u << 20)

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT:
		return "no such file";
	case EACCES:
		return "permission denied";
	case EISDIR:
		return "is a directory";
	case EFBIG:
		return "file too large";
	default:
		return strerror(e);
	}
}

/* Whole file into memory (the caller cleanses it: it may hold a private key). */
static int read_file(const char *path, uint8_t **ret_buf, size_t *ret_len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > PKI_FILE_MAX) {
		r = -EFBIG;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_buf = buf;
	*ret_len = len;
	buf = NULL;
out:
	if (buf) {
		OPENSSL_cleanse(buf, (size_t)st.st_size);
		free(buf);
	}
	close(fd);
	return r;
}

static void wipe_free(uint8_t *buf, size_t len)
{
	if (buf) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
}

static const char *ossl_reason(void)
{
	const char *s = ERR_reason_error_string(ERR_peek_last_error());

	return s ? s : "unknown error";
}

/* True when the PEM reader stopped only because no further block was found. */
static bool pem_at_end(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

/* Every CERTIFICATE block of a file, in file order. */
static int load_certs(const struct pki_trustpoint_def *def, const char *what, const char *path,
		      STACK_OF(X509) * *ret, struct pki_error *err)
{
	STACK_OF(X509) *certs = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	X509 *x;
	int r;

	r = read_file(path, &buf, &len);
	if (r) {
		pki_err_set(err, "trustpoint %s: %s %s: %s", def->name, what, path, errno_text(-r));
		return r;
	}
	certs = sk_X509_new_null();
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!certs || !bio) {
		r = -ENOMEM;
		pki_err_set(err, "trustpoint %s: %s %s: out of memory", def->name, what, path);
		goto out;
	}
	ERR_clear_error();
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			r = -ENOMEM;
			pki_err_set(err, "trustpoint %s: %s %s: out of memory", def->name, what,
				    path);
			goto out;
		}
	}
	if (!pem_at_end()) {
		r = -EINVAL;
		pki_err_set(err, "trustpoint %s: %s %s: bad PEM certificate: %s", def->name, what,
			    path, ossl_reason());
	} else if (sk_X509_num(certs) == 0) {
		r = -EINVAL;
		pki_err_set(err, "trustpoint %s: %s %s: no PEM certificate found", def->name, what,
			    path);
	}
out:
	ERR_clear_error();
	BIO_free(bio);
	wipe_free(buf, len);
	if (r)
		sk_X509_pop_free(certs, X509_free);
	else
		*ret = certs;
	return r;
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	*(bool *)u = true;
	return -1;
}

static int load_key(struct pki_trustpoint *tp, struct pki_error *err)
{
	const char *path = tp->def.private_key;
	bool asked = false;
	uint8_t *buf = NULL;
	size_t len = 0;
	BIO *bio;
	int r;

	r = read_file(path, &buf, &len);
	if (r) {
		pki_err_set(err, "trustpoint %s: private-key %s: %s", tp->def.name, path,
			    errno_text(-r));
		return r;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio) {
		wipe_free(buf, len);
		pki_err_set(err, "trustpoint %s: private-key %s: out of memory", tp->def.name,
			    path);
		return -ENOMEM;
	}
	tp->key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &asked);
	BIO_free(bio);
	wipe_free(buf, len);
	ERR_clear_error();
	if (!tp->key) {
		pki_err_set(err, "trustpoint %s: private-key %s: %s", tp->def.name, path,
			    asked ? "encrypted private keys are not supported"
				  : "no PEM private key found");
		return -EINVAL;
	}
	switch (pki_key_type_of(tp->key)) {
	case PKI_KEY_RSA:
	case PKI_KEY_ECDSA_P256:
	case PKI_KEY_ECDSA_P384:
	case PKI_KEY_ECDSA_P521:
		break;
	default:
		pki_err_set(err,
			    "trustpoint %s: private-key %s: unsupported key type (use RSA or "
			    "ECDSA P-256/P-384/P-521)",
			    tp->def.name, path);
		return -EINVAL;
	}
	if (X509_check_private_key(tp->cert->x509, tp->key) != 1) {
		ERR_clear_error();
		pki_err_set(err,
			    "trustpoint %s: private-key %s: private key does not match certificate",
			    tp->def.name, path);
		return -EINVAL;
	}
	return 0;
}

static bool issued_by(X509 *issuer, X509 *subject)
{
	bool ok = X509_check_issued(issuer, subject) == X509_V_OK &&
		  X509_verify(subject, X509_get0_pubkey(issuer)) == 1;

	ERR_clear_error();
	return ok;
}

/* Index of the issuing CA: the issuer of the router certificate, or else the first bundle
 * certificate that issued no other one in the bundle (the bottom of the chain). */
static int issuing_ca(STACK_OF(X509) * bundle, X509 *router)
{
	int n = sk_X509_num(bundle);

	for (int i = 0; i < n; i++) {
		X509 *ca = sk_X509_value(bundle, i);
		bool leaf = true;

		if (router) {
			if (issued_by(ca, router))
				return i;
			continue;
		}
		for (int j = 0; j < n && leaf; j++)
			if (j != i && issued_by(ca, sk_X509_value(bundle, j)))
				leaf = false;
		if (leaf)
			return i;
	}
	return router ? -1 : 0;
}

static int load_router_cert(struct pki_trustpoint *tp, struct pki_error *err)
{
	const struct pki_trustpoint_def *def = &tp->def;
	STACK_OF(X509) *certs = NULL;
	int r;

	if (!def->private_key) {
		pki_err_set(err, "trustpoint %s: certificate %s: no private-key configured",
			    def->name, def->certificate);
		return -EINVAL;
	}
	if (!def->ca_certificate) {
		pki_err_set(err, "trustpoint %s: certificate %s: no ca-certificate configured",
			    def->name, def->certificate);
		return -EINVAL;
	}
	r = load_certs(def, "certificate", def->certificate, &certs, err);
	if (r)
		return r;
	if (sk_X509_num(certs) != 1) {
		pki_err_set(
		    err,
		    "trustpoint %s: certificate %s: holds %d certificates; put the CA chain "
		    "in ca-certificate",
		    def->name, def->certificate, sk_X509_num(certs));
		sk_X509_pop_free(certs, X509_free);
		return -EINVAL;
	}
	r = pki_cert_from_x509(sk_X509_shift(certs), &tp->cert);
	sk_X509_free(certs);
	if (r) {
		pki_err_set(err, "trustpoint %s: certificate %s: unusable certificate", def->name,
			    def->certificate);
		return r;
	}
	tp->enrolled = tp->cert->not_before;
	return 0;
}

static int load_cas(struct pki_trustpoint *tp, struct pki_error *err)
{
	const struct pki_trustpoint_def *def = &tp->def;
	STACK_OF(X509) *bundle = NULL;
	int first, n, r;

	r = load_certs(def, "ca-certificate", def->ca_certificate, &bundle, err);
	if (r)
		return r;
	first = issuing_ca(bundle, tp->cert ? tp->cert->x509 : NULL);
	if (first < 0) {
		pki_err_set(err,
			    "trustpoint %s: certificate %s: certificate is not issued by the "
			    "trust-point's CA",
			    def->name, def->certificate);
		r = -EINVAL;
		goto out;
	}
	n = sk_X509_num(bundle);
	tp->cas = calloc((size_t)n, sizeof(*tp->cas));
	if (!tp->cas) {
		r = -ENOMEM;
		goto out;
	}
	/* Issuing CA first, then the rest of the bundle in file order. */
	for (int k = -1; k < n; k++) {
		int i = k < 0 ? first : k;
		X509 *x;

		if (k == first)
			continue;
		x = sk_X509_value(bundle, i);
		if (!X509_up_ref(x)) {
			r = -ENOMEM;
			goto out;
		}
		r = pki_cert_from_x509(x, &tp->cas[tp->n_cas]);
		if (r) {
			pki_err_set(err, "trustpoint %s: ca-certificate %s: unusable certificate",
				    def->name, def->ca_certificate);
			goto out;
		}
		tp->n_cas++;
	}
out:
	if (r == -ENOMEM)
		pki_err_set(err, "trustpoint %s: ca-certificate %s: out of memory", def->name,
			    def->ca_certificate);
	sk_X509_pop_free(bundle, X509_free);
	return r;
}

static bool crl_signed_by_bundle(const struct pki_trustpoint *tp, X509_CRL *crl)
{
	for (size_t i = 0; i < tp->n_cas; i++) {
		X509 *ca = tp->cas[i]->x509;

		if (X509_NAME_cmp(X509_get_subject_name(ca), X509_CRL_get_issuer(crl)) == 0 &&
		    X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1)
			return true;
		ERR_clear_error();
	}
	return false;
}

static int load_crls(struct pki_trustpoint *tp, struct pki_error *err)
{
	const struct pki_trustpoint_def *def = &tp->def;
	uint8_t *buf = NULL;
	size_t len = 0;
	X509_CRL *crl;
	BIO *bio;
	int r;

	if (!def->ca_certificate) {
		pki_err_set(err, "trustpoint %s: crl %s: no ca-certificate configured", def->name,
			    def->crl);
		return -EINVAL;
	}
	r = read_file(def->crl, &buf, &len);
	if (r) {
		pki_err_set(err, "trustpoint %s: crl %s: %s", def->name, def->crl, errno_text(-r));
		return r;
	}
	tp->crls = sk_X509_CRL_new_null();
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!tp->crls || !bio) {
		r = -ENOMEM;
		pki_err_set(err, "trustpoint %s: crl %s: out of memory", def->name, def->crl);
		goto out;
	}
	ERR_clear_error();
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL))) {
		if (!sk_X509_CRL_push(tp->crls, crl)) {
			X509_CRL_free(crl);
			r = -ENOMEM;
			pki_err_set(err, "trustpoint %s: crl %s: out of memory", def->name,
				    def->crl);
			goto out;
		}
		if (!crl_signed_by_bundle(tp, crl)) {
			r = -EINVAL;
			pki_err_set(err,
				    "trustpoint %s: crl %s: not signed by the trust-point's CA",
				    def->name, def->crl);
			goto out;
		}
	}
	if (!pem_at_end()) {
		r = -EINVAL;
		pki_err_set(err, "trustpoint %s: crl %s: bad PEM CRL: %s", def->name, def->crl,
			    ossl_reason());
	} else if (sk_X509_CRL_num(tp->crls) == 0) {
		r = -EINVAL;
		pki_err_set(err, "trustpoint %s: crl %s: no PEM CRL found", def->name, def->crl);
	}
out:
	ERR_clear_error();
	BIO_free(bio);
	wipe_free(buf, len);
	return r;
}

void pki_tp_free(struct pki_trustpoint *tp)
{
	if (!tp)
		return;
	for (size_t i = 0; i < tp->n_cas; i++)
		pki_cert_free(tp->cas[i]);
	free(tp->cas);
	pki_cert_free(tp->cert);
	EVP_PKEY_free(tp->key);
	sk_X509_CRL_pop_free(tp->crls, X509_CRL_free);
	free((char *)tp->def.name);
	free((char *)tp->def.ca_certificate);
	free((char *)tp->def.certificate);
	free((char *)tp->def.private_key);
	free((char *)tp->def.crl);
	free(tp);
}

static int dup_opt(const char *s, const char **ret)
{
	*ret = NULL;
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

int pki_tp_load(const struct pki_trustpoint_def *def, struct pki_trustpoint **ret_tp,
		struct pki_error *err)
{
	struct pki_trustpoint *tp;
	int r;

	if (!def->name || !def->name[0]) {
		pki_err_set(err, "trustpoint without a name");
		return -EINVAL;
	}
	tp = calloc(1, sizeof(*tp));
	if (!tp) {
		pki_err_set(err, "trustpoint %s: out of memory", def->name);
		return -ENOMEM;
	}
	tp->def.index = def->index;
	tp->def.revocation = def->revocation;
	r = dup_opt(def->name, &tp->def.name);
	if (!r)
		r = dup_opt(def->ca_certificate, &tp->def.ca_certificate);
	if (!r)
		r = dup_opt(def->certificate, &tp->def.certificate);
	if (!r)
		r = dup_opt(def->private_key, &tp->def.private_key);
	if (!r)
		r = dup_opt(def->crl, &tp->def.crl);
	if (r) {
		pki_err_set(err, "trustpoint %s: out of memory", def->name);
		goto fail;
	}
	if (def->private_key && !def->certificate) {
		pki_err_set(err, "trustpoint %s: private-key %s: no certificate configured",
			    def->name, def->private_key);
		r = -EINVAL;
		goto fail;
	}
	if (def->certificate)
		r = load_router_cert(tp, err);
	if (!r && def->ca_certificate)
		r = load_cas(tp, err);
	if (!r && def->certificate)
		r = load_key(tp, err);
	if (!r && def->crl)
		r = load_crls(tp, err);
	if (r)
		goto fail;
	*ret_tp = tp;
	return 0;
fail:
	pki_tp_free(tp);
	return r;
}
