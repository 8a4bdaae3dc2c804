/*
 * sts - STS query API: form bodies and expat-parsed XML answers.
 *
 * Builders percent-encode every key and value with the SigV4 rule (keep
 * A-Z a-z 0-9 - _ . ~, everything else %XX) into a buffer that is scrubbed
 * when it grows, since the web identity body carries the token.
 *
 * The parsers share one expat pass: a stack of element kinds (local names,
 * any "prefix:" stripped, judged in context, e.g. Credentials only counts
 * inside an AssumeRole or AssumeRoleWithWebIdentity result, and only the
 * first Error element counts), character data collected per wanted leaf
 * into a capped buffer, the first value of each field kept. The input is
 * capped at 1 MiB, fed in chunks, and any DOCTYPE stops the parser, so no
 * entity is ever declared or expanded. Expat allocates through a suite
 * that zeroes every block before freeing it, and every collected value is
 * scrubbed when dropped: secrets do not linger in freed memory. Error
 * messages name the field and the line, never the body text.
 */
#include "config.h"

#include "sts.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "buf.h"
#include "timefmt.h"
#include "xalloc.h"

/* Largest answer parsed, largest single value kept, deepest nesting. */
#define STS_MAX_INPUT (1024 * 1024)
#define STS_MAX_TEXT (64 * 1024)
#define STS_MAX_DEPTH 32
/* Bytes handed to expat per XML_Parse() call. */
#define STS_CHUNK 4096

/*
 * Building form bodies.
 */

/* Append s percent-encoded with the SigV4 rule. */
static void
form_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[3];

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			buf_appendc(b, (char)c);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		buf_append(b, esc, sizeof esc);
	}
}

/* Append "&key=value", both encoded. */
static void
form_param(struct buf *b, const char *key, const char *value)
{
	buf_appendc(b, '&');
	form_encode(b, key);
	buf_appendc(b, '=');
	form_encode(b, value);
}

/* Start a body with the action and the API version. */
static void
form_start(struct buf *b, const char *action)
{
	buf_init(b, SIZE_MAX / 4);
	form_encode(b, "Action");
	buf_appendc(b, '=');
	form_encode(b, action);
	form_param(b, "Version", STS_API_VERSION);
}

static void
form_duration(struct buf *b, int seconds)
{
	char num[24];

	if (seconds <= 0)
		return;
	snprintf(num, sizeof num, "%d", seconds);
	form_param(b, "DurationSeconds", num);
}

char *
sts_body_assume_role(const struct sts_assume_params *p)
{
	struct buf b;

	form_start(&b, "AssumeRole");
	form_param(&b, "RoleArn", p->role_arn);
	form_param(&b, "RoleSessionName", p->session_name);
	if (p->external_id)
		form_param(&b, "ExternalId", p->external_id);
	form_duration(&b, p->duration_seconds);
	if (p->serial_number)
		form_param(&b, "SerialNumber", p->serial_number);
	if (p->token_code)
		form_param(&b, "TokenCode", p->token_code);
	return buf_take(&b);
}

/* External id and MFA do not apply to web identity and are not sent. */
char *
sts_body_assume_role_web_identity(const struct sts_assume_params *p,
                                  const char *web_identity_token)
{
	struct buf b;

	form_start(&b, "AssumeRoleWithWebIdentity");
	form_param(&b, "RoleArn", p->role_arn);
	form_param(&b, "RoleSessionName", p->session_name);
	form_param(&b, "WebIdentityToken", web_identity_token);
	form_duration(&b, p->duration_seconds);
	return buf_take(&b);
}

char *
sts_body_get_caller_identity(void)
{
	struct buf b;

	form_start(&b, "GetCallerIdentity");
	return buf_take(&b);
}

/*
 * Expat memory: every block carries its size so it can be zeroed before
 * it is freed (expat copies the input, secrets included, into its own
 * buffers).
 */

union mm_head {
	size_t size;
	max_align_t align;
};

static void *
mm_malloc(size_t n)
{
	union mm_head *h;

	if (n > SIZE_MAX - sizeof *h)
		return NULL;
	h = xmalloc(sizeof *h + n);
	h->size = n;
	return h + 1;
}

static void
mm_free(void *p)
{
	union mm_head *h;

	if (p == NULL)
		return;
	h = (union mm_head *)p - 1;
	secret_free(h, sizeof *h + h->size);
}

/* Move rather than realloc so no copy stays behind unzeroed. */
static void *
mm_realloc(void *p, size_t n)
{
	void *np;
	size_t old;

	if (p == NULL)
		return mm_malloc(n);
	np = mm_malloc(n);
	if (np == NULL)
		return NULL;
	old = ((union mm_head *)p - 1)->size;
	memcpy(np, p, old < n ? old : n);
	mm_free(p);
	return np;
}

static const XML_Memory_Handling_Suite mm_suite = {
    mm_malloc,
    mm_realloc,
    mm_free,
};

/*
 * Parsing.
 */

/* What an open element is, judged in its context. */
enum sts_kind {
	K_OTHER,
	K_ROLE_RESULT, /* AssumeRoleResult, AssumeRoleWithWebIdentityResult */
	K_CREDENTIALS, /* Credentials inside a role result */
	K_ROLE_USER,   /* AssumedRoleUser inside a role result */
	K_IDENTITY,    /* GetCallerIdentityResult */
	K_ERROR,       /* the first Error element */
};

enum sts_field {
	F_KEY_ID,
	F_SECRET,
	F_TOKEN,
	F_EXPIRATION,
	F_ROLE_ARN,
	F_ROLE_ID,
	F_USER_ID,
	F_ACCOUNT,
	F_ARN,
	F_CODE,
	F_MESSAGE,
	F_TYPE,
	F_COUNT
};

/* Which answer a parse is for: selects the wanted fields. */
enum sts_mode {
	M_CREDS = 1,
	M_IDENTITY = 2,
	M_ERROR = 4,
	M_ANY = M_CREDS | M_IDENTITY | M_ERROR,
};

static const struct sts_field_spec {
	enum sts_kind parent;
	const char *name;
	const char *label; /* for messages */
	unsigned modes;
} sts_fields[F_COUNT] = {
    [F_KEY_ID] = {K_CREDENTIALS, "AccessKeyId", "Credentials/AccessKeyId",
                  M_CREDS},
    [F_SECRET] = {K_CREDENTIALS, "SecretAccessKey",
                  "Credentials/SecretAccessKey", M_CREDS},
    [F_TOKEN] = {K_CREDENTIALS, "SessionToken", "Credentials/SessionToken",
                 M_CREDS},
    [F_EXPIRATION] = {K_CREDENTIALS, "Expiration", "Credentials/Expiration",
                      M_CREDS},
    [F_ROLE_ARN] = {K_ROLE_USER, "Arn", "AssumedRoleUser/Arn", M_CREDS},
    [F_ROLE_ID] = {K_ROLE_USER, "AssumedRoleId",
                   "AssumedRoleUser/AssumedRoleId", M_CREDS},
    [F_USER_ID] = {K_IDENTITY, "UserId", "GetCallerIdentityResult/UserId",
                   M_IDENTITY},
    [F_ACCOUNT] = {K_IDENTITY, "Account", "GetCallerIdentityResult/Account",
                   M_IDENTITY},
    [F_ARN] = {K_IDENTITY, "Arn", "GetCallerIdentityResult/Arn", M_IDENTITY},
    [F_CODE] = {K_ERROR, "Code", "Error/Code", M_ANY},
    [F_MESSAGE] = {K_ERROR, "Message", "Error/Message", M_ANY},
    [F_TYPE] = {K_ERROR, "Type", "Error/Type", M_ANY},
};

struct sts_parse {
	XML_Parser xp;
	unsigned mode;
	int depth;
	enum sts_kind stack[STS_MAX_DEPTH];
	bool error_seen; /* an Error element has been opened */
	int field;       /* field collected now, or -1 */
	int field_depth; /* depth of its element */
	bool overflow;   /* the value outgrew the buffer */
	struct buf text; /* character data of the field */
	char *val[F_COUNT];
	/* A failure found by a handler, and where. */
	const char *fail;
	const char *fail_field;
	unsigned long fail_line;
};

/* The name without any "prefix:". */
static const char *
local_name(const char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

/* Record a failure and stop the parser. */
static void
parse_fail(struct sts_parse *sp, const char *what, const char *field)
{
	if (sp->fail == NULL) {
		sp->fail = what;
		sp->fail_field = field;
		sp->fail_line = (unsigned long)XML_GetCurrentLineNumber(sp->xp);
	}
	XML_StopParser(sp->xp, XML_FALSE);
}

/* The kind of a new element called name under parent. */
static enum sts_kind
element_kind(struct sts_parse *sp, enum sts_kind parent, const char *name)
{
	if (strcmp(name, "AssumeRoleResult") == 0 ||
	    strcmp(name, "AssumeRoleWithWebIdentityResult") == 0)
		return K_ROLE_RESULT;
	if (strcmp(name, "GetCallerIdentityResult") == 0)
		return K_IDENTITY;
	if (parent == K_ROLE_RESULT && strcmp(name, "Credentials") == 0)
		return K_CREDENTIALS;
	if (parent == K_ROLE_RESULT && strcmp(name, "AssumedRoleUser") == 0)
		return K_ROLE_USER;
	if (!sp->error_seen && strcmp(name, "Error") == 0) {
		sp->error_seen = true;
		return K_ERROR;
	}
	return K_OTHER;
}

/* The wanted field an element called name under parent holds, or -1. */
static int
element_field(const struct sts_parse *sp, enum sts_kind parent,
              const char *name)
{
	for (int f = 0; f < F_COUNT; f++)
		if (sts_fields[f].parent == parent &&
		    (sts_fields[f].modes & sp->mode) &&
		    strcmp(sts_fields[f].name, name) == 0)
			return f;
	return -1;
}

static void XMLCALL
on_start(void *arg, const XML_Char *qname, const XML_Char **attrs)
{
	struct sts_parse *sp = arg;
	const char *name = local_name(qname);
	enum sts_kind parent = sp->depth ? sp->stack[sp->depth - 1] : K_OTHER;

	if (sp->depth == STS_MAX_DEPTH) {
		parse_fail(sp, "elements nested too deeply", NULL);
		return;
	}
	/* Text before a child element is not the field's value. */
	buf_reset(&sp->text);
	sp->overflow = false;
	sp->field = element_field(sp, parent, name);
	sp->field_depth = sp->depth + 1;
	sp->stack[sp->depth++] = element_kind(sp, parent, name);
}

static void XMLCALL
on_end(void *arg, const XML_Char *qname)
{
	struct sts_parse *sp = arg;
	int f = sp->field;

	if (f >= 0 && sp->depth == sp->field_depth) {
		if (sp->overflow)
			parse_fail(sp, "value too long", sts_fields[f].label);
		else if (sp->val[f] == NULL)
			sp->val[f] = xstrndup(buf_str(&sp->text), sp->text.len);
	}
	buf_reset(&sp->text);
	sp->overflow = false;
	sp->field = -1;
	if (sp->depth > 0)
		sp->depth--;
}

/* Expat may split the text of one element over several calls. */
static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
	struct sts_parse *sp = arg;

	if (sp->field < 0 || sp->depth != sp->field_depth || sp->overflow)
		return;
	if (buf_append(&sp->text, s, (size_t)len) != 0)
		sp->overflow = true;
}

/* No document type: it is the only way to declare entities. */
static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
           const XML_Char *pubid, int has_internal_subset)
{
	parse_fail(arg, "DOCTYPE not allowed", NULL);
}

static void XMLCALL
on_entity_decl(void *arg, const XML_Char *name, int is_param,
               const XML_Char *value, int value_len, const XML_Char *base,
               const XML_Char *sysid, const XML_Char *pubid,
               const XML_Char *notation)
{
	parse_fail(arg, "entity declarations not allowed", NULL);
}

/* Drop every collected value, zeroing it. */
static void
parse_done(struct sts_parse *sp)
{
	for (int f = 0; f < F_COUNT; f++) {
		secret_free_str(sp->val[f]);
		sp->val[f] = NULL;
	}
	buf_free_secret(&sp->text);
}

/* Run expat over the input. 0 when it is well-formed XML with nothing
 * refused; -1 with why (static text), the field concerned (or NULL) and
 * the line (0 when none) otherwise. The values found are left in sp->val
 * either way; parse_done() drops them. */
static int
parse_run(struct sts_parse *sp, unsigned mode, const char *xml, size_t len,
          const char **why, const char **field, unsigned long *line)
{
	size_t off = 0, n;
	enum XML_Status st;
	int rc = 0;

	memset(sp, 0, sizeof *sp);
	sp->mode = mode;
	sp->field = -1;
	buf_init(&sp->text, STS_MAX_TEXT);
	*field = NULL;
	*line = 0;
	if (len > STS_MAX_INPUT) {
		*why = "answer larger than 1 MiB";
		return -1;
	}
	sp->xp = XML_ParserCreate_MM(NULL, &mm_suite, NULL);
	if (sp->xp == NULL) {
		*why = "cannot create an XML parser";
		return -1;
	}
	XML_SetUserData(sp->xp, sp);
	XML_SetElementHandler(sp->xp, on_start, on_end);
	XML_SetCharacterDataHandler(sp->xp, on_text);
	XML_SetStartDoctypeDeclHandler(sp->xp, on_doctype);
	XML_SetEntityDeclHandler(sp->xp, on_entity_decl);
	XML_SetParamEntityParsing(sp->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	/* Feed in chunks; the last call says the input is complete, so a
	 * truncated document fails. */
	do {
		n = len - off < STS_CHUNK ? len - off : STS_CHUNK;
		st = XML_Parse(sp->xp, xml ? xml + off : "", (int)n,
		               off + n == len);
		off += n;
	} while (st == XML_STATUS_OK && off < len);
	if (sp->fail) {
		*why = sp->fail;
		*field = sp->fail_field;
		*line = sp->fail_line;
		rc = -1;
	} else if (st != XML_STATUS_OK) {
		*why = XML_ErrorString(XML_GetErrorCode(sp->xp));
		*line = (unsigned long)XML_GetCurrentLineNumber(sp->xp);
		rc = -1;
	}
	XML_ParserFree(sp->xp);
	sp->xp = NULL;
	return rc;
}

/* Parse, filling e with ST_PARSE on failure (sp is then already done). */
static enum status
parse_or_fail(struct sts_parse *sp, unsigned mode, const char *xml, size_t len,
              struct err *e)
{
	const char *why, *field;
	unsigned long line;

	if (parse_run(sp, mode, xml, len, &why, &field, &line) == 0)
		return ST_OK;
	if (field)
		err_set(e, ST_PARSE,
		        "malformed STS response: %s: %s at line %lu", field,
		        why, line);
	else if (line)
		err_set(e, ST_PARSE, "malformed STS response: %s at line %lu",
		        why, line);
	else
		err_set(e, ST_PARSE, "malformed STS response: %s", why);
	parse_done(sp);
	return ST_PARSE;
}

/* A value that is present and not empty. */
static bool
has(const struct sts_parse *sp, enum sts_field f)
{
	return sp->val[f] != NULL && sp->val[f][0] != '\0';
}

/* Hand a value over to the caller. */
static char *
take(struct sts_parse *sp, enum sts_field f)
{
	char *v = sp->val[f];

	sp->val[f] = NULL;
	return v;
}

/* Copy at most size - 1 bytes, not cutting a UTF-8 sequence in two. */
static void
copy_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* An error answer becomes ST_AWS: the code in e->code, the AWS message
 * alone in e->msg. */
static enum status
aws_error(const struct sts_parse *sp, struct err *e)
{
	if (has(sp, F_MESSAGE))
		err_set(e, ST_AWS, "%s", sp->val[F_MESSAGE]);
	else
		err_set(e, ST_AWS, "STS returned an error without a message");
	err_code(e, sp->val[F_CODE]);
	return ST_AWS;
}

/* The first required field that is missing or empty, or -1. */
static int
missing(const struct sts_parse *sp, const enum sts_field *req, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!has(sp, req[i]))
			return (int)req[i];
	return -1;
}

/* After a parse: ST_AWS for an error answer, ST_PARSE naming the first
 * missing field, else ST_OK. sp is done unless ST_OK. */
static enum status
check_answer(struct sts_parse *sp, const enum sts_field *req, size_t n,
             struct err *e)
{
	int f;

	if (sp->error_seen) {
		aws_error(sp, e);
		parse_done(sp);
		return ST_AWS;
	}
	f = missing(sp, req, n);
	if (f >= 0) {
		err_set(e, ST_PARSE, "malformed STS response: no %s",
		        sts_fields[f].label);
		parse_done(sp);
		return ST_PARSE;
	}
	return ST_OK;
}

enum status
sts_parse_credentials(const char *xml, size_t len, struct creds *out,
                      struct err *e)
{
	static const enum sts_field req[] = {
	    F_KEY_ID, F_SECRET, F_TOKEN, F_EXPIRATION, F_ROLE_ARN,
	};
	struct sts_parse sp;
	enum status st;
	char account[13];

	creds_init(out);
	if (parse_or_fail(&sp, M_CREDS, xml, len, e) != ST_OK)
		return ST_PARSE;
	st = check_answer(&sp, req, sizeof req / sizeof *req, e);
	if (st != ST_OK)
		return st;
	out->access_key_id = take(&sp, F_KEY_ID);
	out->secret_access_key = take(&sp, F_SECRET);
	out->session_token = take(&sp, F_TOKEN);
	out->arn = take(&sp, F_ROLE_ARN);
	if (has(&sp, F_ROLE_ID))
		out->user_id = take(&sp, F_ROLE_ID);
	if (timefmt_parse_iso8601(sp.val[F_EXPIRATION], &out->expiration)) {
		err_set(e, ST_PARSE,
		        "malformed STS response: %s is not an ISO 8601 time",
		        sts_fields[F_EXPIRATION].label);
		goto fail;
	}
	if (sts_arn_account(out->arn, account) != 0) {
		err_set(e, ST_PARSE,
		        "malformed STS response: %s has no 12-digit account",
		        sts_fields[F_ROLE_ARN].label);
		goto fail;
	}
	out->account = xstrdup(account);
	parse_done(&sp);
	return ST_OK;
fail:
	creds_done(out);
	parse_done(&sp);
	return ST_PARSE;
}

enum status
sts_parse_caller_identity(const char *xml, size_t len, struct sts_identity *out,
                          struct err *e)
{
	static const enum sts_field req[] = {F_USER_ID, F_ACCOUNT, F_ARN};
	struct sts_parse sp;
	enum status st;

	memset(out, 0, sizeof *out);
	if (parse_or_fail(&sp, M_IDENTITY, xml, len, e) != ST_OK)
		return ST_PARSE;
	st = check_answer(&sp, req, sizeof req / sizeof *req, e);
	if (st != ST_OK)
		return st;
	out->user_id = take(&sp, F_USER_ID);
	out->account = take(&sp, F_ACCOUNT);
	out->arn = take(&sp, F_ARN);
	parse_done(&sp);
	return ST_OK;
}

void
sts_identity_done(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof *id);
}

int
sts_parse_error(const char *xml, size_t len, struct sts_error *out)
{
	struct sts_parse sp;
	const char *why, *field;
	unsigned long line;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (parse_run(&sp, M_ERROR, xml, len, &why, &field, &line) == 0 &&
	    sp.error_seen) {
		copy_text(out->code, sizeof out->code, sp.val[F_CODE]);
		copy_text(out->message, sizeof out->message, sp.val[F_MESSAGE]);
		copy_text(out->type, sizeof out->type, sp.val[F_TYPE]);
		rc = 0;
	}
	parse_done(&sp);
	return rc;
}

int
sts_arn_account(const char *arn, char out[13])
{
	const char *p;

	out[0] = '\0';
	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return -1;
	/* Skip "arn:", then the partition, service and region fields. */
	p = arn + 4;
	for (int i = 0; i < 3; i++) {
		p = strchr(p, ':');
		if (p == NULL)
			return -1;
		p++;
	}
	if (strspn(p, "0123456789") != 12 || p[12] != ':')
		return -1;
	memcpy(out, p, 12);
	out[12] = '\0';
	return 0;
}
