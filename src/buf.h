/*
 * buf - a growable byte buffer with a hard maximum (curl's dynbuf idea).
 *
 * Every buffer that holds outside input (HTTP bodies, files) has a maximum;
 * an append past it fails and leaves the buffer as it was. The data is always
 * NUL-terminated, so text can be used as a C string.
 *
 * Ownership: buf_init() takes nothing; buf_free() releases the data,
 * buf_free_secret() zeroes it first; buf_take() hands the data to the caller
 * (who frees it) and leaves the buffer empty.
 */
#ifndef ROLEHOP_BUF_H
#define ROLEHOP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* appends past this fail */
};

void buf_init(struct buf *, size_t max);
/* 0 on success, -1 when the result would exceed the maximum. */
int buf_append(struct buf *, const void *, size_t);
int buf_appends(struct buf *, const char *);
int buf_appendc(struct buf *, char);
int buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
/* The text so far; "" for an empty buffer (never NULL). */
const char *buf_str(const struct buf *);
void buf_reset(struct buf *);
void buf_free(struct buf *);
void buf_free_secret(struct buf *);
/* The data (caller frees; never NULL) and an empty buffer. */
char *buf_take(struct buf *);

#endif
