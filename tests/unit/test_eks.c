/*
 * test_eks - the EKS protocol module: ListClusters and DescribeCluster
 * requests and answers (moto's and AWS's shapes), the bearer token against
 * the known-answer vectors of aws-protocols.md 4.2 through the real
 * endpoint resolution, the token's expiry rule, the ExecCredential
 * apiVersion table of 4.4 and the document itself.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "b64.h"
#include "eks.h"
#include "endpoint.h"
#include "jsonutil.h"
#include "xalloc.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "FwoGZXIvYXdzEXAMPLE/+token=="
#define T0 1440938160 /* 2015-08-30T12:36:00Z */

static void
test_list_query(void **state)
{
	char *q;

	(void)state;
	q = eks_list_query(NULL);
	assert_string_equal(q, "maxResults=100");
	free(q);
	/* moto's nextToken is the next name; AWS's is opaque base64. */
	q = eks_list_query("ab/c+d==");
	assert_string_equal(q, "maxResults=100&nextToken=ab%2Fc%2Bd%3D%3D");
	free(q);
}

static void
test_describe_path(void **state)
{
	char *p;

	(void)state;
	p = eks_describe_path("prod-main");
	assert_string_equal(p, "/clusters/prod-main");
	free(p);
	p = eks_describe_path("a b/c");
	assert_string_equal(p, "/clusters/a%20b%2Fc");
	free(p);
}

static void
test_parse_list_pages(void **state)
{
	const char *first = "{\"clusters\": [\"a\", \"b\"], \"nextToken\": "
	                    "\"c\"}";
	const char *last = "{\"clusters\": [\"c\"]}";
	const char *null_token = "{\"clusters\": [], \"nextToken\": null}";
	struct eks_page p;
	struct err e;

	(void)state;
	assert_int_equal(eks_parse_list(first, strlen(first), &p, &e), ST_OK);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.names[0], "a");
	assert_string_equal(p.names[1], "b");
	assert_string_equal(p.next_token, "c");
	eks_page_done(&p);
	assert_int_equal(eks_parse_list(last, strlen(last), &p, &e), ST_OK);
	assert_int_equal(p.n, 1);
	assert_null(p.next_token);
	eks_page_done(&p);
	assert_int_equal(eks_parse_list(null_token, strlen(null_token), &p, &e),
	                 ST_OK);
	assert_int_equal(p.n, 0);
	assert_null(p.next_token);
	eks_page_done(&p);
}

static void
test_parse_list_malformed(void **state)
{
	static const char *const bad[] = {"",
	                                  "[]",
	                                  "{\"clusters\": \"a\"}",
	                                  "{\"clusters\": [1]}",
	                                  "{\"clusters\": [\"a\", \"\"]}",
	                                  "{\"clusters\": [\"a\"",
	                                  "<html>500</html>"};
	struct eks_page p;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		assert_int_equal(eks_parse_list(bad[i], strlen(bad[i]), &p, &e),
		                 ST_PARSE);
		assert_non_null(strstr(e.msg, "ListClusters"));
		assert_int_equal(p.n, 0);
		assert_null(p.names);
	}
}

/* A DescribeCluster answer as moto 5.2.1 gives it (aws-protocols.md 7.7). */
static const char moto_cluster[] =
    "{\"cluster\": {\"name\": \"dev-main\", \"arn\": "
    "\"arn:aws:eks:us-east-1:222222222222:cluster/dev-main\", "
    "\"createdAt\": 1795872799.916, \"version\": \"1.31\", "
    "\"endpoint\": \"https://ABCDEFGHIJKLMNOPQRST.abc.us-east-1.eks."
    "amazonaws.com/\", \"roleArn\": \"arn:aws:iam::222222222222:role/eks\", "
    "\"resourcesVpcConfig\": {}, \"kubernetesNetworkConfig\": {}, "
    "\"logging\": {}, \"identity\": {\"oidc\": {\"issuer\": \"x\"}}, "
    "\"status\": \"ACTIVE\", \"certificateAuthority\": {\"data\": "
    "\"QUJD\"}, \"platformVersion\": \"eks.4\", \"tags\": {}, "
    "\"encryptionConfig\": []}}";

static void
test_parse_describe_moto(void **state)
{
	struct eks_cluster c;
	struct err e;

	(void)state;
	assert_int_equal(eks_parse_describe(moto_cluster, strlen(moto_cluster),
	                                    "us-east-1", &c, &e),
	                 ST_OK);
	assert_string_equal(c.name, "dev-main");
	assert_string_equal(c.region, "us-east-1");
	assert_string_equal(
	    c.arn, "arn:aws:eks:us-east-1:222222222222:cluster/dev-main");
	assert_string_equal(c.version, "1.31");
	assert_string_equal(c.platform_version, "eks.4");
	assert_string_equal(c.status, "ACTIVE");
	assert_string_equal(c.ca_data, "QUJD");
	assert_int_equal(c.created_at, 1795872799);
	assert_true(eks_cluster_usable(&c));
	eks_cluster_done(&c);
}

static void
test_parse_describe_status(void **state)
{
	static const char *const statuses[] = {"CREATING", "DELETING", "FAILED",
	                                       "PENDING"};
	struct eks_cluster c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++) {
		char *body = xasprintf("{\"cluster\": {\"name\": \"x\", "
		                       "\"status\": \"%s\"}}",
		                       statuses[i]);

		assert_int_equal(
		    eks_parse_describe(body, strlen(body), "r", &c, &e), ST_OK);
		assert_false(eks_cluster_usable(&c));
		assert_null(c.ca_data);
		assert_int_equal(c.created_at, 0);
		eks_cluster_done(&c);
		free(body);
	}
	{
		const char *body =
		    "{\"cluster\": {\"name\": \"x\", \"status\": "
		    "\"UPDATING\", \"createdAt\": "
		    "\"2026-01-02T03:04:05Z\"}}";

		assert_int_equal(
		    eks_parse_describe(body, strlen(body), "r", &c, &e), ST_OK);
		assert_true(eks_cluster_usable(&c));
		assert_int_equal(c.created_at, 1767323045);
		eks_cluster_done(&c);
	}
}

static void
test_parse_describe_malformed(void **state)
{
	static const char *const bad[] = {"",
	                                  "null",
	                                  "{}",
	                                  "{\"cluster\": []}",
	                                  "{\"cluster\": {}}",
	                                  "{\"cluster\": {\"name\": 3}}",
	                                  "{\"cluster\": {\"name\": \"x\""};
	struct eks_cluster c;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(
		    eks_parse_describe(bad[i], strlen(bad[i]), "r", &c, &e),
		    ST_PARSE);
		assert_non_null(strstr(e.msg, "DescribeCluster"));
		assert_null(c.name);
	}
}

/* The STS endpoint as the program resolves it. */
static void
sts_endpoint(const char *region, bool legacy, const char *custom,
             struct endpoint *ep)
{
	struct endpoint_config cfg = {
	    .region = region, .sts_legacy = legacy, .env_url = custom};
	struct err e;

	assert_int_equal(endpoint_resolve("sts", &cfg, ep, &e), ST_OK);
}

static void
creds_fixture(struct creds *c, const char *token)
{
	creds_init(c);
	c->access_key_id = xstrdup(AKID);
	c->secret_access_key = xstrdup(SECRET);
	c->session_token = xstrdup_or_null(token);
}

/* The URL inside a token. */
static char *
token_url(const char *token)
{
	size_t n, plen = strlen(EKS_TOKEN_PREFIX);

	assert_memory_equal(token, EKS_TOKEN_PREFIX, plen);
	/* The verifier decodes with RawURLEncoding: no padding, no + or /. */
	assert_null(strchr(token, '='));
	assert_null(strchr(token, '+'));
	assert_null(strchr(token, '/'));
	return b64_decode(token + plen, strlen(token) - plen, &n);
}

/* 4.2 (1): us-west-2, cluster demo, no session token. */
static void
test_token_kat(void **state)
{
	struct endpoint ep;
	struct creds c;
	char *tok, *url;

	(void)state;
	sts_endpoint("us-west-2", false, NULL, &ep);
	creds_fixture(&c, NULL);
	tok = eks_token(&ep, &c, "demo", T0);
	assert_non_null(tok);
	assert_int_equal(strlen(tok), 481);
	assert_string_equal(
	    tok,
	    "k8s-aws-v1."
	    "aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDY"
	    "WxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPU"
	    "FXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjI"
	    "wMTUwODMwJTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURh"
	    "dGU9MjAxNTA4MzBUMTIzNjAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZ"
	    "EhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9MmRkOD"
	    "FmODdkZTI3ZWFmNDE3MjMzZjY0YTJjOWZjOTI1NWY5NmY4M2QwMTE0OTc5OTYwNmV"
	    "iZjQ3YmJiZDM2NQ");
	url = token_url(tok);
	assert_non_null(strstr(url,
	                       "X-Amz-Signature=2dd81f87de27eaf417233f64"
	                       "a2c9fc9255f96f83d01149799606ebf47bbbd365"));
	free(url);
	secret_free_str(tok);
	creds_done(&c);
	endpoint_done(&ep);
}

/* 4.2 (2): with a session token, after X-Amz-SignedHeaders. */
static void
test_token_kat_session(void **state)
{
	struct endpoint ep;
	struct creds c;
	char *tok, *url;

	(void)state;
	sts_endpoint("us-west-2", false, NULL, &ep);
	creds_fixture(&c, TOKEN);
	tok = eks_token(&ep, &c, "demo", T0);
	url = token_url(tok);
	assert_string_equal(
	    url,
	    "https://sts.us-west-2.amazonaws.com/"
	    "?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&"
	    "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token="
	    "FwoGZXIvYXdzEXAMPLE%2F%2Btoken%3D%3D&X-Amz-Signature="
	    "841e742eb5c48ce900f962ec6b6fa4e3f98ee4b51fba4e60a99f06aee2cea981");
	free(url);
	secret_free_str(tok);
	creds_done(&c);
	endpoint_done(&ep);
}

/* 4.2 (3): us-east-1 stays regional; the header value is signed raw. */
static void
test_token_kat_utf8_cluster(void **state)
{
	struct endpoint ep;
	struct creds c;
	char *tok, *url;

	(void)state;
	sts_endpoint("us-east-1", false, NULL, &ep);
	creds_fixture(&c, NULL);
	tok = eks_token(&ep, &c, "my cluster/\xc3\xbc", T0);
	url = token_url(tok);
	assert_memory_equal(url, "https://sts.us-east-1.amazonaws.com/?", 37);
	assert_non_null(strstr(url, "X-Amz-Signature=e513652afa01826b4721b33"
	                            "560b1c40c3d5fc4306baff9615f45cc5af1926f1"
	                            "5"));
	free(url);
	secret_free_str(tok);
	creds_done(&c);
	endpoint_done(&ep);
}

/* Legacy mode: the global host, signed for us-east-1. */
static void
test_token_legacy(void **state)
{
	struct endpoint ep;
	struct creds c;
	char *tok, *url;

	(void)state;
	sts_endpoint("eu-west-1", true, NULL, &ep);
	creds_fixture(&c, NULL);
	tok = eks_token(&ep, &c, "demo", T0);
	url = token_url(tok);
	assert_memory_equal(url, "https://sts.amazonaws.com/?", 27);
	assert_non_null(strstr(url, "%2F20150830%2Fus-east-1%2Fsts%2F"));
	free(url);
	secret_free_str(tok);
	creds_done(&c);
	endpoint_done(&ep);
}

/* A custom endpoint is used verbatim, as the AWS CLI does. */
static void
test_token_custom_endpoint(void **state)
{
	struct endpoint ep;
	struct creds c;
	char *tok, *url;

	(void)state;
	sts_endpoint("us-west-2", false, "http://127.0.0.1:5799", &ep);
	creds_fixture(&c, NULL);
	tok = eks_token(&ep, &c, "demo", T0);
	url = token_url(tok);
	assert_memory_equal(url, "http://127.0.0.1:5799/?Action=", 30);
	free(url);
	secret_free_str(tok);
	creds_done(&c);
	endpoint_done(&ep);
}

static void
test_token_needs_keys(void **state)
{
	struct endpoint ep;
	struct creds c;

	(void)state;
	sts_endpoint("us-west-2", false, NULL, &ep);
	creds_init(&c);
	assert_null(eks_token(&ep, &c, "demo", T0));
	endpoint_done(&ep);
}

static void
test_token_expiry(void **state)
{
	(void)state;
	assert_int_equal(eks_token_expiry(T0, 0), T0 + 14 * 60);
	assert_int_equal(eks_token_expiry(T0, T0 + 3600), T0 + 14 * 60);
	/* Never later than the credentials that signed it. */
	assert_int_equal(eks_token_expiry(T0, T0 + 300), T0 + 300);
	assert_int_equal(eks_token_expiry(T0, T0 + 14 * 60), T0 + 14 * 60);
}

static void
test_exec_api_version(void **state)
{
	static const struct {
		const char *info;
		const char *want;
		bool warns;
	} cases[] = {
	    {NULL, EKS_EXEC_V1BETA1, false},
	    {"", EKS_EXEC_V1BETA1, false},
	    {"{not json", EKS_EXEC_V1BETA1, true},
	    {"[1]", EKS_EXEC_V1BETA1, true},
	    {"{\"kind\":\"ExecCredential\",\"apiVersion\":\"client."
	     "authentication.k8s.io/v1beta1\",\"spec\":{\"interactive\":"
	     "false}}",
	     EKS_EXEC_V1BETA1, false},
	    {"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"spec\":"
	     "{\"cluster\":{\"server\":\"https://x\"},\"interactive\":false}}",
	     EKS_EXEC_V1, false},
	    {"{\"apiVersion\":\"client.authentication.k8s.io/v1alpha1\"}",
	     "client.authentication.k8s.io/v1alpha1", true},
	    {"{\"apiVersion\":\"client.authentication.k8s.io/v2\"}",
	     EKS_EXEC_V1BETA1, true},
	    {"{\"apiVersion\":7}", EKS_EXEC_V1BETA1, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *warning = "unset";
		const char *got = eks_exec_api_version(cases[i].info, &warning);

		assert_string_equal(got, cases[i].want);
		if (cases[i].warns)
			assert_non_null(warning);
		else
			assert_null(warning);
	}
}

static void
test_exec_credential(void **state)
{
	char *doc;
	cJSON *root, *status;

	(void)state;
	doc = eks_exec_credential(EKS_EXEC_V1, "k8s-aws-v1.abc", T0 + 840);
	assert_int_equal(doc[strlen(doc) - 1], '\n');
	root = cJSON_Parse(doc);
	assert_non_null(root);
	assert_string_equal(jsonutil_str(root, "kind"), "ExecCredential");
	assert_string_equal(jsonutil_str(root, "apiVersion"), EKS_EXEC_V1);
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(root, "spec")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "spec")),
	                 0);
	status = cJSON_GetObjectItem(root, "status");
	assert_string_equal(jsonutil_str(status, "token"), "k8s-aws-v1.abc");
	assert_string_equal(jsonutil_str(status, "expirationTimestamp"),
	                    "2015-08-30T12:50:00Z");
	cJSON_Delete(root);
	secret_free_str(doc);
}

static void
test_cluster_copy(void **state)
{
	struct eks_cluster a, b;
	struct err e;

	(void)state;
	assert_int_equal(eks_parse_describe(moto_cluster, strlen(moto_cluster),
	                                    "us-east-1", &a, &e),
	                 ST_OK);
	eks_cluster_copy(&b, &a);
	eks_cluster_done(&a);
	assert_string_equal(b.name, "dev-main");
	assert_string_equal(b.ca_data, "QUJD");
	assert_int_equal(b.created_at, 1795872799);
	eks_cluster_done(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_query),
	    cmocka_unit_test(test_describe_path),
	    cmocka_unit_test(test_parse_list_pages),
	    cmocka_unit_test(test_parse_list_malformed),
	    cmocka_unit_test(test_parse_describe_moto),
	    cmocka_unit_test(test_parse_describe_status),
	    cmocka_unit_test(test_parse_describe_malformed),
	    cmocka_unit_test(test_token_kat),
	    cmocka_unit_test(test_token_kat_session),
	    cmocka_unit_test(test_token_kat_utf8_cluster),
	    cmocka_unit_test(test_token_legacy),
	    cmocka_unit_test(test_token_custom_endpoint),
	    cmocka_unit_test(test_token_needs_keys),
	    cmocka_unit_test(test_token_expiry),
	    cmocka_unit_test(test_exec_api_version),
	    cmocka_unit_test(test_exec_credential),
	    cmocka_unit_test(test_cluster_copy),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
