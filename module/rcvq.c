// SPDX-License-Identifier: GPL-2.0
/*
 * Compacting the receive queue, as TCP's tcp_collapse().
 *
 * The window we advertise is half the free receive buffer (output.c):
 * a promise that holds while each skb costs at most twice its payload.
 * Small segments in buffers several times their size (tun hands over
 * a 100-byte segment in a 768-byte buffer) that cannot be merged into
 * the queue's tail break that, and a reader that does not read lets
 * such a queue pass SO_RCVBUF, then the receive budget (twice it),
 * while the data is still inside a window we promised.  Before anything
 * is refused, the payload of such skbs is copied into skbs of a page at
 * most: the memory then follows the payload again.
 *
 * The caller holds the socket (bh_lock_sock and not owned by the user,
 * or owned by the user in the backlog's processing); recvmsg() never
 * keeps a pointer into the queue across a backlog flush.
 */
#include <linux/skbuff.h>
#include <net/sock.h>

#include "xtcp.h"

/* Payload a collapsed skb holds: its buffer is one page. */
#define XTCP_COLLAPSE_CHUNK	SKB_WITH_OVERHEAD(PAGE_SIZE)

/* An skb worth copying: it costs more than twice its payload. */
static bool xtcp_rcvq_wasteful(const struct sk_buff *skb)
{
	return skb->truesize > 2 * skb->len;
}

/* Put a filled compact skb before @pos (or at the tail) and charge it. */
static void xtcp_rcvq_place(struct sock *sk, struct sk_buff *n,
			    struct sk_buff *pos)
{
	if (pos)
		__skb_queue_before(&sk->sk_receive_queue, pos, n);
	else
		__skb_queue_tail(&sk->sk_receive_queue, n);
	skb_set_owner_r(n, sk);
}

/* Payload of the run of wasteful skbs that starts at @skb. */
static u32 xtcp_rcvq_run(struct sock *sk, struct sk_buff *skb)
{
	u32 bytes = 0;

	while (skb != (struct sk_buff *)&sk->sk_receive_queue &&
	       xtcp_rcvq_wasteful(skb)) {
		bytes += skb->len;
		skb = skb->next;
	}
	return bytes;
}

/*
 * Copy @skb's payload into @*n and new compact skbs, queueing each before
 * @skb as it fills.  A new skb holds a page, or what is left of the run
 * (@*run), so that a short run never costs more than it did.  The
 * buffers are had first, so that a copy is whole or not made.
 * Return: false when memory ran out (nothing was copied).
 */
static bool xtcp_rcvq_copy(struct sock *sk, struct sk_buff *skb,
			   struct sk_buff **n, u32 *run)
{
	u32 room = *n ? skb_tailroom(*n) : 0, off = 0;
	struct sk_buff_head fresh;

	__skb_queue_head_init(&fresh);
	while (room < skb->len) {
		u32 size = min_t(u32, XTCP_COLLAPSE_CHUNK, *run - room);
		struct sk_buff *c = alloc_skb(size, GFP_ATOMIC);

		if (!c) {
			__skb_queue_purge(&fresh);
			return false;
		}
		__skb_queue_tail(&fresh, c);
		room += skb_tailroom(c);
	}
	while (off < skb->len) {
		u32 take;

		if (!*n || !skb_tailroom(*n)) {
			if (*n)
				xtcp_rcvq_place(sk, *n, skb);
			*n = __skb_dequeue(&fresh);
			XTCP_SKB_CB(*n)->seq = XTCP_SKB_CB(skb)->seq + off;
			XTCP_SKB_CB(*n)->end_seq = XTCP_SKB_CB(*n)->seq;
			XTCP_SKB_CB(*n)->flags = 0;
		}
		take = min_t(u32, skb->len - off, skb_tailroom(*n));
		/* Cannot fail: the range is inside @skb. */
		WARN_ON_ONCE(skb_copy_bits(skb, off, skb_put(*n, take), take));
		XTCP_SKB_CB(*n)->end_seq += take;
		off += take;
	}
	*run -= skb->len;
	return true;
}

/**
 * xtcp_rcvq_collapse() - copy the payload of the receive queue's
 *	wasteful skbs into compact ones.
 * @sk: the socket, held (see above).
 *
 * Runs of wasteful skbs become runs of skbs of a page at most; skbs
 * that already cost at most twice their payload stay as they are.  Stops, keeping
 * what it did, when memory for a copy cannot be had.
 *
 * Return: the truesize given back.
 */
int xtcp_rcvq_collapse(struct sock *sk)
{
	int before = atomic_read(&sk->sk_rmem_alloc);
	struct sk_buff *skb, *next, *n = NULL;
	u32 collapsed = 0, run = 0;

	skb_queue_walk_safe(&sk->sk_receive_queue, skb, next) {
		if (!xtcp_rcvq_wasteful(skb)) {
			if (n) {
				xtcp_rcvq_place(sk, n, skb);
				n = NULL;
			}
			continue;
		}
		if (!n)
			run = xtcp_rcvq_run(sk, skb);
		if (!xtcp_rcvq_copy(sk, skb, &n, &run)) {
			if (n)
				xtcp_rcvq_place(sk, n, skb);
			n = NULL;
			break;
		}
		__skb_unlink(skb, &sk->sk_receive_queue);
		consume_skb(skb);
		collapsed++;
	}
	if (n)
		xtcp_rcvq_place(sk, n, NULL);
	if (collapsed) {
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_RCVCOLLAPSED, collapsed);
		sk_mem_reclaim(sk);
	}
	return before - atomic_read(&sk->sk_rmem_alloc);
}
