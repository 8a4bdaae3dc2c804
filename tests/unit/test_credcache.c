/*
 * test_credcache - the credential cache: location, trust rules, atomic
 * writes, freshness and keys. Every test works in its own mkdtemp()
 * directory, used as HOME (and XDG_CACHE_HOME where it matters).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "credcache.h"
#include "xalloc.h"

/* 2027-01-15T08:00:00Z */
#define T0 ((time_t)1800000000)

struct fx {
	char *tmp; /* the mkdtemp() directory, used as HOME */
	char *dir; /* tmp/.cache/rolehop */
	struct envsnap env;
	struct credcache cc;
	int saved_stderr; /* while stderr is captured, else -1 */
};

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *base = getenv("TMPDIR");
	char *tmpl, *home;

	tmpl = xasprintf("%s/test_credcache.XXXXXX",
	                 base && *base ? base : "/tmp");
	f->tmp = mkdtemp(tmpl);
	assert_non_null(f->tmp);
	f->dir = xasprintf("%s/.cache/rolehop", f->tmp);
	home = xasprintf("HOME=%s", f->tmp);
	{
		const char *vars[] = {home, "PATH=/usr/bin:/bin", NULL};

		envsnap_from(&f->env, vars);
	}
	free(home);
	f->saved_stderr = -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	credcache_close(&f->cc);
	envsnap_free(&f->env);
	nftw(f->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f->tmp);
	free(f->dir);
	free(f);
	return 0;
}

/* Send stderr to a file until capture_end(). */
static void
capture_begin(struct fx *f)
{
	char *path = xasprintf("%s/stderr.txt", f->tmp);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	fflush(stderr);
	f->saved_stderr = dup(2);
	assert_true(f->saved_stderr >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
	free(path);
}

/* Restore stderr and return what was written to it (caller frees). */
static char *
capture_end(struct fx *f)
{
	char *path = xasprintf("%s/stderr.txt", f->tmp);
	char *text = xcalloc(1, 8192);
	FILE *fp;

	fflush(stderr);
	dup2(f->saved_stderr, 2);
	close(f->saved_stderr);
	f->saved_stderr = -1;
	fp = fopen(path, "r");
	assert_non_null(fp);
	if (fread(text, 1, 8191, fp) == 0)
		text[0] = '\0';
	fclose(fp);
	unlink(path);
	free(path);
	return text;
}

static void
fake_creds(struct creds *c, time_t exp, int identity)
{
	creds_init(c);
	c->access_key_id = xstrdup("AKIAFAKEFAKEFAKE0001");
	c->secret_access_key = xstrdup("FAKE/secret+key\"with\\quotes");
	c->session_token = xstrdup("FAKESESSIONTOKEN//example==");
	c->expiration = exp;
	if (identity) {
		c->arn = xstrdup("arn:aws:sts::222222222222:assumed-role/"
		                 "target/rolehop");
		c->account = xstrdup("222222222222");
		c->user_id = xstrdup("AROAFAKEFAKEFAKE0002:rolehop");
	}
}

static void
key_of(const char *s, char out[65])
{
	const char *parts[] = {"env", s};

	credcache_key(parts, 2, out);
}

/* Path of the entry for key (caller frees). */
static char *
entry_path(struct fx *f, const char *key)
{
	return xasprintf("%s/%s.json", f->dir, key);
}

/* Names in dir, sorted, joined by '\n' (caller frees). */
static char *
list_dir(const char *dir)
{
	struct dirent **ents;
	char *out = xstrdup("");
	int n = scandir(dir, &ents, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0) {
			char *next = xasprintf("%s%s\n", out, ents[i]->d_name);

			free(out);
			out = next;
		}
		free(ents[i]);
	}
	free(ents);
	return out;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_open_creates_private_dirs(void **state)
{
	struct fx *f = *state;
	struct stat st;
	char *dotcache = xasprintf("%s/.cache", f->tmp);

	credcache_open(&f->cc, &f->env, false);
	assert_non_null(f->cc.dir);
	assert_string_equal(f->cc.dir, f->dir);
	assert_int_equal(stat(dotcache, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(dotcache);
}

static void
test_open_umask_ignored(void **state)
{
	struct fx *f = *state;
	struct stat st;
	char *dotcache = xasprintf("%s/.cache", f->tmp);
	mode_t old = umask(0777);

	credcache_open(&f->cc, &f->env, false);
	umask(old);
	assert_non_null(f->cc.dir);
	assert_int_equal(stat(dotcache, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(dotcache);
}

static void
test_open_xdg_cache_home(void **state)
{
	struct fx *f = *state;
	char *xdg = xasprintf("%s/xdg", f->tmp);
	char *want = xasprintf("%s/rolehop", xdg);
	struct stat st;

	envsnap_set(&f->env, "XDG_CACHE_HOME", xdg);
	credcache_open(&f->cc, &f->env, false);
	assert_non_null(f->cc.dir);
	assert_string_equal(f->cc.dir, want);
	assert_int_equal(stat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	credcache_close(&f->cc);

	/* Relative or empty: ignored, HOME is used. */
	envsnap_set(&f->env, "XDG_CACHE_HOME", "relative/dir");
	credcache_open(&f->cc, &f->env, false);
	assert_string_equal(f->cc.dir, f->dir);
	credcache_close(&f->cc);
	envsnap_set(&f->env, "XDG_CACHE_HOME", "");
	credcache_open(&f->cc, &f->env, false);
	assert_string_equal(f->cc.dir, f->dir);
	free(xdg);
	free(want);
}

static void
test_open_no_home(void **state)
{
	struct fx *f = *state;
	char *out;

	envsnap_unset(&f->env, "HOME");
	capture_begin(f);
	credcache_open(&f->cc, &f->env, false);
	out = capture_end(f);
	assert_null(f->cc.dir);
	assert_non_null(strstr(out, "rolehop: warning: no credential cache"));
	free(out);
}

static void
test_round_trip(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *path, *text;
	struct stat st;
	cJSON *root;

	fake_creds(&in, T0 + 3600, 1);
	key_of("a", key);
	credcache_open(&f->cc, &f->env, false);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);

	path = entry_path(f, key);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);

	/* The file is the documented JSON. */
	text = xcalloc(1, 4096);
	{
		FILE *fp = fopen(path, "r");

		assert_non_null(fp);
		assert_true(fread(text, 1, 4095, fp) > 0);
		fclose(fp);
	}
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_int_equal(
	    cJSON_GetObjectItemCaseSensitive(root, "Version")->valueint, 1);
	assert_string_equal(
	    cJSON_GetObjectItemCaseSensitive(root, "Expiration")->valuestring,
	    "2027-01-15T09:00:00Z");
	assert_string_equal(
	    cJSON_GetObjectItemCaseSensitive(root, "AccessKeyId")->valuestring,
	    "AKIAFAKEFAKEFAKE0001");
	cJSON_Delete(root);
	free(text);

	creds_init(&out);
	assert_int_equal(
	    credcache_load(&f->cc, key, T0, CREDCACHE_MIN_REMAINING, &out), 0);
	assert_string_equal(out.access_key_id, in.access_key_id);
	assert_string_equal(out.secret_access_key, in.secret_access_key);
	assert_string_equal(out.session_token, in.session_token);
	assert_int_equal(out.expiration, in.expiration);
	assert_string_equal(out.arn, in.arn);
	assert_string_equal(out.account, in.account);
	assert_string_equal(out.user_id, in.user_id);
	creds_done(&out);
	creds_done(&in);

	/* Without identity fields they come back NULL. */
	fake_creds(&in, T0 + 3600, 0);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	assert_int_equal(
	    credcache_load(&f->cc, key, T0, CREDCACHE_MIN_REMAINING, &out), 0);
	assert_string_equal(out.secret_access_key, in.secret_access_key);
	assert_null(out.arn);
	assert_null(out.account);
	assert_null(out.user_id);
	creds_done(&out);
	creds_done(&in);
	free(path);
}

static void
test_missing_entry(void **state)
{
	struct fx *f = *state;
	struct creds out;
	char key[65], *err;

	creds_init(&out);
	key_of("absent", key);
	credcache_open(&f->cc, &f->env, false);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_string_equal(err, "");
	assert_null(out.access_key_id);
	free(err);
}

static void
test_freshness_window(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *err;
	time_t exp = T0 + 1000;

	fake_creds(&in, exp, 0);
	key_of("fresh", key);
	credcache_open(&f->cc, &f->env, false);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	creds_init(&out);

	capture_begin(f);
	/* Exactly min_remaining left: not fresh. */
	assert_int_equal(credcache_load(&f->cc, key, exp - 300, 300, &out), -1);
	assert_null(out.access_key_id);
	/* Expired, and just expired. */
	assert_int_equal(credcache_load(&f->cc, key, exp, 300, &out), -1);
	assert_int_equal(credcache_load(&f->cc, key, exp + 60, 0, &out), -1);
	err = capture_end(f);
	/* Stale entries are not worth a warning. */
	assert_string_equal(err, "");
	free(err);

	/* One second more: fresh. */
	assert_int_equal(credcache_load(&f->cc, key, exp - 301, 300, &out), 0);
	assert_int_equal(out.expiration, exp);
	creds_done(&out);
	assert_int_equal(credcache_load(&f->cc, key, exp - 1, 0, &out), 0);
	creds_done(&out);
	creds_done(&in);
}

static void
test_group_readable_file_ignored(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *path, *err;

	fake_creds(&in, T0 + 3600, 0);
	key_of("mode", key);
	credcache_open(&f->cc, &f->env, false);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	path = entry_path(f, key);
	creds_init(&out);

	assert_int_equal(chmod(path, 0640), 0);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_null(out.access_key_id);
	assert_non_null(strstr(err, "rolehop: warning: ignoring cache file "));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "group or other permissions"));
	/* One line, and no secret in it. */
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n'), "\n");
	assert_null(strstr(err, "FAKE"));
	free(err);

	assert_int_equal(chmod(path, 0604), 0);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_non_null(strstr(err, "group or other permissions"));
	free(err);

	/* Back to 0600: used again. */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), 0);
	creds_done(&out);
	creds_done(&in);
	free(path);
}

static void
test_foreign_owner_ignored(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *path, *err;

	if (geteuid() != 0)
		skip();
	fake_creds(&in, T0 + 3600, 0);
	key_of("owner", key);
	credcache_open(&f->cc, &f->env, false);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	path = entry_path(f, key);
	creds_init(&out);
	assert_int_equal(chown(path, 1, (gid_t)-1), 0);
	assert_int_equal(chmod(path, 0600), 0);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_null(out.access_key_id);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not owned by you"));
	free(err);

	/* A directory owned by someone else disables the cache. */
	credcache_close(&f->cc);
	assert_int_equal(chown(f->dir, 1, (gid_t)-1), 0);
	capture_begin(f);
	credcache_open(&f->cc, &f->env, false);
	err = capture_end(f);
	assert_null(f->cc.dir);
	assert_non_null(strstr(err, "ignoring credential cache"));
	assert_non_null(strstr(err, "not owned by you"));
	free(err);
	creds_done(&in);
	free(path);
}

static void
test_symlink_entry_not_followed(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], other[65], *path, *target, *err;

	fake_creds(&in, T0 + 3600, 0);
	key_of("real", other);
	key_of("link", key);
	credcache_open(&f->cc, &f->env, false);
	/* A perfectly good entry, reached through a symbolic link. */
	assert_int_equal(credcache_store(&f->cc, other, &in, &e), ST_OK);
	target = entry_path(f, other);
	path = entry_path(f, key);
	assert_int_equal(symlink(target, path), 0);
	creds_init(&out);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_null(out.access_key_id);
	assert_non_null(strstr(err, "symbolic link"));
	free(err);

	/* Storing replaces the link itself; the target is left alone. */
	creds_done(&in);
	fake_creds(&in, T0 + 7200, 0);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	{
		struct stat st;

		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
	}
	assert_int_equal(credcache_load(&f->cc, other, T0, 300, &out), 0);
	assert_int_equal(out.expiration, T0 + 3600);
	creds_done(&out);
	creds_done(&in);
	free(target);
	free(path);
}

static void
test_symlinked_dir_disabled(void **state)
{
	struct fx *f = *state;
	char *xdg = xasprintf("%s/xdg", f->tmp);
	char *real = xasprintf("%s/real", f->tmp);
	char *link = xasprintf("%s/rolehop", xdg);
	char *err;

	assert_int_equal(mkdir(xdg, 0700), 0);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);
	envsnap_set(&f->env, "XDG_CACHE_HOME", xdg);
	capture_begin(f);
	credcache_open(&f->cc, &f->env, false);
	err = capture_end(f);
	assert_null(f->cc.dir);
	assert_non_null(strstr(err, "ignoring credential cache"));
	assert_non_null(strstr(err, "symbolic link"));
	free(err);
	free(xdg);
	free(real);
	free(link);
}

static void
test_open_dir_0755_disabled(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *dotcache = xasprintf("%s/.cache", f->tmp);
	char *want, *err, *path;

	assert_int_equal(mkdir(dotcache, 0700), 0);
	assert_int_equal(mkdir(f->dir, 0755), 0);
	assert_int_equal(chmod(f->dir, 0755), 0);
	capture_begin(f);
	credcache_open(&f->cc, &f->env, false);
	err = capture_end(f);
	assert_null(f->cc.dir);
	want = xasprintf("rolehop: warning: ignoring credential cache %s: "
	                 "group or other permissions\n",
	                 f->dir);
	assert_string_equal(err, want);

	/* The disabled cache stores nothing and loads nothing. */
	fake_creds(&in, T0 + 3600, 0);
	key_of("x", key);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	path = entry_path(f, key);
	assert_int_equal(access(path, F_OK), -1);
	creds_init(&out);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	creds_done(&in);
	free(path);
	free(want);
	free(err);
	free(dotcache);
}

static void
test_atomic_write_no_leftovers(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *names, *want, *path;
	struct stat st;
	mode_t old;

	key_of("atomic", key);
	credcache_open(&f->cc, &f->env, false);
	path = entry_path(f, key);
	want = xasprintf("%s.json\n", key);

	/* Whatever the umask, the file is 0600. */
	old = umask(0);
	fake_creds(&in, T0 + 3600, 1);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	creds_done(&in);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(0277);
	fake_creds(&in, T0 + 7200, 0);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	creds_done(&in);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	names = list_dir(f->dir);
	assert_string_equal(names, want);
	free(names);
	creds_init(&out);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), 0);
	assert_int_equal(out.expiration, T0 + 7200);
	assert_null(out.arn);
	creds_done(&out);
	free(want);
	free(path);
}

static void
test_failed_write_cleans_up(void **state)
{
	struct fx *f = *state;
	struct creds in;
	struct err e;
	char key[65], *names, *want, *path, *inner;

	key_of("blocked", key);
	credcache_open(&f->cc, &f->env, false);
	/* The rename cannot replace a non-empty directory. */
	path = entry_path(f, key);
	inner = xasprintf("%s/x", path);
	assert_int_equal(mkdir(path, 0700), 0);
	write_file(inner, "", 0600);
	fake_creds(&in, T0 + 3600, 0);
	err_clear(&e);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_IO);
	assert_int_equal(e.status, ST_IO);
	assert_non_null(strstr(e.msg, path));
	assert_null(strstr(e.msg, "FAKE"));
	want = xasprintf("%s.json\n", key);
	names = list_dir(f->dir);
	assert_string_equal(names, want);
	creds_done(&in);
	free(names);
	free(want);
	free(inner);
	free(path);
}

static void
test_refuses_non_expiring(void **state)
{
	struct fx *f = *state;
	struct creds in;
	struct err e;
	char key[65], *names;

	key_of("static", key);
	credcache_open(&f->cc, &f->env, false);
	fake_creds(&in, 0, 0);
	err_clear(&e);
	assert_int_not_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	assert_int_not_equal(e.status, ST_OK);
	names = list_dir(f->dir);
	assert_string_equal(names, "");
	free(names);
	creds_done(&in);
}

static void
test_malformed_entry(void **state)
{
	struct fx *f = *state;
	struct creds out;
	char key[65], *path, *err;

	key_of("bad", key);
	credcache_open(&f->cc, &f->env, false);
	path = entry_path(f, key);
	creds_init(&out);

	write_file(path, "{\"Version\": 1, \"AccessKeyId\": ", 0600);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a valid cache entry"));
	free(err);

	/* Valid JSON, but no secret key. */
	write_file(path,
	           "{\"Version\":1,\"AccessKeyId\":\"AKIAFAKEFAKEFAKE0001\","
	           "\"Expiration\":\"2027-01-15T09:00:00Z\"}",
	           0600);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_non_null(strstr(err, "not a valid cache entry"));
	free(err);

	/* Another version. */
	write_file(path,
	           "{\"Version\":2,\"AccessKeyId\":\"AKIAFAKEFAKEFAKE0001\","
	           "\"SecretAccessKey\":\"FAKE\",\"SessionToken\":\"FAKE\","
	           "\"Expiration\":\"2027-01-15T09:00:00Z\"}",
	           0600);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_non_null(strstr(err, "not a valid cache entry"));
	free(err);

	/* Too large to be ours. */
	{
		char *big = xmalloc(70 * 1024 + 1);

		memset(big, ' ', 70 * 1024);
		big[70 * 1024] = '\0';
		write_file(path, big, 0600);
		free(big);
	}
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_non_null(strstr(err, "too large"));
	free(err);

	/* A FIFO is refused without blocking. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	capture_begin(f);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	err = capture_end(f);
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
	assert_int_equal(unlink(path), 0);

	/* Hand-written, well-formed: accepted. */
	write_file(path,
	           "{\"Version\":1,\"AccessKeyId\":\"AKIAFAKEFAKEFAKE0001\","
	           "\"SecretAccessKey\":\"FAKE\",\"SessionToken\":\"FAKE\","
	           "\"Expiration\":\"2027-01-15T09:00:00Z\"}",
	           0600);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), 0);
	assert_int_equal(out.expiration, T0 + 3600);
	creds_done(&out);
	free(path);
}

static void
test_no_cache(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *dotcache = xasprintf("%s/.cache", f->tmp);

	fake_creds(&in, T0 + 3600, 0);
	key_of("nocache", key);

	/* Disabled: no directory, nothing written. */
	credcache_open(&f->cc, &f->env, true);
	assert_true(f->cc.disabled);
	assert_null(f->cc.dir);
	assert_int_equal(access(dotcache, F_OK), -1);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	assert_int_equal(access(dotcache, F_OK), -1);
	credcache_close(&f->cc);

	/* An entry written by an enabled cache is not read. */
	credcache_open(&f->cc, &f->env, false);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	credcache_close(&f->cc);
	credcache_open(&f->cc, &f->env, true);
	creds_init(&out);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	assert_null(out.access_key_id);
	creds_done(&in);
	free(dotcache);
}

static void
test_remove(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char key[65], *path;

	fake_creds(&in, T0 + 3600, 0);
	key_of("rm", key);
	credcache_open(&f->cc, &f->env, false);
	assert_int_equal(credcache_store(&f->cc, key, &in, &e), ST_OK);
	path = entry_path(f, key);
	assert_int_equal(access(path, F_OK), 0);
	credcache_remove(&f->cc, key);
	assert_int_equal(access(path, F_OK), -1);
	creds_init(&out);
	assert_int_equal(credcache_load(&f->cc, key, T0, 300, &out), -1);
	/* Removing what is not there is fine. */
	credcache_remove(&f->cc, key);
	creds_done(&in);
	free(path);
}

static void
test_bad_key_rejected(void **state)
{
	struct fx *f = *state;
	struct creds in, out;
	struct err e;
	char *names;

	fake_creds(&in, T0 + 3600, 0);
	credcache_open(&f->cc, &f->env, false);
	err_clear(&e);
	assert_int_equal(credcache_store(&f->cc, "../escape", &in, &e), ST_IO);
	assert_int_equal(credcache_store(&f->cc, "", &in, &e), ST_IO);
	creds_init(&out);
	assert_int_equal(credcache_load(&f->cc, "../escape", T0, 300, &out),
	                 -1);
	names = list_dir(f->dir);
	assert_string_equal(names, "");
	free(names);
	names = xasprintf("%s/.cache/escape.json", f->tmp);
	assert_int_equal(access(names, F_OK), -1);
	free(names);
	creds_done(&in);
}

static void
test_key(void **state)
{
	const char *base[] = {"env", "AKIAFAKEFAKEFAKE0001",
	                      "arn:aws:iam::111111111111:role/a", NULL,
	                      "us-east-1"};
	const char *variant[5];
	char k0[65], k1[65];

	(void)state;
	credcache_key(base, 5, k0);
	/* Pinned: changing the encoding orphans every cache entry. */
	assert_string_equal(k0, "94920d200828a5e0e080bd40630d8a01e7ec122d2b4b88"
	                        "de22334ee4603ef518");
	credcache_key(NULL, 0, k1);
	assert_string_equal(k1, "20195e3e5679b47ea249c8333c379641624f55eadcf9c5"
	                        "a0cd56099e34785c51");

	/* Deterministic. */
	credcache_key(base, 5, k1);
	assert_string_equal(k0, k1);

	/* Any part changing changes the key. */
	for (size_t i = 0; i < 5; i++) {
		memcpy(variant, base, sizeof variant);
		variant[i] = base[i] ? "changed" : "x";
		credcache_key(variant, 5, k1);
		assert_string_not_equal(k0, k1);
	}
	/* NULL and "" differ. */
	memcpy(variant, base, sizeof variant);
	variant[3] = "";
	credcache_key(variant, 5, k1);
	assert_string_not_equal(k0, k1);
	/* A trailing NULL part counts. */
	credcache_key(base, 4, k1);
	assert_string_not_equal(k0, k1);
	{
		const char *ab[] = {"a", "b"}, *joined[] = {"ab"},
		           *three[] = {"a", "", "b"};
		char k2[65];

		credcache_key(ab, 2, k0);
		credcache_key(joined, 1, k1);
		credcache_key(three, 3, k2);
		assert_string_not_equal(k0, k1);
		assert_string_not_equal(k0, k2);
		assert_string_not_equal(k1, k2);
	}
	for (size_t i = 0; i < 64; i++)
		assert_true((k0[i] >= '0' && k0[i] <= '9') ||
		            (k0[i] >= 'a' && k0[i] <= 'f'));
	assert_int_equal(k0[64], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_open_creates_private_dirs),
	    T(test_open_umask_ignored),
	    T(test_open_xdg_cache_home),
	    T(test_open_no_home),
	    T(test_round_trip),
	    T(test_missing_entry),
	    T(test_freshness_window),
	    T(test_group_readable_file_ignored),
	    T(test_foreign_owner_ignored),
	    T(test_symlink_entry_not_followed),
	    T(test_symlinked_dir_disabled),
	    T(test_open_dir_0755_disabled),
	    T(test_atomic_write_no_leftovers),
	    T(test_failed_write_cleans_up),
	    T(test_refuses_non_expiring),
	    T(test_malformed_entry),
	    T(test_no_cache),
	    T(test_remove),
	    T(test_bad_key_rejected),
	    cmocka_unit_test(test_key),
#undef T
	};

	return cmocka_run_group_tests_name("credcache", tests, NULL, NULL);
}
