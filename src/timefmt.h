/*
 * timefmt - the time formats AWS and Kubernetes use.
 *
 * All times are UTC time_t. Parsing accepts ISO 8601 / RFC 3339 with or
 * without fractional seconds and with Z or a +hh:mm offset (STS, moto, Pod
 * Identity), and epoch numbers such as 1527807879.988 or 1.5E9 (EKS
 * createdAt, JSON Expiration).
 */
#ifndef ROLEHOP_TIMEFMT_H
#define ROLEHOP_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* "YYYY-MM-DDTHH:MM:SSZ" plus NUL. */
#define TIMEFMT_ISO_LEN 21
/* "YYYYMMDDTHHMMSSZ" plus NUL. */
#define TIMEFMT_AMZ_LEN 17

/* 0 on success, -1 when s is not an ISO 8601 date-time. */
int timefmt_parse_iso8601(const char *s, time_t *out);
/* 0 on success, -1 when s is not a finite non-negative number. */
int timefmt_parse_epoch(const char *s, time_t *out);
/* The same range check for a number already parsed (a JSON number):
 * 0 and *out rounded when v is finite and within 0..1e12, else -1 (a
 * cast of an out-of-range double to time_t is undefined). */
int timefmt_from_number(double v, time_t *out);
/* Either of the two above. */
int timefmt_parse_any(const char *s, time_t *out);
/* HTTP Date header (RFC 7231 IMF-fixdate). */
int timefmt_parse_http_date(const char *s, time_t *out);
void timefmt_iso(time_t, char out[TIMEFMT_ISO_LEN]);
void timefmt_amz(time_t, char out[TIMEFMT_AMZ_LEN]);
/* Seconds since the epoch for a broken-down UTC time (timegm without the
 * GNU extension). */
time_t timefmt_timegm(const struct tm *);
/* "1h02m", "59m", "4m05s", "expired": remaining time for humans. */
void timefmt_remaining(long seconds, char *out, size_t outlen);

#endif
