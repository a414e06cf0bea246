/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "clock.h"

static int64_t fake_now(void *priv)
{
	int64_t *t = priv;

	return (*t)++;
}

static int64_t fake_wall(void)
{
	return 1234567890;
}

static void test_monotonic(void **state)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int64_t a, b;

	a = oc_now_ms();
	assert_true(a > 0);
	b = oc_now_ms();
	assert_true(b >= a);
	nanosleep(&ts, NULL);
	b = oc_now_ms();
	/* At least the 20 ms slept; less than 10 s however slow the host. */
	assert_true(b - a >= 20);
	assert_true(b - a < 10000);
}

static void test_replace(void **state)
{
	int64_t t = 100, sys;

	oc_clock_set(fake_now, &t);
	assert_int_equal(oc_now_ms(), 100);
	assert_int_equal(oc_now_ms(), 101);
	assert_int_equal(t, 102);
	t = -5;
	assert_int_equal(oc_now_ms(), -5);

	oc_clock_set(NULL, &t);		/* back to the system clock */
	sys = oc_now_ms();
	assert_true(sys > 0);
	assert_int_equal(t, -4);	/* the fake was not called */
}

static void test_wall(void **state)
{
	int64_t before = (int64_t)time(NULL), now, after;

	now = oc_wall_time();
	after = (int64_t)time(NULL);
	assert_true(now >= before && now <= after);

	oc_wall_time_set(fake_wall);
	assert_int_equal(oc_wall_time(), 1234567890);
	oc_wall_time_set(NULL);
	now = oc_wall_time();
	assert_true(now >= before);
	/* The two clocks are independent. */
	assert_true(oc_now_ms() != 1234567890);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_wall),
	};

	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
