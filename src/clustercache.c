/*
 * clustercache - a sorted text file of TARGET, REGION, CLUSTER lines.
 *
 * The merge is a pure function on text (unit-tested on its own); saving
 * reads the old file through a descriptor opened with O_NOFOLLOW and
 * checked with fstat (regular, ours, not too large), then replaces it with
 * atomicfile_write().
 */
#include "config.h"

#include "clustercache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "buf.h"
#include "xalloc.h"

char *
clustercache_path(const struct envsnap *env)
{
	const char *xdg = envsnap_get_nonempty(env, "XDG_CACHE_HOME");
	const char *home = envsnap_get_nonempty(env, "HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/rolehop/clusters", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.cache/rolehop/clusters", home);
	return NULL;
}

/* A usable field: not empty, no control character (so no tab or newline)
 * and no DEL. */
static bool
field_ok(const char *s, size_t len)
{
	if (s == NULL || len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

struct lines {
	char **v;
	size_t n, cap;
};

static void
lines_add(struct lines *l, char *line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = line;
}

/* Does the update for a target replace the line (target, region)? */
static bool
replaced(const struct clustercache_update *u, size_t n, const char *target,
         size_t tlen, const char *region, size_t rlen)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(u[i].target) != tlen ||
		    memcmp(u[i].target, target, tlen) != 0)
			continue;
		for (size_t r = 0; r < u[i].nregions; r++)
			if (strlen(u[i].regions[r]) == rlen &&
			    memcmp(u[i].regions[r], region, rlen) == 0)
				return true;
	}
	return false;
}

/* Keep the well-formed lines of old that no update replaces. */
static void
keep_old(struct lines *l, const char *old, const struct clustercache_update *u,
         size_t n)
{
	const char *p = old;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *t1 = memchr(p, '\t', len);
		const char *t2 =
		    t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - p))
		       : NULL;

		if (t2 && field_ok(p, (size_t)(t1 - p)) &&
		    field_ok(t1 + 1, (size_t)(t2 - t1 - 1)) &&
		    field_ok(t2 + 1, len - (size_t)(t2 + 1 - p)) &&
		    !replaced(u, n, p, (size_t)(t1 - p), t1 + 1,
		              (size_t)(t2 - t1 - 1)))
			lines_add(l, xstrndup(p, len));
		p = end ? end + 1 : NULL;
	}
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
clustercache_merge(const char *old, const struct clustercache_update *u,
                   size_t n)
{
	struct lines l = {0};
	struct buf out;

	keep_old(&l, old, u, n);
	for (size_t i = 0; i < n; i++) {
		const char *t = u[i].target;

		if (!field_ok(t, t ? strlen(t) : 0))
			continue;
		for (size_t k = 0; k < u[i].nclusters; k++) {
			const char *r = u[i].cluster_regions[k];
			const char *c = u[i].cluster_names[k];

			if (field_ok(r, r ? strlen(r) : 0) &&
			    field_ok(c, c ? strlen(c) : 0))
				lines_add(&l, xasprintf("%s\t%s\t%s", t, r, c));
		}
	}
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, cmp_line);
	/* Lines past the cap are dropped whole; a cache only loses names. */
	buf_init(&out, CLUSTERCACHE_MAX_FILE);
	for (size_t i = 0; i < l.n; i++)
		if (i == 0 || strcmp(l.v[i], l.v[i - 1]) != 0)
			(void)buf_printf(&out, "%s\n", l.v[i]);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return buf_take(&out);
}

/* The old content of path, or NULL when there is none we may use. */
static char *
read_old(const char *path)
{
	struct stat st;
	char *text = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	                        O_NOCTTY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && st.st_size <= CLUSTERCACHE_MAX_FILE) {
		text = xmalloc((size_t)st.st_size + 1);
		while (got < (size_t)st.st_size) {
			ssize_t r =
			    read(fd, text + got, (size_t)st.st_size - got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		text[got] = '\0';
	}
	close(fd);
	return text;
}

enum status
clustercache_save(const char *path, const struct clustercache_update *u,
                  size_t n, struct err *e)
{
	char *old, *text;
	enum status st;

	if ((st = atomicfile_mkparents(path, e)) != ST_OK)
		return st;
	old = read_old(path);
	text = clustercache_merge(old, u, n);
	free(old);
	st = atomicfile_write(path, text, strlen(text), 0600, NULL, e);
	free(text);
	return st;
}

enum status
clustercache_remember(const struct envsnap *env,
                      const struct target_clusters *const *tcs, size_t n,
                      const char *const *asked, size_t nasked, struct err *e)
{
	struct clustercache_update *u = xcalloc(n + 1, sizeof *u);
	const char ***lists = xcalloc(3 * n + 1, sizeof *lists);
	char *path = clustercache_path(env);
	enum status st = ST_OK;
	size_t nu = 0;

	for (size_t i = 0; path && i < n; i++) {
		const struct target_clusters *tc = tcs[i];
		const struct target *t = tc->target;
		const char *const *regions =
		    nasked ? asked : (const char *const *)t->regions;
		size_t nregions = nasked ? nasked : t->nregions;
		const char **ok, **names, **cregions;

		if (tc->status != ST_OK)
			continue;
		ok = lists[3 * nu] = xcalloc(nregions + 1, sizeof *ok);
		cregions = lists[3 * nu + 1] =
		    xcalloc(tc->nclusters + 1, sizeof *cregions);
		names = lists[3 * nu + 2] =
		    xcalloc(tc->nclusters + 1, sizeof *names);
		u[nu].target = t->name;
		u[nu].regions = ok;
		for (size_t r = 0; r < nregions; r++) {
			bool failed = false;

			for (size_t k = 0; k < tc->nerrors; k++)
				failed = failed || strcmp(tc->errors[k].region,
				                          regions[r]) == 0;
			if (!failed)
				ok[u[nu].nregions++] = regions[r];
		}
		for (size_t k = 0; k < tc->nclusters; k++) {
			cregions[k] = tc->clusters[k].region;
			names[k] = tc->clusters[k].name;
		}
		u[nu].cluster_regions = cregions;
		u[nu].cluster_names = names;
		u[nu].nclusters = tc->nclusters;
		nu++;
	}
	if (nu)
		st = clustercache_save(path, u, nu, e);
	for (size_t i = 0; i < 3 * nu; i++)
		free(lists[i]);
	free(lists);
	free(u);
	free(path);
	return st;
}
