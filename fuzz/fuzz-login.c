/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The gateway's login answer: gp_parse_login() (jnlp, error answers and
 * the challenges it recognises), then for a cookie the cookie string it
 * becomes, built, parsed back and built again (both builds must agree).
 */
#include <config.h>

#include <errno.h>

#include "fuzz.h"
#include "gp-cookie.h"
#include "gp-parse.h"

static void cookie_round_trip(const struct oc_log *lg,
			      const struct gp_login *l)
{
	struct oc_secret s1 = OC_SECRET_INIT, s2 = OC_SECRET_INIT;
	struct gp_cookie c, back;
	int ret;

	ret = gp_login_to_cookie(l, "fuzz-host", &c);
	FUZZ_CHECK(ret == 0 || ret == -ENOMEM);
	if (ret)
		return;
	ret = gp_cookie_build(&c, &s1);
	FUZZ_CHECK(ret == 0 || ret == -ENOMEM || ret == -E2BIG);
	if (!ret) {
		memset(&back, 0, sizeof(back));
		ret = gp_cookie_parse(lg, oc_secret_get(&s1), &back);
		FUZZ_CHECK(ret == 0 || ret == -ENOMEM);
		if (!ret && !gp_cookie_build(&back, &s2))
			FUZZ_CHECK(oc_secret_equal(&s1, &s2));
		gp_cookie_free(&back);
	}
	oc_secret_clear(&s1);
	oc_secret_clear(&s2);
	gp_cookie_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_login l;
	struct oc_log lg;
	char *body = fuzz_memdup(data, size);
	int ret;

	fuzz_log_init(&lg);
	ret = gp_parse_login(&lg, body, size, &l);
	FUZZ_CHECK(ret == GP_LOGIN_COOKIE || ret == GP_LOGIN_CHALLENGE ||
		   ret == -EPERM || ret == -EINVAL || ret == -EPROTO ||
		   ret == -ENOMEM);
	if (ret == GP_LOGIN_COOKIE) {
		FUZZ_CHECK(oc_secret_isset(&l.authcookie) && l.user);
		cookie_round_trip(&lg, &l);
	} else {
		FUZZ_CHECK(!oc_secret_isset(&l.authcookie) && !l.user);
	}
	if (ret < 0)
		FUZZ_CHECK(!l.challenge.prompt && !l.portal && !l.domain);
	if (ret != -EPERM)
		FUZZ_CHECK(!l.error);
	gp_login_free(&l);
	free(body);
	return 0;
}
