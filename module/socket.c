// SPDX-License-Identifier: GPL-2.0
/*
 * The socket calls other than data transfer (stream.c) and passive
 * open (listen.c): allocation, bind, connect, shutdown, close, poll,
 * names and ioctls.  Errors follow what Linux TCP returns for the same
 * mistake.
 */
#include <linux/capability.h>
#include <linux/in.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/tcp.h>

#include "xtcp.h"

static void xtcp_sock_destruct(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&sk->sk_error_queue);
	xtcp_write_queue_purge(sk);
	xtcp_ofo_purge(&xtcp_sk(sk)->ofo);
	xtcp_mem_sock_destruct(sk);
	dst_release(rcu_dereference_protected(sk->sk_dst_cache, 1));
	kfree(rcu_dereference_protected(inet->inet_opt, 1));
}

/**
 * xtcp_stream_memory_free() - proto->stream_memory_free: below
 *	XTCP_NOTSENT_LOWAT, as tcp_stream_memory_free().
 * @sk: the socket.
 * @wake: 1 when deciding whether to wake a writer: half the limit then.
 *
 * Return: true if the unsent bytes leave room for more.
 */
bool xtcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 lowat = READ_ONCE(xs->notsent_lowat);
	u32 notsent = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_nxt);

	return !lowat || (notsent << wake) < lowat;
}

/* Wake writers once a third of the send buffer is free again. */
static void xtcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !sk_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* The connection state of a new socket, all else zero. */
static void xtcp_sock_init_conn(struct sock *sk, const struct xtcp_cc_ops *ops)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->bind_port = NULL;
	xs->conn_slot = -1;
	xs->listen_slot = -1;
	xs->advmss = XTCP_DEFAULT_MSS;
	xs->mss = XTCP_DEFAULT_MSS;
	xs->rcv_mss = XTCP_DEFAULT_MSS;
	xtcp_ofo_init(&xs->ofo);
	xtcp_cc_init(&xs->cc, ops);
	xs->reordering = XTCP_DUPTHRESH;
	xtcp_rack_init(&xs->rack);
	spin_lock_init(&xs->accept_lock);
	INIT_LIST_HEAD(&xs->accept_q);
	INIT_LIST_HEAD(&xs->req_q);
	INIT_LIST_HEAD(&xs->accept_node);
	xtcp_timers_init(sk);
}

/* What a new socket of either entry starts with. */
static void xtcp_sock_setup(struct sock *sk)
{
	struct net *net = sock_net(sk);

	sk->sk_protocol = xtcp_ipproto;
	sk->sk_state = XTCP_CLOSE;
	sk->sk_destruct = xtcp_sock_destruct;
	sk->sk_write_space = xtcp_write_space;
	sk->sk_backlog_rcv = xtcp_rcv;

	inet_sk(sk)->uc_ttl = -1;
	inet_sk(sk)->mc_ttl = 1;
	inet_sk(sk)->pmtudisc = IP_PMTUDISC_WANT;

	sk->sk_rcvbuf = READ_ONCE(xtcp_pernet(net)->rmem[1]);
	sk->sk_sndbuf = READ_ONCE(xtcp_pernet(net)->wmem[1]);
	xtcp_sock_init_conn(sk, READ_ONCE(xtcp_pernet(net)->cc_default));
	xtcp_mem_sock_init(sk);
}

/**
 * xtcp_sock_alloc() - allocate and initialise an xtcp socket.
 * @net: its namespace.
 * @sock: the user's socket.
 * @gfp: allocation flags.
 * @kern: a kernel socket.
 *
 * Return: the socket in CLOSED, with one reference, or NULL.
 */
struct sock *xtcp_sock_alloc(struct net *net, struct socket *sock, gfp_t gfp,
			     int kern)
{
	struct sock *sk;

	sk = sk_alloc(net, xtcp_family, gfp, &xtcp_proto, kern);
	if (!sk)
		return NULL;
	sock_init_data(sock, sk);
	xtcp_sock_setup(sk);
	return sk;
}

/**
 * xtcp_sock_init() - proto->init, for sockets of the AF_INET entry:
 *	inet_create() allocated the socket (family AF_INET) and set up
 *	its inet part; make it an xtcp socket, as xtcp_sock_alloc() does
 *	for the family's own.
 * @sk: the new socket.
 *
 * Return: 0.
 */
int xtcp_sock_init(struct sock *sk)
{
	xtcp_sock_setup(sk);
	if (sk->sk_socket)
		xtcp_custom_sockopt(sk->sk_socket);
	return 0;
}

/**
 * xtcp_sock_clone() - make a listener's child, as TCP makes them.
 * @lsk: the listener, locked.
 *
 * sk_clone_lock() copies what a child inherits (buffer sizes, SO_RCVTIMEO,
 * SO_SNDTIMEO, SO_RCVLOWAT, SO_LINGER, marks, the IP TTL and TOS, the
 * socket filter) and gives it the listener's cgroup and security label
 * (security_sk_clone()); the connection state then starts afresh, and
 * the XTCP_* options are the listener's.
 *
 * Return: the child in CLOSED, unlocked, with one reference; or NULL.
 */
struct sock *xtcp_sock_clone(const struct sock *lsk)
{
	const struct xtcp_sock *xl = xtcp_sk(lsk);
	struct xtcp_sock *xs;
	struct sock *sk;

	sk = sk_clone_lock(lsk, GFP_ATOMIC);
	if (!sk)
		return NULL;
	/*
	 * Nobody else can see the child yet: drop the lock the clone
	 * took (sparse cannot see it taken), and let the caller lock it.
	 */
	__acquire(&sk->sk_lock.slock);
	bh_unlock_sock(sk);
	/* sk_clone_lock() counts two references; ours is the only one. */
	__sock_put(sk);
	sk->sk_state = XTCP_CLOSE;
	sk->sk_priority = lsk->sk_priority;
	sk->sk_userlocks &= ~SOCK_BINDADDR_LOCK;
	/* The listener's, not ours to free. */
	RCU_INIT_POINTER(inet_sk(sk)->inet_opt, NULL);
	inet_sk(sk)->mc_list = NULL;

	xs = xtcp_sk(sk);
	memset((char *)xs + sizeof(struct inet_sock), 0,
	       sizeof(*xs) - sizeof(struct inet_sock));
	xtcp_sock_init_conn(sk, READ_ONCE(xl->cc.ops));
	xs->nodelay = READ_ONCE(xl->nodelay);
	xs->cork = READ_ONCE(xl->cork);
	xs->keepidle = READ_ONCE(xl->keepidle);
	xs->keepintvl = READ_ONCE(xl->keepintvl);
	xs->keepcnt = READ_ONCE(xl->keepcnt);
	xs->user_timeout = READ_ONCE(xl->user_timeout);
	xs->user_mss = READ_ONCE(xl->user_mss);
	xs->linger2 = READ_ONCE(xl->linger2);
	xs->window_clamp = READ_ONCE(xl->window_clamp);
	xs->notsent_lowat = READ_ONCE(xl->notsent_lowat);
	return sk;
}

/**
 * xtcp_write_queue_purge() - drop everything not yet acknowledged.
 * @sk: the socket, locked.
 */
void xtcp_write_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	struct xtcp_sock *xs = xtcp_sk(sk);

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		xtcp_wmem_free(sk, skb);
	xs->send_head = NULL;
	xs->sacked_out = 0;
	xs->lost_out = 0;
	xs->retrans_out = 0;
}

/*
 * Super-segments even when the device has GSO turned off, as TCP sends
 * them (sk_setup_caps() turns it on for TCP only): cutting them in
 * software, in offload.c, costs less than a trip down the stack per
 * MSS.  Not through IPsec (dst->header_len), nor when the core turned
 * GSO off for the socket.
 */
static void xtcp_setup_gso(struct sock *sk, const struct dst_entry *dst)
{
	if (sk_can_gso(sk) || sk->sk_gso_disabled || dst->header_len)
		return;
	sk->sk_route_caps |= NETIF_F_GSO_SOFTWARE | NETIF_F_SG | NETIF_F_HW_CSUM;
	sk->sk_gso_max_size = min_t(u32, READ_ONCE(dst->dev->gso_max_size),
				    GSO_LEGACY_MAX_SIZE) - (MAX_TCP_HEADER + 1);
	sk->sk_gso_max_segs = max_t(u32, READ_ONCE(dst->dev->gso_max_segs), 1);
}

/* The MSS to offer: the route's, within bounds and XTCP_MAXSEG. */
static u16 xtcp_clamp_mss(const struct sock *sk, unsigned int mss)
{
	u16 user = READ_ONCE(xtcp_sk(sk)->user_mss);

	mss = clamp_t(unsigned int, mss, XTCP_MIN_MSS, 65495);
	return user ? min_t(unsigned int, mss, user) : mss;
}

/**
 * xtcp_route() - route a socket to its peer and size its segments.
 * @sk: the socket, locked, with its addresses and ports set.
 *
 * Return: 0, or a negative errno from routing.
 */
int xtcp_route(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct ip_options_rcu *opt;
	struct rtable *rt;
	unsigned int mss;

	rt = ip_route_output_ports(sock_net(sk), fl4, sk, inet->inet_daddr,
				   inet->inet_saddr, inet->inet_dport,
				   inet->inet_sport, xtcp_ipproto,
				   RT_TOS(inet->tos), sk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	sk->sk_gso_type = XTCP_GSO_TYPE;
	sk_setup_caps(sk, &rt->dst);
	xtcp_setup_gso(sk, &rt->dst);
	mss = dst_mtu(&rt->dst) - sizeof(struct iphdr) - sizeof(struct tcphdr);
	/* IP options set before connect() (IP_OPTIONS) take room too. */
	opt = rcu_dereference_protected(inet->inet_opt, 1);
	if (opt)
		mss -= opt->opt.optlen;
	xtcp_sk(sk)->advmss = xtcp_clamp_mss(sk, mss);
	xtcp_sk(sk)->mss = xtcp_sk(sk)->advmss;
	return 0;
}

/**
 * xtcp_route_mss() - the MSS a listener's child will offer a peer.
 * @lsk: the listener.
 * @raddr: the peer's address.
 * @laddr: ours, the SYN's destination.
 * @rport: the peer's port.
 *
 * The route back is the child's, as xtcp_route() will find it; the
 * child does not inherit the listener's IP options.
 *
 * Return: the MSS, or -EHOSTUNREACH without a unicast route.
 */
int xtcp_route_mss(struct sock *lsk, __be32 raddr, __be32 laddr,
		   __be16 rport)
{
	struct flowi4 fl4;
	struct rtable *rt;
	unsigned int mss;

	rt = ip_route_output_ports(sock_net(lsk), &fl4, lsk, raddr, laddr,
				   rport, inet_sk(lsk)->inet_sport, xtcp_ipproto,
				   RT_TOS(inet_sk(lsk)->tos), lsk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return -EHOSTUNREACH;
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -EHOSTUNREACH;
	}
	mss = dst_mtu(&rt->dst) - sizeof(struct iphdr) - sizeof(struct tcphdr);
	ip_rt_put(rt);
	return xtcp_clamp_mss(lsk, mss);
}

/**
 * xtcp_set_peer_mss() - honour the MSS option of the peer's SYN.
 * @sk: the socket, locked, routed, its options negotiated.
 * @peer_mss: the option's value, or 0 if absent (RFC 9293: 536).
 *
 * The MSS counts a bare header (RFC 6691): options every segment
 * carries (timestamps) come off the payload.
 */
void xtcp_set_peer_mss(struct sock *sk, u16 peer_mss)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!peer_mss)
		peer_mss = XTCP_DEFAULT_MSS;
	xs->mss = clamp_t(u16, peer_mss, 88, xs->advmss);
	if (xs->ts.ok)
		xs->mss -= TCPOLEN_TSTAMP_ALIGNED;
}

/**
 * xtcp_ts_offer() - offer timestamps on our SYN if the namespace does.
 * @sk: the socket, locked, about to send its first SYN.
 */
void xtcp_ts_offer(struct sock *sk)
{
	struct xtcp_ts *ts = &xtcp_sk(sk)->ts;

	memset(ts, 0, sizeof(*ts));
	ts->ok = xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_TIMESTAMPS);
	ts->offset = get_random_u32();
}

/**
 * xtcp_ts_store() - TS.Recent takes a TSval.
 * @ts: the connection's timestamps.
 * @tsval: the value.
 */
void xtcp_ts_store(struct xtcp_ts *ts, u32 tsval)
{
	ts->recent = tsval;
	ts->recent_stamp = (u32)ktime_get_seconds();
}

/**
 * xtcp_new_isn() - an ISN for a new connection (RFC 6528): a keyed
 *	hash of the 4-tuple plus a clock.
 * @saddr: our address.
 * @daddr: the peer's.
 * @sport: our port.
 * @dport: the peer's.
 *
 * Return: the ISN.
 */
u32 xtcp_new_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	static siphash_key_t key;

	net_get_random_once(&key, sizeof(key));
	return xtcp_isn_hash(&key, saddr, daddr, sport, dport,
			     ktime_get_real_ns());
}

/**
 * xtcp_init_seq() - choose the ISN (RFC 6528) and set the send side.
 * @sk: the socket, locked, with its 4-tuple set.
 * @isn: the ISN to use (a connection reopened from TIME_WAIT), or 0 to
 *	choose one.
 */
void xtcp_init_seq(struct sock *sk, u32 isn)
{
	struct inet_sock *inet = inet_sk(sk);

	xtcp_set_iss(sk, isn ?: xtcp_new_isn(inet->inet_saddr, inet->inet_daddr,
					     inet->inet_sport, inet->inet_dport));
}

/**
 * xtcp_set_iss() - set the send side from a given ISN (a SYN cookie's).
 * @sk: the socket, locked.
 * @iss: the ISN.
 */
void xtcp_set_iss(struct sock *sk, u32 iss)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->iss = iss;
	/* IP IDs of DF packets count from here: not from 0 for everyone. */
	atomic_set(&inet_sk(sk)->inet_id, get_random_u16());
	xs->snd_una = xs->iss;
	xs->snd_nxt = xs->iss + 1;
	xs->write_seq = xs->iss + 1;
	xs->snd_sml = xs->iss;
	xs->snd_up = xs->iss;
	xs->highest_sack = xs->iss;
}

/*
 * Check a user's struct sockaddr_in the way TCP checks it.  AF_XTCP and
 * AF_INET are both accepted; AF_UNSPEC only with INADDR_ANY, as TCP
 * accepts it for old programs.
 */
static int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;

	if (addr_len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family == xtcp_family || sin->sin_family == AF_INET)
		return 0;
	if (sin->sin_family == AF_UNSPEC &&
	    sin->sin_addr.s_addr == htonl(INADDR_ANY))
		return 0;
	return -EAFNOSUPPORT;
}

/**
 * xtcp_bind() - proto_ops->bind.
 * @sock: the socket.
 * @uaddr: a struct sockaddr_in.
 * @addr_len: its length.
 *
 * Return: 0 or the errno TCP gives: EINVAL, EAFNOSUPPORT,
 * EADDRNOTAVAIL, EACCES, EADDRINUSE.
 */
int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	struct inet_sock *inet = inet_sk(sk);
	u16 port;
	int chk, err;

	err = xtcp_check_sockaddr(uaddr, addr_len);
	if (err)
		return err;

	chk = inet_addr_type(net, sin->sin_addr.s_addr);
	if (!inet_addr_valid_or_nonlocal(net, inet, sin->sin_addr.s_addr, chk))
		return -EADDRNOTAVAIL;

	port = ntohs(sin->sin_port);
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	if (sk->sk_state != XTCP_CLOSE || inet->inet_num) {
		err = -EINVAL;
		goto out;
	}
	err = xtcp_bind_port(sk, sin->sin_addr.s_addr, port);
	if (err)
		goto out;
	/* A multicast or broadcast address may be bound but not sent from. */
	if (chk == RTN_MULTICAST || chk == RTN_BROADCAST)
		inet->inet_saddr = 0;
	if (sin->sin_addr.s_addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
out:
	release_sock(sk);
	return err;
}

/* Active open: route, take a port, send the SYN.  Socket locked. */
static int xtcp_v4_connect(struct sock *sk, const struct sockaddr_in *usin)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	int err;

	if (!usin->sin_port)
		return -EADDRNOTAVAIL;
	inet->inet_daddr = usin->sin_addr.s_addr;
	inet->inet_dport = usin->sin_port;
	err = xtcp_route(sk);
	if (err)
		goto fail;
	if (!xtcp_sk(sk)->bind_port) {
		inet->inet_saddr = inet->cork.fl.u.ip4.saddr;
		err = xtcp_hash_connect(sk);
	} else {
		if (!inet->inet_saddr)
			xtcp_bind_set_saddr(sk, inet->cork.fl.u.ip4.saddr);
		err = xtcp_hash_connection(sk);
	}
	if (err)
		goto fail;
	/* The route was chosen before the port; fix its flow's port. */
	inet->cork.fl.u.ip4.fl4_sport = inet->inet_sport;

	xtcp_init_seq(sk, 0);
	xtcp_sk(sk)->wscale_ok = xtcp_sysctl(net, XTCP_SYSCTL_WINDOW_SCALING);
	xtcp_sk(sk)->rcv_wscale = xtcp_sk(sk)->wscale_ok ? xtcp_choose_wscale(sk) : 0;
	xtcp_ts_offer(sk);
	xtcp_sk(sk)->sack_ok = xtcp_sysctl(net, XTCP_SYSCTL_SACK);
	xtcp_ecn_connect(sk);
	xtcp_transition(sk, XTCP_EV_CONNECT);
	XTCP_INC_STATS(net, XTCP_MIB_ACTIVEOPENS);
	xtcp_send_syn(sk);
	xtcp_timer_data_sent(sk);
	return 0;

fail:
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		xtcp_unbind(sk);
	else if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		xtcp_bind_set_saddr(sk, 0);	/* bound to the wildcard again */
	sk_dst_reset(sk);
	return err;
}

/*
 * After a disconnect: the socket is as new, but keeps its options and,
 * if the user bound it, its port (and address).
 */
static void xtcp_reset_conn(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	u32 rto = xtcp_sysctl(sock_net(sk), XTCP_SYSCTL_RTO_INITIAL_MS);

	__skb_queue_purge(&sk->sk_receive_queue);
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	if (xs->bind_port && !(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		xtcp_bind_set_saddr(sk, 0);
	sk_dst_reset(sk);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	WRITE_ONCE(sk->sk_err, 0);
	xs->fin_queued = false;
	WRITE_ONCE(xs->urg_data, 0);
	xs->wscale_ok = false;
	xs->snd_wscale = 0;
	xs->rcv_wscale = 0;
	xs->sack_ok = false;
	xs->ecn_flags = 0;
	xtcp_sack_rcv_reset(&xs->sack_rcv);
	memset(&xs->ts, 0, sizeof(xs->ts));
	xs->advmss = XTCP_DEFAULT_MSS;
	xs->mss = XTCP_DEFAULT_MSS;
	xs->rcv_mss = XTCP_DEFAULT_MSS;
	xs->snd_wnd = 0;
	xs->max_window = 0;
	xs->packets_out = 0;
	xs->ca_state = XTCP_CA_OPEN;
	xs->dupacks = 0;
	xs->tlp_out = false;
	xs->retries = 0;
	xs->probes_out = 0;
	xtcp_cc_init(&xs->cc, xs->cc.ops);
	xs->reordering = XTCP_DUPTHRESH;
	xtcp_rack_init(&xs->rack);
	memset(&xs->undo, 0, sizeof(xs->undo));
	xs->rto = rto;
	xtcp_rtt_init(&xs->rtt, rto * USEC_PER_MSEC);
	memset(&xs->stats, 0, sizeof(xs->stats));
}

/*
 * connect(AF_UNSPEC): drop the association, as tcp_disconnect() does:
 * an RST to a synchronized peer, and the socket is CLOSED and reusable.
 */
static int xtcp_disconnect(struct sock *sk)
{
	switch (sk->sk_state) {
	case XTCP_CLOSE:
		break;
	case XTCP_LISTEN:
		xtcp_listen_stop(sk);
		break;
	case XTCP_SYN_SENT:
		xtcp_done(sk);
		break;
	default:
		xtcp_send_active_reset(sk, XTCP_RST_DISCONNECT);
		xtcp_done(sk);
	}
	xtcp_reset_conn(sk);
	sk_error_report(sk);
	return 0;
}

static bool xtcp_connecting(const struct sock *sk)
{
	return sk->sk_state == XTCP_SYN_SENT || sk->sk_state == XTCP_SYN_RECV;
}

/**
 * xtcp_connect() - proto_ops->connect: blocking or not, as TCP.
 * @sock: the socket.
 * @uaddr: the peer, a struct sockaddr_in.
 * @addr_len: its length.
 * @flags: file flags (O_NONBLOCK).
 *
 * An address of family AF_UNSPEC disconnects, as in TCP.
 *
 * Return: 0; -EINPROGRESS, -EALREADY, -EISCONN; the error that ended the
 * attempt (ECONNREFUSED, ETIMEDOUT, ...); or an address error.
 */
int xtcp_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len,
		 int flags)
{
	const struct sockaddr_in *usin = (const struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	if (addr_len < (int)sizeof(usin->sin_family))
		return -EINVAL;
	if (uaddr->sa_family == AF_UNSPEC) {
		lock_sock(sk);
		err = xtcp_disconnect(sk);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		release_sock(sk);
		return err;
	}
	err = xtcp_check_sockaddr(uaddr, addr_len);
	if (err)
		return err;

	lock_sock(sk);
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = xtcp_connecting(sk) ? -EALREADY : -EISCONN;
		if (sk->sk_state == XTCP_CLOSE)
			err = sock_error(sk) ?: -ECONNABORTED;
		if (err != -EALREADY) {
			sock->state = err == -EISCONN ? SS_CONNECTED : SS_UNCONNECTED;
			if (err == -EISCONN)
				err = 0;
			goto out;
		}
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != XTCP_CLOSE)
			goto out;
		err = xtcp_v4_connect(sk, usin);
		if (err)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	default:
		err = -EINVAL;
		goto out;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if (xtcp_connecting(sk)) {
		DEFINE_WAIT_FUNC(wait, woken_wake_function);

		if (!timeo)
			goto out;	/* -EINPROGRESS or -EALREADY */
		add_wait_queue(sk_sleep(sk), &wait);
		while (xtcp_connecting(sk) && timeo && !signal_pending(current))
			sk_wait_event(sk, &timeo, !xtcp_connecting(sk), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
		if (xtcp_connecting(sk)) {
			err = timeo ? sock_intr_errno(timeo) : -EINPROGRESS;
			goto out;
		}
	}
	if (sk->sk_state == XTCP_CLOSE) {
		err = sock_error(sk) ?: -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/**
 * xtcp_accept() - proto_ops->accept.
 * @sock: the listening socket.
 * @newsock: the socket to graft the child onto.
 * @flags: file flags (O_NONBLOCK).
 *
 * Return: 0, -EAGAIN, -EINVAL if not listening, or -EINTR.
 */
int xtcp_accept(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk;
	int err;

	sk = xtcp_accept_sk(sock->sk, flags, &err);
	if (!sk)
		return err;
	lock_sock(sk);
	sock_graft(sk, newsock);
	newsock->state = SS_CONNECTED;
	xtcp_custom_sockopt(newsock);
	release_sock(sk);
	return 0;
}

/**
 * xtcp_getname() - proto_ops->getname.
 * @sock: the socket.
 * @uaddr: receives a struct sockaddr_in whose sin_family is the
 *	socket's: AF_XTCP, or AF_INET for the AF_INET entry's.
 * @peer: the peer's name rather than ours.
 *
 * Return: the length of the name, or -ENOTCONN for a peer that is not
 * (or not yet) there.
 */
int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, uaddr);
	int err = sizeof(*sin);

	lock_sock(sk);
	sin->sin_family = sk->sk_family;
	if (peer) {
		if (!inet->inet_dport ||
		    sk->sk_state == XTCP_CLOSE || sk->sk_state == XTCP_SYN_SENT) {
			err = -ENOTCONN;
			goto out;
		}
		sin->sin_port = inet->inet_dport;
		sin->sin_addr.s_addr = inet->inet_daddr;
	} else {
		sin->sin_port = inet->inet_sport;
		sin->sin_addr.s_addr = inet->inet_rcv_saddr ?: inet->inet_saddr;
	}
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
out:
	release_sock(sk);
	return err;
}

/* Close the send side: queue and push our FIN, if the state allows. */
static void xtcp_send_fin(struct sock *sk)
{
	if (!xtcp_transition(sk, XTCP_EV_CLOSE))
		return;
	xtcp_queue_fin(sk);
	xtcp_write_xmit(sk);
}

/**
 * xtcp_shutdown() - proto_ops->shutdown.
 * @sock: the socket.
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR.
 *
 * Return: 0, -EINVAL for a bad @how, -ENOTCONN if never connected.
 */
int xtcp_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;		/* SHUT_RD..SHUT_RDWR -> RCV_SHUTDOWN..SHUTDOWN_MASK */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;

	lock_sock(sk);
	if (sock->state == SS_CONNECTING && xtcp_connecting(sk))
		sock->state = SS_DISCONNECTING;
	switch (sk->sk_state) {
	case XTCP_CLOSE:
		err = -ENOTCONN;
		break;
	case XTCP_LISTEN:
		if (how & RCV_SHUTDOWN)
			xtcp_listen_stop(sk);
		else
			err = -ENOTCONN;
		break;
	case XTCP_SYN_SENT:
		xtcp_done(sk);
		break;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		if (how & SEND_SHUTDOWN)
			xtcp_send_fin(sk);
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

static bool xtcp_fin_pending(const struct sock *sk)
{
	return sk->sk_state == XTCP_FIN_WAIT1 || sk->sk_state == XTCP_CLOSING ||
	       sk->sk_state == XTCP_LAST_ACK;
}

/* SO_LINGER with a timeout: wait for our FIN to be acknowledged. */
static void xtcp_linger_wait(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while (xtcp_fin_pending(sk) && timeo && !signal_pending(current))
		sk_wait_event(sk, &timeo, !xtcp_fin_pending(sk), &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
}

/**
 * xtcp_release() - proto_ops->release: close().
 * @sock: the socket.
 *
 * A graceful close sends FIN.  Unread received data, or SO_LINGER with
 * a zero timeout, makes it an abort with RST (RFC 2525, as TCP).  With
 * a non-zero SO_LINGER it blocks until the FIN is acknowledged or the
 * time runs out.  The connection then lives on as an orphan until it
 * closes or enters TIME_WAIT.
 *
 * Return: 0.
 */
int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	bool unread;

	if (!sk)
		return 0;
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	unread = xtcp_inq(sk) > 0;
	__skb_queue_purge(&sk->sk_receive_queue);

	switch (sk->sk_state) {
	case XTCP_LISTEN:
		xtcp_listen_stop(sk);
		break;
	case XTCP_CLOSE:
		break;
	case XTCP_SYN_SENT:
		xtcp_done(sk);
		break;
	default:
		if (unread || (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime)) {
			xtcp_abort(sk, 0, XTCP_RST_ABORT);
			break;
		}
		xtcp_send_fin(sk);
		if (sock_flag(sk, SOCK_LINGER))
			xtcp_linger_wait(sk, sk->sk_lingertime);
	}

	sock_orphan(sk);
	xtcp_orphan_count(sk);
	/*
	 * Too many orphans (net.xtcp.max_orphans), or memory past its
	 * hard limit with data to send: reset this one, as TCP.
	 */
	if (sk->sk_state != XTCP_CLOSE &&
	    (xtcp_too_many_orphans(sock_net(sk)) || xtcp_out_of_memory(sk))) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONMEMORY);
		xtcp_abort(sk, 0, XTCP_RST_MEMORY);
	}
	if (sk->sk_state == XTCP_FIN_WAIT2) {
		if (READ_ONCE(xtcp_sk(sk)->linger2) < 0) {
			/* XTCP_LINGER2 < 0: reset rather than wait, as TCP. */
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONLINGER);
			xtcp_abort(sk, 0, XTCP_RST_LINGER2);
		} else {
			xtcp_timer_orphan_fin_wait2(sk);
		}
	}
	if (sk->sk_state == XTCP_CLOSE) {
		xtcp_timers_stop(sk);
		xtcp_unhash(sk);
		xtcp_unbind(sk);
	}
	release_sock(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/**
 * xtcp_poll() - proto_ops->poll, following tcp_poll().
 * @file: the file.
 * @sock: the socket.
 * @wait: the poll table.
 *
 * Return: the event mask.
 */
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	int state = inet_sk_state_load(sk);
	u8 shutdown;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (state == XTCP_LISTEN)
		return xtcp_accept_ready(sk) ? EPOLLIN | EPOLLRDNORM : 0;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == XTCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != XTCP_SYN_SENT && state != XTCP_SYN_RECV) {
		const struct xtcp_sock *xs = xtcp_sk(sk);
		u32 copied_seq = READ_ONCE(xs->copied_seq);
		int avail = READ_ONCE(xs->rcv_nxt) - copied_seq;
		int target = sock_rcvlowat(sk, 0, INT_MAX);
		u16 urg = READ_ONCE(xs->urg_data);

		/*
		 * Readable once SO_RCVLOWAT bytes are there, as tcp_poll();
		 * an urgent byte out of band, next in line, is not one.
		 */
		if (urg && READ_ONCE(xs->urg_seq) == copied_seq &&
		    !sock_flag(sk, SOCK_URGINLINE))
			target++;
		if (avail > 0 && avail >= target)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (urg & XTCP_URG_VALID)
			mask |= EPOLLPRI;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Order NOSPACE before re-reading the queue
				 * against xtcp_write_space(), as tcp_poll().
				 */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (READ_ONCE(sk->sk_err) || !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

/**
 * xtcp_ioctl() - proto_ops->ioctl: SIOCINQ, SIOCOUTQ, SIOCOUTQNSD and
 *	SIOCATMARK, as TCP.
 * @sock: the socket.
 * @cmd: the request.
 * @arg: user pointer to an int.
 *
 * Return: 0, -EINVAL on a listener, -ENOIOCTLCMD for others.
 */
int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (sk->sk_state == XTCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		if (cmd == SIOCINQ && xtcp_urg_pending(sk))
			answ = xs->urg_seq - xs->copied_seq;	/* as tcp_inq() */
		else if (cmd == SIOCINQ)
			answ = xtcp_inq(sk);
		else if (sk->sk_state == XTCP_SYN_SENT || sk->sk_state == XTCP_SYN_RECV)
			answ = 0;	/* the SYN is no data, as in TCP */
		else if (cmd == SIOCOUTQ)
			answ = xs->write_seq - xs->snd_una - (xs->fin_queued ? 1 : 0);
		else	/* queued and never sent; a FIN not yet sent is no data */
			answ = xs->write_seq - xs->snd_nxt -
			       (xs->fin_queued && !xtcp_seq_after(xs->snd_nxt, xs->fin_seq));
		release_sock(sk);
		if (answ < 0)
			answ = 0;
		return put_user(answ, (int __user *)arg);
	case SIOCATMARK:
		answ = READ_ONCE(xs->urg_data) &&
		       READ_ONCE(xs->urg_seq) == READ_ONCE(xs->copied_seq);
		return put_user(answ, (int __user *)arg);
	}
	return -ENOIOCTLCMD;
}
