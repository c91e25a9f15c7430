// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of CUBIC (cubic.c) and of the choice of algorithm
 * (cong.c): the cube root, the window function of RFC 9438 Figure 1,
 * the window's growth round by round, the Reno-friendly region, fast
 * convergence, timeouts and idle spells.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "xtcp.h"

#define MS 1000U	/* microseconds */

static void xtcp_cubic_cube_root(struct kunit *test)
{
	static const struct {
		u64 x;
		u32 root;
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 7, 1 }, { 8, 2 }, { 26, 2 }, { 27, 3 },
		{ 999999999999999999ULL, 999999 },
		{ 1000000000000000000ULL, 1000000 },
		{ 1ULL << 63, 2097152 },
		{ U64_MAX, 2642245 },
		/* K for W_max - cwnd = 30 segments: cbrt(30 / 0.4) s. */
		{ 30 * 2500000000ULL, 4217 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_cubic_cbrt(cases[i].x),
				    cases[i].root, "cbrt(%llu)", cases[i].x);
}

/*
 * A connection at 100 segments meets a loss with 100 in flight: the
 * threshold is 70, W_max 100, and the epoch that starts at 70 reaches
 * W_max after K = cbrt(30 / 0.4) = 4.217 s.
 */
static void xtcp_cubic_after_loss(struct xtcp_cc *cc)
{
	xtcp_cc_init(cc, &xtcp_cubic);
	cc->cwnd = 100;
	xtcp_cc_enter_recovery(cc, 100);
	xtcp_cc_exit_recovery(cc, 69);
}

static void xtcp_cubic_window_function(struct kunit *test)
{
	struct xtcp_cc cc;
	struct xtcp_cubic *c = &cc.cubic;
	u32 t, prev = 0;

	xtcp_cubic_after_loss(&cc);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 70);	/* beta 0.7 */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 70);
	KUNIT_EXPECT_EQ(test, c->w_max, 100);

	/* The first ACK in avoidance starts the epoch. */
	xtcp_cc_on_ack(&cc, 1, 5000, 100 * MS);
	KUNIT_EXPECT_EQ(test, c->epoch_ms, 5000);
	KUNIT_EXPECT_EQ(test, c->k_ms, 4217);
	KUNIT_EXPECT_EQ(test, c->origin, 100);

	/* W(0) = W_max - 0.4 K^3 = cwnd at the start (to a segment). */
	KUNIT_EXPECT_GE(test, xtcp_cubic_target(c, 0), 70);
	KUNIT_EXPECT_LE(test, xtcp_cubic_target(c, 0), 71);
	/* Concave: most of the way back in the first half. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, 4217 / 2), 97);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, 4217), 100);
	/* Flat around K, then convex: 0.4 * 5^3 = 50 more 5 s past it. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, 4217 + 1000), 100);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, 4217 + 5000), 150);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, 4217 + 10000), 500);
	/* Bounded at both ends. */
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, 4217 + 200000), XTCP_MAX_CWND);
	KUNIT_EXPECT_EQ(test, xtcp_cubic_target(c, U32_MAX), XTCP_MAX_CWND);

	/* Never decreasing in t. */
	for (t = 0; t < 20000; t += 7) {
		u32 w = xtcp_cubic_target(c, t);

		KUNIT_EXPECT_GE(test, w, prev);
		prev = w;
	}
}

/* Round trips of @rtt_ms, each acknowledging the window one at a time. */
static void xtcp_cubic_rounds(struct xtcp_cc *cc, u32 *now, u32 rounds,
			      u32 rtt_ms)
{
	u32 r, i, w;

	for (r = 0; r < rounds; r++) {
		w = cc->cwnd;
		for (i = 0; i < w; i++)
			xtcp_cc_on_ack(cc, 1, *now + i * rtt_ms / w,
				       rtt_ms * MS);
		*now += rtt_ms;
	}
}

static void xtcp_cubic_growth(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 now = 5000, w10, w30, w42, w60, w80, w100;

	xtcp_cubic_after_loss(&cc);
	/* 100 ms round trips: 42 of them to K. */
	xtcp_cubic_rounds(&cc, &now, 10, 100);
	w10 = cc.cwnd;
	xtcp_cubic_rounds(&cc, &now, 20, 100);
	w30 = cc.cwnd;
	xtcp_cubic_rounds(&cc, &now, 12, 100);
	w42 = cc.cwnd;
	xtcp_cubic_rounds(&cc, &now, 18, 100);
	w60 = cc.cwnd;
	xtcp_cubic_rounds(&cc, &now, 20, 100);
	w80 = cc.cwnd;
	xtcp_cubic_rounds(&cc, &now, 20, 100);
	w100 = cc.cwnd;
	kunit_info(test, "cwnd after 10/30/42/60/80/100 RTTs: %u %u %u %u %u %u",
		   w10, w30, w42, w60, w80, w100);

	/* Concave: the first 10 rounds gain more than the next 20. */
	KUNIT_EXPECT_GT(test, w10 - 70, w30 - w10);
	/* At K the window is back at W_max (the curve is aimed 1 RTT ahead). */
	KUNIT_EXPECT_GE(test, w42, 99);
	KUNIT_EXPECT_LE(test, w42, 102);
	/* Convex past it: each stretch of 20 rounds gains more than the last. */
	KUNIT_EXPECT_GT(test, w80 - w60, w60 - w42);
	KUNIT_EXPECT_GT(test, w100 - w80, w80 - w60);
	/*
	 * The window follows the curve: 10 s into the epoch it lies between
	 * W(t - RTT) and W(t + RTT), 0.4 * 5.78^3 = 77 above W_max.
	 */
	KUNIT_EXPECT_GE(test, w100, xtcp_cubic_target(&cc.cubic, 10000 - 100));
	KUNIT_EXPECT_LE(test, w100, xtcp_cubic_target(&cc.cubic, 10000 + 100));
	KUNIT_EXPECT_GE(test, w100, 170);
	/* Never more than 1.5 times per 20 rounds at this size. */
	KUNIT_EXPECT_LE(test, w100, w80 * 3 / 2);
}

/*
 * §4.3: with a short RTT the curve is slower than Reno; the window
 * follows Reno's estimate, alpha = 9/17 per round up to W_max, 1 after.
 */
static void xtcp_cubic_reno_friendly(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 now = 5000;

	xtcp_cc_init(&cc, &xtcp_cubic);
	cc.cwnd = 20;
	xtcp_cc_enter_recovery(&cc, 20);
	xtcp_cc_exit_recovery(&cc, 20);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 14);
	/* K = cbrt(6 / 0.4) s = 2.466 s; 100 rounds of 1 ms are 0.1 s. */
	xtcp_cubic_rounds(&cc, &now, 100, 1);
	/* W(0.1 s) = 20 - 0.4 * 2.366^3 = 14.7: the curve has hardly moved. */
	KUNIT_EXPECT_LE(test, xtcp_cubic_target(&cc.cubic, 100), 15);
	KUNIT_EXPECT_EQ(test, cc.cwnd, cc.cubic.w_est);
	/* About 12 rounds at 9/17 to reach 20, then 88 at one each. */
	KUNIT_EXPECT_GE(test, cc.cwnd, 100);
	KUNIT_EXPECT_LE(test, cc.cwnd, 110);
}

static void xtcp_cubic_fast_convergence(struct kunit *test)
{
	struct xtcp_cc cc;

	xtcp_cubic_after_loss(&cc);
	/* A second loss below W_max: the flow yields, W_max = 0.85 cwnd. */
	cc.cwnd = 80;
	xtcp_cc_enter_recovery(&cc, 80);
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 68);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 56);
	KUNIT_EXPECT_EQ(test, cc.cubic.epoch_ms, 0);
	/* A loss above it: W_max is the window. */
	cc.cwnd = 90;
	xtcp_cc_enter_recovery(&cc, 90);
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 90);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 63);
	/* The floor of two segments. */
	xtcp_cc_enter_recovery(&cc, 2);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2);
}

static void xtcp_cubic_timeout_and_idle(struct kunit *test)
{
	struct xtcp_cc cc;
	u32 now = 5000, w, start;

	xtcp_cubic_after_loss(&cc);
	xtcp_cubic_rounds(&cc, &now, 5, 100);
	KUNIT_EXPECT_NE(test, cc.cubic.epoch_ms, 0);

	/* §4.8: threshold by beta, window 1, and no W_max to return to. */
	xtcp_cc_on_timeout(&cc, 80, true);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 56);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1);
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 0);
	KUNIT_EXPECT_EQ(test, cc.cubic.epoch_ms, 0);
	/* Slow start to 56, then an epoch with K = 0 at the window found. */
	xtcp_cubic_rounds(&cc, &now, 6, 100);
	KUNIT_EXPECT_GE(test, cc.cwnd, 56);
	KUNIT_EXPECT_EQ(test, cc.cubic.k_ms, 0);
	KUNIT_EXPECT_EQ(test, cc.cubic.origin, 56);

	/* Sending after an idle spell restarts the epoch where it stands. */
	w = cc.cwnd;
	xtcp_cc_tx_start(&cc);
	KUNIT_EXPECT_EQ(test, cc.cubic.epoch_ms, 0);
	now += 60000;
	start = now;
	xtcp_cubic_rounds(&cc, &now, 1, 100);
	KUNIT_EXPECT_EQ(test, cc.cubic.epoch_ms, start);
	/* Not the minute-late curve's 1.5 times per round. */
	KUNIT_EXPECT_LE(test, cc.cwnd, w + 2);
}

static void xtcp_cc_choice(struct kunit *test)
{
	char names[64];
	struct xtcp_cc cc;

	KUNIT_EXPECT_PTR_EQ(test, xtcp_cc_find("cubic"), &xtcp_cubic);
	KUNIT_EXPECT_PTR_EQ(test, xtcp_cc_find("reno"), &xtcp_reno);
	KUNIT_EXPECT_NULL(test, xtcp_cc_find("Cubic"));
	KUNIT_EXPECT_NULL(test, xtcp_cc_find(""));
	KUNIT_EXPECT_NULL(test, xtcp_cc_find("cubic "));
	KUNIT_EXPECT_EQ(test, xtcp_cc_available(names, sizeof(names)), 10);
	KUNIT_EXPECT_STREQ(test, names, "cubic reno");
	KUNIT_EXPECT_EQ(test, xtcp_cc_available(names, 6), 5);
	KUNIT_EXPECT_STREQ(test, names, "cubic");

	/* Switching keeps the window and the threshold. */
	xtcp_cubic_after_loss(&cc);
	cc.cwnd = 77;
	xtcp_cc_set(&cc, &xtcp_reno);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 77);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 70);
	xtcp_cc_enter_recovery(&cc, 40);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 20);	/* Reno's half */
	xtcp_cc_set(&cc, &xtcp_cubic);
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 0);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 20);
}

static struct kunit_case xtcp_cubic_cases[] = {
	KUNIT_CASE(xtcp_cubic_cube_root),
	KUNIT_CASE(xtcp_cubic_window_function),
	KUNIT_CASE(xtcp_cubic_growth),
	KUNIT_CASE(xtcp_cubic_reno_friendly),
	KUNIT_CASE(xtcp_cubic_fast_convergence),
	KUNIT_CASE(xtcp_cubic_timeout_and_idle),
	KUNIT_CASE(xtcp_cc_choice),
	{}
};

static struct kunit_suite xtcp_cubic_suite = {
	.name = "xtcp_cubic",
	.test_cases = xtcp_cubic_cases,
};

kunit_test_suite(xtcp_cubic_suite);
