/*
 * policy - trust and permission policies, aws-auth and access entries for
 * a target's chain.
 */
#include "config.h"

#include "policy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "shquote.h"
#include "sts.h"
#include "xalloc.h"

#define PH_ISSUER_ID "<OIDC_ID>"
#define PH_REGION "<REGION>"
#define PH_SUB "system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>"
#define STS_AUD "sts.amazonaws.com"
#define IAM_VERSION "2012-10-17"

int
policy_arn_parts(const char *arn, char partition[32], char account[13])
{
	const char *p;
	size_t n;

	partition[0] = account[0] = '\0';
	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return -1;
	p = strchr(arn + 4, ':');
	n = p ? (size_t)(p - arn - 4) : 0;
	if (n == 0 || n >= 32)
		return -1;
	memcpy(partition, arn + 4, n);
	partition[n] = '\0';
	return sts_arn_account(arn, account);
}

const char *
policy_role_name(const char *role_arn)
{
	const char *slash = strrchr(role_arn, '/');

	return slash ? slash + 1 : role_arn;
}

char *
policy_oidc_provider_arn(const char *role_arn, const char *iss)
{
	char part[32], acct[13];
	char *hp = jwt_issuer_host_path(iss), *s;

	if (policy_arn_parts(role_arn, part, acct) != 0) {
		snprintf(part, sizeof part, "aws");
		snprintf(acct, sizeof acct, "<ACCOUNT>");
	}
	s = xasprintf("arn:%s:iam::%s:oidc-provider/%s", part, acct, hp);
	free(hp);
	return s;
}

/* {"Version": ..., "Statement": [stmt]} */
static cJSON *
document(cJSON *stmt)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "Version", IAM_VERSION);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "Statement"), stmt);
	return d;
}

static cJSON *
statement(const char *sid, const char *action)
{
	cJSON *s = cJSON_CreateObject();

	if (sid)
		cJSON_AddStringToObject(s, "Sid", sid);
	cJSON_AddStringToObject(s, "Effect", "Allow");
	cJSON_AddStringToObject(s, "Action", action);
	return s;
}

static void
add_doc(struct policy_set *ps, char *name, const char *role_arn,
        const char *kind, char *about, cJSON *doc)
{
	struct policy_doc *d;

	ps->docs = xreallocarray(ps->docs, ps->ndocs + 1, sizeof *ps->docs);
	d = &ps->docs[ps->ndocs++];
	d->name = name;
	d->role_arn = xstrdup_or_null(role_arn);
	d->kind = kind;
	d->about = about;
	d->document = doc;
}

static void
add_note(struct policy_set *ps, char *note)
{
	ps->notes = xreallocarray(ps->notes, ps->nnotes + 1, sizeof *ps->notes);
	ps->notes[ps->nnotes++] = note;
}

static void
add_command(struct policy_set *ps, char *cmd)
{
	ps->commands = xreallocarray(ps->commands, ps->ncommands + 1,
	                             sizeof *ps->commands);
	ps->commands[ps->ncommands++] = cmd;
}

/* The trust policy of the web identity role. */
static void
web_identity_trust(struct policy_set *ps, const struct target *t,
                   const struct hop *h, const struct jwt_claims *claims)
{
	cJSON *stmt = cJSON_CreateObject();
	cJSON *cond, *eq;
	char *iss, *hp, *fed, *k;
	const char *sub, *aud;

	if (claims && claims->iss) {
		iss = xstrdup(claims->iss);
	} else {
		iss =
		    xasprintf("https://oidc.eks.%s.amazonaws.com/id/%s",
		              t->region ? t->region : PH_REGION, PH_ISSUER_ID);
		ps->placeholders = true;
	}
	sub = claims && claims->sub ? claims->sub : PH_SUB;
	aud = claims ? jwt_claims_main_aud(claims) : NULL;
	if (claims == NULL || claims->sub == NULL)
		ps->placeholders = true;
	if (aud == NULL)
		aud = STS_AUD;
	hp = jwt_issuer_host_path(iss);
	fed = policy_oidc_provider_arn(h->role_arn, iss);
	cJSON_AddStringToObject(stmt, "Effect", "Allow");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(stmt, "Principal"),
	                        "Federated", fed);
	cJSON_AddStringToObject(stmt, "Action",
	                        "sts:AssumeRoleWithWebIdentity");
	cond = cJSON_AddObjectToObject(stmt, "Condition");
	eq = cJSON_AddObjectToObject(cond, "StringEquals");
	k = xasprintf("%s:sub", hp);
	cJSON_AddStringToObject(eq, k, sub);
	free(k);
	k = xasprintf("%s:aud", hp);
	cJSON_AddStringToObject(eq, k, aud);
	free(k);
	add_doc(ps, xasprintf("%s-trust", policy_role_name(h->role_arn)),
	        h->role_arn, "trust",
	        xasprintf("trust policy of %s: the OIDC provider of the token "
	                  "may assume it for sub %s",
	                  h->role_arn, sub),
	        document(stmt));
	free(fed);
	free(hp);
	free(iss);
}

/* The principal a hop's credentials stand for, or a placeholder. */
static char *
principal_of(struct policy_set *ps, const struct hop *prev)
{
	if (prev->kind == HOP_WEB_IDENTITY || prev->kind == HOP_ASSUME_ROLE)
		return xstrdup(prev->role_arn);
	ps->placeholders = true;
	if (prev->profile)
		return xasprintf("<ARN of the principal behind profile %s "
		                 "(rolehop whoami %s shows it)>",
		                 prev->profile, prev->profile);
	return xstrdup("<ARN of the principal behind the source "
	               "credentials>");
}

/* Trust policy of an assumed role hop h, reached from principal. */
static void
assume_trust(struct policy_set *ps, const struct hop *h, const char *principal)
{
	cJSON *stmt = cJSON_CreateObject(), *cond = NULL;

	cJSON_AddStringToObject(stmt, "Effect", "Allow");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(stmt, "Principal"),
	                        "AWS", principal);
	cJSON_AddStringToObject(stmt, "Action", "sts:AssumeRole");
	if (h->external_id || h->mfa_serial)
		cond = cJSON_AddObjectToObject(stmt, "Condition");
	if (h->external_id)
		cJSON_AddStringToObject(
		    cJSON_AddObjectToObject(cond, "StringEquals"),
		    "sts:ExternalId", h->external_id);
	if (h->mfa_serial)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(cond, "Bool"),
		                        "aws:MultiFactorAuthPresent", "true");
	add_doc(ps, xasprintf("%s-trust", policy_role_name(h->role_arn)),
	        h->role_arn, "trust",
	        xasprintf("trust policy of %s: %s may assume it", h->role_arn,
	                  principal),
	        document(stmt));
}

/* Permission of principal (the previous hop) to assume h's role. */
static void
assume_permission(struct policy_set *ps, const struct hop *prev,
                  const struct hop *h, const char *principal)
{
	cJSON *stmt = statement("RolehopAssume", "sts:AssumeRole");
	bool is_role =
	    prev->kind == HOP_WEB_IDENTITY || prev->kind == HOP_ASSUME_ROLE;

	cJSON_AddStringToObject(stmt, "Resource", h->role_arn);
	add_doc(ps,
	        xasprintf("%s-assume-%s",
	                  is_role ? policy_role_name(prev->role_arn)
	                          : (prev->profile ? prev->profile : "source"),
	                  policy_role_name(h->role_arn)),
	        is_role ? prev->role_arn : NULL, "permission",
	        xasprintf("permission policy of %s: sts:AssumeRole on %s",
	                  principal, h->role_arn),
	        document(stmt));
}

/* A value for a command line: bare when plainly safe, else quoted. */
static char *
sh_word(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_./:=@-,+", *p))
			return shquote_sh(s);
	return *s ? xstrdup(s) : shquote_sh(s);
}

/* eks:ListClusters and eks:DescribeCluster for the final role. */
static void
eks_policy(struct policy_set *ps, const struct target *t, const char *role_arn)
{
	char part[32], acct[13];
	cJSON *d = cJSON_CreateObject(), *stmts, *s, *res;
	const struct rh_target *rt = t->rh;

	if (policy_arn_parts(role_arn, part, acct) != 0) {
		snprintf(part, sizeof part, "aws");
		snprintf(acct, sizeof acct, "*");
	}
	cJSON_AddStringToObject(d, "Version", IAM_VERSION);
	stmts = cJSON_AddArrayToObject(d, "Statement");
	s = statement("RolehopListClusters", "eks:ListClusters");
	cJSON_AddStringToObject(s, "Resource", "*");
	cJSON_AddItemToArray(stmts, s);
	s = statement("RolehopDescribeCluster", "eks:DescribeCluster");
	res = cJSON_AddArrayToObject(s, "Resource");
	if (rt && rt->nclusters) {
		for (size_t i = 0; i < rt->nclusters; i++) {
			const struct rh_cluster *c = &rt->clusters[i];
			const char *r = c->region   ? c->region
			                : t->region ? t->region
			                            : "*";
			char *arn = xasprintf("arn:%s:eks:%s:%s:cluster/%s",
			                      part, r, acct, c->name);

			cJSON_AddItemToArray(res, cJSON_CreateString(arn));
			free(arn);
		}
	} else {
		char *arn = xasprintf("arn:%s:eks:*:%s:cluster/*", part, acct);

		cJSON_AddItemToArray(res, cJSON_CreateString(arn));
		free(arn);
	}
	cJSON_AddItemToArray(stmts, s);
	add_doc(ps, xasprintf("%s-rolehop-eks", policy_role_name(role_arn)),
	        role_arn, "permission",
	        xasprintf("permission policy of %s: what rolehop calls in EKS "
	                  "(sts:GetCallerIdentity needs no permission)",
	                  role_arn),
	        d);
}

/* The access-entry commands for one cluster. */
static void
access_entry_commands(struct policy_set *ps, const char *cluster,
                      const char *region, const char *role_arn)
{
	char part[32], acct[13];
	char *c = sh_word(cluster), *a = sh_word(role_arn);
	char *r = region ? sh_word(region) : NULL;
	char *reg = r ? xasprintf(" --region %s", r) : xstrdup("");

	if (policy_arn_parts(role_arn, part, acct) != 0)
		snprintf(part, sizeof part, "aws");
	add_command(ps, xasprintf("aws eks create-access-entry --cluster-name "
	                          "%s%s --principal-arn %s --type STANDARD",
	                          c, reg, a));
	add_command(ps,
	            xasprintf("aws eks associate-access-policy --cluster-name "
	                      "%s%s --principal-arn %s --policy-arn "
	                      "arn:%s:eks::aws:cluster-access-policy/%s "
	                      "--access-scope type=cluster",
	                      c, reg, a, part, POLICY_ADMIN_ACCESS_POLICY));
	free(reg);
	secret_free_str(r);
	secret_free_str(c);
	secret_free_str(a);
}

static int
yaml_to_buf(void *data, unsigned char *text, size_t size)
{
	return buf_append(data, text, size) == 0;
}

static int
emit_scalar(yaml_emitter_t *em, const char *s)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s,
	                             (int)strlen(s), 1, 1,
	                             YAML_ANY_SCALAR_STYLE);
	return yaml_emitter_emit(em, &ev);
}

char *
policy_map_roles_yaml(const char *role_arn)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct buf out;
	char *arn, *user;
	const char *role = strstr(role_arn, ":role/");
	int ok = 1;

	/* aws-auth matches the role ARN without its path. */
	if (role && strchr(role + 6, '/'))
		arn = xasprintf("%.*s:role/%s", (int)(role - role_arn),
		                role_arn, policy_role_name(role_arn));
	else
		arn = xstrdup(role_arn);
	user = xasprintf("%s:{{SessionName}}", policy_role_name(role_arn));
	buf_init(&out, 1u << 16);
	if (!yaml_emitter_initialize(&em)) {
		free(arn);
		free(user);
		return NULL;
	}
	yaml_emitter_set_output(&em, yaml_to_buf, &out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	                                     YAML_BLOCK_SEQUENCE_STYLE);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	                                    YAML_BLOCK_MAPPING_STYLE);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && emit_scalar(&em, "rolearn") && emit_scalar(&em, arn);
	ok = ok && emit_scalar(&em, "username") && emit_scalar(&em, user);
	ok = ok && emit_scalar(&em, "groups");
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	                                     YAML_BLOCK_SEQUENCE_STYLE);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && emit_scalar(&em, "system:masters");
	yaml_sequence_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_mapping_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_sequence_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	free(arn);
	free(user);
	if (!ok) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

void
policy_build(const struct target *t, const struct jwt_claims *claims,
             const char *why_no_claims, struct policy_set *ps)
{
	const struct hop *last_role = NULL;
	bool has_web_identity = false;

	memset(ps, 0, sizeof *ps);
	for (size_t i = 0; i < t->nhops; i++) {
		const struct hop *h = &t->hops[i];

		if (h->kind == HOP_WEB_IDENTITY) {
			has_web_identity = true;
			web_identity_trust(ps, t, h, claims);
			last_role = h;
		} else if (h->kind == HOP_ASSUME_ROLE) {
			char *principal = NULL;

			if (i > 0) {
				principal = principal_of(ps, &t->hops[i - 1]);
				assume_permission(ps, &t->hops[i - 1], h,
				                  principal);
			} else {
				principal = xstrdup("<ARN of the source "
				                    "principal>");
				ps->placeholders = true;
			}
			assume_trust(ps, h, principal);
			free(principal);
			last_role = h;
		}
	}
	if (has_web_identity && claims == NULL)
		add_note(ps, xasprintf("no readable web identity token (%s): "
		                       "the issuer and sub are placeholders",
		                       why_no_claims ? why_no_claims : "?"));
	if (last_role == NULL) {
		add_note(ps, xstrdup("this chain assumes no role: there is no "
		                     "role policy to print"));
		return;
	}
	ps->cluster_role_arn = xstrdup(last_role->role_arn);
	eks_policy(ps, t, last_role->role_arn);
	ps->map_roles_yaml = policy_map_roles_yaml(last_role->role_arn);
	if (t->rh && t->rh->nclusters) {
		for (size_t i = 0; i < t->rh->nclusters; i++) {
			const struct rh_cluster *c = &t->rh->clusters[i];

			access_entry_commands(ps, c->name,
			                      c->region ? c->region : t->region,
			                      last_role->role_arn);
		}
	} else {
		access_entry_commands(ps, POLICY_PH_CLUSTER, t->region,
		                      last_role->role_arn);
		ps->placeholders = true;
	}
}

void
policy_set_free(struct policy_set *ps)
{
	for (size_t i = 0; i < ps->ndocs; i++) {
		free(ps->docs[i].name);
		free(ps->docs[i].role_arn);
		free(ps->docs[i].about);
		cJSON_Delete(ps->docs[i].document);
	}
	free(ps->docs);
	free(ps->cluster_role_arn);
	free(ps->map_roles_yaml);
	for (size_t i = 0; i < ps->ncommands; i++)
		free(ps->commands[i]);
	free(ps->commands);
	for (size_t i = 0; i < ps->nnotes; i++)
		free(ps->notes[i]);
	free(ps->notes);
	memset(ps, 0, sizeof *ps);
}
