/*
 * Internal helpers shared by the vti library's files; not part of the public API.
 */
#ifndef IKEGW_VTI_INT_H
#define IKEGW_VTI_INT_H

#include "vti.h"

/* Sets err (if not NULL) to code with our own text. */
void vti_err_set(struct vti_error *err, int code, const char *msg);

#endif
