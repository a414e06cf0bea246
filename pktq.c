/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Packet queues and pool.
 */
#include <config.h>

#include <stddef.h>

#include "pktq.h"

void oc_pktq_init(struct oc_pktq *q, unsigned int max)
{
	q->head = q->tail = NULL;
	q->n = 0;
	q->max = max ? max : 1;
}

void oc_pktq_push(struct oc_pktq *q, struct oc_pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->n++;
}

void oc_pktq_unpop(struct oc_pktq *q, struct oc_pkt *p)
{
	p->next = q->head;
	q->head = p;
	if (!q->tail)
		q->tail = p;
	q->n++;
}

struct oc_pkt *oc_pktq_pop(struct oc_pktq *q)
{
	struct oc_pkt *p = q->head;

	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	p->next = NULL;
	return p;
}

void oc_pktq_free(struct oc_pktq *q)
{
	struct oc_pkt *p;

	while ((p = oc_pktq_pop(q)))
		oc_pkt_free(p);
}

void oc_pktpool_init(struct oc_pktpool *pool, size_t mtu, unsigned int max)
{
	oc_pktq_init(&pool->spare, max);
	pool->mtu = mtu;
	pool->live = 0;
	pool->max = max;
}

struct oc_pkt *oc_pktpool_get(struct oc_pktpool *pool)
{
	struct oc_pkt *p = oc_pktq_pop(&pool->spare);

	if (!p && pool->live < pool->max)
		p = oc_pkt_new(pool->mtu);
	if (p)
		pool->live++;
	return p;
}

void oc_pktpool_put(struct oc_pktpool *pool, struct oc_pkt *p)
{
	if (!p)
		return;
	pool->live--;
	oc_pkt_reset(p);
	if (oc_pktq_full(&pool->spare))
		oc_pkt_free(p);
	else
		oc_pktq_push(&pool->spare, p);
}

void oc_pktpool_free(struct oc_pktpool *pool)
{
	oc_pktq_free(&pool->spare);
	pool->live = 0;
}
