/*
 * jwt - decoding a JWT's payload claims (no signature check).
 */
#include "config.h"

#include "jwt.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "b64.h"
#include "buf.h"
#include "timefmt.h"
#include "xalloc.h"

#define JWT_STS_AUD "sts.amazonaws.com"

static char *
claim_str(const cJSON *root, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static void
add_aud(struct jwt_claims *c, const char *s)
{
	c->aud = xreallocarray(c->aud, c->naud + 1, sizeof *c->aud);
	c->aud[c->naud++] = xstrdup(s);
}

enum status
jwt_claims_parse(const char *token, size_t len, struct jwt_claims *out,
                 struct err *e)
{
	const char *dot1, *dot2, *end = token + len;
	const cJSON *aud, *exp;
	size_t plen;
	char *payload;
	cJSON *root;

	memset(out, 0, sizeof *out);
	dot1 = memchr(token, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
	if (dot1 == NULL || dot2 == NULL || dot1 == token || dot2 == dot1 + 1 ||
	    memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)) != NULL)
		return err_set(e, ST_PARSE,
		               "not a JWT (three base64url parts joined by "
		               "dots)");
	payload = b64_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &plen);
	if (payload == NULL)
		return err_set(e, ST_PARSE, "the JWT payload is not base64url");
	root = cJSON_ParseWithLength(payload, plen);
	secret_free(payload, plen);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(e, ST_PARSE,
		               "the JWT payload is not a JSON object");
	}
	out->iss = claim_str(root, "iss");
	out->sub = claim_str(root, "sub");
	aud = cJSON_GetObjectItemCaseSensitive(root, "aud");
	if (cJSON_IsString(aud)) {
		add_aud(out, aud->valuestring);
	} else if (cJSON_IsArray(aud)) {
		const cJSON *a;

		cJSON_ArrayForEach(a, aud)
		{
			if (cJSON_IsString(a))
				add_aud(out, a->valuestring);
		}
	}
	exp = cJSON_GetObjectItemCaseSensitive(root, "exp");
	if (cJSON_IsNumber(exp) &&
	    timefmt_from_number(exp->valuedouble, &out->exp) == 0)
		out->has_exp = true;
	cJSON_Delete(root);
	return ST_OK;
}

void
jwt_claims_free(struct jwt_claims *c)
{
	free(c->iss);
	free(c->sub);
	for (size_t i = 0; i < c->naud; i++)
		free(c->aud[i]);
	free(c->aud);
	memset(c, 0, sizeof *c);
}

bool
jwt_claims_has_aud(const struct jwt_claims *c, const char *value)
{
	for (size_t i = 0; i < c->naud; i++)
		if (strcmp(c->aud[i], value) == 0)
			return true;
	return false;
}

const char *
jwt_claims_main_aud(const struct jwt_claims *c)
{
	if (jwt_claims_has_aud(c, JWT_STS_AUD))
		return JWT_STS_AUD;
	return c->naud ? c->aud[0] : NULL;
}

char *
jwt_claims_aud_list(const struct jwt_claims *c)
{
	struct buf b;

	if (c->naud == 0)
		return xstrdup("(none)");
	buf_init(&b, 1u << 16);
	for (size_t i = 0; i < c->naud; i++)
		buf_printf(&b, "%s%s", i ? "," : "", c->aud[i]);
	return buf_take(&b);
}

char *
jwt_issuer_host_path(const char *iss)
{
	const char *p = iss;
	size_t n;

	if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncmp(p, "http://", 7) == 0)
		p += 7;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	return xstrndup(p, n);
}
