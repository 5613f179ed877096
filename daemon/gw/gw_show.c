/*
 * JSON of `show crypto ipsec sa`, `show crypto ikev2 sa`, `show crypto isakmp sa` and
 * `show crypto session`, over both engines through one collection path (gw_sa_list_get,
 * tunnel_info). Per-tunnel packet totals are the owning engine's retired counters plus the
 * kernel's counters of every SA still installed, so they survive rekeys and equal what the
 * kernel counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_show_int.h"
#include "wire_types.h"

static void collect_cb(void *userdata, const struct ike_sa_info *info)
{
	struct sa_list *l = userdata;
	struct sa_copy *v, *s;

	if (l->nomem)
		return;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		l->nomem = true;
		return;
	}
	l->v = v;
	s = &l->v[l->n];
	memset(s, 0, sizeof(*s));
	s->info = *info;
	s->info.version = l->version;
	snprintf(s->state, sizeof(s->state), "%s", info->state ? info->state : "UNKNOWN");
	snprintf(s->profile, sizeof(s->profile), "%s", info->profile ? info->profile : "");
	s->info.state = NULL; /* pointed at the copies once the array stops moving */
	s->info.profile = info->profile ? s->profile : NULL;
	if (info->n_children) {
		s->children = calloc(info->n_children, sizeof(*s->children));
		if (!s->children) {
			l->nomem = true;
			return;
		}
		memcpy(s->children, info->children, info->n_children * sizeof(*s->children));
	}
	s->info.children = s->children;
	l->n++;
}

void gw_sa_list_free(struct sa_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].children);
	free(l->v);
}

/* Every SA of both engines: IKEv1's ISAKMP SAs, then IKEv2's IKE SAs, each in creation order. */
int gw_sa_list_get(const struct gw_show_ctx *c, struct sa_list *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->version = 1;
	if (c->ikev1)
		ikev1_foreach_sa(c->ikev1, collect_cb, ret);
	ret->version = 2;
	if (c->ikev2)
		ikev2_foreach_sa(c->ikev2, collect_cb, ret);
	if (ret->nomem) {
		gw_sa_list_free(ret);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ret->n; i++) {
		struct sa_copy *s = &ret->v[i];

		s->info.state = s->state;
		if (s->info.profile)
			s->info.profile = s->profile;
	}
	return 0;
}

/* The per-tunnel state of the engine that negotiates the tunnel; zeros when none knows it. */
static void tunnel_info(const struct gw_show_ctx *c, uint32_t tunnel_id,
			struct ike_tunnel_info *ret)
{
	int r = -ENOENT;

	memset(ret, 0, sizeof(*ret));
	if (c->ikev1 && ikev1_owns_tunnel(c->ikev1, tunnel_id))
		r = ikev1_tunnel_info(c->ikev1, tunnel_id, ret);
	else if (c->ikev2)
		r = ikev2_tunnel_info(c->ikev2, tunnel_id, ret);
	if (r < 0)
		memset(ret, 0, sizeof(*ret));
}

/* An SA that carries traffic: IKEv1 in Quick Mode idle, IKEv2 READY. */
static bool sa_established(const struct sa_copy *s)
{
	return strcmp(s->state, s->info.version == 1 ? "QM_IDLE" : "READY") == 0;
}

/* ---- small formatters ---- */

struct json_object *gw_addr_json(const struct config_addr *a)
{
	char buf[CONFIG_ADDR_STRLEN];

	if (a->family == 0)
		return NULL;
	return json_object_new_string(config_addr_str(a, buf, sizeof(buf)));
}

static struct json_object *spi32_json(uint32_t spi)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%08" PRIx32, spi);
	return json_object_new_string(buf);
}

static struct json_object *spi64_json(const uint8_t spi[8])
{
	char buf[17];

	for (int i = 0; i < 8; i++)
		snprintf(buf + 2 * i, 3, "%02x", spi[i]);
	return json_object_new_string(buf);
}

static struct json_object *u64_json(uint64_t v)
{
	return json_object_new_uint64(v);
}

static const char *tunnel_name(const struct config *cfg, uint32_t id, char *buf, size_t len)
{
	for (size_t i = 0; cfg && i < cfg->n_tunnels; i++)
		if (cfg->tunnels[i]->tunnel_number == id)
			return cfg->tunnels[i]->name;
	snprintf(buf, len, "Tunnel%" PRIu32, id);
	return buf;
}

static bool addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	if (a->family != b->family || a->family == 0)
		return false;
	return a->family == AF_INET ? a->v4.s_addr == b->v4.s_addr
				    : memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

const char *gw_ios_transform(uint16_t encr, uint16_t key_bits, uint16_t integ, char *buf,
			     size_t len)
{
	char e[32];
	const char *i;

	switch (encr) {
	case WIRE_ENCR_AES_CBC:
		if (key_bits == 128 || key_bits == 0)
			snprintf(e, sizeof(e), "esp-aes");
		else
			snprintf(e, sizeof(e), "esp-%u-aes", key_bits);
		break;
	case WIRE_ENCR_AES_GCM_16:
		if (key_bits == 128 || key_bits == 0)
			snprintf(e, sizeof(e), "esp-gcm");
		else
			snprintf(e, sizeof(e), "esp-gcm %u", key_bits);
		break;
	case WIRE_ENCR_CHACHA20_POLY1305:
		snprintf(e, sizeof(e), "esp-chacha20-poly1305");
		break;
	case WIRE_ENCR_3DES:
		snprintf(e, sizeof(e), "esp-3des");
		break;
	case WIRE_ENCR_DES:
		snprintf(e, sizeof(e), "esp-des");
		break;
	case WIRE_ENCR_NULL:
		snprintf(e, sizeof(e), "esp-null");
		break;
	default:
		snprintf(e, sizeof(e), "esp-encr-%u", encr);
	}
	switch (integ) {
	case WIRE_INTEG_NONE:
		i = NULL;
		break;
	case WIRE_INTEG_HMAC_MD5_96:
		i = "esp-md5-hmac";
		break;
	case WIRE_INTEG_HMAC_SHA1_96:
		i = "esp-sha-hmac";
		break;
	case WIRE_INTEG_HMAC_SHA2_256_128:
		i = "esp-sha256-hmac";
		break;
	case WIRE_INTEG_HMAC_SHA2_384_192:
		i = "esp-sha384-hmac";
		break;
	case WIRE_INTEG_HMAC_SHA2_512_256:
		i = "esp-sha512-hmac";
		break;
	default:
		i = "";
	}
	if (!i)
		snprintf(buf, len, "%s", e);
	else if (i[0])
		snprintf(buf, len, "%s %s", e, i);
	else
		snprintf(buf, len, "%s esp-integ-%u", e, integ);
	return buf;
}

/* IOS words of `show crypto ikev2 sa detail`. */
static const char *ios_encr(uint16_t encr)
{
	switch (encr) {
	case WIRE_ENCR_AES_CBC:
		return "AES-CBC";
	case WIRE_ENCR_AES_GCM_16:
		return "AES-GCM";
	case WIRE_ENCR_CHACHA20_POLY1305:
		return "CHACHA20-POLY1305";
	case WIRE_ENCR_3DES:
		return "3DES";
	case WIRE_ENCR_DES:
		return "DES";
	default:
		return "unknown";
	}
}

static const char *ios_prf(uint16_t prf)
{
	switch (prf) {
	case WIRE_PRF_HMAC_MD5:
		return "MD5";
	case WIRE_PRF_HMAC_SHA1:
		return "SHA1";
	case WIRE_PRF_HMAC_SHA2_256:
		return "SHA256";
	case WIRE_PRF_HMAC_SHA2_384:
		return "SHA384";
	case WIRE_PRF_HMAC_SHA2_512:
		return "SHA512";
	default:
		return "unknown";
	}
}

static const char *ios_integ(uint16_t integ)
{
	switch (integ) {
	case WIRE_INTEG_NONE:
		return "None";
	case WIRE_INTEG_HMAC_MD5_96:
		return "MD596";
	case WIRE_INTEG_HMAC_SHA1_96:
		return "SHA96";
	case WIRE_INTEG_HMAC_SHA2_256_128:
		return "SHA256";
	case WIRE_INTEG_HMAC_SHA2_384_192:
		return "SHA384";
	case WIRE_INTEG_HMAC_SHA2_512_256:
		return "SHA512";
	default:
		return "unknown";
	}
}

/* The Hash column of `show crypto isakmp sa detail`: IKEv1's hash algorithm, which is also its
 * PRF (HMAC-hash, RFC 2409 4); the integrity transform when the PRF is not known. */
static const char *ios_isakmp_hash(uint16_t prf, uint16_t integ)
{
	switch (prf) {
	case WIRE_PRF_HMAC_MD5:
		return "md5";
	case WIRE_PRF_HMAC_SHA1:
		return "sha";
	case WIRE_PRF_HMAC_SHA2_256:
		return "sha256";
	case WIRE_PRF_HMAC_SHA2_384:
		return "sha384";
	case WIRE_PRF_HMAC_SHA2_512:
		return "sha512";
	default:
		break;
	}
	switch (integ) {
	case WIRE_INTEG_HMAC_MD5_96:
		return "md5";
	case WIRE_INTEG_HMAC_SHA1_96:
		return "sha";
	case WIRE_INTEG_HMAC_SHA2_256_128:
		return "sha256";
	case WIRE_INTEG_HMAC_SHA2_384_192:
		return "sha384";
	case WIRE_INTEG_HMAC_SHA2_512_256:
		return "sha512";
	default:
		return "unknown";
	}
}

static const char *ios_auth(enum config_auth a)
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

static uint64_t seconds_since(const struct gw_show_ctx *c, uint64_t us)
{
	return us && c->now_us > us ? (c->now_us - us) / 1000000u : 0;
}

/* ---- show crypto ipsec sa ---- */

/* The kernel's counters of one SA; zeros when it is gone (a race with a rekey). */
static void sa_counters(const struct gw_show_ctx *c, uint32_t tunnel_id,
			const struct config_addr *dst, uint32_t spi,
			struct ike_kernel_counters *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!c->kops || !c->kops->sa_counters || spi == 0 ||
	    c->kops->sa_counters(c->kops->ctx, tunnel_id, dst, spi, ret) < 0)
		memset(ret, 0, sizeof(*ret));
}

static void totals_add(struct gw_tunnel_counters *tc, const struct ike_kernel_counters *in,
		       const struct ike_kernel_counters *out)
{
	tc->encaps_pkts += out->packets;
	tc->encaps_bytes += out->bytes;
	tc->decaps_pkts += in->packets;
	tc->decaps_bytes += in->bytes;
	tc->errors_replay += in->replay_errors;
	tc->errors_integrity += in->integrity_errors;
}

/* One CHILD_SA's kernel counters join the tunnel's; its JSON goes to sas (when not NULL). */
static void child_sa_add(const struct gw_show_ctx *c, const struct sa_copy *s,
			 const struct ike_child_info *ch, struct gw_tunnel_counters *tc,
			 struct json_object *sas)
{
	struct json_object *o;
	struct ike_kernel_counters kin, kout;
	uint64_t age = seconds_since(c, ch->established_us);
	char tf[64];

	sa_counters(c, ch->tunnel_id, &s->info.path.local, ch->spi_in, &kin);
	sa_counters(c, ch->tunnel_id, &s->info.path.remote, ch->spi_out, &kout);
	totals_add(tc, &kin, &kout);
	if (!sas)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "spi_in", spi32_json(ch->spi_in));
	json_object_object_add(o, "spi_out", spi32_json(ch->spi_out));
	json_object_object_add(o, "transform",
			       json_object_new_string(gw_ios_transform(ch->encr, ch->key_bits,
								       ch->integ, tf, sizeof(tf))));
	json_object_object_add(o, "mode", json_object_new_string("tunnel"));
	json_object_object_add(o, "lifetime_left",
			       u64_json(ch->lifetime_s > age ? ch->lifetime_s - age : 0));
	json_object_object_add(o, "udp_encap", json_object_new_boolean(ch->udp_encap));
	json_object_object_add(o, "esn", json_object_new_boolean(ch->esn));
	json_object_object_add(o, "state",
			       json_object_new_string(ch->rekeyed ? "rekeyed" : "active"));
	json_object_object_add(o, "encaps_pkts", u64_json(kout.packets));
	json_object_object_add(o, "encaps_bytes", u64_json(kout.bytes));
	json_object_object_add(o, "decaps_pkts", u64_json(kin.packets));
	json_object_object_add(o, "decaps_bytes", u64_json(kin.bytes));
	json_object_object_add(o, "errors_replay", u64_json(kin.replay_errors));
	json_object_object_add(o, "errors_integrity", u64_json(kin.integrity_errors));
	json_object_array_add(sas, o);
}

/* An IKE SA serves a tunnel when one of its CHILD_SAs does, or (none yet) when it runs
 * between the tunnel's endpoints. */
static bool sa_serves(const struct sa_copy *s, const struct config_interface *t)
{
	if (s->info.n_children) {
		for (size_t i = 0; i < s->info.n_children; i++)
			if (s->children[i].tunnel_id == t->tunnel_number)
				return true;
		return false;
	}
	return addr_equal(&s->info.path.remote, &t->destination);
}

void gw_tunnel_counters_get(const struct gw_show_ctx *c, const struct sa_list *l,
			    const struct config_interface *t, struct gw_tunnel_counters *ret,
			    struct json_object *sas)
{
	const struct gw_peer_counters *p;

	memset(ret, 0, sizeof(*ret));
	tunnel_info(c, t->tunnel_number, &ret->ti);
	totals_add(ret, &ret->ti.retired_in, &ret->ti.retired_out);
	for (size_t i = 0; i < l->n; i++) {
		const struct sa_copy *s = &l->v[i];

		for (size_t j = 0; j < s->info.n_children; j++)
			if (s->children[j].tunnel_id == t->tunnel_number)
				child_sa_add(c, s, &s->children[j], ret, sas);
	}
	if (c->link && c->link(c->link_ctx, t->name, &ret->link) == 0)
		ret->has_link = true;
	p = gw_peer_find(c->peers, c->n_peers, &t->destination);
	if (p) {
		ret->has_peer = true;
		ret->peer = *p;
	}
}

const char *gw_tunnel_profile(const struct config_interface *t)
{
	const struct config_ipsec_profile *ip = t->protection;

	if (ip && ip->ikev2_profile_name)
		return ip->ikev2_profile_name;
	if (ip && ip->isakmp_profile_name)
		return ip->isakmp_profile_name;
	return NULL;
}

static struct json_object *link_json(const struct vti_link_info *l)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ifindex", json_object_new_int(l->ifindex));
	json_object_object_add(o, "admin_up", json_object_new_boolean(l->flags & IFF_UP));
	json_object_object_add(o, "oper_up", json_object_new_boolean(l->flags & IFF_RUNNING));
	json_object_object_add(o, "mtu", u64_json(l->mtu));
	if (l->has_stats) {
		json_object_object_add(o, "rx_packets", u64_json(l->stats.rx_packets));
		json_object_object_add(o, "tx_packets", u64_json(l->stats.tx_packets));
		json_object_object_add(o, "rx_bytes", u64_json(l->stats.rx_bytes));
		json_object_object_add(o, "tx_bytes", u64_json(l->stats.tx_bytes));
		json_object_object_add(o, "rx_errors", u64_json(l->stats.rx_errors));
		json_object_object_add(o, "tx_errors", u64_json(l->stats.tx_errors));
		json_object_object_add(o, "rx_dropped", u64_json(l->stats.rx_dropped));
		json_object_object_add(o, "tx_dropped", u64_json(l->stats.tx_dropped));
		json_object_object_add(o, "tx_carrier_errors",
				       u64_json(l->stats.tx_carrier_errors));
	}
	return o;
}

/* The peer's packets as counted by us (IKE sent) and our nftables table (IKE, ESP received);
 * null where unknown. */
static void peer_fields(struct json_object *o, const struct gw_tunnel_counters *tc)
{
	const struct gw_peer_counters *p = &tc->peer;
	bool nft = tc->has_peer && p->nft;

	json_object_object_add(o, "ike_tx_pkts", tc->has_peer ? u64_json(p->ike_tx_pkts) : NULL);
	json_object_object_add(o, "ike_tx_bytes", tc->has_peer ? u64_json(p->ike_tx_bytes) : NULL);
	json_object_object_add(o, "ike_rx_pkts", nft ? u64_json(p->ike_rx_pkts) : NULL);
	json_object_object_add(o, "ike_rx_bytes", nft ? u64_json(p->ike_rx_bytes) : NULL);
	json_object_object_add(o, "esp_rx_pkts", nft ? u64_json(p->esp_rx_pkts) : NULL);
	json_object_object_add(o, "esp_rx_bytes", nft ? u64_json(p->esp_rx_bytes) : NULL);
}

static struct json_object *tunnel_json(const struct gw_show_ctx *c, const struct sa_list *l,
				       const struct config_interface *t)
{
	struct json_object *o = json_object_new_object(), *sas = json_object_new_array();
	struct gw_tunnel_counters tc;
	const struct ike_tunnel_info *ti = &tc.ti;
	bool stats;

	gw_tunnel_counters_get(c, l, t, &tc, sas);
	stats = tc.has_link && tc.link.has_stats;
	json_object_object_add(o, "interface", json_object_new_string(t->name));
	json_object_object_add(o, "peer", gw_addr_json(&t->destination));
	json_object_object_add(o, "local", gw_addr_json(&t->source));
	json_object_object_add(o, "status", json_object_new_string(ti->up ? "up" : "down"));
	json_object_object_add(o, "encaps_pkts", u64_json(tc.encaps_pkts));
	json_object_object_add(o, "decaps_pkts", u64_json(tc.decaps_pkts));
	json_object_object_add(o, "encaps_bytes", u64_json(tc.encaps_bytes));
	json_object_object_add(o, "decaps_bytes", u64_json(tc.decaps_bytes));
	json_object_object_add(o, "errors_replay", u64_json(tc.errors_replay));
	json_object_object_add(o, "errors_integrity", u64_json(tc.errors_integrity));
	/* packets routed into the VTI that it could not send (no SA, no route); null: unread */
	json_object_object_add(o, "errors_no_sa",
			       stats ? u64_json(tc.link.stats.tx_carrier_errors) : NULL);
	/* "last_rekey": text for people (null: never), "last_rekey_seconds" for programs */
	if (ti->last_rekey_us) {
		uint64_t ago = seconds_since(c, ti->last_rekey_us);
		char buf[48];

		snprintf(buf, sizeof(buf), "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 " ago",
			 ago / 3600, ago / 60 % 60, ago % 60);
		json_object_object_add(o, "last_rekey", json_object_new_string(buf));
		json_object_object_add(o, "last_rekey_seconds", u64_json(ago));
	} else {
		json_object_object_add(o, "last_rekey", NULL);
		json_object_object_add(o, "last_rekey_seconds", NULL);
	}
	json_object_object_add(o, "rekeys", u64_json(ti->rekeys));
	/* the last liveness check's round trip (IKEv2 INFORMATIONAL answered at the first try,
	 * IKEv1 R-U-THERE to its ACK); null: none measured yet */
	json_object_object_add(o, "dpd_rtt_us", ti->dpd_rtt_us ? u64_json(ti->dpd_rtt_us) : NULL);
	peer_fields(o, &tc);
	json_object_object_add(o, "protection",
			       t->protection_name ? json_object_new_string(t->protection_name)
						  : NULL);
	if (tc.has_link)
		json_object_object_add(o, "link", link_json(&tc.link));
	json_object_object_add(o, "sas", sas);
	return o;
}

struct json_object *gw_show_ipsec_sa(const struct gw_show_ctx *c, const char *only_tunnel,
				     bool *ret_unknown)
{
	const struct config_interface *only = NULL;
	struct json_object *o, *tunnels;
	struct sa_list l;

	*ret_unknown = false;
	if (only_tunnel) {
		only = c->cfg ? config_find_interface(c->cfg, only_tunnel) : NULL;
		if (!only || !only->is_tunnel) {
			*ret_unknown = true;
			return NULL;
		}
	}
	if (gw_sa_list_get(c, &l) < 0)
		return NULL;
	o = json_object_new_object();
	tunnels = json_object_new_array();
	for (size_t i = 0; c->cfg && i < c->cfg->n_tunnels; i++)
		if (!only || c->cfg->tunnels[i] == only)
			json_object_array_add(tunnels, tunnel_json(c, &l, c->cfg->tunnels[i]));
	json_object_object_add(o, "command", json_object_new_string("show crypto ipsec sa"));
	json_object_object_add(o, "tunnels", tunnels);
	gw_sa_list_free(&l);
	return o;
}

/* ---- show crypto ikev2 sa, show crypto isakmp sa ---- */

static struct json_object *ike_sa_json(const struct gw_show_ctx *c, const struct sa_copy *s,
				       bool detail)
{
	const struct ike_sa_info *in = &s->info;
	struct json_object *o = json_object_new_object(), *ch = json_object_new_array();
	char nbuf[32], tf[64];

	json_object_object_add(o, "tunnel_id", u64_json(in->id));
	json_object_object_add(o, "version", json_object_new_int(in->version));
	json_object_object_add(o, "local", gw_addr_json(&in->path.local));
	json_object_object_add(o, "remote", gw_addr_json(&in->path.remote));
	json_object_object_add(o, "local_port", json_object_new_int(in->path.local_port));
	json_object_object_add(o, "remote_port", json_object_new_int(in->path.remote_port));
	json_object_object_add(o, "state", json_object_new_string(in->state));
	json_object_object_add(o, "profile",
			       in->profile ? json_object_new_string(in->profile) : NULL);
	json_object_object_add(o, "local_id", json_object_new_string(in->local_id));
	json_object_object_add(o, "remote_id", json_object_new_string(in->remote_id));
	json_object_object_add(o, "initiator_spi", spi64_json(in->ispi));
	json_object_object_add(o, "responder_spi", spi64_json(in->rspi));
	json_object_object_add(o, "role",
			       json_object_new_string(in->initiator ? "initiator" : "responder"));
	json_object_object_add(o, "encr", json_object_new_string(ios_encr(in->encr)));
	json_object_object_add(o, "key_bits", json_object_new_int(in->key_bits));
	json_object_object_add(o, "prf", json_object_new_string(ios_prf(in->prf)));
	/* IKEv1 protects with HMAC over its hash: the PRF's name (its integ may be unset) */
	json_object_object_add(
		o, "integ",
		json_object_new_string(in->version == 1 ? ios_prf(in->prf) : ios_integ(in->integ)));
	json_object_object_add(o, "dh_group", json_object_new_int(in->dh_group));
	json_object_object_add(o, "auth_local", json_object_new_string(ios_auth(in->auth_local)));
	json_object_object_add(o, "auth_remote", json_object_new_string(ios_auth(in->auth_remote)));
	json_object_object_add(o, "lifetime", u64_json(in->lifetime_s));
	json_object_object_add(o, "active_time", u64_json(seconds_since(c, in->established_us)));
	json_object_object_add(o, "nat_t",
			       json_object_new_boolean(in->nat_local || in->nat_remote));
	if (in->version == 1) { /* the IOS ISAKMP columns */
		json_object_object_add(o, "hash",
				       json_object_new_string(ios_isakmp_hash(in->prf, in->integ)));
		json_object_object_add(o, "conn_id", u64_json(in->id));
		json_object_object_add(o, "status", json_object_new_string("ACTIVE"));
	}
	if (detail) {
		json_object_object_add(o, "nat_local", json_object_new_boolean(in->nat_local));
		json_object_object_add(o, "nat_remote", json_object_new_boolean(in->nat_remote));
	}
	for (size_t i = 0; i < in->n_children; i++) {
		const struct ike_child_info *k = &in->children[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "spi_in", spi32_json(k->spi_in));
		json_object_object_add(x, "spi_out", spi32_json(k->spi_out));
		json_object_object_add(x, "tunnel",
				       json_object_new_string(tunnel_name(c->cfg, k->tunnel_id,
									  nbuf, sizeof(nbuf))));
		if (detail) {
			json_object_object_add(
				x, "transform",
				json_object_new_string(gw_ios_transform(k->encr, k->key_bits,
									k->integ, tf, sizeof(tf))));
			json_object_object_add(
				x, "state",
				json_object_new_string(k->rekeyed ? "rekeyed" : "active"));
			json_object_object_add(x, "udp_encap",
					       json_object_new_boolean(k->udp_encap));
			json_object_object_add(x, "esn", json_object_new_boolean(k->esn));
		}
		json_object_array_add(ch, x);
	}
	json_object_object_add(o, "children", ch);
	return o;
}

static struct json_object *show_ike_sa(const struct gw_show_ctx *c, bool detail, uint8_t version,
				       const char *command)
{
	struct json_object *o, *sas;
	struct sa_list l;

	if (gw_sa_list_get(c, &l) < 0)
		return NULL;
	o = json_object_new_object();
	sas = json_object_new_array();
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].info.version == version && !l.v[i].info.ike_sa_gone)
			json_object_array_add(sas, ike_sa_json(c, &l.v[i], detail));
	json_object_object_add(o, "command", json_object_new_string(command));
	json_object_object_add(o, "detail", json_object_new_boolean(detail));
	json_object_object_add(o, "sas", sas);
	gw_sa_list_free(&l);
	return o;
}

struct json_object *gw_show_ikev2_sa(const struct gw_show_ctx *c, bool detail)
{
	return show_ike_sa(c, detail, 2, "show crypto ikev2 sa");
}

struct json_object *gw_show_isakmp_sa(const struct gw_show_ctx *c, bool detail)
{
	return show_ike_sa(c, detail, 1, "show crypto isakmp sa");
}

/* ---- show crypto session ---- */

static struct json_object *session_json(const struct gw_show_ctx *c, const struct sa_list *l,
					const struct config_interface *t)
{
	struct json_object *o = json_object_new_object(), *ike = json_object_new_array();
	const char *profile = gw_tunnel_profile(t);
	struct gw_tunnel_counters tc;
	const struct ike_tunnel_info *ti = &tc.ti;
	struct gw_diag_sample cur, prev;
	bool ready = false, negotiating = false;
	uint64_t active = 0;
	int port = 500;
	const char *status;
	char peer[CONFIG_ADDR_STRLEN];

	gw_tunnel_counters_get(c, l, t, &tc, NULL);
	for (size_t i = 0; i < l->n; i++) {
		const struct sa_copy *s = &l->v[i];
		struct json_object *x;

		if (!sa_serves(s, t))
			continue;
		if (s->info.ike_sa_gone) {
			/* IPsec SAs without their ISAKMP SA: UP-NO-IKE (ti.up), no IKE SA listed */
			for (size_t j = 0; j < s->info.n_children; j++)
				if (s->children[j].tunnel_id == t->tunnel_number &&
				    !s->children[j].rekeyed)
					active += 2;
			continue;
		}
		if (sa_established(s))
			ready = true;
		else
			negotiating = true;
		for (size_t j = 0; j < s->info.n_children; j++)
			if (s->children[j].tunnel_id == t->tunnel_number && !s->children[j].rekeyed)
				active += 2;		/* IOS counts both directions */
		if (json_object_array_length(ike) == 0) /* the first one of the tunnel */
			port = s->info.path.remote_port;
		x = json_object_new_object();
		json_object_object_add(x, "version", json_object_new_int(s->info.version));
		json_object_object_add(x, "local", gw_addr_json(&s->info.path.local));
		json_object_object_add(x, "remote", gw_addr_json(&s->info.path.remote));
		json_object_object_add(x, "local_port",
				       json_object_new_int(s->info.path.local_port));
		json_object_object_add(x, "remote_port",
				       json_object_new_int(s->info.path.remote_port));
		json_object_object_add(x, "state", json_object_new_string(s->state));
		json_object_object_add(x, "initiator_spi", spi64_json(s->info.ispi));
		json_object_object_add(x, "responder_spi", spi64_json(s->info.rspi));
		json_object_array_add(ike, x);
	}
	if (ready)
		status = ti->up ? "UP-ACTIVE" : "UP-IDLE";
	else if (ti->up)
		status = "UP-NO-IKE";
	else
		status = negotiating ? "DOWN-NEGOTIATING" : "DOWN";
	json_object_object_add(o, "interface", json_object_new_string(t->name));
	json_object_object_add(o, "peer", gw_addr_json(&t->destination));
	json_object_object_add(o, "local", gw_addr_json(&t->source));
	json_object_object_add(o, "profile", profile ? json_object_new_string(profile) : NULL);
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "port", json_object_new_int(port));
	json_object_object_add(o, "active_sas", u64_json(active));
	json_object_object_add(o, "ipsec_flows", u64_json(active));
	json_object_object_add(o, "ike_sas", ike);
	/* seed 004: what the counters say since the last look */
	gw_diag_sample_of(&tc, c->now_us, &cur);
	memset(&prev, 0, sizeof(prev));
	/* out of memory: compared with the start, and not remembered */
	if (c->diag)
		(void)gw_diag_memory_look(c->diag, t->name, &cur, &prev);
	if (t->destination.family)
		config_addr_str(&t->destination, peer, sizeof(peer));
	else
		snprintf(peer, sizeof(peer), "the peer");
	gw_diagnose(o, t->name, peer, &cur, &prev, ti->up);
	return o;
}

struct json_object *gw_show_session(const struct gw_show_ctx *c)
{
	struct json_object *o, *v;
	struct sa_list l;

	if (gw_sa_list_get(c, &l) < 0)
		return NULL;
	o = json_object_new_object();
	v = json_object_new_array();
	for (size_t i = 0; c->cfg && i < c->cfg->n_tunnels; i++)
		json_object_array_add(v, session_json(c, &l, c->cfg->tunnels[i]));
	json_object_object_add(o, "command", json_object_new_string("show crypto session"));
	json_object_object_add(o, "sessions", v);
	gw_sa_list_free(&l);
	return o;
}

void gw_show_counts(const struct gw_show_ctx *c, size_t *ret_up, size_t *ret_tunnels,
		    size_t *ret_ike_sas)
{
	struct sa_list l;
	size_t up = 0;

	for (size_t i = 0; c->cfg && i < c->cfg->n_tunnels; i++) {
		struct ike_tunnel_info ti;

		tunnel_info(c, c->cfg->tunnels[i]->tunnel_number, &ti);
		up += ti.up;
	}
	*ret_up = up;
	*ret_tunnels = c->cfg ? c->cfg->n_tunnels : 0;
	*ret_ike_sas = 0;
	if (gw_sa_list_get(c, &l) == 0) {
		*ret_ike_sas = l.n;
		gw_sa_list_free(&l);
	}
}
