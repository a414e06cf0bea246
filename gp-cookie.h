/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GlobalProtect cookie string (PROTOCOL.md section 6):
 *
 *     authcookie=HEX&portal=NAME&user=NAME&domain=DOMAIN
 *         [&preferred-ip=V4][&preferred-ipv6=V6]&computer=HOST
 *
 * It is what the user keeps between runs, and everything after the login
 * (getconfig, HIP, tunnel, logout) sends its fields back with exactly the
 * values of the login. The whole string is a secret, since it holds the
 * authcookie; only the strings built for the HIP check are not.
 */
#ifndef GP_COOKIE_H
#define GP_COOKIE_H

#include <stddef.h>
#include "buf.h"
#include "log.h"
#include "secret.h"

/* A field of a cookie string that this program does not know. */
struct gp_cookie_extra {
	char *name;
	char *value;
};

/*
 * Values are decoded (not form-encoded). For the optional fields NULL
 * means "not in the string"; for portal, user, domain and computer NULL
 * is sent as an empty value.
 */
struct gp_cookie {
	struct oc_secret authcookie;
	char *portal;
	char *user;
	char *domain;
	char *preferred_ip;
	char *preferred_ipv6;
	char *computer;
	struct gp_cookie_extra *extra;	/* unknown fields, in their order */
	size_t n_extra;
};

/*
 * Appends the fields to the form @t in the canonical order (authcookie,
 * portal, user, domain, preferred-ip and preferred-ipv6 when set, computer,
 * then the unknown fields in the order they came in), each form-encoded
 * and joined with '&' as oc_form_add() does. Marks @t secret. This is the
 * start of the getconfig, HIP and logout bodies. Returns 0, -EINVAL when
 * the authcookie is unset, or @t's error (-ENOMEM, -E2BIG).
 */
int gp_cookie_fields(const struct gp_cookie *c, struct oc_text *t);

/* The cookie string, as gp_cookie_fields() builds it, into @out. For a
 * string in canonical order, build(parse(s)) gives s back. */
int gp_cookie_build(const struct gp_cookie *c, struct oc_secret *out);

/*
 * Parses a cookie string in any field order into @c (which must be zeroed
 * or freed). Trailing white space (a newline from standard input) is
 * ignored. Returns 0; -EINVAL when the authcookie is missing or empty, a
 * known field appears twice, or an escape is malformed; -ENOMEM. Messages
 * name the problem, never a value. On failure @c is left empty.
 */
int gp_cookie_parse(const struct oc_log *lg, const char *s,
		    struct gp_cookie *c);

/*
 * The input of the HIP "md5" field (PROTOCOL.md section 9): the cookie
 * string without authcookie, preferred-ip and preferred-ipv6, so that it
 * stays the same across logins. Appended to @t; returns @t's error.
 */
int gp_cookie_hip_input(const struct gp_cookie *c, struct oc_text *t);
/* Its MD5 as 32 lower-case hex digits and a NUL. */
int gp_cookie_hip_md5(const struct gp_cookie *c, char out[33]);

void gp_cookie_free(struct gp_cookie *c);

#endif
