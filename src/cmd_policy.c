/*
 * cmd_policy - `rolehop policy TARGET [--json]`: print the IAM policies,
 * the aws-auth entry and the EKS access-entry commands policy.h builds
 * for the target's chain. No network: the claims come from the web
 * identity token file when it is readable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "jsonutil.h"
#include "policy.h"
#include "provider.h"
#include "xalloc.h"

/* The claims of the chain's web identity token; false with why set. */
static bool
read_claims(const struct target *t, struct jwt_claims *c, struct err *why)
{
	char *tok;
	enum status st;

	for (size_t i = 0; i < t->nhops; i++) {
		const struct hop *h = &t->hops[i];

		if (h->kind != HOP_WEB_IDENTITY)
			continue;
		if (provider_read_token_file(h->token_file, &tok, why) != ST_OK)
			return false;
		st = jwt_claims_parse(tok, strlen(tok), c, why);
		secret_free_str(tok);
		if (st != ST_OK)
			err_prefix(why, "%s", h->token_file);
		return st == ST_OK;
	}
	err_set(why, ST_CONFIG, "the chain has no web identity hop");
	return false;
}

static void
print_json(const struct target *t, const struct policy_set *ps)
{
	cJSON *root = cJSON_CreateObject(), *arr;

	cJSON_AddStringToObject(root, "target", t->name);
	cJSON_AddBoolToObject(root, "placeholders", ps->placeholders);
	arr = cJSON_AddArrayToObject(root, "policies");
	for (size_t i = 0; i < ps->ndocs; i++) {
		const struct policy_doc *d = &ps->docs[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", d->name);
		jsonutil_add_str(o, "role_arn", d->role_arn);
		cJSON_AddStringToObject(o, "kind", d->kind);
		cJSON_AddStringToObject(o, "about", d->about);
		cJSON_AddItemToObject(o, "document",
		                      cJSON_Duplicate(d->document, 1));
		cJSON_AddItemToArray(arr, o);
	}
	jsonutil_add_str(root, "cluster_role_arn", ps->cluster_role_arn);
	jsonutil_add_str(root, "aws_auth_map_roles", ps->map_roles_yaml);
	arr = cJSON_AddArrayToObject(root, "access_entry_commands");
	for (size_t i = 0; i < ps->ncommands; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(ps->commands[i]));
	arr = cJSON_AddArrayToObject(root, "notes");
	for (size_t i = 0; i < ps->nnotes; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(ps->notes[i]));
	cli_print_json(root);
}

static void
print_text(const struct target *t, const struct policy_set *ps)
{
	printf("# rolehop policy %s: the IAM and EKS setup of its chain\n",
	       t->name);
	if (ps->placeholders)
		printf("# Values in <ANGLE BRACKETS> are placeholders: fill "
		       "them in.\n");
	for (size_t i = 0; i < ps->nnotes; i++)
		printf("# note: %s\n", ps->notes[i]);
	for (size_t i = 0; i < ps->ndocs; i++) {
		const struct policy_doc *d = &ps->docs[i];
		char *s = cJSON_Print(d->document);

		printf("\n# %zu. %s (%s)\n%s\n", i + 1, d->about, d->name, s);
		free(s);
	}
	if (ps->map_roles_yaml) {
		printf("\n# Cluster access, either way. The aws-auth ConfigMap "
		       "(kube-system/aws-auth), an entry\n# of data.mapRoles "
		       "(system:masters is cluster admin: narrow the groups "
		       "as needed):\n%s",
		       ps->map_roles_yaml);
	}
	if (ps->ncommands) {
		printf("\n# Or EKS access entries (cluster authentication mode "
		       "API or API_AND_CONFIG_MAP):\n");
		for (size_t i = 0; i < ps->ncommands; i++)
			printf("%s\n", ps->commands[i]);
	}
}

int
cmd_policy(struct cli *c)
{
	const struct target *t;
	struct jwt_claims claims;
	struct policy_set ps;
	struct err why;
	bool have;
	int rc = -1;

	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	if (t->error) {
		struct err e;

		err_set(&e, t->error_status, "%s: %s", t->name, t->error);
		if (t->error_hint)
			err_hint(&e, "%s", t->error_hint);
		return cli_report(&e);
	}
	err_clear(&why);
	have = read_claims(t, &claims, &why);
	policy_build(t, have ? &claims : NULL, why.msg, &ps);
	if (c->json)
		print_json(t, &ps);
	else
		print_text(t, &ps);
	policy_set_free(&ps);
	if (have)
		jwt_claims_free(&claims);
	return 0;
}
