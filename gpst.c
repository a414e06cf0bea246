/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * getconfig and logout.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gpst.h"

#define GP_GETCONFIG	"/ssl-vpn/getconfig.esp"
#define GP_LOGOUT	"/ssl-vpn/logout.esp"

static int post_form(struct openconnect_info *v, const char *path,
		     const struct oc_text *body, struct oc_http_resp *resp)
{
	const char *b = oc_text_str(body);
	int ret;

	ret = oc_http_fetch(&v->http, "POST", path, NULL, b, strlen(b), resp,
			    NULL);
	if (ret)
		oc_err(&v->log, "Request to %s failed: %s", v->http.host,
		       oc_strerr(ret));
	else if (resp->status != 200)
		oc_dbg(&v->log, "%s answered HTTP %d", path, resp->status);
	return ret;
}

static int getconfig_body(struct openconnect_info *v, struct oc_text *out)
{
	const struct oc_ipconf *cur = &v->cfg.ip;
	struct oc_text fields = OC_TEXT_INIT;
	struct gp_getconfig_req r = { 0 };
	int ret;

	ret = gp_cookie_fields(&v->auth.gpc, &fields);
	if (ret)
		goto out;
	r.cookie_fields = oc_text_str(&fields);
	r.app_version = v->auth.portal_version ? v->auth.portal_version :
			v->auth.version_string;
	r.clientos = v->auth.os->clientos;
	r.os_version = v->auth.os->os_version;
	r.ipv6_support = !v->auth.disable_ipv6;
	if (v->cfg.have_config && cur->addr4.family)
		r.preferred_ip = cur->addr4.str;
	if (v->cfg.have_config && cur->addr6.family)
		r.preferred_ipv6 = cur->addr6.str;
	ret = gp_getconfig_body(&r, out);
out:
	oc_text_free(&fields);
	return ret;
}

static int parse_config(struct openconnect_info *v,
			const struct oc_http_resp *resp,
			struct oc_ipconf *ip, struct gp_config_extra *x)
{
	int ret;

	ret = gp_config_parse(&v->log, (const char *)resp->body.data,
			      resp->body.len, ip, x);
	if (ret == -EPERM)
		oc_err(&v->log, "The gateway rejected the cookie: %s",
		       x->error ? x->error : "no reason given");
	else if (ret == -EINVAL && resp->status != 200)
		oc_err(&v->log, "getconfig failed: HTTP %d", resp->status);
	else if (ret == -EINVAL)
		oc_err(&v->log, "The gateway's configuration is unusable");
	if (ret || !v->cfg.have_config)
		return ret;
	return oc_ipconf_reconnect_check(&v->log, &v->cfg.ip, ip);
}

static void log_config(struct openconnect_info *v)
{
	const struct oc_config *c = &v->cfg;
	const struct gp_esp_config *e = &c->gpx.esp;

	oc_info(&v->log, "Tunnel address %s%s%s, MTU %d",
		c->ip.addr4.family ? c->ip.addr4.str : "(no IPv4)",
		c->ip.addr6.family ? ", " : "",
		c->ip.addr6.family ? c->ip.addr6.str : "", c->ip.mtu);
	if (e->present)
		oc_dbg(&v->log, "ESP offered: %s with HMAC-%s, UDP port %d",
		       gp_enc_name(e->enc), gp_hmac_name(e->hmac),
		       e->udp_port);
	else
		oc_dbg(&v->log, "The gateway offers no usable ESP");
	if (c->gpx.timeout)
		oc_dbg(&v->log, "Keys valid for %d s", c->gpx.timeout);
}

/* Replaces the configuration with a new one (taking its contents). */
static void install_config(struct openconnect_info *v, struct oc_ipconf *ip,
			   struct gp_config_extra *x)
{
	struct oc_config *c = &v->cfg;

	oc_ipconf_free(&c->ip);
	gp_config_extra_free(&c->gpx);
	c->ip = *ip;
	c->gpx = *x;
	c->have_config = 1;
	c->config_ms = oc_now_ms();
	if (v->tls.peer_ip[0])
		oc_ipconf_set_gateway(&c->ip, v->tls.peer_ip);
	if (v->auth.disable_ipv6)
		oc_ipconf_drop_ipv6(&c->ip);
	if (c->reqmtu > 0)
		c->ip.mtu = c->reqmtu;
	else if (c->ip.mtu <= 0)
		c->ip.mtu = gp_tunnel_mtu(v, c->gpx.esp.present && !c->no_esp);
	if (c->ip.mtu > GP_MTU_MAX) {
		oc_info(&v->log, "MTU %d is more than the tunnel carries; "
			"using %d", c->ip.mtu, GP_MTU_MAX);
		c->ip.mtu = GP_MTU_MAX;
	}
}

int gp_getconfig(struct openconnect_info *v)
{
	struct oc_text body = OC_TEXT_INIT;
	struct oc_http_resp resp = { 0 };
	struct gp_config_extra x;
	struct oc_ipconf ip;
	int ret;

	oc_ipconf_init(&ip);
	memset(&x, 0, sizeof(x));
	ret = getconfig_body(v, &body);
	if (!ret)
		ret = post_form(v, GP_GETCONFIG, &body, &resp);
	if (!ret)
		ret = parse_config(v, &resp, &ip, &x);
	if (!ret) {
		install_config(v, &ip, &x);
		log_config(v);
	} else {
		oc_ipconf_free(&ip);
		gp_config_extra_free(&x);
	}
	oc_http_resp_free(&resp);
	oc_text_free(&body);
	return ret;
}

int gp_tunnel_mtu(const struct openconnect_info *v, int esp)
{
	const struct gp_esp_config *e = &v->cfg.gpx.esp;
	int v6 = strchr(v->tls.peer_ip, ':') != NULL;
	int base = gp_base_mtu(v->cfg.basemtu, v->tls.path_mtu);
	int mtu;

	if (esp)
		mtu = gp_esp_mtu(base, v6, gp_hmac_icv_len(e->hmac));
	else
		mtu = gp_https_mtu(base, v6, GP_TLS_AEAD_OVERHEAD);
	return mtu > 0 ? mtu : GP_MTU_MIN;
}

int gp_logout(struct openconnect_info *v)
{
	struct oc_text body = OC_TEXT_INIT;
	struct oc_http_resp resp = { 0 };
	int ret;

	ret = gp_cookie_fields(&v->auth.gpc, &body);
	oc_form_add(&body, "os-version", v->auth.os->os_version);
	if (!ret)
		ret = oc_text_error(&body);
	if (!ret)
		ret = post_form(v, GP_LOGOUT, &body, &resp);
	if (!ret && resp.status != 200) {
		oc_err(&v->log, "Logout failed: HTTP %d", resp.status);
		ret = -EPROTO;
	}
	if (!ret)
		oc_info(&v->log, "Logged out");
	oc_http_resp_free(&resp);
	oc_text_free(&body);
	return ret;
}
