/*
 * uidriver - carries out the interface model's wishes on the engine.
 *
 * uidriver_work() starts what the model wishes for (assuming chains, the
 * caller identity, cluster discovery) as asynchronous calls on the engine
 * and reports the answers back into the model; the loop only has to poll
 * and pump the engine's http client. Requests that touch files are done
 * here too: a kubeconfig write, and the preparation of a shell's
 * environment and private kubeconfig (the terminal layer runs the shell).
 * No curses here.
 *
 * The model keeps no CA bundles (1-2 KB a cluster, and the interface may
 * list thousands of clusters): an action on a cluster first describes it
 * again, asynchronously, and is carried out with the fresh endpoint and
 * CA when the answer is in. While a kubeconfig write waits, keys keep
 * working (a new action replaces the waiting one); while a shell waits,
 * keys typed were meant for the shell, not the interface: Escape cancels
 * it, others are dropped, and once it is ready they are left for it.
 *
 * Ownership: the driver borrows the engine, the model and the context,
 * which must outlive it. A prepared shell owns its environment and
 * private directory until uidriver_shell_done().
 */
#ifndef ROLEHOP_UIDRIVER_H
#define ROLEHOP_UIDRIVER_H

#include <time.h>

#include "chain.h"
#include "envsnap.h"
#include "kubeentry.h"
#include "model.h"
#include "childenv.h"

/* The kubeconfig write or shell being carried out. */
struct uiaction {
	enum ui_request_kind kind; /* REQ_NONE: nothing */
	size_t target;
	bool has_cluster;
	struct eks_cluster cluster; /* with its CA once ready */
	bool ready;                 /* described (or nothing to describe) */
	unsigned gen;               /* tells a replaced action's answer */
};

struct uidriver {
	struct engine *eng;
	struct model *m;
	struct kubeentry_ctx ctx;
	const char *kubeconfig_path; /* where K writes */
	unsigned pending;            /* callbacks still to come */
	/* Around work that may run a credential_process in the foreground
	 * (it blocks, and may prompt on the terminal): the terminal layer
	 * hands the terminal over (begin) and takes it back. */
	void (*foreground)(void *arg, bool begin, const char *target);
	void *foreground_arg;
	struct uiaction act;
};

/* Start what the model wishes for; take its request (a kubeconfig is
 * written once its cluster is described). REACT_SUSPEND when a shell is
 * ready: call uidriver_shell_prepare() and run it. */
unsigned uidriver_work(struct uidriver *, time_t now);
/* Free what the driver holds (an action still waiting). */
void uidriver_done(struct uidriver *);
/* What the loop does with keys (see above). */
enum uidriver_keys {
	UIKEYS_ALL,    /* they are the interface's */
	UIKEYS_ESCAPE, /* a shell waits: Escape cancels it, others drop */
	UIKEYS_HOLD,   /* the shell starts now: leave them for it */
};
enum uidriver_keys uidriver_keys(const struct uidriver *);
/* Forget the waiting action (Escape); its answer will be ignored. */
void uidriver_cancel(struct uidriver *, time_t now);

/* The shell of the model's request, ready to run. */
struct uishell {
	const char *argv[2];
	struct childenv child; /* its environment and private files */
	char banner[512];
	size_t target;
};

/* Prepare the shell uidriver_work() said is ready; -1 with the status line
 * set when it cannot be (a file error). The action is consumed. */
int uidriver_shell_prepare(struct uidriver *, struct uishell *, time_t now);
/* After the shell: files removed, the target's state refreshed. */
void uidriver_shell_done(struct uidriver *, struct uishell *, int status,
                         time_t now);

#endif
