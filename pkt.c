/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "esp.h"
#include "pkt.h"

/* The room must fit ESP, the biggest user (the HTTPS frame header is
 * 16 bytes). */
_Static_assert(OC_PKT_HEADROOM >= OC_ESP_HEADROOM, "headroom too small");
_Static_assert(OC_PKT_TAILROOM >= OC_ESP_TAILROOM, "tailroom too small");

struct oc_pkt *oc_pkt_new(size_t mtu)
{
	struct oc_pkt *p;

	/* head + cap + 1 bytes are allocated: none of it may wrap. */
	if (mtu > SIZE_MAX - 1 - OC_PKT_HEADROOM - OC_PKT_TAILROOM)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	if (oc_buf_init_room(&p->b, OC_PKT_HEADROOM, mtu + OC_PKT_TAILROOM)) {
		free(p);
		return NULL;
	}
	return p;
}

void oc_pkt_reset(struct oc_pkt *p)
{
	oc_buf_reset(&p->b);
}

void oc_pkt_free(struct oc_pkt *p)
{
	if (!p)
		return;
	oc_buf_free(&p->b);
	free(p);
}
