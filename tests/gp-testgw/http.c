/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HTTP/1.1 for the test gateway: request heads with Content-Length
 * bodies in, responses with Content-Length out.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw.h"
#include "num.h"

/* Length of the head up to and including its blank line, or 0. Bare LF
 * line ends are accepted too. */
static size_t head_end(const char *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (in[i] != '\n')
			continue;
		if (i + 1 < len && in[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Cuts the next line out of *p, dropping its CR; NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	nl = line + strlen(line);
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	return line;
}

static int is_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 127 || strchr("()<>@,;:\\\"/[]?={}", *s))
			return 0;
	return 1;
}

static int parse_request_line(char *line, struct gw_req *req, int *status)
{
	char *target, *version, *q;

	target = strchr(line, ' ');
	version = target ? strchr(target + 1, ' ') : NULL;
	if (!version || strchr(version + 1, ' '))
		return -EINVAL;
	*target++ = '\0';
	*version++ = '\0';
	if (!is_token(line) || strlen(line) > 15 || target[0] != '/')
		return -EINVAL;
	if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0")) {
		*status = 505;
		return -EPROTONOSUPPORT;
	}
	req->method = line;
	req->keep_alive = !strcmp(version, "HTTP/1.1");
	q = strchr(target, '?');
	if (q)
		*q++ = '\0';
	req->path = target;
	req->query = q ? q : "";
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static int parse_header(char *line, struct gw_req *req, int *status)
{
	char *colon = strchr(line, ':');

	if (!colon || line[0] == ' ' || line[0] == '\t')
		return -EINVAL;
	*colon = '\0';
	if (!is_token(line))
		return -EINVAL;
	if (req->nhdr == GW_MAX_HEADERS) {
		*status = 431;
		return -E2BIG;
	}
	req->hdr[req->nhdr].name = line;
	req->hdr[req->nhdr].value = trim(colon + 1);
	req->nhdr++;
	return 0;
}

/* Whether the comma-separated list @v holds @token (any case). */
static int has_token(const char *v, const char *token)
{
	size_t n = strlen(token);

	while (v && *v) {
		while (*v == ' ' || *v == ',')
			v++;
		if (!strncasecmp(v, token, n) &&
		    (v[n] == '\0' || v[n] == ',' || v[n] == ' '))
			return 1;
		v = strchr(v, ',');
	}
	return 0;
}

static int parse_length(struct gw_req *req, int *status)
{
	const char *seen = NULL;
	uint64_t v;
	size_t i;
	int ret;

	for (i = 0; i < req->nhdr; i++) {
		if (strcasecmp(req->hdr[i].name, "Content-Length"))
			continue;
		if (seen && strcmp(seen, req->hdr[i].value))
			return -EINVAL;
		seen = req->hdr[i].value;
	}
	if (!seen)
		return 0;
	ret = oc_parse_u64(seen, 10, GW_MAX_BODY, &v);
	if (ret == -ERANGE)
		*status = 413;
	if (!ret)
		req->clen = (size_t)v;
	return ret;
}

/* The meaning of the headers we look at. */
static int interpret_headers(struct gw_req *req, int *status)
{
	const char *v;

	if (gw_http_header(req, "Transfer-Encoding")) {
		*status = 501;
		return -EOPNOTSUPP;
	}
	v = gw_http_header(req, "Connection");
	if (has_token(v, "close"))
		req->keep_alive = 0;
	else if (has_token(v, "keep-alive"))
		req->keep_alive = 1;
	req->expect_continue = has_token(gw_http_header(req, "Expect"),
					 "100-continue");
	return parse_length(req, status);
}

static int split_head(struct gw_req *req, int *status)
{
	char *p = req->head, *line;
	int ret;

	line = next_line(&p);
	if (!line)
		return -EINVAL;
	ret = parse_request_line(line, req, status);
	while (!ret && (line = next_line(&p)) && *line)
		ret = parse_header(line, req, status);
	if (!ret)
		ret = interpret_headers(req, status);
	return ret;
}

int gw_http_parse_head(const char *in, size_t len, struct gw_req *req,
		       int *status)
{
	size_t n = head_end(in, len);
	int ret;

	*status = 400;
	if (!n || n > GW_MAX_HEAD) {
		if (!n && len <= GW_MAX_HEAD)
			return 0;
		*status = 431;
		return -E2BIG;
	}
	memset(req, 0, sizeof(*req));
	req->head = malloc(n + 1);
	if (!req->head) {
		*status = 500;
		return -ENOMEM;
	}
	memcpy(req->head, in, n);
	req->head[n] = '\0';
	ret = split_head(req, status);
	if (ret) {
		gw_req_free(req);
		return ret;
	}
	return (int)n;
}

int gw_http_set_body(struct gw_req *req, const char *p, size_t len)
{
	int ret;

	req->body = malloc(len + 1);
	if (!req->body)
		return -ENOMEM;
	memcpy(req->body, p, len);
	req->body[len] = '\0';
	ret = gw_form_parse(req->query, strlen(req->query), &req->qform);
	if (!ret)
		ret = gw_form_parse(req->body, len, &req->form);
	return ret;
}

const char *gw_http_header(const struct gw_req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nhdr; i++)
		if (!strcasecmp(req->hdr[i].name, name))
			return req->hdr[i].value;
	return NULL;
}

/* The value of @name in one "a=b; c=d" header, malloc'ed, or NULL. */
static char *cookie_in(const char *v, const char *name)
{
	size_t n = strlen(name), len;

	while (*v) {
		while (*v == ' ' || *v == ';')
			v++;
		len = strcspn(v, ";");
		if (len > n && !strncmp(v, name, n) && v[n] == '=')
			return strndup(v + n + 1, len - n - 1);
		v += len;
	}
	return NULL;
}

char *gw_http_cookie(const struct gw_req *req, const char *name)
{
	char *val;
	size_t i;

	for (i = 0; i < req->nhdr; i++) {
		if (strcasecmp(req->hdr[i].name, "Cookie"))
			continue;
		val = cookie_in(req->hdr[i].value, name);
		if (val)
			return val;
	}
	return NULL;
}

void gw_req_free(struct gw_req *req)
{
	free(req->head);
	if (req->body)
		oc_free_str_secret(req->body);
	gw_form_free(&req->qform);
	gw_form_free(&req->form);
	memset(req, 0, sizeof(*req));
}

/* ---- Responses --------------------------------------------------------- */

void gw_resp_init(struct gw_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->ctype = "text/plain";
	r->body.secret = 1;
	r->body.max = GW_MAX_OUT;
}

void gw_resp_set(struct gw_resp *r, int status, const char *ctype,
		 const char *body)
{
	r->status = status;
	r->ctype = ctype;
	oc_text_truncate(&r->body, 0);
	oc_text_append(&r->body, body);
}

void gw_resp_outcome(struct gw_resp *r, const char *fmt, ...)
{
	va_list ap;

	oc_text_truncate(&r->outcome, 0);
	va_start(ap, fmt);
	oc_text_vappendf(&r->outcome, fmt, ap);
	va_end(ap);
}

static const char *reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 505: return "HTTP Version Not Supported";
	case 512: return "Custom error";
	default: return "Internal Server Error";
	}
}

void gw_resp_write(const struct gw_resp *r, struct oc_buf *out)
{
	struct oc_text t = OC_TEXT_INIT;

	t.secret = 1;		/* the Set-Cookie value */
	oc_text_appendf(&t, "HTTP/1.1 %d %s\r\n", r->status,
			reason(r->status));
	oc_text_appendf(&t, "Content-Type: %s\r\n", r->ctype);
	oc_text_appendf(&t, "Content-Length: %zu\r\n", r->body.len);
	if (r->set_cookie[0])
		oc_text_appendf(&t, "Set-Cookie: %s\r\n", r->set_cookie);
	oc_text_appendf(&t, "Connection: %s\r\n\r\n",
			r->close ? "close" : "Keep-Alive");
	if (oc_text_error(&t))
		out->err = out->err ? out->err : -ENOMEM;
	else
		oc_buf_put(out, t.s, t.len);
	oc_buf_put(out, oc_text_str(&r->body), r->body.len);
	oc_text_free(&t);
}

void gw_resp_free(struct gw_resp *r)
{
	oc_text_free(&r->body);
	oc_text_free(&r->outcome);
}
