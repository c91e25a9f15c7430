// SPDX-License-Identifier: GPL-2.0
/*
 * Passive open: listen(), SYNs arriving at a listener, the queue of
 * children, and accept().
 *
 * A SYN to a listener makes a request object (request.c), on the
 * listener's req_q, which answers with the SYN-ACK.  The ACK of it
 * makes the child socket, which takes the request's place in the conn
 * table, joins the listener's accept_q, and is ESTABLISHED by that ACK.
 * The queue keeps children in arrival order; accept() takes the first
 * one past SYN_RECV.  synq_len counts requests (and a child for the
 * moment between its making and its ACK), sk_ack_backlog the
 * established children not yet accepted; both are bounded by the
 * listen() backlog.  A SYN or final ACK beyond the accept queue's bound
 * is dropped and counted (ListenOverflows/ListenDrops), so the peer
 * retries as with TCP; a SYN beyond the SYN queue's is answered with a
 * SYN cookie (syncookie.c) unless net.xtcp.syncookies is 0, and the
 * child is made only when the cookie comes back.
 *
 * Ownership: a queued child's creation reference belongs to the queue
 * until accept() hands it to the new file; a child holds a reference on
 * its listener while child->parent is set.  Lock order: a child's
 * socket lock, then the listener's accept_lock.
 */
#include <net/tcp.h>

#include "xtcp.h"

enum {
	XTCP_CHILD_SYNRECV = 1,
	XTCP_CHILD_ESTAB,
};

/**
 * xtcp_listen() - proto_ops->listen.
 * @sock: the socket.
 * @backlog: bound of each queue; clamped by net.core.somaxconn.
 *
 * Return: 0, -EINVAL if the socket is connected or connecting, or
 * -EADDRINUSE if another socket listens on the port.
 */
int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (sk->sk_state == XTCP_LISTEN) {
		WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, 0));
		err = 0;
		goto out;
	}
	if (sk->sk_state != XTCP_CLOSE)
		goto out;
	if (!xtcp_sk(sk)->bind_port) {
		err = xtcp_bind_port(sk, 0, 0);
		if (err)
			goto out;
	}
	WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, 0));
	sk->sk_ack_backlog = 0;
	err = xtcp_listen_start(sk);
	if (err)
		goto out;
	xtcp_hash_listener(sk);
out:
	release_sock(sk);
	return err;
}

/**
 * struct xtcp_syn_params - what a child takes from its handshake: a
 *	request object's record of it, or a SYN cookie's.
 * @iss: our ISN.
 * @irs: the peer's.
 * @peer_mss: the peer's MSS option, or 0.
 * @rcv_wnd: the window our SYN-ACK offered.
 * @snd_wscale: the peer's window scale, with @wscale_ok.
 * @rcv_wscale: ours, with @wscale_ok.
 * @wscale_ok: both sides offered window scaling.
 * @ts: timestamps, if both sides offered them.
 * @sack_ok: both sides offered SACK.
 * @ecn_ok: the SYN asked for ECN and our SYN-ACK agreed.
 */
struct xtcp_syn_params {
	u32 iss;
	u32 irs;
	u16 peer_mss;
	u16 rcv_wnd;
	u8 snd_wscale;
	u8 rcv_wscale;
	bool wscale_ok;
	struct xtcp_ts ts;
	bool sack_ok;
	bool ecn_ok;
};

/* Put a new child on the queue; with @req, in the request's place. */
static bool xtcp_child_enqueue(struct sock *lsk, struct sock *sk,
			       struct xtcp_req *req)
{
	struct xtcp_sock *xl = xtcp_sk(lsk), *xs = xtcp_sk(sk);
	bool ok = true;

	spin_lock(&xl->accept_lock);
	if (req && list_empty(&req->node)) {
		ok = false;	/* dropped meanwhile: its timer gave up, an RST */
	} else {
		if (req)
			list_del_init(&req->node);	/* its synq_len is ours */
		else
			WRITE_ONCE(xl->synq_len, xl->synq_len + 1);
		list_add_tail(&xs->accept_node, &xl->accept_q);
		xs->in_acceptq = XTCP_CHILD_SYNRECV;
	}
	spin_unlock(&xl->accept_lock);
	return ok;
}

/*
 * Make the child of a handshake to @lsk whose last ACK is @skb (taken):
 * addresses from @skb, the rest from @p, in SYN_RECV, hashed (in @req's
 * place, if it came from a request) and on the accept queue; then the
 * ACK completes it as any ACK of a SYN-ACK does.
 * Return: 0, or -ENOMEM (counted by the caller as a listen drop).
 */
static int xtcp_child_open(struct sock *lsk, struct sk_buff *skb,
			   const struct xtcp_syn_params *p,
			   struct xtcp_req *req)
{
	struct net *net = sock_net(lsk);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct xtcp_sock *xs;
	struct sock *sk;

	sk = xtcp_sock_clone(lsk);
	if (!sk) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	xs = xtcp_sk(sk);
	bh_lock_sock(sk);
	sk->sk_daddr = iph->saddr;
	sk->sk_dport = th->source;
	inet_sk(sk)->inet_saddr = iph->daddr;
	sk->sk_rcv_saddr = iph->daddr;
	xtcp_bind_inherit(sk, lsk);
	if (xtcp_route(sk))
		goto drop_child;
	xs->ts = p->ts;
	xs->sack_ok = p->sack_ok;
	xs->ecn_flags = p->ecn_ok ? XTCP_ECN_OK : 0;
	if (p->ecn_ok)
		XTCP_INC_STATS(net, XTCP_MIB_ECNNEGOTIATED);
	xtcp_sack_rcv_reset(&xs->sack_rcv);
	xtcp_set_peer_mss(sk, p->peer_mss);
	xs->wscale_ok = p->wscale_ok;
	xs->snd_wscale = p->snd_wscale;
	xs->rcv_wscale = p->rcv_wscale;
	xtcp_set_iss(sk, p->iss);
	xs->irs = p->irs;
	xs->rcv_nxt = xs->irs + 1;
	xs->rcv_wup = xs->rcv_nxt;
	xs->rcv_wnd = p->rcv_wnd;
	xs->copied_seq = xs->rcv_nxt;
	xs->snd_wnd = ntohs(th->window);
	xs->max_window = xs->snd_wnd;
	xtcp_timer_rcvd(sk);
	xs->snd_wl1 = xs->irs;
	xs->snd_wl2 = xs->iss;
	xtcp_set_state(sk, xtcp_next_state(XTCP_LISTEN, XTCP_EV_RCV_SYN));
	if (!req && xtcp_hash_connection(sk))
		goto drop_child;

	sock_hold(lsk);
	xs->parent = lsk;
	if (!xtcp_child_enqueue(lsk, sk, req)) {
		xs->parent = NULL;
		sock_put(lsk);
		goto drop_child;
	}
	if (req) {
		xtcp_req_replace(req, sk);
		xtcp_req_made_child(req);
	}
	XTCP_INC_STATS(net, XTCP_MIB_PASSIVEOPENS);
	sock_hold(sk);		/* the queue's reference may go below */
	xtcp_rcv(sk, skb);
	/*
	 * The ACK was checked against the request or the cookie, so the
	 * child is past SYN_RECV; if not, it must not stay without a
	 * timer (it never sent a SYN-ACK of its own to resend).
	 */
	if (sk->sk_state == XTCP_SYN_RECV)
		xtcp_done(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;

drop_child:
	xtcp_done(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
	kfree_skb(skb);
	return -ENOMEM;
}

/**
 * xtcp_listen_syn() - a SYN arrived at a listener: make a request
 *	object, or answer with a SYN cookie when the SYN queue is full
 *	(net.xtcp.syncookies=1) or always (=2).
 * @lsk: the listener, locked, BH disabled.
 * @skb: the SYN; the caller frees it.
 *
 * Return: XTCP_DROP_NONE if it was answered, else why it was dropped.
 */
enum xtcp_drop_reason xtcp_listen_syn(struct sock *lsk, struct sk_buff *skb)
{
	enum xtcp_drop_reason why = XTCP_DROP_LISTEN_REFUSED;
	struct xtcp_sock *xl = xtcp_sk(lsk);
	struct net *net = sock_net(lsk);
	u32 max = READ_ONCE(lsk->sk_max_ack_backlog);
	struct xtcp_opts opts;

	if (sk_acceptq_is_full(lsk)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENOVERFLOWS);
		why = XTCP_DROP_LISTEN_OVERFLOW;
		goto drop;
	}
	if (xtcp_sysctl(net, XTCP_SYSCTL_SYNCOOKIES) == 2 ||
	    READ_ONCE(xl->synq_len) > max) {
		if (!xtcp_syncookie_send(lsk, skb))
			goto drop;
		return XTCP_DROP_NONE;
	}

	xtcp_parse_options(tcp_hdr(skb), &opts);
	if (!xtcp_req_open(lsk, skb, &opts))
		return XTCP_DROP_NONE;

drop:
	XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
	return why;
}

/*
 * The ACK of a request's SYN-ACK, handed over by xtcp_v4_rcv(): make
 * the child.  Another ACK may have made it first (it is then the one in
 * the table): this one is dropped and the peer resends what it held.
 * With the accept queue full the request stays, and its SYN-ACK resends
 * draw the ACK again later, as with TCP.  Listener locked, BH off.
 */
static bool xtcp_listen_req_ack(struct sock *lsk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = sock_net(lsk);
	struct xtcp_syn_params p;
	struct xtcp_req *req;
	struct sock *e;

	e = xtcp_lookup_established(net, iph->saddr, th->source, iph->daddr,
				    th->dest);
	if (!e)
		return false;
	if (!xtcp_sk_req(e) || XTCP_REQ(e)->listener != lsk) {
		xtcp_entry_put(e);
		kfree_skb(skb);
		return true;
	}
	req = XTCP_REQ(e);
	if (sk_acceptq_is_full(lsk)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENOVERFLOWS);
		XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
		kfree_skb(skb);
		goto out;
	}
	p = (struct xtcp_syn_params) {
		.iss = req->iss,
		.irs = req->irs,
		.peer_mss = req->peer_mss,
		.rcv_wnd = req->rcv_wnd,
		.snd_wscale = req->snd_wscale,
		.rcv_wscale = req->rcv_wscale,
		.wscale_ok = req->wscale_ok,
		.ts = req->ts,
		.sack_ok = req->sack_ok,
		.ecn_ok = req->ecn_ok,
	};
	if (xtcp_child_open(lsk, skb, &p, req))
		XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
out:
	xtcp_req_put(req);
	return true;
}

/**
 * xtcp_listen_ack() - an ACK without SYN arrived at a listener: the
 *	last of a handshake, whose request object or SYN cookie makes the
 *	child; or a stray, for the caller to reset.
 * @lsk: the listener, locked.
 * @skb: the ACK.
 *
 * A cookie child never sent a SYN-ACK of its own: the cookie was its
 * ISN, the window of the cookie's SYN-ACK its first window, and what
 * the cookie cannot hold (window scaling) it goes without.
 *
 * Return: true if @skb was consumed; false if it belongs to nothing
 * (the caller resets it).
 */
bool xtcp_listen_ack(struct sock *lsk, struct sk_buff *skb)
{
	struct net *net = sock_net(lsk);
	struct xtcp_syn_params p = { };
	bool done = true;
	int mss;

	/* From the backlog this runs with BH on; the child's lock wants it off. */
	local_bh_disable();
	if (xtcp_listen_req_ack(lsk, skb))
		goto out;
	mss = xtcp_syncookie_check(lsk, skb);
	if (!mss) {
		done = false;
		goto out;
	}
	if (sk_acceptq_is_full(lsk)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENOVERFLOWS);
		XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
		kfree_skb(skb);
		goto out;
	}
	p.peer_mss = mss;
	p.iss = ntohl(tcp_hdr(skb)->ack_seq) - 1;	/* the cookie, even 0 */
	p.irs = XTCP_SKB_CB(skb)->seq - 1;
	p.rcv_wnd = min_t(u32, xtcp_rcv_space(lsk), 65535U);
	if (xtcp_child_open(lsk, skb, &p, NULL))
		XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
out:
	local_bh_enable();
	return done;
}

/**
 * xtcp_child_established() - a child finished its handshake.
 * @sk: the child, locked, now ESTABLISHED.
 */
void xtcp_child_established(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock *lsk = xs->parent;
	struct xtcp_sock *xl = xtcp_sk(lsk);
	bool wake = false;

	spin_lock_bh(&xl->accept_lock);
	if (xs->in_acceptq == XTCP_CHILD_SYNRECV) {
		xs->in_acceptq = XTCP_CHILD_ESTAB;
		WRITE_ONCE(xl->synq_len, xl->synq_len - 1);
		sk_acceptq_added(lsk);
		wake = true;
	}
	spin_unlock_bh(&xl->accept_lock);
	if (wake)
		lsk->sk_data_ready(lsk);
}

/* Take a queued child off the queue; accept_lock held. */
static void __xtcp_child_unlink(struct sock *lsk, struct xtcp_sock *xs)
{
	struct xtcp_sock *xl = xtcp_sk(lsk);

	list_del_init(&xs->accept_node);
	if (xs->in_acceptq == XTCP_CHILD_SYNRECV)
		WRITE_ONCE(xl->synq_len, xl->synq_len - 1);
	else
		sk_acceptq_removed(lsk);
	xs->in_acceptq = 0;
}

/* Take @sk off its listener's queue; false if accept() already did. */
static bool xtcp_child_unlink(struct sock *lsk, struct sock *sk)
{
	struct xtcp_sock *xl = xtcp_sk(lsk), *xs = xtcp_sk(sk);
	bool did = false;

	spin_lock_bh(&xl->accept_lock);
	if (xs->in_acceptq) {
		__xtcp_child_unlink(lsk, xs);
		did = true;
	}
	spin_unlock_bh(&xl->accept_lock);
	return did;
}

/**
 * xtcp_child_drop() - a child died before accept(): leave the queue.
 * @sk: the child, locked, closed; the caller holds a reference.
 *
 * If accept() has already taken the child, accept() owns it and will
 * find it closed; nothing is done here.
 */
void xtcp_child_drop(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sock *lsk = xs->parent;

	if (!xtcp_child_unlink(lsk, sk))
		return;
	xs->parent = NULL;
	sock_orphan(sk);
	xtcp_unbind(sk);
	sock_put(lsk);
	sock_put(sk);		/* the queue's reference; the caller has one */
}

/*
 * Take the first child off a closing listener's queue, with a reference
 * taken under accept_lock: once the lock drops, the child may die on
 * another CPU (SYN-ACK retries spent, an RST), and only our reference
 * keeps it from being freed under us.  The queue's own reference comes
 * with it.
 */
static struct sock *xtcp_listen_pop(struct sock *lsk)
{
	struct xtcp_sock *xl = xtcp_sk(lsk), *xs;
	struct sock *sk = NULL;

	spin_lock_bh(&xl->accept_lock);
	xs = list_first_entry_or_null(&xl->accept_q, struct xtcp_sock,
				      accept_node);
	if (xs) {
		sk = &xs->inet.sk;
		sock_hold(sk);
		__xtcp_child_unlink(lsk, xs);
	}
	spin_unlock_bh(&xl->accept_lock);
	return sk;
}

/**
 * xtcp_listen_stop() - close a listener: drop its requests, reset and
 *	free every child.
 * @lsk: the listener, owned by the caller (lock_sock()).
 */
void xtcp_listen_stop(struct sock *lsk)
{
	struct sock *sk;

	xtcp_unhash(lsk);
	xtcp_transition(lsk, XTCP_EV_CLOSE);
	xtcp_req_close_all(lsk);
	while ((sk = xtcp_listen_pop(lsk))) {
		lock_sock_nested(sk, SINGLE_DEPTH_NESTING);
		if (sk->sk_state != XTCP_CLOSE) {
			xtcp_send_active_reset(sk, XTCP_RST_LISTENER_CLOSED);
			xtcp_done(sk);
		}
		xtcp_sk(sk)->parent = NULL;
		sock_orphan(sk);
		xtcp_unbind(sk);
		release_sock(sk);
		sock_put(lsk);
		sock_put(sk);		/* the queue's reference */
		sock_put(sk);		/* ours, from xtcp_listen_pop() */
	}
}

/* The first established child, taken off the queue; or NULL. */
static struct sock *xtcp_accept_dequeue(struct sock *lsk)
{
	struct xtcp_sock *xl = xtcp_sk(lsk), *xs;
	struct sock *found = NULL;

	spin_lock_bh(&xl->accept_lock);
	list_for_each_entry(xs, &xl->accept_q, accept_node) {
		if (xs->in_acceptq == XTCP_CHILD_ESTAB) {
			list_del_init(&xs->accept_node);
			xs->in_acceptq = 0;
			sk_acceptq_removed(lsk);
			found = &xs->inet.sk;
			break;
		}
	}
	spin_unlock_bh(&xl->accept_lock);
	return found;
}

/**
 * xtcp_accept_ready() - has a listener a child to accept?
 * @lsk: the listener.
 *
 * Return: true if accept() would not block.
 */
bool xtcp_accept_ready(const struct sock *lsk)
{
	return READ_ONCE(lsk->sk_ack_backlog) > 0;
}

static int xtcp_accept_wait(struct sock *lsk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(lsk), &wait);
	sk_wait_event(lsk, timeo, xtcp_accept_ready(lsk) ||
		      lsk->sk_state != XTCP_LISTEN, &wait);
	remove_wait_queue(sk_sleep(lsk), &wait);
	return 0;
}

/**
 * xtcp_accept_sk() - wait for and take an established child.
 * @lsk: the listener.
 * @flags: O_NONBLOCK from the file.
 * @err: set on failure.
 *
 * Return: the child, its reference now the caller's, or NULL.
 */
struct sock *xtcp_accept_sk(struct sock *lsk, int flags, int *err)
{
	long timeo = sock_rcvtimeo(lsk, flags & O_NONBLOCK);
	struct sock *sk = NULL;

	lock_sock(lsk);
	*err = -EINVAL;
	while (lsk->sk_state == XTCP_LISTEN) {
		sk = xtcp_accept_dequeue(lsk);
		if (sk)
			break;
		*err = -EAGAIN;
		if (!timeo)
			break;
		if (signal_pending(current)) {
			*err = sock_intr_errno(timeo);
			break;
		}
		xtcp_accept_wait(lsk, &timeo);
		*err = -EINVAL;
	}
	release_sock(lsk);
	if (!sk)
		return NULL;

	lock_sock(sk);
	xtcp_sk(sk)->parent = NULL;
	xtcp_mem_cgroup_accept(sk);
	release_sock(sk);
	sock_put(lsk);
	*err = 0;
	return sk;
}
