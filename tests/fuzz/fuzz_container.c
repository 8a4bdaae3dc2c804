/*
 * fuzz_container - the container credentials (ECS, EKS Pod Identity) and
 * IMDS JSON answer.
 */
#include "config.h"

#include "fuzz.h"

#include "creds.h"
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
	struct creds c;
	struct err e;

	err_clear(&e);
	creds_init(&c);
	if (provider_parse_container_json((const char *)data, size, &c, &e) ==
	    ST_OK) {
		if (!creds_valid(&c))
			abort();
	}
	creds_done(&c);
	return 0;
}
