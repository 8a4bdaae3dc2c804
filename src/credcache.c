/*
 * credcache - a private directory of JSON files, one per credential chain.
 *
 * Trust rules (aws-iam-authenticator's, SEI CERT POS35-C/FIO45-C): the
 * directory and every file must be owned by the effective user and carry
 * no group or other permission bit; symbolic links are never followed.
 * Every check is made with fstat() on a descriptor opened with
 * O_NOFOLLOW, and files are opened relative to a descriptor of the
 * directory, so nothing can be swapped between a check and a use.
 *
 * Writes never leave a half-written entry: a temporary file created with
 * O_EXCL next to the entry is filled, synced and renamed over it, then the
 * directory is synced. Modes are set explicitly, whatever the umask.
 *
 * Secrets pass through cJSON: every string of a parsed tree is zeroed
 * before cJSON_Delete(), the JSON text is printed into a buffer of our own
 * (cJSON_PrintPreallocated, so cJSON never reallocates a half-printed
 * copy), and file contents are zeroed before they are freed.
 */
#include "config.h"

#include "credcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sys/random.h>

#include "atomicfile.h"
#include "sha256.h"
#include "timefmt.h"
#include "xalloc.h"

/* Entries larger than this are not ours. */
#define CREDCACHE_MAX_FILE (64 * 1024)
/* Attempts at a fresh temporary name. */
#define CREDCACHE_TMP_TRIES 100

static void
warn(const char *what, const char *path, const char *why)
{
	fprintf(stderr, "rolehop: warning: ignoring %s %s: %s\n", what, path,
	        why);
}

/* Why the object behind st may not be trusted, or NULL when it may. */
static const char *
untrusted(const struct stat *st)
{
	if (st->st_uid != geteuid())
		return "not owned by you";
	if (st->st_mode & 077)
		return "group or other permissions";
	return NULL;
}

/* Create dir with mode 0700 when it is missing, whatever the umask. 0 when
 * it exists afterwards, -1 on error (errno set). */
static int
make_dir(const char *dir)
{
	if (mkdir(dir, 0700) < 0)
		return errno == EEXIST ? 0 : -1;
	/* The umask may have taken owner bits away; a symbolic link put in
	 * its place meanwhile is left alone (and rejected later). */
	fchmodat(AT_FDCWD, dir, 0700, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* Open dir without following a symbolic link and check that it is a
 * private directory of ours. A descriptor, or -1 with *why set. */
static int
open_dir(const char *dir, const char **why)
{
	struct stat st;
	int fd;

	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)) {
		*why = "is a symbolic link";
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*why = errno == ELOOP ? "is a symbolic link" : strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*why = strerror(errno);
		close(fd);
		return -1;
	}
	*why = S_ISDIR(st.st_mode) ? untrusted(&st) : "not a directory";
	if (*why) {
		close(fd);
		return -1;
	}
	return fd;
}

void
credcache_open(struct credcache *cc, const struct envsnap *env, bool disabled)
{
	const char *xdg = envsnap_get_nonempty(env, "XDG_CACHE_HOME");
	const char *home = envsnap_get_nonempty(env, "HOME");
	const char *why;
	char *base, *dir;
	int fd;

	cc->dir = NULL;
	cc->disabled = disabled;
	if (disabled)
		return;
	if (xdg && xdg[0] == '/') {
		base = xstrdup(xdg);
	} else if (home && home[0] == '/') {
		base = xasprintf("%s/.cache", home);
	} else {
		fputs("rolehop: warning: no credential cache: HOME is not set "
		      "or not absolute\n",
		      stderr);
		return;
	}
	dir = xasprintf("%s/rolehop", base);
	if (make_dir(base) < 0 || make_dir(dir) < 0) {
		warn("credential cache", dir, strerror(errno));
		free(base);
		free(dir);
		return;
	}
	free(base);
	fd = open_dir(dir, &why);
	if (fd < 0) {
		warn("credential cache", dir, why);
		free(dir);
		return;
	}
	close(fd);
	cc->dir = dir;
}

void
credcache_close(struct credcache *cc)
{
	free(cc->dir);
	cc->dir = NULL;
}

/* Feed one part to the digest: 0x00 for NULL, else 0x01, the length as 8
 * big-endian bytes and the bytes, so no two part lists encode alike. */
static void
key_part(struct sha256 *ctx, const char *part)
{
	unsigned char hdr[9];
	uint64_t len;

	if (part == NULL) {
		hdr[0] = 0;
		sha256_update(ctx, hdr, 1);
		return;
	}
	len = strlen(part);
	hdr[0] = 1;
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (unsigned char)(len >> (56 - 8 * i));
	sha256_update(ctx, hdr, sizeof hdr);
	sha256_update(ctx, part, (size_t)len);
}

void
credcache_key(const char *const *parts, size_t n, char out[65])
{
	static const char domain[] = "rolehop credcache v1";
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_LEN];
	struct sha256 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, domain, sizeof domain);
	for (size_t i = 0; i < n; i++)
		key_part(&ctx, parts[i]);
	sha256_final(&ctx, md);
	for (unsigned int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* Keys become file names: allow only [A-Za-z0-9_-], 1 to 128 bytes. */
static int
key_ok(const char *key)
{
	size_t i;

	for (i = 0; key && key[i]; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		      (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') || key[i] == '_' ||
		      key[i] == '-'))
			return 0;
	return i > 0 && i <= 128;
}

/* Zero every string value of a cJSON tree (before cJSON_Delete). */
static void
json_scrub(cJSON *item)
{
	for (; item; item = item->next) {
		if (item->valuestring)
			secret_zero(item->valuestring,
			            strlen(item->valuestring));
		json_scrub(item->child);
	}
}

static void
json_delete_secret(cJSON *root)
{
	json_scrub(root);
	cJSON_Delete(root);
}

/* The string member name of obj, or NULL. */
static const char *
json_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Read the whole file fd of size bytes into a buffer of size + 1 bytes
 * allocated once (so no copy of a secret is left behind by a reallocation);
 * the caller frees it with secret_free(p, size + 1). NULL on a read error
 * or when the file is not size bytes long. */
static char *
read_all(int fd, size_t size)
{
	char *p = xmalloc(size + 1);
	size_t len = 0;
	ssize_t n = 0;

	/* Read one byte more than expected, to notice a longer file. */
	while (len <= size) {
		n = read(fd, p + len, size + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (len != size || n < 0) {
		secret_free(p, size + 1);
		return NULL;
	}
	p[size] = '\0';
	return p;
}

/* Turn the JSON text of an entry into c. -1 when it is not one. */
static int
parse_entry(const char *text, size_t len, struct creds *c)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *ver;
	const char *akid, *secret, *token, *exp;
	time_t t;
	int rc = -1;

	if (root == NULL)
		return -1;
	ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
	akid = json_str(root, "AccessKeyId");
	secret = json_str(root, "SecretAccessKey");
	token = json_str(root, "SessionToken");
	exp = json_str(root, "Expiration");
	if (cJSON_IsNumber(ver) && ver->valuedouble == 1 && akid && *akid &&
	    secret && *secret && exp && timefmt_parse_iso8601(exp, &t) == 0 &&
	    t != 0) {
		creds_init(c);
		c->access_key_id = xstrdup(akid);
		c->secret_access_key = xstrdup(secret);
		c->session_token = xstrdup_or_null(token);
		c->expiration = t;
		c->arn = xstrdup_or_null(json_str(root, "Arn"));
		c->account = xstrdup_or_null(json_str(root, "Account"));
		c->user_id = xstrdup_or_null(json_str(root, "UserId"));
		rc = 0;
	}
	json_delete_secret(root);
	return rc;
}

/* Open the cache directory for use (silently: it was checked, with a
 * warning, by credcache_open). -1 when it cannot be used. */
static int
cache_dirfd(const struct credcache *cc)
{
	const char *why;

	if (cc->disabled || cc->dir == NULL)
		return -1;
	return open_dir(cc->dir, &why);
}

int
credcache_load(const struct credcache *cc, const char *key, time_t now,
               long min_remaining, struct creds *out)
{
	struct creds c;
	struct stat st;
	char *name, *path, *text = NULL;
	size_t size = 0;
	const char *why = NULL;
	int dfd, fd, saved, rc = -1;

	if (!key_ok(key) || (dfd = cache_dirfd(cc)) < 0)
		return -1;
	name = xasprintf("%s.json", key);
	path = xasprintf("%s/%s", cc->dir, name);
	fd = openat(dfd, name,
	            O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	saved = errno;
	close(dfd);
	if (fd < 0) {
		if (saved == ELOOP)
			why = "is a symbolic link";
		else if (saved != ENOENT)
			why = strerror(saved);
		goto out;
	}
	if (fstat(fd, &st) < 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if ((why = untrusted(&st)) != NULL)
		;
	else if (st.st_size > CREDCACHE_MAX_FILE)
		why = "too large";
	else if ((text = read_all(fd, size = (size_t)st.st_size)) == NULL)
		why = "cannot be read";
	else if (parse_entry(text, size, &c) < 0)
		why = "not a valid cache entry";
	else if ((long long)c.expiration - (long long)now <=
	         (long long)min_remaining)
		creds_done(&c);
	else {
		*out = c;
		rc = 0;
	}
	close(fd);
out:
	if (why)
		warn("cache file", path, why);
	if (text)
		secret_free(text, size + 1);
	free(name);
	free(path);
	return rc;
}

/* The JSON text of an entry for c, in a buffer the caller frees with
 * secret_free_str(); NULL when cJSON fails. */
static char *
entry_json(const struct creds *c)
{
	char iso[TIMEFMT_ISO_LEN];
	size_t cap = 256;
	cJSON *root = cJSON_CreateObject();
	char *text;
	const char *fields[][2] = {
	    {"AccessKeyId", c->access_key_id},
	    {"SecretAccessKey", c->secret_access_key},
	    {"SessionToken", c->session_token},
	    {"Expiration", iso},
	    {"Arn", c->arn},
	    {"Account", c->account},
	    {"UserId", c->user_id},
	};

	timefmt_iso(c->expiration, iso);
	cJSON_AddNumberToObject(root, "Version", 1);
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		if (fields[i][1] == NULL)
			continue;
		cJSON_AddStringToObject(root, fields[i][0], fields[i][1]);
		/* Worst case: every byte escaped as \uXXXX. */
		cap += strlen(fields[i][0]) + 6 * strlen(fields[i][1]) + 8;
	}
	text = xcalloc(1, cap);
	if (!cJSON_PrintPreallocated(root, text, (int)cap, 1)) {
		secret_free(text, cap);
		text = NULL;
	}
	json_delete_secret(root);
	return text;
}

/* Create a fresh temporary file for name in dfd; its descriptor, with the
 * chosen name in tmp (caller frees), or -1. */
static int
create_temp(int dfd, const char *name, char **tmp)
{
	for (int i = 0; i < CREDCACHE_TMP_TRIES; i++) {
		unsigned char r[8];
		uint64_t v = 0;
		int fd;

		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
			errno = EIO;
			return -1;
		}
		for (size_t j = 0; j < sizeof r; j++)
			v = v << 8 | r[j];
		*tmp =
		    xasprintf(".%s.%016llx.tmp", name, (unsigned long long)v);
		fd = openat(
		    dfd, *tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		free(*tmp);
		*tmp = NULL;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

enum status
credcache_store(const struct credcache *cc, const char *key,
                const struct creds *c, struct err *e)
{
	char *name = NULL, *tmp = NULL, *text = NULL;
	const char *step = NULL;
	enum status st = ST_OK;
	int dfd, fd, saved = 0;

	if (cc->disabled || cc->dir == NULL)
		return ST_OK;
	if (!key_ok(key))
		return err_set(e, ST_IO, "invalid credential cache key");
	if (!creds_valid(c) || c->expiration == 0)
		return err_set(
		    e, ST_IO,
		    "refusing to cache credentials that do not expire");
	dfd = cache_dirfd(cc);
	if (dfd < 0)
		return err_set(e, ST_IO, "credential cache %s is not usable",
		               cc->dir);
	name = xasprintf("%s.json", key);
	text = entry_json(c);
	if (text == NULL) {
		st = err_set(e, ST_IO, "cannot encode a cache entry");
		goto out;
	}
	if ((fd = create_temp(dfd, name, &tmp)) < 0) {
		step = "cannot create a temporary file";
		saved = errno;
	} else {
		if (fchmod(fd, 0600) < 0 ||
		    atomicfile_write_fd(fd, text, strlen(text)) < 0)
			step = "cannot write";
		else if (fsync(fd) < 0)
			step = "cannot sync";
		saved = errno;
		if (close(fd) < 0 && step == NULL) {
			step = "cannot write";
			saved = errno;
		}
		if (step == NULL && renameat(dfd, tmp, dfd, name) < 0) {
			step = "cannot rename into place";
			saved = errno;
		}
	}
	if (step) {
		if (tmp)
			unlinkat(dfd, tmp, 0);
		st = err_set(e, ST_IO, "credential cache %s/%s: %s: %s",
		             cc->dir, name, step, strerror(saved));
	} else if (fsync(dfd) < 0) {
		st = err_set(e, ST_IO, "credential cache %s: cannot sync: %s",
		             cc->dir, strerror(errno));
	}
out:
	close(dfd);
	secret_free_str(text);
	free(tmp);
	free(name);
	return st;
}

void
credcache_remove(const struct credcache *cc, const char *key)
{
	char *name;
	int dfd;

	if (!key_ok(key) || (dfd = cache_dirfd(cc)) < 0)
		return;
	name = xasprintf("%s.json", key);
	unlinkat(dfd, name, 0);
	close(dfd);
	free(name);
}
