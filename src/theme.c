/*
 * theme - the colour and monochrome descriptions of every style.
 *
 * The colour theme stays calm: most text in the terminal's own colours,
 * colour only where it means something (time left, failures, a target's
 * danger colour, keys). The monochrome theme maps the same meanings onto
 * bold, underline and reverse, so a countdown under five minutes or a
 * failure still stands out on a terminal without colours.
 */
#include "config.h"

#include "theme.h"

#include <stddef.h>
#include <strings.h>

#define D THEME_DEFAULT
#define B THEME_BOLD
#define R THEME_REVERSE
#define U THEME_UNDERLINE

static const struct theme theme_color = {
    .name = "color",
    .color = true,
    .style =
        {
            [STYLE_NORMAL] = {D, D, 0},
            [STYLE_TITLE] = {THEME_CYAN, D, B},
            [STYLE_HEADER] = {D, D, B},
            [STYLE_SELECTED] = {THEME_BLACK, THEME_CYAN, 0},
            [STYLE_SELECTED_IDLE] = {THEME_CYAN, D, B | U},
            [STYLE_DIM] = {D, D, THEME_DIM},
            [STYLE_RULE] = {THEME_BLUE, D, 0},
            [STYLE_OK] = {THEME_GREEN, D, 0},
            [STYLE_WARN] = {THEME_YELLOW, D, B},
            [STYLE_CRIT] = {THEME_RED, D, B},
            [STYLE_EXPIRED] = {THEME_WHITE, THEME_RED, B},
            [STYLE_ERROR] = {THEME_RED, D, 0},
            [STYLE_DANGER_RED] = {THEME_RED, D, B},
            [STYLE_DANGER_YELLOW] = {THEME_YELLOW, D, B},
            [STYLE_DANGER_GREEN] = {THEME_GREEN, D, 0},
            [STYLE_DANGER_BLUE] = {THEME_BLUE, D, B},
            [STYLE_DANGER_MAGENTA] = {THEME_MAGENTA, D, 0},
            [STYLE_DANGER_CYAN] = {THEME_CYAN, D, 0},
            [STYLE_KEY] = {THEME_CYAN, D, B},
            [STYLE_STATUS_INFO] = {D, D, 0},
            [STYLE_STATUS_OK] = {THEME_GREEN, D, 0},
            [STYLE_STATUS_ERROR] = {THEME_RED, D, B},
            [STYLE_SPINNER] = {THEME_CYAN, D, 0},
            [STYLE_INPUT] = {D, D, B},
        },
};

static const struct theme theme_mono = {
    .name = "mono",
    .color = false,
    .style =
        {
            [STYLE_NORMAL] = {D, D, 0},
            [STYLE_TITLE] = {D, D, B},
            [STYLE_HEADER] = {D, D, B},
            [STYLE_SELECTED] = {D, D, R},
            [STYLE_SELECTED_IDLE] = {D, D, U},
            [STYLE_DIM] = {D, D, THEME_DIM},
            [STYLE_RULE] = {D, D, 0},
            [STYLE_OK] = {D, D, 0},
            [STYLE_WARN] = {D, D, B},
            [STYLE_CRIT] = {D, D, B | U},
            [STYLE_EXPIRED] = {D, D, B | R},
            [STYLE_ERROR] = {D, D, B},
            [STYLE_DANGER_RED] = {D, D, B | U},
            [STYLE_DANGER_YELLOW] = {D, D, B},
            [STYLE_DANGER_GREEN] = {D, D, 0},
            [STYLE_DANGER_BLUE] = {D, D, 0},
            [STYLE_DANGER_MAGENTA] = {D, D, 0},
            [STYLE_DANGER_CYAN] = {D, D, 0},
            [STYLE_KEY] = {D, D, B},
            [STYLE_STATUS_INFO] = {D, D, 0},
            [STYLE_STATUS_OK] = {D, D, 0},
            [STYLE_STATUS_ERROR] = {D, D, B | R},
            [STYLE_SPINNER] = {D, D, 0},
            [STYLE_INPUT] = {D, D, U},
        },
};

#undef D
#undef B
#undef R
#undef U

static const char *const style_names[STYLE_COUNT] = {
#define X(id, name) [STYLE_##id] = name,
    STYLE_LIST(X)
#undef X
};

const struct theme *
theme_get(bool color)
{
	return color ? &theme_color : &theme_mono;
}

const struct theme_style *
theme_style(const struct theme *th, int style)
{
	if (style < 0 || style >= STYLE_COUNT)
		style = STYLE_NORMAL;
	return &th->style[style];
}

const char *
theme_style_name(int style)
{
	if (style < 0 || style >= STYLE_COUNT)
		return "?";
	return style_names[style];
}

enum style
theme_danger_style(const char *color)
{
	static const struct {
		const char *name;
		enum style style;
	} map[] = {
	    {"red", STYLE_DANGER_RED},         {"yellow", STYLE_DANGER_YELLOW},
	    {"green", STYLE_DANGER_GREEN},     {"blue", STYLE_DANGER_BLUE},
	    {"magenta", STYLE_DANGER_MAGENTA}, {"cyan", STYLE_DANGER_CYAN},
	};
	size_t i;

	if (color == NULL)
		return STYLE_NORMAL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(color, map[i].name) == 0)
			return map[i].style;
	return STYLE_NORMAL;
}
