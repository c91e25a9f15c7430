/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The entries of the lookup tables that are not sockets: a connection
 * in TIME_WAIT (timewait.c) and a half-open one (request.c).  Each
 * starts with a struct sock_common, as a socket does, so that lookups
 * and /proc handle all three alike, and each is born in a state no
 * socket takes and never leaves it, so that the state read without a
 * lock says which of the three an entry is, as sk_fullsock() does for
 * TCP.
 */
#ifndef _XTCP_MINISOCK_H
#define _XTCP_MINISOCK_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <net/sock.h>

#include "../uapi/linux/xtcp.h"
#include "wire.h"

struct xtcp_bind_port;

/*
 * The state of a request object (TCP's TCP_NEW_SYN_RECV, with the same
 * number).  /proc shows it as SYN_RECV.
 */
#define XTCP_NEW_SYN_RECV	12

/**
 * struct xtcp_tw - a connection in TIME_WAIT, replacing the full socket.
 * @common: addresses, ports, state, hash links and refcount, as in a
 *	struct sock, so that lookups and /proc treat both alike.  Must be
 *	first.
 * @snd_nxt: our next sequence number (after our FIN).
 * @rcv_nxt: the peer's next sequence number (after its FIN).
 * @rcv_wnd: window to advertise in re-sent ACKs.
 * @ts: the connection's timestamps, for the ACKs it sends.
 * @timer: the 2MSL timer; holds one reference while queued.
 * @expires: when @timer fires, for /proc.
 * @last_oow_ack_time: jiffies of the last ACK sent, for
 *	xtcp_oow_rate_limited().
 * @bind_port: the port in the bind table (hash.c); NULL once unhashed.
 * @conn_slot: conn table bucket.
 * @port_shared: the socket's port was one connect() shares (hash.c).
 */
struct xtcp_tw {
	struct sock_common common;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 rcv_wnd;
	struct xtcp_ts ts;
	struct hrtimer timer;
	ktime_t expires;
	u32 last_oow_ack_time;
	struct xtcp_bind_port *bind_port;
	int conn_slot;
	bool port_shared;
};

#define XTCP_TW(sk) ((struct xtcp_tw *)(sk))

/**
 * struct xtcp_req - a half-open connection: a SYN arrived at a listener
 *	and our SYN-ACK went out (TCP's request_sock).
 * @common: the 4-tuple (local address and port ours), the state
 *	XTCP_NEW_SYN_RECV, the conn table link and the refcount.  Must be
 *	first.
 * @listener: the listener the SYN came to; a reference is held.
 * @node: link in the listener's req_q; empty once the request is
 *	claimed (made into a child, or dropped).  Under the listener's
 *	accept_lock.
 * @timer: resends the SYN-ACK; holds one reference while queued.
 * @expires: when @timer fires next, for /proc.
 * @iss: our ISN.
 * @irs: the peer's ISN.
 * @peer_mss: the MSS option of the SYN, or 0.
 * @advmss: the MSS we offer, from the route back.
 * @rcv_wnd: the window of our SYN-ACK (unscaled, RFC 7323 §2.2).
 * @snd_wscale: the peer's window scale, with @wscale_ok.
 * @rcv_wscale: ours, with @wscale_ok.
 * @wscale_ok: both sides offered window scaling.
 * @sack_ok: the SYN offered SACK and we take it.
 * @ecn_ok: the SYN asked for ECN and we take it (xtcp_ecn_syn_ok()).
 * @ts: timestamps, if the SYN offered them and we take them: TS.Recent
 *	is the SYN's TSval.
 * @retrans: timeouts so far (each resends the SYN-ACK, but while
 *	XTCP_DEFER_ACCEPT waits for data after a bare ACK).
 * @acked: a bare ACK completed the handshake, which XTCP_DEFER_ACCEPT
 *	holds until data comes.
 * @rto_ms: the current resend interval, doubling per resend.
 * @last_oow_ack_time: jiffies of the last reply to a segment that did
 *	not belong, for xtcp_oow_rate_limited().
 * @conn_slot: conn table bucket.
 *
 * All but @node, @expires, @retrans, @rto_ms, @acked and
 * @last_oow_ack_time are fixed before the object is hashed; those
 * change only in the timer's callback (and @acked and the rate
 * limiter's word, racily, as TCP's).
 */
struct xtcp_req {
	struct sock_common common;
	struct sock *listener;
	struct list_head node;
	struct hrtimer timer;
	ktime_t expires;
	u32 iss;
	u32 irs;
	u16 peer_mss;
	u16 advmss;
	u16 rcv_wnd;
	u8 snd_wscale;
	u8 rcv_wscale;
	bool wscale_ok;
	bool sack_ok;
	bool ecn_ok;
	struct xtcp_ts ts;
	u8 retrans;
	bool acked;
	u32 rto_ms;
	u32 last_oow_ack_time;
	int conn_slot;
};

#define XTCP_REQ(sk) ((struct xtcp_req *)(sk))

/* Is @sk a full socket, rather than a TIME_WAIT or request object? */
static inline bool xtcp_sk_fullsock(const struct sock *sk)
{
	int state = READ_ONCE(sk->sk_state);

	return state != XTCP_TIME_WAIT && state != XTCP_NEW_SYN_RECV;
}

/* Is @sk a request object? */
static inline bool xtcp_sk_req(const struct sock *sk)
{
	return READ_ONCE(sk->sk_state) == XTCP_NEW_SYN_RECV;
}

#endif /* _XTCP_MINISOCK_H */
