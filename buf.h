/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bounds-checked buffers.
 *
 * struct oc_buf is the one byte buffer for everything built or parsed from
 * the wire. Writers append at len; readers consume from pos. The first
 * failure (overflow of the limit, out of memory, a read past the end) is
 * stored in err and makes every later operation a no-op, so a sequence of
 * puts or gets is checked once at the end with oc_buf_error().
 *
 * A buffer has headroom: oc_buf_init_room() reserves bytes in front of
 * data so a header can be prepended without moving the payload.
 *
 * struct oc_text builds NUL-terminated strings with the same sticky error.
 */
#ifndef OC_BUF_H
#define OC_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define OC_BUF_SECRET	0x01	/* wipe memory on free and on growth */
#define OC_BUF_FIXED	0x02	/* memory is not ours: never grow or free */
/* Internal, set by the init functions: */
#define OC_BUF_OWNED	0x04	/* fixed size, but ours to free */
#define OC_BUF_RDONLY	0x08	/* caller's memory, never written */

struct oc_buf {
	unsigned char *mem;	/* allocation (or caller's memory) */
	unsigned char *data;	/* mem + head */
	size_t head;		/* bytes free in front of data */
	size_t len;		/* bytes written at data */
	size_t cap;		/* bytes available at data */
	size_t pos;		/* read cursor, <= len */
	size_t max;		/* growth limit for len */
	int err;		/* 0, or the first negative errno */
	unsigned int flags;
	size_t head0;		/* headroom at init, restored by reset */
};

/* Empty growable buffer that never holds more than @max bytes. */
void oc_buf_init(struct oc_buf *b, size_t max);
/* Wraps @cap bytes of caller memory for writing; never grows. */
void oc_buf_init_fixed(struct oc_buf *b, void *mem, size_t cap);
/* Wraps @len bytes for reading only. */
void oc_buf_init_ro(struct oc_buf *b, const void *data, size_t len);
/* Allocates @head bytes of headroom and @cap bytes of room (fixed size). */
int oc_buf_init_room(struct oc_buf *b, size_t head, size_t cap);
void oc_buf_free(struct oc_buf *b);
/* Forgets contents and error, keeps the memory; the headroom used by
 * oc_buf_push() is given back. */
void oc_buf_reset(struct oc_buf *b);

static inline int oc_buf_error(const struct oc_buf *b) { return b->err; }
static inline size_t oc_buf_avail(const struct oc_buf *b)
{
	return b->len - b->pos;
}
/* Never NULL: a buffer that never had memory points at an empty array. */
static inline const unsigned char *oc_buf_cur(const struct oc_buf *b)
{
	static const unsigned char empty[1];

	return b->data ? b->data + b->pos : empty;
}

/* Makes room for @n more bytes; returns a pointer to them (len unchanged)
 * or NULL after setting err. */
unsigned char *oc_buf_reserve(struct oc_buf *b, size_t n);
/* Appends @n bytes written by the caller at oc_buf_reserve()'s pointer. */
void oc_buf_commit(struct oc_buf *b, size_t n);

void oc_buf_put(struct oc_buf *b, const void *p, size_t n);
void oc_buf_put_u8(struct oc_buf *b, uint8_t v);
void oc_buf_put_be16(struct oc_buf *b, uint16_t v);
void oc_buf_put_be32(struct oc_buf *b, uint32_t v);
void oc_buf_put_zero(struct oc_buf *b, size_t n);
/* Prepends @n bytes into the headroom; -ENOSPC (sticky) when short. */
unsigned char *oc_buf_push(struct oc_buf *b, size_t n);

/* Reads advance pos. On a short read, *out is zeroed and err is -EBADMSG. */
int oc_buf_get_u8(struct oc_buf *b, uint8_t *out);
int oc_buf_get_be16(struct oc_buf *b, uint16_t *out);
int oc_buf_get_be32(struct oc_buf *b, uint32_t *out);
int oc_buf_get(struct oc_buf *b, void *out, size_t n);
/* Pointer to the next @n bytes (and skips them), or NULL with err set. */
const unsigned char *oc_buf_pull(struct oc_buf *b, size_t n);
int oc_buf_skip(struct oc_buf *b, size_t n);
/* Drops the bytes before pos, moving the rest to the front. */
void oc_buf_compact(struct oc_buf *b);
/* Drops @n bytes from the front of data: data moves forward and the
 * headroom grows, nothing is copied (pos moves back by @n, stopping at 0).
 * Returns the dropped bytes, which stay readable in the headroom (and are
 * wiped with the rest when a secret buffer is freed), or NULL with err set
 * to -EBADMSG when len < @n (also NULL, with no error, for @n 0 on a
 * buffer that never had memory). Works on read-only buffers too. */
unsigned char *oc_buf_pull_head(struct oc_buf *b, size_t n);
/* Drops @n bytes from the end of data (pos stops at the new len); -EBADMSG
 * (sticky) when len < @n. Wiped for OC_BUF_SECRET. */
void oc_buf_trim(struct oc_buf *b, size_t n);

struct oc_text {
	char *s;		/* NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	size_t max;		/* 0: default limit (16 MiB) */
	int err;
	int secret;		/* wipe on free and on growth */
};

#define OC_TEXT_INIT { NULL, 0, 0, 0, 0, 0 }

void oc_text_append(struct oc_text *t, const char *s);
void oc_text_append_len(struct oc_text *t, const char *s, size_t n);
void __attribute__((format(printf, 2, 3)))
oc_text_appendf(struct oc_text *t, const char *fmt, ...);
void oc_text_vappendf(struct oc_text *t, const char *fmt, va_list ap);
/* The string so far, "" when empty; never NULL. */
const char *oc_text_str(const struct oc_text *t);
static inline int oc_text_error(const struct oc_text *t) { return t->err; }
/* Hands the string to the caller (who frees it), resets @t; NULL on error
 * (after freeing). */
char *oc_text_steal(struct oc_text *t);
void oc_text_free(struct oc_text *t);
void oc_text_truncate(struct oc_text *t, size_t len);

#endif
