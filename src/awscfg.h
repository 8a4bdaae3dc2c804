/*
 * awscfg - the AWS shared config and credentials files, with botocore's
 * semantics (aws-protocols.md section 6.1).
 *
 * - Option names are lower-cased; profile names keep their case.
 * - '#' and ';' start a comment only at the start of a line; inline
 *   comments are part of the value ("us-west-2 # x").
 * - A duplicate section or a duplicate key within one section is an error
 *   for the whole file, reported with file:line.
 * - Config file: [default] is profile "default"; [profile NAME] is profile
 *   NAME (NAME may be double-quoted, and must be one token); [services X]
 *   and [sso-session X] are separate namespaces; any other section is
 *   ignored. If both [default] and [profile default] exist, the later wins.
 * - Credentials file: every section is a profile of that literal name.
 *   Its keys are merged into the config-file profile of the same name and
 *   override it.
 * - A value that starts on the next line with indented "k = v" lines is a
 *   nested map (services sections: "sts =\n  endpoint_url = ...").
 * - Continuation lines (indented) of an ordinary value are appended with a
 *   newline, as configparser does.
 * - A missing file is not an error; an unreadable one is.
 *
 * Every value records the file and line it came from, so errors about a
 * profile can point at it.
 *
 * Ownership: awscfg_load() fills a struct awscfg that awscfg_free()
 * releases (values zeroed: credentials files hold secret keys). Lookups
 * return borrowed pointers.
 */
#ifndef ROLEHOP_AWSCFG_H
#define ROLEHOP_AWSCFG_H

#include <stddef.h>

#include "err.h"

/* Files larger than this are refused. */
#define AWSCFG_MAX_FILE (4u << 20)

struct awscfg_kv {
	char *key;   /* lower-cased */
	char *value; /* trimmed; "" allowed; NULL for a nested map */
	/* Nested map entries when value is NULL (services sections). */
	struct awscfg_kv *sub;
	size_t nsub;
	const char *file; /* borrowed from struct awscfg */
	int line;
};

struct awscfg_section {
	char *name; /* profile or services name */
	struct awscfg_kv *kv;
	size_t nkv;
	const char *file; /* where the section header is */
	int line;
};

struct awscfg {
	struct awscfg_section *profiles; /* in order of first appearance */
	size_t nprofiles;
	struct awscfg_section *services; /* [services NAME] sections */
	size_t nservices;
	char *config_path; /* owned; what file fields point into */
	char *credentials_path;
	/* Private: earlier paths still pointed into, when awscfg_parse()
	 * is called again for the same kind of file with another path. */
	char **old_paths;
	size_t nold_paths;
};

/* Load both files; either path may be NULL (skipped). cfg must have been
 * set up with awscfg_init() (or zeroed); load the config file before the
 * credentials file. On error cfg may hold what was read before the error
 * and still needs awscfg_free(). */
enum status awscfg_load(struct awscfg *, const char *config_path,
                        const char *credentials_path, struct err *);
/* Parse a config (is_credentials = 0) or credentials (1) file held in
 * memory and merge it into cfg; path is used in messages. A file with an
 * error changes no profile or services section. */
enum status awscfg_parse(struct awscfg *, const char *path, const char *text,
                         size_t len, int is_credentials, struct err *);
void awscfg_init(struct awscfg *);
void awscfg_free(struct awscfg *);

const struct awscfg_section *awscfg_profile(const struct awscfg *,
                                            const char *name);
const struct awscfg_section *awscfg_services(const struct awscfg *,
                                             const char *name);
/* The entry for key (lower-case) in a section, or NULL. */
const struct awscfg_kv *awscfg_get_kv(const struct awscfg_section *,
                                      const char *key);
/* Its value, or NULL when absent or a nested map. */
const char *awscfg_get(const struct awscfg_section *, const char *key);

#endif
