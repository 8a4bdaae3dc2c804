/*
 * log - leveled, redacted diagnostics.
 *
 * The redactor knows the names under which secrets travel and masks what
 * follows them, whatever the syntax around (header "Name: v", query or form
 * "Name=v", XML "<Name>v</Name>", JSON "\"Name\": \"v\""). It errs on the
 * side of masking too much.
 */
#include "config.h"

#include "log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xalloc.h"

static int level;
static FILE *stream;

void
log_set_level(int l)
{
	level = l;
}

int
log_level(void)
{
	return level;
}

void
log_set_stream(FILE *f)
{
	stream = f;
}

/* Names whose values are secret. Authorization runs to the end of line. */
static const char *const secret_names[] = {
    "Authorization",     "X-Amz-Security-Token",
    "X-Amz-Credential",  "X-Amz-Signature",
    "WebIdentityToken",  "SessionToken",
    "SecretAccessKey",   "aws_secret_access_key",
    "aws_session_token", "Token",
    "Signature",
};

static const char REDACTED[] = "[REDACTED]";

/* Length of the secret name that starts at s, or 0. Only whole words
 * match, so "Tokens" or "MyToken" are left alone. */
static size_t
secret_name_at(const char *start, const char *s)
{
	if (s > start &&
	    (isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '-'))
		return 0;
	for (size_t i = 0; i < sizeof secret_names / sizeof *secret_names;
	     i++) {
		size_t n = strlen(secret_names[i]);

		if (strncasecmp(s, secret_names[i], n) == 0 &&
		    !isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-')
			return n;
	}
	return 0;
}

/* After a name: the separator characters before its value. Only a real
 * separator (':', '=' or '>') makes what follows a value, so prose such as
 * "token file /path" is left alone. */
static size_t
separator_len(const char *s)
{
	size_t n = 0;
	int real = 0;

	while (s[n] == '"' || s[n] == ':' || s[n] == '=' || s[n] == '>' ||
	       s[n] == ' ' || s[n] == '\t') {
		real |= s[n] == ':' || s[n] == '=' || s[n] == '>';
		n++;
	}
	return real ? n : 0;
}

char *
log_redact(const char *s)
{
	struct buf out;
	const char *p = s;

	buf_init(&out, (size_t)-1 / 2);
	while (*p) {
		size_t n;

		if (strncmp(p, "k8s-aws-v1.", 11) == 0) {
			buf_appends(&out, "k8s-aws-v1.");
			buf_appends(&out, REDACTED);
			p += 11;
			while (isalnum((unsigned char)*p) || *p == '-' ||
			       *p == '_' || *p == '=')
				p++;
			continue;
		}
		n = secret_name_at(s, p);
		if (n > 0) {
			int to_eol = strncasecmp(p, "Authorization", 13) == 0;
			size_t sep = separator_len(p + n);
			const char *v = p + n + sep;

			buf_append(&out, p, n + sep);
			/* A bare word (no separator) is not a value. */
			if (sep == 0 || *v == '\0' || *v == '\n' || *v == '<' ||
			    (*v == '"' && v[-1] != '"')) {
				p = v;
				continue;
			}
			if (strncmp(v, "null", 4) == 0 &&
			    !isalnum((unsigned char)v[4])) {
				p = v;
				continue;
			}
			while (
			    *v && *v != '\n' && *v != '\r' &&
			    (to_eol || (*v != '&' && *v != '"' && *v != '<' &&
			                *v != ' ' && *v != ',' && *v != '\t')))
				v++;
			buf_appends(&out, REDACTED);
			p = v;
			continue;
		}
		buf_appendc(&out, *p++);
	}
	return buf_take(&out);
}

void
log_msg(int l, const char *fmt, ...)
{
	va_list ap;
	char *raw, *clean;
	struct buf b;

	if (l > level)
		return;
	buf_init(&b, 1 << 20);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	raw = buf_take(&b);
	clean = log_redact(raw);
	secret_free_str(raw);
	fprintf(stream ? stream : stderr, "rolehop: %s\n", clean);
	free(clean);
}
