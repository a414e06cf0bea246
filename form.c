/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Authentication forms: construction, lookup and release.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "secret.h"

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

struct oc_auth_form *oc_authform_new(const char *auth_id, const char *banner,
				     const char *message, const char *error)
{
	struct oc_auth_form *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (dup_str(&f->auth_id, auth_id) || dup_str(&f->banner, banner) ||
	    dup_str(&f->message, message) || dup_str(&f->error, error) ||
	    dup_str(&f->method, "POST")) {
		oc_authform_free(f);
		return NULL;
	}
	return f;
}

static void append_opt(struct oc_auth_form *f, struct oc_form_opt *o)
{
	struct oc_form_opt **p = &f->opts;

	while (*p)
		p = &(*p)->next;
	*p = o;
}

static int init_opt(struct oc_form_opt *o, int type, const char *name,
		    const char *label)
{
	o->type = type;
	if (dup_str(&o->name, name) || dup_str(&o->label, label))
		return -ENOMEM;
	return 0;
}

static void free_opt_strings(struct oc_form_opt *o)
{
	free(o->name);
	free(o->label);
	oc_free_str_secret(o->_value);
}

struct oc_form_opt *oc_authform_add(struct oc_auth_form *f, int type,
				    const char *name, const char *label)
{
	struct oc_form_opt *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	if (init_opt(o, type, name, label)) {
		free_opt_strings(o);
		free(o);
		return NULL;
	}
	append_opt(f, o);
	return o;
}

struct oc_form_opt_select *oc_authform_add_select(struct oc_auth_form *f,
						  const char *name,
						  const char *label)
{
	struct oc_form_opt_select *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (init_opt(&s->form, OC_FORM_OPT_SELECT, name, label)) {
		free_opt_strings(&s->form);
		free(s);
		return NULL;
	}
	append_opt(f, &s->form);
	f->authgroup_opt = s;
	return s;
}

int oc_authform_add_choice(struct oc_form_opt_select *sel, const char *name,
			   const char *label)
{
	struct oc_choice **grown, *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	grown = realloc(sel->choices, (sel->nr_choices + 1) * sizeof(*grown));
	if (!grown || dup_str(&c->name, name) || dup_str(&c->label, label)) {
		if (grown)
			sel->choices = grown;
		free(c->name);
		free(c);
		return -ENOMEM;
	}
	sel->choices = grown;
	sel->choices[sel->nr_choices++] = c;
	return 0;
}

struct oc_form_opt *oc_authform_opt(const struct oc_auth_form *f,
				    const char *name)
{
	struct oc_form_opt *o;

	for (o = f->opts; o; o = o->next)
		if (o->name && !strcmp(o->name, name))
			return o;
	return NULL;
}

const char *oc_authform_value(const struct oc_auth_form *f, const char *name)
{
	struct oc_form_opt *o = oc_authform_opt(f, name);

	return o ? o->_value : NULL;
}

static void free_select(struct oc_form_opt_select *s)
{
	int i;

	for (i = 0; i < s->nr_choices; i++) {
		free(s->choices[i]->name);
		free(s->choices[i]->label);
		free(s->choices[i]->auth_type);
		free(s->choices[i]->override_name);
		free(s->choices[i]->override_label);
		free(s->choices[i]);
	}
	free(s->choices);
}

void oc_authform_free(struct oc_auth_form *f)
{
	struct oc_form_opt *o, *next;

	if (!f)
		return;
	for (o = f->opts; o; o = next) {
		next = o->next;
		free_opt_strings(o);
		if (o->type == OC_FORM_OPT_SELECT)
			free_select((struct oc_form_opt_select *)o);
		free(o);
	}
	free(f->banner);
	free(f->message);
	free(f->error);
	free(f->auth_id);
	free(f->method);
	free(f->action);
	free(f);
}
