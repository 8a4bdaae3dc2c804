/*
 * test_rhconfig - the rolehop YAML configuration: the full example of
 * spec/cli.md, and every error with its file and line.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rhconfig.h"
#include "xalloc.h"

static const char full[] =
    "regions: [us-east-1, eu-west-1]        # default regions\n"
    "targets:\n"
    "  - name: dev\n"
    "    role_arn: arn:aws:iam::222222222222:role/target-account-iam-role\n"
    "    source: ci-env\n"
    "    session_name: xactarget\n"
    "    external_id: optional\n"
    "    regions: [us-east-1]\n"
    "    color: green\n"
    "  - name: prod\n"
    "    profile: prod-env\n"
    "    confirm: true\n"
    "    color: red\n"
    "    duration_seconds: 1800\n"
    "    clusters:\n"
    "      - name: prod-main\n"
    "        region: eu-west-1\n"
    "        alias: prod\n"
    "        namespace: payments\n"
    "        server: https://127.0.0.1:8443\n"
    "        certificate_authority: /etc/rolehop/prod-ca.pem\n"
    "        tls_server_name: ABCDEF.gr7.eu-west-1.eks.amazonaws.com\n"
    "        proxy_url: socks5://127.0.0.1:1080\n";

static void
test_full_example(void **state)
{
	struct rhconfig c;
	struct err e;
	const struct rh_target *t;
	const struct rh_cluster *cl;

	(void)state;
	rhconfig_init(&c);
	assert_int_equal(rhconfig_parse(&c, "cfg.yaml", full, strlen(full), &e),
	    ST_OK);
	assert_string_equal(c.path, "cfg.yaml");
	assert_int_equal(c.nregions, 2);
	assert_string_equal(c.regions[0], "us-east-1");
	assert_string_equal(c.regions[1], "eu-west-1");
	assert_int_equal(c.ntargets, 2);

	t = rhconfig_target(&c, "dev");
	assert_non_null(t);
	assert_int_equal(t->line, 3);
	assert_string_equal(t->role_arn,
	    "arn:aws:iam::222222222222:role/target-account-iam-role");
	assert_string_equal(t->source, "ci-env");
	assert_string_equal(t->session_name, "xactarget");
	assert_string_equal(t->external_id, "optional");
	assert_int_equal(t->nregions, 1);
	assert_string_equal(t->regions[0], "us-east-1");
	assert_string_equal(t->color, "green");
	assert_false(t->confirm);
	assert_null(t->profile);
	assert_int_equal(t->nclusters, 0);

	t = rhconfig_target(&c, "prod");
	assert_non_null(t);
	assert_string_equal(t->profile, "prod-env");
	assert_true(t->confirm);
	assert_int_equal(t->duration_seconds, 1800);
	assert_int_equal(t->nclusters, 1);
	cl = &t->clusters[0];
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
	rhconfig_free(&c);
}

/* Parse text expecting an error whose message contains want. */
static void
expect_error(const char *text, const char *want)
{
	struct rhconfig c;
	struct err e;

	rhconfig_init(&c);
	err_clear(&e);
	assert_int_equal(rhconfig_parse(&c, "cfg.yaml", text, strlen(text), &e),
	    ST_CONFIG);
	if (strstr(e.msg, want) == NULL)
		fail_msg("want [%s] in [%s]", want, e.msg);
	/* a failed parse leaves an empty, freeable config */
	assert_int_equal(c.ntargets, 0);
	assert_int_equal(c.nregions, 0);
	rhconfig_free(&c);
}

static void
test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("targets:\n  - name: dev\n    rol_arn: x\n",
	    "cfg.yaml:3: unknown key 'rol_arn' in target 'dev'");
	expect_error("target: []\n",
	    "cfg.yaml:1: unknown key 'target' in the configuration");
	expect_error("targets: [\n", "cfg.yaml:");
	expect_error("- a\n- b\n", "cfg.yaml:1: the configuration must be a "
				   "mapping");
	expect_error("targets:\n  - role_arn: x\n",
	    "cfg.yaml:2: a target has no name");
	expect_error("targets:\n  - name: a\n  - name: b\n  - name: a\n",
	    "cfg.yaml:4: duplicate target 'a' (first at line 2)");
	expect_error("targets:\n  - name: a\n    profile: p\n    role_arn: r\n",
	    "target 'a' has both profile and role_arn");
	expect_error("targets:\n  - name: a\n    confirm: maybe\n",
	    "cfg.yaml:3: confirm must be true or false, not 'maybe'");
	expect_error("targets:\n  - name: a\n    duration_seconds: 60\n",
	    "cfg.yaml:3: duration_seconds must be a whole number from 900 to "
	    "43200");
	expect_error("targets:\n  - name: a\n    duration_seconds: 1h\n",
	    "duration_seconds must be a whole number");
	expect_error("regions: us-east-1\n",
	    "cfg.yaml:1: regions must be a list, not a value");
	expect_error("targets:\n  name: a\n", "cfg.yaml:2: targets must be a "
					      "list, not a mapping");
	expect_error("targets:\n  - name: a\n    clusters:\n      - region: x\n",
	    "cfg.yaml:4: a cluster of target 'a' has no name");
	expect_error("targets:\n  - name: a\n    clusters:\n"
		     "      - name: c\n        sever: x\n",
	    "cfg.yaml:5: unknown key 'sever' in a cluster of target 'a'");
	expect_error("regions: [a]\nregions: [b]\n",
	    "cfg.yaml:2: duplicate key 'regions' (first at line 1)");
	expect_error("base: &b {name: a}\ntargets: [*b]\n",
	    "anchors are not supported");
	expect_error("targets:\n  - name: a\n    source: [x]\n",
	    "cfg.yaml:3: source must be a value, not a list");
}

static void
test_depth_and_size_caps(void **state)
{
	struct buf_like {
		char *p;
	} b;
	size_t n = RHCONFIG_MAX_DEPTH + 8, len = 0;
	char *deep = xmalloc(n * 2 + 16);

	(void)state;
	deep[len++] = 'x';
	deep[len++] = ':';
	deep[len++] = ' ';
	for (size_t i = 0; i < n; i++)
		deep[len++] = '[';
	for (size_t i = 0; i < n; i++)
		deep[len++] = ']';
	deep[len++] = '\n';
	deep[len] = '\0';
	expect_error(deep, "nested deeper than");
	free(deep);

	b.p = xmalloc(RHCONFIG_MAX_FILE + 2);
	memset(b.p, '#', RHCONFIG_MAX_FILE + 1);
	b.p[RHCONFIG_MAX_FILE + 1] = '\0';
	expect_error(b.p, "larger than");
	free(b.p);
}

static void
test_empty_and_comments(void **state)
{
	struct rhconfig c;
	struct err e;
	static const char *const texts[] = {"", "# nothing\n\n", "---\n",
	    "targets: []\n"};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		rhconfig_init(&c);
		assert_int_equal(rhconfig_parse(&c, "cfg.yaml", texts[i],
				     strlen(texts[i]), &e),
		    ST_OK);
		assert_int_equal(c.ntargets, 0);
		rhconfig_free(&c);
	}
}

static void
test_load_files(void **state)
{
	char dir[] = "/tmp/rolehop-rhconfig.XXXXXX", *path, *missing;
	struct rhconfig c;
	struct err e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/config.yaml", dir);
	missing = xasprintf("%s/none.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(full, f);
	fclose(f);

	rhconfig_init(&c);
	assert_int_equal(rhconfig_load(&c, path, false, &e), ST_OK);
	assert_int_equal(c.ntargets, 2);
	assert_string_equal(c.path, path);
	rhconfig_free(&c);

	assert_int_equal(rhconfig_load(&c, missing, true, &e), ST_OK);
	assert_int_equal(c.ntargets, 0);
	assert_null(c.path);
	assert_int_equal(rhconfig_load(&c, missing, false, &e), ST_CONFIG);
	assert_non_null(strstr(e.msg, missing));
	assert_non_null(strstr(e.msg, "No such file"));
	assert_int_equal(rhconfig_load(&c, dir, false, &e), ST_CONFIG);
	assert_non_null(strstr(e.msg, "not a regular file"));
	rhconfig_free(&c);

	unlink(path);
	rmdir(dir);
	free(path);
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_example),
	    cmocka_unit_test(test_errors_name_file_and_line),
	    cmocka_unit_test(test_depth_and_size_caps),
	    cmocka_unit_test(test_empty_and_comments),
	    cmocka_unit_test(test_load_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
