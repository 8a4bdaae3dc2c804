/*
 * test_sigv4 - the official AWS SigV4 test suite (every case, both forms)
 * and the known-answer vectors of aws-protocols.md sections 1.9 and 4.2.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "b64.h"
#include "sigv4.h"
#include "timefmt.h"
#include "xalloc.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T0 1440938160 /* 2015-08-30T12:36:00Z */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static const char *
suite_dir(void)
{
	const char *d = getenv("SIGV4_SUITE_DIR");

	return d && *d ? d : "../shared/testdata/sigv4";
}

/* One parsed request.txt. */
struct suite_req {
	char *text; /* owns every string below */
	char *method, *path, *query;
	struct sigv4_header headers[32];
	char *owned[32];
	size_t nheaders;
	const char *body;
	size_t body_len;
};

/* Request line, headers (continuations folded), blank line, body. */
static void
parse_request(struct suite_req *r, char *text, size_t len)
{
	char *p, *nl, *sp, *http;

	memset(r, 0, sizeof *r);
	r->text = text;
	nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	sp = strchr(text, ' ');
	assert_non_null(sp);
	*sp = '\0';
	r->method = text;
	r->path = sp + 1;
	http = strstr(r->path, " HTTP/1.1");
	assert_non_null(http);
	*http = '\0';
	r->query = strchr(r->path, '?');
	if (r->query)
		*r->query++ = '\0';
	p = nl + 1;
	while (p < text + len && *p) {
		char *end = strchr(p, '\n'), *colon;

		if (end == NULL)
			end = p + strlen(p);
		if (end == p) {
			r->body = p + 1;
			r->body_len = (size_t)(text + len - (p + 1));
			break;
		}
		*end = '\0';
		if (*p == ' ' || *p == '\t') {
			char *prev = r->owned[r->nheaders - 1];

			r->owned[r->nheaders - 1] = xasprintf("%s %s", prev, p);
			free(prev);
			r->headers[r->nheaders - 1].value =
			    r->owned[r->nheaders - 1];
		} else {
			colon = strchr(p, ':');
			assert_non_null(colon);
			*colon = '\0';
			r->owned[r->nheaders] = xstrdup(colon + 1);
			r->headers[r->nheaders].name = p;
			r->headers[r->nheaders].value = r->owned[r->nheaders];
			r->nheaders++;
		}
		p = end + 1;
	}
}

static void
suite_req_free(struct suite_req *r)
{
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->owned[i]);
	free(r->text);
}

/* Compare one expected file; returns 1 on mismatch (and prints it). */
static int
expect_file(const char *dir, const char *form, const char *what,
    const char *got)
{
	char *path = xasprintf("%s/%s-%s.txt", dir, form, what);
	size_t len;
	char *want = slurp(path, &len);
	int bad = want == NULL || strcmp(want, got) != 0;

	if (bad)
		print_error("%s: %s %s differs\n--- want\n%s\n--- got\n%s\n",
		    dir, form, what, want ? want : "(missing)", got);
	free(want);
	free(path);
	return bad;
}

static int
run_case(const char *dir)
{
	char *path = xasprintf("%s/context.json", dir);
	size_t len;
	char *ctxtext = slurp(path, &len), *reqtext;
	cJSON *ctx, *cr, *tok;
	struct sigv4_params pp;
	struct suite_req rq;
	int bad = 0;

	free(path);
	assert_non_null(ctxtext);
	ctx = cJSON_Parse(ctxtext);
	free(ctxtext);
	assert_non_null(ctx);
	path = xasprintf("%s/request.txt", dir);
	reqtext = slurp(path, &len);
	free(path);
	assert_non_null(reqtext);
	parse_request(&rq, reqtext, len);

	sigv4_params_init(&pp);
	cr = cJSON_GetObjectItem(ctx, "credentials");
	pp.access_key_id = cJSON_GetObjectItem(cr, "access_key_id")->valuestring;
	pp.secret_access_key =
	    cJSON_GetObjectItem(cr, "secret_access_key")->valuestring;
	tok = cJSON_GetObjectItem(cr, "token");
	pp.session_token = tok ? tok->valuestring : NULL;
	pp.region = cJSON_GetObjectItem(ctx, "region")->valuestring;
	pp.service = cJSON_GetObjectItem(ctx, "service")->valuestring;
	assert_int_equal(timefmt_parse_iso8601(
			     cJSON_GetObjectItem(ctx, "timestamp")->valuestring,
			     &pp.now),
	    0);
	pp.expires = cJSON_GetObjectItem(ctx, "expiration_in_seconds")->valueint;
	pp.normalize = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "normalize"));
	pp.sign_body = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "sign_body"));
	pp.add_content_sha256 = pp.sign_body;
	pp.omit_session_token =
	    cJSON_IsTrue(cJSON_GetObjectItem(ctx, "omit_session_token"));

	for (int form = 0; form < 2; form++) {
		struct sigv4_request req = {rq.method, rq.path, rq.query,
		    rq.headers, rq.nheaders, rq.body, rq.body_len};
		struct sigv4_result r;
		const char *name = form ? "query" : "header";

		assert_int_equal(form ? sigv4_presign(&req, &pp, &r)
				      : sigv4_sign_headers(&req, &pp, &r),
		    0);
		bad |= expect_file(dir, name, "canonical-request",
		    r.canonical_request);
		bad |= expect_file(dir, name, "string-to-sign", r.string_to_sign);
		bad |= expect_file(dir, name, "signature", r.signature);
		sigv4_result_done(&r);
	}
	suite_req_free(&rq);
	cJSON_Delete(ctx);
	return bad;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every case directory of the suite, header and query forms. */
static void
test_official_suite(void **state)
{
	const char *root = suite_dir();
	DIR *d = opendir(root);
	struct dirent *de;
	char *names[128];
	size_t n = 0;
	int failed = 0;

	(void)state;
	if (d == NULL)
		skip();
	while ((de = readdir(d)) != NULL && n < 128) {
		char *p = xasprintf("%s/%s", root, de->d_name);
		struct stat st;

		if (de->d_name[0] != '.' && stat(p, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			names[n++] = p;
		else
			free(p);
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	assert_int_equal(n, 38);
	for (size_t i = 0; i < n; i++) {
		failed += run_case(names[i]);
		free(names[i]);
	}
	assert_int_equal(failed, 0);
}

static void
kat_params(struct sigv4_params *pp, const char *region, const char *service)
{
	sigv4_params_init(pp);
	pp->access_key_id = AKID;
	pp->secret_access_key = SECRET;
	pp->region = region;
	pp->service = service;
	pp->now = T0;
}

/* aws-protocols.md 1.9 A: STS POST GetCallerIdentity. */
static void
test_kat_sts_post(void **state)
{
	static const char body[] = "Action=GetCallerIdentity&Version=2011-06-15";
	struct sigv4_header h[] = {
	    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
	    {"Host", "sts.us-east-1.amazonaws.com"},
	};
	struct sigv4_request rq = {"POST", "/", NULL, h, 2, body,
	    sizeof body - 1};
	struct sigv4_params pp;
	struct sigv4_result r;
	char hash[65];

	(void)state;
	kat_params(&pp, "us-east-1", "sts");
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.canonical_request,
	    "POST\n/\n\n"
	    "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
	    "host:sts.us-east-1.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\n\n"
	    "content-type;host;x-amz-date\n"
	    "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843");
	sigv4_sha256_hex(r.canonical_request, strlen(r.canonical_request),
	    hash);
	assert_string_equal(hash, "74f85d64795bc5f30af8b92378344f5c25c0d305498"
				  "fca44ea38f6a5a1d5860f");
	assert_string_equal(r.signature, "52a8540fea00e731072179f763577cbe2a45"
					 "eac2c5d32fb4d785f3eefac88165");
	assert_string_equal(r.authorization,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/"
	    "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
	    "Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3e"
	    "efac88165");
	assert_string_equal(r.amz_date, "20150830T123600Z");
	sigv4_result_done(&r);
}

/* 1.9 B: EKS GET with a session token; query sorted, token signed. */
static void
test_kat_eks_get_token(void **state)
{
	struct sigv4_header h[] = {{"Host", "eks.us-west-2.amazonaws.com"}};
	struct sigv4_request rq = {"GET", "/clusters",
	    "maxResults=10&include=all", h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-west-2", "eks");
	pp.session_token = "FwoGZXIvYXdzEXAMPLE/+token==";
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.canonical_request,
	    "GET\n/clusters\ninclude=all&maxResults=10\n"
	    "host:eks.us-west-2.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\n"
	    "x-amz-security-token:FwoGZXIvYXdzEXAMPLE/+token==\n\n"
	    "host;x-amz-date;x-amz-security-token\n" SIGV4_EMPTY_SHA256);
	assert_string_equal(r.signature, "4dcd0ee759de2fdb7c703ce6ba5b3be58966"
					 "d1584ec0d4dec5603f828840fcaf");
	sigv4_result_done(&r);
}

/* 1.9 C: moto on a non-default port signs host:port. */
static void
test_kat_moto_port(void **state)
{
	struct sigv4_header h[] = {{"Host", "127.0.0.1:5000"}};
	struct sigv4_request rq = {"GET", "/clusters/demo", NULL, h, 1, NULL,
	    0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-west-2", "eks");
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.signature, "41f605b44fab68ff0bafe7f3fb5e0860ca07"
					 "283b857ed06914413cd435bfb7a3");
	sigv4_result_done(&r);
}

/* 4.2: presigned GetCallerIdentity with x-k8s-aws-id, the EKS token. */
static void
presign_token(const char *region, const char *host, const char *cluster,
    const char *token, struct sigv4_result *r)
{
	struct sigv4_header h[] = {{"Host", host}, {"x-k8s-aws-id", cluster}};
	struct sigv4_request rq = {"GET", "/",
	    "Action=GetCallerIdentity&Version=2011-06-15", h, 2, NULL, 0};
	struct sigv4_params pp;

	kat_params(&pp, region, "sts");
	pp.session_token = token;
	pp.expires = 60;
	assert_int_equal(sigv4_presign(&rq, &pp, r), 0);
}

static void
test_kat_eks_token_presign(void **state)
{
	struct sigv4_result r;
	char *url, *tok, hash[65];

	(void)state;
	presign_token("us-west-2", "sts.us-west-2.amazonaws.com", "demo", NULL,
	    &r);
	assert_string_equal(r.canonical_request,
	    "GET\n/\n"
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\n"
	    "host:sts.us-west-2.amazonaws.com\nx-k8s-aws-id:demo\n\n"
	    "host;x-k8s-aws-id\n" SIGV4_EMPTY_SHA256);
	sigv4_sha256_hex(r.canonical_request, strlen(r.canonical_request),
	    hash);
	assert_string_equal(hash, "87b000846df0f9d7518ed8010fb6a801bf93d971e70"
				  "7a4fe39f64b459e35f4ed");
	assert_string_equal(r.signature, "2dd81f87de27eaf417233f64a2c9fc9255f9"
					 "6f83d01149799606ebf47bbbd365");
	url = xasprintf("https://sts.us-west-2.amazonaws.com/?%s", r.query);
	assert_string_equal(url,
	    "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&"
	    "Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-"
	    "Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Fsts%2Faws4_"
	    "request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-"
	    "SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=2dd81f87de27eaf"
	    "417233f64a2c9fc9255f96f83d01149799606ebf47bbbd365");
	tok = b64_encode(url, strlen(url), true);
	assert_string_equal(tok,
	    "aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDY"
	    "WxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPU"
	    "FXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjI"
	    "wMTUwODMwJTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURh"
	    "dGU9MjAxNTA4MzBUMTIzNjAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZ"
	    "EhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9MmRkOD"
	    "FmODdkZTI3ZWFmNDE3MjMzZjY0YTJjOWZjOTI1NWY5NmY4M2QwMTE0OTc5OTYwNmV"
	    "iZjQ3YmJiZDM2NQ");
	free(tok);
	free(url);
	sigv4_result_done(&r);
}

static void
test_kat_eks_token_session(void **state)
{
	struct sigv4_result r;
	char hash[65];

	(void)state;
	presign_token("us-west-2", "sts.us-west-2.amazonaws.com", "demo",
	    "FwoGZXIvYXdzEXAMPLE/+token==", &r);
	sigv4_sha256_hex(r.canonical_request, strlen(r.canonical_request),
	    hash);
	assert_string_equal(hash, "68159ccea726ca17e6dfa4181202b2ed2375805fd95"
				  "883f892c41869941c7fad");
	assert_string_equal(r.signature, "841e742eb5c48ce900f962ec6b6fa4e3f98e"
					 "e4b51fba4e60a99f06aee2cea981");
	/* the token after X-Amz-SignedHeaders, the signature last */
	assert_string_equal(r.query,
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token="
	    "FwoGZXIvYXdzEXAMPLE%2F%2Btoken%3D%3D&X-Amz-Signature=841e742eb5c4"
	    "8ce900f962ec6b6fa4e3f98ee4b51fba4e60a99f06aee2cea981");
	sigv4_result_done(&r);
}

static void
test_kat_eks_token_utf8_header(void **state)
{
	struct sigv4_result r;

	(void)state;
	presign_token("us-east-1", "sts.us-east-1.amazonaws.com",
	    "my cluster/\xc3\xbc", NULL, &r);
	assert_non_null(strstr(r.canonical_request,
	    "\nx-k8s-aws-id:my cluster/\xc3\xbc\n"));
	assert_string_equal(r.signature, "e513652afa01826b4721b33560b1c40c3d5f"
					 "c4306baff9615f45cc5af1926f15");
	sigv4_result_done(&r);
}

/* Our own vectors: empty values, bare keys, path normalisation. */
static void
test_query_and_path_rules(void **state)
{
	struct sigv4_header h[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {"GET", "/example1/example2/../..",
	    "b&a=&c=%7e&c=+&space=a%20b", h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-east-1", "service");
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_non_null(strstr(r.canonical_request,
	    "GET\n/\na=&b=&c=%2B&c=~&space=a%20b\n"));
	sigv4_result_done(&r);

	rq.path = "//example//";
	rq.query = NULL;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_non_null(strstr(r.canonical_request, "GET\n/example/\n\n"));
	sigv4_result_done(&r);

	pp.normalize = false;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_non_null(strstr(r.canonical_request, "GET\n//example//\n\n"));
	sigv4_result_done(&r);

	/* double encoding: the wire path is encoded again */
	pp.normalize = true;
	rq.path = "/a%20b";
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_non_null(strstr(r.canonical_request, "GET\n/a%2520b\n"));
	sigv4_result_done(&r);
}

static void
test_uri_encode(void **state)
{
	char *s;

	(void)state;
	s = sigv4_uri_encode("a b/c~:=+", 9, false);
	assert_string_equal(s, "a%20b%2Fc~%3A%3D%2B");
	free(s);
	s = sigv4_uri_encode("a b/c", 5, true);
	assert_string_equal(s, "a%20b/c");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_official_suite),
	    cmocka_unit_test(test_kat_sts_post),
	    cmocka_unit_test(test_kat_eks_get_token),
	    cmocka_unit_test(test_kat_moto_port),
	    cmocka_unit_test(test_kat_eks_token_presign),
	    cmocka_unit_test(test_kat_eks_token_session),
	    cmocka_unit_test(test_kat_eks_token_utf8_header),
	    cmocka_unit_test(test_query_and_path_rules),
	    cmocka_unit_test(test_uri_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
