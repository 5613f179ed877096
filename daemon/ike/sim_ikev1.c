/*
 * IKEv1 in the simulator (RFC 2409 Main Mode, then Quick Mode), as seed 001 describes IOS:
 *   HDR, SA                      -->  <--  HDR, SA                      (MM1, MM2: policy)
 *   HDR, KE, Ni [, CERTREQ...]   -->  <--  HDR, KE, Nr [, CERTREQ...]   (MM3, MM4)
 *   HDR*, IDii, [CERT,] SIG|HASH -->  <--  HDR*, IDir, [CERT,] SIG|HASH (MM5, MM6)
 *   HDR*, HASH(1), SA, Ni [, KE], IDci, IDcr --> <-- HDR*, HASH(2), SA, Nr ... (Quick Mode)
 * The responder binds the profile at MM5 from IDii, validates with that profile's list only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static bool is_cert(enum config_auth a)
{
	return a == CONFIG_AUTH_RSA_SIG || a == CONFIG_AUTH_ECDSA_SIG;
}

static const char *id_kind(const struct ike_id *id)
{
	switch (id->type) {
	case CONFIG_ID_FQDN:
		return "ID_FQDN";
	case CONFIG_ID_EMAIL:
		return "ID_USER_FQDN";
	case CONFIG_ID_DN:
		return "ID_DER_ASN1_DN";
	case CONFIG_ID_KEY_ID:
		return "ID_KEY_ID";
	default:
		return id->addr.family == AF_INET6 ? "ID_IPV6_ADDR" : "ID_IPV4_ADDR";
	}
}

static void trace_id_payload(struct sim_side *side, const struct ike_id *id)
{
	char ids[IKE_ID_STRLEN];

	ike_id_str(id, ids, sizeof(ids));
	snprintf(side->peer_id, sizeof(side->peer_id), "%s", ids);
	ike_tracef(&side->tr, "processing ID payload. message ID = 0");
	ike_tracef(&side->tr, "ID payload %s : %s",
		   id->type == CONFIG_ID_FQDN	 ? "FQDN name"
		   : id->type == CONFIG_ID_EMAIL ? "user FQDN"
						 : "address",
		   ids);
}

static void send_id(struct sim *s, struct sim_side *side, const struct ike_id *id, bool cert,
		    const char *msg)
{
	char ids[IKE_ID_STRLEN];

	ike_tracef(&side->tr, "SA is doing %s authentication using id type %s",
		   cert ? "RSA signature" : "pre-shared key", id_kind(id));
	if (cert)
		ike_cert_payload(IKE_V1, side->sign_tp, &side->tr);
	sim_msg(s, side, "%s (ID %s %s, %s)", msg, id_kind(id), ike_id_str(id, ids, sizeof(ids)),
		cert ? "CERT, SIG" : "HASH");
}

static int quick_mode(struct sim *s, const struct ike_id *idi)
{
	struct sim_side *I = &s->i, *R = &s->r;
	const struct config_ipsec_profile *ip = s->tunnel->protection, *rp;
	const struct config_interface *rtun;
	char ts[600], tun[400], ids[IKE_ID_STRLEN], l[CONFIG_ADDR_STRLEN], rm[CONFIG_ADDR_STRLEN];

	sim_ts_text(ip, ts, sizeof(ts));
	if (ip->pfs_group)
		sim_msg(s, I, "QM1 (SA: %s; PFS group %u)", ts, ip->pfs_group);
	else
		sim_msg(s, I, "QM1 (SA: %s)", ts);
	if (ike_child_select(R->cfg, &R->prof, &R->ep, &R->tr, &rtun) < 0) {
		sim_tunnels_text(R, tun, sizeof(tun));
		ike_id_str(idi, ids, sizeof(ids));
		if (!ike_profile_is_set(&R->prof))
			return sim_fail(
				s,
				"%s matched %s (%s) to no isakmp profile, but %s: quick mode "
				"fails (phase 2 SA policy not acceptable)",
				R->name, I->name, ids, tun);
		return sim_fail(s,
				"%s bound %s (%s) to isakmp profile %s, but %s: quick mode fails "
				"(phase 2 SA policy not acceptable)",
				R->name, I->name, ids, ike_profile_name(&R->prof), tun);
	}
	rp = rtun->protection;
	config_addr_str(&R->ep.local, l, sizeof(l));
	config_addr_str(&R->ep.remote, rm, sizeof(rm));
	if (!sim_transforms(s, rtun, ts, sizeof(ts))) {
		ike_tracef(&R->tr, "IPSec policy invalidated proposal with error 256");
		ike_tracef(&R->tr, "phase 2 SA policy not acceptable! (local %s remote %s)", l, rm);
		return 0;
	}
	if (rp->pfs_group && rp->pfs_group != ip->pfs_group) {
		ike_tracef(&R->tr, "IPSec policy invalidated proposal with error 32");
		ike_tracef(&R->tr, "phase 2 SA policy not acceptable! (local %s remote %s)", l, rm);
		if (!ip->pfs_group)
			return sim_fail(s,
					"%s's ipsec profile %s requires PFS group %u; %s's %s "
					"proposes no PFS",
					R->name, rp->name, rp->pfs_group, I->name, ip->name);
		return sim_fail(s,
				"PFS groups differ: %s's ipsec profile %s requires group %u, %s's "
				"%s proposes group %u",
				R->name, rp->name, rp->pfs_group, I->name, ip->name, ip->pfs_group);
	}
	sim_msg(s, R, "QM2 (SA: %s)", ts);
	ike_tracef(&R->tr, "IPsec SA established on %s (isakmp profile %s, transform-set %s)",
		   rtun->name, ike_profile_name(&R->prof), ts);
	ike_tracef(&I->tr, "IPsec SA established on %s (isakmp profile %s)", s->tunnel->name,
		   ike_profile_name(&I->prof));
	return 0;
}

static int main_mode_keys(struct sim *s, bool cert, struct ike_certreq_entry **ei,
			  struct ike_certreq_entry **er, const char **ki, const char **kr, char *wi,
			  char *wr, size_t wlen)
{
	struct sim_side *I = &s->i, *R = &s->r;
	char a[CONFIG_ADDR_STRLEN];
	bool failed;
	int n, r;

	if (!cert) {
		*ki = sim_v1_psk(I, &I->prof, wi, wlen);
		if (!*ki) {
			ike_tracef(&I->tr, "No pre-shared key with %s!",
				   config_addr_str(&I->ep.remote, a, sizeof(a)));
			return sim_fail(s, "%s has no pre-shared key for %s", I->name, a);
		}
		sim_msg(s, I, "MM3 (KE, NONCE)");
		*kr = sim_v1_psk(R, NULL, wr, wlen);
		if (!*kr) {
			ike_tracef(&R->tr, "No pre-shared key with %s!",
				   config_addr_str(&R->ep.remote, a, sizeof(a)));
			return sim_fail(s, "%s has no pre-shared key for %s", R->name, a);
		}
		sim_msg(s, R, "MM4 (KE, NONCE)");
		return 0;
	}
	n = sim_certreq_send(I, IKE_CERTREQ_V1_MM3, &I->prof, ei);
	if (n < 0)
		return n;
	sim_msg(s, I, "MM3 (KE, NONCE, %d CERT_REQ)", n);
	r = sim_choose_cert(s, R, IKE_V1, *ei, (size_t)n, &failed);
	if (r < 0 || failed)
		return r;
	n = sim_certreq_send(R, IKE_CERTREQ_V1_MM4, NULL, er);
	if (n < 0)
		return n;
	sim_msg(s, R, "MM4 (KE, NONCE, %d CERT_REQ)", n);
	return sim_choose_cert(s, I, IKE_V1, *er, (size_t)n, &failed);
}

int sim_ikev1(struct sim *s)
{
	struct sim_side *I = &s->i, *R = &s->r;
	struct ike_certreq_entry *ei = NULL, *er = NULL;
	const struct config_isakmp_policy *pol;
	const char *ki = NULL, *kr = NULL;
	char wi[96] = "", wr[96] = "", a[CONFIG_ADDR_STRLEN];
	struct ike_id idi, idr;
	bool cert, failed;
	int r = 0;

	if (I->prof.v1)
		ike_tracef(&I->tr, "SA request profile is %s", I->prof.v1->name);
	sim_msg(s, I, "MM1 (SA: %zu proposal(s))", I->cfg->n_isakmp_policies);
	pol = sim_v1_policy(s);
	if (!pol)
		return 0;
	sim_msg(s, R, "MM2 (SA: policy %u accepted, authentication %s)", pol->priority,
		config_auth_name(pol->auth));
	cert = is_cert(pol->auth);
	r = main_mode_keys(s, cert, &ei, &er, &ki, &kr, wi, wr, sizeof(wi));
	if (r < 0 || !s->res->ok)
		goto out;

	/* MM5: the responder learns who the initiator is and binds a profile */
	if (sim_id_v1(s, I, &idi) < 0 || !s->res->ok)
		goto out;
	send_id(s, I, &idi, cert, "MM5");
	trace_id_payload(R, &idi);
	if (!cert && strcmp(ki, kr) != 0) {
		ike_tracef(&R->tr,
			   "%%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from %s failed its sanity "
			   "check or is malformed",
			   config_addr_str(&R->ep.remote, a, sizeof(a)));
		sim_fail(s, "pre-shared keys differ: %s uses its key of %s, %s its key of %s",
			 I->name, wi, R->name, wr);
		goto out;
	}
	r = ike_profile_select(R->cfg, IKE_V1, &idi, &R->ep, &R->tr, &R->prof);
	if (r == -ENOMEM)
		goto out;
	r = 0;
	if (cert) {
		ike_tracef(&R->tr, "processing CERT payload. message ID = 0");
		ike_tracef(&R->tr, "processing a CT_X509_SIGNATURE cert");
		r = sim_check_cert(s, R, &failed);
		if (r < 0 || failed)
			goto out;
	}
	ike_tracef(&R->tr, "SA authentication status: authenticated");

	/* MM6 */
	if (sim_id_v1(s, R, &idr) < 0 || !s->res->ok)
		goto out;
	send_id(s, R, &idr, cert, "MM6");
	trace_id_payload(I, &idr);
	if (cert) {
		r = sim_check_cert(s, I, &failed);
		if (r < 0 || failed)
			goto out;
	}
	ike_tracef(&I->tr, "SA authentication status: authenticated");
	ike_tracef(&I->tr, "Old State = IKE_I_MM6 New State = IKE_P1_COMPLETE");
	r = quick_mode(s, &idi);
out:
	free(ei);
	free(er);
	return r;
}
