// SPDX-License-Identifier: GPL-2.0
/*
 * Selective acknowledgment.
 *
 * Receiver (RFC 2018, RFC 2883): the out-of-order runs we hold are
 * reported in SACK blocks, the run that changed last first, and a
 * duplicate segment is reported once in a D-SACK block ahead of them.
 * The blocks are kept as TCP keeps them, in a small array updated as
 * segments arrive (pure functions, KUnit-tested), and clipped when the
 * out-of-order queue is pruned so that we never report what we dropped.
 *
 * Sender (RFC 6675): the blocks of each ACK tag the skbs of the write
 * queue they cover, cutting a super-segment at a block's edge; a hole
 * with DupThresh SACKed segments above it is lost; in recovery the
 * lost segments go again, oldest first, while the pipe (segments in
 * the network: sent, less SACKed and lost, plus lost ones resent) is
 * below cwnd, before any new data.  A block that reports a duplicate
 * (D-SACK) or lies outside what was sent tags nothing and is counted.
 * After a timeout SACKed skbs stay SACKed and are not resent, unless
 * the peer reneged (an ACK stopped at SACKed data): then every SACK tag
 * goes.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "xtcp.h"

/**
 * xtcp_sack_rcv_reset() - report nothing.
 * @r: the receiver's blocks.
 */
void xtcp_sack_rcv_reset(struct xtcp_sack_rcv *r)
{
	memset(r, 0, sizeof(*r));
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_rcv_reset);

/* [seq, end) overlaps or touches @b. */
static bool xtcp_sack_touches(const struct xtcp_sack_block *b, u32 seq, u32 end)
{
	return !xtcp_seq_after(seq, b->end) && !xtcp_seq_before(end, b->start);
}

static void xtcp_sack_extend(struct xtcp_sack_block *b, u32 seq, u32 end)
{
	if (xtcp_seq_before(seq, b->start))
		b->start = seq;
	if (xtcp_seq_after(end, b->end))
		b->end = end;
}

static void xtcp_sack_remove(struct xtcp_sack_rcv *r, unsigned int i)
{
	memmove(&r->blocks[i], &r->blocks[i + 1],
		(r->num - i - 1) * sizeof(r->blocks[0]));
	r->num--;
}

/**
 * xtcp_sack_rcv_ofo() - out-of-order data [@seq, @end) is now held.
 * @r: the receiver's blocks.
 * @seq: its first sequence number, above rcv_nxt.
 * @end: one past its last.
 *
 * The block it extends (merged with any other block it now touches)
 * moves to the front; if it extends none, a new block goes in front,
 * and with four blocks already the oldest is forgotten (RFC 2018 §4:
 * the first block reports the most recent segment, the others repeat
 * the most recently reported).
 */
void xtcp_sack_rcv_ofo(struct xtcp_sack_rcv *r, u32 seq, u32 end)
{
	struct xtcp_sack_block nb = { .start = seq, .end = end };
	unsigned int i;

	for (i = 0; i < r->num;) {
		if (xtcp_sack_touches(&r->blocks[i], nb.start, nb.end)) {
			xtcp_sack_extend(&nb, r->blocks[i].start, r->blocks[i].end);
			xtcp_sack_remove(r, i);
			continue;
		}
		i++;
	}
	if (r->num == XTCP_MAX_SACKS)
		r->num--;
	memmove(&r->blocks[1], &r->blocks[0], r->num * sizeof(r->blocks[0]));
	r->blocks[0] = nb;
	r->num++;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_rcv_ofo);

/**
 * xtcp_sack_rcv_advance() - rcv_nxt moved: forget the runs it reached.
 * @r: the receiver's blocks.
 * @rcv_nxt: the next sequence number expected.
 *
 * A run that rcv_nxt reached was moved to the receive queue whole.
 */
void xtcp_sack_rcv_advance(struct xtcp_sack_rcv *r, u32 rcv_nxt)
{
	unsigned int i;

	for (i = 0; i < r->num;) {
		if (!xtcp_seq_after(r->blocks[i].start, rcv_nxt))
			xtcp_sack_remove(r, i);
		else
			i++;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_rcv_advance);

/**
 * xtcp_sack_rcv_clip() - nothing from @seq on is held any more (the
 *	out-of-order queue was pruned from its far end).
 * @r: the receiver's blocks.
 * @seq: the end of what is still held.
 */
void xtcp_sack_rcv_clip(struct xtcp_sack_rcv *r, u32 seq)
{
	unsigned int i;

	for (i = 0; i < r->num;) {
		struct xtcp_sack_block *b = &r->blocks[i];

		if (!xtcp_seq_before(b->start, seq)) {
			xtcp_sack_remove(r, i);
			continue;
		}
		if (xtcp_seq_after(b->end, seq))
			b->end = seq;
		i++;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_rcv_clip);

/**
 * xtcp_sack_rcv_dup() - [@seq, @end) arrived again: report it in a
 *	D-SACK block (RFC 2883), once, in the next ACK.
 * @r: the receiver's blocks.
 * @seq: first duplicate sequence number.
 * @end: one past the last.
 *
 * A later duplicate replaces one not yet reported.
 */
void xtcp_sack_rcv_dup(struct xtcp_sack_rcv *r, u32 seq, u32 end)
{
	r->dup.start = seq;
	r->dup.end = end;
	r->dsack = true;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_rcv_dup);

/**
 * xtcp_sack_rcv_fill() - the blocks for the next ACK.
 * @r: the receiver's blocks.
 * @out: room for @max blocks.
 * @max: blocks that fit beside the other options (xtcp_sacks_fit()).
 *
 * The D-SACK block first, if one waits, then the runs held, the most
 * recently changed first.
 *
 * Return: the number of blocks written.
 */
unsigned int xtcp_sack_rcv_fill(const struct xtcp_sack_rcv *r,
				struct xtcp_sack_block *out, unsigned int max)
{
	unsigned int n = 0, i;

	if (r->dsack && n < max)
		out[n++] = r->dup;
	for (i = 0; i < r->num && n < max; i++)
		out[n++] = r->blocks[i];
	return n;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_rcv_fill);

/**
 * xtcp_sack_check() - judge block @i of a received SACK option.
 * @b: the option's blocks.
 * @n: how many.
 * @i: the one to judge.
 * @ack: the ACK's acknowledgment number (now snd_una).
 * @snd_nxt: the highest sequence number sent.
 *
 * RFC 2883 §4: the first block is a D-SACK if it starts below the
 * cumulative ACK or lies inside the second block.  Any other block must
 * be non-empty and lie above @ack and at or below @snd_nxt, as TCP's
 * tcp_is_sackblock_valid() asks: a block starting at or below the ACK
 * claims data the ACK should have covered.
 *
 * Return: &enum xtcp_sack_verdict.
 */
enum xtcp_sack_verdict xtcp_sack_check(const struct xtcp_sack_block *b,
				       unsigned int n, unsigned int i,
				       u32 ack, u32 snd_nxt)
{
	const struct xtcp_sack_block *s = &b[i];

	if (!xtcp_seq_before(s->start, s->end) || xtcp_seq_after(s->end, snd_nxt))
		return XTCP_SACK_INVALID;
	if (i == 0 && (xtcp_seq_before(s->start, ack) ||
		       (n > 1 && !xtcp_seq_before(s->start, b[1].start) &&
			!xtcp_seq_after(s->end, b[1].end))))
		return XTCP_SACK_DSACK;
	if (!xtcp_seq_after(s->start, ack))
		return XTCP_SACK_INVALID;
	return XTCP_SACK_VALID;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_check);

/**
 * xtcp_sack_sort() - order blocks by sequence number.
 * @b: the blocks.
 * @n: how many, at most XTCP_MAX_SACKS.
 */
void xtcp_sack_sort(struct xtcp_sack_block *b, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		struct xtcp_sack_block k = b[i];

		for (j = i; j > 0 && xtcp_seq_after(b[j - 1].start, k.start); j--)
			b[j] = b[j - 1];
		b[j] = k;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sack_sort);

/**
 * xtcp_tag_account() - add @delta segments to the counters of @tags.
 * @xs: the socket.
 * @tags: XTCP_TAG_* bits of an skb before send_head.
 * @delta: segments gained (or, negative, lost) by the skb.
 */
void xtcp_tag_account(struct xtcp_sock *xs, u8 tags, int delta)
{
	if (tags & XTCP_TAG_SACKED)
		xs->sacked_out += delta;
	if (tags & XTCP_TAG_LOST)
		xs->lost_out += delta;
	if (tags & XTCP_TAG_RETRANS)
		xs->retrans_out += delta;
}

static struct sk_buff *xtcp_wq_next(struct sock *sk, struct sk_buff *skb)
{
	return skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL : skb->next;
}

/* Give @skb the tags @tags, keeping the counters right. */
static void xtcp_tag_set(struct sock *sk, struct sk_buff *skb, u8 tags)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (xtcp_skb_sent(sk, skb)) {
		xtcp_tag_account(xtcp_sk(sk), cb->sacked, -cb->pcount);
		xtcp_tag_account(xtcp_sk(sk), tags, cb->pcount);
	}
	cb->sacked = tags;
}

/*
 * Cut @skb at @len for a SACK block's edge.  A peer that SACKs every
 * other byte could otherwise make us cut the queue into as many skbs
 * as segments, each costing its own head (CVE-2019-11478): past twice
 * the send buffer, we do not cut, and the block tags only whole skbs.
 */
static int xtcp_sack_split(struct sock *sk, struct sk_buff *skb, u32 len)
{
	if (READ_ONCE(sk->sk_wmem_queued) > 2 * READ_ONCE(sk->sk_sndbuf) + 65536) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKSPLITREFUSED);
		return -ENOMEM;
	}
	return xtcp_fragment(sk, skb, len);
}

/**
 * xtcp_reordering_for() - the reordering a late segment shows.
 * @reordering: what was believed so far, in segments.
 * @distance: bytes from the late segment's start to the highest
 *	SACKed byte: how far later data overtook it.
 * @mss: the segment size.
 *
 * As TCP's tcp_check_sack_reordering(): the distance in segments,
 * rounded up, if it is more than believed; at most 300.
 *
 * Return: the new belief.
 */
u32 xtcp_reordering_for(u32 reordering, u32 distance, u32 mss)
{
	if (!mss || distance <= reordering * mss)
		return reordering;
	return min_t(u32, DIV_ROUND_UP(distance, mss), XTCP_MAX_REORDERING);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_reordering_for);

/**
 * xtcp_sack_reordered() - a segment sent once, starting at @low_seq,
 *	arrived after data above it was SACKed: not lost, overtaken.
 * @sk: the socket, locked, SACK negotiated.
 * @low_seq: where it starts.
 *
 * Holes then need that many SACKed segments above them before they
 * count as lost, so that reordering (netem jitter, two paths, two
 * CPUs) does not start recovery and halve cwnd for nothing.
 */
void xtcp_sack_reordered(struct sock *sk, u32 low_seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 r;

	if (!xtcp_seq_before(low_seq, xs->highest_sack))
		return;
	xs->rack.reord = true;
	r = xtcp_reordering_for(xs->reordering, xs->highest_sack - low_seq, xs->mss);
	if (r != xs->reordering) {
		xs->reordering = r;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKREORDER);
	}
}

/* What an ACK's blocks newly told: xtcp_sack_tag_block()'s running sums. */
struct xtcp_sack_tally {
	u32 newly;	/* segments newly SACKed */
	u32 low;	/* the lowest of them sent only once */
	bool original;	/* some were sent only once */
};

/* Tag what @b covers, from @skb on; return where the next block starts. */
static struct sk_buff *xtcp_sack_tag_block(struct sock *sk, struct sk_buff *skb,
					   const struct xtcp_sack_block *b,
					   struct xtcp_sack_tally *t)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	for (; skb; skb = xtcp_wq_next(sk, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 dend = cb->seq + skb->len;

		if (!xtcp_seq_before(cb->seq, xs->snd_nxt) ||
		    !xtcp_seq_before(cb->seq, b->end))
			break;
		if (!skb->len || !xtcp_seq_after(dend, b->start) ||
		    (cb->sacked & XTCP_TAG_SACKED))
			continue;
		/* Cut off the part below the block; the rest comes next. */
		if (xtcp_seq_before(cb->seq, b->start)) {
			xtcp_sack_split(sk, skb, b->start - cb->seq);
			continue;
		}
		if (xtcp_seq_after(dend, b->end) &&
		    xtcp_sack_split(sk, skb, b->end - cb->seq))
			continue;
		/* Sent once, below what was SACKed before: overtaken. */
		if (!cb->retrans) {
			if (xtcp_seq_before(cb->seq, xs->high_seq))
				t->original = true;
			if (xtcp_seq_before(cb->seq, t->low))
				t->low = cb->seq;
		}
		xtcp_tag_set(sk, skb, XTCP_TAG_SACKED);
		xtcp_rack_deliver(&xs->rack, cb->xmit_us, cb->end_seq,
				  cb->retrans, xtcp_clock_us());
		t->newly += cb->pcount;
	}
	return skb;
}

/*
 * An ACK stopped at SACKed data: the peer dropped it.  Forget every
 * SACK tag; what is lost and what was resent stays so.
 */
static void xtcp_sack_reneged(struct sock *sk)
{
	struct sk_buff *skb;

	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKRENEGING);
	skb_queue_walk(&sk->sk_write_queue, skb)
		xtcp_tag_set(sk, skb, XTCP_SKB_CB(skb)->sacked & ~XTCP_TAG_SACKED);
}

/**
 * xtcp_sack_tag() - take the SACK blocks of an ACK into the scoreboard.
 * @sk: the socket, locked, SACK negotiated.
 * @opts: the ACK's options.
 * @ack: its acknowledgment number; the write queue is cleaned up to it.
 * @original: set if a segment newly SACKed was sent only once, below
 *	high_seq (F-RTO's witness: the flight a timeout found).
 *
 * Return: segments newly SACKed.
 */
u32 xtcp_sack_tag(struct sock *sk, const struct xtcp_opts *opts, u32 ack,
		  bool *original)
{
	struct xtcp_sack_block valid[XTCP_MAX_SACKS];
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct xtcp_sack_tally t = { .low = xs->highest_sack };
	unsigned int i, n = 0;

	/*
	 * No valid block covers the oldest skb (blocks start above the
	 * ACK, and an edge inside it cuts it): SACKed, it was reneged on.
	 * Checked whether it was sent in this pass or not: after a timeout
	 * send_head may rest on it, and skipping it would never resend it.
	 */
	if (skb && (XTCP_SKB_CB(skb)->sacked & XTCP_TAG_SACKED))
		xtcp_sack_reneged(sk);
	for (i = 0; i < opts->num_sacks; i++) {
		switch (xtcp_sack_check(opts->sacks, opts->num_sacks, i, ack,
					xs->snd_nxt)) {
		case XTCP_SACK_VALID:
			valid[n++] = opts->sacks[i];
			break;
		case XTCP_SACK_DSACK:
			XTCP_INC_STATS(net, XTCP_MIB_DSACKRECV);
			xs->stats.dsack_dups++;
			xtcp_rack_dsack(&xs->rack, ack, xs->snd_nxt);
			xtcp_undo_dsack(xs, &opts->sacks[i], ack);
			break;
		case XTCP_SACK_INVALID:
			XTCP_INC_STATS(net, XTCP_MIB_SACKDISCARD);
			break;
		}
	}
	xtcp_sack_sort(valid, n);
	for (i = 0; i < n && skb; i++)
		skb = xtcp_sack_tag_block(sk, skb, &valid[i], &t);
	xtcp_sack_reordered(sk, t.low);
	if (n && xtcp_seq_after(valid[n - 1].end, xs->highest_sack))
		xs->highest_sack = valid[n - 1].end;
	if (t.original)
		*original = true;
	return t.newly;
}

/**
 * xtcp_sack_mark_lost() - RFC 6675's IsLost(): tag the holes below
 *	DupThresh SACKed segments as lost (more when reordering was seen).
 * @sk: the socket, locked, SACK negotiated.
 * @head: also the oldest segment, whatever is SACKed above it (the
 *	third duplicate ACK says it is lost).
 */
void xtcp_sack_mark_lost(struct sock *sk, bool head)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	u32 above = xs->sacked_out;

	for (; skb && skb != xs->send_head; skb = xtcp_wq_next(sk, skb), head = false) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (cb->sacked & XTCP_TAG_SACKED) {
			above -= min_t(u32, above, cb->pcount);
			continue;
		}
		if (above < xs->reordering && !head)
			break;
		if (!(cb->sacked & XTCP_TAG_LOST))
			xtcp_tag_set(sk, skb, cb->sacked | XTCP_TAG_LOST);
	}
}

/**
 * xtcp_sack_mark_skb_lost() - RACK found @skb lost (rack.c).
 * @sk: the socket, locked.
 * @skb: an skb before send_head, not SACKed.
 *
 * A retransmission that is lost again loses its resent tag, so that it
 * goes once more (LostRetransmit).
 */
void xtcp_sack_mark_skb_lost(struct sock *sk, struct sk_buff *skb)
{
	u8 tags = XTCP_SKB_CB(skb)->sacked;

	if (tags & XTCP_TAG_RETRANS)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_LOSTRETRANSMIT);
	xtcp_tag_set(sk, skb, (tags & ~XTCP_TAG_RETRANS) | XTCP_TAG_LOST);
}

/**
 * xtcp_sack_unmark_lost() - a loss episode was undone: no segment is
 *	lost or resent any more (undo.c).
 * @sk: the socket, locked.
 */
void xtcp_sack_unmark_lost(struct sock *sk)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		if (XTCP_SKB_CB(skb)->sacked & (XTCP_TAG_LOST | XTCP_TAG_RETRANS))
			xtcp_tag_set(sk, skb, XTCP_SKB_CB(skb)->sacked & XTCP_TAG_SACKED);
}

/**
 * xtcp_sack_retransmit() - resend lost segments, oldest first, while
 *	the pipe is below cwnd (RFC 6675 §5 rule 1 of NextSeg()).
 * @sk: the socket, locked, in recovery, SACK negotiated.
 * @first: fast retransmit: one segment goes whatever the pipe (RFC
 *	6675 §5 step 4.2).
 */
void xtcp_sack_retransmit(struct sock *sk, bool first)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	for (; skb && skb != xs->send_head; skb = xtcp_wq_next(sk, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 pipe = xtcp_in_flight(xs), room;

		if ((cb->sacked & (XTCP_TAG_SACKED | XTCP_TAG_LOST |
				   XTCP_TAG_RETRANS)) != XTCP_TAG_LOST)
			continue;
		room = pipe < xs->cc.cwnd ? xs->cc.cwnd - pipe : first;
		first = false;
		if (!room)
			break;
		if (cb->pcount > room && xtcp_fragment(sk, skb, room * xs->mss))
			break;
		if (xtcp_retransmit_skb(sk, skb))
			break;
		xtcp_tag_set(sk, skb, cb->sacked | XTCP_TAG_RETRANS);
	}
}

/**
 * xtcp_skip_to_new_data() - F-RTO's step 2b (undo.c): instead of
 *	resending the rest of the flight a timeout found unacknowledged,
 *	send new data; that rest counts as lost, not in flight, until an
 *	ACK tells whether it was.
 * @sk: the socket, locked, after a timeout's rewind.
 *
 * Return: true if send_head now rests on data never sent that the
 * peer's window takes; if not, nothing changed.
 */
bool xtcp_skip_to_new_data(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *old = xs->send_head, *skb = old;

	while (skb && xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->high_seq))
		skb = xtcp_wq_next(sk, skb);
	if (!skb || !xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_una + xs->snd_wnd))
		return false;
	xs->send_head = skb;
	for (skb = old; skb != xs->send_head; skb = xtcp_wq_next(sk, skb)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		cb->pcount = xtcp_pcount(skb->len, xs->mss);
		xs->packets_out += cb->pcount;
		xtcp_tag_account(xs, cb->sacked, cb->pcount);
		if (!(cb->sacked & XTCP_TAG_SACKED))
			xtcp_tag_set(sk, skb, cb->sacked | XTCP_TAG_LOST);
	}
	return true;
}

/**
 * xtcp_sack_rewind() - a timeout sends everything again from the oldest
 *	segment: the lost and resent tags of this pass go, SACKed ones stay
 *	(they are skipped), as their counters go to zero with packets_out;
 *	the reordering believed falls back to DupThresh if it delayed
 *	recovery.
 * @sk: the socket, locked.
 */
void xtcp_sack_rewind(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		XTCP_SKB_CB(skb)->sacked &= XTCP_TAG_SACKED;
	/*
	 * A timeout with DupThresh segments SACKed says the reordering
	 * believed held recovery back too long (TCP's tcp_enter_loss()).
	 */
	if (xs->sacked_out >= XTCP_DUPTHRESH)
		xs->reordering = XTCP_DUPTHRESH;
	xs->sacked_out = 0;
	xs->lost_out = 0;
	xs->retrans_out = 0;
}
