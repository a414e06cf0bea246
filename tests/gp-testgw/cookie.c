/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * After login, every request (getconfig, HIP, logout) carries the cookie
 * string's fields (PROTOCOL.md section 6). A gateway finds the session by
 * authcookie and checks the other fields against what its login gave;
 * logout checks os-version too, when it is sent (section 12).
 */
#include <config.h>

#include <string.h>

#include "gw.h"

#define XML_TYPE	"application/xml; charset=UTF-8"

const char *gw_field(const struct gw_req *req, const char *name)
{
	const char *v = gw_form_get(&req->form, name);

	return v && *v ? v : NULL;
}

/* Equal strings, NULL matching only NULL. */
static int same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Which field of @req differs from @s, or NULL when none does. */
static const char *mismatch(const struct gw_req *req,
			    const struct gw_session *s, unsigned int flags)
{
	if (!same(gw_field(req, "user"), s->user))
		return "user differs";
	if (!same(gw_field(req, "portal"), s->portal))
		return "portal differs";
	if (!same(gw_field(req, "domain"), s->domain))
		return "domain differs";
	if (!same(gw_field(req, "computer"), s->computer))
		return "computer differs";
	/* Debian's openconnect 9.01 sends no os-version at logout, and
	 * its logouts work on real gateways: only a different one fails. */
	if ((flags & GW_CK_OSVER) && gw_field(req, "os-version") &&
	    !same(gw_field(req, "os-version"), s->os_version))
		return "os-version differs";
	return NULL;
}

struct gw_session *gw_cookie_session(struct gw_state *st,
				     const struct gw_req *req,
				     unsigned int flags, const char **why)
{
	const char *cookie = gw_field(req, "authcookie");
	struct gw_session *s;

	if (!cookie) {
		*why = "no authcookie";
		return NULL;
	}
	s = gw_session_find(st, cookie);
	if (!s) {
		*why = "unknown authcookie";
		return NULL;
	}
	*why = mismatch(req, s, flags);
	return *why ? NULL : s;
}

void gw_cookie_refuse(const struct gw_state *st, struct gw_resp *r,
		      const char *why)
{
	if (st->m.cookie_plain) {
		gw_resp_set(r, 200, "text/html; charset=UTF-8",
			    "errors getting SSL/VPN config");
	} else {
		gw_resp_set(r, 200, XML_TYPE, "");
		gw_xml_start(&r->body);
		oc_text_append(&r->body, "<response status=\"error\">\n"
			       "<error>Invalid authentication cookie</error>\n"
			       "</response>\n");
	}
	gw_resp_outcome(r, "cookie refused: %s", why);
}
