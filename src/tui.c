/*
 * tui - curses, kept to this file: colour pairs from the theme, painting
 * frames, suspend and resume around shells, stderr capture.
 */
#include "config.h"

#include "tui.h"

#include <fcntl.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "theme.h"

static SCREEN *screen;
static FILE *tty_out; /* /dev/tty when stdout is not the terminal */
static const struct theme *theme;
static attr_t attrs[STYLE_COUNT];
static int saved_stderr = -1; /* the real stderr while curses is up */
static int capture_fd = -1;   /* where stderr goes meanwhile */

/* stderr into a private temporary file while curses owns the screen. */
static void
capture_stderr(void)
{
	fflush(stderr);
	/* In memory: diagnostics never touch a shared disk directory. */
	if (capture_fd < 0)
		capture_fd = memfd_create("rolehop-stderr", MFD_CLOEXEC);
	if (capture_fd < 0)
		return;
	if (saved_stderr < 0)
		saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved_stderr >= 0)
		dup2(capture_fd, STDERR_FILENO);
}

/* The real stderr back (for a shell, or at the end). */
static void
release_stderr(void)
{
	fflush(stderr);
	if (saved_stderr >= 0)
		dup2(saved_stderr, STDERR_FILENO);
}

/* What was captured, onto the real stderr. */
static void
replay_stderr(void)
{
	char buf[4096];
	ssize_t n;

	if (capture_fd < 0)
		return;
	lseek(capture_fd, 0, SEEK_SET);
	while ((n = read(capture_fd, buf, sizeof buf)) > 0)
		if (write(STDERR_FILENO, buf, (size_t)n) < 0)
			break;
	close(capture_fd);
	capture_fd = -1;
}

static attr_t
curses_attr(unsigned flags)
{
	attr_t a = A_NORMAL;

	if (flags & THEME_BOLD)
		a |= A_BOLD;
	if (flags & THEME_REVERSE)
		a |= A_REVERSE;
	if (flags & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (flags & THEME_DIM)
		a |= A_DIM;
	return a;
}

/* One colour pair per style, when colours are on. */
static void
setup_styles(bool color)
{
	theme = theme_get(color);
	for (int s = 0; s < STYLE_COUNT; s++) {
		const struct theme_style *ts = theme_style(theme, s);

		attrs[s] = curses_attr(ts->attr);
		if (color && s + 1 < COLOR_PAIRS &&
		    (ts->fg != THEME_DEFAULT || ts->bg != THEME_DEFAULT)) {
			init_pair((short)(s + 1), (short)ts->fg, (short)ts->bg);
			attrs[s] |= COLOR_PAIR(s + 1);
		}
	}
}

/* End curses and let go of the terminal it drew on. */
static void
close_screen(void)
{
	endwin();
	delscreen(screen);
	screen = NULL;
	if (tty_out)
		fclose(tty_out);
	tty_out = NULL;
}

int
tui_init(bool no_color, struct tui_caps *caps)
{
	FILE *out = stdout;
	const char *cs = nl_langinfo(CODESET);

	if (!isatty(STDIN_FILENO)) {
		fputs("rolehop: the interface needs a terminal, and standard "
		      "input is not one\nhint: run a command instead, such as "
		      "rolehop list\n",
		      stderr);
		return -1;
	}
	if (!isatty(STDOUT_FILENO)) {
		tty_out = fopen("/dev/tty", "we");
		if (tty_out == NULL) {
			fputs("rolehop: cannot open /dev/tty for the "
			      "interface\n",
			      stderr);
			return -1;
		}
		out = tty_out;
	}
	screen = newterm(NULL, out, stdin);
	if (screen == NULL) {
		fprintf(stderr, "rolehop: cannot use the terminal (TERM=%s)\n",
		        getenv("TERM") ? getenv("TERM") : "");
		if (tty_out)
			fclose(tty_out);
		tty_out = NULL;
		return -1;
	}
	set_term(screen);
	/* A terminal that cannot move the cursor (TERM=dumb) would get the
	 * whole screen on one line. */
	{
		const char *cup = tigetstr("cup");

		if (cup == NULL || cup == (const char *)-1) {
			close_screen();
			fprintf(stderr,
			        "rolehop: the terminal (TERM=%s) cannot move "
			        "its cursor; the interface needs one that "
			        "can\nhint: run a command instead, such as "
			        "rolehop list\n",
			        getenv("TERM") ? getenv("TERM") : "");
			return -1;
		}
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	caps->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	caps->color = !no_color && has_colors();
	if (caps->color) {
		start_color();
		use_default_colors();
	}
	setup_styles(caps->color);
	capture_stderr();
	return 0;
}

void
tui_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

void
tui_paint(const struct frame *f, bool full)
{
	if (full)
		clearok(curscr, TRUE);
	for (int r = 0; r < f->rows; r++) {
		move(r, 0);
		for (int c = 0; c < f->cols; c++) {
			const struct cell *cell = frame_cell(f, r, c);

			if (cell == NULL || cell->width == 0)
				continue;
			attrset(
			    attrs[cell->style < STYLE_COUNT ? cell->style : 0]);
			/* The bottom-right cell scrolls some terminals:
			 * insert instead of add there. */
			if (r == f->rows - 1 && c + cell->width >= f->cols)
				insstr(cell->glyph[0] ? cell->glyph : " ");
			else
				addstr(cell->glyph[0] ? cell->glyph : " ");
		}
	}
	attrset(A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
}

int
tui_tty_fd(void)
{
	return tty_out ? fileno(tty_out) : -1;
}

void
tui_suspend(void)
{
	def_prog_mode();
	endwin();
	release_stderr();
}

void
tui_resume(void)
{
	capture_stderr();
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

void
tui_end(void)
{
	if (screen == NULL)
		return;
	close_screen();
	release_stderr();
	if (saved_stderr >= 0)
		close(saved_stderr);
	saved_stderr = -1;
	replay_stderr();
}
