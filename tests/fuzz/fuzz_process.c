/*
 * fuzz_process - credential_process: the command line from the config
 * file (split shell-style) and the Version 1 JSON the process prints.
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
	char *line, **argv;

	err_clear(&e);
	creds_init(&c);
	if (provider_parse_process_json((const char *)data, size, &c, &e) ==
	    ST_OK) {
		if (!creds_valid(&c))
			abort();
	}
	creds_done(&c);

	line = fuzz_strndup(data, size);
	argv = provider_split_command(line);
	provider_argv_free(argv);
	free(line);
	return 0;
}
