/*
 * test_endpoint - where STS and EKS requests go and which region signs
 * them: regional and legacy STS, China regions, the global fallback, the
 * precedence of custom endpoint URLs, and URL splitting.
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

#include "endpoint.h"
#include "err.h"
#include "jsonutil.h"

/* Resolve and check every field of the result. */
static void
expect_endpoint(const char *service, const struct endpoint_config *c,
                const char *url, const char *host, const char *path,
                const char *region, bool custom)
{
	struct endpoint ep;
	struct err e;

	err_clear(&e);
	if (endpoint_resolve(service, c, &ep, &e) != ST_OK)
		fail_msg("resolve %s failed: %s", service, e.msg);
	assert_string_equal(ep.url, url);
	assert_string_equal(ep.host, host);
	assert_string_equal(ep.path, path);
	assert_string_equal(ep.region, region);
	assert_int_equal(ep.custom, custom);
	endpoint_done(&ep);
	assert_null(ep.url);
	assert_null(ep.region);
}

/* Resolve, expect ST_CONFIG, and return the message in msg. */
static void
expect_error(const char *service, const struct endpoint_config *c, char *msg,
             size_t msglen)
{
	struct endpoint ep;
	struct err e;

	err_clear(&e);
	assert_int_equal(endpoint_resolve(service, c, &ep, &e), ST_CONFIG);
	assert_int_equal(e.status, ST_CONFIG);
	assert_true(e.msg[0] != '\0');
	assert_null(ep.url);
	assert_null(ep.host);
	assert_null(ep.region);
	if (msg)
		snprintf(msg, msglen, "%s", e.msg);
}

static void
test_regional_default(void **state)
{
	struct endpoint_config c = {.region = "us-west-2"};

	expect_endpoint("sts", &c, "https://sts.us-west-2.amazonaws.com",
	                "sts.us-west-2.amazonaws.com", "", "us-west-2", false);
	expect_endpoint("eks", &c, "https://eks.us-west-2.amazonaws.com",
	                "eks.us-west-2.amazonaws.com", "", "us-west-2", false);
	c.region = "af-south-1";
	expect_endpoint("sts", &c, "https://sts.af-south-1.amazonaws.com",
	                "sts.af-south-1.amazonaws.com", "", "af-south-1",
	                false);
}

static void
test_china(void **state)
{
	struct endpoint_config c = {.region = "cn-north-1"};

	expect_endpoint("sts", &c, "https://sts.cn-north-1.amazonaws.com.cn",
	                "sts.cn-north-1.amazonaws.com.cn", "", "cn-north-1",
	                false);
	c.region = "cn-northwest-1";
	expect_endpoint(
	    "eks", &c, "https://eks.cn-northwest-1.amazonaws.com.cn",
	    "eks.cn-northwest-1.amazonaws.com.cn", "", "cn-northwest-1", false);
}

static void
test_legacy(void **state)
{
	struct endpoint_config c = {.region = "us-west-2", .sts_legacy = true};

	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
	c.region = "eu-west-1";
	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
	/* Not one of the legacy regions: stays regional. */
	c.region = "af-south-1";
	expect_endpoint("sts", &c, "https://sts.af-south-1.amazonaws.com",
	                "sts.af-south-1.amazonaws.com", "", "af-south-1",
	                false);
	c.region = "ap-east-1";
	expect_endpoint("sts", &c, "https://sts.ap-east-1.amazonaws.com",
	                "sts.ap-east-1.amazonaws.com", "", "ap-east-1", false);
	/* Legacy mode is about STS only. */
	c.region = "us-west-2";
	expect_endpoint("eks", &c, "https://eks.us-west-2.amazonaws.com",
	                "eks.us-west-2.amazonaws.com", "", "us-west-2", false);
}

static void
test_no_region(void **state)
{
	struct endpoint_config c = {0};
	char msg[1024];

	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
	c.region = "";
	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
	c.region = NULL;
	expect_error("eks", &c, msg, sizeof msg);
	assert_non_null(strstr(msg, "region"));
	c.region = "";
	expect_error("eks", &c, NULL, 0);
}

static void
test_aws_global(void **state)
{
	struct endpoint_config c = {.region = "aws-global"};

	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
	c.sts_legacy = true;
	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
}

static void
test_precedence(void **state)
{
	struct endpoint_config c = {
	    .region = "eu-central-1",
	    .env_service_url = "http://svc.local:1001",
	    .env_url = "http://env.local:1002",
	    .services_url = "http://services.local:1003",
	    .profile_url = "http://profile.local:1004",
	};

	expect_endpoint("sts", &c, "http://svc.local:1001", "svc.local:1001",
	                "", "eu-central-1", true);
	c.env_service_url = "";
	expect_endpoint("sts", &c, "http://env.local:1002", "env.local:1002",
	                "", "eu-central-1", true);
	c.env_url = NULL;
	expect_endpoint("sts", &c, "http://services.local:1003",
	                "services.local:1003", "", "eu-central-1", true);
	c.services_url = "";
	expect_endpoint("eks", &c, "http://profile.local:1004",
	                "profile.local:1004", "", "eu-central-1", true);
	c.profile_url = NULL;
	expect_endpoint("sts", &c, "https://sts.eu-central-1.amazonaws.com",
	                "sts.eu-central-1.amazonaws.com", "", "eu-central-1",
	                false);
}

static void
test_ignore_configured(void **state)
{
	struct endpoint_config c = {
	    .region = "eu-central-1",
	    .env_service_url = "http://svc.local:1001",
	    .env_url = "http://env.local:1002",
	    .services_url = "http://services.local:1003",
	    .profile_url = "http://profile.local:1004",
	    .ignore_configured = true,
	};

	expect_endpoint("sts", &c, "https://sts.eu-central-1.amazonaws.com",
	                "sts.eu-central-1.amazonaws.com", "", "eu-central-1",
	                false);
	c.env_service_url = NULL;
	c.env_url = NULL;
	c.services_url = NULL;
	expect_endpoint("eks", &c, "https://eks.eu-central-1.amazonaws.com",
	                "eks.eu-central-1.amazonaws.com", "", "eu-central-1",
	                false);
	/* Ignored custom URLs do not demand a region either. */
	c.region = NULL;
	expect_endpoint("sts", &c, "https://sts.amazonaws.com",
	                "sts.amazonaws.com", "", "us-east-1", false);
}

static void
test_custom_region(void **state)
{
	struct endpoint_config c = {.env_url = "http://127.0.0.1:5000"};
	char msg[1024];

	expect_error("sts", &c, msg, sizeof msg);
	assert_non_null(strstr(msg, "region"));
	assert_non_null(strstr(msg, "http://127.0.0.1:5000"));
	/* The configured region signs, even a legacy one in legacy mode. */
	c.region = "us-west-2";
	c.sts_legacy = true;
	expect_endpoint("sts", &c, "http://127.0.0.1:5000", "127.0.0.1:5000",
	                "", "us-west-2", true);
	c.region = "cn-north-1";
	expect_endpoint("sts", &c, "http://127.0.0.1:5000", "127.0.0.1:5000",
	                "", "cn-north-1", true);
}

static void
test_custom_url_forms(void **state)
{
	struct endpoint_config c = {.region = "us-east-2"};

	c.env_url = "http://127.0.0.1:5000/";
	expect_endpoint("sts", &c, "http://127.0.0.1:5000", "127.0.0.1:5000",
	                "", "us-east-2", true);
	c.env_url = "https://sts.example.test///";
	expect_endpoint("sts", &c, "https://sts.example.test",
	                "sts.example.test", "", "us-east-2", true);
	c.env_url = "https://x:443";
	expect_endpoint("sts", &c, "https://x:443", "x", "", "us-east-2", true);
	c.env_url = "http://x:80/";
	expect_endpoint("sts", &c, "http://x:80", "x", "", "us-east-2", true);
	/* A non-default port for the scheme is kept. */
	c.env_url = "http://x:443";
	expect_endpoint("sts", &c, "http://x:443", "x:443", "", "us-east-2",
	                true);
	c.env_url = "http://127.0.0.1:5000/prefix/";
	expect_endpoint("sts", &c, "http://127.0.0.1:5000/prefix",
	                "127.0.0.1:5000", "/prefix", "us-east-2", true);
	c.env_url = "https://Proxy.Example.TEST/a/b";
	expect_endpoint("eks", &c, "https://Proxy.Example.TEST/a/b",
	                "proxy.example.test", "/a/b", "us-east-2", true);
}

static void
test_custom_url_bad(void **state)
{
	static const char *const bad[] = {
	    "ftp://sts.example.test",
	    "sts.example.test",
	    "http://",
	    "https:///path",
	    "http://user:pw@127.0.0.1:5000",
	    "http://user@host/",
	    "http://host?x=1",
	    "//host",
	};
	struct endpoint_config c = {.region = "us-east-1"};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct endpoint ep;
		struct err e;

		c.env_url = bad[i];
		err_clear(&e);
		if (endpoint_resolve("sts", &c, &ep, &e) != ST_CONFIG)
			fail_msg("accepted '%s'", bad[i]);
		assert_null(ep.url);
		assert_null(ep.host);
		assert_null(ep.path);
		assert_null(ep.region);
	}
}

static void
test_invalid_region(void **state)
{
	static const char *const bad[] = {
	    "us-west-2.evil.example/",
	    "US-WEST-2",
	    "us west 2",
	    "eu_west_1",
	    "us-west-2#",
	    "a/b",
	};
	struct endpoint_config c = {0};
	char msg[1024];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		c.region = bad[i];
		expect_error("sts", &c, msg, sizeof msg);
		assert_non_null(strstr(msg, "region"));
		expect_error("eks", &c, NULL, 0);
	}
}

static void
test_split_url(void **state)
{
	char *host = NULL, *path = NULL;

	assert_int_equal(
	    endpoint_split_url("https://EKS.us-west-2.amazonaws.com:443/x/",
	                       &host, &path),
	    0);
	assert_string_equal(host, "eks.us-west-2.amazonaws.com");
	assert_string_equal(path, "/x");
	free(host);
	free(path);
	assert_int_equal(endpoint_split_url("http://[::1]:8080", &host, &path),
	                 0);
	assert_string_equal(host, "[::1]:8080");
	assert_string_equal(path, "");
	free(host);
	free(path);
	assert_int_equal(endpoint_split_url("mailto:x@y", &host, &path), -1);
	assert_int_equal(endpoint_split_url("http://a@b", &host, &path), -1);
	assert_int_equal(endpoint_split_url("http://b/p?q", &host, &path), -1);
}

static void
test_copy(void **state)
{
	struct endpoint_config c = {.region = "eu-west-3",
	                            .env_url = "http://127.0.0.1:5000/base"};
	struct endpoint ep, cp;
	struct err e;

	err_clear(&e);
	assert_int_equal(endpoint_resolve("sts", &c, &ep, &e), ST_OK);
	endpoint_copy(&cp, &ep);
	endpoint_done(&ep);
	assert_string_equal(cp.url, "http://127.0.0.1:5000/base");
	assert_string_equal(cp.host, "127.0.0.1:5000");
	assert_string_equal(cp.path, "/base");
	assert_string_equal(cp.region, "eu-west-3");
	assert_true(cp.custom);
	endpoint_done(&cp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_regional_default),
	    cmocka_unit_test(test_china),
	    cmocka_unit_test(test_legacy),
	    cmocka_unit_test(test_no_region),
	    cmocka_unit_test(test_aws_global),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_ignore_configured),
	    cmocka_unit_test(test_custom_region),
	    cmocka_unit_test(test_custom_url_forms),
	    cmocka_unit_test(test_custom_url_bad),
	    cmocka_unit_test(test_invalid_region),
	    cmocka_unit_test(test_split_url),
	    cmocka_unit_test(test_copy),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
