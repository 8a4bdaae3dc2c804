/*
 * test_targets - target list and chain resolution with the AWS CLI's
 * semantics, the rolehop config, the ambient identity, regions and
 * endpoints.
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

#include "jsonutil.h"
#include "targets.h"
#include "xalloc.h"

struct fixture {
	char dir[64];
	char *config, *credentials, *rh;
	struct envsnap env;
	struct targets ts;
	struct err e;
	enum status st;
};

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/rolehop-targets.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->config = xasprintf("%s/config", f->dir);
	f->credentials = xasprintf("%s/credentials", f->dir);
	f->rh = xasprintf("%s/rolehop.yaml", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;

	targets_free(&f->ts);
	envsnap_free(&f->env);
	unlink(f->config);
	unlink(f->credentials);
	unlink(f->rh);
	rmdir(f->dir);
	free(f->config);
	free(f->credentials);
	free(f->rh);
	(void)cmd;
	free(f);
	return 0;
}

/* Load with the given files (NULL: absent) and extra env vars. */
static void
load(struct fixture *f, const char *config, const char *credentials,
     const char *rh, ...)
{
	const char *vars[32];
	char *owned[4];
	size_t n = 0;
	va_list ap;
	const char *v;
	struct targets_opts o = {0};

	if (config)
		write_file(f->config, config);
	if (credentials)
		write_file(f->credentials, credentials);
	if (rh)
		write_file(f->rh, rh);
	owned[0] = xasprintf("AWS_CONFIG_FILE=%s", f->config);
	owned[1] = xasprintf("AWS_SHARED_CREDENTIALS_FILE=%s", f->credentials);
	owned[2] = xasprintf("HOME=%s", f->dir);
	owned[3] = xasprintf("ROLEHOP_CONFIG=%s", f->rh);
	vars[n++] = owned[0];
	vars[n++] = owned[1];
	vars[n++] = owned[2];
	if (rh)
		vars[n++] = owned[3];
	va_start(ap, rh);
	while ((v = va_arg(ap, const char *)) != NULL && n < 31)
		vars[n++] = v;
	va_end(ap);
	vars[n] = NULL;
	envsnap_from(&f->env, vars);
	for (int i = 0; i < 4; i++)
		free(owned[i]);
	o.env = &f->env;
	f->st = targets_load(&f->ts, &o, &f->e);
}

static const struct target *
must_find(struct fixture *f, const char *name)
{
	const struct target *t = targets_find(&f->ts, name);

	if (t == NULL)
		fail_msg("target %s not found", name);
	return t;
}

static const char walkthrough[] =
    "[profile ci-env]\n"
    "role_arn = arn:aws:iam::111111111111:role/ci-account-iam-role\n"
    "web_identity_token_file = /var/run/secrets/token\n"
    "region = us-east-1\n"
    "\n"
    "[profile target-env]\n"
    "role_arn = arn:aws:iam::222222222222:role/target-account-iam-role\n"
    "source_profile = ci-env\n"
    "role_session_name = xactarget\n"
    "region = eu-west-1\n"
    "\n"
    "[profile deep]\n"
    "role_arn = arn:aws:iam::444444444444:role/deep\n"
    "source_profile = target-env\n"
    "external_id = ext-123\n"
    "duration_seconds = 7200\n";

static void
test_walkthrough_chain(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f, walkthrough, NULL, NULL, NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "target-env");
	assert_null(t->error);
	assert_int_equal(t->source, TARGET_AWS_CONFIG);
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->hops[0].kind, HOP_WEB_IDENTITY);
	assert_string_equal(
	    t->hops[0].role_arn,
	    "arn:aws:iam::111111111111:role/ci-account-iam-role");
	assert_string_equal(t->hops[0].token_file, "/var/run/secrets/token");
	assert_string_equal(t->hops[0].profile, "ci-env");
	assert_int_equal(t->hops[1].kind, HOP_ASSUME_ROLE);
	assert_string_equal(t->hops[1].session_name, "xactarget");
	assert_string_equal(t->region, "eu-west-1");

	t = must_find(f, "deep");
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->hops[2].kind, HOP_ASSUME_ROLE);
	assert_string_equal(t->hops[2].external_id, "ext-123");
	assert_int_equal(t->hops[2].duration_seconds, 7200);
	/* region is not inherited from the source profile */
	assert_null(t->region);

	t = must_find(f, "ci-env");
	assert_int_equal(t->nhops, 1);
	/* no ambient identity in this environment */
	assert_null(targets_find(&f->ts, "ambient"));
}

static void
test_static_source_provides_keys(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f,
	     "[profile static-and-role]\n"
	     "role_arn = arn:aws:iam::999999999999:role/never\n"
	     "source_profile = base\n"
	     "[profile base]\n"
	     "role_arn = arn:aws:iam::888888888888:role/not-assumed\n"
	     "[profile hop1]\n"
	     "role_arn = arn:aws:iam::555555555555:role/from-static\n"
	     "source_profile = base\n"
	     "[profile self]\n"
	     "role_arn = arn:aws:iam::666666666666:role/self\n"
	     "source_profile = self\n",
	     "[base]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0001\n"
	     "aws_secret_access_key = fakesecret\n"
	     "[self]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0002\n"
	     "aws_secret_access_key = fakesecret2\n",
	     NULL, NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "hop1");
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->hops[0].kind, HOP_STATIC);
	assert_string_equal(t->hops[0].access_key_id, "AKIAFAKEFAKEFAKE0001");
	assert_string_equal(t->hops[0].secret_access_key, "fakesecret");
	assert_string_equal(t->hops[1].role_arn,
	                    "arn:aws:iam::555555555555:role/from-static");
	/* as a target of its own, base's role wins over its keys */
	t = must_find(f, "base");
	assert_int_equal(t->nhops, 0);
	assert_non_null(t->error);
	t = must_find(f, "self");
	assert_null(t->error);
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->hops[0].kind, HOP_STATIC);
	assert_string_equal(t->hops[0].access_key_id, "AKIAFAKEFAKEFAKE0002");
	assert_int_equal(t->hops[1].kind, HOP_ASSUME_ROLE);
}

static void
test_cycle_names_profiles(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f,
	     "[profile cyc-a]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "source_profile = cyc-b\n"
	     "[profile cyc-b]\n"
	     "role_arn = arn:aws:iam::111111111111:role/b\n"
	     "source_profile = cyc-a\n",
	     NULL, NULL, NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "cyc-a");
	assert_int_equal(t->nhops, 0);
	assert_non_null(t->error);
	assert_int_equal(t->error_status, ST_CONFIG);
	assert_non_null(strstr(t->error, "cycle"));
	assert_non_null(strstr(t->error, "cyc-a -> cyc-b -> cyc-a"));
}

static void
test_missing_source_names_file_line(void **state)
{
	struct fixture *f = *state;
	const struct target *t;
	char *want;

	load(f,
	     "[profile ok]\n"
	     "region = us-east-1\n"
	     "\n"
	     "[profile missing]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "source_profile = nope\n",
	     NULL, NULL, NULL);
	t = must_find(f, "missing");
	assert_non_null(t->error);
	want = xasprintf("%s:6: profile missing: source_profile 'nope' does "
	                 "not exist",
	                 f->config);
	assert_string_equal(t->error, want);
	free(want);
}

static void
test_profile_errors(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f,
	     "[profile both]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "source_profile = x\n"
	     "credential_source = Environment\n"
	     "[profile badsrc]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "credential_source = Bogus\n"
	     "[profile notarn]\n"
	     "role_arn = not-an-arn\n"
	     "credential_source = Environment\n"
	     "[profile nosource]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "[profile halfkey]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0003\n",
	     NULL, NULL, NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "both");
	assert_non_null(strstr(t->error, "both source_profile and "
	                                 "credential_source"));
	t = must_find(f, "badsrc");
	assert_non_null(strstr(t->error, "credential_source 'Bogus'"));
	t = must_find(f, "notarn");
	assert_non_null(strstr(t->error, "'not-an-arn' is not an IAM role"));
	assert_non_null(strstr(t->error, ":9: profile notarn"));
	t = must_find(f, "nosource");
	assert_non_null(strstr(t->error, "without source_profile"));
	assert_non_null(t->error_hint);
	t = must_find(f, "halfkey");
	assert_non_null(strstr(t->error, "without aws_secret_access_key"));
}

static void
test_credential_sources(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f,
	     "[profile envsrc]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "credential_source = environment\n"
	     "[profile imdssrc]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "credential_source = Ec2InstanceMetadata\n"
	     "[profile ecssrc]\n"
	     "role_arn = arn:aws:iam::111111111111:role/a\n"
	     "credential_source = EcsContainer\n"
	     "[profile proc]\n"
	     "credential_process = /usr/bin/get-creds --profile 'x y'\n"
	     "[profile regiononly]\n"
	     "region = us-east-2\n",
	     NULL, NULL, NULL);
	t = must_find(f, "envsrc");
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->hops[0].kind, HOP_ENV);
	t = must_find(f, "imdssrc");
	assert_int_equal(t->hops[0].kind, HOP_IMDS);
	t = must_find(f, "ecssrc");
	assert_int_equal(t->hops[0].kind, HOP_CONTAINER);
	t = must_find(f, "proc");
	assert_int_equal(t->nhops, 1);
	assert_int_equal(t->hops[0].kind, HOP_PROCESS);
	assert_string_equal(t->hops[0].process,
	                    "/usr/bin/get-creds --profile 'x y'");
	t = must_find(f, "regiononly");
	assert_int_equal(t->nhops, 1);
	assert_int_equal(t->hops[0].kind, HOP_IMDS);
	assert_string_equal(t->region, "us-east-2");
}

static void
test_credentials_file_merges(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f,
	     "[profile merged]\n"
	     "region = us-west-2\n",
	     "[merged]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0004\n"
	     "aws_secret_access_key = s\n"
	     "aws_session_token = tok\n"
	     "[onlycreds]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0005\n"
	     "aws_secret_access_key = s\n",
	     NULL, NULL);
	t = must_find(f, "merged");
	assert_int_equal(t->nhops, 1);
	assert_int_equal(t->hops[0].kind, HOP_STATIC);
	assert_string_equal(t->hops[0].session_token, "tok");
	assert_string_equal(t->region, "us-west-2");
	t = must_find(f, "onlycreds");
	assert_int_equal(t->hops[0].kind, HOP_STATIC);
}

static void
test_rolehop_targets(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f, walkthrough, NULL,
	     "regions: [us-east-1, eu-west-1]\n"
	     "targets:\n"
	     "  - name: dev\n"
	     "    role_arn: arn:aws:iam::222222222222:role/dev\n"
	     "    source: ci-env\n"
	     "    session_name: xactarget\n"
	     "    color: green\n"
	     "  - name: dev-admin\n"
	     "    role_arn: arn:aws:iam::222222222222:role/admin\n"
	     "    source: dev\n"
	     "    regions: [ap-south-1]\n"
	     "  - name: target-env\n"
	     "    profile: target-env\n"
	     "    confirm: true\n"
	     "  - name: from-ambient\n"
	     "    role_arn: arn:aws:iam::333333333333:role/amb\n",
	     "AWS_ROLE_ARN=arn:aws:iam::777777777777:role/irsa",
	     "AWS_WEB_IDENTITY_TOKEN_FILE=/tok", NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "dev");
	assert_int_equal(t->source, TARGET_ROLEHOP_CONFIG);
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->hops[0].kind, HOP_WEB_IDENTITY);
	assert_string_equal(t->hops[1].role_arn,
	                    "arn:aws:iam::222222222222:role/dev");
	assert_string_equal(t->color, "green");
	assert_int_equal(t->nregions, 2);
	assert_string_equal(t->regions[1], "eu-west-1");
	/* the settings of the source profile apply */
	assert_string_equal(t->region, "us-east-1");

	t = must_find(f, "dev-admin");
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->nregions, 1);
	assert_string_equal(t->regions[0], "ap-south-1");

	/* a rolehop target wins over the profile of the same name, once */
	t = must_find(f, "target-env");
	assert_int_equal(t->source, TARGET_ROLEHOP_CONFIG);
	assert_true(t->confirm);
	assert_int_equal(t->nhops, 2);
	{
		size_t count = 0;

		for (size_t i = 0; i < f->ts.n; i++)
			count += strcmp(f->ts.v[i].name, "target-env") == 0;
		assert_int_equal(count, 1);
	}

	t = must_find(f, "from-ambient");
	assert_int_equal(t->nhops, 2);
	assert_int_equal(t->hops[0].kind, HOP_WEB_IDENTITY);
	assert_string_equal(t->hops[0].role_arn,
	                    "arn:aws:iam::777777777777:role/irsa");

	/* IRSA in the environment is a target of its own */
	t = must_find(f, "ambient");
	assert_int_equal(t->source, TARGET_AMBIENT);
	assert_int_equal(t->nhops, 1);
	assert_string_equal(t->hops[0].token_file, "/tok");
}

static void
test_rolehop_target_errors(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f, walkthrough, NULL,
	     "targets:\n"
	     "  - name: a\n"
	     "    role_arn: arn:aws:iam::222222222222:role/a\n"
	     "    source: b\n"
	     "  - name: b\n"
	     "    role_arn: arn:aws:iam::222222222222:role/b\n"
	     "    source: a\n"
	     "  - name: ghost\n"
	     "    role_arn: arn:aws:iam::222222222222:role/g\n"
	     "    source: nowhere\n"
	     "  - name: noprof\n"
	     "    profile: nowhere\n",
	     NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "a");
	assert_non_null(t->error);
	assert_non_null(strstr(t->error, "cycle"));
	t = must_find(f, "ghost");
	assert_non_null(strstr(t->error, "source 'nowhere' is neither"));
	assert_non_null(strstr(t->error, ":8: target ghost"));
	t = must_find(f, "noprof");
	assert_non_null(strstr(t->error, "profile 'nowhere' does not exist"));
}

static void
test_region_precedence(void **state)
{
	struct fixture *f = *state;
	const struct target *t;

	load(f, walkthrough, NULL, NULL, "AWS_DEFAULT_REGION=ca-central-1",
	     "AWS_REGION=ap-northeast-1", NULL);
	t = must_find(f, "target-env");
	assert_string_equal(t->region, "ap-northeast-1");
	targets_free(&f->ts);
	envsnap_free(&f->env);
	load(f, walkthrough, NULL, NULL, "AWS_DEFAULT_REGION=ca-central-1",
	     NULL);
	t = must_find(f, "target-env");
	assert_string_equal(t->region, "ca-central-1");
}

static void
test_endpoints(void **state)
{
	struct fixture *f = *state;
	const struct target *t;
	struct endpoint ep;
	struct err e;

	load(f,
	     "[profile svc]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0006\n"
	     "aws_secret_access_key = s\n"
	     "region = us-west-2\n"
	     "services = local\n"
	     "[services local]\n"
	     "sts =\n"
	     "  endpoint_url = http://127.0.0.1:5000\n"
	     "[profile legacy]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0007\n"
	     "aws_secret_access_key = s\n"
	     "region = eu-west-1\n"
	     "sts_regional_endpoints = legacy\n"
	     "[profile badsvc]\n"
	     "aws_access_key_id = AKIAFAKEFAKEFAKE0008\n"
	     "aws_secret_access_key = s\n"
	     "region = eu-west-1\n"
	     "services = missing\n",
	     NULL, NULL, NULL);
	assert_int_equal(f->st, ST_OK);
	t = must_find(f, "svc");
	assert_int_equal(targets_endpoint(&f->ts, t, &f->env, "sts", &ep, &e),
	                 ST_OK);
	assert_string_equal(ep.url, "http://127.0.0.1:5000");
	assert_string_equal(ep.region, "us-west-2");
	endpoint_done(&ep);
	/* the services section names no eks endpoint: the default */
	assert_int_equal(targets_endpoint(&f->ts, t, &f->env, "eks", &ep, &e),
	                 ST_OK);
	assert_string_equal(ep.url, "https://eks.us-west-2.amazonaws.com");
	endpoint_done(&ep);

	t = must_find(f, "legacy");
	assert_int_equal(targets_endpoint(&f->ts, t, &f->env, "sts", &ep, &e),
	                 ST_OK);
	assert_string_equal(ep.url, "https://sts.amazonaws.com");
	assert_string_equal(ep.region, "us-east-1");
	endpoint_done(&ep);

	t = must_find(f, "badsvc");
	assert_int_equal(targets_endpoint(&f->ts, t, &f->env, "sts", &ep, &e),
	                 ST_CONFIG);
	assert_non_null(strstr(e.msg, "services section 'missing'"));

	/* the environment wins over the profile */
	envsnap_set(&f->env, "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:6000/");
	t = must_find(f, "svc");
	assert_int_equal(targets_endpoint(&f->ts, t, &f->env, "sts", &ep, &e),
	                 ST_OK);
	assert_string_equal(ep.url, "http://127.0.0.1:6000");
	assert_string_equal(ep.host, "127.0.0.1:6000");
	endpoint_done(&ep);
}

static void
test_unknown_target_and_bad_files(void **state)
{
	struct fixture *f = *state;
	struct err e;

	load(f, walkthrough, NULL, NULL, NULL);
	assert_null(targets_get(&f->ts, "nope", &e));
	assert_int_equal(e.status, ST_USAGE);
	assert_non_null(strstr(e.msg, "unknown target 'nope'"));
	targets_free(&f->ts);
	envsnap_free(&f->env);

	load(f, "[profile x]\nthis line has no separator\n", NULL, NULL, NULL);
	assert_int_equal(f->st, ST_CONFIG);
	assert_non_null(strstr(f->e.msg, f->config));
	assert_non_null(strstr(f->e.msg, ":2"));
	targets_free(&f->ts);
	envsnap_free(&f->env);

	load(f, walkthrough, NULL, "targets: [\n", NULL);
	assert_int_equal(f->st, ST_CONFIG);
	assert_non_null(strstr(f->e.msg, f->rh));
}

static void
test_hop_describe(void **state)
{
	struct fixture *f = *state;
	const struct target *t;
	char *d;

	load(f, walkthrough, NULL, NULL, NULL);
	t = must_find(f, "target-env");
	d = hop_describe(&t->hops[1]);
	assert_string_equal(d, "assume-role "
	                       "arn:aws:iam::222222222222:role/"
	                       "target-account-iam-role");
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_walkthrough_chain, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_static_source_provides_keys,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cycle_names_profiles, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_missing_source_names_file_line,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_profile_errors, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_credential_sources, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_credentials_file_merges, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_rolehop_targets, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_rolehop_target_errors, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_region_precedence, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_endpoints, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_target_and_bad_files,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hop_describe, setup, teardown),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
