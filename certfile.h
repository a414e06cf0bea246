/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client certificate's files, whatever the TLS library: reading them
 * (the memory is wiped: it may hold a key), telling PEM from PKCS#12, the
 * order of loading, and the messages the user sees. Each backend
 * (openssl-cert.c, gnutls-cert.c) parses with its own library.
 */
#ifndef OC_CERTFILE_H
#define OC_CERTFILE_H

#include <stddef.h>
#include <time.h>
#include "log.h"
#include "secret.h"
#include "tls.h"

/* A certificate file larger than this is not one. */
#define OC_CERT_FILE_MAX	(1024 * 1024)
/* Warn when the certificate expires within this (unless configured). */
#define OC_CERT_EXPIRY_WARN_S	(60 * 24 * 3600)

struct oc_file_data {
	unsigned char *data;
	size_t len;
};

/* The backend's parsers, each filling its own @set. */
struct oc_cert_parsers {
	/* The certificate (then its chain) of a PEM file. */
	int (*pem_certs)(const struct oc_log *lg, const char *path,
			 const struct oc_file_data *f, void *set);
	/* A private key of a PEM file; on failure the result of
	 * oc_cert_key_error(). */
	int (*pem_key)(const struct oc_log *lg, const char *path,
		       const struct oc_file_data *f,
		       const struct oc_secret *pw, void *set);
	/* Certificate, chain and key of a PKCS#12 file. */
	int (*pkcs12)(const struct oc_log *lg, const char *path,
		      const struct oc_file_data *f,
		      const struct oc_secret *pw, void *set);
};

int oc_file_read(const struct oc_log *lg, const char *what, const char *path,
		 struct oc_file_data *out);
void oc_file_data_free(struct oc_file_data *f);

/* conf->cert (PEM or PKCS#12) and conf->key into @set. */
int oc_cert_load(const struct oc_log *lg, const struct oc_tls_conf *conf,
		 const struct oc_cert_parsers *p, void *set);

/* Says why no key came out of the PEM file @f: -EACCES (encrypted: no
 * or the wrong password) or -EINVAL (none there). */
int oc_cert_key_error(const struct oc_log *lg, const char *path,
		      const struct oc_file_data *f,
		      const struct oc_secret *pw);
/* Says that the PKCS#12 file's password is missing or wrong; -EACCES. */
int oc_cert_p12_locked(const struct oc_log *lg, const char *path,
		       const struct oc_secret *pw);
/* An error once expired, a note within @warn_s (0: the default). */
void oc_cert_check_expiry(const struct oc_log *lg, time_t not_after,
			  int warn_s);

#endif
