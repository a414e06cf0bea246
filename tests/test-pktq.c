/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bounded packet queues and the packet pool.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "pktq.h"

static void test_queue_order_and_bound(void **state)
{
	struct oc_pktq q;
	struct oc_pkt *p[3];
	int i;

	oc_pktq_init(&q, 2);
	for (i = 0; i < 3; i++) {
		p[i] = oc_pkt_new(100);
		assert_non_null(p[i]);
	}
	assert_null(oc_pktq_pop(&q));
	assert_int_equal(oc_pktq_full(&q), 0);
	oc_pktq_push(&q, p[0]);
	oc_pktq_push(&q, p[1]);
	assert_int_equal(oc_pktq_full(&q), 1);
	assert_ptr_equal(oc_pktq_pop(&q), p[0]);
	oc_pktq_unpop(&q, p[0]);
	assert_int_equal(q.n, 2);
	assert_ptr_equal(oc_pktq_pop(&q), p[0]);
	assert_ptr_equal(oc_pktq_pop(&q), p[1]);
	assert_null(oc_pktq_pop(&q));
	assert_int_equal(q.n, 0);
	/* unpop into an empty queue sets the tail too */
	oc_pktq_unpop(&q, p[2]);
	oc_pktq_push(&q, p[0]);
	assert_ptr_equal(oc_pktq_pop(&q), p[2]);
	assert_ptr_equal(oc_pktq_pop(&q), p[0]);
	oc_pkt_free(p[0]);
	oc_pkt_free(p[1]);
	oc_pkt_free(p[2]);
}

static void test_pool_bound_and_reuse(void **state)
{
	struct oc_pktpool pool;
	struct oc_pkt *a, *b, *c;

	oc_pktpool_init(&pool, 1500, 2);
	a = oc_pktpool_get(&pool);
	b = oc_pktpool_get(&pool);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(oc_pktpool_get(&pool));	/* the bound holds */
	assert_int_equal(pool.live, 2);
	assert_true(a->b.head >= OC_PKT_HEADROOM);
	assert_true(a->b.cap >= 1500 + OC_PKT_TAILROOM);
	oc_buf_put(&a->b, "abc", 3);
	oc_pktpool_put(&pool, a);
	c = oc_pktpool_get(&pool);
	assert_ptr_equal(c, a);			/* recycled ... */
	assert_int_equal(c->b.len, 0);		/* ... and empty */
	assert_int_equal(c->b.head, OC_PKT_HEADROOM);
	oc_pktpool_put(&pool, b);
	oc_pktpool_put(&pool, c);
	assert_int_equal(pool.live, 0);
	oc_pktpool_free(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_order_and_bound),
		cmocka_unit_test(test_pool_bound_and_reuse),
	};

	return cmocka_run_group_tests_name("pktq", tests, NULL, NULL);
}
