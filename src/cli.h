/*
 * cli - the scriptable commands of spec/cli.md, with no curses.
 *
 * cli_main() parses the global options and the command, runs it and
 * returns the process exit status: 0 success, 1 an AWS, network or
 * runtime failure, 2 a usage or configuration error; exec and shell return
 * the child's status. Errors go to stderr as "rolehop: <message>" and an
 * optional "hint: <hint>" line.
 *
 * Ownership: cli_main() borrows argv and env.
 */
#ifndef ROLEHOP_CLI_H
#define ROLEHOP_CLI_H

#include "envsnap.h"

int cli_main(int argc, char **argv, struct envsnap *env);

#endif
