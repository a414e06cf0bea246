/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "gp-probe.h"

#define MAXPKT	256

/* ---- Reference values -------------------------------------------------- */

/*
 * The IPv4 probe from 198.18.0.2 to 198.18.0.1, id 0x1234, seq 1, written
 * out by hand. The header checksum: 4500 + 004c + 0000 + 4000 + 4001 +
 * 0000 + c612 + 0002 + c612 + 0001 = 0x25174; folded 0x5176; inverted
 * 0xae89. The ICMP checksum: 0800 + 0000 + 1234 + 0001 + the magic's
 * words (6d6f 6e69 746f 7200 0070 616e 2068 6120) + zeros = 0x2bfe2;
 * folded 0xbfe4; inverted 0x401b.
 */
static const unsigned char known_v4[GP_PROBE_V4_LEN] = {
	0x45, 0x00, 0x00, 0x4c, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x01, 0xae, 0x89, 0xc6, 0x12, 0x00, 0x02,
	0xc6, 0x12, 0x00, 0x01,
	0x08, 0x00, 0x40, 0x1b, 0x12, 0x34, 0x00, 0x01,
	0x6d, 0x6f, 0x6e, 0x69, 0x74, 0x6f, 0x72, 0x00,
	0x00, 0x70, 0x61, 0x6e, 0x20, 0x68, 0x61, 0x20,
	/* 32 zero bytes follow */
};

/*
 * The IPv6 probe from 2001:db8::2 to 2001:db8::1, id 0x1234, seq 7. The
 * ICMPv6 checksum covers the pseudo-header: both addresses (2001 0db8
 * ... 0002, 2001 0db8 ... 0001), the length 56 and next header 58, then
 * 8000 0000 1234 0007 and the magic: 0x6c2d.
 */
static const unsigned char known_v6[GP_PROBE_V6_LEN] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x38, 0x3a, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x80, 0x00, 0x6c, 0x2d, 0x12, 0x34, 0x00, 0x07,
	0x6d, 0x6f, 0x6e, 0x69, 0x74, 0x6f, 0x72, 0x00,
	0x00, 0x70, 0x61, 0x6e, 0x20, 0x68, 0x61, 0x20,
};

/*
 * A checksum written differently from the module's: 32-bit big-endian
 * words summed into 64 bits, folded at the end. A correct packet sums to
 * 0xffff over the checksummed bytes.
 */
static uint16_t ref_sum(uint64_t acc, const unsigned char *p, size_t n)
{
	unsigned char pad[4] = { 0 };
	size_t i;

	for (i = 0; i + 4 <= n; i += 4)
		acc += (uint64_t)p[i] << 24 | (uint64_t)p[i + 1] << 16 |
		       (uint64_t)p[i + 2] << 8 | p[i + 3];
	if (i < n) {
		memcpy(pad, p + i, n - i);
		acc += (uint64_t)pad[0] << 24 | (uint64_t)pad[1] << 16 |
		       (uint64_t)pad[2] << 8 | pad[3];
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint64_t ref_pseudo6(const unsigned char *ip6, size_t icmp_len)
{
	unsigned char ph[40];

	memcpy(ph, ip6 + 8, 32);
	memset(ph + 32, 0, 8);
	ph[34] = (uint8_t)(icmp_len >> 8);
	ph[35] = (uint8_t)icmp_len;
	ph[39] = 58;
	return ref_sum(0, ph, sizeof(ph));
}

static void set_ref_csum(unsigned char *field, uint64_t acc,
			 const unsigned char *p, size_t n)
{
	uint16_t c;

	field[0] = field[1] = 0;
	c = (uint16_t)~ref_sum(acc, p, n);
	field[0] = c >> 8;
	field[1] = c & 0xff;
}

static struct in_addr a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* ---- Building ---------------------------------------------------------- */

static void test_magic(void **state)
{
	static const unsigned char want[16] = {
		0x6d, 0x6f, 0x6e, 0x69, 0x74, 0x6f, 0x72, 0x00,
		0x00, 0x70, 0x61, 0x6e, 0x20, 0x68, 0x61, 0x20,
	};

	assert_int_equal(GP_PROBE_MAGIC_LEN, 16);
	assert_memory_equal(gp_probe_magic, want, 16);
	assert_memory_equal(gp_probe_magic, "monitor\0\0pan ha ", 16);
	assert_int_equal(GP_PROBE_PAYLOAD_LEN, 48);
	assert_int_equal(GP_PROBE_V4_LEN, 76);
	assert_int_equal(GP_PROBE_V6_LEN, 96);
}

static void test_build_v4_known(void **state)
{
	struct in_addr src = a4("198.18.0.2"), dst = a4("198.18.0.1");
	unsigned char mem[MAXPKT];
	struct oc_buf b;

	oc_buf_init_fixed(&b, mem, sizeof(mem));
	assert_int_equal(gp_probe_build_v4(&b, &src, &dst, 0x1234, 1), 0);
	assert_int_equal(b.len, GP_PROBE_V4_LEN);
	assert_memory_equal(b.data, known_v4, GP_PROBE_V4_LEN);
}

static void test_build_v6_known(void **state)
{
	struct in6_addr src = a6("2001:db8::2"), dst = a6("2001:db8::1");
	unsigned char mem[MAXPKT];
	struct oc_buf b;

	oc_buf_init_fixed(&b, mem, sizeof(mem));
	assert_int_equal(gp_probe_build_v6(&b, &src, &dst, 0x1234, 7), 0);
	assert_int_equal(b.len, GP_PROBE_V6_LEN);
	assert_memory_equal(b.data, known_v6, GP_PROBE_V6_LEN);
}

static const struct {
	const char *src4, *dst4, *src6, *dst6;
	uint16_t id, seq;
} build_cases[] = {
	{ "198.18.0.2", "198.18.0.1", "2001:db8::2", "2001:db8::1", 0, 0 },
	{ "10.0.0.1", "203.0.113.9", "2001:db8:1::ff", "fe80::1", 1, 2 },
	{ "255.255.255.255", "0.0.0.0", "::", "ffff::ffff", 0xffff,
	  0xffff },
	{ "192.0.2.77", "192.0.2.78", "2001:db8::dead:beef", "2001:db8::1",
	  0xbeef, 0x8000 },
};

#define N_BUILD	(sizeof(build_cases) / sizeof(build_cases[0]))

static void check_v4(const unsigned char *p, size_t i)
{
	struct in_addr src = a4(build_cases[i].src4);
	struct in_addr dst = a4(build_cases[i].dst4);

	print_message("# build case %zu (IPv4)\n", i + 1);
	assert_int_equal(ref_sum(0, p, 20), 0xffff);
	assert_int_equal(ref_sum(0, p + 20, 56), 0xffff);
	assert_int_equal(p[0], 0x45);
	assert_int_equal(p[2] << 8 | p[3], 76);
	assert_int_equal(p[6], 0x40);		/* DF, no fragment */
	assert_int_equal(p[8], 64);
	assert_int_equal(p[9], 1);
	assert_memory_equal(p + 12, &src, 4);
	assert_memory_equal(p + 16, &dst, 4);
	assert_int_equal(p[20], 8);
	assert_int_equal(p[21], 0);
	assert_int_equal(p[24] << 8 | p[25], build_cases[i].id);
	assert_int_equal(p[26] << 8 | p[27], build_cases[i].seq);
	assert_memory_equal(p + 28, gp_probe_magic, 16);
}

static void check_v6(const unsigned char *p, size_t i)
{
	struct in6_addr src = a6(build_cases[i].src6);
	struct in6_addr dst = a6(build_cases[i].dst6);
	static const unsigned char zeros[32];

	print_message("# build case %zu (IPv6)\n", i + 1);
	assert_int_equal(ref_sum(ref_pseudo6(p, 56), p + 40, 56), 0xffff);
	assert_int_equal(p[0], 0x60);
	assert_int_equal(p[4] << 8 | p[5], 56);
	assert_int_equal(p[6], 58);
	assert_int_equal(p[7], 64);
	assert_memory_equal(p + 8, &src, 16);
	assert_memory_equal(p + 24, &dst, 16);
	assert_int_equal(p[40], 128);
	assert_int_equal(p[41], 0);
	assert_int_equal(p[44] << 8 | p[45], build_cases[i].id);
	assert_int_equal(p[46] << 8 | p[47], build_cases[i].seq);
	assert_memory_equal(p + 48, gp_probe_magic, 16);
	assert_memory_equal(p + 64, zeros, 32);
}

/* Both probes, one after the other in one buffer with headroom, as the
 * packet type has: each is appended where the last one ended. */
static void test_build_checksums(void **state)
{
	struct in_addr s4, d4;
	struct in6_addr s6, d6;
	struct oc_buf b;
	size_t i;

	for (i = 0; i < N_BUILD; i++) {
		s4 = a4(build_cases[i].src4);
		d4 = a4(build_cases[i].dst4);
		s6 = a6(build_cases[i].src6);
		d6 = a6(build_cases[i].dst6);
		assert_int_equal(oc_buf_init_room(&b, 64, 1400), 0);
		assert_int_equal(gp_probe_build_v4(&b, &s4, &d4,
						   build_cases[i].id,
						   build_cases[i].seq), 0);
		assert_int_equal(gp_probe_build_v6(&b, &s6, &d6,
						   build_cases[i].id,
						   build_cases[i].seq), 0);
		assert_int_equal(b.len, GP_PROBE_V4_LEN + GP_PROBE_V6_LEN);
		check_v4(b.data, i);
		check_v6(b.data + GP_PROBE_V4_LEN, i);
		oc_buf_free(&b);
	}
}

static void test_build_errors(void **state)
{
	struct in_addr s4 = a4("198.18.0.2"), d4 = a4("198.18.0.1");
	struct in6_addr s6 = a6("2001:db8::2"), d6 = a6("2001:db8::1");
	unsigned char mem[MAXPKT];
	struct oc_buf b;

	/* 1, 2: one byte short of room; nothing is appended. */
	oc_buf_init_fixed(&b, mem, GP_PROBE_V4_LEN - 1);
	assert_int_equal(gp_probe_build_v4(&b, &s4, &d4, 1, 1), -ENOSPC);
	assert_int_equal(b.len, 0);
	oc_buf_init_fixed(&b, mem, GP_PROBE_V6_LEN - 1);
	assert_int_equal(gp_probe_build_v6(&b, &s6, &d6, 1, 1), -ENOSPC);
	assert_int_equal(b.len, 0);
	/* 3: the error sticks, even with room. */
	assert_int_equal(gp_probe_build_v4(&b, &s4, &d4, 1, 1), -ENOSPC);
	/* 4, 5: exactly enough room. */
	oc_buf_init_fixed(&b, mem, GP_PROBE_V4_LEN);
	assert_int_equal(gp_probe_build_v4(&b, &s4, &d4, 1, 1), 0);
	oc_buf_init_fixed(&b, mem, GP_PROBE_V6_LEN);
	assert_int_equal(gp_probe_build_v6(&b, &s6, &d6, 1, 1), 0);
}

/* ---- Recognising answers ----------------------------------------------- */

static const char gw4_s[] = "198.18.0.1", me4_s[] = "198.18.0.2";
static const char gw6_s[] = "2001:db8::1", me6_s[] = "2001:db8::2";

/* What a gateway sends back: its request turned into a reply. */
static size_t answer_v4(unsigned char *p)
{
	struct in_addr gw = a4(gw4_s), me = a4(me4_s);
	struct oc_buf b;

	oc_buf_init_fixed(&b, p, MAXPKT);
	assert_int_equal(gp_probe_build_v4(&b, &gw, &me, 0x4242, 3), 0);
	p[20] = 0;
	set_ref_csum(p + 22, 0, p + 20, b.len - 20);
	return b.len;
}

static size_t answer_v6(unsigned char *p)
{
	struct in6_addr gw = a6(gw6_s), me = a6(me6_s);
	struct oc_buf b;

	oc_buf_init_fixed(&b, p, MAXPKT);
	assert_int_equal(gp_probe_build_v6(&b, &gw, &me, 0x4242, 3), 0);
	p[40] = 129;
	set_ref_csum(p + 42, ref_pseudo6(p, b.len - 40), p + 40, b.len - 40);
	return b.len;
}

static void fix_ip4_csum(unsigned char *p)
{
	set_ref_csum(p + 10, 0, p, (size_t)(p[0] & 0x0f) * 4);
}

static void set_be16(unsigned char *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Inserts @n bytes of IPv4 options (NOPs, then end of list). */
static size_t add_options(unsigned char *p, size_t len, size_t n)
{
	memmove(p + 20 + n, p + 20, len - 20);
	memset(p + 20, 1, n);
	p[20 + n - 1] = 0;
	p[0] = (uint8_t)(0x40 | (20 + n) / 4);
	set_be16(p + 2, len + n);
	fix_ip4_csum(p);
	return len + n;
}

enum mutation {
	M_NONE, M_REQUEST, M_SRC, M_MAGIC_FIRST, M_MAGIC_LAST, M_CODE,
	M_PROTO, M_OPTIONS, M_IHL4, M_MF, M_OFFSET, M_TOTAL_LONG,
	M_TOTAL_SHORT, M_TRAILER, M_VERSION5, M_MAGIC_ONLY, M_PING,
	M_NO_MAGIC, M_EXT_HDR, M_PLEN_LONG, M_OPTIONS_CUT,
};

struct answer_case {
	const char *name;
	int v6;
	enum mutation m;
	const char *gw;		/* the gateway we expect; NULL: none */
	int want;
};

static const struct answer_case answer_cases[] = {
	{ "1 good IPv4 answer", 0, M_NONE, gw4_s, 1 },
	{ "2 good IPv6 answer", 1, M_NONE, gw6_s, 1 },
	{ "3 IPv4 request instead of reply", 0, M_REQUEST, gw4_s, 0 },
	{ "4 IPv6 request instead of reply", 1, M_REQUEST, gw6_s, 0 },
	{ "5 IPv4 from another host", 0, M_SRC, gw4_s, 0 },
	{ "6 IPv6 from another host", 1, M_SRC, gw6_s, 0 },
	{ "7 IPv4 magic, first byte wrong", 0, M_MAGIC_FIRST, gw4_s, 0 },
	{ "8 IPv4 magic, last byte wrong", 0, M_MAGIC_LAST, gw4_s, 0 },
	{ "9 IPv6 magic, last byte wrong", 1, M_MAGIC_LAST, gw6_s, 0 },
	{ "10 IPv4 echo reply, code 1", 0, M_CODE, gw4_s, 0 },
	{ "11 IPv6 echo reply, code 1", 1, M_CODE, gw6_s, 0 },
	{ "12 IPv4 UDP, not ICMP", 0, M_PROTO, gw4_s, 0 },
	{ "13 IPv6 UDP, not ICMPv6", 1, M_PROTO, gw6_s, 0 },
	{ "14 IPv4 with 8 bytes of options (IHL 7)", 0, M_OPTIONS, gw4_s,
	  1 },
	{ "15 IPv4 with options, ICMP cut short", 0, M_OPTIONS_CUT, gw4_s,
	  0 },
	{ "16 IPv4 IHL 4", 0, M_IHL4, gw4_s, 0 },
	{ "17 IPv4 fragment (MF)", 0, M_MF, gw4_s, 0 },
	{ "18 IPv4 fragment (offset)", 0, M_OFFSET, gw4_s, 0 },
	{ "19 IPv4 total length beyond the packet", 0, M_TOTAL_LONG, gw4_s,
	  0 },
	{ "20 IPv4 total length too short for the magic", 0, M_TOTAL_SHORT,
	  gw4_s, 0 },
	{ "21 IPv4 with bytes after the total length", 0, M_TRAILER, gw4_s,
	  1 },
	{ "22 version 5", 0, M_VERSION5, gw4_s, 0 },
	{ "23 IPv4 payload only the magic", 0, M_MAGIC_ONLY, gw4_s, 1 },
	{ "24 IPv6 payload only the magic", 1, M_MAGIC_ONLY, gw6_s, 1 },
	{ "25 IPv4 ordinary ping reply from another host", 0, M_PING, gw4_s,
	  0 },
	{ "26 IPv4 echo reply from the gateway, no magic", 0, M_NO_MAGIC,
	  gw4_s, 0 },
	{ "27 IPv6 echo reply from the gateway, no magic", 1, M_NO_MAGIC,
	  gw6_s, 0 },
	{ "28 IPv6 behind a hop-by-hop header", 1, M_EXT_HDR, gw6_s, 0 },
	{ "29 IPv6 payload length beyond the packet", 1, M_PLEN_LONG, gw6_s,
	  0 },
	{ "30 IPv4, no IPv4 gateway", 0, M_NONE, NULL, 0 },
	{ "31 IPv6, no IPv6 gateway", 1, M_NONE, NULL, 0 },
	{ "32 IPv4, gateway 0.0.0.0 matches any source", 0, M_SRC,
	  "0.0.0.0", 1 },
	{ "33 IPv6, gateway :: matches any source", 1, M_SRC, "::", 1 },
	{ "34 IPv4 answer, only an IPv6 gateway", 0, M_NONE,
	  gw6_s, 0 },
	{ "35 IPv4 ping from another host, gateway 0.0.0.0", 0, M_PING,
	  "0.0.0.0", 0 },
};

static size_t mutate_addr_proto(unsigned char *p, size_t len, int v6,
				enum mutation m)
{
	size_t icmp = v6 ? 40 : 20;

	switch (m) {
	case M_REQUEST:
		p[icmp] = v6 ? 128 : 8;
		break;
	case M_SRC:
	case M_PING:
		p[v6 ? 23 : 15] ^= 0x10;
		if (m == M_PING)
			memset(p + icmp + 8, 'a', len - icmp - 8);
		break;
	case M_MAGIC_FIRST:
		p[icmp + 8] ^= 1;
		break;
	case M_MAGIC_LAST:
		p[icmp + 8 + 15] ^= 1;
		break;
	case M_NO_MAGIC:
		memset(p + icmp + 8, 'a', len - icmp - 8);
		break;
	case M_CODE:
		p[icmp + 1] = 1;
		break;
	case M_PROTO:
		p[v6 ? 6 : 9] = 17;
		break;
	case M_EXT_HDR:
		p[6] = 0;
		break;
	case M_VERSION5:
		p[0] = 0x55;
		break;
	default:
		break;
	}
	return len;
}

static size_t mutate_lengths(unsigned char *p, size_t len, int v6,
			     enum mutation m)
{
	switch (m) {
	case M_OPTIONS:
		return add_options(p, len, 8);
	case M_OPTIONS_CUT:
		/* Options push the magic past the total length. */
		len = add_options(p, len, 40);
		set_be16(p + 2, 60 + 8 + 15);
		return 60 + 8 + 15;
	case M_IHL4:
		p[0] = 0x44;
		break;
	case M_MF:
		p[6] |= 0x20;
		break;
	case M_OFFSET:
		p[7] = 1;
		break;
	case M_TOTAL_LONG:
		set_be16(p + 2, len + 1);
		break;
	case M_TOTAL_SHORT:
		set_be16(p + 2, 20 + 8 + 15);
		break;
	case M_TRAILER:
		memset(p + len, 0xaa, 7);
		return len + 7;
	case M_MAGIC_ONLY:
		len = (v6 ? 40 : 20) + 8 + 16;
		if (v6)
			set_be16(p + 4, len - 40);
		else
			set_be16(p + 2, len);
		break;
	case M_PLEN_LONG:
		set_be16(p + 4, len - 40 + 1);
		break;
	default:
		break;
	}
	return len;
}

static int ask(const unsigned char *p, size_t len, int v6, const char *gw)
{
	struct in_addr g4;
	struct in6_addr g6;
	unsigned char *copy;
	int ret;

	/* An exact-size copy, so valgrind sees any read past the end. */
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, p, len);
	if (gw && strchr(gw, ':')) {
		g6 = a6(gw);
		ret = gp_probe_is_answer(copy, len, NULL, &g6);
	} else if (gw) {
		g4 = a4(gw);
		ret = gp_probe_is_answer(copy, len, &g4, NULL);
	} else {
		ret = gp_probe_is_answer(copy, len, NULL, NULL);
	}
	free(copy);
	return ret;
}

static void test_answer_table(void **state)
{
	unsigned char p[MAXPKT];
	size_t i, len;
	int ret;

	for (i = 0; i < sizeof(answer_cases) / sizeof(answer_cases[0]); i++) {
		const struct answer_case *c = &answer_cases[i];

		len = c->v6 ? answer_v6(p) : answer_v4(p);
		len = mutate_addr_proto(p, len, c->v6, c->m);
		len = mutate_lengths(p, len, c->v6, c->m);
		if (!c->v6 && c->m != M_IHL4)
			fix_ip4_csum(p);
		ret = ask(p, len, c->v6, c->gw);
		if (ret != c->want)
			print_message("# answer case %s: got %d\n", c->name,
				      ret);
		assert_int_equal(ret, c->want);
	}
}

/* Both families given at once: each packet is judged by its own. */
static void test_answer_both_gateways(void **state)
{
	struct in_addr g4 = a4(gw4_s);
	struct in6_addr g6 = a6(gw6_s);
	unsigned char p[MAXPKT];
	size_t len;

	len = answer_v4(p);
	assert_int_equal(gp_probe_is_answer(p, len, &g4, &g6), 1);
	len = answer_v6(p);
	assert_int_equal(gp_probe_is_answer(p, len, &g4, &g6), 1);
	assert_int_equal(gp_probe_is_answer(p, 0, &g4, &g6), 0);
	/* Our own request, looped back, is not an answer. */
	assert_int_equal(gp_probe_is_answer(known_v4, sizeof(known_v4), &g4,
					    &g6), 0);
	memcpy(p, known_v6, sizeof(known_v6));
	assert_int_equal(gp_probe_is_answer(p, sizeof(known_v6), &g4, &g6),
			 0);
}

/*
 * Cut at every length: with the length fields left alone, every cut is
 * refused; with them made to match the cut, the answer counts again as
 * soon as the whole magic is in.
 */
static void cut_everywhere(int v6)
{
	unsigned char p[MAXPKT], q[MAXPKT];
	size_t full = v6 ? answer_v6(p) : answer_v4(p), cut;
	size_t hdr = v6 ? 40 : 20, need = hdr + 8 + 16;
	const char *gw = v6 ? gw6_s : gw4_s;
	int want;

	for (cut = 0; cut < full; cut++) {
		if (ask(p, cut, v6, gw) != 0)
			print_message("# v%d cut at %zu\n", v6 ? 6 : 4, cut);
		assert_int_equal(ask(p, cut, v6, gw), 0);

		memcpy(q, p, full);
		if (cut >= hdr && v6)
			set_be16(q + 4, cut - hdr);
		else if (cut >= hdr)
			set_be16(q + 2, cut);
		want = cut >= need;
		if (ask(q, cut, v6, gw) != want)
			print_message("# v%d cut at %zu, lengths fixed\n",
				      v6 ? 6 : 4, cut);
		assert_int_equal(ask(q, cut, v6, gw), want);
	}
	assert_int_equal(ask(p, full, v6, gw), 1);
}

static void test_answer_truncated(void **state)
{
	cut_everywhere(0);
	cut_everywhere(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_build_v4_known),
		cmocka_unit_test(test_build_v6_known),
		cmocka_unit_test(test_build_checksums),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_answer_table),
		cmocka_unit_test(test_answer_both_gateways),
		cmocka_unit_test(test_answer_truncated),
	};

	return cmocka_run_group_tests_name("gp-probe", tests, NULL, NULL);
}
