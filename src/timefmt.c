/*
 * timefmt - parsing and printing AWS and Kubernetes time stamps.
 */
#include "config.h"

#include "timefmt.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

time_t
timefmt_timegm(const struct tm *tm)
{
	long long days =
	    days_from_civil(tm->tm_year + 1900LL, (unsigned)tm->tm_mon + 1,
	                    (unsigned)tm->tm_mday);

	return (time_t)(days * 86400 + tm->tm_hour * 3600LL +
	                tm->tm_min * 60LL + tm->tm_sec);
}

/* Read exactly n digits. */
static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int
timefmt_parse_iso8601(const char *s, time_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;

	if (s == NULL)
		return -1;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != 't'))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec))
		return -1;
	if (*p == '.' || *p == ',') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timefmt_timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

int
timefmt_parse_epoch(const char *s, time_t *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end != '\0')
		return -1;
	return timefmt_from_number(v, out);
}

int
timefmt_from_number(double v, time_t *out)
{
	if (!isfinite(v) || v < 0 || v > 1e12)
		return -1;
	*out = (time_t)llround(v);
	return 0;
}

int
timefmt_parse_any(const char *s, time_t *out)
{
	if (timefmt_parse_iso8601(s, out) == 0)
		return 0;
	return timefmt_parse_epoch(s, out);
}

/* RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". The comma after
 * the day name and the trailing "GMT" are required; nothing may follow. */
int
timefmt_parse_http_date(const char *s, time_t *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char wd[4], mon[4];
	int d, y, h, mi, sec, end = -1;
	struct tm tm = {0};
	const char *m;

	if (s == NULL ||
	    sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", wd,
	           &d, mon, &y, &h, &mi, &sec, &end) != 7 ||
	    end < 0 || s[end] != '\0')
		return -1;
	m = strstr(months, mon);
	if (m == NULL || strlen(mon) != 3 || (m - months) % 3)
		return -1;
	if (d < 1 || d > 31 || y < 1970 || h > 23 || mi > 59 || sec > 60 ||
	    h < 0 || mi < 0 || sec < 0)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timefmt_timegm(&tm);
	return 0;
}

void
timefmt_iso(time_t t, char out[TIMEFMT_ISO_LEN])
{
	struct tm tm;

	/* Past year 9999 the text does not fit and strftime() leaves out
	 * undefined; say so rather than print garbage. */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, TIMEFMT_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, TIMEFMT_ISO_LEN, "(out of range)");
}

void
timefmt_amz(time_t t, char out[TIMEFMT_AMZ_LEN])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, TIMEFMT_AMZ_LEN, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(out, TIMEFMT_AMZ_LEN, "(out of range)");
}

void
timefmt_remaining(long s, char *out, size_t outlen)
{
	if (s <= 0)
		snprintf(out, outlen, "expired");
	else if (s >= 3600)
		snprintf(out, outlen, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
	else if (s >= 600)
		snprintf(out, outlen, "%ldm", s / 60);
	else
		snprintf(out, outlen, "%ldm%02lds", s / 60, s % 60);
}
