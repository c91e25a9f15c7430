// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: segments that arrived beyond rcv_nxt, kept
 * until the hole before them fills.
 *
 * Entries hold payload only; XTCP_SKB_CB()->seq and ->end_seq bound the
 * payload (a FIN is a flag, not counted in end_seq).  The queue is
 * sorted by sequence number and its entries never overlap: a new
 * segment is trimmed against its neighbours, and entries it covers
 * entirely are freed, so each byte is held once.  The queue is short
 * (bounded by the receive window), so a list walk is enough.
 */
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "xtcp.h"

/* Trim @n bytes from the front of @skb; false if that failed. */
static bool xtcp_ofo_trim_head(struct sk_buff *skb, u32 n)
{
	if (n && !pskb_pull(skb, n))
		return false;
	XTCP_SKB_CB(skb)->seq += n;
	return true;
}

/**
 * xtcp_ofo_insert() - add an out-of-order segment to the queue.
 * @q: the queue.
 * @skb: the segment, payload only, not empty, its cb's seq and end_seq
 *	set; consumed in every case.
 *
 * Return: true if any byte of @skb was new and it was queued; false
 * if the queue held all of it already (it is freed).
 */
bool xtcp_ofo_insert(struct sk_buff_head *q, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *e, *next;

	/* First entry that ends after the new segment begins. */
	skb_queue_walk(q, e) {
		if (xtcp_seq_after(XTCP_SKB_CB(e)->end_seq, cb->seq))
			break;
	}
	if (e != (struct sk_buff *)q &&
	    !xtcp_seq_after(XTCP_SKB_CB(e)->seq, cb->seq)) {
		struct xtcp_skb_cb *ecb = XTCP_SKB_CB(e);

		if (!xtcp_seq_before(ecb->end_seq, cb->end_seq)) {
			ecb->flags |= cb->flags & TCPHDR_FIN;
			goto drop;		/* duplicate */
		}
		if (!xtcp_ofo_trim_head(skb, ecb->end_seq - cb->seq))
			goto drop;
		e = e->next;
	}
	/* Entries the new segment covers entirely go. */
	while (e != (struct sk_buff *)q &&
	       !xtcp_seq_after(XTCP_SKB_CB(e)->end_seq, cb->end_seq)) {
		next = e->next;
		cb->flags |= XTCP_SKB_CB(e)->flags & TCPHDR_FIN;
		__skb_unlink(e, q);
		kfree_skb(e);
		e = next;
	}
	/* The next entry overlaps our tail: keep its copy of those bytes. */
	if (e != (struct sk_buff *)q &&
	    xtcp_seq_before(XTCP_SKB_CB(e)->seq, cb->end_seq)) {
		if (pskb_trim(skb, XTCP_SKB_CB(e)->seq - cb->seq))
			goto drop;
		cb->end_seq = XTCP_SKB_CB(e)->seq;
		cb->flags &= ~TCPHDR_FIN;
	}
	__skb_queue_before(q, e, skb);
	return true;

drop:
	kfree_skb(skb);
	return false;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ofo_insert);

/**
 * xtcp_ofo_pull() - take the next segment that is now in order.
 * @q: the queue.
 * @rcv_nxt: the next sequence number expected.
 *
 * Entries wholly before @rcv_nxt (already received another way) are
 * freed; the first entry reaching @rcv_nxt is trimmed to start there.
 * A returned segment may be empty if it carries only a FIN at @rcv_nxt.
 *
 * Return: the segment, unlinked, or NULL if a hole remains.
 */
struct sk_buff *xtcp_ofo_pull(struct sk_buff_head *q, u32 rcv_nxt)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(q))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (xtcp_seq_after(cb->seq, rcv_nxt))
			return NULL;
		__skb_unlink(skb, q);
		if (xtcp_seq_before(cb->end_seq, rcv_nxt) ||
		    (cb->end_seq == rcv_nxt && !(cb->flags & TCPHDR_FIN)) ||
		    !xtcp_ofo_trim_head(skb, rcv_nxt - cb->seq)) {
			kfree_skb(skb);
			continue;
		}
		return skb;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ofo_pull);
