/*
 * fuzz_rhconfig - the rolehop YAML configuration file.
 *
 * The input is parsed twice into the same structure (parse releases what
 * it held first), and every target is looked up again by name.
 */
#include "config.h"

#include "fuzz.h"

#include "rhconfig.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rhconfig cfg;
	struct err e;

	rhconfig_init(&cfg);
	for (int round = 0; round < 2; round++) {
		err_clear(&e);
		if (rhconfig_parse(&cfg, "fuzz.yaml", (const char *)data, size,
		                   &e) != ST_OK) {
			if (cfg.path != NULL || cfg.ntargets != 0)
				abort(); /* must be left empty */
			continue;
		}
		for (size_t i = 0; i < cfg.ntargets; i++)
			if (rhconfig_target(&cfg, cfg.targets[i].name) == NULL)
				abort();
	}
	rhconfig_free(&cfg);
	return 0;
}
