/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rest of OpenConnect's interface (library-compat.c): protocols, the
 * server's certificates, capabilities, token callbacks, the HIP program's
 * environment, the application's resolver and socket hooks, and the
 * settings that do not apply to GlobalProtect.
 */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "openconnect-internal.h"
#include "openconnect-priv.h"
#include "tests/testsrv.h"

static char logged[8192];

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	size_t used = strlen(logged);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logged + used, sizeof(logged) - used, fmt, ap);
	va_end(ap);
}

static struct openconnect_info *new_session(void)
{
	struct openconnect_info *v;

	logged[0] = '\0';
	v = openconnect_vpninfo_new("test-agent", NULL, NULL, NULL, record,
				    NULL);
	assert_non_null(v);
	return v;
}

static char *certpath(const char *name)
{
	static char path[4][512];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/%s", getenv("CERTDIR"),
		 name);
	return path[slot];
}

static void test_protocols(void **state)
{
	struct oc_vpn_proto *p = NULL;

	assert_int_equal(openconnect_get_supported_protocols(&p), 1);
	assert_string_equal(p[0].name, "gp");
	assert_non_null(p[0].pretty_name);
	assert_non_null(p[0].description);
	assert_true(p[0].flags & OC_PROTO_PROXY);
	assert_true(p[0].flags & OC_PROTO_AUTH_CERT);
	assert_true(p[0].flags & OC_PROTO_AUTH_OTP);
	assert_false(p[0].flags & OC_PROTO_AUTH_STOKEN);
	assert_null(p[1].name);
	openconnect_free_supported_protocols(p);
}

static void test_capabilities(void **state)
{
	assert_int_equal(openconnect_has_oath_support(), 1);
	assert_int_equal(openconnect_has_pkcs11_support(), 0);
	assert_int_equal(openconnect_has_tss_blob_support(), 0);
	assert_int_equal(openconnect_has_tss2_blob_support(), 0);
	assert_int_equal(openconnect_has_stoken_support(), 0);
	assert_int_equal(openconnect_has_yubioath_support(), 0);
	assert_int_equal(openconnect_has_system_key_support(), 0);
}

/* ---- The server's certificates, the resolver and socket hooks ----------- */

static void serve_nothing(struct testsrv_conn *c, void *arg)
{
}

static int gai_calls, protected_fds;

static int my_gai(void *priv, const char *node, const char *service,
		  const struct addrinfo *hints, struct addrinfo **res)
{
	gai_calls++;
	/* "gw.example" exists only for this resolver. */
	return getaddrinfo(strcmp(node, "gw.example") ? node : "127.0.0.1",
			   service, hints, res);
}

static void my_protect(void *priv, int fd)
{
	if (fd >= 0)
		protected_fds++;
}

static void test_peer_certs(void **state)
{
	struct testsrv_opts o = { 0 };
	struct oc_cert *chain = NULL;
	unsigned char *der = NULL;
	struct openconnect_info *v;
	struct testsrv *srv;
	char url[64], *text;
	int n, len;

	o.cert = certpath("server-chain.pem");
	o.key = certpath("server-key.pem");
	assert_int_equal(testsrv_start(&srv, &o, serve_nothing, NULL), 0);
	v = new_session();
	assert_int_equal(openconnect_get_peer_cert_DER(v, &der), -ENOENT);
	assert_null(openconnect_get_peer_cert_details(v));
	assert_int_equal(openconnect_get_peer_cert_chain(v, &chain), -ENOENT);

	/* The name resolves through the application; its sockets pass
	 * through the protect hook; forward secrecy asked for. */
	snprintf(url, sizeof(url), "gw.example:%d", testsrv_port(srv));
	assert_int_equal(openconnect_parse_url(v, url), 0);
	openconnect_override_getaddrinfo(v, my_gai);
	openconnect_set_protect_socket_handler(v, my_protect);
	openconnect_set_pfs(v, 1);
	openconnect_set_system_trust(v, 0);
	assert_int_equal(openconnect_set_cafile(v, certpath("ca.pem")), 0);
	/* The certificate is for localhost, not gw.example: pin it. */
	assert_int_equal(openconnect_probe_server(v), -EPERM);
	assert_int_equal(openconnect_set_servercert(v,
			 openconnect_get_peer_cert_hash(v)), 0);
	gai_calls = protected_fds = 0;
	assert_int_equal(openconnect_probe_server(v), 0);
	assert_true(gai_calls >= 1);
	assert_true(protected_fds >= 1);

	len = openconnect_get_peer_cert_DER(v, &der);
	assert_true(len > 100);
	assert_int_equal(der[0], 0x30);		/* a DER SEQUENCE */
	n = openconnect_get_peer_cert_chain(v, &chain);
	assert_int_equal(n, 2);			/* server.pem, then ca.pem */
	assert_int_equal(chain[0].der_len, len);
	assert_memory_equal(chain[0].der_data, der, (size_t)len);
	assert_true(chain[1].der_len > 100);
	openconnect_free_peer_cert_chain(v, chain);
	openconnect_free_cert_info(v, der);

	text = openconnect_get_peer_cert_details(v);
	assert_non_null(text);
	assert_non_null(strstr(text, "localhost"));
	assert_non_null(strstr(text, "oc test CA"));
	openconnect_free_cert_info(v, text);

	openconnect_reset_ssl(v);
	assert_null(v->http.conn);
	openconnect_vpninfo_free(v);
	testsrv_stop(srv);
}

/* ---- Token callbacks ------------------------------------------------------ */

struct tok_calls {
	int locks, unlocks, lock_ret;
	char last[128];
	int last_null;
};

static int lock_tok(void *p)
{
	struct tok_calls *t = p;

	t->locks++;
	return t->lock_ret;
}

static int unlock_tok(void *p, const char *new_tok)
{
	struct tok_calls *t = p;

	t->unlocks++;
	t->last_null = !new_tok;
	snprintf(t->last, sizeof(t->last), "%s", new_tok ? new_tok : "");
	return 0;
}

static void test_token_callbacks(void **state)
{
	struct openconnect_info *v = new_session();
	struct tok_calls t = { 0 };
	char code[OC_TOKEN_CODE_LEN];

	assert_int_equal(openconnect_set_token_mode(v, OC_TOKEN_MODE_HOTP,
						    "JBSWY3DPEHPK3PXP,5"), 0);
	assert_int_equal(openconnect_set_token_callbacks(v, &t, lock_tok,
							 unlock_tok), 0);
	assert_int_equal(oc_auth_token_code(v, code), 0);
	assert_int_equal(strlen(code), 6);
	assert_int_equal(t.locks, 1);
	assert_int_equal(t.unlocks, 1);
	assert_string_equal(t.last, "JBSWY3DPEHPK3PXP,6");
	assert_int_equal(oc_auth_token_code(v, code), 0);
	assert_string_equal(t.last, "JBSWY3DPEHPK3PXP,7");

	/* Without a counter the first code is counter 0, then 1 is stored. */
	assert_int_equal(openconnect_set_token_mode(v, OC_TOKEN_MODE_HOTP,
						    "base32:JBSWY3DPEHPK3PXP"), 0);
	assert_int_equal(oc_auth_token_code(v, code), 0);
	assert_string_equal(t.last, "base32:JBSWY3DPEHPK3PXP,1");

	/* TOTP has nothing to store. */
	assert_int_equal(openconnect_set_token_mode(v, OC_TOKEN_MODE_TOTP,
						    "JBSWY3DPEHPK3PXP"), 0);
	assert_int_equal(oc_auth_token_code(v, code), 0);
	assert_true(t.last_null);

	/* A lock that fails stops the code. */
	t.lock_ret = -EBUSY;
	assert_int_equal(oc_auth_token_code(v, code), -EBUSY);
	assert_null(strstr(logged, "JBSWY3DPEHPK3PXP"));
	openconnect_vpninfo_free(v);
}

/* ---- The HIP program's environment and version -------------------------- */

static void test_csd_environ(void **state)
{
	struct openconnect_info *v = new_session();

	assert_int_equal(openconnect_set_csd_environ(v, "SITE", "lab"), 0);
	assert_int_equal(openconnect_set_csd_environ(v, "EMPTY", NULL), 0);
	assert_int_equal(openconnect_set_csd_environ(v, "A=B", "x"), -EINVAL);
	assert_int_equal(openconnect_set_csd_environ(v, "", "x"), -EINVAL);
	assert_int_equal(v->auth.n_csd_env, 2);
	assert_string_equal(v->auth.csd_env[0], "SITE=lab");
	assert_string_equal(v->auth.csd_env[1], "EMPTY=");
	assert_int_equal(openconnect_set_csd_environ(v, NULL, NULL), 0);
	assert_int_equal(v->auth.n_csd_env, 0);
	assert_int_equal(openconnect_set_csd_environ(v, "AGAIN", "1"), 0);

	assert_int_equal(openconnect_set_version_string(v, "6.1.4-11"), 0);
	assert_string_equal(v->auth.version_string, "6.1.4-11");
	assert_int_equal(openconnect_set_version_string(v, NULL), 0);
	assert_null(v->auth.version_string);
	openconnect_vpninfo_free(v);
}

/* ---- Settings, and what does not apply ------------------------------------ */

static void test_settings(void **state)
{
	struct openconnect_info *v = new_session();

	assert_int_equal(openconnect_set_stoken_mode(v, 0, NULL), 0);
	assert_int_equal(openconnect_set_stoken_mode(v, 1, "x"), -EOPNOTSUPP);
	assert_int_equal(openconnect_set_mca_cert(v, NULL, NULL), 0);
	assert_int_equal(openconnect_set_mca_cert(v, "c.pem", NULL), -EOPNOTSUPP);
	assert_int_equal(openconnect_set_mca_key_password(v, "x"), -EOPNOTSUPP);
	assert_int_equal(openconnect_set_compression_mode(v,
			 OC_COMPRESSION_MODE_ALL), 0);
	assert_int_equal(openconnect_set_compression_mode(v, 7), -EINVAL);
	assert_null(openconnect_get_cstp_compression(v));
	assert_null(openconnect_get_dtls_compression(v));
	assert_int_equal(openconnect_set_allow_insecure_crypto(v, 1), 0);
	openconnect_set_xmlpost(v, 0);
	assert_int_equal(openconnect_set_xmlsha1(v, "ab", 2), 0);
	assert_int_equal(openconnect_set_mobile_info(v, "1", "2", "3"), 0);
	assert_int_equal(openconnect_set_http_auth(v, "basic"), 0);
	assert_int_equal(openconnect_set_proxy_auth(v, "digest,basic"), 0);
	assert_int_equal(v->tls.proxy.no_basic, 0);
	assert_int_equal(openconnect_set_proxy_auth(v, "ntlm"), 0);
	assert_int_equal(v->tls.proxy.no_basic, 1);

	openconnect_set_cancel_fd(v, 7);
	assert_int_equal(v->tls.cancel_fd, 7);
	openconnect_set_cancel_fd(v, -1);
	openconnect_set_cert_expiry_warning(v, 3600);
	assert_int_equal(v->tls.cert_expiry_warn_s, 3600);
	openconnect_set_pass_tos(v, 1);
	assert_int_equal(v->cfg.pass_tos, 1);
	openconnect_set_external_browser_callback(v, NULL);

	/* No getconfig yet: the expiry is unknown. */
	assert_int_equal(openconnect_get_auth_expiration(v), 0);
	v->cfg.have_config = 1;
	v->cfg.gpx.lifetime = 3600;
	v->cfg.config_ms = oc_now_ms();
	assert_true(openconnect_get_auth_expiration(v) >= time(NULL) + 3590);
	v->cfg.have_config = 0;

	/* The key password from the file system's id. */
	assert_int_equal(openconnect_passphrase_from_fsid(v), -EINVAL);
	assert_int_equal(openconnect_set_client_cert(v, certpath("client.pem"),
						     NULL), 0);
	assert_int_equal(openconnect_passphrase_from_fsid(v), 0);
	assert_true(oc_secret_isset(&v->tls.key_password));
	openconnect_vpninfo_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_peer_certs),
		cmocka_unit_test(test_token_callbacks),
		cmocka_unit_test(test_csd_environ),
		cmocka_unit_test(test_settings),
	};

	openconnect_init_ssl();
	return cmocka_run_group_tests_name("library-compat", tests, NULL, NULL);
}
