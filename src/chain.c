/*
 * chain - the hop engine: memoised, cached, asynchronous chain assumption.
 *
 * A chain run walks its target's hops in order. For each hop it looks up a
 * memo entry under the hop's prefix key: a finished entry is copied, a
 * pending one is waited on (the run is added to its waiters), and a
 * missing one is created and started. When a hop finishes, every waiter
 * continues with its next hop. Root hops without the network (static and
 * environment keys, credential_process) finish at once.
 */
#include "config.h"

#include "chain.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "provider.h"
#include "timefmt.h"
#include "xalloc.h"

/* IMDS is the last resort and answers on the local link: keep it short. */
#define IMDS_TIMEOUT_MS 1000
#define CONTAINER_TIMEOUT_MS 2000

struct chain_run;

struct waiter {
	struct chain_run *run;
	struct waiter *next;
};

enum memo_state { MEMO_PENDING, MEMO_DONE, MEMO_FAILED };

/* One hop prefix, shared by every run whose chain starts the same way. */
struct memo {
	char key[65];
	enum memo_state state;
	struct creds creds;
	bool from_cache;
	int clamped_from;
	struct err *err; /* MEMO_FAILED */
	struct waiter *waiters;
	struct memo *next;
};

struct chain_run {
	struct engine *eng;
	const struct target *t;
	struct chain_result *res;
	struct endpoint sts;
	char (*keys)[65];
	size_t next; /* the hop being worked on */
	bool fresh;  /* asked for fresh credentials: no disk cache */
	chain_done_fn *done;
	void *arg;
	/* IMDS: the session token and role, between its three requests. */
	char *imds_base;
	char *imds_token;
	struct memo *imds_memo;
};

static void run_step(struct chain_run *);

enum status
engine_init(struct engine *eng, const struct targets *ts,
            const struct envsnap *env, bool no_cache, long timeout_ms,
            struct err *e)
{
	struct http_opts o = {0};

	memset(eng, 0, sizeof *eng);
	o.ca_bundle = envsnap_get_nonempty(env, "AWS_CA_BUNDLE");
	if (o.ca_bundle && access(o.ca_bundle, R_OK) != 0)
		return err_set(e, ST_CONFIG, "AWS_CA_BUNDLE %s: %s",
		               o.ca_bundle, strerror(errno));
	o.total_timeout_ms = timeout_ms;
	if (timeout_ms > 0 && timeout_ms < HTTP_DEFAULT_CONNECT_MS)
		o.connect_timeout_ms = timeout_ms;
	eng->http = http_new(&o);
	awsctx_init(&eng->aws, eng->http);
	credcache_open(&eng->cache, env, no_cache);
	eng->env = env;
	eng->targets = ts;
	return ST_OK;
}

void
engine_done(struct engine *eng)
{
	struct memo *m, *next;

	http_free(eng->http);
	awsctx_done(&eng->aws);
	for (m = eng->memos; m; m = next) {
		next = m->next;
		creds_done(&m->creds);
		free(m->err);
		while (m->waiters) {
			struct waiter *w = m->waiters;

			m->waiters = w->next;
			free(w);
		}
		free(m);
	}
	credcache_close(&eng->cache);
	memset(eng, 0, sizeof *eng);
}

void
engine_forget(struct engine *eng, time_t before)
{
	struct memo **pm = &eng->memos;

	while (*pm) {
		struct memo *m = *pm;
		bool stale = m->state == MEMO_FAILED ||
		             (m->state == MEMO_DONE &&
		              (before == 0 || (m->creds.expiration &&
		                               m->creds.expiration < before)));

		if (!stale) {
			pm = &m->next;
			continue;
		}
		*pm = m->next;
		creds_done(&m->creds);
		free(m->err);
		free(m);
	}
}

void
engine_run(struct engine *eng)
{
	http_run(eng->http);
}

char *
chain_default_session_name(const struct envsnap *env)
{
	const char *user = envsnap_get_nonempty(env, "USER");
	struct buf b;

	if (user == NULL)
		user = envsnap_get_nonempty(env, "LOGNAME");
	buf_init(&b, 64);
	buf_appends(&b, "rolehop");
	if (user) {
		buf_appendc(&b, '-');
		/* RoleSessionName allows [\w+=,.@-], 2-64 characters. */
		for (const char *p = user; *p && b.len < 64; p++)
			if (isalnum((unsigned char)*p) || strchr("_+=,.@-", *p))
				buf_appendc(&b, *p);
	}
	return buf_take(&b);
}

/* Session name for a role hop. */
static char *
session_name(const struct engine *eng, const struct hop *h)
{
	return h->session_name ? xstrdup(h->session_name)
	                       : chain_default_session_name(eng->env);
}

/* Prefix keys: keys[i] identifies hops 0..i on this endpoint. */
static void
compute_keys(struct chain_run *r)
{
	const struct target *t = r->t;
	size_t n = 0, cap = 4 + t->nhops * 9;
	const char **parts = xcalloc(cap, sizeof *parts);
	char **owned = xcalloc(t->nhops * 2 + 1, sizeof *owned);
	size_t nowned = 0;

	parts[n++] = "rolehop-chain-v1";
	parts[n++] = r->sts.url;
	parts[n++] = r->sts.region;
	r->keys = xcalloc(t->nhops ? t->nhops : 1, sizeof *r->keys);
	for (size_t i = 0; i < t->nhops; i++) {
		const struct hop *h = &t->hops[i];
		char *sess = NULL, *dur;

		parts[n++] = hop_kind_name(h->kind);
		switch (h->kind) {
		case HOP_WEB_IDENTITY:
		case HOP_ASSUME_ROLE:
			sess = session_name(r->eng, h);
			owned[nowned++] = sess;
			dur = xasprintf("%d", h->duration_seconds);
			owned[nowned++] = dur;
			parts[n++] = h->role_arn;
			parts[n++] = sess;
			parts[n++] = h->external_id;
			parts[n++] = h->mfa_serial;
			parts[n++] = h->token_file;
			parts[n++] = dur;
			break;
		case HOP_STATIC:
			parts[n++] = h->access_key_id;
			break;
		case HOP_ENV:
			parts[n++] =
			    envsnap_get(r->eng->env, "AWS_ACCESS_KEY_ID");
			break;
		case HOP_PROCESS:
			parts[n++] = h->process;
			break;
		case HOP_CONTAINER:
			parts[n++] = envsnap_get(
			    r->eng->env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
			parts[n++] = envsnap_get(
			    r->eng->env,
			    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
			break;
		case HOP_IMDS:
			break;
		}
		credcache_key(parts, n, r->keys[i]);
	}
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(parts);
}

static bool
cacheable(enum hop_kind k)
{
	return k == HOP_WEB_IDENTITY || k == HOP_ASSUME_ROLE;
}

static struct memo *
memo_find(struct engine *eng, const char *key)
{
	for (struct memo *m = eng->memos; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

static struct memo *
memo_new(struct engine *eng, const char *key)
{
	struct memo *m = xcalloc(1, sizeof *m);

	memcpy(m->key, key, 65);
	m->state = MEMO_PENDING;
	creds_init(&m->creds);
	m->next = eng->memos;
	eng->memos = m;
	return m;
}

/* A finished memo becomes pending again, to be assumed anew. */
static void
memo_restart(struct memo *m)
{
	creds_done(&m->creds);
	creds_init(&m->creds);
	m->from_cache = false;
	m->clamped_from = 0;
	m->state = MEMO_PENDING;
}

static void
run_free(struct chain_run *r)
{
	endpoint_done(&r->sts);
	free(r->keys);
	free(r->imds_base);
	secret_free_str(r->imds_token);
	free(r);
}

/* Hand the result to the caller and forget the run. */
static void
run_finish(struct chain_run *r)
{
	chain_done_fn *done = r->done;
	void *arg = r->arg;
	struct chain_result *res = r->res;

	run_free(r);
	done(arg, res);
}

static void
run_fail(struct chain_run *r, const struct err *e, size_t hop)
{
	r->res->status = e->status;
	r->res->err = err_dup(e);
	r->res->failed_hop = hop;
	run_finish(r);
}

static void hop_error_prefix(struct err *, const struct target *, size_t);

/* A shared hop failed: the memo keeps the error without a target, each
 * run that waited on it reports it under its own target's name. */
static void
run_fail_shared(struct chain_run *r, const struct memo *m)
{
	struct err e = *m->err;

	hop_error_prefix(&e, r->t, r->next);
	run_fail(r, &e, r->next + 1);
}

/* A memo finished: every waiter takes the result and moves on. */
static void
memo_complete(struct memo *m)
{
	struct waiter *w = m->waiters;

	m->waiters = NULL;
	while (w) {
		struct waiter *next = w->next;
		struct chain_run *r = w->run;

		free(w);
		if (m->state == MEMO_DONE) {
			struct hop_result *hr = &r->res->hops[r->next];

			creds_done(&hr->creds);
			creds_copy(&hr->creds, &m->creds);
			hr->done = true;
			hr->from_cache = m->from_cache;
			hr->clamped_from = m->clamped_from;
			r->next++;
			run_step(r);
		} else {
			run_fail_shared(r, m);
		}
		w = next;
	}
}

static void
memo_succeed(struct engine *eng, struct memo *m, const struct hop *h,
             struct creds *c)
{
	struct err e;

	creds_move(&m->creds, c);
	m->state = MEMO_DONE;
	if (cacheable(h->kind) && m->creds.expiration &&
	    credcache_store(&eng->cache, m->key, &m->creds, &e) != ST_OK)
		fprintf(stderr, "rolehop: warning: credential cache: %s\n",
		        e.msg);
	memo_complete(m);
}

static void
memo_fail(struct memo *m, const struct err *e)
{
	m->state = MEMO_FAILED;
	m->err = err_dup(e);
	memo_complete(m);
}

/* Context of one hop's request. */
struct hop_job {
	struct chain_run *run; /* the run that started it (for endpoint) */
	struct memo *memo;
	const struct hop *hop;
	size_t index; /* 0-based hop index */
	char *token;  /* web identity token, kept for the hint */
	const struct creds *source;
};

/* "TARGET: hop N (kind role)" in front of an error. */
static void
hop_error_prefix(struct err *e, const struct target *t, size_t index)
{
	char *d = hop_describe(&t->hops[index]);

	err_prefix(e, "%s: hop %zu (%s)", t->name, index + 1, d);
	free(d);
}

/* Hints for the errors users hit most while setting chains up. */
static void
hop_error_hint(struct err *e, const struct hop_job *j)
{
	const struct hop *h = j->hop;

	if (e->hint[0])
		return;
	if (h->kind == HOP_WEB_IDENTITY &&
	    (strcmp(e->code, "AccessDenied") == 0 ||
	     strcmp(e->code, "InvalidIdentityToken") == 0 ||
	     strcmp(e->code, "ExpiredTokenException") == 0 ||
	     strcmp(e->code, "IDPRejectedClaim") == 0)) {
		char *claims = j->token
		                   ? provider_jwt_summary(j->token, time(NULL))
		                   : NULL;

		err_hint(
		    e,
		    "the trust policy of %s must allow this token (match its "
		    "sub and aud): %s",
		    h->role_arn, claims ? claims : "the token is not a JWT");
		free(claims);
	} else if (h->kind == HOP_ASSUME_ROLE &&
	           strcmp(e->code, "AccessDenied") == 0) {
		const char *who =
		    j->source && j->source->arn ? j->source->arn : "the source";

		err_hint(
		    e,
		    "%s must be allowed sts:AssumeRole on %s, and that role's "
		    "trust policy must trust it",
		    who, h->role_arn);
	} else if (strcmp(e->code, "ExpiredToken") == 0) {
		err_hint(e, "the source credentials expired; run again with "
		            "--no-cache");
	} else if (strcmp(e->code, "ValidationError") == 0 &&
	           strstr(e->msg, "DurationSeconds")) {
		err_hint(e, "role chaining is limited to 1 hour: lower "
		            "duration_seconds");
	}
}

static void
hop_job_free(struct hop_job *j)
{
	secret_free_str(j->token);
	free(j);
}

static void
hop_job_fail(struct hop_job *j, struct err *e)
{
	struct memo *m = j->memo;

	hop_error_hint(e, j);
	hop_job_free(j);
	memo_fail(m, e);
}

/* AssumeRole / AssumeRoleWithWebIdentity answered. */
static void
on_assumed(void *arg, const struct aws_result *res)
{
	struct hop_job *j = arg;
	struct engine *eng = j->run->eng;
	struct memo *m = j->memo;
	const struct hop *h = j->hop;
	struct creds c;
	struct err e = res->err;

	if (res->status == ST_OK &&
	    sts_parse_credentials(buf_str(&res->resp->body),
	                          res->resp->body.len, &c, &e) == ST_OK) {
		hop_job_free(j);
		memo_succeed(eng, m, h, &c);
		return;
	}
	hop_job_fail(j, &e);
}

/* Read a 6-digit MFA code from the terminal. */
static enum status
prompt_mfa(const char *serial, char code[16], struct err *e)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	char *prompt;
	ssize_t n;
	size_t len = 0;

	if (fd < 0)
		return err_set(
		    e, ST_CONFIG,
		    "an MFA code is needed for %s but there is no terminal",
		    serial);
	prompt = xasprintf("Enter MFA code for %s: ", serial);
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The read below fails too and reports it. */
	}
	free(prompt);
	while (len < 15 && (n = read(fd, code + len, 1)) == 1 &&
	       code[len] != '\n')
		len++;
	close(fd);
	code[len] = '\0';
	if (len != 6 || strspn(code, "0123456789") != 6)
		return err_set(e, ST_USAGE, "the MFA code must be 6 digits");
	return ST_OK;
}

static bool
is_role_credentials(const struct hop *h)
{
	return h->kind == HOP_WEB_IDENTITY || h->kind == HOP_ASSUME_ROLE;
}

static void
start_role_hop(struct chain_run *r, struct memo *m)
{
	const struct hop *h = &r->t->hops[r->next];
	struct hop_job *j = xcalloc(1, sizeof *j);
	struct sts_assume_params p = {0};
	struct aws_call call = {0};
	char *body, *sess, code[16] = "";
	struct err e;

	j->run = r;
	j->memo = m;
	j->hop = h;
	j->index = r->next;
	sess = session_name(r->eng, h);
	p.role_arn = h->role_arn;
	p.session_name = sess;
	p.external_id = h->external_id;
	p.duration_seconds = h->duration_seconds;
	call.service = "sts";
	call.ep = &r->sts;
	call.method = "POST";
	call.path = "/";
	call.content_type = STS_CONTENT_TYPE;
	call.protocol = AWS_QUERY_XML;
	if (h->kind == HOP_WEB_IDENTITY) {
		if (provider_read_token_file(h->token_file, &j->token, &e) !=
		    ST_OK) {
			free(sess);
			hop_job_fail(j, &e);
			return;
		}
		body = sts_body_assume_role_web_identity(&p, j->token);
		call.what = "AssumeRoleWithWebIdentity";
	} else {
		const struct creds *src = &r->res->hops[r->next - 1].creds;

		j->source = src;
		/* Role chaining: AWS caps the session at one hour. */
		if (r->next > 0 &&
		    is_role_credentials(&r->t->hops[r->next - 1]) &&
		    h->duration_seconds > CHAIN_MAX_CHAINED_DURATION) {
			m->clamped_from = h->duration_seconds;
			p.duration_seconds = CHAIN_MAX_CHAINED_DURATION;
			log_msg(
			    1,
			    "%s: hop %zu: duration_seconds %d clamped to %d: "
			    "role chaining is limited to 1 hour",
			    r->t->name, r->next + 1, h->duration_seconds,
			    CHAIN_MAX_CHAINED_DURATION);
		}
		if (h->mfa_serial) {
			if (!r->eng->allow_prompt) {
				err_set(&e, ST_CONFIG,
				        "an MFA code is needed for %s",
				        h->mfa_serial);
				err_hint(&e,
				         "run rolehop whoami %s on a "
				         "terminal first; the session is "
				         "then cached",
				         r->t->name);
				free(sess);
				hop_job_fail(j, &e);
				return;
			}
			if (prompt_mfa(h->mfa_serial, code, &e) != ST_OK) {
				free(sess);
				hop_job_fail(j, &e);
				return;
			}
			p.serial_number = h->mfa_serial;
			p.token_code = code;
		}
		body = sts_body_assume_role(&p);
		call.creds = src;
		call.what = "AssumeRole";
	}
	call.body = body;
	call.body_len = strlen(body);
	awsreq_submit(&r->eng->aws, &call, on_assumed, j);
	secret_free_str(body);
	free(sess);
}

/* Container credentials answered. */
static void
on_container(void *arg, const struct http_resp *resp)
{
	struct hop_job *j = arg;
	struct engine *eng = j->run->eng;
	struct memo *m = j->memo;
	const struct hop *h = j->hop;
	struct creds c;
	struct err e;

	if (resp->failure != HTTP_OK) {
		err_set(&e,
		        resp->failure == HTTP_TIMEOUT ? ST_TIMEOUT : ST_NETWORK,
		        "container credentials: %s", resp->error);
	} else if (resp->status != 200) {
		err_set(&e, ST_AWS, "container credentials: HTTP %ld",
		        resp->status);
	} else if (provider_parse_container_json(
	               buf_str(&resp->body), resp->body.len, &c, &e) == ST_OK) {
		hop_job_free(j);
		memo_succeed(eng, m, h, &c);
		return;
	}
	hop_job_fail(j, &e);
}

static void
start_container_hop(struct chain_run *r, struct memo *m)
{
	struct hop_job *j = xcalloc(1, sizeof *j);
	struct http_req req = {0};
	char *url, *auth, *hdr = NULL;
	const char *headers[2];
	struct err e;

	j->run = r;
	j->memo = m;
	j->hop = &r->t->hops[r->next];
	j->index = r->next;
	if (provider_container_request(r->eng->env, &url, &auth, &e) != ST_OK) {
		hop_job_fail(j, &e);
		return;
	}
	headers[0] = "Accept: application/json";
	req.nheaders = 1;
	if (auth) {
		hdr = xasprintf("Authorization: %s", auth);
		headers[req.nheaders++] = hdr;
	}
	req.method = "GET";
	req.url = url;
	req.headers = headers;
	req.timeout_ms = CONTAINER_TIMEOUT_MS;
	http_submit(r->eng->http, &req, 0, on_container, j);
	free(url);
	secret_free_str(auth);
	secret_free_str(hdr);
}

/* IMDSv2: PUT token, GET role name, GET credentials. */
static void imds_request(struct hop_job *, const char *method, const char *path,
                         http_done_fn *);

static void
imds_fail(struct hop_job *j, const struct http_resp *resp, const char *step)
{
	struct err e;

	if (resp->failure != HTTP_OK)
		err_set(&e,
		        resp->failure == HTTP_TIMEOUT ? ST_TIMEOUT : ST_NETWORK,
		        "instance metadata (%s): %s", step, resp->error);
	else
		err_set(&e, ST_AWS, "instance metadata (%s): HTTP %ld", step,
		        resp->status);
	err_hint(&e, "this machine has no instance profile, or IMDS is not "
	             "reachable from here");
	hop_job_fail(j, &e);
}

static void
on_imds_creds(void *arg, const struct http_resp *resp)
{
	struct hop_job *j = arg;
	struct memo *m = j->memo;
	struct engine *eng = j->run->eng;
	const struct hop *h = j->hop;
	struct creds c;
	struct err e;

	if (resp->failure != HTTP_OK || resp->status != 200) {
		imds_fail(j, resp, "credentials");
		return;
	}
	if (provider_parse_container_json(buf_str(&resp->body), resp->body.len,
	                                  &c, &e) != ST_OK) {
		hop_job_fail(j, &e);
		return;
	}
	hop_job_free(j);
	memo_succeed(eng, m, h, &c);
}

static void
on_imds_role(void *arg, const struct http_resp *resp)
{
	struct hop_job *j = arg;
	char *role, *path;
	size_t n;

	if (resp->failure != HTTP_OK || resp->status != 200 ||
	    resp->body.len == 0) {
		imds_fail(j, resp, "role name");
		return;
	}
	role = xstrdup(buf_str(&resp->body));
	n = strcspn(role, "\r\n");
	role[n] = '\0';
	path = xasprintf("/latest/meta-data/iam/security-credentials/%s", role);
	imds_request(j, "GET", path, on_imds_creds);
	free(path);
	free(role);
}

static void
on_imds_token(void *arg, const struct http_resp *resp)
{
	struct hop_job *j = arg;
	struct chain_run *r = j->run;

	if (resp->failure != HTTP_OK || resp->status != 200) {
		imds_fail(j, resp, "session token");
		return;
	}
	secret_free_str(r->imds_token);
	r->imds_token = xstrdup(buf_str(&resp->body));
	imds_request(j, "GET", "/latest/meta-data/iam/security-credentials/",
	             on_imds_role);
}

static void
imds_request(struct hop_job *j, const char *method, const char *path,
             http_done_fn *done)
{
	struct chain_run *r = j->run;
	struct http_req req = {0};
	const char *headers[1];
	char *url = xasprintf("%s%s", r->imds_base, path), *hdr;

	if (strcmp(method, "PUT") == 0)
		hdr = xstrdup("X-aws-ec2-metadata-token-ttl-seconds: 21600");
	else
		hdr = xasprintf("X-aws-ec2-metadata-token: %s", r->imds_token);
	headers[0] = hdr;
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.nheaders = 1;
	req.timeout_ms = IMDS_TIMEOUT_MS;
	req.connect_timeout_ms = IMDS_TIMEOUT_MS;
	http_submit(r->eng->http, &req, 0, done, j);
	free(url);
	secret_free_str(hdr);
}

static void
start_imds_hop(struct chain_run *r, struct memo *m)
{
	struct hop_job *j = xcalloc(1, sizeof *j);
	struct err e;

	j->run = r;
	j->memo = m;
	j->hop = &r->t->hops[r->next];
	j->index = r->next;
	free(r->imds_base);
	r->imds_base = provider_imds_base(r->eng->env, &e);
	if (r->imds_base == NULL) {
		hop_job_fail(j, &e);
		return;
	}
	imds_request(j, "PUT", "/latest/api/token", on_imds_token);
}

/* Root hops that need no network finish here and now. */
static void
start_local_hop(struct chain_run *r, struct memo *m)
{
	const struct hop *h = &r->t->hops[r->next];
	struct engine *eng = r->eng;
	struct creds c;
	struct err e;
	enum status st = ST_OK;
	struct hop_job j = {.run = r, .memo = m, .hop = h, .index = r->next};

	creds_init(&c);
	switch (h->kind) {
	case HOP_STATIC:
		c.access_key_id = xstrdup(h->access_key_id);
		c.secret_access_key = xstrdup(h->secret_access_key);
		c.session_token = xstrdup_or_null(h->session_token);
		break;
	case HOP_ENV:
		st = provider_env_creds(eng->env, &c, &e);
		break;
	case HOP_PROCESS:
		st = provider_process(h->process, eng->env, &c, &e);
		break;
	default:
		abort();
	}
	if (st != ST_OK) {
		hop_error_hint(&e, &j);
		memo_fail(m, &e);
		return;
	}
	memo_succeed(eng, m, h, &c);
}

static void
start_hop(struct chain_run *r, struct memo *m)
{
	switch (r->t->hops[r->next].kind) {
	case HOP_WEB_IDENTITY:
	case HOP_ASSUME_ROLE:
		start_role_hop(r, m);
		break;
	case HOP_CONTAINER:
		start_container_hop(r, m);
		break;
	case HOP_IMDS:
		start_imds_hop(r, m);
		break;
	default:
		start_local_hop(r, m);
		break;
	}
}

/* Continue with the next hop, or finish. */
static void
run_step(struct chain_run *r)
{
	struct memo *m = NULL;
	struct waiter *w;

	while (r->next < r->t->nhops) {
		m = memo_find(r->eng, r->keys[r->next]);
		if (m == NULL)
			break;
		if (r->fresh && m->state == MEMO_DONE && m->from_cache) {
			/* Another run (the discovery that came with a refresh)
			 * took this hop from the disk cache after this one
			 * began: this one asked for fresh credentials. */
			memo_restart(m);
			break;
		}
		if (m->state == MEMO_PENDING) {
			w = xcalloc(1, sizeof *w);
			w->run = r;
			w->next = m->waiters;
			m->waiters = w;
			return;
		}
		if (m->state == MEMO_FAILED) {
			run_fail_shared(r, m);
			return;
		}
		creds_done(&r->res->hops[r->next].creds);
		creds_copy(&r->res->hops[r->next].creds, &m->creds);
		r->res->hops[r->next].done = true;
		r->res->hops[r->next].from_cache = m->from_cache;
		r->res->hops[r->next].clamped_from = m->clamped_from;
		r->next++;
	}
	if (r->next == r->t->nhops) {
		r->res->status = ST_OK;
		run_finish(r);
		return;
	}
	if (m == NULL)
		m = memo_new(r->eng, r->keys[r->next]);
	w = xcalloc(1, sizeof *w);
	w->run = r;
	m->waiters = w;
	start_hop(r, m);
}

/* Memoise fresh cache entries so the run starts after the last one. The
 * hops before it are shown from the cache when still valid, else marked
 * skipped. */
static void
seed_from_cache(struct chain_run *r)
{
	struct engine *eng = r->eng;
	time_t now = time(NULL);
	size_t last = 0;
	bool found = false;

	for (size_t i = r->t->nhops; i-- > 0;) {
		struct memo *m = memo_find(eng, r->keys[i]);
		struct creds c;

		if (m && m->state == MEMO_DONE) {
			last = i;
			found = true;
			break;
		}
		if (m || !cacheable(r->t->hops[i].kind))
			continue;
		if (credcache_load(&eng->cache, r->keys[i], now,
		                   CREDCACHE_MIN_REMAINING, &c) == 0) {
			m = memo_new(eng, r->keys[i]);
			creds_move(&m->creds, &c);
			m->state = MEMO_DONE;
			m->from_cache = true;
			last = i;
			found = true;
			break;
		}
	}
	if (!found)
		return;
	for (size_t i = 0; i < last; i++) {
		struct hop_result *hr = &r->res->hops[i];
		struct memo *m = memo_find(eng, r->keys[i]);
		struct creds c;

		if (m && m->state == MEMO_DONE) {
			creds_copy(&hr->creds, &m->creds);
			hr->done = true;
			hr->from_cache = m->from_cache;
		} else if (cacheable(r->t->hops[i].kind) &&
		           credcache_load(&eng->cache, r->keys[i], now, 0,
		                          &c) == 0) {
			creds_move(&hr->creds, &c);
			hr->done = true;
			hr->from_cache = true;
		} else {
			hr->skipped = true;
		}
	}
	r->next = last;
}

/* Whether any hop talks to STS (the others need no endpoint or region). */
static bool
needs_sts(const struct target *t)
{
	for (size_t i = 0; i < t->nhops; i++)
		if (cacheable(t->hops[i].kind))
			return true;
	return false;
}

void
chain_assume(struct engine *eng, const struct target *t, chain_done_fn *done,
             void *arg)
{
	struct chain_run *r = xcalloc(1, sizeof *r);
	struct chain_result *res = xcalloc(1, sizeof *res);
	struct err e;

	res->target = t;
	res->nhops = t->nhops;
	res->hops = xcalloc(t->nhops ? t->nhops : 1, sizeof *res->hops);
	r->eng = eng;
	r->t = t;
	r->res = res;
	r->done = done;
	r->arg = arg;
	r->fresh = eng->fresh;
	if (t->error) {
		err_set(&e, t->error_status, "%s: %s", t->name, t->error);
		if (t->error_hint)
			err_hint(&e, "%s", t->error_hint);
		run_fail(r, &e, 0);
		return;
	}
	if (targets_endpoint(eng->targets, t, eng->env, "sts", &r->sts, &e) !=
	        ST_OK &&
	    needs_sts(t)) {
		err_prefix(&e, "%s", t->name);
		run_fail(r, &e, 0);
		return;
	}
	compute_keys(r);
	if (!eng->fresh)
		seed_from_cache(r);
	run_step(r);
}

void
chain_result_free(struct chain_result *res)
{
	if (res == NULL)
		return;
	for (size_t i = 0; i < res->nhops; i++)
		creds_done(&res->hops[i].creds);
	free(res->hops);
	free(res->err);
	free(res);
}

const struct creds *
chain_final(const struct chain_result *res)
{
	if (res->status != ST_OK || res->nhops == 0)
		return NULL;
	return &res->hops[res->nhops - 1].creds;
}

/* GetCallerIdentity in flight. */
struct identity_job {
	const struct target *t;
	identity_done_fn *done;
	void *arg;
};

static void
on_identity(void *arg, const struct aws_result *res)
{
	struct identity_job *j = arg;
	struct sts_identity id = {0};
	struct err e = res->err;
	enum status st = res->status;

	if (st == ST_OK)
		st = sts_parse_caller_identity(buf_str(&res->resp->body),
		                               res->resp->body.len, &id, &e);
	if (st != ST_OK)
		err_prefix(&e, "%s: GetCallerIdentity", j->t->name);
	j->done(j->arg, st, st == ST_OK ? &id : NULL, &e);
	sts_identity_done(&id);
	free(j);
}

void
chain_caller_identity(struct engine *eng, const struct target *t,
                      const struct creds *c, identity_done_fn *done, void *arg)
{
	struct identity_job *j = xcalloc(1, sizeof *j);
	struct aws_call call = {0};
	struct endpoint ep;
	struct err e;
	char *body;

	j->t = t;
	j->done = done;
	j->arg = arg;
	if (targets_endpoint(eng->targets, t, eng->env, "sts", &ep, &e) !=
	    ST_OK) {
		err_prefix(&e, "%s", t->name);
		done(arg, e.status, NULL, &e);
		free(j);
		return;
	}
	body = sts_body_get_caller_identity();
	call.service = "sts";
	call.ep = &ep;
	call.method = "POST";
	call.path = "/";
	call.body = body;
	call.body_len = strlen(body);
	call.content_type = STS_CONTENT_TYPE;
	call.creds = c;
	call.protocol = AWS_QUERY_XML;
	call.what = "GetCallerIdentity";
	awsreq_submit(&eng->aws, &call, on_identity, j);
	secret_free_str(body);
	endpoint_done(&ep);
}
