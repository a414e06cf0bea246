/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stddef.h>
#include <time.h>

#include "clock.h"

/*
 * The only global mutable state of the library: tests replace the clocks
 * before they start anything, so no locking is needed.
 */
static oc_clock_fn clock_fn;
static void *clock_priv;
static int64_t (*wall_fn)(void);

int64_t oc_now_ms(void)
{
	struct timespec ts;

	if (clock_fn)
		return clock_fn(clock_priv);
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;	/* cannot happen for CLOCK_MONOTONIC */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void oc_clock_set(oc_clock_fn fn, void *priv)
{
	clock_fn = fn;
	clock_priv = fn ? priv : NULL;
}

int64_t oc_wall_time(void)
{
	if (wall_fn)
		return wall_fn();
	return (int64_t)time(NULL);
}

void oc_wall_time_set(int64_t (*fn)(void))
{
	wall_fn = fn;
}
