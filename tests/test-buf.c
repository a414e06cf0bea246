/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

/* ---- Writing and reading back ------------------------------------------ */

static void test_put_get(void **state)
{
	static const unsigned char want[] = {
		0x7f, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 'x', 'y', 0, 0, 0,
	};
	struct oc_buf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	char two[2];

	oc_buf_init(&b, 1024);
	oc_buf_put_u8(&b, 0x7f);
	oc_buf_put_be16(&b, 0x1234);
	oc_buf_put_be32(&b, 0xdeadbeef);
	oc_buf_put(&b, "xy", 2);
	oc_buf_put_zero(&b, 3);
	oc_buf_put(&b, NULL, 0);
	assert_int_equal(oc_buf_error(&b), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	assert_int_equal(b.data[b.len], '\0');	/* kept terminated */

	assert_int_equal(oc_buf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 0x7f);
	assert_int_equal(oc_buf_get_be16(&b, &u16), 0);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(oc_buf_get_be32(&b, &u32), 0);
	assert_int_equal(u32, 0xdeadbeef);
	assert_int_equal(oc_buf_get(&b, two, 2), 0);
	assert_memory_equal(two, "xy", 2);
	assert_int_equal(oc_buf_avail(&b), 3);
	assert_int_equal(oc_buf_skip(&b, 3), 0);
	assert_int_equal(oc_buf_avail(&b), 0);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_free(&b);
	assert_null(b.mem);
	assert_int_equal(b.max, 1024);	/* can be used again */
	oc_buf_put_u8(&b, 1);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_free(&b);
}

static void test_growth(void **state)
{
	struct oc_buf b;
	size_t i;

	oc_buf_init(&b, 10000);
	for (i = 0; i < 10000; i++) {
		oc_buf_put_u8(&b, (uint8_t)i);
		if (b.len != i + 1 || b.data[i] != (uint8_t)i)
			fail_msg("byte %zu lost on growth", i);
		if (b.data[b.len] != '\0')
			fail_msg("no NUL after %zu bytes", b.len);
	}
	assert_int_equal(oc_buf_error(&b), 0);
	assert_true(b.cap <= b.max);
	oc_buf_put_u8(&b, 0);
	assert_int_equal(oc_buf_error(&b), -E2BIG);
	assert_int_equal(b.len, 10000);
	oc_buf_free(&b);
}

struct limit_case {
	const char *name;
	size_t max;
	size_t first, second;
	int err;
	size_t len;
};

static const struct limit_case limit_cases[] = {
	{ "1 fits exactly", 5, 3, 2, 0, 5 },
	{ "2 one over", 5, 3, 3, -E2BIG, 3 },
	{ "3 first too big", 5, 6, 0, -E2BIG, 0 },
	{ "4 max 0", 0, 0, 1, -E2BIG, 0 },
	{ "5 size overflow", 100, 10, SIZE_MAX - 5, -E2BIG, 10 },
	{ "6 large", 1 << 20, 1 << 19, 1 << 19, 0, 1 << 20 },
	{ "7 max SIZE_MAX", SIZE_MAX, 10, SIZE_MAX, -E2BIG, 10 },
};

static void test_limits(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(limit_cases) / sizeof(limit_cases[0]); i++) {
		const struct limit_case *c = &limit_cases[i];
		struct oc_buf b;

		print_message("# limit case %s\n", c->name);
		oc_buf_init(&b, c->max);
		oc_buf_put_zero(&b, c->first);
		oc_buf_put_zero(&b, c->second);
		assert_int_equal(oc_buf_error(&b), c->err);
		assert_int_equal(b.len, c->len);
		oc_buf_free(&b);
	}
}

/* After the first error nothing changes, whatever the operation. */
static void test_sticky(void **state)
{
	struct oc_buf b;
	unsigned char *data;
	uint32_t u32 = 1;
	uint16_t u16 = 1;
	uint8_t u8 = 1;
	char out[4] = "abc";

	oc_buf_init(&b, 8);
	oc_buf_put(&b, "12345678", 8);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_put_u8(&b, '9');
	assert_int_equal(oc_buf_error(&b), -E2BIG);
	data = b.data;

	oc_buf_put(&b, "x", 1);
	oc_buf_put_be16(&b, 1);
	oc_buf_put_be32(&b, 1);
	oc_buf_put_zero(&b, 1);
	assert_null(oc_buf_reserve(&b, 0));
	oc_buf_commit(&b, 0);
	assert_null(oc_buf_push(&b, 0));
	oc_buf_compact(&b);
	assert_int_equal(b.len, 8);
	assert_ptr_equal(b.data, data);
	assert_memory_equal(b.data, "12345678", 8);

	/* Reads fail too, and zero what they would have filled. */
	assert_int_equal(oc_buf_get_u8(&b, &u8), -E2BIG);
	assert_int_equal(u8, 0);
	assert_int_equal(oc_buf_get_be16(&b, &u16), -E2BIG);
	assert_int_equal(u16, 0);
	assert_int_equal(oc_buf_get_be32(&b, &u32), -E2BIG);
	assert_int_equal(u32, 0);
	assert_int_equal(oc_buf_get(&b, out, 4), -E2BIG);
	assert_memory_equal(out, "\0\0\0\0", 4);
	assert_null(oc_buf_pull(&b, 1));
	assert_int_equal(oc_buf_skip(&b, 0), -E2BIG);
	assert_int_equal(b.pos, 0);
	assert_int_equal(oc_buf_error(&b), -E2BIG);

	/* reset forgets the error. */
	oc_buf_reset(&b);
	assert_int_equal(oc_buf_error(&b), 0);
	assert_int_equal(b.len, 0);
	oc_buf_put_u8(&b, 'z');
	assert_int_equal(oc_buf_error(&b), 0);
	assert_int_equal(b.data[0], 'z');
	oc_buf_free(&b);
}

/* ---- Reading ----------------------------------------------------------- */

struct read_case {
	const char *name;
	size_t have;	/* bytes in the buffer */
	int width;	/* 1, 2, 4: get_u8/be16/be32; else get of width */
	int ret;
};

static const struct read_case read_cases[] = {
	{ "1 u8 of 1", 1, 1, 0 },
	{ "2 u8 of 0", 0, 1, -EBADMSG },
	{ "3 be16 of 2", 2, 2, 0 },
	{ "4 be16 of 1", 1, 2, -EBADMSG },
	{ "5 be32 of 4", 4, 4, 0 },
	{ "6 be32 of 3", 3, 4, -EBADMSG },
	{ "7 get 5 of 5", 5, 5, 0 },
	{ "8 get 5 of 4", 4, 5, -EBADMSG },
	{ "9 get 0 of 0", 0, 0, 0 },
};

static int read_width(struct oc_buf *b, int width, uint32_t *v)
{
	unsigned char five[5];
	uint16_t u16;
	uint8_t u8;
	int ret;

	switch (width) {
	case 1:
		ret = oc_buf_get_u8(b, &u8);
		*v = u8;
		return ret;
	case 2:
		ret = oc_buf_get_be16(b, &u16);
		*v = u16;
		return ret;
	case 4:
		return oc_buf_get_be32(b, v);
	default:
		memset(five, 0xee, sizeof(five));
		ret = oc_buf_get(b, five, (size_t)width);
		*v = width ? five[0] : 0;
		return ret;
	}
}

static void test_reads(void **state)
{
	static const unsigned char src[] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5 };
	size_t i;

	for (i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++) {
		const struct read_case *c = &read_cases[i];
		struct oc_buf b;
		uint32_t v = 0x55555555;

		print_message("# read case %s\n", c->name);
		oc_buf_init_ro(&b, src, c->have);
		assert_int_equal(read_width(&b, c->width, &v), c->ret);
		assert_int_equal(oc_buf_error(&b), c->ret);
		if (c->ret) {
			assert_int_equal(v, 0);
			assert_int_equal(b.pos, 0);
		} else {
			assert_int_equal(b.pos, (size_t)c->width);
			if (c->width)
				assert_int_equal(v & 0xff,
						 src[c->width == 5 ? 0 :
						     c->width - 1]);
		}
		oc_buf_free(&b);
	}
}

static void test_pull_skip(void **state)
{
	static const char src[] = "headerbody";
	const unsigned char *p;
	struct oc_buf b;

	oc_buf_init_ro(&b, src, 10);
	p = oc_buf_pull(&b, 6);
	assert_non_null(p);
	assert_memory_equal(p, "header", 6);
	assert_ptr_equal(oc_buf_cur(&b), (const unsigned char *)src + 6);
	assert_int_equal(oc_buf_skip(&b, 4), 0);
	assert_non_null(oc_buf_pull(&b, 0));
	assert_null(oc_buf_pull(&b, 1));
	assert_int_equal(oc_buf_error(&b), -EBADMSG);

	/* A never-written growable buffer has nothing, but 0 bytes is ok. */
	oc_buf_init(&b, 10);
	assert_non_null(oc_buf_pull(&b, 0));
	assert_int_equal(oc_buf_skip(&b, 1), -EBADMSG);
	oc_buf_free(&b);
}

/* ---- Fixed, read-only and reserved memory ------------------------------ */

static void test_fixed(void **state)
{
	unsigned char mem[8];
	struct oc_buf b;

	memset(mem, '#', sizeof(mem));
	oc_buf_init_fixed(&b, mem, 6);
	oc_buf_put(&b, "ab", 2);
	assert_int_equal(oc_buf_error(&b), 0);
	assert_ptr_equal(b.data, mem);
	assert_int_equal(mem[2], '#');		/* no NUL in caller memory */
	oc_buf_put(&b, "cdef", 4);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_put_u8(&b, 'g');
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	assert_int_equal(b.len, 6);
	assert_memory_equal(mem, "abcdef##", 8);
	oc_buf_free(&b);			/* not ours: not freed */
	assert_memory_equal(mem, "abcdef##", 8);

	/* A reservation bigger than the room fails the same way. */
	oc_buf_init_fixed(&b, mem, 4);
	assert_null(oc_buf_reserve(&b, 5));
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	oc_buf_free(&b);
}

static void test_ro(void **state)
{
	static const char src[] = "const";
	struct oc_buf b;

	oc_buf_init_ro(&b, src, 5);
	assert_int_equal(oc_buf_avail(&b), 5);
	oc_buf_put_u8(&b, 'x');
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	oc_buf_reset(&b);
	assert_null(oc_buf_push(&b, 0));
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	oc_buf_reset(&b);
	assert_null(oc_buf_reserve(&b, 0));
	oc_buf_reset(&b);
	/* reset rewinds a read-only buffer. */
	assert_int_equal(oc_buf_avail(&b), 5);

	assert_int_equal(oc_buf_skip(&b, 2), 0);
	oc_buf_compact(&b);
	assert_int_equal(b.pos, 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "nst", 3);
	assert_string_equal(src, "const");
	oc_buf_free(&b);
}

static void test_reserve_commit(void **state)
{
	unsigned char *p;
	struct oc_buf b;

	oc_buf_init(&b, 100);
	p = oc_buf_reserve(&b, 10);
	assert_non_null(p);
	assert_true(b.cap >= 10);
	assert_int_equal(b.len, 0);
	memcpy(p, "0123456789", 10);
	oc_buf_commit(&b, 4);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "0123", 5);	/* and the NUL */
	oc_buf_commit(&b, b.cap - b.len + 1);
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	assert_int_equal(b.len, 4);
	oc_buf_free(&b);

	oc_buf_init(&b, 100);
	p = oc_buf_reserve(&b, 0);
	assert_non_null(p);			/* memory even for 0 */
	oc_buf_commit(&b, 0);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_free(&b);
}

/* ---- Headroom ---------------------------------------------------------- */

static void test_headroom(void **state)
{
	struct oc_buf b;
	unsigned char *h;

	assert_int_equal(oc_buf_init_room(&b, 16, 100), 0);
	assert_int_equal(b.head, 16);
	assert_int_equal(b.cap, 100);
	assert_ptr_equal(b.data, b.mem + 16);
	oc_buf_put(&b, "payload", 7);
	assert_int_equal(oc_buf_error(&b), 0);

	h = oc_buf_push(&b, 4);
	assert_non_null(h);
	assert_ptr_equal(h, b.data);
	assert_ptr_equal(h, b.mem + 12);
	memcpy(h, "HDR:", 4);
	assert_int_equal(b.len, 11);
	assert_int_equal(b.head, 12);
	assert_memory_equal(b.data, "HDR:payload", 12);	/* and the NUL */

	h = oc_buf_push(&b, 12);
	assert_ptr_equal(h, b.mem);
	memset(h, '-', 12);
	assert_int_equal(b.head, 0);
	assert_int_equal(b.len, 23);

	assert_null(oc_buf_push(&b, 1));
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	assert_int_equal(b.len, 23);

	/* Fixed size: the tail room is all there is. */
	oc_buf_reset(&b);
	assert_int_equal(b.head, 16);
	assert_int_equal(b.cap, 100);
	assert_int_equal(b.len, 0);
	oc_buf_put_zero(&b, 100);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_put_u8(&b, 1);
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	oc_buf_free(&b);

	/* A growable buffer has no headroom. */
	oc_buf_init(&b, 100);
	oc_buf_put_u8(&b, 1);
	assert_null(oc_buf_push(&b, 1));
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	oc_buf_free(&b);

	assert_int_equal(oc_buf_init_room(&b, SIZE_MAX, 2), -E2BIG);
	assert_int_equal(oc_buf_error(&b), -E2BIG);
	oc_buf_free(&b);
}

static void test_compact(void **state)
{
	struct oc_buf b;
	char out[3];

	oc_buf_init(&b, 100);
	oc_buf_put(&b, "abcdef", 6);
	oc_buf_compact(&b);			/* nothing read: no change */
	assert_int_equal(b.len, 6);
	assert_int_equal(oc_buf_get(&b, out, 2), 0);
	oc_buf_compact(&b);
	assert_int_equal(b.pos, 0);
	assert_int_equal(b.len, 4);
	assert_string_equal((char *)b.data, "cdef");
	oc_buf_put(&b, "g", 1);
	assert_string_equal((char *)b.data, "cdefg");

	assert_int_equal(oc_buf_skip(&b, 5), 0);
	oc_buf_compact(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.data[0], '\0');
	oc_buf_free(&b);

	/* With headroom, the data stays after it. */
	assert_int_equal(oc_buf_init_room(&b, 8, 16), 0);
	oc_buf_put(&b, "123456", 6);
	assert_int_equal(oc_buf_skip(&b, 3), 0);
	oc_buf_compact(&b);
	assert_ptr_equal(b.data, b.mem + 8);
	assert_string_equal((char *)b.data, "456");
	oc_buf_free(&b);
}

/* ---- Secrets ----------------------------------------------------------- */

static void test_secret_fixed(void **state)
{
	unsigned char mem[16], zero[16] = { 0 };
	struct oc_buf b;

	memset(mem, '#', sizeof(mem));
	oc_buf_init_fixed(&b, mem, sizeof(mem));
	b.flags |= OC_BUF_SECRET;
	oc_buf_put(&b, "password", 8);
	oc_buf_free(&b);
	assert_memory_equal(mem, zero, sizeof(mem));

	/* reset wipes what was written. */
	memset(mem, '#', sizeof(mem));
	oc_buf_init_fixed(&b, mem, sizeof(mem));
	b.flags |= OC_BUF_SECRET;
	oc_buf_put(&b, "cookie", 6);
	oc_buf_reset(&b);
	assert_memory_equal(mem, zero, 6);
	assert_int_equal(mem[6], '#');

	/* compact wipes the tail it vacates. */
	oc_buf_put(&b, "abcdef", 6);
	assert_int_equal(oc_buf_skip(&b, 4), 0);
	oc_buf_compact(&b);
	assert_memory_equal(mem, "ef\0\0\0\0", 6);
	oc_buf_free(&b);
}

static void test_secret_growth(void **state)
{
	struct oc_buf b;
	unsigned char want[5000];
	size_t i;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (unsigned char)(i * 7);
	oc_buf_init(&b, sizeof(want));
	b.flags |= OC_BUF_SECRET;
	for (i = 0; i < sizeof(want); i += 100)
		oc_buf_put(&b, want + i, 100);
	assert_int_equal(oc_buf_error(&b), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	assert_int_equal(b.data[b.len], '\0');
	oc_buf_free(&b);
	assert_true(b.flags & OC_BUF_SECRET);	/* kept for reuse */
	oc_buf_put(&b, "k", 1);
	oc_buf_free(&b);
}

/* ---- Text -------------------------------------------------------------- */

static void test_text(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	char *s;

	assert_string_equal(oc_text_str(&t), "");
	oc_text_append(&t, "user=");
	oc_text_append_len(&t, "alice-and-more", 5);
	oc_text_appendf(&t, "&n=%d&s=%s", 42, "x");
	oc_text_append(&t, NULL);
	assert_int_equal(oc_text_error(&t), 0);
	assert_string_equal(oc_text_str(&t), "user=alice&n=42&s=x");
	assert_int_equal(t.len, 19);

	oc_text_truncate(&t, 10);
	assert_string_equal(oc_text_str(&t), "user=alice");
	oc_text_truncate(&t, 50);		/* longer: no change */
	assert_string_equal(oc_text_str(&t), "user=alice");

	s = oc_text_steal(&t);
	assert_string_equal(s, "user=alice");
	free(s);
	assert_null(t.s);
	assert_int_equal(t.len, 0);
	assert_string_equal(oc_text_str(&t), "");

	/* Stealing an empty text gives an empty string, not NULL. */
	s = oc_text_steal(&t);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	oc_text_free(&t);
}

static void test_text_growth(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	char big[3000];
	size_t i;

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* appendf that does not fit the current allocation */
	oc_text_append(&t, "<");
	oc_text_appendf(&t, "%s>", big);
	assert_int_equal(oc_text_error(&t), 0);
	assert_int_equal(t.len, sizeof(big) + 1);
	assert_int_equal(oc_text_str(&t)[0], '<');
	assert_int_equal(oc_text_str(&t)[t.len - 1], '>');
	oc_text_free(&t);

	for (i = 0; i < 1000; i++)
		oc_text_appendf(&t, "%03zu,", i);
	assert_int_equal(t.len, 4000);
	assert_memory_equal(t.s + 3996, "999,", 5);
	oc_text_free(&t);

	t.secret = 1;
	for (i = 0; i < 100; i++)
		oc_text_append(&t, "secret-");
	assert_int_equal(t.len, 700);
	assert_memory_equal(t.s + 693, "secret-", 8);
	oc_text_free(&t);
	assert_int_equal(t.secret, 1);
}

static void test_text_limit(void **state)
{
	struct oc_text t = OC_TEXT_INIT;

	t.max = 8;
	oc_text_append(&t, "12345678");
	assert_int_equal(oc_text_error(&t), 0);
	oc_text_append(&t, "9");
	assert_int_equal(oc_text_error(&t), -E2BIG);
	/* Sticky: nothing changes afterwards. */
	oc_text_append(&t, "");
	oc_text_appendf(&t, "%d", 1);
	assert_string_equal(oc_text_str(&t), "12345678");
	assert_int_equal(oc_text_error(&t), -E2BIG);
	assert_null(oc_text_steal(&t));
	assert_null(t.s);
	assert_int_equal(oc_text_error(&t), 0);
	oc_text_free(&t);

	/* A failed appendf leaves the old text intact and terminated. */
	t.max = 8;
	oc_text_append(&t, "abc");
	oc_text_appendf(&t, "%s", "toolong");
	assert_int_equal(oc_text_error(&t), -E2BIG);
	assert_string_equal(oc_text_str(&t), "abc");
	oc_text_free(&t);

	/* The default limit is 16 MiB. */
	t.max = 0;
	oc_text_append_len(&t, "", 0);
	assert_int_equal(oc_text_error(&t), 0);
	oc_text_append_len(&t, "x", (size_t)16 * 1024 * 1024 + 1);
	assert_int_equal(oc_text_error(&t), -E2BIG);
	oc_text_free(&t);
	oc_text_append_len(&t, "x", SIZE_MAX);
	assert_int_equal(oc_text_error(&t), -E2BIG);
	oc_text_free(&t);
}

/* ---- Dropping bytes at either end --------------------------------------- */

static void test_pull_head_trim(void **state)
{
	unsigned char mem[16], *p;
	struct oc_buf b;
	uint8_t u8;

	/* Owned memory with headroom: push, then pull back what was pushed. */
	assert_int_equal(oc_buf_init_room(&b, 8, 32), 0);
	oc_buf_put(&b, "payload!", 8);
	memcpy(oc_buf_push(&b, 4), "HDR:", 4);
	assert_int_equal(oc_buf_get_u8(&b, &u8), 0);
	assert_int_equal(oc_buf_get_u8(&b, &u8), 0);
	p = oc_buf_pull_head(&b, 4);
	assert_non_null(p);
	assert_memory_equal(p, "HDR:", 4);	/* still readable */
	assert_ptr_equal(b.data, b.mem + 8);
	assert_int_equal(b.head, 8);
	assert_int_equal(b.len, 8);
	assert_int_equal(b.cap, 32);
	assert_int_equal(b.pos, 0);		/* 2 - 4 stops at 0 */
	assert_memory_equal(b.data, "payload!", 9);	/* and the NUL */

	/* Past the head room we started with: head grows, cap shrinks. */
	assert_int_equal(oc_buf_get_u8(&b, &u8), 0);
	assert_int_equal(oc_buf_get_u8(&b, &u8), 0);
	assert_int_equal(oc_buf_get_u8(&b, &u8), 0);
	assert_ptr_equal(oc_buf_pull_head(&b, 1), b.mem + 8);
	assert_int_equal(b.head, 9);
	assert_int_equal(b.cap, 31);
	assert_int_equal(b.pos, 2);
	assert_memory_equal(b.data, "ayload!", 7);
	assert_ptr_equal(oc_buf_pull_head(&b, 0), b.data);

	/* Trim: from the end, still terminated, pos kept inside. */
	b.pos = 7;
	oc_buf_trim(&b, 3);
	assert_int_equal(b.len, 4);
	assert_int_equal(b.pos, 4);
	assert_string_equal((char *)b.data, "aylo");
	oc_buf_trim(&b, 0);
	assert_int_equal(b.len, 4);
	assert_int_equal(oc_buf_error(&b), 0);

	/* Too much: sticky -EBADMSG, nothing changes. */
	assert_null(oc_buf_pull_head(&b, 5));
	assert_int_equal(oc_buf_error(&b), -EBADMSG);
	oc_buf_trim(&b, 1);
	assert_null(oc_buf_pull_head(&b, 1));
	assert_int_equal(b.len, 4);

	/* Reset gives the original headroom back. */
	oc_buf_reset(&b);
	assert_int_equal(b.head, 8);
	assert_int_equal(b.cap, 32);
	oc_buf_put(&b, "x", 1);
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_trim(&b, 2);
	assert_int_equal(oc_buf_error(&b), -EBADMSG);
	oc_buf_free(&b);

	/* Caller's memory and read-only views. */
	oc_buf_init_fixed(&b, mem, sizeof(mem));
	oc_buf_put(&b, "0123456789", 10);
	assert_ptr_equal(oc_buf_pull_head(&b, 3), mem);
	oc_buf_trim(&b, 2);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "34567", 5);
	assert_int_equal(b.head + b.cap, sizeof(mem));
	oc_buf_init_ro(&b, "abcdef", 6);
	assert_memory_equal(oc_buf_pull_head(&b, 2), "ab", 2);
	oc_buf_trim(&b, 1);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "cde", 3);
	assert_int_equal(oc_buf_error(&b), 0);

	/* A growable buffer keeps growing after a pull. */
	oc_buf_init(&b, 1000);
	assert_null(oc_buf_pull_head(&b, 0));	/* no memory yet */
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_put(&b, "abcdef", 6);
	oc_buf_pull_head(&b, 2);
	oc_buf_put_zero(&b, 500);
	assert_int_equal(oc_buf_error(&b), 0);
	assert_int_equal(b.len, 504);
	assert_memory_equal(b.data, "cdef", 4);
	oc_buf_free(&b);
}

static void test_trim_secret(void **state)
{
	struct oc_buf b;
	unsigned char *tail;

	oc_buf_init(&b, 100);
	b.flags |= OC_BUF_SECRET;
	oc_buf_put(&b, "public-SECRET", 13);
	tail = b.data + 6;
	oc_buf_trim(&b, 7);
	assert_int_equal(b.len, 6);
	/* The NUL lands on the first byte; the rest is wiped. */
	for (int i = 0; i < 7; i++)
		assert_int_equal(tail[i], 0);
	oc_buf_free(&b);
}

/* A growable buffer that never had memory: the read cursor is a valid
 * pointer (to nothing), so callers may pass it on with length 0 (to
 * memcpy, or as a view) without pointer arithmetic on NULL. */
static void test_never_allocated(void **state)
{
	struct oc_buf b, view;

	oc_buf_init(&b, 64);
	assert_int_equal(oc_buf_avail(&b), 0);
	assert_non_null(oc_buf_cur(&b));
	oc_buf_init_ro(&view, oc_buf_cur(&b), oc_buf_avail(&b));
	assert_int_equal(oc_buf_avail(&view), 0);
	assert_non_null(oc_buf_pull(&b, 0));
	oc_buf_compact(&b);
	oc_buf_reset(&b);
	assert_non_null(oc_buf_cur(&b));
	assert_int_equal(oc_buf_error(&b), 0);
	oc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_pull_skip),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_ro),
		cmocka_unit_test(test_reserve_commit),
		cmocka_unit_test(test_headroom),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_secret_fixed),
		cmocka_unit_test(test_secret_growth),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_growth),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_pull_head_trim),
		cmocka_unit_test(test_trim_secret),
		cmocka_unit_test(test_never_allocated),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
