// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the reliability arithmetic (cong.c), the window-scale
 * option (wire.c) and the out-of-order queue (ofo.c).
 */
#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "xtcp.h"

#define MS 1000U	/* microseconds */

static void xtcp_rtt_first_and_next(struct kunit *test)
{
	struct xtcp_rtt r;

	xtcp_rtt_init(&r, 1000 * MS);
	KUNIT_EXPECT_EQ(test, r.rto_us, 1000 * MS);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 0);

	/* RFC 6298 §2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR. */
	xtcp_rtt_sample(&r, 100 * MS, 200 * MS, 120000 * MS);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 100 * MS);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 50 * MS);
	KUNIT_EXPECT_EQ(test, r.rto_us, 300 * MS);

	/* §2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|, SRTT = 7/8 SRTT + R'/8. */
	xtcp_rtt_sample(&r, 180 * MS, 200 * MS, 120000 * MS);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 37500 + 20000);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 87500 + 22500);
	KUNIT_EXPECT_EQ(test, r.rto_us, 110000 + 4 * 57500);
}

static void xtcp_rtt_bounds(struct kunit *test)
{
	struct xtcp_rtt r;
	int i;

	/* A LAN round trip: the RTO sits at its 200 ms floor. */
	xtcp_rtt_init(&r, 1000 * MS);
	for (i = 0; i < 50; i++)
		xtcp_rtt_sample(&r, 300, 200 * MS, 120000 * MS);
	KUNIT_EXPECT_EQ(test, r.rto_us, 200 * MS);
	KUNIT_EXPECT_LE(test, r.srtt_us, 400);

	/* A huge sample is capped at the 120 s ceiling. */
	xtcp_rtt_init(&r, 1000 * MS);
	xtcp_rtt_sample(&r, 200000 * MS, 200 * MS, 120000 * MS);
	KUNIT_EXPECT_EQ(test, r.rto_us, 120000 * MS);

	/* A zero sample counts as 1 us: the estimator never reads "none". */
	xtcp_rtt_init(&r, 1000 * MS);
	xtcp_rtt_sample(&r, 0, 200 * MS, 120000 * MS);
	KUNIT_EXPECT_NE(test, r.srtt_us, 0);

	/* Steady samples: RTTVAR decays, SRTT converges on them. */
	xtcp_rtt_init(&r, 1000 * MS);
	for (i = 0; i < 200; i++)
		xtcp_rtt_sample(&r, 500 * MS, 200 * MS, 120000 * MS);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 500 * MS);
	KUNIT_EXPECT_LE(test, r.rto_us, 501 * MS + 4 * r.rttvar_us);
	KUNIT_EXPECT_LT(test, r.rttvar_us, 1 * MS);
}

static void xtcp_cwnd_slow_start_and_avoidance(struct kunit *test)
{
	struct xtcp_cc cc;
	int i;

	xtcp_cc_init(&cc, &xtcp_reno);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10);	/* RFC 6928 */
	KUNIT_EXPECT_EQ(test, cc.ssthresh, XTCP_INFINITE_SSTHRESH);

	/* Slow start: one segment per segment acknowledged. */
	xtcp_cc_on_ack(&cc, 10, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20);

	/* Crossing ssthresh: the rest of the ACK counts for avoidance. */
	cc.cwnd = 14;
	cc.ssthresh = 16;
	cc.cnt = 0;
	xtcp_cc_on_ack(&cc, 4, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16);
	KUNIT_EXPECT_EQ(test, cc.cnt, 2);

	/* Avoidance: one segment per window's worth of ACKs. */
	for (i = 0; i < 13; i++)
		xtcp_cc_on_ack(&cc, 1, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16);
	xtcp_cc_on_ack(&cc, 1, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 17);
	KUNIT_EXPECT_EQ(test, cc.cnt, 0);
	xtcp_cc_on_ack(&cc, 17, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 18);

	/* Never past the clamp. */
	cc.cwnd = XTCP_MAX_CWND;
	cc.ssthresh = XTCP_INFINITE_SSTHRESH;
	xtcp_cc_on_ack(&cc, 100, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, XTCP_MAX_CWND);
}

static void xtcp_cwnd_loss(struct kunit *test)
{
	struct xtcp_cc cc;

	/* Fast retransmit: ssthresh = flight / 2, cwnd = ssthresh + 3. */
	xtcp_cc_init(&cc, &xtcp_reno);
	cc.cwnd = 40;
	xtcp_cc_enter_recovery(&cc, 32);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 16);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 19);

	/* NewReno partial ACK: deflate by what was acked, add one back. */
	xtcp_cc_partial_ack(&cc, 5);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 15);
	xtcp_cc_partial_ack(&cc, 100);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2);

	/* Full ACK: min(ssthresh, max(flight, 1) + 1). */
	xtcp_cc_exit_recovery(&cc, 30);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16);
	xtcp_cc_exit_recovery(&cc, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2);

	/* The floor of ssthresh is two segments. */
	xtcp_cc_enter_recovery(&cc, 1);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5);

	/* Timeout: cwnd 1; only the first one of a segment sets ssthresh. */
	xtcp_cc_on_timeout(&cc, 20, true);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1);
	xtcp_cc_on_timeout(&cc, 1, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1);
	/* ... and slow start climbs back to it. */
	xtcp_cc_on_ack(&cc, 1, 1, 0);
	xtcp_cc_on_ack(&cc, 2, 1, 0);
	xtcp_cc_on_ack(&cc, 4, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8);
	xtcp_cc_on_ack(&cc, 8, 1, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10);
}

/* An ECN echo (RFC 3168 §6.1.2): the loss's reduction, no inflation. */
static void xtcp_cwnd_ecn_echo(struct kunit *test)
{
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, &xtcp_reno);
	cc.cwnd = 40;
	xtcp_cc_enter_cwr(&cc, 32);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 16);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16);

	/* CUBIC's beta, 0.7 of the flight. */
	xtcp_cc_init(&cc, &xtcp_cubic);
	cc.cwnd = 40;
	xtcp_cc_enter_cwr(&cc, 40);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 28);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 28);
	KUNIT_EXPECT_EQ(test, cc.cubic.w_max, 40);

	/* A window already below the new threshold never grows on it. */
	cc.cwnd = 3;
	xtcp_cc_enter_cwr(&cc, 30);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 21);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 3);
}

/*
 * Proportional rate reduction (RFC 6937 §5's example): 20 segments in
 * flight, NewReno's ssthresh 10.  Above ssthresh one segment goes per
 * two delivered, so the flight falls by half over the recovery.
 */
static void xtcp_prr_proportional(struct kunit *test)
{
	struct xtcp_prr prr = { .prior_cwnd = 20 };
	u32 pipe = 19, i, sent = 0, cwnd;

	for (i = 0; i < 16; i++) {
		prr.newly = 1;
		pipe--;				/* delivered */
		cwnd = xtcp_prr_cwnd(&prr, 10, pipe, false);
		KUNIT_EXPECT_EQ(test, prr.newly, 0);
		KUNIT_EXPECT_EQ(test, prr.delivered, i + 1);
		/* The first lets the fast retransmit out, then every other. */
		KUNIT_EXPECT_EQ(test, cwnd - pipe, i % 2 ? 0 : 1);
		prr.out += cwnd - pipe;		/* what the window let go */
		sent += cwnd - pipe;
		pipe = cwnd;
	}
	KUNIT_EXPECT_EQ(test, sent, 8);
	KUNIT_EXPECT_EQ(test, pipe, 11);

	/* Sent ahead of the proportion: nothing, never less than pipe. */
	prr = (struct xtcp_prr){ .prior_cwnd = 20, .out = 5, .newly = 1 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 15, false), 15);
}

/*
 * At or below ssthresh (the slow-start reduction bound): what was
 * delivered, one more when snd_una moved without a new loss, never
 * past ssthresh.  An entry from a timer, with nothing delivered, still
 * lets the fast retransmit out.
 */
static void xtcp_prr_reduction_bound(struct kunit *test)
{
	struct xtcp_prr prr = { .prior_cwnd = 20, .delivered = 10,
				.out = 10, .newly = 2, .una_moved = true };

	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 4, false), 7);
	KUNIT_EXPECT_EQ(test, prr.delivered, 12);
	prr.newly = 2;
	prr.out = 12;
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 4, true), 6);
	prr.newly = 2;
	prr.out = 14;
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 9, false), 10);
	/* Delivered but not yet sent for, from earlier ACKs, goes too. */
	prr = (struct xtcp_prr){ .prior_cwnd = 20, .delivered = 8, .out = 3,
				 .newly = 1 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 2, false), 8);

	prr = (struct xtcp_prr){ .prior_cwnd = 20 };
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 30, false), 31);
	KUNIT_EXPECT_EQ(test, xtcp_prr_cwnd(&prr, 10, 3, true), 4);
}

static void xtcp_window_scaling(struct kunit *test)
{
	u16 field;

	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(0), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(65535), 0);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(65536), 1);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(131070), 1);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(131071), 2);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(3145728), 6);
	KUNIT_EXPECT_EQ(test, xtcp_wscale_for(U32_MAX), 14);

	KUNIT_EXPECT_EQ(test, xtcp_window_field(65535, 0, &field), 65535);
	KUNIT_EXPECT_EQ(test, field, 65535);
	KUNIT_EXPECT_EQ(test, xtcp_window_field(70000, 0, &field), 65535);
	KUNIT_EXPECT_EQ(test, field, 65535);
	/* Rounded up, so a promised right edge stays covered. */
	KUNIT_EXPECT_EQ(test, xtcp_window_field(1000, 7, &field), 1024);
	KUNIT_EXPECT_EQ(test, field, 8);
	KUNIT_EXPECT_EQ(test, xtcp_window_field(1024, 7, &field), 1024);
	KUNIT_EXPECT_EQ(test, field, 8);
	KUNIT_EXPECT_EQ(test, xtcp_window_field(0, 7, &field), 0);
	KUNIT_EXPECT_EQ(test, field, 0);
	KUNIT_EXPECT_EQ(test, xtcp_window_field(U32_MAX, 14, &field), 65535U << 14);
	KUNIT_EXPECT_EQ(test, field, 65535);
}

static void xtcp_wscale_option(struct kunit *test)
{
	u8 buf[64];
	struct tcphdr *th = (struct tcphdr *)buf;
	struct xtcp_hdr_fields f = {
		.flags = TCPHDR_SYN, .mss = 1460, .wscale_ok = true, .wscale = 7,
	};
	struct xtcp_opts o;
	u8 *opt = (u8 *)(th + 1);

	KUNIT_EXPECT_EQ(test, xtcp_header_len(&f), 28);
	KUNIT_EXPECT_EQ(test, xtcp_build_header(th, &f), 28);
	KUNIT_EXPECT_EQ(test, (int)th->doff, 7);
	/* MSS, then NOP + window scale, as Linux lays them out. */
	KUNIT_EXPECT_EQ(test, opt[4], TCPOPT_NOP);
	KUNIT_EXPECT_EQ(test, opt[5], TCPOPT_WINDOW);
	KUNIT_EXPECT_EQ(test, opt[6], TCPOLEN_WINDOW);
	KUNIT_EXPECT_EQ(test, opt[7], 7);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_TRUE(test, o.wscale_ok);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);

	/* A shift above 14 is read as 14 (RFC 7323 §2.3). */
	opt[7] = 15;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.wscale, 14);

	/* Only a SYN carries it. */
	th->syn = 0;
	th->ack = 1;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_FALSE(test, o.wscale_ok);

	/* Without it: 24 bytes, no window-scale option read back. */
	f.wscale_ok = false;
	KUNIT_EXPECT_EQ(test, xtcp_build_header(th, &f), 24);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_FALSE(test, o.wscale_ok);
}

/* A payload-only segment [seq, seq + len); byte i holds (seq + i) & 0xff. */
static struct sk_buff *seg(struct kunit *test, u32 seq, u32 len, bool fin)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	for (i = 0; i < len; i++)
		skb_put_u8(skb, (seq + i) & 0xff);
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq + len;
	XTCP_SKB_CB(skb)->flags = fin ? TCPHDR_FIN : 0;
	return skb;
}

/* Every entry's bounds match its length and its bytes their numbers. */
static u32 ofo_check(struct kunit *test, struct xtcp_ofo *q)
{
	struct sk_buff *skb, *prev = NULL;
	struct rb_node *p;
	u32 total = 0, i;

	for (p = rb_first(&q->root); p; p = rb_next(p)) {
		struct xtcp_skb_cb *cb;

		skb = rb_entry(p, struct sk_buff, rbnode);
		cb = XTCP_SKB_CB(skb);

		KUNIT_EXPECT_EQ(test, cb->end_seq - cb->seq, skb->len);
		for (i = 0; i < skb->len; i++)
			KUNIT_EXPECT_EQ(test, skb->data[i], (cb->seq + i) & 0xff);
		if (prev)	/* sorted and disjoint */
			KUNIT_EXPECT_FALSE(test,
					   xtcp_seq_before(cb->seq, XTCP_SKB_CB(prev)->end_seq));
		total += skb->len;
		prev = skb;
	}
	KUNIT_EXPECT_PTR_EQ(test, q->last, prev);
	return total;
}

static unsigned int ofo_len(struct xtcp_ofo *q)
{
	struct rb_node *p;
	unsigned int n = 0;

	for (p = rb_first(&q->root); p; p = rb_next(p))
		n++;
	return n;
}

static struct sk_buff *ofo_first(struct xtcp_ofo *q)
{
	return rb_entry(rb_first(&q->root), struct sk_buff, rbnode);
}

static void xtcp_ofo_merge(struct kunit *test)
{
	const u32 b = 0xfffffff0;	/* across the 2^32 wrap */
	struct xtcp_ofo q;
	struct sk_buff *skb;

	xtcp_ofo_init(&q);
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, b + 30, 10, false)));
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, b + 10, 10, false)));
	KUNIT_EXPECT_EQ(test, ofo_len(&q), 2);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(ofo_first(&q))->seq, b + 10);

	/* Overlapping both neighbours: only the gap [20, 30) is new. */
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, b + 15, 20, false)));
	KUNIT_EXPECT_EQ(test, ofo_len(&q), 3);
	KUNIT_EXPECT_EQ(test, ofo_check(test, &q), 30);

	/* A duplicate adds nothing. */
	KUNIT_EXPECT_FALSE(test, xtcp_ofo_insert(&q, seg(test, b + 12, 6, false)));
	KUNIT_EXPECT_EQ(test, ofo_check(test, &q), 30);

	/* A segment covering all of them replaces them. */
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, b + 5, 40, false)));
	KUNIT_EXPECT_EQ(test, ofo_len(&q), 1);
	KUNIT_EXPECT_EQ(test, ofo_check(test, &q), 40);

	/* A hole remains before b + 5. */
	KUNIT_EXPECT_NULL(test, xtcp_ofo_pull(&q, b));
	/* rcv_nxt reached b + 7 another way: the entry comes out trimmed. */
	skb = xtcp_ofo_pull(&q, b + 7);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->seq, b + 7);
	KUNIT_EXPECT_EQ(test, skb->len, 38);
	KUNIT_EXPECT_EQ(test, skb->data[0], (b + 7) & 0xff);
	kfree_skb(skb);
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_empty(&q));
	KUNIT_EXPECT_NULL(test, q.last);
}

static void xtcp_ofo_fin_and_stale(struct kunit *test)
{
	struct xtcp_ofo q;
	struct sk_buff *skb;

	xtcp_ofo_init(&q);
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, 100, 10, false)));
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, 200, 10, true)));
	/* The same bytes again without FIN: the FIN stays. */
	KUNIT_EXPECT_FALSE(test, xtcp_ofo_insert(&q, seg(test, 200, 10, false)));
	/* Covered by a longer segment: its FIN moves to the survivor. */
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, 195, 15, false)));
	KUNIT_EXPECT_EQ(test, ofo_len(&q), 2);
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(q.last)->flags & TCPHDR_FIN);

	/* rcv_nxt passed the first entry entirely: it is dropped. */
	skb = xtcp_ofo_pull(&q, 150);
	KUNIT_EXPECT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, ofo_len(&q), 1);

	/* All the data arrived already but the FIN did not: empty, FIN. */
	skb = xtcp_ofo_pull(&q, 210);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb->len, 0);
	KUNIT_EXPECT_TRUE(test, XTCP_SKB_CB(skb)->flags & TCPHDR_FIN);
	kfree_skb(skb);
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_empty(&q));
	KUNIT_EXPECT_NULL(test, q.last);
}

/*
 * Many segments in a scrambled order end up as one sorted, disjoint
 * tree; pruning takes entries from the far end only.
 */
static void xtcp_ofo_many_and_prune(struct kunit *test)
{
	const u32 b = 0xffff0000;	/* across the 2^32 wrap */
	struct xtcp_ofo q;
	unsigned int i, n = 0;
	struct sk_buff *skb;

	xtcp_ofo_init(&q);
	/* 200 segments of 10 bytes, every other gap left open; 7 is coprime to 200. */
	for (i = 0; i < 200; i++) {
		u32 k = (i * 7) % 200;

		KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, b + 20 * k, 10, false)));
	}
	KUNIT_EXPECT_EQ(test, ofo_len(&q), 200);
	KUNIT_EXPECT_EQ(test, ofo_check(test, &q), 2000);
	KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(q.last)->seq, b + 20 * 199);

	/* Fill every gap with segments overlapping both neighbours. */
	for (i = 0; i < 199; i++)
		KUNIT_EXPECT_TRUE(test, xtcp_ofo_insert(&q, seg(test, b + 20 * i + 5, 20, false)));
	KUNIT_EXPECT_EQ(test, ofo_check(test, &q), 3990);

	/* Nothing at or before b + 20 * 198 goes; the last entry does. */
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_drop_last(&q, b + 20 * 198));
	KUNIT_EXPECT_FALSE(test, xtcp_ofo_drop_last(&q, b + 20 * 198 + 10));
	KUNIT_EXPECT_EQ(test, ofo_check(test, &q), 3980);

	/* Everything comes out in order from b. */
	while ((skb = xtcp_ofo_pull(&q, b + n))) {
		KUNIT_EXPECT_EQ(test, XTCP_SKB_CB(skb)->seq, b + n);
		n += skb->len;
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, n, 3980);
	KUNIT_EXPECT_TRUE(test, xtcp_ofo_empty(&q));
	xtcp_ofo_purge(&q);
}

static struct kunit_case xtcp_rel_cases[] = {
	KUNIT_CASE(xtcp_rtt_first_and_next),
	KUNIT_CASE(xtcp_rtt_bounds),
	KUNIT_CASE(xtcp_cwnd_slow_start_and_avoidance),
	KUNIT_CASE(xtcp_cwnd_loss),
	KUNIT_CASE(xtcp_cwnd_ecn_echo),
	KUNIT_CASE(xtcp_prr_proportional),
	KUNIT_CASE(xtcp_prr_reduction_bound),
	KUNIT_CASE(xtcp_window_scaling),
	KUNIT_CASE(xtcp_wscale_option),
	KUNIT_CASE(xtcp_ofo_merge),
	KUNIT_CASE(xtcp_ofo_fin_and_stale),
	KUNIT_CASE(xtcp_ofo_many_and_prune),
	{}
};

static struct kunit_suite xtcp_rel_suite = {
	.name = "xtcp_reliability",
	.test_cases = xtcp_rel_cases,
};

kunit_test_suite(xtcp_rel_suite);
