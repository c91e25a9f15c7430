/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels xtcp builds against (6.1 and 6.12).
 *
 * Distribution kernels backport interfaces, so a version number can
 * lie: each difference is decided by a feature probe that Kbuild runs
 * on the headers it builds against, which sets an XTCP_HAVE_* macro.
 * The code elsewhere uses only the names defined here.
 */
#ifndef _XTCP_COMPAT_H
#define _XTCP_COMPAT_H

#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

/* 6.12 moved the unaligned accessors to <linux/unaligned.h>. */
#ifdef XTCP_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.10 moved the memory accounting helpers to <net/proto_memory.h>. */
#ifdef XTCP_HAVE_PROTO_MEMORY_H
#include <net/proto_memory.h>
#endif

/*
 * 6.8 made __cookie_v4_check() read the cookie from th->ack_seq
 * itself.  Return: the MSS the cookie holds, or 0.
 */
static inline int xtcp_cookie_v4_check(const struct iphdr *iph,
				       const struct tcphdr *th)
{
#ifdef XTCP_HAVE_COOKIE_CHECK_2ARGS
	return __cookie_v4_check(iph, th);
#else
	return __cookie_v4_check(iph, th, ntohl(th->ack_seq) - 1);
#endif
}

/* 6.11 made the ctl_table argument of proc handlers const. */
#ifdef XTCP_HAVE_CONST_CTL_TABLE
#define xtcp_ctl_table const struct ctl_table
#else
#define xtcp_ctl_table struct ctl_table
#endif

/*
 * 6.6 added register_net_sysctl_sz(); from 6.11 on the table is walked
 * by size, not to a sentinel.  @n excludes the sentinel, which the
 * older interface needs.
 */
static inline struct ctl_table_header *
xtcp_register_net_sysctl(struct net *net, const char *path,
			 struct ctl_table *table, size_t n)
{
#ifdef XTCP_HAVE_REGISTER_NET_SYSCTL_SZ
	return register_net_sysctl_sz(net, path, table, n);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/*
 * Symbols xtcp.ko exports only for its KUnit module.  Linux 6.2 has
 * EXPORT_SYMBOL_IF_KUNIT for this; 6.1 does not.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_XTCP_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, XTCP_KUNIT)
#else
#define EXPORT_SYMBOL_IF_XTCP_KUNIT(sym)
#endif

/*
 * SOCK_CUSTOM_SOCKOPT (6.7+) routes SOL_SOCKET options to the family's
 * setsockopt.  Without it the core answers them alone, and refuses
 * SO_REUSEPORT to families other than AF_INET/AF_INET6 (EOPNOTSUPP).
 */
static inline void xtcp_custom_sockopt(struct socket *sock)
{
#ifdef XTCP_HAVE_CUSTOM_SOCKOPT
	set_bit(SOCK_CUSTOM_SOCKOPT, &sock->flags);
#endif
}

/* 6.6 moved inet_sock's bit fields into inet->inet_flags. */
static inline bool xtcp_recverr(const struct sock *sk)
{
#ifdef XTCP_HAVE_INET_FLAGS
	return inet_test_bit(RECVERR, sk);
#else
	return inet_sk(sk)->recverr;
#endif
}

/*
 * Linux 6.9 gave struct sock_diag_handler an owner, which the core
 * pins while a request is answered; before, the handler table's mutex
 * was held instead.  Distribution kernels carry the change back.
 */
#ifdef XTCP_HAVE_SOCK_DIAG_OWNER
#define XTCP_SOCK_DIAG_OWNER	.owner = THIS_MODULE,
#else
#define XTCP_SOCK_DIAG_OWNER
#endif

#endif /* _XTCP_COMPAT_H */
