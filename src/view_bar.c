/*
 * view_bar - the lines around every screen: the title line (name, what
 * is shown, a spinner while work is in flight, the UTC clock), the status
 * line (the last message for a few seconds, else a hint) and the key bar
 * (the most useful keys that fit the width).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "view_int.h"

/* How long a status message stays before the hint comes back. */
#define VIEW_STATUS_SECONDS 10
/* Keys on the key bar at most. */
#define VIEW_KEYS_MAX 16

void
view_title(struct view *v, const char *what)
{
	char clock[32];
	struct tm tm;
	int right, col;

	if (gmtime_r(&v->now, &tm) == NULL ||
	    strftime(clock, sizeof(clock), "%H:%M:%S UTC", &tm) == 0)
		snprintf(clock, sizeof(clock), "--:--:-- UTC");
	right = v->cols - 1 - frame_text_width(v->f, clock);
	frame_put(v->f, 0, right, STYLE_DIM, clock);
	if (model_busy(v->m)) {
		right -= 2;
		frame_put(v->f, 0, right, STYLE_SPINNER, view_spinner(v->m));
	}
	col = frame_put(v->f, 0, 1, STYLE_TITLE, "rolehop");
	if (what != NULL && right - 1 > col + 2)
		frame_put_fit(v->f, 0, col + 2, right - 1 - (col + 2),
		              STYLE_NORMAL, what);
}

void
view_status(struct view *v, int row, const char *hint)
{
	const struct model *m = v->m;
	enum style style;

	if (m->status[0] != '\0' && v->now >= m->status_at &&
	    v->now - m->status_at < VIEW_STATUS_SECONDS) {
		switch (m->status_kind) {
		case STATUS_OK:
			style = STYLE_STATUS_OK;
			break;
		case STATUS_ERROR:
			style = STYLE_STATUS_ERROR;
			break;
		case STATUS_INFO:
		default:
			style = STYLE_STATUS_INFO;
			break;
		}
		frame_put_fit(v->f, row, 1, v->cols - 2, style, m->status);
	} else if (hint != NULL) {
		frame_put_fit(v->f, row, 1, v->cols - 2, STYLE_DIM, hint);
	}
}

/* The columns one key takes: "K kubeconfig". */
static int
key_width(struct view *v, const struct view_key *k)
{
	return frame_text_width(v->f, k->key) + 1 +
	       frame_text_width(v->f, k->label);
}

void
view_keys(struct view *v, int row, const struct view_key *keys, size_t n)
{
	bool chosen[VIEW_KEYS_MAX] = {false};
	int room = v->cols - 2, used = 0, prio, col = 1;
	size_t i;

	if (n > VIEW_KEYS_MAX)
		n = VIEW_KEYS_MAX;
	/* Take keys in priority order while they fit... */
	for (prio = 0; prio < 16; prio++)
		for (i = 0; i < n; i++) {
			int w;

			if (keys[i].prio != prio)
				continue;
			w = key_width(v, &keys[i]) + (used > 0 ? 2 : 0);
			if (used + w <= room) {
				chosen[i] = true;
				used += w;
			}
		}
	/* ...and show them in their own order. */
	for (i = 0; i < n; i++) {
		if (!chosen[i])
			continue;
		if (col > 1)
			col += 2;
		col = frame_put(v->f, row, col, STYLE_KEY, keys[i].key);
		col =
		    frame_put(v->f, row, col + 1, STYLE_NORMAL, keys[i].label);
	}
}
