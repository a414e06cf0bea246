/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

void oc_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void oc_free_str_secret(char *s)
{
	if (!s)
		return;
	oc_wipe(s, strlen(s));
	free(s);
}

void oc_secret_clear(struct oc_secret *s)
{
	if (s->val) {
		oc_wipe(s->val, s->len);
		free(s->val);
	}
	s->val = NULL;
	s->len = 0;
}

int oc_secret_set(struct oc_secret *s, const void *val, size_t len)
{
	char *copy;

	if (len == SIZE_MAX)
		return -ENOMEM;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, val, len);
	copy[len] = '\0';
	oc_secret_clear(s);
	s->val = copy;
	s->len = len;
	return 0;
}

int oc_secret_set_str(struct oc_secret *s, const char *val)
{
	if (!val) {
		oc_secret_clear(s);
		return 0;
	}
	return oc_secret_set(s, val, strlen(val));
}

void oc_secret_take(struct oc_secret *s, char *val)
{
	oc_secret_clear(s);
	s->val = val;
	s->len = val ? strlen(val) : 0;
}

int oc_secret_isset(const struct oc_secret *s)
{
	return s && s->val;
}

const char *oc_secret_show(const struct oc_secret *s)
{
	return oc_secret_isset(s) ? "(hidden)" : "(unset)";
}

/*
 * The bytes are read through a volatile pointer and folded with OR, so
 * the compiler can neither stop at the first difference nor turn the loop
 * into memcmp.
 */
int oc_ct_memeq(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *pa = a;
	const volatile unsigned char *pb = b;
	unsigned int diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= pa[i] ^ pb[i];
	/* 1 when diff is 0: diff - 1 wraps and sets bit 8 only then. */
	return (int)(((diff - 1) >> 8) & 1);
}

/*
 * The length is compared openly: that two secrets differ in length is
 * not worth hiding (an attacker who can time us usually knows the
 * lengths), and the content comparison would need padding otherwise.
 */
int oc_secret_equal(const struct oc_secret *a, const struct oc_secret *b)
{
	int aset = oc_secret_isset(a), bset = oc_secret_isset(b);

	if (!aset || !bset)
		return aset == bset;
	if (a->len != b->len)
		return 0;
	return oc_ct_memeq(a->val, b->val, a->len);
}
