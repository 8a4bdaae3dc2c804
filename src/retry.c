/*
 * retry - the AWS standard retry mode: classification, attempts, backoff
 * and the retry quota.
 */
#include "config.h"

#include "retry.h"

#include <string.h>

static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

/* IDPCommunicationError is transient for web identity (botocore's
 * _retry.json, sts idp_unreachable_error). */
static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "IDPCommunicationError",
};

static int
in_list(const char *code, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

void
retry_quota_init(struct retry_quota *q)
{
	q->tokens = RETRY_QUOTA_MAX;
}

enum retry_kind
retry_classify(enum http_failure failure, long status, const char *code)
{
	switch (failure) {
	case HTTP_OK:
		break;
	case HTTP_TIMEOUT:
		return RETRY_TIMEOUT;
	case HTTP_CONNECT:
	case HTTP_TRANSPORT:
		return RETRY_TRANSIENT;
	case HTTP_TOO_LARGE:
	case HTTP_TLS:
	case HTTP_CANCELLED:
		return RETRY_NO;
	}
	if (code && *code) {
		if (in_list(code, throttling_codes,
		            sizeof throttling_codes / sizeof *throttling_codes))
			return RETRY_THROTTLE;
		if (in_list(code, transient_codes,
		            sizeof transient_codes / sizeof *transient_codes))
			return RETRY_TRANSIENT;
	}
	/* Below 500, a code that is not listed above is final (AccessDenied,
	 * ExpiredToken, ValidationError...); a 5xx stays transient whatever
	 * its code (InternalFailure, ServiceUnavailable). */
	if (code && *code && status < 500 && status != 429)
		return RETRY_NO;
	if (status == 429)
		return RETRY_THROTTLE;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return RETRY_TRANSIENT;
	return RETRY_NO;
}

bool
retry_allowed(struct retry_quota *q, enum retry_kind kind, int attempt)
{
	int cost;

	if (kind == RETRY_NO || attempt >= RETRY_MAX_ATTEMPTS)
		return false;
	cost = kind == RETRY_TIMEOUT ? 10 : 5;
	if (q->tokens < cost)
		return false;
	q->tokens -= cost;
	return true;
}

void
retry_success(struct retry_quota *q)
{
	if (q->tokens < RETRY_QUOTA_MAX)
		q->tokens++;
}

long
retry_delay_ms(int attempt, double rnd)
{
	double cap = 20000.0, base = 1000.0;

	for (int i = 1; i < attempt && base < cap; i++)
		base *= 2;
	if (base > cap)
		base = cap;
	if (rnd < 0)
		rnd = 0;
	if (rnd >= 1)
		rnd = 0.999999;
	return (long)(rnd * base);
}

bool
retry_is_clock_skew(const char *code, const char *message)
{
	static const char *const always[] = {
	    "RequestTimeTooSkewed",
	    "RequestExpired",
	    "RequestInTheFuture",
	};
	static const char *const when_said[] = {
	    "SignatureDoesNotMatch",
	    "InvalidSignatureException",
	    "AuthFailure",
	};

	if (code == NULL || *code == '\0')
		return false;
	if (in_list(code, always, sizeof always / sizeof *always))
		return true;
	if (!in_list(code, when_said, sizeof when_said / sizeof *when_said) ||
	    message == NULL)
		return false;
	return strstr(message, "Signature expired") != NULL ||
	       strstr(message, "Signature not yet current") != NULL;
}
