/*
 * Internals shared by the kernel plane's source files: the handle and the error helper.
 */
#ifndef IKEGW_KERNEL_INTERNAL_H
#define IKEGW_KERNEL_INTERNAL_H

#include "kernel.h"

struct kernel {
	struct xfrm_handle *xh;
	struct vti_handle *vh;
	struct ike_kernel_ops ops;
};

/* err = { code, "step: strerror (kernel: kmsg)" }; err and kmsg may be NULL. */
void kernel_err_set(struct kernel_error *err, int code, const char *step, const char *kmsg);

#endif
