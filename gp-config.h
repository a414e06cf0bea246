/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GlobalProtect getconfig (PROTOCOL.md section 8): the request body, the
 * parse of the answer into a struct oc_ipconf plus the GP-only facts
 * (timers, tunnel URL, ESP parameters and keys), and the MTU rules.
 *
 * ESP keys are held in fixed arrays inside struct gp_esp_config, wiped by
 * gp_config_extra_free() and on every failure path; their hex text is
 * wiped in the parsed document too before it is freed. Nothing here logs
 * a key, and SPIs are logged only at debug level.
 */
#ifndef GP_CONFIG_H
#define GP_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "ipconf.h"
#include "log.h"

#define GP_DEFAULT_APP_VERSION	"6.3.0-33"
#define GP_DEFAULT_ENC_OFFER	"aes-128-cbc,aes-256-cbc"
#define GP_DEFAULT_HMAC_OFFER	"sha1,md5,sha256"
#define GP_DEFAULT_TUNNEL_URL	"/ssl-tunnel-connect.sslvpn"
#define GP_DEFAULT_ESP_PORT	4501

/* Inputs of the getconfig request. Strings are plain (not form-encoded),
 * except cookie_fields. */
struct gp_getconfig_req {
	/* The cookie string's fields, already form-encoded, as
	 * gp_cookie_fields() builds them: sent first, as they are. */
	const char *cookie_fields;
	const char *app_version;	/* NULL: GP_DEFAULT_APP_VERSION */
	const char *clientos;		/* Linux, Windows, Mac, ... */
	const char *os_version;
	int ipv6_support;		/* sends "yes" or "no" */
	/* The addresses in use now, on reconnect; NULL or "" sends none.
	 * When set, a field of the same name in cookie_fields is left out,
	 * so the server sees each name once. */
	const char *preferred_ip;
	const char *preferred_ipv6;
	const char *enc_algos;		/* NULL: GP_DEFAULT_ENC_OFFER */
	const char *hmac_algos;		/* NULL: GP_DEFAULT_HMAC_OFFER */
};

/*
 * Appends the body of POST /ssl-vpn/getconfig.esp to @out (which should
 * be empty) and marks @out secret, since it carries the authcookie.
 * Returns 0, -EINVAL when cookie_fields or clientos is missing, or @out's
 * error (-ENOMEM, -E2BIG).
 */
int gp_getconfig_body(const struct gp_getconfig_req *r, struct oc_text *out);

enum gp_enc_algo {
	GP_ENC_NONE = 0,
	GP_ENC_AES128_CBC,	/* "aes-128-cbc", also spelt "aes128" */
	GP_ENC_AES256_CBC,	/* "aes-256-cbc", also spelt "aes256" */
};

enum gp_hmac_algo {
	GP_HMAC_NONE = 0,
	GP_HMAC_MD5,		/* HMAC-MD5-96 */
	GP_HMAC_SHA1,		/* HMAC-SHA1-96 */
	GP_HMAC_SHA256,		/* HMAC-SHA256-128 */
};

/* Name lookups; unknown names give GP_*_NONE. Case-insensitive. */
enum gp_enc_algo gp_enc_from_name(const char *s);
enum gp_hmac_algo gp_hmac_from_name(const char *s);
/* Canonical names ("aes-128-cbc", "sha1"); "none" for NONE. */
const char *gp_enc_name(enum gp_enc_algo a);
const char *gp_hmac_name(enum gp_hmac_algo a);
/* Cipher key bytes (16, 32), or 0 for NONE. */
size_t gp_enc_key_len(enum gp_enc_algo a);
/* Truncated ICV bytes on the wire (12, 12, 16), or 0 for NONE. */
size_t gp_hmac_icv_len(enum gp_hmac_algo a);

#define GP_ESP_KEY_MAX	64

struct gp_esp_key {
	size_t len;
	unsigned char k[GP_ESP_KEY_MAX];
};

struct gp_esp_config {
	int present;		/* 1: everything below is usable */
	/* Why not present: 0 no <ipsec> in the answer, -EINVAL malformed
	 * (bad SPI, key length, port), -EPROTONOSUPPORT an algorithm we do
	 * not implement. */
	int err;
	int udp_port;
	char *mode;		/* "esp-tunnel"; other values are logged */
	enum gp_enc_algo enc;
	enum gp_hmac_algo hmac;
	uint32_t c2s_spi;	/* outbound */
	uint32_t s2c_spi;	/* inbound */
	struct gp_esp_key ekey_c2s, ekey_s2c;	/* cipher keys */
	struct gp_esp_key akey_c2s, akey_s2c;	/* HMAC keys */
};

/* What getconfig says besides the IP configuration. Times in seconds,
 * 0 when the server gave none. */
struct gp_config_extra {
	int timeout;			/* rekey before this runs out */
	int lifetime;			/* of the authcookie */
	int disconnect_on_idle;
	char *ssl_tunnel_url;		/* GP_DEFAULT_TUNNEL_URL when absent */
	char *gw_address;		/* canonical numeric, or NULL */
	char *gw_address_v6;
	struct gp_esp_config esp;
	char *error;			/* the server's error text, or NULL */
};

/*
 * Parses a getconfig answer. Initialises @ip and @x (no need to zero them
 * first); the caller frees both in any case.
 *
 * Returns 0 on success: @ip holds addresses, DNS, NBNS, domains, routes,
 * the server's mtu (0 when it gave none: compute one with the functions
 * below) and idle_timeout (= disconnect-on-idle); @x the rest. A broken
 * <ipsec> part does not fail the parse: it leaves x->esp.present 0 with
 * x->esp.err saying why, and the HTTPS tunnel remains.
 *
 * Errors: -EPERM when the server refused the cookie ("Invalid
 * authentication cookie", "Portal name not found", "Valid client
 * certificate is required", "Allow Automatic Restoration of SSL VPN is
 * disabled"): log in again, do not retry. -EAGAIN for every other error
 * the server reports (the body "errors getting SSL/VPN config", "Assign
 * private IP address failed", ...): a later getconfig may succeed. In
 * both cases x->error holds the server's text for the message, which has
 * been logged. -EINVAL when the answer is not a getconfig answer at all
 * (no XML, another root, no address); -ENOMEM.
 */
int gp_config_parse(const struct oc_log *lg, const char *body, size_t len,
		    struct oc_ipconf *ip, struct gp_config_extra *x);

/* Frees the strings and wipes the keys; leaves @x zeroed. */
void gp_config_extra_free(struct gp_config_extra *x);

/*
 * MTU (PROTOCOL.md section 8). The base is the MTU of the path to the
 * gateway: the user's --base-mtu when > 0, else the path MTU of the TCP
 * connection when > 0, else GP_MTU_DEFAULT_BASE; never below GP_MTU_MIN.
 */
#define GP_MTU_DEFAULT_BASE	1406
#define GP_MTU_MIN		1280
/* The largest tunnel MTU the data path carries: its packets have room
 * for 2048 bytes (OC_PKT_ROOM), which must hold an ESP datagram too. */
#define GP_MTU_MAX		1984
int gp_base_mtu(int user_base, int path_mtu);

/*
 * Tunnel MTU for ESP over UDP over IPv4 (@ipv6_transport 0) or IPv6: the
 * base less IP, UDP, SPI and sequence, IV and ICV, rounded down to the
 * cipher block, less the pad-length and next-header bytes. Returns
 * -EINVAL when the base is too small for any payload.
 */
int gp_esp_mtu(int base_mtu, int ipv6_transport, size_t icv_len);

/*
 * Tunnel MTU for the HTTPS tunnel: the base less the IP and TCP headers,
 * @tls_overhead (bytes a TLS record adds: header, explicit IV or nonce,
 * tag or MAC and padding) and the 16-byte frame header. For AEAD suites
 * GP_TLS_AEAD_OVERHEAD covers TLS 1.2 and 1.3. -EINVAL when too small.
 */
#define GP_TLS_AEAD_OVERHEAD	29	/* 5 header + 8 nonce + 16 tag */
int gp_https_mtu(int base_mtu, int ipv6_transport, size_t tls_overhead);

/* The MTU to configure: the user's -m when > 0, else the server's mtu when
 * > 0, else @computed. */
int gp_choose_mtu(int user_mtu, int server_mtu, int computed);

#endif
