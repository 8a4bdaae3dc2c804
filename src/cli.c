/*
 * cli - the command line: options, dispatch, and the helpers every
 * command shares (error reports, assuming a chain, JSON output).
 *
 * Each command loads the targets, runs what it needs on the engine (which
 * drives the network until done) and prints text or JSON. Parsing is by
 * hand: global options before or after the command name, command options
 * after it, "--" ends option parsing.
 */
#include "config.h"

#include "cli.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "childenv.h"
#include "cmd.h"
#include "jsonutil.h"
#include "log.h"
#include "spawn.h"
#include "timefmt.h"
#include "xalloc.h"

#define USAGE                                                                  \
	"usage: rolehop [OPTIONS] COMMAND [ARGS]\n"                            \
	"\n"                                                                   \
	"Switch between AWS accounts and EKS clusters.\n"                      \
	"\n"                                                                   \
	"Commands:\n"                                                          \
	"  list [--json]                      targets and their chains\n"      \
	"  whoami TARGET [--json]             assume the chain, show every "   \
	"hop\n"                                                                \
	"  clusters TARGET... [--region R]... [--json]\n"                      \
	"  clusters --all [--json]            EKS clusters of the targets\n"   \
	"  creds TARGET                       credential_process JSON\n"       \
	"  env TARGET [--format sh|fish|json] statements for eval\n"           \
	"  exec TARGET [--static] [--cluster NAME [--region R]] -- CMD...\n"   \
	"                                     run CMD as the target\n"         \
	"  shell TARGET [--static] [--cluster NAME [--region R]]\n"            \
	"                                     a $SHELL as the target\n"        \
	"  kubeconfig TARGET --cluster NAME [--region R] [--kubeconfig "       \
	"FILE]\n"                                                              \
	"             [--alias CONTEXT]       merge a context, print its "     \
	"name\n"                                                               \
	"  token TARGET --cluster NAME [--region R]\n"                         \
	"                                     ExecCredential for kubectl\n"    \
	"  doctor [TARGET...] [--json]        check the setup and every hop, " \
	"with fixes\n"                                                         \
	"  policy TARGET [--json]             the IAM and EKS setup the "      \
	"target needs\n"                                                       \
	"  prompt                             a PS1 segment for rolehop "      \
	"shells\n"                                                             \
	"  ui                                 the interactive interface (the " \
	"default\n"                                                            \
	"                                     on a terminal)\n"                \
	"\n"                                                                   \
	"Options:\n"                                                           \
	"  -c, --config FILE   rolehop config (default "                       \
	"$XDG_CONFIG_HOME/rolehop/config.yaml)\n"                              \
	"      --no-cache      neither read nor write the caches\n"            \
	"      --timeout SECS  the most one request may take (default 10)\n"   \
	"  -y, --yes           no question for confirm: true targets\n"        \
	"  -v, --verbose       diagnostics on stderr (secrets redacted)\n"     \
	"  -h, --help          this help\n"                                    \
	"  -V, --version       the version\n"                                  \
	"\n"                                                                   \
	"See rolehop(1).\n"

/* Print an error record: one line, then the hint. */
int
cli_report(const struct err *e)
{
	fprintf(stderr, "rolehop: %s\n", e->msg);
	if (e->hint[0])
		fprintf(stderr, "hint: %s\n", e->hint);
	return err_exit_code(e->status);
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rolehop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nhint: rolehop --help lists the commands and options\n",
	      stderr);
	return 2;
}

/* Command options, as bits: which command takes which. */
enum {
	OPT_JSON = 1 << 0,
	OPT_FORMAT = 1 << 1,
	OPT_CMD = 1 << 2,
	OPT_CLUSTER = 1 << 3,
	OPT_REGION = 1 << 4,
	OPT_KUBECONFIG = 1 << 5,
	OPT_ALIAS = 1 << 6,
	OPT_ALL = 1 << 7,
	OPT_STATIC = 1 << 8,
	OPT_NO_TARGETS = 1 << 30, /* not an option: the command reads no
	                             configuration */
};

/* Options that take a value: "--name VALUE" or "--name=VALUE". */
static const struct {
	const char *name;
	const char *shortname;
	unsigned bit; /* 0: a global option */
} value_options[] = {
    {"--config", "-c", 0},          {"--timeout", NULL, 0},
    {"--format", NULL, OPT_FORMAT}, {"--cluster", NULL, OPT_CLUSTER},
    {"--region", NULL, OPT_REGION}, {"--kubeconfig", NULL, OPT_KUBECONFIG},
    {"--alias", NULL, OPT_ALIAS},
};

/* Store the value of option i; -1 on success, else an exit status. */
static int
set_value_option(struct cli *c, size_t i, const char *v)
{
	const char *name = value_options[i].name;
	char *end;
	double secs;

	c->used |= value_options[i].bit;
	if (v[0] == '\0')
		return cli_usage_error("%s needs a value", name);
	if (strcmp(name, "--config") == 0) {
		c->config_path = v;
	} else if (strcmp(name, "--format") == 0) {
		c->format = v;
	} else if (strcmp(name, "--cluster") == 0) {
		c->cluster = v;
	} else if (strcmp(name, "--region") == 0) {
		c->regions[c->nregions++] = v;
	} else if (strcmp(name, "--kubeconfig") == 0) {
		c->kubeconfig = v;
	} else if (strcmp(name, "--alias") == 0) {
		c->alias = v;
	} else {
		secs = strtod(v, &end);
		if (*end != '\0' || !(secs > 0) || secs > 3600)
			return cli_usage_error("--timeout takes seconds "
			                       "(0 to 3600), not '%s'",
			                       v);
		c->timeout_ms = (long)(secs * 1000);
	}
	return -1;
}

/* A value option at argv[*i]: 1 when it was one (and *rc set), else 0. */
static int
value_option(struct cli *c, int argc, char **argv, int *i, int *rc)
{
	const char *a = argv[*i];

	for (size_t k = 0; k < sizeof value_options / sizeof *value_options;
	     k++) {
		const char *n = value_options[k].name;
		size_t len = strlen(n);

		if (strncmp(a, n, len) == 0 && a[len] == '=') {
			*rc = set_value_option(c, k, a + len + 1);
			return 1;
		}
		if (strcmp(a, n) != 0 &&
		    (value_options[k].shortname == NULL ||
		     strcmp(a, value_options[k].shortname)))
			continue;
		if (*i + 1 >= argc) {
			*rc = cli_usage_error("%s needs a value", a);
			return 1;
		}
		*rc = set_value_option(c, k, argv[++*i]);
		return 1;
	}
	return 0;
}

/* Parse argv into c. Returns -1 to go on, else an exit status. */
static int
parse_args(struct cli *c, int argc, char **argv)
{
	c->argv0 = argc > 0 ? argv[0] : "rolehop";
	c->args = xcalloc((size_t)argc + 1, sizeof *c->args);
	c->regions = xcalloc((size_t)argc + 1, sizeof *c->regions);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = -1;

		if (strcmp(a, "--") == 0) {
			c->cmd = &argv[i + 1];
			c->ncmd = argc - i - 1;
			c->used |= OPT_CMD;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(USAGE, stdout);
			return 0;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("rolehop %s\n", PACKAGE_VERSION);
			return 0;
		}
		if (value_option(c, argc, argv, &i, &rc)) {
			if (rc >= 0)
				return rc;
		} else if (strcmp(a, "-v") == 0 ||
		           strcmp(a, "--verbose") == 0) {
			c->verbose++;
		} else if (strcmp(a, "-vv") == 0) {
			c->verbose += 2;
		} else if (strcmp(a, "--no-cache") == 0) {
			c->no_cache = true;
		} else if (strcmp(a, "-y") == 0 || strcmp(a, "--yes") == 0) {
			c->yes = true;
		} else if (strcmp(a, "--json") == 0) {
			c->json = true;
			c->used |= OPT_JSON;
		} else if (strcmp(a, "--all") == 0) {
			c->all = true;
			c->used |= OPT_ALL;
		} else if (strcmp(a, "--static") == 0) {
			c->static_keys = true;
			c->used |= OPT_STATIC;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error("unknown option '%s'", a);
		} else if (c->command == NULL) {
			c->command = a;
		} else {
			c->args[c->nargs++] = argv[i];
		}
	}
	return -1;
}

static int
load_targets(struct cli *c)
{
	struct targets_opts o = {.env = c->env, .config_path = c->config_path};
	struct err e;

	c->targets_loaded = true;
	if (targets_load(&c->targets, &o, &e) != ST_OK)
		return cli_report(&e);
	return -1;
}

int
cli_start_engine(struct cli *c, bool allow_prompt)
{
	struct err e;

	if (engine_init(&c->engine, &c->targets, c->env, c->no_cache,
	                c->timeout_ms, &e) != ST_OK)
		return cli_report(&e);
	c->engine.allow_prompt = allow_prompt;
	c->engine_ready = true;
	return -1;
}

void
cli_print_json(cJSON *root)
{
	char *s = cJSON_Print(root);

	fputs(s, stdout);
	fputc('\n', stdout);
	secret_free_str(s);
	cJSON_Delete(root);
}

static void
on_identity_done(void *arg, enum status st, const struct sts_identity *id,
                 const struct err *e)
{
	struct assume_state *s = arg;

	s->id_status = st;
	if (st == ST_OK) {
		s->id.account = xstrdup_or_null(id->account);
		s->id.arn = xstrdup_or_null(id->arn);
		s->id.user_id = xstrdup_or_null(id->user_id);
		s->have_identity = true;
	} else {
		s->id_err = *e;
	}
}

static void
on_chain_done(void *arg, struct chain_result *res)
{
	struct assume_state *s = arg;

	s->res = res;
	if (res->status == ST_OK && s->want_identity)
		chain_caller_identity(s->eng, res->target, chain_final(res),
		                      on_identity_done, s);
}

/* Assume t's chain (and ask who we are when want_identity). Returns -1
 * on success, else the exit status after reporting. */
int
cli_assume(struct cli *c, const struct target *t, bool want_identity,
           struct assume_state *s)
{
	memset(s, 0, sizeof *s);
	s->want_identity = want_identity;
	s->eng = &c->engine;
	chain_assume(&c->engine, t, on_chain_done, s);
	engine_run(&c->engine);
	if (s->res->status != ST_OK)
		return cli_report(s->res->err);
	if (want_identity && s->id_status != ST_OK)
		return cli_report(&s->id_err);
	return -1;
}

void
cli_assume_done(struct assume_state *s)
{
	chain_result_free(s->res);
	sts_identity_done(&s->id);
}

/* Resolve the one TARGET argument of a command. */
const struct target *
cli_the_target(struct cli *c, int *rc)
{
	const struct target *t;
	struct err e;

	if (c->nargs != 1) {
		if (c->nargs)
			*rc =
			    cli_usage_error("%s takes one TARGET", c->command);
		else
			*rc = cli_usage_error("%s needs a TARGET", c->command);
		return NULL;
	}
	t = targets_get(&c->targets, c->args[0], &e);
	if (t == NULL)
		*rc = cli_report(&e);
	return t;
}

void
cli_json_time(cJSON *o, const char *name, time_t t)
{
	char iso[TIMEFMT_ISO_LEN];

	if (t == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	timefmt_iso(t, iso);
	cJSON_AddStringToObject(o, name, iso);
}

/* The environment a child of target t gets, built from c->env. */
void
cli_child_env(const struct cli *c, const struct target *t,
              const struct chain_result *res, struct envsnap *out)
{
	const struct creds *fin = chain_final(res);
	struct spawn_identity id = {.target = t->name, .region = t->region};

	envsnap_from(out, (const char *const *)c->env->vars);
	id.account = fin->account;
	spawn_env_apply_creds(out, fin, &id);
}

static cli_ui_fn *ui_hook;

void
cli_set_ui(cli_ui_fn *fn)
{
	ui_hook = fn;
}

int
cmd_ui(struct cli *c)
{
	if (c->nargs > 0)
		return cli_usage_error("ui takes no target ('%s')", c->args[0]);
	if (ui_hook == NULL)
		return cli_usage_error("this rolehop has no interactive "
		                       "interface");
	return ui_hook(c);
}

int
cli_confirm(struct cli *c, const struct target *t, const char *what)
{
	char line[256];
	FILE *tty;
	size_t n;
	bool ok;

	if (!t->confirm || c->yes)
		return -1;
	tty = isatty(STDIN_FILENO) ? fopen("/dev/tty", "r+e") : NULL;
	if (tty == NULL) {
		fprintf(stderr,
		        "rolehop: %s is marked confirm: true and there is no "
		        "terminal to ask on\nhint: pass --yes to %s anyway\n",
		        t->name, what);
		return 2;
	}
	fprintf(tty,
	        "rolehop: %s is marked confirm: type its name or y to %s: ",
	        t->name, what);
	fflush(tty);
	ok = fgets(line, sizeof line, tty) != NULL;
	fclose(tty);
	n = ok ? strcspn(line, "\r\n") : 0;
	line[n] = '\0';
	if (ok && (strcmp(line, t->name) == 0 || strcasecmp(line, "y") == 0 ||
	           strcasecmp(line, "yes") == 0))
		return -1;
	fprintf(stderr, "rolehop: %s: not confirmed; nothing done\n", t->name);
	return 1;
}

static const struct {
	const char *name;
	int (*run)(struct cli *);
	unsigned options; /* OPT_* bits it takes */
} commands[] = {
    {"list", cmd_list, OPT_JSON},
    {"whoami", cmd_whoami, OPT_JSON},
    {"creds", cmd_creds, 0},
    {"env", cmd_env, OPT_JSON | OPT_FORMAT},
    {"exec", cmd_exec, OPT_CMD | OPT_CLUSTER | OPT_REGION | OPT_STATIC},
    {"shell", cmd_shell, OPT_CMD | OPT_CLUSTER | OPT_REGION | OPT_STATIC},
    {"prompt", cmd_prompt, OPT_NO_TARGETS},
    {"clusters", cmd_clusters, OPT_JSON | OPT_REGION | OPT_ALL},
    {"token", cmd_token, OPT_CLUSTER | OPT_REGION},
    {"kubeconfig", cmd_kubeconfig,
     OPT_CLUSTER | OPT_REGION | OPT_KUBECONFIG | OPT_ALIAS},
    {"doctor", cmd_doctor, OPT_JSON},
    {"policy", cmd_policy, OPT_JSON},
    {"ui", cmd_ui, 0},
};

/* The first option in used that the command does not take. */
static const char *
unexpected_option(unsigned used, unsigned takes)
{
	static const struct {
		unsigned bit;
		const char *text;
	} names[] = {
	    {OPT_JSON, "--json"},     {OPT_FORMAT, "--format"},
	    {OPT_CMD, "-- CMD"},      {OPT_CLUSTER, "--cluster"},
	    {OPT_REGION, "--region"}, {OPT_KUBECONFIG, "--kubeconfig"},
	    {OPT_ALIAS, "--alias"},   {OPT_ALL, "--all"},
	    {OPT_STATIC, "--static"},
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if ((used & names[i].bit) && !(takes & names[i].bit))
			return names[i].text;
	return NULL;
}

int
cli_main(int argc, char **argv, struct envsnap *env)
{
	struct cli c = {.env = env};
	int rc;
	size_t i;

	/* Inside a rolehop shell: the operator's own AWS files again. */
	childenv_restore(env);
	rc = parse_args(&c, argc, argv);
	if (rc >= 0)
		goto out;
	log_set_level(c.verbose);
	if (c.command == NULL && ui_hook && isatty(STDIN_FILENO))
		c.command = "ui";
	if (c.command == NULL) {
		fputs(USAGE, stderr);
		rc = 2;
		goto out;
	}
	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(commands[i].name, c.command) == 0)
			break;
	if (i == sizeof commands / sizeof *commands) {
		rc = cli_usage_error("unknown command '%s'", c.command);
		goto out;
	}
	{
		const char *bad =
		    unexpected_option(c.used, commands[i].options);

		if (bad) {
			rc = cli_usage_error("%s takes no %s", c.command, bad);
			goto out;
		}
	}
	if (commands[i].options & OPT_NO_TARGETS) {
		rc = commands[i].run(&c);
		goto out;
	}
	if ((rc = load_targets(&c)) >= 0)
		goto out;
	rc = commands[i].run(&c);
out:
	if (c.engine_ready)
		engine_done(&c.engine);
	if (c.targets_loaded)
		targets_free(&c.targets);
	free(c.args);
	free(c.regions);
	fflush(stdout);
	if (ferror(stdout) && rc == 0) {
		fputs("rolehop: cannot write to standard output\n", stderr);
		rc = 1;
	}
	return rc;
}
