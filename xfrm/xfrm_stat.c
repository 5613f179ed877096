/*
 * Parser for the kernel's global XFRM error counters, /proc/net/xfrm_stat: one "Name value"
 * line per counter (net/xfrm/xfrm_proc.c). Parsing takes a buffer so it is testable and
 * fuzzable; reading the file is a thin wrapper.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "xfrm/xfrm.h"

#define XFRM_STAT_FILE_MAX 16384

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One line without its '\n': NAME BLANKS DIGITS [BLANKS]. */
static int parse_line(const char *s, size_t len, struct xfrm_stat_table *t)
{
	size_t i = 0, name_len;
	uint64_t v = 0;

	while (i < len && is_name_char(s[i]))
		i++;
	name_len = i;
	if (name_len == 0 || name_len >= XFRM_STAT_NAME_MAX)
		return -EBADMSG;
	if (i == len || !is_blank(s[i]))
		return -EBADMSG;
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] < '0' || s[i] > '9')
		return -EBADMSG;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -EBADMSG;
		v = v * 10 + d;
	}
	while (i < len && is_blank(s[i]))
		i++;
	if (i != len)
		return -EBADMSG;
	if (t->count == XFRM_STAT_MAX)
		return -E2BIG;
	memcpy(t->entry[t->count].name, s, name_len);
	t->entry[t->count].name[name_len] = '\0';
	t->entry[t->count].value = v;
	t->count++;
	return 0;
}

int xfrm_stat_parse(const char *buf, size_t len, struct xfrm_stat_table *ret)
{
	size_t pos = 0;

	memset(ret, 0, sizeof(*ret));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		int r = 0;

		if (line_len > 0)
			r = parse_line(buf + pos, line_len, ret);
		if (r < 0) {
			memset(ret, 0, sizeof(*ret));
			return r;
		}
		pos += line_len + (nl ? 1 : 0);
	}
	return 0;
}

int xfrm_stat_read(const char *path, struct xfrm_stat_table *ret)
{
	char buf[XFRM_STAT_FILE_MAX];
	size_t len = 0;
	int fd, r = 0;

	fd = open(path ? path : "/proc/net/xfrm_stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r == 0 && len == sizeof(buf))
		r = -EFBIG;
	if (r < 0)
		return r;
	return xfrm_stat_parse(buf, len, ret);
}

int xfrm_stat_find(const struct xfrm_stat_table *t, const char *name, uint64_t *ret_value)
{
	for (size_t i = 0; i < t->count; i++) {
		if (strcmp(t->entry[i].name, name) == 0) {
			*ret_value = t->entry[i].value;
			return 0;
		}
	}
	return -ENOENT;
}
