/*
 * cmd_eks - clusters, token and kubeconfig, and the private kubeconfig
 * that exec and shell --cluster give their child.
 *
 * A cluster named on the command line is found by DescribeCluster in every
 * candidate region at once (--region, else the region pinned in the
 * rolehop config, else the target's discovery regions): exactly one region
 * must have it. Its kubeconfig entries run `rolehop token` as their exec
 * plugin, so no secret is ever written and kubectl needs no AWS CLI.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clustercache.h"
#include "cmd.h"
#include "discover.h"
#include "eks.h"
#include "jsonutil.h"
#include "kubeconfig.h"
#include "kubeentry.h"
#include "timefmt.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* clusters                                                           */
/* ------------------------------------------------------------------ */

struct clusters_run {
	struct target_clusters **out; /* one per target, in order */
	size_t n;
};

struct clusters_slot {
	struct clusters_run *run;
	size_t i;
};

static void
on_target_clusters(void *arg, struct target_clusters *tc)
{
	struct clusters_slot *slot = arg;

	slot->run->out[slot->i] = tc;
	free(slot);
}

static cJSON *
cluster_json(const struct eks_cluster *k)
{
	cJSON *o = cJSON_CreateObject();

	jsonutil_add_str(o, "name", k->name);
	jsonutil_add_str(o, "region", k->region);
	jsonutil_add_str(o, "arn", k->arn);
	jsonutil_add_str(o, "status", k->status);
	jsonutil_add_str(o, "version", k->version);
	jsonutil_add_str(o, "platform_version", k->platform_version);
	jsonutil_add_str(o, "endpoint", k->endpoint);
	cli_json_time(o, "created_at", k->created_at);
	return o;
}

static void
clusters_json(struct clusters_run *run)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "targets");

	for (size_t i = 0; i < run->n; i++) {
		struct target_clusters *tc = run->out[i];
		cJSON *o = cJSON_CreateObject(), *cl, *errs;

		cJSON_AddStringToObject(o, "target", tc->target->name);
		jsonutil_add_str(o, "account", tc->account);
		cl = cJSON_AddArrayToObject(o, "clusters");
		for (size_t k = 0; k < tc->nclusters; k++)
			cJSON_AddItemToArray(cl,
			                     cluster_json(&tc->clusters[k]));
		errs = cJSON_AddArrayToObject(o, "errors");
		if (tc->status != ST_OK) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddNullToObject(e, "region");
			cJSON_AddStringToObject(e, "code",
			                        discover_error_code(tc->err));
			cJSON_AddStringToObject(e, "message", tc->err->msg);
			if (tc->err->hint[0])
				cJSON_AddStringToObject(e, "hint",
				                        tc->err->hint);
			cJSON_AddItemToArray(errs, e);
		}
		for (size_t k = 0; k < tc->nerrors; k++) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "region",
			                        tc->errors[k].region);
			cJSON_AddStringToObject(e, "code", tc->errors[k].code);
			cJSON_AddStringToObject(e, "message",
			                        tc->errors[k].message);
			cJSON_AddItemToArray(errs, e);
		}
		cJSON_AddItemToArray(arr, o);
	}
	cli_print_json(root);
}

/* Column widths of the text table. */
struct widths {
	int target, account, region, name, version, status;
};

static void
widen(int *w, const char *s)
{
	int n = s ? (int)strlen(s) : 1;

	if (n > *w)
		*w = n;
}

static void
clusters_text(struct clusters_run *run)
{
	struct widths w = {6, 7, 6, 7, 7, 6};

	for (size_t i = 0; i < run->n; i++) {
		struct target_clusters *tc = run->out[i];

		for (size_t k = 0; k < tc->nclusters; k++) {
			const struct eks_cluster *cl = &tc->clusters[k];

			widen(&w.target, tc->target->name);
			widen(&w.account, tc->account);
			widen(&w.region, cl->region);
			widen(&w.name, cl->name);
			widen(&w.version, cl->version);
			widen(&w.status, cl->status);
		}
	}
	printf("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w.target, "TARGET",
	       w.account, "ACCOUNT", w.region, "REGION", w.name, "CLUSTER",
	       w.version, "VERSION", w.status, "STATUS", "ENDPOINT");
	for (size_t i = 0; i < run->n; i++) {
		struct target_clusters *tc = run->out[i];
		const char *acct = tc->account;

		for (size_t k = 0; k < tc->nclusters; k++) {
			const struct eks_cluster *cl = &tc->clusters[k];

			printf("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n",
			       w.target, tc->target->name, w.account,
			       acct ? acct : "-", w.region, cl->region, w.name,
			       cl->name, w.version,
			       cl->version ? cl->version : "-", w.status,
			       cl->status ? cl->status : "-",
			       cl->endpoint ? cl->endpoint : "-");
		}
	}
}

/* Every failure on stderr, one line each; the exit status: 1 when an
 * AWS, network or runtime failure is among them, else 2 for configuration
 * errors only, else 0. */
static int
clusters_errors(struct clusters_run *run)
{
	int rc = 0;

	for (size_t i = 0; i < run->n; i++) {
		struct target_clusters *tc = run->out[i];

		if (tc->status != ST_OK) {
			int r = cli_report(tc->err);

			rc = rc == 1 || r == 1 ? 1 : r;
		}
		for (size_t k = 0; k < tc->nerrors; k++) {
			fprintf(stderr, "rolehop: %s: %s: %s: %s\n",
			        tc->target->name, tc->errors[k].region,
			        tc->errors[k].code, tc->errors[k].message);
			rc = 1;
		}
	}
	return rc;
}

/* Record the names found in the cluster cache, for shell completion. A
 * failure is a warning; --no-cache leaves the file alone. */
static void
clusters_remember(const struct cli *c, const struct clusters_run *run)
{
	struct err e;

	if (!c->no_cache &&
	    clustercache_remember(
	        c->env, (const struct target_clusters *const *)run->out, run->n,
	        (const char *const *)c->regions, (size_t)c->nregions,
	        &e) != ST_OK)
		fprintf(stderr, "rolehop: warning: cluster cache: %s\n", e.msg);
}

int
cmd_clusters(struct cli *c)
{
	struct clusters_run run = {0};
	const struct target **ts;
	int rc = -1;

	if (c->all && c->nargs)
		return cli_usage_error("clusters takes TARGET... or --all, "
		                       "not both");
	if (!c->all && c->nargs == 0)
		return cli_usage_error("clusters needs a TARGET or --all");
	run.n = c->all ? c->targets.n : (size_t)c->nargs;
	ts = xcalloc(run.n + 1, sizeof *ts);
	for (size_t i = 0; i < run.n; i++) {
		struct err e;

		ts[i] = c->all ? &c->targets.v[i]
		               : targets_get(&c->targets, c->args[i], &e);
		if (ts[i] == NULL) {
			free(ts);
			return cli_report(&e);
		}
	}
	if ((rc = cli_start_engine(c, isatty(STDIN_FILENO))) >= 0) {
		free(ts);
		return rc;
	}
	run.out = xcalloc(run.n + 1, sizeof *run.out);
	for (size_t i = 0; i < run.n; i++) {
		struct clusters_slot *slot = xcalloc(1, sizeof *slot);

		slot->run = &run;
		slot->i = i;
		discover_clusters(
		    &c->engine, ts[i], (const char *const *)c->regions,
		    (size_t)c->nregions, on_target_clusters, slot);
	}
	engine_run(&c->engine);
	clusters_remember(c, &run);
	if (c->json)
		clusters_json(&run);
	else
		clusters_text(&run);
	fflush(stdout);
	rc = clusters_errors(&run);
	for (size_t i = 0; i < run.n; i++)
		target_clusters_free(run.out[i]);
	free(run.out);
	free(ts);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Finding one cluster                                                */
/* ------------------------------------------------------------------ */

/* The one --region, or NULL; -1 on success, else an exit status. */
static int
one_region(const struct cli *c, const char **region)
{
	*region = NULL;
	if (c->nregions > 1)
		return cli_usage_error("%s takes one --region", c->command);
	if (c->nregions == 1)
		*region = c->regions[0];
	return -1;
}

/* DescribeCluster answers, one per candidate region. */
struct find_run {
	const char *name;
	size_t n, pending;
	const char *const *regions;
	enum status *st;
	struct err *errs;
	struct eks_cluster *found;
};

struct find_slot {
	struct find_run *run;
	size_t i;
};

static void
on_found(void *arg, enum status st, const struct eks_cluster *k,
         const struct err *e)
{
	struct find_slot *slot = arg;
	struct find_run *run = slot->run;

	run->st[slot->i] = st;
	if (st == ST_OK)
		eks_cluster_copy(&run->found[slot->i], k);
	else
		run->errs[slot->i] = *e;
	run->pending--;
	free(slot);
}

/* Pick the answer from run, or fill e. */
static enum status
pick_cluster(const struct target *t, struct find_run *run,
             struct eks_cluster *out, struct err *e)
{
	size_t hit = SIZE_MAX, hits = 0;
	char list[512] = "";

	for (size_t i = 0; i < run->n; i++) {
		size_t len = strlen(list);

		snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
		         run->regions[i]);
		if (run->st[i] == ST_OK) {
			hits++;
			if (hit == SIZE_MAX)
				hit = i;
		}
	}
	if (hits > 1) {
		err_set(e, ST_USAGE,
		        "%s: cluster %s exists in more than one "
		        "region (%s)",
		        t->name, run->name, list);
		err_hint(e, "pass --region");
		return e->status;
	}
	if (hits == 1) {
		eks_cluster_copy(out, &run->found[hit]);
		return ST_OK;
	}
	for (size_t i = 0; i < run->n; i++)
		if (strcmp(run->errs[i].code, "ResourceNotFoundException")) {
			*e = run->errs[i];
			err_prefix(e, "%s: %s: DescribeCluster %s", t->name,
			           run->regions[i], run->name);
			if (strcmp(e->code, "AccessDeniedException") == 0)
				err_hint(e,
				         "the role needs eks:DescribeCluster "
				         "on the cluster");
			return e->status;
		}
	err_set(e, ST_AWS, "%s: no cluster named %s in %s", t->name, run->name,
	        list);
	err_code(e, "ResourceNotFoundException");
	err_hint(e, "rolehop clusters %s lists the clusters it can see",
	         t->name);
	return e->status;
}

/* Describe cluster name of t with credentials fin, in region or in
 * every candidate region. */
static enum status
find_cluster(struct cli *c, const struct target *t, const struct creds *fin,
             const char *name, const char *region, struct eks_cluster *out,
             struct err *e)
{
	const struct rh_cluster *pin = kubeentry_find_pin(t, name, region);
	struct find_run run = {.name = name};
	enum status st;

	memset(out, 0, sizeof *out);
	if (region == NULL && pin && pin->region)
		region = pin->region;
	if (region) {
		run.regions = &region;
		run.n = 1;
	} else if (t->nregions) {
		run.regions = (const char *const *)t->regions;
		run.n = t->nregions;
	} else {
		err_set(e, ST_CONFIG, "%s: no region to look for cluster %s in",
		        t->name, name);
		err_hint(e, "pass --region, or set region in the profile");
		return e->status;
	}
	run.st = xcalloc(run.n, sizeof *run.st);
	/* A slot no answer reached must not count as found. */
	for (size_t i = 0; i < run.n; i++)
		run.st[i] = ST_RUNTIME;
	run.errs = xcalloc(run.n, sizeof *run.errs);
	run.found = xcalloc(run.n, sizeof *run.found);
	run.pending = run.n;
	for (size_t i = 0; i < run.n; i++) {
		struct find_slot *slot = xcalloc(1, sizeof *slot);

		slot->run = &run;
		slot->i = i;
		discover_describe(&c->engine, t, fin, run.regions[i], name,
		                  on_found, slot);
	}
	engine_run(&c->engine);
	st = pick_cluster(t, &run, out, e);
	if (st == ST_OK && !eks_cluster_usable(out)) {
		st =
		    err_set(e, ST_AWS, "%s: cluster %s in %s is %s, not ACTIVE",
		            t->name, name, out->region,
		            out->status ? out->status : "?");
		err_hint(e, "wait until it is ACTIVE, then run this again");
		eks_cluster_done(out);
	}
	for (size_t i = 0; i < run.n; i++)
		eks_cluster_done(&run.found[i]);
	free(run.found);
	free(run.errs);
	free(run.st);
	return st;
}

/* Assume t, find the cluster of --cluster. -1 on success. */
static int
assume_and_find(struct cli *c, const struct target *t, bool allow_prompt,
                struct assume_state *s, struct eks_cluster *k)
{
	const char *region;
	struct err e;
	int rc;

	if ((rc = one_region(c, &region)) >= 0)
		return rc;
	if ((rc = cli_start_engine(c, allow_prompt)) >= 0)
		return rc;
	if ((rc = cli_assume(c, t, false, s)) >= 0) {
		cli_assume_done(s);
		return rc;
	}
	if (find_cluster(c, t, chain_final(s->res), c->cluster, region, k,
	                 &e) != ST_OK) {
		cli_assume_done(s);
		return cli_report(&e);
	}
	return -1;
}

int
cmd_kubeconfig(struct cli *c)
{
	struct assume_state s;
	struct eks_cluster k;
	struct kubeentry b;
	struct kube_write_opts wo = {0};
	const struct kubeentry_ctx ctx = {c->env, c->argv0, c->config_path,
	                                  c->targets.rh_config_path, NULL};
	const struct target *t;
	const char *nolock;
	char *path;
	bool updated = false;
	struct err e;
	int rc = -1;

	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	if (c->cluster == NULL)
		return cli_usage_error("kubeconfig needs --cluster NAME");
	path = kubeconfig_choose_path(c->kubeconfig,
	                              envsnap_get(c->env, "KUBECONFIG"),
	                              envsnap_get_nonempty(c->env, "HOME"));
	if (path == NULL)
		return cli_usage_error("no kubeconfig to write: pass "
		                       "--kubeconfig FILE (HOME is not set)");
	if ((rc = cli_confirm(c, t, "write a kubeconfig")) >= 0) {
		free(path);
		return rc;
	}
	if ((rc = assume_and_find(c, t, isatty(STDIN_FILENO), &s, &k)) >= 0) {
		free(path);
		return rc;
	}
	kubeentry_build(&ctx, t, &k, c->alias, &b);
	nolock = envsnap_get_nonempty(c->env, "DISABLE_KUBECONFIG_LOCK");
	wo.no_lock = nolock && strcmp(nolock, "false") && strcmp(nolock, "0");
	/* --timeout bounds the wait for another writer's lock too. */
	wo.lock_timeout_ms = c->timeout_ms;
	if (kubeconfig_update_file(path, &b.e, &wo, &updated, &e) != ST_OK) {
		rc = cli_report(&e);
	} else {
		fprintf(stderr, "rolehop: %s context %s %s %s\n",
		        updated ? "updated" : "added", b.e.context,
		        updated ? "in" : "to", path);
		printf("%s\n", b.e.context);
		rc = 0;
	}
	kubeentry_done(&b);
	eks_cluster_done(&k);
	cli_assume_done(&s);
	free(path);
	return rc;
}

int
cli_find_cluster(struct cli *c, const struct target *t,
                 const struct chain_result *res, struct eks_cluster *out)
{
	const char *region;
	struct err e;
	int rc;

	if ((rc = one_region(c, &region)) >= 0)
		return rc;
	if (find_cluster(c, t, chain_final(res), c->cluster, region, out, &e) !=
	    ST_OK)
		return cli_report(&e);
	return -1;
}

/* ------------------------------------------------------------------ */
/* token                                                              */
/* ------------------------------------------------------------------ */

int
cmd_token(struct cli *c)
{
	struct assume_state s;
	const struct target *t;
	const struct rh_cluster *pin;
	const struct creds *fin;
	const char *region, *api, *warning;
	struct endpoint sts;
	struct err e;
	char *token, *doc;
	time_t now;
	int rc = -1;

	if ((t = cli_the_target(c, &rc)) == NULL)
		return rc;
	if (c->cluster == NULL)
		return cli_usage_error("token needs --cluster NAME");
	if ((rc = one_region(c, &region)) >= 0)
		return rc;
	pin = kubeentry_find_pin(t, c->cluster, region);
	if (region == NULL && pin && pin->region)
		region = pin->region;
	/* kubectl runs the plugin without a terminal: never prompt. */
	if ((rc = cli_start_engine(c, false)) >= 0)
		return rc;
	if ((rc = cli_assume(c, t, false, &s)) >= 0) {
		cli_assume_done(&s);
		return rc;
	}
	if (targets_endpoint_in(&c->targets, t, c->env, "sts", region, &sts,
	                        &e) != ST_OK) {
		err_prefix(&e, "%s", t->name);
		cli_assume_done(&s);
		return cli_report(&e);
	}
	fin = chain_final(s.res);
	now = time(NULL) + c->engine.aws.skew_seconds;
	token = eks_token(&sts, fin, c->cluster, now);
	endpoint_done(&sts);
	if (token == NULL) {
		err_set(&e, ST_RUNTIME,
		        "%s: cannot sign a token for cluster %s", t->name,
		        c->cluster);
		cli_assume_done(&s);
		return cli_report(&e);
	}
	api = eks_exec_api_version(envsnap_get(c->env, "KUBERNETES_EXEC_INFO"),
	                           &warning);
	if (warning)
		fprintf(stderr, "rolehop: %s\n", warning);
	doc = eks_exec_credential(api, token,
	                          eks_token_expiry(now, fin->expiration));
	fputs(doc, stdout);
	secret_free_str(doc);
	secret_free_str(token);
	cli_assume_done(&s);
	return 0;
}
