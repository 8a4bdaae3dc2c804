/*
 * test_sigv4 - SigV4 against the official AWS suite and known answers.
 *
 * test_official_suite walks every case directory of $SIGV4_SUITE_DIR
 * (aws-protocols.md 1.8), runs the header and the presigned form and
 * compares canonical request, string to sign and signature byte for byte;
 * the Authorization value and the presigned query are checked against the
 * *-signed-request.txt files too (the query as a set, since the suite's
 * order is not botocore's). The suite test is skipped when the directory
 * does not exist; the program exits 77 when no test ran at all (e.g. a
 * filter given as argv[1] matched only the skipped suite test).
 *
 * test_sha256 checks the built-in SHA-256 and HMAC-SHA256 against the
 * FIPS 180-4 examples and RFC 4231 cases 1, 2 and 6.
 *
 * The other cases are the known-answer vectors of 1.9 and 4.2, and our own
 * vectors for the query, path and header rules and for malformed input.
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
#include "buf.h"
#include "sha256.h"
#include "sigv4.h"
#include "timefmt.h"
#include "xalloc.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "FwoGZXIvYXdzEXAMPLE/+token=="
#define T0 1440938160 /* 2015-08-30T12:36:00Z */
#define SUITE_CASES 38
#define SUITE_MAX_HEADERS 64

/* Tests that ran to the end (a skipped test never gets there). */
static int tests_ran;

/* ---- the official suite --------------------------------------------- */

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(&b, chunk, n) != 0)
			break;
	if (ferror(f) || !feof(f)) {
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	return buf_take(&b);
}

static char *
slurp_in(const char *dir, const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = slurp(path, len);

	free(path);
	return text;
}

static const char *
suite_dir(void)
{
	const char *d = getenv("SIGV4_SUITE_DIR");

	return d != NULL && *d != '\0' ? d : "../shared/testdata/sigv4";
}

/* One parsed request.txt; every string points into text or owned[]. */
struct suite_req {
	char *text;
	const char *method, *path, *query;
	struct sigv4_header headers[SUITE_MAX_HEADERS];
	char *owned[SUITE_MAX_HEADERS];
	size_t nheaders;
	const char *body;
	size_t body_len;
};

static void
suite_req_free(struct suite_req *r)
{
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->owned[i]);
	free(r->text);
}

/* Parse request.txt (format: aws-protocols.md 1.8). Continuation lines
 * are folded in with their newline and indentation kept, so the signer's
 * whitespace collapsing is what makes them match. 0 or -1. */
static int
parse_request(struct suite_req *r, char *text, size_t len)
{
	char *p, *nl, *sp, *end_target;
	const char *suffix = " HTTP/1.1";

	memset(r, 0, sizeof *r);
	r->text = text;
	nl = strchr(text, '\n');
	sp = strchr(text, ' ');
	if (nl == NULL || sp == NULL || sp > nl)
		return -1;
	*nl = '\0';
	*sp = '\0';
	r->method = text;
	if ((size_t)(nl - (sp + 1)) < strlen(suffix))
		return -1;
	end_target = nl - strlen(suffix);
	if (strcmp(end_target, suffix) != 0)
		return -1;
	*end_target = '\0';
	r->path = sp + 1;
	if ((p = strchr(sp + 1, '?')) != NULL) {
		*p = '\0';
		r->query = p + 1;
	}
	p = nl + 1;
	while (p < text + len) {
		char *end = strchr(p, '\n'), *colon;

		if (end == p) { /* blank line: the body follows */
			r->body = p + 1;
			r->body_len = (size_t)(text + len - (p + 1));
			break;
		}
		if (end == NULL)
			end = text + len;
		*end = '\0';
		if (*p == ' ' || *p == '\t') {
			char *prev;

			if (r->nheaders == 0)
				return -1;
			prev = r->owned[r->nheaders - 1];
			r->owned[r->nheaders - 1] =
			    xasprintf("%s\n%s", prev, p);
			free(prev);
			r->headers[r->nheaders - 1].value =
			    r->owned[r->nheaders - 1];
		} else {
			colon = strchr(p, ':');
			if (colon == NULL || r->nheaders == SUITE_MAX_HEADERS)
				return -1;
			*colon = '\0';
			r->owned[r->nheaders] = xstrdup(colon + 1);
			r->headers[r->nheaders].name = p;
			r->headers[r->nheaders].value = r->owned[r->nheaders];
			r->nheaders++;
		}
		p = end + 1;
	}
	return 0;
}

static const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
json_true(const cJSON *obj, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* Fill pp from context.json; 0 or -1. pp points into ctx. */
static int
parse_context(const cJSON *ctx, struct sigv4_params *pp)
{
	const cJSON *cr = cJSON_GetObjectItemCaseSensitive(ctx, "credentials");
	const cJSON *exp =
	    cJSON_GetObjectItemCaseSensitive(ctx, "expiration_in_seconds");
	const char *ts = json_str(ctx, "timestamp");

	sigv4_params_init(pp);
	pp->access_key_id = json_str(cr, "access_key_id");
	pp->secret_access_key = json_str(cr, "secret_access_key");
	pp->session_token = json_str(cr, "token");
	pp->region = json_str(ctx, "region");
	pp->service = json_str(ctx, "service");
	if (pp->access_key_id == NULL || pp->secret_access_key == NULL ||
	    pp->region == NULL || pp->service == NULL || ts == NULL ||
	    !cJSON_IsNumber(exp))
		return -1;
	if (timefmt_parse_iso8601(ts, &pp->now) != 0)
		return -1;
	pp->expires = (long)exp->valuedouble;
	pp->normalize = json_true(ctx, "normalize");
	pp->sign_body = json_true(ctx, "sign_body");
	pp->add_content_sha256 = pp->sign_body;
	pp->omit_session_token = json_true(ctx, "omit_session_token");
	return 0;
}

/* Compare with <form>-<what>.txt byte for byte; print and count a
 * mismatch. */
static int
expect_file(const char *dir, const char *name, const char *form,
            const char *what, const char *got)
{
	char *file = xasprintf("%s-%s.txt", form, what);
	size_t len = 0;
	char *want = slurp_in(dir, file, &len);
	int bad = want == NULL || got == NULL || strlen(got) != len ||
	          memcmp(want, got, len) != 0;

	if (bad)
		print_error("%s: %s differs\n--- want\n%s\n--- got\n%s\n", name,
		            file, want ? want : "(unreadable)",
		            got ? got : "(null)");
	free(want);
	free(file);
	return bad;
}

/* Percent-decode in place (a bad escape is kept as it is). */
static void
pct_decode(char *s)
{
	char *o = s;

	for (; *s; s++) {
		unsigned int v;

		if (s[0] == '%' && s[1] && s[2] &&
		    sscanf(s + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A query as a sorted, '\n'-joined list of decoded "key=value" pairs, so
 * that two queries that differ only in order and encoding compare equal. */
static char *
query_set(const char *q, size_t len)
{
	char *copy = xstrndup(q, len), *p = copy, *items[64];
	size_t n = 0;
	struct buf b;

	while (p != NULL && n < 64) {
		char *amp = strchr(p, '&');

		if (amp != NULL)
			*amp = '\0';
		if (strchr(p, '=') == NULL)
			items[n++] = xasprintf("%s=", p);
		else
			items[n++] = xstrdup(p);
		pct_decode(items[n - 1]);
		p = amp ? amp + 1 : NULL;
	}
	qsort(items, n, sizeof *items, str_cmp);
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < n; i++) {
		buf_appends(&b, items[i]);
		buf_appendc(&b, '\n');
		free(items[i]);
	}
	free(copy);
	return buf_take(&b);
}

/* The Authorization header of header-signed-request.txt. */
static int
expect_authorization(const char *dir, const char *name, const char *got)
{
	size_t len;
	char *text = slurp_in(dir, "header-signed-request.txt", &len);
	char *line = text ? strstr(text, "\nAuthorization:") : NULL;
	int bad = 1;

	if (line != NULL) {
		char *v = line + strlen("\nAuthorization:");

		v[strcspn(v, "\n")] = '\0';
		bad = got == NULL || strcmp(v, got) != 0;
		if (bad)
			print_error("%s: Authorization differs\n--- want\n%s\n"
			            "--- got\n%s\n",
			            name, v, got ? got : "(null)");
	} else {
		print_error("%s: no Authorization in the signed request\n",
		            name);
	}
	free(text);
	return bad;
}

/* The query of query-signed-request.txt, compared as a set. */
static int
expect_query(const char *dir, const char *name, const char *got)
{
	size_t len;
	char *text = slurp_in(dir, "query-signed-request.txt", &len);
	char *q = text ? strchr(text, '?') : NULL;
	char *want = NULL, *have = NULL;
	int bad = 1;

	if (q != NULL && got != NULL) {
		char *end = strstr(q, " HTTP/1.1\n");

		if (end != NULL) {
			want = query_set(q + 1, (size_t)(end - q - 1));
			have = query_set(got, strlen(got));
			bad = strcmp(want, have) != 0;
		}
	}
	if (bad)
		print_error("%s: presigned query differs\n--- want\n%s--- got\n"
		            "%s",
		            name, want ? want : "(unreadable)\n",
		            have ? have : "(none)\n");
	free(want);
	free(have);
	free(text);
	return bad;
}

/* Run one case directory, both forms. The number of mismatches. */
static int
run_case(const char *dir, const char *name)
{
	size_t len;
	char *ctxtext = slurp_in(dir, "context.json", &len);
	char *reqtext = slurp_in(dir, "request.txt", &len);
	cJSON *ctx = ctxtext ? cJSON_Parse(ctxtext) : NULL;
	struct sigv4_params pp;
	struct suite_req rq;
	int bad = 0;

	free(ctxtext);
	memset(&rq, 0, sizeof rq);
	if (ctx == NULL || parse_context(ctx, &pp) != 0 || reqtext == NULL ||
	    parse_request(&rq, reqtext, len) != 0) {
		print_error("%s: cannot read context.json or request.txt\n",
		            name);
		if (rq.text == NULL)
			free(reqtext);
		suite_req_free(&rq);
		cJSON_Delete(ctx);
		return 1;
	}
	for (int form = 0; form < 2; form++) {
		struct sigv4_request req = {rq.method,  rq.path,     rq.query,
		                            rq.headers, rq.nheaders, rq.body,
		                            rq.body_len};
		struct sigv4_result r;
		const char *fname = form ? "query" : "header";
		int rc = form ? sigv4_presign(&req, &pp, &r)
		              : sigv4_sign_headers(&req, &pp, &r);

		if (rc != 0) {
			print_error("%s: %s form failed to sign\n", name,
			            fname);
			bad++;
			continue;
		}
		bad += expect_file(dir, name, fname, "canonical-request",
		                   r.canonical_request);
		bad += expect_file(dir, name, fname, "string-to-sign",
		                   r.string_to_sign);
		bad += expect_file(dir, name, fname, "signature", r.signature);
		if (form == 0)
			bad += expect_authorization(dir, name, r.authorization);
		else
			bad += expect_query(dir, name, r.query);
		sigv4_result_done(&r);
	}
	suite_req_free(&rq);
	cJSON_Delete(ctx);
	return bad;
}

/* Every case directory of the suite (NOTICE.md and other files are not
 * cases); each failing case is reported by name. */
static void
hex32(const unsigned char md[SHA256_LEN], char out[65])
{
	static const char h[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = h[md[i] >> 4];
		out[2 * i + 1] = h[md[i] & 15];
	}
	out[64] = '\0';
}

static void
test_sha256(void **state)
{
	unsigned char md[SHA256_LEN], key[131];
	char hex[65], chunk[997];
	struct sha256 s;
	size_t left = 1000000;

	(void)state;
	sha256("", 0, md);
	hex32(md, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	                         "934ca495991b7852b855");
	sha256("abc", 3, md);
	hex32(md, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a39617"
	                         "7a9cb410ff61f20015ad");
	sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	       md);
	hex32(md, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff"
	                         "2167f6ecedd419db06c1");
	/* A million 'a' in uneven pieces: every block boundary case. */
	memset(chunk, 'a', sizeof chunk);
	sha256_init(&s);
	while (left) {
		size_t n = left < sizeof chunk ? left : sizeof chunk;

		sha256_update(&s, chunk, n);
		left -= n;
	}
	sha256_final(&s, md);
	hex32(md, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497"
	                         "200e046d39ccc7112cd0");

	memset(key, 0x0b, 20);
	hmac_sha256(key, 20, "Hi There", 8, md);
	hex32(md, hex);
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c983"
	                         "3da726e9376c2e32cff7");
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, md);
	hex32(md, hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d27"
	                         "39839dec58b964ec3843");
	memset(key, 0xaa, sizeof key);
	hmac_sha256(key, sizeof key,
	            "Test Using Larger Than Block-Size Key - Hash Key First",
	            54, md);
	hex32(md, hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728"
	                         "c5140546040f0ee37f54");
}

static void
test_official_suite(void **state)
{
	const char *root = suite_dir();
	DIR *d = opendir(root);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct buf failed;
	int nfailed = 0;

	(void)state;
	if (d == NULL) {
		print_message("SigV4 suite not found at %s: skipped\n", root);
		skip();
	}
	while ((de = readdir(d)) != NULL) {
		char *p = xasprintf("%s/%s", root, de->d_name);
		struct stat st;

		if (de->d_name[0] != '.' && stat(p, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				names =
				    xreallocarray(names, cap, sizeof *names);
			}
			names[n++] = xstrdup(de->d_name);
		}
		free(p);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, str_cmp);
	buf_init(&failed, 1 << 16);
	for (size_t i = 0; i < n; i++) {
		char *dir = xasprintf("%s/%s", root, names[i]);

		if (run_case(dir, names[i]) != 0) {
			buf_printf(&failed, " %s", names[i]);
			nfailed++;
		}
		free(dir);
		free(names[i]);
	}
	free(names);
	if (nfailed > 0) {
		print_error("failing cases:%s\n", buf_str(&failed));
		buf_free(&failed);
		fail_msg("%d of %zu SigV4 suite cases failed", nfailed, n);
	}
	buf_free(&failed);
	assert_int_equal(n, SUITE_CASES);
	tests_ran++;
}

/* ---- known answers ------------------------------------------------- */

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

static void
assert_sha256_of(const char *text, const char *want)
{
	char hash[65];

	sigv4_sha256_hex(text, strlen(text), hash);
	assert_string_equal(hash, want);
}

/* aws-protocols.md 1.9 A: STS POST GetCallerIdentity, header form. */
static void
test_kat_sts_post(void **state)
{
	static const char body[] =
	    "Action=GetCallerIdentity&Version=2011-06-15";
	const struct sigv4_header h[] = {
	    {"Content-Type",
	     "application/x-www-form-urlencoded; charset=utf-8"},
	    {"Host", "sts.us-east-1.amazonaws.com"},
	};
	struct sigv4_request rq = {"POST", "/",  NULL,           h,
	                           2,      body, sizeof body - 1};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-east-1", "sts");
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.amz_date, "20150830T123600Z");
	assert_string_equal(
	    r.canonical_request,
	    "POST\n/\n\n"
	    "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
	    "host:sts.us-east-1.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\n\n"
	    "content-type;host;x-amz-date\n"
	    "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843");
	assert_string_equal(
	    r.string_to_sign,
	    "AWS4-HMAC-SHA256\n20150830T123600Z\n"
	    "20150830/us-east-1/sts/aws4_request\n"
	    "74f85d64795bc5f30af8b92378344f5c25c0d305498fca44ea38f6a5a1d5860f");
	assert_sha256_of(
	    r.canonical_request,
	    "74f85d64795bc5f30af8b92378344f5c25c0d305498fca44ea38f6a5a1d5860f");
	assert_string_equal(
	    r.signature,
	    "52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165");
	assert_string_equal(
	    r.authorization,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/"
	    "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
	    "Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3e"
	    "efac88165");
	/* STS needs no x-amz-content-sha256 header. */
	assert_string_equal(r.content_sha256, "");
	assert_null(r.query);
	sigv4_result_done(&r);
	tests_ran++;
}

/* 1.9 B: EKS GET with a session token: query sorted, token signed raw. */
static void
test_kat_eks_get_token(void **state)
{
	const struct sigv4_header h[] = {
	    {"Host", "eks.us-west-2.amazonaws.com"}};
	struct sigv4_request rq = {
	    "GET", "/clusters", "maxResults=10&include=all", h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-west-2", "eks");
	pp.session_token = TOKEN;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(
	    r.canonical_request,
	    "GET\n/clusters\ninclude=all&maxResults=10\n"
	    "host:eks.us-west-2.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\n"
	    "x-amz-security-token:" TOKEN "\n\n"
	    "host;x-amz-date;x-amz-security-token\n" SIGV4_EMPTY_SHA256);
	assert_string_equal(
	    r.signature,
	    "4dcd0ee759de2fdb7c703ce6ba5b3be58966d1584ec0d4dec5603f828840fcaf");
	assert_non_null(
	    strstr(r.authorization,
	           "SignedHeaders=host;x-amz-date;x-amz-security-token, "));
	sigv4_result_done(&r);
	tests_ran++;
}

/* 1.9 C: moto on a non-default port signs host:port. */
static void
test_kat_moto_port(void **state)
{
	const struct sigv4_header h[] = {{"Host", "127.0.0.1:5000"}};
	struct sigv4_request rq = {"GET", "/clusters/demo", NULL, h, 1, NULL,
	                           0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-west-2", "eks");
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.canonical_request,
	                    "GET\n/clusters/demo\n\nhost:127.0.0.1:5000\n"
	                    "x-amz-date:20150830T123600Z\n\nhost;x-amz-"
	                    "date\n" SIGV4_EMPTY_SHA256);
	assert_string_equal(
	    r.signature,
	    "41f605b44fab68ff0bafe7f3fb5e0860ca07283b857ed06914413cd435bfb7a3");
	sigv4_result_done(&r);
	tests_ran++;
}

/* 4.2: presign GET / ?Action=GetCallerIdentity with x-k8s-aws-id. */
static void
presign_token(const char *region, const char *cluster, const char *token,
              struct sigv4_result *r)
{
	char *host = xasprintf("sts.%s.amazonaws.com", region);
	const struct sigv4_header h[] = {{"host", host},
	                                 {"x-k8s-aws-id", cluster}};
	struct sigv4_request rq = {
	    "GET", "/", "Action=GetCallerIdentity&Version=2011-06-15", h, 2,
	    NULL,  0};
	struct sigv4_params pp;

	kat_params(&pp, region, "sts");
	pp.session_token = token;
	pp.expires = 60;
	assert_int_equal(sigv4_presign(&rq, &pp, r), 0);
	free(host);
}

/* "k8s-aws-v1." + base64url(URL) without padding. */
static char *
eks_token(const char *host, const char *query)
{
	char *url = xasprintf("https://%s/?%s", host, query);
	char *b = b64_encode(url, strlen(url), true);
	char *tok = xasprintf("k8s-aws-v1.%s", b);

	free(url);
	free(b);
	return tok;
}

/* 4.2 (1): us-west-2, cluster demo, no session token. */
static void
test_kat_presign_eks_token(void **state)
{
	struct sigv4_result r;
	char *tok;

	(void)state;
	presign_token("us-west-2", "demo", NULL, &r);
	assert_string_equal(
	    r.canonical_request,
	    "GET\n/\n"
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\n"
	    "host:sts.us-west-2.amazonaws.com\nx-k8s-aws-id:demo\n\n"
	    "host;x-k8s-aws-id\n" SIGV4_EMPTY_SHA256);
	assert_sha256_of(
	    r.canonical_request,
	    "87b000846df0f9d7518ed8010fb6a801bf93d971e707a4fe39f64b459e35f4ed");
	assert_string_equal(
	    r.signature,
	    "2dd81f87de27eaf417233f64a2c9fc9255f96f83d01149799606ebf47bbbd365");
	assert_string_equal(
	    r.query,
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature="
	    "2dd81f87de27eaf417233f64a2c9fc9255f96f83d01149799606ebf47bbbd365");
	/* The presigned form returns no Authorization header. */
	assert_null(r.authorization);
	tok = eks_token("sts.us-west-2.amazonaws.com", r.query);
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
	free(tok);
	sigv4_result_done(&r);
	tests_ran++;
}

/* 4.2 (2): the same with a session token, signed in the query. */
static void
test_kat_presign_eks_token_session(void **state)
{
	struct sigv4_result r;
	char *tok;

	(void)state;
	presign_token("us-west-2", "demo", TOKEN, &r);
	assert_string_equal(
	    r.canonical_request,
	    "GET\n/\n"
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2F%2Btoken%3D%3D&"
	    "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\n"
	    "host:sts.us-west-2.amazonaws.com\nx-k8s-aws-id:demo\n\n"
	    "host;x-k8s-aws-id\n" SIGV4_EMPTY_SHA256);
	assert_sha256_of(
	    r.canonical_request,
	    "68159ccea726ca17e6dfa4181202b2ed2375805fd95883f892c41869941c7fad");
	assert_string_equal(
	    r.signature,
	    "841e742eb5c48ce900f962ec6b6fa4e3f98ee4b51fba4e60a99f06aee2cea981");
	/* The token after X-Amz-SignedHeaders, the signature last. */
	assert_string_equal(
	    r.query,
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token="
	    "FwoGZXIvYXdzEXAMPLE%2F%2Btoken%3D%3D&X-Amz-Signature=841e742eb5c4"
	    "8ce900f962ec6b6fa4e3f98ee4b51fba4e60a99f06aee2cea981");
	tok = eks_token("sts.us-west-2.amazonaws.com", r.query);
	assert_string_equal(
	    tok,
	    "k8s-aws-v1."
	    "aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDY"
	    "WxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPU"
	    "FXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjI"
	    "wMTUwODMwJTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURh"
	    "dGU9MjAxNTA4MzBUMTIzNjAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZ"
	    "EhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TZWN1cml0eS1Ub2tlbj"
	    "1Gd29HWlhJdllYZHpFWEFNUExFJTJGJTJCdG9rZW4lM0QlM0QmWC1BbXotU2lnbmF"
	    "0dXJlPTg0MWU3NDJlYjVjNDhjZTkwMGY5NjJlYzZiNmZhNGUzZjk4ZWU0YjUxZmJh"
	    "NGU2MGE5OWYwNmFlZTJjZWE5ODE");
	free(tok);
	sigv4_result_done(&r);
	tests_ran++;
}

/* 4.2 (3): us-east-1, a header value with a space, '/' and UTF-8 is
 * signed raw. */
static void
test_kat_presign_utf8_header(void **state)
{
	struct sigv4_result r;

	(void)state;
	presign_token("us-east-1", "my cluster/\xc3\xbc", NULL, &r);
	assert_non_null(
	    strstr(r.canonical_request,
	           "\nhost:sts.us-east-1.amazonaws.com\n"
	           "x-k8s-aws-id:my cluster/\xc3\xbc\n\nhost;x-k8s-aws-id\n"));
	assert_string_equal(
	    r.signature,
	    "e513652afa01826b4721b33560b1c40c3d5fc4306baff9615f45cc5af1926f15");
	assert_string_equal(
	    r.query,
	    "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-"
	    "HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%"
	    "2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires="
	    "60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature="
	    "e513652afa01826b4721b33560b1c40c3d5fc4306baff9615f45cc5af1926f15");
	sigv4_result_done(&r);
	tests_ran++;
}

/* ---- our own vectors ----------------------------------------------- */

/* Line n (0-based) of s, copied. */
static char *
line_of(const char *s, int n)
{
	for (; n > 0 && s != NULL; n--) {
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	assert_non_null(s);
	return xstrndup(s, strcspn(s, "\n"));
}

/* Sign GET path?query for example.amazonaws.com in the header form and
 * check canonical URI (line 1) and canonical query (line 2). */
static void
check_uri_query(bool normalize, const char *path, const char *query,
                const char *want_uri, const char *want_query)
{
	const struct sigv4_header h[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {"GET", path, query, h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;
	char *line;

	kat_params(&pp, "us-east-1", "service");
	pp.normalize = normalize;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	line = line_of(r.canonical_request, 1);
	assert_string_equal(line, want_uri);
	free(line);
	line = line_of(r.canonical_request, 2);
	assert_string_equal(line, want_query);
	free(line);
	sigv4_result_done(&r);
}

/* Empty values: "key=" and a bare "key" both become "key=". */
static void
test_query_empty_key_value(void **state)
{
	(void)state;
	check_uri_query(true, "/", "key=", "/", "key=");
	check_uri_query(true, "/", "key", "/", "key=");
	check_uri_query(true, "/", "b&a=", "/", "a=&b=");
	check_uri_query(true, "/", "Param1=value1&key", "/",
	                "Param1=value1&key=");
	/* An empty segment is not a parameter. */
	check_uri_query(true, "/", "a=1&&b=2&", "/", "a=1&b=2");
	check_uri_query(true, "/", "", "/", "");
	check_uri_query(true, "/", NULL, "/", "");
	tests_ran++;
}

/* Decode, then encode; sort by key, then by value, as bytes. */
static void
test_query_recode_and_sort(void **state)
{
	(void)state;
	/* %7e and %7E are '~', '+' is a literal plus, raw UTF-8 and
	 * lower-case escapes come out as upper-case %XX. */
	check_uri_query(true, "/",
	                "t=%7e&p=+&s=a%20b&u=\xe1\x88\xb4&l=%e1%88%b4", "/",
	                "l=%E1%88%B4&p=%2B&s=a%20b&t=~&u=%E1%88%B4");
	/* Key first ("Param" < "Param-3" although '=' > '-'), then value;
	 * repeated keys keep every value. */
	check_uri_query(true, "/", "Param-3=a&Param=z&Param=b&%E1%88%B4=c", "/",
	                "%E1%88%B4=c&Param=b&Param=z&Param-3=a");
	/* Upper case sorts before lower case. */
	check_uri_query(true, "/", "b=1&B=2&a=3", "/", "B=2&a=3&b=1");
	/* A reserved character in a value, '=' after the first one. */
	check_uri_query(true, "/", "k=a=b&x=%2F", "/", "k=a%3Db&x=%2F");
	tests_ran++;
}

/* botocore's normalisation, then the path is encoded again. */
static void
test_path_normalisation(void **state)
{
	(void)state;
	check_uri_query(true, "/example1/example2/../..", NULL, "/", "");
	check_uri_query(true, "//example//", NULL, "/example/", "");
	check_uri_query(true, "/example/..", NULL, "/", "");
	check_uri_query(true, "/./example", NULL, "/example", "");
	check_uri_query(true, "/a/./b/../c", NULL, "/a/c", "");
	check_uri_query(true, "/a/b/", NULL, "/a/b/", "");
	check_uri_query(true, "/..", NULL, "/", "");
	check_uri_query(true, "", NULL, "/", "");
	check_uri_query(true, NULL, NULL, "/", "");
	check_uri_query(true, "/clusters/demo", NULL, "/clusters/demo", "");
	/* Switched off: still encoded, nothing removed. */
	check_uri_query(false, "//example//", NULL, "//example//", "");
	check_uri_query(false, "/example1/example2/../..", NULL,
	                "/example1/example2/../..", "");
	/* Double encoding: the wire path is encoded once more. */
	check_uri_query(true, "/a%20b", NULL, "/a%2520b", "");
	check_uri_query(true, "/example space/\xe1\x88\xb4", NULL,
	                "/example%20space/%E1%88%B4", "");
	tests_ran++;
}

/* Names lower-cased and sorted; values trimmed, runs (folded lines too)
 * collapsed; repeats joined with ',' in the order given. */
static void
test_header_rules(void **state)
{
	const struct sigv4_header h[] = {
	    {"My-Header1", "value2"}, {"Host", "  example.amazonaws.com\t"},
	    {"ZZ-Last", "x"},         {"my-header1", " \"a   b\n   c\" "},
	    {"MY-HEADER1", "value1"}, {"Empty", "   "},
	};
	struct sigv4_request rq = {"GET", "/", NULL, h, 6, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-east-1", "service");
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(
	    r.canonical_request,
	    "GET\n/\n\n"
	    "empty:\n"
	    "host:example.amazonaws.com\n"
	    "my-header1:value2,\"a b c\",value1\n"
	    "x-amz-date:20150830T123600Z\n"
	    "zz-last:x\n\n"
	    "empty;host;my-header1;x-amz-date;zz-last\n" SIGV4_EMPTY_SHA256);
	assert_non_null(strstr(
	    r.authorization,
	    ", SignedHeaders=empty;host;my-header1;x-amz-date;zz-last, "));
	sigv4_result_done(&r);
	tests_ran++;
}

/* sign_body, add_content_sha256 and the presigned payload hash. */
static void
test_payload_hash(void **state)
{
	static const char body[] = "Param1=value1";
	const char *hash =
	    "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
	const struct sigv4_header h[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {"POST", "/",  NULL,           h,
	                           1,      body, sizeof body - 1};
	struct sigv4_params pp;
	struct sigv4_result r;
	char *line;

	(void)state;
	kat_params(&pp, "us-east-1", "service");
	pp.add_content_sha256 = true;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.content_sha256, hash);
	assert_non_null(strstr(
	    r.canonical_request,
	    "\nx-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654"
	    "192329106275f4c7b24d0b6e\n"));
	line = line_of(r.canonical_request, 7);
	assert_string_equal(line, "host;x-amz-content-sha256;x-amz-date");
	free(line);
	assert_non_null(strstr(r.canonical_request, hash));
	sigv4_result_done(&r);

	/* Body hashed, no header (production STS POST). */
	pp.add_content_sha256 = false;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.content_sha256, "");
	assert_null(strstr(r.canonical_request, "x-amz-content-sha256"));
	line = line_of(r.canonical_request, 7);
	assert_string_equal(line, hash);
	free(line);
	sigv4_result_done(&r);

	/* sign_body false: the empty-body hash whatever the body. */
	pp.sign_body = false;
	pp.add_content_sha256 = true;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.content_sha256, "");
	assert_null(strstr(r.canonical_request, "x-amz-content-sha256"));
	line = line_of(r.canonical_request, 7);
	assert_string_equal(line, SIGV4_EMPTY_SHA256);
	free(line);
	sigv4_result_done(&r);

	/* Presigned: body hash, never the header. */
	pp.sign_body = true;
	pp.expires = 3600;
	assert_int_equal(sigv4_presign(&rq, &pp, &r), 0);
	assert_null(strstr(r.canonical_request, "x-amz-content-sha256"));
	line = line_of(r.canonical_request, 6);
	assert_string_equal(line, hash);
	free(line);
	sigv4_result_done(&r);
	tests_ran++;
}

/* The request's own parameters come first in the URL, in their order
 * and re-encoded; a bare key becomes "key=". */
static void
test_presign_own_params_order(void **state)
{
	const struct sigv4_header h[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {
	    "GET", "/", "z=1&bare&a=%7e&u=\xc3\xbc", h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;
	char *line;

	(void)state;
	kat_params(&pp, "us-east-1", "service");
	pp.expires = 3600;
	assert_int_equal(sigv4_presign(&rq, &pp, &r), 0);
	assert_int_equal(
	    strncmp(r.query, "z=1&bare=&a=~&u=%C3%BC&X-Amz-Algorithm=", 39), 0);
	line = line_of(r.canonical_request, 2);
	assert_string_equal(
	    line,
	    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F"
	    "20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date="
	    "20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
	    "a=~&bare=&u=%C3%BC&z=1");
	free(line);
	/* No X-Amz-Date header in the presigned form. */
	assert_null(strstr(r.canonical_request, "x-amz-date"));
	sigv4_result_done(&r);
	tests_ran++;
}

/* omit_session_token: out of the canonical request in both forms; the
 * presigned URL still carries it, unsigned, before the signature. */
static void
test_omit_session_token(void **state)
{
	const struct sigv4_header h[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {"POST", "/", NULL, h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;
	char *sig_with, *want;

	(void)state;
	kat_params(&pp, "us-east-1", "service");
	pp.session_token = TOKEN;
	pp.expires = 3600;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_non_null(strstr(r.canonical_request, "x-amz-security-token:"));
	sig_with = xstrdup(r.signature);
	sigv4_result_done(&r);

	pp.omit_session_token = true;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_null(strstr(r.canonical_request, "security-token"));
	assert_string_not_equal(r.signature, sig_with);
	assert_non_null(
	    strstr(r.authorization, "SignedHeaders=host;x-amz-date,"));
	sigv4_result_done(&r);
	free(sig_with);

	assert_int_equal(sigv4_presign(&rq, &pp, &r), 0);
	assert_null(strstr(r.canonical_request, "Security-Token"));
	want = xasprintf("&X-Amz-SignedHeaders=host&X-Amz-Security-Token="
	                 "FwoGZXIvYXdzEXAMPLE%%2F%%2Btoken%%3D%%3D&"
	                 "X-Amz-Signature=%s",
	                 r.signature);
	assert_non_null(strstr(r.query, want));
	free(want);
	sigv4_result_done(&r);
	tests_ran++;
}

/* Expect -1 and an empty result from both forms. */
static void
expect_malformed(const struct sigv4_request *rq, const struct sigv4_params *pp)
{
	struct sigv4_result r;

	memset(&r, 0x5a, sizeof r);
	assert_int_equal(sigv4_sign_headers(rq, pp, &r), -1);
	assert_null(r.canonical_request);
	assert_null(r.authorization);
	sigv4_result_done(&r);
	memset(&r, 0x5a, sizeof r);
	assert_int_equal(sigv4_presign(rq, pp, &r), -1);
	assert_null(r.query);
	sigv4_result_done(&r);
}

static void
test_malformed_input(void **state)
{
	const struct sigv4_header host[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_header bad[2] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {"GET", "/", NULL, host, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "us-east-1", "service");
	pp.expires = 60;

	/* No Host. */
	rq.nheaders = 0;
	expect_malformed(&rq, &pp);
	rq.nheaders = 1;
	/* Headers the signer adds itself, and bad names or values. */
	rq.headers = bad;
	rq.nheaders = 2;
	bad[1] = (struct sigv4_header){"X-Amz-Date", "20150830T123600Z"};
	expect_malformed(&rq, &pp);
	bad[1] = (struct sigv4_header){"x-amz-security-token", TOKEN};
	expect_malformed(&rq, &pp);
	bad[1] = (struct sigv4_header){"bad name", "v"};
	expect_malformed(&rq, &pp);
	bad[1] = (struct sigv4_header){"", "v"};
	expect_malformed(&rq, &pp);
	bad[1] = (struct sigv4_header){"X-Ctl", "a\001b"};
	expect_malformed(&rq, &pp);
	bad[1] = (struct sigv4_header){"X-Null", NULL};
	expect_malformed(&rq, &pp);
	rq.headers = host;
	rq.nheaders = 1;
	/* Bad percent escapes in the query. */
	rq.query = "a=%zz";
	expect_malformed(&rq, &pp);
	rq.query = "a=%4";
	expect_malformed(&rq, &pp);
	rq.query = "%=1";
	expect_malformed(&rq, &pp);
	rq.query = NULL;
	/* A method that is not a token; a relative path. */
	rq.method = "G T";
	expect_malformed(&rq, &pp);
	rq.method = "GET";
	rq.path = "relative";
	expect_malformed(&rq, &pp);
	rq.path = "/";
	/* A body length without a body. */
	rq.body_len = 3;
	expect_malformed(&rq, &pp);
	rq.body_len = 0;
	/* Missing or empty credentials and scope. */
	pp.access_key_id = "";
	expect_malformed(&rq, &pp);
	pp.access_key_id = AKID;
	pp.secret_access_key = NULL;
	expect_malformed(&rq, &pp);
	pp.secret_access_key = SECRET;
	pp.region = "us/east";
	expect_malformed(&rq, &pp);
	pp.region = "us-east-1";
	pp.session_token = "";
	expect_malformed(&rq, &pp);
	pp.session_token = NULL;
	pp.now = -1;
	expect_malformed(&rq, &pp);
	pp.now = (time_t)253402300800LL; /* year 10000 */
	expect_malformed(&rq, &pp);
	pp.now = T0;

	/* The presigned form only: expiry range, auth parameter names. */
	pp.expires = 0;
	assert_int_equal(sigv4_presign(&rq, &pp, &r), -1);
	assert_null(r.query);
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	sigv4_result_done(&r);
	pp.expires = 604801;
	assert_int_equal(sigv4_presign(&rq, &pp, &r), -1);
	pp.expires = 604800;
	assert_int_equal(sigv4_presign(&rq, &pp, &r), 0);
	assert_non_null(strstr(r.query, "&X-Amz-Expires=604800&"));
	sigv4_result_done(&r);
	rq.query = "x-amz-signature=abc";
	assert_int_equal(sigv4_presign(&rq, &pp, &r), -1);
	assert_null(r.query);
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	sigv4_result_done(&r);
	/* Done twice is harmless. */
	sigv4_result_done(&r);
	tests_ran++;
}

static void
test_uri_encode_and_sha256(void **state)
{
	char *s, hash[65];

	(void)state;
	s = sigv4_uri_encode("a b/c~:=+-_.", 12, false);
	assert_string_equal(s, "a%20b%2Fc~%3A%3D%2B-_.");
	free(s);
	s = sigv4_uri_encode("a b/c", 5, true);
	assert_string_equal(s, "a%20b/c");
	free(s);
	s = sigv4_uri_encode("\xe1\x88\xb4%\0z", 6, false);
	assert_string_equal(s, "%E1%88%B4%25%00z");
	free(s);
	s = sigv4_uri_encode("", 0, true);
	assert_string_equal(s, "");
	free(s);
	sigv4_sha256_hex("", 0, hash);
	assert_string_equal(hash, SIGV4_EMPTY_SHA256);
	sigv4_sha256_hex("abc", 3, hash);
	assert_string_equal(hash, "ba7816bf8f01cfea414140de5dae2223b00361a3"
	                          "96177a9cb410ff61f20015ad");
	tests_ran++;
}

/* The time comes from params->now only: another day, another scope. */
static void
test_time_from_params(void **state)
{
	const struct sigv4_header h[] = {{"Host", "example.amazonaws.com"}};
	struct sigv4_request rq = {"GET", "/", NULL, h, 1, NULL, 0};
	struct sigv4_params pp;
	struct sigv4_result r;

	(void)state;
	kat_params(&pp, "eu-west-1", "eks");
	pp.now = T0 + 86400 + 3600 + 61;
	assert_int_equal(sigv4_sign_headers(&rq, &pp, &r), 0);
	assert_string_equal(r.amz_date, "20150831T133701Z");
	assert_non_null(strstr(
	    r.string_to_sign,
	    "\n20150831T133701Z\n20150831/eu-west-1/eks/aws4_request\n"));
	assert_non_null(strstr(
	    r.authorization,
	    "Credential=AKIDEXAMPLE/20150831/eu-west-1/eks/aws4_request, "));
	sigv4_result_done(&r);
	tests_ran++;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256),
	    cmocka_unit_test(test_official_suite),
	    cmocka_unit_test(test_kat_sts_post),
	    cmocka_unit_test(test_kat_eks_get_token),
	    cmocka_unit_test(test_kat_moto_port),
	    cmocka_unit_test(test_kat_presign_eks_token),
	    cmocka_unit_test(test_kat_presign_eks_token_session),
	    cmocka_unit_test(test_kat_presign_utf8_header),
	    cmocka_unit_test(test_query_empty_key_value),
	    cmocka_unit_test(test_query_recode_and_sort),
	    cmocka_unit_test(test_path_normalisation),
	    cmocka_unit_test(test_header_rules),
	    cmocka_unit_test(test_payload_hash),
	    cmocka_unit_test(test_presign_own_params_order),
	    cmocka_unit_test(test_omit_session_token),
	    cmocka_unit_test(test_malformed_input),
	    cmocka_unit_test(test_uri_encode_and_sha256),
	    cmocka_unit_test(test_time_from_params),
	};
	int failed;

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (failed == 0 && tests_ran == 0)
		return 77;
	return failed;
}
