/*
 * The control socket between ikegwd and ikegwctl (docs/control-protocol.md): one JSON request
 * line {"argv":[...]} per connection, one JSON response object, then close. The server side
 * runs on sd-event and dispatches IOS-abbreviated command words to handlers; the pure parts
 * (request parsing, command matching) and a blocking client call are usable on their own.
 */
#ifndef IKEGW_CTL_H
#define IKEGW_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#define CTL_DEFAULT_SOCKET "/run/ikegw/ikegwd.sock"
/* A request line, its '\n' included, is at most this long. */
#define CTL_REQUEST_MAX 65536
/* At most this many words in a request's argv. */
#define CTL_ARGV_MAX 256
#define CTL_MAX_CLIENTS 64
#define CTL_CLIENT_TIMEOUT_USEC (10 * 1000000ULL)

/* Response status values with a fixed meaning; a handler may return any other positive one. */
enum {
	CTL_STATUS_OK = 0,
	CTL_STATUS_FAILED = 1, /* the command ran and failed; also "permission denied" */
	CTL_STATUS_USAGE = 2,  /* malformed request, unknown, ambiguous or incomplete command */
};

struct ctl_request {
	const char *const *args; /* the words after the matched command words, as typed */
	size_t n_args;
};

/*
 * Fill *ret_result with a new json object and return 0, or write an error text into err and
 * return a positive status (sent to the client, which exits with it). A negative -errno is
 * reported to the client as status 1 "internal error: ...".
 */
typedef int (*ctl_handler_fn)(void *userdata, const struct ctl_request *req,
			      struct json_object **ret_result, char *err, size_t errlen);

struct ctl_command {
	const char *words; /* full IOS words separated by single spaces: "show crypto ipsec sa" */
	ctl_handler_fn fn;
	const char *help;
};

struct ctl_server;

/*
 * Listen on path (parent directories created 0750 if missing, socket mode 0600; a stale socket
 * is replaced, a live one is -EADDRINUSE). cmds must outlive the server.
 */
int ctl_server_new(sd_event *ev, const char *path, const struct ctl_command *cmds, size_t n,
		   void *userdata, struct ctl_server **ret);
/* Closes every client and the listening socket, unlinks the socket path. NULL is fine. */
void ctl_server_free(struct ctl_server *s);
/* Per-client deadline (default CTL_CLIENT_TIMEOUT_USEC); applies to clients accepted later. */
void ctl_server_set_client_timeout(struct ctl_server *s, uint64_t usec);
size_t ctl_server_n_clients(const struct ctl_server *s);

/*
 * Parse one request line (a trailing '\n' is allowed) into a NULL-terminated argv of n words,
 * free with ctl_argv_free(). Malformed input is -EBADMSG with a message in err, input over
 * CTL_REQUEST_MAX is -EMSGSIZE, -ENOMEM.
 */
int ctl_request_parse(const char *buf, size_t len, char ***ret_argv, size_t *ret_n, char *err,
		      size_t errlen);
void ctl_argv_free(char **argv, size_t n);

/* The request line for argv, '\n'-terminated, malloc()ed; -EMSGSIZE if over CTL_REQUEST_MAX. */
int ctl_request_format(const char *const *argv, size_t n, char **ret_line, size_t *ret_len);

/*
 * IOS abbreviation matching: each typed word must be a unique prefix (case-insensitive) of the
 * keywords possible at its position; the longest command whose words all match wins and the
 * rest of argv are its arguments. Returns 0 with *ret_cmd and *ret_consumed (words used), or
 * with a message starting with '%' in err: -ENOENT invalid input, -ENOTUNIQ ambiguous word,
 * -EINVAL incomplete command or empty argv.
 */
int ctl_command_match(const struct ctl_command *cmds, size_t n, char *const *argv, size_t argc,
		      const struct ctl_command **ret_cmd, size_t *ret_consumed, char *err,
		      size_t errlen);
/* For handlers: whether a typed argument abbreviates keyword ("det" for "detail"). */
bool ctl_word_is(const char *typed, const char *keyword);

/*
 * Client side, blocking with deadlines. ctl_client_connect(): a connected socket (the -errno of
 * connect() as is when no daemon listens). ctl_client_call(): send argv on it, wait up to
 * timeout_ms for the response and return it parsed (an object with a "status" member);
 * -ETIMEDOUT, -EBADMSG for a malformed response. The caller closes fd.
 */
int ctl_client_connect(const char *path, int timeout_ms, int *ret_fd);
int ctl_client_call(int fd, const char *const *argv, size_t n, int timeout_ms,
		    struct json_object **ret_response);

#endif
