/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client addresses. Each session keeps its address for as long as it
 * lives, so a re-getconfig (rekey, reconnect) hands back the same one, as
 * real gateways do; a preferred address is honoured when it is in the
 * pool and no other session holds it.
 *
 * A pool is at most GW_POOL_SIZE addresses from its first one, within the
 * network its prefix length names (the route the TUN device gets).
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw.h"
#include "num.h"

int gw_parse_cidr(const char *spec, int family, unsigned char *addr,
		  int *len)
{
	int max = family == AF_INET ? 32 : 128;
	const char *slash = strchr(spec, '/');
	char host[64];
	size_t n = slash ? (size_t)(slash - spec) : strlen(spec);

	if (!n || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (inet_pton(family, host, addr) != 1)
		return -EINVAL;
	*len = max;
	return slash ? oc_parse_int(slash + 1, 0, max, len) : 0;
}

/* ---- IPv4 -------------------------------------------------------------- */

static uint32_t mask4(int len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

/* How many addresses the pool has: up to GW_POOL_SIZE, never the
 * network's broadcast address. */
static uint32_t size4(uint32_t first, int len)
{
	uint32_t last = (first | ~mask4(len)) - (len < 31);
	uint64_t n = (uint64_t)last - first + 1;

	return last < first ? 0 : n > GW_POOL_SIZE ? GW_POOL_SIZE :
	       (uint32_t)n;
}

static uint32_t pool4_size(const struct gw_modes *m)
{
	return size4(m->ip_pool, m->ip_pool_len);
}

static int in_pool4(const struct gw_modes *m, uint32_t a)
{
	return a >= m->ip_pool && a - m->ip_pool < pool4_size(m);
}

static int taken4(const struct gw_state *st, const struct gw_session *s,
		  uint32_t a)
{
	size_t i;

	for (i = 0; i < GW_MAX_SESSIONS; i++)
		if (st->sess[i].in_use && &st->sess[i] != s &&
		    st->sess[i].ip4 == a)
			return 1;
	return 0;
}

static void set4(struct gw_session *s, uint32_t a)
{
	struct in_addr in = { .s_addr = htonl(a) };

	s->ip4 = a;
	inet_ntop(AF_INET, &in, s->ip, sizeof(s->ip));
}

int gw_pool_assign4(struct gw_state *st, struct gw_session *s,
		    const char *pref)
{
	uint32_t n = pool4_size(&st->m), i, a;
	struct in_addr in;

	if (pref && inet_pton(AF_INET, pref, &in) == 1) {
		a = ntohl(in.s_addr);
		if (in_pool4(&st->m, a) && !taken4(st, s, a)) {
			set4(s, a);
			return 0;
		}
	}
	if (s->ip4 && in_pool4(&st->m, s->ip4))
		return 0;
	for (i = 0; i < n; i++) {
		a = st->m.ip_pool + (st->ip_next + i) % n;
		if (!taken4(st, s, a)) {
			st->ip_next = (st->ip_next + i + 1) % n;
			set4(s, a);
			return 0;
		}
	}
	s->ip4 = 0;
	s->ip[0] = '\0';
	return -ENOSPC;
}

int gw_pool_set4(struct gw_state *st, const char *spec)
{
	unsigned char a[4];
	uint32_t first;
	int len, ret = gw_parse_cidr(spec, AF_INET, a, &len);

	if (ret)
		return ret;
	if (!strchr(spec, '/'))
		len = 24;
	first = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		(uint32_t)a[2] << 8 | a[3];
	/* A network's own address is no host's. */
	if (len < 31 && !(first & ~mask4(len)))
		first++;
	if (!size4(first, len))
		return -EINVAL;
	st->m.ip_pool = first;
	st->m.ip_pool_len = len;
	st->ip_next = 0;
	return 0;
}

/* ---- IPv6 -------------------------------------------------------------- */

static uint32_t pool6_size(const struct gw_modes *m)
{
	int host = 128 - m->ip6_pool_len;

	/* ::0 is the subnet-router anycast address, ::1 stays free. */
	if (host >= 11)
		return GW_POOL_SIZE;
	return ((uint32_t)1 << host) - 2;
}

/* Address @i of the pool: the prefix plus 2 + i. */
static void addr6(const struct gw_modes *m, uint32_t i, unsigned char *out)
{
	uint32_t carry = i + 2;
	int b;

	memcpy(out, m->ip6_pool, 16);
	for (b = 15; b >= 0 && carry; b--) {
		carry += out[b];
		out[b] = (unsigned char)carry;
		carry >>= 8;
	}
}

static int in_pool6(const struct gw_modes *m, const unsigned char *a,
		    uint32_t *idx)
{
	unsigned char first[16];
	uint32_t i;

	addr6(m, 0, first);
	/* Pools span at most the low 32 bits. */
	if (memcmp(a, first, 12))
		return 0;
	i = ((uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
	     (uint32_t)a[14] << 8 | a[15]) -
	    ((uint32_t)first[12] << 24 | (uint32_t)first[13] << 16 |
	     (uint32_t)first[14] << 8 | first[15]);
	if (idx)
		*idx = i;
	return i < pool6_size(m);
}

static int taken6(const struct gw_state *st, const struct gw_session *s,
		  const unsigned char *a)
{
	size_t i;

	for (i = 0; i < GW_MAX_SESSIONS; i++)
		if (st->sess[i].in_use && &st->sess[i] != s &&
		    st->sess[i].ip6[0] && !memcmp(st->sess[i].ip6_bin, a, 16))
			return 1;
	return 0;
}

static void set6(struct gw_session *s, const unsigned char *a)
{
	memcpy(s->ip6_bin, a, 16);
	inet_ntop(AF_INET6, a, s->ip6, sizeof(s->ip6));
}

int gw_pool_assign6(struct gw_state *st, struct gw_session *s,
		    const char *pref)
{
	uint32_t n = pool6_size(&st->m), i;
	unsigned char a[16];

	if (!st->m.ip6_pool_len)
		return 0;
	if (pref && inet_pton(AF_INET6, pref, a) == 1 &&
	    in_pool6(&st->m, a, NULL) && !taken6(st, s, a)) {
		set6(s, a);
		return 0;
	}
	if (s->ip6[0] && in_pool6(&st->m, s->ip6_bin, NULL))
		return 0;
	for (i = 0; i < n; i++) {
		addr6(&st->m, (st->ip6_next + i) % n, a);
		if (!taken6(st, s, a)) {
			st->ip6_next = (st->ip6_next + i + 1) % n;
			set6(s, a);
			return 0;
		}
	}
	s->ip6[0] = '\0';
	return -ENOSPC;
}

int gw_pool_set6(struct gw_state *st, const char *spec)
{
	unsigned char a[16];
	int len, i, ret;

	if (!*spec) {
		st->m.ip6_pool_len = 0;
		return 0;
	}
	ret = gw_parse_cidr(spec, AF_INET6, a, &len);
	if (ret || !strchr(spec, '/') || len < 64 || len > 120)
		return -EINVAL;
	for (i = len; i < 128; i++)	/* host bits must be zero */
		if (a[i / 8] & (0x80 >> (i % 8)))
			return -EINVAL;
	memcpy(st->m.ip6_pool, a, 16);
	st->m.ip6_pool_len = len;
	st->ip6_next = 0;
	return 0;
}
