/*
 * sigv4 - AWS Signature Version 4, header and presigned (query) forms.
 *
 * Pure functions: the time is an input, nothing is read from the
 * environment and nothing is sent. Non-S3 rules throughout
 * (aws-protocols.md section 1): the path is normalised (unless
 * normalize is false) and percent-encoded again ("double encoding"); the
 * query is decoded then re-encoded and sorted; header values are trimmed and
 * inner whitespace runs collapsed; repeated headers are joined with ",".
 *
 * Ownership: sigv4_result_done() frees every string of a result; the
 * result holds no secret (a signature is not one), but it may hold the
 * session token inside query, which is why query is freed with
 * secret_free_str().
 */
#ifndef ROLEHOP_SIGV4_H
#define ROLEHOP_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define SIGV4_EMPTY_SHA256                                                     \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct sigv4_header {
	const char *name;  /* any case */
	const char *value; /* raw, untrimmed */
};

struct sigv4_request {
	const char *method; /* "GET", "POST" */
	const char *path;   /* as on the wire (may be raw in the suite) */
	const char *query;  /* without '?'; NULL or "" for none */
	/* Headers to sign. Must include Host. X-Amz-Date and
	 * X-Amz-Security-Token are added by the signer, never passed here. */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
};

struct sigv4_params {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL for long-lived keys */
	const char *region;
	const char *service;
	time_t now;
	long expires; /* presigned form: X-Amz-Expires */
	/* Suite switches; production uses normalize = true, sign_body =
	 * true, omit_session_token = false. */
	bool normalize;
	/* false: hash the empty body whatever the request carries. true
	 * (header form): also add and sign x-amz-content-sha256 when
	 * add_content_sha256 is set. */
	bool sign_body;
	bool add_content_sha256;
	bool omit_session_token;
};

struct sigv4_result {
	char *canonical_request;
	char *string_to_sign;
	char signature[65];
	char amz_date[17]; /* YYYYMMDDTHHMMSSZ */
	/* Header form: the Authorization header value. */
	char *authorization;
	/* Header form with sign_body and add_content_sha256: the value of the
	 * x-amz-content-sha256 header to send, else "". */
	char content_sha256[65];
	/* Presigned form: the full query to put after '?': the request's own
	 * parameters (in their given order, encoded), then X-Amz-Algorithm,
	 * X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
	 * [X-Amz-Security-Token,] X-Amz-Signature (botocore's order). */
	char *query;
};

/* Initialise params with the production defaults (normalize, sign_body). */
void sigv4_params_init(struct sigv4_params *);

/* Header form. The caller sends: its headers, X-Amz-Date: amz_date,
 * X-Amz-Security-Token (when a token is set and not omitted),
 * x-amz-content-sha256 when content_sha256 is not empty, and
 * Authorization. 0 on success, -1 on malformed input. */
int sigv4_sign_headers(const struct sigv4_request *,
                       const struct sigv4_params *, struct sigv4_result *);

/* Presigned (query) form. 0 on success, -1 on malformed input. */
int sigv4_presign(const struct sigv4_request *, const struct sigv4_params *,
                  struct sigv4_result *);

void sigv4_result_done(struct sigv4_result *);

/* Lower-case hex SHA-256 of data (out: 65 bytes). */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* Percent-encode with the SigV4 rule: keep A-Z a-z 0-9 - _ . ~ (and '/'
 * when keep_slash), %XX upper-case for everything else. Caller frees. */
char *sigv4_uri_encode(const char *s, size_t len, bool keep_slash);

#endif
