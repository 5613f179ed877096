/*
 * libFuzzer target for the vti reply parsers: the input is one rtnetlink datagram as the
 * kernel would send it (link dump, NLMSG_ERROR with extended ACK, NLMSG_DONE); every data
 * message goes through vti_parse_link(). The first message's sequence number is used so
 * that the messages are not skipped as stale.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vti.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int parse_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vti_link_info info;

	if (vti_parse_link(nlh, &info) == 0 && info.name[0] == '\0')
		abort(); /* a parsed link always has a name */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr hdr = { 0 };
	struct vti_error err;
	struct vti_reply r;
	uint8_t *copy;
	int rc;

	/* an exact-size heap copy, so that any overread is caught by ASan */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= sizeof(hdr))
		memcpy(&hdr, copy, sizeof(hdr));
	vti_reply_init(&r, hdr.nlmsg_seq, 0, parse_cb, NULL, &err);
	rc = vti_reply_feed(&r, copy, size);
	if (rc != 1 && rc != err.code)
		abort(); /* the error struct always carries the returned code */
	if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
		abort();
	free(copy);
	return 0;
}
