/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building the authentication forms handed to the process_auth_form
 * callback (struct oc_auth_form of openconnect.h), and reading the
 * answers back. Values set by the application may be secrets: they are
 * wiped when the form is freed.
 */
#ifndef OC_FORM_H
#define OC_FORM_H

#include "openconnect.h"

/* Form identities the command line's -F FORM:NAME=VALUE refers to. */
#define OC_FORM_LOGIN		"_login"
#define OC_FORM_CHALLENGE	"_challenge"
#define OC_FORM_PORTAL		"_portal"

/* A new empty form; strings are copied (NULL allowed). NULL on ENOMEM. */
struct oc_auth_form *oc_authform_new(const char *auth_id, const char *banner,
				     const char *message, const char *error);
/* Appends an option of @type; returns it, or NULL on ENOMEM. */
struct oc_form_opt *oc_authform_add(struct oc_auth_form *f, int type,
				    const char *name, const char *label);
/* Appends a SELECT option and makes it the form's authgroup_opt. */
struct oc_form_opt_select *oc_authform_add_select(struct oc_auth_form *f,
						  const char *name,
						  const char *label);
int oc_authform_add_choice(struct oc_form_opt_select *sel, const char *name,
			   const char *label);
/* The option named @name, or NULL. */
struct oc_form_opt *oc_authform_opt(const struct oc_auth_form *f,
				    const char *name);
/* Its value as the application set it, or NULL. Never log it. */
const char *oc_authform_value(const struct oc_auth_form *f, const char *name);
void oc_authform_free(struct oc_auth_form *f);

#endif
