/*
 * test_spawn - the child's environment, running programs (exit status,
 * signals, argv and environment passed verbatim), and shell quoting
 * (shquote), checked both as text and by having /bin/sh (and fish, when
 * installed) read the quoted values back.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shquote.h"
#include "spawn.h"
#include "xalloc.h"

/* 2027-01-15T08:00:00Z */
#define T0 ((time_t)1800000000)

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
	    xasprintf("%s/test_spawn.XXXXXX", base && *base ? base : "/tmp");

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

/* Whole contents of path (caller frees); *len gets its length. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	data = xmalloc((size_t)st.st_size + 1);
	assert_int_equal(read(fd, data, (size_t)st.st_size), st.st_size);
	data[st.st_size] = '\0';
	close(fd);
	if (len)
		*len = (size_t)st.st_size;
	return data;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* spawn_run() with the child's stdout sent to the file out. */
static int
run_to_file(const char *const *argv, const struct envsnap *env, const char *out,
            struct err *e)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int saved, rc;

	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 1), 1);
	close(fd);
	rc = spawn_run(argv, env, e);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

/* ---- spawn_env_apply_creds ---- */

static const char *const foreign_env[] = {
    "HOME=/home/op",
    "PATH=/usr/bin:/bin",
    "AWS_CONFIG_FILE=/home/op/.aws/config",
    "AWS_PROFILE=old",
    "AWS_DEFAULT_PROFILE=old",
    "AWS_ACCESS_KEY_ID=AKIAFAKEFAKEOLD00001",
    "AWS_SECRET_ACCESS_KEY=OLDFAKESECRET",
    "AWS_SECURITY_TOKEN=OLDFAKETOKEN",
    "AWS_SESSION_TOKEN=OLDFAKETOKEN",
    "AWS_ROLE_ARN=arn:aws:iam::111111111111:role/old",
    "AWS_ROLE_SESSION_NAME=old",
    "AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/token",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/creds",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN=FAKE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/pod",
    "AWS_CREDENTIAL_FILE=/old",
    "AWS_SDK_LOAD_CONFIG=1",
    "AWS_SESSION_EXPIRATION=2020-01-01T00:00:00Z",
    "AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z",
    "AWS_VAULT=old",
    "GRANTED_SSO=true",
    "GRANTED_X=1",
    "AWSUME_PROFILE=old",
    "AWSUME_X=1",
    "AWS_SSO_ACCOUNT_ID=111111111111",
    "AWS_SSO_X=1",
    "AWS_REGION=eu-west-1",
    "AWS_DEFAULT_REGION=eu-west-1",
    "ROLEHOP_TARGET=outer",
    "ROLEHOP_ACCOUNT=111111111111",
    "KUBECONFIG=/home/op/.kube/config",
    "MY_GRANTED_X=kept",
    "XAWS_PROFILE=kept",
    NULL,
};

static const char *const removed_names[] = {
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CREDENTIAL_FILE",
    "AWS_SDK_LOAD_CONFIG",
    "AWS_SESSION_EXPIRATION",
    "AWS_VAULT",
    "GRANTED_SSO",
    "GRANTED_X",
    "AWSUME_PROFILE",
    "AWSUME_X",
    "AWS_SSO_ACCOUNT_ID",
    "AWS_SSO_X",
};

static void
fake_creds(struct creds *c, int token, time_t exp)
{
	creds_init(c);
	c->access_key_id = xstrdup("AKIAFAKEFAKEFAKE0001");
	c->secret_access_key = xstrdup("FAKESECRET/example+key");
	c->session_token = token ? xstrdup("FAKESESSIONTOKEN==") : NULL;
	c->expiration = exp;
}

/* How many entries of env define name. */
static int
count_var(const struct envsnap *env, const char *name)
{
	size_t len = strlen(name);
	int n = 0;

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->vars[i], name, len) == 0 &&
		    env->vars[i][len] == '=')
			n++;
	return n;
}

static void
assert_var(const struct envsnap *env, const char *name, const char *value)
{
	const char *v = envsnap_get(env, name);

	if (v == NULL)
		fail_msg("%s is not set", name);
	assert_string_equal(v, value);
	assert_int_equal(count_var(env, name), 1);
}

static void
test_env_full(void **state)
{
	struct envsnap env;
	struct creds c;
	struct spawn_identity id = {"prod", "222222222222", "us-east-1"};

	(void)state;
	envsnap_from(&env, foreign_env);
	fake_creds(&c, 1, T0);
	spawn_env_apply_creds(&env, &c, &id);

	for (size_t i = 0; i < sizeof removed_names / sizeof *removed_names;
	     i++)
		if (envsnap_get(&env, removed_names[i]))
			fail_msg("%s was not removed", removed_names[i]);
	assert_var(&env, "AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0001");
	assert_var(&env, "AWS_SECRET_ACCESS_KEY", "FAKESECRET/example+key");
	assert_var(&env, "AWS_SESSION_TOKEN", "FAKESESSIONTOKEN==");
	assert_var(&env, "AWS_CREDENTIAL_EXPIRATION", "2027-01-15T08:00:00Z");
	assert_var(&env, "AWS_REGION", "us-east-1");
	assert_var(&env, "AWS_DEFAULT_REGION", "us-east-1");
	assert_var(&env, "ROLEHOP_TARGET", "prod");
	assert_var(&env, "ROLEHOP_ACCOUNT", "222222222222");
	/* Unrelated variables are kept. */
	assert_var(&env, "HOME", "/home/op");
	assert_var(&env, "PATH", "/usr/bin:/bin");
	assert_var(&env, "AWS_CONFIG_FILE", "/home/op/.aws/config");
	assert_var(&env, "KUBECONFIG", "/home/op/.kube/config");
	assert_var(&env, "MY_GRANTED_X", "kept");
	assert_var(&env, "XAWS_PROFILE", "kept");
	/* Nothing else: 6 kept + 8 set. */
	assert_int_equal(env.n, 14);
	assert_null(env.vars[env.n]);
	creds_done(&c);
	envsnap_free(&env);
}

static void
test_env_no_token_no_expiry(void **state)
{
	struct envsnap env;
	struct creds c;
	struct spawn_identity id = {"static", NULL, NULL};

	(void)state;
	envsnap_from(&env, foreign_env);
	fake_creds(&c, 0, 0);
	spawn_env_apply_creds(&env, &c, &id);
	/* The inherited token and expiry must not survive. */
	assert_null(envsnap_get(&env, "AWS_SESSION_TOKEN"));
	assert_null(envsnap_get(&env, "AWS_CREDENTIAL_EXPIRATION"));
	assert_var(&env, "AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0001");
	assert_var(&env, "ROLEHOP_TARGET", "static");
	/* No account: the outer rolehop's marker is not kept. */
	assert_null(envsnap_get(&env, "ROLEHOP_ACCOUNT"));
	/* No region: whatever was inherited stays. */
	assert_var(&env, "AWS_REGION", "eu-west-1");
	assert_var(&env, "AWS_DEFAULT_REGION", "eu-west-1");
	creds_done(&c);
	envsnap_free(&env);
}

static void
test_env_region_added(void **state)
{
	const char *const vars[] = {"PATH=/bin", NULL};
	struct envsnap env;
	struct creds c;
	struct spawn_identity id = {"t", "333333333333", "ap-south-1"};

	(void)state;
	envsnap_from(&env, vars);
	fake_creds(&c, 1, T0 + 59);
	spawn_env_apply_creds(&env, &c, &id);
	assert_var(&env, "AWS_REGION", "ap-south-1");
	assert_var(&env, "AWS_DEFAULT_REGION", "ap-south-1");
	assert_var(&env, "AWS_CREDENTIAL_EXPIRATION", "2027-01-15T08:00:59Z");
	assert_var(&env, "PATH", "/bin");
	assert_int_equal(env.n, 9);
	creds_done(&c);
	envsnap_free(&env);
}

/* ---- spawn_find_program ---- */

static void
test_find_program(void **state)
{
	const char *tmp = *state;
	char *d1 = xasprintf("%s/d1", tmp), *d2 = xasprintf("%s/d2", tmp);
	char *d3 = xasprintf("%s/d3", tmp), *p, *path, *f, *want, *cwd;

	assert_int_equal(mkdir(d1, 0700), 0);
	assert_int_equal(mkdir(d2, 0700), 0);
	assert_int_equal(mkdir(d3, 0700), 0);
	/* d1/prog is not executable, d2/prog is a directory. */
	f = xasprintf("%s/prog", d1);
	write_file(f, "#!/bin/sh\n", 0644);
	free(f);
	f = xasprintf("%s/prog", d2);
	assert_int_equal(mkdir(f, 0755), 0);
	free(f);
	f = xasprintf("%s/prog", d3);
	write_file(f, "#!/bin/sh\n", 0755);
	want = f;

	path = xasprintf("/nonexistent:%s:%s:%s", d1, d2, d3);
	p = spawn_find_program("prog", path);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	free(path);

	/* Not found at all. */
	path = xasprintf("%s:%s", d1, d2);
	assert_null(spawn_find_program("prog", path));
	assert_null(spawn_find_program("", path));
	free(path);

	/* A name with a slash is taken as is. */
	p = spawn_find_program("./anything/at/all", "/bin");
	assert_string_equal(p, "./anything/at/all");
	free(p);

	/* An empty element is the current directory. */
	cwd = getcwd(NULL, 0);
	assert_non_null(cwd);
	assert_int_equal(chdir(d3), 0);
	p = spawn_find_program("prog", "/nonexistent::/bin");
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(p, "./prog");
	free(p);
	p = spawn_find_program("prog", d1);
	assert_null(p);
	free(cwd);

	/* An ordinary program on an ordinary PATH. */
	p = spawn_find_program("sh", "/nonexistent:/bin:/usr/bin");
	assert_non_null(p);
	assert_string_equal(p, "/bin/sh");
	free(p);

	free(want);
	free(d1);
	free(d2);
	free(d3);
}

/* ---- spawn_run ---- */

static const char *const plain_env[] = {"PATH=/usr/bin:/bin", NULL};

static void
test_run_exit_status(void **state)
{
	const char *const argv[] = {"sh", "-c", "exit 3", NULL};
	const char *const argv0[] = {"/bin/sh", "-c", "exit 0", NULL};
	const char *const argv255[] = {"/bin/sh", "-c", "exit 255", NULL};
	struct envsnap env;
	struct err e;

	(void)state;
	envsnap_from(&env, plain_env);
	err_clear(&e);
	assert_int_equal(spawn_run(argv, &env, &e), 3);
	assert_int_equal(spawn_run(argv0, &env, &e), 0);
	assert_int_equal(spawn_run(argv255, &env, &e), 255);
	assert_int_equal(e.status, ST_OK);
	envsnap_free(&env);
}

static void
test_run_killed_by_signal(void **state)
{
	const char *const kill9[] = {"/bin/sh", "-c", "kill -9 $$", NULL};
	const char *const usr1[] = {"/bin/sh", "-c", "kill -USR1 $$", NULL};
	struct envsnap env;
	struct err e;

	(void)state;
	envsnap_from(&env, plain_env);
	assert_int_equal(spawn_run(kill9, &env, &e), 128 + SIGKILL);
	assert_int_equal(spawn_run(usr1, &env, &e), 128 + SIGUSR1);
	envsnap_free(&env);
}

static void
test_run_argv_verbatim(void **state)
{
	const char *tmp = *state;
	char *out = xasprintf("%s/argv", tmp);
	const char *const argv[] = {"/bin/sh",
	                            "-c",
	                            "printf '%s\\0' \"$@\" > \"$0\"",
	                            out,
	                            "a b",
	                            "it's",
	                            "\"double\"",
	                            "$(touch /tmp/rolehop-pwned)",
	                            "`id`",
	                            "",
	                            "back\\slash",
	                            "new\nline",
	                            "*",
	                            "-n",
	                            "$HOME",
	                            NULL};
	const char expect[] = "a b\0it's\0\"double\"\0"
	                      "$(touch /tmp/rolehop-pwned)\0`id`\0\0"
	                      "back\\slash\0new\nline\0*\0-n\0$HOME";
	struct envsnap env;
	struct err e;
	size_t len;
	char *got;

	envsnap_from(&env, plain_env);
	assert_int_equal(spawn_run(argv, &env, &e), 0);
	got = slurp(out, &len);
	assert_int_equal(len, sizeof expect);
	assert_memory_equal(got, expect, sizeof expect);
	free(got);
	free(out);
	envsnap_free(&env);
}

static void
test_run_env_exact(void **state)
{
	const char *tmp = *state;
	char *out = xasprintf("%s/env", tmp);
	const char *const vars[] = {"FOO=bar baz",
	                            "EMPTY=", "MULTI=line1\nline2",
	                            "PATH=/nonexistent", NULL};
	const char *const argv[] = {"/usr/bin/env", NULL};
	struct envsnap env;
	struct err e;
	char *got;

	envsnap_from(&env, vars);
	assert_int_equal(run_to_file(argv, &env, out, &e), 0);
	got = slurp(out, NULL);
	assert_string_equal(got, "FOO=bar baz\nEMPTY=\nMULTI=line1\nline2\n"
	                         "PATH=/nonexistent\n");
	free(got);

	/* An empty environment stays empty. */
	envsnap_free(&env);
	envsnap_from(&env, NULL);
	assert_int_equal(run_to_file(argv, &env, out, &e), 0);
	got = slurp(out, NULL);
	assert_string_equal(got, "");
	free(got);
	free(out);
	envsnap_free(&env);
}

static void
test_run_uses_child_path(void **state)
{
	const char *tmp = *state;
	char *prog = xasprintf("%s/rolehop-test-prog", tmp);
	char *pathvar = xasprintf("PATH=/nonexistent:%s", tmp);
	const char *const vars[] = {pathvar, NULL};
	const char *const argv[] = {"rolehop-test-prog", NULL};
	struct envsnap env;
	struct err e;

	write_file(prog, "#!/bin/sh\nexit 42\n", 0755);
	envsnap_from(&env, vars);
	assert_int_equal(spawn_run(argv, &env, &e), 42);
	envsnap_free(&env);
	free(pathvar);
	free(prog);
}

static void
test_run_not_found(void **state)
{
	const char *tmp = *state;
	char *pathvar = xasprintf("PATH=%s", tmp);
	const char *const vars[] = {pathvar, NULL};
	const char *const argv[] = {"rolehop-no-such-program", "x", NULL};
	const char *const empty[] = {NULL};
	struct envsnap env;
	struct err e;

	envsnap_from(&env, vars);
	err_clear(&e);
	assert_int_equal(spawn_run(argv, &env, &e), -1);
	assert_int_equal(e.status, ST_RUNTIME);
	assert_string_equal(e.msg,
	                    "rolehop-no-such-program: command not found");
	err_clear(&e);
	assert_int_equal(spawn_run(empty, &env, &e), -1);
	assert_int_equal(e.status, ST_RUNTIME);
	envsnap_free(&env);
	free(pathvar);
}

static void
test_run_exec_failure(void **state)
{
	const char *tmp = *state;
	char *noexec = xasprintf("%s/noexec", tmp);
	char *missing = xasprintf("%s/missing", tmp);
	const char *const argv1[] = {noexec, NULL};
	const char *const argv2[] = {missing, NULL};
	struct envsnap env;
	struct err e;
	char *want;

	write_file(noexec, "#!/bin/sh\nexit 0\n", 0644);
	envsnap_from(&env, plain_env);
	err_clear(&e);
	assert_int_equal(spawn_run(argv1, &env, &e), -1);
	assert_int_equal(e.status, ST_RUNTIME);
	want = xasprintf("%s: %s", noexec, strerror(EACCES));
	assert_string_equal(e.msg, want);
	free(want);

	err_clear(&e);
	assert_int_equal(spawn_run(argv2, &env, &e), -1);
	want = xasprintf("%s: %s", missing, strerror(ENOENT));
	assert_string_equal(e.msg, want);
	free(want);
	envsnap_free(&env);
	free(noexec);
	free(missing);
}

static void
noop_handler(int sig)
{
	(void)sig;
}

/* The hex value of the line "name:\t..." in a /proc/PID/status copy. */
static unsigned long long
status_mask(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	if (p == NULL)
		fail_msg("no %s in the status file", name);
	return strtoull(p + strlen(name) + 1, NULL, 16);
}

#define SIGBIT(s) (1ULL << ((s)-1))

static void
test_run_parent_signal_handling(void **state)
{
	/* The child records its parent's signal dispositions, then
	 * interrupts and quits it; the parent must survive. */
	const char *tmp = *state;
	char *out = xasprintf("%s/status", tmp);
	const char *const argv[] = {
	    "/bin/sh", "-c",
	    "cat /proc/$PPID/status > \"$0\"; kill -INT $PPID; "
	    "kill -QUIT $PPID; exit 5",
	    out, NULL};
	const int sigs[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};
	struct sigaction noop, saved[4], after;
	struct envsnap env;
	struct err e;
	unsigned long long ign, cgt;
	char *text;

	memset(&noop, 0, sizeof noop);
	noop.sa_handler = noop_handler;
	sigemptyset(&noop.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &noop, &saved[i]);
	envsnap_from(&env, plain_env);
	assert_int_equal(spawn_run(argv, &env, &e), 5);

	/* Afterwards, every disposition is what it was. */
	for (int i = 0; i < 4; i++) {
		sigaction(sigs[i], &saved[i], &after);
		assert_ptr_equal(after.sa_handler, noop_handler);
	}

	/* While the child ran: INT and QUIT ignored, TERM and HUP caught. */
	text = slurp(out, NULL);
	ign = status_mask(text, "SigIgn:");
	cgt = status_mask(text, "SigCgt:");
	assert_true(ign & SIGBIT(SIGINT));
	assert_true(ign & SIGBIT(SIGQUIT));
	assert_false(ign & SIGBIT(SIGTERM));
	assert_false(ign & SIGBIT(SIGHUP));
	assert_true(cgt & SIGBIT(SIGTERM));
	assert_true(cgt & SIGBIT(SIGHUP));
	free(text);
	free(out);
	envsnap_free(&env);
}

static void
test_run_child_signals_reset(void **state)
{
	/* Even when rolehop ignores SIGINT and SIGPIPE, the child gets them
	 * with their default action, and no blocked signal. */
	const char *const argv[] = {"/bin/sh", "-c", "kill -INT $$; exit 0",
	                            NULL};
	const char *const pipe_argv[] = {"/bin/sh", "-c", "kill -PIPE $$",
	                                 NULL};
	struct sigaction ign, old_int, old_pipe;
	sigset_t block, oldmask;
	struct envsnap env;
	struct err e;

	(void)state;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	envsnap_from(&env, plain_env);
	assert_int_equal(spawn_run(argv, &env, &e), 128 + SIGINT);
	assert_int_equal(spawn_run(pipe_argv, &env, &e), 128 + SIGPIPE);
	{
		const char *const usr1[] = {"/bin/sh", "-c", "kill -USR1 $$",
		                            NULL};

		assert_int_equal(spawn_run(usr1, &env, &e), 128 + SIGUSR1);
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	envsnap_free(&env);
}

static void
test_run_forwards_sigterm(void **state)
{
	const char *tmp = *state;
	char *flag = xasprintf("%s/started", tmp);
	const char *const argv[] = {"/bin/sh", "-c",
	                            ": > \"$0\"; exec sleep 30", flag, NULL};
	struct envsnap env;
	struct err e;
	pid_t parent = getpid(), helper;
	int status;

	envsnap_from(&env, plain_env);
	helper = fork();
	assert_true(helper >= 0);
	if (helper == 0) {
		/* Once the child runs, SIGTERM the test process. */
		for (int i = 0; i < 1000 && access(flag, F_OK) != 0; i++)
			usleep(10000);
		kill(parent, SIGTERM);
		_exit(0);
	}
	assert_int_equal(spawn_run(argv, &env, &e), 128 + SIGTERM);
	assert_int_equal(waitpid(helper, &status, 0), helper);
	assert_true(WIFEXITED(status));
	envsnap_free(&env);
	free(flag);
}

static void
test_run_forwards_sighup(void **state)
{
	/* The child hangs its parent up; the parent passes it back. */
	const char *const argv[] = {"/bin/sh", "-c",
	                            "kill -HUP $PPID; exec sleep 30", NULL};
	struct envsnap env;
	struct err e;

	(void)state;
	envsnap_from(&env, plain_env);
	assert_int_equal(spawn_run(argv, &env, &e), 128 + SIGHUP);
	envsnap_free(&env);
}

/* ---- shquote ---- */

/* Values that a shell would otherwise expand or split. */
static const char *const nasty[] = {
    "",
    "plain",
    "a b",
    "it's",
    "'",
    "''",
    "\\'",
    "'\\''",
    "\"double\"",
    "$(kill -9 $$)",
    "`kill -9 $$`",
    "${HOME}",
    "$HOME",
    "back\\slash",
    "trailing\\",
    "new\nline\n",
    "\ttab",
    "*?[a-z]",
    "~",
    "!!",
    "a;b|c&d>e<f",
    "-n",
    "%s%d\\n",
    "caf\xc3\xa9",
    "arn:aws:iam::222222222222:role/x",
};

static void
test_shquote_sh_text(void **state)
{
	static const char *const cases[][2] = {
	    {"", "''"},
	    {"plain", "'plain'"},
	    {"a b", "'a b'"},
	    {"it's", "'it'\\''s'"},
	    {"'", "''\\'''"},
	    {"$(id)", "'$(id)'"},
	    {"`id`", "'`id`'"},
	    {"back\\slash", "'back\\slash'"},
	    {"new\nline", "'new\nline'"},
	};
	char *q;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		q = shquote_sh(cases[i][0]);
		assert_string_equal(q, cases[i][1]);
		secret_free_str(q);
	}
	q = shquote_sh(NULL);
	assert_string_equal(q, "''");
	secret_free_str(q);
}

static void
test_shquote_fish_text(void **state)
{
	static const char *const cases[][2] = {
	    {"", "''"},
	    {"plain", "'plain'"},
	    {"it's", "'it\\'s'"},
	    {"back\\slash", "'back\\\\slash'"},
	    {"\\'", "'\\\\\\''"},
	    {"$(id)", "'$(id)'"},
	    {"new\nline", "'new\nline'"},
	};
	char *q;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		q = shquote_fish(cases[i][0]);
		assert_string_equal(q, cases[i][1]);
		secret_free_str(q);
	}
}

static void
test_shquote_valid_name(void **state)
{
	(void)state;
	assert_true(shquote_valid_name("AWS_REGION"));
	assert_true(shquote_valid_name("_x1"));
	assert_true(shquote_valid_name("a"));
	assert_false(shquote_valid_name(""));
	assert_false(shquote_valid_name(NULL));
	assert_false(shquote_valid_name("1A"));
	assert_false(shquote_valid_name("A-B"));
	assert_false(shquote_valid_name("A B"));
	assert_false(shquote_valid_name("A=B"));
	assert_false(shquote_valid_name("$(id)"));
	assert_false(shquote_valid_name("caf\xc3\xa9"));
}

/* Have shell print each quoted value with printf %s and compare the bytes
 * with the original. An injected $(kill -9 $$) would end the shell with
 * status 137. */
static void
check_round_trip(const char *tmp, const char *shell,
                 char *(*quote)(const char *))
{
	char *out = xasprintf("%s/printed", tmp);
	struct envsnap env;
	struct err e;

	envsnap_from(&env, plain_env);
	for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++) {
		char *q = quote(nasty[i]);
		char *script = xasprintf("printf %%s %s", q);
		const char *const argv[] = {shell, "-c", script, NULL};
		size_t len;
		char *got;

		assert_int_equal(run_to_file(argv, &env, out, &e), 0);
		got = slurp(out, &len);
		if (len != strlen(nasty[i]) || memcmp(got, nasty[i], len) != 0)
			fail_msg("%s: value %zu came back as \"%s\"", shell, i,
			         got);
		free(got);
		free(script);
		secret_free_str(q);
	}
	envsnap_free(&env);
	free(out);
}

static void
test_shquote_sh_round_trip(void **state)
{
	check_round_trip(*state, "/bin/sh", shquote_sh);
}

static void
test_shquote_fish_round_trip(void **state)
{
	char *fish = spawn_find_program("fish", "/usr/local/bin:/usr/bin:/bin");

	if (fish == NULL)
		skip();
	check_round_trip(*state, fish, shquote_fish);
	free(fish);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_tmp, teardown_tmp)
	const struct CMUnitTest spawn_tests[] = {
	    cmocka_unit_test(test_env_full),
	    cmocka_unit_test(test_env_no_token_no_expiry),
	    cmocka_unit_test(test_env_region_added),
	    T(test_find_program),
	    cmocka_unit_test(test_run_exit_status),
	    cmocka_unit_test(test_run_killed_by_signal),
	    T(test_run_argv_verbatim),
	    T(test_run_env_exact),
	    T(test_run_uses_child_path),
	    T(test_run_not_found),
	    T(test_run_exec_failure),
	    T(test_run_parent_signal_handling),
	    cmocka_unit_test(test_run_child_signals_reset),
	    T(test_run_forwards_sigterm),
	    cmocka_unit_test(test_run_forwards_sighup),
	};
	const struct CMUnitTest shquote_tests[] = {
	    cmocka_unit_test(test_shquote_sh_text),
	    cmocka_unit_test(test_shquote_fish_text),
	    cmocka_unit_test(test_shquote_valid_name),
	    T(test_shquote_sh_round_trip),
	    T(test_shquote_fish_round_trip),
	};
#undef T
	int failed = 0;

	failed += cmocka_run_group_tests_name("spawn", spawn_tests, NULL, NULL);
	failed +=
	    cmocka_run_group_tests_name("shquote", shquote_tests, NULL, NULL);
	return failed;
}
