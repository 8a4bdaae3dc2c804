/*
 * discover - EKS calls on the engine: one DescribeCluster, or every
 * cluster of a target in its regions.
 *
 * discover_clusters() assumes the target's chain (hops shared with other
 * targets are assumed once, see chain.h), then lists the clusters of every
 * region at once, following nextToken to the last page, and describes each
 * cluster as soon as its name is known. All of it runs on the engine's
 * http client, so many targets can be discovered concurrently (the client
 * bounds the number of transfers). A failing region is recorded with its
 * error and does not hide the others.
 *
 * Ownership: results passed to callbacks belong to the callee, who frees
 * them with target_clusters_free(); the cluster passed to an
 * eks_describe_fn is borrowed for the call.
 */
#ifndef ROLEHOP_DISCOVER_H
#define ROLEHOP_DISCOVER_H

#include <stddef.h>

#include "chain.h"
#include "eks.h"

struct region_error {
	char *region;
	char *code; /* AWS error code, or a transport class */
	char *message;
};

struct target_clusters {
	const struct target *target;
	enum status status;           /* not ST_OK: the chain failed (err) */
	struct err *err;              /* set when status != ST_OK */
	char *account;                /* of the final credentials, or NULL */
	struct eks_cluster *clusters; /* sorted by region, then name */
	size_t nclusters;
	struct region_error *errors; /* in region order */
	size_t nerrors;
};

typedef void clusters_done_fn(void *arg, struct target_clusters *);
typedef void eks_describe_fn(void *arg, enum status, const struct eks_cluster *,
                             const struct err *);

/* Every cluster of t in regions (t's own discovery regions when nregions
 * is 0). done is called exactly once. */
void discover_clusters(struct engine *, const struct target *t,
                       const char *const *regions, size_t nregions,
                       clusters_done_fn *done, void *arg);
void target_clusters_free(struct target_clusters *);

/* DescribeCluster name in region with the credentials c of target t (for
 * its endpoint settings). */
void discover_describe(struct engine *, const struct target *t,
                       const struct creds *c, const char *region,
                       const char *name, eks_describe_fn *done, void *arg);

/* The code to report for a failed call: the AWS code, else the class of
 * failure (NetworkError, Timeout, MalformedResponse). */
const char *discover_error_code(const struct err *);
/* The message without a leading "CODE: ". */
const char *discover_error_message(const struct err *);

#endif
