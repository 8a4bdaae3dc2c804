/*
 * envsnap - the process environment as a value.
 *
 * The core never calls getenv(): commands take a snapshot once and pass it
 * down, so unit tests hand in exactly the environment they mean to test.
 *
 * Ownership: envsnap_capture() and envsnap_from() copy; envsnap_free()
 * releases (zeroing values, which may hold keys).
 */
#ifndef ROLEHOP_ENVSNAP_H
#define ROLEHOP_ENVSNAP_H

#include <stddef.h>

struct envsnap {
	char **vars; /* "NAME=value", NULL-terminated */
	size_t n;
};

/* Copy of environ. */
void envsnap_capture(struct envsnap *);
/* Copy of a NULL-terminated "NAME=value" array. */
void envsnap_from(struct envsnap *, const char *const *vars);
void envsnap_free(struct envsnap *);
/* The value, or NULL when unset. */
const char *envsnap_get(const struct envsnap *, const char *name);
/* The value when set and not empty, else NULL. */
const char *envsnap_get_nonempty(const struct envsnap *, const char *name);
/* Set (replace or add) a variable. */
void envsnap_set(struct envsnap *, const char *name, const char *value);
/* Remove a variable; no-op when unset. */
void envsnap_unset(struct envsnap *, const char *name);
/* Remove every variable whose name starts with prefix. */
void envsnap_unset_prefix(struct envsnap *, const char *prefix);

#endif
