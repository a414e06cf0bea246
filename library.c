/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public interface: session life cycle, setters and getters.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "openconnect-internal.h"
#include "openconnect-priv.h"

int openconnect_init_ssl(void)
{
	return oc_tls_global_init();
}

const char *openconnect_get_version(void)
{
	return PACKAGE_VERSION;
}

const char *openconnect_get_tls_library_version(void)
{
	return oc_tls_library_version();
}

/* Replaces *dst with a copy of @src (NULL clears). */
static int set_str(char **dst, const char *src)
{
	char *copy = NULL;

	if (src) {
		copy = strdup(src);
		if (!copy)
			return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

struct openconnect_info *openconnect_vpninfo_new(const char *useragent,
		openconnect_validate_peer_cert_vfn validate_peer_cert,
		openconnect_write_new_config_vfn write_new_config,
		openconnect_process_auth_form_vfn process_auth_form,
		openconnect_progress_vfn progress, void *privdata)
{
	struct openconnect_info *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	oc_log_init(&v->log, progress, privdata);
	v->srv.port = OC_DEFAULT_PORT;
	oc_tls_conf_init(&v->tls);
	v->tls.validate = validate_peer_cert;
	v->tls.cb_priv = privdata;
	oc_http_init(&v->http, &v->log, &v->tls);
	oc_auth_init(&v->auth);
	oc_ipconf_init(&v->cfg.ip);
	oc_run_init(&v->run);
	v->validate_peer_cert = validate_peer_cert;
	v->write_new_config = write_new_config;
	v->process_auth_form = process_auth_form;
	v->cbdata = privdata;
	if (openconnect_set_useragent(v, useragent)) {
		openconnect_vpninfo_free(v);
		return NULL;
	}
	return v;
}

void openconnect_vpninfo_free(struct openconnect_info *v)
{
	if (!v)
		return;
	oc_http_free(&v->http);
	oc_auth_free(&v->auth);
	oc_run_free(&v->run);
	oc_ipconf_free(&v->cfg.ip);
	gp_config_extra_free(&v->cfg.gpx);
	oc_tls_conf_free(&v->tls);
	free(v->srv.hostname);
	free(v->srv.urlpath);
	free(v->srv.connect_url);
	free(v->useragent);
	free(v);
}

void openconnect_set_loglevel(struct openconnect_info *v, int level)
{
	if (level < PRG_ERR)
		level = PRG_ERR;
	if (level > PRG_TRACE)
		level = PRG_TRACE;
	v->log.level = level;
}

int openconnect_set_protocol(struct openconnect_info *v, const char *proto)
{
	if (proto && !strcasecmp(proto, "gp"))
		return 0;
	oc_err(&v->log, "Unsupported protocol '%s': only 'gp' (GlobalProtect) is available",
	       proto ? proto : "(none)");
	return -EINVAL;
}

const char *openconnect_get_protocol(struct openconnect_info *v)
{
	return "gp";
}

int openconnect_set_hostname(struct openconnect_info *v, const char *host)
{
	int ret = set_str(&v->srv.hostname, host);

	if (!ret)
		ret = oc_http_set_server(&v->http, v->srv.hostname,
					 v->srv.port);
	return ret;
}

const char *openconnect_get_hostname(struct openconnect_info *v)
{
	return v->srv.hostname;
}

const char *openconnect_get_dnsname(struct openconnect_info *v)
{
	return v->srv.hostname;
}

int openconnect_set_urlpath(struct openconnect_info *v, const char *path)
{
	while (path && *path == '/')
		path++;
	return set_str(&v->srv.urlpath, path && *path ? path : NULL);
}

const char *openconnect_get_urlpath(struct openconnect_info *v)
{
	return v->srv.urlpath;
}

int openconnect_get_port(struct openconnect_info *v)
{
	return v->srv.port;
}

int openconnect_parse_url(struct openconnect_info *v, const char *url)
{
	struct oc_url u = { 0 };
	int ret = oc_url_parse(url, &u);

	if (ret == -EPROTONOSUPPORT) {
		oc_err(&v->log, "Only https:// URLs are supported: '%s'", url);
		return ret;
	}
	if (ret) {
		oc_err(&v->log, "Cannot parse server URL '%s'", url);
		return ret;
	}
	v->srv.port = u.port;
	ret = openconnect_set_hostname(v, u.host);
	if (!ret)
		ret = openconnect_set_urlpath(v, u.path);
	oc_url_free(&u);
	return ret;
}

const char *openconnect_get_connect_url(struct openconnect_info *v)
{
	if (!v->srv.hostname)
		return NULL;
	free(v->srv.connect_url);
	v->srv.connect_url = oc_url_format(v->srv.hostname, v->srv.port,
					   v->srv.urlpath);
	return v->srv.connect_url;
}

/* Requests to the VPN server always say "PAN GlobalProtect", as the
 * servers expect; this one goes to proxies. */
int openconnect_set_useragent(struct openconnect_info *v, const char *ua)
{
	return set_str(&v->useragent, ua) ?:
	       set_str(&v->tls.proxy.useragent, ua);
}

/* -P: an http:// or socks5:// proxy URL; NULL: none. */
int openconnect_set_http_proxy(struct openconnect_info *v, const char *proxy)
{
	int ret;

	if (!proxy) {
		oc_proxy_clear(&v->tls.proxy);
		return 0;
	}
	ret = oc_proxy_parse(proxy, &v->tls.proxy);
	if (ret == -EINVAL)
		oc_err(&v->log, "Invalid proxy '%s': expected http://[USER:PASS@]HOST[:PORT] or socks5://...",
		       proxy);
	return ret;
}

/* The authentication methods a proxy may be offered, comma-separated:
 * of them only "basic" exists here. */
int openconnect_set_proxy_auth(struct openconnect_info *v, const char *methods)
{
	const char *p = methods ? methods : "";
	size_t n;
	int basic = 0;

	while (*p) {
		n = strcspn(p, ",");
		if (n == 5 && !strncasecmp(p, "basic", 5))
			basic = 1;
		else if (n)
			oc_dbg(&v->log, "Proxy authentication '%.*s' is not supported",
			       (int)n, p);
		p += n + (p[n] == ',');
	}
	v->tls.proxy.no_basic = !basic;
	return 0;
}

void openconnect_set_libproxy(struct openconnect_info *v, int on)
{
	v->tls.proxy_auto = !!on;
}

int openconnect_set_cafile(struct openconnect_info *v, const char *cafile)
{
	return set_str(&v->tls.cafile, cafile);
}

int openconnect_set_client_cert(struct openconnect_info *v, const char *cert,
				const char *sslkey)
{
	if (!cert && sslkey)
		return -EINVAL;
	return set_str(&v->tls.cert, cert) ?: set_str(&v->tls.key, sslkey);
}

int openconnect_set_key_password(struct openconnect_info *v, const char *pass)
{
	if (!pass) {
		oc_secret_clear(&v->tls.key_password);
		return 0;
	}
	return oc_secret_set_str(&v->tls.key_password, pass);
}

void openconnect_set_system_trust(struct openconnect_info *v, unsigned val)
{
	v->tls.system_trust = !!val;
}

const char *openconnect_get_peer_cert_hash(struct openconnect_info *v)
{
	return v->tls.have_peer ? v->tls.peer_pin : NULL;
}

int openconnect_check_peer_cert_hash(struct openconnect_info *v,
				     const char *old_hash)
{
	if (!v->tls.have_peer)
		return -ENOENT;
	return oc_pin_check(old_hash, &v->tls.peer);
}

/* ---- For the openconnect program (OPENCONNECT_PRIVATE) ---------------- */

/* A --servercert pin; -EINVAL when malformed. */
int openconnect_set_servercert(struct openconnect_info *v, const char *pin)
{
	unsigned int bits;

	if (pin && oc_pin_parse(pin, &bits)) {
		oc_err(&v->log, "Invalid --servercert '%s': expected "
		       "pin-sha256:BASE64, sha256:HEX or sha1:HEX",
		       pin);
		return -EINVAL;
	}
	if (pin && bits < 64)
		oc_info(&v->log, "The --servercert prefix pins only %u bits; a longer one is safer",
			bits);
	return set_str(&v->tls.pin, pin);
}

int openconnect_set_sni(struct openconnect_info *v, const char *sni)
{
	return set_str(&v->tls.sni, sni);
}

/* "HOST:IP": connect to IP whenever HOST is asked for. IP may be an IPv6
 * literal, with or without brackets. */
int openconnect_set_resolve(struct openconnect_info *v, const char *spec)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;
	char *host, *ip;
	size_t iplen;

	if (!colon || colon == spec || !colon[1]) {
		oc_err(&v->log, "Invalid --resolve '%s': expected HOST:IP",
		       spec ? spec : "");
		return -EINVAL;
	}
	host = strndup(spec, colon - spec);
	ip = strdup(colon + 1);
	if (!host || !ip) {
		free(host);
		free(ip);
		return -ENOMEM;
	}
	iplen = strlen(ip);
	if (ip[0] == '[' && iplen > 2 && ip[iplen - 1] == ']') {
		memmove(ip, ip + 1, iplen - 2);
		ip[iplen - 2] = '\0';
	}
	free(v->tls.resolve_host);
	free(v->tls.resolve_ip);
	v->tls.resolve_host = host;
	v->tls.resolve_ip = ip;
	return 0;
}

void openconnect_set_dump_http(struct openconnect_info *v, int dump)
{
	v->http.dump = !!dump;
}

void openconnect_set_timeout(struct openconnect_info *v, int timeout_ms)
{
	v->tls.timeout_ms = timeout_ms;
	v->http.lim.timeout_ms = timeout_ms;
}

/* Connects to the server and applies the certificate checks, so the
 * program can report on the server before any protocol runs. */
int openconnect_probe_server(struct openconnect_info *v)
{
	struct oc_tls *t = NULL;
	int ret;

	if (!v->srv.hostname)
		return -EINVAL;
	ret = oc_tls_connect(&v->log, &v->tls, v->srv.hostname,
			     v->srv.port, &t);
	oc_tls_close(t);
	return ret;
}

const char *openconnect_get_server_ip(struct openconnect_info *v)
{
	return v->tls.peer_ip[0] ? v->tls.peer_ip : NULL;
}
