/*
 * fuzz_jwt - the JWT claims decoder (base64url payload, then JSON) used
 * for the web identity token hints, and the base64 decoder under it.
 *
 * The input is tried as a whole token, then base64url-encoded and wrapped
 * as "header.INPUT.signature", so the claims JSON is fuzzed directly.
 */
#include "config.h"

#include "fuzz.h"

#include <time.h>

#include "b64.h"
#include "jsonutil.h"
#include "provider.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	jsonutil_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const time_t now = 1764633600; /* 2025-12-02 */
	char *token = fuzz_strndup(data, size), *s, *raw;
	size_t len;

	s = provider_jwt_summary(token, now);
	free(s);
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
		free(wrapped);
		free(payload);
	}
	raw = b64_decode((const char *)data, size, &len);
	free(raw);
	free(token);
	return 0;
}
