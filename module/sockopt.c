// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options at level SOL_XTCP, and SO_KEEPALIVE's hook.  Values
 * and errors follow Linux TCP's options of the same numbers: a short
 * option length or a value out of range is EINVAL, an unknown option
 * ENOPROTOOPT.  Options at IPPROTO_IP (IP_TOS, IP_TTL,
 * IP_MTU_DISCOVER, ...) go to the IPv4 layer, as for TCP; other levels
 * give ENOPROTOOPT.
 */
#include <linux/sockptr.h>
#include <linux/uaccess.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "xtcp.h"

/**
 * xtcp_keepalive() - proto->keepalive: SO_KEEPALIVE was set or cleared.
 * @sk: the socket, locked by sock_setsockopt().
 * @on: the new value.
 */
void xtcp_keepalive(struct sock *sk, int on)
{
	if (on)
		sock_set_flag(sk, SOCK_KEEPOPEN);
	else
		sock_reset_flag(sk, SOCK_KEEPOPEN);
	xtcp_timer_keepalive(sk);
}

/*
 * XTCP_DEFER_ACCEPT's seconds as SYN-ACK retransmissions and back, as
 * TCP_DEFER_ACCEPT counts them: from 1 s, doubling, at most 120 s each.
 */
#define XTCP_DEFER_TIMEOUT_INIT	1
#define XTCP_DEFER_RTO_MAX	120

static u8 xtcp_secs_to_retrans(int secs)
{
	int timeout = XTCP_DEFER_TIMEOUT_INIT, period = timeout;
	u8 n = 1;

	if (secs <= 0)
		return 0;
	while (secs > period && n < 255) {
		n++;
		timeout = min(timeout * 2, XTCP_DEFER_RTO_MAX);
		period += timeout;
	}
	return n;
}

static int xtcp_retrans_to_secs(u8 n)
{
	int timeout = XTCP_DEFER_TIMEOUT_INIT, period = n ? timeout : 0;

	while (n-- > 1) {
		timeout = min(timeout * 2, XTCP_DEFER_RTO_MAX);
		period += timeout;
	}
	return period;
}

/*
 * XTCP_QUICKACK, as TCP_QUICKACK: an even value that flushed an owed
 * ACK leaves quick acknowledgments off again.
 */
static void xtcp_set_quickack(struct sock *sk, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!val) {
		WRITE_ONCE(xs->ack_pingpong, true);
		xs->quick_acks = 0;
		return;
	}
	WRITE_ONCE(xs->ack_pingpong, false);
	xs->quick_acks = XTCP_MAX_QUICKACKS;
	if (((1 << sk->sk_state) & (XTCPF_ESTABLISHED | XTCPF_CLOSE_WAIT)) &&
	    xtcp_timer_delack_flush(sk) && !(val & 1))
		WRITE_ONCE(xs->ack_pingpong, true);
}

/* TCP's tcp_set_window_clamp(). */
static int xtcp_set_window_clamp(struct sock *sk, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!val) {
		if (sk->sk_state != XTCP_CLOSE)
			return -EINVAL;
		WRITE_ONCE(xs->window_clamp, 0);
		return 0;
	}
	WRITE_ONCE(xs->window_clamp, max_t(int, val, SOCK_MIN_RCVBUF / 2));
	return 0;
}

static int xtcp_set_int(struct sock *sk, int optname, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (optname) {
	case XTCP_MAXSEG:
		if (val && (val < XTCP_MIN_MSS || val > MAX_TCP_WINDOW))
			return -EINVAL;
		WRITE_ONCE(xs->user_mss, val);
		return 0;
	case XTCP_SYNCNT:
		if (val < 1 || val > MAX_TCP_SYNCNT)
			return -EINVAL;
		WRITE_ONCE(xs->syn_retries, val);
		return 0;
	case XTCP_LINGER2:
		if (val < 0)
			WRITE_ONCE(xs->linger2, -1);
		else
			WRITE_ONCE(xs->linger2, min(val, TCP_FIN_TIMEOUT_MAX / HZ) *
					       MSEC_PER_SEC);
		return 0;
	case XTCP_DEFER_ACCEPT:
		WRITE_ONCE(xs->defer_accept, xtcp_secs_to_retrans(val));
		return 0;
	case XTCP_WINDOW_CLAMP:
		return xtcp_set_window_clamp(sk, val);
	case XTCP_QUICKACK:
		xtcp_set_quickack(sk, val);
		return 0;
	case XTCP_NOTSENT_LOWAT:
		WRITE_ONCE(xs->notsent_lowat, val);
		sk->sk_write_space(sk);
		return 0;
	case XTCP_NODELAY:
		WRITE_ONCE(xs->nodelay, !!val);
		if (val)
			xtcp_write_xmit(sk);
		return 0;
	case XTCP_CORK:
		WRITE_ONCE(xs->cork, !!val);
		if (!val)
			xtcp_write_xmit(sk);
		return 0;
	case XTCP_KEEPIDLE:
		if (val < 1 || val > MAX_TCP_KEEPIDLE)
			return -EINVAL;
		WRITE_ONCE(xs->keepidle, val);
		if (sock_flag(sk, SOCK_KEEPOPEN))
			xtcp_timer_keepalive(sk);
		return 0;
	case XTCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			return -EINVAL;
		WRITE_ONCE(xs->keepintvl, val);
		return 0;
	case XTCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			return -EINVAL;
		WRITE_ONCE(xs->keepcnt, val);
		return 0;
	case XTCP_USER_TIMEOUT:
		if (val < 0)
			return -EINVAL;
		WRITE_ONCE(xs->user_timeout, val);
		return 0;
	case XTCP_INFO:
		return -EOPNOTSUPP;	/* read only, as TCP_INFO */
	}
	return -ENOPROTOOPT;
}

/*
 * SOL_SOCKET options come here (SOCK_CUSTOM_SOCKOPT) so that
 * SO_REUSEPORT works as on a TCP socket: the core refuses it for
 * families other than AF_INET and AF_INET6.  The rest are the core's.
 */
static int xtcp_sol_socket(struct socket *sock, int optname, sockptr_t optval,
			   unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int val;

	if (optname != SO_REUSEPORT)
		return sock_setsockopt(sock, SOL_SOCKET, optname, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	sk->sk_reuseport = !!val;
	release_sock(sk);
	return 0;
}

/* XTCP_CONGESTION, as tcp_set_congestion_control() without modules. */
static int xtcp_set_congestion(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	char name[XTCP_CA_NAME_MAX];
	const struct xtcp_cc_ops *ops;
	long len;

	if (optlen < 1)
		return -EINVAL;
	len = strncpy_from_sockptr(name, optval,
				   min_t(long, XTCP_CA_NAME_MAX - 1, optlen));
	if (len < 0)
		return -EFAULT;
	name[len] = '\0';
	ops = xtcp_cc_find(name);
	if (!ops)
		return -ENOENT;
	lock_sock(sk);
	if (ops != xtcp_sk(sk)->cc.ops)
		xtcp_cc_set(&xtcp_sk(sk)->cc, ops);
	release_sock(sk);
	return 0;
}

/**
 * xtcp_setsockopt() - proto_ops->setsockopt.
 * @sock: the socket.
 * @level: SOL_XTCP; SOL_SOCKET (SO_REUSEPORT here, the rest to the
 *	core); SOL_IP (handed to the IPv4 layer); anything else is
 *	ENOPROTOOPT.
 * @optname: XTCP_*.
 * @optval: an int; XTCP_CONGESTION's a name.
 * @optlen: at least sizeof(int); XTCP_CONGESTION's at least 1.
 *
 * Return: 0, -EINVAL, -EFAULT, -ENOENT, -ENOPROTOOPT or -EOPNOTSUPP.
 */
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int val, err;

	if (level == SOL_SOCKET)
		return xtcp_sol_socket(sock, optname, optval, optlen);
	if (level == SOL_IP)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (level != SOL_XTCP)
		return -ENOPROTOOPT;
	if (optname == XTCP_CONGESTION)
		return xtcp_set_congestion(sk, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	err = xtcp_set_int(sk, optname, val);
	release_sock(sk);
	return err;
}

/**
 * xtcp_get_info() - fill a struct xtcp_info.
 * @sk: the socket, locked.
 * @info: where; zeroed here first.
 */
void xtcp_get_info(struct sock *sk, struct xtcp_info *info)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 notsent = 0;

	memset(info, 0, sizeof(*info));
	info->state = sk->sk_state;
	if (sk->sk_state == XTCP_LISTEN)
		return;
	info->ca_state = xs->ca_state;
	if (xs->wscale_ok) {
		info->options |= XTCP_INFO_OPT_WSCALE;
		info->snd_wscale = xs->snd_wscale;
		info->rcv_wscale = xs->rcv_wscale;
	}
	if (xs->ts.ok)
		info->options |= XTCP_INFO_OPT_TIMESTAMPS;
	if (xs->sack_ok)
		info->options |= XTCP_INFO_OPT_SACK;
	if (xs->ecn_flags & XTCP_ECN_OK)
		info->options |= XTCP_INFO_OPT_ECN;
	info->ce_received = xs->stats.ce_received;
	info->ecn_reductions = xs->stats.ecn_reductions;
	info->sacked = xs->sacked_out;
	info->lost = xs->lost_out;
	info->retrans = xs->retrans_out;
	info->dsack_dups = xs->stats.dsack_dups;
	info->reordering = xs->reordering;
	info->rto = xs->rto * USEC_PER_MSEC;
	info->srtt = xs->rtt.srtt_us;
	info->rttvar = xs->rtt.rttvar_us;
	info->snd_mss = xs->mss;
	info->rcv_mss = xs->advmss;
	info->snd_cwnd = xs->cc.cwnd;
	info->snd_ssthresh = xs->cc.ssthresh;
	info->snd_wnd = xs->snd_wnd;
	info->rcv_wnd = xs->rcv_wnd;
	info->unacked = xs->packets_out;
	info->retransmits = xs->retries;
	info->probes = xs->probes_out;
	if (xs->send_head)
		notsent = xs->write_seq - XTCP_SKB_CB(xs->send_head)->seq -
			  (xs->fin_queued ? 1 : 0);
	info->notsent_bytes = notsent;
	info->rcv_ooopack = xs->stats.ofo_pkts;
	info->total_retrans = xs->stats.total_retrans;
	info->bytes_acked = xs->stats.bytes_acked;
	info->bytes_received = xs->stats.bytes_received;
	info->segs_out = xs->stats.segs_out;
	info->segs_in = xs->stats.segs_in;
	info->probes_sent = xs->stats.probes_sent;
	info->fast_retrans = xs->stats.fast_retrans;
	info->timeouts = xs->stats.timeouts;
	info->rcv_buf = READ_ONCE(sk->sk_rcvbuf);
	info->snd_buf = READ_ONCE(sk->sk_sndbuf);
	info->rcv_space = xs->rcvq_space.space;
	info->rcv_rtt = xs->rcv_rtt.rtt_us;
}

static int xtcp_get_int(struct sock *sk, int optname, int *val)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);

	switch (optname) {
	case XTCP_NODELAY:
		*val = READ_ONCE(xs->nodelay);
		return 0;
	case XTCP_CORK:
		*val = READ_ONCE(xs->cork);
		return 0;
	case XTCP_KEEPIDLE:
		*val = READ_ONCE(xs->keepidle) ?:
		       xtcp_sysctl(net, XTCP_SYSCTL_KEEPALIVE_TIME);
		return 0;
	case XTCP_KEEPINTVL:
		*val = READ_ONCE(xs->keepintvl) ?:
		       xtcp_sysctl(net, XTCP_SYSCTL_KEEPALIVE_INTVL);
		return 0;
	case XTCP_KEEPCNT:
		*val = READ_ONCE(xs->keepcnt) ?:
		       xtcp_sysctl(net, XTCP_SYSCTL_KEEPALIVE_PROBES);
		return 0;
	case XTCP_USER_TIMEOUT:
		*val = READ_ONCE(xs->user_timeout);
		return 0;
	case XTCP_MAXSEG:
		*val = READ_ONCE(xs->mss);
		if (READ_ONCE(xs->user_mss) &&
		    ((1 << sk->sk_state) & (XTCPF_CLOSE | XTCPF_LISTEN)))
			*val = READ_ONCE(xs->user_mss);
		return 0;
	case XTCP_SYNCNT:
		*val = READ_ONCE(xs->syn_retries) ?:
		       xtcp_sysctl(net, XTCP_SYSCTL_SYN_RETRIES);
		return 0;
	case XTCP_LINGER2:
		*val = READ_ONCE(xs->linger2);
		if (*val >= 0)
			*val = (*val ?: xtcp_sysctl(net, XTCP_SYSCTL_FIN_TIMEOUT_MS)) /
			       MSEC_PER_SEC;
		return 0;
	case XTCP_DEFER_ACCEPT:
		*val = xtcp_retrans_to_secs(READ_ONCE(xs->defer_accept));
		return 0;
	case XTCP_WINDOW_CLAMP:
		*val = READ_ONCE(xs->window_clamp);
		return 0;
	case XTCP_QUICKACK:
		*val = !READ_ONCE(xs->ack_pingpong);
		return 0;
	case XTCP_NOTSENT_LOWAT:
		*val = READ_ONCE(xs->notsent_lowat);
		return 0;
	}
	return -ENOPROTOOPT;
}

/**
 * xtcp_getsockopt() - proto_ops->getsockopt.
 * @sock: the socket.
 * @level: SOL_XTCP, SOL_IP (handed to the IPv4 layer), or anything
 *	else for ENOPROTOOPT.
 * @optname: XTCP_*.
 * @optval: where to write.
 * @optlen: in: room at @optval; out: bytes written.  A negative length
 *	is EINVAL; a shorter one truncates, as in TCP.
 *
 * Return: 0, -EINVAL, -EFAULT or -ENOPROTOOPT.
 */
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	char name[XTCP_CA_NAME_MAX];
	struct xtcp_info info;
	int len, val, err;

	if (level == SOL_IP)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (level != SOL_XTCP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	if (optname == XTCP_INFO) {
		lock_sock(sk);
		xtcp_get_info(sk, &info);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	if (optname == XTCP_CONGESTION) {
		strscpy_pad(name, READ_ONCE(xtcp_sk(sk)->cc.ops)->name,
			    sizeof(name));
		len = min_t(unsigned int, len, sizeof(name));
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	err = xtcp_get_int(sk, optname, &val);
	if (err)
		return err;
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
