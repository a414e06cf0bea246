/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <string.h>
#include <netinet/in.h>

#include "buf.h"
#include "gp-probe.h"

const unsigned char gp_probe_magic[GP_PROBE_MAGIC_LEN] = {
	0x6d, 0x6f, 0x6e, 0x69, 0x74, 0x6f, 0x72, 0x00,
	0x00, 0x70, 0x61, 0x6e, 0x20, 0x68, 0x61, 0x20,
};

#define PROTO_ICMP		1
#define PROTO_ICMPV6		58
#define ICMP_ECHO_REQUEST	8
#define ICMP_ECHO_REPLY		0
#define ICMPV6_ECHO_REQUEST	128
#define ICMPV6_ECHO_REPLY	129
#define IPV4_FLAG_DF		0x4000
/* MF and the fragment offset: any of them set means a fragment. */
#define IPV4_FRAG_MASK		0x3fff

#define ICMP_LEN	(GP_PROBE_ICMP_HDR_LEN + GP_PROBE_PAYLOAD_LEN)

/* ---- Checksum (RFC 1071) ------------------------------------------------ */

static uint32_t csum_add(uint32_t acc, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t csum_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void put_be16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* ---- Building ---------------------------------------------------------- */

/* The ICMP(v6) echo request at @p, checksum left 0. */
static void write_echo(unsigned char *p, uint8_t type, uint16_t id,
		       uint16_t seq)
{
	memset(p, 0, ICMP_LEN);
	p[0] = type;
	put_be16(p + 4, id);
	put_be16(p + 6, seq);
	memcpy(p + GP_PROBE_ICMP_HDR_LEN, gp_probe_magic, GP_PROBE_MAGIC_LEN);
}

int gp_probe_build_v4(struct oc_buf *b, const struct in_addr *src,
		      const struct in_addr *dst, uint16_t id, uint16_t seq)
{
	unsigned char *p = oc_buf_reserve(b, GP_PROBE_V4_LEN);
	unsigned char *icmp;

	if (!p)
		return oc_buf_error(b);
	icmp = p + GP_PROBE_IPV4_HDR_LEN;
	memset(p, 0, GP_PROBE_IPV4_HDR_LEN);
	p[0] = 0x45;			/* version 4, 5 words of header */
	put_be16(p + 2, GP_PROBE_V4_LEN);
	put_be16(p + 6, IPV4_FLAG_DF);
	p[8] = GP_PROBE_HOP_LIMIT;
	p[9] = PROTO_ICMP;
	memcpy(p + 12, &src->s_addr, 4);
	memcpy(p + 16, &dst->s_addr, 4);
	put_be16(p + 10, csum_fold(csum_add(0, p, GP_PROBE_IPV4_HDR_LEN)));

	write_echo(icmp, ICMP_ECHO_REQUEST, id, seq);
	put_be16(icmp + 2, csum_fold(csum_add(0, icmp, ICMP_LEN)));
	oc_buf_commit(b, GP_PROBE_V4_LEN);
	return oc_buf_error(b);
}

/* RFC 8200 section 8.1: addresses, upper-layer length, next header. */
static uint32_t pseudo_header_v6(const unsigned char *ip6)
{
	uint32_t acc = csum_add(0, ip6 + 8, 32);

	return acc + ICMP_LEN + PROTO_ICMPV6;
}

int gp_probe_build_v6(struct oc_buf *b, const struct in6_addr *src,
		      const struct in6_addr *dst, uint16_t id, uint16_t seq)
{
	unsigned char *p = oc_buf_reserve(b, GP_PROBE_V6_LEN);
	unsigned char *icmp;
	uint32_t acc;

	if (!p)
		return oc_buf_error(b);
	icmp = p + GP_PROBE_IPV6_HDR_LEN;
	memset(p, 0, GP_PROBE_IPV6_HDR_LEN);
	p[0] = 0x60;			/* version 6, no class, no flow */
	put_be16(p + 4, ICMP_LEN);
	p[6] = PROTO_ICMPV6;
	p[7] = GP_PROBE_HOP_LIMIT;
	memcpy(p + 8, src->s6_addr, 16);
	memcpy(p + 24, dst->s6_addr, 16);

	write_echo(icmp, ICMPV6_ECHO_REQUEST, id, seq);
	acc = csum_add(pseudo_header_v6(p), icmp, ICMP_LEN);
	put_be16(icmp + 2, csum_fold(acc));
	oc_buf_commit(b, GP_PROBE_V6_LEN);
	return oc_buf_error(b);
}

/* ---- Recognising the answer -------------------------------------------- */

/* @icmp has at least GP_PROBE_ICMP_HDR_LEN + GP_PROBE_MAGIC_LEN bytes. */
static int is_reply_with_magic(const unsigned char *icmp, uint8_t type)
{
	return icmp[0] == type && icmp[1] == 0 &&
	       !memcmp(icmp + GP_PROBE_ICMP_HDR_LEN, gp_probe_magic,
		       GP_PROBE_MAGIC_LEN);
}

static int is_any4(const struct in_addr *a)
{
	return a->s_addr == htonl(INADDR_ANY);
}

static int answer_v4(const unsigned char *p, size_t len,
		     const struct in_addr *gw)
{
	size_t hl, total;

	if (len < GP_PROBE_IPV4_HDR_LEN)
		return 0;
	hl = (size_t)(p[0] & 0x0f) * 4;
	total = (size_t)p[2] << 8 | p[3];
	if (hl < GP_PROBE_IPV4_HDR_LEN || total > len ||
	    total < hl + GP_PROBE_ICMP_HDR_LEN + GP_PROBE_MAGIC_LEN)
		return 0;
	if (p[9] != PROTO_ICMP || ((p[6] << 8 | p[7]) & IPV4_FRAG_MASK))
		return 0;
	if (!is_any4(gw) && memcmp(p + 12, &gw->s_addr, 4))
		return 0;
	return is_reply_with_magic(p + hl, ICMP_ECHO_REPLY);
}

static int answer_v6(const unsigned char *p, size_t len,
		     const struct in6_addr *gw)
{
	size_t plen;

	if (len < GP_PROBE_IPV6_HDR_LEN)
		return 0;
	plen = (size_t)p[4] << 8 | p[5];
	if (GP_PROBE_IPV6_HDR_LEN + plen > len ||
	    plen < GP_PROBE_ICMP_HDR_LEN + GP_PROBE_MAGIC_LEN)
		return 0;
	if (p[6] != PROTO_ICMPV6)
		return 0;
	if (!IN6_IS_ADDR_UNSPECIFIED(gw) && memcmp(p + 8, gw->s6_addr, 16))
		return 0;
	return is_reply_with_magic(p + GP_PROBE_IPV6_HDR_LEN,
				   ICMPV6_ECHO_REPLY);
}

int gp_probe_is_answer(const unsigned char *pkt, size_t len,
		       const struct in_addr *gw4, const struct in6_addr *gw6)
{
	if (!len)
		return 0;
	switch (pkt[0] >> 4) {
	case 4:
		return gw4 ? answer_v4(pkt, len, gw4) : 0;
	case 6:
		return gw6 ? answer_v6(pkt, len, gw6) : 0;
	}
	return 0;
}
