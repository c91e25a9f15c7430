// SPDX-License-Identifier: GPL-2.0
/*
 * The arithmetic of reliability, kept apart from sockets so that KUnit
 * can drive it directly:
 *
 *   RTT estimation and the RTO          RFC 6298
 *   slow start, congestion avoidance    RFC 5681, initial window RFC 6928
 *   fast retransmit, NewReno recovery   RFC 5681 §3.2, RFC 6582
 *   the choice of algorithm             "reno" here, "cubic" (cubic.c)
 *   window scaling                      RFC 7323 §2
 *
 * The congestion window counts segments, as Linux TCP's does; flight
 * sizes passed in are segments too.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/tcp.h>

#include "xtcp.h"
/**
 * xtcp_rtt_init() - an estimator before any sample.
 * @r: the estimator.
 * @rto_us: the initial RTO (RFC 6298 §2.1: 1 s).
 */
void xtcp_rtt_init(struct xtcp_rtt *r, u32 rto_us)
{
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->rto_us = rto_us;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rtt_init);

/**
 * xtcp_rtt_sample() - fold one round-trip measurement into the RTO.
 * @r: the estimator.
 * @m_us: the measurement, from a segment sent once (Karn's rule is the
 *	caller's: no sample from a retransmitted segment).
 * @min_us: floor of the RTO.
 * @max_us: ceiling of the RTO.
 *
 * RFC 6298 §2.2 and §2.3 with alpha = 1/8, beta = 1/4, K = 4 and a
 * clock granularity G of 1 ms.
 */
void xtcp_rtt_sample(struct xtcp_rtt *r, u32 m_us, u32 min_us, u32 max_us)
{
	u64 rto;

	m_us = max(m_us, 1U);
	if (!r->srtt_us) {
		r->srtt_us = m_us;
		r->rttvar_us = m_us / 2;
	} else {
		u32 err = r->srtt_us > m_us ? r->srtt_us - m_us : m_us - r->srtt_us;

		r->rttvar_us = r->rttvar_us - r->rttvar_us / 4 + err / 4;
		r->srtt_us = r->srtt_us - r->srtt_us / 8 + m_us / 8;
	}
	rto = (u64)r->srtt_us + max_t(u32, 1000, 4 * r->rttvar_us);
	r->rto_us = clamp_t(u64, rto, min_us, max_us);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rtt_sample);

/**
 * xtcp_cc_clock_ms() - the clock of congestion control.
 *
 * Return: milliseconds, wrapping, never 0 (0 means "no epoch").
 */
u32 xtcp_cc_clock_ms(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC) | 1;
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
static u32 xtcp_reno_ssthresh(struct xtcp_cc *cc, u32 flight)
{
	return max(flight / 2, 2U);
}

static void xtcp_reno_cong_avoid(struct xtcp_cc *cc, u32 acked, u32 now_ms,
				 u32 srtt_us)
{
	xtcp_cc_reno_grow(cc, acked);
}

static void xtcp_reno_reset(struct xtcp_cc *cc)
{
}

const struct xtcp_cc_ops xtcp_reno = {
	.name		= "reno",
	.reset		= xtcp_reno_reset,
	.ssthresh	= xtcp_reno_ssthresh,
	.cong_avoid	= xtcp_reno_cong_avoid,
};
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_reno);

/* What the module offers, the default first. */
static const struct xtcp_cc_ops *const xtcp_cc_all[] = {
	&xtcp_cubic,
	&xtcp_reno,
};

/**
 * xtcp_cc_find() - an algorithm by name.
 * @name: as XTCP_CONGESTION and net.xtcp.congestion_control give it.
 *
 * Return: the algorithm, or NULL if there is none of that name.
 */
const struct xtcp_cc_ops *xtcp_cc_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtcp_cc_all); i++)
		if (!strcmp(xtcp_cc_all[i]->name, name))
			return xtcp_cc_all[i];
	return NULL;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_find);

/**
 * xtcp_cc_available() - the names of all algorithms, for the sysctl.
 * @buf: where, NUL-terminated.
 * @size: room at @buf.
 *
 * Return: the length written, as tcp_get_available_congestion_control()
 * writes it: the names separated by spaces.
 */
int xtcp_cc_available(char *buf, size_t size)
{
	unsigned int i;
	int len = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(xtcp_cc_all); i++)
		len += scnprintf(buf + len, size - len, "%s%s", i ? " " : "",
				 xtcp_cc_all[i]->name);
	return len;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_available);

/**
 * xtcp_cc_init() - a congestion window at the start of a connection.
 * @cc: the state.
 * @ops: the algorithm.
 *
 * RFC 6928: ten segments; no slow-start threshold until the first loss.
 */
void xtcp_cc_init(struct xtcp_cc *cc, const struct xtcp_cc_ops *ops)
{
	cc->cwnd = XTCP_INIT_CWND;
	cc->ssthresh = XTCP_INFINITE_SSTHRESH;
	cc->cnt = 0;
	xtcp_cc_set(cc, ops);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_init);

/**
 * xtcp_cc_set() - switch a connection's algorithm.
 * @cc: the state.
 * @ops: the new algorithm.
 *
 * The window and threshold stay, as TCP keeps them when TCP_CONGESTION
 * changes on a live connection; the new algorithm starts from them.
 */
void xtcp_cc_set(struct xtcp_cc *cc, const struct xtcp_cc_ops *ops)
{
	WRITE_ONCE(cc->ops, ops);
	cc->cnt = 0;
	ops->reset(cc);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_set);

/**
 * xtcp_cc_reno_grow() - congestion avoidance by RFC 5681's rule.
 * @cc: the state.
 * @acked: segments acknowledged past ssthresh.
 *
 * One segment per window's worth of acknowledged segments.
 */
void xtcp_cc_reno_grow(struct xtcp_cc *cc, u32 acked)
{
	cc->cnt += acked;
	while (cc->cnt >= cc->cwnd) {
		cc->cnt -= cc->cwnd;
		cc->cwnd++;
	}
	cc->cwnd = min(cc->cwnd, XTCP_MAX_CWND);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_reno_grow);

/**
 * xtcp_cc_on_ack() - grow the window for newly acknowledged segments.
 * @cc: the state; not in recovery.
 * @acked: segments the ACK covered.
 * @now_ms: xtcp_cc_clock_ms().
 * @srtt_us: the smoothed RTT; 0 before a sample.
 *
 * Slow start adds one segment per segment acknowledged, up to
 * ssthresh; past it the algorithm grows the window.
 */
void xtcp_cc_on_ack(struct xtcp_cc *cc, u32 acked, u32 now_ms, u32 srtt_us)
{
	if (cc->cwnd < cc->ssthresh) {
		u32 n = min(acked, cc->ssthresh - cc->cwnd);

		cc->cwnd = min(cc->cwnd + n, XTCP_MAX_CWND);
		acked -= n;
	}
	if (acked && cc->cwnd < XTCP_MAX_CWND)
		cc->ops->cong_avoid(cc, acked, now_ms, srtt_us);
	cc->cwnd = min(cc->cwnd, XTCP_MAX_CWND);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_on_ack);

/**
 * xtcp_cc_enter_recovery() - the third duplicate ACK: fast retransmit.
 * @cc: the state.
 * @flight: segments in flight when the loss was detected.
 *
 * RFC 5681 §3.2 steps 2 and 3: the algorithm's threshold, then inflate
 * by the three segments the duplicate ACKs say have left the network.
 */
void xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 flight)
{
	cc->ssthresh = cc->ops->ssthresh(cc, flight);
	cc->cwnd = cc->ssthresh + 3;
	cc->cnt = 0;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_enter_recovery);

/**
 * xtcp_cc_enter_cwr() - the peer echoed a congestion mark (ECN).
 * @cc: the state.
 * @flight: segments in flight when the echo came.
 *
 * RFC 3168 §6.1.2: the same reduction as for a loss, with nothing to
 * resend and no inflation; the window never grows on the signal.
 */
void xtcp_cc_enter_cwr(struct xtcp_cc *cc, u32 flight)
{
	cc->ssthresh = cc->ops->ssthresh(cc, flight);
	cc->cwnd = min(cc->cwnd, cc->ssthresh);
	cc->cnt = 0;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_enter_cwr);

/**
 * xtcp_cc_partial_ack() - an ACK in recovery short of the recovery point.
 * @cc: the state.
 * @acked: segments it covered.
 *
 * RFC 6582 §3.2 step 3: deflate by what was acknowledged, add back one.
 */
void xtcp_cc_partial_ack(struct xtcp_cc *cc, u32 acked)
{
	cc->cwnd = cc->cwnd > acked ? cc->cwnd - acked : 0;
	cc->cwnd = max(cc->cwnd + 1, 2U);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_partial_ack);

/**
 * xtcp_prr_cwnd() - the window for what SACK recovery sends next
 *	(RFC 6937): what the ACK counted in @prr->newly lets out.
 * @prr: the episode's state; @prr->newly is added to @prr->delivered.
 * @ssthresh: where recovery brings the flight down to.
 * @pipe: segments in the network now (RFC 6675's pipe).
 * @new_loss: the ACK showed a new loss.
 *
 * Above ssthresh, sending keeps pace with delivery in the proportion
 * ssthresh / RecoverFS, so that the flight falls smoothly instead of
 * going silent for half a window and then bursting (RFC 6675 alone).
 * At or below it, the flight grows back towards ssthresh by what was
 * delivered, one more on an ACK that moved snd_una and showed no new
 * loss (the slow-start reduction bound, as Linux applies it).  The
 * first call of an episode lets one segment out whatever the pipe: the
 * fast retransmit.
 *
 * Return: the congestion window: @pipe plus what may go now.
 */
u32 xtcp_prr_cwnd(struct xtcp_prr *prr, u32 ssthresh, u32 pipe, bool new_loss)
{
	u32 newly = prr->newly;
	s64 sndcnt;

	prr->newly = 0;
	prr->delivered += newly;
	if (pipe > ssthresh) {
		sndcnt = (s64)DIV_ROUND_UP_ULL((u64)ssthresh * prr->delivered,
					       max(prr->prior_cwnd, 1U)) - prr->out;
	} else {
		sndcnt = max_t(s64, (s64)prr->delivered - prr->out, newly);
		if (prr->una_moved && !new_loss)
			sndcnt++;
		sndcnt = min_t(s64, sndcnt, ssthresh - pipe);
	}
	sndcnt = max_t(s64, sndcnt, prr->out ? 0 : 1);
	return min_t(u64, (u64)pipe + sndcnt, XTCP_MAX_CWND);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_prr_cwnd);

/**
 * xtcp_cc_exit_recovery() - a full ACK ends recovery.
 * @cc: the state.
 * @flight: segments still in flight after the ACK.
 *
 * RFC 6582 §3.2 step 3, option 1: min(ssthresh, max(FlightSize, SMSS)
 * + SMSS), which avoids a burst when little is in flight.
 */
void xtcp_cc_exit_recovery(struct xtcp_cc *cc, u32 flight)
{
	cc->cwnd = min(cc->ssthresh, max(flight, 1U) + 1);
	cc->cnt = 0;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_exit_recovery);

/**
 * xtcp_cc_on_timeout() - the retransmission timer fired.
 * @cc: the state.
 * @flight: segments in flight when it fired.
 * @first: the first timeout of this segment; later ones (backoff) keep
 *	ssthresh, as RFC 5681 §3.1 asks.
 */
void xtcp_cc_on_timeout(struct xtcp_cc *cc, u32 flight, bool first)
{
	if (first)
		cc->ssthresh = cc->ops->ssthresh(cc, flight);
	cc->cwnd = 1;
	cc->cnt = 0;
	if (cc->ops->on_timeout)
		cc->ops->on_timeout(cc);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_on_timeout);

/**
 * xtcp_cc_tx_start() - new data goes out with nothing in flight.
 * @cc: the state.
 *
 * The time the connection sat idle or application-limited is not time
 * the window should have grown in (RFC 9438 §5.8).
 */
void xtcp_cc_tx_start(struct xtcp_cc *cc)
{
	if (cc->ops->tx_start)
		cc->ops->tx_start(cc);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cc_tx_start);

/**
 * xtcp_wscale_for() - the window-scale shift for a receive buffer.
 * @space: the largest window we may want to advertise, in bytes.
 *
 * Return: the smallest shift (at most 14, RFC 7323 §2.3) at which a
 * 16-bit window field reaches @space.
 */
u8 xtcp_wscale_for(u32 space)
{
	u8 ws = 0;

	while (ws < XTCP_MAX_WSCALE && (65535U << ws) < space)
		ws++;
	return ws;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_wscale_for);

/**
 * xtcp_window_field() - encode a window for the header.
 * @win: the window in bytes.
 * @ws: our window-scale shift.
 * @field: the 16-bit value to send.
 *
 * Rounds up to the scale's granularity so that an edge we promised
 * stays covered (the edge never moves left), and caps at what 16 bits
 * can say.
 *
 * Return: the window the peer will read from @field, in bytes.
 */
u32 xtcp_window_field(u32 win, u8 ws, u16 *field)
{
	u32 f = win >> ws;

	if (f << ws != win)
		f++;
	f = min(f, 65535U);
	*field = f;
	return f << ws;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_window_field);

/**
 * xtcp_size_goal() - how large sendmsg() lets a queued skb grow.
 * @mss: payload bytes per segment.
 * @gso_max_size: the largest super-segment the route takes (payload),
 *	0 without segmentation offload.
 * @gso_max_segs: the most segments in one super-segment.
 * @max_window: the largest window the peer offered.
 * @cwnd: the congestion window, in segments.
 *
 * A whole number of segments: at most @gso_max_size and @gso_max_segs,
 * at most half the peer's largest window (so that two skbs are in
 * flight in any window, as TCP's tcp_bound_to_half_wnd(); all of a
 * window of 536 bytes or less), at most the
 * congestion window; never less than one segment.
 *
 * Return: the goal in bytes.
 */
u32 xtcp_size_goal(u32 mss, u32 gso_max_size, u32 gso_max_segs,
		   u32 max_window, u32 cwnd)
{
	u32 goal = gso_max_size, segs;

	if (!mss)
		return 0;
	goal = min(goal, max_window > XTCP_DEFAULT_MSS ? max_window / 2 : max_window);
	segs = min3(goal / mss, gso_max_segs, cwnd);
	return max(segs, 1U) * mss;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_size_goal);

/**
 * xtcp_pcount() - segments an skb of @len payload bytes goes out as.
 * @len: payload bytes (a FIN alone is 0).
 * @mss: payload bytes per segment.
 *
 * Return: at least 1, at most 65535.
 */
u16 xtcp_pcount(u32 len, u32 mss)
{
	if (len <= mss || !mss)
		return 1;
	return min_t(u32, DIV_ROUND_UP(len, mss), U16_MAX);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_pcount);

/**
 * xtcp_rcvbuf_want() - the receive buffer for a reader's pace.
 * @copied: bytes the reader took in the last round trip.
 * @space: bytes it took in the round trip before, less than @copied.
 * @advmss: the MSS we advertised.
 *
 * TCP's tcp_rcv_space_adjust(): a window of twice what was read in a
 * round trip plus sixteen segments, grown further by the rate at which
 * the pace rose (a sender in slow start doubles per round trip), in
 * segments that each cost what a full segment off a NIC may cost in
 * truesize.  The window we offer is half the free buffer
 * (xtcp_rcv_space()): the margin for truesize above payload.
 *
 * Return: bytes, not capped.
 */
u32 xtcp_rcvbuf_want(u32 copied, u32 space, u32 advmss)
{
	u64 win = 2ULL * copied + 16ULL * advmss, grow;

	if (!space || !advmss)
		return 0;
	grow = div_u64(win * (copied - space), space);
	win += 2 * grow;
	win = DIV_ROUND_UP_ULL(win, advmss) * SKB_TRUESIZE(advmss + MAX_TCP_HEADER);
	return min_t(u64, win, U32_MAX / 2);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_rcvbuf_want);

/**
 * xtcp_sndbuf_want() - the send buffer for a congestion window.
 * @cwnd: the window, in segments.
 * @mss: payload bytes per segment.
 *
 * Twice the window (at least the initial ten segments), so the user
 * fills the next window while this one is in flight, as TCP's
 * tcp_sndbuf_expand(); a segment costs its payload in page fragments
 * plus its share of the skb of a super-segment (a sixteenth of one,
 * generously: a 64 KB super-segment holds 45).
 *
 * Return: bytes, not capped.
 */
u32 xtcp_sndbuf_want(u32 cwnd, u32 mss)
{
	u64 want = 2ULL * max_t(u32, cwnd, XTCP_INIT_CWND) *
		   (mss + SKB_TRUESIZE(0) / 16);

	return min_t(u64, want, U32_MAX / 2);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sndbuf_want);
