/*
 * sts - STS form bodies and expat-parsed XML answers.
 *
 * The parser keeps the path of open elements (local names, namespace
 * prefixes dropped) and the character data of the innermost one; a field
 * is taken when its element closes and the path ends the way the field
 * expects. A DOCTYPE stops the parse (no entity games), and the body size
 * is capped before parsing.
 */
#include "config.h"

#include "sts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "buf.h"
#include "timefmt.h"
#include "xalloc.h"

#define STS_MAX_BODY (1u << 20)
#define STS_MAX_DEPTH 32
#define STS_MAX_TEXT (64u << 10)

/* Append k=v, both encoded with the SigV4 rule. */
static void
form_add(struct buf *b, const char *k, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *s;

	if (b->len)
		buf_appendc(b, '&');
	for (int i = 0; i < 2; i++) {
		for (s = i ? v : k; *s; s++) {
			unsigned char c = (unsigned char)*s;

			if (isalnum(c) || c == '-' || c == '_' || c == '.' ||
			    c == '~') {
				buf_appendc(b, (char)c);
			} else {
				buf_appendc(b, '%');
				buf_appendc(b, hex[c >> 4]);
				buf_appendc(b, hex[c & 15]);
			}
		}
		if (i == 0)
			buf_appendc(b, '=');
	}
}

static void
form_start(struct buf *b, const char *action)
{
	buf_init(b, (size_t)-1 / 2);
	form_add(b, "Action", action);
	form_add(b, "Version", STS_API_VERSION);
}

static void
form_role(struct buf *b, const struct sts_assume_params *p)
{
	form_add(b, "RoleArn", p->role_arn);
	form_add(b, "RoleSessionName", p->session_name);
}

static void
form_duration(struct buf *b, int seconds)
{
	char n[16];

	if (seconds <= 0)
		return;
	snprintf(n, sizeof n, "%d", seconds);
	form_add(b, "DurationSeconds", n);
}

char *
sts_body_assume_role(const struct sts_assume_params *p)
{
	struct buf b;

	form_start(&b, "AssumeRole");
	form_role(&b, p);
	if (p->external_id)
		form_add(&b, "ExternalId", p->external_id);
	form_duration(&b, p->duration_seconds);
	if (p->serial_number && p->token_code) {
		form_add(&b, "SerialNumber", p->serial_number);
		form_add(&b, "TokenCode", p->token_code);
	}
	return buf_take(&b);
}

char *
sts_body_assume_role_web_identity(const struct sts_assume_params *p,
    const char *token)
{
	struct buf b;

	form_start(&b, "AssumeRoleWithWebIdentity");
	form_role(&b, p);
	form_add(&b, "WebIdentityToken", token);
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

/* The fields the parser collects; each is the text of the element whose
 * local name is `name` inside a parent named `parent`. */
enum field {
	F_ACCESS_KEY_ID,
	F_SECRET_ACCESS_KEY,
	F_SESSION_TOKEN,
	F_EXPIRATION,
	F_ROLE_ARN,
	F_ROLE_ID,
	F_ACCOUNT,
	F_ARN,
	F_USER_ID,
	F_ERR_CODE,
	F_ERR_MESSAGE,
	F_ERR_TYPE,
	F_COUNT
};

static const struct {
	const char *parent;
	const char *name;
} fields[F_COUNT] = {
    [F_ACCESS_KEY_ID] = {"Credentials", "AccessKeyId"},
    [F_SECRET_ACCESS_KEY] = {"Credentials", "SecretAccessKey"},
    [F_SESSION_TOKEN] = {"Credentials", "SessionToken"},
    [F_EXPIRATION] = {"Credentials", "Expiration"},
    [F_ROLE_ARN] = {"AssumedRoleUser", "Arn"},
    [F_ROLE_ID] = {"AssumedRoleUser", "AssumedRoleId"},
    [F_ACCOUNT] = {"GetCallerIdentityResult", "Account"},
    [F_ARN] = {"GetCallerIdentityResult", "Arn"},
    [F_USER_ID] = {"GetCallerIdentityResult", "UserId"},
    [F_ERR_CODE] = {"Error", "Code"},
    [F_ERR_MESSAGE] = {"Error", "Message"},
    [F_ERR_TYPE] = {"Error", "Type"},
};

struct parse {
	XML_Parser xp;
	char *path[STS_MAX_DEPTH];
	int depth;
	struct buf text; /* of the innermost open element */
	char *value[F_COUNT];
	int errors_seen; /* completed <Error> elements */
	int in_error;    /* depth of the first <Error>, 0 when outside */
	const char *fail; /* why the parse was stopped */
};

static const char *
local_name(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon ? colon + 1 : name;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct parse *p = ud;

	(void)attrs;
	if (p->depth == STS_MAX_DEPTH) {
		p->fail = "nested too deeply";
		XML_StopParser(p->xp, XML_FALSE);
		return;
	}
	p->path[p->depth++] = xstrdup(local_name(name));
	if (strcmp(p->path[p->depth - 1], "Error") == 0 && p->in_error == 0 &&
	    p->errors_seen == 0)
		p->in_error = p->depth;
	buf_reset(&p->text);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct parse *p = ud;
	const char *parent = p->depth >= 2 ? p->path[p->depth - 2] : "";
	const char *self = p->path[p->depth - 1];

	(void)name;
	for (int f = 0; f < F_COUNT; f++) {
		int is_err = f >= F_ERR_CODE;

		if (strcmp(self, fields[f].name) != 0 ||
		    strcmp(parent, fields[f].parent) != 0 || p->value[f])
			continue;
		/* Only the first <Error> at any depth counts. */
		if (is_err && p->in_error != p->depth - 1)
			continue;
		p->value[f] = xstrdup(buf_str(&p->text));
	}
	if (p->in_error == p->depth) {
		p->in_error = 0;
		p->errors_seen++;
	}
	free(p->path[--p->depth]);
	buf_reset(&p->text);
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct parse *p = ud;

	if (buf_append(&p->text, s, (size_t)len) != 0) {
		p->fail = "element text too long";
		XML_StopParser(p->xp, XML_FALSE);
	}
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	struct parse *p = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	p->fail = "document type declarations are not allowed";
	XML_StopParser(p->xp, XML_FALSE);
}

static void
parse_done(struct parse *p)
{
	while (p->depth > 0)
		free(p->path[--p->depth]);
	buf_free_secret(&p->text);
	for (int f = 0; f < F_COUNT; f++)
		secret_free_str(p->value[f]);
	if (p->xp)
		XML_ParserFree(p->xp);
}

/* Parse xml into p. 0 on success; -1 with msg filled. */
static int
parse_xml(struct parse *p, const char *xml, size_t len, char *msg,
    size_t msglen)
{
	memset(p, 0, sizeof *p);
	buf_init(&p->text, STS_MAX_TEXT);
	if (len > STS_MAX_BODY) {
		snprintf(msg, msglen, "larger than %u bytes", STS_MAX_BODY);
		return -1;
	}
	p->xp = XML_ParserCreate("UTF-8");
	if (p->xp == NULL)
		abort();
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
	if (XML_Parse(p->xp, xml, (int)len, XML_TRUE) != XML_STATUS_OK) {
		if (p->fail)
			snprintf(msg, msglen, "%s", p->fail);
		else
			snprintf(msg, msglen, "%s at line %lu",
			    XML_ErrorString(XML_GetErrorCode(p->xp)),
			    (unsigned long)XML_GetCurrentLineNumber(p->xp));
		return -1;
	}
	return 0;
}

/* Fill e from a parsed ErrorResponse; ST_AWS. */
static enum status
error_from(struct parse *p, struct err *e)
{
	err_set(e, ST_AWS, "%s: %s", p->value[F_ERR_CODE],
	    p->value[F_ERR_MESSAGE] ? p->value[F_ERR_MESSAGE]
				    : "(no message)");
	err_code(e, p->value[F_ERR_CODE]);
	return ST_AWS;
}

int
sts_arn_account(const char *arn, char out[13])
{
	const char *p = arn;

	for (int i = 0; i < 4; i++) {
		p = strchr(p, ':');
		if (p == NULL)
			return -1;
		p++;
	}
	for (int i = 0; i < 12; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	if (p[12] != ':')
		return -1;
	memcpy(out, p, 12);
	out[12] = '\0';
	return 0;
}

enum status
sts_parse_credentials(const char *xml, size_t len, struct creds *out,
    struct err *e)
{
	struct parse p;
	char msg[256], account[13];
	static const enum field need[] = {F_ACCESS_KEY_ID, F_SECRET_ACCESS_KEY,
	    F_SESSION_TOKEN, F_EXPIRATION, F_ROLE_ARN};
	enum status st = ST_OK;

	creds_init(out);
	if (parse_xml(&p, xml, len, msg, sizeof msg) != 0) {
		st = err_set(e, ST_PARSE, "malformed STS response: %s", msg);
		goto out;
	}
	if (p.value[F_ERR_CODE]) {
		st = error_from(&p, e);
		goto out;
	}
	for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
		if (p.value[need[i]] == NULL || *p.value[need[i]] == '\0') {
			st = err_set(e, ST_PARSE,
			    "malformed STS response: no %s in the answer",
			    fields[need[i]].name);
			goto out;
		}
	}
	if (timefmt_parse_iso8601(p.value[F_EXPIRATION], &out->expiration) !=
	    0) {
		st = err_set(e, ST_PARSE,
		    "malformed STS response: Expiration '%s' is not a time",
		    p.value[F_EXPIRATION]);
		goto out;
	}
	out->access_key_id = xstrdup(p.value[F_ACCESS_KEY_ID]);
	out->secret_access_key = xstrdup(p.value[F_SECRET_ACCESS_KEY]);
	out->session_token = xstrdup(p.value[F_SESSION_TOKEN]);
	out->arn = xstrdup(p.value[F_ROLE_ARN]);
	out->user_id = xstrdup_or_null(p.value[F_ROLE_ID]);
	if (sts_arn_account(out->arn, account) == 0)
		out->account = xstrdup(account);
out:
	if (st != ST_OK)
		creds_done(out);
	parse_done(&p);
	return st;
}

enum status
sts_parse_caller_identity(const char *xml, size_t len,
    struct sts_identity *out, struct err *e)
{
	struct parse p;
	char msg[256];
	enum status st = ST_OK;

	memset(out, 0, sizeof *out);
	if (parse_xml(&p, xml, len, msg, sizeof msg) != 0) {
		st = err_set(e, ST_PARSE, "malformed STS response: %s", msg);
	} else if (p.value[F_ERR_CODE]) {
		st = error_from(&p, e);
	} else if (p.value[F_ACCOUNT] == NULL || p.value[F_ARN] == NULL) {
		st = err_set(e, ST_PARSE,
		    "malformed STS response: no Account or Arn in the answer");
	} else {
		out->account = xstrdup(p.value[F_ACCOUNT]);
		out->arn = xstrdup(p.value[F_ARN]);
		out->user_id = xstrdup_or_null(p.value[F_USER_ID]);
	}
	parse_done(&p);
	return st;
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
	struct parse p;
	char msg[256];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (len > 0 && parse_xml(&p, xml, len, msg, sizeof msg) == 0 &&
	    p.value[F_ERR_CODE]) {
		snprintf(out->code, sizeof out->code, "%s",
		    p.value[F_ERR_CODE]);
		snprintf(out->message, sizeof out->message, "%s",
		    p.value[F_ERR_MESSAGE] ? p.value[F_ERR_MESSAGE] : "");
		snprintf(out->type, sizeof out->type, "%s",
		    p.value[F_ERR_TYPE] ? p.value[F_ERR_TYPE] : "");
		rc = 0;
	}
	if (len > 0)
		parse_done(&p);
	return rc;
}
