/*
 * envout - statements that turn one environment into another, for eval.
 *
 * For `rolehop env` and the interface's quit-with-env: unset what the new
 * environment drops, export what it adds or changes, in sh, fish or JSON
 * (null for unset). Every value is quoted (shquote.h), so no value can
 * inject a command; variables whose names are not valid shell names are
 * left out.
 *
 * Ownership: borrows everything.
 */
#ifndef ROLEHOP_ENVOUT_H
#define ROLEHOP_ENVOUT_H

#include <stdio.h>

#include "envsnap.h"

/* fmt: "sh", "fish" or "json". */
void envout_print(FILE *, const struct envsnap *before,
                  const struct envsnap *after, const char *fmt);

#endif
