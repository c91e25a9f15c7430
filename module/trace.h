/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp's tracepoints, system "xtcp": what a connection does, as the
 * events perf, trace-cmd, bpftrace and tracefs show
 * (Documentation/tracing.rst).  Addresses are IPv4 for now; each event
 * keeps them in fields of their own so that IPv6 can be added beside.
 *
 * Only trace.c defines CREATE_TRACE_POINTS; everyone else includes
 * this header for the trace_xtcp_*() calls.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/tracepoint.h>
#include <net/inet_sock.h>
#include <net/tcp.h>

#include "reason.h"

#define xtcp_show_state(s)					\
	__print_symbolic(s,					\
		{ XTCP_ESTABLISHED,	"ESTABLISHED" },	\
		{ XTCP_SYN_SENT,	"SYN_SENT" },		\
		{ XTCP_SYN_RECV,	"SYN_RECV" },		\
		{ XTCP_FIN_WAIT1,	"FIN_WAIT1" },		\
		{ XTCP_FIN_WAIT2,	"FIN_WAIT2" },		\
		{ XTCP_TIME_WAIT,	"TIME_WAIT" },		\
		{ XTCP_CLOSE,		"CLOSE" },		\
		{ XTCP_CLOSE_WAIT,	"CLOSE_WAIT" },		\
		{ XTCP_LAST_ACK,	"LAST_ACK" },		\
		{ XTCP_LISTEN,		"LISTEN" },		\
		{ XTCP_CLOSING,		"CLOSING" })

#define xtcp_show_flags(f)					\
	__print_flags(f, "",					\
		{ TCPHDR_FIN, "F" }, { TCPHDR_SYN, "S" },	\
		{ TCPHDR_RST, "R" }, { TCPHDR_PSH, "P" },	\
		{ TCPHDR_ACK, "." }, { TCPHDR_URG, "U" },	\
		{ TCPHDR_ECE, "E" }, { TCPHDR_CWR, "W" })

#define xtcp_show_ca_state(s)					\
	__print_symbolic(s,					\
		{ XTCP_CA_OPEN,		"open" },		\
		{ XTCP_CA_RECOVERY,	"recovery" },		\
		{ XTCP_CA_LOSS,		"loss" },		\
		{ XTCP_CA_CWR,		"cwr" })

#define xtcp_show_rst_reason(r)					\
	__print_symbolic(r,					\
		{ XTCP_RST_NONE,		"none" },	\
		{ XTCP_RST_NO_SOCKET,		"no-socket" },	\
		{ XTCP_RST_CLOSED,		"closed" },	\
		{ XTCP_RST_BAD_ACK,		"bad-ack" },	\
		{ XTCP_RST_STRAY_ACK,		"stray-ack" },	\
		{ XTCP_RST_DATA_AFTER_CLOSE,	"data-after-close" }, \
		{ XTCP_RST_ABORT,		"abort" },	\
		{ XTCP_RST_TIMEOUT,		"timeout" },	\
		{ XTCP_RST_MEMORY,		"memory" },	\
		{ XTCP_RST_LINGER2,		"linger2" },	\
		{ XTCP_RST_LISTENER_CLOSED,	"listener-closed" }, \
		{ XTCP_RST_DISCONNECT,		"disconnect" })

#define xtcp_show_drop_reason(r)				\
	__print_symbolic(r,					\
		{ XTCP_DROP_NOT_HOST,		"not-for-host" }, \
		{ XTCP_DROP_HEADER,		"bad-header" },	\
		{ XTCP_DROP_CSUM,		"bad-checksum" }, \
		{ XTCP_DROP_NO_SOCKET,		"no-socket" },	\
		{ XTCP_DROP_POLICY,		"policy" },	\
		{ XTCP_DROP_BACKLOG,		"backlog-full" }, \
		{ XTCP_DROP_TIMESTAMP,		"timestamp" },	\
		{ XTCP_DROP_OUT_OF_WINDOW,	"out-of-window" }, \
		{ XTCP_DROP_RST_CHALLENGED,	"rst-challenged" }, \
		{ XTCP_DROP_SYN_CHALLENGED,	"syn-challenged" }, \
		{ XTCP_DROP_SYN_AGAIN,		"syn-again" },	\
		{ XTCP_DROP_NO_ACK,		"no-ack" },	\
		{ XTCP_DROP_BAD_ACK,		"bad-ack" },	\
		{ XTCP_DROP_DATA_AFTER_CLOSE,	"data-after-close" }, \
		{ XTCP_DROP_RCVQ_FULL,		"rcvq-full" },	\
		{ XTCP_DROP_OFO_FULL,		"ofo-full" },	\
		{ XTCP_DROP_CLOSED,		"closed" },	\
		{ XTCP_DROP_NOT_SYN,		"not-syn" },	\
		{ XTCP_DROP_LISTEN_RST,		"rst-to-listener" }, \
		{ XTCP_DROP_LISTEN_OVERFLOW,	"listen-overflow" }, \
		{ XTCP_DROP_LISTEN_REFUSED,	"listen-refused" })

#define xtcp_show_timer(t)					\
	__print_symbolic(t,					\
		{ XTCP_TIMER_DELACK,		"delayed-ack" }, \
		{ XTCP_TIMER_PERSIST,		"persist" },	\
		{ XTCP_TIMER_PROBE,		"loss-probe" },	\
		{ XTCP_TIMER_REORDER,		"reorder" },	\
		{ XTCP_TIMER_FIN_WAIT2,		"fin-wait2" })

/*
 * Every event has the fields netns (the namespace's inode number, as
 * /proc/PID/ns/net shows it: filter on it), skaddr, saddr, daddr
 * (IPv4, as bytes), sport and dport (host order); these fill them.
 */
#define XTCP_TP_STORE_ADDRS(e, net, obj, sa, sp, da, dp)	\
	do {							\
		__be32 _sa = (sa), _da = (da);			\
								\
		(e)->netns = (net)->ns.inum;			\
		(e)->skaddr = (obj);				\
		memcpy((e)->saddr, &_sa, 4);			\
		memcpy((e)->daddr, &_da, 4);			\
		(e)->sport = ntohs(sp);				\
		(e)->dport = ntohs(dp);				\
	} while (0)

#define XTCP_TP_STORE_SOCK(e, sk)					\
	XTCP_TP_STORE_ADDRS(e, sock_net(sk), sk, inet_sk(sk)->inet_saddr,	\
			    inet_sk(sk)->inet_sport, inet_sk(sk)->inet_daddr,	\
			    inet_sk(sk)->inet_dport)

#define XTCP_TP_SOCK_FMT "%pI4:%u -> %pI4:%u"

/*
 * xtcp_state - a connection (or TIME_WAIT object, or request) moved
 * from one state to another.  @sk is the socket, or NULL when the
 * object is not one (@saddr.. then say whose).
 */
TRACE_EVENT(xtcp_state,
	TP_PROTO(const struct net *net, const void *obj, __be32 saddr, __be16 sport,
		 __be32 daddr, __be16 dport, int oldstate, int newstate),
	TP_ARGS(net, obj, saddr, sport, daddr, dport, oldstate, newstate),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(int, oldstate)
		__field(int, newstate)
	),
	TP_fast_assign(
		XTCP_TP_STORE_ADDRS(__entry, net, obj, saddr, sport, daddr, dport);
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),
	TP_printk(XTCP_TP_SOCK_FMT " %s -> %s", __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
		  xtcp_show_state(__entry->oldstate),
		  xtcp_show_state(__entry->newstate))
);

/*
 * A segment, from its xtcp header (the skb's transport header must be
 * set) and the addresses it goes between: seq and ack are absolute,
 * len is the payload (of a super-segment, all of it; segs says how
 * many segments it is).
 */
DECLARE_EVENT_CLASS(xtcp_segment,
	TP_PROTO(const struct net *net, const struct sock *sk,
		 const struct sk_buff *skb, __be32 saddr, __be32 daddr),
	TP_ARGS(net, sk, skb, saddr, daddr),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, seq)
		__field(__u32, ack)
		__field(__u32, len)
		__field(__u16, window)
		__field(__u16, segs)
		__field(__u8, flags)
		__field(__u8, doff)
		__field(int, state)
	),
	TP_fast_assign(
		const struct tcphdr *th = tcp_hdr(skb);

		XTCP_TP_STORE_ADDRS(__entry, net, sk, saddr, th->source, daddr, th->dest);
		__entry->seq = ntohl(th->seq);
		__entry->ack = ntohl(th->ack_seq);
		__entry->len = skb->len - skb_transport_offset(skb) - th->doff * 4;
		__entry->window = ntohs(th->window);
		__entry->segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
		__entry->flags = tcp_flag_byte(th);
		__entry->doff = th->doff;
		__entry->state = sk ? sk->sk_state : 0;
	),
	TP_printk(XTCP_TP_SOCK_FMT " [%s] seq %u ack %u win %u len %u segs %u opts %u state %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport, xtcp_show_flags(__entry->flags),
		  __entry->seq, __entry->ack, __entry->window, __entry->len,
		  __entry->segs, __entry->doff * 4 - 20,
		  __entry->state ? xtcp_show_state(__entry->state) : "-")
);

/* xtcp_send_segment - a segment handed to IP (by a socket, or not). */
DEFINE_EVENT(xtcp_segment, xtcp_send_segment,
	TP_PROTO(const struct net *net, const struct sock *sk,
		 const struct sk_buff *skb, __be32 saddr, __be32 daddr),
	TP_ARGS(net, sk, skb, saddr, daddr)
);

/*
 * xtcp_recv_segment - a segment that passed the header and checksum
 * checks, before it is looked up (so no socket yet).
 */
DEFINE_EVENT(xtcp_segment, xtcp_recv_segment,
	TP_PROTO(const struct net *net, const struct sock *sk,
		 const struct sk_buff *skb, __be32 saddr, __be32 daddr),
	TP_ARGS(net, sk, skb, saddr, daddr)
);

/*
 * xtcp_retransmit - sent data (or a SYN or FIN) goes again.  Why is
 * the congestion state at the time: loss after a timeout, recovery
 * for fast retransmit and SACK/RACK, open for a tail loss probe.
 */
TRACE_EVENT(xtcp_retransmit,
	TP_PROTO(const struct sock *sk, u32 seq, u32 end_seq, int ca_state),
	TP_ARGS(sk, seq, end_seq, ca_state),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, seq)
		__field(__u32, end_seq)
		__field(int, ca_state)
		__field(int, state)
	),
	TP_fast_assign(
		XTCP_TP_STORE_SOCK(__entry, sk);
		__entry->seq = seq;
		__entry->end_seq = end_seq;
		__entry->ca_state = ca_state;
		__entry->state = sk->sk_state;
	),
	TP_printk(XTCP_TP_SOCK_FMT " seq %u:%u ca %s state %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport, __entry->seq, __entry->end_seq,
		  xtcp_show_ca_state(__entry->ca_state),
		  xtcp_show_state(__entry->state))
);

/*
 * xtcp_rto - the retransmission timer fired: @backoff timeouts in a
 * row so far (this one included), the next after @rto_us.
 */
TRACE_EVENT(xtcp_rto,
	TP_PROTO(const struct sock *sk, u32 backoff, u32 rto_us),
	TP_ARGS(sk, backoff, rto_us),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, backoff)
		__field(__u32, rto_us)
		__field(int, state)
	),
	TP_fast_assign(
		XTCP_TP_STORE_SOCK(__entry, sk);
		__entry->backoff = backoff;
		__entry->rto_us = rto_us;
		__entry->state = sk->sk_state;
	),
	TP_printk(XTCP_TP_SOCK_FMT " backoff %u rto %u us state %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport, __entry->backoff, __entry->rto_us,
		  xtcp_show_state(__entry->state))
);

/*
 * xtcp_cwnd - an ACK was processed (TCP's tcp_probe): the window
 * state after it.
 */
TRACE_EVENT(xtcp_cwnd,
	TP_PROTO(const struct sock *sk, u32 snd_una, u32 snd_nxt, u32 cwnd,
		 u32 ssthresh, u32 snd_wnd, u32 srtt_us, int ca_state),
	TP_ARGS(sk, snd_una, snd_nxt, cwnd, ssthresh, snd_wnd, srtt_us, ca_state),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, snd_una)
		__field(__u32, snd_nxt)
		__field(__u32, cwnd)
		__field(__u32, ssthresh)
		__field(__u32, snd_wnd)
		__field(__u32, srtt_us)
		__field(int, ca_state)
	),
	TP_fast_assign(
		XTCP_TP_STORE_SOCK(__entry, sk);
		__entry->snd_una = snd_una;
		__entry->snd_nxt = snd_nxt;
		__entry->cwnd = cwnd;
		__entry->ssthresh = ssthresh;
		__entry->snd_wnd = snd_wnd;
		__entry->srtt_us = srtt_us;
		__entry->ca_state = ca_state;
	),
	TP_printk(XTCP_TP_SOCK_FMT " una %u nxt %u cwnd %u ssthresh %u snd_wnd %u srtt %u us ca %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport, __entry->snd_una, __entry->snd_nxt,
		  __entry->cwnd, __entry->ssthresh, __entry->snd_wnd,
		  __entry->srtt_us, xtcp_show_ca_state(__entry->ca_state))
);

/* xtcp_keepalive - a keepalive probe went: the @probes-th unanswered. */
TRACE_EVENT(xtcp_keepalive,
	TP_PROTO(const struct sock *sk, u32 probes),
	TP_ARGS(sk, probes),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, probes)
	),
	TP_fast_assign(
		XTCP_TP_STORE_SOCK(__entry, sk);
		__entry->probes = probes;
	),
	TP_printk(XTCP_TP_SOCK_FMT " probes %u", __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
		  __entry->probes)
);

/*
 * xtcp_tw_fin - a FIN (the peer's, sent again: our last ACK was lost)
 * reached a TIME_WAIT object: it is ACKed again and 2MSL restarts.
 */
TRACE_EVENT(xtcp_tw_fin,
	TP_PROTO(const struct xtcp_tw *tw, u32 seq),
	TP_ARGS(tw, seq),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, seq)
	),
	TP_fast_assign(
		XTCP_TP_STORE_ADDRS(__entry, read_pnet(&tw->common.skc_net), tw,
				    tw->common.skc_rcv_saddr,
				    htons(tw->common.skc_num), tw->common.skc_daddr,
				    tw->common.skc_dport);
		__entry->seq = seq;
	),
	TP_printk(XTCP_TP_SOCK_FMT " seq %u: ACKed again, 2MSL restarts",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport, __entry->seq)
);

/*
 * xtcp_tw_timer - 2MSL starts, or starts again, for a TIME_WAIT
 * object: it ends after @ms unless a FIN or a SYN comes.
 */
TRACE_EVENT(xtcp_tw_timer,
	TP_PROTO(const struct xtcp_tw *tw, u32 ms),
	TP_ARGS(tw, ms),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, ms)
	),
	TP_fast_assign(
		XTCP_TP_STORE_ADDRS(__entry, read_pnet(&tw->common.skc_net), tw,
				    tw->common.skc_rcv_saddr,
				    htons(tw->common.skc_num), tw->common.skc_daddr,
				    tw->common.skc_dport);
		__entry->ms = ms;
	),
	TP_printk(XTCP_TP_SOCK_FMT " 2MSL %u ms",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport, __entry->ms)
);

/*
 * xtcp_send_reset - an RST goes out, and why.  The addresses are the
 * RST's (from us); @seq and @ack its numbers.
 */
TRACE_EVENT(xtcp_send_reset,
	TP_PROTO(const struct net *net, const void *obj, __be32 saddr, __be16 sport,
		 __be32 daddr, __be16 dport, u32 seq, u32 ack, int reason),
	TP_ARGS(net, obj, saddr, sport, daddr, dport, seq, ack, reason),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, seq)
		__field(__u32, ack)
		__field(int, reason)
	),
	TP_fast_assign(
		XTCP_TP_STORE_ADDRS(__entry, net, obj, saddr, sport, daddr, dport);
		__entry->seq = seq;
		__entry->ack = ack;
		__entry->reason = reason;
	),
	TP_printk(XTCP_TP_SOCK_FMT " seq %u ack %u reason %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
		  __entry->seq, __entry->ack,
		  xtcp_show_rst_reason(__entry->reason))
);

/*
 * xtcp_recv_reset - an RST was accepted: the connection, in @state, is
 * reset.  (One not accepted is an xtcp_drop.)
 */
TRACE_EVENT(xtcp_recv_reset,
	TP_PROTO(const struct sock *sk, u32 seq),
	TP_ARGS(sk, seq),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, seq)
		__field(int, state)
	),
	TP_fast_assign(
		XTCP_TP_STORE_SOCK(__entry, sk);
		__entry->seq = seq;
		__entry->state = sk->sk_state;
	),
	TP_printk(XTCP_TP_SOCK_FMT " seq %u state %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
		  __entry->seq, xtcp_show_state(__entry->state))
);

/*
 * xtcp_drop - a received segment went unused, and why.  The addresses
 * are the segment's (from the peer); @len its payload.
 */
TRACE_EVENT(xtcp_drop,
	TP_PROTO(const struct net *net, __be32 saddr, __be16 sport, __be32 daddr,
		 __be16 dport, u32 seq, u32 ack, u32 len, u8 flags, int reason),
	TP_ARGS(net, saddr, sport, daddr, dport, seq, ack, len, flags, reason),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, seq)
		__field(__u32, ack)
		__field(__u32, len)
		__field(__u8, flags)
		__field(int, reason)
	),
	TP_fast_assign(
		XTCP_TP_STORE_ADDRS(__entry, net, NULL, saddr, sport, daddr, dport);
		__entry->seq = seq;
		__entry->ack = ack;
		__entry->len = len;
		__entry->flags = flags;
		__entry->reason = reason;
	),
	TP_printk(XTCP_TP_SOCK_FMT " [%s] seq %u ack %u len %u reason %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
		  xtcp_show_flags(__entry->flags), __entry->seq, __entry->ack,
		  __entry->len, xtcp_show_drop_reason(__entry->reason))
);

/*
 * xtcp_timer - a timer with no event of its own fired and acted:
 * delayed ACK, persist, loss probe, reordering, orphan FIN_WAIT2.
 */
TRACE_EVENT(xtcp_timer,
	TP_PROTO(const struct sock *sk, int timer),
	TP_ARGS(sk, timer),
	TP_STRUCT__entry(
		__field(unsigned int, netns)
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(int, timer)
	),
	TP_fast_assign(
		XTCP_TP_STORE_SOCK(__entry, sk);
		__entry->timer = timer;
	),
	TP_printk(XTCP_TP_SOCK_FMT " %s",
		  __entry->saddr, __entry->sport, __entry->daddr, __entry->dport,
		  xtcp_show_timer(__entry->timer))
);

#endif /* _XTCP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
