/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a tunnelled IP packet goes. With a TUN device the kernel of the
 * gateway's namespace routes it; without one the gateway answers echo
 * requests to its own tunnel address (--tun-addr, --tun-addr6) itself,
 * so tests without a TUN device can still check that traffic flows, and
 * passes packets between its clients. Either tunnel may carry a packet
 * both ways: ESP when the session has it up, else HTTPS.
 *
 * A client may only send from the address getconfig gave it.
 *
 * ESP probes (PROTOCOL.md section 10) are answered here too, as echo
 * replies, whatever the TUN device: a probe's destination is the
 * gateway's public address, which the kernel would answer too, but then
 * an ignored probe (the esp-ignore-probes fault) would be answered all
 * the same.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "gp-probe.h"
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

/* ---- ESP probes -------------------------------------------------------- */

static int probe_dst(const struct gw_session *s, int family,
		     const unsigned char *dst)
{
	static const unsigned char any[16];
	size_t n = family == 4 ? 4 : 16;

	if (s->gw_family != family)
		return 0;
	return !memcmp(s->gw_addr, any, n) || !memcmp(s->gw_addr, dst, n);
}

static int magic_at(const unsigned char *icmp, size_t icmp_len)
{
	return icmp_len >= 8 + GP_PROBE_MAGIC_LEN &&
	       !memcmp(icmp + 8, gp_probe_magic, GP_PROBE_MAGIC_LEN);
}

/* Fragments cannot be probes: DF may be set, MF and the offset not. */
static size_t probe4(const struct gw_session *s, unsigned char *p,
		     size_t len)
{
	size_t ihl = (size_t)(p[0] & 15) * 4, tot = be16(p + 2);
	unsigned char *icmp = p + ihl;

	if (tot > len || tot < ihl + 8 || p[9] != PROTO_ICMP ||
	    (be16(p + 6) & 0x3fff) || !owns(s, 4, p + 12) ||
	    !probe_dst(s, 4, p + 16) || icmp[0] != ICMP_ECHO ||
	    icmp[1] != 0 || !magic_at(icmp, tot - ihl))
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

/* Probes carry no extension headers (section 10). */
static size_t probe6(const struct gw_session *s, unsigned char *p,
		     size_t len)
{
	size_t plen = be16(p + 4);
	unsigned char *icmp = p + 40;

	if (40 + plen > len || plen < 8 || p[6] != PROTO_ICMPV6 ||
	    !owns(s, 6, p + 8) || !probe_dst(s, 6, p + 24) ||
	    icmp[0] != ICMP6_ECHO || icmp[1] != 0 || !magic_at(icmp, plen))
		return 0;
	swap(p + 8, p + 24, 16);
	p[7] = TTL;
	icmp[0] = ICMP6_REPLY;
	put_sum(icmp + 2, 0);
	put_sum(icmp + 2, sum6(p, plen));
	return 40 + plen;
}

size_t gw_probe_answer(const struct gw_session *s, unsigned char *pkt,
		       size_t len)
{
	const unsigned char *src, *dst;
	int family = gw_packet_addrs(pkt, len, &src, &dst);

	if (family == 4)
		return probe4(s, pkt, len);
	if (family == 6)
		return probe6(s, pkt, len);
	return 0;
}

/* ---- Routing ----------------------------------------------------------- */

static struct gw_session *session_by_addr(const struct gw_state *st,
					  int family,
					  const unsigned char *addr)
{
	struct gw_tunnel *t = gw_tunnel_by_addr(st, family, addr);

	if (t && gw_tunnel_session(t))
		return gw_tunnel_session(t);
	return gw_esp_by_addr(st, family, addr);
}

int gw_packet_to_session(struct gw_state *st, struct gw_session *s,
			 const unsigned char *pkt, size_t len)
{
	if (s && !s->tun && gw_esp_ready(s))
		return gw_esp_send(st, s, pkt, len);
	if (s && s->tun)
		return gw_tunnel_send(s->tun, pkt, len);
	st->stats.dropped++;
	return -ENOTCONN;
}

/* Without a TUN device: our own address answers pings, other clients
 * get what is sent to them. */
static void no_tun(struct gw_state *st, struct gw_session *from,
		   unsigned char *pkt, size_t len, int family,
		   const unsigned char *dst)
{
	size_t n = family == 4 ? echo4(st, pkt, len) : echo6(st, pkt, len);

	if (n) {
		st->stats.pings++;
		gw_packet_to_session(st, from, pkt, n);
		return;
	}
	gw_packet_to_session(st, session_by_addr(st, family, dst), pkt, len);
}

void gw_packet_from_client(struct gw_state *st, struct gw_session *s,
			   unsigned char *pkt, size_t len)
{
	const unsigned char *src, *dst;
	int family = gw_packet_addrs(pkt, len, &src, &dst);

	if (!family || !s || !owns(s, family, src)) {
		st->stats.dropped++;
		gw_debug(st, "packet from a client dropped: %s",
			 family ? "not from its address" : "no IP header");
		return;
	}
	if (st->tun_fd < 0)
		no_tun(st, s, pkt, len, family, dst);
	else if (gw_tun_write(st, pkt, len))
		st->stats.dropped++;
}

void gw_packet_to_client(struct gw_state *st, const unsigned char *pkt,
			 size_t len)
{
	const unsigned char *src, *dst;
	int family = gw_packet_addrs(pkt, len, &src, &dst);

	gw_packet_to_session(st, family ? session_by_addr(st, family, dst) :
			     NULL, pkt, len);
}
