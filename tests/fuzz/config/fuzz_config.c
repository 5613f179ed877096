/*
 * libFuzzer target for the configuration parser: any bytes go through config_load_buffer;
 * a load either gives a model (walked here, so resolved pointers are touched) or errors
 * and no model, never a crash, leak or hang.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct config *cfg)
{
	size_t sum = 0;

	for (size_t i = 0; i < cfg->n_tunnels; i++) {
		const struct config_interface *t = cfg->tunnels[i];

		sum += strlen(t->name);
		if (t->protection) {
			sum += t->protection->n_transform_sets;
			for (size_t k = 0; k < t->protection->n_transform_sets; k++)
				sum += t->protection->transform_sets[k].ts->encr.alg;
		}
		if (t->source_if)
			sum += strlen(t->source_if->name);
		if (config_find_interface(cfg, t->name) != t)
			abort();
	}
	for (size_t i = 0; i < cfg->n_isakmp_profiles; i++)
		for (size_t k = 0; k < cfg->isakmp_profiles[i]->n_ca_trustpoints; k++)
			sum += strlen(cfg->isakmp_profiles[i]->ca_trustpoints[k].tp->name);
	for (size_t i = 0; i < cfg->n_ikev2_profiles; i++)
		for (size_t k = 0; k < cfg->ikev2_profiles[i]->n_trustpoints; k++)
			sum += strlen(cfg->ikev2_profiles[i]->trustpoints[k].tp->name);
	for (size_t i = 0; i < cfg->n_routes; i++)
		if (cfg->routes[i]->kind == CONFIG_ROUTE_INTERFACE && !cfg->routes[i]->iface)
			abort();
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_diag diag;
	struct config *cfg = NULL;
	char line[2048];
	int r;

	config_diag_init(&diag);
	r = config_load_buffer("fuzz.conf", "/etc/ikegw", (const char *)data, size, &cfg, &diag);
	if ((r == 0) != (cfg != NULL) || (r == 0 && diag.n_errors))
		abort();
	if (r == -EINVAL && diag.n_errors == 0)
		abort();
	for (size_t i = 0; i < diag.n_entries; i++)
		config_diag_format(&diag.entries[i], line, sizeof(line));
	if (cfg)
		walk(cfg);
	config_free(cfg);
	config_diag_clear(&diag);
	return 0;
}
