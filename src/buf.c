/*
 * buf - growable, capped, NUL-terminated byte buffer.
 */
#include "config.h"

#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	size_t need, cap;

	if (n > b->max || b->len > b->max - n)
		return -1;
	need = b->len + n + 1;
	if (need > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < need)
			cap *= 2;
		if (b->data != NULL) {
			/* Move rather than realloc so a secret never stays
			 * behind in a freed block. */
			char *nd = xmalloc(cap);

			memcpy(nd, b->data, b->len);
			secret_free(b->data, b->cap);
			b->data = nd;
		} else {
			b->data = xmalloc(cap);
		}
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_appends(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_appendc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;
	char small[256], *p;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return -1;
	}
	if ((size_t)n < sizeof small) {
		va_end(ap2);
		rc = buf_append(b, small, (size_t)n);
		secret_zero(small, sizeof small);
		return rc;
	}
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	rc = buf_append(b, p, (size_t)n);
	secret_free(p, (size_t)n + 1);
	return rc;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

void
buf_reset(struct buf *b)
{
	if (b->data) {
		secret_zero(b->data, b->len);
		b->data[0] = '\0';
	}
	b->len = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free_secret(struct buf *b)
{
	secret_free(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
buf_take(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
