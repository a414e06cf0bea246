/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "buf.h"
#include "ipconf.h"
#include "log.h"
#include "num.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

void oc_ipconf_init(struct oc_ipconf *c)
{
	memset(c, 0, sizeof(*c));
	c->plen6 = 128;
}

static void route_list_free(struct oc_route_list *l)
{
	free(l->r);
	memset(l, 0, sizeof(*l));
}

static void info_free(struct oc_ipconf_info *in)
{
	free(in->nodes);
	free(in->strs);
	free(in->domain);
	memset(in, 0, sizeof(*in));
}

void oc_ipconf_free(struct oc_ipconf *c)
{
	size_t i;

	for (i = 0; i < c->n_domains; i++)
		free(c->domains[i]);
	route_list_free(&c->inc4);
	route_list_free(&c->exc4);
	route_list_free(&c->inc6);
	route_list_free(&c->exc6);
	info_free(&c->info);
	oc_ipconf_init(c);
}

static int try_family(const char *s, int family, struct oc_ipaddr *out)
{
	struct oc_ipaddr ip;

	memset(&ip, 0, sizeof(ip));
	if (inet_pton(family, s, ip.a) != 1)
		return -EINVAL;
	if (!inet_ntop(family, ip.a, ip.str, sizeof(ip.str)))
		return -EINVAL;
	ip.family = family;
	*out = ip;
	return 0;
}

int oc_ipaddr_parse(const char *s, int family, struct oc_ipaddr *out)
{
	/* inet_pton already refuses spaces, zone indices, octal and the
	 * short forms ("10.1") that inet_aton would take. */
	if (!s || !*s || strlen(s) >= INET6_ADDRSTRLEN)
		return -EINVAL;
	if ((family == AF_INET || family == AF_UNSPEC) &&
	    !try_family(s, AF_INET, out))
		return 0;
	if ((family == AF_INET6 || family == AF_UNSPEC) &&
	    !try_family(s, AF_INET6, out))
		return 0;
	return -EINVAL;
}

static int ipaddr_eq(const struct oc_ipaddr *a, const struct oc_ipaddr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, sizeof(a->a));
}

int oc_mask_to_plen(uint32_t mask_be)
{
	uint32_t inv = ~ntohl(mask_be);
	int plen = 32;

	/* Contiguous ones from the top: the inverse is 2^k - 1. */
	if (inv & (inv + 1))
		return -EINVAL;
	while (inv) {
		inv >>= 1;
		plen--;
	}
	return plen;
}

uint32_t oc_plen_to_mask(int plen)
{
	if (plen <= 0)
		return 0;
	if (plen >= 32)
		return htonl(0xffffffffu);
	return htonl(~((1u << (32 - plen)) - 1));
}

int oc_ipconf_set_addr4(struct oc_ipconf *c, const char *addr,
			const char *netmask)
{
	struct oc_ipaddr a, m;
	uint32_t mask;
	int plen;

	if (oc_ipaddr_parse(addr, AF_INET, &a))
		return -EINVAL;
	if (oc_ipaddr_parse(netmask ? netmask : "255.255.255.255",
			    AF_INET, &m))
		return -EINVAL;
	memcpy(&mask, m.a, sizeof(mask));
	plen = oc_mask_to_plen(mask);
	if (plen < 0)
		return -EINVAL;
	c->addr4 = a;
	c->mask4 = m;
	c->plen4 = plen;
	return 0;
}

static int parse_plen(const char *s, int max, int *plen)
{
	if (!s) {
		*plen = max;
		return 0;
	}
	/* oc_parse_int is strict: digits only, whole string. */
	return oc_parse_int(s, 0, max, plen) ? -EINVAL : 0;
}

/* Splits "addr[/suffix]" into @addr (NUL-terminated copy) and *suffix. */
static int split_slash(const char *s, char addr[INET6_ADDRSTRLEN],
		       const char **suffix)
{
	const char *slash;
	size_t alen;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (!alen || alen >= INET6_ADDRSTRLEN)
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	*suffix = slash ? slash + 1 : NULL;
	return 0;
}

int oc_ipconf_set_addr6(struct oc_ipconf *c, const char *addr)
{
	char buf[INET6_ADDRSTRLEN];
	const char *suffix;
	struct oc_ipaddr a;
	int plen;

	if (split_slash(addr, buf, &suffix) ||
	    oc_ipaddr_parse(buf, AF_INET6, &a) ||
	    parse_plen(suffix, 128, &plen))
		return -EINVAL;
	c->addr6 = a;
	c->plen6 = plen;
	return 0;
}

int oc_ipconf_set_gateway(struct oc_ipconf *c, const char *addr)
{
	return oc_ipaddr_parse(addr, AF_UNSPEC, &c->gateway);
}

static int add_addr(struct oc_ipaddr *list, size_t *n, size_t max,
		    const char *s, int family)
{
	struct oc_ipaddr a;
	size_t i;

	if (oc_ipaddr_parse(s, family, &a))
		return -EINVAL;
	for (i = 0; i < *n; i++)
		if (ipaddr_eq(&list[i], &a))
			return OC_IPCONF_DUP;
	if (*n >= max)
		return -ENOSPC;
	list[(*n)++] = a;
	return OC_IPCONF_ADDED;
}

int oc_ipconf_add_dns(struct oc_ipconf *c, const char *addr)
{
	return add_addr(c->dns, &c->n_dns, OC_IPCONF_MAX_DNS, addr,
			AF_UNSPEC);
}

int oc_ipconf_add_nbns(struct oc_ipconf *c, const char *addr)
{
	return add_addr(c->nbns, &c->n_nbns, OC_IPCONF_MAX_NBNS, addr,
			AF_INET);
}

/* A name the script may put in resolv.conf: no spaces, no shell syntax. */
static int domain_ok(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	size_t i;

	if (!len || len > OC_IPCONF_MAX_DOMAIN_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      ch == '.'))
			return 0;
	}
	return 1;
}

int oc_ipconf_add_domain(struct oc_ipconf *c, const char *name)
{
	size_t i;

	if (!domain_ok(name))
		return -EINVAL;
	for (i = 0; i < c->n_domains; i++)
		if (!strcasecmp(c->domains[i], name))
			return OC_IPCONF_DUP;
	if (c->n_domains >= OC_IPCONF_MAX_DOMAINS)
		return -ENOSPC;
	c->domains[c->n_domains] = strdup(name);
	if (!c->domains[c->n_domains])
		return -ENOMEM;
	c->n_domains++;
	return OC_IPCONF_ADDED;
}

static void clear_host_bits(struct oc_route *r)
{
	int bytes = r->family == AF_INET ? 4 : 16;
	int i;

	for (i = 0; i < bytes; i++) {
		int keep = r->plen - 8 * i;

		if (keep <= 0)
			r->a[i] = 0;
		else if (keep < 8)
			r->a[i] &= (unsigned char)(0xff << (8 - keep));
	}
}

/* The prefix after '/': a length, or for IPv4 also a dotted mask. */
static int route_plen(int family, const char *suffix, int *plen)
{
	struct oc_ipaddr m;
	uint32_t mask;

	if (family == AF_INET && suffix && strchr(suffix, '.')) {
		if (oc_ipaddr_parse(suffix, AF_INET, &m))
			return -EINVAL;
		memcpy(&mask, m.a, sizeof(mask));
		*plen = oc_mask_to_plen(mask);
		return *plen < 0 ? -EINVAL : 0;
	}
	return parse_plen(suffix, family == AF_INET ? 32 : 128, plen);
}

int oc_route_parse(const char *s, struct oc_route *r)
{
	char buf[INET6_ADDRSTRLEN];
	const char *suffix;
	struct oc_ipaddr a;
	struct oc_route out;

	if (split_slash(s, buf, &suffix) ||
	    oc_ipaddr_parse(buf, AF_UNSPEC, &a))
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	out.family = a.family;
	memcpy(out.a, a.a, sizeof(out.a));
	if (route_plen(a.family, suffix, &out.plen))
		return -EINVAL;
	clear_host_bits(&out);
	*r = out;
	return 0;
}

void oc_route_addr(const struct oc_route *r, char out[INET6_ADDRSTRLEN])
{
	if (!inet_ntop(r->family, r->a, out, INET6_ADDRSTRLEN))
		strcpy(out, "?");
}

void oc_route_format(const struct oc_route *r, int dotted,
		     char out[OC_ROUTE_STRLEN])
{
	char addr[INET6_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	uint32_t m = oc_plen_to_mask(r->plen);
	int n;

	oc_route_addr(r, addr);
	if (dotted && r->family == AF_INET &&
	    inet_ntop(AF_INET, &m, mask, sizeof(mask)))
		n = snprintf(out, OC_ROUTE_STRLEN, "%s/%s", addr, mask);
	else
		n = snprintf(out, OC_ROUTE_STRLEN, "%s/%d", addr, r->plen);
	/* Cannot happen: an IPv4 address and mask take 31 bytes at most. */
	if (n < 0 || n >= OC_ROUTE_STRLEN)
		out[0] = '\0';
}

static int route_eq(const struct oc_route *a, const struct oc_route *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a, b->a, sizeof(a->a));
}

static int route_list_add(struct oc_route_list *l, const struct oc_route *r)
{
	struct oc_route *nr;
	size_t i, ncap;

	for (i = 0; i < l->n; i++)
		if (route_eq(&l->r[i], r))
			return OC_IPCONF_DUP;
	if (l->n >= OC_IPCONF_MAX_ROUTES)
		return -ENOSPC;
	if (l->n == l->cap) {
		ncap = l->cap ? 2 * l->cap : 8;
		nr = realloc(l->r, ncap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		l->r = nr;
		l->cap = ncap;
	}
	l->r[l->n++] = *r;
	return OC_IPCONF_ADDED;
}

int oc_ipconf_add_route(struct oc_ipconf *c, int exclude, const char *route)
{
	struct oc_route r;
	int v4;

	if (oc_route_parse(route, &r))
		return -EINVAL;
	v4 = r.family == AF_INET;
	if (!r.plen) {
		if (exclude)
			return -EINVAL;
		if (v4)
			c->full4 = 1;
		else
			c->full6 = 1;
		return OC_IPCONF_FULL;
	}
	if (exclude)
		return route_list_add(v4 ? &c->exc4 : &c->exc6, &r);
	return route_list_add(v4 ? &c->inc4 : &c->inc6, &r);
}

void oc_ipconf_drop_ipv6(struct oc_ipconf *c)
{
	memset(&c->addr6, 0, sizeof(c->addr6));
	c->plen6 = 128;
	route_list_free(&c->inc6);
	route_list_free(&c->exc6);
	c->full6 = 0;
}

static int addrs_eq(const struct oc_ipaddr *a, size_t na,
		    const struct oc_ipaddr *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!ipaddr_eq(&a[i], &b[i]))
			return 0;
	return 1;
}

static int routes_eq(const struct oc_route_list *a,
		     const struct oc_route_list *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!route_eq(&a->r[i], &b->r[i]))
			return 0;
	return 1;
}

static int domains_eq(const struct oc_ipconf *a, const struct oc_ipconf *b)
{
	size_t i;

	if (a->n_domains != b->n_domains)
		return 0;
	for (i = 0; i < a->n_domains; i++)
		if (strcasecmp(a->domains[i], b->domains[i]))
			return 0;
	return 1;
}

static int all_routes_eq(const struct oc_ipconf *a, const struct oc_ipconf *b)
{
	return a->full4 == b->full4 && a->full6 == b->full6 &&
	       routes_eq(&a->inc4, &b->inc4) && routes_eq(&a->exc4, &b->exc4) &&
	       routes_eq(&a->inc6, &b->inc6) && routes_eq(&a->exc6, &b->exc6);
}

unsigned int oc_ipconf_diff(const struct oc_ipconf *a,
			    const struct oc_ipconf *b)
{
	unsigned int d = 0;

	if (!ipaddr_eq(&a->addr4, &b->addr4))
		d |= OC_IPCONF_DIFF_ADDR4;
	if (a->addr4.family && b->addr4.family && a->plen4 != b->plen4)
		d |= OC_IPCONF_DIFF_MASK4;
	if (!ipaddr_eq(&a->addr6, &b->addr6))
		d |= OC_IPCONF_DIFF_ADDR6;
	if (a->addr6.family && b->addr6.family && a->plen6 != b->plen6)
		d |= OC_IPCONF_DIFF_PLEN6;
	if (!addrs_eq(a->dns, a->n_dns, b->dns, b->n_dns))
		d |= OC_IPCONF_DIFF_DNS;
	if (!addrs_eq(a->nbns, a->n_nbns, b->nbns, b->n_nbns))
		d |= OC_IPCONF_DIFF_NBNS;
	if (!domains_eq(a, b))
		d |= OC_IPCONF_DIFF_DOMAINS;
	if (!all_routes_eq(a, b))
		d |= OC_IPCONF_DIFF_ROUTES;
	if (a->mtu != b->mtu)
		d |= OC_IPCONF_DIFF_MTU;
	if (a->idle_timeout != b->idle_timeout)
		d |= OC_IPCONF_DIFF_IDLE;
	return d;
}

static const char *addr_or_none(const struct oc_ipaddr *a)
{
	return a->family ? a->str : "none";
}

int oc_ipconf_reconnect_check(const struct oc_log *lg,
			      const struct oc_ipconf *old,
			      const struct oc_ipconf *cur)
{
	unsigned int d = oc_ipconf_diff(old, cur);

	if (d & (OC_IPCONF_DIFF_ADDR4 | OC_IPCONF_DIFF_MASK4))
		oc_err(lg, "The server gave IPv4 address %s/%d instead of "
		       "%s/%d; cannot continue the session",
		       addr_or_none(&cur->addr4), cur->plen4,
		       addr_or_none(&old->addr4), old->plen4);
	if (d & (OC_IPCONF_DIFF_ADDR6 | OC_IPCONF_DIFF_PLEN6))
		oc_err(lg, "The server gave IPv6 address %s/%d instead of "
		       "%s/%d; cannot continue the session",
		       addr_or_none(&cur->addr6), cur->plen6,
		       addr_or_none(&old->addr6), old->plen6);
	if (d & OC_IPCONF_DIFF_ADDRESS)
		return -EADDRNOTAVAIL;
	if (d)
		oc_dbg(lg, "Reconnect: configuration changed (0x%x) but "
		       "the addresses are the same", d);
	return 0;
}

static char *join_domains(const struct oc_ipconf *c)
{
	struct oc_text t = OC_TEXT_INIT;
	size_t i;

	for (i = 0; i < c->n_domains; i++) {
		if (i)
			oc_text_append(&t, " ");
		oc_text_append(&t, c->domains[i]);
	}
	return oc_text_steal(&t);
}

/* Links the routes of @l into the chain ending at *tail. */
static void link_routes(struct oc_ipconf_info *in, size_t *k,
			const struct oc_route_list *l,
			struct oc_split_include ***tail)
{
	size_t i;

	for (i = 0; i < l->n; i++, (*k)++) {
		oc_route_format(&l->r[i], 1, in->strs[*k]);
		in->nodes[*k].route = in->strs[*k];
		in->nodes[*k].next = NULL;
		**tail = &in->nodes[*k];
		*tail = &in->nodes[*k].next;
	}
}

static int build_routes(struct oc_ipconf *c, struct oc_ip_info *info)
{
	struct oc_ipconf_info *in = &c->info;
	struct oc_split_include **tail;
	size_t n = c->inc4.n + c->inc6.n + c->exc4.n + c->exc6.n, k = 0;

	if (!n)
		return 0;
	in->nodes = calloc(n, sizeof(*in->nodes));
	in->strs = calloc(n, sizeof(*in->strs));
	if (!in->nodes || !in->strs)
		return -ENOMEM;
	tail = &info->split_includes;
	link_routes(in, &k, &c->inc4, &tail);
	link_routes(in, &k, &c->inc6, &tail);
	tail = &info->split_excludes;
	link_routes(in, &k, &c->exc4, &tail);
	link_routes(in, &k, &c->exc6, &tail);
	return 0;
}

static void fill_addrs(const struct oc_ipconf *c, struct oc_ip_info *info)
{
	size_t i;

	info->addr = c->addr4.family ? c->addr4.str : NULL;
	info->netmask = c->addr4.family ? c->mask4.str : NULL;
	info->addr6 = c->addr6.family ? c->addr6.str : NULL;
	info->netmask6 = c->addr6.family ? c->info.netmask6 : NULL;
	for (i = 0; i < c->n_dns && i < NELEM(info->dns); i++)
		info->dns[i] = c->dns[i].str;
	for (i = 0; i < c->n_nbns && i < NELEM(info->nbns); i++)
		info->nbns[i] = c->nbns[i].str;
	info->mtu = c->mtu;
	info->gateway_addr = c->gateway.family ? (char *)c->gateway.str : NULL;
}

int oc_ipconf_fill_info(struct oc_ipconf *c, struct oc_ip_info *info)
{
	int ret;

	info_free(&c->info);
	memset(info, 0, sizeof(*info));
	if (c->addr6.family)
		snprintf(c->info.netmask6, sizeof(c->info.netmask6), "%s/%d",
			 c->addr6.str, c->plen6);
	if (c->n_domains) {
		c->info.domain = join_domains(c);
		if (!c->info.domain) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = build_routes(c, info);
	if (ret)
		goto out;
	fill_addrs(c, info);
	info->domain = c->info.domain;
out:
	if (ret) {
		info_free(&c->info);
		memset(info, 0, sizeof(*info));
	}
	return ret;
}
