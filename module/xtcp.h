/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp internal header: the socket, the per-namespace state and the
 * interfaces between the files of the module.
 *
 * Files and what they own:
 *   af_xtcp.c   module init/exit, the family, proto and proto_ops glue
 *   socket.c    bind, connect, shutdown, close, poll, names, ioctls
 *   stream.c    sendmsg/recvmsg: the byte stream
 *   urgent.c    urgent data: MSG_OOB, the mark, SIGURG
 *   ecn.c       explicit congestion notification (RFC 3168)
 *   listen.c    listen(), SYNs at a listener, the child queue, accept()
 *   input.c     the IP protocol handler and per-state segment processing
 *   output.c    building and sending segments; replies with no socket
 *   timer.c     retransmission/persist, delayed-ACK and keepalive/
 *               FIN_WAIT_2 hrtimers; user timeout
 *   cong.c      RTO estimator, congestion control events and NewReno,
 *               window scaling, buffer sizes (pure logic, KUnit; cong.h)
 *   cubic.c     CUBIC, RFC 9438 (pure logic, KUnit)
 *   ofo.c       the out-of-order queue (KUnit)
 *   sack.c      SACK: the blocks we report, the scoreboard of what the
 *               peer reports, recovery by it (RFC 2018, 2883, 6675)
 *   offload.c   GSO: cutting super-segments for devices that cannot
 *               take them whole
 *   gro.c       GRO: merging in-order segments before the handler
 *   icmp.c      ICMP errors: PMTU, unreachables, redirects
 *   sockopt.c   setsockopt/getsockopt at SOL_XTCP, XTCP_INFO
 *   timewait.c  the TIME_WAIT object and its 2MSL hrtimer
 *   state.c     the state transition table; xtcp_done()
 *   hash.c      bind, connection and listen tables; lookup
 *   wire.c      header, options, checksum, ISN (pure logic, KUnit)
 *   netns.c     per-network-namespace state and counters (netns.h)
 *   sysctl.c    net.xtcp.* sysctls
 *   proc.c      /proc/net/xtcp and /proc/net/xtcp_snmp
 */
#ifndef _XTCP_H
#define _XTCP_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/siphash.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <uapi/linux/tcp.h>

#include "../uapi/linux/xtcp.h"
#include "minisock.h"
#include "compat.h"
#include "wire.h"
#include "sack.h"
#include "rack.h"
#include "netns.h"
#include "cong.h"
#include "reason.h"

/* Module parameters, fixed after load (af_xtcp.c). */
extern int xtcp_family;
extern int xtcp_ipproto;

/* Events of the state machine (state.c); see xtcp_next_state(). */
enum xtcp_event {
	XTCP_EV_CONNECT,	/* user: connect() */
	XTCP_EV_LISTEN,		/* user: listen() */
	XTCP_EV_CLOSE,		/* user: close() or shutdown(SHUT_WR): FIN */
	XTCP_EV_RCV_SYN,	/* a SYN without ACK */
	XTCP_EV_RCV_SYNACK,	/* a SYN acknowledging ours */
	XTCP_EV_RCV_ACK,	/* an ACK covering our SYN or FIN */
	XTCP_EV_RCV_FIN,	/* the peer's FIN, in sequence */
	XTCP_EV_RCV_RST,	/* an acceptable RST */
	XTCP_EV_TIMEOUT,	/* retries exhausted, 2MSL, FIN_WAIT_2 timeout */
	XTCP_EV_MAX
};

/* Deferred work: timers that fired while the user owned the socket. */
enum {
	XTCP_DEFER_RTX,		/* retransmission or persist timer */
	XTCP_DEFER_MISC,	/* keepalive or FIN_WAIT_2 timer */
	XTCP_DEFER_DELACK,	/* delayed-ACK timer */
	XTCP_DEFER_MTU,		/* an ICMP "fragmentation needed" (icmp.c) */
};

/**
 * struct xtcp_skb_cb - per-segment state in skb->cb.
 * @seq: first sequence number of the segment.
 * @end_seq: @seq + data length + 1 for SYN or FIN.
 * @flags: TCP flag byte (TCPHDR_*): FIN and PSH of queued segments.
 * @retrans: send queue: the segment was sent more than once, so it
 *	gives no RTT sample (Karn's rule).
 * @pcount: send queue: segments of at most one MSS the skb went out as
 *	(it may be a super-segment, offload.c), counted in packets_out
 *	while it is in flight; set when it is sent.
 * @sacked: send queue: XTCP_TAG_* scoreboard tags (sack.c).
 * @tx_us: send queue: when the segment was first sent (xtcp_clock_us()).
 * @xmit_us: send queue: when it was last sent, resent or not (RACK).
 * @tw_isn: receive path: a SYN that ended a TIME_WAIT carries here the
 *	ISN the new connection must use (above the old one's snd_nxt), or
 *	0 to choose one afresh.
 */
struct xtcp_skb_cb {
	u32 seq;
	u32 end_seq;
	u8 flags;
	u8 retrans;
	u16 pcount;
	u8 sacked;
	u32 tx_us;
	u32 xmit_us;
	u32 tw_isn;
};

#define XTCP_SKB_CB(skb) ((struct xtcp_skb_cb *)&((skb)->cb[0]))

#define XTCP_MAX_WSCALE		14		/* RFC 7323 §2.3 */

/**
 * struct xtcp_conn_stats - per-connection totals for XTCP_INFO.
 * @bytes_acked: our bytes the peer acknowledged.
 * @bytes_received: bytes received in order.
 * @segs_out: segments sent.
 * @segs_in: segments received.
 * @total_retrans: segments sent again.
 * @probes_sent: keepalive and zero-window probes.
 * @fast_retrans: fast retransmits.
 * @timeouts: retransmission timeouts.
 * @ofo_pkts: segments queued out of order.
 * @dsack_dups: D-SACK blocks received: segments the peer got twice.
 * @ce_received: data segments that arrived marked CE (ECN).
 * @ecn_reductions: window reductions for the peer's ECN echoes.
 */
struct xtcp_conn_stats {
	u64 bytes_acked;
	u64 bytes_received;
	u64 segs_out;
	u64 segs_in;
	u64 total_retrans;
	u64 probes_sent;
	u64 fast_retrans;
	u64 timeouts;
	u32 ofo_pkts;
	u32 dsack_dups;
	u32 ce_received;
	u32 ecn_reductions;
};

/**
 * struct xtcp_rcv_rtt - the receiver's round-trip estimate (stream.c):
 *	the time a window of data takes to arrive, as TCP's without
 *	timestamps.
 * @rtt_us: the estimate, the least sample; 0 before one.
 * @seq: the measurement ends when rcv_nxt reaches it.
 * @time_us: when it began (xtcp_clock_us()); 0 for none running.
 */
struct xtcp_rcv_rtt {
	u32 rtt_us;
	u32 seq;
	u32 time_us;
};

/**
 * struct xtcp_rcvq_space - what the reader takes per round trip, for
 *	receive buffer autotuning (stream.c).
 * @space: bytes read in the last round trip measured.
 * @seq: copied_seq when the current round trip began.
 * @time_us: when it began; 0 before the first.
 */
struct xtcp_rcvq_space {
	u32 space;
	u32 seq;
	u32 time_us;
};

/**
 * struct xtcp_ofo - the out-of-order queue (ofo.c).
 * @root: entries by sequence number, linked through skb->rbnode.
 * @last: the entry with the highest sequence number, or NULL.
 */
struct xtcp_ofo {
	struct rb_root root;
	struct sk_buff *last;
};

static inline bool xtcp_ofo_empty(const struct xtcp_ofo *q)
{
	return RB_EMPTY_ROOT(&q->root);
}

/**
 * struct xtcp_sock - an xtcp socket.
 * @inet: the IPv4 socket it extends; must be first.  inet_num is the
 *	local port (host order), inet_rcv_saddr the bound address.
 * @bind_port: the port we hold in the bind table (hash.c), or NULL.
 *	Under its bucket's lock.
 * @port_shared: the port was chosen by connect() and is shared with
 *	other connections of different 4-tuples (hash.c).  Under the
 *	bind bucket lock.
 * @conn_slot: conn table bucket of a connection, or -1.  Under the
 *	bucket lock.  Membership holds a socket reference.
 * @listen_slot: listen table bucket of a listener, or -1.  As
 *	@conn_slot.
 * @iss: initial send sequence number.
 * @snd_una: oldest unacknowledged sequence number.
 * @snd_nxt: next sequence number to send.
 * @snd_wnd: the peer's advertised window.
 * @snd_wl1: segment sequence number of the last window update.
 * @snd_wl2: segment acknowledgment number of the last window update.
 * @max_window: the largest window the peer advertised (RFC 5961 §5).
 * @write_seq: sequence number after the last byte queued by the user.
 * @snd_up: the sequence number after our last urgent byte; urgent mode
 *	while it differs from @snd_una (urgent.c).
 * @irs: initial receive sequence number.
 * @rcv_nxt: next sequence number expected.
 * @rcv_wnd: window last advertised.
 * @rcv_wup: @rcv_nxt when @rcv_wnd was advertised; the right edge is
 *	@rcv_wup + @rcv_wnd and never moves left.
 * @copied_seq: next sequence number the user reads.  poll() and
 *	SIOCATMARK read it, @urg_seq and @urg_data without the lock.
 * @urg_seq: sequence number of the peer's urgent byte, with @urg_data.
 * @urg_data: 0, or XTCP_URG_NOTYET, XTCP_URG_VALID with the byte's
 *	value in the low 8 bits, XTCP_URG_READ (urgent.c).
 * @snd_wscale: shift of the peer's advertised windows (0 without the
 *	option).
 * @rcv_wscale: shift of the windows we advertise.
 * @wscale_ok: both SYNs carried the window-scale option.
 * @sack_ok: SACK is in use (RFC 2018); before the handshake ends, our
 *	SYN offers it.
 * @ecn_flags: XTCP_ECN_* (ecn.c); before the handshake ends,
 *	XTCP_ECN_OK says our SYN asks for ECN.
 * @sack_rcv: the SACK blocks we report.
 * @sacked_out: segments of @packets_out the peer SACKed.
 * @lost_out: segments of @packets_out deemed lost (sack.c).
 * @retrans_out: segments of @lost_out sent again: in the network.
 * @highest_sack: the end of the highest SACK block taken; at or below
 *	snd_una when none is above it.
 * @reordering: how far (in segments) the peer has seen ours arrive out
 *	of order: SACKed segments above a hole before it counts as lost
 *	(RFC 6675's DupThresh, 3, raised by what is measured, sack.c).
 * @rack: RACK's loss detection by time (rack.c).
 * @ts: RFC 7323 timestamps; before the handshake ends, @ts.ok says our
 *	SYN offered them.
 * @mss: payload bytes per segment we send (options taken off).
 * @advmss: MSS we advertise.
 * @rcv_mss: largest payload received in one segment (delayed ACK).
 * @send_head: first skb of sk_write_queue not yet sent, or NULL.
 * @snd_sml: end of the last segment sent shorter than @mss (Nagle,
 *	Minshall's variant).
 * @packets_out: segments (MSS-sized pieces, see &xtcp_skb_cb.pcount)
 *	of the skbs of sk_write_queue before @send_head: sent (in the
 *	current pass, after a timeout rewinds it) and not fully acked.
 * @rcv_rtt: the receiver's round-trip estimate.
 * @rcvq_space: the reader's pace, for receive buffer autotuning.
 * @rtt: the RTT estimator.
 * @cc: the congestion window.
 * @ca_state: &enum xtcp_ca_state.
 * @high_seq: @snd_nxt when recovery or loss began; they end when it is
 *	acknowledged (RFC 6582's "recover").
 * @undo: what to give back if the current loss episode was spurious.
 * @prr: how fast SACK recovery sends (RFC 6937).
 * @tlp_high_seq: @snd_nxt when the outstanding tail loss probe went.
 * @tlp_out: a tail loss probe is outstanding (tlp.c); one at a time.
 * @tlp_retrans: it resent our last segment rather than new data.
 * @tlp_tsval: with timestamps, the clock before the probe went: an echo
 *	from then on comes from the probe, not from the original.
 * @dupacks: consecutive duplicate ACKs.
 * @rto: current retransmission timeout (ms): the estimate, doubled per
 *	backoff.
 * @retries: retransmissions of the current oldest segment.
 * @probes_out: unanswered keepalive or zero-window probes.
 * @rtx_start: when the oldest unacknowledged data was first sent (taken
 *	at its first timeout), or when zero-window probing began: the
 *	start of XTCP_USER_TIMEOUT.
 * @lrcv_time: when the last segment arrived (keepalive idleness).
 * @last_oow_ack_time: jiffies of the last reply to a segment that did
 *	not belong (xtcp_oow_rate_limited()), 0 for none.
 * @nodelay: XTCP_NODELAY.
 * @cork: XTCP_CORK.
 * @keepidle: XTCP_KEEPIDLE in seconds, 0 for the sysctl.
 * @keepintvl: XTCP_KEEPINTVL in seconds, 0 for the sysctl.
 * @keepcnt: XTCP_KEEPCNT, 0 for the sysctl.
 * @user_timeout: XTCP_USER_TIMEOUT in ms, 0 for none.
 * @user_mss: XTCP_MAXSEG, 0 for none: caps the MSS we offer and send.
 * @syn_retries: XTCP_SYNCNT, 0 for net.xtcp.syn_retries.
 * @defer_accept: listener: XTCP_DEFER_ACCEPT, in SYN-ACK retransmissions.
 * @quick_acks: in-order data segments still to be acknowledged at once
 *	(XTCP_QUICKACK).
 * @ack_pingpong: XTCP_QUICKACK was cleared: no quick acknowledgments.
 * @linger2: XTCP_LINGER2 in ms, 0 for net.xtcp.fin_timeout_ms, negative
 *	to reset an orphan instead of waiting in FIN_WAIT_2.
 * @window_clamp: XTCP_WINDOW_CLAMP, 0 for none: the largest window we
 *	advertise.
 * @notsent_lowat: XTCP_NOTSENT_LOWAT, 0 for none: writable only while
 *	fewer unsent bytes are queued.
 * @ofo: out-of-order segments, payload only, disjoint (ofo.c);
 *	charged to the receive buffer.
 * @stats: totals for XTCP_INFO.
 * @rtx_timer: retransmission and persist timer (timer.c).
 * @misc_timer: keepalive timer, or FIN_WAIT_2 timer of an orphan.
 * @delack_timer: delayed-ACK timer.
 * @pending: which timers are armed and still wanted (timer.c).
 * @deferred: XTCP_DEFER_* bits; set with the socket spinlock held.
 * @mtu_info: the next-hop MTU of the last "fragmentation needed".
 * @accept_lock: listener: protects @accept_q, @req_q, @synq_len, and
 *	the @in_acceptq of children.  Taken after a child's socket lock.
 * @accept_q: listener: children, in order; SYN_RECV only for the
 *	moment a handshake's last ACK takes to make one ESTABLISHED.
 * @req_q: listener: its request objects (half-open connections).
 * @synq_len: listener: entries of @req_q, and children on @accept_q
 *	still in SYN_RECV.
 * @last_cookie: listener: jiffies of the last SYN cookie sent, or 0:
 *	with net.xtcp.syncookies=1 a cookie ACK is taken only within
 *	two minutes of one (TCP's tcp_synq_no_recent_overflow()).
 * @parent: child: the listener that holds us on its queue, or NULL.
 *	Changes only under the child's socket lock; holds a reference on
 *	the listener.
 * @accept_node: child: link in the listener's @accept_q.
 * @in_acceptq: child: 0 off the queue, else its stage on the queue
 *	of its listener (listen.c).  Under the listener's @accept_lock.
 * @orphan: counted in xtcp_orphans: closed by the user, not done yet.
 * @fin_queued: the user closed the send side; a FIN is queued or sent.
 * @fin_seq: sequence number of our FIN when @fin_queued.
 *
 * Fields are protected by the socket lock unless documented otherwise.
 */
struct xtcp_sock {
	struct inet_sock inet;
	struct xtcp_bind_port *bind_port;
	bool port_shared;
	int conn_slot;
	int listen_slot;

	u32 iss;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;
	u32 max_window;
	u32 write_seq;
	u32 snd_up;

	u32 irs;
	u32 rcv_nxt;
	u32 rcv_wnd;
	u32 rcv_wup;
	u32 copied_seq;
	u32 urg_seq;
	u16 urg_data;

	u8 snd_wscale;
	u8 rcv_wscale;
	bool wscale_ok;
	bool sack_ok;
	u8 ecn_flags;
	struct xtcp_sack_rcv sack_rcv;
	u32 sacked_out;
	u32 lost_out;
	u32 retrans_out;
	u32 highest_sack;
	u32 reordering;
	struct xtcp_rack rack;
	struct xtcp_ts ts;
	u16 mss;
	u16 advmss;
	u16 rcv_mss;
	struct sk_buff *send_head;
	u32 snd_sml;
	u32 packets_out;
	struct xtcp_rcv_rtt rcv_rtt;
	struct xtcp_rcvq_space rcvq_space;

	struct xtcp_rtt rtt;
	struct xtcp_cc cc;
	u8 ca_state;
	u8 dupacks;
	u32 high_seq;
	struct xtcp_undo undo;
	struct xtcp_prr prr;
	u32 tlp_high_seq;
	u32 tlp_tsval;
	bool tlp_out;
	bool tlp_retrans;

	u32 rto;
	u8 retries;
	u8 probes_out;
	ktime_t rtx_start;
	ktime_t lrcv_time;
	u32 last_oow_ack_time;

	bool nodelay;
	bool cork;
	u16 keepidle;
	u16 keepintvl;
	u8 keepcnt;
	u32 user_timeout;
	u16 user_mss;
	u8 syn_retries;
	u8 defer_accept;
	u8 quick_acks;
	bool ack_pingpong;
	int linger2;
	u32 window_clamp;
	u32 notsent_lowat;

	struct xtcp_ofo ofo;
	struct xtcp_conn_stats stats;

	struct hrtimer rtx_timer;
	struct hrtimer misc_timer;
	struct hrtimer delack_timer;
	unsigned long pending;
	unsigned long deferred;
	u32 mtu_info;

	spinlock_t accept_lock;	/* see above */
	struct list_head accept_q;
	struct list_head req_q;
	u32 synq_len;
	unsigned long last_cookie;
	struct sock *parent;
	struct list_head accept_node;
	u8 in_acceptq;

	bool orphan;
	bool fin_queued;
	u32 fin_seq;
};

/* State bits, to test a state against a set: (1 << state) & (A | B). */
#define XTCPF_CLOSE		BIT(XTCP_CLOSE)
#define XTCPF_LISTEN		BIT(XTCP_LISTEN)
#define XTCPF_ESTABLISHED	BIT(XTCP_ESTABLISHED)
#define XTCPF_FIN_WAIT1		BIT(XTCP_FIN_WAIT1)
#define XTCPF_FIN_WAIT2		BIT(XTCP_FIN_WAIT2)
#define XTCPF_CLOSE_WAIT	BIT(XTCP_CLOSE_WAIT)
#define XTCPF_CLOSING		BIT(XTCP_CLOSING)
#define XTCPF_LAST_ACK		BIT(XTCP_LAST_ACK)

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* Sequence number comparisons, modulo 2^32 (RFC 9293 §3.4). */
static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool xtcp_seq_after(u32 a, u32 b)
{
	return xtcp_seq_before(b, a);
}

/* a <= b <= c, modulo 2^32 */
static inline bool xtcp_seq_between(u32 a, u32 b, u32 c)
{
	return c - a >= b - a;
}

/*
 * RFC 6675's pipe: segments in the network.  Without SACK, packets_out;
 * with it, less what the peer holds and what is lost, plus what of the
 * lost was sent again.
 */
static inline u32 xtcp_in_flight(const struct xtcp_sock *xs)
{
	s64 pipe = (s64)xs->packets_out - xs->sacked_out - xs->lost_out +
		   xs->retrans_out;

	return pipe > 0 ? pipe : 0;
}

/* @skb of sk_write_queue was sent in the current pass (before send_head). */
static inline bool xtcp_skb_sent(const struct sock *sk, const struct sk_buff *skb)
{
	const struct sk_buff *head = xtcp_sk(sk)->send_head;

	return !head ||
	       xtcp_seq_before(XTCP_SKB_CB(skb)->seq, XTCP_SKB_CB(head)->seq);
}

#define XTCP_DEFAULT_MSS	536	/* RFC 9293 §3.7.1 */
#define XTCP_MIN_MSS		88	/* the least MSS we send or offer */
#define XTCP_MAX_QUICKACKS	16	/* segments XTCP_QUICKACK acknowledges at once */

/* &xtcp_sock.urg_data: where the peer's urgent byte is (urgent.c). */
#define XTCP_URG_VALID		0x0100	/* here; its value in the low 8 bits */
#define XTCP_URG_NOTYET		0x0200	/* announced, not arrived */
#define XTCP_URG_READ		0x0400	/* taken by recv(MSG_OOB) */

/* Our TSval now: the millisecond clock plus the connection's offset. */
static inline u32 xtcp_ts_now(const struct xtcp_ts *ts)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC) + ts->offset;
}

/* A microsecond clock for RTT samples and idle times; wraps in 71 min. */
static inline u32 xtcp_clock_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* af_xtcp.c */
extern struct proto xtcp_proto;

/* socket.c */
struct sock *xtcp_sock_alloc(struct net *net, struct socket *sock, gfp_t gfp,
			     int kern);
int xtcp_sock_init(struct sock *sk);
struct sock *xtcp_sock_clone(const struct sock *lsk);
void xtcp_write_queue_purge(struct sock *sk);
int xtcp_route(struct sock *sk);
bool xtcp_stream_memory_free(const struct sock *sk, int wake);
void xtcp_set_peer_mss(struct sock *sk, u16 peer_mss);
void xtcp_ts_offer(struct sock *sk);
void xtcp_ts_store(struct xtcp_ts *ts, u32 tsval);
void xtcp_init_seq(struct sock *sk, u32 isn);
u32 xtcp_new_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
int xtcp_route_mss(struct sock *lsk, __be32 raddr, __be32 laddr,
		   __be16 rport);
void xtcp_set_iss(struct sock *sk, u32 iss);
int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len);
int xtcp_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len,
		 int flags);
int xtcp_accept(struct socket *sock, struct socket *newsock, int flags);
int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
int xtcp_shutdown(struct socket *sock, int how);
int xtcp_release(struct socket *sock);
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait);
int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);

/* stream.c */
int xtcp_inq(const struct sock *sk);
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
#ifdef XTCP_HAVE_SENDPAGE
ssize_t xtcp_sendpage(struct socket *sock, struct page *page, int offset,
		      size_t size, int flags);
#endif
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags);
void xtcp_rcv_rtt_measure(struct sock *sk);

/* &xtcp_sock.ecn_flags (ecn.c). */
#define XTCP_ECN_OK		0x1	/* negotiated */
#define XTCP_ECN_QUEUE_CWR	0x2	/* the next new data carries CWR */
#define XTCP_ECN_DEMAND_CWR	0x4	/* we echo ECE until CWR comes */

/* undo.c */
void xtcp_undo_begin(struct xtcp_sock *xs);
void xtcp_undo_retransmitted(struct xtcp_sock *xs, u32 pcount);
void xtcp_undo_dsack(struct xtcp_sock *xs, const struct xtcp_sack_block *b,
		     u32 ack);
bool xtcp_undo_try(struct sock *sk, const struct xtcp_opts *opts,
		   bool advanced);
bool xtcp_undo_frto(struct sock *sk, unsigned int said);
void xtcp_undo_frto_send_new(struct sock *sk);

/* tlp.c */
bool xtcp_tlp_wanted(const struct sock *sk);
u32 xtcp_tlp_timeout(const struct sock *sk);
bool xtcp_tlp_send(struct sock *sk);
void xtcp_tlp_end(struct xtcp_sock *xs);
void xtcp_tlp_ack(struct sock *sk, u32 ack, const struct xtcp_opts *opts,
		  bool dup);

/* ecn.c */
void xtcp_ecn_connect(struct sock *sk);
void xtcp_ecn_rcv_syn(struct sock *sk, const struct tcphdr *th);
bool xtcp_ecn_syn_ok(struct net *net, const struct sk_buff *skb);
u8 xtcp_ecn_transmit(struct sock *sk, u8 flags, bool new_data);
bool xtcp_ecn_rcv_data(struct sock *sk, const struct sk_buff *skb);
bool xtcp_ecn_echoed(const struct xtcp_sock *xs, const struct tcphdr *th);
void xtcp_ecn_window_reduced(struct xtcp_sock *xs);

/* urgent.c */
void xtcp_urg_mark(struct sock *sk);
bool xtcp_urg_ptr(const struct xtcp_sock *xs, u32 seq, u16 *ptr);
void xtcp_urg_acked(struct xtcp_sock *xs, u32 prior);
void xtcp_urg_rcv(struct sock *sk, const struct tcphdr *th);
void xtcp_urg_fetch(struct sock *sk);
int xtcp_urg_recv(struct sock *sk, struct msghdr *msg, int len, int flags);
bool xtcp_urg_pending(const struct sock *sk);

/* listen.c */
int xtcp_listen(struct socket *sock, int backlog);
enum xtcp_drop_reason xtcp_listen_syn(struct sock *lsk, struct sk_buff *skb);
bool xtcp_listen_ack(struct sock *lsk, struct sk_buff *skb);
void xtcp_child_established(struct sock *sk);
void xtcp_child_drop(struct sock *sk);
void xtcp_listen_stop(struct sock *lsk);
bool xtcp_accept_ready(const struct sock *lsk);
struct sock *xtcp_accept_sk(struct sock *lsk, int flags, int *err);

/* state.c */
extern struct percpu_counter xtcp_orphans;
void xtcp_orphan_count(struct sock *sk);
bool xtcp_too_many_orphans(const struct net *net);
int xtcp_next_state(int state, enum xtcp_event ev);
void xtcp_set_state(struct sock *sk, int new);
bool xtcp_transition(struct sock *sk, enum xtcp_event ev);
void xtcp_set_closed(struct sock *sk);
void xtcp_done(struct sock *sk);
void xtcp_abort(struct sock *sk, int err, enum xtcp_rst_reason rst);

/* input.c */
int xtcp_input_init(void);
void xtcp_input_exit(void);
int xtcp_rcv(struct sock *sk, struct sk_buff *skb);
void xtcp_enter_recovery(struct sock *sk);
void xtcp_prr_ack(struct sock *sk);

/**
 * enum xtcp_ts_verdict - result of xtcp_ts_verdict().
 * @XTCP_TS_PASS: the segment goes on.
 * @XTCP_TS_DROP: drop it silently (no TSopt).
 * @XTCP_TS_OLD: an old duplicate (PAWS): drop it, answer with an ACK.
 */
enum xtcp_ts_verdict {
	XTCP_TS_PASS,
	XTCP_TS_DROP,
	XTCP_TS_OLD,
};

enum xtcp_ts_verdict xtcp_ts_verdict(struct net *net, const struct xtcp_ts *ts,
				     const struct tcphdr *th,
				     struct xtcp_opts *opts);

bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   enum xtcp_mib_field mib, u32 *last);
bool xtcp_challenge_ack_allowed(struct net *net, const struct sk_buff *skb,
				u32 *last);

/* output.c */
u32 __xtcp_rcv_space(const struct sock *sk, u8 wscale, u16 advmss);
u32 xtcp_rcv_space(const struct sock *sk);
u8 xtcp_choose_wscale(const struct sock *sk);
u16 xtcp_select_window(struct sock *sk);
int xtcp_send_syn(struct sock *sk);
int xtcp_send_synack(struct sock *sk);
void xtcp_send_ack(struct sock *sk);
void xtcp_send_probe(struct sock *sk);
void xtcp_send_active_reset(struct sock *sk, enum xtcp_rst_reason why);
/* How __xtcp_write_xmit() treats a partial last segment. */
enum xtcp_xmit_mode {
	XTCP_XMIT_NAGLE,	/* by Nagle and XTCP_CORK */
	XTCP_XMIT_MORE,		/* held back too: MSG_MORE */
	XTCP_XMIT_PUSH,		/* sent whatever holds it: the cork ceiling */
	XTCP_XMIT_PROBE,	/* one segment past cwnd, pushed: a loss probe */
};

void __xtcp_write_xmit(struct sock *sk, enum xtcp_xmit_mode mode);
void xtcp_write_xmit(struct sock *sk);
bool xtcp_write_wakeup(struct sock *sk);
bool xtcp_retransmit_rewind(struct sock *sk);
void xtcp_retransmit_head(struct sock *sk);
void xtcp_queue_fin(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
int xtcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len);
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);
void xtcp_v4_send_reply(struct net *net, const struct sk_buff *in, u32 seq,
			u32 ack, u8 flags, u16 win, const struct xtcp_ts *ts);
void xtcp_req_send_synack(const struct xtcp_req *req);
void xtcp_v4_send_cookie_synack(struct net *net, const struct sk_buff *syn,
				u32 cookie, u16 win);
void xtcp_v4_send_reset(struct net *net, const struct sk_buff *in,
			enum xtcp_rst_reason why);

/* timer.c */
void xtcp_timers_init(struct sock *sk);
void xtcp_timers_stop(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
void xtcp_timer_flight_sent(struct sock *sk);
void xtcp_timer_data_sent(struct sock *sk);
void xtcp_timer_xmit_failed(struct sock *sk);
void xtcp_timer_ack_progress(struct sock *sk);
void xtcp_timer_reorder(struct sock *sk, u32 us);
void xtcp_timer_window_closed(struct sock *sk);
void xtcp_timer_orphan_fin_wait2(struct sock *sk);
void xtcp_timer_delack(struct sock *sk);
void xtcp_timer_ack_sent(struct sock *sk);
bool xtcp_timer_delack_flush(struct sock *sk);
void xtcp_timer_keepalive(struct sock *sk);
void xtcp_timer_rcvd(struct sock *sk);

/* sockopt.c */
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);
void xtcp_keepalive(struct sock *sk, int on);
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);

/* cong.c: the rest of its arithmetic, covered by KUnit */
u8 xtcp_wscale_for(u32 space);
u32 xtcp_size_goal(u32 mss, u32 gso_max_size, u32 gso_max_segs,
		   u32 max_window, u32 cwnd);
u16 xtcp_pcount(u32 len, u32 mss);
u32 xtcp_rcvbuf_want(u32 copied, u32 space, u32 advmss);
u32 xtcp_sndbuf_want(u32 cwnd, u32 mss);
u32 xtcp_window_field(u32 win, u8 ws, u16 *field);

/* rcvq.c */
int xtcp_rcvq_collapse(struct sock *sk);

/* ofo.c */
void xtcp_ofo_init(struct xtcp_ofo *q);
void xtcp_ofo_purge(struct xtcp_ofo *q);
bool xtcp_ofo_insert(struct xtcp_ofo *q, struct sk_buff *skb);
struct sk_buff *xtcp_ofo_pull(struct xtcp_ofo *q, u32 rcv_nxt);
bool xtcp_ofo_drop_last(struct xtcp_ofo *q, u32 seq);

/* offload.c */
#define XTCP_GSO_TYPE (SKB_GSO_TCPV4 | SKB_GSO_SCTP)
int xtcp_offload_init(void);
void xtcp_offload_exit(void);

/* icmp.c */
int xtcp_v4_err(struct sk_buff *icmp_skb, u32 info);
void xtcp_mtu_reduced(struct sock *sk);

/* gro.c */
struct sk_buff *xtcp_gro_receive(struct list_head *head, struct sk_buff *skb);
int xtcp_gro_complete(struct sk_buff *skb, int thoff);
struct sk_buff *xtcp_gso_segment_ipv4(struct sk_buff *skb,
				      netdev_features_t features);

/* timewait.c */
int xtcp_tw_init(void);
void xtcp_tw_exit(void);
void xtcp_enter_time_wait(struct sock *sk);
bool xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb);
void xtcp_tw_put(struct xtcp_tw *tw);
void xtcp_tw_purge_net(struct net *net);

/* request.c */
int xtcp_req_init(void);
void xtcp_req_exit(void);
void xtcp_req_put(struct xtcp_req *req);
int xtcp_req_open(struct sock *lsk, const struct sk_buff *skb,
		  const struct xtcp_opts *opts);
bool xtcp_req_rcv(struct xtcp_req *req, struct sk_buff *skb);
void xtcp_req_drop(struct xtcp_req *req);
void xtcp_req_made_child(struct xtcp_req *req);
void xtcp_req_close_all(struct sock *lsk);
void xtcp_req_walk(struct sock *lsk, void (*fn)(struct xtcp_req *, void *),
		   void *arg);

/* hash.c */
int xtcp_hash_init(void);
void xtcp_hash_exit(void);
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port);
void xtcp_bind_inherit(struct sock *child, const struct sock *parent);
void xtcp_bind_set_saddr(struct sock *sk, __be32 saddr);
int xtcp_listen_start(struct sock *sk);
void xtcp_unbind(struct sock *sk);
int xtcp_hash_connection(struct sock *sk);
int xtcp_hash_connect(struct sock *sk);
void xtcp_hash_listener(struct sock *sk);
void xtcp_unhash(struct sock *sk);
void xtcp_tw_hash(struct xtcp_tw *tw, struct sock *sk);
bool xtcp_tw_unhash(struct xtcp_tw *tw);
struct sock *xtcp_lookup(struct net *net, __be32 saddr, __be16 sport,
			 __be32 daddr, __be16 dport, int dif);
void xtcp_entry_put(struct sock *sk);
struct sock *xtcp_lookup_established(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, __be16 dport);
void *xtcp_entry_alloc(struct kmem_cache *cache, size_t size);
int xtcp_hash_req(struct xtcp_req *req);
bool xtcp_req_unhash(struct xtcp_req *req);
void xtcp_req_replace(struct xtcp_req *req, struct sock *sk);
void xtcp_tw_collect(const struct net *net, struct hlist_head *list);

/**
 * struct xtcp_walk - a visit of the sockets of a namespace in one bucket.
 * @fn: called on each entry under a table lock; must not sleep.  An
 *	entry in XTCP_TIME_WAIT is a struct xtcp_tw.
 * @arg: passed to @fn.
 */
struct xtcp_walk {
	void (*fn)(struct sock *sk, void *arg);
	void *arg;
};

unsigned int xtcp_bind_buckets(void);
bool xtcp_bind_bucket_used(unsigned int i);
void xtcp_walk_bucket(const struct net *net, unsigned int i,
		      const struct xtcp_walk *walk);

/* mem.c */
int xtcp_mem_proto_init(struct proto *prot, int *rmem, int *wmem);
void xtcp_mem_proto_exit(void);
int xtcp_mem_sysctl_init(void);
void xtcp_mem_sysctl_exit(void);
void xtcp_mem_sock_init(struct sock *sk);
void xtcp_mem_sock_destruct(struct sock *sk);
bool xtcp_mem_usage(long *pages, s64 *sockets);
bool xtcp_out_of_memory(const struct sock *sk);
bool xtcp_wmem_charge(struct sock *sk, struct sk_buff *skb, bool force);
void xtcp_wmem_free(struct sock *sk, struct sk_buff *skb);
void xtcp_sndbuf_adjust(struct sock *sk);
void xtcp_mem_cgroup_accept(struct sock *sk);

/* syncookie.c */
bool xtcp_syncookie_send(struct sock *lsk, struct sk_buff *skb);
u16 xtcp_syncookie_check(struct sock *lsk, struct sk_buff *skb);

#endif /* _XTCP_H */
