/*
 * Value parsers of the configuration language: IOS keyword abbreviation, numbers,
 * addresses and masks, interface names (`Tu1`, `Tunnel 1`, `gi0/0.70`), DH groups,
 * template placeholders, and the names of the algorithm enums.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

bool cfg_kw_is(const char *word, const char *kw)
{
	size_t n = strlen(word);

	return n > 0 && n <= strlen(kw) && strncasecmp(word, kw, n) == 0;
}

int cfg_kw(const char *word, const char *const *kws)
{
	int found = -1;

	for (int i = 0; kws[i]; i++) {
		if (strcasecmp(word, kws[i]) == 0)
			return i;
		if (cfg_kw_is(word, kws[i]))
			found = found == -1 ? i : -2;
	}
	return found;
}

int cfg_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (const char *q = s; *q; q++) {
		if (*q < '0' || *q > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int cfg_parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *ret)
{
	uint64_t v;
	int r = cfg_parse_u64(s, min, max, &v);

	if (r == 0)
		*ret = (uint32_t)v;
	return r;
}

int cfg_parse_ipv4(const char *s, struct config_addr *ret)
{
	struct config_addr a = { .family = AF_INET };

	if (inet_pton(AF_INET, s, &a.v4) != 1)
		return -EINVAL;
	*ret = a;
	return 0;
}

int cfg_parse_addr(const char *s, struct config_addr *ret)
{
	struct config_addr a = { 0 };

	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, &a.v6) != 1)
			return -EINVAL;
		a.family = AF_INET6;
		*ret = a;
		return 0;
	}
	return cfg_parse_ipv4(s, ret);
}

int cfg_parse_mask(const char *s, uint8_t *ret_len)
{
	struct config_addr a;
	uint32_t m;
	uint8_t len = 0;

	if (cfg_parse_ipv4(s, &a) < 0)
		return -EINVAL;
	m = ntohl(a.v4.s_addr);
	while (len < 32 && (m & (1u << (31 - len))))
		len++;
	if (len < 32 && (m & ((1u << (31 - len)) | ((1u << (31 - len)) - 1))))
		return -EINVAL; /* not contiguous */
	*ret_len = len;
	return 0;
}

int cfg_parse_prefix6(const char *s, struct config_prefix *ret)
{
	const char *slash = strchr(s, '/');
	char buf[INET6_ADDRSTRLEN + 1];
	uint32_t len;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET6, buf, &ret->addr.v6) != 1)
		return -EINVAL;
	if (cfg_parse_uint(slash + 1, 0, 128, &len) < 0)
		return -EINVAL;
	ret->addr.family = AF_INET6;
	ret->len = (uint8_t)len;
	return 0;
}

static uint8_t *addr_bytes(struct config_addr *a, size_t *n)
{
	*n = a->family == AF_INET ? 4 : 16;
	return a->family == AF_INET ? (uint8_t *)&a->v4 : (uint8_t *)&a->v6;
}

bool cfg_prefix_host_bits_zero(const struct config_prefix *p)
{
	struct config_prefix c = *p;

	cfg_prefix_clear_host_bits(&c);
	return cfg_addr_equal(&c.addr, &p->addr);
}

void cfg_prefix_clear_host_bits(struct config_prefix *p)
{
	size_t n;
	uint8_t *b = addr_bytes(&p->addr, &n);

	for (size_t i = 0; i < n; i++) {
		unsigned bit = (unsigned)i * 8;

		if (bit >= p->len)
			b[i] = 0;
		else if (bit + 8 > p->len)
			b[i] &= (uint8_t)(0xff << (8 - (p->len - bit)));
	}
}

bool cfg_addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
	return true;
}

bool cfg_looks_placeholder(const char *w)
{
	const char *lt = strchr(w, '<');
	bool dot = false, xpart = false, part_x = true;
	size_t part_len = 0;

	if (lt && strchr(lt, '>'))
		return true;
	/* X.X, x.x.x.x, 10.X.X.X */
	for (const char *q = w;; q++) {
		if (*q == '.' || *q == '\0') {
			if (part_len && part_x)
				xpart = true;
			if (!*q)
				break;
			dot = true;
			part_len = 0;
			part_x = true;
			continue;
		}
		if (*q == 'x' || *q == 'X') {
			part_len++;
			continue;
		}
		if (!isdigit((unsigned char)*q))
			return false;
		part_len++;
		part_x = false;
	}
	return dot && xpart;
}

/* ---- interface names -------------------------------------------------------------------- */

static const char *const if_types[] = {
	"Tunnel",
	"Loopback",
	"Ethernet",
	"FastEthernet",
	"GigabitEthernet",
	"TenGigabitEthernet",
	"TwentyFiveGigE",
	"FortyGigabitEthernet",
	"HundredGigE",
	"Port-channel",
	"Vlan",
	"Serial",
	"Null",
	"Virtual-Template",
	"Virtual-Access",
	NULL,
};

static bool ifnum_valid(const char *s)
{
	bool digit = false, dot = false;

	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			digit = true;
			continue;
		}
		if (!digit || (*s != '/' && *s != '.') || dot)
			return false;
		if (*s == '.')
			dot = true;
		digit = false;
	}
	return digit;
}

int cfg_parse_ifname(char *const *words, size_t n, char *buf, size_t len, char *err, size_t errlen)
{
	const char *w = words[0], *num;
	char type[64];
	size_t tlen, used = 1;
	int t;

	if (n == 0) {
		snprintf(err, errlen, "missing interface name");
		return -EINVAL;
	}
	for (num = w; *num && !isdigit((unsigned char)*num); num++)
		;
	tlen = (size_t)(num - w);
	if (tlen == 0 || tlen >= sizeof(type)) {
		snprintf(err, errlen, "'%s' is not an interface name", w);
		return -EINVAL;
	}
	memcpy(type, w, tlen);
	type[tlen] = '\0';
	if (!*num) {
		if (n < 2 || !isdigit((unsigned char)words[1][0])) {
			snprintf(err, errlen, "interface %s: missing interface number", w);
			return -EINVAL;
		}
		num = words[1];
		used = 2;
	}
	t = cfg_kw(type, if_types);
	if (t == -2) {
		snprintf(err, errlen, "ambiguous interface type '%s'", type);
		return -EINVAL;
	}
	if (t < 0) {
		snprintf(err, errlen, "unknown interface type '%s'", type);
		return -EINVAL;
	}
	if (!ifnum_valid(num) || strlen(num) > 32) {
		snprintf(err, errlen, "invalid interface number '%s' for %s", num, if_types[t]);
		return -EINVAL;
	}
	if (strcmp(if_types[t], "Virtual-Template") == 0 ||
	    strcmp(if_types[t], "Virtual-Access") == 0) {
		snprintf(err, errlen,
			 "%s%s: dynamic VTIs (Virtual-Template) are not supported: configure one "
			 "interface TunnelN per peer",
			 if_types[t], num);
		return -EPERM;
	}
	if (strcmp(if_types[t], "Tunnel") == 0) {
		uint32_t v;

		if (cfg_parse_uint(num, 0, 2147483647, &v) < 0) {
			snprintf(err, errlen, "invalid tunnel number '%s' (0-2147483647)", num);
			return -EINVAL;
		}
	}
	if (strcmp(if_types[t], "Null") == 0 && strcmp(num, "0") != 0) {
		snprintf(err, errlen, "only interface Null0 exists");
		return -EINVAL;
	}
	if ((size_t)snprintf(buf, len, "%s%s", if_types[t], num) >= len) {
		snprintf(err, errlen, "interface name too long");
		return -EINVAL;
	}
	return (int)used;
}

bool cfg_ifname_is_tunnel(const char *canonical, uint32_t *ret_number)
{
	uint32_t v;

	if (strncmp(canonical, "Tunnel", 6) != 0 ||
	    cfg_parse_uint(canonical + 6, 0, 2147483647, &v) < 0)
		return false;
	if (ret_number)
		*ret_number = v;
	return true;
}

bool cfg_ifname_is_null(const char *canonical)
{
	return strcmp(canonical, "Null0") == 0;
}

/* ---- groups and algorithm names --------------------------------------------------------- */

bool config_dh_group_valid(unsigned g)
{
	static const unsigned valid[] = { 1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31 };

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (valid[i] == g)
			return true;
	return false;
}

int cfg_parse_dh_group(const char *s, uint16_t *ret)
{
	uint32_t v;

	if (cfg_parse_uint(s, 0, 65535, &v) < 0 || !config_dh_group_valid(v))
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int cfg_parse_pfs_group(const char *s, uint16_t *ret)
{
	if (strncasecmp(s, "group", 5) != 0)
		return -EINVAL;
	return cfg_parse_dh_group(s + 5, ret);
}

const char *config_encr_name(enum config_encr e)
{
	switch (e) {
	case CONFIG_ENCR_NONE:
		return "none";
	case CONFIG_ENCR_DES:
		return "des";
	case CONFIG_ENCR_3DES:
		return "3des";
	case CONFIG_ENCR_AES_CBC:
		return "aes-cbc";
	case CONFIG_ENCR_AES_GCM:
		return "aes-gcm";
	case CONFIG_ENCR_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	case CONFIG_ENCR_NULL:
		return "null";
	}
	return "?";
}

const char *config_hash_name(enum config_hash h)
{
	switch (h) {
	case CONFIG_HASH_NONE:
		return "none";
	case CONFIG_HASH_MD5:
		return "md5";
	case CONFIG_HASH_SHA1:
		return "sha1";
	case CONFIG_HASH_SHA256:
		return "sha256";
	case CONFIG_HASH_SHA384:
		return "sha384";
	case CONFIG_HASH_SHA512:
		return "sha512";
	}
	return "?";
}

const char *config_auth_name(enum config_auth a)
{
	switch (a) {
	case CONFIG_AUTH_NONE:
		return "none";
	case CONFIG_AUTH_PSK:
		return "pre-share";
	case CONFIG_AUTH_RSA_SIG:
		return "rsa-sig";
	case CONFIG_AUTH_ECDSA_SIG:
		return "ecdsa-sig";
	}
	return "?";
}

const char *config_addr_str(const struct config_addr *a, char *buf, size_t len)
{
	if (!a->family ||
	    !inet_ntop(a->family,
		       a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6, buf,
		       (socklen_t)len))
		snprintf(buf, len, "none");
	return buf;
}

const char *config_prefix_str(const struct config_prefix *p, char *buf, size_t len)
{
	size_t n;

	config_addr_str(&p->addr, buf, len);
	n = strlen(buf);
	if (p->addr.family && n < len)
		snprintf(buf + n, len - n, "/%u", p->len);
	return buf;
}

int cfg_parse_local(struct cfg_ctx *c, char *const *words, size_t n,
		    struct config_local_address *ret, size_t *ret_used)
{
	char name[96], err[160];
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->line = c->line;
	if (n == 0)
		return -EINVAL;
	if (cfg_parse_addr(words[0], &ret->addr) == 0) {
		*ret_used = 1;
		return 0;
	}
	r = cfg_parse_ifname(words, n, name, sizeof(name), err, sizeof(err));
	if (r < 0)
		return cfg_cmd_error(c, "'%s' is neither an address nor an interface (%s)",
				     words[0], err);
	ret->ifname = cfg_strdup(c->p->arena, name);
	if (!ret->ifname)
		return cfg_oom(c->p);
	*ret_used = (size_t)r;
	return 0;
}
