/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xtcp: a TCP-like reliable byte stream as the socket family AF_XTCP.
 *
 * This is everything a userspace program needs to open and use an xtcp
 * socket.  Addresses are plain struct sockaddr_in (from <netinet/in.h>
 * or <linux/in.h>) whose sin_family is AF_XTCP; AF_INET is accepted
 * too, so a program written for TCP needs only its socket() call
 * changed.
 *
 * The family and IP protocol numbers below are the module's defaults.
 * An administrator may load the module with other ones (module
 * parameters "family" and "ipproto"); a program that must follow that
 * reads /sys/module/xtcp/parameters/family rather than trusting the
 * constant.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>

/**
 * AF_XTCP - default address (and protocol) family number of xtcp.
 *
 * Linux reserves 19 as AF_ECONET, whose implementation was removed from
 * the kernel in 3.5; nothing in 6.1 or 6.12 registers it.  See
 * Documentation/family.rst for the choice and for what happens on a
 * clash.
 */
#define AF_XTCP		19
/** PF_XTCP - protocol family; equal to AF_XTCP as for every family. */
#define PF_XTCP		AF_XTCP

/**
 * IPPROTO_XTCP - default IP protocol number carried in the IPv4 header.
 *
 * 253 is one of the two numbers RFC 3692 sets aside for experiments.
 * socket() accepts 0 or this value as its protocol argument.
 */
#define IPPROTO_XTCP	253

/**
 * SOL_XTCP - socket option level for xtcp's own options.
 *
 * Equal to IPPROTO_XTCP, as SOL_TCP equals IPPROTO_TCP.
 */
#define SOL_XTCP	253

/**
 * enum xtcp_state - connection states, as reported by /proc/net/xtcp.
 *
 * The values are those of Linux TCP's states so that tools that decode
 * /proc/net/tcp can decode /proc/net/xtcp.  The names follow RFC 9293.
 *
 * @XTCP_ESTABLISHED: open; data flows both ways.
 * @XTCP_SYN_SENT: connect() sent a SYN and waits for the SYN-ACK.
 * @XTCP_SYN_RECV: a SYN arrived and a SYN-ACK went out.
 * @XTCP_FIN_WAIT1: we closed first; our FIN is not yet acknowledged.
 * @XTCP_FIN_WAIT2: our FIN is acknowledged; we wait for the peer's.
 * @XTCP_TIME_WAIT: both FINs done; we wait 2*MSL for strays.
 * @XTCP_CLOSE: CLOSED: no connection.
 * @XTCP_CLOSE_WAIT: the peer closed first; we may still send.
 * @XTCP_LAST_ACK: we closed after the peer; our FIN waits for its ACK.
 * @XTCP_LISTEN: listen() was called; SYNs are accepted.
 * @XTCP_CLOSING: both sides closed at once; our FIN waits for its ACK.
 */
enum xtcp_state {
	XTCP_ESTABLISHED = 1,
	XTCP_SYN_SENT,
	XTCP_SYN_RECV,
	XTCP_FIN_WAIT1,
	XTCP_FIN_WAIT2,
	XTCP_TIME_WAIT,
	XTCP_CLOSE,
	XTCP_CLOSE_WAIT,
	XTCP_LAST_ACK,
	XTCP_LISTEN,
	XTCP_CLOSING,
};

#endif /* _UAPI_LINUX_XTCP_H */
