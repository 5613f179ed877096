/*
 * Which IKEv2 proposals and ESP transform-sets a configuration offers and accepts, with the
 * IOS defaults (default IKEv2 proposal, default transform sets) when none are configured.
 * Shared by the simulator and the engines so that `check` and the wire agree.
 */
#include "ike_internal.h"
#include "wire_types.h"

/* IOS default proposal, used when no crypto ikev2 policy is configured. */
static const struct config_ikev2_proposal default_proposal = {
	.name = "default",
	.encr = { { CONFIG_ENCR_AES_CBC, 256 },
		  { CONFIG_ENCR_AES_CBC, 192 },
		  { CONFIG_ENCR_AES_CBC, 128 } },
	.n_encr = 3,
	.integ = { CONFIG_HASH_SHA512, CONFIG_HASH_SHA384, CONFIG_HASH_SHA256, CONFIG_HASH_SHA1,
		   CONFIG_HASH_MD5 },
	.n_integ = 5,
	.groups = { 5, 2 },
	.n_groups = 2,
};

size_t ike_v2_proposals(const struct config *cfg, const struct config_addr *local,
			const struct config_ikev2_proposal **out, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	if (cfg->n_ikev2_policies == 0) {
		out[0] = &default_proposal;
		return 1;
	}
	for (size_t i = 0; i < cfg->n_ikev2_policies; i++) {
		const struct config_ikev2_policy *pol = cfg->ikev2_policies[i];
		bool ok = pol->n_match_local == 0;

		for (size_t j = 0; j < pol->n_match_local; j++)
			ok = ok || (local && ike_addr_equal(&pol->match_local[j], local));
		for (size_t j = 0; ok && j < pol->n_proposals && n < max; j++)
			if (pol->proposals[j].proposal)
				out[n++] = pol->proposals[j].proposal;
	}
	return n;
}

/* IOS default transform sets, used by an ipsec profile without set transform-set. */
static const struct config_transform_set default_ts[] = {
	{ .name = "#$!default_transform_set_1",
	  .encr = { CONFIG_ENCR_AES_CBC, 128 },
	  .integ = CONFIG_HASH_SHA1 },
	{ .name = "#$!default_transform_set_0",
	  .encr = { CONFIG_ENCR_3DES, 0 },
	  .integ = CONFIG_HASH_SHA1 },
};

size_t ike_transform_sets(const struct config_ipsec_profile *ip,
			  const struct config_transform_set **out, size_t max)
{
	size_t n = 0;

	if (!ip || ip->n_transform_sets == 0) {
		for (size_t i = 0; i < 2 && n < max; i++)
			out[n++] = &default_ts[i];
		return n;
	}
	for (size_t i = 0; i < ip->n_transform_sets && n < max; i++)
		if (ip->transform_sets[i].ts)
			out[n++] = ip->transform_sets[i].ts;
	return n;
}

uint16_t ike_encr_id(enum config_encr e)
{
	switch (e) {
	case CONFIG_ENCR_3DES:
		return WIRE_ENCR_3DES;
	case CONFIG_ENCR_AES_CBC:
		return WIRE_ENCR_AES_CBC;
	case CONFIG_ENCR_AES_GCM:
		return WIRE_ENCR_AES_GCM_16;
	case CONFIG_ENCR_CHACHA20_POLY1305:
		return WIRE_ENCR_CHACHA20_POLY1305;
	case CONFIG_ENCR_NULL:
		return WIRE_ENCR_NULL;
	default:
		return 0;
	}
}

uint16_t ike_integ_id(enum config_hash h)
{
	switch (h) {
	case CONFIG_HASH_MD5:
		return WIRE_INTEG_HMAC_MD5_96;
	case CONFIG_HASH_SHA1:
		return WIRE_INTEG_HMAC_SHA1_96;
	case CONFIG_HASH_SHA256:
		return WIRE_INTEG_HMAC_SHA2_256_128;
	case CONFIG_HASH_SHA384:
		return WIRE_INTEG_HMAC_SHA2_384_192;
	case CONFIG_HASH_SHA512:
		return WIRE_INTEG_HMAC_SHA2_512_256;
	default:
		return 0;
	}
}

uint16_t ike_prf_id(enum config_hash h)
{
	switch (h) {
	case CONFIG_HASH_MD5:
		return WIRE_PRF_HMAC_MD5;
	case CONFIG_HASH_SHA1:
		return WIRE_PRF_HMAC_SHA1;
	case CONFIG_HASH_SHA256:
		return WIRE_PRF_HMAC_SHA2_256;
	case CONFIG_HASH_SHA384:
		return WIRE_PRF_HMAC_SHA2_384;
	case CONFIG_HASH_SHA512:
		return WIRE_PRF_HMAC_SHA2_512;
	default:
		return 0;
	}
}
