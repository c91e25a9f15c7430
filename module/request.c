// SPDX-License-Identifier: GPL-2.0
/*
 * Half-open connections (TCP's request_sock).
 *
 * A SYN to a listener makes a struct xtcp_req, not a socket: the
 * 4-tuple, both ISNs, what the SYN's options said, a reference on the
 * listener and one hrtimer that resends the SYN-ACK.  It sits in the
 * conn table, in state XTCP_NEW_SYN_RECV so that a lookup knows what it
 * found (minisock.h), and on its listener's req_q, counted in synq_len,
 * so that listen()'s backlog bounds how many there are and close()
 * finds them.  A flood of SYNs therefore costs one small object per
 * queue slot, and SYN cookies take over when the queue is full.
 *
 * A segment for a request is handled here without any lock, as a SYN_RECV
 * socket would handle it (RFC 9293 §3.10.7.4): the SYN resent draws the
 * SYN-ACK again; an RST at irs + 1 drops the request, elsewhere in the
 * window draws a challenge ACK; out of the window, an ACK; an ACK of
 * anything but our SYN, an RST.  The ACK of our SYN goes to the
 * listener, which makes the child (listen.c): the child takes the
 * request's place in the conn table and the ACK completes its handshake.
 *
 * Claiming: a request leaves its listener's req_q exactly once, under
 * the listener's accept_lock, by whoever makes it a child or drops it
 * (its timer giving up, an RST, the listener closing).  Only the
 * claimer takes it out of the conn table.
 *
 * References: the conn table holds one, the queued timer one, each
 * lookup one.  The last put frees it and drops the listener.  The cache
 * is SLAB_TYPESAFE_BY_RCU, as the lookup needs (hash.c).
 */
#include <linux/slab.h>
#include <net/tcp.h>

#include "xtcp.h"

static struct kmem_cache *xtcp_req_cachep;

/**
 * xtcp_req_put() - drop a reference to a request object.
 * @req: the object.
 */
void xtcp_req_put(struct xtcp_req *req)
{
	if (refcount_dec_and_test(&req->common.skc_refcnt)) {
		sock_put(req->listener);
		kmem_cache_free(xtcp_req_cachep, req);
	}
}

/* Take @req off its listener's queue; false if someone else did. */
static bool xtcp_req_claim(struct xtcp_req *req)
{
	struct xtcp_sock *xl = xtcp_sk(req->listener);
	bool did = false;

	spin_lock_bh(&xl->accept_lock);
	if (!list_empty(&req->node)) {
		list_del_init(&req->node);
		WRITE_ONCE(xl->synq_len, xl->synq_len - 1);
		did = true;
	}
	spin_unlock_bh(&xl->accept_lock);
	return did;
}

static bool xtcp_req_claimed(struct xtcp_req *req)
{
	struct xtcp_sock *xl = xtcp_sk(req->listener);
	bool claimed;

	spin_lock_bh(&xl->accept_lock);
	claimed = list_empty(&req->node);
	spin_unlock_bh(&xl->accept_lock);
	return claimed;
}

/*
 * After a claim: out of the conn table, timer stopped (unless its
 * callback is running: then it finds the request claimed and puts its
 * own reference).  The caller still holds a reference.
 */
static void xtcp_req_finish(struct xtcp_req *req)
{
	if (xtcp_req_unhash(req))
		xtcp_req_put(req);
	if (hrtimer_try_to_cancel(&req->timer) == 1)
		xtcp_req_put(req);
}

/**
 * xtcp_req_drop() - end a request: claimed, it leaves the tables.
 * @req: the request; the caller holds a reference.
 */
void xtcp_req_drop(struct xtcp_req *req)
{
	if (xtcp_req_claim(req))
		xtcp_req_finish(req);
}

/**
 * xtcp_req_made_child() - the request became a child socket, which
 *	has taken its place in the conn table (xtcp_req_replace()).
 * @req: the request, claimed by the caller, who holds a reference.
 */
void xtcp_req_made_child(struct xtcp_req *req)
{
	if (hrtimer_try_to_cancel(&req->timer) == 1)
		xtcp_req_put(req);
	xtcp_req_put(req);	/* the conn table's, which the child took over */
}

static enum hrtimer_restart xtcp_req_timer_fn(struct hrtimer *t)
{
	struct xtcp_req *req = container_of(t, struct xtcp_req, timer);
	struct net *net = sock_net(req->listener);
	u8 defer = READ_ONCE(xtcp_sk(req->listener)->defer_accept);
	bool acked = READ_ONCE(req->acked);

	if (xtcp_req_claimed(req))
		goto put;
	/*
	 * XTCP_DEFER_ACCEPT, as TCP's syn_ack_recalc(): once a bare ACK
	 * came, live until the deferral is over, and resend the SYN-ACK
	 * only at its end, to draw the peer's ACK (or data) once more.
	 */
	if (req->retrans >= xtcp_sysctl(net, XTCP_SYSCTL_SYNACK_RETRIES) &&
	    (!acked || req->retrans >= defer)) {
		/* As TCP: a request that times out goes quietly. */
		XTCP_INC_STATS(net, XTCP_MIB_TIMEOUTS);
		if (xtcp_req_claim(req) && xtcp_req_unhash(req))
			xtcp_req_put(req);
		goto put;
	}
	req->retrans++;
	if (!acked || req->retrans >= defer) {
		XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
		xtcp_req_send_synack(req);
	}
	req->rto_ms = min_t(u32, req->rto_ms * 2,
			    xtcp_sysctl(net, XTCP_SYSCTL_RTO_MAX_MS));
	req->expires = ktime_add_ms(ktime_get(), req->rto_ms);
	hrtimer_set_expires(t, req->expires);
	return HRTIMER_RESTART;
put:
	xtcp_req_put(req);
	return HRTIMER_NORESTART;
}

/**
 * xtcp_req_open() - a SYN arrived at a listener: make its request,
 *	send the SYN-ACK.
 * @lsk: the listener, locked, BH disabled; synq_len has room.
 * @skb: the SYN.
 * @opts: its options.
 *
 * Return: 0; -ENOMEM, -EHOSTUNREACH (no route back) or -EADDRINUSE (a
 * request for the same 4-tuple got in first), each a listen drop.
 */
int xtcp_req_open(struct sock *lsk, const struct sk_buff *skb,
		  const struct xtcp_opts *opts)
{
	struct xtcp_sock *xl = xtcp_sk(lsk);
	struct net *net = sock_net(lsk);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct sock_common *c;
	struct xtcp_req *req;
	int mss;

	req = xtcp_entry_alloc(xtcp_req_cachep, sizeof(*req));
	if (!req)
		return -ENOMEM;
	c = &req->common;
	c->skc_daddr = iph->saddr;
	c->skc_rcv_saddr = iph->daddr;
	c->skc_dport = th->source;
	c->skc_num = lsk->sk_num;
	c->skc_family = lsk->sk_family;
	c->skc_bound_dev_if = lsk->sk_bound_dev_if;
	c->skc_state = XTCP_NEW_SYN_RECV;
	write_pnet(&c->skc_net, net);
	mss = xtcp_route_mss(lsk, iph->saddr, iph->daddr, th->source);
	if (mss < 0) {
		kmem_cache_free(xtcp_req_cachep, req);
		return mss;
	}
	req->advmss = mss;
	req->peer_mss = opts->mss;
	if (opts->wscale_ok && xtcp_sysctl(net, XTCP_SYSCTL_WINDOW_SCALING)) {
		req->wscale_ok = true;
		req->snd_wscale = opts->wscale;
		req->rcv_wscale = xtcp_choose_wscale(lsk);
	}
	req->sack_ok = opts->sack_ok && xtcp_sysctl(net, XTCP_SYSCTL_SACK);
	req->ecn_ok = xtcp_ecn_syn_ok(net, skb);
	if (opts->ts_ok && xtcp_sysctl(net, XTCP_SYSCTL_TIMESTAMPS)) {
		req->ts.ok = true;
		req->ts.offset = get_random_u32();
		xtcp_ts_store(&req->ts, opts->tsval);
	}
	req->rcv_wnd = min_t(u32, __xtcp_rcv_space(lsk, 0, mss), 65535U);
	req->irs = XTCP_SKB_CB(skb)->seq;
	req->iss = XTCP_SKB_CB(skb)->tw_isn ?:
		   xtcp_new_isn(iph->daddr, iph->saddr, th->dest, th->source);
	req->rto_ms = xtcp_sysctl(net, XTCP_SYSCTL_RTO_INITIAL_MS);
	INIT_LIST_HEAD(&req->node);
	hrtimer_init(&req->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	req->timer.function = xtcp_req_timer_fn;

	sock_hold(lsk);
	req->listener = lsk;
	/* The keys before the count (hash.c); one for the table, one for the timer. */
	smp_wmb();
	refcount_set(&c->skc_refcnt, 2);
	if (xtcp_hash_req(req)) {
		/* Never published; but a stale lookup may hold it a moment. */
		xtcp_req_put(req);
		xtcp_req_put(req);
		return -EADDRINUSE;
	}
	spin_lock(&xl->accept_lock);
	list_add_tail(&req->node, &xl->req_q);
	WRITE_ONCE(xl->synq_len, xl->synq_len + 1);
	spin_unlock(&xl->accept_lock);

	xtcp_req_send_synack(req);
	req->expires = ktime_add_ms(ktime_get(), req->rto_ms);
	hrtimer_start(&req->timer, req->expires, HRTIMER_MODE_ABS_SOFT);
	return 0;
}

/* Our ACK, as a SYN_RECV socket sends it: our SYN acknowledged next. */
static void xtcp_req_send_ack(struct xtcp_req *req, const struct sk_buff *skb)
{
	xtcp_v4_send_reply(sock_net(req->listener), skb, req->iss + 1,
			   req->irs + 1, TCPHDR_ACK, req->rcv_wnd >> req->rcv_wscale,
			   &req->ts);
}

/*
 * With timestamps, as a socket (xtcp_ts_verdict()); TS.Recent stays the
 * SYN's, which the child's first segment, this ACK, moves on.
 */
static bool xtcp_req_ts_ok(struct xtcp_req *req, const struct sk_buff *skb)
{
	struct net *net = sock_net(req->listener);
	struct xtcp_opts opts;

	switch (xtcp_ts_verdict(net, &req->ts, tcp_hdr(skb), &opts)) {
	case XTCP_TS_PASS:
		return true;
	case XTCP_TS_OLD:
		if (!xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDPAWS,
					   &req->last_oow_ack_time))
			xtcp_req_send_ack(req, skb);
		break;
	case XTCP_TS_DROP:
		break;
	}
	return false;
}

/**
 * xtcp_req_rcv() - a segment for a half-open connection.
 * @req: the request, referenced by the caller.
 * @skb: the segment; the caller frees it unless this returns true.
 *
 * Return: true if @skb acknowledges our SYN-ACK: the caller hands it to
 * the listener, which makes the child.
 */
bool xtcp_req_rcv(struct xtcp_req *req, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct net *net = sock_net(req->listener);
	u32 rcv_nxt = req->irs + 1;

	/* The SYN again: our SYN-ACK was lost. */
	if (th->syn && !th->ack && !th->rst && cb->seq == req->irs) {
		if (!xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDSYNRECV,
					   &req->last_oow_ack_time)) {
			XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
			xtcp_req_send_synack(req);
		}
		return false;
	}
	if (req->ts.ok && !xtcp_req_ts_ok(req, skb))
		return false;
	if (!xtcp_seq_acceptable(rcv_nxt, req->rcv_wnd, cb->seq,
				 cb->end_seq - cb->seq)) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTOFWINDOW);
		if (th->syn) {
			if (xtcp_challenge_ack_allowed(net, skb, &req->last_oow_ack_time))
				xtcp_req_send_ack(req, skb);
		} else if (!th->rst &&
			   !xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDSEQ,
						  &req->last_oow_ack_time)) {
			xtcp_req_send_ack(req, skb);
		}
		return false;
	}
	if (th->rst) {
		if (cb->seq == rcv_nxt)
			xtcp_req_drop(req);
		else if (xtcp_challenge_ack_allowed(net, skb, &req->last_oow_ack_time))
			xtcp_req_send_ack(req, skb);
		return false;
	}
	if (th->syn) {
		if (xtcp_challenge_ack_allowed(net, skb, &req->last_oow_ack_time))
			xtcp_req_send_ack(req, skb);
		return false;
	}
	if (!th->ack)
		return false;
	if (ntohl(th->ack_seq) != req->iss + 1) {
		xtcp_v4_send_reset(net, skb, XTCP_RST_BAD_ACK);
		return false;
	}
	/* XTCP_DEFER_ACCEPT: a bare ACK waits for data (or the deferral's end). */
	if (cb->end_seq == rcv_nxt &&
	    READ_ONCE(req->retrans) < READ_ONCE(xtcp_sk(req->listener)->defer_accept)) {
		WRITE_ONCE(req->acked, true);
		XTCP_INC_STATS(net, XTCP_MIB_DEFERACCEPTDROP);
		return false;
	}
	return true;
}

/**
 * xtcp_req_pop() - claim a closing listener's first request.
 * @lsk: the listener, owned by the caller.
 *
 * Return: the request, claimed, with a reference for the caller to
 * pass to xtcp_req_close(); or NULL when none is left.
 */
static struct xtcp_req *xtcp_req_pop(struct sock *lsk)
{
	struct xtcp_sock *xl = xtcp_sk(lsk);
	struct xtcp_req *req;

	spin_lock_bh(&xl->accept_lock);
	req = list_first_entry_or_null(&xl->req_q, struct xtcp_req, node);
	if (req) {
		/* Still on the queue, so still hashed: the count is not 0. */
		refcount_inc(&req->common.skc_refcnt);
		list_del_init(&req->node);
		WRITE_ONCE(xl->synq_len, xl->synq_len - 1);
	}
	spin_unlock_bh(&xl->accept_lock);
	return req;
}

/**
 * xtcp_req_close_all() - drop every request of a closing listener.
 * @lsk: the listener, owned by the caller, already out of the listen
 *	table, so that no new request appears.
 *
 * Process context: waits for running timers.
 */
void xtcp_req_close_all(struct sock *lsk)
{
	struct xtcp_req *req;

	while ((req = xtcp_req_pop(lsk))) {
		if (xtcp_req_unhash(req))
			xtcp_req_put(req);
		if (hrtimer_cancel(&req->timer))
			xtcp_req_put(req);
		xtcp_req_put(req);
	}
}

/**
 * xtcp_req_walk() - visit the requests of a listener, for /proc.
 * @lsk: the listener.
 * @fn: called under the listener's accept_lock; must not sleep.
 * @arg: passed to @fn.
 */
void xtcp_req_walk(struct sock *lsk, void (*fn)(struct xtcp_req *, void *),
		   void *arg)
{
	struct xtcp_sock *xl = xtcp_sk(lsk);
	struct xtcp_req *req;

	spin_lock_bh(&xl->accept_lock);
	list_for_each_entry(req, &xl->req_q, node)
		fn(req, arg);
	spin_unlock_bh(&xl->accept_lock);
}

/**
 * xtcp_req_init() - create the request object cache.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_req_init(void)
{
	xtcp_req_cachep = KMEM_CACHE(xtcp_req, SLAB_TYPESAFE_BY_RCU);
	return xtcp_req_cachep ? 0 : -ENOMEM;
}

/**
 * xtcp_req_exit() - destroy the cache; every object is gone by now.
 */
void xtcp_req_exit(void)
{
	kmem_cache_destroy(xtcp_req_cachep);
}
