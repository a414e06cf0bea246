/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OpenSSL for the test gateway: the TLS server, random bytes, HMAC.
 *
 * This is the gateway's only file that includes OpenSSL headers, so the
 * rest of it reads like the client's code, which sees TLS through one
 * small interface.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "gw.h"
#include "num.h"

struct gw_tls_ctx {
	SSL_CTX *ctx;
};

struct gw_tls {
	SSL *ssl;
	short want;
	char err[160];
};

static int ctx_load(SSL_CTX *ctx, const char *cert, const char *key)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		fprintf(stderr, "gp-testgw: cannot load certificate %s\n",
			cert);
		return -EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "gp-testgw: cannot load key %s\n", key);
		return -EINVAL;
	}
	return 0;
}

int gw_tls_ctx_new(const char *cert, const char *key,
		   struct gw_tls_ctx **out)
{
	struct gw_tls_ctx *c = calloc(1, sizeof(*c));
	int ret = -ENOMEM;

	if (!c)
		return ret;
	c->ctx = SSL_CTX_new(TLS_server_method());
	if (!c->ctx)
		goto out;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	/* Partial writes let one big answer go out over several wake-ups. */
	SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* Clients that just close the socket are normal here. */
	SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	ret = ctx_load(c->ctx, cert, key);
out:
	if (ret) {
		ERR_print_errors_fp(stderr);
		gw_tls_ctx_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int gw_tls_ctx_require_client(struct gw_tls_ctx *c, const char *cafile)
{
	STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cafile);

	if (!names || SSL_CTX_load_verify_locations(c->ctx, cafile, NULL) != 1) {
		sk_X509_NAME_pop_free(names, X509_NAME_free);
		fprintf(stderr, "gp-testgw: cannot load client CA %s\n", cafile);
		ERR_print_errors_fp(stderr);
		return -EINVAL;
	}
	SSL_CTX_set_client_CA_list(c->ctx, names);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
}

void gw_tls_ctx_free(struct gw_tls_ctx *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ctx);
	free(c);
}

int gw_tls_ctx_pin(struct gw_tls_ctx *c, char *out, size_t outlen)
{
	unsigned char *der = NULL, md[32];
	char b64[4 * ((sizeof(md) + 2) / 3) + 1];
	X509 *x = SSL_CTX_get0_certificate(c->ctx);
	int len, ret = -EINVAL;

	len = x ? i2d_PUBKEY(X509_get0_pubkey(x), &der) : -1;
	if (len <= 0)
		return ret;
	if (EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL) == 1) {
		oc_base64_encode(md, sizeof(md), b64);
		if ((size_t)snprintf(out, outlen, "pin-sha256:%s", b64) <
		    outlen)
			ret = 0;
	}
	OPENSSL_free(der);
	return ret;
}

int gw_tls_new(struct gw_tls_ctx *c, int fd, struct gw_tls **out)
{
	struct gw_tls *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->ssl = SSL_new(c->ctx);
	if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1) {
		gw_tls_free(t);
		return -ENOMEM;
	}
	SSL_set_accept_state(t->ssl);
	*out = t;
	return 0;
}

void gw_tls_free(struct gw_tls *t)
{
	if (!t)
		return;
	SSL_free(t->ssl);
	free(t);
}

/* Maps a failed SSL_* call to our return values; 1 for a clean close. */
static int tls_result(struct gw_tls *t, int r)
{
	unsigned long e;

	switch (SSL_get_error(t->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		t->want = POLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		t->want = POLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 1;
	case SSL_ERROR_SYSCALL:
		snprintf(t->err, sizeof(t->err), "connection lost");
		return -ECONNRESET;
	default:
		e = ERR_get_error();
		ERR_error_string_n(e, t->err, sizeof(t->err));
		ERR_clear_error();
		return -EPROTO;
	}
}

int gw_tls_handshake(struct gw_tls *t)
{
	int r, ret;

	ERR_clear_error();
	r = SSL_do_handshake(t->ssl);
	if (r == 1)
		return 0;
	ret = tls_result(t, r);
	return ret == 1 ? -ECONNRESET : ret;
}

ssize_t gw_tls_read(struct gw_tls *t, void *buf, size_t len)
{
	size_t n = 0;
	int r, ret;

	ERR_clear_error();
	r = SSL_read_ex(t->ssl, buf, len, &n);
	if (r == 1)
		return (ssize_t)n;
	ret = tls_result(t, r);
	return ret == 1 ? 0 : ret;
}

ssize_t gw_tls_write(struct gw_tls *t, const void *buf, size_t len)
{
	size_t n = 0;
	int r, ret;

	ERR_clear_error();
	r = SSL_write_ex(t->ssl, buf, len, &n);
	if (r == 1)
		return (ssize_t)n;
	ret = tls_result(t, r);
	return ret == 1 ? -ECONNRESET : ret;
}

/* Sends our close_notify; not waiting for the peer's is fine, since the
 * socket is closed right after. */
int gw_tls_shutdown(struct gw_tls *t)
{
	int r, ret;

	ERR_clear_error();
	r = SSL_shutdown(t->ssl);
	if (r >= 0)
		return 0;
	ret = tls_result(t, r);
	return ret == 1 ? 0 : ret;
}

short gw_tls_want(const struct gw_tls *t)
{
	return t->want ? t->want : POLLIN;
}

const char *gw_tls_error(const struct gw_tls *t)
{
	return t->err[0] ? t->err : "unknown error";
}

int gw_random(void *buf, size_t n)
{
	if (n > INT32_MAX || RAND_bytes(buf, (int)n) != 1)
		return -EIO;
	return 0;
}

int gw_random_hex(char *out, size_t n)
{
	unsigned char b[64];
	int ret;

	if (n > sizeof(b))
		return -EINVAL;
	ret = gw_random(b, n);
	if (!ret)
		oc_hex_encode(b, n, out);
	oc_wipe(b, sizeof(b));
	return ret;
}

int gw_hmac_sha1(const void *key, size_t keylen, const void *msg,
		 size_t msglen, unsigned char out[20])
{
	unsigned int len = 20;

	if (keylen > INT32_MAX ||
	    !HMAC(EVP_sha1(), key, (int)keylen, msg, msglen, out, &len))
		return -EIO;
	return 0;
}
