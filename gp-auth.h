/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GlobalProtect login: pre-login, portal and gateway login, 2FA, SAML
 * results and the gateway choice (PROTOCOL.md sections 3 to 7).
 */
#ifndef GP_AUTH_H
#define GP_AUTH_H

#include "openconnect-internal.h"

enum gp_role {
	GP_ROLE_AUTO,		/* portal first, then gateway */
	GP_ROLE_PORTAL,
	GP_ROLE_GATEWAY,
};

/*
 * The role and SAML secret field a URL path names: "portal" or
 * "global-protect..." is the portal, "gateway" or "ssl-vpn..." the gateway,
 * anything else (or NULL) both in turn; a ":FIELD" suffix names the SAML
 * secret field (prelogin-cookie, portal-userauthcookie or
 * portal-prelogonuserauthcookie). *field is NULL or a static string.
 * -EINVAL for an unknown field.
 */
int gp_path_role(const char *path, enum gp_role *role, const char **field);

/* Runs the login; on success v->auth.cookie and v->auth.gpc are set and
 * v->srv names the gateway. 0, 1 when a form was cancelled, or a negative
 * errno (see openconnect_obtain_cookie()). */
int gp_obtain_cookie(struct openconnect_info *v);

/* The local host name reported as "computer": malloc'ed. */
char *gp_computer_name(const struct openconnect_info *v);

#endif
