/* The certificate store: every trust-point, kept in IOS certificate-store order (which
 * drives CERTREQ order and first-match) and in definition order, with the CERTREQ
 * lookups (received CA DN or SPKI hash -> trust-points) and trust-point accessors.
 *
 * Store order, as `show crypto pki certificates` lists it: most recently enrolled first.
 * The enrollment time of a trust-point is its router certificate's notBefore; on equal
 * times the trust-point defined later (larger index) counts as enrolled later, so comes
 * first. Trust-points holding CA material only were never enrolled: they follow all
 * enrolled ones, in reverse definition order (the latest configured first, the same
 * "later = newer" rule as the tie-break).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "pki_internal.h"

static int def_cmp(const struct pki_trustpoint *a, const struct pki_trustpoint *b)
{
	if (a->def.index != b->def.index)
		return a->def.index < b->def.index ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return 0;
}

static int cmp_def_order(const void *pa, const void *pb)
{
	return def_cmp(*(struct pki_trustpoint *const *)pa, *(struct pki_trustpoint *const *)pb);
}

static int cmp_store_order(const void *pa, const void *pb)
{
	const struct pki_trustpoint *a = *(struct pki_trustpoint *const *)pa;
	const struct pki_trustpoint *b = *(struct pki_trustpoint *const *)pb;

	if (!a->cert != !b->cert)
		return a->cert ? -1 : 1;
	if (a->cert && a->enrolled != b->enrolled)
		return a->enrolled > b->enrolled ? -1 : 1;
	return -def_cmp(a, b);
}

void pki_store_free(struct pki_store *store)
{
	if (!store)
		return;
	for (size_t i = 0; i < store->n; i++)
		pki_tp_free(store->by_def[i]);
	free(store->by_def);
	free(store->tps);
	free(store);
}

int pki_store_load(const struct pki_trustpoint_def *defs, size_t n, struct pki_store **ret_store,
		   struct pki_error *err)
{
	struct pki_store *s;
	int r = 0;

	if (err)
		err->msg[0] = '\0';
	s = calloc(1, sizeof(*s));
	if (!s || (n && !(s->by_def = calloc(n, sizeof(*s->by_def)))) ||
	    (n && !(s->tps = calloc(n, sizeof(*s->tps))))) {
		pki_store_free(s);
		pki_err_set(err, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (defs[i].name && defs[j].name &&
			    strcmp(defs[i].name, defs[j].name) == 0) {
				pki_err_set(err, "trustpoint %s: defined twice", defs[i].name);
				r = -EEXIST;
				goto fail;
			}
		}
		r = pki_tp_load(&defs[i], &s->by_def[i], err);
		if (r)
			goto fail;
		s->by_def[i]->pos = i;
		s->n++;
	}
	if (n) {
		memcpy(s->tps, s->by_def, n * sizeof(*s->tps));
		qsort(s->by_def, n, sizeof(*s->by_def), cmp_def_order);
		qsort(s->tps, n, sizeof(*s->tps), cmp_store_order);
	}
	*ret_store = s;
	return 0;
fail:
	pki_store_free(s);
	return r;
}

size_t pki_store_count(const struct pki_store *store)
{
	return store->n;
}

const struct pki_trustpoint *pki_store_at(const struct pki_store *store, size_t i)
{
	return i < store->n ? store->tps[i] : NULL;
}

const struct pki_trustpoint *pki_store_at_def(const struct pki_store *store, size_t i)
{
	return i < store->n ? store->by_def[i] : NULL;
}

const struct pki_trustpoint *pki_store_find(const struct pki_store *store, const char *name)
{
	for (size_t i = 0; i < store->n; i++)
		if (strcmp(store->tps[i]->def.name, name) == 0)
			return store->tps[i];
	return NULL;
}

size_t pki_store_match_ca_dn(const struct pki_store *store, const uint8_t *dn_der, size_t dn_len,
			     const struct pki_trustpoint **ret_tps, size_t max)
{
	const unsigned char *p = dn_der;
	X509_NAME *name;
	size_t count = 0;

	if (!dn_der || dn_len == 0 || dn_len > LONG_MAX)
		return 0;
	name = d2i_X509_NAME(NULL, &p, (long)dn_len);
	if (!name || p != dn_der + dn_len) {
		X509_NAME_free(name);
		ERR_clear_error();
		return 0;
	}
	for (size_t i = 0; i < store->n; i++) {
		const struct pki_trustpoint *tp = store->tps[i];

		for (size_t j = 0; j < tp->n_cas; j++) {
			if (X509_NAME_cmp(X509_get_subject_name(tp->cas[j]->x509), name) == 0) {
				if (count < max)
					ret_tps[count] = tp;
				count++;
				break;
			}
		}
	}
	X509_NAME_free(name);
	ERR_clear_error();
	return count;
}

size_t pki_store_match_ca_keyid(const struct pki_store *store, const uint8_t keyid[PKI_SHA1_LEN],
				const struct pki_trustpoint **ret_tps, size_t max)
{
	size_t count = 0;

	for (size_t i = 0; i < store->n; i++) {
		const struct pki_trustpoint *tp = store->tps[i];

		for (size_t j = 0; j < tp->n_cas; j++) {
			if (memcmp(tp->cas[j]->spki_sha1, keyid, PKI_SHA1_LEN) == 0) {
				if (count < max)
					ret_tps[count] = tp;
				count++;
				break;
			}
		}
	}
	return count;
}

const struct pki_trustpoint_def *pki_tp_def(const struct pki_trustpoint *tp)
{
	return &tp->def;
}

const char *pki_tp_name(const struct pki_trustpoint *tp)
{
	return tp->def.name;
}

const struct pki_cert *pki_tp_cert(const struct pki_trustpoint *tp)
{
	return tp->cert;
}

time_t pki_tp_enrolled(const struct pki_trustpoint *tp)
{
	return tp->enrolled;
}

size_t pki_tp_ca_count(const struct pki_trustpoint *tp)
{
	return tp->n_cas;
}

const struct pki_cert *pki_tp_ca(const struct pki_trustpoint *tp, size_t i)
{
	return i < tp->n_cas ? tp->cas[i] : NULL;
}

enum pki_key_type pki_tp_key_type(const struct pki_trustpoint *tp)
{
	return pki_key_type_of(tp->key);
}
