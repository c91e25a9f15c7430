// SPDX-License-Identifier: GPL-2.0
/*
 * Pure functions on xtcp's wire format: the TCP header of RFC 9293 §3.1
 * carried under IP protocol xtcp_ipproto.  Nothing here touches a
 * socket, so the KUnit module tests it directly.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <linux/siphash.h>

#include "xtcp.h"

/**
 * xtcp_hdr_check() - validate the fixed part of a segment header.
 * @th: the header; at least min(@len, 20) bytes must be readable.
 * @len: bytes from the start of @th to the end of the segment.
 *
 * Options are not parsed here; only their extent (data offset) is
 * checked against @len.
 *
 * Return: %XTCP_HDR_OK or the reason the segment must be dropped.
 */
enum xtcp_hdr_verdict xtcp_hdr_check(const struct tcphdr *th, unsigned int len)
{
	unsigned int doff;

	if (len < sizeof(*th))
		return XTCP_HDR_SHORT;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || doff > len)
		return XTCP_HDR_BAD_DOFF;
	if (th->syn && (th->fin || th->rst))
		return XTCP_HDR_BAD_FLAGS;
	if (!(th->syn || th->ack || th->rst || th->fin))
		return XTCP_HDR_BAD_FLAGS;
	return XTCP_HDR_OK;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_hdr_check);

/**
 * xtcp_csum() - Internet checksum of a segment with its pseudo-header.
 * @saddr: IPv4 source address.
 * @daddr: IPv4 destination address.
 * @proto: IP protocol number in the pseudo-header.
 * @seg: the segment, header and data, with its checksum field as sent
 *	(zero when computing, the received value when verifying).
 * @len: length of @seg in bytes.
 *
 * Return: the value to store in the checksum field; over a segment
 * that carries a correct checksum the result is 0.
 */
__sum16 xtcp_csum(__be32 saddr, __be32 daddr, u8 proto, const void *seg,
		  unsigned int len)
{
	return csum_tcpudp_magic(saddr, daddr, len, proto,
				 csum_partial(seg, len, 0));
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_csum);

/* The blocks of a SACK option at @p, @olen bytes long. */
static void xtcp_parse_sacks(const u8 *p, u8 olen, struct xtcp_opts *opts)
{
	unsigned int i, n = (olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK;

	if (olen < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
	    (olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK ||
	    n > XTCP_MAX_SACKS)
		return;
	for (i = 0; i < n; i++) {
		const u8 *b = p + TCPOLEN_SACK_BASE + i * TCPOLEN_SACK_PERBLOCK;

		opts->sacks[i].start = get_unaligned_be32(b);
		opts->sacks[i].end = get_unaligned_be32(b + 4);
	}
	opts->num_sacks = n;
}

/**
 * xtcp_parse_options() - read the options of a segment that xtcp uses.
 * @th: the header; xtcp_hdr_check() has passed, so th->doff * 4 bytes
 *	are present.
 * @opts: filled in; fields of absent options are zero.
 *
 * Unknown options are skipped by their length.  An option whose length
 * is below 2 or runs past the header ends the parse, as in Linux TCP:
 * what was read before it stands.  MSS, window scale and SACK-permitted
 * count only on a SYN; a shift above 14 is read as 14 (RFC 7323 §2.3).
 * Timestamps count on any segment, SACK blocks on any but a SYN; a SACK
 * option whose length is not 2 plus a whole number of 8-byte blocks
 * (one to four) is ignored, as in TCP.
 */
void xtcp_parse_options(const struct tcphdr *th, struct xtcp_opts *opts)
{
	const u8 *p = (const u8 *)(th + 1);
	int len = th->doff * 4 - (int)sizeof(*th);

	memset(opts, 0, sizeof(*opts));
	while (len > 0) {
		u8 kind = p[0], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		olen = p[1];
		if (olen < 2 || olen > len)
			break;
		if (kind == TCPOPT_MSS && olen == TCPOLEN_MSS && th->syn)
			opts->mss = get_unaligned_be16(p + 2);
		if (kind == TCPOPT_WINDOW && olen == TCPOLEN_WINDOW && th->syn) {
			opts->wscale_ok = true;
			opts->wscale = min_t(u8, p[2], XTCP_MAX_WSCALE);
		}
		if (kind == TCPOPT_TIMESTAMP && olen == TCPOLEN_TIMESTAMP) {
			opts->ts_ok = true;
			opts->tsval = get_unaligned_be32(p + 2);
			opts->tsecr = get_unaligned_be32(p + 6);
		}
		if (kind == TCPOPT_SACK_PERM && olen == TCPOLEN_SACK_PERM && th->syn)
			opts->sack_ok = true;
		if (kind == TCPOPT_SACK && !th->syn)
			xtcp_parse_sacks(p, olen, opts);
		p += olen;
		len -= olen;
	}
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_parse_options);

/**
 * xtcp_sacks_fit() - how many SACK blocks fit beside the options every
 *	segment carries.
 * @ts_ok: the segments carry timestamps.
 *
 * Forty bytes of options, less 12 for timestamps, less 4 for two NOPs
 * and the SACK option's kind and length: 3 blocks with timestamps, 4
 * without (RFC 2018 §3).
 *
 * Return: the number of blocks.
 */
unsigned int xtcp_sacks_fit(bool ts_ok)
{
	unsigned int room = MAX_TCP_OPTION_SPACE - TCPOLEN_SACK_BASE_ALIGNED -
			    (ts_ok ? TCPOLEN_TSTAMP_ALIGNED : 0);

	return min_t(unsigned int, room / TCPOLEN_SACK_PERBLOCK, XTCP_MAX_SACKS);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_sacks_fit);

/**
 * xtcp_header_len() - the header length xtcp_build_header() writes.
 * @f: the field values.
 *
 * Return: 20 bytes, plus 4 for MSS, 12 for timestamps (with two NOPs,
 * or with SACK-permitted in their place), 4 for SACK-permitted without
 * timestamps, 4 for NOP and window scale, and 4 plus 8 a block for SACK.
 */
unsigned int xtcp_header_len(const struct xtcp_hdr_fields *f)
{
	return sizeof(struct tcphdr) + (f->mss ? TCPOLEN_MSS : 0) +
	       (f->ts_ok ? TCPOLEN_TSTAMP_ALIGNED : 0) +
	       (f->sack_ok && !f->ts_ok ? TCPOLEN_SACKPERM_ALIGNED : 0) +
	       (f->wscale_ok ? TCPOLEN_WINDOW + 1 : 0) +
	       (f->num_sacks ? TCPOLEN_SACK_BASE_ALIGNED +
			       f->num_sacks * TCPOLEN_SACK_PERBLOCK : 0);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_header_len);

/**
 * xtcp_build_header() - write a segment header.
 * @th: where to write; room for xtcp_header_len(@f) bytes.
 * @f: the field values.
 *
 * The checksum is left zero; the caller computes it over the finished
 * segment with xtcp_csum().  An MSS option is added when @f->mss is
 * non-zero, then timestamps when @f->ts_ok (after SACK-permitted when
 * @f->sack_ok, else after two NOPs), or NOP, NOP and SACK-permitted
 * alone, then NOP and window scale when @f->wscale_ok, then NOP, NOP
 * and the SACK blocks, as Linux lays them out.
 *
 * Return: the header length in bytes (20 to 60).
 */
unsigned int xtcp_build_header(struct tcphdr *th, const struct xtcp_hdr_fields *f)
{
	unsigned int len = xtcp_header_len(f);
	u8 *opt = (u8 *)(th + 1);

	memset(th, 0, len);
	th->source = f->sport;
	th->dest = f->dport;
	th->seq = htonl(f->seq);
	th->ack_seq = htonl(f->ack);
	th->doff = len / 4;
	tcp_flag_byte(th) = f->flags;
	th->window = htons(f->window);
	th->urg_ptr = htons(f->urg_ptr);
	if (f->mss) {
		opt[0] = TCPOPT_MSS;
		opt[1] = TCPOLEN_MSS;
		put_unaligned_be16(f->mss, opt + 2);
		opt += TCPOLEN_MSS;
	}
	if (f->ts_ok) {
		if (f->sack_ok) {
			opt[0] = TCPOPT_SACK_PERM;
			opt[1] = TCPOLEN_SACK_PERM;
		} else {
			opt[0] = TCPOPT_NOP;
			opt[1] = TCPOPT_NOP;
		}
		opt[2] = TCPOPT_TIMESTAMP;
		opt[3] = TCPOLEN_TIMESTAMP;
		put_unaligned_be32(f->tsval, opt + 4);
		put_unaligned_be32(f->tsecr, opt + 8);
		opt += TCPOLEN_TSTAMP_ALIGNED;
	} else if (f->sack_ok) {
		opt[0] = TCPOPT_NOP;
		opt[1] = TCPOPT_NOP;
		opt[2] = TCPOPT_SACK_PERM;
		opt[3] = TCPOLEN_SACK_PERM;
		opt += TCPOLEN_SACKPERM_ALIGNED;
	}
	if (f->wscale_ok) {
		opt[0] = TCPOPT_NOP;
		opt[1] = TCPOPT_WINDOW;
		opt[2] = TCPOLEN_WINDOW;
		opt[3] = f->wscale;
		opt += TCPOLEN_WINDOW + 1;
	}
	if (f->num_sacks) {
		unsigned int i;

		opt[0] = TCPOPT_NOP;
		opt[1] = TCPOPT_NOP;
		opt[2] = TCPOPT_SACK;
		opt[3] = TCPOLEN_SACK_BASE + f->num_sacks * TCPOLEN_SACK_PERBLOCK;
		opt += TCPOLEN_SACK_BASE_ALIGNED;
		for (i = 0; i < f->num_sacks; i++) {
			put_unaligned_be32(f->sacks[i].start, opt);
			put_unaligned_be32(f->sacks[i].end, opt + 4);
			opt += TCPOLEN_SACK_PERBLOCK;
		}
	}
	return len;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_build_header);

/**
 * xtcp_isn_hash() - RFC 6528 initial sequence number.
 * @key: the secret.
 * @saddr: local address.
 * @daddr: remote address.
 * @sport: local port.
 * @dport: remote port.
 * @clock_ns: a fine clock in nanoseconds.
 *
 * ISN = M + F(4-tuple, secret), with M the clock in 64 ns ticks (it
 * wraps in about 4.6 minutes, faster than RFC 9293's 4 µs clock, as
 * in Linux) and F a keyed SipHash of the 4-tuple.
 *
 * Return: the ISN.
 */
u32 xtcp_isn_hash(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		  __be16 sport, __be16 dport, u64 clock_ns)
{
	u32 f = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			     (__force u32)sport << 16 | (__force u32)dport, key);

	return f + (u32)(clock_ns >> 6);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_isn_hash);

/**
 * xtcp_paws_reject() - RFC 7323 §5.3 R1: is a segment an old duplicate?
 * @ts: the connection's timestamps; @ts->ok.
 * @tsval: the segment's TSval.
 * @now_s: ktime_get_seconds(), truncated.
 *
 * A TSval before TS.Recent marks the segment as sent before the one
 * whose TSval we hold, so older than the window can tell: unless
 * TS.Recent was stored more than 24 days ago (§5.5), when the peer's
 * clock may have wrapped past it.  The caller exempts RSTs.
 *
 * Return: true if the segment must be dropped (and ACKed).
 */
bool xtcp_paws_reject(const struct xtcp_ts *ts, u32 tsval, u32 now_s)
{
	if ((s32)(tsval - ts->recent) >= 0)
		return false;
	return now_s - ts->recent_stamp < XTCP_PAWS_IDLE_S;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_paws_reject);

/**
 * xtcp_ts_update_ok() - RFC 7323 §4.3 and R3 of §5.3: does a segment's
 *	TSval become TS.Recent?
 * @ts: the connection's timestamps.
 * @tsval: the segment's TSval (it passed PAWS).
 * @seq: its first sequence number.
 * @last_ack_sent: the acknowledgment number we last sent (rcv_wup).
 *
 * Only a segment at or below the left edge we last acknowledged: so a
 * delayed ACK echoes the earliest segment it covers, and an ACK sent
 * for out-of-order data echoes the last segment that moved the edge.
 *
 * Return: true if TS.Recent takes @tsval.
 */
bool xtcp_ts_update_ok(const struct xtcp_ts *ts, u32 tsval, u32 seq,
		       u32 last_ack_sent)
{
	return (s32)(tsval - ts->recent) >= 0 &&
	       (s32)(seq - last_ack_sent) <= 0;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ts_update_ok);

/**
 * xtcp_ts_rtt_us() - RTTM (RFC 7323 §4.1): a round trip from TSecr.
 * @now_ts: our timestamp clock now (ms, with the connection's offset).
 * @tsecr: the TSecr of an ACK that acknowledged new data.
 *
 * The clock ticks in milliseconds; a round trip within the tick counts
 * as one.  A TSecr from the future, or more than a day old, is no
 * measurement (a peer echoing garbage).
 *
 * Return: the round trip in microseconds, or 0 for none.
 */
u32 xtcp_ts_rtt_us(u32 now_ts, u32 tsecr)
{
	s32 delta = now_ts - tsecr;

	if (!tsecr || delta < 0 || delta > 24 * 3600 * MSEC_PER_SEC)
		return 0;
	return max_t(u32, delta, 1) * USEC_PER_MSEC;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ts_rtt_us);

/**
 * xtcp_seq_acceptable() - RFC 9293 §3.10.7.4's segment acceptance test.
 * @rcv_nxt: next sequence number expected.
 * @rcv_wnd: receive window, from @rcv_nxt.
 * @seq: the segment's first sequence number.
 * @len: its length in sequence space (data, plus SYN and FIN).
 *
 * Return: true if any part of the segment lies in the window (or, for
 * an empty segment, if it sits at its edge as the RFC's four cases say).
 */
bool xtcp_seq_acceptable(u32 rcv_nxt, u32 rcv_wnd, u32 seq, u32 len)
{
	if (!len) {
		if (!rcv_wnd)
			return seq == rcv_nxt;
		return seq - rcv_nxt < rcv_wnd;
	}
	if (!rcv_wnd)
		return false;
	return seq - rcv_nxt < rcv_wnd || seq + len - 1 - rcv_nxt < rcv_wnd;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_seq_acceptable);
