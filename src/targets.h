/*
 * targets - every identity the operator can switch to, each resolved into
 * a chain of hops.
 *
 * Sources, merged into one list (a rolehop target wins over an AWS profile
 * of the same name): the targets of the rolehop config (in file order),
 * every profile of the AWS shared config (in file order), and the ambient
 * identity ("ambient": environment keys, IRSA or Pod Identity) when the
 * environment provides one.
 *
 * Profiles resolve with the AWS CLI's semantics (aws-protocols.md 6.2,
 * 6.3): role_arn with source_profile (any depth) or credential_source;
 * role_arn with web_identity_token_file; static keys; credential_process;
 * otherwise the container or instance metadata. A source profile with
 * static keys provides those keys (its own role is not assumed). A chain
 * that cannot be resolved (cycle, missing source profile, bad
 * credential_source) keeps its target in the list with an error that names
 * the profiles, so `list` can show it and commands can report it.
 *
 * Ownership: targets_load() fills a struct targets that targets_free()
 * releases; it owns every hop, target and the parsed files. Lookups return
 * borrowed pointers.
 */
#ifndef ROLEHOP_TARGETS_H
#define ROLEHOP_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "awscfg.h"
#include "endpoint.h"
#include "envsnap.h"
#include "err.h"
#include "rhconfig.h"

#define HOP_KIND_LIST(X)                                                       \
	X(STATIC, "static")                                                    \
	X(ENV, "env")                                                          \
	X(WEB_IDENTITY, "web-identity")                                        \
	X(ASSUME_ROLE, "assume-role")                                          \
	X(PROCESS, "process")                                                  \
	X(CONTAINER, "container")                                              \
	X(IMDS, "imds")

enum hop_kind {
#define X(id, name) HOP_##id,
	HOP_KIND_LIST(X)
#undef X
};

const char *hop_kind_name(enum hop_kind);

struct hop {
	enum hop_kind kind;
	char *profile; /* AWS profile it comes from, or NULL */
	char *where;   /* "file:line" of its definition, or NULL */
	/* web-identity and assume-role */
	char *role_arn;
	char *session_name; /* NULL: generated at assume time */
	char *external_id;
	char *mfa_serial;
	int duration_seconds; /* 0: not set */
	/* web-identity */
	char *token_file;
	/* static */
	char *access_key_id;
	char *secret_access_key; /* secret */
	char *session_token;     /* secret */
	/* process */
	char *process;
};

enum target_source {
	TARGET_AWS_CONFIG,
	TARGET_ROLEHOP_CONFIG,
	TARGET_AMBIENT,
};

const char *target_source_name(enum target_source);

struct target {
	char *name;
	enum target_source source;
	char *profile;  /* the AWS profile it resolves through, or NULL */
	char *region;   /* may be NULL */
	char **regions; /* EKS discovery regions */
	size_t nregions;
	char *color;
	bool confirm;
	const struct rh_target *rh; /* its rolehop config entry, or NULL */
	struct hop *hops;
	size_t nhops;
	/* The AWS profile whose endpoint settings apply (the session profile
	 * in botocore terms), or NULL. Borrowed from struct targets. */
	const struct awscfg_section *settings;
	/* Why the chain could not be resolved (hops are then empty). */
	enum status error_status;
	char *error;
	char *error_hint;
};

struct targets {
	struct target *v;
	size_t n;
	struct awscfg aws;
	struct rhconfig rh;
	char *aws_config_path;
	char *aws_credentials_path;
	char *rh_config_path;
};

struct targets_opts {
	const struct envsnap *env;
	const char *config_path; /* --config, or NULL */
	const char *region;      /* --region, or NULL */
};

/* Read the files and resolve every target. Errors in the files (syntax,
 * unreadable) fail the whole load; errors in one chain only mark that
 * target. */
enum status targets_load(struct targets *, const struct targets_opts *,
                         struct err *);
void targets_free(struct targets *);
const struct target *targets_find(const struct targets *, const char *name);
/* Find a target or fill e with "unknown target" (ST_USAGE). */
const struct target *targets_get(const struct targets *, const char *name,
                                 struct err *e);
/* The STS or EKS endpoint for a target: env overrides, then its
 * settings profile (services section, endpoint_url,
 * sts_regional_endpoints, ignore_configured_endpoint_urls). */
enum status targets_endpoint(const struct targets *, const struct target *,
                             const struct envsnap *env, const char *service,
                             struct endpoint *out, struct err *);
/* The same in another region (NULL: the target's own). */
enum status targets_endpoint_in(const struct targets *, const struct target *,
                                const struct envsnap *env, const char *service,
                                const char *region, struct endpoint *out,
                                struct err *);
/* A short description of a hop for messages: "assume-role ARN". Caller
 * frees. */
char *hop_describe(const struct hop *);

#endif
