/*
 * fuzz_awscfg - the AWS shared config and credentials file reader.
 *
 * The input is parsed as a config file, then as a credentials file merged
 * into the same structure (as awscfg_load() does), and every profile and
 * key found is looked up again through the public index.
 */
#include "config.h"

#include "fuzz.h"

#include "awscfg.h"

static void
walk(const struct awscfg *cfg)
{
	for (size_t i = 0; i < cfg->nprofiles; i++) {
		const struct awscfg_section *s = &cfg->profiles[i];

		if (awscfg_profile(cfg, s->name) == NULL)
			abort();
		for (size_t k = 0; k < s->nkv; k++)
			if (awscfg_get_kv(s, s->kv[k].key) == NULL)
				abort();
		(void)awscfg_get(s, "region");
		(void)awscfg_get(s, "source_profile");
	}
	for (size_t i = 0; i < cfg->nservices; i++) {
		const struct awscfg_section *s = &cfg->services[i];

		if (awscfg_services(cfg, s->name) == NULL)
			abort();
		for (size_t k = 0; k < s->nkv; k++)
			(void)awscfg_get_kv(s, s->kv[k].key);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct awscfg cfg;
	struct err e;

	awscfg_init(&cfg);
	err_clear(&e);
	(void)awscfg_parse(&cfg, "fuzz/config", (const char *)data, size, 0,
	                   &e);
	err_clear(&e);
	(void)awscfg_parse(&cfg, "fuzz/credentials", (const char *)data, size,
	                   1, &e);
	walk(&cfg);
	/* A second credentials file under another path (old_paths). */
	err_clear(&e);
	(void)awscfg_parse(&cfg, "fuzz/credentials2", (const char *)data, size,
	                   1, &e);
	walk(&cfg);
	awscfg_free(&cfg);
	return 0;
}
