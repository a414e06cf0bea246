/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The role a URL path names, and the authentication form helpers.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "form.h"
#include "gp-auth.h"

static void test_path_role(void **state)
{
	static const struct {
		const char *path;
		int ret;
		enum gp_role role;
		const char *field;
	} cases[] = {
		{ NULL, 0, GP_ROLE_AUTO, NULL },
		{ "", 0, GP_ROLE_AUTO, NULL },
		{ "portal", 0, GP_ROLE_PORTAL, NULL },
		{ "global-protect", 0, GP_ROLE_PORTAL, NULL },
		{ "global-protect/getconfig.esp", 0, GP_ROLE_PORTAL, NULL },
		{ "gateway", 0, GP_ROLE_GATEWAY, NULL },
		{ "ssl-vpn", 0, GP_ROLE_GATEWAY, NULL },
		{ "ssl-vpn/login.esp", 0, GP_ROLE_GATEWAY, NULL },
		{ "portals", 0, GP_ROLE_AUTO, NULL },
		{ "something", 0, GP_ROLE_AUTO, NULL },
		{ "gateway:prelogin-cookie", 0, GP_ROLE_GATEWAY,
		  "prelogin-cookie" },
		{ "portal:portal-userauthcookie", 0, GP_ROLE_PORTAL,
		  "portal-userauthcookie" },
		{ ":prelogin-cookie", 0, GP_ROLE_AUTO, "prelogin-cookie" },
		{ "gateway:passwd", -EINVAL, GP_ROLE_GATEWAY, NULL },
		{ "gateway:", -EINVAL, GP_ROLE_GATEWAY, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum gp_role role;
		const char *field;

		print_message("case %zu: %s\n", i,
			      cases[i].path ? cases[i].path : "(null)");
		assert_int_equal(gp_path_role(cases[i].path, &role, &field),
				 cases[i].ret);
		assert_int_equal(role, cases[i].role);
		if (cases[i].field)
			assert_string_equal(field, cases[i].field);
		else
			assert_null(field);
	}
}

static void test_form(void **state)
{
	struct oc_auth_form *f = oc_authform_new(OC_FORM_LOGIN, "banner",
						 "message", NULL);
	struct oc_form_opt *user, *pass;
	struct oc_form_opt_select *sel;

	assert_non_null(f);
	assert_string_equal(f->auth_id, "_login");
	assert_null(f->error);
	user = oc_authform_add(f, OC_FORM_OPT_TEXT, "user", "Username");
	pass = oc_authform_add(f, OC_FORM_OPT_PASSWORD, "passwd", "Password");
	sel = oc_authform_add_select(f, "gateway", "Gateway");
	assert_non_null(user);
	assert_non_null(pass);
	assert_non_null(sel);
	assert_ptr_equal(f->opts, user);
	assert_ptr_equal(user->next, pass);
	assert_ptr_equal(pass->next, &sel->form);
	assert_ptr_equal(f->authgroup_opt, sel);
	assert_int_equal(oc_authform_add_choice(sel, "gw1", "Europe"), 0);
	assert_int_equal(oc_authform_add_choice(sel, "gw2", "Asia"), 0);
	assert_int_equal(sel->nr_choices, 2);
	assert_string_equal(sel->choices[1]->label, "Asia");

	assert_null(oc_authform_value(f, "passwd"));
	assert_int_equal(openconnect_set_option_value(pass, "first"), 0);
	assert_int_equal(openconnect_set_option_value(pass, "second"), 0);
	assert_string_equal(oc_authform_value(f, "passwd"), "second");
	assert_int_equal(openconnect_set_option_value(pass, NULL), 0);
	assert_null(oc_authform_value(f, "passwd"));
	assert_null(oc_authform_opt(f, "nonexistent"));
	oc_authform_free(f);
	oc_authform_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_role),
		cmocka_unit_test(test_form),
	};

	return cmocka_run_group_tests_name("gp-auth", tests, NULL, NULL);
}
