/*
 * spawn - run a program as a target: its environment, and fork/execve.
 *
 * The child's environment is built explicitly from a snapshot; no shell is
 * ever involved (no system(), no "sh -c"). The program is looked up in the
 * child environment's PATH.
 *
 * Ownership: functions edit the caller's envsnap in place.
 */
#ifndef ROLEHOP_SPAWN_H
#define ROLEHOP_SPAWN_H

#include <signal.h>
#include <sys/types.h>

#include "creds.h"
#include "envsnap.h"
#include "err.h"

struct spawn_identity {
	const char *target;  /* ROLEHOP_TARGET */
	const char *account; /* ROLEHOP_ACCOUNT; NULL to leave unset */
	const char *region;  /* AWS_REGION and AWS_DEFAULT_REGION; NULL to
	                        leave whatever is inherited */
};

/* Apply the credential environment rules to env:
 * unset AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN,
 * AWS_SESSION_TOKEN, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME,
 * AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_* (all), AWS_CREDENTIAL_FILE,
 * AWS_SDK_LOAD_CONFIG, AWS_SESSION_EXPIRATION and the markers of other
 * credential tools (AWS_VAULT, GRANTED_*, AWSUME_*, AWS_SSO_*); then set
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (when the
 * credentials have one), AWS_CREDENTIAL_EXPIRATION (ISO 8601 UTC, when
 * they expire), AWS_REGION and AWS_DEFAULT_REGION, ROLEHOP_TARGET,
 * ROLEHOP_ACCOUNT. */
void spawn_env_apply_creds(struct envsnap *env, const struct creds *c,
                           const struct spawn_identity *id);

/* Full path of program for execve: itself when it contains '/', else the
 * first executable match in path_env (":"-separated; empty element = ".";
 * NULL path_env = "/bin:/usr/bin", as execvp). NULL when not found. Caller
 * frees. */
char *spawn_find_program(const char *program, const char *path_env);

/* rolehop runs with umask 077 (what it creates is private); the programs
 * it starts (exec, shell, credential_process) get back the umask the
 * operator started rolehop with, set here once by main(). */
void spawn_set_user_umask(mode_t);
/* In a forked child, before execve (async-signal-safe). */
void spawn_child_restore_umask(void);

/* fork + execve argv with env, wait for it, and return its exit status
 * (0-255), or 128 + signal number when it was killed. While the child
 * runs, SIGINT and SIGQUIT are ignored in the parent (the terminal sends
 * them to the child) and SIGTERM and SIGHUP are forwarded to it.
 * Returns -1 and fills e when the program cannot be found or started
 * (e->status ST_RUNTIME; the message names the program). */
/* The last SIGTERM or SIGHUP spawn_run() passed on to a child (0: none);
 * a long-lived caller (the interface) ends itself after such a one. */
extern volatile sig_atomic_t spawn_forwarded_signal;

int spawn_run(const char *const *argv, const struct envsnap *env,
              struct err *e);

#endif
