/*
 * test_clustercache - the cluster-name cache for shell completion: the
 * path, the merge rules (which lines an update replaces, which it keeps,
 * malformed lines dropped, sorted output) and saving (0600 file in a 0700
 * directory, a symbolic link not followed).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clustercache.h"
#include "xalloc.h"

static void
test_path(void **state)
{
	struct envsnap env;
	char *p;

	{
		const char *v[] = {"HOME=/h", "XDG_CACHE_HOME=/x", NULL};
		envsnap_from(&env, v);
	}
	p = clustercache_path(&env);
	assert_string_equal(p, "/x/rolehop/clusters");
	free(p);
	envsnap_free(&env);
	{
		const char *v[] = {"HOME=/h", "XDG_CACHE_HOME=rel", NULL};
		envsnap_from(&env, v);
	}
	p = clustercache_path(&env);
	assert_string_equal(p, "/h/.cache/rolehop/clusters");
	free(p);
	envsnap_free(&env);
	{
		const char *v[] = {"HOME=", NULL};
		envsnap_from(&env, v);
	}
	assert_null(clustercache_path(&env));
	envsnap_free(&env);
}

static const char *const east[] = {"us-east-1"};
static const char *const both[] = {"us-east-1", "eu-west-1"};

static void
test_merge_new(void **state)
{
	const char *const rs[] = {"us-east-1", "eu-west-1"};
	const char *const ns[] = {"web", "api"};
	struct clustercache_update u = {"dev", both, 2, rs, ns, 2};
	char *s = clustercache_merge(NULL, &u, 1);

	assert_string_equal(s, "dev\teu-west-1\tapi\ndev\tus-east-1\tweb\n");
	free(s);
}

static void
test_merge_replaces_listed_regions_only(void **state)
{
	const char *old = "dev\tus-east-1\tgone\n"
	                  "dev\teu-west-1\tkept\n"
	                  "prod\tus-east-1\tother\n";
	const char *const rs[] = {"us-east-1"};
	const char *const ns[] = {"new"};
	struct clustercache_update u = {"dev", east, 1, rs, ns, 1};
	char *s = clustercache_merge(old, &u, 1);

	assert_string_equal(s, "dev\teu-west-1\tkept\n"
	                       "dev\tus-east-1\tnew\n"
	                       "prod\tus-east-1\tother\n");
	free(s);
}

static void
test_merge_empty_listing_removes(void **state)
{
	struct clustercache_update u = {"dev", both, 2, NULL, NULL, 0};
	char *s = clustercache_merge("dev\tus-east-1\tgone\n"
	                             "dev\teu-west-1\tgone2\n",
	                             &u, 1);

	assert_string_equal(s, "");
	free(s);
}

static void
test_merge_drops_malformed(void **state)
{
	const char *old = "no tabs here\n"
	                  "a\tb\n"
	                  "\tr\tc\n"
	                  "t\tr\t\n"
	                  "t\tr\tc\tx\n"
	                  "t\tr\tc\r\n"
	                  "t\tr\tok\n"
	                  "t\tr\tok\n"
	                  "\n"
	                  "t2\tr\tlast-without-newline";
	const char *const rs[] = {"us-east-1", "us-east-1"};
	const char *const ns[] = {"bad\nname", "fine"};
	struct clustercache_update u = {"dev", east, 1, rs, ns, 2};
	char *s = clustercache_merge(old, &u, 1);

	/* "t\tr\tc\tx": the third field holds a tab, so it is dropped. */
	assert_string_equal(s, "dev\tus-east-1\tfine\n"
	                       "t\tr\tok\n"
	                       "t2\tr\tlast-without-newline\n");
	free(s);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
test_save(void **state)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/test_clustercache.XXXXXX",
	                       base && *base ? base : "/tmp");
	char *tmp = mkdtemp(tmpl);
	char *path, *dir, *link, text[256];
	const char *const rs[] = {"us-east-1"};
	const char *const ns[] = {"web"};
	struct clustercache_update u = {"dev", east, 1, rs, ns, 1};
	struct stat st;
	struct err e;
	FILE *fp;
	size_t n;

	assert_non_null(tmp);
	dir = xasprintf("%s/cache/rolehop", tmp);
	path = xasprintf("%s/clusters", dir);
	umask(0);
	assert_int_equal(clustercache_save(path, &u, 1, &e), ST_OK);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof text - 1, fp);
	text[n] = '\0';
	fclose(fp);
	assert_string_equal(text, "dev\tus-east-1\tweb\n");

	/* A second save merges with the first. */
	u.target = "prod";
	assert_int_equal(clustercache_save(path, &u, 1, &e), ST_OK);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof text - 1, fp);
	text[n] = '\0';
	fclose(fp);
	assert_string_equal(text,
	                    "dev\tus-east-1\tweb\nprod\tus-east-1\tweb\n");

	/* A symbolic link in its place is neither read nor followed. */
	link = xasprintf("%s/elsewhere", tmp);
	fp = fopen(link, "w");
	assert_non_null(fp);
	fputs("x\ty\tz\n", fp);
	fclose(fp);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(link, path), 0);
	assert_int_not_equal(clustercache_save(path, &u, 1, &e), ST_OK);
	fp = fopen(link, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof text - 1, fp);
	text[n] = '\0';
	fclose(fp);
	assert_string_equal(text, "x\ty\tz\n");
	umask(022);

	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(link);
	free(path);
	free(dir);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path),
	    cmocka_unit_test(test_merge_new),
	    cmocka_unit_test(test_merge_replaces_listed_regions_only),
	    cmocka_unit_test(test_merge_empty_listing_removes),
	    cmocka_unit_test(test_merge_drops_malformed),
	    cmocka_unit_test(test_save),
	};

	return cmocka_run_group_tests_name("clustercache", tests, NULL, NULL);
}
