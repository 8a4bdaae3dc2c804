/*
 * jwt - the claims of a JSON Web Token's payload, for diagnostics.
 *
 * Only the payload (the second of three dot-separated base64url parts) is
 * decoded; the signature is not checked (STS does that). The claims kept
 * are the ones IAM trust policies match on: iss, sub, aud (a string or an
 * array of strings) and exp. Errors never quote the token.
 *
 * Ownership: jwt_claims_parse() fills a struct jwt_claims that
 * jwt_claims_free() releases; it copies what it keeps, and zeroes the
 * decoded payload before freeing it.
 */
#ifndef ROLEHOP_JWT_H
#define ROLEHOP_JWT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "err.h"

struct jwt_claims {
	char *iss; /* NULL when absent */
	char *sub;
	char **aud; /* naud strings */
	size_t naud;
	bool has_exp; /* exp present and in timefmt_from_number()'s range */
	time_t exp;
};

/* Decode the payload of token (len bytes, no NUL needed). ST_PARSE with a
 * message when it is not a JWT whose payload is a JSON object; out is
 * then empty (jwt_claims_free() is safe either way). */
enum status jwt_claims_parse(const char *token, size_t len,
                             struct jwt_claims *out, struct err *);
void jwt_claims_free(struct jwt_claims *);
/* Whether aud holds value. */
bool jwt_claims_has_aud(const struct jwt_claims *, const char *value);
/* The audience to show or match: sts.amazonaws.com when present, else the
 * first one, else NULL. Borrowed. */
const char *jwt_claims_main_aud(const struct jwt_claims *);
/* The audiences joined with ",", or "(none)". Caller frees. */
char *jwt_claims_aud_list(const struct jwt_claims *);
/* An issuer URL as IAM names its OIDC provider: without "https://" and
 * trailing slashes ("oidc.eks.REGION.amazonaws.com/id/ID"). Caller
 * frees. */
char *jwt_issuer_host_path(const char *iss);

#endif
