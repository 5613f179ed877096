/*
 * IKE_AUTH (RFC 7296 1.2, 2.15, 2.16; RFC 7427), both roles, with the seed 001 selection
 * rules of daemon/ike (certificate first-match, profile binding from IDi, validation list,
 * tunnel check):
 *   HDR, SK {IDi, [CERT,] [CERTREQ,] [N(INITIAL_CONTACT),] AUTH, SAi2, TSi, TSr}  -->
 *                                 <--  HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
 * Failures: <-- HDR, SK {N(AUTHENTICATION_FAILED)}; a child that cannot be created is answered
 * with N(TS_UNACCEPTABLE) or N(NO_PROPOSAL_CHOSEN) after IDr and AUTH.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ikev2_internal.h"

#define ID_MAX 1024
#define CHAIN_MAX 4

/* RFC 7427 AlgorithmIdentifiers we sign with and accept. */
struct sig_alg {
	const uint8_t *der;
	uint8_t len;
	enum pki_hash hash;
	bool ecdsa;
};
static const uint8_t ai_rsa256[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				     0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
static const uint8_t ai_rsa384[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				     0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00 };
static const uint8_t ai_rsa512[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				     0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00 };
static const uint8_t ai_ec256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
				    0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t ai_ec384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
				    0xce, 0x3d, 0x04, 0x03, 0x03 };
static const uint8_t ai_ec512[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
				    0xce, 0x3d, 0x04, 0x03, 0x04 };
static const struct sig_alg sig_algs[] = {
	{ ai_rsa256, sizeof(ai_rsa256), PKI_HASH_SHA256, false },
	{ ai_rsa384, sizeof(ai_rsa384), PKI_HASH_SHA384, false },
	{ ai_rsa512, sizeof(ai_rsa512), PKI_HASH_SHA512, false },
	{ ai_ec256, sizeof(ai_ec256), PKI_HASH_SHA256, true },
	{ ai_ec384, sizeof(ai_ec384), PKI_HASH_SHA384, true },
	{ ai_ec512, sizeof(ai_ec512), PKI_HASH_SHA512, true },
};

static bool is_cert_auth(enum config_auth a)
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
	default:
		return "none";
	}
}

/* ---- identities ---- */

struct id_buf {
	uint8_t body[ID_MAX]; /* ID payload body: type, 3 reserved, data */
	size_t len;
};

static int local_id(struct ikev2_sa *sa, enum config_auth auth, struct id_buf *ret)
{
	const struct config_identity *li = &sa->prof.v2->local_identity;
	enum config_id_type t = li->type;
	const struct config_addr *a = &sa->path.local;
	const uint8_t *data = NULL;
	size_t dlen = 0;
	const char *text = NULL;
	uint8_t type = 0;

	if (t == CONFIG_ID_NONE)
		t = auth == CONFIG_AUTH_PSK ? CONFIG_ID_ADDRESS : CONFIG_ID_DN;
	switch (t) {
	case CONFIG_ID_ADDRESS:
		if (li->type == CONFIG_ID_ADDRESS && li->addr.family)
			a = &li->addr;
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
	case CONFIG_ID_KEY_ID:
		text = li->value;
		if (!text)
			return -ENOENT;
		type = t == CONFIG_ID_FQDN ? WIRE_ID_FQDN
		       : t == CONFIG_ID_EMAIL ? WIRE_ID_RFC822_ADDR
					      : WIRE_ID_KEY_ID;
		data = (const uint8_t *)text;
		dlen = strlen(text);
		snprintf(sa->local_id, sizeof(sa->local_id), "%s", text);
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

/* The keyring peer for this SA: by address (longest prefix), else by the peer's identity. */
static const struct config_ikev2_peer *keyring_peer(const struct ikev2_sa *sa,
						    const struct ike_id *id)
{
	const struct config_ikev2_keyring *kr = sa->prof.v2->keyring;
	const struct config_ikev2_peer *best = NULL;

	if (!kr)
		return NULL;
	for (size_t i = 0; i < kr->n_peers; i++) {
		const struct config_ikev2_peer *p = kr->peers[i];

		if (p->address.addr.family && ike_prefix_contains(&p->address, &sa->path.remote) &&
		    (!best || p->address.len > best->address.len))
			best = p;
	}
	for (size_t i = 0; !best && id && i < kr->n_peers; i++) {
		const struct config_identity *ci = &kr->peers[i]->identity;

		if (ci->type != id->type)
			continue;
		if (ci->type == CONFIG_ID_ADDRESS ? ike_addr_equal(&ci->addr, &id->addr)
						  : ci->value && id->value &&
							    strcasecmp(ci->value, id->value) == 0)
			best = kr->peers[i];
	}
	return best;
}

/* ---- AUTH ---- */

/* InitiatorSignedOctets / ResponderSignedOctets (2.15) for `from_initiator`'s AUTH. */
static int signed_octets(struct ikev2_sa *sa, bool from_initiator, const uint8_t *id_body,
			 size_t id_len, struct ike_secret *ret)
{
	if (from_initiator)
		return ike_v2_signed_octets(sa->alg.prf, &sa->keys.pi, sa->init_req,
					    sa->init_req_len, sa->nr, sa->nr_len, id_body, id_len,
					    ret);
	return ike_v2_signed_octets(sa->alg.prf, &sa->keys.pr, sa->init_resp, sa->init_resp_len,
				    sa->ni, sa->ni_len, id_body, id_len, ret);
}

/* Our AUTH payload data into buf; *ret_method. */
static int make_auth(struct ikev2_sa *sa, const struct id_buf *id, enum config_auth auth,
		     const struct config_ikev2_peer *kp, uint8_t *buf, size_t size,
		     size_t *ret_len, uint8_t *ret_method)
{
	struct ike_secret octets = { 0 };
	uint8_t *sig = NULL;
	size_t sig_len = 0;
	int r = signed_octets(sa, sa->initiator, id->body, id->len, &octets);

	if (r < 0)
		return r;
	if (auth == CONFIG_AUTH_PSK) {
		if (!kp || !kp->psk_local) {
			r = -ENOKEY;
			goto out;
		}
		r = ike_v2_psk_auth(sa->alg.prf, kp->psk_local, strlen(kp->psk_local),
				    octets.ptr, octets.len, buf);
		*ret_len = ike_prf_len(sa->alg.prf);
		*ret_method = WIRE_AUTH_PSK;
		goto out;
	}
	{
		enum pki_key_type kt = pki_tp_key_type(sa->sign_tp);
		bool ec = kt == PKI_KEY_ECDSA_P256 || kt == PKI_KEY_ECDSA_P384 ||
			  kt == PKI_KEY_ECDSA_P521;
		enum pki_hash h;

		if (sa->peer_sig_hash) {
			const struct sig_alg *al = &sig_algs[ec ? 3 : 0];

			r = pki_tp_sign(sa->sign_tp, al->hash, ec ? PKI_SIG_ECDSA_DER : 0,
					octets.ptr, octets.len, &sig, &sig_len);
			if (r == 0 && 1 + al->len + sig_len > size)
				r = -E2BIG;
			if (r == 0) {
				buf[0] = al->len;
				memcpy(buf + 1, al->der, al->len);
				memcpy(buf + 1 + al->len, sig, sig_len);
				*ret_len = 1 + al->len + sig_len;
				*ret_method = WIRE_AUTH_DIGITAL_SIG;
			}
			goto out;
		}
		h = kt == PKI_KEY_RSA		   ? PKI_HASH_SHA1
		    : kt == PKI_KEY_ECDSA_P256 ? PKI_HASH_SHA256
		    : kt == PKI_KEY_ECDSA_P384 ? PKI_HASH_SHA384
					       : PKI_HASH_SHA512;
		r = pki_tp_sign(sa->sign_tp, h, 0, octets.ptr, octets.len, &sig, &sig_len);
		if (r == 0 && sig_len > size)
			r = -E2BIG;
		if (r == 0) {
			memcpy(buf, sig, sig_len);
			*ret_len = sig_len;
			*ret_method = kt == PKI_KEY_RSA		 ? WIRE_AUTH_RSA_SIG
				      : kt == PKI_KEY_ECDSA_P256 ? WIRE_AUTH_ECDSA_256
				      : kt == PKI_KEY_ECDSA_P384 ? WIRE_AUTH_ECDSA_384
								 : WIRE_AUTH_ECDSA_521;
		}
	}
out:
	free(sig);
	ike_secret_free(&octets);
	return r;
}

static enum config_auth method_auth(uint8_t method, const struct wire_span *data)
{
	switch (method) {
	case WIRE_AUTH_PSK:
		return CONFIG_AUTH_PSK;
	case WIRE_AUTH_RSA_SIG:
		return CONFIG_AUTH_RSA_SIG;
	case WIRE_AUTH_ECDSA_256:
	case WIRE_AUTH_ECDSA_384:
	case WIRE_AUTH_ECDSA_521:
		return CONFIG_AUTH_ECDSA_SIG;
	case WIRE_AUTH_DIGITAL_SIG:
		for (size_t i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++)
			if (data->len > (size_t)sig_algs[i].len + 1 &&
			    data->ptr[0] == sig_algs[i].len &&
			    memcmp(data->ptr + 1, sig_algs[i].der, sig_algs[i].len) == 0)
				return sig_algs[i].ecdsa ? CONFIG_AUTH_ECDSA_SIG
							 : CONFIG_AUTH_RSA_SIG;
		return CONFIG_AUTH_NONE;
	default:
		return CONFIG_AUTH_NONE;
	}
}

/* Check the peer's AUTH payload: 0 ok, -EACCES with the reason logged. */
static int verify_auth(struct ikev2_sa *sa, const struct wire_payload *idp,
		       const struct wire_payload *authp, const struct ike_id *id,
		       const struct pki_cert *cert)
{
	const struct wire_auth *a = &authp->u.auth;
	struct ike_secret octets = { 0 };
	int r = signed_octets(sa, !sa->initiator, idp->raw.ptr + 4, idp->raw.len - 4, &octets);

	if (r < 0)
		return r;
	if (a->method == WIRE_AUTH_PSK) {
		const struct config_ikev2_peer *kp = keyring_peer(sa, id);
		uint8_t want[64];

		r = -EACCES;
		if (!kp || !kp->psk_remote) {
			ikev2_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "no pre-shared key for this peer in keyring of profile %s",
				  sa->prof.v2->name);
		} else if (ike_v2_psk_auth(sa->alg.prf, kp->psk_remote, strlen(kp->psk_remote),
					   octets.ptr, octets.len, want) == 0 &&
			   a->data.len == ike_prf_len(sa->alg.prf) &&
			   CRYPTO_memcmp(want, a->data.ptr, a->data.len) == 0) {
			r = 0;
		}
		OPENSSL_cleanse(want, sizeof(want));
	} else if (!cert) {
		r = -EACCES;
	} else {
		enum pki_hash h = PKI_HASH_SHA1;
		unsigned flags = 0;
		const uint8_t *sig = a->data.ptr;
		size_t sig_len = a->data.len;

		switch (a->method) {
		case WIRE_AUTH_ECDSA_256:
			h = PKI_HASH_SHA256;
			break;
		case WIRE_AUTH_ECDSA_384:
			h = PKI_HASH_SHA384;
			break;
		case WIRE_AUTH_ECDSA_521:
			h = PKI_HASH_SHA512;
			break;
		case WIRE_AUTH_DIGITAL_SIG:
			for (size_t i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++) {
				if (sig_len > (size_t)sig_algs[i].len + 1 &&
				    sig[0] == sig_algs[i].len &&
				    memcmp(sig + 1, sig_algs[i].der, sig_algs[i].len) == 0) {
					h = sig_algs[i].hash;
					flags = sig_algs[i].ecdsa ? PKI_SIG_ECDSA_DER : 0;
					sig += 1 + sig_algs[i].len;
					sig_len -= 1 + (size_t)sig_algs[i].len;
					break;
				}
			}
			break;
		default:
			break;
		}
		r = pki_cert_verify(cert, h, flags, octets.ptr, octets.len, sig, sig_len) == 0
			    ? 0
			    : -EACCES;
	}
	ike_secret_free(&octets);
	return r;
}

/* ---- payload helpers ---- */

static void add_id(struct wire_builder *b, uint8_t type, const struct id_buf *id)
{
	struct wire_payload p = { .type = type };

	p.u.id.type = id->body[0];
	p.u.id.data.ptr = id->body + 4;
	p.u.id.data.len = id->len - 4;
	wire_build_add(b, &p);
}

static void add_cert(struct wire_builder *b, struct ikev2_sa *sa)
{
	struct ike_trace tr = ikev2_tracer(sa);
	const struct pki_cert *c = ike_cert_payload(IKE_V2, sa->sign_tp, &tr);
	struct wire_payload p = { .type = WIRE_PLV2_CERT };
	size_t len;

	if (!c)
		return;
	p.u.cert.encoding = WIRE_CERT_X509_SIG;
	p.u.cert.data.ptr = pki_cert_der(c, &len);
	p.u.cert.data.len = len;
	wire_build_add(b, &p);
}

static void add_auth(struct wire_builder *b, uint8_t method, const uint8_t *data, size_t len)
{
	struct wire_payload p = { .type = WIRE_PLV2_AUTH };

	p.u.auth.method = method;
	p.u.auth.data.ptr = data;
	p.u.auth.data.len = len;
	wire_build_add(b, &p);
}

static void add_certreq(struct wire_builder *b, struct ikev2_sa *sa, enum ike_certreq_point pt)
{
	struct ikev2 *e = sa->e;
	const struct pki_trustpoint *tps[32];
	struct ike_endpoints ep = { .local = sa->path.local, .remote = sa->path.remote };
	struct ike_trace tr = ikev2_tracer(sa);
	struct wire_payload p = { .type = WIRE_PLV2_CERTREQ };
	uint8_t data[32 * 20];
	size_t n = 0, len = 0;

	if (!e->store || ike_certreq_build(e->cfg, e->store, pt, &sa->prof, &ep, &tr, tps, 32,
					   &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct ike_certreq_entry ent;

		if (ike_certreq_entry_of(tps[i], IKE_V2, &ent) == 0 && ent.len == 20) {
			memcpy(data + len, ent.data, 20);
			len += 20;
		}
	}
	if (!len)
		return;
	p.u.cert.encoding = WIRE_CERT_X509_SIG;
	p.u.cert.data.ptr = data;
	p.u.cert.data.len = len;
	wire_build_add(b, &p);
}

/* Choose our signing trust-point from the CERTREQ hashes we hold. */
static int choose_cert(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	struct ike_certreq_entry ent[32];
	struct ike_trace tr = ikev2_tracer(sa);
	int r;

	for (size_t i = 0; i < sa->n_certreq; i++) {
		ent[i].encoding = WIRE_CERT_X509_SIG;
		ent[i].data = sa->certreq[i];
		ent[i].len = 20;
	}
	if (!e->store)
		return -ENOKEY;
	r = ike_cert_choose(e->cfg, e->store, IKE_V2, sa->initiator, &sa->prof, ent,
			    sa->n_certreq, &tr, &sa->sign_tp);
	if (r == -ENOENT)
		sa->sign_tp = ike_cert_default(e->store, &sa->prof);
	else if (r < 0)
		return r;
	return sa->sign_tp && pki_tp_cert(sa->sign_tp) ? 0 : -ENOKEY;
}

static void store_certreq_inner(struct ikev2_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p;

	sa->n_certreq = 0;
	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV2_CERTREQ, i)); i++) {
		if (p->u.cert.encoding != WIRE_CERT_X509_SIG)
			continue;
		for (size_t o = 0; o + 20 <= p->u.cert.data.len && sa->n_certreq < 32; o += 20)
			memcpy(sa->certreq[sa->n_certreq++], p->u.cert.data.ptr + o, 20);
	}
}

/* Parse the CERT payloads: end entity first, then the chain. */
static int peer_certs(struct ikev2_sa *sa, const struct wire_msg *m, struct pki_cert **ret_cert,
		      struct pki_cert **chain, size_t *ret_n)
{
	const struct wire_payload *p;
	struct pki_error err;
	size_t n = 0;

	*ret_cert = NULL;
	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV2_CERT, i)); i++) {
		struct pki_cert *c;

		if (p->u.cert.encoding != WIRE_CERT_X509_SIG)
			continue;
		if (pki_cert_from_der(p->u.cert.data.ptr, p->u.cert.data.len, &c, &err) < 0) {
			ikev2_log(sa, IKE_LOG_WARNING, "auth-failed",
				  "unparsable certificate from the peer: %s", err.msg);
			return -EBADMSG;
		}
		if (!*ret_cert)
			*ret_cert = c;
		else if (n < CHAIN_MAX)
			chain[n++] = c;
		else
			pki_cert_free(c);
	}
	*ret_n = n;
	return 0;
}

static void free_certs(struct pki_cert *cert, struct pki_cert **chain, size_t n)
{
	pki_cert_free(cert);
	for (size_t i = 0; i < n; i++)
		pki_cert_free(chain[i]);
}

/* Certificate checks: validation with the bound profile's list, identity in the cert. */
static int check_peer_cert(struct ikev2_sa *sa, const struct pki_cert *cert,
			   struct pki_cert *const *chain, size_t n, const struct ike_id *id,
			   const struct wire_payload *idp)
{
	struct ikev2 *e = sa->e;
	struct ike_endpoints ep = { .local = sa->path.local, .remote = sa->path.remote };
	struct ike_trace tr = ikev2_tracer(sa);
	const struct pki_trustpoint *tp;
	struct pki_identity pid = { 0 };
	struct pki_error err;

	if (!cert) {
		ikev2_log(sa, IKE_LOG_WARNING, "auth-failed", "peer sent no certificate");
		return -EACCES;
	}
	if (!e->store || ike_validate_peer_cert(e->store, &sa->prof, &ep, cert,
						(const struct pki_cert *const *)chain, n,
						e->env.wall ? e->env.wall(e->env.ctx) : 0, &tr,
						&tp, &err) < 0) {
		ikev2_log(sa, IKE_LOG_WARNING, "auth-failed",
			  "certificate of the peer is not valid for profile %s: %s",
			  sa->prof.v2->name, e->store ? err.msg : "no trust-points");
		return -EACCES;
	}
	switch (idp->u.id.type) {
	case WIRE_ID_IPV4_ADDR:
		pid.type = PKI_ID_IPV4;
		break;
	case WIRE_ID_IPV6_ADDR:
		pid.type = PKI_ID_IPV6;
		break;
	case WIRE_ID_FQDN:
		pid.type = PKI_ID_FQDN;
		break;
	case WIRE_ID_RFC822_ADDR:
		pid.type = PKI_ID_EMAIL;
		break;
	case WIRE_ID_DER_ASN1_DN:
		pid.type = PKI_ID_DN;
		break;
	default:
		pid.type = 0;
	}
	(void)id;
	pid.data = idp->u.id.data.ptr;
	pid.len = idp->u.id.data.len;
	if (!pid.type || !pki_cert_has_identity(cert, &pid)) {
		ikev2_log(sa, IKE_LOG_WARNING, "auth-failed",
			  "the peer's identity %s is not in its certificate", sa->remote_id);
		return -EACCES;
	}
	return 0;
}

/* ---- initiator ---- */

int ikev2_auth_start(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	struct ikev2_tunnel *t = ikev2_tunnel_get(e, sa->tunnel_id);
	const struct config_ikev2_profile *p = sa->prof.v2;
	struct wire_proposal props[16];
	struct wire_transform tr[WIRE_MAX_TRANSFORMS];
	struct wire_attr attrs[WIRE_MAX_TRANSFORMS];
	struct wire_sa wsa = { 0 };
	struct wire_payload sp = { .type = WIRE_PLV2_SA };
	const struct config_ikev2_peer *kp = NULL;
	uint8_t chain[8192], auth[1024], spibuf[4], method;
	struct wire_builder b;
	struct id_buf id;
	size_t clen, alen;
	int r;

	if (!t)
		return -ENOENT;
	sa->auth_local = p->local_auth;
	if (p->local_auth == CONFIG_AUTH_NONE) {
		ikev2_log(sa, IKE_LOG_ERR, NULL, "IKEv2 profile %s has no authentication local",
			  p->name);
		return -EINVAL;
	}
	if (is_cert_auth(p->local_auth)) {
		r = choose_cert(sa);
		if (r < 0) {
			ikev2_debug(sa, "Failed to build certificate payload");
			ikev2_log(sa, IKE_LOG_ERR, "auth-failed",
				  "no certificate to authenticate with (profile %s needs a pki "
				  "trustpoint with a router certificate)",
				  p->name);
			return r;
		}
	} else {
		kp = keyring_peer(sa, NULL);
		if (!kp || !kp->psk_local) {
			ikev2_log(sa, IKE_LOG_ERR, "auth-failed",
				  "no pre-shared key for the peer in the keyring of profile %s",
				  p->name);
			return -ENOKEY;
		}
	}
	r = local_id(sa, p->local_auth, &id);
	if (r == 0)
		r = make_auth(sa, &id, p->local_auth, kp, auth, sizeof(auth), &alen, &method);
	if (r < 0)
		return r;
	r = e->env.kernel->spi_alloc(e->env.kernel->ctx, sa->tunnel_id, &sa->path.remote,
				     &sa->path.local, &sa->child_spi_in);
	if (r < 0) {
		ikev2_log(sa, IKE_LOG_ERR, NULL, "kernel refused an SPI: %d", r);
		return r;
	}
	wsa.proposals = props;
	wsa.nproposals = (uint16_t)ikev2_esp_proposals_build(t->cfg, sa->child_spi_in, false,
							     props, tr, attrs, 16, spibuf);
	sp.u.sa = wsa;
	wire_build_chain(&b, chain, sizeof(chain), WIRE_IKEV2);
	add_id(&b, WIRE_PLV2_IDI, &id);
	if (is_cert_auth(p->local_auth))
		add_cert(&b, sa);
	if (e->store && pki_store_count(e->store))
		add_certreq(&b, sa, IKE_CERTREQ_V2_AUTH_I);
	if (!t->sa)
		wire_build_notify(&b, 0, WIRE_N2_INITIAL_CONTACT, NULL, 0, NULL, 0);
	add_auth(&b, method, auth, alen);
	wire_build_add(&b, &sp);
	ikev2_ts_add_any(&b, WIRE_PLV2_TSI);
	ikev2_ts_add_any(&b, WIRE_PLV2_TSR);
	r = wire_build_finish(&b, &clen);
	OPENSSL_cleanse(auth, sizeof(auth));
	if (r < 0)
		return r;
	ikev2_sa_set_state(sa, IKEV2_S_AUTH_SENT);
	ikev2_debug(sa, "Sending IKE_AUTH request: IDi %s, AUTH %s", sa->local_id,
		    auth_word(p->local_auth));
	r = ikev2_send_request(sa, WIRE_EX2_IKE_AUTH, IKEV2_REQ_AUTH, chain, clen, b.first);
	OPENSSL_cleanse(chain, clen);
	return r;
}

static uint16_t first_error(const struct wire_msg *m)
{
	for (unsigned i = 0; i < m->npayloads; i++)
		if (m->payloads[i].type == WIRE_PLV2_NOTIFY &&
		    m->payloads[i].u.notify.type <= WIRE_N2_ERROR_MAX)
			return m->payloads[i].u.notify.type;
	return 0;
}

void ikev2_auth_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	const struct wire_payload *idp = wire_msg_find(m, WIRE_PLV2_IDR, 0);
	const struct wire_payload *authp = wire_msg_find(m, WIRE_PLV2_AUTH, 0);
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	struct ikev2_tunnel *t = ikev2_tunnel_get(sa->e, sa->tunnel_id);
	struct pki_cert *cert = NULL, *chain[CHAIN_MAX];
	struct ike_id id;
	struct ikev2_esp esp;
	struct ikev2_child *c;
	uint32_t peer_spi;
	uint16_t err = first_error(m);
	size_t nchain = 0;
	uint8_t num;
	enum config_auth am;

	ikev2_request_done(sa);
	if (err == WIRE_N2_AUTHENTICATION_FAILED || !idp || !authp) {
		const char *n = wire_notify_name(WIRE_IKEV2, err);

		ikev2_log(sa, IKE_LOG_WARNING, "auth-failed",
			  "IKE_AUTH refused by the peer: %s", n ? n : "no AUTH payload");
		ikev2_sa_destroy(sa, "authentication failed");
		return;
	}
	if (!ike_id_from_wire(&idp->u.id, &id, sa->remote_id, sizeof(sa->remote_id))) {
		ikev2_log(sa, IKE_LOG_WARNING, "auth-failed", "unusable IDr from the peer");
		ikev2_sa_destroy(sa, "bad IDr");
		return;
	}
	am = method_auth(authp->u.auth.method, &authp->u.auth.data);
	sa->auth_remote = am;
	ikev2_debug(sa, "Peer's authentication method is '%s'", auth_word(am));
	if (!(sa->prof.v2->remote_auth & CONFIG_AUTH_BIT(am)) ||
	    (is_cert_auth(am) && (peer_certs(sa, m, &cert, chain, &nchain) < 0 ||
				  check_peer_cert(sa, cert, chain, nchain, &id, idp) < 0)) ||
	    verify_auth(sa, idp, authp, &id, cert) < 0) {
		ikev2_debug(sa, "Verification of peer's authentication data FAILED");
		ikev2_log(sa, IKE_LOG_WARNING, "auth-failed",
			  "authentication of the peer %s (%s) failed", sa->remote_id,
			  auth_word(am));
		free_certs(cert, chain, nchain);
		ikev2_sa_destroy(sa, "peer authentication failed");
		return;
	}
	free_certs(cert, chain, nchain);
	ikev2_sa_set_state(sa, IKEV2_S_ESTABLISHED);
	if (err || !sap || !t) {
		const char *n = wire_notify_name(WIRE_IKEV2, err);

		ikev2_log(sa, IKE_LOG_WARNING, NULL, "the peer refused the CHILD_SA: %s",
			  n ? n : "no SA payload");
		ikev2_sa_destroy(sa, "CHILD_SA refused");
		return;
	}
	if (!ikev2_esp_choose(t->cfg, &sap->u.sa, false, &esp, &peer_spi, &num) ||
	    sap->u.sa.nproposals != 1 ||
	    !ikev2_ts_is_any(wire_msg_find(m, WIRE_PLV2_TSI, 0),
			     wire_msg_find(m, WIRE_PLV2_TSR, 0))) {
		ikev2_log(sa, IKE_LOG_WARNING, NULL,
			  "the peer answered with a CHILD_SA we did not offer");
		ikev2_delete_ike_start(sa);
		return;
	}
	if (ikev2_child_install(sa, sa->tunnel_id, &esp, sa->child_spi_in, peer_spi, NULL, sa->ni,
				sa->ni_len, sa->nr, sa->nr_len, true, &c) < 0) {
		ikev2_delete_ike_start(sa);
		return;
	}
	ikev2_sa_established(sa);
}

/* ---- responder ---- */

static void refuse(struct ikev2_sa *sa, uint32_t msgid, uint16_t type, const char *why)
{
	ikev2_log(sa, IKE_LOG_WARNING, type == WIRE_N2_AUTHENTICATION_FAILED ? "auth-failed"
										: NULL,
		  "IKE_AUTH refused: %s", why);
	if (type == WIRE_N2_AUTHENTICATION_FAILED)
		ikev2_debug(sa, "Sending authentication failure notify");
	ikev2_send_notify_response(sa, WIRE_EX2_IKE_AUTH, msgid, type, NULL, 0);
	/* kept a moment to answer a retransmission of the request, then dropped quietly */
	sa->refused = true;
	ike_timer_arm(&sa->e->timers, &sa->life_timer, ikev2_now(sa->e) + 5000000);
}

static void refuse_quiet(struct ikev2_sa *sa, uint32_t msgid, const char *why)
{
	ikev2_log(sa, IKE_LOG_WARNING, "auth-failed", "IKE_AUTH refused: %s", why);
	ikev2_send_notify_response(sa, WIRE_EX2_IKE_AUTH, msgid, WIRE_N2_AUTHENTICATION_FAILED,
				   NULL, 0);
	sa->refused = true;
	ike_timer_arm(&sa->e->timers, &sa->life_timer, ikev2_now(sa->e) + 5000000);
}

void ikev2_auth_request(struct ikev2_sa *sa, struct wire_msg *m, uint32_t msgid)
{
	struct ikev2 *e = sa->e;
	const struct wire_payload *idp = wire_msg_find(m, WIRE_PLV2_IDI, 0);
	const struct wire_payload *authp = wire_msg_find(m, WIRE_PLV2_AUTH, 0);
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	struct ike_endpoints ep = { .local = sa->path.local, .remote = sa->path.remote };
	struct ike_trace tr = ikev2_tracer(sa);
	struct pki_cert *cert = NULL, *chain[CHAIN_MAX];
	const struct config_interface *tun = NULL;
	const struct config_ikev2_peer *kp = NULL;
	struct wire_proposal prop;
	struct wire_transform ptr[4];
	struct wire_attr pattr[1];
	struct wire_payload sp = { .type = WIRE_PLV2_SA };
	uint8_t chainbuf[8192], auth[1024], method, spibuf[4];
	char idtext[300];
	struct ikev2_esp esp;
	struct ikev2_child *c;
	struct wire_builder b;
	struct ike_id id;
	struct id_buf myid;
	uint32_t peer_spi;
	size_t nchain = 0, alen, clen;
	enum config_auth am;
	uint8_t num;
	int r;

	if (!idp || !authp)
		return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED, "no IDi or AUTH");
	if (!ike_id_from_wire(&idp->u.id, &id, sa->remote_id, sizeof(sa->remote_id)))
		return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED, "unusable IDi");
	ikev2_sa_half_open_del(sa);
	snprintf(idtext, sizeof(idtext), "'%s' of type '%s'", sa->remote_id,
		 ike_id_type_name(&id));
	if (ike_profile_select(e->cfg, IKE_V2, &id, &ep, &tr, &sa->prof) < 0) {
		ikev2_debug(sa, "Failed to locate an item in the database");
		return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED,
			      "no IKEv2 profile matches the peer's identity");
	}
	sa->lifetime_s = sa->prof.v2->lifetime ? sa->prof.v2->lifetime : 86400;
	store_certreq_inner(sa, m);
	am = method_auth(authp->u.auth.method, &authp->u.auth.data);
	sa->auth_remote = am;
	ikev2_debug(sa, "Peer's authentication method is '%s'", auth_word(am));
	if (!(sa->prof.v2->remote_auth & CONFIG_AUTH_BIT(am))) {
		ikev2_debug(sa, "Verification of peer's authentication data FAILED");
		return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED,
			      "the profile does not accept this authentication method");
	}
	if (is_cert_auth(am) && (peer_certs(sa, m, &cert, chain, &nchain) < 0 ||
				 check_peer_cert(sa, cert, chain, nchain, &id, idp) < 0)) {
		free_certs(cert, chain, nchain);
		/* the validation traced its IOS lines already */
		return refuse_quiet(sa, msgid, "the peer's certificate is not acceptable");
	}
	r = verify_auth(sa, idp, authp, &id, cert);
	free_certs(cert, chain, nchain);
	if (r < 0) {
		ikev2_debug(sa, "Verification of peer's authentication data FAILED");
		return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED,
			      "the peer's AUTH payload does not verify");
	}
	/* our own authentication */
	sa->auth_local = sa->prof.v2->local_auth;
	if (is_cert_auth(sa->auth_local)) {
		if (choose_cert(sa) < 0) {
			ikev2_debug(sa, "Failed to build certificate payload");
			return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED,
				      "no certificate of ours to answer with");
		}
	} else if (sa->auth_local == CONFIG_AUTH_PSK) {
		kp = keyring_peer(sa, &id);
	}
	if (sa->auth_local == CONFIG_AUTH_NONE || local_id(sa, sa->auth_local, &myid) < 0 ||
	    make_auth(sa, &myid, sa->auth_local, kp, auth, sizeof(auth), &alen, &method) < 0)
		return refuse(sa, msgid, WIRE_N2_AUTHENTICATION_FAILED,
			      "cannot build our AUTH payload (authentication local / keyring)");

	wire_build_chain(&b, chainbuf, sizeof(chainbuf), WIRE_IKEV2);
	add_id(&b, WIRE_PLV2_IDR, &myid);
	if (is_cert_auth(sa->auth_local))
		add_cert(&b, sa);
	add_auth(&b, method, auth, alen);
	OPENSSL_cleanse(auth, sizeof(auth));
	ikev2_sa_set_state(sa, IKEV2_S_ESTABLISHED);

	/* the CHILD_SA: the tunnel using the bound profile, our transforms, 0/0 selectors */
	r = 0;
	if (ike_child_select(e->cfg, &sa->prof, &ep, &tr, &tun) < 0 ||
	    !ikev2_ts_is_any(wire_msg_find(m, WIRE_PLV2_TSI, 0),
			     wire_msg_find(m, WIRE_PLV2_TSR, 0))) {
		if (tun)
			ikev2_debug(sa, "Sending TS unacceptable notify");
		wire_build_notify(&b, 0, WIRE_N2_TS_UNACCEPTABLE, NULL, 0, NULL, 0);
		r = -ENOENT;
	} else if (!sap || !ikev2_esp_choose(tun, &sap->u.sa, false, &esp, &peer_spi, &num)) {
		ikev2_debug(sa, "Sending no proposal chosen notify");
		wire_build_notify(&b, 0, WIRE_N2_NO_PROPOSAL_CHOSEN, NULL, 0, NULL, 0);
		r = -ENOENT;
	} else if (e->env.kernel->spi_alloc(e->env.kernel->ctx, tun->tunnel_number,
					    &sa->path.remote, &sa->path.local,
					    &sa->child_spi_in) < 0) {
		wire_build_notify(&b, 0, WIRE_N2_TEMPORARY_FAILURE, NULL, 0, NULL, 0);
		r = -EIO;
	}
	if (r == 0) {
		sa->tunnel_id = tun->tunnel_number;
		memset(&prop, 0, sizeof(prop));
		memset(ptr, 0, sizeof(ptr));
		spibuf[0] = (uint8_t)(sa->child_spi_in >> 24);
		spibuf[1] = (uint8_t)(sa->child_spi_in >> 16);
		spibuf[2] = (uint8_t)(sa->child_spi_in >> 8);
		spibuf[3] = (uint8_t)sa->child_spi_in;
		prop.num = num;
		prop.proto = WIRE_PROTO_ESP;
		prop.spi.ptr = spibuf;
		prop.spi.len = 4;
		prop.transforms = ptr;
		ptr[0].type = WIRE_TT_ENCR;
		ptr[0].id = esp.encr;
		if (esp.encr == WIRE_ENCR_AES_CBC || esp.encr == WIRE_ENCR_AES_GCM_16) {
			memset(pattr, 0, sizeof(pattr));
			pattr[0].type = WIRE_TA_KEY_LENGTH;
			pattr[0].tv = true;
			pattr[0].value = esp.key_bits;
			ptr[0].attrs = pattr;
			ptr[0].nattrs = 1;
		}
		prop.ntransforms = 1;
		if (esp.integ != WIRE_INTEG_NONE) {
			ptr[1].type = WIRE_TT_INTEG;
			ptr[1].id = esp.integ;
			prop.ntransforms++;
		}
		ptr[prop.ntransforms].type = WIRE_TT_ESN;
		ptr[prop.ntransforms].id = WIRE_ESN_NONE;
		prop.ntransforms++;
		sp.u.sa.proposals = &prop;
		sp.u.sa.nproposals = 1;
		wire_build_add(&b, &sp);
		ikev2_ts_add_any(&b, WIRE_PLV2_TSI);
		ikev2_ts_add_any(&b, WIRE_PLV2_TSR);
	}
	if (wire_build_finish(&b, &clen) < 0)
		return refuse(sa, msgid, WIRE_N2_TEMPORARY_FAILURE, "response too large");
	if (r == 0 && ikev2_child_install(sa, sa->tunnel_id, &esp, sa->child_spi_in, peer_spi,
					  NULL, sa->ni, sa->ni_len, sa->nr, sa->nr_len, false,
					  &c) < 0)
		return refuse(sa, msgid, WIRE_N2_TEMPORARY_FAILURE, "kernel refused the SAs");
	ikev2_send_response(sa, WIRE_EX2_IKE_AUTH, msgid, chainbuf, clen, b.first);
	OPENSSL_cleanse(chainbuf, clen);
	ike_timer_cancel(&e->timers, &sa->life_timer);
	if (r < 0) {
		/* IKE SA without a child is of no use for a route-based tunnel */
		ike_timer_arm(&e->timers, &sa->delete_timer, ikev2_now(e) + 5000000);
		return;
	}
	if (wire_msg_find_notify(m, WIRE_N2_INITIAL_CONTACT, 0)) {
		/* the peer restarted: our older IKE SA for this tunnel is stale */
		struct ikev2_tunnel *t = ikev2_tunnel_get(e, sa->tunnel_id);

		if (t && t->sa && t->sa != sa &&
		    ike_addr_equal(&t->sa->path.remote, &sa->path.remote))
			ikev2_sa_destroy(t->sa, "INITIAL_CONTACT from the peer");
	}
	ikev2_sa_established(sa);
}
