/*
 * jsonutil - cJSON set up for secrets, and small typed helpers.
 *
 * jsonutil_init() installs cJSON hooks whose free zeroes the block first,
 * so keys and tokens that pass through cJSON do not linger in freed memory.
 *
 * Ownership: getters return borrowed pointers into the cJSON tree.
 */
#ifndef ROLEHOP_JSONUTIL_H
#define ROLEHOP_JSONUTIL_H

#include <cjson/cJSON.h>

void jsonutil_init(void);
/* The string member name of obj, or NULL when absent or not a string. */
const char *jsonutil_str(const cJSON *obj, const char *name);
/* Print compactly (caller frees with secret_free_str). */
char *jsonutil_print(const cJSON *);
/* Add a string member, or JSON null when value is NULL. */
void jsonutil_add_str(cJSON *obj, const char *name, const char *value);

#endif
