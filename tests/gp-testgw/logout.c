/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * POST /ssl-vpn/logout.esp (PROTOCOL.md section 12). The cookie fields and
 * os-version must be exactly those of the login; otherwise real gateways
 * answer success and keep the session, so a client that gets a field
 * wrong never notices. We do the same, and say so in the log.
 */
#include <config.h>

#include "gw.h"

#define XML_TYPE	"application/xml; charset=UTF-8"

static void logout_answer(struct gw_resp *r)
{
	gw_resp_set(r, 200, XML_TYPE, "");
	gw_xml_start(&r->body);
	oc_text_append(&r->body, "<response status=\"success\">\n"
		       "</response>\n");
}

void gw_logout(struct gw_state *st, const struct gw_req *req,
	       struct gw_resp *r)
{
	struct gw_session *s;
	const char *why;

	gw_check_client(st, req);
	s = gw_cookie_session(st, req, GW_CK_OSVER, &why);
	logout_answer(r);
	if (!s) {
		st->stats.logouts_ignored++;
		gw_resp_outcome(r, "logout ignored: %s (session kept)", why);
		return;
	}
	gw_resp_outcome(r, "logout (user %s)", s->user);
	st->stats.logouts++;
	gw_session_drop(s);
}
