/*
 * action - the action table and the default key bindings.
 *
 * The bindings are the one list of keys: action_for_key() looks keys up in
 * it, and the "keys as shown" of each action (help screen, man page) are
 * generated from it on first use.
 */
#include "config.h"

#include "action.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Control characters as the terminal sends them. */
#define CTRL(c) ((c)&0x1f)

static const struct binding {
	int key;
	enum action action;
} bindings[] = {
    {'j', ACTION_DOWN},
    {ACTION_KEY_DOWN, ACTION_DOWN},
    {'k', ACTION_UP},
    {ACTION_KEY_UP, ACTION_UP},
    {ACTION_KEY_PGDN, ACTION_PAGE_DOWN},
    {CTRL('f'), ACTION_PAGE_DOWN},
    {ACTION_KEY_PGUP, ACTION_PAGE_UP},
    {CTRL('b'), ACTION_PAGE_UP},
    {'g', ACTION_TOP},
    {ACTION_KEY_HOME, ACTION_TOP},
    {'G', ACTION_BOTTOM},
    {ACTION_KEY_END, ACTION_BOTTOM},
    {ACTION_KEY_TAB, ACTION_FOCUS},
    {'h', ACTION_FOCUS},
    {'l', ACTION_FOCUS},
    {ACTION_KEY_LEFT, ACTION_FOCUS},
    {ACTION_KEY_RIGHT, ACTION_FOCUS},
    {'a', ACTION_ASSUME},
    {'r', ACTION_REFRESH},
    {'C', ACTION_CLUSTERS_ALL},
    {ACTION_KEY_ENTER, ACTION_SHELL},
    {'s', ACTION_SHELL},
    {'K', ACTION_KUBECONFIG},
    {'/', ACTION_FILTER},
    {'?', ACTION_HELP},
    {CTRL('l'), ACTION_REDRAW},
    {'q', ACTION_QUIT},
    {'Q', ACTION_QUIT_ENV},
};

static struct action_info table[ACTION_COUNT] = {
    [ACTION_NONE] = {NULL, NULL, NULL},
#define X(id, name, help) [ACTION_##id] = {name, NULL, help},
    ACTION_LIST(X)
#undef X
};
static char keys_text[ACTION_COUNT][48];

/* How a key is shown. */
static void
key_name(int key, char *out, size_t len)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
	    {ACTION_KEY_UP, "Up"},       {ACTION_KEY_DOWN, "Down"},
	    {ACTION_KEY_LEFT, "Left"},   {ACTION_KEY_RIGHT, "Right"},
	    {ACTION_KEY_PGUP, "PgUp"},   {ACTION_KEY_PGDN, "PgDn"},
	    {ACTION_KEY_HOME, "Home"},   {ACTION_KEY_END, "End"},
	    {ACTION_KEY_ENTER, "Enter"}, {ACTION_KEY_ESCAPE, "Esc"},
	    {ACTION_KEY_TAB, "Tab"},     {ACTION_KEY_BACKSPACE, "Backspace"},
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].key == key) {
			snprintf(out, len, "%s", names[i].name);
			return;
		}
	if (key > 0 && key < 0x20)
		snprintf(out, len, "Ctrl-%c", key + 'A' - 1);
	else
		snprintf(out, len, "%c", key);
}

/* Fill every action's keys from the bindings, once. */
static void
build_keys(void)
{
	static bool built;

	if (built)
		return;
	built = true;
	for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++) {
		char *t = keys_text[bindings[i].action];
		size_t n = strlen(t);
		char name[16];

		key_name(bindings[i].key, name, sizeof name);
		snprintf(t + n, sizeof keys_text[0] - n, "%s%s", n ? ", " : "",
		         name);
	}
	for (size_t a = 1; a < ACTION_COUNT; a++)
		table[a].keys = keys_text[a];
}

const struct action_info *
action_info(enum action a)
{
	build_keys();
	return a > ACTION_NONE && a < ACTION_COUNT ? &table[a] : &table[0];
}

enum action
action_for_key(int key)
{
	for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++)
		if (bindings[i].key == key)
			return bindings[i].action;
	return ACTION_NONE;
}
