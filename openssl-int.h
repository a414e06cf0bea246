/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between the files of the OpenSSL backend. */
#ifndef OC_OPENSSL_INT_H
#define OC_OPENSSL_INT_H

#include <openssl/ssl.h>
#include "log.h"
#include "tls.h"

/* Loads conf->cert (and conf->key) into @ctx; 0 when there is none.
 * Every failure is logged for the user: a missing file, a wrong or
 * missing password, a key that does not match. */
int oc_openssl_client_cert(const struct oc_log *lg, SSL_CTX *ctx,
			   const struct oc_tls_conf *conf);

#endif
