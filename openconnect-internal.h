/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal types shared by the library's modules.
 *
 * The session is composed of one part per concern; each module works on
 * its own part, so it can be tested with only that part filled in.
 */
#ifndef OPENCONNECT_INTERNAL_H
#define OPENCONNECT_INTERNAL_H

#include "openconnect.h"
#include "buf.h"
#include "clock.h"
#include "http.h"
#include "ipconf.h"
#include "log.h"
#include "num.h"
#include "secret.h"
#include "tls.h"
#include "url.h"
#include "gp-config.h"
#include "gp-cookie.h"
#include "gp-os.h"
#include "token.h"

#define OC_DEFAULT_PORT		443
#define OC_GP_USERAGENT		"PAN GlobalProtect"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Which server we talk to. */
struct oc_server {
	char *hostname;		/* as given by the user */
	int port;
	char *urlpath;		/* without leading '/'; NULL when none */
	char *connect_url;	/* cached for openconnect_get_connect_url */
};

/* Authentication settings and results. */
struct oc_auth {
	const struct gp_os *os;		/* --os; default linux */
	char *localname;		/* the computer field; NULL: gethostname */
	struct oc_token token;		/* --token-secret, when have_token */
	int have_token;
	int disable_ipv6;
	openconnect_open_webview_vfn webview;
	struct oc_secret cookie;	/* the cookie string */
	struct gp_cookie gpc;		/* its fields */
	char *portal_version;		/* the portal's <version> */
	int hip_interval;		/* seconds; 0: default */
	/* SAML results reported through openconnect_webview_load_changed */
	char *saml_user;
	const char *saml_field;		/* static */
	struct oc_secret saml_value;
};

/* The tunnel's configuration, from the last getconfig. */
struct oc_config {
	struct oc_ipconf ip;
	struct gp_config_extra gpx;
	int have_config;
	int64_t config_ms;		/* when it arrived */
	int reqmtu;			/* -m; 0: computed */
	int basemtu;			/* --base-mtu; 0: unknown */
	int dpd_s;			/* --force-dpd; 0: default */
	int no_esp;			/* --no-dtls */
	int esp_local_port;		/* --dtls-local-port; 0: any */
	int hip_needed;			/* the last HIP check said so */
};

void oc_auth_init(struct oc_auth *a);
void oc_auth_free(struct oc_auth *a);

struct openconnect_info {
	struct oc_log log;
	struct oc_server srv;
	struct oc_tls_conf tls;
	struct oc_http http;
	struct oc_auth auth;
	struct oc_config cfg;
	char *useragent;		/* for proxies; GP requests use ours */

	openconnect_validate_peer_cert_vfn validate_peer_cert;
	openconnect_write_new_config_vfn write_new_config;
	openconnect_process_auth_form_vfn process_auth_form;
	void *cbdata;
};

#endif
