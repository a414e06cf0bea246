/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HTTP/1.1 client over the TLS connection.
 *
 * One connection is kept alive between requests. Responses may be framed
 * by Content-Length, chunked transfer coding or the close of the
 * connection, and may be gzip-encoded. Headers and bodies are bounded so a
 * hostile server cannot exhaust memory. Set-Cookie values are kept in a
 * jar and sent back. Redirects are followed a bounded number of times; one
 * to another host or port drops the cookies and the connection.
 *
 * The engine reads and writes through struct oc_http_io so it can be
 * tested without TLS.
 */
#ifndef OC_HTTP_H
#define OC_HTTP_H

#include <stddef.h>
#include <sys/types.h>
#include "buf.h"
#include "log.h"
#include "secret.h"
#include "tls.h"

#define OC_HTTP_MAX_HEADER	(64 * 1024)	/* status line + headers */
#define OC_HTTP_MAX_BODY	(16 * 1024 * 1024)
#define OC_HTTP_MAX_REDIRECTS	10
/* A whole response, in ms: a server that drips a byte now and then
 * never trips the timeout of a single wait. */
#define OC_HTTP_MAX_TIME	(60 * 1000)

struct oc_cookie {
	char *name;
	struct oc_secret value;
};

struct oc_cookie_jar {
	struct oc_cookie *c;
	size_t n;
};

/* Stores the cookie of one Set-Cookie header value; an empty value or
 * Max-Age=0 deletes it. -EINVAL when malformed. */
int oc_jar_set(struct oc_cookie_jar *jar, const char *set_cookie);
/* NULL when absent. Never log the result. */
const char *oc_jar_get(const struct oc_cookie_jar *jar, const char *name);
/* Appends "a=1; b=2" (nothing when empty). */
void oc_jar_header(const struct oc_cookie_jar *jar, struct oc_text *t);
void oc_jar_clear(struct oc_cookie_jar *jar);

struct oc_http_hdr {
	char *name;
	char *value;
};

struct oc_http_resp {
	int status;
	struct oc_http_hdr *hdrs;
	size_t nhdrs;
	struct oc_buf body;	/* decoded; data[len] is a NUL */
	int keep_alive;		/* the connection may be reused */
};

/* Case-insensitive lookup of the first header named @name, or NULL. */
const char *oc_http_header(const struct oc_http_resp *r, const char *name);
void oc_http_resp_free(struct oc_http_resp *r);

struct oc_http_io {
	/* Reads up to @len bytes: >0 count, 0 at end of stream, <0 errno. */
	ssize_t (*read)(void *ctx, void *buf, size_t len, int timeout_ms);
	/* Writes all of it or returns a negative errno. */
	int (*write)(void *ctx, const void *buf, size_t len, int timeout_ms);
	void *ctx;
};

struct oc_http_limits {
	size_t max_header;
	size_t max_body;
	int timeout_ms;		/* for each wait on the peer */
	int total_ms;		/* for the whole response; 0: no bound */
};

/*
 * Reads one response from @io into @resp (which it initialises). @rbuf
 * holds bytes read ahead past the previous response and keeps those past
 * this one. @head: the request was HEAD (no body). Errors: -EBADMSG for a
 * malformed response, -E2BIG over a limit, -ECONNRESET when the stream
 * ends early, -ETIMEDOUT, -EPROTO for a transfer or content coding other
 * than chunked and gzip. @rbuf needs room for max_header + 16 KiB.
 */
int oc_http_read_response(const struct oc_log *lg, struct oc_http_io *io,
			  struct oc_buf *rbuf,
			  const struct oc_http_limits *lim, int head,
			  struct oc_http_resp *resp);

struct oc_http {
	const struct oc_log *lg;
	struct oc_tls_conf *tls;
	char *host;			/* where requests go now */
	int port;
	char *useragent;		/* NULL: "PAN GlobalProtect"; owned */
	int dump;			/* --dump-http-traffic */
	struct oc_http_limits lim;
	struct oc_cookie_jar jar;
	struct oc_tls *conn;		/* kept alive, or NULL */
	struct oc_buf rbuf;		/* bytes read ahead */
	/* Tests may replace the transport; NULL: TLS via conn. */
	struct oc_http_io *io;
};

void oc_http_init(struct oc_http *h, const struct oc_log *lg,
		  struct oc_tls_conf *tls);
/* Points requests at another server: drops connection and cookies when
 * the host or port differs. */
int oc_http_set_server(struct oc_http *h, const char *host, int port);
void oc_http_close(struct oc_http *h);
void oc_http_free(struct oc_http *h);

/*
 * Sends one request and reads its response. @path starts with '/'. @body
 * may be NULL (no body); @ctype defaults to
 * application/x-www-form-urlencoded when a body is given. Retries once on
 * a fresh connection when a kept-alive one turns out to be closed.
 */
int oc_http_request(struct oc_http *h, const char *method, const char *path,
		    const char *ctype, const char *body, size_t bodylen,
		    struct oc_http_resp *resp);

/*
 * The same, following redirects (301, 302, 303, 307, 308) up to
 * OC_HTTP_MAX_REDIRECTS: -ELOOP beyond. A 303 (and a 301/302 answering a
 * POST) turns into a GET without body. On return h->host/h->port and
 * *final_path (malloc'ed, may be NULL) say where the answer came from.
 */
int oc_http_fetch(struct oc_http *h, const char *method, const char *path,
		  const char *ctype, const char *body, size_t bodylen,
		  struct oc_http_resp *resp, char **final_path);

/*
 * Redaction for --dump-http-traffic: copies @in replacing what may be
 * secret with "(hidden)": values of secret form fields, cookie headers,
 * secret XML elements, and long runs of hex digits.
 */
void oc_redact_form(struct oc_text *out, const char *in, size_t len);
/* Appends "Name: value", the value redacted. */
void oc_redact_header(struct oc_text *out, const char *name,
		      const char *value);
void oc_redact_body(struct oc_text *out, const char *in, size_t len);
/* 1 when form field or XML element @name carries a secret. */
int oc_is_secret_name(const char *name);

#endif
