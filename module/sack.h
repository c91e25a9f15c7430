/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selective acknowledgment (RFC 2018, RFC 2883, RFC 6675): the blocks a
 * receiver reports and the scoreboard a sender keeps (sack.c).
 */
#ifndef _XTCP_SACK_H
#define _XTCP_SACK_H

#include <linux/types.h>
#include "wire.h"

/**
 * struct xtcp_sack_rcv - what the receiver reports in its SACK options.
 * @blocks: the out-of-order runs held, most recently changed first
 *	(RFC 2018 §4); disjoint and above rcv_nxt.
 * @num: entries of @blocks.
 * @dsack: a D-SACK block (RFC 2883) waits to go first in the next ACK.
 * @dup: the duplicate range it reports, with @dsack.
 */
struct xtcp_sack_rcv {
	struct xtcp_sack_block blocks[XTCP_MAX_SACKS];
	u8 num;
	bool dsack;
	struct xtcp_sack_block dup;
};

void xtcp_sack_rcv_reset(struct xtcp_sack_rcv *r);
void xtcp_sack_rcv_ofo(struct xtcp_sack_rcv *r, u32 seq, u32 end);
void xtcp_sack_rcv_advance(struct xtcp_sack_rcv *r, u32 rcv_nxt);
void xtcp_sack_rcv_clip(struct xtcp_sack_rcv *r, u32 seq);
void xtcp_sack_rcv_dup(struct xtcp_sack_rcv *r, u32 seq, u32 end);
unsigned int xtcp_sack_rcv_fill(const struct xtcp_sack_rcv *r,
				struct xtcp_sack_block *out, unsigned int max);

/*
 * Scoreboard tags of a sent skb (&xtcp_skb_cb.sacked).  The counters
 * of struct xtcp_sock count the segments of the skbs before send_head
 * that carry each tag, as packets_out counts them all.
 */
#define XTCP_TAG_SACKED		0x1	/* the peer holds it (sacked_out) */
#define XTCP_TAG_LOST		0x2	/* deemed lost (lost_out) */
#define XTCP_TAG_RETRANS	0x4	/* lost and sent again (retrans_out) */

/* RFC 6675's DupThresh: segments SACKed above a hole that make it lost. */
#define XTCP_DUPTHRESH		3
/* The most reordering believed, in segments (TCP's tcp_max_reordering). */
#define XTCP_MAX_REORDERING	300

/**
 * enum xtcp_sack_verdict - what xtcp_sack_check() made of one block.
 * @XTCP_SACK_VALID: a block inside [snd_una, snd_nxt]: tag it.
 * @XTCP_SACK_DSACK: the first block reports a duplicate (RFC 2883 §4).
 * @XTCP_SACK_INVALID: outside what was sent, or empty: ignore it.
 */
enum xtcp_sack_verdict {
	XTCP_SACK_VALID,
	XTCP_SACK_DSACK,
	XTCP_SACK_INVALID,
};

enum xtcp_sack_verdict xtcp_sack_check(const struct xtcp_sack_block *b,
				       unsigned int n, unsigned int i,
				       u32 ack, u32 snd_nxt);
void xtcp_sack_sort(struct xtcp_sack_block *b, unsigned int n);

struct sock;
struct sk_buff;
struct xtcp_sock;
void xtcp_tag_account(struct xtcp_sock *xs, u8 tags, int delta);
u32 xtcp_sack_tag(struct sock *sk, const struct xtcp_opts *opts, u32 ack,
		  bool *original);
void xtcp_sack_mark_lost(struct sock *sk, bool head);
void xtcp_sack_mark_skb_lost(struct sock *sk, struct sk_buff *skb);
void xtcp_sack_unmark_lost(struct sock *sk);
void xtcp_sack_retransmit(struct sock *sk, bool first);
void xtcp_sack_rewind(struct sock *sk);
bool xtcp_skip_to_new_data(struct sock *sk);
void xtcp_sack_reordered(struct sock *sk, u32 low_seq);
u32 xtcp_reordering_for(u32 reordering, u32 distance, u32 mss);

#endif /* _XTCP_SACK_H */
