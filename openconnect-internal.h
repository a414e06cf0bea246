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
#include "esp-link.h"
#include "gp-tunnel.h"
#include "pktq.h"
#include "tun.h"
#include "tunsm.h"
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
	struct oc_secret token_str;	/* the secret as given, for unlock */
	void *tokdata;			/* openconnect_set_token_callbacks */
	openconnect_lock_token_vfn lock_token;
	openconnect_unlock_token_vfn unlock_token;
	char *version_string;		/* app-version when the portal has none */
	char **csd_env;			/* NAME=VALUE for the HIP program */
	size_t n_csd_env;
	int disable_ipv6;
	openconnect_open_webview_vfn webview;
	struct oc_secret cookie;	/* the cookie string */
	struct gp_cookie gpc;		/* its fields */
	char *portal_version;		/* the portal's <version> */
	int hip_interval;		/* seconds; 0: default */
	int hip_force;			/* --force-trojan; 0: none */
	int hip_warned;
	char *csd_wrapper;		/* --csd-wrapper, or NULL */
	uid_t csd_uid;			/* run it as; (uid_t)-1: ourselves */
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
	int pass_tos;			/* copy inner TOS to ESP packets */
};

/* Counters besides struct oc_stats, for SIGUSR1 and the tests. */
struct oc_counters {
	uint64_t tun_read_errors;
	uint64_t tun_write_errors;
	uint64_t no_carrier;		/* packets with no tunnel to take them */
	uint64_t https_bad_frames;
	uint64_t https_keepalives;
	uint64_t probe_answers;
	uint64_t rekeys;
	uint64_t reconnects;
};

/* The running tunnel. */
struct oc_run {
	struct oc_tun tun;
	struct oc_https https;
	struct oc_esp_link esp;
	struct oc_tunsm sm;
	struct oc_pktpool pool;
	struct oc_pktq to_net;		/* read from the TUN device */
	struct oc_pktq to_tun;		/* received from the gateway */
	struct oc_stats stats;
	struct oc_counters ctr;
	int queue_len;			/* -Q */
	int holdoff_ms;			/* ESP probing before HTTPS */
	char *script;			/* vpnc-script; NULL: none */
	int cmd_rd, cmd_wr;		/* command pipe; -1 when none */
	int64_t next_tick_ms;
	int64_t next_hip_ms;		/* 0: no report scheduled */
	uint64_t https_rx_frames;	/* frames seen; news for the tunsm */
	uint64_t esp_rx_valid;		/* same for ESP under the current SA */
	int64_t esp_up_ms;		/* when ESP last came up */
	int64_t reconnect_start_ms;	/* 0 when not reconnecting */
	int64_t next_reconnect_ms;
	int backoff_s;
	int reconnect_timeout_s;
	int reconnect_interval_s;
	int quit;			/* 1: stop the loop with quit_ret */
	int quit_ret;
	char dtls_cipher[64];
	openconnect_stats_vfn stats_fn;
	openconnect_reconnected_vfn reconnected_fn;
	openconnect_setup_tun_vfn setup_tun_fn;
};

void oc_run_init(struct oc_run *r);
void oc_run_free(struct oc_run *r);

#include "script.h"
struct openconnect_info;
/* Runs the vpnc-script, when there is one, for @reason. */
int oc_run_script(struct openconnect_info *v, enum oc_script_reason reason);

/* The soft token's next code, between the application's lock and unlock
 * callbacks when it set them (unlock gets the advanced HOTP secret). */
int oc_auth_token_code(struct openconnect_info *v, char *code);

void oc_auth_init(struct oc_auth *a);
void oc_auth_free(struct oc_auth *a);

struct openconnect_info {
	struct oc_log log;
	struct oc_server srv;
	struct oc_tls_conf tls;
	struct oc_http http;
	struct oc_auth auth;
	struct oc_config cfg;
	struct oc_run run;
	struct oc_ip_info ip_info;
	char *useragent;		/* for proxies; GP requests use ours */
	openconnect_open_webview_vfn browser_fn; /* kept, see openconnect.h */

	openconnect_validate_peer_cert_vfn validate_peer_cert;
	openconnect_write_new_config_vfn write_new_config;
	openconnect_process_auth_form_vfn process_auth_form;
	void *cbdata;
};

#endif
