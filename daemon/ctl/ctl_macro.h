/*
 * Ownership helpers for the control socket code and ikegwctl, in the systemd style:
 * _cleanup_(fn) frees a local when it goes out of scope, TAKE_PTR() hands it over.
 */
#ifndef IKEGW_CTL_MACRO_H
#define IKEGW_CTL_MACRO_H

#include <stdlib.h>
#include <unistd.h>

#include <json-c/json.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p_ = (p);                                                           \
		(p) = NULL;                                                                        \
		_p_;                                                                               \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd_ = (fd);                                                                   \
		(fd) = -1;                                                                         \
		_fd_;                                                                              \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void json_object_putp(struct json_object **o)
{
	json_object_put(*o);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_json_ _cleanup_(json_object_putp)

#endif
