/*
 * test_model - the interface model without a terminal or a network: the
 * selection, scrolling and focus, the filter (with UTF-8), the help and
 * confirmation screens, the driver's reports, the refresh before expiry,
 * the spinner, the requests (shell, kubeconfig, quit with env) and the
 * status line; and the action table with its key bindings.
 *
 * The targets are built by hand; time is the fixed T0.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "creds.h"
#include "eks.h"
#include "model.h"
#include "targets.h"
#include "xalloc.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */

/* The fixture's targets, by index. */
enum {
	PROD,    /* "prod-admin": two hops, confirm: true */
	DEV,     /* "dev" */
	BROKEN,  /* "broken": unresolvable */
	CAFE,    /* "Café-ops" */
	STAGING, /* "staging" */
	SB1,     /* "sandbox-1" */
	SB2,     /* "sandbox-2" */
	SB3,     /* "sandbox-3" */
	NTARGETS
};

static const struct {
	const char *name;
	const char *role_arn; /* of the last hop */
} fixture_targets[NTARGETS] = {
    [PROD] = {"prod-admin", "arn:aws:iam::111111111111:role/admin"},
    [DEV] = {"dev", "arn:aws:iam::222222222222:role/dev"},
    [BROKEN] = {"broken", NULL},
    [CAFE] = {"Caf\xc3\xa9-ops", "arn:aws:iam::333333333333:role/ops"},
    [STAGING] = {"staging", "arn:aws:iam::444444444444:role/stage"},
    [SB1] = {"sandbox-1", "arn:aws:iam::555555555555:role/sb"},
    [SB2] = {"sandbox-2", "arn:aws:iam::555555555556:role/sb"},
    [SB3] = {"sandbox-3", "arn:aws:iam::555555555557:role/sb"},
};

struct fixture {
	struct targets ts;
	struct model m;
};

static void
fixture_targets_build(struct targets *ts)
{
	memset(ts, 0, sizeof *ts);
	ts->n = NTARGETS;
	ts->v = xcalloc(NTARGETS, sizeof *ts->v);
	for (size_t i = 0; i < NTARGETS; i++) {
		struct target *t = &ts->v[i];

		t->name = xstrdup(fixture_targets[i].name);
		t->source = TARGET_AWS_CONFIG;
		if (i == BROKEN) {
			t->error_status = ST_CONFIG;
			t->error = xstrdup("profile broken: source_profile "
			                   "missing does not exist");
			t->error_hint = xstrdup("define [profile missing]");
			continue;
		}
		if (i == PROD) {
			/* static keys, then the role */
			t->source = TARGET_ROLEHOP_CONFIG;
			t->confirm = true;
			t->color = xstrdup("red");
			t->nhops = 2;
			t->hops = xcalloc(2, sizeof *t->hops);
			t->hops[0].kind = HOP_STATIC;
			t->hops[1].kind = HOP_ASSUME_ROLE;
			t->hops[1].role_arn =
			    xstrdup(fixture_targets[i].role_arn);
			continue;
		}
		t->nhops = 1;
		t->hops = xcalloc(1, sizeof *t->hops);
		t->hops[0].kind = HOP_ASSUME_ROLE;
		t->hops[0].role_arn = xstrdup(fixture_targets[i].role_arn);
	}
}

static void
fixture_targets_free(struct targets *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		struct target *t = &ts->v[i];

		for (size_t h = 0; h < t->nhops; h++)
			free(t->hops[h].role_arn);
		free(t->hops);
		free(t->name);
		free(t->color);
		free(t->error);
		free(t->error_hint);
	}
	free(ts->v);
	memset(ts, 0, sizeof *ts);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	fixture_targets_build(&f->ts);
	model_init(&f->m, &f->ts);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	model_done(&f->m);
	fixture_targets_free(&f->ts);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static unsigned
keys(struct model *m, const char *s)
{
	unsigned r = 0;

	for (; *s; s++)
		r |= model_key(m, (unsigned char)*s, T0);
	return r;
}

static void
assert_visible(const struct model *m, const size_t *want, size_t n)
{
	assert_int_equal(m->nvisible, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m->visible[i], want[i]);
}

static void
assert_all_visible(const struct model *m)
{
	assert_int_equal(m->nvisible, NTARGETS);
	for (size_t i = 0; i < NTARGETS; i++)
		assert_int_equal(m->visible[i], i);
}

static size_t
selected(struct model *m)
{
	struct ui_target *u = model_selected(m);

	assert_non_null(u);
	return (size_t)(u - m->targets);
}

/* Drive target i through a successful assume whose hops expire at exp
 * (the static first hop of PROD does not expire). */
static void
make_ready(struct model *m, size_t i, time_t exp)
{
	struct ui_target *u = &m->targets[i];
	struct creds c;

	model_on_assume_start(m, u);
	for (size_t h = 0; h < u->t->nhops; h++) {
		creds_init(&c);
		c.access_key_id = xstrdup("ASIAEXAMPLE");
		c.secret_access_key = xstrdup("secret");
		if (u->t->hops[h].kind == HOP_STATIC) {
			c.arn = xstrdup("arn:aws:iam::999999999999:user/alice");
			c.account = xstrdup("999999999999");
		} else {
			c.session_token = xstrdup("token");
			c.arn = xasprintf("%s-session", u->t->hops[h].role_arn);
			c.account = xstrndup(u->t->hops[h].role_arn + 13, 12);
			c.expiration = exp;
		}
		model_on_hop(u, h, &c, false, false);
		if (h + 1 == u->t->nhops)
			model_on_assumed(m, u, &c, T0);
		creds_done(&c);
	}
}

/* Give target i n clusters (c0, c1, ...) in us-east-1. */
static void
give_clusters(struct model *m, size_t i, size_t n)
{
	struct eks_cluster *c = xcalloc(n + 1, sizeof *c);

	for (size_t k = 0; k < n; k++) {
		c[k].name = xasprintf("c%zu", k);
		c[k].region = xstrdup("us-east-1");
		c[k].arn = xasprintf("arn:aws:eks:us-east-1:222222222222:"
		                     "cluster/c%zu",
		                     k);
		c[k].status = xstrdup("ACTIVE");
		c[k].endpoint = xstrdup("https://example.eks.amazonaws.com");
	}
	model_on_clusters(m, &m->targets[i], c, n, NULL, 0);
	for (size_t k = 0; k < n; k++)
		eks_cluster_done(&c[k]);
	free(c);
}

/* Select target i with the cursor keys (it must be visible). */
static void
select_target(struct model *m, size_t i)
{
	model_key(m, 'g', T0);
	while (selected(m) != i) {
		size_t before = m->sel;

		model_key(m, 'j', T0);
		assert_int_not_equal(m->sel, before);
	}
}

static void
clear_wishes(struct model *m)
{
	for (size_t i = 0; i < m->ntargets; i++) {
		m->targets[i].want_assume = false;
		m->targets[i].want_fresh = false;
		m->targets[i].want_clusters = false;
	}
}

/* ---- init ---- */

static void
test_init(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;

	assert_int_equal(m->ntargets, NTARGETS);
	assert_all_visible(m);
	assert_int_equal(m->sel, 0);
	assert_int_equal(m->top, 0);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->focus, FOCUS_TARGETS);
	assert_false(m->filtering);
	assert_string_equal(m->filter, "");
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(selected(m), PROD);
	assert_ptr_equal(m->targets[PROD].t, &f->ts.v[PROD]);
	/* the first target is wished for at once */
	assert_true(m->targets[PROD].want_assume);
	assert_true(m->targets[PROD].want_clusters);
	assert_false(m->targets[PROD].want_fresh);
	for (size_t i = 1; i < NTARGETS; i++) {
		assert_false(m->targets[i].want_assume);
		assert_false(m->targets[i].want_clusters);
	}
	for (size_t i = 0; i < NTARGETS; i++)
		if (i != BROKEN)
			assert_int_equal(m->targets[i].state, UI_IDLE);
	assert_null(model_selected_cluster(m));
	assert_false(model_busy(m));
	assert_int_equal(model_expiry(&m->targets[PROD]), 0);
}

static void
test_broken_target(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[BROKEN];
	unsigned r;

	assert_int_equal(u->state, UI_FAILED);
	assert_string_equal(u->error, f->ts.v[BROKEN].error);
	assert_string_equal(u->hint, "define [profile missing]");
	/* landing on it wishes nothing */
	model_key(m, 'j', T0);
	r = model_key(m, 'j', T0);
	assert_int_equal(selected(m), BROKEN);
	assert_true(r & REACT_REDRAW);
	assert_false(r & REACT_WORK);
	assert_false(u->want_assume);
	assert_false(u->want_clusters);
	/* asking for it explains why not */
	r = model_key(m, 'a', T0);
	assert_false(r & REACT_WORK);
	assert_false(u->want_assume);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_non_null(strstr(m->status, "broken"));
	assert_non_null(strstr(m->status, "source_profile"));
	/* a shell needs an assumed target */
	m->status[0] = '\0';
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_false(r & (REACT_WORK | REACT_SUSPEND));
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_non_null(strstr(m->status, "broken"));
}

/* BUG (reported): REFRESH ('r') on a target whose chain cannot be resolved
 * sets want_clusters before want_assume() notices the error, so the driver
 * starts a cluster discovery for a target that is never to be wished
 * for. */
static void
test_broken_target_refresh(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[BROKEN];

	select_target(m, BROKEN);
	model_key(m, 'r', T0);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_false(u->want_assume);
	assert_false(u->want_fresh);
	assert_false(u->want_clusters);
}

/* ---- moving ---- */

static void
test_move(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	m->page_rows = 20;
	/* j and Down */
	r = model_key(m, 'j', T0);
	assert_int_equal(selected(m), DEV);
	assert_true(r & REACT_REDRAW);
	assert_true(r & REACT_WORK);
	assert_true(m->targets[DEV].want_assume);
	assert_true(m->targets[DEV].want_clusters);
	r = model_key(m, ACTION_KEY_DOWN, T0);
	assert_int_equal(selected(m), BROKEN);
	/* k and Up */
	r = model_key(m, 'k', T0);
	assert_int_equal(selected(m), DEV);
	r = model_key(m, ACTION_KEY_UP, T0);
	assert_int_equal(selected(m), PROD);
	/* clamped at the top */
	r = model_key(m, 'k', T0);
	assert_int_equal(m->sel, 0);
	assert_int_equal(r, REACT_NONE);
	r = model_key(m, ACTION_KEY_UP, T0);
	assert_int_equal(m->sel, 0);
	assert_int_equal(r, REACT_NONE);
	/* clamped at the bottom */
	for (int i = 0; i < 20; i++)
		model_key(m, 'j', T0);
	assert_int_equal(selected(m), SB3);
	assert_int_equal(model_key(m, 'j', T0), REACT_NONE);
	assert_int_equal(model_key(m, ACTION_KEY_DOWN, T0), REACT_NONE);
	assert_int_equal(selected(m), SB3);
	/* every idle target passed over was wished for */
	for (size_t i = 0; i < NTARGETS; i++)
		assert_int_equal(m->targets[i].want_assume, i != BROKEN);
}

static void
test_move_ready_target_wishes_clusters(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	make_ready(m, DEV, T0 + 3600);
	clear_wishes(m);
	r = model_key(m, 'j', T0);
	assert_int_equal(selected(m), DEV);
	assert_true(r & REACT_WORK);
	assert_false(m->targets[DEV].want_assume);
	assert_true(m->targets[DEV].want_clusters);
}

static void
assert_in_page(const struct model *m)
{
	assert_true(m->sel < m->nvisible);
	assert_true(m->top <= m->sel);
	assert_true(m->sel < m->top + (size_t)m->page_rows);
}

static void
test_page_top_bottom(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;

	m->page_rows = 3;
	/* scrolling follows the selection row by row */
	for (size_t i = 1; i < NTARGETS; i++) {
		model_key(m, 'j', T0);
		assert_int_equal(m->sel, i);
		assert_in_page(m);
	}
	assert_int_equal(m->top, NTARGETS - 3);
	for (size_t i = NTARGETS - 1; i-- > 0;) {
		model_key(m, 'k', T0);
		assert_int_equal(m->sel, i);
		assert_in_page(m);
	}
	assert_int_equal(m->top, 0);
	/* a page at a time */
	model_key(m, ACTION_KEY_PGDN, T0);
	assert_int_equal(m->sel, 3);
	assert_int_equal(m->top, 1);
	assert_in_page(m);
	model_key(m, 0x06 /* Ctrl-F */, T0);
	assert_int_equal(m->sel, 6);
	assert_int_equal(m->top, 4);
	assert_in_page(m);
	model_key(m, ACTION_KEY_PGDN, T0);
	assert_int_equal(m->sel, 7);
	assert_int_equal(m->top, 5);
	assert_in_page(m);
	model_key(m, ACTION_KEY_PGUP, T0);
	assert_int_equal(m->sel, 4);
	assert_int_equal(m->top, 4);
	assert_in_page(m);
	model_key(m, 0x02 /* Ctrl-B */, T0);
	assert_int_equal(m->sel, 1);
	assert_int_equal(m->top, 1);
	assert_in_page(m);
	model_key(m, ACTION_KEY_PGUP, T0);
	assert_int_equal(m->sel, 0);
	assert_int_equal(m->top, 0);
	/* the ends */
	model_key(m, 'G', T0);
	assert_int_equal(m->sel, NTARGETS - 1);
	assert_int_equal(m->top, NTARGETS - 3);
	model_key(m, 'g', T0);
	assert_int_equal(m->sel, 0);
	assert_int_equal(m->top, 0);
	model_key(m, ACTION_KEY_END, T0);
	assert_int_equal(m->sel, NTARGETS - 1);
	assert_in_page(m);
	model_key(m, ACTION_KEY_HOME, T0);
	assert_int_equal(m->sel, 0);
	assert_in_page(m);
	assert_int_equal(model_key(m, 'g', T0), REACT_NONE);
}

/* ---- focus and clusters ---- */

static void
test_focus_clusters(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	const struct eks_cluster *k;

	select_target(m, DEV);
	/* no clusters: the focus stays on the targets */
	model_key(m, ACTION_KEY_TAB, T0);
	assert_int_equal(m->focus, FOCUS_TARGETS);
	make_ready(m, DEV, T0 + 3600);
	give_clusters(m, DEV, 3);
	assert_int_equal(m->targets[DEV].clusters_state, UI_READY);
	k = model_selected_cluster(m);
	assert_non_null(k);
	assert_string_equal(k->name, "c0");
	model_key(m, ACTION_KEY_TAB, T0);
	assert_int_equal(m->focus, FOCUS_CLUSTERS);
	/* DOWN moves among the clusters, not the targets */
	model_key(m, 'j', T0);
	assert_int_equal(selected(m), DEV);
	assert_int_equal(m->cluster_sel, 1);
	assert_string_equal(model_selected_cluster(m)->name, "c1");
	model_key(m, ACTION_KEY_DOWN, T0);
	model_key(m, 'j', T0);
	assert_int_equal(m->cluster_sel, 2);
	model_key(m, 'k', T0);
	assert_int_equal(m->cluster_sel, 1);
	model_key(m, 'G', T0);
	assert_int_equal(m->cluster_sel, 2);
	model_key(m, 'g', T0);
	assert_int_equal(m->cluster_sel, 0);
	assert_int_equal(selected(m), DEV);
	model_key(m, 'j', T0);
	/* back: the targets move again */
	model_key(m, 'h', T0);
	assert_int_equal(m->focus, FOCUS_TARGETS);
	model_key(m, 'l', T0);
	assert_int_equal(m->focus, FOCUS_CLUSTERS);
	model_key(m, ACTION_KEY_LEFT, T0);
	assert_int_equal(m->focus, FOCUS_TARGETS);
	model_key(m, 'j', T0);
	assert_int_equal(selected(m), BROKEN);
	assert_int_equal(m->cluster_sel, 0);
	assert_null(model_selected_cluster(m));
	/* on a target without clusters, no focus */
	model_key(m, ACTION_KEY_RIGHT, T0);
	assert_int_equal(m->focus, FOCUS_TARGETS);
}

static void
test_on_clusters(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[PROD];
	struct eks_cluster c[2];
	char r0[] = "eu-west-1", c0[] = "AccessDeniedException",
	     m0[] = "not authorized";
	char r1[] = "ap-south-1", c1[] = "UnrecognizedClientException",
	     m1[] = "bad token";
	struct ui_cluster_error errs[2] = {{r0, c0, m0}, {r1, c1, m1}};

	memset(c, 0, sizeof c);
	c[0].name = xstrdup("alpha");
	c[0].region = xstrdup("us-east-1");
	c[0].status = xstrdup("ACTIVE");
	c[0].created_at = T0 - 86400;
	c[0].endpoint = xstrdup("https://alpha.example");
	c[0].ca_data = xstrdup("Q0EtQlVORExF");
	c[1].name = xstrdup("beta");
	c[1].region = xstrdup("us-west-2");
	c[1].version = xstrdup("1.31");
	model_on_clusters(m, u, c, 2, errs, 1);
	/* copies: the source can go */
	eks_cluster_done(&c[0]);
	eks_cluster_done(&c[1]);
	assert_int_equal(u->clusters_state, UI_READY);
	assert_int_equal(u->nclusters, 2);
	assert_string_equal(u->clusters[0].name, "alpha");
	assert_string_equal(u->clusters[0].region, "us-east-1");
	assert_string_equal(u->clusters[0].status, "ACTIVE");
	assert_int_equal(u->clusters[0].created_at, T0 - 86400);
	assert_string_equal(u->clusters[0].endpoint, "https://alpha.example");
	/* the CA bundle is not kept (the driver describes the cluster when
	 * it writes a kubeconfig) */
	assert_null(u->clusters[0].ca_data);
	assert_string_equal(u->clusters[1].name, "beta");
	assert_string_equal(u->clusters[1].version, "1.31");
	assert_int_equal(u->ncluster_errors, 1);
	assert_ptr_not_equal(u->cluster_errors[0].region, errs[0].region);
	assert_string_equal(u->cluster_errors[0].region, "eu-west-1");
	assert_string_equal(u->cluster_errors[0].code, "AccessDeniedException");
	assert_string_equal(u->cluster_errors[0].message, "not authorized");
	/* a shorter list clamps the selection */
	model_key(m, ACTION_KEY_TAB, T0);
	model_key(m, 'j', T0);
	assert_int_equal(m->cluster_sel, 1);
	c[0].name = xstrdup("gamma");
	c[0].region = xstrdup("us-east-1");
	model_on_clusters(m, u, c, 1, NULL, 0);
	eks_cluster_done(&c[0]);
	assert_int_equal(u->nclusters, 1);
	assert_int_equal(u->ncluster_errors, 0);
	assert_int_equal(m->cluster_sel, 0);
	assert_string_equal(model_selected_cluster(m)->name, "gamma");
	assert_int_equal(m->focus, FOCUS_CLUSTERS);
	/* none, only errors: failed, and the focus goes back */
	model_on_clusters(m, u, NULL, 0, errs, 2);
	assert_int_equal(u->clusters_state, UI_FAILED);
	assert_int_equal(u->nclusters, 0);
	assert_int_equal(u->ncluster_errors, 2);
	assert_string_equal(u->cluster_errors[1].code,
	                    "UnrecognizedClientException");
	assert_int_equal(m->cluster_sel, 0);
	assert_int_equal(m->focus, FOCUS_TARGETS);
	assert_null(model_selected_cluster(m));
	/* none at all is a (ready) empty list */
	model_on_clusters(m, u, NULL, 0, NULL, 0);
	assert_int_equal(u->clusters_state, UI_READY);
	assert_int_equal(u->ncluster_errors, 0);
}

/* ---- the filter ---- */

static void
test_filter_name(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	static const size_t s[] = {CAFE, STAGING, SB1, SB2, SB3};
	static const size_t st[] = {STAGING};
	unsigned r;

	select_target(m, STAGING);
	clear_wishes(m);
	r = model_key(m, '/', T0);
	assert_true(m->filtering);
	assert_true(r & REACT_REDRAW);
	/* case-insensitive; the selected target stays selected */
	model_key(m, 'S', T0);
	assert_string_equal(m->filter, "S");
	assert_visible(m, s, 5);
	assert_int_equal(selected(m), STAGING);
	assert_int_equal(m->sel, 1);
	model_key(m, 'T', T0);
	assert_visible(m, st, 1);
	assert_int_equal(selected(m), STAGING);
	/* Backspace widens again */
	model_key(m, ACTION_KEY_BACKSPACE, T0);
	assert_string_equal(m->filter, "S");
	assert_visible(m, s, 5);
	assert_int_equal(selected(m), STAGING);
	/* keys are text while filtering: q does not quit */
	r = model_key(m, 'q', T0);
	assert_false(r & REACT_QUIT);
	assert_string_equal(m->filter, "Sq");
	assert_int_equal(m->nvisible, 0);
	assert_null(model_selected(m));
	model_key(m, 0x7f, T0);
	assert_string_equal(m->filter, "S");
	assert_visible(m, s, 5);
	assert_int_equal(selected(m), CAFE);
	/* Down moves while filtering */
	model_key(m, ACTION_KEY_DOWN, T0);
	assert_int_equal(selected(m), STAGING);
	/* Escape clears and restores all targets, keeping the selection */
	r = model_key(m, ACTION_KEY_ESCAPE, T0);
	assert_false(m->filtering);
	assert_string_equal(m->filter, "");
	assert_all_visible(m);
	assert_int_equal(selected(m), STAGING);
	assert_true(r & REACT_REDRAW);
}

static void
test_filter_drops_selection(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	static const size_t dev[] = {DEV};
	unsigned r;

	assert_int_equal(selected(m), PROD);
	clear_wishes(m);
	model_key(m, '/', T0);
	/* "dev" hides prod-admin: the new selection is wished for */
	r = keys(m, "DeV");
	assert_visible(m, dev, 1);
	assert_int_equal(selected(m), DEV);
	assert_true(r & REACT_WORK);
	assert_true(m->targets[DEV].want_assume);
	/* Up and Down still move while filtering */
	model_key(m, ACTION_KEY_DOWN, T0);
	assert_int_equal(selected(m), DEV);
	assert_string_equal(m->filter, "DeV");
	/* a filter matching nothing */
	keys(m, "zz");
	assert_int_equal(m->nvisible, 0);
	assert_null(model_selected(m));
	assert_null(model_selected_cluster(m));
	model_key(m, ACTION_KEY_ENTER, T0);
	assert_false(m->filtering);
	assert_int_equal(model_key(m, 'j', T0), REACT_NONE);
	assert_int_equal(model_key(m, ACTION_KEY_ENTER, T0), REACT_NONE);
	assert_int_equal(model_key(m, 'a', T0), REACT_NONE);
	assert_int_equal(m->request.kind, REQ_NONE);
}

static void
test_filter_account(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	static const size_t stage[] = {STAGING};
	static const size_t sb[] = {SB1, SB2, SB3};
	static const size_t sb2[] = {SB2};
	static const size_t prod[] = {PROD};

	model_key(m, '/', T0);
	keys(m, "4444");
	assert_visible(m, stage, 1);
	model_key(m, ACTION_KEY_ESCAPE, T0);
	assert_all_visible(m);
	model_key(m, '/', T0);
	keys(m, "55555555555");
	assert_visible(m, sb, 3);
	keys(m, "6");
	assert_visible(m, sb2, 1);
	model_key(m, ACTION_KEY_ESCAPE, T0);
	/* the account of the last hop (prod-admin's first is static) */
	model_key(m, '/', T0);
	keys(m, "111111111111");
	assert_visible(m, prod, 1);
	/* the role name is not the account */
	model_key(m, ACTION_KEY_ESCAPE, T0);
	model_key(m, '/', T0);
	keys(m, "role");
	assert_int_equal(m->nvisible, 0);
}

static void
test_filter_utf8(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	static const size_t cafe[] = {CAFE};
	unsigned r;

	model_key(m, '/', T0);
	model_key(m, 0xe9 /* é */, T0);
	assert_string_equal(m->filter, "\xc3\xa9");
	assert_visible(m, cafe, 1);
	assert_int_equal(selected(m), CAFE);
	/* Backspace removes the whole character, not one byte */
	model_key(m, ACTION_KEY_BACKSPACE, T0);
	assert_string_equal(m->filter, "");
	assert_all_visible(m);
	assert_int_equal(selected(m), CAFE);
	/* ASCII folds around it */
	keys(m, "CAF");
	model_key(m, 0xe9, T0);
	keys(m, "-");
	assert_string_equal(m->filter, "CAF\xc3\xa9-");
	assert_visible(m, cafe, 1);
	model_key(m, 0x08, T0);
	model_key(m, 0x08, T0);
	assert_string_equal(m->filter, "CAF");
	/* a four-byte code point, then three and two bytes */
	model_key(m, 0x1f600, T0);
	assert_string_equal(m->filter, "CAF\xf0\x9f\x98\x80");
	assert_int_equal(m->nvisible, 0);
	model_key(m, 0x20ac, T0);
	assert_string_equal(m->filter, "CAF\xf0\x9f\x98\x80\xe2\x82\xac");
	model_key(m, ACTION_KEY_BACKSPACE, T0);
	model_key(m, ACTION_KEY_BACKSPACE, T0);
	assert_string_equal(m->filter, "CAF");
	assert_visible(m, cafe, 1);
	/* Backspace on nothing stays nothing */
	for (int i = 0; i < 5; i++)
		model_key(m, ACTION_KEY_BACKSPACE, T0);
	assert_string_equal(m->filter, "");
	assert_true(m->filtering);
	assert_all_visible(m);
	/* Enter keeps the filter; keys are actions again */
	model_key(m, 0xe9, T0);
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_true(r & REACT_REDRAW);
	assert_false(m->filtering);
	assert_string_equal(m->filter, "\xc3\xa9");
	assert_visible(m, cafe, 1);
	assert_int_equal(m->request.kind, REQ_NONE);
	model_key(m, 'j', T0);
	assert_string_equal(m->filter, "\xc3\xa9");
	/* Escape then clears it */
	r = model_key(m, ACTION_KEY_ESCAPE, T0);
	assert_true(r & REACT_REDRAW);
	assert_string_equal(m->filter, "");
	assert_all_visible(m);
	assert_int_equal(selected(m), CAFE);
}

static void
test_filter_full(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;

	/* the filter never overflows its buffer */
	model_key(m, '/', T0);
	for (int i = 0; i < 200; i++)
		model_key(m, 0x20ac, T0);
	assert_true(strlen(m->filter) < sizeof m->filter);
	assert_int_equal(strlen(m->filter) % 3, 0);
	for (int i = 0; i < 200; i++)
		model_key(m, 'x', T0);
	assert_int_equal(strlen(m->filter), sizeof m->filter - 1);
	model_key(m, ACTION_KEY_ESCAPE, T0);
	assert_all_visible(m);
}

/* ---- screens ---- */

static void
test_help(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	r = model_key(m, '?', T0);
	assert_int_equal(m->screen, SCREEN_HELP);
	assert_true(r & REACT_REDRAW);
	/* any key closes it, and does nothing else */
	r = model_key(m, 'q', T0);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(r, REACT_REDRAW);
	model_key(m, '?', T0);
	r = model_key(m, 'j', T0);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->sel, 0);
	model_key(m, '?', T0);
	model_key(m, ACTION_KEY_ESCAPE, T0);
	assert_int_equal(m->screen, SCREEN_MAIN);
}

static void
test_resize(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;

	assert_int_equal(model_key(m, ACTION_KEY_RESIZE, T0), REACT_REDRAW);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->sel, 0);
	/* on the help screen: it stays open */
	model_key(m, '?', T0);
	assert_int_equal(model_key(m, ACTION_KEY_RESIZE, T0), REACT_REDRAW);
	assert_int_equal(m->screen, SCREEN_HELP);
	model_key(m, ' ', T0);
	/* while filtering: nothing is typed */
	model_key(m, '/', T0);
	keys(m, "de");
	assert_int_equal(model_key(m, ACTION_KEY_RESIZE, T0), REACT_REDRAW);
	assert_true(m->filtering);
	assert_string_equal(m->filter, "de");
	model_key(m, ACTION_KEY_ESCAPE, T0);
	/* in a confirmation: it stays open, nothing typed */
	make_ready(m, PROD, T0 + 3600);
	select_target(m, PROD);
	model_key(m, ACTION_KEY_ENTER, T0);
	assert_int_equal(m->screen, SCREEN_CONFIRM);
	assert_int_equal(model_key(m, ACTION_KEY_RESIZE, T0), REACT_REDRAW);
	assert_int_equal(m->screen, SCREEN_CONFIRM);
	assert_string_equal(m->confirm_input, "");
	assert_int_equal(m->request.kind, REQ_NONE);
}

static void
test_redraw_quit(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;

	assert_int_equal(model_key(m, 0x0c /* Ctrl-L */, T0),
	                 REACT_REDRAW | REACT_REPAINT);
	assert_true(model_key(m, 'q', T0) & REACT_QUIT);
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(model_key(m, 'x', T0), REACT_NONE);
}

/* ---- driver reports ---- */

static void
test_assume_reports(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[PROD];
	struct creds c;

	assert_true(u->want_assume);
	model_on_assume_start(m, u);
	assert_int_equal(u->state, UI_PENDING);
	assert_false(u->want_assume);
	assert_false(u->refreshing);
	assert_true(model_busy(m));
	/* asking again while in flight is nothing new */
	assert_int_equal(model_key(m, 'a', T0), REACT_NONE);
	assert_false(u->want_assume);
	/* hop 1: static keys, from the cache */
	creds_init(&c);
	c.access_key_id = xstrdup("AKIDEXAMPLE");
	c.secret_access_key = xstrdup("secret1");
	c.arn = xstrdup("arn:aws:iam::999999999999:user/alice");
	c.account = xstrdup("999999999999");
	model_on_hop(u, 0, &c, true, false);
	creds_done(&c);
	/* hop 2: the role */
	c.access_key_id = xstrdup("ASIAEXAMPLE");
	c.secret_access_key = xstrdup("secret2");
	c.session_token = xstrdup("token2");
	c.arn = xstrdup("arn:aws:sts::111111111111:assumed-role/admin/s");
	c.account = xstrdup("111111111111");
	c.expiration = T0 + 3600;
	model_on_hop(u, 1, &c, false, false);
	/* out of range: ignored */
	model_on_hop(u, 2, &c, false, false);
	assert_int_equal(u->state, UI_PENDING);
	model_on_assumed(m, u, &c, T0 + 1);
	creds_done(&c);
	assert_int_equal(u->state, UI_READY);
	assert_int_equal(u->assumed_at, T0 + 1);
	assert_false(u->refreshing);
	assert_int_equal(u->hops[0].state, UI_READY);
	assert_true(u->hops[0].cached);
	assert_string_equal(u->hops[0].arn,
	                    "arn:aws:iam::999999999999:user/alice");
	assert_string_equal(u->hops[0].account, "999999999999");
	assert_int_equal(u->hops[0].expiration, 0);
	assert_int_equal(u->hops[1].state, UI_READY);
	assert_false(u->hops[1].cached);
	assert_string_equal(u->hops[1].arn,
	                    "arn:aws:sts::111111111111:assumed-role/admin/s");
	assert_string_equal(u->hops[1].account, "111111111111");
	assert_int_equal(u->hops[1].expiration, T0 + 3600);
	/* the final credentials are the model's own copy */
	assert_string_equal(u->creds.access_key_id, "ASIAEXAMPLE");
	assert_string_equal(u->creds.secret_access_key, "secret2");
	assert_string_equal(u->creds.session_token, "token2");
	assert_int_equal(u->creds.expiration, T0 + 3600);
	assert_int_equal(model_expiry(u), T0 + 3600);
	/* the caller identity is next */
	assert_int_equal(u->identity_state, UI_PENDING);
	assert_true(model_busy(m));
	model_on_identity(u, "arn:aws:sts::111111111111:assumed-role/admin/s",
	                  "111111111111", true);
	assert_int_equal(u->identity_state, UI_READY);
	assert_string_equal(u->identity_account, "111111111111");
	assert_false(model_busy(m));
	/* a skipped hop (a later one came from the cache) */
	model_on_hop(u, 0, NULL, false, true);
	assert_true(u->hops[0].skipped);
	assert_int_equal(u->hops[0].state, UI_READY);
	assert_null(u->hops[0].arn);
	/* a hop without credentials */
	model_on_hop(u, 0, NULL, false, false);
	assert_int_equal(u->hops[0].state, UI_IDLE);
	assert_false(u->hops[0].skipped);
}

static void
test_assume_failed(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[PROD];
	struct creds c;

	model_on_assume_start(m, u);
	creds_init(&c);
	c.access_key_id = xstrdup("AKIDEXAMPLE");
	c.secret_access_key = xstrdup("secret1");
	c.arn = xstrdup("arn:aws:iam::999999999999:user/alice");
	model_on_hop(u, 0, &c, false, false);
	creds_done(&c);
	model_on_assume_failed(m, u, 2,
	                       "AccessDenied: User alice is not authorized\n"
	                       "to perform sts:AssumeRole",
	                       "check the role's trust policy", T0 + 5);
	assert_int_equal(u->state, UI_FAILED);
	assert_int_equal(u->failed_hop, 2);
	assert_non_null(strstr(u->error, "AccessDenied"));
	assert_string_equal(u->hint, "check the role's trust policy");
	assert_int_equal(u->hops[0].state, UI_READY);
	assert_int_equal(u->hops[1].state, UI_FAILED);
	assert_null(u->hops[1].arn);
	assert_null(u->creds.access_key_id);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_int_equal(m->status_at, T0 + 5);
	assert_string_equal(m->status, "AccessDenied: User alice is not "
	                               "authorized to perform sts:AssumeRole");
	assert_false(model_busy(m));
	/* landing on it again wishes nothing; asking does */
	clear_wishes(m);
	model_key(m, 'j', T0);
	model_key(m, 'k', T0);
	assert_false(u->want_assume);
	model_key(m, 'a', T0);
	assert_true(u->want_assume);
	/* a new attempt clears the error */
	model_on_assume_start(m, u);
	assert_int_equal(u->state, UI_PENDING);
	assert_int_equal(u->failed_hop, 0);
	assert_null(u->error);
	assert_null(u->hint);
	/* an empty hint is no hint; hop 0 means none */
	model_on_assume_failed(m, u, 0, "network unreachable", "", T0 + 6);
	assert_int_equal(u->failed_hop, 0);
	assert_null(u->hint);
	assert_string_equal(m->status, "network unreachable");
}

static void
test_expiry(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[PROD];

	assert_int_equal(model_expiry(u), 0);
	u->hops[0].expiration = T0 + 3600;
	assert_int_equal(model_expiry(u), T0 + 3600);
	u->hops[1].expiration = T0 + 900;
	assert_int_equal(model_expiry(u), T0 + 900);
	u->hops[0].expiration = T0 + 600;
	assert_int_equal(model_expiry(u), T0 + 600);
	u->hops[0].expiration = 0;
	assert_int_equal(model_expiry(u), T0 + 900);
	/* a target without hops */
	assert_int_equal(model_expiry(&m->targets[BROKEN]), 0);
}

static void
test_busy(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[DEV];

	assert_false(model_busy(m));
	u->clusters_state = UI_PENDING;
	assert_true(model_busy(m));
	u->clusters_state = UI_READY;
	u->identity_state = UI_PENDING;
	assert_true(model_busy(m));
	u->identity_state = UI_FAILED;
	assert_false(model_busy(m));
	model_on_assume_start(m, u);
	assert_true(model_busy(m));
	model_on_assume_failed(m, u, 1, "denied", NULL, T0);
	assert_false(model_busy(m));
}

/* ---- the refresh before expiry ---- */

static void
test_tick_refresh(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *dev = &m->targets[DEV];
	struct ui_target *stage = &m->targets[STAGING];
	struct creds c;
	unsigned r;

	make_ready(m, DEV, T0 + MODEL_REFRESH_MARGIN + 900);
	make_ready(m, STAGING, T0 + 3600);
	model_on_identity(dev, NULL, NULL, false);
	model_on_identity(stage, NULL, NULL, false);
	select_target(m, DEV);
	clear_wishes(m);
	/* nothing is close yet */
	r = model_tick(m, T0);
	assert_false(r & REACT_WORK);
	assert_false(dev->want_assume);
	assert_false(stage->want_assume);
	/* exactly the margin away: time to refresh */
	m->status[0] = '\0';
	r = model_tick(m, T0 + 900);
	assert_true(r & REACT_WORK);
	assert_true(r & REACT_REDRAW);
	assert_true(dev->want_assume);
	assert_false(stage->want_assume);
	assert_int_equal(dev->state, UI_READY);
	assert_int_equal(m->status_kind, STATUS_INFO);
	assert_non_null(strstr(m->status, "refreshing dev"));
	/* wished once: the next tick adds nothing */
	m->status[0] = '\0';
	r = model_tick(m, T0 + 901);
	assert_false(r & REACT_WORK);
	assert_string_equal(m->status, "");
	/* the refresh in flight keeps the old state on screen */
	model_on_assume_start(m, dev);
	assert_int_equal(dev->state, UI_READY);
	assert_true(dev->refreshing);
	assert_false(dev->want_assume);
	assert_true(model_busy(m));
	assert_string_equal(dev->hops[0].arn,
	                    "arn:aws:iam::222222222222:role/dev-session");
	r = model_tick(m, T0 + 202);
	assert_false(r & REACT_WORK);
	assert_false(dev->want_assume);
	/* and 'a' does not start another */
	assert_int_equal(model_key(m, 'a', T0 + 202), REACT_NONE);
	/* done */
	creds_init(&c);
	c.access_key_id = xstrdup("ASIANEW");
	c.secret_access_key = xstrdup("secret-new");
	c.session_token = xstrdup("token-new");
	c.arn = xstrdup("arn:aws:sts::222222222222:assumed-role/dev/s2");
	c.account = xstrdup("222222222222");
	c.expiration = T0 + 3800;
	model_on_hop(dev, 0, &c, false, false);
	model_on_assumed(m, dev, &c, T0 + 203);
	creds_done(&c);
	assert_int_equal(dev->state, UI_READY);
	assert_false(dev->refreshing);
	assert_int_equal(dev->hops[0].expiration, T0 + 3800);
	assert_int_equal(model_expiry(dev), T0 + 3800);
	assert_string_equal(dev->creds.access_key_id, "ASIANEW");
	assert_int_equal(m->status_kind, STATUS_OK);
	assert_non_null(strstr(m->status, "dev refreshed"));
	assert_false(model_busy(m));
	r = model_tick(m, T0 + 204);
	assert_false(r & REACT_WORK);
	assert_false(dev->want_assume);
	/* staging comes up later; already expired counts too */
	r = model_tick(m, T0 + 3600 + 10);
	assert_true(stage->want_assume);
	assert_true(dev->want_assume);
	assert_non_null(strstr(m->status, "refreshing"));
}

static void
test_tick_refresh_failed(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *dev = &m->targets[DEV];

	make_ready(m, DEV, T0 + 60);
	clear_wishes(m);
	/* Credentials of a minute: refreshed at half their life, not at
	 * once (else they would be refreshed again on every tick). */
	model_tick(m, T0);
	assert_false(dev->want_assume);
	model_tick(m, T0 + 29);
	assert_false(dev->want_assume);
	model_tick(m, T0 + 30);
	assert_true(dev->want_assume);
	model_on_assume_start(m, dev);
	assert_true(dev->refreshing);
	model_on_assume_failed(m, dev, 1, "ExpiredToken", NULL, T0 + 1);
	assert_false(dev->refreshing);
	assert_int_equal(dev->state, UI_FAILED);
	/* not READY: no refresh loop */
	clear_wishes(m);
	model_tick(m, T0 + 2);
	assert_false(dev->want_assume);
}

static void
test_spinner(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[PROD];
	unsigned r;

	assert_int_equal(m->spinner, 0);
	r = model_tick(m, T0);
	assert_int_equal(r, REACT_NONE);
	assert_int_equal(m->spinner, 0);
	model_on_assume_start(m, u);
	r = model_tick(m, T0 + 1);
	assert_true(r & REACT_REDRAW);
	assert_int_equal(m->spinner, 1);
	model_tick(m, T0 + 2);
	model_tick(m, T0 + 3);
	assert_int_equal(m->spinner, 3);
	make_ready(m, PROD, T0 + 3600);
	/* the identity is still in flight */
	model_tick(m, T0 + 4);
	assert_int_equal(m->spinner, 4);
	model_on_identity(u, "arn", "111111111111", true);
	r = model_tick(m, T0 + 5);
	assert_int_equal(r, REACT_NONE);
	assert_int_equal(m->spinner, 4);
}

/* ---- wishes from keys ---- */

static void
test_refresh_key(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	struct ui_target *u = &m->targets[DEV];
	unsigned r;

	make_ready(m, DEV, T0 + 3600);
	model_on_identity(u, NULL, NULL, false);
	select_target(m, DEV);
	clear_wishes(m);
	r = model_key(m, 'r', T0);
	assert_true(r & REACT_WORK);
	assert_true(u->want_assume);
	assert_true(u->want_fresh);
	assert_true(u->want_clusters);
	model_on_assume_start(m, u);
	assert_false(u->want_fresh);
	assert_true(u->refreshing);
	/* a plain assume does not bypass the cache */
	make_ready(m, DEV, T0 + 3600);
	assert_false(u->refreshing);
	clear_wishes(m);
	model_key(m, 'a', T0);
	assert_true(u->want_assume);
	assert_false(u->want_fresh);
}

static void
test_clusters_all(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	clear_wishes(m);
	r = model_key(m, 'C', T0);
	assert_true(r & REACT_WORK);
	for (size_t i = 0; i < NTARGETS; i++)
		assert_int_equal(m->targets[i].want_clusters, i != BROKEN);
	assert_int_equal(m->status_kind, STATUS_INFO);
	assert_non_null(strstr(m->status, "clusters"));
}

/* ---- requests ---- */

static void
test_shell_not_ready(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	select_target(m, DEV);
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_false(r & (REACT_WORK | REACT_SUSPEND));
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_non_null(strstr(m->status, "dev"));
	/* pending is not ready either */
	model_on_assume_start(m, &m->targets[DEV]);
	r = model_key(m, 's', T0);
	assert_false(r & REACT_SUSPEND);
	assert_int_equal(m->request.kind, REQ_NONE);
	r = model_key(m, 'K', T0);
	assert_false(r & REACT_WORK);
	assert_int_equal(m->request.kind, REQ_NONE);
	r = model_key(m, 'Q', T0);
	assert_false(r & REACT_QUIT);
	assert_int_equal(m->request.kind, REQ_NONE);
}

static void
test_shell_ready(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	make_ready(m, DEV, T0 + 3600);
	select_target(m, DEV);
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_true(r & REACT_SUSPEND);
	assert_true(r & REACT_WORK);
	assert_false(r & REACT_QUIT);
	assert_int_equal(m->request.kind, REQ_SHELL);
	assert_int_equal(m->request.target, DEV);
	assert_int_equal(m->request.cluster, -1);
	assert_int_equal(m->screen, SCREEN_MAIN);
	/* with clusters: the selected one */
	m->request.kind = REQ_NONE;
	give_clusters(m, DEV, 3);
	model_key(m, ACTION_KEY_TAB, T0);
	model_key(m, 'j', T0);
	model_key(m, 'j', T0);
	r = model_key(m, 's', T0);
	assert_true(r & REACT_SUSPEND);
	assert_int_equal(m->request.kind, REQ_SHELL);
	assert_int_equal(m->request.target, DEV);
	assert_int_equal(m->request.cluster, 2);
}

static void
test_kubeconfig(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	make_ready(m, DEV, T0 + 3600);
	select_target(m, DEV);
	r = model_key(m, 'K', T0);
	assert_false(r & REACT_WORK);
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_non_null(strstr(m->status, "no cluster"));
	give_clusters(m, DEV, 2);
	model_key(m, ACTION_KEY_TAB, T0);
	model_key(m, 'j', T0);
	r = model_key(m, 'K', T0);
	assert_true(r & REACT_WORK);
	assert_false(r & (REACT_SUSPEND | REACT_QUIT));
	assert_int_equal(m->request.kind, REQ_KUBECONFIG);
	assert_int_equal(m->request.target, DEV);
	assert_int_equal(m->request.cluster, 1);
}

static void
test_confirm(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	make_ready(m, PROD, T0 + 3600);
	assert_int_equal(selected(m), PROD);
	/* the prompt instead of the shell */
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_false(r & (REACT_WORK | REACT_SUSPEND));
	assert_int_equal(m->screen, SCREEN_CONFIRM);
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(m->confirm.kind, REQ_SHELL);
	assert_int_equal(m->confirm.target, PROD);
	assert_non_null(strstr(m->status, "prod-admin"));
	/* the wrong name; keys are text here (q does not quit) */
	r = keys(m, "prodq");
	assert_false(r & REACT_QUIT);
	assert_string_equal(m->confirm_input, "prodq");
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_false(r & (REACT_WORK | REACT_SUSPEND));
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_non_null(strstr(m->status, "not confirmed"));
	/* a case variant of the name is not the name */
	model_key(m, ACTION_KEY_ENTER, T0);
	keys(m, "PROD-ADMIN");
	model_key(m, ACTION_KEY_ENTER, T0);
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_non_null(strstr(m->status, "not confirmed"));
	/* the exact name (after a correction) */
	model_key(m, ACTION_KEY_ENTER, T0);
	assert_string_equal(m->confirm_input, "");
	keys(m, "prod-adminx");
	model_key(m, ACTION_KEY_BACKSPACE, T0);
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_true(r & REACT_SUSPEND);
	assert_true(r & REACT_WORK);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->request.kind, REQ_SHELL);
	assert_int_equal(m->request.target, PROD);
	assert_int_equal(m->request.cluster, -1);
	/* y */
	m->request.kind = REQ_NONE;
	model_key(m, 's', T0);
	assert_int_equal(m->screen, SCREEN_CONFIRM);
	model_key(m, 'y', T0);
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_true(r & REACT_SUSPEND);
	assert_int_equal(m->request.kind, REQ_SHELL);
	/* Escape cancels */
	m->request.kind = REQ_NONE;
	model_key(m, ACTION_KEY_ENTER, T0);
	keys(m, "prod-admin");
	r = model_key(m, ACTION_KEY_ESCAPE, T0);
	assert_false(r & (REACT_WORK | REACT_SUSPEND));
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->request.kind, REQ_NONE);
	assert_int_equal(m->status_kind, STATUS_INFO);
	assert_non_null(strstr(m->status, "cancelled"));
	/* a kubeconfig write asks too */
	give_clusters(m, PROD, 1);
	r = model_key(m, 'K', T0);
	assert_false(r & REACT_WORK);
	assert_int_equal(m->screen, SCREEN_CONFIRM);
	assert_int_equal(m->confirm.kind, REQ_KUBECONFIG);
	keys(m, "Y");
	r = model_key(m, ACTION_KEY_ENTER, T0);
	assert_true(r & REACT_WORK);
	assert_false(r & REACT_SUSPEND);
	assert_int_equal(m->request.kind, REQ_KUBECONFIG);
	assert_int_equal(m->request.target, PROD);
	assert_int_equal(m->request.cluster, 0);
}

static void
test_quit_env(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	unsigned r;

	make_ready(m, DEV, T0 + 3600);
	select_target(m, DEV);
	r = model_key(m, 'Q', T0);
	assert_true(r & REACT_QUIT);
	assert_true(r & REACT_WORK);
	assert_int_equal(m->request.kind, REQ_QUIT_ENV);
	assert_int_equal(m->request.target, DEV);
	/* printing env needs no confirmation */
	m->request.kind = REQ_NONE;
	make_ready(m, PROD, T0 + 3600);
	select_target(m, PROD);
	r = model_key(m, 'Q', T0);
	assert_true(r & REACT_QUIT);
	assert_int_equal(m->screen, SCREEN_MAIN);
	assert_int_equal(m->request.kind, REQ_QUIT_ENV);
	assert_int_equal(m->request.target, PROD);
}

/* ---- the status line ---- */

static void
test_status(void **state)
{
	struct fixture *f = *state;
	struct model *m = &f->m;
	char big[600];

	model_set_status(m, STATUS_ERROR, T0 + 7, "%s: %d", "a\nb\tc\rd\x1b",
	                 42);
	assert_string_equal(m->status, "a b c d : 42");
	assert_int_equal(m->status_kind, STATUS_ERROR);
	assert_int_equal(m->status_at, T0 + 7);
	/* UTF-8 is not a control character */
	model_set_status(m, STATUS_OK, T0 + 8, "%s", "Caf\xc3\xa9");
	assert_string_equal(m->status, "Caf\xc3\xa9");
	assert_int_equal(m->status_kind, STATUS_OK);
	/* too long: cut */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	model_set_status(m, STATUS_INFO, T0, "%s", big);
	assert_int_equal(strlen(m->status), sizeof m->status - 1);
}

/* ---- the action table ---- */

static void
test_action_for_key(void **state)
{
	static const struct {
		int key;
		enum action a;
	} map[] = {
	    {'j', ACTION_DOWN},
	    {ACTION_KEY_DOWN, ACTION_DOWN},
	    {'k', ACTION_UP},
	    {ACTION_KEY_UP, ACTION_UP},
	    {ACTION_KEY_PGDN, ACTION_PAGE_DOWN},
	    {0x06, ACTION_PAGE_DOWN},
	    {ACTION_KEY_PGUP, ACTION_PAGE_UP},
	    {0x02, ACTION_PAGE_UP},
	    {'g', ACTION_TOP},
	    {ACTION_KEY_HOME, ACTION_TOP},
	    {'G', ACTION_BOTTOM},
	    {ACTION_KEY_END, ACTION_BOTTOM},
	    {ACTION_KEY_TAB, ACTION_FOCUS},
	    {'h', ACTION_FOCUS},
	    {'l', ACTION_FOCUS},
	    {ACTION_KEY_LEFT, ACTION_FOCUS},
	    {ACTION_KEY_RIGHT, ACTION_FOCUS},
	    {'a', ACTION_ASSUME},
	    {'r', ACTION_REFRESH},
	    {'C', ACTION_CLUSTERS_ALL},
	    {ACTION_KEY_ENTER, ACTION_SHELL},
	    {'s', ACTION_SHELL},
	    {'K', ACTION_KUBECONFIG},
	    {'/', ACTION_FILTER},
	    {'?', ACTION_HELP},
	    {0x0c, ACTION_REDRAW},
	    {'q', ACTION_QUIT},
	    {'Q', ACTION_QUIT_ENV},
	};
	static const int unknown[] = {
	    0,
	    -1,
	    'x',
	    'J',
	    'c',
	    'R',
	    'A',
	    'S',
	    ' ',
	    '\n',
	    0x1b,
	    0xe9,
	    ACTION_KEY_ESCAPE,
	    ACTION_KEY_BACKSPACE,
	    ACTION_KEY_RESIZE,
	    ACTION_KEY_RESIZE + 1,
	};

	(void)state;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		assert_int_equal(action_for_key(map[i].key), map[i].a);
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
		assert_int_equal(action_for_key(unknown[i]), ACTION_NONE);
}

static void
test_action_info(void **state)
{
	(void)state;
	assert_string_equal(action_info(ACTION_DOWN)->name, "down");
	assert_string_equal(action_info(ACTION_DOWN)->keys, "j, Down");
	assert_string_equal(action_info(ACTION_DOWN)->help,
	                    "select the next row");
	assert_string_equal(action_info(ACTION_PAGE_DOWN)->keys,
	                    "PgDn, Ctrl-F");
	assert_string_equal(action_info(ACTION_FOCUS)->keys,
	                    "Tab, h, l, Left, Right");
	assert_string_equal(action_info(ACTION_SHELL)->keys, "Enter, s");
	assert_string_equal(action_info(ACTION_REDRAW)->keys, "Ctrl-L");
	assert_string_equal(action_info(ACTION_QUIT_ENV)->keys, "Q");
	for (int a = 1; a < ACTION_COUNT; a++) {
		const struct action_info *ai = action_info((enum action)a);

		assert_non_null(ai->name);
		assert_non_null(ai->keys);
		assert_non_null(ai->help);
		assert_true(ai->name[0] != '\0');
		assert_true(ai->keys[0] != '\0');
		assert_true(ai->help[0] != '\0');
		/* names are unique */
		for (int b = 1; b < a; b++)
			assert_string_not_equal(
			    ai->name, action_info((enum action)b)->name);
	}
	assert_null(action_info(ACTION_NONE)->name);
	assert_null(action_info(ACTION_COUNT)->name);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_init),
	    T(test_broken_target),
	    T(test_broken_target_refresh),
	    T(test_move),
	    T(test_move_ready_target_wishes_clusters),
	    T(test_page_top_bottom),
	    T(test_focus_clusters),
	    T(test_on_clusters),
	    T(test_filter_name),
	    T(test_filter_drops_selection),
	    T(test_filter_account),
	    T(test_filter_utf8),
	    T(test_filter_full),
	    T(test_help),
	    T(test_resize),
	    T(test_redraw_quit),
	    T(test_assume_reports),
	    T(test_assume_failed),
	    T(test_expiry),
	    T(test_busy),
	    T(test_tick_refresh),
	    T(test_tick_refresh_failed),
	    T(test_spinner),
	    T(test_refresh_key),
	    T(test_clusters_all),
	    T(test_shell_not_ready),
	    T(test_shell_ready),
	    T(test_kubeconfig),
	    T(test_confirm),
	    T(test_quit_env),
	    T(test_status),
	    cmocka_unit_test(test_action_for_key),
	    cmocka_unit_test(test_action_info),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
