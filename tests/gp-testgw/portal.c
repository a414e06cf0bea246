/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The portal's login: POST /global-protect/getconfig.esp answers the
 * portal configuration, root <policy> (PROTOCOL.md section 7).
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "gw.h"

#define XML_TYPE		"application/xml; charset=UTF-8"
#define PORTAL_COOKIE_TTL_MS	(24LL * 60 * 60 * 1000)

static void xml_elem(struct oc_text *t, const char *name, const char *val)
{
	oc_text_appendf(t, "<%s>", name);
	gw_xml_escape(t, val);
	oc_text_appendf(t, "</%s>\n", name);
}

static void rules_xml(struct oc_text *t, const struct gw_entry *e)
{
	size_t i;

	oc_text_append(t, "<priority-rule>\n");
	for (i = 0; i < e->nrules; i++) {
		oc_text_append(t, "<entry name=\"");
		gw_xml_escape(t, e->rules[i].region);
		oc_text_appendf(t, "\"><priority>%d</priority></entry>\n",
				e->rules[i].prio);
	}
	oc_text_append(t, "</priority-rule>\n");
}

/* One gateway; @e is NULL for the portal itself. */
static void entry_xml(struct oc_text *t, const struct gw_entry *e,
		      const char *self)
{
	const char *addr = e && strcmp(e->addr, "@self") ? e->addr : self;

	oc_text_append(t, "<entry name=\"");
	gw_xml_escape(t, addr);
	oc_text_append(t, "\">\n");
	if (e && e->nrules)
		rules_xml(t, e);
	xml_elem(t, "description", e ? e->label : "testgw");
	oc_text_append(t, "</entry>\n");
}

/* Without a configured list, the portal offers itself as the gateway:
 * the host the client reached, as its Host header says. */
static void gateways_xml(const struct gw_state *st, const struct gw_req *req,
			 struct oc_text *t)
{
	const char *host = gw_http_header(req, "Host");
	size_t i;

	if (!host || !*host)
		host = "localhost";
	oc_text_append(t, "<gateways>\n<cutoff-time>5</cutoff-time>\n"
		       "<external>\n<list>\n");
	if (!st->ngws)
		entry_xml(t, NULL, host);
	for (i = 0; i < st->ngws; i++)
		entry_xml(t, &st->gws[i], host);
	oc_text_append(t, "</list>\n</external>\n</gateways>\n");
}

/* "empty", as real portals write, unless --portal-cookie is on. */
static int cookie_xml(struct gw_state *st, struct oc_text *t,
		      const char *name, int kind, const char *user)
{
	const struct gw_token *tok = NULL;

	if (st->m.portal_cookie) {
		tok = gw_token_new(st, kind, user, PORTAL_COOKIE_TTL_MS);
		if (!tok)
			return -ENOMEM;
	}
	xml_elem(t, name, tok ? tok->val : "empty");
	return 0;
}

static void hip_xml(const struct gw_state *st, struct oc_text *t)
{
	oc_text_appendf(t, "<hip-collection>\n"
			"<hip-report-interval>%d</hip-report-interval>\n"
			"<max-wait-time>20</max-wait-time>\n"
			"<collect-hip-data>yes</collect-hip-data>\n"
			"</hip-collection>\n", st->m.hip_interval);
}

static int policy_body(struct gw_state *st, const struct gw_req *req,
		       struct oc_text *t, const struct gw_user *u)
{
	int ret;

	gw_xml_start(t);
	oc_text_append(t, "<policy>\n");
	xml_elem(t, "portal-name", st->m.portal_name);
	xml_elem(t, "portal-config-version", "4100");
	xml_elem(t, "version", st->m.portal_version);
	if (st->m.broken_xml)	/* mismatched close, stray '&' */
		oc_text_append(t, "<client-role>global-protect-full"
			       "</client_role>\n<welcome-page>Welcome & "
			       "enjoy</welcome-page>\n");
	else
		xml_elem(t, "client-role", "global-protect-full");
	xml_elem(t, "connect-method", "user-logon");
	ret = cookie_xml(st, t, "portal-userauthcookie", GW_TOK_PORTAL,
			 u->name);
	if (!ret)
		ret = cookie_xml(st, t, "portal-prelogonuserauthcookie",
				 GW_TOK_PRELOGON, u->name);
	hip_xml(st, t);
	gateways_xml(st, req, t);
	oc_text_append(t, "</policy>\n");
	return ret;
}

static void refuse_config(struct gw_state *st, struct gw_resp *r,
			  const struct gw_user *u, const char *why)
{
	struct oc_text *t = &r->body;

	gw_resp_set(r, 200, XML_TYPE, "");
	gw_xml_start(t);
	oc_text_append(t, "<policy>\n");
	xml_elem(t, "portal-name", st->m.portal_name);
	xml_elem(t, "has-config", "no");
	xml_elem(t, "user", u->name);
	oc_text_append(t, "</policy>\n");
	gw_resp_outcome(r, "portal refused the client (%s; user %s)", why,
			u->name);
}

void gw_portal_login(struct gw_state *st, const struct gw_req *req,
		     struct gw_resp *r)
{
	const char *os = gw_form_get(&req->form, "clientos");
	const struct gw_user *u;

	if (!(st->m.roles & GW_ROLE_PORTAL)) {
		gw_resp_set(r, 404, "text/plain",
			    "GlobalProtect portal does not exist\n");
		gw_resp_outcome(r, "no portal here");
		return;
	}
	if (gw_login_precheck(st, req, r))
		return;
	u = gw_login_credentials(st, req, r, GW_ROLE_PORTAL);
	if (!u)
		return;
	if (st->m.has_config_no) {
		refuse_config(st, r, u, "has-config-no");
	} else if (st->m.refuse_os && os && !strcmp(os, st->m.refuse_os)) {
		refuse_config(st, r, u, "refused OS");
	} else {
		gw_resp_set(r, 200, XML_TYPE, "");
		if (policy_body(st, req, &r->body, u))
			r->body.err = -ENOMEM;
		gw_resp_outcome(r, "portal config (user %s, %zu gateways)",
				u->name, st->ngws ? st->ngws : 1);
	}
}
