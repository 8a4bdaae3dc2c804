/*
 * cmd_identity - list, whoami, creds and env: who a target is, and its
 * credentials in the forms tools read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "envout.h"
#include "jsonutil.h"
#include "shquote.h"
#include "timefmt.h"
#include "xalloc.h"

/* Role name of an ARN, for compact listings. */
static const char *
short_role(const char *arn)
{
	const char *slash = strrchr(arn, '/');

	return slash ? slash + 1 : arn;
}

static cJSON *
hop_json(const struct hop *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", hop_kind_name(h->kind));
	if (h->profile)
		cJSON_AddStringToObject(o, "profile", h->profile);
	if (h->role_arn)
		cJSON_AddStringToObject(o, "role_arn", h->role_arn);
	if (h->session_name)
		cJSON_AddStringToObject(o, "session_name", h->session_name);
	if (h->external_id)
		cJSON_AddStringToObject(o, "external_id", h->external_id);
	if (h->mfa_serial)
		cJSON_AddStringToObject(o, "mfa_serial", h->mfa_serial);
	if (h->duration_seconds)
		cJSON_AddNumberToObject(o, "duration_seconds",
		                        h->duration_seconds);
	if (h->token_file)
		cJSON_AddStringToObject(o, "token_file", h->token_file);
	return o;
}

int
cmd_list(struct cli *c)
{
	const struct targets *ts = &c->targets;

	if (c->nargs > 0)
		return cli_usage_error("list takes no target ('%s')",
		                       c->args[0]);
	if (c->json) {
		cJSON *root = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(root, "targets");

		for (size_t i = 0; i < ts->n; i++) {
			const struct target *t = &ts->v[i];
			cJSON *o = cJSON_CreateObject(), *chain, *regions;

			cJSON_AddStringToObject(o, "name", t->name);
			cJSON_AddStringToObject(o, "source",
			                        target_source_name(t->source));
			jsonutil_add_str(o, "profile", t->profile);
			jsonutil_add_str(o, "region", t->region);
			regions = cJSON_AddArrayToObject(o, "regions");
			for (size_t j = 0; j < t->nregions; j++)
				cJSON_AddItemToArray(
				    regions, cJSON_CreateString(t->regions[j]));
			chain = cJSON_AddArrayToObject(o, "chain");
			for (size_t j = 0; j < t->nhops; j++)
				cJSON_AddItemToArray(chain,
				                     hop_json(&t->hops[j]));
			if (t->color)
				cJSON_AddStringToObject(o, "color", t->color);
			cJSON_AddBoolToObject(o, "confirm", t->confirm);
			if (t->error)
				cJSON_AddStringToObject(o, "error", t->error);
			cJSON_AddItemToArray(arr, o);
		}
		cli_print_json(root);
		return 0;
	}
	{
		size_t w = 4;

		for (size_t i = 0; i < ts->n; i++)
			if (strlen(ts->v[i].name) > w)
				w = strlen(ts->v[i].name);
		printf("%-*s  %-14s  %s\n", (int)w, "NAME", "SOURCE", "CHAIN");
		for (size_t i = 0; i < ts->n; i++) {
			const struct target *t = &ts->v[i];

			printf("%-*s  %-14s  ", (int)w, t->name,
			       target_source_name(t->source));
			if (t->error) {
				printf("error: %s\n", t->error);
				continue;
			}
			for (size_t j = 0; j < t->nhops; j++) {
				const struct hop *h = &t->hops[j];

				printf("%s%s", j ? " > " : "",
				       hop_kind_name(h->kind));
				if (h->role_arn)
					printf(" %s", short_role(h->role_arn));
				else if (h->profile)
					printf(" (%s)", h->profile);
			}
			putchar('\n');
		}
	}
	return 0;
}

static void
whoami_text(const struct target *t, const struct assume_state *s)
{
	time_t now = time(NULL);

	printf("%s (%s)\n", t->name, target_source_name(t->source));
	for (size_t i = 0; i < s->res->nhops; i++) {
		const struct hop *h = &t->hops[i];
		const struct hop_result *hr = &s->res->hops[i];

		printf("  hop %zu  %-12s  ", i + 1, hop_kind_name(h->kind));
		if (hr->skipped) {
			printf("%s  (not needed: a later hop was cached)\n",
			       h->role_arn ? h->role_arn : "");
			continue;
		}
		printf("%s", hr->creds.arn ? hr->creds.arn
		             : h->role_arn ? h->role_arn
		             : h->profile  ? h->profile
		                           : "");
		if (hr->creds.expiration) {
			char iso[TIMEFMT_ISO_LEN], left[32];

			timefmt_iso(hr->creds.expiration, iso);
			timefmt_remaining((long)(hr->creds.expiration - now),
			                  left, sizeof left);
			printf("  expires %s (%s)", iso, left);
		}
		if (hr->from_cache)
			printf("  [cached]");
		putchar('\n');
		if (hr->clamped_from)
			printf("         duration_seconds %d clamped to %d: "
			       "role chaining is limited to 1 hour\n",
			       hr->clamped_from, CHAIN_MAX_CHAINED_DURATION);
	}
	printf("account  %s\n", s->id.account ? s->id.account : "");
	printf("arn      %s\n", s->id.arn ? s->id.arn : "");
	printf("user_id  %s\n", s->id.user_id ? s->id.user_id : "");
}

static void
whoami_json(const struct target *t, const struct assume_state *s)
{
	cJSON *root = cJSON_CreateObject(), *hops, *id;
	const struct creds *fin = chain_final(s->res);

	cJSON_AddStringToObject(root, "target", t->name);
	hops = cJSON_AddArrayToObject(root, "hops");
	for (size_t i = 0; i < s->res->nhops; i++) {
		const struct hop *h = &t->hops[i];
		const struct hop_result *hr = &s->res->hops[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", hop_kind_name(h->kind));
		jsonutil_add_str(o, "role_arn", h->role_arn);
		jsonutil_add_str(o, "arn", hr->creds.arn);
		jsonutil_add_str(o, "account", hr->creds.account);
		jsonutil_add_str(o, "user_id", hr->creds.user_id);
		cli_json_time(o, "expiration", hr->creds.expiration);
		cJSON_AddBoolToObject(o, "cached", hr->from_cache);
		if (hr->skipped)
			cJSON_AddBoolToObject(o, "skipped", true);
		if (hr->clamped_from)
			cJSON_AddNumberToObject(o, "duration_clamped_from",
			                        hr->clamped_from);
		cJSON_AddItemToArray(hops, o);
	}
	id = cJSON_AddObjectToObject(root, "identity");
	jsonutil_add_str(id, "account", s->id.account);
	jsonutil_add_str(id, "arn", s->id.arn);
	jsonutil_add_str(id, "user_id", s->id.user_id);
	cli_json_time(root, "expiration", fin ? fin->expiration : 0);
	cli_print_json(root);
}

int
cmd_whoami(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	int rc = -1;

	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	if ((rc = cli_start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	rc = cli_assume(c, t, true, &s);
	if (rc < 0) {
		if (c->json)
			whoami_json(t, &s);
		else
			whoami_text(t, &s);
		rc = 0;
	}
	cli_assume_done(&s);
	return rc;
}

int
cmd_creds(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	const struct creds *fin;
	cJSON *root;
	int rc = -1;

	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	if ((rc = cli_start_engine(c, false)) >= 0)
		return rc;
	if ((rc = cli_assume(c, t, false, &s)) >= 0) {
		cli_assume_done(&s);
		return rc;
	}
	fin = chain_final(s.res);
	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "Version", 1);
	cJSON_AddStringToObject(root, "AccessKeyId", fin->access_key_id);
	cJSON_AddStringToObject(root, "SecretAccessKey",
	                        fin->secret_access_key);
	if (fin->session_token)
		cJSON_AddStringToObject(root, "SessionToken",
		                        fin->session_token);
	if (fin->expiration)
		cli_json_time(root, "Expiration", fin->expiration);
	{
		char *out = cJSON_PrintUnformatted(root);

		puts(out);
		secret_free_str(out);
	}
	cJSON_Delete(root);
	cli_assume_done(&s);
	return 0;
}

int
cmd_env(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	struct envsnap child;
	const char *fmt = c->format ? c->format : "sh";
	int rc = -1;

	if (strcmp(fmt, "sh") != 0 && strcmp(fmt, "fish") != 0 &&
	    strcmp(fmt, "json") != 0)
		return cli_usage_error("--format is sh, fish or json, not '%s'",
		                       fmt);
	if (c->json)
		fmt = "json";
	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	if ((rc = cli_start_engine(c, isatty(STDIN_FILENO))) >= 0)
		return rc;
	if ((rc = cli_assume(c, t, false, &s)) >= 0) {
		cli_assume_done(&s);
		return rc;
	}
	cli_child_env(c, t, s.res, &child);
	envout_print(stdout, c->env, &child, fmt);
	envsnap_free(&child);
	cli_assume_done(&s);
	return 0;
}
