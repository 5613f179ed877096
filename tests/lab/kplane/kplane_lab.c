/*
 * kplane-lab: command line (a table of subcommands), deterministic lab keys, and the tunnel
 * subcommands: tunnel-up/-down (VTI + ESP SA pair + out/in/fwd policies, all through ikegw_vti
 * and ikegw_xfrm), sa-add/sa-del and policy-update for make-before-break rekeys. Never prints
 * key material. Usage: kplane-lab --help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "kplane.h"

#define PROG "kplane-lab"

int kplane_fail(const char *ctx, int err, const char *kernel_msg)
{
	if (kernel_msg && kernel_msg[0])
		fprintf(stderr, PROG ": %s: %s (kernel: %s)\n", ctx, strerror(-err), kernel_msg);
	else
		fprintf(stderr, PROG ": %s: %s\n", ctx, strerror(-err));
	return 1;
}

/* ---- keys and algorithms ---- */

int kplane_derive_key(const char *seed, uint32_t spi, const char *label, uint8_t *out, size_t len)
{
	uint8_t block[32];
	size_t done = 0, got;
	char info[96];

	for (unsigned int i = 0; done < len; i++) {
		int n = snprintf(info, sizeof(info), "ikegw-kplane|%s|%08x|%u", label, spi, i);

		if (n < 0 || (size_t)n >= sizeof(info))
			return -EINVAL;
		if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, seed, strlen(seed),
			       (const unsigned char *)info, (size_t)n, block, sizeof(block),
			       &got) ||
		    got != sizeof(block)) {
			OPENSSL_cleanse(block, sizeof(block));
			return -EIO;
		}
		got = len - done < sizeof(block) ? len - done : sizeof(block);
		memcpy(out + done, block, got);
		done += got;
	}
	OPENSSL_cleanse(block, sizeof(block));
	return 0;
}

int kplane_alg_parse(const char *spec, const struct xfrm_alg_desc **ret_enc,
		     const struct xfrm_alg_desc **ret_integ)
{
	char enc_name[32];
	const char *plus = strchr(spec, '+');
	size_t enc_len = plus ? (size_t)(plus - spec) : strlen(spec);
	const struct xfrm_alg_desc *enc, *integ = NULL;

	if (enc_len == 0 || enc_len >= sizeof(enc_name))
		return -EINVAL;
	memcpy(enc_name, spec, enc_len);
	enc_name[enc_len] = '\0';
	enc = xfrm_alg_lookup(enc_name);
	if (!enc || enc->kind == XFRM_ALG_AUTH)
		return -EINVAL;
	if (plus) {
		integ = xfrm_alg_lookup(plus + 1);
		if (!integ || integ->kind != XFRM_ALG_AUTH)
			return -EINVAL;
	}
	if ((enc->kind == XFRM_ALG_AEAD) != (integ == NULL))
		return -EINVAL; /* AEAD alone, a cipher only with integrity */
	*ret_enc = enc;
	*ret_integ = integ;
	return 0;
}

void kplane_sa_keys_wipe(struct kplane_sa_keys *keys)
{
	OPENSSL_cleanse(keys, sizeof(*keys));
}

int kplane_sa_fill(struct xfrm_sa *sa, struct kplane_sa_keys *keys, const struct in_addr *local,
		   const struct in_addr *remote, uint32_t key, int dir, uint32_t spi,
		   uint32_t reqid, const char *alg, const char *seed, uint32_t replay_window)
{
	const struct xfrm_alg_desc *enc, *integ;
	int r;

	r = kplane_alg_parse(alg, &enc, &integ);
	if (r < 0)
		return r;
	memset(sa, 0, sizeof(*sa));
	sa->family = AF_INET;
	sa->src.v4 = dir == XFRM_POLICY_OUT ? *local : *remote;
	sa->dst.v4 = dir == XFRM_POLICY_OUT ? *remote : *local;
	sa->spi = spi;
	sa->reqid = reqid;
	sa->mode = XFRM_MODE_TUNNEL;
	sa->enc = enc;
	sa->enc_key = keys->enc;
	sa->enc_key_len = enc->key_len;
	r = kplane_derive_key(seed, spi, "enc", keys->enc, enc->key_len);
	if (r == 0 && integ) {
		sa->integ = integ;
		sa->integ_key = keys->integ;
		sa->integ_key_len = integ->key_len;
		r = kplane_derive_key(seed, spi, "integ", keys->integ, integ->key_len);
	}
	sa->mark.v = key;
	sa->mark.m = 0xffffffff;
	sa->replay_window = replay_window;
	return r;
}

/* The three policies of a route-based VTI: 0.0.0.0/0 both ways, marked, one ESP template. */
static void policies_fill(struct xfrm_policy pol[3], const struct in_addr *local,
			  const struct in_addr *remote, uint32_t key, uint32_t reqid)
{
	static const uint8_t dirs[3] = { XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD };

	for (size_t i = 0; i < 3; i++) {
		struct xfrm_policy_tmpl *t = &pol[i].tmpls[0];
		bool out = dirs[i] == XFRM_POLICY_OUT;

		memset(&pol[i], 0, sizeof(pol[i]));
		pol[i].sel.family = AF_INET;
		pol[i].dir = dirs[i];
		pol[i].action = XFRM_POLICY_ALLOW;
		pol[i].mark.v = key;
		pol[i].mark.m = 0xffffffff;
		pol[i].n_tmpls = 1;
		t->family = AF_INET;
		t->src.v4 = out ? *local : *remote;
		t->dst.v4 = out ? *remote : *local;
		t->proto = IPPROTO_ESP;
		t->reqid = reqid;
		t->mode = XFRM_MODE_TUNNEL;
	}
}

static const char *const batch_names[5] = { "SA out", "SA in", "policy out", "policy in",
					    "policy fwd" };

/* Reports the first failed request of a batch by its name. */
static int batch_fail(const char *what, const struct xfrm_error *res, size_t n, int r)
{
	char ctx[96];

	for (size_t i = 0; i < n; i++) {
		if (res[i].err != 0) {
			snprintf(ctx, sizeof(ctx), "%s: %s", what, batch_names[i]);
			return kplane_fail(ctx, res[i].err, res[i].msg);
		}
	}
	return kplane_fail(what, r, NULL);
}

/* Writes VALUE into /proc/sys/net/ipv4/conf/IFNAME/KEY of the current network namespace. */
static int conf_sysctl(const char *ifname, const char *key, const char *value)
{
	char path[128];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

int kplane_tunnel_lookup(struct vti_handle *vh, const char *name, int *ret_ifindex,
			 struct vti_link_params *ret)
{
	struct vti_link_info info;
	struct vti_error err;
	int r;

	r = vti_ifindex(vh, name, ret_ifindex, &err);
	if (r < 0)
		return r;
	r = vti_link_get(vh, *ret_ifindex, &info, &err);
	if (r < 0)
		return r;
	if (!info.is_vti || info.vti.family != AF_INET)
		return -ENOTTY;
	*ret = info.vti;
	return 0;
}

static int vti_part(const struct kplane_opts *o)
{
	struct vti_link_params p = { .family = AF_INET };
	struct vti_handle *vh = NULL;
	struct vti_error err;
	int ifindex, r, rc = 1;
	const char *step;

	snprintf(p.name, sizeof(p.name), "%s", o->name);
	p.local.v4 = o->local;
	p.remote.v4 = o->remote;
	p.ikey = p.okey = o->key;
	r = vti_open(&vh);
	if (r < 0)
		return kplane_fail("vti_open", r, NULL);
	step = "vti_link_create";
	r = vti_link_create(vh, &p, &err);
	if (r == 0) {
		step = "vti_ifindex";
		r = vti_ifindex(vh, o->name, &ifindex, &err);
	}
	if (r < 0)
		goto out_err;
	/* What a route-based VTI needs besides rtnetlink (kernel-lab.md): no policy check on the
	 * VTI itself (its mark selects the SA) and no reverse-path filter. */
	if ((r = conf_sysctl(o->name, "disable_policy", "1")) < 0 ||
	    (r = conf_sysctl(o->name, "rp_filter", "0")) < 0 ||
	    (r = conf_sysctl("all", "rp_filter", "0")) < 0) {
		rc = kplane_fail("sysctl net.ipv4.conf", r, NULL);
		goto out;
	}
	step = "vti_addr_add";
	r = vti_addr_add(vh, ifindex, &o->addr, &err);
	if (r == 0 && o->mtu) {
		step = "vti_link_set_mtu";
		r = vti_link_set_mtu(vh, ifindex, o->mtu, &err);
	}
	if (r == 0) {
		step = "vti_link_set_up";
		r = vti_link_set_up(vh, ifindex, true, &err);
	}
	for (size_t i = 0; r == 0 && i < o->n_routes; i++) {
		struct vti_route rt = { .dst = o->routes[i], .ifindex = ifindex };

		step = "vti_route_add";
		r = vti_route_add(vh, &rt, &err);
	}
	if (r == 0) {
		rc = 0;
		goto out;
	}
out_err:
	rc = kplane_fail(step, r, err.msg);
out:
	vti_close(vh);
	return rc;
}

int kplane_cmd_tunnel_up(const struct kplane_opts *o)
{
	struct kplane_sa_keys keys[2];
	struct xfrm_handle *xh = NULL;
	struct xfrm_batch *b = NULL;
	struct xfrm_policy pol[3];
	struct xfrm_error res[5];
	struct xfrm_sa sa[2];
	int r, rc = 1;

	if (!o->name || !o->has_local || !o->has_remote || !o->has_key || !o->has_addr ||
	    !o->spi_out || !o->spi_in || !o->alg || !o->keyseed || !o->has_reqid) {
		fprintf(stderr, PROG ": tunnel-up needs --name --local --remote --key --addr "
				     "--spi-out --spi-in --alg --keyseed --reqid\n");
		return 2;
	}
	r = kplane_sa_fill(&sa[0], &keys[0], &o->local, &o->remote, o->key, XFRM_POLICY_OUT,
			   o->spi_out, o->reqid, o->alg, o->keyseed, o->replay_window);
	if (r == 0)
		r = kplane_sa_fill(&sa[1], &keys[1], &o->local, &o->remote, o->key, XFRM_POLICY_IN,
				   o->spi_in, o->reqid, o->alg, o->keyseed, o->replay_window);
	if (r < 0) {
		rc = kplane_fail("--alg/--keyseed", r, NULL);
		goto out;
	}
	policies_fill(pol, &o->local, &o->remote, o->key, o->reqid);

	/* The SA pair and the policies in one batch: one sendmsg, one ACK each. */
	r = xfrm_batch_new(&b);
	if (r == 0)
		r = xfrm_batch_sa_add(b, &sa[0]);
	if (r == 0)
		r = xfrm_batch_sa_add(b, &sa[1]);
	kplane_sa_keys_wipe(&keys[0]); /* the batch holds its own copy now */
	kplane_sa_keys_wipe(&keys[1]);
	for (size_t i = 0; r == 0 && i < 3; i++)
		r = xfrm_batch_policy_add(b, &pol[i]);
	if (r < 0) {
		rc = kplane_fail("xfrm_batch", r, NULL);
		goto out;
	}
	r = xfrm_open(&xh);
	if (r < 0) {
		rc = kplane_fail("xfrm_open", r, NULL);
		goto out;
	}
	r = xfrm_batch_send(xh, b, res, 5);
	if (r < 0) {
		rc = batch_fail("xfrm_batch_send", res, 5, r);
		goto out;
	}
	rc = vti_part(o);
out:
	kplane_sa_keys_wipe(&keys[0]);
	kplane_sa_keys_wipe(&keys[1]);
	xfrm_batch_free(b);
	xfrm_close(xh);
	return rc;
}

int kplane_cmd_tunnel_down(const struct kplane_opts *o)
{
	struct vti_link_params p = { 0 };
	struct vti_handle *vh = NULL;
	struct xfrm_handle *xh = NULL;
	struct xfrm_error xerr;
	struct vti_error verr;
	size_t n_pol = 0, n_sa = 0;
	int ifindex, r, rc = 1;

	if (!o->name || !o->has_reqid || o->reqid == 0) {
		fprintf(stderr, PROG ": tunnel-down needs --name and --reqid (non-zero)\n");
		return 2;
	}
	r = xfrm_open(&xh);
	if (r < 0)
		return kplane_fail("xfrm_open", r, NULL);
	/* Our objects only: policies and SAs whose reqid is the tunnel's (never FLUSHSA). */
	r = xfrm_flush_owned(xh, o->reqid, o->reqid, &n_pol, &n_sa, &xerr);
	if (r < 0) {
		rc = kplane_fail("xfrm_flush_owned", r, xerr.msg);
		goto out;
	}
	r = vti_open(&vh);
	if (r < 0) {
		rc = kplane_fail("vti_open", r, NULL);
		goto out;
	}
	r = kplane_tunnel_lookup(vh, o->name, &ifindex, &p);
	if (r == 0)
		r = vti_link_delete(vh, ifindex, &verr);
	if (r < 0) {
		rc = kplane_tunnel_fail(o->name, r);
		goto out;
	}
	printf("tunnel-down %s: deleted %zu policies, %zu SAs, link %d\n", o->name, n_pol, n_sa,
	       ifindex);
	rc = 0;
out:
	vti_close(vh);
	xfrm_close(xh);
	return rc;
}

int kplane_tunnel_fail(const char *name, int err)
{
	if (err == -ENOTTY) {
		fprintf(stderr, PROG ": %s is not an IPv4 VTI\n", name);
		return 1;
	}
	return kplane_fail(name, err, NULL);
}

/* The VTI's endpoints and key, for the SA/policy subcommands. */
static int tunnel_params(const struct kplane_opts *o, struct vti_link_params *ret)
{
	struct vti_handle *vh = NULL;
	int ifindex, r;

	r = vti_open(&vh);
	if (r == 0)
		r = kplane_tunnel_lookup(vh, o->name, &ifindex, ret);
	vti_close(vh);
	return r < 0 ? kplane_tunnel_fail(o->name, r) : 0;
}

int kplane_cmd_sa_add(const struct kplane_opts *o)
{
	struct kplane_sa_keys keys;
	struct vti_link_params p = { 0 };
	struct xfrm_handle *xh = NULL;
	struct xfrm_error err;
	struct xfrm_sa sa;
	uint32_t key;
	int r, rc;

	if (!o->name || o->dir < 0 || !o->spi || !o->alg || !o->keyseed || !o->has_reqid) {
		fprintf(stderr, PROG ": sa-add needs --name --dir --spi --alg --keyseed --reqid\n");
		return 2;
	}
	if (tunnel_params(o, &p) != 0)
		return 1;
	key = o->dir == XFRM_POLICY_OUT ? p.okey : p.ikey;
	r = kplane_sa_fill(&sa, &keys, &p.local.v4, &p.remote.v4, key, o->dir, o->spi, o->reqid,
			   o->alg, o->keyseed, o->replay_window);
	if (r < 0) {
		kplane_sa_keys_wipe(&keys);
		return kplane_fail("--alg/--keyseed", r, NULL);
	}
	r = xfrm_open(&xh);
	if (r == 0)
		r = xfrm_sa_add(xh, &sa, &err);
	else
		err.msg[0] = '\0';
	kplane_sa_keys_wipe(&keys);
	rc = r < 0 ? kplane_fail("xfrm_sa_add", r, err.msg) : 0;
	xfrm_close(xh);
	return rc;
}

int kplane_cmd_sa_del(const struct kplane_opts *o)
{
	struct vti_link_params p = { 0 };
	struct xfrm_handle *xh = NULL;
	struct xfrm_error err = { 0 };
	struct xfrm_sa_id id = { .family = AF_INET, .proto = IPPROTO_ESP };
	int r, rc;

	if (!o->name || o->dir < 0 || !o->spi) {
		fprintf(stderr, PROG ": sa-del needs --name --dir --spi\n");
		return 2;
	}
	if (tunnel_params(o, &p) != 0)
		return 1;
	id.dst.v4 = o->dir == XFRM_POLICY_OUT ? p.remote.v4 : p.local.v4;
	id.spi = o->spi;
	id.mark.v = o->dir == XFRM_POLICY_OUT ? p.okey : p.ikey;
	id.mark.m = 0xffffffff;
	r = xfrm_open(&xh);
	if (r == 0)
		r = xfrm_sa_del(xh, &id, &err);
	rc = r < 0 ? kplane_fail("xfrm_sa_del", r, err.msg) : 0;
	xfrm_close(xh);
	return rc;
}

int kplane_cmd_policy_update(const struct kplane_opts *o)
{
	struct vti_link_params p = { 0 };
	struct xfrm_handle *xh = NULL;
	struct xfrm_batch *b = NULL;
	struct xfrm_policy pol[3];
	struct xfrm_error res[3];
	int r, rc;

	if (!o->name || !o->has_reqid) {
		fprintf(stderr, PROG ": policy-update needs --name --reqid\n");
		return 2;
	}
	if (tunnel_params(o, &p) != 0)
		return 1;
	policies_fill(pol, &p.local.v4, &p.remote.v4, p.okey, o->reqid);
	r = xfrm_batch_new(&b);
	for (size_t i = 0; r == 0 && i < 3; i++)
		r = xfrm_batch_policy_update(b, &pol[i]);
	if (r == 0)
		r = xfrm_open(&xh);
	if (r < 0) {
		rc = kplane_fail("policy-update", r, NULL);
		goto out;
	}
	r = xfrm_batch_send(xh, b, res, 3);
	rc = 0;
	if (r < 0) {
		size_t i = 0;

		while (i < 2 && res[i].err == 0)
			i++;
		rc = kplane_fail(batch_names[2 + i], res[i].err ? res[i].err : r, res[i].msg);
	}
out:
	xfrm_batch_free(b);
	xfrm_close(xh);
	return rc;
}

/* ---- command line ---- */

struct kplane_cmd {
	const char *name;
	int (*fn)(const struct kplane_opts *o);
	const char *usage;
};

static const struct kplane_cmd cmds[] = {
	{ "tunnel-up", kplane_cmd_tunnel_up,
	  "--name IF --local A --remote B --key K --addr A/LEN [--route P/LEN]... --spi-out X "
	  "--spi-in Y --alg ALG --keyseed S --reqid R [--replay-window W] [--mtu M]" },
	{ "tunnel-down", kplane_cmd_tunnel_down, "--name IF --reqid R" },
	{ "sa-add", kplane_cmd_sa_add,
	  "--name IF --dir in|out --spi X --alg ALG --keyseed S --reqid R [--replay-window W]" },
	{ "sa-del", kplane_cmd_sa_del, "--name IF --dir in|out --spi X" },
	{ "policy-update", kplane_cmd_policy_update, "--name IF --reqid R" },
	{ "counters", kplane_cmd_counters, "--name IF [--json]" },
	{ "nft-setup", kplane_cmd_nft_setup, "[--peer A]..." },
	{ "nft-counters", kplane_cmd_nft_counters, "[--json]" },
	{ "nft-remove", kplane_cmd_nft_remove, "" },
	{ "udp-send", kplane_cmd_udp_send,
	  "--dst A --port P [--src A] [--sport P] [--count N] [--payload ike|esp|keepalive]" },
	{ "bench", kplane_cmd_bench, "N --mode batch|single [--reqid-base R] [--alg ALG]" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " COMMAND [OPTIONS]\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-14s %s\n", cmds[i].name, cmds[i].usage);
	fprintf(f, "ALG: aes-gcm-128|aes-gcm-256|chacha20-poly1305 or aes-cbc-N+hmac-sha256 ...\n");
}

static bool parse_u32(const char *s, uint32_t *ret)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

static bool parse_prefix(const char *s, struct vti_prefix *ret)
{
	char buf[INET_ADDRSTRLEN + 4];
	const char *slash = strchr(s, '/');
	uint32_t len;

	if (!slash || (size_t)(slash - s) >= INET_ADDRSTRLEN || !parse_u32(slash + 1, &len) ||
	    len > 32)
		return false;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	memset(ret, 0, sizeof(*ret));
	ret->family = AF_INET;
	ret->len = (uint8_t)len;
	return inet_pton(AF_INET, buf, &ret->addr.v4) == 1;
}

enum {
	OPT_NAME = 256,
	OPT_LOCAL,
	OPT_REMOTE,
	OPT_KEY,
	OPT_ADDR,
	OPT_ROUTE,
	OPT_SPI_OUT,
	OPT_SPI_IN,
	OPT_SPI,
	OPT_ALG,
	OPT_KEYSEED,
	OPT_REQID,
	OPT_REPLAY,
	OPT_DIR,
	OPT_JSON,
	OPT_PEER,
	OPT_DST,
	OPT_SRC,
	OPT_PORT,
	OPT_SPORT,
	OPT_COUNT,
	OPT_PAYLOAD,
	OPT_MODE,
	OPT_REQID_BASE,
	OPT_MTU,
};

static const struct option long_opts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "local", required_argument, NULL, OPT_LOCAL },
	{ "remote", required_argument, NULL, OPT_REMOTE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "route", required_argument, NULL, OPT_ROUTE },
	{ "spi-out", required_argument, NULL, OPT_SPI_OUT },
	{ "spi-in", required_argument, NULL, OPT_SPI_IN },
	{ "spi", required_argument, NULL, OPT_SPI },
	{ "alg", required_argument, NULL, OPT_ALG },
	{ "keyseed", required_argument, NULL, OPT_KEYSEED },
	{ "reqid", required_argument, NULL, OPT_REQID },
	{ "replay-window", required_argument, NULL, OPT_REPLAY },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "payload", required_argument, NULL, OPT_PAYLOAD },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "reqid-base", required_argument, NULL, OPT_REQID_BASE },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One option into o; false (with a message) when its value is invalid. */
static bool parse_opt(int c, const char *arg, struct kplane_opts *o)
{
	uint32_t v = 0;
	bool ok = true;

	switch (c) {
	case OPT_NAME:
		ok = strlen(arg) > 0 && strlen(arg) < IFNAMSIZ;
		o->name = arg;
		break;
	case OPT_LOCAL:
		ok = o->has_local = inet_pton(AF_INET, arg, &o->local) == 1;
		break;
	case OPT_REMOTE:
		ok = o->has_remote = inet_pton(AF_INET, arg, &o->remote) == 1;
		break;
	case OPT_DST:
		ok = o->has_dst = inet_pton(AF_INET, arg, &o->dst) == 1;
		break;
	case OPT_SRC:
		ok = o->has_src = inet_pton(AF_INET, arg, &o->src) == 1;
		break;
	case OPT_KEY:
		ok = o->has_key = parse_u32(arg, &o->key) && o->key != 0;
		break;
	case OPT_ADDR:
		ok = o->has_addr = parse_prefix(arg, &o->addr);
		break;
	case OPT_ROUTE:
		ok = o->n_routes < KPLANE_ROUTES_MAX && parse_prefix(arg, &o->routes[o->n_routes]);
		o->n_routes += ok;
		break;
	case OPT_SPI_OUT:
		ok = parse_u32(arg, &o->spi_out) && o->spi_out >= 256;
		break;
	case OPT_SPI_IN:
		ok = parse_u32(arg, &o->spi_in) && o->spi_in >= 256;
		break;
	case OPT_SPI:
		ok = parse_u32(arg, &o->spi) && o->spi >= 256;
		break;
	case OPT_ALG:
		o->alg = arg;
		break;
	case OPT_KEYSEED:
		ok = strlen(arg) > 0;
		o->keyseed = arg;
		break;
	case OPT_REQID:
		ok = o->has_reqid = parse_u32(arg, &o->reqid);
		break;
	case OPT_REPLAY:
		ok = parse_u32(arg, &o->replay_window) &&
		     o->replay_window <= XFRM_REPLAY_WINDOW_MAX;
		break;
	case OPT_DIR:
		o->dir = strcmp(arg, "out") == 0  ? XFRM_POLICY_OUT
			 : strcmp(arg, "in") == 0 ? XFRM_POLICY_IN
						  : -1;
		ok = o->dir >= 0;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_PEER:
		ok = o->n_peers < KPLANE_PEERS_MAX &&
		     inet_pton(AF_INET, arg, &o->peers[o->n_peers].addr.v4) == 1;
		if (ok)
			o->peers[o->n_peers++].family = AF_INET;
		break;
	case OPT_PORT:
	case OPT_SPORT:
		ok = parse_u32(arg, &v) && v > 0 && v <= 65535;
		*(c == OPT_PORT ? &o->port : &o->sport) = (uint16_t)v;
		break;
	case OPT_COUNT:
		ok = parse_u32(arg, &v) && v > 0 && v <= 100000;
		o->count = v;
		break;
	case OPT_PAYLOAD:
		o->payload = arg;
		break;
	case OPT_MODE:
		o->mode = arg;
		break;
	case OPT_REQID_BASE:
		ok = parse_u32(arg, &o->reqid_base) && o->reqid_base != 0;
		break;
	case OPT_MTU:
		ok = parse_u32(arg, &v) && v >= 68 && v <= 65535;
		o->mtu = v;
		break;
	default:
		ok = false;
	}
	return ok;
}

int main(int argc, char **argv)
{
	struct kplane_opts o = { .dir = -1, .replay_window = KPLANE_DEFAULT_REPLAY, .count = 1 };
	const struct kplane_cmd *cmd = NULL;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			cmd = &cmds[i];
	if (!cmd) {
		fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: " PROG " %s %s\n", cmd->name, cmd->usage);
			return 0;
		}
		if (c == '?' || !parse_opt(c, optarg, &o)) {
			if (c != '?')
				fprintf(stderr, PROG ": %s: invalid value '%s'\n", cmd->name,
					optarg);
			fprintf(stderr, "usage: " PROG " %s %s\n", cmd->name, cmd->usage);
			return 2;
		}
	}
	if (optind < argc) {
		char *end;

		/* Only bench takes a positional argument: the number of SAs. */
		errno = 0;
		o.n = strtoul(argv[optind], &end, 10);
		if (cmd->fn != kplane_cmd_bench || errno || *end || o.n == 0 || o.n > 1000000 ||
		    optind + 1 < argc) {
			fprintf(stderr, "usage: " PROG " %s %s\n", cmd->name, cmd->usage);
			return 2;
		}
	}
	return cmd->fn(&o);
}
