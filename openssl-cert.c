/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client certificate, with OpenSSL: a PEM file holding the
 * certificate (and maybe its chain and key), a separate PEM key, or a
 * PKCS#12 file. Keys may be encrypted; the password comes from
 * conf->key_password and is never logged.
 */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "log.h"
#include "certfile.h"
#include "openssl-int.h"

struct cert_set {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;
};

static void cert_set_free(struct cert_set *s)
{
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	sk_X509_pop_free(s->chain, X509_free);
	memset(s, 0, sizeof(*s));
}

/* A read-only BIO over @f, at its start. */
static BIO *file_bio(const struct oc_file_data *f)
{
	return BIO_new_mem_buf(f->data, (int)f->len);
}

static int password_cb(char *buf, int size, int rwflag, void *u)
{
	const struct oc_secret *pw = u;
	size_t n;

	(void)rwflag;
	if (!pw || !oc_secret_isset(pw))
		return -1;
	n = pw->len;
	if (n > (size_t)size)
		return -1;
	memcpy(buf, oc_secret_get(pw), n);
	return (int)n;
}

/* The key of a PEM file: any PEM private key block, encrypted or not. */
static int pem_key(const struct oc_log *lg, const char *path,
		   const struct oc_file_data *f, const struct oc_secret *pw,
		   void *set)
{
	EVP_PKEY **key = &((struct cert_set *)set)->key;
	BIO *b = file_bio(f);

	if (!b)
		return -ENOMEM;
	ERR_clear_error();
	*key = PEM_read_bio_PrivateKey(b, NULL, password_cb, (void *)pw);
	BIO_free(b);
	if (*key)
		return 0;
	return oc_cert_key_error(lg, path, f, pw);
}

/* The certificate of a PEM file, then any more as its chain. */
static int pem_certs(const struct oc_log *lg, const char *path,
		     const struct oc_file_data *f, void *set)
{
	struct cert_set *s = set;
	BIO *b = file_bio(f);
	X509 *x;
	int ret = -ENOMEM;

	if (!b)
		return ret;
	ERR_clear_error();
	s->cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (!s->cert) {
		oc_err(lg, "No certificate in %s", path);
		ret = -EINVAL;
		goto out;
	}
	s->chain = sk_X509_new_null();
	if (!s->chain)
		goto out;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(s->chain, x)) {
			X509_free(x);
			goto out;
		}
	}
	ret = 0;
out:
	ERR_clear_error();
	BIO_free(b);
	return ret;
}

static int load_pkcs12(const struct oc_log *lg, const char *path,
		       const struct oc_file_data *f, const struct oc_secret *pw,
		       void *set)
{
	struct cert_set *s = set;
	const char *pass = oc_secret_isset(pw) ? oc_secret_get(pw) : "";
	const unsigned char *p = f->data;
	PKCS12 *p12;
	int ret = 0;

	ERR_clear_error();
	p12 = d2i_PKCS12(NULL, &p, (long)f->len);
	if (!p12) {
		oc_err(lg, "%s is neither PEM nor PKCS#12", path);
		return -EINVAL;
	}
	/* Without a password, both an empty one and none are tried. */
	if (!PKCS12_verify_mac(p12, pass, -1) &&
	    (oc_secret_isset(pw) || !PKCS12_verify_mac(p12, NULL, 0))) {
		ret = oc_cert_p12_locked(lg, path, pw);
		goto out;
	}
	if (!PKCS12_parse(p12, pass, &s->key, &s->cert, &s->chain)) {
		oc_err(lg, "Cannot read the certificate and key in %s", path);
		ret = -EINVAL;
		goto out;
	}
	if (!s->cert || !s->key) {
		oc_err(lg, "%s lacks a %s", path, s->cert ? "key" : "certificate");
		ret = -EINVAL;
	}
out:
	PKCS12_free(p12);
	return ret;
}

/* notAfter as a time_t; (time_t)-1 when it does not convert. */
static time_t not_after(X509 *cert)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1)
		return (time_t)-1;
	return timegm(&tm);
}

static const struct oc_cert_parsers parsers = {
	pem_certs, pem_key, load_pkcs12,
};

int oc_openssl_client_cert(const struct oc_log *lg, SSL_CTX *ctx,
			   const struct oc_tls_conf *conf)
{
	struct cert_set s = { 0 };
	int i, ret;

	if (!conf->cert)
		return 0;
	ret = oc_cert_load(lg, conf, &parsers, &s);
	if (ret)
		goto out;
	ERR_clear_error();
	if (SSL_CTX_use_certificate(ctx, s.cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, s.key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		oc_err(lg, "The client certificate and its key do not match");
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; s.chain && i < sk_X509_num(s.chain); i++) {
		if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(s.chain, i)) != 1) {
			ret = -ENOMEM;
			goto out;
		}
	}
	oc_cert_check_expiry(lg, not_after(s.cert), conf->cert_expiry_warn_s);
	oc_dbg(lg, "Client certificate loaded from %s", conf->cert);
out:
	ERR_clear_error();
	cert_set_free(&s);
	return ret;
}
