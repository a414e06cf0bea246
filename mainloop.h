/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pieces of the event loop (mainloop.c), the HTTPS data path
 * (https-link.c) and the ESP data path (esp-link.c).
 */
#ifndef OC_MAINLOOP_H
#define OC_MAINLOOP_H

#include "openconnect-internal.h"

/* Bytes of frames waiting in the HTTPS send buffer below which more
 * packets are framed. */
#define HTTPS_TX_LOW		(64 * 1024)
/* Packets moved per source per wake-up. */
#define OC_BATCH		64
/* Payload room of the data path's packets: any MTU a gateway uses. */
#define OC_PKT_ROOM		2048

/* HTTPS: read frames into the TUN queue / write queued packets. Both
 * return 0 or a negative errno meaning the tunnel failed. */
int oc_https_rx(struct openconnect_info *v);
int oc_https_tx(struct openconnect_info *v, int take_packets);
int oc_https_wants_write(const struct openconnect_info *v);
void oc_https_send_keepalive(struct openconnect_info *v);

/* ESP: (re)open the socket and install the SAs of the current config. */
int oc_esp_setup(struct openconnect_info *v);
int oc_esp_rx(struct openconnect_info *v);
int oc_esp_tx(struct openconnect_info *v);
int oc_esp_send_probe(struct openconnect_info *v);

#endif
