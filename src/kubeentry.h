/*
 * kubeentry - the kubeconfig entries rolehop writes for one cluster.
 *
 * One cluster, user and context, named rolehop:TARGET:REGION:CLUSTER so
 * that two roles on one cluster never overwrite each other; the context is
 * named by an alias when one is given (the caller's, else the rolehop
 * config's). The user entry runs `rolehop token` as kubectl's exec plugin,
 * with the settings that make it resolve the same target (the AWS and
 * rolehop config files, custom endpoints) in its environment, as absolute
 * paths. The rolehop config's per-cluster server, certificate_authority,
 * tls_server_name, proxy_url and namespace replace or add to what EKS
 * says. Used by the kubeconfig command, exec/shell --cluster and the
 * interface.
 *
 * Ownership: struct kubeentry owns the strings behind its kube_entry,
 * except those borrowed from the cluster, the target and the alias, which
 * must outlive it; kubeentry_done() frees it.
 */
#ifndef ROLEHOP_KUBEENTRY_H
#define ROLEHOP_KUBEENTRY_H

#include <stddef.h>

#include "eks.h"
#include "envsnap.h"
#include "kubeconfig.h"
#include "rhconfig.h"
#include "targets.h"

/* Where the plugin's settings come from. */
struct kubeentry_ctx {
	const struct envsnap *env;
	const char *argv0;       /* how rolehop was started */
	const char *config_path; /* --config, or NULL */
	/* The rolehop config actually read (relative certificate_authority
	 * paths are relative to its directory), or NULL. */
	const char *rh_config_path;
	/* The target the plugin signs as: NULL for the entry's own target;
	 * "ambient" in a child whose environment already holds the target's
	 * credentials. */
	const char *plugin_target;
};

struct kubeentry {
	struct kube_entry e;
	/* storage */
	char *command;
	char *args[8];
	size_t nargs;
	char *env[16];
	size_t nenv;
	char *name;
	char *ca_file;
};

void kubeentry_build(const struct kubeentry_ctx *, const struct target *t,
                     const struct eks_cluster *k, const char *alias,
                     struct kubeentry *);
void kubeentry_done(struct kubeentry *);

/* path made absolute (against the current directory). Caller frees. */
char *kubeentry_absolute(const char *path);
/* How to run this rolehop again from elsewhere: argv0 made absolute when
 * it names a path, else "rolehop" (found on PATH). Caller frees. */
char *kubeentry_self(const char *argv0);

/* The rolehop config's settings for cluster name of t (in region, when
 * given), or NULL. */
const struct rh_cluster *kubeentry_find_pin(const struct target *t,
                                            const char *name,
                                            const char *region);

#endif
