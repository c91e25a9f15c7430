// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the data path's arithmetic: the size goal and segment
 * count (cong.c) and the cutting of super-segments (offload.c).
 */
#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "xtcp.h"

static void xtcp_size_goal_bounds(struct kunit *test)
{
	/* No offload: gso_max_size 0 still gives one segment. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 0, 1, 1 << 20, 10), 1448U);
	/* The congestion window bounds it: ten segments at the start. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 65000, 65535, 1 << 20, 10),
			14480U);
	/* The route's size bounds it, in whole segments: 44 * 1448 = 63712. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 64000, 65535, 1 << 20, 1000),
			63712U);
	/* And its segment count. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 64000, 8, 1 << 20, 1000),
			8 * 1448U);
	/* Half the peer's largest window: 20000 / 2 = 10000 -> 6 segments. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 64000, 65535, 20000, 1000),
			6 * 1448U);
	/* A window below one segment's worth still lets one segment be. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(1448, 64000, 65535, 2000, 1000),
			1448U);
	/* A tiny window (<= 536) is not halved (as TCP); none, one segment. */
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(100, 64000, 65535, 500, 1000),
			500U);
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(100, 64000, 65535, 0, 1000), 100U);
	KUNIT_EXPECT_EQ(test, xtcp_size_goal(0, 64000, 65535, 500, 1000), 0U);
}

static void xtcp_pcount_counts(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_pcount(0, 1448), 1);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(1, 1448), 1);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(1448, 1448), 1);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(1449, 1448), 2);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(63712, 1448), 44);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(63713, 1448), 45);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(100, 0), 1);
	KUNIT_EXPECT_EQ(test, xtcp_pcount(U32_MAX, 1), U16_MAX);
}

static void xtcp_buffers_follow_pace(struct kunit *test)
{
	u32 seg = SKB_TRUESIZE(1448 + MAX_TCP_HEADER);

	/* No earlier pace: no basis for growth. */
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_want(100000, 0, 1448), 0U);
	/*
	 * A steady pace (copied just above space): a window of twice it
	 * plus 16 segments; 2 * 100000 + 16 * 1448 = 223168 bytes, 155
	 * segments' worth.
	 */
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_want(100000, 99999, 1448),
			DIV_ROUND_UP(223168 + 2 * (223168 / 99999), 1448) * seg);
	/* A pace that doubled (slow start) asks for three times as much. */
	KUNIT_EXPECT_EQ(test, xtcp_rcvbuf_want(200000, 100000, 1448),
			DIV_ROUND_UP(3 * (400000 + 16 * 1448), 1448) * seg);
	/* Never past what an int holds, however fast. */
	KUNIT_EXPECT_LE(test, xtcp_rcvbuf_want(U32_MAX, 1, 1448), U32_MAX / 2);

	/* The send buffer: two windows, never fewer than 2 * 10 segments. */
	KUNIT_EXPECT_EQ(test, xtcp_sndbuf_want(1, 1448),
			20 * (1448 + SKB_TRUESIZE(0) / 16));
	KUNIT_EXPECT_EQ(test, xtcp_sndbuf_want(100, 1448),
			200 * (1448 + SKB_TRUESIZE(0) / 16));
	KUNIT_EXPECT_LE(test, xtcp_sndbuf_want(65535, 65495), U32_MAX / 2);
}

#define SADDR htonl(0xc0000201)	/* 192.0.2.1 */
#define DADDR htonl(0xc0000202)	/* 192.0.2.2 */

static u8 pattern(u32 i)
{
	return (i * 7 + (i >> 8)) & 0xff;
}

/*
 * A super-segment as the IP layer hands it to gso_segment: IPv4 and
 * our header in the head, @len payload bytes in two page fragments at
 * odd offsets, data at the transport header, checksum partial.
 */
static struct sk_buff *super_segment(struct kunit *test, u32 seq, u32 len,
				     u16 mss, u8 flags)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER + 60, GFP_KERNEL);
	u32 first = len / 3, off[2] = { 100, 7 }, part[2] = { first, len - first };
	struct iphdr *iph;
	struct tcphdr *th;
	u32 i, k, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, MAX_HEADER);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = xtcp_ipproto;
	iph->saddr = SADDR;
	iph->daddr = DADDR;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th) + len);
	skb_set_transport_header(skb, sizeof(*iph));
	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(1000);
	th->dest = htons(2000);
	th->seq = htonl(seq);
	th->ack_seq = htonl(77);
	th->doff = 5;
	th->ack = 1;
	th->fin = !!(flags & TCPHDR_FIN);
	th->psh = !!(flags & TCPHDR_PSH);
	th->cwr = !!(flags & TCPHDR_CWR);
	th->ece = !!(flags & TCPHDR_ECE);
	th->window = htons(1234);
	for (k = 0; k < 2; k++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, 4);
		u8 *p;

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_ASSERT_LE(test, off[k] + part[k], PAGE_SIZE << 4);
		p = page_address(page);
		for (i = 0; i < part[k]; i++)
			p[off[k] + i] = pattern(n++);
		skb_fill_page_desc(skb, k, page, off[k], part[k]);
		skb->len += part[k];
		skb->data_len += part[k];
		skb->truesize += PAGE_SIZE << 4;
	}
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	th->check = ~csum_tcpudp_magic(SADDR, DADDR, sizeof(*th) + len,
				       xtcp_ipproto, 0);
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(len, mss);
	skb_shinfo(skb)->gso_type = XTCP_GSO_TYPE;
	memset(skb->cb, 0, sizeof(skb->cb));
	SKB_GSO_CB(skb)->mac_offset = skb_headroom(skb);
	SKB_GSO_CB(skb)->encap_level = sizeof(*iph);
	__skb_pull(skb, sizeof(*iph));
	return skb;
}

/* Cut @len bytes at @mss with @features; check every piece. */
static void cut_and_check(struct kunit *test, u32 len, u16 mss,
			  netdev_features_t features)
{
	u32 seq = 0xfffff000, n = 0, pieces = 0;
	struct sk_buff *skb, *segs, *seg, *next;

	skb = super_segment(test, seq, len, mss, TCPHDR_FIN | TCPHDR_PSH |
			   TCPHDR_CWR | TCPHDR_ECE);
	segs = xtcp_gso_segment_ipv4(skb, features);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, segs);
	for (seg = segs; seg; seg = next) {
		u32 thoff = skb_transport_offset(seg);
		u32 plen = seg->len - thoff - sizeof(struct tcphdr);
		struct tcphdr *th = tcp_hdr(seg);
		u8 buf[64];
		u32 i;

		next = seg->next;
		pieces++;
		KUNIT_EXPECT_EQ(test, plen, next ? mss : len - n);
		KUNIT_EXPECT_EQ(test, ntohl(th->seq), seq + n);
		KUNIT_EXPECT_EQ(test, ntohl(th->ack_seq), 77U);
		KUNIT_EXPECT_EQ(test, ntohs(th->window), 1234);
		KUNIT_EXPECT_EQ(test, (int)th->fin, (int)!next);
		KUNIT_EXPECT_EQ(test, (int)th->psh, (int)!next);
		/* CWR once, on the first (ECN); ECE is an ACK's, on all. */
		KUNIT_EXPECT_EQ(test, (int)th->cwr, (int)(pieces == 1));
		KUNIT_EXPECT_EQ(test, (int)th->ece, 1);
		for (i = 0; i < plen; i += sizeof(buf)) {
			u32 c = min_t(u32, sizeof(buf), plen - i), j;

			KUNIT_ASSERT_EQ(test, skb_copy_bits(seg, thoff + 20 + i, buf, c), 0);
			for (j = 0; j < c; j++)
				if (buf[j] != pattern(n + i + j)) {
					KUNIT_FAIL(test, "byte %u differs", n + i + j);
					break;
				}
		}
		if (features & NETIF_F_HW_CSUM) {
			KUNIT_EXPECT_EQ(test, (int)seg->ip_summed, CHECKSUM_PARTIAL);
			KUNIT_EXPECT_EQ(test, (u16)th->check,
					(u16)~csum_tcpudp_magic(SADDR, DADDR, plen + 20,
								xtcp_ipproto, 0));
		} else {
			__wsum sum = skb_checksum(seg, thoff, plen + 20, 0);

			KUNIT_EXPECT_NE(test, (int)seg->ip_summed, CHECKSUM_PARTIAL);
			KUNIT_EXPECT_EQ(test, (u16)csum_tcpudp_magic(SADDR, DADDR,
								     plen + 20,
								     xtcp_ipproto, sum), 0);
		}
		n += plen;
		kfree_skb(seg);
	}
	KUNIT_EXPECT_EQ(test, n, len);
	KUNIT_EXPECT_EQ(test, pieces, DIV_ROUND_UP(len, mss));
	consume_skb(skb);
}

static void xtcp_gso_cuts_software_csum(struct kunit *test)
{
	cut_and_check(test, 10000, 1448, 0);
	cut_and_check(test, 10000, 1448, NETIF_F_SG);
	/* A device that checksums TCP and UDP only gets no partial one. */
	cut_and_check(test, 4 * 1000, 1000, NETIF_F_SG | NETIF_F_IP_CSUM);
}

static void xtcp_gso_cuts_partial_csum(struct kunit *test)
{
	cut_and_check(test, 10000, 1448, NETIF_F_SG | NETIF_F_HW_CSUM);
	cut_and_check(test, 65000, 1000, NETIF_F_SG | NETIF_F_HW_CSUM);
	cut_and_check(test, 1449, 1448, NETIF_F_SG | NETIF_F_HW_CSUM);
}

/* Cut a super-segment whose urgent pointer is @urg; check each piece's. */
static void cut_urgent(struct kunit *test, u16 urg, const u16 *want, u32 n)
{
	struct sk_buff *skb, *segs, *seg, *next;
	u32 i = 0;

	skb = super_segment(test, 5000, 5 * 1000, 1000, TCPHDR_PSH);
	tcp_hdr(skb)->urg = 1;
	tcp_hdr(skb)->urg_ptr = htons(urg);
	segs = xtcp_gso_segment_ipv4(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, segs);
	for (seg = segs; seg; seg = next, i++) {
		struct tcphdr *th = tcp_hdr(seg);

		next = seg->next;
		if (i < n) {
			KUNIT_EXPECT_EQ(test, (int)th->urg, !!want[i]);
			KUNIT_EXPECT_EQ(test, ntohs(th->urg_ptr), want[i]);
		}
		kfree_skb(seg);
	}
	KUNIT_EXPECT_EQ(test, i, n);
	consume_skb(skb);
}

/*
 * Each piece's urgent pointer counts from its own sequence number; one
 * at or past the mark carries none; 0xffff means "further on".
 */
static void xtcp_gso_moves_urgent_pointer(struct kunit *test)
{
	static const u16 mid[] = { 2500, 1500, 500, 0, 0 };
	static const u16 end[] = { 5000, 4000, 3000, 2000, 1000 };
	static const u16 far[] = { 0xffff, 0xffff, 0xffff, 0xffff, 0xffff };
	static const u16 first[] = { 1000, 0, 0, 0, 0 };

	cut_urgent(test, 2500, mid, ARRAY_SIZE(mid));
	cut_urgent(test, 5000, end, ARRAY_SIZE(end));
	cut_urgent(test, 0xffff, far, ARRAY_SIZE(far));
	cut_urgent(test, 1000, first, ARRAY_SIZE(first));
}

static void xtcp_gso_rejects_bad(struct kunit *test)
{
	struct sk_buff *skb;

	/* A header length below 20. */
	skb = super_segment(test, 1, 5000, 1000, 0);
	tcp_hdr(skb)->doff = 4;
	KUNIT_EXPECT_TRUE(test, IS_ERR(xtcp_gso_segment_ipv4(skb, NETIF_F_SG)));
	kfree_skb(skb);
	/* No gso_size. */
	skb = super_segment(test, 1, 5000, 1000, 0);
	skb_shinfo(skb)->gso_size = 0;
	KUNIT_EXPECT_TRUE(test, IS_ERR(xtcp_gso_segment_ipv4(skb, NETIF_F_SG)));
	kfree_skb(skb);
	/* A checksum that starts elsewhere than our header. */
	skb = super_segment(test, 1, 5000, 1000, 0);
	skb->csum_start += 4;
	KUNIT_EXPECT_TRUE(test, IS_ERR(xtcp_gso_segment_ipv4(skb, NETIF_F_SG)));
	kfree_skb(skb);
}

static struct kunit_case xtcp_gso_cases[] = {
	KUNIT_CASE(xtcp_size_goal_bounds),
	KUNIT_CASE(xtcp_pcount_counts),
	KUNIT_CASE(xtcp_buffers_follow_pace),
	KUNIT_CASE(xtcp_gso_cuts_software_csum),
	KUNIT_CASE(xtcp_gso_cuts_partial_csum),
	KUNIT_CASE(xtcp_gso_moves_urgent_pointer),
	KUNIT_CASE(xtcp_gso_rejects_bad),
	{}
};

static struct kunit_suite xtcp_gso_suite = {
	.name = "xtcp_offload",
	.test_cases = xtcp_gso_cases,
};

kunit_test_suite(xtcp_gso_suite);
