/*
 * theme - what each kind of text on the screen looks like.
 *
 * The view marks every cell with a semantic style (enum style: a header,
 * the selected row, a countdown under five minutes...), never with a
 * colour. A theme describes each style as plain numbers: a foreground and
 * a background out of the eight basic terminal colours (0-7, the same
 * numbering as curses' COLOR_*; -1 the terminal's default) and attribute
 * flags. The terminal layer (tui.c) turns these into colour pairs; nothing
 * here knows curses.
 *
 * Two themes: "color" and "mono" (attributes only, for NO_COLOR, TERM
 * without colours, or a user who asks). Both keep every style readable:
 * the monochrome one uses bold, reverse and underline where the colour
 * one uses red or yellow.
 *
 * Ownership: themes are static tables; theme_get() returns a borrowed
 * pointer valid for the life of the program.
 */
#ifndef ROLEHOP_THEME_H
#define ROLEHOP_THEME_H

#include <stdbool.h>

/* X(ID, "name") */
#define STYLE_LIST(X)                                                          \
	X(NORMAL, "normal")                                                    \
	X(TITLE, "title")                 /* "rolehop" in the title */         \
	X(HEADER, "header")               /* column headers */                 \
	X(SELECTED, "selected")           /* the selected row */               \
	X(SELECTED_IDLE, "selected-idle") /* selection, focus elsewhere */     \
	X(DIM, "dim")                     /* secondary text, "-" */            \
	X(RULE, "rule")                   /* separator lines, boxes */         \
	X(OK, "ok")                       /* countdown, plenty of time */      \
	X(WARN, "warn")                   /* countdown under 15 minutes */     \
	X(CRIT, "crit")                   /* countdown under 5 minutes */      \
	X(EXPIRED, "expired")             /* countdown at zero */              \
	X(ERROR, "error")                 /* failures, error text */           \
	X(DANGER_RED, "danger-red")       /* a target's color: red */          \
	X(DANGER_YELLOW, "danger-yellow")                                      \
	X(DANGER_GREEN, "danger-green")                                        \
	X(DANGER_BLUE, "danger-blue")                                          \
	X(DANGER_MAGENTA, "danger-magenta")                                    \
	X(DANGER_CYAN, "danger-cyan")                                          \
	X(KEY, "key") /* key names in bars and help */                         \
	X(STATUS_INFO, "status-info")                                          \
	X(STATUS_OK, "status-ok")                                              \
	X(STATUS_ERROR, "status-error")                                        \
	X(SPINNER, "spinner") /* work in flight */                             \
	X(INPUT, "input")     /* what the user types */

enum style {
#define X(id, name) STYLE_##id,
	STYLE_LIST(X)
#undef X
	    STYLE_COUNT
};

/* Colours, numbered as curses numbers them. */
enum theme_color {
	THEME_DEFAULT = -1,
	THEME_BLACK = 0,
	THEME_RED = 1,
	THEME_GREEN = 2,
	THEME_YELLOW = 3,
	THEME_BLUE = 4,
	THEME_MAGENTA = 5,
	THEME_CYAN = 6,
	THEME_WHITE = 7,
};

/* Attribute flags. */
#define THEME_BOLD 0x1u
#define THEME_REVERSE 0x2u
#define THEME_UNDERLINE 0x4u
#define THEME_DIM 0x8u

struct theme_style {
	int fg;        /* enum theme_color */
	int bg;        /* enum theme_color */
	unsigned attr; /* THEME_* flags */
};

struct theme {
	const char *name; /* "color" or "mono" */
	bool color;       /* false: every fg and bg is THEME_DEFAULT */
	struct theme_style style[STYLE_COUNT];
};

/* The colour theme, or the monochrome one. */
const struct theme *theme_get(bool color);
/* The description of one style (STYLE_NORMAL's for an unknown id). */
const struct theme_style *theme_style(const struct theme *, int style);
/* "normal", "danger-red"...; "?" for an unknown id. */
const char *theme_style_name(int style);
/* The style of a target's `color:` from the config (red, yellow, green,
 * blue, magenta, cyan, any case); STYLE_NORMAL for NULL or another
 * word. */
enum style theme_danger_style(const char *color);

#endif
