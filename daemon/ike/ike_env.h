/*
 * What the IKE engines (IKEv1, IKEv2) share with the daemon: the environment they run in
 * (clock, random, send, kernel ops, log), the path of a datagram, and the state they report for
 * the show commands. Neither engine knows the other; the daemon drives both through this.
 */
#ifndef IKEGW_IKE_ENV_H
#define IKEGW_IKE_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "ike_kernel.h"

/* Where a datagram came from / goes to. Port 4500: the transport adds/strips the marker. */
struct ike_path {
	struct config_addr local, remote;
	uint16_t local_port, remote_port;
};

enum ike_log_level {
	IKE_LOG_ERR,
	IKE_LOG_WARNING,
	IKE_LOG_NOTICE, /* tunnel up/down, rekeys: always logged */
	IKE_LOG_INFO,
	IKE_LOG_DEBUG, /* `debug crypto ikev2`: the IOS debug lines */
};

/* One log line with the context the journal gets as fields (NULL/0 when unknown). */
struct ike_log_entry {
	enum ike_log_level level;
	const char *text;   /* "(SPI: 0x..., 0x...) ..." prefix already included */
	const char *tunnel; /* "Tunnel1" */
	const char *peer;   /* "192.168.0.2" */
	const char *profile;
	const char *ike_spi; /* "ispi/rspi" hex */
	const char *event;   /* stable event name for the journal catalog: "tunnel-up",
			      * "tunnel-down", "rekey", "auth-failed", "dpd-dead", or NULL */
};

/*
 * Keys for a Wireshark export (ikegwd --export-keys): what the engines hand over when an IKE SA,
 * an ISAKMP SA or one direction of an ESP SA is established. Every pointer is borrowed for the
 * duration of the call only; the receiver copies what it keeps and the engine wipes its own.
 */
enum ike_key_export_kind {
	IKE_KEYX_IKEV2, /* an IKE SA (initial or rekeyed): SPIs, SK_e/SK_a both ways */
	IKE_KEYX_IKEV1, /* an ISAKMP SA: cookies, the phase-1 cipher key */
	IKE_KEYX_ESP,	/* one direction of an ESP SA, as it went to the kernel */
};

struct ike_key_export {
	enum ike_key_export_kind kind;
	uint8_t ispi[8], rspi[8];	/* IKE SPIs / ISAKMP cookies (not for ESP) */
	uint16_t encr, key_bits, integ; /* IKE SA: WIRE_* IDs (IKEv1: the IKEv2 equivalents) */
	/* IKEv2: SK_ei/SK_er (with the AEAD salt), SK_ai/SK_ar (NULL with AEAD);
	 * IKEv1: ei is the phase-1 cipher key, the others NULL */
	const uint8_t *sk_ei, *sk_er, *sk_ai, *sk_ar;
	size_t enc_len, integ_len;
	const struct ike_kernel_sa *esp; /* IKE_KEYX_ESP: the SA exactly as installed */
};

struct ike_env {
	void *ctx;
	uint64_t (*now)(void *ctx); /* CLOCK_MONOTONIC in microseconds */
	int (*random)(void *ctx, void *buf, size_t len);
	/* Send one IKE message; returns 0 or -errno (the engine retransmits on its timers). */
	int (*send)(void *ctx, const struct ike_path *path, const void *buf, size_t len);
	const struct ike_kernel_ops *kernel;
	void (*log)(void *ctx, const struct ike_log_entry *entry);
	/* Optional: a NAT-T keepalive (RFC 3948 2.3) on the path's UDP 4500 socket. */
	int (*send_keepalive)(void *ctx, const struct ike_path *path);
	/* Optional: the wall clock for certificate validity (NULL: the real time). */
	time_t (*wall)(void *ctx);
	/* Optional, NULL unless the operator asked for a key export (nothing is computed then). */
	void (*export_keys)(void *ctx, const struct ike_key_export *k);
};

struct ike_child_info {
	uint32_t tunnel_id;
	uint32_t spi_in, spi_out;
	uint16_t encr, key_bits, integ; /* WIRE_* transform IDs */
	bool esn;
	bool udp_encap;
	bool rekeyed;		 /* superseded, being deleted */
	uint64_t established_us; /* monotonic */
	uint64_t lifetime_s;	 /* hard lifetime in seconds */
};

struct ike_sa_info {
	uint8_t version; /* 1: ISAKMP SA (IKEv1), 2: IKE SA */
	/* IKEv1: not an ISAKMP SA but the holder of a tunnel's IPsec SAs whose ISAKMP SA is gone
	 * (they live on until their own lifetime): listed for `show crypto ipsec sa`, never by
	 * `show crypto isakmp sa` */
	bool ike_sa_gone;
	uint64_t id; /* unique, increasing: IOS "Tunnel-id" / conn-id */
	struct ike_path path;
	const char *state; /* IKEv2 "READY", "IN-NEG", "DELETE" ...; IKEv1 "QM_IDLE", "MM_KEY_EXCH" ... */
	bool initiator;
	uint8_t ispi[8], rspi[8];
	const char *profile; /* NULL before the profile is known */
	char local_id[128], remote_id[128];
	uint16_t encr, key_bits, integ, prf, dh_group; /* WIRE_* */
	enum config_auth auth_local, auth_remote;
	uint64_t established_us; /* 0: not established */
	uint32_t lifetime_s;
	bool nat_local, nat_remote; /* behind NAT as detected */
	const struct ike_child_info *children;
	size_t n_children;
};

typedef void (*ike_sa_cb)(void *userdata, const struct ike_sa_info *info);

/* Per tunnel: counters of CHILD_SAs already deleted (they vanish from the kernel), so that the
 * daemon's per-tunnel totals survive rekeys: totals = retired + live SAs' kernel counters. */
struct ike_tunnel_info {
	bool up; /* a CHILD_SA is installed */
	struct ike_kernel_counters retired_in, retired_out;
	uint64_t last_rekey_us; /* monotonic, 0 = never */
	uint64_t rekeys;
	uint64_t dpd_rtt_us; /* the last liveness check's round trip; 0: none measured */
};

#endif /* IKEGW_IKE_ENV_H */
