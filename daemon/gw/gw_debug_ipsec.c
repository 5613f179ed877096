/*
 * `debug crypto ipsec`: the engines' kernel operations pass through here, and while the
 * category is on each SPI allocation, SA install and SA delete is logged with IOS's words
 * ("IPSEC(create_sa): sa created, ..."). Off, the calls go straight through, unlogged.
 * The engines never know: they were given these ops in place of the kernel's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "gw_internal.h"
#include "gw_show.h"

static struct gw *gw_of(void *ctx)
{
	return ctx;
}

static void sa_words(const struct config_addr *dst, uint32_t spi, uint32_t tunnel_id, char *buf,
		     size_t len)
{
	char a[CONFIG_ADDR_STRLEN];

	snprintf(buf, len, "(sa) sa_dest= %s, sa_proto= 50, sa_spi= 0x%08" PRIX32 "(%" PRIu32
		 "), Tunnel%" PRIu32,
		 config_addr_str(dst, a, sizeof(a)), spi, spi, tunnel_id);
}

/* "IPSEC(FUNC): WHAT, SA-WORDS TAIL" at debug level, with the tunnel's journal field. */
static void log_line(struct gw *gw, uint32_t tunnel_id, const char *func, const char *what,
		     const char *sa, const char *tail)
{
	char tunnel[32];

	snprintf(tunnel, sizeof(tunnel), "Tunnel%" PRIu32, tunnel_id);
	gw_log(&gw->log, LOG_DEBUG, &(struct gw_log_fields){ .tunnel = tunnel },
	       "IPSEC(%s): %s, %s%s", func, what, sa, tail);
}

static int dbg_spi_alloc(void *ctx, uint32_t tunnel_id, const struct config_addr *src,
			 const struct config_addr *dst, uint32_t *ret_spi)
{
	struct gw *gw = gw_of(ctx);
	const struct ike_kernel_ops *k = gw->kops_real;
	int r = k->spi_alloc(k->ctx, tunnel_id, src, dst, ret_spi);
	char s[CONFIG_ADDR_STRLEN], d[CONFIG_ADDR_STRLEN], tunnel[32];

	if (!gw->debug_ipsec)
		return r;
	snprintf(tunnel, sizeof(tunnel), "Tunnel%" PRIu32, tunnel_id);
	config_addr_str(src, s, sizeof(s));
	config_addr_str(dst, d, sizeof(d));
	if (r < 0)
		gw_log(&gw->log, LOG_DEBUG, &(struct gw_log_fields){ .tunnel = tunnel },
		       "IPSEC(spi_response): no spi for SA from %s to %s for prot 3: %s", s, d,
		       strerror(-r));
	else
		gw_log(&gw->log, LOG_DEBUG, &(struct gw_log_fields){ .tunnel = tunnel },
		       "IPSEC(spi_response): getting spi %" PRIu32 " for SA from %s to %s for prot 3",
		       *ret_spi, s, d);
	return r;
}

static int dbg_sa_add(void *ctx, const struct ike_kernel_sa *sa, char *err, size_t errlen)
{
	struct gw *gw = gw_of(ctx);
	const struct ike_kernel_ops *k = gw->kops_real;
	int r = k->sa_add(k->ctx, sa, err, errlen);
	char words[CONFIG_ADDR_STRLEN + 96], trans[64], tail[160];

	if (!gw->debug_ipsec)
		return r;
	sa_words(&sa->dst, sa->spi, sa->tunnel_id, words, sizeof(words));
	snprintf(tail, sizeof(tail), ", sa_trans= %s , %s%s%s",
		 gw_ios_transform(sa->encr, sa->key_bits, sa->integ, trans, sizeof(trans)),
		 sa->inbound ? "inbound" : "outbound", sa->encap_dport ? ", udp-encaps" : "",
		 r < 0 ? ": failed" : "");
	log_line(gw, sa->tunnel_id, "create_sa", r < 0 ? "sa not created" : "sa created",
		 words, tail);
	return r;
}

static int dbg_sa_del(void *ctx, uint32_t tunnel_id, const struct config_addr *dst, uint32_t spi)
{
	struct gw *gw = gw_of(ctx);
	const struct ike_kernel_ops *k = gw->kops_real;
	int r = k->sa_del(k->ctx, tunnel_id, dst, spi);
	char words[CONFIG_ADDR_STRLEN + 96];

	if (!gw->debug_ipsec)
		return r;
	sa_words(dst, spi, tunnel_id, words, sizeof(words));
	log_line(gw, tunnel_id, "delete_sa", "deleting SA", words,
		 r < 0 && r != -ENOENT ? ": failed" : "");
	return r;
}

static int dbg_sa_counters(void *ctx, uint32_t tunnel_id, const struct config_addr *dst,
			   uint32_t spi, struct ike_kernel_counters *ret)
{
	struct gw *gw = gw_of(ctx);
	const struct ike_kernel_ops *k = gw->kops_real;

	return k->sa_counters(k->ctx, tunnel_id, dst, spi, ret);
}

const struct ike_kernel_ops *gw_debug_ipsec_ops(struct gw *gw, const struct ike_kernel_ops *real)
{
	gw->kops_real = real;
	gw->kops_debug = (struct ike_kernel_ops){
		.ctx = gw,
		.spi_alloc = dbg_spi_alloc,
		.sa_add = dbg_sa_add,
		.sa_del = dbg_sa_del,
		.sa_counters = dbg_sa_counters,
	};
	return &gw->kops_debug;
}
