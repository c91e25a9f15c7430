// SPDX-License-Identifier: GPL-2.0
/*
 * The byte stream: sendmsg() copies the user's bytes into page
 * fragments of skbs on sk_write_queue, each up to a size goal (one
 * MSS, or a super-segment of many when the route takes them), bounded
 * by SO_SNDBUF (sk_wmem_queued against sk_sndbuf), and pushes what the
 * windows allow;
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
 * Return: the count, an urgent byte not yet passed included (close()
 * resets on any, as tcp_close() does; SIOCINQ stops at the mark).
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

/*
 * How large a queued skb may grow: one segment, or a super-segment
 * when the route takes them (xtcp_size_goal()).
 */
static u32 xtcp_send_goal(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);

	if (!sk_can_gso(sk))
		return xs->mss;
	return xtcp_size_goal(xs->mss, sk->sk_gso_max_size,
			      sk->sk_gso_max_segs, xs->max_window, xs->cc.cwnd);
}

/* The unsent tail skb, if it may take more bytes. */
static struct sk_buff *xtcp_open_tail(struct sock *sk, u32 goal)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	/* Only a tail never sent: a clone of a sent one may be in flight. */
	if (!skb || !xs->send_head || (XTCP_SKB_CB(skb)->flags & TCPHDR_FIN) ||
	    xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xs->snd_nxt) ||
	    skb->len >= goal)
		return NULL;
	return skb;
}

/*
 * A new empty skb at the tail of the write queue: a head for the
 * header only, the payload goes into page fragments.
 */
static struct sk_buff *xtcp_new_tail(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	skb = alloc_skb_fclone(MAX_TCP_HEADER, sk->sk_allocation);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_TCP_HEADER);
	if (!xtcp_wmem_charge(sk, skb, false)) {
		kfree_skb(skb);
		return NULL;
	}
	/* No checksum while copying: the device or offload.c makes it. */
	skb->ip_summed = CHECKSUM_PARTIAL;
	XTCP_SKB_CB(skb)->seq = xs->write_seq;
	XTCP_SKB_CB(skb)->end_seq = xs->write_seq;
	XTCP_SKB_CB(skb)->flags = 0;
	XTCP_SKB_CB(skb)->retrans = 0;
	XTCP_SKB_CB(skb)->pcount = 0;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	if (!xs->send_head)
		xs->send_head = skb;
	return skb;
}

/* An skb xtcp_new_tail() queued that got no bytes goes again. */
static void xtcp_drop_empty_tail(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (!skb || skb->len || (XTCP_SKB_CB(skb)->flags & TCPHDR_FIN) ||
	    xtcp_skb_sent(sk, skb))
		return;
	if (skb == xs->send_head)
		xs->send_head = NULL;
	__skb_unlink(skb, &sk->sk_write_queue);
	xtcp_wmem_free(sk, skb);
}

/**
 * struct xtcp_src - where a write's bytes come from.
 * @msg: the user's message: copied from its iterator, or with
 *	MSG_SPLICE_PAGES its pages taken by reference.
 * @page: or this page by reference, from @offset (sendpage).
 * @offset: see @page.
 */
struct xtcp_src {
	struct msghdr *msg;
	struct page *page;
	int offset;
};

/*
 * Copy up to @len of the user's bytes into the page fragment of the
 * socket (or task) and append them to @skb, as tcp_sendmsg_locked()
 * does: merged into the last fragment when they follow it in the page.
 * The bytes are charged to the send buffer with their truesize.
 *
 * Return: bytes appended; 0 if @skb has no fragment slot left;
 * -ENOBUFS without memory (a page, or the socket's charge); -EFAULT.
 */
static int xtcp_append_frag(struct sock *sk, struct sk_buff *skb,
			    struct msghdr *msg, size_t len)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int copy, err;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOBUFS;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;
	copy = min_t(size_t, len, pfrag->size - pfrag->offset);
	if (!sk_wmem_schedule(sk, copy))
		return -ENOBUFS;
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		page_ref_inc(pfrag->page);
	}
	pfrag->offset += copy;
	return copy;
}

/*
 * Append @len bytes of @page from @offset to @skb by reference, as
 * do_tcp_sendpages() does for sendfile() and splice(): the page is
 * shared with its owner (the page cache, a pipe), so it is marked for
 * a checksum pass to copy it first.
 *
 * Return: bytes appended; 0 if @skb has no fragment slot left;
 * -ENOBUFS without the socket's charge.
 */
static int xtcp_append_page(struct sock *sk, struct sk_buff *skb,
			    struct page *page, int offset, size_t len)
{
	int i = skb_shinfo(skb)->nr_frags;
	bool merge = skb_can_coalesce(skb, i, page, offset);

	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;
	if (!sk_wmem_schedule(sk, len))
		return -ENOBUFS;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], len);
	} else {
		get_page(page);
		skb_fill_page_desc_noacc(skb, i, page, offset, len);
	}
	skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
	skb_len_add(skb, len);
	sk_wmem_queued_add(sk, len);
	sk_mem_charge(sk, len);
	return len;
}

#ifdef XTCP_HAVE_SKB_SPLICE_FROM_ITER
/*
 * The pages of @msg's iterator by reference (sendfile() and splice()
 * on kernels without a sendpage op), as tcp_sendmsg_locked() takes
 * them.  Return: as xtcp_append_page().
 */
static int xtcp_append_spliced(struct sock *sk, struct sk_buff *skb,
			       struct msghdr *msg, size_t len)
{
	ssize_t n;

	if (!sk_wmem_schedule(sk, len))
		return -ENOBUFS;
	n = skb_splice_from_iter(skb, &msg->msg_iter, len, sk->sk_allocation);
	if (n == -EMSGSIZE)
		return 0;
	if (n < 0)
		return n;
	if (!(msg->msg_flags & MSG_NO_SHARED_FRAGS))
		skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
	sk_wmem_queued_add(sk, n);
	sk_mem_charge(sk, n);
	return n;
}
#endif

/*
 * The next bytes of a write into @skb: copied from the user, or pages
 * by reference (@src->page for sendpage, or MSG_SPLICE_PAGES).
 */
static int xtcp_append(struct sock *sk, struct sk_buff *skb,
		       const struct xtcp_src *src, size_t done, size_t len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int n;

	if (src->page)
		n = xtcp_append_page(sk, skb, src->page, src->offset + done, len);
#ifdef XTCP_HAVE_SKB_SPLICE_FROM_ITER
	else if (src->msg->msg_flags & MSG_SPLICE_PAGES)
		n = xtcp_append_spliced(sk, skb, src->msg, len);
#endif
	else
		n = xtcp_append_frag(sk, skb, src->msg, len);
	if (n > 0) {
		XTCP_SKB_CB(skb)->end_seq += n;
		xs->write_seq += n;
	}
	return n;
}

/*
 * End of a write: the mark after its last byte with MSG_OOB, PSH on its
 * last segment, then send what Nagle, cork and MSG_MORE allow.
 */
static void xtcp_push(struct sock *sk, int flags, size_t copied)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (copied && (flags & MSG_OOB))
		xtcp_urg_mark(sk);
	if (copied && tail && !(flags & MSG_MORE))
		XTCP_SKB_CB(tail)->flags |= TCPHDR_PSH;
	__xtcp_write_xmit(sk, flags & MSG_MORE ? XTCP_XMIT_MORE : XTCP_XMIT_NAGLE);
}

/*
 * A write, the socket locked: bytes of @src up to @len, with @flags
 * (MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE, MSG_OOB).  Blocks while the
 * send buffer is full, up to SO_SNDTIMEO.
 */
static int xtcp_send_locked(struct sock *sk, const struct xtcp_src *src,
			    size_t len, int flags)
{
	size_t copied = 0;
	bool full = false;
	long timeo;
	int err = 0, n;

	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if (sk->sk_state != XTCP_ESTABLISHED && sk->sk_state != XTCP_CLOSE_WAIT) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto error;
	}
	while (copied < len) {
		struct sk_buff *skb;
		u32 goal;

		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN)) {
			err = -EPIPE;
			goto error;
		}
		/* Urgent data goes in single segments, as TCP sends it. */
		goal = flags & MSG_OOB ? xtcp_sk(sk)->mss : xtcp_send_goal(sk);
		skb = full ? NULL : xtcp_open_tail(sk, goal);
		full = false;
		if (!skb) {
			if (!sk_stream_memory_free(sk)) {
				xtcp_write_xmit(sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				err = sk_stream_wait_memory(sk, &timeo);
				if (err)
					goto error;
				continue;
			}
			skb = xtcp_new_tail(sk);
			n = skb ? 0 : -ENOBUFS;
		}
		if (skb)
			n = xtcp_append(sk, skb, src, copied,
					min_t(size_t, len - copied,
					      goal - skb->len));
		if (n == -ENOBUFS) {
			/*
			 * No memory for the bytes (a page, or net.xtcp.mem):
			 * wait a little and retry, up to SO_SNDTIMEO, as
			 * TCP's sk_stream_wait_memory() does.
			 */
			xtcp_drop_empty_tail(sk);
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			err = sk_stream_wait_memory(sk, &timeo);
			if (err)
				goto error;
			continue;
		}
		if (n < 0) {
			err = n;
			goto error;
		}
		full = !n;
		copied += n;
		/*
		 * A full skb at the head of what is unsent goes now, unless
		 * it is the write's last: that one goes with PSH below.
		 */
		if (copied < len && skb->len >= goal &&
		    skb == xtcp_sk(sk)->send_head)
			__xtcp_write_xmit(sk, XTCP_XMIT_MORE);
	}
	xtcp_push(sk, flags, copied);
	return copied;

error:
	xtcp_drop_empty_tail(sk);
	xtcp_push(sk, flags, copied);
	if (copied)
		return copied;
	return sk_stream_error(sk, flags, err);
}

/**
 * xtcp_sendmsg() - proto_ops->sendmsg.
 * @sock: the socket.
 * @msg: the data and flags (MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE,
 *	MSG_OOB: the last byte is urgent, urgent.c; MSG_SPLICE_PAGES:
 *	the iterator's pages are taken by reference).
 * @len: bytes in @msg.
 *
 * Blocks while the send buffer is full, up to SO_SNDTIMEO.
 *
 * Return: bytes queued, or -EPIPE (with SIGPIPE unless MSG_NOSIGNAL)
 * after the send side is shut, -EAGAIN, the socket's error, ...
 */
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	const struct xtcp_src src = { .msg = msg };
	struct sock *sk = sock->sk;
	int ret;

	lock_sock(sk);
	ret = xtcp_send_locked(sk, &src, len, msg->msg_flags);
	release_sock(sk);
	return ret;
}

#ifdef XTCP_HAVE_SENDPAGE
/**
 * xtcp_sendpage() - proto_ops->sendpage (kernels before 6.5): what
 *	sendfile() and splice() to the socket call, a page at a time.
 * @sock: the socket.
 * @page: the page, taken by reference (no copy).
 * @offset: where the bytes start in it.
 * @size: how many.
 * @flags: as for sendmsg, and MSG_SENDPAGE_NOTLAST when more pages of
 *	the same call follow (then no push, as with MSG_MORE).
 *
 * Return: as xtcp_sendmsg().
 */
ssize_t xtcp_sendpage(struct socket *sock, struct page *page, int offset,
		      size_t size, int flags)
{
	const struct xtcp_src src = { .page = page, .offset = offset };
	struct sock *sk = sock->sk;
	int ret;

	/* Not a page to share (slab, or no reference count): copy it. */
	if (!sendpage_ok(page))
		return sock_no_sendpage(sock, page, offset, size, flags);
	if (flags & MSG_SENDPAGE_NOTLAST)
		flags |= MSG_MORE;
	lock_sock(sk);
	ret = xtcp_send_locked(sk, &src, size, flags);
	release_sock(sk);
	return ret;
}
#endif

/**
 * xtcp_rcv_rtt_measure() - in-order data arrived: time a window of it.
 * @sk: the socket, locked.
 *
 * Without timestamps the receiver cannot time one segment, but it can
 * time a window: from when it advertised one until data reaches that
 * window's right edge takes one round trip when the sender is window-
 * bound, more otherwise, so the least sample is the estimate (TCP's
 * tcp_rcv_rtt_measure()).
 */
void xtcp_rcv_rtt_measure(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now = xtcp_clock_us() ?: 1, sample;

	if (xs->rcv_rtt.time_us) {
		if (xtcp_seq_before(xs->rcv_nxt, xs->rcv_rtt.seq))
			return;
		sample = max(now - xs->rcv_rtt.time_us, 1U);
		if (!xs->rcv_rtt.rtt_us || sample < xs->rcv_rtt.rtt_us)
			xs->rcv_rtt.rtt_us = sample;
	}
	xs->rcv_rtt.seq = xs->rcv_nxt + xs->rcv_wnd;
	xs->rcv_rtt.time_us = now;
}

/*
 * Receive buffer autotuning, after the reader took data (TCP's
 * tcp_rcv_space_adjust()): once per receiver round trip, if the reader
 * took more than in the round trip before, the buffer grows to carry
 * the faster pace (xtcp_rcvbuf_want()), up to net.xtcp.rmem's maximum;
 * never a buffer the user set (SO_RCVBUF), never under memory
 * pressure.  It never shrinks here.
 */
static void xtcp_rcv_space_adjust(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_rcvq_space *q = &xs->rcvq_space;
	u32 now = xtcp_clock_us() ?: 1, copied;
	int max;

	if (!q->time_us)
		goto new_measure;
	if (!xs->rcv_rtt.rtt_us || now - q->time_us < xs->rcv_rtt.rtt_us)
		return;
	copied = xs->copied_seq - q->seq;
	if (copied <= q->space)
		goto new_measure;
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
	    !sk_under_memory_pressure(sk)) {
		max = READ_ONCE(xtcp_pernet(sock_net(sk))->rmem[2]);
		max = min_t(u32, xtcp_rcvbuf_want(copied, q->space, xs->advmss),
			    max);
		if (max > sk->sk_rcvbuf)
			WRITE_ONCE(sk->sk_rcvbuf, max);
	}
	q->space = copied;
new_measure:
	if (!q->space)
		q->space = min_t(u32, xs->rcv_wnd, XTCP_INIT_CWND * xs->advmss) ?: 1;
	q->seq = xs->copied_seq;
	q->time_us = now;
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
 * @flags: MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, MSG_OOB (urgent.c);
 *	MSG_TRUNC is not supported (as TCP without it).
 *
 * A read ends at the urgent mark; the urgent byte is skipped unless
 * SO_OOBINLINE is set.
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

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;

	lock_sock(sk);
	if (sk->sk_state == XTCP_LISTEN) {
		copied = -ENOTCONN;
		goto out;
	}
	if (flags & MSG_OOB) {
		copied = xtcp_urg_recv(sk, msg, len, flags);
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

		/*
		 * At the mark a read ends, and one that has nothing yet
		 * lets a SIGURG handler run first (TCP's rule).
		 */
		if (xs->urg_data && xs->urg_seq == *seq) {
			if (copied)
				break;
			if (signal_pending(current)) {
				copied = timeo ? sock_intr_errno(timeo) : -EAGAIN;
				break;
			}
		}
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
		if (xs->urg_data) {
			u32 urg_offset = xs->urg_seq - *seq;

			if (urg_offset && urg_offset < used) {
				used = urg_offset;	/* up to the mark */
			} else if (!urg_offset && !sock_flag(sk, SOCK_URGINLINE)) {
				(*seq)++;		/* the byte is out of band */
				offset++;
				used = min_t(u32, used, skb->len - offset);
			}
		}
		if (used && skb_copy_datagram_msg(skb, offset, msg, used)) {
			if (!copied)
				copied = -EFAULT;
			break;
		}
		*seq += used;
		copied += used;
		if (xs->urg_data && xtcp_seq_after(xs->copied_seq, xs->urg_seq))
			WRITE_ONCE(xs->urg_data, 0);
		if (!(flags & MSG_PEEK) && offset + used == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
			/* Segments wait on the backlog while we copy: take them. */
			sk_flush_backlog(sk);
		}
	}
	if (copied > 0 && !(flags & MSG_PEEK)) {
		xtcp_rcv_space_adjust(sk);
		xtcp_rcv_space_update(sk);
	}
out:
	release_sock(sk);
	return copied;
}
