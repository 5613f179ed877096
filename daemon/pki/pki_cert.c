/* Parsed certificates (struct pki_cert): DER, names, SPKI hash, validity and key type
 * cached at parse time, and the identities a certificate carries (subject DN,
 * subjectAltName, IOS subject attributes hostname=/ipaddress=) with the matching rules.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

enum pki_key_type pki_key_type_of(const EVP_PKEY *pkey)
{
	char group[64];
	size_t glen = 0;
	int nid;

	if (!pkey)
		return PKI_KEY_NONE;
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		return PKI_KEY_RSA;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen)) {
			ERR_clear_error();
			return PKI_KEY_OTHER;
		}
		nid = OBJ_txt2nid(group);
		if (nid == NID_X9_62_prime256v1)
			return PKI_KEY_ECDSA_P256;
		if (nid == NID_secp384r1)
			return PKI_KEY_ECDSA_P384;
		if (nid == NID_secp521r1)
			return PKI_KEY_ECDSA_P521;
		return PKI_KEY_OTHER;
	default:
		return PKI_KEY_OTHER;
	}
}

static int asn1_time_to_time_t(const ASN1_TIME *t, time_t *ret)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return -EINVAL;
	}
	*ret = timegm(&tm);
	return 0;
}

static int add_id(struct pki_cert *c, enum pki_id_type type, enum pki_id_source src,
		  const void *data, size_t len)
{
	struct pki_idbuf *ids;
	uint8_t *copy;

	if (len == 0)
		return 0;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	ids = realloc(c->ids, (c->n_ids + 1) * sizeof(*ids));
	if (!ids) {
		free(copy);
		return -ENOMEM;
	}
	c->ids = ids;
	ids[c->n_ids].owned = copy;
	ids[c->n_ids].id =
	    (struct pki_identity){.type = type, .source = src, .data = copy, .len = len};
	c->n_ids++;
	return 0;
}

static int collect_san(struct pki_cert *c)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(c->x509, NID_subject_alt_name, NULL, NULL);
	int r = 0;

	/* An absent or undecodable SAN gives no identities; validation judges the rest. */
	ERR_clear_error();
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && r == 0; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s;

		switch (g->type) {
		case GEN_DNS:
			s = g->d.dNSName;
			r = add_id(c, PKI_ID_FQDN, PKI_IDSRC_SAN, ASN1_STRING_get0_data(s),
				   (size_t)ASN1_STRING_length(s));
			break;
		case GEN_EMAIL:
			s = g->d.rfc822Name;
			r = add_id(c, PKI_ID_EMAIL, PKI_IDSRC_SAN, ASN1_STRING_get0_data(s),
				   (size_t)ASN1_STRING_length(s));
			break;
		case GEN_IPADD:
			s = g->d.iPAddress;
			if (ASN1_STRING_length(s) == 4)
				r = add_id(c, PKI_ID_IPV4, PKI_IDSRC_SAN, ASN1_STRING_get0_data(s),
					   4);
			else if (ASN1_STRING_length(s) == 16)
				r = add_id(c, PKI_ID_IPV6, PKI_IDSRC_SAN, ASN1_STRING_get0_data(s),
					   16);
			break;
		default:
			break;
		}
	}
	GENERAL_NAMES_free(gens);
	return r;
}

static int add_ip_attr(struct pki_cert *c, const ASN1_STRING *v)
{
	unsigned char *text = NULL;
	uint8_t addr[16];
	char buf[INET6_ADDRSTRLEN];
	int n, r = 0;

	n = ASN1_STRING_to_UTF8(&text, v);
	if (n < 0) {
		ERR_clear_error();
		return 0;
	}
	if ((size_t)n < sizeof(buf) && !memchr(text, '\0', (size_t)n)) {
		memcpy(buf, text, (size_t)n);
		buf[n] = '\0';
		if (inet_pton(AF_INET, buf, addr) == 1)
			r = add_id(c, PKI_ID_IPV4, PKI_IDSRC_SUBJECT_ATTR, addr, 4);
		else if (inet_pton(AF_INET6, buf, addr) == 1)
			r = add_id(c, PKI_ID_IPV6, PKI_IDSRC_SUBJECT_ATTR, addr, 16);
	}
	OPENSSL_free(text);
	return r;
}

static int add_text_attr(struct pki_cert *c, enum pki_id_type type, const ASN1_STRING *v)
{
	unsigned char *text = NULL;
	int n = ASN1_STRING_to_UTF8(&text, v);
	int r;

	if (n < 0) {
		ERR_clear_error();
		return 0;
	}
	r = add_id(c, type, PKI_IDSRC_SUBJECT_ATTR, text, (size_t)n);
	OPENSSL_free(text);
	return r;
}

static int collect_identities(struct pki_cert *c)
{
	const X509_NAME *subj = X509_get_subject_name(c->x509);
	int r;

	r = add_id(c, PKI_ID_DN, PKI_IDSRC_SUBJECT, c->subject_der, c->subject_der_len);
	if (r == 0)
		r = collect_san(c);
	for (int i = 0; r == 0 && i < X509_NAME_entry_count(subj); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(subj, i);
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);

		switch (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e))) {
		case NID_pkcs9_unstructuredName:
			r = add_text_attr(c, PKI_ID_FQDN, v);
			break;
		case NID_pkcs9_unstructuredAddress:
			r = add_ip_attr(c, v);
			break;
		case NID_pkcs9_emailAddress:
			r = add_text_attr(c, PKI_ID_EMAIL, v);
			break;
		default:
			break;
		}
	}
	return r;
}

static int der_of_name(const X509_NAME *name, uint8_t **ret, size_t *ret_len)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(name, &der);

	if (n <= 0) {
		ERR_clear_error();
		return -EINVAL;
	}
	*ret = der;
	*ret_len = (size_t)n;
	return 0;
}

static char *serial_hex(const X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	char *out = NULL;

	if (hex)
		out = strdup(strcmp(hex, "0") == 0 ? "00" : hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return out;
}

static int spki_sha1(const X509 *x, uint8_t out[PKI_SHA1_LEN])
{
	unsigned char *der = NULL;
	unsigned int mdlen = 0;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	int r = 0;

	if (n <= 0 || !EVP_Digest(der, (size_t)n, out, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != PKI_SHA1_LEN)
		r = -EINVAL;
	OPENSSL_free(der);
	ERR_clear_error();
	return r;
}

void pki_cert_free(struct pki_cert *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_ids; i++)
		free(c->ids[i].owned);
	free(c->ids);
	OPENSSL_free(c->der);
	OPENSSL_free(c->subject_der);
	OPENSSL_free(c->issuer_der);
	free(c->subject_str);
	free(c->issuer_str);
	free(c->serial_hex);
	X509_free(c->x509);
	free(c);
}

static char *name_str(const X509_NAME *name)
{
	struct pki_sbuf b = {0};

	pki_name_format(&b, name, ",");
	return pki_sbuf_take(&b);
}

int pki_cert_from_x509(X509 *x, struct pki_cert **ret_cert)
{
	struct pki_cert *c = calloc(1, sizeof(*c));
	unsigned char *der = NULL;
	EVP_PKEY *pub;
	int n, r;

	if (!c) {
		X509_free(x);
		return -ENOMEM;
	}
	c->x509 = x;
	n = i2d_X509(x, &der);
	if (n <= 0) {
		r = -EINVAL;
		goto fail;
	}
	c->der = der;
	c->der_len = (size_t)n;
	r = der_of_name(X509_get_subject_name(x), &c->subject_der, &c->subject_der_len);
	if (r == 0)
		r = der_of_name(X509_get_issuer_name(x), &c->issuer_der, &c->issuer_der_len);
	if (r == 0)
		r = spki_sha1(x, c->spki_sha1);
	if (r == 0)
		r = asn1_time_to_time_t(X509_get0_notBefore(x), &c->not_before);
	if (r == 0)
		r = asn1_time_to_time_t(X509_get0_notAfter(x), &c->not_after);
	if (r)
		goto fail;
	c->subject_str = name_str(X509_get_subject_name(x));
	c->issuer_str = name_str(X509_get_issuer_name(x));
	c->serial_hex = serial_hex(x);
	if (!c->subject_str || !c->issuer_str || !c->serial_hex) {
		r = -ENOMEM;
		goto fail;
	}
	pub = X509_get0_pubkey(x);
	if (!pub) {
		r = -EINVAL;
		goto fail;
	}
	c->key_type = pki_key_type_of(pub);
	c->key_bits = EVP_PKEY_get_bits(pub);
	r = collect_identities(c);
	if (r)
		goto fail;
	*ret_cert = c;
	return 0;
fail:
	ERR_clear_error();
	pki_cert_free(c);
	return r;
}

int pki_cert_from_der(const uint8_t *der, size_t len, struct pki_cert **ret_cert,
		      struct pki_error *err)
{
	const unsigned char *p = der;
	X509 *x;
	int r;

	if (!der || len == 0 || len > LONG_MAX) {
		pki_err_set(err, "empty certificate");
		return -EINVAL;
	}
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		pki_err_set(err, "malformed certificate (%zu bytes)", len);
		return -EINVAL;
	}
	r = pki_cert_from_x509(x, ret_cert);
	if (r)
		pki_err_set(err, "unusable certificate: %s",
			    r == -ENOMEM ? "out of memory" : "bad encoding");
	return r;
}

const uint8_t *pki_cert_der(const struct pki_cert *c, size_t *ret_len)
{
	*ret_len = c->der_len;
	return c->der;
}

const uint8_t *pki_cert_subject_der(const struct pki_cert *c, size_t *ret_len)
{
	*ret_len = c->subject_der_len;
	return c->subject_der;
}

const uint8_t *pki_cert_issuer_der(const struct pki_cert *c, size_t *ret_len)
{
	*ret_len = c->issuer_der_len;
	return c->issuer_der;
}

const uint8_t *pki_cert_spki_sha1(const struct pki_cert *c)
{
	return c->spki_sha1;
}

const char *pki_cert_subject_str(const struct pki_cert *c)
{
	return c->subject_str;
}

const char *pki_cert_issuer_str(const struct pki_cert *c)
{
	return c->issuer_str;
}

const char *pki_cert_serial_hex(const struct pki_cert *c)
{
	return c->serial_hex;
}

time_t pki_cert_not_before(const struct pki_cert *c)
{
	return c->not_before;
}

time_t pki_cert_not_after(const struct pki_cert *c)
{
	return c->not_after;
}

enum pki_key_type pki_cert_key_type(const struct pki_cert *c)
{
	return c->key_type;
}

int pki_cert_key_bits(const struct pki_cert *c)
{
	return c->key_bits;
}

size_t pki_cert_identities(const struct pki_cert *c, struct pki_identity *ret_ids, size_t max)
{
	for (size_t i = 0; i < c->n_ids && i < max; i++)
		ret_ids[i] = c->ids[i].id;
	return c->n_ids;
}

static size_t strip_dot(const uint8_t *s, size_t len)
{
	return (len > 1 && s[len - 1] == '.') ? len - 1 : len;
}

static bool ci_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

static bool fqdn_equal(const struct pki_identity *a, const struct pki_identity *b)
{
	return ci_equal(a->data, strip_dot(a->data, a->len), b->data, strip_dot(b->data, b->len));
}

/* local@domain: local part exact, domain case-insensitive (RFC 5280 7.5). */
static bool email_equal(const struct pki_identity *a, const struct pki_identity *b)
{
	const uint8_t *at_a = memrchr(a->data, '@', a->len);
	const uint8_t *at_b = memrchr(b->data, '@', b->len);
	size_t la, lb;

	if (!at_a || !at_b)
		return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
	la = (size_t)(at_a - a->data);
	lb = (size_t)(at_b - b->data);
	return la == lb && memcmp(a->data, b->data, la) == 0 &&
	       ci_equal(at_a, a->len - la, at_b, b->len - lb);
}

static bool dn_equal(const struct pki_cert *c, const struct pki_identity *id)
{
	const unsigned char *p = id->data;
	X509_NAME *name;
	bool eq;

	if (id->len > LONG_MAX)
		return false;
	name = d2i_X509_NAME(NULL, &p, (long)id->len);
	eq = name && p == id->data + id->len &&
	     X509_NAME_cmp(name, X509_get_subject_name(c->x509)) == 0;
	X509_NAME_free(name);
	ERR_clear_error();
	return eq;
}

bool pki_cert_has_identity(const struct pki_cert *c, const struct pki_identity *id)
{
	if (!id || !id->data || id->len == 0)
		return false;
	if (id->type == PKI_ID_DN)
		return dn_equal(c, id);
	for (size_t i = 0; i < c->n_ids; i++) {
		const struct pki_identity *have = &c->ids[i].id;

		if (have->type != id->type)
			continue;
		switch (id->type) {
		case PKI_ID_FQDN:
			if (fqdn_equal(have, id))
				return true;
			break;
		case PKI_ID_EMAIL:
			if (email_equal(have, id))
				return true;
			break;
		case PKI_ID_IPV4:
		case PKI_ID_IPV6:
			if (have->len == id->len && memcmp(have->data, id->data, id->len) == 0)
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}
