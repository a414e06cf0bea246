/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "buf.h"
#include "clock.h"
#include "log.h"
#include "proxy-connect.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct oc_text logged;

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_text_vappendf(&logged, fmt, ap);
	oc_text_append(&logged, "\n");
	va_end(ap);
}

static struct oc_log lg;

static int setup(void **state)
{
	oc_log_init(&lg, record, NULL);
	lg.level = PRG_TRACE;
	return 0;
}

static int teardown(void **state)
{
	oc_text_free(&logged);
	return 0;
}

/* ---- oc_proxy_parse ----------------------------------------------------- */

struct parse_case {
	const char *name;
	const char *in;
	int ret;
	enum oc_proxy_type type;
	const char *host;
	int port;
	const char *user;
	const char *pass;
};

static const struct parse_case parse_cases[] = {
	{ "1 http with port", "http://proxy.test:3128", 0, OC_PROXY_HTTP,
	  "proxy.test", 3128 },
	{ "2 http default port", "http://proxy.test/", 0, OC_PROXY_HTTP,
	  "proxy.test", 80 },
	{ "3 bare host:port", "proxy.test:8080", 0, OC_PROXY_HTTP,
	  "proxy.test", 8080 },
	{ "4 socks5 default port", "socks5://198.18.0.9", 0, OC_PROXY_SOCKS5,
	  "198.18.0.9", 1080 },
	{ "5 socks alias", "SOCKS://h:1", 0, OC_PROXY_SOCKS5, "h", 1 },
	{ "6 user and password", "http://bob:pa%3Ass@h:3128", 0,
	  OC_PROXY_HTTP, "h", 3128, "bob", "pa:ss" },
	{ "7 user only", "http://bob@h", 0, OC_PROXY_HTTP, "h", 80, "bob" },
	{ "8 v6 literal", "http://[2001:db8::5]:3128", 0, OC_PROXY_HTTP,
	  "2001:db8::5", 3128 },
	{ "9 plus stays a plus", "socks5://a+b:c+d@h", 0, OC_PROXY_SOCKS5,
	  "h", 1080, "a+b", "c+d" },
	{ "10 empty password", "http://bob:@h", 0, OC_PROXY_HTTP, "h", 80,
	  "bob", "" },

	{ "11 https proxy", "https://h", -EINVAL },
	{ "12 empty", "", -EINVAL },
	{ "13 port 0", "http://h:0", -EINVAL },
	{ "14 port too big", "http://h:65536", -EINVAL },
	{ "15 port junk", "http://h:31x", -EINVAL },
	{ "16 no host", "http://:3128", -EINVAL },
	{ "17 empty user", "http://:pw@h", -EINVAL },
	{ "18 bad escape", "http://b%zz@h", -EINVAL },
	{ "19 NUL escape", "http://b%00@h", -EINVAL },
	{ "20 a path", "http://h/x", -EINVAL },
	{ "21 unclosed bracket", "http://[::1:80", -EINVAL },
	{ "22 space in host", "http://a b", -EINVAL },
	{ "23 truncated escape", "http://b%4@h", -EINVAL },
	{ "24 NULL", NULL, -EINVAL },
};

static void test_parse(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct oc_proxy p = { 0 };
		int ret = oc_proxy_parse(c->in, &p);

		print_message("%s\n", c->name);
		assert_int_equal(ret, c->ret);
		if (ret) {
			assert_int_equal(p.type, OC_PROXY_NONE);
			continue;
		}
		assert_int_equal(p.type, c->type);
		assert_string_equal(p.host, c->host);
		assert_int_equal(p.port, c->port);
		if (c->user)
			assert_string_equal(p.user, c->user);
		else
			assert_null(p.user);
		if (c->pass)
			assert_string_equal(oc_secret_get(&p.pass), c->pass);
		else
			assert_false(oc_secret_isset(&p.pass));
		oc_proxy_free(&p);
	}
}

/* A failed parse keeps the proxy that was set, and the settings stay. */
static void test_parse_keeps(void **state)
{
	struct oc_proxy p = { 0 };

	p.useragent = strdup("ua/1");
	p.no_basic = 1;
	assert_int_equal(oc_proxy_parse("http://a:1", &p), 0);
	assert_int_equal(oc_proxy_parse("ftp://b", &p), -EINVAL);
	assert_string_equal(p.host, "a");
	assert_int_equal(oc_proxy_parse("socks5://u:p@c", &p), 0);
	assert_string_equal(p.host, "c");
	assert_string_equal(p.useragent, "ua/1");
	assert_int_equal(p.no_basic, 1);
	oc_proxy_clear(&p);
	assert_null(p.host);
	assert_null(p.user);
	assert_string_equal(p.useragent, "ua/1");
	oc_proxy_free(&p);
	assert_null(p.useragent);
}

/* ---- oc_proxy_handshake --------------------------------------------------- */

struct hs_case {
	const char *name;
	const char *proxy;
	const char *host;
	int port;
	const char *answer;	/* what the proxy says, all at once */
	size_t answer_len;	/* 0: strlen */
	int ret;
	const char *request;	/* what it must have got (prefix) */
	size_t request_len;	/* 0: strlen */
	const char *log;	/* in the log, or NULL */
	const char *rest;	/* left unread for the TLS stream */
};

#define S(s)	s, sizeof(s) - 1

static const struct hs_case hs_cases[] = {
	{ "1 CONNECT 200", "http://p", "gw.test", 443,
	  "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03", 0, 0,
	  "CONNECT gw.test:443 HTTP/1.1\r\nHost: gw.test:443\r\n"
	  "User-Agent: PAN GlobalProtect\r\n\r\n", 0, NULL, "\x16\x03" },
	{ "2 CONNECT with Basic", "http://bob:pw@p", "gw.test", 8443,
	  "HTTP/1.0 200 OK\r\nVia: x\r\n\r\n", 0, 0,
	  "CONNECT gw.test:8443 HTTP/1.1\r\nHost: gw.test:8443\r\n"
	  "User-Agent: PAN GlobalProtect\r\n"
	  "Proxy-Authorization: Basic Ym9iOnB3\r\n\r\n" },
	{ "3 CONNECT to a v6 literal", "http://p", "2001:db8::1", 443,
	  "HTTP/1.1 200 OK\r\n\r\n", 0, 0,
	  "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n" },
	{ "4 407 without credentials", "http://p", "gw.test", 443,
	  "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", 0, -EACCES,
	  NULL, 0, "wants a user name and password" },
	{ "5 407 with credentials", "http://u:x@p", "gw.test", 443,
	  "HTTP/1.1 407 Nope\r\n\r\n", 0, -EACCES, NULL, 0,
	  "wants other credentials" },
	{ "6 403", "http://p", "gw.test", 443,
	  "HTTP/1.1 403 Forbidden\r\n\r\n", 0, -ECONNREFUSED, NULL, 0,
	  "refused the connection to gw.test: 403 Forbidden" },
	{ "7 not HTTP", "http://p", "gw.test", 443, "SSH-2.0-x\r\n\r\n", 0,
	  -EPROTO, NULL, 0, "Not an HTTP proxy answer" },
	{ "8 closed early", "http://p", "gw.test", 443, "HTTP/1.1 200", 0,
	  -ECONNRESET, NULL, 0, "closed the connection" },
	{ "9 LF-only answer", "http://p", "gw.test", 443,
	  "HTTP/1.1 200 OK\n\nrest", 0, 0, NULL, 0, NULL, "rest" },

	{ "10 SOCKS5 no auth", "socks5://p", "gw.test", 443,
	  S("\x05\x00" "\x05\x00\x00\x01" "\x01\x02\x03\x04\x01\xbb" "tls"), 0,
	  S("\x05\x01\x00" "\x05\x01\x00\x03\x07gw.test\x01\xbb"), NULL,
	  "tls" },
	{ "11 SOCKS5 user and password", "socks5://bob:pw@p", "h", 80,
	  S("\x05\x02" "\x01\x00" "\x05\x00\x00\x03\x01x\x00\x50"), 0,
	  S("\x05\x02\x00\x02" "\x01\x03" "bob" "\x02" "pw"
	    "\x05\x01\x00\x03\x01h\x00\x50") },
	{ "12 SOCKS5 bad password", "socks5://bob:pw@p", "h", 80,
	  S("\x05\x02" "\x01\x01"), -EACCES, NULL, 0,
	  "refused the user name and password" },
	{ "13 SOCKS5 wants auth we lack", "socks5://p", "h", 80,
	  S("\x05\xff"), -EACCES, NULL, 0, "may want a user name" },
	{ "14 SOCKS5 host unreachable", "socks5://p", "gw.test", 443,
	  S("\x05\x00" "\x05\x04\x00\x01"), -ECONNREFUSED, NULL, 0,
	  "could not reach gw.test: host unreachable" },
	{ "15 not SOCKS5", "socks5://p", "h", 1, S("HT"), -EPROTO, NULL, 0,
	  "is not a SOCKS5 proxy" },
	{ "16 SOCKS5 v6 bound address", "socks5://p", "h", 1,
	  S("\x05\x00" "\x05\x00\x00\x04" "0123456789abcdef\x00\x01" "z"),
	  0, NULL, 0, NULL, "z" },
	{ "17 SOCKS5 bad address type", "socks5://p", "h", 1,
	  S("\x05\x00" "\x05\x00\x00\x09"), -EPROTO, NULL, 0,
	  "address type 9" },
};

static void run_hs(const struct hs_case *c)
{
	size_t alen = c->answer_len ? c->answer_len : strlen(c->answer);
	size_t rlen = c->request_len ? c->request_len :
		      c->request ? strlen(c->request) : 0;
	struct oc_proxy p = { 0 };
	char got[4096];
	ssize_t n;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(write(sv[1], c->answer, alen), (ssize_t)alen);
	shutdown(sv[1], SHUT_WR);
	assert_int_equal(oc_proxy_parse(c->proxy, &p), 0);
	oc_text_truncate(&logged, 0);
	assert_int_equal(oc_proxy_handshake(&lg, &p, sv[0], c->host, c->port,
					    -1, oc_now_ms() + 5000), c->ret);
	if (c->log)
		assert_non_null(strstr(oc_text_str(&logged), c->log));
	n = read(sv[1], got, sizeof(got));
	assert_true(n >= 0);
	if (rlen) {
		assert_true((size_t)n >= rlen);
		assert_memory_equal(got, c->request, rlen);
	}
	if (c->rest) {
		n = read(sv[0], got, sizeof(got));
		assert_int_equal(n, (ssize_t)strlen(c->rest));
		assert_memory_equal(got, c->rest, strlen(c->rest));
	}
	/* The proxy's password never reaches the log. */
	assert_null(strstr(oc_text_str(&logged), ":pw"));
	oc_proxy_free(&p);
	close(sv[0]);
	close(sv[1]);
}

static void test_handshake(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hs_cases); i++) {
		print_message("%s\n", hs_cases[i].name);
		run_hs(&hs_cases[i]);
	}
}

/* A proxy that never answers: the deadline ends the wait. */
static void test_handshake_timeout(void **state)
{
	struct oc_proxy p = { 0 };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(oc_proxy_parse("socks5://p", &p), 0);
	oc_text_truncate(&logged, 0);
	assert_int_equal(oc_proxy_handshake(&lg, &p, sv[0], "h", 1, -1,
					    oc_now_ms() + 50), -ETIMEDOUT);
	assert_non_null(strstr(oc_text_str(&logged), "did not answer in time"));
	oc_proxy_free(&p);
	close(sv[0]);
	close(sv[1]);
}

/* An answer header that never ends is cut at the limit. */
static void test_header_limit(void **state)
{
	struct oc_proxy p = { 0 };
	char *big = malloc(OC_PROXY_MAX_HEADER + 16);
	int sv[2];

	assert_non_null(big);
	memset(big, 'a', OC_PROXY_MAX_HEADER + 16);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(write(sv[1], big, OC_PROXY_MAX_HEADER + 16),
			 OC_PROXY_MAX_HEADER + 16);
	assert_int_equal(oc_proxy_parse("http://p", &p), 0);
	assert_int_equal(oc_proxy_handshake(&lg, &p, sv[0], "h", 1, -1,
					    oc_now_ms() + 5000), -EPROTO);
	oc_proxy_free(&p);
	free(big);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_keeps),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_handshake_timeout),
		cmocka_unit_test(test_header_limit),
	};

	return cmocka_run_group_tests_name("proxy", tests, setup, teardown);
}
