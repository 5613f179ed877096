/*
 * Phase 1: Main Mode (MM1-MM6) and Aggressive Mode (AM1-AM3), RFC 2409 5; pre-shared keys and
 * RSA signatures; the seed-001 certificate behaviour through daemon/ike (CERT_REQ lists in MM3
 * and MM4, first-match choice of the certificate, profile binding at MM5 from the ID,
 * validation against the bound profile's trust-points); NAT-T detection and the move to UDP
 * 4500 (RFC 3947); vendor IDs for NAT-T and DPD.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ikev1_internal.h"

static const uint8_t vid_natt[16] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
				      0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
static const uint8_t vid_dpd[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
				     0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };

#define NATT_PORT 4500

/* ---- small helpers ---- */

static void hdr_init(struct ikev1_sa *sa, struct wire_hdr *h, uint8_t exchange)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->ispi, sa->icky, 8);
	memcpy(h->rspi, sa->rcky, 8);
	h->major = 1;
	h->exchange = exchange;
}

static void add_vids(struct wire_builder *b)
{
	wire_build_data(b, WIRE_PLV1_VID, vid_natt, sizeof(vid_natt));
	wire_build_data(b, WIRE_PLV1_VID, vid_dpd, sizeof(vid_dpd));
}

static void read_vids(struct ikev1_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p;

	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV1_VID, i)); i++) {
		if (p->u.data.len == 16 && memcmp(p->u.data.ptr, vid_natt, 16) == 0)
			sa->peer_natt = true;
		if (p->u.data.len == 16 && memcmp(p->u.data.ptr, vid_dpd, 16) == 0)
			sa->peer_dpd = true;
	}
}

static struct ike_endpoints endpoints(const struct ikev1_sa *sa)
{
	struct ike_endpoints ep = { .local = sa->path.local, .remote = sa->path.remote };

	return ep;
}

static int random_bytes(struct ikev1 *e, void *buf, size_t len)
{
	return e->env.random(e->env.ctx, buf, len);
}

/* Our KE public value and nonce (both roles). */
static int make_ke_nonce(struct ikev1_sa *sa, uint8_t *ke, size_t *ke_len, uint8_t *nonce,
			 size_t *nonce_len)
{
	size_t n;

	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (ike_dh_new(sa->alg.dh, &sa->dh) < 0 ||
	    ike_dh_public(sa->dh, ke, 512, &n) < 0)
		return -EIO;
	*ke_len = n;
	if (random_bytes(sa->e, nonce, IKEV1_NONCE_LEN) < 0)
		return -EIO;
	*nonce_len = IKEV1_NONCE_LEN;
	return 0;
}

static bool take_ke_nonce(struct ikev1_sa *sa, const struct wire_msg *m, uint8_t *ke,
			  size_t *ke_len, uint8_t *nonce, size_t *nonce_len)
{
	const struct wire_payload *k = wire_msg_find(m, WIRE_PLV1_KE, 0);
	const struct wire_payload *n = wire_msg_find(m, WIRE_PLV1_NONCE, 0);

	if (!k || !n || k->u.ke.data.len != ike_dh_public_len(sa->alg.dh) ||
	    k->u.ke.data.len > 512 || n->u.data.len > 256)
		return false;
	memcpy(ke, k->u.ke.data.ptr, k->u.ke.data.len);
	*ke_len = k->u.ke.data.len;
	memcpy(nonce, n->u.data.ptr, n->u.data.len);
	*nonce_len = n->u.data.len;
	return true;
}

/* NAT-D (RFC 3947 3.2): HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash. */
static int natd_hash(const struct ikev1_sa *sa, const struct config_addr *a, uint16_t port,
		     uint8_t *out)
{
	uint8_t pb[2] = { port >> 8, port & 0xff };
	struct ike_buf parts[4] = {
		{ sa->icky, 8 },
		{ sa->rcky, 8 },
		{ a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6,
		  a->family == AF_INET ? 4u : 16u },
		{ pb, 2 },
	};

	return ike_hash_parts(sa->alg.prf, parts, 4, out);
}

static void add_natd(struct wire_builder *b, const struct ikev1_sa *sa)
{
	uint8_t h[64];
	size_t len = ike_prf_len(sa->alg.prf);

	/* first the peer's address as we send to it, then ours */
	if (natd_hash(sa, &sa->path.remote, sa->path.remote_port, h) == 0)
		wire_build_data(b, WIRE_PLV1_NAT_D, h, len);
	if (natd_hash(sa, &sa->path.local, sa->path.local_port, h) == 0)
		wire_build_data(b, WIRE_PLV1_NAT_D, h, len);
}

static void check_natd(struct ikev1_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p = wire_msg_find(m, WIRE_PLV1_NAT_D, 0);
	uint8_t mine[64], theirs[64];
	size_t len = ike_prf_len(sa->alg.prf);
	bool seen = false;

	if (!p || !sa->peer_natt)
		return;
	if (natd_hash(sa, &sa->path.local, sa->path.local_port, mine) < 0 ||
	    natd_hash(sa, &sa->path.remote, sa->path.remote_port, theirs) < 0)
		return;
	sa->nat_local = !(p->u.data.len == len && memcmp(p->u.data.ptr, mine, len) == 0);
	for (unsigned i = 1; (p = wire_msg_find(m, WIRE_PLV1_NAT_D, i)); i++)
		if (p->u.data.len == len && memcmp(p->u.data.ptr, theirs, len) == 0)
			seen = true;
	sa->nat_remote = !seen;
	sa->natt = sa->nat_local || sa->nat_remote;
	if (sa->natt)
		ikev1_debug(sa, "NAT found: %s", sa->nat_local ? "we are behind a NAT"
							       : "the peer is behind a NAT");
}

/* ---- identities ---- */

struct id_buf {
	uint8_t body[512]; /* ID payload body: type, protocol, port, data */
	size_t len;
};

static int local_id(struct ikev1_sa *sa, struct id_buf *ret)
{
	const struct config_isakmp_profile *p = sa->prof.v1;
	enum config_id_type t = p ? p->self_identity.type : CONFIG_ID_ADDRESS;
	const struct config_addr *a = &sa->path.local;
	const uint8_t *data = NULL;
	size_t dlen = 0;
	uint8_t type;

	if (t == CONFIG_ID_NONE)
		t = CONFIG_ID_ADDRESS;
	switch (t) {
	case CONFIG_ID_ADDRESS:
		if (p && p->self_identity.addr.family)
			a = &p->self_identity.addr;
		type = a->family == AF_INET ? WIRE_ID_IPV4_ADDR : WIRE_ID_IPV6_ADDR;
		data = a->family == AF_INET ? (const uint8_t *)&a->v4 : (const uint8_t *)&a->v6;
		dlen = a->family == AF_INET ? 4 : 16;
		config_addr_str(a, sa->local_id, sizeof(sa->local_id));
		break;
	case CONFIG_ID_DN:
		if (!sa->sign_tp || !pki_tp_cert(sa->sign_tp))
			return -ENOKEY;
		type = WIRE_ID_DER_ASN1_DN;
		data = pki_cert_subject_der(pki_tp_cert(sa->sign_tp), &dlen);
		snprintf(sa->local_id, sizeof(sa->local_id), "%s",
			 pki_cert_subject_str(pki_tp_cert(sa->sign_tp)));
		break;
	case CONFIG_ID_FQDN:
	case CONFIG_ID_EMAIL:
		if (!p->self_identity.value)
			return -ENOENT;
		type = t == CONFIG_ID_FQDN ? WIRE_ID_FQDN : WIRE_ID_RFC822_ADDR;
		data = (const uint8_t *)p->self_identity.value;
		dlen = strlen(p->self_identity.value);
		snprintf(sa->local_id, sizeof(sa->local_id), "%s", p->self_identity.value);
		break;
	default:
		return -EINVAL;
	}
	if (dlen + 4 > sizeof(ret->body))
		return -E2BIG;
	memset(ret->body, 0, 4);
	ret->body[0] = type;
	memcpy(ret->body + 4, data, dlen);
	ret->len = dlen + 4;
	return 0;
}

static void add_id(struct wire_builder *b, const struct id_buf *id)
{
	struct wire_payload p;

	memset(&p, 0, sizeof(p));
	p.type = WIRE_PLV1_ID;
	p.u.id.type = id->body[0];
	p.u.id.data.ptr = id->body + 4;
	p.u.id.data.len = id->len - 4;
	wire_build_add(b, &p);
}

/* ---- keys and hashes ---- */

static int psk_lookup(struct ikev1_sa *sa)
{
	struct ike_endpoints ep = endpoints(sa);
	const struct ike_profile *prof = sa->prof_bound ? &sa->prof : NULL;
	char a[CONFIG_ADDR_STRLEN];
	const char *k = ike_v1_psk(sa->e->cfg, prof, &ep, sa->psk_src, sizeof(sa->psk_src));

	if (!k) {
		ikev1_log(sa, IKE_LOG_WARNING, "auth-failed", "No pre-shared key with %s!",
			  config_addr_str(&sa->path.remote, a, sizeof(a)));
		return -ENOKEY;
	}
	ikev1_debug(sa, "found peer pre-shared key matching %s (%s)",
		    config_addr_str(&sa->path.remote, a, sizeof(a)), sa->psk_src);
	return ike_secret_set(&sa->psk, k, strlen(k));
}

static int derive(struct ikev1_sa *sa)
{
	const uint8_t *ke_peer = sa->initiator ? sa->gxr : sa->gxi;
	size_t ke_peer_len = sa->initiator ? sa->gxr_len : sa->gxi_len;
	bool psk = sa->alg.auth == CONFIG_AUTH_PSK;

	if (psk && !sa->psk.ptr && psk_lookup(sa) < 0)
		return -ENOKEY;
	if (ike_dh_derive(sa->dh, ke_peer, ke_peer_len, &sa->gxy) < 0) {
		ikev1_log(sa, IKE_LOG_WARNING, NULL, "the peer's KE value is invalid");
		return -EBADMSG;
	}
	if (ike_v1_derive(sa->alg.prf, sa->alg.encr, sa->alg.key_bits, psk ? sa->psk.ptr : NULL,
			  psk ? sa->psk.len : 0, sa->ni, sa->ni_len, sa->nr, sa->nr_len, &sa->gxy,
			  sa->gxi, sa->gxi_len, sa->gxr, sa->gxr_len, sa->icky, sa->rcky,
			  &sa->keys) < 0)
		return -EIO;
	sa->have_keys = true;
	memcpy(sa->iv, sa->keys.iv, sa->keys.block);
	return 0;
}

/* HASH_I / HASH_R (RFC 2409 5): prf(SKEYID, g^x(me) | g^x(other) | CKY-me | CKY-other | SAi_b |
 * ID_b), "me" being the initiator for HASH_I. */
static int auth_hash(struct ikev1_sa *sa, bool of_initiator, const uint8_t *id_b, size_t id_len,
		     uint8_t *out)
{
	struct ike_buf parts[6] = {
		{ of_initiator ? sa->gxi : sa->gxr, of_initiator ? sa->gxi_len : sa->gxr_len },
		{ of_initiator ? sa->gxr : sa->gxi, of_initiator ? sa->gxr_len : sa->gxi_len },
		{ of_initiator ? sa->icky : sa->rcky, 8 },
		{ of_initiator ? sa->rcky : sa->icky, 8 },
		{ sa->sai_b, sa->sai_b_len },
		{ id_b, id_len },
	};

	return ike_prf_parts(sa->keys.prf, sa->keys.skeyid.ptr, sa->keys.skeyid.len, parts, 6,
			     out);
}

/* ---- certificates ---- */

static void store_certreqs(struct ikev1_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p;
	size_t need = 0, off = 0;

	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV1_CERTREQ, i)) && i < 32; i++)
		need += 3 + p->u.cert.data.len;
	free(sa->cr_blob);
	sa->cr_blob = NULL;
	sa->cr_len = 0;
	if (!need || !(sa->cr_blob = malloc(need)))
		return;
	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV1_CERTREQ, i)) && i < 32; i++) {
		size_t l = p->u.cert.data.len;

		sa->cr_blob[off] = p->u.cert.encoding;
		sa->cr_blob[off + 1] = (uint8_t)(l >> 8);
		sa->cr_blob[off + 2] = (uint8_t)l;
		memcpy(sa->cr_blob + off + 3, p->u.cert.data.ptr, l);
		off += 3 + l;
	}
	sa->cr_len = off;
}

static size_t certreq_entries(const struct ikev1_sa *sa, struct ike_certreq_entry *ent, size_t max)
{
	size_t n = 0;

	for (size_t off = 0; off + 3 <= sa->cr_len && n < max;) {
		size_t l = (size_t)sa->cr_blob[off + 1] << 8 | sa->cr_blob[off + 2];

		ent[n].encoding = sa->cr_blob[off];
		ent[n].data = sa->cr_blob + off + 3;
		ent[n].len = l;
		n++;
		off += 3 + l;
	}
	return n;
}

/* The trust-point whose certificate and key sign our MM5/MM6 (first-match on the CERT_REQs). */
static int choose_cert(struct ikev1_sa *sa)
{
	struct ike_certreq_entry ent[32];
	size_t n = certreq_entries(sa, ent, 32);
	struct ike_trace tr = ikev1_tracer(sa);
	const struct pki_trustpoint *tp = NULL;
	const struct ike_profile *prof = sa->initiator && sa->prof_bound ? &sa->prof : NULL;
	int r;

	if (!sa->e->store)
		return -ENOKEY;
	r = ike_cert_choose(sa->e->cfg, sa->e->store, IKE_V1, sa->initiator, prof, ent, n, &tr,
			    &tp);
	if (r == -ENOENT || !tp)
		tp = ike_cert_default(sa->e->store, prof);
	if (!tp || !pki_tp_cert(tp))
		return -ENOKEY;
	sa->sign_tp = tp;
	return 0;
}

static void add_certreqs(struct wire_builder *b, struct ikev1_sa *sa, enum ike_certreq_point pt)
{
	const struct pki_trustpoint *tps[64];
	struct ike_endpoints ep = endpoints(sa);
	struct ike_trace tr = ikev1_tracer(sa);
	size_t n = 0;

	if (!sa->e->store ||
	    ike_certreq_build(sa->e->cfg, sa->e->store, pt, sa->prof_bound ? &sa->prof : NULL, &ep,
			      &tr, tps, 64, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct ike_certreq_entry en;
		struct wire_payload p;

		if (ike_certreq_entry_of(tps[i], IKE_V1, &en) < 0)
			continue;
		memset(&p, 0, sizeof(p));
		p.type = WIRE_PLV1_CERTREQ;
		p.u.cert.encoding = en.encoding;
		p.u.cert.data.ptr = en.data;
		p.u.cert.data.len = en.len;
		wire_build_add(b, &p);
	}
}

/* ID, [CERT], HASH or SIG of MM5/MM6/AM2: into the builder. */
static int add_id_auth(struct wire_builder *b, struct ikev1_sa *sa)
{
	struct id_buf id;
	uint8_t hash[64];
	size_t hlen = ike_prf_len(sa->keys.prf);
	int r;

	if (sa->alg.auth == CONFIG_AUTH_RSA_SIG) {
		/* the responder chose when MM3's CERT_REQs arrived */
		r = sa->sign_tp ? 0 : choose_cert(sa);
		if (r < 0) {
			ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "no certificate to authenticate with (rsa-sig)");
			return r;
		}
	}
	r = local_id(sa, &id);
	if (r < 0) {
		ikev1_log(sa, IKE_LOG_ERR, NULL, "cannot build our ID payload (%s)", strerror(-r));
		return r;
	}
	if (auth_hash(sa, sa->initiator, id.body, id.len, hash) < 0)
		return -EIO;
	add_id(b, &id);
	if (sa->alg.auth == CONFIG_AUTH_PSK) {
		wire_build_data(b, WIRE_PLV1_HASH, hash, hlen);
	} else {
		struct ike_trace tr = ikev1_tracer(sa);
		const struct pki_cert *cert = ike_cert_payload(IKE_V1, sa->sign_tp, &tr);
		struct wire_payload p;
		uint8_t *sig = NULL;
		size_t sig_len = 0, der_len = 0;
		const uint8_t *der;

		if (!cert)
			return -ENOKEY;
		der = pki_cert_der(cert, &der_len);
		memset(&p, 0, sizeof(p));
		p.type = WIRE_PLV1_CERT;
		p.u.cert.encoding = IKE_CERT_X509_SIGNATURE;
		p.u.cert.data.ptr = der;
		p.u.cert.data.len = der_len;
		wire_build_add(b, &p); /* ike_cert_payload() said which keypair signs */
		if (pki_tp_sign(sa->sign_tp, PKI_HASH_NONE, 0, hash, hlen, &sig, &sig_len) < 0) {
			ikev1_log(sa, IKE_LOG_ERR, NULL, "signing with trustpoint %s failed",
				  pki_tp_name(sa->sign_tp));
			return -EIO;
		}
		wire_build_data(b, WIRE_PLV1_SIG, sig, sig_len);
		free(sig);
	}
	return 0;
}

static const char *id_type_word(const struct ike_id *id)
{
	return id->type == CONFIG_ID_FQDN    ? "ID_FQDN"
	       : id->type == CONFIG_ID_EMAIL ? "ID_USER_FQDN"
	       : id->type == CONFIG_ID_DN    ? "ID_DER_ASN1_DN"
	       : id->addr.family == AF_INET6 ? "ID_IPV6_ADDR"
					     : "ID_IPV4_ADDR";
}

/*
 * The peer's ID, [CERT], HASH or SIG: bind the profile (responder), validate the certificate
 * against the bound profile's trust-points, check the hash or signature. 0 or -EACCES.
 */
static int verify_id_auth(struct ikev1_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *idp = wire_msg_find(m, WIRE_PLV1_ID, 0);
	const struct wire_payload *hp = wire_msg_find(m, WIRE_PLV1_HASH, 0);
	const struct wire_payload *sp = wire_msg_find(m, WIRE_PLV1_SIG, 0);
	struct ike_endpoints ep = endpoints(sa);
	struct ike_trace tr = ikev1_tracer(sa);
	size_t hlen = ike_prf_len(sa->keys.prf);
	struct ike_buf idb = ikev1_body(idp);
	uint8_t want[64];
	struct ike_id id;
	char a[CONFIG_ADDR_STRLEN];

	if (!idp || !ike_id_from_wire(&idp->u.id, &id, sa->remote_id, sizeof(sa->remote_id))) {
		ikev1_log(sa, IKE_LOG_WARNING, "auth-failed", "unusable ID payload from %s",
			  config_addr_str(&sa->path.remote, a, sizeof(a)));
		return -EACCES;
	}
	ikev1_debug(sa, "processing ID payload. message ID = 0");
	ikev1_debug(sa, "ID payload %s : %s", id_type_word(&id), sa->remote_id);
	if (!sa->prof_bound) {
		struct ike_profile prof;

		if (ike_profile_select(sa->e->cfg, IKE_V1, &id, &ep, &tr, &prof) == 0) {
			sa->prof = prof;
		} else {
			sa->prof.v1 = NULL; /* no isakmp profile: global settings */
		}
		sa->prof.version = IKE_V1;
		sa->prof_bound = true;
	}
	if (auth_hash(sa, !sa->initiator, idb.ptr, idb.len, want) < 0)
		return -EIO;
	if (sa->alg.auth == CONFIG_AUTH_PSK) {
		if (!hp || hp->u.data.len != hlen ||
		    CRYPTO_memcmp(hp->u.data.ptr, want, hlen) != 0) {
			ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "%%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from %s failed its "
				  "sanity check or is malformed (pre-shared keys differ?)",
				  config_addr_str(&sa->path.remote, a, sizeof(a)));
			return -EACCES;
		}
	} else {
		const struct wire_payload *cp = wire_msg_find(m, WIRE_PLV1_CERT, 0);
		struct pki_cert *cert = NULL, *chain[8];
		const struct pki_trustpoint *vtp = NULL;
		struct pki_error perr;
		size_t nchain = 0;
		int r = -EACCES;

		if (!cp || !sp || !sa->e->store) {
			ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "rsa-sig: the peer sent no %s", !sp ? "SIG" : "certificate");
			return -EACCES;
		}
		ikev1_debug(sa, "processing CERT payload. message ID = 0");
		ikev1_debug(sa, "processing a CT_X509_SIGNATURE cert");
		if (cp->u.cert.encoding != IKE_CERT_X509_SIGNATURE ||
		    pki_cert_from_der(cp->u.cert.data.ptr, cp->u.cert.data.len, &cert, &perr) < 0) {
			ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "the peer's certificate does not parse");
			return -EACCES;
		}
		for (unsigned i = 1; nchain < 8; i++) {
			const struct wire_payload *q = wire_msg_find(m, WIRE_PLV1_CERT, i);

			if (!q)
				break;
			if (q->u.cert.encoding == IKE_CERT_X509_SIGNATURE &&
			    pki_cert_from_der(q->u.cert.data.ptr, q->u.cert.data.len,
					      &chain[nchain], &perr) == 0)
				nchain++;
		}
		if (ike_validate_peer_cert(sa->e->store, &sa->prof, &ep, cert,
					   (const struct pki_cert *const *)chain, nchain,
					   sa->e->env.wall ? sa->e->env.wall(sa->e->env.ctx) : 0,
					   &tr, &vtp, &perr) < 0) {
			ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "Certificate received from %s is bad: %s",
				  config_addr_str(&sa->path.remote, a, sizeof(a)),
				  perr.msg[0] ? perr.msg : "not valid");
		} else {
			r = pki_cert_verify(cert, PKI_HASH_NONE, 0, want, hlen, sp->u.data.ptr,
					    sp->u.data.len) == 0
				    ? 0
				    : -EACCES;
			if (r < 0)
				ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
					  "the signature of %s does not verify", sa->remote_id);
		}
		for (size_t i = 0; i < nchain; i++)
			pki_cert_free(chain[i]);
		pki_cert_free(cert);
		if (r < 0)
			return r;
	}
	ikev1_debug(sa, "SA authentication status: authenticated");
	return 0;
}

/* ---- the tunnel an SA serves ---- */

static struct ikev1_tunnel *tunnel_for_peer(struct ikev1 *e, const struct ikev1_sa *sa)
{
	struct ikev1_tunnel *any = NULL;

	for (size_t i = 0; i < e->n_tunnels; i++) {
		struct ikev1_tunnel *t = &e->tunnels[i];

		if (!ike_addr_equal(&t->cfg->destination, &sa->path.remote))
			continue;
		if (t->cfg->source.family && !ike_addr_equal(&t->cfg->source, &sa->path.local))
			continue;
		if (sa->prof_bound && ike_profile_equal(&t->prof, &sa->prof))
			return t;
		if (!any)
			any = t;
	}
	return any;
}

/* ---- established ---- */

static void life_fire(struct ike_timer *tm, void *userdata)
{
	struct ikev1_sa *sa = userdata;

	(void)tm;
	if (sa->state != IKEV1_S_P1_DONE) {
		struct ikev1_tunnel *t =
			sa->tunnel_id ? ikev1_tunnel_get(sa->e, sa->tunnel_id) : NULL;

		ikev1_log(sa, IKE_LOG_WARNING, NULL, "phase 1 did not complete in time (%s)",
			  ikev1_state_name(sa));
		ikev1_sa_destroy(sa, "half-open timeout");
		if (t)
			ikev1_tunnel_failed(t, "phase 1 timeout");
		return;
	}
	ikev1_log(sa, IKE_LOG_INFO, NULL, "ISAKMP SA lifetime (%u s) expired",
		  sa->alg.lifetime_s);
	ikev1_delete_p1(sa);
}

/* ikegwd --export-keys (env.export_keys set): the cookies and the phase-1 cipher key, which is all
 * Wireshark needs (it computes the IVs from the exchange it sees). */
static void export_keys(struct ikev1_sa *sa)
{
	const struct ike_env *env = &sa->e->env;
	struct ike_key_export x = { .kind = IKE_KEYX_IKEV1 };

	if (!env->export_keys || !sa->have_keys)
		return;
	memcpy(x.ispi, sa->icky, 8);
	memcpy(x.rspi, sa->rcky, 8);
	x.encr = sa->alg.encr;
	x.key_bits = sa->keys.key_bits;
	x.sk_ei = sa->keys.enc.ptr;
	x.enc_len = sa->keys.enc.len;
	env->export_keys(env->ctx, &x);
}

void ikev1_p1_established(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;
	struct ikev1_tunnel *t;
	char alg[96];

	ikev1_retransmit_stop(sa);
	ikev1_sa_set_state(sa, IKEV1_S_P1_DONE);
	sa->established_us = ikev1_now(e);
	sa->last_in_us = sa->established_us;
	export_keys(sa);
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	memcpy(sa->p1_last, sa->iv, sa->keys.block);
	sa->life_timer.fn = life_fire;
	ike_timer_arm(&e->timers, &sa->life_timer,
		      sa->established_us + (uint64_t)sa->alg.lifetime_s * 1000000ull);
	t = sa->tunnel_id ? ikev1_tunnel_get(e, sa->tunnel_id) : tunnel_for_peer(e, sa);
	if (t) {
		struct ikev1_sa *old = t->sa;

		if (t->nego == sa)
			t->nego = NULL;
		sa->tunnel_id = t->id;
		t->sa = sa;
		t->failures = 0;
		if (old && old != sa)
			ikev1_delete_p1(old); /* replaced: its IPsec SAs stay with the tunnel */
	}
	ikev1_log(sa, IKE_LOG_NOTICE, NULL, "ISAKMP SA established with %s (%s, %s)",
		  sa->remote_id, ikev1_p1_alg_str(&sa->alg, alg, sizeof(alg)),
		  sa->prof.v1 ? sa->prof.v1->name : "no isakmp profile");
	ikev1_dpd_arm(sa);
	ikev1_natka_arm(sa);
	if (t && sa->initiator && (!ikev1_child_current(t) || t->want_qm)) {
		/* a first Quick Mode, or the rekey that was waiting for this phase 1 */
		t->want_qm = false;
		ikev1_qm_start(sa, t, ikev1_child_current(t));
	}
}

/* ---- initiator ---- */

static int build_p1_sa(struct ikev1_sa *sa, struct wire_builder *b, enum config_auth only)
{
	struct wire_proposal prop;
	struct wire_transform tr[32];
	struct wire_attr attrs[32 * 8];
	size_t n = ikev1_p1_proposal_build(sa->e, only, &prop, tr, attrs, 32);

	if (!n)
		return -ENOENT;
	return ikev1_add_sa(b, &prop, 1);
}

/* Keep SAi_b: the SA payload body of the message just built (the first payload). */
static int keep_sai(struct ikev1_sa *sa, const uint8_t *msg)
{
	size_t plen = (size_t)msg[WIRE_HDR_LEN + 2] << 8 | msg[WIRE_HDR_LEN + 3];

	free(sa->sai_b);
	sa->sai_b = malloc(plen);
	if (!sa->sai_b || plen < WIRE_GHDR_LEN)
		return -ENOMEM;
	sa->sai_b_len = plen - WIRE_GHDR_LEN;
	memcpy(sa->sai_b, msg + WIRE_HDR_LEN + WIRE_GHDR_LEN, sa->sai_b_len);
	return 0;
}

static uint16_t first_group(struct ikev1 *e)
{
	for (size_t i = 0; i < e->cfg->n_isakmp_policies; i++)
		if (e->cfg->isakmp_policies[i]->auth == CONFIG_AUTH_PSK)
			return e->cfg->isakmp_policies[i]->group;
	return 0;
}

int ikev1_p1_start(struct ikev1_tunnel *t)
{
	struct ikev1 *e = t->e;
	struct ike_path path = { .local = t->cfg->source, .remote = t->cfg->destination,
				 .local_port = 500, .remote_port = 500 };
	struct ikev1_sa *sa;
	struct wire_builder b;
	struct wire_hdr h;
	size_t len;
	char a[CONFIG_ADDR_STRLEN];

	if (t->nego)
		return -EALREADY;
	sa = ikev1_sa_new(e, true, &path);
	if (!sa)
		return -ENOMEM;
	sa->tunnel_id = t->id;
	sa->prof = t->prof;
	sa->prof.version = IKE_V1;
	sa->prof_bound = true;
	sa->aggressive = sa->prof.v1 && sa->prof.v1->initiate_aggressive;
	sa->state = sa->aggressive ? IKEV1_S_AM_I1 : IKEV1_S_MM_I1;
	t->nego = sa;
	if (sa->prof.v1)
		ikev1_debug(sa, "SA request profile is %s", sa->prof.v1->name);
	hdr_init(sa, &h, sa->aggressive ? WIRE_EX1_AGGRESSIVE : WIRE_EX1_MAIN);
	wire_build_msg(&b, e->out, IKEV1_MSG_MAX, &h);
	if (build_p1_sa(sa, &b, sa->aggressive ? CONFIG_AUTH_PSK : CONFIG_AUTH_NONE) < 0) {
		ikev1_log(sa, IKE_LOG_ERR, NULL,
			  "no usable crypto isakmp policy%s (3DES or AES, MD5/SHA-1/SHA-2, "
			  "pre-share or rsa-sig, a supported DH group)",
			  sa->aggressive ? " with authentication pre-share for aggressive mode" : "");
		ikev1_sa_destroy(sa, "no proposal");
		ikev1_tunnel_failed(t, "no proposal");
		return -ENOENT;
	}
	if (sa->aggressive) {
		uint8_t ke[512], nonce[IKEV1_NONCE_LEN];
		struct id_buf id;

		/* one DH group in Aggressive Mode: that of the first pre-share policy; only the
		 * policies with it were offered above (the others would be refused anyway) */
		sa->alg.dh = first_group(e);
		sa->alg.auth = CONFIG_AUTH_PSK;
		if (make_ke_nonce(sa, ke, &sa->gxi_len, nonce, &sa->ni_len) < 0 ||
		    local_id(sa, &id) < 0) {
			ikev1_sa_destroy(sa, "aggressive mode setup failed");
			ikev1_tunnel_failed(t, "setup");
			return -EIO;
		}
		memcpy(sa->gxi, ke, sa->gxi_len);
		memcpy(sa->ni, nonce, sa->ni_len);
		ikev1_add_ke(&b, sa->gxi, sa->gxi_len);
		wire_build_data(&b, WIRE_PLV1_NONCE, sa->ni, sa->ni_len);
		add_id(&b, &id);
		memcpy(sa->peer_id_body, id.body, id.len); /* our IDii_b, for HASH_I in AM3 */
		sa->peer_id_len = id.len;
	}
	add_vids(&b);
	if (wire_build_finish(&b, &len) < 0 || keep_sai(sa, e->out) < 0) {
		ikev1_sa_destroy(sa, "cannot build MM1");
		return -EMSGSIZE;
	}
	sa->life_timer.fn = life_fire;
	ike_timer_arm(&e->timers, &sa->life_timer, ikev1_now(e) + IKEV1_HALF_OPEN_US);
	ikev1_debug(sa, "beginning %s Mode exchange with %s", sa->aggressive ? "Aggressive" : "Main",
		    config_addr_str(&path.remote, a, sizeof(a)));
	return ikev1_send_p1(sa, len, true);
}

/* The peer's chosen transform must be one we offered. */
static bool take_chosen(struct ikev1_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p = wire_msg_find(m, WIRE_PLV1_SA, 0);
	const struct wire_proposal *prop;
	const struct wire_transform *tr;
	struct ikev1_p1_alg a;

	if (!p || p->u.sa.nproposals != 1 || p->u.sa.proposals[0].ntransforms != 1)
		return false;
	if (!ikev1_p1_choose(sa->e, &p->u.sa, &a, &prop, &tr))
		return false;
	if (sa->aggressive && a.dh != sa->alg.dh)
		return false;
	sa->alg = a;
	return true;
}

static void fail_p1(struct ikev1_sa *sa, const char *why)
{
	struct ikev1_tunnel *t = sa->tunnel_id ? ikev1_tunnel_get(sa->e, sa->tunnel_id) : NULL;
	bool ours = t && t->nego == sa;

	ikev1_log(sa, IKE_LOG_WARNING, NULL, "phase 1 failed: %s", why);
	ikev1_sa_destroy(sa, why);
	if (ours)
		ikev1_tunnel_failed(t, why);
}

/* MM3 (initiator) / MM4 (responder): our KE and nonce, CERT_REQs for rsa-sig, NAT-D. */
static int send_mm34(struct ikev1_sa *sa)
{
	struct ikev1 *e = sa->e;
	struct wire_builder b;
	struct wire_hdr h;
	size_t len;

	hdr_init(sa, &h, WIRE_EX1_MAIN);
	wire_build_msg(&b, e->out, IKEV1_MSG_MAX, &h);
	ikev1_add_ke(&b, sa->initiator ? sa->gxi : sa->gxr,
		     sa->initiator ? sa->gxi_len : sa->gxr_len);
	wire_build_data(&b, WIRE_PLV1_NONCE, sa->initiator ? sa->ni : sa->nr,
			sa->initiator ? sa->ni_len : sa->nr_len);
	if (sa->alg.auth == CONFIG_AUTH_RSA_SIG)
		add_certreqs(&b, sa, sa->initiator ? IKE_CERTREQ_V1_MM3 : IKE_CERTREQ_V1_MM4);
	if (sa->peer_natt)
		add_natd(&b, sa);
	if (wire_build_finish(&b, &len) < 0)
		return -EMSGSIZE;
	ikev1_sa_set_state(sa, sa->initiator ? IKEV1_S_MM_I3 : IKEV1_S_MM_R4);
	/* a failed send is retransmitted (initiator) or answered again (responder) later */
	ikev1_send_p1(sa, len, sa->initiator);
	return 0;
}

static void mm2_input(struct ikev1_sa *sa, const struct wire_msg *m)
{
	uint8_t ke[512];

	memcpy(sa->rcky, m->hdr.rspi, 8);
	if (!take_chosen(sa, m))
		return fail_p1(sa, "the peer chose a transform we did not offer");
	read_vids(sa, m);
	if (make_ke_nonce(sa, ke, &sa->gxi_len, sa->ni, &sa->ni_len) < 0)
		return fail_p1(sa, "DH setup failed");
	memcpy(sa->gxi, ke, sa->gxi_len);
	if (send_mm34(sa) < 0)
		return fail_p1(sa, "cannot build MM3");
}

/* RFC 3947 4: with a NAT in the path, the initiator moves to 4500 from MM5/AM3 on. */
static void float_if_nat(struct ikev1_sa *sa)
{
	if (sa->natt && sa->path.remote_port == 500) {
		sa->path.local_port = NATT_PORT;
		sa->path.remote_port = NATT_PORT;
		ikev1_debug(sa, "NAT-T: moving to UDP port %u", NATT_PORT);
	}
}

static void mm4_input(struct ikev1_sa *sa, const struct wire_msg *m)
{
	struct ikev1 *e = sa->e;
	struct wire_builder b;
	struct wire_hdr h;
	size_t len;
	int r;

	if (!take_ke_nonce(sa, m, sa->gxr, &sa->gxr_len, sa->nr, &sa->nr_len))
		return fail_p1(sa, "MM4 without a usable KE or nonce");
	store_certreqs(sa, m);
	check_natd(sa, m);
	if (derive(sa) < 0)
		return fail_p1(sa, "key derivation failed");
	float_if_nat(sa);
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	if (add_id_auth(&b, sa) < 0 || wire_build_finish(&b, &len) < 0)
		return fail_p1(sa, "cannot build MM5");
	hdr_init(sa, &h, WIRE_EX1_MAIN);
	r = ikev1_seal(sa, &h, WIRE_PLV1_ID, len, sa->iv);
	if (r < 0)
		return fail_p1(sa, "cannot encrypt MM5");
	ikev1_sa_set_state(sa, IKEV1_S_MM_I5);
	ikev1_send_p1(sa, (size_t)r, true);
}

static void mm6_input(struct ikev1_sa *sa, struct wire_msg *m)
{
	uint8_t ivn[16];
	struct wire_err err;

	if (ikev1_open(sa, m, sa->iv, ivn) < 0 ||
	    wire_validate(m, wire_rule_get(WIRE_R_MM6), &err) < 0) {
		ikev1_debug(sa, "MM6 does not decrypt or is malformed: dropped");
		return;
	}
	if (verify_id_auth(sa, m) < 0)
		return fail_p1(sa, "the responder did not authenticate");
	memcpy(sa->iv, ivn, sa->keys.block);
	ikev1_p1_established(sa);
}

/* ---- responder ---- */

static struct ikev1_sa *responder_new(struct ikev1 *e, const struct ike_path *path,
				      const struct wire_msg *m, bool aggressive)
{
	const struct wire_payload *p = wire_msg_find(m, WIRE_PLV1_SA, 0);
	const struct wire_proposal *prop;
	const struct wire_transform *tr;
	struct ikev1_p1_alg a;
	struct ikev1_sa *sa;
	char addr[CONFIG_ADDR_STRLEN];

	if (!p || !ikev1_p1_choose(e, &p->u.sa, &a, &prop, &tr)) {
		struct ike_log_entry l = { .level = IKE_LOG_WARNING };
		char line[200];

		snprintf(line, sizeof(line),
			 "ISAKMP: phase 1 proposal from %s not acceptable: no crypto isakmp "
			 "policy matches (atts are not acceptable)",
			 config_addr_str(&path->remote, addr, sizeof(addr)));
		l.text = line;
		l.peer = addr;
		if (e->env.log)
			e->env.log(e->env.ctx, &l);
		ikev1_send_plain_notify(e, path, m->hdr.ispi, (const uint8_t[8]){ 0 },
					WIRE_N1_NO_PROPOSAL_CHOSEN);
		return NULL;
	}
	if (aggressive && a.auth != CONFIG_AUTH_PSK)
		return NULL;
	sa = ikev1_sa_new(e, false, path);
	if (!sa)
		return NULL;
	memcpy(sa->icky, m->hdr.ispi, 8);
	ikev1_sa_index_peer(sa);
	sa->alg = a;
	sa->aggressive = aggressive;
	sa->state = aggressive ? IKEV1_S_AM_R2 : IKEV1_S_MM_R2;
	{
		struct ike_buf sab = ikev1_body(p);

		sa->sai_b = malloc(sab.len ? sab.len : 1);
		if (!sa->sai_b) {
			ikev1_sa_destroy(sa, "no memory");
			return NULL;
		}
		memcpy(sa->sai_b, sab.ptr, sab.len);
		sa->sai_b_len = sab.len;
	}
	read_vids(sa, m);
	sa->life_timer.fn = life_fire;
	ike_timer_arm(&e->timers, &sa->life_timer, ikev1_now(e) + IKEV1_HALF_OPEN_US);
	ikev1_debug(sa, "Checking ISAKMP transform %u: atts are acceptable", tr->num);
	/* the answer names the chosen transform: the peer's proposal with only that one */
	{
		struct wire_proposal one = *prop;
		struct wire_builder b;
		struct wire_hdr h;
		size_t len;

		one.transforms = (struct wire_transform *)tr;
		one.ntransforms = 1;
		hdr_init(sa, &h, aggressive ? WIRE_EX1_AGGRESSIVE : WIRE_EX1_MAIN);
		wire_build_msg(&b, e->out, IKEV1_MSG_MAX, &h);
		ikev1_add_sa(&b, &one, 1);
		if (!aggressive) {
			add_vids(&b);
			if (wire_build_finish(&b, &len) < 0) {
				ikev1_sa_destroy(sa, "cannot build MM2");
				return NULL;
			}
			ikev1_send_p1(sa, len, false);
		} else {
			/* AM2 continues in am1_input with b's state: rebuilt there instead */
		}
	}
	return sa;
}

static void mm3_input(struct ikev1_sa *sa, const struct wire_msg *m)
{
	uint8_t ke[512];

	if (!take_ke_nonce(sa, m, sa->gxi, &sa->gxi_len, sa->ni, &sa->ni_len))
		return fail_p1(sa, "MM3 without a usable KE or nonce");
	store_certreqs(sa, m);
	/* IOS processes MM3's CERT_REQs on arrival, before its own CERT_REQs in MM4 (seed 001);
	 * the profile is unknown until MM5 and plays no part in the responder's choice */
	if (sa->alg.auth == CONFIG_AUTH_RSA_SIG)
		choose_cert(sa);
	if (make_ke_nonce(sa, ke, &sa->gxr_len, sa->nr, &sa->nr_len) < 0)
		return fail_p1(sa, "DH setup failed");
	memcpy(sa->gxr, ke, sa->gxr_len);
	check_natd(sa, m);
	if (derive(sa) < 0)
		return fail_p1(sa, "key derivation failed");
	if (send_mm34(sa) < 0)
		return fail_p1(sa, "cannot build MM4");
}

static void mm5_input(struct ikev1_sa *sa, struct wire_msg *m, const struct ike_path *path)
{
	struct ikev1 *e = sa->e;
	struct wire_builder b;
	struct wire_err err;
	struct wire_hdr h;
	struct ikev1_tunnel *t;
	uint8_t ivn[16];
	size_t len;
	int r;

	if (ikev1_open(sa, m, sa->iv, ivn) < 0 ||
	    wire_validate(m, wire_rule_get(WIRE_R_MM5), &err) < 0) {
		ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
			  "MM5 does not decrypt or is malformed (pre-shared keys differ?)");
		return;
	}
	if (verify_id_auth(sa, m) < 0) {
		ikev1_sa_destroy(sa, "authentication failed");
		return;
	}
	memcpy(sa->iv, ivn, sa->keys.block);
	if (sa->natt && path->remote_port != sa->path.remote_port)
		sa->path = *path; /* the initiator floated to 4500 (and a NAT may map it) */
	t = tunnel_for_peer(e, sa);
	if (t)
		sa->tunnel_id = t->id;
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	if (add_id_auth(&b, sa) < 0 || wire_build_finish(&b, &len) < 0)
		return fail_p1(sa, "cannot build MM6");
	hdr_init(sa, &h, WIRE_EX1_MAIN);
	r = ikev1_seal(sa, &h, WIRE_PLV1_ID, len, sa->iv);
	if (r < 0)
		return fail_p1(sa, "cannot encrypt MM6");
	ikev1_send_p1(sa, (size_t)r, false);
	ikev1_p1_established(sa);
}

/* ---- Aggressive Mode ---- */

static void am1_input(struct ikev1 *e, const struct ike_path *path, const struct wire_msg *m)
{
	struct ikev1_sa *sa = responder_new(e, path, m, true);
	const struct wire_payload *p = wire_msg_find(m, WIRE_PLV1_SA, 0);
	const struct wire_payload *idp = wire_msg_find(m, WIRE_PLV1_ID, 0);
	const struct wire_proposal *prop;
	const struct wire_transform *tr;
	struct ikev1_p1_alg a;
	struct wire_builder b;
	struct wire_proposal one;
	struct wire_hdr h;
	uint8_t ke[512];
	size_t len;
	struct ike_id id;
	struct ike_endpoints ep;
	struct ike_trace tr_;

	if (!sa)
		return;
	if (!idp || !take_ke_nonce(sa, m, sa->gxi, &sa->gxi_len, sa->ni, &sa->ni_len) ||
	    !ike_id_from_wire(&idp->u.id, &id, sa->remote_id, sizeof(sa->remote_id)))
		return fail_p1(sa, "AM1 without a usable KE, nonce or ID");
	{
		struct ike_buf idb = ikev1_body(idp);

		if (idb.len > sizeof(sa->peer_id_body))
			return fail_p1(sa, "AM1 ID too long");
		memcpy(sa->peer_id_body, idb.ptr, idb.len);
		sa->peer_id_len = idb.len;
	}
	ep = endpoints(sa);
	tr_ = ikev1_tracer(sa);
	if (ike_profile_select(e->cfg, IKE_V1, &id, &ep, &tr_, &sa->prof) != 0)
		sa->prof.v1 = NULL;
	sa->prof.version = IKE_V1;
	sa->prof_bound = true;
	if (make_ke_nonce(sa, ke, &sa->gxr_len, sa->nr, &sa->nr_len) < 0)
		return fail_p1(sa, "DH setup failed");
	memcpy(sa->gxr, ke, sa->gxr_len);
	if (derive(sa) < 0)
		return fail_p1(sa, "key derivation failed");
	ikev1_p1_choose(e, &p->u.sa, &a, &prop, &tr);
	one = *prop;
	one.transforms = (struct wire_transform *)tr;
	one.ntransforms = 1;
	hdr_init(sa, &h, WIRE_EX1_AGGRESSIVE);
	wire_build_msg(&b, e->out, IKEV1_MSG_MAX, &h);
	ikev1_add_sa(&b, &one, 1);
	ikev1_add_ke(&b, sa->gxr, sa->gxr_len);
	wire_build_data(&b, WIRE_PLV1_NONCE, sa->nr, sa->nr_len);
	if (add_id_auth(&b, sa) < 0)
		return fail_p1(sa, "cannot build AM2");
	add_vids(&b);
	if (sa->peer_natt)
		add_natd(&b, sa);
	if (wire_build_finish(&b, &len) < 0)
		return fail_p1(sa, "cannot build AM2");
	check_natd(sa, m);
	ikev1_send_p1(sa, len, false);
}

static void am2_input(struct ikev1_sa *sa, const struct wire_msg *m)
{
	struct ikev1 *e = sa->e;
	struct wire_builder b;
	struct wire_hdr h;
	uint8_t hash[64];
	size_t len;
	int r;

	memcpy(sa->rcky, m->hdr.rspi, 8);
	if (!take_chosen(sa, m))
		return fail_p1(sa, "the peer chose a transform we did not offer");
	read_vids(sa, m);
	if (!take_ke_nonce(sa, m, sa->gxr, &sa->gxr_len, sa->nr, &sa->nr_len))
		return fail_p1(sa, "AM2 without a usable KE or nonce");
	check_natd(sa, m);
	if (derive(sa) < 0)
		return fail_p1(sa, "key derivation failed");
	if (verify_id_auth(sa, m) < 0)
		return fail_p1(sa, "the responder did not authenticate");
	float_if_nat(sa);
	/* AM3: HDR*, HASH_I [, NAT-D, NAT-D] over our IDii_b kept from AM1 */
	if (auth_hash(sa, true, sa->peer_id_body, sa->peer_id_len, hash) < 0)
		return fail_p1(sa, "hash failed");
	wire_build_chain(&b, e->chain, IKEV1_MSG_MAX, 1);
	wire_build_data(&b, WIRE_PLV1_HASH, hash, ike_prf_len(sa->keys.prf));
	if (sa->peer_natt) {
		struct ike_path pre = sa->path;

		/* NAT-D describe the path of AM1/AM2 (port 500), not the floated one */
		if (sa->natt) {
			sa->path.local_port = 500;
			sa->path.remote_port = 500;
		}
		add_natd(&b, sa);
		sa->path = pre;
	}
	if (wire_build_finish(&b, &len) < 0)
		return fail_p1(sa, "cannot build AM3");
	hdr_init(sa, &h, WIRE_EX1_AGGRESSIVE);
	r = ikev1_seal(sa, &h, WIRE_PLV1_HASH, len, sa->iv);
	if (r < 0)
		return fail_p1(sa, "cannot encrypt AM3");
	ikev1_send_p1(sa, (size_t)r, false);
	ikev1_p1_established(sa);
}

static void am3_input(struct ikev1_sa *sa, struct wire_msg *m, const struct ike_path *path)
{
	const struct wire_payload *hp;
	uint8_t want[64], ivn[16];
	size_t hlen = ike_prf_len(sa->keys.prf);
	struct ikev1_tunnel *t;

	memcpy(ivn, sa->iv, sa->keys.block);
	if (m->enc.present && ikev1_open(sa, m, sa->iv, ivn) < 0) {
		ikev1_log(sa, IKE_LOG_WARNING, "auth-failed", "AM3 does not decrypt");
		return;
	}
	hp = wire_msg_find(m, WIRE_PLV1_HASH, 0);
	if (auth_hash(sa, true, sa->peer_id_body, sa->peer_id_len, want) < 0 || !hp ||
	    hp->u.data.len != hlen || CRYPTO_memcmp(hp->u.data.ptr, want, hlen) != 0) {
		ikev1_log(sa, IKE_LOG_WARNING, "auth-failed",
			  "AM3: the initiator's hash does not verify (pre-shared keys differ?)");
		ikev1_sa_destroy(sa, "authentication failed");
		return;
	}
	ikev1_debug(sa, "SA authentication status: authenticated");
	memcpy(sa->iv, ivn, sa->keys.block);
	if (sa->natt && path->remote_port != sa->path.remote_port)
		sa->path = *path;
	t = tunnel_for_peer(sa->e, sa);
	if (t)
		sa->tunnel_id = t->id;
	ikev1_p1_established(sa);
}

/* ---- dispatch ---- */

void ikev1_p1_input(struct ikev1 *e, struct ikev1_sa *sa, const struct ike_path *path,
		    struct wire_msg *m, const uint8_t *buf, size_t len)
{
	static const uint8_t zero[8];
	struct wire_err err;
	bool aggressive = m->hdr.exchange == WIRE_EX1_AGGRESSIVE;

	if (!sa) {
		/* only a first message opens an SA: MM1 / AM1 with a zero responder cookie */
		if (memcmp(m->hdr.rspi, zero, 8) != 0 || m->enc.present)
			return;
		if (wire_validate(m, wire_rule_get(aggressive ? WIRE_R_AM1 : WIRE_R_MM1), &err) < 0)
			return;
		if (aggressive) {
			am1_input(e, path, m);
		} else {
			sa = responder_new(e, path, m, false);
		}
		/* remember the first message so that its retransmissions get the same answer */
		sa = ikev1_sa_find(e, &m->hdr, &path->remote);
		if (sa)
			ikev1_remember_in(sa, buf, len);
		return;
	}
	if (ikev1_is_retransmit(sa, buf, len)) {
		/* the peer lost our answer: send it again (never our own request) */
		if (!sa->initiator && sa->last_out) {
			ikev1_debug(sa, "retransmission of the peer's last message: answering again");
			ikev1_sa_send(sa, sa->last_out, sa->last_out_len);
		}
		return;
	}
	if (sa->aggressive != aggressive)
		return;
	if (sa->initiator) {
		switch (sa->state) {
		case IKEV1_S_MM_I1:
			if (wire_validate(m, wire_rule_get(WIRE_R_MM2), &err) < 0)
				return;
			ikev1_remember_in(sa, buf, len);
			return mm2_input(sa, m);
		case IKEV1_S_MM_I3:
			if (wire_validate(m, wire_rule_get(WIRE_R_MM4), &err) < 0)
				return;
			ikev1_remember_in(sa, buf, len);
			return mm4_input(sa, m);
		case IKEV1_S_MM_I5:
			ikev1_remember_in(sa, buf, len);
			return mm6_input(sa, m);
		case IKEV1_S_AM_I1:
			if (wire_validate(m, wire_rule_get(WIRE_R_AM2), &err) < 0)
				return;
			ikev1_remember_in(sa, buf, len);
			return am2_input(sa, m);
		default:
			return; /* a late duplicate: nothing to do */
		}
	}
	switch (sa->state) {
	case IKEV1_S_MM_R2:
		if (wire_validate(m, wire_rule_get(WIRE_R_MM3), &err) < 0)
			return;
		ikev1_remember_in(sa, buf, len);
		return mm3_input(sa, m);
	case IKEV1_S_MM_R4:
		ikev1_remember_in(sa, buf, len);
		return mm5_input(sa, m, path);
	case IKEV1_S_AM_R2:
		ikev1_remember_in(sa, buf, len);
		return am3_input(sa, m, path);
	default:
		return;
	}
}
