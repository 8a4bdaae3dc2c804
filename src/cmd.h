/*
 * cmd - what the command implementations share.
 *
 * cli.c parses the command line into a struct cli and dispatches; the
 * commands live in cmd_identity.c (list, whoami, creds, env), cmd_run.c
 * (exec, shell), cmd_eks.c (clusters, token, kubeconfig), cmd_doctor.c
 * (doctor) and cmd_policy.c (policy). They print
 * errors with cli_report() and return the process exit status.
 *
 * Ownership: struct cli borrows argv and the environment; it owns the
 * targets and the engine, which cli_main() releases.
 */
#ifndef ROLEHOP_CMD_H
#define ROLEHOP_CMD_H

#include <stdbool.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "chain.h"
#include "eks.h"
#include "envsnap.h"
#include "err.h"
#include "sts.h"
#include "targets.h"

struct cli {
	struct envsnap *env;
	const char *argv0;
	const char *config_path;
	bool no_cache;
	bool yes;         /* --yes: confirm: true targets need no answer */
	bool static_keys; /* --static: plain keys in a child's environment */
	long timeout_ms;
	int verbose;
	/* the command and its words, options removed */
	const char *command;
	char **args;
	int nargs;
	/* command options */
	unsigned used; /* the options given, as cli.c's OPT_* bits */
	bool json;
	bool all;
	const char *format;
	const char *cluster;
	const char **regions; /* --region, in order */
	int nregions;
	const char *kubeconfig;
	const char *alias;
	char **cmd; /* exec: after "--" */
	int ncmd;
	struct targets targets;
	bool targets_loaded;
	struct engine engine;
	bool engine_ready;
};

/* What whoami and friends wait for. */
struct assume_state {
	struct chain_result *res;
	bool want_identity;
	bool have_identity;
	struct sts_identity id;
	struct err id_err;
	enum status id_status;
	struct engine *eng;
};

/* Print "rolehop: MSG" and the hint; return the exit status. */
int cli_report(const struct err *);
/* Print a usage error with the --help hint; return 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Start the engine; -1 on success, else the exit status. */
int cli_start_engine(struct cli *, bool allow_prompt);
/* The one TARGET argument of a command, or NULL with *rc set. */
const struct target *cli_the_target(struct cli *, int *rc);
/* Assume t's chain (and ask who it is when want_identity); -1 on
 * success, else the exit status after reporting. */
int cli_assume(struct cli *, const struct target *t, bool want_identity,
               struct assume_state *);
void cli_assume_done(struct assume_state *);
/* The environment a child of t gets. */
void cli_child_env(const struct cli *, const struct target *t,
                   const struct chain_result *res, struct envsnap *out);
/* For a confirm: true target, ask on the terminal before doing what (or
 * take --yes); -1 to go on, else the exit status after reporting. */
int cli_confirm(struct cli *, const struct target *t, const char *what);
/* Print root (indented) and delete it. */
void cli_print_json(cJSON *root);
/* Add an RFC 3339 time, or null for 0. */
void cli_json_time(cJSON *o, const char *name, time_t t);

/* For exec/shell --cluster: the cluster of --cluster (and --region),
 * described with res's credentials. -1 on success, else the exit status
 * after reporting. */
int cli_find_cluster(struct cli *, const struct target *t,
                     const struct chain_result *res, struct eks_cluster *out);

/* The interactive interface lives in the binary (curses stays out of the
 * core): main() hands it over before cli_main(). */
typedef int cli_ui_fn(struct cli *);
void cli_set_ui(cli_ui_fn *);

int cmd_list(struct cli *);
int cmd_whoami(struct cli *);
int cmd_creds(struct cli *);
int cmd_env(struct cli *);
int cmd_exec(struct cli *);
int cmd_shell(struct cli *);
int cmd_clusters(struct cli *);
int cmd_token(struct cli *);
int cmd_kubeconfig(struct cli *);
int cmd_ui(struct cli *);
int cmd_prompt(struct cli *);
int cmd_doctor(struct cli *);
int cmd_policy(struct cli *);

#endif
