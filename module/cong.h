/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Round-trip estimation and congestion control: the state a connection
 * keeps, and the algorithms it may choose among (XTCP_CONGESTION,
 * net.xtcp.congestion_control).
 *
 * The window counts segments, as Linux TCP's does.  The data path
 * reports events (an ACK of new data, a loss found by duplicate ACKs or
 * SACK, a timeout, sending after an idle spell); cong.c applies what
 * every algorithm shares (slow start, NewReno's recovery steps, the
 * timeout's window of one) and asks the connection's algorithm only
 * what differs: the threshold after a loss and the growth in
 * congestion avoidance.  The algorithms are this module's own, fixed at
 * build time: a table, not a registry other modules add to.
 */
#ifndef _XTCP_CONG_H
#define _XTCP_CONG_H

#include <linux/types.h>

/**
 * struct xtcp_rtt - round-trip estimator (RFC 6298), cong.c.
 * @srtt_us: smoothed RTT; 0 before the first sample.
 * @rttvar_us: RTT variation.
 * @rto_us: the RTO the estimate gives, before any backoff.
 */
struct xtcp_rtt {
	u32 srtt_us;
	u32 rttvar_us;
	u32 rto_us;
};

/**
 * struct xtcp_cubic - CUBIC's state (RFC 9438 §4), cubic.c.
 * @w_max: the window, in segments, at the last congestion event (after
 *	fast convergence); 0 when the next epoch starts from the window
 *	it finds (after a timeout, or before any loss).
 * @origin: the window the cubic curve flattens out at: @w_max, or the
 *	window at the epoch's start if that was larger.
 * @k_ms: the time from the epoch's start to @origin (RFC 9438's K).
 * @epoch_ms: when the congestion-avoidance epoch began, on
 *	xtcp_cc_clock_ms(); 0 for none (the next ACK starts one).
 * @w_est: the window a Reno flow would have now (Reno-friendly region,
 *	§4.3), in segments.
 * @est_cnt: acknowledged segments toward @w_est's next increase, in
 *	seventeenths (alpha is 9/17 before @w_max and 1 past it).
 */
struct xtcp_cubic {
	u32 w_max;
	u32 origin;
	u32 k_ms;
	u32 epoch_ms;
	u32 w_est;
	u32 est_cnt;
};

struct xtcp_cc_ops;

/**
 * struct xtcp_cc - congestion window (RFC 5681), in segments, cong.c.
 * @ops: the algorithm; never NULL after xtcp_cc_init().  Written under
 *	the socket lock; getsockopt reads it without (READ_ONCE): the
 *	algorithms are static and never go away.
 * @cwnd: congestion window.
 * @ssthresh: slow-start threshold.
 * @cnt: segments acknowledged toward the next increase in congestion
 *	avoidance.
 * @cubic: CUBIC's state, when @ops is CUBIC.
 */
struct xtcp_cc {
	const struct xtcp_cc_ops *ops;
	u32 cwnd;
	u32 ssthresh;
	u32 cnt;
	struct xtcp_cubic cubic;
};

/**
 * struct xtcp_undo - a window reduction that may be given back if the
 *	loss behind it was not one (undo.c).
 * @marker: snd_una when the loss episode began.
 * @tsval: with @ts_set, our timestamp clock when its first
 *	retransmission went.
 * @retrans: segments resent in the episode that no D-SACK has yet
 *	reported as duplicates; -1 before the first.
 * @cwnd: cwnd before the reduction.
 * @ssthresh: ssthresh before it: at least 3/4 of @cwnd when the
 *	connection was open (TCP's tcp_current_ssthresh()).
 * @ts_set: @tsval is set.
 * @active: an episode runs and may still be undone.
 * @frto: a timeout is being tested by F-RTO (RFC 5682).
 */
struct xtcp_undo {
	u32 marker;
	u32 tsval;
	int retrans;
	u32 cwnd;
	u32 ssthresh;
	bool ts_set;
	bool active;
	bool frto;
};

/**
 * struct xtcp_prr - proportional rate reduction (RFC 6937) through SACK
 *	recovery.
 * @prior_cwnd: cwnd when recovery began (RecoverFS, as Linux takes it).
 * @delivered: segments the peer has received since (prr_delivered).
 * @out: segments sent since, resent or new (prr_out).
 * @newly: segments the ACK being processed delivered, not yet counted.
 * @lost: lost_out once that ACK's SACK blocks were taken, before loss
 *	detection ran: more lost after it is a new loss.
 * @una_moved: that ACK moved snd_una.
 */
struct xtcp_prr {
	u32 prior_cwnd;
	u32 delivered;
	u32 out;
	u32 newly;
	u32 lost;
	bool una_moved;
};

/* What an ACK said, for F-RTO (xtcp_undo_frto()). */
#define XTCP_ACK_ADVANCED	0x1	/* it moved snd_una */
#define XTCP_ACK_ORIGINAL	0x2	/* it ACKed or SACKed data sent only once */
#define XTCP_ACK_SACKED		0x4	/* it SACKed data newly */
#define XTCP_ACK_DUP		0x8	/* a duplicate ACK (RFC 5681 §2) */

/**
 * struct xtcp_cc_ops - what distinguishes one algorithm from another.
 * @name: what XTCP_CONGESTION and the sysctls call it; at most
 *	XTCP_CA_NAME_MAX - 1 characters.
 * @reset: forget the algorithm's own state (the window and threshold
 *	stay): at the start and when a connection switches to it.
 * @ssthresh: a congestion event: return the new slow-start threshold,
 *	@flight being the segments in flight when the loss was found.
 * @cong_avoid: past ssthresh, @acked segments were acknowledged at
 *	@now_ms with a smoothed RTT of @srtt_us: grow @cc->cwnd.
 * @on_timeout: the retransmission timer fired (after @ssthresh was
 *	taken on its first firing); optional.
 * @tx_start: data goes out again after nothing was in flight;
 *	optional.
 */
struct xtcp_cc_ops {
	const char *name;
	void (*reset)(struct xtcp_cc *cc);
	u32 (*ssthresh)(struct xtcp_cc *cc, u32 flight);
	void (*cong_avoid)(struct xtcp_cc *cc, u32 acked, u32 now_ms,
			   u32 srtt_us);
	void (*on_timeout)(struct xtcp_cc *cc);
	void (*tx_start)(struct xtcp_cc *cc);
};

#define XTCP_INIT_CWND		10		/* RFC 6928 */
#define XTCP_MAX_CWND		65535U
#define XTCP_INFINITE_SSTHRESH	0x7fffffffU

extern const struct xtcp_cc_ops xtcp_reno;
extern const struct xtcp_cc_ops xtcp_cubic;

/* The clock of congestion control: milliseconds, never 0. */
u32 xtcp_cc_clock_ms(void);

/* cong.c */
void xtcp_rtt_init(struct xtcp_rtt *r, u32 rto_us);
void xtcp_rtt_sample(struct xtcp_rtt *r, u32 m_us, u32 min_us, u32 max_us);
const struct xtcp_cc_ops *xtcp_cc_find(const char *name);
int xtcp_cc_available(char *buf, size_t size);
void xtcp_cc_init(struct xtcp_cc *cc, const struct xtcp_cc_ops *ops);
void xtcp_cc_set(struct xtcp_cc *cc, const struct xtcp_cc_ops *ops);
void xtcp_cc_reno_grow(struct xtcp_cc *cc, u32 acked);
void xtcp_cc_on_ack(struct xtcp_cc *cc, u32 acked, u32 now_ms, u32 srtt_us);
void xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 flight);
void xtcp_cc_enter_cwr(struct xtcp_cc *cc, u32 flight);
void xtcp_cc_partial_ack(struct xtcp_cc *cc, u32 acked);
u32 xtcp_prr_cwnd(struct xtcp_prr *prr, u32 ssthresh, u32 pipe,
		  bool new_loss);
void xtcp_cc_exit_recovery(struct xtcp_cc *cc, u32 flight);
void xtcp_cc_on_timeout(struct xtcp_cc *cc, u32 flight, bool first);
void xtcp_cc_tx_start(struct xtcp_cc *cc);

/* cubic.c */
u32 xtcp_cubic_cbrt(u64 x);
u32 xtcp_cubic_target(const struct xtcp_cubic *c, u32 t_ms);

#endif /* _XTCP_CONG_H */
