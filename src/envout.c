/*
 * envout - env statements for eval.
 */
#include "config.h"

#include "envout.h"

#include <stdbool.h>
#include <string.h>

#include "jsonutil.h"
#include "shquote.h"
#include "xalloc.h"

/* Variable name of a "NAME=value" entry, copied into name. */
static void
var_name(const char *kv, char *name, size_t len)
{
	size_t n = strcspn(kv, "=");

	if (n >= len)
		n = len - 1;
	memcpy(name, kv, n);
	name[n] = '\0';
}

void
envout_print(FILE *out, const struct envsnap *before,
             const struct envsnap *after, const char *fmt)
{
	bool fish = strcmp(fmt, "fish") == 0;
	cJSON *json = strcmp(fmt, "json") == 0 ? cJSON_CreateObject() : NULL;

	/* Unset what is lost, set what is gained or changed. */
	for (size_t i = 0; i < before->n; i++) {
		char name[256];

		var_name(before->vars[i], name, sizeof name);
		if (envsnap_get(after, name) != NULL ||
		    !shquote_valid_name(name))
			continue;
		if (json)
			cJSON_AddNullToObject(json, name);
		else
			fprintf(out, fish ? "set -e %s;\n" : "unset %s;\n",
			        name);
	}
	for (size_t i = 0; i < after->n; i++) {
		char name[256];
		const char *v, *old;
		char *q;

		var_name(after->vars[i], name, sizeof name);
		v = after->vars[i] + strlen(name) + 1;
		old = envsnap_get(before, name);
		if ((old && strcmp(old, v) == 0) || !shquote_valid_name(name))
			continue;
		if (json) {
			cJSON_AddStringToObject(json, name, v);
			continue;
		}
		q = fish ? shquote_fish(v) : shquote_sh(v);
		fprintf(out, fish ? "set -gx %s %s;\n" : "export %s=%s;\n",
		        name, q);
		secret_free_str(q);
	}
	if (json) {
		char *text = cJSON_Print(json);

		fprintf(out, "%s\n", text);
		secret_free_str(text);
		cJSON_Delete(json);
	}
}
