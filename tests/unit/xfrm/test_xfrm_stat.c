/*
 * Unit tests of the /proc/net/xfrm_stat parser: the kernel's real layout, whitespace variants,
 * limits (u64 overflow, name length, entry count) and malformed lines, plus reading a file.
 */
#include "xfrm_test_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* As net/xfrm/xfrm_proc.c prints it: name padded with spaces, a tab, the value. */
static const char sample[] = "XfrmInError             \t0\n"
			     "XfrmInBufferError       \t0\n"
			     "XfrmInHdrError          \t7\n"
			     "XfrmInNoStates          \t12\n"
			     "XfrmOutNoStates         \t4\n"
			     "XfrmAcquireError        \t18446744073709551615\n"
			     "XfrmOutPolBlock         \t3\n";

static void test_stat_sample(void **state)
{
	struct xfrm_stat_table t;
	uint64_t v = 1;

	(void)state;
	assert_int_equal(xfrm_stat_parse(sample, strlen(sample), &t), 0);
	assert_int_equal(t.count, 7);
	assert_string_equal(t.entry[0].name, "XfrmInError");
	assert_int_equal(t.entry[0].value, 0);
	assert_string_equal(t.entry[3].name, "XfrmInNoStates");
	assert_int_equal(t.entry[3].value, 12);
	assert_int_equal(xfrm_stat_find(&t, "XfrmOutNoStates", &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(xfrm_stat_find(&t, "XfrmAcquireError", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(xfrm_stat_find(&t, "XfrmOutPolBlock", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(xfrm_stat_find(&t, "XfrmNope", &v), -ENOENT);
	assert_int_equal(xfrm_stat_find(&t, "XfrmInErr", &v), -ENOENT);
}

static void test_stat_whitespace(void **state)
{
	static const char text[] = "\nA 1\n\nB\t\t2  \nC_3 \t 30"; /* no final newline */
	struct xfrm_stat_table t;
	uint64_t v;

	(void)state;
	assert_int_equal(xfrm_stat_parse(text, strlen(text), &t), 0);
	assert_int_equal(t.count, 3);
	assert_int_equal(xfrm_stat_find(&t, "B", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(xfrm_stat_find(&t, "C_3", &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(xfrm_stat_parse("", 0, &t), 0);
	assert_int_equal(t.count, 0);
	/* The length bounds the parse, not a NUL. */
	assert_int_equal(xfrm_stat_parse("A 12345", 3, &t), 0);
	assert_int_equal(t.entry[0].value, 1);
}

static void test_stat_malformed(void **state)
{
	static const char *const bad[] = {
		"XfrmInError\n",		      /* no value */
		"XfrmInError \n",		      /* no value after blanks */
		"XfrmInError -1\n",		      /* sign */
		"XfrmInError 12a\n",		      /* junk after digits */
		"XfrmInError 1 2\n",		      /* two values */
		"Xfrm-In 1\n",			      /* bad name char */
		" XfrmInError 1\n",		      /* leading blank */
		"XfrmInError 18446744073709551616\n", /* u64 overflow */
		"XfrmInError 99999999999999999999\n",
		"1\n",
		"A 1\r\n",
	};
	struct xfrm_stat_table t;
	char name[XFRM_STAT_NAME_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(xfrm_stat_parse(bad[i], strlen(bad[i]), &t), -EBADMSG);
		assert_int_equal(t.count, 0);
	}
	/* An embedded NUL. */
	assert_int_equal(xfrm_stat_parse("A 1\0B 2\n", 8, &t), -EBADMSG);
	/* Names: 47 characters fit, 48 do not. */
	memset(name, 'N', XFRM_STAT_NAME_MAX - 1);
	strcpy(name + XFRM_STAT_NAME_MAX - 1, " 5");
	assert_int_equal(xfrm_stat_parse(name, strlen(name), &t), 0);
	assert_int_equal(strlen(t.entry[0].name), XFRM_STAT_NAME_MAX - 1);
	memset(name, 'N', XFRM_STAT_NAME_MAX);
	strcpy(name + XFRM_STAT_NAME_MAX, " 5");
	assert_int_equal(xfrm_stat_parse(name, strlen(name), &t), -EBADMSG);
}

static void test_stat_too_many(void **state)
{
	char text[XFRM_STAT_MAX * 16 + 32];
	struct xfrm_stat_table t;
	size_t len = 0;

	(void)state;
	for (int i = 0; i < XFRM_STAT_MAX; i++)
		len += (size_t)sprintf(text + len, "S%d %d\n", i, i);
	assert_int_equal(xfrm_stat_parse(text, len, &t), 0);
	assert_int_equal(t.count, XFRM_STAT_MAX);
	assert_int_equal(t.entry[XFRM_STAT_MAX - 1].value, XFRM_STAT_MAX - 1);
	len += (size_t)sprintf(text + len, "Extra 1\n");
	assert_int_equal(xfrm_stat_parse(text, len, &t), -E2BIG);
	assert_int_equal(t.count, 0);
}

static void test_stat_read_file(void **state)
{
	char path[] = "/tmp/xfrm_stat_test_XXXXXX";
	struct xfrm_stat_table t;
	uint64_t v;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sample, strlen(sample)), (ssize_t)strlen(sample));
	close(fd);
	assert_int_equal(xfrm_stat_read(path, &t), 0);
	assert_int_equal(t.count, 7);
	assert_int_equal(xfrm_stat_find(&t, "XfrmInHdrError", &v), 0);
	assert_int_equal(v, 7);
	unlink(path);
	assert_int_equal(xfrm_stat_read(path, &t), -ENOENT);
	/* The running kernel's own file, when it has one, parses. */
	if (access("/proc/net/xfrm_stat", R_OK) == 0) {
		assert_int_equal(xfrm_stat_read(NULL, &t), 0);
		assert_true(t.count > 20);
		assert_int_equal(xfrm_stat_find(&t, "XfrmInError", &v), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_sample),    cmocka_unit_test(test_stat_whitespace),
		cmocka_unit_test(test_stat_malformed), cmocka_unit_test(test_stat_too_many),
		cmocka_unit_test(test_stat_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
