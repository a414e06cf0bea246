/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GlobalProtect cookie string (what --cookie and --cookieonly carry):
 * gp_cookie_parse(); a string that parses is built again, which must
 * parse and build to the same string, and gives the HIP md5 input.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>

#include "buf.h"
#include "fuzz.h"
#include "gp-cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oc_secret s1 = OC_SECRET_INIT, s2 = OC_SECRET_INIT;
	struct oc_text fields = OC_TEXT_INIT;
	struct gp_cookie c, back;
	struct oc_log lg;
	char md5[33];
	char *s = fuzz_strdup(data, size);
	size_t i;
	int ret;

	fuzz_log_init(&lg);
	ret = gp_cookie_parse(&lg, s, &c);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	if (ret) {
		FUZZ_CHECK(!oc_secret_isset(&c.authcookie) && !c.n_extra &&
			   !c.user);
		goto out;
	}
	FUZZ_CHECK(oc_secret_isset(&c.authcookie) && c.authcookie.len);
	FUZZ_CHECK(gp_cookie_fields(&c, &fields) == 0 && fields.secret);
	ret = gp_cookie_build(&c, &s1);
	FUZZ_CHECK(ret == 0 || ret == -ENOMEM || ret == -E2BIG);
	if (!ret) {
		FUZZ_CHECK(!strcmp(oc_secret_get(&s1), oc_text_str(&fields)));
		FUZZ_CHECK(gp_cookie_parse(&lg, oc_secret_get(&s1), &back) ==
			   0);
		FUZZ_CHECK(back.n_extra == c.n_extra);
		FUZZ_CHECK(gp_cookie_build(&back, &s2) == 0);
		FUZZ_CHECK(oc_secret_equal(&s1, &s2));
		gp_cookie_free(&back);
	}
	if (!gp_cookie_hip_md5(&c, md5)) {
		for (i = 0; i < 32; i++)
			FUZZ_CHECK(isxdigit((unsigned char)md5[i]));
		FUZZ_CHECK(md5[32] == '\0');
	}
out:
	oc_text_free(&fields);
	oc_secret_clear(&s1);
	oc_secret_clear(&s2);
	gp_cookie_free(&c);
	free(s);
	return 0;
}
