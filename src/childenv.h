/*
 * childenv - the environment and private files a child of rolehop gets
 * (exec, shell, the interface's shell).
 *
 * By default the child holds no keys: it gets a private AWS config (0600,
 * in a private directory, see privdir.h) whose profile rolehop-shell runs
 * `rolehop creds TARGET` as its credential_process, with AWS_CONFIG_FILE
 * and AWS_PROFILE pointing at it, so the AWS CLI and SDKs chain again
 * whenever the credentials are about to expire (role chaining caps a
 * session at one hour). The operator's own AWS files are named by
 * ROLEHOP_AWS_CONFIG_FILE and ROLEHOP_AWS_SHARED_CREDENTIALS_FILE, which a
 * rolehop started inside the child reads instead (see cli.c), so nested
 * shells and the credential_process find every target. With static_keys
 * the child gets plain AWS_ACCESS_KEY_ID/... instead, for tools that read
 * only those.
 *
 * Also: AWS_CREDENTIAL_EXPIRATION, ROLEHOP_TARGET, ROLEHOP_ACCOUNT and
 * ROLEHOP_DEPTH (the parent's + 1); with a cluster, a private kubeconfig
 * (KUBECONFIG, and ROLEHOP_KUBE_CONTEXT for prompts) whose exec plugin is
 * `rolehop token`; the variables of other credential tools cleared (see
 * spawn.h).
 *
 * Ownership: childenv_done() removes the private files and frees
 * everything; the options are borrowed.
 */
#ifndef ROLEHOP_CHILDENV_H
#define ROLEHOP_CHILDENV_H

#include <stdbool.h>

#include "creds.h"
#include "eks.h"
#include "envsnap.h"
#include "err.h"
#include "kubeentry.h"
#include "privdir.h"
#include "targets.h"

/* The private profile's name; a rolehop inside the child ignores an
 * AWS_PROFILE of that name. */
#define CHILDENV_PROFILE "rolehop-shell"

struct childenv_opts {
	const struct kubeentry_ctx *ctx; /* rolehop's environment etc. */
	const struct target *t;
	const struct creds *creds; /* the chain's final credentials */
	bool static_keys;
	const struct eks_cluster *cluster; /* a kubeconfig for it, or NULL */
};

struct childenv {
	struct envsnap env;
	struct privdir dir;
	char *context; /* the kubeconfig's context, or NULL */
	int depth;
};

enum status childenv_build(struct childenv *, const struct childenv_opts *,
                           struct err *);
void childenv_done(struct childenv *);

/* Called at start-up: inside a rolehop child, put the operator's AWS files
 * back (ROLEHOP_AWS_*) and drop the private profile. */
void childenv_restore(struct envsnap *env);

#endif
