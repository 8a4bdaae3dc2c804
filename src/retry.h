/*
 * retry - AWS "standard" retry mode: which failures to retry and how long
 * to wait (aws-protocols.md section 2.8, field-notes.md section 7.1).
 *
 * 3 attempts in all; delay before attempt n+1 is rand(0,1) x min(2^(n-1),
 * 20) seconds (full jitter, capped); a retry quota of 500 tokens, 5 per
 * retry, 10 per timeout retry, 1 back per success.
 *
 * Retryable: the throttling codes (Throttling, ThrottlingException,
 * ThrottledException, RequestThrottledException, TooManyRequestsException,
 * ProvisionedThroughputExceededException, TransactionInProgressException,
 * RequestLimitExceeded, BandwidthLimitExceeded, LimitExceededException,
 * RequestThrottled, SlowDown, PriorRequestNotComplete,
 * EC2ThrottledException), the transient ones (RequestTimeout,
 * RequestTimeoutException, PriorRequestNotComplete, IDPCommunicationError),
 * HTTP 500, 502, 503, 504 and 429, and connection failures and timeouts.
 * Never: AccessDenied, ExpiredToken, ValidationError or any other code.
 */
#ifndef ROLEHOP_RETRY_H
#define ROLEHOP_RETRY_H

#include <stdbool.h>

#include "http.h"

#define RETRY_MAX_ATTEMPTS 3
#define RETRY_QUOTA_MAX 500

enum retry_kind {
	RETRY_NO = 0,
	RETRY_THROTTLE,
	RETRY_TRANSIENT,
	RETRY_TIMEOUT,
};

struct retry_quota {
	int tokens;
};

void retry_quota_init(struct retry_quota *);
/* Classify a failure: transport failure, HTTP status, AWS error code
 * (code may be NULL or ""). */
enum retry_kind retry_classify(enum http_failure, long status,
                               const char *code);
/* Whether attempt number `attempt` (1-based, the one that just failed) may
 * be retried, taking quota tokens when it may. */
bool retry_allowed(struct retry_quota *, enum retry_kind, int attempt);
/* Give back a token for a success. */
void retry_success(struct retry_quota *);
/* Delay before the next attempt after `attempt` failed; rnd in [0,1). */
long retry_delay_ms(int attempt, double rnd);
/* Whether an AWS error says the request's signing time is too far from
 * the server's clock: RequestTimeTooSkewed, RequestExpired and
 * RequestInTheFuture always; SignatureDoesNotMatch,
 * InvalidSignatureException and AuthFailure only when the message says
 * the signature expired or is not yet current (else a wrong secret). */
bool retry_is_clock_skew(const char *code, const char *message);

#endif
