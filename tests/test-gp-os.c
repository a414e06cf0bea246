/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The --os table: each choice gives clientos and os-version; anything else
 * is refused.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "gp-os.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static void test_known(void **state)
{
	static const struct {
		const char *choice;
		const char *clientos;
		const char *os_version;
	} cases[] = {
		{ NULL, "Linux", "linux" },
		{ "linux", "Linux", "linux" },
		{ "linux-64", "Linux", "linux-64" },
		{ "win", "Windows", "Microsoft Windows 10 Pro, 64-bit" },
		{ "mac-intel", "Mac", "Apple Mac OS X 10.15" },
		{ "android", "Android", "Google Android 12.0.0" },
		{ "apple-ios", "iOS", "Apple iOS 16.0" },
	};
	const struct gp_os *os;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: %s\n", i,
			      cases[i].choice ? cases[i].choice : "(null)");
		os = NULL;
		assert_int_equal(gp_os_lookup(cases[i].choice, &os), 0);
		assert_non_null(os);
		assert_string_equal(os->choice, cases[i].choice ?
				    cases[i].choice : GP_OS_DEFAULT);
		assert_string_equal(os->clientos, cases[i].clientos);
		assert_string_equal(os->os_version, cases[i].os_version);
		/* Every choice is listed for the help text. */
		assert_non_null(strstr(gp_os_choices(), os->choice));
	}
}

static void test_unknown(void **state)
{
	static const char *const cases[] = {
		"", "Linux", "WIN", "windows", "mac", "mac-intel ", " win",
		"ios", "linux64", "Windows", "Mac", "iOS", "android\t",
		"linux\x01",
	};
	const struct gp_os *os;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: \"%s\"\n", i, cases[i]);
		os = NULL;
		assert_int_equal(gp_os_lookup(cases[i], &os), -EINVAL);
		assert_null(os);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests_name("gp-os", tests, NULL, NULL);
}
