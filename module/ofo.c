// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: segments that arrived beyond rcv_nxt, kept
 * until the hole before them fills.
 *
 * Entries hold payload only; XTCP_SKB_CB()->seq and ->end_seq bound the
 * payload (a FIN is a flag, not counted in end_seq).  They sit in a
 * red-black tree keyed by sequence number (through skb->rbnode, as in
 * TCP) and never overlap: a new segment is trimmed against its
 * neighbours, and entries it covers entirely are freed, so each byte is
 * held once.  Insertion is O(log n), and O(1) for the common case of a
 * segment that extends the highest entry (@last).
 *
 * When memory runs short the receive path drops entries from the far
 * end (xtcp_ofo_drop_last()), whose bytes are the last the sender will
 * need, as tcp_prune_ofo_queue() does.
 */
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "xtcp.h"

#define xtcp_ofo_skb(node) rb_entry_safe(node, struct sk_buff, rbnode)

/* Trim @n bytes from the front of @skb; false if that failed. */
static bool xtcp_ofo_trim_head(struct sk_buff *skb, u32 n)
{
	if (n && !pskb_pull(skb, n))
		return false;
	XTCP_SKB_CB(skb)->seq += n;
	return true;
}

/**
 * xtcp_ofo_init() - an empty queue.
 * @q: the queue.
 */
void xtcp_ofo_init(struct xtcp_ofo *q)
{
	q->root = RB_ROOT;
	q->last = NULL;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ofo_init);

/**
 * xtcp_ofo_purge() - free every entry.
 * @q: the queue.
 */
void xtcp_ofo_purge(struct xtcp_ofo *q)
{
	struct rb_node *p = rb_first(&q->root);

	while (p) {
		struct sk_buff *skb = xtcp_ofo_skb(p);

		p = rb_next(p);
		rb_erase(&skb->rbnode, &q->root);
		kfree_skb(skb);
	}
	q->last = NULL;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ofo_purge);

static void xtcp_ofo_erase(struct xtcp_ofo *q, struct sk_buff *skb)
{
	if (q->last == skb)
		q->last = xtcp_ofo_skb(rb_prev(&skb->rbnode));
	rb_erase(&skb->rbnode, &q->root);
}

/* The first entry that ends after @seq, or NULL. */
static struct sk_buff *xtcp_ofo_find(struct xtcp_ofo *q, u32 seq)
{
	struct rb_node *p = q->root.rb_node;
	struct sk_buff *found = NULL;

	while (p) {
		struct sk_buff *e = xtcp_ofo_skb(p);

		if (xtcp_seq_after(XTCP_SKB_CB(e)->end_seq, seq)) {
			found = e;
			p = p->rb_left;
		} else {
			p = p->rb_right;
		}
	}
	return found;
}

/* Link @skb, which overlaps no entry, into the tree. */
static void xtcp_ofo_link(struct xtcp_ofo *q, struct sk_buff *skb)
{
	struct rb_node **p = &q->root.rb_node, *parent = NULL;
	u32 seq = XTCP_SKB_CB(skb)->seq;

	while (*p) {
		parent = *p;
		if (xtcp_seq_before(seq, XTCP_SKB_CB(xtcp_ofo_skb(parent))->seq))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &q->root);
	if (!q->last || xtcp_seq_after(seq, XTCP_SKB_CB(q->last)->seq))
		q->last = skb;
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
bool xtcp_ofo_insert(struct xtcp_ofo *q, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *e, *next;

	/* In order behind the highest entry: the usual case, O(1). */
	if (!q->last || !xtcp_seq_before(cb->seq, XTCP_SKB_CB(q->last)->end_seq)) {
		xtcp_ofo_link(q, skb);
		return true;
	}
	e = xtcp_ofo_find(q, cb->seq);
	if (e && !xtcp_seq_after(XTCP_SKB_CB(e)->seq, cb->seq)) {
		struct xtcp_skb_cb *ecb = XTCP_SKB_CB(e);

		if (!xtcp_seq_before(ecb->end_seq, cb->end_seq)) {
			ecb->flags |= cb->flags & TCPHDR_FIN;
			goto drop;		/* duplicate */
		}
		if (!xtcp_ofo_trim_head(skb, ecb->end_seq - cb->seq))
			goto drop;
		e = xtcp_ofo_skb(rb_next(&e->rbnode));
	}
	/* Entries the new segment covers entirely go. */
	while (e && !xtcp_seq_after(XTCP_SKB_CB(e)->end_seq, cb->end_seq)) {
		next = xtcp_ofo_skb(rb_next(&e->rbnode));
		cb->flags |= XTCP_SKB_CB(e)->flags & TCPHDR_FIN;
		xtcp_ofo_erase(q, e);
		kfree_skb(e);
		e = next;
	}
	/* The next entry overlaps our tail: keep its copy of those bytes. */
	if (e && xtcp_seq_before(XTCP_SKB_CB(e)->seq, cb->end_seq)) {
		if (pskb_trim(skb, XTCP_SKB_CB(e)->seq - cb->seq))
			goto drop;
		cb->end_seq = XTCP_SKB_CB(e)->seq;
		cb->flags &= ~TCPHDR_FIN;
	}
	xtcp_ofo_link(q, skb);
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
struct sk_buff *xtcp_ofo_pull(struct xtcp_ofo *q, u32 rcv_nxt)
{
	struct sk_buff *skb;

	while ((skb = xtcp_ofo_skb(rb_first(&q->root)))) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (xtcp_seq_after(cb->seq, rcv_nxt))
			return NULL;
		xtcp_ofo_erase(q, skb);
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

/**
 * xtcp_ofo_drop_last() - free the entry farthest from rcv_nxt, if it
 *	starts after @seq.
 * @q: the queue.
 * @seq: entries at or before it are kept.
 *
 * Return: true if an entry was freed.
 */
bool xtcp_ofo_drop_last(struct xtcp_ofo *q, u32 seq)
{
	struct sk_buff *skb = q->last;

	if (!skb || !xtcp_seq_after(XTCP_SKB_CB(skb)->seq, seq))
		return false;
	xtcp_ofo_erase(q, skb);
	kfree_skb(skb);
	return true;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ofo_drop_last);
