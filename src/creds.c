/*
 * creds - lifecycle of a credential set.
 */
#include "config.h"

#include "creds.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
creds_init(struct creds *c)
{
	memset(c, 0, sizeof *c);
}

void
creds_done(struct creds *c)
{
	free(c->access_key_id);
	secret_free_str(c->secret_access_key);
	secret_free_str(c->session_token);
	free(c->arn);
	free(c->account);
	free(c->user_id);
	creds_init(c);
}

void
creds_copy(struct creds *dst, const struct creds *src)
{
	dst->access_key_id = xstrdup_or_null(src->access_key_id);
	dst->secret_access_key = xstrdup_or_null(src->secret_access_key);
	dst->session_token = xstrdup_or_null(src->session_token);
	dst->expiration = src->expiration;
	dst->arn = xstrdup_or_null(src->arn);
	dst->account = xstrdup_or_null(src->account);
	dst->user_id = xstrdup_or_null(src->user_id);
}

void
creds_move(struct creds *dst, struct creds *src)
{
	creds_done(dst);
	*dst = *src;
	creds_init(src);
}

int
creds_valid(const struct creds *c)
{
	return c->access_key_id && *c->access_key_id && c->secret_access_key &&
	       *c->secret_access_key;
}
