// SPDX-License-Identifier: GPL-2.0
/*
 * Timers of a connection.  Every timer is an hrtimer firing in softirq
 * context (HRTIMER_MODE_REL_SOFT):
 *
 *   rtx_timer    retransmission: resends our SYN (SYN_SENT), SYN-ACK
 *                (SYN_RECV), or, after a timeout, the data and FIN from
 *                the oldest unacknowledged segment on; the RTO comes
 *                from the RTT estimate (RFC 6298, cong.c), doubles per
 *                backoff up to rto_max_ms; after syn_retries,
 *                synack_retries or retries2, or XTCP_USER_TIMEOUT, it
 *                gives up with ETIMEDOUT.
 *                loss probe: the same timer, for a probe timeout of
 *                about two RTTs, while a connection with SACK is in
 *                the open state with data in flight and no probe out
 *                (tlp.c); after the probe it is the RTO again.
 *                reordering: the same timer, when RACK (rack.c) waits
 *                for segments still inside the reordering window; when
 *                it fires, those whose time is up are lost and recovery
 *                repairs them; then it is the RTO again.  It is not
 *                restarted by ACKs meanwhile, and is never later than
 *                an RTO.
 *                persist: the same timer while data waits with nothing
 *                in flight, on a zero window (it sends window probes
 *                with exponential backoff) or held by XTCP_CORK or
 *                MSG_MORE (it sends the held segment: the cork's
 *                ceiling of one RTO, 200 ms or more, as TCP's probe
 *                timer gives TCP_CORK).
 *   delack_timer the delayed ACK: fires delack_ms after data that was
 *                not acknowledged at once.
 *   misc_timer   keepalive (SO_KEEPALIVE): probes an idle connection
 *                after keepidle, every keepintvl, and drops it after
 *                keepcnt unanswered probes.  For an orphan in
 *                FIN_WAIT_2, the same timer bounds the wait for the
 *                peer's FIN (fin_timeout_ms), as in Linux TCP.
 *
 * The TIME_WAIT timer belongs to the timewait object (timewait.c).
 *
 * The rest of the module only reports events (xtcp_timer_data_sent(),
 * xtcp_timer_ack_progress(), xtcp_timer_rcvd(), ...); this file decides
 * what to arm.  A queued timer holds a socket reference.  A timer that
 * fires while the user owns the socket leaves its work to
 * xtcp_release_cb(), as TCP's timers do.  A callback that lost a race
 * with a re-arm or a cancel finds its pending bit clear or its timer
 * queued again, and does nothing.
 */
#include <linux/hrtimer.h>

#include "xtcp.h"
#include "diag.h"
#include "trace.h"

enum {
	XTCP_PENDING_RTX,
	XTCP_PENDING_MISC,
	XTCP_PENDING_DELACK,
	XTCP_PENDING_PERSIST,	/* rtx_timer is armed as the persist timer */
	XTCP_PENDING_PROBE,	/* rtx_timer is armed as the loss probe timer */
	XTCP_PENDING_REORDER,	/* rtx_timer is armed as RACK's reordering timer */
};

/*
 * A queued timer holds one socket reference.  Re-arming a queued timer
 * carries its reference over.  hrtimer_try_to_cancel() cannot dequeue a
 * timer whose callback is running, even one that callback has already
 * re-armed (it returns -1): a timer still queued after it keeps its
 * reference too.  Only an idle timer takes a new one.
 */
static void xtcp_timer_arm(struct sock *sk, struct hrtimer *t, int bit, u32 ms)
{
	if (hrtimer_try_to_cancel(t) != 1 && !hrtimer_is_queued(t))
		sock_hold(sk);
	set_bit(bit, &xtcp_sk(sk)->pending);
	hrtimer_start(t, ms_to_ktime(ms), HRTIMER_MODE_REL_SOFT);
}

static void xtcp_timer_cancel(struct sock *sk, struct hrtimer *t, int bit)
{
	clear_bit(bit, &xtcp_sk(sk)->pending);
	if (hrtimer_try_to_cancel(t) == 1)
		__sock_put(sk);
}

/* Is this expiry still wanted?  Called with the socket locked. */
static bool xtcp_timer_due(struct sock *sk, struct hrtimer *t, int bit)
{
	if (hrtimer_is_queued(t))
		return false;
	return test_and_clear_bit(bit, &xtcp_sk(sk)->pending);
}

static u32 xtcp_rto_max(const struct sock *sk)
{
	return xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RTO_MAX_MS);
}

/* XTCP_USER_TIMEOUT ran out since @start. */
static bool xtcp_user_timeout_expired(struct sock *sk, ktime_t start)
{
	u32 limit = READ_ONCE(xtcp_sk(sk)->user_timeout);

	if (!limit || ktime_ms_delta(ktime_get(), start) < limit)
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_USERTIMEOUTS);
	return true;
}

/* Fire no later than the user timeout, so it is kept to the ms. */
static u32 xtcp_clamp_to_user_timeout(struct sock *sk, u32 ms)
{
	u32 limit = READ_ONCE(xtcp_sk(sk)->user_timeout);
	s64 left;

	if (!limit)
		return ms;
	left = limit - ktime_ms_delta(ktime_get(), xtcp_sk(sk)->rtx_start);
	return clamp_t(s64, left, 1, ms);
}

/* The error: what an ICMP message said meanwhile, if anything (icmp.c). */
static void xtcp_give_up(struct sock *sk, bool send_rst)
{
	xtcp_abort(sk, READ_ONCE(sk->sk_err_soft) ?: ETIMEDOUT,
		   send_rst ? XTCP_RST_TIMEOUT : XTCP_RST_NONE);
}

/*
 * An orphan's limit, TCP's tcp_orphan_retries(): net.xtcp.orphan_retries,
 * 0 meaning 8 while the RTO has not reached its ceiling; none left once
 * it has and an ICMP error says the peer is unreachable.
 */
static u32 xtcp_orphan_retries(struct sock *sk)
{
	u32 retries = xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_ORPHAN_RETRIES);
	bool alive = xtcp_sk(sk)->rto < xtcp_rto_max(sk);

	if (READ_ONCE(sk->sk_err_soft) && !alive)
		return 0;
	if (!retries && alive)
		retries = 8;
	return retries;
}

/*
 * Retransmissions or window probes are spent: retries2 for every
 * connection, and for an orphan also orphan_retries (counted in
 * backoffs, which a peer answering probes with a zero window does not
 * reset), or at once when there are too many orphans or memory is past
 * net.xtcp.mem's hard limit.  So a closed socket is gone within a
 * bounded time whatever its peer does.
 */
static bool xtcp_retries_spent(struct sock *sk, u32 count)
{
	struct net *net = sock_net(sk);

	if (count >= xtcp_sysctl(net, XTCP_SYSCTL_RETRIES2))
		return true;
	if (!sock_flag(sk, SOCK_DEAD))
		return false;
	if (xtcp_sk(sk)->retries >= xtcp_orphan_retries(sk))
		return true;
	if (xtcp_too_many_orphans(net) || xtcp_out_of_memory(sk)) {
		XTCP_INC_STATS(net, XTCP_MIB_ABORTONMEMORY);
		return true;
	}
	return false;
}

/* The persist timer: probe a zero window (RFC 9293 §3.8.6.1). */
static void xtcp_persist_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);

	if (!xs->send_head || xs->packets_out)
		return;		/* the window opened meanwhile */
	/* Held by cork or MSG_MORE with room in the window: not a stall. */
	if (xtcp_write_wakeup(sk))
		return;		/* it went: the RTX timer runs */
	if (xtcp_retries_spent(sk, xs->probes_out) ||
	    xtcp_user_timeout_expired(sk, xs->rtx_start)) {
		xtcp_give_up(sk, true);
		return;
	}
	trace_xtcp_timer(sk, XTCP_TIMER_PERSIST);
	xtcp_send_probe(sk);
	XTCP_INC_STATS(net, XTCP_MIB_ZEROWINDOWPROBES);
	xs->probes_out++;
	if (xs->retries < 16)
		xs->retries++;
	set_bit(XTCP_PENDING_PERSIST, &xs->pending);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX,
		       min_t(u64, (u64)xs->rto << xs->retries, xtcp_rto_max(sk)));
}

/* The probe timeout: a tail loss probe, then the RTO (RFC 8985 §7.3). */
static void xtcp_probe_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	trace_xtcp_timer(sk, XTCP_TIMER_PROBE);
	xtcp_tlp_send(sk);
	clear_bit(XTCP_PENDING_PROBE, &xs->pending);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
}

/*
 * When the oldest unacknowledged data was first sent: the start of
 * XTCP_USER_TIMEOUT at the first timeout (TCP's retrans_stamp).  If it
 * never went (IP refused it), one RTO ago.
 */
static ktime_t xtcp_oldest_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!xs->packets_out || !skb)
		return ktime_sub_ms(ktime_get(), xs->rto);
	return ktime_sub_us(ktime_get(), xtcp_clock_us() - XTCP_SKB_CB(skb)->tx_us);
}

/* A retransmission timeout of data or FIN (RFC 6298 §5.4-5.6). */
static void xtcp_data_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	bool fresh;

	if (!xs->retries)
		xs->rtx_start = xtcp_oldest_sent(sk);
	if (xtcp_retries_spent(sk, xs->retries) ||
	    xtcp_user_timeout_expired(sk, xs->rtx_start)) {
		xtcp_give_up(sk, true);
		return;
	}
	XTCP_INC_STATS(net, XTCP_MIB_TIMEOUTS);
	xs->stats.timeouts++;
	xtcp_tlp_end(xs);
	/* A new episode, unless recovery or a timeout already began one. */
	fresh = xs->ca_state == XTCP_CA_OPEN || xs->ca_state == XTCP_CA_CWR;
	if (fresh)
		xtcp_undo_begin(xs);
	/*
	 * F-RTO (RFC 5682 §3.1 step 1) tests a timeout unless fast
	 * recovery was under way; a repeated timeout is tested again.
	 */
	xs->undo.frto = xs->undo.active && (fresh || xs->retries) &&
			xtcp_sysctl(net, XTCP_SYSCTL_FRTO);
	xtcp_cc_on_timeout(&xs->cc, xs->packets_out, !xs->retries);
	xtcp_ecn_window_reduced(xs);
	xs->ca_state = XTCP_CA_LOSS;
	xs->high_seq = xs->snd_nxt;
	xs->dupacks = 0;
	xs->retries++;
	xs->rto = min(xs->rto * 2, xtcp_rto_max(sk));
	trace_xtcp_rto(sk, xs->retries, xs->rto * USEC_PER_MSEC);
	xtcp_retransmit_rewind(sk);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX,
		       xtcp_clamp_to_user_timeout(sk, xs->rto));
}

/* RACK's reordering window ran out (RFC 8985 §6.3). */
static void xtcp_reorder_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	trace_xtcp_timer(sk, XTCP_TIMER_REORDER);
	xtcp_rack_recover(sk, true);
	if (!test_bit(XTCP_PENDING_REORDER, &xs->pending))
		xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
}

static void xtcp_rtx_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	int state = sk->sk_state, max;

	if (test_and_clear_bit(XTCP_PENDING_PERSIST, &xs->pending)) {
		xtcp_persist_expired(sk);
		return;
	}
	if (test_and_clear_bit(XTCP_PENDING_REORDER, &xs->pending)) {
		/* Nothing in flight now (a rewind): no loss, the RTO again. */
		if (xs->packets_out)
			xtcp_reorder_expired(sk);
		else
			xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
		return;
	}
	if (test_and_clear_bit(XTCP_PENDING_PROBE, &xs->pending) &&
	    xs->packets_out) {
		xtcp_probe_expired(sk);
		return;
	}
	switch (state) {
	case XTCP_SYN_SENT:
		max = xs->syn_retries ?: xtcp_sysctl(net, XTCP_SYSCTL_SYN_RETRIES);
		break;
	case XTCP_SYN_RECV:
		if (xtcp_seq_after(xs->snd_una, xs->iss))
			goto data;
		max = xtcp_sysctl(net, XTCP_SYSCTL_SYNACK_RETRIES);
		break;
	case XTCP_CLOSE:
	case XTCP_LISTEN:
		return;
	default:
		goto data;
	}

	if (xs->retries >= max) {
		XTCP_INC_STATS(net, XTCP_MIB_TIMEOUTS);
		xtcp_give_up(sk, state != XTCP_SYN_SENT);
		return;
	}
	xs->retries++;
	XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
	xs->stats.total_retrans++;
	trace_xtcp_rto(sk, xs->retries, min(xs->rto * 2, xtcp_rto_max(sk)) * USEC_PER_MSEC);
	trace_xtcp_retransmit(sk, xs->iss, xs->iss + 1, xs->ca_state);
	if (state == XTCP_SYN_SENT)
		xtcp_send_syn(sk);
	else
		xtcp_send_synack(sk);
	xs->rto = min(xs->rto * 2, xtcp_rto_max(sk));
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
	return;

data:
	/*
	 * Anything unacknowledged, sent or not: a transmission that
	 * failed (no route, a full qdisc, no memory) left the timer armed
	 * with nothing in flight, and this expiry is its retry.
	 */
	if (!skb_queue_empty(&sk->sk_write_queue))
		xtcp_data_timeout(sk);
}

static u32 xtcp_keepidle_ms(const struct sock *sk)
{
	u32 s = READ_ONCE(xtcp_sk(sk)->keepidle);

	return (s ?: xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_KEEPALIVE_TIME)) * MSEC_PER_SEC;
}

static u32 xtcp_keepintvl_ms(const struct sock *sk)
{
	u32 s = READ_ONCE(xtcp_sk(sk)->keepintvl);

	return (s ?: xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_KEEPALIVE_INTVL)) * MSEC_PER_SEC;
}

static u32 xtcp_keepcnt(const struct sock *sk)
{
	return READ_ONCE(xtcp_sk(sk)->keepcnt) ?:
	       xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_KEEPALIVE_PROBES);
}

static bool xtcp_keepalive_state(const struct sock *sk)
{
	return sock_flag(sk, SOCK_KEEPOPEN) &&
	       ((1 << sk->sk_state) & (XTCPF_ESTABLISHED | XTCPF_CLOSE_WAIT |
				       XTCPF_FIN_WAIT1 | XTCPF_FIN_WAIT2));
}

/* Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6). */
static void xtcp_keepalive_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 idle, left;

	if (!xtcp_keepalive_state(sk))
		return;
	/* Data in flight has its own timer; the connection is not idle. */
	if (xs->packets_out || xs->send_head) {
		xtcp_timer_arm(sk, &xs->misc_timer, XTCP_PENDING_MISC,
			       xtcp_keepidle_ms(sk));
		return;
	}
	idle = min_t(s64, ktime_ms_delta(ktime_get(), xs->lrcv_time), U32_MAX);
	if (idle < xtcp_keepidle_ms(sk)) {
		left = xtcp_keepidle_ms(sk) - idle;
		xtcp_timer_arm(sk, &xs->misc_timer, XTCP_PENDING_MISC, left);
		return;
	}
	if (xs->probes_out >= xtcp_keepcnt(sk) ||
	    (xs->probes_out && xtcp_user_timeout_expired(sk, xs->lrcv_time))) {
		xtcp_give_up(sk, true);
		return;
	}
	xtcp_send_probe(sk);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_KEEPALIVEPROBES);
	xs->probes_out++;
	trace_xtcp_keepalive(sk, xs->probes_out);
	xtcp_timer_arm(sk, &xs->misc_timer, XTCP_PENDING_MISC,
		       xtcp_keepintvl_ms(sk));
}

static void xtcp_misc_expired(struct sock *sk)
{
	if (sk->sk_state == XTCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		trace_xtcp_timer(sk, XTCP_TIMER_FIN_WAIT2);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEOUTS);
		xtcp_done(sk);
		return;
	}
	xtcp_keepalive_expired(sk);
}

static void xtcp_delack_expired(struct sock *sk)
{
	if (!((1 << sk->sk_state) & (XTCPF_ESTABLISHED | XTCPF_FIN_WAIT1 |
				     XTCPF_FIN_WAIT2 | XTCPF_CLOSE_WAIT)))
		return;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DELAYEDACKS);
	trace_xtcp_timer(sk, XTCP_TIMER_DELACK);
	xtcp_send_ack(sk);
}

/* The common body of the callbacks. */
static void xtcp_timer_fire(struct sock *sk, struct hrtimer *t, int pending,
			    int defer, void (*handler)(struct sock *sk))
{
	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		/* The deferral keeps a reference until release_cb runs. */
		if (!test_and_set_bit(defer, &xtcp_sk(sk)->deferred))
			sock_hold(sk);
	} else if (xtcp_timer_due(sk, t, pending)) {
		handler(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

static enum hrtimer_restart xtcp_rtx_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, rtx_timer);

	xtcp_timer_fire(&xs->inet.sk, t, XTCP_PENDING_RTX, XTCP_DEFER_RTX,
			xtcp_rtx_expired);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xtcp_misc_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, misc_timer);

	xtcp_timer_fire(&xs->inet.sk, t, XTCP_PENDING_MISC, XTCP_DEFER_MISC,
			xtcp_misc_expired);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xtcp_delack_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xs = container_of(t, struct xtcp_sock, delack_timer);

	xtcp_timer_fire(&xs->inet.sk, t, XTCP_PENDING_DELACK, XTCP_DEFER_DELACK,
			xtcp_delack_expired);
	return HRTIMER_NORESTART;
}

/* One deferred timer: run it if still wanted, drop its reference. */
static void xtcp_run_deferred(struct sock *sk, int defer, struct hrtimer *t,
			      int pending, void (*handler)(struct sock *sk))
{
	if (!test_and_clear_bit(defer, &xtcp_sk(sk)->deferred))
		return;
	if (xtcp_timer_due(sk, t, pending))
		handler(sk);
	__sock_put(sk);
}

/**
 * xtcp_release_cb() - run timer work deferred while the user owned
 *	the socket; proto->release_cb, called from release_sock().
 * @sk: the socket, still owned, its spinlock held.
 */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_run_deferred(sk, XTCP_DEFER_RTX, &xs->rtx_timer, XTCP_PENDING_RTX,
			  xtcp_rtx_expired);
	xtcp_run_deferred(sk, XTCP_DEFER_MISC, &xs->misc_timer,
			  XTCP_PENDING_MISC, xtcp_misc_expired);
	xtcp_run_deferred(sk, XTCP_DEFER_DELACK, &xs->delack_timer,
			  XTCP_PENDING_DELACK, xtcp_delack_expired);
	if (test_and_clear_bit(XTCP_DEFER_MTU, &xs->deferred)) {
		xtcp_mtu_reduced(sk);
		__sock_put(sk);
	}
}

/**
 * xtcp_timer_data_sent() - report that a SYN, data or FIN went out.
 * @sk: the socket, locked.
 *
 * Arms the retransmission timer unless it is already running; if it
 * ran as the persist timer, the window has opened: it becomes the
 * retransmission timer again.
 */
void xtcp_timer_data_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_and_clear_bit(XTCP_PENDING_PERSIST, &xs->pending)) {
		xs->retries = 0;
		xs->probes_out = 0;
	} else if (test_bit(XTCP_PENDING_RTX, &xs->pending)) {
		return;
	}
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
}

/* Run the retransmission timer as the loss probe timer (tlp.c). */
static void xtcp_timer_arm_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_bit(XTCP_PENDING_REORDER, &xs->pending))
		return;
	set_bit(XTCP_PENDING_PROBE, &xs->pending);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xtcp_tlp_timeout(sk));
}

/**
 * xtcp_timer_flight_sent() - report that a pass of sending put data on
 *	the wire: the probe timeout starts again from the newest segment
 *	(RFC 8985 §7.2), where a probe may go.
 * @sk: the socket, locked.
 */
void xtcp_timer_flight_sent(struct sock *sk)
{
	if (xtcp_tlp_wanted(sk))
		xtcp_timer_arm_probe(sk);
}

/**
 * xtcp_timer_xmit_failed() - report that data or a FIN could not be
 *	handed to IP with nothing in flight.
 * @sk: the socket, locked.
 *
 * No ACK will come to clock the connection on: the retransmission
 * timer retries the send, backs off, and gives up after retries2 or
 * XTCP_USER_TIMEOUT as for any lost segment, so a connection whose
 * route went away cannot linger for ever.
 */
void xtcp_timer_xmit_failed(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_bit(XTCP_PENDING_RTX, &xs->pending) &&
	    !test_bit(XTCP_PENDING_PERSIST, &xs->pending))
		return;
	clear_bit(XTCP_PENDING_PERSIST, &xs->pending);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX,
		       xtcp_clamp_to_user_timeout(sk, xs->rto));
}

/**
 * xtcp_timer_ack_progress() - report that an ACK covered new data.
 * @sk: the socket, locked.
 *
 * Resets the backoff count; restarts the timer for what is still in
 * flight (RFC 6298 §5.3), or stops it when nothing is.  A reordering
 * timer keeps running: it is due before an RTO would be.
 */
void xtcp_timer_ack_progress(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->retries = 0;
	clear_bit(XTCP_PENDING_PERSIST, &xs->pending);
	clear_bit(XTCP_PENDING_PROBE, &xs->pending);
	if (!xs->packets_out) {
		clear_bit(XTCP_PENDING_REORDER, &xs->pending);
		xtcp_timer_cancel(sk, &xs->rtx_timer, XTCP_PENDING_RTX);
	} else if (test_bit(XTCP_PENDING_REORDER, &xs->pending)) {
		return;
	} else if (xtcp_tlp_wanted(sk)) {
		xtcp_timer_arm_probe(sk);
	} else {
		xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
	}
}

/**
 * xtcp_timer_reorder() - RACK waits for segments inside the reordering
 *	window: run the retransmission timer as the reordering timer.
 * @sk: the socket, locked, data in flight.
 * @us: how long, in microseconds; at most the RTO is waited.
 */
void xtcp_timer_reorder(struct sock *sk, u32 us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	clear_bit(XTCP_PENDING_PROBE, &xs->pending);
	set_bit(XTCP_PENDING_REORDER, &xs->pending);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX,
		       min_t(u32, DIV_ROUND_UP(us, USEC_PER_MSEC), xs->rto));
}

/**
 * xtcp_timer_window_closed() - report that data waits with nothing in
 *	flight, on the peer's window or held by cork or MSG_MORE: start
 *	the persist timer.
 * @sk: the socket, locked.
 */
void xtcp_timer_window_closed(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_bit(XTCP_PENDING_RTX, &xs->pending))
		return;
	xs->retries = 0;
	xs->probes_out = 0;
	xs->rtx_start = ktime_get();
	set_bit(XTCP_PENDING_PERSIST, &xs->pending);
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
}

/**
 * xtcp_timer_orphan_fin_wait2() - an orphan waits in FIN_WAIT_2.
 * @sk: the socket, locked, orphaned, in FIN_WAIT_2.
 */
void xtcp_timer_orphan_fin_wait2(struct sock *sk)
{
	int ms = READ_ONCE(xtcp_sk(sk)->linger2);

	xtcp_timer_arm(sk, &xtcp_sk(sk)->misc_timer, XTCP_PENDING_MISC,
		       ms > 0 ? ms : xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_FIN_TIMEOUT_MS));
}

/**
 * xtcp_timer_delack() - report data whose ACK may wait.
 * @sk: the socket, locked.
 *
 * Arms the delayed-ACK timer unless it already runs: the first
 * unacknowledged segment sets the deadline.
 */
void xtcp_timer_delack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!test_bit(XTCP_PENDING_DELACK, &xs->pending))
		xtcp_timer_arm(sk, &xs->delack_timer, XTCP_PENDING_DELACK,
			       xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_DELACK_MS));
}

/**
 * xtcp_timer_ack_sent() - report that a segment carrying our ACK went
 *	out: a delayed ACK is no longer owed.
 * @sk: the socket, locked.
 */
void xtcp_timer_ack_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_bit(XTCP_PENDING_DELACK, &xs->pending))
		xtcp_timer_cancel(sk, &xs->delack_timer, XTCP_PENDING_DELACK);
}

/**
 * xtcp_timer_delack_flush() - the user asked for acknowledgments now
 *	(XTCP_QUICKACK): send a delayed ACK that is owed.
 * @sk: the socket, locked.
 *
 * Return: true if one was owed.
 */
bool xtcp_timer_delack_flush(struct sock *sk)
{
	if (!test_bit(XTCP_PENDING_DELACK, &xtcp_sk(sk)->pending))
		return false;
	xtcp_send_ack(sk);
	return true;
}

/**
 * xtcp_timer_keepalive() - SO_KEEPALIVE or a keepalive option changed,
 *	or the connection became established: (re)schedule the probes.
 * @sk: the socket, locked.
 */
void xtcp_timer_keepalive(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (sk->sk_state == XTCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD))
		return;		/* the timer bounds FIN_WAIT_2 instead */
	if (xtcp_keepalive_state(sk))
		xtcp_timer_arm(sk, &xs->misc_timer, XTCP_PENDING_MISC,
			       xtcp_keepidle_ms(sk));
	else
		xtcp_timer_cancel(sk, &xs->misc_timer, XTCP_PENDING_MISC);
}

/**
 * xtcp_timer_rcvd() - report that an acceptable segment arrived: the
 *	connection is not idle, and any probe is answered.
 * @sk: the socket, locked.
 */
void xtcp_timer_rcvd(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->lrcv_time = ktime_get();
	xs->probes_out = 0;
}

/* Milliseconds until @t fires, 0 if overdue. */
static u32 xtcp_timer_left_ms(const struct hrtimer *t)
{
	s64 left = ktime_ms_delta(hrtimer_get_expires(t), ktime_get());

	return left > 0 ? left : 0;
}

/**
 * xtcp_timer_diag() - the timer a sock_diag message reports, in TCP's
 *	codes: 1 retransmission (the RTO, a loss probe or RACK's reordering
 *	timer), 4 the persist timer, 2 keepalive (or an orphan's FIN_WAIT_2
 *	bound), 0 none.
 * @sk: the socket, locked.
 * @expires_ms: set to the milliseconds left, 0 for none.
 *
 * Return: the code.
 */
u8 xtcp_timer_diag(struct sock *sk, u32 *expires_ms)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	*expires_ms = 0;
	if (test_bit(XTCP_PENDING_RTX, &xs->pending)) {
		*expires_ms = xtcp_timer_left_ms(&xs->rtx_timer);
		return test_bit(XTCP_PENDING_PERSIST, &xs->pending) ? 4 : 1;
	}
	if (test_bit(XTCP_PENDING_MISC, &xs->pending)) {
		*expires_ms = xtcp_timer_left_ms(&xs->misc_timer);
		return 2;
	}
	return 0;
}

/**
 * xtcp_timers_init() - set up the timers of a new socket.
 * @sk: the socket.
 */
void xtcp_timers_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 rto = xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RTO_INITIAL_MS);

	hrtimer_init(&xs->rtx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->rtx_timer.function = xtcp_rtx_timer_fn;
	hrtimer_init(&xs->misc_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->misc_timer.function = xtcp_misc_timer_fn;
	hrtimer_init(&xs->delack_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->delack_timer.function = xtcp_delack_timer_fn;
	xs->rto = rto;
	xtcp_rtt_init(&xs->rtt, rto * USEC_PER_MSEC);
	xs->lrcv_time = ktime_get();
}

/**
 * xtcp_timers_stop() - stop every timer; pairs with xtcp_timers_init().
 * @sk: the socket, locked.
 *
 * A callback already running finds nothing to do.  Deferred work is
 * dropped with its reference.
 */
void xtcp_timers_stop(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int bit;

	clear_bit(XTCP_PENDING_PERSIST, &xs->pending);
	clear_bit(XTCP_PENDING_PROBE, &xs->pending);
	clear_bit(XTCP_PENDING_REORDER, &xs->pending);
	xtcp_timer_cancel(sk, &xs->rtx_timer, XTCP_PENDING_RTX);
	xtcp_timer_cancel(sk, &xs->misc_timer, XTCP_PENDING_MISC);
	xtcp_timer_cancel(sk, &xs->delack_timer, XTCP_PENDING_DELACK);
	for (bit = XTCP_DEFER_RTX; bit <= XTCP_DEFER_DELACK; bit++)
		if (test_and_clear_bit(bit, &xs->deferred))
			__sock_put(sk);
}
