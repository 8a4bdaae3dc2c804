/*
 * sts - STS query API: form bodies and expat-parsed XML answers
 * (aws-protocols.md section 2).
 *
 * Pure functions on bytes: no network, no clock. Bodies are
 * "Action=<Op>&Version=2011-06-15&..." with every key and value encoded
 * with the SigV4 rule (':' '/' '=' '+' all encoded), as moto's router
 * needs.
 *
 * Parsing matches elements by local name (namespace ignored), collects
 * character data across callbacks, takes the first <Error> at any depth
 * (real STS and moto's <Errors> wrapper alike), accepts Expiration with or
 * without fractional seconds, and rejects truncated or malformed XML.
 *
 * Ownership: builders return a string the caller frees with
 * secret_free_str() (the web identity body holds the token). Parsed
 * credentials go into a struct creds the caller owns.
 */
#ifndef ROLEHOP_STS_H
#define ROLEHOP_STS_H

#include <stddef.h>

#include "creds.h"
#include "err.h"

#define STS_API_VERSION "2011-06-15"
#define STS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

struct sts_assume_params {
	const char *role_arn;
	const char *session_name;
	const char *external_id;   /* NULL to omit */
	int duration_seconds;      /* 0 to omit */
	const char *serial_number; /* MFA; NULL to omit */
	const char *token_code;    /* MFA code; NULL to omit */
};

char *sts_body_assume_role(const struct sts_assume_params *);
/* duration_seconds of p is ignored unless > 0; the token is sent as is. */
char *sts_body_assume_role_web_identity(const struct sts_assume_params *,
                                        const char *web_identity_token);
char *sts_body_get_caller_identity(void);

/* An STS error answer. */
struct sts_error {
	char code[64];
	char message[512];
	char type[16]; /* Sender / Receiver */
};

/* Parse an AssumeRole or AssumeRoleWithWebIdentity answer into out
 * (AccessKeyId, SecretAccessKey, SessionToken, Expiration, and the
 * AssumedRoleUser Arn as out->arn, the AssumedRoleId as out->user_id and
 * the account taken from the ARN as out->account). ST_PARSE with a
 * message when the XML is malformed, truncated, or lacks a field.
 * out is initialised here (any old content is not freed) and left empty
 * on failure. An error answer gives ST_AWS with the AWS code in e->code
 * and the AWS message alone in e->msg. Inputs over 1 MiB, any DOCTYPE
 * and single values over 64 KiB are refused (ST_PARSE); messages never
 * quote the body. AssumedRoleId is optional (out->user_id NULL). */
enum status sts_parse_credentials(const char *xml, size_t len,
                                  struct creds *out, struct err *);

struct sts_identity {
	char *account;
	char *arn;
	char *user_id;
};
/* UserId, Account and Arn are required. out is initialised here, left
 * empty on failure; the caller frees it with sts_identity_done(). Errors
 * as for sts_parse_credentials(). */
enum status sts_parse_caller_identity(const char *xml, size_t len,
                                      struct sts_identity *out, struct err *);
void sts_identity_done(struct sts_identity *);

/* Find the first <Error> at any depth. 0 when found (out filled, fields
 * cut to fit on a UTF-8 boundary), -1 (out zeroed) when the body is not
 * well-formed XML or has no Error element. */
int sts_parse_error(const char *xml, size_t len, struct sts_error *out);

/* The 12-digit account of an ARN (arn:aws:sts::123456789012:...), copied
 * into out; -1 (out "") when there is none. */
int sts_arn_account(const char *arn, char out[13]);

#endif
