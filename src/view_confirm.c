/*
 * view_confirm - the prompt for a target marked `confirm: true`.
 *
 * Drawn over the main screen, which is dimmed behind it: a box in the
 * target's danger colour (red when it has none) saying what waits for the
 * answer, the text typed so far and the keys that answer. The model
 * decides what counts as yes (the name or "y"); this only shows it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "view_int.h"

#define BOX_MAX 64

/* What the confirmation is for: "open a shell", ... */
static void
confirm_what(const struct model *m, const struct ui_target *ut, char *buf,
             size_t len)
{
	const struct eks_cluster *cl = NULL;

	if (ut != NULL && m->confirm.cluster >= 0 &&
	    (size_t)m->confirm.cluster < ut->nclusters)
		cl = &ut->clusters[m->confirm.cluster];
	switch (m->confirm.kind) {
	case REQ_SHELL:
		if (cl != NULL)
			snprintf(buf, len, "open a shell with cluster %s",
			         cl->name);
		else
			snprintf(buf, len, "open a shell");
		break;
	case REQ_KUBECONFIG:
		snprintf(buf, len, "write a kubeconfig context for %s",
		         cl != NULL ? cl->name : "its cluster");
		break;
	case REQ_QUIT_ENV:
		snprintf(buf, len, "quit and print its credentials");
		break;
	case REQ_NONE:
	default:
		snprintf(buf, len, "go on");
		break;
	}
}

void
view_confirm(struct view *v)
{
	const struct model *m = v->m;
	const struct view_glyphs *g = view_glyphs(m);
	const struct ui_target *ut = NULL;
	const char *name = "?", *input;
	char what[256], msg[512];
	int bw, iw, x, y, h, lines, r, col, namew;
	enum style border;

	if (m->confirm.target < m->ntargets) {
		ut = &m->targets[m->confirm.target];
		if (ut->t != NULL)
			name = ut->t->name;
	}
	border = ut != NULL && ut->t != NULL ? theme_danger_style(ut->t->color)
	                                     : STYLE_NORMAL;
	if (border == STYLE_NORMAL)
		border = STYLE_DANGER_RED;
	confirm_what(m, ut, what, sizeof(what));
	snprintf(msg, sizeof(msg),
	         "%s is marked confirm: type its name or y to %s", name, what);
	/* Dim what is behind the box. */
	for (r = 0; r < v->rows; r++)
		frame_set_style(v->f, r, 0, v->cols, STYLE_DIM);
	bw = v->cols - 4 < BOX_MAX ? v->cols - 4 : BOX_MAX;
	iw = bw - 4;
	/* The message wraps to at most three lines. */
	lines = view_wrap(v, -10000, 0, iw, 3, STYLE_NORMAL, msg);
	h = lines + 6;
	x = (v->cols - bw) / 2;
	y = (v->rows - h) / 2;
	for (r = y; r < y + h; r++) {
		frame_fill(v->f, r, x, bw, STYLE_NORMAL, " ");
		frame_put(v->f, r, x, border, g->vline);
		frame_put(v->f, r, x + bw - 1, border, g->vline);
	}
	frame_put(v->f, y, x, border, g->tl);
	frame_fill(v->f, y, x + 1, bw - 2, border, g->hline);
	frame_put(v->f, y, x + bw - 1, border, g->tr);
	frame_put(v->f, y, x + 2, border, " confirm ");
	frame_put(v->f, y + h - 1, x, border, g->bl);
	frame_fill(v->f, y + h - 1, x + 1, bw - 2, border, g->hline);
	frame_put(v->f, y + h - 1, x + bw - 1, border, g->br);
	view_wrap(v, y + 1, x + 2, iw, 3, STYLE_NORMAL, msg);
	/* The name, at the start of the message, in its colour. */
	namew = frame_text_width(v->f, name);
	frame_set_style(v->f, y + 1, x + 2, namew < iw ? namew : iw, border);
	col = frame_put(v->f, y + lines + 2, x + 2, border, "> ");
	/* Long input: its end, where the typing is. */
	input = m->confirm_input;
	while (frame_text_width(v->f, input) > iw - 3) {
		input++;
		while ((*input & 0xC0) == 0x80)
			input++;
	}
	col = frame_put(v->f, y + lines + 2, col, STYLE_INPUT, input);
	frame_put(v->f, y + lines + 2, col, STYLE_NORMAL, g->cursor);
	col = frame_put(v->f, y + lines + 4, x + 2, STYLE_KEY, "Enter");
	col = frame_put(v->f, y + lines + 4, col + 1, STYLE_NORMAL, "confirms");
	col = frame_put(v->f, y + lines + 4, col + 2, STYLE_KEY, "Esc");
	frame_put(v->f, y + lines + 4, col + 1, STYLE_NORMAL, "cancels");
	/* The main screen's hint and keys do not apply now. */
	frame_fill(v->f, v->rows - 2, 0, v->cols, STYLE_NORMAL, " ");
	frame_fill(v->f, v->rows - 1, 0, v->cols, STYLE_NORMAL, " ");
}
