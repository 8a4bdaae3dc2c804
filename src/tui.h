/*
 * tui - the terminal: curses set-up and teardown, painting frames,
 * leaving the screen for a shell and coming back.
 *
 * Curses draws on the controlling terminal (/dev/tty when standard output
 * is not one, so `eval "$(rolehop ui)"` works: the env statements of
 * quit-with-env go to standard output after the screen is gone). While
 * curses owns the screen, standard error goes to a private temporary file
 * and is replayed on it afterwards, so diagnostics never scribble over the
 * frame. Every exit path (tui_end, a fatal signal through the loop) puts
 * the terminal back as it was.
 *
 * Only this file, input.c, loop.c and main.c include curses.
 */
#ifndef ROLEHOP_TUI_H
#define ROLEHOP_TUI_H

#include <stdbool.h>

#include "frame.h"

struct tui_caps {
	bool color; /* colours are available and NO_COLOR is not set */
	bool utf8;  /* the locale's charset is UTF-8 */
};

/* Start curses. no_color: NO_COLOR is set. -1 with a message on stderr
 * when the terminal cannot be used. */
int tui_init(bool no_color, struct tui_caps *);
void tui_size(int *rows, int *cols);
/* Show f (one doupdate). full: clear and repaint everything. */
void tui_paint(const struct frame *f, bool full);
/* Leave the screen for a child process, and come back. */
void tui_suspend(void);
void tui_resume(void);
/* The descriptor curses draws on when it is not stdout (/dev/tty), else
 * -1: a child's output belongs there too. */
int tui_tty_fd(void);
/* Put the terminal back and replay what went to stderr meanwhile. */
void tui_end(void);

#endif
