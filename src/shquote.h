/*
 * shquote - quoting values for shells that will eval them.
 *
 * Every value rolehop prints for eval goes through here, so no profile
 * name, target name or credential can inject a command.
 *
 * Ownership: results are freed by the caller with secret_free_str() (they
 * may hold secrets).
 */
#ifndef ROLEHOP_SHQUOTE_H
#define ROLEHOP_SHQUOTE_H

/* POSIX sh: 'value' with every ' written as '\''. */
char *shquote_sh(const char *);
/* fish: 'value' with \ and ' backslash-escaped. */
char *shquote_fish(const char *);
/* True when s is a valid shell variable name ([A-Za-z_][A-Za-z0-9_]*). */
int shquote_valid_name(const char *);

#endif
