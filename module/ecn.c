// SPDX-License-Identifier: GPL-2.0
/*
 * Explicit congestion notification (RFC 3168), as Linux TCP does it.
 *
 * Negotiation (§6.1.1): a SYN asks with ECE and CWR, when
 * net.xtcp.ecn is 1; a SYN-ACK agrees with ECE alone, when the sysctl
 * is 1 or 2 (the default, which only answers).  A SYN that arrives with
 * an ECT codepoint in its IP header is not taken at its word (Linux's
 * rule: something on the path plays with the field).
 *
 * Sender: new data goes out ECT(0); retransmissions, pure ACKs, window
 * probes, SYNs and RSTs go Not-ECT (§6.1.4, §6.1.5).  An ACK with ECE
 * is a congestion signal: the window falls as on a loss, once per
 * window of data (the CWR state, until what was in flight then is
 * acknowledged), and the next new data segment carries CWR.  Every
 * window reduction, a loss's too, sends CWR, so that the receiver stops
 * echoing.
 *
 * Receiver: a data segment that arrives marked CE is acknowledged at
 * once, and every segment we send carries ECE until a data segment with
 * CWR arrives (§6.1.3).
 *
 * Not done: ECN on SYN-cookie connections (the cookie keeps the MSS
 * only), AccECN, and ECT(1)/L4S.
 */
#include <net/inet_ecn.h>
#include <net/tcp.h>

#include "xtcp.h"

/**
 * xtcp_ecn_connect() - connect(): whether our SYN asks for ECN.
 * @sk: the socket, locked.
 */
void xtcp_ecn_connect(struct sock *sk)
{
	xtcp_sk(sk)->ecn_flags =
		xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_ECN) == 1 ? XTCP_ECN_OK : 0;
}

/**
 * xtcp_ecn_rcv_syn() - the peer's SYN or SYN-ACK, in SYN_SENT.
 * @sk: the socket, locked.
 * @th: its header.
 *
 * A SYN-ACK agrees with ECE and no CWR; a SYN of a simultaneous open
 * asks with both, and our SYN-ACK will agree.
 */
void xtcp_ecn_rcv_syn(struct sock *sk, const struct tcphdr *th)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!(xs->ecn_flags & XTCP_ECN_OK))
		return;
	/* SYN-ACK: ECE alone; a simultaneous open's SYN: ECE and CWR. */
	if (!th->ece || (th->ack ? th->cwr : !th->cwr)) {
		xs->ecn_flags = 0;
		return;
	}
	if (th->ack)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ECNNEGOTIATED);
}

/**
 * xtcp_ecn_syn_ok() - whether a SYN at a listener gets ECN.
 * @net: the namespace.
 * @skb: the SYN, IP header and ours in place.
 *
 * Return: true if it asks (ECE and CWR), the sysctl lets us answer, and
 * its IP header carries Not-ECT.
 */
bool xtcp_ecn_syn_ok(struct net *net, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	return th->ece && th->cwr && xtcp_sysctl(net, XTCP_SYSCTL_ECN) &&
	       INET_ECN_is_not_ect(ip_hdr(skb)->tos);
}

/**
 * xtcp_ecn_transmit() - ECN of a segment we are about to send.
 * @sk: the socket, locked.
 * @flags: its TCP flags.
 * @new_data: it carries data never sent before.
 *
 * Sets the socket's ECN codepoint, which ip_queue_xmit() copies into
 * this segment's IP header (IP_TOS keeps those two bits of a stream
 * socket), and clears a queued CWR once it is on its way.
 *
 * Return: the flags to add: ECE and CWR.
 */
u8 xtcp_ecn_transmit(struct sock *sk, u8 flags, bool new_data)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	u8 tos = READ_ONCE(inet->tos), ect = INET_ECN_NOT_ECT, out = 0;

	if (!(xs->ecn_flags & XTCP_ECN_OK) || (flags & TCPHDR_RST)) {
		out = 0;
	} else if (flags & TCPHDR_SYN) {
		out = flags & TCPHDR_ACK ? TCPHDR_ECE : TCPHDR_ECE | TCPHDR_CWR;
	} else {
		if (new_data) {
			ect = INET_ECN_ECT_0;
			if (xs->ecn_flags & XTCP_ECN_QUEUE_CWR) {
				xs->ecn_flags &= ~XTCP_ECN_QUEUE_CWR;
				out |= TCPHDR_CWR;
			}
		}
		if (xs->ecn_flags & XTCP_ECN_DEMAND_CWR)
			out |= TCPHDR_ECE;
	}
	if ((tos & INET_ECN_MASK) != ect)
		WRITE_ONCE(inet->tos, (tos & ~INET_ECN_MASK) | ect);
	return out;
}

/**
 * xtcp_ecn_rcv_data() - a data segment arrived on an ECN connection.
 * @sk: the socket, locked.
 * @skb: the segment, IP header in place.
 *
 * CWR ends our echo; a CE mark starts it (again).
 *
 * Return: true if the segment brought a new mark: ACK at once.
 */
bool xtcp_ecn_rcv_data(struct sock *sk, const struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!(xs->ecn_flags & XTCP_ECN_OK))
		return false;
	if (tcp_hdr(skb)->cwr)
		xs->ecn_flags &= ~XTCP_ECN_DEMAND_CWR;
	if (!INET_ECN_is_ce(ip_hdr(skb)->tos))
		return false;
	xs->stats.ce_received++;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ECNCERCVD);
	if (xs->ecn_flags & XTCP_ECN_DEMAND_CWR)
		return false;
	xs->ecn_flags |= XTCP_ECN_DEMAND_CWR;
	return true;
}

/**
 * xtcp_ecn_echoed() - whether an ACK echoes a congestion mark.
 * @xs: the connection.
 * @th: the ACK's header, not a SYN.
 *
 * Return: true for ECE on a connection that negotiated ECN.
 */
bool xtcp_ecn_echoed(const struct xtcp_sock *xs, const struct tcphdr *th)
{
	return th->ece && !th->syn && (xs->ecn_flags & XTCP_ECN_OK);
}

/**
 * xtcp_ecn_window_reduced() - the window fell (ECE, a loss, a timeout).
 * @xs: the connection.
 *
 * The next new data segment says so with CWR.
 */
void xtcp_ecn_window_reduced(struct xtcp_sock *xs)
{
	if (xs->ecn_flags & XTCP_ECN_OK)
		xs->ecn_flags |= XTCP_ECN_QUEUE_CWR;
}
