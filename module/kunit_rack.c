// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of RACK's pure logic (rack.c): the send-time order, the
 * reordering window and how D-SACKs and recoveries move it, the
 * windowed minimum RTT, and which deliveries advance RACK.xmit_ts;
 * and the bookkeeping of undo (undo.c): the window remembered, and the
 * retransmissions D-SACKs count off.
 */
#include <kunit/test.h>

#include "xtcp.h"

/* Later in time wins; at the same time, the higher sequence; wraps. */
static void xtcp_rack_order(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(200, 1, 100, 9));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(100, 9, 200, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(100, 2001, 100, 1001));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(100, 1001, 100, 1001));
	KUNIT_EXPECT_FALSE(test, xtcp_rack_sent_after(100, 1001, 100, 2001));
	/* Both clocks wrap: 0xfffffff0 is before 0x10. */
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(0x10, 1, 0xfffffff0, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_rack_sent_after(5, 0x10, 5, 0xfffffff0));
}

/* A quarter of min RTT per step, at most SRTT; 0 when strict, unless reordered. */
static void xtcp_rack_window(struct kunit *test)
{
	struct xtcp_rack r;

	xtcp_rack_init(&r);
	/* No minimum yet: SRTT. */
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, false), 30000U);
	xtcp_rack_min_rtt(&r, 20000, 1000);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, false), 5000U);
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, true), 0U);
	r.reord = true;
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, true), 5000U);
	r.steps = 5;
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, false), 25000U);
	r.steps = 7;
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, false), 30000U);
	r.steps = U8_MAX;
	r.min_rtt_us = U32_MAX;
	KUNIT_EXPECT_EQ(test, xtcp_rack_reo_wnd(&r, 30000, false), 30000U);
}

/* D-SACKs grow the window once per round trip; 16 recoveries undo it. */
static void xtcp_rack_dsack_steps(struct kunit *test)
{
	struct xtcp_rack r;
	int i;

	xtcp_rack_init(&r);
	KUNIT_EXPECT_EQ(test, r.steps, 1);
	xtcp_rack_dsack(&r, 1000, 5000);
	KUNIT_EXPECT_EQ(test, r.steps, 2);
	/* The same round: not again. */
	xtcp_rack_dsack(&r, 3000, 6000);
	xtcp_rack_dsack(&r, 4999, 7000);
	KUNIT_EXPECT_EQ(test, r.steps, 2);
	/* 5000 acknowledged: a new round. */
	xtcp_rack_dsack(&r, 5000, 9000);
	KUNIT_EXPECT_EQ(test, r.steps, 3);
	KUNIT_EXPECT_EQ(test, r.dsack_high, 9000U);
	for (i = 0; i < XTCP_RACK_PERSIST - 1; i++)
		xtcp_rack_recovery_done(&r);
	KUNIT_EXPECT_EQ(test, r.steps, 3);
	xtcp_rack_recovery_done(&r);
	KUNIT_EXPECT_EQ(test, r.steps, 1);
	xtcp_rack_recovery_done(&r);
	KUNIT_EXPECT_EQ(test, r.steps, 1);
	/* Sequence numbers wrap. */
	xtcp_rack_init(&r);
	xtcp_rack_dsack(&r, 0xfffff000, 0x100);
	xtcp_rack_dsack(&r, 0xffffff00, 0x200);
	KUNIT_EXPECT_EQ(test, r.steps, 2);
	xtcp_rack_dsack(&r, 0x100, 0x300);
	KUNIT_EXPECT_EQ(test, r.steps, 3);
}

/* The minimum falls at once and rises only when five minutes old. */
static void xtcp_rack_min_rtt_window(struct kunit *test)
{
	struct xtcp_rack r;

	xtcp_rack_init(&r);
	xtcp_rack_min_rtt(&r, 20000, 1000);
	xtcp_rack_min_rtt(&r, 30000, 2000);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 20000U);
	xtcp_rack_min_rtt(&r, 15000, 3000);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 15000U);
	xtcp_rack_min_rtt(&r, 40000, 3000 + XTCP_RACK_MIN_RTT_WIN_MS);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 15000U);
	xtcp_rack_min_rtt(&r, 40000, 3001 + XTCP_RACK_MIN_RTT_WIN_MS);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 40000U);
	/* A zero sample (a clock tick) counts as 1 us: 0 means none. */
	xtcp_rack_min_rtt(&r, 0, 5000 + XTCP_RACK_MIN_RTT_WIN_MS);
	KUNIT_EXPECT_EQ(test, r.min_rtt_us, 1U);
}

/* Deliveries move RACK.xmit_ts forward only; ambiguous ones are ignored. */
static void xtcp_rack_deliveries(struct kunit *test)
{
	struct xtcp_rack r;

	xtcp_rack_init(&r);
	xtcp_rack_min_rtt(&r, 10000, 0);
	xtcp_rack_deliver(&r, 100000, 2001, false, 120000);
	KUNIT_EXPECT_TRUE(test, r.delivered && r.advanced);
	KUNIT_EXPECT_EQ(test, r.xmit_us, 100000U);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 20000U);
	/* Sent earlier, delivered later: RTT taken, xmit_ts stays. */
	xtcp_rack_deliver(&r, 90000, 1001, false, 125000);
	KUNIT_EXPECT_EQ(test, r.xmit_us, 100000U);
	KUNIT_EXPECT_EQ(test, r.end_seq, 2001U);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 35000U);
	/* Same send time, higher sequence: it moves. */
	xtcp_rack_deliver(&r, 100000, 3001, false, 125000);
	KUNIT_EXPECT_EQ(test, r.end_seq, 3001U);
	/* A retransmission back sooner than min RTT: the original, ignored. */
	r.advanced = false;
	xtcp_rack_deliver(&r, 124000, 1001, true, 125000);
	KUNIT_EXPECT_FALSE(test, r.advanced);
	KUNIT_EXPECT_EQ(test, r.xmit_us, 100000U);
	/* One back after min RTT: it counts. */
	xtcp_rack_deliver(&r, 124000, 1001, true, 140000);
	KUNIT_EXPECT_TRUE(test, r.advanced);
	KUNIT_EXPECT_EQ(test, r.xmit_us, 124000U);
	KUNIT_EXPECT_EQ(test, r.rtt_us, 16000U);
}

static struct kunit_case xtcp_rack_cases[] = {
	KUNIT_CASE(xtcp_rack_order),
	KUNIT_CASE(xtcp_rack_window),
	KUNIT_CASE(xtcp_rack_dsack_steps),
	KUNIT_CASE(xtcp_rack_min_rtt_window),
	KUNIT_CASE(xtcp_rack_deliveries),
	{}
};

static struct kunit_suite xtcp_rack_suite = {
	.name = "xtcp_rack",
	.test_cases = xtcp_rack_cases,
};

kunit_test_suite(xtcp_rack_suite);

/* The window remembered at an episode's start, TCP's current ssthresh. */
static void xtcp_undo_remembers(struct kunit *test)
{
	struct xtcp_sock *xs = kunit_kzalloc(test, sizeof(*xs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, xs);
	xs->snd_una = 5000;
	xs->cc.cwnd = 40;
	xs->cc.ssthresh = 20;
	xs->ca_state = XTCP_CA_OPEN;
	xtcp_undo_begin(xs);
	KUNIT_EXPECT_TRUE(test, xs->undo.active);
	KUNIT_EXPECT_EQ(test, xs->undo.marker, 5000U);
	KUNIT_EXPECT_EQ(test, xs->undo.cwnd, 40U);
	KUNIT_EXPECT_EQ(test, xs->undo.ssthresh, 30U);	/* 3/4 of cwnd */
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, -1);
	/* Reduced already (ECN): the threshold as it is. */
	xs->ca_state = XTCP_CA_CWR;
	xtcp_undo_begin(xs);
	KUNIT_EXPECT_EQ(test, xs->undo.ssthresh, 20U);
	/* No threshold yet: none to restore either. */
	xs->ca_state = XTCP_CA_OPEN;
	xs->cc.ssthresh = 0x7fffffff;
	xtcp_undo_begin(xs);
	KUNIT_EXPECT_EQ(test, xs->undo.ssthresh, 0x7fffffffU);
}

/* D-SACKs of the episode's acknowledged data count off retransmissions. */
static void xtcp_undo_dsack_counts(struct kunit *test)
{
	struct xtcp_sock *xs = kunit_kzalloc(test, sizeof(*xs), GFP_KERNEL);
	struct xtcp_sack_block b;

	KUNIT_ASSERT_NOT_NULL(test, xs);
	xs->mss = 1000;
	xs->snd_una = 1000;
	xtcp_undo_begin(xs);
	/* Before the first resend there is nothing to count off. */
	b = (struct xtcp_sack_block){ 1000, 2000 };
	xtcp_undo_dsack(xs, &b, 5000);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, -1);
	xtcp_undo_retransmitted(xs, 1);
	xtcp_undo_retransmitted(xs, 2);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, 3);
	KUNIT_EXPECT_FALSE(test, xs->undo.ts_set);	/* no timestamps */
	/* Above the ACK: not known to be ours. */
	b = (struct xtcp_sack_block){ 5000, 6000 };
	xtcp_undo_dsack(xs, &b, 5000);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, 3);
	/* Before the episode: an older duplicate. */
	b = (struct xtcp_sack_block){ 0, 1000 };
	xtcp_undo_dsack(xs, &b, 5000);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, 3);
	b = (struct xtcp_sack_block){ 1000, 2500 };	/* two segments */
	xtcp_undo_dsack(xs, &b, 5000);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, 1);
	b = (struct xtcp_sack_block){ 3000, 5000 };
	xtcp_undo_dsack(xs, &b, 5000);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, 0);
	/* Outside an episode nothing is counted. */
	xs->undo.active = false;
	xtcp_undo_retransmitted(xs, 1);
	KUNIT_EXPECT_EQ(test, xs->undo.retrans, 0);
}

static struct kunit_case xtcp_undo_cases[] = {
	KUNIT_CASE(xtcp_undo_remembers),
	KUNIT_CASE(xtcp_undo_dsack_counts),
	{}
};

static struct kunit_suite xtcp_undo_suite = {
	.name = "xtcp_undo",
	.test_cases = xtcp_undo_cases,
};

kunit_test_suite(xtcp_undo_suite);
