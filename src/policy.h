/*
 * policy - the IAM and EKS setup a target's chain needs, as documents.
 *
 * For each role hop of the chain: its trust policy (a web identity role
 * trusts the token's OIDC provider with StringEquals on ISSUER:sub and
 * ISSUER:aud; an assumed role trusts the previous hop's role), and for the
 * hop before it the permission to sts:AssumeRole on it. The final role
 * gets a least-privilege policy for what rolehop calls in EKS
 * (eks:ListClusters, eks:DescribeCluster), and cluster access both ways:
 * an aws-auth ConfigMap mapRoles entry (YAML from libyaml's emitter) and
 * the EKS access-entry commands. Nothing here touches the network.
 *
 * What cannot be known offline (the token's claims when no token is
 * readable, a cluster name, the principal behind static keys) is written
 * as a <PLACEHOLDER> in angle brackets, and the set says so.
 *
 * Ownership: policy_build() fills a struct policy_set that
 * policy_set_free() releases (it owns every string and cJSON tree; the
 * target is borrowed).
 */
#ifndef ROLEHOP_POLICY_H
#define ROLEHOP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "jwt.h"
#include "targets.h"

#define POLICY_PH_CLUSTER "<CLUSTER_NAME>"
#define POLICY_ADMIN_ACCESS_POLICY "AmazonEKSClusterAdminPolicy"

struct policy_doc {
	char *name; /* "ROLE-trust", "ROLE-assume-NEXT", "ROLE-rolehop-eks" */
	char *role_arn;   /* the role it belongs to, or NULL when unknown */
	const char *kind; /* "trust" or "permission" */
	char *about;      /* one line for people */
	cJSON *document;  /* the IAM policy document */
};

struct policy_set {
	struct policy_doc *docs;
	size_t ndocs;
	char *cluster_role_arn; /* the role kubectl signs as, or NULL */
	char *map_roles_yaml;   /* aws-auth data.mapRoles, or NULL */
	char **commands;        /* aws eks create-access-entry ... */
	size_t ncommands;
	char **notes;
	size_t nnotes;
	bool placeholders; /* some value is a <PLACEHOLDER> */
};

/* Build the set for t (whose chain must be resolved). claims: the web
 * identity token's claims, or NULL (then why_no_claims says why, for a
 * note, and the claims are placeholders). */
void policy_build(const struct target *t, const struct jwt_claims *claims,
                  const char *why_no_claims, struct policy_set *out);
void policy_set_free(struct policy_set *);

/* The partition and 12-digit account of an ARN; -1 when it has none. */
int policy_arn_parts(const char *arn, char partition[32], char account[13]);
/* arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER-HOST-PATH for the
 * account of role_arn. Caller frees. */
char *policy_oidc_provider_arn(const char *role_arn, const char *iss);
/* The role's name (after the last '/'). Borrowed. */
const char *policy_role_name(const char *role_arn);
/* aws-auth mapRoles YAML for one role (its path removed: aws-auth does
 * not match role paths). NULL if libyaml fails. Caller frees. */
char *policy_map_roles_yaml(const char *role_arn);

#endif
