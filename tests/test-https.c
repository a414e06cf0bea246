/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTTP client over real TLS against the scripted test server:
 * keep-alive and transparent reconnection, framing, gzip, redirects
 * (within a server and to another one), limits, slow and stalled peers,
 * and what --dump-http-traffic shows. Needs the certificates of
 * tests/mkcerts in $CERTDIR.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <cmocka.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "tls.h"
#include "tests/testsrv.h"

#define HOST		"127.0.0.1"
#define TIMEOUT_MS	5000
#define HEX32		"0123456789abcdef0123456789abcdef"
#define REQ_MAX		(64 * 1024)

static const char *certdir;

static const char *cert_path(const char *name)
{
	static char paths[4][512];
	static unsigned int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", certdir, name);
	return p;
}

/* ---- The server side (runs in the test server's child) ------------------ */

struct srv_arg {
	int other_port;		/* where /go redirects to */
};

static void respond(struct testsrv_conn *c, const char *status,
		    const char *headers, const char *body)
{
	char head[1024];

	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\n%sContent-Length: %zu"
		 "\r\n\r\n", status, headers, strlen(body));
	testsrv_write_str(c, head);
	testsrv_write_str(c, body);
}

/* Copies the text after @key up to the next @end character. */
static void field(const char *req, const char *key, const char *end,
		  char *out, size_t max)
{
	const char *p = strstr(req, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, end);
	snprintf(out, max, "%.*s", (int)n, p);
}

static unsigned char *gzip_str(const char *s, size_t *outlen)
{
	size_t cap = strlen(s) + 256;
	unsigned char *out = malloc(cap);
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (!out || deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (Bytef *)s;
	zs.avail_in = (uInt)strlen(s);
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void send_gzip(struct testsrv_conn *c)
{
	unsigned char *gz;
	char head[256];
	size_t len;

	gz = gzip_str("<response>compressed body</response>", &len);
	if (!gz)
		return;
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Encoding: "
		 "gzip\r\nContent-Length: %zu\r\n\r\n", len);
	testsrv_write_str(c, head);
	testsrv_write(c, gz, len);
	free(gz);
}

static void send_chunked(struct testsrv_conn *c)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: chunked\r\n\r\n"
		"7\r\nchunked\r\n1;ext=1\r\n \r\nb\r\nhello world\r\n"
		"0\r\nX-Trailer: yes\r\n\r\n";

	/* Pieces that split sizes, data and line ends. */
	testsrv_write_slowly(c, resp, strlen(resp), 5, 1);
}

static void send_big_head(struct testsrv_conn *c)
{
	size_t n = 70 * 1024;
	char *big = malloc(n + 1);

	if (!big)
		return;
	memset(big, 'x', n);
	big[n] = '\0';
	testsrv_write_str(c, "HTTP/1.1 200 OK\r\nX-Big: ");
	testsrv_write_str(c, big);
	testsrv_write_str(c, "\r\nContent-Length: 0\r\n\r\n");
	free(big);
}

static void send_login(struct testsrv_conn *c)
{
	respond(c, "200 OK", "Set-Cookie: SESS=srvcookie123; Path=/; "
		"Secure\r\nContent-Type: application/xml\r\n",
		"<jnlp><application-desc><argument>(null)</argument>"
		"<argument>" HEX32 "</argument><argument>portal1</argument>"
		"</application-desc></jnlp>");
}

/* Answers one request; returns 1 when the connection is to be closed. */
static int answer(struct testsrv_conn *c, const struct srv_arg *a,
		  const char *req, int conns, int reqs)
{
	char path[256], host[256], hdr[512], body[64];
	static const char slow[] = "HTTP/1.1 200 OK\r\nContent-Length: 4"
		"\r\n\r\nslow";

	field(req, " ", " ", path, sizeof(path));
	field(req, "\r\nHost: ", "\r", host, sizeof(host));
	snprintf(body, sizeof(body), "conn=%d req=%d", conns, reqs);
	if (!strcmp(path, "/count")) {
		respond(c, "200 OK", "", body);
	} else if (!strcmp(path, "/once")) {
		respond(c, "200 OK", "", body);
		return 1;	/* then closes, as an idle server would */
	} else if (!strcmp(path, "/r1")) {
		respond(c, "302 Found", "Location: /r2\r\n", "");
	} else if (!strcmp(path, "/r2")) {
		snprintf(hdr, sizeof(hdr), "Location: https://%s/r3\r\n", host);
		respond(c, "302 Found", hdr, "");
	} else if (!strcmp(path, "/r3")) {
		respond(c, "301 Moved", "Location: r4\r\n", "");
	} else if (!strcmp(path, "/r4")) {
		respond(c, "200 OK", "", "done");
	} else if (!strcmp(path, "/loop")) {
		respond(c, "302 Found", "Location: /loop\r\n", "");
	} else if (!strcmp(path, "/set")) {
		respond(c, "200 OK", "Set-Cookie: A=secretA77; Path=/\r\n", "");
	} else if (!strcmp(path, "/go")) {
		snprintf(hdr, sizeof(hdr), "Location: https://" HOST ":%d/b"
			 "\r\n", a->other_port);
		respond(c, "302 Found", hdr, "");
	} else if (!strcmp(path, "/b")) {
		respond(c, "200 OK", "", "server b");
	} else if (!strcmp(path, "/chunked")) {
		send_chunked(c);
	} else if (!strcmp(path, "/gzip")) {
		send_gzip(c);
	} else if (!strcmp(path, "/big")) {
		send_big_head(c);
	} else if (!strcmp(path, "/trunc")) {
		testsrv_write_str(c, "HTTP/1.1 200 OK\r\nContent-Length: 100"
				  "\r\n\r\n0123456789");
		testsrv_abort(c);
		return 1;
	} else if (!strcmp(path, "/slow")) {
		testsrv_write_slowly(c, slow, strlen(slow), 1, 20);
	} else if (!strcmp(path, "/stall")) {
		testsrv_write_str(c, "HTTP/1.1 200 OK\r\nContent-Length: 10"
				  "\r\n\r\nabc");
		/* Nothing more until the client gives up and closes. */
		testsrv_read(c, body, sizeof(body));
		return 1;
	} else if (!strcmp(path, "/login")) {
		send_login(c);
	} else {
		respond(c, "404 Not Found", "", "no such page");
	}
	return 0;
}

/* Serves the requests of one connection; counts connections. */
static void route(struct testsrv_conn *c, void *arg)
{
	static int conns;
	char *req = malloc(REQ_MAX);
	int reqs = 0;

	conns++;
	while (req && testsrv_read_request(c, req, REQ_MAX) > 0)
		if (answer(c, arg, req, conns, ++reqs))
			break;
	free(req);
}

static struct testsrv *start_srv(int max_conns, struct srv_arg *a)
{
	struct testsrv_opts o = { 0 };
	struct testsrv *s = NULL;

	o.cert = cert_path("server-chain.pem");
	o.key = cert_path("server-key.pem");
	o.max_conns = max_conns;
	assert_int_equal(testsrv_start(&s, &o, route, a), 0);
	assert_true(testsrv_port(s) > 0);
	return s;
}

/* How often @needle occurs in what @s received. */
static int count_received(struct testsrv *s, const char *needle)
{
	char *got = testsrv_received(s, NULL), *p;
	int n = 0;

	assert_non_null(got);
	for (p = got; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(got);
	return n;
}

/* ---- The client side ---------------------------------------------------- */

static struct oc_text logged;

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_text_vappendf(&logged, fmt, ap);
	va_end(ap);
}

static struct oc_log lg;

struct client {
	struct oc_tls_conf conf;
	struct oc_http h;
	struct oc_http_resp resp;
};

static void client_init(struct client *cl, struct testsrv *s)
{
	oc_tls_conf_init(&cl->conf);
	cl->conf.system_trust = 0;
	cl->conf.cafile = strdup(cert_path("ca.pem"));
	assert_non_null(cl->conf.cafile);
	cl->conf.timeout_ms = TIMEOUT_MS;
	oc_http_init(&cl->h, &lg, &cl->conf);
	cl->h.lim.timeout_ms = TIMEOUT_MS;
	assert_int_equal(oc_http_set_server(&cl->h, HOST, testsrv_port(s)),
			 0);
	memset(&cl->resp, 0, sizeof(cl->resp));
	oc_text_free(&logged);
}

static void client_free(struct client *cl)
{
	oc_http_resp_free(&cl->resp);
	oc_http_free(&cl->h);
	oc_tls_conf_free(&cl->conf);
}

static int get(struct client *cl, const char *path)
{
	oc_http_resp_free(&cl->resp);
	return oc_http_request(&cl->h, "GET", path, NULL, NULL, 0, &cl->resp);
}

static int fetch(struct client *cl, const char *path, char **final)
{
	oc_http_resp_free(&cl->resp);
	return oc_http_fetch(&cl->h, "GET", path, NULL, NULL, 0, &cl->resp,
			     final);
}

static const char *body(const struct client *cl)
{
	return (const char *)cl->resp.body.data;
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 +
	       (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void test_keep_alive(void **state)
{
	/* One connection only: a second one would be refused. */
	struct testsrv *s = start_srv(1, NULL);
	struct oc_tls *first;
	struct client cl;

	client_init(&cl, s);
	assert_int_equal(get(&cl, "/count"), 0);
	assert_string_equal(body(&cl), "conn=1 req=1");
	assert_int_equal(cl.resp.keep_alive, 1);
	first = cl.h.conn;
	assert_non_null(first);
	assert_int_equal(get(&cl, "/count"), 0);
	assert_string_equal(body(&cl), "conn=1 req=2");
	assert_ptr_equal(cl.h.conn, first);
	assert_int_equal(get(&cl, "/count"), 0);
	assert_string_equal(body(&cl), "conn=1 req=3");
	client_free(&cl);
	assert_int_equal(count_received(s, "GET /count HTTP/1.1\r\n"), 3);
	testsrv_stop(s);
}

static void test_idle_close(void **state)
{
	struct timespec ts = { 0, 100 * 1000000L };
	struct testsrv *s = start_srv(0, NULL);
	struct client cl;

	client_init(&cl, s);
	assert_int_equal(get(&cl, "/once"), 0);
	assert_string_equal(body(&cl), "conn=1 req=1");
	assert_non_null(cl.h.conn);
	/* Meanwhile the server closes the idle connection. */
	nanosleep(&ts, NULL);
	assert_int_equal(get(&cl, "/once"), 0);
	assert_string_equal(body(&cl), "conn=2 req=1");
	assert_non_null(strstr(oc_text_str(&logged), "reconnecting"));
	client_free(&cl);
	testsrv_stop(s);
}

static void test_framing(void **state)
{
	struct testsrv *s = start_srv(0, NULL);
	struct client cl;

	client_init(&cl, s);
	print_message("chunked\n");
	assert_int_equal(get(&cl, "/chunked"), 0);
	assert_string_equal(body(&cl), "chunked hello world");
	assert_int_equal(cl.resp.keep_alive, 1);
	print_message("gzip\n");
	assert_int_equal(get(&cl, "/gzip"), 0);
	assert_string_equal(body(&cl), "<response>compressed body</response>");
	print_message("404 on the same connection\n");
	assert_int_equal(get(&cl, "/nothing"), 0);
	assert_int_equal(cl.resp.status, 404);
	assert_string_equal(body(&cl), "no such page");
	assert_int_equal(count_received(s, "Host: " HOST ":"), 3);
	client_free(&cl);
	testsrv_stop(s);
}

static void test_redirects(void **state)
{
	struct testsrv *s = start_srv(0, NULL);
	struct client cl;
	char *final = NULL;

	client_init(&cl, s);
	print_message("three hops\n");
	assert_int_equal(fetch(&cl, "/r1", &final), 0);
	assert_int_equal(cl.resp.status, 200);
	assert_string_equal(body(&cl), "done");
	assert_string_equal(final, "/r4");
	free(final);
	assert_int_equal(count_received(s, "GET /r"), 4);

	print_message("loop\n");
	assert_int_equal(fetch(&cl, "/loop", &final), -ELOOP);
	assert_null(final);
	assert_int_equal(count_received(s, "GET /loop "),
			 OC_HTTP_MAX_REDIRECTS + 1);
	assert_non_null(strstr(oc_text_str(&logged), "redirect"));
	client_free(&cl);
	testsrv_stop(s);
}

static void test_redirect_other_port(void **state)
{
	struct testsrv *b = start_srv(0, NULL);
	struct srv_arg arg = { testsrv_port(b) };
	struct testsrv *a = start_srv(0, &arg);
	struct client cl;
	char *final = NULL;
	char *got;

	client_init(&cl, a);
	assert_int_equal(get(&cl, "/set"), 0);
	assert_non_null(oc_jar_get(&cl.h.jar, "A"));
	assert_int_equal(fetch(&cl, "/go", &final), 0);
	assert_string_equal(body(&cl), "server b");
	assert_string_equal(final, "/b");
	assert_string_equal(cl.h.host, HOST);
	assert_int_equal(cl.h.port, testsrv_port(b));
	assert_int_equal(cl.h.jar.n, 0);
	free(final);
	/* Server A had the cookie back; server B never saw it. */
	assert_int_equal(count_received(a, "Cookie: A=secretA77\r\n"), 1);
	got = testsrv_received(b, NULL);
	assert_non_null(got);
	assert_non_null(strstr(got, "GET /b HTTP/1.1\r\n"));
	assert_null(strstr(got, "Cookie"));
	assert_null(strstr(got, "secretA77"));
	free(got);
	client_free(&cl);
	testsrv_stop(a);
	testsrv_stop(b);
}

static void test_limits(void **state)
{
	struct testsrv *s = start_srv(0, NULL);
	struct client cl;

	client_init(&cl, s);
	print_message("oversized head\n");
	assert_int_equal(get(&cl, "/big"), -E2BIG);
	assert_null(cl.h.conn);
	print_message("truncated body\n");
	assert_int_equal(get(&cl, "/trunc"), -ECONNRESET);
	assert_null(cl.h.conn);
	print_message("still usable afterwards\n");
	assert_int_equal(get(&cl, "/count"), 0);
	assert_int_equal(cl.resp.status, 200);
	client_free(&cl);
	testsrv_stop(s);
}

static void test_slow_and_stalled(void **state)
{
	struct testsrv *s = start_srv(0, NULL);
	struct timespec start;
	struct client cl;
	long ms;

	client_init(&cl, s);
	cl.h.lim.timeout_ms = 300;
	print_message("a byte every 20 ms\n");
	assert_int_equal(get(&cl, "/slow"), 0);
	assert_string_equal(body(&cl), "slow");

	print_message("a peer that stalls\n");
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(get(&cl, "/stall"), -ETIMEDOUT);
	ms = elapsed_ms(&start);
	print_message("timed out after %ld ms\n", ms);
	assert_true(ms >= 250 && ms < 2000);
	assert_null(cl.h.conn);
	client_free(&cl);
	testsrv_stop(s);
}

static void test_dump(void **state)
{
	static const char login[] = "user=bob&passwd=pw-secret-1&ok=Login";
	struct testsrv *s = start_srv(0, NULL);
	struct client cl;
	const char *out;
	static const char *const never[] = {
		"pw-secret-1", "srvcookie123", HEX32,
	};
	size_t i;

	client_init(&cl, s);
	cl.h.dump = 1;
	assert_int_equal(oc_http_request(&cl.h, "POST", "/login", NULL, login,
					 strlen(login), &cl.resp), 0);
	assert_int_equal(get(&cl, "/count"), 0);
	out = oc_text_str(&logged);
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		if (strstr(out, never[i]))
			print_message("leaked %s in:\n%s", never[i], out);
		assert_null(strstr(out, never[i]));
	}
	assert_non_null(strstr(out, "> POST /login HTTP/1.1"));
	assert_non_null(strstr(out, "> user=bob&passwd=(hidden)&ok=Login"));
	assert_non_null(strstr(out, "< Set-Cookie: SESS=(hidden); Path=/"));
	assert_non_null(strstr(out, "<argument>(hidden)</argument>"));
	assert_non_null(strstr(out, "> Cookie: SESS=(hidden)"));
	assert_non_null(strstr(out, "portal1"));
	/* The secrets did travel, just not into the log. */
	assert_int_equal(count_received(s, "passwd=pw-secret-1"), 1);
	assert_int_equal(count_received(s, "Cookie: SESS=srvcookie123\r\n"),
			 1);
	client_free(&cl);
	testsrv_stop(s);
}

static int group_setup(void **state)
{
	oc_log_init(&lg, record, NULL);
	return oc_tls_global_init();
}

static int group_teardown(void **state)
{
	oc_text_free(&logged);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_idle_close),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_redirects),
		cmocka_unit_test(test_redirect_other_port),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_slow_and_stalled),
		cmocka_unit_test(test_dump),
	};

	certdir = getenv("CERTDIR");
	if (!certdir || !*certdir) {
		printf("1..0 # SKIP CERTDIR is not set (make check sets it; "
		       "by hand: tests/mkcerts DIR, then CERTDIR=DIR)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("https", tests, group_setup,
					   group_teardown);
}
