/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GlobalProtect answers, read from recorded-style fixtures: pre-login,
 * the gateway's login answer, the three challenge shapes, the portal's
 * configuration with the gateway ranking, and the gateway choice. Every
 * case captures the log at trace level and checks that no cookie or
 * token reached it.
 *
 * Fixtures are read from $FIXTUREDIR, else $TOP_SRCDIR/tests/fixtures,
 * else tests/fixtures; each is loaded into a buffer of exactly its size
 * (no NUL after it), so a parser reading past the end shows up under
 * valgrind.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gp-cookie.h"
#include "gp-parse.h"
#include "log.h"
#include "secret.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- Helpers ------------------------------------------------------------ */

struct logcap {
	char text[32768];
	size_t len;
	int count;
};

static void __attribute__((format(printf, 3, 4)))
capture(void *priv, int level, const char *fmt, ...)
{
	struct logcap *c = priv;
	size_t room = sizeof(c->text) - c->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->text + c->len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n < room ? (size_t)n : room - 1;
	c->count++;
}

static void log_start(struct oc_log *lg, struct logcap *c)
{
	memset(c, 0, sizeof(*c));
	oc_log_init(lg, capture, c);
	lg->level = PRG_TRACE;
}

/* Every secret of the fixtures, and a prefix of each. */
static const char *const secrets[] = {
	"9f8e7d6c5b4a39281706f5e4d3c2b1a0",		/* authcookie */
	"c0ffee00deadbeef1234567890abcdef0badf00d",	/* persistent */
	"Pu7cKq2xZb9WmA4sLr0VnE3yTg6HdJ1o",		/* portal cookie */
	"PreL0gon5ecretXyZ98",				/* prelogon cookie */
	"6a3c8f0e1b2d4e5f",				/* challenge tokens */
	"5ef2a3b4c5d6e7f8",
	"0a1b2c3d4e5f6071",
	"tok\\en-42",
	"9f8e7d6c", "c0ffee00", "Pu7cKq2x", "PreL0gon", "6a3c8f0e",
	"5ef2a3b4", "0a1b2c3d",
};

static void assert_log_clean(const struct logcap *c)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(secrets); i++)
		if (strstr(c->text, secrets[i]))
			fail_msg("secret \"%s\" in the log:\n%s", secrets[i],
				 c->text);
}

static char *fixture_path(const char *name)
{
	const char *dir = getenv("FIXTUREDIR");
	const char *top = getenv("TOP_SRCDIR");
	char *path;
	int n;

	if (dir && *dir)
		n = asprintf(&path, "%s/%s", dir, name);
	else if (top && *top)
		n = asprintf(&path, "%s/tests/fixtures/%s", top, name);
	else
		n = asprintf(&path, "tests/fixtures/%s", name);
	assert_true(n > 0);
	return path;
}

/* The fixture in a malloc'ed buffer of exactly *len bytes. */
static char *load(const char *name, size_t *len)
{
	char *path = fixture_path(name), *buf;
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		fail_msg("cannot open fixture %s (set FIXTUREDIR)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc(size ? (size_t)size : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	free(path);
	*len = (size_t)size;
	return buf;
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got ? got : "(null)", want);
	else
		assert_null(got);
}

static void assert_secret(const struct oc_secret *s, const char *want)
{
	if (want) {
		assert_true(oc_secret_isset(s));
		assert_string_equal(oc_secret_get(s), want);
	} else {
		assert_false(oc_secret_isset(s));
	}
}

/* NULL, or a substring the log must contain. */
static void assert_logged(const struct logcap *c, const char *want)
{
	if (want && !strstr(c->text, want))
		fail_msg("\"%s\" not in the log:\n%s", want, c->text);
}

/* ---- Pre-login ---------------------------------------------------------- */

struct prelogin_case {
	const char *file;
	int ret;
	const char *status, *msg, *auth, *ulabel, *plabel;
	enum gp_saml saml;
	const char *region, *panos;
	int portal_missing, gateway_missing;
	const char *logged;
};

static const struct prelogin_case prelogin_cases[] = {
	{ "prelogin-ok.xml", 0, "Success", NULL,
	  "Enter login credentials", "Username", "Password",
	  GP_SAML_NONE, "US", "1", 0, 0, NULL },
	{ "prelogin-saml-redirect.xml", 0, "Success", NULL,
	  "Enter login credentials", "Username", "Password",
	  GP_SAML_REDIRECT, "DE", "1", 0, 0, NULL },
	{ "prelogin-saml-post.xml", 0, "Success", NULL,
	  "Enter login credentials", "Username", "Password",
	  GP_SAML_POST, "10.0.0.0-10.255.255.255", "1", 0, 0, NULL },
	{ "prelogin-portal-missing.xml", -EPERM, "Error",
	  "GlobalProtect portal does not exist", NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 1, 0, NULL },
	{ "prelogin-gateway-missing.xml", -EPERM, "Error",
	  "GlobalProtect gateway does not exist", NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 0, 1, NULL },
	{ "prelogin-error.xml", -EPERM, "Error",
	  "Valid client certificate is required", NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 0, 0, NULL },
	{ "prelogin-no-status.xml", -EINVAL, NULL, NULL, NULL, NULL,
	  NULL, GP_SAML_NONE, NULL, NULL, 0, 0, "no status" },
	{ "prelogin-bad-status.xml", -EINVAL, NULL, NULL, NULL, NULL,
	  NULL, GP_SAML_NONE, NULL, NULL, 0, 0, "\"Maybe\"" },
	{ "prelogin-saml-half.xml", -EINVAL, NULL, NULL, NULL, NULL,
	  NULL, GP_SAML_NONE, NULL, NULL, 0, 0, "no saml-request" },
	{ "prelogin-saml-unknown.xml", -EOPNOTSUPP, NULL, NULL, NULL,
	  NULL, NULL, GP_SAML_NONE, NULL, NULL, 0, 0, "ARTIFACT" },
	{ "download-page.html", -EINVAL, NULL, NULL, NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 0, 0, "root <html>" },
	{ "garbage.txt", -EINVAL, NULL, NULL, NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 0, 0, "not XML" },
	{ "login-jnlp.xml", -EINVAL, NULL, NULL, NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 0, 0, "root <jnlp>" },
	{ "challenge.js", -EINVAL, NULL, NULL, NULL, NULL, NULL,
	  GP_SAML_NONE, NULL, NULL, 0, 0, "not XML" },
};

static void check_prelogin(const struct prelogin_case *c,
			   const struct gp_prelogin *p)
{
	assert_str_or_null(p->status, c->status);
	assert_str_or_null(p->msg, c->msg);
	assert_str_or_null(p->auth_message, c->auth);
	assert_str_or_null(p->username_label, c->ulabel);
	assert_str_or_null(p->password_label, c->plabel);
	assert_int_equal(p->saml, c->saml);
	assert_int_equal(!!p->saml_request, c->saml != GP_SAML_NONE);
	assert_str_or_null(p->region, c->region);
	assert_str_or_null(p->panos_version, c->panos);
	assert_int_equal(p->portal_missing, c->portal_missing);
	assert_int_equal(p->gateway_missing, c->gateway_missing);
}

static void test_prelogin(void **state)
{
	const struct prelogin_case *c;
	struct gp_prelogin p;
	struct logcap cap;
	struct oc_log lg;
	size_t i, len;
	char *body;

	for (i = 0; i < ARRAY_LEN(prelogin_cases); i++) {
		c = &prelogin_cases[i];
		print_message("case %zu: %s\n", i, c->file);
		log_start(&lg, &cap);
		body = load(c->file, &len);
		assert_int_equal(gp_parse_prelogin(&lg, body, len, &p),
				 c->ret);
		check_prelogin(c, &p);
		assert_logged(&cap, c->logged);
		assert_log_clean(&cap);
		gp_prelogin_free(&p);
		free(body);
	}
}

/* A stray '&' and a misspelt closing tag: still read, and what the damage
 * did not touch is intact. */
static void test_prelogin_broken(void **state)
{
	struct gp_prelogin p;
	struct logcap cap;
	struct oc_log lg;
	size_t len;
	char *body = load("prelogin-broken.xml", &len);

	log_start(&lg, &cap);
	assert_int_equal(gp_parse_prelogin(&lg, body, len, &p), 0);
	assert_string_equal(p.status, "Success");
	assert_non_null(p.auth_message);
	assert_non_null(strstr(p.auth_message, "Marketing"));
	assert_string_equal(p.username_label, "User");
	assert_string_equal(p.password_label, "Passcode");
	assert_string_equal(p.region, "FR");
	assert_logged(&cap, "not well-formed");
	gp_prelogin_free(&p);
	free(body);
}

static void test_saml_decode(void **state)
{
	static const char redirect[] = "https://idp.example.com/saml2/sso?"
		"SAMLRequest=fZJNb9swDIbv%2B8l0&RelayState=gp-portal-7a31";
	struct gp_prelogin p;
	size_t len, plen;
	char *body, *page, *out;

	body = load("prelogin-saml-redirect.xml", &len);
	assert_int_equal(gp_parse_prelogin(NULL, body, len, &p), 0);
	assert_int_equal(gp_prelogin_saml_decode(&p, &out), 0);
	assert_string_equal(out, redirect);
	free(out);
	gp_prelogin_free(&p);
	free(body);

	/* POST: a page folded over several lines of base64. */
	body = load("prelogin-saml-post.xml", &len);
	page = load("saml-post-page.html", &plen);
	assert_int_equal(gp_parse_prelogin(NULL, body, len, &p), 0);
	assert_int_equal(gp_prelogin_saml_decode(&p, &out), 0);
	assert_int_equal(strlen(out), plen);
	assert_memory_equal(out, page, plen);
	free(out);

	/* Unpadded base64 is accepted; bad base64 and NULs are not. */
	free(p.saml_request);
	p.saml_request = strdup("aHR0cHM6Ly9pZHAvYQ");	/* "https://idp/a" */
	assert_int_equal(gp_prelogin_saml_decode(&p, &out), 0);
	assert_string_equal(out, "https://idp/a");
	free(out);
	free(p.saml_request);
	p.saml_request = strdup("aHR0c*M6Ly9p");
	assert_int_equal(gp_prelogin_saml_decode(&p, &out), -EINVAL);
	assert_null(out);
	free(p.saml_request);
	p.saml_request = strdup("YQBi");			/* "a\0b" */
	assert_int_equal(gp_prelogin_saml_decode(&p, &out), -EINVAL);
	assert_null(out);
	gp_prelogin_free(&p);
	free(page);
	free(body);

	body = load("prelogin-ok.xml", &len);
	assert_int_equal(gp_parse_prelogin(NULL, body, len, &p), 0);
	assert_int_equal(gp_prelogin_saml_decode(&p, &out), -ENOENT);
	assert_null(out);
	gp_prelogin_free(&p);
	free(body);
}

/* ---- The login answer --------------------------------------------------- */

struct login_case {
	const char *file;
	int ret;
	const char *authcookie, *persistent, *portal, *user, *source;
	const char *config, *domain;
	int expiry;
	const char *ip, *ipv6;
	const char *prompt, *token, *error;
	const char *logged;
};

static const struct login_case login_cases[] = {
	{ "login-jnlp.xml", GP_LOGIN_COOKIE,
	  "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
	  "c0ffee00deadbeef1234567890abcdef0badf00d", "GP-Portal", "jdoe",
	  "LDAP-auth", "vsys1", "(empty_domain)", -1, "198.18.10.7",
	  "2001:db8:10::7", NULL, NULL, NULL, NULL },
	{ "login-jnlp-expiry.xml", GP_LOGIN_COOKIE,
	  "9f8e7d6c5b4a39281706f5e4d3c2b1a0", NULL, NULL,
	  "JDoe@Example.COM", "LDAP-auth", NULL, "example.com", 7, NULL,
	  NULL, NULL, NULL, NULL, "expires in 7 days" },
	{ "login-jnlp-expiry.xml", GP_LOGIN_COOKIE,
	  "9f8e7d6c5b4a39281706f5e4d3c2b1a0", NULL, NULL,
	  "JDoe@Example.COM", "LDAP-auth", NULL, "example.com", 7, NULL,
	  NULL, NULL, NULL, NULL, "names no portal" },
	{ "login-jnlp-version.xml", -EPROTO, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "protocol version \"3000\"" },
	{ "login-jnlp-conntype.xml", -EPROTO, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "connection type \"clientless\"" },
	{ "login-jnlp-noauthcookie.xml", -EINVAL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "no authcookie" },
	{ "login-jnlp-nouser.xml", -EINVAL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL, "no user name" },
	{ "login-jnlp-short.xml", -EPROTO, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL, "connection type" },
	{ "login-error.xml", -EPERM, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL, NULL, NULL, NULL, "Invalid username or password",
	  NULL },
	{ "login-error.js", -EPERM, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL, NULL, NULL, NULL,
	  "Authentication failed: Invalid username or password", NULL },
	{ "login-error.html", -EPERM, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL, NULL, NULL, NULL, "Account locked", NULL },
	{ "login-error-nomsg.js", -EPERM, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "challenge.xml", GP_LOGIN_CHALLENGE, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL,
	  "Enter the code from your authenticator app", "6a3c8f0e1b2d4e5f",
	  NULL, NULL },
	{ "challenge.js", GP_LOGIN_CHALLENGE, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, "Please enter the one-time password",
	  "5ef2a3b4c5d6e7f8", NULL, NULL },
	{ "challenge.html", GP_LOGIN_CHALLENGE, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, -1, NULL, NULL,
	  "Enter the verification code sent to +1 555 0100",
	  "0a1b2c3d4e5f6071", NULL, NULL },
	{ "challenge-odd.js", GP_LOGIN_CHALLENGE, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, -1, NULL, NULL,
	  "Type the 'Authenticator' code:\t\"6 digits\"", "tok\\en-42", NULL,
	  NULL },
	{ "challenge-notoken.js", GP_LOGIN_CHALLENGE, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "challenge-unterminated.js", -EINVAL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL,
	  "Unterminated" },
	{ "challenge-unknown.js", -EINVAL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, NULL, NULL, NULL, NULL, NULL, "\"Pending\"" },
	{ "portal-config.xml", -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL, NULL, NULL, NULL, NULL, "root <policy>" },
	{ "prelogin-ok.xml", -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL, NULL, NULL, NULL, NULL, "root <prelogin" },
	{ "download-page.html", -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL, NULL, NULL, NULL, NULL, "root <html>" },
	{ "garbage.txt", -EINVAL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  -1, NULL, NULL, NULL, NULL, NULL, "not XML" },
};

static void check_login(const struct login_case *c, const struct gp_login *l)
{
	assert_secret(&l->authcookie, c->authcookie);
	assert_secret(&l->persistent_cookie, c->persistent);
	assert_str_or_null(l->portal, c->portal);
	assert_str_or_null(l->user, c->user);
	assert_str_or_null(l->auth_source, c->source);
	assert_str_or_null(l->config, c->config);
	assert_str_or_null(l->domain, c->domain);
	assert_int_equal(l->pw_expiry_days, c->expiry);
	assert_str_or_null(l->preferred_ip, c->ip);
	assert_str_or_null(l->preferred_ipv6, c->ipv6);
	assert_str_or_null(l->challenge.prompt, c->prompt);
	assert_secret(&l->challenge.token, c->token);
	assert_str_or_null(l->error, c->error);
}

static void test_login(void **state)
{
	struct gp_login l;
	struct logcap cap;
	struct oc_log lg;
	size_t i, len;
	char *body;

	for (i = 0; i < ARRAY_LEN(login_cases); i++) {
		print_message("case %zu: %s\n", i, login_cases[i].file);
		log_start(&lg, &cap);
		body = load(login_cases[i].file, &len);
		assert_int_equal(gp_parse_login(&lg, body, len, &l),
				 login_cases[i].ret);
		check_login(&login_cases[i], &l);
		assert_logged(&cap, login_cases[i].logged);
		assert_log_clean(&cap);
		gp_login_free(&l);
		free(body);
	}
}

/* The complete answer logs nothing above debug; a quiet user sees none. */
static void test_login_quiet(void **state)
{
	struct gp_login l;
	struct logcap cap;
	struct oc_log lg;
	size_t len;
	char *body = load("login-jnlp.xml", &len);

	log_start(&lg, &cap);
	lg.level = PRG_INFO;
	assert_int_equal(gp_parse_login(&lg, body, len, &l), 0);
	assert_int_equal(cap.count, 0);
	gp_login_free(&l);
	free(body);
}

static void test_login_broken(void **state)
{
	struct gp_login l;
	struct logcap cap;
	struct oc_log lg;
	size_t len;
	char *body = load("login-jnlp-broken.xml", &len);

	log_start(&lg, &cap);
	assert_int_equal(gp_parse_login(&lg, body, len, &l), 0);
	assert_secret(&l.authcookie, "9f8e7d6c5b4a39281706f5e4d3c2b1a0");
	assert_string_equal(l.user, "jdoe");
	assert_string_equal(l.domain, "(empty_domain)");
	assert_string_equal(l.preferred_ipv6, "2001:db8:10::7");
	assert_logged(&cap, "not well-formed");
	assert_log_clean(&cap);
	gp_login_free(&l);
	free(body);
}

static void test_login_to_cookie(void **state)
{
	struct oc_secret s = OC_SECRET_INIT;
	struct gp_cookie c;
	struct gp_login l;
	size_t len;
	char *body = load("login-jnlp.xml", &len);

	assert_int_equal(gp_parse_login(NULL, body, len, &l), 0);
	assert_int_equal(gp_login_to_cookie(&l, "myhost", &c), 0);
	assert_int_equal(gp_cookie_build(&c, &s), 0);
	assert_string_equal(oc_secret_get(&s),
			    "authcookie=9f8e7d6c5b4a39281706f5e4d3c2b1a0"
			    "&portal=GP-Portal&user=jdoe"
			    "&domain=%28empty_domain%29"
			    "&preferred-ip=198.18.10.7"
			    "&preferred-ipv6=2001%3Adb8%3A10%3A%3A7"
			    "&computer=myhost");
	oc_secret_clear(&s);
	gp_cookie_free(&c);
	gp_login_free(&l);
	free(body);

	/* No authcookie, no cookie. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(gp_login_to_cookie(&l, "myhost", &c), -EINVAL);
	assert_false(oc_secret_isset(&c.authcookie));
}

/* ---- Challenges on their own (the portal's login) ----------------------- */

static void test_challenge(void **state)
{
	static const struct {
		const char *file;
		int ret;
		const char *prompt, *token, *error;
	} cases[] = {
		{ "challenge.xml", 1,
		  "Enter the code from your authenticator app",
		  "6a3c8f0e1b2d4e5f", NULL },
		{ "challenge.js", 1, "Please enter the one-time password",
		  "5ef2a3b4c5d6e7f8", NULL },
		{ "challenge.html", 1,
		  "Enter the verification code sent to +1 555 0100",
		  "0a1b2c3d4e5f6071", NULL },
		{ "challenge-odd.js", 1,
		  "Type the 'Authenticator' code:\t\"6 digits\"", "tok\\en-42",
		  NULL },
		{ "challenge-notoken.js", 1, NULL, NULL, NULL },
		{ "login-error.js", -EPERM, NULL, NULL,
		  "Authentication failed: Invalid username or password" },
		{ "login-error.html", -EPERM, NULL, NULL, "Account locked" },
		{ "login-error-nomsg.js", -EPERM, NULL, NULL, NULL },
		{ "challenge-unterminated.js", -EINVAL, NULL, NULL, NULL },
		{ "challenge-unknown.js", -EINVAL, NULL, NULL, NULL },
		{ "portal-config.xml", 0, NULL, NULL, NULL },
		{ "login-jnlp.xml", 0, NULL, NULL, NULL },
		{ "download-page.html", 0, NULL, NULL, NULL },
		{ "garbage.txt", 0, NULL, NULL, NULL },
	};
	struct gp_challenge ch;
	struct logcap cap;
	struct oc_log lg;
	char *body, *error;
	size_t i, len;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].file);
		log_start(&lg, &cap);
		body = load(cases[i].file, &len);
		assert_int_equal(gp_parse_challenge(&lg, body, len, &ch,
						    &error), cases[i].ret);
		assert_str_or_null(ch.prompt, cases[i].prompt);
		assert_secret(&ch.token, cases[i].token);
		assert_str_or_null(error, cases[i].error);
		assert_log_clean(&cap);
		gp_challenge_free(&ch);
		free(error);
		free(body);
	}
}

/* The script shape in inline bodies: spacing and quoting variants. */
static void test_challenge_inline(void **state)
{
	static const struct {
		const char *body;
		int ret;
		const char *prompt, *token;
	} cases[] = {
		{ "var respStatus=\"Challenge\";var respMsg=\"a\";"
		  "thisForm.inputStr.value=\"b\";", 1, "a", "b" },
		{ "var respStatus\n=\n'challenge';\nvar respMsg = 'x\\\\y';\n"
		  "thisForm.inputStr.value = '\\'q\\'';", 1, "x\\y", "'q'" },
		{ "var respStatus = \"Challenge\";", 1, NULL, NULL },
		/* Only an assignment counts: comparisons and longer names
		 * are skipped. */
		{ "if (respStatus === \"Error\") {}\nvar myrespStatus = "
		  "\"Error\";\nvar respStatus = \"Challenge\";", 1, NULL,
		  NULL },
		{ "var respStatus = \"Chall", -EINVAL, NULL, NULL },
		{ "var respStatus = \"Challenge\";\nvar respMsg = 'a\\",
		  -EINVAL, NULL, NULL },
		{ "var respStatus = \"Chal\nlenge\";", -EINVAL, NULL, NULL },
		/* An escaped line end is text, not the end of the line. */
		{ "var respStatus = 'Challenge';\nvar respMsg = \"Code sent"
		  "\\nto your phone\";", 1, "Code sent\nto your phone", NULL },
		{ "var respStatus = Challenge;", 0, NULL, NULL },
		{ "respStatus", 0, NULL, NULL },
		{ "respStatus =", 0, NULL, NULL },
		{ "", 0, NULL, NULL },
	};
	struct gp_challenge ch;
	char *error;
	size_t i, len;
	char *body;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("case %zu\n", i);
		/* Exactly the text, without its NUL. */
		len = strlen(cases[i].body);
		body = malloc(len ? len : 1);
		assert_non_null(body);
		memcpy(body, cases[i].body, len);
		assert_int_equal(gp_parse_challenge(NULL, body, len, &ch,
						    &error), cases[i].ret);
		assert_str_or_null(ch.prompt, cases[i].prompt);
		assert_secret(&ch.token, cases[i].token);
		assert_null(error);
		gp_challenge_free(&ch);
		free(body);
	}
}

/* ---- The portal's configuration ----------------------------------------- */

struct portal_case {
	const char *file;
	const char *region;
	int ret;
	size_t n;
	const char *names[5];
	const char *labels[5];
	int prio[5];		/* -1: no rule matched */
	const char *ucookie, *pcookie, *version;
	int hip;
	const char *logged;
};

#define EU	"gw-eu.example.com"
#define EAST	"gw-us-east.example.com:8443"
#define WEST	"gw-us-west.example.com"
#define UCOOKIE	"Pu7cKq2xZb9WmA4sLr0VnE3yTg6HdJ1o"
#define PCOOKIE	"PreL0gon5ecretXyZ98"

static const struct portal_case portal_cases[] = {
	{ "portal-config.xml", "US", 0, 3, { EAST, WEST, EU },
	  { "US East", "US West", "Europe" }, { 1, 2, 3 },
	  UCOOKIE, PCOOKIE, "6.1.3-19", 3600, NULL },
	{ "portal-config.xml", "us", 0, 3, { EAST, WEST, EU },
	  { "US East", "US West", "Europe" }, { 1, 2, 3 },
	  UCOOKIE, PCOOKIE, "6.1.3-19", 3600, NULL },
	{ "portal-config.xml", "DE", 0, 3, { EU, EAST, WEST },
	  { "Europe", "US East", "US West" }, { 1, 2, -1 },
	  UCOOKIE, PCOOKIE, "6.1.3-19", 3600, NULL },
	{ "portal-config.xml", NULL, 0, 3, { EAST, EU, WEST },
	  { "US East", "Europe", "US West" }, { 2, 3, -1 },
	  UCOOKIE, PCOOKIE, "6.1.3-19", 3600, NULL },
	{ "portal-config.xml", "JP", 0, 3, { EAST, EU, WEST },
	  { "US East", "Europe", "US West" }, { 2, 3, -1 },
	  UCOOKIE, PCOOKIE, "6.1.3-19", 3600, NULL },
	/* Nameless entry skipped; label defaults to the name; a rule
	 * with a bad priority is ignored; unmatched ones keep their order. */
	{ "portal-cookies-empty.xml", NULL, 0, 5,
	  { "gw3.example.com", "gw5.example.com", "gw1.example.com",
	    "gw2.example.com", "gw4.example.com" },
	  { "Third", "Fifth", "gw1.example.com", "Second", "Fourth" },
	  { 4, 4, -1, -1, -1 }, NULL, NULL, NULL, 0,
	  "without a valid priority" },
	{ "portal-cookies-empty.xml", "JP", 0, 5,
	  { "gw4.example.com", "gw3.example.com", "gw5.example.com",
	    "gw1.example.com", "gw2.example.com" },
	  { "Fourth", "Third", "Fifth", "gw1.example.com", "Second" },
	  { 1, 4, 4, -1, -1 }, NULL, NULL, NULL, 0,
	  "hip-report-interval" },
	{ "portal-broken.xml", NULL, 0, 2,
	  { "hq.example.com", "rd.example.com:4443" }, { "HQ", NULL },
	  { 1, 2 }, NULL, NULL, "6.0.1-5", 0, "not well-formed" },
	{ "portal-hasconfig-no.xml", NULL, -EACCES, 0, { NULL }, { NULL },
	  { 0 }, NULL, NULL, NULL, 0, "no configuration for this client" },
	{ "portal-no-gateways.xml", NULL, -ENOENT, 0, { NULL }, { NULL },
	  { 0 }, NULL, NULL, NULL, 0, "lists no gateway" },
	{ "prelogin-ok.xml", NULL, -EINVAL, 0, { NULL }, { NULL }, { 0 },
	  NULL, NULL, NULL, 0, "not <policy>" },
	{ "challenge.xml", NULL, -EINVAL, 0, { NULL }, { NULL }, { 0 },
	  NULL, NULL, NULL, 0, "not <policy>" },
	{ "garbage.txt", NULL, -EINVAL, 0, { NULL }, { NULL }, { 0 },
	  NULL, NULL, NULL, 0, "not XML" },
	{ "challenge.js", NULL, -EINVAL, 0, { NULL }, { NULL }, { 0 },
	  NULL, NULL, NULL, 0, "not XML" },
};

static void check_portal(const struct portal_case *c,
			 const struct gp_portal *p)
{
	size_t j;

	assert_int_equal(p->n_gw, c->n);
	for (j = 0; j < c->n; j++) {
		assert_string_equal(p->gw[j].name, c->names[j]);
		if (c->labels[j])
			assert_string_equal(p->gw[j].label, c->labels[j]);
		assert_non_null(p->gw[j].label);
		assert_int_equal(p->gw[j].matched, c->prio[j] >= 0);
		if (c->prio[j] >= 0)
			assert_int_equal(p->gw[j].priority, c->prio[j]);
	}
	assert_secret(&p->userauthcookie, c->ucookie);
	assert_secret(&p->prelogonuserauthcookie, c->pcookie);
	assert_str_or_null(p->version, c->version);
	assert_int_equal(p->hip_interval, c->hip);
}

static void test_portal(void **state)
{
	const struct portal_case *c;
	struct gp_portal p;
	struct logcap cap;
	struct oc_log lg;
	size_t i, len;
	char *body;

	for (i = 0; i < ARRAY_LEN(portal_cases); i++) {
		c = &portal_cases[i];
		print_message("case %zu: %s %s\n", i, c->file,
			      c->region ? c->region : "(no region)");
		log_start(&lg, &cap);
		body = load(c->file, &len);
		assert_int_equal(gp_parse_portal(&lg, body, len, c->region,
						 &p), c->ret);
		check_portal(c, &p);
		assert_logged(&cap, c->logged);
		assert_log_clean(&cap);
		gp_portal_free(&p);
		free(body);
	}
}

/* ---- Choosing the gateway ----------------------------------------------- */

struct choose_case {
	const char *authgroup;
	int ret;
	const char *name;
	const char *logged;
	const char *not_logged;
};

static const struct choose_case choose_cases[] = {
	{ NULL, 1, EAST, NULL, NULL },
	{ "", 1, EAST, NULL, NULL },
	{ "Europe", 0, EU, NULL, NULL },
	{ "EUROPE", 0, EU, NULL, NULL },
	{ "eur", 0, EU, NULL, NULL },
	{ "US East", 0, EAST, NULL, NULL },
	{ "us w", 0, WEST, NULL, NULL },
	{ "gw-us-west.example.com", 0, WEST, NULL, NULL },
	{ "GW-EU.EXAMPLE.COM", 0, EU, NULL, NULL },
	{ "us", -EEXIST, NULL, "US West (" WEST ")", "Europe" },
	{ "U", -EEXIST, NULL, "US East (" EAST ")", "Europe" },
	{ "asia", -ENOENT, NULL, "Europe (" EU ")", NULL },
	{ "gw-eu", -ENOENT, NULL, "US West", NULL },
	{ "Europe2", -ENOENT, NULL, "US East", NULL },
};

static void test_choose(void **state)
{
	const struct choose_case *c;
	const struct gp_gateway *gw;
	struct gp_portal p;
	struct logcap cap;
	struct oc_log lg;
	size_t i, len;
	char *body = load("portal-config.xml", &len);

	assert_int_equal(gp_parse_portal(NULL, body, len, "US", &p), 0);
	for (i = 0; i < ARRAY_LEN(choose_cases); i++) {
		c = &choose_cases[i];
		print_message("case %zu: %s\n", i,
			      c->authgroup ? c->authgroup : "(null)");
		log_start(&lg, &cap);
		gw = NULL;
		assert_int_equal(gp_choose_gateway(&lg, &p, c->authgroup, &gw),
				 c->ret);
		if (c->name) {
			assert_non_null(gw);
			assert_string_equal(gw->name, c->name);
		} else {
			assert_null(gw);
		}
		assert_logged(&cap, c->logged);
		if (c->not_logged)
			assert_null(strstr(cap.text, c->not_logged));
		assert_log_clean(&cap);
	}
	gp_portal_free(&p);
	free(body);
}

/* One gateway is chosen without asking; none is an error. */
static void test_choose_few(void **state)
{
	const struct gp_gateway *gw = NULL;
	struct gp_portal p;
	size_t len;
	char *body = load("portal-broken.xml", &len);

	assert_int_equal(gp_parse_portal(NULL, body, len, NULL, &p), 0);
	free(p.gw[1].name);
	free(p.gw[1].label);
	p.n_gw = 1;
	assert_int_equal(gp_choose_gateway(NULL, &p, NULL, &gw), 0);
	assert_string_equal(gw->name, "hq.example.com");
	assert_int_equal(gp_choose_gateway(NULL, &p, "h", &gw), 0);
	assert_int_equal(gp_choose_gateway(NULL, &p, "x", &gw), -ENOENT);
	gp_portal_free(&p);
	free(body);

	memset(&p, 0, sizeof(p));
	gw = NULL;
	assert_int_equal(gp_choose_gateway(NULL, &p, "x", &gw), -ENOENT);
	assert_int_equal(gp_choose_gateway(NULL, &p, NULL, &gw), -ENOENT);
	assert_null(gw);
}

/* ---- Robustness --------------------------------------------------------- */

static const char *const all_fixtures[] = {
	"prelogin-ok.xml", "prelogin-saml-redirect.xml",
	"prelogin-saml-post.xml", "prelogin-portal-missing.xml",
	"prelogin-broken.xml", "portal-config.xml",
	"portal-cookies-empty.xml", "portal-broken.xml", "login-jnlp.xml",
	"login-jnlp-broken.xml", "login-jnlp-expiry.xml", "challenge.xml",
	"challenge.js", "challenge.html", "challenge-odd.js",
	"login-error.js", "download-page.html", "garbage.txt",
};

/* Every parser on a prefix of a body: no crash, no leak (valgrind), a
 * documented result, an empty struct on failure, nothing secret logged. */
static void parse_all(struct oc_log *lg, const char *body, size_t len)
{
	struct gp_prelogin pre;
	struct gp_login l;
	struct gp_portal p;
	struct gp_challenge ch;
	char *error;
	int ret;

	ret = gp_parse_prelogin(lg, body, len, &pre);
	assert_true(ret == 0 || ret == -EPERM || ret == -EINVAL ||
		    ret == -EOPNOTSUPP);
	if (ret == -EINVAL)
		assert_null(pre.status);
	gp_prelogin_free(&pre);

	ret = gp_parse_login(lg, body, len, &l);
	assert_true(ret == 0 || ret == 1 || ret == -EPERM ||
		    ret == -EINVAL || ret == -EPROTO);
	if (ret < 0)
		assert_false(oc_secret_isset(&l.authcookie));
	gp_login_free(&l);

	ret = gp_parse_portal(lg, body, len, "US", &p);
	assert_true(ret == 0 || ret == -EACCES || ret == -EINVAL ||
		    ret == -ENOENT);
	if (ret)
		assert_null(p.gw);
	else
		assert_true(p.n_gw > 0);
	gp_portal_free(&p);

	ret = gp_parse_challenge(lg, body, len, &ch, &error);
	assert_true(ret == 0 || ret == 1 || ret == -EPERM || ret == -EINVAL);
	gp_challenge_free(&ch);
	free(error);
}

static void test_truncated(void **state)
{
	struct logcap cap;
	struct oc_log lg;
	size_t i, cut, len, step;
	char *body, *copy;

	for (i = 0; i < ARRAY_LEN(all_fixtures); i++) {
		print_message("case %zu: %s\n", i, all_fixtures[i]);
		body = load(all_fixtures[i], &len);
		step = len / 40 + 1;
		for (cut = 0; cut <= len; cut += step) {
			log_start(&lg, &cap);
			copy = malloc(cut ? cut : 1);
			assert_non_null(copy);
			memcpy(copy, body, cut);
			parse_all(&lg, copy, cut);
			assert_log_clean(&cap);
			free(copy);
		}
		free(body);
	}
}

/* NUL bytes and a huge body are refused cleanly. */
static void test_odd_bodies(void **state)
{
	static const char nul_body[] = "<jnlp>\0<application-desc>";
	struct gp_login l;
	struct gp_prelogin pre;
	size_t big = 17 * 1024 * 1024;
	char *body;

	assert_int_equal(gp_parse_login(NULL, nul_body, sizeof(nul_body),
					&l), -EINVAL);
	gp_login_free(&l);
	assert_int_equal(gp_parse_prelogin(NULL, "", 0, &pre), -EINVAL);
	gp_prelogin_free(&pre);

	body = malloc(big);
	assert_non_null(body);
	memset(body, ' ', big);
	memcpy(body, "<prelogin-response>", 19);
	assert_int_equal(gp_parse_prelogin(NULL, body, big, &pre), -EINVAL);
	gp_prelogin_free(&pre);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prelogin),
		cmocka_unit_test(test_prelogin_broken),
		cmocka_unit_test(test_saml_decode),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_login_quiet),
		cmocka_unit_test(test_login_broken),
		cmocka_unit_test(test_login_to_cookie),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_challenge_inline),
		cmocka_unit_test(test_portal),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_choose_few),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_odd_bodies),
	};

	return cmocka_run_group_tests_name("gp-parse", tests, NULL, NULL);
}
