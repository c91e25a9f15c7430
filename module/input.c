// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: the IPv4 protocol handler for xtcp_ipproto, and the
 * processing of a segment by the state it finds (RFC 9293 §3.10.7).
 *
 * Every segment is validated before anything else looks at it: the
 * header must fit, its data offset must lie inside the packet, the
 * flags must be a combination a sender can produce, and the checksum
 * over the pseudo-header must hold.  What fails is counted and dropped.
 *
 * The handler is global: it receives the protocol's packets of every
 * network namespace and looks them up in the namespace of the device
 * they arrived on.  A segment for a socket the user owns waits on the
 * socket's backlog and is processed by release_sock(), as in TCP.
 */
#include <linux/module.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/tcp.h>
#include <net/xfrm.h>
#include <linux/security.h>

#include "xtcp.h"
#include "trace.h"

/* Verify the checksum; the pseudo-header carries our protocol number. */
static bool xtcp_csum_ok(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (skb_csum_unnecessary(skb))
		return true;
	if (skb->ip_summed == CHECKSUM_COMPLETE &&
	    !csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
			       iph->protocol, skb->csum))
		return true;
	skb->csum = csum_tcpudp_nofold(iph->saddr, iph->daddr, skb->len,
				       iph->protocol, 0);
	return !__skb_checksum_complete(skb);
}

static unsigned int xtcp_data_len(const struct sk_buff *skb)
{
	return skb->len - tcp_hdr(skb)->doff * 4;
}

/* Our FIN is covered by @ack. */
static bool xtcp_fin_acked(const struct xtcp_sock *xs, u32 ack)
{
	return xs->fin_queued && xtcp_seq_after(ack, xs->fin_seq);
}

/**
 * xtcp_oow_rate_limited() - may a reply to a segment that does not
 *	belong (out of window, a challenge, a duplicate SYN, TIME_WAIT)
 *	go out now?
 * @net: the namespace.
 * @skb: the segment.
 * @mib: the counter of replies held back.
 * @last: the socket's (or TIME_WAIT object's) time of its last such
 *	reply, in jiffies; 0 for none.  Updated here.
 *
 * At most one reply per net.xtcp.invalid_ratelimit_ms: two ends that
 * disagree about the window would otherwise ACK each other without
 * end, and a spoofer could use us as a reflector.  Segments carrying
 * data or a FIN without SYN are never held back, as in TCP: they are
 * not part of such a loop, and the sender needs the answer.
 *
 * Return: true if the reply must not be sent.
 */
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   enum xtcp_mib_field mib, u32 *last)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 val = READ_ONCE(*last), now = (u32)jiffies;

	if (cb->seq != cb->end_seq && !(cb->flags & TCPHDR_SYN))
		return false;
	if (val) {
		s32 elapsed = (s32)(now - val);
		u32 limit = msecs_to_jiffies(xtcp_sysctl(net, XTCP_SYSCTL_INVALID_RATELIMIT_MS));

		if (elapsed >= 0 && elapsed < limit) {
			XTCP_INC_STATS(net, mib);
			return true;
		}
	}
	WRITE_ONCE(*last, now ?: 1);
	return false;
}

/**
 * xtcp_challenge_ack_allowed() - may a challenge ACK go out now?
 * @net: the namespace.
 * @skb: the segment that draws it.
 * @last: the connection's (or request's) time of its last reply to a
 *	segment that did not belong, for xtcp_oow_rate_limited().
 *
 * RFC 5961 §7: challenge ACKs are limited per connection (as other
 * replies to segments that do not belong) and per namespace, to
 * net.xtcp.challenge_ack_limit a second.  As TCP does since
 * CVE-2016-5696, the allowance of each second is drawn at random in
 * [limit / 2, limit * 3 / 2), so that an off-path attacker cannot count
 * our challenges to learn the sequence space.
 *
 * Return: true if it may, and it is counted.
 */
bool xtcp_challenge_ack_allowed(struct net *net, const struct sk_buff *skb,
				u32 *last)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	u32 now = (u32)(jiffies / HZ), left;

	if (xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDCHALLENGE, last))
		return false;
	if (now != READ_ONCE(xn->challenge_second)) {
		u32 limit = xtcp_sysctl(net, XTCP_SYSCTL_CHALLENGE_ACK_LIMIT);
		u32 half = (limit + 1) >> 1;

		WRITE_ONCE(xn->challenge_second, now);
		WRITE_ONCE(xn->challenge_left,
			   half + (limit ? get_random_u32_below(limit) : 0));
	}
	left = READ_ONCE(xn->challenge_left);
	if (!left) {
		XTCP_INC_STATS(net, XTCP_MIB_ACKSKIPPEDCHALLENGE);
		return false;
	}
	WRITE_ONCE(xn->challenge_left, left - 1);
	XTCP_INC_STATS(net, XTCP_MIB_CHALLENGEACKS);
	return true;
}

static void xtcp_send_challenge_ack(struct sock *sk, const struct sk_buff *skb)
{
	if (xtcp_challenge_ack_allowed(sock_net(sk), skb,
				       &xtcp_sk(sk)->last_oow_ack_time))
		xtcp_send_ack(sk);
}

/*
 * Free a received segment: @why is XTCP_DROP_NONE when it was used
 * (or answered), else it was dropped and the xtcp_drop tracepoint says
 * why.  The
 * addresses are taken from its headers when they are all there.
 */
static void xtcp_free_dropped(struct net *net, struct sk_buff *skb,
			      enum xtcp_drop_reason why)
{
	if (why != XTCP_DROP_NONE && trace_xtcp_drop_enabled()) {
		const struct tcphdr *th = tcp_hdr(skb);
		const struct iphdr *iph = ip_hdr(skb);
		bool whole = why != XTCP_DROP_HEADER && why != XTCP_DROP_NOT_HOST;
		struct tcphdr none = { };

		if (!whole)
			th = &none;
		trace_xtcp_drop(net, iph->saddr, th->source, iph->daddr, th->dest,
				ntohl(th->seq), ntohl(th->ack_seq),
				whole ? xtcp_data_len(skb) : 0, tcp_flag_byte(th), why);
	}
	kfree_skb(skb);
}

/* The same, for a segment a socket processed. */
static void xtcp_free_rcvd(struct sock *sk, struct sk_buff *skb,
			   enum xtcp_drop_reason why)
{
	xtcp_free_dropped(sock_net(sk), skb, why);
}

/* An RST, at @seq, that passed the exact-sequence test (RFC 5961 §3.2). */
static void xtcp_rcv_reset(struct sock *sk, u32 seq)
{
	struct net *net = sock_net(sk);
	int err;

	trace_xtcp_recv_reset(sk, seq);
	switch (sk->sk_state) {
	case XTCP_SYN_SENT:
		err = ECONNREFUSED;
		XTCP_INC_STATS(net, XTCP_MIB_ATTEMPTFAILS);
		break;
	case XTCP_SYN_RECV:
		/* A passive child just goes away; nobody has seen it. */
		err = xtcp_sk(sk)->parent ? 0 : ECONNREFUSED;
		break;
	case XTCP_CLOSE_WAIT:
		err = EPIPE;
		XTCP_INC_STATS(net, XTCP_MIB_ESTABRESETS);
		break;
	case XTCP_ESTABLISHED:
		XTCP_INC_STATS(net, XTCP_MIB_ESTABRESETS);
		fallthrough;
	case XTCP_FIN_WAIT1:
	case XTCP_FIN_WAIT2:
		err = ECONNRESET;
		break;
	default:
		err = 0;
	}
	if (err) {
		WRITE_ONCE(sk->sk_err, err);
		if (!sock_flag(sk, SOCK_DEAD))
			sk_error_report(sk);
	}
	xtcp_done(sk);
}

/* A round-trip sample of @us microseconds: the estimate and the RTO. */
static void xtcp_rtt_update(struct sock *sk, u32 us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);

	xtcp_rtt_sample(&xs->rtt, us,
			xtcp_sysctl(net, XTCP_SYSCTL_RTO_MIN_MS) * USEC_PER_MSEC,
			xtcp_sysctl(net, XTCP_SYSCTL_RTO_MAX_MS) * USEC_PER_MSEC);
	xs->rto = DIV_ROUND_UP(xs->rtt.rto_us, USEC_PER_MSEC);
	xtcp_rack_min_rtt(&xs->rack, us, jiffies_to_msecs(jiffies));
}

/*
 * The handshake's round trip, from the TSecr of the segment that
 * acknowledged our SYN (RFC 7323 RTTM; it names the SYN or SYN-ACK
 * transmission that came back, resent or not): without it, the first
 * RTO is rto_initial_ms, and a lost first flight backs off from there.
 */
static void xtcp_handshake_rtt(struct sock *sk, const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 us;

	if (!xs->ts.ok || !opts->ts_ok)
		return;
	us = xtcp_ts_rtt_us(xtcp_ts_now(&xs->ts), opts->tsecr);
	if (us)
		xtcp_rtt_update(sk, us);
}

/*
 * Free what @ack covers from the write queue, advance snd_una and take
 * an RTT sample from the newest segment it covers that was sent once
 * (Karn's rule), in microseconds; if it covers only retransmitted ones,
 * from @tsecr, the TSecr of the ACK, with timestamps (RFC 7323 RTTM:
 * the echo tells which transmission came back), so that a backed-off
 * RTO collapses again as soon as repaired data is acknowledged.  After
 * a timeout rewound send_head, it may point at acknowledged data: it
 * moves past it.  *@original is set if data below high_seq sent only
 * once was among what it covers and not SACKed before (F-RTO's witness).
 *
 * Return: segments of the current pass (packets_out) acknowledged.
 */
static u32 xtcp_clean_acked(struct sock *sk, u32 ack, u32 tsecr,
			    bool *original)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 acked = 0, now = xtcp_clock_us(), sample = 0, late = ack;
	u32 prior_una;
	bool sent = true, have_sample = false;
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (skb == xs->send_head)
			sent = false;
		if (!cb->retrans && !(cb->sacked & XTCP_TAG_SACKED) &&
		    xtcp_seq_after(ack, cb->seq) &&
		    xtcp_seq_before(cb->seq, xs->high_seq))
			*original = true;
		if (!xtcp_seq_after(cb->end_seq, ack)) {
			if (skb == xs->send_head)
				xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
						NULL : skb->next;
			if (sent) {
				xs->packets_out -= cb->pcount;
				xtcp_tag_account(xs, cb->sacked, -cb->pcount);
				acked += cb->pcount;
				if (!(cb->sacked & XTCP_TAG_SACKED))
					xtcp_rack_deliver(&xs->rack, cb->xmit_us,
							  cb->end_seq, cb->retrans, now);
				if (!cb->retrans && !(cb->sacked & XTCP_TAG_SACKED) &&
				    xtcp_seq_before(cb->seq, late))
					late = cb->seq;
				if (!cb->retrans && !(cb->sacked & XTCP_TAG_SACKED)) {
					sample = now - cb->tx_us;
					have_sample = true;
				}
			}
			__skb_unlink(skb, &sk->sk_write_queue);
			xtcp_wmem_free(sk, skb);
			continue;
		}
		/* Part of a super-segment: its first segments left the network. */
		if (xtcp_seq_after(ack, cb->seq) &&
		    !xtcp_trim_head(sk, skb, ack - cb->seq) && sent) {
			u16 left = xtcp_pcount(skb->len, xs->mss);

			if (left < cb->pcount) {
				xtcp_rack_deliver(&xs->rack, cb->xmit_us, ack,
						  cb->retrans, now);
				xs->packets_out -= cb->pcount - left;
				xtcp_tag_account(xs, cb->sacked, left - cb->pcount);
				acked += cb->pcount - left;
				cb->pcount = left;
				if (!cb->retrans && !(cb->sacked & XTCP_TAG_SACKED)) {
					sample = now - cb->tx_us;
					have_sample = true;
				}
			}
		}
		break;
	}
	/*
	 * Sent once, acknowledged now though data above it was SACKed
	 * before: overtaken (also when this ACK covers all the SACKed data,
	 * as TCP's tcp_clean_rtx_queue() sees it).
	 */
	if (xs->sack_ok && xtcp_seq_after(xs->highest_sack, xs->snd_una))
		xtcp_sack_reordered(sk, late);
	if (!xtcp_seq_after(xs->highest_sack, ack))
		xs->highest_sack = ack;
	xs->stats.bytes_acked += ack - xs->snd_una;
	prior_una = xs->snd_una;
	xs->snd_una = ack;
	xtcp_urg_acked(xs, prior_una);
	/* The path works again: an earlier ICMP error is not the story. */
	WRITE_ONCE(sk->sk_err_soft, 0);
	if (!have_sample && xs->ts.ok) {
		sample = xtcp_ts_rtt_us(xtcp_ts_now(&xs->ts), tsecr);
		have_sample = sample;
	}
	if (have_sample)
		xtcp_rtt_update(sk, sample);
	xtcp_sndbuf_adjust(sk);
	sk->sk_write_space(sk);
	return acked;
}

/**
 * xtcp_enter_recovery() - fast retransmit (RFC 5681 §3.2).
 * @sk: the socket, locked, open or in CWR.
 *
 * NewReno resends the oldest segment and inflates cwnd by the three
 * that left; with SACK (RFC 6675 §5) the oldest lost segment goes at
 * once whatever the pipe, then every lost segment and new data as
 * proportional rate reduction lets them (RFC 6937, xtcp_prr_ack()).
 * DupThresh marks the oldest segment lost; RACK has marked what it
 * found.
 */
void xtcp_enter_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	u32 prior_cwnd = xs->cc.cwnd;

	xtcp_tlp_end(xs);
	xtcp_undo_begin(xs);
	/* Already reduced for this window's ECN echo: not twice. */
	if (xs->ca_state == XTCP_CA_CWR) {
		xs->cc.cwnd = xs->cc.ssthresh + 3;
	} else {
		xtcp_cc_enter_recovery(&xs->cc, xs->packets_out);
		xtcp_ecn_window_reduced(xs);
	}
	xs->high_seq = xs->snd_nxt;
	xs->ca_state = XTCP_CA_RECOVERY;
	XTCP_INC_STATS(net, XTCP_MIB_FASTRETRANSMITS);
	xs->stats.fast_retrans++;
	if (!xs->sack_ok) {
		xtcp_retransmit_head(sk);
		return;
	}
	XTCP_INC_STATS(net, XTCP_MIB_SACKRECOVERY);
	xs->prr.prior_cwnd = prior_cwnd;
	xs->prr.delivered = 0;
	xs->prr.out = 0;
	if (!xtcp_rack_on(sk))
		xtcp_sack_mark_lost(sk, true);
	xtcp_prr_ack(sk);
	xtcp_sack_retransmit(sk, true);
}

/**
 * xtcp_prr_ack() - set the window SACK recovery sends by, once per ACK
 *	(RFC 6937): after the ACK's losses are marked, before anything is
 *	resent.
 * @sk: the socket, locked.
 *
 * What the ACK delivered is counted once, however often this runs for
 * it; a call with nothing new leaves the window as it is, except that
 * the fast retransmit is always let out.  Outside SACK recovery it only
 * forgets the ACK's count, so that a timer's later entry into recovery
 * does not take it for its own.
 */
void xtcp_prr_ack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ca_state == XTCP_CA_RECOVERY && xs->sack_ok &&
	    (xs->prr.newly || !xs->prr.out))
		xs->cc.cwnd = xtcp_prr_cwnd(&xs->prr, xs->cc.ssthresh,
					    xtcp_in_flight(xs),
					    xs->lost_out > xs->prr.lost);
	xs->prr.newly = 0;
}

/*
 * What an ACK delivered, in segments, for PRR: newly cumulatively
 * acknowledged and not SACKed before, plus newly SACKed.
 */
static void xtcp_prr_count(struct xtcp_sock *xs, u32 prior_packets,
			   u32 prior_sacked, bool una_moved)
{
	s64 newly = (s64)prior_packets - xs->packets_out +
		    xs->sacked_out - prior_sacked;

	xs->prr.newly = newly > 0 ? newly : 0;
	xs->prr.lost = xs->lost_out;
	xs->prr.una_moved = una_moved;
}

/*
 * After an ACK's SACK blocks were taken in: DupThresh segments SACKed
 * start recovery even without three duplicate ACKs (RFC 6675 §5: a
 * window update or data can hide them); in recovery the holes now known
 * lost go again.
 */
static void xtcp_sack_recover(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xtcp_rack_on(sk)) {
		xtcp_rack_recover(sk, false);
		return;
	}
	if ((xs->ca_state == XTCP_CA_OPEN || xs->ca_state == XTCP_CA_CWR) &&
	    xs->sacked_out >= xs->reordering) {
		xtcp_enter_recovery(sk);
		return;
	}
	if (xs->ca_state != XTCP_CA_RECOVERY)
		return;
	xtcp_sack_mark_lost(sk, false);
	xtcp_prr_ack(sk);
	xtcp_sack_retransmit(sk, false);
}

/*
 * The peer echoed a congestion mark (RFC 3168 §6.1.2): the window falls
 * as on a loss, once per window of data; in recovery or after a timeout
 * it has fallen already.
 */
static void xtcp_enter_cwr(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->ca_state != XTCP_CA_OPEN)
		return;
	xtcp_tlp_end(xs);
	xtcp_cc_enter_cwr(&xs->cc, xs->packets_out);
	xtcp_ecn_window_reduced(xs);
	xs->high_seq = xs->snd_nxt;
	xs->ca_state = XTCP_CA_CWR;
	xs->stats.ecn_reductions++;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ECNREDUCTIONS);
}

/* An ACK that covered new data: grow the window, or work recovery. */
static void xtcp_cong_ack(struct sock *sk, u32 ack, u32 acked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->dupacks = 0;
	switch (xs->ca_state) {
	case XTCP_CA_RECOVERY:
		if (!xtcp_seq_before(ack, xs->high_seq)) {
			/*
			 * The episode's undo stays armed: D-SACKs for its
			 * last retransmissions come after this ACK, and
			 * may still prove them all spurious (as TCP's
			 * undo_marker outlives recovery).
			 */
			xtcp_cc_exit_recovery(&xs->cc, xs->packets_out);
			xs->ca_state = XTCP_CA_OPEN;
			xtcp_rack_recovery_done(&xs->rack);
		} else if (xs->sack_ok) {
			/* The oldest hole was sent before what came back. */
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PARTIALACKS);
			if (!xtcp_rack_on(sk))
				xtcp_sack_mark_lost(sk, true);
		} else {
			/* RFC 6582 §3.2 step 3: the next hole is lost too. */
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PARTIALACKS);
			xtcp_retransmit_head(sk);
			xtcp_cc_partial_ack(&xs->cc, acked);
		}
		return;
	case XTCP_CA_LOSS:
		if (!xtcp_seq_before(ack, xs->high_seq)) {
			xs->ca_state = XTCP_CA_OPEN;
			xs->undo.active = false;
			xtcp_rack_recovery_done(&xs->rack);
		}
		break;
	case XTCP_CA_CWR:
		/* The window stays reduced until that window is acknowledged. */
		if (xtcp_seq_before(ack, xs->high_seq))
			return;
		xs->ca_state = XTCP_CA_OPEN;
		break;
	}
	xtcp_cc_on_ack(&xs->cc, acked, xtcp_cc_clock_ms(), xs->rtt.srtt_us);
}

/* A duplicate ACK (RFC 5681 §2): three start fast retransmit. */
static void xtcp_cong_dupack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->dupacks < 255)
		xs->dupacks++;
	if (xs->ca_state == XTCP_CA_RECOVERY) {
		/* Each one says a segment has left the network (with SACK
		 * the pipe says so already).
		 */
		if (!xs->sack_ok)
			xs->cc.cwnd = min(xs->cc.cwnd + 1, XTCP_MAX_CWND);
		return;
	}
	/* RACK finds losses by time (rack.c), not by counting. */
	if (xtcp_rack_on(sk))
		return;
	/* DupThresh, or the reordering SACK has shown (sack.c). */
	if ((xs->ca_state != XTCP_CA_OPEN && xs->ca_state != XTCP_CA_CWR) ||
	    xs->dupacks < (xs->sack_ok ? xs->reordering : XTCP_DUPTHRESH))
		return;
	xtcp_enter_recovery(sk);
}

/*
 * Whether @skb may be merged into @tail.  veth delivers clones of the
 * sender's skbs, and skb_try_coalesce() never writes into a clone's
 * shared fragments: a tail that would take @skb's fragments is given a
 * head of its own first (its payload pages are shared, not copied), so
 * that the queue's memory follows its payload, one skb per
 * MAX_SKB_FRAGS small segments instead of one per segment.
 */
static bool xtcp_rcv_tail_writable(struct sk_buff *tail, struct sk_buff *skb)
{
	/*
	 * skb_try_coalesce() moves truesize with the payload and warns
	 * when there is less than the payload to move: a sender's clone
	 * can carry a truesize kept below its buffers
	 * (skb_unclone_keeptruesize()).  Such an skb is queued as it is.
	 */
	unsigned int head = skb_headlen(skb) ? SKB_DATA_ALIGN(sizeof(struct sk_buff)) :
				SKB_TRUESIZE(skb_end_offset(skb));

	if (skb->truesize < head + skb->len)
		return false;
	if (!skb_cloned(tail))
		return true;
	if (skb_has_frag_list(tail) || skb_has_frag_list(skb) ||
	    skb_shinfo(tail)->nr_frags + skb_shinfo(skb)->nr_frags > MAX_SKB_FRAGS)
		return false;
	return !skb_unclone(tail, GFP_ATOMIC);
}

/* Append in-order payload to the receive queue, coalescing with its tail. */
static void xtcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	bool stolen;
	int delta;

	xs->rcv_nxt = XTCP_SKB_CB(skb)->end_seq;
	xs->stats.bytes_received += skb->len;
	if (tail && xtcp_rcv_tail_writable(tail, skb) &&
	    skb_try_coalesce(tail, skb, &stolen, &delta)) {
		XTCP_SKB_CB(tail)->end_seq = XTCP_SKB_CB(skb)->end_seq;
		atomic_add(delta, &sk->sk_rmem_alloc);
		sk_mem_charge(sk, delta);
		kfree_skb_partial(skb, stolen);
		return;
	}
	if (!skb->sk)
		skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
}

/*
 * Move what the out-of-order queue holds that now follows rcv_nxt onto
 * the receive queue.  Return: true if a queued FIN is now in sequence.
 */
static bool xtcp_ofo_drain(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	bool fin = false;

	while ((skb = xtcp_ofo_pull(&xs->ofo, xs->rcv_nxt))) {
		fin = XTCP_SKB_CB(skb)->flags & TCPHDR_FIN;
		if (skb->len)
			xtcp_queue_rcv(sk, skb);
		else
			kfree_skb(skb);
		if (fin)
			break;
	}
	if (fin)
		xtcp_ofo_purge(&xs->ofo);
	return fin;
}

/* The SACK blocks after the out-of-order queue lost entries or moved. */
static void xtcp_sack_rcv_held(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok)
		return;
	if (xtcp_ofo_empty(&xs->ofo))
		xs->sack_rcv.num = 0;
	else
		xtcp_sack_rcv_clip(&xs->sack_rcv,
				   XTCP_SKB_CB(xs->ofo.last)->end_seq);
	xtcp_sack_rcv_advance(&xs->sack_rcv, xs->rcv_nxt);
}

/* What the receive queues may hold: twice SO_RCVBUF (see below). */
static int xtcp_rcv_budget(const struct sock *sk)
{
	return min_t(u64, 2ULL * READ_ONCE(sk->sk_rcvbuf), INT_MAX);
}

/*
 * Make room for @skb (payload only, inside the window we advertised) in
 * the receive buffer.  A segment whose buffer is far larger than its
 * payload (a small one), or one that does not fit (a clone of the
 * sender's skb, as veth delivers it, costs three times its payload), is
 * copied into a compact skb first.
 * The window is a promise: what it admitted is taken even past
 * SO_RCVBUF, up to twice it, because truesize can run higher than the
 * window's estimate (half the free space) allowed for; the window then
 * stays shut until the reader drains.  Before that budget refuses
 * anything, the receive queue is compacted (rcvq.c, PruneCalled).
 * The skb is also charged to the memory accounting (mem.c) here.
 * When even that budget is spent, or net.xtcp.mem's hard limit refuses
 * the memory, out-of-order data beyond @skb goes,
 * from the far end (tcp_prune_ofo_queue()): it was never acknowledged,
 * the sender still has it, and keeping it would leave no room for the
 * segment that fills the hole, stalling the connection for good.
 *
 * Return: the skb to queue (maybe a new one; the old is freed), or
 * NULL when it does not fit even so (@skb is freed).
 */
static struct sk_buff *xtcp_rcv_charge(struct sock *sk, struct sk_buff *skb)
{
	int budget = xtcp_rcv_budget(sk);
	int room = budget - atomic_read(&sk->sk_rmem_alloc);
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool collapsed = false;
	struct sk_buff *n;

	/*
	 * Within SO_RCVBUF a copy is made only of a very wasteful skb.
	 * (Signed: room is negative once the budget is overrun.)  Past it,
	 * a queue of skbs like this one is compacted first (rcvq.c).
	 */
	if (skb->truesize <= 4 * skb->len + 1024) {
		if ((int)skb->truesize <= room - (budget - READ_ONCE(sk->sk_rcvbuf)))
			return skb;
		if (skb->truesize > 2 * skb->len) {
			collapsed = true;
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PRUNECALLED);
			room += xtcp_rcvq_collapse(sk);
			if ((int)skb->truesize <= room - (budget - READ_ONCE(sk->sk_rcvbuf)))
				return skb;
		}
	}
	n = alloc_skb(max(skb->len, 1024U), GFP_ATOMIC);
	if (n) {
		skb_put(n, skb->len);
		if (skb_copy_bits(skb, 0, n->data, skb->len)) {
			kfree_skb(n);
			n = NULL;
		}
	}
	if (n) {
		*XTCP_SKB_CB(n) = *XTCP_SKB_CB(skb);
		consume_skb(skb);
		skb = n;
	}
	while ((int)skb->truesize > budget - atomic_read(&sk->sk_rmem_alloc) ||
	       !sk_rmem_schedule(sk, skb, skb->truesize)) {
		if (!collapsed) {
			collapsed = true;
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PRUNECALLED);
			xtcp_rcvq_collapse(sk);
			continue;
		}
		if (!xtcp_ofo_drop_last(&xs->ofo, XTCP_SKB_CB(skb)->seq)) {
			kfree_skb(skb);
			return NULL;
		}
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OFOPRUNED);
		xtcp_sack_rcv_held(sk);
	}
	return skb;
}

/* Result of xtcp_data_queue(). */
enum {
	XTCP_DATA_TAKEN = 1,	/* the skb was queued (or freed) */
	XTCP_DATA_OFO = 2,	/* out of order, filled a hole, or dropped: ACK now */
	XTCP_DATA_FIN = 4,	/* a FIN from the out-of-order queue is due */
};

/*
 * Queue payload: in sequence onto the receive queue (then whatever the
 * out-of-order queue holds that now follows), beyond rcv_nxt onto the
 * out-of-order queue.  Payload past the window's right edge is cut.
 */
static int xtcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 seq = cb->seq, len = xtcp_data_len(skb), off = 0;
	u32 edge = xs->rcv_wup + xs->rcv_wnd;
	u8 flags = cb->flags;
	int ret = 0;

	if (!xtcp_seq_after(seq, xs->rcv_nxt))
		off = xs->rcv_nxt - seq;
	/* RFC 2883 §4.1.1: report what arrived again. */
	if (off && xs->sack_ok)
		xtcp_sack_rcv_dup(&xs->sack_rcv, seq, seq + min(off, len));
	if (off >= len)
		return 0;
	/*
	 * A super-segment's segment size is its gso_size (TCP's
	 * tcp_measure_rcv_mss()); and never above what we advertised: one
	 * reassembled 64 KB datagram must not stop every-second-segment
	 * ACKs for good.
	 */
	xs->rcv_mss = max_t(u32, xs->rcv_mss,
			    min_t(u32, skb_is_gso(skb) ?
				  skb_shinfo(skb)->gso_size : len, xs->advmss));
	if (xtcp_seq_after(seq + len, edge)) {
		len = edge - seq;
		cb->flags &= ~TCPHDR_FIN;
	}
	if (len <= off)
		return 0;
	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	if (off && !pskb_pull(skb, off))
		return 0;
	if (pskb_trim(skb, len - off))
		return 0;
	cb->seq = seq + off;
	cb->end_seq = cb->seq + skb->len;
	skb_dst_drop(skb);
	skb = xtcp_rcv_charge(sk, skb);
	if (!skb) {
		bool ofo = xtcp_seq_after(seq + off, xs->rcv_nxt);
		const struct inet_sock *inet = inet_sk(sk);

		XTCP_INC_STATS(net, ofo ? XTCP_MIB_OFODROPS : XTCP_MIB_RCVQDROPS);
		trace_xtcp_drop(net, inet->inet_daddr, inet->inet_dport,
				inet->inet_saddr, inet->inet_sport, seq, 0, len, flags,
				ofo ? XTCP_DROP_OFO_FULL : XTCP_DROP_RCVQ_FULL);
		return XTCP_DATA_TAKEN | XTCP_DATA_OFO;
	}
	cb = XTCP_SKB_CB(skb);

	if (xtcp_seq_after(cb->seq, xs->rcv_nxt)) {
		u32 oseq = cb->seq, oend = cb->end_seq;

		skb_set_owner_r(skb, sk);
		if (xtcp_ofo_insert(&xs->ofo, skb)) {
			XTCP_INC_STATS(net, XTCP_MIB_OFOQUEUED);
			xs->stats.ofo_pkts++;
		} else if (xs->sack_ok) {
			xtcp_sack_rcv_dup(&xs->sack_rcv, oseq, oend);
		}
		if (xs->sack_ok)
			xtcp_sack_rcv_ofo(&xs->sack_rcv, oseq, oend);
		return XTCP_DATA_TAKEN | XTCP_DATA_OFO;
	}
	cb->flags &= ~TCPHDR_FIN;	/* the caller handles this one's FIN */
	xtcp_queue_rcv(sk, skb);
	xtcp_rcv_rtt_measure(sk);
	ret = XTCP_DATA_TAKEN;
	if (!xtcp_ofo_empty(&xs->ofo)) {
		ret |= XTCP_DATA_OFO;
		if (xtcp_ofo_drain(sk))
			ret |= XTCP_DATA_FIN;
		xtcp_sack_rcv_held(sk);
	}
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	return ret;
}

/* The peer's FIN, in sequence.  The caller sends the ACK. */
static void xtcp_rcv_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcv_nxt++;
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	if (xtcp_next_state(sk->sk_state, XTCP_EV_RCV_FIN) == XTCP_TIME_WAIT)
		return;		/* the caller enters TIME_WAIT after its ACK */
	xtcp_transition(sk, XTCP_EV_RCV_FIN);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk->sk_data_ready(sk);
	}
}

/* RFC 9293 §3.10.7.4 step 5 for SYN_RECV: our SYN-ACK acknowledged? */
static bool xtcp_rcv_synrecv_ack(struct sock *sk, struct sk_buff *skb, u32 ack,
				 const struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);

	if (!xtcp_seq_after(ack, xs->snd_una) || xtcp_seq_after(ack, xs->snd_nxt)) {
		xtcp_v4_send_reset(sock_net(sk), skb, XTCP_RST_BAD_ACK);
		return false;
	}
	xtcp_transition(sk, XTCP_EV_RCV_ACK);
	xs->snd_una = xs->iss + 1;	/* our SYN: not counted as data acked */
	xs->snd_up = xs->snd_una;
	xtcp_handshake_rtt(sk, opts);
	xtcp_timer_ack_progress(sk);
	xs->snd_wnd = ntohs(th->window) << xs->snd_wscale;
	xs->max_window = max(xs->max_window, xs->snd_wnd);
	xs->snd_wl1 = XTCP_SKB_CB(skb)->seq;
	xs->snd_wl2 = ack;
	xtcp_timer_keepalive(sk);
	if (xs->parent) {
		xtcp_child_established(sk);
	} else if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
	return true;
}

/*
 * A SYN-ACK answering ours in a simultaneous open (Linux does the
 * same): it repeats the peer's SYN and acknowledges ours, so it
 * completes the handshake rather than drawing a challenge ACK.
 */
static bool xtcp_is_simopen_synack(const struct sock *sk, const struct sk_buff *skb)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);

	return sk->sk_state == XTCP_SYN_RECV && !xs->parent && th->syn &&
	       th->ack && XTCP_SKB_CB(skb)->seq + 1 == xs->rcv_nxt &&
	       ntohl(th->ack_seq) == xs->snd_nxt;
}

/*
 * In-order data arrived: ACK now if more than one full segment is
 * unacknowledged (RFC 9293 §3.8.6.3: every second full segment) or
 * XTCP_QUICKACK asked for it, else let the delayed-ACK timer do it.
 */
static void xtcp_ack_snd_check(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->rcv_nxt - xs->rcv_wup > xs->rcv_mss) {
		xtcp_send_ack(sk);
	} else if (xs->quick_acks && !xs->ack_pingpong) {
		xs->quick_acks--;
		xtcp_send_ack(sk);
	} else {
		xtcp_timer_delack(sk);
	}
}

/**
 * xtcp_ts_verdict() - RFC 7323's checks of a segment on a connection
 *	that negotiated timestamps (a socket's or a request's).
 * @net: the namespace, for the counters.
 * @ts: the connection's timestamps.
 * @th: the segment's header.
 * @opts: filled in; for an RST, @opts->ts_ok is cleared, as an RST
 *	never moves TS.Recent.
 *
 * A segment (but an RST) without TSopt is to be dropped silently
 * (§3.2, TSoptMissing); one whose TSval is older than TS.Recent is an
 * old duplicate (PAWS, §5.3 R1, PAWSEstab), to be dropped and answered
 * with an ACK, which the caller rate-limits as any reply to a segment
 * that does not belong.
 *
 * Return: &enum xtcp_ts_verdict.
 */
enum xtcp_ts_verdict xtcp_ts_verdict(struct net *net, const struct xtcp_ts *ts,
				     const struct tcphdr *th,
				     struct xtcp_opts *opts)
{
	xtcp_parse_options(th, opts);
	if (th->rst) {
		opts->ts_ok = false;
		return XTCP_TS_PASS;
	}
	if (!opts->ts_ok) {
		XTCP_INC_STATS(net, XTCP_MIB_TSOPTMISSING);
		return XTCP_TS_DROP;
	}
	if (!xtcp_paws_reject(ts, opts->tsval, (u32)ktime_get_seconds()))
		return XTCP_TS_PASS;
	XTCP_INC_STATS(net, XTCP_MIB_PAWSESTAB);
	return XTCP_TS_OLD;
}

/* xtcp_ts_verdict() for a socket; an old duplicate gets our ACK. */
static bool xtcp_ts_check(struct sock *sk, const struct sk_buff *skb,
			  struct xtcp_opts *opts)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);

	switch (xtcp_ts_verdict(net, &xs->ts, tcp_hdr(skb), opts)) {
	case XTCP_TS_PASS:
		return true;
	case XTCP_TS_OLD:
		if (!xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDPAWS,
					   &xs->last_oow_ack_time))
			xtcp_send_ack(sk);
		break;
	case XTCP_TS_DROP:
		break;
	}
	return false;
}

/* Segment arrives in a synchronized state, or SYN_RECV. */
static void xtcp_rcv_established(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 seq = XTCP_SKB_CB(skb)->seq, end = XTCP_SKB_CB(skb)->end_seq;
	u32 ack = ntohl(th->ack_seq);
	bool fin = th->fin, has_data = xtcp_data_len(skb) > 0;
	bool simopen = xtcp_is_simopen_synack(sk, skb), ce_ack = false;
	struct xtcp_opts opts = { };
	enum xtcp_drop_reason why = XTCP_DROP_NONE;
	u32 prior_packets, prior_sacked;
	int dq = 0;
	u32 wnd;

	/*
	 * The peer resent its SYN: our SYN-ACK was lost.  Checked before
	 * acceptability, which a repeated SYN (at irs) fails.
	 */
	if (sk->sk_state == XTCP_SYN_RECV && th->syn && !th->ack && !th->rst &&
	    seq == xs->irs) {
		if (!xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDSYNRECV,
					   &xs->last_oow_ack_time))
			xtcp_send_synack(sk);
		why = XTCP_DROP_SYN_AGAIN;
		goto drop;
	}
	if (xs->ts.ok) {
		if (!xtcp_ts_check(sk, skb, &opts)) {
			why = XTCP_DROP_TIMESTAMP;
			goto drop;
		}
	} else if (xs->sack_ok) {
		xtcp_parse_options(th, &opts);
	}
	/* 1: is the sequence number acceptable? */
	if (!simopen && !xtcp_seq_acceptable(xs->rcv_nxt,
					     xs->rcv_wup + xs->rcv_wnd - xs->rcv_nxt,
					     seq, end - seq)) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTOFWINDOW);
		/* An old duplicate: report it (RFC 2883 §4.1.1). */
		if (xs->sack_ok && has_data && !th->syn && !th->rst &&
		    xtcp_seq_before(seq, xs->rcv_nxt))
			xtcp_sack_rcv_dup(&xs->sack_rcv, seq,
					  xtcp_seq_before(seq + xtcp_data_len(skb), xs->rcv_nxt) ?
					  seq + xtcp_data_len(skb) : xs->rcv_nxt);
		if (th->syn)
			xtcp_send_challenge_ack(sk, skb);
		else if (!th->rst &&
			 !xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDSEQ,
						&xs->last_oow_ack_time))
			xtcp_send_ack(sk);
		why = XTCP_DROP_OUT_OF_WINDOW;
		goto drop;
	}
	/* 2: RST: exact match resets, elsewhere in the window challenges. */
	if (th->rst) {
		if (seq == xs->rcv_nxt) {
			xtcp_rcv_reset(sk, seq);
			goto drop;
		}
		xtcp_send_challenge_ack(sk, skb);
		why = XTCP_DROP_RST_CHALLENGED;
		goto drop;
	}
	/* 4: a SYN here is a challenge (RFC 5961 §4), bar two cases. */
	if (th->syn && !simopen) {
		xtcp_send_challenge_ack(sk, skb);
		why = XTCP_DROP_SYN_CHALLENGED;
		goto drop;
	}
	/* 5: ACK. */
	if (!th->ack) {
		why = XTCP_DROP_NO_ACK;
		goto drop;
	}
	xtcp_timer_rcvd(sk);
	if (sk->sk_state == XTCP_SYN_RECV && !xtcp_rcv_synrecv_ack(sk, skb, ack, &opts)) {
		why = XTCP_DROP_BAD_ACK;
		goto drop;
	}
	/*
	 * RFC 5961 §5: an ACK of data not sent yet, or older than the
	 * largest window the peer ever offered, is a challenge.
	 */
	if (xtcp_seq_after(ack, xs->snd_nxt) ||
	    xtcp_seq_before(ack, xs->snd_una - xs->max_window)) {
		xtcp_send_challenge_ack(sk, skb);
		why = XTCP_DROP_BAD_ACK;
		goto drop;
	}
	if (opts.ts_ok && xtcp_ts_update_ok(&xs->ts, opts.tsval, seq, xs->rcv_wup))
		xtcp_ts_store(&xs->ts, opts.tsval);
	wnd = ntohs(th->window) << xs->snd_wscale;
	if (xtcp_ecn_echoed(xs, th))
		xtcp_enter_cwr(sk);
	prior_packets = xs->packets_out;
	prior_sacked = xs->sacked_out;
	if (xtcp_seq_after(ack, xs->snd_una)) {
		bool original = false;
		u32 acked = xtcp_clean_acked(sk, ack, opts.tsecr, &original);
		unsigned int said = XTCP_ACK_ADVANCED;

		if (xs->sack_ok && xtcp_sack_tag(sk, &opts, ack, &original))
			said |= XTCP_ACK_SACKED;
		xtcp_prr_count(xs, prior_packets, prior_sacked, true);
		if (original)
			said |= XTCP_ACK_ORIGINAL;
		xtcp_tlp_ack(sk, ack, &opts, false);
		if (!xtcp_undo_try(sk, &opts, true) && !xtcp_undo_frto(sk, said)) {
			xtcp_cong_ack(sk, ack, acked);
			xtcp_undo_frto_send_new(sk);
		}
		xtcp_timer_ack_progress(sk);
	} else {
		bool original = false, dup;
		unsigned int said = 0;
		u32 sacked = 0;

		if (xs->sack_ok && opts.num_sacks)
			sacked = xtcp_sack_tag(sk, &opts, ack, &original);
		xtcp_prr_count(xs, prior_packets, prior_sacked, false);
		dup = ack == xs->snd_una && xs->packets_out && !has_data &&
		      !fin && wnd == xs->snd_wnd;
		if (sacked)
			said |= XTCP_ACK_SACKED;
		if (original)
			said |= XTCP_ACK_ORIGINAL;
		if (dup)
			said |= XTCP_ACK_DUP;
		xtcp_tlp_ack(sk, ack, &opts, !sacked && !has_data && !fin &&
			     wnd == xs->snd_wnd);
		if (!xtcp_undo_try(sk, &opts, false) && !xtcp_undo_frto(sk, said) &&
		    dup)
			xtcp_cong_dupack(sk);
	}
	if (xs->sack_ok)
		xtcp_sack_recover(sk);
	xtcp_prr_ack(sk);
	if (xtcp_seq_before(xs->snd_wl1, seq) ||
	    (xs->snd_wl1 == seq && !xtcp_seq_before(ack, xs->snd_wl2))) {
		xs->snd_wnd = wnd;
		xs->max_window = max(xs->max_window, wnd);
		xs->snd_wl1 = seq;
		xs->snd_wl2 = ack;
	}
	trace_xtcp_cwnd(sk, xs->snd_una, xs->snd_nxt, xs->cc.cwnd, xs->cc.ssthresh,
			xs->snd_wnd, xs->rtt.srtt_us, xs->ca_state);
	if (xtcp_fin_acked(xs, ack)) {
		switch (sk->sk_state) {
		case XTCP_FIN_WAIT1:
			xtcp_transition(sk, XTCP_EV_RCV_ACK);
			if (!sock_flag(sk, SOCK_DEAD)) {
				sk->sk_state_change(sk);
			} else if (READ_ONCE(xs->linger2) < 0) {
				/* XTCP_LINGER2 < 0: no FIN_WAIT_2 for an orphan. */
				XTCP_INC_STATS(net, XTCP_MIB_ABORTONLINGER);
				xtcp_done(sk);
				goto drop;
			} else {
				xtcp_timer_orphan_fin_wait2(sk);
			}
			break;
		case XTCP_CLOSING:
			xtcp_enter_time_wait(sk);
			goto drop;
		case XTCP_LAST_ACK:
			xtcp_done(sk);
			goto drop;
		}
	}
	xtcp_write_xmit(sk);

	/* 6: URG, in a state that takes data. */
	if (th->urg && ((1 << sk->sk_state) &
			(XTCPF_ESTABLISHED | XTCPF_FIN_WAIT1 | XTCPF_FIN_WAIT2)))
		xtcp_urg_rcv(sk, th);

	/* 7: segment text. */
	if (has_data) {
		switch (sk->sk_state) {
		case XTCP_FIN_WAIT1:
		case XTCP_FIN_WAIT2:
			/*
			 * New data for a reader that is gone (close(), or
			 * SHUT_RD): nobody will read it, so reset rather
			 * than let the peer fill a dead buffer (TCP's
			 * AbortOnData, RFC 2525 §2.17).
			 */
			if ((sk->sk_shutdown & RCV_SHUTDOWN) &&
			    xtcp_seq_after(end - fin, xs->rcv_nxt)) {
				XTCP_INC_STATS(net, XTCP_MIB_ABORTONDATA);
				xtcp_v4_send_reset(net, skb, XTCP_RST_DATA_AFTER_CLOSE);
				xtcp_abort(sk, ECONNRESET, XTCP_RST_NONE);
				why = XTCP_DROP_DATA_AFTER_CLOSE;
				goto drop;
			}
			fallthrough;
		case XTCP_ESTABLISHED:
			ce_ack = xtcp_ecn_rcv_data(sk, skb);
			dq = xtcp_data_queue(sk, skb);
			if (xs->urg_data == XTCP_URG_NOTYET)
				xtcp_urg_fetch(sk);
			break;
		}
	}
	/* 8: FIN, if everything before it has arrived. */
	if ((fin && end - 1 == xs->rcv_nxt) || (dq & XTCP_DATA_FIN)) {
		xtcp_rcv_fin(sk);
		xtcp_send_ack(sk);
		if (sk->sk_state == XTCP_FIN_WAIT2)
			xtcp_enter_time_wait(sk);
	} else if (fin || (has_data && !(dq & XTCP_DATA_TAKEN)) ||
		   (dq & XTCP_DATA_OFO) || ce_ack) {
		/*
		 * Out of order, duplicate or dropped: say where we are now;
		 * a new congestion mark: echo it at once.
		 */
		xtcp_send_ack(sk);
	} else if (has_data) {
		xtcp_ack_snd_check(sk);
	}
	if (dq & XTCP_DATA_TAKEN)
		return;
drop:
	xtcp_free_rcvd(sk, skb, why);
}

/* RFC 9293 §3.10.7.3: SYN_SENT. */
static void xtcp_rcv_syn_sent(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 seq = XTCP_SKB_CB(skb)->seq, ack = ntohl(th->ack_seq);
	enum xtcp_drop_reason why = XTCP_DROP_NONE;
	struct xtcp_opts opts;

	if (th->ack && (!xtcp_seq_after(ack, xs->iss) ||
			xtcp_seq_after(ack, xs->snd_nxt))) {
		xtcp_v4_send_reset(sock_net(sk), skb, XTCP_RST_BAD_ACK);
		why = XTCP_DROP_BAD_ACK;
		goto drop;
	}
	if (th->rst) {
		if (th->ack)
			xtcp_rcv_reset(sk, seq);
		else
			why = XTCP_DROP_NO_ACK;
		goto drop;
	}
	if (!th->syn) {
		why = XTCP_DROP_NOT_SYN;
		goto drop;
	}

	xtcp_parse_options(th, &opts);
	if (xs->ts.ok && opts.ts_ok)
		xtcp_ts_store(&xs->ts, opts.tsval);
	else
		xs->ts.ok = false;
	xtcp_set_peer_mss(sk, opts.mss);
	xs->sack_ok = xs->sack_ok && opts.sack_ok;
	xtcp_ecn_rcv_syn(sk, th);
	if (xs->wscale_ok && opts.wscale_ok) {
		xs->snd_wscale = opts.wscale;
	} else {
		xs->wscale_ok = false;
		xs->rcv_wscale = 0;
	}
	xs->irs = seq;
	xs->rcv_nxt = seq + 1;
	xs->rcv_wup = xs->rcv_nxt;
	xs->copied_seq = xs->rcv_nxt;
	xs->snd_wnd = ntohs(th->window);
	xs->max_window = xs->snd_wnd;
	xtcp_timer_rcvd(sk);
	xs->snd_wl1 = seq;
	xs->snd_wl2 = ack;

	if (th->ack) {
		xs->snd_una = ack;
		xs->snd_up = ack;
		WRITE_ONCE(sk->sk_err_soft, 0);	/* an ICMP error of a lost SYN */
		xtcp_handshake_rtt(sk, &opts);
		xtcp_timer_ack_progress(sk);
		xtcp_transition(sk, XTCP_EV_RCV_SYNACK);
		security_inet_conn_established(sk, skb);
		xtcp_send_ack(sk);
		xtcp_timer_keepalive(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		xtcp_write_xmit(sk);
	} else {
		/* Simultaneous open. */
		xtcp_transition(sk, XTCP_EV_RCV_SYN);
		xtcp_send_synack(sk);
	}
drop:
	xtcp_free_rcvd(sk, skb, why);
}

/* RFC 9293 §3.10.7.2: LISTEN. */
static void xtcp_rcv_listen(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	enum xtcp_drop_reason why = XTCP_DROP_NONE;

	if (th->rst) {
		why = XTCP_DROP_LISTEN_RST;
		goto drop;
	}
	if (th->ack) {
		if (!th->syn && xtcp_listen_ack(sk, skb))
			return;
		xtcp_v4_send_reset(sock_net(sk), skb, XTCP_RST_STRAY_ACK);
		why = XTCP_DROP_BAD_ACK;
		goto drop;
	}
	if (th->syn) {
		/*
		 * From the backlog this runs in process context: the child's
		 * spinlock, held while the SYN-ACK goes out, must not be
		 * taken with BH enabled, or the softirq that transmit runs
		 * may spin on it (the client's ACK comes straight back).
		 */
		local_bh_disable();
		why = xtcp_listen_syn(sk, skb);
		local_bh_enable();
	} else {
		why = XTCP_DROP_NO_ACK;
	}
drop:
	xtcp_free_rcvd(sk, skb, why);
}

/**
 * xtcp_rcv() - process one segment for a socket.
 * @sk: the socket, locked (spinlock in softirq, or owned when called
 *	as proto->backlog_rcv from release_sock()).
 * @skb: the segment, validated, with skb->data at its header.
 *
 * Return: 0; the skb is always consumed.
 */
int xtcp_rcv(struct sock *sk, struct sk_buff *skb)
{
	xtcp_sk(sk)->stats.segs_in++;
	switch (sk->sk_state) {
	case XTCP_LISTEN:
		xtcp_rcv_listen(sk, skb);
		break;
	case XTCP_SYN_SENT:
		xtcp_rcv_syn_sent(sk, skb);
		break;
	case XTCP_CLOSE:
		xtcp_v4_send_reset(sock_net(sk), skb, XTCP_RST_CLOSED);
		xtcp_free_rcvd(sk, skb, XTCP_DROP_CLOSED);
		break;
	default:
		xtcp_rcv_established(sk, skb);
	}
	return 0;
}

/*
 * Hand a segment to its socket, or to the socket's backlog.  The
 * backlog's bound counts the receive queue too, and while the owner
 * drains the backlog (__release_sock()) what it already moved to the
 * receive queue is counted in both until the end: so twice the hard
 * limit of the receive queue (twice SO_RCVBUF), or a window that
 * autotuning opened wide would be cut short at every reader's copy.
 */
static void xtcp_deliver(struct sock *sk, struct sk_buff *skb)
{
	u32 limit = min_t(u64, 2ULL * xtcp_rcv_budget(sk) +
			  READ_ONCE(sk->sk_sndbuf) + 65536, INT_MAX);

	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		xtcp_rcv(sk, skb);
	} else if (sk_add_backlog(sk, skb, limit)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_BACKLOGDROPS);
		xtcp_free_rcvd(sk, skb, XTCP_DROP_BACKLOG);
	}
	bh_unlock_sock(sk);
}

/* The segment's sequence space, from its (final) header. */
static void xtcp_fill_cb(struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + th->syn + th->fin + skb->len - th->doff * 4;
	cb->flags = tcp_flag_byte(th);
	cb->retrans = 0;
	cb->tx_us = 0;
}

/*
 * What the IP layer leaves to a protocol with no_policy set, done as
 * tcp_v4_rcv() does: IPsec policy ("require" or "block" policies), the
 * conntrack reference, and the socket's filter (SO_ATTACH_FILTER,
 * cgroup ingress BPF), which may trim the payload but never the header.
 * Return: false if the segment must be dropped.
 */
static bool xtcp_v4_policy_ok(struct sock *sk, struct sk_buff *skb)
{
	if (!xfrm4_policy_check(sk, XFRM_POLICY_IN, skb))
		return false;
	nf_reset_ct(skb);
	if (sk && sk_filter_trim_cap(sk, skb, tcp_hdr(skb)->doff * 4))
		return false;
	return true;
}

/*
 * A segment for a half-open connection, under the listener's policy and
 * filter as TCP's.  Return: the listener, referenced, when @skb is the
 * handshake's last ACK for it to complete; NULL when the segment is
 * done with (the caller frees it); ERR_PTR(-EAGAIN) when the listener
 * is closing and the request went with it: look the segment up again.
 */
static struct sock *xtcp_v4_rcv_req(struct xtcp_req *req, struct sk_buff *skb)
{
	struct sock *lsk = req->listener;

	if (READ_ONCE(lsk->sk_state) != XTCP_LISTEN) {
		xtcp_req_drop(req);
		xtcp_req_put(req);
		return ERR_PTR(-EAGAIN);
	}
	if (!xtcp_v4_policy_ok(lsk, skb)) {
		xtcp_req_put(req);
		return NULL;
	}
	xtcp_fill_cb(skb);
	if (!xtcp_req_rcv(req, skb)) {
		xtcp_req_put(req);
		return NULL;
	}
	sock_hold(lsk);
	xtcp_req_put(req);
	return lsk;
}

static int xtcp_v4_rcv(struct sk_buff *skb)
{
	enum xtcp_drop_reason why = XTCP_DROP_POLICY;
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	const struct iphdr *iph;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST) {
		why = XTCP_DROP_NOT_HOST;
		goto drop;
	}
	XTCP_INC_STATS(net, XTCP_MIB_INSEGS);

	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto hdr_error;
	th = tcp_hdr(skb);
	if (th->doff * 4 > sizeof(*th) && !pskb_may_pull(skb, th->doff * 4))
		goto hdr_error;
	th = tcp_hdr(skb);
	if (xtcp_hdr_check(th, skb->len) != XTCP_HDR_OK)
		goto hdr_error;
	if (!xtcp_csum_ok(skb)) {
		XTCP_INC_STATS(net, XTCP_MIB_INCSUMERRORS);
		why = XTCP_DROP_CSUM;
		goto error;
	}
	xtcp_fill_cb(skb);
	XTCP_SKB_CB(skb)->tw_isn = 0;
	trace_xtcp_recv_segment(net, NULL, skb, ip_hdr(skb)->saddr, ip_hdr(skb)->daddr);

lookup:
	th = tcp_hdr(skb);
	iph = ip_hdr(skb);
	sk = xtcp_lookup(net, iph->saddr, th->source, iph->daddr, th->dest,
			 inet_iif(skb));
	if (!sk)
		goto no_socket;
	if (xtcp_sk_req(sk)) {
		sk = xtcp_v4_rcv_req(XTCP_REQ(sk), skb);
		if (IS_ERR(sk))
			goto lookup;
		if (!sk) {
			why = XTCP_DROP_NONE;	/* the request used it, or answered */
			goto drop;
		}
		goto deliver;	/* the listener, for the handshake's last ACK */
	}
	if (!xtcp_sk_fullsock(sk)) {
		struct xtcp_tw *tw = XTCP_TW(sk);
		bool reopen = false;

		if (xtcp_v4_policy_ok(NULL, skb))
			reopen = xtcp_tw_rcv(tw, skb);
		xtcp_tw_put(tw);
		if (reopen)
			goto lookup;
		why = XTCP_DROP_NONE;	/* TIME_WAIT answered it, or RFC 1337 */
		goto drop;
	}
	if (!xtcp_v4_policy_ok(sk, skb)) {
		sock_put(sk);
		goto drop;
	}
	/* The filter may have trimmed the payload: recount it. */
	xtcp_fill_cb(skb);
deliver:
	xtcp_deliver(sk, skb);
	sock_put(sk);
	return 0;

no_socket:
	if (!xtcp_v4_policy_ok(NULL, skb))
		goto drop;
	XTCP_INC_STATS(net, XTCP_MIB_NOSOCKET);
	xtcp_v4_send_reset(net, skb, XTCP_RST_NO_SOCKET);
	why = XTCP_DROP_NO_SOCKET;
	goto drop;
hdr_error:
	XTCP_INC_STATS(net, XTCP_MIB_INHDRERRORS);
	why = XTCP_DROP_HEADER;
error:
	XTCP_INC_STATS(net, XTCP_MIB_INERRS);
drop:
	xtcp_free_dropped(net, skb, why);
	return 0;
}

static struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.err_handler	= xtcp_v4_err,
	.no_policy	= 1,
};

/**
 * xtcp_input_init() - start receiving IP protocol xtcp_ipproto.
 *
 * Return: 0, or -EEXIST when another handler owns the protocol number.
 */
int xtcp_input_init(void)
{
	if (inet_add_protocol(&xtcp_protocol, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d is taken by another handler; load with ipproto=N\n",
		       xtcp_ipproto);
		return -EEXIST;
	}
	return 0;
}

/**
 * xtcp_input_exit() - stop receiving; waits for handlers in flight.
 */
void xtcp_input_exit(void)
{
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	synchronize_net();
}
