/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pre-login (portal and gateway) and the gateway's login, with its 2FA
 * challenges, SAML cookies and portal cookies. PROTOCOL.md sections 3-5.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw.h"
#include "num.h"

#define CHALLENGE_TTL_MS	(5 * 60 * 1000)
#define CHALLENGE_TRIES		3
#define HTTP_COOKIE_TTL_MS	(60 * 60 * 1000)
#define CHALLENGE_PROMPT	"Enter the one-time code"
#define XML_TYPE		"application/xml; charset=UTF-8"
#define HTML_TYPE		"text/html; charset=UTF-8"

void gw_xml_start(struct oc_text *t)
{
	oc_text_append(t, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n");
}

static void xml_elem(struct oc_text *t, const char *name, const char *val)
{
	oc_text_appendf(t, "<%s>", name);
	gw_xml_escape(t, val);
	oc_text_appendf(t, "</%s>\n", name);
}

/* The value of a field, treating "" as absent. */
static const char *field(const struct gw_req *req, const char *name)
{
	const char *v = gw_form_get(&req->form, name);

	return v && *v ? v : NULL;
}

/* PROTOCOL.md: "missing" is absent, empty, "(null)", "-1"; for portal
 * cookies also "empty". */
static const char *cookie_field(const struct gw_req *req, const char *name)
{
	const char *v = field(req, name);

	if (!v || !strcmp(v, "empty") || !strcmp(v, "(null)") ||
	    !strcmp(v, "-1"))
		return NULL;
	return v;
}

/* ---- Checks common to all requests ------------------------------------- */

static int check_agent(const struct gw_state *st, const struct gw_req *req)
{
	const char *ua = gw_http_header(req, "User-Agent");
	struct oc_text t = OC_TEXT_INIT;

	if (ua && !strcmp(ua, GW_AGENT))
		return 0;
	gw_log_safe(&t, ua ? ua : "(none)", 60);
	gw_warn_req(st, req, "User-Agent is '%s', not '" GW_AGENT "'",
		    oc_text_str(&t));
	oc_text_free(&t);
	return 1;
}

/* Section 13: the five values official clients send. */
static int check_clientos(const struct gw_state *st, const struct gw_req *req,
			  const char *os)
{
	static const char *const known[] = {
		"Windows", "Mac", "Linux", "Android", "iOS",
	};
	struct oc_text t = OC_TEXT_INIT;
	size_t i;

	if (!os)
		return 0;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(os, known[i]))
			return 0;
	gw_log_safe(&t, os, 40);
	gw_warn_req(st, req, "unknown clientos '%s'", oc_text_str(&t));
	oc_text_free(&t);
	return 1;
}

/* Section 2: form bodies; section 4: protocol version 4100 only. */
static int check_form(const struct gw_state *st, const struct gw_req *req)
{
	const char *ct = gw_http_header(req, "Content-Type");
	const char *ver = gw_form_get(&req->qform, "clientVer");
	int bad = 0;

	if (req->clen && !strcmp(req->method, "POST") &&
	    (!ct || strncasecmp(ct, "application/x-www-form-urlencoded",
				33))) {
		gw_warn_req(st, req, "body is not a form (Content-Type)");
		bad++;
	}
	if (!ver)
		ver = gw_form_get(&req->form, "clientVer");
	if (ver && strcmp(ver, "4100")) {
		gw_warn_req(st, req, "clientVer is not 4100");
		bad++;
	}
	return bad;
}

int gw_check_client(const struct gw_state *st, const struct gw_req *req)
{
	const char *os = gw_form_get(&req->qform, "clientos");

	if (!os)
		os = field(req, "clientos");
	return check_agent(st, req) + check_form(st, req) +
	       check_clientos(st, req, os);
}

static void refuse_strict(struct gw_resp *r)
{
	gw_resp_set(r, 400, "text/plain", "Incomplete request\n");
	gw_resp_outcome(r, "strict: request not as official clients send");
}

/* 0 when the pre-login's cookie came back (or none is required). */
static int check_http_cookie(struct gw_state *st, const struct gw_req *req)
{
	char *v;
	int ok;

	if (!st->m.require_http_cookie)
		return 0;
	v = gw_http_cookie(req, GW_COOKIE_NAME);
	ok = gw_token_find(st, GW_TOK_HTTP, v) != NULL;
	oc_free_str_secret(v);
	return ok ? 0 : -EACCES;
}

static int missing_fields(const struct gw_state *st, const struct gw_req *req)
{
	static const char *const wanted[] = {
		"computer", "clientos", "jnlpReady", "ok", "direct",
	};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (field(req, wanted[i]))
			continue;
		gw_warn_req(st, req, "missing field %s", wanted[i]);
		n++;
	}
	return n;
}

static int has_secret(const struct gw_req *req)
{
	return field(req, "passwd") || field(req, "prelogin-cookie") ||
	       cookie_field(req, "portal-userauthcookie") ||
	       cookie_field(req, "portal-prelogonuserauthcookie");
}

int gw_login_precheck(struct gw_state *st, const struct gw_req *req,
		      struct gw_resp *r)
{
	int bad = gw_check_client(st, req) + missing_fields(st, req);

	if (st->m.strict && bad) {
		refuse_strict(r);
		return -EINVAL;
	}
	if (check_http_cookie(st, req)) {
		gw_resp_set(r, 403, "text/plain", "Session cookie missing\n");
		gw_resp_outcome(r, "no pre-login HTTP cookie");
		return -EACCES;
	}
	if (!field(req, "user") || !has_secret(req)) {
		gw_resp_set(r, 400, "text/plain", "Missing user or password\n");
		gw_resp_outcome(r, "missing user or secret");
		return -EINVAL;
	}
	return 0;
}

/* ---- Credentials ------------------------------------------------------- */

static void refuse_login(struct gw_resp *r, const char *why)
{
	gw_resp_set(r, 512, "text/plain", "Invalid username or password\n");
	gw_resp_outcome(r, "%s", why);
}

static int secret_equal(const struct oc_secret *s, const char *v)
{
	return v && s->val && strlen(v) == s->len &&
	       oc_ct_memeq(s->val, v, s->len);
}

/* Section 5: the SAML result, named prelogin-cookie or
 * portal-userauthcookie, stands in for the password. */
static int saml_ok(const struct gw_state *st, const struct gw_req *req)
{
	return secret_equal(&st->m.saml_cookie,
			    field(req, "prelogin-cookie")) ||
	       secret_equal(&st->m.saml_cookie,
			    field(req, "portal-userauthcookie"));
}

const struct gw_user *gw_login_credentials(struct gw_state *st,
					   const struct gw_req *req,
					   struct gw_resp *r,
					   enum gw_role role)
{
	const struct gw_user *u = gw_user_find(st, field(req, "user"));

	if (!u) {
		refuse_login(r, "unknown user");
		return NULL;
	}
	if (st->m.saml & role) {
		if (saml_ok(st, req))
			return u;
		refuse_login(r, "bad SAML cookie");
		return NULL;
	}
	if (secret_equal(&u->pass, field(req, "passwd")))
		return u;
	refuse_login(r, "bad password");
	return NULL;
}

/* ---- Pre-login --------------------------------------------------------- */

static void prelogin_error(struct gw_resp *r, const char *msg)
{
	struct oc_text *t = &r->body;

	gw_resp_set(r, 200, XML_TYPE, "");
	gw_xml_start(t);
	oc_text_append(t, "<prelogin-response>\n");
	xml_elem(t, "status", "Error");
	xml_elem(t, "msg", msg);
	oc_text_append(t, "</prelogin-response>\n");
	gw_resp_outcome(r, "%s", msg);
}

/* Method REDIRECT: the request is the base64 of the IdP's URL. */
static void saml_elems(struct oc_text *t, enum gw_role role)
{
	const char *url = role == GW_ROLE_PORTAL ?
		"https://idp.test/sso?SAMLRequest=testgw&RelayState=portal" :
		"https://idp.test/sso?SAMLRequest=testgw&RelayState=gateway";
	char b64[128];

	oc_base64_encode((const unsigned char *)url, strlen(url), b64);
	xml_elem(t, "saml-auth-method", "REDIRECT");
	xml_elem(t, "saml-request", b64);
}

static int issue_http_cookie(struct gw_state *st, struct gw_resp *r)
{
	const struct gw_token *tok;

	if (!st->m.require_http_cookie)
		return 0;
	tok = gw_token_new(st, GW_TOK_HTTP, NULL, HTTP_COOKIE_TTL_MS);
	if (!tok)
		return -ENOMEM;
	snprintf(r->set_cookie, sizeof(r->set_cookie),
		 GW_COOKIE_NAME "=%s; Path=/; Secure; HttpOnly", tok->val);
	return 0;
}

static void prelogin_body(struct gw_state *st, struct oc_text *t,
			  enum gw_role role)
{
	gw_xml_start(t);
	oc_text_append(t, "<prelogin-response>\n");
	xml_elem(t, "status", "Success");
	oc_text_append(t, "<ccusername/>\n<autosubmit>false</autosubmit>\n"
		       "<msg/>\n<newmsg/>\n");
	if (st->m.broken_xml)	/* a raw '&', as some servers send */
		oc_text_append(t, "<authentication-message>Enter login "
			       "credentials & code</authentication-message>\n");
	else
		xml_elem(t, "authentication-message",
			 "Enter login credentials");
	xml_elem(t, "username-label", "Username");
	xml_elem(t, "password-label", "Password");
	if (st->m.saml & role)
		saml_elems(t, role);
	xml_elem(t, "region", st->m.region);
	if (st->m.broken_xml)	/* and a closing tag that does not match */
		oc_text_append(t, "<panos-version>1</panos_version>\n");
	else
		xml_elem(t, "panos-version", "1");
	oc_text_append(t, "</prelogin-response>\n");
}

static void prelogin(struct gw_state *st, const struct gw_req *req,
		     struct gw_resp *r, enum gw_role role)
{
	if (gw_check_client(st, req) && st->m.strict) {
		refuse_strict(r);
		return;
	}
	if (!(st->m.roles & role)) {
		prelogin_error(r, role == GW_ROLE_PORTAL ?
			       "GlobalProtect portal does not exist" :
			       "GlobalProtect gateway does not exist");
		return;
	}
	if (issue_http_cookie(st, r)) {
		gw_resp_set(r, 500, "text/plain", "Out of memory\n");
		return;
	}
	gw_resp_set(r, 200, XML_TYPE, "");
	prelogin_body(st, &r->body, role);
	gw_resp_outcome(r, "%s pre-login%s", role == GW_ROLE_PORTAL ?
			"portal" : "gateway",
			st->m.saml & role ? " (SAML)" : "");
}

void gw_portal_prelogin(struct gw_state *st, const struct gw_req *req,
			struct gw_resp *r)
{
	prelogin(st, req, r, GW_ROLE_PORTAL);
}

void gw_gateway_prelogin(struct gw_state *st, const struct gw_req *req,
			 struct gw_resp *r)
{
	prelogin(st, req, r, GW_ROLE_GATEWAY);
}

/* ---- The gateway's login ----------------------------------------------- */

static void jnlp_args(struct gw_state *st, const struct gw_req *req,
		      const struct gw_session *s, const char *source,
		      const char *args[21])
{
	memset(args, 0, 21 * sizeof(args[0]));
	args[1] = s->authcookie;
	args[2] = s->persistent;
	args[3] = st->m.portal_name;
	args[4] = s->user;
	args[5] = source;
	args[6] = "vsys1";
	args[12] = "tunnel";
	args[13] = "30";
	args[14] = "4100";
	args[15] = s->ip;
	args[16] = field(req, "portal-userauthcookie");
	args[17] = field(req, "portal-prelogonuserauthcookie");
	args[18] = s->ip6;
}

/* Section 4: arguments by position; 7 is the domain, URL-encoded. */
static void jnlp_body(struct gw_state *st, struct oc_text *t,
		      const char *args[21])
{
	int i;

	oc_text_append(t, "<?xml version=\"1.0\" encoding=\"utf-8\"?> <jnlp> "
		       "<application-desc>\n");
	for (i = 0; i < 21; i++) {
		oc_text_append(t, "<argument>");
		if (i == 7)
			gw_url_encode(t, st->m.domain);
		else if (i == 5 && st->m.broken_xml)
			oc_text_append(t, "LDAP&auth");
		else if (args[i])
			gw_xml_escape(t, args[i]);
		oc_text_append(t, i == 8 && st->m.broken_xml ?
			       "</argumnt>\n" : "</argument>\n");
	}
	oc_text_append(t, "</application-desc></jnlp>\n");
}

static void login_success(struct gw_state *st, const struct gw_req *req,
			  struct gw_resp *r, const struct gw_user *u,
			  const char *source)
{
	const char *args[21];
	struct gw_session *s;
	struct gw_login_info li = {
		.user = u->name,
		.computer = field(req, "computer"),
		.clientos = field(req, "clientos"),
		.os_version = field(req, "os-version"),
		.pref_ip = field(req, "preferred-ip"),
		.pref_ip6 = field(req, "preferred-ipv6"),
	};

	s = gw_session_new(st, &li);
	if (!s) {
		gw_resp_set(r, 500, "text/plain", "No session\n");
		gw_resp_outcome(r, "cannot make a session");
		return;
	}
	st->stats.logins++;
	jnlp_args(st, req, s, source, args);
	gw_resp_set(r, 200, XML_TYPE, "");
	jnlp_body(st, &r->body, args);
	gw_resp_outcome(r, "gateway login ok (user %s, %s)", u->name, source);
}

static void challenge_body(struct gw_state *st, struct oc_text *t,
			   const char *user, const char *token)
{
	if (st->m.tfa == GW_2FA_XML) {
		gw_xml_start(t);
		oc_text_append(t, "<challenge>\n");
		xml_elem(t, "user", user);
		xml_elem(t, "inputstr", token);
		xml_elem(t, "respmsg", CHALLENGE_PROMPT);
		oc_text_append(t, "</challenge>\n");
		return;
	}
	if (st->m.tfa == GW_2FA_HTML)
		oc_text_append(t, "<html><head></head><body>\n");
	oc_text_appendf(t, "var respStatus = \"Challenge\";\n"
			"var respMsg = \"%s\";\n"
			"thisForm.inputStr.value = \"%s\";\n",
			CHALLENGE_PROMPT, token);
	if (st->m.tfa == GW_2FA_HTML)
		oc_text_append(t, "</body></html>\n");
}

static void challenge(struct gw_state *st, struct gw_resp *r,
		      const struct gw_user *u)
{
	static const char *const shape[] = { "none", "xml", "js", "html" };
	struct gw_token *tok;

	tok = gw_token_new(st, GW_TOK_CHALLENGE, u->name, CHALLENGE_TTL_MS);
	if (!tok) {
		gw_resp_set(r, 500, "text/plain", "No token\n");
		return;
	}
	tok->tries = CHALLENGE_TRIES;
	gw_resp_set(r, 200, st->m.tfa == GW_2FA_XML ? XML_TYPE : HTML_TYPE,
		    "");
	challenge_body(st, &r->body, u->name, tok->val);
	gw_resp_outcome(r, "2FA challenge (%s) for user %s", shape[st->m.tfa],
			u->name);
}

/* The second step of 2FA: inputStr names our challenge, passwd is the
 * code. A token is good for one right answer or CHALLENGE_TRIES wrong
 * ones: clients re-post the same challenge after a wrong code. */
static void answer_challenge(struct gw_state *st, const struct gw_req *req,
			     struct gw_resp *r)
{
	struct gw_token *tok = gw_token_find(st, GW_TOK_CHALLENGE,
					     field(req, "inputStr"));
	const struct gw_user *u = gw_user_find(st, field(req, "user"));
	int ok;

	if (!tok || !u || strcmp(tok->user, u->name)) {
		refuse_login(r, "unknown 2FA token");
		return;
	}
	ok = gw_otp_check(st, field(req, "passwd"));
	if (ok || --tok->tries <= 0)
		gw_token_drop(tok);
	if (!ok)
		refuse_login(r, "bad one-time code");
	else
		login_success(st, req, r, u, "LDAP-auth");
}

/* A cookie the portal handed out for this user; honoured unless the
 * test switched reject-cookie on. */
static int portal_cookie_ok(struct gw_state *st, const struct gw_req *req,
			    const struct gw_user *u)
{
	const char *prelogon = "portal-prelogonuserauthcookie";
	const struct gw_token *t;

	t = gw_token_find(st, GW_TOK_PORTAL,
			  cookie_field(req, "portal-userauthcookie"));
	if (!t)
		t = gw_token_find(st, GW_TOK_PRELOGON,
				  cookie_field(req, prelogon));
	return t && u && !strcmp(t->user, u->name) && !st->m.reject_cookie;
}

void gw_gateway_login(struct gw_state *st, const struct gw_req *req,
		      struct gw_resp *r)
{
	const struct gw_user *u = gw_user_find(st, field(req, "user"));

	if (!(st->m.roles & GW_ROLE_GATEWAY)) {
		gw_resp_set(r, 404, "text/plain",
			    "GlobalProtect gateway does not exist\n");
		gw_resp_outcome(r, "no gateway here");
		return;
	}
	if (gw_login_precheck(st, req, r))
		return;
	if (portal_cookie_ok(st, req, u)) {
		login_success(st, req, r, u, "portal-cookie");
		return;
	}
	if (st->m.tfa != GW_2FA_NONE && field(req, "inputStr") &&
	    !(st->m.saml & GW_ROLE_GATEWAY)) {
		answer_challenge(st, req, r);
		return;
	}
	u = gw_login_credentials(st, req, r, GW_ROLE_GATEWAY);
	if (!u)
		return;
	if (st->m.tfa != GW_2FA_NONE && !(st->m.saml & GW_ROLE_GATEWAY))
		challenge(st, r, u);
	else
		login_success(st, req, r, u, st->m.saml & GW_ROLE_GATEWAY ?
			      "SAML-auth" : "LDAP-auth");
}
