/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gp-cookie.h"
#include "log.h"
#include "num.h"
#include "secret.h"
#include "tls.h"
#include "url.h"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void add_extras(const struct gp_cookie *c, struct oc_text *t)
{
	size_t i;

	for (i = 0; i < c->n_extra; i++)
		oc_form_add(t, c->extra[i].name, c->extra[i].value);
}

int gp_cookie_fields(const struct gp_cookie *c, struct oc_text *t)
{
	t->secret = 1;
	if (!oc_secret_isset(&c->authcookie) || !c->authcookie.len)
		return -EINVAL;
	oc_form_add(t, "authcookie", oc_secret_get(&c->authcookie));
	oc_form_add(t, "portal", or_empty(c->portal));
	oc_form_add(t, "user", or_empty(c->user));
	oc_form_add(t, "domain", or_empty(c->domain));
	if (c->preferred_ip)
		oc_form_add(t, "preferred-ip", c->preferred_ip);
	if (c->preferred_ipv6)
		oc_form_add(t, "preferred-ipv6", c->preferred_ipv6);
	oc_form_add(t, "computer", or_empty(c->computer));
	add_extras(c, t);
	return oc_text_error(t);
}

int gp_cookie_build(const struct gp_cookie *c, struct oc_secret *out)
{
	struct oc_text t = OC_TEXT_INIT;
	int ret;

	t.secret = 1;
	ret = gp_cookie_fields(c, &t);
	if (!ret)
		oc_secret_take(out, oc_text_steal(&t));
	oc_text_free(&t);
	if (!ret && !oc_secret_isset(out))
		ret = -ENOMEM;
	return ret;
}

int gp_cookie_hip_input(const struct gp_cookie *c, struct oc_text *t)
{
	oc_form_add(t, "portal", or_empty(c->portal));
	oc_form_add(t, "user", or_empty(c->user));
	oc_form_add(t, "domain", or_empty(c->domain));
	oc_form_add(t, "computer", or_empty(c->computer));
	add_extras(c, t);
	return oc_text_error(t);
}

int gp_cookie_hip_md5(const struct gp_cookie *c, char out[33])
{
	struct oc_text t = OC_TEXT_INIT;
	unsigned char md[16];
	int ret;

	ret = gp_cookie_hip_input(c, &t);
	if (!ret)
		ret = oc_md5(oc_text_str(&t), t.len, md);
	if (!ret)
		oc_hex_encode(md, sizeof(md), out);
	oc_text_free(&t);
	return ret;
}

/* The slot of a known string field, or NULL for an unknown name. */
static char **string_slot(struct gp_cookie *c, const char *name)
{
	if (!strcmp(name, "portal"))
		return &c->portal;
	if (!strcmp(name, "user"))
		return &c->user;
	if (!strcmp(name, "domain"))
		return &c->domain;
	if (!strcmp(name, "preferred-ip"))
		return &c->preferred_ip;
	if (!strcmp(name, "preferred-ipv6"))
		return &c->preferred_ipv6;
	if (!strcmp(name, "computer"))
		return &c->computer;
	return NULL;
}

/* Moves the value of a field that is not one of ours into c->extra. */
static int add_extra(struct gp_cookie *c, struct oc_form_field *f)
{
	struct gp_cookie_extra *e;

	e = realloc(c->extra, (c->n_extra + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	c->extra = e;
	e[c->n_extra].name = f->name;
	e[c->n_extra].value = f->value;
	c->n_extra++;
	f->name = NULL;
	f->value = NULL;
	return 0;
}

/* Moves one parsed field into @c; what is taken is left NULL, which
 * oc_form_free() accepts. */
static int take_field(const struct oc_log *lg, struct gp_cookie *c,
		      struct oc_form_field *f)
{
	char **slot;

	if (!strcmp(f->name, "authcookie")) {
		if (oc_secret_isset(&c->authcookie))
			goto dup;
		oc_secret_take(&c->authcookie, f->value);
		f->value = NULL;
		return 0;
	}
	slot = string_slot(c, f->name);
	if (!slot)
		return add_extra(c, f);
	if (*slot)
		goto dup;
	*slot = f->value;
	f->value = NULL;
	return 0;
dup:
	oc_err(lg, "Cookie string has the field %s twice", f->name);
	return -EINVAL;
}

static int take_fields(const struct oc_log *lg, struct oc_form *form,
		       struct gp_cookie *c)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < form->n && !ret; i++)
		ret = take_field(lg, c, &form->f[i]);
	if (!ret && (!oc_secret_isset(&c->authcookie) ||
		     !c->authcookie.len)) {
		oc_err(lg, "Cookie string has no authcookie");
		ret = -EINVAL;
	}
	return ret;
}

static int is_trailing_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int gp_cookie_parse(const struct oc_log *lg, const char *s,
		    struct gp_cookie *c)
{
	struct oc_form form = { NULL, 0 };
	char *copy = NULL;
	size_t len;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!s)
		return -EINVAL;
	len = strlen(s);
	while (len && is_trailing_space(s[len - 1]))
		len--;
	if (s[len]) {
		copy = strndup(s, len);
		if (!copy)
			return -ENOMEM;
		s = copy;
	}
	ret = oc_form_parse(s, &form);
	if (ret == -EINVAL)
		oc_err(lg, "Cookie string has a malformed %%-escape");
	if (!ret)
		ret = take_fields(lg, &form, c);
	oc_form_free(&form);
	oc_free_str_secret(copy);
	if (ret)
		gp_cookie_free(c);
	return ret;
}

void gp_cookie_free(struct gp_cookie *c)
{
	size_t i;

	oc_secret_clear(&c->authcookie);
	free(c->portal);
	free(c->user);
	free(c->domain);
	free(c->preferred_ip);
	free(c->preferred_ipv6);
	free(c->computer);
	for (i = 0; i < c->n_extra; i++) {
		free(c->extra[i].name);
		oc_free_str_secret(c->extra[i].value);
	}
	free(c->extra);
	memset(c, 0, sizeof(*c));
}
