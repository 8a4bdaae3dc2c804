/*
 * view_main - the main screen: the title, the filter line, the targets
 * list, the detail pane (view_detail.c), a hint and the key bar.
 *
 * The list shows one row per visible target: a marker on the selected
 * row, the name in its danger colour, the account it ends in, the root of
 * its chain, the state and the countdown to the earliest expiry in the
 * chain. Columns are dropped from the right of the list's priority
 * (region, root, account) when the terminal is narrow; names are cut
 * with an ellipsis, never wrapped. The list scrolls to keep the
 * selection in view and takes about a third of the screen at most.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "view_int.h"

#define ACCOUNT_W 12
#define ROOT_W 12
#define STATE_W 12
#define EXPIRES_W 7
#define NAME_MIN 8
#define NAME_FIRST 16
#define REGION_MAX 14

/* Where the list's columns start (-1: not shown). */
struct list_cols {
	int name, name_w;
	int account, region, region_w, root, state, expires;
};

/* Columns for the width: name, state and countdown always; then account,
 * root, the name at its natural width and the region as room allows. */
static void
list_columns(struct view *v, struct list_cols *c)
{
	const struct model *m = v->m;
	int avail = v->cols - 4, need, natural = 4, region = 6, x;
	size_t i;

	for (i = 0; m->visible != NULL && i < m->nvisible; i++) {
		const struct target *t;
		int w;

		if (m->visible[i] >= m->ntargets)
			continue;
		t = m->targets[m->visible[i]].t;
		if (t == NULL)
			continue;
		if ((w = frame_text_width(v->f, t->name)) > natural)
			natural = w;
		if ((w = frame_text_width(v->f, t->region)) > region)
			region = w;
	}
	if (region > REGION_MAX)
		region = REGION_MAX;
	c->name_w = natural < NAME_FIRST ? natural : NAME_FIRST;
	need = c->name_w + 2 + STATE_W + 2 + EXPIRES_W;
	if (need > avail) {
		c->name_w -= need - avail;
		if (c->name_w < NAME_MIN)
			c->name_w = NAME_MIN;
		need = c->name_w + 2 + STATE_W + 2 + EXPIRES_W;
	}
	c->account = c->root = c->region = -1;
	if (need + 2 + ACCOUNT_W <= avail) {
		c->account = 0;
		need += 2 + ACCOUNT_W;
	}
	if (need + 2 + ROOT_W <= avail) {
		c->root = 0;
		need += 2 + ROOT_W;
	}
	if (natural > c->name_w) {
		int grow = natural - c->name_w;

		if (grow > avail - need)
			grow = avail - need > 0 ? avail - need : 0;
		c->name_w += grow;
		need += grow;
	}
	c->region_w = region;
	if (need + 2 + region <= avail)
		c->region = 0;
	/* Positions, left to right. */
	x = c->name = 3;
	x += c->name_w + 2;
	if (c->account == 0) {
		c->account = x;
		x += ACCOUNT_W + 2;
	}
	if (c->region == 0) {
		c->region = x;
		x += region + 2;
	}
	if (c->root == 0) {
		c->root = x;
		x += ROOT_W + 2;
	}
	c->state = x;
	c->expires = x + STATE_W + 2;
}

static void
list_header(struct view *v, const struct view_layout *l,
            const struct list_cols *c)
{
	int row = l->header_row;

	frame_put(v->f, row, c->name, STYLE_HEADER, "NAME");
	if (c->account >= 0)
		frame_put(v->f, row, c->account, STYLE_HEADER, "ACCOUNT");
	if (c->region >= 0)
		frame_put(v->f, row, c->region, STYLE_HEADER, "REGION");
	if (c->root >= 0)
		frame_put(v->f, row, c->root, STYLE_HEADER, "ROOT");
	frame_put(v->f, row, c->state, STYLE_HEADER, "STATE");
	frame_put_right(v->f, row, c->expires, EXPIRES_W, STYLE_HEADER,
	                "EXPIRES");
}

/* The STATE cell of a target. */
static enum style
target_state(const struct view *v, const struct ui_target *ut, char *buf,
             size_t len)
{
	const char *spin = view_spinner(v->m);

	if (ut->t != NULL && ut->t->nhops == 0 && ut->t->error != NULL) {
		snprintf(buf, len, "invalid");
		return STYLE_ERROR;
	}
	switch (ut->state) {
	case UI_PENDING:
		snprintf(buf, len, "%s assuming", spin);
		return STYLE_SPINNER;
	case UI_READY:
		if (ut->refreshing) {
			snprintf(buf, len, "%s refreshing", spin);
			return STYLE_SPINNER;
		}
		snprintf(buf, len, "ready");
		return STYLE_NORMAL;
	case UI_FAILED:
		snprintf(buf, len, "failed");
		return STYLE_ERROR;
	case UI_IDLE:
	default:
		snprintf(buf, len, "idle");
		return STYLE_DIM;
	}
}

static void
list_row(struct view *v, int row, const struct list_cols *c,
         const struct ui_target *ut, bool selected)
{
	const struct model *m = v->m;
	const struct target *t = ut->t;
	enum style base = STYLE_NORMAL, st;
	char buf[64], acct[32];
	const char *s;

	if (selected) {
		base = m->focus == FOCUS_CLUSTERS ? STYLE_SELECTED_IDLE
		                                  : STYLE_SELECTED;
		frame_fill(v->f, row, 0, v->cols, base, " ");
		frame_put(v->f, row, 1, base, view_glyphs(m)->marker);
	}
	st = selected    ? base
	     : t != NULL ? theme_danger_style(t->color)
	                 : STYLE_NORMAL;
	frame_put_fit(v->f, row, c->name, c->name_w, st,
	              t != NULL ? t->name : "?");
	if (c->account >= 0) {
		s = view_account(ut, acct, sizeof(acct));
		st = selected              ? base
		     : strcmp(s, "-") == 0 ? STYLE_DIM
		                           : STYLE_NORMAL;
		frame_put_fit(v->f, row, c->account, ACCOUNT_W, st, s);
	}
	if (c->region >= 0) {
		s = t != NULL && t->region != NULL ? t->region : "-";
		frame_put_fit(v->f, row, c->region, c->region_w,
		              selected ? base : STYLE_NORMAL, s);
	}
	if (c->root >= 0) {
		s = t != NULL && t->nhops > 0 ? hop_kind_name(t->hops[0].kind)
		                              : "-";
		frame_put_fit(v->f, row, c->root, ROOT_W,
		              selected ? base : STYLE_NORMAL, s);
	}
	st = target_state(v, ut, buf, sizeof(buf));
	frame_put_fit(v->f, row, c->state, STATE_W, selected ? base : st, buf);
	st = view_countdown(model_expiry(ut), v->now, buf, sizeof(buf));
	/* An urgent countdown keeps its colour on the selected row too. */
	if (selected && st != STYLE_WARN && st != STYLE_CRIT &&
	    st != STYLE_EXPIRED)
		st = base;
	frame_put_right(v->f, row, c->expires, EXPIRES_W, st, buf);
}

/* The first row shown: m->top, moved so that the selection is in view. */
static size_t
list_top(const struct model *m, int rows)
{
	size_t top = m->top, n = (size_t)rows;

	if (m->nvisible <= n)
		return 0;
	if (top > m->nvisible - n)
		top = m->nvisible - n;
	if (m->sel < top)
		top = m->sel;
	else if (m->sel >= top + n)
		top = m->sel - n + 1;
	return top;
}

static void
list_draw(struct view *v, const struct view_layout *l)
{
	const struct model *m = v->m;
	struct list_cols c;
	size_t top, i;
	int r;

	list_columns(v, &c);
	list_header(v, l, &c);
	if (m->nvisible == 0 || m->visible == NULL) {
		frame_put_fit(
		    v->f, l->list_row, c.name, v->cols - 1 - c.name, STYLE_DIM,
		    m->ntargets == 0 ? "no targets"
		                     : "no target matches the filter");
		return;
	}
	top = list_top(m, l->list_rows);
	for (r = 0; r < l->list_rows && top + (size_t)r < m->nvisible; r++) {
		i = m->visible[top + (size_t)r];
		if (i < m->ntargets)
			list_row(v, l->list_row + r, &c, &m->targets[i],
			         top + (size_t)r == m->sel);
	}
}

/* "/ text" and, while typing, a cursor (and what to type when empty). */
static void
filter_draw(struct view *v, int row)
{
	const struct model *m = v->m;
	int col;

	col = frame_put(v->f, row, 1, STYLE_KEY, "/");
	col = frame_put(v->f, row, col + 1, STYLE_INPUT, m->filter);
	if (!m->filtering) {
		frame_put(v->f, row, col + 2, STYLE_DIM, "Esc clears");
		return;
	}
	col = frame_put(v->f, row, col, STYLE_NORMAL, view_glyphs(m)->cursor);
	if (m->filter[0] == '\0')
		frame_put(v->f, row, col + 1, STYLE_DIM, "name or account");
}

/* What the status line suggests when there is no message. */
static const char *
main_hint(struct view *v, char *buf, size_t len)
{
	const struct model *m = v->m;
	const struct ui_target *ut = view_selected(m);
	char k1[16], k2[16];
	const char *name;

	if (m->ntargets == 0)
		return "no targets: add AWS profiles or rolehop targets "
		       "(see rolehop(1))";
	if (m->filtering)
		return "type to filter by name or account";
	if (ut == NULL)
		return "no target matches the filter";
	name = ut->t != NULL ? ut->t->name : "?";
	if (ut->t != NULL && ut->t->nhops == 0 && ut->t->error != NULL) {
		snprintf(buf, len, "%s cannot be resolved: fix the config",
		         name);
		return buf;
	}
	if (m->focus == FOCUS_CLUSTERS && ut->nclusters > 0) {
		snprintf(buf, len,
		         "%s opens a shell with this cluster, %s "
		         "writes its kubeconfig",
		         view_action_key(ACTION_SHELL, k1, sizeof(k1)),
		         view_action_key(ACTION_KUBECONFIG, k2, sizeof(k2)));
		return buf;
	}
	switch (ut->state) {
	case UI_IDLE:
		snprintf(buf, len, "%s assumes %s, %s opens a shell as it",
		         view_action_key(ACTION_ASSUME, k1, sizeof(k1)), name,
		         view_action_key(ACTION_SHELL, k2, sizeof(k2)));
		break;
	case UI_PENDING:
		snprintf(buf, len, "assuming %s%s", name, view_glyphs(m)->dots);
		break;
	case UI_FAILED:
		snprintf(buf, len, "%s tries %s again with fresh credentials",
		         view_action_key(ACTION_REFRESH, k1, sizeof(k1)), name);
		break;
	case UI_READY:
	default:
		if (ut->nclusters > 0)
			snprintf(buf, len,
			         "%s opens a shell as %s, %s selects a cluster",
			         view_action_key(ACTION_SHELL, k1, sizeof(k1)),
			         name,
			         view_action_key(ACTION_FOCUS, k2, sizeof(k2)));
		else
			snprintf(buf, len, "%s opens a shell as %s",
			         view_action_key(ACTION_SHELL, k1, sizeof(k1)),
			         name);
		break;
	}
	return buf;
}

static void
main_keys(struct view *v, int row)
{
	char k[9][16];
	struct view_key keys[] = {
	    {view_action_key(ACTION_SHELL, k[0], 16), "shell", 1},
	    {view_action_key(ACTION_ASSUME, k[1], 16), "assume", 6},
	    {view_action_key(ACTION_REFRESH, k[2], 16), "refresh", 4},
	    {view_action_key(ACTION_KUBECONFIG, k[3], 16), "kubeconfig", 3},
	    {view_action_key(ACTION_CLUSTERS_ALL, k[4], 16), "clusters", 5},
	    {view_action_key(ACTION_FOCUS, k[5], 16), "focus", 7},
	    {view_action_key(ACTION_FILTER, k[6], 16), "filter", 2},
	    {view_action_key(ACTION_HELP, k[7], 16), "help", 0},
	    {view_action_key(ACTION_QUIT, k[8], 16), "quit", 0},
	};
	static const struct view_key filtering[] = {
	    {"Enter", "done", 0},
	    {"Esc", "clear", 0},
	};

	if (v->m->filtering)
		view_keys(v, row, filtering,
		          sizeof(filtering) / sizeof(filtering[0]));
	else
		view_keys(v, row, keys, sizeof(keys) / sizeof(keys[0]));
}

void
view_main(struct view *v)
{
	const struct model *m = v->m;
	struct view_layout l;
	char what[64], hint[256];

	view_layout(m, v->rows, v->cols, &l);
	if (view_filter_shown(m))
		snprintf(what, sizeof(what), "%zu of %zu targets", m->nvisible,
		         m->ntargets);
	else
		snprintf(what, sizeof(what), "%zu target%s", m->ntargets,
		         m->ntargets == 1 ? "" : "s");
	view_title(v, what);
	if (l.filter_row >= 0)
		filter_draw(v, l.filter_row);
	list_draw(v, &l);
	view_detail(v, &l);
	view_status(v, l.status_row, main_hint(v, hint, sizeof(hint)));
	main_keys(v, l.keys_row);
}
