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
#include "log.h"
#include "num.h"
#include "secret.h"
#include "tls.h"
#include "url.h"

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

struct openconnect_info {
	struct oc_log log;
	struct oc_server srv;
	struct oc_tls_conf tls;
	struct oc_http http;
	char *useragent;		/* for proxies; GP requests use ours */

	openconnect_validate_peer_cert_vfn validate_peer_cert;
	openconnect_write_new_config_vfn write_new_config;
	openconnect_process_auth_form_vfn process_auth_form;
	void *cbdata;
};

#endif
