/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp internal header: the socket, the per-namespace state and the
 * interfaces between the files of the module.
 *
 * Files and what they own:
 *   af_xtcp.c  module init/exit, the family, proto and proto_ops glue
 *   hash.c     port tables: bind, ephemeral allocation, lookup
 *   input.c    the IP protocol handler: validation, counting, dispatch
 *   wire.c     header parse/validate and checksum (pure logic, KUnit)
 *   netns.c    per-network-namespace state and counters
 *   sysctl.c   net.xtcp.* sysctls
 *   proc.c     /proc/net/xtcp and /proc/net/xtcp_snmp
 */
#ifndef _XTCP_H
#define _XTCP_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/percpu.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <uapi/linux/tcp.h>

#include "../uapi/linux/xtcp.h"
#include "compat.h"

/* Module parameters, fixed after load (af_xtcp.c). */
extern int xtcp_family;
extern int xtcp_ipproto;

/**
 * struct xtcp_sock - an xtcp socket.
 * @inet: the IPv4 socket it extends; must be first.  inet_num is the
 *	bound local port (host order), inet_rcv_saddr the bound address.
 * @bhash: bucket index of the bind table we sit in, or -1 if unbound.
 *
 * Fields are protected by the socket lock unless documented otherwise.
 */
struct xtcp_sock {
	struct inet_sock inet;
	int bhash;
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/*
 * Counters, per namespace and per CPU.  The names are printed by
 * /proc/net/xtcp_snmp in this order.
 */
enum xtcp_mib_field {
	XTCP_MIB_INSEGS,
	XTCP_MIB_INERRS,
	XTCP_MIB_INCSUMERRORS,
	XTCP_MIB_INHDRERRORS,
	XTCP_MIB_NOSOCKET,
	XTCP_MIB_OUTSEGS,
	XTCP_MIB_MAX
};

/**
 * struct xtcp_mib - one CPU's counters of one namespace.
 * @mibs: indexed by enum xtcp_mib_field.
 */
struct xtcp_mib {
	unsigned long mibs[XTCP_MIB_MAX];
};

/**
 * struct xtcp_net - per-network-namespace state.
 * @mib: per-CPU counters; written with interrupts possibly off, read
 *	by summing all CPUs.
 * @port_range: ephemeral port range [lo, hi], net.xtcp.ip_local_port_range.
 * @port_range_lock: protects @port_range: the sysctl handler writes the
 *	pair under it, readers retry on it (xtcp_port_range_read()), so
 *	lo <= hi always holds for what a reader sees.
 * @sysctl_hdr: the registered net.xtcp table of this namespace.
 */
struct xtcp_net {
	struct xtcp_mib __percpu *mib;
	int port_range[2];
	seqlock_t port_range_lock;
	struct ctl_table_header *sysctl_hdr;
};

struct xtcp_net *xtcp_pernet(const struct net *net);

#define XTCP_INC_STATS(net, field) \
	this_cpu_inc(xtcp_pernet(net)->mib->mibs[field])

unsigned long xtcp_mib_read(const struct net *net, enum xtcp_mib_field field);
extern const char *const xtcp_mib_names[XTCP_MIB_MAX];

/* netns.c */
int xtcp_netns_init(void);
void xtcp_netns_exit(void);
void xtcp_local_port_range(const struct net *net, int *lo, int *hi);
void xtcp_port_range_read(struct xtcp_net *xn, int *lo, int *hi);

/* sysctl.c */
int xtcp_sysctl_net_init(struct net *net);
void xtcp_sysctl_net_exit(struct net *net);

/* proc.c */
const char *xtcp_state_name(int state);
int xtcp_proc_net_init(struct net *net);
void xtcp_proc_net_exit(struct net *net);

/* hash.c */
int xtcp_hash_init(void);
void xtcp_hash_exit(void);
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port);
void xtcp_unbind(struct sock *sk);
/**
 * struct xtcp_walk - a visit of every socket of a namespace.
 * @fn: called on each socket under a table lock; must not sleep.
 * @arg: passed to @fn.
 */
struct xtcp_walk {
	void (*fn)(struct sock *sk, void *arg);
	void *arg;
};

void xtcp_walk_bound(const struct net *net, const struct xtcp_walk *walk);

/* input.c */
int xtcp_input_init(void);
void xtcp_input_exit(void);

/* wire.c: pure functions on packets, covered by KUnit */

/**
 * enum xtcp_hdr_verdict - result of xtcp_hdr_check().
 * @XTCP_HDR_OK: the header is well formed.
 * @XTCP_HDR_SHORT: shorter than the 20-byte fixed header.
 * @XTCP_HDR_BAD_DOFF: data offset below 5 words or past the packet.
 * @XTCP_HDR_BAD_FLAGS: a flag combination no valid segment carries
 *	(SYN with FIN or RST, or no flag at all).
 */
enum xtcp_hdr_verdict {
	XTCP_HDR_OK,
	XTCP_HDR_SHORT,
	XTCP_HDR_BAD_DOFF,
	XTCP_HDR_BAD_FLAGS,
};

enum xtcp_hdr_verdict xtcp_hdr_check(const struct tcphdr *th, unsigned int len);
__sum16 xtcp_csum(__be32 saddr, __be32 daddr, u8 proto, const void *seg,
		  unsigned int len);

#endif /* _XTCP_H */
