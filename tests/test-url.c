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

#include "buf.h"
#include "url.h"

/* ---- oc_url_parse ------------------------------------------------------ */

struct url_case {
	const char *name;
	const char *in;
	int ret;
	const char *host;
	int port;
	const char *path;
};

static const struct url_case url_cases[] = {
	{ "1 host", "vpn.example.com", 0, "vpn.example.com", 443, NULL },
	{ "2 host:port", "vpn.example.com:8443", 0, "vpn.example.com", 8443,
	  NULL },
	{ "3 https with path", "https://vpn.example.com/gateway", 0,
	  "vpn.example.com", 443, "gateway" },
	{ "4 v6, port, path, upper-case scheme",
	  "HTTPS://[2001:db8::1]:4443/global-protect", 0, "2001:db8::1", 4443,
	  "global-protect" },
	{ "5 bare v6", "2001:db8::1", 0, "2001:db8::1", 443, NULL },
	{ "6 bracketed v6", "[2001:db8::1]", 0, "2001:db8::1", 443, NULL },
	{ "7 v4", "198.18.0.1", 0, "198.18.0.1", 443, NULL },
	{ "8 v4:port", "198.18.0.1:1", 0, "198.18.0.1", 1, NULL },
	{ "9 trailing slash", "https://h/", 0, "h", 443, NULL },
	{ "10 path with query", "h/ssl-vpn/prelogin.esp?tmp=1&x=%20", 0, "h",
	  443, "ssl-vpn/prelogin.esp?tmp=1&x=%20" },
	{ "11 port 65535", "h:65535", 0, "h", 65535, NULL },
	{ "12 underscore and dash", "my_gw-1.example", 0, "my_gw-1.example",
	  443, NULL },
	{ "13 https with port", "https://h:444", 0, "h", 444, NULL },
	{ "14 v6 loopback", "[::1]:8443/x", 0, "::1", 8443, "x" },
	{ "15 trailing dot", "vpn.example.com.", 0, "vpn.example.com.", 443,
	  NULL },
	{ "16 mixed-case scheme", "HtTpS://h", 0, "h", 443, NULL },

	{ "17 scheme only", "https://", -EINVAL },
	{ "18 port 0", "host:0", -EINVAL },
	{ "19 port 65536", "host:65536", -EINVAL },
	{ "20 port with junk", "host:12x", -EINVAL },
	{ "21 ftp", "ftp://h", -EPROTONOSUPPORT },
	{ "22 http", "http://h", -EPROTONOSUPPORT },
	{ "23 unclosed bracket", "[::1", -EINVAL },
	{ "24 space", "a b", -EINVAL },
	{ "25 userinfo", "user@host", -EINVAL },
	{ "26 userinfo with scheme", "https://u:p@host/", -EINVAL },
	{ "27 empty", "", -EINVAL },
	{ "28 empty port", "host:", -EINVAL },
	{ "29 signed port", "host:+443", -EINVAL },
	{ "30 bad v6 in brackets", "[2001:db8::g]", -EINVAL },
	{ "31 junk after bracket", "[::1]x", -EINVAL },
	{ "32 v4 in brackets", "[198.18.0.1]", -EINVAL },
	{ "33 bad bare v6", "2001:db8:::1", -EINVAL },
	{ "34 bad v4", "198.18.0.256", -EINVAL },
	{ "35 only a path", "/path", -EINVAL },
	{ "36 empty label", "a..b", -EINVAL },
	{ "37 leading dot", ".a", -EINVAL },
	{ "38 two ports", "h:1:2", -EINVAL },
	{ "39 bare v6 with port", "2001:db8::1:443:x", -EINVAL },
	{ "40 scheme without slashes", "https:h", -EINVAL },
	{ "41 port with space", "h: 443", -EINVAL },
	{ "42 question mark in host", "h?x=1", -EINVAL },
	{ "43 empty v6 brackets", "[]", -EINVAL },
	{ "44 only a port", ":443", -EINVAL },
};

static void test_parse(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];
		struct oc_url u;

		print_message("# url case %s: \"%s\"\n", c->name, c->in);
		memset(&u, 0x5a, sizeof(u));
		assert_int_equal(oc_url_parse(c->in, &u), c->ret);
		if (c->ret) {
			assert_null(u.host);
			assert_null(u.path);
			continue;
		}
		assert_string_equal(u.host, c->host);
		assert_int_equal(u.port, c->port);
		if (c->path)
			assert_string_equal(u.path, c->path);
		else
			assert_null(u.path);
		oc_url_free(&u);
		assert_null(u.host);
	}
}

static void test_parse_null(void **state)
{
	struct oc_url u;

	assert_int_equal(oc_url_parse(NULL, &u), -EINVAL);
	assert_null(u.host);
	oc_url_free(&u);
}

/* ---- oc_url_format ----------------------------------------------------- */

struct fmt_case {
	const char *name;
	const char *host;
	int port;
	const char *path;
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	{ "1 plain", "vpn.example.com", 443, NULL, "https://vpn.example.com" },
	{ "2 port", "vpn.example.com", 8443, NULL,
	  "https://vpn.example.com:8443" },
	{ "3 path", "h", 443, "global-protect/prelogin.esp",
	  "https://h/global-protect/prelogin.esp" },
	{ "4 v6", "2001:db8::1", 443, NULL, "https://[2001:db8::1]" },
	{ "5 v6 port path", "2001:db8::1", 4443, "gp",
	  "https://[2001:db8::1]:4443/gp" },
	{ "6 empty path", "h", 443, "", "https://h/" },
	{ "7 v4", "198.18.0.1", 1, "x", "https://198.18.0.1:1/x" },
};

static void test_format(void **state)
{
	size_t i;
	char *s;

	for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
		const struct fmt_case *c = &fmt_cases[i];

		print_message("# format case %s\n", c->name);
		s = oc_url_format(c->host, c->port, c->path);
		assert_non_null(s);
		assert_string_equal(s, c->want);
		free(s);
	}
	assert_null(oc_url_format(NULL, 443, NULL));
}

/* What oc_url_format writes, oc_url_parse reads back. */
static void test_format_roundtrip(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];
		struct oc_url u;
		char *s;

		if (c->ret)
			continue;
		print_message("# round trip of url case %s\n", c->name);
		s = oc_url_format(c->host, c->port, c->path);
		assert_non_null(s);
		assert_int_equal(oc_url_parse(s, &u), 0);
		assert_string_equal(u.host, c->host);
		assert_int_equal(u.port, c->port);
		if (c->path)
			assert_string_equal(u.path, c->path);
		else
			assert_null(u.path);
		oc_url_free(&u);
		free(s);
	}
}

/* ---- Form encoding ----------------------------------------------------- */

struct enc_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct enc_case enc_cases[] = {
	{ "1 empty", "", "" },
	{ "2 unreserved", "AZaz09-_.~", "AZaz09-_.~" },
	{ "3 space", "a b", "a%20b" },
	{ "4 reserved", "&=+%/?#", "%26%3D%2B%25%2F%3F%23" },
	{ "5 utf-8", "\xc3\xa4", "%C3%A4" },
	{ "6 parentheses", "(empty_domain)", "%28empty_domain%29" },
	{ "7 control", "\x01\x7f\xff", "%01%7F%FF" },
};

static void test_encode(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		struct oc_text t = OC_TEXT_INIT;

		print_message("# encode case %s\n", enc_cases[i].name);
		oc_form_encode(&t, enc_cases[i].in);
		assert_int_equal(oc_text_error(&t), 0);
		assert_string_equal(oc_text_str(&t), enc_cases[i].want);
		oc_text_free(&t);
	}
}

static void test_form_add(void **state)
{
	struct oc_text t = OC_TEXT_INIT;

	oc_form_add(&t, "user", "alice smith");
	oc_form_add(&t, "passwd", "p&ss=w%rd");
	oc_form_add(&t, "empty", "");
	oc_form_add(&t, "null", NULL);
	oc_form_add(&t, "a b", "c");
	assert_int_equal(oc_text_error(&t), 0);
	assert_string_equal(oc_text_str(&t),
			    "user=alice%20smith&passwd=p%26ss%3Dw%25rd"
			    "&empty=&null=&a%20b=c");
	oc_text_free(&t);

	/* A text that already has something gets an '&' first. */
	oc_text_append(&t, "tmp=tmp");
	oc_form_add(&t, "x", "1");
	assert_string_equal(oc_text_str(&t), "tmp=tmp&x=1");
	oc_text_free(&t);
}

struct dec_case {
	const char *name;
	const char *in;
	int err;
	const char *want;
};

static const struct dec_case dec_cases[] = {
	{ "1 empty", "", 0, "" },
	{ "2 plain", "abc", 0, "abc" },
	{ "3 plus", "a+b", 0, "a b" },
	{ "4 escapes", "%28empty_domain%29", 0, "(empty_domain)" },
	{ "5 lower-case hex", "%c3%a4", 0, "\xc3\xa4" },
	{ "6 escaped plus", "%2B", 0, "+" },
	{ "7 escaped percent", "%2525", 0, "%25" },
	{ "8 truncated escape", "%2", -EINVAL, NULL },
	{ "9 bare percent", "%", -EINVAL, NULL },
	{ "10 bad hex", "%zz", -EINVAL, NULL },
	{ "11 escaped NUL", "a%00b", -EINVAL, NULL },
	{ "12 half bad hex", "%2g", -EINVAL, NULL },
	{ "13 raw specials kept", "a=b&c", 0, "a=b&c" },
	{ "14 escape at end", "ab%41", 0, "abA" },
};

static void test_decode(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
		const struct dec_case *c = &dec_cases[i];
		int err = 12345;
		char *s;

		print_message("# decode case %s\n", c->name);
		s = oc_form_decode(c->in, strlen(c->in), &err);
		assert_int_equal(err, c->err);
		if (c->err) {
			assert_null(s);
			continue;
		}
		assert_non_null(s);
		assert_string_equal(s, c->want);
		free(s);
	}
}

static void test_decode_len(void **state)
{
	int err;
	char *s;

	/* Only @len bytes are looked at. */
	s = oc_form_decode("abc%41", 3, &err);
	assert_int_equal(err, 0);
	assert_string_equal(s, "abc");
	free(s);
	/* An escape cut by @len is malformed. */
	assert_null(oc_form_decode("ab%41", 4, &err));
	assert_int_equal(err, -EINVAL);
	/* A raw NUL inside @len would cut the string. */
	assert_null(oc_form_decode("a\0b", 3, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(oc_form_decode(NULL, 0, &err));
	assert_int_equal(err, -EINVAL);
	s = oc_form_decode("x", 1, NULL);
	assert_string_equal(s, "x");
	free(s);
}

/* Every byte but NUL survives encode then decode. */
static void test_roundtrip_bytes(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	char all[256], *back;
	size_t i;
	int err;

	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	oc_form_encode(&t, all);
	assert_int_equal(oc_text_error(&t), 0);
	for (i = 0; i < t.len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_.~%",
			    t.s[i]))
			fail_msg("unsafe char 0x%02x in encoding",
				 (unsigned char)t.s[i]);
	/* 66 unreserved bytes stay, the other 189 take 3 chars each. */
	assert_int_equal(t.len, 66 + 189 * 3);
	back = oc_form_decode(t.s, t.len, &err);
	assert_int_equal(err, 0);
	assert_non_null(back);
	assert_string_equal(back, all);
	free(back);
	oc_text_free(&t);
}

/* ---- oc_form_parse ----------------------------------------------------- */

struct field {
	const char *name, *value;
};

struct parse_case {
	const char *name;
	const char *in;
	int ret;
	size_t n;
	struct field f[4];
};

static const struct parse_case parse_cases[] = {
	{ "1 empty", "", 0, 0 },
	{ "2 one", "a=1", 0, 1, { { "a", "1" } } },
	{ "3 two", "a=1&b=2", 0, 2, { { "a", "1" }, { "b", "2" } } },
	{ "4 empty segments", "&&a=1&&b=&", 0, 2,
	  { { "a", "1" }, { "b", "" } } },
	{ "5 no equals", "flag&x=y", 0, 2, { { "flag", "" }, { "x", "y" } } },
	{ "6 decoded", "user=a+b&domain=%28empty_domain%29", 0, 2,
	  { { "user", "a b" }, { "domain", "(empty_domain)" } } },
	{ "7 equals in value", "k=a=b", 0, 1, { { "k", "a=b" } } },
	{ "8 empty name", "=v", 0, 1, { { "", "v" } } },
	{ "9 repeated name", "a=1&a=2", 0, 2, { { "a", "1" }, { "a", "2" } } },
	{ "10 bad escape", "a=1&b=%zz", -EINVAL, 0 },
	{ "11 escaped NUL in name", "%00=1", -EINVAL, 0 },
	{ "12 only ampersands", "&&&", 0, 0 },
};

static void test_parse_form(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct oc_form form;

		print_message("# form case %s\n", c->name);
		assert_int_equal(oc_form_parse(c->in, &form), c->ret);
		assert_int_equal(form.n, c->n);
		for (j = 0; j < c->n; j++) {
			assert_string_equal(form.f[j].name, c->f[j].name);
			assert_string_equal(form.f[j].value, c->f[j].value);
		}
		oc_form_free(&form);
		assert_null(form.f);
		assert_int_equal(form.n, 0);
	}
}

static void test_form_get(void **state)
{
	struct oc_form form;

	assert_int_equal(oc_form_parse("authcookie=abc&portal=gw&authcookie=x",
				       &form), 0);
	assert_string_equal(oc_form_get(&form, "authcookie"), "abc");
	assert_string_equal(oc_form_get(&form, "portal"), "gw");
	assert_null(oc_form_get(&form, "user"));
	assert_null(oc_form_get(&form, "Portal"));
	oc_form_free(&form);
	oc_form_free(&form);		/* twice is fine */
	assert_int_equal(oc_form_parse(NULL, &form), -EINVAL);
	assert_int_equal(form.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_null),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_form_add),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_len),
		cmocka_unit_test(test_roundtrip_bytes),
		cmocka_unit_test(test_parse_form),
		cmocka_unit_test(test_form_get),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
