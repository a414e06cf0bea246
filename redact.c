/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "http.h"
#include "url.h"

/*
 * What --dump-http-traffic must never show. The dump is a debugging aid
 * that users paste into bug reports, so the rules err towards hiding:
 * names known to carry secrets, anything that looks like a cookie, and
 * long hex strings, which is how GP writes cookies and ESP keys.
 */

#define HIDDEN		"(hidden)"
#define HEX_RUN_MIN	32	/* anywhere */
#define ARG_HEX_MIN	16	/* a whole jnlp <argument> */

static const char *const secret_names[] = {
	"passwd", "password", "authcookie", "portal-userauthcookie",
	"portal-prelogonuserauthcookie", "prelogin-cookie", "inputStr",
	"cookie", "token", "secret", "key", "val", "passcode",
};

/* Suffixes that make any name secret ("new-password", "x-auth-token"). */
static const char *const secret_suffixes[] = {
	"cookie", "password", "passwd", "token", "secret",
};

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !strncasecmp(s + len - n, suffix, n);
}

static int is_secret_name_len(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++)
		if (strlen(secret_names[i]) == len &&
		    !strncasecmp(name, secret_names[i], len))
			return 1;
	for (i = 0; i < sizeof(secret_suffixes) / sizeof(secret_suffixes[0]);
	     i++)
		if (ends_with(name, len, secret_suffixes[i]))
			return 1;
	return 0;
}

int oc_is_secret_name(const char *name)
{
	return name && is_secret_name_len(name, strlen(name));
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isxdigit((unsigned char)s[i]))
		i++;
	return i;
}

static int is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static size_t skip_ows(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * A script assignment of a secret, as in the 2FA challenge
 * `thisForm.inputStr.value = "TOKEN";` or a JSON `"token": "X"`: the word
 * at @s[i] of @wlen chars, then optionally ".value" or a closing quote,
 * then '=' or ':' and a quoted string.
 * Returns the offset just past the opening quote and sets *close to the
 * closing quote; 0 when this is not such an assignment.
 */
static size_t secret_assignment(const char *s, size_t i, size_t wlen,
				size_t n, size_t *close)
{
	const char *q;
	size_t j = i + wlen;

	if (!is_secret_name_len(s + i, wlen))
		return 0;
	if (n - j >= 6 && !strncmp(s + j, ".value", 6))
		j += 6;
	else if (j < n && (s[j] == '"' || s[j] == '\''))
		j++;	/* a JSON key */
	j = skip_ows(s, j, n);
	if (j >= n || (s[j] != '=' && s[j] != ':'))
		return 0;
	j = skip_ows(s, j + 1, n);
	if (j >= n || (s[j] != '"' && s[j] != '\''))
		return 0;
	q = memchr(s + j + 1, s[j], n - j - 1);
	*close = q ? (size_t)(q - s) : n;
	return j + 1;
}

/* Copies text, hiding long hex runs and script assignments of secrets. */
static void copy_scrub(struct oc_text *out, const char *s, size_t n)
{
	size_t i = 0, from = 0, run, open, close;

	while (i < n) {
		if (isxdigit((unsigned char)s[i]) &&
		    (!i || !isxdigit((unsigned char)s[i - 1]))) {
			run = hex_run(s + i, n - i);
			if (run >= HEX_RUN_MIN) {
				oc_text_append_len(out, s + from, i - from);
				oc_text_append(out, HIDDEN);
				i += run;
				from = i;
				continue;
			}
		}
		if (is_word(s[i]) && (!i || !is_word(s[i - 1]))) {
			for (run = 0; i + run < n && is_word(s[i + run]); run++)
				;
			open = secret_assignment(s, i, run, n, &close);
			if (open) {
				oc_text_append_len(out, s + from, open - from);
				oc_text_append(out, HIDDEN);
				i = from = close;
				continue;
			}
		}
		i++;
	}
	oc_text_append_len(out, s + from, n - from);
}

static void redact_field(struct oc_text *out, const char *f, size_t n)
{
	const char *eq = memchr(f, '=', n);
	size_t nlen = eq ? (size_t)(eq - f) : n;
	char *name;
	int err = 0, secret;

	name = oc_form_decode(f, nlen, &err);
	secret = name ? oc_is_secret_name(name) :
			is_secret_name_len(f, nlen);
	free(name);
	if (secret && eq) {
		oc_text_append_len(out, f, nlen + 1);
		oc_text_append(out, HIDDEN);
	} else {
		copy_scrub(out, f, n);
	}
}

void oc_redact_form(struct oc_text *out, const char *in, size_t len)
{
	const char *amp;
	size_t n;

	while (len) {
		amp = memchr(in, '&', len);
		n = amp ? (size_t)(amp - in) : len;
		redact_field(out, in, n);
		if (!amp)
			break;
		oc_text_append(out, "&");
		in += n + 1;
		len -= n + 1;
	}
}

/* "a=1; b=2" to "a=(hidden); b=(hidden)"; @all: every pair, else the
 * first only (Set-Cookie: the rest are attributes). */
static void redact_cookies(struct oc_text *out, const char *v, int all)
{
	size_t n, nlen;
	int first = 1;

	while (*v) {
		n = strcspn(v, ";");
		nlen = strcspn(v, "=");
		if ((all || first) && nlen < n) {
			oc_text_append_len(out, v, nlen + 1);
			oc_text_append(out, HIDDEN);
		} else {
			copy_scrub(out, v, n);
		}
		first = 0;
		v += n;
		if (*v == ';') {
			oc_text_append(out, ";");
			v++;
		}
	}
}

/* A URL: the query string may carry cookies (logout, tunnel). */
static void redact_url(struct oc_text *out, const char *v)
{
	size_t n = strcspn(v, "?");

	copy_scrub(out, v, n);
	if (v[n] == '?') {
		oc_text_append(out, "?");
		oc_redact_form(out, v + n + 1, strlen(v + n + 1));
	}
}

void oc_redact_header(struct oc_text *out, const char *name,
		      const char *value)
{
	oc_text_appendf(out, "%s: ", name);
	if (!strcasecmp(name, "Cookie"))
		redact_cookies(out, value, 1);
	else if (!strcasecmp(name, "Set-Cookie"))
		redact_cookies(out, value, 0);
	else if (!strcasecmp(name, "Authorization") ||
		 !strcasecmp(name, "Proxy-Authorization") ||
		 oc_is_secret_name(name))
		oc_text_append(out, HIDDEN);
	else if (!strcasecmp(name, "Location") ||
		 !strcasecmp(name, "Referer") ||
		 !strcasecmp(name, "Content-Location"))
		redact_url(out, value);
	else
		copy_scrub(out, value, strlen(value));
}

/* Length of an XML name at @s, at most @n. */
static size_t xml_name_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (is_word(s[i]) || s[i] == '.' || s[i] == ':'))
		i++;
	return i;
}

/* Whether @s[i] starts "<name" or "</name" followed by a delimiter. */
static int tag_at(const char *s, size_t i, size_t n, const char *name,
		  size_t nlen, int closing)
{
	size_t j = i + 1 + (closing ? 1 : 0);

	if (s[i] != '<' || (closing && (j > n || s[i + 1] != '/')))
		return 0;
	if (n - j < nlen || strncasecmp(s + j, name, nlen))
		return 0;
	j += nlen;
	return j == n || !(is_word(s[j]) || s[j] == '.' || s[j] == ':');
}

/*
 * Finds the "</name" matching an element whose content starts at @i,
 * counting nested elements of the same name. Returns its offset, or @n.
 */
static size_t find_close(const char *s, size_t i, size_t n,
			 const char *name, size_t nlen)
{
	unsigned int depth = 0;

	for (; i < n; i++) {
		if (s[i] != '<')
			continue;
		if (tag_at(s, i, n, name, nlen, 1)) {
			if (!depth--)
				return i;
		} else if (tag_at(s, i, n, name, nlen, 0)) {
			depth++;
		}
	}
	return n;
}

static int all_hex(const char *s, size_t n)
{
	return hex_run(s, n) == n;
}

/*
 * Whether the element starting at @s[i] ("<name ...>") carries a secret:
 * if so, sets *start to where its content begins and *end to its closing
 * tag (or @n when there is none: then everything after is hidden).
 */
static int secret_element(const char *s, size_t i, size_t n, size_t *start,
			  size_t *end)
{
	size_t nlen = xml_name_len(s + i + 1, n - i - 1);
	const char *name = s + i + 1, *gt;
	size_t clen;
	int arg;

	if (!nlen)
		return 0;
	arg = nlen == 8 && !strncmp(name, "argument", 8);
	if (!arg && !is_secret_name_len(name, nlen))
		return 0;
	gt = memchr(s + i, '>', n - i);
	if (!gt || gt[-1] == '/')
		return 0;
	*start = (size_t)(gt - s) + 1;
	*end = find_close(s, *start, n, name, nlen);
	clen = *end - *start;
	/* jnlp arguments are positional: hide the cookie-like ones. */
	if (arg && (clen < ARG_HEX_MIN || !all_hex(s + *start, clen)))
		return 0;
	return 1;
}

/* XML, HTML or script text. */
static void redact_markup(struct oc_text *out, const char *in, size_t len)
{
	size_t i = 0, from = 0, start, end;
	const char *lt;

	while (i < len && (lt = memchr(in + i, '<', len - i))) {
		i = (size_t)(lt - in);
		if (!secret_element(in, i, len, &start, &end)) {
			i++;
			continue;
		}
		copy_scrub(out, in + from, start - from);
		oc_text_append(out, HIDDEN);
		i = from = end;
	}
	copy_scrub(out, in + from, len - from);
}

static int looks_like_form(const char *in, size_t len)
{
	size_t i;

	if (!memchr(in, '=', len))
		return 0;
	for (i = 0; i < len; i++)
		if (strchr("< \t\r\n\"';", in[i]))
			return 0;
	return 1;
}

void oc_redact_body(struct oc_text *out, const char *in, size_t len)
{
	if (looks_like_form(in, len))
		oc_redact_form(out, in, len);
	else
		redact_markup(out, in, len);
}
