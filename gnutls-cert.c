/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client certificate, with GnuTLS: a PEM file holding the certificate
 * (and maybe its chain and key), a separate PEM key, or a PKCS#12 file.
 * Keys may be encrypted; the password comes from conf->key_password and
 * is never logged.
 */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include "log.h"
#include "certfile.h"
#include "gnutls-int.h"

struct cert_set {
	gnutls_x509_crt_t *certs;	/* the certificate, then its chain */
	unsigned int ncerts;
	gnutls_x509_privkey_t key;
};

static void cert_set_free(struct cert_set *s)
{
	unsigned int i;

	for (i = 0; i < s->ncerts; i++)
		gnutls_x509_crt_deinit(s->certs[i]);
	gnutls_free(s->certs);
	if (s->key)
		gnutls_x509_privkey_deinit(s->key);
	memset(s, 0, sizeof(*s));
}

static gnutls_datum_t datum_of(const struct oc_file_data *f)
{
	gnutls_datum_t d = { f->data, (unsigned int)f->len };

	return d;
}

static const char *password_of(const struct oc_secret *pw)
{
	return oc_secret_isset(pw) ? oc_secret_get(pw) : NULL;
}

/* The key of a PEM file: any PEM private key block, encrypted or not. */
static int pem_key(const struct oc_log *lg, const char *path,
		   const struct oc_file_data *f, const struct oc_secret *pw,
		   void *set)
{
	gnutls_x509_privkey_t *key = &((struct cert_set *)set)->key;
	gnutls_datum_t d = datum_of(f);
	int r;

	if (gnutls_x509_privkey_init(key) < 0) {
		*key = NULL;
		return -ENOMEM;
	}
	r = gnutls_x509_privkey_import2(*key, &d, GNUTLS_X509_FMT_PEM,
					password_of(pw), 0);
	if (r >= 0)
		return 0;
	gnutls_x509_privkey_deinit(*key);
	*key = NULL;
	return oc_cert_key_error(lg, path, f, pw);
}

/* The certificate of a PEM file, then any more as its chain. */
static int pem_certs(const struct oc_log *lg, const char *path,
		     const struct oc_file_data *f, void *set)
{
	struct cert_set *s = set;
	gnutls_datum_t d = datum_of(f);
	int r;

	r = gnutls_x509_crt_list_import2(&s->certs, &s->ncerts, &d,
					 GNUTLS_X509_FMT_PEM, 0);
	if (r == GNUTLS_E_MEMORY_ERROR)
		return -ENOMEM;
	if (r < 0 || !s->ncerts) {
		s->certs = NULL;
		s->ncerts = 0;
		oc_err(lg, "No certificate in %s", path);
		return -EINVAL;
	}
	return 0;
}

/* The MAC of @p12 with the password, or without one: both an empty one
 * and none are tried. 0 when it verifies; *pass is what worked. */
static int p12_mac(gnutls_pkcs12_t p12, const struct oc_secret *pw,
		   const char **pass)
{
	*pass = password_of(pw);
	if (*pass)
		return gnutls_pkcs12_verify_mac(p12, *pass) < 0 ? -EACCES : 0;
	*pass = "";
	if (gnutls_pkcs12_verify_mac(p12, *pass) >= 0)
		return 0;
	*pass = NULL;
	return gnutls_pkcs12_verify_mac(p12, NULL) < 0 ? -EACCES : 0;
}

static int load_pkcs12(const struct oc_log *lg, const char *path,
		       const struct oc_file_data *f, const struct oc_secret *pw,
		       void *set)
{
	struct cert_set *s = set;
	gnutls_datum_t d = datum_of(f);
	gnutls_x509_crt_t *extra = NULL;
	unsigned int i, nextra = 0;
	gnutls_pkcs12_t p12;
	const char *pass;
	int r, ret = 0;

	if (gnutls_pkcs12_init(&p12) < 0)
		return -ENOMEM;
	if (gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0) < 0) {
		oc_err(lg, "%s is neither PEM nor PKCS#12", path);
		ret = -EINVAL;
		goto out;
	}
	if (p12_mac(p12, pw, &pass)) {
		ret = oc_cert_p12_locked(lg, path, pw);
		goto out;
	}
	/* The chain is the certificate of the key and its issuers among
	 * those in the file. */
	r = gnutls_pkcs12_simple_parse(p12, pass, &s->key, &s->certs,
				       &s->ncerts, &extra, &nextra, NULL, 0);
	if (r < 0 || !s->key || !s->ncerts) {
		if (r == GNUTLS_E_MEMORY_ERROR) {
			ret = -ENOMEM;
		} else if (r < 0) {
			oc_err(lg, "Cannot read the certificate and key in %s",
			       path);
			ret = -EINVAL;
		} else {
			oc_err(lg, "%s lacks a %s", path,
			       s->ncerts ? "key" : "certificate");
			ret = -EINVAL;
		}
	}
out:
	for (i = 0; i < nextra; i++)
		gnutls_x509_crt_deinit(extra[i]);
	gnutls_free(extra);
	gnutls_pkcs12_deinit(p12);
	return ret;
}

static const struct oc_cert_parsers parsers = {
	pem_certs, pem_key, load_pkcs12,
};

int oc_gnutls_client_cert(const struct oc_log *lg,
			  gnutls_certificate_credentials_t cred,
			  const struct oc_tls_conf *conf)
{
	struct cert_set s = { 0 };
	int r, ret;

	if (!conf->cert)
		return 0;
	ret = oc_cert_load(lg, conf, &parsers, &s);
	if (ret)
		goto out;
	/* GnuTLS checks that the key belongs to the first certificate. */
	r = gnutls_certificate_set_x509_key(cred, s.certs, s.ncerts, s.key);
	if (r == GNUTLS_E_MEMORY_ERROR) {
		ret = -ENOMEM;
		goto out;
	}
	if (r < 0) {
		oc_err(lg, "The client certificate and its key do not match");
		ret = -EINVAL;
		goto out;
	}
	oc_cert_check_expiry(lg, gnutls_x509_crt_get_expiration_time(s.certs[0]),
			     conf->cert_expiry_warn_s);
	oc_dbg(lg, "Client certificate loaded from %s", conf->cert);
out:
	cert_set_free(&s);
	return ret;
}
