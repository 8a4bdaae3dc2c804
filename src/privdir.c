/*
 * privdir - private directories for child processes' files.
 */
#include "config.h"

#include "privdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "xalloc.h"

/* A base directory we may create in: ours and writable by nobody else,
 * or sticky like /tmp (there nobody can rename our directory away and
 * put another kubeconfig in its place). */
static int
usable_base(const char *dir)
{
	struct stat st;

	if (dir == NULL || dir[0] != '/' || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0)
		return 0;
	if (st.st_mode & S_ISVTX)
		return 1;
	return st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

enum status
privdir_create(struct privdir *d, const struct envsnap *env, struct err *e)
{
	const char *bases[] = {envsnap_get_nonempty(env, "XDG_RUNTIME_DIR"),
	                       envsnap_get_nonempty(env, "TMPDIR"), "/tmp"};
	const char *base = NULL;
	char *tmpl;

	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < sizeof bases / sizeof *bases && !base; i++)
		if (usable_base(bases[i]))
			base = bases[i];
	if (base == NULL)
		return err_set(e, ST_IO,
		               "no directory for private files: "
		               "XDG_RUNTIME_DIR, TMPDIR and /tmp are unusable");
	tmpl = xasprintf("%s/rolehop-XXXXXX", base);
	if (mkdtemp(tmpl) == NULL) {
		err_set(e, ST_IO, "cannot create a private directory in %s: %s",
		        base, strerror(errno));
		free(tmpl);
		return e->status;
	}
	d->path = tmpl;
	return ST_OK;
}

/* Write and sync a new file. */
static enum status
write_synced(int fd, const char *path, const char *p, size_t len, struct err *e)
{
	if (atomicfile_write_fd(fd, p, len) < 0)
		return err_set(e, ST_IO, "cannot write %s: %s", path,
		               strerror(errno));
	if (fsync(fd) < 0)
		return err_set(e, ST_IO, "cannot sync %s: %s", path,
		               strerror(errno));
	return ST_OK;
}

enum status
privdir_write(struct privdir *d, const char *name, const void *data, size_t len,
              const char **path_out, struct err *e)
{
	char *path;
	int fd;
	enum status st;

	if (d->path == NULL || strchr(name, '/'))
		return err_set(e, ST_RUNTIME, "bad private file name %s", name);
	path = xasprintf("%s/%s", d->path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	          0600);
	if (fd < 0) {
		err_set(e, ST_IO, "cannot create %s: %s", path,
		        strerror(errno));
		free(path);
		return e->status;
	}
	d->files = xreallocarray(d->files, d->nfiles + 1, sizeof *d->files);
	d->files[d->nfiles++] = path;
	st = write_synced(fd, path, data, len, e);
	if (close(fd) < 0 && st == ST_OK)
		st = err_set(e, ST_IO, "cannot write %s: %s", path,
		             strerror(errno));
	if (st == ST_OK)
		*path_out = path;
	return st;
}

void
privdir_remove(struct privdir *d)
{
	for (size_t i = 0; i < d->nfiles; i++) {
		unlink(d->files[i]);
		free(d->files[i]);
	}
	free(d->files);
	if (d->path)
		rmdir(d->path);
	free(d->path);
	memset(d, 0, sizeof *d);
}
