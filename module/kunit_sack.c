// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of SACK's pure logic: the options on the wire, the blocks
 * a receiver reports and the checks a sender makes of received blocks.
 */
#include <kunit/test.h>
#include <net/tcp.h>

#include "xtcp.h"

/* SYN: SACK-permitted takes the NOPs' place before TS, as in Linux. */
static void xtcp_sack_syn_layout(struct kunit *test)
{
	struct xtcp_hdr_fields f = {
		.flags = TCPHDR_SYN, .mss = 1460, .wscale = 7, .wscale_ok = true,
		.ts_ok = true, .tsval = 0x11223344, .sack_ok = true,
	};
	static const u8 with_ts[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,
		0, 0, 0, 0, 1, 3, 3, 7,
	};
	static const u8 without_ts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7 };
	u8 buf[60] = {};
	struct tcphdr *th = (struct tcphdr *)buf;
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 40U);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 20, with_ts, sizeof(with_ts)), 0);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_TRUE(test, o.sack_ok && o.ts_ok && o.wscale_ok);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x11223344U);

	f.ts_ok = false;
	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 32U);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 20, without_ts, sizeof(without_ts)), 0);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_TRUE(test, o.sack_ok && !o.ts_ok);

	/* SACK-permitted counts only on a SYN. */
	th->syn = 0;
	th->ack = 1;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_FALSE(test, o.sack_ok);
}

/* Blocks after TS fill the 40 bytes: three with TS, four without. */
static void xtcp_sack_blocks_wire(struct kunit *test)
{
	struct xtcp_sack_block b[4] = {
		{ 100, 200 }, { 0xfffffff0, 0x10 }, { 300, 400 }, { 500, 600 },
	};
	struct xtcp_hdr_fields f = {
		.flags = TCPHDR_ACK, .ts_ok = true, .tsval = 1, .tsecr = 2,
		.sacks = b,
	};
	u8 buf[60] = {};
	struct tcphdr *th = (struct tcphdr *)buf;
	struct xtcp_opts o;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, xtcp_sacks_fit(true), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_sacks_fit(false), 4U);
	f.num_sacks = xtcp_sacks_fit(true);
	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 60U);
	KUNIT_EXPECT_EQ(test, buf[32], TCPOPT_NOP);
	KUNIT_EXPECT_EQ(test, buf[34], TCPOPT_SACK);
	KUNIT_EXPECT_EQ(test, buf[35], 26);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_TRUE(test, o.ts_ok);
	KUNIT_ASSERT_EQ(test, o.num_sacks, 3);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, o.sacks[i].start, b[i].start);
		KUNIT_EXPECT_EQ(test, o.sacks[i].end, b[i].end);
	}

	f.ts_ok = false;
	f.num_sacks = xtcp_sacks_fit(false);
	KUNIT_ASSERT_EQ(test, xtcp_build_header(th, &f), 56U);
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 4);
	KUNIT_EXPECT_EQ(test, o.sacks[3].end, 600U);

	/* A length that is not 2 + 8n is no SACK option. */
	buf[23] = 2 + 8 * 4 - 1;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
	/* Nor is one with no block, nor one running past the header. */
	buf[23] = 2;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
	buf[23] = 2 + 8 * 5;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
	/* Blocks on a SYN are not taken. */
	buf[23] = 2 + 8 * 4;
	th->syn = 1;
	xtcp_parse_options(th, &o);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
}

static void expect_blocks(struct kunit *test, const struct xtcp_sack_rcv *r,
			  unsigned int max, const u32 *want, unsigned int n)
{
	struct xtcp_sack_block out[XTCP_MAX_SACKS];
	unsigned int i, got = xtcp_sack_rcv_fill(r, out, max);

	KUNIT_ASSERT_EQ(test, got, n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, out[i].start, want[2 * i]);
		KUNIT_EXPECT_EQ(test, out[i].end, want[2 * i + 1]);
	}
}

/* RFC 2018 §4: most recent first; four kept; merges; rcv_nxt; pruning. */
static void xtcp_sack_rcv_blocks(struct kunit *test)
{
	struct xtcp_sack_rcv r;

	xtcp_sack_rcv_reset(&r);
	expect_blocks(test, &r, 4, NULL, 0);
	xtcp_sack_rcv_ofo(&r, 1000, 2000);
	xtcp_sack_rcv_ofo(&r, 3000, 4000);
	xtcp_sack_rcv_ofo(&r, 5000, 6000);
	expect_blocks(test, &r, 4, (const u32[]){ 5000, 6000, 3000, 4000, 1000, 2000 }, 3);
	/* Extending an older block moves it to the front. */
	xtcp_sack_rcv_ofo(&r, 2000, 2500);
	expect_blocks(test, &r, 4, (const u32[]){ 1000, 2500, 5000, 6000, 3000, 4000 }, 3);
	/* A segment joining two runs makes one block of them. */
	xtcp_sack_rcv_ofo(&r, 2500, 3000);
	expect_blocks(test, &r, 4, (const u32[]){ 1000, 4000, 5000, 6000 }, 2);
	/* A fifth run forgets the oldest. */
	xtcp_sack_rcv_ofo(&r, 7000, 8000);
	xtcp_sack_rcv_ofo(&r, 9000, 9100);
	xtcp_sack_rcv_ofo(&r, 9200, 9300);
	expect_blocks(test, &r, 4,
		      (const u32[]){ 9200, 9300, 9000, 9100, 7000, 8000, 1000, 4000 }, 4);
	expect_blocks(test, &r, 3, (const u32[]){ 9200, 9300, 9000, 9100, 7000, 8000 }, 3);
	/* Only three fit with TS: the fourth still counts when room comes. */
	xtcp_sack_rcv_advance(&r, 4000);
	expect_blocks(test, &r, 4, (const u32[]){ 9200, 9300, 9000, 9100, 7000, 8000 }, 3);
	/* Pruned from 7500 on: later blocks go, the one across is cut. */
	xtcp_sack_rcv_clip(&r, 7500);
	expect_blocks(test, &r, 4, (const u32[]){ 7000, 7500 }, 1);
	/* A D-SACK goes first, once it is there. */
	xtcp_sack_rcv_dup(&r, 100, 200);
	expect_blocks(test, &r, 4, (const u32[]){ 100, 200, 7000, 7500 }, 2);
	expect_blocks(test, &r, 1, (const u32[]){ 100, 200 }, 1);
	/* Across sequence-number wraparound. */
	xtcp_sack_rcv_reset(&r);
	xtcp_sack_rcv_ofo(&r, 0xffffff00, 0xffffffff);
	xtcp_sack_rcv_ofo(&r, 0xffffffff, 0x100);
	expect_blocks(test, &r, 4, (const u32[]){ 0xffffff00, 0x100 }, 1);
	xtcp_sack_rcv_advance(&r, 0xfffffff0);
	expect_blocks(test, &r, 4, NULL, 0);
}

/* What a sender makes of received blocks (RFC 2883 §4, hostile input). */
static void xtcp_sack_check_cases(struct kunit *test)
{
	const struct xtcp_sack_block ok[] = { { 2000, 3000 }, { 4000, 5000 } };
	const struct xtcp_sack_block below[] = { { 500, 1000 }, { 2000, 3000 } };
	const struct xtcp_sack_block inside[] = { { 2000, 2500 }, { 2000, 3000 } };
	const struct xtcp_sack_block bad[] = {
		{ 2000, 9000 }, { 3000, 3000 }, { 3000, 2000 }, { 1000, 1500 },
		{ 500, 1500 },
	};
	const struct xtcp_sack_block wrap[] = { { 0xfffffff0, 0x10 } };

	KUNIT_EXPECT_EQ(test, xtcp_sack_check(ok, 2, 0, 1000, 5000), XTCP_SACK_VALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(ok, 2, 1, 1000, 5000), XTCP_SACK_VALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(below, 2, 0, 1000, 5000), XTCP_SACK_DSACK);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(inside, 2, 0, 1000, 5000), XTCP_SACK_DSACK);
	/* Containment makes a D-SACK of the first block only. */
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(inside, 2, 1, 1000, 5000), XTCP_SACK_VALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(bad, 5, 0, 1000, 5000), XTCP_SACK_INVALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(bad, 5, 1, 1000, 5000), XTCP_SACK_INVALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(bad, 5, 2, 1000, 5000), XTCP_SACK_INVALID);
	/* Starting at the ACK claims what the ACK should cover. */
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(bad, 5, 3, 1000, 5000), XTCP_SACK_INVALID);
	/* Below the ACK is a D-SACK only as the first block. */
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(bad, 5, 4, 1000, 5000), XTCP_SACK_INVALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(wrap, 1, 0, 0xffffff00, 0x100), XTCP_SACK_VALID);
	KUNIT_EXPECT_EQ(test, xtcp_sack_check(wrap, 1, 0, 0xffffff00, 0x8), XTCP_SACK_INVALID);
}

static void xtcp_sack_sort_cases(struct kunit *test)
{
	struct xtcp_sack_block b[] = {
		{ 5000, 6000 }, { 0xfffffff0, 0x10 }, { 3000, 4000 }, { 100, 200 },
	};

	xtcp_sack_sort(b, 4);
	KUNIT_EXPECT_EQ(test, b[0].start, 0xfffffff0U);
	KUNIT_EXPECT_EQ(test, b[1].start, 100U);
	KUNIT_EXPECT_EQ(test, b[2].start, 3000U);
	KUNIT_EXPECT_EQ(test, b[3].start, 5000U);
}

/* TCP's rule: the overtaking distance in segments, rounded up, capped. */
static void xtcp_reordering_cases(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xtcp_reordering_for(3, 3000, 1000), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_reordering_for(3, 3001, 1000), 4U);
	KUNIT_EXPECT_EQ(test, xtcp_reordering_for(3, 9000, 1000), 9U);
	KUNIT_EXPECT_EQ(test, xtcp_reordering_for(9, 5000, 1000), 9U);
	KUNIT_EXPECT_EQ(test, xtcp_reordering_for(3, 1U << 30, 1000), 300U);
	KUNIT_EXPECT_EQ(test, xtcp_reordering_for(3, 9000, 0), 3U);
}

static struct kunit_case xtcp_sack_cases[] = {
	KUNIT_CASE(xtcp_sack_syn_layout),
	KUNIT_CASE(xtcp_sack_blocks_wire),
	KUNIT_CASE(xtcp_sack_rcv_blocks),
	KUNIT_CASE(xtcp_sack_check_cases),
	KUNIT_CASE(xtcp_sack_sort_cases),
	KUNIT_CASE(xtcp_reordering_cases),
	{}
};

static struct kunit_suite xtcp_sack_suite = {
	.name = "xtcp_sack",
	.test_cases = xtcp_sack_cases,
};

kunit_test_suite(xtcp_sack_suite);
