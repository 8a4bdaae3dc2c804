/*
 * b64 - base64 encoding and decoding.
 */
#include "config.h"

#include "b64.h"

#include <string.h>

#include "xalloc.h"

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
b64_encode(const void *data, size_t len, bool url)
{
	const unsigned char *p = data;
	const char *a = url ? url_alphabet : std_alphabet;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		unsigned v =
		    (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		*o++ = a[v >> 18 & 63];
		*o++ = a[v >> 12 & 63];
		*o++ = a[v >> 6 & 63];
		*o++ = a[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		*o++ = a[v >> 18 & 63];
		*o++ = a[v >> 12 & 63];
		if (i + 1 < len)
			*o++ = a[v >> 6 & 63];
		else if (!url)
			*o++ = '=';
		if (!url)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *
b64_decode(const char *s, size_t len, size_t *outlen)
{
	char *out = xmalloc(len / 4 * 3 + 4);
	size_t o = 0, n = 0;
	unsigned v = 0;

	while (len > 0 && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int d = b64_value(s[i]);

		if (d < 0) {
			secret_free(out, len / 4 * 3 + 4);
			return NULL;
		}
		v = v << 6 | (unsigned)d;
		if (++n == 4) {
			out[o++] = (char)(v >> 16);
			out[o++] = (char)(v >> 8);
			out[o++] = (char)v;
			n = 0;
			v = 0;
		}
	}
	if (n == 1) {
		secret_free(out, len / 4 * 3 + 4);
		return NULL;
	}
	if (n == 2) {
		out[o++] = (char)(v >> 4);
	} else if (n == 3) {
		out[o++] = (char)(v >> 10);
		out[o++] = (char)(v >> 2);
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}
