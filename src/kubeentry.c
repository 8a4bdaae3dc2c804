/*
 * kubeentry - building rolehop's kubeconfig entries for a cluster.
 */
#include "config.h"

#include "kubeentry.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

const struct rh_cluster *
kubeentry_find_pin(const struct target *t, const char *name, const char *region)
{
	if (t->rh == NULL)
		return NULL;
	for (size_t i = 0; i < t->rh->nclusters; i++) {
		const struct rh_cluster *p = &t->rh->clusters[i];

		if (strcmp(p->name, name) == 0 &&
		    (region == NULL || p->region == NULL ||
		     strcmp(p->region, region) == 0))
			return p;
	}
	return NULL;
}

/* Settings worth carrying into the plugin's environment; paths are made
 * absolute, since kubectl may run from another directory. */
static const struct {
	const char *name;
	bool path;
} carried_env[] = {
    {"AWS_CONFIG_FILE", true},       {"AWS_SHARED_CREDENTIALS_FILE", true},
    {"AWS_CA_BUNDLE", true},         {"AWS_ENDPOINT_URL", false},
    {"AWS_ENDPOINT_URL_STS", false}, {"AWS_STS_REGIONAL_ENDPOINTS", false},
};

char *
kubeentry_absolute(const char *path)
{
	char buf[PATH_MAX];

	if (path[0] == '/')
		return xstrdup(path);
	if (realpath(path, buf))
		return xstrdup(buf);
	if (getcwd(buf, sizeof buf))
		return xasprintf("%s/%s", buf, path);
	return xstrdup(path);
}

char *
kubeentry_self(const char *argv0)
{
	return strchr(argv0, '/') ? kubeentry_absolute(argv0)
	                          : xstrdup("rolehop");
}

/* A path from the rolehop config: relative to the config's directory. */
static char *
config_relative(const struct kubeentry_ctx *ctx, const char *path)
{
	const char *slash =
	    ctx->rh_config_path ? strrchr(ctx->rh_config_path, '/') : NULL;
	char *joined, *abs;

	if (path[0] == '/' || slash == NULL)
		return kubeentry_absolute(path);
	joined = xasprintf("%.*s/%s", (int)(slash - ctx->rh_config_path),
	                   ctx->rh_config_path, path);
	abs = kubeentry_absolute(joined);
	free(joined);
	return abs;
}

/* The plugin: its program, arguments and environment. */
static void
exec_build(const struct kubeentry_ctx *ctx, const struct target *t,
           const struct eks_cluster *k, struct kubeentry *b)
{
	const char *rhcfg =
	    ctx->config_path ? ctx->config_path
	                     : envsnap_get_nonempty(ctx->env, "ROLEHOP_CONFIG");

	/* Started by path: keep that program; from PATH: let kubectl find it
	 * the same way. */
	b->command = kubeentry_self(ctx->argv0);
	b->args[b->nargs++] = xstrdup("token");
	b->args[b->nargs++] =
	    xstrdup(ctx->plugin_target ? ctx->plugin_target : t->name);
	b->args[b->nargs++] = xstrdup("--cluster");
	b->args[b->nargs++] = xstrdup(k->name);
	b->args[b->nargs++] = xstrdup("--region");
	b->args[b->nargs++] = xstrdup(k->region);
	for (size_t i = 0; i < sizeof carried_env / sizeof *carried_env; i++) {
		const char *v =
		    envsnap_get_nonempty(ctx->env, carried_env[i].name);
		char *val;

		if (v == NULL)
			continue;
		val = carried_env[i].path ? kubeentry_absolute(v) : xstrdup(v);
		b->env[b->nenv++] =
		    xasprintf("%s=%s", carried_env[i].name, val);
		free(val);
	}
	if (rhcfg) {
		char *val = kubeentry_absolute(rhcfg);

		b->env[b->nenv++] = xasprintf("ROLEHOP_CONFIG=%s", val);
		free(val);
	}
	b->e.exec.command = b->command;
	b->e.exec.args = (const char *const *)b->args;
	b->e.exec.nargs = b->nargs;
	b->e.exec.env = (const char *const *)b->env;
	b->e.exec.nenv = b->nenv;
	b->e.exec.install_hint = "rolehop is needed to sign in to this "
	                         "cluster: see rolehop(1)";
}

void
kubeentry_build(const struct kubeentry_ctx *ctx, const struct target *t,
                const struct eks_cluster *k, const char *alias,
                struct kubeentry *b)
{
	const struct rh_cluster *pin =
	    kubeentry_find_pin(t, k->name, k->region);

	memset(b, 0, sizeof *b);
	exec_build(ctx, t, k, b);
	b->name = xasprintf("rolehop:%s:%s:%s", t->name, k->region, k->name);
	b->e.name = b->name;
	b->e.context = alias ? alias : pin && pin->alias ? pin->alias : b->name;
	b->e.server = pin && pin->server ? pin->server : k->endpoint;
	if (pin && pin->certificate_authority) {
		b->ca_file = config_relative(ctx, pin->certificate_authority);
		b->e.ca_file = b->ca_file;
	} else {
		b->e.ca_data = k->ca_data;
	}
	if (pin) {
		b->e.tls_server_name = pin->tls_server_name;
		b->e.proxy_url = pin->proxy_url;
		b->e.namespace = pin->namespace;
	}
}

void
kubeentry_done(struct kubeentry *b)
{
	free(b->command);
	for (size_t i = 0; i < b->nargs; i++)
		free(b->args[i]);
	for (size_t i = 0; i < b->nenv; i++)
		free(b->env[i]);
	free(b->name);
	free(b->ca_file);
	memset(b, 0, sizeof *b);
}
