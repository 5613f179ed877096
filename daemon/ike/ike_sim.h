/*
 * The two-config simulator behind `ikegwctl check A --peer B`: for every tunnel of one config
 * towards the other, it plays the negotiation (IKEv1 Main Mode + Quick Mode, or IKEv2
 * IKE_SA_INIT + IKE_AUTH) with the selection rules of ike.h on both sides and the real PKI
 * (pki_validate of the certificates each side would send), and says whether it succeeds and
 * why not. Also the PKI loading and the single-config warnings of `ikegwd --check`.
 */
#ifndef IKEGW_IKE_SIM_H
#define IKEGW_IKE_SIM_H

#include "ike.h"

#define IKE_SIM_REASON_MAX 1536

/* One side: its configuration, its PKI store (NULL: no trust-points) and its name. */
struct ike_sim_peer {
	const char *name; /* hostname, see ike_config_name() */
	const struct config *cfg;
	const struct pki_store *pki;
};

/*
 * Outcome of one direction. lines: the trace, each "NAME: <debug line>" for what a side
 * prints, or "NAME -> NAME: <message>" for what travels between them, or "=== ..." headers.
 */
struct ike_sim_result {
	bool ok;
	char reason[IKE_SIM_REASON_MAX]; /* when !ok: names trust-points, certificates, profiles */
	char **lines;
	size_t n_lines;
	size_t cap_lines;
	size_t n_tunnels; /* tunnels simulated */
	bool oom;
};

/*
 * Initiation from -> to through every tunnel of from whose destination is an address of to
 * (tunnel initiate never is simulated too, and says so in the trace). now 0: current time.
 * res is initialised here; free it with ike_sim_result_free(). Returns 0 (res->ok tells the
 * outcome) or -ENOMEM.
 */
int ike_sim_direction(const struct ike_sim_peer *from, const struct ike_sim_peer *to, time_t now,
		      struct ike_sim_result *res);
/* Same through one tunnel of from. */
int ike_sim_tunnel(const struct ike_sim_peer *from, const struct ike_sim_peer *to,
		   const struct config_interface *tunnel, time_t now, struct ike_sim_result *res);
void ike_sim_result_free(struct ike_sim_result *res);

/* The config's hostname, else its file name without directory and extension. */
const char *ike_config_name(const struct config *cfg, char *buf, size_t len);

/* ---- loading and checking ---------------------------------------------------------------- */

/* The PKI store of the config's trust-points (PEM lines); all or nothing (pki_store_load).
 * *ret is NULL when the config has no trust-point. */
int ike_pki_load(const struct config *cfg, struct pki_store **ret, struct pki_error *err);

/*
 * As ike_pki_load(), but every trust-point whose files fail to load becomes an error in diag
 * at its `crypto pki trustpoint` line. Returns 0 with *ret (NULL when there are errors),
 * -EINVAL when some trust-point failed, -ENOMEM.
 */
int ike_check_pki(const struct config *cfg, struct config_diag *diag, struct pki_store **ret);

/*
 * The warnings of `--check` for one loaded config (each at the line concerned): overlapping
 * match identity rules (and which profile IOS picks), an IKEv2 profile that initiates with
 * certificates but has no pki trustpoint, an IKEv1 profile whose ca trust-point list is
 * narrower than the global trust-points (the MM4 trap of seed 001), weak algorithms.
 * store may be NULL. Returns 0 or -ENOMEM.
 */
int ike_check_warnings(const struct config *cfg, const struct pki_store *store,
		       struct config_diag *diag);

/* Entries in line order (stable), after warnings were added to a load's diagnostics. */
void ike_diag_sort(struct config_diag *diag);

#endif /* IKEGW_IKE_SIM_H */
