/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cookie string: building it, parsing it back in any order, the
 * fields for later requests, the HIP md5 input, and that no authcookie
 * ever reaches the log.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "gp-cookie.h"
#include "log.h"
#include "secret.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

#define COOKIE	"9f8e7d6c5b4a39281706f5e4d3c2b1a0"
#define FULL	"authcookie=" COOKIE "&portal=GP-Portal&user=jdoe"	\
		"&domain=%28empty_domain%29&preferred-ip=198.18.10.7"	\
		"&preferred-ipv6=2001%3Adb8%3A10%3A%3A7&computer=myhost"

struct logcap {
	char text[16384];
	size_t len;
	int count;
};

static void __attribute__((format(printf, 3, 4)))
capture(void *priv, int level, const char *fmt, ...)
{
	struct logcap *c = priv;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->text + c->len, sizeof(c->text) - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n < sizeof(c->text) - c->len ?
			  (size_t)n : sizeof(c->text) - c->len - 1;
	c->count++;
}

static void log_start(struct oc_log *lg, struct logcap *c)
{
	memset(c, 0, sizeof(*c));
	oc_log_init(lg, capture, c);
	lg->level = PRG_TRACE;
}

/* No cookie value, not even its first bytes, in what was logged. */
static void assert_log_clean(const struct logcap *c)
{
	static const char *const secrets[] = {
		COOKIE, "9f8e7d6c5b", "c0ffee00de", "s3cr3t",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(secrets); i++)
		if (strstr(c->text, secrets[i]))
			fail_msg("secret %zu logged: %s", i, c->text);
}

struct fields {
	const char *authcookie;
	const char *portal;
	const char *user;
	const char *domain;
	const char *ip;
	const char *ipv6;
	const char *computer;
};

static void fill(struct gp_cookie *c, const struct fields *f)
{
	memset(c, 0, sizeof(*c));
	if (f->authcookie)
		assert_int_equal(oc_secret_set_str(&c->authcookie,
						   f->authcookie), 0);
	c->portal = f->portal ? strdup(f->portal) : NULL;
	c->user = f->user ? strdup(f->user) : NULL;
	c->domain = f->domain ? strdup(f->domain) : NULL;
	c->preferred_ip = f->ip ? strdup(f->ip) : NULL;
	c->preferred_ipv6 = f->ipv6 ? strdup(f->ipv6) : NULL;
	c->computer = f->computer ? strdup(f->computer) : NULL;
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

static void assert_fields(const struct gp_cookie *c, const struct fields *f)
{
	assert_true(oc_secret_isset(&c->authcookie));
	assert_string_equal(oc_secret_get(&c->authcookie), f->authcookie);
	assert_str_or_null(c->portal, f->portal);
	assert_str_or_null(c->user, f->user);
	assert_str_or_null(c->domain, f->domain);
	assert_str_or_null(c->preferred_ip, f->ip);
	assert_str_or_null(c->preferred_ipv6, f->ipv6);
	assert_str_or_null(c->computer, f->computer);
}

static const struct fields full_fields = {
	COOKIE, "GP-Portal", "jdoe", "(empty_domain)", "198.18.10.7",
	"2001:db8:10::7", "myhost",
};

static void test_build(void **state)
{
	static const struct {
		struct fields f;
		int ret;
		const char *out;
	} cases[] = {
		{ { COOKIE, "GP-Portal", "jdoe", "(empty_domain)",
		    "198.18.10.7", "2001:db8:10::7", "myhost" }, 0, FULL },
		{ { "abc" }, 0,
		  "authcookie=abc&portal=&user=&domain=&computer=" },
		{ { "abc", "p", "j doe@ex.com", "EXAMPLE\\corp", NULL,
		    "2001:db8::1", "h" }, 0,
		  "authcookie=abc&portal=p&user=j%20doe%40ex.com"
		  "&domain=EXAMPLE%5Ccorp&preferred-ipv6=2001%3Adb8%3A%3A1"
		  "&computer=h" },
		{ { "abc", "p", "u", "d", "", NULL, "h" }, 0,
		  "authcookie=abc&portal=p&user=u&domain=d&preferred-ip="
		  "&computer=h" },
		{ { NULL, "p", "u", "d", NULL, NULL, "h" }, -EINVAL, NULL },
		{ { "", "p", "u", "d", NULL, NULL, "h" }, -EINVAL, NULL },
	};
	struct oc_secret out = OC_SECRET_INIT;
	struct gp_cookie c;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		fill(&c, &cases[i].f);
		assert_int_equal(gp_cookie_build(&c, &out), cases[i].ret);
		if (cases[i].out)
			assert_string_equal(oc_secret_get(&out),
					    cases[i].out);
		else
			assert_false(oc_secret_isset(&out));
		oc_secret_clear(&out);
		gp_cookie_free(&c);
	}
}

static void test_parse(void **state)
{
	static const struct {
		const char *in;
		struct fields f;
	} cases[] = {
		{ FULL, { COOKIE, "GP-Portal", "jdoe", "(empty_domain)",
			  "198.18.10.7", "2001:db8:10::7", "myhost" } },
		{ FULL "\n", { COOKIE, "GP-Portal", "jdoe", "(empty_domain)",
			       "198.18.10.7", "2001:db8:10::7", "myhost" } },
		{ "computer=h&user=u&authcookie=a&portal=p&domain=d\r\n",
		  { "a", "p", "u", "d", NULL, NULL, "h" } },
		{ "authcookie=a", { "a" } },
		{ "authcookie=a&user=j+doe&domain=&&portal=%41%62",
		  { "a", "Ab", "j doe", "", NULL, NULL, NULL } },
		{ "&&authcookie=%2F%2b&preferred-ip=&computer=x%20y",
		  { "/+", NULL, NULL, NULL, "", NULL, "x y" } },
	};
	struct logcap cap;
	struct oc_log lg;
	struct gp_cookie c;
	size_t i;

	log_start(&lg, &cap);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(gp_cookie_parse(&lg, cases[i].in, &c), 0);
		assert_fields(&c, &cases[i].f);
		assert_int_equal(c.n_extra, 0);
		gp_cookie_free(&c);
	}
	assert_int_equal(cap.count, 0);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *in;
		const char *msg;	/* in the log */
	} cases[] = {
		{ NULL, NULL },
		{ "", "no authcookie" },
		{ "\n", "no authcookie" },
		{ COOKIE, "no authcookie" },	/* a bare value */
		{ "portal=p&user=u", "no authcookie" },
		{ "authcookie=&user=u", "no authcookie" },
		{ "authcookie", "no authcookie" },
		{ "authcookie=" COOKIE "&authcookie=c0ffee00deadbeef",
		  "authcookie twice" },
		{ "authcookie=" COOKIE "&user=a&user=b", "user twice" },
		{ "authcookie=" COOKIE "&preferred-ip=1&preferred-ip=2",
		  "preferred-ip twice" },
		{ "authcookie=" COOKIE "%zz", "malformed" },
		{ "authcookie=" COOKIE "&user=%0", "malformed" },
		{ "authcookie=s3cr3t%00x", "malformed" },
	};
	struct logcap cap;
	struct oc_log lg;
	struct gp_cookie c;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		log_start(&lg, &cap);
		memset(&c, 0x5a, sizeof(c));
		assert_int_equal(gp_cookie_parse(&lg, cases[i].in, &c),
				 -EINVAL);
		assert_false(oc_secret_isset(&c.authcookie));
		assert_null(c.user);
		assert_null(c.extra);
		if (cases[i].msg)
			assert_non_null(strstr(cap.text, cases[i].msg));
		assert_log_clean(&cap);
		gp_cookie_free(&c);
	}
}

/* Unknown fields are kept, in order, and sent back after the known ones. */
static void test_extra_fields(void **state)
{
	struct oc_secret out = OC_SECRET_INIT;
	struct oc_text hip = OC_TEXT_INIT;
	struct logcap cap;
	struct oc_log lg;
	struct gp_cookie c;

	log_start(&lg, &cap);
	assert_int_equal(gp_cookie_parse(&lg, "x-b=2&user=u&authcookie=a"
					 "&flag&x-a=%26&computer=h", &c), 0);
	assert_int_equal(c.n_extra, 3);
	assert_string_equal(c.extra[0].name, "x-b");
	assert_string_equal(c.extra[0].value, "2");
	assert_string_equal(c.extra[1].name, "flag");
	assert_string_equal(c.extra[1].value, "");
	assert_string_equal(c.extra[2].name, "x-a");
	assert_string_equal(c.extra[2].value, "&");
	assert_int_equal(gp_cookie_build(&c, &out), 0);
	assert_string_equal(oc_secret_get(&out),
			    "authcookie=a&portal=&user=u&domain=&computer=h"
			    "&x-b=2&flag=&x-a=%26");
	assert_int_equal(gp_cookie_hip_input(&c, &hip), 0);
	assert_string_equal(oc_text_str(&hip),
			    "portal=&user=u&domain=&computer=h"
			    "&x-b=2&flag=&x-a=%26");
	oc_text_free(&hip);
	oc_secret_clear(&out);
	gp_cookie_free(&c);
}

/* build(parse(s)) == s for canonical strings; parse(build(c)) == c. */
static void test_round_trip(void **state)
{
	static const char *const cases[] = {
		FULL,
		"authcookie=a&portal=&user=&domain=&computer=",
		"authcookie=%25%26%3D&portal=P%20Q&user=%C3%A9&domain=d"
		"&preferred-ip=198.18.0.1&computer=h",
		"authcookie=a&portal=p&user=u&domain=d&preferred-ipv6="
		"&computer=h&z=1",
	};
	struct oc_secret out = OC_SECRET_INIT, again = OC_SECRET_INIT;
	struct gp_cookie c, d;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(gp_cookie_parse(NULL, cases[i], &c), 0);
		assert_int_equal(gp_cookie_build(&c, &out), 0);
		assert_string_equal(oc_secret_get(&out), cases[i]);
		assert_int_equal(gp_cookie_parse(NULL, oc_secret_get(&out),
						 &d), 0);
		assert_int_equal(gp_cookie_build(&d, &again), 0);
		assert_true(oc_secret_equal(&out, &again));
		oc_secret_clear(&out);
		oc_secret_clear(&again);
		gp_cookie_free(&c);
		gp_cookie_free(&d);
	}
}

/* The start of a getconfig body: appended after what is there, secret. */
static void test_fields(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	struct gp_cookie c;

	fill(&c, &full_fields);
	oc_text_append(&t, "client-type=1");
	assert_int_equal(gp_cookie_fields(&c, &t), 0);
	assert_int_equal(t.secret, 1);
	assert_string_equal(oc_text_str(&t), "client-type=1&" FULL);
	oc_text_free(&t);

	/* Without an authcookie there is nothing to send. */
	oc_secret_clear(&c.authcookie);
	assert_int_equal(gp_cookie_fields(&c, &t), -EINVAL);
	oc_text_free(&t);
	gp_cookie_free(&c);
}

static void test_hip_md5(void **state)
{
	static const struct {
		struct fields f;
		const char *input;
		const char *md5;
	} cases[] = {
		{ { COOKIE, "GP-Portal", "jdoe", "(empty_domain)",
		    "198.18.10.7", "2001:db8:10::7", "myhost" },
		  "portal=GP-Portal&user=jdoe&domain=%28empty_domain%29"
		  "&computer=myhost", "f9280f18dae7a07f2e50122ed65ac101" },
		/* Another authcookie and address: the same md5. */
		{ { "c0ffee00deadbeef", "GP-Portal", "jdoe",
		    "(empty_domain)", "198.18.99.1", NULL, "myhost" },
		  "portal=GP-Portal&user=jdoe&domain=%28empty_domain%29"
		  "&computer=myhost", "f9280f18dae7a07f2e50122ed65ac101" },
		{ { "a" }, "portal=&user=&domain=&computer=",
		  "96deb659d99565c6fd631ee6159338f9" },
	};
	struct oc_text t = OC_TEXT_INIT;
	struct gp_cookie c;
	char md5[33];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		fill(&c, &cases[i].f);
		assert_int_equal(gp_cookie_hip_input(&c, &t), 0);
		assert_string_equal(oc_text_str(&t), cases[i].input);
		assert_null(strstr(oc_text_str(&t), "authcookie"));
		memset(md5, 'x', sizeof(md5));
		assert_int_equal(gp_cookie_hip_md5(&c, md5), 0);
		assert_string_equal(md5, cases[i].md5);
		oc_text_free(&t);
		gp_cookie_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_extra_fields),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_hip_md5),
	};

	return cmocka_run_group_tests_name("gp-cookie", tests, NULL, NULL);
}
