/*
 * test_secret - secrets are zeroed before their memory is freed (#6).
 *
 * Linked with -Wl,--wrap=free: every free() called from this file and
 * from libcore.a goes through __wrap_free below, which looks at the block
 * before handing it to the real free():
 *
 *   - a block the test registered (pointer and length) must be all zero;
 *   - no freed block (malloc_usable_size() bytes) may still hold the
 *     watched secret, for the frees the test cannot register (the old
 *     block of a growing buf, a temporary of buf_printf, cJSON's nodes,
 *     the read buffer of a credentials file).
 *
 * Each test also checks that the frees it expects did pass through the
 * wrapper, so that a free moved out of reach does not pass silently.
 * Works with and without ASan (its free is reached through __real_free).
 * The secrets are fake.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "awscfg.h"
#include "b64.h"
#include "buf.h"
#include "creds.h"
#include "envsnap.h"
#include "err.h"
#include "jsonutil.h"
#include "xalloc.h"

#define SECRET "fakeSECRETfakeSECRETfakeSECRETfakeSECRET"
#define TOKEN "fakeTOKENfakeTOKENfakeTOKENfakeTOKENfakeTOKEN"

void __real_free(void *);
void __wrap_free(void *);

#define MAXREG 8

static struct {
	const void *p;
	size_t len;
	int freed; /* 0: not yet; 1: freed zeroed; -1: freed dirty */
} reg[MAXREG];
static size_t nreg;
static const char *watch; /* no freed block may contain this */
static int watch_hits;    /* freed blocks that still held it */
static int watch_frees;   /* frees seen while watching */

void
__wrap_free(void *p)
{
	if (p != NULL) {
		for (size_t i = 0; i < nreg; i++) {
			const unsigned char *b = reg[i].p;
			size_t j;

			if (reg[i].p != p || reg[i].freed != 0)
				continue;
			for (j = 0; j < reg[i].len && b[j] == 0; j++)
				;
			reg[i].freed = j == reg[i].len ? 1 : -1;
		}
		if (watch != NULL) {
			size_t n = malloc_usable_size(p), w = strlen(watch);

			watch_frees++;
			if (n >= w && memmem(p, n, watch, w) != NULL)
				watch_hits++;
		}
	}
	__real_free(p);
}

static int
setup(void **state)
{
	(void)state;
	memset(reg, 0, sizeof reg);
	nreg = 0;
	watch = NULL;
	watch_hits = watch_frees = 0;
	return 0;
}

static void
reg_add(const void *p, size_t len)
{
	assert_true(nreg < MAXREG);
	reg[nreg].p = p;
	reg[nreg].len = len;
	reg[nreg].freed = 0;
	nreg++;
}

/* Every registered block was freed, and was all zero then. */
static void
reg_check(void)
{
	for (size_t i = 0; i < nreg; i++) {
		if (reg[i].freed == 0)
			fail_msg("block %zu (%zu bytes) was never freed", i,
			         reg[i].len);
		if (reg[i].freed < 0)
			fail_msg("block %zu (%zu bytes) was freed holding data",
			         i, reg[i].len);
	}
}

static void
watch_check(int min_frees)
{
	int hits = watch_hits, frees = watch_frees;

	watch = NULL;
	if (hits)
		fail_msg("%d freed block(s) still held the secret", hits);
	if (frees < min_frees)
		fail_msg("only %d free(s) seen, expected %d at least", frees,
		         min_frees);
}

/* The wrapper itself: a plain free of a registered secret is caught. */
static void
test_wrapper_sees_plain_free(void **state)
{
	char *s = xstrdup(SECRET);

	(void)state;
	reg_add(s, strlen(s) + 1);
	free(s);
	assert_int_equal(reg[0].freed, -1);
	s = xstrdup(SECRET);
	watch = SECRET;
	free(s);
	assert_int_equal(watch_hits, 1);
	watch = NULL;
}

static void
test_secret_free(void **state)
{
	char *p = xmalloc(64);

	(void)state;
	memset(p, 'k', 64);
	reg_add(p, 64);
	secret_free(p, 64);
	reg_check();
	secret_free(NULL, 10); /* allowed */
}

static void
test_secret_free_str(void **state)
{
	char *s = xstrdup(SECRET);

	(void)state;
	reg_add(s, strlen(s) + 1);
	secret_free_str(s);
	reg_check();
	secret_free_str(NULL);
}

static void
test_buf_free_secret(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(buf_appends(&b, SECRET), 0);
	reg_add(b.data, b.cap);
	buf_free_secret(&b);
	reg_check();
	assert_null(b.data);
}

/* Growing a buffer moves the data; the old block is zeroed. */
static void
test_buf_grow(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(buf_appends(&b, SECRET), 0);
	reg_add(b.data, b.cap);
	watch = SECRET;
	for (int i = 0; i < 20; i++)
		assert_int_equal(buf_appends(&b, TOKEN), 0);
	reg_check();
	watch_check(1);
	buf_free_secret(&b);
}

/* buf_printf: a text longer than its stack buffer goes through a heap
 * temporary, zeroed before it is freed. */
static void
test_buf_printf_long(void **state)
{
	struct buf b;
	char pad[400];

	(void)state;
	memset(pad, '-', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	buf_init(&b, 1 << 16);
	watch = SECRET;
	assert_int_equal(buf_printf(&b, "%s%s", pad, SECRET), 0);
	watch_check(1);
	buf_free_secret(&b);
}

static void
test_creds_done(void **state)
{
	struct creds c;

	(void)state;
	creds_init(&c);
	c.access_key_id = xstrdup("ASIAFAKEFAKEFAKE0001");
	c.secret_access_key = xstrdup(SECRET);
	c.session_token = xstrdup(TOKEN);
	c.arn = xstrdup("arn:aws:sts::111111111111:assumed-role/r/s");
	reg_add(c.secret_access_key, strlen(SECRET) + 1);
	reg_add(c.session_token, strlen(TOKEN) + 1);
	creds_done(&c);
	reg_check();
	assert_null(c.secret_access_key);
	assert_null(c.session_token);
}

/* creds_move frees what dst held first. */
static void
test_creds_move(void **state)
{
	struct creds dst, src;

	(void)state;
	creds_init(&dst);
	creds_init(&src);
	dst.access_key_id = xstrdup("ASIAFAKEFAKEFAKE0002");
	dst.secret_access_key = xstrdup(SECRET);
	dst.session_token = xstrdup(TOKEN);
	src.access_key_id = xstrdup("ASIAFAKEFAKEFAKE0003");
	src.secret_access_key =
	    xstrdup("fakefakefakefakefakefakefakefakefakefake");
	reg_add(dst.secret_access_key, strlen(SECRET) + 1);
	reg_add(dst.session_token, strlen(TOKEN) + 1);
	creds_move(&dst, &src);
	reg_check();
	creds_done(&dst);
}

/* envsnap_free zeroes the values (the environment may carry keys), and so
 * does replacing or removing a variable. */
static void
test_envsnap(void **state)
{
	const char *vars[] = {"AWS_SECRET_ACCESS_KEY=" SECRET,
	                      "AWS_SESSION_TOKEN=" TOKEN, "HOME=/nonexistent",
	                      NULL};
	struct envsnap env;

	(void)state;
	envsnap_from(&env, vars);
	watch = SECRET;
	envsnap_set(&env, "AWS_SECRET_ACCESS_KEY", "other");
	watch_check(1);
	watch = TOKEN;
	envsnap_unset(&env, "AWS_SESSION_TOKEN");
	watch_check(1);
	envsnap_set(&env, "AWS_SECRET_ACCESS_KEY", SECRET);
	envsnap_set(&env, "AWS_SESSION_TOKEN", TOKEN);
	for (size_t i = 0; i < env.n; i++)
		reg_add(env.vars[i], strlen(env.vars[i]) + 1);
	envsnap_free(&env);
	reg_check();
}

/* cJSON's nodes and strings go through the zeroing free of jsonutil. */
static void
test_cjson(void **state)
{
	cJSON *doc;
	char *text;

	(void)state;
	doc = cJSON_Parse("{\"SecretAccessKey\":\"" SECRET
	                  "\",\"SessionToken\":\"" TOKEN "\"}");
	assert_non_null(doc);
	text = jsonutil_print(doc);
	assert_non_null(strstr(text, SECRET));
	watch = SECRET;
	cJSON_Delete(doc);
	secret_free_str(text);
	watch_check(3);
}

static void
test_b64_decode(void **state)
{
	char *enc = b64_encode(SECRET, strlen(SECRET), false);
	char *dec;
	size_t n;

	(void)state;
	dec = b64_decode(enc, strlen(enc), &n);
	assert_non_null(dec);
	assert_memory_equal(dec, SECRET, n);
	reg_add(dec, n);
	secret_free(dec, n);
	reg_check();
	free(enc);
}

/* A credentials file: the read buffer and the parsed values. */
static void
test_awscfg(void **state)
{
	char path[] = "/tmp/rolehop-test_secret.XXXXXX";
	const char text[] =
	    "[static]\naws_access_key_id = AKIAFAKEFAKEFAKE0001\n"
	    "aws_secret_access_key = " SECRET "\n";
	struct awscfg cfg;
	struct err e;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1),
	                 (ssize_t)(sizeof text - 1));
	close(fd);
	err_clear(&e);
	awscfg_init(&cfg);
	watch = SECRET;
	assert_int_equal(awscfg_load(&cfg, NULL, path, &e), ST_OK);
	awscfg_free(&cfg);
	watch_check(2);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_wrapper_sees_plain_free, setup),
	    cmocka_unit_test_setup(test_secret_free, setup),
	    cmocka_unit_test_setup(test_secret_free_str, setup),
	    cmocka_unit_test_setup(test_buf_free_secret, setup),
	    cmocka_unit_test_setup(test_buf_grow, setup),
	    cmocka_unit_test_setup(test_buf_printf_long, setup),
	    cmocka_unit_test_setup(test_creds_done, setup),
	    cmocka_unit_test_setup(test_creds_move, setup),
	    cmocka_unit_test_setup(test_envsnap, setup),
	    cmocka_unit_test_setup(test_cjson, setup),
	    cmocka_unit_test_setup(test_b64_decode, setup),
	    cmocka_unit_test_setup(test_awscfg, setup),
	};

	jsonutil_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
