/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esp.h"

#define W	OC_ESP_REPLAY_WINDOW
#define OK	0
#define DUP	(-EALREADY)
#define OLD	(-ETIME)
#define TOP	UINT32_MAX
#define B	(10 * W)	/* a start well above 0, at a block start */

/* ---- Table of sequences ------------------------------------------------ */

/*
 * Each case feeds its numbers to a fresh window: check, and accept when
 * the check allowed it (as oc_esp_decrypt() does for a packet whose ICV is
 * good). Written in terms of W, so they hold for any window size.
 */
struct step {
	uint32_t seq;
	int want;
};

#define MAX_STEPS	12

struct seq_case {
	const char *name;
	size_t n;
	struct step s[MAX_STEPS];
};

#define CASE(name, ...)							\
	{ name, sizeof((struct step[]){ __VA_ARGS__ }) /		\
		sizeof(struct step), { __VA_ARGS__ } }

static const struct seq_case seq_cases[] = {
	CASE("1 in order", { 1, OK }, { 2, OK }, { 3, OK }, { 4, OK },
	     { 5, OK }),
	CASE("2 duplicate of the top", { 1, OK }, { 2, OK }, { 2, DUP },
	     { 3, OK }, { 3, DUP }),
	CASE("3 duplicate below the top", { 1, OK }, { 2, OK }, { 3, OK },
	     { 1, DUP }, { 2, DUP }),
	CASE("4 reorder within the window", { 5, OK }, { 3, OK }, { 4, OK },
	     { 1, OK }, { 2, OK }, { 3, DUP }, { 6, OK }, { 5, DUP }),
	CASE("5 exactly at the window edge", { B, OK }, { B - W + 1, OK },
	     { B - W + 1, DUP }, { B - 1, OK }),
	CASE("6 one beyond the edge is too old", { B, OK }, { B - W, OLD },
	     { B - W - 1, OLD }, { B - W + 1, OK }),
	CASE("7 jump ahead by W-1", { 1, OK }, { 1 + W - 1, OK },
	     { 1, DUP }, { 2, OK }, { W - 1, OK }),
	CASE("8 jump ahead by W", { 1, OK }, { 1 + W, OK }, { 1, OLD },
	     { 2, OK }, { 2, DUP }, { 1 + W, DUP }),
	CASE("9 jump ahead by W+1", { 1, OK }, { 1 + W + 1, OK },
	     { 1, OLD }, { 2, OLD }, { 3, OK }, { 3, DUP }),
	CASE("10 big jump clears the window", { 1, OK }, { 2, OK },
	     { 3, OK }, { 5 + 10 * W, OK }, { 5 + 10 * W, DUP },
	     { 6 + 9 * W, OK }, { 5 + 9 * W, OLD }, { 3, OLD }),
	CASE("11 2^32-1 at the top", { TOP - 1, OK }, { TOP, OK },
	     { TOP, DUP }, { TOP - 1, DUP }, { TOP - 2, OK }, { 0, OLD },
	     { 1, OLD }, { TOP - W + 1, OK }, { TOP - W, OLD }),
	CASE("12 start at 0", { 0, OK }, { 0, DUP }, { 1, OK }, { 2, OK },
	     { 0, DUP }, { 1, DUP }),
	CASE("13 start at 1, late 0", { 1, OK }, { 0, OK }, { 0, DUP },
	     { 1, DUP }, { 2, OK }),
	CASE("14 first packet far ahead", { 100000, OK }, { 99999, OK },
	     { 100000 - W + 1, OK }, { 100000 - W, OLD }, { 0, OLD }),
	CASE("15 across block boundaries", { 63, OK }, { 64, OK },
	     { 63, DUP }, { 64 + W, OK }, { 64, OLD }, { 65, OK },
	     { 63, OLD }, { 64 + W - 1, OK }, { 64 + W - 1, DUP }),
	CASE("16 numbers either side of a block start", { B + 63, OK },
	     { B + 64, OK }, { B + 63, DUP }, { B + 65, OK },
	     { B + 66 - W, OK }, { B + 66 - W, DUP }, { B + 65 - W, OLD }),
	CASE("17 jump from 0 by exactly a block", { 0, OK }, { 64, OK },
	     { 63, OK }, { 1, OK }, { 64, DUP }),
	CASE("18 a whole window, then its edge", { 10, OK },
	     { 10 + W - 1, OK }, { 10 + W, OK }, { 10, OLD },
	     { 11, OK }, { 11 + W, OK }, { 11, OLD }, { 12, OK }),
};

static void run_case(const struct seq_case *c)
{
	struct oc_replay w;
	size_t i;
	int ret;

	oc_replay_init(&w);
	for (i = 0; i < c->n; i++) {
		ret = oc_replay_check(&w, c->s[i].seq);
		if (ret != c->s[i].want)
			print_message("# case %s: step %zu (seq %u): got %d,"
				      " want %d\n", c->name, i + 1,
				      (unsigned int)c->s[i].seq, ret,
				      c->s[i].want);
		assert_int_equal(ret, c->s[i].want);
		if (!ret)
			oc_replay_accept(&w, c->s[i].seq);
	}
}

static void test_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++) {
		assert_true(seq_cases[i].n <= MAX_STEPS);
		run_case(&seq_cases[i]);
	}
}

/* ---- Properties -------------------------------------------------------- */

/* check() only looks; accept() of a refused number changes nothing. */
static void test_check_is_pure(void **state)
{
	struct oc_replay w, before;

	oc_replay_init(&w);
	assert_int_equal(oc_replay_check(&w, 5), OK);
	assert_int_equal(oc_replay_check(&w, 5), OK);
	oc_replay_accept(&w, 5);
	assert_int_equal(oc_replay_check(&w, 5), DUP);

	oc_replay_accept(&w, 5 + 3 * W);
	memcpy(&before, &w, sizeof(w));
	oc_replay_accept(&w, 5);		/* too old */
	oc_replay_accept(&w, 5 + 3 * W);	/* duplicate */
	assert_memory_equal(&w, &before, sizeof(w));
	assert_int_equal(oc_replay_check(&w, 4 + 3 * W), OK);
}

/* Every number of a long in-order run, then every one of them again. */
static void test_long_run(void **state)
{
	struct oc_replay w;
	uint32_t s, last = 10 * W + 37;

	oc_replay_init(&w);
	for (s = 1; s <= last; s++) {
		assert_int_equal(oc_replay_check(&w, s), OK);
		oc_replay_accept(&w, s);
		assert_int_equal(oc_replay_check(&w, s), DUP);
	}
	for (s = 0; s <= last; s++) {
		if (s + W <= last)
			assert_int_equal(oc_replay_check(&w, s), OLD);
		else
			assert_int_equal(oc_replay_check(&w, s), DUP);
	}
}

/*
 * Against a model that is RFC 4303's rule written out with no cleverness:
 * a set of the numbers accepted and the highest of them. Random numbers
 * around the top, back and forth, with now and then a big jump.
 */
#define MODEL_SPAN	((uint32_t)W * 32768)

struct model {
	uint32_t top;
	unsigned char *seen;	/* one byte per number below MODEL_SPAN */
};

static int model_check(const struct model *m, uint32_t seq)
{
	if (seq > m->top)
		return OK;
	if (m->top - seq >= W)
		return OLD;
	return m->seen[seq] ? DUP : OK;
}

static uint32_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)(*x >> 32);
}

static uint32_t next_seq(uint64_t *x, uint32_t top)
{
	uint32_t r = rnd(x), back = 2 * W, ahead;

	if (r % 10 == 1)			/* a recent one again */
		return top > r % 8 ? top - r % 8 : 0;
	if (r % 500 == 0)
		ahead = 5 * W + r % (7 * W);	/* a big jump */
	else
		ahead = W / 2;
	r = rnd(x) % (back + ahead);
	if (r >= back)
		return top + (r - back);
	return top > back - r ? top - (back - r) : 0;
}

static void test_model(void **state)
{
	struct model m = { 0, calloc(MODEL_SPAN, 1) };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct oc_replay w;
	uint32_t seq;
	int i, got, want, seen_ok = 0, seen_dup = 0, seen_old = 0;

	assert_non_null(m.seen);
	oc_replay_init(&w);
	for (i = 0; i < 300000 && m.top < MODEL_SPAN - 20 * W; i++) {
		seq = next_seq(&x, m.top);
		got = oc_replay_check(&w, seq);
		want = model_check(&m, seq);
		if (got != want)
			print_message("# step %d seq %u top %u: got %d, "
				      "want %d\n", i, (unsigned int)seq,
				      (unsigned int)m.top, got, want);
		assert_int_equal(got, want);
		seen_dup += got == DUP;
		seen_old += got == OLD;
		if (got)
			continue;
		seen_ok++;
		oc_replay_accept(&w, seq);
		m.seen[seq] = 1;
		if (seq > m.top)
			m.top = seq;
	}
	print_message("# %d steps: %d ok, %d dup, %d old\n", i, seen_ok,
		      seen_dup, seen_old);
	/* The walk reached every outcome often. */
	assert_true(i > 100000);
	assert_true(seen_ok > 1000 && seen_dup > 1000 && seen_old > 1000);
	free(m.seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_check_is_pure),
		cmocka_unit_test(test_long_run),
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests_name("esp-seqno", tests, NULL, NULL);
}
