/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rest of OpenConnect's library interface (see the last section of
 * openconnect.h): what programs built against OpenConnect call besides
 * the GlobalProtect essentials.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/statvfs.h>

#include "clock.h"
#include "openconnect-internal.h"
#include "token.h"

/* ---- Protocols ------------------------------------------------------------ */

int openconnect_get_supported_protocols(struct oc_vpn_proto **protos)
{
	struct oc_vpn_proto *p = calloc(2, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p[0].name = "gp";
	p[0].pretty_name = "Palo Alto Networks GlobalProtect";
	p[0].description = "Compatible with Palo Alto Networks GlobalProtect VPN gateways";
	p[0].flags = OC_PROTO_PROXY | OC_PROTO_CSD | OC_PROTO_AUTH_CERT |
		     OC_PROTO_AUTH_OTP | OC_PROTO_PERIODIC_TROJAN;
	*protos = p;
	return 1;
}

void openconnect_free_supported_protocols(struct oc_vpn_proto *protos)
{
	free(protos);
}

/* ---- The server's certificates ------------------------------------------- */

static const struct oc_der *peer_cert(struct openconnect_info *v)
{
	return v->tls.peer_chain_n > 0 ? &v->tls.peer_chain[0] : NULL;
}

int openconnect_get_peer_cert_DER(struct openconnect_info *v,
				  unsigned char **buf)
{
	const struct oc_der *d = peer_cert(v);

	*buf = NULL;
	if (!d)
		return -ENOENT;
	if (d->len > INT32_MAX)
		return -EFBIG;
	*buf = malloc(d->len);
	if (!*buf)
		return -ENOMEM;
	memcpy(*buf, d->data, d->len);
	return (int)d->len;
}

char *openconnect_get_peer_cert_details(struct openconnect_info *v)
{
	const struct oc_der *d = peer_cert(v);

	return d ? oc_tls_cert_text(d->data, d->len) : NULL;
}

void openconnect_free_cert_info(struct openconnect_info *v, void *buf)
{
	(void)v;
	free(buf);
}

int openconnect_get_peer_cert_chain(struct openconnect_info *v,
				    struct oc_cert **chain)
{
	int i, n = v->tls.peer_chain_n;
	struct oc_cert *c;

	*chain = NULL;
	if (n <= 0)
		return -ENOENT;
	/* One more, zeroed, ends the array for the free: each entry's
	 * reserved points back at the array. */
	c = calloc((size_t)n + 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct oc_der *d = &v->tls.peer_chain[i];

		c[i].reserved = (void *)c;
		c[i].der_data = d->len <= INT32_MAX ? malloc(d->len) : NULL;
		if (!c[i].der_data) {
			openconnect_free_peer_cert_chain(v, c);
			return -ENOMEM;
		}
		memcpy(c[i].der_data, d->data, d->len);
		c[i].der_len = (int)d->len;
	}
	*chain = c;
	return n;
}

void openconnect_free_peer_cert_chain(struct openconnect_info *v,
				      struct oc_cert *chain)
{
	int i;

	if (!chain)
		return;
	(void)v;
	for (i = 0; chain[i].reserved == chain; i++)
		free(chain[i].der_data);
	free(chain);
}

/* ---- What this build supports -------------------------------------------- */

int openconnect_has_oath_support(void)
{
	return 1;
}

int openconnect_has_pkcs11_support(void)
{
	return 0;
}

int openconnect_has_tss_blob_support(void)
{
	return 0;
}

int openconnect_has_tss2_blob_support(void)
{
	return 0;
}

int openconnect_has_stoken_support(void)
{
	return 0;
}

int openconnect_has_yubioath_support(void)
{
	return 0;
}

int openconnect_has_system_key_support(void)
{
	return 0;
}

/* ---- Soft tokens ------------------------------------------------------------ */

int openconnect_set_token_callbacks(struct openconnect_info *v, void *tokdata,
				    openconnect_lock_token_vfn lock,
				    openconnect_unlock_token_vfn unlock)
{
	v->auth.tokdata = tokdata;
	v->auth.lock_token = lock;
	v->auth.unlock_token = unlock;
	return 0;
}

int openconnect_set_stoken_mode(struct openconnect_info *v, int use_stoken,
				const char *token_str)
{
	(void)token_str;
	if (!use_stoken)
		return 0;
	oc_err(&v->log, "RSA SecurID (stoken) tokens are not supported");
	return -EOPNOTSUPP;
}

/* The secret as given, with ",COUNTER" set to the token's counter. */
static char *hotp_secret_now(const struct openconnect_info *v)
{
	const char *s = oc_secret_get(&v->auth.token_str);
	const char *comma = s ? strrchr(s, ',') : NULL;
	size_t keep = comma ? (size_t)(comma - s) : (s ? strlen(s) : 0);
	size_t n = keep + 24;
	char *out;

	if (!s)
		return NULL;
	out = malloc(n);
	if (out)
		snprintf(out, n, "%.*s,%" PRIu64, (int)keep, s,
			 v->auth.token.counter);
	return out;
}

int oc_auth_token_code(struct openconnect_info *v, char *code)
{
	char *next = NULL;
	int ret;

	if (v->auth.lock_token) {
		ret = v->auth.lock_token(v->auth.tokdata);
		if (ret)
			return ret < 0 ? ret : -EIO;
		if (!v->auth.have_token)
			return -EINVAL;
	}
	ret = oc_token_code(&v->auth.token, code);
	if (ret || !v->auth.unlock_token)
		return ret;
	if (v->auth.token.mode == OC_TOKEN_HOTP) {
		next = hotp_secret_now(v);
		if (!next)
			return -ENOMEM;
	}
	ret = v->auth.unlock_token(v->auth.tokdata, next);
	if (next) {
		oc_wipe(next, strlen(next));
		free(next);
	}
	return ret < 0 ? ret : 0;
}

/* ---- Connections ------------------------------------------------------------ */

void openconnect_set_cancel_fd(struct openconnect_info *v, int fd)
{
	v->tls.cancel_fd = fd;
}

void openconnect_reset_ssl(struct openconnect_info *v)
{
	oc_http_close(&v->http);
}

void openconnect_set_pfs(struct openconnect_info *v, unsigned val)
{
	v->tls.pfs = !!val;
}

int openconnect_set_allow_insecure_crypto(struct openconnect_info *v,
					  unsigned val)
{
	(void)v;
	(void)val;
	return 0;
}

int openconnect_set_compression_mode(struct openconnect_info *v,
				     oc_compression_mode_t mode)
{
	(void)v;
	return mode <= OC_COMPRESSION_MODE_ALL ? 0 : -EINVAL;
}

const char *openconnect_get_cstp_compression(struct openconnect_info *v)
{
	(void)v;
	return NULL;
}

const char *openconnect_get_dtls_compression(struct openconnect_info *v)
{
	(void)v;
	return NULL;
}

void openconnect_set_xmlpost(struct openconnect_info *v, int enable)
{
	(void)v;
	(void)enable;
}

int openconnect_set_xmlsha1(struct openconnect_info *v, const char *xmlsha1,
			    int size)
{
	(void)v;
	(void)xmlsha1;
	return size < 0 ? -EINVAL : 0;
}

int openconnect_set_mobile_info(struct openconnect_info *v,
				const char *platform, const char *device,
				const char *uid)
{
	(void)platform;
	(void)device;
	(void)uid;
	oc_dbg(&v->log, "Mobile device information does not apply to GlobalProtect");
	return 0;
}

int openconnect_set_http_auth(struct openconnect_info *v, const char *methods)
{
	(void)v;
	return methods ? 0 : -EINVAL;
}

int openconnect_set_mca_cert(struct openconnect_info *v, const char *cert,
			     const char *sslkey)
{
	(void)sslkey;
	if (!cert)
		return 0;
	oc_err(&v->log, "Multiple-certificate authentication is not part of GlobalProtect");
	return -EOPNOTSUPP;
}

int openconnect_set_mca_key_password(struct openconnect_info *v,
				     const char *pass)
{
	(void)v;
	return pass ? -EOPNOTSUPP : 0;
}

/* ---- Reporting and the HIP program ---------------------------------------- */

int openconnect_set_version_string(struct openconnect_info *v,
				   const char *version_string)
{
	char *copy = version_string ? strdup(version_string) : NULL;

	if (version_string && !copy)
		return -ENOMEM;
	free(v->auth.version_string);
	v->auth.version_string = copy;
	return 0;
}

static void clear_csd_env(struct oc_auth *a)
{
	size_t i;

	for (i = 0; i < a->n_csd_env; i++)
		free(a->csd_env[i]);
	free(a->csd_env);
	a->csd_env = NULL;
	a->n_csd_env = 0;
}

int openconnect_set_csd_environ(struct openconnect_info *v, const char *name,
				const char *value)
{
	struct oc_auth *a = &v->auth;
	size_t n;
	char **grown, *entry;

	if (!name) {
		clear_csd_env(a);
		return 0;
	}
	if (!*name || strchr(name, '='))
		return -EINVAL;
	n = strlen(name) + strlen(value ? value : "") + 2;
	entry = malloc(n);
	grown = realloc(a->csd_env, (a->n_csd_env + 1) * sizeof(*grown));
	if (!entry || !grown) {
		free(entry);
		if (grown)
			a->csd_env = grown;
		return -ENOMEM;
	}
	snprintf(entry, n, "%s=%s", name, value ? value : "");
	a->csd_env = grown;
	a->csd_env[a->n_csd_env++] = entry;
	return 0;
}

void openconnect_set_cert_expiry_warning(struct openconnect_info *v,
					 int seconds)
{
	v->tls.cert_expiry_warn_s = seconds > 0 ? seconds : 0;
}

int openconnect_passphrase_from_fsid(struct openconnect_info *v)
{
	const char *file = v->tls.key ? v->tls.key : v->tls.cert;
	struct statvfs st;
	char id[32];

	if (!file)
		return -EINVAL;
	if (statvfs(file, &st)) {
		int ret = -errno;

		oc_err(&v->log, "Cannot read the file system of %s: %s", file,
		       oc_strerr(ret));
		return ret;
	}
	snprintf(id, sizeof(id), "%lx", (unsigned long)st.f_fsid);
	return openconnect_set_key_password(v, id);
}

int openconnect_get_auth_expiration(struct openconnect_info *v)
{
	int64_t age_s, end;

	if (!v->cfg.have_config || v->cfg.gpx.lifetime <= 0)
		return 0;
	age_s = (oc_now_ms() - v->cfg.config_ms) / 1000;
	end = (int64_t)time(NULL) - age_s + v->cfg.gpx.lifetime;
	return end > INT32_MAX ? INT32_MAX : (int)end;
}

void openconnect_set_pass_tos(struct openconnect_info *v, int enable)
{
	v->cfg.pass_tos = !!enable;
}

/* ---- Application hooks -------------------------------------------------------- */

void openconnect_override_getaddrinfo(struct openconnect_info *v,
				      openconnect_getaddrinfo_vfn gai_fn)
{
	v->tls.gai = gai_fn;
}

void openconnect_set_protect_socket_handler(struct openconnect_info *v,
					    openconnect_protect_socket_vfn protect_socket)
{
	v->tls.protect = protect_socket;
}

void openconnect_set_external_browser_callback(struct openconnect_info *v,
					       openconnect_open_webview_vfn browser_fn)
{
	v->browser_fn = browser_fn;
}
