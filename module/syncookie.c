// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies (RFC 4987 §3.6).  When a listener's SYN queue is full
 * (net.xtcp.syncookies=1) or for every SYN (=2), the SYN is answered
 * with a SYN-ACK whose sequence number encodes the connection, and
 * nothing is kept: the cookie is a keyed hash of the 4-tuple, the
 * client's ISN and a coarse clock, plus an index into a small table of
 * MSS values.  The ACK that returns it (ack - 1) is checked, and the
 * child is made then (listen.c), so a flood of spoofed SYNs costs no
 * memory at all past the queue.
 *
 * The cookie is TCP's own (__cookie_v4_init_sequence() and its check,
 * keyed by the kernel's SYN cookie secret): xtcp's header is TCP's, so
 * the same hash covers it.  As TCP's without timestamps, a cookie
 * cannot carry window scaling: a connection opened by cookie uses
 * unscaled windows, and an MSS rounded down to the table's.
 */
#include <net/tcp.h>

#include "xtcp.h"

/* How long after the last cookie sent a cookie ACK is believed (TCP's). */
#define XTCP_SYNCOOKIE_VALID	(2 * 60 * HZ)

/**
 * xtcp_syncookie_send() - answer a SYN with a cookie, if allowed.
 * @lsk: the listener, locked.
 * @skb: the SYN.
 *
 * Return: true if a cookie SYN-ACK went out; false if net.xtcp.syncookies
 * is 0 (the caller drops the SYN).
 */
bool xtcp_syncookie_send(struct sock *lsk, struct sk_buff *skb)
{
	struct net *net = sock_net(lsk);
	struct xtcp_opts opts;
	u32 cookie;
	u16 mss;

	if (!xtcp_sysctl(net, XTCP_SYSCTL_SYNCOOKIES))
		return false;
	xtcp_parse_options(tcp_hdr(skb), &opts);
	mss = opts.mss ?: TCP_MSS_DEFAULT;
	cookie = __cookie_v4_init_sequence(ip_hdr(skb), tcp_hdr(skb), &mss);
	WRITE_ONCE(xtcp_sk(lsk)->last_cookie, jiffies ?: 1);
	xtcp_v4_send_cookie_synack(net, skb, cookie,
				   min_t(u32, xtcp_rcv_space(lsk), 65535U));
	XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESSENT);
	return true;
}

/**
 * xtcp_syncookie_check() - does an ACK to a listener return a cookie?
 * @lsk: the listener, locked.
 * @skb: the ACK (no SYN, no RST).
 *
 * With net.xtcp.syncookies=1 only within two minutes of the last cookie
 * sent, so that a guessed cookie cannot open connections while no flood
 * is on.
 *
 * Return: the MSS the cookie holds, or 0 if it is none (counted in
 * SyncookiesFailed when one was checked).
 */
u16 xtcp_syncookie_check(struct sock *lsk, struct sk_buff *skb)
{
	unsigned long last = READ_ONCE(xtcp_sk(lsk)->last_cookie);
	struct net *net = sock_net(lsk);
	int mode = xtcp_sysctl(net, XTCP_SYSCTL_SYNCOOKIES);
	int mss;

	if (!mode)
		return 0;
	if (mode == 1 &&
	    (!last || time_after(jiffies, last + XTCP_SYNCOOKIE_VALID)))
		return 0;
	mss = xtcp_cookie_v4_check(ip_hdr(skb), tcp_hdr(skb));
	if (mss <= 0) {
		XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESFAILED);
		return 0;
	}
	XTCP_INC_STATS(net, XTCP_MIB_SYNCOOKIESRECV);
	return mss;
}
