/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The packet: one IP packet with room around it, so transport headers (the
 * ESP header and IV, or the 16-byte HTTPS frame header) are written in
 * front of it and ESP padding and ICV after it, without copying. The bytes
 * live in the struct oc_buf: b.data/b.len is the packet, b.head the room in
 * front, b.cap - b.len the room behind.
 */
#ifndef OC_PKT_H
#define OC_PKT_H

#include "buf.h"

/* Enough for ESP (SPI, sequence, 16-byte IV) and the HTTPS frame header. */
#define OC_PKT_HEADROOM		64
/* Enough for ESP padding (up to 15), pad length, next header and ICV. */
#define OC_PKT_TAILROOM		64

struct oc_pkt {
	struct oc_pkt *next;	/* queue link */
	struct oc_buf b;
};

/* A packet with room for @mtu bytes of payload; NULL when out of memory. */
struct oc_pkt *oc_pkt_new(size_t mtu);
/* Empties the packet and gives the headroom back, for reuse. */
void oc_pkt_reset(struct oc_pkt *p);
void oc_pkt_free(struct oc_pkt *p);

#endif
