/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TCP and TLS connections to the VPN server.
 *
 * ssl.c holds what does not depend on the TLS library: name resolution,
 * TCP connect with a timeout, certificate pins and the trust policy.
 * The backend (openssl.c, or gnutls.c) does the handshake and I/O and
 * reports what it found about the peer certificate.
 *
 * Trust policy, in order:
 *  1. A --servercert pin replaces the CA check: a match is accepted, a
 *     mismatch is always fatal.
 *  2. A certificate accepted earlier in this session (same pin) is accepted.
 *  3. A certificate that verifies against the trust store (system store
 *     unless disabled, plus --cafile) for the host name is accepted.
 *  4. Otherwise the validate_peer_cert callback decides; without one, or
 *     when it refuses, the connection fails with -EPERM.
 */
#ifndef OC_TLS_H
#define OC_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include "openconnect.h"
#include "log.h"
#include "proxy-connect.h"
#include "secret.h"

#define OC_PIN_SHA256_PREFIX	"pin-sha256:"
/* "pin-sha256:" + base64 of 32 bytes + NUL */
#define OC_PIN_LEN		(11 + 44 + 1)

/* Hashes identifying a certificate, as the three pin forms use them. */
struct oc_cert_ids {
	unsigned char spki_sha256[32];	/* pin-sha256: of the public key */
	unsigned char der_sha256[32];	/* sha256: of the whole certificate */
	unsigned char der_sha1[20];	/* sha1: of the whole certificate */
};

struct oc_tls_conf {
	char *cafile;			/* extra CAs (PEM); NULL: none */
	char *cert;			/* client certificate, PEM or PKCS#12 */
	char *key;			/* its key (PEM); NULL: in @cert */
	struct oc_secret key_password;	/* of the key or the PKCS#12 file */
	int system_trust;		/* use the system store (default 1) */
	char *sni;			/* server name sent; NULL: host name */
	char *pin;			/* --servercert; NULL: none */
	char *accepted_pin;		/* pin-sha256 the user accepted */
	struct oc_proxy proxy;		/* -P; type OC_PROXY_NONE: none */
	int proxy_auto;			/* --libproxy: ask the system */
	char *resolve_host;		/* --resolve HOST:IP, or NULL */
	char *resolve_ip;
	int timeout_ms;			/* connect + handshake; 0: 30 s */
	int cancel_fd;			/* readable = abort waiting; -1 */
	openconnect_validate_peer_cert_vfn validate;
	void *cb_priv;
	openconnect_getaddrinfo_vfn gai;	/* NULL: getaddrinfo() */
	openconnect_protect_socket_vfn protect;	/* each new socket */
	int pfs;			/* TLS 1.2 only with forward secrecy */
	int cert_expiry_warn_s;		/* client certificate; 0: 60 days */
	/* Of the last server certificate seen (valid when have_peer). */
	int have_peer;
	struct oc_cert_ids peer;
	char peer_pin[OC_PIN_LEN];
	char peer_ip[46];		/* numeric address of the last server */
	int path_mtu;			/* of its TCP connection; 0: unknown */
	struct oc_der *peer_chain;	/* what it sent, its own first */
	int peer_chain_n;
};

void oc_tls_conf_init(struct oc_tls_conf *c);
void oc_tls_conf_free(struct oc_tls_conf *c);

struct oc_tls;	/* one TLS connection (opaque) */

/* Process-wide set-up of the backend; idempotent. */
int oc_tls_global_init(void);
const char *oc_tls_library_version(void);

/*
 * Resolves @host (or uses conf->resolve_ip when conf->resolve_host equals
 * @host), connects by TCP to each address in turn within the timeout, and
 * returns the connected, non-blocking socket, or a negative errno:
 * -EHOSTUNREACH (no address), -ETIMEDOUT, -ECONNREFUSED, -ECANCELED.
 * The peer address is copied to @peer when non-NULL.
 */
int oc_tcp_connect(const struct oc_log *lg, const struct oc_tls_conf *conf,
		   const char *host, int port,
		   struct sockaddr_storage *peer, socklen_t *peerlen);

/*
 * TCP connect, TLS handshake (TLS 1.2 or 1.3, SNI) and the trust policy
 * above. On success *out is the connection and conf->peer is filled in.
 * The connection keeps @lg for its later (debug) messages: it must outlive
 * the connection.
 * -EPERM: certificate refused; -ECONNRESET / -EPROTO: handshake failed.
 */
int oc_tls_connect(const struct oc_log *lg, struct oc_tls_conf *conf,
		   const char *host, int port, struct oc_tls **out);

/* Non-blocking I/O: -EAGAIN when it would block, 0 from read at an orderly
 * close, a negative errno on failure. A TCP close without close_notify
 * also reads as 0: many servers omit it, and HTTP bodies delimited by the
 * close need the end; framed data (Content-Length, chunks, tunnel frames)
 * detects a truncation itself. A reset is -ECONNRESET. */
ssize_t oc_tls_read(struct oc_tls *t, void *buf, size_t len);
ssize_t oc_tls_write(struct oc_tls *t, const void *buf, size_t len);
/* Blocking variants bounded by @timeout_ms (and conf->cancel_fd):
 * -ETIMEDOUT, -ECANCELED. oc_tls_write_all writes everything or fails
 * (0 on success). A @timeout_ms <= 0 means the default 30 s. */
ssize_t oc_tls_read_wait(struct oc_tls *t, void *buf, size_t len,
			 int timeout_ms);
int oc_tls_write_all(struct oc_tls *t, const void *buf, size_t len,
		     int timeout_ms);
/* The negotiated cipher suite, e.g. "TLS_AES_256_GCM_SHA384". */
const char *oc_tls_cipher_name(const struct oc_tls *t);
/* Bytes already decrypted and waiting in the backend. */
size_t oc_tls_pending(const struct oc_tls *t);
int oc_tls_fd(const struct oc_tls *t);
const struct sockaddr *oc_tls_peer_addr(const struct oc_tls *t,
					socklen_t *len);
/* Sends close_notify when it can, closes the socket, frees. NULL is fine. */
void oc_tls_close(struct oc_tls *t);

/*
 * Pins. Forms: "pin-sha256:BASE64", "sha256:HEX", "sha1:HEX" (hex in either
 * case); a prefix of the hash is enough. Returns 0 on a match, 1 on a
 * mismatch, -EINVAL when @pin is malformed.
 */
int oc_pin_check(const char *pin, const struct oc_cert_ids *ids);
/* 0 when @pin is well-formed; sets *bits to how many bits it pins. */
int oc_pin_parse(const char *pin, unsigned int *bits);
void oc_pin_format(const struct oc_cert_ids *ids, char out[OC_PIN_LEN]);

/* Copies @host into @out without the brackets of an IPv6 literal;
 * -EINVAL when empty or longer than @outlen allows (a name is never cut). */
int oc_host_unbracket(const char *host, char *out, size_t outlen);

/* Backend interface, used by ssl.c only. */
struct oc_tls_verdict {
	int verified;		/* chain and host name verified */
	char reason[128];	/* why not, for the user */
};
/* One certificate, DER. */
struct oc_der {
	unsigned char *data;
	size_t len;
};

void oc_der_chain_free(struct oc_der *chain, int n);
/* The certificates the peer sent, its own first, as copies in a new
 * array of *@n (free with oc_der_chain_free). -ENOENT when none. */
int oc_tls_peer_chain(const struct oc_tls *t, struct oc_der **chain, int *n);
/* A certificate in words (subject, issuer, validity, names...), malloc'ed;
 * NULL when @der does not parse or memory is short. */
char *oc_tls_cert_text(const unsigned char *der, size_t len);

/* On success the connection owns @fd; on failure the caller still does. */
int oc_tls_backend_handshake(const struct oc_log *lg,
			     const struct oc_tls_conf *conf,
			     const char *host, int fd, int timeout_ms,
			     struct oc_tls **out, struct oc_cert_ids *ids,
			     struct oc_tls_verdict *verdict);
/* After -EAGAIN: 1 when the last operation waits for the socket to become
 * writable (a read during renegotiation can), 0 when it waits to read. */
int oc_tls_backend_wants_write(const struct oc_tls *t);
/* conf->cancel_fd as it was at the handshake, or -1. */
int oc_tls_backend_cancel_fd(const struct oc_tls *t);
/*
 * From ssl.c, for the backends: waits until @fd is readable (or writable
 * when @want_write), @cancel_fd (when >= 0) is readable, or the monotonic
 * time oc_now_ms() reaches @deadline_ms. 0 when @fd is ready (or has an
 * error for the next operation to report), -ETIMEDOUT, -ECANCELED.
 */
int oc_tls_wait_fd(int fd, int want_write, int cancel_fd,
		   int64_t deadline_ms);

/* Cryptographic helpers from the backend, for the rest of the program. */
int oc_sha256(const void *data, size_t len, unsigned char out[32]);
int oc_sha1(const void *data, size_t len, unsigned char out[20]);
int oc_md5(const void *data, size_t len, unsigned char out[16]);
/* @alg is "sha1", "sha256" or "sha512"; *outlen is set to the MAC size;
 * @out holds 64 bytes. -EINVAL for another @alg. */
int oc_hmac(const char *alg, const void *key, size_t keylen,
	    const void *data, size_t len, unsigned char *out,
	    size_t *outlen);
int oc_random_bytes(void *out, size_t len);

#endif
