/*
 * Real-kernel test of xfrm/ in a fresh network namespace (unshare(CLONE_NEWNET), needs root).
 * The host kernel has NETLINK_XFRM but no ESP: policies, SPI allocation, dumps, batches, the
 * ownership flush and events work for real, while adding an ESP SA fails with the kernel's
 * "not found" error, whose extended-ACK text must reach the caller.
 */
#include "xfrm_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static bool netns_ready;

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* lo up with 10.77.0.1/24 on it (so 10.77.0.2 routes out through lo), XFRM allowed on lo. */
static int setup_lo(void)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo:1");
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inet_addr("10.77.0.1");
	if (r == 0 && ioctl(fd, SIOCSIFADDR, &ifr) < 0)
		r = -errno;
	sin->sin_addr.s_addr = inet_addr("255.255.255.0");
	if (r == 0 && ioctl(fd, SIOCSIFNETMASK, &ifr) < 0)
		r = -errno;
	close(fd);
	if (r == 0)
		r = write_file("/proc/sys/net/ipv4/conf/lo/disable_xfrm", "0");
	return r;
}

static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "xfrm_kernel: not root, every test is skipped\n");
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "xfrm_kernel: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	if (setup_lo() < 0) {
		fprintf(stderr, "xfrm_kernel: loopback setup failed\n");
		return -1;
	}
	netns_ready = true;
	return 0;
}

static struct xfrm_handle *open_handle(void)
{
	struct xfrm_handle *h = NULL;

	if (!netns_ready)
		skip();
	assert_int_equal(xfrm_open(&h), 0);
	assert_true(xfrm_portid(h) != 0);
	return h;
}

static struct xfrm_policy policy(const char *src, const char *dst, uint8_t dir, uint32_t reqid)
{
	struct xfrm_policy pol;

	memset(&pol, 0, sizeof(pol));
	pol.sel.family = AF_INET;
	pol.sel.src = ip4(src);
	pol.sel.src_plen = 24;
	pol.sel.dst = ip4(dst);
	pol.sel.dst_plen = 24;
	pol.dir = dir;
	pol.priority = 2000;
	pol.mark.v = 0x11;
	pol.mark.m = 0xffffffff;
	pol.n_tmpls = 1;
	pol.tmpls[0].family = AF_INET;
	pol.tmpls[0].src = ip4("192.0.2.1");
	pol.tmpls[0].dst = ip4("192.0.2.2");
	pol.tmpls[0].reqid = reqid;
	pol.tmpls[0].mode = XFRM_MODE_TUNNEL;
	return pol;
}

struct found {
	struct xfrm_policy pols[512];
	size_t n;
};

static int collect_policy(const struct xfrm_policy *pol, void *userdata)
{
	struct found *f = userdata;

	if (f->n == sizeof(f->pols) / sizeof(f->pols[0]))
		return -E2BIG;
	f->pols[f->n++] = *pol;
	return 0;
}

static const struct xfrm_policy *find_reqid(const struct found *f, uint32_t reqid)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->pols[i].n_tmpls && f->pols[i].tmpls[0].reqid == reqid)
			return &f->pols[i];
	return NULL;
}

static void dump_policies(struct xfrm_handle *h, struct found *f)
{
	struct xfrm_error err;

	f->n = 0;
	assert_int_equal(xfrm_policy_dump(h, collect_policy, f, &err), 0);
	assert_int_equal(err.err, 0);
}

static void test_kernel_policy(void **state)
{
	struct xfrm_handle *h = open_handle();
	static struct found f;
	struct xfrm_policy out = policy("10.1.0.0", "10.2.0.0", XFRM_POLICY_OUT, 0x10001);
	struct xfrm_policy fwd;
	const struct xfrm_policy *got;
	struct xfrm_policy_id id;
	struct xfrm_error err;
	union xfrm_ip want;

	(void)state;
	memset(&fwd, 0, sizeof(fwd));
	fwd.sel.family = AF_INET6;
	fwd.sel.src = ip6("2001:db8:2::");
	fwd.sel.src_plen = 48;
	fwd.sel.dst = ip6("2001:db8:1::");
	fwd.sel.dst_plen = 48;
	fwd.dir = XFRM_POLICY_FWD;
	fwd.priority = 10;
	fwd.n_tmpls = 1;
	fwd.tmpls[0].family = AF_INET6;
	fwd.tmpls[0].src = ip6("2001:db8::2");
	fwd.tmpls[0].dst = ip6("2001:db8::1");
	fwd.tmpls[0].reqid = 0x10002;
	fwd.tmpls[0].mode = XFRM_MODE_TUNNEL;

	assert_int_equal(xfrm_policy_add(h, &out, &err), 0);
	assert_int_equal(err.err, 0);
	assert_int_equal(xfrm_policy_add(h, &fwd, NULL), 0);
	assert_int_equal(xfrm_policy_add(h, &out, &err), -EEXIST);
	assert_int_equal(err.err, -EEXIST);

	dump_policies(h, &f);
	assert_int_equal(f.n, 2);
	got = find_reqid(&f, 0x10001);
	assert_non_null(got);
	assert_int_equal(got->dir, XFRM_POLICY_OUT);
	assert_int_equal(got->priority, 2000);
	assert_int_equal(got->sel.family, AF_INET);
	assert_int_equal(got->sel.dst_plen, 24);
	want = ip4("10.2.0.0");
	assert_memory_equal(&got->sel.dst, &want, sizeof(want));
	assert_int_equal(got->mark.v, 0x11);
	assert_int_equal(got->mark.m, 0xffffffff);
	assert_int_equal(got->n_tmpls, 1);
	assert_int_equal(got->tmpls[0].mode, XFRM_MODE_TUNNEL);
	assert_int_equal(got->tmpls[0].proto, IPPROTO_ESP);
	want = ip4("192.0.2.2");
	assert_memory_equal(&got->tmpls[0].dst, &want, sizeof(want));
	assert_true(got->index != 0);
	assert_int_equal(got->index & 7, XFRM_POLICY_OUT);
	got = find_reqid(&f, 0x10002);
	assert_non_null(got);
	assert_int_equal(got->dir, XFRM_POLICY_FWD);
	assert_int_equal(got->sel.family, AF_INET6);
	assert_int_equal(got->tmpls[0].family, AF_INET6);

	/* Update changes the priority in place. */
	out.priority = 1500;
	assert_int_equal(xfrm_policy_update(h, &out, &err), 0);
	dump_policies(h, &f);
	assert_int_equal(f.n, 2);
	assert_int_equal(find_reqid(&f, 0x10001)->priority, 1500);

	/* Delete by index (from the dump), then by selector. */
	xfrm_policy_to_id(find_reqid(&f, 0x10001), &id);
	assert_int_equal(xfrm_policy_del(h, &id, &err), 0);
	assert_int_equal(xfrm_policy_del(h, &id, &err), -ENOENT);
	memset(&id, 0, sizeof(id));
	id.sel = fwd.sel;
	id.dir = XFRM_POLICY_FWD;
	assert_int_equal(xfrm_policy_del(h, &id, &err), 0);
	dump_policies(h, &f);
	assert_int_equal(f.n, 0);
	xfrm_close(h);
}

static uint8_t key[XFRM_KEY_MAX];

static struct xfrm_sa esp_sa(const char *enc, const char *integ)
{
	struct xfrm_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = AF_INET;
	sa.src = ip4("192.0.2.1");
	sa.dst = ip4("192.0.2.2");
	sa.spi = 0x1234;
	sa.reqid = 0x10001;
	sa.mode = XFRM_MODE_TUNNEL;
	sa.enc = xfrm_alg_lookup(enc);
	sa.enc_key = key;
	sa.enc_key_len = sa.enc->key_len;
	if (integ) {
		sa.integ = xfrm_alg_lookup(integ);
		sa.integ_key = key;
		sa.integ_key_len = sa.integ->key_len;
	}
	sa.replay_window = 64;
	sa.esn = true;
	return sa;
}

/* Without ESP the kernel refuses the SA, and says why. */
static void test_kernel_sa_unsupported(void **state)
{
	struct xfrm_handle *h = open_handle();
	struct xfrm_sa sa = esp_sa("aes-cbc-256", "hmac-sha256");
	struct xfrm_sa_id id;
	struct xfrm_sa_info info;
	struct xfrm_error err;
	int r;

	(void)state;
	assert_int_equal(xfrm_sa_add(h, &sa, &err), -EPROTONOSUPPORT);
	assert_int_equal(err.err, -EPROTONOSUPPORT);
	assert_string_equal(err.msg, "Requested type not found");
	assert_int_equal(xfrm_sa_update(h, &sa, &err), -EPROTONOSUPPORT);
	assert_string_equal(err.msg, "Requested type not found");

	/* AEAD: refused for the missing algorithm or the missing ESP, whichever comes first. */
	sa = esp_sa("aes-gcm-128", NULL);
	sa.udp_encap = true;
	sa.encap_sport = 4500;
	sa.encap_dport = 4500;
	sa.mark.v = 1;
	sa.mark.m = 0xffffffff;
	r = xfrm_sa_add(h, &sa, &err);
	assert_int_equal(r, err.err);
	if (r == -ENOSYS)
		assert_string_equal(err.msg, "Requested AEAD algorithm not found");
	else
		assert_int_equal(r, -EPROTONOSUPPORT);
	if (r == -EPROTONOSUPPORT)
		assert_string_equal(err.msg, "Requested type not found");

	/* Nothing was installed. */
	memset(&id, 0, sizeof(id));
	id.family = AF_INET;
	id.dst = ip4("192.0.2.2");
	id.spi = 0x1234;
	assert_int_equal(xfrm_sa_get(h, &id, &info, &err), -ESRCH);
	assert_int_equal(xfrm_sa_del(h, &id, &err), -ESRCH);
	/* Local validation fails before anything is sent, with no kernel text. */
	sa.spi = 0;
	assert_int_equal(xfrm_sa_add(h, &sa, &err), -EINVAL);
	assert_int_equal(err.err, -EINVAL);
	assert_string_equal(err.msg, "");
	xfrm_close(h);
}

static struct xfrm_spi_req spi_req(const char *dst, uint32_t reqid)
{
	struct xfrm_spi_req req;

	memset(&req, 0, sizeof(req));
	req.family = AF_INET;
	req.src = ip4("192.0.2.1");
	req.dst = ip4(dst);
	req.mode = XFRM_MODE_TUNNEL;
	req.reqid = reqid;
	req.min = 0x1000;
	req.max = 0x1fff;
	return req;
}

static void test_kernel_spi_alloc(void **state)
{
	struct xfrm_handle *h = open_handle();
	struct xfrm_spi_req req = spi_req("192.0.2.50", 0x10005);
	struct xfrm_sa_counters c;
	struct xfrm_sa_info info;
	struct xfrm_error err;
	struct xfrm_sa_id id;
	union xfrm_ip want;
	uint32_t spi = 0;

	(void)state;
	req.mark.v = 7;
	req.mark.m = 0xffffffff;
	assert_int_equal(xfrm_spi_alloc(h, &req, &spi, &err), 0);
	assert_true(spi >= 0x1000 && spi <= 0x1fff);

	memset(&id, 0, sizeof(id));
	id.family = AF_INET;
	id.dst = ip4("192.0.2.50");
	id.spi = spi;
	assert_int_equal(xfrm_sa_get(h, &id, &info, &err), -ESRCH); /* wrong (no) mark */
	id.mark = req.mark;
	assert_int_equal(xfrm_sa_get(h, &id, &info, &err), 0);
	assert_int_equal(info.spi, spi);
	assert_int_equal(info.reqid, 0x10005);
	assert_int_equal(info.proto, IPPROTO_ESP);
	assert_int_equal(info.family, AF_INET);
	assert_int_equal(info.mode, XFRM_MODE_TUNNEL);
	assert_int_equal(info.mark.v, 7);
	want = ip4("192.0.2.1");
	assert_memory_equal(&info.src, &want, sizeof(want));
	assert_int_equal(xfrm_sa_get_counters(h, &id, &c, &err), 0);
	assert_int_equal(c.bytes, 0);
	assert_int_equal(c.packets, 0);
	assert_int_equal(c.integrity_errors, 0);

	/* Bad range: refused locally. */
	req.min = 0;
	assert_int_equal(xfrm_spi_alloc(h, &req, &spi, &err), -EINVAL);

	assert_int_equal(xfrm_sa_del(h, &id, &err), 0);
	assert_int_equal(xfrm_sa_get(h, &id, &info, &err), -ESRCH);
	xfrm_close(h);
}

static void test_kernel_batch(void **state)
{
	struct xfrm_handle *h = open_handle();
	struct xfrm_policy a = policy("10.3.0.0", "10.4.0.0", XFRM_POLICY_OUT, 0x10010);
	struct xfrm_policy b = policy("10.4.0.0", "10.3.0.0", XFRM_POLICY_IN, 0x10010);
	struct xfrm_policy c = policy("10.5.0.0", "10.6.0.0", XFRM_POLICY_OUT, 0x10010);
	struct xfrm_sa sa = esp_sa("aes-cbc-128", "hmac-sha1");
	struct xfrm_spi_req req = spi_req("192.0.2.60", 0x10010);
	static struct xfrm_error res[400];
	static struct found f;
	struct xfrm_policy_id id;
	struct xfrm_batch *batch;

	(void)state;
	assert_int_equal(xfrm_batch_new(&batch), 0);
	assert_int_equal(xfrm_batch_policy_add(batch, &a), 0);
	assert_int_equal(xfrm_batch_policy_add(batch, &b), 0);
	assert_int_equal(xfrm_batch_policy_add(batch, &a), 0);
	assert_int_equal(xfrm_batch_sa_add(batch, &sa), 0);
	xfrm_policy_to_id(&c, &id);
	assert_int_equal(xfrm_batch_policy_del(batch, &id), 0);
	assert_int_equal(xfrm_batch_spi_alloc(batch, &req), 0);
	assert_int_equal(xfrm_batch_count(batch), 6);
	assert_int_equal(xfrm_batch_send(h, batch, res, 6), -EEXIST);
	assert_int_equal(res[0].err, 0);
	assert_int_equal(res[1].err, 0);
	assert_int_equal(res[2].err, -EEXIST);
	assert_int_equal(res[3].err, -EPROTONOSUPPORT);
	assert_string_equal(res[3].msg, "Requested type not found");
	assert_int_equal(res[4].err, -ENOENT);
	assert_int_equal(res[5].err, 0);
	assert_int_equal(xfrm_batch_count(batch), 0);

	/* Many requests, several sends: 300 policies in, then 300 out. */
	for (unsigned int i = 0; i < 300; i++) {
		struct xfrm_policy p = policy("10.8.0.0", "10.9.0.0", XFRM_POLICY_OUT, 0x20000 + i);

		p.sel.dport = (uint16_t)(1000 + i);
		p.sel.proto = IPPROTO_UDP;
		assert_int_equal(xfrm_batch_policy_add(batch, &p), 0);
	}
	assert_int_equal(xfrm_batch_send(h, batch, res, 400), 0);
	for (unsigned int i = 0; i < 300; i++)
		assert_int_equal(res[i].err, 0);
	dump_policies(h, &f);
	assert_int_equal(f.n, 302);
	for (size_t i = 0; i < f.n; i++) {
		xfrm_policy_to_id(&f.pols[i], &id);
		assert_int_equal(xfrm_batch_policy_del(batch, &id), 0);
	}
	assert_int_equal(xfrm_batch_send(h, batch, res, 400), 0);
	dump_policies(h, &f);
	assert_int_equal(f.n, 0);

	/* Too small a result array. */
	assert_int_equal(xfrm_batch_policy_add(batch, &a), 0);
	assert_int_equal(xfrm_batch_send(h, batch, res, 0), -EINVAL);
	assert_int_equal(xfrm_batch_count(batch), 0);
	xfrm_batch_free(batch);
	assert_int_equal(xfrm_flush_owned(h, 0x10010, 0x10010, NULL, NULL, NULL), 0);
	xfrm_close(h);
}

struct sas {
	uint32_t reqids[64];
	size_t n;
};

static int collect_sa(const struct xfrm_sa_info *sa, void *userdata)
{
	struct sas *s = userdata;

	if (s->n < 64)
		s->reqids[s->n++] = sa->reqid;
	return 0;
}

static void test_kernel_flush_owned(void **state)
{
	struct xfrm_handle *h = open_handle();
	static struct found f;
	struct sas s = { 0 };
	struct xfrm_error err;
	size_t np = 99, ns = 99;
	uint32_t spi;

	(void)state;
	assert_int_equal(xfrm_policy_add(h, &(struct xfrm_policy){ 0 }, &err), -EINVAL);
	for (uint32_t i = 0; i < 3; i++) {
		struct xfrm_policy p = policy("10.10.0.0", "10.11.0.0", (uint8_t)i, 0x30000 + i);

		assert_int_equal(xfrm_policy_add(h, &p, &err), 0);
	}
	{
		struct xfrm_policy p = policy("10.12.0.0", "10.13.0.0", XFRM_POLICY_OUT, 5);
		struct xfrm_spi_req r1 = spi_req("192.0.2.70", 0x30001);
		struct xfrm_spi_req r2 = spi_req("192.0.2.71", 0x3ffff);
		struct xfrm_spi_req r3 = spi_req("192.0.2.72", 5);

		assert_int_equal(xfrm_policy_add(h, &p, &err), 0);
		assert_int_equal(xfrm_spi_alloc(h, &r1, &spi, &err), 0);
		assert_int_equal(xfrm_spi_alloc(h, &r2, &spi, &err), 0);
		assert_int_equal(xfrm_spi_alloc(h, &r3, &spi, &err), 0);
	}
	assert_int_equal(xfrm_flush_owned(h, 0, 10, &np, &ns, &err), -EINVAL);
	assert_int_equal(xfrm_flush_owned(h, 0x40000, 0x30000, &np, &ns, &err), -EINVAL);
	assert_int_equal(xfrm_flush_owned(h, 0x30000, 0x3ffff, &np, &ns, &err), 0);
	assert_int_equal(np, 3);
	assert_int_equal(ns, 2);

	/* Only what is not ours is left. */
	dump_policies(h, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.pols[0].tmpls[0].reqid, 5);
	assert_int_equal(xfrm_sa_dump(h, collect_sa, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.reqids[0], 5);

	/* Flushing again finds nothing. */
	assert_int_equal(xfrm_flush_owned(h, 0x30000, 0x3ffff, &np, &ns, &err), 0);
	assert_int_equal(np + ns, 0);
	assert_int_equal(xfrm_flush_owned(h, 5, 5, &np, &ns, &err), 0);
	assert_int_equal(np, 1);
	assert_int_equal(ns, 1);
	xfrm_close(h);
}

struct krec {
	unsigned int acquires, expires, sa_dels, pol_dels;
	struct xfrm_acquire acq;
	struct xfrm_sa_info exp_sa, del_sa;
	bool exp_hard, sa_own, pol_own;
	struct xfrm_policy pol;
};

static void k_acquire(const struct xfrm_acquire *acq, void *userdata)
{
	struct krec *r = userdata;

	r->acq = *acq;
	r->acquires++;
}

static void k_expire(const struct xfrm_sa_info *sa, bool hard, void *userdata)
{
	struct krec *r = userdata;

	r->exp_sa = *sa;
	r->exp_hard = hard;
	r->expires++;
}

static void k_sa_deleted(const struct xfrm_sa_info *sa, bool own, void *userdata)
{
	struct krec *r = userdata;

	r->del_sa = *sa;
	r->sa_own = own;
	r->sa_dels++;
}

static void k_policy_deleted(const struct xfrm_policy *pol, bool own, void *userdata)
{
	struct krec *r = userdata;

	r->pol = *pol;
	r->pol_own = own;
	r->pol_dels++;
}

/* Polls the events fd until *counter reaches want or timeout_ms passes. */
static void wait_for(struct xfrm_events *ev, const unsigned int *counter, unsigned int want,
		     int timeout_ms)
{
	struct pollfd pfd = { .fd = xfrm_events_fd(ev), .events = POLLIN };

	for (int waited = 0; *counter < want && waited < timeout_ms; waited += 100) {
		if (poll(&pfd, 1, 100) > 0)
			assert_int_equal(xfrm_events_dispatch(ev), 0);
	}
	assert_int_equal(*counter, want);
}

static void test_kernel_events(void **state)
{
	struct xfrm_handle *h = open_handle(), *other = NULL;
	const struct xfrm_event_ops ops = { .acquire = k_acquire,
					    .expire = k_expire,
					    .sa_deleted = k_sa_deleted,
					    .policy_deleted = k_policy_deleted };
	struct xfrm_policy pol = policy("10.20.0.0", "10.21.0.0", XFRM_POLICY_OUT, 0x50001);
	struct xfrm_spi_req req = spi_req("192.0.2.80", 0x50001);
	struct xfrm_stat_table st;
	struct xfrm_events *ev = NULL;
	struct xfrm_policy_id pid;
	struct xfrm_sa_id sid;
	struct xfrm_error err;
	struct sockaddr_in to;
	struct krec r;
	uint64_t nostates = 0;
	union xfrm_ip want;
	uint32_t spi;
	int fd;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(xfrm_open(&other), 0);
	assert_int_equal(xfrm_events_open(&ev, h, &ops, &r), 0);
	assert_true(xfrm_events_fd(ev) >= 0);
	assert_int_equal(xfrm_events_dispatch(ev), 0); /* nothing pending */

	/* Policy deleted by us, then by someone else. */
	assert_int_equal(xfrm_policy_add(h, &pol, &err), 0);
	xfrm_policy_to_id(&pol, &pid);
	assert_int_equal(xfrm_policy_del(h, &pid, &err), 0);
	wait_for(ev, &r.pol_dels, 1, 2000);
	assert_true(r.pol_own);
	assert_int_equal(r.pol.tmpls[0].reqid, 0x50001);
	assert_int_equal(r.pol.dir, XFRM_POLICY_OUT);
	assert_int_equal(r.pol.mark.v, 0x11);
	assert_int_equal(xfrm_policy_add(h, &pol, &err), 0);
	assert_int_equal(xfrm_policy_del(other, &pid, &err), 0);
	wait_for(ev, &r.pol_dels, 2, 2000);
	assert_false(r.pol_own);

	/* SA deleted by someone else: identity enough to tell which. */
	assert_int_equal(xfrm_spi_alloc(h, &req, &spi, &err), 0);
	memset(&sid, 0, sizeof(sid));
	sid.family = AF_INET;
	sid.dst = ip4("192.0.2.80");
	sid.spi = spi;
	assert_int_equal(xfrm_sa_del(other, &sid, &err), 0);
	wait_for(ev, &r.sa_dels, 1, 2000);
	assert_false(r.sa_own);
	assert_int_equal(r.del_sa.spi, spi);
	assert_int_equal(r.del_sa.reqid, 0x50001);
	assert_memory_equal(&r.del_sa.dst, &sid.dst, sizeof(sid.dst));

	/* ACQUIRE: a packet to 10.77.0.2 (routed out through lo) hits a policy with no SA.
	 * Larval SAs live one second here, so the EXPIRE follows. */
	assert_int_equal(write_file("/proc/sys/net/core/xfrm_acq_expires", "1"), 0);
	memset(&pol, 0, sizeof(pol));
	pol.sel.family = AF_INET;
	pol.sel.dst = ip4("10.77.0.2");
	pol.sel.dst_plen = 32;
	pol.dir = XFRM_POLICY_OUT;
	pol.n_tmpls = 1;
	pol.tmpls[0].family = AF_INET;
	pol.tmpls[0].src = ip4("10.77.0.1");
	pol.tmpls[0].dst = ip4("10.77.0.2");
	pol.tmpls[0].reqid = 0x50077;
	pol.tmpls[0].mode = XFRM_MODE_TUNNEL;
	assert_int_equal(xfrm_policy_add(h, &pol, &err), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	to.sin_addr.s_addr = inet_addr("10.77.0.2");
	(void)sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
	wait_for(ev, &r.acquires, 1, 3000);
	assert_int_equal(r.acq.family, AF_INET);
	assert_int_equal(r.acq.reqid, 0x50077);
	assert_int_equal(r.acq.proto, IPPROTO_ESP);
	want = ip4("10.77.0.2");
	assert_memory_equal(&r.acq.dst, &want, sizeof(want));
	assert_memory_equal(&r.acq.sel.dst, &want, sizeof(want));
	assert_int_equal(r.acq.sel.proto, IPPROTO_UDP);
	assert_int_equal(r.acq.sel.dport, 9);
	assert_int_equal(r.acq.policy_dir, XFRM_POLICY_OUT);
	assert_true(r.acq.seq != 0);

	/* The global counters saw the packet without a state. */
	assert_int_equal(xfrm_stat_read(NULL, &st), 0);
	assert_int_equal(xfrm_stat_find(&st, "XfrmOutNoStates", &nostates), 0);
	assert_true(nostates >= 1);

	/* Answer the ACQUIRE: an SPI on the larval SA it created. */
	req = spi_req("10.77.0.2", 0x50077);
	req.src = r.acq.src;
	req.acq_seq = r.acq.seq;
	assert_int_equal(xfrm_spi_alloc(h, &req, &spi, &err), 0);
	wait_for(ev, &r.expires, 1, 4000);
	assert_true(r.exp_hard);
	assert_int_equal(r.exp_sa.spi, spi);
	assert_int_equal(r.exp_sa.reqid, 0x50077);

	assert_int_equal(xfrm_flush_owned(h, 0x50000, 0x5ffff, NULL, NULL, &err), 0);
	xfrm_events_close(ev);
	xfrm_close(other);
	xfrm_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_policy),
		cmocka_unit_test(test_kernel_sa_unsupported),
		cmocka_unit_test(test_kernel_spi_alloc),
		cmocka_unit_test(test_kernel_batch),
		cmocka_unit_test(test_kernel_flush_owned),
		cmocka_unit_test(test_kernel_events),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
