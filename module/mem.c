// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accounting, as TCP's: every skb on a socket's queues (send,
 * receive, out-of-order) is charged to the socket's forward allocation,
 * which is taken in pages from xtcp_memory_allocated (and the socket's
 * memory cgroup) by the core's __sk_mem_schedule().  net.xtcp.mem gives
 * the three thresholds, in pages, like tcp_mem:
 *
 *   below mem[0]   no pressure;
 *   above mem[1]   memory pressure: windows shrink to four segments, new
 *                  send buffers are refused once a socket holds its
 *                  share, send buffers are moderated;
 *   above mem[2]   the hard limit: no socket gets more than its minimum
 *                  (net.xtcp.rmem[0] / wmem[0]) unless the core's rules
 *                  allow it; an orphan holding data is reset.
 *
 * What a socket holds is never taken back: a refused segment was never
 * acknowledged and the peer sends it again; only out-of-order data,
 * also never acknowledged, is pruned to make room.
 *
 * The counters are global, as TCP's: net.xtcp.mem exists in the initial
 * namespace only, and the minimums under pressure are the initial
 * namespace's rmem[0] and wmem[0].
 */
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/sysctl.h>
#include <net/sock.h>

#include "xtcp.h"

/* Pages charged by all xtcp sockets (plus each CPU's unflushed share). */
static atomic_long_t xtcp_memory_allocated;
static DEFINE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
/* Sockets in existence, listeners and children included. */
static struct percpu_counter xtcp_sockets_allocated;
/* jiffies (never 0) since memory pressure began, or 0. */
static unsigned long xtcp_memory_pressure;
/* net.xtcp.mem: pages. */
static long xtcp_sysctl_mem[3];

static void xtcp_enter_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (READ_ONCE(xtcp_memory_pressure))
		return;
	val = jiffies ?: 1;
	if (!cmpxchg(&xtcp_memory_pressure, 0, val))
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_MEMORYPRESSURES);
}

static void xtcp_leave_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (!READ_ONCE(xtcp_memory_pressure))
		return;
	val = xchg(&xtcp_memory_pressure, 0);
	if (val)
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_MEMORYPRESSURESMS,
			       jiffies_to_msecs(jiffies - val));
}

/**
 * xtcp_mem_proto_init() - give the struct proto its accounting.
 * @prot: xtcp_proto, not yet registered.
 * @rmem: the initial namespace's net.xtcp.rmem (rmem[0] is the
 *	minimum a socket may always hold).
 * @wmem: its net.xtcp.wmem.
 *
 * The defaults are tcp_mem's: an eighth of the buffer pages at most.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_mem_proto_init(struct proto *prot, int *rmem, int *wmem)
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);
	int err;

	err = percpu_counter_init(&xtcp_sockets_allocated, 0, GFP_KERNEL);
	if (err)
		return err;
	xtcp_sysctl_mem[0] = limit / 4 * 3;
	xtcp_sysctl_mem[1] = limit;
	xtcp_sysctl_mem[2] = xtcp_sysctl_mem[0] * 2;

	prot->memory_allocated = &xtcp_memory_allocated;
	prot->per_cpu_fw_alloc = &xtcp_memory_per_cpu_fw_alloc;
	prot->sockets_allocated = &xtcp_sockets_allocated;
	prot->memory_pressure = &xtcp_memory_pressure;
	prot->enter_memory_pressure = xtcp_enter_memory_pressure;
	prot->leave_memory_pressure = xtcp_leave_memory_pressure;
	prot->sysctl_mem = xtcp_sysctl_mem;
	prot->sysctl_rmem = rmem;
	prot->sysctl_wmem = wmem;
	return 0;
}

/**
 * xtcp_mem_proto_exit() - the proto is unregistered: free the counter.
 */
void xtcp_mem_proto_exit(void)
{
	percpu_counter_destroy(&xtcp_sockets_allocated);
}

/**
 * xtcp_mem_sock_init() - count a socket made by xtcp_sock_alloc().
 * @sk: the socket.  (sk_clone_lock() counts the children itself.)
 */
void xtcp_mem_sock_init(struct sock *sk)
{
	sk_sockets_allocated_inc(sk);
}

/**
 * xtcp_mem_sock_destruct() - give back what the socket still holds.
 * @sk: the socket, its queues already purged.
 */
void xtcp_mem_sock_destruct(struct sock *sk)
{
	sk_mem_reclaim_final(sk);
	WARN_ON_ONCE(sk->sk_forward_alloc);
	WARN_ON_ONCE(sk->sk_wmem_queued);
	sk_sockets_allocated_dec(sk);
}

/**
 * xtcp_mem_usage() - the accounting as /proc/net/xtcp_sockstat shows it.
 * @pages: out: pages charged (as flushed from the CPUs).
 * @sockets: out: sockets allocated.
 *
 * Return: true while under memory pressure.
 */
bool xtcp_mem_usage(long *pages, s64 *sockets)
{
	*pages = max(0L, atomic_long_read(&xtcp_memory_allocated));
	*sockets = percpu_counter_sum_positive(&xtcp_sockets_allocated);
	return READ_ONCE(xtcp_memory_pressure);
}

/**
 * xtcp_out_of_memory() - past the hard limit and holding send data
 *	(TCP's tcp_out_of_memory()): an orphan is then reset.
 * @sk: the socket.
 *
 * Return: true if so.
 */
bool xtcp_out_of_memory(const struct sock *sk)
{
	return sk->sk_wmem_queued > SOCK_MIN_SNDBUF &&
	       sk_memory_allocated(sk) > sk_prot_mem_limits(sk, 2);
}

/**
 * xtcp_wmem_charge() - account an skb put on the write queue.
 * @sk: the socket, locked.
 * @skb: the skb.
 * @force: charge even past the limits (a FIN, or the remainder of a
 *	split, which must not wait: TCP's sk_forced_mem_schedule()).
 *
 * Return: true if charged; false (nothing charged) if memory is short.
 */
bool xtcp_wmem_charge(struct sock *sk, struct sk_buff *skb, bool force)
{
	if (!sk_wmem_schedule(sk, skb->truesize)) {
		if (!force) {
			sk->sk_prot->enter_memory_pressure(sk);
			sk_stream_moderate_sndbuf(sk);
			return false;
		}
		/*
		 * Borrowed from the forward allocation, which goes below
		 * zero until the skb is freed: at most one skb per socket.
		 */
	}
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	return true;
}

/**
 * xtcp_wmem_free() - free an skb taken off the write queue.
 * @sk: the socket, locked.
 * @skb: the skb, unlinked.
 */
void xtcp_wmem_free(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	consume_skb(skb);
}

/**
 * xtcp_sndbuf_adjust() - after an ACK: the send buffer follows the
 *	congestion window.
 * @sk: the socket, locked.
 *
 * Room for two congestion windows of segments (xtcp_sndbuf_want()), at
 * least net.xtcp.wmem's default, at most its maximum, as TCP's
 * tcp_sndbuf_expand(): so a sender is never held back by its buffer
 * before the network holds it back.  It also brings back a buffer the
 * core moderated under pressure.  Not while memory is short, and never
 * a buffer the user set (SO_SNDBUF).  It only grows here; pressure
 * shrinks it (sk_stream_moderate_sndbuf()).
 */
void xtcp_sndbuf_adjust(struct sock *sk)
{
	const struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_sock *xs = xtcp_sk(sk);
	int want;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK || sk_under_memory_pressure(sk) ||
	    sk_memory_allocated(sk) >= sk_prot_mem_limits(sk, 0))
		return;
	want = min_t(u32, xtcp_sndbuf_want(xs->cc.cwnd, xs->mss),
		     READ_ONCE(xn->wmem[2]));
	want = max(want, READ_ONCE(xn->wmem[1]));
	if (sk->sk_sndbuf < want)
		WRITE_ONCE(sk->sk_sndbuf, want);
}

/**
 * xtcp_mem_cgroup_accept() - charge an accepted child to the memory
 *	cgroup of the task accepting it, as inet_csk_accept() does.
 * @sk: the child, locked by the caller.
 *
 * sk_clone_lock() leaves a child without a cgroup; what it already
 * holds is charged to the cgroup now.  The core's charge call is not
 * exported, so the pages are scheduled with the cgroup set (charging
 * both the cgroup and xtcp_memory_allocated) and then given back to
 * xtcp_memory_allocated alone.  If the cgroup refuses them the child
 * stays uncharged, as a socket made in the root cgroup is; so does one
 * accepted under cgroup v1.
 */
void xtcp_mem_cgroup_accept(struct sock *sk)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;
	int held;

	if (!mem_cgroup_sockets_enabled || sk->sk_memcg)
		return;
	rcu_read_lock();
	memcg = mem_cgroup_from_task(current);
	/*
	 * The root has no parent.  cgroup v1 accounts sockets only with
	 * its legacy tcpmem knob, which 6.12 may lack: v2 only here.
	 */
	if (!memcg || !memcg->css.parent ||
	    !cgroup_subsys_on_dfl(memory_cgrp_subsys) ||
	    !css_tryget(&memcg->css))
		memcg = NULL;
	rcu_read_unlock();
	if (!memcg)
		return;

	held = sk->sk_forward_alloc + atomic_read(&sk->sk_rmem_alloc) +
	       sk->sk_wmem_queued;
	sk->sk_memcg = memcg;
	if (held <= 0)
		return;
	if (!__sk_mem_schedule(sk, held, SK_MEM_RECV)) {
		sk->sk_memcg = NULL;
		css_put(&memcg->css);
		return;
	}
	sk->sk_memcg = NULL;
	__sk_mem_reclaim(sk, sk_mem_pages(held) << PAGE_SHIFT);
	sk->sk_memcg = memcg;
#endif
}

/* net.xtcp.mem: three page counts, min <= pressure <= max. */
static int xtcp_proc_mem_pages(xtcp_ctl_table *table, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	static unsigned long pages_min = 1;
	unsigned long v[3];
	struct ctl_table tmp = {
		.data = v,
		.maxlen = sizeof(v),
		.mode = table->mode,
		.extra1 = &pages_min,
	};
	int err, i;

	for (i = 0; i < 3; i++)
		v[i] = READ_ONCE(xtcp_sysctl_mem[i]);
	err = proc_doulongvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	if (v[0] > v[1] || v[1] > v[2] || v[2] > LONG_MAX)
		return -EINVAL;
	for (i = 0; i < 3; i++)
		WRITE_ONCE(xtcp_sysctl_mem[i], v[i]);
	return 0;
}

static struct ctl_table xtcp_mem_table[] = {
	{
		.procname	= "mem",
		.maxlen		= sizeof(xtcp_sysctl_mem),
		.mode		= 0644,
		.proc_handler	= xtcp_proc_mem_pages,
	},
	{ }
};

static struct ctl_table_header *xtcp_mem_sysctl;

/**
 * xtcp_mem_sysctl_init() - register net.xtcp.mem (initial namespace).
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_mem_sysctl_init(void)
{
	xtcp_mem_sysctl = xtcp_register_net_sysctl(&init_net, "net/xtcp",
						   xtcp_mem_table,
						   ARRAY_SIZE(xtcp_mem_table) - 1);
	return xtcp_mem_sysctl ? 0 : -ENOMEM;
}

/**
 * xtcp_mem_sysctl_exit() - unregister net.xtcp.mem.
 */
void xtcp_mem_sysctl_exit(void)
{
	unregister_net_sysctl_table(xtcp_mem_sysctl);
}
