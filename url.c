/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "num.h"
#include "secret.h"
#include "url.h"

#define URL_DEFAULT_PORT	443
#define URL_MAX_HOST		255

/* ---- Server URLs ------------------------------------------------------- */

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a leading "scheme://" (RFC 3986 scheme syntax), else 0. */
static size_t scheme_len(const char *in)
{
	size_t i = 0;

	if (!is_alpha(in[0]))
		return 0;
	while (is_alpha(in[i]) || is_digit(in[i]) || in[i] == '+' ||
	       in[i] == '-' || in[i] == '.')
		i++;
	return strncmp(in + i, "://", 3) ? 0 : i;
}

static int dns_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

/* A DNS name (no empty label, one trailing dot allowed) or IPv4 literal. */
static int valid_host(const char *h)
{
	struct in_addr a4;
	size_t i, len = strlen(h);
	int numeric = 1;

	if (!len || len > URL_MAX_HOST || h[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (!dns_char(h[i]))
			return 0;
		if (h[i] == '.' && h[i + 1] == '.')
			return 0;
		if (h[i] != '.' && !is_digit(h[i]))
			numeric = 0;
	}
	/* All digits and dots can only be meant as an IPv4 address. */
	return !numeric || inet_pton(AF_INET, h, &a4) == 1;
}

static int valid_ipv6(const char *h)
{
	struct in6_addr a6;

	return inet_pton(AF_INET6, h, &a6) == 1;
}

static int parse_port(const char *s, int *port)
{
	return oc_parse_int(s, 1, 65535, port) ? -EINVAL : 0;
}

/* "[v6]" or "[v6]:port", in a writable copy of the authority. */
static int parse_bracketed(char *auth, struct oc_url *u)
{
	char *end = strchr(auth, ']');

	if (!end)
		return -EINVAL;
	*end = '\0';
	if (!valid_ipv6(auth + 1))
		return -EINVAL;
	if (end[1] == ':') {
		if (parse_port(end + 2, &u->port))
			return -EINVAL;
	} else if (end[1]) {
		return -EINVAL;
	}
	u->host = strdup(auth + 1);
	return u->host ? 0 : -ENOMEM;
}

/* "host", "host:port" or a bare IPv6 literal. */
static int parse_plain(char *auth, struct oc_url *u)
{
	char *colon = strchr(auth, ':');

	if (colon && strchr(colon + 1, ':')) {
		if (!valid_ipv6(auth))
			return -EINVAL;
	} else {
		if (colon) {
			*colon = '\0';
			if (parse_port(colon + 1, &u->port))
				return -EINVAL;
		}
		if (!valid_host(auth))
			return -EINVAL;
	}
	u->host = strdup(auth);
	return u->host ? 0 : -ENOMEM;
}

static int parse_authority(const char *in, size_t len, struct oc_url *u)
{
	char *auth;
	int ret;

	if (!len || memchr(in, '@', len))
		return -EINVAL;		/* userinfo is never ours to send */
	auth = strndup(in, len);
	if (!auth)
		return -ENOMEM;
	if (strlen(auth) != len)
		ret = -EINVAL;
	else if (auth[0] == '[')
		ret = parse_bracketed(auth, u);
	else
		ret = parse_plain(auth, u);
	free(auth);
	return ret;
}

int oc_url_parse(const char *in, struct oc_url *u)
{
	const char *slash;
	size_t slen;
	int ret;

	u->host = u->path = NULL;
	u->port = URL_DEFAULT_PORT;
	if (!in)
		return -EINVAL;
	slen = scheme_len(in);
	if (slen) {
		if (slen != 5 || strncasecmp(in, "https", 5))
			return -EPROTONOSUPPORT;
		in += slen + 3;
	}
	slash = strchr(in, '/');
	ret = parse_authority(in, slash ? (size_t)(slash - in) : strlen(in), u);
	if (!ret && slash && slash[1]) {
		u->path = strdup(slash + 1);
		if (!u->path)
			ret = -ENOMEM;
	}
	if (ret)
		oc_url_free(u);
	return ret;
}

void oc_url_free(struct oc_url *u)
{
	free(u->host);
	free(u->path);
	u->host = u->path = NULL;
	u->port = URL_DEFAULT_PORT;
}

char *oc_url_format(const char *host, int port, const char *path)
{
	struct oc_text t = OC_TEXT_INIT;

	if (!host)
		return NULL;
	if (strchr(host, ':'))
		oc_text_appendf(&t, "https://[%s]", host);
	else
		oc_text_appendf(&t, "https://%s", host);
	if (port != URL_DEFAULT_PORT)
		oc_text_appendf(&t, ":%d", port);
	if (path) {
		oc_text_append(&t, "/");
		oc_text_append(&t, path);
	}
	return oc_text_steal(&t);
}

/* ---- Forms ------------------------------------------------------------- */

static int form_safe(unsigned char c)
{
	return is_alpha((char)c) || is_digit((char)c) || c == '-' || c == '_' ||
	       c == '.' || c == '~';
}

void oc_form_encode(struct oc_text *t, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t run;
	char esc[3];

	if (!s)
		return;
	while (*p) {
		for (run = 0; p[run] && form_safe(p[run]); run++)
			;
		oc_text_append_len(t, (const char *)p, run);
		p += run;
		if (!*p)
			break;
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 0x0f];
		oc_text_append_len(t, esc, sizeof(esc));
		p++;
	}
}

void oc_form_add(struct oc_text *t, const char *name, const char *value)
{
	if (t->len)
		oc_text_append_len(t, "&", 1);
	oc_form_encode(t, name);
	oc_text_append_len(t, "=", 1);
	oc_form_encode(t, value);
}

/* Decodes into @out (room for @len + 1); the decoded length or -EINVAL. */
static int form_decode_into(const char *s, size_t len, char *out)
{
	unsigned char c;
	size_t i, o = 0, n;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3 ||
			    oc_hex_decode(s + i + 1, 2, &c, 1, &n))
				return -EINVAL;
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (!c)
			return -EINVAL;	/* would cut the string short */
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

char *oc_form_decode(const char *s, size_t len, int *err)
{
	char *out = NULL;
	int ret = -EINVAL;

	if (!s || len == SIZE_MAX)
		goto out;
	ret = -ENOMEM;
	out = malloc(len + 1);
	if (!out)
		goto out;
	ret = form_decode_into(s, len, out);
	if (ret) {
		oc_wipe(out, len + 1);
		free(out);
		out = NULL;
	}
out:
	if (err)
		*err = ret;
	return out;
}

/* Decodes one "name[=value]" segment and appends it to @form. */
static int form_add_field(struct oc_form *form, const char *seg, size_t len)
{
	const char *eq = memchr(seg, '=', len);
	size_t nlen = eq ? (size_t)(eq - seg) : len;
	struct oc_form_field *f;
	char *name, *value;
	int ret;

	if (form->n >= SIZE_MAX / sizeof(*f) - 1)
		return -ENOMEM;
	f = realloc(form->f, (form->n + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	form->f = f;
	name = oc_form_decode(seg, nlen, &ret);
	if (!name)
		return ret;
	value = eq ? oc_form_decode(eq + 1, len - nlen - 1, &ret) :
		     oc_form_decode("", 0, &ret);
	if (!value) {
		free(name);
		return ret;
	}
	f[form->n].name = name;
	f[form->n].value = value;
	form->n++;
	return 0;
}

int oc_form_parse(const char *s, struct oc_form *form)
{
	const char *amp;
	size_t len;
	int ret = 0;

	form->f = NULL;
	form->n = 0;
	if (!s)
		return -EINVAL;
	while (*s) {
		amp = strchr(s, '&');
		len = amp ? (size_t)(amp - s) : strlen(s);
		if (len) {
			ret = form_add_field(form, s, len);
			if (ret)
				break;
		}
		s += len + (amp ? 1 : 0);
	}
	if (ret)
		oc_form_free(form);
	return ret;
}

const char *oc_form_get(const struct oc_form *form, const char *name)
{
	size_t i;

	for (i = 0; i < form->n; i++)
		if (!strcmp(form->f[i].name, name))
			return form->f[i].value;
	return NULL;
}

void oc_form_free(struct oc_form *form)
{
	size_t i;

	for (i = 0; i < form->n; i++) {
		free(form->f[i].name);
		oc_free_str_secret(form->f[i].value);
	}
	free(form->f);
	form->f = NULL;
	form->n = 0;
}
