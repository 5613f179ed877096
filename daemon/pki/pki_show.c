/* Text of `show crypto pki certificates` (router certificates in store order, then the
 * CA certificates, each CA listed once with all its trust-points) and of
 * `show crypto pki trustpoints` (definition order), laid out as IOS prints them.
 */
#include <errno.h>
#include <stdlib.h>

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

static const char *usage_text(X509 *x)
{
	uint32_t ku;
	bool sig, enc;

	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return "General Purpose";
	ku = X509_get_key_usage(x);
	sig = ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION | KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	enc = ku & (KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT | KU_KEY_AGREEMENT);
	if (sig && !enc)
		return "Signature";
	if (enc && !sig)
		return "Encryption";
	return "General Purpose";
}

/* "13:25:01 UTC Jun 17 2013" (IOS order; always UTC, month names not localised). */
static void put_date(struct pki_sbuf *b, time_t t)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11) {
		pki_sbuf_puts(b, "?");
		return;
	}
	pki_sbuf_printf(b, "%02d:%02d:%02d UTC %s %d %d", tm.tm_hour, tm.tm_min, tm.tm_sec,
			months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
}

static void put_attr_line(struct pki_sbuf *b, const X509_NAME *name, int nid, const char *label)
{
	char *v = pki_name_attr_text(name, nid);

	if (v)
		pki_sbuf_printf(b, "    %s: %s\n", label, v);
	free(v);
}

static void put_cert(struct pki_sbuf *b, const char *title, const struct pki_cert *c,
		     const char *tps, const char *storage)
{
	const X509_NAME *subj = X509_get_subject_name(c->x509);

	pki_sbuf_printf(b, "%s\n  Status: Available\n", title);
	pki_sbuf_printf(b, "  Certificate Serial Number (hex): %s\n", c->serial_hex);
	pki_sbuf_printf(b, "  Certificate Usage: %s\n", usage_text(c->x509));
	pki_sbuf_puts(b, "  Issuer:\n    ");
	pki_name_format(b, X509_get_issuer_name(c->x509), "\n    ");
	pki_sbuf_puts(b, "\n  Subject:\n");
	put_attr_line(b, subj, NID_pkcs9_unstructuredName, "Name");
	put_attr_line(b, subj, NID_pkcs9_unstructuredAddress, "IP Address");
	put_attr_line(b, subj, NID_serialNumber, "Serial Number");
	pki_sbuf_puts(b, "    ");
	pki_name_format(b, subj, "\n    ");
	pki_sbuf_puts(b, "\n  Validity Date:\n    start date: ");
	put_date(b, c->not_before);
	pki_sbuf_puts(b, "\n    end   date: ");
	put_date(b, c->not_after);
	pki_sbuf_printf(b, "\n  Associated Trustpoints: %s\n  Storage: %s\n", tps, storage);
}

struct ca_entry {
	const struct pki_cert *ca;
	const char *storage;
	struct pki_sbuf tps;
};

int pki_show_certificates(const struct pki_store *store, char **ret_text)
{
	struct pki_sbuf b = {0};
	struct ca_entry *cas = NULL;
	size_t n_cas = 0, max = 0;
	bool first = true;
	int r = 0;

	for (size_t i = 0; i < store->n; i++)
		max += store->tps[i]->n_cas;
	if (max && !(cas = calloc(max, sizeof(*cas))))
		return -ENOMEM;
	for (size_t i = 0; i < store->n; i++) {
		const struct pki_trustpoint *tp = store->tps[i];

		if (!tp->cert)
			continue;
		if (!first)
			pki_sbuf_puts(&b, "\n");
		first = false;
		put_cert(&b, "Certificate", tp->cert, tp->def.name, tp->def.certificate);
	}
	for (size_t i = 0; i < store->n; i++) {
		const struct pki_trustpoint *tp = store->tps[i];

		for (size_t j = 0; j < tp->n_cas; j++) {
			size_t k;

			for (k = 0; k < n_cas; k++)
				if (X509_cmp(cas[k].ca->x509, tp->cas[j]->x509) == 0)
					break;
			if (k == n_cas) {
				cas[n_cas].ca = tp->cas[j];
				cas[n_cas].storage = tp->def.ca_certificate;
				n_cas++;
			} else {
				pki_sbuf_puts(&cas[k].tps, " ");
			}
			pki_sbuf_puts(&cas[k].tps, tp->def.name);
		}
	}
	for (size_t k = 0; k < n_cas; k++) {
		char *names = pki_sbuf_take(&cas[k].tps);

		if (!names) {
			r = -ENOMEM;
			continue;
		}
		if (!first)
			pki_sbuf_puts(&b, "\n");
		first = false;
		put_cert(&b, "CA Certificate", cas[k].ca, names, cas[k].storage);
		free(names);
	}
	free(cas);
	*ret_text = pki_sbuf_take(&b);
	if (!*ret_text || r) {
		free(*ret_text);
		*ret_text = NULL;
		return -ENOMEM;
	}
	return 0;
}

int pki_show_trustpoints(const struct pki_store *store, char **ret_text)
{
	struct pki_sbuf b = {0};

	for (size_t i = 0; i < store->n; i++) {
		const struct pki_trustpoint *tp = store->by_def[i];

		if (i)
			pki_sbuf_puts(&b, "\n");
		pki_sbuf_printf(&b, "Trustpoint %s:\n", tp->def.name);
		if (!tp->n_cas) {
			pki_sbuf_puts(&b, "    Not authenticated.\n");
		} else {
			pki_sbuf_puts(&b, "    Subject Name:\n    ");
			pki_name_format(&b, X509_get_subject_name(tp->cas[0]->x509),
					"\n          ");
			pki_sbuf_printf(&b, "\n          Serial Number (hex): %s\n",
					tp->cas[0]->serial_hex);
			pki_sbuf_puts(&b, "    Certificate configured.\n");
		}
		pki_sbuf_printf(&b, "    Router certificate: %s\n",
				tp->cert ? tp->def.certificate : "not configured");
		pki_sbuf_printf(&b, "    Revocation check: %s\n",
				tp->def.revocation == PKI_REVOCATION_CRL ? "crl" : "none");
		if (tp->def.crl)
			pki_sbuf_printf(&b, "    CRL: %s\n", tp->def.crl);
	}
	*ret_text = pki_sbuf_take(&b);
	return *ret_text ? 0 : -ENOMEM;
}
