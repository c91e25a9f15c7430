// SPDX-License-Identifier: GPL-2.0
/*
 * The connection state machine of RFC 9293 §3.3.2, as one table.
 *
 * LISTEN + RCV_SYN names the state of the child a listener creates; the
 * listener itself stays in LISTEN.
 *
 * Input, output and the socket calls never assign sk_state directly:
 * they report an event, and xtcp_transition() looks the next state up
 * here.  A missing entry means the event does not move that state; the
 * caller then handles the segment without a transition (for instance an
 * RST in TIME_WAIT, which RFC 1337 says to ignore).
 */
#include "xtcp.h"
#include "trace.h"

#define S(x) XTCP_##x
#define E(x) XTCP_EV_##x

static const u8 xtcp_table[XTCP_CLOSING + 1][XTCP_EV_MAX] = {
	[S(CLOSE)] = {
		[E(CONNECT)]	= S(SYN_SENT),
		[E(LISTEN)]	= S(LISTEN),
	},
	[S(LISTEN)] = {
		[E(LISTEN)]	= S(LISTEN),
		[E(CLOSE)]	= S(CLOSE),
		[E(RCV_SYN)]	= S(SYN_RECV),		/* the child's state */
	},
	[S(SYN_SENT)] = {
		[E(CLOSE)]	= S(CLOSE),
		[E(RCV_SYN)]	= S(SYN_RECV),		/* simultaneous open */
		[E(RCV_SYNACK)]	= S(ESTABLISHED),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(SYN_RECV)] = {
		[E(CLOSE)]	= S(FIN_WAIT1),
		[E(RCV_ACK)]	= S(ESTABLISHED),
		[E(RCV_FIN)]	= S(CLOSE_WAIT),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(ESTABLISHED)] = {
		[E(CLOSE)]	= S(FIN_WAIT1),
		[E(RCV_FIN)]	= S(CLOSE_WAIT),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(FIN_WAIT1)] = {
		[E(RCV_ACK)]	= S(FIN_WAIT2),
		[E(RCV_FIN)]	= S(CLOSING),		/* simultaneous close */
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(FIN_WAIT2)] = {
		[E(RCV_FIN)]	= S(TIME_WAIT),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(CLOSE_WAIT)] = {
		[E(CLOSE)]	= S(LAST_ACK),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(CLOSING)] = {
		[E(RCV_ACK)]	= S(TIME_WAIT),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(LAST_ACK)] = {
		[E(RCV_ACK)]	= S(CLOSE),
		[E(RCV_RST)]	= S(CLOSE),
		[E(TIMEOUT)]	= S(CLOSE),
	},
	[S(TIME_WAIT)] = {
		[E(RCV_FIN)]	= S(TIME_WAIT),		/* re-ACK, restart 2MSL */
		[E(TIMEOUT)]	= S(CLOSE),		/* RST: ignored, RFC 1337 */
	},
};

/**
 * xtcp_next_state() - look up a transition.
 * @state: the current state (&enum xtcp_state).
 * @ev: the event (&enum xtcp_event).
 *
 * Return: the next state, or 0 when @ev does not move @state.
 */
int xtcp_next_state(int state, enum xtcp_event ev)
{
	if (state < XTCP_ESTABLISHED || state > XTCP_CLOSING || ev >= XTCP_EV_MAX)
		return 0;
	return xtcp_table[state][ev];
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_next_state);

static bool xtcp_state_is_estab(int state)
{
	return state == XTCP_ESTABLISHED || state == XTCP_CLOSE_WAIT;
}

/**
 * xtcp_set_state() - the one place a socket's state is written, traced.
 * @sk: the socket, locked (or not yet visible).
 * @new: its new state.
 */
void xtcp_set_state(struct sock *sk, int new)
{
	const struct inet_sock *inet = inet_sk(sk);

	trace_xtcp_state(sock_net(sk), sk, inet->inet_saddr, inet->inet_sport,
			 inet->inet_daddr, inet->inet_dport, sk->sk_state, new);
	inet_sk_set_state(sk, new);
}

/**
 * xtcp_transition() - move a socket along the table.
 * @sk: the socket, locked.
 * @ev: the event.
 *
 * Keeps CurrEstab in step and wakes waiters on every change.
 *
 * Return: true when the state changed (or stayed, by an entry that
 * names the same state); false when @ev does not apply.
 */
bool xtcp_transition(struct sock *sk, enum xtcp_event ev)
{
	int old = sk->sk_state, new = xtcp_next_state(old, ev);
	struct net *net = sock_net(sk);

	if (!new)
		return false;
	/* The TIME_WAIT object takes that state, never the socket. */
	if (WARN_ON_ONCE(new == XTCP_TIME_WAIT))
		return false;
	if (old == new)
		return true;
	/* CurrEstab counts ESTABLISHED and CLOSE_WAIT, as TCP's does. */
	if (xtcp_state_is_estab(new) && !xtcp_state_is_estab(old))
		XTCP_INC_STATS(net, XTCP_MIB_CURRESTAB);
	else if (xtcp_state_is_estab(old) && !xtcp_state_is_estab(new))
		XTCP_DEC_STATS(net, XTCP_MIB_CURRESTAB);
	xtcp_set_state(sk, new);
	return true;
}

/**
 * xtcp_set_closed() - move a socket to CLOSED from any state.
 * @sk: the socket, locked.
 */
void xtcp_set_closed(struct sock *sk)
{
	if (sk->sk_state == XTCP_CLOSE)
		return;
	if (!xtcp_transition(sk, XTCP_EV_TIMEOUT) &&
	    !xtcp_transition(sk, XTCP_EV_CLOSE))
		xtcp_set_state(sk, XTCP_CLOSE);
}

/* Orphans of all namespaces: closed by their user, still running. */
struct percpu_counter xtcp_orphans;

/**
 * xtcp_orphan_count() - the user let go of a connection that is not
 *	over: count it until xtcp_done().
 * @sk: the socket, locked, just orphaned.
 */
void xtcp_orphan_count(struct sock *sk)
{
	if (sk->sk_state == XTCP_CLOSE || xtcp_sk(sk)->orphan)
		return;
	xtcp_sk(sk)->orphan = true;
	percpu_counter_inc(&xtcp_orphans);
}

/**
 * xtcp_too_many_orphans() - are there more orphans than
 *	net.xtcp.max_orphans allows?
 * @net: the namespace whose limit applies.
 *
 * As TCP's: the per-CPU sum is read cheaply first and exactly only
 * near the limit.
 *
 * Return: true when over the limit.
 */
bool xtcp_too_many_orphans(const struct net *net)
{
	s64 max = xtcp_sysctl(net, XTCP_SYSCTL_MAX_ORPHANS);

	if (percpu_counter_read_positive(&xtcp_orphans) <= max - 64)
		return false;
	return percpu_counter_sum_positive(&xtcp_orphans) > max;
}

/**
 * xtcp_done() - the connection is over: CLOSED, out of the tables.
 * @sk: the socket, locked; the caller holds a reference.
 *
 * Stops the timers and frees unsent and unacknowledged data.  The port
 * is kept only by a socket the user still has and bound explicitly, as
 * TCP keeps it.  Received data stays for the user to read.
 */
void xtcp_done(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_set_closed(sk);
	xtcp_timers_stop(sk);
	xtcp_unhash(sk);
	xtcp_write_queue_purge(sk);
	xtcp_ofo_purge(&xs->ofo);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sock_set_flag(sk, SOCK_DONE);
	if (xs->orphan) {
		xs->orphan = false;
		percpu_counter_dec(&xtcp_orphans);
	}
	if (xs->parent)
		xtcp_child_drop(sk);
	if (sock_flag(sk, SOCK_DEAD) || !sk->sk_socket ||
	    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		xtcp_unbind(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
}

/**
 * xtcp_abort() - end a connection with an error.
 * @sk: the socket, locked.
 * @err: the positive errno the user will see.
 * @rst: why the peer is told with an RST, or XTCP_RST_NONE not to.
 */
void xtcp_abort(struct sock *sk, int err, enum xtcp_rst_reason rst)
{
	if (rst != XTCP_RST_NONE)
		xtcp_send_active_reset(sk, rst);
	WRITE_ONCE(sk->sk_err, err);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
	xtcp_done(sk);
}
