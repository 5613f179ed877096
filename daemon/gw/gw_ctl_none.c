/*
 * Built instead of gw_ctl.c while the control-socket library (daemon/ctl) is absent: ikegwd
 * then runs without a control socket and says so when one is asked for.
 */
#include <errno.h>
#include <stdio.h>

#include "gw_internal.h"

int gw_ctl_open(struct gw *gw, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "control socket %s: this build has no control-socket library", path);
	return -EOPNOTSUPP;
}

void gw_ctl_close(struct gw *gw)
{
}
