/*
 * doctor - the checks of `rolehop doctor`, their verdicts and fixes.
 *
 * A report holds one target's checks in the order they run: the web
 * identity token file (exists, readable, a JWT: iss, sub, aud, exp), the
 * chain as configured (what targets.c found: cycles, missing source
 * profiles; durations past the 1-hour role-chaining limit), the STS
 * endpoint (an answer at all), the clock (against the answer's Date),
 * then each hop live (assumed, then sts:GetCallerIdentity with its
 * credentials). Every check is ok, warn, fail or skip, with a detail and,
 * when something is wrong, a concrete fix. The functions here only judge
 * what they are given: cmd_doctor.c does the requests on the engine.
 *
 * Never part of a detail or fix: the token itself, keys, session tokens.
 *
 * Ownership: a report owns its checks and the token's claims; the target
 * is borrowed.
 */
#ifndef ROLEHOP_DOCTOR_H
#define ROLEHOP_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "chain.h"
#include "endpoint.h"
#include "envsnap.h"
#include "err.h"
#include "http.h"
#include "jwt.h"
#include "sts.h"
#include "targets.h"

/* Clock differences beyond this many seconds are worth a warning. */
#define DOCTOR_SKEW_WARN 60

enum doctor_status { DOCTOR_OK, DOCTOR_WARN, DOCTOR_FAIL, DOCTOR_SKIP };

const char *doctor_status_name(enum doctor_status);

struct doctor_check {
	const char *name; /* token, chain, endpoint, clock, hop */
	size_t hop;       /* 1-based; 0 when the check is not about a hop */
	enum doctor_status status;
	char *detail;
	char *fix; /* NULL when there is nothing to fix */
};

struct doctor_report {
	const struct target *t;
	struct doctor_check *v;
	size_t n;
	bool have_claims; /* claims of the chain's web identity token */
	struct jwt_claims claims;
};

/* What the endpoint probe (one unsigned GET) found. */
struct doctor_probe {
	struct endpoint ep;
	bool resolved; /* ep is set; else resolve_err says why */
	struct err resolve_err;
	bool done; /* the probe finished */
	enum http_failure failure;
	char error[256];
	long status;
	long elapsed_ms;
	bool have_skew;
	long skew; /* server minus local, seconds */
};

/* A hop's live results beyond the chain_result: GetCallerIdentity. */
struct doctor_live {
	bool asked;
	enum status status;
	struct sts_identity id;
	struct err err;
};

void doctor_report_init(struct doctor_report *, const struct target *);
void doctor_report_free(struct doctor_report *);
/* Append a check; fix may be NULL. */
void doctor_add(struct doctor_report *, const char *name, size_t hop,
                enum doctor_status, char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Whether any check failed. */
bool doctor_failed(const struct doctor_report *);

void doctor_check_token(struct doctor_report *, time_t now);
void doctor_check_chain(struct doctor_report *);
void doctor_check_endpoint(struct doctor_report *, const struct doctor_probe *,
                           const struct envsnap *env);
void doctor_check_clock(struct doctor_report *, const struct doctor_probe *);
/* One check per hop. res NULL: not tried, because of why_not. live has
 * t->nhops entries (or is NULL). */
void doctor_check_hops(struct doctor_report *, const struct chain_result *res,
                       const struct doctor_live *live, const char *why_not,
                       time_t now);

/* The fix for hop i (0-based) failing with e, or NULL. Caller frees. */
char *doctor_hop_fix(const struct target *, size_t i, const struct err *e,
                     const struct jwt_claims *claims,
                     const struct chain_result *res);

cJSON *doctor_report_json(const struct doctor_report *);
void doctor_report_print(FILE *, const struct doctor_report *);

#endif
