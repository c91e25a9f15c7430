// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of xtcp's pure logic.  Built as xtcp_kunit.ko on kernels
 * with CONFIG_KUNIT; it uses symbols xtcp.ko exports only then.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <net/checksum.h>
#include <net/tcp.h>

#include "xtcp.h"

static void build_hdr(struct tcphdr *th, unsigned int doff)
{
	memset(th, 0, sizeof(*th));
	th->source = htons(1000);
	th->dest = htons(2000);
	th->doff = doff;
	th->ack = 1;
}

static void xtcp_hdr_check_len(struct kunit *test)
{
	u8 buf[64] = {};
	struct tcphdr *th = (struct tcphdr *)buf;

	build_hdr(th, 5);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_OK);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 19), XTCP_HDR_SHORT);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 0), XTCP_HDR_SHORT);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 64), XTCP_HDR_OK);
}

static void xtcp_hdr_check_doff(struct kunit *test)
{
	u8 buf[64] = {};
	struct tcphdr *th = (struct tcphdr *)buf;
	unsigned int doff;

	for (doff = 0; doff < 5; doff++) {
		build_hdr(th, doff);
		KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 64), XTCP_HDR_BAD_DOFF);
	}
	build_hdr(th, 15);		/* 60 bytes of header */
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 60), XTCP_HDR_OK);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 59), XTCP_HDR_BAD_DOFF);
	build_hdr(th, 6);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 23), XTCP_HDR_BAD_DOFF);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 24), XTCP_HDR_OK);
}

static void xtcp_hdr_check_flags(struct kunit *test)
{
	u8 buf[20];
	struct tcphdr *th = (struct tcphdr *)buf;

	build_hdr(th, 5);
	th->ack = 0;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_BAD_FLAGS);
	th->psh = 1;
	th->urg = 1;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_BAD_FLAGS);
	build_hdr(th, 5);
	th->ack = 0;
	th->syn = 1;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_OK);
	th->fin = 1;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_BAD_FLAGS);
	th->fin = 0;
	th->rst = 1;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_BAD_FLAGS);
	build_hdr(th, 5);
	th->ack = 0;
	th->rst = 1;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_OK);
	th->rst = 0;
	th->fin = 1;
	th->ack = 1;
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 20), XTCP_HDR_OK);
}

/*
 * RFC 1071's worked example, carried as a segment: the checksum of a
 * segment computed by xtcp_csum() verifies to zero, any single-bit
 * flip is caught, and the protocol number is part of the sum.
 */
static void xtcp_csum_roundtrip(struct kunit *test)
{
	__be32 s = htonl(0xc0000201), d = htonl(0xc0000202);
	u8 seg[33];
	struct tcphdr *th = (struct tcphdr *)seg;
	unsigned int i, bit;

	for (i = 0; i < sizeof(seg); i++)
		seg[i] = i * 7 + 3;
	th->doff = 5;
	th->check = 0;
	th->check = xtcp_csum(s, d, 253, seg, sizeof(seg));
	KUNIT_EXPECT_EQ(test, (u16)xtcp_csum(s, d, 253, seg, sizeof(seg)), 0);
	KUNIT_EXPECT_NE(test, (u16)xtcp_csum(s, d, 6, seg, sizeof(seg)), 0);
	KUNIT_EXPECT_NE(test, (u16)xtcp_csum(s, htonl(0xc0000203), 253, seg,
					     sizeof(seg)), 0);
	for (i = 0; i < sizeof(seg); i++) {
		for (bit = 0; bit < 8; bit++) {
			seg[i] ^= 1 << bit;
			KUNIT_EXPECT_NE(test,
					(u16)xtcp_csum(s, d, 253, seg, sizeof(seg)), 0);
			seg[i] ^= 1 << bit;
		}
	}
}

/* A known value: pseudo-header + segment summed by hand. */
static void xtcp_csum_known(struct kunit *test)
{
	/* 10.0.0.1 -> 10.0.0.2, proto 253, 4-byte segment 0x0001 0xf203 */
	u8 seg[4] = { 0x00, 0x01, 0xf2, 0x03 };
	/*
	 * 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x00fd + 0x0004 +
	 * 0x0001 + 0xf203 = 0x10708, folded 0x0709; complement 0xf8f6.
	 */
	KUNIT_EXPECT_EQ(test,
			(u16)ntohs((__force __be16)xtcp_csum(htonl(0x0a000001),
							     htonl(0x0a000002),
							     253, seg, 4)),
			0xf8f6);
}

static void xtcp_seq_wraparound(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(1, 2));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(2, 2));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x10, 0xfffffff0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_after(0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x7fffffff, 0x80000000));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xfffffffe, 0xffffffff, 3));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xfffffffe, 1, 3));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(5, 5, 5));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0xfffffffe, 4, 3));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(10, 9, 20));
}

/* RFC 9293's four cases, at the edges and across the wrap. */
static void xtcp_seq_acceptable_cases(struct kunit *test)
{
	/* Zero length, zero window: only seq == rcv_nxt. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(100, 0, 100, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(100, 0, 101, 0));
	/* Zero length, open window: rcv_nxt <= seq < rcv_nxt + wnd. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(100, 10, 109, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(100, 10, 110, 0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(100, 10, 99, 0));
	/* Data, zero window: never. */
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(100, 0, 100, 1));
	/* Data: first or last byte in the window. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(100, 10, 95, 6));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(100, 10, 95, 5));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(100, 10, 109, 100));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(100, 10, 110, 1));
	/* The same across 2^32. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(0xfffffffa, 16, 2, 1));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_acceptable(0xfffffffa, 16, 0xfffffff0, 11));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_acceptable(0xfffffffa, 16, 0xfffffff0, 10));
}

static void xtcp_header_build_parse(struct kunit *test)
{
	struct xtcp_hdr_fields f = {
		.sport = htons(1234), .dport = htons(80), .seq = 0xdeadbeef,
		.ack = 0x01020304, .flags = TCPHDR_SYN | TCPHDR_ACK,
		.window = 65535, .mss = 1460,
	};
	u8 buf[24];
	struct tcphdr *th = (struct tcphdr *)buf;
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 24U);
	KUNIT_EXPECT_EQ(test, (int)th->doff, 6);
	KUNIT_EXPECT_EQ(test, ntohs(th->source), 1234);
	KUNIT_EXPECT_EQ(test, ntohs(th->dest), 80);
	KUNIT_EXPECT_EQ(test, ntohl(th->seq), 0xdeadbeefU);
	KUNIT_EXPECT_EQ(test, ntohl(th->ack_seq), 0x01020304U);
	KUNIT_EXPECT_TRUE(test, th->syn && th->ack && !th->fin && !th->rst);
	KUNIT_EXPECT_EQ(test, ntohs(th->window), 65535);
	KUNIT_EXPECT_EQ(test, xtcp_hdr_check(th, 24), XTCP_HDR_OK);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	/* Wire bytes of the option: kind 2, length 4, 1460 big endian. */
	KUNIT_EXPECT_EQ(test, buf[20], 2);
	KUNIT_EXPECT_EQ(test, buf[21], 4);
	KUNIT_EXPECT_EQ(test, buf[22], 0x05);
	KUNIT_EXPECT_EQ(test, buf[23], 0xb4);

	f.mss = 0;
	f.flags = TCPHDR_ACK;
	KUNIT_EXPECT_EQ(test, xtcp_build_header(th, &f), 20U);
	KUNIT_EXPECT_EQ(test, (int)th->doff, 5);
}

static void xtcp_options_robust(struct kunit *test)
{
	u8 buf[40] = {};
	struct tcphdr *th = (struct tcphdr *)buf;
	struct xtcp_opts o;

	th->syn = 1;
	th->doff = 10;			/* 20 bytes of options */
	/* NOP, unknown kind 99 len 6, MSS 1200 */
	memcpy(buf + 20, "\x01\x63\x06\xaa\xbb\xcc\xdd\x02\x04\x04\xb0", 11);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 1200);

	/* A length of 0 or past the header ends the parse. */
	memcpy(buf + 20, "\x63\x00\x02\x04\x04\xb0", 6);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	memset(buf + 20, 0, 20);
	buf[38] = 2;
	buf[39] = 4;			/* MSS option cut off by the header end */
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
	/* MSS counts only on a SYN. */
	memcpy(buf + 20, "\x02\x04\x04\xb0", 4);
	th->syn = 0;
	th->ack = 1;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.mss, 0);
}

/* A SYN with all three options, laid out as Linux does without SACK. */
static void xtcp_timestamps_build_parse(struct kunit *test)
{
	struct xtcp_hdr_fields f = {
		.flags = TCPHDR_SYN, .mss = 1460, .wscale = 7, .wscale_ok = true,
		.ts_ok = true, .tsval = 0x11223344, .tsecr = 0,
	};
	static const u8 want[] = {
		2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44,
		0, 0, 0, 0, 1, 3, 3, 7,
	};
	u8 buf[60] = {};
	struct tcphdr *th = (struct tcphdr *)buf;
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 40U);
	KUNIT_EXPECT_EQ(test, (int)th->doff, 10);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 20, want, sizeof(want)), 0);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_TRUE(test, o.ts_ok && o.wscale_ok);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x11223344U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0U);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);

	/* Any later segment: NOP, NOP, TS; parsed without SYN too. */
	f = (struct xtcp_hdr_fields){ .flags = TCPHDR_ACK, .ts_ok = true,
				      .tsval = 5, .tsecr = 0xfffffffe };
	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 32U);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_TRUE(test, o.ts_ok);
	KUNIT_EXPECT_EQ(test, o.tsval, 5U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0xfffffffeU);

	/* A TS option of the wrong length is no TS option. */
	buf[23] = 9;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_FALSE(test, o.ts_ok);
}

/* PAWS (RFC 7323 §5.3, §5.5): older is rejected, unless 24 days idle. */
static void xtcp_paws_cases(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 1000, .recent_stamp = 50 };

	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 1000, 60));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 1001, 60));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 999, 60));
	/* Wraparound: just past 2^32 is newer, 2^31 back is older. */
	ts.recent = 0xfffffff0;
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 0x10, 60));
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 0x7ffffff0, 60));
	/* TS.Recent stored 24 days ago is invalid: anything goes. */
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 0x7ffffff0,
						 50 + XTCP_PAWS_IDLE_S - 1));
	KUNIT_EXPECT_FALSE(test, xtcp_paws_reject(&ts, 0x7ffffff0,
						  50 + XTCP_PAWS_IDLE_S));
	/* The seconds clock wraps too. */
	ts.recent_stamp = 0xfffffff0;
	KUNIT_EXPECT_TRUE(test, xtcp_paws_reject(&ts, 0x7ffffff0, 0x100));
}

/* TS.Recent moves only at or below the left edge last acknowledged. */
static void xtcp_ts_update_cases(struct kunit *test)
{
	struct xtcp_ts ts = { .ok = true, .recent = 200 };

	KUNIT_EXPECT_TRUE(test, xtcp_ts_update_ok(&ts, 210, 1000, 1000));
	KUNIT_EXPECT_TRUE(test, xtcp_ts_update_ok(&ts, 200, 900, 1000));
	KUNIT_EXPECT_FALSE(test, xtcp_ts_update_ok(&ts, 210, 1001, 1000));
	KUNIT_EXPECT_FALSE(test, xtcp_ts_update_ok(&ts, 199, 1000, 1000));
	KUNIT_EXPECT_TRUE(test, xtcp_ts_update_ok(&ts, 210, 0xfffffff0, 0x10));
}

/* RTTM: milliseconds to microseconds, at least one tick; nonsense is none. */
static void xtcp_ts_rtt_cases(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1050, 1000), 50000U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1000, 1000), 1000U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(5, 0xfffffffb), 10000U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1000, 1001), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(1000, 0), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_ts_rtt_us(100000000U, 1), 0U);
}

static void xtcp_isn_properties(struct kunit *test)
{
	siphash_key_t k1 = { { 1, 2 } }, k2 = { { 3, 4 } };
	__be32 a = htonl(0xc0000201), b = htonl(0xc0000202);
	u32 x = xtcp_isn_hash(&k1, a, b, htons(1), htons(2), 0);

	/* Same tuple, key, time: same ISN; any change moves it. */
	KUNIT_EXPECT_EQ(test, x, xtcp_isn_hash(&k1, a, b, htons(1), htons(2), 0));
	KUNIT_EXPECT_NE(test, x, xtcp_isn_hash(&k2, a, b, htons(1), htons(2), 0));
	KUNIT_EXPECT_NE(test, x, xtcp_isn_hash(&k1, b, a, htons(1), htons(2), 0));
	KUNIT_EXPECT_NE(test, x, xtcp_isn_hash(&k1, a, b, htons(2), htons(1), 0));
	/* The clock advances it by one per 64 ns. */
	KUNIT_EXPECT_EQ(test, x + 1000,
			xtcp_isn_hash(&k1, a, b, htons(1), htons(2), 64000));
}

/* Every state x event: the RFC 9293 diagram, nothing more. */
static void xtcp_transition_table(struct kunit *test)
{
	static const struct {
		int state;
		enum xtcp_event ev;
		int next;
	} allowed[] = {
		{ XTCP_CLOSE, XTCP_EV_CONNECT, XTCP_SYN_SENT },
		{ XTCP_CLOSE, XTCP_EV_LISTEN, XTCP_LISTEN },
		{ XTCP_LISTEN, XTCP_EV_LISTEN, XTCP_LISTEN },
		{ XTCP_LISTEN, XTCP_EV_CLOSE, XTCP_CLOSE },
		{ XTCP_LISTEN, XTCP_EV_RCV_SYN, XTCP_SYN_RECV },
		{ XTCP_SYN_SENT, XTCP_EV_CLOSE, XTCP_CLOSE },
		{ XTCP_SYN_SENT, XTCP_EV_RCV_SYN, XTCP_SYN_RECV },
		{ XTCP_SYN_SENT, XTCP_EV_RCV_SYNACK, XTCP_ESTABLISHED },
		{ XTCP_SYN_SENT, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_SYN_SENT, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_SYN_RECV, XTCP_EV_CLOSE, XTCP_FIN_WAIT1 },
		{ XTCP_SYN_RECV, XTCP_EV_RCV_ACK, XTCP_ESTABLISHED },
		{ XTCP_SYN_RECV, XTCP_EV_RCV_FIN, XTCP_CLOSE_WAIT },
		{ XTCP_SYN_RECV, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_SYN_RECV, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_ESTABLISHED, XTCP_EV_CLOSE, XTCP_FIN_WAIT1 },
		{ XTCP_ESTABLISHED, XTCP_EV_RCV_FIN, XTCP_CLOSE_WAIT },
		{ XTCP_ESTABLISHED, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_ESTABLISHED, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_FIN_WAIT1, XTCP_EV_RCV_ACK, XTCP_FIN_WAIT2 },
		{ XTCP_FIN_WAIT1, XTCP_EV_RCV_FIN, XTCP_CLOSING },
		{ XTCP_FIN_WAIT1, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_FIN_WAIT1, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_FIN_WAIT2, XTCP_EV_RCV_FIN, XTCP_TIME_WAIT },
		{ XTCP_FIN_WAIT2, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_FIN_WAIT2, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_CLOSE_WAIT, XTCP_EV_CLOSE, XTCP_LAST_ACK },
		{ XTCP_CLOSE_WAIT, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_CLOSE_WAIT, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_CLOSING, XTCP_EV_RCV_ACK, XTCP_TIME_WAIT },
		{ XTCP_CLOSING, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_CLOSING, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_LAST_ACK, XTCP_EV_RCV_ACK, XTCP_CLOSE },
		{ XTCP_LAST_ACK, XTCP_EV_RCV_RST, XTCP_CLOSE },
		{ XTCP_LAST_ACK, XTCP_EV_TIMEOUT, XTCP_CLOSE },
		{ XTCP_TIME_WAIT, XTCP_EV_RCV_FIN, XTCP_TIME_WAIT },
		{ XTCP_TIME_WAIT, XTCP_EV_TIMEOUT, XTCP_CLOSE },
	};
	int state, ev, i, want;

	for (state = XTCP_ESTABLISHED; state <= XTCP_CLOSING; state++) {
		for (ev = 0; ev < XTCP_EV_MAX; ev++) {
			want = 0;
			for (i = 0; i < ARRAY_SIZE(allowed); i++)
				if (allowed[i].state == state && allowed[i].ev == ev)
					want = allowed[i].next;
			KUNIT_EXPECT_EQ_MSG(test, xtcp_next_state(state, ev), want,
					    "state %d event %d", state, ev);
		}
	}
	/* RFC 1337: an RST does not end TIME_WAIT. */
	KUNIT_EXPECT_EQ(test, xtcp_next_state(XTCP_TIME_WAIT, XTCP_EV_RCV_RST), 0);
	KUNIT_EXPECT_EQ(test, xtcp_next_state(0, XTCP_EV_CONNECT), 0);
	KUNIT_EXPECT_EQ(test, xtcp_next_state(XTCP_CLOSING + 1, XTCP_EV_CONNECT), 0);
	KUNIT_EXPECT_EQ(test, xtcp_next_state(XTCP_CLOSE, XTCP_EV_MAX), 0);
}

static struct kunit_case xtcp_wire_cases[] = {
	KUNIT_CASE(xtcp_hdr_check_len),
	KUNIT_CASE(xtcp_hdr_check_doff),
	KUNIT_CASE(xtcp_hdr_check_flags),
	KUNIT_CASE(xtcp_csum_roundtrip),
	KUNIT_CASE(xtcp_csum_known),
	KUNIT_CASE(xtcp_seq_wraparound),
	KUNIT_CASE(xtcp_seq_acceptable_cases),
	KUNIT_CASE(xtcp_header_build_parse),
	KUNIT_CASE(xtcp_options_robust),
	KUNIT_CASE(xtcp_timestamps_build_parse),
	KUNIT_CASE(xtcp_paws_cases),
	KUNIT_CASE(xtcp_ts_update_cases),
	KUNIT_CASE(xtcp_ts_rtt_cases),
	KUNIT_CASE(xtcp_isn_properties),
	KUNIT_CASE(xtcp_transition_table),
	{}
};

static struct kunit_suite xtcp_wire_suite = {
	.name = "xtcp_wire",
	.test_cases = xtcp_wire_cases,
};

kunit_test_suite(xtcp_wire_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xtcp");
MODULE_IMPORT_NS(XTCP_KUNIT);
