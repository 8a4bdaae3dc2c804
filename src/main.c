/*
 * main - process set-up, then the command line.
 *
 * Everything rolehop creates is private (umask 077); the process is not
 * dumpable (it holds credentials); libcurl and cJSON are initialised once.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#ifdef HAVE_PRCTL
#include <sys/prctl.h>
#endif

#include <curl/curl.h>

#include "cli.h"
#include "envsnap.h"
#include "jsonutil.h"
#include "loop.h"

int
main(int argc, char **argv)
{
	struct envsnap env;
	int rc;

	umask(077);
#ifdef HAVE_PRCTL
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	setlocale(LC_ALL, "");
	/* A closed pipe is an error to report, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	jsonutil_init();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fputs("rolehop: cannot initialise libcurl\n", stderr);
		return 1;
	}
	envsnap_capture(&env);
	cli_set_ui(loop_ui);
	rc = cli_main(argc, argv, &env);
	envsnap_free(&env);
	curl_global_cleanup();
	return rc;
}
