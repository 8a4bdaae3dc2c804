/*
 * view - the dispatcher, the "terminal too small" notice and the helpers
 * every screen shares (layout, countdowns, accounts, wrapping).
 *
 * The view never changes the model: it reads its fields and the const
 * queries of model.h.
 */
#include "config.h"

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sts.h"
#include "view_int.h"
#include "xalloc.h"

static const struct view_glyphs glyphs_utf8 = {
    .hline = "\u2500",
    .vline = "\u2502",
    .tl = "\u250c",
    .tr = "\u2510",
    .bl = "\u2514",
    .br = "\u2518",
    .marker = "\u25b6",
    .branch = "\u2514\u2500",
    .dots = "\u2026",
    .cursor = "\u2588",
};

static const struct view_glyphs glyphs_ascii = {
    .hline = "-",
    .vline = "|",
    .tl = "+",
    .tr = "+",
    .bl = "+",
    .br = "+",
    .marker = ">",
    .branch = "`-",
    .dots = "...",
    .cursor = "_",
};

static const char *const spinner_utf8[] = {
    "\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
    "\u2834", "\u2826", "\u2827", "\u2807", "\u280f",
};
static const char *const spinner_ascii[] = {"|", "/", "-", "\\"};

const struct view_glyphs *
view_glyphs(const struct model *m)
{
	return m->utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

const struct ui_target *
view_selected(const struct model *m)
{
	size_t i;

	if (m->visible == NULL || m->sel >= m->nvisible)
		return NULL;
	i = m->visible[m->sel];
	return i < m->ntargets ? &m->targets[i] : NULL;
}

const char *
view_spinner(const struct model *m)
{
	if (m->utf8)
		return spinner_utf8[m->spinner % (sizeof(spinner_utf8) /
		                                  sizeof(spinner_utf8[0]))];
	return spinner_ascii[m->spinner % (sizeof(spinner_ascii) /
	                                   sizeof(spinner_ascii[0]))];
}

bool
view_filter_shown(const struct model *m)
{
	return m->filtering || m->filter[0] != '\0';
}

void
view_layout(const struct model *m, int rows, int cols, struct view_layout *l)
{
	int row = 1;
	size_t want = m->nvisible > 0 ? m->nvisible : 1;

	(void)cols;
	l->filter_row = view_filter_shown(m) ? row++ : -1;
	l->header_row = row++;
	l->list_row = row;
	/* The list takes about a third of the screen at most. */
	l->list_cap = rows / 3 > 1 ? rows / 3 : 1;
	l->list_rows = want < (size_t)l->list_cap ? (int)want : l->list_cap;
	l->rule_row = l->list_row + l->list_rows;
	l->detail_row = l->rule_row + 1;
	l->keys_row = rows - 1;
	l->status_row = rows - 2;
	l->detail_rows = l->status_row - l->detail_row;
	if (l->detail_rows < 0)
		l->detail_rows = 0;
}

enum style
view_countdown(time_t expiration, time_t now, char *buf, size_t len)
{
	long left;

	if (expiration == 0) {
		snprintf(buf, len, "-");
		return STYLE_DIM;
	}
	left = (long)(expiration - now);
	if (left <= 0) {
		snprintf(buf, len, "expired");
		return STYLE_EXPIRED;
	}
	if (left < 3600)
		snprintf(buf, len, "%02ld:%02ld", left / 60, left % 60);
	else if (left < 100L * 3600)
		snprintf(buf, len, "%ldh%02ldm", left / 3600,
		         (left % 3600) / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", left / 86400,
		         (left % 86400) / 3600);
	if (left < MODEL_CRIT_SECONDS)
		return STYLE_CRIT;
	if (left < MODEL_WARN_SECONDS)
		return STYLE_WARN;
	return STYLE_OK;
}

const char *
view_account(const struct ui_target *ut, char *buf, size_t len)
{
	const struct target *t = ut->t;

	if (ut->identity_account != NULL && *ut->identity_account != '\0')
		return ut->identity_account;
	if (ut->creds.account != NULL && *ut->creds.account != '\0')
		return ut->creds.account;
	if (t == NULL || t->nhops == 0)
		return "-";
	if (ut->hops != NULL && ut->hops[t->nhops - 1].account != NULL &&
	    *ut->hops[t->nhops - 1].account != '\0')
		return ut->hops[t->nhops - 1].account;
	if (len >= 13 &&
	    sts_arn_account(t->hops[t->nhops - 1].role_arn, buf) == 0)
		return buf;
	return "-";
}

const char *
view_action_key(enum action a, char *buf, size_t len)
{
	const char *keys, *comma;
	size_t n;

	if ((int)a <= ACTION_NONE || a >= ACTION_COUNT)
		return "";
	keys = action_info(a)->keys;
	if (keys == NULL)
		return "";
	comma = strchr(keys, ',');
	n = comma != NULL ? (size_t)(comma - keys) : strlen(keys);
	if (n >= len)
		n = len - 1;
	memcpy(buf, keys, n);
	buf[n] = '\0';
	return buf;
}

int
view_wrap(struct view *v, int row, int col, int width, int maxlines,
          enum style style, const char *text)
{
	int lines = 0;

	if (text == NULL || width <= 0)
		return 0;
	while (lines < maxlines && *text != '\0') {
		size_t n, cut;
		char *part;

		while (*text == ' ')
			text++;
		if (*text == '\0')
			break;
		if (lines == maxlines - 1 ||
		    frame_text_width(v->f, text) <= width) {
			frame_put_fit(v->f, row + lines, col, width, style,
			              text);
			lines++;
			break;
		}
		n = frame_text_fit(v->f, text, width, NULL);
		if (n == 0)
			break;
		/* Break at the last space that fits, if there is one. */
		for (cut = n; cut > 0 && text[cut] != ' '; cut--)
			;
		if (cut == 0)
			cut = n;
		part = xstrndup(text, cut);
		frame_put(v->f, row + lines, col, style, part);
		free(part);
		text += cut;
		lines++;
	}
	return lines;
}

int
view_put_if(struct view *v, int row, int col, int limit, enum style style,
            const char *text)
{
	if (col + frame_text_width(v->f, text) > limit)
		return col;
	return frame_put(v->f, row, col, style, text);
}

/* Centre a notice on a screen too small for anything else. */
static void
view_too_small(struct view *v)
{
	char need[64], now[64], one[128];
	const char *lines[2];
	int n, i, top;

	snprintf(need, sizeof(need), "rolehop needs at least %dx%d",
	         VIEW_MIN_COLS, VIEW_MIN_ROWS);
	snprintf(now, sizeof(now), "(now %dx%d)", v->cols, v->rows);
	snprintf(one, sizeof(one), "%s %s", need, now);
	if ((int)strlen(one) <= v->cols) {
		lines[0] = one;
		n = 1;
	} else {
		lines[0] = need;
		lines[1] = now;
		n = v->rows >= 2 ? 2 : 1;
	}
	top = (v->rows - n) / 2;
	for (i = 0; i < n; i++) {
		int w = frame_text_width(v->f, lines[i]);
		int col = w < v->cols ? (v->cols - w) / 2 : 0;

		frame_put_fit(v->f, top + i, col, v->cols - col,
		              i == 0 ? STYLE_WARN : STYLE_DIM, lines[i]);
	}
}

void
view_build(const struct model *m, time_t now, int rows, int cols,
           struct frame *f)
{
	struct view v;

	frame_reset(f, rows, cols);
	f->ascii = !m->utf8;
	v.m = m;
	v.f = f;
	v.now = now;
	v.rows = f->rows;
	v.cols = f->cols;
	if (v.cols < VIEW_MIN_COLS || v.rows < VIEW_MIN_ROWS) {
		view_too_small(&v);
		return;
	}
	switch (m->screen) {
	case SCREEN_HELP:
		view_help(&v);
		break;
	case SCREEN_CONFIRM:
		view_main(&v);
		view_confirm(&v);
		break;
	case SCREEN_MAIN:
	default:
		view_main(&v);
		break;
	}
}

int
view_page_rows(int rows, int cols, const struct model *m)
{
	struct view_layout l;

	if (cols < VIEW_MIN_COLS || rows < VIEW_MIN_ROWS)
		return 1;
	view_layout(m, rows, cols, &l);
	return l.list_cap;
}
