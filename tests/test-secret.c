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

#include "secret.h"

static void test_set_show_clear(void **state)
{
	struct oc_secret s = OC_SECRET_INIT;

	assert_false(oc_secret_isset(&s));
	assert_string_equal(oc_secret_show(&s), "(unset)");
	assert_null(oc_secret_get(&s));

	assert_int_equal(oc_secret_set_str(&s, "hunter2"), 0);
	assert_true(oc_secret_isset(&s));
	assert_string_equal(oc_secret_get(&s), "hunter2");
	assert_int_equal(s.len, 7);
	assert_string_equal(oc_secret_show(&s), "(hidden)");

	/* Replacing keeps only the new value. */
	assert_int_equal(oc_secret_set_str(&s, "x"), 0);
	assert_string_equal(oc_secret_get(&s), "x");
	assert_int_equal(s.len, 1);

	/* The empty string is set, not unset. */
	assert_int_equal(oc_secret_set_str(&s, ""), 0);
	assert_true(oc_secret_isset(&s));
	assert_string_equal(oc_secret_show(&s), "(hidden)");
	assert_int_equal(s.len, 0);

	oc_secret_clear(&s);
	assert_false(oc_secret_isset(&s));
	assert_null(s.val);
	assert_int_equal(s.len, 0);
	oc_secret_clear(&s);		/* twice is fine */

	assert_int_equal(oc_secret_set_str(&s, "y"), 0);
	assert_int_equal(oc_secret_set_str(&s, NULL), 0);
	assert_false(oc_secret_isset(&s));
	assert_string_equal(oc_secret_show(NULL), "(unset)");
}

static void test_set_binary(void **state)
{
	struct oc_secret s = OC_SECRET_INIT;
	static const char key[] = { 'a', 0, 'b', 0 };

	assert_int_equal(oc_secret_set(&s, key, 3), 0);
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.val, key, 3);
	assert_int_equal(s.val[3], '\0');	/* terminated */

	assert_int_equal(oc_secret_set(&s, NULL, 0), 0);
	assert_true(oc_secret_isset(&s));
	assert_int_equal(s.len, 0);
	assert_string_equal(s.val, "");
	oc_secret_clear(&s);
}

static void test_take(void **state)
{
	struct oc_secret s = OC_SECRET_INIT;
	char *v = strdup("cookie=abc");

	assert_non_null(v);
	assert_int_equal(oc_secret_set_str(&s, "old"), 0);
	oc_secret_take(&s, v);
	assert_ptr_equal(oc_secret_get(&s), v);
	assert_int_equal(s.len, 10);
	oc_secret_take(&s, NULL);
	assert_false(oc_secret_isset(&s));
	assert_int_equal(s.len, 0);
}

struct memeq_case {
	const char *name;
	const char *a, *b;
	size_t n;
	int eq;
};

static const struct memeq_case memeq_cases[] = {
	{ "1 empty", "", "", 0, 1 },
	{ "2 n 0 ignores content", "a", "b", 0, 1 },
	{ "3 equal", "abcdef", "abcdef", 6, 1 },
	{ "4 first differs", "xbcdef", "abcdef", 6, 0 },
	{ "5 last differs", "abcdeg", "abcdef", 6, 0 },
	{ "6 high bit", "\x80", "\x00", 1, 0 },
	{ "7 low bit", "\x01", "\x00", 1, 0 },
	{ "8 all bits", "\xff", "\x00", 1, 0 },
	{ "9 prefix equal", "abcX", "abcY", 3, 1 },
	{ "10 embedded NUL", "a\0b", "a\0c", 3, 0 },
	{ "11 embedded NUL equal", "a\0b", "a\0b", 3, 1 },
};

static void test_ct_memeq(void **state)
{
	unsigned char a[64], b[64];
	size_t i, bit;

	for (i = 0; i < sizeof(memeq_cases) / sizeof(memeq_cases[0]); i++) {
		const struct memeq_case *c = &memeq_cases[i];

		print_message("# memeq case %s\n", c->name);
		assert_int_equal(oc_ct_memeq(c->a, c->b, c->n), c->eq);
	}
	/* Every single-bit difference at every position is seen. */
	memset(a, 0x5a, sizeof(a));
	for (i = 0; i < sizeof(a); i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, a, sizeof(b));
			b[i] ^= (unsigned char)(1u << bit);
			assert_int_equal(oc_ct_memeq(a, b, sizeof(a)), 0);
		}
	}
	assert_int_equal(oc_ct_memeq(a, a, sizeof(a)), 1);
}

struct eq_case {
	const char *name;
	const char *a;		/* NULL: unset */
	size_t alen;
	const char *b;
	size_t blen;
	int eq;
};

static const struct eq_case eq_cases[] = {
	{ "1 both unset", NULL, 0, NULL, 0, 1 },
	{ "2 one unset", "a", 1, NULL, 0, 0 },
	{ "3 other unset", NULL, 0, "a", 1, 0 },
	{ "4 unset vs empty", NULL, 0, "", 0, 0 },
	{ "5 both empty", "", 0, "", 0, 1 },
	{ "6 equal", "secret", 6, "secret", 6, 1 },
	{ "7 differ", "secret", 6, "secreT", 6, 0 },
	{ "8 prefix", "secret", 6, "secrets", 7, 0 },
	{ "9 NUL inside", "a\0b", 3, "a\0c", 3, 0 },
	{ "10 NUL inside equal", "a\0b", 3, "a\0b", 3, 1 },
};

static void test_secret_equal(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(eq_cases) / sizeof(eq_cases[0]); i++) {
		const struct eq_case *c = &eq_cases[i];
		struct oc_secret a = OC_SECRET_INIT, b = OC_SECRET_INIT;

		print_message("# equal case %s\n", c->name);
		if (c->a)
			assert_int_equal(oc_secret_set(&a, c->a, c->alen), 0);
		if (c->b)
			assert_int_equal(oc_secret_set(&b, c->b, c->blen), 0);
		assert_int_equal(oc_secret_equal(&a, &b), c->eq);
		assert_int_equal(oc_secret_equal(&b, &a), c->eq);
		oc_secret_clear(&a);
		oc_secret_clear(&b);
	}
}

static void test_wipe(void **state)
{
	unsigned char buf[32], zero[32] = { 0 };
	char *s;

	memset(buf, 0xaa, sizeof(buf));
	oc_wipe(buf + 8, 16);
	assert_memory_equal(buf + 8, zero, 16);
	assert_int_equal(buf[7], 0xaa);
	assert_int_equal(buf[24], 0xaa);
	oc_wipe(NULL, 10);
	oc_wipe(buf, 0);
	assert_int_equal(buf[0], 0xaa);

	s = strdup("one-time code");
	assert_non_null(s);
	oc_free_str_secret(s);
	oc_free_str_secret(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_show_clear),
		cmocka_unit_test(test_set_binary),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_ct_memeq),
		cmocka_unit_test(test_secret_equal),
		cmocka_unit_test(test_wipe),
	};

	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
