// SPDX-License-Identifier: GPL-2.0
/*
 * Tail loss probes (RFC 8985 §7), as Linux TCP sends them.
 *
 * When the last segments of a flight are lost, no later segment comes
 * back to make duplicate ACKs or SACK blocks, and only the RTO (200 ms
 * at least, often far more) would find the loss.  Instead, while a
 * connection with SACK is in the open state with data in flight, the
 * retransmission timer runs as the probe timer, for a probe timeout
 * (PTO) of two smoothed RTTs (plus the worst delayed ACK when a single
 * segment is in flight; at most the RTO).  When it fires, one segment
 * goes: new data if the peer's window takes it, else our last segment
 * again.  Its ACK, or the SACK block it draws, lets fast recovery do
 * the rest; then the timer is the RTO again.  One probe at a time.
 *
 * A probe that resent data may have repaired a loss that no window
 * reduction answered: when an ACK goes past the probe's snd_nxt without
 * a D-SACK saying the probe was a duplicate, the window falls as for a
 * loss (§7.4.2; TCP's tcp_process_tlp_ack()).  An ACK of exactly the
 * probe's end cannot say which copy arrived, and TCP waits for the
 * next ACK; with timestamps the echo says it at once (RFC 7323 §4.3:
 * the segment that filled the hole is the one echoed), so that a
 * request/response exchange whose next response is lost again is not
 * left without a probe.
 *
 * timer.c decides when the timer is the probe timer; this file says
 * whether a probe may go, how long to wait, and what to send.
 */
#include "xtcp.h"

#define XTCP_TLP_NO_RTT_MS	1000	/* PTO before an RTT sample */
#define XTCP_TLP_SLACK_US	2000	/* TCP's two ticks of TCP_TIMEOUT_MIN */

/**
 * xtcp_tlp_wanted() - whether the retransmission timer should run as
 *	the probe timer now.
 * @sk: the socket, locked.
 *
 * Return: true with SACK and net.xtcp.tlp on, in the open state, with
 * data in flight and no probe outstanding.
 */
bool xtcp_tlp_wanted(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	return xs->sack_ok && !xs->tlp_out && xs->packets_out &&
	       xs->ca_state == XTCP_CA_OPEN &&
	       ((1 << sk->sk_state) & (XTCPF_ESTABLISHED | XTCPF_CLOSE_WAIT |
				       XTCPF_FIN_WAIT1 | XTCPF_CLOSING |
				       XTCPF_LAST_ACK)) &&
	       xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_TLP);
}

/**
 * xtcp_tlp_timeout() - the probe timeout (RFC 8985 §7.2).
 * @sk: the socket, locked.
 *
 * Return: milliseconds: 2 * SRTT, plus net.xtcp.rto_min_ms (TCP's
 * TCP_RTO_MIN, the peer's worst delayed ACK) when one segment is in
 * flight, else 2 ms; 1 s before any RTT sample; never past the RTO.
 */
u32 xtcp_tlp_timeout(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u64 us;

	if (!xs->rtt.srtt_us)
		return min_t(u32, XTCP_TLP_NO_RTT_MS, xs->rto);
	us = 2ULL * xs->rtt.srtt_us;
	if (xs->packets_out == 1)
		us += (u64)xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RTO_MIN_MS) *
		      USEC_PER_MSEC;
	else
		us += XTCP_TLP_SLACK_US;
	return min_t(u64, DIV_ROUND_UP_ULL(us, USEC_PER_MSEC), xs->rto);
}

/* The last segment sent, cut from a super-segment if need be. */
static struct sk_buff *xtcp_tlp_last_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (!xs->send_head)
		skb = skb_peek_tail(&sk->sk_write_queue);
	else if (!skb_queue_is_first(&sk->sk_write_queue, xs->send_head))
		skb = skb_queue_prev(&sk->sk_write_queue, xs->send_head);
	else
		skb = NULL;
	if (!skb || (XTCP_SKB_CB(skb)->sacked & XTCP_TAG_SACKED))
		return NULL;
	if (XTCP_SKB_CB(skb)->pcount > 1) {
		if (xtcp_fragment(sk, skb, (XTCP_SKB_CB(skb)->pcount - 1) * xs->mss))
			return NULL;
		skb = skb_queue_next(&sk->sk_write_queue, skb);
	}
	return skb;
}

/**
 * xtcp_tlp_send() - the probe timer fired: send the probe (§7.3).
 * @sk: the socket, locked, with data in flight.
 *
 * Return: true if a probe went; the caller arms the RTO either way.
 */
bool xtcp_tlp_send(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 before = xs->snd_nxt;
	struct sk_buff *skb;

	if (!xtcp_tlp_wanted(sk))
		return false;
	/* Outstanding already, so that sending does not re-arm the PTO. */
	xs->tlp_out = true;
	xs->tlp_retrans = false;
	xs->tlp_tsval = xtcp_ts_now(&xs->ts);
	if (xs->send_head)
		__xtcp_write_xmit(sk, XTCP_XMIT_PROBE);
	if (!xtcp_seq_after(xs->snd_nxt, before)) {
		skb = xtcp_tlp_last_sent(sk);
		if (!skb || xtcp_retransmit_skb(sk, skb)) {
			xs->tlp_out = false;
			return false;
		}
		xs->tlp_retrans = true;
	}
	xs->tlp_high_seq = xs->snd_nxt;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TLPPROBES);
	return true;
}

/**
 * xtcp_tlp_end() - forget the outstanding probe: recovery, a timeout or
 *	a window reduction took over (TCP clears tlp_high_seq there too).
 * @xs: the connection.
 */
void xtcp_tlp_end(struct xtcp_sock *xs)
{
	xs->tlp_out = false;
}

/* A D-SACK of the probe's data: the original had arrived (§7.4.1). */
static bool xtcp_tlp_dsacked(const struct xtcp_sock *xs,
			     const struct xtcp_opts *opts, u32 ack)
{
	return opts->num_sacks &&
	       xtcp_sack_check(opts->sacks, opts->num_sacks, 0, ack,
			       xs->snd_nxt) == XTCP_SACK_DSACK &&
	       opts->sacks[0].end == xs->tlp_high_seq;
}

/* A loss was repaired by the probe alone: reduce the window once. */
static void xtcp_tlp_repaired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_tlp_end(xs);
	/* Of the window, as TCP's tcp_init_cwnd_reduction(). */
	xtcp_cc_enter_cwr(&xs->cc, xs->cc.cwnd);
	xtcp_ecn_window_reduced(xs);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TLPRECOVERY);
}

/**
 * xtcp_tlp_ack() - an ACK arrived with a probe outstanding (§7.4).
 * @sk: the socket, locked.
 * @ack: its acknowledgment number, now snd_una.
 * @opts: its options (SACK blocks, timestamps).
 * @dup: it is a pure duplicate: no new data acknowledged or SACKed.
 *
 * A probe of new data needs no answer.  A resent one whose data the
 * peer reports twice (a D-SACK, or a pure duplicate ACK at the probe's
 * end) repaired nothing.  An ACK beyond the probe's end with neither
 * says a loss was repaired by the probe alone: the window falls as on
 * a loss, and TLPRecovery counts it.  An ACK exactly at the end that
 * echoes the probe's timestamp says so too, one that echoes an older
 * one says the original arrived; without timestamps it waits for the
 * next ACK to tell.
 */
void xtcp_tlp_ack(struct sock *sk, u32 ack, const struct xtcp_opts *opts,
		  bool dup)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->tlp_out || xtcp_seq_before(ack, xs->tlp_high_seq))
		return;
	if (!xs->tlp_retrans || xtcp_tlp_dsacked(xs, opts, ack)) {
		xtcp_tlp_end(xs);
	} else if (xtcp_seq_after(ack, xs->tlp_high_seq)) {
		xtcp_tlp_repaired(sk);
	} else if (dup) {
		xtcp_tlp_end(xs);
	} else if (xs->ts.ok && opts->ts_ok) {
		if (xtcp_seq_before(opts->tsecr, xs->tlp_tsval))
			xtcp_tlp_end(xs);
		else
			xtcp_tlp_repaired(sk);
	}
}
