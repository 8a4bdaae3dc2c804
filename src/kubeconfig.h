/*
 * kubeconfig - merge rolehop's entries into a kubeconfig, safely.
 *
 * The file is loaded with libyaml into a node tree that keeps every key
 * rolehop does not know (other clusters, users, contexts, preferences,
 * extensions, unknown top-level keys), the three entries of one
 * struct kube_entry are replaced by name or appended (aws-protocols.md
 * 5.2), current-context is set, and the tree is emitted again with
 * libyaml's emitter. A document that is not a kubeconfig (invalid YAML,
 * clusters/users/contexts not lists, an entry that is not a mapping) is
 * refused with FILE:LINE and nothing is written. So are anchors and
 * aliases, more than one document, a repeated clusters, contexts, users
 * or current-context key, and files past the limits (KUBECONFIG_MAX_FILE,
 * nesting, node count). Comments are not kept (libyaml does not report
 * them); everything else is, in order and in its original style.
 *
 * Writing follows kubectl's convention: FILE.lock created with O_EXCL
 * (waited for up to a timeout; DISABLE_KUBECONFIG_LOCK turns it off), the
 * file re-read under the lock, the result written to a temporary file in
 * the same directory, fsync'd and renamed over FILE; the previous content
 * is kept as FILE.rolehop.bak. A new file is created 0600, an existing one
 * keeps its mode. A failure at any step leaves FILE byte-identical. When
 * the merge changes nothing, nothing is written. A symbolic link at FILE
 * is written through (the link stays; the backup goes next to the file
 * it points to), as kubectl does.
 *
 * No secret is ever part of a kube_entry: the user entry runs an exec
 * plugin (rolehop token) instead of holding a token.
 *
 * Ownership: every pointer in the structs is borrowed; the output of
 * kubeconfig_merge() and kubeconfig_render() is the caller's to free.
 */
#ifndef ROLEHOP_KUBECONFIG_H
#define ROLEHOP_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define KUBECONFIG_EXEC_API_VERSION "client.authentication.k8s.io/v1"
#define KUBECONFIG_MAX_FILE (16u << 20)
#define KUBECONFIG_LOCK_TIMEOUT_MS 10000

/* The user entry's exec plugin (written with interactiveMode: Never). */
struct kube_exec {
	const char *api_version; /* NULL: KUBECONFIG_EXEC_API_VERSION */
	const char *command;
	const char *const *args;
	size_t nargs;
	const char *const *env; /* "NAME=value" strings */
	size_t nenv;
	const char *install_hint; /* NULL: none */
};

/* One cluster, user and context. */
struct kube_entry {
	const char *name;    /* the cluster and the user entry's name */
	const char *context; /* the context's name */
	const char *server;
	const char *ca_data;         /* certificate-authority-data, or NULL */
	const char *ca_file;         /* certificate-authority (wins), or NULL */
	const char *tls_server_name; /* or NULL */
	const char *proxy_url;       /* or NULL */
	const char *namespace;       /* the context's namespace, or NULL */
	struct kube_exec exec;
};

/* Merge e into the kubeconfig text (NULL or empty, or only comments: a
 * new kubeconfig). path is used in messages only. *updated tells whether
 * a context of that name was there before. */
enum status kubeconfig_merge(const char *path, const char *text, size_t len,
                             const struct kube_entry *e, char **out,
                             size_t *outlen, bool *updated, struct err *);

/* A kubeconfig that holds only e, as its current context. */
enum status kubeconfig_render(const struct kube_entry *e, char **out,
                              size_t *outlen, struct err *);

struct kube_write_opts {
	long lock_timeout_ms; /* 0: KUBECONFIG_LOCK_TIMEOUT_MS */
	bool no_lock;         /* DISABLE_KUBECONFIG_LOCK is set */
};

/* Lock, read, merge, write atomically and unlock, as described above.
 * Missing parent directories are created (0700). */
enum status kubeconfig_update_file(const char *path, const struct kube_entry *e,
                                   const struct kube_write_opts *,
                                   bool *updated, struct err *);

/* The file to write: option (--kubeconfig) when set, else the first
 * non-empty element of kubeconfig_env ($KUBECONFIG, ':'-separated), else
 * HOME/.kube/config. NULL when none can be named (no HOME). Caller
 * frees. */
char *kubeconfig_choose_path(const char *option, const char *kubeconfig_env,
                             const char *home);

#endif
