/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "buf.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "num.h"
#include "secret.h"
#include "tls.h"
#include "url.h"

#define READ_CHUNK		16384
/* Read-ahead holds at most a head and a read past it. */
#define RBUF_MAX		(4 * 1024 * 1024)
#define CHUNK_LINE_MAX		1024	/* size and extensions */
#define MAX_INTERIM		16	/* 1xx before the answer */
#define DUMP_BODY_MAX		(64 * 1024)
#define DEFAULT_UA		"PAN GlobalProtect"

/* ---- Reading a response ------------------------------------------------ */

struct reader {
	const struct oc_log *lg;
	struct oc_http_io *io;
	struct oc_buf *rb;
	const struct oc_http_limits *lim;
	size_t got;		/* bytes received while reading this one */
	int64_t deadline;	/* oc_now_ms() of the end; 0: none */
	int minor;		/* HTTP/1.minor */
	char status_line[128];	/* for --dump-http-traffic */
};

/* 1, after saying so, when the response's time is up. */
static int too_late(struct reader *r)
{
	if (!r->deadline || oc_now_ms() < r->deadline)
		return 0;
	oc_err(r->lg, "HTTP response not complete after %d ms",
	       r->lim->total_ms);
	return 1;
}

/* Reads more into the read-ahead: 0, 1 at the end of the stream, or a
 * negative errno. */
static int fill(struct reader *r)
{
	unsigned char *p;
	int64_t left;
	ssize_t n;
	int wait;

	if (r->rb->pos)
		oc_buf_compact(r->rb);
	p = oc_buf_reserve(r->rb, READ_CHUNK);
	if (!p)
		return oc_buf_error(r->rb) ? oc_buf_error(r->rb) : -ENOMEM;
	if (too_late(r))
		return -ETIMEDOUT;
	wait = r->lim->timeout_ms;
	left = r->deadline - oc_now_ms();
	if (r->deadline && (wait <= 0 || left < wait))
		wait = left > 0 ? (int)left : 1;
	n = r->io->read(r->io->ctx, p, READ_CHUNK, wait);
	if (n == -ETIMEDOUT)
		too_late(r);
	if (n < 0)
		return (int)n;
	if (!n)
		return 1;
	if ((size_t)n > READ_CHUNK)
		return -EIO;
	oc_buf_commit(r->rb, (size_t)n);
	r->got += (size_t)n;
	return 0;
}

/* fill(), where the end of the stream is premature. */
static int fill_more(struct reader *r)
{
	int ret = fill(r);

	return ret > 0 ? -ECONNRESET : ret;
}

/*
 * Offset just past the blank line that ends the head in @p, or 0 when it
 * is not there yet; *scan remembers how far the search got, so a head
 * that trickles in is not searched again from the start.
 */
static size_t find_head_end(const unsigned char *p, size_t n, size_t *scan)
{
	size_t i;

	for (i = *scan; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
		if (i + 2 >= n)
			break;
	}
	*scan = i;
	return 0;
}

/* Stray line ends before a status line (after a body, some servers send
 * an extra CRLF) are skipped; returns how many. */
static size_t skip_blank_lines(struct oc_buf *rb)
{
	size_t n = 0;

	while (oc_buf_avail(rb) &&
	       (*oc_buf_cur(rb) == '\r' || *oc_buf_cur(rb) == '\n')) {
		oc_buf_skip(rb, 1);
		n++;
	}
	return n;
}

/* Waits until a whole head is in the read-ahead; sets *len to its size. */
static int read_head(struct reader *r, size_t *len)
{
	size_t scan = 0, end, blank = 0;
	int ret;

	for (;;) {
		blank += skip_blank_lines(r->rb);
		if (!oc_buf_avail(r->rb))
			scan = 0;
		end = find_head_end(oc_buf_cur(r->rb), oc_buf_avail(r->rb),
				    &scan);
		if (end + blank > r->lim->max_header ||
		    (!end && oc_buf_avail(r->rb) + blank > r->lim->max_header))
			return -E2BIG;
		if (end) {
			*len = end;
			return 0;
		}
		ret = fill_more(r);
		if (ret)
			return ret;
	}
}

static int is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static int parse_status(struct reader *r, const char *l, size_t n,
			int *status)
{
	uint64_t v;
	size_t i;

	if (n < 12 || memcmp(l, "HTTP/1.", 7) || (l[7] != '0' && l[7] != '1')
	    || l[8] != ' ' || (n > 12 && l[12] != ' '))
		return -EBADMSG;
	for (i = 9; i < 12; i++)
		if (!isdigit((unsigned char)l[i]))
			return -EBADMSG;
	if (oc_parse_u64_len(l + 9, 3, 10, 599, &v) || v < 100)
		return -EBADMSG;
	*status = (int)v;
	r->minor = l[7] - '0';
	snprintf(r->status_line, sizeof(r->status_line), "%.*s",
		 (int)(n < sizeof(r->status_line) ? n :
		       sizeof(r->status_line) - 1), l);
	return 0;
}

/* Room for one more header. The capacity is implied by the count (8,
 * then doubling), so a head of many short lines stays linear. */
static int grow_headers(struct oc_http_resp *resp)
{
	size_t n = resp->nhdrs;
	struct oc_http_hdr *hd;

	if (n && (n < 8 || (n & (n - 1))))
		return 0;
	hd = realloc(resp->hdrs, (n ? n * 2 : 8) * sizeof(*hd));
	if (!hd)
		return -ENOMEM;
	resp->hdrs = hd;
	return 0;
}

static int add_header(struct oc_http_resp *resp, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n), *v;
	struct oc_http_hdr *hd;
	size_t nlen, vlen, i;

	if (!colon || colon == l)
		return -EBADMSG;
	nlen = (size_t)(colon - l);
	for (i = 0; i < nlen; i++)
		if (!is_token_char((unsigned char)l[i]))
			return -EBADMSG;
	v = colon + 1;
	vlen = n - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
		    v[i] == 0x7f)
			return -EBADMSG;
	if (grow_headers(resp))
		return -ENOMEM;
	hd = &resp->hdrs[resp->nhdrs];
	hd->name = strndup(l, nlen);
	hd->value = strndup(v, vlen);
	resp->nhdrs++;
	return hd->name && hd->value ? 0 : -ENOMEM;
}

static int parse_line(struct reader *r, const char *l, size_t n, int first,
		      struct oc_http_resp *resp)
{
	if (first)
		return parse_status(r, l, n, &resp->status);
	if (*l == ' ' || *l == '\t')
		return -EBADMSG;	/* obsolete line folding */
	return add_header(resp, l, n);
}

/* Parses the @len bytes of head at the read cursor and consumes them. */
static int parse_head(struct reader *r, size_t len, struct oc_http_resp *resp)
{
	const char *p = (const char *)oc_buf_cur(r->rb), *end = p + len;
	const char *lf;
	int ret, first = 1;
	size_t n;

	if (memchr(p, '\0', len))
		return -EBADMSG;
	while (p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		if (!lf)
			return -EBADMSG;
		n = (size_t)(lf - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (!n)
			break;
		ret = parse_line(r, p, n, first, resp);
		if (ret)
			return ret;
		first = 0;
		p = lf + 1;
	}
	oc_buf_skip(r->rb, len);
	return 0;
}

/* ---- Framing and decoding of the body ----------------------------------- */

struct framing {
	int body;		/* the response has one */
	int chunked;
	int has_len;
	uint64_t len;
	int gzip;
	int conn_close;
	int conn_keep;
};

/* Whether the comma-separated @list holds @token (case-insensitive). */
static int has_token(const char *list, const char *token)
{
	size_t tlen = strlen(token), n;

	while (*list) {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		n = strcspn(list, ",");
		while (n && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if (n == tlen && !strncasecmp(list, token, n))
			return 1;
		list += strcspn(list, ",");
	}
	return 0;
}

static int frame_length(struct framing *f, const char *v)
{
	uint64_t len;

	if (oc_parse_u64(v, 10, UINT64_MAX, &len))
		return -EBADMSG;
	if (f->has_len && f->len != len)
		return -EBADMSG;
	f->has_len = 1;
	f->len = len;
	return 0;
}

static int frame_header(struct framing *f, const struct oc_http_hdr *hd)
{
	if (!strcasecmp(hd->name, "Content-Length"))
		return frame_length(f, hd->value);
	if (!strcasecmp(hd->name, "Transfer-Encoding")) {
		if (strcasecmp(hd->value, "chunked") || f->chunked)
			return -EPROTO;
		f->chunked = 1;
	} else if (!strcasecmp(hd->name, "Content-Encoding")) {
		if (!strcasecmp(hd->value, "identity"))
			return 0;
		if ((strcasecmp(hd->value, "gzip") &&
		     strcasecmp(hd->value, "x-gzip")) || f->gzip)
			return -EPROTO;
		f->gzip = 1;
	} else if (!strcasecmp(hd->name, "Connection")) {
		f->conn_close |= has_token(hd->value, "close");
		f->conn_keep |= has_token(hd->value, "keep-alive");
	}
	return 0;
}

/* Decides how the body is delimited and whether the connection stays. */
static int get_framing(struct reader *r, int head, struct oc_http_resp *resp,
		       struct framing *f)
{
	size_t i;
	int ret;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < resp->nhdrs; i++) {
		ret = frame_header(f, &resp->hdrs[i]);
		if (ret)
			return ret;
	}
	resp->keep_alive = r->minor ? !f->conn_close :
			   f->conn_keep && !f->conn_close;
	f->body = !head && resp->status >= 200 && resp->status != 204 &&
		  resp->status != 304;
	if (resp->status == 101)
		resp->keep_alive = 0;	/* not HTTP any more */
	if (!f->body)
		return 0;
	if (f->chunked && f->has_len)
		resp->keep_alive = 0;	/* ambiguous: never reuse */
	else if (!f->chunked && !f->has_len)
		resp->keep_alive = 0;	/* delimited by the close */
	if (!f->chunked && f->has_len && f->len > r->lim->max_body)
		return -E2BIG;
	return 0;
}

/* Where body bytes go: straight to resp->body, or through inflate. */
struct sink {
	struct oc_buf *out;
	size_t max;
	size_t raw;		/* bytes received, before decoding */
	int gzip;
	int zdone;
	z_stream zs;
};

static int sink_init(struct sink *k, struct oc_buf *out, size_t max,
		     int gzip)
{
	memset(k, 0, sizeof(*k));
	k->out = out;
	k->max = max;
	if (!gzip)
		return 0;
	if (inflateInit2(&k->zs, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	k->gzip = 1;
	return 0;
}

/*
 * Inflates @n bytes. The output is bounded by k->max: a small body that
 * inflates to gigabytes stops there. Data after the end of the gzip
 * stream is ignored.
 */
static int inflate_put(struct sink *k, const unsigned char *p, size_t n)
{
	unsigned char scratch, *o;
	size_t room, made;
	int zr;

	k->zs.next_in = (Bytef *)p;
	k->zs.avail_in = (uInt)n;
	while (k->zs.avail_in && !k->zdone) {
		room = k->max - k->out->len;
		if (room > READ_CHUNK)
			room = READ_CHUNK;
		o = room ? oc_buf_reserve(k->out, room) : &scratch;
		if (!o)
			return oc_buf_error(k->out);
		k->zs.next_out = o;
		k->zs.avail_out = room ? (uInt)room : 1;
		zr = inflate(&k->zs, Z_NO_FLUSH);
		made = (room ? room : 1) - k->zs.avail_out;
		if (!room && made)
			return -E2BIG;
		if (room)
			oc_buf_commit(k->out, made);
		if (zr == Z_STREAM_END)
			k->zdone = 1;
		else if (zr != Z_OK)
			return -EBADMSG;
	}
	return 0;
}

static int sink_put(struct sink *k, const unsigned char *p, size_t n)
{
	if (n > k->max - k->raw)
		return -E2BIG;
	k->raw += n;
	if (k->gzip)
		return inflate_put(k, p, n);
	oc_buf_put(k->out, p, n);
	return oc_buf_error(k->out);
}

/* Checks the gzip stream is complete and terminates the body. */
static int sink_finish(struct sink *k)
{
	unsigned char *nul;

	if (k->gzip && k->raw && !k->zdone)
		return -EBADMSG;
	nul = oc_buf_reserve(k->out, 1);
	if (!nul)
		return oc_buf_error(k->out) ? oc_buf_error(k->out) : -ENOMEM;
	*nul = '\0';
	return 0;
}

static void sink_free(struct sink *k)
{
	if (k->gzip)
		inflateEnd(&k->zs);
}

/* Passes @len bytes of body to @k; the stream must not end before. */
static int body_length(struct reader *r, struct sink *k, uint64_t len)
{
	size_t n;
	int ret;

	while (len) {
		if (!oc_buf_avail(r->rb)) {
			ret = fill_more(r);
			if (ret)
				return ret;
		}
		n = oc_buf_avail(r->rb);
		if (n > len)
			n = (size_t)len;
		ret = sink_put(k, oc_buf_cur(r->rb), n);
		if (ret)
			return ret;
		oc_buf_skip(r->rb, n);
		len -= n;
	}
	return 0;
}

static int body_to_eof(struct reader *r, struct sink *k)
{
	size_t n;
	int ret;

	for (;;) {
		n = oc_buf_avail(r->rb);
		ret = sink_put(k, oc_buf_cur(r->rb), n);
		if (ret)
			return ret;
		oc_buf_skip(r->rb, n);
		ret = fill(r);
		if (ret)
			return ret > 0 ? 0 : ret;
	}
}

/* The next line (without its CRLF or LF) of at most @max bytes; *line
 * stays valid until the next read. */
static int read_line(struct reader *r, size_t max, const char **line,
		     size_t *len)
{
	const unsigned char *p, *lf;
	size_t scan = 0, n;
	int ret;

	for (;;) {
		p = oc_buf_cur(r->rb);
		lf = memchr(p + scan, '\n', oc_buf_avail(r->rb) - scan);
		if (lf) {
			n = (size_t)(lf - p);
			oc_buf_skip(r->rb, n + 1);
			if (n && p[n - 1] == '\r')
				n--;
			if (n > max)
				return -EBADMSG;
			*line = (const char *)p;
			*len = n;
			return 0;
		}
		scan = oc_buf_avail(r->rb);
		if (scan > max + 1)
			return -EBADMSG;
		ret = fill_more(r);
		if (ret)
			return ret;
	}
}

/* "1a2b[;ext...]": strict hex, nothing but extensions after it. */
static int parse_chunk_size(const char *l, size_t n, uint64_t *size)
{
	size_t d = 0, i;

	while (d < n && isxdigit((unsigned char)l[d]))
		d++;
	if (!d)
		return -EBADMSG;
	for (i = d; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	if (i < n && l[i] != ';')
		return -EBADMSG;
	if (oc_parse_u64_len(l, d, 16, UINT64_MAX, size))
		return -EBADMSG;	/* overflow */
	return 0;
}

/* Trailer fields carry nothing we use: skipped, within max_header. */
static int skip_trailers(struct reader *r)
{
	size_t total = 0, n;
	const char *l;
	int ret;

	do {
		ret = read_line(r, r->lim->max_header, &l, &n);
		if (ret)
			return ret == -EBADMSG ? -E2BIG : ret;
		total += n + 2;
		if (total > r->lim->max_header)
			return -E2BIG;
	} while (n);
	return 0;
}

static int body_chunked(struct reader *r, struct sink *k)
{
	uint64_t size;
	const char *l;
	size_t n;
	int ret;

	for (;;) {
		ret = read_line(r, CHUNK_LINE_MAX, &l, &n);
		if (!ret)
			ret = parse_chunk_size(l, n, &size);
		if (ret)
			return ret;
		if (!size)
			return skip_trailers(r);
		if (size > k->max - k->raw)
			return -E2BIG;
		ret = body_length(r, k, size);
		if (!ret)
			ret = read_line(r, 0, &l, &n);
		if (ret)
			return ret;
	}
}

static int read_body(struct reader *r, const struct framing *f,
		     struct oc_http_resp *resp)
{
	struct sink k;
	int ret;

	ret = sink_init(&k, &resp->body, r->lim->max_body, f->gzip);
	if (ret)
		return ret;
	if (!f->body)
		ret = 0;
	else if (f->chunked)
		ret = body_chunked(r, &k);
	else if (f->has_len)
		ret = body_length(r, &k, f->len);
	else
		ret = body_to_eof(r, &k);
	if (!ret)
		ret = sink_finish(&k);
	sink_free(&k);
	return ret;
}

static void free_headers(struct oc_http_resp *resp)
{
	size_t i;

	for (i = 0; i < resp->nhdrs; i++) {
		free(resp->hdrs[i].name);
		free(resp->hdrs[i].value);
	}
	free(resp->hdrs);
	resp->hdrs = NULL;
	resp->nhdrs = 0;
}

/* Reads heads until the final one (1xx are interim); leaves its body. */
static int read_final_head(struct reader *r, struct oc_http_resp *resp)
{
	unsigned int i;
	size_t len;
	int ret;

	for (i = 0; i < MAX_INTERIM; i++) {
		free_headers(resp);
		ret = read_head(r, &len);
		if (!ret)
			ret = parse_head(r, len, resp);
		if (ret)
			return ret;
		if (resp->status >= 200 || resp->status == 101)
			return 0;
		oc_dbg(r->lg, "Skipping interim HTTP response %d",
		       resp->status);
	}
	return -EBADMSG;
}

static void resp_init(struct oc_http_resp *resp, size_t max_body)
{
	memset(resp, 0, sizeof(*resp));
	/* One more for the NUL after the body. */
	oc_buf_init(&resp->body, max_body < SIZE_MAX ? max_body + 1 : max_body);
}

static int read_response(struct reader *r, int head,
			 struct oc_http_resp *resp)
{
	struct framing f;
	int ret;

	resp_init(resp, r->lim->max_body);
	if (r->lim->total_ms > 0)
		r->deadline = oc_now_ms() + r->lim->total_ms;
	ret = oc_buf_error(r->rb);
	if (!ret)
		ret = read_final_head(r, resp);
	if (!ret)
		ret = get_framing(r, head, resp, &f);
	if (!ret)
		ret = read_body(r, &f, resp);
	if (ret) {
		oc_http_resp_free(resp);
		resp_init(resp, 0);
	}
	return ret;
}

int oc_http_read_response(const struct oc_log *lg, struct oc_http_io *io,
			  struct oc_buf *rbuf,
			  const struct oc_http_limits *lim, int head,
			  struct oc_http_resp *resp)
{
	struct reader r = { .lg = lg, .io = io, .rb = rbuf, .lim = lim };

	return read_response(&r, head, resp);
}

const char *oc_http_header(const struct oc_http_resp *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhdrs; i++)
		if (!strcasecmp(r->hdrs[i].name, name))
			return r->hdrs[i].value;
	return NULL;
}

void oc_http_resp_free(struct oc_http_resp *r)
{
	free_headers(r);
	/* Answers carry cookies and ESP keys: wipe them whatever they are. */
	if (r->body.mem)
		oc_wipe(r->body.data, r->body.len);
	oc_buf_free(&r->body);
	r->status = 0;
	r->keep_alive = 0;
}

/* ---- The client --------------------------------------------------------- */

void oc_http_init(struct oc_http *h, const struct oc_log *lg,
		  struct oc_tls_conf *tls)
{
	memset(h, 0, sizeof(*h));
	h->lg = lg;
	h->tls = tls;
	h->port = 443;
	h->lim.max_header = OC_HTTP_MAX_HEADER;
	h->lim.max_body = OC_HTTP_MAX_BODY;
	h->lim.timeout_ms = 30000;
	h->lim.total_ms = OC_HTTP_MAX_TIME;
	oc_buf_init(&h->rbuf, RBUF_MAX);
}

int oc_http_set_server(struct oc_http *h, const char *host, int port)
{
	char *copy;

	if (!host || !*host || port <= 0 || port > 65535)
		return -EINVAL;
	if (h->host && !strcasecmp(h->host, host) && h->port == port)
		return 0;
	copy = strdup(host);
	if (!copy)
		return -ENOMEM;
	if (h->host)
		oc_dbg(h->lg, "Moving to %s port %d: dropping connection and "
		       "cookies", host, port);
	oc_http_close(h);
	oc_jar_clear(&h->jar);
	free(h->host);
	h->host = copy;
	h->port = port;
	return 0;
}

void oc_http_close(struct oc_http *h)
{
	oc_tls_close(h->conn);
	h->conn = NULL;
	/* Bytes read ahead belong to the old connection. */
	oc_buf_reset(&h->rbuf);
}

void oc_http_free(struct oc_http *h)
{
	oc_http_close(h);
	oc_jar_clear(&h->jar);
	oc_buf_free(&h->rbuf);
	free(h->host);
	free(h->useragent);
	h->host = NULL;
	h->useragent = NULL;
}

/* Printable ASCII without spaces: what may go into a request line. */
static int word_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A header value: no control characters (no CR or LF to inject). */
static int value_ok(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

static void append_host(struct oc_text *t, const char *host, int port)
{
	if (strchr(host, ':'))
		oc_text_appendf(t, "Host: [%s]", host);
	else
		oc_text_appendf(t, "Host: %s", host);
	if (port != 443)
		oc_text_appendf(t, ":%d", port);
	oc_text_append(t, "\r\n");
}

static int method_has_body(const char *method)
{
	return !strcmp(method, "POST") || !strcmp(method, "PUT");
}

/* The request in @t (secret: it may carry a password); *headlen is where
 * the body starts. */
static int build_request(struct oc_http *h, struct oc_text *t,
			 const char *method, const char *path,
			 const char *ctype, const char *body, size_t bodylen,
			 size_t *headlen)
{
	const char *ua = h->useragent ? h->useragent : DEFAULT_UA;

	if (!ctype)
		ctype = "application/x-www-form-urlencoded";
	if (!h->host || !word_ok(method) || !word_ok(path) || *path != '/' ||
	    !value_ok(ctype) || !value_ok(ua))
		return -EINVAL;
	oc_text_appendf(t, "%s %s HTTP/1.1\r\n", method, path);
	append_host(t, h->host, h->port);
	oc_text_appendf(t, "User-Agent: %s\r\n", ua);
	oc_text_append(t, "Connection: Keep-Alive\r\n");
	if (h->jar.n) {
		oc_text_append(t, "Cookie: ");
		oc_jar_header(&h->jar, t);
		oc_text_append(t, "\r\n");
	}
	if (body)
		oc_text_appendf(t, "Content-Type: %s\r\n"
				"Content-Length: %zu\r\n", ctype, bodylen);
	else if (method_has_body(method))
		oc_text_append(t, "Content-Length: 0\r\n");
	oc_text_append(t, "\r\n");
	*headlen = t->len;
	if (body && bodylen)
		oc_text_append_len(t, body, bodylen);
	return oc_text_error(t);
}

/* ---- Logging and --dump-http-traffic ------------------------------------ */

/* @path with its query string redacted (it may carry cookies). */
static void append_path(struct oc_text *t, const char *path)
{
	size_t n = strcspn(path, "?");

	oc_text_append_len(t, path, n);
	if (path[n]) {
		oc_text_append(t, "?");
		oc_redact_form(t, path + n + 1, strlen(path + n + 1));
	}
}

static void log_header(const struct oc_log *lg, char dir, const char *name,
		       const char *value)
{
	struct oc_text t = OC_TEXT_INIT;

	oc_redact_header(&t, name, value);
	oc_dbg(lg, "%c %s", dir, oc_text_str(&t));
	oc_text_free(&t);
}

/* One message per line, as a user would read a packet trace. */
static void log_lines(const struct oc_log *lg, char dir, const char *s,
		      size_t len)
{
	const char *lf;
	size_t n, l;

	while (len) {
		lf = memchr(s, '\n', len);
		n = lf ? (size_t)(lf - s) + 1 : len;
		l = lf ? n - 1 : n;
		if (l && s[l - 1] == '\r')
			l--;
		oc_dbg(lg, "%c %.*s", dir, (int)l, s);
		s += n;
		len -= n;
	}
}

static void log_body(const struct oc_log *lg, char dir, const char *body,
		     size_t len)
{
	struct oc_text t = OC_TEXT_INIT;
	size_t n;

	if (!len)
		return;
	/* Redact the whole body first: a cut could split a secret. */
	oc_redact_body(&t, body, len);
	n = t.len > DUMP_BODY_MAX ? DUMP_BODY_MAX : t.len;
	log_lines(lg, dir, oc_text_str(&t), n);
	if (t.len > n)
		oc_dbg(lg, "%c ... (%zu more bytes)", dir, t.len - n);
	oc_text_free(&t);
}

/* The header lines of our request (after the request line). */
static void log_request_headers(const struct oc_log *lg, const char *p,
				const char *end)
{
	const char *lf, *colon;
	char *line;

	for (; p < end; p = lf + 2) {
		lf = memchr(p, '\r', (size_t)(end - p));
		if (!lf || lf == p)
			break;
		line = strndup(p, (size_t)(lf - p));
		if (!line)
			break;
		colon = strchr(line, ':');
		if (colon) {
			line[colon - line] = '\0';
			log_header(lg, '>', line, colon + 2);
		}
		oc_free_str_secret(line);
	}
}

static void log_request(struct oc_http *h, const char *method,
			const char *path, const struct oc_text *req,
			size_t headlen)
{
	struct oc_text t = OC_TEXT_INIT;
	const char *s = oc_text_str(req), *eol;

	if (!oc_log_on(h->lg, PRG_DEBUG))
		return;
	append_path(&t, path);
	oc_dbg(h->lg, "%s %s", method, oc_text_str(&t));
	if (h->dump) {
		oc_dbg(h->lg, "> %s %s HTTP/1.1", method, oc_text_str(&t));
		eol = strstr(s, "\r\n");
		if (eol)
			log_request_headers(h->lg, eol + 2, s + headlen);
		log_body(h->lg, '>', s + headlen, req->len - headlen);
	}
	oc_text_free(&t);
}

static void log_response(struct oc_http *h, const struct reader *r,
			 const struct oc_http_resp *resp)
{
	size_t i;

	if (!oc_log_on(h->lg, PRG_DEBUG))
		return;
	oc_dbg(h->lg, "Got HTTP response: %d", resp->status);
	if (!h->dump)
		return;
	oc_dbg(h->lg, "< %s", r->status_line);
	for (i = 0; i < resp->nhdrs; i++)
		log_header(h->lg, '<', resp->hdrs[i].name,
			   resp->hdrs[i].value);
	log_body(h->lg, '<', (const char *)resp->body.data, resp->body.len);
}

/* ---- Requests ----------------------------------------------------------- */

static ssize_t tls_io_read(void *ctx, void *buf, size_t len, int timeout_ms)
{
	return oc_tls_read_wait(ctx, buf, len, timeout_ms);
}

static int tls_io_write(void *ctx, const void *buf, size_t len,
			int timeout_ms)
{
	return oc_tls_write_all(ctx, buf, len, timeout_ms);
}

static int exchange(struct oc_http *h, const struct oc_text *req, int head,
		    struct oc_http_resp *resp, struct reader *r)
{
	struct oc_http_io tls_io = { tls_io_read, tls_io_write, h->conn };
	struct oc_http_io *io = h->io ? h->io : &tls_io;
	int ret;

	memset(r, 0, sizeof(*r));
	r->lg = h->lg;
	r->io = io;
	r->rb = &h->rbuf;
	r->lim = &h->lim;
	ret = io->write(io->ctx, req->s, req->len, h->lim.timeout_ms);
	if (ret < 0)
		return ret;
	return read_response(r, head, resp);
}

/* Failures that a fresh connection may cure, when nothing came back. */
static int retryable(int err)
{
	return err != -ETIMEDOUT && err != -ECANCELED && err != -ENOMEM &&
	       err != -EINVAL;
}

/*
 * A kept-alive connection may have been closed by the server while idle;
 * that shows as a failure before any byte of the answer, and then the
 * request is sent once more on a new connection.
 */
static int send_request(struct oc_http *h, const struct oc_text *req,
			int head, struct oc_http_resp *resp, struct reader *r)
{
	int attempt, reused, ret = 0;

	if (!h->io && !h->tls)
		return -EINVAL;
	for (attempt = 0; attempt < 2; attempt++) {
		reused = h->conn != NULL;
		if (!h->io && !h->conn) {
			oc_buf_reset(&h->rbuf);
			ret = oc_tls_connect(h->lg, h->tls, h->host, h->port,
					     &h->conn);
			if (ret)
				return ret;
		}
		ret = exchange(h, req, head, resp, r);
		if (!ret || !reused || r->got || !retryable(ret))
			break;
		oc_dbg(h->lg, "Kept-alive connection failed (%s); reconnecting",
		       oc_strerr(ret));
		oc_http_close(h);
	}
	return ret;
}

static void store_cookies(struct oc_http *h, const struct oc_http_resp *resp)
{
	size_t i;

	for (i = 0; i < resp->nhdrs; i++)
		if (!strcasecmp(resp->hdrs[i].name, "Set-Cookie") &&
		    oc_jar_set(&h->jar, resp->hdrs[i].value))
			oc_dbg(h->lg, "Ignoring a Set-Cookie header that is "
			       "malformed or over the limits");
}

static void log_failure(struct oc_http *h, int err)
{
	if (err == -E2BIG)
		oc_err(h->lg, "HTTP response from %s is over the size limit",
		       h->host);
	else if (err == -EBADMSG)
		oc_err(h->lg, "HTTP response from %s is malformed", h->host);
	else
		oc_err(h->lg, "HTTP request to %s failed: %s", h->host,
		       oc_strerr(err));
}

int oc_http_request(struct oc_http *h, const char *method, const char *path,
		    const char *ctype, const char *body, size_t bodylen,
		    struct oc_http_resp *resp)
{
	struct oc_text req = OC_TEXT_INIT;
	size_t headlen = 0;
	struct reader r;
	int ret;

	resp_init(resp, 0);
	req.secret = 1;
	ret = build_request(h, &req, method, path, ctype, body, bodylen,
			    &headlen);
	if (ret) {
		oc_err(h->lg, "Cannot build HTTP request: %s", oc_strerr(ret));
		goto out;
	}
	log_request(h, method, path, &req, headlen);
	ret = send_request(h, &req, !strcasecmp(method, "HEAD"), resp, &r);
	if (ret) {
		log_failure(h, ret);
		oc_http_close(h);
		goto out;
	}
	store_cookies(h, resp);
	log_response(h, &r, resp);
	if (!resp->keep_alive)
		oc_http_close(h);
out:
	oc_text_free(&req);
	return ret;
}

/* ---- Redirects ---------------------------------------------------------- */

static int is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

static int turns_into_get(int status, const char *method)
{
	if (status == 303)
		return strcasecmp(method, "HEAD") != 0;
	return (status == 301 || status == 302) && !strcmp(method, "POST");
}

/* Length of a URI scheme ("https") before a ':' at @s, or 0. */
static size_t scheme_len(const char *s)
{
	size_t i;

	if (!isalpha((unsigned char)*s))
		return 0;
	for (i = 1; isalnum((unsigned char)s[i]) || s[i] == '+' ||
		    s[i] == '-' || s[i] == '.'; i++)
		;
	return s[i] == ':' ? i : 0;
}

static int follow_absolute(struct oc_http *h, const char *url, char **next)
{
	struct oc_url u = { 0 };
	int ret;

	ret = oc_url_parse(url, &u);
	if (ret) {
		oc_err(h->lg, "Cannot follow HTTP redirect: bad location (%s)",
		       oc_strerr(ret));
		return ret;
	}
	if (asprintf(next, "/%s", u.path ? u.path : "") < 0) {
		*next = NULL;
		ret = -ENOMEM;
	} else {
		ret = oc_http_set_server(h, u.host, u.port);
	}
	oc_url_free(&u);
	return ret;
}

/* A reference on the same server: "/abs", "?query" or "rel/ative". */
static int follow_relative(const char *cur, const char *loc, char **next)
{
	size_t dir = 0;

	if (*loc == '?') {
		dir = strcspn(cur, "?");
	} else if (*loc != '/') {
		dir = strcspn(cur, "?");
		while (dir && cur[dir - 1] != '/')
			dir--;
	}
	*next = malloc(dir + strlen(loc) + 1);
	if (!*next)
		return -ENOMEM;
	memcpy(*next, cur, dir);
	strcpy(*next + dir, loc);
	return 0;
}

static int location_ok(const char *loc)
{
	if (!*loc)
		return 0;
	for (; *loc; loc++)
		if ((unsigned char)*loc <= 0x20 || *loc == 0x7f)
			return 0;
	return 1;
}

/* Sets *next (malloc'ed) to the path @loc points to from @cur, moving @h
 * to another server when it says so. */
static int follow_location(struct oc_http *h, const char *cur,
			   const char *loc, char **next)
{
	size_t slen = scheme_len(loc);
	char *url = NULL;
	int ret;

	*next = NULL;
	if (!location_ok(loc)) {
		oc_err(h->lg, "Cannot follow HTTP redirect: bad location");
		return -EBADMSG;
	}
	if (slen && (slen != 5 || strncasecmp(loc, "https", 5))) {
		oc_err(h->lg, "Refusing to follow a redirect to a %.*s: URL; "
		       "only https is allowed", (int)(slen > 16 ? 16 : slen),
		       loc);
		return -EPROTONOSUPPORT;
	}
	if (slen)
		ret = follow_absolute(h, loc, next);
	else if (loc[0] == '/' && loc[1] == '/')
		ret = asprintf(&url, "https:%s", loc) < 0 ? -ENOMEM :
		      follow_absolute(h, url, next);
	else
		ret = follow_relative(cur, loc, next);
	free(url);
	if (ret) {
		free(*next);
		*next = NULL;
	} else {
		(*next)[strcspn(*next, "#")] = '\0';
	}
	return ret;
}

static void log_redirect(struct oc_http *h, int status, const char *path)
{
	struct oc_text t = OC_TEXT_INIT;

	if (!oc_log_on(h->lg, PRG_DEBUG))
		return;
	append_path(&t, path);
	oc_dbg(h->lg, "HTTP %d: redirected to %s port %d, %s", status,
	       h->host, h->port, oc_text_str(&t));
	oc_text_free(&t);
}

struct req_args {
	const char *method;
	const char *ctype;
	const char *body;
	size_t bodylen;
};

/* Moves *cur (and maybe @h) to where @loc points; a 303, or a 301/302
 * answering a POST, turns the next request into a GET. */
static int next_hop(struct oc_http *h, int status, const char *loc,
		    char **cur, struct req_args *a)
{
	char *next;
	int ret;

	ret = follow_location(h, *cur, loc, &next);
	if (ret)
		return ret;
	log_redirect(h, status, next);
	if (turns_into_get(status, a->method)) {
		a->method = "GET";
		a->body = a->ctype = NULL;
		a->bodylen = 0;
	}
	free(*cur);
	*cur = next;
	return 0;
}

int oc_http_fetch(struct oc_http *h, const char *method, const char *path,
		  const char *ctype, const char *body, size_t bodylen,
		  struct oc_http_resp *resp, char **final_path)
{
	struct req_args a = { method, ctype, body, bodylen };
	const char *loc;
	unsigned int hops;
	char *cur;
	int ret;

	if (final_path)
		*final_path = NULL;
	cur = strdup(path);
	if (!cur) {
		resp_init(resp, 0);
		return -ENOMEM;
	}
	for (hops = 0;; hops++) {
		ret = oc_http_request(h, a.method, cur, a.ctype, a.body,
				      a.bodylen, resp);
		if (ret)
			goto out;
		loc = oc_http_header(resp, "Location");
		if (!is_redirect(resp->status) || !loc)
			break;
		if (hops == OC_HTTP_MAX_REDIRECTS) {
			oc_err(h->lg, "Too many HTTP redirects (more than %d)",
			       OC_HTTP_MAX_REDIRECTS);
			ret = -ELOOP;
		} else {
			ret = next_hop(h, resp->status, loc, &cur, &a);
		}
		oc_http_resp_free(resp);
		if (ret)
			goto out;
	}
	if (final_path) {
		*final_path = cur;
		cur = NULL;
	}
out:
	free(cur);
	return ret;
}
