/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The protocol-neutral IP configuration: strict parsing of addresses and
 * routes, bounded de-duplicated lists, the reconnect check and the public
 * struct oc_ip_info.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "buf.h"
#include "ipconf.h"
#include "log.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct oc_text logged;

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_text_vappendf(&logged, fmt, ap);
	va_end(ap);
}

static struct oc_log lg;

static int setup(void **state)
{
	oc_text_free(&logged);
	oc_log_init(&lg, record, NULL);
	return 0;
}

static int teardown(void **state)
{
	oc_text_free(&logged);
	return 0;
}

struct route_case {
	const char *in;
	int ret;
	int family;
	int plen;
	const char *addr;	/* canonical network address */
};

static const struct route_case route_cases[] = {
	/* 1 */ { "10.0.0.0/8", 0, AF_INET, 8, "10.0.0.0" },
	/* 2 */ { "10.1.2.3/255.255.0.0", 0, AF_INET, 16, "10.1.0.0" },
	/* 3 */ { "192.168.1.1", 0, AF_INET, 32, "192.168.1.1" },
	/* 4 */ { "0.0.0.0/0", 0, AF_INET, 0, "0.0.0.0" },
	/* 5 */ { "2001:db8::/32", 0, AF_INET6, 32, "2001:db8::" },
	/* 6 */ { "2001:db8::1", 0, AF_INET6, 128, "2001:db8::1" },
	/* 7 */ { "2001:DB8:0::1/64", 0, AF_INET6, 64, "2001:db8::" },
	/* 8 */ { "10.128.7.1/9", 0, AF_INET, 9, "10.128.0.0" },
	/* 9 */ { "172.16.5.4/12", 0, AF_INET, 12, "172.16.0.0" },
	/* 10 */ { "2001:db8:abcd:1234::1/50", 0, AF_INET6, 50,
		   "2001:db8:abcd::" },
	/* 11 */ { "1.2.3.4/0.0.0.0", 0, AF_INET, 0, "0.0.0.0" },
	/* 12 */ { "::/0", 0, AF_INET6, 0, "::" },
	/* 13 */ { "10.0.0.0/33", -EINVAL },
	/* 14 */ { "10.0.0.0/255.0.255.0", -EINVAL },
	/* 15 */ { "10.0.0/8", -EINVAL },
	/* 16 */ { " 10.0.0.0/8", -EINVAL },
	/* 17 */ { "10.0.0.0/8 ", -EINVAL },
	/* 18 */ { "10.0.0.0/", -EINVAL },
	/* 19 */ { "/8", -EINVAL },
	/* 20 */ { "10.0.0.0/-1", -EINVAL },
	/* 21 */ { "10.0.0.0/+8", -EINVAL },
	/* 22 */ { "2001:db8::/129", -EINVAL },
	/* 23 */ { "2001:db8::/ffff::", -EINVAL },
	/* 24 */ { "010.0.0.0/8", -EINVAL },
	/* 25 */ { "", -EINVAL },
	/* 26 */ { "fe80::1%eth0", -EINVAL },
	/* 27 */ { "10.0.0.0/8/8", -EINVAL },
	/* 28 */ { "abc", -EINVAL },
	/* 29 */ { NULL, -EINVAL },
	/* 30 */ { "10.0.0.0/8x", -EINVAL },
	/* 31 */ { "10.0.0.0/255.255.0.0.0", -EINVAL },
	/* 32 */ { "2001:db8::/255.255.0.0", -EINVAL },
	/* 33 */ { "1.2.3.4.5", -EINVAL },
	/* 34 */ { "256.0.0.0/8", -EINVAL },
};

static void test_route_parse(void **state)
{
	char addr[INET6_ADDRSTRLEN];
	struct oc_route r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(route_cases); i++) {
		const struct route_case *c = &route_cases[i];

		print_message("route case %zu: %s\n", i + 1,
			      c->in ? c->in : "(null)");
		memset(&r, 0x55, sizeof(r));
		assert_int_equal(oc_route_parse(c->in, &r), c->ret);
		if (c->ret)
			continue;
		assert_int_equal(r.family, c->family);
		assert_int_equal(r.plen, c->plen);
		oc_route_addr(&r, addr);
		assert_string_equal(addr, c->addr);
	}
}

struct fmt_case {
	const char *in;
	const char *dotted;
	const char *len;
};

static const struct fmt_case fmt_cases[] = {
	/* 1 */ { "10.0.0.0/8", "10.0.0.0/255.0.0.0", "10.0.0.0/8" },
	/* 2 */ { "192.168.7.9", "192.168.7.9/255.255.255.255",
		  "192.168.7.9/32" },
	/* 3 */ { "10.20.30.0/255.255.254.0", "10.20.30.0/255.255.254.0",
		  "10.20.30.0/23" },
	/* 4 */ { "2001:db8:1::/48", "2001:db8:1::/48", "2001:db8:1::/48" },
	/* 5 */ { "0.0.0.0/0", "0.0.0.0/0.0.0.0", "0.0.0.0/0" },
};

static void test_route_format(void **state)
{
	char out[OC_ROUTE_STRLEN];
	struct oc_route r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fmt_cases); i++) {
		print_message("format case %zu: %s\n", i + 1, fmt_cases[i].in);
		assert_int_equal(oc_route_parse(fmt_cases[i].in, &r), 0);
		oc_route_format(&r, 1, out);
		assert_string_equal(out, fmt_cases[i].dotted);
		oc_route_format(&r, 0, out);
		assert_string_equal(out, fmt_cases[i].len);
	}
}

struct mask_case {
	const char *mask;
	int plen;
};

static const struct mask_case mask_cases[] = {
	/* 1 */ { "255.255.255.255", 32 },
	/* 2 */ { "255.255.255.0", 24 },
	/* 3 */ { "255.255.254.0", 23 },
	/* 4 */ { "128.0.0.0", 1 },
	/* 5 */ { "0.0.0.0", 0 },
	/* 6 */ { "255.255.255.254", 31 },
	/* 7 */ { "255.0.255.0", -EINVAL },
	/* 8 */ { "0.0.0.1", -EINVAL },
	/* 9 */ { "255.255.255.253", -EINVAL },
};

static void test_mask_plen(void **state)
{
	struct in_addr a;
	size_t i;
	int p;

	for (i = 0; i < ARRAY_SIZE(mask_cases); i++) {
		print_message("mask case %zu: %s\n", i + 1, mask_cases[i].mask);
		assert_int_equal(inet_pton(AF_INET, mask_cases[i].mask, &a), 1);
		assert_int_equal(oc_mask_to_plen(a.s_addr), mask_cases[i].plen);
	}
	for (p = 0; p <= 32; p++) {
		print_message("prefix length %d\n", p);
		assert_int_equal(oc_mask_to_plen(oc_plen_to_mask(p)), p);
	}
}

struct addr4_case {
	const char *addr;
	const char *mask;
	int ret;
	int plen;
	const char *mask_str;
};

static const struct addr4_case addr4_cases[] = {
	/* 1 */ { "10.0.0.1", NULL, 0, 32, "255.255.255.255" },
	/* 2 */ { "10.0.0.1", "255.255.255.0", 0, 24, "255.255.255.0" },
	/* 3 */ { "10.0.0.1", "255.0.255.0", -EINVAL },
	/* 4 */ { "bad", NULL, -EINVAL },
	/* 5 */ { "10.0.0.1", "24", -EINVAL },
	/* 6 */ { "::1", NULL, -EINVAL },
	/* 7 */ { "10.0.0.1 ", NULL, -EINVAL },
	/* 8 */ { NULL, NULL, -EINVAL },
	/* 9 */ { "10.0.0.1", "", -EINVAL },
};

static void test_set_addr4(void **state)
{
	struct oc_ipconf c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addr4_cases); i++) {
		const struct addr4_case *t = &addr4_cases[i];

		print_message("addr4 case %zu\n", i + 1);
		oc_ipconf_init(&c);
		assert_int_equal(oc_ipconf_set_addr4(&c, t->addr, t->mask),
				 t->ret);
		if (t->ret) {
			assert_int_equal(c.addr4.family, 0);
			continue;
		}
		assert_int_equal(c.addr4.family, AF_INET);
		assert_string_equal(c.addr4.str, t->addr);
		assert_int_equal(c.plen4, t->plen);
		assert_string_equal(c.mask4.str, t->mask_str);
		oc_ipconf_free(&c);
	}
}

struct addr6_case {
	const char *in;
	int ret;
	const char *addr;
	int plen;
};

static const struct addr6_case addr6_cases[] = {
	/* 1 */ { "2001:db8::5", 0, "2001:db8::5", 128 },
	/* 2 */ { "2001:db8::5/64", 0, "2001:db8::5", 64 },
	/* 3 */ { "2001:DB8:0:0::5", 0, "2001:db8::5", 128 },
	/* 4 */ { "2001:db8::5/129", -EINVAL },
	/* 5 */ { "10.0.0.1", -EINVAL },
	/* 6 */ { "2001:db8::5/", -EINVAL },
	/* 7 */ { "", -EINVAL },
};

static void test_set_addr6(void **state)
{
	struct oc_ipconf c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addr6_cases); i++) {
		const struct addr6_case *t = &addr6_cases[i];

		print_message("addr6 case %zu: %s\n", i + 1, t->in);
		oc_ipconf_init(&c);
		assert_int_equal(oc_ipconf_set_addr6(&c, t->in), t->ret);
		if (t->ret) {
			assert_int_equal(c.addr6.family, 0);
			assert_int_equal(c.plen6, 128);
			continue;
		}
		assert_string_equal(c.addr6.str, t->addr);
		assert_int_equal(c.plen6, t->plen);
	}
}

struct list_case {
	int kind;		/* 0 DNS, 1 NBNS, 2 domain */
	const char *in;
	int ret;
	size_t n_after;
};

static const struct list_case list_cases[] = {
	/* 1 */ { 0, "10.0.0.1", OC_IPCONF_ADDED, 1 },
	/* 2 */ { 0, "10.0.0.2", OC_IPCONF_ADDED, 2 },
	/* 3 */ { 0, "10.0.0.1", OC_IPCONF_DUP, 2 },
	/* 4 */ { 0, "2001:db8::53", OC_IPCONF_ADDED, 3 },
	/* 5 */ { 0, "2001:DB8:0::53", OC_IPCONF_DUP, 3 },
	/* 6 */ { 0, "bogus", -EINVAL, 3 },
	/* 7 */ { 0, "10.0.0.1/32", -EINVAL, 3 },
	/* 8 */ { 0, "", -EINVAL, 3 },
	/* 9 */ { 1, "10.0.0.9", OC_IPCONF_ADDED, 1 },
	/* 10 */ { 1, "2001:db8::9", -EINVAL, 1 },
	/* 11 */ { 1, "10.0.0.9", OC_IPCONF_DUP, 1 },
	/* 12 */ { 2, "example.com", OC_IPCONF_ADDED, 1 },
	/* 13 */ { 2, "EXAMPLE.com", OC_IPCONF_DUP, 1 },
	/* 14 */ { 2, "corp.example.net", OC_IPCONF_ADDED, 2 },
	/* 15 */ { 2, "bad domain", -EINVAL, 2 },
	/* 16 */ { 2, "a;reboot", -EINVAL, 2 },
	/* 17 */ { 2, "", -EINVAL, 2 },
	/* 18 */ { 2, "a\tb", -EINVAL, 2 },
	/* 19 */ { 2, "under_score.example", OC_IPCONF_ADDED, 3 },
};

static int add_kind(struct oc_ipconf *c, int kind, const char *in)
{
	if (kind == 0)
		return oc_ipconf_add_dns(c, in);
	if (kind == 1)
		return oc_ipconf_add_nbns(c, in);
	return oc_ipconf_add_domain(c, in);
}

static size_t count_kind(const struct oc_ipconf *c, int kind)
{
	return kind == 0 ? c->n_dns : kind == 1 ? c->n_nbns : c->n_domains;
}

static void test_lists(void **state)
{
	struct oc_ipconf c;
	size_t i;

	oc_ipconf_init(&c);
	for (i = 0; i < ARRAY_SIZE(list_cases); i++) {
		const struct list_case *t = &list_cases[i];

		print_message("list case %zu: %s\n", i + 1, t->in);
		assert_int_equal(add_kind(&c, t->kind, t->in), t->ret);
		assert_int_equal(count_kind(&c, t->kind), t->n_after);
	}
	assert_string_equal(c.dns[2].str, "2001:db8::53");
	assert_string_equal(c.domains[1], "corp.example.net");
	oc_ipconf_free(&c);
	assert_int_equal(c.n_dns, 0);
	assert_int_equal(c.n_domains, 0);
}

static void test_list_bounds(void **state)
{
	char buf[64];
	struct oc_ipconf c;
	int i;

	oc_ipconf_init(&c);
	for (i = 0; i < OC_IPCONF_MAX_DNS; i++) {
		snprintf(buf, sizeof(buf), "10.0.0.%d", i + 1);
		assert_int_equal(oc_ipconf_add_dns(&c, buf), OC_IPCONF_ADDED);
	}
	assert_int_equal(oc_ipconf_add_dns(&c, "10.9.9.9"), -ENOSPC);
	/* A duplicate of a listed one is still reported as such. */
	assert_int_equal(oc_ipconf_add_dns(&c, "10.0.0.1"), OC_IPCONF_DUP);
	for (i = 0; i < OC_IPCONF_MAX_NBNS; i++) {
		snprintf(buf, sizeof(buf), "10.1.0.%d", i + 1);
		assert_int_equal(oc_ipconf_add_nbns(&c, buf), OC_IPCONF_ADDED);
	}
	assert_int_equal(oc_ipconf_add_nbns(&c, "10.9.9.9"), -ENOSPC);
	for (i = 0; i < OC_IPCONF_MAX_DOMAINS; i++) {
		snprintf(buf, sizeof(buf), "d%d.example", i);
		assert_int_equal(oc_ipconf_add_domain(&c, buf),
				 OC_IPCONF_ADDED);
	}
	assert_int_equal(oc_ipconf_add_domain(&c, "more.example"), -ENOSPC);
	for (i = 0; i < OC_IPCONF_MAX_ROUTES; i++) {
		snprintf(buf, sizeof(buf), "10.%d.%d.0/24", i / 256, i % 256);
		assert_int_equal(oc_ipconf_add_route(&c, 0, buf),
				 OC_IPCONF_ADDED);
	}
	assert_int_equal(oc_ipconf_add_route(&c, 0, "11.0.0.0/8"), -ENOSPC);
	assert_int_equal(c.inc4.n, OC_IPCONF_MAX_ROUTES);
	/* The other lists have their own bound. */
	assert_int_equal(oc_ipconf_add_route(&c, 1, "11.0.0.0/8"),
			 OC_IPCONF_ADDED);
	oc_ipconf_free(&c);
}

static void test_long_domain(void **state)
{
	char name[OC_IPCONF_MAX_DOMAIN_LEN + 2];
	struct oc_ipconf c;

	oc_ipconf_init(&c);
	memset(name, 'a', sizeof(name));
	name[OC_IPCONF_MAX_DOMAIN_LEN] = '\0';
	assert_int_equal(oc_ipconf_add_domain(&c, name), OC_IPCONF_ADDED);
	name[OC_IPCONF_MAX_DOMAIN_LEN] = 'a';
	name[OC_IPCONF_MAX_DOMAIN_LEN + 1] = '\0';
	assert_int_equal(oc_ipconf_add_domain(&c, name), -EINVAL);
	oc_ipconf_free(&c);
}

struct add_route_case {
	int exclude;
	const char *in;
	int ret;
	size_t inc4, exc4, inc6, exc6;
	int full4, full6;
};

static const struct add_route_case add_route_cases[] = {
	/* 1 */ { 0, "10.0.0.0/8", OC_IPCONF_ADDED, 1, 0, 0, 0, 0, 0 },
	/* 2 */ { 0, "10.1.0.0/8", OC_IPCONF_DUP, 1, 0, 0, 0, 0, 0 },
	/* 3 */ { 0, "0.0.0.0/0", OC_IPCONF_FULL, 1, 0, 0, 0, 1, 0 },
	/* 4 */ { 1, "0.0.0.0/0", -EINVAL, 1, 0, 0, 0, 1, 0 },
	/* 5 */ { 1, "10.5.0.0/16", OC_IPCONF_ADDED, 1, 1, 0, 0, 1, 0 },
	/* 6 */ { 0, "2001:db8::/32", OC_IPCONF_ADDED, 1, 1, 1, 0, 1, 0 },
	/* 7 */ { 1, "2001:db8:5::/48", OC_IPCONF_ADDED, 1, 1, 1, 1, 1, 0 },
	/* 8 */ { 0, "::/0", OC_IPCONF_FULL, 1, 1, 1, 1, 1, 1 },
	/* 9 */ { 1, "::/0", -EINVAL, 1, 1, 1, 1, 1, 1 },
	/* 10 */ { 0, "10.0.0.0/33", -EINVAL, 1, 1, 1, 1, 1, 1 },
	/* 11 */ { 1, "10.5.0.0/255.255.0.0", OC_IPCONF_DUP,
		   1, 1, 1, 1, 1, 1 },
	/* 12 */ { 0, "10.5.0.0/16", OC_IPCONF_ADDED, 2, 1, 1, 1, 1, 1 },
};

static void test_add_route(void **state)
{
	struct oc_ipconf c;
	size_t i;

	oc_ipconf_init(&c);
	for (i = 0; i < ARRAY_SIZE(add_route_cases); i++) {
		const struct add_route_case *t = &add_route_cases[i];

		print_message("add route case %zu: %s %s\n", i + 1,
			      t->exclude ? "exclude" : "include", t->in);
		assert_int_equal(oc_ipconf_add_route(&c, t->exclude, t->in),
				 t->ret);
		assert_int_equal(c.inc4.n, t->inc4);
		assert_int_equal(c.exc4.n, t->exc4);
		assert_int_equal(c.inc6.n, t->inc6);
		assert_int_equal(c.exc6.n, t->exc6);
		assert_int_equal(c.full4, t->full4);
		assert_int_equal(c.full6, t->full6);
	}
	oc_ipconf_drop_ipv6(&c);
	assert_int_equal(c.inc6.n, 0);
	assert_int_equal(c.exc6.n, 0);
	assert_int_equal(c.full6, 0);
	assert_int_equal(c.inc4.n, 2);
	oc_ipconf_free(&c);
}

static void base_conf(struct oc_ipconf *c)
{
	oc_ipconf_init(c);
	assert_int_equal(oc_ipconf_set_addr4(c, "10.8.0.5", NULL), 0);
	assert_int_equal(oc_ipconf_set_addr6(c, "2001:db8:8::5"), 0);
	assert_int_equal(oc_ipconf_add_dns(c, "10.8.0.53"), 0);
	assert_int_equal(oc_ipconf_add_nbns(c, "10.8.0.137"), 0);
	assert_int_equal(oc_ipconf_add_domain(c, "corp.example"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 0, "10.0.0.0/8"), 0);
	c->mtu = 1400;
}

static void mut_none(struct oc_ipconf *c) { }
static void mut_addr4(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_set_addr4(c, "10.8.0.6", NULL), 0);
}
static void mut_mask4(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_set_addr4(c, "10.8.0.5", "255.255.0.0"), 0);
}
static void mut_addr6(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_set_addr6(c, "2001:db8:8::6"), 0);
}
static void mut_plen6(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_set_addr6(c, "2001:db8:8::5/64"), 0);
}
static void mut_no6(struct oc_ipconf *c) { oc_ipconf_drop_ipv6(c); }
static void mut_dns(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_add_dns(c, "10.8.0.54"), 0);
}
static void mut_route(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_add_route(c, 1, "10.1.0.0/16"), 0);
}
static void mut_full(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_add_route(c, 0, "0.0.0.0/0"),
			 OC_IPCONF_FULL);
}
static void mut_mtu(struct oc_ipconf *c) { c->mtu = 1300; }
static void mut_domain(struct oc_ipconf *c)
{
	assert_int_equal(oc_ipconf_add_domain(c, "other.example"), 0);
}

struct diff_case {
	void (*mutate)(struct oc_ipconf *c);
	unsigned int diff;
	int ret;
};

static const struct diff_case diff_cases[] = {
	/* 1 */ { mut_none, 0, 0 },
	/* 2 */ { mut_addr4, OC_IPCONF_DIFF_ADDR4, -EADDRNOTAVAIL },
	/* 3 */ { mut_mask4, OC_IPCONF_DIFF_MASK4, -EADDRNOTAVAIL },
	/* 4 */ { mut_addr6, OC_IPCONF_DIFF_ADDR6, -EADDRNOTAVAIL },
	/* 5 */ { mut_plen6, OC_IPCONF_DIFF_PLEN6, -EADDRNOTAVAIL },
	/* 6 */ { mut_no6, OC_IPCONF_DIFF_ADDR6, -EADDRNOTAVAIL },
	/* 7 */ { mut_dns, OC_IPCONF_DIFF_DNS, 0 },
	/* 8 */ { mut_route, OC_IPCONF_DIFF_ROUTES, 0 },
	/* 9 */ { mut_full, OC_IPCONF_DIFF_ROUTES, 0 },
	/* 10 */ { mut_mtu, OC_IPCONF_DIFF_MTU, 0 },
	/* 11 */ { mut_domain, OC_IPCONF_DIFF_DOMAINS, 0 },
};

static void test_reconnect_check(void **state)
{
	struct oc_ipconf a, b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(diff_cases); i++) {
		print_message("diff case %zu\n", i + 1);
		base_conf(&a);
		base_conf(&b);
		diff_cases[i].mutate(&b);
		oc_text_free(&logged);
		assert_int_equal(oc_ipconf_diff(&a, &b), diff_cases[i].diff);
		assert_int_equal(oc_ipconf_diff(&b, &a), diff_cases[i].diff);
		assert_int_equal(oc_ipconf_reconnect_check(&lg, &a, &b),
				 diff_cases[i].ret);
		if (diff_cases[i].ret)
			assert_non_null(strstr(oc_text_str(&logged),
					       "cannot continue"));
		oc_ipconf_free(&a);
		oc_ipconf_free(&b);
	}
}

static void test_reconnect_message(void **state)
{
	struct oc_ipconf a, b;

	base_conf(&a);
	base_conf(&b);
	mut_addr4(&b);
	oc_text_free(&logged);
	assert_int_equal(oc_ipconf_reconnect_check(&lg, &a, &b),
			 -EADDRNOTAVAIL);
	assert_non_null(strstr(oc_text_str(&logged),
			       "10.8.0.6/32 instead of 10.8.0.5/32"));
	oc_ipconf_free(&a);
	oc_ipconf_free(&b);
}

static size_t list_len(const struct oc_split_include *s)
{
	size_t n = 0;

	for (; s && n < 100; s = s->next)
		n++;
	return n;
}

static void full_conf(struct oc_ipconf *c)
{
	base_conf(c);
	assert_int_equal(oc_ipconf_add_dns(c, "2001:db8::53"), 0);
	assert_int_equal(oc_ipconf_add_dns(c, "10.8.0.54"), 0);
	assert_int_equal(oc_ipconf_add_dns(c, "10.8.0.55"), 0);
	assert_int_equal(oc_ipconf_add_domain(c, "example.net"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 0, "0.0.0.0/0"),
			 OC_IPCONF_FULL);
	assert_int_equal(oc_ipconf_add_route(c, 0, "2001:db8::/32"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 1, "10.1.0.0/16"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 1, "2001:db8:1::/48"), 0);
	assert_int_equal(oc_ipconf_set_gateway(c, "198.51.100.7"), 0);
}

static void test_fill_info(void **state)
{
	struct oc_ip_info info;
	struct oc_split_include *s;
	struct oc_ipconf c;
	int round;

	full_conf(&c);
	/* Twice: a refill replaces the cached strings without leaking. */
	for (round = 0; round < 2; round++) {
		print_message("fill round %d\n", round + 1);
		assert_int_equal(oc_ipconf_fill_info(&c, &info), 0);
		assert_string_equal(info.addr, "10.8.0.5");
		assert_string_equal(info.netmask, "255.255.255.255");
		assert_string_equal(info.addr6, "2001:db8:8::5");
		assert_string_equal(info.netmask6, "2001:db8:8::5/128");
		assert_string_equal(info.dns[0], "10.8.0.53");
		assert_string_equal(info.dns[1], "2001:db8::53");
		assert_string_equal(info.dns[2], "10.8.0.54");
		assert_string_equal(info.nbns[0], "10.8.0.137");
		assert_null(info.nbns[1]);
		assert_string_equal(info.domain, "corp.example example.net");
		assert_null(info.proxy_pac);
		assert_null(info.split_dns);
		assert_int_equal(info.mtu, 1400);
		assert_string_equal(info.gateway_addr, "198.51.100.7");
		assert_int_equal(list_len(info.split_includes), 2);
		s = info.split_includes;
		assert_string_equal(s->route, "10.0.0.0/255.0.0.0");
		assert_string_equal(s->next->route, "2001:db8::/32");
		assert_int_equal(list_len(info.split_excludes), 2);
		s = info.split_excludes;
		assert_string_equal(s->route, "10.1.0.0/255.255.0.0");
		assert_string_equal(s->next->route, "2001:db8:1::/48");
	}
	oc_ipconf_free(&c);
}

static void test_fill_info_empty(void **state)
{
	struct oc_ip_info info;
	struct oc_ipconf c;

	oc_ipconf_init(&c);
	assert_int_equal(oc_ipconf_fill_info(&c, &info), 0);
	assert_null(info.addr);
	assert_null(info.netmask);
	assert_null(info.addr6);
	assert_null(info.netmask6);
	assert_null(info.dns[0]);
	assert_null(info.domain);
	assert_null(info.split_includes);
	assert_null(info.split_excludes);
	assert_null(info.gateway_addr);
	assert_int_equal(info.mtu, 0);
	oc_ipconf_free(&c);
}

static void test_ipaddr_parse(void **state)
{
	struct oc_ipaddr a;

	assert_int_equal(oc_ipaddr_parse("10.0.0.1", AF_INET6, &a), -EINVAL);
	assert_int_equal(oc_ipaddr_parse("::1", AF_INET, &a), -EINVAL);
	assert_int_equal(oc_ipaddr_parse("::FFFF:10.0.0.1", AF_UNSPEC, &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(a.str, "::ffff:10.0.0.1");
	assert_int_equal(oc_ipaddr_parse("1.2.3.4", AF_UNSPEC, &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(oc_ipaddr_parse("0x01.2.3.4", AF_UNSPEC, &a),
			 -EINVAL);
	assert_int_equal(oc_ipaddr_parse(NULL, AF_UNSPEC, &a), -EINVAL);
	assert_int_equal(oc_ipconf_set_gateway(&(struct oc_ipconf){ 0 },
					       "gw.example"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_parse),
		cmocka_unit_test(test_route_format),
		cmocka_unit_test(test_mask_plen),
		cmocka_unit_test(test_ipaddr_parse),
		cmocka_unit_test(test_set_addr4),
		cmocka_unit_test(test_set_addr6),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_list_bounds),
		cmocka_unit_test(test_long_domain),
		cmocka_unit_test(test_add_route),
		cmocka_unit_test(test_reconnect_check),
		cmocka_unit_test(test_reconnect_message),
		cmocka_unit_test(test_fill_info),
		cmocka_unit_test(test_fill_info_empty),
	};

	return cmocka_run_group_tests_name("ipconf", tests, setup, teardown);
}
