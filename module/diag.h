/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sock_diag interface (diag.c) and its filter programs (diag_bc.c).
 */
#ifndef _XTCP_DIAG_H
#define _XTCP_DIAG_H

#include <linux/types.h>

struct sock;

/**
 * struct xtcp_diag_entry - what a filter program sees of one entry.
 * @saddr: local address; IPv4 in the first word.
 * @daddr: remote address, likewise.
 * @sport: local port, host order.
 * @dport: remote port, host order.
 * @ifindex: the device the entry is bound to, or 0.
 * @family: the addresses' family (AF_INET).
 * @userlocks: sk_userlocks (SOCK_BINDPORT_LOCK for INET_DIAG_BC_AUTO);
 *	0 for TIME_WAIT and request entries.
 */
struct xtcp_diag_entry {
	__be32 saddr[4];
	__be32 daddr[4];
	u16 sport;
	u16 dport;
	u32 ifindex;
	u8 family;
	u8 userlocks;
};

int xtcp_diag_bc_audit(const void *bc, int len);
bool xtcp_diag_bc_run(const void *bc, int len,
		      const struct xtcp_diag_entry *e);

int xtcp_diag_init(void);
void xtcp_diag_exit(void);

/* timer.c: the timer a diag message reports (INET_DIAG's idiag_timer). */
u8 xtcp_timer_diag(struct sock *sk, u32 *expires_ms);

#endif /* _XTCP_DIAG_H */
