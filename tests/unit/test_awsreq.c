/*
 * test_awsreq - deferred calls: admission below max_inflight, FIFO order,
 * direct submits ahead of deferred ones, synchronous failures, cancel and
 * cleanup.
 *
 * The group setup forks the loopback HTTP/1.1 server on 127.0.0.1
 * (loopback.h): /ok answers 200 at once, /hang never answers
 * (it holds a slot until the request is cancelled). Calls are unsigned
 * (creds NULL). Every check is on order and counts, none on timing: the
 * loop is driven by http_run(), or by http_poll()/http_pump() until a
 * condition holds.
 */
#include "config.h"

#include "awsreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loopback.h"
#include "xalloc.h"

#define MAX_PARALLEL 2
#define NITEMS 16

static int server_port;

/* ---- the loopback server's answers (run in forked children) ---- */

/* /ok answers at once; /hang waits for the peer to go away. */
static void
handle(int fd, const struct loopback_req *rq)
{
	if (strcmp(rq->path, "/ok") == 0) {
		loopback_send_resp(fd, "HTTP/1.1 200 OK",
		                   "Content-Type: text/xml\r\n", "<a/>", 4);
	} else if (strcmp(rq->path, "/hang") == 0) {
		loopback_wait_for_eof(fd, LOOPBACK_CONN_LIFETIME_S * 1000);
		_exit(0);
	} else {
		loopback_send_resp(fd, "HTTP/1.1 404 Not Found", "", "", 0);
	}
}

static int
group_setup(void **state)
{
	(void)state;
	server_port = loopback_start(handle);
	return server_port > 0 ? 0 : -1;
}

/* ---- client side ---- */

struct fx;

/* One call: submitted directly, or deferred (then start() submits it). */
struct item {
	struct fx *fx;
	int id;
	const char *path; /* NULL: the start function fails without a call */
	int started;      /* 1-based position in start order, 0 = never */
	size_t inflight_at_start;
	int finished_at_start; /* calls finished when start() ran */
	int reported;          /* start() failed synchronously */
	int done;              /* 1-based position in finish order, 0 = not */
	int done_inside_start; /* finished before awsreq_submit() returned */
	enum status status;
	char msg[1024];  /* as struct err */
	int cancels_all; /* start() calls awsreq_cancel_all() instead */
};

/* Lives on the heap so callbacks run from the teardown (after a failed
 * assertion) still write to valid memory. */
struct fx {
	struct http *h;
	struct awsctx ctx;
	struct endpoint ep;
	struct item it[NITEMS];
	int nstarted, nfinished;
	int order[NITEMS]; /* ids in start order */
	size_t max_inflight_after_start;
};

static int
setup(void **state)
{
	struct http_opts o = {.max_parallel = MAX_PARALLEL};
	struct fx *fx = xcalloc(1, sizeof *fx);

	fx->h = http_new(&o);
	if (fx->h == NULL)
		return -1;
	awsctx_init(&fx->ctx, fx->h);
	fx->ep.url = xasprintf("http://127.0.0.1:%d", server_port);
	fx->ep.host = xasprintf("127.0.0.1:%d", server_port);
	fx->ep.path = xstrdup("");
	fx->ep.region = xstrdup("us-east-1");
	fx->ep.custom = true;
	for (int i = 0; i < NITEMS; i++) {
		fx->it[i].fx = fx;
		fx->it[i].id = i;
		fx->it[i].path = "/ok";
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	/* After a failed assertion calls may still wait or be out. */
	awsctx_done(&fx->ctx);
	awsreq_cancel_all(&fx->ctx);
	http_free(fx->h);
	endpoint_done(&fx->ep);
	free(fx);
	return 0;
}

static void
on_done(void *arg, const struct aws_result *res)
{
	struct item *it = arg;

	it->done = ++it->fx->nfinished;
	it->status = res->status;
	snprintf(it->msg, sizeof it->msg, "%s", res->err.msg);
}

static void
submit(struct item *it)
{
	struct aws_call c = {
	    .service = "sts",
	    .ep = &it->fx->ep,
	    .method = "GET",
	    .path = it->path,
	    .creds = NULL,
	    .protocol = AWS_QUERY_XML,
	    .what = "Test",
	};

	awsreq_submit(&it->fx->ctx, &c, on_done, it);
}

/* The start function of a deferred call. */
static void
start(void *arg)
{
	struct item *it = arg;
	struct fx *fx = it->fx;

	fx->order[fx->nstarted++] = it->id;
	it->started = fx->nstarted;
	it->inflight_at_start = fx->ctx.inflight;
	it->finished_at_start = fx->nfinished;
	if (it->cancels_all) {
		awsreq_cancel_all(&fx->ctx);
		return;
	}
	if (it->path == NULL) {
		it->reported = 1; /* told its own caller; no call made */
		return;
	}
	submit(it);
	if (it->done)
		it->done_inside_start = 1;
	if (fx->ctx.inflight > fx->max_inflight_after_start)
		fx->max_inflight_after_start = fx->ctx.inflight;
}

static void
defer(struct fx *fx, int id)
{
	awsreq_defer(&fx->ctx, start, &fx->it[id]);
}

static void
assert_ok(const struct item *it)
{
	assert_int_not_equal(it->done, 0);
	assert_int_equal(it->status, ST_OK);
}

static void
assert_cancelled(const struct item *it)
{
	assert_int_not_equal(it->done, 0);
	assert_int_not_equal(it->status, ST_OK);
	assert_non_null(strstr(it->msg, "cancelled"));
}

static void
assert_idle(const struct fx *fx)
{
	assert_int_equal(http_pending(fx->h), 0);
	assert_int_equal(awsreq_deferred(&fx->ctx), 0);
	assert_int_equal(fx->ctx.inflight, 0);
}

/* 1. Below max_inflight a deferred call starts inside awsreq_defer(). */
static void
test_defer_starts_at_once(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(fx->ctx.max_inflight, MAX_PARALLEL);
	defer(fx, 0);
	assert_int_equal(fx->it[0].started, 1);
	assert_int_equal(fx->it[0].inflight_at_start, 0);
	assert_int_equal(awsreq_deferred(&fx->ctx), 0);
	assert_int_equal(fx->ctx.inflight, 1);
	assert_int_equal(http_pending(fx->h), 1);
	defer(fx, 1);
	assert_int_equal(fx->it[1].started, 2);
	assert_int_equal(fx->it[1].inflight_at_start, 1);
	assert_int_equal(awsreq_deferred(&fx->ctx), 0);
	assert_int_equal(fx->ctx.inflight, 2);
	http_run(fx->h);
	assert_ok(&fx->it[0]);
	assert_ok(&fx->it[1]);
	assert_idle(fx);
}

/* 2. At max_inflight deferred calls wait, then start one per finished
 * call, first deferred first started, never more than max_inflight out. */
static void
test_defer_waits_fifo_bounded(void **state)
{
	struct fx *fx = *state;
	const int n = 7;

	for (int i = 0; i < n; i++)
		defer(fx, i);
	assert_int_equal(fx->nstarted, MAX_PARALLEL);
	assert_int_equal(awsreq_deferred(&fx->ctx), n - MAX_PARALLEL);
	assert_int_equal(fx->ctx.inflight, MAX_PARALLEL);
	http_run(fx->h);
	assert_int_equal(fx->nstarted, n);
	for (int i = 0; i < n; i++) {
		const struct item *it = &fx->it[i];

		assert_int_equal(fx->order[i], i);
		assert_true(it->inflight_at_start < MAX_PARALLEL);
		/* The first two at once, then one per finished call. */
		assert_int_equal(it->finished_at_start,
		                 i < MAX_PARALLEL ? 0 : i - MAX_PARALLEL + 1);
		assert_ok(it);
	}
	assert_true(fx->max_inflight_after_start <= MAX_PARALLEL);
	assert_idle(fx);
}

/* 3. A direct submit while deferred calls wait goes out at once, ahead of
 * them. Slot 0 finishes at once, slot 1 (/hang) never: the first deferred
 * call can start only after two of {0, direct} have finished. */
static void
test_direct_submit_goes_ahead(void **state)
{
	struct fx *fx = *state;
	struct item *x = &fx->it[4];

	fx->it[1].path = "/hang";
	submit(&fx->it[0]);
	submit(&fx->it[1]);
	defer(fx, 2);
	defer(fx, 3);
	assert_int_equal(fx->nstarted, 0);
	assert_int_equal(awsreq_deferred(&fx->ctx), 2);
	submit(x);
	/* Handed to the http client now, past the bound. */
	assert_int_equal(fx->ctx.inflight, MAX_PARALLEL + 1);
	assert_int_equal(http_pending(fx->h), 3);
	assert_int_equal(awsreq_deferred(&fx->ctx), 2);
	assert_int_equal(fx->nstarted, 0);
	while (!fx->it[3].done && http_pending(fx->h) > 0) {
		http_poll(fx->h, NULL, 0, -1);
		http_pump(fx->h);
	}
	assert_ok(&fx->it[0]);
	assert_ok(x);
	assert_ok(&fx->it[2]);
	assert_ok(&fx->it[3]);
	assert_int_equal(fx->order[0], 2);
	assert_int_equal(fx->order[1], 3);
	/* The direct call had finished before the first deferred started. */
	assert_true(x->done <= fx->it[2].finished_at_start);
	assert_int_equal(fx->it[1].done, 0);
	awsreq_cancel_all(&fx->ctx);
	assert_cancelled(&fx->it[1]);
	assert_idle(fx);
}

/* 4. A start function that fails without submitting leaves no slot taken:
 * the next deferred call starts in the same turn. */
static void
test_sync_failure_does_not_stall(void **state)
{
	struct fx *fx = *state;

	submit(&fx->it[0]);
	submit(&fx->it[1]);
	fx->it[2].path = NULL;
	fx->it[3].path = NULL;
	for (int i = 2; i < 6; i++)
		defer(fx, i);
	assert_int_equal(awsreq_deferred(&fx->ctx), 4);
	http_run(fx->h);
	assert_int_equal(fx->nstarted, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fx->order[i], i + 2);
	assert_true(fx->it[2].reported && fx->it[3].reported);
	assert_int_equal(fx->it[2].done + fx->it[3].done, 0);
	/* 2, 3 and 4 all start when the first call finishes; 5 when the
	 * second does. */
	assert_int_equal(fx->it[2].finished_at_start, 1);
	assert_int_equal(fx->it[3].finished_at_start, 1);
	assert_int_equal(fx->it[4].finished_at_start, 1);
	assert_int_equal(fx->it[5].finished_at_start, 2);
	for (int i = 0; i < 6; i++)
		if (i != 2 && i != 3)
			assert_ok(&fx->it[i]);
	assert_idle(fx);

	/* Failing at once in awsreq_defer() itself holds nothing either. */
	fx->it[6].path = NULL;
	defer(fx, 6);
	assert_true(fx->it[6].reported);
	defer(fx, 7);
	defer(fx, 8);
	assert_int_equal(fx->it[7].started, 6);
	assert_int_equal(fx->it[8].started, 7);
	assert_int_equal(awsreq_deferred(&fx->ctx), 0);
	http_run(fx->h);
	assert_ok(&fx->it[7]);
	assert_ok(&fx->it[8]);
	assert_idle(fx);
}

/* 5. awsreq_cancel_all(): every deferred call starts and its call ends at
 * once as cancelled; calls in flight are cancelled; nothing is left. */
static void
test_cancel_all(void **state)
{
	struct fx *fx = *state;

	fx->it[0].path = "/hang";
	fx->it[1].path = "/hang";
	submit(&fx->it[0]);
	submit(&fx->it[1]);
	fx->it[4].path = NULL;
	for (int i = 2; i < 6; i++)
		defer(fx, i);
	assert_int_equal(awsreq_deferred(&fx->ctx), 4);
	assert_int_equal(fx->nstarted, 0);
	awsreq_cancel_all(&fx->ctx);
	assert_int_equal(fx->nstarted, 4);
	for (int i = 2; i < 6; i++) {
		assert_int_equal(fx->order[i - 2], i);
		if (i == 4) {
			assert_true(fx->it[i].reported);
			continue;
		}
		assert_true(fx->it[i].done_inside_start);
		assert_cancelled(&fx->it[i]);
	}
	assert_cancelled(&fx->it[0]);
	assert_cancelled(&fx->it[1]);
	assert_idle(fx);

	/* Afterwards calls go out again as usual. */
	defer(fx, 6);
	assert_int_equal(fx->it[6].started, 5);
	assert_false(fx->it[6].done_inside_start);
	http_run(fx->h);
	assert_ok(&fx->it[6]);
	assert_idle(fx);
}

/* 5b. awsreq_cancel_all() from a start function, that is from inside the
 * loop that starts deferred calls: the calls deferred after it still end
 * cancelled, none goes out. */
static void
test_cancel_all_from_a_start(void **state)
{
	struct fx *fx = *state;

	fx->it[1].path = "/hang";
	submit(&fx->it[0]); /* /ok: its end starts the deferred calls */
	submit(&fx->it[1]);
	fx->it[2].cancels_all = 1;
	for (int i = 2; i < 5; i++)
		defer(fx, i);
	assert_int_equal(awsreq_deferred(&fx->ctx), 3);
	http_run(fx->h);
	assert_ok(&fx->it[0]);
	assert_int_equal(fx->it[2].started, 1);
	assert_true(fx->it[3].done_inside_start);
	assert_cancelled(&fx->it[3]);
	assert_true(fx->it[4].done_inside_start);
	assert_cancelled(&fx->it[4]);
	assert_cancelled(&fx->it[1]);
	assert_idle(fx);
}

/* 6. awsctx_done() drops (and frees: ASan) calls never started; none of
 * them starts later. */
static void
test_done_frees_unstarted(void **state)
{
	struct fx *fx = *state;

	submit(&fx->it[0]);
	submit(&fx->it[1]);
	for (int i = 2; i < 5; i++)
		defer(fx, i);
	assert_int_equal(awsreq_deferred(&fx->ctx), 3);
	awsctx_done(&fx->ctx);
	assert_int_equal(awsreq_deferred(&fx->ctx), 0);
	http_run(fx->h);
	assert_ok(&fx->it[0]);
	assert_ok(&fx->it[1]);
	assert_int_equal(fx->nstarted, 0);
	assert_idle(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_defer_starts_at_once, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_defer_waits_fifo_bounded,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_direct_submit_goes_ahead,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_failure_does_not_stall,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_all_from_a_start, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_done_frees_unstarted, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, group_setup,
	                              loopback_group_teardown);
}
