/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GnuTLS backend of tls.h: handshake, I/O, certificate identities and
 * the hashes the rest of the program needs.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "clock.h"
#include "log.h"
#include "gnutls-int.h"
#include "tls.h"

/* Upper bound on the rounds of one handshake (each waits for the socket). */
#define MAX_HANDSHAKE_ROUNDS	10000
/* Non-fatal results (a warning alert, a renegotiation request that is
 * ignored) one read or write skips before it gives up. */
#define MAX_SKIPPED		16

/* TLS 1.2 and 1.3 only, on top of the system's (or GnuTLS') defaults. */
#define PRIORITY_VERSIONS	"-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
/* Forward secrecy (openconnect_set_pfs): no RSA key exchange in TLS 1.2. */
#define PRIORITY_PFS		PRIORITY_VERSIONS ":-RSA"

struct oc_tls {
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	const struct oc_log *lg;
	int fd;
	int cancel_fd;
	int want_write;			/* direction of the last -EAGAIN */
	int eof;			/* recv() saw the end of the stream */
	int sys_errno;			/* errno of the last failed recv/send */
	int last_err;			/* last GnuTLS error, for the logs */
	int fatal;			/* no close_notify after a failure */
	int handshaken;			/* the handshake completed */
	int cert_sent;			/* we have a client certificate */
	int got_data;			/* a read has returned data */
	int cert_hinted;		/* the user was told (see below) */
	char cipher[64];
	struct sockaddr_storage peer;
	socklen_t peerlen;
};

static char version_text[64];

static const char *version_string(void)
{
	if (!version_text[0])
		snprintf(version_text, sizeof(version_text), "GnuTLS %s",
			 gnutls_check_version(NULL));
	return version_text;
}

int oc_tls_global_init(void)
{
	/* GnuTLS initialises itself when it is loaded (3.3 and later). */
	if (!gnutls_check_version("3.6.5"))
		return -EIO;
	version_string();
	return 0;
}

const char *oc_tls_library_version(void)
{
	return version_string();
}

/* ---- Transport ------------------------------------------------------ */

/*
 * Our own transport functions: sends with MSG_NOSIGNAL (a library must not
 * raise SIGPIPE in its host program when the server has gone), and keeps
 * errno and the end of stream for map_error().
 */
static ssize_t tr_push(gnutls_transport_ptr_t p, const giovec_t *iov,
		       int iovcnt)
{
	struct oc_tls *t = p;
	struct msghdr m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.msg_iov = (struct iovec *)iov;
	m.msg_iovlen = (size_t)iovcnt;
	n = sendmsg(t->fd, &m, MSG_NOSIGNAL);
	if (n < 0) {
		t->sys_errno = errno;
		gnutls_transport_set_errno(t->session, errno);
	}
	return n;
}

static ssize_t tr_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct oc_tls *t = p;
	ssize_t n;

	n = recv(t->fd, buf, len, 0);
	if (n < 0) {
		t->sys_errno = errno;
		gnutls_transport_set_errno(t->session, errno);
	} else if (!n) {
		t->eof = 1;
	}
	return n;
}

/* The socket is non-blocking and we do the waiting ourselves (with the
 * deadline and the cancel fd): never wait here. */
static int tr_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct oc_tls *t = p;
	struct pollfd pf = { .fd = t->fd, .events = POLLIN };
	int r;

	(void)ms;
	r = poll(&pf, 1, 0);
	if (r < 0) {
		t->sys_errno = errno;
		gnutls_transport_set_errno(t->session, errno);
		return -1;
	}
	if (!r) {
		gnutls_transport_set_errno(t->session, EAGAIN);
		return -1;
	}
	return r;
}

/* ---- Errors ----------------------------------------------------------- */

/*
 * Maps a failed gnutls_record_recv/send/handshake result @r. The end of
 * the stream is 0 for a read (see tls.h on a missing close_notify) and
 * -ECONNRESET otherwise.
 */
static int map_error(struct oc_tls *t, int r, int reading)
{
	int eof = reading ? 0 : -ECONNRESET;

	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		t->want_write = gnutls_record_get_direction(t->session);
		return -EAGAIN;
	}
	t->last_err = r;
	t->fatal = 1;
	if (r == 0)
		return eof;
	if (r == GNUTLS_E_PUSH_ERROR || r == GNUTLS_E_PULL_ERROR) {
		if (!t->sys_errno)
			return eof;
		return t->sys_errno == EPIPE ? -ECONNRESET : -t->sys_errno;
	}
	if (r == GNUTLS_E_MEMORY_ERROR)
		return -ENOMEM;
	/* A TCP close without close_notify (GnuTLS says premature
	 * termination, or an unexpected record length when it stopped in
	 * a record header). */
	if (t->eof || r == GNUTLS_E_PREMATURE_TERMINATION)
		return eof;
	return -EPROTO;
}

/* "reason (alert: name)", of the last GnuTLS error. */
static void err_text(const struct oc_tls *t, char *out, size_t outlen)
{
	const char *alert = NULL;

	out[0] = '\0';
	if (!t->last_err)
		return;
	if (t->last_err == GNUTLS_E_FATAL_ALERT_RECEIVED ||
	    t->last_err == GNUTLS_E_WARNING_ALERT_RECEIVED)
		alert = gnutls_alert_get_name(gnutls_alert_get(t->session));
	snprintf(out, outlen, "%s%s%s", gnutls_strerror(t->last_err),
		 alert ? ": " : "", alert ? alert : "");
}

/* Logs (at debug: the caller reports the errno) why an I/O call failed. */
static void log_io_error(struct oc_tls *t, const char *what, int ret)
{
	char why[256];

	if (ret >= 0 || ret == -EAGAIN || !oc_log_on(t->lg, PRG_DEBUG))
		return;
	err_text(t, why, sizeof(why));
	oc_dbg(t->lg, "TLS %s failed: %s%s%s%s", what, oc_strerr(ret),
	       why[0] ? " (" : "", why, why[0] ? ")" : "");
}

/* ---- Handshake ------------------------------------------------------- */

static int load_cafile(const struct oc_log *lg,
		       gnutls_certificate_credentials_t cred,
		       const char *cafile)
{
	FILE *f;
	int ret;

	/* Tells a missing file apart from one without certificates. */
	f = fopen(cafile, "r");
	if (!f) {
		ret = -errno;
		oc_err(lg, "Cannot read CA file %s: %s", cafile,
		       oc_strerr(ret));
		return ret;
	}
	fclose(f);
	ret = gnutls_certificate_set_x509_trust_file(cred, cafile,
						     GNUTLS_X509_FMT_PEM);
	if (ret <= 0) {
		oc_err(lg, "No usable CA certificate in %s: %s", cafile,
		       ret < 0 ? gnutls_strerror(ret) :
		       "not a PEM certificate file");
		return -EINVAL;
	}
	return 0;
}

/*
 * A failure after the server asked for a certificate we lack is most
 * likely its refusal; so is a connection that ends before any answer when
 * we sent one (TLS 1.3 checks it after the client's handshake is done).
 * Say so, once, and only before the server has answered: a failure later
 * in a session that did get data is not about the certificate.
 */
static void hint_client_cert(struct oc_tls *t, int ret)
{
	if (ret >= 0 || ret == -EAGAIN || ret == -ETIMEDOUT ||
	    ret == -ECANCELED || t->cert_hinted || t->got_data)
		return;
	if (!t->cert_sent &&
	    gnutls_certificate_client_get_request_status(t->session)) {
		t->cert_hinted = 1;
		oc_err(t->lg, "The server asked for a client certificate; give one with --certificate");
	} else if (t->cert_sent) {
		t->cert_hinted = 1;
		oc_err(t->lg, "The server ended the connection before answering: it may not accept the client certificate");
	}
}

static int setup_cred(const struct oc_log *lg, const struct oc_tls_conf *conf,
		      struct oc_tls *t)
{
	int ret;

	ret = gnutls_certificate_allocate_credentials(&t->cred);
	if (ret < 0) {
		t->cred = NULL;
		return -ENOMEM;
	}
	/* The handshake completes whatever the certificate; ssl.c then
	 * applies the trust policy, so the user's callback can decide. */
	if (conf->system_trust &&
	    gnutls_certificate_set_x509_system_trust(t->cred) < 0)
		oc_dbg(lg, "Could not load the system trust store");
	if (conf->cafile) {
		ret = load_cafile(lg, t->cred, conf->cafile);
		if (ret)
			return ret;
	}
	return oc_gnutls_client_cert(lg, t->cred, conf);
}

/* Copies @host without the brackets of an IPv6 literal. Returns 1 for an
 * IP address (its bytes in @ip, *iplen set), 0 for a name, -EINVAL when
 * it does not fit (never cut a name that the certificate is checked
 * against). */
static int host_is_ip(const char *host, char *out, size_t outlen,
		      unsigned char ip[16], size_t *iplen)
{
	if (oc_host_unbracket(host, out, outlen))
		return -EINVAL;
	if (inet_pton(AF_INET, out, ip) == 1) {
		*iplen = 4;
		return 1;
	}
	if (inet_pton(AF_INET6, out, ip) == 1) {
		*iplen = 16;
		return 1;
	}
	*iplen = 0;
	return 0;
}

static int setup_session(const struct oc_log *lg,
			 const struct oc_tls_conf *conf, const char *host,
			 struct oc_tls *t)
{
	unsigned char ip[16];
	const char *errpos = NULL, *sni;
	char name[256];
	size_t iplen;
	int ip_host, r;

	ip_host = host_is_ip(host, name, sizeof(name), ip, &iplen);
	if (ip_host < 0) {
		oc_err(lg, "Invalid server name %s", host);
		return -EINVAL;
	}
	r = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
			GNUTLS_NO_SIGNAL);
	if (r < 0) {
		t->session = NULL;
		return -ENOMEM;
	}
	gnutls_session_set_ptr(t->session, t);
	r = gnutls_set_default_priority_append(t->session, conf->pfs ?
					       PRIORITY_PFS : PRIORITY_VERSIONS,
					       &errpos, 0);
	if (r < 0) {
		oc_err(lg, "Cannot set the TLS priorities: %s",
		       gnutls_strerror(r));
		return -EIO;
	}
	r = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
				   t->cred);
	if (r < 0)
		return -EIO;
	/* Our own deadline bounds the handshake. */
	gnutls_handshake_set_timeout(t->session, 0);
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_vec_push_function(t->session, tr_push);
	gnutls_transport_set_pull_function(t->session, tr_pull);
	gnutls_transport_set_pull_timeout_function(t->session,
						   tr_pull_timeout);

	/* The certificate is checked against the host the user named, also
	 * when --sni sends another name. */
	sni = conf->sni ? conf->sni : ip_host ? NULL : name;
	if (sni && gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, sni,
					  strlen(sni)) < 0) {
		oc_err(lg, "Invalid TLS server name %s", sni);
		return -EINVAL;
	}
	return 0;
}

static void log_handshake_error(const struct oc_log *lg, const char *host,
				const struct oc_tls *t, int ret)
{
	char why[256];

	if (ret == -ECANCELED) {
		oc_info(lg, "TLS handshake with %s cancelled", host);
		return;
	}
	if (ret == -ETIMEDOUT) {
		oc_err(lg, "TLS handshake with %s timed out", host);
		return;
	}
	err_text(t, why, sizeof(why));
	oc_err(lg, "TLS handshake with %s failed: %s%s%s%s", host,
	       ret == -ECONNRESET ? "the server closed the connection" :
	       oc_strerr(ret), why[0] ? " (" : "", why, why[0] ? ")" : "");
}

static int run_handshake(const struct oc_log *lg, const char *host,
			 struct oc_tls *t, int timeout_ms)
{
	int64_t deadline = oc_now_ms() + timeout_ms;
	int i, r, ret = -ETIMEDOUT;

	for (i = 0; i < MAX_HANDSHAKE_ROUNDS; i++) {
		r = gnutls_handshake(t->session);
		if (r == 0) {
			t->handshaken = 1;
			return 0;
		}
		/* A warning alert (e.g. no renegotiation) does not end it. */
		if (r == GNUTLS_E_WARNING_ALERT_RECEIVED ||
		    (r < 0 && !gnutls_error_is_fatal(r) &&
		     r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED))
			continue;
		ret = map_error(t, r, 0);
		if (ret != -EAGAIN)
			break;
		ret = oc_tls_wait_fd(t->fd, t->want_write, t->cancel_fd,
				     deadline);
		if (ret)
			break;
	}
	if (ret == -EAGAIN)
		ret = -ETIMEDOUT;
	t->fatal = 1;
	log_handshake_error(lg, host, t, ret);
	hint_client_cert(t, ret);
	return ret;
}

/* ---- The peer certificate ------------------------------------------- */

static int cert_ids(gnutls_x509_crt_t crt, const gnutls_datum_t *der,
		    struct oc_cert_ids *ids)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t spki = { NULL, 0 };
	int ret = -EIO;

	if (oc_sha256(der->data, der->size, ids->der_sha256) ||
	    oc_sha1(der->data, der->size, ids->der_sha1))
		return -EIO;
	if (gnutls_pubkey_init(&pub) < 0)
		return -ENOMEM;
	/* The DER export of a public key is its SubjectPublicKeyInfo. */
	if (gnutls_pubkey_import_x509(pub, crt, 0) < 0 ||
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) < 0)
		goto out;
	ret = oc_sha256(spki.data, spki.size, ids->spki_sha256);
out:
	gnutls_free(spki.data);
	gnutls_pubkey_deinit(pub);
	return ret;
}

/* The words OpenSSL users know, for the status bits of a failed chain. */
static const struct {
	unsigned int bit;
	const char *text;
} status_texts[] = {
	{ GNUTLS_CERT_REVOKED, "certificate revoked" },
	{ GNUTLS_CERT_SIGNER_NOT_FOUND,
	  "unable to get local issuer certificate" },
	{ GNUTLS_CERT_SIGNER_NOT_CA, "issuer is not a CA" },
	{ GNUTLS_CERT_INSECURE_ALGORITHM, "insecure signature algorithm" },
	{ GNUTLS_CERT_NOT_ACTIVATED, "certificate is not yet valid" },
	{ GNUTLS_CERT_EXPIRED, "certificate has expired" },
	{ GNUTLS_CERT_SIGNATURE_FAILURE, "certificate signature failure" },
	{ GNUTLS_CERT_PURPOSE_MISMATCH, "unsupported certificate purpose" },
	{ GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE,
	  "issuer constraints not satisfied" },
	{ GNUTLS_CERT_UNEXPECTED_OWNER, "unexpected owner" },
};

static void describe_status(unsigned int status, char *out, size_t outlen)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++) {
		if (!(status & status_texts[i].bit) || used + 3 >= outlen)
			continue;
		snprintf(out + used, outlen - used, "%s%s", used ? ", " : "",
			 status_texts[i].text);
		used = strlen(out);
	}
	if (!out[0])
		snprintf(out, outlen, "certificate verification failed");
}

/* Whether the leaf @crt names @host (a DNS name or an IP address). */
static int host_matches(gnutls_x509_crt_t crt, const char *host, int *ip)
{
	unsigned char addr[16];
	char name[256];
	size_t alen;
	int r = host_is_ip(host, name, sizeof(name), addr, &alen);

	*ip = r == 1;
	if (r < 0)
		return 0;
	if (r)
		return gnutls_x509_crt_check_ip(crt, addr, (unsigned int)alen,
						0) != 0;
	return gnutls_x509_crt_check_hostname2(crt, name, 0) != 0;
}

/* The chain against the trust store for a TLS server, then the name. */
static void verify_peer(const char *host, struct oc_tls *t,
			gnutls_x509_crt_t crt, struct oc_tls_verdict *v)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER,
	};
	unsigned int status = 0;
	int r, ip, named;

	v->verified = 0;
	v->reason[0] = '\0';
	r = gnutls_certificate_verify_peers(t->session, &purpose, 1, &status);
	named = host_matches(crt, host, &ip);
	if (r < 0) {
		snprintf(v->reason, sizeof(v->reason), "%s",
			 gnutls_strerror(r));
		return;
	}
	if (status) {
		describe_status(status, v->reason, sizeof(v->reason));
		return;
	}
	if (!named) {
		snprintf(v->reason, sizeof(v->reason),
			 "certificate is not valid for %s (%s mismatch)", host,
			 ip ? "IP address" : "hostname");
		return;
	}
	v->verified = 1;
}

static const char *version_name(gnutls_protocol_t p)
{
	switch (p) {
	case GNUTLS_TLS1_2:
		return "TLSv1.2";
	case GNUTLS_TLS1_3:
		return "TLSv1.3";
	default:
		return gnutls_protocol_get_name(p);
	}
}

static void note_cipher(struct oc_tls *t)
{
	const char *name;

#if GNUTLS_VERSION_NUMBER >= 0x030704
	/* The IANA name, e.g. TLS_AES_256_GCM_SHA384. */
	name = gnutls_ciphersuite_get(t->session);
#else
	name = gnutls_cipher_suite_get_name(gnutls_kx_get(t->session),
					    gnutls_cipher_get(t->session),
					    gnutls_mac_get(t->session));
	if (!name)
		name = gnutls_cipher_get_name(gnutls_cipher_get(t->session));
#endif
	snprintf(t->cipher, sizeof(t->cipher), "%s", name ? name : "unknown");
}

static int examine_peer(const struct oc_log *lg, const char *host,
			struct oc_tls *t, struct oc_cert_ids *ids,
			struct oc_tls_verdict *verdict)
{
	const gnutls_datum_t *list;
	gnutls_x509_crt_t crt = NULL;
	unsigned int n = 0;
	int ret;

	list = gnutls_certificate_get_peers(t->session, &n);
	if (gnutls_certificate_type_get(t->session) != GNUTLS_CRT_X509 ||
	    !list || !n) {
		oc_err(lg, "Server %s sent no certificate", host);
		return -EPROTO;
	}
	if (gnutls_x509_crt_init(&crt) < 0)
		return -ENOMEM;
	ret = gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) < 0 ?
	      -EIO : cert_ids(crt, &list[0], ids);
	if (ret) {
		oc_err(lg, "Cannot hash the certificate of %s", host);
		goto out;
	}
	verify_peer(host, t, crt, verdict);
	note_cipher(t);
	oc_dbg(lg, "TLS connected to %s: %s, %s", host,
	       version_name(gnutls_protocol_get_version(t->session)),
	       t->cipher);
out:
	gnutls_x509_crt_deinit(crt);
	return ret;
}

/* Frees all but the socket, which the caller owns until success. */
static void free_tls(struct oc_tls *t)
{
	if (t->session)
		gnutls_deinit(t->session);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	free(t);
}

int oc_tls_backend_handshake(const struct oc_log *lg,
			     const struct oc_tls_conf *conf,
			     const char *host, int fd, int timeout_ms,
			     struct oc_tls **out, struct oc_cert_ids *ids,
			     struct oc_tls_verdict *verdict)
{
	struct oc_tls *t;
	int ret;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = fd;
	t->cancel_fd = conf->cancel_fd;
	t->lg = lg;
	t->peerlen = sizeof(t->peer);
	if (getpeername(fd, (struct sockaddr *)&t->peer, &t->peerlen))
		t->peerlen = 0;
	t->cert_sent = conf->cert != NULL;

	ret = setup_cred(lg, conf, t);
	if (!ret)
		ret = setup_session(lg, conf, host, t);
	if (!ret)
		ret = run_handshake(lg, host, t, timeout_ms);
	if (!ret)
		ret = examine_peer(lg, host, t, ids, verdict);
	if (ret) {
		free_tls(t);
		return ret;
	}
	*out = t;
	return 0;
}

/* ---- I/O ---------------------------------------------------------------- */

/* Results that are not failures and not data: a warning alert, or a
 * request to renegotiate, which a client may ignore. */
static int skippable(int r)
{
	return r == GNUTLS_E_WARNING_ALERT_RECEIVED ||
	       r == GNUTLS_E_REHANDSHAKE ||
	       (r < 0 && r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED &&
		!gnutls_error_is_fatal(r));
}

ssize_t oc_tls_read(struct oc_tls *t, void *buf, size_t len)
{
	ssize_t n = GNUTLS_E_AGAIN;
	int i, ret;

	if (!len)
		return -EINVAL;
	for (i = 0; i < MAX_SKIPPED; i++) {
		n = gnutls_record_recv(t->session, buf, len);
		if (!skippable((int)n))
			break;
	}
	if (n > 0) {
		t->got_data = 1;
		return n;
	}
	if (skippable((int)n))
		n = GNUTLS_E_AGAIN;
	ret = map_error(t, (int)n, 1);
	log_io_error(t, "read", ret);
	hint_client_cert(t, ret);
	return ret;
}

ssize_t oc_tls_write(struct oc_tls *t, const void *buf, size_t len)
{
	ssize_t n = GNUTLS_E_AGAIN;
	int i, ret;

	if (!len)
		return 0;
	for (i = 0; i < MAX_SKIPPED; i++) {
		n = gnutls_record_send(t->session, buf, len);
		if (!skippable((int)n))
			break;
	}
	if (n > 0)
		return n;
	if (skippable((int)n))
		n = GNUTLS_E_AGAIN;
	/* A write returns 0 only for an empty buffer. */
	ret = map_error(t, n ? (int)n : GNUTLS_E_PUSH_ERROR, 0);
	log_io_error(t, "write", ret);
	hint_client_cert(t, ret);
	return ret;
}

const char *oc_tls_cipher_name(const struct oc_tls *t)
{
	return t ? t->cipher : NULL;
}

size_t oc_tls_pending(const struct oc_tls *t)
{
	return gnutls_record_check_pending(t->session);
}

int oc_tls_fd(const struct oc_tls *t)
{
	return t->fd;
}

const struct sockaddr *oc_tls_peer_addr(const struct oc_tls *t,
					socklen_t *len)
{
	if (len)
		*len = t->peerlen;
	return t->peerlen ? (const struct sockaddr *)&t->peer : NULL;
}

int oc_tls_backend_wants_write(const struct oc_tls *t)
{
	return t->want_write;
}

int oc_tls_backend_cancel_fd(const struct oc_tls *t)
{
	return t->cancel_fd;
}

void oc_tls_close(struct oc_tls *t)
{
	if (!t)
		return;
	/* One try at close_notify: the socket is non-blocking and we do not
	 * wait for the server's answer. */
	if (!t->fatal && t->handshaken)
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
	if (t->fd >= 0)
		close(t->fd);
	free_tls(t);
}

/* ---- Crypto helpers ------------------------------------------------- */

static const unsigned char empty[1];

static int digest(gnutls_digest_algorithm_t alg, const void *data,
		  size_t len, unsigned char *out)
{
	if (gnutls_hash_fast(alg, len ? data : empty, len, out) < 0)
		return -EIO;
	return 0;
}

int oc_sha256(const void *data, size_t len, unsigned char out[32])
{
	return digest(GNUTLS_DIG_SHA256, data, len, out);
}

int oc_sha1(const void *data, size_t len, unsigned char out[20])
{
	return digest(GNUTLS_DIG_SHA1, data, len, out);
}

int oc_md5(const void *data, size_t len, unsigned char out[16])
{
	return digest(GNUTLS_DIG_MD5, data, len, out);
}

int oc_hmac(const char *alg, const void *key, size_t keylen,
	    const void *data, size_t len, unsigned char *out,
	    size_t *outlen)
{
	gnutls_mac_algorithm_t mac;

	if (!strcmp(alg, "sha1"))
		mac = GNUTLS_MAC_SHA1;
	else if (!strcmp(alg, "sha256"))
		mac = GNUTLS_MAC_SHA256;
	else if (!strcmp(alg, "sha512"))
		mac = GNUTLS_MAC_SHA512;
	else
		return -EINVAL;
	/* Callers may pass NULL for empty input; GnuTLS gets a pointer. */
	if (gnutls_hmac_fast(mac, keylen ? key : empty, keylen,
			     len ? data : empty, len, out) < 0)
		return -EIO;
	*outlen = gnutls_hmac_get_len(mac);
	return 0;
}

int oc_random_bytes(void *out, size_t len)
{
	if (len && gnutls_rnd(GNUTLS_RND_KEY, out, len) < 0)
		return -EIO;
	return 0;
}

/* ---- The peer's certificates, for the library's callers --------------- */

int oc_tls_peer_chain(const struct oc_tls *t, struct oc_der **chain, int *n)
{
	/* On the client side the list starts with the server's own. */
	const gnutls_datum_t *list;
	unsigned int i, count = 0;
	struct oc_der *c;

	*chain = NULL;
	*n = 0;
	list = gnutls_certificate_get_peers(t->session, &count);
	if (!list || !count || count > 1000)
		return -ENOENT;
	c = calloc(count, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		c[i].data = malloc(list[i].size ? list[i].size : 1);
		if (!c[i].data) {
			oc_der_chain_free(c, (int)count);
			return -ENOMEM;
		}
		memcpy(c[i].data, list[i].data, list[i].size);
		c[i].len = list[i].size;
	}
	*chain = c;
	*n = (int)count;
	return 0;
}

char *oc_tls_cert_text(const unsigned char *der, size_t len)
{
	gnutls_datum_t in = { (unsigned char *)der, (unsigned int)len };
	gnutls_datum_t text = { NULL, 0 };
	gnutls_x509_crt_t crt;
	char *out = NULL;

	if (len > 0xffffffffu || gnutls_x509_crt_init(&crt) < 0)
		return NULL;
	if (gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_print(crt, GNUTLS_CRT_PRINT_FULL,
				  &text) >= 0)
		out = strndup((const char *)text.data, text.size);
	gnutls_free(text.data);
	gnutls_x509_crt_deinit(crt);
	return out;
}
