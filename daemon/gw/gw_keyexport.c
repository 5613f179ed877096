/*
 * Wireshark key export (gw_keyexport.h). The algorithm names are Wireshark's own, exactly as its
 * UAT value strings spell them (epan/dissectors/packet-isakmp.c for the IKE tables,
 * packet-ipsec.c for esp_sa; checked against tshark 4.0): a name it does not know makes it
 * reject the whole table, so an algorithm without a name here is not written at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "gw_keyexport.h"
#include "wire_types.h"

struct gw_keyexport {
	int dirfd;
	char *dir;
};

static const char *const table_files[] = {
	[GW_KEYX_IKEV2_TABLE] = "ikev2_decryption_table",
	[GW_KEYX_IKEV1_TABLE] = "ikev1_decryption_table",
	[GW_KEYX_ESP_TABLE] = "esp_sa",
};

const char *gw_keyexport_file(enum gw_keyexport_table t)
{
	return table_files[t];
}

/* ---- Wireshark's names ---- */

/* IKEv2 table, encryption: "AES-CBC-256 [RFC3602]", "AES-GCM-128 with 16 octet ICV [RFC5282]" */
static const char *ikev2_encr_name(uint16_t encr, uint16_t key_bits, char *buf, size_t len)
{
	unsigned icv = 0;
	const char *mode;

	if (key_bits != 128 && key_bits != 192 && key_bits != 256 && encr != WIRE_ENCR_3DES &&
	    encr != WIRE_ENCR_NULL)
		return NULL;
	switch (encr) {
	case WIRE_ENCR_3DES:
		return "3DES [RFC2451]";
	case WIRE_ENCR_NULL:
		return "NULL [RFC2410]";
	case WIRE_ENCR_AES_CBC:
		snprintf(buf, len, "AES-CBC-%u [RFC3602]", key_bits);
		return buf;
	case WIRE_ENCR_AES_CTR:
		snprintf(buf, len, "AES-CTR-%u [RFC5930]", key_bits);
		return buf;
	case WIRE_ENCR_AES_GCM_8:
	case WIRE_ENCR_AES_GCM_12:
	case WIRE_ENCR_AES_GCM_16:
		mode = "GCM";
		icv = encr == WIRE_ENCR_AES_GCM_8 ? 8 : encr == WIRE_ENCR_AES_GCM_12 ? 12 : 16;
		break;
	case WIRE_ENCR_AES_CCM_8:
	case WIRE_ENCR_AES_CCM_12:
	case WIRE_ENCR_AES_CCM_16:
		mode = "CCM";
		icv = encr == WIRE_ENCR_AES_CCM_8 ? 8 : encr == WIRE_ENCR_AES_CCM_12 ? 12 : 16;
		break;
	default:
		return NULL;
	}
	snprintf(buf, len, "AES-%s-%u with %u octet ICV [RFC5282]", mode, key_bits, icv);
	return buf;
}

static const char *ikev2_integ_name(uint16_t integ)
{
	switch (integ) {
	case WIRE_INTEG_NONE:
		return "NONE [RFC4306]";
	case WIRE_INTEG_HMAC_MD5_96:
		return "HMAC_MD5_96 [RFC2403]";
	case WIRE_INTEG_HMAC_SHA1_96:
		return "HMAC_SHA1_96 [RFC2404]";
	case WIRE_INTEG_HMAC_MD5_128:
		return "HMAC_MD5_128 [RFC4595]";
	case WIRE_INTEG_HMAC_SHA1_160:
		return "HMAC_SHA1_160 [RFC4595]";
	case WIRE_INTEG_HMAC_SHA2_256_128:
		return "HMAC_SHA2_256_128 [RFC4868]";
	case WIRE_INTEG_HMAC_SHA2_384_192:
		return "HMAC_SHA2_384_192 [RFC4868]";
	case WIRE_INTEG_HMAC_SHA2_512_256:
		return "HMAC_SHA2_512_256 [RFC4868]";
	default:
		return NULL;
	}
}

/* esp_sa, encryption: the key length comes from the key itself; AEAD names carry the ICV. */
static const char *esp_encr_name(uint16_t encr)
{
	switch (encr) {
	case WIRE_ENCR_NULL:
		return "NULL";
	case WIRE_ENCR_3DES:
		return "TripleDES-CBC [RFC2451]";
	case WIRE_ENCR_AES_CBC:
		return "AES-CBC [RFC3602]";
	case WIRE_ENCR_AES_CTR:
		return "AES-CTR [RFC3686]";
	case WIRE_ENCR_AES_GCM_8:
		return "AES-GCM with 8 octet ICV [RFC4106]";
	case WIRE_ENCR_AES_GCM_12:
		return "AES-GCM with 12 octet ICV [RFC4106]";
	case WIRE_ENCR_AES_GCM_16:
		return "AES-GCM with 16 octet ICV [RFC4106]";
	default:
		return NULL;
	}
}

static const char *esp_integ_name(uint16_t integ)
{
	switch (integ) {
	case WIRE_INTEG_NONE:
		return "NULL";
	case WIRE_INTEG_HMAC_MD5_96:
		return "HMAC-MD5-96 [RFC2403]";
	case WIRE_INTEG_HMAC_SHA1_96:
		return "HMAC-SHA-1-96 [RFC2404]";
	case WIRE_INTEG_HMAC_SHA2_256_128:
		return "HMAC-SHA-256-128 [RFC4868]";
	case WIRE_INTEG_HMAC_SHA2_384_192:
		return "HMAC-SHA-384-192 [RFC4868]";
	case WIRE_INTEG_HMAC_SHA2_512_256:
		return "HMAC-SHA-512-256 [RFC4868]";
	default:
		return NULL;
	}
}

/* ---- records ---- */

/* A cursor over buf: appends while there is room, remembers that it ran out. */
struct out {
	char *p;
	size_t len, used;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		o->full = true;
	else
		o->used += (size_t)n;
}

static void put_hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n && !o->full; i++) {
		if (o->len - o->used < 3) {
			o->full = true;
			return;
		}
		o->p[o->used++] = digits[p[i] >> 4];
		o->p[o->used++] = digits[p[i] & 15];
		o->p[o->used] = '\0';
	}
}

static int unsupported(struct out *o, const char *what, unsigned id, unsigned bits)
{
	o->used = 0;
	o->full = false;
	put(o, "no Wireshark name for %s %u", what, id);
	if (bits)
		put(o, " (%u bits)", bits);
	return -EOPNOTSUPP;
}

static int format_ikev2(const struct ike_key_export *k, struct out *o)
{
	char eb[64];
	const char *en = ikev2_encr_name(k->encr, k->key_bits, eb, sizeof(eb));
	const char *in = ikev2_integ_name(k->integ);

	if (!k->sk_ei || !k->sk_er || !k->enc_len || (k->integ_len && (!k->sk_ai || !k->sk_ar)))
		return -EINVAL;
	if (!en)
		return unsupported(o, "IKEv2 encryption", k->encr, k->key_bits);
	if (!in)
		return unsupported(o, "IKEv2 integrity", k->integ, 0);
	put_hex(o, k->ispi, 8);
	put(o, ",");
	put_hex(o, k->rspi, 8);
	put(o, ",");
	put_hex(o, k->sk_ei, k->enc_len);
	put(o, ",");
	put_hex(o, k->sk_er, k->enc_len);
	put(o, ",\"%s\",", en);
	put_hex(o, k->sk_ai, k->integ_len);
	put(o, ",");
	put_hex(o, k->sk_ar, k->integ_len);
	put(o, ",\"%s\"\n", in);
	return GW_KEYX_IKEV2_TABLE;
}

/* Wireshark takes the algorithm from the ISAKMP SA it sees negotiated: cookie and key only. */
static int format_ikev1(const struct ike_key_export *k, struct out *o)
{
	if (!k->sk_ei || !k->enc_len)
		return -EINVAL;
	put_hex(o, k->ispi, 8);
	put(o, ",");
	put_hex(o, k->sk_ei, k->enc_len);
	put(o, "\n");
	return GW_KEYX_IKEV1_TABLE;
}

static int format_esp(const struct ike_kernel_sa *sa, struct out *o)
{
	const char *en, *in;
	char src[64], dst[64];

	if (!sa || sa->src.family != sa->dst.family ||
	    (sa->src.family != AF_INET && sa->src.family != AF_INET6) ||
	    (sa->enc_key_len && !sa->enc_key) || (sa->integ_key_len && !sa->integ_key))
		return -EINVAL;
	en = esp_encr_name(sa->encr);
	in = esp_integ_name(sa->integ);
	if (!en)
		return unsupported(o, "ESP encryption", sa->encr, sa->key_bits);
	if (!in)
		return unsupported(o, "ESP integrity", sa->integ, 0);
	put(o, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x", sa->src.family == AF_INET ? "IPv4" : "IPv6",
	    config_addr_str(&sa->src, src, sizeof(src)),
	    config_addr_str(&sa->dst, dst, sizeof(dst)), sa->spi, en);
	put_hex(o, sa->enc_key, sa->enc_key_len);
	put(o, "\",\"%s\",\"", in);
	if (sa->integ_key_len) {
		put(o, "0x");
		put_hex(o, sa->integ_key, sa->integ_key_len);
	}
	put(o, "\"\n");
	return GW_KEYX_ESP_TABLE;
}

int gw_keyexport_format(const struct ike_key_export *k, char *buf, size_t len)
{
	struct out o = { .p = buf, .len = len };
	int r;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	switch (k->kind) {
	case IKE_KEYX_IKEV2:
		r = format_ikev2(k, &o);
		break;
	case IKE_KEYX_IKEV1:
		r = format_ikev1(k, &o);
		break;
	case IKE_KEYX_ESP:
		r = format_esp(k->esp, &o);
		break;
	default:
		return -EINVAL;
	}
	if (r >= 0 && o.full) {
		OPENSSL_cleanse(buf, len);
		return -ENOSPC;
	}
	return r;
}

/* ---- files ---- */

int gw_keyexport_open(const char *dir, struct gw_keyexport **ret, char *err, size_t errlen)
{
	struct gw_keyexport *kx;
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;

		snprintf(err, errlen, "key export directory %s: %s", dir, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "key export directory %s: not a directory", dir);
		close(fd);
		return -ENOTDIR;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errlen,
			 "key export directory %s is world-writable (mode %04o): refused, anyone "
			 "could replace the tables",
			 dir, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, errlen, "key export directory %s belongs to uid %u, not to us: refused",
			 dir, (unsigned)st.st_uid);
		close(fd);
		return -EPERM;
	}
	kx = calloc(1, sizeof(*kx));
	if (!kx || !(kx->dir = strdup(dir))) {
		free(kx);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	kx->dirfd = fd;
	*ret = kx;
	return 0;
}

void gw_keyexport_close(struct gw_keyexport *kx)
{
	if (!kx)
		return;
	close(kx->dirfd);
	free(kx->dir);
	free(kx);
}

const char *gw_keyexport_dir(const struct gw_keyexport *kx)
{
	return kx->dir;
}

/* One record into its table: opened for each record, so that a table moved away is recreated. */
static int append(struct gw_keyexport *kx, const char *file, const char *line, size_t n,
		  char *err, size_t errlen)
{
	struct stat st;
	ssize_t w;
	int fd, r = 0;

	fd = openat(kx->dirfd, file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s/%s: %s", kx->dir, file, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s/%s: not a regular file", kx->dir, file);
		close(fd);
		return -EINVAL;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0600) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s/%s is mode %04o and cannot be made 0600: %s", kx->dir,
			 file, (unsigned)(st.st_mode & 07777), strerror(-r));
		close(fd);
		return r;
	}
	w = write(fd, line, n);
	if (w < 0)
		r = -errno;
	else if ((size_t)w != n)
		r = -EIO;
	if (r < 0)
		snprintf(err, errlen, "%s/%s: %s", kx->dir, file,
			 r == -EIO ? "short write" : strerror(-r));
	close(fd);
	return r;
}

int gw_keyexport_write(struct gw_keyexport *kx, const struct ike_key_export *k, char *err,
		       size_t errlen)
{
	char line[1024];
	int t, r;

	t = gw_keyexport_format(k, line, sizeof(line));
	if (t < 0) {
		snprintf(err, errlen, "%s",
			 t == -EOPNOTSUPP ? line : t == -ENOSPC ? "record too long" : "bad record");
		OPENSSL_cleanse(line, sizeof(line));
		return t;
	}
	r = append(kx, table_files[t], line, strlen(line), err, errlen);
	OPENSSL_cleanse(line, sizeof(line));
	return r;
}
