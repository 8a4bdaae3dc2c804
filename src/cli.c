/*
 * cli - list, whoami, creds, env, exec and shell.
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

#include "chain.h"
#include "jsonutil.h"
#include "log.h"
#include "shquote.h"
#include "spawn.h"
#include "targets.h"
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
	"  creds TARGET                       credential_process JSON\n"       \
	"  env TARGET [--format sh|fish|json] statements for eval\n"           \
	"  exec TARGET -- CMD [ARG]...        run CMD as the target\n"         \
	"  shell TARGET                       a $SHELL as the target\n"        \
	"\n"                                                                   \
	"Options:\n"                                                           \
	"  -c, --config FILE   rolehop config (default "                       \
	"$XDG_CONFIG_HOME/rolehop/config.yaml)\n"                              \
	"      --no-cache      neither read nor write the credential cache\n"  \
	"      --timeout SECS  the most one request may take (default 10)\n"   \
	"  -v, --verbose       diagnostics on stderr (secrets redacted)\n"     \
	"  -h, --help          this help\n"                                    \
	"  -V, --version       the version\n"                                  \
	"\n"                                                                   \
	"See rolehop(1).\n"

struct cli {
	struct envsnap *env;
	const char *config_path;
	bool no_cache;
	long timeout_ms;
	int verbose;
	/* the command and its words, options removed */
	const char *command;
	char **args;
	int nargs;
	/* command options */
	bool json;
	const char *format;
	char **cmd; /* exec: after "--" */
	int ncmd;
	struct targets targets;
	bool targets_loaded;
	struct engine engine;
	bool engine_ready;
};

/* Print an error record: one line, then the hint. */
static int
report(const struct err *e)
{
	fprintf(stderr, "rolehop: %s\n", e->msg);
	if (e->hint[0])
		fprintf(stderr, "hint: %s\n", e->hint);
	return err_exit_code(e->status);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
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

/* Parse argv into c. Returns -1 to go on, else an exit status. */
static int
parse_args(struct cli *c, int argc, char **argv)
{
	c->args = xcalloc((size_t)argc + 1, sizeof *c->args);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			c->cmd = &argv[i + 1];
			c->ncmd = argc - i - 1;
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
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			c->verbose++;
		} else if (strcmp(a, "-vv") == 0) {
			c->verbose += 2;
		} else if (strcmp(a, "--no-cache") == 0) {
			c->no_cache = true;
		} else if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 ||
		           strcmp(a, "--format") == 0) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", a);
			if (a[1] == 'c' || a[2] == 'c')
				c->config_path = argv[++i];
			else
				c->format = argv[++i];
		} else if (strcmp(a, "--timeout") == 0 ||
		           strncmp(a, "--timeout=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : argv[++i];
			char *end;
			double secs;

			if (v == NULL)
				return usage_error("--timeout needs a value");
			secs = strtod(v, &end);
			if (*end != '\0' || !(secs > 0) || secs > 3600)
				return usage_error("--timeout takes seconds "
				                   "(0 to 3600), not '%s'",
				                   v);
			c->timeout_ms = (long)(secs * 1000);
		} else if (strncmp(a, "--config=", 9) == 0) {
			c->config_path = a + 9;
		} else if (strncmp(a, "--format=", 9) == 0) {
			c->format = a + 9;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option '%s'", a);
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
		return report(&e);
	return -1;
}

static int
start_engine(struct cli *c, bool allow_prompt)
{
	struct err e;

	if (engine_init(&c->engine, &c->targets, c->env, c->no_cache,
	                c->timeout_ms, &e) != ST_OK)
		return report(&e);
	c->engine.allow_prompt = allow_prompt;
	c->engine_ready = true;
	return -1;
}

/* Role name of an ARN, for compact listings. */
static const char *
short_role(const char *arn)
{
	const char *slash = strrchr(arn, '/');

	return slash ? slash + 1 : arn;
}

static cJSON *
hop_json(const struct hop *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", hop_kind_name(h->kind));
	if (h->profile)
		cJSON_AddStringToObject(o, "profile", h->profile);
	if (h->role_arn)
		cJSON_AddStringToObject(o, "role_arn", h->role_arn);
	if (h->session_name)
		cJSON_AddStringToObject(o, "session_name", h->session_name);
	if (h->external_id)
		cJSON_AddStringToObject(o, "external_id", h->external_id);
	if (h->mfa_serial)
		cJSON_AddStringToObject(o, "mfa_serial", h->mfa_serial);
	if (h->duration_seconds)
		cJSON_AddNumberToObject(o, "duration_seconds",
		                        h->duration_seconds);
	if (h->token_file)
		cJSON_AddStringToObject(o, "token_file", h->token_file);
	return o;
}

static void
print_json(cJSON *root)
{
	char *s = cJSON_Print(root);

	fputs(s, stdout);
	fputc('\n', stdout);
	secret_free_str(s);
	cJSON_Delete(root);
}

static int
cmd_list(struct cli *c)
{
	const struct targets *ts = &c->targets;

	if (c->nargs > 0)
		return usage_error("list takes no target ('%s')", c->args[0]);
	if (c->json) {
		cJSON *root = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(root, "targets");

		for (size_t i = 0; i < ts->n; i++) {
			const struct target *t = &ts->v[i];
			cJSON *o = cJSON_CreateObject(), *chain, *regions;

			cJSON_AddStringToObject(o, "name", t->name);
			cJSON_AddStringToObject(o, "source",
			                        target_source_name(t->source));
			jsonutil_add_str(o, "profile", t->profile);
			jsonutil_add_str(o, "region", t->region);
			regions = cJSON_AddArrayToObject(o, "regions");
			for (size_t j = 0; j < t->nregions; j++)
				cJSON_AddItemToArray(
				    regions, cJSON_CreateString(t->regions[j]));
			chain = cJSON_AddArrayToObject(o, "chain");
			for (size_t j = 0; j < t->nhops; j++)
				cJSON_AddItemToArray(chain,
				                     hop_json(&t->hops[j]));
			if (t->color)
				cJSON_AddStringToObject(o, "color", t->color);
			cJSON_AddBoolToObject(o, "confirm", t->confirm);
			if (t->error)
				cJSON_AddStringToObject(o, "error", t->error);
			cJSON_AddItemToArray(arr, o);
		}
		print_json(root);
		return 0;
	}
	{
		size_t w = 4;

		for (size_t i = 0; i < ts->n; i++)
			if (strlen(ts->v[i].name) > w)
				w = strlen(ts->v[i].name);
		printf("%-*s  %-14s  %s\n", (int)w, "NAME", "SOURCE", "CHAIN");
		for (size_t i = 0; i < ts->n; i++) {
			const struct target *t = &ts->v[i];

			printf("%-*s  %-14s  ", (int)w, t->name,
			       target_source_name(t->source));
			if (t->error) {
				printf("error: %s\n", t->error);
				continue;
			}
			for (size_t j = 0; j < t->nhops; j++) {
				const struct hop *h = &t->hops[j];

				printf("%s%s", j ? " > " : "",
				       hop_kind_name(h->kind));
				if (h->role_arn)
					printf(" %s", short_role(h->role_arn));
				else if (h->profile)
					printf(" (%s)", h->profile);
			}
			putchar('\n');
		}
	}
	return 0;
}

/* What whoami and friends wait for. */
struct assume_state {
	struct chain_result *res;
	bool want_identity;
	bool have_identity;
	struct sts_identity id;
	struct err id_err;
	enum status id_status;
	struct engine *eng;
};

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
static int
assume(struct cli *c, const struct target *t, bool want_identity,
       struct assume_state *s)
{
	memset(s, 0, sizeof *s);
	s->want_identity = want_identity;
	s->eng = &c->engine;
	chain_assume(&c->engine, t, on_chain_done, s);
	engine_run(&c->engine);
	if (s->res->status != ST_OK)
		return report(&s->res->err);
	if (want_identity && s->id_status != ST_OK)
		return report(&s->id_err);
	return -1;
}

static void
assume_state_done(struct assume_state *s)
{
	chain_result_free(s->res);
	sts_identity_done(&s->id);
}

/* Resolve the one TARGET argument of a command. */
static const struct target *
the_target(struct cli *c, int *rc)
{
	const struct target *t;
	struct err e;

	if (c->nargs != 1) {
		if (c->nargs)
			*rc = usage_error("%s takes one TARGET", c->command);
		else
			*rc = usage_error("%s needs a TARGET", c->command);
		return NULL;
	}
	t = targets_get(&c->targets, c->args[0], &e);
	if (t == NULL)
		*rc = report(&e);
	return t;
}

static void
json_time(cJSON *o, const char *name, time_t t)
{
	char iso[TIMEFMT_ISO_LEN];

	if (t == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	timefmt_iso(t, iso);
	cJSON_AddStringToObject(o, name, iso);
}

static void
whoami_text(const struct target *t, const struct assume_state *s)
{
	time_t now = time(NULL);

	printf("%s (%s)\n", t->name, target_source_name(t->source));
	for (size_t i = 0; i < s->res->nhops; i++) {
		const struct hop *h = &t->hops[i];
		const struct hop_result *hr = &s->res->hops[i];

		printf("  hop %zu  %-12s  ", i + 1, hop_kind_name(h->kind));
		if (hr->skipped) {
			printf("%s  (not needed: a later hop was cached)\n",
			       h->role_arn ? h->role_arn : "");
			continue;
		}
		printf("%s", hr->creds.arn ? hr->creds.arn
		             : h->role_arn ? h->role_arn
		             : h->profile  ? h->profile
		                           : "");
		if (hr->creds.expiration) {
			char iso[TIMEFMT_ISO_LEN], left[32];

			timefmt_iso(hr->creds.expiration, iso);
			timefmt_remaining((long)(hr->creds.expiration - now),
			                  left, sizeof left);
			printf("  expires %s (%s)", iso, left);
		}
		if (hr->from_cache)
			printf("  [cached]");
		putchar('\n');
		if (hr->clamped_from)
			printf("         duration_seconds %d clamped to %d: "
			       "role chaining is limited to 1 hour\n",
			       hr->clamped_from, CHAIN_MAX_CHAINED_DURATION);
	}
	printf("account  %s\n", s->id.account ? s->id.account : "");
	printf("arn      %s\n", s->id.arn ? s->id.arn : "");
	printf("user_id  %s\n", s->id.user_id ? s->id.user_id : "");
}

static void
whoami_json(const struct target *t, const struct assume_state *s)
{
	cJSON *root = cJSON_CreateObject(), *hops, *id;
	const struct creds *fin = chain_final(s->res);

	cJSON_AddStringToObject(root, "target", t->name);
	hops = cJSON_AddArrayToObject(root, "hops");
	for (size_t i = 0; i < s->res->nhops; i++) {
		const struct hop *h = &t->hops[i];
		const struct hop_result *hr = &s->res->hops[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", hop_kind_name(h->kind));
		jsonutil_add_str(o, "role_arn", h->role_arn);
		jsonutil_add_str(o, "arn", hr->creds.arn);
		jsonutil_add_str(o, "account", hr->creds.account);
		jsonutil_add_str(o, "user_id", hr->creds.user_id);
		json_time(o, "expiration", hr->creds.expiration);
		cJSON_AddBoolToObject(o, "cached", hr->from_cache);
		if (hr->skipped)
			cJSON_AddBoolToObject(o, "skipped", true);
		if (hr->clamped_from)
			cJSON_AddNumberToObject(o, "duration_clamped_from",
			                        hr->clamped_from);
		cJSON_AddItemToArray(hops, o);
	}
	id = cJSON_AddObjectToObject(root, "identity");
	jsonutil_add_str(id, "account", s->id.account);
	jsonutil_add_str(id, "arn", s->id.arn);
	jsonutil_add_str(id, "user_id", s->id.user_id);
	json_time(root, "expiration", fin ? fin->expiration : 0);
	print_json(root);
}

static int
cmd_whoami(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	int rc = -1;

	if ((t = the_target(c, &rc)) == NULL)
		return rc;
	if ((rc = start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	rc = assume(c, t, true, &s);
	if (rc < 0) {
		if (c->json)
			whoami_json(t, &s);
		else
			whoami_text(t, &s);
		rc = 0;
	}
	assume_state_done(&s);
	return rc;
}

static int
cmd_creds(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	const struct creds *fin;
	cJSON *root;
	int rc = -1;

	if ((t = the_target(c, &rc)) == NULL)
		return rc;
	if ((rc = start_engine(c, false)) >= 0)
		return rc;
	if ((rc = assume(c, t, false, &s)) >= 0) {
		assume_state_done(&s);
		return rc;
	}
	fin = chain_final(s.res);
	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "Version", 1);
	cJSON_AddStringToObject(root, "AccessKeyId", fin->access_key_id);
	cJSON_AddStringToObject(root, "SecretAccessKey",
	                        fin->secret_access_key);
	if (fin->session_token)
		cJSON_AddStringToObject(root, "SessionToken",
		                        fin->session_token);
	if (fin->expiration)
		json_time(root, "Expiration", fin->expiration);
	{
		char *out = cJSON_PrintUnformatted(root);

		puts(out);
		secret_free_str(out);
	}
	cJSON_Delete(root);
	assume_state_done(&s);
	return 0;
}

/* The environment a child of target t gets, built from c->env. */
static void
child_env(const struct cli *c, const struct target *t,
          const struct chain_result *res, struct envsnap *out)
{
	const struct creds *fin = chain_final(res);
	struct spawn_identity id = {.target = t->name, .region = t->region};

	envsnap_from(out, (const char *const *)c->env->vars);
	id.account = fin->account;
	if (id.account == NULL && fin->arn == NULL) {
		/* Static keys: no identity from AssumeRole. */
		id.account = NULL;
	}
	spawn_env_apply_creds(out, fin, &id);
}

/* Variable name of a "NAME=value" entry, copied into name. */
static void
var_name(const char *kv, char *name, size_t len)
{
	size_t n = strcspn(kv, "=");

	if (n >= len)
		n = len - 1;
	memcpy(name, kv, n);
	name[n] = '\0';
}

static int
cmd_env(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	struct envsnap child;
	const char *fmt = c->format ? c->format : "sh";
	cJSON *json = NULL;
	int rc = -1;

	if (strcmp(fmt, "sh") != 0 && strcmp(fmt, "fish") != 0 &&
	    strcmp(fmt, "json") != 0)
		return usage_error("--format is sh, fish or json, not '%s'",
		                   fmt);
	if (c->json)
		fmt = "json";
	if ((t = the_target(c, &rc)) == NULL)
		return rc;
	if ((rc = start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	if ((rc = assume(c, t, false, &s)) >= 0) {
		assume_state_done(&s);
		return rc;
	}
	child_env(c, t, s.res, &child);
	if (strcmp(fmt, "json") == 0)
		json = cJSON_CreateObject();
	/* Unset what the child loses, set what it gains or changes. */
	for (size_t i = 0; i < c->env->n; i++) {
		char name[256];

		var_name(c->env->vars[i], name, sizeof name);
		if (envsnap_get(&child, name) != NULL ||
		    !shquote_valid_name(name))
			continue;
		if (json)
			cJSON_AddNullToObject(json, name);
		else if (strcmp(fmt, "fish") == 0)
			printf("set -e %s;\n", name);
		else
			printf("unset %s;\n", name);
	}
	for (size_t i = 0; i < child.n; i++) {
		char name[256];
		const char *v, *old;
		char *q;

		var_name(child.vars[i], name, sizeof name);
		v = child.vars[i] + strlen(name) + 1;
		old = envsnap_get(c->env, name);
		if ((old && strcmp(old, v) == 0) || !shquote_valid_name(name))
			continue;
		if (json) {
			cJSON_AddStringToObject(json, name, v);
			continue;
		}
		q = strcmp(fmt, "fish") == 0 ? shquote_fish(v) : shquote_sh(v);
		if (strcmp(fmt, "fish") == 0)
			printf("set -gx %s %s;\n", name, q);
		else
			printf("export %s=%s;\n", name, q);
		secret_free_str(q);
	}
	if (json)
		print_json(json);
	envsnap_free(&child);
	assume_state_done(&s);
	return 0;
}

/* exec and shell: run argv as the target. */
static int
run_as(struct cli *c, const struct target *t, const char *const *argv,
       bool banner)
{
	struct assume_state s;
	struct envsnap child;
	struct err e;
	int rc;

	if ((rc = start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	if ((rc = assume(c, t, false, &s)) >= 0) {
		assume_state_done(&s);
		return rc;
	}
	child_env(c, t, s.res, &child);
	if (banner) {
		const struct creds *fin = chain_final(s.res);

		fprintf(stderr, "rolehop: shell as %s%s%s%s; exit to return\n",
		        t->name, fin->account ? " (account " : "",
		        fin->account ? fin->account : "",
		        fin->account ? ")" : "");
	}
	/* Nothing of ours is needed while the child runs. */
	assume_state_done(&s);
	engine_done(&c->engine);
	c->engine_ready = false;
	rc = spawn_run(argv, &child, &e);
	envsnap_free(&child);
	if (rc < 0)
		return report(&e) == 2 ? 2 : 127;
	return rc;
}

static int
cmd_exec(struct cli *c)
{
	const struct target *t;
	int rc = -1;

	if (c->ncmd == 0)
		return usage_error("%s needs -- CMD [ARG]...", "exec");
	if ((t = the_target(c, &rc)) == NULL)
		return rc;
	return run_as(c, t, (const char *const *)c->cmd, false);
}

static int
cmd_shell(struct cli *c)
{
	const struct target *t;
	const char *sh = envsnap_get_nonempty(c->env, "SHELL");
	const char *argv[2];
	int rc = -1;

	if (c->ncmd > 0)
		return usage_error("%s takes no command (use exec)", "shell");
	if ((t = the_target(c, &rc)) == NULL)
		return rc;
	argv[0] = sh ? sh : "/bin/sh";
	argv[1] = NULL;
	return run_as(c, t, argv, true);
}

static const struct {
	const char *name;
	int (*run)(struct cli *);
	bool takes_json;
	bool takes_format;
	bool takes_cmd;
} commands[] = {
    {"list", cmd_list, true, false, false},
    {"whoami", cmd_whoami, true, false, false},
    {"creds", cmd_creds, false, false, false},
    {"env", cmd_env, true, true, false},
    {"exec", cmd_exec, false, false, true},
    {"shell", cmd_shell, false, false, false},
};

int
cli_main(int argc, char **argv, struct envsnap *env)
{
	struct cli c = {.env = env};
	int rc;
	size_t i;

	rc = parse_args(&c, argc, argv);
	if (rc >= 0)
		goto out;
	log_set_level(c.verbose);
	if (c.command == NULL) {
		fputs(USAGE, stderr);
		rc = 2;
		goto out;
	}
	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(commands[i].name, c.command) == 0)
			break;
	if (i == sizeof commands / sizeof *commands) {
		rc = usage_error("unknown command '%s'", c.command);
		goto out;
	}
	if (c.json && !commands[i].takes_json) {
		rc = usage_error("%s has no --json", c.command);
		goto out;
	}
	if (c.format && !commands[i].takes_format) {
		rc = usage_error("%s has no --format", c.command);
		goto out;
	}
	if (c.cmd && !commands[i].takes_cmd && strcmp(c.command, "shell")) {
		rc = usage_error("%s takes no -- CMD", c.command);
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
	fflush(stdout);
	if (ferror(stdout) && rc == 0) {
		fputs("rolehop: cannot write to standard output\n", stderr);
		rc = 1;
	}
	return rc;
}
