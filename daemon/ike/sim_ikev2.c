/*
 * IKEv2 in the simulator (RFC 7296 1.2), as seed 001 describes IOS:
 *   HDR, SAi1, KEi, Ni                                  -->
 *                                  <--  HDR, SAr1, KEr, Nr, [CERTREQ]  (all trust-points)
 *   HDR, SK {IDi, [CERT,] [CERTREQ,] AUTH, SAi2, TSi, TSr}  -->
 *                                  <--  HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
 * The initiator signs with a trust-point of its profile (mandatory); the responder binds the
 * profile from IDi, validates with its list, and accepts the TS only for the tunnel using it.
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

static const char *auth_word(enum config_auth a)
{
	switch (a) {
	case CONFIG_AUTH_PSK:
		return "PSK";
	case CONFIG_AUTH_RSA_SIG:
		return "RSA";
	case CONFIG_AUTH_ECDSA_SIG:
		return "ECDSA";
	case CONFIG_AUTH_NONE:
		break;
	}
	return "none";
}

/* authentication local rsa-sig needs an RSA key, ecdsa-sig an EC key. */
static int key_fits(struct sim *s, const struct sim_side *side, enum config_auth auth)
{
	enum pki_key_type k = pki_tp_key_type(side->sign_tp);
	bool ok = auth == CONFIG_AUTH_RSA_SIG
			  ? k == PKI_KEY_RSA
			  : (k == PKI_KEY_ECDSA_P256 || k == PKI_KEY_ECDSA_P384 ||
			     k == PKI_KEY_ECDSA_P521);

	if (ok)
		return 0;
	return sim_fail(s,
			"%s's IKEv2 profile %s authenticates with %s but trust-point %s holds "
			"no such key",
			side->name, ike_profile_name(&side->prof), config_auth_name(auth),
			pki_tp_name(side->sign_tp));
}

/* Our certificate (cert auth) or our keyring entry (PSK); 0 with *ret_failed false when ok. */
static int prepare_auth(struct sim *s, struct sim_side *side, const struct ike_certreq_entry *e,
			size_t n, const struct config_ikev2_peer **ret_peer, bool *ret_failed)
{
	const struct config_ikev2_profile *p = side->prof.v2;
	char a[CONFIG_ADDR_STRLEN];
	int r;

	*ret_failed = true;
	if (p->local_auth == CONFIG_AUTH_NONE)
		return sim_fail(s, "%s's IKEv2 profile %s has no authentication local", side->name,
				p->name);
	if (is_cert(p->local_auth)) {
		r = sim_choose_cert(s, side, IKE_V2, e, n, ret_failed);
		if (r < 0 || *ret_failed)
			return r;
		*ret_failed = true;
		if (key_fits(s, side, p->local_auth) < 0 || !s->res->ok)
			return 0;
		ike_cert_payload(IKE_V2, side->sign_tp, &side->tr);
	} else {
		*ret_peer = sim_v2_keyring_peer(side, NULL);
		if (!*ret_peer || !(*ret_peer)->psk_local)
			return sim_fail(s,
					"%s's IKEv2 profile %s has no keyring peer with a "
					"pre-shared key for %s",
					side->name, p->name,
					config_addr_str(&side->ep.remote, a, sizeof(a)));
	}
	*ret_failed = false;
	return 0;
}

/* The receiving side checks the sender's AUTH (method allowed, certificate or key). */
static int check_auth(struct sim *s, struct sim_side *rcv, const struct ike_id *sender_id,
		      const struct config_ikev2_peer *sender_peer, bool *ret_failed)
{
	struct sim_side *snd = sim_other(s, rcv);
	enum config_auth m = snd->prof.v2->local_auth;
	const struct config_ikev2_profile *p = rcv->prof.v2;
	const struct config_ikev2_peer *kp;
	int r;

	*ret_failed = true;
	ike_tracef(&rcv->tr, "Get peer's authentication method");
	ike_tracef(&rcv->tr, "Peer's authentication method is '%s'", auth_word(m));
	if (!(p->remote_auth & CONFIG_AUTH_BIT(m))) {
		ike_tracef(&rcv->tr, "Verification of peer's authentication data FAILED");
		ike_tracef(&rcv->tr, "Sending authentication failure notify");
		return sim_fail(s,
				"%s's IKEv2 profile %s does not accept authentication remote %s "
				"(%s authenticates with %s)",
				rcv->name, p->name, config_auth_name(m), snd->name,
				config_auth_name(m));
	}
	if (is_cert(m)) {
		r = sim_check_cert(s, rcv, ret_failed);
		return r;
	}
	kp = sim_v2_keyring_peer(rcv, sender_id);
	if (!kp || !kp->psk_remote || strcmp(kp->psk_remote, sender_peer->psk_local) != 0) {
		ike_tracef(&rcv->tr, "Verification of peer's authentication data FAILED");
		ike_tracef(&rcv->tr, "Sending authentication failure notify");
		if (!kp || !kp->psk_remote)
			return sim_fail(s,
					"%s's IKEv2 profile %s has no keyring peer with a key "
					"for %s",
					rcv->name, p->name, snd->name);
		return sim_fail(s,
				"pre-shared keys differ: %s's keyring peer %s (line %u) and %s's "
				"keyring peer %s (line %u)",
				snd->name, sender_peer->name, sender_peer->line, rcv->name,
				kp->name, kp->line);
	}
	*ret_failed = false;
	return 0;
}

static void id_text(const struct ike_id *id, char *buf, size_t len)
{
	char v[IKE_ID_STRLEN];

	snprintf(buf, len, "'%s' of type '%s'", ike_id_str(id, v, sizeof(v)), ike_id_type_name(id));
}

/* Responder: profile from IDi, its own AUTH, the initiator's AUTH, the TS and ESP. */
static int responder_auth(struct sim *s, const struct ike_id *idi,
			  const struct config_ikev2_peer *ipeer, const struct ike_certreq_entry *ei,
			  size_t nei, const struct config_ikev2_peer **ret_rpeer,
			  const struct config_interface **ret_tun, bool *ret_failed)
{
	struct sim_side *I = &s->i, *R = &s->r;
	char ids[IKE_ID_STRLEN + 32], tun[400], ts[400];
	int r;

	*ret_failed = true;
	id_text(idi, ids, sizeof(ids));
	ike_id_str(idi, R->peer_id, sizeof(R->peer_id));
	r = ike_profile_select(R->cfg, IKE_V2, idi, &R->ep, &R->tr, &R->prof);
	if (r == -ENOENT)
		return sim_fail(s, "no IKEv2 profile of %s matches %s's identity %s", R->name,
				I->name, ids);
	if (r < 0)
		return r;
	r = prepare_auth(s, R, ei, nei, ret_rpeer, ret_failed);
	if (r < 0 || *ret_failed)
		return r;
	r = check_auth(s, R, idi, ipeer, ret_failed);
	if (r < 0 || *ret_failed)
		return r;
	*ret_failed = true;
	if (ike_child_select(R->cfg, &R->prof, &R->ep, &R->tr, ret_tun) < 0) {
		sim_tunnels_text(R, tun, sizeof(tun));
		return sim_fail(s,
				"%s bound %s (identity %s) to IKEv2 profile %s, but %s: the child "
				"SA fails (TS unacceptable)",
				R->name, I->name, ids, ike_profile_name(&R->prof), tun);
	}
	if (!sim_transforms(s, *ret_tun, ts, sizeof(ts))) {
		ike_tracef(&R->tr, "Sending no proposal chosen notify");
		return 0;
	}
	*ret_failed = false;
	return 0;
}

int sim_ikev2(struct sim *s)
{
	struct sim_side *I = &s->i, *R = &s->r;
	const struct config_ikev2_peer *ipeer = NULL, *rpeer = NULL;
	struct ike_certreq_entry *er = NULL, *ei = NULL;
	const struct config_interface *rtun = NULL;
	char prop[200], ids[IKE_ID_STRLEN + 32];
	struct ike_id idi, idr;
	int n, nei = 0, r = 0;
	bool failed;

	sim_msg(s, I, "IKE_SA_INIT request (SA, KE, N; no CERTREQ)");
	if (!sim_v2_proposal(s, prop, sizeof(prop)))
		return 0;
	ike_tracef(&R->tr, "IKE proposal accepted: %s", prop);
	n = sim_certreq_send(R, IKE_CERTREQ_V2_SA_INIT_R, NULL, &er);
	if (n < 0)
		return n;
	sim_msg(s, R, "IKE_SA_INIT response (SA, KE, N, CERTREQ with %d hash(es))", n);

	r = prepare_auth(s, I, er, (size_t)n, &ipeer, &failed);
	if (r < 0 || failed)
		goto out;
	if (sim_id_v2(s, I, I->prof.v2->local_auth, &idi) < 0 || !s->res->ok)
		goto out;
	if (is_cert(I->prof.v2->local_auth)) {
		nei = sim_certreq_send(I, IKE_CERTREQ_V2_AUTH_I, &I->prof, &ei);
		if (nei < 0) {
			r = nei;
			goto out;
		}
	}
	id_text(&idi, ids, sizeof(ids));
	sim_msg(s, I,
		"IKE_AUTH request (IDi %s, %sCERTREQ with %d hash(es), AUTH %s, SA, TSi, TSr)", ids,
		is_cert(I->prof.v2->local_auth) ? "CERT, " : "", nei,
		config_auth_name(I->prof.v2->local_auth));

	r = responder_auth(s, &idi, ipeer, ei, (size_t)nei, &rpeer, &rtun, &failed);
	if (r < 0 || failed)
		goto out;
	if (sim_id_v2(s, R, R->prof.v2->local_auth, &idr) < 0 || !s->res->ok)
		goto out;
	id_text(&idr, ids, sizeof(ids));
	sim_msg(s, R, "IKE_AUTH response (IDr %s, %sAUTH %s, SA, TSi, TSr)", ids,
		is_cert(R->prof.v2->local_auth) ? "CERT, " : "",
		config_auth_name(R->prof.v2->local_auth));

	r = check_auth(s, I, &idr, rpeer, &failed);
	if (r < 0 || failed)
		goto out;
	ike_tracef(&R->tr, "IPsec SA established on %s (IKEv2 profile %s)", rtun->name,
		   ike_profile_name(&R->prof));
	ike_tracef(&I->tr, "IPsec SA established on %s (IKEv2 profile %s)", s->tunnel->name,
		   ike_profile_name(&I->prof));
out:
	free(er);
	free(ei);
	return r;
}
