/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTTPS tunnel (PROTOCOL.md section 11): connection set-up and the
 * byte stream of frames. Framing itself is in gp-frame.c.
 */
#ifndef GP_TUNNEL_H
#define GP_TUNNEL_H

#include <stdint.h>

#include "buf.h"
#include "tls.h"

struct openconnect_info;

struct oc_https {
	struct oc_tls *tls;		/* NULL when not connected */
	struct oc_buf rx;		/* bytes not yet parsed as frames */
	struct oc_buf tx;		/* frames not yet written */
	int64_t last_rx_ms;
	int64_t last_tx_ms;
	unsigned int keepalives_out;	/* sent, answer not yet seen */
};

void oc_https_init(struct oc_https *h);
void oc_https_close(struct oc_https *h);

/*
 * Connects a new TLS connection, asks for the tunnel and waits for
 * START_TUNNEL. 0 when the tunnel is up; -EPERM when the gateway rejected
 * the cookie (HTTP 502 or another refusal); -EPROTO for any other answer;
 * transport errors as negative errno. Bytes after START_TUNNEL are kept
 * in h->rx.
 */
int gp_https_connect(struct openconnect_info *v, struct oc_https *h);

#endif
