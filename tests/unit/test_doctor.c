/*
 * test_doctor - the pieces of doctor and policy that need no network: JWT
 * claims (string and array aud, bad tokens, no token text in errors), the
 * issuer as IAM names it, ARN parts, the aws-auth YAML (path removed,
 * quoting left to libyaml), the hop fixes for the errors operators hit
 * most, the clock verdict, and the policies of a two-hop chain.
 *
 * Every token here is an unsigned fake.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "doctor.h"
#include "jsonutil.h"
#include "jwt.h"
#include "policy.h"
#include "xalloc.h"

#define ISS "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123"
#define SUB "system:serviceaccount:ci:rolehop"
#define WI_ROLE "arn:aws:iam::111111111111:role/ci-account-iam-role"
#define AR_ROLE "arn:aws:iam::222222222222:role/target-account-iam-role"

/* header.payload.signature with payload the given JSON. */
static char *
make_jwt(const char *payload)
{
	char *p = b64_encode(payload, strlen(payload), true);
	char *t = xasprintf("eyJhbGciOiJSUzI1NiJ9.%s.c2lnbmF0dXJl", p);

	free(p);
	return t;
}

static void
test_claims_array_aud(void **state)
{
	char *t = make_jwt("{\"iss\":\"" ISS "\",\"sub\":\"" SUB
	                   "\",\"aud\":[\"other\",\"sts.amazonaws.com\"],"
	                   "\"exp\":1800000000}");
	struct jwt_claims c;
	struct err e;
	char *aud;

	(void)state;
	assert_int_equal(jwt_claims_parse(t, strlen(t), &c, &e), ST_OK);
	assert_string_equal(c.iss, ISS);
	assert_string_equal(c.sub, SUB);
	assert_int_equal(c.naud, 2);
	assert_true(c.has_exp);
	assert_int_equal((long long)c.exp, 1800000000LL);
	assert_string_equal(jwt_claims_main_aud(&c), "sts.amazonaws.com");
	aud = jwt_claims_aud_list(&c);
	assert_string_equal(aud, "other,sts.amazonaws.com");
	free(aud);
	jwt_claims_free(&c);
	free(t);
}

static void
test_claims_string_aud(void **state)
{
	char *t = make_jwt("{\"sub\":\"x\",\"aud\":\"only\"}");
	struct jwt_claims c;
	struct err e;

	(void)state;
	assert_int_equal(jwt_claims_parse(t, strlen(t), &c, &e), ST_OK);
	assert_null(c.iss);
	assert_false(c.has_exp);
	assert_int_equal(c.naud, 1);
	assert_string_equal(jwt_claims_main_aud(&c), "only");
	jwt_claims_free(&c);
	free(t);
}

static void
test_claims_not_jwt(void **state)
{
	static const char *bad[] = {
	    "secret-not-a-jwt", "a.b",     "a.e30.c.d",
	    ".e30.x",           "a.!!!.c", "a.bm90IGpzb24.c", /* "not json" */
	};
	struct jwt_claims c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(
		    jwt_claims_parse(bad[i], strlen(bad[i]), &c, &e), ST_PARSE);
		assert_null(strstr(e.msg, bad[i]));
		jwt_claims_free(&c);
	}
}

static void
test_issuer_and_arns(void **state)
{
	char part[32], acct[13];
	char *s;

	(void)state;
	s = jwt_issuer_host_path(ISS "/");
	assert_string_equal(s,
	                    "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123");
	free(s);
	s = policy_oidc_provider_arn("arn:aws-cn:iam::123456789012:role/x",
	                             ISS);
	assert_string_equal(s, "arn:aws-cn:iam::123456789012:oidc-provider/"
	                       "oidc.eks.us-east-1.amazonaws.com/id/"
	                       "EXAMPLE0123");
	free(s);
	assert_int_equal(policy_arn_parts(AR_ROLE, part, acct), 0);
	assert_string_equal(part, "aws");
	assert_string_equal(acct, "222222222222");
	assert_int_equal(policy_arn_parts("nope", part, acct), -1);
	assert_string_equal(policy_role_name(AR_ROLE),
	                    "target-account-iam-role");
}

static void
test_map_roles_yaml(void **state)
{
	char *y;

	(void)state;
	y = policy_map_roles_yaml("arn:aws:iam::444444444444:role/ops/x/admin");
	assert_non_null(y);
	assert_string_equal(y,
	                    "- rolearn: arn:aws:iam::444444444444:role/admin\n"
	                    "  username: admin:{{SessionName}}\n"
	                    "  groups:\n"
	                    "  - system:masters\n");
	free(y);
}

static char s_dev[] = "dev", s_region[] = "us-east-1", s_wi[] = WI_ROLE,
            s_ar[] = AR_ROLE, s_tok[] = "/nonexistent/token", s_ext[] = "ext-1",
            s_iss[] = ISS, s_sub[] = SUB, s_aud[] = "sts.amazonaws.com";

/* A two-hop chain: web identity, then AssumeRole. */
static void
chain(struct target *t, struct hop h[2])
{
	memset(t, 0, sizeof *t);
	memset(h, 0, 2 * sizeof *h);
	t->name = s_dev;
	t->region = s_region;
	t->hops = h;
	t->nhops = 2;
	h[0].kind = HOP_WEB_IDENTITY;
	h[0].role_arn = s_wi;
	h[0].token_file = s_tok;
	h[1].kind = HOP_ASSUME_ROLE;
	h[1].role_arn = s_ar;
	h[1].external_id = s_ext;
}

static void
test_hop_fixes(void **state)
{
	struct target t;
	struct hop h[2];
	struct jwt_claims c = {0};
	char *aud[] = {s_aud};
	struct err e;
	char *fix;

	(void)state;
	chain(&t, h);
	c.iss = s_iss;
	c.sub = s_sub;
	c.aud = aud;
	c.naud = 1;
	err_set(&e, ST_AWS, "AccessDenied: no");
	err_code(&e, "AccessDenied");
	fix = doctor_hop_fix(&t, 0, &e, &c, NULL);
	assert_non_null(strstr(fix, "the trust policy of ci-account-iam-role "
	                            "must allow sub " SUB
	                            " and aud sts.amazonaws.com"));
	assert_non_null(
	    strstr(fix, "your token has sub " SUB " aud sts.amazonaws.com"));
	free(fix);
	fix = doctor_hop_fix(&t, 1, &e, &c, NULL);
	assert_non_null(
	    strstr(fix, WI_ROLE " needs sts:AssumeRole on " AR_ROLE));
	assert_non_null(strstr(fix, "must trust " WI_ROLE));
	assert_non_null(strstr(fix, "sts:ExternalId = ext-1"));
	free(fix);
	err_code(&e, "InvalidIdentityToken");
	fix = doctor_hop_fix(&t, 0, &e, &c, NULL);
	assert_non_null(strstr(fix, "OIDC identity provider"));
	assert_non_null(strstr(fix, "account 111111111111"));
	free(fix);
	err_code(&e, "Whatever");
	assert_null(doctor_hop_fix(&t, 1, &e, &c, NULL));
}

static void
test_clock(void **state)
{
	struct target t;
	struct hop h[2];
	struct doctor_report r;
	struct doctor_probe p;

	(void)state;
	chain(&t, h);
	memset(&p, 0, sizeof p);
	p.ep.url = s_iss;
	p.resolved = p.done = p.have_skew = true;
	p.failure = HTTP_OK;
	doctor_report_init(&r, &t);
	p.skew = -DOCTOR_SKEW_WARN;
	doctor_check_clock(&r, &p);
	p.skew = -(DOCTOR_SKEW_WARN + 1);
	doctor_check_clock(&r, &p);
	p.have_skew = false;
	doctor_check_clock(&r, &p);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].status, DOCTOR_OK);
	assert_int_equal(r.v[1].status, DOCTOR_WARN);
	assert_non_null(strstr(r.v[1].detail, "61 s ahead of the server"));
	assert_int_equal(r.v[2].status, DOCTOR_SKIP);
	assert_false(doctor_failed(&r));
	doctor_report_free(&r);
}

static void
test_policies(void **state)
{
	struct target t;
	struct hop h[2];
	struct policy_set ps;
	char *s;

	(void)state;
	chain(&t, h);
	policy_build(&t, NULL, "no token", &ps);
	assert_true(ps.placeholders);
	assert_int_equal(ps.ndocs, 4);
	assert_string_equal(ps.docs[0].kind, "trust");
	assert_string_equal(ps.docs[1].kind, "permission");
	s = jsonutil_print(ps.docs[2].document);
	assert_string_equal(
	    s, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	       "\"Allow\",\"Principal\":{\"AWS\":\"" WI_ROLE "\"},\"Action\":"
	       "\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:"
	       "ExternalId\":\"ext-1\"}}}]}");
	secret_free_str(s);
	s = jsonutil_print(ps.docs[0].document);
	assert_non_null(strstr(s, "<OIDC_ID>"));
	assert_non_null(strstr(s, "<NAMESPACE>"));
	secret_free_str(s);
	assert_string_equal(ps.cluster_role_arn, AR_ROLE);
	assert_int_equal(ps.ncommands, 2);
	assert_non_null(strstr(ps.commands[0], "'<CLUSTER_NAME>'"));
	assert_int_equal(ps.nnotes, 1);
	policy_set_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_claims_array_aud),
	    cmocka_unit_test(test_claims_string_aud),
	    cmocka_unit_test(test_claims_not_jwt),
	    cmocka_unit_test(test_issuer_and_arns),
	    cmocka_unit_test(test_map_roles_yaml),
	    cmocka_unit_test(test_hop_fixes),
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test(test_policies),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
