/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between the files of the GnuTLS backend. */
#ifndef OC_GNUTLS_INT_H
#define OC_GNUTLS_INT_H

#include <gnutls/gnutls.h>
#include "log.h"
#include "tls.h"

/* Loads conf->cert (and conf->key) into @cred; 0 when there is none.
 * Every failure is logged for the user: a missing file, a wrong or
 * missing password, a key that does not match. */
int oc_gnutls_client_cert(const struct oc_log *lg,
			  gnutls_certificate_credentials_t cred,
			  const struct oc_tls_conf *conf);

#endif
