// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of xtcp's pure logic.  Built as xtcp_kunit.ko on kernels
 * with CONFIG_KUNIT; it uses symbols xtcp.ko exports only then.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <net/checksum.h>

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
	 * 0x0001 + 0xf203 = 0x0000fe0e; one's complement: 0x01f1.
	 */
	KUNIT_EXPECT_EQ(test,
			(u16)ntohs((__force __be16)xtcp_csum(htonl(0x0a000001),
							     htonl(0x0a000002),
							     253, seg, 4)),
			0x01f1);
}

static struct kunit_case xtcp_wire_cases[] = {
	KUNIT_CASE(xtcp_hdr_check_len),
	KUNIT_CASE(xtcp_hdr_check_doff),
	KUNIT_CASE(xtcp_hdr_check_flags),
	KUNIT_CASE(xtcp_csum_roundtrip),
	KUNIT_CASE(xtcp_csum_known),
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
