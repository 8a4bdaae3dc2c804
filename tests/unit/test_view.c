/*
 * test_view - the screen layer without curses: frames (UTF-8 width,
 * clipping, ellipsis, sanitising), the themes, and every screen of the
 * view built from hand-made models at a fixed time.
 *
 * Golden frames: frame_to_text() plus one final newline is compared byte
 * for byte with tests/data/frames/NAME.txt (found through $TESTDATA, else
 * ./tests/data). After an intended change to the screen, regenerate them
 * with ROLEHOP_UPDATE_GOLDEN=1, e.g. from a build directory:
 *
 *   ROLEHOP_UPDATE_GOLDEN=1 TESTDATA=../tests/data ./tests/unit/test_view
 *
 * which rewrites the files instead of comparing, and then review the diff
 * by eye: the golden frames are the specification of the screen.
 *
 * The fixtures fill struct target, struct ui_target and struct model
 * directly; nothing here calls model.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "theme.h"
#include "view.h"
#include "xalloc.h"

#define T0 1764590400 /* 2025-12-01T12:00:00Z */
#define NT 40         /* targets a fixture holds at most */
#define NH 3          /* hops per target at most */

/* ------------------------------------------------------------------ */
/* Golden files */

static char *
golden_path(const char *name)
{
	const char *dir = getenv("TESTDATA");

	return xasprintf("%s/frames/%s.txt", dir && *dir ? dir : "tests/data",
	                 name);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	text = xmalloc((size_t)n + 1);
	if (fread(text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Compare the frame's text with a golden file (or rewrite the file when
 * ROLEHOP_UPDATE_GOLDEN=1). */
static void
assert_golden(const struct frame *fr, const char *name)
{
	char *text = frame_to_text(fr), *want = xasprintf("%s\n", text);
	char *path = golden_path(name), *have;
	const char *update = getenv("ROLEHOP_UPDATE_GOLDEN");

	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");

		if (f == NULL)
			fail_msg("cannot write %s: %s", path, strerror(errno));
		fputs(want, f);
		fclose(f);
	} else {
		have = slurp(path);
		if (have == NULL)
			fail_msg("cannot read %s: %s (ROLEHOP_UPDATE_GOLDEN=1 "
			         "writes it)",
			         path, strerror(errno));
		if (strcmp(have, want) != 0) {
			fprintf(stderr, "--- %s\n%s--- got\n%s", path, have,
			        want);
			free(have);
			fail_msg("frame differs from %s", path);
		}
		free(have);
	}
	free(path);
	free(want);
	free(text);
}

/* The column where needle starts on a row (-1: not there). */
static int
find_col(const struct frame *fr, int row, const char *needle)
{
	size_t nlen = strlen(needle);
	int c;

	for (c = 0; c < fr->cols; c++) {
		size_t off = 0;
		int k = c;

		if (frame_cell(fr, row, c)->width == 0)
			continue;
		while (off < nlen && k < fr->cols) {
			const struct cell *cell = frame_cell(fr, row, k++);
			size_t n = strlen(cell->glyph);

			if (cell->width == 0)
				continue;
			if (strncmp(needle + off, cell->glyph, n) != 0 ||
			    off + n > nlen)
				break;
			off += n;
		}
		if (off == nlen)
			return c;
	}
	return -1;
}

/* The row holding needle (-1: none). */
static int
find_row(const struct frame *fr, const char *needle)
{
	int r;

	for (r = 0; r < fr->rows; r++)
		if (find_col(fr, r, needle) >= 0)
			return r;
	return -1;
}

static enum style
style_of(const struct frame *fr, const char *needle)
{
	int r = find_row(fr, needle);

	if (r < 0)
		fail_msg("\"%s\" is not on the screen", needle);
	return frame_style_at(fr, r, find_col(fr, r, needle));
}

static void
assert_ascii(const struct frame *fr)
{
	char *text = frame_to_text(fr);
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p >= 0x80 || (*p < 0x20 && *p != '\n'))
			fail_msg("byte 0x%02x at offset %td", *p,
			         (const char *)p - text);
	free(text);
}

/* ------------------------------------------------------------------ */
/* Fixtures */

struct fx {
	struct target t[NT];
	struct hop hops[NT][NH];
	struct ui_target ut[NT];
	struct ui_hop uh[NT][NH];
	char *regions[NT][3];
	struct eks_cluster cl[8];
	struct ui_cluster_error ce[4];
	size_t visible[NT];
	char *pool[1024];
	size_t npool;
	struct model m;
};

/* A string that lives as long as the fixture. */
static char *
S(struct fx *fx, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	assert_true(fx->npool < sizeof(fx->pool) / sizeof(fx->pool[0]));
	p = xstrdup(s);
	fx->pool[fx->npool++] = p;
	return p;
}

static struct fx *
fx_new(void)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));

	fx->m.targets = fx->ut;
	fx->m.visible = fx->visible;
	fx->m.utf8 = true;
	fx->m.color = true;
	fx->m.confirm.cluster = -1;
	fx->m.request.cluster = -1;
	return fx;
}

static void
fx_free(struct fx *fx)
{
	size_t i;

	for (i = 0; i < fx->npool; i++)
		free(fx->pool[i]);
	free(fx);
}

/* Add a target (visible, in order); returns its index. */
static size_t
fx_target(struct fx *fx, const char *name, enum target_source src,
          const char *profile, const char *region, const char *color,
          bool confirm)
{
	size_t i = fx->m.ntargets++;
	struct target *t = &fx->t[i];

	assert_true(i < NT);
	t->name = S(fx, name);
	t->source = src;
	t->profile = S(fx, profile);
	t->region = S(fx, region);
	t->color = S(fx, color);
	t->confirm = confirm;
	t->hops = fx->hops[i];
	t->regions = fx->regions[i];
	fx->ut[i].t = t;
	fx->ut[i].hops = fx->uh[i];
	fx->visible[fx->m.nvisible++] = i;
	return i;
}

static void
fx_region(struct fx *fx, size_t i, const char *region)
{
	struct target *t = &fx->t[i];

	t->regions[t->nregions++] = S(fx, region);
}

/* Add a hop to target i; returns its ui_hop. */
static struct ui_hop *
fx_hop(struct fx *fx, size_t i, enum hop_kind kind, const char *role_arn,
       const char *profile)
{
	struct target *t = &fx->t[i];
	struct hop *h = &t->hops[t->nhops];

	assert_true(t->nhops < NH);
	h->kind = kind;
	h->role_arn = S(fx, role_arn);
	h->profile = S(fx, profile);
	return &fx->uh[i][t->nhops++];
}

static void
fx_assumed(struct fx *fx, struct ui_hop *uh, const char *arn,
           const char *account, time_t expiration, bool cached)
{
	uh->state = UI_READY;
	uh->arn = S(fx, arn);
	uh->account = S(fx, account);
	uh->expiration = expiration;
	uh->cached = cached;
}

static void
fx_cluster(struct fx *fx, size_t i, const char *region, const char *name,
           const char *version, const char *status, const char *endpoint)
{
	struct ui_target *ut = &fx->ut[i];
	struct eks_cluster *c;

	if (ut->clusters == NULL)
		ut->clusters = &fx->cl[0];
	c = &ut->clusters[ut->nclusters++];
	c->region = S(fx, region);
	c->name = S(fx, name);
	c->version = S(fx, version);
	c->status = S(fx, status);
	c->endpoint = S(fx, endpoint);
}

#define CI_ROLE "arn:aws:iam::111111111111:role/ci-runner"
#define CI_ARN "arn:aws:sts::111111111111:assumed-role/ci-runner/rolehop-ci"
#define DEV_ARN "arn:aws:sts::222222222222:assumed-role/dev-admin/rolehop"

/* dev: ready, two hops, clusters in two regions and a region error;
 * staging: assuming; qa: failed on hop 2; prod: confirm, red, idle. */
static struct fx *
fx_four(void)
{
	struct fx *fx = fx_new();
	struct ui_cluster_error *e;
	struct ui_target *ut;
	struct ui_hop *uh;
	size_t i;

	i = fx_target(fx, "dev", TARGET_ROLEHOP_CONFIG, NULL, "eu-west-1",
	              "green", false);
	fx_region(fx, i, "eu-west-1");
	fx_region(fx, i, "us-east-1");
	fx_region(fx, i, "ap-south-1");
	uh = fx_hop(fx, i, HOP_WEB_IDENTITY, CI_ROLE, NULL);
	fx_assumed(fx, uh, CI_ARN, "111111111111", T0 + 7170, true);
	uh = fx_hop(fx, i, HOP_ASSUME_ROLE,
	            "arn:aws:iam::222222222222:role/dev-admin", NULL);
	fx_assumed(fx, uh, DEV_ARN, "222222222222", T0 + 3598, false);
	ut = &fx->ut[i];
	ut->state = UI_READY;
	ut->identity_state = UI_READY;
	ut->identity_arn = S(fx, DEV_ARN);
	ut->identity_account = S(fx, "222222222222");
	ut->clusters_state = UI_READY;
	fx_cluster(fx, i, "eu-west-1", "dev-main", "1.31", "ACTIVE",
	           "https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks."
	           "amazonaws.com");
	fx_cluster(fx, i, "eu-west-1", "dev-tools", "1.30", "ACTIVE",
	           "https://99AA88BB77CC66DD55EE44FF33001122.yl4.eu-west-1.eks."
	           "amazonaws.com");
	fx_cluster(fx, i, "us-east-1", "dev-batch", "1.29", "UPDATING",
	           "https://FEDCBA9876543210FEDCBA9876543210.sk1.us-east-1.eks."
	           "amazonaws.com");
	ut->cluster_errors = fx->ce;
	ut->ncluster_errors = 1;
	e = &fx->ce[0];
	e->region = S(fx, "ap-south-1");
	e->code = S(fx, "AccessDeniedException");
	e->message = S(fx, "User: " DEV_ARN " is not authorized to perform: "
	                   "eks:ListClusters");

	i = fx_target(fx, "staging", TARGET_AWS_CONFIG, "staging", "us-east-1",
	              "yellow", false);
	uh = fx_hop(fx, i, HOP_WEB_IDENTITY, CI_ROLE, "ci");
	fx_assumed(fx, uh, CI_ARN, "111111111111", T0 + 7170, true);
	uh = fx_hop(fx, i, HOP_ASSUME_ROLE,
	            "arn:aws:iam::333333333333:role/staging-deploy", "staging");
	uh->state = UI_PENDING;
	fx->ut[i].state = UI_PENDING;

	i = fx_target(fx, "qa", TARGET_AWS_CONFIG, "qa", "eu-central-1", NULL,
	              false);
	uh = fx_hop(fx, i, HOP_STATIC, NULL, "qa-base");
	fx_assumed(fx, uh, "arn:aws:iam::111111111111:user/qa-base",
	           "111111111111", 0, false);
	uh = fx_hop(fx, i, HOP_ASSUME_ROLE,
	            "arn:aws:iam::444444444444:role/qa-admin", "qa");
	uh->state = UI_FAILED;
	ut = &fx->ut[i];
	ut->state = UI_FAILED;
	ut->failed_hop = 2;
	ut->error = S(fx, "AccessDenied: User: arn:aws:iam::111111111111:user/"
	                  "qa-base is not authorized to perform: "
	                  "sts:AssumeRole on resource: "
	                  "arn:aws:iam::444444444444:role/qa-admin");
	ut->hint = S(fx, "the trust policy of qa-admin must allow "
	                 "arn:aws:iam::111111111111:user/qa-base (and its "
	                 "ExternalId, if it has one)");

	i = fx_target(fx, "prod", TARGET_ROLEHOP_CONFIG, NULL, "eu-west-1",
	              "red", true);
	fx_hop(fx, i, HOP_WEB_IDENTITY, CI_ROLE, NULL);
	fx_hop(fx, i, HOP_ASSUME_ROLE,
	       "arn:aws:iam::555555555555:role/prod-operator", NULL);
	return fx;
}

/* ------------------------------------------------------------------ */
/* frame */

static void
test_frame_put_clips(void **state)
{
	struct frame f = {0};
	char *text;

	(void)state;
	frame_reset(&f, 2, 10);
	assert_int_equal(frame_put(&f, 0, 0, STYLE_NORMAL, "abcdefghijkl"), 10);
	/* A wide character never straddles the right edge. */
	assert_int_equal(frame_put(&f, 1, 0, STYLE_NORMAL, "abcdefghi\u540d"),
	                 9);
	assert_string_equal(frame_cell(&f, 1, 9)->glyph, " ");
	text = frame_to_text(&f);
	assert_string_equal(text, "abcdefghij\nabcdefghi");
	free(text);
	/* Outside the frame: ignored. */
	assert_int_equal(frame_put(&f, 5, 0, STYLE_NORMAL, "x"), 0);
	assert_int_equal(frame_put(&f, -1, 0, STYLE_NORMAL, "x"), 0);
	assert_int_equal(frame_put(&f, 0, 10, STYLE_NORMAL, "x"), 10);
	assert_null(frame_cell(&f, 2, 0));
	assert_int_equal(frame_style_at(&f, 9, 9), STYLE_NORMAL);
	frame_free(&f);
}

static void
test_frame_wide_chars(void **state)
{
	struct frame f = {0};
	char *text;

	(void)state;
	frame_reset(&f, 1, 12);
	/* CJK and emoji take two cells; the right one has width 0. */
	assert_int_equal(frame_put(&f, 0, 0, STYLE_OK, "\u540d\U0001F680x"), 5);
	assert_int_equal(frame_cell(&f, 0, 0)->width, 2);
	assert_int_equal(frame_cell(&f, 0, 1)->width, 0);
	assert_int_equal(frame_style_at(&f, 0, 1), STYLE_OK);
	assert_int_equal(frame_cell(&f, 0, 2)->width, 2);
	assert_int_equal(frame_text_width(&f, "\u540d\U0001F680x"), 5);
	/* Overwriting either half blanks the other one. */
	frame_put(&f, 0, 1, STYLE_NORMAL, "a");
	frame_put(&f, 0, 2, STYLE_NORMAL, "b");
	text = frame_to_text(&f);
	assert_string_equal(text, " ab x");
	free(text);
	frame_free(&f);
}

static void
test_frame_sanitises(void **state)
{
	struct frame f = {0};
	char *text;

	(void)state;
	frame_reset(&f, 1, 40);
	/* Controls, invalid UTF-8, overlongs, surrogates and bidi
	 * overrides are all '?'; variation selectors vanish. */
	frame_put(&f, 0, 0, STYLE_NORMAL,
	          "a\tb\x1b[31m\n\x7f\xc2\x9b|\xff\xc0\xaf|\xed\xa0\x80|"
	          "\u202e|\u200b|\u2764\ufe0f|\xe4\xb8");
	text = frame_to_text(&f);
	assert_string_equal(text, "a?b?[31m???|???|???|?|?|\u2764|??");
	free(text);
	frame_free(&f);
}

static void
test_frame_fit_and_ellipsis(void **state)
{
	struct frame f = {0};
	char *text;

	(void)state;
	frame_reset(&f, 6, 20);
	assert_int_equal(
	    frame_put_fit(&f, 0, 0, 8, STYLE_SELECTED, "hello world"), 8);
	assert_int_equal(frame_put_fit(&f, 1, 0, 8, STYLE_NORMAL, "hi"), 8);
	assert_int_equal(frame_style_at(&f, 0, 7), STYLE_SELECTED);
	/* The pad takes the style too (a selection bar). */
	frame_put_fit(&f, 1, 0, 8, STYLE_SELECTED, "hi");
	assert_int_equal(frame_style_at(&f, 1, 7), STYLE_SELECTED);
	/* A wide char that would leave no room for the ellipsis goes. */
	frame_put_fit(&f, 2, 0, 5, STYLE_NORMAL, "\u540d\u524d\u540d\u524d");
	frame_put_right(&f, 3, 0, 8, STYLE_NORMAL, "59:58");
	frame_put_middle(&f, 4, 0, 20, STYLE_NORMAL,
	                 "arn:aws:iam::123456789012:role/some-long-role");
	frame_put_fit(&f, 5, 0, 0, STYLE_NORMAL, "nothing");
	text = frame_to_text(&f);
	assert_string_equal(text, "hello w\u2026\n"
	                          "hi\n"
	                          "\u540d\u524d\u2026\n"
	                          "   59:58\n"
	                          "arn:aw\u2026ome-long-role\n");
	free(text);
	/* ASCII mode: "~", and non-ASCII text becomes '?'. */
	f.ascii = true;
	frame_reset(&f, 2, 10);
	assert_true(f.ascii);
	frame_put_fit(&f, 0, 0, 8, STYLE_NORMAL, "hello world");
	frame_put_fit(&f, 1, 0, 8, STYLE_NORMAL, "\u540d-x\u2026");
	text = frame_to_text(&f);
	assert_string_equal(text, "hello w~\n?-x?");
	free(text);
	assert_string_equal(frame_ellipsis(&f), "~");
	frame_free(&f);
}

static void
test_frame_text_fit(void **state)
{
	struct frame f = {0};
	int used;

	(void)state;
	frame_reset(&f, 1, 1);
	assert_int_equal(frame_text_fit(&f, "ab\u540dc", 3, &used), 2);
	assert_int_equal(used, 2);
	assert_int_equal(frame_text_fit(&f, "ab\u540dc", 4, &used), 5);
	assert_int_equal(used, 4);
	assert_int_equal(frame_text_fit(&f, NULL, 4, &used), 0);
	assert_int_equal(frame_text_width(&f, NULL), 0);
	/* Sizes: negative is empty, huge is clipped. */
	frame_reset(&f, -3, 7);
	assert_int_equal(f.rows, 0);
	frame_reset(&f, 1, FRAME_MAX_SIDE + 10);
	assert_int_equal(f.cols, FRAME_MAX_SIDE);
	frame_free(&f);
}

/* ------------------------------------------------------------------ */
/* theme */

static void
test_theme(void **state)
{
	const struct theme *color = theme_get(true), *mono = theme_get(false);
	int s;

	(void)state;
	assert_true(color->color);
	assert_false(mono->color);
	for (s = 0; s < STYLE_COUNT; s++) {
		assert_int_equal(theme_style(mono, s)->fg, THEME_DEFAULT);
		assert_int_equal(theme_style(mono, s)->bg, THEME_DEFAULT);
		assert_true(theme_style(color, s)->fg >= -1 &&
		            theme_style(color, s)->fg <= 7);
		assert_true(theme_style(color, s)->bg >= -1 &&
		            theme_style(color, s)->bg <= 7);
		assert_string_not_equal(theme_style_name(s), "?");
	}
	assert_string_equal(theme_style_name(STYLE_DANGER_RED), "danger-red");
	assert_string_equal(theme_style_name(STYLE_COUNT), "?");
	assert_ptr_equal(theme_style(mono, 999),
	                 theme_style(mono, STYLE_NORMAL));
	/* What must stand out without colour does. */
	assert_true(theme_style(mono, STYLE_SELECTED)->attr & THEME_REVERSE);
	assert_true(theme_style(mono, STYLE_WARN)->attr & THEME_BOLD);
	assert_true(theme_style(mono, STYLE_CRIT)->attr & THEME_BOLD);
	assert_true(theme_style(mono, STYLE_EXPIRED)->attr & THEME_REVERSE);
	assert_int_equal(theme_style(color, STYLE_CRIT)->fg, THEME_RED);
	assert_int_equal(theme_style(color, STYLE_WARN)->fg, THEME_YELLOW);
	assert_int_equal(theme_style(color, STYLE_OK)->fg, THEME_GREEN);
	/* Config colour names. */
	assert_int_equal(theme_danger_style("red"), STYLE_DANGER_RED);
	assert_int_equal(theme_danger_style("Yellow"), STYLE_DANGER_YELLOW);
	assert_int_equal(theme_danger_style("green"), STYLE_DANGER_GREEN);
	assert_int_equal(theme_danger_style("BLUE"), STYLE_DANGER_BLUE);
	assert_int_equal(theme_danger_style("magenta"), STYLE_DANGER_MAGENTA);
	assert_int_equal(theme_danger_style("cyan"), STYLE_DANGER_CYAN);
	assert_int_equal(theme_danger_style("orange"), STYLE_NORMAL);
	assert_int_equal(theme_danger_style(""), STYLE_NORMAL);
	assert_int_equal(theme_danger_style(NULL), STYLE_NORMAL);
}

/* ------------------------------------------------------------------ */
/* the main screen */

static void
test_main_80x24(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	int r;

	(void)state;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "main-80x24");
	/* The selected row is a bar; names carry their danger colour. */
	r = find_row(&f, "staging");
	assert_int_equal(frame_style_at(&f, 2, 3), STYLE_SELECTED);
	assert_int_equal(frame_style_at(&f, 2, 60), STYLE_SELECTED);
	assert_int_equal(frame_style_at(&f, r, 3), STYLE_DANGER_YELLOW);
	assert_int_equal(style_of(&f, "prod "), STYLE_DANGER_RED);
	assert_int_equal(style_of(&f, "qa "), STYLE_NORMAL);
	assert_int_equal(style_of(&f, "failed"), STYLE_ERROR);
	assert_int_equal(style_of(&f, "idle"), STYLE_DIM);
	assert_int_equal(style_of(&f, "assuming"), STYLE_SPINNER);
	/* The hop countdowns and the region error. */
	assert_int_equal(style_of(&f, "1h59m"), STYLE_OK);
	assert_int_equal(style_of(&f, "AccessDeniedException"), STYLE_ERROR);
	assert_int_equal(style_of(&f, "UPDATING"), STYLE_WARN);
	assert_int_equal(style_of(&f, "CLUSTER"), STYLE_HEADER);
	/* Busy: the spinner's first frame in the title. */
	assert_int_equal(find_col(&f, 0, "\u280b"), 65);
	assert_int_equal(frame_style_at(&f, 0, 65), STYLE_SPINNER);
	assert_int_equal(style_of(&f, "12:00:00 UTC"), STYLE_DIM);
	assert_int_equal(style_of(&f, "rolehop"), STYLE_TITLE);
	assert_int_equal(find_col(&f, 23, "Enter shell"), 1);
	assert_int_equal(frame_style_at(&f, 23, 1), STYLE_KEY);
	assert_int_equal(frame_style_at(&f, 23, 7), STYLE_NORMAL);
	frame_free(&f);
	fx_free(fx);
}

static void
test_main_failed_hop(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};

	(void)state;
	fx->m.sel = 2;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "main-failed-80x24");
	assert_int_equal(style_of(&f, "AccessDenied: User"), STYLE_ERROR);
	assert_int_equal(style_of(&f, "hint: the trust policy"), STYLE_ERROR);
	assert_int_equal(style_of(&f, "keys of profile qa-base"), STYLE_NORMAL);
	frame_free(&f);
	fx_free(fx);
}

static void
test_main_clusters_focus(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	int r;

	(void)state;
	fx->m.focus = FOCUS_CLUSTERS;
	fx->m.cluster_sel = 2;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "clusters-focus-80x24");
	assert_int_equal(frame_style_at(&f, 2, 3), STYLE_SELECTED_IDLE);
	r = find_row(&f, "dev-batch");
	assert_int_equal(find_col(&f, r, "\u25b6"), 1);
	assert_int_equal(frame_style_at(&f, r, 30), STYLE_SELECTED);
	r = find_row(&f, "dev-tools");
	assert_int_equal(frame_style_at(&f, r, 1), STYLE_NORMAL);
	frame_free(&f);
	fx_free(fx);
}

static void
test_countdown_styles(void **state)
{
	static const struct {
		long left;
		const char *text;
		enum style style;
	} cases[] = {
	    {100L * 3600 + 60, "4d04h", STYLE_OK},
	    {3600 + 120, "1h02m", STYLE_OK},
	    {3599, "59:59", STYLE_OK},
	    {MODEL_WARN_SECONDS, "15:00", STYLE_OK},
	    {MODEL_WARN_SECONDS - 1, "14:59", STYLE_WARN},
	    {MODEL_CRIT_SECONDS, "05:00", STYLE_WARN},
	    {MODEL_CRIT_SECONDS - 1, "04:59", STYLE_CRIT},
	    {1, "00:01", STYLE_CRIT},
	    {0, "expired", STYLE_EXPIRED},
	};
	struct fx *fx = fx_new();
	struct frame f = {0};
	size_t i, n = sizeof(cases) / sizeof(cases[0]);
	char name[16];
	int r, c;

	(void)state;
	for (i = 0; i < n; i++) {
		size_t t;
		struct ui_hop *uh;

		snprintf(name, sizeof(name), "t%zu", i);
		t = fx_target(fx, name, TARGET_AWS_CONFIG, name, NULL, NULL,
		              false);
		uh = fx_hop(fx, t, HOP_ASSUME_ROLE,
		            "arn:aws:iam::123456789012:role/x", NULL);
		fx_assumed(fx, uh, "arn:aws:sts::123456789012:assumed-role/x/s",
		           "123456789012", T0 + cases[i].left, false);
		fx->ut[t].state = UI_READY;
	}
	/* A target with no expiry at all. */
	i = fx_target(fx, "static", TARGET_AWS_CONFIG, "static", NULL, NULL,
	              false);
	fx_assumed(fx, fx_hop(fx, i, HOP_STATIC, NULL, "static"), NULL, NULL, 0,
	           false);
	fx->ut[i].state = UI_READY;
	fx->m.sel = n; /* the last: the list shows every countdown */
	view_build(&fx->m, T0, 40, 80, &f);
	c = find_col(&f, 1, "EXPIRES");
	assert_true(c > 0);
	for (i = 0; i < n; i++) {
		r = 2 + (int)i;
		snprintf(name, sizeof(name), "t%zu ", i);
		assert_int_equal(find_col(&f, r, name), 3);
		assert_int_equal(find_col(&f, r, cases[i].text),
		                 c + 7 - (int)strlen(cases[i].text));
		assert_int_equal(frame_style_at(&f, r, c + 6), cases[i].style);
	}
	r = 2 + (int)n;
	assert_string_equal(frame_cell(&f, r, c + 6)->glyph, "-");
	assert_int_equal(frame_style_at(&f, r, c + 6), STYLE_SELECTED);
	frame_free(&f);
	/* On the selected row, an urgent countdown keeps its colour and a
	 * calm one takes the selection's. */
	fx->m.sel = 6;
	view_build(&fx->m, T0, 40, 80, &f);
	assert_int_equal(frame_style_at(&f, 8, c + 6), STYLE_CRIT);
	frame_free(&f);
	fx->m.sel = 1;
	view_build(&fx->m, T0, 40, 80, &f);
	assert_int_equal(frame_style_at(&f, 3, c + 6), STYLE_SELECTED);
	assert_int_equal(frame_style_at(&f, 2 + (int)n, c + 6), STYLE_DIM);
	frame_free(&f);
	fx_free(fx);
}

static void
test_min_40x12(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	char *text;

	(void)state;
	view_build(&fx->m, T0, 12, 40, &f);
	assert_golden(&f, "min-40x12");
	fx->m.focus = FOCUS_CLUSTERS;
	view_build(&fx->m, T0, 12, 40, &f);
	assert_golden(&f, "min-clusters-40x12");
	text = frame_to_text(&f);
	assert_non_null(strstr(text, "dev-main"));
	free(text);
	frame_free(&f);
	fx_free(fx);
}

static void
test_too_small(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	char *text;
	int rows, cols;
	enum ui_screen s;

	(void)state;
	view_build(&fx->m, T0, 12, 39, &f);
	assert_golden(&f, "too-small-39x12");
	view_build(&fx->m, T0, 11, 80, &f);
	assert_golden(&f, "too-small-80x11");
	view_build(&fx->m, T0, 0, 0, &f);
	text = frame_to_text(&f);
	assert_string_equal(text, "");
	free(text);
	view_build(&fx->m, T0, 1, 1, &f);
	text = frame_to_text(&f);
	assert_string_equal(text, "\u2026");
	free(text);
	/* Every size, every screen: no crash (ASan), no spill. */
	fx->m.confirm.kind = REQ_SHELL;
	fx->m.confirm.target = 3;
	for (s = SCREEN_MAIN; s <= SCREEN_CONFIRM; s++)
		for (rows = -1; rows <= 26; rows++)
			for (cols = -1; cols <= 90; cols++) {
				fx->m.screen = s;
				fx->m.sel = (size_t)(rows + cols) % 4;
				fx->m.focus =
				    cols % 2 ? FOCUS_CLUSTERS : FOCUS_TARGETS;
				view_build(&fx->m, T0, rows, cols, &f);
				assert_int_equal(f.rows, rows < 0 ? 0 : rows);
				assert_int_equal(f.cols, cols < 0 ? 0 : cols);
				assert_true(
				    view_page_rows(rows, cols, &fx->m) >= 1);
			}
	frame_free(&f);
	fx_free(fx);
}

static void
test_wide_120x40(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	struct ui_hop *uh;
	size_t i;

	(void)state;
	i = fx_target(fx, "broken", TARGET_AWS_CONFIG, "broken", NULL, NULL,
	              false);
	fx->t[i].error = S(fx, "source_profile cycle: broken -> base -> "
	                       "broken");
	fx->t[i].error_hint = S(fx, "fix source_profile in ~/.aws/config");
	i = fx_target(fx, "ambient", TARGET_AMBIENT, NULL, "us-west-2", NULL,
	              false);
	uh = fx_hop(fx, i, HOP_WEB_IDENTITY,
	            "arn:aws:iam::666666666666:role/irsa-pod", NULL);
	fx_assumed(fx, uh,
	           "arn:aws:sts::666666666666:assumed-role/irsa-pod/botocore",
	           "666666666666", T0 + 250, false);
	fx->ut[i].state = UI_READY;
	fx->ut[i].refreshing = true;
	fx->ut[i].identity_state = UI_PENDING;
	fx->ut[i].clusters_state = UI_PENDING;
	fx->m.spinner = 3;
	view_build(&fx->m, T0, 40, 120, &f);
	assert_golden(&f, "wide-120x40");
	assert_int_equal(style_of(&f, "invalid"), STYLE_ERROR);
	/* The unresolved chain, selected. */
	fx->m.sel = 4;
	view_build(&fx->m, T0, 40, 120, &f);
	assert_golden(&f, "unresolved-120x40");
	assert_int_equal(style_of(&f, "source_profile cycle"), STYLE_ERROR);
	/* Refreshing, identity and clusters in flight. */
	fx->m.sel = 5;
	view_build(&fx->m, T0, 40, 120, &f);
	assert_golden(&f, "refreshing-120x40");
	frame_free(&f);
	fx_free(fx);
}

static void
test_help(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	char *text;

	(void)state;
	fx->m.screen = SCREEN_HELP;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "help-80x24");
	/* Generated from the action table. */
	text = frame_to_text(&f);
	assert_non_null(strstr(text, action_info(ACTION_QUIT_ENV)->help));
	assert_non_null(strstr(text, action_info(ACTION_SHELL)->keys));
	free(text);
	/* The legend's samples are drawn in the styles they explain. */
	assert_int_equal(style_of(&f, "1h00m"), STYLE_OK);
	assert_int_equal(style_of(&f, "14:59"), STYLE_WARN);
	assert_int_equal(style_of(&f, "04:59"), STYLE_CRIT);
	assert_int_equal(style_of(&f, "expired"), STYLE_EXPIRED);
	view_build(&fx->m, T0, 12, 40, &f);
	assert_golden(&f, "help-40x12");
	frame_free(&f);
	fx_free(fx);
}

static void
test_filter(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	char *text;

	(void)state;
	fx->m.filtering = true;
	snprintf(fx->m.filter, sizeof(fx->m.filter), "pr");
	fx->visible[0] = 3;
	fx->m.nvisible = 1;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "filter-80x24");
	assert_int_equal(find_col(&f, 1, "/ pr\u2588"), 1);
	assert_int_equal(style_of(&f, "pr\u2588"), STYLE_INPUT);
	/* Applied (not typing): the line stays, without the cursor. */
	fx->m.filtering = false;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_int_equal(find_col(&f, 1, "/ pr "), 1);
	/* Nothing matches. */
	snprintf(fx->m.filter, sizeof(fx->m.filter), "zzz");
	fx->m.nvisible = 0;
	view_build(&fx->m, T0, 24, 80, &f);
	text = frame_to_text(&f);
	assert_non_null(strstr(text, "no target matches the filter"));
	assert_non_null(strstr(text, "0 of 4 targets"));
	free(text);
	frame_free(&f);
	fx_free(fx);
}

static void
test_confirm(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	int r;

	(void)state;
	fx->m.screen = SCREEN_CONFIRM;
	fx->m.confirm.kind = REQ_SHELL;
	fx->m.confirm.target = 3;
	fx->m.confirm.cluster = -1;
	fx->m.sel = 3;
	snprintf(fx->m.confirm_input, sizeof(fx->m.confirm_input), "pro");
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "confirm-80x24");
	r = find_row(&f, "prod is marked confirm");
	assert_int_equal(style_of(&f, "prod is marked"), STYLE_DANGER_RED);
	assert_int_equal(style_of(&f, "is marked"), STYLE_NORMAL);
	assert_int_equal(style_of(&f, "pro\u2588"), STYLE_INPUT);
	assert_int_equal(frame_style_at(&f, r, 8), STYLE_DANGER_RED);
	/* What is behind the box is dimmed. */
	assert_int_equal(style_of(&f, "rolehop"), STYLE_DIM);
	/* A kubeconfig for a cluster, on the smallest screen. */
	fx->m.confirm.kind = REQ_KUBECONFIG;
	fx->m.confirm.target = 0;
	fx->m.confirm.cluster = 0;
	fx->m.confirm_input[0] = '\0';
	view_build(&fx->m, T0, 12, 40, &f);
	assert_golden(&f, "confirm-40x12");
	assert_int_equal(style_of(&f, "dev is marked"), STYLE_DANGER_GREEN);
	frame_free(&f);
	fx_free(fx);
}

static void
test_status_line(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	char *text;

	(void)state;
	snprintf(fx->m.status, sizeof(fx->m.status),
	         "kubeconfig: context dev/dev-main written");
	fx->m.status_kind = STATUS_OK;
	fx->m.status_at = T0 - 9;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_int_equal(find_col(&f, 22, "kubeconfig: context"), 1);
	assert_int_equal(frame_style_at(&f, 22, 1), STYLE_STATUS_OK);
	fx->m.status_kind = STATUS_ERROR;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_int_equal(frame_style_at(&f, 22, 1), STYLE_STATUS_ERROR);
	/* After ten seconds the hint comes back. */
	fx->m.status_at = T0 - 10;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_int_equal(find_col(&f, 22, "kubeconfig: context"), -1);
	assert_int_equal(frame_style_at(&f, 22, 1), STYLE_DIM);
	text = frame_to_text(&f);
	assert_non_null(strstr(text, "Tab selects a cluster"));
	free(text);
	frame_free(&f);
	fx_free(fx);
}

static void
test_ascii(void **state)
{
	struct fx *fx = fx_four();
	struct frame f = {0};
	unsigned sp;
	int s;

	(void)state;
	fx->m.utf8 = false;
	fx->m.color = false;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "ascii-80x24");
	assert_ascii(&f);
	/* Styles are still set: the theme drops the colours. */
	assert_int_equal(frame_style_at(&f, 2, 3), STYLE_SELECTED);
	assert_int_equal(style_of(&f, "prod "), STYLE_DANGER_RED);
	/* Every screen, every spinner frame, non-ASCII data. */
	fx->t[1].name = S(fx, "st\u00e4ging-\u540d\U0001F680");
	snprintf(fx->m.status, sizeof(fx->m.status), "caf\u00e9 \u2713");
	fx->m.status_at = T0;
	fx->m.confirm.kind = REQ_SHELL;
	fx->m.confirm.target = 1;
	snprintf(fx->m.confirm_input, sizeof(fx->m.confirm_input), "\u00e4");
	for (s = SCREEN_MAIN; s <= SCREEN_CONFIRM; s++)
		for (sp = 0; sp < 5; sp++) {
			fx->m.screen = (enum ui_screen)s;
			fx->m.spinner = sp;
			fx->m.sel = sp % 4;
			view_build(&fx->m, T0, 24, 80, &f);
			assert_ascii(&f);
			view_build(&fx->m, T0, 12, 40, &f);
			assert_ascii(&f);
		}
	fx->m.screen = SCREEN_MAIN;
	fx->m.sel = 2;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "ascii-failed-80x24");
	assert_ascii(&f);
	frame_free(&f);
	fx_free(fx);
}

static void
test_hostile_names(void **state)
{
	struct fx *fx = fx_new();
	struct frame f = {0};
	char *text, *line;
	size_t i;
	int r, lines = 1;

	(void)state;
	fx_target(fx, "\u540d\u524d-dev", TARGET_AWS_CONFIG, "x", NULL, NULL,
	          false);
	fx_target(fx, "rocket-\U0001F680-prod", TARGET_AWS_CONFIG, "x", NULL,
	          "red", false);
	fx_target(fx, "evil\n\x1b[31mred\x1b[0m\r", TARGET_AWS_CONFIG, "x",
	          NULL, NULL, false);
	fx_target(fx, "rtl-\u202eved", TARGET_AWS_CONFIG, "x", NULL, NULL,
	          false);
	fx_target(fx, "bad-\xff\xfe-utf8", TARGET_AWS_CONFIG, "x", NULL, NULL,
	          false);
	fx_target(fx,
	          "\u540d\u540d\u540d\u540d\u540d\u540d\u540d\u540d\u540d"
	          "\u540d\u540d\u540d\u540d\u540d\u540d\u540d\u540d",
	          TARGET_AWS_CONFIG, "x", NULL, NULL, false);
	for (i = 0; i < fx->m.ntargets; i++)
		fx_hop(fx, i, HOP_ASSUME_ROLE,
		       "arn:aws:iam::123456789012:role/\x1b]0;pwned\x07", NULL);
	snprintf(fx->m.status, sizeof(fx->m.status), "line1\nline2\x1b[2J");
	fx->m.status_at = T0;
	fx->m.sel = 2;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "hostile-80x24");
	text = frame_to_text(&f);
	/* Nothing raw: no escape, no carriage return, no extra line. */
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\r'));
	assert_null(strchr(text, '\x07'));
	for (line = text; (line = strchr(line, '\n')) != NULL; line++)
		lines++;
	assert_int_equal(lines, 24);
	free(text);
	/* The wide name: two cells per character, aligned columns. */
	r = find_row(&f, "\u540d\u524d-dev");
	assert_int_equal(frame_cell(&f, r, 3)->width, 2);
	assert_int_equal(frame_cell(&f, r, 4)->width, 0);
	assert_int_equal(find_col(&f, r, "-dev"), 7);
	assert_int_equal(find_col(&f, r, "idle"),
	                 find_col(&f, find_row(&f, "rtl-"), "idle"));
	frame_free(&f);
	fx_free(fx);
}

static void
test_scroll_30(void **state)
{
	struct fx *fx = fx_new();
	struct frame f = {0};
	char name[16], *text;
	size_t i;

	(void)state;
	for (i = 0; i < 30; i++) {
		size_t t;

		snprintf(name, sizeof(name), "target-%02zu", i + 1);
		t = fx_target(fx, name, TARGET_AWS_CONFIG, name, "eu-west-1",
		              i % 7 == 0 ? "red" : NULL, false);
		fx_hop(fx, t, HOP_ASSUME_ROLE,
		       "arn:aws:iam::123456789012:role/r", NULL);
	}
	assert_int_equal(view_page_rows(24, 80, &fx->m), 8);
	assert_int_equal(view_page_rows(12, 40, &fx->m), 4);
	assert_int_equal(view_page_rows(40, 120, &fx->m), 13);
	assert_int_equal(view_page_rows(11, 80, &fx->m), 1);
	fx->m.sel = 27;
	fx->m.top = 20;
	view_build(&fx->m, T0, 24, 80, &f);
	assert_golden(&f, "scroll-80x24");
	/* A stale top is corrected so that the selection shows. */
	fx->m.top = 0;
	view_build(&fx->m, T0, 24, 80, &f);
	text = frame_to_text(&f);
	assert_non_null(strstr(text, "target-28"));
	assert_null(strstr(text, "target-20 "));
	assert_non_null(strstr(text, "28/30"));
	free(text);
	fx->m.sel = 0;
	fx->m.top = 29;
	view_build(&fx->m, T0, 24, 80, &f);
	text = frame_to_text(&f);
	assert_non_null(strstr(text, "target-01"));
	assert_non_null(strstr(text, "target-08"));
	assert_null(strstr(text, "target-09"));
	free(text);
	frame_free(&f);
	fx_free(fx);
}

static void
test_no_targets(void **state)
{
	struct fx *fx = fx_new();
	struct frame f = {0};
	char *text;

	(void)state;
	view_build(&fx->m, T0, 24, 80, &f);
	text = frame_to_text(&f);
	assert_non_null(strstr(text, "0 targets"));
	assert_non_null(strstr(text, "no targets"));
	free(text);
	frame_free(&f);
	fx_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frame_put_clips),
	    cmocka_unit_test(test_frame_wide_chars),
	    cmocka_unit_test(test_frame_sanitises),
	    cmocka_unit_test(test_frame_fit_and_ellipsis),
	    cmocka_unit_test(test_frame_text_fit),
	    cmocka_unit_test(test_theme),
	    cmocka_unit_test(test_main_80x24),
	    cmocka_unit_test(test_main_failed_hop),
	    cmocka_unit_test(test_main_clusters_focus),
	    cmocka_unit_test(test_countdown_styles),
	    cmocka_unit_test(test_min_40x12),
	    cmocka_unit_test(test_too_small),
	    cmocka_unit_test(test_wide_120x40),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_confirm),
	    cmocka_unit_test(test_status_line),
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_hostile_names),
	    cmocka_unit_test(test_scroll_30),
	    cmocka_unit_test(test_no_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
