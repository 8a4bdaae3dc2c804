/*
 * sigv4 - AWS Signature Version 4 (aws-protocols.md section 1).
 *
 * Both forms share one pipeline: validate the input, build the canonical
 * URI (botocore's dot-segment and slash removal, then percent-encoding that
 * keeps '/'), the canonical query (each key and value decoded then encoded,
 * sorted by key then value), the canonical headers (lower-cased, trimmed,
 * whitespace runs collapsed, repeats joined with ','), the payload hash,
 * then the string to sign and the HMAC-SHA256 chain. The header form adds
 * X-Amz-Date (and the token) as signed headers; the presigned form puts the
 * auth parameters into the canonical query instead and returns the URL
 * query in botocore's order.
 *
 * Every intermediate string that may hold the session token, and the
 * derived keys, are zeroed before they are freed.
 */
#include "config.h"

#include "sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "sha256.h"
#include "timefmt.h"
#include "xalloc.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
/* Cap on any text the signer builds: far above real requests. */
#define SIGV4_MAX_TEXT (1024 * 1024)
/* AWS accepts presigned URLs valid for at most seven days. */
#define SIGV4_MAX_EXPIRES 604800L

/* One query parameter, key and value already in canonical encoding. */
struct sigv4_param {
	char *key;
	char *value;
};

struct sigv4_params_list {
	struct sigv4_param *v;
	size_t n, cap;
};

/* One header: lower-case name, value trimmed and collapsed, position. */
struct sigv4_hdr {
	char *name;
	char *value;
	size_t order;
};

struct sigv4_hdrs {
	struct sigv4_hdr *v;
	size_t n, cap;
};

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

void
sigv4_params_init(struct sigv4_params *p)
{
	memset(p, 0, sizeof *p);
	p->normalize = true;
	p->sign_body = true;
}

static void
hex_encode(const unsigned char *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_lower[in[i] >> 4];
		out[2 * i + 1] = hex_lower[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_LEN];

	sha256(data ? data : "", len, md);
	hex_encode(md, SHA256_LEN, out);
}

/* HMAC-SHA256 of data under key into out (32 bytes). 0 or -1. */
static int
hmac(const void *key, size_t keylen, const void *data, size_t len,
     unsigned char out[32])
{
	hmac_sha256(key, keylen, data, len, out);
	return 0;
}

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

char *
sigv4_uri_encode(const char *s, size_t len, bool keep_slash)
{
	char *out = xmalloc(len * 3 + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex_upper[c >> 4];
			*o++ = hex_upper[c & 0x0f];
		}
	}
	*o = '\0';
	return out;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX escapes of s[0..len) ('+' stays '+', as aws-c-auth does),
 * then encode the bytes with the SigV4 rule. NULL on a bad escape. */
static char *
recode(const char *s, size_t len)
{
	char *dec = xmalloc(len + 1), *enc;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				secret_free(dec, len + 1);
				return NULL;
			}
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0) {
				secret_free(dec, len + 1);
				return NULL;
			}
			dec[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			dec[n++] = s[i];
		}
	}
	enc = sigv4_uri_encode(dec, n, false);
	secret_free(dec, len + 1);
	return enc;
}

static void
params_add(struct sigv4_params_list *l, char *key, char *value)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].key = key;
	l->v[l->n].value = value;
	l->n++;
}

static void
params_done(struct sigv4_params_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		secret_free_str(l->v[i].key);
		secret_free_str(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Split a query (no '?') into canonically encoded pairs, in order. A pair
 * without '=' gets an empty value; empty segments ("a&&b") are skipped.
 * 0, or -1 on a bad percent escape. */
static int
params_parse(const char *query, struct sigv4_params_list *l)
{
	const char *p = query;

	if (query == NULL)
		return 0;
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t seglen = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', seglen);
		size_t klen = eq ? (size_t)(eq - p) : seglen;
		char *k, *v;

		if (seglen > 0) {
			k = recode(p, klen);
			v = eq ? recode(eq + 1, seglen - klen - 1)
			       : xstrdup("");
			if (k == NULL || v == NULL) {
				secret_free_str(k);
				secret_free_str(v);
				return -1;
			}
			params_add(l, k, v);
		}
		p += seglen;
		if (*p == '&')
			p++;
	}
	return 0;
}

static int
param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* "k=v&k=v" of the pairs in order (sorted when sort). NULL if too long. */
static char *
params_join(const struct sigv4_params_list *l, bool sort)
{
	struct sigv4_param *v = NULL;
	struct buf b;
	int rc = 0;

	if (l->n > 0) {
		v = xreallocarray(NULL, l->n, sizeof *v);
		memcpy(v, l->v, l->n * sizeof *v);
		if (sort)
			qsort(v, l->n, sizeof *v, param_cmp);
	}
	buf_init(&b, SIGV4_MAX_TEXT);
	for (size_t i = 0; i < l->n && rc == 0; i++) {
		if (i > 0)
			rc |= buf_appendc(&b, '&');
		rc |= buf_appends(&b, v[i].key);
		rc |= buf_appendc(&b, '=');
		rc |= buf_appends(&b, v[i].value);
	}
	free(v);
	if (rc != 0) {
		buf_free_secret(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* botocore's remove_dot_segments: drop empty and "." segments, ".."
 * removes the previous one; keep a leading '/', and a trailing '/' only
 * when the input had one and something is left. */
static char *
normalize_path(const char *path)
{
	size_t len = strlen(path), n = 0;
	const char **seg = xreallocarray(NULL, len + 1, sizeof *seg);
	size_t *seglen = xreallocarray(NULL, len + 1, sizeof *seglen);
	const char *p = path;
	struct buf b;

	while (p <= path + len) {
		const char *slash = strchr(p, '/');
		size_t sl = slash ? (size_t)(slash - p) : strlen(p);

		if (sl == 2 && p[0] == '.' && p[1] == '.') {
			if (n > 0)
				n--;
		} else if (sl > 0 && !(sl == 1 && p[0] == '.')) {
			seg[n] = p;
			seglen[n] = sl;
			n++;
		}
		p += sl + 1;
	}
	buf_init(&b, SIGV4_MAX_TEXT);
	if (path[0] == '/')
		buf_appendc(&b, '/');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_appendc(&b, '/');
		buf_append(&b, seg[i], seglen[i]);
	}
	if (len > 0 && path[len - 1] == '/' && n > 0)
		buf_appendc(&b, '/');
	free(seg);
	free(seglen);
	return buf_take(&b);
}

/* The canonical URI of a wire path (NULL or "" means "/"). */
static char *
canonical_uri(const char *path, bool normalize)
{
	char *norm, *enc;

	if (path == NULL || *path == '\0')
		path = "/";
	norm = normalize ? normalize_path(path) : xstrdup(path);
	enc = sigv4_uri_encode(norm, strlen(norm), true);
	free(norm);
	return enc;
}

/* RFC 9110 token characters (header names, methods). */
static bool
is_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9')) &&
		    strchr("!#$%&'*+-.^_`|~", c) == NULL)
			return false;
	}
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Trim and collapse whitespace runs (folded lines included) to one space.
 * NULL when the value holds another control character. */
static char *
collapse_value(const char *v)
{
	size_t size = strlen(v) + 1;
	char *out = xmalloc(size), *o = out;
	bool pending = false;

	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (is_space(*v)) {
			pending = o != out;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			secret_free(out, size);
			return NULL;
		}
		if (pending)
			*o++ = ' ';
		pending = false;
		*o++ = *v;
	}
	*o = '\0';
	return out;
}

/* Add a header; -1 when the name or value is malformed. */
static int
hdrs_add(struct sigv4_hdrs *h, const char *name, const char *value)
{
	char *lname, *cv;

	if (!is_token(name) || value == NULL)
		return -1;
	cv = collapse_value(value);
	if (cv == NULL)
		return -1;
	lname = xstrdup(name);
	for (char *c = lname; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	h->v[h->n].name = lname;
	h->v[h->n].value = cv;
	h->v[h->n].order = h->n;
	h->n++;
	return 0;
}

static void
hdrs_done(struct sigv4_hdrs *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		secret_free_str(h->v[i].value);
	}
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static int
hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort the headers and build the canonical block (every line ending in
 * '\n') and the signed-header list. -1 when too long. */
static int
hdrs_canonical(struct sigv4_hdrs *h, char **block, char **signed_list)
{
	struct buf b, s;
	int rc = 0;

	qsort(h->v, h->n, sizeof *h->v, hdr_cmp);
	buf_init(&b, SIGV4_MAX_TEXT);
	buf_init(&s, SIGV4_MAX_TEXT);
	for (size_t i = 0; i < h->n && rc == 0; i++) {
		bool repeat =
		    i > 0 && strcmp(h->v[i].name, h->v[i - 1].name) == 0;

		if (repeat) {
			rc |= buf_appendc(&b, ',');
		} else {
			if (i > 0) {
				rc |= buf_appendc(&b, '\n');
				rc |= buf_appendc(&s, ';');
			}
			rc |= buf_appends(&b, h->v[i].name);
			rc |= buf_appendc(&b, ':');
			rc |= buf_appends(&s, h->v[i].name);
		}
		rc |= buf_appends(&b, h->v[i].value);
	}
	if (h->n > 0)
		rc |= buf_appendc(&b, '\n');
	if (rc != 0) {
		buf_free_secret(&b);
		buf_free(&s);
		return -1;
	}
	*block = buf_take(&b);
	*signed_list = buf_take(&s);
	return 0;
}

/* Names the signer adds itself; the caller must not pass them. */
static bool
reserved_header(const char *name, bool adds_content_sha256)
{
	return strcasecmp(name, "x-amz-date") == 0 ||
	       strcasecmp(name, "x-amz-security-token") == 0 ||
	       strcasecmp(name, "authorization") == 0 ||
	       (adds_content_sha256 &&
	        strcasecmp(name, "x-amz-content-sha256") == 0);
}

/* Auth parameter names of the presigned form, which a request's own
 * query must not carry (the verifier compares them without case). */
static bool
reserved_param(const char *key)
{
	static const char *const names[] = {
	    "X-Amz-Algorithm", "X-Amz-Credential",    "X-Amz-Date",
	    "X-Amz-Expires",   "X-Amz-SignedHeaders", "X-Amz-Security-Token",
	    "X-Amz-Signature",
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcasecmp(key, names[i]) == 0)
			return true;
	return false;
}

static bool
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

/* The signature over string_to_sign (hex into sig). 0 or -1. */
static int
compute_signature(const struct sigv4_params *p, const char *date,
                  const char *string_to_sign, char sig[65])
{
	char *ksecret = xasprintf("AWS4%s", p->secret_access_key);
	unsigned char k[32], mac[32];
	int rc;

	rc = hmac(ksecret, strlen(ksecret), date, strlen(date), k);
	secret_free_str(ksecret);
	if (rc == 0)
		rc = hmac(k, 32, p->region, strlen(p->region), k);
	if (rc == 0)
		rc = hmac(k, 32, p->service, strlen(p->service), k);
	if (rc == 0)
		rc = hmac(k, 32, "aws4_request", 12, k);
	if (rc == 0)
		rc = hmac(k, 32, string_to_sign, strlen(string_to_sign), mac);
	if (rc == 0)
		hex_encode(mac, 32, sig);
	secret_zero(k, sizeof k);
	secret_zero(mac, sizeof mac);
	return rc;
}

/* Everything both forms need, built by sign(). */
struct sigv4_work {
	char date[9];
	char *scope;
	char *uri;
	char *headers;
	char *signed_list;
	char payload[65];
	struct sigv4_params_list own;  /* the request's query, in order */
	struct sigv4_params_list auth; /* presigned form, botocore order */
	struct sigv4_hdrs hdrs;
};

static void
work_done(struct sigv4_work *w)
{
	free(w->scope);
	free(w->uri);
	secret_free_str(w->headers);
	free(w->signed_list);
	params_done(&w->own);
	params_done(&w->auth);
	hdrs_done(&w->hdrs);
}

/* Check the inputs shared by both forms. */
static bool
valid_input(const struct sigv4_request *req, const struct sigv4_params *p,
            bool presign)
{
	if (req == NULL || p == NULL || !is_token(req->method))
		return false;
	if (req->path != NULL && req->path[0] != '\0' && req->path[0] != '/')
		return false;
	if (req->nheaders > 0 && req->headers == NULL)
		return false;
	if (req->body == NULL && req->body_len > 0)
		return false;
	if (!nonempty(p->access_key_id) || !nonempty(p->secret_access_key) ||
	    !nonempty(p->region) || !nonempty(p->service))
		return false;
	if (strchr(p->region, '/') || strchr(p->service, '/') ||
	    strchr(p->access_key_id, '/'))
		return false;
	if (p->session_token != NULL && *p->session_token == '\0')
		return false;
	/* 1970 to 9999: AmzDate has four year digits. */
	if (p->now < 0 || (long long)p->now > 253402300799LL)
		return false;
	if (presign && (p->expires < 1 || p->expires > SIGV4_MAX_EXPIRES))
		return false;
	return true;
}

/* Add the request's headers, then the ones the header form signs. */
static int
collect_headers(const struct sigv4_request *req, const struct sigv4_params *p,
                bool presign, const char *amz_date, struct sigv4_work *w,
                bool *has_host)
{
	bool add_sha = !presign && p->sign_body && p->add_content_sha256;
	const char *token = p->session_token;

	*has_host = false;
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct sigv4_header *h = &req->headers[i];

		if (h->name == NULL || reserved_header(h->name, add_sha))
			return -1;
		if (strcasecmp(h->name, "host") == 0)
			*has_host = true;
		if (hdrs_add(&w->hdrs, h->name, h->value) != 0)
			return -1;
	}
	if (presign)
		return 0;
	if (hdrs_add(&w->hdrs, "x-amz-date", amz_date) != 0)
		return -1;
	if (nonempty(token) && !p->omit_session_token &&
	    hdrs_add(&w->hdrs, "x-amz-security-token", token) != 0)
		return -1;
	if (add_sha &&
	    hdrs_add(&w->hdrs, "x-amz-content-sha256", w->payload) != 0)
		return -1;
	return 0;
}

/* The auth parameters of the presigned form, in botocore's URL order;
 * the token is left out when omitted (it is added to the URL later). */
static void
collect_auth_params(const struct sigv4_params *p, const char *amz_date,
                    struct sigv4_work *w)
{
	char *cred = xasprintf("%s/%s", p->access_key_id, w->scope);
	char *exp = xasprintf("%ld", p->expires);
	size_t clen = strlen(cred), slen = strlen(w->signed_list);

	params_add(&w->auth, xstrdup("X-Amz-Algorithm"),
	           xstrdup(SIGV4_ALGORITHM));
	params_add(&w->auth, xstrdup("X-Amz-Credential"),
	           sigv4_uri_encode(cred, clen, false));
	params_add(&w->auth, xstrdup("X-Amz-Date"), xstrdup(amz_date));
	params_add(&w->auth, xstrdup("X-Amz-Expires"), exp);
	params_add(&w->auth, xstrdup("X-Amz-SignedHeaders"),
	           sigv4_uri_encode(w->signed_list, slen, false));
	if (nonempty(p->session_token) && !p->omit_session_token)
		params_add(&w->auth, xstrdup("X-Amz-Security-Token"),
		           sigv4_uri_encode(p->session_token,
		                            strlen(p->session_token), false));
	free(cred);
}

/* The canonical query: own and auth parameters together, sorted. */
static char *
canonical_query(const struct sigv4_work *w)
{
	struct sigv4_params_list all = {NULL, 0, 0};
	char *q;

	all.n = all.cap = w->own.n + w->auth.n;
	if (all.n > 0) {
		all.v = xreallocarray(NULL, all.n, sizeof *all.v);
		if (w->own.n > 0)
			memcpy(all.v, w->own.v, w->own.n * sizeof *all.v);
		if (w->auth.n > 0)
			memcpy(all.v + w->own.n, w->auth.v,
			       w->auth.n * sizeof *all.v);
	}
	q = params_join(&all, true);
	free(all.v); /* the strings belong to w */
	return q;
}

/* The URL query of the presigned form: own parameters, auth parameters,
 * then X-Amz-Signature. An omitted token still goes before the
 * signature, unsigned. */
static char *
presigned_query(const struct sigv4_params *p, struct sigv4_work *w,
                const char *sig)
{
	char *own = params_join(&w->own, false);
	char *auth = params_join(&w->auth, false);
	char *tok = NULL, *q = NULL;
	struct buf b;
	int rc = 0;

	if (own == NULL || auth == NULL)
		goto out;
	if (nonempty(p->session_token) && p->omit_session_token)
		tok = sigv4_uri_encode(p->session_token,
		                       strlen(p->session_token), false);
	buf_init(&b, SIGV4_MAX_TEXT);
	if (*own != '\0') {
		rc |= buf_appends(&b, own);
		rc |= buf_appendc(&b, '&');
	}
	rc |= buf_appends(&b, auth);
	if (tok != NULL) {
		rc |= buf_appends(&b, "&X-Amz-Security-Token=");
		rc |= buf_appends(&b, tok);
	}
	rc |= buf_appends(&b, "&X-Amz-Signature=");
	rc |= buf_appends(&b, sig);
	if (rc != 0)
		buf_free_secret(&b);
	else
		q = buf_take(&b);
out:
	secret_free_str(own);
	secret_free_str(auth);
	secret_free_str(tok);
	return q;
}

/* Both forms: fill res, or leave it empty and return -1. */
static int
sign(const struct sigv4_request *req, const struct sigv4_params *p,
     bool presign, struct sigv4_result *res)
{
	struct sigv4_work w;
	char *query = NULL, creq_hash[65];
	bool has_host;
	struct buf cr;
	int rc = -1;

	memset(res, 0, sizeof *res);
	memset(&w, 0, sizeof w);
	if (!valid_input(req, p, presign))
		return -1;
	timefmt_amz(p->now, res->amz_date);
	if (strlen(res->amz_date) != 16)
		goto out;
	memcpy(w.date, res->amz_date, 8);
	w.date[8] = '\0';
	w.scope =
	    xasprintf("%s/%s/%s/aws4_request", w.date, p->region, p->service);
	w.uri = canonical_uri(req->path, p->normalize);
	if (params_parse(req->query, &w.own) != 0)
		goto out;
	if (presign)
		for (size_t i = 0; i < w.own.n; i++)
			if (reserved_param(w.own.v[i].key))
				goto out;
	if (p->sign_body)
		sigv4_sha256_hex(req->body, req->body_len, w.payload);
	else
		memcpy(w.payload, SIGV4_EMPTY_SHA256, 65);
	if (w.payload[0] == '\0')
		goto out;
	if (collect_headers(req, p, presign, res->amz_date, &w, &has_host) !=
	        0 ||
	    !has_host)
		goto out;
	if (hdrs_canonical(&w.hdrs, &w.headers, &w.signed_list) != 0)
		goto out;
	if (presign)
		collect_auth_params(p, res->amz_date, &w);
	query = canonical_query(&w);
	if (query == NULL)
		goto out;

	buf_init(&cr, SIGV4_MAX_TEXT);
	if (buf_appends(&cr, req->method) != 0 || buf_appendc(&cr, '\n') ||
	    buf_appends(&cr, w.uri) || buf_appendc(&cr, '\n') ||
	    buf_appends(&cr, query) || buf_appendc(&cr, '\n') ||
	    buf_appends(&cr, w.headers) || buf_appendc(&cr, '\n') ||
	    buf_appends(&cr, w.signed_list) || buf_appendc(&cr, '\n') ||
	    buf_appends(&cr, w.payload)) {
		buf_free_secret(&cr);
		goto out;
	}
	res->canonical_request = buf_take(&cr);
	sigv4_sha256_hex(res->canonical_request, strlen(res->canonical_request),
	                 creq_hash);
	if (creq_hash[0] == '\0')
		goto out;
	res->string_to_sign = xasprintf("%s\n%s\n%s\n%s", SIGV4_ALGORITHM,
	                                res->amz_date, w.scope, creq_hash);
	if (compute_signature(p, w.date, res->string_to_sign, res->signature) !=
	    0)
		goto out;

	if (presign) {
		res->query = presigned_query(p, &w, res->signature);
		if (res->query == NULL)
			goto out;
	} else {
		res->authorization = xasprintf(
		    SIGV4_ALGORITHM
		    " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		    p->access_key_id, w.scope, w.signed_list, res->signature);
		if (p->sign_body && p->add_content_sha256)
			memcpy(res->content_sha256, w.payload, 65);
	}
	rc = 0;
out:
	secret_free_str(query);
	work_done(&w);
	if (rc != 0)
		sigv4_result_done(res);
	return rc;
}

int
sigv4_sign_headers(const struct sigv4_request *req,
                   const struct sigv4_params *p, struct sigv4_result *res)
{
	return sign(req, p, false, res);
}

int
sigv4_presign(const struct sigv4_request *req, const struct sigv4_params *p,
              struct sigv4_result *res)
{
	return sign(req, p, true, res);
}

void
sigv4_result_done(struct sigv4_result *res)
{
	if (res == NULL)
		return;
	/* The canonical request and the query may hold the token. */
	secret_free_str(res->canonical_request);
	free(res->string_to_sign);
	free(res->authorization);
	secret_free_str(res->query);
	memset(res, 0, sizeof *res);
}
