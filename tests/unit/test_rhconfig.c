/*
 * test_rhconfig - the rolehop YAML configuration: the full example of
 * spec/cli.md and every key, empty and missing files, and each broken
 * fixture under tests/data/rhconfig/ with its line and key. A failed load
 * must leave an empty config that rhconfig_free() releases.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rhconfig.h"
#include "xalloc.h"

/* The path of a fixture (caller frees). */
static char *
fixture(const char *name)
{
	const char *dir = getenv("TESTDATA");

	return xasprintf("%s/rhconfig/%s", dir && *dir ? dir : "tests/data",
	                 name);
}

/* The bytes of a fixture (caller frees), NUL-terminated. */
static char *
slurp(const char *name, size_t *len)
{
	char *path = fixture(name), *text;
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	text = xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return text;
}

/* Nothing left behind that a caller might use. */
static void
assert_empty(const struct rhconfig *c)
{
	assert_null(c->path);
	assert_null(c->regions);
	assert_int_equal(c->nregions, 0);
	assert_null(c->targets);
	assert_int_equal(c->ntargets, 0);
}

static void
assert_cluster_unset(const struct rh_cluster *cl)
{
	assert_null(cl->namespace);
	assert_null(cl->server);
	assert_null(cl->certificate_authority);
	assert_null(cl->tls_server_name);
	assert_null(cl->proxy_url);
}

/* The sketch of spec/cli.md "Targets", verbatim. */
static void
test_full_example(void **state)
{
	char *path = fixture("full.yaml");
	const struct rh_target *t;
	const struct rh_cluster *cl;
	struct rhconfig c;
	struct err e;

	(void)state;
	rhconfig_init(&c);
	err_clear(&e);
	assert_int_equal(rhconfig_load(&c, path, false, &e), ST_OK);
	assert_string_equal(c.path, path);
	assert_int_equal(c.nregions, 2);
	assert_string_equal(c.regions[0], "us-east-1");
	assert_string_equal(c.regions[1], "eu-west-1");
	assert_int_equal(c.ntargets, 2);

	t = rhconfig_target(&c, "dev");
	assert_ptr_equal(t, &c.targets[0]);
	assert_string_equal(t->name, "dev");
	assert_int_equal(t->line, 3);
	assert_null(t->profile);
	assert_string_equal(
	    t->role_arn,
	    "arn:aws:iam::222222222222:role/target-account-iam-role");
	assert_string_equal(t->source, "ci-env");
	assert_string_equal(t->session_name, "xactarget");
	assert_string_equal(t->external_id, "optional");
	assert_null(t->mfa_serial);
	assert_int_equal(t->duration_seconds, 0);
	assert_null(t->region);
	assert_int_equal(t->nregions, 1);
	assert_string_equal(t->regions[0], "us-east-1");
	assert_string_equal(t->color, "green");
	assert_false(t->confirm);
	assert_int_equal(t->nclusters, 0);

	t = rhconfig_target(&c, "prod");
	assert_ptr_equal(t, &c.targets[1]);
	assert_string_equal(t->name, "prod");
	assert_int_equal(t->line, 10);
	assert_string_equal(t->profile, "prod-env");
	assert_null(t->role_arn);
	assert_null(t->source);
	assert_null(t->session_name);
	assert_null(t->external_id);
	assert_null(t->mfa_serial);
	assert_int_equal(t->duration_seconds, 0);
	assert_null(t->region);
	assert_int_equal(t->nregions, 0);
	assert_null(t->regions);
	assert_string_equal(t->color, "red");
	assert_true(t->confirm);
	assert_int_equal(t->nclusters, 1);
	cl = &t->clusters[0];
	assert_int_equal(cl->line, 15);
	assert_string_equal(cl->name, "prod-main");
	assert_string_equal(cl->region, "eu-west-1");
	assert_string_equal(cl->alias, "prod");
	assert_string_equal(cl->namespace, "payments");
	assert_string_equal(cl->server, "https://127.0.0.1:8443");
	assert_string_equal(cl->certificate_authority,
	                    "/etc/rolehop/prod-ca.pem");
	assert_string_equal(cl->tls_server_name,
	                    "ABCDEF.gr7.eu-west-1.eks.amazonaws.com");
	assert_string_equal(cl->proxy_url, "socks5://127.0.0.1:1080");

	assert_null(rhconfig_target(&c, "nope"));
	assert_null(rhconfig_target(&c, "Dev"));
	assert_null(rhconfig_target(&c, NULL));
	rhconfig_free(&c);
	assert_empty(&c);
	free(path);
}

/* Every key, block lists, quoting, nulls, yes/no. */
static void
test_every_key(void **state)
{
	char *path = fixture("every-key.yaml");
	const struct rh_target *t;
	const struct rh_cluster *cl;
	struct rhconfig c;
	struct err e;

	(void)state;
	rhconfig_init(&c);
	assert_int_equal(rhconfig_load(&c, path, false, &e), ST_OK);
	assert_int_equal(c.nregions, 2);
	assert_string_equal(c.regions[0], "us-east-1");
	assert_string_equal(c.regions[1], "eu-west-1");
	assert_int_equal(c.ntargets, 3);

	t = rhconfig_target(&c, "dev");
	assert_ptr_equal(t, &c.targets[0]);
	assert_int_equal(t->line, 6);
	assert_null(t->profile);
	assert_string_equal(
	    t->role_arn,
	    "arn:aws:iam::222222222222:role/target-account-iam-role");
	assert_string_equal(t->source, "ci-env");
	assert_string_equal(t->session_name, "xactarget");
	assert_string_equal(t->external_id, "ext-1234");
	assert_int_equal(t->duration_seconds, 3600);
	assert_string_equal(t->mfa_serial, "arn:aws:iam::111111111111:mfa/me");
	assert_string_equal(t->region, "us-west-2");
	assert_int_equal(t->nregions, 2);
	assert_string_equal(t->regions[0], "us-west-2");
	assert_string_equal(t->regions[1], "ap-south-1");
	assert_string_equal(t->color, "green");
	assert_false(t->confirm);
	assert_int_equal(t->nclusters, 0);

	t = rhconfig_target(&c, "prod");
	assert_ptr_equal(t, &c.targets[1]);
	assert_int_equal(t->line, 19);
	assert_string_equal(t->profile, "prod-env");
	assert_true(t->confirm);
	assert_null(t->region); /* "~" */
	assert_int_equal(t->nregions, 0);
	assert_null(t->color);
	assert_int_equal(t->duration_seconds, 0);
	assert_int_equal(t->nclusters, 2);
	cl = &t->clusters[0];
	assert_int_equal(cl->line, 25);
	assert_string_equal(cl->name, "prod-main");
	assert_string_equal(cl->region, "eu-west-1");
	assert_string_equal(cl->alias, "prod");
	assert_cluster_unset(cl);
	cl = &t->clusters[1];
	assert_int_equal(cl->line, 26);
	assert_string_equal(cl->name, "prod-batch");
	assert_string_equal(cl->region, "eu-west-1");
	assert_null(cl->alias); /* empty value */
	assert_string_equal(cl->namespace, "batch");
	assert_string_equal(cl->server, "https://127.0.0.1:8443");
	assert_string_equal(cl->certificate_authority,
	                    "/etc/rolehop/prod-ca.pem");
	assert_string_equal(cl->tls_server_name,
	                    "ABC.gr7.eu-west-1.eks.amazonaws.com");
	assert_string_equal(cl->proxy_url, "socks5://127.0.0.1:1080");

	/* A quoted number is a name; an empty clusters: is no clusters. */
	t = rhconfig_target(&c, "12");
	assert_ptr_equal(t, &c.targets[2]);
	assert_int_equal(t->nclusters, 0);
	assert_null(t->profile);
	assert_null(t->role_arn);
	rhconfig_free(&c);
	free(path);
}

static void
test_empty_files(void **state)
{
	static const char *const names[] = {"empty.yaml", "comments.yaml",
	                                    "empty-document.yaml"};
	static const char *const texts[] = {"", "~\n", "regions: []\n",
	                                    "regions: []\ntargets: []\n",
	                                    "regions:\ntargets:\n"};
	struct rhconfig c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *path = fixture(names[i]);

		rhconfig_init(&c);
		assert_int_equal(rhconfig_load(&c, path, false, &e), ST_OK);
		assert_string_equal(c.path, path); /* a file was read */
		assert_int_equal(c.ntargets, 0);
		assert_int_equal(c.nregions, 0);
		assert_null(rhconfig_target(&c, "dev"));
		rhconfig_free(&c);
		free(path);
	}
	/* Empty text in memory, and empty or null lists. */
	rhconfig_init(&c);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		assert_int_equal(rhconfig_parse(&c, "m.yaml", texts[i],
		                                strlen(texts[i]), &e),
		                 ST_OK);
		assert_string_equal(c.path, "m.yaml");
		assert_int_equal(c.ntargets, 0);
		assert_int_equal(c.nregions, 0);
	}
	rhconfig_free(&c);
}

struct broken {
	const char *file;
	int line;
	const char *want;
};

static const struct broken broken[] = {
    /* YAML syntax: libyaml's problem and mark */
    {"bad-syntax.yaml", 5, "did not find expected ',' or ']'"},
    {"bad-indent.yaml", 4, "did not find expected '-' indicator"},
    {"bad-utf8.yaml", 4, "invalid leading UTF-8 octet"},
    {"bad-nul.yaml", 2, "NUL character"},
    {"bad-two-documents.yaml", 2, "only one YAML document"},
    {"bad-complex-key.yaml", 2, "a key must be a string, not a list"},
    {"bad-anchor.yaml", 2, "aliases are not supported"},
    {"bad-alias.yaml", 4, "aliases are not supported"},
    /* shape */
    {"bad-top-list.yaml", 2, "top level must be a mapping, not a list"},
    {"bad-top-string.yaml", 2, "top level must be a mapping, not a string"},
    {"bad-regions-string.yaml", 2,
     "'regions' at top level must be a list, not a string"},
    {"bad-regions-item.yaml", 3,
     "'regions' at top level must be a list of strings; item 2 is a "
     "list"},
    {"bad-targets-mapping.yaml", 2,
     "'targets' at top level must be a list, not a mapping"},
    {"bad-target-string.yaml", 4, "target #2 must be a mapping, not a string"},
    {"bad-target-regions-string.yaml", 4,
     "'regions' in target 'dev' must be a list, not a string"},
    {"bad-source-list.yaml", 5,
     "'source' in target 'dev' must be a string, not a list"},
    {"bad-clusters-mapping.yaml", 5,
     "'clusters' in target 'prod' must be a list, not a mapping"},
    {"bad-cluster-string.yaml", 4,
     "cluster #1 of target 'prod' must be a mapping, not a string"},
    /* keys */
    {"bad-unknown-top.yaml", 3, "unknown key 'target' at top level"},
    {"bad-unknown-target-key.yaml", 7, "unknown key 'rol_arn' in target 'dev'"},
    {"bad-unknown-key-before-name.yaml", 4,
     "unknown key 'colour' in target 'dev'"},
    {"bad-unknown-cluster-key.yaml", 7,
     "unknown key 'sever' in cluster 'prod-main' of target 'prod'"},
    {"bad-dup-key-top.yaml", 3,
     "duplicate key 'regions' at top level (first at line 1)"},
    {"bad-dup-key-target.yaml", 5,
     "duplicate key 'role_arn' in target 'dev' (first at line 3)"},
    {"bad-dup-key-cluster.yaml", 7,
     "duplicate key 'region' in cluster 'prod-main' of target 'prod' "
     "(first at line 6)"},
    /* values */
    {"bad-no-name.yaml", 4, "target #2 has no name"},
    {"bad-name-null.yaml", 2, "target #1 has no name"},
    {"bad-dup-target.yaml", 6, "duplicate target 'dev' (first at line 2)"},
    {"bad-profile-role.yaml", 5,
     "target 'prod' has both 'profile' and 'role_arn'"},
    {"bad-profile-source.yaml", 4,
     "target 'prod' has both 'profile' and 'source'"},
    {"bad-confirm.yaml", 4,
     "'confirm' in target 'prod' must be true or false (unquoted), not "
     "'maybe'"},
    {"bad-confirm-quoted.yaml", 4,
     "'confirm' in target 'prod' must be true or false (unquoted), not "
     "'true'"},
    {"bad-confirm-list.yaml", 4,
     "'confirm' in target 'prod' must be true or false (unquoted), not "
     "a list"},
    {"bad-duration-low.yaml", 4,
     "'duration_seconds' in target 'dev' must be a whole number from 900 "
     "to 43200, not '899'"},
    {"bad-duration-high.yaml", 4,
     "'duration_seconds' in target 'dev' must be a whole number from 900 "
     "to 43200, not '43201'"},
    {"bad-duration-text.yaml", 4,
     "'duration_seconds' in target 'dev' "
     "must be a whole number"},
    {"bad-duration-octal.yaml", 4, "not '03600'"},
    {"bad-cluster-no-name.yaml", 6,
     "cluster #2 of target 'prod' has no "
     "name"},
};

/* Each broken fixture fails with "PATH:LINE: ..." naming the key, loaded
 * from disk, into a config that held something before. */
static void
test_broken_fixtures(void **state)
{
	struct rhconfig c;
	struct err e;
	char *good = fixture("full.yaml");

	(void)state;
	rhconfig_init(&c);
	for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
		const struct broken *b = &broken[i];
		char *path = fixture(b->file);
		char *prefix = xasprintf("%s:%d: ", path, b->line);

		assert_int_equal(rhconfig_load(&c, good, false, &e), ST_OK);
		assert_int_equal(c.ntargets, 2);
		err_clear(&e);
		if (rhconfig_load(&c, path, false, &e) != ST_CONFIG)
			fail_msg("%s: loaded without an error", b->file);
		assert_int_equal(e.status, ST_CONFIG);
		if (strncmp(e.msg, prefix, strlen(prefix)) != 0 ||
		    strstr(e.msg, b->want) == NULL)
			fail_msg("%s: want [%s...%s] in [%s]", b->file, prefix,
			         b->want, e.msg);
		assert_empty(&c);
		rhconfig_free(&c);
		rhconfig_free(&c);
		free(prefix);
		free(path);
	}
	free(good);
}

/* The exact one-line messages, with the path as given. */
static void
test_exact_messages(void **state)
{
	struct rhconfig c;
	struct err e;
	size_t len;
	char *text = slurp("bad-unknown-target-key.yaml", &len);

	(void)state;
	rhconfig_init(&c);
	assert_int_equal(rhconfig_parse(&c, "config.yaml", text, len, &e),
	                 ST_CONFIG);
	assert_string_equal(
	    e.msg, "config.yaml:7: unknown key 'rol_arn' in target 'dev'");
	assert_non_null(strstr(e.hint, "role_arn"));
	assert_empty(&c);
	free(text);

	text = slurp("bad-syntax.yaml", &len);
	assert_int_equal(rhconfig_parse(&c, "config.yaml", text, len, &e),
	                 ST_CONFIG);
	assert_string_equal(
	    e.msg,
	    "config.yaml:5: did not find expected ',' or ']' (while parsing "
	    "a flow sequence at line 4)");
	free(text);

	text = slurp("bad-profile-role.yaml", &len);
	assert_int_equal(rhconfig_parse(&c, "config.yaml", text, len, &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "config.yaml:5: target 'prod' has both "
	                           "'profile' and 'role_arn'");
	assert_non_null(strstr(e.hint, "one or the other"));
	free(text);

	/* anchors on a scalar or a list, as well as on a mapping */
	text = xstrdup("regions:\n- a\n- &r b\n");
	assert_int_equal(
	    rhconfig_parse(&c, "config.yaml", text, strlen(text), &e),
	    ST_CONFIG);
	free(text);
	assert_string_equal(
	    e.msg, "config.yaml:3: anchors and aliases are not supported");
	text = xstrdup("\nregions: &r [a]\n");
	assert_int_equal(
	    rhconfig_parse(&c, "config.yaml", text, strlen(text), &e),
	    ST_CONFIG);
	free(text);
	assert_string_equal(
	    e.msg, "config.yaml:2: anchors and aliases are not supported");
	assert_empty(&c);
	rhconfig_free(&c);
}

static void
test_bool_and_number_spellings(void **state)
{
	static const struct {
		const char *v;
		bool want;
	} bools[] = {{"true", true},   {"True", true},   {"TRUE", true},
	             {"yes", true},    {"Yes", true},    {"YES", true},
	             {"false", false}, {"False", false}, {"FALSE", false},
	             {"no", false},    {"No", false},    {"NO", false}};
	static const char *const bad_bools[] = {"1",     "0", "y",    "tru",
	                                        "'yes'", "~", "truee"};
	static const struct {
		const char *v;
		int want;
	} ints[] = {{"900", 900}, {"43200", 43200}, {"3600", 3600}};
	static const char *const bad_ints[] = {
	    "0",     "-3600",  "+3600",  "3600.0",
	    "3_600", "0x0e10", "'3600'", "99999999999999999999",
	    "~"};
	struct rhconfig c;
	struct err e;
	char *text;

	(void)state;
	rhconfig_init(&c);
	for (size_t i = 0; i < sizeof bools / sizeof *bools; i++) {
		text = xasprintf("targets:\n- {name: a, profile: p, confirm: "
		                 "%s}\n",
		                 bools[i].v);
		assert_int_equal(
		    rhconfig_parse(&c, "b.yaml", text, strlen(text), &e),
		    ST_OK);
		assert_int_equal(c.targets[0].confirm, bools[i].want);
		free(text);
	}
	for (size_t i = 0; i < sizeof bad_bools / sizeof *bad_bools; i++) {
		text = xasprintf("targets:\n- name: a\n  confirm: %s\n",
		                 bad_bools[i]);
		assert_int_equal(
		    rhconfig_parse(&c, "b.yaml", text, strlen(text), &e),
		    ST_CONFIG);
		if (strncmp(e.msg, "b.yaml:3: 'confirm'", 19) != 0)
			fail_msg("%s: [%s]", bad_bools[i], e.msg);
		assert_empty(&c);
		free(text);
	}
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		text = xasprintf("targets:\n- name: a\n  duration_seconds: "
		                 "%s\n",
		                 ints[i].v);
		assert_int_equal(
		    rhconfig_parse(&c, "n.yaml", text, strlen(text), &e),
		    ST_OK);
		assert_int_equal(c.targets[0].duration_seconds, ints[i].want);
		free(text);
	}
	for (size_t i = 0; i < sizeof bad_ints / sizeof *bad_ints; i++) {
		text = xasprintf("targets:\n- name: a\n  duration_seconds: "
		                 "%s\n",
		                 bad_ints[i]);
		assert_int_equal(
		    rhconfig_parse(&c, "n.yaml", text, strlen(text), &e),
		    ST_CONFIG);
		if (strncmp(e.msg, "n.yaml:3: 'duration_seconds'", 28) != 0)
			fail_msg("%s: [%s]", bad_ints[i], e.msg);
		free(text);
	}
	rhconfig_free(&c);
}

/* "x: " followed by n nested flow lists (the mapping is one level). */
static char *
nested(size_t n)
{
	char *p = xmalloc(2 * n + 8);
	size_t len = 0;

	memcpy(p, "x: ", 3);
	len = 3;
	memset(p + len, '[', n);
	len += n;
	memset(p + len, ']', n);
	len += n;
	p[len++] = '\n';
	p[len] = '\0';
	return p;
}

static void
test_depth_cap(void **state)
{
	struct rhconfig c;
	struct err e;
	size_t len = 0;
	char *text;

	(void)state;
	rhconfig_init(&c);
	/* 32 levels are read (then x is refused as unknown) */
	text = nested(RHCONFIG_MAX_DEPTH - 1);
	assert_int_equal(rhconfig_parse(&c, "d.yaml", text, strlen(text), &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "d.yaml:1: unknown key 'x' at top level");
	free(text);
	/* 33 are not */
	text = nested(RHCONFIG_MAX_DEPTH);
	assert_int_equal(rhconfig_parse(&c, "d.yaml", text, strlen(text), &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "d.yaml:1: nested deeper than 32 levels");
	free(text);
	/* far deeper: refused early, without recursing */
	text = nested(200000);
	assert_int_equal(rhconfig_parse(&c, "d.yaml", text, strlen(text), &e),
	                 ST_CONFIG);
	assert_non_null(strstr(e.msg, "nested deeper than 32 levels"));
	free(text);
	/* block style counts the same: line n is indented n - 1 */
	text = xmalloc(64 * 40);
	for (int i = 0; i < RHCONFIG_MAX_DEPTH; i++) {
		memset(text + len, ' ', (size_t)i);
		len += (size_t)i;
		memcpy(text + len, "k:\n", 3);
		len += 3;
	}
	memset(text + len, ' ', RHCONFIG_MAX_DEPTH);
	len += RHCONFIG_MAX_DEPTH;
	memcpy(text + len, "k: v\n", 5);
	len += 5;
	assert_int_equal(rhconfig_parse(&c, "d.yaml", text, len, &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "d.yaml:33: nested deeper than 32 levels");
	free(text);
	assert_empty(&c);
	rhconfig_free(&c);
}

/* A scratch directory under $TMPDIR or /tmp (caller removes). */
static char *
scratch_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir =
	    xasprintf("%s/rolehop-rhconfig.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_size_cap(void **state)
{
	char *dir = scratch_dir(), *path = xasprintf("%s/big.yaml", dir);
	char *text = xmalloc(RHCONFIG_MAX_FILE + 2);
	struct rhconfig c;
	struct err e;
	char *want;

	(void)state;
	rhconfig_init(&c);
	/* exactly the cap: comment lines, a valid empty config */
	memset(text, '#', RHCONFIG_MAX_FILE + 1);
	for (size_t i = 79; i < RHCONFIG_MAX_FILE; i += 80)
		text[i] = '\n';
	text[RHCONFIG_MAX_FILE - 1] = '\n';
	assert_int_equal(
	    rhconfig_parse(&c, "big.yaml", text, RHCONFIG_MAX_FILE, &e), ST_OK);
	write_file(path, text, RHCONFIG_MAX_FILE);
	assert_int_equal(rhconfig_load(&c, path, false, &e), ST_OK);
	assert_string_equal(c.path, path);

	/* one byte more */
	text[RHCONFIG_MAX_FILE] = '\n';
	assert_int_equal(
	    rhconfig_parse(&c, "big.yaml", text, RHCONFIG_MAX_FILE + 1, &e),
	    ST_CONFIG);
	assert_string_equal(e.msg, "big.yaml: larger than 1048576 bytes");
	assert_empty(&c);
	write_file(path, text, RHCONFIG_MAX_FILE + 1);
	assert_int_equal(rhconfig_load(&c, path, false, &e), ST_CONFIG);
	want = xasprintf("%s: larger than 1048576 bytes", path);
	assert_string_equal(e.msg, want);
	assert_empty(&c);
	rhconfig_free(&c);

	free(want);
	free(text);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(dir);
}

/* Many targets: the duplicate check is linear and still exact. */
static void
test_many_targets(void **state)
{
	enum { N = 20000 };
	char *text = xmalloc((size_t)N * 32 + 64);
	size_t len;
	struct rhconfig c;
	struct err e;
	const struct rh_target *t;

	(void)state;
	memcpy(text, "targets:\n", 9);
	len = 9;
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, 32, "- name: t%d\n", i);
	rhconfig_init(&c);
	assert_int_equal(rhconfig_parse(&c, "m.yaml", text, len, &e), ST_OK);
	assert_int_equal(c.ntargets, N);
	t = rhconfig_target(&c, "t19999");
	assert_non_null(t);
	assert_int_equal(t->line, N + 1);
	/* the same names again, plus t123 a second time */
	len += (size_t)snprintf(text + len, 32, "- name: t123\n");
	assert_int_equal(rhconfig_parse(&c, "m.yaml", text, len, &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "m.yaml:20002: duplicate target 't123' "
	                           "(first at line 125)");
	assert_empty(&c);
	rhconfig_free(&c);
	free(text);
}

static void
test_missing_and_unreadable(void **state)
{
	char *dir = scratch_dir();
	char *missing = xasprintf("%s/none.yaml", dir);
	char *file = xasprintf("%s/config.yaml", dir);
	char *under_file = xasprintf("%s/config.yaml/x.yaml", dir);
	char *loop = xasprintf("%s/loop.yaml", dir);
	struct rhconfig c;
	struct err e;
	char *want;

	(void)state;
	write_file(file, "regions: [us-east-1]\n", 21);
	assert_int_equal(symlink("loop.yaml", loop), 0);
	rhconfig_init(&c);

	/* missing_ok: an empty config that read no file */
	assert_int_equal(rhconfig_load(&c, file, false, &e), ST_OK);
	assert_int_equal(c.nregions, 1);
	assert_int_equal(rhconfig_load(&c, missing, true, &e), ST_OK);
	assert_empty(&c);

	want = xasprintf("%s: %s", missing, strerror(ENOENT));
	assert_int_equal(rhconfig_load(&c, missing, false, &e), ST_CONFIG);
	assert_string_equal(e.msg, want);
	assert_empty(&c);
	free(want);

	/* only a missing file is ok, not a broken path */
	want = xasprintf("%s: %s", under_file, strerror(ENOTDIR));
	assert_int_equal(rhconfig_load(&c, under_file, true, &e), ST_CONFIG);
	assert_string_equal(e.msg, want);
	free(want);
	want = xasprintf("%s: %s", loop, strerror(ELOOP));
	assert_int_equal(rhconfig_load(&c, loop, true, &e), ST_CONFIG);
	assert_string_equal(e.msg, want);
	free(want);

	want = xasprintf("%s: not a regular file", dir);
	assert_int_equal(rhconfig_load(&c, dir, false, &e), ST_CONFIG);
	assert_string_equal(e.msg, want);
	free(want);

	/* permissions do not stop root */
	if (geteuid() != 0) {
		assert_int_equal(chmod(file, 0), 0);
		want = xasprintf("%s: %s", file, strerror(EACCES));
		assert_int_equal(rhconfig_load(&c, file, true, &e), ST_CONFIG);
		assert_string_equal(e.msg, want);
		free(want);
	}
	assert_empty(&c);
	rhconfig_free(&c);

	assert_int_equal(unlink(loop), 0);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
	free(loop);
	free(under_file);
	free(file);
	free(missing);
	free(dir);
}

/* rhconfig_free() is safe after init, after any load, and twice. */
static void
test_free_always_safe(void **state)
{
	static const char text[] = "targets:\n- name: a\n  profile: p\n"
	                           "- name: b\n  clusters:\n  - name: c\n"
	                           "    sever: x\n";
	struct rhconfig c;
	struct err e;

	(void)state;
	rhconfig_init(&c);
	rhconfig_free(&c);
	rhconfig_free(&c);
	assert_empty(&c);
	/* fails deep inside the second target's cluster */
	assert_int_equal(rhconfig_parse(&c, "f.yaml", text, strlen(text), &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "f.yaml:7: unknown key 'sever' in cluster "
	                           "'c' of target 'b'");
	assert_empty(&c);
	rhconfig_free(&c);
	rhconfig_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_example),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_empty_files),
	    cmocka_unit_test(test_broken_fixtures),
	    cmocka_unit_test(test_exact_messages),
	    cmocka_unit_test(test_bool_and_number_spellings),
	    cmocka_unit_test(test_depth_cap),
	    cmocka_unit_test(test_size_cap),
	    cmocka_unit_test(test_many_targets),
	    cmocka_unit_test(test_missing_and_unreadable),
	    cmocka_unit_test(test_free_always_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
