/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libopenconnect: public interface of the GlobalProtect VPN client library.
 *
 * Source-compatible, and for the functions it provides binary-compatible,
 * with the OpenConnect library of the same soname (libopenconnect.so.5).
 * Unless a comment says otherwise, functions returning int return 0 on
 * success and a negative errno value on failure; string arguments are
 * copied, and strings returned stay owned by the library.
 */
#ifndef OPENCONNECT_H
#define OPENCONNECT_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OPENCONNECT_API_VERSION_MAJOR 5
#define OPENCONNECT_API_VERSION_MINOR 8

/* Message levels of the progress callback, most important first. */
#define PRG_ERR		0	/* the user must know */
#define PRG_INFO	1	/* worth seeing once: connected, tunnel chosen */
#define PRG_DEBUG	2	/* protocol steps */
#define PRG_TRACE	3	/* packets and message bodies */

/* Form option types (struct oc_form_opt.type). */
#define OC_FORM_OPT_TEXT	1
#define OC_FORM_OPT_PASSWORD	2
#define OC_FORM_OPT_SELECT	3
#define OC_FORM_OPT_HIDDEN	4
#define OC_FORM_OPT_TOKEN	5
#define OC_FORM_OPT_SSO_TOKEN	6
#define OC_FORM_OPT_SSO_USER	7

/* struct oc_form_opt.flags */
#define OC_FORM_OPT_IGNORE		0x0001
#define OC_FORM_OPT_NUMERIC		0x0002

/* Results of the process_auth_form callback. */
#define OC_FORM_RESULT_ERR		-1
#define OC_FORM_RESULT_OK		0
#define OC_FORM_RESULT_CANCELLED	1
#define OC_FORM_RESULT_NEWGROUP		2

struct oc_form_opt {
	struct oc_form_opt *next;
	int type;
	char *name;
	char *label;
	char *_value;		/* set with openconnect_set_option_value() */
	unsigned int flags;
	void *reserved;
};

struct oc_choice {
	char *name;
	char *label;
	char *auth_type;
	char *override_name;
	char *override_label;
};

struct oc_form_opt_select {
	struct oc_form_opt form;
	int nr_choices;
	struct oc_choice **choices;
};

struct oc_auth_form {
	char *banner;
	char *message;
	char *error;
	char *auth_id;
	char *method;
	char *action;
	struct oc_form_opt *opts;
	struct oc_form_opt_select *authgroup_opt;
	int authgroup_selection;
};

struct oc_split_include {
	const char *route;
	struct oc_split_include *next;
};

struct oc_ip_info {
	const char *addr;
	const char *netmask;
	const char *addr6;
	const char *netmask6;
	const char *dns[3];
	const char *nbns[3];
	const char *domain;
	const char *proxy_pac;
	int mtu;
	struct oc_split_include *split_dns;
	struct oc_split_include *split_includes;
	struct oc_split_include *split_excludes;
	char *gateway_addr;
};

struct oc_stats {
	uint64_t tx_pkts;
	uint64_t tx_bytes;
	uint64_t rx_pkts;
	uint64_t rx_bytes;
};

struct openconnect_info;

/* Return 0 to accept the server certificate despite @reason, non-zero to
 * refuse it. */
typedef int (*openconnect_validate_peer_cert_vfn)(void *privdata,
						  const char *reason);
typedef int (*openconnect_write_new_config_vfn)(void *privdata,
						const char *buf, int buflen);
/* Returns one of OC_FORM_RESULT_*. */
typedef int (*openconnect_process_auth_form_vfn)(void *privdata,
						 struct oc_auth_form *form);
typedef void __attribute__((format(printf, 3, 4)))
	(*openconnect_progress_vfn)(void *privdata, int level,
				    const char *fmt, ...);

/* Global set-up of the TLS library; call once before anything else. */
int openconnect_init_ssl(void);
const char *openconnect_get_version(void);

/* A new session. @useragent may be NULL. Returns NULL when out of memory. */
struct openconnect_info *openconnect_vpninfo_new(const char *useragent,
		openconnect_validate_peer_cert_vfn validate_peer_cert,
		openconnect_write_new_config_vfn write_new_config,
		openconnect_process_auth_form_vfn process_auth_form,
		openconnect_progress_vfn progress, void *privdata);
void openconnect_vpninfo_free(struct openconnect_info *vpninfo);

/* Messages above @level are not produced at all (default PRG_TRACE). */
void openconnect_set_loglevel(struct openconnect_info *vpninfo, int level);

/* Only "gp" is known; anything else is -EINVAL. */
int openconnect_set_protocol(struct openconnect_info *vpninfo,
			     const char *protocol);
const char *openconnect_get_protocol(struct openconnect_info *vpninfo);

/* Accepts "host", "host:port", "https://host[:port][/path]" and bracketed
 * IPv6 literals; sets host name, port and URL path. */
int openconnect_parse_url(struct openconnect_info *vpninfo, const char *url);
int openconnect_set_hostname(struct openconnect_info *vpninfo,
			     const char *hostname);
const char *openconnect_get_hostname(struct openconnect_info *vpninfo);
/* The name the server is reached by, before any --resolve override. */
const char *openconnect_get_dnsname(struct openconnect_info *vpninfo);
int openconnect_set_urlpath(struct openconnect_info *vpninfo,
			    const char *urlpath);
const char *openconnect_get_urlpath(struct openconnect_info *vpninfo);
int openconnect_get_port(struct openconnect_info *vpninfo);
/* "https://host[:port]/path"; NULL before a host is set. */
const char *openconnect_get_connect_url(struct openconnect_info *vpninfo);
int openconnect_set_useragent(struct openconnect_info *vpninfo,
			      const char *useragent);
/* The proxy for the HTTPS connections: "http://[USER:PASS@]HOST[:PORT]"
 * or "socks5://..."; NULL: none. ESP goes straight to the gateway. */
int openconnect_set_http_proxy(struct openconnect_info *vpninfo,
			       const char *proxy);
/* Which proxy authentication methods may be used ("basic"). */
int openconnect_set_proxy_auth(struct openconnect_info *vpninfo,
			       const char *methods);

int openconnect_set_cafile(struct openconnect_info *vpninfo,
			   const char *cafile);
void openconnect_set_system_trust(struct openconnect_info *vpninfo,
				  unsigned val);
/* The client certificate: a PEM file (certificate, maybe its chain and
 * key) or PKCS#12; @sslkey a PEM key when it is elsewhere, else NULL.
 * Read at each connection; NULL @cert: none. */
int openconnect_set_client_cert(struct openconnect_info *vpninfo,
				const char *cert, const char *sslkey);
/* Password of the key or of the PKCS#12 file; never logged. */
int openconnect_set_key_password(struct openconnect_info *vpninfo,
				 const char *pass);
/* "pin-sha256:BASE64" of the current server certificate, or NULL when no
 * connection has been made yet. */
const char *openconnect_get_peer_cert_hash(struct openconnect_info *vpninfo);
/* Returns 0 when @old_hash (any form accepted by --servercert) matches the
 * current server certificate, 1 when it does not, negative on error. */
int openconnect_check_peer_cert_hash(struct openconnect_info *vpninfo,
				     const char *old_hash);

/* ---- Authentication ---------------------------------------------------- */

/* Soft token modes of openconnect_set_token_mode(). */
typedef enum {
	OC_TOKEN_MODE_NONE,
	OC_TOKEN_MODE_STOKEN,
	OC_TOKEN_MODE_TOTP,
	OC_TOKEN_MODE_HOTP,
	OC_TOKEN_MODE_YUBIOATH,
	OC_TOKEN_MODE_OIDC,
} oc_token_mode_t;

/* What a web view reports after each page load (SAML login): the page's
 * URI, its cookies as "name=value" strings and its response headers as
 * name, value pairs; both lists end with NULL. */
struct oc_webview_result {
	const char *uri;
	const char **cookies;
	const char **headers;
};

/* Opens a web view at @uri and returns once the login in it is over
 * (0), or failed (negative). While it runs, the application passes every
 * page load to openconnect_webview_load_changed(). */
typedef int (*openconnect_open_webview_vfn)(struct openconnect_info *vpninfo,
					    const char *uri, void *privdata);

/* Sets an option's answer (copied; the old one is wiped). */
int openconnect_set_option_value(struct oc_form_opt *opt, const char *value);

/*
 * Runs the whole login: pre-login, login to the portal and/or gateway
 * (role from the URL path), 2FA, gateway choice. Forms go to the
 * process_auth_form callback. Returns 0 with the cookie available from
 * openconnect_get_cookie(), 1 when the user cancelled a form, or a
 * negative errno: -EACCES bad credentials given up on, -EPERM refused,
 * -EINVAL unusable answers or settings.
 */
int openconnect_obtain_cookie(struct openconnect_info *vpninfo);
/* The cookie string (a secret: do not log it), or NULL. */
const char *openconnect_get_cookie(struct openconnect_info *vpninfo);
/* Wipes the cookie. */
void openconnect_clear_cookie(struct openconnect_info *vpninfo);
/* Uses @cookie (as openconnect_get_cookie() gave it) instead of logging in;
 * -EINVAL when it is not a GlobalProtect cookie string. */
int openconnect_set_cookie(struct openconnect_info *vpninfo,
			   const char *cookie);

/* "linux", "linux-64", "win", "mac-intel", "android", "apple-ios". */
int openconnect_set_reported_os(struct openconnect_info *vpninfo,
				const char *os);
/* The local host name reported to the server (default: gethostname). */
int openconnect_set_localname(struct openconnect_info *vpninfo,
			      const char *localname);
/* TOTP and HOTP are supported; other modes give -EOPNOTSUPP. */
int openconnect_set_token_mode(struct openconnect_info *vpninfo,
			       oc_token_mode_t mode, const char *token_str);
void openconnect_set_webview_callback(struct openconnect_info *vpninfo,
				      openconnect_open_webview_vfn webview_fn);
/* Returns 0 when the result finished the login, 1 when more pages are
 * expected, negative on error. */
int openconnect_webview_load_changed(struct openconnect_info *vpninfo,
				     const struct oc_webview_result *result);
/* The HIP report program (--csd-wrapper), run as @uid when we are root.
 * @silent is accepted for compatibility. */
int openconnect_setup_csd(struct openconnect_info *vpninfo, uid_t uid,
			  int silent, const char *wrapper);
/* Seconds between HIP reports, overriding the portal's interval. */
void openconnect_set_trojan_interval(struct openconnect_info *vpninfo,
				     int seconds);
/* Neither ask for nor configure IPv6. */
void openconnect_disable_ipv6(struct openconnect_info *vpninfo);

/* ---- The tunnel -------------------------------------------------------- */

/* Bytes written to the command pipe (openconnect_setup_cmd_pipe()). */
#define OC_CMD_CANCEL		'x'	/* log out and stop */
#define OC_CMD_PAUSE		'p'	/* stop, keep the session */
#define OC_CMD_DETACH		'd'	/* stop without logging out */
#define OC_CMD_STATS		's'	/* report the counters */

struct oc_vpn_option {
	char *option;
	char *value;
	struct oc_vpn_option *next;
};

typedef void (*openconnect_stats_vfn)(void *privdata,
				      const struct oc_stats *stats);
typedef void (*openconnect_reconnected_vfn)(void *privdata);
typedef void (*openconnect_setup_tun_vfn)(void *privdata);

/* getconfig (and the HIP report): what the tunnel needs. 0; -EPERM when
 * the gateway rejected the cookie; another negative errno on failure. */
int openconnect_make_cstp_connection(struct openconnect_info *vpninfo);
/* Allows ESP; @attempt_period is accepted for compatibility. */
int openconnect_setup_dtls(struct openconnect_info *vpninfo,
			   int attempt_period);
int openconnect_disable_dtls(struct openconnect_info *vpninfo);
/* Creates (or attaches to) the TUN device @ifname (NULL: the kernel's
 * name) and runs @vpnc_script (NULL: none) with reason=connect. */
int openconnect_setup_tun_device(struct openconnect_info *vpninfo,
				 const char *vpnc_script, const char *ifname);
/* Packets go to the script's standard input and output instead. */
int openconnect_setup_tun_script(struct openconnect_info *vpninfo,
				 const char *tun_script);
/* A TUN device the application opened. */
int openconnect_setup_tun_fd(struct openconnect_info *vpninfo, int tun_fd);
const char *openconnect_get_ifname(struct openconnect_info *vpninfo);
/* The write end of the command pipe (see OC_CMD_*), or -EIO. */
int openconnect_setup_cmd_pipe(struct openconnect_info *vpninfo);
/*
 * Runs the tunnel until it ends. Returns 0 after a pause, -EINTR after a
 * cancel, -ECONNABORTED after a detach, -EPERM when the cookie was
 * rejected, another negative errno on failure (e.g. -ETIMEDOUT when
 * reconnecting took longer than @reconnect_timeout seconds).
 */
int openconnect_mainloop(struct openconnect_info *vpninfo,
			 int reconnect_timeout, int reconnect_interval);
int openconnect_get_ip_info(struct openconnect_info *vpninfo,
			    const struct oc_ip_info **info,
			    const struct oc_vpn_option **cstp_options,
			    const struct oc_vpn_option **dtls_options);
void openconnect_set_stats_handler(struct openconnect_info *vpninfo,
				   openconnect_stats_vfn handler);
void openconnect_set_reconnected_handler(struct openconnect_info *vpninfo,
					 openconnect_reconnected_vfn handler);
void openconnect_set_setup_tun_handler(struct openconnect_info *vpninfo,
				       openconnect_setup_tun_vfn handler);
/* DPD interval in seconds (0: the default, 10). */
void openconnect_set_dpd(struct openconnect_info *vpninfo, int min_seconds);
void openconnect_set_reqmtu(struct openconnect_info *vpninfo, int reqmtu);
int openconnect_get_idle_timeout(struct openconnect_info *vpninfo);
/* "ESP aes-128-cbc/sha1" while ESP carries data, else NULL. */
const char *openconnect_get_dtls_cipher(struct openconnect_info *vpninfo);
/* The TLS cipher of the HTTPS tunnel, else NULL. */
const char *openconnect_get_cstp_cipher(struct openconnect_info *vpninfo);

/* ---- The rest of OpenConnect's interface ---------------------------------
 * Programs built against OpenConnect's library call these too; each does
 * what it means for GlobalProtect, or says (by its result) that it does
 * not apply. */

struct oc_vpn_proto {
	const char *name;
	const char *pretty_name;
	const char *description;
	unsigned int flags;
};

#define OC_PROTO_PROXY		(1 << 0)
#define OC_PROTO_CSD		(1 << 1)
#define OC_PROTO_AUTH_CERT	(1 << 2)
#define OC_PROTO_AUTH_OTP	(1 << 3)
#define OC_PROTO_AUTH_STOKEN	(1 << 4)
#define OC_PROTO_PERIODIC_TROJAN (1 << 5)
#define OC_PROTO_HIDDEN		(1 << 6)
#define OC_PROTO_AUTH_MCA	(1 << 7)

/* The protocols (here only "gp"), in a new array ended by an entry whose
 * name is NULL; returns their number, or -ENOMEM. */
int openconnect_get_supported_protocols(struct oc_vpn_proto **protos);
void openconnect_free_supported_protocols(struct oc_vpn_proto *protos);

struct oc_cert {
	int der_len;
	unsigned char *der_data;
	void *reserved;
};

/* The server's certificate, DER, in a new buffer (free it with
 * openconnect_free_cert_info); its length, or a negative errno. */
int openconnect_get_peer_cert_DER(struct openconnect_info *vpninfo,
				  unsigned char **buf);
/* The server's certificate in words, or NULL; free it as above. */
char *openconnect_get_peer_cert_details(struct openconnect_info *vpninfo);
void openconnect_free_cert_info(struct openconnect_info *vpninfo, void *buf);
/* The certificates the server sent, its own first; their number, or a
 * negative errno. */
int openconnect_get_peer_cert_chain(struct openconnect_info *vpninfo,
				    struct oc_cert **chain);
void openconnect_free_peer_cert_chain(struct openconnect_info *vpninfo,
				      struct oc_cert *chain);

/* What this library can do: one-time codes (TOTP, HOTP) yes; PKCS#11,
 * TPM keys, stoken, YubiKey OATH and system keys no. */
int openconnect_has_oath_support(void);
int openconnect_has_pkcs11_support(void);
int openconnect_has_tss_blob_support(void);
int openconnect_has_tss2_blob_support(void);
int openconnect_has_stoken_support(void);
int openconnect_has_yubioath_support(void);
int openconnect_has_system_key_support(void);

typedef int (*openconnect_lock_token_vfn)(void *tokdata);
typedef int (*openconnect_unlock_token_vfn)(void *tokdata,
					    const char *new_tok);
/* Called around each one-time code: lock before (it may set a fresher
 * secret with openconnect_set_token_mode), unlock after, with the token
 * string to store (HOTP: the advanced counter; NULL: unchanged). */
int openconnect_set_token_callbacks(struct openconnect_info *vpninfo,
				    void *tokdata,
				    openconnect_lock_token_vfn lock,
				    openconnect_unlock_token_vfn unlock);
/* stoken is not available: -EOPNOTSUPP unless @use_stoken is 0. */
int openconnect_set_stoken_mode(struct openconnect_info *vpninfo,
				int use_stoken, const char *token_str);

/* A readable @fd cancels connecting and waiting for the server. */
void openconnect_set_cancel_fd(struct openconnect_info *vpninfo, int fd);
/* Closes the connection to the server; the next request opens a new one. */
void openconnect_reset_ssl(struct openconnect_info *vpninfo);
/* Perfect forward secrecy required of TLS 1.2 ciphers (TLS 1.3 has it). */
void openconnect_set_pfs(struct openconnect_info *vpninfo, unsigned val);
/* Nothing insecure is offered here either way; 0. */
int openconnect_set_allow_insecure_crypto(struct openconnect_info *vpninfo,
					  unsigned val);

typedef enum {
	OC_COMPRESSION_MODE_NONE,
	OC_COMPRESSION_MODE_STATELESS,
	OC_COMPRESSION_MODE_ALL,
} oc_compression_mode_t;

/* GlobalProtect tunnels are never compressed: any mode is accepted, and
 * the two getters return NULL. */
int openconnect_set_compression_mode(struct openconnect_info *vpninfo,
				     oc_compression_mode_t mode);
const char *openconnect_get_cstp_compression(struct openconnect_info *vpninfo);
const char *openconnect_get_dtls_compression(struct openconnect_info *vpninfo);

/* AnyConnect settings, without meaning for GlobalProtect: accepted. */
void openconnect_set_xmlpost(struct openconnect_info *vpninfo, int enable);
int openconnect_set_xmlsha1(struct openconnect_info *vpninfo,
			    const char *xmlsha1, int size);
int openconnect_set_mobile_info(struct openconnect_info *vpninfo,
				const char *mobile_platform_version,
				const char *mobile_device_type,
				const char *mobile_device_uniqueid);
/* HTTP authentication of the VPN server itself; GlobalProtect servers use
 * forms: accepted. */
int openconnect_set_http_auth(struct openconnect_info *vpninfo,
			      const char *methods);
/* Multiple-certificate authentication is AnyConnect's: -EOPNOTSUPP. */
int openconnect_set_mca_cert(struct openconnect_info *vpninfo,
			     const char *cert, const char *sslkey);
int openconnect_set_mca_key_password(struct openconnect_info *vpninfo,
				     const char *pass);

/* The app version reported when the portal names none (app-version,
 * and APP_VERSION of the HIP report program). */
int openconnect_set_version_string(struct openconnect_info *vpninfo,
				   const char *version_string);
/* An extra NAME=VALUE for the HIP report program; @name NULL clears all. */
int openconnect_set_csd_environ(struct openconnect_info *vpninfo,
				const char *name, const char *value);
/* Warn when the client certificate expires within @seconds (default 60
 * days). */
void openconnect_set_cert_expiry_warning(struct openconnect_info *vpninfo,
					 int seconds);
/* The key password is the hex filesystem id of the key's file system. */
int openconnect_passphrase_from_fsid(struct openconnect_info *vpninfo);
/* When the authcookie expires (wall clock, from getconfig's lifetime);
 * 0 when unknown. */
int openconnect_get_auth_expiration(struct openconnect_info *vpninfo);
/* Copy the TOS byte of inner IPv4 packets to the outer ESP packets. */
void openconnect_set_pass_tos(struct openconnect_info *vpninfo, int enable);

struct addrinfo;
typedef int (*openconnect_getaddrinfo_vfn)(void *privdata, const char *node,
					   const char *service,
					   const struct addrinfo *hints,
					   struct addrinfo **res);
/* Name resolution through @gai_fn instead of getaddrinfo(). */
void openconnect_override_getaddrinfo(struct openconnect_info *vpninfo,
				      openconnect_getaddrinfo_vfn gai_fn);
typedef void (*openconnect_protect_socket_vfn)(void *privdata, int fd);
/* Called with each socket to the server (TCP and UDP) before it is used,
 * so the application can keep it out of the VPN (Android). */
void openconnect_set_protect_socket_handler(struct openconnect_info *vpninfo,
					    openconnect_protect_socket_vfn protect_socket);
/* Opens @uri in the user's browser; OpenConnect uses it for AnyConnect's
 * external-browser login. GlobalProtect's SAML login here goes through the
 * web view (openconnect_set_webview_callback) or a cookie given by hand,
 * so the callback is kept but not called. */
void openconnect_set_external_browser_callback(struct openconnect_info *vpninfo,
					       openconnect_open_webview_vfn browser_fn);

#ifdef __cplusplus
}
#endif

#endif /* OPENCONNECT_H */
