/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One-time passwords: the RFC 4226 and RFC 6238 test vectors, the secret
 * formats of --token-secret, and the failures.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "secret.h"
#include "token.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* "12345678901234567890", the key of both RFCs' SHA-1 vectors. */
#define RFC_HEX		"0x3132333435363738393031323334353637383930"
#define RFC_B32		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static int64_t fake_now;

static int64_t fake_clock(void)
{
	return fake_now;
}

static int teardown(void **state)
{
	oc_wall_time_set(NULL);
	return 0;
}

/* RFC 4226 appendix D. */
static const char *const rfc4226_codes[] = {
	"755224", "287082", "359152", "969429", "338314",
	"254676", "287922", "162583", "399871", "520489",
};

static void test_hotp_rfc4226(void **state)
{
	struct oc_token t = OC_TOKEN_INIT;
	char code[OC_TOKEN_CODE_LEN];
	size_t i;

	assert_int_equal(oc_token_parse("hotp", RFC_HEX, &t), 0);
	assert_int_equal(t.mode, OC_TOKEN_HOTP);
	assert_string_equal(t.alg, "sha1");
	assert_int_equal(t.key.len, 20);
	assert_memory_equal(t.key.val, "12345678901234567890", 20);
	assert_int_equal(t.digits, 6);
	for (i = 0; i < ARRAY_LEN(rfc4226_codes); i++) {
		print_message("counter %zu\n", i);
		assert_int_equal(t.counter, i);
		assert_int_equal(oc_token_code(&t, code), 0);
		assert_string_equal(code, rfc4226_codes[i]);
	}
	assert_int_equal(t.counter, 10);
	/* oc_token_code_at has no side effect. */
	assert_int_equal(oc_token_code_at(&t, 3, code), 0);
	assert_string_equal(code, "969429");
	assert_int_equal(t.counter, 10);
	oc_token_free(&t);
	assert_false(oc_secret_isset(&t.key));
}

static void test_hotp_counter(void **state)
{
	static const struct {
		const char *secret;
		uint64_t counter;
		const char *code;
	} cases[] = {
		{ RFC_HEX ",5", 5, "254676" },
		{ RFC_B32 ",0", 0, "755224" },
		{ "base32:" RFC_B32 ",9", 9, "520489" },
		{ "sha1:" RFC_HEX ",2", 2, "359152" },
		{ RFC_HEX ",007", 7, "162583" },
	};
	struct oc_token t;
	char code[OC_TOKEN_CODE_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].secret);
		assert_int_equal(oc_token_parse("HOTP", cases[i].secret, &t),
				 0);
		assert_true(t.counter == cases[i].counter);
		assert_int_equal(oc_token_code(&t, code), 0);
		assert_string_equal(code, cases[i].code);
		assert_true(t.counter == cases[i].counter + 1);
		oc_token_free(&t);
	}
}

static void test_hotp_counter_end(void **state)
{
	struct oc_token t;
	char code[OC_TOKEN_CODE_LEN] = "";

	assert_int_equal(oc_token_parse("hotp",
					RFC_HEX ",18446744073709551614", &t),
			 0);
	assert_int_equal(oc_token_code(&t, code), 0);
	assert_int_equal(strlen(code), 6);
	assert_true(t.counter == UINT64_MAX);
	assert_int_equal(oc_token_code(&t, code), -ERANGE);
	assert_true(t.counter == UINT64_MAX);
	oc_token_free(&t);
}

/* RFC 6238 appendix B, all three hashes, 8 digits. */
static void test_totp_rfc6238(void **state)
{
	static const struct {
		const char *secret;
		int64_t time;
		const char *code;
	} cases[] = {
		{ RFC_HEX, 59, "94287082" },
		{ RFC_HEX, 1111111109, "07081804" },
		{ RFC_HEX, 1111111111, "14050471" },
		{ RFC_HEX, 1234567890, "89005924" },
		{ RFC_HEX, 2000000000, "69279037" },
		{ RFC_HEX, 20000000000LL, "65353130" },
		{ "sha256:base32:GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
		  "GEZDGNBVGY3TQOJQGEZA", 59, "46119246" },
		{ "sha256:0x3132333435363738393031323334353637383930"
		  "313233343536373839303132", 1111111109, "68084774" },
		{ "SHA256:0x3132333435363738393031323334353637383930"
		  "313233343536373839303132", 20000000000LL, "77737706" },
		{ "sha512:0x3132333435363738393031323334353637383930"
		  "3132333435363738393031323334353637383930"
		  "3132333435363738393031323334353637383930"
		  "31323334", 59, "90693936" },
		{ "sha512:0x3132333435363738393031323334353637383930"
		  "3132333435363738393031323334353637383930"
		  "3132333435363738393031323334353637383930"
		  "31323334", 1234567890, "93441116" },
		{ "sha512:0x3132333435363738393031323334353637383930"
		  "3132333435363738393031323334353637383930"
		  "3132333435363738393031323334353637383930"
		  "31323334", 2000000000, "38618901" },
	};
	struct oc_token t;
	char code[OC_TOKEN_CODE_LEN];
	size_t i;

	oc_wall_time_set(fake_clock);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: t=%lld\n", i,
			      (long long)cases[i].time);
		assert_int_equal(oc_token_parse("totp", cases[i].secret, &t),
				 0);
		assert_int_equal(t.mode, OC_TOKEN_TOTP);
		assert_int_equal(t.step, 30);
		t.digits = 8;
		fake_now = cases[i].time;
		assert_int_equal(oc_token_code(&t, code), 0);
		assert_string_equal(code, cases[i].code);
		oc_token_free(&t);
	}
}

/* The default: six digits, the last six of the 8-digit vectors. */
static void test_totp_default(void **state)
{
	static const struct {
		const char *secret;
		int64_t time;
		const char *code;
	} cases[] = {
		{ RFC_B32, 59, "287082" },
		{ "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", 1111111109, "081804" },
		{ "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", 1111111111,
		  "050471" },
		{ "base32:" RFC_B32, 1234567890, "005924" },
		{ "BASE32:" RFC_B32, 2000000000, "279037" },
		{ RFC_HEX, 0, "755224" },	/* counter 0 */
		{ RFC_HEX, 29, "755224" },
		{ RFC_HEX, 30, "287082" },	/* counter 1 */
		{ "0X3132333435363738393031323334353637383930", 59,
		  "287082" },
	};
	struct oc_token t;
	char code[OC_TOKEN_CODE_LEN];
	size_t i;

	oc_wall_time_set(fake_clock);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].secret);
		assert_int_equal(oc_token_parse("totp", cases[i].secret, &t),
				 0);
		fake_now = cases[i].time;
		assert_int_equal(oc_token_code(&t, code), 0);
		assert_string_equal(code, cases[i].code);
		/* TOTP has no counter to advance. */
		assert_true(t.counter == 0);
		oc_token_free(&t);
	}
}

/* A base32 key with padding: "12345" is GEZDGNBV, "1234567" needs '='. */
static void test_key_decoding(void **state)
{
	static const struct {
		const char *secret;
		const char *key;
		size_t len;
	} cases[] = {
		{ "GEZDGNBV", "12345", 5 },
		{ "GEZDGNBVGY3Q====", "1234567", 7 },
		{ "GEZDGNBVGY3Q", "1234567", 7 },
		{ "0x00ff10", "\x00\xff\x10", 3 },
		{ "0xABcd", "\xab\xcd", 2 },
		{ "sha512:MZXW6===", "foo", 3 },
	};
	struct oc_token t;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].secret);
		assert_int_equal(oc_token_parse("totp", cases[i].secret, &t),
				 0);
		assert_int_equal(t.key.len, cases[i].len);
		assert_memory_equal(t.key.val, cases[i].key, cases[i].len);
		oc_token_free(&t);
	}
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *mode;
		const char *secret;
		int ret;
	} cases[] = {
		{ NULL, RFC_B32, -EINVAL },
		{ "", RFC_B32, -EINVAL },
		{ "rsa", RFC_B32, -EOPNOTSUPP },
		{ "yubioath", RFC_B32, -EOPNOTSUPP },
		{ "totp", NULL, -EINVAL },
		{ "totp", "", -EINVAL },
		{ "totp", "base32:", -EINVAL },
		{ "totp", "sha256:", -EINVAL },
		{ "totp", "GEZDGNB1", -EINVAL },	/* '1' is not base32 */
		{ "totp", "GEZDGNB!", -EINVAL },
		{ "totp", "GEZ", -EINVAL },		/* bad length */
		{ "totp", "GE=ZDGNBV", -EINVAL },	/* digit after pad */
		{ "totp", "0x", -EINVAL },
		{ "totp", "0x123", -EINVAL },		/* odd hex */
		{ "totp", "0xzz", -EINVAL },
		{ "totp", "md5:" RFC_B32, -EINVAL },	/* unknown hash */
		{ "totp", RFC_B32 ",5", -EINVAL },	/* counter with TOTP */
		{ "hotp", RFC_B32 ",", -EINVAL },
		{ "hotp", RFC_B32 ",abc", -EINVAL },
		{ "hotp", RFC_B32 ",-1", -EINVAL },
		{ "hotp", RFC_B32 ", 5", -EINVAL },
		{ "hotp", RFC_B32 ",5 ", -EINVAL },
		{ "hotp", RFC_B32 ",18446744073709551616", -EINVAL },
		{ "hotp", ",5", -EINVAL },		/* no key */
		{ "hotp", RFC_B32 ",1,2", -EINVAL },
	};
	struct oc_token t;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: %s %s\n", i,
			      cases[i].mode ? cases[i].mode : "(null)",
			      cases[i].secret ? cases[i].secret : "(null)");
		memset(&t, 0x5a, sizeof(t));
		assert_int_equal(oc_token_parse(cases[i].mode,
						cases[i].secret, &t),
				 cases[i].ret);
		assert_null(t.key.val);
		oc_token_free(&t);
	}
}

static void test_key_too_long(void **state)
{
	char secret[2 + 2 * (OC_TOKEN_KEY_MAX + 1) + 1];
	struct oc_token t;
	size_t i;

	memcpy(secret, "0x", 2);
	for (i = 0; i < 2 * (OC_TOKEN_KEY_MAX + 1); i++)
		secret[2 + i] = 'a';
	secret[sizeof(secret) - 1] = '\0';
	assert_int_equal(oc_token_parse("totp", secret, &t), -E2BIG);
	assert_null(t.key.val);
	/* Exactly the maximum is fine. */
	secret[sizeof(secret) - 3] = '\0';
	assert_int_equal(oc_token_parse("totp", secret, &t), 0);
	assert_int_equal(t.key.len, OC_TOKEN_KEY_MAX);
	oc_token_free(&t);
}

static void test_code_errors(void **state)
{
	struct oc_token t = OC_TOKEN_INIT;
	char code[OC_TOKEN_CODE_LEN];

	/* Nothing parsed. */
	assert_int_equal(oc_token_code(&t, code), -EINVAL);
	assert_int_equal(oc_token_code_at(&t, 0, code), -EINVAL);

	assert_int_equal(oc_token_parse("totp", RFC_B32, &t), 0);
	t.digits = 5;
	assert_int_equal(oc_token_code_at(&t, 0, code), -EINVAL);
	t.digits = 9;
	assert_int_equal(oc_token_code_at(&t, 0, code), -EINVAL);
	t.digits = 7;
	assert_int_equal(oc_token_code_at(&t, 1, code), 0);
	assert_string_equal(code, "4287082");

	/* A clock before 1970. */
	t.digits = 6;
	oc_wall_time_set(fake_clock);
	fake_now = -1;
	assert_int_equal(oc_token_code(&t, code), -ERANGE);
	oc_token_free(&t);
	assert_int_equal(oc_token_code(&t, code), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_hotp_rfc4226, teardown),
		cmocka_unit_test_teardown(test_hotp_counter, teardown),
		cmocka_unit_test_teardown(test_hotp_counter_end, teardown),
		cmocka_unit_test_teardown(test_totp_rfc6238, teardown),
		cmocka_unit_test_teardown(test_totp_default, teardown),
		cmocka_unit_test_teardown(test_key_decoding, teardown),
		cmocka_unit_test_teardown(test_parse_errors, teardown),
		cmocka_unit_test_teardown(test_key_too_long, teardown),
		cmocka_unit_test_teardown(test_code_errors, teardown),
	};

	return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
