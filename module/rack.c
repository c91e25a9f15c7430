// SPDX-License-Identifier: GPL-2.0
/*
 * RACK (RFC 8985 §6): a segment is lost when a segment sent after it
 * was delivered and it was not, one round trip plus a reordering
 * window after it went.
 *
 * DupThresh (RFC 6675) counts segments: three SACKed above a hole make
 * it lost, and a resent segment that is lost again is found only by
 * the RTO, since nothing counts SACKs above a retransmission.  RACK
 * compares send times instead: every delivery moves RACK.xmit_ts, the
 * latest (re)send time among delivered segments, forward, and a
 * segment (re)sent before it that is still outstanding RACK.rtt plus
 * the window after its own send is lost, a retransmission as much as
 * an original.  One still inside the window is looked at again when a
 * timer, the reordering timer (timer.c), says its time is up.
 *
 * The window is a quarter of the minimum RTT, grown by a quarter per
 * round trip in which D-SACKs showed a repair was spurious, for the
 * next 16 recoveries, and never above SRTT; it is zero, as DupThresh
 * would be, while no reordering was seen and recovery is under way or
 * DupThresh segments are SACKed.  On connections with SACK and
 * net.xtcp.rack on, RACK replaces DupThresh, as in Linux TCP; NewReno
 * connections count duplicate ACKs.
 */
#include "xtcp.h"

/* Slack on the reordering timer, as TCP's TCP_TIMEOUT_MIN_US. */
#define XTCP_RACK_SLACK_US	2000

/**
 * xtcp_rack_sent_after() - whether a transmission at @t1 of a segment
 *	ending at @seq1 came after one at @t2 of a segment ending at @seq2.
 * @t1: the first send time (xtcp_clock_us()).
 * @seq1: the first segment's end.
 * @t2: the second send time.
 * @seq2: the second segment's end.
 *
 * Segments sent at the same time (one super-segment, or in one clock
 * tick) are ordered by sequence (RFC 8985 §6.2 RACK_sent_after()).
 *
 * Return: true if after.
 */
bool xtcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && xtcp_seq_after(seq1, seq2));
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_sent_after);

/**
 * xtcp_rack_init() - RACK's state for a new connection.
 * @r: the state.
 */
void xtcp_rack_init(struct xtcp_rack *r)
{
	memset(r, 0, sizeof(*r));
	r->steps = 1;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_init);

/**
 * xtcp_rack_min_rtt() - take an RTT sample into the windowed minimum.
 * @r: the state.
 * @rtt_us: the sample.
 * @now_ms: the time, in ms.
 *
 * A lower sample replaces the minimum, and so does any sample once the
 * minimum is five minutes old: a path whose delay grew is believed.
 */
void xtcp_rack_min_rtt(struct xtcp_rack *r, u32 rtt_us, u32 now_ms)
{
	rtt_us = max(rtt_us, 1U);
	if (!r->min_rtt_us || rtt_us <= r->min_rtt_us ||
	    now_ms - r->min_rtt_ms > XTCP_RACK_MIN_RTT_WIN_MS) {
		r->min_rtt_us = rtt_us;
		r->min_rtt_ms = now_ms;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_min_rtt);

/**
 * xtcp_rack_deliver() - a segment was SACKed or cumulatively
 *	acknowledged: RFC 8985 §6.2 steps 2 and 3.
 * @r: the state.
 * @xmit_us: when it was last sent.
 * @end_seq: its end.
 * @retrans: it was sent more than once.
 * @now_us: the time (xtcp_clock_us()).
 *
 * A retransmission delivered sooner than the minimum RTT after it went
 * is the original arriving late, not the retransmission: it says
 * nothing about when the retransmission's contemporaries should be
 * back, and is ignored (as TCP's tcp_rack_advance()).
 */
void xtcp_rack_deliver(struct xtcp_rack *r, u32 xmit_us, u32 end_seq,
		       bool retrans, u32 now_us)
{
	u32 rtt = now_us - xmit_us;

	if (retrans && rtt < r->min_rtt_us)
		return;
	r->rtt_us = rtt;
	r->advanced = true;
	if (!r->delivered ||
	    xtcp_rack_sent_after(xmit_us, end_seq, r->xmit_us, r->end_seq)) {
		r->xmit_us = xmit_us;
		r->end_seq = end_seq;
		r->delivered = true;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_deliver);

/**
 * xtcp_rack_reo_wnd() - the reordering window (RFC 8985 §6.2 step 4).
 * @r: the state.
 * @srtt_us: the smoothed RTT.
 * @strict: recovery is under way or DupThresh segments are SACKed.
 *
 * Return: microseconds: 0 when @strict and no reordering was seen;
 * else @steps quarters of the minimum RTT, at most @srtt_us (SRTT alone
 * before a minimum is known).
 */
u32 xtcp_rack_reo_wnd(const struct xtcp_rack *r, u32 srtt_us, bool strict)
{
	if (strict && !r->reord)
		return 0;
	if (!r->min_rtt_us)
		return srtt_us;
	return min_t(u64, (u64)(r->min_rtt_us / 4) * r->steps, srtt_us);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_reo_wnd);

/**
 * xtcp_rack_dsack() - an ACK carried a D-SACK: a segment arrived twice,
 *	maybe resent for a loss that was reordering.
 * @r: the state.
 * @snd_una: the ACK's cumulative acknowledgment.
 * @snd_nxt: what has been sent.
 *
 * The window grows by a quarter of the minimum RTT, once per round
 * trip (the D-SACKs of one spurious recovery come together), and stays
 * grown for the next XTCP_RACK_PERSIST recoveries.
 */
void xtcp_rack_dsack(struct xtcp_rack *r, u32 snd_una, u32 snd_nxt)
{
	if (r->dsack_round && !xtcp_seq_before(snd_una, r->dsack_high))
		r->dsack_round = false;
	if (r->dsack_round)
		return;
	if (r->steps < U8_MAX)
		r->steps++;
	r->dsack_round = true;
	r->dsack_high = snd_nxt;
	r->persist = XTCP_RACK_PERSIST;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_dsack);

/**
 * xtcp_rack_recovery_done() - a recovery, fast or after a timeout,
 *	ended: a window D-SACKs grew is kept for XTCP_RACK_PERSIST of them.
 * @r: the state.
 */
void xtcp_rack_recovery_done(struct xtcp_rack *r)
{
	if (r->persist && !--r->persist)
		r->steps = 1;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rack_recovery_done);

/**
 * xtcp_rack_on() - whether RACK finds the losses of a connection.
 * @sk: the socket.
 *
 * Return: true with SACK negotiated and net.xtcp.rack on.
 */
bool xtcp_rack_on(const struct sock *sk)
{
	return xtcp_sk(sk)->sack_ok &&
	       xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RACK);
}

/*
 * RFC 8985 §6.2 step 5: tag lost every outstanding segment sent before
 * RACK.xmit_ts whose time is up.  Return the longest wait, in us, of
 * those whose time is not up yet, or 0.
 *
 * The queue is in sequence order.  A segment sent once was sent after
 * every segment below it, and before its own later retransmission: the
 * first one sent after RACK.xmit_ts ends the walk.
 */
static u32 xtcp_rack_detect(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rack *r = &xs->rack;
	bool strict = xs->ca_state == XTCP_CA_RECOVERY ||
		      xs->sacked_out >= xs->reordering;
	u32 now = xtcp_clock_us(), wait = 0, wnd;
	struct sk_buff *skb;

	wnd = xtcp_rack_reo_wnd(r, xs->rtt.srtt_us, strict);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		s32 left;

		if (skb == xs->send_head)
			break;
		if ((cb->sacked & XTCP_TAG_SACKED) ||
		    (cb->sacked & (XTCP_TAG_LOST | XTCP_TAG_RETRANS)) == XTCP_TAG_LOST)
			continue;
		if (!xtcp_rack_sent_after(r->xmit_us, r->end_seq,
					  cb->xmit_us, cb->end_seq)) {
			if (!cb->retrans)
				break;
			continue;
		}
		left = (s32)(cb->xmit_us + r->rtt_us + wnd - now);
		if (left <= 0)
			xtcp_sack_mark_skb_lost(sk, skb);
		else
			wait = max_t(u32, wait, left);
	}
	return wait;
}

/**
 * xtcp_rack_recover() - after an ACK's scoreboard update, or when the
 *	reordering timer fired: find losses by time and repair them.
 * @sk: the socket, locked, RACK on.
 * @timeout: the reordering timer fired.
 *
 * A loss found in the open state starts recovery; in recovery the lost
 * segments go as the pipe allows.  After a timeout the pass resends
 * everything in order, and RACK waits for it to end.
 */
void xtcp_rack_recover(struct sock *sk, bool timeout)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lost = xs->lost_out, wait;

	if (xs->ca_state == XTCP_CA_LOSS || !xs->rack.delivered)
		return;
	if (xs->rack.advanced || timeout) {
		xs->rack.advanced = false;
		wait = xtcp_rack_detect(sk);
		if (wait)
			xtcp_timer_reorder(sk, wait + XTCP_RACK_SLACK_US);
	}
	if (timeout && xs->lost_out != lost)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RACKREOTIMEOUTS);
	if (!xs->lost_out)
		return;
	if (xs->ca_state == XTCP_CA_OPEN || xs->ca_state == XTCP_CA_CWR) {
		xtcp_enter_recovery(sk);
	} else {
		xtcp_prr_ack(sk);
		xtcp_sack_retransmit(sk, false);
	}
}
