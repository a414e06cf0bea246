/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a tunnelled IP packet goes. With a TUN device the kernel of the
 * gateway's namespace routes it; without one the gateway answers echo
 * requests to its own tunnel address (--tun-addr, --tun-addr6) itself,
 * so tests without a TUN device can still check that traffic flows, and
 * passes packets between its clients.
 *
 * A client may only send from the address getconfig gave it.
 */
#include <config.h>

#include <string.h>

#include "gw.h"

#define PROTO_ICMP	1
#define PROTO_ICMPV6	58
#define ICMP_ECHO	8
#define ICMP_REPLY	0
#define ICMP6_ECHO	128
#define ICMP6_REPLY	129
#define TTL		64

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The Internet checksum (RFC 1071): sums of 16-bit words, folded. */
static uint32_t sum_add(uint32_t sum, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += be16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_sum(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void swap(unsigned char *a, unsigned char *b, size_t n)
{
	unsigned char tmp[16];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

int gw_packet_addrs(const unsigned char *pkt, size_t len,
		    const unsigned char **src, const unsigned char **dst)
{
	if (len >= 20 && pkt[0] >> 4 == 4 && (pkt[0] & 15) >= 5) {
		*src = pkt + 12;
		*dst = pkt + 16;
		return 4;
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		*src = pkt + 8;
		*dst = pkt + 24;
		return 6;
	}
	return 0;
}

/* Turns an echo request to our address into its reply, in place;
 * returns the reply's length, or 0 when @p is something else. */
static size_t echo4(const struct gw_state *st, unsigned char *p, size_t len)
{
	size_t ihl = (size_t)(p[0] & 15) * 4, tot = be16(p + 2);
	unsigned char *icmp = p + ihl;

	if (tot > len || tot < ihl + 8 || p[9] != PROTO_ICMP ||
	    (be16(p + 6) & 0x3fff) || be32(p + 16) != st->gw4 ||
	    sum_fold(sum_add(0, p, ihl)) ||
	    icmp[0] != ICMP_ECHO || icmp[1] != 0 ||
	    sum_fold(sum_add(0, icmp, tot - ihl)))
		return 0;
	swap(p + 12, p + 16, 4);
	p[8] = TTL;
	put_sum(p + 10, 0);
	put_sum(p + 10, sum_fold(sum_add(0, p, ihl)));
	icmp[0] = ICMP_REPLY;
	put_sum(icmp + 2, 0);
	put_sum(icmp + 2, sum_fold(sum_add(0, icmp, tot - ihl)));
	return tot;
}

/* ICMPv6 sums the pseudo-header too (RFC 8200 section 8.1). */
static uint16_t sum6(const unsigned char *p, size_t plen)
{
	unsigned char tail[8] = { 0 };

	tail[2] = (unsigned char)(plen >> 8);
	tail[3] = (unsigned char)plen;
	tail[7] = PROTO_ICMPV6;
	return sum_fold(sum_add(sum_add(sum_add(0, p + 8, 32), tail, 8),
				p + 40, plen));
}

/* Only a packet without extension headers: echo requests have none. */
static size_t echo6(const struct gw_state *st, unsigned char *p, size_t len)
{
	size_t plen = be16(p + 4);
	unsigned char *icmp = p + 40;

	if (40 + plen > len || plen < 8 || p[6] != PROTO_ICMPV6 ||
	    memcmp(p + 24, st->gw6, 16) || icmp[0] != ICMP6_ECHO ||
	    icmp[1] != 0 || sum6(p, plen))
		return 0;
	swap(p + 8, p + 24, 16);
	p[7] = TTL;
	icmp[0] = ICMP6_REPLY;
	put_sum(icmp + 2, 0);
	put_sum(icmp + 2, sum6(p, plen));
	return 40 + plen;
}

static int owns(const struct gw_session *s, int family,
		const unsigned char *src)
{
	if (family == 4)
		return s->ip4 && be32(src) == s->ip4;
	return s->ip6[0] && !memcmp(src, s->ip6_bin, 16);
}

/* Without a TUN device: our own address answers pings, other clients
 * get what is sent to them. */
static void no_tun(struct gw_state *st, struct gw_tunnel *from,
		   unsigned char *pkt, size_t len, int family,
		   const unsigned char *dst)
{
	struct gw_tunnel *to;
	size_t n = family == 4 ? echo4(st, pkt, len) : echo6(st, pkt, len);

	if (n) {
		st->stats.pings++;
		gw_tunnel_send(from, pkt, n);
		return;
	}
	to = gw_tunnel_by_addr(st, family, dst);
	if (to)
		gw_tunnel_send(to, pkt, len);
	else
		st->stats.dropped++;
}

void gw_packet_from_client(struct gw_state *st, struct gw_tunnel *from,
			   unsigned char *pkt, size_t len)
{
	const struct gw_session *s = gw_tunnel_session(from);
	const unsigned char *src, *dst;
	int family = gw_packet_addrs(pkt, len, &src, &dst);

	if (!family || !s || !owns(s, family, src)) {
		st->stats.dropped++;
		gw_debug(st, "packet from a client dropped: %s",
			 family ? "not from its address" : "no IP header");
		return;
	}
	if (st->tun_fd < 0)
		no_tun(st, from, pkt, len, family, dst);
	else if (gw_tun_write(st, pkt, len))
		st->stats.dropped++;
}

void gw_packet_to_client(struct gw_state *st, const unsigned char *pkt,
			 size_t len)
{
	const unsigned char *src, *dst;
	int family = gw_packet_addrs(pkt, len, &src, &dst);
	struct gw_tunnel *to = family ? gw_tunnel_by_addr(st, family, dst) :
				NULL;

	if (to)
		gw_tunnel_send(to, pkt, len);
	else
		st->stats.dropped++;
}
