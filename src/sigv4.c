/*
 * sigv4 - AWS Signature Version 4 with non-S3 rules.
 *
 * Canonical request = method, canonical URI, canonical query, canonical
 * headers, signed headers, payload hash; the string to sign hashes it;
 * the signing key is an HMAC chain over date, region, service. The header
 * form puts the result in Authorization; the presigned form adds the auth
 * parameters to the query before signing and the signature after.
 */
#include "config.h"

#include "sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "timefmt.h"
#include "xalloc.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_MAX (1u << 24)

void
sigv4_params_init(struct sigv4_params *p)
{
	memset(p, 0, sizeof *p);
	p->normalize = true;
	p->sign_body = true;
}

static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	hex(md, 32, out);
}

static void
hmac(const void *key, size_t keylen, const char *msg, unsigned char out[32])
{
	unsigned int len = 32;

	HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), out, &len);
}

static int
unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

char *
sigv4_uri_encode(const char *s, size_t len, bool keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	struct buf b;

	buf_init(&b, SIGV4_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c) || (keep_slash && c == '/')) {
			buf_appendc(&b, (char)c);
		} else {
			buf_appendc(&b, '%');
			buf_appendc(&b, digits[c >> 4]);
			buf_appendc(&b, digits[c & 15]);
		}
	}
	return buf_take(&b);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..len) ('+' stays '+'). */
static char *
uri_decode(const char *s, size_t len, size_t *outlen)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) << 4 |
			    hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* The path with "." and ".." segments and empty segments removed. */
static char *
normalize_path(const char *path)
{
	size_t n = strlen(path), nseg = 0;
	const char **seg = xcalloc(n + 1, sizeof *seg);
	size_t *seglen = xcalloc(n + 1, sizeof *seglen);
	const char *p = path;
	bool trailing = n > 0 && path[n - 1] == '/';
	struct buf b;

	while (*p) {
		const char *s = p;
		size_t l;

		while (*p && *p != '/')
			p++;
		l = (size_t)(p - s);
		if (l == 0 || (l == 1 && s[0] == '.')) {
			/* dropped */
		} else if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (nseg)
				nseg--;
		} else {
			seg[nseg] = s;
			seglen[nseg++] = l;
		}
		if (*p == '/')
			p++;
	}
	buf_init(&b, SIGV4_MAX);
	for (size_t i = 0; i < nseg; i++) {
		buf_appendc(&b, '/');
		buf_append(&b, seg[i], seglen[i]);
	}
	if (nseg == 0 || trailing)
		buf_appendc(&b, '/');
	free(seg);
	free(seglen);
	return buf_take(&b);
}

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

struct qparam {
	char *key; /* encoded */
	char *value;
};

static int
qparam_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

/* Split a query into encoded pairs (decode, then encode). */
static size_t
query_params(const char *query, struct qparam **out, size_t extra)
{
	size_t n = 0, cap = extra + 1;
	struct qparam *v;
	const char *p = query ? query : "";

	for (const char *c = p; *c; c++)
		cap += *c == '&';
	v = xcalloc(cap + 1, sizeof *v);
	while (*p) {
		const char *amp = strchr(p, '&'), *eq;
		size_t len = amp ? (size_t)(amp - p) : strlen(p), kl, vl;
		char *k, *val;

		if (len > 0) {
			eq = memchr(p, '=', len);
			k = uri_decode(p, eq ? (size_t)(eq - p) : len, &kl);
			val = eq ? uri_decode(eq + 1, len - (size_t)(eq - p) - 1,
				       &vl)
				 : xstrdup("");
			if (!eq)
				vl = 0;
			v[n].key = sigv4_uri_encode(k, kl, false);
			v[n].value = sigv4_uri_encode(val, vl, false);
			n++;
			free(k);
			secret_free_str(val);
		}
		if (!amp)
			break;
		p = amp + 1;
	}
	*out = v;
	return n;
}

static void
qparams_free(struct qparam *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		secret_free_str(v[i].value);
	}
	free(v);
}

static char *
canonical_query(struct qparam *v, size_t n)
{
	struct buf b;

	qsort(v, n, sizeof *v, qparam_cmp);
	buf_init(&b, SIGV4_MAX);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s=%s", i ? "&" : "", v[i].key, v[i].value);
	return buf_take(&b);
}

struct hdr {
	char *name; /* lower case */
	struct buf value;
	size_t order;
};

static int
hdr_cmp(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Trim and collapse whitespace runs to one space. */
static void
append_trimmed(struct buf *b, const char *v)
{
	bool space = false, any = false;

	for (; *v; v++) {
		if (isspace((unsigned char)*v)) {
			space = any;
			continue;
		}
		if (space)
			buf_appendc(b, ' ');
		space = false;
		any = true;
		buf_appendc(b, *v);
	}
}

/* Collect headers (merged by name, in sorted order). */
static size_t
collect_headers(const struct sigv4_header *in, size_t n,
    const struct sigv4_header *extra, size_t nextra, struct hdr **out)
{
	struct hdr *v = xcalloc(n + nextra + 1, sizeof *v);
	size_t count = 0;

	for (size_t i = 0; i < n + nextra; i++) {
		const struct sigv4_header *h = i < n ? &in[i] : &extra[i - n];
		char *name = xstrdup(h->name);
		size_t j;

		for (char *c = name; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (j = 0; j < count; j++)
			if (strcmp(v[j].name, name) == 0)
				break;
		if (j == count) {
			v[count].name = name;
			buf_init(&v[count].value, SIGV4_MAX);
			v[count].order = count;
			count++;
		} else {
			free(name);
			buf_appendc(&v[j].value, ',');
		}
		append_trimmed(&v[j].value, h->value);
	}
	qsort(v, count, sizeof *v, hdr_cmp);
	*out = v;
	return count;
}

static void
headers_free(struct hdr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		buf_free_secret(&v[i].value);
	}
	free(v);
}

static char *
signed_header_list(const struct hdr *v, size_t n)
{
	struct buf b;

	buf_init(&b, SIGV4_MAX);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ";" : "", v[i].name);
	return buf_take(&b);
}

/* Build canonical request, string to sign and signature into r. */
static void
sign(const struct sigv4_request *rq, const struct sigv4_params *pp,
    const char *cquery, const struct hdr *h, size_t nh,
    const char *payload_hash, struct sigv4_result *r)
{
	struct buf cr, sts;
	char *curi = canonical_uri(rq->path, pp->normalize);
	char *signed_list = signed_header_list(h, nh);
	char crhash[65], date[9], *key;
	unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];

	buf_init(&cr, SIGV4_MAX);
	buf_printf(&cr, "%s\n%s\n%s\n", rq->method, curi, cquery);
	for (size_t i = 0; i < nh; i++)
		buf_printf(&cr, "%s:%s\n", h[i].name, buf_str(&h[i].value));
	buf_printf(&cr, "\n%s\n%s", signed_list, payload_hash);
	r->canonical_request = buf_take(&cr);
	sigv4_sha256_hex(r->canonical_request, strlen(r->canonical_request),
	    crhash);
	memcpy(date, r->amz_date, 8);
	date[8] = '\0';
	buf_init(&sts, SIGV4_MAX);
	buf_printf(&sts, "%s\n%s\n%s/%s/%s/aws4_request\n%s", SIGV4_ALGORITHM,
	    r->amz_date, date, pp->region, pp->service, crhash);
	r->string_to_sign = buf_take(&sts);
	key = xasprintf("AWS4%s", pp->secret_access_key);
	hmac(key, strlen(key), date, k1);
	secret_free_str(key);
	hmac(k1, 32, pp->region, k2);
	hmac(k2, 32, pp->service, k3);
	hmac(k3, 32, "aws4_request", k4);
	hmac(k4, 32, r->string_to_sign, sig);
	hex(sig, 32, r->signature);
	secret_zero(k1, 32);
	secret_zero(k2, 32);
	secret_zero(k3, 32);
	secret_zero(k4, 32);
	free(curi);
	free(signed_list);
}

static void
payload_hash(const struct sigv4_request *rq, const struct sigv4_params *pp,
    char out[65])
{
	if (pp->sign_body && rq->body_len > 0)
		sigv4_sha256_hex(rq->body, rq->body_len, out);
	else
		memcpy(out, SIGV4_EMPTY_SHA256, 65);
}

static int
check(const struct sigv4_request *rq, const struct sigv4_params *pp)
{
	return rq->method && pp->access_key_id && pp->secret_access_key &&
		   pp->region && pp->service
	    ? 0
	    : -1;
}

int
sigv4_sign_headers(const struct sigv4_request *rq,
    const struct sigv4_params *pp, struct sigv4_result *r)
{
	struct sigv4_header extra[3];
	size_t nextra = 0, nq, nh;
	struct qparam *q;
	struct hdr *h;
	char *cquery, *signed_list, phash[65], date[9];
	bool token = pp->session_token && !pp->omit_session_token;

	memset(r, 0, sizeof *r);
	if (check(rq, pp) != 0)
		return -1;
	timefmt_amz(pp->now, r->amz_date);
	payload_hash(rq, pp, phash);
	extra[nextra++] = (struct sigv4_header){"X-Amz-Date", r->amz_date};
	if (token)
		extra[nextra++] =
		    (struct sigv4_header){"X-Amz-Security-Token", pp->session_token};
	if (pp->sign_body && pp->add_content_sha256) {
		memcpy(r->content_sha256, phash, 65);
		extra[nextra++] =
		    (struct sigv4_header){"X-Amz-Content-Sha256", phash};
	}
	nq = query_params(rq->query, &q, 0);
	cquery = canonical_query(q, nq);
	nh = collect_headers(rq->headers, rq->nheaders, extra, nextra, &h);
	sign(rq, pp, cquery, h, nh, phash, r);
	signed_list = signed_header_list(h, nh);
	memcpy(date, r->amz_date, 8);
	date[8] = '\0';
	r->authorization = xasprintf("%s Credential=%s/%s/%s/%s/aws4_request, "
				     "SignedHeaders=%s, Signature=%s",
	    SIGV4_ALGORITHM, pp->access_key_id, date, pp->region, pp->service,
	    signed_list, r->signature);
	free(signed_list);
	free(cquery);
	qparams_free(q, nq);
	headers_free(h, nh);
	return 0;
}

/* Append "&name=value" (value encoded) to the presigned query. */
static void
add_param(struct buf *b, const char *name, const char *value)
{
	char *enc = sigv4_uri_encode(value, strlen(value), false);

	if (b->len)
		buf_appendc(b, '&');
	buf_printf(b, "%s=%s", name, enc);
	secret_free_str(enc);
}

int
sigv4_presign(const struct sigv4_request *rq, const struct sigv4_params *pp,
    struct sigv4_result *r)
{
	struct buf url;
	struct qparam *q;
	struct hdr *h;
	char *cquery, *signed_list, *cred, *full, phash[65], date[9],
	    expires[24];
	size_t nq, nh;
	bool token = pp->session_token && !pp->omit_session_token;

	memset(r, 0, sizeof *r);
	if (check(rq, pp) != 0)
		return -1;
	timefmt_amz(pp->now, r->amz_date);
	memcpy(date, r->amz_date, 8);
	date[8] = '\0';
	payload_hash(rq, pp, phash);
	nh = collect_headers(rq->headers, rq->nheaders, NULL, 0, &h);
	signed_list = signed_header_list(h, nh);
	cred = xasprintf("%s/%s/%s/%s/aws4_request", pp->access_key_id, date,
	    pp->region, pp->service);
	snprintf(expires, sizeof expires, "%ld", pp->expires);

	/* The request's own parameters, re-encoded, in their order. */
	buf_init(&url, SIGV4_MAX);
	nq = query_params(rq->query, &q, 0);
	for (size_t i = 0; i < nq; i++)
		buf_printf(&url, "%s%s=%s", i ? "&" : "", q[i].key, q[i].value);
	qparams_free(q, nq);
	add_param(&url, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	add_param(&url, "X-Amz-Credential", cred);
	add_param(&url, "X-Amz-Date", r->amz_date);
	add_param(&url, "X-Amz-Expires", expires);
	add_param(&url, "X-Amz-SignedHeaders", signed_list);
	if (token)
		add_param(&url, "X-Amz-Security-Token", pp->session_token);

	full = buf_take(&url);
	nq = query_params(full, &q, 0);
	cquery = canonical_query(q, nq);
	sign(rq, pp, cquery, h, nh, phash, r);
	r->query = xasprintf("%s&X-Amz-Signature=%s", full, r->signature);
	secret_free_str(full);
	secret_free_str(cquery);
	qparams_free(q, nq);
	headers_free(h, nh);
	free(signed_list);
	free(cred);
	return 0;
}

void
sigv4_result_done(struct sigv4_result *r)
{
	free(r->canonical_request);
	free(r->string_to_sign);
	free(r->authorization);
	secret_free_str(r->query);
	memset(r, 0, sizeof *r);
}
