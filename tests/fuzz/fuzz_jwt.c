/*
 * fuzz_jwt - the JWT claims decoders (base64url payload, then JSON): the
 * summary used for the web identity token hints, the claims doctor and
 * policy read (jwt.c), and the base64 decoder under them.
 *
 * The input is tried as a whole token, then base64url-encoded and wrapped
 * as "header.INPUT.signature", so the claims JSON is fuzzed directly.
 */
#include "config.h"

#include "fuzz.h"

#include <time.h>

#include "b64.h"
#include "err.h"
#include "jsonutil.h"
#include "jwt.h"
#include "provider.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	jsonutil_init();
	return 0;
}

/* Parse with jwt.c and use every claim accessor. */
static void
claims(const char *token)
{
	struct jwt_claims c;
	struct err e;
	char *list;

	err_clear(&e);
	if (jwt_claims_parse(token, strlen(token), &c, &e) == ST_OK) {
		(void)jwt_claims_has_aud(&c, "sts.amazonaws.com");
		(void)jwt_claims_main_aud(&c);
		list = jwt_claims_aud_list(&c);
		free(list);
	}
	jwt_claims_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const time_t now = 1764633600; /* 2025-12-02 */
	char *token = fuzz_strndup(data, size), *s, *raw;
	size_t len;

	s = provider_jwt_summary(token, now);
	free(s);
	claims(token);
	{
		char *payload = b64_encode(data, size, true);
		size_t n = strlen(payload);
		char *wrapped = malloc(n + 16);

		if (wrapped == NULL)
			abort();
		memcpy(wrapped, "eyJhbGci.", 9);
		memcpy(wrapped + 9, payload, n);
		memcpy(wrapped + 9 + n, ".sig", 5);
		s = provider_jwt_summary(wrapped, now);
		free(s);
		claims(wrapped);
		free(wrapped);
		free(payload);
	}
	raw = b64_decode((const char *)data, size, &len);
	free(raw);
	free(token);
	return 0;
}
