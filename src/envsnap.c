/*
 * envsnap - an owned, editable copy of an environment.
 */
#include "config.h"

#include "envsnap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

extern char **environ;

void
envsnap_from(struct envsnap *e, const char *const *vars)
{
	size_t n = 0;

	while (vars && vars[n])
		n++;
	e->vars = xcalloc(n + 1, sizeof *e->vars);
	for (size_t i = 0; i < n; i++)
		e->vars[i] = xstrdup(vars[i]);
	e->n = n;
}

void
envsnap_capture(struct envsnap *e)
{
	envsnap_from(e, (const char *const *)environ);
}

void
envsnap_free(struct envsnap *e)
{
	for (size_t i = 0; i < e->n; i++)
		secret_free_str(e->vars[i]);
	free(e->vars);
	e->vars = NULL;
	e->n = 0;
}

static long
find(const struct envsnap *e, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (strncmp(e->vars[i], name, len) == 0 &&
		    e->vars[i][len] == '=')
			return (long)i;
	return -1;
}

const char *
envsnap_get(const struct envsnap *e, const char *name)
{
	long i = find(e, name);

	return i < 0 ? NULL : e->vars[i] + strlen(name) + 1;
}

const char *
envsnap_get_nonempty(const struct envsnap *e, const char *name)
{
	const char *v = envsnap_get(e, name);

	return v && *v ? v : NULL;
}

void
envsnap_set(struct envsnap *e, const char *name, const char *value)
{
	long i = find(e, name);
	char *kv = xasprintf("%s=%s", name, value);

	if (i >= 0) {
		secret_free_str(e->vars[i]);
		e->vars[i] = kv;
		return;
	}
	e->vars = xreallocarray(e->vars, e->n + 2, sizeof *e->vars);
	e->vars[e->n++] = kv;
	e->vars[e->n] = NULL;
}

static void
remove_at(struct envsnap *e, size_t i)
{
	secret_free_str(e->vars[i]);
	memmove(&e->vars[i], &e->vars[i + 1], (e->n - i) * sizeof *e->vars);
	e->n--;
}

void
envsnap_unset(struct envsnap *e, const char *name)
{
	long i = find(e, name);

	if (i >= 0)
		remove_at(e, (size_t)i);
}

void
envsnap_unset_prefix(struct envsnap *e, const char *prefix)
{
	size_t len = strlen(prefix);

	for (size_t i = 0; i < e->n;) {
		if (strncmp(e->vars[i], prefix, len) == 0)
			remove_at(e, i);
		else
			i++;
	}
}
