/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xtcp: a TCP-like reliable byte stream as the socket family AF_XTCP.
 *
 * This is everything a userspace program needs to open and use an xtcp
 * socket.  Addresses are plain struct sockaddr_in (from <netinet/in.h>
 * or <linux/in.h>) whose sin_family is AF_XTCP; AF_INET is accepted
 * too, so a program written for TCP needs only its socket() call
 * changed.
 *
 * The family and IP protocol numbers below are the module's defaults.
 * An administrator may load the module with other ones (module
 * parameters "family" and "ipproto"); a program that must follow that
 * reads /sys/module/xtcp/parameters/family rather than trusting the
 * constant.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>

/**
 * AF_XTCP - default address (and protocol) family number of xtcp.
 *
 * Linux reserves 19 as AF_ECONET, whose implementation was removed from
 * the kernel in 3.5; nothing in 6.1 or 6.12 registers it.  See
 * Documentation/family.rst for the choice and for what happens on a
 * clash.
 */
#define AF_XTCP		19
/** PF_XTCP - protocol family; equal to AF_XTCP as for every family. */
#define PF_XTCP		AF_XTCP

/**
 * IPPROTO_XTCP - default IP protocol number carried in the IPv4 header.
 *
 * 253 is one of the two numbers RFC 3692 sets aside for experiments.
 * socket() accepts 0 or this value as its protocol argument.
 */
#define IPPROTO_XTCP	253

/**
 * SOL_XTCP - socket option level for xtcp's own options.
 *
 * Equal to IPPROTO_XTCP, as SOL_TCP equals IPPROTO_TCP.
 */
#define SOL_XTCP	253

/**
 * enum xtcp_state - connection states, as reported by /proc/net/xtcp.
 *
 * The values are those of Linux TCP's states so that tools that decode
 * /proc/net/tcp can decode /proc/net/xtcp.  The names follow RFC 9293.
 *
 * @XTCP_ESTABLISHED: open; data flows both ways.
 * @XTCP_SYN_SENT: connect() sent a SYN and waits for the SYN-ACK.
 * @XTCP_SYN_RECV: a SYN arrived and a SYN-ACK went out.
 * @XTCP_FIN_WAIT1: we closed first; our FIN is not yet acknowledged.
 * @XTCP_FIN_WAIT2: our FIN is acknowledged; we wait for the peer's.
 * @XTCP_TIME_WAIT: both FINs done; we wait 2*MSL for strays.
 * @XTCP_CLOSE: CLOSED: no connection.
 * @XTCP_CLOSE_WAIT: the peer closed first; we may still send.
 * @XTCP_LAST_ACK: we closed after the peer; our FIN waits for its ACK.
 * @XTCP_LISTEN: listen() was called; SYNs are accepted.
 * @XTCP_CLOSING: both sides closed at once; our FIN waits for its ACK.
 */
enum xtcp_state {
	XTCP_ESTABLISHED = 1,
	XTCP_SYN_SENT,
	XTCP_SYN_RECV,
	XTCP_FIN_WAIT1,
	XTCP_FIN_WAIT2,
	XTCP_TIME_WAIT,
	XTCP_CLOSE,
	XTCP_CLOSE_WAIT,
	XTCP_LAST_ACK,
	XTCP_LISTEN,
	XTCP_CLOSING,
};

/*
 * Socket options at level SOL_XTCP.  The numbers are those of the TCP
 * options of the same meaning, so that a program written for TCP needs
 * only its level changed.  Each takes an int unless said otherwise.
 *
 * XTCP_NODELAY: 1 turns Nagle's algorithm off: small segments go out
 *	at once even with data in flight.
 * XTCP_CORK: 1 holds back partial segments until the option is cleared
 *	(or a full segment's worth is queued), for at most the
 *	retransmission timeout (200 ms or more), as TCP_CORK.
 * XTCP_KEEPIDLE: seconds of idleness before the first keepalive probe
 *	(1..32767); default net.xtcp.keepalive_time.
 * XTCP_KEEPINTVL: seconds between keepalive probes (1..32767); default
 *	net.xtcp.keepalive_intvl.
 * XTCP_KEEPCNT: unanswered probes before the connection is dropped
 *	with ETIMEDOUT (1..127); default net.xtcp.keepalive_probes.
 * XTCP_INFO: read only; fills a struct xtcp_info (shorter lengths are
 *	truncated, as with TCP_INFO).
 * XTCP_USER_TIMEOUT: milliseconds that sent data may stay
 *	unacknowledged (or window probes unanswered) before the
 *	connection is dropped with ETIMEDOUT; 0 (the default) leaves it to
 *	net.xtcp.retries2.
 * XTCP_MAXSEG: caps the MSS offered on our SYN or SYN-ACK and the
 *	segments we send (88..32767; 0 for no cap); takes effect at the
 *	next connect() or, on a listener, for its children.  Reading it
 *	gives the MSS in use, or before a connection the cap if set.
 * XTCP_SYNCNT: SYN retransmissions before connect() gives up (1..127);
 *	default net.xtcp.syn_retries.
 * XTCP_LINGER2: seconds an orphan waits in FIN_WAIT_2 for the peer's
 *	FIN (at most 120; 0 for net.xtcp.fin_timeout_ms); negative resets
 *	the connection instead (reads back as -1).
 * XTCP_DEFER_ACCEPT: listener: seconds to wait for the first data
 *	before a handshake's last ACK makes a connection accept() sees;
 *	kept as SYN-ACK retransmissions and read back rounded up to their
 *	total time, as TCP_DEFER_ACCEPT.
 * XTCP_WINDOW_CLAMP: the largest window we advertise, in bytes (at
 *	least SOCK_MIN_RCVBUF / 2; 0, only on a closed socket, for none).
 * XTCP_QUICKACK: 1 acknowledges pending data at once and the next
 *	in-order segments without delay; 0 leaves every ACK to the
 *	delayed-ACK rules.  Reads 0 after it was cleared, else 1.
 * XTCP_NOTSENT_LOWAT: the socket is writable only while fewer than this
 *	many bytes are queued and not yet sent; 0 for no limit.
 * XTCP_CONGESTION: the congestion control algorithm, by name, as
 *	TCP_CONGESTION: "cubic" (the default, net.xtcp.congestion_control)
 *	or "reno" (NewReno).  Setting takes a string of up to
 *	XTCP_CA_NAME_MAX - 1 characters (an empty option is EINVAL, an
 *	unknown name ENOENT) and applies at once, keeping the window;
 *	reading gives the name, NUL-padded to XTCP_CA_NAME_MAX bytes or cut
 *	to the length asked for.  A listener's children inherit it.
 */
#define XTCP_NODELAY		1
#define XTCP_MAXSEG		2
#define XTCP_CORK		3
#define XTCP_KEEPIDLE		4
#define XTCP_KEEPINTVL		5
#define XTCP_KEEPCNT		6
#define XTCP_SYNCNT		7
#define XTCP_LINGER2		8
#define XTCP_DEFER_ACCEPT	9
#define XTCP_WINDOW_CLAMP	10
#define XTCP_INFO		11
#define XTCP_QUICKACK		12
#define XTCP_CONGESTION		13
#define XTCP_USER_TIMEOUT	18
#define XTCP_NOTSENT_LOWAT	25

#define XTCP_CA_NAME_MAX	16	/* XTCP_CONGESTION's longest name, NUL included */

/**
 * enum xtcp_ca_state - congestion-control state in &struct xtcp_info.
 * @XTCP_CA_OPEN: no loss being repaired: slow start or congestion
 *	avoidance.
 * @XTCP_CA_RECOVERY: fast retransmit done, NewReno recovery (RFC 6582).
 * @XTCP_CA_LOSS: the retransmission timer fired; resending from the
 *	oldest unacknowledged segment in slow start.
 * @XTCP_CA_CWR: the peer echoed a congestion mark (ECN, RFC 3168): the
 *	window was reduced once, for the data in flight then.
 */
enum xtcp_ca_state {
	XTCP_CA_OPEN = 0,
	XTCP_CA_RECOVERY = 1,
	XTCP_CA_LOSS = 2,
	XTCP_CA_CWR = 3,
};

/* Bits of xtcp_info.options: what the handshake negotiated. */
#define XTCP_INFO_OPT_WSCALE	0x1U	/* window scaling, RFC 7323 */
#define XTCP_INFO_OPT_TIMESTAMPS 0x2U	/* timestamps, RFC 7323 */
#define XTCP_INFO_OPT_SACK	0x4U	/* selective acknowledgments, RFC 2018 */
#define XTCP_INFO_OPT_ECN	0x8U	/* explicit congestion notification, RFC 3168 */

/**
 * struct xtcp_info - state of one connection, from getsockopt(XTCP_INFO).
 *
 * Every field has a fixed size; new fields are added only at the end,
 * taken from @reserved, so a program built against an older header
 * reads a prefix that keeps its meaning.  Times are microseconds,
 * windows bytes, windows of congestion segments.
 *
 * @state: &enum xtcp_state.
 * @ca_state: &enum xtcp_ca_state.
 * @snd_wscale: shift applied to the windows the peer advertises.
 * @rcv_wscale: shift applied to the windows we advertise.
 * @options: XTCP_INFO_OPT_* bits.
 * @rto: the current retransmission timeout, backoff included.
 * @srtt: smoothed round-trip time (RFC 6298); 0 before a sample.
 * @rttvar: round-trip time variation (RFC 6298).
 * @snd_mss: largest payload we send in a segment.
 * @rcv_mss: largest payload we advertised we can take.
 * @snd_cwnd: congestion window, in segments.
 * @snd_ssthresh: slow-start threshold, in segments (0x7fffffff: none yet).
 * @snd_wnd: the peer's receive window, scaled.
 * @rcv_wnd: the window we advertised last, scaled.
 * @unacked: segments sent and not yet acknowledged.
 * @retransmits: timeouts of the current oldest segment (the backoff).
 * @probes: unanswered keepalive or zero-window probes now.
 * @notsent_bytes: bytes queued by the user and never sent.
 * @rcv_ooopack: segments that arrived out of order and were queued.
 * @total_retrans: segments retransmitted over the connection's life.
 * @bytes_acked: bytes of ours the peer acknowledged.
 * @bytes_received: bytes received in order from the peer.
 * @segs_out: segments sent.
 * @segs_in: segments received.
 * @probes_sent: keepalive and zero-window probes sent, in all.
 * @fast_retrans: fast retransmits (three duplicate ACKs).
 * @timeouts: retransmission timeouts.
 * @rcv_buf: the receive buffer in bytes (SO_RCVBUF): it grows by itself
 *	(autotuning) unless the user set it.
 * @snd_buf: the send buffer in bytes (SO_SNDBUF): it grows with the
 *	congestion window unless the user set it.
 * @rcv_space: bytes the reader took in the last measured round trip,
 *	which the receive buffer is sized for.
 * @rcv_rtt: the receiver's estimate of the round-trip time: how long a
 *	window of data takes to arrive; 0 before a sample.
 * @sacked: segments in flight the peer SACKed.
 * @lost: segments in flight deemed lost (RFC 6675).
 * @retrans: lost segments sent again and not yet acknowledged.
 * @dsack_dups: D-SACK blocks received: segments the peer got twice.
 * @reordering: how far, in segments, our segments were seen overtaken
 *	(3, RFC 6675's DupThresh, until reordering is measured).
 * @ce_received: data segments that arrived marked Congestion
 *	Experienced (ECN), which our ACKs echoed.
 * @ecn_reductions: window reductions for the peer's echoes of marks.
 * @reserved32: zero.
 * @reserved: zero; room to grow.
 */
struct xtcp_info {
	__u8	state;
	__u8	ca_state;
	__u8	snd_wscale;
	__u8	rcv_wscale;
	__u32	options;
	__u32	rto;
	__u32	srtt;
	__u32	rttvar;
	__u32	snd_mss;
	__u32	rcv_mss;
	__u32	snd_cwnd;
	__u32	snd_ssthresh;
	__u32	snd_wnd;
	__u32	rcv_wnd;
	__u32	unacked;
	__u32	retransmits;
	__u32	probes;
	__u32	notsent_bytes;
	__u32	rcv_ooopack;
	__u64	total_retrans;
	__u64	bytes_acked;
	__u64	bytes_received;
	__u64	segs_out;
	__u64	segs_in;
	__u64	probes_sent;
	__u64	fast_retrans;
	__u64	timeouts;
	__u32	rcv_buf;
	__u32	snd_buf;
	__u32	rcv_space;
	__u32	rcv_rtt;
	__u32	sacked;
	__u32	lost;
	__u32	retrans;
	__u32	dsack_dups;
	__u32	reordering;
	__u32	ce_received;
	__u32	ecn_reductions;
	__u32	reserved32;
	__u64	reserved[2];
};

/*
 * sock_diag.  xtcp answers NETLINK_SOCK_DIAG requests of type
 * SOCK_DIAG_BY_FAMILY whose sdiag_family is the module's family
 * (AF_XTCP unless loaded with another), in the format of
 * <linux/inet_diag.h>:
 *
 * Request: struct inet_diag_req_v2.  sdiag_protocol is 0 or the IP
 * protocol (IPPROTO_XTCP); pad is 0; idiag_states a mask of
 * 1 << XTCP_* states (bits 1..11 only; half-open connections are
 * XTCP_SYN_RECV).  idiag_ext asks for attributes, bit N - 1 for
 * attribute N: INET_DIAG_MEMINFO, INET_DIAG_INFO (a struct xtcp_info),
 * INET_DIAG_CONG (the algorithm's name), INET_DIAG_SKMEMINFO; other
 * bits are ignored.  With NLM_F_DUMP every entry of the namespace that
 * the states and the filter select is sent; without, the one whose
 * id (local address and port in idiag_src/idiag_sport, remote in
 * idiag_dst/idiag_dport; a listener has the remote ones 0) and cookie
 * (or INET_DIAG_NOCOOKIE twice) match.  The one attribute taken is
 * INET_DIAG_REQ_BYTECODE: a filter program, as inet_diag's, of the
 * operations NOP, JMP, S_GE, S_LE, S_EQ, D_GE, D_LE, D_EQ, AUTO,
 * S_COND, D_COND and DEV_COND.
 *
 * Errors: EINVAL for a short request, another protocol, a state bit
 * out of range, any other attribute, or a program that fails the
 * audit (or uses MARK_COND or CGROUP_COND); ENOENT for no such entry;
 * ESTALE for a cookie that does not match.
 *
 * Reply: struct inet_diag_msg per entry.  idiag_family is the
 * addresses' family (AF_INET); idiag_timer is TCP's code (1
 * retransmission, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe) with
 * idiag_expires in ms; idiag_rqueue/idiag_wqueue are rcv_nxt -
 * copied_seq and write_seq - snd_una (a listener: its accept queue and
 * backlog).  Full sockets add INET_DIAG_SHUTDOWN and
 * INET_DIAG_PROTOCOL; TIME_WAIT and half-open entries have no inode
 * and no attributes.
 */

#endif /* _UAPI_LINUX_XTCP_H */
