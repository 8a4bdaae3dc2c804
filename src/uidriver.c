/*
 * uidriver - the interface's wishes carried out on the engine.
 *
 * Every call started here carries a small job naming the target by index;
 * its callback updates that target through the model_on_*() functions.
 */
#include "config.h"

#include "uidriver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clustercache.h"
#include "discover.h"
#include "log.h"
#include "xalloc.h"

/* A kubeconfig write from the interface waits this long for a lock. */
#define UIDRIVER_LOCK_TIMEOUT_MS 2000

struct job {
	struct uidriver *d;
	size_t target;
};

static struct job *
job_new(struct uidriver *d, const struct ui_target *u)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->d = d;
	j->target = (size_t)(u - d->m->targets);
	d->pending++;
	return j;
}

static struct ui_target *
job_target(const struct job *j)
{
	return &j->d->m->targets[j->target];
}

static void
job_end(struct job *j)
{
	j->d->pending--;
	free(j);
}

static void
on_identity(void *arg, enum status st, const struct sts_identity *id,
            const struct err *e)
{
	struct job *j = arg;

	(void)e;
	model_on_identity(job_target(j), id ? id->arn : NULL,
	                  id ? id->account : NULL, st == ST_OK);
	job_end(j);
}

static void
on_chain(void *arg, struct chain_result *res)
{
	struct job *j = arg;
	struct uidriver *d = j->d;
	struct ui_target *u = job_target(j);
	time_t now = time(NULL);

	for (size_t i = 0; i < res->nhops; i++) {
		const struct hop_result *hr = &res->hops[i];

		model_on_hop(u, i, hr->done ? &hr->creds : NULL, hr->from_cache,
		             hr->skipped);
	}
	if (res->status == ST_OK) {
		model_on_assumed(d->m, u, chain_final(res), now);
		if (u->identity_state == UI_PENDING)
			chain_caller_identity(d->eng, u->t, chain_final(res),
			                      on_identity, job_new(d, u));
	} else {
		model_on_assume_failed(d->m, u, res->failed_hop, res->err->msg,
		                       res->err->hint, now);
	}
	chain_result_free(res);
	job_end(j);
}

static void
on_clusters(void *arg, struct target_clusters *tc)
{
	struct job *j = arg;
	struct ui_target *u = job_target(j);
	size_t n = tc->nerrors + (tc->status != ST_OK);
	struct ui_cluster_error *errs = xcalloc(n + 1, sizeof *errs);
	char *code = NULL;

	for (size_t i = 0; i < tc->nerrors; i++) {
		errs[i].region = tc->errors[i].region;
		errs[i].code = tc->errors[i].code;
		errs[i].message = tc->errors[i].message;
	}
	if (tc->status != ST_OK) {
		/* The chain failed: the chain's own state says why. */
		errs[tc->nerrors].region = NULL;
		errs[tc->nerrors].code = code =
		    xstrdup(discover_error_code(tc->err));
		errs[tc->nerrors].message = tc->err->msg;
	}
	model_on_clusters(j->d->m, u, tc->clusters, tc->nclusters, errs, n);
	/* For shell completion, as `rolehop clusters` does (quietly: the
	 * interface owns the terminal). */
	if (!j->d->eng->cache.disabled) {
		const struct target_clusters *one = tc;
		struct err e;

		if (clustercache_remember(j->d->eng->env, &one, 1, NULL, 0,
		                          &e) != ST_OK)
			log_msg(1, "cluster cache: %s", e.msg);
	}
	free(code);
	free(errs);
	target_clusters_free(tc);
	job_end(j);
}

/* Assume u's chain as the model wishes. */
static void
start_assume(struct uidriver *d, struct ui_target *u, time_t now)
{
	bool fresh = u->want_fresh;

	model_on_assume_start(d->m, u);
	/* What the engine remembers would answer at once: forget what is
	 * about to expire (everything, for a refresh the user asked for). */
	engine_forget(d->eng, fresh ? 0 : now + MODEL_REFRESH_MARGIN);
	d->eng->fresh = fresh;
	chain_assume(d->eng, u->t, on_chain, job_new(d, u));
	d->eng->fresh = false;
}

static void
action_clear(struct uiaction *a)
{
	eks_cluster_done(&a->cluster);
	a->kind = REQ_NONE;
	a->has_cluster = false;
	a->ready = false;
}

void
uidriver_done(struct uidriver *d)
{
	action_clear(&d->act);
}

enum uidriver_keys
uidriver_keys(const struct uidriver *d)
{
	if (d->act.kind != REQ_SHELL)
		return UIKEYS_ALL;
	return d->act.ready ? UIKEYS_HOLD : UIKEYS_ESCAPE;
}

void
uidriver_cancel(struct uidriver *d, time_t now)
{
	if (d->act.kind == REQ_NONE)
		return;
	model_set_status(d->m, STATUS_INFO, now, "cancelled: nothing done");
	/* Its answer, when it comes, is ignored (kind REQ_NONE). */
	action_clear(&d->act);
}

/* The DescribeCluster of an action. */
struct action_job {
	struct uidriver *d;
	unsigned gen;
};

static void
on_action_cluster(void *arg, enum status st, const struct eks_cluster *c,
                  const struct err *e)
{
	struct action_job *j = arg;
	struct uidriver *d = j->d;
	struct uiaction *a = &d->act;
	bool current = j->gen == a->gen && a->kind != REQ_NONE;

	d->pending--;
	free(j);
	if (!current)
		return; /* replaced by a newer action */
	if (st != ST_OK) {
		model_set_status(d->m, STATUS_ERROR, time(NULL),
		                 "%s in %s: %s: nothing done", a->cluster.name,
		                 a->cluster.region, e->msg);
		action_clear(a);
		return;
	}
	eks_cluster_done(&a->cluster);
	eks_cluster_copy(&a->cluster, c);
	a->ready = true;
}

/* Take the model's request; describe its cluster unless the rolehop
 * config pins the cluster's CA. */
static void
action_begin(struct uidriver *d, const struct ui_request *r, time_t now)
{
	struct uiaction *a = &d->act;
	struct ui_target *u = &d->m->targets[r->target];
	const struct eks_cluster *k;
	const struct rh_cluster *pin;
	struct action_job *j;

	action_clear(a);
	a->gen++;
	a->kind = r->kind;
	a->target = r->target;
	if (r->cluster < 0 || (size_t)r->cluster >= u->nclusters) {
		a->ready = true;
		return;
	}
	k = &u->clusters[r->cluster];
	eks_cluster_copy(&a->cluster, k);
	a->has_cluster = true;
	pin = kubeentry_find_pin(u->t, k->name, k->region);
	if (pin && pin->certificate_authority) {
		a->ready = true;
		return;
	}
	model_set_status(d->m, STATUS_INFO, now,
	                 "describing %s in %s for its endpoint and CA...%s",
	                 k->name, k->region,
	                 a->kind == REQ_SHELL ? " (Escape cancels the shell)"
	                                      : "");
	j = xcalloc(1, sizeof *j);
	j->d = d;
	j->gen = a->gen;
	d->pending++;
	discover_describe(d->eng, u->t, &u->creds, k->region, k->name,
	                  on_action_cluster, j);
}

static void
write_kubeconfig(struct uidriver *d, time_t now)
{
	const struct uiaction *a = &d->act;
	struct ui_target *u = &d->m->targets[a->target];
	struct kube_write_opts wo = {.lock_timeout_ms =
	                                 UIDRIVER_LOCK_TIMEOUT_MS};
	const char *nolock =
	    envsnap_get_nonempty(d->ctx.env, "DISABLE_KUBECONFIG_LOCK");
	struct kubeentry b;
	bool updated = false;
	struct err e;

	if (!a->has_cluster) {
		model_set_status(d->m, STATUS_ERROR, now,
		                 "%s has no cluster to write a kubeconfig for",
		                 u->t->name);
		return;
	}
	if (d->kubeconfig_path == NULL) {
		model_set_status(d->m, STATUS_ERROR, now,
		                 "no kubeconfig to write (HOME is not set)");
		return;
	}
	wo.no_lock = nolock && strcmp(nolock, "false") && strcmp(nolock, "0");
	kubeentry_build(&d->ctx, u->t, &a->cluster, NULL, &b);
	if (kubeconfig_update_file(d->kubeconfig_path, &b.e, &wo, &updated,
	                           &e) != ST_OK)
		model_set_status(d->m, STATUS_ERROR, now, "%s", e.msg);
	else
		model_set_status(d->m, STATUS_OK, now, "%s context %s %s %s",
		                 updated ? "updated" : "wrote", b.e.context,
		                 updated ? "in" : "to", d->kubeconfig_path);
	kubeentry_done(&b);
}

/* A waiting action is carried out only if its target still has the
 * credentials it was asked for with (a refresh may have failed). */
static bool
action_target_ready(struct uidriver *d, time_t now)
{
	const struct ui_target *u = &d->m->targets[d->act.target];

	if (u->state == UI_READY && creds_valid(&u->creds))
		return true;
	model_set_status(d->m, STATUS_ERROR, now,
	                 "%s is no longer assumed: nothing done", u->t->name);
	return false;
}

unsigned
uidriver_work(struct uidriver *d, time_t now)
{
	struct model *m = d->m;

	/* The request first: it names a cluster by its index in the list a
	 * discovery started below could replace. */
	if (m->request.kind == REQ_KUBECONFIG || m->request.kind == REQ_SHELL) {
		struct ui_request r = m->request;

		m->request.kind = REQ_NONE;
		action_begin(d, &r, now);
	}
	for (size_t i = 0; i < m->ntargets; i++) {
		struct ui_target *u = &m->targets[i];
		bool assume =
		    u->want_assume && u->state != UI_PENDING && !u->refreshing;
		/* A credential_process target's clusters only once it is
		 * assumed (its credentials are then remembered). */
		bool clusters =
		    u->want_clusters && u->clusters_state != UI_PENDING &&
		    (!u->foreground || assume || u->state == UI_READY);
		bool fg =
		    u->foreground && (assume || clusters) && d->foreground;

		if (fg)
			d->foreground(d->foreground_arg, true, u->t->name);
		if (assume)
			start_assume(d, u, now);
		if (clusters) {
			u->want_clusters = false;
			u->clusters_state = UI_PENDING;
			discover_clusters(d->eng, u->t, NULL, 0, on_clusters,
			                  job_new(d, u));
		}
		if (fg)
			d->foreground(d->foreground_arg, false, u->t->name);
	}
	if (d->act.kind == REQ_NONE || !d->act.ready)
		return REACT_NONE;
	if (!action_target_ready(d, now)) {
		action_clear(&d->act);
		return REACT_REDRAW;
	}
	if (d->act.kind == REQ_SHELL)
		return REACT_SUSPEND;
	write_kubeconfig(d, now);
	action_clear(&d->act);
	return REACT_REDRAW;
}

int
uidriver_shell_prepare(struct uidriver *d, struct uishell *sh, time_t now)
{
	struct model *m = d->m;
	struct uiaction *a = &d->act;
	struct ui_target *u = &m->targets[a->target];
	const char *shell = envsnap_get_nonempty(d->ctx.env, "SHELL");
	struct childenv_opts o = {
	    .ctx = &d->ctx, .t = u->t, .creds = &u->creds};
	struct err e;
	enum status st;

	memset(sh, 0, sizeof *sh);
	sh->target = a->target;
	sh->argv[0] = shell ? shell : "/bin/sh";
	if (a->has_cluster)
		o.cluster = &a->cluster;
	st = childenv_build(&sh->child, &o, &e);
	action_clear(a);
	if (st != ST_OK) {
		model_set_status(m, STATUS_ERROR, now, "%s", e.msg);
		return -1;
	}
	snprintf(sh->banner, sizeof sh->banner,
	         "rolehop: shell as %.100s%s%s%s%s%.200s; exit to return to "
	         "rolehop\n",
	         u->t->name, u->creds.account ? " (account " : "",
	         u->creds.account ? u->creds.account : "",
	         u->creds.account ? ")" : "",
	         sh->child.context ? ", kubectl context " : "",
	         sh->child.context ? sh->child.context : "");
	/* Names come from configuration files: no terminal controls. */
	for (char *p = sh->banner; p[0] && p[1]; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return 0;
}

void
uidriver_shell_done(struct uidriver *d, struct uishell *sh, int status,
                    time_t now)
{
	struct ui_target *u = &d->m->targets[sh->target];

	childenv_done(&sh->child);
	model_set_status(d->m, status == 0 ? STATUS_OK : STATUS_INFO, now,
	                 "back from the shell as %s (exit %d)", u->t->name,
	                 status);
	/* The world may have changed meanwhile: look again. */
	u->want_assume = true;
	if (u->clusters_state != UI_IDLE)
		u->want_clusters = true;
}
