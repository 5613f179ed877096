/*
 * IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.10, 2.23), both roles:
 *   HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*), [N(SIGNATURE_HASH_ALGORITHMS)]  -->
 *       <--  HDR, SAr1, KEr, Nr, [CERTREQ], N(NAT_DETECTION_*), [N(SIG..)]
 * Both add N(IKEV2_FRAGMENTATION_SUPPORTED) (RFC 7383 2.3; the responder only when the request
 * had it).
 * Errors: <-- HDR, N(INVALID_KE_PAYLOAD | NO_PROPOSAL_CHOSEN | COOKIE); the initiator retries
 * with the group the responder wants, or with the cookie first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ikev2_internal.h"

#define MAX_PROPS 16
#define CERTREQ_MAX 32

/* NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port) (RFC 7296 2.23). */
static void nat_hash(const uint8_t ispi[8], const uint8_t rspi[8], const struct config_addr *a,
		     uint16_t port, uint8_t out[20])
{
	uint8_t buf[8 + 8 + 16 + 2];
	size_t n = 16;
	unsigned int olen = 20;

	memcpy(buf, ispi, 8);
	memcpy(buf + 8, rspi, 8);
	if (a->family == AF_INET) {
		memcpy(buf + n, &a->v4, 4);
		n += 4;
	} else {
		memcpy(buf + n, &a->v6, 16);
		n += 16;
	}
	buf[n++] = (uint8_t)(port >> 8);
	buf[n++] = (uint8_t)port;
	EVP_Digest(buf, n, out, &olen, EVP_sha1(), NULL);
}

static void add_nat_notifies(struct wire_builder *b, const struct ikev2_sa *sa)
{
	uint8_t h[20];

	nat_hash(sa->ispi, sa->rspi, &sa->path.local, sa->path.local_port, h);
	wire_build_notify(b, 0, WIRE_N2_NAT_DETECTION_SOURCE_IP, NULL, 0, h, 20);
	nat_hash(sa->ispi, sa->rspi, &sa->path.remote, sa->path.remote_port, h);
	wire_build_notify(b, 0, WIRE_N2_NAT_DETECTION_DESTINATION_IP, NULL, 0, h, 20);
}

/* Compare the peer's NAT detection hashes with what we see (both roles). */
static void nat_detect(struct ikev2_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p;
	uint8_t h[20];
	bool src_seen = false, src_match = false;

	for (unsigned i = 0; (p = wire_msg_find_notify(m, WIRE_N2_NAT_DETECTION_SOURCE_IP, i));
	     i++) {
		src_seen = true;
		nat_hash(sa->ispi, m->hdr.rspi, &sa->path.remote, sa->path.remote_port, h);
		if (p->u.notify.data.len == 20 && memcmp(p->u.notify.data.ptr, h, 20) == 0)
			src_match = true;
	}
	p = wire_msg_find_notify(m, WIRE_N2_NAT_DETECTION_DESTINATION_IP, 0);
	if (p) {
		nat_hash(sa->ispi, m->hdr.rspi, &sa->path.local, sa->path.local_port, h);
		sa->nat_local = !(p->u.notify.data.len == 20 &&
				  memcmp(p->u.notify.data.ptr, h, 20) == 0);
	}
	sa->nat_remote = src_seen && !src_match;
	if (sa->nat_local || sa->nat_remote)
		ikev2_debug(sa, "NAT detected (%s%s%s): moving to UDP 4500",
			    sa->nat_local ? "we are behind a NAT" : "",
			    sa->nat_local && sa->nat_remote ? ", " : "",
			    sa->nat_remote ? "the peer is behind a NAT" : "");
}

/* RFC 7427: we can verify and produce SHA2-256/384/512 signatures. */
static void add_sig_hash_notify(struct wire_builder *b)
{
	static const uint8_t hashes[] = { 0, 2, 0, 3, 0, 4 };

	wire_build_notify(b, 0, WIRE_N2_SIGNATURE_HASH_ALGORITHMS, NULL, 0, hashes,
			  sizeof(hashes));
}

static bool uses_certs(const struct ikev2 *e)
{
	return e->store && pki_store_count(e->store) > 0;
}

static int sa_payload(struct wire_builder *b, struct ikev2_sa *sa, const struct wire_sa *w)
{
	struct wire_payload p = { .type = WIRE_PLV2_SA };

	(void)sa;
	p.u.sa = *w;
	return wire_build_add(b, &p);
}

static int ke_payload(struct wire_builder *b, struct ike_dh *dh)
{
	struct wire_payload p = { .type = WIRE_PLV2_KE };
	uint8_t pub[1024];
	size_t len;
	int r = ike_dh_public(dh, pub, sizeof(pub), &len);

	if (r < 0)
		return r;
	p.u.ke.group = ike_dh_group(dh);
	p.u.ke.data.ptr = pub;
	p.u.ke.data.len = len;
	return wire_build_add(b, &p);
}

static uint16_t first_group(const struct wire_proposal *props, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (uint8_t j = 0; j < props[i].ntransforms; j++)
			if (props[i].transforms[j].type == WIRE_TT_KE)
				return props[i].transforms[j].id;
	return 0;
}

static bool offered_group(const struct wire_proposal *props, size_t n, uint16_t g)
{
	for (size_t i = 0; i < n; i++)
		for (uint8_t j = 0; j < props[i].ntransforms; j++)
			if (props[i].transforms[j].type == WIRE_TT_KE &&
			    props[i].transforms[j].id == g)
				return true;
	return false;
}

/* Build and send (again) the initiator's IKE_SA_INIT request. */
static int send_init_request(struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	struct wire_proposal props[MAX_PROPS];
	struct wire_transform tr[WIRE_MAX_TRANSFORMS];
	struct wire_attr attrs[WIRE_MAX_TRANSFORMS];
	struct wire_hdr h = { .major = 2, .exchange = WIRE_EX2_IKE_SA_INIT,
			      .flags = WIRE_F2_INITIATOR };
	struct wire_sa wsa = { 0 };
	struct wire_builder b;
	char a[CONFIG_ADDR_STRLEN];
	size_t n, len;
	uint8_t *copy;
	int r;

	n = ikev2_ike_proposals_build(e, &sa->path.local, props, tr, attrs, MAX_PROPS, NULL, 0);
	if (!n) {
		ikev2_log(sa, IKE_LOG_ERR, NULL,
			  "no usable IKEv2 proposal for local address (check crypto ikev2 "
			  "policy/proposal)");
		return -ENOENT;
	}
	if (!sa->dh_group_try || !offered_group(props, n, sa->dh_group_try))
		sa->dh_group_try = first_group(props, n);
	/* a retry keeps everything but what the responder asked to change (RFC 7296 2.6) */
	if (!sa->dh || ike_dh_group(sa->dh) != sa->dh_group_try) {
		ike_dh_free(sa->dh);
		sa->dh = NULL;
		r = ike_dh_new(sa->dh_group_try, &sa->dh);
		if (r < 0)
			return r;
	}
	if (!sa->ni_len) {
		sa->ni_len = IKEV2_NONCE_LEN;
		r = e->env.random(e->env.ctx, sa->ni, sa->ni_len);
		if (r < 0)
			return r;
	}
	memcpy(h.ispi, sa->ispi, 8);
	wsa.proposals = props;
	wsa.nproposals = (uint16_t)n;
	wire_build_msg(&b, e->out, IKEV2_MSG_MAX, &h);
	if (sa->cookie_len)
		wire_build_notify(&b, 0, WIRE_N2_COOKIE, NULL, 0, sa->cookie, sa->cookie_len);
	sa_payload(&b, sa, &wsa);
	ke_payload(&b, sa->dh);
	wire_build_data(&b, WIRE_PLV2_NONCE, sa->ni, sa->ni_len);
	add_nat_notifies(&b, sa);
	if (!e->frag_off)
		wire_build_notify(&b, 0, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0, NULL, 0);
	if (uses_certs(e))
		add_sig_hash_notify(&b);
	r = wire_build_finish(&b, &len);
	if (r < 0)
		return r;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, e->out, len);
	free(sa->init_req);
	sa->init_req = copy;
	sa->init_req_len = len;
	ikev2_request_done(sa);
	sa->msgid_next_out = 0;
	ikev2_debug(sa, "Sending IKE_SA_INIT request to %s port %u: SA, KE (group %u), N, NAT-D",
		    config_addr_str(&sa->path.remote, a, sizeof(a)), sa->path.remote_port,
		    sa->dh_group_try);
	return ikev2_send_raw_request(sa, IKEV2_REQ_INIT, copy, len);
}

int ikev2_init_start(struct ikev2_tunnel *t)
{
	struct ikev2 *e = t->e;
	const struct config_interface *c = t->cfg;
	struct ike_path path = { .local = c->source, .remote = c->destination,
				 .local_port = 500, .remote_port = 500 };
	struct ikev2_sa *sa;
	char a[CONFIG_ADDR_STRLEN];
	int r;

	if (t->sa || t->nego)
		return -EALREADY;
	sa = ikev2_sa_new(e, true, &path);
	if (!sa)
		return -ENOMEM;
	sa->tunnel_id = t->id;
	sa->prof.version = IKE_V2;
	sa->prof.v2 = c->protection->ikev2_profile;
	sa->lifetime_s = sa->prof.v2->lifetime ? sa->prof.v2->lifetime : 86400;
	t->nego = sa;
	ikev2_log(sa, IKE_LOG_INFO, NULL, "%s: initiating IKEv2 to %s (profile %s)", c->name,
		  config_addr_str(&c->destination, a, sizeof(a)), sa->prof.v2->name);
	r = send_init_request(sa);
	if (r < 0) {
		ikev2_sa_destroy(sa, "cannot build IKE_SA_INIT");
		return r;
	}
	ike_timer_arm(&e->timers, &sa->life_timer, ikev2_now(e) + IKEV2_HALF_OPEN_US * 2);
	return 0;
}

int ikev2_keys_derive(struct ikev2_sa *sa)
{
	struct ike_secret gir = { 0 };
	int r;

	sa->suite.encr = sa->alg.encr;
	sa->suite.key_bits = sa->alg.key_bits;
	sa->suite.integ = sa->alg.integ;
	r = ike_v2_derive(sa->alg.prf, &sa->suite, sa->ni, sa->ni_len, sa->nr, sa->nr_len,
			  &sa->e->gir_scratch, sa->ispi, sa->rspi, &sa->keys);
	(void)gir;
	if (r == 0)
		sa->have_keys = true;
	return r;
}

/* Shared: compute g^ir from the peer's KE and derive the keys. */
static int derive_from_ke(struct ikev2_sa *sa, const struct wire_payload *ke)
{
	struct ike_secret *gir = &sa->e->gir_scratch;
	int r;

	if (ke->u.ke.group != ike_dh_group(sa->dh))
		return -EBADMSG;
	r = ike_dh_derive(sa->dh, ke->u.ke.data.ptr, ke->u.ke.data.len, gir);
	if (r < 0)
		return r;
	r = ikev2_keys_derive(sa);
	ike_secret_free(gir);
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	return r;
}

static bool copy_nonce(const struct wire_payload *p, uint8_t *dst, size_t *len)
{
	if (!p || p->u.data.len < 16 || p->u.data.len > 256)
		return false;
	memcpy(dst, p->u.data.ptr, p->u.data.len);
	*len = p->u.data.len;
	return true;
}

static void store_certreq(struct ikev2_sa *sa, const struct wire_msg *m)
{
	const struct wire_payload *p;

	sa->n_certreq = 0;
	for (unsigned i = 0; (p = wire_msg_find(m, WIRE_PLV2_CERTREQ, i)); i++) {
		if (p->u.cert.encoding != WIRE_CERT_X509_SIG)
			continue;
		for (size_t o = 0; o + 20 <= p->u.cert.data.len && sa->n_certreq < 32; o += 20)
			memcpy(sa->certreq[sa->n_certreq++], p->u.cert.data.ptr + o, 20);
	}
	sa->peer_sig_hash = false;
	p = wire_msg_find_notify(m, WIRE_N2_SIGNATURE_HASH_ALGORITHMS, 0);
	if (p)
		for (size_t o = 0; o + 2 <= p->u.notify.data.len; o += 2)
			if (p->u.notify.data.ptr[o] == 0 && p->u.notify.data.ptr[o + 1] == 2)
				sa->peer_sig_hash = true;
}

/* ---- initiator: the response ---- */

void ikev2_init_response(struct ikev2_sa *sa, struct wire_msg *m)
{
	struct ikev2 *e = sa->e;
	const struct wire_payload *p, *sap, *ke;
	struct ikev2_ike_alg a;
	uint8_t num;
	uint16_t want;

	if ((p = wire_msg_find_notify(m, WIRE_N2_INVALID_KE_PAYLOAD, 0))) {
		uint16_t g = p->u.notify.data.len == 2 ? (uint16_t)(p->u.notify.data.ptr[0] << 8 |
								    p->u.notify.data.ptr[1])
						       : 0;

		ikev2_log(sa, IKE_LOG_INFO, NULL,
			  "peer wants DH group %u (INVALID_KE_PAYLOAD): retrying", g);
		if (!g || g == sa->dh_group_try || !ike_dh_supported(g) ||
		    sa->req_tries < 0) {
			ikev2_sa_destroy(sa, "no common DH group");
			return;
		}
		sa->dh_group_try = g;
		if (send_init_request(sa) < 0)
			ikev2_sa_destroy(sa, "cannot retry IKE_SA_INIT");
		return;
	}
	if ((p = wire_msg_find_notify(m, WIRE_N2_COOKIE, 0))) {
		if (p->u.notify.data.len < 1 || p->u.notify.data.len > sizeof(sa->cookie) ||
		    sa->cookie_len) {
			ikev2_sa_destroy(sa, "bad cookie");
			return;
		}
		memcpy(sa->cookie, p->u.notify.data.ptr, p->u.notify.data.len);
		sa->cookie_len = p->u.notify.data.len;
		ikev2_debug(sa, "responder asks for a cookie: retrying");
		if (send_init_request(sa) < 0)
			ikev2_sa_destroy(sa, "cannot retry IKE_SA_INIT");
		return;
	}
	for (unsigned i = 0; i < m->npayloads; i++) {
		p = &m->payloads[i];
		if (p->type == WIRE_PLV2_NOTIFY && p->u.notify.type <= WIRE_N2_ERROR_MAX) {
			const char *n = wire_notify_name(WIRE_IKEV2, p->u.notify.type);

			ikev2_log(sa, IKE_LOG_WARNING, NULL,
				  "IKE_SA_INIT refused by the peer: %s", n ? n : "error notify");
			ikev2_request_done(sa);
			ikev2_sa_destroy(sa, "IKE_SA_INIT refused");
			return;
		}
	}
	sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	ke = wire_msg_find(m, WIRE_PLV2_KE, 0);
	if (!sap || !ke || sap->u.sa.nproposals != 1 ||
	    !ikev2_ike_choose(e, &sa->path.local, &sap->u.sa, ke->u.ke.group, &a, &num, &want) ||
	    want || a.dh != sa->dh_group_try) {
		ikev2_log(sa, IKE_LOG_WARNING, NULL,
			  "the peer chose an IKE proposal we did not offer");
		ikev2_sa_destroy(sa, "bad proposal in IKE_SA_INIT response");
		return;
	}
	if (!copy_nonce(wire_msg_find(m, WIRE_PLV2_NONCE, 0), sa->nr, &sa->nr_len)) {
		ikev2_sa_destroy(sa, "bad nonce");
		return;
	}
	ikev2_request_done(sa);
	sa->alg = a;
	memcpy(sa->rspi, m->hdr.rspi, 8);
	free(sa->init_resp);
	sa->init_resp = malloc(m->raw.len);
	if (!sa->init_resp) {
		ikev2_sa_destroy(sa, "out of memory");
		return;
	}
	memcpy(sa->init_resp, m->raw.ptr, m->raw.len);
	sa->init_resp_len = m->raw.len;
	nat_detect(sa, m);
	store_certreq(sa, m);
	sa->frag_ok = !e->frag_off &&
		      wire_msg_find_notify(m, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, 0) != NULL;
	if (derive_from_ke(sa, ke) < 0) {
		ikev2_log(sa, IKE_LOG_WARNING, NULL, "invalid KE payload from the peer");
		ikev2_sa_destroy(sa, "bad KE");
		return;
	}
	if (sa->nat_local || sa->nat_remote) {
		sa->path.local_port = 4500;
		sa->path.remote_port = 4500;
	}
	ikev2_debug(sa, "IKE_SA_INIT done: %s-%u, %s, %s, DH group %u",
		    wire_transform_id_name(WIRE_TT_ENCR, a.encr), a.key_bits,
		    wire_transform_id_name(WIRE_TT_PRF, a.prf),
		    wire_transform_id_name(WIRE_TT_INTEG, a.integ), a.dh);
	if (ikev2_auth_start(sa) < 0 && sa->state != IKEV2_S_DEAD)
		ikev2_sa_destroy(sa, "cannot build IKE_AUTH");
}

/* ---- responder ---- */

static void certreq_payload(struct wire_builder *b, struct ikev2_sa *sa)
{
	struct ikev2 *e = sa->e;
	const struct pki_trustpoint *tps[CERTREQ_MAX];
	struct ike_endpoints ep = { .local = sa->path.local, .remote = sa->path.remote };
	struct ike_trace tr = ikev2_tracer(sa);
	uint8_t data[CERTREQ_MAX * 20];
	struct wire_payload p = { .type = WIRE_PLV2_CERTREQ };
	size_t n = 0, len = 0;

	if (!uses_certs(e) ||
	    ike_certreq_build(e->cfg, e->store, IKE_CERTREQ_V2_SA_INIT_R, NULL, &ep, &tr, tps,
			      CERTREQ_MAX, &n) < 0 ||
	    !n)
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

static void answer_error(struct ikev2 *e, const struct ike_path *path, const struct wire_msg *m,
			 uint16_t type, const void *data, size_t len, const char *why)
{
	char a[CONFIG_ADDR_STRLEN];
	struct ike_log_entry l = { .level = IKE_LOG_INFO };
	char line[300];

	snprintf(line, sizeof(line), "IKEv2: IKE_SA_INIT from %s refused: %s",
		 config_addr_str(&path->remote, a, sizeof(a)), why);
	l.text = line;
	l.peer = a;
	if (e->env.log)
		e->env.log(e->env.ctx, &l);
	ikev2_send_plain_notify(e, path, &m->hdr, type, data, len);
}

/* Cookie = version | SHA-256(Ni | IPi | SPIi | secret) (RFC 7296 2.6); 33 bytes. */
static bool make_cookie(struct ikev2 *e, const struct ike_path *path, const struct wire_msg *m,
			uint8_t version, uint8_t out[33])
{
	const struct wire_payload *n = wire_msg_find(m, WIRE_PLV2_NONCE, 0);
	EVP_MD_CTX *ctx;
	unsigned int len = 32;
	bool ok;

	if (!n)
		return false;
	if (!e->cookie_secret_set) {
		if (e->env.random(e->env.ctx, e->cookie_secret, sizeof(e->cookie_secret)) < 0)
			return false;
		e->cookie_secret_set = true;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return false;
	out[0] = version;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, n->u.data.ptr, n->u.data.len) &&
	     EVP_DigestUpdate(ctx, path->remote.family == AF_INET ? (const void *)&path->remote.v4
								  : (const void *)&path->remote.v6,
			      path->remote.family == AF_INET ? 4 : 16) &&
	     EVP_DigestUpdate(ctx, m->hdr.ispi, 8) &&
	     EVP_DigestUpdate(ctx, e->cookie_secret, sizeof(e->cookie_secret)) &&
	     EVP_DigestFinal_ex(ctx, out + 1, &len);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Under half-open pressure a request must carry our cookie; false: answered with one. */
static bool cookie_ok(struct ikev2 *e, const struct ike_path *path, const struct wire_msg *m)
{
	const struct wire_payload *c = wire_msg_find_notify(m, WIRE_N2_COOKIE, 0);
	uint8_t want[33];

	if (e->n_half_open < e->cookie_threshold)
		return true;
	if (c && c->u.notify.data.len == 33 &&
	    make_cookie(e, path, m, c->u.notify.data.ptr[0], want) &&
	    CRYPTO_memcmp(want, c->u.notify.data.ptr, 33) == 0)
		return true;
	if (make_cookie(e, path, m, e->cookie_version, want))
		ikev2_send_plain_notify(e, path, &m->hdr, WIRE_N2_COOKIE, want, sizeof(want));
	return false;
}

void ikev2_init_request(struct ikev2 *e, const struct ike_path *path, struct wire_msg *m)
{
	const struct wire_payload *sap = wire_msg_find(m, WIRE_PLV2_SA, 0);
	const struct wire_payload *ke = wire_msg_find(m, WIRE_PLV2_KE, 0);
	struct wire_proposal chosen;
	struct wire_transform ctr[5];
	struct wire_attr cattr[1];
	struct ikev2_ike_alg a;
	struct ikev2_sa *sa;
	struct wire_hdr h = { .major = 2, .exchange = WIRE_EX2_IKE_SA_INIT,
			      .flags = WIRE_F2_RESPONSE };
	struct wire_builder b;
	struct wire_sa wsa = { 0 };
	size_t len;
	uint8_t num;
	uint16_t want;
	int r;

	sa = ikev2_sa_half_open(e, m->hdr.ispi, &path->remote);
	if (sa) {
		if (sa->resp_valid && sa->init_req_len == m->raw.len &&
		    memcmp(sa->init_req, m->raw.ptr, m->raw.len) == 0)
			ikev2_path_send(e, &sa->path, sa->resp_buf, sa->resp_len);
		return;
	}
	if (!cookie_ok(e, path, m))
		return;
	if (!ikev2_ike_choose(e, &path->local, &sap->u.sa, ke->u.ke.group, &a, &num, &want))
		return answer_error(e, path, m, WIRE_N2_NO_PROPOSAL_CHOSEN, NULL, 0,
				    "no proposal chosen (Failed to find a matching policy)");
	if (want) {
		uint8_t g[2] = { (uint8_t)(want >> 8), (uint8_t)want };

		return answer_error(e, path, m, WIRE_N2_INVALID_KE_PAYLOAD, g, 2,
				    "KE group not the one we want (INVALID_KE_PAYLOAD)");
	}
	sa = ikev2_sa_new(e, false, path);
	if (!sa)
		return;
	memcpy(sa->ispi, m->hdr.ispi, 8);
	ikev2_sa_half_open_add(sa);
	sa->alg = a;
	sa->msgid_next_in = 0;
	if (!copy_nonce(wire_msg_find(m, WIRE_PLV2_NONCE, 0), sa->ni, &sa->ni_len)) {
		ikev2_sa_destroy(sa, "bad nonce");
		return;
	}
	sa->init_req = malloc(m->raw.len);
	if (!sa->init_req) {
		ikev2_sa_destroy(sa, "out of memory");
		return;
	}
	memcpy(sa->init_req, m->raw.ptr, m->raw.len);
	sa->init_req_len = m->raw.len;
	nat_detect(sa, m);
	store_certreq(sa, m);
	sa->frag_ok = !e->frag_off &&
		      wire_msg_find_notify(m, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, 0) != NULL;
	sa->nr_len = IKEV2_NONCE_LEN;
	r = e->env.random(e->env.ctx, sa->nr, sa->nr_len);
	if (r == 0)
		r = ike_dh_new(a.dh, &sa->dh);
	if (r < 0) {
		ikev2_sa_destroy(sa, "cannot make a key pair");
		return;
	}
	/* our response: the chosen transforms in one proposal with the peer's number */
	ikev2_ike_chosen_build(&a, num, NULL, 0, &chosen, ctr, cattr);
	wsa.proposals = &chosen;
	wsa.nproposals = 1;

	memcpy(h.ispi, sa->ispi, 8);
	memcpy(h.rspi, sa->rspi, 8);
	wire_build_msg(&b, e->out, IKEV2_MSG_MAX, &h);
	sa_payload(&b, sa, &wsa);
	ke_payload(&b, sa->dh);
	wire_build_data(&b, WIRE_PLV2_NONCE, sa->nr, sa->nr_len);
	add_nat_notifies(&b, sa);
	certreq_payload(&b, sa);
	if (uses_certs(e))
		add_sig_hash_notify(&b);
	if (sa->frag_ok)
		wire_build_notify(&b, 0, WIRE_N2_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0, NULL, 0);
	r = wire_build_finish(&b, &len);
	if (r == 0)
		r = derive_from_ke(sa, ke);
	if (r < 0) {
		ikev2_log(sa, IKE_LOG_WARNING, NULL, "IKE_SA_INIT failed: %s",
			  r == -EBADMSG ? "invalid KE payload" : "internal error");
		ikev2_sa_destroy(sa, "IKE_SA_INIT failed");
		return;
	}
	sa->init_resp = malloc(len);
	if (!sa->init_resp) {
		ikev2_sa_destroy(sa, "out of memory");
		return;
	}
	memcpy(sa->init_resp, e->out, len);
	sa->init_resp_len = len;
	ikev2_debug(sa, "IKE_SA_INIT: proposal %u accepted (%s-%u, %s, %s, DH group %u)", num,
		    wire_transform_id_name(WIRE_TT_ENCR, a.encr), a.key_bits,
		    wire_transform_id_name(WIRE_TT_PRF, a.prf),
		    wire_transform_id_name(WIRE_TT_INTEG, a.integ), a.dh);
	ikev2_send_raw_response(sa, 0, sa->init_resp, len);
	ike_timer_arm(&e->timers, &sa->life_timer, ikev2_now(e) + IKEV2_HALF_OPEN_US);
}
