/*
 * The kernel plane against the running kernel, each test in a fresh network namespace (needs
 * root): the tunnel's policies (replaced in place, removed by teardown, foreign ones kept), SPI
 * allocation and SA install through the IKE ops, the owned-range flush, the refusal to touch a
 * foreign link, the rollback of a failed setup, and our nftables table. Hosts without ESP or
 * VTI (the development machines) take the documented failure branch; the lab VM the other.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "kernel.h"
#include "wire_types.h"

static struct kernel *k;
static struct config *cfg;
static struct kernel_tunnel_plan plan;

static const char conf[] = "hostname r1\n"
			   "interface Tunnel12\n"
			   " ip address 10.0.0.1 255.255.255.252\n"
			   " ip tcp adjust-mss 1360\n"
			   " tunnel source 192.168.0.1\n"
			   " tunnel destination 192.168.0.2\n"
			   "ip route 192.168.200.0 255.255.255.0 Tunnel12\n";

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Output of a shell command (at most size - 1 bytes). */
static void sh_out(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0, r;

	assert_non_null(p);
	while (n + 1 < size && (r = fread(out + n, 1, size - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	pclose(p);
}

static int setup(void **state)
{
	struct config_diag d;
	struct kernel_error err;

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s (these tests need root)\n",
			strerror(errno));
		return -1;
	}
	if (sh("ip link set lo up") != 0 || kernel_open(&k, &err) < 0)
		return -1;
	config_diag_init(&d);
	if (config_load_buffer("t.conf", NULL, conf, strlen(conf), &cfg, &d) < 0)
		return -1;
	config_diag_clear(&d);
	return kernel_tunnel_plan(cfg, cfg->tunnels[0], &plan, &err);
}

static int teardown(void **state)
{
	kernel_tunnel_plan_free(&plan);
	config_free(cfg);
	kernel_close(k);
	k = NULL;
	cfg = NULL;
	return 0;
}

struct pol_count {
	size_t ours, foreign;
	uint8_t dirs; /* bit per direction of ours */
};

static int pol_cb(const struct xfrm_policy *pol, void *arg)
{
	struct pol_count *c = arg;

	if (pol->n_tmpls == 1 && pol->tmpls[0].reqid == 0x4900000c && pol->mark.v == 0x4900000c &&
	    pol->mark.m == 0xffffffff && pol->sel.family == AF_INET) {
		c->ours++;
		c->dirs |= (uint8_t)(1u << pol->dir);
	} else {
		c->foreign++;
	}
	return 0;
}

static struct pol_count policies(void)
{
	struct pol_count c = { 0 };

	assert_int_equal(xfrm_policy_dump(kernel_xfrm(k), pol_cb, &c, NULL), 0);
	return c;
}

static void add_foreign_policy(void)
{
	/* someone else's: reqid 5, outside our range */
	assert_int_equal(sh("ip xfrm policy add dir out mark 5 src 0.0.0.0/0 dst 0.0.0.0/0 "
			    "tmpl src 1.1.1.1 dst 2.2.2.2 proto esp mode tunnel reqid 5"),
			 0);
}

static void kernel_netns_policies(void **state)
{
	struct kernel_error err = { 0 };
	struct pol_count c;
	char out[4096];

	add_foreign_policy();
	assert_int_equal(kernel_tunnel_policies_apply(k, &plan, &err), 0);
	c = policies();
	assert_int_equal(c.ours, 3);
	assert_int_equal(c.dirs, (1u << XFRM_POLICY_IN) | (1u << XFRM_POLICY_OUT) |
					 (1u << XFRM_POLICY_FWD));
	assert_int_equal(c.foreign, 1);
	/* iproute2 as the oracle of what the kernel holds */
	sh_out("ip xfrm policy list dir out", out, sizeof(out));
	assert_non_null(strstr(out, "mark 0x4900000c/0xffffffff"));
	assert_non_null(strstr(out, "tmpl src 192.168.0.1 dst 192.168.0.2"));
	assert_non_null(strstr(out, "reqid 1224736780 mode tunnel"));

	/* applying again replaces ours in place */
	assert_int_equal(kernel_tunnel_policies_apply(k, &plan, &err), 0);
	assert_int_equal(policies().ours, 3);

	/* teardown: ours go, the foreign one stays; no VTI of that name is fine */
	assert_int_equal(kernel_tunnel_teardown(k, 12, "Tunnel12", &err), 0);
	c = policies();
	assert_int_equal(c.ours, 0);
	assert_int_equal(c.foreign, 1);
}

struct sa_find {
	uint32_t spi;
	bool found;
	struct xfrm_sa_info info;
};

static int sa_cb(const struct xfrm_sa_info *sa, void *arg)
{
	struct sa_find *f = arg;

	if (sa->spi == f->spi) {
		f->found = true;
		f->info = *sa;
	}
	return 0;
}

static void kernel_netns_sa_ops(void **state)
{
	const struct ike_kernel_ops *ops = kernel_ike_ops(k);
	struct kernel_flush_counts fc = { 0 };
	struct kernel_error err = { 0 };
	struct ike_kernel_counters cnt;
	struct config_addr local = { .family = AF_INET }, remote = { .family = AF_INET };
	uint8_t ek[32], ik[32];
	struct sa_find f = { 0 };
	char msg[256] = "";
	uint32_t spi = 0;
	int r;

	memset(ek, 0x11, sizeof(ek));
	memset(ik, 0x22, sizeof(ik));
	inet_pton(AF_INET, "192.168.0.1", &local.v4);
	inet_pton(AF_INET, "192.168.0.2", &remote.v4);

	/* inbound SPI: a larval SA towards us with the tunnel's mark and reqid */
	assert_int_equal(ops->spi_alloc(ops->ctx, 12, &remote, &local, &spi), 0);
	assert_true(spi >= KERNEL_SPI_MIN);
	f.spi = spi;
	assert_int_equal(xfrm_sa_dump(kernel_xfrm(k), sa_cb, &f, NULL), 0);
	assert_true(f.found);
	assert_int_equal(f.info.reqid, 0x4900000c);
	assert_int_equal(f.info.mark.v, 0x4900000c);
	assert_int_equal(f.info.mark.m, 0xffffffff);
	assert_int_equal(f.info.mode, XFRM_MODE_TUNNEL);

	{
		struct ike_kernel_sa sa = {
			.tunnel_id = 12,
			.inbound = true,
			.src = remote,
			.dst = local,
			.spi = spi,
			.encr = WIRE_ENCR_AES_CBC,
			.key_bits = 256,
			.integ = WIRE_INTEG_HMAC_SHA2_256_128,
			.enc_key = ek,
			.enc_key_len = 32,
			.integ_key = ik,
			.integ_key_len = 32,
			.replay_window = 64,
		};

		r = ops->sa_add(ops->ctx, &sa, msg, sizeof(msg));
	}
	if (r == 0) {
		/* a kernel with ESP (the lab VM): the SA is complete and counts nothing yet */
		assert_int_equal(ops->sa_counters(ops->ctx, 12, &local, spi, &cnt), 0);
		assert_int_equal(cnt.packets, 0);
		assert_int_equal(cnt.bytes, 0);
		assert_int_equal(ops->sa_del(ops->ctx, 12, &local, spi), 0);
		assert_int_equal(ops->sa_counters(ops->ctx, 12, &local, spi, &cnt), -ESRCH);
	} else {
		/* no esp4 here: the kernel says so and we pass its words on */
		assert_int_equal(r, -EPROTONOSUPPORT);
		assert_string_equal(msg, "xfrm_sa_update: Protocol not supported "
					 "(kernel: Requested type not found)");
	}
	/* deleting an SA that is not there is not an error */
	assert_int_equal(ops->sa_del(ops->ctx, 12, &local, 0x12345678), 0);

	/* the owned-range flush removes the larval SA (if still there) and our policies */
	assert_int_equal(kernel_tunnel_policies_apply(k, &plan, &err), 0);
	add_foreign_policy();
	assert_int_equal(kernel_flush_owned(k, &fc, &err), 0);
	assert_int_equal(fc.policies, 3);
	assert_int_equal(fc.sas, r == 0 ? 0 : 1);
	assert_int_equal(fc.links, 0);
	assert_int_equal(policies().foreign, 1);
	f.found = false;
	assert_int_equal(xfrm_sa_dump(kernel_xfrm(k), sa_cb, &f, NULL), 0);
	assert_false(f.found);
}

static void kernel_netns_tunnel_setup(void **state)
{
	struct kernel_error err = { 0 };
	struct vti_link_info li;
	char out[4096];
	bool have_vti = sh("ip link add vtiprobe type vti key 1 2>/dev/null") == 0;
	int r;

	sh("ip link del vtiprobe 2>/dev/null");
	r = kernel_tunnel_setup(k, &plan, &err);
	if (!have_vti) {
		/* this host: the failure names the step and the kernel's words, nothing is left */
		assert_int_equal(r, -EOPNOTSUPP);
		assert_string_equal(err.msg, "vti_link_create: Operation not supported "
					     "(kernel: Unknown device type)");
		assert_int_equal(policies().ours, 0);
		assert_int_equal(kernel_tunnel_link(k, "Tunnel12", &li, NULL), -ENODEV);
	} else {
		assert_int_equal(r, 0);
		assert_int_equal(kernel_tunnel_link(k, "Tunnel12", &li, NULL), 0);
		assert_true(li.is_vti);
		assert_int_equal(li.vti.ikey, 0x4900000c);
		assert_int_equal(policies().ours, 3);
		sh_out("ip route show 192.168.200.0/24", out, sizeof(out));
		assert_non_null(strstr(out, "dev Tunnel12"));
		sh_out("cat /proc/sys/net/ipv4/conf/Tunnel12/disable_policy", out, sizeof(out));
		assert_string_equal(out, "1\n");
		/* again: the old link is replaced */
		assert_int_equal(kernel_tunnel_setup(k, &plan, &err), 0);
		assert_int_equal(kernel_tunnel_teardown(k, 12, "Tunnel12", &err), 0);
		assert_int_equal(kernel_tunnel_link(k, "Tunnel12", &li, NULL), -ENODEV);
		assert_int_equal(policies().ours, 0);
	}

	/* a link of that name that is not a VTI is not ours: refused, and kept by teardown */
	assert_int_equal(sh("ip link add Tunnel12 type veth peer name p12"), 0);
	assert_int_equal(kernel_tunnel_setup(k, &plan, &err), -EEXIST);
	assert_string_equal(err.msg, "a link named Tunnel12 that is not a VTI exists");
	assert_int_equal(kernel_tunnel_teardown(k, 12, "Tunnel12", &err), 0);
	assert_int_equal(sh("ip link show Tunnel12 >/dev/null"), 0);
}

static void kernel_netns_nft(void **state)
{
	struct kernel_error err = { 0 };
	char out[16384];

	assert_int_equal(kernel_nft_apply(&plan, 1, &err), 0);
	sh_out("nft list table inet ikegw", out, sizeof(out));
	assert_non_null(strstr(out, "192.168.0.2"));
	assert_non_null(strstr(out, "Tunnel12"));
	assert_non_null(strstr(out, "1360"));
	assert_int_equal(kernel_nft_remove(&err), 0);
	sh_out("nft list tables", out, sizeof(out));
	assert_null(strstr(out, "ikegw"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kernel_netns_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_netns_sa_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_netns_tunnel_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_netns_nft, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
