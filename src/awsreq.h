/*
 * awsreq - one AWS API call: sign, send, classify, retry.
 *
 * Each attempt is signed afresh (SigV4 header form, or unsigned for
 * AssumeRoleWithWebIdentity) and sent on the shared http client. Failures
 * are classified by retry.h (standard mode); the error code comes from the
 * STS XML <Error> (query protocol) or from x-amzn-ErrorType and the JSON
 * body (rest-json, EKS). The final result reaches the callback once.
 *
 * Bulk work (a DescribeCluster for every cluster of 200 targets) is
 * deferred: awsreq_defer() keeps only a function and its argument, and
 * calls it to submit the call once fewer than max_inflight calls are out.
 * A thousand waiting calls then cost a few bytes each rather than a signed
 * request each, and calls submitted directly (an assume the operator asked
 * for) go ahead of the deferred ones.
 *
 * Ownership: awsreq_submit() copies the call (the body and credentials are
 * zeroed when the call ends). The result passed to the callback is
 * borrowed and valid only during the call.
 */
#ifndef ROLEHOP_AWSREQ_H
#define ROLEHOP_AWSREQ_H

#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "endpoint.h"
#include "err.h"
#include "http.h"
#include "retry.h"

/* Starts a deferred call: submits it with awsreq_submit(), or reports its
 * failure to its own caller. */
typedef void aws_start_fn(void *arg);

struct aws_deferred;

struct awsctx {
	struct http *http;
	struct retry_quota quota;
	long skew_seconds; /* server time minus local time */
	unsigned rand_state;
	size_t inflight;     /* calls submitted and not yet finished */
	size_t max_inflight; /* deferred calls start only below this */
	struct aws_deferred *deferred, *deferred_tail; /* FIFO */
	int starting;   /* inside start_deferred(): no nesting */
	int cancelling; /* awsreq_cancel_all(): calls end at once */
};

enum aws_protocol {
	AWS_QUERY_XML, /* STS */
	AWS_REST_JSON, /* EKS */
};

struct aws_call {
	const char *service;       /* signing name: "sts", "eks" */
	const struct endpoint *ep; /* base URL and signing region */
	const char *method;
	const char *path; /* after the endpoint's base path: "/", "/clusters" */
	const char *query; /* already encoded, or NULL */
	const char *body;  /* may be secret */
	size_t body_len;
	const char *content_type;  /* signed when set */
	const struct creds *creds; /* NULL: send unsigned */
	enum aws_protocol protocol;
	const char *what; /* "AssumeRole" etc., for messages and logs */
};

struct aws_result {
	enum status status;           /* ST_OK for a 2xx answer */
	struct err err;               /* filled when status != ST_OK */
	const struct http_resp *resp; /* the last answer (NULL if none) */
	int attempts;
};

typedef void aws_done_fn(void *arg, const struct aws_result *);

void awsctx_init(struct awsctx *, struct http *);
/* Forget deferred calls without starting them (nothing is called back:
 * call it once everything has run, or after awsreq_cancel_all()). */
void awsctx_done(struct awsctx *);
void awsreq_submit(struct awsctx *, const struct aws_call *, aws_done_fn *,
                   void *arg);
/* Call start(arg) when a slot is free: now, or when an earlier call ends.
 * Deferred calls start in the order they were deferred. */
void awsreq_defer(struct awsctx *, aws_start_fn *start, void *arg);
/* Calls waiting to start. */
size_t awsreq_deferred(const struct awsctx *);
/* End everything: deferred calls start and end at once as cancelled,
 * then every request in flight is cancelled (http_cancel_all). */
void awsreq_cancel_all(struct awsctx *);
/* Server time minus local time, from the Date header of an answer that
 * arrived now after elapsed_ms. -1 when the header is missing or
 * unreadable. */
int awsreq_answer_skew(const struct http_resp *, long *skew);
/* Parse an EKS-style error: code from x-amzn-ErrorType (text before the
 * first ':' then after the last '#'), else body code/Code/__type; message
 * from body message/Message. -1 when nothing usable was found. */
int awsreq_json_error(const char *error_type, const char *body, size_t len,
                      char *code, size_t codelen, char *msg, size_t msglen);

#endif
