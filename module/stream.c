// SPDX-License-Identifier: GPL-2.0
/*
 * The byte stream: sendmsg() queues the user's bytes as segments of at
 * most one MSS on sk_write_queue, bounded by SO_SNDBUF (sk_wmem_queued
 * against sk_sndbuf), and pushes what the peer's window allows;
 * recvmsg() copies from sk_receive_queue, whose skbs hold in-order
 * payload only, and opens the window again as the reader drains.
 */
#include <linux/uio.h>
#include <net/tcp.h>

#include "xtcp.h"

/**
 * xtcp_inq() - bytes received and not yet read.
 * @sk: the socket, locked.
 *
 * Return: the count.
 */
int xtcp_inq(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	int n = 0;

	skb = skb_peek(&sk->sk_receive_queue);
	if (!skb)
		return 0;
	n -= xs->copied_seq - XTCP_SKB_CB(skb)->seq;
	skb_queue_walk(&sk->sk_receive_queue, skb)
		n += skb->len;
	return n;
}

/* Append up to @len bytes to the unsent tail skb if it has room. */
static int xtcp_append_tail(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
	int room, n;

	/* Only a tail never sent: a clone of a sent one may be in flight. */
	if (!skb || !xs->send_head || (XTCP_SKB_CB(skb)->flags & TCPHDR_FIN) ||
	    xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_nxt))
		return 0;
	room = min_t(int, xs->mss - skb->len, skb_tailroom(skb));
	n = min_t(size_t, len, room);
	if (n <= 0)
		return 0;
	if (!copy_from_iter_full(skb_put(skb, n), n, &msg->msg_iter)) {
		__skb_trim(skb, skb->len - n);
		return -EFAULT;
	}
	XTCP_SKB_CB(skb)->end_seq += n;
	xs->write_seq += n;
	return n;
}

/* Queue a new skb with up to one MSS of the user's bytes. */
static int xtcp_append_new(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int n = min_t(size_t, len, xs->mss);
	struct sk_buff *skb;

	skb = alloc_skb_fclone(MAX_TCP_HEADER + xs->mss, sk->sk_allocation);
	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, MAX_TCP_HEADER);
	if (!copy_from_iter_full(skb_put(skb, n), n, &msg->msg_iter)) {
		kfree_skb(skb);
		return -EFAULT;
	}
	if (!xtcp_wmem_charge(sk, skb, false)) {
		kfree_skb(skb);
		return -ENOBUFS;
	}
	XTCP_SKB_CB(skb)->seq = xs->write_seq;
	XTCP_SKB_CB(skb)->end_seq = xs->write_seq + n;
	XTCP_SKB_CB(skb)->flags = 0;
	XTCP_SKB_CB(skb)->retrans = 0;
	xs->write_seq += n;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	if (!xs->send_head)
		xs->send_head = skb;
	return n;
}

/*
 * End of a write: PSH on its last segment, then send what Nagle, cork
 * and MSG_MORE allow.
 */
static void xtcp_push(struct sock *sk, int flags, size_t copied)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (copied && tail && !(flags & MSG_MORE))
		XTCP_SKB_CB(tail)->flags |= TCPHDR_PSH;
	__xtcp_write_xmit(sk, flags & MSG_MORE);
}

/**
 * xtcp_sendmsg() - proto_ops->sendmsg.
 * @sock: the socket.
 * @msg: the data and flags (MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE).
 * @len: bytes in @msg.
 *
 * Blocks while the send buffer is full, up to SO_SNDTIMEO.
 *
 * Return: bytes queued, or -EPIPE (with SIGPIPE unless MSG_NOSIGNAL)
 * after the send side is shut, -EAGAIN, the socket's error, ...
 */
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	int flags = msg->msg_flags;
	size_t copied = 0;
	long timeo;
	int err = 0, n;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if (sk->sk_state != XTCP_ESTABLISHED && sk->sk_state != XTCP_CLOSE_WAIT) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto error;
	}
	while (copied < len) {
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN)) {
			err = -EPIPE;
			goto error;
		}
		n = xtcp_append_tail(sk, msg, len - copied);
		if (!n) {
			if (!sk_stream_memory_free(sk)) {
				xtcp_write_xmit(sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				err = sk_stream_wait_memory(sk, &timeo);
				if (err)
					goto error;
				continue;
			}
			n = xtcp_append_new(sk, msg, len - copied);
			if (n == -ENOBUFS) {
				/*
				 * No memory for a segment (allocation, or
				 * net.xtcp.mem): wait a little and retry,
				 * up to SO_SNDTIMEO, as TCP's
				 * sk_stream_wait_memory() does.
				 */
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				err = sk_stream_wait_memory(sk, &timeo);
				if (err)
					goto error;
				continue;
			}
		}
		if (n < 0) {
			err = n;
			goto error;
		}
		copied += n;
	}
	xtcp_push(sk, flags, copied);
	release_sock(sk);
	return copied;

error:
	xtcp_push(sk, flags, copied);
	if (copied)
		err = copied;
	else
		err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/* After the reader freed space: tell the peer if the window grew. */
static void xtcp_rcv_space_update(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = xs->rcv_wup + xs->rcv_wnd - xs->rcv_nxt;
	u32 could = xtcp_rcv_space(sk);

	if (sk->sk_state != XTCP_ESTABLISHED && sk->sk_state != XTCP_FIN_WAIT1 &&
	    sk->sk_state != XTCP_FIN_WAIT2)
		return;
	if (could >= now + xs->mss && (could >= 2 * now || now < xs->mss))
		xtcp_send_ack(sk);
}

/* Wait for the receive queue's tail to change. */
static void xtcp_wait_data(struct sock *sk, long *timeo)
{
	sk_wait_data(sk, timeo, skb_peek_tail(&sk->sk_receive_queue));
}

/**
 * xtcp_recvmsg() - proto_ops->recvmsg.
 * @sock: the socket.
 * @msg: where to copy.
 * @len: at most this many bytes.
 * @flags: MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, MSG_TRUNC is not
 *	supported (as TCP without it).
 *
 * Return: bytes copied; 0 at end of stream; -EAGAIN, -ENOTCONN, the
 * socket's error (ECONNRESET, ...) or -EINTR.
 */
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0, target;
	long timeo;

	if (flags & MSG_OOB)
		return -EINVAL;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;

	lock_sock(sk);
	if (sk->sk_state == XTCP_LISTEN) {
		copied = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = &xs->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = xs->copied_seq;
		seq = &peek_seq;
	}

	while (copied < len) {
		struct sk_buff *skb;
		u32 offset, used;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			offset = *seq - XTCP_SKB_CB(skb)->seq;
			if (offset < skb->len)
				goto found;
		}
		if (copied >= target)
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == XTCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == XTCP_CLOSE) {
				if (!sock_flag(sk, SOCK_DONE))
					copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		xtcp_wait_data(sk, &timeo);
		continue;

found:
		used = min_t(u32, skb->len - offset, len - copied);
		if (skb_copy_datagram_msg(skb, offset, msg, used)) {
			if (!copied)
				copied = -EFAULT;
			break;
		}
		*seq += used;
		copied += used;
		if (!(flags & MSG_PEEK) && offset + used == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
			/* Segments wait on the backlog while we copy: take them. */
			sk_flush_backlog(sk);
		}
	}
	if (copied > 0 && !(flags & MSG_PEEK))
		xtcp_rcv_space_update(sk);
out:
	release_sock(sk);
	return copied;
}
