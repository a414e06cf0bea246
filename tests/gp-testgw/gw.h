/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gp-testgw: a GlobalProtect portal and gateway for the tests.
 *
 * One process, one thread, one poll() loop. Everything the program knows
 * lives in struct gw_state, handed to every function that needs it; there
 * is no global mutable state. The files, by concern:
 *
 *   main.c      command line, start-up, shut-down
 *   loop.c      the poll loop (watches: fd, events, deadline) and listener
 *   conn.c      one TLS connection carrying HTTP/1.1 requests
 *   tls.c       OpenSSL: server context, non-blocking I/O, random, HMAC
 *   http.c      request parsing, response writing
 *   form.c      form decoding and encoding, XML escaping
 *   dispatch.c  the table of endpoints
 *   auth.c      pre-login, gateway login, 2FA challenges
 *   portal.c    the portal's login answer (its configuration)
 *   otp.c       one-time codes (RFC 6238 TOTP)
 *   cookie.c    the cookie fields of later requests against the session
 *   getconfig.c the gateway's configuration answer
 *   sa.c        ESP algorithms, SPIs and keys of each getconfig
 *   pool.c      client addresses, IPv4 and IPv6
 *   hip.c       HIP report check and report
 *   logout.c    logout
 *   tunnel.c    the HTTPS tunnel: frames over a TLS connection
 *   esp.c       the ESP tunnel: each session's SAs, probes, faults
 *   udp.c       the UDP socket ESP arrives on
 *   packet.c    where a tunnelled packet goes; probe and ping answers
 *   tun.c       the gateway's TUN device
 *   stats.c     counters, GET /testgw/stats
 *   state.c     users, gateway list, sessions, one-time tokens
 *   options.c   every setting: command line, --help, POST /testgw/control
 *   log.c       the request log and warnings
 *   hostile.c   --hostile: answers, frames and ESP packets meant to hurt
 *
 * Secrets (passwords, cookies, one-time codes and tokens, ESP keys) never
 * reach a log line: the log shows form field names, never values. The one
 * exception is on purpose: --keylog writes the ESP keys to a file, so
 * that tests can decrypt captures.
 */
#ifndef GW_H
#define GW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "buf.h"
#include "secret.h"

#define GW_MAX_HEAD		(16 * 1024)
#define GW_MAX_BODY		(1024 * 1024)
#define GW_MAX_OUT		(4 * 1024 * 1024)
#define GW_MAX_HEADERS		64
#define GW_MAX_FIELDS		256
#define GW_MAX_CONNS		256
#define GW_MAX_SESSIONS		1024
#define GW_MAX_TOKENS		512
#define GW_HANDSHAKE_MS		10000
#define GW_IDLE_MS		60000
#define GW_LINGER_MS		2000

#define GW_AUTHCOOKIE_BYTES	16	/* 32 hex digits */
#define GW_PERSIST_BYTES	20	/* 40 hex digits */
#define GW_TOKEN_BYTES		16
#define GW_TOKEN_HEX		(2 * GW_TOKEN_BYTES)

#define GW_POOL_SIZE		GW_MAX_SESSIONS	/* addresses per pool */
#define GW_TUNNEL_PATH		"/ssl-tunnel-connect.sslvpn"
#define GW_FRAME_HDR		16
#define GW_FRAME_MAX		16384	/* the tunnel buffer (payload) */
#define GW_TUNNEL_IDLE_MS	120000	/* silent clients are dropped */
#define GW_TUNNEL_QUEUE		(1024 * 1024)	/* queued, per client */
#define GW_ESP_PREV_MS		10000	/* the last getconfig's IN SA lives on */
#define GW_ESP_HOLD_MS		200	/* esp-reorder: longest hold-back */
#define GW_UDP_MAX		65535	/* one datagram */

#define GW_AGENT		"PAN GlobalProtect"
#define GW_COOKIE_NAME		"testgw-session"

struct gw_state;
struct gw_loop;
struct gw_udp;
struct gw_tls_ctx;
struct gw_tls;

/* ---- form.c ------------------------------------------------------------ */

struct gw_field {
	char *name;
	char *value;
};

struct gw_form {
	struct gw_field *f;
	size_t n;
};

/*
 * Splits "a=1&b=2" (@len bytes) into decoded pairs, in order; '+' is a
 * space, %XX a byte. Empty segments are skipped; a segment without '=' has
 * an empty value. -EINVAL for a bad escape or a NUL byte, -E2BIG for more
 * than GW_MAX_FIELDS fields, -ENOMEM. On error @form is left empty.
 */
int gw_form_parse(const char *s, size_t len, struct gw_form *form);
/* The value of the first field named @name, or NULL. */
const char *gw_form_get(const struct gw_form *form, const char *name);
/* Values are wiped: forms carry passwords and cookies. */
void gw_form_free(struct gw_form *form);
/* Appends the field names, comma-separated, made safe for a log line. */
void gw_form_names(const struct gw_form *form, struct oc_text *t);
/* A-Z a-z 0-9 - _ . ~ stay, every other byte is %XX. */
void gw_url_encode(struct oc_text *t, const char *s);
/* Appends @s with & < > " ' as entities. */
void gw_xml_escape(struct oc_text *t, const char *s);
/* Appends @s with only printable ASCII kept, at most @max bytes. */
void gw_log_safe(struct oc_text *t, const char *s, size_t max);
/* Appends "<name>@val</name>\n", @val escaped. */
void gw_xml_elem(struct oc_text *t, const char *name, const char *val);

/* ---- http.c ------------------------------------------------------------ */

struct gw_hdr {
	const char *name;
	const char *value;
};

struct gw_req {
	char *head;		/* our copy of the head, split in place */
	const char *method;
	const char *path;	/* without the query */
	const char *query;	/* after '?', or "" */
	struct gw_hdr hdr[GW_MAX_HEADERS];
	size_t nhdr;
	size_t clen;		/* Content-Length, 0 when absent */
	int keep_alive;
	int expect_continue;
	char *body;		/* NUL-terminated, wiped on free */
	struct gw_form qform;	/* fields of the query string */
	struct gw_form form;	/* fields of the body */
	const char *peer;	/* "addr:port", for log lines */
	const char *local;	/* our address the client reached, or "" */
};

/*
 * Parses the head of a request at the front of @in. Returns its length
 * (> 0) once the blank line is in, 0 when more bytes are needed, or a
 * negative errno with *status the HTTP status to refuse it with (400,
 * 413, 431, 501, 505).
 */
int gw_http_parse_head(const char *in, size_t len, struct gw_req *req,
		       int *status);
/* Copies the body and parses the query and body forms: -EINVAL when a
 * form is malformed, -ENOMEM. */
int gw_http_set_body(struct gw_req *req, const char *p, size_t len);
/* The value of header @name (case-insensitive), or NULL. */
const char *gw_http_header(const struct gw_req *req, const char *name);
/* The value of cookie @name in the Cookie headers, malloc'ed, or NULL. */
char *gw_http_cookie(const struct gw_req *req, const char *name);
void gw_req_free(struct gw_req *req);

struct gw_resp {
	int status;
	const char *ctype;
	struct oc_text body;	/* secret: answers carry cookies */
	char set_cookie[128];	/* a Set-Cookie value, or "" */
	int close;		/* Connection: close after this answer */
	struct oc_text outcome;	/* for the log; never a secret */
};

void gw_resp_init(struct gw_resp *r);
/* Sets status and type, and replaces the body with @body. */
void gw_resp_set(struct gw_resp *r, int status, const char *ctype,
		 const char *body);
/* Replaces the outcome text of the log line. */
void __attribute__((format(printf, 2, 3)))
gw_resp_outcome(struct gw_resp *r, const char *fmt, ...);
/* Appends the status line, headers and body to @out. */
void gw_resp_write(const struct gw_resp *r, struct oc_buf *out);
void gw_resp_free(struct gw_resp *r);

/* ---- dispatch.c -------------------------------------------------------- */

/* Answers the request whose head is @req and body the @len bytes at
 * @body: parses its forms, routes it, fills @r, logs it. */
void gw_dispatch(struct gw_state *st, struct gw_req *req, const char *body,
		 size_t len, struct gw_resp *r);
/* Refuses a request that could not be parsed, and logs it. */
void gw_refuse(struct gw_state *st, struct gw_req *req, struct gw_resp *r,
	       int status, const char *why);

/* ---- auth.c and portal.c: the endpoints -------------------------------- */

typedef void gw_handler(struct gw_state *st, const struct gw_req *req,
			struct gw_resp *r);

gw_handler gw_portal_prelogin;	/* /global-protect/prelogin.esp */
gw_handler gw_portal_login;	/* /global-protect/getconfig.esp */
gw_handler gw_gateway_prelogin;	/* /ssl-vpn/prelogin.esp */
gw_handler gw_gateway_login;	/* /ssl-vpn/login.esp */
gw_handler gw_control;		/* /testgw/control */
gw_handler gw_getconfig;	/* /ssl-vpn/getconfig.esp */
gw_handler gw_hip_check;	/* /ssl-vpn/hipreportcheck.esp */
gw_handler gw_hip_report;	/* /ssl-vpn/hipreport.esp */
gw_handler gw_logout;		/* /ssl-vpn/logout.esp */
gw_handler gw_stats;		/* GET /testgw/stats */

enum gw_role {
	GW_ROLE_PORTAL = 1,
	GW_ROLE_GATEWAY = 2,
};

struct gw_user;

/*
 * What every login (portal or gateway) must carry: user agent, form
 * fields, the pre-login's HTTP cookie. Warns about what is missing.
 * Returns 0 to go on, or -EACCES / -EINVAL with @r holding the refusal.
 */
int gw_login_precheck(struct gw_state *st, const struct gw_req *req,
		      struct gw_resp *r);
/*
 * Checks the SAML cookie (under SAML for @role) or else the password.
 * Returns the user, or NULL with @r holding the 512 refusal.
 */
const struct gw_user *gw_login_credentials(struct gw_state *st,
					   const struct gw_req *req,
					   struct gw_resp *r,
					   enum gw_role role);
/* What every request of a GP client should look like: User-Agent, a
 * form body, clientVer 4100, a known clientos. Warns about each miss and
 * returns their number. */
int gw_check_client(const struct gw_state *st, const struct gw_req *req);
/* Appends the XML declaration every answer starts with. */
void gw_xml_start(struct oc_text *t);

/* ---- otp.c ------------------------------------------------------------- */

/* The 6-digit HOTP code (RFC 4226) of @key for @counter into @out. */
int gw_hotp(const unsigned char *key, size_t keylen, uint64_t counter,
	    char out[7]);
/* 1 when @code (may be NULL) is the current TOTP code (or one step either
 * side), or, without a secret, the fixed code 123456. */
int gw_otp_check(const struct gw_state *st, const char *code);

/* ---- tls.c (the only file that includes OpenSSL) ----------------------- */

/* Loads the certificate chain and key. -EINVAL (reason on stderr). */
int gw_tls_ctx_new(const char *cert, const char *key,
		   struct gw_tls_ctx **out);
void gw_tls_ctx_free(struct gw_tls_ctx *c);
/* Every client must then show a certificate that @cafile (PEM) verifies. */
int gw_tls_ctx_require_client(struct gw_tls_ctx *c, const char *cafile);
/* "pin-sha256:BASE64" of the certificate's public key, in @out. */
int gw_tls_ctx_pin(struct gw_tls_ctx *c, char *out, size_t outlen);

/* A server-side TLS connection over the non-blocking socket @fd (which
 * stays the caller's to close). */
int gw_tls_new(struct gw_tls_ctx *c, int fd, struct gw_tls **out);
void gw_tls_free(struct gw_tls *t);
/*
 * Each returns -EAGAIN when it must wait for gw_tls_want()'s poll events,
 * -ECONNRESET when the peer went away, -EPROTO on a TLS error.
 * gw_tls_handshake and gw_tls_shutdown return 0 when done; gw_tls_read
 * returns bytes read, 0 at the peer's close_notify; gw_tls_write returns
 * bytes written (retry with the same bytes after -EAGAIN).
 */
int gw_tls_handshake(struct gw_tls *t);
ssize_t gw_tls_read(struct gw_tls *t, void *buf, size_t len);
ssize_t gw_tls_write(struct gw_tls *t, const void *buf, size_t len);
int gw_tls_shutdown(struct gw_tls *t);
short gw_tls_want(const struct gw_tls *t);
/* The last TLS error, for debug lines. */
const char *gw_tls_error(const struct gw_tls *t);

/* Cryptographic random bytes. -EIO when the generator fails. */
int gw_random(void *buf, size_t n);
/* Lower-case hex of @n random bytes into @out (2n + 1 chars). */
int gw_random_hex(char *out, size_t n);
int gw_hmac_sha1(const void *key, size_t keylen, const void *msg,
		 size_t msglen, unsigned char out[20]);

/* ---- state.c ----------------------------------------------------------- */

enum gw_2fa {
	GW_2FA_NONE,
	GW_2FA_XML,
	GW_2FA_JS,
	GW_2FA_HTML,
};

struct gw_user {
	char *name;			/* lower case: the canonical name */
	struct oc_secret pass;
};

struct gw_prio {
	char *region;
	int prio;
};

struct gw_entry {			/* one gateway of the portal's list */
	char *addr;			/* host[:port]; "@self" = Host header */
	char *label;
	struct gw_prio *rules;
	size_t nrules;
};

enum gw_tok_kind {
	GW_TOK_CHALLENGE = 1,		/* 2FA inputStr */
	GW_TOK_HTTP,			/* the pre-login's Set-Cookie */
	GW_TOK_PORTAL,			/* portal-userauthcookie */
	GW_TOK_PRELOGON,		/* portal-prelogonuserauthcookie */
};

struct gw_token {
	int kind;			/* 0: free slot */
	char val[GW_TOKEN_HEX + 1];
	char *user;			/* NULL for HTTP cookies */
	int64_t expires;		/* oc_now_ms() */
	int tries;			/* wrong answers left (challenges) */
};

/* ESP algorithms, as bits of the --esp-enc and --esp-hmac sets. */
enum gw_enc {
	GW_ENC_AES128_CBC = 1,
	GW_ENC_AES256_CBC = 2,
};

enum gw_hmac {
	GW_HMAC_SHA1 = 1,
	GW_HMAC_MD5 = 2,
	GW_HMAC_SHA256 = 4,
};

#define GW_ESP_KEY_MAX	32

struct gw_esp_dir {			/* one direction of the ESP tunnel */
	uint32_t spi;
	unsigned char ekey[GW_ESP_KEY_MAX];
	unsigned char akey[GW_ESP_KEY_MAX];
};

/*
 * The ESP parameters of a session's last getconfig. Each getconfig makes
 * fresh SPIs and keys; starting the HTTPS tunnel wipes the keys (valid
 * 0, https_took_over 1), which is the mutual exclusion real gateways
 * enforce: the ESP side must drop packets of a session whose keys are
 * not valid.
 */
struct gw_esp {
	int valid;
	int https_took_over;
	enum gw_enc enc;
	enum gw_hmac hmac;
	size_t ekey_len;		/* bytes */
	size_t akey_len;
	struct gw_esp_dir c2s;		/* client to server: we receive */
	struct gw_esp_dir s2c;		/* server to client: we send */
	unsigned int gen;		/* how many getconfigs made keys */
};

struct gw_tunnel;
struct gw_esp_link;

struct gw_session {
	int in_use;
	char authcookie[2 * GW_AUTHCOOKIE_BYTES + 1];
	char persistent[2 * GW_PERSIST_BYTES + 1];
	char *user;
	char *computer;
	char *clientos;
	char *os_version;		/* as sent at login; logout must match */
	char *portal;			/* as handed out at login */
	char *domain;
	uint32_t ip4;			/* host order; 0: none yet */
	char ip[16];			/* dotted IPv4, or "" */
	unsigned char ip6_bin[16];
	char ip6[46];			/* IPv6 from --ip6-pool, or "" */
	int64_t created;		/* oc_now_ms() */
	int tunnel_ok;			/* a getconfig since the last tunnel */
	int hip_reported;
	char hip_md5[33];		/* of the last HIP check, or "" */
	struct gw_esp esp;
	int gw_family;			/* of gw-address: 4, 6; 0 none yet */
	unsigned char gw_addr[16];	/* where its ESP probes go */
	int64_t esp_first;		/* first valid ESP packet; 0: none */
	struct gw_tunnel *tun;		/* its HTTPS tunnel, or NULL */
	struct gw_esp_link *link;	/* its ESP side (esp.c), or NULL */
};

/* A list of strings set by a repeatable option; the first value given
 * replaces the defaults, an empty one clears the list. */
struct gw_list {
	char **v;
	size_t n;
	int dflt;			/* still the defaults */
};

/* What the tests switch, at start-up or at run time. */
struct gw_modes {
	enum gw_2fa tfa;
	unsigned int saml;		/* GW_ROLE_* bits that use SAML */
	unsigned int roles;		/* GW_ROLE_* bits that exist */
	int portal_cookie;
	int require_http_cookie;
	int broken_xml;
	int has_config_no;
	int reject_cookie;
	int strict;
	int hip_interval;
	char *region;
	char *portal_name;
	char *portal_version;
	char *domain;
	char *refuse_os;		/* clientos the portal refuses; NULL */
	struct oc_secret totp_key;	/* decoded bytes; unset: code 123456 */
	struct oc_secret saml_cookie;
	uint32_t ip_pool;		/* first client address, host order */
	int ip_pool_len;		/* prefix length of its network */
	unsigned char ip6_pool[16];	/* prefix, host bits zero */
	int ip6_pool_len;		/* 0: no IPv6 */
	struct gw_list routes;		/* access-routes (and -v6) */
	struct gw_list exclude;		/* exclude-access-routes (and -v6) */
	struct gw_list dns;		/* dns and dns-v6 */
	struct gw_list wins;
	struct gw_list suffix;		/* dns-suffix */
	int timeout;			/* <timeout>: key and tunnel life */
	int lifetime;			/* <lifetime>: cookie life */
	int idle;			/* <disconnect-on-idle> */
	char *gw_address;		/* NULL: what the client reached */
	int udp_port;
	unsigned int esp_enc;		/* GW_ENC_* bits allowed */
	unsigned int esp_hmac;		/* GW_HMAC_* bits allowed */
	int no_esp;
	int cookie_plain;		/* bad cookies: the plain-text answer */
	char *getconfig_error;		/* every getconfig fails with it */
	int hip_needed;
	int close_tls_after;		/* seconds; 0: never */
	int no_keepalive_reply;
	int malformed_frame;
	int esp_drop;			/* all UDP dropped, both ways */
	int esp_stop_after;		/* seconds after esp_first; 0: off */
	int esp_ignore_probes;
	int esp_reorder;		/* every Nth packet out late; 0: off */
	int esp_duplicate;		/* every Nth packet out twice; 0: off */
	int hostile;			/* GW_H_* (hostile.c); 0: none */
};

/* Counters of GET /testgw/stats. */
struct gw_stats {
	uint64_t logins;
	uint64_t getconfigs;
	uint64_t getconfigs_refused;
	uint64_t hip_checks;
	uint64_t hip_reports;
	uint64_t tunnels;
	uint64_t tunnels_refused;
	uint64_t frames_in;
	uint64_t frames_out;
	uint64_t bytes_in;		/* payload of data frames */
	uint64_t bytes_out;
	uint64_t keepalives;		/* keepalive frames received */
	uint64_t bad_frames;
	uint64_t pings;			/* answered by the built-in responder */
	uint64_t dropped;		/* packets with nowhere to go */
	uint64_t logouts;
	uint64_t logouts_ignored;	/* fields did not match the login */
	uint64_t esp_in;		/* valid ESP packets received */
	uint64_t esp_out;		/* ESP packets made and sent */
	uint64_t esp_bytes_in;		/* of their inner packets */
	uint64_t esp_bytes_out;
	uint64_t esp_probes;		/* probes answered */
	uint64_t esp_probes_ignored;	/* the esp-ignore-probes fault */
	uint64_t esp_bad_icv;
	uint64_t esp_replays;		/* seen before, or too old */
	uint64_t esp_unknown_spi;	/* no SA (any more) */
	uint64_t esp_bad;		/* malformed, bad padding, bad source */
	uint64_t esp_dropped;		/* by esp-drop or esp-stop-after */
	uint64_t esp_reordered;		/* held back by esp-reorder */
	uint64_t esp_duplicated;	/* sent twice by esp-duplicate */
	uint64_t hostile_esp;		/* bogus ESP packets of the floods */
};

/* What only the command line sets. */
struct gw_startup {
	char *listen;
	char *port_file;
	char *pin_file;
	char *cert;
	char *key;
	char *log_path;
	int control;
	int verbose;
	char *tun_name;			/* --tun; NULL: no TUN device */
	char *tun_addr;			/* CIDR of the gateway's side, IPv4 */
	char *tun_addr6;		/* and IPv6 */
	char *keylog_path;		/* --keylog: ESP keys, for tests */
	int udp_port_given;		/* --udp-port on the command line */
	char *client_ca;		/* --client-ca: require certificates */
};

struct gw_state {
	struct gw_startup start;
	struct gw_modes m;
	struct gw_user *users;
	size_t nusers;
	struct gw_entry *gws;
	size_t ngws;
	struct gw_token *tok;		/* GW_MAX_TOKENS slots, a ring */
	size_t tok_next;
	struct gw_session *sess;	/* GW_MAX_SESSIONS slots, a ring */
	size_t sess_next;
	uint32_t ip_next;		/* next pool index to try, IPv4 */
	uint32_t ip6_next;
	uint32_t gw4;			/* --tun-addr's address, host order */
	unsigned char gw6[16];		/* --tun-addr6's address */
	FILE *log;
	struct gw_tls_ctx *tls;
	struct gw_tunnel *tunnels;	/* every live HTTPS tunnel */
	int tun_fd;			/* the TUN device, or -1 */
	FILE *keylog;			/* --keylog, or NULL */
	struct gw_udp *udp;		/* the ESP socket, or NULL */
	struct gw_esp_link *links;	/* every session with ESP SAs */
	struct oc_buf esp_tx;		/* outbound ESP packets made here */
	struct gw_stats stats;
	int64_t hostile_flood_end;	/* of the ESP flood; 0: not started */
	uint64_t hostile_flood_start;	/* stats.hostile_esp then */
	unsigned char hostile_noise[128];	/* the floods' payload */
};

int gw_state_init(struct gw_state *st);
void gw_state_free(struct gw_state *st);

/* "NAME:PASSWORD"; the name is lower-cased; a known name gets the new
 * password. -EINVAL for a malformed spec. */
int gw_user_add(struct gw_state *st, const char *spec);
/* Lines NAME:PASSWORD; blank lines and '#' comments are skipped. */
int gw_users_load(struct gw_state *st, const char *path);
void gw_users_clear(struct gw_state *st);
/* Case-insensitive lookup. */
const struct gw_user *gw_user_find(const struct gw_state *st,
				   const char *name);

/* "HOST[:PORT]|LABEL[|REGION=PRIO,...]". */
int gw_gateway_add(struct gw_state *st, const char *spec);
void gw_gateways_clear(struct gw_state *st);

/* A fresh random token of @kind for @user (may be NULL), valid @ttl_ms;
 * the oldest token is forgotten when the table is full. Returns it or
 * NULL on failure. */
struct gw_token *gw_token_new(struct gw_state *st, int kind,
			      const char *user, int64_t ttl_ms);
/* The live token of @kind whose value is @val (constant-time), or NULL. */
struct gw_token *gw_token_find(struct gw_state *st, int kind,
			       const char *val);
void gw_token_drop(struct gw_token *t);

/* What a login knows of the client. */
struct gw_login_info {
	const char *user;
	const char *computer;
	const char *clientos;
	const char *os_version;
	const char *pref_ip;
	const char *pref_ip6;
};

/* A new session with fresh cookies; the oldest is dropped when full.
 * Addresses come from the pools (pool.c). NULL on failure. */
struct gw_session *gw_session_new(struct gw_state *st,
				  const struct gw_login_info *li);
/* The session of @authcookie (constant-time compare), or NULL. */
struct gw_session *gw_session_find(struct gw_state *st,
				   const char *authcookie);
/* Forgets one session: its tunnel ends, its secrets are wiped. */
void gw_session_drop(struct gw_session *s);
void gw_sessions_clear(struct gw_state *st);
size_t gw_sessions_live(const struct gw_state *st);

int gw_list_add(struct gw_list *l, const char *val);
void gw_list_clear(struct gw_list *l);

/* ---- pool.c ------------------------------------------------------------ */

/*
 * Gives @s an IPv4 address of the pool: @pref when it is in the pool and
 * no other session holds it, else the one @s has (if still in the pool),
 * else the next free one. 0, or -ENOSPC when the pool is full.
 */
int gw_pool_assign4(struct gw_state *st, struct gw_session *s,
		    const char *pref);
/* The same for IPv6 (--ip6-pool); 0 without doing anything when there
 * is no IPv6 pool. */
int gw_pool_assign6(struct gw_state *st, struct gw_session *s,
		    const char *pref);
/* "ADDR[/LEN]" into the IPv4 pool settings (LEN default 24). */
int gw_pool_set4(struct gw_state *st, const char *spec);
/* "PREFIX/LEN" (LEN 64-120) into the IPv6 pool; "" turns IPv6 off. */
int gw_pool_set6(struct gw_state *st, const char *spec);
/* Parses "ADDR[/LEN]" of @family; LEN defaults to the full length. */
int gw_parse_cidr(const char *spec, int family, unsigned char *addr,
		  int *len);

/* ---- cookie.c ---------------------------------------------------------- */

#define GW_CK_OSVER	0x01	/* an os-version sent must match (logout) */

/*
 * The session that the cookie fields of @req (authcookie, user, portal,
 * domain, computer) name, all matching what the login gave. NULL with
 * *why saying which field did not match (never a value).
 */
struct gw_session *gw_cookie_session(struct gw_state *st,
				     const struct gw_req *req,
				     unsigned int flags, const char **why);
/* The answer real gateways give to a bad cookie (HTTP 200). */
void gw_cookie_refuse(const struct gw_state *st, struct gw_resp *r,
		      const char *why);
/* A form field of @req, "" counting as absent. */
const char *gw_field(const struct gw_req *req, const char *name);

/* ---- sa.c -------------------------------------------------------------- */

/*
 * Chooses the first algorithms of the client's offers (comma-separated
 * lists, NULL when not sent) that --esp-enc and --esp-hmac allow, and
 * fills @e with fresh SPIs and keys. -ENOENT when no offered algorithm is
 * allowed, -EIO when the random generator fails.
 */
int gw_esp_new(const struct gw_state *st, const char *enc, const char *hmac,
	       struct gw_esp *e);
/* Appends the <ipsec> element of @e; the keys make @t a secret. */
void gw_esp_xml(const struct gw_state *st, const struct gw_esp *e,
		struct oc_text *t);
/* Wipes the keys, as starting the HTTPS tunnel does. */
void gw_esp_drop(struct gw_esp *e);
/* A comma-separated list of names into GW_ENC_* (@hmac 0) or GW_HMAC_*
 * (@hmac 1) bits. -EINVAL for an unknown name or an empty list. */
int gw_esp_parse_algos(const char *list, int hmac, unsigned int *bits);
const char *gw_enc_name(enum gw_enc e);
const char *gw_hmac_name(enum gw_hmac h);

/* ---- options.c --------------------------------------------------------- */

#define GW_OPT_START	0x01	/* command line only */
#define GW_OPT_CTL	0x02	/* control only */

/*
 * Applies setting @name (a long option name without "--") to @st.
 * @val is "1" for a flag given on the command line. -ENOENT unknown name,
 * -EPERM not allowed from where it came, -EINVAL bad value, -ENOMEM.
 */
int gw_option_set(struct gw_state *st, const char *name, const char *val,
		  int from_control);
/* Parses the command line into @st. 0, 1 after --help, or -EINVAL. */
int gw_options_parse(struct gw_state *st, int argc, char **argv);

/* ---- log.c ------------------------------------------------------------- */

/* A line in the --log file and, with -v, on stderr. */
void __attribute__((format(printf, 2, 3)))
gw_log(const struct gw_state *st, const char *fmt, ...);
/* "warning: ..." in the log and always on stderr. */
void __attribute__((format(printf, 2, 3)))
gw_warn(const struct gw_state *st, const char *fmt, ...);
/* With -vv only, on stderr. */
void __attribute__((format(printf, 2, 3)))
gw_debug(const struct gw_state *st, const char *fmt, ...);
/* The one line of a request: method, path, field names, outcome. */
void gw_log_request(const struct gw_state *st, const struct gw_req *req,
		    const struct gw_resp *r);
/* Warns about request @req: "warning: METHOD PATH: what". */
void __attribute__((format(printf, 3, 4)))
gw_warn_req(const struct gw_state *st, const struct gw_req *req,
	    const char *fmt, ...);

/* ---- loop.c ------------------------------------------------------------ */

struct gw_watch {
	int fd;
	short events;
	int64_t deadline;	/* oc_now_ms() time, or 0 for none */
	/* revents 0 means the deadline passed */
	void (*cb)(struct gw_watch *w, short revents);
	/* called once, at a safe point, after gw_watch_close() */
	void (*release)(struct gw_watch *w);
	struct gw_loop *loop;
	int closed;
	struct gw_watch *next;
};

struct gw_loop {
	struct gw_state *st;
	struct gw_watch *watches;
	struct pollfd *pfd;
	struct gw_watch **pw;
	size_t cap;
	unsigned int nconns;
	int stop;
};

void gw_loop_init(struct gw_loop *l, struct gw_state *st);
void gw_loop_add(struct gw_loop *l, struct gw_watch *w);
/* Takes @w out of the loop; its release() runs after this round. */
void gw_watch_close(struct gw_watch *w);
/* Runs until l->stop is set. 0, or a negative errno from poll(). */
int gw_loop_run(struct gw_loop *l);
/* Releases every watch. */
void gw_loop_free(struct gw_loop *l);
/* Listens on "ADDR:PORT" / "[V6]:PORT" (numeric); the bound port in
 * *port. */
/* The local port a socket is bound to, or a negative errno. */
int gw_bound_port(int fd);
int gw_listen(struct gw_loop *l, const char *spec, int *port);

/* ---- conn.c ------------------------------------------------------------ */

/* Takes over the accepted socket @fd (closing it on failure). */
void gw_conn_start(struct gw_loop *l, int fd, const char *peer);

/* ---- tunnel.c ---------------------------------------------------------- */

/* 1 when @req asks for the HTTPS tunnel (GET GW_TUNNEL_PATH). */
int gw_tunnel_wanted(const struct gw_req *req);
/*
 * Answers a tunnel request. When the cookie is good and a getconfig came
 * since the last tunnel, sends START_TUNNEL, takes over @tls and @fd (and
 * the @n bytes at @rest that followed the request) and returns 0. Else
 * returns a negative errno with @r holding the 502 answer; @tls and @fd
 * stay the caller's. Logs the request either way.
 */
int gw_tunnel_start(struct gw_loop *l, struct gw_req *req,
		    struct gw_tls *tls, int fd, const void *rest, size_t n,
		    struct gw_resp *r);
/* Queues IP packet @pkt for the tunnel's client. -ENOBUFS when the
 * client is not reading fast enough (the packet is dropped). */
int gw_tunnel_send(struct gw_tunnel *t, const unsigned char *pkt,
		   size_t len);
/* The tunnel of the session whose address is @addr (4 or 16 bytes), or
 * NULL. */
struct gw_tunnel *gw_tunnel_by_addr(const struct gw_state *st, int family,
				    const unsigned char *addr);
/* The session a tunnel carries (NULL once it is gone). */
struct gw_session *gw_tunnel_session(const struct gw_tunnel *t);
/* Ends the tunnel: its session is gone or replaced. */
void gw_tunnel_end(struct gw_tunnel *t, const char *why);
/* Makes every tunnel look at the fault switches again, soon. */
void gw_tunnels_poke(struct gw_state *st);
size_t gw_tunnels_live(const struct gw_state *st);

/* ---- packet.c ---------------------------------------------------------- */

/*
 * An IP packet from the client of session @from (NULL: gone), through
 * either tunnel, its version already checked against the frame's
 * ethertype or ESP's next header: with a TUN device it goes there;
 * without one, an echo request to the gateway's own address is answered,
 * and a packet to another client's address goes to that client.
 */
void gw_packet_from_client(struct gw_state *st, struct gw_session *from,
			   unsigned char *pkt, size_t len);
/* An IP packet from the TUN device: to the client owning its
 * destination, if any. */
void gw_packet_to_client(struct gw_state *st, const unsigned char *pkt,
			 size_t len);
/*
 * An IP packet for the client of @s: over ESP when the session has SAs,
 * a known UDP address and no HTTPS tunnel, else over its HTTPS tunnel.
 * 0, or a negative errno when it was dropped (and counted).
 */
int gw_packet_to_session(struct gw_state *st, struct gw_session *s,
			 const unsigned char *pkt, size_t len);
/*
 * When @pkt (@len bytes, from the client of @s) is an ESP probe (section
 * 10: an unfragmented ICMP or ICMPv6 echo request from the session's
 * address to its gw-address, payload starting with the magic), turns it
 * into the echo reply in place and returns the reply's length; else 0
 * and @pkt is untouched. A gw-address of 0.0.0.0 or :: matches any
 * destination.
 */
size_t gw_probe_answer(const struct gw_session *s, unsigned char *pkt,
		       size_t len);
/* 4 or 6 when @pkt (@len bytes) has a whole IPv4 or IPv6 header, else 0;
 * its source and destination at *src and *dst. */
int gw_packet_addrs(const unsigned char *pkt, size_t len,
		    const unsigned char **src, const unsigned char **dst);

/* ---- udp.c ------------------------------------------------------------- */

/* Where a datagram came from, and which of our addresses it reached. */
struct gw_udp_addr {
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int has_local;			/* local holds the address it reached */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} local;
};

/*
 * Binds the ESP socket on the host of --listen (its family) at
 * --udp-port and watches it. When the default port 4501 is taken (other
 * gateways on the same loopback), an ephemeral one is used and getconfig
 * says so; a port given on the command line must be free. A negative
 * errno, reason on stderr.
 */
int gw_udp_start(struct gw_loop *l);
/* Sends one datagram to @to, from the address it reached us on. */
int gw_udp_send(struct gw_state *st, const struct gw_udp_addr *to,
		const void *p, size_t n);
/* The socket's timer fires no later than @when (oc_now_ms() time). */
void gw_udp_arm(struct gw_state *st, int64_t when);
/* "ADDR:PORT" or "[V6]:PORT" into host and port strings (loop.c). */
int gw_split_hostport(const char *spec, char *host, size_t hlen,
		      const char **port);
/* "a.b.c.d:port" or "[v6]:port" of @ss into @out (loop.c). */
void gw_sockaddr_name(const struct sockaddr_storage *ss, char *out,
		      size_t len);

/* ---- esp.c ------------------------------------------------------------- */

/*
 * After a getconfig that made keys (s->esp valid): the session gets new
 * SAs (IN from the c2s keys, OUT from the s2c ones); the previous IN SA
 * keeps working for GW_ESP_PREV_MS, for packets in flight; the client's
 * UDP address stays. Appends the keys to --keylog. A negative errno when
 * the SAs cannot be made (the session has no ESP then).
 */
int gw_esp_rekey(struct gw_state *st, struct gw_session *s);
/* Drops the session's SAs, all of them, and logs @why: the HTTPS
 * tunnel took over, a getconfig without ESP, the session is gone.
 * Nothing without SAs. */
void gw_esp_end(struct gw_session *s, const char *why);
/* 1 when packets for @s go over ESP (SAs and a client address). */
int gw_esp_ready(const struct gw_session *s);
/* Sends IP packet @pkt to the client of @s over ESP, with the faults.
 * 0, or a negative errno when it was dropped (and counted). */
int gw_esp_send(struct gw_state *st, struct gw_session *s,
		const unsigned char *pkt, size_t len);
/* One datagram that came to the ESP socket, at b->data/len (decrypted in
 * place). */
void gw_esp_input(struct gw_state *st, struct oc_buf *b,
		  const struct gw_udp_addr *from);
/* The session with ESP SAs whose address is @addr (4 or 16 bytes), or
 * NULL. */
struct gw_session *gw_esp_by_addr(const struct gw_state *st, int family,
				  const unsigned char *addr);
/* Sends held-back packets and frees expired SAs that are due at @now;
 * returns the next time something is due, or 0. */
int64_t gw_esp_timers(struct gw_state *st, int64_t now);
size_t gw_esp_live(const struct gw_state *st);
/* Opens --keylog for appending (mode 0600 when it is created). */
int gw_keylog_open(struct gw_state *st);

/* The client's UDP address of session @s when packets for it can go over
 * ESP, else NULL. */
const struct gw_udp_addr *gw_esp_peer(const struct gw_session *s);

/* ---- hostile.c --------------------------------------------------------- */

enum gw_hostile {
	GW_H_NONE,
	GW_H_HUGE_HEADER,
	GW_H_ENDLESS_HEADERS,
	GW_H_SHORT_LENGTH,
	GW_H_LONG_LENGTH,
	GW_H_NEGATIVE_LENGTH,
	GW_H_GARBAGE_LENGTH,
	GW_H_HUGE_LENGTH,
	GW_H_CHUNKED_FOREVER,
	GW_H_SLOW_BODY,
	GW_H_STALL,
	GW_H_GZIP_BOMB,
	GW_H_XML_LAUGHS,
	GW_H_XML_XXE,
	GW_H_XML_DEEP,
	GW_H_XML_HUGE_TEXT,
	GW_H_XML_HUGE_ATTR,
	GW_H_MTU_70000,
	GW_H_MTU_9000,
	GW_H_ROUTES,
	GW_H_SHORT_KEYS,
	GW_H_SPI_0,
	GW_H_BAD_IP,
	GW_H_NO_IP,
	GW_H_GARBAGE_LISTS,
	GW_H_FRAME_LONG,
	GW_H_FRAME_ZERO,
	GW_H_FRAME_HUGE,
	GW_H_FRAME_MAGIC,
	GW_H_FRAME_TYPE,
	GW_H_FRAME_GARBAGE,
	GW_H_ESP_FLOOD_SPI,
	GW_H_ESP_FLOOD_ICV,
};

/* An answer that goes out piece by piece: its built bytes, then what a
 * generator makes, until an end time. */
struct gw_hstream {
	int on;
	struct oc_text blob;		/* built bytes, sent from pos */
	size_t pos;
	int gen;			/* what follows the blob */
	uint64_t made;			/* generated bytes so far */
	int64_t next_ms;		/* the next piece is due then */
	int64_t until_ms;		/* the stream ends then */
};

/* Sets the mode by name ("none" turns it off). -EINVAL when unknown. */
int gw_hostile_set(struct gw_state *st, const char *name);
const char *gw_hostile_name(int mode);
/*
 * With an HTTP, XML or getconfig mode that applies to @req: changes the
 * answer @r, puts its first piece into @out, sets up @hs for the rest and
 * returns 1 (r->close says whether the connection ends after it). 0:
 * answer as usual (the body may have been changed). /testgw/ paths are
 * never touched.
 */
int gw_hostile_answer(struct gw_state *st, const struct gw_req *req,
		      struct gw_resp *r, struct oc_buf *out,
		      struct gw_hstream *hs);
/* Appends the next piece of @hs to @out: 1 when something was appended,
 * 0 when the next one is due at hs->next_ms, -1 when the stream is over. */
int gw_hostile_more(struct gw_state *st, struct gw_hstream *hs,
		    struct oc_buf *out, int64_t now);
void gw_hstream_free(struct gw_hstream *hs);
/* With a frame mode: one hostile frame into @buf (room @max, at least
 * 64), its length returned; the mode goes back to none. Else 0. */
size_t gw_hostile_frame(struct gw_state *st, unsigned char *buf,
			size_t max);
/* With an ESP flood mode: sends the bursts due at @now to every session
 * with an ESP address, and returns when the next is due (0: the flood is
 * over and the mode back to none, or no flood). */
int64_t gw_hostile_esp(struct gw_state *st, int64_t now);

/* ---- tun.c ------------------------------------------------------------- */

/* With --tun: creates the device, gives it --tun-addr (and --tun-addr6
 * with an IPv6 pool), brings it up, routes the pools to it, and watches
 * it. 0 without --tun. A negative errno, reason on stderr. */
int gw_tun_start(struct gw_loop *l);
/* Writes one IP packet to the device; -EAGAIN when it is full. */
int gw_tun_write(struct gw_state *st, const unsigned char *pkt, size_t len);

#endif
