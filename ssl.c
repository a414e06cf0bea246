/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TCP connect, certificate pins and the trust policy; the part of the TLS
 * layer that does not depend on the TLS library (see tls.h).
 */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "clock.h"
#include "log.h"
#include "num.h"
#include "tls.h"
#include "url.h"

#define DEFAULT_TIMEOUT_MS	30000
/* Upper bound on the retries of one blocking read or write. */
#define MAX_IO_ROUNDS		100000

void oc_tls_conf_init(struct oc_tls_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->system_trust = 1;
	c->cancel_fd = -1;
}

void oc_tls_conf_free(struct oc_tls_conf *c)
{
	free(c->cafile);
	free(c->cert);
	free(c->key);
	oc_secret_clear(&c->key_password);
	free(c->sni);
	free(c->pin);
	free(c->accepted_pin);
	free(c->resolve_host);
	free(c->resolve_ip);
	oc_proxy_free(&c->proxy);
	oc_der_chain_free(c->peer_chain, c->peer_chain_n);
	c->peer_chain = NULL;
	c->peer_chain_n = 0;
	c->cafile = c->cert = c->key = NULL;
	c->sni = c->pin = c->accepted_pin = NULL;
	c->resolve_host = c->resolve_ip = NULL;
}

/* ---- Waiting --------------------------------------------------------- */

static int64_t deadline_after(int timeout_ms)
{
	if (timeout_ms <= 0)
		timeout_ms = DEFAULT_TIMEOUT_MS;
	return oc_now_ms() + timeout_ms;
}

static int ms_until(int64_t deadline_ms)
{
	int64_t left = deadline_ms - oc_now_ms();

	if (left < 0)
		return 0;
	/* Leaves room for the + 1 of a caller that needs a non-zero time. */
	return left > 0x7ffffffe ? 0x7ffffffe : (int)left;
}

int oc_tls_wait_fd(int fd, int want_write, int cancel_fd,
		   int64_t deadline_ms)
{
	struct pollfd p[2];
	nfds_t n = 1;
	int r;

	p[0].fd = fd;
	p[0].events = want_write ? POLLOUT : POLLIN;
	if (cancel_fd >= 0) {
		p[1].fd = cancel_fd;
		p[1].events = POLLIN;
		n = 2;
	}
	do {
		p[0].revents = p[1].revents = 0;
		r = poll(p, n, ms_until(deadline_ms));
	} while (r < 0 && errno == EINTR && ms_until(deadline_ms) > 0);

	if (r < 0)
		return errno == EINTR ? -ETIMEDOUT : -errno;
	/* A poll that ran out is the timeout whatever the clock says, so a
	 * clock replaced by a test cannot make this spin. */
	if (r == 0)
		return -ETIMEDOUT;
	if (n == 2 && p[1].revents)
		return -ECANCELED;
	return 0;
}

/* ---- TCP --------------------------------------------------------------- */

static void format_addr(const struct sockaddr *sa, char *out, size_t outlen)
{
	char ip[INET6_ADDRSTRLEN];
	const void *a;
	int port;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		a = &s6->sin6_addr;
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		a = &s4->sin_addr;
		port = ntohs(s4->sin_port);
	}
	if (!inet_ntop(sa->sa_family, a, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	if (sa->sa_family == AF_INET6)
		snprintf(out, outlen, "[%s]:%d", ip, port);
	else
		snprintf(out, outlen, "%s:%d", ip, port);
}

int oc_host_unbracket(const char *host, char *out, size_t outlen)
{
	size_t len = strlen(host);

	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		host++;
		len -= 2;
	}
	if (!len || len >= outlen)
		return -EINVAL;
	memcpy(out, host, len);
	out[len] = '\0';
	return 0;
}

/* Names the address to look up: the --resolve IP, or @host without the
 * brackets of an IPv6 literal. */
static int lookup_name(const struct oc_tls_conf *conf, const char *host,
		       char *out, size_t outlen, int *numeric)
{
	*numeric = 0;
	if (conf->resolve_host && conf->resolve_ip &&
	    !strcasecmp(conf->resolve_host, host)) {
		host = conf->resolve_ip;
		*numeric = 1;
	}
	return oc_host_unbracket(host, out, outlen);
}

static int resolve(const struct oc_log *lg, const struct oc_tls_conf *conf,
		   const char *host, int port, struct addrinfo **res)
{
	struct addrinfo hints;
	char name[256], serv[8];
	int numeric, r;

	if (port <= 0 || port > 65535 ||
	    lookup_name(conf, host, name, sizeof(name), &numeric)) {
		oc_err(lg, "Invalid server address %s port %d", host, port);
		return -EINVAL;
	}
	snprintf(serv, sizeof(serv), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
	r = conf->gai ? conf->gai(conf->cb_priv, name, serv, &hints, res) :
			getaddrinfo(name, serv, &hints, res);
	if (r == EAI_SYSTEM && errno == ENOMEM)
		return -ENOMEM;
	if (r) {
		oc_err(lg, "Failed to resolve host %s: %s", name,
		       gai_strerror(r));
		return -EHOSTUNREACH;
	}
	return 0;
}

/* One non-blocking connect, waited for until @deadline_ms. Returns the
 * socket or a negative errno. */
static int connect_one(const struct oc_tls_conf *conf,
		       const struct addrinfo *ai, int64_t deadline_ms)
{
	socklen_t elen = sizeof(int);
	int fd, ret, soerr = 0;

	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (conf->protect)
		conf->protect(conf->cb_priv, fd);
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
		return fd;
	if (errno != EINPROGRESS) {
		ret = -errno;
		goto out;
	}
	ret = oc_tls_wait_fd(fd, 1, conf->cancel_fd, deadline_ms);
	if (ret)
		goto out;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
		soerr = errno;
	if (!soerr)
		return fd;
	ret = -soerr;
out:
	close(fd);
	return ret;
}

static int count_addrs(const struct addrinfo *ai)
{
	int n = 0;

	for (; ai; ai = ai->ai_next)
		n++;
	return n;
}

/* Tries each address in turn. Each gets an equal share of the time left,
 * so one address that drops packets does not starve the others. */
static int connect_any(const struct oc_log *lg,
		       const struct oc_tls_conf *conf,
		       const struct addrinfo *list, int64_t deadline_ms,
		       struct sockaddr_storage *peer, socklen_t *peerlen)
{
	const struct addrinfo *ai;
	int left = count_addrs(list), ret = -EHOSTUNREACH;
	char addr[INET6_ADDRSTRLEN + 10];

	for (ai = list; ai; ai = ai->ai_next, left--) {
		int64_t now = oc_now_ms();
		int64_t share = now + (deadline_ms - now) / left;

		format_addr(ai->ai_addr, addr, sizeof(addr));
		oc_dbg(lg, "Connecting to %s", addr);
		ret = connect_one(conf, ai, ai->ai_next ? share : deadline_ms);
		if (ret >= 0) {
			if (peer && ai->ai_addrlen <= sizeof(*peer)) {
				memcpy(peer, ai->ai_addr, ai->ai_addrlen);
				if (peerlen)
					*peerlen = ai->ai_addrlen;
			}
			return ret;
		}
		oc_dbg(lg, "Connecting to %s failed: %s", addr,
		       oc_strerr(ret));
		if (ret == -ECANCELED || ret == -ENOMEM)
			break;
	}
	return ret;
}

int oc_tcp_connect(const struct oc_log *lg, const struct oc_tls_conf *conf,
		   const char *host, int port,
		   struct sockaddr_storage *peer, socklen_t *peerlen)
{
	int64_t deadline = deadline_after(conf->timeout_ms);
	struct addrinfo *res = NULL;
	int ret;

	ret = resolve(lg, conf, host, port, &res);
	if (ret)
		return ret;
	ret = connect_any(lg, conf, res, deadline, peer, peerlen);
	freeaddrinfo(res);
	if (ret == -ECANCELED)
		oc_info(lg, "Connecting to %s cancelled", host);
	else if (ret < 0)
		oc_err(lg, "Failed to connect to %s port %d: %s", host, port,
		       oc_strerr(ret));
	return ret;
}

/* ---- Pins ------------------------------------------------------------- */

enum pin_kind { PIN_SPKI, PIN_SHA256, PIN_SHA1 };

static const struct pin_form {
	const char *prefix;
	enum pin_kind kind;
	size_t hashlen;
} pin_forms[] = {
	{ OC_PIN_SHA256_PREFIX, PIN_SPKI, 32 },
	{ "sha256:", PIN_SHA256, 32 },
	{ "sha1:", PIN_SHA1, 20 },
};

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Base64 of a 32-byte hash is 43 characters and one '=': the pad may only
 * end a full pin. */
static int check_b64(const char *v, size_t len, unsigned int *bits)
{
	size_t i;

	if (len > 44)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!is_b64(v[i]) && !(i == 43 && v[i] == '='))
			return -EINVAL;
	*bits = len >= 43 ? 256 : 6 * (unsigned int)len;
	return 0;
}

static int check_hex(const char *v, size_t len, size_t hashlen,
		     unsigned int *bits)
{
	size_t i;

	if (len > 2 * hashlen)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!is_hex(v[i]))
			return -EINVAL;
	*bits = 4 * (unsigned int)len;
	return 0;
}

/* Finds the form of @pin and checks its value; *val points past the
 * prefix. The prefixes are matched in either case. */
static int parse_pin(const char *pin, const struct pin_form **form,
		     const char **val, unsigned int *bits)
{
	size_t i, len;
	int ret;

	if (!pin)
		return -EINVAL;
	for (i = 0; i < sizeof(pin_forms) / sizeof(pin_forms[0]); i++) {
		const struct pin_form *f = &pin_forms[i];
		size_t plen = strlen(f->prefix);

		if (strncasecmp(pin, f->prefix, plen))
			continue;
		*form = f;
		*val = pin + plen;
		len = strlen(*val);
		if (!len)
			return -EINVAL;
		if (f->kind == PIN_SPKI)
			ret = check_b64(*val, len, bits);
		else
			ret = check_hex(*val, len, f->hashlen, bits);
		return ret;
	}
	return -EINVAL;
}

int oc_pin_parse(const char *pin, unsigned int *bits)
{
	const struct pin_form *form;
	const char *val;
	unsigned int b = 0;
	int ret;

	ret = parse_pin(pin, &form, &val, &b);
	if (!ret && bits)
		*bits = b;
	return ret;
}

int oc_pin_check(const char *pin, const struct oc_cert_ids *ids)
{
	const struct pin_form *form;
	const unsigned char *hash;
	char enc[2 * 32 + 1];
	const char *val;
	unsigned int bits;
	size_t len;
	int ret;

	ret = parse_pin(pin, &form, &val, &bits);
	if (ret)
		return ret;
	len = strlen(val);
	if (form->kind == PIN_SPKI) {
		oc_base64_encode(ids->spki_sha256, 32, enc);
		return strncmp(val, enc, len) ? 1 : 0;
	}
	hash = form->kind == PIN_SHA256 ? ids->der_sha256 : ids->der_sha1;
	oc_hex_encode(hash, form->hashlen, enc);
	return strncasecmp(val, enc, len) ? 1 : 0;
}

void oc_pin_format(const struct oc_cert_ids *ids, char out[OC_PIN_LEN])
{
	size_t plen = strlen(OC_PIN_SHA256_PREFIX);

	memcpy(out, OC_PIN_SHA256_PREFIX, plen);
	oc_base64_encode(ids->spki_sha256, 32, out + plen);
}

/* ---- Trust policy --------------------------------------------------- */

static int check_servercert(const struct oc_log *lg,
			    const struct oc_tls_conf *conf, const char *host)
{
	int ret = oc_pin_check(conf->pin, &conf->peer);

	if (ret < 0) {
		oc_err(lg, "Invalid --servercert pin %s", conf->pin);
		return -EINVAL;
	}
	if (ret) {
		oc_err(lg, "Certificate of %s does not match --servercert %s; "
		       "the server's is %s", host, conf->pin, conf->peer_pin);
		return -EPERM;
	}
	oc_dbg(lg, "Certificate of %s matches --servercert", host);
	return 0;
}

static int ask_user(const struct oc_log *lg, struct oc_tls_conf *conf,
		    const char *host, const char *reason)
{
	char *pin;

	if (!conf->validate || conf->validate(conf->cb_priv, reason)) {
		oc_err(lg, "Certificate of %s is not trusted: %s. To trust it, "
		       "use --servercert %s", host, reason, conf->peer_pin);
		return -EPERM;
	}
	pin = strdup(conf->peer_pin);
	if (!pin)
		return -ENOMEM;
	free(conf->accepted_pin);
	conf->accepted_pin = pin;
	oc_info(lg, "Certificate of %s accepted by the user (%s)", host, pin);
	return 0;
}

/* The policy of tls.h, in its order; conf->peer is filled in. */
static int apply_trust(const struct oc_log *lg, struct oc_tls_conf *conf,
		       const char *host, const struct oc_tls_verdict *v)
{
	if (conf->pin)
		return check_servercert(lg, conf, host);
	if (conf->accepted_pin && !strcmp(conf->accepted_pin, conf->peer_pin)) {
		oc_dbg(lg, "Certificate of %s was accepted before", host);
		return 0;
	}
	if (v->verified) {
		oc_dbg(lg, "Certificate of %s verified", host);
		return 0;
	}
	return ask_user(lg, conf, host, v->reason[0] ? v->reason :
			"certificate verification failed");
}

/* Keeps the numeric address of the server, for the vpnc-script and for
 * --authenticate's RESOLVE. */
static void note_peer_addr(struct oc_tls_conf *conf,
			   const struct sockaddr_storage *ss)
{
	const void *addr = NULL;

	if (ss->ss_family == AF_INET)
		addr = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		addr = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (!addr || !inet_ntop(ss->ss_family, addr, conf->peer_ip,
				sizeof(conf->peer_ip)))
		conf->peer_ip[0] = '\0';
}

/* Through a proxy the TCP peer is the proxy: the server's own address
 * (for ESP, the vpnc-script and RESOLVE) is what @host resolves to here,
 * or none when it does not (then ESP is not tried). */
static void note_server_addr(const struct oc_log *lg,
			     struct oc_tls_conf *conf, const char *host)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	char name[256];
	int numeric;

	conf->peer_ip[0] = '\0';
	if (lookup_name(conf, host, name, sizeof(name), &numeric))
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = numeric ? AI_NUMERICHOST : 0;
	if ((conf->gai ? conf->gai(conf->cb_priv, name, NULL, &hints, &res) :
			 getaddrinfo(name, NULL, &hints, &res)) || !res ||
	    res->ai_addrlen > sizeof(ss)) {
		oc_dbg(lg, "%s does not resolve here: no ESP past the proxy",
		       host);
		if (res)
			freeaddrinfo(res);
		return;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	note_peer_addr(conf, &ss);
}

static int connect_proxy(const struct oc_log *lg, struct oc_tls_conf *conf,
			 const struct oc_proxy *p, const char *host, int port,
			 int64_t deadline)
{
	struct sockaddr_storage peer;
	socklen_t peerlen = sizeof(peer);
	int fd, ret;

	oc_dbg(lg, "Connecting to %s through the %s proxy %s port %d", host,
	       p->type == OC_PROXY_SOCKS5 ? "SOCKS5" : "HTTP", p->host,
	       p->port);
	fd = oc_tcp_connect(lg, conf, p->host, p->port, &peer, &peerlen);
	if (fd < 0)
		return fd;
	ret = oc_proxy_handshake(lg, p, fd, host, port, conf->cancel_fd,
				 deadline);
	if (ret) {
		close(fd);
		return ret;
	}
	note_server_addr(lg, conf, host);
	return fd;
}

/* The kernel's MTU for the route of the connected socket @fd (IP_MTU),
 * the base of the tunnel MTU when the server names none; 0 when unknown. */
static int route_mtu(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	socklen_t len = sizeof(int);
	int mtu = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return 0;
	if (ss.ss_family == AF_INET6) {
		if (getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &len))
			return 0;
	} else if (getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len)) {
		return 0;
	}
	return mtu > 0 ? mtu : 0;
}

/* A TCP connection to @host: straight, or through the configured or the
 * system's proxy. */
static int connect_server(const struct oc_log *lg, struct oc_tls_conf *conf,
			  const char *host, int port, int64_t deadline)
{
	struct sockaddr_storage peer;
	socklen_t peerlen = sizeof(peer);
	struct oc_proxy sys = { 0 };
	char *url;
	int fd;

	if (conf->proxy.type != OC_PROXY_NONE)
		return connect_proxy(lg, conf, &conf->proxy, host, port,
				     deadline);
	if (conf->proxy_auto) {
		url = oc_url_format(host, port, "");
		fd = url ? oc_proxy_auto(lg, url, &sys) : -ENOMEM;
		free(url);
		if (fd < 0)
			return fd;
		if (!fd) {
			fd = connect_proxy(lg, conf, &sys, host, port,
					   deadline);
			oc_proxy_free(&sys);
			return fd;
		}
	}
	fd = oc_tcp_connect(lg, conf, host, port, &peer, &peerlen);
	if (fd >= 0)
		note_peer_addr(conf, &peer);
	return fd;
}

void oc_der_chain_free(struct oc_der *chain, int n)
{
	int i;

	for (i = 0; chain && i < n; i++)
		free(chain[i].data);
	free(chain);
}

/* The server's certificates stay readable (openconnect_get_peer_cert_*)
 * from the trust decision, the user's callback included, until the next
 * connection. */
static void keep_chain(struct oc_tls_conf *conf, const struct oc_tls *t)
{
	oc_der_chain_free(conf->peer_chain, conf->peer_chain_n);
	conf->peer_chain = NULL;
	conf->peer_chain_n = 0;
	if (oc_tls_peer_chain(t, &conf->peer_chain, &conf->peer_chain_n))
		conf->peer_chain_n = 0;
}

int oc_tls_connect(const struct oc_log *lg, struct oc_tls_conf *conf,
		   const char *host, int port, struct oc_tls **out)
{
	int64_t deadline = deadline_after(conf->timeout_ms);
	struct oc_tls_verdict verdict;
	struct oc_cert_ids ids;
	struct oc_tls *t = NULL;
	int fd, ret;

	*out = NULL;
	if (conf->pin && oc_pin_parse(conf->pin, NULL)) {
		oc_err(lg, "Invalid --servercert pin %s: expected "
		       "pin-sha256:BASE64, sha256:HEX or sha1:HEX", conf->pin);
		return -EINVAL;
	}
	fd = connect_server(lg, conf, host, port, deadline);
	if (fd < 0)
		return fd;
	/* Through a proxy this is the route to the proxy: the same link on
	 * most machines, and better than a guess. */
	conf->path_mtu = route_mtu(fd);
	memset(&verdict, 0, sizeof(verdict));
	/* The handshake gets what the TCP connect left of the timeout. */
	ret = oc_tls_backend_handshake(lg, conf, host, fd,
				       ms_until(deadline) + 1, &t, &ids,
				       &verdict);
	if (ret) {
		close(fd);
		return ret;
	}
	conf->peer = ids;
	oc_pin_format(&ids, conf->peer_pin);
	conf->have_peer = 1;
	keep_chain(conf, t);
	ret = apply_trust(lg, conf, host, &verdict);
	if (ret) {
		oc_tls_close(t);
		return ret;
	}
	*out = t;
	return 0;
}

/* ---- Blocking I/O ----------------------------------------------------- */

ssize_t oc_tls_read_wait(struct oc_tls *t, void *buf, size_t len,
			 int timeout_ms)
{
	int64_t deadline = deadline_after(timeout_ms);
	ssize_t n = -ETIMEDOUT;
	int i, ret;

	/* Reading first drains what the backend already decrypted, which
	 * poll() on the socket cannot see. */
	for (i = 0; i < MAX_IO_ROUNDS; i++) {
		n = oc_tls_read(t, buf, len);
		if (n != -EAGAIN)
			return n;
		ret = oc_tls_wait_fd(oc_tls_fd(t),
				     oc_tls_backend_wants_write(t),
				     oc_tls_backend_cancel_fd(t), deadline);
		if (ret)
			return ret;
	}
	return -ETIMEDOUT;
}

int oc_tls_write_all(struct oc_tls *t, const void *buf, size_t len,
		     int timeout_ms)
{
	int64_t deadline = deadline_after(timeout_ms);
	const unsigned char *p = buf;
	ssize_t n;
	int i, ret;

	for (i = 0; len && i < MAX_IO_ROUNDS; i++) {
		n = oc_tls_write(t, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n != -EAGAIN)
			return n ? (int)n : -EIO;
		ret = oc_tls_wait_fd(oc_tls_fd(t),
				     oc_tls_backend_wants_write(t),
				     oc_tls_backend_cancel_fd(t), deadline);
		if (ret)
			return ret;
	}
	return len ? -ETIMEDOUT : 0;
}
