/*
 * test_provider - root credential sources: environment keys, the web
 * identity token file, JWT summaries, credential_process (splitting, JSON,
 * and real runs of small sh scripts), container credentials requests and
 * answers, and the IMDS base URL.
 *
 * Scratch files live in a mkdtemp() directory per test, removed after.
 * Every key and token here is fake.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "creds.h"
#include "envsnap.h"
#include "err.h"
#include "jsonutil.h"
#include "provider.h"
#include "timefmt.h"
#include "xalloc.h"

#define AKID "AKIAFAKEFAKEFAKE0001"
#define ASIA "ASIAFAKEFAKEFAKE0002"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY01"
#define TOKEN "IQoJb3JpZ2luX2VjFAKESESSIONTOKEN+/=="

/* 2024-03-09T12:00:00Z */
#define T_NOON ((time_t)1709985600)
/* 2023-11-14T22:13:20Z */
#define T_EXP ((time_t)1700000000)

/* ---- fixture: a scratch directory ---- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
setup_tmp(void **state)
{
	const char *base = getenv("TMPDIR");
	char *tmpl =
	    xasprintf("%s/test_provider.XXXXXX", base && *base ? base : "/tmp");

	assert_non_null(mkdtemp(tmpl));
	*state = tmpl;
	return 0;
}

static int
teardown_tmp(void **state)
{
	char *tmp = *state;

	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp);
	return 0;
}

/* Write len bytes to dir/name with mode; the path (caller frees). */
static char *
write_file_len(const char *dir, const char *name, const char *data, size_t len,
               mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static char *
write_file(const char *dir, const char *name, const char *text)
{
	return write_file_len(dir, name, text, strlen(text), 0600);
}

/* An envsnap of exactly the given variables. */
static void
env_of(struct envsnap *env, const char *const *vars)
{
	envsnap_from(env, vars);
}

/* ---- environment keys ---- */

static void
test_env_creds_keys(void **state)
{
	const char *const vars[] = {"AWS_ACCESS_KEY_ID=" AKID,
	                            "AWS_SECRET_ACCESS_KEY=" SECRET, NULL};
	struct envsnap env;
	struct creds c;
	struct err e;

	env_of(&env, vars);
	err_clear(&e);
	assert_int_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_string_equal(c.access_key_id, AKID);
	assert_string_equal(c.secret_access_key, SECRET);
	assert_null(c.session_token);
	assert_int_equal(c.expiration, 0);
	creds_done(&c);
	envsnap_free(&env);
}

static void
test_env_creds_token_order(void **state)
{
	const char *const vars[] = {
	    "AWS_ACCESS_KEY_ID=" ASIA,
	    "AWS_SECRET_ACCESS_KEY=" SECRET,
	    "AWS_SESSION_TOKEN=session-token-loses",
	    "AWS_SECURITY_TOKEN=" TOKEN,
	    "AWS_CREDENTIAL_EXPIRATION=2024-03-09T12:00:00Z",
	    NULL};
	struct envsnap env;
	struct creds c;
	struct err e;

	env_of(&env, vars);
	err_clear(&e);
	assert_int_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_string_equal(c.session_token, TOKEN);
	assert_int_equal(c.expiration, T_NOON);
	creds_done(&c);

	/* Without AWS_SECURITY_TOKEN (or with it empty) the session one. */
	envsnap_set(&env, "AWS_SECURITY_TOKEN", "");
	assert_int_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_string_equal(c.session_token, "session-token-loses");
	creds_done(&c);
	envsnap_unset(&env, "AWS_SECURITY_TOKEN");
	assert_int_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_string_equal(c.session_token, "session-token-loses");
	creds_done(&c);

	/* A bad expiration is an error naming the variable. */
	envsnap_set(&env, "AWS_CREDENTIAL_EXPIRATION", "tomorrow");
	assert_int_equal(provider_env_creds(&env, &c, &e), ST_CONFIG);
	assert_non_null(strstr(e.msg, "AWS_CREDENTIAL_EXPIRATION"));
	assert_null(strstr(e.msg, SECRET));
	assert_null(strstr(e.msg, "session-token-loses"));
	envsnap_free(&env);
}

static void
test_env_creds_missing(void **state)
{
	const char *const only_key[] = {"AWS_ACCESS_KEY_ID=" AKID,
	                                "AWS_SESSION_TOKEN=" TOKEN, NULL};
	const char *const only_secret[] = {"AWS_SECRET_ACCESS_KEY=" SECRET,
	                                   NULL};
	const char *const empty_secret[] = {"AWS_ACCESS_KEY_ID=" AKID,
	                                    "AWS_SECRET_ACCESS_KEY=", NULL};
	const char *const nothing[] = {"HOME=/home/u", NULL};
	struct envsnap env;
	struct creds c;
	struct err e;

	env_of(&env, only_key);
	err_clear(&e);
	assert_int_not_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_non_null(strstr(e.msg, "AWS_SECRET_ACCESS_KEY"));
	assert_null(strstr(e.msg, TOKEN));
	envsnap_free(&env);

	env_of(&env, empty_secret);
	assert_int_not_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_non_null(strstr(e.msg, "AWS_SECRET_ACCESS_KEY"));
	envsnap_free(&env);

	env_of(&env, only_secret);
	err_clear(&e);
	assert_int_not_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_non_null(strstr(e.msg, "AWS_ACCESS_KEY_ID"));
	assert_null(strstr(e.msg, SECRET));
	envsnap_free(&env);

	env_of(&env, nothing);
	err_clear(&e);
	assert_int_not_equal(provider_env_creds(&env, &c, &e), ST_OK);
	assert_int_not_equal(e.status, ST_OK);
	assert_true(e.msg[0] != '\0');
	envsnap_free(&env);
}

/* ---- web identity token file ---- */

static void
test_token_file_ok(void **state)
{
	const char *dir = *state;
	char *path = write_file(dir, "token",
	                        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln \n"
	                        "\t \n");
	char *tok = NULL;
	struct err e;

	err_clear(&e);
	assert_int_equal(provider_read_token_file(path, &tok, &e), ST_OK);
	assert_string_equal(tok, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
	secret_free_str(tok);

	/* Re-read: a rotated token is seen. */
	free(path);
	path = write_file(dir, "token", "rotated-token");
	assert_int_equal(provider_read_token_file(path, &tok, &e), ST_OK);
	assert_string_equal(tok, "rotated-token");
	secret_free_str(tok);
	free(path);
}

static void
test_token_file_missing(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/no-such-token", dir);
	static char sentinel[] = "sentinel";
	char *tok = sentinel;
	struct err e;

	err_clear(&e);
	assert_int_equal(provider_read_token_file(path, &tok, &e), ST_CONFIG);
	assert_null(tok);
	assert_int_equal(e.status, ST_CONFIG);
	assert_non_null(strstr(e.msg, path));
	free(path);
}

static void
test_token_file_empty(void **state)
{
	const char *dir = *state;
	char *empty = write_file(dir, "empty", "");
	char *blank = write_file(dir, "blank", " \n\t\r\n  ");
	char *tok = NULL;
	struct err e;

	err_clear(&e);
	assert_int_not_equal(provider_read_token_file(empty, &tok, &e), ST_OK);
	assert_null(tok);
	assert_non_null(strstr(e.msg, empty));
	err_clear(&e);
	assert_int_not_equal(provider_read_token_file(blank, &tok, &e), ST_OK);
	assert_null(tok);
	assert_non_null(strstr(e.msg, blank));
	free(empty);
	free(blank);
}

static void
test_token_file_not_regular(void **state)
{
	const char *dir = *state;
	char *tok = NULL;
	struct err e;

	err_clear(&e);
	assert_int_not_equal(provider_read_token_file(dir, &tok, &e), ST_OK);
	assert_null(tok);
	assert_non_null(strstr(e.msg, dir));
}

static void
test_token_file_too_large(void **state)
{
	const char *dir = *state;
	size_t n = PROVIDER_MAX_TOKEN + 1;
	char *data = xmalloc(n);
	char *path, *tok = NULL;
	struct err e;

	memset(data, 'A', n);
	memcpy(data, "SECRETMARK", 10);
	path = write_file_len(dir, "big", data, n, 0600);
	err_clear(&e);
	assert_int_not_equal(provider_read_token_file(path, &tok, &e), ST_OK);
	assert_null(tok);
	assert_non_null(strstr(e.msg, path));
	assert_null(strstr(e.msg, "SECRETMARK"));
	assert_null(strstr(e.msg, "AAAAAAAA"));
	free(path);

	/* Exactly the maximum is accepted. */
	path = write_file_len(dir, "max", data, n - 1, 0600);
	assert_int_equal(provider_read_token_file(path, &tok, &e), ST_OK);
	assert_int_equal(strlen(tok), PROVIDER_MAX_TOKEN);
	secret_free_str(tok);
	free(path);
	free(data);
}

static void
test_token_file_secret_not_in_errors(void **state)
{
	const char *dir = *state;
	char *path;
	char *tok = NULL;
	struct err e;
	const char nul_token[] = "eyJTOKENSECRET\0tail";

	/* Not text: a NUL inside. */
	path =
	    write_file_len(dir, "nul", nul_token, sizeof nul_token - 1, 0600);
	err_clear(&e);
	assert_int_not_equal(provider_read_token_file(path, &tok, &e), ST_OK);
	assert_null(tok);
	assert_non_null(strstr(e.msg, path));
	assert_null(strstr(e.msg, "eyJTOKENSECRET"));
	assert_null(strstr(e.hint, "eyJTOKENSECRET"));
	free(path);

	/* Unreadable (skipped as root, who reads anything). */
	if (geteuid() != 0) {
		path = write_file_len(dir, "locked", "eyJTOKENSECRET", 14, 0);
		err_clear(&e);
		assert_int_not_equal(provider_read_token_file(path, &tok, &e),
		                     ST_OK);
		assert_null(tok);
		assert_non_null(strstr(e.msg, path));
		assert_null(strstr(e.msg, "eyJTOKENSECRET"));
		free(path);
	}
}

/* ---- JWT summary ---- */

/* header.payload.signature with the payload's JSON claims. */
static char *
make_jwt(const char *claims)
{
	const char *header = "{\"alg\":\"RS256\",\"kid\":\"fake\"}";
	char *h = b64_encode(header, strlen(header), true);
	char *p = b64_encode(claims, strlen(claims), true);
	char *jwt = xasprintf("%s.%s.ZmFrZXNpZ25hdHVyZQ", h, p);

	free(h);
	free(p);
	return jwt;
}

static void
test_jwt_summary(void **state)
{
	char *jwt = make_jwt("{\"iss\":\"https://oidc.example\",\"sub\":"
	                     "\"system:serviceaccount:ci:runner\",\"aud\":"
	                     "\"sts.amazonaws.com\",\"exp\":1700000000}");
	char *s;

	s = provider_jwt_summary(jwt, T_EXP - 100);
	assert_non_null(s);
	assert_non_null(strstr(s, "sub system:serviceaccount:ci:runner"));
	assert_non_null(strstr(s, "aud sts.amazonaws.com"));
	assert_non_null(strstr(s, "exp 2023-11-14T22:13:20Z"));
	assert_null(strstr(s, "expired"));
	free(s);

	s = provider_jwt_summary(jwt, T_EXP + 3600);
	assert_non_null(s);
	assert_non_null(strstr(s, "2023-11-14T22:13:20Z"));
	assert_non_null(strstr(s, "expired"));
	free(s);
	free(jwt);
}

static void
test_jwt_summary_aud_array(void **state)
{
	char *jwt = make_jwt("{\"sub\":\"repo:org/app:ref:refs/heads/main\","
	                     "\"aud\":[\"sts.amazonaws.com\",\"other-aud\"]}");
	char *s = provider_jwt_summary(jwt, T_NOON);

	assert_non_null(s);
	assert_non_null(strstr(s, "sub repo:org/app:ref:refs/heads/main"));
	assert_non_null(strstr(s, "sts.amazonaws.com"));
	assert_non_null(strstr(s, "other-aud"));
	assert_null(strstr(s, "exp"));
	free(s);
	free(jwt);
}

/* Found by fuzz_jwt: an exp past what time_t holds was cast (UB), and
 * one past year 9999 printed an undefined buffer. */
static void
test_jwt_summary_huge_exp(void **state)
{
	char *huge = make_jwt("{\"sub\":\"a\",\"exp\":2.35e87}");
	char *far = make_jwt("{\"sub\":\"a\",\"exp\":5e11}");
	char *s;

	s = provider_jwt_summary(huge, T_NOON);
	assert_non_null(s);
	assert_string_equal(s, "sub a");
	free(s);
	s = provider_jwt_summary(far, T_NOON);
	assert_non_null(s);
	assert_string_equal(s, "sub a, exp (out of range)");
	free(s);
	free(huge);
	free(far);
}

static void
test_jwt_summary_not_jwt(void **state)
{
	char *not_json = b64_encode("not json", 8, true);
	char *jwt = xasprintf("eyJhbGciOiJub25lIn0.%s.sig", not_json);
	char *arr = make_jwt("[1,2,3]");

	assert_null(provider_jwt_summary("", T_NOON));
	assert_null(provider_jwt_summary("plain-opaque-token", T_NOON));
	assert_null(provider_jwt_summary("only.one-dot", T_NOON));
	assert_null(provider_jwt_summary("a.!!!***.c", T_NOON));
	assert_null(provider_jwt_summary(jwt, T_NOON));
	assert_null(provider_jwt_summary(arr, T_NOON));
	free(not_json);
	free(jwt);
	free(arr);
}

/* ---- command splitting ---- */

/* Split line and compare with the expected words (NULL-terminated). */
static void
expect_split(const char *line, const char *const *words)
{
	char **argv = provider_split_command(line);
	size_t i;

	if (argv == NULL)
		fail_msg("'%s' was not split", line);
	for (i = 0; words[i]; i++) {
		if (argv[i] == NULL)
			fail_msg("'%s': word %zu missing", line, i);
		assert_string_equal(argv[i], words[i]);
	}
	if (argv[i] != NULL)
		fail_msg("'%s': extra word '%s'", line, argv[i]);
	provider_argv_free(argv);
}

static void
test_split_command(void **state)
{
	const char *const plain[] = {"aws-vault", "export", "--format=json",
	                             "prod", NULL};
	const char *const single[] = {"helper", "a b", "$HOME \\n \"x\"", NULL};
	const char *const dbl[] = {"helper", "say \"hi\" \\ $ ` \\n", NULL};
	const char *const bs[] = {"helper", "a b", "c'd", "e", NULL};
	const char *const glued[] = {"helper", "--opt=a bcd", NULL};
	const char *const empty_word[] = {"helper", "", "x", NULL};
	const char *const none[] = {NULL};

	expect_split("aws-vault export --format=json prod", plain);
	expect_split("   aws-vault  export\t--format=json   prod  ", plain);
	expect_split("helper 'a b' '$HOME \\n \"x\"'", single);
	expect_split("helper \"say \\\"hi\\\" \\\\ \\$ \\` \\n\"", dbl);
	expect_split("helper a\\ b c\\'d e", bs);
	expect_split("helper --opt=\"a b\"'c'd", glued);
	expect_split("helper '' x", empty_word);
	expect_split("", none);
	expect_split("   \t ", none);
}

static void
test_split_command_unbalanced(void **state)
{
	static const char *const bad[] = {
	    "helper 'unterminated",
	    "helper \"unterminated",
	    "helper \"a\\\"",
	    "helper trailing\\",
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char **argv = provider_split_command(bad[i]);

		if (argv != NULL) {
			provider_argv_free(argv);
			fail_msg("split '%s'", bad[i]);
		}
	}
	provider_argv_free(NULL);
}

/* ---- credential_process JSON ---- */

static enum status
parse_process(const char *json, struct creds *c, struct err *e)
{
	err_clear(e);
	return provider_parse_process_json(json, strlen(json), c, e);
}

static void
test_process_json_full(void **state)
{
	struct creds c;
	struct err e;

	assert_int_equal(
	    parse_process("{\"Version\": 1, \"AccessKeyId\": \"" ASIA
	                  "\", \"SecretAccessKey\": \"" SECRET
	                  "\", \"SessionToken\": \"" TOKEN
	                  "\", \"Expiration\": "
	                  "\"2024-03-09T12:00:00Z\"}",
	                  &c, &e),
	    ST_OK);
	assert_string_equal(c.access_key_id, ASIA);
	assert_string_equal(c.secret_access_key, SECRET);
	assert_string_equal(c.session_token, TOKEN);
	assert_int_equal(c.expiration, T_NOON);
	creds_done(&c);

	/* Optional members absent: long-lived keys. */
	assert_int_equal(parse_process("{\"Version\":1,\"AccessKeyId\":\"" AKID
	                               "\",\"SecretAccessKey\":\"" SECRET "\"}",
	                               &c, &e),
	                 ST_OK);
	assert_string_equal(c.access_key_id, AKID);
	assert_null(c.session_token);
	assert_int_equal(c.expiration, 0);
	creds_done(&c);

	/* Expiration as an epoch number. */
	assert_int_equal(parse_process("{\"Version\":1,\"AccessKeyId\":\"" AKID
	                               "\",\"SecretAccessKey\":\"" SECRET
	                               "\",\"Expiration\":1700000000}",
	                               &c, &e),
	                 ST_OK);
	assert_int_equal(c.expiration, T_EXP);
	creds_done(&c);
	assert_int_equal(parse_process("{\"Version\":1,\"AccessKeyId\":\"" AKID
	                               "\",\"SecretAccessKey\":\"" SECRET
	                               "\",\"Expiration\":\"1700000000\"}",
	                               &c, &e),
	                 ST_OK);
	assert_int_equal(c.expiration, T_EXP);
	creds_done(&c);
}

static void
test_process_json_version(void **state)
{
	static const char *const bad[] = {
	    "{\"AccessKeyId\":\"" AKID "\",\"SecretAccessKey\":\"" SECRET "\"}",
	    "{\"Version\":2,\"AccessKeyId\":\"" AKID
	    "\",\"SecretAccessKey\":\"" SECRET "\"}",
	    "{\"Version\":\"1\",\"AccessKeyId\":\"" AKID
	    "\",\"SecretAccessKey\":\"" SECRET "\"}",
	    "{\"Version\":null,\"AccessKeyId\":\"" AKID
	    "\",\"SecretAccessKey\":\"" SECRET "\"}",
	};
	struct creds c;
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(parse_process(bad[i], &c, &e), ST_PARSE);
		assert_non_null(strstr(e.msg, "Version"));
		assert_null(strstr(e.msg, SECRET));
		assert_null(c.access_key_id);
		assert_null(c.secret_access_key);
	}
}

static void
test_process_json_required(void **state)
{
	static const char *const bad[] = {
	    "{\"Version\":1,\"SecretAccessKey\":\"" SECRET "\"}",
	    "{\"Version\":1,\"AccessKeyId\":\"" AKID "\"}",
	    "{\"Version\":1,\"AccessKeyId\":\"\",\"SecretAccessKey\":\"" SECRET
	    "\"}",
	    "{\"Version\":1,\"AccessKeyId\":5,\"SecretAccessKey\":\"" SECRET
	    "\"}",
	    "{\"Version\":1,\"AccessKeyId\":\"" AKID
	    "\",\"SecretAccessKey\":\"" SECRET "\",\"Expiration\":\"soon\"}",
	    "not json at all " SECRET,
	    "[1]",
	    "",
	};
	struct creds c;
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (parse_process(bad[i], &c, &e) != ST_PARSE)
			fail_msg("accepted '%s'", bad[i]);
		assert_null(strstr(e.msg, SECRET));
		assert_null(c.access_key_id);
	}
}

/* ---- credential_process runs ---- */

/* A PATH with dir first, then the system directories. */
static void
env_with_path(struct envsnap *env, const char *dir)
{
	char *path = xasprintf("PATH=%s:/usr/bin:/bin", dir);
	const char *const vars[] = {path, "FAKE_SECRET=" SECRET, NULL};

	envsnap_from(env, vars);
	free(path);
}

static char *
write_script(const char *dir, const char *name, const char *body)
{
	char *text = xasprintf("#!/bin/sh\n%s", body);
	char *path = write_file_len(dir, name, text, strlen(text), 0700);

	free(text);
	return path;
}

static void
test_process_run_ok(void **state)
{
	const char *dir = *state;
	char *script = write_script(
	    dir, "rh-cred-helper",
	    "printf '{\"Version\": 1, \"AccessKeyId\": \"%s\", "
	    "\"SecretAccessKey\": \"%s\", \"SessionToken\": \"tok-%s\", "
	    "\"Expiration\": \"2024-03-09T12:00:00Z\"}\\n' "
	    "\"$1\" \"$FAKE_SECRET\" \"$2\"\n");
	char *cmd;
	struct envsnap env;
	struct creds c;
	struct err e;

	env_with_path(&env, dir);
	err_clear(&e);
	/* The second word arrives as one argument, spaces and all. */
	if (provider_process("rh-cred-helper " ASIA " 'a b'", &env, &c, &e) !=
	    ST_OK)
		fail_msg("%s", e.msg);
	assert_string_equal(c.access_key_id, ASIA);
	assert_string_equal(c.secret_access_key, SECRET);
	assert_string_equal(c.session_token, "tok-a b");
	assert_int_equal(c.expiration, T_NOON);
	creds_done(&c);

	/* An absolute path works without PATH. */
	envsnap_unset(&env, "PATH");
	cmd = xasprintf("'%s' " AKID " x", script);
	if (provider_process(cmd, &env, &c, &e) != ST_OK)
		fail_msg("%s", e.msg);
	assert_string_equal(c.access_key_id, AKID);
	assert_string_equal(c.session_token, "tok-x");
	creds_done(&c);
	free(cmd);
	envsnap_free(&env);
	free(script);
}

static void
test_process_run_exit_status(void **state)
{
	const char *dir = *state;
	char *script =
	    write_script(dir, "rh-failing",
	                 "echo 'first line of noise' >&2\n"
	                 "echo 'SSO session expired: run aws sso login' >&2\n"
	                 "echo '{\"Version\": 1}'\n"
	                 "exit 3\n");
	struct envsnap env;
	struct creds c;
	struct err e;

	env_with_path(&env, dir);
	err_clear(&e);
	assert_int_not_equal(provider_process("rh-failing", &env, &c, &e),
	                     ST_OK);
	assert_non_null(strstr(e.msg, "exit status 3"));
	assert_non_null(
	    strstr(e.msg, "SSO session expired: run aws sso login"));
	assert_null(strstr(e.msg, "first line of noise"));
	assert_null(strchr(e.msg, '\n'));
	assert_non_null(strstr(e.msg, "rh-failing"));
	envsnap_free(&env);
	free(script);
}

static void
test_process_run_garbage(void **state)
{
	const char *dir = *state;
	char *script =
	    write_script(dir, "rh-garbage", "echo 'this is not JSON'\n");
	struct envsnap env;
	struct creds c;
	struct err e;

	env_with_path(&env, dir);
	err_clear(&e);
	assert_int_equal(provider_process("rh-garbage", &env, &c, &e),
	                 ST_PARSE);
	assert_int_equal(e.status, ST_PARSE);
	envsnap_free(&env);
	free(script);
}

static void
test_process_run_not_found(void **state)
{
	const char *dir = *state;
	struct envsnap env;
	struct creds c;
	struct err e;

	env_with_path(&env, dir);
	err_clear(&e);
	assert_int_not_equal(
	    provider_process("rh-no-such-helper --profile x", &env, &c, &e),
	    ST_OK);
	assert_non_null(strstr(e.msg, "command not found"));
	assert_non_null(strstr(e.msg, "rh-no-such-helper"));

	/* A file that is not executable is not a command. */
	free(write_file(dir, "rh-not-exec", "#!/bin/sh\nexit 0\n"));
	err_clear(&e);
	assert_int_not_equal(provider_process("rh-not-exec", &env, &c, &e),
	                     ST_OK);
	assert_non_null(strstr(e.msg, "command not found"));

	/* Unsplittable and empty command lines. */
	err_clear(&e);
	assert_int_not_equal(provider_process("helper 'oops", &env, &c, &e),
	                     ST_OK);
	assert_int_not_equal(e.status, ST_OK);
	err_clear(&e);
	assert_int_not_equal(provider_process("   ", &env, &c, &e), ST_OK);
	assert_int_not_equal(e.status, ST_OK);
	envsnap_free(&env);
}

/* ---- container credentials ---- */

static enum status
container(const char *const *vars, char **url, char **auth, struct err *e)
{
	struct envsnap env;
	enum status st;

	envsnap_from(&env, vars);
	err_clear(e);
	st = provider_container_request(&env, url, auth, e);
	envsnap_free(&env);
	return st;
}

static void
test_container_urls(void **state)
{
	static const char *const ok[][2] = {
	    {"https://creds.example.com/v1/x",
	     "https://creds.example.com/v1/x"},
	    {"http://127.0.0.1:9/x", "http://127.0.0.1:9/x"},
	    {"http://127.1.2.3/x", "http://127.1.2.3/x"},
	    {"http://169.254.170.23/v1/credentials",
	     "http://169.254.170.23/v1/credentials"},
	    {"http://169.254.170.2/creds", "http://169.254.170.2/creds"},
	    {"http://[fd00:ec2::23]/v1/credentials",
	     "http://[fd00:ec2::23]/v1/credentials"},
	    {"http://localhost:8080/creds", "http://localhost:8080/creds"},
	    {"http://[::1]:8080/creds", "http://[::1]:8080/creds"},
	};
	static const char *const bad[] = {
	    "http://example.com",
	    "http://example.com/v1/credentials",
	    "http://169.254.170.24/x",
	    "http://169.254.170.2.evil.example/x",
	    "http://127.0.0.1@evil.example/x",
	    "http://127.evil.example/x",
	    "http://localhost.evil.example/x",
	    "http://[::1].evil/x",
	    "ftp://127.0.0.1/x",
	    "file:///etc/passwd",
	};
	char *url, *auth;
	struct err e;

	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		char *var = xasprintf("AWS_CONTAINER_CREDENTIALS_FULL_URI=%s",
		                      ok[i][0]);
		const char *const vars[] = {var, NULL};

		if (container(vars, &url, &auth, &e) != ST_OK)
			fail_msg("refused %s: %s", ok[i][0], e.msg);
		assert_string_equal(url, ok[i][1]);
		assert_null(auth);
		free(url);
		free(var);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *var =
		    xasprintf("AWS_CONTAINER_CREDENTIALS_FULL_URI=%s", bad[i]);
		const char *const vars[] = {var, NULL};

		if (container(vars, &url, &auth, &e) == ST_OK)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(e.status, ST_CONFIG);
		assert_null(url);
		assert_null(auth);
		free(var);
	}
}

static void
test_container_relative(void **state)
{
	const char *const rel[] = {
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/abc-123",
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI=https://ignored.example/x",
	    NULL};
	const char *const none[] = {"HOME=/home/u", NULL};
	char *url, *auth;
	struct err e;

	assert_int_equal(container(rel, &url, &auth, &e), ST_OK);
	assert_string_equal(url, "http://169.254.170.2/v2/credentials/abc-123");
	assert_null(auth);
	free(url);

	assert_int_equal(container(none, &url, &auth, &e), ST_CONFIG);
	assert_null(url);
	assert_null(auth);
	assert_non_null(strstr(e.msg, "AWS_CONTAINER_CREDENTIALS"));
}

static void
test_container_token_file(void **state)
{
	const char *dir = *state;
	char *path = write_file(dir, "pod-token", "pod-token-one");
	char *tfile =
	    xasprintf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s", path);
	const char *const vars[] = {
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI="
	    "http://169.254.170.23/v1/credentials",
	    tfile, "AWS_CONTAINER_AUTHORIZATION_TOKEN=env-token-loses", NULL};
	char *url, *auth;
	struct err e;

	assert_int_equal(container(vars, &url, &auth, &e), ST_OK);
	assert_string_equal(url, "http://169.254.170.23/v1/credentials");
	assert_string_equal(auth, "pod-token-one");
	free(url);
	secret_free_str(auth);

	/* The file is read again on every call. */
	free(write_file(dir, "pod-token", "pod-token-two"));
	assert_int_equal(container(vars, &url, &auth, &e), ST_OK);
	assert_string_equal(auth, "pod-token-two");
	free(url);
	secret_free_str(auth);

	/* The raw content is used: a trailing newline is refused, not
	 * stripped, and the token is not repeated in the message. */
	free(write_file(dir, "pod-token", "pod-token-three\n"));
	assert_int_equal(container(vars, &url, &auth, &e), ST_CONFIG);
	assert_null(url);
	assert_null(auth);
	assert_null(strstr(e.msg, "pod-token-three"));

	/* A missing file is an error naming it. */
	assert_int_equal(unlink(path), 0);
	assert_int_not_equal(container(vars, &url, &auth, &e), ST_OK);
	assert_null(url);
	assert_null(auth);
	assert_non_null(strstr(e.msg, path));
	free(tfile);
	free(path);
}

static void
test_container_token_env(void **state)
{
	const char *const vars[] = {
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:8080/creds",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN=Bearer env-token", NULL};
	const char *const crlf[] = {
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:8080/creds",
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN=env-token\r\nX-Evil: 1", NULL};
	const char *const lf[] = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/x",
	                          "AWS_CONTAINER_AUTHORIZATION_TOKEN=abc\ndef",
	                          NULL};
	char *url, *auth;
	struct err e;

	assert_int_equal(container(vars, &url, &auth, &e), ST_OK);
	assert_string_equal(auth, "Bearer env-token");
	free(url);
	secret_free_str(auth);

	assert_int_equal(container(crlf, &url, &auth, &e), ST_CONFIG);
	assert_null(url);
	assert_null(auth);
	assert_null(strstr(e.msg, "env-token"));
	assert_int_equal(container(lf, &url, &auth, &e), ST_CONFIG);
	assert_null(url);
	assert_null(auth);
	assert_null(strstr(e.msg, "abc"));
}

static void
test_container_json(void **state)
{
	const char *pod =
	    "{\"AccessKeyId\":\"" ASIA "\",\"SecretAccessKey\":\"" SECRET
	    "\",\"Token\":\"" TOKEN
	    "\",\"AccountId\":\"123456789012\",\"Expiration\":"
	    "\"2026-11-28T14:23:17.123456789Z\"}";
	const char *no_token =
	    "{\"AccessKeyId\":\"" AKID "\",\"SecretAccessKey\":\"" SECRET "\"}";
	const char *ecs =
	    "{\"RoleArn\":\"arn:aws:iam::123456789012:role/t\","
	    "\"AccessKeyId\":\"" ASIA "\",\"SecretAccessKey\":\"" SECRET
	    "\",\"Token\":\"" TOKEN
	    "\",\"Expiration\":\"2024-03-09T14:00:00+02:00\"}";
	struct creds c;
	struct err e;

	err_clear(&e);
	assert_int_equal(
	    provider_parse_container_json(pod, strlen(pod), &c, &e), ST_OK);
	assert_string_equal(c.access_key_id, ASIA);
	assert_string_equal(c.secret_access_key, SECRET);
	assert_string_equal(c.session_token, TOKEN);
	assert_string_equal(c.account, "123456789012");
	assert_int_equal(c.expiration, (time_t)1795875797);
	creds_done(&c);

	assert_int_equal(
	    provider_parse_container_json(ecs, strlen(ecs), &c, &e), ST_OK);
	assert_string_equal(c.session_token, TOKEN);
	assert_int_equal(c.expiration, T_NOON);
	creds_done(&c);

	assert_int_equal(
	    provider_parse_container_json(no_token, strlen(no_token), &c, &e),
	    ST_OK);
	assert_null(c.session_token);
	creds_done(&c);

	/* No Version needed here, but keys are; the length is honoured. */
	assert_int_equal(
	    provider_parse_container_json("{\"Token\":\"x\"}", 13, &c, &e),
	    ST_PARSE);
	assert_int_equal(provider_parse_container_json(pod, 20, &c, &e),
	                 ST_PARSE);
	assert_null(strstr(e.msg, SECRET));
	assert_int_equal(provider_parse_container_json("Forbidden", 9, &c, &e),
	                 ST_PARSE);

	/* Found by fuzz_container: a numeric Expiration out of time_t's
	 * range was cast (UB); it is refused like a bad string. */
	{
		const char *huge = "{\"AccessKeyId\":\"" AKID
		                   "\",\"SecretAccessKey\":\"" SECRET
		                   "\",\"Expiration\":1e999}";
		const char *epoch = "{\"AccessKeyId\":\"" AKID
		                    "\",\"SecretAccessKey\":\"" SECRET
		                    "\",\"Expiration\":1700000000}";

		assert_int_equal(
		    provider_parse_container_json(huge, strlen(huge), &c, &e),
		    ST_PARSE);
		assert_non_null(strstr(e.msg, "Expiration"));
		assert_null(c.access_key_id);
		assert_int_equal(
		    provider_parse_container_json(epoch, strlen(epoch), &c, &e),
		    ST_OK);
		assert_int_equal(c.expiration, (time_t)1700000000);
		creds_done(&c);
	}
}

/* ---- IMDS ---- */

static void
test_imds_base(void **state)
{
	const char *const none[] = {NULL};
	const char *const over[] = {
	    "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://[fd00:ec2::254]//",
	    "AWS_EC2_METADATA_DISABLED=false", NULL};
	const char *const off[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	const char *const off_upper[] = {
	    "AWS_EC2_METADATA_DISABLED=TRUE",
	    "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:1338", NULL};
	struct envsnap env;
	struct err e;
	char *base;

	envsnap_from(&env, none);
	err_clear(&e);
	base = provider_imds_base(&env, &e);
	assert_string_equal(base, "http://169.254.169.254");
	free(base);
	envsnap_free(&env);

	envsnap_from(&env, over);
	base = provider_imds_base(&env, &e);
	assert_string_equal(base, "http://[fd00:ec2::254]");
	free(base);
	envsnap_free(&env);

	envsnap_from(&env, off);
	err_clear(&e);
	assert_null(provider_imds_base(&env, &e));
	assert_int_not_equal(e.status, ST_OK);
	assert_non_null(strstr(e.msg, "AWS_EC2_METADATA_DISABLED"));
	envsnap_free(&env);

	envsnap_from(&env, off_upper);
	err_clear(&e);
	assert_null(provider_imds_base(&env, &e));
	assert_int_not_equal(e.status, ST_OK);
	envsnap_free(&env);
}

#define TMP_TEST(f) cmocka_unit_test_setup_teardown(f, setup_tmp, teardown_tmp)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_creds_keys),
	    cmocka_unit_test(test_env_creds_token_order),
	    cmocka_unit_test(test_env_creds_missing),
	    TMP_TEST(test_token_file_ok),
	    TMP_TEST(test_token_file_missing),
	    TMP_TEST(test_token_file_empty),
	    TMP_TEST(test_token_file_not_regular),
	    TMP_TEST(test_token_file_too_large),
	    TMP_TEST(test_token_file_secret_not_in_errors),
	    cmocka_unit_test(test_jwt_summary),
	    cmocka_unit_test(test_jwt_summary_aud_array),
	    cmocka_unit_test(test_jwt_summary_huge_exp),
	    cmocka_unit_test(test_jwt_summary_not_jwt),
	    cmocka_unit_test(test_split_command),
	    cmocka_unit_test(test_split_command_unbalanced),
	    cmocka_unit_test(test_process_json_full),
	    cmocka_unit_test(test_process_json_version),
	    cmocka_unit_test(test_process_json_required),
	    TMP_TEST(test_process_run_ok),
	    TMP_TEST(test_process_run_exit_status),
	    TMP_TEST(test_process_run_garbage),
	    TMP_TEST(test_process_run_not_found),
	    cmocka_unit_test(test_container_urls),
	    cmocka_unit_test(test_container_relative),
	    TMP_TEST(test_container_token_file),
	    cmocka_unit_test(test_container_token_env),
	    cmocka_unit_test(test_container_json),
	    cmocka_unit_test(test_imds_base),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
