/*
 * Unit tests for awscfg: the AWS shared config and credentials files with
 * botocore's semantics. Most cases parse small inline texts; the load
 * tests write real files under a mkdtemp() directory and also read the
 * fixture pair in tests/data/awscfg/ (found through $TESTDATA).
 */
#include "config.h"

#include "awscfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "err.h"
#include "xalloc.h"

#define CFG "cfg"
#define CRED "cred"

/* Parse one text into a fresh cfg; returns the status. */
static enum status
parse(struct awscfg *cfg, const char *path, const char *text, int cred,
      struct err *e)
{
	err_clear(e);
	return awscfg_parse(cfg, path, text, strlen(text), cred, e);
}

/* Parse a config text that must be accepted. */
static void
parse_ok(struct awscfg *cfg, const char *text)
{
	struct err e;

	awscfg_init(cfg);
	if (parse(cfg, CFG, text, 0, &e) != ST_OK)
		fail_msg("unexpected error: %s", e.msg);
}

/* Parse a text that must fail with ST_CONFIG and exactly msg. */
static void
parse_fails(const char *text, int cred, const char *msg)
{
	struct awscfg cfg;
	struct err e;

	awscfg_init(&cfg);
	assert_int_equal(parse(&cfg, cred ? CRED : CFG, text, cred, &e),
	                 ST_CONFIG);
	assert_int_equal(e.status, ST_CONFIG);
	assert_string_equal(e.msg, msg);
	assert_int_equal(cfg.nprofiles, 0);
	assert_int_equal(cfg.nservices, 0);
	awscfg_free(&cfg);
}

static const char *
val(const struct awscfg *cfg, const char *profile, const char *key)
{
	return awscfg_get(awscfg_profile(cfg, profile), key);
}

static void
test_basic_profiles(void **state)
{
	struct awscfg cfg;
	const struct awscfg_section *s;
	const struct awscfg_kv *kv;

	parse_ok(&cfg, "[default]\n"
	               "region = us-east-1\n"
	               "\n"
	               "[profile dev]\n"
	               "role_arn = arn:aws:iam::111122223333:role/dev\n"
	               "source_profile = default\n");
	assert_int_equal(cfg.nprofiles, 2);
	assert_string_equal(cfg.profiles[0].name, "default");
	assert_string_equal(cfg.profiles[1].name, "dev");
	assert_string_equal(val(&cfg, "default", "region"), "us-east-1");
	s = awscfg_profile(&cfg, "dev");
	assert_non_null(s);
	assert_string_equal(s->file, CFG);
	assert_int_equal(s->line, 4);
	kv = awscfg_get_kv(s, "source_profile");
	assert_non_null(kv);
	assert_string_equal(kv->value, "default");
	assert_int_equal(kv->line, 6);
	assert_ptr_equal(kv->file, cfg.config_path);
	assert_null(awscfg_get(s, "region"));
	assert_null(awscfg_profile(&cfg, "profile dev"));
	assert_null(awscfg_profile(&cfg, "nope"));
	assert_null(awscfg_get(NULL, "region"));
	assert_null(awscfg_get_kv(NULL, "region"));
	awscfg_free(&cfg);
	assert_int_equal(cfg.nprofiles, 0);
	assert_null(cfg.profiles);
	assert_null(cfg.config_path);
}

static void
test_case(void **state)
{
	struct awscfg cfg;

	parse_ok(&cfg, "[profile Dev]\nRegion = EU-West-1\nAWS_Foo=1\n");
	assert_non_null(awscfg_profile(&cfg, "Dev"));
	assert_null(awscfg_profile(&cfg, "dev"));
	assert_string_equal(val(&cfg, "Dev", "region"), "EU-West-1");
	assert_string_equal(val(&cfg, "Dev", "aws_foo"), "1");
	assert_null(val(&cfg, "Dev", "Region"));
	awscfg_free(&cfg);
}

static void
test_separators_and_trimming(void **state)
{
	struct awscfg cfg;

	parse_ok(&cfg, "[default]\n"
	               "  a   =   spaced value  \n"
	               "b:colon\n"
	               "c : d = e\n"
	               "url = http://127.0.0.1:5000/x\n"
	               "t\t=\tx\t\n"
	               "empty =\n"
	               "nbsp = v\xc2\xa0\n"
	               "k v = two words\n");
	assert_string_equal(val(&cfg, "default", "a"), "spaced value");
	assert_string_equal(val(&cfg, "default", "b"), "colon");
	/* The first '=' or ':' separates. */
	assert_string_equal(val(&cfg, "default", "c"), "d = e");
	assert_string_equal(val(&cfg, "default", "url"),
	                    "http://127.0.0.1:5000/x");
	assert_string_equal(val(&cfg, "default", "t"), "x");
	assert_string_equal(val(&cfg, "default", "empty"), "");
	/* Python's strip() also removes U+00A0. */
	assert_string_equal(val(&cfg, "default", "nbsp"), "v");
	assert_string_equal(val(&cfg, "default", "k v"), "two words");
	awscfg_free(&cfg);

	/* Non-ASCII spaces indent too, one character each as Python
	 * counts: after U+00A0 "a" (indent 1), "  b" (2) continues it and
	 * U+3000 "c" (1) starts a new key. */
	parse_ok(&cfg, "[default]\n"
	               "\xc2\xa0"
	               "a = 1\n"
	               "  b = 2\n"
	               "\xe3\x80\x80"
	               "c = 3\n"
	               "[profile p]\n"
	               "k = v\n"
	               "\xc2\xa0"
	               "more\n");
	assert_string_equal(val(&cfg, "default", "a"), "1\nb = 2");
	assert_string_equal(val(&cfg, "default", "c"), "3");
	assert_string_equal(val(&cfg, "p", "k"), "v\nmore");
	awscfg_free(&cfg);
}

static void
test_comments(void **state)
{
	struct awscfg cfg;

	parse_ok(&cfg, "# top\n"
	               "; top\n"
	               "[default]\n"
	               "   # indented comment\n"
	               "\t; another\n"
	               "region = us-west-2 # x\n"
	               "output = json ; y\n"
	               "#region = eu-west-1\n");
	assert_int_equal(cfg.nprofiles, 1);
	assert_int_equal(cfg.profiles[0].nkv, 2);
	assert_string_equal(val(&cfg, "default", "region"), "us-west-2 # x");
	assert_string_equal(val(&cfg, "default", "output"), "json ; y");
	awscfg_free(&cfg);
}

static void
test_syntax_errors(void **state)
{
	parse_fails("[default]\nregion = x\njunk line\n", 0,
	            "cfg:3: expected \"key = value\" or a [section] header");
	parse_fails("\n# c\nregion = x\n[default]\n", 0,
	            "cfg:3: expected a [section] header before this line");
	parse_fails("[profile dev\nregion = x\n", 0,
	            "cfg:1: expected a [section] header before this line");
	parse_fails("[default]\n[profile dev\n", 0,
	            "cfg:2: expected \"key = value\" or a [section] header");
	parse_fails("[default]\n[]\n", 0,
	            "cfg:2: expected \"key = value\" or a [section] header");
	parse_fails("[default]\n  = x\n", 0, "cfg:2: missing key before '='");
	parse_fails("[a]\n: x\n", 1, "cred:2: missing key before ':'");
}

static void
test_header_forms(void **state)
{
	struct awscfg cfg;

	/* configparser takes the text up to the last ']' and ignores the
	 * rest, so the AWS CLI reads these as profiles too. */
	parse_ok(&cfg, "[profile a] # note\nk = 1\n[profile b]]\nk = 2\n");
	assert_string_equal(val(&cfg, "a", "k"), "1");
	assert_string_equal(val(&cfg, "b]", "k"), "2");
	awscfg_free(&cfg);
}

static void
test_duplicates(void **state)
{
	struct awscfg cfg;

	parse_fails("[profile a]\nk = 1\n\n[profile a]\nk = 2\n", 0,
	            "cfg:4: duplicate section [profile a] (first at line 1)");
	parse_fails("[dev]\nk = 1\n[dev]\n", 1,
	            "cred:3: duplicate section [dev] (first at line 1)");
	parse_fails(
	    "[default]\nRegion = a\nx = 1\nregion = b\n", 0,
	    "cfg:4: duplicate key \"region\" in section [default] (first "
	    "at line 2)");
	parse_fails("[DEFAULT]\na = 1\n[x]\n[DEFAULT]\na = 2\n", 0,
	            "cfg:5: duplicate key \"a\" in section [DEFAULT] (first at "
	            "line 2)");
	/* The same key in different sections is fine. */
	parse_ok(&cfg, "[default]\nregion = a\n[profile b]\nregion = b\n");
	assert_string_equal(val(&cfg, "default", "region"), "a");
	assert_string_equal(val(&cfg, "b", "region"), "b");
	awscfg_free(&cfg);
}

static void
test_default_twice(void **state)
{
	struct awscfg cfg;
	const struct awscfg_section *s;

	parse_ok(&cfg, "[default]\nregion = a\nold = 1\n"
	               "[profile x]\nk = v\n"
	               "[profile default]\nregion = b\n");
	assert_int_equal(cfg.nprofiles, 2);
	/* Replaced entirely, at the place of the first. */
	assert_string_equal(cfg.profiles[0].name, "default");
	s = &cfg.profiles[0];
	assert_int_equal(s->nkv, 1);
	assert_string_equal(awscfg_get(s, "region"), "b");
	assert_null(awscfg_get(s, "old"));
	assert_int_equal(s->line, 6);
	assert_int_equal(awscfg_get_kv(s, "region")->line, 7);
	awscfg_free(&cfg);

	parse_ok(&cfg,
	         "[profile default]\nregion = b\n[default]\nregion = a\n");
	assert_int_equal(cfg.nprofiles, 1);
	assert_string_equal(val(&cfg, "default", "region"), "a");
	awscfg_free(&cfg);

	/* Two spellings of one profile name: the later wins too. */
	parse_ok(&cfg, "[profile a]\nk = 1\n[profile \"a\"]\nj = 2\n");
	assert_int_equal(cfg.nprofiles, 1);
	assert_null(val(&cfg, "a", "k"));
	assert_string_equal(val(&cfg, "a", "j"), "2");
	awscfg_free(&cfg);
}

static void
test_profile_names(void **state)
{
	struct awscfg cfg;
	const char *names[] = {"my name", "q", "a b", "x\"y",
	                       "",        "y", "t",   "a\\b"};
	size_t i;

	parse_ok(&cfg, "[profile \"my name\"]\nn = 1\n"
	               "[profile 'q']\nn = 2\n"
	               "[profile a\\ b]\nn = 3\n"
	               "[profile \"x\\\"y\"]\nn = 4\n"
	               "[profile \"\"]\nn = 5\n"
	               "[profilex y]\nn = 6\n" /* botocore quirk */
	               "[profile\tt]\nn = 7\n"
	               "[profile \"a\\b\"]\nn = 8\n"
	               /* none of these is a profile */
	               "[profile a b c]\nn = 0\n"
	               "[ profile x ]\nn = 0\n"
	               "[profilex]\nn = 0\n"
	               "[profile]\nn = 0\n"
	               "[profile \"open]\nn = 0\n"
	               "[profile x\\]\nn = 0\n"
	               "[Default]\nn = 0\n"
	               "[ default ]\nn = 0\n"
	               "[dev]\nn = 0\n");
	assert_int_equal(cfg.nprofiles, sizeof names / sizeof names[0]);
	for (i = 0; i < cfg.nprofiles; i++) {
		char want[24];

		snprintf(want, sizeof want, "%zu", i + 1);
		assert_string_equal(cfg.profiles[i].name, names[i]);
		assert_string_equal(awscfg_get(&cfg.profiles[i], "n"), want);
	}
	assert_null(awscfg_profile(&cfg, "x"));
	assert_null(awscfg_profile(&cfg, "dev"));
	assert_null(awscfg_profile(&cfg, "Default"));
	awscfg_free(&cfg);
}

static void
test_services_and_other_sections(void **state)
{
	struct awscfg cfg;
	const struct awscfg_section *s;
	const struct awscfg_kv *kv;

	parse_ok(&cfg, "[profile dev]\n"
	               "services = local\n"
	               "[services local]\n"
	               "sts =\n"
	               "  endpoint_url = http://127.0.0.1:5000\n"
	               "  Region = us-east-2\n"
	               "eks =\n"
	               "\tendpoint_url = http://eks.local\n"
	               "[sso-session local]\n"
	               "sso_region = us-east-1\n"
	               "[services]\n"
	               "x = 1\n"
	               "[preview]\n"
	               "cloudfront = true\n");
	assert_int_equal(cfg.nprofiles, 1);
	assert_int_equal(cfg.nservices, 1);
	assert_null(awscfg_profile(&cfg, "local"));
	s = awscfg_services(&cfg, "local");
	assert_non_null(s);
	assert_int_equal(s->line, 3);
	assert_null(awscfg_services(&cfg, "dev"));
	kv = awscfg_get_kv(s, "sts");
	assert_non_null(kv);
	assert_null(kv->value);
	assert_null(awscfg_get(s, "sts"));
	assert_int_equal(kv->line, 4);
	assert_int_equal(kv->nsub, 2);
	assert_string_equal(kv->sub[0].key, "endpoint_url");
	assert_string_equal(kv->sub[0].value, "http://127.0.0.1:5000");
	assert_int_equal(kv->sub[0].line, 5);
	assert_string_equal(kv->sub[1].key, "region");
	assert_string_equal(kv->sub[1].value, "us-east-2");
	assert_int_equal(kv->sub[1].line, 6);
	kv = awscfg_get_kv(s, "eks");
	assert_int_equal(kv->nsub, 1);
	assert_string_equal(kv->sub[0].value, "http://eks.local");
	awscfg_free(&cfg);
}

static void
test_nested_values(void **state)
{
	struct awscfg cfg;
	const struct awscfg_kv *kv;

	parse_ok(&cfg, "[profile p]\n"
	               "s3 =\n"
	               "\n"
	               "  max_concurrent_requests = 10\n"
	               "  # a comment inside the block\n"
	               "\n"
	               "  addressing_style = path\n"
	               "  a = x = y\n"
	               "  Dup = 1\n"
	               "  dup = 2\n"
	               "\n"
	               "region = us-east-1\n"
	               "plain =\n"
	               "\n"
	               "after = 1\n");
	kv = awscfg_get_kv(awscfg_profile(&cfg, "p"), "s3");
	assert_non_null(kv);
	assert_null(kv->value);
	/* Blank lines and comments inside the block do not end it. */
	assert_int_equal(kv->nsub, 4);
	assert_string_equal(kv->sub[0].key, "max_concurrent_requests");
	assert_string_equal(kv->sub[0].value, "10");
	assert_int_equal(kv->sub[0].line, 4);
	assert_string_equal(kv->sub[1].key, "addressing_style");
	assert_string_equal(kv->sub[1].value, "path");
	assert_int_equal(kv->sub[1].line, 7);
	assert_string_equal(kv->sub[2].key, "a");
	assert_string_equal(kv->sub[2].value, "x = y");
	/* A repeated nested key replaces the value in place. Nested keys
	 * are lower-cased like all keys (botocore keeps their case). */
	assert_string_equal(kv->sub[3].key, "dup");
	assert_string_equal(kv->sub[3].value, "2");
	assert_int_equal(kv->sub[3].line, 10);
	assert_string_equal(val(&cfg, "p", "region"), "us-east-1");
	/* An empty value with no indented lines stays a plain "". */
	assert_string_equal(val(&cfg, "p", "plain"), "");
	assert_string_equal(val(&cfg, "p", "after"), "1");
	awscfg_free(&cfg);

	parse_fails(
	    "[services s]\nsts =\n  endpoint_url = x\n  oops\n", 0,
	    "cfg:4: expected \"key = value\" in the nested block of \"sts\"");
	/* Nested lines split at '=' only (botocore's _parse_nested). */
	parse_fails(
	    "[profile p]\ns3 =\n  style: path\n", 0,
	    "cfg:3: expected \"key = value\" in the nested block of \"s3\"");
}

static void
test_continuation_lines(void **state)
{
	struct awscfg cfg;

	parse_ok(&cfg, "[default]\n"
	               "a = first\n"
	               "  second\n"
	               "\n"
	               "\t third\n"
	               "\n"
	               "\n"
	               "b = 1\n"
	               "  [not a header]\n"
	               "  c = 2\n"
	               "    d = 3\n"
	               "  e = 4\n"
	               "f = x\n"
	               "\n");
	assert_string_equal(val(&cfg, "default", "a"),
	                    "first\nsecond\n\nthird");
	/* Everything indented deeper than "b = 1" continues it, even
	 * what looks like a header or a key. */
	assert_string_equal(val(&cfg, "default", "b"),
	                    "1\n[not a header]\nc = 2\nd = 3\ne = 4");
	assert_int_equal(cfg.profiles[0].nkv, 3);
	assert_null(val(&cfg, "default", "c"));
	assert_string_equal(val(&cfg, "default", "f"), "x");
	awscfg_free(&cfg);

	/* Deeper than the key's own line, not than column 0: keys
	 * indented alike are separate keys. */
	parse_ok(&cfg, "[default]\n  a = 1\n    more\n  b = 2\n   c = 3\n");
	assert_string_equal(val(&cfg, "default", "a"), "1\nmore");
	assert_string_equal(val(&cfg, "default", "b"), "2\nc = 3");
	assert_null(val(&cfg, "default", "c"));
	awscfg_free(&cfg);
}

static void
test_defaults_section(void **state)
{
	struct awscfg cfg;
	struct err e;
	const struct awscfg_kv *kv;

	parse_ok(&cfg, "[profile a]\nregion = own\n"
	               "[DEFAULT]\nregion = dflt\noutput = json\n"
	               "[services s]\n");
	assert_null(awscfg_profile(&cfg, "DEFAULT"));
	assert_int_equal(cfg.nprofiles, 1);
	assert_string_equal(val(&cfg, "a", "region"), "own");
	kv = awscfg_get_kv(awscfg_profile(&cfg, "a"), "output");
	assert_non_null(kv);
	assert_string_equal(kv->value, "json");
	assert_int_equal(kv->line, 5);
	assert_string_equal(awscfg_get(awscfg_services(&cfg, "s"), "output"),
	                    "json");
	/* Defaults belong to their file only. */
	assert_int_equal(parse(&cfg, CRED, "[a]\nk = 1\n[b]\n", 1, &e), ST_OK);
	assert_null(val(&cfg, "b", "output"));
	awscfg_free(&cfg);

	/* An inherited nested value is parsed only when inherited. */
	parse_ok(&cfg, "[DEFAULT]\ns3 =\n  bad\n[default]\ns3 = own\n");
	assert_string_equal(val(&cfg, "default", "s3"), "own");
	awscfg_free(&cfg);
	parse_fails(
	    "[DEFAULT]\ns3 =\n  bad\n[default]\n", 0,
	    "cfg:3: expected \"key = value\" in the nested block of \"s3\"");
}

static void
test_credentials_merge(void **state)
{
	struct awscfg cfg;
	struct err e;
	const struct awscfg_section *s;
	const struct awscfg_kv *kv;

	parse_ok(&cfg, "[profile dev]\n"
	               "region = us-east-1\n"
	               "aws_access_key_id = AKIAFAKEFAKEFAKE0009\n"
	               "[default]\n"
	               "region = eu-west-1\n");
	assert_int_equal(parse(&cfg, CRED,
	                       "[dev]\n"
	                       "aws_access_key_id = AKIAFAKEFAKEFAKE0001\n"
	                       "aws_secret_access_key = fakeSecret1\n"
	                       "[profile dev]\n"
	                       "aws_access_key_id = AKIAFAKEFAKEFAKE0002\n"
	                       "[static]\n"
	                       "aws_access_key_id = AKIAFAKEFAKEFAKE0003\n",
	                       1, &e),
	                 ST_OK);
	assert_int_equal(cfg.nprofiles, 4);
	assert_string_equal(cfg.profiles[0].name, "dev");
	assert_string_equal(cfg.profiles[1].name, "default");
	assert_string_equal(cfg.profiles[2].name, "profile dev");
	assert_string_equal(cfg.profiles[3].name, "static");
	s = awscfg_profile(&cfg, "dev");
	/* The section stays where the config file put it. */
	assert_string_equal(s->file, CFG);
	assert_int_equal(s->line, 1);
	assert_int_equal(s->nkv, 3);
	assert_string_equal(awscfg_get(s, "region"), "us-east-1");
	kv = awscfg_get_kv(s, "aws_access_key_id");
	assert_string_equal(kv->value, "AKIAFAKEFAKEFAKE0001");
	assert_string_equal(kv->file, CRED);
	assert_ptr_equal(kv->file, cfg.credentials_path);
	assert_int_equal(kv->line, 2);
	assert_string_equal(awscfg_get(s, "aws_secret_access_key"),
	                    "fakeSecret1");
	assert_string_equal(val(&cfg, "profile dev", "aws_access_key_id"),
	                    "AKIAFAKEFAKEFAKE0002");
	s = awscfg_profile(&cfg, "static");
	assert_string_equal(s->file, CRED);
	assert_int_equal(s->line, 6);
	awscfg_free(&cfg);
}

static void
test_line_endings(void **state)
{
	struct awscfg cfg;

	parse_ok(&cfg, "[default]\r\na = 1\r\n\r\nb = 2\rc = 3\r");
	assert_string_equal(val(&cfg, "default", "a"), "1");
	assert_string_equal(val(&cfg, "default", "b"), "2");
	assert_int_equal(
	    awscfg_get_kv(awscfg_profile(&cfg, "default"), "c")->line, 5);
	awscfg_free(&cfg);
	parse_fails("[default]\r\n\r\nbad\r\n", 0,
	            "cfg:3: expected \"key = value\" or a [section] header");
	parse_fails("[default]\r\rbad\r", 0,
	            "cfg:3: expected \"key = value\" or a [section] header");
}

static void
test_text_checks(void **state)
{
	struct awscfg cfg;
	struct err e;
	char *big;
	static const char nul[] = "[default]\na = 1\nb = x\0y\n";

	awscfg_init(&cfg);
	assert_int_equal(awscfg_parse(&cfg, CFG, nul, sizeof nul - 1, 0, &e),
	                 ST_CONFIG);
	assert_string_equal(e.msg, "cfg:3: NUL byte in file");
	awscfg_free(&cfg);
	parse_fails("[default]\n\na = \xff\n", 0, "cfg:3: invalid UTF-8");
	/* Overlong and surrogate forms are not UTF-8 either. */
	parse_fails("[default]\na = \xc0\xaf\n", 0, "cfg:2: invalid UTF-8");
	parse_fails("[default]\na = \xed\xa0\x80\n", 0, "cfg:2: invalid UTF-8");
	parse_fails("\xef\xbb\xbf[default]\n", 0,
	            "cfg:1: the file starts with a byte order mark (save it as "
	            "UTF-8 without BOM)");
	/* Valid multi-byte text is kept as is. */
	parse_ok(&cfg, "[profile \xc3\xa9t\xc3\xa9]\nk = \xe2\x82\xac\n");
	assert_string_equal(val(&cfg, "\xc3\xa9t\xc3\xa9", "k"),
	                    "\xe2\x82\xac");
	awscfg_free(&cfg);

	big = xmalloc(AWSCFG_MAX_FILE + 1);
	memset(big, '#', AWSCFG_MAX_FILE + 1);
	awscfg_init(&cfg);
	assert_int_equal(
	    awscfg_parse(&cfg, CFG, big, AWSCFG_MAX_FILE + 1, 0, &e),
	    ST_CONFIG);
	assert_non_null(strstr(e.msg, "cfg: file too large"));
	/* Exactly the maximum is accepted (all comment). */
	assert_int_equal(awscfg_parse(&cfg, CFG, big, AWSCFG_MAX_FILE, 0, &e),
	                 ST_OK);
	assert_int_equal(cfg.nprofiles, 0);
	awscfg_free(&cfg);
	free(big);
}

static void
test_error_changes_nothing(void **state)
{
	struct awscfg cfg;
	struct err e;

	parse_ok(&cfg, "[default]\nregion = a\n");
	assert_int_equal(parse(&cfg, CRED,
	                       "[default]\nregion = b\n[new]\nk = 1\n[new]\n",
	                       1, &e),
	                 ST_CONFIG);
	assert_int_equal(cfg.nprofiles, 1);
	assert_string_equal(val(&cfg, "default", "region"), "a");
	assert_int_equal(
	    parse(&cfg, CFG, "[default]\nregion = c\n[services s]\nsts =\n x\n",
	          0, &e),
	    ST_CONFIG);
	assert_int_equal(cfg.nservices, 0);
	assert_string_equal(val(&cfg, "default", "region"), "a");
	awscfg_free(&cfg);
}

static void
test_parse_twice_keeps_paths(void **state)
{
	struct awscfg cfg;
	struct err e;
	const struct awscfg_kv *kv;

	parse_ok(&cfg, "[profile a]\nk = 1\n");
	assert_int_equal(parse(&cfg, "other", "[profile b]\nk = 2\n", 0, &e),
	                 ST_OK);
	kv = awscfg_get_kv(awscfg_profile(&cfg, "a"), "k");
	assert_string_equal(kv->file, CFG);
	assert_string_equal(awscfg_profile(&cfg, "a")->file, CFG);
	kv = awscfg_get_kv(awscfg_profile(&cfg, "b"), "k");
	assert_string_equal(kv->file, "other");
	assert_string_equal(cfg.config_path, "other");
	awscfg_free(&cfg);
}

/* Scratch directory for the load tests. */
struct scratch {
	char dir[256];
	char cfg[300];
	char cred[300];
};

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int
setup_scratch(void **state)
{
	struct scratch *s = xcalloc(1, sizeof *s);
	const char *tmp = getenv("TMPDIR");

	snprintf(s->dir, sizeof s->dir, "%s/test_awscfg.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	snprintf(s->cfg, sizeof s->cfg, "%s/config", s->dir);
	snprintf(s->cred, sizeof s->cred, "%s/credentials", s->dir);
	*state = s;
	return 0;
}

static int
teardown_scratch(void **state)
{
	struct scratch *s = *state;
	const char *names[] = {"config", "credentials", "dir",
	                       "big",    "loop",        "locked"};
	char path[400];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", s->dir, names[i]);
		if (strcmp(names[i], "dir") == 0)
			rmdir(path);
		else
			unlink(path);
	}
	if (rmdir(s->dir) != 0)
		return -1;
	free(s);
	return 0;
}

static void
test_load_missing(void **state)
{
	struct scratch *s = *state;
	struct awscfg cfg;
	struct err e;
	char path[400];

	awscfg_init(&cfg);
	err_clear(&e);
	assert_int_equal(awscfg_load(&cfg, s->cfg, s->cred, &e), ST_OK);
	assert_int_equal(cfg.nprofiles, 0);
	/* A missing directory on the way, and no paths at all. */
	snprintf(path, sizeof path, "%s/nodir/config", s->dir);
	assert_int_equal(awscfg_load(&cfg, path, NULL, &e), ST_OK);
	assert_int_equal(awscfg_load(&cfg, NULL, NULL, &e), ST_OK);
	/* Not a regular file: skipped as botocore does. */
	assert_int_equal(awscfg_load(&cfg, "/dev/null", "/dev/null", &e),
	                 ST_OK);
	assert_int_equal(cfg.nprofiles, 0);
	awscfg_free(&cfg);
}

static void
test_load_merge(void **state)
{
	struct scratch *s = *state;
	struct awscfg cfg;
	struct err e;
	const struct awscfg_kv *kv;

	write_file(s->cfg, "[profile dev]\nregion = us-east-1\n"
	                   "role_arn = arn:aws:iam::111122223333:role/r\n");
	write_file(s->cred, "[dev]\nregion = us-west-2\n"
	                    "aws_secret_access_key = fakeSecret\n");
	awscfg_init(&cfg);
	err_clear(&e);
	assert_int_equal(awscfg_load(&cfg, s->cfg, s->cred, &e), ST_OK);
	assert_string_equal(cfg.config_path, s->cfg);
	assert_string_equal(cfg.credentials_path, s->cred);
	assert_int_equal(cfg.nprofiles, 1);
	kv = awscfg_get_kv(awscfg_profile(&cfg, "dev"), "region");
	assert_string_equal(kv->value, "us-west-2");
	assert_string_equal(kv->file, s->cred);
	assert_int_equal(kv->line, 2);
	kv = awscfg_get_kv(awscfg_profile(&cfg, "dev"), "role_arn");
	assert_string_equal(kv->file, s->cfg);
	assert_int_equal(kv->line, 3);
	assert_string_equal(val(&cfg, "dev", "aws_secret_access_key"),
	                    "fakeSecret");
	awscfg_free(&cfg);
}

static void
test_load_errors(void **state)
{
	struct scratch *s = *state;
	struct awscfg cfg;
	struct err e;
	char path[400], want[600];
	FILE *f;

	/* A syntax error names the file that has it, and its line. */
	write_file(s->cfg, "[default]\nregion = a\n");
	write_file(s->cred, "[dev]\n# c\n\nkey without separator\n");
	awscfg_init(&cfg);
	assert_int_equal(awscfg_load(&cfg, s->cfg, s->cred, &e), ST_CONFIG);
	snprintf(want, sizeof want,
	         "%s:4: expected \"key = value\" or a [section] header",
	         s->cred);
	assert_string_equal(e.msg, want);
	awscfg_free(&cfg);

	/* A directory is an error, not a missing file. */
	snprintf(path, sizeof path, "%s/dir", s->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	awscfg_init(&cfg);
	assert_int_equal(awscfg_load(&cfg, path, NULL, &e), ST_IO);
	snprintf(want, sizeof want, "%s: %s", path, strerror(EISDIR));
	assert_string_equal(e.msg, want);
	awscfg_free(&cfg);

	/* Any other failure to open is an error too (here ELOOP). */
	snprintf(path, sizeof path, "%s/loop", s->dir);
	assert_int_equal(symlink("loop", path), 0);
	awscfg_init(&cfg);
	assert_int_equal(awscfg_load(&cfg, s->cfg, path, &e), ST_IO);
	snprintf(want, sizeof want, "%s: %s", path, strerror(ELOOP));
	assert_string_equal(e.msg, want);
	awscfg_free(&cfg);

	/* Larger than the limit. */
	snprintf(path, sizeof path, "%s/big", s->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fseek(f, AWSCFG_MAX_FILE, SEEK_SET), 0);
	assert_int_equal(fputc('\n', f), '\n');
	assert_int_equal(fclose(f), 0);
	awscfg_init(&cfg);
	assert_int_equal(awscfg_load(&cfg, path, NULL, &e), ST_CONFIG);
	snprintf(want, sizeof want, "%s: file too large (more than %u bytes)",
	         path, AWSCFG_MAX_FILE);
	assert_string_equal(e.msg, want);
	awscfg_free(&cfg);
}

static void
test_load_unreadable(void **state)
{
	struct scratch *s = *state;
	struct awscfg cfg;
	struct err e;
	char path[400], want[600];

	if (geteuid() == 0)
		skip(); /* root reads a mode 000 file */
	snprintf(path, sizeof path, "%s/locked", s->dir);
	write_file(path, "[default]\n");
	assert_int_equal(chmod(path, 0), 0);
	awscfg_init(&cfg);
	assert_int_equal(awscfg_load(&cfg, path, NULL, &e), ST_IO);
	snprintf(want, sizeof want, "%s: %s", path, strerror(EACCES));
	assert_string_equal(e.msg, want);
	awscfg_free(&cfg);
}

static void
test_load_fixture(void **state)
{
	const char *td = getenv("TESTDATA");
	char cfgp[512], credp[512];
	struct awscfg cfg;
	struct err e;
	const struct awscfg_section *p, *sv;
	const struct awscfg_kv *kv;

	if (td == NULL || *td == '\0')
		td = "tests/data";
	snprintf(cfgp, sizeof cfgp, "%s/awscfg/config", td);
	snprintf(credp, sizeof credp, "%s/awscfg/credentials", td);
	assert_int_equal(access(cfgp, R_OK), 0);
	awscfg_init(&cfg);
	err_clear(&e);
	assert_int_equal(awscfg_load(&cfg, cfgp, credp, &e), ST_OK);
	assert_int_equal(cfg.nprofiles, 4);
	assert_string_equal(cfg.profiles[0].name, "default");
	assert_string_equal(cfg.profiles[1].name, "irsa");
	assert_string_equal(cfg.profiles[2].name, "target-env");
	assert_string_equal(cfg.profiles[3].name, "static-only");
	p = awscfg_profile(&cfg, "target-env");
	assert_int_equal(p->line, 11);
	assert_string_equal(awscfg_get(p, "source_profile"), "irsa");
	assert_string_equal(awscfg_get(p, "region"), "eu-west-1   # Ireland");
	assert_string_equal(val(&cfg, "default", "aws_access_key_id"),
	                    "AKIAFAKEFAKEFAKE0001");
	assert_string_equal(val(&cfg, "default", "region"), "us-east-1");
	sv = awscfg_services(&cfg, awscfg_get(p, "services"));
	assert_non_null(sv);
	kv = awscfg_get_kv(sv, "eks");
	assert_int_equal(kv->nsub, 1);
	assert_string_equal(kv->sub[0].key, "endpoint_url");
	assert_string_equal(kv->sub[0].value, "http://127.0.0.1:5000");
	assert_int_equal(kv->sub[0].line, 21);
	assert_null(awscfg_profile(&cfg, "corp"));
	assert_null(awscfg_services(&cfg, "corp"));
	awscfg_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_profiles),
	    cmocka_unit_test(test_case),
	    cmocka_unit_test(test_separators_and_trimming),
	    cmocka_unit_test(test_comments),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_header_forms),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_default_twice),
	    cmocka_unit_test(test_profile_names),
	    cmocka_unit_test(test_services_and_other_sections),
	    cmocka_unit_test(test_nested_values),
	    cmocka_unit_test(test_continuation_lines),
	    cmocka_unit_test(test_defaults_section),
	    cmocka_unit_test(test_credentials_merge),
	    cmocka_unit_test(test_line_endings),
	    cmocka_unit_test(test_text_checks),
	    cmocka_unit_test(test_error_changes_nothing),
	    cmocka_unit_test(test_parse_twice_keeps_paths),
	    cmocka_unit_test_setup_teardown(test_load_missing, setup_scratch,
	                                    teardown_scratch),
	    cmocka_unit_test_setup_teardown(test_load_merge, setup_scratch,
	                                    teardown_scratch),
	    cmocka_unit_test_setup_teardown(test_load_errors, setup_scratch,
	                                    teardown_scratch),
	    cmocka_unit_test_setup_teardown(test_load_unreadable, setup_scratch,
	                                    teardown_scratch),
	    cmocka_unit_test(test_load_fixture),
	};

	return cmocka_run_group_tests_name("awscfg", tests, NULL, NULL);
}
