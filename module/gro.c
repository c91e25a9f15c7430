// SPDX-License-Identifier: GPL-2.0
/*
 * Receive offload (GRO) for IP protocol xtcp_ipproto.
 *
 * A NIC, or a veth with GRO on, hands its packets to the GRO engine
 * before the protocol handler.  For ours, inet_gro_receive() calls
 * xtcp_gro_receive(), which merges in-order segments of one connection
 * into the super-segment held for it, so the socket sees one skb (and
 * makes one ACK decision) per burst, as it does for the super-segments
 * a veth with TSO on delivers whole.  xtcp_gro_complete() then makes
 * the held skb what our sender would have built: gso_type
 * XTCP_GSO_TYPE, gso_segs the count, CHECKSUM_PARTIAL with the
 * pseudo-header seeded, so that a router forwarding it cuts it again
 * in offload.c.
 *
 * skb_gro_receive() is not exported; xtcp_gro_merge() is ours.  The
 * rules for what may merge are TCP's (tcp_gro_receive()): the same
 * ports, flags, ACK, window and options, the next sequence number, no
 * segment longer than the first, and flush on a short segment or on
 * URG, PSH, RST, SYN or FIN.
 */
#include <linux/skbuff.h>
#include <net/gro.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "xtcp.h"

/* What the IP header allows: 6.10 moved its check to the transport. */
static int xtcp_gro_ip_flush(struct tcphdr *th, struct tcphdr *th2,
			     struct sk_buff *p)
{
#ifdef XTCP_HAVE_GRO_NETWORK_FLUSH
	return gro_receive_network_flush(th, th2, p);
#else
	int flush = NAPI_GRO_CB(p)->flush;

	/* The second frame decides: a fixed IP ID or an incrementing one. */
	if (NAPI_GRO_CB(p)->flush_id != 1 || NAPI_GRO_CB(p)->count != 1 ||
	    !NAPI_GRO_CB(p)->is_atomic)
		flush |= NAPI_GRO_CB(p)->flush_id;
	else
		NAPI_GRO_CB(p)->is_atomic = false;
	return flush;
#endif
}

static bool xtcp_gro_fixed_id(struct sk_buff *skb)
{
#ifdef XTCP_HAVE_GRO_NETWORK_FLUSH
	return NAPI_GRO_CB(skb)->ip_fixedid;
#else
	return NAPI_GRO_CB(skb)->is_atomic;
#endif
}

/*
 * Move @skb's fragments to the end of @lp's, when its payload is all
 * in fragments and there is room.  Return: whether they moved; then
 * *@delta is the truesize that went with them.
 */
static bool xtcp_gro_move_frags(struct sk_buff *lp, struct sk_buff *skb,
				unsigned int offset, unsigned int *delta)
{
	struct skb_shared_info *to = skb_shinfo(lp), *from = skb_shinfo(skb);
	unsigned int headlen = skb_headlen(skb), truesize;
	int i, n = from->nr_frags;

	if (headlen > offset || !n || to->nr_frags + n > MAX_SKB_FRAGS)
		return false;
	for (i = 0; i < n; i++)
		to->frags[to->nr_frags + i] = from->frags[i];
	/* The headers that were in the first fragment are not payload. */
	skb_frag_off_add(&to->frags[to->nr_frags], offset - headlen);
	skb_frag_size_sub(&to->frags[to->nr_frags], offset - headlen);
	to->nr_frags += n;
	from->nr_frags = 0;

	/*
	 * What stays with @skb: its head and the sk_buff.  A sender may
	 * have kept a truesize below that (skb_unclone_keeptruesize());
	 * then the fragments take none.
	 */
	truesize = min(skb->truesize, SKB_TRUESIZE(skb_end_offset(skb)));
	*delta = skb->truesize - truesize;
	skb->truesize = truesize;
	skb->len -= skb->data_len;
	skb->data_len = 0;
	NAPI_GRO_CB(skb)->free = NAPI_GRO_FREE;
	return true;
}

/*
 * Append @skb's payload (its GRO offset is there) to @p, the skb GRO
 * holds for the flow: its fragments join the last skb of @p's chain
 * when they fit, else @skb itself joins the chain (frag_list).  GRO's
 * callers never pass a shared or cloned @skb (veth unclones before
 * napi_gro_receive()).  Return: 0, or a negative errno when @p must
 * be flushed first.
 */
static int xtcp_gro_merge(struct sk_buff *p, struct sk_buff *skb)
{
	unsigned int offset = skb_gro_offset(skb), len = skb_gro_len(skb);
	struct sk_buff *lp = NAPI_GRO_CB(p)->last;
	unsigned int delta;

	if (p->pp_recycle != skb->pp_recycle || skb_zcopy(p) || skb_zcopy(skb))
		return -ETOOMANYREFS;
	/* IPv4's tot_len must hold the merged length. */
	if (p->len + len >= min_t(unsigned int, GRO_LEGACY_MAX_SIZE,
				  READ_ONCE(p->dev->gro_max_size)) ||
	    NAPI_GRO_CB(skb)->flush)
		return -E2BIG;

	if (!xtcp_gro_move_frags(lp, skb, offset, &delta)) {
		unsigned int headlen = skb_headlen(skb);

		/* Ownership, if any, passes to the merged packet. */
		skb->destructor = NULL;
		skb->sk = NULL;
		delta = skb->truesize;
		if (offset > headlen) {
			unsigned int eat = offset - headlen;

			skb_frag_off_add(&skb_shinfo(skb)->frags[0], eat);
			skb_frag_size_sub(&skb_shinfo(skb)->frags[0], eat);
			skb->data_len -= eat;
			skb->len -= eat;
			offset = headlen;
		}
		__skb_pull(skb, offset);
		if (lp == p)
			skb_shinfo(p)->frag_list = skb;
		else
			lp->next = skb;
		NAPI_GRO_CB(p)->last = skb;
		__skb_header_release(skb);
		lp = p;
	}

	NAPI_GRO_CB(p)->count += NAPI_GRO_CB(skb)->count;
	p->data_len += len;
	p->truesize += delta;
	p->len += len;
	skb_shinfo(p)->flags |= skb_shinfo(skb)->flags & SKBFL_SHARED_FRAG;
	if (lp != p) {
		lp->data_len += len;
		lp->truesize += delta;
		lp->len += len;
	}
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

/* Whether the segment @th after @th2 (held in @p) may join it. */
static int xtcp_gro_flush(struct tcphdr *th, struct tcphdr *th2,
			  struct sk_buff *p, struct sk_buff *skb,
			  unsigned int len)
{
	__be32 flags = tcp_flag_word(th);
	unsigned int mss = skb_shinfo(p)->gso_size, i;
	int flush = xtcp_gro_ip_flush(th, th2, p);

	flush |= (__force int)(flags & TCP_FLAG_CWR);
	flush |= (__force int)((flags ^ tcp_flag_word(th2)) &
			       ~(TCP_FLAG_CWR | TCP_FLAG_FIN | TCP_FLAG_PSH));
	flush |= (__force int)(th->ack_seq ^ th2->ack_seq);
	/* The window is in the flag word; options must match to the byte. */
	for (i = sizeof(*th); i < th->doff * 4; i += 4)
		flush |= *(u32 *)((u8 *)th + i) ^ *(u32 *)((u8 *)th2 + i);
	if (skb_is_gso(skb))
		flush |= mss != skb_shinfo(skb)->gso_size;
	else
		flush |= len - 1 >= mss;
	flush |= (ntohl(th2->seq) + skb_gro_len(p)) ^ ntohl(th->seq);
	return flush;
}

/**
 * xtcp_gro_receive() - net_offload gro_receive: merge a segment.
 * @head: the skbs GRO holds.
 * @skb: the new one, GRO offset at our header.
 *
 * Return: the held skb to complete now, or NULL.
 */
struct sk_buff *xtcp_gro_receive(struct list_head *head, struct sk_buff *skb)
{
	unsigned int off, thlen, len, mss = 1;
	struct sk_buff *pp = NULL, *p;
	struct tcphdr *th, *th2;
	__be32 flags;
	int flush = 1;

	/* A bad checksum is not merged; the handler drops and counts it. */
	if (!NAPI_GRO_CB(skb)->flush &&
	    skb_gro_checksum_validate(skb, xtcp_ipproto,
				      inet_gro_compute_pseudo))
		goto out;

	off = skb_gro_offset(skb);
	th = skb_gro_header(skb, off + sizeof(*th), off);
	if (!th)
		goto out;
	thlen = th->doff * 4;
	if (thlen < sizeof(*th))
		goto out;
	th = skb_gro_header(skb, off + thlen, off);
	if (!th)
		goto out;
	skb_gro_pull(skb, thlen);
	len = skb_gro_len(skb);
	flags = tcp_flag_word(th);

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		th2 = tcp_hdr(p);
		if (*(u32 *)&th->source ^ *(u32 *)&th2->source) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		goto found;
	}
	p = NULL;
	goto check_final;

found:
	mss = skb_shinfo(p)->gso_size;
	if (xtcp_gro_flush(th, th2, p, skb, len) || xtcp_gro_merge(p, skb))
		mss = 1;
	else
		tcp_flag_word(th2) |= flags & (TCP_FLAG_FIN | TCP_FLAG_PSH);

check_final:
	/* A short segment ends the burst, as do these flags. */
	if (skb_is_gso(skb))
		flush = len != NAPI_GRO_CB(skb)->count * skb_shinfo(skb)->gso_size;
	else
		flush = len < mss;
	flush |= (__force int)(flags & (TCP_FLAG_URG | TCP_FLAG_PSH |
					TCP_FLAG_RST | TCP_FLAG_SYN |
					TCP_FLAG_FIN));
	if (p && (!NAPI_GRO_CB(skb)->same_flow || flush))
		pp = p;
out:
	NAPI_GRO_CB(skb)->flush |= flush != 0;
	return pp;
}

/**
 * xtcp_gro_complete() - net_offload gro_complete: finish a merged skb.
 * @skb: it; skb->data at the IPv4 header.
 * @thoff: offset of our header from skb->data.
 *
 * Return: 0.
 */
int xtcp_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct iphdr *iph = (void *)(skb->data + thoff - sizeof(*iph));
	struct tcphdr *th = (void *)(skb->data + thoff);

	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
				       skb->len - thoff, xtcp_ipproto, 0);
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb_shinfo(skb)->gso_type |= XTCP_GSO_TYPE;
	if (xtcp_gro_fixed_id(skb))
		skb_shinfo(skb)->gso_type |= SKB_GSO_TCP_FIXEDID;
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	if (skb->encapsulation)
		skb->inner_transport_header = skb->transport_header;
	return 0;
}
