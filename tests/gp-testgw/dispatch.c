/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoints of the test gateway, and what every request goes through
 * before and after its handler.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "gw.h"

#define M_GET	0x01
#define M_POST	0x02

struct route {
	const char *path;
	unsigned int methods;
	int control;		/* only with --control */
	gw_handler *fn;
};

/* Pre-login also answers GET: some clients send one. */
static const struct route routes[] = {
	{ "/global-protect/prelogin.esp", M_GET | M_POST, 0,
	  gw_portal_prelogin },
	{ "/global-protect/getconfig.esp", M_POST, 0, gw_portal_login },
	{ "/ssl-vpn/prelogin.esp", M_GET | M_POST, 0, gw_gateway_prelogin },
	{ "/ssl-vpn/login.esp", M_POST, 0, gw_gateway_login },
	{ "/ssl-vpn/getconfig.esp", M_POST, 0, gw_getconfig },
	{ "/ssl-vpn/hipreportcheck.esp", M_POST, 0, gw_hip_check },
	{ "/ssl-vpn/hipreport.esp", M_POST, 0, gw_hip_report },
	{ "/ssl-vpn/logout.esp", M_POST, 0, gw_logout },
	{ "/testgw/control", M_POST, 1, gw_control },
	{ "/testgw/stats", M_GET, 1, gw_stats },
};

static const struct route *find_route(const struct gw_state *st,
				      const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcmp(routes[i].path, path) &&
		    (!routes[i].control || st->start.control))
			return &routes[i];
	return NULL;
}

static unsigned int method_bit(const char *m)
{
	if (!strcmp(m, "GET"))
		return M_GET;
	if (!strcmp(m, "POST"))
		return M_POST;
	return 0;
}

static void route(struct gw_state *st, struct gw_req *req, struct gw_resp *r)
{
	const struct route *rt = find_route(st, req->path);

	if (!rt) {
		gw_resp_set(r, 404, "text/plain", "Not found\n");
		gw_resp_outcome(r, "unknown path");
		return;
	}
	if (!(rt->methods & method_bit(req->method))) {
		gw_resp_set(r, 405, "text/plain", "Method not allowed\n");
		gw_resp_outcome(r, "method not allowed");
		return;
	}
	rt->fn(st, req, r);
}

void gw_dispatch(struct gw_state *st, struct gw_req *req, const char *body,
		 size_t len, struct gw_resp *r)
{
	int ret = gw_http_set_body(req, body, len);

	if (ret) {
		gw_resp_set(r, ret == -ENOMEM ? 500 : 400, "text/plain",
			    "Malformed form\n");
		gw_resp_outcome(r, "malformed form");
		r->close = 1;
	} else {
		route(st, req, r);
	}
	if (oc_text_error(&r->body)) {
		oc_text_free(&r->body);
		gw_resp_set(r, 500, "text/plain", "Internal error\n");
		gw_resp_outcome(r, "answer could not be built");
		r->close = 1;
	}
	if (!req->keep_alive)
		r->close = 1;
	gw_log_request(st, req, r);
}

void gw_refuse(struct gw_state *st, struct gw_req *req, struct gw_resp *r,
	       int status, const char *why)
{
	gw_resp_set(r, status, "text/plain", why);
	oc_text_append(&r->body, "\n");
	gw_resp_outcome(r, "%s", why);
	r->close = 1;
	gw_log_request(st, req, r);
}
