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
#include "gp-frame.h"

#define MTU	1400

/* ---- Helpers ----------------------------------------------------------- */

/* A frame, written out byte by byte the way PROTOCOL.md draws it. */
static size_t make_frame(unsigned char *out, const unsigned char magic[4],
			 uint16_t type, uint16_t len, uint8_t tag0,
			 size_t payload_bytes, uint8_t fill)
{
	size_t i;

	memcpy(out, magic, 4);
	out[4] = type >> 8;
	out[5] = type & 0xff;
	out[6] = len >> 8;
	out[7] = len & 0xff;
	memset(out + 8, 0, 8);
	out[8] = tag0;
	for (i = 0; i < payload_bytes; i++)
		out[16 + i] = (uint8_t)(fill + i);
	return 16 + payload_bytes;
}

static const unsigned char good_magic[4] = { 0x1a, 0x2b, 0x3c, 0x4d };

static void check_payload(const unsigned char *p, size_t len, uint8_t fill)
{
	size_t i;

	for (i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(fill + i));
}

/* ---- Constants and the header writer ------------------------------------ */

static void test_constants(void **state)
{
	static const unsigned char ka[16] = {
		0x1a, 0x2b, 0x3c, 0x4d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};

	assert_int_equal(GP_FRAME_HDR_LEN, 16);
	assert_int_equal(GP_FRAME_MAGIC, 0x1a2b3c4d);
	assert_memory_equal(gp_frame_keepalive, ka, sizeof(ka));
}

static void test_ethertype(void **state)
{
	static const struct {
		unsigned char first;
		size_t len;
		int want;
	} t[] = {
		{ 0x45, 20, GP_ETHERTYPE_IPV4 },	/* 1 */
		{ 0x4f, 60, GP_ETHERTYPE_IPV4 },	/* 2: options */
		{ 0x60, 40, GP_ETHERTYPE_IPV6 },	/* 3 */
		{ 0x6f, 1, GP_ETHERTYPE_IPV6 },		/* 4 */
		{ 0x00, 20, -EPROTO },			/* 5 */
		{ 0x50, 20, -EPROTO },			/* 6 */
		{ 0xf0, 20, -EPROTO },			/* 7 */
		{ 0x45, 0, -EPROTO },			/* 8: empty */
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (gp_frame_ethertype(&t[i].first, t[i].len) != t[i].want)
			print_message("# ethertype case %zu\n", i + 1);
		assert_int_equal(gp_frame_ethertype(&t[i].first, t[i].len),
				 t[i].want);
	}
}

static void fill_packet(struct oc_buf *b, size_t len, uint8_t first)
{
	size_t i;

	oc_buf_put_u8(b, first);
	for (i = 1; i < len; i++)
		oc_buf_put_u8(b, (uint8_t)i);
	assert_int_equal(oc_buf_error(b), 0);
}

static void test_push_header(void **state)
{
	static const unsigned char want4[16] = {
		0x1a, 0x2b, 0x3c, 0x4d, 0x08, 0x00, 0x00, 0x54,
		0x01, 0, 0, 0, 0, 0, 0, 0,
	};
	static const unsigned char want6[16] = {
		0x1a, 0x2b, 0x3c, 0x4d, 0x86, 0xdd, 0x05, 0x78,
		0x01, 0, 0, 0, 0, 0, 0, 0,
	};
	struct oc_buf b;

	assert_int_equal(oc_buf_init_room(&b, 64, MTU), 0);
	fill_packet(&b, 84, 0x45);
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV4), 0);
	assert_int_equal(b.len, 16 + 84);
	assert_int_equal(b.head, 64 - 16);
	assert_memory_equal(b.data, want4, 16);
	assert_int_equal(b.data[16], 0x45);
	assert_int_equal(b.data[16 + 83], 83);
	oc_buf_free(&b);

	assert_int_equal(oc_buf_init_room(&b, 16, MTU), 0);
	fill_packet(&b, MTU, 0x60);
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV6), 0);
	assert_memory_equal(b.data, want6, 16);
	assert_int_equal(b.head, 0);
	oc_buf_free(&b);
}

static void test_push_header_errors(void **state)
{
	struct oc_buf b;
	size_t len;

	/* 1: not an IP ethertype, 2: the keepalive one; nothing changes. */
	assert_int_equal(oc_buf_init_room(&b, 64, 0x10000 + 16), 0);
	fill_packet(&b, 20, 0x45);
	assert_int_equal(gp_frame_push_header(&b, 0x0806), -EINVAL);
	assert_int_equal(gp_frame_push_header(&b, 0), -EINVAL);
	assert_int_equal(b.len, 20);
	assert_int_equal(b.head, 64);
	assert_int_equal(oc_buf_error(&b), 0);

	/* 3: exactly 65535 bytes fit the length field, 4: one more not. */
	oc_buf_reset(&b);
	fill_packet(&b, GP_FRAME_MAX_PAYLOAD + 1, 0x45);
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV4),
			 -EMSGSIZE);
	assert_int_equal(b.head, 64);
	oc_buf_trim(&b, 1);
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV4), 0);
	assert_int_equal(b.data[6], 0xff);
	assert_int_equal(b.data[7], 0xff);
	oc_buf_free(&b);

	/* 5: 15 bytes of headroom are not enough; the error sticks. */
	assert_int_equal(oc_buf_init_room(&b, 15, MTU), 0);
	fill_packet(&b, 20, 0x45);
	len = b.len;
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV4),
			 -ENOSPC);
	assert_int_equal(b.len, len);
	assert_int_equal(oc_buf_error(&b), -ENOSPC);
	/* 6: a buffer in error reports that error. */
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV6),
			 -ENOSPC);
	oc_buf_free(&b);
}

/* ---- The parser: single buffers ---------------------------------------- */

struct parse_case {
	const char *name;
	const unsigned char *magic;
	uint16_t type, len;
	uint8_t tag0;
	size_t present;		/* payload bytes actually there */
	size_t max;
	int want, kind;
	size_t header_bytes;	/* 16, or fewer to cut the header */
};

static const unsigned char bad_magic1[4] = { 0x1b, 0x2b, 0x3c, 0x4d };
static const unsigned char bad_magic4[4] = { 0x1a, 0x2b, 0x3c, 0x4c };
static const unsigned char zero_magic[4];

#define V4	GP_ETHERTYPE_IPV4
#define V6	GP_ETHERTYPE_IPV6
#define KEEP	GP_ETHERTYPE_KEEPALIVE
#define G	good_magic

static const struct parse_case parse_cases[] = {
	{ "1 IPv4 frame", G, V4, 84, 1, 84, MTU, 1, GP_FRAME_DATA_V4, 16 },
	{ "2 IPv6 frame", G, V6, 104, 1, 104, MTU, 1, GP_FRAME_DATA_V6, 16 },
	{ "3 keepalive", G, KEEP, 0, 0, 0, MTU, 1, GP_FRAME_KEEPALIVE, 16 },
	{ "4 keepalive, tag not zero", G, KEEP, 0, 1, 0, MTU, 1,
	  GP_FRAME_KEEPALIVE, 16 },
	{ "5 length exactly max", G, V4, MTU, 1, MTU, MTU, 1,
	  GP_FRAME_DATA_V4, 16 },
	{ "6 length max + 1", G, V4, MTU + 1, 1, MTU + 1, MTU, -EMSGSIZE,
	  0, 16 },
	{ "7 length max + 1, payload still missing", G, V4, MTU + 1, 1, 0,
	  MTU, -EMSGSIZE, 0, 16 },
	{ "8 length 65535 with max 65535", G, V6, 0xffff, 1, 0xffff, 0xffff,
	  1, GP_FRAME_DATA_V6, 16 },
	{ "9 bad magic, first byte", bad_magic1, V4, 20, 1, 20, MTU,
	  -EBADMSG, 0, 16 },
	{ "10 bad magic, last byte", bad_magic4, V4, 20, 1, 20, MTU,
	  -EBADMSG, 0, 16 },
	{ "11 all-zero header", zero_magic, KEEP, 0, 0, 0, MTU, -EBADMSG,
	  0, 16 },
	{ "12 ethertype ARP", G, 0x0806, 20, 1, 20, MTU, -EPROTO, 0, 16 },
	{ "13 ethertype 0x0801", G, 0x0801, 20, 1, 20, MTU, -EPROTO, 0, 16 },
	{ "14 ethertype 0xdd86 (byte-swapped)", G, 0xdd86, 20, 1, 20, MTU,
	  -EPROTO, 0, 16 },
	{ "15 keepalive with a length", G, KEEP, 1, 0, 1, MTU, -EPROTO, 0,
	  16 },
	{ "16 empty data frame", G, V4, 0, 1, 0, MTU, 1, GP_FRAME_DATA_V4,
	  16 },
	{ "17 payload one byte short", G, V4, 84, 1, 83, MTU, 0, 0, 16 },
	{ "18 header only", G, V4, 84, 1, 0, MTU, 0, 0, 16 },
	{ "19 header one byte short", G, V4, 84, 1, 0, MTU, 0, 0, 15 },
	{ "20 one byte", G, V4, 84, 1, 0, MTU, 0, 0, 1 },
	{ "21 nothing", G, V4, 84, 1, 0, MTU, 0, 0, 0 },
	{ "22 bad magic, header incomplete: wait", bad_magic1, V4, 20, 1, 0,
	  MTU, 0, 0, 15 },
	{ "23 max 0 takes keepalives only", G, V4, 1, 1, 1, 0, -EMSGSIZE,
	  0, 16 },
	{ "24 max 0, keepalive", G, KEEP, 0, 0, 0, 0, 1, GP_FRAME_KEEPALIVE,
	  16 },
};

static void run_parse_case(const struct parse_case *c, unsigned char *mem)
{
	const unsigned char *payload = (const unsigned char *)"x";
	size_t n, len = 99;
	struct oc_buf rx;
	int kind = 99, ret;

	n = make_frame(mem, c->magic, c->type, c->len, c->tag0, c->present,
		       0x30);
	if (c->header_bytes < 16)
		n = c->header_bytes;
	oc_buf_init_ro(&rx, mem, n);
	ret = gp_frame_next(&rx, c->max, &payload, &len, &kind);
	if (ret != c->want || kind != c->kind)
		print_message("# parse case %s: ret %d kind %d\n", c->name,
			      ret, kind);
	assert_int_equal(ret, c->want);
	assert_int_equal(kind, c->kind);
	assert_int_equal(oc_buf_error(&rx), 0);
	if (ret != 1) {
		assert_int_equal(rx.pos, 0);	/* nothing consumed */
		assert_null(payload);
		assert_int_equal(len, 0);
		return;
	}
	assert_int_equal(rx.pos, n);
	if (kind == GP_FRAME_KEEPALIVE) {
		assert_null(payload);
		assert_int_equal(len, 0);
		return;
	}
	assert_int_equal(len, c->len);
	assert_ptr_equal(payload, mem + 16);
	check_payload(payload, len, 0x30);
}

static void test_parse_table(void **state)
{
	unsigned char *mem = malloc(16 + 0x10000);
	size_t i;

	assert_non_null(mem);
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		run_parse_case(&parse_cases[i], mem);
	free(mem);
}

static void test_parse_sticky_error(void **state)
{
	const unsigned char *payload;
	unsigned char mem[16 + 20];
	struct oc_buf rx;
	size_t len;
	int kind;

	make_frame(mem, good_magic, V4, 20, 1, 20, 0);
	oc_buf_init_ro(&rx, mem, sizeof(mem));
	rx.err = -ENOMEM;
	assert_int_equal(gp_frame_next(&rx, MTU, &payload, &len, &kind),
			 -ENOMEM);
	assert_int_equal(rx.pos, 0);
}

/* ---- The parser: a stream ---------------------------------------------- */

struct want_frame {
	int kind;
	uint16_t len;
	uint8_t fill;
};

/* Five frames back to back: what a TLS record or two might carry. */
static const struct want_frame stream_frames[] = {
	{ GP_FRAME_DATA_V4, 40, 0x10 },
	{ GP_FRAME_KEEPALIVE, 0, 0 },
	{ GP_FRAME_DATA_V6, 60, 0x80 },
	{ GP_FRAME_DATA_V4, 0, 0 },
	{ GP_FRAME_DATA_V4, 1, 0xee },
};

#define N_STREAM	(sizeof(stream_frames) / sizeof(stream_frames[0]))

static size_t make_stream(unsigned char *out)
{
	static const uint16_t types[] = {
		[GP_FRAME_DATA_V4] = V4, [GP_FRAME_DATA_V6] = V6,
		[GP_FRAME_KEEPALIVE] = KEEP,
	};
	size_t i, n = 0;

	for (i = 0; i < N_STREAM; i++) {
		const struct want_frame *f = &stream_frames[i];

		n += make_frame(out + n, good_magic, types[f->kind], f->len,
				f->kind == GP_FRAME_KEEPALIVE ? 0 : 1,
				f->len, f->fill);
	}
	return n;
}

/* Takes every whole frame out of @rx, checking each; returns how many
 * frames were seen in all. */
static size_t drain(struct oc_buf *rx, size_t seen)
{
	const unsigned char *payload;
	size_t len;
	int kind, ret;

	while ((ret = gp_frame_next(rx, MTU, &payload, &len, &kind)) == 1) {
		assert_true(seen < N_STREAM);
		assert_int_equal(kind, stream_frames[seen].kind);
		assert_int_equal(len, stream_frames[seen].len);
		check_payload(payload, len, stream_frames[seen].fill);
		seen++;
	}
	assert_int_equal(ret, 0);
	oc_buf_compact(rx);
	assert_int_equal(oc_buf_error(rx), 0);
	return seen;
}

/* The stream arrives in two pieces, cut at every byte. */
static void test_split_everywhere(void **state)
{
	unsigned char s[512];
	size_t n = make_stream(s), cut, seen;
	struct oc_buf rx;

	assert_true(n <= sizeof(s));
	for (cut = 0; cut <= n; cut++) {
		oc_buf_init(&rx, 4096);
		oc_buf_put(&rx, s, cut);
		seen = drain(&rx, 0);
		oc_buf_put(&rx, s + cut, n - cut);
		seen = drain(&rx, seen);
		if (seen != N_STREAM)
			print_message("# cut at %zu: %zu frames\n", cut, seen);
		assert_int_equal(seen, N_STREAM);
		assert_int_equal(oc_buf_avail(&rx), 0);
		oc_buf_free(&rx);
	}
}

/* The stream arrives one byte at a time, then in three uneven pieces. */
static void test_byte_by_byte(void **state)
{
	static const size_t pieces[][2] = { { 7, 50 }, { 16, 17 },
					     { 100, 101 } };
	unsigned char s[512];
	size_t n = make_stream(s), i, seen = 0;
	struct oc_buf rx;

	oc_buf_init(&rx, 4096);
	for (i = 0; i < n; i++) {
		oc_buf_put_u8(&rx, s[i]);
		seen = drain(&rx, seen);
	}
	assert_int_equal(seen, N_STREAM);
	oc_buf_free(&rx);

	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		size_t a = pieces[i][0], b = pieces[i][1];

		oc_buf_init(&rx, 4096);
		oc_buf_put(&rx, s, a);
		seen = drain(&rx, 0);
		oc_buf_put(&rx, s + a, b - a);
		seen = drain(&rx, seen);
		oc_buf_put(&rx, s + b, n - b);
		seen = drain(&rx, seen);
		assert_int_equal(seen, N_STREAM);
		oc_buf_free(&rx);
	}
}

/* Several frames in one buffer, then garbage: the good ones come out
 * first, the error when the bad header is reached, and it stays. */
static void test_frames_then_garbage(void **state)
{
	const unsigned char *payload;
	unsigned char s[600];
	size_t n = make_stream(s), len, pos;
	struct oc_buf rx;
	int kind, i;

	n += make_frame(s + n, bad_magic4, V4, 20, 1, 20, 0);
	oc_buf_init_ro(&rx, s, n);
	for (i = 0; i < (int)N_STREAM; i++)
		assert_int_equal(gp_frame_next(&rx, MTU, &payload, &len,
					       &kind), 1);
	pos = rx.pos;
	assert_int_equal(gp_frame_next(&rx, MTU, &payload, &len, &kind),
			 -EBADMSG);
	assert_int_equal(gp_frame_next(&rx, MTU, &payload, &len, &kind),
			 -EBADMSG);
	assert_int_equal(rx.pos, pos);
}

/* What push_header writes, the parser reads back. */
static void test_roundtrip(void **state)
{
	const unsigned char *payload;
	struct oc_buf b;
	size_t len;
	int kind;

	assert_int_equal(oc_buf_init_room(&b, 64, MTU), 0);
	fill_packet(&b, 120, 0x60);
	assert_int_equal(gp_frame_push_header(&b, GP_ETHERTYPE_IPV6), 0);
	assert_int_equal(gp_frame_next(&b, MTU, &payload, &len, &kind), 1);
	assert_int_equal(kind, GP_FRAME_DATA_V6);
	assert_int_equal(len, 120);
	assert_int_equal(payload[0], 0x60);
	assert_int_equal(payload[119], 119);
	assert_int_equal(oc_buf_avail(&b), 0);
	oc_buf_free(&b);

	oc_buf_init_ro(&b, gp_frame_keepalive, sizeof(gp_frame_keepalive));
	assert_int_equal(gp_frame_next(&b, MTU, &payload, &len, &kind), 1);
	assert_int_equal(kind, GP_FRAME_KEEPALIVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_ethertype),
		cmocka_unit_test(test_push_header),
		cmocka_unit_test(test_push_header_errors),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_sticky_error),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_frames_then_garbage),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests_name("gp-frame", tests, NULL, NULL);
}
