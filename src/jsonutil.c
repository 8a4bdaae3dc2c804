/*
 * jsonutil - zeroing cJSON allocator and helpers.
 */
#include "config.h"

#include "jsonutil.h"

#include <malloc.h>
#include <stdlib.h>

#include "xalloc.h"

/* cJSON does not tell free() the size; glibc can. */
static void
zeroing_free(void *p)
{
	if (p == NULL)
		return;
	secret_zero(p, malloc_usable_size(p));
	free(p);
}

void
jsonutil_init(void)
{
	cJSON_Hooks hooks = {.malloc_fn = xmalloc, .free_fn = zeroing_free};

	cJSON_InitHooks(&hooks);
}

const char *
jsonutil_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *
jsonutil_print(const cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);
	char *copy;

	if (s == NULL)
		abort();
	copy = xstrdup(s);
	cJSON_free(s);
	return copy;
}

void
jsonutil_add_str(cJSON *obj, const char *name, const char *value)
{
	if (value)
		cJSON_AddStringToObject(obj, name, value);
	else
		cJSON_AddNullToObject(obj, name);
}
