/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "secret.h"

/*
 * Memory we own (growable or OC_BUF_OWNED) is always head + cap + 1
 * bytes: the extra byte keeps data[len] a NUL, so text bodies can be
 * handed to string functions. Caller memory (OC_BUF_FIXED) gets no NUL,
 * since the bytes after len may be the caller's.
 */
#define BUF_MIN_CAP	64

static int buf_owns(const struct oc_buf *b)
{
	return !(b->flags & OC_BUF_FIXED);
}

static int buf_grows(const struct oc_buf *b)
{
	return !(b->flags & (OC_BUF_FIXED | OC_BUF_OWNED));
}

static void buf_fail(struct oc_buf *b, int err)
{
	if (!b->err)
		b->err = err;
}

static void buf_terminate(struct oc_buf *b)
{
	if (buf_owns(b) && b->data)
		b->data[b->len] = '\0';
}

void oc_buf_init(struct oc_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void oc_buf_init_fixed(struct oc_buf *b, void *mem, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->mem = b->data = mem;
	b->cap = b->max = cap;
	b->flags = OC_BUF_FIXED;
}

void oc_buf_init_ro(struct oc_buf *b, const void *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	/* The cast is safe: OC_BUF_RDONLY keeps every write away. */
	b->mem = b->data = (unsigned char *)(uintptr_t)data;
	b->len = b->cap = b->max = len;
	b->flags = OC_BUF_FIXED | OC_BUF_RDONLY;
}

int oc_buf_init_room(struct oc_buf *b, size_t head, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->flags = OC_BUF_OWNED;
	if (cap > SIZE_MAX - 1 || head > SIZE_MAX - 1 - cap) {
		b->err = -E2BIG;
		return b->err;
	}
	b->mem = malloc(head + cap + 1);
	if (!b->mem) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->data = b->mem + head;
	b->head = b->head0 = head;
	b->cap = b->max = cap;
	b->data[0] = '\0';
	return 0;
}

void oc_buf_free(struct oc_buf *b)
{
	size_t size = b->head + b->cap + (buf_owns(b) ? 1 : 0);
	unsigned int flags = b->flags;
	size_t max = b->max;

	if (b->mem && (flags & OC_BUF_SECRET) && !(flags & OC_BUF_RDONLY))
		oc_wipe(b->mem, size);
	if (buf_owns(b))
		free(b->mem);
	memset(b, 0, sizeof(*b));
	/* A growable buffer can be used again as it was set up. */
	if (!(flags & (OC_BUF_FIXED | OC_BUF_OWNED))) {
		b->max = max;
		b->flags = flags & OC_BUF_SECRET;
	}
}

void oc_buf_reset(struct oc_buf *b)
{
	if ((b->flags & OC_BUF_SECRET) && !(b->flags & OC_BUF_RDONLY))
		oc_wipe(b->data, b->len);
	if (!(b->flags & OC_BUF_RDONLY)) {
		b->cap -= b->head0 - b->head;
		b->head = b->head0;
		b->data = b->mem ? b->mem + b->head : NULL;
		b->len = 0;
	}
	b->pos = 0;
	b->err = 0;
	buf_terminate(b);
}

/* Moves the contents to a new allocation of @newcap; secrets are never
 * left behind in memory handed back to malloc, so no realloc for them. */
static int buf_realloc(struct oc_buf *b, size_t newcap)
{
	size_t size = b->head + newcap + 1;
	unsigned char *mem;

	if (!(b->flags & OC_BUF_SECRET)) {
		mem = realloc(b->mem, size);
		if (!mem)
			return -ENOMEM;
	} else {
		mem = malloc(size);
		if (!mem)
			return -ENOMEM;
		if (b->mem) {
			memcpy(mem + b->head, b->data, b->len);
			oc_wipe(b->mem, b->head + b->cap + 1);
			free(b->mem);
		}
	}
	b->mem = mem;
	b->data = mem + b->head;
	b->cap = newcap;
	return 0;
}

/* Room for @need bytes at data: doubling, but never past max. */
static int buf_grow(struct oc_buf *b, size_t need)
{
	size_t newcap;

	if (!buf_grows(b))
		return -ENOSPC;
	if (need > b->max)
		return -E2BIG;
	newcap = b->cap > b->max / 2 ? b->max : b->cap * 2;
	if (newcap < BUF_MIN_CAP)
		newcap = b->max < BUF_MIN_CAP ? b->max : BUF_MIN_CAP;
	if (newcap < need)
		newcap = need;
	if (b->head > SIZE_MAX - 1 - newcap)
		return -E2BIG;
	return buf_realloc(b, newcap);
}

unsigned char *oc_buf_reserve(struct oc_buf *b, size_t n)
{
	int ret;

	if (b->err)
		return NULL;
	if (b->flags & OC_BUF_RDONLY) {
		buf_fail(b, -ENOSPC);
		return NULL;
	}
	if (n > SIZE_MAX - b->len) {
		buf_fail(b, buf_grows(b) ? -E2BIG : -ENOSPC);
		return NULL;
	}
	if (b->len + n > b->cap || (!b->mem && buf_grows(b))) {
		ret = buf_grow(b, b->len + n);
		if (ret) {
			buf_fail(b, ret);
			return NULL;
		}
	}
	return b->data + b->len;
}

void oc_buf_commit(struct oc_buf *b, size_t n)
{
	if (b->err)
		return;
	if (n > b->cap - b->len || (b->flags & OC_BUF_RDONLY)) {
		buf_fail(b, -ENOSPC);	/* more than was reserved */
		return;
	}
	b->len += n;
	buf_terminate(b);
}

void oc_buf_put(struct oc_buf *b, const void *p, size_t n)
{
	unsigned char *dst = oc_buf_reserve(b, n);

	if (!dst)
		return;
	if (n)
		memcpy(dst, p, n);
	oc_buf_commit(b, n);
}

void oc_buf_put_u8(struct oc_buf *b, uint8_t v)
{
	oc_buf_put(b, &v, 1);
}

void oc_buf_put_be16(struct oc_buf *b, uint16_t v)
{
	unsigned char p[2] = { v >> 8, v & 0xff };

	oc_buf_put(b, p, sizeof(p));
}

void oc_buf_put_be32(struct oc_buf *b, uint32_t v)
{
	unsigned char p[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
			       v & 0xff };

	oc_buf_put(b, p, sizeof(p));
}

void oc_buf_put_zero(struct oc_buf *b, size_t n)
{
	unsigned char *dst = oc_buf_reserve(b, n);

	if (!dst)
		return;
	memset(dst, 0, n);
	oc_buf_commit(b, n);
}

/*
 * The new bytes come before the old ones and pos keeps its value, so a
 * buffer that is being written (pos 0) reads from the new front.
 */
unsigned char *oc_buf_push(struct oc_buf *b, size_t n)
{
	if (b->err)
		return NULL;
	if (n > b->head || (b->flags & OC_BUF_RDONLY)) {
		buf_fail(b, -ENOSPC);
		return NULL;
	}
	b->head -= n;
	b->data -= n;
	b->len += n;
	b->cap += n;
	if (b->max < b->cap)
		b->max = b->cap;
	return b->data;
}

int oc_buf_get(struct oc_buf *b, void *out, size_t n)
{
	if (!b->err && n > b->len - b->pos)
		b->err = -EBADMSG;
	if (b->err) {
		if (n)
			memset(out, 0, n);
		return b->err;
	}
	if (n)
		memcpy(out, b->data + b->pos, n);
	b->pos += n;
	return 0;
}

int oc_buf_get_u8(struct oc_buf *b, uint8_t *out)
{
	return oc_buf_get(b, out, 1);
}

int oc_buf_get_be16(struct oc_buf *b, uint16_t *out)
{
	unsigned char p[2];
	int ret = oc_buf_get(b, p, sizeof(p));

	*out = (uint16_t)(p[0] << 8 | p[1]);
	return ret;
}

int oc_buf_get_be32(struct oc_buf *b, uint32_t *out)
{
	unsigned char p[4];
	int ret = oc_buf_get(b, p, sizeof(p));

	*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
	return ret;
}

const unsigned char *oc_buf_pull(struct oc_buf *b, size_t n)
{
	static const unsigned char empty[1];
	const unsigned char *p;

	if (b->err)
		return NULL;
	if (n > b->len - b->pos) {
		b->err = -EBADMSG;
		return NULL;
	}
	if (!b->data)
		return empty;	/* n is 0 on a buffer never allocated */
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

int oc_buf_skip(struct oc_buf *b, size_t n)
{
	oc_buf_pull(b, n);
	return b->err;
}

void oc_buf_compact(struct oc_buf *b)
{
	size_t rest = b->len - b->pos;

	if (b->err || !b->pos)
		return;
	if (b->flags & OC_BUF_RDONLY) {
		/* Cannot move the caller's bytes: forget the read ones. */
		b->mem = b->data += b->pos;
		b->len = b->cap = b->max = rest;
		b->pos = 0;
		return;
	}
	memmove(b->data, b->data + b->pos, rest);
	if (b->flags & OC_BUF_SECRET)
		oc_wipe(b->data + rest, b->pos);
	b->len = rest;
	b->pos = 0;
	buf_terminate(b);
}

/*
 * head + cap stays the same, so the allocation's size, which free and
 * realloc derive from them, does not change.
 */
unsigned char *oc_buf_pull_head(struct oc_buf *b, size_t n)
{
	unsigned char *p;

	if (b->err)
		return NULL;
	if (n > b->len) {
		b->err = -EBADMSG;
		return NULL;
	}
	p = b->data;
	if (!n)
		return p;
	b->data += n;
	b->head += n;
	b->len -= n;
	b->cap -= n;
	b->pos = b->pos > n ? b->pos - n : 0;
	return p;
}

void oc_buf_trim(struct oc_buf *b, size_t n)
{
	if (b->err)
		return;
	if (n > b->len) {
		b->err = -EBADMSG;
		return;
	}
	if (!n)
		return;
	b->len -= n;
	if ((b->flags & OC_BUF_SECRET) && !(b->flags & OC_BUF_RDONLY))
		oc_wipe(b->data + b->len, n);
	if (b->pos > b->len)
		b->pos = b->len;
	buf_terminate(b);
}

/* ---- Text -------------------------------------------------------------- */

#define TEXT_DEFAULT_MAX	(16 * 1024 * 1024)
#define TEXT_MIN_CAP		64

static size_t text_max(const struct oc_text *t)
{
	return t->max ? t->max : TEXT_DEFAULT_MAX;
}

static void text_fail(struct oc_text *t, int err)
{
	if (!t->err)
		t->err = err;
	if (t->s)
		t->s[t->len] = '\0';	/* a failed vsnprintf wrote there */
}

static int text_realloc(struct oc_text *t, size_t newcap)
{
	char *s;

	if (!t->secret) {
		s = realloc(t->s, newcap);
		if (!s)
			return -ENOMEM;
	} else {
		s = malloc(newcap);
		if (!s)
			return -ENOMEM;
		if (t->s) {
			memcpy(s, t->s, t->len + 1);
			oc_wipe(t->s, t->cap);
			free(t->s);
		}
	}
	t->s = s;
	t->cap = newcap;
	return 0;
}

/* Room for @n more chars and the NUL; 0 or sets err. */
static int text_grow(struct oc_text *t, size_t n)
{
	size_t limit = text_max(t), need, newcap;
	int ret;

	if (t->err)
		return t->err;
	if (n > limit || t->len > limit - n) {
		text_fail(t, -E2BIG);
		return t->err;
	}
	need = t->len + n + 1;
	if (need <= t->cap)
		return 0;
	newcap = t->cap > limit / 2 ? limit + 1 : t->cap * 2;
	if (newcap < TEXT_MIN_CAP)
		newcap = TEXT_MIN_CAP;
	if (newcap < need)
		newcap = need;
	ret = text_realloc(t, newcap);
	if (ret)
		text_fail(t, ret);
	return ret;
}

void oc_text_append_len(struct oc_text *t, const char *s, size_t n)
{
	if (text_grow(t, n))
		return;
	if (n)
		memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

void oc_text_append(struct oc_text *t, const char *s)
{
	oc_text_append_len(t, s ? s : "", s ? strlen(s) : 0);
}

void oc_text_vappendf(struct oc_text *t, const char *fmt, va_list ap)
{
	size_t room;
	va_list ap2;
	int n;

	if (t->err)
		return;
	room = t->s ? t->cap - t->len : 0;
	va_copy(ap2, ap);
	n = vsnprintf(room ? t->s + t->len : NULL, room, fmt, ap);
	if (n < 0) {
		text_fail(t, -EINVAL);
	} else if ((size_t)n < room && t->len + (size_t)n <= text_max(t)) {
		t->len += (size_t)n;
	} else if (!text_grow(t, (size_t)n)) {
		vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap2);
		t->len += (size_t)n;
	}
	va_end(ap2);
}

void oc_text_appendf(struct oc_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_text_vappendf(t, fmt, ap);
	va_end(ap);
}

const char *oc_text_str(const struct oc_text *t)
{
	return t->s ? t->s : "";
}

/* Back to empty, with the same limit and secrecy. */
static void text_forget(struct oc_text *t)
{
	t->s = NULL;
	t->len = t->cap = 0;
	t->err = 0;
}

char *oc_text_steal(struct oc_text *t)
{
	char *s;

	if (t->err) {
		oc_text_free(t);
		return NULL;
	}
	if (!t->s && text_grow(t, 0)) {
		oc_text_free(t);
		return NULL;
	}
	t->s[t->len] = '\0';
	s = t->s;
	text_forget(t);
	return s;
}

void oc_text_free(struct oc_text *t)
{
	if (t->s && t->secret)
		oc_wipe(t->s, t->cap);
	free(t->s);
	text_forget(t);
}

void oc_text_truncate(struct oc_text *t, size_t len)
{
	if (!t->s || len >= t->len)
		return;
	if (t->secret)
		oc_wipe(t->s + len, t->len - len);
	t->len = len;
	t->s[len] = '\0';
}
