/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "log.h"

/* ---- A progress callback that records what it is given ----------------- */

#define REC_MAX		16

struct recorder {
	int n;
	int level[REC_MAX];
	char *text[REC_MAX];
};

static void __attribute__((format(printf, 3, 4)))
record(void *privdata, int level, const char *fmt, ...)
{
	struct recorder *r = privdata;
	va_list ap;
	int ret;

	assert_non_null(r);
	assert_true(r->n < REC_MAX);
	/* The library must never hand us its text as the format. */
	assert_string_equal(fmt, "%s");
	va_start(ap, fmt);
	ret = vasprintf(&r->text[r->n], fmt, ap);
	va_end(ap);
	assert_true(ret >= 0);
	r->level[r->n++] = level;
}

static int setup_rec(void **state)
{
	struct recorder *r = calloc(1, sizeof(*r));

	*state = r;
	return r ? 0 : -1;
}

static int teardown_rec(void **state)
{
	struct recorder *r = *state;
	int i;

	for (i = 0; i < r->n; i++)
		free(r->text[i]);
	free(r);
	return 0;
}

static void test_init(void **state)
{
	struct recorder *r = *state;
	struct oc_log lg;

	memset(&lg, 0xff, sizeof(lg));
	oc_log_init(&lg, record, r);
	assert_int_equal(lg.level, PRG_TRACE);
	assert_ptr_equal(lg.privdata, r);
	assert_true(oc_log_on(&lg, PRG_TRACE));
	assert_false(oc_log_on(&lg, PRG_TRACE + 1));
	assert_false(oc_log_on(NULL, PRG_ERR));

	/* Without a callback, nothing happens. */
	oc_log_init(&lg, NULL, r);
	assert_false(oc_log_on(&lg, PRG_ERR));
	oc_err(&lg, "dropped %d", 1);
	oc_log_emit(&lg, PRG_ERR, "dropped %d", 2);
	assert_int_equal(r->n, 0);
}

static void test_levels(void **state)
{
	struct recorder *r = *state;
	struct oc_log lg;

	oc_log_init(&lg, record, r);
	lg.level = PRG_INFO;
	oc_err(&lg, "e%d", 0);
	oc_info(&lg, "i%d", 1);
	oc_dbg(&lg, "d%d", 2);
	oc_trace(&lg, "t%d", 3);
	/* emit on its own still respects the level */
	oc_log_emit(&lg, PRG_DEBUG, "direct %s", "debug");
	lg.level = PRG_ERR;
	oc_info(&lg, "i%d", 4);
	oc_err(&lg, "e%d", 5);

	assert_int_equal(r->n, 3);
	assert_int_equal(r->level[0], PRG_ERR);
	assert_string_equal(r->text[0], "e0\n");
	assert_int_equal(r->level[1], PRG_INFO);
	assert_string_equal(r->text[1], "i1\n");
	assert_int_equal(r->level[2], PRG_ERR);
	assert_string_equal(r->text[2], "e5\n");
}

struct nl_case {
	const char *name;
	const char *arg;
	const char *want;
};

static const struct nl_case nl_cases[] = {
	{ "1 plain", "hello", "hello\n" },
	{ "2 has newline", "hello\n", "hello\n" },
	{ "3 empty", "", "\n" },
	{ "4 only newline", "\n", "\n" },
	{ "5 two lines", "a\nb", "a\nb\n" },
	{ "6 percent in argument", "100%d %s", "100%d %s\n" },
};

static void test_newline(void **state)
{
	struct recorder *r = *state;
	struct oc_log lg;
	size_t i;

	oc_log_init(&lg, record, r);
	for (i = 0; i < sizeof(nl_cases) / sizeof(nl_cases[0]); i++) {
		print_message("# newline case %s\n", nl_cases[i].name);
		oc_info(&lg, "%s", nl_cases[i].arg);
		assert_int_equal(r->n, (int)i + 1);
		assert_string_equal(r->text[i], nl_cases[i].want);
	}
}

/* Messages around the stack buffer size and far beyond it. */
static const size_t long_sizes[] = {
	510, 511, 512, 513, 514, 1000, 10000, 65535, 65536,
};

static void test_long(void **state)
{
	struct recorder *r = *state;
	struct oc_log lg;
	size_t i, n;
	char *msg;

	oc_log_init(&lg, record, r);
	for (i = 0; i < sizeof(long_sizes) / sizeof(long_sizes[0]); i++) {
		n = long_sizes[i];
		print_message("# long case %zu: %zu chars\n", i + 1, n);
		msg = malloc(n + 1);
		assert_non_null(msg);
		memset(msg, 'a' + i % 26, n);
		msg[n] = '\0';
		msg[0] = '<';
		msg[n - 1] = '>';
		oc_dbg(&lg, "%s", msg);
		assert_int_equal(strlen(r->text[i]), n + 1);
		assert_memory_equal(r->text[i], msg, n);
		assert_int_equal(r->text[i][n], '\n');
		free(msg);
	}
}

static void test_too_long(void **state)
{
	struct recorder *r = *state;
	size_t n = 100 * 1024;
	struct oc_log lg;
	char *msg;

	oc_log_init(&lg, record, r);
	msg = malloc(n + 1);
	assert_non_null(msg);
	memset(msg, 'x', n);
	msg[n] = '\0';
	oc_trace(&lg, "%s", msg);
	free(msg);
	/* Cut at 64 KiB, still one line. */
	assert_int_equal(r->n, 1);
	assert_int_equal(strlen(r->text[0]), 64 * 1024 + 1);
	assert_int_equal(r->text[0][64 * 1024], '\n');
	assert_int_equal(r->text[0][64 * 1024 - 1], 'x');
}

static void vemit_helper(struct oc_log *lg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_log_vemit(lg, PRG_INFO, fmt, ap);
	va_end(ap);
}

static void test_vemit(void **state)
{
	struct recorder *r = *state;
	struct oc_log lg;

	oc_log_init(&lg, record, r);
	vemit_helper(&lg, "%s=%d;%c", "x", -3, 'z');
	assert_int_equal(r->n, 1);
	assert_string_equal(r->text[0], "x=-3;z\n");
}

/* ---- oc_strerr --------------------------------------------------------- */

static void test_strerr(void **state)
{
	char want[128];

	assert_string_equal(oc_strerr(-ENOENT), strerror(ENOENT));
	assert_string_equal(oc_strerr(-EBADMSG), strerror(EBADMSG));
	assert_string_equal(oc_strerr(ENOMEM), strerror(ENOMEM));
	snprintf(want, sizeof(want), "%s", strerror(123456));
	assert_string_equal(oc_strerr(-123456), want);
	assert_non_null(oc_strerr(0));
	assert_non_null(oc_strerr(-2147483647 - 1));
}

/* An unknown error's text lives in a per-thread buffer, so another
 * thread's call does not overwrite it. */
static void *strerr_thread(void *arg)
{
	return (void *)oc_strerr(-100001);
}

static void test_strerr_threads(void **state)
{
	const char *mine, *theirs;
	char want[64];
	pthread_t th;
	void *ret;

	mine = oc_strerr(-100000);
	snprintf(want, sizeof(want), "%s", mine);
	assert_int_equal(pthread_create(&th, NULL, strerr_thread, NULL), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	theirs = ret;
	assert_ptr_not_equal(mine, theirs);
	assert_string_equal(mine, want);
}

/* ---- Rate limit, with a fake clock ------------------------------------- */

static int64_t fake_ms;

static int64_t fake_clock(void *priv)
{
	return *(int64_t *)priv;
}

struct rl_step {
	int64_t at;
	int ok;
	unsigned long suppressed;	/* after the call */
};

static const struct rl_step rl_steps[] = {
	{ 1000, 1, 0 },		/* 1: a fresh limiter is full (burst 3) */
	{ 1000, 1, 0 },		/* 2 */
	{ 1001, 1, 0 },		/* 3 */
	{ 1001, 0, 1 },		/* 4: empty */
	{ 1999, 0, 2 },		/* 5: a token needs a whole interval */
	{ 2000, 1, 2 },		/* 6: one token earned */
	{ 2000, 0, 3 },		/* 7 */
	{ 4500, 1, 3 },		/* 8: 2.5 intervals: two tokens */
	{ 4500, 1, 3 },		/* 9 */
	{ 4500, 0, 4 },		/* 10 */
	{ 5000, 1, 4 },		/* 11: the half interval was kept */
	{ 99000, 1, 4 },	/* 12: a long idle time: only a burst */
	{ 99000, 1, 4 },	/* 13 */
	{ 99000, 1, 4 },	/* 14 */
	{ 99000, 0, 5 },	/* 15 */
	{ 500, 0, 6 },		/* 16: clock set back: no tokens from it */
	{ 1500, 1, 6 },		/* 17: counts from the new time */
};

static void test_ratelimit(void **state)
{
	struct oc_ratelimit rl = { .burst = 3, .interval_ms = 1000 };
	size_t i;

	oc_clock_set(fake_clock, &fake_ms);
	for (i = 0; i < sizeof(rl_steps) / sizeof(rl_steps[0]); i++) {
		print_message("# ratelimit step %zu at %lld ms\n", i + 1,
			      (long long)rl_steps[i].at);
		fake_ms = rl_steps[i].at;
		assert_int_equal(oc_ratelimit_ok(&rl), rl_steps[i].ok);
		assert_int_equal(rl.suppressed, rl_steps[i].suppressed);
	}
	oc_clock_set(NULL, NULL);
}

static void test_ratelimit_edges(void **state)
{
	struct oc_ratelimit none = { .burst = 0, .interval_ms = 0 };
	struct oc_ratelimit zero = { .burst = 0, .interval_ms = 100 };
	int i;

	oc_clock_set(fake_clock, &fake_ms);
	fake_ms = 5000;
	/* No interval: no limit. */
	for (i = 0; i < 100; i++)
		assert_int_equal(oc_ratelimit_ok(&none), 1);
	assert_int_equal(none.suppressed, 0);
	/* No burst: one message per interval, none at first. */
	assert_int_equal(oc_ratelimit_ok(&zero), 0);
	fake_ms += 100;
	assert_int_equal(oc_ratelimit_ok(&zero), 1);
	assert_int_equal(oc_ratelimit_ok(&zero), 0);
	fake_ms += 1000;
	assert_int_equal(oc_ratelimit_ok(&zero), 1);
	assert_int_equal(oc_ratelimit_ok(&zero), 0);
	assert_int_equal(zero.suppressed, 3);
	oc_clock_set(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup_rec,
						teardown_rec),
		cmocka_unit_test_setup_teardown(test_levels, setup_rec,
						teardown_rec),
		cmocka_unit_test_setup_teardown(test_newline, setup_rec,
						teardown_rec),
		cmocka_unit_test_setup_teardown(test_long, setup_rec,
						teardown_rec),
		cmocka_unit_test_setup_teardown(test_too_long, setup_rec,
						teardown_rec),
		cmocka_unit_test_setup_teardown(test_vemit, setup_rec,
						teardown_rec),
		cmocka_unit_test(test_strerr),
		cmocka_unit_test(test_strerr_threads),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_ratelimit_edges),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
