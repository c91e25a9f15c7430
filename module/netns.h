/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-network-namespace state: the counters (MIBs, printed by
 * /proc/net/xtcp_snmp), the net.xtcp.* sysctls and the rest of struct
 * xtcp_net (netns.c, sysctl.c, proc.c).
 */
#ifndef _XTCP_NETNS_H
#define _XTCP_NETNS_H

#include <linux/percpu.h>
#include <linux/seqlock.h>
#include <net/net_namespace.h>

/*
 * Counters, per namespace and per CPU.  The names are printed by
 * /proc/net/xtcp_snmp in this order.
 */
enum xtcp_mib_field {
	XTCP_MIB_ACTIVEOPENS,
	XTCP_MIB_PASSIVEOPENS,
	XTCP_MIB_ATTEMPTFAILS,
	XTCP_MIB_ESTABRESETS,
	XTCP_MIB_CURRESTAB,
	XTCP_MIB_INSEGS,
	XTCP_MIB_OUTSEGS,
	XTCP_MIB_RETRANSSEGS,
	XTCP_MIB_INERRS,
	XTCP_MIB_INCSUMERRORS,
	XTCP_MIB_INHDRERRORS,
	XTCP_MIB_NOSOCKET,
	XTCP_MIB_OUTRSTS,
	XTCP_MIB_TIMEWAITS,
	XTCP_MIB_TIMEOUTS,
	XTCP_MIB_LISTENOVERFLOWS,
	XTCP_MIB_LISTENDROPS,
	XTCP_MIB_BACKLOGDROPS,
	XTCP_MIB_CHALLENGEACKS,
	XTCP_MIB_OUTOFWINDOW,
	XTCP_MIB_OFODROPS,
	XTCP_MIB_RCVQDROPS,
	XTCP_MIB_TWRECYCLED,
	XTCP_MIB_KEEPALIVEPROBES,
	XTCP_MIB_ZEROWINDOWPROBES,
	XTCP_MIB_DELAYEDACKS,
	XTCP_MIB_FASTRETRANSMITS,
	XTCP_MIB_PARTIALACKS,
	XTCP_MIB_OFOQUEUED,
	XTCP_MIB_USERTIMEOUTS,
	XTCP_MIB_OFOPRUNED,
	XTCP_MIB_ACKSKIPPEDSEQ,
	XTCP_MIB_ACKSKIPPEDCHALLENGE,
	XTCP_MIB_ACKSKIPPEDSYNRECV,
	XTCP_MIB_ACKSKIPPEDTIMEWAIT,
	XTCP_MIB_ABORTONDATA,
	XTCP_MIB_ABORTONMEMORY,
	XTCP_MIB_TIMEWAITOVERFLOW,
	XTCP_MIB_MEMORYPRESSURES,
	XTCP_MIB_MEMORYPRESSURESMS,
	XTCP_MIB_SYNCOOKIESSENT,
	XTCP_MIB_SYNCOOKIESRECV,
	XTCP_MIB_SYNCOOKIESFAILED,
	XTCP_MIB_PAWSESTAB,
	XTCP_MIB_TSOPTMISSING,
	XTCP_MIB_ACKSKIPPEDPAWS,
	XTCP_MIB_OUTOFWINDOWICMPS,
	XTCP_MIB_PMTUREDUCED,
	XTCP_MIB_SACKRECOVERY,
	XTCP_MIB_SACKDISCARD,
	XTCP_MIB_DSACKRECV,
	XTCP_MIB_DSACKSENT,
	XTCP_MIB_SACKRENEGING,
	XTCP_MIB_SACKSPLITREFUSED,
	XTCP_MIB_SACKREORDER,
	XTCP_MIB_ABORTONLINGER,
	XTCP_MIB_DEFERACCEPTDROP,
	XTCP_MIB_ECNNEGOTIATED,
	XTCP_MIB_ECNCERCVD,
	XTCP_MIB_ECNREDUCTIONS,
	XTCP_MIB_TLPPROBES,
	XTCP_MIB_TLPRECOVERY,
	XTCP_MIB_LOSTRETRANSMIT,
	XTCP_MIB_RACKREOTIMEOUTS,
	XTCP_MIB_DSACKUNDO,
	XTCP_MIB_FULLUNDO,
	XTCP_MIB_LOSSUNDO,
	XTCP_MIB_SPURIOUSRTOS,
	XTCP_MIB_PRUNECALLED,
	XTCP_MIB_RCVCOLLAPSED,
	XTCP_MIB_MAX
};

/**
 * struct xtcp_mib - one CPU's counters of one namespace.
 * @mibs: indexed by enum xtcp_mib_field.
 */
struct xtcp_mib {
	unsigned long mibs[XTCP_MIB_MAX];
};

/**
 * enum xtcp_sysctl_id - the integer sysctls under net.xtcp.
 * @XTCP_SYSCTL_SYN_RETRIES: SYN retransmissions before connect() fails.
 * @XTCP_SYSCTL_SYNACK_RETRIES: SYN-ACK retransmissions before a child
 *	is dropped.
 * @XTCP_SYSCTL_RETRIES2: retransmissions of data or FIN before the
 *	connection is dropped.
 * @XTCP_SYSCTL_RTO_INITIAL_MS: RTO before any RTT sample (RFC 6298: 1 s).
 * @XTCP_SYSCTL_RTO_MAX_MS: ceiling of the backed-off RTO.
 * @XTCP_SYSCTL_FIN_TIMEOUT_MS: how long an orphan waits in FIN_WAIT_2.
 * @XTCP_SYSCTL_TW_TIMEOUT_MS: TIME_WAIT duration, 2*MSL.
 * @XTCP_SYSCTL_RTO_MIN_MS: floor of the RTO (RFC 6298 says 1 s; 200 ms
 *	as in Linux).
 * @XTCP_SYSCTL_DELACK_MS: how long an ACK may be delayed.
 * @XTCP_SYSCTL_KEEPALIVE_TIME: idle seconds before the first probe.
 * @XTCP_SYSCTL_KEEPALIVE_INTVL: seconds between probes.
 * @XTCP_SYSCTL_KEEPALIVE_PROBES: unanswered probes before the drop.
 * @XTCP_SYSCTL_WINDOW_SCALING: offer window scaling (RFC 7323).
 * @XTCP_SYSCTL_INVALID_RATELIMIT_MS: least time between two replies of a
 *	socket to segments that do not belong (out-of-window, challenge,
 *	duplicate SYN, TIME_WAIT), as tcp_invalid_ratelimit.
 * @XTCP_SYSCTL_CHALLENGE_ACK_LIMIT: challenge ACKs per second and
 *	namespace (RFC 5961 §7), as tcp_challenge_ack_limit.
 * @XTCP_SYSCTL_ORPHAN_RETRIES: retransmissions (or unanswered-in-effect
 *	zero-window probes) of an orphan before it is dropped.
 * @XTCP_SYSCTL_MAX_ORPHANS: orphans (closed by the user, not yet done)
 *	of all namespaces past which a closing socket is reset instead.
 * @XTCP_SYSCTL_MAX_TW_BUCKETS: TIME_WAIT objects of the namespace past
 *	which a connection closes without one.
 * @XTCP_SYSCTL_TIMESTAMPS: offer RFC 7323 timestamps.
 * @XTCP_SYSCTL_SACK: offer selective acknowledgments (RFC 2018).
 * @XTCP_SYSCTL_ECN: explicit congestion notification (RFC 3168): 0
 *	never, 1 ask for it on our SYNs and take it when asked, 2 only
 *	take it when a peer's SYN asks (Linux TCP's default).
 * @XTCP_SYSCTL_TLP: tail loss probes (RFC 8985 §7) on SACK connections;
 *	off by default until a bulk-transfer regression on 6.12 is understood.
 * @XTCP_SYSCTL_RACK: RACK (RFC 8985 §6) finds the losses of SACK
 *	connections by time, in place of RFC 6675's DupThresh.
 * @XTCP_SYSCTL_FRTO: F-RTO (RFC 5682) tells spurious timeouts from real
 *	ones by sending new data after the first retransmission.
 * @XTCP_SYSCTL_SYNCOOKIES: 0 never, 1 when a SYN queue overflows, 2
 *	always answer SYNs with SYN cookies (syncookie.c).
 * @XTCP_SYSCTL_MAX: count.
 */
enum xtcp_sysctl_id {
	XTCP_SYSCTL_SYN_RETRIES,
	XTCP_SYSCTL_SYNACK_RETRIES,
	XTCP_SYSCTL_RETRIES2,
	XTCP_SYSCTL_RTO_INITIAL_MS,
	XTCP_SYSCTL_RTO_MAX_MS,
	XTCP_SYSCTL_FIN_TIMEOUT_MS,
	XTCP_SYSCTL_TW_TIMEOUT_MS,
	XTCP_SYSCTL_RTO_MIN_MS,
	XTCP_SYSCTL_DELACK_MS,
	XTCP_SYSCTL_KEEPALIVE_TIME,
	XTCP_SYSCTL_KEEPALIVE_INTVL,
	XTCP_SYSCTL_KEEPALIVE_PROBES,
	XTCP_SYSCTL_WINDOW_SCALING,
	XTCP_SYSCTL_INVALID_RATELIMIT_MS,
	XTCP_SYSCTL_CHALLENGE_ACK_LIMIT,
	XTCP_SYSCTL_ORPHAN_RETRIES,
	XTCP_SYSCTL_MAX_ORPHANS,
	XTCP_SYSCTL_MAX_TW_BUCKETS,
	XTCP_SYSCTL_SYNCOOKIES,
	XTCP_SYSCTL_TIMESTAMPS,
	XTCP_SYSCTL_SACK,
	XTCP_SYSCTL_ECN,
	XTCP_SYSCTL_TLP,
	XTCP_SYSCTL_RACK,
	XTCP_SYSCTL_FRTO,
	XTCP_SYSCTL_MAX
};

/**
 * struct xtcp_net - per-network-namespace state.
 * @mib: per-CPU counters; summed over all CPUs when read.
 * @ctl_sk: kernel socket that sends replies no socket owns (RSTs to
 *	closed ports, ACKs from TIME_WAIT).
 * @port_range: ephemeral port range [lo, hi], net.xtcp.ip_local_port_range.
 * @port_range_lock: protects @port_range: the sysctl handler writes the
 *	pair under it, readers retry on it (xtcp_port_range_read()), so
 *	lo <= hi always holds for what a reader sees.
 * @sysctl: the integer net.xtcp.* values, by &enum xtcp_sysctl_id; each
 *	a single word read with READ_ONCE (xtcp_sysctl()).
 * @rmem: net.xtcp.rmem, "min default max" receive buffer bytes: the
 *	default is a new socket's SO_RCVBUF, the maximum caps the buffer
 *	and sizes the window scale.  Words read with READ_ONCE.
 * @wmem: net.xtcp.wmem, the same for the send buffer.
 * @sysctl_hdr: the registered net.xtcp table of this namespace.
 * @challenge_second: the second (jiffies / HZ) @challenge_left counts
 *	for; both read and written locklessly, as TCP's are.
 * @challenge_left: challenge ACKs this namespace may still send in
 *	@challenge_second.
 * @tw_count: TIME_WAIT objects of this namespace.
 * @cc_default: net.xtcp.congestion_control, the algorithm of a new
 *	socket; a pointer to a static &struct xtcp_cc_ops, written by the
 *	sysctl and read with READ_ONCE.
 */
struct xtcp_net {
	struct xtcp_mib __percpu *mib;
	struct sock *ctl_sk;
	int port_range[2];
	seqlock_t port_range_lock;
	int sysctl[XTCP_SYSCTL_MAX];
	int rmem[3];
	int wmem[3];
	struct ctl_table_header *sysctl_hdr;
	u32 challenge_second;
	u32 challenge_left;
	atomic_t tw_count;
	const struct xtcp_cc_ops *cc_default;
};

struct xtcp_net *xtcp_pernet(const struct net *net);

#define XTCP_INC_STATS(net, field) \
	this_cpu_inc(xtcp_pernet(net)->mib->mibs[field])
#define XTCP_DEC_STATS(net, field) \
	this_cpu_dec(xtcp_pernet(net)->mib->mibs[field])
#define XTCP_ADD_STATS(net, field, val) \
	this_cpu_add(xtcp_pernet(net)->mib->mibs[field], val)
/* Read one net.xtcp.* integer of @net (&enum xtcp_sysctl_id @id). */
#define xtcp_sysctl(net, id) READ_ONCE(xtcp_pernet(net)->sysctl[(id)])

unsigned long xtcp_mib_read(const struct net *net, enum xtcp_mib_field field);
extern const char *const xtcp_mib_names[XTCP_MIB_MAX];

/* netns.c */
int xtcp_netns_init(void);
void xtcp_netns_exit(void);
void xtcp_local_port_range(const struct net *net, int *lo, int *hi);
void xtcp_port_range_read(struct xtcp_net *xn, int *lo, int *hi);

/* sysctl.c */
int xtcp_sysctl_net_init(struct net *net);
void xtcp_sysctl_net_exit(struct net *net);

/* proc.c */
const char *xtcp_state_name(int state);
int xtcp_proc_net_init(struct net *net);
void xtcp_proc_net_exit(struct net *net);

#endif /* _XTCP_NETNS_H */
