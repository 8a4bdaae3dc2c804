/*
 * credcache - assumed-role credentials on disk, keyed by the whole chain.
 *
 * Location: $XDG_CACHE_HOME/rolehop (default ~/.cache/rolehop), created
 * 0700. One JSON file per key, 0600, written atomically (temp file in the
 * same directory opened O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, write, fsync,
 * rename, fsync of the directory). A file (or the directory) that is not
 * owned by the effective user or has any group/other permission bit is
 * ignored with a warning on stderr; so is a file that does not parse.
 * Files are opened with O_NOFOLLOW and checked with fstat (no
 * lstat-then-open race).
 *
 * The key is a SHA-256 over every part that determines the identity: the
 * root source (its kind and non-secret identifier), every hop's role ARN,
 * session name and external id, the region and the endpoint. Only
 * short-lived STS credentials are stored, never long-lived keys and never
 * the web identity token.
 *
 * Ownership: credcache_open() fills a struct credcache that
 * credcache_close() releases. credcache_load() fills a struct creds the
 * caller owns.
 */
#ifndef ROLEHOP_CREDCACHE_H
#define ROLEHOP_CREDCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "envsnap.h"
#include "err.h"

/* Entries are reused only while more than this many seconds remain. */
#define CREDCACHE_MIN_REMAINING 300

struct credcache {
	char *dir;     /* NULL when the cache is disabled */
	bool disabled; /* --no-cache: neither read nor write */
};

/* Work out the directory from env (XDG_CACHE_HOME, HOME) and create it
 * (0700) when missing. When disabled, or when no directory can be used
 * (a warning is printed), the cache silently does nothing. */
void credcache_open(struct credcache *, const struct envsnap *env,
                    bool disabled);
void credcache_close(struct credcache *);

/* Key for parts[0..n-1] (lower-case hex, 64 chars + NUL). Parts may be
 * NULL (hashed distinctly from ""). */
void credcache_key(const char *const *parts, size_t n, char out[65]);

/* 0 and out filled when a fresh entry (more than min_remaining seconds
 * left at now) exists for key; -1 otherwise. out is overwritten, not freed
 * first, and left untouched on -1. */
int credcache_load(const struct credcache *, const char *key, time_t now,
                   long min_remaining, struct creds *out);

/* Store c (which must expire) under key. Errors are returned, but callers
 * treat them as warnings: a failed cache write never fails a command. */
enum status credcache_store(const struct credcache *, const char *key,
                            const struct creds *c, struct err *);

/* Remove the entry for key, if any. */
void credcache_remove(const struct credcache *, const char *key);

#endif
