/*
 * cmd_doctor - `rolehop doctor [TARGET...]`: run doctor.h's checks for the
 * targets (all of them when none is named) and print the verdicts.
 *
 * Three rounds on the engine's curl multi loop, every target at once: an
 * unsigned GET to each distinct STS endpoint (reachable? its Date against
 * the local clock), then each chain assumed afresh (the credential cache
 * is not read), then sts:GetCallerIdentity with every hop's credentials.
 * A target's hops are not tried when an earlier check of it failed.
 * Exit status: 0 when nothing failed (warnings allowed), 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsreq.h"
#include "cmd.h"
#include "doctor.h"
#include "xalloc.h"

struct doc_target {
	struct doctor_report rep;
	struct doctor_probe probe;
	struct doc_target *same_probe; /* an earlier target probing the URL */
	struct chain_result *res;
	struct doctor_live *live; /* nhops entries */
	struct engine *eng;
};

static void
on_probe(void *arg, const struct http_resp *r)
{
	struct doctor_probe *p = arg;

	p->done = true;
	p->failure = r->failure;
	snprintf(p->error, sizeof p->error, "%s", r->error);
	p->status = r->status;
	p->elapsed_ms = r->elapsed_ms;
	p->have_skew =
	    r->failure == HTTP_OK && awsreq_answer_skew(r, &p->skew) == 0;
}

/* Resolve d's STS endpoint and probe it, unless an earlier target does. */
static void
start_probe(struct cli *c, struct doc_target *d, struct doc_target *all,
            size_t n)
{
	struct doctor_probe *p = &d->probe;
	struct http_req req = {0};
	char *url;

	err_clear(&p->resolve_err);
	if (targets_endpoint(&c->targets, d->rep.t, c->env, "sts", &p->ep,
	                     &p->resolve_err) != ST_OK)
		return;
	p->resolved = true;
	for (size_t i = 0; i < n; i++) {
		if (&all[i] == d)
			break;
		if (all[i].probe.resolved && all[i].same_probe == NULL &&
		    strcmp(all[i].probe.ep.url, p->ep.url) == 0) {
			d->same_probe = &all[i];
			return;
		}
	}
	url = xasprintf("%s/", p->ep.url);
	req.method = "GET";
	req.url = url;
	http_submit(c->engine.http, &req, 0, on_probe, p);
	free(url);
}

/* Copy the answer of the probe this one shares. */
static void
finish_probe(struct doc_target *d)
{
	const struct doctor_probe *src;
	struct doctor_probe *p = &d->probe;

	if (d->same_probe == NULL)
		return;
	src = &d->same_probe->probe;
	p->done = src->done;
	p->failure = src->failure;
	memcpy(p->error, src->error, sizeof p->error);
	p->status = src->status;
	p->elapsed_ms = src->elapsed_ms;
	p->have_skew = src->have_skew;
	p->skew = src->skew;
}

static void
on_identity(void *arg, enum status st, const struct sts_identity *id,
            const struct err *e)
{
	struct doctor_live *l = arg;

	l->status = st;
	if (st == ST_OK) {
		l->id.account = xstrdup_or_null(id->account);
		l->id.arn = xstrdup_or_null(id->arn);
		l->id.user_id = xstrdup_or_null(id->user_id);
	} else {
		l->err = *e;
	}
}

static void
on_chain(void *arg, struct chain_result *res)
{
	struct doc_target *d = arg;
	const struct target *t = d->rep.t;

	d->res = res;
	for (size_t i = 0; i < res->nhops; i++) {
		if (!res->hops[i].done)
			continue;
		d->live[i].asked = true;
		chain_caller_identity(d->eng, t, &res->hops[i].creds,
		                      on_identity, &d->live[i]);
	}
}

/* The targets to check: those named, else all. NULL with *rc set. */
static struct doc_target *
pick_targets(struct cli *c, size_t *n, int *rc)
{
	struct doc_target *v;
	struct err e;

	*n = c->nargs ? (size_t)c->nargs : c->targets.n;
	if (*n == 0) {
		fprintf(stderr,
		        "rolehop: no targets to check: no AWS profiles, no "
		        "rolehop config and no ambient credentials\n"
		        "hint: set AWS_CONFIG_FILE or --config\n");
		*rc = 2;
		return NULL;
	}
	v = xcalloc(*n, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		const struct target *t =
		    c->nargs ? targets_get(&c->targets, c->args[i], &e)
		             : &c->targets.v[i];

		if (t == NULL) {
			*rc = cli_report(&e);
			free(v);
			return NULL;
		}
		doctor_report_init(&v[i].rep, t);
		v[i].live = xcalloc(t->nhops ? t->nhops : 1, sizeof *v[i].live);
		v[i].eng = &c->engine;
	}
	return v;
}

static void
free_targets(struct doc_target *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < v[i].rep.t->nhops; j++)
			sts_identity_done(&v[i].live[j].id);
		free(v[i].live);
		chain_result_free(v[i].res);
		if (v[i].probe.resolved)
			endpoint_done(&v[i].probe.ep);
		doctor_report_free(&v[i].rep);
	}
	free(v);
}

int
cmd_doctor(struct cli *c)
{
	struct doc_target *v;
	size_t n;
	int rc = -1;
	bool healthy = true;
	time_t now = time(NULL);

	if ((v = pick_targets(c, &n, &rc)) == NULL)
		return rc;
	if ((rc = cli_start_engine(c, isatty(STDIN_FILENO))) >= 0) {
		free_targets(v, n);
		return rc;
	}
	c->engine.fresh = true; /* assume every hop live */
	for (size_t i = 0; i < n; i++) {
		doctor_check_token(&v[i].rep, now);
		doctor_check_chain(&v[i].rep);
		if (v[i].rep.t->error == NULL)
			start_probe(c, &v[i], v, n);
	}
	engine_run(&c->engine);
	for (size_t i = 0; i < n; i++) {
		if (v[i].rep.t->error) {
			/* Its endpoint settings may be what is missing. */
			doctor_add(&v[i].rep, "endpoint", 0, DOCTOR_SKIP, NULL,
			           "not checked: the chain is not resolved");
			doctor_add(&v[i].rep, "clock", 0, DOCTOR_SKIP, NULL,
			           "not checked: the chain is not resolved");
			continue;
		}
		finish_probe(&v[i]);
		doctor_check_endpoint(&v[i].rep, &v[i].probe, c->env);
		doctor_check_clock(&v[i].rep, &v[i].probe);
		if (!doctor_failed(&v[i].rep))
			chain_assume(&c->engine, v[i].rep.t, on_chain, &v[i]);
	}
	engine_run(&c->engine);
	now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		doctor_check_hops(&v[i].rep, v[i].res, v[i].live,
		                  "an earlier check failed", now);
		healthy = healthy && !doctor_failed(&v[i].rep);
	}
	if (c->json) {
		cJSON *root = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(root, "targets");

		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr,
			                     doctor_report_json(&v[i].rep));
		cJSON_AddBoolToObject(root, "healthy", healthy);
		cli_print_json(root);
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i)
				putchar('\n');
			doctor_report_print(stdout, &v[i].rep);
		}
		if (n > 1)
			printf("\n%s\n", healthy ? "healthy" : "unhealthy");
	}
	free_targets(v, n);
	return healthy ? 0 : 1;
}
