/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client certificate's files, whatever the TLS library (certfile.h).
 */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "certfile.h"

void oc_file_data_free(struct oc_file_data *f)
{
	if (f->data) {
		oc_wipe(f->data, f->len);
		free(f->data);
	}
	f->data = NULL;
	f->len = 0;
}

int oc_file_read(const struct oc_log *lg, const char *what, const char *path,
		 struct oc_file_data *out)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int ret = 0;

	if (!f) {
		ret = -errno;
		oc_err(lg, "Cannot read %s %s: %s", what, path, oc_strerr(ret));
		return ret;
	}
	out->data = malloc(OC_CERT_FILE_MAX + 1);
	if (!out->data) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(out->data, 1, OC_CERT_FILE_MAX + 1, f);
	out->len = n;
	if (ferror(f)) {
		oc_err(lg, "Cannot read %s %s", what, path);
		ret = -EIO;
	} else if (n > OC_CERT_FILE_MAX) {
		oc_err(lg, "%s %s is too large", what, path);
		ret = -EFBIG;
	}
	fclose(f);
	if (ret)
		oc_file_data_free(out);
	return ret;
}

static int is_pem(const struct oc_file_data *f)
{
	return memmem(f->data, f->len, "-----BEGIN ", 11) != NULL;
}

int oc_cert_load(const struct oc_log *lg, const struct oc_tls_conf *conf,
		 const struct oc_cert_parsers *p, void *set)
{
	struct oc_file_data cf = { 0 }, kf = { 0 };
	int ret;

	ret = oc_file_read(lg, "certificate", conf->cert, &cf);
	if (ret)
		return ret;
	if (!is_pem(&cf)) {
		ret = p->pkcs12(lg, conf->cert, &cf, &conf->key_password, set);
		goto out;
	}
	ret = p->pem_certs(lg, conf->cert, &cf, set);
	if (ret)
		goto out;
	if (conf->key && strcmp(conf->key, conf->cert)) {
		ret = oc_file_read(lg, "key", conf->key, &kf);
		if (!ret)
			ret = p->pem_key(lg, conf->key, &kf,
					 &conf->key_password, set);
	} else {
		ret = p->pem_key(lg, conf->cert, &cf, &conf->key_password, set);
	}
out:
	oc_file_data_free(&kf);
	oc_file_data_free(&cf);
	return ret;
}

int oc_cert_key_error(const struct oc_log *lg, const char *path,
		      const struct oc_file_data *f,
		      const struct oc_secret *pw)
{
	if (!memmem(f->data, f->len, "ENCRYPTED", 9)) {
		oc_err(lg, "No private key in %s", path);
		return -EINVAL;
	}
	if (!oc_secret_isset(pw))
		oc_err(lg, "The key in %s is encrypted: give its password with --key-password",
		       path);
	else
		oc_err(lg, "Cannot decrypt the key in %s: wrong password?",
		       path);
	return -EACCES;
}

int oc_cert_p12_locked(const struct oc_log *lg, const char *path,
		       const struct oc_secret *pw)
{
	if (!oc_secret_isset(pw))
		oc_err(lg, "%s is protected: give its password with --key-password",
		       path);
	else
		oc_err(lg, "Cannot open %s: wrong password?", path);
	return -EACCES;
}

void oc_cert_check_expiry(const struct oc_log *lg, time_t not_after,
			  int warn_s)
{
	time_t now = time(NULL);

	if (not_after == (time_t)-1)
		return;
	if (not_after < now) {
		oc_err(lg, "The client certificate has expired");
		return;
	}
	if (not_after - now < (time_t)(warn_s > 0 ? warn_s :
				       OC_CERT_EXPIRY_WARN_S))
		oc_info(lg, "The client certificate expires in %d days",
			(int)((not_after - now) / (24 * 3600)));
}
