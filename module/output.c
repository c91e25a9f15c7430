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
#ifdef XTCP_HAVE_SKBUFF_REF_H
#include <linux/skbuff_ref.h>
#endif
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "xtcp.h"
#include "trace.h"

/* The receive buffer: SO_RCVBUF, capped by net.xtcp.rmem's maximum. */
static int xtcp_rcvbuf(const struct sock *sk)
{
	int max = READ_ONCE(xtcp_pernet(sock_net(sk))->rmem[2]);

	return min(READ_ONCE(sk->sk_rcvbuf), max);
}

/**
 * __xtcp_rcv_space() - free receive buffer, expressed as a window.
 * @sk: the socket (or, for a request, its listener).
 * @wscale: the window scale in use.
 * @advmss: the MSS we offered.
 *
 * The buffer is charged with each skb's truesize, which for a full
 * segment off veth is up to about one and a half times its payload and
 * small segments are coalesced (input.c): half of the free space is a
 * window the buffer can hold.
 *
 * Return: the window, at most what the scale lets us advertise.
 */
u32 __xtcp_rcv_space(const struct sock *sk, u8 wscale, u16 advmss)
{
	int free = xtcp_rcvbuf(sk) - atomic_read(&sk->sk_rmem_alloc);
	u32 win;

	if (free <= 0)
		return 0;
	win = min_t(u32, free / 2, 65535U << wscale);
	if (READ_ONCE(xtcp_sk(sk)->window_clamp))
		win = min(win, READ_ONCE(xtcp_sk(sk)->window_clamp));
	/* Under memory pressure, four segments at most (as TCP's ssthresh). */
	if (sk_under_memory_pressure(sk))
		win = min_t(u32, win, 4 * advmss);
	return win;
}

/**
 * xtcp_rcv_space() - __xtcp_rcv_space() for a connection.
 * @sk: the socket.
 *
 * Return: the window.
 */
u32 xtcp_rcv_space(const struct sock *sk)
{
	return __xtcp_rcv_space(sk, xtcp_sk(sk)->rcv_wscale,
				xtcp_sk(sk)->advmss);
}

/**
 * xtcp_choose_wscale() - the window-scale shift we offer in our SYN or
 *	SYN-ACK.
 * @sk: the socket.
 *
 * Sized for the largest window the buffer may ever give: SO_RCVBUF if
 * the user set it, else net.xtcp.rmem's maximum; at most
 * XTCP_WINDOW_CLAMP.
 *
 * Return: the shift, 0..14.
 */
u8 xtcp_choose_wscale(const struct sock *sk)
{
	int space = READ_ONCE(xtcp_pernet(sock_net(sk))->rmem[2]);
	u32 clamp = READ_ONCE(xtcp_sk(sk)->window_clamp);

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = min(space, READ_ONCE(sk->sk_rcvbuf));
	space /= 2;
	return xtcp_wscale_for(clamp ? min_t(u32, space, clamp) : space);
}

/**
 * xtcp_select_window() - the window field to send now, and record it.
 * @sk: the socket, locked.
 *
 * The right edge (rcv_wup + rcv_wnd) never moves left: if free space
 * shrank, the old edge is kept and the data that fills it is dropped
 * only if memory truly runs out.  Nor does it move right by less than
 * min(MSS, half the buffer, XTCP_WINDOW_CLAMP): the receiver's side of
 * silly window syndrome avoidance (RFC 9293 §3.8.6.2.2), so a full
 * buffer shows a zero window until the reader frees a useful amount;
 * a clamp below the MSS must not keep the window shut for good.
 *
 * Return: the 16-bit field, scaled by rcv_wscale.
 */
u16 xtcp_select_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 win = xtcp_rcv_space(sk);
	u32 edge = xs->rcv_wup + xs->rcv_wnd;
	u32 clamp = READ_ONCE(xs->window_clamp) ?: U32_MAX;
	u32 sws = min3((u32)xtcp_rcvbuf(sk) / 2, (u32)xs->advmss, clamp);
	u16 field;

	/* Never left; and not right by less than min(MSS, buffer / 2). */
	if (!xtcp_seq_after(xs->rcv_nxt + win, edge + sws - 1))
		win = xtcp_seq_after(edge, xs->rcv_nxt) ? edge - xs->rcv_nxt : 0;
	xs->rcv_wnd = xtcp_window_field(win, xs->rcv_wscale, &field);
	xs->rcv_wup = xs->rcv_nxt;
	return field;
}

/* The window of a SYN or SYN-ACK: never scaled (RFC 7323 §2.2). */
static u16 xtcp_syn_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcv_wnd = min_t(u32, xtcp_rcv_space(sk), 65535U);
	xs->rcv_wup = xs->rcv_nxt;
	return xs->rcv_wnd;
}

/*
 * Whether the device of @sk's route checksums any protocol
 * (NETIF_F_HW_CSUM).  One that knows only TCP and UDP (IP_CSUM) would
 * be handed our segment as a TCP one, so it gets a finished checksum.
 * The route is checked here, as ip_queue_xmit() will check it: when it
 * is gone, the software checksum is right for whatever device comes.
 */
static bool xtcp_route_csum_hw(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_check(sk, 0);

	return dst && (dst->dev->features & NETIF_F_HW_CSUM);
}

/*
 * The checksum of @skb, header @th at skb->data: left to the device
 * when it checksums any protocol, and on a super-segment, which
 * offload.c cuts and checksums if the device cannot; computed here
 * otherwise.  Either way the pseudo-header carries our protocol.
 */
static void xtcp_csum_out(struct sock *sk, struct sk_buff *skb,
			  struct tcphdr *th, __be32 saddr, __be32 daddr)
{
	if (skb_is_gso(skb) || xtcp_route_csum_hw(sk)) {
		th->check = ~csum_tcpudp_magic(saddr, daddr, skb->len,
					       xtcp_ipproto, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
		return;
	}
	th->check = 0;
	th->check = csum_tcpudp_magic(saddr, daddr, skb->len, xtcp_ipproto,
				      skb_checksum(skb, 0, skb->len, 0));
	skb->ip_summed = CHECKSUM_NONE;
}

/*
 * The SACK blocks of a segment without payload: only there, as every
 * segment of a super-segment carries the same header, and the MSS has
 * no room for them (an out-of-order segment draws a bare ACK at once,
 * so the blocks go out when they change).  A D-SACK block goes once.
 */
static void xtcp_sack_options(struct sock *sk, struct xtcp_hdr_fields *f,
			      struct xtcp_sack_block *out)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	f->num_sacks = xtcp_sack_rcv_fill(&xs->sack_rcv, out,
					  xtcp_sacks_fit(f->ts_ok));
	if (f->num_sacks && xs->sack_rcv.dsack) {
		xs->sack_rcv.dsack = false;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DSACKSENT);
	}
}

/*
 * Push the header onto @skb (payload only) and send it from @sk; a
 * payload of @pcount segments goes as one super-segment.
 */
static int xtcp_transmit(struct sock *sk, struct sk_buff *skb, u8 flags,
			 u32 seq, u16 pcount)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_sack_block sacks[XTCP_MAX_SACKS];
	struct xtcp_hdr_fields f = {
		.sport = inet->inet_sport,
		.dport = inet->inet_dport,
		.seq = seq,
		.ack = (flags & TCPHDR_ACK) ? xs->rcv_nxt : 0,
		.flags = flags,
		.sacks = sacks,
	};
	struct tcphdr *th;
	int err;

	if (flags & TCPHDR_SYN) {
		f.mss = xs->advmss;
		f.sack_ok = xs->sack_ok;
		f.wscale_ok = xs->wscale_ok;
		f.wscale = xs->rcv_wscale;
		f.window = xtcp_syn_window(sk);
	} else if (!(flags & TCPHDR_RST)) {
		f.window = xtcp_select_window(sk);
	}
	if (xs->ts.ok) {
		/* On every segment, RSTs too (RFC 7323 §3.2). */
		f.ts_ok = true;
		f.tsval = xtcp_ts_now(&xs->ts);
		f.tsecr = xs->ts.recent;
	}
	if (xs->sack_ok && !skb->len && !(flags & (TCPHDR_SYN | TCPHDR_RST)))
		xtcp_sack_options(sk, &f, sacks);
	if (!(flags & (TCPHDR_SYN | TCPHDR_RST)) && xtcp_urg_ptr(xs, seq, &f.urg_ptr))
		f.flags |= TCPHDR_URG;
	f.flags |= xtcp_ecn_transmit(sk, flags, skb->len &&
				     !xtcp_seq_before(seq, xs->snd_nxt));
	if (pcount > 1) {
		shinfo->gso_size = xs->mss;
		shinfo->gso_segs = pcount;
		shinfo->gso_type = XTCP_GSO_TYPE;
	} else {
		shinfo->gso_size = 0;
		shinfo->gso_segs = 0;
		shinfo->gso_type = 0;
	}
	th = skb_push(skb, xtcp_header_len(&f));
	skb_reset_transport_header(skb);
	xtcp_build_header(th, &f);
	xtcp_csum_out(sk, skb, th, inet->inet_saddr, inet->inet_daddr);
	skb->protocol = htons(ETH_P_IP);
	skb_set_owner_w(skb, sk);

	xs->stats.segs_out += pcount;
	XTCP_ADD_STATS(net, XTCP_MIB_OUTSEGS, pcount);
	if (flags & TCPHDR_RST)
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
	if (flags & TCPHDR_ACK)
		xtcp_timer_ack_sent(sk);
	/*
	 * The clone carries our send-queue state in skb->cb, where IP
	 * keeps its own (struct inet_skb_parm): IP options to echo and a
	 * frag_max_size that makes ip_fragment() answer with ICMP.  Clear
	 * it, as TCP does, for IPv4 and one day IPv6.
	 */
	trace_xtcp_send_segment(net, sk, skb, inet->inet_saddr, inet->inet_daddr);
	memset(skb->cb, 0, max(sizeof(struct inet_skb_parm),
			       sizeof(struct inet6_skb_parm)));
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
static int xtcp_send_ctl(struct sock *sk, u8 flags, u32 seq)
{
	struct sk_buff *skb = xtcp_alloc_ctl(GFP_ATOMIC);

	if (!skb)
		return -ENOBUFS;
	return xtcp_transmit(sk, skb, flags, seq, 1);
}

/**
 * xtcp_send_syn() - send (or resend) our SYN.
 * @sk: the socket, locked, in SYN_SENT.
 *
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_send_syn(struct sock *sk)
{
	return xtcp_send_ctl(sk, TCPHDR_SYN, xtcp_sk(sk)->iss);
}

/**
 * xtcp_send_synack() - send (or resend) our SYN-ACK.
 * @sk: the socket, locked, in SYN_RECV.
 *
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_send_synack(struct sock *sk)
{
	return xtcp_send_ctl(sk, TCPHDR_SYN | TCPHDR_ACK, xtcp_sk(sk)->iss);
}

/**
 * xtcp_send_ack() - send a bare ACK of everything received.
 * @sk: the socket, locked, synchronized.
 */
void xtcp_send_ack(struct sock *sk)
{
	xtcp_send_ctl(sk, TCPHDR_ACK, xtcp_sk(sk)->snd_nxt);
}

/**
 * xtcp_send_probe() - a keepalive or zero-window probe.
 * @sk: the socket, locked, synchronized.
 *
 * An ACK carrying the sequence number just below snd_una, as Linux
 * sends: it is old, so the peer must answer it with an ACK that shows
 * its window, and it puts no data into a window that may be closed.
 */
void xtcp_send_probe(struct sock *sk)
{
	xtcp_sk(sk)->stats.probes_sent++;
	xtcp_send_ctl(sk, TCPHDR_ACK, xtcp_sk(sk)->snd_una - 1);
}

/**
 * xtcp_send_active_reset() - abort: send RST from our side.
 * @sk: the socket, locked, synchronized.
 * @why: the reason, for the xtcp_send_reset tracepoint.
 */
void xtcp_send_active_reset(struct sock *sk, enum xtcp_rst_reason why)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xs = xtcp_sk(sk);

	trace_xtcp_send_reset(sock_net(sk), sk, inet->inet_saddr, inet->inet_sport,
			      inet->inet_daddr, inet->inet_dport, xs->snd_nxt,
			      xs->rcv_nxt, why);
	xtcp_send_ctl(sk, TCPHDR_RST | TCPHDR_ACK, xs->snd_nxt);
}

/*
 * Transmit one queued skb (data and/or FIN), as cb->pcount segments.
 * The skb stays queued for retransmission; a clone goes out.
 */
static int xtcp_transmit_queued(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u8 flags = TCPHDR_ACK | (cb->flags & (TCPHDR_FIN | TCPHDR_PSH));
	struct sk_buff *clone;
	int err;

	/*
	 * An earlier clone may still be in a queue below us: copy the
	 * head then (the pages are shared), as its header and shared
	 * info must not change under it.
	 */
	if (skb_cloned(skb))
		clone = pskb_copy(skb, GFP_ATOMIC);
	else
		clone = skb_clone(skb, GFP_ATOMIC);
	if (!clone)
		return -ENOBUFS;
	err = xtcp_transmit(sk, clone, flags, cb->seq, cb->pcount);
	if (err)
		return err;
	cb->xmit_us = xtcp_clock_us();
	if (xtcp_sk(sk)->ca_state == XTCP_CA_RECOVERY)
		xtcp_sk(sk)->prr.out += cb->pcount;
	return 0;
}

/*
 * Give @skb a head and shared info of its own if a clone shares them,
 * keeping its truesize: what the socket was charged stays what it will
 * be uncharged (skb_unclone_keeptruesize(), not exported on 6.1).
 */
static int xtcp_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;
	int err;

	if (!skb_cloned(skb))
		return 0;
	err = pskb_expand_head(skb, 0, 0, GFP_ATOMIC);
	skb->truesize = truesize;
	return err;
}

/**
 * xtcp_fragment() - cut a queued skb in two.
 * @sk: the socket, locked.
 * @skb: the skb, on sk_write_queue.
 * @len: payload bytes it keeps, 0 < @len < skb->len.
 *
 * The rest goes into a new skb queued after it, which takes its FIN,
 * PSH, retransmission mark and send time.  A sent skb (before
 * send_head) stays sent, and its segments in flight are recounted; if
 * a clone of it may still be below us, it is uncloned first, so the
 * clone keeps what it had.  truesize follows the bytes, as in TCP's
 * tcp_fragment(); the new skb is charged even past the limits.
 *
 * Return: 0, or -ENOMEM (nothing changed).
 */
int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *tcb;
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 nlen = skb->len - len;
	bool sent = xtcp_skb_sent(sk, skb);
	struct sk_buff *tail;
	int old;

	if (WARN_ON_ONCE(!len || len >= skb->len))
		return -EINVAL;
	if (xtcp_unclone(skb))
		return -ENOMEM;
	tail = alloc_skb_fclone(MAX_TCP_HEADER +
				(len < skb_headlen(skb) ? skb_headlen(skb) - len : 0),
				GFP_ATOMIC);
	if (!tail)
		return -ENOMEM;
	skb_reserve(tail, MAX_TCP_HEADER);
	xtcp_wmem_charge(sk, tail, true);
	skb_split(skb, tail, len);
	tail->truesize += nlen;
	skb->truesize -= nlen;

	tcb = XTCP_SKB_CB(tail);
	*tcb = *cb;
	tcb->seq = cb->seq + len;
	cb->end_seq = tcb->seq;
	cb->flags &= ~(TCPHDR_FIN | TCPHDR_PSH);
	if (sent) {
		old = cb->pcount;
		cb->pcount = xtcp_pcount(len, xs->mss);
		tcb->pcount = xtcp_pcount(nlen, xs->mss);
		xs->packets_out += cb->pcount + tcb->pcount - old;
		xtcp_tag_account(xs, cb->sacked, cb->pcount + tcb->pcount - old);
	}
	__skb_queue_after(&sk->sk_write_queue, skb, tail);
	return 0;
}

/**
 * xtcp_trim_head() - drop the acknowledged first bytes of a sent skb.
 * @sk: the socket, locked.
 * @skb: the oldest skb of sk_write_queue.
 * @len: bytes to drop, less than skb->len.
 *
 * TCP's tcp_trim_head(): bytes in page fragments leave with their
 * truesize and their charge; a clone of the skb still below us keeps
 * what it had (the skb is uncloned first).
 *
 * Return: 0, or -ENOMEM (nothing changed; the bytes go again if the
 * skb is resent, and the peer drops them as old).
 */
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo;
	u32 eat, freed;
	int i, k;

	if (xtcp_unclone(skb))
		return -ENOMEM;
	eat = min(len, skb_headlen(skb));
	__skb_pull(skb, eat);
	freed = len - eat;
	eat = freed;
	shinfo = skb_shinfo(skb);
	for (i = 0, k = 0; i < shinfo->nr_frags; i++) {
		u32 size = skb_frag_size(&shinfo->frags[i]);

		if (size <= eat) {
			skb_frag_unref(skb, i);
			eat -= size;
			continue;
		}
		shinfo->frags[k] = shinfo->frags[i];
		if (eat) {
			skb_frag_off_add(&shinfo->frags[k], eat);
			skb_frag_size_sub(&shinfo->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	shinfo->nr_frags = k;
	skb->data_len -= freed;
	skb->len -= freed;
	skb->truesize -= freed;
	sk_wmem_queued_add(sk, -freed);
	sk_mem_uncharge(sk, freed);
	XTCP_SKB_CB(skb)->seq += len;
	return 0;
}

/**
 * xtcp_retransmit_skb() - send a sent skb again at once, out of the
 *	send_head order.
 * @sk: the socket, locked.
 * @skb: the skb, before send_head.
 *
 * Return: 0, or a negative errno (nothing went out).
 */
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err = xtcp_transmit_queued(sk, skb);

	if (err)
		return err;
	XTCP_SKB_CB(skb)->retrans = 1;
	trace_xtcp_retransmit(sk, XTCP_SKB_CB(skb)->seq, XTCP_SKB_CB(skb)->end_seq,
			      xs->ca_state);
	xtcp_undo_retransmitted(xs, XTCP_SKB_CB(skb)->pcount);
	xs->stats.total_retrans += XTCP_SKB_CB(skb)->pcount;
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS,
		       XTCP_SKB_CB(skb)->pcount);
	return 0;
}

/**
 * xtcp_retransmit_head() - resend the oldest unacknowledged segment:
 *	fast retransmit, or a partial ACK in NewReno recovery.
 * @sk: the socket, locked.
 *
 * One segment: a super-segment is cut to its first MSS first.
 */
void xtcp_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	u32 mss = xtcp_sk(sk)->mss;

	if (!skb || skb == xtcp_sk(sk)->send_head)
		return;
	if (skb->len > mss && xtcp_fragment(sk, skb, mss))
		return;
	xtcp_retransmit_skb(sk, skb);
}

/*
 * Nagle (RFC 9293 §3.7.4), XTCP_CORK and MSG_MORE: hold a partial last
 * segment back while a small segment is in flight (Minshall's variant,
 * as Linux: a bulk write's last piece goes at once behind full ones),
 * or while the user asks to.  @skb is the last queued skb; its last
 * segment is partial.
 */
static bool xtcp_nagle_hold(const struct sock *sk, const struct sk_buff *skb,
			    enum xtcp_xmit_mode mode)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	/* Nor urgent data: the mark is news (TCP's tcp_nagle_test()). */
	if ((XTCP_SKB_CB(skb)->flags & TCPHDR_FIN) ||
	    xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_nxt) ||
	    mode >= XTCP_XMIT_PUSH || xs->snd_up != xs->snd_una)
		return false;
	if (mode == XTCP_XMIT_MORE || xs->cork)
		return true;
	return !xs->nodelay && xs->packets_out &&
	       xtcp_seq_after(xs->snd_sml, xs->snd_una);
}

/* How many bytes of @skb the peer's window takes now. */
static u32 xtcp_window_room(const struct xtcp_sock *xs, const struct sk_buff *skb)
{
	u32 right = xs->snd_una + xs->snd_wnd;
	u32 seq = XTCP_SKB_CB(skb)->seq;

	if (!xtcp_seq_after(right, seq))
		return 0;
	return min(right - seq, skb->len);
}

/* Result of xtcp_send_limit(). */
enum {
	XTCP_LIMIT_WINDOW = -1,	/* the peer's window is shut to it */
	XTCP_LIMIT_NAGLE = -2,	/* Nagle, cork or MSG_MORE holds it */
};

/*
 * How much of @skb (with payload) may go now, with @quota segments of
 * congestion window left: whole segments within the peer's window, and
 * the partial last one only if Nagle lets it go.  A window smaller than
 * one segment is taken as it is when nothing is in flight, so that it
 * cannot stall the connection.
 *
 * Return: bytes, or XTCP_LIMIT_*.
 */
static int xtcp_send_limit(const struct sock *sk, const struct sk_buff *skb,
			   u32 quota, enum xtcp_xmit_mode mode)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xs->mss, room = xtcp_window_room(xs, skb);
	u32 limit = min_t(u64, room, (u64)quota * mss);

	if (limit >= skb->len) {
		if (skb->len % mss &&
		    skb_queue_is_last(&sk->sk_write_queue, skb) &&
		    xtcp_nagle_hold(sk, skb, mode))
			limit = rounddown(skb->len, mss);
		else
			return skb->len;
	} else if (limit >= mss) {
		limit = rounddown(limit, mss);
	} else if (!room || xs->packets_out) {
		return XTCP_LIMIT_WINDOW;
	}
	return limit ? limit : XTCP_LIMIT_NAGLE;
}

/**
 * __xtcp_write_xmit() - send what the windows allow from send_head on.
 * @sk: the socket, locked, synchronized.
 * @mode: how a partial last segment is treated (&enum xtcp_xmit_mode).
 *
 * An skb goes out, as one super-segment of as many MSS-sized segments
 * as it holds, when it fits the congestion window (packets_out counts
 * segments), the peer's window and Nagle's rule; one that fits only in
 * part is cut (xtcp_send_limit()) and its head goes.  An skb below
 * snd_nxt is a retransmission (after a timeout rewound send_head).  A
 * lone FIN may go out with the window closed: it takes no buffer.  If
 * data waits on a closed window with nothing in flight, the persist
 * timer starts, as it does for a partial segment that cork or MSG_MORE
 * holds with nothing in flight: when it fires, xtcp_write_wakeup() sends
 * it (TCP_CORK's ceiling, as TCP's probe timer gives it); if IP refused
 * a segment (or no memory was there to cut one) with nothing in flight,
 * the retransmission timer does (xtcp_timer_xmit_failed()).
 */
void __xtcp_write_xmit(struct sock *sk, enum xtcp_xmit_mode mode)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool closed = false, failed = false, held = false;
	struct sk_buff *skb;
	/*
	 * Limited transmit (RFC 3042): one new segment per early dupack.
	 * With SACK the pipe already leaves out each segment a dupack
	 * SACKed (RFC 6675), which is the same allowance: adding both
	 * let two segments out per dupack.
	 */
	u32 cwnd = xs->cc.cwnd +
		   (xs->ca_state == XTCP_CA_OPEN && !xs->sack_ok ?
		    min_t(u32, xs->dupacks, 2) : 0);
	bool sent = false;

	/* A tail loss probe: one segment, whatever the window (tlp.c). */
	if (mode == XTCP_XMIT_PROBE)
		cwnd = xtcp_in_flight(xs) + 1;

	while ((skb = xs->send_head)) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 pipe = xtcp_in_flight(xs);

		if (pipe >= cwnd)
			break;
		if (cb->sacked & XTCP_TAG_SACKED) {
			/* Resending after a timeout: the peer holds this. */
			cb->pcount = xtcp_pcount(skb->len, xs->mss);
			xs->packets_out += cb->pcount;
			xs->sacked_out += cb->pcount;
			xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
					NULL : skb->next;
			continue;
		}
		if (skb->len) {
			int limit = xtcp_send_limit(sk, skb, cwnd - pipe, mode);

			if (limit == XTCP_LIMIT_WINDOW) {
				closed = true;
				break;
			}
			if (limit == XTCP_LIMIT_NAGLE) {
				held = true;
				break;
			}
			if (limit < skb->len && xtcp_fragment(sk, skb, limit)) {
				failed = true;
				break;
			}
		}
		cb->pcount = xtcp_pcount(skb->len, xs->mss);
		if (xtcp_transmit_queued(sk, skb)) {
			failed = true;
			break;
		}
		if (xtcp_seq_before(cb->seq, xs->snd_nxt)) {
			cb->retrans = 1;
			trace_xtcp_retransmit(sk, cb->seq, cb->end_seq, xs->ca_state);
			xtcp_undo_retransmitted(xs, cb->pcount);
			xs->stats.total_retrans += cb->pcount;
			XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS,
				       cb->pcount);
		} else {
			if (!xs->packets_out)
				xtcp_cc_tx_start(&xs->cc);
			cb->tx_us = xtcp_clock_us();
		}
		if (xtcp_seq_after(cb->end_seq, xs->snd_nxt))
			xs->snd_nxt = cb->end_seq;
		if (skb->len < cb->pcount * xs->mss)
			xs->snd_sml = cb->end_seq;
		xs->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
				NULL : skb->next;
		xs->packets_out += cb->pcount;
		xtcp_timer_data_sent(sk);
		sent = true;
	}
	if (sent)
		xtcp_timer_flight_sent(sk);
	if (failed && !xs->packets_out)
		xtcp_timer_xmit_failed(sk);
	else if ((closed || held) && !xs->packets_out)
		xtcp_timer_window_closed(sk);
}

/**
 * xtcp_write_xmit() - send what the windows allow, by the socket's
 *	own Nagle and cork settings.
 * @sk: the socket, locked, synchronized.
 */
void xtcp_write_xmit(struct sock *sk)
{
	__xtcp_write_xmit(sk, XTCP_XMIT_NAGLE);
}

/**
 * xtcp_write_wakeup() - the persist timer fired with data unsent and
 *	nothing in flight: send what the peer's window takes, a partial
 *	segment that cork or MSG_MORE holds included (TCP's
 *	tcp_write_wakeup()).
 * @sk: the socket, locked.
 *
 * Return: true if anything went out; if not, the window is shut and
 * the caller probes it.
 */
bool xtcp_write_wakeup(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->send_head || !xtcp_window_room(xs, xs->send_head))
		return false;
	__xtcp_write_xmit(sk, XTCP_XMIT_PUSH);
	return xs->packets_out;
}

/**
 * xtcp_retransmit_rewind() - after a timeout, resend from the oldest
 *	unacknowledged segment.
 * @sk: the socket, locked.
 *
 * Without SACK nothing tells which later segments arrived, so all of
 * them count as lost (RFC 5681 §3.1 with RFC 6582); with it, those the
 * peer SACKed are skipped (sack.c).  send_head goes back
 * to the oldest, and slow start from a window of one resends them as
 * ACKs return; the receiver's out-of-order queue acknowledges what it
 * holds in one jump.  snd_nxt stays the highest sequence number sent,
 * against which ACKs are checked.
 *
 * Return: true if there was anything to resend.
 */
bool xtcp_retransmit_rewind(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb)
		return false;
	xs->send_head = skb;
	xs->packets_out = 0;
	xtcp_sack_rewind(sk);
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
		XTCP_SKB_CB(skb)->retrans = 0;
		xtcp_wmem_charge(sk, skb, true);
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

/*
 * Send the header @f alone on @rt (taken), from @saddr to @daddr, with
 * @sk's TTL, mark and priority and the TOS @tos: for segments no
 * connection sends (replies, a request's SYN-ACK).
 */
static void xtcp_v4_send_bare(struct net *net, const struct sock *sk,
			      struct rtable *rt, __be32 saddr, __be32 daddr,
			      const struct xtcp_hdr_fields *f, u8 tos)
{
	struct sk_buff *skb = xtcp_alloc_ctl(GFP_ATOMIC);
	struct tcphdr *th;

	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	th = skb_push(skb, xtcp_header_len(f));
	skb_reset_transport_header(skb);
	xtcp_build_header(th, f);
	th->check = xtcp_csum(saddr, daddr, xtcp_ipproto, th, skb->len);
	skb->ip_summed = CHECKSUM_NONE;
	skb_dst_set(skb, &rt->dst);

	XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	if (f->flags & TCPHDR_RST)
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
	trace_xtcp_send_segment(net, NULL, skb, saddr, daddr);
	ip_build_and_send_pkt(skb, sk, saddr, daddr, NULL, tos);
}

/* Send @f from no socket, answering @in; with our MSS if @f->mss is set. */
static void __xtcp_v4_send_reply(struct net *net, const struct sk_buff *in,
				 struct xtcp_hdr_fields *f)
{
	const struct iphdr *iph = ip_hdr(in);
	struct sock *ctl = xtcp_pernet(net)->ctl_sk;
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_proto = xtcp_ipproto,
		.fl4_sport = f->sport,
		.fl4_dport = f->dport,
	};
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	if (f->mss)
		f->mss = clamp_t(unsigned int, dst_mtu(&rt->dst) -
				 sizeof(struct iphdr) - sizeof(struct tcphdr),
				 88, 65495);
	xtcp_v4_send_bare(net, ctl, rt, iph->daddr, iph->saddr, f, 0);
}

/**
 * xtcp_v4_send_reply() - answer a segment that no socket owns.
 * @net: the namespace it arrived in.
 * @in: the segment; its IPv4 and transport headers are in place.
 * @seq: sequence number of the reply.
 * @ack: acknowledgment number (used when @flags has ACK).
 * @flags: TCPHDR_* flags.
 * @win: window to advertise.
 * @ts: the timestamps of the connection the reply speaks for (a
 *	request's, a TIME_WAIT's), or NULL.
 */
void xtcp_v4_send_reply(struct net *net, const struct sk_buff *in, u32 seq,
			u32 ack, u8 flags, u16 win, const struct xtcp_ts *ts)
{
	const struct tcphdr *th = tcp_hdr(in);
	struct xtcp_hdr_fields f = {
		.sport = th->dest,
		.dport = th->source,
		.seq = seq,
		.ack = (flags & TCPHDR_ACK) ? ack : 0,
		.flags = flags,
		.window = win,
	};

	if (ts && ts->ok) {
		f.ts_ok = true;
		f.tsval = xtcp_ts_now(ts);
		f.tsecr = ts->recent;
	}
	__xtcp_v4_send_reply(net, in, &f);
}

/**
 * xtcp_v4_send_cookie_synack() - answer a SYN with a SYN-ACK whose
 *	sequence number is a SYN cookie, keeping no state.
 * @net: the namespace it arrived in.
 * @syn: the SYN.
 * @cookie: our ISN.
 * @win: window to advertise (unscaled: a cookie cannot carry the scale).
 *
 * The MSS option is ours for the route back, as on any SYN-ACK.
 */
void xtcp_v4_send_cookie_synack(struct net *net, const struct sk_buff *syn,
				u32 cookie, u16 win)
{
	const struct tcphdr *th = tcp_hdr(syn);
	struct xtcp_hdr_fields f = {
		.sport = th->dest,
		.dport = th->source,
		.seq = cookie,
		.ack = ntohl(th->seq) + 1,
		.flags = TCPHDR_SYN | TCPHDR_ACK,
		.window = win,
		.mss = 1,
	};

	__xtcp_v4_send_reply(net, syn, &f);
}

/**
 * xtcp_req_send_synack() - send (or resend) a request's SYN-ACK.
 * @req: the request.
 *
 * From the listener, as TCP sends it: the listener's TTL, TOS, mark and
 * priority, on the route back to the peer; options as the child will
 * use them.  Any context; a failure is left to the resend timer.
 */
void xtcp_req_send_synack(const struct xtcp_req *req)
{
	const struct sock_common *c = &req->common;
	struct sock *lsk = req->listener;
	struct net *net = sock_net(lsk);
	struct xtcp_hdr_fields f = {
		.sport = htons(c->skc_num),
		.dport = c->skc_dport,
		.seq = req->iss,
		.ack = req->irs + 1,
		.flags = TCPHDR_SYN | TCPHDR_ACK | (req->ecn_ok ? TCPHDR_ECE : 0),
		.window = req->rcv_wnd,
		.mss = req->advmss,
		.wscale = req->rcv_wscale,
		.wscale_ok = req->wscale_ok,
		.sack_ok = req->sack_ok,
		.ts_ok = req->ts.ok,
		.tsval = xtcp_ts_now(&req->ts),
		.tsecr = req->ts.recent,
	};
	struct flowi4 fl4;
	struct rtable *rt;

	rt = ip_route_output_ports(net, &fl4, lsk, c->skc_daddr,
				   c->skc_rcv_saddr, c->skc_dport, f.sport,
				   xtcp_ipproto, RT_TOS(inet_sk(lsk)->tos),
				   lsk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return;
	xtcp_v4_send_bare(net, lsk, rt, c->skc_rcv_saddr, c->skc_daddr, &f,
			  inet_sk(lsk)->tos);
}

/**
 * xtcp_v4_send_reset() - RFC 9293's reset for a segment nobody wants.
 * @net: the namespace it arrived in.
 * @in: the segment.
 * @why: the reason, for the xtcp_send_reset tracepoint.
 *
 * Never answers an RST.  If the segment had ACK, the RST takes its
 * sequence number from it; otherwise the RST acknowledges the segment.
 */
void xtcp_v4_send_reset(struct net *net, const struct sk_buff *in,
			enum xtcp_rst_reason why)
{
	const struct tcphdr *th = tcp_hdr(in);
	const struct iphdr *iph = ip_hdr(in);
	u32 seq = 0, ack = 0;

	if (th->rst)
		return;
	if (th->ack)
		seq = ntohl(th->ack_seq);
	else
		ack = ntohl(th->seq) + in->len - th->doff * 4 + th->syn + th->fin;
	trace_xtcp_send_reset(net, NULL, iph->daddr, th->dest, iph->saddr,
			      th->source, seq, ack, why);
	xtcp_v4_send_reply(net, in, seq, ack,
			   th->ack ? TCPHDR_RST : TCPHDR_RST | TCPHDR_ACK, 0, NULL);
}
