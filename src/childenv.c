/*
 * childenv - a child's environment, private AWS config and kubeconfig.
 */
#include "config.h"

#include "childenv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "kubeconfig.h"
#include "spawn.h"
#include "xalloc.h"

void
childenv_restore(struct envsnap *env)
{
	static const char *const pairs[][2] = {
	    {"ROLEHOP_AWS_CONFIG_FILE", "AWS_CONFIG_FILE"},
	    {"ROLEHOP_AWS_SHARED_CREDENTIALS_FILE",
	     "AWS_SHARED_CREDENTIALS_FILE"},
	};
	const char *p = envsnap_get(env, "AWS_PROFILE");

	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		const char *v = envsnap_get_nonempty(env, pairs[i][0]);

		if (v) {
			char *copy = xstrdup(v);

			envsnap_set(env, pairs[i][1], copy);
			free(copy);
		}
	}
	if (p && strcmp(p, CHILDENV_PROFILE) == 0)
		envsnap_unset(env, "AWS_PROFILE");
}

/* The operator's file for var (default HOME/.aws/NAME), absolute. */
static char *
aws_file(const struct envsnap *env, const char *var, const char *name)
{
	const char *v = envsnap_get_nonempty(env, var);
	const char *home = envsnap_get_nonempty(env, "HOME");

	if (v)
		return kubeentry_absolute(v);
	return home ? xasprintf("%s/.aws/%s", home, name) : NULL;
}

/* s quoted for a credential_process line: single quotes as for sh (which
 * the SDKs run it with, and which Python's shlex.split reads alike), with
 * '#' and ';' outside the quotes, escaped, because some SDKs' INI readers
 * cut a line at whitespace followed by either. Caller frees. */
static char *
quote_arg(const char *s)
{
	struct buf b;

	buf_init(&b, 8 * strlen(s) + 16);
	buf_appendc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_appends(&b, "'\\''");
		else if (*s == '#' || *s == ';')
			buf_printf(&b, "'\\%c'", *s);
		else
			buf_appendc(&b, *s);
	}
	buf_appendc(&b, '\'');
	return buf_take(&b);
}

/* The private AWS config: one profile whose credentials come from
 * `rolehop creds TARGET`. */
static enum status
write_aws_config(struct childenv *ce, const struct childenv_opts *o,
                 const char **path, struct err *e)
{
	char *self = kubeentry_self(o->ctx->argv0);
	char *qself = quote_arg(self), *qname = quote_arg(o->t->name);
	struct buf b;
	enum status st;

	buf_init(&b, 1u << 16);
	buf_printf(&b,
	           "# Written by rolehop for a shell as %s: the AWS CLI and "
	           "SDKs\n# get fresh credentials from rolehop whenever they "
	           "need them.\n[profile %s]\ncredential_process = %s creds "
	           "%s\n",
	           o->t->name, CHILDENV_PROFILE, qself, qname);
	if (o->t->region)
		buf_printf(&b, "region = %s\n", o->t->region);
	st = privdir_write(&ce->dir, "aws-config", buf_str(&b), b.len, path, e);
	buf_free(&b);
	free(self);
	free(qself);
	free(qname);
	return st;
}

/* A name that can go into an INI line as it is. */
static bool
ini_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The refreshing setup: no keys, the private profile instead. */
static enum status
use_credential_process(struct childenv *ce, const struct childenv_opts *o,
                       struct err *e)
{
	const struct envsnap *base = o->ctx->env;
	char *cfg = aws_file(base, "AWS_CONFIG_FILE", "config");
	char *cred =
	    aws_file(base, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
	const char *path;
	char *nocred;
	enum status st;

	/* A name the credential_process line cannot carry: control
	 * characters (INI lines), a leading '-' (an option to rolehop). */
	if (!ini_safe(o->t->name) || o->t->name[0] == '-' ||
	    (o->t->region &&
	     (!ini_safe(o->t->region) ||
	      strcspn(o->t->region, " \t#;") != strlen(o->t->region)))) {
		free(cfg);
		free(cred);
		err_set(e, ST_USAGE,
		        "target %s: its name or region cannot go into a "
		        "private AWS config",
		        o->t->name);
		err_hint(e, "use --static for plain environment keys");
		return e->status;
	}
	if ((st = write_aws_config(ce, o, &path, e)) != ST_OK) {
		free(cfg);
		free(cred);
		return st;
	}
	envsnap_unset(&ce->env, "AWS_ACCESS_KEY_ID");
	envsnap_unset(&ce->env, "AWS_SECRET_ACCESS_KEY");
	envsnap_unset(&ce->env, "AWS_SESSION_TOKEN");
	if (cfg)
		envsnap_set(&ce->env, "ROLEHOP_AWS_CONFIG_FILE", cfg);
	if (cred)
		envsnap_set(&ce->env, "ROLEHOP_AWS_SHARED_CREDENTIALS_FILE",
		            cred);
	envsnap_set(&ce->env, "AWS_CONFIG_FILE", path);
	/* No credentials file: one with a [rolehop-shell] section would win
	 * over the credential_process. */
	nocred = xasprintf("%s/no-credentials", ce->dir.path);
	envsnap_set(&ce->env, "AWS_SHARED_CREDENTIALS_FILE", nocred);
	envsnap_set(&ce->env, "AWS_PROFILE", CHILDENV_PROFILE);
	free(nocred);
	free(cfg);
	free(cred);
	return ST_OK;
}

static enum status
give_kubeconfig(struct childenv *ce, const struct childenv_opts *o,
                struct err *e)
{
	struct kubeentry_ctx ctx = *o->ctx;
	struct kubeentry b;
	const char *path;
	char *text = NULL;
	size_t len;
	enum status st;

	/* Plain keys in the child: its plugin signs with those (ambient);
	 * otherwise it resolves the target itself, as credential_process
	 * does. */
	ctx.plugin_target = o->static_keys ? "ambient" : NULL;
	kubeentry_build(&ctx, o->t, o->cluster, NULL, &b);
	st = kubeconfig_render(&b.e, &text, &len, e);
	if (st == ST_OK)
		st = privdir_write(&ce->dir, "kubeconfig", text, len, &path, e);
	if (st == ST_OK) {
		envsnap_set(&ce->env, "KUBECONFIG", path);
		envsnap_set(&ce->env, "ROLEHOP_KUBE_CONTEXT", b.e.context);
		ce->context = xstrdup(b.e.context);
	}
	free(text);
	kubeentry_done(&b);
	return st;
}

enum status
childenv_build(struct childenv *ce, const struct childenv_opts *o,
               struct err *e)
{
	const struct envsnap *base = o->ctx->env;
	struct spawn_identity id = {.target = o->t->name,
	                            .account = o->creds->account,
	                            .region = o->t->region};
	const char *depth = envsnap_get_nonempty(base, "ROLEHOP_DEPTH");
	char num[16];
	enum status st = ST_OK;

	memset(ce, 0, sizeof *ce);
	envsnap_from(&ce->env, (const char *const *)base->vars);
	spawn_env_apply_creds(&ce->env, o->creds, &id);
	ce->depth = (depth ? atoi(depth) : 0) + 1;
	if (ce->depth < 1 || ce->depth > 1000)
		ce->depth = 1;
	snprintf(num, sizeof num, "%d", ce->depth);
	envsnap_set(&ce->env, "ROLEHOP_DEPTH", num);
	envsnap_unset(&ce->env, "ROLEHOP_KUBE_CONTEXT");
	if (o->ctx->config_path) {
		char *abs = kubeentry_absolute(o->ctx->config_path);

		envsnap_set(&ce->env, "ROLEHOP_CONFIG", abs);
		free(abs);
	}
	if ((!o->static_keys || o->cluster) &&
	    privdir_create(&ce->dir, base, e) != ST_OK)
		st = e->status;
	if (st == ST_OK && !o->static_keys)
		st = use_credential_process(ce, o, e);
	if (st == ST_OK && o->cluster)
		st = give_kubeconfig(ce, o, e);
	if (st != ST_OK)
		childenv_done(ce);
	return st;
}

void
childenv_done(struct childenv *ce)
{
	privdir_remove(&ce->dir);
	envsnap_free(&ce->env);
	free(ce->context);
	ce->context = NULL;
}
