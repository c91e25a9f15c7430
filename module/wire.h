/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segment header as wire.c reads and writes it: pure functions on
 * packets, no socket state, covered by KUnit.
 */
#ifndef _XTCP_WIRE_H
#define _XTCP_WIRE_H

#include <linux/siphash.h>
#include <linux/tcp.h>

/* SACK blocks: at most four fit in the 40 bytes of options (RFC 2018). */
#define XTCP_MAX_SACKS		4

/**
 * struct xtcp_sack_block - a SACK block: [@start, @end) of sequence space.
 * @start: first sequence number.
 * @end: one past the last.
 */
struct xtcp_sack_block {
	u32 start;
	u32 end;
};

/**
 * struct xtcp_opts - options of a received segment that xtcp acts on.
 * @mss: MSS option (SYN only); 0 when absent.
 * @wscale: window-scale shift (SYN only), capped at 14.
 * @wscale_ok: the window-scale option was present (SYN only).
 * @ts_ok: a timestamps option was present (any segment).
 * @tsval: its TSval, with @ts_ok.
 * @tsecr: its TSecr, with @ts_ok.
 * @sack_ok: the SACK-permitted option was present (SYN only).
 * @num_sacks: SACK blocks in @sacks (any segment but a SYN), as sent:
 *	not yet checked against anything.
 * @sacks: the blocks, in the order of the option.
 */
struct xtcp_opts {
	u16 mss;
	u8 wscale;
	bool wscale_ok;
	bool ts_ok;
	bool sack_ok;
	u8 num_sacks;
	u32 tsval;
	u32 tsecr;
	struct xtcp_sack_block sacks[XTCP_MAX_SACKS];
};

/**
 * struct xtcp_ts - RFC 7323 timestamps of a connection (a socket, a
 *	request or a TIME_WAIT object).
 * @ok: both SYNs carried TSopt: every segment but a bare RST sends one.
 * @offset: added to the millisecond clock to make our TSval; random per
 *	connection, so that TSval tells nothing of the host's uptime.
 * @recent: TS.Recent, the TSval we echo (RFC 7323 §4.3).
 * @recent_stamp: ktime_get_seconds() when @recent was stored, for the
 *	24-day rule of PAWS (§5.5).
 */
struct xtcp_ts {
	u32 offset;
	u32 recent;
	u32 recent_stamp;
	bool ok;
};

/* PAWS takes TS.Recent as invalid after 24 days idle (RFC 7323 §5.5). */
#define XTCP_PAWS_IDLE_S	(24 * 24 * 3600)

/**
 * enum xtcp_hdr_verdict - result of xtcp_hdr_check().
 * @XTCP_HDR_OK: the header is well formed.
 * @XTCP_HDR_SHORT: shorter than the 20-byte fixed header.
 * @XTCP_HDR_BAD_DOFF: data offset below 5 words or past the packet.
 * @XTCP_HDR_BAD_FLAGS: a flag combination no valid segment carries
 *	(SYN with FIN or RST, or no flag at all).
 */
enum xtcp_hdr_verdict {
	XTCP_HDR_OK,
	XTCP_HDR_SHORT,
	XTCP_HDR_BAD_DOFF,
	XTCP_HDR_BAD_FLAGS,
};

/**
 * struct xtcp_hdr_fields - what xtcp_build_header() writes.
 * @sport: source port.
 * @dport: destination port.
 * @seq: sequence number.
 * @ack: acknowledgment number.
 * @flags: TCP flag byte (TCPHDR_*).
 * @window: window field, already scaled.
 * @mss: MSS option value, or 0 for none.
 * @wscale: window-scale option value, with @wscale_ok.
 * @wscale_ok: add the window-scale option (NOP, WS: 4 bytes).
 * @ts_ok: add the timestamps option (NOP, NOP, TS: 12 bytes).
 * @tsval: its TSval, with @ts_ok.
 * @tsecr: its TSecr, with @ts_ok.
 * @sack_ok: add SACK-permitted (SYN and SYN-ACK only).
 * @num_sacks: SACK blocks to add from @sacks; no more than fit beside
 *	the other options (xtcp_sacks_fit()).
 * @sacks: the blocks, first sent first.
 * @urg_ptr: the urgent pointer, with TCPHDR_URG in @flags.
 */
struct xtcp_hdr_fields {
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack;
	u8 flags;
	u16 window;
	u16 mss;
	u8 wscale;
	bool wscale_ok;
	bool ts_ok;
	u32 tsval;
	u32 tsecr;
	bool sack_ok;
	u8 num_sacks;
	const struct xtcp_sack_block *sacks;
	u16 urg_ptr;
};

enum xtcp_hdr_verdict xtcp_hdr_check(const struct tcphdr *th, unsigned int len);
void xtcp_parse_options(const struct tcphdr *th, struct xtcp_opts *opts);
unsigned int xtcp_header_len(const struct xtcp_hdr_fields *f);
unsigned int xtcp_sacks_fit(bool ts_ok);
unsigned int xtcp_build_header(struct tcphdr *th, const struct xtcp_hdr_fields *f);
u32 xtcp_isn_hash(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		  __be16 sport, __be16 dport, u64 clock_ns);
bool xtcp_paws_reject(const struct xtcp_ts *ts, u32 tsval, u32 now_s);
bool xtcp_ts_update_ok(const struct xtcp_ts *ts, u32 tsval, u32 seq,
		       u32 last_ack_sent);
u32 xtcp_ts_rtt_us(u32 now_ts, u32 tsecr);
bool xtcp_seq_acceptable(u32 rcv_nxt, u32 rcv_wnd, u32 seq, u32 len);
__sum16 xtcp_csum(__be32 saddr, __be32 daddr, u8 proto, const void *seg,
		  unsigned int len);

#endif /* _XTCP_WIRE_H */
