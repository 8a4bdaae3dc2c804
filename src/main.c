/*
 * main - process set-up, then the command line.
 *
 * Everything rolehop creates is private (umask 077; the programs it starts
 * get the caller's umask back, see spawn.h); the process is not
 * dumpable (it holds credentials); cJSON is initialised once (libcurl only
 * when a request is made: http.c, curlload.c).
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#ifdef HAVE_PRCTL
#include <sys/prctl.h>
#endif

#include "cli.h"
#include "envsnap.h"
#include "jsonutil.h"
#include "loop.h"
#include "spawn.h"

int
main(int argc, char **argv)
{
	struct envsnap env;
	int rc;

	spawn_set_user_umask(umask(077));
#ifdef HAVE_PRCTL
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	setlocale(LC_ALL, "");
	/* A closed pipe is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	jsonutil_init();
	envsnap_capture(&env);
	cli_set_ui(loop_ui);
	rc = cli_main(argc, argv, &env);
	envsnap_free(&env);
	return rc;
}
