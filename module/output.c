// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path: building segments and handing them to IPv4.
 *
 * Data and our FIN live on sk_write_queue as skbs holding only payload,
 * from the oldest unacknowledged byte to the last byte the user wrote;
 * send_head marks the first one not sent yet.  Each transmission sends
 * a clone (a copy if an earlier clone may still be in flight) with the
 * header pushed in front, so the queued skb stays for retransmission.
 * SYN, SYN-ACK, ACK and RST are built fresh each time.
 *
 * Replies that no socket owns (an RST to a closed port, an ACK from
 * TIME_WAIT) go out through the namespace's control socket.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "xtcp.h"

/**
 * xtcp_rcv_space() - free receive buffer, expressed as a window.
 * @sk: the socket.
 *
 * The buffer is charged with each skb's truesize, which for a full
 * segment off veth is up to about three times its payload: a quarter of
 * the free space is a window the buffer can always hold, so in-window
 * data is never dropped for lack of memory.
 *
 * Return: the window, at most XTCP_MAX_WINDOW.
 */
u32 xtcp_rcv_space(const struct sock *sk)
{
	int free = READ_ONCE(sk->sk_rcvbuf) - atomic_read(&sk->sk_rmem_alloc);

	if (free <= 0)
		return 0;
	return min_t(u32, free / 4, XTCP_MAX_WINDOW);
}

/**
 * xtcp_select_window() - the window to advertise now, and record it.
 * @sk: the socket, locked.
 *
 * The right edge (rcv_wup + rcv_wnd) never moves left: if free space
 * shrank, the old edge is kept and the data that fills it is dropped
 * only if memory truly runs out.
 *
 * Return: the window, at most 65535 (no window scaling yet).
 */
u16 xtcp_select_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 win = xtcp_rcv_space(sk);
	u32 edge = xs->rcv_wup + xs->rcv_wnd;

	if (xtcp_seq_after(edge, xs->rcv_nxt + win))
		win = min_t(u32, edge - xs->rcv_nxt, XTCP_MAX_WINDOW);
	xs->rcv_wnd = win;
	xs->rcv_wup = xs->rcv_nxt;
	return win;
}

/* Push the header onto @skb (payload only) and send it from @sk. */
static int xtcp_transmit(struct sock *sk, struct sk_buff *skb, u8 flags,
			 u32 seq, u16 mss_opt)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_hdr_fields f = {
		.sport = inet->inet_sport,
		.dport = inet->inet_dport,
		.seq = seq,
		.ack = (flags & TCPHDR_ACK) ? xs->rcv_nxt : 0,
		.flags = flags,
		.mss = mss_opt,
	};
	unsigned int hlen = sizeof(struct tcphdr) + (mss_opt ? TCPOLEN_MSS : 0);
	struct tcphdr *th;
	int err;

	if (!(flags & TCPHDR_RST))
		f.window = xtcp_select_window(sk);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	xtcp_build_header(th, &f);
	th->check = xtcp_csum(inet->inet_saddr, inet->inet_daddr, xtcp_ipproto,
			      th, skb->len);
	skb->ip_summed = CHECKSUM_NONE;
	skb->protocol = htons(ETH_P_IP);
	skb_set_owner_w(skb, sk);

	XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	if (flags & TCPHDR_RST)
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
	err = ip_queue_xmit(sk, skb, &inet->cork.fl);
	return net_xmit_eval(err);
}

static struct sk_buff *xtcp_alloc_ctl(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER, gfp);

	if (skb)
		skb_reserve(skb, MAX_TCP_HEADER);
	return skb;
}

/* A segment without payload; GFP_ATOMIC, so callable anywhere. */
static int xtcp_send_ctl(struct sock *sk, u8 flags, u32 seq, u16 mss_opt)
{
	struct sk_buff *skb = xtcp_alloc_ctl(GFP_ATOMIC);

	if (!skb)
		return -ENOBUFS;
	return xtcp_transmit(sk, skb, flags, seq, mss_opt);
}

/**
 * xtcp_send_syn() - send (or resend) our SYN.
 * @sk: the socket, locked, in SYN_SENT.
 *
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_send_syn(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return xtcp_send_ctl(sk, TCPHDR_SYN, xs->iss, xs->advmss);
}

/**
 * xtcp_send_synack() - send (or resend) our SYN-ACK.
 * @sk: the socket, locked, in SYN_RECV.
 *
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_send_synack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	return xtcp_send_ctl(sk, TCPHDR_SYN | TCPHDR_ACK, xs->iss, xs->advmss);
}

/**
 * xtcp_send_ack() - send a bare ACK of everything received.
 * @sk: the socket, locked, synchronized.
 */
void xtcp_send_ack(struct sock *sk)
{
	xtcp_send_ctl(sk, TCPHDR_ACK, xtcp_sk(sk)->snd_nxt, 0);
}

/**
 * xtcp_send_active_reset() - abort: send RST from our side.
 * @sk: the socket, locked, synchronized.
 */
void xtcp_send_active_reset(struct sock *sk)
{
	xtcp_send_ctl(sk, TCPHDR_RST | TCPHDR_ACK, xtcp_sk(sk)->snd_nxt, 0);
}

/* Transmit one queued skb (data and/or FIN). */
static int xtcp_transmit_queued(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u8 flags = TCPHDR_ACK | (cb->flags & TCPHDR_FIN);
	struct sk_buff *clone;

	if (skb->len && skb_queue_is_last(&sk->sk_write_queue, skb))
		flags |= TCPHDR_PSH;
	/* An earlier clone may still be in a queue below us: copy then. */
	if (skb_cloned(skb))
		clone = pskb_copy(skb, GFP_ATOMIC);
	else
		clone = skb_clone(skb, GFP_ATOMIC);
	if (!clone)
		return -ENOBUFS;
	return xtcp_transmit(sk, clone, flags, cb->seq, 0);
}

/**
 * xtcp_write_xmit() - send queued segments the peer's window allows.
 * @sk: the socket, locked, synchronized.
 *
 * Sends from send_head on; a segment below snd_nxt is a retransmission
 * (after xtcp_retransmit_rewind()).  A lone FIN may go out with the
 * window closed: it takes no buffer.
 */
void xtcp_write_xmit(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = xs->send_head)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 end = cb->end_seq - ((cb->flags & TCPHDR_FIN) ? 1 : 0);

		if (skb->len && xtcp_seq_after(end, xs->snd_una + xs->snd_wnd))
			break;
		if (xtcp_transmit_queued(sk, skb))
			break;
		if (xtcp_seq_before(cb->seq, xs->snd_nxt))
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS);
		if (xtcp_seq_after(cb->end_seq, xs->snd_nxt))
			xs->snd_nxt = cb->end_seq;
		xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
				NULL : skb->next;
		xtcp_timer_data_sent(sk);
	}
}

/**
 * xtcp_retransmit_rewind() - go back N: resend from the oldest
 *	unacknowledged segment.
 * @sk: the socket, locked.
 *
 * Without an out-of-order queue at the receiver (not built yet), what
 * followed a lost segment was dropped too, so everything from snd_una
 * on is sent again, as the window allows.  snd_nxt stays the highest
 * sequence number sent, against which ACKs are checked.
 *
 * Return: true if there was anything to resend.
 */
bool xtcp_retransmit_rewind(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb || skb == xtcp_sk(sk)->send_head)
		return false;
	xtcp_sk(sk)->send_head = skb;
	xtcp_write_xmit(sk);
	return true;
}

/**
 * xtcp_queue_fin() - queue our FIN after everything written so far.
 * @sk: the socket, locked.
 *
 * The FIN rides on the last data skb if it was never sent, else it gets
 * an skb of its own.
 */
void xtcp_queue_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (xs->fin_queued)
		return;
	if (!skb || !xs->send_head ||
	    xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_nxt)) {
		skb = alloc_skb_fclone(MAX_TCP_HEADER, sk->sk_allocation | __GFP_NOFAIL);
		skb_reserve(skb, MAX_TCP_HEADER);
		XTCP_SKB_CB(skb)->seq = xs->write_seq;
		XTCP_SKB_CB(skb)->end_seq = xs->write_seq;
		XTCP_SKB_CB(skb)->flags = 0;
		sk_wmem_queued_add(sk, skb->truesize);
		__skb_queue_tail(&sk->sk_write_queue, skb);
		if (!xs->send_head)
			xs->send_head = skb;
	}
	XTCP_SKB_CB(skb)->flags |= TCPHDR_FIN;
	XTCP_SKB_CB(skb)->end_seq++;
	xs->fin_seq = xs->write_seq;
	xs->write_seq++;
	xs->fin_queued = true;
}

/**
 * xtcp_v4_send_reply() - answer a segment that no socket owns.
 * @net: the namespace it arrived in.
 * @in: the segment; its IPv4 and transport headers are in place.
 * @seq: sequence number of the reply.
 * @ack: acknowledgment number (used when @flags has ACK).
 * @flags: TCPHDR_* flags.
 * @win: window to advertise.
 */
void xtcp_v4_send_reply(struct net *net, const struct sk_buff *in, u32 seq,
			u32 ack, u8 flags, u16 win)
{
	const struct iphdr *iph = ip_hdr(in);
	const struct tcphdr *th = tcp_hdr(in);
	struct sock *ctl = xtcp_pernet(net)->ctl_sk;
	struct xtcp_hdr_fields f = {
		.sport = th->dest,
		.dport = th->source,
		.seq = seq,
		.ack = (flags & TCPHDR_ACK) ? ack : 0,
		.flags = flags,
		.window = win,
	};
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_proto = xtcp_ipproto,
		.fl4_sport = th->dest,
		.fl4_dport = th->source,
	};
	struct sk_buff *skb;
	struct tcphdr *oth;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	skb = xtcp_alloc_ctl(GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	oth = skb_push(skb, sizeof(*oth));
	skb_reset_transport_header(skb);
	xtcp_build_header(oth, &f);
	oth->check = xtcp_csum(iph->daddr, iph->saddr, xtcp_ipproto, oth, skb->len);
	skb->ip_summed = CHECKSUM_NONE;
	skb_dst_set(skb, &rt->dst);

	XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	if (flags & TCPHDR_RST)
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
	ip_build_and_send_pkt(skb, ctl, iph->daddr, iph->saddr, NULL, 0);
}

/**
 * xtcp_v4_send_reset() - RFC 9293's reset for a segment nobody wants.
 * @net: the namespace it arrived in.
 * @in: the segment.
 *
 * Never answers an RST.  If the segment had ACK, the RST takes its
 * sequence number from it; otherwise the RST acknowledges the segment.
 */
void xtcp_v4_send_reset(struct net *net, const struct sk_buff *in)
{
	const struct tcphdr *th = tcp_hdr(in);
	u32 len;

	if (th->rst)
		return;
	if (th->ack) {
		xtcp_v4_send_reply(net, in, ntohl(th->ack_seq), 0, TCPHDR_RST, 0);
		return;
	}
	len = in->len - th->doff * 4 + th->syn + th->fin;
	xtcp_v4_send_reply(net, in, 0, ntohl(th->seq) + len,
			   TCPHDR_RST | TCPHDR_ACK, 0);
}
