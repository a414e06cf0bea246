/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "num.h"

/* ---- Decimal and hex numbers ------------------------------------------- */

struct u64_case {
	const char *name;
	const char *in;
	int base;
	uint64_t max;
	int ret;
	uint64_t out;
};

static const struct u64_case u64_cases[] = {
	{ "1 zero", "0", 10, UINT64_MAX, 0, 0 },
	{ "2 one", "1", 10, UINT64_MAX, 0, 1 },
	{ "3 leading zeros", "007", 10, UINT64_MAX, 0, 7 },
	{ "4 u64 max", "18446744073709551615", 10, UINT64_MAX, 0, UINT64_MAX },
	{ "5 u64 max + 1", "18446744073709551616", 10, UINT64_MAX, -ERANGE, 0 },
	{ "6 far too big", "99999999999999999999999", 10, UINT64_MAX,
	  -ERANGE, 0 },
	{ "7 at max", "100", 10, 100, 0, 100 },
	{ "8 above max", "101", 10, 100, -ERANGE, 0 },
	{ "9 empty", "", 10, UINT64_MAX, -EINVAL, 0 },
	{ "10 leading space", " 1", 10, UINT64_MAX, -EINVAL, 0 },
	{ "11 trailing space", "1 ", 10, UINT64_MAX, -EINVAL, 0 },
	{ "12 plus", "+1", 10, UINT64_MAX, -EINVAL, 0 },
	{ "13 minus", "-1", 10, UINT64_MAX, -EINVAL, 0 },
	{ "14 minus zero", "-0", 10, UINT64_MAX, -EINVAL, 0 },
	{ "15 hex digit in decimal", "1a", 10, UINT64_MAX, -EINVAL, 0 },
	{ "16 0x in decimal", "0x10", 10, UINT64_MAX, -EINVAL, 0 },
	{ "17 hex", "ff", 16, UINT64_MAX, 0, 255 },
	{ "18 hex upper", "FF", 16, UINT64_MAX, 0, 255 },
	{ "19 hex 0x", "0x10", 16, UINT64_MAX, 0, 16 },
	{ "20 hex 0X", "0XaB", 16, UINT64_MAX, 0, 0xab },
	{ "21 hex 0x alone", "0x", 16, UINT64_MAX, -EINVAL, 0 },
	{ "22 hex max", "ffffffffffffffff", 16, UINT64_MAX, 0, UINT64_MAX },
	{ "23 hex overflow", "10000000000000000", 16, UINT64_MAX, -ERANGE, 0 },
	{ "24 hex bad", "fg", 16, UINT64_MAX, -EINVAL, 0 },
	{ "25 hex 0x0x", "0x0x1", 16, UINT64_MAX, -EINVAL, 0 },
	{ "26 base 8", "7", 8, UINT64_MAX, -EINVAL, 0 },
	{ "27 bad wins over range", "99999999999999999999x", 10, UINT64_MAX,
	  -EINVAL, 0 },
	{ "28 digit above small max", "7", 10, 5, -ERANGE, 0 },
	{ "29 max zero", "0", 10, 0, 0, 0 },
	{ "30 tab", "1\t", 10, UINT64_MAX, -EINVAL, 0 },
	{ "31 hex with space", "0x 1", 16, UINT64_MAX, -EINVAL, 0 },
};

static void test_parse_u64(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(u64_cases) / sizeof(u64_cases[0]); i++) {
		const struct u64_case *c = &u64_cases[i];
		uint64_t out = 12345;

		print_message("# u64 case %s\n", c->name);
		assert_int_equal(oc_parse_u64(c->in, c->base, c->max, &out),
				 c->ret);
		if (!c->ret)
			assert_true(out == c->out);
		else
			assert_true(out == 12345);	/* untouched */
	}
}

static void test_parse_u64_len(void **state)
{
	uint64_t out = 0;

	assert_int_equal(oc_parse_u64_len("1234xyz", 4, 10, UINT64_MAX, &out),
			 0);
	assert_true(out == 1234);
	assert_int_equal(oc_parse_u64_len("1234", 0, 10, UINT64_MAX, &out),
			 -EINVAL);
	assert_int_equal(oc_parse_u64_len("0x1f!", 4, 16, UINT64_MAX, &out),
			 0);
	assert_true(out == 0x1f);
	/* A NUL inside the counted bytes is a bad digit. */
	assert_int_equal(oc_parse_u64_len("1\0002", 3, 10, UINT64_MAX, &out),
			 -EINVAL);
	assert_int_equal(oc_parse_u64(NULL, 10, UINT64_MAX, &out), -EINVAL);
}

struct u32_case {
	const char *name;
	const char *in;
	int base;
	int ret;
	uint32_t out;
};

static const struct u32_case u32_cases[] = {
	{ "1 max", "4294967295", 10, 0, UINT32_MAX },
	{ "2 max + 1", "4294967296", 10, -ERANGE, 0 },
	{ "3 hex spi", "0xdeadbeef", 16, 0, 0xdeadbeef },
	{ "4 hex too big", "0x100000000", 16, -ERANGE, 0 },
	{ "5 empty", "", 16, -EINVAL, 0 },
};

static void test_parse_u32(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(u32_cases) / sizeof(u32_cases[0]); i++) {
		const struct u32_case *c = &u32_cases[i];
		uint32_t out = 7;

		print_message("# u32 case %s\n", c->name);
		assert_int_equal(oc_parse_u32(c->in, c->base, &out), c->ret);
		assert_true(out == (c->ret ? 7 : c->out));
	}
}

struct long_case {
	const char *name;
	const char *in;
	long min, max;
	int ret;
	long out;
};

static const struct long_case long_cases[] = {
	{ "1 zero", "0", 0, 10, 0, 0 },
	{ "2 minus zero, min 0", "-0", 0, 10, -EINVAL, 0 },
	{ "3 minus zero, min < 0", "-0", -1, 10, 0, 0 },
	{ "4 negative, min 0", "-1", 0, 10, -EINVAL, 0 },
	{ "5 negative ok", "-5", -10, 10, 0, -5 },
	{ "6 below min", "-11", -10, 10, -ERANGE, 0 },
	{ "7 above max", "11", -10, 10, -ERANGE, 0 },
	{ "8 below positive min", "3", 5, 10, -ERANGE, 0 },
	{ "9 long min", "-9223372036854775808", LONG_MIN, LONG_MAX, 0,
	  LONG_MIN },
	{ "10 long min - 1", "-9223372036854775809", LONG_MIN, LONG_MAX,
	  -ERANGE, 0 },
	{ "11 long max", "9223372036854775807", LONG_MIN, LONG_MAX, 0,
	  LONG_MAX },
	{ "12 long max + 1", "9223372036854775808", LONG_MIN, LONG_MAX,
	  -ERANGE, 0 },
	{ "13 u64 overflow", "18446744073709551616", LONG_MIN, LONG_MAX,
	  -ERANGE, 0 },
	{ "14 minus alone", "-", -10, 10, -EINVAL, 0 },
	{ "15 double minus", "--1", -10, 10, -EINVAL, 0 },
	{ "16 plus", "+1", -10, 10, -EINVAL, 0 },
	{ "17 space", " 1", -10, 10, -EINVAL, 0 },
	{ "18 trailing space", "1 ", -10, 10, -EINVAL, 0 },
	{ "19 empty", "", -10, 10, -EINVAL, 0 },
	{ "20 negative range only", "-3", -5, -2, 0, -3 },
	{ "21 above negative max", "-1", -5, -2, -ERANGE, 0 },
	{ "22 positive, negative max", "1", -5, -2, -ERANGE, 0 },
	{ "23 hex not decimal", "0x1", 0, 10, -EINVAL, 0 },
	{ "24 min > max", "1", 10, 0, -EINVAL, 0 },
};

static void test_parse_long(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(long_cases) / sizeof(long_cases[0]); i++) {
		const struct long_case *c = &long_cases[i];
		long out = 99;

		print_message("# long case %s\n", c->name);
		assert_int_equal(oc_parse_long(c->in, c->min, c->max, &out),
				 c->ret);
		assert_int_equal(out, c->ret ? 99 : c->out);
	}
}

struct int_case {
	const char *name;
	const char *in;
	int min, max;
	int ret;
	int out;
};

static const struct int_case int_cases[] = {
	{ "1 port", "443", 1, 65535, 0, 443 },
	{ "2 port 0", "0", 1, 65535, -ERANGE, 0 },
	{ "3 port too big", "65536", 1, 65535, -ERANGE, 0 },
	{ "4 int max", "2147483647", INT_MIN, INT_MAX, 0, INT_MAX },
	{ "5 int max + 1", "2147483648", INT_MIN, INT_MAX, -ERANGE, 0 },
	{ "6 int min", "-2147483648", INT_MIN, INT_MAX, 0, INT_MIN },
	{ "7 int min - 1", "-2147483649", INT_MIN, INT_MAX, -ERANGE, 0 },
	{ "8 minus, min 0", "-0", 0, 5, -EINVAL, 0 },
	{ "9 NULL", NULL, 0, 5, -EINVAL, 0 },
};

static void test_parse_int(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *c = &int_cases[i];
		int out = 99;

		print_message("# int case %s\n", c->name);
		assert_int_equal(oc_parse_int(c->in, c->min, c->max, &out),
				 c->ret);
		assert_int_equal(out, c->ret ? 99 : c->out);
	}
}

/* ---- Hex --------------------------------------------------------------- */

struct hex_case {
	const char *name;
	const char *in;
	size_t outmax;
	int ret;
	const char *out;
	size_t outlen;
};

static const struct hex_case hex_cases[] = {
	{ "1 empty", "", 4, 0, "", 0 },
	{ "2 lower", "00ff10", 4, 0, "\x00\xff\x10", 3 },
	{ "3 upper", "DEADBEEF", 4, 0, "\xde\xad\xbe\xef", 4 },
	{ "4 mixed", "aBcD", 4, 0, "\xab\xcd", 2 },
	{ "5 odd", "abc", 4, -EINVAL, NULL, 0 },
	{ "6 bad digit", "0g", 4, -EINVAL, NULL, 0 },
	{ "7 space", "0 ", 4, -EINVAL, NULL, 0 },
	{ "8 too long", "0011223344", 4, -ENOSPC, NULL, 0 },
	{ "9 exact fit", "00112233", 4, 0, "\x00\x11\x22\x33", 4 },
	{ "10 0x prefix", "0x12", 4, -EINVAL, NULL, 0 },
	{ "11 high byte", "\xc3\xa4", 4, -EINVAL, NULL, 0 },
};

static void test_hex_decode(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(hex_cases) / sizeof(hex_cases[0]); i++) {
		const struct hex_case *c = &hex_cases[i];
		unsigned char out[8];
		size_t outlen = 99;

		print_message("# hex case %s\n", c->name);
		assert_int_equal(oc_hex_decode(c->in, strlen(c->in), out,
					       c->outmax, &outlen), c->ret);
		if (c->ret)
			continue;
		assert_int_equal(outlen, c->outlen);
		assert_memory_equal(out, c->out, c->outlen);
	}
}

static void test_hex_roundtrip(void **state)
{
	unsigned char in[256], back[256];
	char hex[513];
	size_t i, n;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	oc_hex_encode(in, sizeof(in), hex);
	assert_int_equal(strlen(hex), 512);
	assert_memory_equal(hex, "000102", 6);
	assert_string_equal(hex + 500, "fafbfcfdfeff");
	assert_int_equal(oc_hex_decode(hex, 512, back, sizeof(back), &n), 0);
	assert_int_equal(n, 256);
	assert_memory_equal(in, back, 256);

	oc_hex_encode(in, 0, hex);
	assert_string_equal(hex, "");
}

/* ---- Base64 (RFC 4648 section 10 vectors) ------------------------------ */

struct b64_vec {
	const char *plain;
	const char *enc;
};

static const struct b64_vec b64_vecs[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void test_base64_vectors(void **state)
{
	size_t i, n;

	for (i = 0; i < sizeof(b64_vecs) / sizeof(b64_vecs[0]); i++) {
		const struct b64_vec *v = &b64_vecs[i];
		size_t plen = strlen(v->plain);
		unsigned char out[16];
		char enc[16];

		print_message("# base64 vector %zu \"%s\"\n", i + 1, v->plain);
		oc_base64_encode((const unsigned char *)v->plain, plen, enc);
		assert_string_equal(enc, v->enc);
		n = 99;
		assert_int_equal(oc_base64_decode(v->enc, strlen(v->enc), out,
						  sizeof(out), &n), 0);
		assert_int_equal(n, plen);
		assert_memory_equal(out, v->plain, plen);
	}
}

struct bad_case {
	const char *name;
	const char *in;
	size_t outmax;
	int ret;
};

static const struct bad_case b64_bad[] = {
	{ "1 no padding", "Zg", 16, -EINVAL },
	{ "2 one pad short", "Zg=", 16, -EINVAL },
	{ "3 three pads", "Z===", 16, -EINVAL },
	{ "4 all pads", "====", 16, -EINVAL },
	{ "5 pad in middle", "Zg==Zm8=", 16, -EINVAL },
	{ "6 pad before data", "Z=g=", 16, -EINVAL },
	{ "7 bad char", "Zm9*", 16, -EINVAL },
	{ "8 url-safe alphabet", "Zm9-", 16, -EINVAL },
	{ "9 space", "Zm9v Zm9v", 16, -EINVAL },
	{ "10 newline", "Zm9v\n", 16, -EINVAL },
	{ "11 output too small", "Zm9vYmFy", 5, -ENOSPC },
	{ "12 high byte", "Zm9\xff", 16, -EINVAL },
	{ "13 NUL", "Zm9\0", 16, -EINVAL },
};

static void test_base64_bad(void **state)
{
	unsigned char out[16];
	size_t i, n;

	for (i = 0; i < sizeof(b64_bad) / sizeof(b64_bad[0]); i++) {
		const struct bad_case *c = &b64_bad[i];
		size_t len = strlen(c->in);

		if (!strcmp(c->name, "13 NUL"))
			len = 4;
		print_message("# base64 bad case %s\n", c->name);
		assert_int_equal(oc_base64_decode(c->in, len, out, c->outmax,
						  &n), c->ret);
	}
}

static void test_base64_misc(void **state)
{
	unsigned char in[256], back[256];
	char enc[4 * 86 + 1];
	size_t i, n;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(255 - i);
	for (n = 0; n <= sizeof(in); n += 37) {
		size_t m;

		print_message("# base64 round trip of %zu bytes\n", n);
		oc_base64_encode(in, n, enc);
		assert_int_equal(strlen(enc), 4 * ((n + 2) / 3));
		assert_int_equal(oc_base64_decode(enc, strlen(enc), back,
						  sizeof(back), &m), 0);
		assert_int_equal(m, n);
		assert_memory_equal(in, back, n);
	}
	/* Non-zero bits after the last byte are accepted. */
	assert_int_equal(oc_base64_decode("Zh==", 4, back, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(back[0], 'f');
	/* Exact output size is enough. */
	assert_int_equal(oc_base64_decode("Zm9vYmE=", 8, back, 5, &n), 0);
	assert_int_equal(n, 5);
	/* The whole alphabet. */
	assert_int_equal(oc_base64_decode("+/+/", 4, back, 3, &n), 0);
	assert_memory_equal(back, "\xfb\xff\xbf", 3);
}

/* ---- Base32 ------------------------------------------------------------ */

static const struct b64_vec b32_vecs[] = {
	{ "", "" },
	{ "f", "MY======" },
	{ "fo", "MZXQ====" },
	{ "foo", "MZXW6===" },
	{ "foob", "MZXW6YQ=" },
	{ "fooba", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI======" },
};

static void test_base32_vectors(void **state)
{
	unsigned char out[16];
	size_t i, n, plen;
	char unpadded[32];

	for (i = 0; i < sizeof(b32_vecs) / sizeof(b32_vecs[0]); i++) {
		const struct b64_vec *v = &b32_vecs[i];

		plen = strlen(v->plain);
		print_message("# base32 vector %zu \"%s\"\n", i + 1, v->plain);
		n = 99;
		assert_int_equal(oc_base32_decode(v->enc, strlen(v->enc), out,
						  sizeof(out), &n), 0);
		assert_int_equal(n, plen);
		assert_memory_equal(out, v->plain, plen);

		/* The same without padding. */
		strcpy(unpadded, v->enc);
		if (strchr(unpadded, '='))
			*strchr(unpadded, '=') = '\0';
		assert_int_equal(oc_base32_decode(unpadded, strlen(unpadded),
						  out, sizeof(out), &n), 0);
		assert_int_equal(n, plen);
		assert_memory_equal(out, v->plain, plen);
	}
}

static void test_base32_forms(void **state)
{
	/* RFC 6238's test secret, as authenticator apps show it. */
	static const char secret[] = "12345678901234567890";
	static const char *forms[] = {
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		" gezd gnbv GY3T qojq gezdgnbvgy3tqojq ",
	};
	unsigned char out[32];
	size_t i, n;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		print_message("# base32 form %zu\n", i + 1);
		assert_int_equal(oc_base32_decode(forms[i], strlen(forms[i]),
						  out, sizeof(out), &n), 0);
		assert_int_equal(n, 20);
		assert_memory_equal(out, secret, 20);
	}
}

static const struct bad_case b32_bad[] = {
	{ "1 bad length 1", "M", 16, -EINVAL },
	{ "2 bad length 3", "MZX", 16, -EINVAL },
	{ "3 bad length 6", "MZXW6Y", 16, -EINVAL },
	{ "4 digit 1", "MZXW1YTB", 16, -EINVAL },
	{ "5 digit 8", "MZXW8YTB", 16, -EINVAL },
	{ "6 digit 0", "MZXW0YTB", 16, -EINVAL },
	{ "7 data after pad", "MY======MY======", 16, -EINVAL },
	{ "8 wrong pad count", "MY=====", 16, -EINVAL },
	{ "9 too much pad", "MZXW6YTB========", 16, -EINVAL },
	{ "10 output too small", "MZXW6YTBOI", 5, -ENOSPC },
	{ "11 symbol", "MZXW6YT!", 16, -EINVAL },
	{ "12 tab", "MZXW\t6YTB", 16, -EINVAL },
	{ "13 base64 pad only", "=", 16, -EINVAL },
};

static void test_base32_bad(void **state)
{
	unsigned char out[16];
	size_t i, n;

	for (i = 0; i < sizeof(b32_bad) / sizeof(b32_bad[0]); i++) {
		const struct bad_case *c = &b32_bad[i];

		print_message("# base32 bad case %s\n", c->name);
		assert_int_equal(oc_base32_decode(c->in, strlen(c->in), out,
						  c->outmax, &n), c->ret);
	}
	/* Spaces only decode to nothing. */
	assert_int_equal(oc_base32_decode("   ", 3, out, 0, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u64_len),
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_hex_roundtrip),
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_base64_bad),
		cmocka_unit_test(test_base64_misc),
		cmocka_unit_test(test_base32_vectors),
		cmocka_unit_test(test_base32_forms),
		cmocka_unit_test(test_base32_bad),
	};

	return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
