/*
 * frame - the screen as a grid of cells, and safe text placement.
 *
 * Display width comes from a small table of the wide ranges (East Asian
 * Wide and Fullwidth, emoji presentation) and of the invisible ones, so a
 * frame looks the same whatever the locale and the tests are exact.
 * Overwriting half of a wide character blanks its other half, so a frame
 * never holds a broken pair.
 */
#include "config.h"

#include "frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct range {
	long lo, hi;
};

/* Two columns wide. */
static const struct range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},
    {0x23E9, 0x23EC},   {0x23F0, 0x23F0},   {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},
    {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},   {0x26F5, 0x26F5},   {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},
    {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DFF},   {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x16FF0, 0x16FF1}, {0x17000, 0x18D08}, {0x1AFF0, 0x1AFFE},
    {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202},
    {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
    {0x1F260, 0x1F265}, {0x1F300, 0x1F320}, {0x1F32D, 0x1F335},
    {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567},
    {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
    {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF},
    {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

/* Invisible or zero-width: combining marks, format and bidi controls,
 * separators. Shown as '?' so nothing hidden reaches the terminal. */
static const struct range invisible[] = {
    {0x00AD, 0x00AD}, {0x0300, 0x036F},   {0x0483, 0x0489}, {0x0591, 0x05BD},
    {0x05BF, 0x05BF}, {0x05C1, 0x05C2},   {0x05C4, 0x05C5}, {0x05C7, 0x05C7},
    {0x0600, 0x0605}, {0x0610, 0x061A},   {0x061C, 0x061C}, {0x064B, 0x065F},
    {0x0670, 0x0670}, {0x06D6, 0x06DD},   {0x06DF, 0x06E4}, {0x06E7, 0x06E8},
    {0x06EA, 0x06ED}, {0x070F, 0x070F},   {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x1160, 0x11FF},   {0x180E, 0x180E}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200B, 0x200F},   {0x2028, 0x202E}, {0x2060, 0x206F},
    {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0xE0000, 0xE007F},
};

/* Variation selectors: they only pick a presentation, dropped. */
static const struct range dropped[] = {
    {0xFE00, 0xFE0F},
    {0xE0100, 0xE01EF},
};

#define NRANGES(t) (sizeof(t) / sizeof((t)[0]))

/* One glyph as the frame shows it. */
struct glyph {
	char s[5];
	int width; /* 0: dropped, nothing shown */
};

static const char blank_glyph[] = " ";

static bool
in_ranges(long cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Decode one UTF-8 sequence: its length, and the code point in *cp (-1
 * for an invalid byte, which then counts as a sequence of one). Never
 * reads past a NUL. */
static size_t
utf8_decode(const unsigned char *p, long *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n, i;
	long v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*cp = -1;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi) {
			*cp = -1;
			return 1;
		}
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (p[i] & 0x3F);
	}
	*cp = v;
	return n;
}

/* The next glyph of s: bytes consumed (0 at the end of the string). */
static size_t
next_glyph(bool ascii, const char *s, struct glyph *g)
{
	size_t n;
	long cp;

	if (*s == '\0')
		return 0;
	n = utf8_decode((const unsigned char *)s, &cp);
	g->width = 1;
	if (cp >= 0x20 && cp < 0x7F) {
		g->s[0] = (char)cp;
		g->s[1] = '\0';
		return n;
	}
	if (cp >= 0 && in_ranges(cp, dropped, NRANGES(dropped))) {
		g->s[0] = '\0';
		g->width = 0;
		return n;
	}
	if (cp < 0xA0 || ascii ||
	    in_ranges(cp, invisible, NRANGES(invisible))) {
		g->s[0] = '?';
		g->s[1] = '\0';
		return n;
	}
	memcpy(g->s, s, n);
	g->s[n] = '\0';
	if (in_ranges(cp, wide, NRANGES(wide)))
		g->width = 2;
	return n;
}

void
frame_reset(struct frame *f, int rows, int cols)
{
	size_t n, i;

	if (rows < 0)
		rows = 0;
	if (cols < 0)
		cols = 0;
	if (rows > FRAME_MAX_SIDE)
		rows = FRAME_MAX_SIDE;
	if (cols > FRAME_MAX_SIDE)
		cols = FRAME_MAX_SIDE;
	n = (size_t)rows * (size_t)cols;
	if (n > f->ncells) {
		f->cells = xreallocarray(f->cells, n, sizeof(*f->cells));
		f->ncells = n;
	}
	f->rows = rows;
	f->cols = cols;
	for (i = 0; i < n; i++) {
		memcpy(f->cells[i].glyph, blank_glyph, sizeof(blank_glyph));
		f->cells[i].width = 1;
		f->cells[i].style = STYLE_NORMAL;
	}
}

void
frame_free(struct frame *f)
{
	free(f->cells);
	f->cells = NULL;
	f->ncells = 0;
	f->rows = f->cols = 0;
}

static struct cell *
cell_at(struct frame *f, int row, int col)
{
	return &f->cells[(size_t)row * (size_t)f->cols + (size_t)col];
}

static void
cell_blank(struct cell *c)
{
	memcpy(c->glyph, blank_glyph, sizeof(blank_glyph));
	c->width = 1;
}

/* Before (row, col) is overwritten: blank the other half of a wide
 * character it belongs to. */
static void
cell_unpair(struct frame *f, int row, int col)
{
	struct cell *c = cell_at(f, row, col);

	if (c->width == 0 && col > 0)
		cell_blank(cell_at(f, row, col - 1));
	else if (c->width == 2 && col + 1 < f->cols)
		cell_blank(cell_at(f, row, col + 1));
}

/* Store a glyph that fits at (row, col). */
static void
cell_set(struct frame *f, int row, int col, const struct glyph *g,
         enum style style)
{
	struct cell *c;

	cell_unpair(f, row, col);
	if (g->width == 2)
		cell_unpair(f, row, col + 1);
	c = cell_at(f, row, col);
	memcpy(c->glyph, g->s, sizeof(c->glyph));
	c->width = (unsigned char)g->width;
	c->style = (unsigned char)style;
	if (g->width == 2) {
		c = cell_at(f, row, col + 1);
		c->glyph[0] = '\0';
		c->width = 0;
		c->style = (unsigned char)style;
	}
}

/* Write at most len bytes of s from col, not past column limit. Returns
 * the column after the last glyph. */
static int
put_span(struct frame *f, int row, int col, int limit, enum style style,
         const char *s, size_t len)
{
	struct glyph g;
	size_t off = 0, n;

	if (s == NULL || row < 0 || row >= f->rows || col < 0)
		return col;
	if (limit > f->cols)
		limit = f->cols;
	while (off < len && (n = next_glyph(f->ascii, s + off, &g)) > 0) {
		if (off + n > len)
			break;
		if (g.width > 0) {
			if (col + g.width > limit)
				break;
			cell_set(f, row, col, &g, style);
			col += g.width;
		}
		off += n;
	}
	return col;
}

int
frame_put(struct frame *f, int row, int col, enum style style, const char *utf8)
{
	return put_span(f, row, col, f->cols, style, utf8, SIZE_MAX);
}

int
frame_text_width(const struct frame *f, const char *s)
{
	struct glyph g;
	size_t n;
	int w = 0;

	if (s == NULL)
		return 0;
	while ((n = next_glyph(f->ascii, s, &g)) > 0) {
		w += g.width;
		s += n;
	}
	return w;
}

size_t
frame_text_fit(const struct frame *f, const char *s, int width, int *used)
{
	struct glyph g;
	size_t off = 0, n;
	int w = 0;

	if (s != NULL)
		while ((n = next_glyph(f->ascii, s + off, &g)) > 0) {
			if (w + g.width > width)
				break;
			w += g.width;
			off += n;
		}
	if (used != NULL)
		*used = w;
	return off;
}

const char *
frame_ellipsis(const struct frame *f)
{
	return f->ascii ? "~" : "\u2026";
}

void
frame_fill(struct frame *f, int row, int col, int width, enum style style,
           const char *glyph)
{
	int end = col + width;

	if (col < 0)
		col = 0;
	while (col < end && col < f->cols) {
		int next =
		    put_span(f, row, col, col + 1, style, glyph, SIZE_MAX);

		if (next == col)
			break;
		col = next;
	}
}

void
frame_set_style(struct frame *f, int row, int col, int width, enum style style)
{
	int end = col + width;

	if (row < 0 || row >= f->rows)
		return;
	if (col < 0)
		col = 0;
	for (; col < end && col < f->cols; col++)
		cell_at(f, row, col)->style = (unsigned char)style;
}

/* Write the cut form: what fits in width - 1 columns, then the ellipsis,
 * then blanks. */
static int
put_cut(struct frame *f, int row, int col, int width, enum style style,
        const char *s)
{
	int end = col + width, c;
	size_t n = frame_text_fit(f, s, width - 1, NULL);

	c = put_span(f, row, col, end, style, s, n);
	c = put_span(f, row, c, end, style, frame_ellipsis(f), SIZE_MAX);
	frame_fill(f, row, c, end - c, style, blank_glyph);
	return end;
}

int
frame_put_fit(struct frame *f, int row, int col, int width, enum style style,
              const char *utf8)
{
	int end = col + width, c;

	if (width <= 0)
		return col;
	if (frame_text_width(f, utf8) > width)
		return put_cut(f, row, col, width, style, utf8);
	c = put_span(f, row, col, end, style, utf8, SIZE_MAX);
	frame_fill(f, row, c, end - c, style, blank_glyph);
	return end;
}

int
frame_put_right(struct frame *f, int row, int col, int width, enum style style,
                const char *utf8)
{
	int w = frame_text_width(f, utf8);

	if (width <= 0)
		return col;
	if (w > width)
		return put_cut(f, row, col, width, style, utf8);
	frame_fill(f, row, col, width - w, style, blank_glyph);
	put_span(f, row, col + width - w, col + width, style, utf8, SIZE_MAX);
	return col + width;
}

int
frame_put_middle(struct frame *f, int row, int col, int width, enum style style,
                 const char *utf8)
{
	int w = frame_text_width(f, utf8), head, tail, c;
	size_t nhead, off = 0, n;
	struct glyph g;

	if (width < 5 || w <= width)
		return frame_put_fit(f, row, col, width, style, utf8);
	nhead = frame_text_fit(f, utf8, (width - 1) / 3, &head);
	tail = width - 1 - head;
	/* Skip glyphs until what is left fits in the tail. */
	while (w > tail && (n = next_glyph(f->ascii, utf8 + off, &g)) > 0) {
		w -= g.width;
		off += n;
	}
	c = put_span(f, row, col, col + width, style, utf8, nhead);
	c = put_span(f, row, c, col + width, style, frame_ellipsis(f),
	             SIZE_MAX);
	c = put_span(f, row, c, col + width, style, utf8 + off, SIZE_MAX);
	frame_fill(f, row, c, col + width - c, style, blank_glyph);
	return col + width;
}

const struct cell *
frame_cell(const struct frame *f, int row, int col)
{
	if (row < 0 || row >= f->rows || col < 0 || col >= f->cols)
		return NULL;
	return &f->cells[(size_t)row * (size_t)f->cols + (size_t)col];
}

enum style
frame_style_at(const struct frame *f, int row, int col)
{
	const struct cell *c = frame_cell(f, row, col);

	return c != NULL ? (enum style)c->style : STYLE_NORMAL;
}

char *
frame_to_text(const struct frame *f)
{
	size_t cap = (size_t)f->rows * ((size_t)f->cols * 4 + 1) + 1, len = 0;
	char *out = xmalloc(cap);
	int r, c;

	for (r = 0; r < f->rows; r++) {
		size_t keep;

		if (r > 0)
			out[len++] = '\n';
		keep = len;
		for (c = 0; c < f->cols; c++) {
			const struct cell *cell = frame_cell(f, r, c);
			size_t n = strlen(cell->glyph);

			if (cell->width == 0)
				continue;
			memcpy(out + len, cell->glyph, n);
			len += n;
			if (!(n == 1 && cell->glyph[0] == ' '))
				keep = len;
		}
		len = keep;
	}
	out[len] = '\0';
	return out;
}
