/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HTTP CONNECT and SOCKS5 proxies (see proxy-connect.h).
 */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#ifdef HAVE_LIBPROXY
#include <proxy.h>
#endif
#include "buf.h"
#include "num.h"
#include "proxy-connect.h"
#include "tls.h"

#define HTTP_DEFAULT_PORT	80
#define SOCKS_DEFAULT_PORT	1080
#define DEFAULT_UA		"PAN GlobalProtect"

void oc_proxy_clear(struct oc_proxy *p)
{
	free(p->host);
	free(p->user);
	oc_secret_clear(&p->pass);
	p->host = p->user = NULL;
	p->type = OC_PROXY_NONE;
	p->port = 0;
}

void oc_proxy_free(struct oc_proxy *p)
{
	oc_proxy_clear(p);
	free(p->useragent);
	p->useragent = NULL;
	p->no_basic = 0;
}

/* ---- Parsing ------------------------------------------------------------ */

/* Percent-decodes @len bytes of @s into a new string; NULL with *err. */
static char *pct_decode(const char *s, size_t len, int *err)
{
	char *out = malloc(len + 1);
	unsigned char byte;
	size_t i, n = 0;

	if (!out) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			out[n++] = s[i];
			continue;
		}
		if (i + 2 >= len || oc_hex_decode(s + i + 1, 2, &byte, 1, NULL) ||
		    !byte) {
			oc_wipe(out, len + 1);
			free(out);
			*err = -EINVAL;
			return NULL;
		}
		out[n++] = (char)byte;
		i += 2;
	}
	out[n] = '\0';
	return out;
}

static int parse_scheme(const char **s, struct oc_proxy *p)
{
	static const struct {
		const char *prefix;
		enum oc_proxy_type type;
		int port;
	} schemes[] = {
		{ "http://", OC_PROXY_HTTP, HTTP_DEFAULT_PORT },
		{ "socks5://", OC_PROXY_SOCKS5, SOCKS_DEFAULT_PORT },
		{ "socks://", OC_PROXY_SOCKS5, SOCKS_DEFAULT_PORT },
	};
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i].prefix);
		if (!strncasecmp(*s, schemes[i].prefix, n)) {
			*s += n;
			p->type = schemes[i].type;
			p->port = schemes[i].port;
			return 0;
		}
	}
	if (strstr(*s, "://"))
		return -EINVAL;
	p->type = OC_PROXY_HTTP;
	p->port = HTTP_DEFAULT_PORT;
	return 0;
}

static int parse_userinfo(const char *s, size_t len, struct oc_proxy *p)
{
	const char *colon = memchr(s, ':', len);
	size_t ulen = colon ? (size_t)(colon - s) : len;
	char *pass;
	int err = 0;

	if (!ulen)
		return -EINVAL;
	p->user = pct_decode(s, ulen, &err);
	if (!p->user)
		return err;
	if (!colon)
		return 0;
	pass = pct_decode(colon + 1, len - ulen - 1, &err);
	if (!pass)
		return err;
	oc_secret_take(&p->pass, pass);
	return 0;
}

/* HOST[:PORT] up to @end; IPv6 literals in brackets. */
static int parse_hostport(const char *s, const char *end, struct oc_proxy *p)
{
	const char *h = s, *hend, *port = NULL;
	char num[8];
	size_t n;

	if (*s == '[') {
		h = s + 1;
		hend = memchr(h, ']', (size_t)(end - h));
		if (!hend || hend == h)
			return -EINVAL;
		if (hend + 1 < end) {
			if (hend[1] != ':')
				return -EINVAL;
			port = hend + 2;
		}
	} else {
		hend = memchr(s, ':', (size_t)(end - s));
		if (hend)
			port = hend + 1;
		else
			hend = end;
		if (memchr(h, '[', (size_t)(hend - h)) ||
		    memchr(h, ']', (size_t)(hend - h)))
			return -EINVAL;
	}
	if (hend == h)
		return -EINVAL;
	if (port) {
		n = (size_t)(end - port);
		if (!n || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, port, n);
		num[n] = '\0';
		if (oc_parse_int(num, 1, 65535, &p->port))
			return -EINVAL;
	}
	p->host = strndup(h, (size_t)(hend - h));
	return p->host ? 0 : -ENOMEM;
}

int oc_proxy_parse(const char *url, struct oc_proxy *p)
{
	struct oc_proxy n = { 0 };
	const char *s = url, *end, *at;
	int ret;

	if (!url || !*url)
		return -EINVAL;
	ret = parse_scheme(&s, &n);
	if (ret)
		return ret;
	end = s + strcspn(s, "/?#");
	if (*end && strcmp(end, "/"))
		return -EINVAL;
	at = memchr(s, '@', (size_t)(end - s));
	if (at) {
		ret = parse_userinfo(s, (size_t)(at - s), &n);
		s = at + 1;
	}
	if (!ret)
		ret = parse_hostport(s, end, &n);
	if (!ret && strpbrk(n.host, " \t\r\n@"))
		ret = -EINVAL;
	if (ret) {
		oc_proxy_free(&n);
		return ret;
	}
	n.useragent = p->useragent;
	n.no_basic = p->no_basic;
	oc_proxy_clear(p);
	*p = n;
	return 0;
}

/* ---- Blocking exchanges on a non-blocking socket ------------------------ */

struct exch {
	const struct oc_log *lg;
	int fd;
	int cancel_fd;
	int64_t deadline;
};

static int send_all(const struct exch *x, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;
	int ret;

	while (len) {
		n = send(x->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == EPIPE ? -ECONNRESET : -errno;
		ret = oc_tls_wait_fd(x->fd, 1, x->cancel_fd, x->deadline);
		if (ret)
			return ret;
	}
	return 0;
}

/* Reads exactly @len bytes: never more, so nothing of the server's
 * stream is taken. */
static int recv_exact(const struct exch *x, void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t n;
	int ret;

	while (len) {
		n = recv(x->fd, p, len, 0);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (!n)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		ret = oc_tls_wait_fd(x->fd, 0, x->cancel_fd, x->deadline);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- HTTP CONNECT --------------------------------------------------------- */

static int basic_auth(struct oc_text *t, const struct oc_proxy *p)
{
	size_t ulen = strlen(p->user), plen = p->pass.len;
	size_t n = ulen + 1 + plen;
	unsigned char *cred = malloc(n);
	char *b64 = malloc(4 * ((n + 2) / 3) + 1);
	int ret = -ENOMEM;

	if (cred && b64) {
		memcpy(cred, p->user, ulen);
		cred[ulen] = ':';
		if (plen)
			memcpy(cred + ulen + 1, oc_secret_get(&p->pass), plen);
		oc_base64_encode(cred, n, b64);
		oc_text_appendf(t, "Proxy-Authorization: Basic %s\r\n", b64);
		oc_wipe(b64, strlen(b64));
		ret = 0;
	}
	if (cred)
		oc_wipe(cred, n);
	free(cred);
	free(b64);
	return ret;
}

/* The answer's header, byte by byte up to the blank line. */
static int read_http_header(const struct exch *x, char *buf, size_t max)
{
	size_t n = 0;
	int ret;

	while (n + 1 < max) {
		ret = recv_exact(x, buf + n, 1);
		if (ret)
			return ret;
		n++;
		buf[n] = '\0';
		if (n >= 4 && !memcmp(buf + n - 4, "\r\n\r\n", 4))
			return 0;
		if (n >= 2 && !memcmp(buf + n - 2, "\n\n", 2))
			return 0;
	}
	oc_err(x->lg, "The proxy's answer header is longer than %d bytes",
	       OC_PROXY_MAX_HEADER);
	return -EPROTO;
}

static int http_status(const struct exch *x, const char *hdr)
{
	int code = 0;
	size_t len = strcspn(hdr, "\r\n");

	if (strncmp(hdr, "HTTP/1.", 7) || len < 12 || hdr[8] != ' ' ||
	    sscanf(hdr + 9, "%3d", &code) != 1 || code < 100) {
		oc_err(x->lg, "Not an HTTP proxy answer: %.*s",
		       (int)(len > 80 ? 80 : len), hdr);
		return -EPROTO;
	}
	return code;
}

static int http_connect(const struct exch *x, const struct oc_proxy *p,
			const char *host, int port)
{
	int v6 = strchr(host, ':') != NULL;
	struct oc_text req = OC_TEXT_INIT;
	char *hdr = NULL;
	int ret, code;

	req.secret = 1;	/* it may carry the proxy's password */
	oc_text_appendf(&req, "CONNECT %s%s%s:%d HTTP/1.1\r\n"
			"Host: %s%s%s:%d\r\nUser-Agent: %s\r\n",
			v6 ? "[" : "", host, v6 ? "]" : "", port,
			v6 ? "[" : "", host, v6 ? "]" : "", port,
			p->useragent ? p->useragent : DEFAULT_UA);
	ret = p->user && !p->no_basic ? basic_auth(&req, p) : 0;
	oc_text_appendf(&req, "\r\n");
	if (!ret)
		ret = oc_text_error(&req);
	if (!ret)
		ret = send_all(x, oc_text_str(&req), req.len);
	oc_text_free(&req);
	if (ret)
		return ret;
	hdr = malloc(OC_PROXY_MAX_HEADER);
	if (!hdr)
		return -ENOMEM;
	ret = read_http_header(x, hdr, OC_PROXY_MAX_HEADER);
	if (ret)
		goto out;
	code = http_status(x, hdr);
	if (code < 0) {
		ret = code;
	} else if (code == 407) {
		oc_err(x->lg, "The proxy %s wants %s", p->host,
		       p->user && p->no_basic ? "credentials, and Basic authentication is disabled" :
		       p->user ? "other credentials" :
		       "a user name and password (http://USER:PASS@HOST:PORT)");
		ret = -EACCES;
	} else if (code / 100 != 2) {
		oc_err(x->lg, "The proxy %s refused the connection to %s: %.*s",
		       p->host, host, (int)strcspn(hdr + 9, "\r\n"), hdr + 9);
		ret = -ECONNREFUSED;
	} else {
		oc_dbg(x->lg, "Proxy %s connected us to %s", p->host, host);
	}
out:
	free(hdr);
	return ret;
}

/* ---- SOCKS5 --------------------------------------------------------------- */

static const char *socks_reply_text(unsigned char rep)
{
	static const char *const texts[] = {
		"succeeded", "general failure", "not allowed by its rules",
		"network unreachable", "host unreachable",
		"connection refused", "TTL expired", "command not supported",
		"address type not supported",
	};

	return rep < sizeof(texts) / sizeof(texts[0]) ? texts[rep] :
	       "unknown error";
}

static int socks_auth(const struct exch *x, const struct oc_proxy *p)
{
	unsigned char msg[3 + 2 * 255], ans[2];
	size_t ulen = strlen(p->user), plen = p->pass.len, n = 0;
	int ret;

	if (ulen > 255 || plen > 255) {
		oc_err(x->lg, "SOCKS5 user names and passwords are at most 255 bytes");
		return -EINVAL;
	}
	msg[n++] = 1;
	msg[n++] = (unsigned char)ulen;
	memcpy(msg + n, p->user, ulen);
	n += ulen;
	msg[n++] = (unsigned char)plen;
	if (plen)
		memcpy(msg + n, oc_secret_get(&p->pass), plen);
	n += plen;
	ret = send_all(x, msg, n);
	oc_wipe(msg, sizeof(msg));
	if (!ret)
		ret = recv_exact(x, ans, 2);
	if (ret)
		return ret;
	if (ans[1]) {
		oc_err(x->lg, "The SOCKS5 proxy %s refused the user name and password",
		       p->host);
		return -EACCES;
	}
	return 0;
}

static int socks_method(const struct exch *x, const struct oc_proxy *p)
{
	unsigned char hello[4] = { 5, 1, 0, 0 }, ans[2];
	int ret;

	if (p->user) {
		hello[1] = 2;
		hello[3] = 2;
	}
	ret = send_all(x, hello, p->user ? 4 : 3);
	if (!ret)
		ret = recv_exact(x, ans, 2);
	if (ret)
		return ret;
	if (ans[0] != 5) {
		oc_err(x->lg, "%s is not a SOCKS5 proxy", p->host);
		return -EPROTO;
	}
	if (ans[1] == 0)
		return 0;
	if (ans[1] == 2 && p->user)
		return socks_auth(x, p);
	oc_err(x->lg, "The SOCKS5 proxy %s accepts no method we offer%s",
	       p->host, p->user ? "" : " (it may want a user name and password)");
	return -EACCES;
}

/* Skips the bound address of the reply, whose type is @atyp. */
static int socks_skip_addr(const struct exch *x, unsigned char atyp)
{
	unsigned char buf[255 + 2];
	size_t n;
	int ret;

	switch (atyp) {
	case 1:
		n = 4 + 2;
		break;
	case 4:
		n = 16 + 2;
		break;
	case 3:
		ret = recv_exact(x, buf, 1);
		if (ret)
			return ret;
		n = (size_t)buf[0] + 2;
		break;
	default:
		oc_err(x->lg, "Bad SOCKS5 reply (address type %u)", atyp);
		return -EPROTO;
	}
	return recv_exact(x, buf, n);
}

static int socks_connect(const struct exch *x, const struct oc_proxy *p,
			 const char *host, int port)
{
	unsigned char req[4 + 1 + 255 + 2], ans[4];
	size_t hlen = strlen(host), n = 0;
	int ret = socks_method(x, p);

	if (ret)
		return ret;
	if (hlen > 255) {
		oc_err(x->lg, "Host name too long for SOCKS5: %s", host);
		return -EINVAL;
	}
	req[n++] = 5;
	req[n++] = 1;		/* CONNECT */
	req[n++] = 0;
	req[n++] = 3;		/* a name: the proxy resolves it */
	req[n++] = (unsigned char)hlen;
	memcpy(req + n, host, hlen);
	n += hlen;
	req[n++] = (unsigned char)(port >> 8);
	req[n++] = (unsigned char)port;
	ret = send_all(x, req, n);
	if (!ret)
		ret = recv_exact(x, ans, 4);
	if (ret)
		return ret;
	if (ans[0] != 5) {
		oc_err(x->lg, "Bad SOCKS5 reply from %s", p->host);
		return -EPROTO;
	}
	if (ans[1]) {
		oc_err(x->lg, "The SOCKS5 proxy %s could not reach %s: %s",
		       p->host, host, socks_reply_text(ans[1]));
		return -ECONNREFUSED;
	}
	ret = socks_skip_addr(x, ans[3]);
	if (!ret)
		oc_dbg(x->lg, "SOCKS5 proxy %s connected us to %s", p->host,
		       host);
	return ret;
}

int oc_proxy_handshake(const struct oc_log *lg, const struct oc_proxy *p,
		       int fd, const char *host, int port, int cancel_fd,
		       int64_t deadline_ms)
{
	struct exch x = { lg, fd, cancel_fd, deadline_ms };
	int ret;

	ret = p->type == OC_PROXY_SOCKS5 ? socks_connect(&x, p, host, port) :
	      http_connect(&x, p, host, port);
	if (ret == -ETIMEDOUT)
		oc_err(lg, "The proxy %s did not answer in time", p->host);
	else if (ret == -ECONNRESET)
		oc_err(lg, "The proxy %s closed the connection", p->host);
	else if (ret == -ECANCELED)
		oc_info(lg, "Connecting through the proxy cancelled");
	return ret;
}

/* ---- libproxy -------------------------------------------------------------- */

#ifdef HAVE_LIBPROXY
int oc_proxy_auto(const struct oc_log *lg, const char *url,
		  struct oc_proxy *p)
{
	pxProxyFactory *pf = px_proxy_factory_new();
	char **list;
	int i, ret = 1;

	if (!pf)
		return -ENOMEM;
	list = px_proxy_factory_get_proxies(pf, url);
	for (i = 0; list && list[i]; i++) {
		if (!strncmp(list[i], "direct://", 9))
			break;
		if (!oc_proxy_parse(list[i], p)) {
			oc_info(lg, "Using proxy %s:%d for %s", p->host,
				p->port, url);
			ret = 0;
			break;
		}
		oc_dbg(lg, "Skipping proxy of an unsupported kind");
	}
	if (list)
		px_proxy_factory_free_proxies(list);
	px_proxy_factory_free(pf);
	return ret;
}
#else
int oc_proxy_auto(const struct oc_log *lg, const char *url,
		  struct oc_proxy *p)
{
	(void)url;
	(void)p;
	oc_err(lg, "Built without libproxy: give the proxy with --proxy");
	return -ENOTSUP;
}
#endif
