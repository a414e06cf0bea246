/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GP getconfig: the request body, the answer's parse (fixtures in
 * $FIXTUREDIR, default tests/fixtures under $TOP_SRCDIR or the current
 * directory), ESP parameter checks, error classification and the MTU.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "gp-config.h"
#include "ipconf.h"
#include "log.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- Logging into a buffer, with the levels ---------------------------- */

static struct oc_text logged;
static int count_level[PRG_TRACE + 1];

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_text_appendf(&logged, "[%d] ", level);
	oc_text_vappendf(&logged, fmt, ap);
	va_end(ap);
	if (level >= 0 && level <= PRG_TRACE)
		count_level[level]++;
}

static struct oc_log lg;

static void log_reset(void)
{
	oc_text_free(&logged);
	memset(count_level, 0, sizeof(count_level));
}

static int setup(void **state)
{
	log_reset();
	oc_log_init(&lg, record, NULL);
	lg.level = PRG_TRACE;
	return 0;
}

static int teardown(void **state)
{
	oc_text_free(&logged);
	return 0;
}

static int logged_has(const char *s)
{
	return strstr(oc_text_str(&logged), s) != NULL;
}

/* ---- Fixtures ---------------------------------------------------------- */

static char *fixture_path(const char *name)
{
	const char *dir = getenv("FIXTUREDIR");
	const char *top = getenv("TOP_SRCDIR");
	struct oc_text t = OC_TEXT_INIT;

	if (dir && *dir)
		oc_text_appendf(&t, "%s/%s", dir, name);
	else if (top && *top)
		oc_text_appendf(&t, "%s/tests/fixtures/%s", top, name);
	else
		oc_text_appendf(&t, "tests/fixtures/%s", name);
	return oc_text_steal(&t);
}

static char *load_fixture(const char *name, size_t *len)
{
	char *path = fixture_path(name);
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	assert_non_null(path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		print_message("cannot open %s (set FIXTUREDIR)\n", path);
	free(path);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(st.st_size > 0 && st.st_size < 1024 * 1024);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	assert_int_equal(n, st.st_size);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int parse_fixture(const char *name, struct oc_ipconf *ip,
			 struct gp_config_extra *x)
{
	size_t len;
	char *body = load_fixture(name, &len);
	int ret;

	ret = gp_config_parse(&lg, body, len, ip, x);
	free(body);
	return ret;
}

/* ---- The request ------------------------------------------------------- */

#define COOKIE "authcookie=0123456789abcdef0123456789abcdef&portal=corp" \
	"&user=alice%40example.com&domain=%28empty_domain%29&computer=host1"
#define COOKIE_PREF "authcookie=00ff&portal=p&user=u&domain=d" \
	"&preferred-ip=10.1.1.1&preferred-ipv6=2001%3Adb8%3A%3A1&computer=h"
#define TAIL_DEFAULT "&client-type=1&protocol-version=p1" \
	"&app-version=6.3.0-33&internal=no"
#define OFFERS "&enc-algo=aes-128-cbc%2Caes-256-cbc" \
	"&hmac-algo=sha1%2Cmd5%2Csha256"

struct body_case {
	const char *name;
	struct gp_getconfig_req req;
	int ret;
	const char *body;
};

static const struct body_case body_cases[] = {
	{ "1 defaults", { COOKIE, NULL, "Linux", "linux-64", 1 }, 0,
	  COOKIE TAIL_DEFAULT "&ipv6-support=yes&clientos=Linux"
	  "&os-version=linux-64" OFFERS },
	{ "2 app version, windows, no ipv6",
	  { COOKIE, "6.0.1-19", "Windows",
	    "Microsoft Windows 10 Pro, 64-bit", 0 }, 0,
	  COOKIE "&client-type=1&protocol-version=p1&app-version=6.0.1-19"
	  "&internal=no&ipv6-support=no&clientos=Windows"
	  "&os-version=Microsoft%20Windows%2010%20Pro%2C%2064-bit" OFFERS },
	{ "3 preferred addresses on reconnect",
	  { COOKIE, NULL, "Linux", "linux", 1, "10.8.0.5",
	    "2001:db8:8::5" }, 0,
	  COOKIE TAIL_DEFAULT "&ipv6-support=yes&clientos=Linux"
	  "&os-version=linux" OFFERS "&preferred-ip=10.8.0.5"
	  "&preferred-ipv6=2001%3Adb8%3A8%3A%3A5" },
	{ "4 preferred addresses replace the cookie's",
	  { COOKIE_PREF, NULL, "Linux", "linux", 1, "10.2.2.2",
	    "2001:db8::2" }, 0,
	  "authcookie=00ff&portal=p&user=u&domain=d&computer=h"
	  TAIL_DEFAULT "&ipv6-support=yes&clientos=Linux&os-version=linux"
	  OFFERS "&preferred-ip=10.2.2.2&preferred-ipv6=2001%3Adb8%3A%3A2" },
	{ "5 only v4 preferred: the cookie's v6 stays",
	  { COOKIE_PREF, NULL, "Linux", "linux", 1, "10.2.2.2" }, 0,
	  "authcookie=00ff&portal=p&user=u&domain=d"
	  "&preferred-ipv6=2001%3Adb8%3A%3A1&computer=h"
	  TAIL_DEFAULT "&ipv6-support=yes&clientos=Linux&os-version=linux"
	  OFFERS "&preferred-ip=10.2.2.2" },
	{ "6 custom offers, empty os-version",
	  { "authcookie=1&&portal=p&", "", "Mac", NULL, 0, "", "",
	    "aes-256-cbc", "sha256" }, 0,
	  "authcookie=1&portal=p" TAIL_DEFAULT "&ipv6-support=no"
	  "&clientos=Mac&os-version=&enc-algo=aes-256-cbc"
	  "&hmac-algo=sha256" },
	{ "7 no cookie", { NULL, NULL, "Linux" }, -EINVAL, "" },
	{ "8 empty cookie", { "", NULL, "Linux" }, -EINVAL, "" },
	{ "9 no clientos", { COOKIE, NULL, NULL }, -EINVAL, "" },
};

static void test_request_body(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(body_cases); i++) {
		const struct body_case *c = &body_cases[i];
		struct oc_text t = OC_TEXT_INIT;

		print_message("body case %s\n", c->name);
		assert_int_equal(gp_getconfig_body(&c->req, &t), c->ret);
		assert_string_equal(oc_text_str(&t), c->body);
		if (!c->ret)
			assert_int_equal(t.secret, 1);
		oc_text_free(&t);
	}
}

/* ---- Algorithms -------------------------------------------------------- */

struct enc_case {
	const char *name;
	enum gp_enc_algo a;
	size_t key;
	const char *canon;
};

static const struct enc_case enc_cases[] = {
	/* 1 */ { "aes-128-cbc", GP_ENC_AES128_CBC, 16, "aes-128-cbc" },
	/* 2 */ { "aes128", GP_ENC_AES128_CBC, 16, "aes-128-cbc" },
	/* 3 */ { "AES-256-CBC", GP_ENC_AES256_CBC, 32, "aes-256-cbc" },
	/* 4 */ { "aes256", GP_ENC_AES256_CBC, 32, "aes-256-cbc" },
	/* 5 */ { "aes-128-gcm", GP_ENC_NONE, 0, "none" },
	/* 6 */ { "", GP_ENC_NONE, 0, "none" },
	/* 7 */ { NULL, GP_ENC_NONE, 0, "none" },
};

struct hmac_case {
	const char *name;
	enum gp_hmac_algo a;
	size_t icv;
	const char *canon;
};

static const struct hmac_case hmac_cases[] = {
	/* 1 */ { "sha1", GP_HMAC_SHA1, 12, "sha1" },
	/* 2 */ { "md5", GP_HMAC_MD5, 12, "md5" },
	/* 3 */ { "SHA256", GP_HMAC_SHA256, 16, "sha256" },
	/* 4 */ { "sha384", GP_HMAC_NONE, 0, "none" },
	/* 5 */ { NULL, GP_HMAC_NONE, 0, "none" },
};

static void test_algorithms(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(enc_cases); i++) {
		const struct enc_case *c = &enc_cases[i];

		print_message("enc case %zu\n", i + 1);
		assert_int_equal(gp_enc_from_name(c->name), c->a);
		assert_int_equal(gp_enc_key_len(c->a), c->key);
		assert_string_equal(gp_enc_name(c->a), c->canon);
	}
	for (i = 0; i < ARRAY_SIZE(hmac_cases); i++) {
		const struct hmac_case *c = &hmac_cases[i];

		print_message("hmac case %zu\n", i + 1);
		assert_int_equal(gp_hmac_from_name(c->name), c->a);
		assert_int_equal(gp_hmac_icv_len(c->a), c->icv);
		assert_string_equal(gp_hmac_name(c->a), c->canon);
	}
}

/* ---- The full answer --------------------------------------------------- */

static const unsigned char ekey_c2s_128[16] = {
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
	0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
};
static const unsigned char akey_c2s_160[20] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
};

static void check_full_ip(const struct oc_ipconf *ip)
{
	assert_string_equal(ip->addr4.str, "10.8.0.5");
	assert_int_equal(ip->plen4, 32);
	assert_string_equal(ip->addr6.str, "2001:db8:8::5");
	assert_int_equal(ip->plen6, 128);
	/* dns and dns-v6 merged; 10.8.0.53 given twice. */
	assert_int_equal(ip->n_dns, 3);
	assert_string_equal(ip->dns[0].str, "10.8.0.53");
	assert_string_equal(ip->dns[1].str, "10.8.1.53");
	assert_string_equal(ip->dns[2].str, "2001:db8:8::53");
	assert_int_equal(ip->n_nbns, 1);
	assert_string_equal(ip->nbns[0].str, "10.8.0.137");
	assert_int_equal(ip->n_domains, 2);
	assert_string_equal(ip->domains[0], "corp.example.com");
	assert_string_equal(ip->domains[1], "lab.example.com");
	assert_int_equal(ip->inc4.n, 3);
	assert_int_equal(ip->inc4.r[1].plen, 12);
	assert_int_equal(ip->inc4.r[2].plen, 32);
	assert_int_equal(ip->inc6.n, 1);
	assert_int_equal(ip->exc4.n, 1);
	assert_int_equal(ip->exc6.n, 1);
	assert_int_equal(ip->full4, 0);
	assert_int_equal(ip->full6, 0);
	assert_int_equal(ip->mtu, 0);
	assert_int_equal(ip->idle_timeout, 10800);
}

static void check_full_extra(const struct gp_config_extra *x)
{
	const struct gp_esp_config *e = &x->esp;

	assert_int_equal(x->timeout, 3600);
	assert_int_equal(x->lifetime, 2592000);
	assert_int_equal(x->disconnect_on_idle, 10800);
	assert_string_equal(x->ssl_tunnel_url, "/ssl-tunnel-connect.sslvpn");
	assert_string_equal(x->gw_address, "198.51.100.10");
	assert_string_equal(x->gw_address_v6, "2001:db8:ffff::10");
	assert_null(x->error);
	assert_int_equal(e->present, 1);
	assert_int_equal(e->err, 0);
	assert_int_equal(e->udp_port, 4501);
	assert_string_equal(e->mode, "esp-tunnel");
	assert_int_equal(e->enc, GP_ENC_AES128_CBC);
	assert_int_equal(e->hmac, GP_HMAC_SHA1);
	assert_int_equal(e->c2s_spi, 0x8e3f7a21);
	assert_int_equal(e->s2c_spi, 0x12c4d5e6);
	assert_int_equal(e->ekey_c2s.len, 16);
	assert_memory_equal(e->ekey_c2s.k, ekey_c2s_128, 16);
	assert_int_equal(e->akey_c2s.len, 20);
	assert_memory_equal(e->akey_c2s.k, akey_c2s_160, 20);
	assert_int_equal(e->ekey_s2c.len, 16);
	assert_int_equal(e->ekey_s2c.k[0], 0xc1);
	assert_int_equal(e->akey_s2c.len, 20);
	assert_int_equal(e->akey_s2c.k[19], 0xb4);
}

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void test_full(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;

	log_reset();
	assert_int_equal(parse_fixture("getconfig-full.xml", &ip, &x), 0);
	check_full_ip(&ip);
	check_full_extra(&x);
	/* Unknown elements at debug level; informational ones not at all. */
	assert_true(logged_has("[2] getconfig: unknown element <root-ca>"));
	assert_false(logged_has("<need-tunnel>"));
	assert_true(logged_has("dropping duplicate dns-v6 entry 10.8.0.53"));
	assert_int_equal(count_level[PRG_ERR], 0);
	/* Keys never reach the log; SPIs only at debug. */
	assert_false(logged_has("2122232425"));
	assert_false(logged_has("0102030405"));
	assert_false(logged_has("a1a2a3"));
	assert_true(logged_has("[2] getconfig: ESP aes-128-cbc/sha1"));
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
	assert_true(all_zero(&x, sizeof(x)));
}

static void test_aes256(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;

	assert_int_equal(parse_fixture("getconfig-aes256-sha256.xml", &ip,
				       &x), 0);
	assert_int_equal(x.esp.present, 1);
	assert_int_equal(x.esp.enc, GP_ENC_AES256_CBC);
	assert_int_equal(x.esp.hmac, GP_HMAC_SHA256);
	assert_int_equal(x.esp.ekey_c2s.len, 32);
	assert_int_equal(x.esp.ekey_s2c.len, 32);
	assert_int_equal(x.esp.akey_c2s.len, 32);
	assert_int_equal(x.esp.akey_s2c.len, 32);
	assert_int_equal(x.esp.ekey_c2s.k[31], 0x40);
	assert_int_equal(x.esp.akey_s2c.k[31], 0xc0);
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
}

static void test_aes128_spelling(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;

	assert_int_equal(parse_fixture("getconfig-aes128.xml", &ip, &x), 0);
	assert_int_equal(x.esp.present, 1);
	assert_int_equal(x.esp.enc, GP_ENC_AES128_CBC);
	assert_int_equal(x.esp.c2s_spi, 0xa1b2c3d4);
	assert_int_equal(x.esp.s2c_spi, 1);
	assert_string_equal(ip.addr4.str, "10.20.30.40");
	assert_int_equal(ip.addr6.family, 0);	/* "(null)" is missing */
	assert_int_equal(ip.full4, 1);
	assert_int_equal(ip.inc4.n, 0);
	assert_int_equal(ip.mtu, 1400);
	assert_int_equal(x.timeout, 0);		/* "-1" is missing */
	assert_string_equal(x.gw_address, "0.0.0.0");
	assert_null(x.gw_address_v6);
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
}

static void test_noipsec(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;

	log_reset();
	assert_int_equal(parse_fixture("getconfig-noipsec.xml", &ip, &x), 0);
	assert_int_equal(x.esp.present, 0);
	assert_int_equal(x.esp.err, 0);
	assert_int_equal(ip.plen4, 24);
	assert_int_equal(ip.inc4.n, 1);
	assert_true(logged_has("ignoring invalid access-routes entry "
			       "'not-a-route'"));
	assert_int_equal(x.timeout, 7200);
	assert_int_equal(ip.idle_timeout, 0);
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
}

struct esp_fail_case {
	const char *fixture;
	const char *why;
};

static const struct esp_fail_case esp_fail_cases[] = {
	/* 1 */ { "getconfig-badbits.xml", "(ekey-c2s)" },
	/* 2 */ { "getconfig-badspi.xml", "(c2s-spi)" },
};

static void test_esp_fixtures_fail(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(esp_fail_cases); i++) {
		print_message("ESP failure fixture %s\n",
			      esp_fail_cases[i].fixture);
		log_reset();
		/* The configuration stands; only ESP is off. */
		assert_int_equal(parse_fixture(esp_fail_cases[i].fixture,
					       &ip, &x), 0);
		assert_int_equal(x.esp.present, 0);
		assert_int_equal(x.esp.err, -EINVAL);
		assert_true(all_zero(&x.esp.ekey_c2s, sizeof(x.esp.ekey_c2s)));
		assert_true(all_zero(&x.esp.akey_s2c, sizeof(x.esp.akey_s2c)));
		assert_true(logged_has(esp_fail_cases[i].why));
		assert_int_equal(count_level[PRG_ERR], 1);
		assert_int_equal(ip.addr4.family, AF_INET);
		oc_ipconf_free(&ip);
		gp_config_extra_free(&x);
	}
}

/* ---- Errors ------------------------------------------------------------ */

struct err_case {
	const char *fixture;
	int ret;
	const char *error;	/* x.error, NULL when none */
};

static const struct err_case err_cases[] = {
	/* 1 */ { "getconfig-error-cookie.xml", -EPERM,
		  "Invalid authentication cookie" },
	/* 2 */ { "getconfig-error-portal.xml", -EPERM,
		  "Portal name not found" },
	/* 3 */ { "getconfig-error-cert.xml", -EPERM,
		  "Valid client certificate is required" },
	/* 4 */ { "getconfig-error-restore.xml", -EPERM,
		  "Allow Automatic Restoration of SSL VPN is disabled" },
	/* 5 */ { "getconfig-error-assign.xml", -EAGAIN,
		  "Assign private IP address failed" },
	/* 6 */ { "getconfig-error-notext.xml", -EAGAIN, "(no error text)" },
	/* 7 */ { "getconfig-error-body.xml", -EAGAIN,
		  "errors getting SSL/VPN config" },
	/* 8 */ { "getconfig-broken.xml", -EINVAL, NULL },
	/* 9 */ { "getconfig-wrongroot.xml", -EINVAL, NULL },
	/* 10 */ { "getconfig-noaddr.xml", -EINVAL, NULL },
};

static void test_errors(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(err_cases); i++) {
		const struct err_case *c = &err_cases[i];

		print_message("error case %zu: %s\n", i + 1, c->fixture);
		log_reset();
		assert_int_equal(parse_fixture(c->fixture, &ip, &x), c->ret);
		if (c->error) {
			assert_non_null(x.error);
			assert_string_equal(x.error, c->error);
			assert_true(logged_has(c->error));
		} else {
			assert_null(x.error);
		}
		assert_true(count_level[PRG_ERR] >= 1);
		/* Nothing of a half-parsed answer is left behind. */
		assert_int_equal(ip.addr4.family, 0);
		assert_null(x.ssl_tunnel_url);
		oc_ipconf_free(&ip);
		gp_config_extra_free(&x);
	}
}

static void test_recovered(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;

	assert_int_equal(parse_fixture("getconfig-recovered.xml", &ip, &x), 0);
	assert_string_equal(ip.addr4.str, "10.20.30.43");
	assert_int_equal(x.esp.present, 0);
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
}

struct inline_err_case {
	const char *body;
	int ret;
	const char *error;
};

static const struct inline_err_case inline_err_cases[] = {
	/* 1 */ { "  errors getting SSL/VPN config\r\n", -EAGAIN,
		  "errors getting SSL/VPN config" },
	/* 2 */ { "errors getting SSL/VPN config, really", -EINVAL, NULL },
	/* 3 */ { "<response status=\"error\"><error>  invalid "
		  "AUTHENTICATION cookie </error></response>", -EPERM,
		  "invalid AUTHENTICATION cookie" },
	/* 4 */ { "<response status=\"error\"><error>bad\ttab\nline"
		  "</error></response>", -EAGAIN, "bad tab line" },
	/* 5 */ { "", -EINVAL, NULL },
	/* 6 */ { "<response status=\"success\"><ip-address>10.0.0.1"
		  "</ip-address><netmask>255.0.255.0</netmask></response>",
		  -EINVAL, NULL },
	/* 7 */ { "<response><ip-address>10.0.0.1</ip-address></response>",
		  0, NULL },
	/* 8 */ { "<response status=\"weird\"><ip-address-v6>2001:db8::1"
		  "</ip-address-v6></response>", 0, NULL },
	/* 9 */ { "<response><ip-address>10.0.0.1</ip-address>"
		  "<ssl-tunnel-url>/x y</ssl-tunnel-url></response>", 0, NULL },
};

static void test_inline_errors(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(inline_err_cases); i++) {
		const struct inline_err_case *c = &inline_err_cases[i];

		print_message("inline case %zu\n", i + 1);
		assert_int_equal(gp_config_parse(&lg, c->body, strlen(c->body),
						 &ip, &x), c->ret);
		if (c->error)
			assert_string_equal(x.error, c->error);
		else
			assert_null(x.error);
		if (!c->ret)
			assert_string_equal(x.ssl_tunnel_url,
					    GP_DEFAULT_TUNNEL_URL);
		oc_ipconf_free(&ip);
		gp_config_extra_free(&x);
	}
	assert_int_equal(gp_config_parse(&lg, NULL, 0, &ip, &x), -EINVAL);
	gp_config_extra_free(&x);
}

/* ---- Lists over the limits -------------------------------------------- */

/* Thousands of routes, many of them invalid: the lists are cut at
 * OC_IPCONF_MAX_ROUTES, and the log says so once, not per entry. */
static void test_many_routes(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	struct gp_config_extra x;
	struct oc_ipconf ip;
	const char *p;
	size_t i, lines = 0;

	oc_text_append(&t, "<response status=\"success\">"
		       "<ip-address>10.1.2.3</ip-address><access-routes>");
	for (i = 0; i < 3000; i++)
		oc_text_appendf(&t, "<member>10.%zu.%zu.0/24</member>",
				i / 256, i % 256);
	for (i = 0; i < 20; i++)
		oc_text_appendf(&t, "<member>bad-%zu</member>", i);
	oc_text_append(&t, "</access-routes></response>");
	assert_false(oc_text_error(&t));
	log_reset();
	assert_int_equal(gp_config_parse(&lg, t.s, t.len, &ip, &x), 0);
	assert_int_equal(ip.inc4.n, OC_IPCONF_MAX_ROUTES);
	assert_true(logged_has("too many access-routes entries; ignoring the "
			       "last 1976"));
	assert_true(logged_has("ignoring invalid access-routes entry 'bad-7'"));
	assert_false(logged_has("'bad-8'"));
	assert_true(logged_has("ignoring 12 more invalid access-routes"));
	for (p = oc_text_str(&logged); (p = strstr(p, "[1] ")); p++)
		lines++;
	print_message("%zu info lines\n", lines);
	assert_true(lines <= 10);
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
	oc_text_free(&t);
}

/* ---- <ipsec> variations ------------------------------------------------ */

#define K128 "00112233445566778899aabbccddeeff"
#define K160 "000102030405060708090a0b0c0d0e0f10111213"

struct ipsec_case {
	const char *name;
	const char *c2s_spi;
	const char *ebits;	/* of ekey-c2s */
	const char *eval;
	const char *enc;
	const char *hmac;
	const char *port;	/* NULL: element left out */
	const char *mode;
	int present;
	int err;
	uint32_t spi;		/* expected c2s SPI when present */
	int udp_port;
};

static const struct ipsec_case ipsec_cases[] = {
	{ "1 good", "0x0a0b0c0d", "128", K128, "aes-128-cbc", "sha1", "4501",
	  "esp-tunnel", 1, 0, 0x0a0b0c0d, 4501 },
	{ "2 SPI without 0x", "ffffffff", "128", K128, "aes-128-cbc", "sha1",
	  "4501", "esp-tunnel", 1, 0, 0xffffffff, 4501 },
	{ "3 SPI 0X upper", "0XAB", "128", K128, "aes-128-cbc", "sha1", "4501",
	  "esp-tunnel", 1, 0, 0xab, 4501 },
	{ "4 SPI 0x only", "0x", "128", K128, "aes-128-cbc", "sha1", "4501",
	  "esp-tunnel", 0, -EINVAL },
	{ "5 SPI bad digit", "0xZZ12", "128", K128, "aes-128-cbc", "sha1",
	  "4501", "esp-tunnel", 0, -EINVAL },
	{ "6 SPI over 32 bits", "0x100000000", "128", K128, "aes-128-cbc",
	  "sha1", "4501", "esp-tunnel", 0, -EINVAL },
	{ "7 SPI zero", "0", "128", K128, "aes-128-cbc", "sha1", "4501",
	  "esp-tunnel", 0, -EINVAL },
	{ "8 SPI missing", "-1", "128", K128, "aes-128-cbc", "sha1", "4501",
	  "esp-tunnel", 0, -EINVAL },
	{ "9 SPI negative", "-0x1", "128", K128, "aes-128-cbc", "sha1",
	  "4501", "esp-tunnel", 0, -EINVAL },
	{ "10 bits not a multiple of 8", "0x1", "127", K128, "aes-128-cbc",
	  "sha1", "4501", "esp-tunnel", 0, -EINVAL },
	{ "11 bits zero", "0x1", "0", "", "aes-128-cbc", "sha1", "4501",
	  "esp-tunnel", 0, -EINVAL },
	{ "12 bits do not match hex", "0x1", "120", K128, "aes-128-cbc",
	  "sha1", "4501", "esp-tunnel", 0, -EINVAL },
	{ "13 odd hex", "0x1", "128", K128 "0", "aes-128-cbc", "sha1",
	  "4501", "esp-tunnel", 0, -EINVAL },
	{ "14 non-hex key", "0x1", "128", "zz112233445566778899aabbccddeeff",
	  "aes-128-cbc", "sha1", "4501", "esp-tunnel", 0, -EINVAL },
	{ "15 key too short for aes-256", "0x1", "128", K128, "aes-256-cbc",
	  "sha1", "4501", "esp-tunnel", 0, -EINVAL },
	{ "16 gcm not supported", "0x1", "128", K128, "aes-128-gcm", "sha1",
	  "4501", "esp-tunnel", 0, -EPROTONOSUPPORT },
	{ "17 sha384 not supported", "0x1", "128", K128, "aes-128-cbc",
	  "sha384", "4501", "esp-tunnel", 0, -EPROTONOSUPPORT },
	{ "18 port zero", "0x1", "128", K128, "aes-128-cbc", "sha1", "0",
	  "esp-tunnel", 0, -EINVAL },
	{ "19 port too big", "0x1", "128", K128, "aes-128-cbc", "sha1",
	  "65536", "esp-tunnel", 0, -EINVAL },
	{ "20 port missing: 4501", "0x1", "128", K128, "aes-128-cbc", "sha1",
	  NULL, "esp-tunnel", 1, 0, 1, 4501 },
	{ "21 other port", "0x1", "128", K128, "aes-128-cbc", "sha1", "14501",
	  "esp-tunnel", 1, 0, 1, 14501 },
	{ "22 other mode carries on", "0x1", "128", K128, "aes-128-cbc",
	  "sha1", "4501", "esp-transport", 1, 0, 1, 4501 },
	{ "23 bits over the maximum", "0x1", "1024", K128, "aes-128-cbc",
	  "sha1", "4501", "esp-tunnel", 0, -EINVAL },
	/* The HMAC keys here are 160 bits: right for sha1 only, and the
	 * SA would refuse them for the others. */
	{ "24 160-bit key for md5", "0x1", "128", K128, "aes-128-cbc", "md5",
	  "4501", "esp-tunnel", 0, -EINVAL },
	{ "25 160-bit key for sha256", "0x1", "128", K128, "aes-128-cbc",
	  "sha256", "4501", "esp-tunnel", 0, -EINVAL },
};

static char *ipsec_body(const struct ipsec_case *c)
{
	struct oc_text t = OC_TEXT_INIT;

	oc_text_append(&t, "<response status=\"success\">"
		       "<ip-address>10.0.0.1</ip-address><ipsec>");
	if (c->port)
		oc_text_appendf(&t, "<udp-port>%s</udp-port>", c->port);
	oc_text_appendf(&t, "<ipsec-mode>%s</ipsec-mode>"
			"<enc-algo>%s</enc-algo><hmac-algo>%s</hmac-algo>"
			"<c2s-spi>%s</c2s-spi><s2c-spi>0x2</s2c-spi>",
			c->mode, c->enc, c->hmac, c->c2s_spi);
	oc_text_appendf(&t, "<ekey-c2s><bits>%s</bits><val>%s</val>"
			"</ekey-c2s>", c->ebits, c->eval);
	oc_text_append(&t, "<ekey-s2c><bits>128</bits><val>" K128 "</val>"
		       "</ekey-s2c><akey-c2s><bits>160</bits><val>" K160
		       "</val></akey-c2s><akey-s2c><bits>160</bits><val>"
		       K160 "</val></akey-s2c><extra-thing/></ipsec>"
		       "</response>");
	return oc_text_steal(&t);
}

static void test_ipsec_variants(void **state)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;
	size_t i;
	char *body;

	for (i = 0; i < ARRAY_SIZE(ipsec_cases); i++) {
		const struct ipsec_case *c = &ipsec_cases[i];

		print_message("ipsec case %s\n", c->name);
		body = ipsec_body(c);
		assert_non_null(body);
		log_reset();
		assert_int_equal(gp_config_parse(&lg, body, strlen(body),
						 &ip, &x), 0);
		free(body);
		assert_int_equal(x.esp.present, c->present);
		assert_int_equal(x.esp.err, c->err);
		if (c->present) {
			assert_int_equal(x.esp.c2s_spi, c->spi);
			assert_int_equal(x.esp.s2c_spi, 2);
			assert_int_equal(x.esp.udp_port, c->udp_port);
		} else {
			assert_true(all_zero(&x.esp.ekey_s2c,
					     sizeof(x.esp.ekey_s2c)));
		}
		assert_true(logged_has("unknown element <ipsec/extra-thing>"));
		assert_false(logged_has(K128));
		oc_ipconf_free(&ip);
		gp_config_extra_free(&x);
	}
}

/* ---- MTU --------------------------------------------------------------- */

struct esp_mtu_case {
	int base;
	int v6;
	size_t icv;
	int mtu;
};

static const struct esp_mtu_case esp_mtu_cases[] = {
	/* 1 */ { 1500, 0, 12, 1422 },	/* the reference value */
	/* 2 */ { 1500, 0, 16, 1422 },
	/* 3 */ { 1500, 1, 12, 1406 },
	/* 4 */ { 1406, 0, 12, 1326 },
	/* 5 */ { 1280, 0, 12, 1214 },
	/* 6 */ { 1280, 1, 16, 1182 },
	/* 7 */ { 9000, 0, 12, 8926 },
	/* 8 */ { 80, 0, 12, 14 },
	/* 9 */ { 60, 0, 12, -EINVAL },
	/* 10 */ { 0, 0, 12, -EINVAL },
	/* 11 */ { -1500, 0, 12, -EINVAL },
	/* 12 */ { 1500, 0, 1000, -EINVAL },
};

struct https_mtu_case {
	int base;
	int v6;
	size_t overhead;
	int mtu;
};

static const struct https_mtu_case https_mtu_cases[] = {
	/* 1 */ { 1500, 0, GP_TLS_AEAD_OVERHEAD, 1415 },
	/* 2 */ { 1500, 1, GP_TLS_AEAD_OVERHEAD, 1395 },
	/* 3 */ { 1406, 0, 22, 1328 },
	/* 4 */ { 60, 0, 29, -EINVAL },
	/* 5 */ { 1500, 0, 100000, -EINVAL },
};

struct base_mtu_case {
	int user;
	int path;
	int base;
};

static const struct base_mtu_case base_mtu_cases[] = {
	/* 1 */ { 0, 0, 1406 },
	/* 2 */ { 1500, 1400, 1500 },
	/* 3 */ { 0, 1400, 1400 },
	/* 4 */ { 1000, 0, 1280 },
	/* 5 */ { 0, 576, 1280 },
	/* 6 */ { -1, -1, 1406 },
	/* 7 */ { 9000, 0, 9000 },
};

struct choose_mtu_case {
	int user;
	int server;
	int computed;
	int mtu;
};

static const struct choose_mtu_case choose_mtu_cases[] = {
	/* 1 */ { 0, 0, 1422, 1422 },
	/* 2 */ { 0, 1400, 1422, 1400 },
	/* 3 */ { 1300, 1400, 1422, 1300 },
	/* 4 */ { -1, -1, 1422, 1422 },
};

static void test_mtu(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(esp_mtu_cases); i++) {
		const struct esp_mtu_case *c = &esp_mtu_cases[i];

		print_message("esp mtu case %zu\n", i + 1);
		assert_int_equal(gp_esp_mtu(c->base, c->v6, c->icv), c->mtu);
	}
	for (i = 0; i < ARRAY_SIZE(https_mtu_cases); i++) {
		const struct https_mtu_case *c = &https_mtu_cases[i];

		print_message("https mtu case %zu\n", i + 1);
		assert_int_equal(gp_https_mtu(c->base, c->v6, c->overhead),
				 c->mtu);
	}
	for (i = 0; i < ARRAY_SIZE(base_mtu_cases); i++) {
		const struct base_mtu_case *c = &base_mtu_cases[i];

		print_message("base mtu case %zu\n", i + 1);
		assert_int_equal(gp_base_mtu(c->user, c->path), c->base);
	}
	for (i = 0; i < ARRAY_SIZE(choose_mtu_cases); i++) {
		const struct choose_mtu_case *c = &choose_mtu_cases[i];

		print_message("choose mtu case %zu\n", i + 1);
		assert_int_equal(gp_choose_mtu(c->user, c->server,
					       c->computed), c->mtu);
	}
	/* The chain as the caller uses it: no --base-mtu, path MTU 1500. */
	assert_int_equal(gp_esp_mtu(gp_base_mtu(0, 1500), 0,
				    gp_hmac_icv_len(GP_HMAC_SHA1)), 1422);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_body),
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_aes256),
		cmocka_unit_test(test_aes128_spelling),
		cmocka_unit_test(test_noipsec),
		cmocka_unit_test(test_esp_fixtures_fail),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_recovered),
		cmocka_unit_test(test_inline_errors),
		cmocka_unit_test(test_many_routes),
		cmocka_unit_test(test_ipsec_variants),
		cmocka_unit_test(test_mtu),
	};

	return cmocka_run_group_tests_name("gp-config", tests, setup,
					   teardown);
}
