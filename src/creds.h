/*
 * creds - one set of AWS credentials and what is known of its identity.
 *
 * Ownership: struct creds owns every string; creds_done() zeroes the secret
 * ones (secret key, session token) before freeing them.
 */
#ifndef ROLEHOP_CREDS_H
#define ROLEHOP_CREDS_H

#include <time.h>

struct creds {
	char *access_key_id;
	char *secret_access_key; /* secret */
	char *session_token;     /* secret; NULL for long-lived keys */
	time_t expiration;       /* 0 when the credentials do not expire */
	/* Identity, when known (from AssumeRole or GetCallerIdentity). */
	char *arn;
	char *account;
	char *user_id;
};

void creds_init(struct creds *);
void creds_done(struct creds *);
/* Deep copy of src into dst (dst is overwritten, not freed first). */
void creds_copy(struct creds *dst, const struct creds *src);
/* Move src into dst (dst is freed first); src is left empty. */
void creds_move(struct creds *dst, struct creds *src);
/* True when both keys are present. */
int creds_valid(const struct creds *);

#endif
