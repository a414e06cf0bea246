/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Forms and text escaping for the test gateway.
 *
 * The library's url.c has its own form code; the gateway keeps these
 * few lines to itself so that it decodes what clients send independently
 * of the client code it is there to test.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes @len bytes into a new string; NULL with *err set on failure. */
static char *form_decode(const char *s, size_t len, int *err)
{
	char *out = malloc(len + 1);
	size_t i, o = 0;
	int c, hi, lo;

	if (!out) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			hi = len - i > 2 ? hex_value(s[i + 1]) : -1;
			lo = len - i > 2 ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				goto bad;
			c = hi << 4 | lo;
			i += 2;
		}
		if (!c)
			goto bad;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
bad:
	oc_wipe(out, len + 1);
	free(out);
	*err = -EINVAL;
	return NULL;
}

static int form_grow(struct gw_form *form)
{
	struct gw_field *f;

	if (form->n % 16)
		return 0;
	if (form->n >= GW_MAX_FIELDS)
		return -E2BIG;
	f = realloc(form->f, (form->n + 16) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	form->f = f;
	return 0;
}

static int form_add(struct gw_form *form, const char *seg, size_t len)
{
	const char *eq = memchr(seg, '=', len);
	size_t nlen = eq ? (size_t)(eq - seg) : len;
	struct gw_field *f;
	int ret = form_grow(form);

	if (ret)
		return ret;
	f = &form->f[form->n];
	f->name = form_decode(seg, nlen, &ret);
	if (!f->name)
		return ret;
	f->value = form_decode(eq ? eq + 1 : "", eq ? len - nlen - 1 : 0,
			       &ret);
	if (!f->value) {
		free(f->name);
		return ret;
	}
	form->n++;
	return 0;
}

int gw_form_parse(const char *s, size_t len, struct gw_form *form)
{
	size_t i = 0, start;
	int ret = 0;

	memset(form, 0, sizeof(*form));
	while (i < len && !ret) {
		start = i;
		while (i < len && s[i] != '&')
			i++;
		if (i > start)
			ret = form_add(form, s + start, i - start);
		i++;
	}
	if (ret)
		gw_form_free(form);
	return ret;
}

const char *gw_form_get(const struct gw_form *form, const char *name)
{
	size_t i;

	for (i = 0; i < form->n; i++)
		if (!strcmp(form->f[i].name, name))
			return form->f[i].value;
	return NULL;
}

void gw_form_free(struct gw_form *form)
{
	size_t i;

	for (i = 0; i < form->n; i++) {
		free(form->f[i].name);
		oc_free_str_secret(form->f[i].value);
	}
	free(form->f);
	memset(form, 0, sizeof(*form));
}

void gw_log_safe(struct oc_text *t, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		char c = s[i];

		oc_text_append_len(t, c > ' ' && c < 127 && c != ',' ? &c : "?",
				   1);
	}
	if (s[i])
		oc_text_append(t, "...");
}

void gw_form_names(const struct gw_form *form, struct oc_text *t)
{
	size_t i;

	for (i = 0; i < form->n; i++) {
		if (i)
			oc_text_append(t, ",");
		gw_log_safe(t, form->f[i].name, 40);
	}
}

void gw_url_encode(struct oc_text *t, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char esc[3];

	for (; *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c)) {
			oc_text_append_len(t, s, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		oc_text_append_len(t, esc, 3);
	}
}

void gw_xml_escape(struct oc_text *t, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			oc_text_append(t, "&amp;");
			break;
		case '<':
			oc_text_append(t, "&lt;");
			break;
		case '>':
			oc_text_append(t, "&gt;");
			break;
		case '"':
			oc_text_append(t, "&quot;");
			break;
		case '\'':
			oc_text_append(t, "&apos;");
			break;
		default:
			oc_text_append_len(t, s, 1);
		}
	}
}

void gw_xml_elem(struct oc_text *t, const char *name, const char *val)
{
	oc_text_appendf(t, "<%s>", name);
	gw_xml_escape(t, val);
	oc_text_appendf(t, "</%s>\n", name);
}
