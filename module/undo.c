// SPDX-License-Identifier: GPL-2.0
/*
 * Undo of a window reduction that a loss did not call for: the
 * repaired segments had only been reordered or delayed.
 *
 * Two witnesses, as in Linux TCP: D-SACKs (RFC 3708) reporting every
 * segment resent in the episode as received twice, so that no
 * retransmission was needed; and, with timestamps, the Eifel detection
 * (RFC 3522): an ACK whose echo predates our first retransmission was
 * sent for the original.  Then cwnd and ssthresh go back to what they
 * were, the lost tags are dropped (RACK finds a real loss again), and
 * the connection is open.
 *
 * Fast recovery is undone when every retransmission was D-SACKed (also
 * by D-SACKs that come after it ended), or at its end when the ACK
 * covering it echoes an original.  After a
 * timeout (a delay spike, not a loss), on the first ACK that says so:
 * the segments the timeout was about to send again count as in flight
 * once more, so the rewound pass does not resend a window the peer
 * holds.
 *
 * Without timestamps a timeout has a third witness, F-RTO (RFC 5682
 * §3, with SACK as in §4 and as Linux does it): when the first ACK after
 * the timeout acknowledges the retransmission, new data goes instead
 * of the rest of the flight; if the next ACK then acknowledges or SACKs
 * data that was sent only once, the flight had not been lost.  A
 * duplicate ACK or new SACK blocks instead say it was: the rest is
 * resent as after any timeout.
 */
#include "xtcp.h"

/**
 * xtcp_undo_begin() - a loss episode begins: remember the window.
 * @xs: the socket, open or in CWR, before the reduction.
 */
void xtcp_undo_begin(struct xtcp_sock *xs)
{
	struct xtcp_undo *u = &xs->undo;
	u32 cwnd = xs->cc.cwnd;

	u->marker = xs->snd_una;
	u->retrans = xs->retrans_out ?: -1;
	u->ts_set = false;
	u->frto = false;
	u->cwnd = cwnd;
	u->ssthresh = xs->ca_state == XTCP_CA_OPEN ?
		      max(xs->cc.ssthresh, (cwnd >> 1) + (cwnd >> 2)) :
		      xs->cc.ssthresh;
	u->active = true;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_undo_begin);

/**
 * xtcp_undo_retransmitted() - a segment of the episode went again.
 * @xs: the socket.
 * @pcount: segments resent.
 */
void xtcp_undo_retransmitted(struct xtcp_sock *xs, u32 pcount)
{
	struct xtcp_undo *u = &xs->undo;

	if (!u->active)
		return;
	if (u->retrans < 0)
		u->retrans = 0;
	u->retrans += pcount;
	if (!u->ts_set && xs->ts.ok) {
		u->tsval = xtcp_ts_now(&xs->ts);
		u->ts_set = true;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_undo_retransmitted);

/**
 * xtcp_undo_dsack() - the peer reported @b as received twice.
 * @xs: the socket.
 * @b: the D-SACK block.
 * @ack: the ACK's cumulative acknowledgment.
 *
 * Only data of the episode, acknowledged, counts: a duplicate there
 * was one of our retransmissions (RFC 3708 §3).
 */
void xtcp_undo_dsack(struct xtcp_sock *xs, const struct xtcp_sack_block *b,
		     u32 ack)
{
	struct xtcp_undo *u = &xs->undo;
	u32 segs;

	if (!u->active || u->retrans <= 0 || xtcp_seq_after(b->end, ack) ||
	    !xtcp_seq_after(b->end, u->marker) || !xs->mss)
		return;
	segs = DIV_ROUND_UP(b->end - b->start, xs->mss);
	u->retrans = segs >= u->retrans ? 0 : u->retrans - segs;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_undo_dsack);

/* Eifel (RFC 3522 §3.2): the ACK echoes a send before our first resend. */
static bool xtcp_undo_delayed(const struct xtcp_sock *xs,
			      const struct xtcp_opts *opts)
{
	return xs->undo.ts_set && opts->ts_ok && opts->tsecr &&
	       xtcp_seq_before(opts->tsecr, xs->undo.tsval);
}

/*
 * After a timeout rewound send_head: what was sent before it, up to
 * snd_nxt at the timeout, is in flight again.
 */
static void xtcp_undo_rewind(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->send_head;

	while (skb && xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->high_seq)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		cb->pcount = xtcp_pcount(skb->len, xs->mss);
		xs->packets_out += cb->pcount;
		xtcp_tag_account(xs, cb->sacked, cb->pcount);
		skb = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL : skb->next;
	}
	xs->send_head = skb;
}

static void xtcp_undo_window(struct sock *sk, int mib)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_undo *u = &xs->undo;

	xs->cc.cwnd = max(xs->cc.cwnd, u->cwnd);
	if (u->ssthresh > xs->cc.ssthresh) {
		xs->cc.ssthresh = u->ssthresh;
		xs->ecn_flags &= ~XTCP_ECN_QUEUE_CWR;
	}
	xtcp_sack_unmark_lost(sk);
	xs->ca_state = XTCP_CA_OPEN;
	xs->dupacks = 0;
	u->active = false;
	xtcp_rack_recovery_done(&xs->rack);
	XTCP_INC_STATS(sock_net(sk), mib);
}

/**
 * xtcp_undo_try() - after an ACK was taken in: give the window back if
 *	the episode turns out spurious.
 * @sk: the socket, locked.
 * @opts: the ACK's options.
 * @advanced: the ACK moved snd_una (a timeout is undone only by one
 *	that did, as in TCP).
 *
 * Return: true if a recovery or timeout under way was undone; the
 * connection is open and the ACK needs nothing more.  An undo after
 * recovery ended returns false: the ACK is then taken as any other.
 */
bool xtcp_undo_try(struct sock *sk, const struct xtcp_opts *opts,
		   bool advanced)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_undo *u = &xs->undo;

	if (!u->active)
		return false;
	switch (xs->ca_state) {
	case XTCP_CA_OPEN:
		/* Late D-SACKs after fast recovery ended (tcp_try_undo_dsack()). */
		if (u->retrans)
			return false;
		xtcp_undo_window(sk, XTCP_MIB_DSACKUNDO);
		return false;
	case XTCP_CA_RECOVERY:
		if (!u->retrans) {
			xtcp_undo_window(sk, XTCP_MIB_DSACKUNDO);
			return true;
		}
		if (!xtcp_seq_before(xs->snd_una, xs->high_seq) &&
		    xtcp_undo_delayed(xs, opts)) {
			xtcp_undo_window(sk, XTCP_MIB_FULLUNDO);
			return true;
		}
		return false;
	case XTCP_CA_LOSS:
		if (!advanced || (u->retrans && !xtcp_undo_delayed(xs, opts)))
			return false;
		xtcp_undo_rewind(sk);
		xtcp_undo_window(sk, XTCP_MIB_LOSSUNDO);
		return true;
	}
	return false;
}

/**
 * xtcp_undo_frto() - F-RTO's verdict on an ACK after a timeout.
 * @sk: the socket, locked, after the ACK was taken in.
 * @said: XTCP_ACK_* flags describing the ACK.
 *
 * Return: true if the timeout was spurious and is undone; the
 * connection is open.
 */
bool xtcp_undo_frto(struct sock *sk, unsigned int said)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_undo *u = &xs->undo;

	if (!u->frto || !u->active || xs->ca_state != XTCP_CA_LOSS)
		return false;
	/* Steps 2 and 3b: data sent only once got through. */
	if (said & XTCP_ACK_ORIGINAL) {
		xtcp_undo_rewind(sk);
		xtcp_undo_window(sk, XTCP_MIB_LOSSUNDO);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SPURIOUSRTOS);
		return true;
	}
	if (!(said & (XTCP_ACK_SACKED | XTCP_ACK_DUP)))
		return false;
	/* Step 2a or 3a: the loss was real. */
	u->frto = false;
	if (xtcp_seq_after(xs->snd_nxt, xs->high_seq))
		xtcp_retransmit_rewind(sk);
	return false;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_undo_frto);

/**
 * xtcp_undo_frto_send_new() - F-RTO's step 2b, once the ACK that
 *	acknowledged the timeout's retransmission has grown cwnd: up to
 *	two segments of new data instead of the rest of the flight.
 * @sk: the socket, locked.
 *
 * With no new data or no window for it, F-RTO ends and the rest of the
 * flight is resent as after any timeout.
 */
void xtcp_undo_frto_send_new(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_undo *u = &xs->undo;

	if (!u->frto || !u->active || xs->ca_state != XTCP_CA_LOSS ||
	    xtcp_seq_after(xs->snd_nxt, xs->high_seq) ||
	    !xtcp_seq_before(xs->snd_una, xs->high_seq))
		return;
	if (!xtcp_skip_to_new_data(sk)) {
		u->frto = false;
		return;
	}
	/* Whatever Nagle says: the answer is needed now (TCP_NAGLE_OFF). */
	xtcp_write_wakeup(sk);
}
