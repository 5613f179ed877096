/*
 * The exchange-test harness (xchg.h): engines, virtual clock, packet queue, fake kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <openssl/rand.h>

#include "xchg.h"

struct xpkt {
	struct xpkt *next;
	struct xnode *to;
	struct ike_path path; /* as the receiver sees it */
	size_t len;
	uint8_t data[];
};

static struct xpair *pair_of(struct xnode *n)
{
	/* nodes are the first two members of the pair */
	return n->name[0] == 'A' ? (struct xpair *)((char *)n - offsetof(struct xpair, a))
				 : (struct xpair *)((char *)n - offsetof(struct xpair, b));
}

static uint64_t x_now(void *ctx)
{
	return pair_of(ctx)->now;
}

static time_t x_wall(void *ctx)
{
	time_t w = pair_of(ctx)->wall;

	return w ? w : time(NULL);
}

static int x_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

static void enqueue(struct xpair *p, struct xpkt *k)
{
	k->next = NULL;
	if (p->q_tail)
		p->q_tail->next = k;
	else
		p->q_head = k;
	p->q_tail = k;
}

static int x_send(void *ctx, const struct ike_path *path, const void *buf, size_t len)
{
	struct xnode *n = ctx;
	struct xpair *p = pair_of(n);
	struct xnode *to = n == &p->a ? &p->b : &p->a;
	struct xpkt *k;

	p->n_packets++;
	if (n->drop_out)
		return 0;
	k = malloc(sizeof(*k) + len);
	assert_non_null(k);
	k->next = NULL;
	k->to = to;
	k->path.local = path->remote;
	k->path.remote = path->local;
	k->path.local_port = path->remote_port;
	k->path.remote_port = path->local_port;
	if (p->nat_a && n == &p->a) {
		/* outbound through A's NAT: public source address and port */
		k->path.remote = p->nat_addr;
		k->path.remote_port = (uint16_t)(30000 + path->local_port);
	} else if (p->nat_a) {
		/* inbound through the NAT: only its own mappings get through */
		if (path->remote_port < 30000 || memcmp(&path->remote.v4, &p->nat_addr.v4, 4) != 0)
			return 0;
		k->path.local = p->a.addr;
		k->path.local_port = (uint16_t)(path->remote_port - 30000);
	}
	k->len = len;
	memcpy(k->data, buf, len);
	if (p->hook) {
		enum x_verdict v;

		p->cur = k;
		v = p->hook(p, n, k->data, k->len);
		p->cur = NULL;
		if (v == X_DROP) {
			free(k);
			return 0;
		}
		if (v == X_HOLD) {
			k->next = p->held;
			p->held = k;
			return 0;
		}
	}
	enqueue(p, k);
	return 0;
}

void x_inject(struct xpair *p, const uint8_t *buf, size_t len)
{
	struct xpkt *k = malloc(sizeof(*k) + len);

	assert_non_null(p->cur);
	assert_non_null(k);
	k->next = NULL;
	k->to = p->cur->to;
	k->path = p->cur->path;
	k->len = len;
	memcpy(k->data, buf, len);
	enqueue(p, k);
}

static int x_keepalive(void *ctx, const struct ike_path *path)
{
	struct xnode *n = ctx;

	assert_int_equal(path->local_port, 4500);
	n->n_keepalives++;
	return 0;
}

void x_set_nat(struct xpair *p, const char *addr)
{
	p->nat_a = true;
	p->nat_addr.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, addr, &p->nat_addr.v4), 1);
}

static void x_log(void *ctx, const struct ike_log_entry *l)
{
	struct xnode *n = ctx;

	n->log = realloc(n->log, (n->n_log + 1) * sizeof(*n->log));
	assert_non_null(n->log);
	n->log[n->n_log++] = strdup(l->text);
	if (getenv("XCHG_VERBOSE"))
		fprintf(stderr, "[%s] %s\n", n->name, l->text);
}

/* ---- key export hook ---- */

bool x_export_keys;

static void copy_key(uint8_t *dst, size_t cap, const uint8_t **p, size_t len)
{
	if (!*p)
		return;
	assert_true(len <= cap);
	memcpy(dst, *p, len);
	*p = dst;
}

/* The copies' key pointers point into the record itself: again after it moved. */
static void repoint(struct xk_export *x)
{
	x->k.sk_ei = x->k.sk_ei ? x->ei : NULL;
	x->k.sk_er = x->k.sk_er ? x->er : NULL;
	x->k.sk_ai = x->k.sk_ai ? x->ai : NULL;
	x->k.sk_ar = x->k.sk_ar ? x->ar : NULL;
	x->sa.enc_key = x->sa.enc_key ? x->esp_enc : NULL;
	x->sa.integ_key = x->sa.integ_key ? x->esp_integ : NULL;
}

static void x_export(void *ctx, const struct ike_key_export *k)
{
	struct xnode *n = ctx;
	struct xk_export *v = realloc(n->exports, (n->n_exports + 1) * sizeof(*v)), *x;

	assert_non_null(v);
	n->exports = v;
	for (size_t i = 0; i < n->n_exports; i++)
		repoint(&v[i]);
	x = &v[n->n_exports++];
	memset(x, 0, sizeof(*x));
	x->k = *k;
	copy_key(x->ei, sizeof(x->ei), &x->k.sk_ei, k->enc_len);
	copy_key(x->er, sizeof(x->er), &x->k.sk_er, k->enc_len);
	copy_key(x->ai, sizeof(x->ai), &x->k.sk_ai, k->integ_len);
	copy_key(x->ar, sizeof(x->ar), &x->k.sk_ar, k->integ_len);
	if (k->esp) {
		x->sa = *k->esp;
		copy_key(x->esp_enc, sizeof(x->esp_enc), &x->sa.enc_key, x->sa.enc_key_len);
		copy_key(x->esp_integ, sizeof(x->esp_integ), &x->sa.integ_key,
			 x->sa.integ_key_len);
		x->k.esp = NULL; /* the copy in sa; the engine's struct is gone after the call */
	}
}

size_t x_export_count(const struct xnode *n, enum ike_key_export_kind kind)
{
	size_t c = 0;

	for (size_t i = 0; i < n->n_exports; i++)
		c += n->exports[i].k.kind == kind;
	return c;
}

const struct xk_export *x_export_find(const struct xnode *n, enum ike_key_export_kind kind,
				      size_t idx)
{
	for (size_t i = 0; i < n->n_exports; i++)
		if (n->exports[i].k.kind == kind && idx-- == 0)
			return &n->exports[i];
	return NULL;
}

void x_assert_esp_exported(const struct xnode *n)
{
	size_t checked = 0;

	assert_int_equal(x_export_count(n, IKE_KEYX_ESP), n->n_add);
	for (int i = 0; i < XK_MAX; i++) {
		const struct xk_sa *s = &n->sas[i];
		const struct xk_export *x = NULL;

		if (!s->used)
			continue;
		for (size_t j = 0; j < n->n_exports; j++)
			if (n->exports[j].k.kind == IKE_KEYX_ESP &&
			    n->exports[j].sa.spi == s->sa.spi &&
			    n->exports[j].sa.inbound == s->sa.inbound)
				x = &n->exports[j];
		assert_non_null(x);
		assert_int_equal(x->sa.src.family, s->sa.src.family);
		assert_memory_equal(&x->sa.src.v4, &s->sa.src.v4, 4);
		assert_memory_equal(&x->sa.dst.v4, &s->sa.dst.v4, 4);
		assert_int_equal(x->sa.encr, s->sa.encr);
		assert_int_equal(x->sa.key_bits, s->sa.key_bits);
		assert_int_equal(x->sa.integ, s->sa.integ);
		assert_int_equal(x->sa.enc_key_len, s->sa.enc_key_len);
		assert_memory_equal(x->sa.enc_key, s->enc, s->sa.enc_key_len);
		assert_int_equal(x->sa.integ_key_len, s->sa.integ_key_len);
		if (s->sa.integ_key_len)
			assert_memory_equal(x->sa.integ_key, s->integ, s->sa.integ_key_len);
		checked++;
	}
	assert_true(checked > 0);
}

struct spis_ctx {
	const char *state;
	uint8_t *ispi, *rspi;
	unsigned n;
};

static void spis_cb(void *userdata, const struct ike_sa_info *info)
{
	struct spis_ctx *c = userdata;

	if (strcmp(info->state, c->state) != 0 || info->ike_sa_gone)
		return;
	memcpy(c->ispi, info->ispi, 8);
	memcpy(c->rspi, info->rspi, 8);
	c->n++;
}

bool x_ike_spis(const struct xnode *n, const char *state, uint8_t ispi[8], uint8_t rspi[8])
{
	struct spis_ctx c = { .state = state, .ispi = ispi, .rspi = rspi };

	ikev2_foreach_sa(n->e, spis_cb, &c);
	ikev1_foreach_sa(n->e1, spis_cb, &c);
	return c.n == 1;
}

/* ---- fake kernel ---- */

static int k_spi_alloc(void *ctx, uint32_t tunnel_id, const struct config_addr *src,
		       const struct config_addr *dst, uint32_t *ret_spi)
{
	struct xnode *n = ctx;

	(void)tunnel_id;
	(void)src;
	(void)dst;
	*ret_spi = n->next_spi++;
	return 0;
}

static int k_sa_add(void *ctx, const struct ike_kernel_sa *sa, char *err, size_t errlen)
{
	struct xnode *n = ctx;

	if (n->fail_sa_add) {
		snprintf(err, errlen, "fake kernel says no");
		return -EINVAL;
	}
	for (int i = 0; i < XK_MAX; i++) {
		struct xk_sa *s = &n->sas[i];

		if (s->used)
			continue;
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->sa = *sa;
		assert_true(sa->enc_key_len <= sizeof(s->enc));
		assert_true(sa->integ_key_len <= sizeof(s->integ));
		memcpy(s->enc, sa->enc_key, sa->enc_key_len);
		if (sa->integ_key_len)
			memcpy(s->integ, sa->integ_key, sa->integ_key_len);
		s->sa.enc_key = s->enc;
		s->sa.integ_key = s->integ;
		s->seq = ++pair_of(n)->sa_seq;
		n->n_add++;
		return 0;
	}
	return -ENOSPC;
}

static int k_sa_del(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi)
{
	struct xnode *n = ctx;

	(void)tunnel_id;
	(void)dst;
	for (int i = 0; i < XK_MAX; i++) {
		if (n->sas[i].used && n->sas[i].sa.spi == spi) {
			n->sas[i].used = false;
			n->n_del++;
			return 0;
		}
	}
	return -ESRCH;
}

static int k_sa_counters(void *ctx, uint32_t tunnel_id, const struct config_addr *dst,
			 uint32_t spi, struct ike_kernel_counters *ret)
{
	struct xnode *n = ctx;

	(void)tunnel_id;
	(void)dst;
	for (int i = 0; i < XK_MAX; i++) {
		if (n->sas[i].used && n->sas[i].sa.spi == spi) {
			*ret = n->sas[i].ctr;
			return 0;
		}
	}
	return -ESRCH;
}

static const struct ike_kernel_ops kops_template = {
	.spi_alloc = k_spi_alloc,
	.sa_add = k_sa_add,
	.sa_del = k_sa_del,
	.sa_counters = k_sa_counters,
};

static struct ike_kernel_ops kops_a, kops_b;

static void node_init(struct xnode *n, const char *name, struct config *cfg,
		      struct pki_store *store, const char *addr, struct ike_kernel_ops *ops,
		      uint32_t spi_base)
{
	struct ike_env env = { 0 };

	n->name = name;
	n->cfg = cfg;
	n->store = store;
	n->addr.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, addr, &n->addr.v4), 1);
	n->next_spi = spi_base;
	*ops = kops_template;
	ops->ctx = n;
	env.ctx = n;
	env.now = x_now;
	env.random = x_random;
	env.send = x_send;
	env.send_keepalive = x_keepalive;
	env.kernel = ops;
	env.log = x_log;
	env.wall = x_wall;
	env.export_keys = x_export_keys ? x_export : NULL;
	assert_int_equal(ikev2_new(&env, &n->e), 0);
	ikev2_set_debug(n->e, true);
	assert_int_equal(ikev1_new(&env, &n->e1), 0);
	ikev1_set_debug(n->e1, true);
}

void x_init_cfg(struct xpair *p, struct config *ca, struct pki_store *sa, struct config *cb,
		struct pki_store *sb, const char *addr_a, const char *addr_b)
{
	memset(p, 0, sizeof(*p));
	p->now = 1000000;
	node_init(&p->a, "A", ca, sa, addr_a, &kops_a, 0xa0000001);
	node_init(&p->b, "B", cb, sb, addr_b, &kops_b, 0xb0000001);
	x_export_keys = false;
	assert_int_equal(ikev2_set_config(p->a.e, ca, sa), 0);
	assert_int_equal(ikev2_set_config(p->b.e, cb, sb), 0);
	assert_int_equal(ikev1_set_config(p->a.e1, ca, sa), 0);
	assert_int_equal(ikev1_set_config(p->b.e1, cb, sb), 0);
}

static struct config *load(const char *name, const char *text)
{
	struct config_diag d;
	struct config *c = NULL;

	config_diag_init(&d);
	if (config_load_buffer(name, NULL, text, strlen(text), &c, &d) < 0) {
		config_diag_print(&d, stderr);
		fail_msg("config %s does not load", name);
	}
	config_diag_clear(&d);
	return c;
}

void x_init(struct xpair *p, const char *cfg_a, const char *cfg_b, const char *addr_a,
	    const char *addr_b)
{
	x_init_cfg(p, load("A", cfg_a), NULL, load("B", cfg_b), NULL, addr_a, addr_b);
}

static void node_free(struct xnode *n)
{
	ikev2_free(n->e);
	ikev1_free(n->e1);
	config_free(n->cfg);
	pki_store_free(n->store);
	for (size_t i = 0; i < n->n_log; i++)
		free(n->log[i]);
	free(n->log);
	free(n->exports);
}

void x_free(struct xpair *p)
{
	while (p->q_head) {
		struct xpkt *k = p->q_head;

		p->q_head = k->next;
		free(k);
	}
	while (p->held) {
		struct xpkt *k = p->held;

		p->held = k->next;
		free(k);
	}
	node_free(&p->a);
	node_free(&p->b);
}

void x_run(struct xpair *p, uint64_t horizon_s)
{
	uint64_t end = p->now + horizon_s * 1000000ull;

	for (int guard = 0; guard < 100000; guard++) {
		uint64_t ta, tb, t;

		if (p->q_head) {
			struct xpkt *k = p->q_head;

			p->q_head = k->next;
			if (!p->q_head)
				p->q_tail = NULL;
			if (k->len > 17 && k->data[17] >> 4 == 1)
				ikev1_input(k->to->e1, &k->path, k->data, k->len);
			else
				ikev2_input(k->to->e, &k->path, k->data, k->len);
			free(k);
			if (p->step_check)
				p->step_check(p);
			continue;
		}
		if (p->held) {
			/* held datagrams go out now, the last held first */
			while (p->held) {
				struct xpkt *k = p->held;

				p->held = k->next;
				enqueue(p, k);
			}
			continue;
		}
		ta = ikev2_next_timeout(p->a.e);
		tb = ikev2_next_timeout(p->b.e);
		t = ta < tb ? ta : tb;
		ta = ikev1_next_timeout(p->a.e1);
		tb = ikev1_next_timeout(p->b.e1);
		t = ta < t ? ta : t;
		t = tb < t ? tb : t;
		if (t == UINT64_MAX || t > end) {
			p->now = end;
			return;
		}
		if (t > p->now)
			p->now = t;
		ikev2_run_timers(p->a.e);
		ikev2_run_timers(p->b.e);
		ikev1_run_timers(p->a.e1);
		ikev1_run_timers(p->b.e1);
		if (p->step_check)
			p->step_check(p);
	}
	fail_msg("x_run: no quiescence");
}

const struct xk_sa *x_sa_sending(const struct xnode *n)
{
	const struct xk_sa *best = NULL;

	for (int i = 0; i < XK_MAX; i++)
		if (n->sas[i].used && !n->sas[i].sa.inbound && (!best || n->sas[i].seq > best->seq))
			best = &n->sas[i];
	return best;
}

size_t x_sa_count(const struct xnode *n)
{
	size_t c = 0;

	for (int i = 0; i < XK_MAX; i++)
		c += n->sas[i].used;
	return c;
}

const struct xk_sa *x_sa_find(const struct xnode *n, bool inbound, size_t idx)
{
	for (int i = 0; i < XK_MAX; i++)
		if (n->sas[i].used && n->sas[i].sa.inbound == inbound && idx-- == 0)
			return &n->sas[i];
	return NULL;
}

const struct xk_sa *x_sa_by_spi(const struct xnode *n, uint32_t spi)
{
	for (int i = 0; i < XK_MAX; i++)
		if (n->sas[i].used && n->sas[i].sa.spi == spi)
			return &n->sas[i];
	return NULL;
}

struct count_ctx {
	const char *state;
	size_t n;
};

static void count_cb(void *userdata, const struct ike_sa_info *info)
{
	struct count_ctx *c = userdata;

	if (!c->state || strcmp(info->state, c->state) == 0)
		c->n++;
}

size_t x_ike_count(const struct xnode *n, const char *state)
{
	struct count_ctx c = { .state = state };

	ikev2_foreach_sa(n->e, count_cb, &c);
	ikev1_foreach_sa(n->e1, count_cb, &c);
	return c.n;
}

bool x_log_has(const struct xnode *n, const char *needle)
{
	for (size_t i = 0; i < n->n_log; i++)
		if (strstr(n->log[i], needle))
			return true;
	return false;
}

void x_log_dump(const struct xnode *n)
{
	for (size_t i = 0; i < n->n_log; i++)
		fprintf(stderr, "[%s] %s\n", n->name, n->log[i]);
}

static void assert_same_keys(const struct xk_sa *out, const struct xk_sa *in)
{
	assert_non_null(out);
	assert_non_null(in);
	assert_int_equal(out->sa.spi, in->sa.spi);
	assert_int_equal(out->sa.encr, in->sa.encr);
	assert_int_equal(out->sa.integ, in->sa.integ);
	assert_int_equal(out->sa.enc_key_len, in->sa.enc_key_len);
	assert_memory_equal(out->enc, in->enc, out->sa.enc_key_len);
	assert_int_equal(out->sa.integ_key_len, in->sa.integ_key_len);
	if (out->sa.integ_key_len)
		assert_memory_equal(out->integ, in->integ, out->sa.integ_key_len);
	/* the two directions never share keys */
}

void x_assert_child_pair(const struct xpair *p)
{
	for (size_t i = 0; i < 2; i++) {
		const struct xnode *from = i ? &p->b : &p->a, *to = i ? &p->a : &p->b;

		for (size_t j = 0;; j++) {
			const struct xk_sa *out = x_sa_find(from, false, j);

			if (!out)
				break;
			assert_same_keys(out, x_sa_by_spi(to, out->sa.spi));
			assert_true(x_sa_by_spi(to, out->sa.spi)->sa.inbound);
		}
	}
}
