/*
 * clustercache - the names of the EKS clusters `rolehop clusters` last
 * found, for shell completion of --cluster without a network request.
 *
 * The file is $XDG_CACHE_HOME/rolehop/clusters (default
 * ~/.cache/rolehop/clusters): plain text, one "TARGET<TAB>REGION<TAB>
 * CLUSTER" line per cluster, sorted, names only (nothing secret). It is
 * written atomically (atomicfile.c) with mode 0600, in a directory created
 * 0700. Completion scripts read it directly, e.g.
 *     awk -F '\t' -v t=dev '$1 == t { print $3 }' ~/.cache/rolehop/clusters
 *
 * An update replaces, for each target listed, the lines of the regions
 * that were listed successfully; lines of other targets, and of regions
 * that failed or were not asked this time, are kept. Lines with an empty
 * field or a control character are dropped, on reading and on writing.
 * An old file that is not a regular file owned by the effective user is
 * not read (the update starts from nothing).
 *
 * `rolehop clusters` and the interface's discovery both record what they
 * found (clustercache_remember).
 *
 * Ownership: every argument is borrowed; clustercache_path() and
 * clustercache_merge() return strings the caller frees.
 */
#ifndef ROLEHOP_CLUSTERCACHE_H
#define ROLEHOP_CLUSTERCACHE_H

#include <stddef.h>

#include "discover.h"
#include "envsnap.h"
#include "err.h"

/* Files larger than this are not ours (and are not read). */
#define CLUSTERCACHE_MAX_FILE (1024 * 1024)

/* What one target's listing found. */
struct clustercache_update {
	const char *target;
	const char *const *regions; /* listed without error */
	size_t nregions;
	const char *const *cluster_regions; /* parallel to cluster_names */
	const char *const *cluster_names;
	size_t nclusters;
};

/* The file's path from env (XDG_CACHE_HOME when absolute, else
 * HOME/.cache), or NULL when neither is usable. */
char *clustercache_path(const struct envsnap *env);

/* The new content: old (may be NULL) with the updates applied, sorted and
 * without duplicate lines. */
char *clustercache_merge(const char *old,
                         const struct clustercache_update *updates, size_t n);

/* Apply the updates to the file at path (see above). Errors (ST_IO) name
 * the path; callers treat them as warnings. */
enum status clustercache_save(const char *path,
                              const struct clustercache_update *updates,
                              size_t n, struct err *);

/* Record what discovery found: for each of the n results whose chain
 * worked, the clusters of the regions asked (nasked of them, or the
 * target's own regions when nasked is 0) that did not fail. Saves to
 * clustercache_path(env); nothing when there is no such path. */
enum status clustercache_remember(const struct envsnap *env,
                                  const struct target_clusters *const *tcs,
                                  size_t n, const char *const *asked,
                                  size_t nasked, struct err *);

#endif
