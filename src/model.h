/*
 * model - the interactive interface's state and its pure transitions.
 *
 * Everything the screen shows lives here: the targets with their chains
 * (per hop: the assumed identity and its expiry), the caller identity, the
 * clusters per region, the selection, the filter, the open screen (main,
 * help, a confirmation prompt) and the status line. Keys go through
 * model_key(), which changes the state and returns reaction flags; it
 * never draws and never touches the network. Work for the network is
 * recorded as wishes on the targets (want_assume, want_clusters) and as one
 * pending request (a shell, a kubeconfig write, quitting with env output),
 * which the driver (uidriver.c) carries out; the driver reports back
 * through the model_on_*() functions.
 *
 * Time is an argument everywhere: nothing here reads the clock, so every
 * transition and every frame can be tested with a fixed now.
 *
 * Ownership: the model borrows the targets (struct targets must outlive
 * it) and owns everything else; secrets (the final credentials of each
 * target) are zeroed when replaced or freed.
 */
#ifndef ROLEHOP_MODEL_H
#define ROLEHOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "action.h"
#include "creds.h"
#include "eks.h"
#include "targets.h"

/* Refresh credentials this long before they expire. */
#define MODEL_REFRESH_MARGIN (5 * 60)
/* Countdown colours: warning under 15 minutes, critical under 5. */
#define MODEL_WARN_SECONDS (15 * 60)
#define MODEL_CRIT_SECONDS (5 * 60)

/* What the loop must do after a transition. */
enum reaction {
	REACT_NONE = 0,
	REACT_REDRAW = 1 << 0,
	REACT_WORK = 1 << 1,    /* wishes or a request for the driver */
	REACT_SUSPEND = 1 << 2, /* a shell: leave curses, run, come back */
	REACT_QUIT = 1 << 3,
	REACT_REPAINT = 1 << 4, /* clear and repaint everything (Ctrl-L) */
};

enum ui_state {
	UI_IDLE,    /* nothing asked yet */
	UI_PENDING, /* in flight */
	UI_READY,   /* done */
	UI_FAILED,  /* done, with an error */
};

struct ui_hop {
	enum ui_state state;
	char *arn; /* the assumed identity, or NULL */
	char *account;
	time_t expiration; /* 0: does not expire */
	bool cached;
	bool skipped; /* not needed: a later hop was cached */
};

struct ui_cluster_error {
	char *region;
	char *code;
	char *message;
};

struct ui_target {
	const struct target *t;
	/* the chain */
	enum ui_state state;
	struct ui_hop *hops; /* t->nhops */
	size_t failed_hop;   /* 1-based, 0: none */
	char *error;         /* one line, or NULL */
	char *hint;
	struct creds creds; /* the final credentials (secret) */
	time_t assumed_at;
	bool refreshing; /* a refresh is in flight; the old state is shown */
	/* the caller identity */
	enum ui_state identity_state;
	char *identity_arn;
	char *identity_account;
	/* the clusters */
	enum ui_state clusters_state;
	struct eks_cluster *clusters; /* by region, then name */
	size_t nclusters;
	struct ui_cluster_error *cluster_errors;
	size_t ncluster_errors;
	/* wishes for the driver */
	bool want_assume;
	bool want_fresh; /* bypass the cache: the user asked to refresh */
	bool announce;   /* say "refreshed" when it is done */
	/* Its chain runs a credential_process (which may prompt, and blocks
	 * while it runs): assumed only when asked, with the terminal handed
	 * over, never by itself. */
	bool foreground;
	bool want_clusters;
};

enum ui_screen { SCREEN_MAIN, SCREEN_HELP, SCREEN_CONFIRM };
enum ui_focus { FOCUS_TARGETS, FOCUS_CLUSTERS };
enum ui_status_kind { STATUS_INFO, STATUS_OK, STATUS_ERROR };

/* The one request that needs more than a wish. */
enum ui_request_kind { REQ_NONE, REQ_SHELL, REQ_KUBECONFIG, REQ_QUIT_ENV };

struct ui_request {
	enum ui_request_kind kind;
	size_t target;   /* index into targets */
	ssize_t cluster; /* index into its clusters, or -1 */
};

struct model {
	struct ui_target *targets;
	size_t ntargets;
	/* the filtered view: indices into targets */
	size_t *visible;
	size_t nvisible;
	size_t sel;         /* index into visible */
	size_t top;         /* first visible row shown (scrolling) */
	size_t cluster_sel; /* index into the selected target's clusters */
	enum ui_focus focus;
	enum ui_screen screen;
	/* the filter */
	bool filtering; /* typing into the filter */
	char filter[128];
	/* the confirmation prompt of a confirm: true target */
	struct ui_request confirm; /* what waits for it */
	char confirm_input[128];
	/* the cluster it was asked for (the list may change meanwhile) */
	char confirm_cluster[256];
	char confirm_region[64];
	/* the status line */
	char status[512];
	enum ui_status_kind status_kind;
	time_t status_at;
	/* what the driver is to do next */
	struct ui_request request;
	/* the terminal's abilities, set by the terminal layer */
	bool color;
	bool utf8;
	unsigned spinner; /* advances while anything is in flight */
	int page_rows;    /* rows in a page, set by the view */
	time_t now;       /* of the last key or tick */
};

void model_init(struct model *, const struct targets *);
void model_done(struct model *);

/* A key; the reactions. */
unsigned model_key(struct model *, int key, time_t now);
/* A second passed (or the loop woke): refresh what is about to expire,
 * advance the spinner. */
unsigned model_tick(struct model *, time_t now);

/* The selected target (NULL when the filter hides every one). */
struct ui_target *model_selected(struct model *);
/* Its selected cluster, or NULL. */
const struct eks_cluster *model_selected_cluster(struct model *);
/* Anything in flight (for the spinner and the poll timeout). */
bool model_busy(const struct model *);
/* The earliest expiry of t's chain (0: none). */
time_t model_expiry(const struct ui_target *);

/* Driver reports. */
void model_on_assume_start(struct model *, struct ui_target *);
void model_on_hop(struct ui_target *, size_t hop, const struct creds *,
                  bool cached, bool skipped);
void model_on_assumed(struct model *, struct ui_target *,
                      const struct creds *final, time_t now);
void model_on_assume_failed(struct model *, struct ui_target *,
                            size_t failed_hop, const char *error,
                            const char *hint, time_t now);
void model_on_identity(struct ui_target *, const char *arn, const char *account,
                       bool ok);
void model_on_clusters(struct model *, struct ui_target *,
                       const struct eks_cluster *, size_t n,
                       const struct ui_cluster_error *, size_t nerrors);
void model_set_status(struct model *, enum ui_status_kind, time_t now,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
