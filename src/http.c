/*
 * http - asynchronous HTTP on one libcurl multi handle.
 *
 * Every request is a job. A job waits in the queue (sorted by due time on
 * the monotonic clock) until it is due and a transfer slot is free, then
 * runs as an easy handle inside the multi handle, and is finally handed to
 * its callback from http_pump(). Finished jobs are first collected into a
 * list local to http_pump() and only then called back, so a callback may
 * submit or cancel requests without disturbing the iteration.
 *
 * Everything a job holds that can carry a secret (request body, header
 * strings, URL, response body) is zeroed before it is freed.
 */
#include "config.h"

#include "http.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "xalloc.h"

/* Receive buffer of a transfer, bytes (curl's minimum is 1024). */
#define HTTP_RECV_BUFFER 1024L

struct http_job {
	struct http_job *prev, *next;
	uint64_t id;
	int64_t due_us;   /* when it may start (monotonic) */
	int64_t start_us; /* when it started, 0 before */
	char *method;
	char *url;
	struct curl_slist *headers;
	char *body; /* NULL for a request without one */
	size_t body_len;
	long timeout_ms;
	long connect_ms;
	http_done_fn *done;
	void *arg;
	CURL *easy;
	int too_large;
	char errbuf[CURL_ERROR_SIZE];
	struct http_resp resp;
};

struct job_list {
	struct http_job *head, *tail;
	size_t n;
};

struct http {
	CURLM *multi;
	long connect_ms;
	long total_ms;
	size_t max_body;
	char *ca_bundle;
	size_t max_parallel;
	uint64_t next_id;
	struct job_list queue;  /* waiting, sorted by due_us */
	struct job_list active; /* inside the multi handle */
};

/* Microseconds on the monotonic clock. */
static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
list_remove(struct job_list *l, struct http_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		l->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		l->tail = j->prev;
	j->prev = j->next = NULL;
	l->n--;
}

static void
list_append(struct job_list *l, struct http_job *j)
{
	j->next = NULL;
	j->prev = l->tail;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	l->n++;
}

/* Insert by due time; jobs due at the same time keep submission order. */
static void
list_insert_due(struct job_list *l, struct http_job *j)
{
	struct http_job *after = l->tail;

	while (after && after->due_us > j->due_us)
		after = after->prev;
	if (after == l->tail) {
		list_append(l, j);
		return;
	}
	j->prev = after;
	j->next = after ? after->next : l->head;
	j->next->prev = j;
	if (after)
		after->next = j;
	else
		l->head = j;
	l->n++;
}

static struct http_job *
list_find(const struct job_list *l, uint64_t id)
{
	for (struct http_job *j = l->head; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

/* Zero and free what the request carried: body, headers, URL. */
static void
job_drop_request(struct http_job *j)
{
	if (j->body) {
		secret_free(j->body, j->body_len ? j->body_len : 1);
		j->body = NULL;
	}
	for (struct curl_slist *s = j->headers; s; s = s->next)
		if (s->data)
			secret_zero(s->data, strlen(s->data));
	curl_slist_free_all(j->headers);
	j->headers = NULL;
}

static void
job_free(struct http_job *j)
{
	if (j->easy) {
		curl_easy_cleanup(j->easy);
		j->easy = NULL;
	}
	job_drop_request(j);
	secret_free_str(j->url);
	free(j->method);
	buf_free_secret(&j->resp.body);
	free(j->resp.content_type);
	free(j->resp.date);
	free(j->resp.error_type);
	secret_zero(j->errbuf, sizeof j->errbuf);
	free(j);
}

/* Leave the multi handle (if in it) and release the easy handle. */
static void
job_detach(struct http *h, struct http_job *j)
{
	if (j->easy) {
		curl_multi_remove_handle(h->multi, j->easy);
		curl_easy_cleanup(j->easy);
		j->easy = NULL;
	}
}

static void
set_error(struct http_job *j, const char *text)
{
	size_t n;

	snprintf(j->resp.error, sizeof j->resp.error, "%s", text);
	n = strlen(j->resp.error);
	while (n > 0 &&
	       (j->resp.error[n - 1] == '\n' || j->resp.error[n - 1] == '\r' ||
	        j->resp.error[n - 1] == ' '))
		j->resp.error[--n] = '\0';
}

/* Clear the captured headers (a new header block began). */
static void
reset_headers(struct http_resp *r)
{
	free(r->content_type);
	free(r->date);
	free(r->error_type);
	r->content_type = r->date = r->error_type = NULL;
}

/* Body callback: append, or fail the transfer once the cap is passed. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_job *j = arg;
	size_t len = size * nmemb;

	if (buf_append(&j->resp.body, p, len) != 0) {
		j->too_large = 1;
		return 0;
	}
	return len;
}

/* If the header line starts with name (any case) and a colon, store the
 * trimmed value in *slot. */
static void
capture(const char *line, size_t len, const char *name, char **slot)
{
	size_t n = strlen(name);
	const char *v, *end = line + len;

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return;
	v = line + n + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	                   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	free(*slot);
	*slot = xstrndup(v, (size_t)(end - v));
}

/* Header callback: one line at a time; a status line starts a new block
 * (after 100 Continue or a proxy's CONNECT answer). */
static size_t
on_header(char *p, size_t size, size_t nitems, void *arg)
{
	struct http_job *j = arg;
	size_t len = size * nitems;

	if (len >= 5 && strncasecmp(p, "HTTP/", 5) == 0) {
		reset_headers(&j->resp);
		return len;
	}
	capture(p, len, "Content-Type", &j->resp.content_type);
	capture(p, len, "Date", &j->resp.date);
	capture(p, len, "x-amzn-ErrorType", &j->resp.error_type);
	return len;
}

static enum http_failure
map_code(CURLcode rc, int too_large)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return HTTP_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return too_large ? HTTP_TOO_LARGE : HTTP_TRANSPORT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CLIENTCERT:
		return HTTP_TLS;
	default:
		return HTTP_TRANSPORT;
	}
}

/* Log a body at wire level only, through the redacting logger. */
static void
log_body(const char *what, const void *p, size_t len)
{
	if (log_level() < 2 || len == 0)
		return;
	log_msg(2, "http: %s body (%zu bytes): %.*s", what, len,
	        (int)(len > INT_MAX ? INT_MAX : len), (const char *)p);
}

/* Create the easy handle for a job and add it to the multi handle. */
static int
job_start(struct http *h, struct http_job *j)
{
	CURL *e = curl_easy_init();
	struct curl_slist *s;

	j->start_us = now_us();
	if (e == NULL) {
		set_error(j, "could not create a transfer");
		return -1;
	}
	j->easy = e;
	j->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)j);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, j->connect_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, j->timeout_ms);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_bundle);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* AWS answers are a few KiB: curl's smallest receive buffer, 1 KiB
	 * (its default is 16), keeps 64 concurrent transfers light at the
	 * price of a few more write callbacks. */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, HTTP_RECV_BUFFER);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	                 (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	                 (curl_off_t)(h->max_body > (size_t)INT64_MAX
	                                  ? INT64_MAX
	                                  : h->max_body));
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)j);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
	if (strcmp(j->method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(j->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		/* POST, PUT and the rest send our copy of the body (maybe
		 * empty, so a Content-Length: 0 goes out). */
		if (j->body == NULL)
			j->body = xcalloc(1, 1);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)j->body_len);
		if (strcmp(j->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, j->method);
	}
	log_msg(2, "http: #%llu %s %s", (unsigned long long)j->id, j->method,
	        j->url);
	for (s = j->headers; s && log_level() >= 2; s = s->next)
		log_msg(2, "http: #%llu > %s", (unsigned long long)j->id,
		        s->data);
	if (j->body)
		log_body("request", j->body, j->body_len);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		j->easy = NULL;
		set_error(j, "could not start a transfer");
		return -1;
	}
	return 0;
}

/* A job that failed before curl ran it. */
static void
job_fail_early(struct http_job *j, struct job_list *done)
{
	j->resp.failure = HTTP_TRANSPORT;
	j->resp.status = 0;
	job_drop_request(j);
	list_append(done, j);
}

/* Start queued jobs that are due, as long as transfer slots are free. */
static void
start_due(struct http *h, struct job_list *done)
{
	int64_t now = now_us();
	struct http_job *j;

	while ((j = h->queue.head) != NULL && j->due_us <= now &&
	       h->active.n < h->max_parallel) {
		list_remove(&h->queue, j);
		if (job_start(h, j) != 0) {
			job_fail_early(j, done);
			continue;
		}
		list_append(&h->active, j);
	}
}

/* A transfer ended: fill the response and move the job to done. */
static void
job_finish(struct http *h, struct http_job *j, CURLcode rc,
           struct job_list *done)
{
	long status = 0;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	job_detach(h, j);
	list_remove(&h->active, j);
	job_drop_request(j);
	j->resp.status = status;
	j->resp.failure = map_code(rc, j->too_large);
	j->resp.elapsed_ms = (long)((now_us() - j->start_us) / 1000);
	if (j->resp.failure == HTTP_TOO_LARGE)
		snprintf(j->resp.error, sizeof j->resp.error,
		         "response body larger than %zu bytes", h->max_body);
	else if (j->resp.failure != HTTP_OK)
		set_error(j, j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
	list_append(done, j);
}

static void
log_result(const struct http_job *j)
{
	if (log_level() < 2)
		return;
	if (j->resp.failure == HTTP_OK) {
		log_msg(2, "http: #%llu %s %s -> %ld (%ld ms)",
		        (unsigned long long)j->id, j->method, j->url,
		        j->resp.status, j->resp.elapsed_ms);
		log_body("response", j->resp.body.data, j->resp.body.len);
	} else {
		log_msg(2, "http: #%llu %s %s failed: %s (%ld ms)",
		        (unsigned long long)j->id, j->method, j->url,
		        j->resp.error, j->resp.elapsed_ms);
	}
}

/* Call back and free every job in done, in order. */
static void
run_callbacks(struct job_list *done)
{
	struct http_job *j;

	while ((j = done->head) != NULL) {
		list_remove(done, j);
		log_result(j);
		j->done(j->arg, &j->resp);
		job_free(j);
	}
}

/* curl_slist_append() that never returns NULL. */
static struct curl_slist *
slist_add(struct curl_slist *l, const char *s)
{
	struct curl_slist *n = curl_slist_append(l, s);

	if (n == NULL) {
		fprintf(stderr, "rolehop: out of memory\n");
		abort();
	}
	return n;
}

/* libcurl and the multi handle, on the first request (or wait): a command
 * whose credentials all come from the cache never loads libcurl (see
 * curlload.c). */
static void
ensure_multi(struct http *h)
{
	long par = (long)h->max_parallel;

	if (h->multi)
		return;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		h->multi = curl_multi_init();
	if (h->multi == NULL) {
		fprintf(stderr, "rolehop: cannot initialise libcurl\n");
		abort();
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, par);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, par);
}

struct http *
http_new(const struct http_opts *o)
{
	struct http *h = xcalloc(1, sizeof *h);
	long par;

	h->connect_ms = o && o->connect_timeout_ms > 0
	                    ? o->connect_timeout_ms
	                    : HTTP_DEFAULT_CONNECT_MS;
	h->total_ms = o && o->total_timeout_ms > 0 ? o->total_timeout_ms
	                                           : HTTP_DEFAULT_TOTAL_MS;
	h->max_body =
	    o && o->max_body > 0 ? o->max_body : HTTP_DEFAULT_MAX_BODY;
	h->ca_bundle =
	    o && o->ca_bundle && *o->ca_bundle ? xstrdup(o->ca_bundle) : NULL;
	par =
	    o && o->max_parallel > 0 ? o->max_parallel : HTTP_DEFAULT_PARALLEL;
	h->max_parallel = (size_t)par;
	h->next_id = 1;
	return h;
}

void
http_free(struct http *h)
{
	struct http_job *j;

	if (h == NULL)
		return;
	while ((j = h->active.head) != NULL) {
		list_remove(&h->active, j);
		job_detach(h, j);
		job_free(j);
	}
	while ((j = h->queue.head) != NULL) {
		list_remove(&h->queue, j);
		job_free(j);
	}
	if (h->multi) {
		curl_multi_cleanup(h->multi);
		curl_global_cleanup();
	}
	free(h->ca_bundle);
	free(h);
}

uint64_t
http_submit(struct http *h, const struct http_req *req, long delay_ms,
            http_done_fn *done, void *arg)
{
	struct http_job *j;

	ensure_multi(h);
	j = xcalloc(1, sizeof *j);
	j->id = h->next_id++;
	if (delay_ms < 0)
		delay_ms = 0;
	j->due_us = now_us() + (int64_t)delay_ms * 1000;
	j->method = xstrdup(req->method ? req->method : "GET");
	j->url = xstrdup(req->url);
	for (size_t i = 0; i < req->nheaders; i++)
		j->headers = slist_add(j->headers, req->headers[i]);
	/* No 100-continue round trip: send the body at once. */
	j->headers = slist_add(j->headers, "Expect:");
	if (req->body && req->body_len > 0) {
		j->body = xmalloc(req->body_len);
		memcpy(j->body, req->body, req->body_len);
		j->body_len = req->body_len;
	}
	j->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : h->total_ms;
	j->connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
	                                            : h->connect_ms;
	j->done = done;
	j->arg = arg;
	buf_init(&j->resp.body, h->max_body);
	list_insert_due(&h->queue, j);
	return j->id;
}

void
http_cancel(struct http *h, uint64_t id)
{
	struct http_job *j = list_find(&h->queue, id);

	if (j) {
		list_remove(&h->queue, j);
	} else if ((j = list_find(&h->active, id)) != NULL) {
		job_detach(h, j);
		list_remove(&h->active, j);
	} else {
		return; /* unknown, or finished and about to be called back */
	}
	job_drop_request(j);
	reset_headers(&j->resp);
	buf_reset(&j->resp.body);
	j->resp.failure = HTTP_CANCELLED;
	j->resp.status = 0;
	j->resp.elapsed_ms =
	    j->start_us ? (long)((now_us() - j->start_us) / 1000) : 0;
	set_error(j, "cancelled");
	log_result(j);
	j->done(j->arg, &j->resp);
	job_free(j);
}

void
http_cancel_all(struct http *h)
{
	/* Callbacks may queue more (but not retry a cancelled request):
	 * go on until nothing is left. */
	while (h->queue.head || h->active.head)
		http_cancel(h, h->queue.head ? h->queue.head->id
		                             : h->active.head->id);
}

size_t
http_max_parallel(const struct http *h)
{
	return h->max_parallel;
}

size_t
http_pending(const struct http *h)
{
	return h->queue.n + h->active.n;
}

long
http_timeout_ms(const struct http *h)
{
	long t = -1, q = -1;

	if (http_pending(h) == 0)
		return -1;
	if (h->active.n > 0 && curl_multi_timeout(h->multi, &t) != CURLM_OK)
		t = -1;
	if (h->queue.head && h->active.n < h->max_parallel) {
		int64_t d = h->queue.head->due_us - now_us();

		/* Round up so a wait never ends before the job is due. */
		q = d <= 0 ? 0 : (long)((d + 999) / 1000);
	}
	if (t < 0 || (q >= 0 && q < t))
		t = q;
	/* Something is pending but nobody asked for a timer: look again
	 * soon rather than report "nothing pending". */
	return t < 0 ? 1000 : t;
}

void
http_poll(struct http *h, struct curl_waitfd *extra, unsigned nextra,
          long max_ms)
{
	long t = http_timeout_ms(h), wait;

	if (max_ms < 0)
		wait = t;
	else
		wait = t >= 0 && t < max_ms ? t : max_ms;
	if (wait < 0)
		return;
	if (wait > INT_MAX)
		wait = INT_MAX;
	ensure_multi(h);
	curl_multi_poll(h->multi, extra, nextra, (int)wait, NULL);
}

void
http_pump(struct http *h)
{
	struct job_list done = {NULL, NULL, 0};
	CURLMsg *m;
	int running, left;

	if (h->multi == NULL)
		return; /* nothing was ever submitted */
	start_due(h, &done);
	curl_multi_perform(h->multi, &running);
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		CURL *e = m->easy_handle;
		CURLcode rc = m->data.result;
		char *priv = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		/* m is invalid once the handle leaves the multi handle. */
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
		if (priv)
			job_finish(h, (struct http_job *)(void *)priv, rc,
			           &done);
	}
	run_callbacks(&done);
}

void
http_wakeup(struct http *h)
{
	if (h->multi)
		curl_multi_wakeup(h->multi);
}

void
http_run(struct http *h)
{
	while (http_pending(h) > 0) {
		http_poll(h, NULL, 0, -1);
		http_pump(h);
	}
}
