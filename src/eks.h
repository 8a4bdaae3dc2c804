/*
 * eks - the EKS REST API (ListClusters, DescribeCluster), the EKS bearer
 * token and the ExecCredential document (aws-protocols.md sections 3, 4).
 *
 * Pure functions on bytes: nothing here sends a request or reads the
 * clock; the asynchronous calls live in discover.c.
 *
 * The token is a presigned sts:GetCallerIdentity URL with the cluster id in
 * the signed header x-k8s-aws-id, X-Amz-Expires=60, in botocore's parameter
 * order, as "k8s-aws-v1." + unpadded base64url: byte-identical to what
 * `aws eks get-token` makes for the same credentials, endpoint and second.
 *
 * Ownership: eks_cluster_done() and eks_page_done() free what the parsers
 * filled; tokens and ExecCredential documents are secrets, freed by the
 * caller with secret_free_str().
 */
#ifndef ROLEHOP_EKS_H
#define ROLEHOP_EKS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "endpoint.h"
#include "err.h"

/* Lifetime of a token: STS honours 15 minutes, kubectl refreshes at 14. */
#define EKS_TOKEN_LIFETIME (14 * 60)
#define EKS_TOKEN_PREFIX "k8s-aws-v1."
#define EKS_EXEC_V1BETA1 "client.authentication.k8s.io/v1beta1"
#define EKS_EXEC_V1 "client.authentication.k8s.io/v1"
/* ListClusters page size (the API's maximum). */
#define EKS_PAGE_SIZE 100

struct eks_cluster {
	char *name;
	char *region;
	char *arn;
	char *status; /* ACTIVE, CREATING, UPDATING, ... */
	char *version;
	char *platform_version;
	char *endpoint;
	char *ca_data;     /* base64 of the PEM bundle, or NULL */
	time_t created_at; /* 0 when unknown */
};

/* One ListClusters answer. */
struct eks_page {
	char **names;
	size_t n;
	char *next_token; /* NULL on the last page */
};

void eks_cluster_done(struct eks_cluster *);
void eks_cluster_copy(struct eks_cluster *dst, const struct eks_cluster *src);
void eks_page_done(struct eks_page *);

/* The query of a ListClusters request (next_token may be NULL). Caller
 * frees. */
char *eks_list_query(const char *next_token);
/* The path of DescribeCluster for name: "/clusters/NAME", encoded. */
char *eks_describe_path(const char *name);

/* Parse {"clusters": [...], "nextToken": ...}. */
enum status eks_parse_list(const char *body, size_t len, struct eks_page *,
                           struct err *);
/* Parse {"cluster": {...}}; region is recorded in the result. */
enum status eks_parse_describe(const char *body, size_t len, const char *region,
                               struct eks_cluster *, struct err *);
/* ACTIVE or UPDATING: a cluster kubectl can talk to. */
bool eks_cluster_usable(const struct eks_cluster *);

/* The bearer token for cluster_id, signed with c at now on the STS
 * endpoint sts. NULL when the credentials cannot sign. */
char *eks_token(const struct endpoint *sts, const struct creds *c,
                const char *cluster_id, time_t now);
/* When a token signed at signed_at with credentials expiring at
 * creds_expiry (0: never) stops being usable. */
time_t eks_token_expiry(time_t signed_at, time_t creds_expiry);

/* The ExecCredential apiVersion to answer for a KUBERNETES_EXEC_INFO value
 * (NULL or "" when unset), as the AWS CLI chooses it. *warning gets a
 * message for stderr, or NULL. */
const char *eks_exec_api_version(const char *exec_info, const char **warning);
/* The ExecCredential JSON (with a trailing newline). */
char *eks_exec_credential(const char *api_version, const char *token,
                          time_t expiration);

#endif
