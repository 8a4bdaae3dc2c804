/*
 * err - status codes and the error record every fallible function fills.
 *
 * Functions return enum status (ST_OK is 0) and, on failure, fill the
 * caller's struct err: a one-line message that already names the file and
 * line, profile, target or hop, an optional AWS error code, and an optional
 * hint. The CLI prints "rolehop: <msg>" then "hint: <hint>"; the exit status
 * follows from the status (2 for usage and configuration, 1 otherwise).
 * Messages never contain secrets.
 */
#ifndef ROLEHOP_ERR_H
#define ROLEHOP_ERR_H

#define STATUS_LIST(X)                                                         \
	X(OK, "ok")                                                            \
	X(USAGE, "usage error")                                                \
	X(CONFIG, "configuration error")                                       \
	X(NETWORK, "network error")                                            \
	X(TIMEOUT, "timed out")                                                \
	X(AWS, "AWS error")                                                    \
	X(PARSE, "malformed response")                                         \
	X(IO, "file error")                                                    \
	X(RUNTIME, "runtime error")

enum status {
#define X(id, text) ST_##id,
	STATUS_LIST(X)
#undef X
};

struct err {
	enum status status;
	char code[64];   /* AWS error code such as AccessDenied, or "" */
	char msg[1024];  /* one line, no trailing newline */
	char hint[1024]; /* "" when there is none */
};

void err_clear(struct err *);
/* Fill e (status, message) and return status. */
enum status err_set(struct err *e, enum status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set the AWS error code. */
void err_code(struct err *e, const char *code);
/* Set the hint line. */
void err_hint(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Put "prefix: " in front of the message (to add the target or hop). */
void err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A heap copy of e (free() it), for records that keep an error past the
 * call: most keep none, and a NULL pointer costs 8 bytes where an embedded
 * struct err costs 2 KB, times every target of the interface. */
struct err *err_dup(const struct err *e);
/* The process exit status for a status: 0, 1 or 2. */
int err_exit_code(enum status);
const char *status_text(enum status);

#endif
