/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Secrets: passwords, cookies, one-time codes, keys.
 *
 * A secret is never a plain char *, so it cannot be handed to a printf
 * format by mistake; oc_secret_show() is what a log line may print. The
 * memory is wiped before it is freed or replaced.
 */
#ifndef OC_SECRET_H
#define OC_SECRET_H

#include <stddef.h>

struct oc_secret {
	char *val;	/* NUL-terminated; NULL when unset */
	size_t len;
};

#define OC_SECRET_INIT { NULL, 0 }

/* Copies @len bytes of @val (may contain NULs) and terminates them.
 * Replaces (and wipes) any previous value. -ENOMEM on failure. */
int oc_secret_set(struct oc_secret *s, const void *val, size_t len);
int oc_secret_set_str(struct oc_secret *s, const char *val);
/* Takes ownership of a malloc'ed string; NULL clears. */
void oc_secret_take(struct oc_secret *s, char *val);
int oc_secret_isset(const struct oc_secret *s);
/* The value for use on the wire; NULL when unset. Never log it. */
static inline const char *oc_secret_get(const struct oc_secret *s)
{
	return s->val;
}
/* What a log line may print: "(hidden)", or "(unset)". */
const char *oc_secret_show(const struct oc_secret *s);
void oc_secret_clear(struct oc_secret *s);

/* Constant-time comparisons: time depends on @n only. Return 1 if equal. */
int oc_ct_memeq(const void *a, const void *b, size_t n);
int oc_secret_equal(const struct oc_secret *a, const struct oc_secret *b);

/* Wipes memory in a way the compiler does not remove. */
void oc_wipe(void *p, size_t n);
/* Wipes a NUL-terminated string, then frees it. NULL is fine. */
void oc_free_str_secret(char *s);

#endif
