/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Functions the library exports for the openconnect program only (symbol
 * node OPENCONNECT_PRIVATE). Not installed; not a stable interface.
 */
#ifndef OPENCONNECT_PRIV_H
#define OPENCONNECT_PRIV_H

#include "openconnect.h"

/* --servercert: -EINVAL when the pin is malformed. */
int openconnect_set_servercert(struct openconnect_info *v, const char *pin);
/* --sni: the TLS server name to send. */
int openconnect_set_sni(struct openconnect_info *v, const char *sni);
/* --resolve HOST:IP; -EINVAL when malformed. */
int openconnect_set_resolve(struct openconnect_info *v, const char *spec);
/* --dump-http-traffic, with secrets hidden. */
void openconnect_set_dump_http(struct openconnect_info *v, int dump);
/* Network timeout for connect, handshake and each HTTP wait. */
void openconnect_set_timeout(struct openconnect_info *v, int timeout_ms);
/* Connects to the server and applies the certificate checks. 0 when the
 * server is trusted; -EPERM when its certificate was refused. */
int openconnect_probe_server(struct openconnect_info *v);
/* Name and version of the TLS library in use. */
const char *openconnect_get_tls_library_version(void);
/* Numeric address of the server last connected to, or NULL. */
const char *openconnect_get_server_ip(struct openconnect_info *v);
/* -Q: packets per queue (at least 1). */
void openconnect_set_queue_len(struct openconnect_info *v, int len);
/* How long ESP probes get before the HTTPS tunnel (default 5000 ms). */
void openconnect_set_esp_holdoff(struct openconnect_info *v, int ms);
/* --base-mtu: the MTU of the path to the gateway. */
void openconnect_set_base_mtu(struct openconnect_info *v, int mtu);
/* --dtls-local-port: the local UDP port for ESP (0: any). */
void openconnect_set_esp_local_port(struct openconnect_info *v, int port);
/* --libproxy: the proxy comes from the system's configuration. */
void openconnect_set_libproxy(struct openconnect_info *v, int on);
/* Logs the connection and its counters at info level (as SIGUSR1 does). */
void openconnect_get_counters(struct openconnect_info *v);

#endif
