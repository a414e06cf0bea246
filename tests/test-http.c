/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTTP engine over an in-memory transport: response framing and its
 * limits, gzip, the cookie jar, redaction for --dump-http-traffic, the
 * request bytes and the redirect logic.
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

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- Logging ------------------------------------------------------------ */

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

static int setup(void **state)
{
	oc_log_init(&lg, record, NULL);
	return 0;
}

static int teardown(void **state)
{
	oc_text_free(&logged);
	return 0;
}

/* ---- A scripted transport ----------------------------------------------- */

#define MAX_SEGS	16

/* Each read returns bytes of one segment at most, so a test decides what
 * a response's reads see; after the last segment, @end is returned. */
struct mem_io {
	struct oc_http_io io;
	const unsigned char *seg[MAX_SEGS];
	size_t seglen[MAX_SEGS];
	size_t nsegs, cur, off;
	size_t piece;		/* most bytes per read; 0: no limit */
	int end;		/* 0 (end of stream) or a negative errno */
	int reads;
	int write_err;
	struct oc_text written;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len, int timeout_ms)
{
	struct mem_io *m = ctx;
	size_t n;

	m->reads++;
	while (m->cur < m->nsegs && m->off == m->seglen[m->cur]) {
		m->cur++;
		m->off = 0;
	}
	if (m->cur >= m->nsegs)
		return m->end;
	n = m->seglen[m->cur] - m->off;
	if (m->piece && n > m->piece)
		n = m->piece;
	if (n > len)
		n = len;
	memcpy(buf, m->seg[m->cur] + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static int mem_write(void *ctx, const void *buf, size_t len, int timeout_ms)
{
	struct mem_io *m = ctx;

	if (m->write_err)
		return m->write_err;
	oc_text_append_len(&m->written, buf, len);
	return 0;
}

static void mem_init(struct mem_io *m)
{
	memset(m, 0, sizeof(*m));
	m->io.read = mem_read;
	m->io.write = mem_write;
	m->io.ctx = m;
}

static void mem_add(struct mem_io *m, const void *p, size_t len)
{
	assert_true(m->nsegs < MAX_SEGS);
	m->seg[m->nsegs] = p;
	m->seglen[m->nsegs++] = len;
}

static void mem_add_str(struct mem_io *m, const char *s)
{
	mem_add(m, s, strlen(s));
}

static void mem_free(struct mem_io *m)
{
	oc_text_free(&m->written);
}

static struct oc_http_limits default_limits(void)
{
	struct oc_http_limits lim = { OC_HTTP_MAX_HEADER, OC_HTTP_MAX_BODY,
				      1000 };

	return lim;
}

/* ---- Response framing --------------------------------------------------- */

struct read_case {
	const char *name;
	const char *in;
	size_t piece;
	int head;
	size_t max_body;	/* 0: default */
	int end;		/* what the stream ends with */
	int ret;
	int status;
	const char *body;
	int keep_alive;
};

#define OK200	"HTTP/1.1 200 OK\r\n"
#define CHUNKED	"Transfer-Encoding: chunked\r\n"
#define CL(n)	"Content-Length: " #n "\r\n"

static const struct read_case read_cases[] = {
	{ "1 content-length", OK200 CL(5) "\r\nhello", 0, 0, 0, 0, 0, 200,
	  "hello", 1 },
	{ "2 content-length, 1-byte reads", OK200 CL(5) "\r\nhello", 1, 0, 0,
	  0, 0, 200, "hello", 1 },
	{ "3 content-length 0", OK200 CL(0) "\r\n", 0, 0, 0, 0, 0, 200, "",
	  1 },
	{ "4 chunked, extensions, trailers", OK200 CHUNKED "\r\n"
	  "5\r\nhello\r\n6;name=val\r\n world\r\n"
	  "A ; a=\"b\"\r\n0123456789\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n",
	  0, 0, 0, 0, 0, 200, "hello world0123456789", 1 },
	{ "5 chunked, 1-byte reads", OK200 CHUNKED "\r\n"
	  "5\r\nhello\r\n6;e\r\n world\r\n0\r\n\r\n", 1, 0, 0, 0, 0, 200,
	  "hello world", 1 },
	{ "6 chunked, 3-byte reads", OK200 CHUNKED "\r\n"
	  "5\r\nhello\r\n06\r\n world\r\n0000\r\n\r\n", 3, 0, 0, 0, 0, 200,
	  "hello world", 1 },
	{ "7 chunked, LF only", OK200 CHUNKED "\r\n5\nhello\n0\n\n", 0, 0, 0,
	  0, 0, 200, "hello", 1 },
	{ "8 bad chunk size", OK200 CHUNKED "\r\nzz\r\nhello\r\n0\r\n\r\n",
	  0, 0, 0, 0, -EBADMSG },
	{ "9 chunk size 0x", OK200 CHUNKED "\r\n0x5\r\nhello\r\n0\r\n\r\n",
	  0, 0, 0, 0, -EBADMSG },
	{ "10 negative chunk size", OK200 CHUNKED "\r\n-5\r\nhello\r\n", 0,
	  0, 0, 0, -EBADMSG },
	{ "11 empty chunk size", OK200 CHUNKED "\r\n\r\nhello\r\n", 0, 0, 0,
	  0, -EBADMSG },
	{ "12 chunk size with junk", OK200 CHUNKED "\r\n5 5\r\nhello\r\n", 0,
	  0, 0, 0, -EBADMSG },
	{ "13 chunk size overflow", OK200 CHUNKED
	  "\r\n1ffffffffffffffff\r\nx\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "14 chunk size huge", OK200 CHUNKED "\r\nfffffffffffffff\r\nx\r\n",
	  0, 0, 0, 0, -E2BIG },
	{ "15 chunk without CRLF", OK200 CHUNKED
	  "\r\n5\r\nhelloXX0\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "16 chunked, truncated in data", OK200 CHUNKED "\r\n5\r\nhel", 0,
	  0, 0, 0, -ECONNRESET },
	{ "17 chunked, no last chunk", OK200 CHUNKED "\r\n5\r\nhello\r\n", 0,
	  0, 0, 0, -ECONNRESET },
	{ "18 chunk line too long", OK200 CHUNKED "\r\n5;"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "\r\nhello\r\n0\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "19 close-delimited", OK200 "Connection: close\r\n\r\nto the end",
	  0, 0, 0, 0, 0, 200, "to the end", 0 },
	{ "20 close-delimited, 2-byte reads", OK200 "\r\nto the end", 2, 0,
	  0, 0, 0, 200, "to the end", 0 },
	{ "21 HTTP/1.0 to the end", "HTTP/1.0 200 OK\r\n\r\nold", 0, 0, 0, 0,
	  0, 200, "old", 0 },
	{ "22 HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: "
	  "Keep-Alive\r\n" CL(2) "\r\nok", 0, 0, 0, 0, 0, 200, "ok", 1 },
	{ "23 HTTP/1.0 length only", "HTTP/1.0 200 OK\r\n" CL(2) "\r\nok", 0,
	  0, 0, 0, 0, 200, "ok", 0 },
	{ "24 Connection: close", OK200 "Connection: close\r\n" CL(2)
	  "\r\nok", 0, 0, 0, 0, 0, 200, "ok", 0 },
	{ "25 Connection token list", OK200 "Connection: Keep-Alive, Close"
	  "\r\n" CL(2) "\r\nok", 0, 0, 0, 0, 0, 200, "ok", 0 },
	{ "26 truncated body", OK200 CL(10) "\r\nhello", 0, 0, 0, 0,
	  -ECONNRESET },
	{ "27 truncated body, timeout", OK200 CL(10) "\r\nhello", 0, 0, 0,
	  -ETIMEDOUT, -ETIMEDOUT },
	{ "28 end in the head", "HTTP/1.1 200 OK\r\nContent-Le", 0, 0, 0, 0,
	  -ECONNRESET },
	{ "29 empty stream", "", 0, 0, 0, 0, -ECONNRESET },
	{ "30 timeout in the head", "HTTP/1.1 200", 0, 0, 0, -ETIMEDOUT,
	  -ETIMEDOUT },
	{ "31 status 2000", "HTTP/1.1 2000 OK\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "32 status abc", "HTTP/1.1 abc\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "33 FOO", "FOO\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "34 HTTP/2", "HTTP/2 200 OK\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "35 status 20", "HTTP/1.1 20 OK\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "36 status 099", "HTTP/1.1 099 x\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "37 status 600", "HTTP/1.1 600 x\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "38 HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "39 lower-case http", "http/1.1 200 OK\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "40 two spaces", "HTTP/1.1  200 OK\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "41 signed status", "HTTP/1.1 +20 OK\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "42 status glued to reason", "HTTP/1.1 200OK\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "43 no reason", "HTTP/1.1 200\r\n" CL(2) "\r\nok", 0, 0, 0, 0, 0,
	  200, "ok", 1 },
	{ "44 status 512", "HTTP/1.1 512 Custom\r\n" CL(0) "\r\n", 0, 0, 0,
	  0, 0, 512, "", 1 },
	{ "45 header without colon", OK200 "Broken header\r\n" CL(0) "\r\n",
	  0, 0, 0, 0, -EBADMSG },
	{ "46 obsolete folding", OK200 "X-A: 1\r\n  continued\r\n" CL(0)
	  "\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "47 space before colon", OK200 "X-A : 1\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "48 empty name", OK200 ": 1\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "49 control character", OK200 "X-A: a\001b\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "50 bare CR in value", OK200 "X-A: a\rb\r\n\r\n", 0, 0, 0, 0,
	  -EBADMSG },
	{ "51 conflicting lengths", OK200 CL(5) CL(6) "\r\nhello!", 0, 0, 0,
	  0, -EBADMSG },
	{ "52 agreeing lengths", OK200 CL(5) CL(5) "\r\nhello", 0, 0, 0, 0,
	  0, 200, "hello", 1 },
	{ "53 length list", OK200 "Content-Length: 5, 5\r\n\r\nhello", 0, 0,
	  0, 0, -EBADMSG },
	{ "54 negative length", OK200 "Content-Length: -1\r\n\r\n", 0, 0, 0,
	  0, -EBADMSG },
	{ "55 signed length", OK200 "Content-Length: +5\r\n\r\nhello", 0, 0,
	  0, 0, -EBADMSG },
	{ "56 hex length", OK200 "Content-Length: 0x5\r\n\r\nhello", 0, 0, 0,
	  0, -EBADMSG },
	{ "57 overflowing length", OK200 "Content-Length: "
	  "99999999999999999999999\r\n\r\n", 0, 0, 0, 0, -EBADMSG },
	{ "58 length with spaces", OK200 "Content-Length:   5  \r\n\r\nhello",
	  0, 0, 0, 0, 0, 200, "hello", 1 },
	{ "59 unknown transfer coding", OK200 "Transfer-Encoding: gzip\r\n"
	  "\r\n", 0, 0, 0, 0, -EPROTO },
	{ "60 unknown content coding", OK200 "Content-Encoding: br\r\n" CL(0)
	  "\r\n", 0, 0, 0, 0, -EPROTO },
	{ "61 chunked and length", OK200 CHUNKED CL(100) "\r\n"
	  "2\r\nok\r\n0\r\n\r\n", 0, 0, 0, 0, 0, 200, "ok", 0 },
	{ "62 100 Continue", "HTTP/1.1 100 Continue\r\n\r\n"
	  "HTTP/1.1 102 Processing\r\nX: y\r\n\r\n" OK200 CL(2) "\r\nok", 0,
	  0, 0, 0, 0, 200, "ok", 1 },
	{ "63 HEAD", OK200 CL(100) "\r\n", 0, 1, 0, 0, 0, 200, "", 1 },
	{ "64 204", "HTTP/1.1 204 No Content\r\n\r\n", 0, 0, 0, 0, 0, 204,
	  "", 1 },
	{ "65 304 with length", "HTTP/1.1 304 Not Modified\r\n" CL(10)
	  "\r\n", 0, 0, 0, 0, 0, 304, "", 1 },
	{ "66 blank lines before", "\r\n\r\n" OK200 CL(2) "\r\nok", 0, 0, 0,
	  0, 0, 200, "ok", 1 },
	{ "67 LF line ends", "HTTP/1.1 200 OK\n" "Content-Length: 2\n\nok",
	  0, 0, 0, 0, 0, 200, "ok", 1 },
	{ "68 body at the limit", OK200 CL(10) "\r\n0123456789", 0, 0, 10, 0,
	  0, 200, "0123456789", 1 },
	{ "69 declared body over the limit", OK200 CL(11) "\r\n0123456789a",
	  0, 0, 10, 0, -E2BIG },
	{ "70 chunked body over the limit", OK200 CHUNKED "\r\n6\r\n012345"
	  "\r\n5\r\n6789a\r\n0\r\n\r\n", 0, 0, 10, 0, -E2BIG },
	{ "71 close-delimited body over the limit", OK200 "\r\n0123456789a",
	  0, 0, 10, 0, -E2BIG },
	{ "72 101", "HTTP/1.1 101 Switching\r\n\r\n", 0, 0, 0, 0, 0, 101, "",
	  0 },
	{ "73 trailers at EOF", OK200 CHUNKED "\r\n0\r\nX: 1\r\n", 0, 0, 0, 0,
	  -ECONNRESET },
	{ "74 gzip with nothing", OK200 "Content-Encoding: gzip\r\n" CL(0)
	  "\r\n", 0, 0, 0, 0, 0, 200, "", 1 },
	{ "75 two transfer codings", OK200 CHUNKED CHUNKED "\r\n0\r\n\r\n", 0,
	  0, 0, 0, -EPROTO },
};

static int read_resp(struct mem_io *m, struct oc_buf *rb,
		     const struct oc_http_limits *lim, int head,
		     struct oc_http_resp *resp)
{
	return oc_http_read_response(&lg, &m->io, rb, lim, head, resp);
}

static void test_read_table(void **state)
{
	struct oc_http_limits lim;
	struct oc_http_resp resp;
	struct mem_io m;
	struct oc_buf rb;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(read_cases); i++) {
		const struct read_case *c = &read_cases[i];

		print_message("case %s\n", c->name);
		lim = default_limits();
		if (c->max_body)
			lim.max_body = c->max_body;
		mem_init(&m);
		mem_add_str(&m, c->in);
		m.piece = c->piece;
		m.end = c->end;
		oc_buf_init(&rb, 1024 * 1024);
		ret = read_resp(&m, &rb, &lim, c->head, &resp);
		assert_int_equal(ret, c->ret);
		if (!ret) {
			assert_int_equal(resp.status, c->status);
			assert_int_equal(resp.body.len, strlen(c->body));
			assert_memory_equal(resp.body.data, c->body,
					    resp.body.len + 1);
			assert_int_equal(resp.keep_alive, c->keep_alive);
		} else {
			assert_int_equal(resp.nhdrs, 0);
			assert_int_equal(resp.body.len, 0);
		}
		oc_http_resp_free(&resp);
		oc_buf_free(&rb);
		mem_free(&m);
	}
}

static void test_headers(void **state)
{
	static const char in[] = OK200 "X-Plain: value\r\n"
		"x-spaces: \t  padded value \t\r\nX-Empty:\r\n"
		"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n" CL(0) "\r\n";
	struct oc_http_limits lim = default_limits();
	struct oc_http_resp resp;
	struct mem_io m;
	struct oc_buf rb;

	mem_init(&m);
	mem_add_str(&m, in);
	oc_buf_init(&rb, 1024 * 1024);
	assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), 0);
	assert_int_equal(resp.nhdrs, 6);
	assert_string_equal(oc_http_header(&resp, "x-plain"), "value");
	assert_string_equal(oc_http_header(&resp, "X-SPACES"), "padded value");
	assert_string_equal(oc_http_header(&resp, "X-Empty"), "");
	assert_string_equal(oc_http_header(&resp, "set-cookie"), "a=1");
	assert_string_equal(resp.hdrs[4].value, "b=2");
	assert_null(oc_http_header(&resp, "X-Absent"));
	oc_http_resp_free(&resp);
	oc_http_resp_free(&resp);	/* twice is harmless */
	oc_buf_free(&rb);
	mem_free(&m);
}

/* A head of about @size bytes in one header. */
static char *big_head(size_t size)
{
	char *s = malloc(size + 64);
	size_t n;

	assert_non_null(s);
	n = (size_t)sprintf(s, OK200 "X-Big: ");
	memset(s + n, 'a', size - n - 4);
	strcpy(s + size - 4, "\r\n\r\n");
	assert_int_equal(strlen(s), size);
	return s;
}

static void test_header_limit(void **state)
{
	struct oc_http_limits lim = default_limits();
	struct oc_http_resp resp;
	struct mem_io m;
	struct oc_buf rb;
	size_t piece, len;
	char *s;

	for (piece = 0; piece <= 1000; piece += 1000) {
		print_message("reads of %zu\n", piece);
		s = big_head(OC_HTTP_MAX_HEADER);
		mem_init(&m);
		m.piece = piece;
		mem_add_str(&m, s);
		oc_buf_init(&rb, 1024 * 1024);
		assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), 0);
		oc_http_resp_free(&resp);
		oc_buf_free(&rb);
		mem_free(&m);
		free(s);

		s = big_head(OC_HTTP_MAX_HEADER + 1);
		mem_init(&m);
		m.piece = piece;
		mem_add_str(&m, s);
		oc_buf_init(&rb, 1024 * 1024);
		assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), -E2BIG);
		oc_http_resp_free(&resp);
		oc_buf_free(&rb);
		mem_free(&m);
		free(s);
	}

	/* A head that never ends stops at the limit, not at the stream's
	 * end. */
	s = malloc(200000);
	assert_non_null(s);
	memset(s, 'a', 199999);
	s[199999] = '\0';
	memcpy(s, OK200 "X: ", 20);
	mem_init(&m);
	mem_add_str(&m, s);
	oc_buf_init(&rb, 1024 * 1024);
	assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), -E2BIG);
	assert_true(m.reads < 10);
	oc_buf_free(&rb);
	mem_free(&m);
	free(s);

	/* Many short headers are fine within the limit. */
	s = malloc(70000);
	assert_non_null(s);
	len = (size_t)sprintf(s, OK200);
	for (piece = 0; piece < 10000; piece++)
		len += (size_t)sprintf(s + len, "X: 1\r\n");
	strcpy(s + len, "\r\n");
	mem_init(&m);
	mem_add_str(&m, s);
	oc_buf_init(&rb, 1024 * 1024);
	assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), 0);
	assert_int_equal(resp.nhdrs, 10000);
	assert_string_equal(resp.hdrs[9999].value, "1");
	oc_http_resp_free(&resp);
	oc_buf_free(&rb);
	mem_free(&m);
	free(s);

	/* So do blank lines before the status line. */
	s = malloc(70001);
	assert_non_null(s);
	memset(s, '\n', 70000);
	s[70000] = '\0';
	mem_init(&m);
	mem_add_str(&m, s);
	mem_add_str(&m, OK200 CL(0) "\r\n");
	oc_buf_init(&rb, 1024 * 1024);
	assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), -E2BIG);
	oc_buf_free(&rb);
	mem_free(&m);
	free(s);

	/* Trailers count against the header limit too. */
	lim.max_header = 100;
	mem_init(&m);
	mem_add_str(&m, OK200 CHUNKED "\r\n0\r\nX-T: "
		    "0123456789012345678901234567890123456789"
		    "0123456789012345678901234567890123456789"
		    "0123456789012345678901234567890123456789\r\n\r\n");
	oc_buf_init(&rb, 1024 * 1024);
	assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), -E2BIG);
	oc_buf_free(&rb);
	mem_free(&m);
}

static void test_back_to_back(void **state)
{
	static const char in[] = OK200 CL(5) "\r\nfirst"
		"HTTP/1.1 204 No Content\r\n\r\n"
		OK200 CHUNKED "\r\n6\r\nsecond\r\n0\r\n\r\n"
		"HTTP/1.1 302 Found\r\nLocation: /x\r\n" CL(5) "\r\nthird";
	static const struct { int status; const char *body; } want[] = {
		{ 200, "first" }, { 204, "" }, { 200, "second" },
		{ 302, "third" },
	};
	struct oc_http_limits lim = default_limits();
	struct oc_http_resp resp;
	struct mem_io m;
	struct oc_buf rb;
	size_t i, piece;

	for (piece = 0; piece <= 7; piece += 7) {
		mem_init(&m);
		mem_add_str(&m, in);
		m.piece = piece;
		oc_buf_init(&rb, 1024 * 1024);
		for (i = 0; i < ARRAY_SIZE(want); i++) {
			print_message("pieces of %zu, response %zu\n", piece,
				      i);
			assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp), 0);
			assert_int_equal(resp.status, want[i].status);
			assert_string_equal(resp.body.data, want[i].body);
			assert_int_equal(resp.keep_alive, 1);
			oc_http_resp_free(&resp);
			/* The first read took everything. */
			if (!piece)
				assert_int_equal(m.reads, 1);
		}
		assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp),
				 -ECONNRESET);
		oc_buf_free(&rb);
		mem_free(&m);
	}
}

/* ---- gzip --------------------------------------------------------------- */

/* gzip of @len bytes of @in (or of @len zeros when @in is NULL). */
static unsigned char *gzip(const void *in, size_t len, size_t *outlen)
{
	static const unsigned char zeros[65536];
	size_t cap = len / 100 + 65536, n;
	unsigned char *out = malloc(cap);
	z_stream zs;
	int flush;

	assert_non_null(out);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	do {
		n = len > sizeof(zeros) ? sizeof(zeros) : len;
		zs.next_in = (Bytef *)(in ? in : zeros);
		zs.avail_in = (uInt)n;
		if (in)
			in = (const char *)in + n;
		len -= n;
		flush = len ? Z_NO_FLUSH : Z_FINISH;
		assert_true(deflate(&zs, flush) != Z_STREAM_ERROR);
		assert_int_equal(zs.avail_in, 0);
	} while (flush != Z_FINISH);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* Head for a body of @len bytes, encoded @ce, framed by length or chunks
 * (then the caller appends the chunk framing). */
static char *gz_head(const char *ce, size_t len, int chunked)
{
	char *s;

	if (chunked)
		assert_true(asprintf(&s, OK200 "Content-Encoding: %s\r\n"
				     CHUNKED "\r\n%zx\r\n", ce, len) > 0);
	else
		assert_true(asprintf(&s, OK200 "Content-Encoding: %s\r\n"
				     "Content-Length: %zu\r\n\r\n", ce,
				     len) > 0);
	return s;
}

static void test_gzip(void **state)
{
	static const char text[] =
		"<response status=\"success\"><ip-address>198.18.0.5"
		"</ip-address></response>\n";
	struct oc_http_limits lim = default_limits();
	struct oc_http_resp resp;
	unsigned char *gz, bad[256];
	size_t gzlen, i;
	struct mem_io m;
	struct oc_buf rb;
	char *head;
	static const struct {
		const char *name;
		const char *ce;
		int chunked;
		size_t piece;
		int damage;	/* 1: truncate, 2: corrupt */
		int ret;
	} cases[] = {
		{ "1 gzip, length", "gzip", 0, 0, 0, 0 },
		{ "2 x-gzip, chunked, 7-byte reads", "x-gzip", 1, 7, 0, 0 },
		{ "3 GZIP, 1-byte reads", "GZIP", 0, 1, 0, 0 },
		{ "4 truncated stream", "gzip", 0, 0, 1, -EBADMSG },
		{ "5 corrupt stream", "gzip", 0, 0, 2, -EBADMSG },
	};

	gz = gzip(text, strlen(text), &gzlen);
	assert_true(gzlen < sizeof(bad));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = gzlen;

		print_message("case %s\n", cases[i].name);
		memcpy(bad, gz, gzlen);
		if (cases[i].damage == 1)
			len -= 6;
		if (cases[i].damage == 2)
			memset(bad + 10, 0xff, 8);
		head = gz_head(cases[i].ce, len, cases[i].chunked);
		mem_init(&m);
		m.piece = cases[i].piece;
		mem_add_str(&m, head);
		mem_add(&m, bad, len);
		if (cases[i].chunked)
			mem_add_str(&m, "\r\n0\r\n\r\n");
		oc_buf_init(&rb, 1024 * 1024);
		assert_int_equal(read_resp(&m, &rb, &lim, 0, &resp),
				 cases[i].ret);
		if (!cases[i].ret)
			assert_string_equal(resp.body.data, text);
		oc_http_resp_free(&resp);
		oc_buf_free(&rb);
		mem_free(&m);
		free(head);
	}
	free(gz);
}

/* Reads a response whose body is the gzip of @plain zeros, bounded by
 * @max_body. */
static int read_zeros(size_t plain, size_t max_body, size_t *got)
{
	struct oc_http_limits lim = default_limits();
	struct oc_http_resp resp;
	struct mem_io m;
	struct oc_buf rb;
	unsigned char *gz;
	size_t gzlen;
	char *head;
	int ret;

	lim.max_body = max_body;
	gz = gzip(NULL, plain, &gzlen);
	head = gz_head("gzip", gzlen, 0);
	mem_init(&m);
	mem_add_str(&m, head);
	mem_add(&m, gz, gzlen);
	oc_buf_init(&rb, 1024 * 1024);
	ret = read_resp(&m, &rb, &lim, 0, &resp);
	*got = resp.body.len;
	oc_http_resp_free(&resp);
	oc_buf_free(&rb);
	mem_free(&m);
	free(head);
	free(gz);
	return ret;
}

static void test_gzip_bomb(void **state)
{
	size_t got;

	print_message("64 MiB of zeros against a 1 MiB limit\n");
	assert_int_equal(read_zeros(64 << 20, 1 << 20, &got), -E2BIG);
	print_message("exactly at the limit\n");
	assert_int_equal(read_zeros(100000, 100000, &got), 0);
	assert_int_equal(got, 100000);
	print_message("one over the limit\n");
	assert_int_equal(read_zeros(100001, 100000, &got), -E2BIG);
	print_message("large but allowed\n");
	assert_int_equal(read_zeros(4 << 20, OC_HTTP_MAX_BODY, &got), 0);
	assert_int_equal(got, 4 << 20);
}

/* ---- A server that drips ------------------------------------------------ */

#define DRIP_MS		5
#define DRIP_READS	400	/* then the stream ends */

/* The head of a chunked answer, then a 1-byte chunk every DRIP_MS: each
 * wait is short, the answer never ends. */
struct drip_io {
	struct oc_http_io io;
	int reads;
	int max_wait;		/* the longest wait asked for */
};

static ssize_t drip_read(void *ctx, void *buf, size_t len, int timeout_ms)
{
	static const char head[] = "HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: chunked\r\n\r\n";
	struct drip_io *d = ctx;
	const char *p = d->reads ? "1\r\nx\r\n" : head;
	size_t n = strlen(p);

	if (timeout_ms > d->max_wait)
		d->max_wait = timeout_ms;
	if (d->reads++ >= DRIP_READS)
		return 0;
	if (timeout_ms < DRIP_MS) {
		/* As a real transport: the whole wait, then the time-out. */
		nanosleep(&(struct timespec){ 0, timeout_ms * 1000000L }, NULL);
		return -ETIMEDOUT;
	}
	nanosleep(&(struct timespec){ 0, DRIP_MS * 1000000L }, NULL);
	assert_true(n <= len);
	memcpy(buf, p, n);
	return (ssize_t)n;
}

static void test_drip(void **state)
{
	struct oc_http_limits lim = { OC_HTTP_MAX_HEADER, OC_HTTP_MAX_BODY,
				      100, 200 };
	struct drip_io d = { { drip_read, NULL, NULL }, 0, 0 };
	struct oc_http_resp resp;
	struct oc_buf rb;

	d.io.ctx = &d;
	oc_buf_init(&rb, 1024 * 1024);
	oc_text_truncate(&logged, 0);
	print_message("a byte every %d ms, each wait up to 100 ms, the whole "
		      "answer 200 ms\n", DRIP_MS);
	assert_int_equal(oc_http_read_response(&lg, &d.io, &rb, &lim, 0,
					       &resp), -ETIMEDOUT);
	print_message("%d reads, the longest wait %d ms\n", d.reads,
		      d.max_wait);
	/* 200 ms of drips, far from the end of the stream. */
	assert_true(d.reads < DRIP_READS / 2);
	assert_true(d.max_wait <= 100);
	assert_non_null(strstr(oc_text_str(&logged), "not complete after"));
	oc_http_resp_free(&resp);
	oc_buf_free(&rb);
}

/* ---- The cookie jar ----------------------------------------------------- */

static void check_jar(const struct oc_cookie_jar *jar, const char *want)
{
	struct oc_text t = OC_TEXT_INIT;

	oc_jar_header(jar, &t);
	assert_string_equal(oc_text_str(&t), want);
	oc_text_free(&t);
}

static void test_jar(void **state)
{
	static const struct {
		const char *set;
		int ret;
		const char *header;	/* the jar afterwards */
	} steps[] = {
		{ "a=1", 0, "a=1" },
		{ "b=2; Path=/; Secure; HttpOnly", 0, "a=1; b=2" },
		{ "a=3", 0, "a=3; b=2" },
		{ "A=4", 0, "a=3; b=2; A=4" },
		{ "b=; Path=/", 0, "a=3; A=4" },
		{ "A=x; Max-Age=0", 0, "a=3" },
		{ "c=5; max-age=-1", 0, "a=3" },
		{ "d=6; Max-Age=3600", 0, "a=3; d=6" },
		{ "d=7; Expires=Thu, 01 Jan 1970 00:00:00 GMT", 0, "a=3" },
		{ "e=8; expires=Fri, 31 Dec 9999 23:59:59 GMT", 0, "a=3; e=8" },
		{ "e=9; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", 0,
		  "a=3; e=9" },
		{ "f=1; Expires=garbage", 0, "a=3; e=9; f=1" },
		{ "f=2; Max-Age=abc", 0, "a=3; e=9; f=2" },
		{ "f=3; Expires=Thu, 01-Jan-70 00:00:01 GMT", 0, "a=3; e=9" },
		{ "noequals", -EINVAL, "a=3; e=9" },
		{ "=v", -EINVAL, "a=3; e=9" },
		{ "a b=1", -EINVAL, "a=3; e=9" },
		{ "g=x\ry", -EINVAL, "a=3; e=9" },
		{ "g=\"quoted\"", 0, "a=3; e=9; g=quoted" },
		{ "  h = 1 ; Path=/", 0, "a=3; e=9; g=quoted; h=1" },
		{ "SESSID=ab==cd", 0,
		  "a=3; e=9; g=quoted; h=1; SESSID=ab==cd" },
		{ "a=\"\"", 0, "e=9; g=quoted; h=1; SESSID=ab==cd" },
		{ "", -EINVAL, "e=9; g=quoted; h=1; SESSID=ab==cd" },
	};
	struct oc_cookie_jar jar = { NULL, 0 };
	char big[5000], name[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		print_message("step %zu: %s\n", i + 1, steps[i].set);
		assert_int_equal(oc_jar_set(&jar, steps[i].set), steps[i].ret);
		check_jar(&jar, steps[i].header);
	}
	assert_string_equal(oc_jar_get(&jar, "SESSID"), "ab==cd");
	assert_null(oc_jar_get(&jar, "sessid"));
	assert_null(oc_jar_get(&jar, "nope"));

	/* Bounds against a hostile server. */
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "big=", 4);
	assert_int_equal(oc_jar_set(&jar, big), -E2BIG);
	oc_jar_clear(&jar);
	check_jar(&jar, "");
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "c%zu=1", i);
		assert_int_equal(oc_jar_set(&jar, name), 0);
	}
	assert_int_equal(oc_jar_set(&jar, "one-more=1"), -ENOSPC);
	assert_int_equal(oc_jar_set(&jar, "c5=replaced"), 0);
	assert_string_equal(oc_jar_get(&jar, "c5"), "replaced");
	assert_int_equal(oc_jar_set(&jar, "c6=; Max-Age=0"), 0);
	assert_int_equal(oc_jar_set(&jar, "one-more=1"), 0);
	assert_int_equal(jar.n, 64);
	oc_jar_clear(&jar);
	oc_jar_clear(&jar);
}

/* ---- Redaction ---------------------------------------------------------- */

static void test_secret_names(void **state)
{
	static const struct { const char *name; int secret; } cases[] = {
		{ "passwd", 1 }, { "PASSWD", 1 }, { "password", 1 },
		{ "authcookie", 1 }, { "portal-userauthcookie", 1 },
		{ "portal-prelogonuserauthcookie", 1 },
		{ "prelogin-cookie", 1 }, { "inputStr", 1 }, { "inputstr", 1 },
		{ "cookie", 1 }, { "token", 1 }, { "secret", 1 }, { "key", 1 },
		{ "val", 1 }, { "my-session-cookie", 1 }, { "new-password", 1 },
		{ "user", 0 }, { "report", 0 }, { "bits", 0 }, { "portal", 0 },
		{ "computer", 0 }, { "ekey-c2s", 0 }, { "value", 0 },
		{ "", 0 }, { NULL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu: %s\n", i,
			      cases[i].name ? cases[i].name : "NULL");
		assert_int_equal(oc_is_secret_name(cases[i].name),
				 cases[i].secret);
	}
}

#define HEX32	"0123456789abcdef0123456789ABCDEF"
#define HEX40	"00112233445566778899aabbccddeeff00112233"

struct redact_case {
	const char *name;
	const char *in;
	const char *must[4];	/* substrings the output keeps */
	const char *never[6];	/* secrets that must not appear */
};

static const struct redact_case body_cases[] = {
	{ "1 login form",
	  "jnlpReady=jnlpReady&ok=Login&user=bob&passwd=hunter2pw"
	  "&inputStr=tok9876&portal-userauthcookie=PUACvalue"
	  "&prelogin-cookie=PLCvalue&computer=pc1",
	  { "user=bob", "passwd=(hidden)", "computer=pc1", "ok=Login" },
	  { "hunter2pw", "tok9876", "PUACvalue", "PLCvalue" } },
	{ "2 encoded field name", "user=u&pass%77d=enc0ded&x=1",
	  { "user=u", "pass%77d=(hidden)", "x=1" }, { "enc0ded" } },
	{ "3 getconfig keys",
	  "<response><ipsec><c2s-spi>0x1234abcd</c2s-spi>"
	  "<ekey-c2s><bits>128</bits><val>" HEX32 "</val></ekey-c2s>"
	  "<akey-s2c><bits>160</bits><val>" HEX40 "</val></akey-s2c>"
	  "<ekey-s2c><bits>8</bits><val>ab</val></ekey-s2c>"
	  "</ipsec></response>",
	  { "<bits>128</bits>", "<val>(hidden)</val>", "0x1234abcd" },
	  { HEX32, HEX40, ">ab<" } },
	{ "4 jnlp",
	  "<jnlp><application-desc><argument>(null)</argument>"
	  "<argument>" HEX32 "</argument><argument>" HEX40 "</argument>"
	  "<argument>my-portal</argument><argument>alice</argument>"
	  "<argument>0123456789abcdef</argument>"
	  "<argument>tunnel</argument></application-desc></jnlp>",
	  { "my-portal", "alice", "tunnel", "(hidden)" },
	  { HEX32, HEX40, "0123456789abcdef" } },
	{ "5 long hex in text", "<a>the cookie is " HEX32 "ff, ok</a>",
	  { "the cookie is (hidden), ok" }, { "0123456789abcdef" } },
	{ "6 script challenge",
	  "var respStatus = \"Challenge\";\nvar respMsg = \"Enter code\";\n"
	  "thisForm.inputStr.value = \"5ef9a1\";\n",
	  { "Challenge", "Enter code", "inputStr.value = \"(hidden)\"" },
	  { "5ef9a1" } },
	{ "7 nested and unclosed", "<x><val>a1<val>b2</val>c3</val>"
	  "<passwd>secretpw",
	  { "<x><val>(hidden)</val>" }, { "a1", "b2", "c3", "secretpw" } },
	{ "8 challenge XML",
	  "<challenge><respmsg>Code?</respmsg><inputstr>xyz123"
	  "</inputstr></challenge>",
	  { "Code?", "<inputstr>(hidden)</inputstr>" }, { "xyz123" } },
	{ "9 secret attribute", "<a token=\"tokval\" n=\"1\"/>",
	  { "n=\"1\"" }, { "tokval" } },
	{ "10 portal config",
	  "<policy><portal-userauthcookie>PUAC1</portal-userauthcookie>"
	  "<portal-prelogonuserauthcookie>PPC2"
	  "</portal-prelogonuserauthcookie><version>6.1</version></policy>",
	  { "<version>6.1</version>" }, { "PUAC1", "PPC2" } },
	{ "11 JSON", "{\"user\": \"u1\", \"authcookie\": \"jsonck\"}",
	  { "\"user\": \"u1\"", "\"authcookie\": \"(hidden)\"" },
	  { "jsonck" } },
	{ "12 nothing secret", "<a>plain &amp; simple</a>",
	  { "<a>plain &amp; simple</a>" }, { "(hidden)" } },
};

static void check_redacted(const char *name, const char *out,
			   const char *const *must, const char *const *never)
{
	size_t j;

	for (j = 0; j < 4 && must[j]; j++) {
		if (!strstr(out, must[j]))
			print_message("%s: missing %s in %s\n", name, must[j],
				      out);
		assert_non_null(strstr(out, must[j]));
	}
	for (j = 0; j < 6 && never[j]; j++) {
		if (strstr(out, never[j]))
			print_message("%s: leaked %s in %s\n", name, never[j],
				      out);
		assert_null(strstr(out, never[j]));
	}
}

static void test_redact_body(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(body_cases); i++) {
		const struct redact_case *c = &body_cases[i];

		print_message("case %s\n", c->name);
		oc_redact_body(&t, c->in, strlen(c->in));
		assert_int_equal(oc_text_error(&t), 0);
		check_redacted(c->name, oc_text_str(&t), c->must, c->never);
		oc_text_free(&t);
	}
	oc_redact_body(&t, "", 0);
	assert_string_equal(oc_text_str(&t), "");
	oc_text_free(&t);

	oc_redact_form(&t, "a=1&passwd=x&&b&passwd", 22);
	assert_string_equal(oc_text_str(&t), "a=1&passwd=(hidden)&&b&passwd");
	oc_text_free(&t);
}

static void test_redact_header(void **state)
{
	static const struct {
		const char *name, *value, *out;
	} cases[] = {
		{ "Set-Cookie", "SESSID=abcdef; Path=/; Secure",
		  "Set-Cookie: SESSID=(hidden); Path=/; Secure" },
		{ "set-cookie", "x=; Max-Age=0", "set-cookie: x=(hidden); "
		  "Max-Age=0" },
		{ "Cookie", "a=1; b=2", "Cookie: a=(hidden); b=(hidden)" },
		{ "Authorization", "Basic dXNlcjpwYXNz",
		  "Authorization: (hidden)" },
		{ "Proxy-Authorization", "Negotiate abc",
		  "Proxy-Authorization: (hidden)" },
		{ "prelogin-cookie", "samlcookie",
		  "prelogin-cookie: (hidden)" },
		{ "saml-username", "alice", "saml-username: alice" },
		{ "Content-Type", "text/xml; charset=UTF-8",
		  "Content-Type: text/xml; charset=UTF-8" },
		{ "Location", "/x?authcookie=abc&user=u",
		  "Location: /x?authcookie=(hidden)&user=u" },
		{ "X-Id", HEX32, "X-Id: (hidden)" },
	};
	struct oc_text t = OC_TEXT_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].name);
		oc_redact_header(&t, cases[i].name, cases[i].value);
		assert_string_equal(oc_text_str(&t), cases[i].out);
		oc_text_free(&t);
	}
}

/* ---- Requests over the scripted transport ------------------------------- */

static void http_setup(struct oc_http *h, struct mem_io *m)
{
	oc_http_init(h, &lg, NULL);
	assert_int_equal(oc_http_set_server(h, "vpn.example.com", 443), 0);
	mem_init(m);
	h->io = &m->io;
	h->lim.timeout_ms = 100;
}

static void test_request_bytes(void **state)
{
	static const char want1[] =
		"POST /ssl-vpn/login.esp HTTP/1.1\r\n"
		"Host: vpn.example.com\r\n"
		"User-Agent: PAN GlobalProtect\r\n"
		"Connection: Keep-Alive\r\n"
		"Content-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: 26\r\n"
		"\r\n"
		"user=bob&passwd=hunter2pw1";
	static const char want2[] =
		"GET /x?y=1 HTTP/1.1\r\n"
		"Host: vpn.example.com\r\n"
		"User-Agent: PAN GlobalProtect\r\n"
		"Connection: Keep-Alive\r\n"
		"Cookie: SESS=cookieval77; other=2\r\n"
		"\r\n";
	struct oc_http_resp resp;
	struct oc_http h;
	struct mem_io m;

	http_setup(&h, &m);
	mem_add_str(&m, OK200 "Set-Cookie: SESS=cookieval77; Path=/\r\n"
		    "Set-Cookie: other=2\r\n" CL(2) "\r\nok");
	mem_add_str(&m, OK200 CL(3) "\r\nyes");
	assert_int_equal(oc_http_request(&h, "POST", "/ssl-vpn/login.esp",
					 NULL, "user=bob&passwd=hunter2pw1",
					 26, &resp), 0);
	assert_string_equal(oc_text_str(&m.written), want1);
	assert_string_equal(resp.body.data, "ok");
	assert_string_equal(oc_jar_get(&h.jar, "SESS"), "cookieval77");
	oc_http_resp_free(&resp);

	oc_text_free(&m.written);
	assert_int_equal(oc_http_request(&h, "GET", "/x?y=1", NULL, NULL, 0,
					 &resp), 0);
	assert_string_equal(oc_text_str(&m.written), want2);
	assert_string_equal(resp.body.data, "yes");
	oc_http_resp_free(&resp);
	oc_http_free(&h);
	mem_free(&m);
}

static void test_request_host(void **state)
{
	static const struct {
		const char *host;
		int port;
		const char *ua;
		const char *ctype;
		const char *want;
	} cases[] = {
		{ "vpn.example.com", 8443, NULL, NULL,
		  "Host: vpn.example.com:8443\r\n" },
		{ "::1", 443, NULL, NULL, "Host: [::1]\r\n" },
		{ "2001:db8::1", 4443, NULL, NULL, "Host: [2001:db8::1]:4443" },
		{ "198.18.0.1", 443, "Custom/1.0", NULL,
		  "Host: 198.18.0.1\r\nUser-Agent: Custom/1.0\r\n" },
		{ "h", 443, NULL, "text/xml", "Content-Type: text/xml\r\n"
		  "Content-Length: 3\r\n\r\nabc" },
	};
	struct oc_http_resp resp;
	struct oc_http h;
	struct mem_io m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].host);
		http_setup(&h, &m);
		assert_int_equal(oc_http_set_server(&h, cases[i].host,
						    cases[i].port), 0);
		if (cases[i].ua)
			h.useragent = strdup(cases[i].ua);
		mem_add_str(&m, OK200 CL(0) "\r\n");
		assert_int_equal(oc_http_request(&h, "POST", "/",
						 cases[i].ctype, "abc", 3,
						 &resp), 0);
		assert_non_null(strstr(oc_text_str(&m.written),
				       cases[i].want));
		oc_http_resp_free(&resp);
		oc_http_free(&h);
		mem_free(&m);
	}
}

static void test_request_errors(void **state)
{
	static const struct {
		const char *method, *path;
		int write_err, end, ret;
		const char *script;
	} cases[] = {
		{ "GET", "relative", 0, 0, -EINVAL, NULL },
		{ "GET", "/a\r\nX-Injected: 1", 0, 0, -EINVAL, NULL },
		{ "GET", "/a b", 0, 0, -EINVAL, NULL },
		{ "GE T", "/", 0, 0, -EINVAL, NULL },
		{ "", "/", 0, 0, -EINVAL, NULL },
		{ "GET", "/", -EPIPE, 0, -EPIPE, NULL },
		{ "GET", "/", 0, -ETIMEDOUT, -ETIMEDOUT,
		  "HTTP/1.1 200 OK\r\n" },
		{ "GET", "/", 0, 0, -ECONNRESET, "" },
		{ "GET", "/", 0, 0, -EBADMSG, "HTTP/1.1 abc\r\n\r\n" },
	};
	struct oc_http_resp resp;
	struct oc_http h;
	struct mem_io m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu\n", i);
		http_setup(&h, &m);
		m.write_err = cases[i].write_err;
		m.end = cases[i].end;
		if (cases[i].script)
			mem_add_str(&m, cases[i].script);
		assert_int_equal(oc_http_request(&h, cases[i].method,
						 cases[i].path, NULL, NULL, 0,
						 &resp), cases[i].ret);
		assert_int_equal(resp.nhdrs, 0);
		oc_http_resp_free(&resp);
		oc_http_free(&h);
		mem_free(&m);
	}

	/* A header value we would send must not break the request. */
	http_setup(&h, &m);
	h.useragent = strdup("evil\r\nX-Injected: 1");
	assert_int_equal(oc_http_request(&h, "GET", "/", NULL, NULL, 0,
					 &resp), -EINVAL);
	assert_int_equal(m.written.len, 0);
	oc_http_resp_free(&resp);
	oc_http_free(&h);
	mem_free(&m);
}

static void test_dump(void **state)
{
	struct oc_http_resp resp;
	struct oc_http h;
	struct mem_io m;
	const char *out;

	http_setup(&h, &m);
	h.dump = 1;
	assert_int_equal(oc_jar_set(&h.jar, "OLD=oldcookie55"), 0);
	mem_add_str(&m, OK200 "Set-Cookie: SESS=cookieval77; Path=/\r\n"
		    CL(103) "\r\n<jnlp><application-desc><argument>" HEX32
		    "</argument></application-desc></jnlp>");
	oc_text_free(&logged);
	assert_int_equal(oc_http_request(&h, "POST", "/ssl-vpn/login.esp?"
					 "authcookie=querysecret1", NULL,
					 "user=bob&passwd=hunter2pw1", 26,
					 &resp), 0);
	out = oc_text_str(&logged);
	check_redacted("request", out, (const char *const[]){
			"POST /ssl-vpn/login.esp", "> user=bob&passwd=(hidden)",
			"< HTTP/1.1 200 OK", "< Set-Cookie: SESS=(hidden)" },
		       (const char *const[]){ "hunter2pw1", "cookieval77",
			       "oldcookie55", "querysecret1", HEX32, NULL });
	assert_non_null(strstr(out, "> Cookie: OLD=(hidden)"));
	assert_non_null(strstr(out, "> Host: vpn.example.com"));
	assert_non_null(strstr(out, "Got HTTP response: 200"));
	oc_http_resp_free(&resp);
	oc_http_free(&h);
	mem_free(&m);
}

/* ---- Redirects ---------------------------------------------------------- */

#define REDIR(code, loc)	"HTTP/1.1 " #code " Moved\r\nLocation: " loc \
				"\r\n" CL(0) "\r\n"

struct fetch_case {
	const char *name;
	const char *method;
	const char *path;
	const char *script[12];
	int ret;
	const char *final;	/* path, on success */
	const char *host;	/* where we ended */
	int port;
	const char *sent[3];	/* must have been written */
	const char *unsent;	/* must not */
};

static const struct fetch_case fetch_cases[] = {
	{ "1 absolute path", "POST", "/a",
	  { REDIR(302, "/b"), OK200 CL(2) "\r\nok" }, 0, "/b",
	  "vpn.example.com", 443,
	  { "POST /a HTTP/1.1", "GET /b HTTP/1.1\r\n" }, "POST /b" },
	{ "2 relative path", "GET", "/dir/page.esp?q=1",
	  { REDIR(301, "other.esp?x=1"), OK200 CL(0) "\r\n" }, 0,
	  "/dir/other.esp?x=1", "vpn.example.com", 443,
	  { "GET /dir/other.esp?x=1 HTTP/1.1" } },
	{ "3 absolute URL, same server", "GET", "/",
	  { REDIR(302, "https://VPN.example.com:443/c#frag"),
	    OK200 CL(0) "\r\n" }, 0, "/c", "vpn.example.com", 443,
	  { "GET /c HTTP/1.1", "Cookie: S=1" } },
	{ "4 307 keeps the method", "POST", "/a",
	  { REDIR(307, "/b"), OK200 CL(0) "\r\n" }, 0, "/b",
	  "vpn.example.com", 443,
	  { "POST /b HTTP/1.1", "Content-Length: 3\r\n\r\nx=1" } },
	{ "5 303 turns into GET", "PUT", "/a",
	  { REDIR(303, "/b"), OK200 CL(0) "\r\n" }, 0, "/b",
	  "vpn.example.com", 443, { "GET /b HTTP/1.1" }, "PUT /b" },
	{ "6 three hops", "GET", "/1",
	  { REDIR(302, "/2"), REDIR(302, "3"), REDIR(308, "/4"),
	    OK200 CL(0) "\r\n" }, 0, "/4", "vpn.example.com", 443,
	  { "GET /2 ", "GET /3 ", "GET /4 " } },
	{ "7 ten redirects is fine", "GET", "/",
	  { REDIR(302, "/"), REDIR(302, "/"), REDIR(302, "/"),
	    REDIR(302, "/"), REDIR(302, "/"), REDIR(302, "/"),
	    REDIR(302, "/"), REDIR(302, "/"), REDIR(302, "/"),
	    REDIR(302, "/"), OK200 CL(0) "\r\n" }, 0, "/",
	  "vpn.example.com", 443 },
	{ "8 eleven is a loop", "GET", "/",
	  { REDIR(302, "/"), REDIR(302, "/"), REDIR(302, "/"),
	    REDIR(302, "/"), REDIR(302, "/"), REDIR(302, "/"),
	    REDIR(302, "/"), REDIR(302, "/"), REDIR(302, "/"),
	    REDIR(302, "/"), REDIR(302, "/"), OK200 CL(0) "\r\n" },
	  -ELOOP },
	{ "9 another host and port", "POST", "/a",
	  { REDIR(302, "https://other.example.com:8443/x"),
	    OK200 CL(0) "\r\n" }, 0, "/x", "other.example.com", 8443,
	  { "Host: other.example.com:8443\r\n" }, "Cookie:" },
	{ "10 network-path reference", "GET", "/a",
	  { REDIR(302, "//gw2.example.com/y"), OK200 CL(0) "\r\n" }, 0, "/y",
	  "gw2.example.com", 443, { "Host: gw2.example.com\r\n" },
	  "Cookie:" },
	{ "11 http refused", "GET", "/a",
	  { REDIR(302, "http://vpn.example.com/b") }, -EPROTONOSUPPORT },
	{ "12 other scheme refused", "GET", "/a",
	  { REDIR(302, "ftp://vpn.example.com/b") }, -EPROTONOSUPPORT },
	{ "13 no Location", "GET", "/a",
	  { "HTTP/1.1 302 Found\r\n" CL(0) "\r\n" }, 0, "/a",
	  "vpn.example.com", 443 },
	{ "14 bad Location", "GET", "/a",
	  { REDIR(302, "/b c") }, -EBADMSG },
	{ "15 bad URL", "GET", "/a",
	  { REDIR(302, "https://") }, -EINVAL },
	{ "16 same host, other port", "GET", "/a",
	  { REDIR(302, "https://vpn.example.com:444/p"),
	    OK200 CL(0) "\r\n" }, 0, "/p", "vpn.example.com", 444,
	  { "Host: vpn.example.com:444\r\n" }, "Cookie:" },
	{ "17 query only", "GET", "/a/b?old=1",
	  { REDIR(302, "?new=2"), OK200 CL(0) "\r\n" }, 0, "/a/b?new=2",
	  "vpn.example.com", 443 },
};

static void test_fetch(void **state)
{
	struct oc_http_resp resp;
	struct oc_http h;
	struct mem_io m;
	char *final;
	const char *sent;
	size_t i, j;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fetch_cases); i++) {
		const struct fetch_case *c = &fetch_cases[i];
		int post = !strcmp(c->method, "POST") ||
			   !strcmp(c->method, "PUT");

		print_message("case %s\n", c->name);
		http_setup(&h, &m);
		assert_int_equal(oc_jar_set(&h.jar, "S=1"), 0);
		for (j = 0; j < ARRAY_SIZE(c->script) && c->script[j]; j++)
			mem_add_str(&m, c->script[j]);
		ret = oc_http_fetch(&h, c->method, c->path, NULL,
				    post ? "x=1" : NULL, post ? 3 : 0, &resp,
				    &final);
		assert_int_equal(ret, c->ret);
		sent = oc_text_str(&m.written);
		if (!ret) {
			assert_string_equal(final, c->final);
			assert_string_equal(h.host, c->host);
			assert_int_equal(h.port, c->port);
			for (j = 0; j < 3 && c->sent[j]; j++)
				assert_non_null(strstr(sent, c->sent[j]));
			if (c->unsent)
				assert_null(strstr(strstr(sent, "\r\n\r\n"),
						   c->unsent));
		} else {
			assert_null(final);
			assert_int_equal(resp.nhdrs, 0);
		}
		free(final);
		oc_http_resp_free(&resp);
		oc_http_free(&h);
		mem_free(&m);
	}
}

static void test_set_server(void **state)
{
	struct oc_http_resp resp;
	struct oc_http h;

	oc_http_init(&h, &lg, NULL);
	assert_int_equal(h.port, 443);
	assert_int_equal(h.lim.max_header, OC_HTTP_MAX_HEADER);
	assert_int_equal(h.lim.max_body, OC_HTTP_MAX_BODY);
	assert_int_equal(h.lim.timeout_ms, 30000);
	assert_int_equal(oc_http_set_server(&h, "a.example", 443), 0);
	assert_int_equal(oc_jar_set(&h.jar, "k=v"), 0);
	assert_int_equal(oc_http_set_server(&h, "A.EXAMPLE", 443), 0);
	assert_string_equal(oc_jar_get(&h.jar, "k"), "v");
	assert_int_equal(oc_http_set_server(&h, "a.example", 444), 0);
	assert_null(oc_jar_get(&h.jar, "k"));
	assert_int_equal(oc_jar_set(&h.jar, "k=v"), 0);
	assert_int_equal(oc_http_set_server(&h, "b.example", 444), 0);
	assert_int_equal(h.jar.n, 0);
	assert_string_equal(h.host, "b.example");
	assert_int_equal(oc_http_set_server(&h, "", 443), -EINVAL);
	assert_int_equal(oc_http_set_server(&h, "c", 0), -EINVAL);
	assert_int_equal(oc_http_set_server(&h, "c", 65536), -EINVAL);
	assert_string_equal(h.host, "b.example");
	/* Neither TLS nor a test transport: nowhere to send to. */
	assert_int_equal(oc_http_request(&h, "GET", "/", NULL, NULL, 0,
					 &resp), -EINVAL);
	oc_http_resp_free(&resp);
	oc_http_free(&h);
	oc_http_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_table),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_header_limit),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_gzip_bomb),
		cmocka_unit_test(test_drip),
		cmocka_unit_test(test_jar),
		cmocka_unit_test(test_secret_names),
		cmocka_unit_test(test_redact_body),
		cmocka_unit_test(test_redact_header),
		cmocka_unit_test(test_request_bytes),
		cmocka_unit_test(test_request_host),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_fetch),
		cmocka_unit_test(test_set_server),
	};

	return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
