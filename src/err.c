/*
 * err - filling and decorating error records.
 */
#include "config.h"

#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

struct err *
err_dup(const struct err *e)
{
	struct err *copy = xmalloc(sizeof *copy);

	*copy = *e;
	return copy;
}

void
err_clear(struct err *e)
{
	e->status = ST_OK;
	e->code[0] = e->msg[0] = e->hint[0] = '\0';
}

/* Replace newlines and other control characters so the message stays one
 * line (names from config files may contain anything). */
static void
one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

enum status
err_set(struct err *e, enum status status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->code[0] = e->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	one_line(e->msg);
	return status;
}

void
err_code(struct err *e, const char *code)
{
	snprintf(e->code, sizeof e->code, "%s", code ? code : "");
	one_line(e->code);
}

void
err_hint(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof e->hint, fmt, ap);
	va_end(ap);
	one_line(e->hint);
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	va_list ap;
	size_t n;

	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	/* Append ": old", truncating what does not fit. */
	if (n + 2 < sizeof e->msg) {
		memcpy(e->msg + n, ": ", 2);
		n += 2;
		old[sizeof old - 1 - n] = '\0';
		memcpy(e->msg + n, old, strlen(old) + 1);
	}
	one_line(e->msg);
}

int
err_exit_code(enum status st)
{
	switch (st) {
	case ST_OK:
		return 0;
	case ST_USAGE:
	case ST_CONFIG:
		return 2;
	default:
		return 1;
	}
}

const char *
status_text(enum status st)
{
	switch (st) {
#define X(id, text)                                                            \
	case ST_##id:                                                          \
		return text;
		STATUS_LIST(X)
#undef X
	}
	return "unknown";
}
