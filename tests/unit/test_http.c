/*
 * test_http - the asynchronous HTTP client against a loopback server.
 *
 * The group setup forks the loopback HTTP/1.1 server on 127.0.0.1
 * (loopback.h: a fork per connection, keep-alive, bounded lifetimes,
 * killed in the teardown); handle() below answers per path with canned
 * responses.
 * Timing checks only assert lower bounds (a delay has at least elapsed) or
 * generous upper bounds far below the server's own delays.
 */
#include "config.h"

#include "http.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "log.h"
#include "loopback.h"
#include "xalloc.h"

#define OK_DATE "Wed, 21 Oct 2015 07:28:00 GMT"
#define OK_ERRTYPE "FakeErrorException:http://internal.example/"
#define BIG_LEN 4096
#define SLOW_MS 5000

static int server_port;

/* ---- the loopback server's answers (run in forked children) ---- */

static void
handle(int fd, const struct loopback_req *rq)
{
	const char *path = rq->path;

	if (strcmp(path, "/ok") == 0) {
		loopback_send_resp(fd, "HTTP/1.1 200 OK",
		                   "Content-Type: text/plain\r\n"
		                   "Date:   " OK_DATE "  \r\n"
		                   "X-Amzn-ErrorType: " OK_ERRTYPE "\r\n",
		                   "hello", 5);
	} else if (strcmp(path, "/echo") == 0) {
		loopback_send_resp(fd, "HTTP/1.1 200 OK", "", rq->body,
		                   rq->body_len);
	} else if (strcmp(path, "/dump") == 0) {
		loopback_send_resp(fd, "HTTP/1.1 200 OK", "", rq->raw,
		                   rq->raw_len);
	} else if (strcmp(path, "/seq") == 0) {
		char num[16];
		int len = snprintf(num, sizeof num, "%u", rq->seq);

		loopback_send_resp(fd, "HTTP/1.1 200 OK", "", num, (size_t)len);
	} else if (strcmp(path, "/big") == 0 ||
	           strcmp(path, "/bigstream") == 0) {
		static char big[BIG_LEN];

		memset(big, 'x', sizeof big);
		if (strcmp(path, "/big") == 0) {
			loopback_send_resp(fd, "HTTP/1.1 200 OK", "", big,
			                   sizeof big);
		} else {
			/* No length: the body ends at close. */
			loopback_send_str(fd, "HTTP/1.1 200 OK\r\n"
			                      "Connection: close\r\n\r\n");
			loopback_send_all(fd, big, sizeof big);
			_exit(0);
		}
	} else if (strcmp(path, "/slow") == 0) {
		if (loopback_wait_for_eof(fd, SLOW_MS))
			_exit(0);
		loopback_send_resp(fd, "HTTP/1.1 200 OK", "", "late", 4);
	} else if (strcmp(path, "/hang") == 0) {
		loopback_wait_for_eof(fd, LOOPBACK_CONN_LIFETIME_S * 1000);
		_exit(0);
	} else if (strcmp(path, "/close") == 0) {
		_exit(0);
	} else if (strcmp(path, "/continue") == 0) {
		loopback_send_str(fd, "HTTP/1.1 100 Continue\r\n"
		                      "Date: " OK_DATE "\r\n"
		                      "Content-Type: text/bogus\r\n\r\n");
		loopback_send_resp(fd, "HTTP/1.1 200 OK", "", "ok", 2);
	} else if (strcmp(path, "/redirect") == 0) {
		loopback_send_resp(fd, "HTTP/1.1 302 Found",
		                   "Location: /ok\r\n", "moved", 5);
	} else if (strcmp(path, "/503") == 0) {
		loopback_send_resp(fd, "HTTP/1.1 503 Service Unavailable",
		                   "x-amzn-errortype: ServiceUnavailable\r\n",
		                   "busy", 4);
	} else {
		loopback_send_resp(fd, "HTTP/1.1 404 Not Found", "", "", 0);
	}
}

static int
group_setup(void **state)
{
	(void)state;
	server_port = loopback_start(handle);
	return server_port > 0 ? 0 : -1;
}

/* ---- client-side helpers ---- */

struct result {
	int calls;
	enum http_failure failure;
	long status;
	char *body;
	size_t body_len;
	char *content_type, *date, *error_type;
	char error[256];
	int64_t done_us;
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
result_done(struct result *r)
{
	free(r->body);
	free(r->content_type);
	free(r->date);
	free(r->error_type);
	memset(r, 0, sizeof *r);
}

/* Completion callback: copy the borrowed response into a struct result. */
static void
on_done(void *arg, const struct http_resp *resp)
{
	struct result *r = arg;

	result_done(r);
	r->calls = 1;
	r->failure = resp->failure;
	r->status = resp->status;
	r->body_len = resp->body.len;
	r->body = xmalloc(resp->body.len + 1);
	memcpy(r->body, buf_str(&resp->body), resp->body.len + 1);
	r->content_type = xstrdup_or_null(resp->content_type);
	r->date = xstrdup_or_null(resp->date);
	r->error_type = xstrdup_or_null(resp->error_type);
	snprintf(r->error, sizeof r->error, "%s", resp->error);
	r->done_us = mono_us();
}

static char *
url_for(const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", server_port, path);
}

static struct http *
client(long total_ms, size_t max_body, int max_parallel)
{
	struct http_opts o = {
	    .connect_timeout_ms = 2000,
	    .total_timeout_ms = total_ms,
	    .max_body = max_body,
	    .max_parallel = max_parallel,
	};

	return http_new(&o);
}

/* Submit a request to a loopback path. */
static uint64_t
submit(struct http *h, const char *method, const char *path,
       const char *const *headers, size_t nheaders, const void *body,
       size_t body_len, long delay_ms, struct result *r)
{
	char *url = url_for(path);
	struct http_req req = {
	    .method = method,
	    .url = url,
	    .headers = headers,
	    .nheaders = nheaders,
	    .body = body,
	    .body_len = body_len,
	};
	uint64_t id = http_submit(h, &req, delay_ms, on_done, r);

	free(url);
	return id;
}

/* ---- tests ---- */

static void
test_get_ok_captures_headers(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result r = {0};

	(void)state;
	assert_true(submit(h, "GET", "/ok", NULL, 0, NULL, 0, 0, &r) > 0);
	assert_int_equal(http_pending(h), 1);
	http_run(h);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.failure, HTTP_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "hello");
	assert_int_equal(r.body_len, 5);
	assert_string_equal(r.content_type, "text/plain");
	assert_string_equal(r.date, OK_DATE);
	assert_string_equal(r.error_type, OK_ERRTYPE);
	assert_int_equal(http_pending(h), 0);
	assert_int_equal(http_timeout_ms(h), -1);
	result_done(&r);
	http_free(h);
}

static void
test_post_body_echoed_exactly(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result r = {0};
	unsigned char body[3000], copy[3000];

	(void)state;
	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (unsigned char)(i * 7 + 3); /* includes NULs */
	memcpy(copy, body, sizeof body);
	submit(h, "POST", "/echo", NULL, 0, body, sizeof body, 0, &r);
	/* http_submit copied the body: changing ours now has no effect. */
	memset(body, 'Z', sizeof body);
	http_run(h);
	assert_int_equal(r.failure, HTTP_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, sizeof copy);
	assert_memory_equal(r.body, copy, sizeof copy);
	assert_null(r.date);
	result_done(&r);
	http_free(h);
}

static void
test_request_line_and_headers_sent(void **state)
{
	struct http *h = client(5000, 4 << 20, 0);
	struct result post = {0}, put = {0}, get = {0};
	const char *const hdrs[] = {
	    "X-Custom: v1",
	    "Content-Type: application/x-amz-json-1.1",
	};
	/* Large enough that libcurl would otherwise ask for 100-continue. */
	size_t body_len = 3 << 19;
	char *body = xmalloc(body_len), *len_hdr;

	(void)state;
	memset(body, 'b', body_len);
	submit(h, "POST", "/dump", hdrs, 2, body, body_len, 0, &post);
	submit(h, "PUT", "/dump", hdrs, 1, "abc", 3, 0, &put);
	submit(h, "GET", "/dump", NULL, 0, NULL, 0, 0, &get);
	http_run(h);

	assert_int_equal(post.failure, HTTP_OK);
	assert_true(strncmp(post.body, "POST /dump HTTP/1.1\r\n", 21) == 0);
	assert_non_null(strstr(post.body, "\r\nX-Custom: v1\r\n"));
	assert_non_null(strstr(
	    post.body, "\r\nContent-Type: application/x-amz-json-1.1\r\n"));
	len_hdr = xasprintf("\r\nContent-Length: %zu\r\n", body_len);
	assert_non_null(strcasestr(post.body, len_hdr));
	free(len_hdr);
	/* "Expect:" in the list suppresses 100-continue for large bodies. */
	assert_null(strcasestr(post.body, "\r\nExpect:"));
	assert_int_equal(post.body_len, strlen(post.body));
	assert_true(post.body_len > body_len);
	assert_memory_equal(post.body + post.body_len - body_len, body,
	                    body_len);
	free(body);

	assert_int_equal(put.failure, HTTP_OK);
	assert_true(strncmp(put.body, "PUT /dump HTTP/1.1\r\n", 20) == 0);
	assert_non_null(strcasestr(put.body, "\r\nContent-Length: 3\r\n"));
	assert_non_null(strstr(put.body, "\r\n\r\nabc"));

	assert_int_equal(get.failure, HTTP_OK);
	assert_true(strncmp(get.body, "GET /dump HTTP/1.1\r\n", 20) == 0);
	assert_null(strcasestr(get.body, "\r\nContent-Length:"));
	result_done(&post);
	result_done(&put);
	result_done(&get);
	http_free(h);
}

static void
test_headers_reset_after_interim_response(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result r = {0};

	(void)state;
	submit(h, "GET", "/continue", NULL, 0, NULL, 0, 0, &r);
	http_run(h);
	assert_int_equal(r.failure, HTTP_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok");
	/* Date and Content-Type came only with the 100 block. */
	assert_null(r.date);
	assert_null(r.content_type);
	result_done(&r);
	http_free(h);
}

static void
test_any_status_is_an_answer_and_no_redirects(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result redir = {0}, busy = {0};

	(void)state;
	submit(h, "GET", "/redirect", NULL, 0, NULL, 0, 0, &redir);
	submit(h, "GET", "/503", NULL, 0, NULL, 0, 0, &busy);
	http_run(h);
	assert_int_equal(redir.failure, HTTP_OK);
	assert_int_equal(redir.status, 302);
	assert_string_equal(redir.body, "moved");
	assert_int_equal(busy.failure, HTTP_OK);
	assert_int_equal(busy.status, 503);
	assert_string_equal(busy.body, "busy");
	assert_string_equal(busy.error_type, "ServiceUnavailable");
	result_done(&redir);
	result_done(&busy);
	http_free(h);
}

static void
test_body_cap(void **state)
{
	struct http *h = client(5000, 1024, 0);
	struct result sized = {0}, streamed = {0}, small = {0};

	(void)state;
	submit(h, "GET", "/big", NULL, 0, NULL, 0, 0, &sized);
	submit(h, "GET", "/bigstream", NULL, 0, NULL, 0, 0, &streamed);
	submit(h, "GET", "/ok", NULL, 0, NULL, 0, 0, &small);
	http_run(h);
	assert_int_equal(sized.failure, HTTP_TOO_LARGE);
	assert_non_null(strstr(sized.error, "1024"));
	assert_int_equal(streamed.failure, HTTP_TOO_LARGE);
	assert_true(streamed.body_len <= 1024);
	assert_non_null(strstr(streamed.error, "1024"));
	assert_int_equal(small.failure, HTTP_OK);
	assert_string_equal(small.body, "hello");
	result_done(&sized);
	result_done(&streamed);
	result_done(&small);
	http_free(h);
}

static void
test_total_timeout(void **state)
{
	struct http *h = client(300, 0, 0);
	struct http *h2 = client(0, 0, 0); /* default 10 s */
	struct result slow = {0}, hang = {0};
	char *url = url_for("/hang");
	struct http_req req = {.method = "GET", .url = url, .timeout_ms = 300};
	int64_t t0 = mono_us();

	(void)state;
	submit(h, "GET", "/slow", NULL, 0, NULL, 0, 0, &slow);
	http_run(h);
	assert_int_equal(slow.failure, HTTP_TIMEOUT);
	assert_true(slow.error[0] != '\0');
	/* Not an immediate failure (libcurl may fire a millisecond early),
	 * and well before the server's answer after SLOW_MS. */
	assert_true(slow.done_us - t0 >= 200 * 1000);
	assert_true(slow.done_us - t0 < (SLOW_MS - 1000) * 1000);

	/* A per-request timeout overrides the client's. */
	t0 = mono_us();
	http_submit(h2, &req, 0, on_done, &hang);
	http_run(h2);
	assert_int_equal(hang.failure, HTTP_TIMEOUT);
	assert_true(hang.done_us - t0 < 4000 * 1000);
	free(url);
	result_done(&slow);
	result_done(&hang);
	http_free(h);
	http_free(h2);
}

/* A loopback port nothing listens on. */
static int
closed_port(void)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof sa;
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static void
test_connection_refused(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result r = {0};
	char *url = xasprintf("http://127.0.0.1:%d/ok", closed_port());
	struct http_req req = {.method = "GET", .url = url};

	(void)state;
	http_submit(h, &req, 0, on_done, &r);
	http_run(h);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.failure, HTTP_CONNECT);
	assert_int_equal(r.status, 0);
	assert_true(r.error[0] != '\0');
	free(url);
	result_done(&r);
	http_free(h);
}

static void
test_other_failures(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result closed = {0}, tls = {0}, file = {0};
	char *https = xasprintf("https://127.0.0.1:%d/ok", server_port);
	struct http_req treq = {.method = "GET", .url = https};
	struct http_req freq = {.method = "GET", .url = "file:///dev/null"};

	(void)state;
	submit(h, "GET", "/close", NULL, 0, NULL, 0, 0, &closed);
	http_submit(h, &treq, 0, on_done, &tls);
	http_submit(h, &freq, 0, on_done, &file);
	http_run(h);
	assert_int_equal(closed.failure, HTTP_TRANSPORT);
	assert_true(closed.error[0] != '\0');
	assert_int_equal(tls.failure, HTTP_TLS);
	/* Only http and https are allowed. */
	assert_int_equal(file.failure, HTTP_TRANSPORT);
	free(https);
	result_done(&closed);
	result_done(&tls);
	result_done(&file);
	http_free(h);
}

#define NCONC 10

struct conc {
	int calls;
	int good;
	char want[32];
};

static void
on_conc(void *arg, const struct http_resp *resp)
{
	struct conc *c = arg;

	c->calls++;
	if (resp->failure == HTTP_OK && resp->status == 200 &&
	    strcmp(buf_str(&resp->body), c->want) == 0)
		c->good++;
}

static void
test_concurrent_requests(void **state)
{
	struct http *h = client(5000, 0, 3);
	struct conc c[NCONC];
	char *url = url_for("/echo");
	int calls = 0, good = 0;

	(void)state;
	for (int i = 0; i < NCONC; i++) {
		struct http_req req = {.method = "POST", .url = url};

		memset(&c[i], 0, sizeof c[i]);
		snprintf(c[i].want, sizeof c[i].want, "request-%d", i);
		req.body = c[i].want;
		req.body_len = strlen(c[i].want);
		http_submit(h, &req, 0, on_conc, &c[i]);
	}
	assert_int_equal(http_pending(h), NCONC);
	http_run(h);
	for (int i = 0; i < NCONC; i++) {
		calls += c[i].calls;
		good += c[i].good;
		assert_int_equal(c[i].calls, 1);
	}
	assert_int_equal(calls, NCONC);
	assert_int_equal(good, NCONC);
	free(url);
	http_free(h);
}

static void
test_max_parallel_queues(void **state)
{
	struct http *h = client(5000, 0, 2);
	struct result r[3] = {{0}};
	char *url = url_for("/hang");
	struct http_req req = {.method = "GET", .url = url, .timeout_ms = 300};
	int64_t t0 = mono_us();

	(void)state;
	for (int i = 0; i < 3; i++)
		http_submit(h, &req, 0, on_done, &r[i]);
	http_run(h);
	for (int i = 0; i < 3; i++)
		assert_int_equal(r[i].failure, HTTP_TIMEOUT);
	/* Two slots: the third could only start after a first timed out
	 * (about 300 ms each; without the cap all three end near 300 ms). */
	assert_true(r[2].done_us - t0 >= 500 * 1000);
	free(url);
	for (int i = 0; i < 3; i++)
		result_done(&r[i]);
	http_free(h);
}

static void
test_delayed_request(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result r = {0};
	int64_t t0 = mono_us();
	long t;

	(void)state;
	submit(h, "GET", "/ok", NULL, 0, NULL, 0, 250, &r);
	http_pump(h);
	assert_int_equal(r.calls, 0);
	assert_int_equal(http_pending(h), 1);
	t = http_timeout_ms(h);
	assert_true(t >= 0 && t <= 250);
	http_run(h);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.failure, HTTP_OK);
	assert_true(r.done_us - t0 >= 250 * 1000);
	result_done(&r);
	http_free(h);
}

static void
test_cancel(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result queued = {0}, running = {0};
	uint64_t q, a;

	(void)state;
	q = submit(h, "GET", "/ok", NULL, 0, NULL, 0, 60000, &queued);
	a = submit(h, "GET", "/hang", NULL, 0, NULL, 0, 0, &running);
	http_pump(h); /* starts /hang */
	assert_int_equal(http_pending(h), 2);

	http_cancel(h, q);
	assert_int_equal(queued.calls, 1);
	assert_int_equal(queued.failure, HTTP_CANCELLED);
	assert_int_equal(http_pending(h), 1);

	http_cancel(h, a);
	assert_int_equal(running.calls, 1);
	assert_int_equal(running.failure, HTTP_CANCELLED);
	assert_int_equal(running.status, 0);
	assert_int_equal(http_pending(h), 0);

	/* Unknown or already finished ids are ignored. */
	running.calls = 0;
	http_cancel(h, a);
	http_cancel(h, 9999);
	assert_int_equal(running.calls, 0);
	http_run(h);
	result_done(&queued);
	result_done(&running);
	http_free(h);
}

struct chain {
	struct http *h;
	struct result first, second;
};

/* First callback: record and submit a follow-up request. */
static void
on_chain(void *arg, const struct http_resp *resp)
{
	struct chain *c = arg;

	on_done(&c->first, resp);
	submit(c->h, "POST", "/echo", NULL, 0, "second", 6, 0, &c->second);
}

static void
test_callback_submits(void **state)
{
	struct chain c = {0};
	char *url;
	struct http_req req = {.method = "GET"};

	(void)state;
	c.h = client(5000, 0, 0);
	url = url_for("/ok");
	req.url = url;
	http_submit(c.h, &req, 0, on_chain, &c);
	http_run(c.h);
	assert_int_equal(c.first.calls, 1);
	assert_string_equal(c.first.body, "hello");
	assert_int_equal(c.second.calls, 1);
	assert_int_equal(c.second.failure, HTTP_OK);
	assert_string_equal(c.second.body, "second");
	free(url);
	result_done(&c.first);
	result_done(&c.second);
	http_free(c.h);
}

static void
test_free_skips_callbacks(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result a = {0}, b = {0};

	(void)state;
	submit(h, "GET", "/hang", NULL, 0, NULL, 0, 0, &a);
	submit(h, "POST", "/echo", NULL, 0, "secret", 6, 60000, &b);
	http_pump(h);
	assert_int_equal(http_pending(h), 2);
	http_free(h);
	assert_int_equal(a.calls, 0);
	assert_int_equal(b.calls, 0);
}

static void
test_connection_reused(void **state)
{
	struct http *h = client(5000, 0, 0);
	struct result r1 = {0}, r2 = {0};

	(void)state;
	submit(h, "GET", "/seq", NULL, 0, NULL, 0, 0, &r1);
	http_run(h);
	submit(h, "GET", "/seq", NULL, 0, NULL, 0, 0, &r2);
	http_run(h);
	assert_string_equal(r1.body, "1");
	/* The second request went over the same kept-alive connection. */
	assert_string_equal(r2.body, "2");
	result_done(&r1);
	result_done(&r2);
	http_free(h);
}

/* Run one POST with a secret in header and body, logging at level. */
static char *
logged_post(int level)
{
	struct http *h = client(5000, 0, 0);
	struct result r = {0};
	const char *const hdrs[] = {
	    "Authorization: AWS4-HMAC-SHA256 Credential=FAKEAUTHSECRET",
	};
	const char *body = "Action=AssumeRoleWithWebIdentity"
	                   "&WebIdentityToken=FAKEJWTSECRETVALUE";
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	log_set_stream(f);
	log_set_level(level);
	submit(h, "POST", "/echo", hdrs, 1, body, strlen(body), 0, &r);
	http_run(h);
	log_set_level(0);
	log_set_stream(NULL);
	fclose(f);
	assert_int_equal(r.failure, HTTP_OK);
	assert_string_equal(r.body, body);
	result_done(&r);
	http_free(h);
	return out;
}

static void
test_verbose_log_redacted(void **state)
{
	char *out = logged_post(2), *want = url_for("/echo");

	(void)state;
	assert_non_null(strstr(out, "POST"));
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "-> 200"));
	assert_non_null(strstr(out, "[REDACTED]"));
	assert_null(strstr(out, "FAKEJWTSECRETVALUE"));
	assert_null(strstr(out, "FAKEAUTHSECRET"));
	free(out);
	out = logged_post(1);
	assert_string_equal(out, "");
	free(out);
	free(want);
}

static void
test_poll_idle_extra_fd_and_wakeup(void **state)
{
	struct http *h = client(5000, 0, 0);
	int p[2];
	struct curl_waitfd w;
	int64_t t0;

	(void)state;
	assert_int_equal(http_timeout_ms(h), -1);
	/* Nothing pending and no bound: returns at once. */
	http_poll(h, NULL, 0, -1);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "k", 1), 1);
	w.fd = p[0];
	w.events = CURL_WAIT_POLLIN;
	w.revents = 0;
	t0 = mono_us();
	http_poll(h, &w, 1, 5000);
	assert_true(w.revents & CURL_WAIT_POLLIN);
	assert_true(mono_us() - t0 < 4000 * 1000);

	t0 = mono_us();
	http_wakeup(h);
	http_poll(h, NULL, 0, 5000);
	assert_true(mono_us() - t0 < 4000 * 1000);
	close(p[0]);
	close(p[1]);
	http_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_ok_captures_headers),
	    cmocka_unit_test(test_post_body_echoed_exactly),
	    cmocka_unit_test(test_request_line_and_headers_sent),
	    cmocka_unit_test(test_headers_reset_after_interim_response),
	    cmocka_unit_test(test_any_status_is_an_answer_and_no_redirects),
	    cmocka_unit_test(test_body_cap),
	    cmocka_unit_test(test_total_timeout),
	    cmocka_unit_test(test_connection_refused),
	    cmocka_unit_test(test_other_failures),
	    cmocka_unit_test(test_concurrent_requests),
	    cmocka_unit_test(test_max_parallel_queues),
	    cmocka_unit_test(test_delayed_request),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_callback_submits),
	    cmocka_unit_test(test_free_skips_callbacks),
	    cmocka_unit_test(test_connection_reused),
	    cmocka_unit_test(test_verbose_log_redacted),
	    cmocka_unit_test(test_poll_idle_extra_fd_and_wakeup),
	};

	return cmocka_run_group_tests(tests, group_setup,
	                              loopback_group_teardown);
}
