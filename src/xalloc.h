/*
 * xalloc - allocation that never returns NULL, and secret-safe freeing.
 *
 * Out of memory aborts the program with a message (htop/tmux style): no
 * caller checks for NULL. Every buffer that may hold a secret (keys, session
 * tokens, web identity tokens, EKS tokens) is released with secret_free() or
 * secret_free_str(), which zero it first with explicit_bzero().
 *
 * Ownership: every x*() function returns memory the caller frees.
 */
#ifndef ROLEHOP_XALLOC_H
#define ROLEHOP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
/* NULL in, NULL out. */
char *xstrdup_or_null(const char *);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Zero len bytes at p, in a way the compiler may not optimise away. */
void secret_zero(void *p, size_t len);
/* Zero then free a buffer of len bytes. NULL is allowed. */
void secret_free(void *p, size_t len);
/* Zero then free a NUL-terminated string. NULL is allowed. */
void secret_free_str(char *);

#endif
