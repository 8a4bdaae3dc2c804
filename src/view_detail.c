/*
 * view_detail - the pane under the targets list: the selected target's
 * chain hop by hop (kind, role, the identity it became, its own
 * countdown; the error and hint on the hop that failed), its caller
 * identity, then its clusters (view_clusters.c).
 *
 * When the pane is short the chain is compacted to one line per hop; when
 * the clusters have the focus and even that does not fit, the chain gives
 * way to them. Long values are cut (ARNs in the middle, keeping the role
 * name), never wrapped into other columns; only error text wraps, within
 * its own column.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_int.h"
#include "xalloc.h"

#define EXPIRES_W 7

struct hop_cols {
	int num, kind, kind_w, what, what_w, tag, tag_w, exp;
};

int
view_pane_line(struct view_pane *p)
{
	int r = p->row++;

	return !p->dry && r < p->end ? r : -1;
}

int
view_pane_left(const struct view_pane *p)
{
	return p->dry ? 1000 : p->end - p->row;
}

static void
pane_wrap(struct view_pane *p, int col, int width, int maxlines, enum style st,
          const char *text)
{
	int left = view_pane_left(p);

	if (maxlines > left)
		maxlines = left;
	if (maxlines <= 0)
		return;
	p->row += view_wrap(p->v, p->dry ? -10000 : p->row, col, width,
	                    maxlines, st, text);
}

/* An ARN in width columns: whole; else without "arn:aws:iam::"; else
 * just the resource ("role/name"), cut in the middle if need be. */
static void
put_arn(struct view *v, int row, int col, int width, enum style st,
        const char *arn)
{
	const char *p = arn, *res;
	int colons = 0;

	if (arn == NULL || frame_text_width(v->f, arn) <= width ||
	    strncmp(arn, "arn:", 4) != 0) {
		frame_put_middle(v->f, row, col, width, st, arn);
		return;
	}
	while (*p != '\0' && colons < 4)
		if (*p++ == ':')
			colons++;
	if (*p != '\0' && frame_text_width(v->f, p) <= width) {
		frame_put_fit(v->f, row, col, width, st, p);
		return;
	}
	res = strchr(p, ':');
	frame_put_middle(v->f, row, col, width, st,
	                 res != NULL && res[1] != '\0' ? res + 1
	                 : *p != '\0'                  ? p
	                                               : arn);
}

/* "  label value" on the rule, if it fits before limit. */
static int
rule_part(struct view *v, int row, int col, int limit, const char *label,
          enum style st, const char *value)
{
	int w;

	if (value == NULL)
		return col;
	w = 2 + frame_text_width(v->f, value) +
	    (label != NULL ? frame_text_width(v->f, label) + 1 : 0);
	if (col + w > limit)
		return col;
	col = frame_put(v->f, row, col, STYLE_NORMAL, "  ");
	if (label != NULL) {
		col = frame_put(v->f, row, col, STYLE_DIM, label);
		col = frame_put(v->f, row, col, STYLE_NORMAL, " ");
	}
	return frame_put(v->f, row, col, st, value);
}

/* The rule above the pane, titled with the target; at its right end,
 * where the selection is when the list scrolls ("28/30"). */
static void
rule_draw(struct view *v, const struct view_layout *l,
          const struct ui_target *ut)
{
	const struct model *m = v->m;
	const struct target *t = ut != NULL ? ut->t : NULL;
	int row = l->rule_row, limit = v->cols - 3, col, w;
	enum style st;
	char pos[64];

	frame_fill(v->f, row, 0, v->cols, STYLE_RULE, view_glyphs(m)->hline);
	if (m->nvisible > (size_t)l->list_rows) {
		snprintf(pos, sizeof(pos), " %zu/%zu ", m->sel + 1,
		         m->nvisible);
		w = frame_text_width(v->f, pos);
		limit = v->cols - 2 - w;
		frame_put(v->f, row, limit, STYLE_DIM, pos);
		limit -= 1;
	}
	if (t == NULL)
		return;
	st = theme_danger_style(t->color);
	if (st == STYLE_NORMAL)
		st = STYLE_HEADER;
	col = frame_put(v->f, row, 2, STYLE_NORMAL, " ");
	w = frame_text_width(v->f, t->name);
	col = frame_put_fit(v->f, row, col, w < limit - col ? w : limit - col,
	                    st, t->name);
	if (strcmp(target_source_name(t->source), t->name) != 0)
		col = rule_part(v, row, col, limit, NULL, STYLE_DIM,
		                target_source_name(t->source));
	col =
	    rule_part(v, row, col, limit, "profile", STYLE_NORMAL, t->profile);
	col = rule_part(v, row, col, limit, "region", STYLE_NORMAL, t->region);
	if (t->confirm)
		col =
		    rule_part(v, row, col, limit, NULL, STYLE_WARN, "confirm");
	frame_put(v->f, row, col, STYLE_NORMAL, " ");
}

/* The kind of a hop, shortened for narrow terminals. */
static const char *
hop_kind(const struct hop_cols *c, enum hop_kind k)
{
	if (c->kind_w >= 12)
		return hop_kind_name(k);
	switch (k) {
	case HOP_WEB_IDENTITY:
		return "web-id";
	case HOP_ASSUME_ROLE:
		return "assume";
	case HOP_CONTAINER:
		return "contnr";
	default:
		return hop_kind_name(k);
	}
}

/* What a hop without a role stands for. */
static const char *
hop_what(const struct hop *h, char *buf, size_t len)
{
	const char *prof = h->profile != NULL ? h->profile : "?";

	switch (h->kind) {
	case HOP_STATIC:
		snprintf(buf, len, "keys of profile %s", prof);
		return buf;
	case HOP_PROCESS:
		snprintf(buf, len, "credential_process of profile %s", prof);
		return buf;
	case HOP_ENV:
		return "environment keys";
	case HOP_CONTAINER:
		return "container credentials";
	case HOP_IMDS:
		return "instance metadata";
	case HOP_WEB_IDENTITY:
	case HOP_ASSUME_ROLE:
	default:
		return "?";
	}
}

/* Hop columns: number, kind, what it assumes (as wide as the longest,
 * within the screen), a tag column only when some hop is cached or
 * skipped, and the countdown. */
static void
hop_columns(struct view *v, const struct ui_target *ut, struct hop_cols *c)
{
	const struct target *t = ut->t;
	bool wide = v->cols >= 64, tags = false;
	int natural = 16, room;
	char buf[128];
	size_t i;

	for (i = 0; i < t->nhops; i++) {
		const struct hop *h = &t->hops[i];
		int w = frame_text_width(
		    v->f, h->role_arn != NULL ? h->role_arn
		                              : hop_what(h, buf, sizeof(buf)));

		if (w > natural)
			natural = w;
		if (ut->hops != NULL &&
		    (ut->hops[i].cached || ut->hops[i].skipped))
			tags = true;
	}
	c->num = 1;
	c->kind = 4;
	c->kind_w = wide ? 12 : 7;
	c->what = c->kind + c->kind_w + 2;
	c->tag_w = wide && tags ? 7 : 0;
	room = v->cols - 1 - EXPIRES_W - 2 - (c->tag_w > 0 ? c->tag_w + 2 : 0) -
	       c->what;
	c->what_w = natural < room ? natural : room;
	c->tag = c->what + c->what_w + 2;
	c->exp = c->tag + (c->tag_w > 0 ? c->tag_w + 2 : 0);
}

/* The right-hand cells of a hop line: a tag and its own countdown. */
static void
hop_state(struct view_pane *p, int row, const struct hop_cols *c,
          const struct ui_target *ut, size_t i)
{
	struct view *v = p->v;
	const struct ui_hop *uh = ut->hops != NULL ? &ut->hops[i] : NULL;
	char buf[32];
	enum style st;

	if (c->tag_w > 0 && uh != NULL && (uh->skipped || uh->cached))
		frame_put_fit(v->f, row, c->tag, c->tag_w, STYLE_DIM,
		              uh->skipped ? "skipped" : "cached");
	if (ut->failed_hop == i + 1 || (uh != NULL && uh->state == UI_FAILED)) {
		frame_put_right(v->f, row, c->exp, EXPIRES_W, STYLE_ERROR,
		                "failed");
		return;
	}
	if (uh == NULL || uh->state == UI_IDLE || uh->skipped) {
		frame_put_right(v->f, row, c->exp, EXPIRES_W, STYLE_DIM, "-");
		return;
	}
	if (uh->state == UI_PENDING) {
		frame_put_right(v->f, row, c->exp, EXPIRES_W, STYLE_SPINNER,
		                view_spinner(v->m));
		return;
	}
	st = view_countdown(uh->expiration, v->now, buf, sizeof(buf));
	frame_put_right(v->f, row, c->exp, EXPIRES_W, st, buf);
}

/* An error and its hint, wrapped in the column from col. */
static void
error_lines(struct view_pane *p, int col, const char *error, const char *hint)
{
	int width = p->v->cols - 1 - col;
	char *text;

	if (error != NULL)
		pane_wrap(p, col, width, p->compact ? 1 : 3, STYLE_ERROR,
		          error);
	if (hint != NULL && !p->compact) {
		text = xasprintf("hint: %s", hint);
		pane_wrap(p, col, width, 2, STYLE_ERROR, text);
		free(text);
	}
}

/* A label in the kind column, then an error wrapped beside it. */
static void
labelled_error(struct view_pane *p, const struct hop_cols *c, const char *label,
               const char *error, const char *hint)
{
	if (!p->dry && p->row < p->end)
		frame_put(p->v->f, p->row, c->kind, STYLE_DIM, label);
	error_lines(p, c->what, error, hint);
}

static void
hop_draw(struct view_pane *p, const struct hop_cols *c,
         const struct ui_target *ut, size_t i)
{
	struct view *v = p->v;
	const struct hop *h = &ut->t->hops[i];
	const struct ui_hop *uh = ut->hops != NULL ? &ut->hops[i] : NULL;
	bool failed = ut->failed_hop == i + 1;
	char num[24], buf[128];
	int row = view_pane_line(p);

	if (row >= 0) {
		snprintf(num, sizeof(num), "%zu", i + 1);
		frame_put_right(v->f, row, c->num, 2, STYLE_DIM, num);
		frame_put_fit(v->f, row, c->kind, c->kind_w, STYLE_NORMAL,
		              hop_kind(c, h->kind));
		if (h->role_arn != NULL)
			put_arn(v, row, c->what, c->what_w, STYLE_NORMAL,
			        h->role_arn);
		else
			frame_put_fit(v->f, row, c->what, c->what_w,
			              STYLE_NORMAL,
			              hop_what(h, buf, sizeof(buf)));
		hop_state(p, row, c, ut, i);
	}
	if (!p->compact && !failed && uh != NULL && uh->arn != NULL &&
	    (row = view_pane_line(p)) >= 0) {
		frame_put(v->f, row, c->what - 3, STYLE_DIM,
		          view_glyphs(v->m)->branch);
		put_arn(v, row, c->what, v->cols - 1 - c->what, STYLE_NORMAL,
		        uh->arn);
	}
	if (failed)
		error_lines(p, c->what, ut->error, ut->hint);
}

/* "identity  ARN (account)", or where the lookup stands. */
static void
identity_draw(struct view_pane *p, const struct hop_cols *c,
              const struct ui_target *ut)
{
	struct view *v = p->v;
	int row, width = v->cols - 1 - c->what, aw;
	char buf[64];

	if (ut->identity_state == UI_IDLE ||
	    (ut->identity_state == UI_READY && ut->identity_arn == NULL))
		return;
	if ((row = view_pane_line(p)) < 0)
		return;
	frame_put(v->f, row, c->kind, STYLE_DIM, "identity");
	switch (ut->identity_state) {
	case UI_PENDING:
		snprintf(buf, sizeof(buf), "%s checking", view_spinner(v->m));
		frame_put_fit(v->f, row, c->what, width, STYLE_SPINNER, buf);
		break;
	case UI_FAILED:
		frame_put_fit(v->f, row, c->what, width, STYLE_ERROR,
		              "unknown: GetCallerIdentity failed");
		break;
	default:
		/* The account after the ARN when both fit; the ARN holds it
		 * anyway. */
		snprintf(buf, sizeof(buf), " (%s)",
		         ut->identity_account != NULL ? ut->identity_account
		                                      : "");
		aw = frame_text_width(v->f, buf);
		if (ut->identity_account != NULL &&
		    frame_text_width(v->f, ut->identity_arn) + aw <= width) {
			int end = frame_put(v->f, row, c->what, STYLE_NORMAL,
			                    ut->identity_arn);

			frame_put(v->f, row, end, STYLE_DIM, buf);
		} else {
			put_arn(v, row, c->what, width, STYLE_NORMAL,
			        ut->identity_arn);
		}
		break;
	}
}

/* The chain, the identity and a chain-wide error. */
static void
chain_draw(struct view_pane *p, const struct hop_cols *c,
           const struct ui_target *ut)
{
	const struct target *t = ut->t;
	size_t i;

	if (t->nhops == 0) {
		labelled_error(p, c, "chain",
		               t->error != NULL ? t->error : "no hops",
		               t->error_hint);
		return;
	}
	for (i = 0; i < t->nhops; i++)
		hop_draw(p, c, ut, i);
	if (ut->state == UI_FAILED && ut->error != NULL &&
	    (ut->failed_hop == 0 || ut->failed_hop > t->nhops)) {
		labelled_error(p, c, "error", ut->error, ut->hint);
	}
	identity_draw(p, c, ut);
}

/* Lines the chain takes. */
static int
chain_height(struct view *v, const struct hop_cols *c,
             const struct ui_target *ut, bool compact)
{
	struct view_pane p = {v, 0, 0, true, compact};

	chain_draw(&p, c, ut);
	return p.row;
}

void
view_detail(struct view *v, const struct view_layout *l)
{
	const struct ui_target *ut = view_selected(v->m);
	struct view_pane p = {v, l->detail_row, l->detail_row + l->detail_rows,
	                      false, false};
	struct hop_cols c;
	int want;
	size_t items;

	rule_draw(v, l, ut);
	if (ut == NULL || ut->t == NULL || l->detail_rows <= 0)
		return;
	hop_columns(v, ut, &c);
	items = ut->nclusters + ut->ncluster_errors;
	want = items == 0 ? 1 : 1 + (items < 3 ? (int)items : 3);
	if (chain_height(v, &c, ut, false) + want > l->detail_rows)
		p.compact = true;
	if (!(v->m->focus == FOCUS_CLUSTERS && items > 0 &&
	      chain_height(v, &c, ut, true) + want > l->detail_rows))
		chain_draw(&p, &c, ut);
	view_clusters(&p, c.kind, c.what, ut);
}
