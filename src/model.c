/*
 * model - the interface's state and transitions (see model.h).
 */
#include "config.h"

#include "model.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sts.h"
#include "xalloc.h"

/* Secrets out, then the rest of a hop's display state. */
static void
hop_clear(struct ui_hop *h)
{
	free(h->arn);
	free(h->account);
	memset(h, 0, sizeof *h);
}

static void
clusters_clear(struct ui_target *u)
{
	for (size_t i = 0; i < u->nclusters; i++)
		eks_cluster_done(&u->clusters[i]);
	free(u->clusters);
	u->clusters = NULL;
	u->nclusters = 0;
	for (size_t i = 0; i < u->ncluster_errors; i++) {
		free(u->cluster_errors[i].region);
		free(u->cluster_errors[i].code);
		free(u->cluster_errors[i].message);
	}
	free(u->cluster_errors);
	u->cluster_errors = NULL;
	u->ncluster_errors = 0;
}

/* The account in a role ARN (arn:aws:iam::ACCOUNT:role/x), or NULL. */
/* Case-insensitive substring. */
static bool
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL)
		return false;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

static bool
matches(const struct ui_target *u, const char *filter)
{
	const struct target *t = u->t;
	char acct[13];

	if (filter[0] == '\0' || contains(t->name, filter) ||
	    contains(t->profile, filter) ||
	    contains(u->identity_account, filter))
		return true;
	/* The account of the last role, before it is assumed. */
	return t->nhops &&
	       sts_arn_account(t->hops[t->nhops - 1].role_arn, acct) == 0 &&
	       contains(acct, filter);
}

/* The selected target index (into targets), or SIZE_MAX. */
static size_t
selected_index(const struct model *m)
{
	return m->nvisible ? m->visible[m->sel] : (size_t)-1;
}

/* Keep the selection and the scroll position inside the list. */
static void
clamp_selection(struct model *m)
{
	size_t page = m->page_rows > 0 ? (size_t)m->page_rows : 1;

	if (m->nvisible == 0) {
		m->sel = m->top = 0;
		return;
	}
	if (m->sel >= m->nvisible)
		m->sel = m->nvisible - 1;
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + page)
		m->top = m->sel - page + 1;
}

/* The selection landed on a target: assume it if nothing was asked yet,
 * and look for its clusters once it is assumed. */
static unsigned
selection_changed(struct model *m)
{
	struct ui_target *u = model_selected(m);

	m->cluster_sel = 0;
	m->focus = FOCUS_TARGETS;
	if (u == NULL)
		return REACT_REDRAW;
	if (u->state == UI_IDLE && u->t->error == NULL && u->foreground) {
		model_set_status(m, STATUS_INFO, m->now,
		                 "%s runs a credential_process: press a to "
		                 "assume it",
		                 u->t->name);
		return REACT_REDRAW;
	}
	if (u->state == UI_IDLE && u->t->error == NULL) {
		u->want_assume = true;
		u->want_clusters = u->clusters_state == UI_IDLE;
		return REACT_REDRAW | REACT_WORK;
	}
	if (u->state == UI_READY && u->clusters_state == UI_IDLE) {
		u->want_clusters = true;
		return REACT_REDRAW | REACT_WORK;
	}
	return REACT_REDRAW;
}

/* Rebuild the filtered list, keeping the selected target when it stays. */
static void
apply_filter(struct model *m)
{
	size_t keep = selected_index(m);

	m->nvisible = 0;
	for (size_t i = 0; i < m->ntargets; i++)
		if (matches(&m->targets[i], m->filter))
			m->visible[m->nvisible++] = i;
	m->sel = 0;
	for (size_t i = 0; i < m->nvisible; i++)
		if (m->visible[i] == keep)
			m->sel = i;
	m->top = 0;
	clamp_selection(m);
}

void
model_init(struct model *m, const struct targets *ts)
{
	memset(m, 0, sizeof *m);
	m->ntargets = ts->n;
	m->targets = xcalloc(ts->n + 1, sizeof *m->targets);
	m->visible = xcalloc(ts->n + 1, sizeof *m->visible);
	for (size_t i = 0; i < ts->n; i++) {
		struct ui_target *u = &m->targets[i];

		u->t = &ts->v[i];
		u->hops = xcalloc(u->t->nhops + 1, sizeof *u->hops);
		creds_init(&u->creds);
		for (size_t h = 0; h < u->t->nhops; h++)
			u->foreground =
			    u->foreground || u->t->hops[h].kind == HOP_PROCESS;
		if (u->t->error) {
			u->state = UI_FAILED;
			u->error = xstrdup(u->t->error);
			u->hint = xstrdup_or_null(u->t->error_hint);
		}
		m->visible[m->nvisible++] = i;
	}
	m->page_rows = 1;
	m->request.kind = REQ_NONE;
	(void)selection_changed(m);
}

void
model_done(struct model *m)
{
	for (size_t i = 0; i < m->ntargets; i++) {
		struct ui_target *u = &m->targets[i];

		for (size_t h = 0; h < u->t->nhops; h++)
			hop_clear(&u->hops[h]);
		free(u->hops);
		free(u->error);
		free(u->hint);
		creds_done(&u->creds);
		free(u->identity_arn);
		free(u->identity_account);
		clusters_clear(u);
	}
	free(m->targets);
	free(m->visible);
	memset(m, 0, sizeof *m);
}

struct ui_target *
model_selected(struct model *m)
{
	size_t i = selected_index(m);

	return i == (size_t)-1 ? NULL : &m->targets[i];
}

const struct eks_cluster *
model_selected_cluster(struct model *m)
{
	struct ui_target *u = model_selected(m);

	if (u == NULL || u->nclusters == 0)
		return NULL;
	return &u->clusters[m->cluster_sel < u->nclusters ? m->cluster_sel : 0];
}

bool
model_busy(const struct model *m)
{
	for (size_t i = 0; i < m->ntargets; i++) {
		const struct ui_target *u = &m->targets[i];

		if (u->state == UI_PENDING || u->refreshing ||
		    u->identity_state == UI_PENDING ||
		    u->clusters_state == UI_PENDING)
			return true;
	}
	return false;
}

time_t
model_expiry(const struct ui_target *u)
{
	time_t e = 0;

	for (size_t i = 0; i < u->t->nhops; i++)
		if (u->hops[i].expiration &&
		    (e == 0 || u->hops[i].expiration < e))
			e = u->hops[i].expiration;
	return e;
}

void
model_set_status(struct model *m, enum ui_status_kind kind, time_t now,
                 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->status, sizeof m->status, fmt, ap);
	va_end(ap);
	/* One line: whatever came from outside must not break the frame. */
	for (char *p = m->status; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	m->status_kind = kind;
	m->status_at = now;
}

/* Moving the selection (targets or clusters) by delta rows. */
static unsigned
move(struct model *m, long delta)
{
	struct ui_target *u = model_selected(m);

	if (m->focus == FOCUS_CLUSTERS && u && u->nclusters) {
		long c = (long)m->cluster_sel + delta;

		if (c < 0)
			c = 0;
		if (c >= (long)u->nclusters)
			c = (long)u->nclusters - 1;
		m->cluster_sel = (size_t)c;
		return REACT_REDRAW;
	}
	if (m->nvisible == 0)
		return REACT_NONE;
	{
		long s = (long)m->sel + delta;
		size_t before = m->sel;

		if (s < 0)
			s = 0;
		if (s >= (long)m->nvisible)
			s = (long)m->nvisible - 1;
		m->sel = (size_t)s;
		clamp_selection(m);
		return m->sel == before ? REACT_NONE : selection_changed(m);
	}
}

/* Ask for t's chain (again). fresh: bypass every cache. */
static unsigned
want_assume(struct model *m, struct ui_target *u, bool fresh, time_t now)
{
	if (u->t->error) {
		model_set_status(m, STATUS_ERROR, now, "%s: %s", u->t->name,
		                 u->t->error);
		return REACT_REDRAW;
	}
	if (u->state == UI_PENDING || u->refreshing)
		return REACT_NONE;
	u->want_assume = true;
	u->want_fresh = u->want_fresh || fresh;
	if (u->clusters_state != UI_IDLE || m->focus == FOCUS_CLUSTERS)
		u->want_clusters = true;
	return REACT_REDRAW | REACT_WORK;
}

/* A request, after the confirmation the target may ask for. */
static unsigned
request(struct model *m, enum ui_request_kind kind, time_t now)
{
	struct ui_target *u = model_selected(m);
	struct ui_request r = {kind, 0, -1};
	static const char *const verbs[] = {
	    "", "open a shell", "write a kubeconfig", "print its env"};

	if (u == NULL)
		return REACT_NONE;
	r.target = (size_t)(u - m->targets);
	if (u->state != UI_READY) {
		model_set_status(m, STATUS_ERROR, now,
		                 "%s is not assumed yet: press a, then try "
		                 "again",
		                 u->t->name);
		return REACT_REDRAW;
	}
	if (u->nclusters)
		r.cluster =
		    (ssize_t)(m->cluster_sel < u->nclusters ? m->cluster_sel
		                                            : 0);
	if (kind == REQ_KUBECONFIG && r.cluster < 0) {
		model_set_status(m, STATUS_ERROR, now,
		                 "%s has no cluster to write a kubeconfig for",
		                 u->t->name);
		return REACT_REDRAW;
	}
	if (u->t->confirm && kind != REQ_QUIT_ENV) {
		m->confirm = r;
		m->confirm_input[0] = '\0';
		m->confirm_cluster[0] = m->confirm_region[0] = '\0';
		if (r.cluster >= 0) {
			const struct eks_cluster *k = &u->clusters[r.cluster];

			snprintf(m->confirm_cluster, sizeof m->confirm_cluster,
			         "%s", k->name ? k->name : "");
			snprintf(m->confirm_region, sizeof m->confirm_region,
			         "%s", k->region ? k->region : "");
		}
		m->screen = SCREEN_CONFIRM;
		model_set_status(m, STATUS_INFO, now,
		                 "%s: type its name or y to %s", u->t->name,
		                 verbs[kind]);
		return REACT_REDRAW;
	}
	m->request = r;
	if (kind == REQ_SHELL)
		return REACT_REDRAW | REACT_WORK | REACT_SUSPEND;
	if (kind == REQ_QUIT_ENV)
		return REACT_WORK | REACT_QUIT;
	return REACT_REDRAW | REACT_WORK;
}

static unsigned
apply(struct model *m, enum action a, time_t now)
{
	struct ui_target *u = model_selected(m);
	long page = m->page_rows > 1 ? m->page_rows : 1;

	switch (a) {
	case ACTION_DOWN:
		return move(m, 1);
	case ACTION_UP:
		return move(m, -1);
	case ACTION_PAGE_DOWN:
		return move(m, page);
	case ACTION_PAGE_UP:
		return move(m, -page);
	case ACTION_TOP:
		return move(m, -(long)(m->nvisible + 1000000));
	case ACTION_BOTTOM:
		return move(m, (long)(m->nvisible + 1000000));
	case ACTION_FOCUS:
		if (m->focus == FOCUS_CLUSTERS || u == NULL || !u->nclusters) {
			m->focus = FOCUS_TARGETS;
		} else {
			m->focus = FOCUS_CLUSTERS;
		}
		return REACT_REDRAW;
	case ACTION_ASSUME:
		return u ? want_assume(m, u, false, now) : REACT_NONE;
	case ACTION_REFRESH:
		if (u == NULL)
			return REACT_NONE;
		if (u->t->error == NULL) {
			u->want_clusters = true;
			u->announce = true;
		}
		return want_assume(m, u, true, now);
	case ACTION_CLUSTERS_ALL: {
		size_t n = 0;

		for (size_t i = 0; i < m->ntargets; i++)
			if (m->targets[i].t->error == NULL &&
			    m->targets[i].clusters_state != UI_PENDING) {
				m->targets[i].want_clusters = true;
				n++;
			}
		model_set_status(m, STATUS_INFO, now,
		                 "discovering the clusters of %zu targets", n);
	}
		return REACT_REDRAW | REACT_WORK;
	case ACTION_SHELL:
		return request(m, REQ_SHELL, now);
	case ACTION_KUBECONFIG:
		return request(m, REQ_KUBECONFIG, now);
	case ACTION_FILTER:
		m->filtering = true;
		return REACT_REDRAW;
	case ACTION_HELP:
		m->screen = SCREEN_HELP;
		return REACT_REDRAW;
	case ACTION_REDRAW:
		return REACT_REDRAW | REACT_REPAINT;
	case ACTION_QUIT:
		return REACT_QUIT;
	case ACTION_QUIT_ENV:
		return request(m, REQ_QUIT_ENV, now);
	default:
		return REACT_NONE;
	}
}

/* Typing into a line (the filter or the confirmation). */
static bool
edit_line(char *line, size_t size, int key)
{
	size_t n = strlen(line);

	if (key == ACTION_KEY_BACKSPACE || key == 0x7f || key == 0x08) {
		/* Remove one UTF-8 character. */
		while (n > 0 && ((unsigned char)line[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0)
			n--;
		line[n] = '\0';
		return true;
	}
	if (key >= 0x20 && key < 0x110000 && key != 0x7f) {
		char enc[5] = {0};
		size_t len;

		if (key < 0x80) {
			enc[0] = (char)key;
		} else if (key < 0x800) {
			enc[0] = (char)(0xc0 | (key >> 6));
			enc[1] = (char)(0x80 | (key & 0x3f));
		} else if (key < 0x10000) {
			enc[0] = (char)(0xe0 | (key >> 12));
			enc[1] = (char)(0x80 | ((key >> 6) & 0x3f));
			enc[2] = (char)(0x80 | (key & 0x3f));
		} else {
			enc[0] = (char)(0xf0 | (key >> 18));
			enc[1] = (char)(0x80 | ((key >> 12) & 0x3f));
			enc[2] = (char)(0x80 | ((key >> 6) & 0x3f));
			enc[3] = (char)(0x80 | (key & 0x3f));
		}
		len = strlen(enc);
		if (n + len < size) {
			memcpy(line + n, enc, len + 1);
			return true;
		}
	}
	return false;
}

static unsigned
filter_key(struct model *m, int key)
{
	switch (key) {
	case ACTION_KEY_ESCAPE:
		m->filter[0] = '\0';
		m->filtering = false;
		apply_filter(m);
		return REACT_REDRAW | selection_changed(m);
	case ACTION_KEY_ENTER:
		m->filtering = false;
		return REACT_REDRAW;
	case ACTION_KEY_UP:
	case ACTION_KEY_DOWN:
		return move(m, key == ACTION_KEY_UP ? -1 : 1);
	default:
		if (edit_line(m->filter, sizeof m->filter, key)) {
			size_t before = selected_index(m);

			apply_filter(m);
			return REACT_REDRAW | (selected_index(m) != before
			                           ? selection_changed(m)
			                           : 0);
		}
		return REACT_NONE;
	}
}

static unsigned
confirm_key(struct model *m, int key, time_t now)
{
	struct ui_target *u = &m->targets[m->confirm.target];

	if (key == ACTION_KEY_ESCAPE) {
		m->screen = SCREEN_MAIN;
		model_set_status(m, STATUS_INFO, now, "cancelled");
		return REACT_REDRAW;
	}
	if (key != ACTION_KEY_ENTER) {
		edit_line(m->confirm_input, sizeof m->confirm_input, key);
		return REACT_REDRAW;
	}
	m->screen = SCREEN_MAIN;
	if (strcmp(m->confirm_input, u->t->name) != 0 &&
	    strcasecmp(m->confirm_input, "y") != 0 &&
	    strcasecmp(m->confirm_input, "yes") != 0) {
		model_set_status(m, STATUS_ERROR, now,
		                 "not confirmed: nothing done for %s",
		                 u->t->name);
		return REACT_REDRAW;
	}
	/* While the name was typed, a refresh may have failed or the
	 * clusters changed: act only on what was confirmed. */
	if (u->state != UI_READY) {
		model_set_status(m, STATUS_ERROR, now,
		                 "%s is no longer ready: nothing done",
		                 u->t->name);
		return REACT_REDRAW;
	}
	if (m->confirm.cluster >= 0) {
		ssize_t found = -1;

		for (size_t i = 0; i < u->nclusters; i++)
			if (u->clusters[i].name && u->clusters[i].region &&
			    strcmp(u->clusters[i].name, m->confirm_cluster) ==
			        0 &&
			    strcmp(u->clusters[i].region, m->confirm_region) ==
			        0)
				found = (ssize_t)i;
		if (found < 0) {
			model_set_status(m, STATUS_ERROR, now,
			                 "the clusters of %s changed: nothing "
			                 "done",
			                 u->t->name);
			return REACT_REDRAW;
		}
		m->confirm.cluster = found;
	}
	m->request = m->confirm;
	return REACT_REDRAW | REACT_WORK |
	       (m->request.kind == REQ_SHELL ? REACT_SUSPEND : 0);
}

unsigned
model_key(struct model *m, int key, time_t now)
{
	m->now = now;
	if (key == ACTION_KEY_RESIZE)
		return REACT_REDRAW;
	if (m->screen == SCREEN_HELP) {
		m->screen = SCREEN_MAIN;
		return REACT_REDRAW;
	}
	if (m->screen == SCREEN_CONFIRM)
		return confirm_key(m, key, now);
	if (m->filtering)
		return filter_key(m, key);
	if (key == ACTION_KEY_ESCAPE && m->filter[0]) {
		m->filter[0] = '\0';
		apply_filter(m);
		return REACT_REDRAW | selection_changed(m);
	}
	return apply(m, action_for_key(key), now);
}

/* How long before e to refresh u: MODEL_REFRESH_MARGIN, or half the
 * credentials' life when they are shorter than twice that (else
 * credentials born with less than the margin would be refreshed again and
 * again). */
static time_t
refresh_margin(const struct ui_target *u, time_t e)
{
	time_t half = u->assumed_at && e > u->assumed_at
	                  ? (e - u->assumed_at) / 2
	                  : MODEL_REFRESH_MARGIN;

	return half < MODEL_REFRESH_MARGIN ? half : MODEL_REFRESH_MARGIN;
}

unsigned
model_tick(struct model *m, time_t now)
{
	unsigned r = REACT_NONE;

	m->now = now;

	if (model_busy(m)) {
		m->spinner++;
		r |= REACT_REDRAW;
	}
	for (size_t i = 0; i < m->ntargets; i++) {
		struct ui_target *u = &m->targets[i];
		time_t e = model_expiry(u);

		if (u->state != UI_READY || u->refreshing || u->want_assume ||
		    e == 0 || e - now > refresh_margin(u, e))
			continue;
		if (u->foreground) {
			/* Not behind the operator's back: say so, once. */
			if (!u->announce) {
				u->announce = true;
				model_set_status(m, STATUS_INFO, now,
				                 "%s expires soon: press a to "
				                 "assume it again",
				                 u->t->name);
				r |= REACT_REDRAW;
			}
			continue;
		}
		/* Before the credentials expire: assume again. The old
		 * state stays on screen until the new one arrives. */
		u->want_assume = true;
		u->announce = true;
		model_set_status(m, STATUS_INFO, now,
		                 "refreshing %s: its credentials expire soon",
		                 u->t->name);
		r |= REACT_REDRAW | REACT_WORK;
	}
	return r;
}

void
model_on_assume_start(struct model *m, struct ui_target *u)
{
	(void)m;
	u->want_assume = false;
	u->want_fresh = false;
	if (u->state == UI_READY) {
		u->refreshing = true;
		return;
	}
	u->state = UI_PENDING;
	free(u->error);
	free(u->hint);
	u->error = u->hint = NULL;
	u->failed_hop = 0;
}

void
model_on_hop(struct ui_target *u, size_t hop, const struct creds *c,
             bool cached, bool skipped)
{
	struct ui_hop *h;

	if (hop >= u->t->nhops)
		return;
	h = &u->hops[hop];
	hop_clear(h);
	h->skipped = skipped;
	h->cached = cached;
	if (skipped || c == NULL) {
		h->state = skipped ? UI_READY : UI_IDLE;
		return;
	}
	h->state = UI_READY;
	h->arn = xstrdup_or_null(c->arn);
	h->account = xstrdup_or_null(c->account);
	h->expiration = c->expiration;
}

void
model_on_assumed(struct model *m, struct ui_target *u,
                 const struct creds *final, time_t now)
{
	bool was_refresh = u->refreshing;

	u->state = UI_READY;
	u->refreshing = false;
	u->assumed_at = now;
	creds_done(&u->creds);
	creds_copy(&u->creds, final);
	if (u->identity_state == UI_IDLE)
		u->identity_state = UI_PENDING;
	if (was_refresh && u->announce)
		model_set_status(m, STATUS_OK, now, "%s refreshed", u->t->name);
	u->announce = false;
}

void
model_on_assume_failed(struct model *m, struct ui_target *u, size_t failed_hop,
                       const char *error, const char *hint, time_t now)
{
	u->refreshing = false;
	u->announce = false;
	u->state = UI_FAILED;
	u->failed_hop = failed_hop;
	free(u->error);
	free(u->hint);
	u->error = xstrdup(error);
	u->hint = hint && *hint ? xstrdup(hint) : NULL;
	creds_done(&u->creds);
	creds_init(&u->creds);
	if (failed_hop > 0 && failed_hop <= u->t->nhops) {
		hop_clear(&u->hops[failed_hop - 1]);
		u->hops[failed_hop - 1].state = UI_FAILED;
	}
	model_set_status(m, STATUS_ERROR, now, "%s", error);
}

void
model_on_identity(struct ui_target *u, const char *arn, const char *account,
                  bool ok)
{
	free(u->identity_arn);
	free(u->identity_account);
	u->identity_arn = xstrdup_or_null(arn);
	u->identity_account = xstrdup_or_null(account);
	u->identity_state = ok ? UI_READY : UI_FAILED;
}

void
model_on_clusters(struct model *m, struct ui_target *u,
                  const struct eks_cluster *c, size_t n,
                  const struct ui_cluster_error *errs, size_t nerrors)
{
	clusters_clear(u);
	u->clusters = xcalloc(n + 1, sizeof *u->clusters);
	for (size_t i = 0; i < n; i++) {
		eks_cluster_copy(&u->clusters[i], &c[i]);
		/* Not kept: 1-2 KB a cluster, needed only to write a
		 * kubeconfig, when the driver describes the cluster again. */
		free(u->clusters[i].ca_data);
		u->clusters[i].ca_data = NULL;
	}
	u->nclusters = n;
	u->cluster_errors = xcalloc(nerrors + 1, sizeof *u->cluster_errors);
	for (size_t i = 0; i < nerrors; i++) {
		u->cluster_errors[i].region = xstrdup_or_null(errs[i].region);
		u->cluster_errors[i].code = xstrdup_or_null(errs[i].code);
		u->cluster_errors[i].message = xstrdup_or_null(errs[i].message);
	}
	u->ncluster_errors = nerrors;
	u->clusters_state = nerrors && n == 0 ? UI_FAILED : UI_READY;
	if (u == model_selected(m) && m->cluster_sel >= n)
		m->cluster_sel = n ? n - 1 : 0;
	if (n == 0 && u == model_selected(m))
		m->focus = FOCUS_TARGETS;
}
