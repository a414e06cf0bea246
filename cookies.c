/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "http.h"
#include "num.h"
#include "secret.h"

/*
 * One jar per server: it is emptied when requests move to another host or
 * port, so Domain and Path are not needed and are ignored. A hostile
 * server must not make it grow without bound.
 */
#define JAR_MAX_COOKIES	64
#define JAR_MAX_COOKIE	4096	/* name and value */

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims optional white space around [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
	while (*len && is_ows(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_ows((*s)[*len - 1]))
		(*len)--;
}

static int is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* RFC 7230 token characters, which RFC 6265 asks of a cookie name. */
static int is_token(const char *s, size_t len)
{
	static const char sep[] = "()<>@,;:\\\"/[]?={} \t";
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (is_ctl((unsigned char)s[i]) || strchr(sep, s[i]))
			return 0;
	return 1;
}

/* The value goes back into a header: no control characters. */
static int value_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (is_ctl((unsigned char)s[i]))
			return 0;
	return 1;
}

static long find_cookie(const struct oc_cookie_jar *jar, const char *name,
			size_t len)
{
	size_t i;

	for (i = 0; i < jar->n; i++)
		if (strlen(jar->c[i].name) == len &&
		    !memcmp(jar->c[i].name, name, len))
			return (long)i;
	return -1;
}

static void jar_delete(struct oc_cookie_jar *jar, size_t i)
{
	free(jar->c[i].name);
	oc_secret_clear(&jar->c[i].value);
	memmove(&jar->c[i], &jar->c[i + 1],
		(jar->n - i - 1) * sizeof(jar->c[0]));
	jar->n--;
}

static int jar_store(struct oc_cookie_jar *jar, const char *name,
		     size_t nlen, const char *val, size_t vlen)
{
	long i = find_cookie(jar, name, nlen);
	struct oc_cookie *c;
	char *nm;

	if (i >= 0)
		return oc_secret_set(&jar->c[i].value, val, vlen);
	if (jar->n >= JAR_MAX_COOKIES)
		return -ENOSPC;
	c = realloc(jar->c, (jar->n + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	jar->c = c;
	nm = strndup(name, nlen);
	if (!nm)
		return -ENOMEM;
	c = &jar->c[jar->n];
	c->name = nm;
	c->value.val = NULL;
	c->value.len = 0;
	if (oc_secret_set(&c->value, val, vlen)) {
		free(nm);
		return -ENOMEM;
	}
	jar->n++;
	return 0;
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct cookie_date {
	int have_time, have_day, have_month, have_year;
	int h, mi, s, day, month, year;
};

static int parse_num(const char *s, size_t len, int max, int *out)
{
	uint64_t v;

	if (!len || len > 4 || oc_parse_u64_len(s, len, 10, (uint64_t)max, &v))
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int parse_time(const char *s, size_t len, struct cookie_date *d)
{
	if (len != 8 || s[2] != ':' || s[5] != ':')
		return -EINVAL;
	if (parse_num(s, 2, 23, &d->h) || parse_num(s + 3, 2, 59, &d->mi) ||
	    parse_num(s + 6, 2, 60, &d->s))
		return -EINVAL;
	d->have_time = 1;
	return 0;
}

static int parse_month(const char *s, size_t len, struct cookie_date *d)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int i;

	if (len < 3)
		return -EINVAL;
	for (i = 0; i < 12; i++)
		if (!strncasecmp(s, names + 3 * i, 3)) {
			d->month = i + 1;
			d->have_month = 1;
			return 0;
		}
	return -EINVAL;
}

/* One token of a cookie date, per the loose order of RFC 6265 5.1.1. */
static void date_token(const char *s, size_t len, struct cookie_date *d)
{
	int v;

	if (!d->have_time && !parse_time(s, len, d))
		return;
	if (!d->have_day && len <= 2 && !parse_num(s, len, 31, &v) && v) {
		d->day = v;
		d->have_day = 1;
		return;
	}
	if (!d->have_month && !parse_month(s, len, d))
		return;
	if (!d->have_year && (len == 2 || len == 4) &&
	    !parse_num(s, len, 9999, &v)) {
		if (len == 2)
			v += v < 70 ? 2000 : 1900;
		d->year = v;
		d->have_year = 1;
	}
}

/* Seconds since the epoch of an Expires value; -EINVAL if unreadable. */
static int parse_cookie_date(const char *s, size_t len, int64_t *out)
{
	static const char delim[] = " \t,-;/";
	struct cookie_date d = { 0 };
	size_t i = 0, n;

	while (i < len) {
		while (i < len && strchr(delim, s[i]))
			i++;
		for (n = 0; i + n < len && !strchr(delim, s[i + n]); n++)
			;
		if (n)
			date_token(s + i, n, &d);
		i += n;
	}
	if (!d.have_time || !d.have_day || !d.have_month || !d.have_year)
		return -EINVAL;
	*out = days_from_civil(d.year, d.month, d.day) * 86400 +
	       d.h * 3600 + d.mi * 60 + d.s;
	return 0;
}

struct attr {
	const char *k, *v;
	size_t klen, vlen;
};

/* Splits the next "key[=value]" off [*p, end) and trims both. */
static void next_attr(const char **p, const char *end, struct attr *a)
{
	const char *eq;
	size_t n;

	for (n = 0; *p + n < end && (*p)[n] != ';'; n++)
		;
	eq = memchr(*p, '=', n);
	a->k = *p;
	a->klen = eq ? (size_t)(eq - *p) : n;
	a->v = eq ? eq + 1 : *p + n;
	a->vlen = eq ? n - a->klen - 1 : 0;
	trim(&a->k, &a->klen);
	trim(&a->v, &a->vlen);
	*p += n + (*p + n < end);
}

static int attr_is(const struct attr *a, const char *key)
{
	return a->klen == strlen(key) && !strncasecmp(a->k, key, a->klen);
}

/*
 * Whether the attributes after the first ';' say the cookie is already
 * gone. Max-Age wins over Expires; unreadable values are ignored, as RFC
 * 6265 asks.
 */
static int attrs_expire(const char *p, const char *end)
{
	int maxage = -1, expired = 0;
	struct attr a;
	char num[24];
	int64_t t;
	long v;

	while (p < end) {
		next_attr(&p, end, &a);
		if (attr_is(&a, "max-age") && a.vlen && a.vlen < sizeof(num)) {
			memcpy(num, a.v, a.vlen);
			num[a.vlen] = '\0';
			if (!oc_parse_long(num, LONG_MIN, LONG_MAX, &v))
				maxage = v <= 0;
		} else if (attr_is(&a, "expires") &&
			   !parse_cookie_date(a.v, a.vlen, &t)) {
			expired = t <= oc_wall_time();
		}
	}
	return maxage >= 0 ? maxage : expired;
}

int oc_jar_set(struct oc_cookie_jar *jar, const char *set_cookie)
{
	const char *semi, *eq, *name, *val;
	size_t len, nlen, vlen;
	long i;

	len = strlen(set_cookie);
	semi = memchr(set_cookie, ';', len);
	if (semi)
		len = (size_t)(semi - set_cookie);
	eq = memchr(set_cookie, '=', len);
	if (!eq)
		return -EINVAL;
	name = set_cookie;
	nlen = (size_t)(eq - set_cookie);
	val = eq + 1;
	vlen = len - nlen - 1;
	trim(&name, &nlen);
	trim(&val, &vlen);
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val++;
		vlen -= 2;
	}
	if (!is_token(name, nlen) || !value_ok(val, vlen))
		return -EINVAL;
	if (nlen + vlen > JAR_MAX_COOKIE)
		return -E2BIG;
	if (!vlen || (semi && attrs_expire(semi + 1, semi + strlen(semi)))) {
		i = find_cookie(jar, name, nlen);
		if (i >= 0)
			jar_delete(jar, (size_t)i);
		return 0;
	}
	return jar_store(jar, name, nlen, val, vlen);
}

const char *oc_jar_get(const struct oc_cookie_jar *jar, const char *name)
{
	long i = find_cookie(jar, name, strlen(name));

	return i >= 0 ? oc_secret_get(&jar->c[i].value) : NULL;
}

void oc_jar_header(const struct oc_cookie_jar *jar, struct oc_text *t)
{
	size_t i;

	for (i = 0; i < jar->n; i++) {
		if (i)
			oc_text_append(t, "; ");
		oc_text_append(t, jar->c[i].name);
		oc_text_append(t, "=");
		oc_text_append_len(t, oc_secret_get(&jar->c[i].value),
				   jar->c[i].value.len);
	}
}

void oc_jar_clear(struct oc_cookie_jar *jar)
{
	size_t i;

	for (i = 0; i < jar->n; i++) {
		free(jar->c[i].name);
		oc_secret_clear(&jar->c[i].value);
	}
	free(jar->c);
	jar->c = NULL;
	jar->n = 0;
}
