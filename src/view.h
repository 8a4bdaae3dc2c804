/*
 * view - the screen as a pure function of the model.
 *
 * view_build() fills a frame from the model and the time: the main screen
 * (targets list, the selected target's chain and clusters), the help
 * screen or the confirmation prompt, each with the title, status and key
 * bars. It reads nothing else (no clock, no environment, no terminal), so
 * the unit tests compare its frames with golden text files. A terminal
 * smaller than VIEW_MIN_COLS x VIEW_MIN_ROWS gets a short notice instead,
 * at any size down to 0 x 0.
 *
 * Ownership: the frame is the caller's (reset and refilled on every call);
 * the model is only read.
 */
#ifndef ROLEHOP_VIEW_H
#define ROLEHOP_VIEW_H

#include <time.h>

#include "frame.h"
#include "model.h"

#define VIEW_MIN_COLS 40
#define VIEW_MIN_ROWS 12

/* Fill f (resized to rows x cols) with the screen for m at now. ASCII only
 * when !m->utf8; styles are set either way (the theme decides colours). */
void view_build(const struct model *m, time_t now, int rows, int cols,
                struct frame *f);
/* How many target rows the list shows at this size (at least 1): the page
 * for PgUp/PgDn and for keeping m->sel in view. */
int view_page_rows(int rows, int cols, const struct model *m);

#endif
