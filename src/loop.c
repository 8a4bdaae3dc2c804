/*
 * loop - the event loop of `rolehop ui`.
 */
#include "config.h"

#include "loop.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "envout.h"
#include "frame.h"
#include "input.h"
#include "kubeconfig.h"
#include "model.h"
#include "spawn.h"
#include "tui.h"
#include "uidriver.h"
#include "view.h"
#include "xalloc.h"

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT, SIGTERM and SIGHUP end the loop; the old actions come back
 * afterwards. */
static void
catch_stop_signals(struct sigaction old[3])
{
	static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
}

static void
restore_signals(const struct sigaction old[3])
{
	static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};

	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
}

/* Milliseconds until the next whole second, the network's own deadline
 * if sooner. */
static long
wait_ms(struct http *http)
{
	struct timespec ts;
	long ms, net = http_timeout_ms(http);

	clock_gettime(CLOCK_REALTIME, &ts);
	/* A little past the boundary: time() may lag a precise clock. */
	ms = 1000 - ts.tv_nsec / 1000000 + 5;
	if (ms <= 0)
		ms = 1;
	return net >= 0 && net < ms ? net : ms;
}

/* Leave the screen, run the requested shell, come back. */
static void
run_shell(struct uidriver *d, time_t now)
{
	struct uishell sh;
	struct err e;
	int rc, tty, saved;

	if (uidriver_shell_prepare(d, &sh, now) != 0)
		return;
	tui_suspend();
	fputs(sh.banner, stderr);
	/* Under eval "$(rolehop ui)" our stdout is the caller's pipe: the
	 * shell's output belongs on the terminal, never in that eval. */
	tty = tui_tty_fd();
	saved = tty >= 0 ? dup(STDOUT_FILENO) : -1;
	if (saved >= 0)
		dup2(tty, STDOUT_FILENO);
	spawn_forwarded_signal = 0;
	rc = spawn_run(sh.argv, &sh.child.env, &e);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	if (rc < 0) {
		fprintf(stderr, "rolehop: %s\n", e.msg);
		rc = 127;
	}
	/* A hangup or TERM meant for the session ends us too. */
	if (spawn_forwarded_signal)
		stop_signal = spawn_forwarded_signal;
	tui_resume();
	uidriver_shell_done(d, &sh, rc, time(NULL));
}

/* A credential_process runs with the terminal: it may prompt. */
static void
foreground(void *arg, bool begin, const char *target)
{
	(void)arg;
	if (begin) {
		tui_suspend();
		fprintf(stderr,
		        "rolehop: running the credential_process of %s...\n",
		        target);
	} else {
		tui_resume();
	}
}

/* Quit with env: the statements for the selected target on stdout. */
static void
print_env(const struct cli *c, const struct model *m,
          const struct ui_request *r, const struct creds *creds)
{
	const struct ui_target *u = &m->targets[r->target];
	struct spawn_identity id = {.target = u->t->name,
	                            .account = creds->account,
	                            .region = u->t->region};
	struct envsnap child;

	if (!creds_valid(creds)) {
		fprintf(stderr, "rolehop: %s has no credentials to print\n",
		        u->t->name);
		return;
	}
	envsnap_from(&child, (const char *const *)c->env->vars);
	spawn_env_apply_creds(&child, creds, &id);
	envout_print(stdout, c->env, &child, "sh");
	envsnap_free(&child);
}

/* Paint the model as it is now. */
static void
paint(struct model *m, struct frame *f, time_t now, bool full)
{
	int rows, cols;

	tui_size(&rows, &cols);
	m->page_rows = view_page_rows(rows, cols, m);
	frame_reset(f, rows, cols);
	f->ascii = !m->utf8;
	view_build(m, now, rows, cols, f);
	tui_paint(f, full);
}

/* The loop proper; the request to act on at the end. */
static struct ui_request
run(struct cli *c, struct model *m, struct uidriver *d)
{
	struct curl_waitfd in = {.fd = STDIN_FILENO,
	                         .events = CURL_WAIT_POLLIN};
	struct http *http = c->engine.http;
	struct frame f = {0};
	struct ui_request end = {REQ_NONE, 0, -1};
	time_t shown = 0;
	unsigned r = REACT_REDRAW;

	while (!stop_signal) {
		time_t now = time(NULL);
		int key;

		if (now != shown)
			r |= model_tick(m, now) | REACT_REDRAW;
		if (r & REACT_QUIT) {
			end = m->request;
			break;
		}
		/* The model asks for a shell (REACT_SUSPEND); the driver says
		 * when it is ready (its cluster described). */
		if (uidriver_work(d, now) & REACT_SUSPEND) {
			run_shell(d, now);
			r = REACT_REDRAW | REACT_REPAINT;
			continue;
		}
		paint(m, &f, now, (r & REACT_REPAINT) != 0);
		shown = now;
		r = REACT_NONE;
		http_poll(http, &in, 1, wait_ms(http));
		http_pump(http);
		/* Whatever the network changed is painted on the next pass. */
		r |= REACT_REDRAW;
		/* Keys typed ahead wait while a request is pending: they
		 * must not replace it. Those typed while a shell waits for
		 * its cluster were meant for the shell (see uidriver.h). */
		while (!(r & (REACT_SUSPEND | REACT_QUIT)) &&
		       m->request.kind == REQ_NONE &&
		       uidriver_keys(d) != UIKEYS_HOLD &&
		       (key = input_next()) >= 0) {
			if (uidriver_keys(d) == UIKEYS_ALL ||
			    key == ACTION_KEY_RESIZE) {
				r |= model_key(m, key, time(NULL));
			} else if (key == ACTION_KEY_ESCAPE) {
				uidriver_cancel(d, time(NULL));
				r |= REACT_REDRAW;
			}
		}
	}
	frame_free(&f);
	return end;
}

int
loop_ui(struct cli *c)
{
	struct model m;
	struct uidriver d = {0};
	struct tui_caps caps;
	struct sigaction old[3];
	struct ui_request end;
	struct creds quit_creds;
	char *kubeconfig;
	int rc;

	if (!isatty(STDIN_FILENO)) {
		fputs("rolehop: the interface needs a terminal, and standard "
		      "input is not one\nhint: run a command instead, such as "
		      "rolehop list (see rolehop --help)\n",
		      stderr);
		return 2;
	}
	if ((rc = cli_start_engine(c, false)) >= 0)
		return rc;
	kubeconfig =
	    kubeconfig_choose_path(NULL, envsnap_get(c->env, "KUBECONFIG"),
	                           envsnap_get_nonempty(c->env, "HOME"));
	model_init(&m, &c->targets);
	d.eng = &c->engine;
	d.m = &m;
	d.ctx = (struct kubeentry_ctx){c->env, c->argv0, c->config_path,
	                               c->targets.rh_config_path, NULL};
	d.kubeconfig_path = kubeconfig;
	d.foreground = foreground;
	if (tui_init(envsnap_get_nonempty(c->env, "NO_COLOR") != NULL, &caps) !=
	    0) {
		model_done(&m);
		free(kubeconfig);
		return 1;
	}
	m.color = caps.color;
	m.utf8 = caps.utf8;
	stop_signal = 0;
	catch_stop_signals(old);
	end = run(c, &m, &d);
	/* Q: the credentials as they are now; cancelling a refresh in flight
	 * below would clear them. */
	creds_init(&quit_creds);
	if (end.kind == REQ_QUIT_ENV)
		creds_copy(&quit_creds, &m.targets[end.target].creds);
	/* Whatever is still in flight ends now, through its callbacks. */
	awsreq_cancel_all(&c->engine.aws);
	uidriver_done(&d);
	tui_end();
	restore_signals(old);
	if (end.kind == REQ_QUIT_ENV)
		print_env(c, &m, &end, &quit_creds);
	creds_done(&quit_creds);
	rc = stop_signal ? 128 + stop_signal : 0;
	model_done(&m);
	free(kubeconfig);
	return rc;
}
