/*
 * view_help - the help screen, generated from ACTION_LIST: every key with
 * its help line, then a legend of the countdown colours (with samples
 * drawn in the styles they explain) and of the danger colours. On a short
 * terminal the list is cut with a note saying how much is missing.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "view_int.h"

#define HELP_KEYS_MAX 14

/* Every action in the table's order. */
static const enum action help_rows[] = {
#define X(id, name, help) ACTION_##id,
    ACTION_LIST(X)
#undef X
};

#define HELP_NROWS (sizeof(help_rows) / sizeof(help_rows[0]))

/* An action's keys in width columns: whole, else the leading keys that
 * fit and an ellipsis ("Tab, h, l, ..."). */
static const char *
help_keys(struct view *v, enum action a, int width, char *buf, size_t len)
{
	const char *keys = action_info(a)->keys,
	           *dots = view_glyphs(v->m)->dots;
	const char *p;
	size_t n = 0;

	if (keys == NULL)
		return "";
	if (frame_text_width(v->f, keys) <= width)
		return keys;
	/* The longest run of whole keys that leaves room for ", ...". */
	for (p = keys; (p = strstr(p, ", ")) != NULL; p += 2) {
		snprintf(buf, len, "%.*s, %s", (int)(p - keys), keys, dots);
		if (frame_text_width(v->f, buf) > width)
			break;
		n = (size_t)(p - keys);
	}
	if (n == 0)
		return keys;
	snprintf(buf, len, "%.*s, %s", (int)n, keys, dots);
	return buf;
}

/* "countdown  1h00m  14:59 under 15 min  04:59 under 5 min  expired" */
static void
legend_countdown(struct view *v, int row, int col)
{
	static const struct {
		long left;
		bool under; /* explained as "under N min" */
	} samples[] = {
	    {3600, false},
	    {MODEL_WARN_SECONDS - 1, true},
	    {MODEL_CRIT_SECONDS - 1, true},
	    {0, false},
	};
	int limit = v->cols - 1, c = col;
	char buf[32], what[32];
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		enum style st = view_countdown(v->now + samples[i].left, v->now,
		                               buf, sizeof(buf));

		if (samples[i].left == 0)
			st = view_countdown(v->now - 1, v->now, buf,
			                    sizeof(buf));
		what[0] = '\0';
		if (samples[i].under)
			snprintf(what, sizeof(what), "under %d min",
			         (int)((samples[i].left + 1) / 60));
		if (c + frame_text_width(v->f, buf) + 1 +
		        frame_text_width(v->f, what) >
		    limit)
			break;
		c = frame_put(v->f, row, c, st, buf);
		if (what[0] != '\0')
			c = frame_put(v->f, row, c + 1, STYLE_DIM, what);
		c += 2;
	}
}

void
view_help(struct view *v)
{
	/* The model closes the help on any key. */
	static const struct view_key keys[] = {
	    {"any key", "back", 0},
	};
	int keyw = 3, key_col = 3, help_col, row = 1, last = v->rows - 3;
	size_t i, n = HELP_NROWS;
	char more[64], buf[64];

	view_title(v, "keys");
	for (i = 0; i < HELP_NROWS; i++) {
		int w = frame_text_width(v->f, help_keys(v, help_rows[i],
		                                         HELP_KEYS_MAX, buf,
		                                         sizeof(buf)));

		if (w > keyw)
			keyw = w;
	}
	help_col = key_col + keyw + 2;
	frame_put(v->f, row, key_col, STYLE_HEADER, "KEY");
	frame_put(v->f, row, help_col, STYLE_HEADER, "ACTION");
	row++;
	/* Rows for the keys: all of them and the legend, else as many as
	 * fit above a note. */
	if ((int)n + 3 > last - row + 1 && (int)n > last - row + 1)
		n = (size_t)(last - row);
	for (i = 0; i < n; i++, row++) {
		const struct action_info *ai = action_info(help_rows[i]);

		frame_put_fit(
		    v->f, row, key_col, keyw, STYLE_KEY,
		    help_keys(v, help_rows[i], keyw, buf, sizeof(buf)));
		frame_put_fit(v->f, row, help_col, v->cols - 1 - help_col,
		              STYLE_NORMAL, ai->help);
	}
	if (n < HELP_NROWS) {
		snprintf(more, sizeof(more), "%s %zu more in a taller terminal",
		         view_glyphs(v->m)->dots, HELP_NROWS - n);
		frame_put_fit(v->f, row, key_col, v->cols - 1 - key_col,
		              STYLE_DIM, more);
	} else if (row + 2 <= last) {
		row++;
		frame_put_fit(v->f, row, key_col, keyw, STYLE_DIM, "countdown");
		legend_countdown(v, row, help_col);
		row++;
		frame_put_fit(v->f, row, key_col, keyw, STYLE_DIM, "names");
		frame_put_fit(v->f, row, help_col, v->cols - 1 - help_col,
		              STYLE_DIM,
		              "a target's color from the config; "
		              "confirm: true asks first");
	}
	view_status(v, v->rows - 2, NULL);
	view_keys(v, v->rows - 1, keys, sizeof(keys) / sizeof(keys[0]));
}
