/*
 * http - asynchronous HTTP on one libcurl multi handle.
 *
 * Requests are submitted with a completion callback and run concurrently;
 * nothing here blocks except http_run(), which the CLI uses to drive the
 * loop until every request has finished. The interface instead calls
 * http_poll() (which can also wait on its own descriptors, such as stdin)
 * and http_pump() from its event loop.
 *
 * A request may be delayed (delay_ms) so retries with backoff need no timer
 * of their own: the delay counts in http_timeout_ms() and http_poll().
 *
 * Policy, same for every request: TLS peer and host verification always on
 * (no switch turns it off); AWS_CA_BUNDLE as the CA file when set; proxies
 * from the environment as libcurl reads them (HTTPS_PROXY, https_proxy,
 * NO_PROXY, ...); a connect timeout and a total timeout; a cap on the
 * response body (a larger one fails the request); CURLOPT_NOSIGNAL; HTTP
 * keep-alive and connection reuse across requests; no redirects followed.
 * No AWS knowledge lives here.
 *
 * Ownership: http_submit() copies everything it is given. The response
 * passed to a callback is borrowed and valid only during the call.
 */
#ifndef ROLEHOP_HTTP_H
#define ROLEHOP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "buf.h"

#define HTTP_DEFAULT_CONNECT_MS 3000
#define HTTP_DEFAULT_TOTAL_MS 10000
#define HTTP_DEFAULT_MAX_BODY (1u << 20)
/* Concurrent transfers: a wave of `clusters --all` (one ListClusters per
 * target and region, or one DescribeCluster per cluster) should go out at
 * once rather than in rounds, each round one more round trip. */
#define HTTP_DEFAULT_PARALLEL 64

struct http_opts {
	long connect_timeout_ms; /* 0 = HTTP_DEFAULT_CONNECT_MS */
	long total_timeout_ms;   /* 0 = HTTP_DEFAULT_TOTAL_MS */
	size_t max_body;         /* 0 = HTTP_DEFAULT_MAX_BODY */
	const char *ca_bundle;   /* AWS_CA_BUNDLE, or NULL */
	int max_parallel;        /* concurrent transfers; 0 = 64 */
};

struct http_req {
	const char *method; /* GET, POST, PUT */
	const char *url;
	const char *const *headers; /* "Name: value" */
	size_t nheaders;
	const void *body; /* may hold a secret: copied and zeroed after */
	size_t body_len;
	long timeout_ms;         /* 0 = the client's total timeout */
	long connect_timeout_ms; /* 0 = the client's connect timeout */
};

enum http_failure {
	HTTP_OK = 0,    /* an answer arrived (any status) */
	HTTP_CONNECT,   /* could not resolve or connect */
	HTTP_TIMEOUT,   /* connect or total timeout */
	HTTP_TOO_LARGE, /* the body exceeded max_body */
	HTTP_TLS,       /* certificate or handshake failure */
	HTTP_TRANSPORT, /* any other transfer error (reset, ...) */
	HTTP_CANCELLED,
};

struct http_resp {
	enum http_failure failure;
	char error[256]; /* curl's message when failure != HTTP_OK */
	long status;     /* HTTP status, 0 when no answer */
	struct buf body;
	char *content_type; /* NULL when absent */
	char *date;         /* Date header, NULL when absent */
	char *error_type;   /* x-amzn-ErrorType, NULL when absent */
	long elapsed_ms;
};

typedef void http_done_fn(void *arg, const struct http_resp *resp);

struct http;

struct http *http_new(const struct http_opts *);
/* Cancels whatever is still pending (callbacks are not called). */
void http_free(struct http *);

/* Queue a request to start after delay_ms (0 = now). Returns an id > 0.
 * The callback runs from http_pump() or http_run(), exactly once unless
 * the request is cancelled. */
uint64_t http_submit(struct http *, const struct http_req *, long delay_ms,
                     http_done_fn *done, void *arg);
/* Cancel a request; its callback is called with failure HTTP_CANCELLED. */
void http_cancel(struct http *, uint64_t id);
/* Cancel every request, calling each callback with HTTP_CANCELLED. */
void http_cancel_all(struct http *);
/* How many transfers run at once. */
size_t http_max_parallel(const struct http *);
/* Requests queued or running. */
size_t http_pending(const struct http *);
/* Milliseconds until curl or a delayed request wants attention; -1 when
 * nothing is pending. */
long http_timeout_ms(const struct http *);
/* Wait at most max_ms for network activity, a due request, or one of the
 * extra descriptors (curl_multi_poll). Returns after a curl_multi_wakeup()
 * too. */
void http_poll(struct http *, struct curl_waitfd *extra, unsigned nextra,
               long max_ms);
/* Start due requests, drive transfers, run callbacks of finished ones. */
void http_pump(struct http *);
/* Wake a thread blocked in http_poll() (async-signal-safe per curl). */
void http_wakeup(struct http *);
/* Poll and pump until nothing is pending (callbacks may submit more). */
void http_run(struct http *);

#endif
