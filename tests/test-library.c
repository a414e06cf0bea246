/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public interface: session set-up, URL handling, option setters and
 * the certificate hash getters.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "openconnect.h"
#include "openconnect-priv.h"
#include "tests/testsrv.h"

struct msgs {
	char text[8192];
	int count;
};

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	struct msgs *m = priv;
	size_t used = strlen(m->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->text + used, sizeof(m->text) - used, fmt, ap);
	va_end(ap);
	m->count++;
}

static struct openconnect_info *new_session(struct msgs *m)
{
	struct openconnect_info *v;

	memset(m, 0, sizeof(*m));
	v = openconnect_vpninfo_new("test-agent", NULL, NULL, NULL, record, m);
	assert_non_null(v);
	return v;
}

static void test_protocol(void **state)
{
	static const struct { const char *name; int ret; } cases[] = {
		{ "gp", 0 }, { "GP", 0 }, { "anyconnect", -EINVAL },
		{ "", -EINVAL }, { NULL, -EINVAL },
	};
	struct msgs m;
	struct openconnect_info *v = new_session(&m);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu: %s\n", i,
			      cases[i].name ? cases[i].name : "(null)");
		assert_int_equal(openconnect_set_protocol(v, cases[i].name),
				 cases[i].ret);
	}
	assert_string_equal(openconnect_get_protocol(v), "gp");
	openconnect_vpninfo_free(v);
}

static void test_parse_url(void **state)
{
	static const struct {
		const char *in;
		int ret;
		const char *host;
		int port;
		const char *path;
		const char *url;
	} cases[] = {
		{ "vpn.example.com", 0, "vpn.example.com", 443, NULL,
		  "https://vpn.example.com" },
		{ "vpn.example.com:8443", 0, "vpn.example.com", 8443, NULL,
		  "https://vpn.example.com:8443" },
		{ "https://vpn.example.com/gateway", 0, "vpn.example.com", 443,
		  "gateway", "https://vpn.example.com/gateway" },
		{ "https://[2001:db8::1]:4443/global-protect", 0, "2001:db8::1",
		  4443, "global-protect",
		  "https://[2001:db8::1]:4443/global-protect" },
		{ "ftp://vpn.example.com", -EPROTONOSUPPORT },
		{ "https://", -EINVAL },
		{ "vpn.example.com:0", -EINVAL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msgs m;
		struct openconnect_info *v = new_session(&m);

		print_message("case %zu: %s\n", i, cases[i].in);
		assert_int_equal(openconnect_parse_url(v, cases[i].in),
				 cases[i].ret);
		if (!cases[i].ret) {
			assert_string_equal(openconnect_get_hostname(v),
					    cases[i].host);
			assert_int_equal(openconnect_get_port(v), cases[i].port);
			if (cases[i].path)
				assert_string_equal(openconnect_get_urlpath(v),
						    cases[i].path);
			else
				assert_null(openconnect_get_urlpath(v));
			assert_string_equal(openconnect_get_connect_url(v),
					    cases[i].url);
		} else {
			assert_true(m.count > 0);	/* the user is told */
		}
		openconnect_vpninfo_free(v);
	}
}

static void test_urlpath(void **state)
{
	struct msgs m;
	struct openconnect_info *v = new_session(&m);

	assert_null(openconnect_get_connect_url(v));
	assert_int_equal(openconnect_set_hostname(v, "gw.example.com"), 0);
	assert_int_equal(openconnect_set_urlpath(v, "/ssl-vpn"), 0);
	assert_string_equal(openconnect_get_urlpath(v), "ssl-vpn");
	assert_string_equal(openconnect_get_connect_url(v),
			    "https://gw.example.com/ssl-vpn");
	assert_int_equal(openconnect_set_urlpath(v, "/"), 0);
	assert_null(openconnect_get_urlpath(v));
	openconnect_vpninfo_free(v);
}

static void test_setters(void **state)
{
	static const struct { const char *pin; int ret; } pins[] = {
		{ "pin-sha256:AAAAAAAAAAAA", 0 },
		{ "sha256:00112233445566778899", 0 },
		{ "sha1:0011223344556677", 0 },
		{ "md5:0011", -EINVAL },
		{ "pin-sha256:", -EINVAL },
		{ "sha1:xyz", -EINVAL },
	};
	static const struct { const char *spec; int ret; } resolves[] = {
		{ "vpn.example.com:198.18.0.1", 0 },
		{ "vpn.example.com:2001:db8::1", 0 },
		{ "vpn.example.com:[2001:db8::1]", 0 },
		{ "vpn.example.com", -EINVAL },
		{ ":198.18.0.1", -EINVAL },
		{ "vpn.example.com:", -EINVAL },
	};
	struct msgs m;
	struct openconnect_info *v = new_session(&m);
	size_t i;

	for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		print_message("pin %zu: %s\n", i, pins[i].pin);
		assert_int_equal(openconnect_set_servercert(v, pins[i].pin),
				 pins[i].ret);
	}
	for (i = 0; i < sizeof(resolves) / sizeof(resolves[0]); i++) {
		print_message("resolve %zu: %s\n", i, resolves[i].spec);
		assert_int_equal(openconnect_set_resolve(v, resolves[i].spec),
				 resolves[i].ret);
	}
	assert_int_equal(openconnect_set_cafile(v, "/nonexistent"), 0);
	assert_int_equal(openconnect_set_sni(v, "sni.example.com"), 0);
	assert_int_equal(openconnect_set_useragent(v, "agent"), 0);
	openconnect_set_system_trust(v, 0);
	openconnect_vpninfo_free(v);
}

static void test_loglevel(void **state)
{
	struct msgs m;
	struct openconnect_info *v = new_session(&m);

	openconnect_set_loglevel(v, PRG_ERR);
	/* A failure is an error and is still reported at PRG_ERR. */
	assert_int_equal(openconnect_set_protocol(v, "nc"), -EINVAL);
	assert_int_equal(m.count, 1);
	assert_non_null(strstr(m.text, "nc"));
	openconnect_vpninfo_free(v);
}

static void serve_nothing(struct testsrv_conn *c, void *arg)
{
}

static char *certpath(const char *name)
{
	static char path[4][512];
	static int slot;
	const char *dir = getenv("CERTDIR");

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", dir, name);
	return path[slot];
}

/* A trusted connection fills in the peer's pin, which then checks. */
static void test_peer_cert_hash(void **state)
{
	struct testsrv_opts o = { 0 };
	struct testsrv *srv;
	struct msgs m;
	struct openconnect_info *v;
	const char *pin;
	char wrong[64];

	/* make check provides the certificates. */
	assert_non_null(getenv("CERTDIR"));
	o.cert = certpath("server.pem");
	o.key = certpath("server-key.pem");
	assert_int_equal(testsrv_start(&srv, &o, serve_nothing, NULL), 0);
	v = new_session(&m);
	assert_null(openconnect_get_peer_cert_hash(v));
	assert_int_equal(openconnect_set_hostname(v, "localhost"), 0);
	/* Port is set through the URL. */
	{
		char url[64];

		snprintf(url, sizeof(url), "localhost:%d", testsrv_port(srv));
		assert_int_equal(openconnect_parse_url(v, url), 0);
	}
	openconnect_set_system_trust(v, 0);
	assert_int_equal(openconnect_set_cafile(v, certpath("ca.pem")), 0);
	assert_int_equal(openconnect_probe_server(v), 0);
	pin = openconnect_get_peer_cert_hash(v);
	assert_non_null(pin);
	assert_int_equal(strncmp(pin, "pin-sha256:", 11), 0);
	assert_int_equal(strlen(pin), 11 + 44);
	assert_int_equal(openconnect_check_peer_cert_hash(v, pin), 0);
	snprintf(wrong, sizeof(wrong), "%s", pin);
	wrong[20] = wrong[20] == 'A' ? 'B' : 'A';
	assert_int_equal(openconnect_check_peer_cert_hash(v, wrong), 1);
	openconnect_vpninfo_free(v);
	testsrv_stop(srv);
}

/* A web view reports page loads; the SAML result ends the login. */
static void test_webview_results(void **state)
{
	static const char *no_headers[] = { "content-type", "text/html", NULL };
	static const char *half[] = { "saml-username", "alice", NULL };
	static const char *done[] = { "Prelogin-Cookie", "c00kie", NULL };
	static const char *odd[] = { "saml-username", NULL };
	struct oc_webview_result r = { "https://idp.example/", NULL, NULL };
	struct msgs m;
	struct openconnect_info *v = new_session(&m);

	assert_int_equal(openconnect_webview_load_changed(v, NULL), -EINVAL);
	assert_int_equal(openconnect_webview_load_changed(v, &r), 1);
	r.headers = no_headers;
	assert_int_equal(openconnect_webview_load_changed(v, &r), 1);
	r.headers = odd;
	assert_int_equal(openconnect_webview_load_changed(v, &r), 1);
	r.headers = half;
	assert_int_equal(openconnect_webview_load_changed(v, &r), 1);
	r.headers = done;
	assert_int_equal(openconnect_webview_load_changed(v, &r), 0);
	assert_null(strstr(m.text, "c00kie"));	/* never logged */
	openconnect_vpninfo_free(v);
}

static void test_cookie_roundtrip(void **state)
{
	static const char cookie[] = "authcookie=0123456789abcdef0123456789abcdef"
		"&portal=p&user=alice&domain=%28empty_domain%29&computer=h";
	struct msgs m;
	struct openconnect_info *v = new_session(&m);

	assert_null(openconnect_get_cookie(v));
	assert_int_equal(openconnect_set_cookie(v, "user=alice"), -EINVAL);
	assert_null(openconnect_get_cookie(v));
	assert_int_equal(openconnect_set_cookie(v, cookie), 0);
	assert_string_equal(openconnect_get_cookie(v), cookie);
	openconnect_clear_cookie(v);
	assert_null(openconnect_get_cookie(v));
	assert_null(strstr(m.text, "0123456789abcdef"));
	openconnect_vpninfo_free(v);
}

static void test_reported_os(void **state)
{
	static const struct { const char *os; int ret; } cases[] = {
		{ "linux", 0 }, { "linux-64", 0 }, { "win", 0 },
		{ "mac-intel", 0 }, { "android", 0 }, { "apple-ios", 0 },
		{ "windows", -EINVAL }, { "", -EINVAL },
	};
	struct msgs m;
	struct openconnect_info *v = new_session(&m);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu: %s\n", i, cases[i].os);
		assert_int_equal(openconnect_set_reported_os(v, cases[i].os),
				 cases[i].ret);
	}
	assert_int_equal(openconnect_set_token_mode(v, OC_TOKEN_MODE_STOKEN,
						    "x"), -EOPNOTSUPP);
	assert_int_equal(openconnect_set_token_mode(v, OC_TOKEN_MODE_TOTP,
						    "not base32!"), -EINVAL);
	assert_int_equal(openconnect_set_token_mode(v, OC_TOKEN_MODE_TOTP,
						    "JBSWY3DPEHPK3PXP"), 0);
	assert_null(strstr(m.text, "JBSWY3DPEHPK3PXP"));
	openconnect_vpninfo_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_parse_url),
		cmocka_unit_test(test_urlpath),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_loglevel),
		cmocka_unit_test(test_peer_cert_hash),
		cmocka_unit_test(test_webview_results),
		cmocka_unit_test(test_cookie_roundtrip),
		cmocka_unit_test(test_reported_os),
	};

	openconnect_init_ssl();
	return cmocka_run_group_tests_name("library", tests, NULL, NULL);
}
