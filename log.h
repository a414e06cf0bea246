/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging through the application's progress callback.
 *
 * Levels are the PRG_* values of openconnect.h. Every module logs through a
 * struct oc_log, so a module can be tested with only a logger filled in.
 * Messages above lg->level are never formatted. Secrets never reach here:
 * they are held in struct oc_secret, which only ever prints as "(hidden)".
 */
#ifndef OC_LOG_H
#define OC_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include "openconnect.h"

struct oc_log {
	openconnect_progress_vfn progress;	/* NULL: messages are dropped */
	void *privdata;
	int level;				/* highest level produced */
};

void oc_log_init(struct oc_log *lg, openconnect_progress_vfn fn,
		 void *privdata);

/* Formats and delivers one message; the caller has checked the level. A
 * newline is appended when the format lacks one. */
void __attribute__((format(printf, 3, 4)))
oc_log_emit(const struct oc_log *lg, int level, const char *fmt, ...);
void oc_log_vemit(const struct oc_log *lg, int level, const char *fmt,
		  va_list ap);

static inline int oc_log_on(const struct oc_log *lg, int level)
{
	return lg && lg->progress && level <= lg->level;
}

#define oc_log(lg, lvl, ...)						\
	do {								\
		if (oc_log_on((lg), (lvl)))				\
			oc_log_emit((lg), (lvl), __VA_ARGS__);		\
	} while (0)

#define oc_err(lg, ...)		oc_log((lg), PRG_ERR, __VA_ARGS__)
#define oc_info(lg, ...)	oc_log((lg), PRG_INFO, __VA_ARGS__)
#define oc_dbg(lg, ...)		oc_log((lg), PRG_DEBUG, __VA_ARGS__)
#define oc_trace(lg, ...)	oc_log((lg), PRG_TRACE, __VA_ARGS__)

/* Text of a negative errno value, for messages: oc_strerr(-ENOENT). */
const char *oc_strerr(int negerr);

/*
 * Rate limit for messages a peer can trigger per packet: allows @burst
 * messages, then one per @interval_ms. Returns 1 when the message may be
 * logged; counts the ones suppressed in rl->suppressed.
 */
struct oc_ratelimit {
	int64_t last_ms;
	unsigned int burst;
	unsigned int tokens;
	unsigned int interval_ms;
	unsigned long suppressed;
};
int oc_ratelimit_ok(struct oc_ratelimit *rl);

#endif
