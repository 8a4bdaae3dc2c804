/*
 * rhconfig - the rolehop configuration file (YAML, parsed with libyaml's
 * event API).
 *
 * Shape (spec/cli.md "Targets"):
 *
 *   regions: [us-east-1, eu-west-1]
 *   targets:
 *     - name: dev
 *       role_arn: arn:aws:iam::222222222222:role/target-account-iam-role
 *       source: ci-env          # AWS profile or another target; omitted
 *                               # = ambient credentials
 *       session_name: xactarget
 *       external_id: optional
 *       duration_seconds: 3600
 *       mfa_serial: arn:aws:iam::111111111111:mfa/me
 *       region: us-east-1
 *       regions: [us-east-1]
 *       color: green
 *       confirm: false
 *       profile: prod-env       # reuse an AWS profile as is (then no
 *                               # role_arn/source)
 *       clusters:
 *         - name: prod-main
 *           region: eu-west-1
 *           alias: prod
 *           namespace: payments
 *           server: https://127.0.0.1:8443
 *           certificate_authority: /etc/rolehop/prod-ca.pem
 *           tls_server_name: ABC.gr7.eu-west-1.eks.amazonaws.com
 *           proxy_url: socks5://127.0.0.1:1080
 *
 * Errors name the file and line: unknown keys (typos must not be silently
 * ignored), wrong types, a target without a name, duplicate target names,
 * both profile and role_arn, bad booleans or numbers, YAML syntax errors.
 * The file size (1 MiB) and nesting depth (32) are capped: libyaml 0.2.5
 * has no depth limit of its own.
 *
 * Ownership: rhconfig_load() fills a struct rhconfig that rhconfig_free()
 * releases. Load and parse take an initialised struct, release what it
 * held first, and leave it empty (path NULL) on any failure, so
 * rhconfig_free() is always safe after rhconfig_init().
 */
#ifndef ROLEHOP_RHCONFIG_H
#define ROLEHOP_RHCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define RHCONFIG_MAX_FILE (1u << 20)
#define RHCONFIG_MAX_DEPTH 32

struct rh_cluster {
	char *name;
	char *region;
	char *alias;
	char *namespace;
	char *server;
	char *certificate_authority;
	char *tls_server_name;
	char *proxy_url;
	int line;
};

struct rh_target {
	char *name;
	char *profile;
	char *role_arn;
	char *source;
	char *session_name;
	char *external_id;
	char *mfa_serial;
	int duration_seconds; /* 0 = unset */
	char *region;
	char **regions;
	size_t nregions;
	char *color;
	bool confirm;
	struct rh_cluster *clusters;
	size_t nclusters;
	int line; /* of the "- name:" mapping */
};

struct rhconfig {
	char *path; /* NULL when no file was read */
	char **regions;
	size_t nregions;
	struct rh_target *targets;
	size_t ntargets;
};

void rhconfig_init(struct rhconfig *);
/* Read path. When missing_ok and the file does not exist, return ST_OK
 * with an empty config. */
enum status rhconfig_load(struct rhconfig *, const char *path, bool missing_ok,
                          struct err *);
/* Parse YAML held in memory; path is used in messages. */
enum status rhconfig_parse(struct rhconfig *, const char *path,
                           const char *text, size_t len, struct err *);
void rhconfig_free(struct rhconfig *);
const struct rh_target *rhconfig_target(const struct rhconfig *,
                                        const char *name);

#endif
