/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Server URLs and application/x-www-form-urlencoded text.
 */
#ifndef OC_URL_H
#define OC_URL_H

#include "buf.h"

struct oc_url {
	char *host;	/* without brackets for IPv6 literals */
	int port;	/* 443 when not given */
	char *path;	/* without the leading '/'; NULL when none */
};

/*
 * Parses "host", "host:port", "[v6]", "[v6]:port", a bare IPv6 literal,
 * "https://host[:port][/path]" (scheme case-insensitive; "http" and others
 * are -EPROTONOSUPPORT). Path, query and fragment are kept in path. Returns
 * -EINVAL for anything malformed (empty host, bad port, stray characters).
 */
int oc_url_parse(const char *in, struct oc_url *u);
void oc_url_free(struct oc_url *u);
/* "https://host[:port]/path", brackets around IPv6, port only when not 443. */
char *oc_url_format(const char *host, int port, const char *path);

/*
 * Form encoding: A-Z a-z 0-9 - _ . ~ stay, every other byte is %XX
 * (upper-case hex).
 */
void oc_form_encode(struct oc_text *t, const char *s);
/* Appends "name=value", with '&' before it unless @t is empty. */
void oc_form_add(struct oc_text *t, const char *name, const char *value);

/*
 * Decodes %XX (either case) and '+' (space). Returns a malloc'ed string, or
 * NULL with *err = -EINVAL for a malformed escape or an escaped NUL, or
 * -ENOMEM.
 */
char *oc_form_decode(const char *s, size_t len, int *err);

/* One name=value pair of a parsed form. */
struct oc_form_field {
	char *name;
	char *value;
};

struct oc_form {
	struct oc_form_field *f;
	size_t n;
};

/*
 * Splits "a=1&b=2" into decoded pairs, in order. Empty segments are
 * skipped; a segment without '=' has an empty value. The values are wiped
 * on free, since forms carry cookies.
 */
int oc_form_parse(const char *s, struct oc_form *form);
/* The value of the first field named @name, or NULL. */
const char *oc_form_get(const struct oc_form *form, const char *name);
void oc_form_free(struct oc_form *form);

#endif
