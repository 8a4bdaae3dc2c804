/*
 * awsreq - signed AWS calls on the http client, with standard retries.
 */
#include "config.h"

#include "awsreq.h"

#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "log.h"
#include "sigv4.h"
#include "sts.h"
#include "timefmt.h"
#include "xalloc.h"

/* A call in flight: everything needed to sign and send it again. */
struct awsjob {
	struct awsctx *ctx;
	char *service;
	struct endpoint ep;
	char *method;
	char *path;  /* full signed path: endpoint base + call path */
	char *query; /* may be NULL */
	char *body;  /* secret */
	size_t body_len;
	char *content_type;
	struct creds creds;
	int has_creds;
	enum aws_protocol protocol;
	char *what;
	int attempt;
	int skew_retried; /* the one retry after correcting the clock */
	aws_done_fn *done;
	void *arg;
};

/* A call waiting for a slot. */
struct aws_deferred {
	struct aws_deferred *next;
	aws_start_fn *start;
	void *arg;
};

static void job_send(struct awsjob *, long delay_ms);

void
awsctx_init(struct awsctx *ctx, struct http *http)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->http = http;
	ctx->max_inflight = http_max_parallel(http);
	retry_quota_init(&ctx->quota);
	ctx->rand_state = (unsigned)time(NULL) ^ (unsigned)(size_t)ctx;
}

void
awsctx_done(struct awsctx *ctx)
{
	while (ctx->deferred) {
		struct aws_deferred *d = ctx->deferred;

		ctx->deferred = d->next;
		free(d);
	}
	ctx->deferred_tail = NULL;
}

/* Take the oldest deferred call off the queue and start it. */
static void
start_one(struct awsctx *ctx)
{
	struct aws_deferred *d = ctx->deferred;

	ctx->deferred = d->next;
	if (ctx->deferred == NULL)
		ctx->deferred_tail = NULL;
	d->start(d->arg);
	free(d);
}

/* Start deferred calls while slots are free (all of them when
 * cancelling). A start function may finish its call at once, whose
 * callback may defer more: the loop picks those up instead of nesting. */
static void
start_deferred(struct awsctx *ctx)
{
	if (ctx->starting)
		return;
	ctx->starting = 1;
	while (ctx->deferred &&
	       (ctx->cancelling || ctx->inflight < ctx->max_inflight))
		start_one(ctx);
	ctx->starting = 0;
}

void
awsreq_defer(struct awsctx *ctx, aws_start_fn *start, void *arg)
{
	struct aws_deferred *d = xcalloc(1, sizeof *d);

	d->start = start;
	d->arg = arg;
	if (ctx->deferred_tail)
		ctx->deferred_tail->next = d;
	else
		ctx->deferred = d;
	ctx->deferred_tail = d;
	start_deferred(ctx);
}

size_t
awsreq_deferred(const struct awsctx *ctx)
{
	size_t n = 0;

	for (const struct aws_deferred *d = ctx->deferred; d; d = d->next)
		n++;
	return n;
}

void
awsreq_cancel_all(struct awsctx *ctx)
{
	ctx->cancelling = 1;
	/* Not start_deferred(): it does nothing when this is called from a
	 * callback inside it. Each call started now ends at once. */
	while (ctx->deferred)
		start_one(ctx);
	http_cancel_all(ctx->http);
	ctx->cancelling = 0;
}

static void
job_free(struct awsjob *j)
{
	free(j->service);
	endpoint_done(&j->ep);
	free(j->method);
	free(j->path);
	secret_free_str(j->query);
	secret_free(j->body, j->body_len);
	free(j->content_type);
	creds_done(&j->creds);
	free(j->what);
	free(j);
}

/* Uniform [0,1) from a small private generator (jitter needs no quality). */
static double
jitter(struct awsctx *ctx)
{
	ctx->rand_state = ctx->rand_state * 1103515245u + 12345u;
	return (double)(ctx->rand_state >> 8 & 0xffffff) / 16777216.0;
}

int
awsreq_json_error(const char *error_type, const char *body, size_t len,
                  char *code, size_t codelen, char *msg, size_t msglen)
{
	cJSON *root = NULL;
	const char *c = NULL, *m = NULL;
	int found = 0;

	code[0] = msg[0] = '\0';
	if (error_type && *error_type) {
		const char *end = strchr(error_type, ':');
		size_t n =
		    end ? (size_t)(end - error_type) : strlen(error_type);
		const char *hash;
		char tmp[256];

		if (n >= sizeof tmp)
			n = sizeof tmp - 1;
		memcpy(tmp, error_type, n);
		tmp[n] = '\0';
		hash = strrchr(tmp, '#');
		snprintf(code, codelen, "%s", hash ? hash + 1 : tmp);
		found = code[0] != '\0';
	}
	if (body && len > 0)
		root = cJSON_ParseWithLength(body, len);
	if (cJSON_IsObject(root)) {
		if (!found) {
			c = jsonutil_str(root, "code");
			if (c == NULL)
				c = jsonutil_str(root, "Code");
			if (c == NULL)
				c = jsonutil_str(root, "__type");
			if (c) {
				const char *hash = strrchr(c, '#');

				snprintf(code, codelen, "%s",
				         hash ? hash + 1 : c);
				found = 1;
			}
		}
		m = jsonutil_str(root, "message");
		if (m == NULL)
			m = jsonutil_str(root, "Message");
		if (m)
			snprintf(msg, msglen, "%s", m);
	}
	cJSON_Delete(root);
	return found || msg[0] ? 0 : -1;
}

/* Work out the AWS error code and message of a non-2xx answer. */
static void
answer_error(const struct awsjob *j, const struct http_resp *r, char *code,
             size_t codelen, char *msg, size_t msglen)
{
	code[0] = msg[0] = '\0';
	if (j->protocol == AWS_QUERY_XML) {
		struct sts_error se;

		if (sts_parse_error(buf_str(&r->body), r->body.len, &se) == 0) {
			snprintf(code, codelen, "%s", se.code);
			snprintf(msg, msglen, "%s", se.message);
			return;
		}
	} else if (awsreq_json_error(r->error_type, buf_str(&r->body),
	                             r->body.len, code, codelen, msg,
	                             msglen) == 0) {
		return;
	}
	if (r->error_type && *r->error_type)
		snprintf(code, codelen, "%s", r->error_type);
}

/* The server stamped the answer about halfway through the round trip. */
int
awsreq_answer_skew(const struct http_resp *r, long *skew)
{
	time_t server, now = time(NULL);

	if (r->date == NULL || timefmt_parse_http_date(r->date, &server) != 0)
		return -1;
	*skew = (long)(server - now) + (r->elapsed_ms / 2 + 500) / 1000;
	return 0;
}

/* A clock-skew error is worth one retry when the Date header gives an
 * offset that differs from the one already applied: the request is then
 * signed with the server's time. The operator is told, since every
 * other tool on the machine will keep failing. */
static int
correct_clock(struct awsjob *j, const struct http_resp *r, const char *code,
              const char *msg)
{
	struct awsctx *ctx = j->ctx;
	long skew;

	if (j->skew_retried || !retry_is_clock_skew(code, msg) ||
	    awsreq_answer_skew(r, &skew) != 0 ||
	    labs(skew - ctx->skew_seconds) < 2)
		return 0;
	ctx->skew_seconds = skew;
	j->skew_retried = 1;
	log_msg(0,
	        "warning: %s: %s: the local clock is %ld s %s the server's; "
	        "signing with the server's time and retrying once (fix the "
	        "clock: NTP)",
	        j->what, code, labs(skew), skew > 0 ? "behind" : "ahead of");
	return 1;
}

static void
finish(struct awsjob *j, struct aws_result *res)
{
	struct awsctx *ctx = j->ctx;

	res->attempts = j->attempt;
	ctx->inflight--;
	j->done(j->arg, res);
	job_free(j);
	start_deferred(ctx);
}

static void
on_answer(void *arg, const struct http_resp *r)
{
	struct awsjob *j = arg;
	struct awsctx *ctx = j->ctx;
	struct aws_result res = {.status = ST_OK, .resp = r};
	char code[64] = "", msg[512] = "";
	enum retry_kind kind;
	char *url = xasprintf("%s%s", j->ep.url, j->path + strlen(j->ep.path));

	err_clear(&res.err);
	if (r->failure == HTTP_OK && r->status >= 200 && r->status < 300) {
		retry_success(&ctx->quota);
		log_msg(1, "%s %s: HTTP %ld after %d attempt(s)", j->what, url,
		        r->status, j->attempt);
		free(url);
		finish(j, &res);
		return;
	}
	if (r->failure == HTTP_OK)
		answer_error(j, r, code, sizeof code, msg, sizeof msg);
	if (r->failure == HTTP_OK && correct_clock(j, r, code, msg)) {
		free(url);
		job_send(j, 0);
		return;
	}
	kind = retry_classify(r->failure, r->status, code);
	if (r->failure != HTTP_CANCELLED &&
	    retry_allowed(&ctx->quota, kind, j->attempt)) {
		long delay = retry_delay_ms(j->attempt, jitter(ctx));

		log_msg(1, "%s %s: %s, retrying in %ld ms (attempt %d of %d)",
		        j->what, url,
		        r->failure != HTTP_OK ? r->error
		        : code[0]             ? code
		                              : "server error",
		        delay, j->attempt + 1, RETRY_MAX_ATTEMPTS);
		free(url);
		j->attempt++;
		job_send(j, delay);
		return;
	}
	switch (r->failure) {
	case HTTP_OK:
		if (code[0]) {
			err_set(&res.err, ST_AWS, "%s: %s", code,
			        msg[0] ? msg : "(no message)");
			err_code(&res.err, code);
		} else {
			err_set(
			    &res.err, ST_AWS,
			    "HTTP %ld from %s with no AWS error in the answer",
			    r->status, url);
			err_code(&res.err, "");
		}
		break;
	case HTTP_TIMEOUT:
		err_set(&res.err, ST_TIMEOUT,
		        "%s: no answer from %s in time: %s", j->what, url,
		        r->error);
		break;
	case HTTP_TOO_LARGE:
		err_set(&res.err, ST_PARSE, "%s: answer from %s is too large",
		        j->what, url);
		break;
	case HTTP_CANCELLED:
		err_set(&res.err, ST_RUNTIME, "%s: cancelled", j->what);
		break;
	default:
		err_set(&res.err, ST_NETWORK, "%s: cannot reach %s: %s",
		        j->what, url, r->error);
		if (r->failure == HTTP_TLS)
			err_hint(&res.err, "set AWS_CA_BUNDLE to the CA file "
			                   "of a TLS-intercepting proxy");
		break;
	}
	if (j->attempt > 1 && res.err.status != ST_AWS)
		err_hint(&res.err, "gave up after %d attempts", j->attempt);
	res.status = res.err.status;
	free(url);
	finish(j, &res);
}

/* Sign (when credentials are set) and hand the request to curl. */
static void
job_send(struct awsjob *j, long delay_ms)
{
	struct sigv4_header sh[2];
	struct sigv4_request rq = {0};
	struct sigv4_params pp;
	struct sigv4_result sr = {0};
	const char *headers[5];
	char *owned[5] = {0};
	size_t nh = 0, nsh = 0;
	struct http_req hr = {0};
	char *url;

	if (j->content_type) {
		owned[nh] = xasprintf("Content-Type: %s", j->content_type);
		headers[nh] = owned[nh];
		nh++;
	}
	if (j->has_creds) {
		sh[nsh++] = (struct sigv4_header){"Host", j->ep.host};
		if (j->content_type)
			sh[nsh++] = (struct sigv4_header){"Content-Type",
			                                  j->content_type};
		rq.method = j->method;
		rq.path = j->path;
		rq.query = j->query;
		rq.headers = sh;
		rq.nheaders = nsh;
		rq.body = j->body;
		rq.body_len = j->body_len;
		sigv4_params_init(&pp);
		pp.access_key_id = j->creds.access_key_id;
		pp.secret_access_key = j->creds.secret_access_key;
		pp.session_token = j->creds.session_token;
		pp.region = j->ep.region;
		pp.service = j->service;
		pp.now = time(NULL) + j->ctx->skew_seconds;
		if (sigv4_sign_headers(&rq, &pp, &sr) != 0) {
			struct aws_result res = {.status = ST_RUNTIME};

			err_set(&res.err, ST_RUNTIME, "%s: cannot sign request",
			        j->what);
			for (size_t i = 0; i < nh; i++)
				free(owned[i]);
			finish(j, &res);
			return;
		}
		owned[nh] = xasprintf("X-Amz-Date: %s", sr.amz_date);
		headers[nh] = owned[nh];
		nh++;
		if (j->creds.session_token) {
			owned[nh] = xasprintf("X-Amz-Security-Token: %s",
			                      j->creds.session_token);
			headers[nh] = owned[nh];
			nh++;
		}
		owned[nh] = xasprintf("Authorization: %s", sr.authorization);
		headers[nh] = owned[nh];
		nh++;
		sigv4_result_done(&sr);
	}
	url = j->query && *j->query
	          ? xasprintf("%s%s?%s", j->ep.url,
	                      j->path + strlen(j->ep.path), j->query)
	          : xasprintf("%s%s", j->ep.url, j->path + strlen(j->ep.path));
	hr.method = j->method;
	hr.url = url;
	hr.headers = headers;
	hr.nheaders = nh;
	hr.body = j->body;
	hr.body_len = j->body_len;
	log_msg(2, "%s attempt %d: %s %s", j->what, j->attempt, j->method, url);
	http_submit(j->ctx->http, &hr, delay_ms, on_answer, j);
	for (size_t i = 0; i < nh; i++)
		secret_free_str(owned[i]);
	secret_free_str(url);
}

void
awsreq_submit(struct awsctx *ctx, const struct aws_call *c, aws_done_fn *done,
              void *arg)
{
	struct awsjob *j = xcalloc(1, sizeof *j);

	j->ctx = ctx;
	j->service = xstrdup(c->service);
	endpoint_copy(&j->ep, c->ep);
	j->method = xstrdup(c->method);
	j->path = xasprintf("%s%s", c->ep->path, c->path);
	j->query = xstrdup_or_null(c->query);
	if (c->body) {
		j->body = xmalloc(c->body_len + 1);
		memcpy(j->body, c->body, c->body_len);
		j->body[c->body_len] = '\0';
		j->body_len = c->body_len;
	}
	j->content_type = xstrdup_or_null(c->content_type);
	creds_init(&j->creds);
	if (c->creds) {
		creds_copy(&j->creds, c->creds);
		j->has_creds = 1;
	}
	j->protocol = c->protocol;
	j->what = xstrdup(c->what ? c->what : c->service);
	j->attempt = 1;
	j->done = done;
	j->arg = arg;
	ctx->inflight++;
	if (ctx->cancelling) {
		struct aws_result res = {.status = ST_RUNTIME};

		err_set(&res.err, ST_RUNTIME, "%s: cancelled", j->what);
		finish(j, &res);
		return;
	}
	job_send(j, 0);
}
