/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pre-login answer: gp_parse_prelogin() and the SAML request decode. */
#include <config.h>

#include <errno.h>

#include "fuzz.h"
#include "gp-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_prelogin p;
	struct oc_log lg;
	char *body = fuzz_memdup(data, size);
	char *saml = NULL;
	int ret;

	fuzz_log_init(&lg);
	memset(&p, 0, sizeof(p));
	ret = gp_parse_prelogin(&lg, body, size, &p);
	FUZZ_CHECK(ret == 0 || ret == -EPERM || ret == -EINVAL ||
		   ret == -EOPNOTSUPP || ret == -ENOMEM);
	if (ret == 0) {
		FUZZ_CHECK(p.status != NULL);
		ret = gp_prelogin_saml_decode(&p, &saml);
		FUZZ_CHECK(ret == 0 || ret == -ENOENT || ret == -EINVAL ||
			   ret == -ENOMEM);
		FUZZ_CHECK((ret == 0) == (saml != NULL));
		FUZZ_CHECK(ret != -ENOENT || p.saml == GP_SAML_NONE);
		if (saml)
			FUZZ_CHECK(strlen(saml) <= strlen(p.saml_request));
		free(saml);
	} else if (ret != -EPERM) {
		FUZZ_CHECK(!p.status && !p.msg && !p.saml_request);
	}
	gp_prelogin_free(&p);
	free(body);
	return 0;
}
