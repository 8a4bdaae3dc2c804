/*
 * test_sts - STS form bodies (exact strings, SigV4 percent-encoding) and
 * the expat parsers over byte-exact fixtures in tests/data/sts/ (found
 * through $TESTDATA): real-STS and moto answers for AssumeRole,
 * AssumeRoleWithWebIdentity and GetCallerIdentity, Expiration with and
 * without fractions, STS and moto error bodies, an HTML 500 page,
 * truncated, incomplete and hostile XML, and a large session token that
 * expat hands over in pieces. Error messages are checked never to carry
 * secret text from the body. All keys and tokens are fake.
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

#include "buf.h"
#include "creds.h"
#include "err.h"
#include "sts.h"
#include "xalloc.h"

/* Expiration values of the fixtures, in epoch seconds. */
#define EXP_STS 1310772513    /* 2011-07-15T23:28:33.359Z */
#define EXP_MOTO 1795873930   /* 2026-11-28T13:52:10.828612Z */
#define EXP_WEB 1795873931    /* 2026-11-28T13:52:11.004211Z */
#define EXP_NOFRAC 1795877530 /* 2026-11-28T14:52:10Z */

/* Read tests/data/sts/<name>; caller frees. */
static char *
fixture(const char *name, size_t *len)
{
	const char *td = getenv("TESTDATA");
	char path[1024];
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	if (td == NULL || *td == '\0')
		td = "tests/data";
	snprintf(path, sizeof path, "%s/sts/%s", td, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	buf_init(&b, 1 << 22);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		assert_int_equal(buf_append(&b, chunk, n), 0);
	assert_int_equal(ferror(f), 0);
	fclose(f);
	*len = b.len;
	return buf_take(&b);
}

/* Parse a fixture as credentials; returns the status. */
static enum status
creds_from(const char *name, struct creds *c, struct err *e)
{
	size_t len;
	char *xml = fixture(name, &len);
	enum status st;

	err_clear(e);
	st = sts_parse_credentials(xml, len, c, e);
	free(xml);
	return st;
}

/* Parse inline text as credentials. */
static enum status
creds_text(const char *xml, struct creds *c, struct err *e)
{
	err_clear(e);
	return sts_parse_credentials(xml, strlen(xml), c, e);
}

static void
assert_creds_empty(const struct creds *c)
{
	assert_null(c->access_key_id);
	assert_null(c->secret_access_key);
	assert_null(c->session_token);
	assert_null(c->arn);
	assert_null(c->account);
	assert_null(c->user_id);
	assert_int_equal(c->expiration, 0);
}

/* The message must not quote anything secret-looking from the bodies. */
static void
assert_no_secret(const char *msg)
{
	assert_null(strstr(msg, "fakeSECRET"));
	assert_null(strstr(msg, "TOKEN"));
	assert_null(strstr(msg, "token000"));
	assert_null(strstr(msg, "ASIAFAKE"));
}

/* A struct creds full of garbage, as a caller's uninitialised one. */
static void
creds_garbage(struct creds *c)
{
	memset(c, 0xA5, sizeof *c);
}

/* ---- bodies ---- */

static void
test_body_assume_role_minimal(void **state)
{
	struct sts_assume_params p = {
	    .role_arn = "arn:aws:iam::222222222222:role/dev",
	    .session_name = "rolehop-op",
	};
	char *b = sts_body_assume_role(&p);

	assert_string_equal(b, "Action=AssumeRole&Version=2011-06-15"
	                       "&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222"
	                       "%3Arole%2Fdev&RoleSessionName=rolehop-op");
	secret_free_str(b);
}

static void
test_body_assume_role_full(void **state)
{
	struct sts_assume_params p = {
	    .role_arn = "arn:aws:iam::222222222222:role/path/dev",
	    .session_name = "op+x=y,z.w@a-b_c",
	    .external_id = "a=b+c/d e:f~%*",
	    .duration_seconds = 3600,
	    .serial_number = "arn:aws:iam::111111111111:mfa/op",
	    .token_code = "012345",
	};
	char *b = sts_body_assume_role(&p);

	assert_string_equal(
	    b, "Action=AssumeRole&Version=2011-06-15"
	       "&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fpath%2Fdev"
	       "&RoleSessionName=op%2Bx%3Dy%2Cz.w%40a-b_c"
	       "&ExternalId=a%3Db%2Bc%2Fd%20e%3Af~%25%2A"
	       "&DurationSeconds=3600"
	       "&SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Fop"
	       "&TokenCode=012345");
	secret_free_str(b);
}

static void
test_body_assume_role_duration_only(void **state)
{
	struct sts_assume_params p = {
	    .role_arn = "arn:aws:iam::222222222222:role/dev",
	    .session_name = "s1",
	    .duration_seconds = 900,
	};
	char *b = sts_body_assume_role(&p);

	assert_string_equal(b, "Action=AssumeRole&Version=2011-06-15"
	                       "&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222"
	                       "%3Arole%2Fdev&RoleSessionName=s1"
	                       "&DurationSeconds=900");
	secret_free_str(b);
	/* Negative durations are omitted like 0. */
	p.duration_seconds = -5;
	b = sts_body_assume_role(&p);
	assert_null(strstr(b, "DurationSeconds"));
	secret_free_str(b);
}

static void
test_body_web_identity(void **state)
{
	/* External id and MFA are set but do not belong in this call. */
	struct sts_assume_params p = {
	    .role_arn = "arn:aws:iam::333333333333:role/irsa",
	    .session_name = "rolehop-web",
	    .external_id = "ignored",
	    .serial_number = "arn:aws:iam::111111111111:mfa/op",
	    .token_code = "123456",
	};
	const char *tok = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2ln-_~ \n";
	char *b = sts_body_assume_role_web_identity(&p, tok);

	assert_string_equal(
	    b, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
	       "&RoleArn=arn%3Aaws%3Aiam%3A%3A333333333333%3Arole%2Firsa"
	       "&RoleSessionName=rolehop-web"
	       "&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlIn0."
	       "c2ln-_~%20%0A");
	secret_free_str(b);

	p.duration_seconds = 7200;
	b = sts_body_assume_role_web_identity(&p, "tok/+=");
	assert_string_equal(
	    b, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
	       "&RoleArn=arn%3Aaws%3Aiam%3A%3A333333333333%3Arole%2Firsa"
	       "&RoleSessionName=rolehop-web"
	       "&WebIdentityToken=tok%2F%2B%3D&DurationSeconds=7200");
	secret_free_str(b);
}

static void
test_body_get_caller_identity(void **state)
{
	char *b = sts_body_get_caller_identity();

	assert_string_equal(b, "Action=GetCallerIdentity&Version=2011-06-15");
	secret_free_str(b);
}

/* Every byte value: unreserved ones as is, all others %XX upper-case. */
static void
test_body_encodes_every_byte(void **state)
{
	char in[256], want[1024], *b;
	struct sts_assume_params p = {.session_name = "s"};
	size_t w = 0;
	const char *prefix = "Action=AssumeRole&Version=2011-06-15&RoleArn=";

	w = (size_t)snprintf(want, sizeof want, "%s", prefix);
	for (int c = 1; c < 256; c++) {
		in[c - 1] = (char)c;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			want[w++] = (char)c;
		else
			w += (size_t)snprintf(want + w, sizeof want - w,
			                      "%%%02X", c);
	}
	in[255] = '\0';
	snprintf(want + w, sizeof want - w, "&RoleSessionName=s");
	p.role_arn = in;
	b = sts_body_assume_role(&p);
	assert_string_equal(b, want);
	/* Spot checks of the characters moto's router cares about. */
	assert_non_null(strstr(b, "%20"));
	assert_non_null(strstr(b, "%2B"));
	assert_non_null(strstr(b, "%3D"));
	assert_non_null(strstr(b, "%C3"));
	secret_free_str(b);
}

/* ---- credentials ---- */

static void
test_creds_real_sts(void **state)
{
	struct creds c;
	struct err e;

	creds_garbage(&c);
	assert_int_equal(creds_from("assume_role_sts.xml", &c, &e), ST_OK);
	assert_string_equal(c.access_key_id, "ASIAFAKEFAKEFAKE0001");
	assert_string_equal(c.secret_access_key,
	                    "fakeSECRETfakeSECRET/fake+SECRETfake0001");
	assert_string_equal(c.session_token,
	                    "FwoGZXIvYXdzEFAKEsessionTOKEN/fake+token0001==");
	assert_int_equal(c.expiration, EXP_STS);
	assert_string_equal(c.arn,
	                    "arn:aws:sts::123456789012:assumed-role/demo/John");
	assert_string_equal(c.user_id, "AROA3XFRBF535PLBIFPI4:John");
	assert_string_equal(c.account, "123456789012");
	assert_true(creds_valid(&c));
	creds_done(&c);
}

static void
test_creds_moto_assume_role(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(creds_from("assume_role_moto.xml", &c, &e), ST_OK);
	assert_string_equal(c.access_key_id, "ASIAFAKEFAKEFAKE0002");
	assert_string_equal(c.secret_access_key,
	                    "fakeSECRETfakeSECRET/fake+SECRETfake0002");
	assert_string_equal(
	    c.session_token,
	    "FQoGZXIvYXdzEBYaDFAKEsessionTOKEN/fake+token0002=");
	assert_int_equal(c.expiration, EXP_MOTO);
	assert_string_equal(
	    c.arn, "arn:aws:sts::222222222222:assumed-role/dev/rolehop-op");
	assert_string_equal(c.user_id, "AROA3X42LBCDXC9OSQ50Q:rolehop-op");
	assert_string_equal(c.account, "222222222222");
	creds_done(&c);
}

static void
test_creds_moto_web_identity(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(
	    creds_from("assume_role_web_identity_moto.xml", &c, &e), ST_OK);
	assert_string_equal(c.access_key_id, "ASIAFAKEFAKEFAKE0003");
	assert_string_equal(c.secret_access_key,
	                    "fakeSECRETfakeSECRET/fake+SECRETfake0003");
	assert_string_equal(
	    c.session_token,
	    "FQoGZXIvYXdzEBYaDFAKEsessionTOKEN/fake+token0003=");
	assert_int_equal(c.expiration, EXP_WEB);
	assert_string_equal(
	    c.arn, "arn:aws:sts::333333333333:assumed-role/irsa/rolehop-web");
	assert_string_equal(c.user_id, "ARO123EXAMPLE123:rolehop-web");
	assert_string_equal(c.account, "333333333333");
	creds_done(&c);
}

/* Namespace prefixes, CRLF, an XML declaration, fields in another order,
 * and an Expiration without fractional seconds. */
static void
test_creds_prefixed_no_fraction(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(creds_from("assume_role_web_identity_sts.xml", &c, &e),
	                 ST_OK);
	assert_string_equal(c.access_key_id, "ASIAFAKEFAKEFAKE0004");
	assert_string_equal(c.secret_access_key,
	                    "fakeSECRETfakeSECRET/fake+SECRETfake0004");
	assert_string_equal(c.session_token,
	                    "IQoJb3JpZ2luX2VjEFAKEwebTOKEN/fake+token0004");
	assert_int_equal(c.expiration, EXP_NOFRAC);
	assert_string_equal(c.arn, "arn:aws:sts::444455556666:assumed-role/"
	                           "irsa-ops/botocore-session-1");
	assert_string_equal(c.user_id,
	                    "AROACLKWSDQRAOEXAMPLE:botocore-session-1");
	assert_string_equal(c.account, "444455556666");
	creds_done(&c);
}

/* A 12623-byte token that expat delivers in several pieces (4 KiB feeds
 * and a character reference). */
static void
test_creds_large_token_split(void **state)
{
	struct creds c;
	struct err e;
	struct buf want;

	buf_init(&want, 1 << 16);
	buf_appends(&want, "IQoJb3JpZ2luX2VjEFAKE");
	for (int i = 0; i < 600; i++)
		buf_appends(&want, "FAKEtoken+/0123456789");
	buf_appends(&want, "==");
	assert_int_equal(creds_from("large_token.xml", &c, &e), ST_OK);
	assert_int_equal(strlen(c.session_token), 12623);
	assert_string_equal(c.session_token, buf_str(&want));
	assert_string_equal(c.access_key_id, "ASIAFAKEFAKEFAKE0007");
	assert_int_equal(c.expiration, EXP_MOTO);
	assert_string_equal(c.account, "123456789012");
	buf_free(&want);
	creds_done(&c);
}

static void
test_creds_error_response(void **state)
{
	struct creds c;
	struct err e;

	creds_garbage(&c);
	assert_int_equal(creds_from("error_sts_access_denied.xml", &c, &e),
	                 ST_AWS);
	assert_int_equal(e.status, ST_AWS);
	assert_string_equal(e.code, "AccessDenied");
	assert_string_equal(
	    e.msg, "User: arn:aws:sts::111111111111:assumed-role/ci/s1 is not "
	           "authorized to perform: sts:AssumeRole on resource: "
	           "arn:aws:iam::222222222222:role/dev & friends");
	assert_creds_empty(&c);

	assert_int_equal(creds_from("error_moto_signature.xml", &c, &e),
	                 ST_AWS);
	assert_string_equal(e.code, "SignatureDoesNotMatch");
	assert_true(strncmp(e.msg, "The request signature we calculated", 35) ==
	            0);
	assert_creds_empty(&c);
}

static void
test_creds_error_without_message(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(creds_text("<ErrorResponse><Error><Code>Throttling"
	                            "</Code></Error></ErrorResponse>",
	                            &c, &e),
	                 ST_AWS);
	assert_string_equal(e.code, "Throttling");
	assert_string_equal(e.msg, "STS returned an error without a message");
	assert_creds_empty(&c);
}

static void
test_creds_truncated(void **state)
{
	struct creds c;
	struct err e;

	creds_garbage(&c);
	assert_int_equal(creds_from("truncated.xml", &c, &e), ST_PARSE);
	assert_int_equal(e.status, ST_PARSE);
	assert_string_equal(e.msg, "malformed STS response: no element found "
	                           "at line 1");
	assert_string_equal(e.code, "");
	assert_no_secret(e.msg);
	assert_creds_empty(&c);
	/* Cut inside a tag. */
	assert_int_equal(creds_text("<AssumeRoleResult><Credentials>\n"
	                            "<SecretAccessKey>fakeSECRET</Secret",
	                            &c, &e),
	                 ST_PARSE);
	assert_string_equal(e.msg, "malformed STS response: unclosed token "
	                           "at line 2");
	assert_no_secret(e.msg);
	assert_creds_empty(&c);
}

static void
test_creds_missing_session_token(void **state)
{
	struct creds c;
	struct err e;

	creds_garbage(&c);
	assert_int_equal(creds_from("missing_session_token.xml", &c, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no Credentials/SessionToken");
	assert_no_secret(e.msg);
	assert_creds_empty(&c);
}

static void
test_creds_doctype_refused(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(creds_from("doctype_entities.xml", &c, &e), ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: DOCTYPE not allowed at line 2");
	assert_creds_empty(&c);
	/* A DOCTYPE without entities is refused just the same. */
	assert_int_equal(creds_text("<!DOCTYPE x SYSTEM \"file:///etc/passwd\">"
	                            "<x/>",
	                            &c, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: DOCTYPE not allowed at line 1");
}

/* The other required fields are named too, and empty counts as missing. */
#define MISSING_FMT                                                            \
	"<AssumeRoleResponse><AssumeRoleResult><Credentials>"                  \
	"%s%s%s%s</Credentials><AssumedRoleUser>%s"                            \
	"<AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser>"          \
	"</AssumeRoleResult></AssumeRoleResponse>"

static void
test_creds_missing_fields(void **state)
{
	static const char *const part[] = {
	    "<AccessKeyId>ASIAFAKEFAKEFAKE0009</AccessKeyId>",
	    "<SecretAccessKey>fakeSECRET0009</SecretAccessKey>",
	    "<SessionToken>fakeTOKEN0009</SessionToken>",
	    "<Expiration>2026-11-28T13:52:10Z</Expiration>",
	    "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>",
	};
	static const char *const label[] = {
	    "Credentials/AccessKeyId",  "Credentials/SecretAccessKey",
	    "Credentials/SessionToken", "Credentials/Expiration",
	    "AssumedRoleUser/Arn",
	};
	char xml[1024], msg[128];
	const char *p[5];
	struct creds c;
	struct err e;

	for (int skip = -1; skip < 5; skip++) {
		for (int i = 0; i < 5; i++)
			p[i] = i == skip ? "" : part[i];
		snprintf(xml, sizeof xml, MISSING_FMT, p[0], p[1], p[2], p[3],
		         p[4]);
		if (skip < 0) {
			assert_int_equal(creds_text(xml, &c, &e), ST_OK);
			creds_done(&c);
			continue;
		}
		assert_int_equal(creds_text(xml, &c, &e), ST_PARSE);
		snprintf(msg, sizeof msg, "malformed STS response: no %s",
		         label[skip]);
		assert_string_equal(e.msg, msg);
		assert_creds_empty(&c);
	}
	/* An empty element is as good as none. */
	snprintf(xml, sizeof xml, MISSING_FMT, part[0], part[1],
	         "<SessionToken></SessionToken>", part[3], part[4]);
	assert_int_equal(creds_text(xml, &c, &e), ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no Credentials/SessionToken");
	/* AssumedRoleId is optional. */
	assert_int_equal(
	    creds_text("<AssumeRoleResult><Credentials>"
	               "<AccessKeyId>A</AccessKeyId>"
	               "<SecretAccessKey>S</SecretAccessKey>"
	               "<SessionToken>T</SessionToken>"
	               "<Expiration>2026-11-28T13:52:10Z</Expiration>"
	               "</Credentials><AssumedRoleUser>"
	               "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
	               "</AssumedRoleUser></AssumeRoleResult>",
	               &c, &e),
	    ST_OK);
	assert_null(c.user_id);
	assert_string_equal(c.account, "123456789012");
	creds_done(&c);
}

/* Credentials only count inside an AssumeRole(WithWebIdentity) result. */
static void
test_creds_context(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(
	    creds_text("<AssumeRoleResponse><Other><Credentials>"
	               "<AccessKeyId>A</AccessKeyId>"
	               "<SecretAccessKey>S</SecretAccessKey>"
	               "<SessionToken>T</SessionToken>"
	               "<Expiration>2026-11-28T13:52:10Z</Expiration>"
	               "</Credentials></Other></AssumeRoleResponse>",
	               &c, &e),
	    ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no Credentials/AccessKeyId");
	/* A repeated field keeps its first value. */
	assert_int_equal(
	    creds_text("<AssumeRoleResult><Credentials>"
	               "<AccessKeyId>FIRST</AccessKeyId>"
	               "<AccessKeyId>SECOND</AccessKeyId>"
	               "<SecretAccessKey>S</SecretAccessKey>"
	               "<SessionToken>T</SessionToken>"
	               "<Expiration>2026-11-28T13:52:10Z</Expiration>"
	               "</Credentials><AssumedRoleUser>"
	               "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
	               "</AssumedRoleUser></AssumeRoleResult>",
	               &c, &e),
	    ST_OK);
	assert_string_equal(c.access_key_id, "FIRST");
	creds_done(&c);
	/* A GetCallerIdentity answer is not credentials. */
	assert_int_equal(creds_from("get_caller_identity_moto.xml", &c, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no Credentials/AccessKeyId");
	assert_creds_empty(&c);
}

#define BAD_FMT                                                                \
	"<AssumeRoleResult><Credentials>"                                      \
	"<AccessKeyId>ASIAFAKEFAKEFAKE0010</AccessKeyId>"                      \
	"<SecretAccessKey>fakeSECRET0010</SecretAccessKey>"                    \
	"<SessionToken>fakeTOKEN0010</SessionToken>"                           \
	"<Expiration>%s</Expiration></Credentials>"                            \
	"<AssumedRoleUser><Arn>%s</Arn></AssumedRoleUser>"                     \
	"</AssumeRoleResult>"

static void
test_creds_bad_expiration_and_arn(void **state)
{
	char xml[512];
	struct creds c;
	struct err e;

	snprintf(xml, sizeof xml, BAD_FMT, "tomorrow",
	         "arn:aws:sts::123456789012:assumed-role/r/s");
	assert_int_equal(creds_text(xml, &c, &e), ST_PARSE);
	assert_string_equal(e.msg, "malformed STS response: "
	                           "Credentials/Expiration is not an ISO "
	                           "8601 time");
	assert_creds_empty(&c);

	snprintf(xml, sizeof xml, BAD_FMT, "2026-11-28T13:52:10Z",
	         "arn:aws:sts::12345:assumed-role/r/s");
	assert_int_equal(creds_text(xml, &c, &e), ST_PARSE);
	assert_string_equal(e.msg, "malformed STS response: "
	                           "AssumedRoleUser/Arn has no 12-digit "
	                           "account");
	assert_no_secret(e.msg);
	assert_creds_empty(&c);
}

static void
test_creds_malformed(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(creds_text("", &c, &e), ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no element found at line 1");
	assert_int_equal(sts_parse_credentials(NULL, 0, &c, &e), ST_PARSE);
	assert_int_equal(creds_text("<a>\n<b>\n</a>", &c, &e), ST_PARSE);
	assert_string_equal(e.msg,
	                    "malformed STS response: mismatched tag at line 3");
	assert_int_equal(creds_text("<a>&secret;</a>", &c, &e), ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: undefined entity at line 1");
	assert_int_equal(creds_text("Internal Server Error", &c, &e), ST_PARSE);
	assert_string_equal(e.msg,
	                    "malformed STS response: syntax error at line 1");
	assert_creds_empty(&c);
}

/* A value past the 64 KiB cap and a body past 1 MiB are refused. */
static void
test_creds_caps(void **state)
{
	struct buf b;
	struct creds c;
	struct err e;

	buf_init(&b, 1 << 22);
	buf_appends(&b, "<AssumeRoleResult><Credentials>\n<SessionToken>");
	for (int i = 0; i < 70000; i++)
		buf_appendc(&b, 'T');
	buf_appends(&b, "</SessionToken></Credentials></AssumeRoleResult>");
	err_clear(&e);
	assert_int_equal(sts_parse_credentials(buf_str(&b), b.len, &c, &e),
	                 ST_PARSE);
	assert_string_equal(e.msg, "malformed STS response: "
	                           "Credentials/SessionToken: value too long "
	                           "at line 2");
	assert_creds_empty(&c);
	buf_free(&b);

	/* Unwanted text of any size (under the body cap) is fine. */
	buf_init(&b, 1 << 22);
	buf_appends(&b, "<AssumeRoleResult><PackedPolicySize>");
	for (int i = 0; i < 200000; i++)
		buf_appendc(&b, '8');
	buf_appends(&b, "</PackedPolicySize></AssumeRoleResult>");
	assert_int_equal(sts_parse_credentials(buf_str(&b), b.len, &c, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no Credentials/AccessKeyId");
	buf_free(&b);

	buf_init(&b, 1 << 22);
	buf_appends(&b, "<a>");
	while (b.len < 1024 * 1024 - 4)
		buf_appendc(&b, ' ');
	buf_appends(&b, "</a>");
	assert_int_equal(b.len, 1024 * 1024);
	assert_int_equal(sts_parse_credentials(buf_str(&b), b.len, &c, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no Credentials/AccessKeyId");
	buf_appendc(&b, ' ');
	assert_int_equal(sts_parse_credentials(buf_str(&b), b.len, &c, &e),
	                 ST_PARSE);
	assert_string_equal(e.msg,
	                    "malformed STS response: answer larger than 1 MiB");
	buf_free(&b);
}

static void
test_creds_deep_nesting(void **state)
{
	struct buf b;
	struct creds c;
	struct err e;

	buf_init(&b, 1 << 16);
	for (int i = 0; i < 40; i++)
		buf_appends(&b, "<a>");
	for (int i = 0; i < 40; i++)
		buf_appends(&b, "</a>");
	err_clear(&e);
	assert_int_equal(sts_parse_credentials(buf_str(&b), b.len, &c, &e),
	                 ST_PARSE);
	assert_string_equal(e.msg, "malformed STS response: elements nested "
	                           "too deeply at line 1");
	buf_free(&b);
}

/* ---- GetCallerIdentity ---- */

static void
test_identity_moto(void **state)
{
	struct sts_identity id;
	struct err e;
	size_t len;
	char *xml = fixture("get_caller_identity_moto.xml", &len);

	memset(&id, 0xA5, sizeof id);
	err_clear(&e);
	assert_int_equal(sts_parse_caller_identity(xml, len, &id, &e), ST_OK);
	assert_string_equal(id.user_id, "AKIAIOSFODNN7EXAMPLE");
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(id.arn, "arn:aws:sts::123456789012:user/moto");
	sts_identity_done(&id);
	assert_null(id.account);
	assert_null(id.arn);
	assert_null(id.user_id);
	free(xml);
}

static void
test_identity_failures(void **state)
{
	struct sts_identity id;
	struct err e;
	size_t len;
	char *xml;

	xml = fixture("error_moto_signature.xml", &len);
	err_clear(&e);
	assert_int_equal(sts_parse_caller_identity(xml, len, &id, &e), ST_AWS);
	assert_string_equal(e.code, "SignatureDoesNotMatch");
	assert_null(id.account);
	free(xml);

	xml = fixture("assume_role_moto.xml", &len);
	assert_int_equal(sts_parse_caller_identity(xml, len, &id, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg, "malformed STS response: no GetCallerIdentityResult/UserId");
	assert_no_secret(e.msg);
	free(xml);

	xml = fixture("error_html_500.html", &len);
	assert_int_equal(sts_parse_caller_identity(xml, len, &id, &e),
	                 ST_PARSE);
	assert_true(strncmp(e.msg, "malformed STS response: ", 24) == 0);
	free(xml);

	xml = xstrdup("<GetCallerIdentityResponse><GetCallerIdentityResult>"
	              "<UserId>AIDAFAKE</UserId>"
	              "<Arn>arn:aws:iam::123456789012:user/op</Arn>"
	              "</GetCallerIdentityResult></GetCallerIdentityResponse>");
	assert_int_equal(sts_parse_caller_identity(xml, strlen(xml), &id, &e),
	                 ST_PARSE);
	assert_string_equal(
	    e.msg,
	    "malformed STS response: no GetCallerIdentityResult/Account");
	assert_null(id.user_id);
	assert_null(id.arn);
	free(xml);
}

/* ---- errors ---- */

static void
test_error_sts(void **state)
{
	struct sts_error se;
	size_t len;
	char *xml = fixture("error_sts_access_denied.xml", &len);

	assert_int_equal(sts_parse_error(xml, len, &se), 0);
	assert_string_equal(se.code, "AccessDenied");
	assert_string_equal(se.type, "Sender");
	assert_string_equal(
	    se.message,
	    "User: arn:aws:sts::111111111111:assumed-role/ci/s1 is not "
	    "authorized to perform: sts:AssumeRole on resource: "
	    "arn:aws:iam::222222222222:role/dev & friends");
	free(xml);
}

static void
test_error_moto_wrapper(void **state)
{
	struct sts_error se;
	size_t len;
	char *xml = fixture("error_moto_signature.xml", &len);

	assert_int_equal(sts_parse_error(xml, len, &se), 0);
	assert_string_equal(se.code, "SignatureDoesNotMatch");
	assert_string_equal(se.type, "Sender");
	assert_string_equal(
	    se.message,
	    "The request signature we calculated does not match the "
	    "signature you provided. Check your AWS Secret Access Key and "
	    "signing method. Consult the service documentation for "
	    "details.");
	free(xml);
}

static void
test_error_not_found(void **state)
{
	static const char *const names[] = {
	    "error_html_500.html",
	    "assume_role_moto.xml",
	    "truncated.xml",
	    "doctype_entities.xml",
	    "get_caller_identity_moto.xml",
	};
	static const char *const texts[] = {
	    "",
	    "Internal Server Error",
	    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n"
	    "<title>500 Internal Server Error</title>\n",
	    "<ErrorResponse><Error><Code>Throttling</Code>",
	    "<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>junk",
	    "<Errors/>",
	};
	struct sts_error se;
	size_t len;
	char *xml;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		xml = fixture(names[i], &len);
		memset(&se, 'x', sizeof se);
		assert_int_equal(sts_parse_error(xml, len, &se), -1);
		assert_string_equal(se.code, "");
		assert_string_equal(se.message, "");
		assert_string_equal(se.type, "");
		free(xml);
	}
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		assert_int_equal(
		    sts_parse_error(texts[i], strlen(texts[i]), &se), -1);
	assert_int_equal(sts_parse_error(NULL, 0, &se), -1);
}

/* Only the first Error counts, at any depth, with prefixes dropped. */
static void
test_error_first_only(void **state)
{
	static const char *const xml =
	    "<a:Outer xmlns:a=\"urn:x\"><Deep><Deeper><a:Error>"
	    "<a:Code>First</a:Code><Extra><Message>nested</Message></Extra>"
	    "</a:Error></Deeper></Deep>"
	    "<Error><Code>Second</Code><Message>second</Message>"
	    "<Type>Receiver</Type></Error></a:Outer>";
	struct sts_error se;

	assert_int_equal(sts_parse_error(xml, strlen(xml), &se), 0);
	assert_string_equal(se.code, "First");
	assert_string_equal(se.message, "");
	assert_string_equal(se.type, "");
	/* An Error without a Code is still an Error. */
	assert_int_equal(sts_parse_error("<Error/>", 8, &se), 0);
	assert_string_equal(se.code, "");
}

/* Long fields are cut to the arrays without splitting a UTF-8 sequence. */
static void
test_error_truncation(void **state)
{
	struct buf b;
	struct sts_error se;

	buf_init(&b, 1 << 16);
	buf_appends(&b, "<ErrorResponse><Error><Type>SenderSenderSender</Type>"
	                "<Code>");
	for (int i = 0; i < 100; i++)
		buf_appendc(&b, 'C');
	buf_appends(&b, "</Code><Message>");
	for (int i = 0; i < 510; i++)
		buf_appendc(&b, 'm');
	buf_appends(&b, "\xc3\xa9 tail</Message></Error></ErrorResponse>");
	assert_int_equal(sts_parse_error(buf_str(&b), b.len, &se), 0);
	assert_int_equal(strlen(se.code), 63);
	assert_int_equal(strlen(se.message), 510);
	assert_int_equal(se.message[509], 'm');
	assert_string_equal(se.type, "SenderSenderSen");
	buf_free(&b);
}

/* ---- ARNs ---- */

static void
test_arn_account(void **state)
{
	static const char *const bad[] = {
	    "arn:aws:sts::12345678901:assumed-role/r/s",
	    "arn:aws:sts::1234567890123:assumed-role/r/s",
	    "arn:aws:sts::12345678901x:assumed-role/r/s",
	    "arn:aws:sts::123456789012",
	    "arn:aws:sts:123456789012:x",
	    "arn:aws:sts:::assumed-role/r/s",
	    "urn:aws:sts::123456789012:x",
	    "",
	    "arn:",
	};
	char out[13];

	assert_int_equal(
	    sts_arn_account("arn:aws:sts::123456789012:assumed-role/r/s", out),
	    0);
	assert_string_equal(out, "123456789012");
	assert_int_equal(sts_arn_account("arn:aws:iam::000000000001:root", out),
	                 0);
	assert_string_equal(out, "000000000001");
	assert_int_equal(
	    sts_arn_account("arn:aws-cn:sts:cn-north-1:210987654321:x", out),
	    0);
	assert_string_equal(out, "210987654321");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(out, 'x', sizeof out);
		assert_int_equal(sts_arn_account(bad[i], out), -1);
		assert_string_equal(out, "");
	}
	assert_int_equal(sts_arn_account(NULL, out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_body_assume_role_minimal),
	    cmocka_unit_test(test_body_assume_role_full),
	    cmocka_unit_test(test_body_assume_role_duration_only),
	    cmocka_unit_test(test_body_web_identity),
	    cmocka_unit_test(test_body_get_caller_identity),
	    cmocka_unit_test(test_body_encodes_every_byte),
	    cmocka_unit_test(test_creds_real_sts),
	    cmocka_unit_test(test_creds_moto_assume_role),
	    cmocka_unit_test(test_creds_moto_web_identity),
	    cmocka_unit_test(test_creds_prefixed_no_fraction),
	    cmocka_unit_test(test_creds_large_token_split),
	    cmocka_unit_test(test_creds_error_response),
	    cmocka_unit_test(test_creds_error_without_message),
	    cmocka_unit_test(test_creds_truncated),
	    cmocka_unit_test(test_creds_missing_session_token),
	    cmocka_unit_test(test_creds_doctype_refused),
	    cmocka_unit_test(test_creds_missing_fields),
	    cmocka_unit_test(test_creds_context),
	    cmocka_unit_test(test_creds_bad_expiration_and_arn),
	    cmocka_unit_test(test_creds_malformed),
	    cmocka_unit_test(test_creds_caps),
	    cmocka_unit_test(test_creds_deep_nesting),
	    cmocka_unit_test(test_identity_moto),
	    cmocka_unit_test(test_identity_failures),
	    cmocka_unit_test(test_error_sts),
	    cmocka_unit_test(test_error_moto_wrapper),
	    cmocka_unit_test(test_error_not_found),
	    cmocka_unit_test(test_error_first_only),
	    cmocka_unit_test(test_error_truncation),
	    cmocka_unit_test(test_arn_account),
	};

	return cmocka_run_group_tests_name("sts", tests, NULL, NULL);
}
