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
