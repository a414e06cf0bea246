/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

/* Most messages fit on the stack; longer ones (HTTP bodies at trace
 * level) go to the heap, and anything past the cap is cut. */
#define LOG_STACK_LEN	512
#define LOG_MAX_LEN	(64 * 1024)

void oc_log_init(struct oc_log *lg, openconnect_progress_vfn fn,
		 void *privdata)
{
	lg->progress = fn;
	lg->privdata = privdata;
	lg->level = PRG_TRACE;
}

/* Ends @text (of @len chars, room for @len + 2) with exactly one newline
 * unless it already has one. */
static void add_newline(char *text, size_t len)
{
	if (!len || text[len - 1] != '\n') {
		text[len] = '\n';
		text[len + 1] = '\0';
	}
}

/* Formats a message too long for the stack; NULL if out of memory. */
static char *format_long(size_t need, const char *fmt, va_list ap)
{
	size_t len = need > LOG_MAX_LEN ? LOG_MAX_LEN : need;
	char *text = malloc(len + 2);

	if (!text)
		return NULL;
	vsnprintf(text, len + 1, fmt, ap);
	add_newline(text, len);
	return text;
}

void oc_log_vemit(const struct oc_log *lg, int level, const char *fmt,
		  va_list ap)
{
	char stack[LOG_STACK_LEN + 2];
	char *text = stack, *heap = NULL;
	va_list ap2;
	int n;

	if (!oc_log_on(lg, level))
		return;
	va_copy(ap2, ap);
	n = vsnprintf(stack, LOG_STACK_LEN + 1, fmt, ap);
	if (n < 0) {
		strcpy(stack, "(unformattable message)");
		n = (int)strlen(stack);
	} else if (n > LOG_STACK_LEN) {
		heap = format_long((size_t)n, fmt, ap2);
		if (heap)
			text = heap;
		else
			n = LOG_STACK_LEN;	/* deliver what fitted */
	}
	va_end(ap2);
	if (text == stack)
		add_newline(stack, (size_t)n);
	lg->progress(lg->privdata, level, "%s", text);
	free(heap);
}

void oc_log_emit(const struct oc_log *lg, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_log_vemit(lg, level, fmt, ap);
	va_end(ap);
}

/*
 * GNU strerror_r returns a constant string for known errors and only
 * writes the buffer for unknown ones; that buffer is per thread, so a
 * message from one thread is never overwritten by another.
 */
const char *oc_strerr(int negerr)
{
	static __thread char unknown[64];
	int e;

	if (negerr == INT_MIN)
		return "Unknown error";
	e = negerr < 0 ? -negerr : negerr;
	return strerror_r(e, unknown, sizeof(unknown));
}

/* Adds the tokens earned since the last refill, up to the burst. */
static void ratelimit_refill(struct oc_ratelimit *rl, int64_t now,
			     unsigned int cap)
{
	int64_t earned;

	if (now < rl->last_ms) {
		rl->last_ms = now;	/* a clock set back: start over */
		return;
	}
	earned = (now - rl->last_ms) / rl->interval_ms;
	if (earned >= (int64_t)(cap - rl->tokens)) {
		rl->tokens = cap;
		rl->last_ms = now;	/* idle time does not bank tokens */
	} else {
		rl->tokens += (unsigned int)earned;
		rl->last_ms += earned * rl->interval_ms;
	}
}

/*
 * A zeroed limiter (last_ms 0) starts with a full bucket. The monotonic
 * clock is far from 0 once the system runs; a fake clock should start
 * above 0 too.
 */
int oc_ratelimit_ok(struct oc_ratelimit *rl)
{
	unsigned int cap = rl->burst ? rl->burst : 1;
	int64_t now;

	if (!rl->interval_ms)
		return 1;
	now = oc_now_ms();
	if (!rl->last_ms) {
		rl->tokens = rl->burst;
		rl->last_ms = now;
	} else {
		if (rl->tokens > cap)
			rl->tokens = cap;
		ratelimit_refill(rl, now, cap);
	}
	if (!rl->tokens) {
		rl->suppressed++;
		return 0;
	}
	rl->tokens--;
	return 1;
}
