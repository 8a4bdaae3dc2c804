/*
 * atomicfile - temporary file, fsync, rename, fsync of the directory.
 *
 * Every file is handled through its directory's descriptor and its name
 * in that directory (struct place), so the temporary file, the checks on
 * the target and the rename all happen in the same directory even if
 * the path's upper components change meanwhile. A backup is a second
 * replacement whose content is copied from the current target before
 * the target itself is replaced.
 */
#include "config.h"

#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

/* Attempts at a fresh temporary name before giving up. */
#define ATOMICFILE_TMP_TRIES 64
/* Bytes of the target's name kept in a temporary name (NAME_MAX). */
#define ATOMICFILE_TMP_NAME 200

/* A file as its directory (open) and its name in that directory. */
struct place {
	const char *path; /* as given, for messages */
	char *dir;
	const char *base; /* points into path */
	int dfd;
};

/* What goes into a new file: bytes, or the whole content of src_fd. */
struct payload {
	const void *data;
	size_t len;
	int src_fd; /* -1: use data */
};

/* The mode and owner a replacement gets. */
struct attrs {
	mode_t mode;
	bool chown; /* give it uid and gid (the previous file's) */
	uid_t uid;
	gid_t gid;
};

static void
place_close(struct place *pl)
{
	if (pl->dfd >= 0)
		close(pl->dfd);
	free(pl->dir);
	pl->dfd = -1;
	pl->dir = NULL;
}

/* Split path into directory and name and open the directory. */
static enum status
place_open(struct place *pl, const char *path, struct err *e)
{
	const char *slash = strrchr(path, '/');

	pl->path = path;
	pl->dfd = -1;
	if (slash == NULL)
		pl->dir = xstrdup(".");
	else if (slash == path)
		pl->dir = xstrdup("/");
	else
		pl->dir = xstrndup(path, (size_t)(slash - path));
	pl->base = slash ? slash + 1 : path;
	if (*pl->base == '\0' || strcmp(pl->base, ".") == 0 ||
	    strcmp(pl->base, "..") == 0) {
		place_close(pl);
		return err_set(e, ST_IO, "%s: not a file name", path);
	}
	pl->dfd = open(pl->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pl->dfd < 0) {
		int saved = errno;

		err_set(e, ST_IO, "%s: cannot open directory %s: %s", path,
		        pl->dir, strerror(saved));
		place_close(pl);
		return ST_IO;
	}
	return ST_OK;
}

/* Look at the file the place names: *exists, and its status in st. A
 * file that is there must be a regular file. */
static enum status
place_stat(const struct place *pl, bool *exists, struct stat *st, struct err *e)
{
	*exists = false;
	if (fstatat(pl->dfd, pl->base, st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return ST_OK;
		return err_set(e, ST_IO, "%s: %s", pl->path, strerror(errno));
	}
	if (!S_ISREG(st->st_mode))
		return err_set(e, ST_IO, "%s: not a regular file%s", pl->path,
		               S_ISLNK(st->st_mode) ? " (a symbolic link)"
		                                    : "");
	*exists = true;
	return ST_OK;
}

int
atomicfile_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy everything from src (at its current offset) to fd. The buffer is
 * zeroed afterwards: the content may be secret. */
static int
copy_all(int fd, int src)
{
	char chunk[65536];
	int rc;

	for (;;) {
		ssize_t n = read(src, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -1 : 0;
			break;
		}
		if (atomicfile_write_fd(fd, chunk, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	}
	secret_zero(chunk, sizeof chunk);
	return rc;
}

/* 64 bits that are unlikely to repeat (the name is also O_EXCL). */
static uint64_t
temp_suffix(void)
{
	static uint64_t counter;
	uint64_t v;

	if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
		return v;
	return ((uint64_t)getpid() << 40) ^ (uint64_t)time(NULL) ^
	       ++counter * 0x9e3779b97f4a7c15ull;
}

/* Create a fresh temporary file next to the place's name: a descriptor
 * and its name (caller frees), or -1 with errno set. */
static int
temp_create(const struct place *pl, char **name)
{
	for (int i = 0; i < ATOMICFILE_TMP_TRIES; i++) {
		int fd;

		*name = xasprintf(".%.*s.%016llx.tmp", ATOMICFILE_TMP_NAME,
		                  pl->base, (unsigned long long)temp_suffix());
		fd = openat(
		    pl->dfd, *name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		free(*name);
		*name = NULL;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Fill an open temporary file: mode, owner, content, fsync, close. NULL
 * on success, else what failed (errno set). fd is closed either way. */
static const char *
temp_fill(int fd, const struct payload *p, const struct attrs *a)
{
	const char *step = NULL;
	int saved = 0;

	/* Best effort: only root may give a file away. The owner first, as
	 * a change of owner may clear mode bits. */
	if (a->chown && fchown(fd, a->uid, a->gid) < 0 && errno != EPERM &&
	    errno != EINVAL)
		step = "cannot set the owner";
	if (step == NULL && fchmod(fd, a->mode) < 0)
		step = "cannot set the mode";
	if (step == NULL &&
	    (p->src_fd >= 0 ? copy_all(fd, p->src_fd)
	                    : atomicfile_write_fd(fd, p->data, p->len)) < 0)
		step = "cannot write";
	if (step == NULL && fsync(fd) < 0)
		step = "cannot sync";
	saved = errno;
	if (close(fd) < 0 && step == NULL) {
		step = "cannot write";
		saved = errno;
	}
	errno = saved;
	return step;
}

/* Replace the place's file with the payload, given its new attributes. */
static enum status
place_replace(const struct place *pl, const struct payload *p,
              const struct attrs *a, struct err *e)
{
	const char *step;
	char *tmp = NULL;
	int fd, saved;

	fd = temp_create(pl, &tmp);
	if (fd < 0)
		return err_set(e, ST_IO,
		               "%s: cannot create a temporary file in %s: %s",
		               pl->path, pl->dir, strerror(errno));
	step = temp_fill(fd, p, a);
	if (step == NULL && renameat(pl->dfd, tmp, pl->dfd, pl->base) < 0)
		step = "cannot rename the temporary file into place";
	if (step) {
		saved = errno;
		unlinkat(pl->dfd, tmp, 0);
		free(tmp);
		return err_set(e, ST_IO, "%s: %s: %s", pl->path, step,
		               strerror(saved));
	}
	free(tmp);
	if (fsync(pl->dfd) < 0)
		return err_set(e, ST_IO, "%s: cannot sync directory %s: %s",
		               pl->path, pl->dir, strerror(errno));
	return ST_OK;
}

/* The attributes a replacement of a file with status st gets. */
static void
attrs_keep(struct attrs *a, const struct stat *st)
{
	a->mode = st->st_mode & 07777;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->chown = st->st_uid != geteuid() || st->st_gid != getegid();
}

/* Copy the current content of the target (status st) to backup_path. */
static enum status
write_backup(const struct place *target, const struct stat *st,
             const char *backup_path, struct err *e)
{
	struct place bk;
	struct payload p = {NULL, 0, -1};
	struct attrs a;
	struct stat bst;
	enum status rc;
	bool exists;

	p.src_fd = openat(target->dfd, target->base,
	                  O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (p.src_fd < 0)
		return err_set(e, ST_IO, "%s: cannot read: %s", target->path,
		               strerror(errno));
	rc = place_open(&bk, backup_path, e);
	if (rc == ST_OK) {
		rc = place_stat(&bk, &exists, &bst, e);
		attrs_keep(&a, st);
		if (rc == ST_OK)
			rc = place_replace(&bk, &p, &a, e);
		place_close(&bk);
	}
	close(p.src_fd);
	return rc;
}

enum status
atomicfile_write(const char *path, const void *data, size_t len,
                 mode_t new_mode, const char *backup_path, struct err *e)
{
	struct payload p = {data, len, -1};
	struct attrs a = {new_mode & 07777, false, 0, 0};
	struct place pl;
	struct stat st;
	enum status rc;
	bool exists;

	rc = place_open(&pl, path, e);
	if (rc != ST_OK)
		return rc;
	rc = place_stat(&pl, &exists, &st, e);
	if (rc == ST_OK && exists) {
		attrs_keep(&a, &st);
		if (backup_path)
			rc = write_backup(&pl, &st, backup_path, e);
	}
	if (rc == ST_OK)
		rc = place_replace(&pl, &p, &a, e);
	place_close(&pl);
	return rc;
}

/* Give a directory we just created mode 0700 whatever the umask; a link
 * put in its place meanwhile is not followed. */
static void
tighten(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && (st.st_mode & 07777) != 0700)
		fchmod(fd, 0700);
	close(fd);
}

/* Make sure the directory dir exists, creating it when missing. whole is
 * the directory asked for, for messages. */
static enum status
mkdir_one(const char *dir, const char *whole, struct err *e)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		if (errno != ENOENT)
			return err_set(e, ST_IO,
			               "cannot create directory %s: %s: %s",
			               whole, dir, strerror(errno));
		if (mkdir(dir, 0700) == 0) {
			tighten(dir);
			return ST_OK;
		}
		if (errno != EEXIST || stat(dir, &st) < 0)
			return err_set(e, ST_IO,
			               "cannot create directory %s: %s", dir,
			               strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return err_set(e, ST_IO,
		               "cannot create directory %s: %s is not a "
		               "directory",
		               whole, dir);
	return ST_OK;
}

enum status
atomicfile_mkdirs(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	enum status rc = ST_OK;
	size_t n = strlen(p);

	/* Each prefix that ends a component, from the top down. */
	for (size_t i = 1; i <= n && rc == ST_OK; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		if (p[i - 1] == '/')
			continue;
		p[i] = '\0';
		rc = mkdir_one(p, dir, e);
		if (i < n)
			p[i] = '/';
	}
	free(p);
	return rc;
}

enum status
atomicfile_mkparents(const char *path, struct err *e)
{
	const char *slash = strrchr(path, '/');
	enum status rc;
	char *dir;

	if (slash == NULL || slash == path)
		return ST_OK;
	dir = xstrndup(path, (size_t)(slash - path));
	rc = atomicfile_mkdirs(dir, e);
	free(dir);
	return rc;
}
