/*
 * log - diagnostics on stderr for -v/--verbose, always redacted.
 *
 * Every line goes through log_redact(), which masks the values of
 * Authorization, X-Amz-Security-Token, X-Amz-Credential, X-Amz-Signature,
 * WebIdentityToken, SessionToken, SecretAccessKey (as headers, query
 * parameters, form fields, XML elements or JSON members) and k8s-aws-v1.
 * tokens. While the interface owns the terminal, the sink can be replaced.
 */
#ifndef ROLEHOP_LOG_H
#define ROLEHOP_LOG_H

#include <stdio.h>

/* 0 quiet (default), 1 requests and decisions, 2 wire detail. */
void log_set_level(int);
int log_level(void);
/* Where lines go (stderr by default). */
void log_set_stream(FILE *);
void log_msg(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A copy of s with every secret value replaced by "[REDACTED]"; caller
 * frees. */
char *log_redact(const char *s);

#endif
