/*
 * From the config's `crypto pki trustpoint` blocks to a PKI store: the PEM file lines become
 * pki_trustpoint_def entries (trust-points without files load as un-enrolled); for --check,
 * each failing trust-point is reported at its own line; diagnostics sorted by line.
 */
#include <errno.h>
#include <stdlib.h>

#include "ike_sim.h"

static struct pki_trustpoint_def def_of(const struct config_trustpoint *tp)
{
	return (struct pki_trustpoint_def){
		.name = tp->name,
		.index = tp->index,
		.revocation = tp->revocation == CONFIG_REVOCATION_CRL ? PKI_REVOCATION_CRL
								      : PKI_REVOCATION_NONE,
		.ca_certificate = tp->ca_certificate,
		.certificate = tp->certificate,
		.private_key = tp->private_key,
		.crl = tp->crl,
	};
}

int ike_pki_load(const struct config *cfg, struct pki_store **ret, struct pki_error *err)
{
	struct pki_trustpoint_def *defs;
	int r;

	*ret = NULL;
	if (cfg->n_trustpoints == 0)
		return 0; /* no store at all (and pki_store_load(NULL, 0) memcpy()s from NULL) */
	defs = calloc(cfg->n_trustpoints + 1, sizeof(*defs));
	if (!defs)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_trustpoints; i++)
		defs[i] = def_of(cfg->trustpoints[i]);
	r = pki_store_load(defs, cfg->n_trustpoints, ret, err);
	free(defs);
	return r;
}

int ike_check_pki(const struct config *cfg, struct config_diag *diag, struct pki_store **ret)
{
	struct pki_error err;
	bool bad = false;

	*ret = NULL;
	for (size_t i = 0; i < cfg->n_trustpoints; i++) {
		struct pki_trustpoint_def d = def_of(cfg->trustpoints[i]);
		struct pki_store *one = NULL;
		int r = pki_store_load(&d, 1, &one, &err);

		pki_store_free(one);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			bad = true;
			if (config_diag_add(diag, cfg->file, cfg->trustpoints[i]->line,
					    CONFIG_SEV_ERROR, "%s", err.msg) < 0)
				return -ENOMEM;
		}
	}
	if (bad)
		return -EINVAL;
	if (ike_pki_load(cfg, ret, &err) < 0) {
		if (config_diag_add(diag, cfg->file, 0, CONFIG_SEV_ERROR, "%s", err.msg) < 0)
			return -ENOMEM;
		return -EINVAL;
	}
	return 0;
}

void ike_diag_sort(struct config_diag *d)
{
	for (size_t i = 1; i < d->n_entries; i++) {
		struct config_diag_entry e = d->entries[i];
		size_t j = i;

		while (j > 0 && d->entries[j - 1].line > e.line) {
			d->entries[j] = d->entries[j - 1];
			j--;
		}
		d->entries[j] = e;
	}
}
