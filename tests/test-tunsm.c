/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tunsm.h"

/* Short names for the tables. */
#define DROP	OC_TA_DROP_ESP
#define CLHTTPS	OC_TA_CLOSE_HTTPS
#define CLTLS	OC_TA_CLOSE_CONFIG_TLS
#define RECON	OC_TA_RECONNECT
#define REKEY	OC_TA_START_REKEY
#define CONN	OC_TA_CONNECT_HTTPS
#define PROBE	OC_TA_SEND_PROBE
#define KA	OC_TA_SEND_HTTPS_KEEPALIVE
#define PERIODIC (PROBE | KA)

#define NONE	OC_TS_NONE
#define PROBING	OC_TS_ESP_PROBING
#define ESP_UP	OC_TS_ESP_UP
#define HTTPS	OC_TS_HTTPS_UP
#define REKEYING OC_TS_REKEYING
#define RECONN	OC_TS_RECONNECTING

#define NEVER	OC_TUNSM_NEVER
#define HOUR	3600000LL

/*
 * Row kinds beyond the real events. The driver is a caller that sleeps
 * until next_wake_ms: a TICK row must come exactly at the wake-up the
 * previous step asked for, so the tables pin every timer down; other
 * events may come at any time up to it.
 */
enum {
	EV_EARLY = 100,	/* a tick before the wake-up (spurious wake) */
	EV_LATE,	/* a tick after it (the caller overslept) */
	EV_RUN,		/* tick at every wake-up before t: same state,
			 * only the listed periodic actions, no reason */
};

struct row {
	int64_t t;
	int ev;
	int has_esp;
	int64_t timeout_s;
	enum oc_tun_state state;
	unsigned int actions;		/* exactly these */
	char on;			/* data on 'E'SP, 'H'TTPS, '-' none */
	const char *reason;		/* NULL: no change expected */
	int64_t wake;			/* 0: not checked */
};

#define ROW(t, ev, st, act, on, why) \
	{ t, OC_TEV_##ev, 0, 0, st, act, on, why, 0 }
#define ROWW(t, ev, st, act, on, why, wake) \
	{ t, OC_TEV_##ev, 0, 0, st, act, on, why, wake }
#define TICK(t, st, act, on, why) ROW(t, TICK, st, act, on, why)
#define CFG(t, esp, to, st, act, on, why) \
	{ t, OC_TEV_CONFIG, esp, to, st, act, on, why, 0 }
#define EARLY(t, st, on) { t, EV_EARLY, 0, 0, st, 0, on, NULL, 0 }
#define LATE(t, st, act, on, why) { t, EV_LATE, 0, 0, st, act, on, why, 0 }
#define RUN(t, st, act, on) { t, EV_RUN, 0, 0, st, act, on, NULL, 0 }

#define MAX_ROWS	16

struct scenario {
	const char *name;
	struct oc_tunsm_conf conf;	/* zeros: defaults */
	size_t n;
	struct row r[MAX_ROWS];
};

#define SC(name, conf, ...)						\
	{ name, conf, sizeof((struct row[]){ __VA_ARGS__ }) /		\
		sizeof(struct row), { __VA_ARGS__ } }

#define DEFAULTS	{ 0 }
#define DPD(ms)		{ .dpd_ms = (ms) }

static const char probing5[] = "probing ESP for up to 5000 ms";
static const char probing5_rk[] = "rekey done; probing ESP for up to 5000 ms";
static const char https_rk[] = "rekey done; no ESP; using HTTPS";

static const struct scenario scenarios[] = {
	SC("1 ESP answered at 38 ms", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   ROW(38, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 38 ms"),
	   TICK(10038, ESP_UP, PROBE, 'E', NULL),
	   ROW(10050, ESP_RX, ESP_UP, 0, 'E', NULL),
	   TICK(20050, ESP_UP, PROBE, 'E', NULL)),
	SC("2 no answer: probes each second, HTTPS at exactly 5000", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   TICK(1000, PROBING, PROBE, '-', NULL),
	   TICK(2000, PROBING, PROBE, '-', NULL),
	   ROW(2500, ESP_FAILED, PROBING, 0, '-', NULL),
	   ROW(2600, HTTPS_FAILED, PROBING, 0, '-', NULL),
	   TICK(3000, PROBING, PROBE, '-', NULL),
	   TICK(4000, PROBING, PROBE, '-', NULL),
	   EARLY(4999, PROBING, '-'),
	   TICK(5000, HTTPS, DROP | CONN, 'H',
		"no ESP answer in 5000 ms; using HTTPS"),
	   TICK(15000, HTTPS, KA, 'H', NULL),
	   ROW(15500, PROBE_ANSWER, HTTPS, 0, 'H', NULL),
	   TICK(25000, HTTPS, KA, 'H', NULL)),
	SC("3 no ESP keys: HTTPS at once", DEFAULTS,
	   CFG(0, 0, 3600, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   ROW(12000, ESP_RX, HTTPS, 0, 'H', NULL),
	   ROW(12001, ESP_FAILED, HTTPS, 0, 'H', NULL),
	   ROW(12002, CONFIG_FAILED, HTTPS, 0, 'H', NULL),
	   TICK(20000, HTTPS, KA, 'H', NULL)),
	SC("4 ESP up, then silence: DPD probes, HTTPS at 2 x DPD", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   ROW(100, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 100 ms"),
	   ROW(5000, HTTPS_FAILED, ESP_UP, 0, 'E', NULL),
	   TICK(10100, ESP_UP, PROBE, 'E', NULL),
	   TICK(15100, ESP_UP, PROBE, 'E', NULL),
	   EARLY(20099, ESP_UP, 'E'),
	   TICK(20100, HTTPS, DROP | CONN, 'H',
		"ESP silent for 20000 ms; falling back to HTTPS"),
	   TICK(30100, HTTPS, KA, 'H', NULL)),
	SC("5 valid packets reset the DPD", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   ROW(50, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 50 ms"),
	   ROW(9000, ESP_RX, ESP_UP, 0, 'E', NULL),
	   TICK(19000, ESP_UP, PROBE, 'E', NULL),
	   ROW(20000, ESP_RX, ESP_UP, 0, 'E', NULL),
	   TICK(30000, ESP_UP, PROBE, 'E', NULL),
	   TICK(35000, ESP_UP, PROBE, 'E', NULL),
	   ROW(36000, PROBE_ANSWER, ESP_UP, 0, 'E', NULL),
	   TICK(46000, ESP_UP, PROBE, 'E', NULL),
	   TICK(51000, ESP_UP, PROBE, 'E', NULL),
	   TICK(56000, HTTPS, DROP | CONN, 'H',
		"ESP silent for 20000 ms; falling back to HTTPS")),
	SC("6 rekey of a 3600 s timeout on ESP, at 3540 s", DPD(HOUR),
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   ROW(40, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 40 ms"),
	   ROWW(1000, ESP_RX, ESP_UP, 0, 'E', NULL, 3540000),
	   EARLY(3539999, ESP_UP, 'E'),
	   TICK(3540000, REKEYING, REKEY, 'E', "rekey due"),
	   ROW(3540500, ESP_RX, REKEYING, 0, 'E', NULL),
	   CFG(3541000, 1, 3600, PROBING, PROBE, 'E', probing5_rk),
	   ROW(3541030, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 30 ms"),
	   ROWW(3542000, ESP_RX, ESP_UP, 0, 'E', NULL, 3541000 + 3540000),
	   TICK(3541000 + 3540000, REKEYING, REKEY, 'E', "rekey due")),
	SC("7 rekey of a 30 s timeout, at half of it", DEFAULTS,
	   CFG(0, 1, 30, PROBING, PROBE, '-', probing5),
	   ROW(10, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 10 ms"),
	   ROW(9000, ESP_RX, ESP_UP, 0, 'E', NULL),
	   TICK(15000, REKEYING, REKEY, 'E', "rekey due"),
	   CFG(15200, 1, 30, PROBING, PROBE, 'E', probing5_rk),
	   ROW(15250, ESP_RX, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 50 ms"),
	   ROW(25000, ESP_RX, ESP_UP, 0, 'E', NULL),
	   TICK(30200, REKEYING, REKEY, 'E', "rekey due")),
	SC("8 rekey from HTTPS with ESP keys: ESP answers, HTTPS closes",
	   DEFAULTS,
	   CFG(0, 0, 3600, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   RUN(3540000, HTTPS, KA, 'H'),
	   TICK(3540000, REKEYING, KA | REKEY, 'H', "rekey due"),
	   CFG(3541000, 1, 3600, PROBING, PROBE, 'H', probing5_rk),
	   TICK(3542000, PROBING, PROBE, 'H', NULL),
	   ROW(3542020, PROBE_ANSWER, ESP_UP, CLTLS | CLHTTPS, 'E',
	       "ESP tunnel up after 1020 ms"),
	   TICK(3552020, ESP_UP, PROBE, 'E', NULL)),
	SC("9 rekey from HTTPS, ESP silent: HTTPS connected again", DEFAULTS,
	   CFG(0, 0, 30, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   TICK(15000, REKEYING, REKEY, 'H', "rekey due"),
	   TICK(20000, REKEYING, KA, 'H', NULL),
	   CFG(21000, 1, 30, PROBING, PROBE, 'H', probing5_rk),
	   RUN(26000, PROBING, PROBE | KA, 'H'),
	   TICK(26000, HTTPS, DROP | CONN, 'H',
		"no ESP answer in 5000 ms; using HTTPS"),
	   TICK(36000, REKEYING, KA | REKEY, 'H', "rekey due")),
	SC("10 rekey without ESP: from ESP to HTTPS", DEFAULTS,
	   CFG(0, 1, 30, PROBING, PROBE, '-', probing5),
	   ROW(20, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 20 ms"),
	   TICK(10020, ESP_UP, PROBE, 'E', NULL),
	   TICK(15000, REKEYING, REKEY, 'E', "rekey due"),
	   TICK(15020, REKEYING, PROBE, 'E', NULL),
	   CFG(15100, 0, 30, HTTPS, DROP | CONN, 'H', https_rk),
	   TICK(25100, HTTPS, KA, 'H', NULL),
	   TICK(30100, REKEYING, REKEY, 'H', "rekey due"),
	   CFG(30200, 0, 30, HTTPS, CONN, 'H', https_rk)),
	SC("11 HTTPS failure: reconnect, then ESP", DEFAULTS,
	   CFG(0, 0, 3600, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   ROWW(2000, HTTPS_FAILED, RECONN, RECON, '-',
		"HTTPS tunnel failed; reconnecting", NEVER),
	   ROW(2500, HTTPS_FAILED, RECONN, 0, '-', NULL),
	   ROW(2600, ESP_RX, RECONN, 0, '-', NULL),
	   ROWW(2700, CONFIG_FAILED, RECONN, 0, '-', NULL, NEVER),
	   CFG(9000, 1, 3600, PROBING, PROBE, '-',
	       "reconnected; probing ESP for up to 5000 ms"),
	   ROW(9038, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 38 ms")),
	SC("12 rekey failure: reconnect", DEFAULTS,
	   CFG(0, 1, 30, PROBING, PROBE, '-', probing5),
	   ROW(5, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 5 ms"),
	   ROW(9000, ESP_RX, ESP_UP, 0, 'E', NULL),
	   TICK(15000, REKEYING, REKEY, 'E', "rekey due"),
	   ROWW(15300, CONFIG_FAILED, RECONN, RECON, '-',
		"rekey failed; reconnecting", NEVER),
	   CFG(16000, 0, 30, HTTPS, CONN, 'H',
	       "reconnected; no ESP; using HTTPS")),
	SC("13 ESP socket failure when up: HTTPS at once", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   ROW(40, ESP_RX, ESP_UP, CLTLS, 'E', "ESP tunnel up after 40 ms"),
	   ROW(7000, ESP_FAILED, HTTPS, DROP | CONN, 'H',
	       "ESP failed; falling back to HTTPS"),
	   ROW(7001, ESP_FAILED, HTTPS, 0, 'H', NULL),
	   TICK(17000, HTTPS, KA, 'H', NULL)),
	SC("14 ESP silent during a rekey: wait for the new keys", DEFAULTS,
	   CFG(0, 1, 30, PROBING, PROBE, '-', probing5),
	   ROW(10, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 10 ms"),
	   TICK(10010, ESP_UP, PROBE, 'E', NULL),
	   TICK(15000, REKEYING, REKEY, 'E', "rekey due"),
	   TICK(15010, REKEYING, PROBE, 'E', NULL),
	   ROWW(20010, TICK, REKEYING, DROP, '-',
		"ESP silent for 20000 ms; waiting for the rekey", NEVER),
	   ROW(20500, ESP_RX, REKEYING, 0, '-', NULL),
	   CFG(21000, 1, 30, PROBING, PROBE, '-', probing5_rk),
	   ROW(21010, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 10 ms")),
	SC("15 HTTPS fails while probing after a rekey", DEFAULTS,
	   CFG(0, 0, 30, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   TICK(15000, REKEYING, REKEY, 'H', "rekey due"),
	   CFG(15500, 1, 30, PROBING, PROBE, 'H', probing5_rk),
	   ROW(15700, HTTPS_FAILED, PROBING, CLHTTPS, '-',
	       "HTTPS tunnel failed; waiting for ESP"),
	   TICK(16500, PROBING, PROBE, '-', NULL),
	   ROW(16600, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
	       "ESP tunnel up after 1100 ms")),
	SC("16 HTTPS fails during a rekey", DEFAULTS,
	   CFG(0, 0, 30, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   TICK(15000, REKEYING, REKEY, 'H', "rekey due"),
	   ROWW(15100, HTTPS_FAILED, REKEYING, CLHTTPS, '-',
		"HTTPS tunnel failed; waiting for the rekey", NEVER),
	   CFG(15500, 0, 30, HTTPS, CONN, 'H', https_rk)),
	SC("17 HTTPS silent with the dead check on",
	   { .https_dead_ms = 30000 },
	   CFG(0, 0, 3600, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   ROW(10020, HTTPS_RX, HTTPS, 0, 'H', NULL),
	   TICK(20000, HTTPS, KA, 'H', NULL),
	   ROW(21000, HTTPS_RX, HTTPS, 0, 'H', NULL),
	   TICK(30000, HTTPS, KA, 'H', NULL),
	   TICK(40000, HTTPS, KA, 'H', NULL),
	   TICK(50000, HTTPS, KA, 'H', NULL),
	   TICK(51000, RECONN, RECON, '-',
		"HTTPS tunnel silent for 30000 ms; reconnecting")),
	SC("18 a late tick still falls back, and says how late", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   LATE(7000, HTTPS, DROP | CONN, 'H',
		"no ESP answer in 7000 ms; using HTTPS")),
	SC("19 two changes due at once: one per step", DEFAULTS,
	   CFG(0, 1, 1, PROBING, PROBE, '-', probing5),
	   ROWW(600, PROBE_ANSWER, ESP_UP, CLTLS, 'E',
		"ESP tunnel up after 600 ms", 600),
	   TICK(600, REKEYING, REKEY, 'E', "rekey due")),
	SC("20 before any configuration nothing happens", DEFAULTS,
	   { 0, EV_EARLY, 0, 0, NONE, 0, '-', NULL, NEVER },
	   ROW(10, ESP_RX, NONE, 0, '-', NULL),
	   ROW(20, PROBE_ANSWER, NONE, 0, '-', NULL),
	   ROW(30, HTTPS_FAILED, NONE, 0, '-', NULL),
	   ROW(40, ESP_FAILED, NONE, 0, '-', NULL),
	   ROWW(50, CONFIG_FAILED, NONE, 0, '-', NULL, NEVER),
	   CFG(60, 0, 0, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   RUN(HOUR, HTTPS, KA, 'H')),
	SC("21 a new configuration while probing starts again", DEFAULTS,
	   CFG(0, 1, 3600, PROBING, PROBE, '-', probing5),
	   TICK(1000, PROBING, PROBE, '-', NULL),
	   CFG(1500, 1, 3600, PROBING, PROBE, '-',
	       "new configuration; probing ESP for up to 5000 ms"),
	   RUN(6500, PROBING, PROBE, '-'),
	   TICK(6500, HTTPS, DROP | CONN, 'H',
		"no ESP answer in 5000 ms; using HTTPS")),
	SC("22 HTTPS fails as the hold-off ends: one change per step",
	   DEFAULTS,
	   CFG(0, 0, 30, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   TICK(15000, REKEYING, REKEY, 'H', "rekey due"),
	   CFG(15500, 1, 30, PROBING, PROBE, 'H', probing5_rk),
	   RUN(20500, PROBING, PROBE | KA, 'H'),
	   ROWW(20500, HTTPS_FAILED, PROBING, CLHTTPS, '-',
		"HTTPS tunnel failed; waiting for ESP", 20500),
	   TICK(20500, HTTPS, DROP | CONN, 'H',
		"no ESP answer in 5000 ms; using HTTPS")),
	SC("23 HTTPS silent as the rekey ends: one change per step",
	   { .https_dead_ms = 25000 },
	   CFG(0, 0, 30, HTTPS, CONN, 'H', "no ESP; using HTTPS"),
	   TICK(10000, HTTPS, KA, 'H', NULL),
	   TICK(15000, REKEYING, REKEY, 'H', "rekey due"),
	   TICK(20000, REKEYING, KA, 'H', NULL),
	   { 25000, OC_TEV_CONFIG, 1, 30, PROBING, PROBE, 'H', probing5_rk,
	     25000 },
	   TICK(25000, PROBING, CLHTTPS, '-',
		"HTTPS tunnel silent for 25000 ms"),
	   TICK(26000, PROBING, PROBE, '-', NULL)),
};

/* ---- The driver -------------------------------------------------------- */

static char on_of(const struct oc_tunsm *sm)
{
	assert_false(oc_tunsm_data_on_esp(sm) && oc_tunsm_data_on_https(sm));
	if (oc_tunsm_data_on_esp(sm))
		return 'E';
	return oc_tunsm_data_on_https(sm) ? 'H' : '-';
}

static int64_t step(struct oc_tunsm *sm, int type, int has_esp,
		    int64_t timeout_s, int64_t now, struct oc_tunsm_out *out)
{
	struct oc_tun_event ev = { type, has_esp, timeout_s };

	oc_tunsm_step(sm, &ev, now, out);
	assert_true(out->next_wake_ms >= now);
	return out->next_wake_ms;
}

/* Nothing may be due before the wake-up the step asked for. */
static void check_quiet_before(const char *ctx, const struct oc_tunsm *sm,
			       int64_t now, int64_t wake)
{
	struct oc_tunsm copy = *sm;
	struct oc_tunsm_out out;

	if (wake == NEVER)
		wake = now + 10 * HOUR;
	if (wake <= now + 1)
		return;
	step(&copy, OC_TEV_TICK, 0, 0, wake - 1, &out);
	if (out.actions || out.reason)
		print_message("# %s, at %lld: something was due before the "
			      "wake-up at %lld\n", ctx, (long long)now,
			      (long long)wake);
	assert_int_equal(out.actions, 0);
	assert_null(out.reason);
	assert_int_equal(copy.state, sm->state);
}

static void fail_row(const struct scenario *sc, size_t i, const char *what)
{
	print_message("# scenario \"%s\", row %zu (t=%lld): %s\n", sc->name,
		      i + 1, (long long)sc->r[i].t, what);
}

static void check_outcome(const struct scenario *sc, size_t i,
			  const struct oc_tunsm *sm,
			  const struct oc_tunsm_out *out)
{
	const struct row *r = &sc->r[i];

	if (sm->state != r->state || out->actions != r->actions ||
	    on_of(sm) != r->on)
		fail_row(sc, i, oc_tunsm_state_name(sm->state));
	assert_string_equal(oc_tunsm_state_name(sm->state),
			    oc_tunsm_state_name(r->state));
	assert_int_equal(out->actions, r->actions);
	assert_int_equal(on_of(sm), r->on);
	if (!r->reason || !out->reason) {
		if (r->reason != out->reason)
			fail_row(sc, i, out->reason ? out->reason : "(none)");
		assert_ptr_equal(out->reason, r->reason);
	} else {
		if (strcmp(out->reason, r->reason))
			fail_row(sc, i, out->reason);
		assert_string_equal(out->reason, r->reason);
	}
	if (r->wake && out->next_wake_ms != r->wake)
		fail_row(sc, i, "next wake");
	if (r->wake)
		assert_int_equal(out->next_wake_ms, r->wake);
}

/* Ticks at every wake-up before the row's time; returns the last wake. */
static int64_t run_until(const struct scenario *sc, size_t i,
			 struct oc_tunsm *sm, int64_t wake)
{
	const struct row *r = &sc->r[i];
	struct oc_tunsm_out out;
	int n = 0;

	while (wake < r->t) {
		assert_true(++n < 1000000);
		wake = step(sm, OC_TEV_TICK, 0, 0, wake, &out);
		if (out.reason || (out.actions & ~r->actions) ||
		    sm->state != r->state || on_of(sm) != r->on)
			fail_row(sc, i, "change during a run");
		assert_null(out.reason);
		assert_int_equal(out.actions & ~r->actions, 0);
		assert_int_not_equal(out.actions, 0);
		assert_int_equal(sm->state, r->state);
		assert_int_equal(on_of(sm), r->on);
	}
	return wake;
}

static void check_timing(const struct scenario *sc, size_t i, int64_t prev,
			 int64_t wake)
{
	const struct row *r = &sc->r[i];
	int ok = r->t >= prev;

	if (r->ev == OC_TEV_TICK)
		ok = ok && r->t == wake;
	else if (r->ev == EV_LATE)
		ok = ok && r->t > wake;
	else
		ok = ok && r->t <= wake;
	if (!ok) {
		print_message("# scenario \"%s\", row %zu: t=%lld, but the "
			      "wake-up was %lld\n", sc->name, i + 1,
			      (long long)r->t, (long long)wake);
		fail();
	}
}

static void run_scenario(const struct scenario *sc)
{
	struct oc_tunsm sm;
	struct oc_tunsm_out out;
	int64_t wake = NEVER, prev = 0;
	size_t i;
	int type;

	assert_true(sc->n <= MAX_ROWS);
	oc_tunsm_init(&sm, &sc->conf);
	for (i = 0; i < sc->n; i++) {
		const struct row *r = &sc->r[i];

		if (r->ev == EV_RUN) {
			wake = run_until(sc, i, &sm, wake);
			continue;
		}
		check_timing(sc, i, prev, wake);
		type = r->ev >= EV_EARLY ? OC_TEV_TICK : r->ev;
		wake = step(&sm, type, r->has_esp, r->timeout_s, r->t, &out);
		check_outcome(sc, i, &sm, &out);
		check_quiet_before(sc->name, &sm, r->t, wake);
		prev = r->t;
	}
}

static void test_scenarios(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run_scenario(&scenarios[i]);
}

/* ---- Rekey time and configuration -------------------------------------- */

static void test_rekey_delay(void **state)
{
	static const struct {
		int64_t timeout_s, before_ms, want;
	} t[] = {
		{ 3600, 0, 3540000 },		/* 1: timeout - 60 s */
		{ 30, 0, 15000 },		/* 2: half of it */
		{ 120, 0, 60000 },		/* 3: both rules agree */
		{ 121, 0, 61000 },		/* 4 */
		{ 119, 0, 59500 },		/* 5 */
		{ 1, 0, 500 },			/* 6 */
		{ 0, 0, 0 },			/* 7: no timeout, no rekey */
		{ -5, 0, 0 },			/* 8 */
		{ INT64_MAX, 0, 0x7fffffffLL * 1000 - 60000 }, /* 9 */
		{ 3600, 600000, 3000000 },	/* 10: 10 min before */
		{ 3600, 3000000, 1800000 },	/* 11: capped at half */
	};
	struct oc_tunsm_conf conf;
	struct oc_tunsm sm;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&conf, 0, sizeof(conf));
		conf.rekey_before_ms = t[i].before_ms;
		oc_tunsm_init(&sm, &conf);
		if (oc_tunsm_rekey_delay(&sm.conf, t[i].timeout_s) !=
		    t[i].want)
			print_message("# rekey case %zu\n", i + 1);
		assert_int_equal(oc_tunsm_rekey_delay(&sm.conf,
						      t[i].timeout_s),
				 t[i].want);
	}
}

static void test_conf(void **state)
{
	struct oc_tunsm_conf c, d;
	struct oc_tunsm sm;

	oc_tunsm_conf_default(&d);
	assert_int_equal(d.holdoff_ms, 5000);
	assert_int_equal(d.probe_interval_ms, 1000);
	assert_int_equal(d.dpd_ms, 10000);
	assert_int_equal(d.rekey_before_ms, 60000);
	assert_int_equal(d.https_keepalive_ms, 10000);
	assert_int_equal(d.https_dead_ms, 0);

	oc_tunsm_init(&sm, NULL);
	assert_memory_equal(&sm.conf, &d, sizeof(d));
	assert_int_equal(sm.state, OC_TS_NONE);
	assert_int_equal(on_of(&sm), '-');

	/* Negative means the default; too small or too large is clamped. */
	c.holdoff_ms = -1;
	c.probe_interval_ms = 1;
	c.dpd_ms = 999;
	c.rekey_before_ms = 0;
	c.https_keepalive_ms = INT64_MAX;
	c.https_dead_ms = -7;
	oc_tunsm_init(&sm, &c);
	assert_int_equal(sm.conf.holdoff_ms, 5000);
	assert_int_equal(sm.conf.probe_interval_ms, 100);
	assert_int_equal(sm.conf.dpd_ms, 1000);
	assert_int_equal(sm.conf.rekey_before_ms, 60000);
	assert_int_equal(sm.conf.https_keepalive_ms, 24 * HOUR);
	assert_int_equal(sm.conf.https_dead_ms, 0);
}

static void test_state_names(void **state)
{
	assert_string_equal(oc_tunsm_state_name(OC_TS_NONE), "NONE");
	assert_string_equal(oc_tunsm_state_name(OC_TS_ESP_PROBING),
			    "ESP_PROBING");
	assert_string_equal(oc_tunsm_state_name(OC_TS_ESP_UP), "ESP_UP");
	assert_string_equal(oc_tunsm_state_name(OC_TS_HTTPS_UP), "HTTPS_UP");
	assert_string_equal(oc_tunsm_state_name(OC_TS_REKEYING), "REKEYING");
	assert_string_equal(oc_tunsm_state_name(OC_TS_RECONNECTING),
			    "RECONNECTING");
	assert_string_equal(oc_tunsm_state_name((enum oc_tun_state)99), "?");
}

/* ---- Random sequences -------------------------------------------------- */

static uint32_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)(*x >> 32);
}

static const int event_types[] = {
	OC_TEV_CONFIG, OC_TEV_CONFIG_FAILED, OC_TEV_ESP_RX,
	OC_TEV_PROBE_ANSWER, OC_TEV_ESP_FAILED, OC_TEV_HTTPS_RX,
	OC_TEV_HTTPS_FAILED, OC_TEV_TICK, OC_TEV_TICK, OC_TEV_TICK,
};

static int64_t next_time(uint64_t *x, int64_t now, int64_t wake)
{
	uint32_t r = rnd(x) % 8;

	if (r < 3 && wake != NEVER)
		return wake;
	if (r == 3 && wake != NEVER)
		return wake + rnd(x) % 50;
	if (r == 4)
		return now + rnd(x) % 30000;
	return now + rnd(x) % 1200;
}

/* What must hold after every step, whatever came before. */
static void check_step(const struct oc_tunsm *before,
		       const struct oc_tunsm *sm, int type, int64_t now,
		       const struct oc_tunsm_out *out)
{
	unsigned int big = out->actions & ~PERIODIC;
	int probing_left = before->state == OC_TS_ESP_PROBING &&
			   now < before->since_ms + before->conf.holdoff_ms;

	/* The rule: never connect HTTPS while the probing has time left
	 * (a new configuration replaces the probing, so it may). */
	if (probing_left && type != OC_TEV_CONFIG)
		assert_false(out->actions & OC_TA_CONNECT_HTTPS);
	if (type == OC_TEV_CONFIG && sm->state == OC_TS_ESP_PROBING)
		assert_false(out->actions & OC_TA_CONNECT_HTTPS);
	if (out->actions & OC_TA_CONNECT_HTTPS)
		assert_int_equal(sm->state, OC_TS_HTTPS_UP);
	if (sm->state == OC_TS_ESP_UP)
		assert_int_equal(on_of(sm), 'E');
	if (sm->state == OC_TS_HTTPS_UP)
		assert_int_equal(on_of(sm), 'H');
	if (sm->state == OC_TS_NONE || sm->state == OC_TS_RECONNECTING)
		assert_int_equal(on_of(sm), '-');
	/* Every change, and every action worth a log line, has a reason. */
	if (sm->state != before->state || sm->carrier != before->carrier ||
	    big)
		assert_non_null(out->reason);
	if (out->reason)
		assert_true(strlen(out->reason) > 0);
	assert_true(out->next_wake_ms >= now);
}

/* A wake-up is never wasted: a tick at it does something. */
static void check_wake_useful(const struct oc_tunsm *sm, int64_t wake)
{
	struct oc_tunsm copy = *sm;
	struct oc_tunsm_out out;

	if (wake == NEVER)
		return;
	step(&copy, OC_TEV_TICK, 0, 0, wake, &out);
	assert_true(out.actions || out.reason);
}

static void random_run(uint64_t *x, const struct oc_tunsm_conf *conf)
{
	static const int64_t timeouts[] = { 0, 1, 12, 30, 120, 3600 };
	struct oc_tunsm sm, before;
	struct oc_tunsm_out out;
	int64_t now = 0, wake = NEVER;
	int i, type;

	oc_tunsm_init(&sm, conf);
	for (i = 0; i < 3000; i++) {
		now = next_time(x, now, wake);
		type = event_types[rnd(x) % (sizeof(event_types) /
					     sizeof(event_types[0]))];
		/* Configurations are rarer than packets. */
		if (type == OC_TEV_CONFIG && rnd(x) % 4)
			type = OC_TEV_TICK;
		before = sm;
		wake = step(&sm, type, rnd(x) % 3 != 0,
			    timeouts[rnd(x) % 6], now, &out);
		check_step(&before, &sm, type, now, &out);
		check_quiet_before("random run", &sm, now, wake);
		check_wake_useful(&sm, wake);
	}
}

static void test_random_sequences(void **state)
{
	struct oc_tunsm_conf confs[3] = {
		{ 0 },
		{ .dpd_ms = 1000, .holdoff_ms = 2000,
		  .https_dead_ms = 25000 },
		{ .holdoff_ms = 10000, .probe_interval_ms = 300,
		  .https_keepalive_ms = 1000, .rekey_before_ms = 5000 },
	};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int run;

	for (run = 0; run < 60; run++)
		random_run(&x, &confs[run % 3]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_rekey_delay),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_random_sequences),
	};

	return cmocka_run_group_tests_name("tunsm", tests, NULL, NULL);
}
