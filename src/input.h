/*
 * input - keys from the terminal, as the model's key codes.
 *
 * input_next() reads without waiting (the loop waits on stdin with the
 * network); it maps curses' KEY_* codes and the usual control characters
 * onto action.h's ACTION_KEY_* codes and returns characters (UTF-8 input
 * too) as their code points.
 */
#ifndef ROLEHOP_INPUT_H
#define ROLEHOP_INPUT_H

/* The next key, or -1 when none is waiting. */
int input_next(void);

#endif
