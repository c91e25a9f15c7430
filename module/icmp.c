// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about segments we sent: the net_protocol err_handler.
 *
 * The ICMP layer hands us the quoted IP header and the first 8 bytes of
 * our header (ports and sequence number), no more.  A message is taken
 * only for a connection whose quoted sequence number lies in
 * [snd_una, snd_nxt] (RFC 5927 §4.1: a blind attacker must guess it);
 * others are counted in OutOfWindowIcmps.  Then, as TCP does:
 *
 * - Fragmentation needed (RFC 1191): the route's PMTU is lowered, the
 *   MSS follows, and what is in flight is sent again in segments that
 *   fit (the larger ones were dropped at the router).  Deferred to
 *   release_sock() when the user owns the socket.
 * - Other unreachables, time exceeded, parameter problem: the error
 *   (icmp_err_convert[]) is soft (RFC 1122 §4.2.3.9): reported if the
 *   connection then times out, or at once with IP_RECVERR.  Only a
 *   hard one (protocol or port unreachable, administratively
 *   prohibited: icmp_err_convert[].fatal) in SYN_SENT fails the
 *   connect at once; in the synchronized states hard errors are soft
 *   too (RFC 5927 §4.3: a blind attacker could otherwise reset
 *   connections).  Linux TCP aborts SYN_SENT on soft errors as well;
 *   RFC 1122 says it MUST NOT (Documentation/rfc-notes.rst).
 * - Redirect: the route follows it.  Source quench: ignored (RFC 6633).
 */
#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/inet_connection_sock.h>
#include <net/ip.h>
#include <net/route.h>

#include "xtcp.h"

/* The MSS a route of MTU @mtu allows @sk: RFC 6691, less our options. */
static u32 xtcp_mss_for_mtu(struct sock *sk, u32 mtu)
{
	const struct ip_options_rcu *opt;
	int mss = mtu - sizeof(struct iphdr) - sizeof(struct tcphdr);

	rcu_read_lock();
	opt = rcu_dereference(inet_sk(sk)->inet_opt);
	if (opt)
		mss -= opt->opt.optlen;
	rcu_read_unlock();
	if (xtcp_sk(sk)->ts.ok)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	return max(mss, XTCP_MIN_MSS);
}

/**
 * xtcp_mtu_reduced() - act on a "fragmentation needed" for @sk.
 * @sk: the socket, locked by its owner or in softirq.
 *
 * The MTU the router reported is in xtcp_sock.mtu_info.  As
 * tcp_simple_retransmit(): the congestion window stays, since nothing
 * was lost to congestion; the segments in flight go again at the new
 * size.
 */
void xtcp_mtu_reduced(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst;
	u32 mss;

	if ((1 << sk->sk_state) & (XTCPF_LISTEN | XTCPF_CLOSE))
		return;
	dst = inet_csk_update_pmtu(sk, READ_ONCE(xs->mtu_info));
	if (!dst || inet_sk(sk)->pmtudisc == IP_PMTUDISC_DONT)
		return;
	mss = xtcp_mss_for_mtu(sk, dst_mtu(dst));
	if (mss >= xs->mss)
		return;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PMTUREDUCED);
	xs->mss = mss;
	if (!xs->packets_out)
		return;
	/* Segments too large for the path: nothing to undo. */
	xs->undo.active = false;
	if (xs->ca_state != XTCP_CA_LOSS) {
		xs->ca_state = XTCP_CA_LOSS;
		xs->high_seq = xs->snd_nxt;
		xs->dupacks = 0;
	}
	xtcp_retransmit_rewind(sk);
}

static void xtcp_frag_needed(struct sock *sk, u32 mtu)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	WRITE_ONCE(xs->mtu_info, mtu);
	if (!sock_owned_by_user(sk))
		xtcp_mtu_reduced(sk);
	else if (!test_and_set_bit(XTCP_DEFER_MTU, &xs->deferred))
		sock_hold(sk);	/* put by xtcp_release_cb() */
}

/* An error (positive errno, @hard or soft) about @sk's segments. */
static void xtcp_icmp_error(struct sock *sk, int err, bool hard)
{
	if (sk->sk_state == XTCP_SYN_SENT && hard) {
		if (!sock_owned_by_user(sk))
			xtcp_abort(sk, err, XTCP_RST_NONE);
		else
			WRITE_ONCE(sk->sk_err_soft, err);
		return;
	}
	if (!sock_owned_by_user(sk) && xtcp_recverr(sk)) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
}

/* What the message from @icmp_skb means for the socket @sk, locked. */
static void xtcp_icmp_socket(struct sock *sk, struct sk_buff *icmp_skb,
			     u32 seq, u32 info)
{
	const struct icmphdr *icmph = icmp_hdr(icmp_skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst;
	bool hard = false;
	int err;

	if ((1 << sk->sk_state) & (XTCPF_LISTEN | XTCPF_CLOSE))
		return;
	if (xtcp_seq_before(seq, xs->snd_una) || xtcp_seq_after(seq, xs->snd_nxt)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTOFWINDOWICMPS);
		return;
	}
	switch (icmph->type) {
	case ICMP_REDIRECT:
		if (sock_owned_by_user(sk))
			return;
		dst = __sk_dst_check(sk, 0);
		if (dst)
			dst->ops->redirect(dst, sk, icmp_skb);
		return;
	case ICMP_DEST_UNREACH:
		if (icmph->code > NR_ICMP_UNREACH)
			return;
		if (icmph->code == ICMP_FRAG_NEEDED) {
			xtcp_frag_needed(sk, info);
			return;
		}
		err = icmp_err_convert[icmph->code].errno;
		hard = icmp_err_convert[icmph->code].fatal;
		break;
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		break;
	default:	/* source quench (RFC 6633) and the rest */
		return;
	}
	xtcp_icmp_error(sk, err, hard);
}

/**
 * xtcp_v4_err() - net_protocol err_handler: an ICMP error quoting one
 *	of our segments.
 * @icmp_skb: the ICMP message; data at the quoted IP header, with at
 *	least 8 bytes of our header after it.
 * @info: the next-hop MTU for "fragmentation needed".
 *
 * Return: 0, or -ENOENT when no connection sent the quoted segment.
 */
int xtcp_v4_err(struct sk_buff *icmp_skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)icmp_skb->data;
	const struct tcphdr *th = (const void *)(icmp_skb->data + (iph->ihl << 2));
	struct net *net = dev_net(icmp_skb->dev);
	struct sock *sk;

	/* The quoted segment went from us (saddr) to the peer (daddr). */
	sk = xtcp_lookup_established(net, iph->daddr, th->dest, iph->saddr,
				     th->source);
	if (!sk) {
		__ICMP_INC_STATS(net, ICMP_MIB_INERRORS);
		return -ENOENT;
	}
	/* A request or TIME_WAIT object has no route or error to keep. */
	if (!xtcp_sk_fullsock(sk)) {
		xtcp_entry_put(sk);
		return 0;
	}
	bh_lock_sock(sk);
	xtcp_icmp_socket(sk, icmp_skb, ntohl(th->seq), info);
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}
