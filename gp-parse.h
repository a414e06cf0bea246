/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GlobalProtect authentication answers, parsed without any network:
 * pre-login (PROTOCOL.md section 3), the gateway's login answer and the
 * 2FA challenges (section 4), and the portal's configuration with the
 * gateway ranking (section 7).
 *
 * Every parser takes the body as received (not necessarily NUL-terminated)
 * and fills a caller's struct, which must be zeroed beforehand and is
 * released with the matching _free function whatever the result (it is
 * left empty on failure). Messages explain what was wrong with the answer
 * and never include a cookie, token or other secret; all of those are
 * kept in struct oc_secret.
 */
#ifndef GP_PARSE_H
#define GP_PARSE_H

#include <stddef.h>
#include "gp-cookie.h"
#include "log.h"
#include "secret.h"

/* The protocol version of the login (clientVer) and of the jnlp answer. */
#define GP_PROTOCOL_VERSION	"4100"

/* ---- Pre-login ----------------------------------------------------------- */

enum gp_saml {
	GP_SAML_NONE = 0,
	GP_SAML_REDIRECT,	/* saml_request is a base64 URL */
	GP_SAML_POST,		/* saml_request is a base64 HTML page */
};

/* Each string is the element's trimmed text, or NULL when missing. */
struct gp_prelogin {
	char *status;		/* "Success" or "Error" as sent */
	char *msg;
	char *auth_message;	/* prompt above the form */
	char *username_label;
	char *password_label;
	enum gp_saml saml;
	char *saml_method;
	char *saml_request;	/* base64, as sent */
	char *region;
	char *panos_version;
	int portal_missing;	/* msg: "GlobalProtect portal does not exist" */
	int gateway_missing;	/* msg: "... gateway does not exist" */
};

/*
 * Parses a <prelogin-response>. Returns 0 for status Success; -EPERM for
 * status Error, with msg and the *_missing flags set (so the caller can
 * tell "wrong role" from a refusal); -EINVAL for anything else (no XML, a
 * different root, no or unknown status, a SAML method without a request
 * or the reverse); -EOPNOTSUPP for a SAML method other than REDIRECT or
 * POST; -ENOMEM.
 */
int gp_parse_prelogin(const struct oc_log *lg, const char *body, size_t len,
		      struct gp_prelogin *out);

/*
 * The SAML request decoded from base64 (white space ignored), as a
 * malloc'ed string in *out: the URL to open for REDIRECT, the HTML page for
 * POST. -ENOENT without SAML; -EINVAL for bad base64 or a NUL inside.
 */
int gp_prelogin_saml_decode(const struct gp_prelogin *p, char **out);

void gp_prelogin_free(struct gp_prelogin *p);

/* ---- 2FA challenges ------------------------------------------------------ */

struct gp_challenge {
	char *prompt;		/* respmsg / respMsg; NULL when none */
	struct oc_secret token;	/* inputstr, sent back as inputStr; unset
				 * when the server gave none */
};

/*
 * Recognises the three challenge shapes of any login answer: XML
 * <challenge> with <respmsg> and <inputstr>; the JavaScript
 *     var respStatus = "Challenge"; var respMsg = "...";
 *     thisForm.inputStr.value = "...";
 * (either quote, any spacing, backslash escapes); and an HTML page with
 * that script inside. Returns 1 for a challenge (@ch filled); -EPERM when
 * respStatus is "Error", with the server's reason in *error (malloc'ed, or
 * NULL when it gave none); 0 when @body is neither, so the caller goes on
 * parsing it; -EINVAL for a script with another respStatus or an
 * unterminated string; -ENOMEM.
 */
int gp_parse_challenge(const struct oc_log *lg, const char *body, size_t len,
		       struct gp_challenge *ch, char **error);

void gp_challenge_free(struct gp_challenge *ch);

/* ---- The gateway's login answer ----------------------------------------- */

#define GP_LOGIN_COOKIE		0	/* authcookie and the rest filled */
#define GP_LOGIN_CHALLENGE	1	/* challenge filled */

/* The <jnlp> arguments, by position; strings NULL when missing. */
struct gp_login {
	struct oc_secret authcookie;		/* 1 */
	struct oc_secret persistent_cookie;	/* 2 */
	char *portal;				/* 3 */
	char *user;				/* 4: the name from now on */
	char *auth_source;			/* 5 */
	char *config;				/* 6 */
	char *domain;				/* 7, URL-decoded */
	int pw_expiry_days;			/* 13; -1 when not given */
	char *preferred_ip;			/* 15, when a valid IPv4 */
	char *preferred_ipv6;			/* 18, when a valid IPv6 */
	struct gp_challenge challenge;		/* GP_LOGIN_CHALLENGE */
	char *error;				/* -EPERM: the reason given */
};

/*
 * Parses the answer to a gateway login. Returns GP_LOGIN_COOKIE,
 * GP_LOGIN_CHALLENGE (see gp_parse_challenge()), or: -EPERM when the
 * server refused the login (error set when it said why); -EINVAL when the
 * answer is not a jnlp or lacks the authcookie or the user name; -EPROTO
 * when the connection type is not "tunnel" or the protocol version not
 * 4100 (missing counts as wrong); -ENOMEM. The password expiry is logged
 * at info level; a missing portal or domain at info, a missing persistent
 * cookie or configuration at debug.
 */
int gp_parse_login(const struct oc_log *lg, const char *body, size_t len,
		   struct gp_login *out);

/*
 * Fills @c (zeroed or freed) with the cookie fields of a successful login
 * and the local host name @computer. 0, -EINVAL without an authcookie, or
 * -ENOMEM (then @c is left empty).
 */
int gp_login_to_cookie(const struct gp_login *l, const char *computer,
		       struct gp_cookie *c);

void gp_login_free(struct gp_login *l);

/* ---- The portal's configuration ----------------------------------------- */

#define GP_PORTAL_MAX_GATEWAYS	1024	/* entries beyond are ignored */

struct gp_gateway {
	char *name;		/* host[:port] */
	char *label;		/* description, or name when none */
	int matched;		/* a priority rule matched the region */
	int priority;		/* lowest matching priority, when matched */
};

struct gp_portal {
	struct gp_gateway *gw;	/* ranked, best first */
	size_t n_gw;
	struct oc_secret userauthcookie;	/* unset when missing/"empty" */
	struct oc_secret prelogonuserauthcookie;
	char *version;		/* echo as app-version; NULL when missing */
	int hip_interval;	/* seconds; 0 when missing or invalid */
};

/*
 * Parses the portal's <policy>. Gateways come from
 * gateways/external/list/entry and are ranked by their priority rules:
 * a rule matches when its name equals @region (either case; NULL matches
 * nothing) or is "Any"; a gateway's rank is the lowest matching priority;
 * gateways without a match go last; ties keep the portal's order.
 * Returns 0; -EACCES when the portal says has-config "no" (it refuses this
 * client, often by its OS); -EINVAL when the answer is not a policy;
 * -ENOENT when it lists no usable gateway; -ENOMEM. Callers that may get
 * a 2FA challenge instead call gp_parse_challenge() first.
 */
int gp_parse_portal(const struct oc_log *lg, const char *body, size_t len,
		    const char *region, struct gp_portal *out);

/*
 * Picks the gateway for --authgroup @authgroup, comparing without regard
 * to case: an exact label first, then an exact name, then a label of
 * which @authgroup is a prefix, if only one has it. Sets *out and returns
 * 0; with a NULL or empty @authgroup, returns 0 when there is only one
 * gateway and 1 (with *out the best ranked) when the user may choose.
 * -EEXIST when the prefix is ambiguous, -ENOENT when nothing matches or
 * there is no gateway; both log the candidates at error level.
 */
int gp_choose_gateway(const struct oc_log *lg, const struct gp_portal *p,
		      const char *authgroup, const struct gp_gateway **out);

void gp_portal_free(struct gp_portal *p);

#endif
