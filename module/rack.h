/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RACK (RFC 8985 §6): loss detection by time, rack.c.
 */
#ifndef _XTCP_RACK_H
#define _XTCP_RACK_H

#include <linux/types.h>

/* Recoveries a grown reordering window is kept for (RFC 8985 §6.2). */
#define XTCP_RACK_PERSIST	16
/* How long the lowest RTT sample is believed, in ms (tcp_min_rtt_wlen). */
#define XTCP_RACK_MIN_RTT_WIN_MS	(300 * MSEC_PER_SEC)

/**
 * struct xtcp_rack - RACK's state (RFC 8985 §6.1).
 * @xmit_us: when the most recently sent of the segments delivered so
 *	far (SACKed or cumulatively acknowledged) went, its last
 *	transmission: RACK.xmit_ts (xtcp_clock_us()).
 * @end_seq: that segment's end: RACK.end_seq, which orders segments
 *	sent at the same time.
 * @rtt_us: the round trip that segment measured: RACK.rtt.
 * @min_rtt_us: the lowest RTT sample of the last five minutes, 0
 *	before one: the reordering window is a quarter of it.
 * @min_rtt_ms: when @min_rtt_us was taken (jiffies, in ms).
 * @dsack_high: with @dsack_round, snd_nxt when the window last grew:
 *	D-SACKs grow it again only once that is acknowledged.
 * @steps: the reordering window in quarters of @min_rtt_us
 *	(RACK.reo_wnd_mult), grown by D-SACKs.
 * @persist: recoveries left before @steps falls back to 1.
 * @dsack_round: the window grew and @dsack_high is not yet acknowledged.
 * @reord: reordering was seen on the connection (RACK.reordering_seen).
 * @delivered: a segment was delivered: @xmit_us and @end_seq are set.
 * @advanced: @xmit_us moved since the last walk for losses.
 */
struct xtcp_rack {
	u32 xmit_us;
	u32 end_seq;
	u32 rtt_us;
	u32 min_rtt_us;
	u32 min_rtt_ms;
	u32 dsack_high;
	u8 steps;
	u8 persist;
	bool dsack_round;
	bool reord;
	bool delivered;
	bool advanced;
};

bool xtcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2);
void xtcp_rack_init(struct xtcp_rack *r);
void xtcp_rack_min_rtt(struct xtcp_rack *r, u32 rtt_us, u32 now_ms);
void xtcp_rack_deliver(struct xtcp_rack *r, u32 xmit_us, u32 end_seq,
		       bool retrans, u32 now_us);
u32 xtcp_rack_reo_wnd(const struct xtcp_rack *r, u32 srtt_us, bool strict);
void xtcp_rack_dsack(struct xtcp_rack *r, u32 snd_una, u32 snd_nxt);
void xtcp_rack_recovery_done(struct xtcp_rack *r);

struct sock;
bool xtcp_rack_on(const struct sock *sk);
void xtcp_rack_recover(struct sock *sk, bool timeout);

#endif /* _XTCP_RACK_H */
