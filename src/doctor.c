/*
 * doctor - judging a target's setup: checks, verdicts, fixes.
 */
#include "config.h"

#include "doctor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "jsonutil.h"
#include "policy.h"
#include "provider.h"
#include "timefmt.h"
#include "xalloc.h"

#define PROJECTED_TOKEN                                                        \
	"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"

const char *
doctor_status_name(enum doctor_status s)
{
	switch (s) {
	case DOCTOR_OK:
		return "ok";
	case DOCTOR_WARN:
		return "warn";
	case DOCTOR_FAIL:
		return "fail";
	case DOCTOR_SKIP:
		return "skip";
	}
	return "?";
}

void
doctor_report_init(struct doctor_report *r, const struct target *t)
{
	memset(r, 0, sizeof *r);
	r->t = t;
}

void
doctor_report_free(struct doctor_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].detail);
		free(r->v[i].fix);
	}
	free(r->v);
	jwt_claims_free(&r->claims);
	memset(r, 0, sizeof *r);
}

void
doctor_add(struct doctor_report *r, const char *name, size_t hop,
           enum doctor_status st, char *fix, const char *fmt, ...)
{
	struct doctor_check *c;
	struct buf b;
	va_list ap;

	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	c = &r->v[r->n++];
	c->name = name;
	c->hop = hop;
	c->status = st;
	c->fix = fix;
	buf_init(&b, 1u << 16);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->detail = buf_take(&b);
}

bool
doctor_failed(const struct doctor_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].status == DOCTOR_FAIL)
			return true;
	return false;
}

/* The chain's web identity hop, or NULL. */
static const struct hop *
web_identity_hop(const struct target *t, size_t *index)
{
	for (size_t i = 0; i < t->nhops; i++)
		if (t->hops[i].kind == HOP_WEB_IDENTITY) {
			*index = i;
			return &t->hops[i];
		}
	return NULL;
}

/* "in profile P (file:line)" for fixes, or "". Caller frees. */
static char *
where(const struct hop *h)
{
	if (h->profile && h->where)
		return xasprintf(" (profile %s, %s)", h->profile, h->where);
	if (h->profile)
		return xasprintf(" (profile %s)", h->profile);
	return xstrdup("");
}

static char *
expired_token_fix(const struct hop *h)
{
	return xasprintf(
	    "the kubelet replaces a projected service account token well "
	    "before it expires; one that stays expired is a stale copy or "
	    "the projection has stopped: point web_identity_token_file at "
	    "the projected file (usually %s), not a copy, and restart the "
	    "pod if it still does not change (the role is %s)",
	    PROJECTED_TOKEN, h->role_arn);
}

void
doctor_check_token(struct doctor_report *r, time_t now)
{
	size_t hi = 0;
	const struct hop *h = web_identity_hop(r->t, &hi);
	struct err e;
	char *tok = NULL, *w, *aud, iso[TIMEFMT_ISO_LEN], left[64];
	struct jwt_claims *c = &r->claims;
	enum doctor_status st = DOCTOR_OK;
	char *fix = NULL;

	if (h == NULL) {
		doctor_add(r, "token", 0, DOCTOR_SKIP, NULL,
		           "the chain has no web identity hop");
		return;
	}
	w = where(h);
	if (provider_read_token_file(h->token_file, &tok, &e) != ST_OK) {
		if (access(h->token_file, F_OK) != 0 && errno == ENOENT)
			fix = xasprintf(
			    "EKS projects the token into the pod when its "
			    "service account has the annotation "
			    "eks.amazonaws.com/role-arn: %s; annotate the "
			    "service account and recreate the pod, or fix "
			    "web_identity_token_file%s",
			    h->role_arn, w);
		else
			fix = xasprintf(
			    "make %s readable by uid %ld (the pod's "
			    "securityContext fsGroup makes a projected token "
			    "group-readable), or fix web_identity_token_file%s",
			    h->token_file, (long)getuid(), w);
		doctor_add(r, "token", hi + 1, DOCTOR_FAIL, fix, "%s", e.msg);
		free(w);
		return;
	}
	if (jwt_claims_parse(tok, strlen(tok), c, &e) != ST_OK) {
		secret_free_str(tok);
		doctor_add(r, "token", hi + 1, DOCTOR_FAIL,
		           xasprintf("web_identity_token_file must hold the "
		                     "service account token itself, as "
		                     "projected by EKS%s",
		                     w),
		           "%s: %s", h->token_file, e.msg);
		free(w);
		return;
	}
	secret_free_str(tok);
	r->have_claims = true;
	aud = jwt_claims_aud_list(c);
	if (!c->has_exp) {
		st = DOCTOR_WARN;
		snprintf(iso, sizeof iso, "none");
		snprintf(left, sizeof left, "no exp claim");
	} else {
		timefmt_iso(c->exp, iso);
		if (c->exp <= now) {
			char ago[32];

			timefmt_remaining((long)(now - c->exp) + 1, ago,
			                  sizeof ago);
			snprintf(left, sizeof left, "expired %s ago", ago);
			st = DOCTOR_FAIL;
			fix = expired_token_fix(h);
		} else {
			timefmt_remaining((long)(c->exp - now), left,
			                  sizeof left);
			snprintf(left + strlen(left),
			         sizeof left - strlen(left), " left");
		}
	}
	if (st == DOCTOR_OK && (c->iss == NULL || c->sub == NULL)) {
		st = DOCTOR_FAIL;
		fix = xasprintf("STS needs iss and sub claims; this is not an "
		                "EKS service account token%s",
		                w);
	} else if (st == DOCTOR_OK &&
	           !jwt_claims_has_aud(c, "sts.amazonaws.com")) {
		st = DOCTOR_WARN;
		fix = xasprintf(
		    "IRSA tokens have aud sts.amazonaws.com; with another "
		    "audience the OIDC provider's client ID list and the "
		    "trust policy's :aud condition of %s must name it",
		    h->role_arn);
	}
	doctor_add(r, "token", hi + 1, st, fix,
	           "%s: iss %s, sub %s, aud %s, exp %s (%s)", h->token_file,
	           c->iss ? c->iss : "(none)", c->sub ? c->sub : "(none)", aud,
	           iso, left);
	free(aud);
	free(w);
}

/* A fix for what targets.c reported about a chain. */
static char *
chain_error_fix(const struct target *t)
{
	if (t->error_hint)
		return xstrdup(t->error_hint);
	if (strstr(t->error, "cycle"))
		return xstrdup("break the cycle: the chain must end at a "
		               "profile with credentials of its own "
		               "(web_identity_token_file, static keys, "
		               "credential_process or credential_source)");
	if (strstr(t->error, "does not exist"))
		return xstrdup("add that profile to the AWS config, or point "
		               "source_profile (or the target's source) at one "
		               "that exists");
	return NULL;
}

static bool
is_role_hop(const struct hop *h)
{
	return h->kind == HOP_WEB_IDENTITY || h->kind == HOP_ASSUME_ROLE;
}

void
doctor_check_chain(struct doctor_report *r)
{
	const struct target *t = r->t;
	struct buf b;

	if (t->error) {
		doctor_add(r, "chain", 0, DOCTOR_FAIL, chain_error_fix(t), "%s",
		           t->error);
		return;
	}
	buf_init(&b, 1u << 16);
	for (size_t i = 0; i < t->nhops; i++) {
		char *d = hop_describe(&t->hops[i]);

		buf_printf(&b, "%s%s", i ? " > " : "", d);
		free(d);
	}
	doctor_add(r, "chain", 0, DOCTOR_OK, NULL, "%zu hop%s: %s", t->nhops,
	           t->nhops == 1 ? "" : "s", buf_str(&b));
	buf_free(&b);
	for (size_t i = 0; i < t->nhops; i++) {
		const struct hop *h = &t->hops[i];
		int d = h->duration_seconds;
		char *w;

		if (!is_role_hop(h) || d == 0)
			continue;
		w = where(h);
		if (d < 900 || d > 43200) {
			doctor_add(r, "chain", i + 1, DOCTOR_FAIL,
			           xasprintf("set duration_seconds between 900 "
			                     "and 43200%s",
			                     w),
			           "duration_seconds %d: STS accepts 900 to "
			           "43200",
			           d);
		} else if (i > 0 && is_role_hop(&t->hops[i - 1]) &&
		           d > CHAIN_MAX_CHAINED_DURATION) {
			doctor_add(r, "chain", i + 1, DOCTOR_WARN,
			           xasprintf("set duration_seconds = %d or "
			                     "remove it%s",
			                     CHAIN_MAX_CHAINED_DURATION, w),
			           "duration_seconds %d on a chained role: AWS "
			           "limits role chaining to 1 hour, so rolehop "
			           "asks for %d",
			           d, CHAIN_MAX_CHAINED_DURATION);
		}
		free(w);
	}
}

/* What to do when host cannot be reached. */
static char *
unreachable_fix(const struct doctor_probe *p, const struct envsnap *env)
{
	const char *proxy = envsnap_get_nonempty(env, "HTTPS_PROXY");
	struct buf b;

	if (proxy == NULL)
		proxy = envsnap_get_nonempty(env, "https_proxy");
	buf_init(&b, 1u << 16);
	if (p->failure == HTTP_TLS)
		buf_printf(&b,
		           "the TLS handshake with %s failed: behind a "
		           "TLS-intercepting proxy, set AWS_CA_BUNDLE to "
		           "its CA file; ",
		           p->ep.host);
	if (proxy)
		buf_printf(&b,
		           "HTTPS_PROXY is set: check that the proxy is up "
		           "and lets %s through (or list the host in "
		           "NO_PROXY); ",
		           p->ep.host);
	else
		buf_printf(&b, "if this network reaches AWS through a proxy, "
		               "set HTTPS_PROXY (and NO_PROXY); ");
	if (p->ep.custom)
		buf_printf(&b,
		           "%s is an endpoint override (AWS_ENDPOINT_URL_STS, "
		           "AWS_ENDPOINT_URL, or endpoint_url in the "
		           "profile or its services section): check it",
		           p->ep.url);
	else
		buf_printf(&b,
		           "a private network may need an STS VPC endpoint: "
		           "set endpoint_url (or AWS_ENDPOINT_URL_STS) to "
		           "it");
	return buf_take(&b);
}

void
doctor_check_endpoint(struct doctor_report *r, const struct doctor_probe *p,
                      const struct envsnap *env)
{
	if (!p->resolved) {
		doctor_add(r, "endpoint", 0, DOCTOR_FAIL,
		           p->resolve_err.hint[0] ? xstrdup(p->resolve_err.hint)
		                                  : NULL,
		           "%s", p->resolve_err.msg);
		return;
	}
	if (!p->done) {
		doctor_add(r, "endpoint", 0, DOCTOR_SKIP, NULL,
		           "%s: not probed", p->ep.url);
		return;
	}
	if (p->failure != HTTP_OK) {
		doctor_add(r, "endpoint", 0, DOCTOR_FAIL,
		           unreachable_fix(p, env), "%s (STS, region %s): %s",
		           p->ep.url, p->ep.region, p->error);
		return;
	}
	doctor_add(r, "endpoint", 0, DOCTOR_OK, NULL,
	           "%s (STS, region %s) answers: HTTP %ld in %ld ms", p->ep.url,
	           p->ep.region, p->status, p->elapsed_ms);
}

void
doctor_check_clock(struct doctor_report *r, const struct doctor_probe *p)
{
	long s = p->skew, a = labs(p->skew);

	if (!p->resolved || !p->done || p->failure != HTTP_OK) {
		doctor_add(r, "clock", 0, DOCTOR_SKIP, NULL,
		           "no answer from STS to compare with");
		return;
	}
	if (!p->have_skew) {
		doctor_add(r, "clock", 0, DOCTOR_SKIP, NULL,
		           "%s sent no usable Date header", p->ep.url);
		return;
	}
	if (a <= DOCTOR_SKEW_WARN) {
		doctor_add(r, "clock", 0, DOCTOR_OK, NULL,
		           "the local clock is within %ld s of the server's",
		           a < 1 ? 1 : a);
		return;
	}
	doctor_add(r, "clock", 0, DOCTOR_WARN,
	           xstrdup("synchronise the clock (NTP: timedatectl set-ntp "
	                   "true, or chronyc makestep); rolehop signs with "
	                   "the server's time after a skew error, other AWS "
	                   "tools do not"),
	           "the local clock is %ld s %s the server's (%s); AWS refuses "
	           "signatures more than 5 minutes off",
	           a, s > 0 ? "behind" : "ahead of", p->ep.url);
}

/* The message of e without the "TARGET: hop N (what): " prefix. */
static const char *
strip_hop_prefix(const char *msg, const struct hop *h)
{
	char *d = hop_describe(h), *pat = xasprintf("(%s): ", d);
	const char *p = strstr(msg, pat);
	const char *out = p ? p + strlen(pat) : msg;

	free(pat);
	free(d);
	return out;
}

/* The principal a hop's successor is assumed with. */
static char *
source_principal(const struct target *t, size_t i,
                 const struct chain_result *res)
{
	const struct hop *prev = i > 0 ? &t->hops[i - 1] : NULL;

	if (prev && is_role_hop(prev))
		return xstrdup(prev->role_arn);
	if (res && i > 0 && i - 1 < res->nhops && res->hops[i - 1].creds.arn)
		return xstrdup(res->hops[i - 1].creds.arn);
	if (prev && prev->profile)
		return xasprintf("the principal behind profile %s",
		                 prev->profile);
	return xstrdup("the source credentials");
}

static char *
web_identity_fix(const struct target *t, const struct hop *h,
                 const struct err *e, const struct jwt_claims *c)
{
	char *aud, *hp, *fed, *s;
	const char *want_aud;

	if (c == NULL || c->iss == NULL)
		return xasprintf(
		    "the trust policy of %s must allow the "
		    "token's sub and aud (the token could not be "
		    "read: see the token check); rolehop policy %s "
		    "prints that trust policy",
		    h->role_arn, t->name);
	aud = jwt_claims_aud_list(c);
	hp = jwt_issuer_host_path(c->iss);
	fed = policy_oidc_provider_arn(h->role_arn, c->iss);
	want_aud = jwt_claims_main_aud(c);
	if (want_aud == NULL)
		want_aud = "sts.amazonaws.com";
	if (strcmp(e->code, "InvalidIdentityToken") == 0) {
		char part[32], acct[13];

		if (policy_arn_parts(h->role_arn, part, acct) != 0)
			snprintf(acct, sizeof acct, "?");
		s = xasprintf(
		    "the issuer %s must be registered as an IAM OIDC identity "
		    "provider (%s) in account %s, with %s in its client ID "
		    "(audience) list: aws iam create-open-id-connect-provider "
		    "--url %s --client-id-list %s, or eksctl utils "
		    "associate-iam-oidc-provider --cluster CLUSTER --approve; "
		    "your token has iss %s, aud %s",
		    c->iss, fed, acct, want_aud, c->iss, want_aud, c->iss, aud);
	} else {
		s = xasprintf(
		    "the trust policy of %s must allow sub %s and aud %s "
		    "(Principal Federated %s, StringEquals on %s:sub and "
		    "%s:aud); your token has sub %s aud %s; rolehop policy %s "
		    "prints that trust policy",
		    policy_role_name(h->role_arn), c->sub ? c->sub : "(none)",
		    want_aud, fed, hp, hp, c->sub ? c->sub : "(none)", aud,
		    t->name);
	}
	free(fed);
	free(hp);
	free(aud);
	return s;
}

char *
doctor_hop_fix(const struct target *t, size_t i, const struct err *e,
               const struct jwt_claims *claims, const struct chain_result *res)
{
	const struct hop *h = &t->hops[i];
	const char *code = e->code;

	if (h->kind == HOP_WEB_IDENTITY &&
	    (strcmp(code, "AccessDenied") == 0 ||
	     strcmp(code, "IDPRejectedClaim") == 0 ||
	     strcmp(code, "InvalidIdentityToken") == 0))
		return web_identity_fix(t, h, e, claims);
	if (h->kind == HOP_WEB_IDENTITY &&
	    strcmp(code, "ExpiredTokenException") == 0)
		return expired_token_fix(h);
	if (h->kind == HOP_ASSUME_ROLE && strcmp(code, "AccessDenied") == 0) {
		char *src = source_principal(t, i, res), *s;

		s = xasprintf(
		    "%s needs sts:AssumeRole on %s in its permission policy, "
		    "and the trust policy of %s must trust %s (Principal AWS "
		    "%s)%s%s%s; rolehop policy %s prints both",
		    src, h->role_arn, h->role_arn, src, src,
		    h->external_id ? " with the condition sts:ExternalId = "
		                   : "",
		    h->external_id ? h->external_id : "",
		    h->mfa_serial ? " and aws:MultiFactorAuthPresent" : "",
		    t->name);
		free(src);
		return s;
	}
	if (strcmp(code, "ValidationError") == 0 &&
	    strstr(e->msg, "DurationSeconds"))
		return xasprintf("lower duration_seconds to %d (role chaining) "
		                 "or to the role's MaxSessionDuration",
		                 CHAIN_MAX_CHAINED_DURATION);
	if (strcmp(code, "RegionDisabledException") == 0)
		return xstrdup(
		    "activate STS in this region for the account "
		    "(IAM console, account settings), or set another "
		    "region");
	if (strcmp(code, "ExpiredToken") == 0 ||
	    strcmp(code, "InvalidClientTokenId") == 0)
		return xstrdup("the source credentials are expired or unknown "
		               "to AWS: renew them (rolehop doctor assumes "
		               "every hop afresh, so they are the keys of the "
		               "chain's root)");
	if (strcmp(code, "SignatureDoesNotMatch") == 0 ||
	    strcmp(code, "RequestExpired") == 0)
		return xstrdup("check the clock (see the clock check) and the "
		               "secret key of the source credentials");
	if (e->status == ST_NETWORK || e->status == ST_TIMEOUT)
		return xstrdup("see the endpoint check: set HTTPS_PROXY, "
		               "AWS_CA_BUNDLE or endpoint_url as needed");
	return e->hint[0] ? xstrdup(e->hint) : NULL;
}

void
doctor_check_hops(struct doctor_report *r, const struct chain_result *res,
                  const struct doctor_live *live, const char *why_not,
                  time_t now)
{
	const struct target *t = r->t;
	size_t failed = 0;

	if (res && res->status != ST_OK)
		failed = res->failed_hop ? res->failed_hop : 1;
	for (size_t i = 0; i < t->nhops; i++) {
		const struct hop *h = &t->hops[i];
		char *d = hop_describe(h);

		if (res == NULL) {
			doctor_add(r, "hop", i + 1, DOCTOR_SKIP, NULL,
			           "%s: not tried: %s", d, why_not);
		} else if (failed && i + 1 > failed) {
			doctor_add(r, "hop", i + 1, DOCTOR_SKIP, NULL,
			           "%s: not tried: hop %zu failed", d, failed);
		} else if (failed == i + 1 && h->mfa_serial &&
		           res->err->status == ST_CONFIG &&
		           strstr(res->err->msg, "MFA code is needed")) {
			doctor_add(r, "hop", i + 1, DOCTOR_SKIP,
			           xstrdup("run rolehop doctor on a terminal "
			                   "to try this hop: it asks for the "
			                   "MFA code"),
			           "%s: not tried: it needs an MFA code (%s) "
			           "and there is no terminal",
			           d, h->mfa_serial);
		} else if (failed == i + 1) {
			doctor_add(r, "hop", i + 1, DOCTOR_FAIL,
			           doctor_hop_fix(
			               t, i, res->err,
			               r->have_claims ? &r->claims : NULL, res),
			           "%s: %s", d,
			           strip_hop_prefix(res->err->msg, h));
		} else {
			const struct hop_result *hr = &res->hops[i];
			const struct doctor_live *l = live ? &live[i] : NULL;
			char exp[80] = "";

			if (hr->creds.expiration) {
				char iso[TIMEFMT_ISO_LEN], left[32];

				timefmt_iso(hr->creds.expiration, iso);
				timefmt_remaining(
				    (long)(hr->creds.expiration - now), left,
				    sizeof left);
				snprintf(exp, sizeof exp, ", expires %s (%s)",
				         iso, left);
			}
			if (l && l->asked && l->status != ST_OK)
				doctor_add(
				    r, "hop", i + 1, DOCTOR_FAIL,
				    xstrdup("the credentials of this hop were "
				            "issued but do not work: check the "
				            "clock and the endpoint"),
				    "%s: assumed, but %s", d, l->err.msg);
			else
				doctor_add(
				    r, "hop", i + 1, DOCTOR_OK, NULL,
				    "%s: %s%s%s%s", d,
				    l && l->asked ? "GetCallerIdentity "
				                  : "assumed ",
				    l && l->asked && l->id.arn ? l->id.arn
				    : hr->creds.arn            ? hr->creds.arn
				                               : "ok",
				    exp,
				    hr->clamped_from ? ", duration clamped to "
				                       "1 hour"
				                     : "");
		}
		free(d);
	}
}

cJSON *
doctor_report_json(const struct doctor_report *r)
{
	cJSON *o = cJSON_CreateObject(), *checks;

	cJSON_AddStringToObject(o, "target", r->t->name);
	checks = cJSON_AddArrayToObject(o, "checks");
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->v[i];
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "name", c->name);
		if (c->hop)
			cJSON_AddNumberToObject(j, "hop", (double)c->hop);
		else
			cJSON_AddNullToObject(j, "hop");
		cJSON_AddStringToObject(j, "status",
		                        doctor_status_name(c->status));
		cJSON_AddStringToObject(j, "detail", c->detail);
		jsonutil_add_str(j, "fix", c->fix);
		cJSON_AddItemToArray(checks, j);
	}
	cJSON_AddBoolToObject(o, "healthy", !doctor_failed(r));
	return o;
}

void
doctor_report_print(FILE *f, const struct doctor_report *r)
{
	size_t fails = 0, warns = 0;

	fprintf(f, "%s (%s)\n", r->t->name, target_source_name(r->t->source));
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->v[i];
		char label[32];

		if (c->hop && strcmp(c->name, "hop") == 0)
			snprintf(label, sizeof label, "hop %zu", c->hop);
		else if (c->hop)
			snprintf(label, sizeof label, "%s %zu", c->name,
			         c->hop);
		else
			snprintf(label, sizeof label, "%s", c->name);
		fprintf(f, "  %-4s  %-8s  %s\n",
		        c->status == DOCTOR_OK     ? "ok"
		        : c->status == DOCTOR_WARN ? "WARN"
		        : c->status == DOCTOR_FAIL ? "FAIL"
		                                   : "skip",
		        label, c->detail);
		if (c->fix)
			fprintf(f, "        fix: %s\n", c->fix);
		fails += c->status == DOCTOR_FAIL;
		warns += c->status == DOCTOR_WARN;
	}
	if (fails)
		fprintf(f, "  => %s: unhealthy (%zu failed, %zu warning%s)\n",
		        r->t->name, fails, warns, warns == 1 ? "" : "s");
	else
		fprintf(f, "  => %s: healthy%s\n", r->t->name,
		        warns ? " (with warnings)" : "");
}
