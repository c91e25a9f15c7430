// SPDX-License-Identifier: GPL-2.0
/*
 * Segmentation offload for IP protocol xtcp_ipproto.
 *
 * The socket sends super-segments: one skb of up to 64 KB with one
 * header and gso_size = the MSS (output.c).  Whoever cannot take them
 * whole cuts them here, on the way to the device: a real NIC (none can
 * segment protocol 253), the tun device of the packet tester, a veth
 * with TSO off, a path whose MTU is smaller, netem when it corrupts.
 *
 * The gso_type is SKB_GSO_TCPV4 | SKB_GSO_SCTP (XTCP_GSO_TYPE): a
 * device must offer both bits to get the skb whole, and only software
 * devices (veth, loopback, bridge, bonding) offer SCTP segmentation, so
 * hardware never sees a super-segment; TCPV4 makes the core's length
 * arithmetic (skb_gso_transport_seglen(), qdisc_pkt_len_init()) read
 * the header length from the header, which has TCP's format.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/tcp.h>
#ifdef XTCP_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

#include "xtcp.h"

/*
 * The header of one piece, @th, a copy of the super-segment's: its own
 * sequence number @seq, @off bytes into the super-segment; FIN and PSH
 * belong to the last byte, so only the @last piece keeps them; CWR
 * (ECN) only the first, as TCP's; the ACK and the window are the same
 * on every piece.  The urgent pointer is
 * relative to the sequence number: a piece at or past the mark has
 * none.  (0xffff, which another stack may mean as "further on", stays.)
 */
static void xtcp_seg_fix(struct tcphdr *th, u32 seq, u32 off, bool last)
{
	u16 urg = ntohs(th->urg_ptr);

	th->seq = htonl(seq);
	if (off)
		th->cwr = 0;
	if (!last) {
		th->fin = 0;
		th->psh = 0;
	}
	if (th->urg && urg != 0xffff) {
		th->urg = urg > off;
		th->urg_ptr = htons(urg > off ? urg - off : 0);
	}
}

/* The checksum of @seg, whose header is @th, from @saddr to @daddr. */
static void xtcp_seg_csum(struct sk_buff *seg, struct tcphdr *th,
			  __be32 saddr, __be32 daddr)
{
	unsigned int len = seg->len - skb_transport_offset(seg);
	__sum16 seed = ~csum_tcpudp_magic(saddr, daddr, len, xtcp_ipproto, 0);
	/* The pseudo-header's sum, for a tunnel's outer checksum. */
	__wsum pseudo = csum_unfold((__force __sum16)~seed);

	th->check = seed;
	if (seg->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(seg, pseudo);
	else
		th->check = gso_make_checksum(seg, pseudo);
}

/**
 * xtcp_gso_segment_ipv4() - net_offload gso_segment: cut a super-segment.
 * @skb: it, data at our header, IPv4 header before it.
 * @features: what the device can do.
 *
 * Return: the list of segments; NULL when the device takes it whole
 * after all; an ERR_PTR for a malformed one.
 */
struct sk_buff *xtcp_gso_segment_ipv4(struct sk_buff *skb,
				      netdev_features_t features)
{
	struct sk_buff *segs = ERR_PTR(-EINVAL), *seg;
	const struct iphdr *iph = ip_hdr(skb);
	__be32 saddr = iph->saddr, daddr = iph->daddr;
	unsigned int thlen, mss;
	struct tcphdr *th;
	u32 seq, off = 0;

	if (!pskb_may_pull(skb, sizeof(*th)))
		return segs;
	th = tcp_hdr(skb);
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || !pskb_may_pull(skb, thlen))
		return segs;
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start(skb) != skb_transport_header(skb))
		return segs;
	th = tcp_hdr(skb);
	seq = ntohl(th->seq);
	mss = skb_shinfo(skb)->gso_size;
	__skb_pull(skb, thlen);
	if (!mss || skb->len <= mss)
		return segs;
	/* A device that takes it whole (an untrusted source's skb). */
	if (skb_gso_ok(skb, features | NETIF_F_GSO_ROBUST)) {
		skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(skb->len, mss);
		return NULL;
	}
	/*
	 * Only a device that checksums anything (HW_CSUM) gets the
	 * checksum left to it: one that knows only TCP and UDP may not
	 * know the pseudo-header's protocol is ours.
	 */
	if (!(features & NETIF_F_HW_CSUM))
		features &= ~NETIF_F_CSUM_MASK;
	segs = skb_segment(skb, features);
	if (IS_ERR_OR_NULL(segs))
		return segs;
	for (seg = segs; seg; seg = seg->next) {
		th = tcp_hdr(seg);
		xtcp_seg_fix(th, seq + off, off, !seg->next);
		xtcp_seg_csum(seg, th, saddr, daddr);
		off += seg->len - skb_transport_offset(seg) - thlen;
	}
	return segs;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_gso_segment_ipv4);

static const struct net_offload xtcp4_offload = {
	.callbacks = {
		.gso_segment = xtcp_gso_segment_ipv4,
		.gro_receive = xtcp_gro_receive,
		.gro_complete = xtcp_gro_complete,
	},
};

/**
 * xtcp_offload_init() - register segmentation for our IP protocol.
 *
 * Return: 0, or -EEXIST when another offload owns the number.
 */
int xtcp_offload_init(void)
{
	if (inet_add_offload(&xtcp4_offload, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d has another offload; load with ipproto=N\n",
		       xtcp_ipproto);
		return -EEXIST;
	}
	return 0;
}

/**
 * xtcp_offload_exit() - unregister it; waits for callers in flight.
 */
void xtcp_offload_exit(void)
{
	inet_del_offload(&xtcp4_offload, xtcp_ipproto);
}
