/*
 * view_int - what the view_*.c files share; not for other modules.
 *
 * The view reads the model through these helpers, its const queries
 * (model_busy, model_expiry) and the struct fields; it never changes it.
 */
#ifndef ROLEHOP_VIEW_INT_H
#define ROLEHOP_VIEW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "frame.h"
#include "model.h"

/* One frame being built. */
struct view {
	const struct model *m;
	struct frame *f;
	time_t now;
	int rows, cols;
};

/* The characters that differ between UTF-8 and ASCII terminals. */
struct view_glyphs {
	const char *hline;             /* "─" / "-" */
	const char *vline;             /* "│" / "|" */
	const char *tl, *tr, *bl, *br; /* box corners */
	const char *marker;            /* selected row: "▶" / ">" */
	const char *branch;            /* a hop's identity: "└─" / "`-" */
	const char *dots;              /* "…" / "..." */
	const char *cursor;            /* end of typed text: "█" / "_" */
};

/* Where the parts of the main screen go. */
struct view_layout {
	int filter_row;  /* -1: no filter line */
	int header_row;  /* the list's column headers */
	int list_row;    /* first target row */
	int list_cap;    /* target rows a full list shows */
	int list_rows;   /* target rows shown now */
	int rule_row;    /* the line above the detail pane */
	int detail_row;  /* first row of the detail pane */
	int detail_rows; /* its height (may be 0) */
	int status_row;
	int keys_row;
};

/* A key for the key bar. */
struct view_key {
	const char *key;   /* "Enter" */
	const char *label; /* "shell" */
	int prio;          /* 0 first; dropped from the highest when narrow */
};

/* view.c: helpers */
const struct view_glyphs *view_glyphs(const struct model *);
const struct ui_target *view_selected(const struct model *);
const char *view_spinner(const struct model *);
bool view_filter_shown(const struct model *);
void view_layout(const struct model *, int rows, int cols,
                 struct view_layout *);
/* "59:58", "1h02m", "expired" or "-" (no expiry) into buf; its style. */
enum style view_countdown(time_t expiration, time_t now, char *buf, size_t len);
/* The account a target ends in, or "-"; may use buf. */
const char *view_account(const struct ui_target *, char *buf, size_t len);
/* The first key of an action, as the help shows it ("Enter"). */
const char *view_action_key(enum action, char *buf, size_t len);
/* Word-wrap text into at most maxlines lines of width columns from (row,
 * col), the last one cut with an ellipsis; returns the lines used. */
int view_wrap(struct view *, int row, int col, int width, int maxlines,
              enum style, const char *text);
/* Write "text" at col only if it fits before limit; returns the column
 * after it, or col when it did not fit. */
int view_put_if(struct view *, int row, int col, int limit, enum style,
                const char *text);

/* view_bar.c: the title line, the status line and the key bar */
void view_title(struct view *, const char *what);
void view_status(struct view *, int row, const char *hint);
void view_keys(struct view *, int row, const struct view_key *, size_t n);

/* the screens */
void view_main(struct view *);
void view_help(struct view *);
void view_confirm(struct view *);
/* view_detail.c: the selected target's chain, then its clusters */
void view_detail(struct view *, const struct view_layout *);

/* Rows of the detail pane being filled, or only counted (dry: nothing is
 * drawn, rows are counted as if there were room). */
struct view_pane {
	struct view *v;
	int row, end; /* next row; first row past the pane */
	bool dry;
	bool compact; /* one line per hop, errors on one line */
};

/* The row for the next line, advancing (-1: dry or out of room). */
int view_pane_line(struct view_pane *);
/* Rows left. */
int view_pane_left(const struct view_pane *);
/* view_clusters.c: the clusters block; "clusters" notes go at label with
 * their text at text_col. */
void view_clusters(struct view_pane *, int label, int text_col,
                   const struct ui_target *);

#endif
