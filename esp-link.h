/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ESP transport: one UDP socket connected to the gateway's ESP port,
 * the outbound SA, the inbound SA and, for a while after a rekey, the
 * previous inbound SA (packets already in flight still carry it).
 */
#ifndef OC_ESP_LINK_H
#define OC_ESP_LINK_H

#include <netinet/in.h>
#include <stdint.h>

#include "esp.h"
#include "pkt.h"

/* How long packets under the previous inbound SA are still accepted. */
#define OC_ESP_PREV_GRACE_MS	10000

struct oc_esp_counters {
	uint64_t rx_bad_icv;
	uint64_t rx_replayed;	/* duplicates and too old */
	uint64_t rx_bad_spi;
	uint64_t rx_malformed;	/* length, padding, next header */
	uint64_t probes_sent;
	uint64_t probes_answered;
};

struct oc_esp_link {
	int fd;				/* -1 when closed */
	int tos;			/* IP_TOS set on fd (0 when opened) */
	struct oc_esp_sa out;
	struct oc_esp_sa in;
	struct oc_esp_sa prev_in;
	int64_t prev_until_ms;
	int keys;			/* out and in are usable */
	/* Probe addresses: tunnel source and the gateway's gw-address. */
	struct in_addr src4, gw4;
	struct in6_addr src6, gw6;
	int have4, have6;
	uint16_t probe_seq;
	struct oc_esp_counters ctr;
};

void oc_esp_link_init(struct oc_esp_link *l);
void oc_esp_link_close(struct oc_esp_link *l);
/* Forgets the keys (the gateway forgot them); keeps the socket. */
void oc_esp_link_drop_keys(struct oc_esp_link *l);

#endif
