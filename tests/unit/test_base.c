/*
 * test_base - the foundation modules: capped buffers (buf), error records
 * (err), time formats (timefmt), the log redactor (log), environment
 * snapshots (envsnap), base64 (b64) and the standard retry mode (retry).
 *
 * Secrets used here are fake; every redaction test checks that the exact
 * secret text is gone from the output, not only that a marker appeared.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "buf.h"
#include "envsnap.h"
#include "err.h"
#include "jsonutil.h"
#include "log.h"
#include "retry.h"
#include "timefmt.h"
#include "xalloc.h"

/* ---- buf ---- */

static void
test_buf_empty(void **state)
{
	struct buf b;

	buf_init(&b, 16);
	assert_null(b.data);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_buf_cap(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_appends(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_str(&b), "0123456789");
	/* One byte past the maximum fails and changes nothing. */
	assert_int_equal(buf_appendc(&b, 'x'), -1);
	assert_int_equal(buf_appends(&b, "abc"), -1);
	assert_int_equal(buf_printf(&b, "%d", 7), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_str(&b), "0123456789");
	/* An empty append still fits. */
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_int_equal(b.len, 10);
	buf_free(&b);

	/* An append larger than the maximum on an empty buffer. */
	buf_init(&b, 4);
	assert_int_equal(buf_appends(&b, "12345"), -1);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	/* A huge length must not wrap around the check. */
	assert_int_equal(buf_appends(&b, "ab"), 0);
	assert_int_equal(buf_append(&b, "x", (size_t)-1), -1);
	assert_string_equal(buf_str(&b), "ab");
	buf_free(&b);
}

static void
test_buf_nul_and_binary(void **state)
{
	struct buf b;
	const char bin[] = {'a', '\0', 'b'};

	buf_init(&b, 1024);
	assert_int_equal(buf_append(&b, bin, sizeof bin), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, bin, 3);
	assert_int_equal(b.data[3], '\0');
	/* Growth keeps the old content and the terminator. */
	for (int i = 0; i < 200; i++)
		assert_int_equal(buf_appendc(&b, 'z'), 0);
	assert_int_equal(b.len, 203);
	assert_memory_equal(b.data, bin, 3);
	assert_int_equal(b.data[202], 'z');
	assert_int_equal(b.data[203], '\0');
	assert_true(b.cap > b.len);
	buf_free_secret(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_buf_printf_long(void **state)
{
	struct buf b;
	char big[301];
	char *expect;

	memset(big, 'q', 300);
	big[300] = '\0';
	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "<%s|%d>", big, 42), 0);
	expect = xasprintf("<%s|%d>", big, 42);
	assert_int_equal(b.len, strlen(expect));
	assert_string_equal(buf_str(&b), expect);
	free(expect);
	/* A short one appended after the long one. */
	assert_int_equal(buf_printf(&b, "%s", "tail"), 0);
	assert_int_equal(b.len, 300 + 5 + 4);
	assert_string_equal(buf_str(&b) + b.len - 4, "tail");
	buf_free(&b);

	/* A long printf past the maximum fails and leaves the buffer. */
	buf_init(&b, 100);
	assert_int_equal(buf_appends(&b, "keep"), 0);
	assert_int_equal(buf_printf(&b, "%s", big), -1);
	assert_string_equal(buf_str(&b), "keep");
	assert_int_equal(b.len, 4);
	buf_free(&b);
}

static void
test_buf_take_reset(void **state)
{
	struct buf b;
	char *p;

	buf_init(&b, 64);
	buf_appends(&b, "hello");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_appends(&b, "world");
	assert_string_equal(buf_str(&b), "world");

	p = buf_take(&b);
	assert_string_equal(p, "world");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	free(p);

	/* Taking from an empty buffer gives an empty string to free. */
	p = buf_take(&b);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);

	/* The buffer is usable again after a take. */
	assert_int_equal(buf_appends(&b, "again"), 0);
	assert_string_equal(buf_str(&b), "again");
	buf_free(&b);
}

/* ---- err ---- */

static void
test_err_set_code_hint(void **state)
{
	struct err e;

	err_clear(&e);
	assert_int_equal(e.status, ST_OK);
	assert_string_equal(e.msg, "");
	assert_int_equal(err_set(&e, ST_AWS, "AssumeRole %s failed", "x"),
	                 ST_AWS);
	assert_int_equal(e.status, ST_AWS);
	assert_string_equal(e.msg, "AssumeRole x failed");
	err_code(&e, "AccessDenied");
	assert_string_equal(e.code, "AccessDenied");
	err_hint(&e, "check the trust policy of %s", "role/x");
	assert_string_equal(e.hint, "check the trust policy of role/x");
	err_code(&e, NULL);
	assert_string_equal(e.code, "");

	/* A new error clears the code and hint of the old one. */
	err_code(&e, "AccessDenied");
	err_set(&e, ST_NETWORK, "second");
	assert_string_equal(e.code, "");
	assert_string_equal(e.hint, "");
	assert_string_equal(e.msg, "second");

	err_clear(&e);
	assert_int_equal(e.status, ST_OK);
	assert_string_equal(e.msg, "");
	assert_string_equal(e.hint, "");
}

static void
test_err_prefix(void **state)
{
	struct err e;

	err_clear(&e);
	err_set(&e, ST_AWS, "AccessDenied: not authorized");
	err_prefix(&e, "hop %d (%s)", 2, "assume-role");
	assert_string_equal(
	    e.msg, "hop 2 (assume-role): AccessDenied: not authorized");
	err_prefix(&e, "prod");
	assert_string_equal(
	    e.msg, "prod: hop 2 (assume-role): AccessDenied: not authorized");
	assert_int_equal(e.status, ST_AWS);
}

static void
test_err_one_line(void **state)
{
	struct err e;

	err_clear(&e);
	err_set(&e, ST_CONFIG, "profile '%s' line\r\n2\tend\x7f!", "a\nb");
	assert_null(strchr(e.msg, '\n'));
	assert_null(strchr(e.msg, '\r'));
	assert_null(strchr(e.msg, '\t'));
	assert_null(strchr(e.msg, '\x7f'));
	assert_string_equal(e.msg, "profile 'a b' line  2 end !");

	err_hint(&e, "one\ntwo");
	assert_string_equal(e.hint, "one two");
	err_code(&e, "Code\nX");
	assert_string_equal(e.code, "Code X");
	err_prefix(&e, "target\nname");
	assert_null(strchr(e.msg, '\n'));
	assert_string_equal(e.msg, "target name: profile 'a b' line  2 end !");
}

static void
test_err_truncation(void **state)
{
	struct err e;
	char *big = xmalloc(3000);

	memset(big, 'm', 2999);
	big[2999] = '\0';
	err_clear(&e);
	err_set(&e, ST_IO, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);

	/* A prefix in front of a full message: still terminated, prefix
	 * first, the old message cut. */
	err_prefix(&e, "target");
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
	assert_memory_equal(e.msg, "target: mmm", 11);

	/* A prefix larger than the record. */
	big[0] = 'P';
	err_prefix(&e, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
	assert_int_equal(e.msg[0], 'P');

	err_hint(&e, "%s", big);
	assert_int_equal(strlen(e.hint), sizeof e.hint - 1);
	err_code(&e, big);
	assert_int_equal(strlen(e.code), sizeof e.code - 1);
	free(big);
}

static void
test_err_exit_code(void **state)
{
	assert_int_equal(err_exit_code(ST_OK), 0);
	assert_int_equal(err_exit_code(ST_USAGE), 2);
	assert_int_equal(err_exit_code(ST_CONFIG), 2);
	assert_int_equal(err_exit_code(ST_NETWORK), 1);
	assert_int_equal(err_exit_code(ST_TIMEOUT), 1);
	assert_int_equal(err_exit_code(ST_AWS), 1);
	assert_int_equal(err_exit_code(ST_PARSE), 1);
	assert_int_equal(err_exit_code(ST_IO), 1);
	assert_int_equal(err_exit_code(ST_RUNTIME), 1);
	assert_string_equal(status_text(ST_CONFIG), "configuration error");
	assert_string_equal(status_text(ST_OK), "ok");
}

/* ---- timefmt ---- */

/* 2024-03-09T12:00:00Z */
#define T_NOON ((time_t)1709985600)

static void
test_time_iso_basic(void **state)
{
	time_t t = 0;

	assert_int_equal(timefmt_parse_iso8601("2018-05-31T23:04:39Z", &t), 0);
	assert_int_equal(t, 1527807879);
	assert_int_equal(timefmt_parse_iso8601("2024-03-09T12:00:00Z", &t), 0);
	assert_int_equal(t, T_NOON);
	assert_int_equal(timefmt_parse_iso8601("2000-02-29T00:00:00Z", &t), 0);
	assert_int_equal(t, 951782400);
	assert_int_equal(timefmt_parse_iso8601("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
}

static void
test_time_iso_fraction_offset(void **state)
{
	time_t t = 0;

	assert_int_equal(timefmt_parse_iso8601("2024-03-09T12:00:00.359Z", &t),
	                 0);
	assert_int_equal(t, T_NOON);
	t = 0;
	assert_int_equal(
	    timefmt_parse_iso8601("2024-03-09T12:00:00.828612Z", &t), 0);
	assert_int_equal(t, T_NOON);
	t = 0;
	assert_int_equal(timefmt_parse_iso8601("2024-03-09T14:00:00+02:00", &t),
	                 0);
	assert_int_equal(t, T_NOON);
	t = 0;
	assert_int_equal(timefmt_parse_iso8601("2024-03-09T06:30:00-0530", &t),
	                 0);
	assert_int_equal(t, T_NOON);
	t = 0;
	assert_int_equal(
	    timefmt_parse_iso8601("2024-03-09T12:00:00.5+00:00", &t), 0);
	assert_int_equal(t, T_NOON);
	/* An offset that crosses midnight. */
	assert_int_equal(timefmt_parse_iso8601("2024-03-10T01:00:00+13:00", &t),
	                 0);
	assert_int_equal(t, T_NOON);
}

static void
test_time_iso_invalid(void **state)
{
	static const char *const bad[] = {
	    "",
	    "2024-03-09 12:00:00Z",
	    "2024-03-0912:00:00Z",
	    "2024-13-09T12:00:00Z",
	    "2024-00-09T12:00:00Z",
	    "2024-03-32T12:00:00Z",
	    "2024-03-09T24:00:00Z",
	    "2024-03-09T12:60:00Z",
	    "2024-03-09T12:00:00Zjunk",
	    "2024-03-09T12:00:00Z ",
	    "2024-03-09T12:00:00+02:00x",
	    "2024-03-09T12:00:00.Z",
	    "2024-03-09T12:00:00+2",
	    "2024-3-09T12:00:00Z",
	    "1527807879",
	    "yesterday",
	};
	time_t t = 12345;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (timefmt_parse_iso8601(bad[i], &t) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(t, 12345);
	}
	assert_int_equal(timefmt_parse_iso8601(NULL, &t), -1);
}

static void
test_time_epoch(void **state)
{
	static const char *const bad[] = {
	    "",         "-1",  "-1527807879", "nan",    "NaN", "inf",   "-inf",
	    "infinity", "abc", "12abc",       "1.5E9x", " 12", "1e300",
	};
	time_t t = 0;

	assert_int_equal(timefmt_parse_epoch("1527807879.988", &t), 0);
	/* Rounded or truncated, but the same second or the next. */
	assert_true(t == 1527807879 || t == 1527807880);
	assert_int_equal(timefmt_parse_epoch("1.5E9", &t), 0);
	assert_int_equal(t, 1500000000);
	assert_int_equal(timefmt_parse_epoch("1700000000", &t), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(timefmt_parse_epoch("0", &t), 0);
	assert_int_equal(t, 0);
	t = 777;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (timefmt_parse_epoch(bad[i], &t) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(t, 777);
	}
	assert_int_equal(timefmt_parse_epoch(NULL, &t), -1);
}

static void
test_time_any(void **state)
{
	time_t t = 0;

	assert_int_equal(timefmt_parse_any("2024-03-09T12:00:00Z", &t), 0);
	assert_int_equal(t, T_NOON);
	assert_int_equal(timefmt_parse_any("1709985600", &t), 0);
	assert_int_equal(t, T_NOON);
	assert_int_equal(timefmt_parse_any("1.7099856E9", &t), 0);
	assert_int_equal(t, T_NOON);
	assert_int_equal(timefmt_parse_any("March 9", &t), -1);
	assert_int_equal(timefmt_parse_any("", &t), -1);
}

static void
test_time_http_date(void **state)
{
	time_t t = 0;

	assert_int_equal(
	    timefmt_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	assert_int_equal(t, 784111777);
	assert_int_equal(
	    timefmt_parse_http_date("Sat, 09 Mar 2024 12:00:00 GMT", &t), 0);
	assert_int_equal(t, T_NOON);
	t = 5;
	assert_int_equal(timefmt_parse_http_date("", &t), -1);
	assert_int_equal(
	    timefmt_parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT", &t), -1);
	assert_int_equal(
	    timefmt_parse_http_date("Sun, 06 Nov 1994 08:49:37", &t), -1);
	assert_int_equal(
	    timefmt_parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT", &t), -1);
	assert_int_equal(timefmt_parse_http_date("1994-11-06T08:49:37Z", &t),
	                 -1);
	assert_int_equal(t, 5);
}

static void
test_time_format(void **state)
{
	char iso[TIMEFMT_ISO_LEN], amz[TIMEFMT_AMZ_LEN];

	timefmt_iso(784111777, iso);
	assert_string_equal(iso, "1994-11-06T08:49:37Z");
	timefmt_amz(784111777, amz);
	assert_string_equal(amz, "19941106T084937Z");
	timefmt_iso(0, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	timefmt_amz(T_NOON, amz);
	assert_string_equal(amz, "20240309T120000Z");
	assert_int_equal(strlen(iso), TIMEFMT_ISO_LEN - 1);
	assert_int_equal(strlen(amz), TIMEFMT_AMZ_LEN - 1);

	/* Past year 9999 (found by fuzz_jwt): no garbage, a marker. */
	timefmt_iso((time_t)253402300800, iso);
	assert_string_equal(iso, "(out of range)");
	timefmt_amz((time_t)253402300800, amz);
	assert_int_equal(amz[TIMEFMT_AMZ_LEN - 1], '\0');

	/* JSON numbers: out of range is refused, not cast (UB). */
	{
		time_t t = 7;

		assert_int_equal(timefmt_from_number(1e300, &t), -1);
		assert_int_equal(timefmt_from_number(-1, &t), -1);
		assert_int_equal(timefmt_from_number(INFINITY, &t), -1);
		assert_int_equal(timefmt_from_number(NAN, &t), -1);
		assert_int_equal(t, 7);
		assert_int_equal(timefmt_from_number(1700000000.6, &t), 0);
		assert_int_equal(t, 1700000001);
	}

	/* Round trip through the parser. */
	{
		time_t t = 0;

		timefmt_iso(1527807879, iso);
		assert_int_equal(timefmt_parse_iso8601(iso, &t), 0);
		assert_int_equal(t, 1527807879);
	}
}

static void
test_time_timegm(void **state)
{
	struct tm tm = {0};

	tm.tm_year = 2024 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 9;
	tm.tm_hour = 12;
	assert_int_equal(timefmt_timegm(&tm), T_NOON);
}

static void
test_time_remaining(void **state)
{
	char out[32];

	timefmt_remaining(3600 + 2 * 60 + 7, out, sizeof out);
	assert_string_equal(out, "1h02m");
	timefmt_remaining(12 * 3600, out, sizeof out);
	assert_string_equal(out, "12h00m");
	timefmt_remaining(59 * 60 + 30, out, sizeof out);
	assert_string_equal(out, "59m");
	timefmt_remaining(4 * 60 + 5, out, sizeof out);
	assert_string_equal(out, "4m05s");
	timefmt_remaining(9, out, sizeof out);
	assert_string_equal(out, "0m09s");
	timefmt_remaining(0, out, sizeof out);
	assert_string_equal(out, "expired");
	timefmt_remaining(-30, out, sizeof out);
	assert_string_equal(out, "expired");
	/* A small buffer is truncated, not overrun. */
	timefmt_remaining(0, out, 4);
	assert_string_equal(out, "exp");
}

/* ---- log ---- */

/* Redact in and check that every secret is gone, every kept string is
 * still there, and at least one mask was written. */
static void
check_redact(const char *in, const char *const *secrets,
             const char *const *kept)
{
	char *out = log_redact(in);

	assert_non_null(out);
	for (size_t i = 0; secrets[i]; i++)
		if (strstr(out, secrets[i]) != NULL)
			fail_msg("secret '%s' survived in '%s'", secrets[i],
			         out);
	for (size_t i = 0; kept && kept[i]; i++)
		if (strstr(out, kept[i]) == NULL)
			fail_msg("'%s' lost from '%s'", kept[i], out);
	assert_non_null(strstr(out, "[REDACTED]"));
	free(out);
}

static void
test_log_authorization(void **state)
{
	const char *const secrets[] = {"AKIAFAKEFAKEFAKE0001/20240309",
	                               "SignedHeaders=host",
	                               "deadbeef0123456789", NULL};
	const char *const kept[] = {"Authorization", "Host: sts.amazonaws.com",
	                            "Content-Type: text/plain", NULL};

	check_redact(
	    "Content-Type: text/plain\nAuthorization: "
	    "AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE0001/20240309/"
	    "us-east-1/sts/aws4_request, SignedHeaders=host, "
	    "Signature=deadbeef0123456789\nHost: sts.amazonaws.com",
	    secrets, kept);
}

static void
test_log_security_token(void **state)
{
	const char *const secrets[] = {"FQoGZXIvYXdzEFAKETOKEN+/abc==", NULL};
	const char *const qsecrets[] = {"IQoJb3JpZ2luFAKE%2Fxyz", NULL};
	const char *const kept[] = {"X-Amz-Security-Token", "X-Amz-Date: 2024",
	                            NULL};
	const char *const qkept[] = {"Action=GetCallerIdentity",
	                             "Version=2011-06-15", NULL};

	check_redact("X-Amz-Security-Token: FQoGZXIvYXdzEFAKETOKEN+/abc==\n"
	             "X-Amz-Date: 20240309T120000Z",
	             secrets, kept);
	check_redact("GET /?Action=GetCallerIdentity&X-Amz-Security-Token="
	             "IQoJb3JpZ2luFAKE%2Fxyz&Version=2011-06-15 HTTP/1.1",
	             qsecrets, qkept);
}

static void
test_log_presigned_query(void **state)
{
	const char *const secrets[] = {"AKIAFAKEFAKEFAKE0001%2F20240309",
	                               "0123456789abcdef0123", NULL};
	const char *const kept[] = {"X-Amz-Algorithm=AWS4-HMAC-SHA256",
	                            "X-Amz-Expires=60", NULL};

	check_redact("https://sts.us-west-2.amazonaws.com/?Action="
	             "GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	             "X-Amz-Credential=AKIAFAKEFAKEFAKE0001%2F20240309%2Fus-"
	             "west-2%2Fsts%2Faws4_request&X-Amz-Expires=60&"
	             "X-Amz-Signature=0123456789abcdef0123",
	             secrets, kept);
}

static void
test_log_web_identity(void **state)
{
	const char *const secrets[] = {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0."
	                               "c2lnbmF0dXJl",
	                               "eyJzdWIiOiJ4In0", NULL};
	const char *const kept[] = {
	    "RoleArn=arn:aws:iam::123456789012:role/ci-deployer",
	    "Action=AssumeRoleWithWebIdentity", "Version=2011-06-15", NULL};

	check_redact("Action=AssumeRoleWithWebIdentity&RoleArn=arn:aws:iam::"
	             "123456789012:role/ci-deployer&WebIdentityToken="
	             "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&"
	             "Version=2011-06-15",
	             secrets, kept);
}

static void
test_log_xml(void **state)
{
	const char *const secrets[] = {"FwoGZXIvFAKESESSIONTOKEN",
	                               "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY",
	                               NULL};
	const char *const kept[] = {
	    "<AccessKeyId>ASIAFAKEFAKEFAKE0001"
	    "</AccessKeyId>",
	    "<Expiration>2024-03-09T12:00:00Z</Expiration>", "</SessionToken>",
	    "</SecretAccessKey>", NULL};

	check_redact("<Credentials><AccessKeyId>ASIAFAKEFAKEFAKE0001"
	             "</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/"
	             "bPxRfiCYFAKEKEY</SecretAccessKey><SessionToken>"
	             "FwoGZXIvFAKESESSIONTOKEN</SessionToken><Expiration>"
	             "2024-03-09T12:00:00Z</Expiration></Credentials>",
	             secrets, kept);
}

static void
test_log_json(void **state)
{
	const char *const secrets[] = {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY",
	                               "IQoJb3JpZ2luX2VjFAKE/abc+def==", NULL};
	const char *const kept[] = {"\"AccessKeyId\": \"ASIAFAKEFAKEFAKE0001\"",
	                            "\"Version\": 1", "\"SecretAccessKey\"",
	                            "\"SessionToken\"", NULL};

	check_redact("{\"Version\": 1, \"AccessKeyId\": "
	             "\"ASIAFAKEFAKEFAKE0001\", \"SecretAccessKey\": "
	             "\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY\", "
	             "\"SessionToken\": \"IQoJb3JpZ2luX2VjFAKE/abc+def==\"}",
	             secrets, kept);
	/* Compact JSON, no spaces. */
	check_redact(
	    "{\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/"
	    "bPxRfiCYFAKEKEY\",\"SessionToken\":\"IQoJb3JpZ2luX2VjFAKE/"
	    "abc+def==\"}",
	    secrets, NULL);
}

static void
test_log_eks_token(void **state)
{
	const char *const secrets[] = {"aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpv"
	                               "bmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJ"
	                               "ZGVudGl0eQ",
	                               "bmF3cy5jb20v", NULL};
	const char *const kept[] = {"status", "k8s-aws-v1.", "expires", NULL};

	check_redact("status {\"kind\":\"ExecCredential\"} bearer k8s-aws-v1."
	             "aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlv"
	             "bj1HZXRDYWxsZXJJZGVudGl0eQ expires",
	             secrets, kept);
}

static void
test_log_keeps_plain_text(void **state)
{
	static const char *const plain[] = {
	    "Tokens are refreshed before they expire",
	    "RoleArn=arn:aws:iam::123456789012:role/admin&"
	    "RoleSessionName=rolehop-alice",
	    "MyTokenizer handles SessionTokens and Signatures",
	    "assuming role arn:aws:iam::123456789012:role/x for target prod",
	    "",
	};

	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
		char *out = log_redact(plain[i]);

		assert_string_equal(out, plain[i]);
		free(out);
	}
}

static void
test_log_msg_sink(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	log_set_stream(f);
	log_set_level(1);
	assert_int_equal(log_level(), 1);
	log_msg(1, "POST %s X-Amz-Security-Token: %s", "/", "FAKESECRETTOKEN");
	log_msg(2, "wire detail that must not appear");
	log_set_level(0);
	log_msg(1, "quiet now");
	fflush(f);
	assert_non_null(strstr(text, "rolehop: POST /"));
	assert_null(strstr(text, "FAKESECRETTOKEN"));
	assert_non_null(strstr(text, "[REDACTED]"));
	assert_null(strstr(text, "wire detail"));
	assert_null(strstr(text, "quiet now"));
	log_set_stream(NULL);
	fclose(f);
	free(text);
}

/* ---- envsnap ---- */

static void
test_envsnap_basic(void **state)
{
	const char *const vars[] = {"AWS_REGION=eu-west-1",
	                            "EMPTY=", "AWS_REGION_X=other", "EQ=a=b",
	                            NULL};
	struct envsnap e;

	envsnap_from(&e, vars);
	assert_int_equal(e.n, 4);
	assert_string_equal(envsnap_get(&e, "AWS_REGION"), "eu-west-1");
	assert_string_equal(envsnap_get(&e, "AWS_REGION_X"), "other");
	assert_string_equal(envsnap_get(&e, "EQ"), "a=b");
	assert_null(envsnap_get(&e, "AWS_REG"));
	assert_null(envsnap_get(&e, "MISSING"));
	assert_string_equal(envsnap_get(&e, "EMPTY"), "");
	assert_null(envsnap_get_nonempty(&e, "EMPTY"));
	assert_null(envsnap_get_nonempty(&e, "MISSING"));
	assert_string_equal(envsnap_get_nonempty(&e, "AWS_REGION"),
	                    "eu-west-1");
	/* A copy: the snapshot owns its strings. */
	assert_true(e.vars[0] != vars[0]);
	assert_null(e.vars[e.n]);
	envsnap_free(&e);
	assert_null(e.vars);
	assert_int_equal(e.n, 0);

	envsnap_from(&e, NULL);
	assert_int_equal(e.n, 0);
	assert_null(e.vars[0]);
	assert_null(envsnap_get(&e, "X"));
	envsnap_free(&e);
}

static void
test_envsnap_set_unset(void **state)
{
	const char *const vars[] = {"A=1", "B=2", NULL};
	struct envsnap e;

	envsnap_from(&e, vars);
	envsnap_set(&e, "A", "one");
	assert_int_equal(e.n, 2);
	assert_string_equal(envsnap_get(&e, "A"), "one");
	envsnap_set(&e, "C", "3");
	assert_int_equal(e.n, 3);
	assert_string_equal(envsnap_get(&e, "C"), "3");
	assert_null(e.vars[3]);
	envsnap_set(&e, "D", "");
	assert_string_equal(envsnap_get(&e, "D"), "");

	envsnap_unset(&e, "B");
	assert_null(envsnap_get(&e, "B"));
	assert_int_equal(e.n, 3);
	assert_null(e.vars[3]);
	envsnap_unset(&e, "B");
	assert_int_equal(e.n, 3);
	assert_string_equal(envsnap_get(&e, "A"), "one");
	assert_string_equal(envsnap_get(&e, "C"), "3");
	envsnap_free(&e);
}

static void
test_envsnap_unset_prefix(void **state)
{
	const char *const vars[] = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=x",
	                            "HOME=/home/u",
	                            "AWS_CONTAINER_AUTHORIZATION_TOKEN=t",
	                            "GRANTED_SSO=1",
	                            "AWS_CONTAINER_X=y",
	                            "AWS_REGION=us-east-1",
	                            NULL};
	struct envsnap e;

	envsnap_from(&e, vars);
	envsnap_unset_prefix(&e, "AWS_CONTAINER_");
	assert_int_equal(e.n, 3);
	assert_null(envsnap_get(&e, "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
	assert_null(envsnap_get(&e, "AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	assert_null(envsnap_get(&e, "AWS_CONTAINER_X"));
	assert_string_equal(envsnap_get(&e, "HOME"), "/home/u");
	assert_string_equal(envsnap_get(&e, "GRANTED_SSO"), "1");
	assert_string_equal(envsnap_get(&e, "AWS_REGION"), "us-east-1");
	assert_null(e.vars[e.n]);
	envsnap_unset_prefix(&e, "NOPE_");
	assert_int_equal(e.n, 3);
	envsnap_free(&e);
}

/* ---- b64 ---- */

static const struct {
	const char *plain, *std, *url;
} b64_vectors[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

static void
test_b64_encode_vectors(void **state)
{
	for (size_t i = 0; i < sizeof b64_vectors / sizeof *b64_vectors; i++) {
		const char *p = b64_vectors[i].plain;
		char *s = b64_encode(p, strlen(p), false);
		char *u = b64_encode(p, strlen(p), true);

		assert_string_equal(s, b64_vectors[i].std);
		assert_string_equal(u, b64_vectors[i].url);
		free(s);
		free(u);
	}
}

static void
test_b64_decode_vectors(void **state)
{
	for (size_t i = 0; i < sizeof b64_vectors / sizeof *b64_vectors; i++) {
		const char *in[2] = {b64_vectors[i].std, b64_vectors[i].url};

		for (int j = 0; j < 2; j++) {
			size_t len = 99;
			char *d = b64_decode(in[j], strlen(in[j]), &len);

			assert_non_null(d);
			assert_int_equal(len, strlen(b64_vectors[i].plain));
			assert_string_equal(d, b64_vectors[i].plain);
			free(d);
		}
	}
}

static void
test_b64_alphabets(void **state)
{
	const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
	const unsigned char two[] = {0xfb, 0xff};
	char *s = b64_encode(bytes, sizeof bytes, false);
	char *u = b64_encode(bytes, sizeof bytes, true);
	char *d;
	size_t len;

	assert_string_equal(s, "+/+/");
	assert_string_equal(u, "-_-_");
	free(s);
	free(u);
	s = b64_encode(two, sizeof two, false);
	u = b64_encode(two, sizeof two, true);
	assert_string_equal(s, "+/8=");
	assert_string_equal(u, "-_8");
	free(s);
	free(u);

	/* Both alphabets decode, with or without padding, even mixed. */
	static const char *const forms[] = {"+/8=", "-_8", "+/8", "-_8="};

	for (size_t i = 0; i < 4; i++) {
		d = b64_decode(forms[i], strlen(forms[i]), &len);
		assert_non_null(d);
		assert_int_equal(len, 2);
		assert_memory_equal(d, two, 2);
		free(d);
	}
	d = b64_decode("-_+/", 4, &len);
	assert_non_null(d);
	assert_int_equal(len, 3);
	assert_memory_equal(d, bytes, 3);
	free(d);

	/* Binary with NUL bytes keeps its length. */
	{
		const char bin[] = {'\0', 'a', '\0', '\0'};

		s = b64_encode(bin, sizeof bin, false);
		d = b64_decode(s, strlen(s), &len);
		assert_int_equal(len, sizeof bin);
		assert_memory_equal(d, bin, sizeof bin);
		free(s);
		free(d);
	}
}

static void
test_b64_invalid(void **state)
{
	static const char *const bad[] = {
	    "Zm9v!", "Zm9vYg=a",  "Zm 9v", "Zm9v\n",   "Zm9vY",
	    "Z",     "Zm9vYmFyY", "=Zm9v", "Zg==Zg==",
	};
	size_t len = 42;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *d = b64_decode(bad[i], strlen(bad[i]), &len);

		if (d != NULL) {
			free(d);
			fail_msg("accepted '%s'", bad[i]);
		}
	}
	/* The length given is honoured: only "Zm9v" of "Zm9v!" is read. */
	{
		char *d = b64_decode("Zm9v!", 4, &len);

		assert_non_null(d);
		assert_int_equal(len, 3);
		assert_string_equal(d, "foo");
		free(d);
	}
}

/* ---- retry ---- */

static void
test_retry_classify_codes(void **state)
{
	static const char *const throttle[] = {
	    "Throttling",
	    "ThrottlingException",
	    "ThrottledException",
	    "RequestThrottledException",
	    "TooManyRequestsException",
	    "ProvisionedThroughputExceededException",
	    "TransactionInProgressException",
	    "RequestLimitExceeded",
	    "BandwidthLimitExceeded",
	    "LimitExceededException",
	    "RequestThrottled",
	    "SlowDown",
	    "PriorRequestNotComplete",
	    "EC2ThrottledException",
	};
	static const char *const never[] = {
	    "AccessDenied",         "ExpiredToken",
	    "ValidationError",      "InvalidIdentityToken",
	    "InvalidClientTokenId", "SignatureDoesNotMatch",
	    "throttling",
	};

	for (size_t i = 0; i < sizeof throttle / sizeof *throttle; i++) {
		if (retry_classify(HTTP_OK, 400, throttle[i]) != RETRY_THROTTLE)
			fail_msg("%s is not throttling", throttle[i]);
		assert_int_equal(retry_classify(HTTP_OK, 503, throttle[i]),
		                 RETRY_THROTTLE);
	}
	assert_int_equal(retry_classify(HTTP_OK, 400, "RequestTimeout"),
	                 RETRY_TRANSIENT);
	assert_int_equal(
	    retry_classify(HTTP_OK, 400, "RequestTimeoutException"),
	    RETRY_TRANSIENT);
	assert_int_equal(retry_classify(HTTP_OK, 400, "IDPCommunicationError"),
	                 RETRY_TRANSIENT);
	for (size_t i = 0; i < sizeof never / sizeof *never; i++) {
		static const long statuses[] = {400, 403, 200};

		for (size_t j = 0; j < 3; j++)
			if (retry_classify(HTTP_OK, statuses[j], never[i]) !=
			    RETRY_NO)
				fail_msg("%s/%ld retried", never[i],
				         statuses[j]);
	}
}

static void
test_retry_classify_status(void **state)
{
	static const long transient[] = {500, 502, 503, 504};

	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(retry_classify(HTTP_OK, transient[i], NULL),
		                 RETRY_TRANSIENT);
		assert_int_equal(retry_classify(HTTP_OK, transient[i], ""),
		                 RETRY_TRANSIENT);
	}
	assert_int_equal(retry_classify(HTTP_OK, 429, NULL), RETRY_THROTTLE);
	assert_int_equal(retry_classify(HTTP_OK, 429, "SomethingElse"),
	                 RETRY_THROTTLE);
	assert_int_equal(retry_classify(HTTP_OK, 200, NULL), RETRY_NO);
	assert_int_equal(retry_classify(HTTP_OK, 400, NULL), RETRY_NO);
	assert_int_equal(retry_classify(HTTP_OK, 403, NULL), RETRY_NO);
	assert_int_equal(retry_classify(HTTP_OK, 404, ""), RETRY_NO);
	assert_int_equal(retry_classify(HTTP_OK, 501, NULL), RETRY_NO);
}

static void
test_retry_classify_transport(void **state)
{
	assert_int_equal(retry_classify(HTTP_TIMEOUT, 0, NULL), RETRY_TIMEOUT);
	assert_int_equal(retry_classify(HTTP_CONNECT, 0, NULL),
	                 RETRY_TRANSIENT);
	assert_int_equal(retry_classify(HTTP_TRANSPORT, 0, NULL),
	                 RETRY_TRANSIENT);
	assert_int_equal(retry_classify(HTTP_TLS, 0, NULL), RETRY_NO);
	assert_int_equal(retry_classify(HTTP_TOO_LARGE, 200, NULL), RETRY_NO);
	assert_int_equal(retry_classify(HTTP_CANCELLED, 0, NULL), RETRY_NO);
	/* A transport failure decides, whatever status or code came. */
	assert_int_equal(retry_classify(HTTP_TLS, 503, "Throttling"), RETRY_NO);
}

static void
test_retry_allowed(void **state)
{
	struct retry_quota q;

	retry_quota_init(&q);
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX);
	assert_false(retry_allowed(&q, RETRY_NO, 1));
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX);
	assert_true(retry_allowed(&q, RETRY_THROTTLE, 1));
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX - 5);
	assert_true(retry_allowed(&q, RETRY_TRANSIENT, 2));
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX - 10);
	/* The third attempt was the last. */
	assert_false(retry_allowed(&q, RETRY_TRANSIENT, 3));
	assert_false(retry_allowed(&q, RETRY_THROTTLE, 4));
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX - 10);
	assert_true(retry_allowed(&q, RETRY_TIMEOUT, 1));
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX - 20);

	retry_success(&q);
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX - 19);
	retry_quota_init(&q);
	retry_success(&q);
	assert_int_equal(q.tokens, RETRY_QUOTA_MAX);
}

static void
test_retry_quota_exhausted(void **state)
{
	struct retry_quota q;
	int n = 0;

	retry_quota_init(&q);
	while (retry_allowed(&q, RETRY_TRANSIENT, 1))
		n++;
	assert_int_equal(n, RETRY_QUOTA_MAX / 5);
	assert_int_equal(q.tokens, 0);
	assert_false(retry_allowed(&q, RETRY_THROTTLE, 1));
	assert_false(retry_allowed(&q, RETRY_TIMEOUT, 1));

	retry_quota_init(&q);
	n = 0;
	while (retry_allowed(&q, RETRY_TIMEOUT, 2))
		n++;
	assert_int_equal(n, RETRY_QUOTA_MAX / 10);
	assert_int_equal(q.tokens, 0);

	/* 9 tokens: a retry (5) fits, a timeout retry (10) does not. */
	q.tokens = 9;
	assert_false(retry_allowed(&q, RETRY_TIMEOUT, 1));
	assert_int_equal(q.tokens, 9);
	assert_true(retry_allowed(&q, RETRY_THROTTLE, 1));
	assert_int_equal(q.tokens, 4);
	assert_false(retry_allowed(&q, RETRY_THROTTLE, 1));
	/* Successes refill it. */
	retry_success(&q);
	assert_true(retry_allowed(&q, RETRY_TRANSIENT, 1));
	assert_int_equal(q.tokens, 0);
}

static void
test_retry_delay(void **state)
{
	static const double rnds[] = {0.0, 0.25, 0.5, 0.999999};

	for (size_t i = 0; i < 4; i++) {
		long d1 = retry_delay_ms(1, rnds[i]);
		long d2 = retry_delay_ms(2, rnds[i]);
		long d3 = retry_delay_ms(3, rnds[i]);
		long big = retry_delay_ms(60, rnds[i]);

		assert_in_range(d1, 0, 999);
		assert_in_range(d2, 0, 1999);
		assert_in_range(d3, 0, 3999);
		assert_in_range(big, 0, 19999);
	}
	assert_int_equal(retry_delay_ms(1, 0.0), 0);
	assert_int_equal(retry_delay_ms(5, 0.0), 0);
	assert_int_equal(retry_delay_ms(1, 0.5), 500);
	assert_int_equal(retry_delay_ms(2, 0.5), 1000);
	assert_int_equal(retry_delay_ms(3, 0.5), 2000);
	assert_int_equal(retry_delay_ms(60, 0.5), 10000);
	/* The cap is reached, not passed: 2^5 s would be 32 s. */
	assert_true(retry_delay_ms(6, 0.999) >= 19000);
	assert_true(retry_delay_ms(1000, 0.999) >= 19000);
	assert_true(retry_delay_ms(1000, 0.999) < 20000);
	/* Out-of-range randomness is clamped. */
	assert_int_equal(retry_delay_ms(1, -1.0), 0);
	assert_in_range(retry_delay_ms(1, 1.0), 0, 999);
}

/* Which errors mean "your clock is off" and are worth one re-signed retry
 * with the server's Date (#6 item 5). The table covers every code the
 * classifier knows, with messages that do and do not name the expiry. */
static void
test_retry_is_clock_skew(void **state)
{
	static const struct {
		const char *code;
		const char *message;
		bool skew;
	} cases[] = {
	    /* Always skew, whatever the message says. */
	    {"RequestTimeTooSkewed",
	     "The difference between the request time and the current time "
	     "is too large.",
	     true},
	    {"RequestTimeTooSkewed", "", true},
	    {"RequestTimeTooSkewed", NULL, true},
	    {"RequestExpired", "Request has expired.", true},
	    {"RequestExpired", NULL, true},
	    {"RequestInTheFuture", "Request is not yet valid.", true},
	    {"RequestInTheFuture", NULL, true},
	    /* Skew only when the message says the signature's time is off. */
	    {"SignatureDoesNotMatch",
	     "Signature expired: 20260101T000000Z is now earlier than "
	     "20260101T000500Z (20260101T001000Z - 5 min.)",
	     true},
	    {"SignatureDoesNotMatch",
	     "Signature not yet current: 20260101T010000Z is still later "
	     "than 20260101T000500Z (20260101T000000Z + 5 min.)",
	     true},
	    {"SignatureDoesNotMatch",
	     "The request signature we calculated does not match the "
	     "signature you provided.",
	     false},
	    {"SignatureDoesNotMatch", "", false},
	    {"SignatureDoesNotMatch", NULL, false},
	    {"InvalidSignatureException",
	     "Signature expired: 20260101T000000Z is now earlier than "
	     "20260101T000500Z",
	     true},
	    {"InvalidSignatureException",
	     "Signature not yet current: 20260101T010000Z", true},
	    {"InvalidSignatureException",
	     "The request signature we calculated does not match", false},
	    {"InvalidSignatureException", NULL, false},
	    {"AuthFailure", "Signature expired: 20260101T000000Z", true},
	    {"AuthFailure", "Signature not yet current: 20260101T010000Z",
	     true},
	    {"AuthFailure",
	     "AWS was not able to validate the provided access credentials",
	     false},
	    {"AuthFailure", NULL, false},
	    /* The phrase is case-sensitive and must be the whole phrase. */
	    {"SignatureDoesNotMatch", "signature expired", false},
	    {"SignatureDoesNotMatch", "Signature", false},
	    /* Other codes never, even with the phrase. */
	    {"AccessDenied", "Signature expired: 20260101T000000Z", false},
	    {"ExpiredToken",
	     "The security token included in the request is expired", false},
	    {"InvalidClientTokenId", "Signature expired", false},
	    {"Throttling", "Rate exceeded", false},
	    /* Codes are exact: no prefix, suffix or case folding. */
	    {"requesttimetooskewed", NULL, false},
	    {"RequestTimeTooSkewedX", NULL, false},
	    {"RequestTime", NULL, false},
	    {"AuthFailureX", "Signature expired", false},
	    /* No code: never skew. */
	    {"", "Signature expired", false},
	    {NULL, "Signature expired", false},
	    {NULL, NULL, false},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		bool got = retry_is_clock_skew(cases[i].code, cases[i].message);

		if (got != cases[i].skew)
			fail_msg("case %zu: retry_is_clock_skew(%s, %s) = %d",
			         i, cases[i].code ? cases[i].code : "NULL",
			         cases[i].message ? cases[i].message : "NULL",
			         (int)got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_empty),
	    cmocka_unit_test(test_buf_cap),
	    cmocka_unit_test(test_buf_nul_and_binary),
	    cmocka_unit_test(test_buf_printf_long),
	    cmocka_unit_test(test_buf_take_reset),
	    cmocka_unit_test(test_err_set_code_hint),
	    cmocka_unit_test(test_err_prefix),
	    cmocka_unit_test(test_err_one_line),
	    cmocka_unit_test(test_err_truncation),
	    cmocka_unit_test(test_err_exit_code),
	    cmocka_unit_test(test_time_iso_basic),
	    cmocka_unit_test(test_time_iso_fraction_offset),
	    cmocka_unit_test(test_time_iso_invalid),
	    cmocka_unit_test(test_time_epoch),
	    cmocka_unit_test(test_time_any),
	    cmocka_unit_test(test_time_http_date),
	    cmocka_unit_test(test_time_format),
	    cmocka_unit_test(test_time_timegm),
	    cmocka_unit_test(test_time_remaining),
	    cmocka_unit_test(test_log_authorization),
	    cmocka_unit_test(test_log_security_token),
	    cmocka_unit_test(test_log_presigned_query),
	    cmocka_unit_test(test_log_web_identity),
	    cmocka_unit_test(test_log_xml),
	    cmocka_unit_test(test_log_json),
	    cmocka_unit_test(test_log_eks_token),
	    cmocka_unit_test(test_log_keeps_plain_text),
	    cmocka_unit_test(test_log_msg_sink),
	    cmocka_unit_test(test_envsnap_basic),
	    cmocka_unit_test(test_envsnap_set_unset),
	    cmocka_unit_test(test_envsnap_unset_prefix),
	    cmocka_unit_test(test_b64_encode_vectors),
	    cmocka_unit_test(test_b64_decode_vectors),
	    cmocka_unit_test(test_b64_alphabets),
	    cmocka_unit_test(test_b64_invalid),
	    cmocka_unit_test(test_retry_classify_codes),
	    cmocka_unit_test(test_retry_classify_status),
	    cmocka_unit_test(test_retry_classify_transport),
	    cmocka_unit_test(test_retry_allowed),
	    cmocka_unit_test(test_retry_quota_exhausted),
	    cmocka_unit_test(test_retry_delay),
	    cmocka_unit_test(test_retry_is_clock_skew),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
