/*
 * discover - ListClusters and DescribeCluster on the engine, for one
 * cluster or all of a target's.
 *
 * A discovery job counts the calls it still waits for (pending); every
 * callback that ends a call decrements it, and the last one sorts the
 * results and hands them over.
 */
#include "config.h"

#include "discover.h"

#include <stdlib.h>
#include <string.h>

#include "awsreq.h"
#include "log.h"
#include "sts.h"
#include "xalloc.h"

/* DescribeCluster in flight. */
struct describe_job {
	char *region;
	char *name;
	eks_describe_fn *done;
	void *arg;
};

static void
on_describe(void *arg, const struct aws_result *res)
{
	struct describe_job *j = arg;
	struct eks_cluster c = {0};
	struct err e = res->err;
	enum status st = res->status;

	if (st == ST_OK)
		st = eks_parse_describe(buf_str(&res->resp->body),
		                        res->resp->body.len, j->region, &c, &e);
	j->done(j->arg, st, st == ST_OK ? &c : NULL, &e);
	eks_cluster_done(&c);
	free(j->region);
	free(j->name);
	free(j);
}

/* Send one EKS GET with c; cb gets the answer. */
static enum status
eks_get(struct engine *eng, const struct target *t, const struct creds *c,
        const char *region, const char *path, const char *query,
        const char *what, aws_done_fn *cb, void *arg, struct err *e)
{
	struct aws_call call = {0};
	struct endpoint ep;

	if (targets_endpoint_in(eng->targets, t, eng->env, "eks", region, &ep,
	                        e) != ST_OK)
		return e->status;
	if (ep.region == NULL || ep.region[0] == '\0') {
		endpoint_done(&ep);
		return err_set(e, ST_CONFIG,
		               "no region to look for clusters in");
	}
	call.service = "eks";
	call.ep = &ep;
	call.method = "GET";
	call.path = path;
	call.query = query;
	call.creds = c;
	call.protocol = AWS_REST_JSON;
	call.what = what;
	awsreq_submit(&eng->aws, &call, cb, arg);
	endpoint_done(&ep);
	return ST_OK;
}

void
discover_describe(struct engine *eng, const struct target *t,
                  const struct creds *c, const char *region, const char *name,
                  eks_describe_fn *done, void *arg)
{
	struct describe_job *j = xcalloc(1, sizeof *j);
	char *path = eks_describe_path(name);
	struct err e;

	err_clear(&e);
	j->region = xstrdup_or_null(region);
	j->name = xstrdup(name);
	j->done = done;
	j->arg = arg;
	if (eks_get(eng, t, c, region, path, NULL, "DescribeCluster",
	            on_describe, j, &e) != ST_OK) {
		done(arg, e.status, NULL, &e);
		free(j->region);
		free(j->name);
		free(j);
	}
	free(path);
}

const char *
discover_error_code(const struct err *e)
{
	if (e->code[0])
		return e->code;
	switch (e->status) {
	case ST_NETWORK:
		return "NetworkError";
	case ST_TIMEOUT:
		return "Timeout";
	case ST_PARSE:
		return "MalformedResponse";
	case ST_CONFIG:
		return "ConfigurationError";
	default:
		return "Error";
	}
}

const char *
discover_error_message(const struct err *e)
{
	size_t n = strlen(e->code);

	if (n && strncmp(e->msg, e->code, n) == 0 && e->msg[n] == ':' &&
	    e->msg[n + 1] == ' ')
		return e->msg + n + 2;
	return e->msg;
}

/* Discovery of one target. */
struct discovery {
	struct engine *eng;
	struct target_clusters *out;
	struct chain_result *chain;
	size_t pending;
	size_t cap_clusters;
	clusters_done_fn *done;
	void *arg;
	char **regions;
	size_t nregions;
};

/* One ListClusters page (or one DescribeCluster) of a discovery. */
struct discovery_call {
	struct discovery *d;
	char *region;
	char *token; /* ListClusters: the nextToken this page was asked with */
	int page;    /* ListClusters: 1 for the first page */
	char *name;  /* DescribeCluster: the cluster */
};

/* No account has this many pages of clusters: a server that keeps
 * answering with a nextToken is broken, and must not keep us busy. */
#define DISCOVER_MAX_PAGES 1000

static void call_done(struct discovery *);

static void
add_error(struct discovery *d, const char *region, const struct err *e)
{
	struct target_clusters *o = d->out;
	struct region_error *re;

	/* One error per region is enough: the first says why. */
	for (size_t i = 0; i < o->nerrors; i++)
		if (strcmp(o->errors[i].region, region) == 0)
			return;
	o->errors = xreallocarray(o->errors, o->nerrors + 1, sizeof *o->errors);
	re = &o->errors[o->nerrors++];
	re->region = xstrdup(region);
	re->code = xstrdup(discover_error_code(e));
	re->message = xstrdup(discover_error_message(e));
	log_msg(1, "%s: %s: %s", o->target->name, region, e->msg);
}

static void
on_cluster(void *arg, enum status st, const struct eks_cluster *c,
           const struct err *e)
{
	struct discovery_call *dc = arg;
	struct discovery *d = dc->d;
	struct target_clusters *o = d->out;

	if (st == ST_OK) {
		if (o->nclusters == d->cap_clusters) {
			d->cap_clusters =
			    d->cap_clusters ? d->cap_clusters * 2 : 8;
			o->clusters = xreallocarray(
			    o->clusters, d->cap_clusters, sizeof *o->clusters);
		}
		eks_cluster_copy(&o->clusters[o->nclusters++], c);
	} else {
		add_error(d, dc->region, e);
	}
	free(dc->region);
	free(dc->name);
	free(dc);
	call_done(d);
}

/* A deferred DescribeCluster gets its slot (see awsreq_defer). The
 * chain's credentials live until the discovery's last call is done. */
static void
start_describe(void *arg)
{
	struct discovery_call *dc = arg;
	struct discovery *d = dc->d;

	discover_describe(d->eng, d->out->target, chain_final(d->chain),
	                  dc->region, dc->name, on_cluster, dc);
}

static void list_page(struct discovery *, const char *region,
                      const char *next_token, int page);

static void
on_page(void *arg, const struct aws_result *res)
{
	struct discovery_call *dc = arg;
	struct discovery *d = dc->d;
	struct eks_page p = {0};
	struct err e = res->err;
	enum status st = res->status;

	if (st == ST_OK)
		st = eks_parse_list(buf_str(&res->resp->body),
		                    res->resp->body.len, &p, &e);
	if (st != ST_OK) {
		add_error(d, dc->region, &e);
	} else {
		for (size_t i = 0; i < p.n; i++) {
			struct discovery_call *kid = xcalloc(1, sizeof *kid);

			kid->d = d;
			kid->region = xstrdup(dc->region);
			kid->name = xstrdup(p.names[i]);
			d->pending++;
			awsreq_defer(&d->eng->aws, start_describe, kid);
		}
		if (p.next_token &&
		    ((dc->token && strcmp(p.next_token, dc->token) == 0) ||
		     dc->page >= DISCOVER_MAX_PAGES)) {
			struct err loop;

			err_set(&loop, ST_PARSE,
			        "ListClusters: nextToken does not advance "
			        "(page %d)",
			        dc->page);
			add_error(d, dc->region, &loop);
		} else if (p.next_token) {
			list_page(d, dc->region, p.next_token, dc->page + 1);
		}
	}
	eks_page_done(&p);
	free(dc->region);
	free(dc->token);
	free(dc);
	call_done(d);
}

/* Ask for one page of region's clusters. */
static void
list_page(struct discovery *d, const char *region, const char *next_token,
          int page)
{
	struct discovery_call *dc = xcalloc(1, sizeof *dc);
	char *query = eks_list_query(next_token);
	struct err e;

	err_clear(&e);
	dc->d = d;
	dc->region = xstrdup(region);
	dc->token = xstrdup_or_null(next_token);
	dc->page = page;
	d->pending++;
	if (eks_get(d->eng, d->out->target, chain_final(d->chain), region,
	            "/clusters", query, "ListClusters", on_page, dc,
	            &e) != ST_OK) {
		add_error(d, region, &e);
		free(dc->region);
		free(dc->token);
		free(dc);
		call_done(d);
	}
	free(query);
}

static int
cmp_cluster(const void *a, const void *b)
{
	const struct eks_cluster *x = a, *y = b;
	int r = strcmp(x->region, y->region);

	return r ? r : strcmp(x->name, y->name);
}

/* Errors in the order the regions were asked for. */
static void
sort_errors(struct discovery *d)
{
	struct target_clusters *o = d->out;
	size_t k = 0;

	for (size_t r = 0; r < d->nregions; r++)
		for (size_t i = k; i < o->nerrors; i++)
			if (strcmp(o->errors[i].region, d->regions[r]) == 0) {
				struct region_error tmp = o->errors[k];

				o->errors[k++] = o->errors[i];
				o->errors[i] = tmp;
				break;
			}
}

static void
call_done(struct discovery *d)
{
	if (--d->pending > 0)
		return;
	/* Static keys do not say their account; a cluster's ARN does. */
	if (d->out->account == NULL && d->out->nclusters) {
		char acct[13];

		if (sts_arn_account(d->out->clusters[0].arn, acct) == 0)
			d->out->account = xstrdup(acct);
	}
	if (d->out->nclusters > 1)
		qsort(d->out->clusters, d->out->nclusters,
		      sizeof *d->out->clusters, cmp_cluster);
	sort_errors(d);
	chain_result_free(d->chain);
	for (size_t i = 0; i < d->nregions; i++)
		free(d->regions[i]);
	free(d->regions);
	d->done(d->arg, d->out);
	free(d);
}

static void
on_chain(void *arg, struct chain_result *res)
{
	struct discovery *d = arg;
	const struct creds *c;

	d->chain = res;
	if (res->status != ST_OK) {
		d->out->status = res->status;
		d->out->err = err_dup(res->err);
		call_done(d);
		return;
	}
	c = chain_final(res);
	d->out->account = xstrdup_or_null(c->account);
	for (size_t i = 0; i < d->nregions; i++)
		list_page(d, d->regions[i], NULL, 1);
	call_done(d);
}

void
discover_clusters(struct engine *eng, const struct target *t,
                  const char *const *regions, size_t nregions,
                  clusters_done_fn *done, void *arg)
{
	struct discovery *d = xcalloc(1, sizeof *d);

	if (nregions == 0) {
		regions = (const char *const *)t->regions;
		nregions = t->nregions;
	}
	d->eng = eng;
	d->done = done;
	d->arg = arg;
	d->out = xcalloc(1, sizeof *d->out);
	d->out->target = t;
	d->regions = xcalloc(nregions + 1, sizeof *d->regions);
	for (size_t i = 0; i < nregions; i++) {
		/* The same region twice would list it twice. */
		bool dup = false;

		for (size_t k = 0; k < d->nregions; k++)
			dup = dup || strcmp(d->regions[k], regions[i]) == 0;
		if (!dup)
			d->regions[d->nregions++] = xstrdup(regions[i]);
	}
	/* The chain itself counts as one pending call. */
	d->pending = 1;
	if (d->nregions == 0) {
		/* Nothing to ask: say so before assuming anything. */
		struct err e;

		err_set(&e, ST_CONFIG, "%s: no region to look for clusters in",
		        t->name);
		err_hint(&e, "set region in the profile, regions in the "
		             "rolehop config, or pass --region");
		d->out->status = ST_CONFIG;
		d->out->err = err_dup(&e);
		call_done(d);
		return;
	}
	chain_assume(eng, t, on_chain, d);
}

void
target_clusters_free(struct target_clusters *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->nclusters; i++)
		eks_cluster_done(&o->clusters[i]);
	free(o->clusters);
	for (size_t i = 0; i < o->nerrors; i++) {
		free(o->errors[i].region);
		free(o->errors[i].code);
		free(o->errors[i].message);
	}
	free(o->errors);
	free(o->account);
	free(o->err);
	free(o);
}
