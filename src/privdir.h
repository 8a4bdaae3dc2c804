/*
 * privdir - a private directory for the files a child process is given
 * (its kubeconfig), removed when the child is done.
 *
 * The directory is made with mkdtemp (0700) under $XDG_RUNTIME_DIR when
 * that is set and usable, else under $TMPDIR or /tmp; files in it are
 * created 0600 with O_EXCL and O_NOFOLLOW, written in full and synced
 * before anyone is told their name.
 *
 * Ownership: struct privdir owns its path and the names of the files it
 * made; privdir_remove() deletes them and frees everything.
 */
#ifndef ROLEHOP_PRIVDIR_H
#define ROLEHOP_PRIVDIR_H

#include <stddef.h>

#include "envsnap.h"
#include "err.h"

struct privdir {
	char *path; /* NULL until created */
	char **files;
	size_t nfiles;
};

enum status privdir_create(struct privdir *, const struct envsnap *env,
                           struct err *);
/* Write name (no '/') with data; *path_out (borrowed, valid until
 * privdir_remove) names it. */
enum status privdir_write(struct privdir *, const char *name, const void *data,
                          size_t len, const char **path_out, struct err *);
/* Remove every file written and the directory; safe to call twice. */
void privdir_remove(struct privdir *);

#endif
