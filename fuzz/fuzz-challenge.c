/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 2FA challenge shapes through gp_parse_challenge(): XML <challenge>,
 * the JavaScript respStatus/respMsg/inputStr.value script, and an HTML
 * page holding that script. The seeds have all three; the first is also
 * reached from the login harness.
 */
#include <config.h>

#include <errno.h>

#include "fuzz.h"
#include "gp-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_challenge ch;
	struct oc_log lg;
	char *body = fuzz_memdup(data, size);
	char *error = NULL;
	int ret;

	fuzz_log_init(&lg);
	ret = gp_parse_challenge(&lg, body, size, &ch, &error);
	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EPERM || ret == -EINVAL ||
		   ret == -ENOMEM);
	if (ret != 1)
		FUZZ_CHECK(!ch.prompt && !oc_secret_isset(&ch.token));
	if (ret != -EPERM)
		FUZZ_CHECK(!error);
	/* A prompt and token are text: no NUL before their end. */
	if (ch.prompt)
		FUZZ_CHECK(*ch.prompt);
	if (oc_secret_isset(&ch.token))
		FUZZ_CHECK(strlen(oc_secret_get(&ch.token)) ==
			   ch.token.len);
	gp_challenge_free(&ch);
	free(error);
	free(body);
	return 0;
}
