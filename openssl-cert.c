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
#include "openssl-int.h"

/* A certificate file larger than this is not one. */
#define MAX_CERT_FILE	(1024 * 1024)
/* Warn when the certificate expires within this many days. */
#define EXPIRY_WARN_DAYS	60

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

struct file_data {
	unsigned char *data;
	size_t len;
};

static void file_data_free(struct file_data *f)
{
	if (f->data)
		OPENSSL_clear_free(f->data, f->len);
	f->data = NULL;
	f->len = 0;
}

/* Reads @path whole (it may hold a key: wiped when freed). */
static int read_file(const struct oc_log *lg, const char *what,
		     const char *path, struct file_data *out)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	size_t n;
	int ret = 0;

	if (!f) {
		ret = -errno;
		oc_err(lg, "Cannot read %s %s: %s", what, path, oc_strerr(ret));
		return ret;
	}
	out->data = OPENSSL_malloc(MAX_CERT_FILE + 1);
	if (!out->data) {
		fclose(f);
		return -ENOMEM;
	}
	p = out->data;
	n = fread(p, 1, MAX_CERT_FILE + 1, f);
	out->len = n;
	if (ferror(f)) {
		oc_err(lg, "Cannot read %s %s", what, path);
		ret = -EIO;
	} else if (n > MAX_CERT_FILE) {
		oc_err(lg, "%s %s is too large", what, path);
		ret = -EFBIG;
	}
	fclose(f);
	if (ret) {
		out->len = MAX_CERT_FILE + 1;
		file_data_free(out);
	}
	return ret;
}

/* A read-only BIO over @f, at its start. */
static BIO *file_bio(const struct file_data *f)
{
	return BIO_new_mem_buf(f->data, (int)f->len);
}

static int is_pem(const struct file_data *f)
{
	return memmem(f->data, f->len, "-----BEGIN ", 11) != NULL;
}

static int has_encrypted_key(const struct file_data *f)
{
	return memmem(f->data, f->len, "ENCRYPTED", 9) != NULL;
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
		   const struct file_data *f, const struct oc_secret *pw,
		   EVP_PKEY **key)
{
	BIO *b = file_bio(f);

	if (!b)
		return -ENOMEM;
	ERR_clear_error();
	*key = PEM_read_bio_PrivateKey(b, NULL, password_cb, (void *)pw);
	BIO_free(b);
	if (*key)
		return 0;
	if (has_encrypted_key(f)) {
		if (!oc_secret_isset(pw))
			oc_err(lg, "The key in %s is encrypted: give its password with --key-password",
			       path);
		else
			oc_err(lg, "Cannot decrypt the key in %s: wrong password?",
			       path);
		return -EACCES;
	}
	oc_err(lg, "No private key in %s", path);
	return -EINVAL;
}

/* The certificate of a PEM file, then any more as its chain. */
static int pem_certs(const struct oc_log *lg, const char *path,
		     const struct file_data *f, struct cert_set *s)
{
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
		       const struct file_data *f, const struct oc_secret *pw,
		       struct cert_set *s)
{
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
		if (!oc_secret_isset(pw))
			oc_err(lg, "%s is protected: give its password with --key-password",
			       path);
		else
			oc_err(lg, "Cannot open %s: wrong password?", path);
		ret = -EACCES;
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

static void check_expiry(const struct oc_log *lg, X509 *cert, int warn_s)
{
	time_t soon = time(NULL) +
		      (warn_s > 0 ? warn_s : EXPIRY_WARN_DAYS * 24 * 3600);
	const ASN1_TIME *end = X509_get0_notAfter(cert);
	int days, secs;

	if (X509_cmp_time(end, NULL) < 0) {
		oc_err(lg, "The client certificate has expired");
		return;
	}
	if (X509_cmp_time(end, &soon) >= 0)
		return;
	if (ASN1_TIME_diff(&days, &secs, NULL, end))
		oc_info(lg, "The client certificate expires in %d days", days);
}

static int load_set(const struct oc_log *lg, const struct oc_tls_conf *conf,
		    struct cert_set *s)
{
	struct file_data cf = { 0 }, kf = { 0 };
	int ret;

	ret = read_file(lg, "certificate", conf->cert, &cf);
	if (ret)
		return ret;
	if (!is_pem(&cf)) {
		ret = load_pkcs12(lg, conf->cert, &cf, &conf->key_password, s);
		goto out;
	}
	ret = pem_certs(lg, conf->cert, &cf, s);
	if (ret)
		goto out;
	if (conf->key && strcmp(conf->key, conf->cert)) {
		ret = read_file(lg, "key", conf->key, &kf);
		if (!ret)
			ret = pem_key(lg, conf->key, &kf, &conf->key_password,
				      &s->key);
	} else {
		ret = pem_key(lg, conf->cert, &cf, &conf->key_password,
			      &s->key);
	}
out:
	file_data_free(&kf);
	file_data_free(&cf);
	return ret;
}

int oc_openssl_client_cert(const struct oc_log *lg, SSL_CTX *ctx,
			   const struct oc_tls_conf *conf)
{
	struct cert_set s = { 0 };
	int i, ret;

	if (!conf->cert)
		return 0;
	ret = load_set(lg, conf, &s);
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
	check_expiry(lg, s.cert, conf->cert_expiry_warn_s);
	oc_dbg(lg, "Client certificate loaded from %s", conf->cert);
out:
	ERR_clear_error();
	cert_set_free(&s);
	return ret;
}
