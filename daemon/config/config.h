/*
 * ikegw configuration: the public API of the IOS-subset parser and the immutable model it
 * produces. A model is loaded whole (config_load_file/config_load_buffer), never changed
 * afterwards, and freed whole (config_free); a reload swaps one model for another.
 * The language itself is described in docs/configuration.md.
 */
#ifndef IKEGW_CONFIG_H
#define IKEGW_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- diagnostics ------------------------------------------------------------------------- */

enum config_severity {
	CONFIG_SEV_ERROR,
	CONFIG_SEV_WARNING,
};

struct config_diag_entry {
	char *file;    /* as given to the loader */
	unsigned line; /* 1-based; 0 when the problem is not tied to a line */
	enum config_severity severity;
	char *message; /* without "file:line: error: " */
};

/* Diagnostics of one load, in line order (parse and reference errors together). */
struct config_diag {
	struct config_diag_entry *entries;
	size_t n_entries;
	size_t cap;
	size_t n_errors;
	size_t n_warnings;
	bool truncated; /* more than CONFIG_DIAG_MAX entries: the rest were dropped */
};

#define CONFIG_DIAG_MAX 500

void config_diag_init(struct config_diag *d);
void config_diag_clear(struct config_diag *d);
int config_diag_add(struct config_diag *d, const char *file, unsigned line,
		    enum config_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* "file:line: error: message" (snprintf semantics: returns the length it needed). */
int config_diag_format(const struct config_diag_entry *e, char *buf, size_t len);
/* One formatted line per entry on f; returns 0 or -errno. */
int config_diag_print(const struct config_diag *d, FILE *f);

/* ---- values -------------------------------------------------------------------------------- */

struct config_addr {
	int family; /* AF_INET, AF_INET6, or 0 when not set */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct config_prefix {
	struct config_addr addr; /* host bits are zero, except in interface addresses */
	uint8_t len;		 /* masks are converted to prefix lengths */
};

/* Ciphers of IKE proposals and ESP transforms. key_bits: 128/192/256 for AES, 0 otherwise. */
enum config_encr {
	CONFIG_ENCR_NONE,
	CONFIG_ENCR_DES,
	CONFIG_ENCR_3DES,
	CONFIG_ENCR_AES_CBC,
	CONFIG_ENCR_AES_GCM, /* 16-octet ICV (IOS aes-gcm-N / esp-gcm N) */
	CONFIG_ENCR_CHACHA20_POLY1305,
	CONFIG_ENCR_NULL, /* esp-null */
};

struct config_cipher {
	enum config_encr alg;
	uint16_t key_bits;
};

/* Hash / integrity / PRF / ESP authentication algorithm. */
enum config_hash {
	CONFIG_HASH_NONE,
	CONFIG_HASH_MD5,
	CONFIG_HASH_SHA1,
	CONFIG_HASH_SHA256,
	CONFIG_HASH_SHA384,
	CONFIG_HASH_SHA512,
};

enum config_auth {
	CONFIG_AUTH_NONE,
	CONFIG_AUTH_PSK,
	CONFIG_AUTH_RSA_SIG,
	CONFIG_AUTH_ECDSA_SIG,
};
#define CONFIG_AUTH_BIT(a) (1u << (a))

/* Diffie-Hellman groups are kept as IANA numbers; these are the ones accepted. */
bool config_dh_group_valid(unsigned group);

const char *config_encr_name(enum config_encr e);
const char *config_hash_name(enum config_hash h);
const char *config_auth_name(enum config_auth a);

/* IKE identities (local identity of a profile, ID of a keyring peer). */
enum config_id_type {
	CONFIG_ID_NONE, /* not configured: the engine applies the IOS default */
	CONFIG_ID_ADDRESS,
	CONFIG_ID_FQDN,
	CONFIG_ID_EMAIL, /* IKEv1 user-fqdn, IKEv2 email */
	CONFIG_ID_DN,
	CONFIG_ID_KEY_ID,
};

struct config_identity {
	enum config_id_type type;
	struct config_addr addr; /* ADDRESS: the address, or family 0 = the local address */
	const char *value;	 /* FQDN/EMAIL/KEY_ID text; for IKEv1 "self-identity fqdn" the
				  * configuration's FQDN (hostname.domain), NULL if no hostname */
};

/*
 * One `match identity` rule. order is global configuration order over the whole file
 * (all profiles of both versions), so "most specific wins; among equal ones the last
 * configured" can be decided by comparing rules of different profiles.
 */
enum config_match_type {
	CONFIG_MATCH_ADDRESS,	   /* prefix */
	CONFIG_MATCH_FQDN,	   /* exact host name (IKEv1 host X, IKEv2 fqdn X) */
	CONFIG_MATCH_FQDN_DOMAIN,  /* IKEv1 host domain D, IKEv2 fqdn domain D */
	CONFIG_MATCH_EMAIL,	   /* IKEv1 user-fqdn U, IKEv2 email U */
	CONFIG_MATCH_EMAIL_DOMAIN, /* IKEv1 user-fqdn domain D, IKEv2 email domain D */
	CONFIG_MATCH_KEY_ID,	   /* IKEv2 key-id K */
	CONFIG_MATCH_ANY,	   /* IKEv2 match identity remote any */
};

struct config_match_identity {
	enum config_match_type type;
	struct config_prefix prefix; /* ADDRESS */
	const char *value;	     /* the other types */
	unsigned order;
	unsigned line;
};

/* A local address given as an address or as an interface whose address is taken. */
struct config_local_address {
	const char *ifname;	 /* canonical interface name, or NULL when given as address */
	struct config_addr addr; /* resolved at load; family 0 when not configured */
	unsigned line;
};

struct config_sa_lifetime {
	uint32_t seconds;	/* 0: not set here (inherit) */
	uint64_t kilobytes;	/* 0: not set here (inherit) */
	bool kilobytes_disable; /* set security-association lifetime kilobytes disable */
};

/* ---- PKI ------------------------------------------------------------------------------------ */

enum config_revocation {
	CONFIG_REVOCATION_CRL, /* IOS default */
	CONFIG_REVOCATION_NONE,
};

struct config_trustpoint {
	const char *name;
	unsigned line;	/* first `crypto pki trustpoint NAME` line */
	unsigned index; /* definition order, 0-based (ties of enrollment time: later wins) */
	const char *enrollment; /* text after `enrollment`, e.g. "url http://192.168.0.3:80" */
	bool serial_number;
	const char *fqdn;
	const char *ip_address;
	const char *subject_name;
	enum config_revocation revocation;
	/* Linux material (PEM files); relative paths are taken from the config file's directory */
	const char *ca_certificate;
	const char *certificate;
	const char *private_key;
	const char *crl;
};

enum config_tp_usage {
	CONFIG_TP_BOTH, /* sign and verify */
	CONFIG_TP_SIGN,
	CONFIG_TP_VERIFY,
};

/* A trust-point named by a profile (`ca trust-point`, `pki trustpoint`), in configured order. */
struct config_tp_ref {
	const char *name;
	const struct config_trustpoint *tp; /* resolved */
	enum config_tp_usage usage;
	unsigned line;
};

/* ---- IKEv1 ---------------------------------------------------------------------------------- */

struct config_isakmp_policy {
	unsigned priority; /* sorted ascending in config.isakmp_policies */
	unsigned line;
	struct config_cipher encr; /* default des (IOS) */
	enum config_hash hash;	   /* default sha */
	enum config_auth auth;	   /* default rsa-sig */
	uint16_t group;		   /* default 1 */
	uint32_t lifetime;	   /* seconds, default 86400 */
};

/* A pre-shared key for a peer address range or a peer host name. */
struct config_psk {
	struct config_prefix peer; /* family 0 when given by hostname */
	const char *hostname;
	const char *key; /* secret */
	unsigned line;
};

struct config_keyring {
	const char *name;
	unsigned line;
	unsigned index;
	struct config_psk **psks;
	size_t n_psks;
	struct config_local_address local_address;
	const char *description;
};

enum config_keepalive_mode {
	CONFIG_KEEPALIVE_ON_DEMAND, /* IOS default */
	CONFIG_KEEPALIVE_PERIODIC,
};

struct config_isakmp_profile {
	const char *name;
	unsigned line;
	unsigned index; /* definition order */
	const char *description;
	struct config_identity self_identity; /* default ADDRESS (IOS) */
	struct config_tp_ref *ca_trustpoints; /* `ca trust-point`, in order; none = all */
	size_t n_ca_trustpoints;
	struct config_match_identity *matches;
	size_t n_matches;
	const char *keyring_name;
	unsigned keyring_line;
	const struct config_keyring *keyring; /* resolved; NULL when not configured */
	bool initiate_aggressive;
	uint32_t keepalive; /* seconds, 0 = not set */
	uint32_t keepalive_retry;
	struct config_local_address local_address;
};

/* ---- IKEv2 ---------------------------------------------------------------------------------- */

#define CONFIG_MAX_ALGS 8

struct config_ikev2_proposal {
	const char *name;
	unsigned line;
	unsigned index;
	struct config_cipher encr[CONFIG_MAX_ALGS];
	size_t n_encr;
	enum config_hash integ[CONFIG_MAX_ALGS];
	size_t n_integ;
	enum config_hash prf[CONFIG_MAX_ALGS];
	size_t n_prf;
	uint16_t groups[CONFIG_MAX_ALGS];
	size_t n_groups;
};

struct config_proposal_ref {
	const char *name;
	const struct config_ikev2_proposal *proposal; /* resolved */
	unsigned line;
};

struct config_ikev2_policy {
	const char *name;
	unsigned line;
	unsigned index;
	bool match_fvrf_any;
	struct config_addr *match_local; /* `match address local A`, any number */
	size_t n_match_local;
	struct config_proposal_ref *proposals;
	size_t n_proposals;
};

struct config_ikev2_peer {
	const char *name;
	unsigned line;
	struct config_prefix address; /* family 0 when not configured */
	const char *hostname;
	struct config_identity identity;
	const char *psk_local;	/* secret; `pre-shared-key K` sets both */
	const char *psk_remote; /* secret */
	const char *description;
};

struct config_ikev2_keyring {
	const char *name;
	unsigned line;
	unsigned index;
	struct config_ikev2_peer **peers;
	size_t n_peers;
};

enum config_dpd_mode {
	CONFIG_DPD_ON_DEMAND,
	CONFIG_DPD_PERIODIC,
};

struct config_ikev2_profile {
	const char *name;
	unsigned line;
	unsigned index; /* definition order (what `show crypto ikev2 profile` lists) */
	const char *description;
	struct config_match_identity *matches;
	size_t n_matches;
	bool match_fvrf_any;
	struct config_local_address *match_local; /* `match address local A|interface IF` */
	size_t n_match_local;
	struct config_identity local_identity; /* NONE: IOS default (address / dn) */
	enum config_auth local_auth;	       /* NONE when not configured */
	unsigned remote_auth;		       /* CONFIG_AUTH_BIT() set, 0 when not configured */
	struct config_tp_ref *trustpoints;     /* `pki trustpoint`, in order */
	size_t n_trustpoints;
	const char *keyring_name;
	unsigned keyring_line;
	const struct config_ikev2_keyring *keyring; /* resolved; NULL when not configured */
	uint32_t dpd_interval;			    /* 0 = no dpd */
	uint32_t dpd_retry;
	enum config_dpd_mode dpd_mode;
	uint32_t lifetime; /* seconds, default 86400 */
};

/* ---- IPsec ---------------------------------------------------------------------------------- */

enum config_ipsec_mode {
	CONFIG_IPSEC_MODE_TUNNEL,
	CONFIG_IPSEC_MODE_TRANSPORT,
};

struct config_transform_set {
	const char *name;
	unsigned line;
	unsigned index;
	struct config_cipher encr;   /* ESP cipher (CONFIG_ENCR_NULL for esp-null) */
	enum config_hash integ;	     /* HMAC; NONE with AEAD or when none was given */
	enum config_ipsec_mode mode; /* default tunnel */
};

struct config_ts_ref {
	const char *name;
	const struct config_transform_set *ts; /* resolved */
	unsigned line;
};

struct config_ipsec_profile {
	const char *name;
	unsigned line;
	unsigned index;
	const char *description;
	struct config_ts_ref *transform_sets; /* in order; none = IOS default transform sets */
	size_t n_transform_sets;
	const char *isakmp_profile_name; /* at most one of the two profile names is set */
	unsigned isakmp_profile_line;
	const struct config_isakmp_profile *isakmp_profile;
	const char *ikev2_profile_name;
	unsigned ikev2_profile_line;
	const struct config_ikev2_profile *ikev2_profile;
	uint16_t pfs_group;		    /* 0 = no PFS */
	struct config_sa_lifetime lifetime; /* zero fields inherit config.ipsec_lifetime */
};

enum config_df_bit {
	CONFIG_DF_BIT_COPY, /* IOS default */
	CONFIG_DF_BIT_CLEAR,
	CONFIG_DF_BIT_SET,
};

/* ---- interfaces and routes -------------------------------------------------------------- */

enum config_tunnel_mode {
	CONFIG_TUNNEL_IPSEC_IPV4, /* default here (IOS defaults to GRE, which is refused) */
	CONFIG_TUNNEL_IPSEC_IPV6,
};

enum config_initiate {
	CONFIG_INITIATE_ALWAYS, /* default */
	CONFIG_INITIATE_ON_DEMAND,
	CONFIG_INITIATE_NEVER,
};

/*
 * An `interface` block. TunnelN blocks are the VTIs ikegw manages (is_tunnel); the others
 * describe ports the box already has (their addresses serve `tunnel source IFNAME` and
 * `local-address IFNAME`) and are not managed.
 */
struct config_interface {
	const char *name; /* canonical: "Tunnel1", "Ethernet0/0", "GigabitEthernet1" */
	unsigned line;
	unsigned index;
	bool is_tunnel;
	uint32_t tunnel_number; /* N of TunnelN */
	const char *description;
	bool shutdown;
	struct config_prefix ipv4; /* family 0 when none */
	struct config_prefix ipv6; /* family 0 when none */
	uint32_t mtu;		   /* ip mtu; 0 = not set */
	uint32_t adjust_mss;	   /* ip tcp adjust-mss; 0 = not set */

	/* tunnel settings (is_tunnel) */
	const char *source_ifname; /* `tunnel source IFNAME`, canonical; NULL if an address */
	const struct config_interface *source_if; /* resolved */
	struct config_addr source;		  /* the address, given or taken from source_if */
	unsigned source_line;
	struct config_addr destination;
	unsigned destination_line;
	enum config_tunnel_mode mode;
	const char *protection_name; /* `tunnel protection ipsec profile NAME` */
	unsigned protection_line;
	const struct config_ipsec_profile *protection; /* resolved; NULL: unprotected */
	enum config_initiate initiate;
};

enum config_route_kind {
	CONFIG_ROUTE_NEXTHOP,	/* via an address */
	CONFIG_ROUTE_INTERFACE, /* out of an interface (a TunnelN or a port), maybe via nexthop */
	CONFIG_ROUTE_NULL,	/* Null0: blackhole */
};

struct config_route {
	struct config_prefix prefix; /* host bits zero */
	enum config_route_kind kind;
	struct config_addr nexthop;	      /* family 0 when none */
	const char *ifname;		      /* INTERFACE */
	const struct config_interface *iface; /* resolved */
	const char *name;		      /* `name TEXT`, or NULL */
	unsigned line;
};

/* ---- the whole configuration ------------------------------------------------------------ */

struct config_arena;

struct config {
	const char *file;     /* name given to the loader */
	const char *hostname; /* NULL when not configured */
	const char *domain;   /* ip domain name */
	const char *fqdn;     /* hostname.domain, hostname, or NULL */
	bool compat_ios;      /* `crypto compat ios` */

	/* IKEv1 */
	struct config_isakmp_policy **isakmp_policies; /* ascending priority */
	size_t n_isakmp_policies;
	struct config_psk **isakmp_keys; /* `crypto isakmp key` (the global keys) */
	size_t n_isakmp_keys;
	uint32_t isakmp_keepalive;	 /* 0 = off */
	uint32_t isakmp_keepalive_retry; /* default 2 */
	enum config_keepalive_mode isakmp_keepalive_mode;
	uint32_t nat_keepalive; /* 0 = off */
	struct config_keyring **keyrings;
	size_t n_keyrings;
	struct config_isakmp_profile **isakmp_profiles; /* definition order */
	size_t n_isakmp_profiles;

	/* IKEv2 */
	struct config_ikev2_proposal **ikev2_proposals;
	size_t n_ikev2_proposals;
	struct config_ikev2_policy **ikev2_policies;
	size_t n_ikev2_policies;
	struct config_ikev2_keyring **ikev2_keyrings;
	size_t n_ikev2_keyrings;
	struct config_ikev2_profile **ikev2_profiles; /* definition order */
	size_t n_ikev2_profiles;

	/* IPsec */
	struct config_transform_set **transform_sets;
	size_t n_transform_sets;
	struct config_ipsec_profile **ipsec_profiles;
	size_t n_ipsec_profiles;
	struct config_sa_lifetime ipsec_lifetime; /* defaults 3600 s, 4608000 KB */
	uint32_t replay_window;			  /* default 64 */
	enum config_df_bit df_bit;

	/* PKI, in definition order */
	struct config_trustpoint **trustpoints;
	size_t n_trustpoints;

	/* interfaces (all, definition order), tunnels (the TunnelN ones), routes */
	struct config_interface **interfaces;
	size_t n_interfaces;
	struct config_interface **tunnels;
	size_t n_tunnels;
	struct config_route **routes;
	size_t n_routes;

	struct config_arena *arena; /* owns everything above */
};

/* ---- loading ------------------------------------------------------------------------------- */

/*
 * Parse and resolve a configuration. On success *ret is a new model and 0 is returned
 * (diag may hold warnings). On any error *ret is NULL, every problem found is in diag
 * (all of them, not only the first) and -EINVAL is returned; -errno for I/O failures.
 * diag may be NULL. Inputs larger than CONFIG_MAX_INPUT are refused (-EFBIG); a file with
 * more than 200000 objects of one kind (tunnels, routes, profiles...) or 1000 entries in one
 * list (match rules of a profile...) is refused with an error at the line that exceeds it.
 */
#define CONFIG_MAX_INPUT (64u << 20)

int config_load_file(const char *path, struct config **ret, struct config_diag *diag);
/* name is used in diagnostics; base_dir (may be NULL) anchors relative PEM paths. */
int config_load_buffer(const char *name, const char *base_dir, const char *buf, size_t len,
		       struct config **ret, struct config_diag *diag);
/* Frees the whole model and wipes it (it holds pre-shared keys). Accepts NULL. */
void config_free(struct config *cfg);

/* Lookups by name (names are case-sensitive, as on IOS); NULL when absent. */
const struct config_trustpoint *config_find_trustpoint(const struct config *cfg, const char *name);
const struct config_isakmp_profile *config_find_isakmp_profile(const struct config *cfg,
							       const char *name);
const struct config_ikev2_profile *config_find_ikev2_profile(const struct config *cfg,
							     const char *name);
const struct config_ipsec_profile *config_find_ipsec_profile(const struct config *cfg,
							     const char *name);
/* Accepts any spelling IOS would (`Tu1`, `Tunnel 1`, `gi0/0`). */
const struct config_interface *config_find_interface(const struct config *cfg, const char *name);

/* Text helpers for output ("192.168.0.0/24"); buf of at least CONFIG_ADDR_STRLEN. */
#define CONFIG_ADDR_STRLEN (INET6_ADDRSTRLEN + 4)
const char *config_addr_str(const struct config_addr *a, char *buf, size_t len);
const char *config_prefix_str(const struct config_prefix *p, char *buf, size_t len);

#endif /* IKEGW_CONFIG_H */
