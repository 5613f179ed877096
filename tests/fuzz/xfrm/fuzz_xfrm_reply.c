/*
 * libFuzzer target for everything xfrm/ reads from the kernel: SA and policy replies, ACKs
 * with extended-ACK TLVs, batch ACK accounting, events through the callbacks, and the
 * /proc/net/xfrm_stat text parser. The input is treated as one received datagram.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "xfrm/xfrm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void on_acquire(const struct xfrm_acquire *acq, void *userdata)
{
	sink += acq->reqid + acq->seq + acq->sel.dport + acq->mark.v;
}

static void on_expire(const struct xfrm_sa_info *sa, bool hard, void *userdata)
{
	sink += sa->spi + hard + sa->counters.bytes + strlen(sa->enc_name);
}

static void on_sa_deleted(const struct xfrm_sa_info *sa, bool own, void *userdata)
{
	sink += sa->spi + own + sa->replay_window + strlen(sa->integ_name);
}

static void on_policy_deleted(const struct xfrm_policy *pol, bool own, void *userdata)
{
	for (size_t i = 0; i < pol->n_tmpls; i++)
		sink += pol->tmpls[i].reqid;
	sink += pol->index + own;
}

static void on_flushed(bool policies, bool own, void *userdata)
{
	sink += policies + own;
}

static const struct xfrm_event_ops ops = {
	.acquire = on_acquire,
	.expire = on_expire,
	.sa_deleted = on_sa_deleted,
	.policy_deleted = on_policy_deleted,
	.flushed = on_flushed,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xfrm_error results[8];
	struct xfrm_stat_table stat;
	const struct nlmsghdr *nlh;
	uint32_t seq_first = 0;
	size_t answered;
	uint8_t *buf;
	int rem;

	if (size > 1 << 20)
		return 0;
	/* A receive buffer is aligned; the fuzzer's data need not be. Exact size for ASan. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	rem = (int)size;
	for (nlh = (const void *)buf; xfrm_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		struct xfrm_sa_info sa;
		struct xfrm_policy pol;
		struct xfrm_error err;
		struct xfrm_event ev;

		if (nlh == (const void *)buf)
			seq_first = nlh->nlmsg_seq;
		if (xfrm_parse_sa(nlh, &sa) == 0)
			sink += sa.spi + strlen(sa.enc_name) + strlen(sa.integ_name);
		if (xfrm_parse_policy(nlh, &pol) == 0)
			sink += pol.n_tmpls;
		if (xfrm_parse_ack(nlh, &err) == 0)
			sink += (uint64_t)err.err + strlen(err.msg);
		if (xfrm_parse_event(nlh, &ev) == 0)
			sink += ev.type;
	}
	xfrm_events_deliver(&ops, NULL, 1234, buf, size);
	for (size_t i = 0; i < 8; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].err = XFRM_ERR_PENDING;
	}
	if (xfrm_acks_parse(buf, size, seq_first, results, 8, &answered) == 0)
		sink += answered;
	if (xfrm_stat_parse((const char *)buf, size, &stat) == 0)
		for (size_t i = 0; i < stat.count; i++)
			sink += stat.entry[i].value + strlen(stat.entry[i].name);
	free(buf);
	return 0;
}
