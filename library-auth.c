/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public interface of authentication: settings, the cookie, forms
 * and the web view for SAML.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gp-auth.h"
#include "openconnect-internal.h"

int openconnect_set_option_value(struct oc_form_opt *opt, const char *value)
{
	char *copy = value ? strdup(value) : NULL;

	if (value && !copy)
		return -ENOMEM;
	oc_free_str_secret(opt->_value);
	opt->_value = copy;
	return 0;
}

int openconnect_obtain_cookie(struct openconnect_info *v)
{
	openconnect_clear_cookie(v);
	return gp_obtain_cookie(v);
}

const char *openconnect_get_cookie(struct openconnect_info *v)
{
	return oc_secret_get(&v->auth.cookie);
}

void openconnect_clear_cookie(struct openconnect_info *v)
{
	oc_secret_clear(&v->auth.cookie);
	gp_cookie_free(&v->auth.gpc);
	memset(&v->auth.gpc, 0, sizeof(v->auth.gpc));
}

int openconnect_set_cookie(struct openconnect_info *v, const char *cookie)
{
	struct gp_cookie c = { 0 };
	int ret;

	openconnect_clear_cookie(v);
	if (!cookie)
		return 0;
	ret = gp_cookie_parse(&v->log, cookie, &c);
	if (ret) {
		oc_err(&v->log, "Not a GlobalProtect cookie string");
		return ret;
	}
	ret = gp_cookie_build(&c, &v->auth.cookie);
	if (ret) {
		gp_cookie_free(&c);
		return ret;
	}
	v->auth.gpc = c;
	return 0;
}

int openconnect_set_reported_os(struct openconnect_info *v, const char *os)
{
	const struct gp_os *entry;

	if (gp_os_lookup(os, &entry)) {
		oc_err(&v->log, "Unknown OS '%s'; choose one of: %s",
		       os ? os : "", gp_os_choices());
		return -EINVAL;
	}
	v->auth.os = entry;
	return 0;
}

int openconnect_set_localname(struct openconnect_info *v,
			      const char *localname)
{
	char *copy = localname ? strdup(localname) : NULL;

	if (localname && !copy)
		return -ENOMEM;
	free(v->auth.localname);
	v->auth.localname = copy;
	return 0;
}

int openconnect_set_token_mode(struct openconnect_info *v,
			       oc_token_mode_t mode, const char *token_str)
{
	const char *name;
	int ret;

	oc_token_free(&v->auth.token);
	oc_secret_clear(&v->auth.token_str);
	v->auth.have_token = 0;
	switch (mode) {
	case OC_TOKEN_MODE_NONE:
		return 0;
	case OC_TOKEN_MODE_TOTP:
		name = "totp";
		break;
	case OC_TOKEN_MODE_HOTP:
		name = "hotp";
		break;
	default:
		oc_err(&v->log, "Only TOTP and HOTP soft tokens are supported");
		return -EOPNOTSUPP;
	}
	ret = oc_token_parse(name, token_str, &v->auth.token);
	if (ret) {
		oc_err(&v->log, "Invalid %s token secret (expected base32, "
		       "base32:..., or 0x followed by hex%s)",
		       name, mode == OC_TOKEN_MODE_HOTP ? ", then ,COUNTER" : "");
		return ret;
	}
	if (oc_secret_set_str(&v->auth.token_str, token_str)) {
		oc_token_free(&v->auth.token);
		return -ENOMEM;
	}
	v->auth.have_token = 1;
	return 0;
}

void openconnect_set_webview_callback(struct openconnect_info *v,
				      openconnect_open_webview_vfn fn)
{
	v->auth.webview = fn;
}

static const char *saml_field_name(const char *name)
{
	static const char *const fields[] = {
		"prelogin-cookie", "portal-userauthcookie",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcasecmp(name, fields[i]))
			return fields[i];
	return NULL;
}

/* Takes saml-username and the SAML cookie from one name/value pair. */
static int saml_header(struct oc_auth *a, const char *name, const char *val)
{
	const char *field;

	if (!name || !val || !*val)
		return 0;
	if (!strcasecmp(name, "saml-username")) {
		free(a->saml_user);
		a->saml_user = strdup(val);
		return a->saml_user ? 0 : -ENOMEM;
	}
	field = saml_field_name(name);
	if (!field)
		return 0;
	a->saml_field = field;
	return oc_secret_set_str(&a->saml_value, val);
}

int openconnect_webview_load_changed(struct openconnect_info *v,
				     const struct oc_webview_result *r)
{
	struct oc_auth *a = &v->auth;
	int ret = 0;
	size_t i;

	if (!r)
		return -EINVAL;
	for (i = 0; r->headers && r->headers[i] && r->headers[i + 1] && !ret;
	     i += 2)
		ret = saml_header(a, r->headers[i], r->headers[i + 1]);
	if (ret)
		return ret;
	if (a->saml_user && oc_secret_isset(&a->saml_value)) {
		oc_dbg(&v->log, "The SAML login gave a %s for %s",
		       a->saml_field, a->saml_user);
		return 0;
	}
	return 1;
}

void openconnect_disable_ipv6(struct openconnect_info *v)
{
	v->auth.disable_ipv6 = 1;
}

void oc_auth_init(struct oc_auth *a)
{
	gp_os_lookup(NULL, &a->os);
	a->csd_uid = (uid_t)-1;
}

void oc_auth_free(struct oc_auth *a)
{
	size_t i;

	oc_token_free(&a->token);
	oc_secret_clear(&a->token_str);
	for (i = 0; i < a->n_csd_env; i++)
		free(a->csd_env[i]);
	free(a->csd_env);
	free(a->version_string);
	oc_secret_clear(&a->cookie);
	gp_cookie_free(&a->gpc);
	free(a->localname);
	free(a->portal_version);
	free(a->csd_wrapper);
	free(a->saml_user);
	oc_secret_clear(&a->saml_value);
}

int openconnect_setup_csd(struct openconnect_info *v, uid_t uid, int silent,
			  const char *wrapper)
{
	char *copy = wrapper ? strdup(wrapper) : NULL;

	if (wrapper && !copy)
		return -ENOMEM;
	free(v->auth.csd_wrapper);
	v->auth.csd_wrapper = copy;
	v->auth.csd_uid = getuid() == 0 ? uid : (uid_t)-1;
	return 0;
}

void openconnect_set_trojan_interval(struct openconnect_info *v, int seconds)
{
	v->auth.hip_force = seconds > 0 ? seconds : 0;
}
