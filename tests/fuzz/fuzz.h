/*
 * fuzz.h - what every libFuzzer harness in tests/fuzz shares: the entry
 * points' prototypes and a NUL-terminated copy of the input.
 *
 * Each harness feeds its bytes to one parser the way the program does,
 * then frees everything, so LeakSanitizer reports any leak as a finding.
 */
#ifndef ROLEHOP_FUZZ_H
#define ROLEHOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a C string (it may hold NULs; len is the real length). */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
