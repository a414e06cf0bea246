/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reaching the VPN server through a proxy: an HTTP proxy (CONNECT,
 * optionally with Basic authentication) or SOCKS5 (RFC 1928, with
 * RFC 1929 user name and password). Only the HTTPS connections go
 * through it; ESP goes straight to the gateway.
 */
#ifndef OC_PROXY_CONNECT_H
#define OC_PROXY_CONNECT_H

#include <stdint.h>
#include "log.h"
#include "secret.h"

enum oc_proxy_type {
	OC_PROXY_NONE,
	OC_PROXY_HTTP,
	OC_PROXY_SOCKS5,
};

struct oc_proxy {
	enum oc_proxy_type type;
	char *host;			/* without brackets */
	int port;
	char *user;			/* NULL: no authentication */
	struct oc_secret pass;
	char *useragent;		/* for CONNECT; NULL: the default */
	int no_basic;			/* never send Basic credentials */
};

/* The longest answer header of an HTTP proxy read. */
#define OC_PROXY_MAX_HEADER	8192

/*
 * Parses "http://[USER[:PASS]@]HOST[:PORT][/]" (port 80 by default),
 * "socks5://..." or "socks://..." (port 1080); USER and PASS are
 * percent-decoded. A bare "HOST[:PORT]" is an HTTP proxy. -EINVAL for
 * anything else, -ENOMEM. Replaces what @p held.
 */
int oc_proxy_parse(const char *url, struct oc_proxy *p);
/* Forgets the proxy, keeping useragent and no_basic. */
void oc_proxy_clear(struct oc_proxy *p);
void oc_proxy_free(struct oc_proxy *p);

/*
 * Asks the proxy connected on @fd (non-blocking) for a tunnel to
 * @host:@port, waiting until @deadline_ms (oc_now_ms clock) or until
 * @cancel_fd is readable. On success the socket carries the server's
 * bytes from the next one on. Errors are logged for the user: -EACCES
 * (authentication needed or refused), -ECONNREFUSED (the proxy refused
 * the destination), -EPROTO (not a proxy answer), -ETIMEDOUT,
 * -ECANCELED, -ECONNRESET.
 */
int oc_proxy_handshake(const struct oc_log *lg, const struct oc_proxy *p,
		       int fd, const char *host, int port, int cancel_fd,
		       int64_t deadline_ms);

/*
 * The proxy for @url from the system's configuration (libproxy): 0 and
 * @p set, 1 for a direct connection, -ENOTSUP without libproxy.
 */
int oc_proxy_auto(const struct oc_log *lg, const char *url,
		  struct oc_proxy *p);

#endif
