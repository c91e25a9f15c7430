// SPDX-License-Identifier: GPL-2.0
/*
 * Urgent data, kept as Linux TCP keeps it (RFC 9293 §3.8.5, RFC 6093).
 *
 * The urgent pointer is the sequence number of the byte after the last
 * urgent byte (RFC 6093 §2; the seeds say the same).  As every TCP in
 * use, xtcp gives the application one urgent byte, the last one marked:
 * send(MSG_OOB) makes the write's last byte urgent; the receiver takes
 * that byte out of the stream, for recv(MSG_OOB), unless SO_OOBINLINE
 * leaves it in; a read stops at the mark, so that SIOCATMARK tells
 * where it was; SIGURG goes to the socket's owner and poll() reports
 * POLLPRI.  RFC 6093 advises against new uses: this is for the programs
 * that rely on it (telnet, rlogin, ftp's ABOR).
 *
 * Sender: urgent mode lasts while snd_up differs from snd_una; every
 * segment that starts below snd_up, and near enough for 16 bits, carries
 * URG and the pointer, a bare ACK or a window probe too, so the news
 * gets through a shut window.
 *
 * Receiver: urg_seq is the sequence number of the urgent byte, and
 * urg_data its state (XTCP_URG_*), with the byte's value once it came.
 */
#include <net/sock.h>
#include <net/tcp.h>

#include "xtcp.h"

/**
 * xtcp_urg_mark() - send(MSG_OOB): the last byte queued is urgent.
 * @sk: the socket, locked.
 */
void xtcp_urg_mark(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->snd_up = xs->write_seq;
}

/**
 * xtcp_urg_ptr() - the urgent pointer of a segment we send.
 * @xs: the socket.
 * @seq: the segment's sequence number.
 * @ptr: set to the pointer, relative to @seq, when there is one.
 *
 * A mark more than 64 KB ahead is not sent until the segments come near
 * enough to carry it: Linux sends 0xffff then, which a receiver (Linux
 * or xtcp) takes for a mark 64 KB on, stopping its reads at a byte that
 * is not urgent.
 *
 * Return: true if the segment carries URG.
 */
bool xtcp_urg_ptr(const struct xtcp_sock *xs, u32 seq, u16 *ptr)
{
	if (xs->snd_up == xs->snd_una || !xtcp_seq_before(seq, xs->snd_up) ||
	    xs->snd_up - seq > 0xffff)
		return false;
	*ptr = xs->snd_up - seq;
	return true;
}

/**
 * xtcp_urg_acked() - snd_una moved from @prior: urgent mode ends once
 *	the urgent byte is acknowledged.
 * @xs: the socket.
 * @prior: snd_una before the ACK.
 */
void xtcp_urg_acked(struct xtcp_sock *xs, u32 prior)
{
	if (xtcp_seq_between(prior, xs->snd_up, xs->snd_una))
		xs->snd_up = xs->snd_una;
}

/*
 * A new mark while the old urgent byte, out of band, is the next to be
 * read: it leaves the stream now, or it would be read as data once the
 * mark has moved on (TCP's tcp_check_urg()).
 */
static void xtcp_urg_skip_unread(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (xs->urg_seq != xs->copied_seq || !xs->urg_data ||
	    sock_flag(sk, SOCK_URGINLINE) || xs->copied_seq == xs->rcv_nxt)
		return;
	WRITE_ONCE(xs->copied_seq, xs->copied_seq + 1);
	skb = skb_peek(&sk->sk_receive_queue);
	if (skb && !xtcp_seq_before(xs->copied_seq, XTCP_SKB_CB(skb)->end_seq)) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		consume_skb(skb);
	}
}

/**
 * xtcp_urg_rcv() - a segment in sequence carries URG: note the mark.
 * @sk: the socket, locked, in a state that takes data.
 * @th: the segment's header.
 *
 * A pointer at data already received is old news (a retransmission)
 * and one at or before the mark we know is no newer: both are ignored,
 * so a mark is announced once.  A pointer of 0 names the byte before
 * the segment, always old (RFC 6093; Linux takes the segment's first
 * byte instead).
 */
void xtcp_urg_rcv(struct sock *sk, const struct tcphdr *th)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ptr = ntohl(th->seq) + ntohs(th->urg_ptr) - 1;

	if (xtcp_seq_before(ptr, xs->rcv_nxt))
		return;
	if (xs->urg_data && !xtcp_seq_after(ptr, xs->urg_seq))
		return;
	sk_send_sigurg(sk);
	xtcp_urg_skip_unread(sk);
	WRITE_ONCE(xs->urg_data, XTCP_URG_NOTYET);
	WRITE_ONCE(xs->urg_seq, ptr);
}

/**
 * xtcp_urg_fetch() - after in-order data was queued: if the urgent
 *	byte is now in the receive queue, keep its value for
 *	recv(MSG_OOB) and wake the reader (POLLPRI).
 * @sk: the socket, locked.
 *
 * The byte may have come in the segment that carried the pointer, in a
 * later one, or from the out-of-order queue when a hole was filled.
 */
void xtcp_urg_fetch(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	u8 c;

	if (xs->urg_data != XTCP_URG_NOTYET ||
	    !xtcp_seq_after(xs->rcv_nxt, xs->urg_seq))
		return;
	skb_queue_reverse_walk(&sk->sk_receive_queue, skb) {
		u32 off = xs->urg_seq - XTCP_SKB_CB(skb)->seq;

		if (off >= skb->len)
			continue;
		if (skb_copy_bits(skb, off, &c, 1))
			return;
		WRITE_ONCE(xs->urg_data, XTCP_URG_VALID | c);
		if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_data_ready(sk);
		return;
	}
}

/**
 * xtcp_urg_recv() - recv(MSG_OOB): the urgent byte, as TCP gives it.
 * @sk: the socket, locked, not listening.
 * @msg: where to copy.
 * @len: room in @msg.
 * @flags: MSG_PEEK leaves the byte to read again; MSG_TRUNC reports it
 *	without copying.
 *
 * Never blocks.
 *
 * Return: 1 (0 with MSG_TRUNC set in @msg when @len is 0); -EINVAL
 * with SO_OOBINLINE, with no mark, or once the byte was read; 0 at end
 * of stream; -EAGAIN while the byte has not arrived; -ENOTCONN before a
 * connection; -EFAULT.
 */
int xtcp_urg_recv(struct sock *sk, struct msghdr *msg, int len, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u16 urg = xs->urg_data;
	char c = urg & 0xff;
	int err = 0;

	if (sock_flag(sk, SOCK_URGINLINE) || !urg || urg == XTCP_URG_READ)
		return -EINVAL;
	if (sk->sk_state == XTCP_CLOSE && !sock_flag(sk, SOCK_DONE))
		return -ENOTCONN;
	if (urg & XTCP_URG_VALID) {
		if (!(flags & MSG_PEEK))
			WRITE_ONCE(xs->urg_data, XTCP_URG_READ);
		msg->msg_flags |= MSG_OOB;
		if (len > 0) {
			if (!(flags & MSG_TRUNC))
				err = memcpy_to_msg(msg, &c, 1);
			len = 1;
		} else {
			msg->msg_flags |= MSG_TRUNC;
		}
		return err ? -EFAULT : len;
	}
	if (sk->sk_state == XTCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN))
		return 0;
	return -EAGAIN;
}

/**
 * xtcp_urg_pending() - the urgent byte, out of band, is yet to be read.
 * @sk: the socket.
 *
 * Return: true when a read would skip it: with the mark at or after
 * copied_seq and below rcv_nxt, and no SO_OOBINLINE.
 */
bool xtcp_urg_pending(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	u32 seq = READ_ONCE(xs->urg_seq);

	return READ_ONCE(xs->urg_data) && !sock_flag(sk, SOCK_URGINLINE) &&
	       !xtcp_seq_before(seq, READ_ONCE(xs->copied_seq)) &&
	       xtcp_seq_before(seq, READ_ONCE(xs->rcv_nxt));
}
