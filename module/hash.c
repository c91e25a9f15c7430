// SPDX-License-Identifier: GPL-2.0
/*
 * Port tables.
 *
 * The bind table maps (namespace, local port) to the sockets bound
 * there.  It is one global array of buckets, hashed on the port mixed
 * with the namespace, so namespaces never see each other's ports.  It
 * is sized and shaped for IPv6 sockets to join it later: the conflict
 * rule compares addresses through xtcp_addr_overlap() alone.
 *
 * Locking: each bucket has its own spinlock, taken with BHs off, which
 * protects the chain and the local port and address of every socket in
 * it.  A socket's own fields are otherwise under its socket lock, which
 * callers of xtcp_bind_port() and xtcp_unbind() hold.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <net/inet_hashtables.h>

#include "xtcp.h"

#define XTCP_BHASH_BITS 10
#define XTCP_BHASH_SIZE BIT(XTCP_BHASH_BITS)

/**
 * struct xtcp_bind_bucket - one chain of the bind table.
 * @lock: protects @chain and the bound port/address of its sockets.
 * @chain: sockets linked through sk_bind_node.
 */
struct xtcp_bind_bucket {
	spinlock_t lock;	/* protects @chain, see above */
	struct hlist_head chain;
};

static struct xtcp_bind_bucket *xtcp_bhash;

static unsigned int xtcp_bhashfn(const struct net *net, u16 port)
{
	return jhash_1word(port, net_hash_mix(net)) & (XTCP_BHASH_SIZE - 1);
}

static bool xtcp_addr_overlap(const struct sock *a, const struct sock *b)
{
	__be32 x = inet_sk(a)->inet_rcv_saddr, y = inet_sk(b)->inet_rcv_saddr;

	return !x || !y || x == y;
}

/*
 * Would binding @sk to @port clash with @other?  Linux TCP's rule
 * without SO_REUSEPORT: sockets on one port clash when their
 * addresses and devices overlap, unless both set SO_REUSEADDR and the
 * one already there is not listening.
 */
static bool xtcp_bind_conflict(const struct sock *sk, const struct sock *other)
{
	if (sk == other || !net_eq(sock_net(sk), sock_net(other)))
		return false;
	if (sk->sk_bound_dev_if && other->sk_bound_dev_if &&
	    sk->sk_bound_dev_if != other->sk_bound_dev_if)
		return false;
	if (!xtcp_addr_overlap(sk, other))
		return false;
	if (sk->sk_reuse && other->sk_reuse && other->sk_state != XTCP_LISTEN)
		return false;
	return true;
}

/* Called with the bucket lock held. */
static bool xtcp_port_busy(struct xtcp_bind_bucket *b, const struct sock *sk,
			   u16 port, bool exclusive)
{
	struct sock *other;

	sk_for_each_bound(other, &b->chain) {
		if (inet_sk(other)->inet_num != port ||
		    !net_eq(sock_net(other), sock_net(sk)))
			continue;
		if (exclusive || xtcp_bind_conflict(sk, other))
			return true;
	}
	return false;
}

/* Try to take @port for @sk; 0 or -EADDRINUSE. */
static int xtcp_try_port(struct sock *sk, u16 port, bool exclusive)
{
	unsigned int h = xtcp_bhashfn(sock_net(sk), port);
	struct xtcp_bind_bucket *b = &xtcp_bhash[h];
	struct inet_sock *inet = inet_sk(sk);
	int err = -EADDRINUSE;

	spin_lock_bh(&b->lock);
	if (!xtcp_port_busy(b, sk, port, exclusive)) {
		inet->inet_num = port;
		inet->inet_sport = htons(port);
		sk_add_bind_node(sk, &b->chain);
		xtcp_sk(sk)->bhash = h;
		err = 0;
	}
	spin_unlock_bh(&b->lock);
	return err;
}

/**
 * xtcp_bind_port() - bind a socket to a local address and port.
 * @sk: an unbound socket, locked by the caller.
 * @addr: local address, or INADDR_ANY; already checked by the caller.
 * @port: local port in host order, or 0 for an ephemeral one taken
 *	from net.xtcp.ip_local_port_range.
 *
 * An ephemeral port is one no socket of the namespace uses at all, as
 * with TCP's bind(port 0) without SO_REUSEADDR sharing.
 *
 * Return: 0, or -EADDRINUSE when the port (or every ephemeral port)
 * is taken.
 */
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port)
{
	struct inet_sock *inet = inet_sk(sk);
	int lo, hi, n, i;
	u32 offset;

	inet->inet_rcv_saddr = addr;
	inet->inet_saddr = addr;
	if (port) {
		if (!xtcp_try_port(sk, port, false))
			return 0;
		goto fail;
	}

	xtcp_local_port_range(sock_net(sk), &lo, &hi);
	n = hi - lo + 1;
	offset = get_random_u32_below(n);
	for (i = 0; i < n; i++) {
		port = lo + (offset + i) % n;
		if (!xtcp_try_port(sk, port, true))
			return 0;
		cond_resched();
	}
fail:
	inet->inet_rcv_saddr = 0;
	inet->inet_saddr = 0;
	return -EADDRINUSE;
}

/**
 * xtcp_unbind() - release a socket's port, if it holds one.
 * @sk: the socket, locked by the caller.
 */
void xtcp_unbind(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_bind_bucket *b;

	if (xs->bhash < 0)
		return;
	b = &xtcp_bhash[xs->bhash];
	spin_lock_bh(&b->lock);
	__sk_del_bind_node(sk);
	inet_sk(sk)->inet_num = 0;
	inet_sk(sk)->inet_sport = 0;
	xs->bhash = -1;
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_walk_bound() - visit every bound socket of a namespace.
 * @net: the namespace.
 * @walk: the visitor and its argument.
 */
void xtcp_walk_bound(const struct net *net, const struct xtcp_walk *walk)
{
	unsigned int i;
	struct sock *sk;

	for (i = 0; i < XTCP_BHASH_SIZE; i++) {
		struct xtcp_bind_bucket *b = &xtcp_bhash[i];

		if (hlist_empty(&b->chain))
			continue;
		spin_lock_bh(&b->lock);
		sk_for_each_bound(sk, &b->chain)
			if (net_eq(sock_net(sk), net))
				walk->fn(sk, walk->arg);
		spin_unlock_bh(&b->lock);
	}
}

/**
 * xtcp_hash_init() - allocate the port tables.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_hash_init(void)
{
	unsigned int i;

	xtcp_bhash = kvmalloc_array(XTCP_BHASH_SIZE, sizeof(*xtcp_bhash),
				    GFP_KERNEL);
	if (!xtcp_bhash)
		return -ENOMEM;
	for (i = 0; i < XTCP_BHASH_SIZE; i++) {
		spin_lock_init(&xtcp_bhash[i].lock);
		INIT_HLIST_HEAD(&xtcp_bhash[i].chain);
	}
	return 0;
}

/**
 * xtcp_hash_exit() - free the port tables; every socket is gone by now.
 */
void xtcp_hash_exit(void)
{
	unsigned int i;

	for (i = 0; i < XTCP_BHASH_SIZE; i++)
		WARN_ON_ONCE(!hlist_empty(&xtcp_bhash[i].chain));
	kvfree(xtcp_bhash);
}
