/*
 * spawn - the child's environment, and running it with fork and execve.
 *
 * spawn_env_apply_creds() first removes every variable through which an
 * SDK could pick up some other identity (profiles, web identity, container
 * credentials, the markers of other credential tools), then sets the keys
 * of the chosen target. spawn_run() looks the program up in the child's
 * PATH before forking (so "command not found" is an ordinary error), and
 * learns whether execve() worked through a close-on-exec pipe: the child
 * writes its errno there only when execve() fails. While the child runs,
 * the parent ignores SIGINT and SIGQUIT, which the terminal delivers to
 * the child as well, and forwards SIGTERM and SIGHUP to it, so killing
 * rolehop kills the command it runs.
 */
#include "config.h"

#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timefmt.h"
#include "xalloc.h"

/* Variables removed before the credentials are set. */
static const char *const unset_names[] = {
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CREDENTIAL_FILE",
    "AWS_SDK_LOAD_CONFIG",
    "AWS_SESSION_EXPIRATION",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_VAULT",
    "AWS_SSO",
    "ROLEHOP_TARGET",
    "ROLEHOP_ACCOUNT",
};

/* Name prefixes removed before the credentials are set. */
static const char *const unset_prefixes[] = {
    "AWS_CONTAINER_",
    "GRANTED_",
    "AWSUME_",
    "AWS_SSO_",
};

void
spawn_env_apply_creds(struct envsnap *env, const struct creds *c,
                      const struct spawn_identity *id)
{
	size_t i;

	for (i = 0; i < sizeof unset_names / sizeof *unset_names; i++)
		envsnap_unset(env, unset_names[i]);
	for (i = 0; i < sizeof unset_prefixes / sizeof *unset_prefixes; i++)
		envsnap_unset_prefix(env, unset_prefixes[i]);

	if (c->access_key_id)
		envsnap_set(env, "AWS_ACCESS_KEY_ID", c->access_key_id);
	if (c->secret_access_key)
		envsnap_set(env, "AWS_SECRET_ACCESS_KEY", c->secret_access_key);
	if (c->session_token)
		envsnap_set(env, "AWS_SESSION_TOKEN", c->session_token);
	if (c->expiration != 0) {
		char iso[TIMEFMT_ISO_LEN];

		timefmt_iso(c->expiration, iso);
		envsnap_set(env, "AWS_CREDENTIAL_EXPIRATION", iso);
	}
	if (id == NULL)
		return;
	if (id->region) {
		envsnap_set(env, "AWS_REGION", id->region);
		envsnap_set(env, "AWS_DEFAULT_REGION", id->region);
	}
	if (id->target)
		envsnap_set(env, "ROLEHOP_TARGET", id->target);
	if (id->account)
		envsnap_set(env, "ROLEHOP_ACCOUNT", id->account);
}

/* True when path names an executable regular file. */
static int
is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

char *
spawn_find_program(const char *program, const char *path_env)
{
	const char *p, *end;

	if (program == NULL || *program == '\0')
		return NULL;
	if (strchr(program, '/'))
		return xstrdup(program);
	/* execvp()'s default when PATH is unset. */
	if (path_env == NULL)
		path_env = "/bin:/usr/bin";
	for (p = path_env;; p = end + 1) {
		char *cand;
		int len;

		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		len = (int)(end - p);
		if (len == 0)
			cand = xasprintf("./%s", program);
		else
			cand = xasprintf("%.*s/%s", len, p, program);
		if (is_executable(cand))
			return cand;
		free(cand);
		if (*end == '\0')
			return NULL;
	}
}

/* The child's pid while spawn_run() waits, 0 otherwise. Read by the
 * forwarding handler. */
static volatile sig_atomic_t spawn_child_pid;

volatile sig_atomic_t spawn_forwarded_signal;

/* Handler for SIGTERM and SIGHUP in the parent: pass them on. */
static void
forward_signal(int sig)
{
	int saved = errno;
	pid_t pid = (pid_t)spawn_child_pid;

	spawn_forwarded_signal = sig;
	if (pid > 0)
		kill(pid, sig);
	errno = saved;
}

/* Until main() says otherwise (unit tests), children stay private too. */
static mode_t user_umask = 077;

void
spawn_set_user_umask(mode_t mask)
{
	user_umask = mask & 0777;
}

void
spawn_child_restore_umask(void)
{
	umask(user_umask);
}

/* Signals whose dispositions spawn_run() changes, in this order. */
static const int spawn_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD};
#define SPAWN_NSIG (sizeof spawn_signals / sizeof *spawn_signals)

/* In the child, before execve: default dispositions for every signal
 * rolehop may have changed (SIGPIPE included: the program must not inherit
 * rolehop's choices), and an empty signal mask. Only async-signal-safe
 * calls. */
static void
child_reset_signals(void)
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTERM,
	                           SIGHUP, SIGPIPE, SIGCHLD};
	struct sigaction dfl;
	sigset_t none;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Child side: never returns. */
static void
child_exec(const char *path, const char *const *argv, const struct envsnap *env,
           int errfd)
{
	/* execve() takes char *const[] but does not modify it. */
	union {
		const char *const *c;
		char *const *m;
	} args = {.c = argv};
	int err;

	child_reset_signals();
	spawn_child_restore_umask();
	execve(path, args.m, env->vars);
	err = errno;
	while (write(errfd, &err, sizeof err) < 0 && errno == EINTR)
		;
	_exit(err == ENOENT ? 127 : 126);
}

/* Read the child's execve errno from fd: 0 when execve succeeded. */
static int
read_exec_errno(int fd)
{
	int err = 0;
	ssize_t n;

	do
		n = read(fd, &err, sizeof err);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof err ? err : 0;
}

/* Wait for pid to end. The child is not reaped until spawn_child_pid is
 * cleared, so a late SIGTERM can never reach a recycled pid. Returns the
 * wait status, or -1 with errno set. */
static int
wait_child(pid_t pid)
{
	siginfo_t info;
	int status;

	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR) {
			spawn_child_pid = 0;
			return -1;
		}
	spawn_child_pid = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int
spawn_run(const char *const *argv, const struct envsnap *env, struct err *e)
{
	struct sigaction ign, fwd, dfl, old[SPAWN_NSIG];
	sigset_t block, oldmask;
	int pfd[2], status, exec_err, saved;
	char *path;
	pid_t pid;
	size_t i;

	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		err_set(e, ST_RUNTIME, "no command to run");
		return -1;
	}
	path = spawn_find_program(argv[0], envsnap_get(env, "PATH"));
	if (path == NULL) {
		err_set(e, ST_RUNTIME, "%s: command not found", argv[0]);
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		err_set(e, ST_RUNTIME, "%s: cannot start: %s", argv[0],
		        strerror(errno));
		free(path);
		return -1;
	}

	/* Block the signals until the dispositions and the pid are set, so
	 * the handler runs neither in the child nor before it knows the
	 * pid. */
	sigemptyset(&block);
	for (i = 0; i < SPAWN_NSIG; i++)
		sigaddset(&block, spawn_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &oldmask);

	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	fwd = ign;
	fwd.sa_handler = forward_signal;
	fwd.sa_flags = SA_RESTART;
	dfl = ign;
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGINT, &ign, &old[0]);
	sigaction(SIGQUIT, &ign, &old[1]);
	sigaction(SIGTERM, &fwd, &old[2]);
	sigaction(SIGHUP, &fwd, &old[3]);
	/* An ignored SIGCHLD would make the kernel reap the child. */
	sigaction(SIGCHLD, &dfl, &old[4]);

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child_exec(path, argv, env, pfd[1]);
	saved = errno;
	close(pfd[1]);
	free(path);

	status = -1;
	exec_err = 0;
	if (pid > 0) {
		spawn_child_pid = (sig_atomic_t)pid;
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		exec_err = read_exec_errno(pfd[0]);
		status = wait_child(pid);
		saved = errno;
		sigprocmask(SIG_BLOCK, &block, NULL);
	}
	close(pfd[0]);
	spawn_child_pid = 0;
	for (i = 0; i < SPAWN_NSIG; i++)
		sigaction(spawn_signals[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);

	if (pid < 0) {
		err_set(e, ST_RUNTIME, "%s: cannot start: %s", argv[0],
		        strerror(saved));
		return -1;
	}
	if (exec_err != 0) {
		err_set(e, ST_RUNTIME, "%s: %s", argv[0], strerror(exec_err));
		return -1;
	}
	if (status < 0) {
		err_set(e, ST_RUNTIME, "%s: wait failed: %s", argv[0],
		        strerror(saved));
		return -1;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
