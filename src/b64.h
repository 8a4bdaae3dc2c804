/*
 * b64 - base64 (RFC 4648) in the standard and URL-safe alphabets.
 *
 * Ownership: results are NUL-terminated and freed by the caller.
 */
#ifndef ROLEHOP_B64_H
#define ROLEHOP_B64_H

#include <stdbool.h>
#include <stddef.h>

/* url: URL-safe alphabet without '=' padding; else standard, padded. */
char *b64_encode(const void *data, size_t len, bool url);
/* Decode either alphabet, padding optional. NULL on invalid input;
 * *outlen gets the decoded length (a NUL is appended). */
char *b64_decode(const char *s, size_t len, size_t *outlen);

#endif
