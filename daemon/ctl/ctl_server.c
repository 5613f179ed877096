/*
 * The control socket server on sd-event: a listening Unix socket, one object per client owning
 * its io source, deadline timer, bounded read buffer and pending response. Everything is
 * non-blocking: a slow or stuck client only ever costs its own buffers and its 10 s deadline.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "ctl.h"
#include "ctl_macro.h"

struct ctl_client {
	struct ctl_server *server;
	struct ctl_client *prev, *next;
	int fd;
	uid_t uid;
	sd_event_source *io, *timer;
	char *rbuf; /* CTL_REQUEST_MAX bytes */
	size_t rlen;
	struct json_object *response; /* owns wdata */
	const char *wdata;
	size_t wlen, woff;
};

struct ctl_server {
	sd_event *ev;
	char *path;
	int fd;
	uid_t uid;
	sd_event_source *accept_src;
	const struct ctl_command *cmds;
	size_t n_cmds;
	void *userdata;
	struct ctl_client *clients;
	size_t n_clients;
	uint64_t timeout_usec;
};

static void client_free(struct ctl_client *c)
{
	if (!c)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->server->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->server->n_clients--;
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	json_object_put(c->response);
	free(c->rbuf);
	free(c);
}

/*
 * Write what the socket takes now: the response text, then its terminating '\n' (woff counts
 * both). 1 done, 0 more to write later, -errno the client is gone.
 */
static int client_flush(struct ctl_client *c)
{
	while (c->woff < c->wlen + 1) {
		struct iovec iov[2];
		struct msghdr mh = { .msg_iov = iov };
		ssize_t k;

		if (c->woff < c->wlen)
			iov[mh.msg_iovlen++] = (struct iovec){ (void *)(c->wdata + c->woff),
							       c->wlen - c->woff };
		iov[mh.msg_iovlen++] = (struct iovec){ (void *)"\n", 1 };
		k = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		c->woff += (size_t)k;
	}
	return 1;
}

/* Take ownership of response, stop reading, write it now or as the socket drains. */
static void client_respond(struct ctl_client *c, struct json_object *response)
{
	int r;

	c->response = response;
	c->wdata = json_object_to_json_string_length(
		response, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &c->wlen);
	if (!c->wdata) {
		client_free(c);
		return;
	}
	r = client_flush(c);
	if (r != 0 || sd_event_source_set_io_events(c->io, EPOLLOUT) < 0)
		client_free(c);
}

static struct json_object *error_response(int status, const char *text)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "status", json_object_new_int(status));
	json_object_object_add(o, "error", json_object_new_string(text));
	return o;
}

static void client_fail(struct ctl_client *c, int status, const char *text)
{
	struct json_object *o = error_response(status, text);

	if (!o) {
		client_free(c);
		return;
	}
	client_respond(c, o);
}

/* Run the handler of the command the words name and send its result. */
static void client_dispatch(struct ctl_client *c, char **argv, size_t argc)
{
	struct ctl_server *s = c->server;
	const struct ctl_command *cmd;
	struct json_object *result = NULL, *o;
	struct ctl_request req;
	size_t consumed;
	char err[512] = "";
	int r;

	r = ctl_command_match(s->cmds, s->n_cmds, argv, argc, &cmd, &consumed, err, sizeof(err));
	if (r == -ENOMEM) {
		client_free(c);
		return;
	}
	if (r < 0) {
		client_fail(c, CTL_STATUS_USAGE, err);
		return;
	}
	if (!cmd->fn) {
		client_fail(c, CTL_STATUS_FAILED, "% Command not available");
		return;
	}
	req.args = (const char *const *)argv + consumed;
	req.n_args = argc - consumed;
	r = cmd->fn(s->userdata, &req, &result, err, sizeof(err));
	if (r != 0) {
		json_object_put(result);
		if (r < 0)
			snprintf(err, sizeof(err), "internal error: %s", strerror(-r));
		else if (!err[0])
			snprintf(err, sizeof(err), "command failed");
		client_fail(c, r < 0 ? CTL_STATUS_FAILED : r, err);
		return;
	}
	if (!result)
		result = json_object_new_object();
	if (!json_object_is_type(result, json_type_object)) {
		json_object_put(result);
		client_fail(c, CTL_STATUS_FAILED, "internal error: result is not an object");
		return;
	}
	if (!json_object_object_get_ex(result, "command", NULL))
		json_object_object_add(result, "command", json_object_new_string(cmd->words));
	o = json_object_new_object();
	if (!o) {
		json_object_put(result);
		client_free(c);
		return;
	}
	json_object_object_add(o, "status", json_object_new_int(CTL_STATUS_OK));
	json_object_object_add(o, "result", result);
	client_respond(c, o);
}

static void client_handle_line(struct ctl_client *c, size_t len)
{
	char **argv = NULL;
	size_t argc = 0;
	char err[256];
	int r;

	if (c->uid != 0 && c->uid != c->server->uid) {
		client_fail(c, CTL_STATUS_FAILED, "permission denied");
		return;
	}
	r = ctl_request_parse(c->rbuf, len, &argv, &argc, err, sizeof(err));
	if (r == -ENOMEM) {
		client_free(c);
		return;
	}
	if (r < 0) {
		client_fail(c, CTL_STATUS_USAGE, err);
		return;
	}
	client_dispatch(c, argv, argc);
	ctl_argv_free(argv, argc);
}

static void client_read(struct ctl_client *c)
{
	for (;;) {
		size_t room = CTL_REQUEST_MAX - c->rlen;
		char *nl;
		ssize_t k;

		if (room == 0) {
			client_fail(c, CTL_STATUS_USAGE, "request longer than 65536 bytes");
			return;
		}
		k = recv(c->fd, c->rbuf + c->rlen, room, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				client_free(c);
			return;
		}
		if (k == 0) {
			/* Half-closed without '\n': take what came as the request, if anything. */
			if (c->rlen)
				client_handle_line(c, c->rlen);
			else
				client_free(c);
			return;
		}
		nl = memchr(c->rbuf + c->rlen, '\n', (size_t)k);
		c->rlen += (size_t)k;
		if (nl) {
			client_handle_line(c, (size_t)(nl - c->rbuf) + 1);
			return;
		}
	}
}

static int on_client_io(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct ctl_client *c = userdata;
	int r;

	if (!c->response) {
		client_read(c);
		return 0;
	}
	r = client_flush(c);
	if (r != 0)
		client_free(c);
	return 0;
}

static int on_client_timeout(sd_event_source *src, uint64_t usec, void *userdata)
{
	client_free(userdata);
	return 0;
}

static int client_new(struct ctl_server *s, int fd)
{
	_cleanup_close_ int cfd = fd;
	struct ctl_client *c;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int r;

	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->rbuf = malloc(CTL_REQUEST_MAX);
	if (!c->rbuf) {
		free(c);
		return -ENOMEM;
	}
	c->server = s;
	c->uid = cred.uid;
	c->fd = TAKE_FD(cfd);
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;
	s->n_clients++;

	r = sd_event_add_io(s->ev, &c->io, c->fd, EPOLLIN, on_client_io, c);
	if (r >= 0)
		r = sd_event_add_time_relative(s->ev, &c->timer, CLOCK_MONOTONIC, s->timeout_usec,
					       0, on_client_timeout, c);
	if (r < 0) {
		client_free(c);
		return r;
	}
	return 0;
}

static int on_accept(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct ctl_server *s = userdata;

	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return 0; /* EAGAIN, or EMFILE & co: try again on the next wakeup */
		}
		if (s->n_clients >= CTL_MAX_CLIENTS) {
			close(cfd);
			continue;
		}
		(void)client_new(s, cfd); /* fails only on ENOMEM: the client just goes away */
	}
}

/* mkdir -p of the directory part of path, new directories 0750. */
static int make_parent(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) < 0 && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*p = '/';
	}
}

/* Remove a socket left by a daemon that is gone; -EADDRINUSE if one still listens on it. */
static int remove_stale(const struct sockaddr_un *sa)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		return -EADDRINUSE;
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int listen_on(const char *path, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int r;

	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	r = make_parent(path);
	if (r < 0)
		return r;
	r = remove_stale(&sa);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(0177);
	r = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return -errno;
	if (chmod(path, 0600) < 0 || listen(fd, 128) < 0) {
		r = -errno;
		unlink(path);
		return r;
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int ctl_server_new(sd_event *ev, const char *path, const struct ctl_command *cmds, size_t n,
		   void *userdata, struct ctl_server **ret)
{
	struct ctl_server *s;
	int r;

	if (!ev || !path || (!cmds && n) || !ret)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->ev = sd_event_ref(ev);
	s->cmds = cmds;
	s->n_cmds = n;
	s->userdata = userdata;
	s->uid = geteuid();
	s->timeout_usec = CTL_CLIENT_TIMEOUT_USEC;
	s->path = strdup(path);
	if (!s->path) {
		r = -ENOMEM;
		goto fail;
	}
	r = listen_on(path, &s->fd);
	if (r < 0) {
		free(s->path);
		s->path = NULL; /* not ours: leave whatever is there */
		goto fail;
	}
	r = sd_event_add_io(ev, &s->accept_src, s->fd, EPOLLIN, on_accept, s);
	if (r < 0)
		goto fail;
	*ret = s;
	return 0;
fail:
	ctl_server_free(s);
	return r;
}

void ctl_server_free(struct ctl_server *s)
{
	if (!s)
		return;
	while (s->clients)
		client_free(s->clients);
	sd_event_source_disable_unref(s->accept_src);
	if (s->fd >= 0)
		close(s->fd);
	if (s->path)
		unlink(s->path);
	free(s->path);
	sd_event_unref(s->ev);
	free(s);
}

void ctl_server_set_client_timeout(struct ctl_server *s, uint64_t usec)
{
	s->timeout_usec = usec;
}

size_t ctl_server_n_clients(const struct ctl_server *s)
{
	return s->n_clients;
}
