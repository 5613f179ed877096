/* Distinguished names as IOS prints them in debug lines and `show crypto pki` output
 * ("serialNumber=100+ipaddress=192.168.0.1+hostname=R1.cisco.com,cn=R1,ou=IT,o=cisco,o=com"),
 * plus the module's small string builder and error helper.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>

#include "pki_internal.h"

void pki_sbuf_putn(struct pki_sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void pki_sbuf_puts(struct pki_sbuf *b, const char *s)
{
	pki_sbuf_putn(b, s, strlen(s));
}

void pki_sbuf_printf(struct pki_sbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		pki_sbuf_putn(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);

	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pki_sbuf_putn(b, big, (size_t)n);
	free(big);
}

char *pki_sbuf_take(struct pki_sbuf *b)
{
	char *s;

	if (!b->failed && !b->s)
		pki_sbuf_putn(b, "", 0);
	if (b->failed) {
		free(b->s);
		*b = (struct pki_sbuf){0};
		return NULL;
	}
	s = b->s;
	*b = (struct pki_sbuf){0};
	return s;
}

void pki_err_set(struct pki_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* IOS's attribute names; others fall back to OpenSSL's short name in lower case. */
static const struct {
	int nid;
	const char *name;
} attr_names[] = {
    {NID_commonName, "cn"},
    {NID_organizationName, "o"},
    {NID_organizationalUnitName, "ou"},
    {NID_countryName, "c"},
    {NID_localityName, "l"},
    {NID_stateOrProvinceName, "st"},
    {NID_domainComponent, "dc"},
    {NID_serialNumber, "serialNumber"},
    {NID_pkcs9_unstructuredName, "hostname"},
    {NID_pkcs9_unstructuredAddress, "ipaddress"},
    {NID_pkcs9_emailAddress, "ea"},
};

static void put_attr_name(struct pki_sbuf *b, const ASN1_OBJECT *obj)
{
	int nid = OBJ_obj2nid(obj);
	char oid[128];
	const char *sn;

	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		if (attr_names[i].nid == nid) {
			pki_sbuf_puts(b, attr_names[i].name);
			return;
		}
	}
	sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
	if (!sn) {
		if (OBJ_obj2txt(oid, sizeof(oid), obj, 1) <= 0)
			snprintf(oid, sizeof(oid), "?");
		pki_sbuf_puts(b, oid);
		return;
	}
	for (; *sn; sn++) {
		char c = (*sn >= 'A' && *sn <= 'Z') ? (char)(*sn - 'A' + 'a') : *sn;

		pki_sbuf_putn(b, &c, 1);
	}
}

/* Printable text as is; control bytes as \xNN so a hostile name cannot forge log lines. */
static void put_sanitized(struct pki_sbuf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			pki_sbuf_printf(b, "\\x%02x", s[i]);
		else
			pki_sbuf_putn(b, (const char *)&s[i], 1);
	}
}

static void put_hex(struct pki_sbuf *b, const unsigned char *s, size_t n)
{
	pki_sbuf_puts(b, "#");
	for (size_t i = 0; i < n; i++)
		pki_sbuf_printf(b, "%02x", s[i]);
}

static void put_value(struct pki_sbuf *b, const ASN1_STRING *v)
{
	const unsigned char *raw = ASN1_STRING_get0_data(v);
	int raw_len = ASN1_STRING_length(v);
	unsigned char *utf8 = NULL;
	int n;

	if (raw_len < 0)
		raw_len = 0;
	n = ASN1_STRING_to_UTF8(&utf8, v);
	if (n < 0) {
		ERR_clear_error();
		put_hex(b, raw, (size_t)raw_len);
		return;
	}
	put_sanitized(b, utf8, (size_t)n);
	OPENSSL_free(utf8);
}

void pki_name_format(struct pki_sbuf *b, const X509_NAME *name, const char *rdn_sep)
{
	int i = X509_NAME_entry_count(name) - 1;
	bool first = true;

	/* RDNs from the last (most specific) to the first; inside one, SET order. */
	while (i >= 0) {
		int set = X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i));
		int start = i;

		while (start > 0 &&
		       X509_NAME_ENTRY_set(X509_NAME_get_entry(name, start - 1)) == set)
			start--;
		if (!first)
			pki_sbuf_puts(b, rdn_sep);
		first = false;
		for (int j = start; j <= i; j++) {
			const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, j);
			const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);

			if (j > start)
				pki_sbuf_puts(b, "+");
			put_attr_name(b, obj);
			pki_sbuf_puts(b, "=");
			put_value(b, X509_NAME_ENTRY_get_data(e));
		}
		i = start - 1;
	}
}

char *pki_name_attr_text(const X509_NAME *name, int nid)
{
	struct pki_sbuf b = {0};
	int idx = X509_NAME_get_index_by_NID(name, nid, -1);

	if (idx < 0)
		return NULL;
	put_value(&b, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
	return pki_sbuf_take(&b);
}

int pki_dn_format(const uint8_t *der, size_t len, char *buf, size_t buf_len)
{
	const unsigned char *p = der;
	struct pki_sbuf b = {0};
	X509_NAME *name;
	char *text;
	int r = 0;

	if (buf_len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (!der || len == 0 || len > LONG_MAX)
		return -EINVAL;
	name = d2i_X509_NAME(NULL, &p, (long)len);
	if (!name || p != der + len) {
		X509_NAME_free(name);
		ERR_clear_error();
		return -EINVAL;
	}
	pki_name_format(&b, name, ",");
	X509_NAME_free(name);
	text = pki_sbuf_take(&b);
	if (!text)
		return -ENOMEM;
	if (strlen(text) >= buf_len)
		r = -ENOSPC;
	snprintf(buf, buf_len, "%s", text);
	free(text);
	return r;
}
