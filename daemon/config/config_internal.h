/*
 * Internals of the configuration parser shared by its files: the arena, the command tree
 * (one per sub-mode, interpreted by parser.c), the parser state handed to command handlers,
 * and the value parsers of values.c. Not part of the public API.
 */
#ifndef IKEGW_CONFIG_INTERNAL_H
#define IKEGW_CONFIG_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* ---- arena (arena.c) ------------------------------------------------------------------------ */

struct config_arena *cfg_arena_new(void);
void cfg_arena_free(struct config_arena *a);	      /* wipes, then frees; accepts NULL */
void *cfg_alloc(struct config_arena *a, size_t size); /* zeroed; NULL on ENOMEM */
char *cfg_strdup(struct config_arena *a, const char *s);
char *cfg_strndup(struct config_arena *a, const char *s, size_t n);
/*
 * Growable arrays live in the arena without a capacity field: capacity is 4, 8, 16...
 * so an array of n elements needs to grow exactly when n is 0 or a power of two >= 4.
 * cfg_append returns a pointer to a new zeroed last element (and updates *arr, *n), or NULL
 * with errno ENOMEM, or E2BIG when the array already holds CFG_MAX_ITEMS.
 */
void *cfg_append(struct config_arena *a, void *arr_ptr, size_t *n, size_t elem);
#define CFG_APPEND(a, arr, n) ((__typeof__(&(arr)[0]))cfg_append((a), &(arr), &(n), sizeof(*(arr))))
void cfg_remove(void *arr, size_t *n, size_t elem, size_t i);
#define CFG_REMOVE(arr, n, i) cfg_remove((arr), &(n), sizeof(*(arr)), (i))

/* ---- command tree (parser.c) ------------------------------------------------------------- */

enum cfg_mode {
	M_TOP,
	M_ISAKMP_POLICY,
	M_KEYRING,
	M_ISAKMP_PROFILE,
	M_IKEV2_PROPOSAL,
	M_IKEV2_POLICY,
	M_IKEV2_KEYRING,
	M_IKEV2_PEER,
	M_IKEV2_PROFILE,
	M_TRANSFORM_SET,
	M_IPSEC_PROFILE,
	M_TRUSTPOINT,
	M_INTERFACE,
	M__COUNT,
};

#define CFG_MAX_TOKENS 64
#define CFG_MAX_LINE 4096
#define CFG_MAX_DEPTH 4
/* Entries of one array (tunnels, routes, profiles, keys of a keyring...): lookups are linear,
 * so this bounds the work a hostile file can cause. */
#define CFG_MAX_ITEMS 200000
/* Entries of a per-object list (match rules of a profile, its trust-points...). */
#define CFG_MAX_SUBITEMS 1000

struct cfg_parser;
struct cfg_ctx;

struct cfg_cmd {
	const char *kw;
	const struct cfg_cmd *sub; /* children, terminated by an entry with kw == NULL */
	int (*fn)(struct cfg_ctx *c);
	int value;	    /* handed to fn (which variant of a command) */
	const char *refuse; /* refused command: the message saying what to use instead */
	unsigned flags;
};

#define CMD_TEXT 0x1 /* arguments are free text: no placeholder check */

/* A refused command: matching it reports "<keywords>: <message>" and skips its block. */
/* clang-format off */
#define REFUSE(k, m) { .kw = (k), .refuse = (m) }
/* clang-format on */

/* A handler's return value asking to skip the lines indented under this one (refused block) */
#define CFG_SKIP_BLOCK 1

extern const struct cfg_cmd cfg_top_cmds[];
extern const struct cfg_cmd cfg_isakmp_policy_cmds[];
extern const struct cfg_cmd cfg_keyring_cmds[];
extern const struct cfg_cmd cfg_isakmp_profile_cmds[];
extern const struct cfg_cmd cfg_crypto_isakmp_cmds[];
extern const struct cfg_cmd cfg_ikev2_proposal_cmds[];
extern const struct cfg_cmd cfg_ikev2_policy_cmds[];
extern const struct cfg_cmd cfg_ikev2_keyring_cmds[];
extern const struct cfg_cmd cfg_ikev2_peer_cmds[];
extern const struct cfg_cmd cfg_ikev2_profile_cmds[];
extern const struct cfg_cmd cfg_crypto_ikev2_cmds[];
extern const struct cfg_cmd cfg_transform_set_cmds[];
extern const struct cfg_cmd cfg_ipsec_profile_cmds[];
extern const struct cfg_cmd cfg_crypto_ipsec_cmds[];
extern const struct cfg_cmd cfg_trustpoint_cmds[];
extern const struct cfg_cmd cfg_crypto_pki_cmds[];
extern const struct cfg_cmd cfg_interface_cmds[];

/* Which object an open trust-point block belongs to, for the duplicate-definition rule. */
struct cfg_tp_field {
	unsigned line;	/* line that set it; 0 = not set */
	unsigned block; /* line of the `crypto pki trustpoint` that opened that block */
};

enum cfg_tp_field_id {
	TPF_ENROLLMENT,
	TPF_SERIAL,
	TPF_FQDN,
	TPF_IP_ADDRESS,
	TPF_SUBJECT,
	TPF_REVOCATION,
	TPF_CA_CERT,
	TPF_CERT,
	TPF_KEY,
	TPF_CRL,
	TPF__COUNT,
};

/* Parse-time bookkeeping that does not belong in the model. */
struct cfg_tp_state {
	struct config_trustpoint *tp;
	struct cfg_tp_field fields[TPF__COUNT];
	const char *texts[TPF__COUNT]; /* value last given, as written */
};

struct cfg_parser {
	struct config *cfg;
	struct config_arena *arena;
	struct config_diag *diag;
	const char *file;
	const char *base_dir;
	unsigned lineno;
	bool oom;     /* stop: out of memory or too many entries */
	bool too_big; /* ... the latter (already reported) */
	unsigned n_errors;
	unsigned match_order; /* global order of match identity rules */
	struct {
		enum cfg_mode mode;
		void *obj;
		unsigned line; /* line that opened it */
	} stack[CFG_MAX_DEPTH];
	int depth; /* stack[0] is M_TOP */
	/* set by an opening command's handler */
	enum cfg_mode open_mode;
	void *open_obj;
	/* name index (index.c) */
	struct cfg_index_entry *index;
	size_t index_cap, index_used;
	/* trust-point bookkeeping, one per trust-point, in the index under kind &tp_states */
	char tp_states;
};

/* What a command handler gets. */
struct cfg_ctx {
	struct cfg_parser *p;
	const struct cfg_cmd *cmd;
	bool no;     /* the line starts with `no` */
	char **args; /* words after the command's keywords */
	size_t nargs;
	const char *rest;     /* original text from the first argument on ("" if none) */
	const char *cmdtext;  /* the command's keywords as written, e.g. "ip addr" */
	void *obj;	      /* object of the sub-mode the command belongs to */
	unsigned opener_line; /* line that opened that sub-mode */
	unsigned line;
};

int cfg_error(struct cfg_parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reports "'<cmd>': <fmt>" at the current line; returns -EINVAL. */
int cfg_cmd_error(struct cfg_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cfg_oom(struct cfg_parser *p);
/* Argument count check: reports "expected ..." with usage, returns -EINVAL. */
int cfg_usage(struct cfg_ctx *c, const char *usage);
/* Open a sub-mode for obj after this command. */
void cfg_open(struct cfg_ctx *c, enum cfg_mode mode, void *obj);
/*
 * The opener of a named block (`crypto ... NAME`, `[no] KEYWORDS NAME`): arr_field/n is a
 * pointer array of the model (see cfg_named_find) whose structs of `size` bytes start with
 * `const char *name; unsigned line;`. Takes the name from the one argument (else reports
 * "expected '<cmd> NAME'" and opens a scratch object of the sub-mode so that the block's
 * lines are still read, unless `no`); with `no` removes the object ("<what> NAME is not
 * defined" when absent); else finds it or adds a new zeroed one with name and line, then
 * opens `mode` for it. *ret (ret may be NULL): the object this line added, or with `no`
 * removed; NULL when there is none (it existed already, or an error), for callers' defaults.
 */
int cfg_named_block(struct cfg_ctx *c, void *arr_field, size_t *n, size_t size, enum cfg_mode mode,
		    const char *what, void **ret);

int cfg_parse(struct cfg_parser *p, const char *buf, size_t len);
int cfg_resolve(struct cfg_parser *p);

/* ---- values (values.c) --------------------------------------------------------------------- */

/* Case-insensitive keyword choice with IOS abbreviation: index, -1 none, -2 ambiguous. */
int cfg_kw(const char *word, const char *const *kws);
bool cfg_kw_is(const char *word, const char *kw); /* word abbreviates kw (at least 1 char) */
int cfg_parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *ret);
int cfg_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret);
int cfg_parse_addr(const char *s, struct config_addr *ret); /* IPv4 or IPv6 */
int cfg_parse_ipv4(const char *s, struct config_addr *ret);
int cfg_parse_mask(const char *s, uint8_t *ret_len);		 /* dotted mask -> prefix length */
int cfg_parse_prefix6(const char *s, struct config_prefix *ret); /* "2001:db8::/32" */
bool cfg_prefix_host_bits_zero(const struct config_prefix *p);
void cfg_prefix_clear_host_bits(struct config_prefix *p);
bool cfg_addr_equal(const struct config_addr *a, const struct config_addr *b);
bool cfg_looks_placeholder(const char *word);
/*
 * Interface names: TYPE NUMBER as one word or two (`Tunnel 1`), TYPE abbreviated.
 * Consumes 1 or 2 words; writes the canonical name into buf. Returns the number of words
 * used, or -EINVAL (unknown type / bad number) with a message in err, or -EPERM when the
 * type is refused (Virtual-Template) with the message in err.
 */
int cfg_parse_ifname(char *const *words, size_t n, char *buf, size_t len, char *err, size_t errlen);
bool cfg_ifname_is_tunnel(const char *canonical, uint32_t *ret_number);
bool cfg_ifname_is_null(const char *canonical);
int cfg_parse_dh_group(const char *s, uint16_t *ret);  /* "14" */
int cfg_parse_pfs_group(const char *s, uint16_t *ret); /* "group14" */

/* The address part of a `local-address` / `tunnel source` style argument. */
int cfg_parse_local(struct cfg_ctx *c, char *const *words, size_t n,
		    struct config_local_address *ret, size_t *ret_used);

/* `A [MASK]`, `ipv6 P/L`, `P/L` (IPv6) or `A` (IPv6 /128): a peer range, host bits cleared;
 * an IPv4 address without mask is /32, except 0.0.0.0 which is /0. Reports its errors. */
int cfg_parse_peer_prefix(struct cfg_ctx *c, char *const *words, size_t n,
			  struct config_prefix *ret, size_t *ret_used);
/* Rejects type 6/7 (encrypted) keys; consumes an optional leading 0. */
int cfg_parse_key(struct cfg_ctx *c, char *const *words, size_t n, const char **ret_key,
		  size_t *ret_used);

/*
 * Named objects (structs whose first member is `const char *name`) in pointer arrays of the
 * model, e.g. arr_field = &cfg->interfaces: looked up through the parser's name index.
 */
void *cfg_named_find(struct cfg_parser *p, void *arr_field, const char *name);
int cfg_named_add(struct cfg_parser *p, void *arr_field, size_t *n, void *obj);
void cfg_named_remove(struct cfg_parser *p, void *arr_field, size_t *n, const void *obj);
void cfg_ptr_remove(void *arr_field, size_t *n, const void *obj); /* no index */
void cfg_index_free(struct cfg_parser *p);
/* The same index with any key (kept by reference: it must live in the arena). */
void *cfg_index_get(struct cfg_parser *p, const void *kind, const char *key);
int cfg_index_put(struct cfg_parser *p, const void *kind, const char *key, void *obj);
void cfg_index_del(struct cfg_parser *p, const void *kind, const char *key, const void *obj);
/* Linear lookup in a finished model (public config_find_*). */
void *cfg_find_named(void *arr, size_t n, const char *name);

/* Refusal texts shared by several command tables (cmd_top.c). */
extern const char cfg_msg_crypto_map[];
extern const char cfg_msg_vrf[];
extern const char cfg_msg_routing[];
extern const char cfg_msg_acl[];
extern const char cfg_msg_gre[];
extern const char cfg_msg_dmvpn[];
extern const char cfg_msg_nat[];

/* ---- resolving helpers (resolve.c) ------------------------------------------------------- */

struct config_interface *cfg_find_interface_mut(struct cfg_parser *p, const char *canonical);

#endif /* IKEGW_CONFIG_INTERNAL_H */
