/*
 * action - every command of the interactive interface, in one table.
 *
 * ACTION_LIST and the key bindings of action.c feed the key handling
 * (action_for_key), the help screen (view_help) and the KEYS section of
 * rolehop(1), which a test compares with this table. Each entry: the id,
 * the name (for help and a future keymap) and the help line; the keys
 * shown for an action are generated from the bindings.
 *
 * Keys are the codes the terminal layer delivers: printable characters as
 * themselves, and the ACTION_KEY_* codes below for the special keys (the
 * terminal layer maps curses' KEY_* codes onto them, so the core needs no
 * curses).
 */
#ifndef ROLEHOP_ACTION_H
#define ROLEHOP_ACTION_H

#include <stddef.h>

/* Special keys, outside the range of characters. */
enum {
	ACTION_KEY_UP = 0x110000,
	ACTION_KEY_DOWN,
	ACTION_KEY_LEFT,
	ACTION_KEY_RIGHT,
	ACTION_KEY_PGUP,
	ACTION_KEY_PGDN,
	ACTION_KEY_HOME,
	ACTION_KEY_END,
	ACTION_KEY_ENTER,
	ACTION_KEY_ESCAPE,
	ACTION_KEY_BACKSPACE,
	ACTION_KEY_TAB,
	ACTION_KEY_RESIZE,
};

/* X(ID, "name", "help line"); the keys are in action.c's bindings. */
#define ACTION_LIST(X)                                                         \
	X(DOWN, "down", "select the next row")                                 \
	X(UP, "up", "select the previous row")                                 \
	X(PAGE_DOWN, "page-down", "a page down")                               \
	X(PAGE_UP, "page-up", "a page up")                                     \
	X(TOP, "top", "the first row")                                         \
	X(BOTTOM, "bottom", "the last row")                                    \
	X(FOCUS, "focus", "move between targets and clusters")                 \
	X(ASSUME, "assume", "assume the selected target's chain")              \
	X(REFRESH, "refresh", "assume again with fresh credentials")           \
	X(CLUSTERS_ALL, "clusters-all",                                        \
	  "discover the clusters of every target")                             \
	X(SHELL, "shell",                                                      \
	  "a shell as the target (with the selected cluster's kubeconfig)")    \
	X(KUBECONFIG, "kubeconfig",                                            \
	  "write a kubeconfig context for the selected cluster")               \
	X(FILTER, "filter", "filter targets by name or account")               \
	X(HELP, "help", "this help")                                           \
	X(REDRAW, "redraw", "redraw the screen")                               \
	X(QUIT, "quit", "quit")                                                \
	X(QUIT_ENV, "quit-env",                                                \
	  "quit and print env statements for the selected target")

enum action {
	ACTION_NONE,
#define X(id, name, help) ACTION_##id,
	ACTION_LIST(X)
#undef X
	    ACTION_COUNT
};

struct action_info {
	const char *name;
	const char *keys; /* its keys as shown: "j, Down" */
	const char *help;
};

/* The table, indexed by enum action (ACTION_NONE has NULL fields). */
const struct action_info *action_info(enum action);
/* The action a key triggers on the main screen, or ACTION_NONE. */
enum action action_for_key(int key);

#endif
