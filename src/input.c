/*
 * input - curses keys to the model's key codes.
 */
#include "config.h"

#include "input.h"

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "action.h"

/* A function key from curses. */
static int
map_function_key(wint_t k)
{
	switch (k) {
	case KEY_UP:
		return ACTION_KEY_UP;
	case KEY_DOWN:
		return ACTION_KEY_DOWN;
	case KEY_LEFT:
		return ACTION_KEY_LEFT;
	case KEY_RIGHT:
		return ACTION_KEY_RIGHT;
	case KEY_PPAGE:
		return ACTION_KEY_PGUP;
	case KEY_NPAGE:
		return ACTION_KEY_PGDN;
	case KEY_HOME:
		return ACTION_KEY_HOME;
	case KEY_END:
		return ACTION_KEY_END;
	case KEY_ENTER:
		return ACTION_KEY_ENTER;
	case KEY_BACKSPACE:
		return ACTION_KEY_BACKSPACE;
	case KEY_RESIZE:
		return ACTION_KEY_RESIZE;
	case KEY_BTAB:
		return ACTION_KEY_TAB;
	default:
		return -1;
	}
}

/* A character: the control characters that name keys, else itself. */
static int
map_char(wint_t c)
{
	switch (c) {
	case '\r':
	case '\n':
		return ACTION_KEY_ENTER;
	case 27:
		return ACTION_KEY_ESCAPE;
	case 127:
	case 8:
		return ACTION_KEY_BACKSPACE;
	case '\t':
		return ACTION_KEY_TAB;
	default:
		return (int)c;
	}
}

int
input_next(void)
{
	wint_t k;

	for (;;) {
		int rc = get_wch(&k);

		if (rc == ERR)
			return -1;
		if (rc == KEY_CODE_YES) {
			int m = map_function_key(k);

			if (m >= 0)
				return m;
			continue; /* a key we have no use for */
		}
		return map_char(k);
	}
}
