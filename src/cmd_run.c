/*
 * cmd_run - exec and shell: a child process as the target.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "childenv.h"
#include "cmd.h"
#include "spawn.h"
#include "timefmt.h"
#include "xalloc.h"

/* Print s with control characters as '?': names from configuration files
 * must not drive the terminal, and a prompt must stay one line. */
static void
put_clean(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* "rolehop: shell as prod (account 444444444444) ...", the name in its
 * danger colour on a terminal. */
static void
banner(const struct cli *c, const struct target *t, const char *account,
       const struct childenv *ce)
{
	static const struct {
		const char *name, *code;
	} colors[] = {{"red", "31"},  {"yellow", "33"},  {"green", "32"},
	              {"blue", "34"}, {"magenta", "35"}, {"cyan", "36"}};
	const char *code = NULL;

	for (size_t i = 0; t->color && i < sizeof colors / sizeof *colors; i++)
		if (strcasecmp(t->color, colors[i].name) == 0)
			code = colors[i].code;
	if (!isatty(STDERR_FILENO) || envsnap_get(c->env, "NO_COLOR"))
		code = NULL;
	fprintf(stderr, "rolehop: shell as %s%s%s", code ? "\033[1;" : "",
	        code ? code : "", code ? "m" : "");
	put_clean(stderr, t->name);
	fprintf(stderr, "%s%s", code ? "\033[0m" : "",
	        account ? " (account " : "");
	if (account)
		fprintf(stderr, "%s)", account);
	if (ce->context) {
		fputs(", kubectl context ", stderr);
		put_clean(stderr, ce->context);
	}
	if (ce->depth > 1)
		fprintf(stderr, ", nested: depth %d", ce->depth);
	fputs("; exit to return\n", stderr);
}

/* exec and shell: run argv as the target. */
static int
run_as(struct cli *c, const struct target *t, const char *const *argv,
       bool shell)
{
	struct assume_state s;
	struct eks_cluster k = {0};
	struct childenv ce;
	const struct kubeentry_ctx ctx = {c->env, c->argv0, c->config_path,
	                                  c->targets.rh_config_path, NULL};
	struct childenv_opts o = {
	    .ctx = &ctx, .t = t, .static_keys = c->static_keys};
	struct err e;
	int rc;

	if (c->nregions && c->cluster == NULL)
		return cli_usage_error("--region goes with --cluster");
	if ((rc = cli_confirm(c, t,
	                      shell ? "open a shell" : "run a command")) >= 0)
		return rc;
	if ((rc = cli_start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	if ((rc = cli_assume(c, t, false, &s)) >= 0) {
		cli_assume_done(&s);
		return rc;
	}
	if (c->cluster && (rc = cli_find_cluster(c, t, s.res, &k)) >= 0) {
		cli_assume_done(&s);
		return rc;
	}
	o.creds = chain_final(s.res);
	o.cluster = c->cluster ? &k : NULL;
	if (childenv_build(&ce, &o, &e) != ST_OK) {
		eks_cluster_done(&k);
		cli_assume_done(&s);
		return cli_report(&e);
	}
	if (shell)
		banner(c, t, o.creds->account, &ce);
	eks_cluster_done(&k);
	/* Nothing of ours is needed while the child runs. */
	cli_assume_done(&s);
	engine_done(&c->engine);
	c->engine_ready = false;
	rc = spawn_run(argv, &ce.env, &e);
	childenv_done(&ce);
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

int
cmd_prompt(struct cli *c)
{
	const char *t = envsnap_get_nonempty(c->env, "ROLEHOP_TARGET");
	const char *acct = envsnap_get_nonempty(c->env, "ROLEHOP_ACCOUNT");
	const char *ctx = envsnap_get_nonempty(c->env, "ROLEHOP_KUBE_CONTEXT");
	const char *exp =
	    envsnap_get_nonempty(c->env, "AWS_CREDENTIAL_EXPIRATION");
	bool refreshing = envsnap_get(c->env, "AWS_ACCESS_KEY_ID") == NULL;
	time_t when;

	if (c->nargs > 0)
		return cli_usage_error("prompt takes no target");
	/* Not in a rolehop shell: nothing, so PS1 stays as it was. */
	if (t == NULL)
		return 0;
	putchar('[');
	put_clean(stdout, t);
	if (acct) {
		putchar(' ');
		put_clean(stdout, acct);
	}
	if (ctx) {
		fputs(" | eks:", stdout);
		put_clean(stdout, ctx);
	}
	if (exp && timefmt_parse_any(exp, &when) == 0) {
		long left = (long)(when - time(NULL));
		char text[32];

		if (left > 0 || !refreshing)
			timefmt_remaining(left, text, sizeof text);
		else
			snprintf(text, sizeof text, "refreshing");
		printf(" | %s", text);
	}
	/* No newline: the segment goes in front of the prompt. */
	fputs("] ", stdout);
	return 0;
}
