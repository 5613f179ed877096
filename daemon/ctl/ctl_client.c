/*
 * The client half of the control protocol, blocking with one overall deadline: connect, send
 * the request line, read until the server closes, parse the one response object. Used by
 * ikegwctl; returns -errno and never prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <time.h>

#include "ctl.h"
#include "ctl_macro.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until deadline; -ETIMEDOUT past it. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t k = send(fd, buf, len, MSG_NOSIGNAL);
		int r;

		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			r = wait_fd(fd, POLLOUT, deadline);
			if (r < 0)
				return r;
			continue;
		}
		buf += k;
		len -= (size_t)k;
	}
	return 0;
}

static void tokener_freep(struct json_tokener **t)
{
	if (*t)
		json_tokener_free(*t);
}

/*
 * Read the response until EOF. A reset after data is the server closing with our unread bytes
 * (an over-long request): what came before still is the response.
 */
static int read_response(int fd, int64_t deadline, struct json_object **ret)
{
	_cleanup_(tokener_freep) struct json_tokener *tok = json_tokener_new();
	struct json_object *o = NULL;
	bool any = false;
	char buf[65536];

	if (!tok)
		return -ENOMEM;
	for (;;) {
		ssize_t k = recv(fd, buf, sizeof(buf), 0);
		int r;

		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				r = wait_fd(fd, POLLIN, deadline);
				if (r < 0) {
					json_object_put(o);
					return r;
				}
				continue;
			}
			if (errno == ECONNRESET && any)
				break;
			json_object_put(o);
			return -errno;
		}
		if (k == 0)
			break;
		any = true;
		if (o)
			continue; /* anything after the object is ignored */
		o = json_tokener_parse_ex(tok, buf, (int)k);
		if (!o && json_tokener_get_error(tok) != json_tokener_continue)
			return -EBADMSG;
	}
	if (!o)
		return -EBADMSG;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "status", NULL)) {
		json_object_put(o);
		return -EBADMSG;
	}
	*ret = o;
	return 0;
}

int ctl_client_connect(const char *path, int timeout_ms, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	int flags;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A Unix connect() blocks only while the listen backlog is full: bound it by the timeout,
	 * then do the exchange non-blocking. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int ctl_client_call(int fd, const char *const *argv, size_t n, int timeout_ms,
		    struct json_object **ret_response)
{
	_cleanup_free_ char *line = NULL;
	int64_t deadline = now_ms() + timeout_ms;
	size_t len;
	int r;

	r = ctl_request_format(argv, n, &line, &len);
	if (r < 0)
		return r;
	r = send_all(fd, line, len, deadline);
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return r;
	/* On EPIPE the server already answered and closed (e.g. request too long): read it. */
	return read_response(fd, deadline, ret_response);
}
