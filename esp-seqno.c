/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "esp.h"

/*
 * The ESP anti-replay window (RFC 4303, section 3.4.3).
 *
 * What it decides. The receiver remembers the highest sequence number it
 * has accepted (top) and which of the W numbers ending at top it has seen,
 * W being OC_ESP_REPLAY_WINDOW. A number above top is new. A number W or
 * more below top is refused as too old: we no longer know whether it was
 * seen, and a late packet that far behind is worth less than the certainty
 * of never delivering a copy twice. Any other number is refused when its
 * bit says it was seen, and accepted otherwise.
 *
 * The order of work. oc_replay_check() only looks, so the caller can run
 * it as a cheap filter before spending an HMAC on the packet; the window
 * moves in oc_replay_accept(), which the caller calls only once the ICV is
 * good. Were it the other way round, a forged packet with a huge number
 * would push the window up and make every genuine packet "too old".
 *
 * How the bits are kept. The textbook window is one bitmap shifted by the
 * distance the top moves; a shift across several words is fiddly and costs
 * more as W grows. Instead (the idea of RFC 6479), number s owns bit s % 64
 * of word (s / 64) % WORDS (OC_REPLAY_WORDS) of a ring that never moves.
 * Call each run of 64 numbers that share a word a block. When the top
 * enters a new block, the words of the blocks it enters or skips are
 * cleared: none of their numbers has been seen. The W numbers ending at top touch at most W/64 + 1
 * blocks (W/64 when top ends a block, one more otherwise), so with
 * WORDS = W/64 + 1 no two live blocks share a word. Bits left in the
 * oldest word for numbers that fell out of the window are stale but never
 * read, because the age test comes first.
 *
 * Jumps. A jump of WORDS blocks or more clears the whole ring, so a big
 * jump ahead forgets everything, as it must; a smaller jump clears only the
 * words it passes. The work is bounded by WORDS per packet, whatever the
 * jump.
 *
 * Number 0 and the start. RFC 4303 senders start at 1, some start at 0.
 * The empty window has top 0 and no bit set, which reads as "0 not seen
 * yet": 0 is accepted once, and anything above it is new. No flag needed.
 *
 * The end. Sequence numbers are 32 bits and, without extended sequence
 * numbers (RFC 4303, section 2.2.1), never wrap: the sender must rekey
 * first. A sender that wraps anyway sends 0, 1, .. again, which lie some
 * 2^32 below top, far outside the window: refused as too old, they cannot
 * restart it.
 */

#define BLOCK_BITS	64

static uint32_t block_of(uint32_t seq)
{
	return seq / BLOCK_BITS;
}

/* Where block @blk lives in the ring. */
static unsigned int word_of(uint32_t blk)
{
	return blk % OC_REPLAY_WORDS;
}

static uint64_t bit_of(uint32_t seq)
{
	return (uint64_t)1 << (seq % BLOCK_BITS);
}

void oc_replay_init(struct oc_replay *w)
{
	memset(w, 0, sizeof(*w));
}

int oc_replay_check(const struct oc_replay *w, uint32_t seq)
{
	if (seq > w->top)
		return 0;
	if (w->top - seq >= OC_ESP_REPLAY_WINDOW)
		return -ETIME;
	if (w->bits[word_of(block_of(seq))] & bit_of(seq))
		return -EALREADY;
	return 0;
}

/* Moves top up to @seq, clearing the words of the blocks it enters. */
static void advance(struct oc_replay *w, uint32_t seq)
{
	uint32_t blk = block_of(w->top);
	uint32_t n = block_of(seq) - blk;

	if (n > OC_REPLAY_WORDS)
		n = OC_REPLAY_WORDS;
	while (n--)
		w->bits[word_of(++blk)] = 0;
	w->top = seq;
}

void oc_replay_accept(struct oc_replay *w, uint32_t seq)
{
	if (oc_replay_check(w, seq))
		return;
	if (seq > w->top)
		advance(w, seq);
	w->bits[word_of(block_of(seq))] |= bit_of(seq);
}
