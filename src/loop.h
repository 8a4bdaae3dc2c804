/*
 * loop - the interactive interface's event loop.
 *
 * One thread waits on one thing per pass: curl_multi_poll with standard
 * input as an extra descriptor and the next whole second (the countdowns)
 * as the timeout. Each pass pumps the network (whose callbacks update the
 * model), reads every waiting key into the model, lets the driver start
 * what the model wishes for, and paints the frame the view builds from
 * the model. SIGINT, SIGTERM and SIGHUP end the loop through the normal
 * exit path, so the terminal is always restored; curses handles SIGTSTP
 * and SIGWINCH itself.
 */
#ifndef ROLEHOP_LOOP_H
#define ROLEHOP_LOOP_H

#include "cmd.h"

/* `rolehop ui`: the exit status. */
int loop_ui(struct cli *);

#endif
