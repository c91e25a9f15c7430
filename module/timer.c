// SPDX-License-Identifier: GPL-2.0
/*
 * Timers of a connection.  Every timer is an hrtimer firing in softirq
 * context (HRTIMER_MODE_REL_SOFT):
 *
 *   rtx_timer    retransmission: resends our SYN (SYN_SENT), SYN-ACK
 *                (SYN_RECV), or the oldest unacknowledged data or FIN;
 *                backs off exponentially from net.xtcp.rto_initial_ms
 *                up to rto_max_ms; after syn_retries, synack_retries or
 *                retries2 it gives up with ETIMEDOUT.
 *   misc_timer   FIN_WAIT_2 lifetime of an orphan (fin_timeout_ms):
 *                a socket the user has closed does not wait forever
 *                for a FIN that may never come.
 *
 * The TIME_WAIT timer belongs to the timewait object (timewait.c).
 *
 * The rest of the module only reports events (xtcp_timer_data_sent(),
 * xtcp_timer_ack_progress(), ...); this file decides what to arm.  A
 * queued timer holds a socket reference.  A timer that fires while the
 * user owns the socket leaves its work to xtcp_release_cb(), as TCP's
 * timers do.  A callback that lost a race with a re-arm or a cancel
 * finds its pending bit clear or its timer queued again, and does
 * nothing.
 */
#include <linux/hrtimer.h>

#include "xtcp.h"

enum {
	XTCP_PENDING_RTX,
	XTCP_PENDING_MISC,
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

static void xtcp_rtx_expired(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	int state = sk->sk_state, max;

	switch (state) {
	case XTCP_SYN_SENT:
		max = xtcp_sysctl(net, XTCP_SYSCTL_SYN_RETRIES);
		break;
	case XTCP_SYN_RECV:
		max = xtcp_sysctl(net, XTCP_SYSCTL_SYNACK_RETRIES);
		break;
	case XTCP_CLOSE:
	case XTCP_LISTEN:
		return;
	default:
		if (xs->snd_una == xs->snd_nxt)
			return;
		max = xtcp_sysctl(net, XTCP_SYSCTL_RETRIES2);
	}

	if (xs->retries >= max) {
		XTCP_INC_STATS(net, XTCP_MIB_TIMEOUTS);
		xtcp_abort(sk, ETIMEDOUT, state != XTCP_SYN_SENT);
		return;
	}
	xs->retries++;
	if (state == XTCP_SYN_SENT) {
		XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
		xtcp_send_syn(sk);
	} else if (state == XTCP_SYN_RECV && !xtcp_seq_after(xs->snd_una, xs->iss)) {
		XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
		xtcp_send_synack(sk);
	} else {
		xtcp_retransmit_rewind(sk);
	}
	xs->rto = min(xs->rto * 2, xtcp_rto_max(sk));
	xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
}

static void xtcp_misc_expired(struct sock *sk)
{
	if (sk->sk_state == XTCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEOUTS);
		xtcp_done(sk);
	}
}

/* The common body of both callbacks. */
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

/**
 * xtcp_release_cb() - run timer work deferred while the user owned
 *	the socket; proto->release_cb, called from release_sock().
 * @sk: the socket, still owned, its spinlock held.
 */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (test_and_clear_bit(XTCP_DEFER_RTX, &xs->deferred)) {
		if (xtcp_timer_due(sk, &xs->rtx_timer, XTCP_PENDING_RTX))
			xtcp_rtx_expired(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_DEFER_MISC, &xs->deferred)) {
		if (xtcp_timer_due(sk, &xs->misc_timer, XTCP_PENDING_MISC))
			xtcp_misc_expired(sk);
		__sock_put(sk);
	}
}

/**
 * xtcp_timer_data_sent() - report that a SYN, data or FIN went out.
 * @sk: the socket, locked.
 *
 * Arms the retransmission timer unless it is already running.
 */
void xtcp_timer_data_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!test_bit(XTCP_PENDING_RTX, &xs->pending))
		xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
}

/**
 * xtcp_timer_ack_progress() - report that an ACK covered new data.
 * @sk: the socket, locked.
 *
 * Resets the backoff; restarts the timer for what is still in flight,
 * or stops it when nothing is.
 */
void xtcp_timer_ack_progress(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->retries = 0;
	xs->rto = xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RTO_INITIAL_MS);
	if (xs->snd_una != xs->snd_nxt)
		xtcp_timer_arm(sk, &xs->rtx_timer, XTCP_PENDING_RTX, xs->rto);
	else
		xtcp_timer_cancel(sk, &xs->rtx_timer, XTCP_PENDING_RTX);
}

/**
 * xtcp_timer_orphan_fin_wait2() - an orphan waits in FIN_WAIT_2.
 * @sk: the socket, locked, orphaned, in FIN_WAIT_2.
 */
void xtcp_timer_orphan_fin_wait2(struct sock *sk)
{
	xtcp_timer_arm(sk, &xtcp_sk(sk)->misc_timer, XTCP_PENDING_MISC,
		       xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_FIN_TIMEOUT_MS));
}

/**
 * xtcp_timers_init() - set up the timers of a new socket.
 * @sk: the socket.
 */
void xtcp_timers_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	hrtimer_init(&xs->rtx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->rtx_timer.function = xtcp_rtx_timer_fn;
	hrtimer_init(&xs->misc_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	xs->misc_timer.function = xtcp_misc_timer_fn;
	xs->rto = xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RTO_INITIAL_MS);
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

	xtcp_timer_cancel(sk, &xs->rtx_timer, XTCP_PENDING_RTX);
	xtcp_timer_cancel(sk, &xs->misc_timer, XTCP_PENDING_MISC);
	if (test_and_clear_bit(XTCP_DEFER_RTX, &xs->deferred))
		__sock_put(sk);
	if (test_and_clear_bit(XTCP_DEFER_MISC, &xs->deferred))
		__sock_put(sk);
}
