/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bounded packet queues and the packet pool of the data path.
 *
 * A queue never holds more than its bound; a producer that finds it full
 * stops reading its source (back-pressure), so nothing is dropped without
 * being counted by the caller. The pool recycles packets so the steady
 * state allocates nothing.
 */
#ifndef OC_PKTQ_H
#define OC_PKTQ_H

#include "pkt.h"

struct oc_pktq {
	struct oc_pkt *head;
	struct oc_pkt *tail;
	unsigned int n;
	unsigned int max;
};

void oc_pktq_init(struct oc_pktq *q, unsigned int max);
static inline int oc_pktq_full(const struct oc_pktq *q)
{
	return q->n >= q->max;
}
/* Appends @p; the caller checked oc_pktq_full(). */
void oc_pktq_push(struct oc_pktq *q, struct oc_pkt *p);
/* Puts @p back at the front (it could not be sent yet). */
void oc_pktq_unpop(struct oc_pktq *q, struct oc_pkt *p);
/* The oldest packet, removed; NULL when empty. */
struct oc_pkt *oc_pktq_pop(struct oc_pktq *q);
/* Frees every packet in the queue. */
void oc_pktq_free(struct oc_pktq *q);

struct oc_pktpool {
	struct oc_pktq spare;
	size_t mtu;		/* payload room of each packet */
	unsigned int live;	/* handed out and not yet returned */
	unsigned int max;	/* bound on live + spare */
};

void oc_pktpool_init(struct oc_pktpool *pool, size_t mtu, unsigned int max);
/* A packet with room for pool->mtu bytes, or NULL when the bound is
 * reached or memory is short. */
struct oc_pkt *oc_pktpool_get(struct oc_pktpool *pool);
void oc_pktpool_put(struct oc_pktpool *pool, struct oc_pkt *p);
void oc_pktpool_free(struct oc_pktpool *pool);

#endif
