/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GlobalProtect login flows.
 *
 * The server named by the user is tried as a portal, then as a gateway
 * (or only as the role its URL path names). A portal login yields the
 * gateway list; the chosen gateway's login yields the authcookie, kept as
 * the cookie string of PROTOCOL.md section 6. Credentials typed for the
 * portal are reused for the gateway, with the portal's cookies when it
 * hands some out, so the user is asked once.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "form.h"
#include "gp-auth.h"
#include "gp-parse.h"

#define GP_PORTAL_PRELOGIN	"/global-protect/prelogin.esp"
#define GP_PORTAL_LOGIN		"/global-protect/getconfig.esp"
#define GP_GATEWAY_PRELOGIN	"/ssl-vpn/prelogin.esp"
#define GP_GATEWAY_LOGIN	"/ssl-vpn/login.esp"
#define GP_MAX_LOGIN_TRIES	5
/* Returned inside this file when a server says it is not this role. */
#define GP_WRONG_ROLE		(-ENXIO)

static const char *const saml_fields[] = {
	"prelogin-cookie",
	"portal-userauthcookie",
	"portal-prelogonuserauthcookie",
};

struct gp_creds {
	char *user;
	struct oc_secret secret;	/* password or SAML cookie */
	const char *secret_field;	/* "passwd" or a saml_fields entry */
	struct oc_secret code;		/* 2FA answer, while answering */
	struct oc_secret input_str;	/* the challenge's token */
	struct oc_secret portal_uac;	/* portal-userauthcookie */
	struct oc_secret portal_puac;	/* portal-prelogonuserauthcookie */
};

struct gp_flow {
	struct openconnect_info *v;
	const struct oc_log *lg;
	enum gp_role role;
	const char *saml_field;		/* from the URL path, or NULL */
	struct gp_prelogin pl;
	struct gp_creds cr;
	int have_creds;
	char *error;			/* shown above the next form */
	char *computer;
};

int gp_path_role(const char *path, enum gp_role *role, const char **field)
{
	const char *colon = path ? strchr(path, ':') : NULL;
	size_t n = colon ? (size_t)(colon - path) : (path ? strlen(path) : 0);
	size_t i;

	*role = GP_ROLE_AUTO;
	*field = NULL;
	if (n == 6 && !strncmp(path, "portal", n))
		*role = GP_ROLE_PORTAL;
	else if (n >= 14 && !strncmp(path, "global-protect", 14))
		*role = GP_ROLE_PORTAL;
	else if (n == 7 && !strncmp(path, "gateway", n))
		*role = GP_ROLE_GATEWAY;
	else if (n >= 7 && !strncmp(path, "ssl-vpn", 7))
		*role = GP_ROLE_GATEWAY;
	if (!colon)
		return 0;
	for (i = 0; i < ARRAY_SIZE(saml_fields); i++) {
		if (!strcmp(colon + 1, saml_fields[i])) {
			*field = saml_fields[i];
			return 0;
		}
	}
	return -EINVAL;
}

char *gp_computer_name(const struct openconnect_info *v)
{
	char host[HOST_NAME_MAX + 1];

	if (v->auth.localname)
		return strdup(v->auth.localname);
	if (gethostname(host, sizeof(host)))
		return strdup("localhost");
	host[sizeof(host) - 1] = '\0';
	return strdup(host);
}

static void creds_clear_answer(struct gp_creds *c)
{
	oc_secret_clear(&c->code);
	oc_secret_clear(&c->input_str);
}

static void creds_free(struct gp_creds *c)
{
	free(c->user);
	c->user = NULL;
	oc_secret_clear(&c->secret);
	creds_clear_answer(c);
	oc_secret_clear(&c->portal_uac);
	oc_secret_clear(&c->portal_puac);
}

static void set_error(struct gp_flow *f, const char *msg)
{
	free(f->error);
	f->error = msg ? strdup(msg) : NULL;
}

/* ---- Forms -------------------------------------------------------------- */

/* 0 when answered, 1 when cancelled, negative otherwise. */
static int ask_form(struct gp_flow *f, struct oc_auth_form *form)
{
	struct openconnect_info *v = f->v;
	int r;

	if (!v->process_auth_form) {
		oc_err(f->lg, "The server asks for a login form, but nothing can answer it");
		return -EINVAL;
	}
	r = v->process_auth_form(v->cbdata, form);
	switch (r) {
	case OC_FORM_RESULT_OK:
	case OC_FORM_RESULT_NEWGROUP:
		return 0;
	case OC_FORM_RESULT_CANCELLED:
		oc_info(f->lg, "Login cancelled");
		return 1;
	default:
		oc_err(f->lg, "The login form was not answered");
		return -EINVAL;
	}
}

static struct oc_auth_form *login_form(struct gp_flow *f, int portal)
{
	const char *field = f->saml_field ? f->saml_field : "passwd";
	const char *plabel = f->pl.password_label ? f->pl.password_label
						  : "Password";
	struct oc_auth_form *form;

	form = oc_authform_new(OC_FORM_LOGIN, f->pl.auth_message,
			       portal ? "Log in to the portal"
				      : "Log in to the gateway", f->error);
	if (!form)
		return NULL;
	if (f->saml_field)
		plabel = f->saml_field;
	if (!oc_authform_add(form, OC_FORM_OPT_TEXT, "user",
			     f->pl.username_label ? f->pl.username_label
						  : "Username") ||
	    !oc_authform_add(form, OC_FORM_OPT_PASSWORD, field, plabel)) {
		oc_authform_free(form);
		return NULL;
	}
	return form;
}

/* Asks for user name and password (or SAML cookie) into f->cr. */
static int ask_login(struct gp_flow *f, int portal)
{
	struct oc_auth_form *form = login_form(f, portal);
	const char *field = f->saml_field ? f->saml_field : "passwd";
	const char *user, *secret;
	int ret;

	if (!form)
		return -ENOMEM;
	ret = ask_form(f, form);
	if (ret)
		goto out;
	user = oc_authform_value(form, "user");
	secret = oc_authform_value(form, field);
	if (!user || !*user || !secret) {
		oc_err(f->lg, "No user name or %s given",
		       f->saml_field ? f->saml_field : "password");
		ret = -EINVAL;
		goto out;
	}
	free(f->cr.user);
	f->cr.user = strdup(user);
	ret = f->cr.user ? oc_secret_set_str(&f->cr.secret, secret) : -ENOMEM;
	f->cr.secret_field = field;
	f->have_creds = !ret;
out:
	oc_authform_free(form);
	return ret;
}

/* ---- Requests ----------------------------------------------------------- */

static int post(struct gp_flow *f, const char *path, const struct oc_text *t,
		struct oc_http_resp *resp)
{
	const char *body = oc_text_str(t);
	int ret;

	ret = oc_http_fetch(&f->v->http, "POST", path, NULL, body,
			    strlen(body), resp, NULL);
	if (ret)
		oc_err(f->lg, "Request to %s failed: %s", f->v->http.host,
		       ret == -E2BIG ? "the answer is too large" :
		       oc_strerr(ret));
	return ret;
}

static int gp_prelogin(struct gp_flow *f, int portal)
{
	struct oc_text path = OC_TEXT_INIT, body = OC_TEXT_INIT;
	struct oc_http_resp resp = { 0 };
	int missing, ret;

	oc_text_appendf(&path, "%s?tmp=tmp&clientVer=%s&clientos=",
			portal ? GP_PORTAL_PRELOGIN : GP_GATEWAY_PRELOGIN,
			GP_PROTOCOL_VERSION);
	oc_form_encode(&path, f->v->auth.os->clientos);
	oc_text_append(&body, "cas-support=yes");
	ret = oc_text_error(&path) ? oc_text_error(&path)
				   : post(f, oc_text_str(&path), &body, &resp);
	if (ret)
		goto out;
	gp_prelogin_free(&f->pl);
	memset(&f->pl, 0, sizeof(f->pl));
	ret = gp_parse_prelogin(f->lg, (char *)resp.body.data, resp.body.len,
				&f->pl);
	missing = portal ? f->pl.portal_missing : f->pl.gateway_missing;
	if (ret == -EPERM && missing)
		ret = GP_WRONG_ROLE;
	else if (ret == -EPERM)
		oc_err(f->lg, "Pre-login refused: %s",
		       f->pl.msg ? f->pl.msg : "no reason given");
	else if (ret)
		oc_err(f->lg, "Unusable pre-login answer (HTTP %d)",
		       resp.status);
out:
	oc_http_resp_free(&resp);
	oc_text_free(&path);
	oc_text_free(&body);
	return ret;
}

static void add_secret(struct oc_text *t, const char *name,
		       const struct oc_secret *s)
{
	if (oc_secret_isset(s))
		oc_form_add(t, name, oc_secret_get(s));
}

static int login_body(struct gp_flow *f, struct oc_text *t)
{
	const struct gp_os *os = f->v->auth.os;
	const struct gp_creds *c = &f->cr;

	t->secret = 1;
	oc_form_add(t, "jnlpReady", "jnlpReady");
	oc_form_add(t, "ok", "Login");
	oc_form_add(t, "direct", "yes");
	oc_form_add(t, "clientVer", GP_PROTOCOL_VERSION);
	oc_form_add(t, "prot", "https:");
	oc_form_add(t, "internal", "no");
	oc_form_add(t, "ipv6-support", f->v->auth.disable_ipv6 ? "no" : "yes");
	oc_form_add(t, "clientos", os->clientos);
	oc_form_add(t, "os-version", os->os_version);
	oc_form_add(t, "server", f->v->http.host);
	oc_form_add(t, "computer", f->computer);
	oc_form_add(t, "user", c->user);
	if (oc_secret_isset(&c->code))
		add_secret(t, "passwd", &c->code);
	else
		add_secret(t, c->secret_field, &c->secret);
	add_secret(t, "inputStr", &c->input_str);
	add_secret(t, "portal-userauthcookie", &c->portal_uac);
	add_secret(t, "portal-prelogonuserauthcookie", &c->portal_puac);
	return oc_text_error(t);
}

/* One login request. -EACCES for bad credentials (HTTP 512). */
static int login_once(struct gp_flow *f, int portal,
		      struct oc_http_resp *resp)
{
	struct oc_text t = OC_TEXT_INIT;
	int ret = login_body(f, &t);

	if (!ret)
		ret = post(f, portal ? GP_PORTAL_LOGIN : GP_GATEWAY_LOGIN, &t,
			   resp);
	oc_text_free(&t);
	if (ret)
		return ret;
	if (resp->status == 512) {
		set_error(f, "Invalid user name or password");
		return -EACCES;
	}
	if (resp->status == 401 || resp->status == 403) {
		oc_err(f->lg, "The %s refused the login (HTTP %d)",
		       portal ? "portal" : "gateway", resp->status);
		return -EPERM;
	}
	if (resp->status != 200) {
		oc_err(f->lg, "Unexpected answer to the login: HTTP %d",
		       resp->status);
		return -EPROTO;
	}
	return 0;
}

/* ---- 2FA ------------------------------------------------------------------ */

static int ask_code(struct gp_flow *f, const struct gp_challenge *ch)
{
	struct oc_auth_form *form;
	const char *code;
	int ret;

	form = oc_authform_new(OC_FORM_CHALLENGE, NULL,
			       ch->prompt ? ch->prompt
					  : "Enter the one-time code", NULL);
	if (!form || !oc_authform_add(form, OC_FORM_OPT_PASSWORD, "passwd",
				      "Code")) {
		oc_authform_free(form);
		return -ENOMEM;
	}
	ret = ask_form(f, form);
	code = ret ? NULL : oc_authform_value(form, "passwd");
	if (!ret && !code) {
		oc_err(f->lg, "No one-time code given");
		ret = -EINVAL;
	}
	if (!ret)
		ret = oc_secret_set_str(&f->cr.code, code);
	oc_authform_free(form);
	return ret;
}

static int answer_challenge(struct gp_flow *f, const struct gp_challenge *ch)
{
	char code[OC_TOKEN_CODE_LEN];
	int ret;

	oc_info(f->lg, "The server asks for a second factor%s%s",
		ch->prompt ? ": " : "", ch->prompt ? ch->prompt : "");
	if (f->v->auth.have_token) {
		ret = oc_auth_token_code(f->v, code);
		if (!ret)
			ret = oc_secret_set_str(&f->cr.code, code);
		oc_wipe(code, sizeof(code));
		if (ret)
			oc_err(f->lg, "Cannot make a one-time code: %s",
			       oc_strerr(ret));
		else
			oc_info(f->lg, "Answering with the soft token's code");
	} else {
		ret = ask_code(f, ch);
	}
	if (!ret && oc_secret_isset(&ch->token))
		ret = oc_secret_set(&f->cr.input_str, ch->token.val,
				    ch->token.len);
	return ret;
}

/* ---- The login loop ------------------------------------------------------- */

/* Checks an answer for a challenge or a refusal in challenge form.
 * 0: neither; 1: answered a challenge, post again; -EACCES: refused. */
static int handle_challenge(struct gp_flow *f, const struct oc_http_resp *r)
{
	struct gp_challenge ch = { 0 };
	char *reason = NULL;
	int ret;

	ret = gp_parse_challenge(f->lg, (char *)r->body.data, r->body.len,
				 &ch, &reason);
	if (ret == 1) {
		ret = answer_challenge(f, &ch);
		ret = ret ? ret : 1;
	} else if (ret == -EPERM) {
		set_error(f, reason ? reason : "Login failed");
		ret = -EACCES;
	}
	free(reason);
	gp_challenge_free(&ch);
	return ret;
}

/*
 * Logs in until the server accepts, re-asking the form after bad
 * credentials and answering challenges. On 0, @resp holds the answer.
 */
static int login_loop(struct gp_flow *f, int portal, struct oc_http_resp *resp)
{
	int tries = 0, challenges = 0, ret;

	while (tries < GP_MAX_LOGIN_TRIES && challenges < GP_MAX_LOGIN_TRIES) {
		if (!f->have_creds && (ret = ask_login(f, portal)))
			return ret;
		oc_http_resp_free(resp);
		ret = login_once(f, portal, resp);
		if (ret == 0)
			ret = handle_challenge(f, resp);
		if (ret == 1) {
			challenges++;
			continue;
		}
		creds_clear_answer(&f->cr);
		if (ret != -EACCES)
			return ret;
		oc_err(f->lg, "Login failed: %s", f->error);
		f->have_creds = 0;
		tries++;
	}
	oc_err(f->lg, "Giving up after %d attempts", GP_MAX_LOGIN_TRIES);
	return -EACCES;
}

/* ---- SAML ------------------------------------------------------------------ */

static int saml_via_webview(struct gp_flow *f)
{
	struct oc_auth *a = &f->v->auth;
	char *request = NULL, *uri = NULL;
	int ret;

	ret = gp_prelogin_saml_decode(&f->pl, &request);
	if (ret)
		return ret;
	if (f->pl.saml == GP_SAML_POST) {
		struct oc_text t = OC_TEXT_INIT;

		oc_text_appendf(&t, "data:text/html;base64,%s",
				f->pl.saml_request);
		uri = oc_text_steal(&t);
	} else {
		uri = request;
		request = NULL;
	}
	free(request);
	if (!uri)
		return -ENOMEM;
	oc_info(f->lg, "Opening the SAML login page");
	ret = a->webview(f->v, uri, f->v->cbdata);
	free(uri);
	if (ret || !a->saml_user || !oc_secret_isset(&a->saml_value)) {
		oc_err(f->lg, "The SAML login did not finish");
		return ret ? ret : -EACCES;
	}
	free(f->cr.user);
	f->cr.user = strdup(a->saml_user);
	f->cr.secret_field = a->saml_field;
	f->saml_field = a->saml_field;
	ret = f->cr.user ? oc_secret_set(&f->cr.secret, a->saml_value.val,
					 a->saml_value.len) : -ENOMEM;
	f->have_creds = !ret;
	return ret;
}

/* The server wants a browser login: use the web view, or say how. */
static int handle_saml(struct gp_flow *f, int portal)
{
	if (f->pl.saml == GP_SAML_NONE || f->saml_field)
		return 0;
	if (f->v->auth.webview)
		return saml_via_webview(f);
	oc_err(f->lg, "The %s wants SAML (browser) login. Log in with a SAML "
	       "helper, then give its result: name the cookie field in the "
	       "URL, e.g. https://%s/%s:prelogin-cookie (or "
	       "--usergroup=%s:prelogin-cookie), with -u USER and the cookie "
	       "on standard input",
	       portal ? "portal" : "gateway", f->v->http.host,
	       portal ? "portal" : "gateway", portal ? "portal" : "gateway");
	return -EOPNOTSUPP;
}

/* ---- Gateway and portal ---------------------------------------------------- */

static int store_cookie(struct gp_flow *f, const struct gp_login *l)
{
	struct oc_auth *a = &f->v->auth;
	int ret;

	gp_cookie_free(&a->gpc);
	memset(&a->gpc, 0, sizeof(a->gpc));
	ret = gp_login_to_cookie(l, f->computer, &a->gpc);
	if (!ret)
		ret = gp_cookie_build(&a->gpc, &a->cookie);
	return ret;
}

static int gateway_flow(struct gp_flow *f)
{
	struct oc_http_resp resp = { 0 };
	struct gp_login l = { 0 };
	int ret;

	ret = gp_prelogin(f, 0);
	if (!ret && !f->have_creds)
		ret = handle_saml(f, 0);
	if (!ret)
		ret = login_loop(f, 0, &resp);
	if (ret)
		goto out;
	ret = gp_parse_login(f->lg, (char *)resp.body.data, resp.body.len, &l);
	if (ret == GP_LOGIN_COOKIE)
		ret = store_cookie(f, &l);
	else if (ret > 0)
		ret = -EPROTO;	/* handle_challenge() saw no challenge */
	else if (ret == -EPERM)
		oc_err(f->lg, "The gateway refused the login: %s",
		       l.error ? l.error : "no reason given");
	if (!ret)
		oc_info(f->lg, "Logged in to gateway %s as %s",
			f->v->http.host, l.user);
out:
	gp_login_free(&l);
	oc_http_resp_free(&resp);
	return ret;
}

/* Points the session at the gateway "host[:port]" the portal listed. */
static int switch_to_gateway(struct gp_flow *f, const struct gp_gateway *gw)
{
	struct openconnect_info *v = f->v;
	struct oc_url u = { 0 };
	int ret = oc_url_parse(gw->name, &u);

	if (ret || u.path) {
		oc_err(f->lg, "The portal lists an unusable gateway '%s'",
		       gw->name);
		oc_url_free(&u);
		return -EINVAL;
	}
	oc_info(f->lg, "Using gateway %s (%s)", gw->label, gw->name);
	v->srv.port = u.port;
	ret = openconnect_set_hostname(v, u.host);
	if (!ret)
		ret = openconnect_set_urlpath(v, "gateway");
	oc_url_free(&u);
	return ret;
}

static struct oc_auth_form *gateway_form(const struct gp_portal *p)
{
	struct oc_auth_form *form;
	struct oc_form_opt_select *sel;
	size_t i;

	form = oc_authform_new(OC_FORM_PORTAL, NULL, "Choose a gateway", NULL);
	sel = form ? oc_authform_add_select(form, "gateway", "Gateway") : NULL;
	for (i = 0; sel && i < p->n_gw; i++)
		if (oc_authform_add_choice(sel, p->gw[i].label, p->gw[i].label))
			sel = NULL;
	if (!sel) {
		oc_authform_free(form);
		return NULL;
	}
	return form;
}

static int choose_gateway(struct gp_flow *f, const struct gp_portal *p,
			  const struct gp_gateway **gw)
{
	struct oc_auth_form *form;
	const char *choice;
	int ret;

	if (p->n_gw == 1) {
		*gw = &p->gw[0];
		return 0;
	}
	form = gateway_form(p);
	if (!form)
		return -ENOMEM;
	ret = ask_form(f, form);
	choice = ret ? NULL : oc_authform_value(form, "gateway");
	if (!ret)
		ret = gp_choose_gateway(f->lg, p, choice, gw);
	if (ret == 1) {
		oc_info(f->lg, "No gateway chosen; using the best ranked");
		ret = 0;
	}
	oc_authform_free(form);
	return ret;
}

/* Keeps what the gateway login and getconfig need from the portal. */
static int keep_portal_config(struct gp_flow *f, const struct gp_portal *p)
{
	struct oc_auth *a = &f->v->auth;
	const struct oc_secret *uac = &p->userauthcookie;
	const struct oc_secret *puac = &p->prelogonuserauthcookie;
	int ret = 0;

	free(a->portal_version);
	a->portal_version = p->version ? strdup(p->version) : NULL;
	a->hip_interval = p->hip_interval;
	if (oc_secret_isset(uac))
		ret = oc_secret_set(&f->cr.portal_uac, uac->val, uac->len);
	if (!ret && oc_secret_isset(puac))
		ret = oc_secret_set(&f->cr.portal_puac, puac->val, puac->len);
	if (!ret && oc_secret_isset(uac))
		oc_dbg(f->lg, "The portal handed out a cookie for the gateway login");
	return ret;
}

static int portal_flow(struct gp_flow *f)
{
	struct oc_http_resp resp = { 0 };
	struct gp_portal p = { 0 };
	const struct gp_gateway *gw = NULL;
	int ret;

	ret = gp_prelogin(f, 1);
	if (!ret)
		ret = handle_saml(f, 1);
	if (!ret)
		ret = login_loop(f, 1, &resp);
	if (!ret)
		ret = gp_parse_portal(f->lg, (char *)resp.body.data,
				      resp.body.len, f->pl.region, &p);
	if (!ret)
		ret = keep_portal_config(f, &p);
	if (!ret)
		ret = choose_gateway(f, &p, &gw);
	if (!ret)
		ret = switch_to_gateway(f, gw);
	if (!ret)
		ret = gateway_flow(f);
	gp_portal_free(&p);
	oc_http_resp_free(&resp);
	return ret;
}

static int run_role(struct gp_flow *f)
{
	const char *host = f->v->srv.hostname;
	int ret;

	if (f->role == GP_ROLE_GATEWAY) {
		ret = gateway_flow(f);
		if (ret == GP_WRONG_ROLE)
			oc_err(f->lg, "%s is not a GlobalProtect gateway", host);
		return ret == GP_WRONG_ROLE ? -EINVAL : ret;
	}
	ret = portal_flow(f);
	if (ret != GP_WRONG_ROLE)
		return ret;
	if (f->role == GP_ROLE_PORTAL) {
		oc_err(f->lg, "%s is not a GlobalProtect portal", host);
		return -EINVAL;
	}
	oc_info(f->lg, "No portal at %s; trying it as a gateway", host);
	ret = gateway_flow(f);
	if (ret == GP_WRONG_ROLE) {
		oc_err(f->lg, "%s is neither a GlobalProtect portal nor a gateway",
		       host);
		ret = -EINVAL;
	}
	return ret;
}

int gp_obtain_cookie(struct openconnect_info *v)
{
	struct gp_flow f = { .v = v, .lg = &v->log };
	int ret;

	if (!v->srv.hostname)
		return -EINVAL;
	ret = gp_path_role(v->srv.urlpath, &f.role, &f.saml_field);
	if (ret) {
		oc_err(f.lg, "Unknown SAML field in '%s': use prelogin-cookie, "
		       "portal-userauthcookie or portal-prelogonuserauthcookie",
		       v->srv.urlpath);
		return ret;
	}
	f.computer = gp_computer_name(v);
	ret = f.computer ? oc_http_set_server(&v->http, v->srv.hostname,
					      v->srv.port) : -ENOMEM;
	if (!ret)
		ret = run_role(&f);
	creds_free(&f.cr);
	gp_prelogin_free(&f.pl);
	free(f.error);
	free(f.computer);
	return ret;
}
