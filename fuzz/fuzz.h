/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every libFuzzer harness shares: the entry point's prototype, a
 * logger that formats every message (so format arguments are checked by
 * the sanitizers) and drops it, a NUL-terminated copy of the input, and a
 * check that aborts so libFuzzer reports a broken invariant as a crash.
 */
#ifndef OC_FUZZ_H
#define OC_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void __attribute__((format(printf, 3, 4)))
fuzz_log_sink(void *privdata, int level, const char *fmt, ...)
{
	va_list ap;
	char line[128];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

/* A logger at trace level whose messages go nowhere. */
static inline void fuzz_log_init(struct oc_log *lg)
{
	oc_log_init(lg, fuzz_log_sink, NULL);
	lg->level = PRG_TRACE;
}

/* The input as a malloc'ed C string (cut at its first NUL, as a string
 * from the command line or a file would be). Aborts on ENOMEM. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input in an exactly sized heap block, so ASan sees any read past
 * its end (the parsers take a length, not a NUL). */
static inline char *fuzz_memdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#endif
