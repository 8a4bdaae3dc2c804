/*
 * test_keys_doc - the KEYS section of rolehop(1) says what the action
 * table says: every action's keys (as action.c shows them) and help line,
 * in table order, and nothing else.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "xalloc.h"

/* The man page's text between ".SS KEYS" and the next section. */
static char *
keys_section(void)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/data/rolehop.1", top ? top : ".");
	FILE *f = fopen(path, "r");
	char *text, *start, *end;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = xcalloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(path);
	start = strstr(text, "\n.SS KEYS\n");
	assert_non_null(start);
	start += strlen("\n.SS KEYS\n");
	end = strstr(start, "\n.PP\n");
	assert_non_null(end);
	*end = '\0';
	memmove(text, start, strlen(start) + 1);
	return text;
}

/* roff escapes a '-' as "\-". */
static char *
roff(const char *s)
{
	char *out = xcalloc(1, 2 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == '-')
			*o++ = '\\';
		*o++ = *s;
	}
	return out;
}

static void
test_keys_section_matches_table(void **state)
{
	char *section = keys_section();
	char *want = xcalloc(1, 1);

	(void)state;
	for (int a = 1; a < ACTION_COUNT; a++) {
		const struct action_info *ai = action_info((enum action)a);
		char *keys = roff(ai->keys);
		char *entry =
		    xasprintf("%s.TP\n.B %s\n%s\n", want, keys, ai->help);

		free(want);
		free(keys);
		want = entry;
	}
	/* The section ends before its final newline. */
	want[strlen(want) - 1] = '\0';
	assert_string_equal(section, want);
	free(want);
	free(section);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_section_matches_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
