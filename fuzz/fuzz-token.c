/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The token secret (--token-mode, --token-secret): oc_token_parse() for
 * the mode picked by byte 0 and the secret in the rest; a secret that
 * parses gives codes of 6 to 8 digits at a few counter values, and
 * oc_token_code() advances a HOTP counter by one.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>

#include "fuzz.h"
#include "token.h"

static void check_code(const char *code, unsigned int digits)
{
	unsigned int i;

	FUZZ_CHECK(strlen(code) == digits);
	for (i = 0; i < digits; i++)
		FUZZ_CHECK(isdigit((unsigned char)code[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const modes[] = { "totp", "hotp", "HOTP", "TOTP",
					     "rsa", "" };
	static const uint64_t counters[] = { 0, 1, 0x7fffffff, UINT64_MAX };
	char code[OC_TOKEN_CODE_LEN];
	struct oc_token t = OC_TOKEN_INIT;
	const char *mode;
	uint64_t before;
	char *secret;
	size_t i;
	int ret;

	if (size < 1)
		return 0;
	mode = modes[data[0] % 6];
	secret = fuzz_strdup(data + 1, size - 1);
	ret = oc_token_parse(mode, secret, &t);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -EOPNOTSUPP ||
		   ret == -E2BIG || ret == -ENOMEM);
	if (ret) {
		FUZZ_CHECK(!oc_secret_isset(&t.key));
		goto out;
	}
	FUZZ_CHECK(t.key.len > 0 && t.key.len <= OC_TOKEN_KEY_MAX);
	FUZZ_CHECK(t.digits == OC_TOKEN_DIGITS && t.alg);
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		t.digits = 6 + (unsigned int)(i % 3);
		FUZZ_CHECK(oc_token_code_at(&t, counters[i], code) == 0);
		check_code(code, t.digits);
	}
	t.digits = OC_TOKEN_DIGITS;
	before = t.counter;
	ret = oc_token_code(&t, code);
	if (t.mode == OC_TOKEN_HOTP) {
		FUZZ_CHECK(ret == 0 ? t.counter == before + 1 :
			   ret == -ERANGE && before == UINT64_MAX);
	} else {
		FUZZ_CHECK(ret == 0 && t.counter == before);
	}
	if (!ret)
		check_code(code, OC_TOKEN_DIGITS);
out:
	oc_token_free(&t);
	free(secret);
	return 0;
}
