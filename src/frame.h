/*
 * frame - what the screen should show, as data.
 *
 * A frame is rows x cols cells. Each cell holds one glyph (one UTF-8
 * character, NUL-terminated), its display width and a style id (enum
 * style, theme.h). A wide character (CJK, most emoji) takes two cells: the
 * left one holds the glyph with width 2, the right one is empty with width
 * 0 and must be skipped when painting. The terminal layer paints cells;
 * the unit tests read frame_to_text() and frame_style_at().
 *
 * Writing is safe for any text: the put functions clip at the right edge
 * (never half a wide character), count display width themselves (a small
 * built-in table, so frames do not depend on the locale), and show control
 * characters, invalid UTF-8 and invisible code points (bidi overrides,
 * zero-width spaces) as '?'. In ASCII mode (f->ascii) every non-ASCII
 * character is shown as '?' too, so no byte >= 0x80 ever reaches the
 * terminal; the ellipsis is then "~" instead of "…".
 *
 * Positions outside the frame are ignored, so callers need not clip.
 *
 * Ownership: a frame starts zeroed ({0}); frame_reset() allocates,
 * frame_free() releases. frame_to_text() returns a string the caller
 * frees.
 */
#ifndef ROLEHOP_FRAME_H
#define ROLEHOP_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include "theme.h"

/* The largest frame kept; larger sizes are clipped to it. */
#define FRAME_MAX_SIDE 4096

struct cell {
	char glyph[5];       /* one UTF-8 character, NUL-terminated */
	unsigned char width; /* 1 or 2; 0 for the right half of a wide one */
	unsigned char style; /* enum style */
};

struct frame {
	int rows, cols;
	struct cell *cells; /* rows * cols, row-major */
	size_t ncells;      /* allocated */
	bool ascii;         /* ASCII only: set by the caller after reset */
};

/* Size the frame (negative sizes count as 0) and blank every cell with
 * STYLE_NORMAL. The ascii flag is kept. */
void frame_reset(struct frame *, int rows, int cols);
void frame_free(struct frame *);

/* Write utf8 from (row, col) on; stop at the right edge or before a wide
 * character that does not fit. Returns the column after the last glyph
 * written. */
int frame_put(struct frame *, int row, int col, enum style, const char *utf8);
/* Write utf8 into exactly width columns: padded with blanks (in the same
 * style), or cut with an ellipsis when too long. Returns col + width. */
int frame_put_fit(struct frame *, int row, int col, int width, enum style,
                  const char *utf8);
/* The same, right-aligned (cut at the end when too long). */
int frame_put_right(struct frame *, int row, int col, int width, enum style,
                    const char *utf8);
/* The same, cut in the middle when too long ("arn:aws:…/role-name"):
 * for identifiers whose end matters as much as their start. */
int frame_put_middle(struct frame *, int row, int col, int width, enum style,
                     const char *utf8);
/* Repeat a one-column glyph over width columns (rules, box sides). */
void frame_fill(struct frame *, int row, int col, int width, enum style,
                const char *glyph);
/* Change the style of width cells, keeping their glyphs. */
void frame_set_style(struct frame *, int row, int col, int width, enum style);

/* The display width of utf8 as the frame would show it. */
int frame_text_width(const struct frame *, const char *utf8);
/* The length in bytes of the longest prefix of utf8 that fits in width
 * columns; *used (may be NULL) gets its display width. */
size_t frame_text_fit(const struct frame *, const char *utf8, int width,
                      int *used);
/* "…", or "~" in ASCII mode. */
const char *frame_ellipsis(const struct frame *);

/* The cell at (row, col), or NULL outside the frame. */
const struct cell *frame_cell(const struct frame *, int row, int col);
/* Its style (STYLE_NORMAL outside the frame). */
enum style frame_style_at(const struct frame *, int row, int col);
/* The rows joined with '\n' (no final newline), trailing blanks trimmed.
 * Caller frees. */
char *frame_to_text(const struct frame *);

#endif
