/*
 * loopback - a small forking HTTP/1.1 server on 127.0.0.1 for unit tests.
 *
 * loopback_start() forks the server (port 0, the port sent back over a
 * pipe) and returns its port. The server forks once per connection; the
 * connection child reads requests in a row (keep-alive, Content-Length
 * bodies) and calls the test's handler once per request, which writes its
 * canned answer with the send helpers below. A request that starts with a
 * TLS ClientHello gets a 400 and the connection is closed.
 *
 * Lifetimes: every process ends by itself: the server after
 * LOOPBACK_SERVER_LIFETIME_S or once the test process is gone, each
 * connection child after LOOPBACK_CONN_LIFETIME_S. loopback_stop() (or
 * loopback_group_teardown()) kills the server and reaps it.
 *
 * Ownership: the handler runs in the connection child. The request it is
 * given points into that child's input buffer and is valid only during the
 * call. To end the connection a handler calls _exit(0); the send helpers
 * _exit(0) themselves when the peer is gone. loopback_start() also clears
 * the proxy variables of the test process, so its traffic stays on
 * loopback. One server per test process.
 */
#ifndef ROLEHOP_TESTS_LOOPBACK_H
#define ROLEHOP_TESTS_LOOPBACK_H

#include <stddef.h>

#define LOOPBACK_SERVER_LIFETIME_S 120
#define LOOPBACK_CONN_LIFETIME_S 20

/* One request as read from the connection. */
struct loopback_req {
	const char *method;
	const char *path;
	const char *raw; /* the whole request: head and body */
	size_t raw_len;
	const char *body;
	size_t body_len;
	unsigned seq; /* 1 for the first request on this connection, ... */
};

typedef void loopback_handler(int fd, const struct loopback_req *req);

/* Fork the server; its port, or -1 on failure. */
int loopback_start(loopback_handler *handler);

/* Kill the server started by loopback_start() (if any) and reap it. */
void loopback_stop(void);

/* loopback_stop() as a cmocka group teardown; always 0. */
int loopback_group_teardown(void **state);

/* Write all of p; _exit(0) if the peer is gone. */
void loopback_send_all(int fd, const void *p, size_t len);
void loopback_send_str(int fd, const char *s);

/* A complete response: status line, extra header lines (each ending in
 * CRLF, may be ""), a Content-Length and the body. */
void loopback_send_resp(int fd, const char *status_line, const char *extra,
                        const void *body, size_t len);

/* Wait until the peer closes (or ms pass); 1 if it closed. */
int loopback_wait_for_eof(int fd, int ms);

#endif
