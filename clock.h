/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one clock: monotonic milliseconds, replaceable by tests.
 */
#ifndef OC_CLOCK_H
#define OC_CLOCK_H

#include <stdint.h>

typedef int64_t (*oc_clock_fn)(void *priv);

/* Monotonic time in milliseconds (CLOCK_MONOTONIC unless replaced). */
int64_t oc_now_ms(void);
/* Replaces the clock; NULL restores the system clock. */
void oc_clock_set(oc_clock_fn fn, void *priv);

/* Wall-clock seconds since the epoch (for TOTP and certificate dates). */
int64_t oc_wall_time(void);
void oc_wall_time_set(int64_t (*fn)(void));

#endif
