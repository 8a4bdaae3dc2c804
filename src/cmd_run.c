/*
 * cmd_run - exec and shell: a child process as the target.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "privdir.h"
#include "spawn.h"
#include "xalloc.h"

/* For --cluster: a private kubeconfig in d, named by KUBECONFIG in the
 * child's environment. -1 on success, else the exit status. */
static int
give_kubeconfig(struct cli *c, const struct target *t,
                const struct chain_result *res, struct privdir *d,
                struct envsnap *child, char **context)
{
	const char *path;
	char *text;
	size_t len;
	struct err e;
	int rc;

	if ((rc = cli_cluster_kubeconfig(c, t, res, &text, &len, context)) >= 0)
		return rc;
	if (privdir_create(d, c->env, &e) != ST_OK ||
	    privdir_write(d, "kubeconfig", text, len, &path, &e) != ST_OK) {
		free(text);
		free(*context);
		*context = NULL;
		return cli_report(&e);
	}
	free(text);
	envsnap_set(child, "KUBECONFIG", path);
	return -1;
}

/* exec and shell: run argv as the target. */
static int
run_as(struct cli *c, const struct target *t, const char *const *argv,
       bool banner)
{
	struct assume_state s;
	struct envsnap child;
	struct privdir d = {0};
	char *context = NULL;
	struct err e;
	int rc;

	if (c->nregions && c->cluster == NULL)
		return cli_usage_error("--region goes with --cluster");
	if ((rc = cli_confirm(c, t,
	                      banner ? "open a shell" : "run a command")) >= 0)
		return rc;
	if ((rc = cli_start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	if ((rc = cli_assume(c, t, false, &s)) >= 0) {
		cli_assume_done(&s);
		return rc;
	}
	cli_child_env(c, t, s.res, &child);
	if (c->cluster &&
	    (rc = give_kubeconfig(c, t, s.res, &d, &child, &context)) >= 0) {
		privdir_remove(&d);
		envsnap_free(&child);
		cli_assume_done(&s);
		return rc;
	}
	if (banner) {
		const struct creds *fin = chain_final(s.res);

		fprintf(
		    stderr, "rolehop: shell as %s%s%s%s%s%s; exit to return\n",
		    t->name, fin->account ? " (account " : "",
		    fin->account ? fin->account : "", fin->account ? ")" : "",
		    context ? ", kubectl context " : "",
		    context ? context : "");
	}
	free(context);
	/* Nothing of ours is needed while the child runs. */
	cli_assume_done(&s);
	engine_done(&c->engine);
	c->engine_ready = false;
	rc = spawn_run(argv, &child, &e);
	envsnap_free(&child);
	privdir_remove(&d);
	if (rc < 0)
		return cli_report(&e) == 2 ? 2 : 127;
	return rc;
}

int
cmd_exec(struct cli *c)
{
	const struct target *t;
	int rc = -1;

	if (c->ncmd == 0)
		return cli_usage_error("%s needs -- CMD [ARG]...", "exec");
	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	return run_as(c, t, (const char *const *)c->cmd, false);
}

int
cmd_shell(struct cli *c)
{
	const struct target *t;
	const char *sh = envsnap_get_nonempty(c->env, "SHELL");
	const char *argv[2];
	int rc = -1;

	if (c->ncmd > 0)
		return cli_usage_error("%s takes no command (use exec)",
		                       "shell");
	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	argv[0] = sh ? sh : "/bin/sh";
	argv[1] = NULL;
	return run_as(c, t, argv, true);
}
