/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gp-cookie.h"
#include "gp-parse.h"
#include "log.h"
#include "num.h"
#include "secret.h"
#include "url.h"
#include "xml.h"

/* ---- Common steps ------------------------------------------------------ */

/* The element name for messages; server text, so bounded by the caller. */
static const char *node_name(const xmlNode *n)
{
	return n && n->name ? (const char *)n->name : "(none)";
}

/*
 * Parses @body and checks that its root is @root_name (any when NULL).
 * @what names the answer in messages. -EINVAL for no XML or another root.
 */
static int parse_root(const struct oc_log *lg, const char *body, size_t len,
		      const char *root_name, const char *what,
		      xmlDocPtr *doc, xmlNode **root)
{
	int ret;

	*root = NULL;
	ret = oc_xml_parse(lg, body, len, doc);
	if (ret) {
		oc_err(lg, "The %s answer is not XML", what);
		return -EINVAL;
	}
	*root = xmlDocGetRootElement(*doc);
	if (root_name && !oc_xml_is(*root, root_name)) {
		oc_err(lg, "Unexpected %s answer: root <%.40s>, not <%s>",
		       what, node_name(*root), root_name);
		return -EINVAL;
	}
	return 0;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* Takes a malloc'ed string into @s; NULL leaves @s unset. */
static void take_secret(struct oc_secret *s, char *val)
{
	if (val)
		oc_secret_take(s, val);
}

/* ---- Pre-login --------------------------------------------------------- */

static const struct {
	const char *path;
	size_t off;
} prelogin_texts[] = {
	{ "status",		offsetof(struct gp_prelogin, status) },
	{ "msg",		offsetof(struct gp_prelogin, msg) },
	{ "authentication-message",
				offsetof(struct gp_prelogin, auth_message) },
	{ "username-label",	offsetof(struct gp_prelogin, username_label) },
	{ "password-label",	offsetof(struct gp_prelogin, password_label) },
	{ "saml-auth-method",	offsetof(struct gp_prelogin, saml_method) },
	{ "saml-request",	offsetof(struct gp_prelogin, saml_request) },
	{ "region",		offsetof(struct gp_prelogin, region) },
	{ "panos-version",	offsetof(struct gp_prelogin, panos_version) },
};

#define PRELOGIN_TEXTS	(sizeof(prelogin_texts) / sizeof(prelogin_texts[0]))

static char **prelogin_slot(struct gp_prelogin *p, size_t i)
{
	return (char **)((char *)p + prelogin_texts[i].off);
}

static int prelogin_status(const struct oc_log *lg, struct gp_prelogin *p)
{
	if (!p->status) {
		oc_err(lg, "The pre-login answer has no status");
		return -EINVAL;
	}
	if (!strcasecmp(p->status, "Success"))
		return 0;
	if (strcasecmp(p->status, "Error")) {
		oc_err(lg, "Unknown pre-login status \"%.40s\"", p->status);
		return -EINVAL;
	}
	if (p->msg) {
		p->portal_missing = !!strcasestr(p->msg,
						 "portal does not exist");
		p->gateway_missing = !!strcasestr(p->msg,
						  "gateway does not exist");
	}
	oc_dbg(lg, "Pre-login refused: %.200s",
	       p->msg ? p->msg : "(no reason)");
	return -EPERM;
}

static int prelogin_saml(const struct oc_log *lg, struct gp_prelogin *p)
{
	if (!p->saml_method && !p->saml_request)
		return 0;
	if (!p->saml_method || !p->saml_request) {
		oc_err(lg, "The pre-login answer has only half of SAML (%s)",
		       p->saml_method ? "no saml-request" :
					"no saml-auth-method");
		return -EINVAL;
	}
	if (!strcasecmp(p->saml_method, "REDIRECT")) {
		p->saml = GP_SAML_REDIRECT;
	} else if (!strcasecmp(p->saml_method, "POST")) {
		p->saml = GP_SAML_POST;
	} else {
		oc_err(lg, "Unknown SAML method \"%.40s\"", p->saml_method);
		return -EOPNOTSUPP;
	}
	return 0;
}

int gp_parse_prelogin(const struct oc_log *lg, const char *body, size_t len,
		      struct gp_prelogin *out)
{
	xmlDocPtr doc = NULL;
	xmlNode *root;
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = parse_root(lg, body, len, "prelogin-response", "pre-login",
			 &doc, &root);
	if (ret)
		goto out;
	for (i = 0; i < PRELOGIN_TEXTS; i++)
		*prelogin_slot(out, i) =
			oc_xml_find_text(root, prelogin_texts[i].path);
	ret = prelogin_status(lg, out);
	if (!ret)
		ret = prelogin_saml(lg, out);
out:
	oc_xml_free(doc);
	if (ret && ret != -EPERM)
		gp_prelogin_free(out);
	return ret;
}

/* Copies the base64 text without white space, padded to a quad. */
static char *base64_clean(const char *in, size_t *n)
{
	char *s = malloc(strlen(in) + 4);
	size_t o = 0;

	if (!s)
		return NULL;
	for (; *in; in++)
		if (!isspace((unsigned char)*in))
			s[o++] = *in;
	while (o % 4 && o % 4 != 1)
		s[o++] = '=';
	s[o] = '\0';
	*n = o;
	return s;
}

int gp_prelogin_saml_decode(const struct gp_prelogin *p, char **out)
{
	size_t n = 0, outlen = 0;
	char *clean, *buf = NULL;
	int ret;

	*out = NULL;
	if (p->saml == GP_SAML_NONE || !p->saml_request)
		return -ENOENT;
	clean = base64_clean(p->saml_request, &n);
	if (clean)
		buf = malloc(n / 4 * 3 + 1);
	ret = buf ? 0 : -ENOMEM;
	if (!ret)
		ret = oc_base64_decode(clean, n, (unsigned char *)buf,
				       n / 4 * 3, &outlen);
	if (!ret && memchr(buf, '\0', outlen))
		ret = -EINVAL;
	free(clean);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[outlen] = '\0';
	*out = buf;
	return 0;
}

void gp_prelogin_free(struct gp_prelogin *p)
{
	size_t i;

	for (i = 0; i < PRELOGIN_TEXTS; i++)
		free(*prelogin_slot(p, i));
	memset(p, 0, sizeof(*p));
}

/* ---- 2FA challenges: the JavaScript shapes ------------------------------- */

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
			   s[i] == '\n'))
		i++;
	return i;
}

static char js_escape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return c;	/* \" \' \\ \/ and the rest: the character */
	}
}

/*
 * Reads the string literal whose quote is at s[i] into *out. The text may
 * be a token, so the copy is treated as a secret. 1, or -EINVAL when it
 * does not end on its line, or -ENOMEM.
 */
static int js_unquote(const char *s, size_t len, size_t i, char **out)
{
	struct oc_text t = OC_TEXT_INIT;
	char q = s[i++], c;
	int ret = -EINVAL;

	t.secret = 1;
	while (i < len) {
		c = s[i++];
		if (c == q) {
			ret = 1;
			break;
		}
		if (c == '\n')
			break;	/* a line end in the text, not an escaped one */
		if (c == '\\' && i < len)
			c = js_escape(s[i++]);
		if (c == '\0')
			break;
		oc_text_append_len(&t, &c, 1);
	}
	if (ret == 1) {
		*out = oc_text_steal(&t);
		if (!*out)
			ret = -ENOMEM;
	}
	oc_text_free(&t);
	return ret;
}

/*
 * Finds `NAME = "value"` (or single quotes, any spacing) where NAME does
 * not continue an identifier. 1 with *out set, 0 when absent, -EINVAL for
 * an unterminated string, -ENOMEM.
 */
static int js_find(const char *s, size_t len, const char *name, char **out)
{
	size_t nlen = strlen(name), i = 0, at, j;
	const char *p;

	*out = NULL;
	while (i < len && (p = memmem(s + i, len - i, name, nlen))) {
		at = (size_t)(p - s);
		i = at + 1;
		if (at && is_ident(s[at - 1]))
			continue;
		j = skip_space(s, len, at + nlen);
		if (j >= len || s[j] != '=')
			continue;
		j = skip_space(s, len, j + 1);
		if (j < len && (s[j] == '"' || s[j] == '\''))
			return js_unquote(s, len, j, out);
	}
	return 0;
}

static char *nonempty(char *s)
{
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* The respStatus "Challenge" shape; @msg is taken. */
static int js_challenge(const char *s, size_t len, char *msg,
			struct gp_challenge *ch)
{
	char *tok = NULL;
	int ret;

	ret = js_find(s, len, "inputStr.value", &tok);
	if (ret < 0) {
		free(msg);
		return ret;
	}
	ch->prompt = nonempty(msg);
	if (tok && *tok)
		oc_secret_take(&ch->token, tok);
	else
		free(tok);
	return 1;
}

/* The JavaScript (or HTML around it) answer; 0 when there is none. */
static int js_answer(const struct oc_log *lg, const char *s, size_t len,
		     struct gp_challenge *ch, char **error)
{
	char *status = NULL, *msg = NULL;
	int ret;

	ret = js_find(s, len, "respStatus", &status);
	if (ret > 0)
		ret = js_find(s, len, "respMsg", &msg);
	if (ret < 0) {
		oc_err(lg, "Unterminated string in the login answer's script");
		goto out;
	}
	if (!status)
		goto out;
	if (!strcasecmp(status, "Challenge")) {
		ret = js_challenge(s, len, msg, ch);
		msg = NULL;
	} else if (!strcasecmp(status, "Error")) {
		*error = nonempty(msg);
		msg = NULL;
		ret = -EPERM;
	} else {
		oc_err(lg, "Unknown respStatus \"%.40s\"", status);
		ret = -EINVAL;
	}
out:
	free(status);
	free(msg);
	return ret;
}

static int xml_challenge(const xmlNode *root, struct gp_challenge *ch)
{
	ch->prompt = oc_xml_find_text(root, "respmsg");
	take_secret(&ch->token, oc_xml_find_text(root, "inputstr"));
	return GP_LOGIN_CHALLENGE;
}

int gp_parse_challenge(const struct oc_log *lg, const char *body, size_t len,
		       struct gp_challenge *ch, char **error)
{
	xmlDocPtr doc = NULL;
	xmlNode *root;
	int ret;

	memset(ch, 0, sizeof(*ch));
	*error = NULL;
	ret = js_answer(lg, body, len, ch, error);
	if (ret)
		return ret;
	if (oc_xml_parse(lg, body, len, &doc))
		return 0;
	root = xmlDocGetRootElement(doc);
	if (oc_xml_is(root, "challenge"))
		ret = xml_challenge(root, ch);
	oc_xml_free(doc);
	return ret;
}

void gp_challenge_free(struct gp_challenge *ch)
{
	free(ch->prompt);
	oc_secret_clear(&ch->token);
	memset(ch, 0, sizeof(*ch));
}

/* ---- The gateway's login answer --------------------------------------- */

#define JNLP_MAX_ARGS	32

enum {
	ARG_AUTHCOOKIE = 1,
	ARG_PERSISTENT = 2,
	ARG_PORTAL = 3,
	ARG_USER = 4,
	ARG_AUTH_SOURCE = 5,
	ARG_CONFIG = 6,
	ARG_DOMAIN = 7,
	ARG_CONN_TYPE = 12,
	ARG_PW_EXPIRY = 13,
	ARG_VERSION = 14,
	ARG_IPV4 = 15,
	ARG_IPV6 = 18,
};

/* The <argument> texts in order, NULL where missing. -EINVAL: no list. */
static int jnlp_args(const xmlNode *root, char **args)
{
	const xmlNode *desc = oc_xml_child(root, "application-desc");
	const xmlNode *a;
	size_t i = 0;

	if (!desc)
		return -EINVAL;
	for (a = oc_xml_child(desc, "argument"); a && i < JNLP_MAX_ARGS;
	     a = oc_xml_next(a, "argument"))
		args[i++] = oc_xml_text(a);
	return 0;
}

/* Moves args[i] out of the array. */
static char *take_arg(char **args, int i)
{
	char *s = args[i];

	args[i] = NULL;
	return s;
}

static int jnlp_required(const struct oc_log *lg, char **args,
			 struct gp_login *out)
{
	if (!args[ARG_AUTHCOOKIE]) {
		oc_err(lg, "The gateway's login answer has no authcookie");
		return -EINVAL;
	}
	if (!args[ARG_USER]) {
		oc_err(lg, "The gateway's login answer has no user name");
		return -EINVAL;
	}
	oc_secret_take(&out->authcookie, take_arg(args, ARG_AUTHCOOKIE));
	out->user = take_arg(args, ARG_USER);
	return 0;
}

static int jnlp_tunnel(const struct oc_log *lg, char **args)
{
	const char *type = args[ARG_CONN_TYPE], *ver = args[ARG_VERSION];

	if (!type || strcasecmp(type, "tunnel")) {
		oc_err(lg, "The gateway offers connection type \"%.40s\"; "
		       "only \"tunnel\" is supported", type ? type : "");
		return -EPROTO;
	}
	if (!ver || strcmp(ver, GP_PROTOCOL_VERSION)) {
		oc_err(lg, "The gateway speaks protocol version \"%.40s\"; "
		       "only %s is supported", ver ? ver : "",
		       GP_PROTOCOL_VERSION);
		return -EPROTO;
	}
	return 0;
}

/* The domain comes URL-encoded ("%28empty_domain%29"). */
static char *decode_domain(const struct oc_log *lg, char *raw)
{
	char *dec;
	int err = 0;

	if (!raw)
		return NULL;
	dec = oc_form_decode(raw, strlen(raw), &err);
	if (!dec) {
		oc_dbg(lg, "Domain is not URL-encoded text; kept as sent");
		return raw;
	}
	free(raw);
	return dec;
}

static char *valid_ip(const struct oc_log *lg, char *s, int af)
{
	unsigned char addr[16];

	if (s && inet_pton(af, s, addr) != 1) {
		oc_dbg(lg, "Ignoring invalid preferred IPv%c address",
		       af == AF_INET ? '4' : '6');
		free(s);
		s = NULL;
	}
	return s;
}

static void jnlp_expiry(const struct oc_log *lg, const char *s,
			struct gp_login *out)
{
	if (!s)
		return;
	if (oc_parse_int(s, 0, INT_MAX, &out->pw_expiry_days)) {
		oc_dbg(lg, "Ignoring invalid password expiry \"%.20s\"", s);
		return;
	}
	oc_info(lg, "Your password expires in %d days", out->pw_expiry_days);
}

static void jnlp_optional(const struct oc_log *lg, char **args,
			  struct gp_login *out)
{
	take_secret(&out->persistent_cookie, take_arg(args, ARG_PERSISTENT));
	out->portal = take_arg(args, ARG_PORTAL);
	out->auth_source = take_arg(args, ARG_AUTH_SOURCE);
	out->config = take_arg(args, ARG_CONFIG);
	out->domain = decode_domain(lg, take_arg(args, ARG_DOMAIN));
	out->preferred_ip = valid_ip(lg, take_arg(args, ARG_IPV4), AF_INET);
	out->preferred_ipv6 = valid_ip(lg, take_arg(args, ARG_IPV6),
				       AF_INET6);
	jnlp_expiry(lg, args[ARG_PW_EXPIRY], out);

	if (!oc_secret_isset(&out->persistent_cookie))
		oc_dbg(lg, "The login answer has no persistent cookie");
	if (!out->config)
		oc_dbg(lg, "The login answer names no configuration");
	if (!out->portal)
		oc_info(lg, "The login answer names no portal");
	if (!out->domain)
		oc_info(lg, "The login answer names no domain");
}

static int jnlp_login(const struct oc_log *lg, const xmlNode *root,
		      struct gp_login *out)
{
	char *args[JNLP_MAX_ARGS] = { NULL };
	size_t i;
	int ret;

	ret = jnlp_args(root, args);
	if (ret) {
		oc_err(lg, "The gateway's login answer has no arguments");
		goto out;
	}
	ret = jnlp_required(lg, args, out);
	if (!ret)
		ret = jnlp_tunnel(lg, args);
	if (!ret)
		jnlp_optional(lg, args, out);
out:
	for (i = 0; i < JNLP_MAX_ARGS; i++)
		oc_free_str_secret(args[i]);
	return ret;
}

/* Login answers of the shape <response status="error"><error>why... */
static int xml_error(const xmlNode *root, char **error)
{
	char *status = oc_xml_attr(root, "status");
	int is_err = status && !strcasecmp(status, "error");

	free(status);
	if (!is_err)
		return 0;
	*error = oc_xml_find_text(root, "error");
	if (!*error)
		*error = oc_xml_find_text(root, "msg");
	return 1;
}

static int login_xml(const struct oc_log *lg, const char *body, size_t len,
		     struct gp_login *out)
{
	xmlDocPtr doc = NULL;
	xmlNode *root;
	int ret;

	ret = parse_root(lg, body, len, NULL, "login", &doc, &root);
	if (ret)
		goto out;
	if (oc_xml_is(root, "challenge")) {
		ret = xml_challenge(root, &out->challenge);
	} else if (oc_xml_is(root, "jnlp")) {
		ret = jnlp_login(lg, root, out);
	} else if (xml_error(root, &out->error)) {
		ret = -EPERM;
	} else {
		oc_err(lg, "Unexpected login answer: root <%.40s>",
		       node_name(root));
		ret = -EINVAL;
	}
out:
	oc_xml_free(doc);
	return ret;
}

int gp_parse_login(const struct oc_log *lg, const char *body, size_t len,
		   struct gp_login *out)
{
	char *error;
	int ret;

	memset(out, 0, sizeof(*out));
	out->pw_expiry_days = -1;
	ret = js_answer(lg, body, len, &out->challenge, &out->error);
	if (!ret)
		ret = login_xml(lg, body, len, out);
	if (ret < 0) {
		error = out->error;
		out->error = NULL;
		gp_login_free(out);
		if (ret == -EPERM)
			out->error = error;
		else
			free(error);
	}
	return ret;
}

int gp_login_to_cookie(const struct gp_login *l, const char *computer,
		       struct gp_cookie *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	if (!oc_secret_isset(&l->authcookie))
		return -EINVAL;
	ret = oc_secret_set(&c->authcookie, l->authcookie.val,
			    l->authcookie.len);
	if (!ret)
		ret = dup_opt(&c->portal, l->portal);
	if (!ret)
		ret = dup_opt(&c->user, l->user);
	if (!ret)
		ret = dup_opt(&c->domain, l->domain);
	if (!ret)
		ret = dup_opt(&c->preferred_ip, l->preferred_ip);
	if (!ret)
		ret = dup_opt(&c->preferred_ipv6, l->preferred_ipv6);
	if (!ret)
		ret = dup_opt(&c->computer, computer);
	if (ret)
		gp_cookie_free(c);
	return ret;
}

void gp_login_free(struct gp_login *l)
{
	oc_secret_clear(&l->authcookie);
	oc_secret_clear(&l->persistent_cookie);
	free(l->portal);
	free(l->user);
	free(l->auth_source);
	free(l->config);
	free(l->domain);
	free(l->preferred_ip);
	free(l->preferred_ipv6);
	gp_challenge_free(&l->challenge);
	free(l->error);
	memset(l, 0, sizeof(*l));
	l->pw_expiry_days = -1;
}

/* ---- The portal's configuration --------------------------------------- */

static int rule_matches(const xmlNode *rule, const char *region)
{
	char *name = oc_xml_attr(rule, "name");
	int match = name && (!strcasecmp(name, "Any") ||
			     (region && !strcasecmp(name, region)));

	free(name);
	return match;
}

/* 1 with *prio the lowest matching priority, 0 when no rule matched. */
static int gateway_rank(const struct oc_log *lg, const xmlNode *entry,
			const char *region, int *prio)
{
	const xmlNode *rules = oc_xml_child(entry, "priority-rule");
	const xmlNode *r;
	int matched = 0, p;
	char *text;

	for (r = oc_xml_child(rules, "entry"); r; r = oc_xml_next(r, "entry")) {
		if (!rule_matches(r, region))
			continue;
		text = oc_xml_find_text(r, "priority");
		if (!text || oc_parse_int(text, 0, INT_MAX, &p)) {
			oc_dbg(lg, "Ignoring a priority rule without a valid "
			       "priority");
			free(text);
			continue;
		}
		free(text);
		if (!matched || p < *prio)
			*prio = p;
		matched = 1;
	}
	return matched;
}

static int add_gateway(const struct oc_log *lg, const xmlNode *entry,
		       const char *region, struct gp_portal *out)
{
	struct gp_gateway *gw = &out->gw[out->n_gw];
	char *name = oc_xml_attr(entry, "name");

	if (oc_is_missing(name)) {
		oc_dbg(lg, "Ignoring a gateway entry without a name");
		free(name);
		return 0;
	}
	gw->name = name;
	out->n_gw++;
	gw->label = oc_xml_find_text(entry, "description");
	if (!gw->label)
		gw->label = strdup(name);
	if (!gw->label)
		return -ENOMEM;
	gw->matched = gateway_rank(lg, entry, region, &gw->priority);
	return 0;
}

static int ranks_before(const struct gp_gateway *a,
			const struct gp_gateway *b)
{
	return a->matched && (!b->matched || a->priority < b->priority);
}

/* Insertion sort: stable, and the lists are short. */
static void rank_gateways(struct gp_gateway *gw, size_t n)
{
	struct gp_gateway cur;
	size_t i, j;

	for (i = 1; i < n; i++) {
		cur = gw[i];
		for (j = i; j > 0 && ranks_before(&cur, &gw[j - 1]); j--)
			gw[j] = gw[j - 1];
		gw[j] = cur;
	}
}

static int portal_gateways(const struct oc_log *lg, const xmlNode *root,
			   const char *region, struct gp_portal *out)
{
	const xmlNode *list = oc_xml_find(root, "gateways/external/list");
	const xmlNode *e;
	size_t n = 0;
	int ret = 0;

	for (e = oc_xml_child(list, "entry"); e && n < GP_PORTAL_MAX_GATEWAYS;
	     e = oc_xml_next(e, "entry"))
		n++;
	if (n) {
		out->gw = calloc(n, sizeof(*out->gw));
		if (!out->gw)
			return -ENOMEM;
	}
	for (e = oc_xml_child(list, "entry"); e && out->n_gw < n && !ret;
	     e = oc_xml_next(e, "entry"))
		ret = add_gateway(lg, e, region, out);
	if (!ret && !out->n_gw) {
		oc_err(lg, "The portal's configuration lists no gateway");
		ret = -ENOENT;
	}
	if (!ret)
		rank_gateways(out->gw, out->n_gw);
	return ret;
}

/* A portal cookie, unless missing or the literal "empty". */
static void portal_cookie(const xmlNode *root, const char *path,
			  struct oc_secret *s)
{
	char *v = oc_xml_find_text(root, path);

	if (v && !strcasecmp(v, "empty")) {
		oc_free_str_secret(v);
		v = NULL;
	}
	take_secret(s, v);
}

static void portal_settings(const struct oc_log *lg, const xmlNode *root,
			    struct gp_portal *out)
{
	char *hip;

	portal_cookie(root, "portal-userauthcookie", &out->userauthcookie);
	portal_cookie(root, "portal-prelogonuserauthcookie",
		      &out->prelogonuserauthcookie);
	out->version = oc_xml_find_text(root, "version");
	hip = oc_xml_find_text(root, "hip-collection/hip-report-interval");
	if (hip && oc_parse_int(hip, 1, INT_MAX, &out->hip_interval)) {
		oc_dbg(lg, "Ignoring invalid hip-report-interval \"%.20s\"",
		       hip);
		out->hip_interval = 0;
	}
	free(hip);
}

static int refuses_client(const struct oc_log *lg, const xmlNode *root)
{
	char *has = oc_xml_find_text(root, "has-config");
	int no = has && !strcasecmp(has, "no");

	free(has);
	if (no)
		oc_err(lg, "The portal has no configuration for this client; "
		       "some portals refuse a client by its reported OS "
		       "(see --os)");
	return no;
}

int gp_parse_portal(const struct oc_log *lg, const char *body, size_t len,
		    const char *region, struct gp_portal *out)
{
	xmlDocPtr doc = NULL;
	xmlNode *root;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = parse_root(lg, body, len, NULL, "portal configuration",
			 &doc, &root);
	if (ret)
		goto out;
	if (refuses_client(lg, root)) {
		ret = -EACCES;
		goto out;
	}
	if (!oc_xml_is(root, "policy")) {
		oc_err(lg, "Unexpected portal configuration: root <%.40s>, "
		       "not <policy>", node_name(root));
		ret = -EINVAL;
		goto out;
	}
	ret = portal_gateways(lg, root, region, out);
	if (!ret)
		portal_settings(lg, root, out);
out:
	oc_xml_free(doc);
	if (ret)
		gp_portal_free(out);
	return ret;
}

static int has_prefix(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* Logs the gateways whose label starts with @prefix (all when NULL). */
static void list_gateways(const struct oc_log *lg, const struct gp_portal *p,
			  const char *prefix)
{
	size_t i;

	for (i = 0; i < p->n_gw; i++)
		if (!prefix || has_prefix(p->gw[i].label, prefix))
			oc_err(lg, "  %s (%s)", p->gw[i].label, p->gw[i].name);
}

/* Index of the first gateway whose label (or name) is @s, or -1. */
static long find_exact(const struct gp_portal *p, const char *s, int name)
{
	size_t i;

	for (i = 0; i < p->n_gw; i++)
		if (!strcasecmp(name ? p->gw[i].name : p->gw[i].label, s))
			return (long)i;
	return -1;
}

/* Index of the only gateway whose label starts with @s; -1 for none,
 * -2 for several. */
static long find_prefix(const struct gp_portal *p, const char *s)
{
	long found = -1;
	size_t i;

	for (i = 0; i < p->n_gw; i++) {
		if (!has_prefix(p->gw[i].label, s))
			continue;
		if (found >= 0)
			return -2;
		found = (long)i;
	}
	return found;
}

int gp_choose_gateway(const struct oc_log *lg, const struct gp_portal *p,
		      const char *authgroup, const struct gp_gateway **out)
{
	long i;

	if (!p->n_gw) {
		oc_err(lg, "The portal offers no gateway");
		return -ENOENT;
	}
	if (!authgroup || !*authgroup) {
		*out = &p->gw[0];
		return p->n_gw == 1 ? 0 : 1;
	}
	i = find_exact(p, authgroup, 0);
	if (i < 0)
		i = find_exact(p, authgroup, 1);
	if (i < 0)
		i = find_prefix(p, authgroup);
	if (i >= 0) {
		*out = &p->gw[i];
		return 0;
	}
	if (i == -2) {
		oc_err(lg, "Gateway \"%s\" is ambiguous; it may be:",
		       authgroup);
		list_gateways(lg, p, authgroup);
		return -EEXIST;
	}
	oc_err(lg, "No gateway \"%s\"; the portal offers:", authgroup);
	list_gateways(lg, p, NULL);
	return -ENOENT;
}

void gp_portal_free(struct gp_portal *p)
{
	size_t i;

	for (i = 0; i < p->n_gw; i++) {
		free(p->gw[i].name);
		free(p->gw[i].label);
	}
	free(p->gw);
	oc_secret_clear(&p->userauthcookie);
	oc_secret_clear(&p->prelogonuserauthcookie);
	free(p->version);
	memset(p, 0, sizeof(*p));
}
