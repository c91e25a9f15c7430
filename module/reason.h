/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why xtcp resets a connection, drops a segment, or a timer fired: the
 * reasons the tracepoints of trace.h carry.  trace.h names each with
 * the one word its output prints (and xtcp-trace reads).
 */
#ifndef _XTCP_REASON_H
#define _XTCP_REASON_H

/* Why an RST went out (xtcp:xtcp_send_reset). */
enum xtcp_rst_reason {
	XTCP_RST_NONE,			/* no RST: xtcp_abort() without one */
	XTCP_RST_NO_SOCKET,		/* nobody listens or is connected there */
	XTCP_RST_CLOSED,		/* a segment for a socket in CLOSE */
	XTCP_RST_BAD_ACK,		/* it ACKs what we never sent */
	XTCP_RST_STRAY_ACK,		/* an ACK to a listener: no request, no cookie */
	XTCP_RST_DATA_AFTER_CLOSE,	/* new data for a reader that is gone */
	XTCP_RST_ABORT,			/* close() with data unread, or SO_LINGER 0 */
	XTCP_RST_TIMEOUT,		/* retransmissions or keepalives gave up */
	XTCP_RST_MEMORY,		/* too many orphans, or out of memory */
	XTCP_RST_LINGER2,		/* XTCP_LINGER2 < 0: no FIN_WAIT2 */
	XTCP_RST_LISTENER_CLOSED,	/* a child the listener never handed out */
	XTCP_RST_DISCONNECT,		/* connect(AF_UNSPEC) */
};

/* Why a received segment went unused (xtcp:xtcp_drop). */
enum xtcp_drop_reason {
	XTCP_DROP_NONE,			/* not dropped: used, or answered */
	XTCP_DROP_NOT_HOST,		/* not addressed to this host */
	XTCP_DROP_HEADER,		/* malformed header (InHdrErrors) */
	XTCP_DROP_CSUM,			/* bad checksum (InCsumErrors) */
	XTCP_DROP_NO_SOCKET,		/* nobody there (answered with RST) */
	XTCP_DROP_POLICY,		/* IPsec policy or socket filter */
	XTCP_DROP_BACKLOG,		/* the owner's backlog is full */
	XTCP_DROP_TIMESTAMP,		/* PAWS, or a timestamp missing */
	XTCP_DROP_OUT_OF_WINDOW,	/* sequence number not acceptable */
	XTCP_DROP_RST_CHALLENGED,	/* RST in the window, not at rcv_nxt */
	XTCP_DROP_SYN_CHALLENGED,	/* SYN on a synchronized connection */
	XTCP_DROP_SYN_AGAIN,		/* the peer's SYN again: SYN-ACK resent */
	XTCP_DROP_NO_ACK,		/* no ACK flag */
	XTCP_DROP_BAD_ACK,		/* ACK of unsent data, or too old */
	XTCP_DROP_DATA_AFTER_CLOSE,	/* data for a reader that is gone */
	XTCP_DROP_RCVQ_FULL,		/* no room in the receive buffer */
	XTCP_DROP_OFO_FULL,		/* no room for out-of-order data */
	XTCP_DROP_CLOSED,		/* for a socket in CLOSE */
	XTCP_DROP_NOT_SYN,		/* SYN_SENT wants a SYN or RST */
	XTCP_DROP_LISTEN_RST,		/* an RST to a listener */
	XTCP_DROP_LISTEN_OVERFLOW,	/* accept queue full */
	XTCP_DROP_LISTEN_REFUSED,	/* no request could be made */
};

/* Timers with no event of their own (xtcp:xtcp_timer). */
enum xtcp_timer_id {
	XTCP_TIMER_DELACK,		/* delayed ACK sent */
	XTCP_TIMER_PERSIST,		/* zero-window probe sent */
	XTCP_TIMER_PROBE,		/* tail loss probe timeout */
	XTCP_TIMER_REORDER,		/* RACK's reordering window ran out */
	XTCP_TIMER_FIN_WAIT2,		/* an orphan's FIN_WAIT2 ran out */
};

#endif /* _XTCP_REASON_H */
