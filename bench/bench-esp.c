/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

/*
 * ESP micro-benchmark: packets and megabytes (of inner packet) per second
 * for encrypting and decrypting 1400-byte packets, per algorithm pair, on
 * one core. Not a test: it prints a table and checks only that every
 * packet went through.
 *
 *	bench-esp [PACKETS]	(per pair and direction; default 200000)
 *
 * The memory used does not depend on PACKETS (one batch of packets is
 * reused), so running it under valgrind with two counts and comparing the
 * heap totals shows whether anything is allocated per packet.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "esp.h"
#include "num.h"
#include "pkt.h"

#define INNER_LEN	1400
#define BATCH		64
#define DEFAULT_COUNT	200000

static const struct pair {
	const char *enc, *auth;
	size_t ekey_len, akey_len;
} pairs[] = {
	{ "aes-128-cbc", "sha1", 16, 20 },
	{ "aes-128-cbc", "md5", 16, 16 },
	{ "aes-128-cbc", "sha256", 16, 32 },
	{ "aes-256-cbc", "sha1", 32, 20 },
	{ "aes-256-cbc", "md5", 32, 16 },
	{ "aes-256-cbc", "sha256", 32, 32 },
};

#define N_PAIRS		(sizeof(pairs) / sizeof(pairs[0]))

struct timing {
	double enc_s, dec_s;
	unsigned long packets;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The same key bytes for both ends: out of one, into the other. */
static int sa_pair(const struct pair *pp, struct oc_esp_sa *out,
		   struct oc_esp_sa *in)
{
	unsigned char ekey[32], akey[32];
	struct oc_esp_sa_params p = { 0x01020304, pp->enc, pp->auth,
				      ekey, pp->ekey_len, akey, pp->akey_len };
	int ret;

	memset(ekey, 0x42, sizeof(ekey));
	memset(akey, 0x17, sizeof(akey));
	ret = oc_esp_sa_init(out, OC_ESP_OUT, &p);
	if (!ret)
		ret = oc_esp_sa_init(in, OC_ESP_IN, &p);
	return ret;
}

/* One batch: fill, encrypt all (timed), decrypt all (timed). */
static int run_batch(struct oc_esp_sa *out, struct oc_esp_sa *in,
		     struct oc_pkt **pk, size_t n, struct timing *t)
{
	unsigned char *p;
	double t0;
	uint8_t nh;
	size_t i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		oc_pkt_reset(pk[i]);
		p = oc_buf_reserve(&pk[i]->b, INNER_LEN);
		if (!p)
			return -ENOMEM;
		memset(p, (int)i, INNER_LEN);
		oc_buf_commit(&pk[i]->b, INNER_LEN);
	}
	t0 = now();
	for (i = 0; i < n && !ret; i++)
		ret = oc_esp_encrypt(out, &pk[i]->b, OC_ESP_NH_IPV4);
	t->enc_s += now() - t0;
	t0 = now();
	for (i = 0; i < n && !ret; i++)
		ret = oc_esp_decrypt(in, &pk[i]->b, &nh);
	t->dec_s += now() - t0;
	t->packets += n;
	return ret;
}

static int bench_pair(const struct pair *pp, struct oc_pkt **pk,
		      unsigned long count, struct timing *t)
{
	struct oc_esp_sa out = { 0 }, in = { 0 };
	unsigned long done;
	size_t n;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = sa_pair(pp, &out, &in);
	for (done = 0; !ret && done < count; done += n) {
		n = count - done < BATCH ? count - done : BATCH;
		ret = run_batch(&out, &in, pk, n, t);
	}
	oc_esp_sa_free(&out);
	oc_esp_sa_free(&in);
	return ret;
}

static void print_row(const struct pair *pp, const struct timing *t)
{
	double enc_pps = t->enc_s > 0 ? t->packets / t->enc_s : 0;
	double dec_pps = t->dec_s > 0 ? t->packets / t->dec_s : 0;

	printf("%-12s %-7s %12.0f %9.1f %12.0f %9.1f\n", pp->enc, pp->auth,
	       enc_pps, enc_pps * INNER_LEN / 1e6, dec_pps,
	       dec_pps * INNER_LEN / 1e6);
}

static int parse_count(int argc, char **argv, unsigned long *count)
{
	long v;

	*count = DEFAULT_COUNT;
	if (argc < 2)
		return 0;
	if (argc > 2 || oc_parse_long(argv[1], 1, 1000000000L, &v)) {
		fprintf(stderr, "usage: %s [PACKETS]\n", argv[0]);
		return -EINVAL;
	}
	*count = (unsigned long)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct oc_pkt *pk[BATCH] = { NULL };
	unsigned long count;
	struct timing t;
	size_t i;
	int ret;

	if (parse_count(argc, argv, &count))
		return 2;
	for (i = 0, ret = 0; i < BATCH && !ret; i++)
		ret = (pk[i] = oc_pkt_new(INNER_LEN)) ? 0 : -ENOMEM;
	printf("ESP, %d-byte inner packets, %lu per pair and direction\n",
	       INNER_LEN, count);
	printf("%-12s %-7s %12s %9s %12s %9s\n", "cipher", "hmac",
	       "encrypt p/s", "MB/s", "decrypt p/s", "MB/s");
	for (i = 0; i < N_PAIRS && !ret; i++) {
		ret = bench_pair(&pairs[i], pk, count, &t);
		if (!ret)
			print_row(&pairs[i], &t);
	}
	for (i = 0; i < BATCH; i++)
		oc_pkt_free(pk[i]);
	if (ret)
		fprintf(stderr, "bench-esp: %s (%s)\n", strerror(-ret),
			oc_esp_strerr(ret));
	return ret ? 1 : 0;
}
