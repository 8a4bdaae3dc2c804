/*
 * shquote - single-quoting for POSIX sh and fish.
 *
 * Both forms wrap the value in single quotes, inside which neither shell
 * expands anything: no $, no backquotes, no globbing, and newlines are
 * literal. POSIX sh has no escape at all inside single quotes, so a quote
 * is written as '\'' (close, escaped quote, reopen). fish knows exactly two
 * escapes inside single quotes, \' and \\, so both are backslash-escaped.
 * A NULL value is quoted as the empty string.
 */
#include "config.h"

#include "shquote.h"

#include <string.h>

#include "xalloc.h"

/* Quote s: each byte in special is replaced by the matching string in
 * repl (same index); everything else is copied as is. */
static char *
quote(const char *s, const char *special, const char *const *repl)
{
	size_t len = 2, i, o = 0;
	char *out;

	if (s == NULL)
		s = "";
	for (i = 0; s[i]; i++) {
		const char *p = strchr(special, s[i]);

		len += p ? strlen(repl[p - special]) : 1;
	}
	out = xmalloc(len + 1);
	out[o++] = '\'';
	for (i = 0; s[i]; i++) {
		const char *p = strchr(special, s[i]);

		if (p) {
			size_t n = strlen(repl[p - special]);

			memcpy(out + o, repl[p - special], n);
			o += n;
		} else {
			out[o++] = s[i];
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
	return out;
}

char *
shquote_sh(const char *s)
{
	static const char *const repl[] = {"'\\''"};

	return quote(s, "'", repl);
}

char *
shquote_fish(const char *s)
{
	static const char *const repl[] = {"\\'", "\\\\"};

	return quote(s, "'\\", repl);
}

int
shquote_valid_name(const char *s)
{
	if (s == NULL || !((*s >= 'A' && *s <= 'Z') ||
	                   (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}
