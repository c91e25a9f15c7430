// SPDX-License-Identifier: GPL-2.0
/*
 * TIME_WAIT.
 *
 * When a connection reaches TIME_WAIT its socket is replaced in the
 * lookup tables by a small struct xtcp_tw that keeps just what the
 * state needs: the 4-tuple (in its sock_common), the two sequence
 * numbers for re-acknowledging a retransmitted FIN, and an hrtimer for
 * 2*MSL (net.xtcp.tw_timeout_ms).  The socket itself goes straight to
 * CLOSED, never to TIME_WAIT, so that the state of an entry found in the
 * tables says what it is (xtcp_sk_fullsock()); it is freed as soon as
 * the user lets go of it.
 *
 * In TIME_WAIT (RFC 9293 §3.10.7.4, RFC 1337):
 *   a retransmitted FIN    is acknowledged again; the timer restarts
 *   an RST                 is ignored (RFC 1337)
 *   a SYN above rcv_nxt    ends TIME_WAIT early: the pair is reused, the
 *                          new connection's ISN above the old snd_nxt
 *   anything else          that is not a pure in-sequence ACK gets an ACK,
 *                          at most one per invalid_ratelimit_ms unless
 *                          it carries data or a FIN
 *
 * References: the tables hold one (dropped by whoever unhashes), the
 * queued timer one, each lookup one.  Lookups run under RCU, so the
 * cache is SLAB_TYPESAFE_BY_RCU (hash.c says why).  The objects do not
 * pin the module; the namespace's exit (and so module unload) cancels
 * every timer and frees every object of the namespace.
 */
#include <linux/slab.h>
#include <net/tcp.h>

#include "xtcp.h"
#include "trace.h"

static struct kmem_cache *xtcp_tw_cachep;

/**
 * xtcp_tw_put() - drop a reference to a TIME_WAIT object.
 * @tw: the object.
 */
void xtcp_tw_put(struct xtcp_tw *tw)
{
	if (refcount_dec_and_test(&tw->common.skc_refcnt)) {
		atomic_dec(&xtcp_pernet(read_pnet(&tw->common.skc_net))->tw_count);
		kmem_cache_free(xtcp_tw_cachep, tw);
	}
}

/* The TIME_WAIT object ends (2MSL ran out, or a SYN reopens the pair). */
static void xtcp_tw_trace_end(const struct xtcp_tw *tw)
{
	const struct sock_common *c = &tw->common;

	trace_xtcp_state(read_pnet(&c->skc_net), tw, c->skc_rcv_saddr,
			 htons(c->skc_num), c->skc_daddr, c->skc_dport,
			 XTCP_TIME_WAIT, XTCP_CLOSE);
}

static enum hrtimer_restart xtcp_tw_timer_fn(struct hrtimer *t)
{
	struct xtcp_tw *tw = container_of(t, struct xtcp_tw, timer);

	if (xtcp_tw_unhash(tw)) {
		xtcp_tw_trace_end(tw);
		xtcp_tw_put(tw);
	}
	xtcp_tw_put(tw);
	return HRTIMER_NORESTART;
}

static u32 xtcp_tw_timeout(const struct net *net)
{
	return xtcp_sysctl(net, XTCP_SYSCTL_TW_TIMEOUT_MS);
}

/**
 * xtcp_enter_time_wait() - replace a socket by a TIME_WAIT object.
 * @sk: the socket, locked; it ends in CLOSED.
 *
 * Past net.xtcp.max_tw_buckets objects in the namespace, or without
 * memory for one, the connection simply closes, as TCP does when its
 * timewait table overflows.
 */
void xtcp_enter_time_wait(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_tw *tw;

	if (atomic_inc_return(&xtcp_pernet(net)->tw_count) >
	    xtcp_sysctl(net, XTCP_SYSCTL_MAX_TW_BUCKETS)) {
		/* As TCP's "time wait bucket table overflow": just close. */
		atomic_dec(&xtcp_pernet(net)->tw_count);
		XTCP_INC_STATS(net, XTCP_MIB_TIMEWAITOVERFLOW);
		xtcp_done(sk);
		return;
	}
	tw = xtcp_entry_alloc(xtcp_tw_cachep, sizeof(*tw));
	if (tw && xs->bind_port && xs->conn_slot >= 0) {
		struct sock_common *c = &tw->common;

		c->skc_daddr = sk->sk_daddr;
		c->skc_rcv_saddr = sk->sk_rcv_saddr;
		c->skc_dport = sk->sk_dport;
		c->skc_num = sk->sk_num;
		c->skc_family = sk->sk_family;
		c->skc_reuse = sk->sk_reuse;
		c->skc_bound_dev_if = sk->sk_bound_dev_if;
		c->skc_state = XTCP_TIME_WAIT;
		write_pnet(&c->skc_net, net);
		tw->snd_nxt = xs->snd_nxt;
		tw->rcv_nxt = xs->rcv_nxt;
		/* The window field as sent: scaled, as for any non-SYN. */
		tw->rcv_wnd = min_t(u32, xs->rcv_wnd >> xs->rcv_wscale, 65535);
		tw->ts = xs->ts;
		hrtimer_init(&tw->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
		tw->timer.function = xtcp_tw_timer_fn;
		/*
		 * The keys before the count, for a reader that reaches
		 * this memory through its previous life; then one
		 * reference for the tables, one for the timer.
		 */
		smp_wmb();
		refcount_set(&c->skc_refcnt, 2);
		/* Traced before the timer may end it (we hold no reference). */
		trace_xtcp_state(net, tw, c->skc_rcv_saddr, htons(c->skc_num),
				 c->skc_daddr, c->skc_dport, sk->sk_state,
				 XTCP_TIME_WAIT);
		trace_xtcp_tw_timer(tw, xtcp_tw_timeout(net));
		xtcp_tw_hash(tw, sk);
		tw->expires = ktime_add_ms(ktime_get(), xtcp_tw_timeout(net));
		hrtimer_start(&tw->timer, tw->expires, HRTIMER_MODE_ABS_SOFT);
		XTCP_INC_STATS(net, XTCP_MIB_TIMEWAITS);
	} else {
		if (tw)
			kmem_cache_free(xtcp_tw_cachep, tw);
		atomic_dec(&xtcp_pernet(net)->tw_count);
	}
	xtcp_done(sk);
}

/* Restart 2MSL, unless the timer is firing right now. */
static void xtcp_tw_restart(struct xtcp_tw *tw, const struct net *net)
{
	if (hrtimer_try_to_cancel(&tw->timer) != 1)
		return;
	tw->expires = ktime_add_ms(ktime_get(), xtcp_tw_timeout(net));
	hrtimer_start(&tw->timer, tw->expires, HRTIMER_MODE_ABS_SOFT);
	trace_xtcp_tw_timer(tw, xtcp_tw_timeout(net));
}

/* End TIME_WAIT now; the caller still holds its lookup reference. */
static void xtcp_tw_kill(struct xtcp_tw *tw)
{
	if (hrtimer_try_to_cancel(&tw->timer) == 1)
		xtcp_tw_put(tw);
	if (xtcp_tw_unhash(tw)) {
		xtcp_tw_trace_end(tw);
		xtcp_tw_put(tw);
	}
}

/**
 * xtcp_tw_rcv() - a segment for a connection in TIME_WAIT.
 * @tw: the object, referenced by the caller.
 * @skb: the segment; the caller frees it unless this returns true.
 *
 * Return: true when the segment is a SYN that may reopen the pair: the
 * object is gone and the caller should look the segment up again (it
 * will find the listener).
 */
bool xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct net *net = dev_net(skb->dev);

	if (th->rst)
		return false;
	if (th->syn && !th->ack && xtcp_seq_after(cb->seq, tw->rcv_nxt)) {
		/*
		 * The new incarnation starts above anything the old one
		 * sent, so its old duplicates cannot be taken for new
		 * data (RFC 9293 §3.4.1; TCP's tw_snd_nxt + 65535 + 2).
		 */
		XTCP_SKB_CB(skb)->tw_isn = (tw->snd_nxt + 65535 + 2) ?: 1;
		XTCP_INC_STATS(net, XTCP_MIB_TWRECYCLED);
		xtcp_tw_kill(tw);
		return true;
	}
	if (th->fin && xtcp_next_state(XTCP_TIME_WAIT, XTCP_EV_RCV_FIN) == XTCP_TIME_WAIT) {
		trace_xtcp_tw_fin(tw, cb->seq);
		xtcp_tw_restart(tw, net);
	} else if (!th->syn && cb->seq == cb->end_seq && cb->seq == tw->rcv_nxt) {
		return false;	/* a pure ACK in sequence: nothing to say */
	}
	if (xtcp_oow_rate_limited(net, skb, XTCP_MIB_ACKSKIPPEDTIMEWAIT,
				  &tw->last_oow_ack_time))
		return false;
	xtcp_v4_send_reply(net, skb, tw->snd_nxt, tw->rcv_nxt, TCPHDR_ACK,
			   tw->rcv_wnd, &tw->ts);
	return false;
}

/**
 * xtcp_tw_purge_net() - end every TIME_WAIT of a namespace that is going
 *	away (and so, at unload, of all of them).
 * @net: the namespace.
 *
 * Process context: waits for running timers.
 */
void xtcp_tw_purge_net(struct net *net)
{
	struct hlist_node *tmp;
	struct sock_common *c;
	HLIST_HEAD(list);

	xtcp_tw_collect(net, &list);
	hlist_for_each_entry_safe(c, tmp, &list, skc_bind_node) {
		struct xtcp_tw *tw = container_of(c, struct xtcp_tw, common);

		hlist_del(&c->skc_bind_node);
		if (hrtimer_cancel(&tw->timer))
			xtcp_tw_put(tw);
		xtcp_tw_put(tw);
	}
}

/**
 * xtcp_tw_init() - create the TIME_WAIT object cache.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_tw_init(void)
{
	xtcp_tw_cachep = KMEM_CACHE(xtcp_tw, SLAB_TYPESAFE_BY_RCU);
	return xtcp_tw_cachep ? 0 : -ENOMEM;
}

/**
 * xtcp_tw_exit() - destroy the cache; every object is gone by now.
 */
void xtcp_tw_exit(void)
{
	kmem_cache_destroy(xtcp_tw_cachep);
}
