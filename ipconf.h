/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tunnel's IP configuration, independent of the protocol that
 * delivered it: addresses, DNS and WINS servers, search domains, split
 * routes, MTU. The GP getconfig parser fills one, the vpnc-script
 * environment and openconnect_get_ip_info() read it, and the reconnect
 * check compares two of them.
 *
 * Everything is parsed strictly and stored in canonical form (inet_ntop),
 * so two configurations compare equal when they mean the same thing.
 * Lists have fixed bounds: a server cannot make us build an environment
 * larger than execve() accepts.
 */
#ifndef OC_IPCONF_H
#define OC_IPCONF_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "log.h"
#include "openconnect.h"

#define OC_IPCONF_MAX_DNS	8
#define OC_IPCONF_MAX_NBNS	4
#define OC_IPCONF_MAX_DOMAINS	16
#define OC_IPCONF_MAX_ROUTES	1024	/* per list */
#define OC_IPCONF_MAX_DOMAIN_LEN 253

/* Room for "addr/len" of any IPv6 address, and for "a.b.c.d/m.a.s.k". */
#define OC_ROUTE_STRLEN		(INET6_ADDRSTRLEN + 4)

/* One address, binary and canonical text. family 0: unset. */
struct oc_ipaddr {
	int family;			/* AF_INET, AF_INET6 or 0 */
	unsigned char a[16];		/* network byte order; 4 used for v4 */
	char str[INET6_ADDRSTRLEN];
};

/* A route: network address (host bits cleared) and prefix length. */
struct oc_route {
	int family;
	int plen;
	unsigned char a[16];
};

struct oc_route_list {
	struct oc_route *r;
	size_t n;
	size_t cap;
};

/* Cache behind oc_ipconf_fill_info(): the list nodes and strings that the
 * public struct points at. */
struct oc_ipconf_info {
	struct oc_split_include *nodes;
	char (*strs)[OC_ROUTE_STRLEN];
	char *domain;
	char netmask6[OC_ROUTE_STRLEN];
};

struct oc_ipconf {
	struct oc_ipaddr addr4;		/* family 0 when the server gave none */
	struct oc_ipaddr mask4;
	int plen4;
	struct oc_ipaddr addr6;
	int plen6;			/* 128 when the server gave none */

	struct oc_ipaddr dns[OC_IPCONF_MAX_DNS];	/* v4 and v6 mixed */
	size_t n_dns;
	struct oc_ipaddr nbns[OC_IPCONF_MAX_NBNS];	/* v4 only */
	size_t n_nbns;
	char *domains[OC_IPCONF_MAX_DOMAINS];
	size_t n_domains;

	struct oc_route_list inc4, exc4, inc6, exc6;
	int full4;			/* 0.0.0.0/0 was among the includes */
	int full6;			/* ::/0 was among the includes */

	int mtu;			/* 0: not known yet */
	struct oc_ipaddr gateway;	/* the VPN server's numeric address */
	int idle_timeout;		/* seconds; 0: none */

	struct oc_ipconf_info info;
};

/* Results of the add functions, besides negative errors. */
#define OC_IPCONF_ADDED		0
#define OC_IPCONF_DUP		1	/* already there; nothing changed */
#define OC_IPCONF_FULL		2	/* default route: flagged, not listed */

void oc_ipconf_init(struct oc_ipconf *c);
/* Frees everything and leaves @c initialised (empty). */
void oc_ipconf_free(struct oc_ipconf *c);

/*
 * Parses a numeric address of @family (AF_INET, AF_INET6, or AF_UNSPEC for
 * either) into @out. The whole string must be the address: no spaces, no
 * zone index, no prefix. Returns 0 or -EINVAL.
 */
int oc_ipaddr_parse(const char *s, int family, struct oc_ipaddr *out);

/* Prefix length of a contiguous IPv4 netmask (network byte order), or
 * -EINVAL when the ones are not contiguous. */
int oc_mask_to_plen(uint32_t mask_be);
/* The IPv4 netmask of a prefix length 0-32, in network byte order. */
uint32_t oc_plen_to_mask(int plen);

/*
 * Sets the IPv4 address and netmask. @netmask NULL means 255.255.255.255;
 * otherwise it must be a dotted contiguous mask. Returns 0 or -EINVAL
 * (then @c is unchanged).
 */
int oc_ipconf_set_addr4(struct oc_ipconf *c, const char *addr,
			const char *netmask);
/* Sets the IPv6 address from "addr" (prefix 128) or "addr/len". */
int oc_ipconf_set_addr6(struct oc_ipconf *c, const char *addr);
/* The VPN server's numeric address (VPNGATEWAY, gateway_addr). */
int oc_ipconf_set_gateway(struct oc_ipconf *c, const char *addr);

/*
 * List entries. Each returns OC_IPCONF_ADDED, OC_IPCONF_DUP (dropped),
 * -EINVAL for a malformed entry, -ENOSPC when the list is full, or
 * -ENOMEM. DNS servers may be either family; NBNS servers are IPv4.
 * Domains are DNS names (letters, digits, '-', '_', '.'), compared without
 * regard to case.
 */
int oc_ipconf_add_dns(struct oc_ipconf *c, const char *addr);
int oc_ipconf_add_nbns(struct oc_ipconf *c, const char *addr);
int oc_ipconf_add_domain(struct oc_ipconf *c, const char *name);

/*
 * Parses a route strictly: "a.b.c.d/len", "a.b.c.d/m.a.s.k" (contiguous
 * mask), "a.b.c.d" (= /32), "x::y/len", "x::y" (= /128). Host bits are
 * cleared, since "ip route" refuses a prefix with them set. -EINVAL for
 * anything else.
 */
int oc_route_parse(const char *s, struct oc_route *r);
/* "a.b.c.d/m.a.s.k" for IPv4 (with @dotted) or "addr/len". */
void oc_route_format(const struct oc_route *r, int dotted,
		     char out[OC_ROUTE_STRLEN]);
/* Address part only, canonical text. */
void oc_route_addr(const struct oc_route *r, char out[INET6_ADDRSTRLEN]);

/*
 * Adds a route into the tunnel (@exclude 0) or out of it (@exclude 1),
 * sorted into the v4 or v6 list by its family. An include of 0.0.0.0/0 or
 * ::/0 sets full4/full6 and returns OC_IPCONF_FULL; an exclude of
 * everything is -EINVAL, as no tunnel could be meant by it.
 */
int oc_ipconf_add_route(struct oc_ipconf *c, int exclude, const char *route);

/* Forgets the IPv6 address and IPv6 routes (for --disable-ipv6). */
void oc_ipconf_drop_ipv6(struct oc_ipconf *c);

/* What differs between two configurations (bits below). */
#define OC_IPCONF_DIFF_ADDR4	0x001
#define OC_IPCONF_DIFF_MASK4	0x002
#define OC_IPCONF_DIFF_ADDR6	0x004
#define OC_IPCONF_DIFF_PLEN6	0x008
#define OC_IPCONF_DIFF_DNS	0x010
#define OC_IPCONF_DIFF_NBNS	0x020
#define OC_IPCONF_DIFF_DOMAINS	0x040
#define OC_IPCONF_DIFF_ROUTES	0x080
#define OC_IPCONF_DIFF_MTU	0x100
#define OC_IPCONF_DIFF_IDLE	0x200
#define OC_IPCONF_DIFF_ADDRESS	(OC_IPCONF_DIFF_ADDR4 | OC_IPCONF_DIFF_MASK4 | \
				 OC_IPCONF_DIFF_ADDR6 | OC_IPCONF_DIFF_PLEN6)

unsigned int oc_ipconf_diff(const struct oc_ipconf *a,
			    const struct oc_ipconf *b);

/*
 * The reconnect check (PROTOCOL.md section 12): after a new getconfig on
 * an existing tunnel, a different address or netmask (v4 or v6, including
 * one appearing or disappearing) means the session cannot go on
 * transparently. Returns 0 when it can (other changes are logged at debug
 * level), or -EADDRNOTAVAIL after logging what changed.
 */
int oc_ipconf_reconnect_check(const struct oc_log *lg,
			      const struct oc_ipconf *old,
			      const struct oc_ipconf *cur);

/*
 * Fills the public @info from @c. Every pointer in @info points into @c
 * (some into the struct itself), and stays valid until the next call,
 * oc_ipconf_free(), or a move of @c by struct copy: fill again after one. IPv4 routes
 * read "a.b.c.d/m.a.s.k", IPv6 routes "addr/len"; default routes are not
 * listed. dns[] and nbns[] get the first three servers. proxy_pac and
 * split_dns are NULL. Returns 0 or -ENOMEM (then @info is zeroed).
 */
int oc_ipconf_fill_info(struct oc_ipconf *c, struct oc_ip_info *info);

#endif
