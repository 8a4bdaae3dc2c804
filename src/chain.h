/*
 * chain - assuming a target's chain of hops, asynchronously.
 *
 * The engine runs every chain on one http client. Hops are memoised by
 * their chain prefix (root source plus every hop up to it, the endpoint and
 * region), so targets that share hops (such as the web identity root)
 * assume them once even when their chains run at the same time. Assumed
 * credentials are read from and written to the credential cache under the
 * same prefix key; a chain starts after the last hop that is still fresh
 * there, so a warm chain makes no request.
 *
 * Every chained AssumeRole (one whose source credentials came from a role)
 * asks for at most 3600 s: AWS refuses more for role chaining.
 *
 * Ownership: the engine borrows the targets and the environment, which
 * must outlive it. A chain_result is owned by the callback's caller until
 * chain_result_free().
 */
#ifndef ROLEHOP_CHAIN_H
#define ROLEHOP_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "awsreq.h"
#include "credcache.h"
#include "creds.h"
#include "envsnap.h"
#include "err.h"
#include "http.h"
#include "sts.h"
#include "targets.h"

/* The AWS limit for a role assumed with role credentials. */
#define CHAIN_MAX_CHAINED_DURATION 3600

struct memo;

struct engine {
	struct http *http;
	struct awsctx aws;
	struct credcache cache;
	const struct envsnap *env;
	const struct targets *targets;
	bool allow_prompt; /* MFA codes may be read from /dev/tty */
	bool fresh;        /* chain_assume() ignores the credential cache */
	struct memo *memos;
};

struct hop_result {
	struct creds creds; /* with arn/account/user_id for role hops */
	bool done;          /* creds are set */
	bool from_cache;
	bool skipped;     /* not needed: a later hop was cached */
	int clamped_from; /* duration asked for before the 1 h clamp */
};

struct chain_result {
	const struct target *target;
	struct hop_result *hops; /* target->nhops entries */
	size_t nhops;
	enum status status;
	struct err *err;   /* set when status != ST_OK */
	size_t failed_hop; /* 1-based; 0 when no hop failed */
};

typedef void chain_done_fn(void *arg, struct chain_result *);

/* timeout_ms: the total time one request may take (0: the default). */
enum status engine_init(struct engine *, const struct targets *,
                        const struct envsnap *env, bool no_cache,
                        long timeout_ms, struct err *);
void engine_done(struct engine *);
/* Drop what the engine remembers of finished hops: failures, and
 * credentials expiring before `before` (0: all of them), so the next
 * chain_assume() asks again. Hops in flight are kept. For a long-lived
 * engine (the interface). */
void engine_forget(struct engine *, time_t before);
/* Drive the network until every started chain has finished. */
void engine_run(struct engine *);

/* Assume t's chain; done is called exactly once (possibly before this
 * returns, when nothing needs the network). */
void chain_assume(struct engine *, const struct target *t, chain_done_fn *done,
                  void *arg);
void chain_result_free(struct chain_result *);
/* The credentials at the end of a successful chain. */
const struct creds *chain_final(const struct chain_result *);
/* The role session name used when none is configured. Caller frees. */
char *chain_default_session_name(const struct envsnap *);

typedef void identity_done_fn(void *arg, enum status,
                              const struct sts_identity *, const struct err *);
/* sts:GetCallerIdentity with c, on t's STS endpoint. */
void chain_caller_identity(struct engine *, const struct target *t,
                           const struct creds *c, identity_done_fn *done,
                           void *arg);

#endif
