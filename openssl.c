/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OpenSSL backend of tls.h: handshake, I/O, certificate identities and
 * the hashes the rest of the program needs.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "log.h"
#include "openssl-int.h"
#include "tls.h"

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#define SSL_get1_peer_certificate SSL_get_peer_certificate
#endif

/* Upper bound on the rounds of one handshake (each waits for the socket). */
#define MAX_HANDSHAKE_ROUNDS	10000

struct oc_tls {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO_METHOD *meth;		/* our socket BIO, see bio_write() */
	const struct oc_log *lg;
	int fd;
	int cancel_fd;
	int want_write;			/* direction of the last -EAGAIN */
	int eof;			/* recv() saw the end of the stream */
	int sys_errno;			/* errno of the last failed recv/send */
	int fatal;			/* no close_notify after a failure */
	int cert_asked;			/* the server asked for a client
					 * certificate and we had none */
	int cert_sent;			/* we have a client certificate */
	int got_data;			/* a read has returned data */
	int cert_hinted;		/* the user was told (see below) */
	struct sockaddr_storage peer;
	socklen_t peerlen;
};

int oc_tls_global_init(void)
{
	/* OpenSSL makes this idempotent and thread-safe itself. */
	if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
			      OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL))
		return -EIO;
	return 0;
}

const char *oc_tls_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

/* Drains the error queue of this thread into @out ("a; b"). */
static void err_text(char *out, size_t outlen)
{
	char one[256];
	unsigned long e;
	size_t used = 0;

	out[0] = '\0';
	while ((e = ERR_get_error()) && used + 3 < outlen) {
		ERR_error_string_n(e, one, sizeof(one));
		snprintf(out + used, outlen - used, "%s%s",
			 used ? "; " : "", one);
		used = strlen(out);
	}
	ERR_clear_error();
}

/* ---- A socket BIO --------------------------------------------------- */

/*
 * OpenSSL's own socket BIO writes with write(), which raises SIGPIPE when
 * the server has gone; a library must not kill its host program, so ours
 * sends with MSG_NOSIGNAL. It also keeps errno and the end of stream for
 * map_error().
 */
static int bio_write(BIO *b, const char *buf, int len)
{
	struct oc_tls *t = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = send(t->fd, buf, (size_t)len, MSG_NOSIGNAL);
	if (n < 0) {
		t->sys_errno = errno;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			BIO_set_retry_write(b);
		return -1;
	}
	return (int)n;
}

static int bio_read(BIO *b, char *buf, int len)
{
	struct oc_tls *t = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = recv(t->fd, buf, (size_t)len, 0);
	if (n < 0) {
		t->sys_errno = errno;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			BIO_set_retry_read(b);
		return -1;
	}
	if (!n)
		t->eof = 1;
	return (int)n;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct oc_tls *t = BIO_get_data(b);

	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_EOF:
		/* Lets OpenSSL 3 tell an unexpected EOF from an error. */
		return t->eof;
	default:
		return 0;
	}
}

static int attach_bio(struct oc_tls *t)
{
	BIO *bio;

	t->meth = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "oc socket");
	if (!t->meth || !BIO_meth_set_write(t->meth, bio_write) ||
	    !BIO_meth_set_read(t->meth, bio_read) ||
	    !BIO_meth_set_ctrl(t->meth, bio_ctrl))
		return -ENOMEM;
	bio = BIO_new(t->meth);
	if (!bio)
		return -ENOMEM;
	BIO_set_data(bio, t);
	BIO_set_init(bio, 1);
	SSL_set_bio(t->ssl, bio, bio);
	return 0;
}

/* ---- Errors ----------------------------------------------------------- */

/*
 * Maps a failed SSL_read/SSL_write/SSL_connect result @r. The end of the
 * stream is 0 for a read (see tls.h on a missing close_notify) and
 * -ECONNRESET otherwise.
 */
static int map_error(struct oc_tls *t, int r, int reading)
{
	int eof = reading ? 0 : -ECONNRESET;
	unsigned long e;

	switch (SSL_get_error(t->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		t->want_write = 0;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		t->want_write = 1;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return eof;
	case SSL_ERROR_SYSCALL:
		t->fatal = 1;
		if (t->eof || !t->sys_errno)
			return eof;
		return t->sys_errno == EPIPE ? -ECONNRESET : -t->sys_errno;
	case SSL_ERROR_SSL:
		t->fatal = 1;
		e = ERR_peek_error();
		if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
			return eof;
		return -EPROTO;
	default:
		t->fatal = 1;
		return -EIO;
	}
}

/* Logs (at debug: the caller reports the errno) why an I/O call failed. */
static void log_io_error(struct oc_tls *t, const char *what, int ret)
{
	char why[512];

	if (ret >= 0 || ret == -EAGAIN || !oc_log_on(t->lg, PRG_DEBUG)) {
		ERR_clear_error();
		return;
	}
	err_text(why, sizeof(why));
	oc_dbg(t->lg, "TLS %s failed: %s%s%s%s", what, oc_strerr(ret),
	       why[0] ? " (" : "", why, why[0] ? ")" : "");
}

/* ---- Handshake ------------------------------------------------------- */

static int load_cafile(const struct oc_log *lg, SSL_CTX *ctx,
		       const char *cafile)
{
	char why[512];
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
	ERR_clear_error();
	if (!SSL_CTX_load_verify_locations(ctx, cafile, NULL)) {
			err_text(why, sizeof(why));
		oc_err(lg, "No usable CA certificate in %s: %s", cafile,
		       why[0] ? why : "not a PEM certificate file");
		return -EINVAL;
	}
	return 0;
}

/* Called when the server asks for a client certificate and none is set. */
static int note_cert_request(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	struct oc_tls *t = SSL_get_app_data(ssl);

	(void)x509;
	(void)pkey;
	if (t)
		t->cert_asked = 1;
	return 0;
}

/*
 * A failure after the server asked for a certificate we lack is most
 * likely its refusal; so is a connection that ends before any answer when
 * we sent one (TLS 1.3 checks it after the client's handshake is done).
 * Say so, once.
 */
static void hint_client_cert(struct oc_tls *t, int ret)
{
	if (ret >= 0 || ret == -EAGAIN || ret == -ETIMEDOUT ||
	    ret == -ECANCELED || t->cert_hinted)
		return;
	if (t->cert_asked) {
		t->cert_hinted = 1;
		oc_err(t->lg, "The server asked for a client certificate; give one with --certificate");
	} else if (t->cert_sent && !t->got_data) {
		t->cert_hinted = 1;
		oc_err(t->lg, "The server ended the connection before answering: it may not accept the client certificate");
	}
}

static int setup_ctx(const struct oc_log *lg, const struct oc_tls_conf *conf,
		     struct oc_tls *t)
{
	int ret;

	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx)
		return -ENOMEM;
	if (!SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(t->ctx, TLS1_3_VERSION))
		return -EIO;
	/* The handshake completes whatever the certificate; ssl.c then
	 * applies the trust policy, so the user's callback can decide. */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* A TCP close without close_notify ends the stream (see tls.h). */
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	/* Forward secrecy: no RSA key exchange in TLS 1.2 (1.3 has none). */
	if (conf->pfs &&
	    !SSL_CTX_set_cipher_list(t->ctx, "HIGH:!aNULL:!eNULL:!kRSA:!PSK:!SRP"))
		return -EINVAL;
	if (conf->system_trust && !SSL_CTX_set_default_verify_paths(t->ctx)) {
		ERR_clear_error();
		oc_dbg(lg, "Could not load the system trust store");
	}
	if (conf->cafile) {
		ret = load_cafile(lg, t->ctx, conf->cafile);
		if (ret)
			return ret;
	}
	if (!conf->cert) {
		SSL_CTX_set_client_cert_cb(t->ctx, note_cert_request);
		return 0;
	}
	return oc_openssl_client_cert(lg, t->ctx, conf);
}

/* Copies @host without the brackets of an IPv6 literal. Returns 1 for an
 * IP address, 0 for a name, -EINVAL when it does not fit (never cut a
 * name that the certificate is checked against). */
static int host_is_ip(const char *host, char *out, size_t outlen)
{
	unsigned char a[16];

	if (oc_host_unbracket(host, out, outlen))
		return -EINVAL;
	return inet_pton(AF_INET, out, a) == 1 ||
	       inet_pton(AF_INET6, out, a) == 1;
}

/* The certificate is checked against the host the user named, also when
 * --sni sends another name. */
static int set_names(const struct oc_log *lg, const struct oc_tls_conf *conf,
		     const char *host, SSL *ssl)
{
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
	char name[256];
	int ip = host_is_ip(host, name, sizeof(name));
	const char *sni = conf->sni ? conf->sni : ip ? NULL : name;

	if (ip < 0) {
		oc_err(lg, "Invalid server name %s", host);
		return -EINVAL;
	}
	X509_VERIFY_PARAM_set_hostflags(vp,
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (ip ? !X509_VERIFY_PARAM_set1_ip_asc(vp, name) :
		 !X509_VERIFY_PARAM_set1_host(vp, name, 0)) {
		ERR_clear_error();
		oc_err(lg, "Invalid server name %s", host);
		return -EINVAL;
	}
	if (sni && !SSL_set_tlsext_host_name(ssl, sni)) {
		ERR_clear_error();
		oc_err(lg, "Invalid TLS server name %s", sni);
		return -EINVAL;
	}
	return 0;
}

static void log_handshake_error(const struct oc_log *lg, const char *host,
				int ret)
{
	char why[512];

	if (ret == -ECANCELED) {
		ERR_clear_error();
		oc_info(lg, "TLS handshake with %s cancelled", host);
		return;
	}
	if (ret == -ETIMEDOUT) {
		ERR_clear_error();
		oc_err(lg, "TLS handshake with %s timed out", host);
		return;
	}
	err_text(why, sizeof(why));
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
		ERR_clear_error();
		r = SSL_connect(t->ssl);
		if (r == 1)
			return 0;
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
	log_handshake_error(lg, host, ret);
	hint_client_cert(t, ret);
	return ret;
}

/* ---- The peer certificate ------------------------------------------- */

static int cert_ids(X509 *cert, struct oc_cert_ids *ids)
{
	unsigned char *der = NULL;
	int n, ret = -EIO;

	n = i2d_X509(cert, &der);
	if (n <= 0)
		goto out;
	if (oc_sha256(der, (size_t)n, ids->der_sha256) ||
	    oc_sha1(der, (size_t)n, ids->der_sha1))
		goto out;
	OPENSSL_free(der);
	der = NULL;
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (n <= 0)
		goto out;
	ret = oc_sha256(der, (size_t)n, ids->spki_sha256);
out:
	OPENSSL_free(der);
	return ret;
}

static void describe_verify(long v, const char *host,
			    struct oc_tls_verdict *verdict)
{
	const char *s = X509_verify_cert_error_string(v);

	verdict->verified = v == X509_V_OK;
	if (verdict->verified)
		verdict->reason[0] = '\0';
	else if (v == X509_V_ERR_HOSTNAME_MISMATCH ||
		 v == X509_V_ERR_IP_ADDRESS_MISMATCH)
		snprintf(verdict->reason, sizeof(verdict->reason),
			 "certificate is not valid for %s (%s)", host, s);
	else
		snprintf(verdict->reason, sizeof(verdict->reason), "%s", s);
}

static int examine_peer(const struct oc_log *lg, const char *host,
			struct oc_tls *t, struct oc_cert_ids *ids,
			struct oc_tls_verdict *verdict)
{
	X509 *cert = SSL_get1_peer_certificate(t->ssl);
	int ret;

	if (!cert) {
		oc_err(lg, "Server %s sent no certificate", host);
		return -EPROTO;
	}
	ret = cert_ids(cert, ids);
	X509_free(cert);
	if (ret) {
		ERR_clear_error();
		oc_err(lg, "Cannot hash the certificate of %s", host);
		return ret;
	}
	describe_verify(SSL_get_verify_result(t->ssl), host, verdict);
	oc_dbg(lg, "TLS connected to %s: %s, %s", host,
	       SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
	return 0;
}

/* Frees all but the socket, which the caller owns until success. */
static void free_tls(struct oc_tls *t)
{
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	BIO_meth_free(t->meth);
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

	ret = setup_ctx(lg, conf, t);
	if (ret)
		goto out;
	ret = -ENOMEM;
	t->ssl = SSL_new(t->ctx);
	if (!t->ssl || attach_bio(t))
		goto out;
	SSL_set_app_data(t->ssl, t);
	t->cert_sent = conf->cert != NULL;
	ret = set_names(lg, conf, host, t->ssl);
	if (!ret)
		ret = run_handshake(lg, host, t, timeout_ms);
	if (!ret)
		ret = examine_peer(lg, host, t, ids, verdict);
out:
	if (ret) {
		ERR_clear_error();
		free_tls(t);
		return ret;
	}
	*out = t;
	return 0;
}

/* ---- I/O ---------------------------------------------------------------- */

ssize_t oc_tls_read(struct oc_tls *t, void *buf, size_t len)
{
	int n, ret;

	if (!len)
		return -EINVAL;
	ERR_clear_error();
	n = SSL_read(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (n > 0) {
		t->got_data = 1;
		return n;
	}
	ret = map_error(t, n, 1);
	log_io_error(t, "read", ret);
	hint_client_cert(t, ret);
	return ret;
}

ssize_t oc_tls_write(struct oc_tls *t, const void *buf, size_t len)
{
	int n, ret;

	if (!len)
		return 0;
	ERR_clear_error();
	n = SSL_write(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (n > 0)
		return n;
	ret = map_error(t, n, 0);
	log_io_error(t, "write", ret);
	hint_client_cert(t, ret);
	return ret;
}

const char *oc_tls_cipher_name(const struct oc_tls *t)
{
	return t ? SSL_get_cipher_name(t->ssl) : NULL;
}

size_t oc_tls_pending(const struct oc_tls *t)
{
	int n = SSL_pending(t->ssl);

	return n > 0 ? (size_t)n : 0;
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
	if (!t->fatal && SSL_is_init_finished(t->ssl)) {
		ERR_clear_error();
		SSL_shutdown(t->ssl);
		ERR_clear_error();
	}
	if (t->fd >= 0)
		close(t->fd);
	free_tls(t);
}

/* ---- Crypto helpers ------------------------------------------------- */

static int digest(const EVP_MD *md, const void *data, size_t len,
		  unsigned char *out)
{
	if (!md || !EVP_Digest(data, len, out, NULL, md, NULL)) {
		ERR_clear_error();
		return -EIO;
	}
	return 0;
}

int oc_sha256(const void *data, size_t len, unsigned char out[32])
{
	return digest(EVP_sha256(), data, len, out);
}

int oc_sha1(const void *data, size_t len, unsigned char out[20])
{
	return digest(EVP_sha1(), data, len, out);
}

int oc_md5(const void *data, size_t len, unsigned char out[16])
{
	return digest(EVP_md5(), data, len, out);
}

int oc_hmac(const char *alg, const void *key, size_t keylen,
	    const void *data, size_t len, unsigned char *out,
	    size_t *outlen)
{
	static const unsigned char nokey[1];
	const EVP_MD *md;
	unsigned int n = 0;

	if (!strcmp(alg, "sha1"))
		md = EVP_sha1();
	else if (!strcmp(alg, "sha256"))
		md = EVP_sha256();
	else if (!strcmp(alg, "sha512"))
		md = EVP_sha512();
	else
		return -EINVAL;
	if (keylen > INT_MAX)
		return -EINVAL;
	/* Callers may pass NULL for empty input; OpenSSL gets a pointer. */
	if (!HMAC(md, keylen ? key : nokey, (int)keylen,
		  data ? data : nokey, len, out, &n)) {
		ERR_clear_error();
		return -EIO;
	}
	*outlen = n;
	return 0;
}

int oc_random_bytes(void *out, size_t len)
{
	unsigned char *p = out;
	int n;

	while (len) {
		n = len > INT_MAX ? INT_MAX : (int)len;
		if (RAND_bytes(p, n) != 1) {
			ERR_clear_error();
			return -EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- The peer's certificates, for the library's callers --------------- */

static int der_of(X509 *x, struct oc_der *d)
{
	unsigned char *p = NULL;
	int len = i2d_X509(x, &p);

	if (len <= 0)
		return -EINVAL;
	d->data = malloc((size_t)len);
	if (!d->data) {
		OPENSSL_free(p);
		return -ENOMEM;
	}
	memcpy(d->data, p, (size_t)len);
	d->len = (size_t)len;
	OPENSSL_free(p);
	return 0;
}

int oc_tls_peer_chain(const struct oc_tls *t, struct oc_der **chain, int *n)
{
	/* On the client side the chain starts with the server's own. */
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(t->ssl);
	int i, count = sk ? sk_X509_num(sk) : 0, ret = 0;
	struct oc_der *c;

	*chain = NULL;
	*n = 0;
	if (count <= 0)
		return -ENOENT;
	c = calloc((size_t)count, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < count && !ret; i++)
		ret = der_of(sk_X509_value(sk, i), &c[i]);
	if (ret) {
		oc_der_chain_free(c, count);
		return ret;
	}
	*chain = c;
	*n = count;
	return 0;
}

char *oc_tls_cert_text(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = len <= LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
	BIO *b = x ? BIO_new(BIO_s_mem()) : NULL;
	char *data, *out = NULL;
	long n;

	if (b && X509_print_ex(b, x, XN_FLAG_ONELINE, X509_FLAG_NO_SIGDUMP |
			       X509_FLAG_NO_PUBKEY) == 1) {
		n = BIO_get_mem_data(b, &data);
		if (n > 0)
			out = strndup(data, (size_t)n);
	}
	BIO_free(b);
	X509_free(x);
	ERR_clear_error();
	return out;
}
