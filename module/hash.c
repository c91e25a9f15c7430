// SPDX-License-Identifier: GPL-2.0
/*
 * Lookup tables.
 *
 *   bind table   (namespace, local port) -> every socket holding the
 *                port: bound, listening, connected, and TIME_WAIT
 *                objects.  Decides bind() conflicts and feeds
 *                /proc/net/xtcp.  Linked through skc_bind_node.
 *   conn table   (namespace, 4-tuple) -> the connected socket or its
 *                TIME_WAIT object.  Linked through skc_node.
 *   listen table (namespace, local port) -> listening sockets.  Linked
 *                through skc_node.
 *
 * A TIME_WAIT object (struct xtcp_tw) starts with a struct sock_common,
 * as a socket does, and the tables and the conflict rule use only
 * sock_common fields, so both sit in the same chains.  Entries with
 * skc_state == XTCP_TIME_WAIT are xtcp_tw; all others are sockets.
 *
 * The tables are global, hashed with the namespace mixed in, and sized
 * for IPv6 sockets to join later: addresses are compared in one place
 * (xtcp_addr_overlap() and the match helpers).
 *
 * Locking: each bucket has a spinlock, taken with BHs off in process
 * context and plainly in softirq, which protects its chain and the
 * addresses and ports of the entries in it.  No two bucket locks are
 * held at once except in xtcp_tw_hash(), which takes the bind bucket
 * and then the conn bucket.  Membership in the conn or listen table
 * holds a reference on the entry.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <net/inet_hashtables.h>

#include "xtcp.h"

/* Bind and listen tables: keyed by port, so a fixed size does. */
#define XTCP_HASH_BITS 12
#define XTCP_HASH_SIZE BIT(XTCP_HASH_BITS)

/**
 * struct xtcp_bucket - one chain of a table.
 * @lock: protects @chain and the addresses and ports of its entries.
 * @chain: entries, linked through skc_bind_node or skc_node.
 */
struct xtcp_bucket {
	spinlock_t lock;	/* see above */
	struct hlist_head chain;
};

static struct xtcp_bucket *xtcp_bhash;
static struct xtcp_bucket *xtcp_chash;
static struct xtcp_bucket *xtcp_lhash;
/* Conn table buckets: sized by memory at load (xtcp_hash_init()). */
static unsigned int xtcp_chash_size __ro_after_init;

static unsigned int xtcp_porthash(const struct net *net, u16 port)
{
	return jhash_1word(port, net_hash_mix(net)) & (XTCP_HASH_SIZE - 1);
}

static unsigned int xtcp_connhash(const struct net *net, __be32 laddr,
				  u16 lport, __be32 raddr, __be16 rport)
{
	return jhash_3words((__force u32)laddr, (__force u32)raddr,
			    (u32)lport << 16 | (__force u32)rport,
			    net_hash_mix(net)) & (xtcp_chash_size - 1);
}

static bool xtcp_addr_overlap(const struct sock *a, const struct sock *b)
{
	__be32 x = a->sk_rcv_saddr, y = b->sk_rcv_saddr;

	return !x || !y || x == y;
}

/*
 * SO_REUSEPORT: sockets of one user that all set it share a port, bound
 * or listening (TCP's rule; a TIME_WAIT entry has no owner and yields
 * to any of them).
 */
static bool xtcp_reuseport_ok(const struct sock *sk, const struct sock *other)
{
	if (!sk->sk_reuseport || !other->sk_reuseport)
		return false;
	if (!xtcp_sk_fullsock(other))
		return true;
	return uid_eq(sk->sk_uid, other->sk_uid);
}

/*
 * Would binding @sk to @port clash with @other?  Linux TCP's rule:
 * entries on one port clash when their addresses and devices overlap,
 * unless both set SO_REUSEPORT (xtcp_reuseport_ok()), or both set
 * SO_REUSEADDR and the one there is not listening.  A TIME_WAIT entry
 * yields to any SO_REUSEADDR socket.
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
	if (xtcp_reuseport_ok(sk, other))
		return false;
	if (!xtcp_sk_fullsock(other))
		return !sk->sk_reuse;
	if (sk->sk_reuse && other->sk_reuse && other->sk_state != XTCP_LISTEN)
		return false;
	return true;
}

/* Called with the bucket lock held. */
static bool xtcp_port_busy(struct xtcp_bucket *b, const struct sock *sk,
			   u16 port, bool exclusive)
{
	struct sock *other;

	sk_for_each_bound(other, &b->chain) {
		if (other->sk_num != port || !net_eq(sock_net(other), sock_net(sk)))
			continue;
		if (exclusive || xtcp_bind_conflict(sk, other))
			return true;
	}
	return false;
}

static void xtcp_bind_link(struct sock *sk, struct xtcp_bucket *b, u16 port,
			   bool shared)
{
	struct inet_sock *inet = inet_sk(sk);

	inet->inet_num = port;
	inet->inet_sport = htons(port);
	sk_add_bind_node(sk, &b->chain);
	xtcp_sk(sk)->bhash = b - xtcp_bhash;
	xtcp_sk(sk)->port_shared = shared;
}

/*
 * May connect() share @port with what holds it?  Only with other
 * connections whose ports connect() chose (and their TIME_WAIT
 * objects): a port someone bound or listens on is theirs, even when
 * only TIME_WAIT objects of theirs are left on it (as TCP never uses a
 * bind bucket that bind() made).  Whether the 4-tuple is free is for
 * the conn table to say.  Bucket lock held.
 */
static bool xtcp_port_shareable(struct xtcp_bucket *b, const struct sock *sk,
				u16 port)
{
	struct sock *other;

	sk_for_each_bound(other, &b->chain) {
		if (other->sk_num != port || !net_eq(sock_net(other), sock_net(sk)))
			continue;
		if (xtcp_sk_fullsock(other) ? !xtcp_sk(other)->port_shared :
					      !XTCP_TW(other)->port_shared)
			return false;
	}
	return true;
}

/* Try to take @port for @sk; 0 or -EADDRINUSE. */
static int xtcp_try_port(struct sock *sk, u16 port, bool exclusive)
{
	struct xtcp_bucket *b = &xtcp_bhash[xtcp_porthash(sock_net(sk), port)];
	int err = -EADDRINUSE;

	spin_lock_bh(&b->lock);
	if (!xtcp_port_busy(b, sk, port, exclusive)) {
		xtcp_bind_link(sk, b, port, false);
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
 * An ephemeral port here (bind() or listen() with port 0) is one that
 * nothing of the namespace holds; connect() chooses its own with
 * xtcp_hash_connect().
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
 * xtcp_bind_inherit() - give a child its listener's port.
 * @child: a new socket, not yet visible to anyone.
 * @parent: the listener, locked.
 */
void xtcp_bind_inherit(struct sock *child, const struct sock *parent)
{
	struct xtcp_bucket *b = &xtcp_bhash[xtcp_sk(parent)->bhash];

	spin_lock(&b->lock);
	xtcp_bind_link(child, b, parent->sk_num, false);
	spin_unlock(&b->lock);
}

/**
 * xtcp_bind_set_saddr() - fix the source address of a socket bound to
 *	INADDR_ANY once connect() has routed it.
 * @sk: the socket, locked.
 * @saddr: the address the route chose.
 */
void xtcp_bind_set_saddr(struct sock *sk, __be32 saddr)
{
	struct xtcp_bucket *b = &xtcp_bhash[xtcp_sk(sk)->bhash];

	spin_lock_bh(&b->lock);
	inet_sk(sk)->inet_saddr = saddr;
	inet_sk(sk)->inet_rcv_saddr = saddr;
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_listen_start() - move a bound socket to LISTEN, unless another
 *	socket listens on an overlapping address of its port.
 * @sk: the socket, locked and bound, in CLOSE.
 *
 * SO_REUSEADDR lets sockets share a port, but only one of them may
 * listen on an overlapping address; SO_REUSEPORT sockets of one user
 * may all listen.  The check and the change of state happen under the
 * port's bucket lock, so two sockets calling listen() at once cannot
 * both pass.
 *
 * Return: 0 or -EADDRINUSE.
 */
int xtcp_listen_start(struct sock *sk)
{
	struct xtcp_bucket *b = &xtcp_bhash[xtcp_sk(sk)->bhash];
	struct sock *other;
	int err = 0;

	spin_lock_bh(&b->lock);
	sk_for_each_bound(other, &b->chain) {
		if (other == sk || other->sk_num != sk->sk_num ||
		    !net_eq(sock_net(other), sock_net(sk)))
			continue;
		if (other->sk_state == XTCP_LISTEN && xtcp_addr_overlap(sk, other) &&
		    (!sk->sk_bound_dev_if || !other->sk_bound_dev_if ||
		     sk->sk_bound_dev_if == other->sk_bound_dev_if) &&
		    !xtcp_reuseport_ok(sk, other)) {
			err = -EADDRINUSE;
			break;
		}
	}
	if (!err)
		xtcp_transition(sk, XTCP_EV_LISTEN);
	spin_unlock_bh(&b->lock);
	return err;
}

/**
 * xtcp_unbind() - release a socket's port, if it holds one.
 * @sk: the socket, locked by the caller.
 */
void xtcp_unbind(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_bucket *b;

	if (xs->bhash < 0)
		return;
	b = &xtcp_bhash[xs->bhash];
	spin_lock_bh(&b->lock);
	__sk_del_bind_node(sk);
	inet_sk(sk)->inet_num = 0;
	inet_sk(sk)->inet_sport = 0;
	xs->bhash = -1;
	xs->port_shared = false;
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_hash_connection() - enter a connected socket in the conn table.
 * @sk: the socket, locked, bound, with its peer set.
 *
 * Return: 0, or -EADDRNOTAVAIL when the 4-tuple is in use (by a
 * connection or a TIME_WAIT object).
 */
int xtcp_hash_connection(struct sock *sk)
{
	unsigned int h = xtcp_connhash(sock_net(sk), sk->sk_rcv_saddr,
				       sk->sk_num, sk->sk_daddr, sk->sk_dport);
	struct xtcp_bucket *b = &xtcp_chash[h];
	struct sock *other;
	int err = 0;

	spin_lock_bh(&b->lock);
	sk_for_each(other, &b->chain) {
		if (net_eq(sock_net(other), sock_net(sk)) &&
		    other->sk_num == sk->sk_num &&
		    other->sk_rcv_saddr == sk->sk_rcv_saddr &&
		    other->sk_daddr == sk->sk_daddr &&
		    other->sk_dport == sk->sk_dport) {
			err = -EADDRNOTAVAIL;
			goto out;
		}
	}
	sk_add_node(sk, &b->chain);	/* takes the table's reference */
	xtcp_sk(sk)->ehash = h;
out:
	spin_unlock_bh(&b->lock);
	return err;
}

/**
 * xtcp_hash_connect() - choose an ephemeral port for connect() and
 *	enter the connection in the conn table.
 * @sk: the socket, locked, unbound, with its source address and peer
 *	set.
 *
 * As TCP's __inet_hash_connect(): a port is busy only for the 4-tuples
 * that use it, so connections to different peers (or peer ports) share
 * local ports, and a namespace can hold far more outgoing connections
 * than net.xtcp.ip_local_port_range has ports.  A port someone bound or
 * listens on is never shared, nor is a 4-tuple still in TIME_WAIT.  The
 * search starts at a random offset.
 *
 * Return: 0, or -EADDRNOTAVAIL when every port of the range is taken
 * for this peer.
 */
int xtcp_hash_connect(struct sock *sk)
{
	__be32 saddr = inet_sk(sk)->inet_saddr;
	int lo, hi, n, i;
	u32 offset;

	xtcp_local_port_range(sock_net(sk), &lo, &hi);
	n = hi - lo + 1;
	offset = get_random_u32_below(n);
	for (i = 0; i < n; i++) {
		u16 port = lo + (offset + i) % n;
		struct xtcp_bucket *b = &xtcp_bhash[xtcp_porthash(sock_net(sk), port)];
		bool taken = false;

		spin_lock_bh(&b->lock);
		if (xtcp_port_shareable(b, sk, port)) {
			inet_sk(sk)->inet_rcv_saddr = saddr;
			xtcp_bind_link(sk, b, port, true);
			taken = true;
		}
		spin_unlock_bh(&b->lock);
		if (taken) {
			if (!xtcp_hash_connection(sk))
				return 0;
			xtcp_unbind(sk);
		}
		cond_resched();
	}
	inet_sk(sk)->inet_rcv_saddr = 0;
	inet_sk(sk)->inet_saddr = 0;
	return -EADDRNOTAVAIL;
}

/**
 * xtcp_hash_listener() - enter a listening socket in the listen table.
 * @sk: the socket, locked, bound, in LISTEN.
 */
void xtcp_hash_listener(struct sock *sk)
{
	unsigned int h = xtcp_porthash(sock_net(sk), sk->sk_num);
	struct xtcp_bucket *b = &xtcp_lhash[h];

	spin_lock_bh(&b->lock);
	sk_add_node(sk, &b->chain);
	xtcp_sk(sk)->ehash = xtcp_chash_size + h;
	spin_unlock_bh(&b->lock);
}

static struct xtcp_bucket *xtcp_sock_bucket(int idx)
{
	if (idx >= (int)xtcp_chash_size)
		return &xtcp_lhash[idx - xtcp_chash_size];
	return &xtcp_chash[idx];
}

/**
 * xtcp_unhash() - remove a socket from the conn or listen table.
 * @sk: the socket, locked.  Drops the table's reference, which is
 *	never the last: the caller holds one.
 */
void xtcp_unhash(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_bucket *b;

	if (xs->ehash < 0)
		return;
	b = xtcp_sock_bucket(xs->ehash);
	spin_lock_bh(&b->lock);
	sk_del_node_init(sk);
	xs->ehash = -1;
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_tw_hash() - put a TIME_WAIT object in place of its socket.
 * @tw: the new object, with addresses and ports copied from @sk; the
 *	tables take one reference each on it.
 * @sk: the connected socket, locked; it leaves both tables.
 *
 * Done under both bucket locks so that a lookup finds one or the other,
 * never neither.
 */
void xtcp_tw_hash(struct xtcp_tw *tw, struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_bucket *bb = &xtcp_bhash[xs->bhash];
	struct xtcp_bucket *cb = &xtcp_chash[xs->ehash];

	spin_lock_bh(&bb->lock);
	spin_lock(&cb->lock);
	hlist_add_head(&tw->common.skc_bind_node, &bb->chain);
	hlist_add_head(&tw->common.skc_node, &cb->chain);
	tw->bhash = xs->bhash;
	tw->ehash = xs->ehash;
	tw->port_shared = xs->port_shared;
	__sk_del_bind_node(sk);
	xs->bhash = -1;
	sk_del_node_init(sk);
	xs->ehash = -1;
	spin_unlock(&cb->lock);
	spin_unlock_bh(&bb->lock);
}

/**
 * xtcp_tw_unhash() - take a TIME_WAIT object out of both tables.
 * @tw: the object.
 *
 * Return: true if this call unhashed it (and so owns the tables'
 * reference), false if someone else already had.
 */
bool xtcp_tw_unhash(struct xtcp_tw *tw)
{
	struct xtcp_bucket *bb, *cb;
	bool did = false;

	if (tw->bhash < 0)
		return false;
	bb = &xtcp_bhash[tw->bhash];
	cb = &xtcp_chash[tw->ehash];
	spin_lock_bh(&bb->lock);
	spin_lock(&cb->lock);
	if (!hlist_unhashed(&tw->common.skc_node)) {
		hlist_del_init(&tw->common.skc_node);
		__hlist_del(&tw->common.skc_bind_node);
		did = true;
	}
	spin_unlock(&cb->lock);
	spin_unlock_bh(&bb->lock);
	return did;
}

static void xtcp_entry_hold(struct sock *sk)
{
	if (!xtcp_sk_fullsock(sk))
		refcount_inc(&XTCP_TW(sk)->common.skc_refcnt);
	else
		sock_hold(sk);
}

/**
 * xtcp_lookup() - find the socket or TIME_WAIT object for a segment.
 * @net: the namespace the segment arrived in.
 * @saddr: the segment's source address (the remote end).
 * @sport: its source port.
 * @daddr: its destination address (ours).
 * @dport: its destination port.
 * @dif: the receiving device's ifindex.
 *
 * A connection matching the 4-tuple wins; otherwise the listener on the
 * port, one bound to @daddr before one bound to INADDR_ANY.
 *
 * Return: the entry with a reference taken (release it with
 * xtcp_entry_put()), or NULL.
 */
struct sock *xtcp_lookup(struct net *net, __be32 saddr, __be16 sport,
			 __be32 daddr, __be16 dport, int dif)
{
	u16 lport = ntohs(dport);
	struct xtcp_bucket *b;
	struct sock *sk, *best = NULL;
	int score, best_score = 0;
	u32 hash, matches = 0;

	b = &xtcp_chash[xtcp_connhash(net, daddr, lport, saddr, sport)];
	spin_lock(&b->lock);
	sk_for_each(sk, &b->chain) {
		if (net_eq(sock_net(sk), net) && sk->sk_num == lport &&
		    sk->sk_rcv_saddr == daddr && sk->sk_daddr == saddr &&
		    sk->sk_dport == sport) {
			xtcp_entry_hold(sk);
			spin_unlock(&b->lock);
			return sk;
		}
	}
	spin_unlock(&b->lock);

	/*
	 * Listeners sharing the port by SO_REUSEPORT each take the
	 * connections of a share of the 4-tuples: the choice depends
	 * only on the tuple, so every segment of one lands on the same.
	 */
	hash = jhash_3words((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | lport, net_hash_mix(net));
	b = &xtcp_lhash[xtcp_porthash(net, lport)];
	spin_lock(&b->lock);
	sk_for_each(sk, &b->chain) {
		if (!net_eq(sock_net(sk), net) || sk->sk_num != lport)
			continue;
		if (sk->sk_bound_dev_if && sk->sk_bound_dev_if != dif)
			continue;
		if (sk->sk_rcv_saddr == daddr)
			score = 2;
		else if (!sk->sk_rcv_saddr)
			score = 1;
		else
			continue;
		if (score > best_score) {
			best = sk;
			best_score = score;
			matches = 1;
		} else if (score == best_score && sk->sk_reuseport &&
			   best->sk_reuseport) {
			/* Reservoir sampling: each group member equally. */
			if (reciprocal_scale(hash, ++matches) == 0)
				best = sk;
			hash = next_pseudo_random32(hash);
		}
	}
	if (best)
		sock_hold(best);
	spin_unlock(&b->lock);
	return best;
}

/**
 * xtcp_bind_buckets() - how many buckets the bind table has.
 *
 * Return: the count; buckets are numbered from 0.
 */
unsigned int xtcp_bind_buckets(void)
{
	return XTCP_HASH_SIZE;
}

/**
 * xtcp_bind_bucket_used() - may bind bucket @i hold anything?
 * @i: the bucket.
 *
 * Read without the lock: a hint for skipping empty buckets.
 *
 * Return: false if the bucket was empty when looked at.
 */
bool xtcp_bind_bucket_used(unsigned int i)
{
	return !hlist_empty(&xtcp_bhash[i].chain);
}

/**
 * xtcp_walk_bucket() - visit the entries of a namespace in one bucket of
 *	the bind table, under that bucket's lock only.
 * @net: the namespace.
 * @i: the bucket, below xtcp_bind_buckets().
 * @walk: the visitor and its argument.
 */
void xtcp_walk_bucket(const struct net *net, unsigned int i,
		      const struct xtcp_walk *walk)
{
	struct xtcp_bucket *b = &xtcp_bhash[i];
	struct sock *sk;

	spin_lock_bh(&b->lock);
	sk_for_each_bound(sk, &b->chain)
		if (net_eq(sock_net(sk), net))
			walk->fn(sk, walk->arg);
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_tw_collect() - unhash every TIME_WAIT object of a namespace.
 * @net: the namespace.
 * @list: receives them, linked through skc_bind_node, each still
 *	holding the tables' reference for the caller to drop.
 *
 * For namespace exit, once no new object can appear in @net.
 */
void xtcp_tw_collect(const struct net *net, struct hlist_head *list)
{
	struct hlist_node *tmp;
	unsigned int i;
	struct sock *sk;

	for (i = 0; i < XTCP_HASH_SIZE; i++) {
		struct xtcp_bucket *b = &xtcp_bhash[i];

		spin_lock_bh(&b->lock);
		sk_for_each_bound_safe(sk, tmp, &b->chain) {
			struct xtcp_tw *tw = XTCP_TW(sk);
			struct xtcp_bucket *cb;

			if (xtcp_sk_fullsock(sk) ||
			    !net_eq(sock_net(sk), net))
				continue;
			cb = &xtcp_chash[tw->ehash];
			spin_lock(&cb->lock);
			hlist_del_init(&tw->common.skc_node);
			spin_unlock(&cb->lock);
			__hlist_del(&tw->common.skc_bind_node);
			hlist_add_head(&tw->common.skc_bind_node, list);
		}
		spin_unlock_bh(&b->lock);
	}
}

/*
 * Each table's bucket locks form one lockdep class, so that taking a
 * bind bucket and then a connection bucket (xtcp_tw_hash()) reads as
 * the ordering it is, not as recursion.
 */
static struct lock_class_key xtcp_bhash_key, xtcp_chash_key, xtcp_lhash_key;

static struct xtcp_bucket *
xtcp_table_alloc(unsigned int size, struct lock_class_key *key)
{
	struct xtcp_bucket *t;
	unsigned int i;

	t = kvmalloc_array(size, sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	for (i = 0; i < size; i++) {
		spin_lock_init(&t[i].lock);
		lockdep_set_class(&t[i].lock, key);
		INIT_HLIST_HEAD(&t[i].chain);
	}
	return t;
}

static void xtcp_table_free(struct xtcp_bucket *t, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		WARN_ON_ONCE(!hlist_empty(&t[i].chain));
	kvfree(t);
}

/**
 * xtcp_hash_init() - allocate the tables.
 *
 * The conn table, which every segment looks up, gets a bucket per 8
 * pages of memory (32768 with 1 GB; at least 4096, at most 2^20), so
 * that chains stay short with as many connections and TIME_WAIT
 * objects as memory can hold, as TCP sizes its established table by
 * memory at boot.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_hash_init(void)
{
	xtcp_chash_size = roundup_pow_of_two(clamp_t(unsigned long,
						     totalram_pages() / 8,
						     XTCP_HASH_SIZE, 1UL << 20));
	xtcp_bhash = xtcp_table_alloc(XTCP_HASH_SIZE, &xtcp_bhash_key);
	if (!xtcp_bhash)
		goto err;
	xtcp_chash = xtcp_table_alloc(xtcp_chash_size, &xtcp_chash_key);
	if (!xtcp_chash)
		goto err_bhash;
	xtcp_lhash = xtcp_table_alloc(XTCP_HASH_SIZE, &xtcp_lhash_key);
	if (!xtcp_lhash)
		goto err_chash;
	return 0;

err_chash:
	kvfree(xtcp_chash);
err_bhash:
	kvfree(xtcp_bhash);
err:
	return -ENOMEM;
}

/**
 * xtcp_hash_exit() - free the tables; every entry is gone by now.
 */
void xtcp_hash_exit(void)
{
	xtcp_table_free(xtcp_lhash, XTCP_HASH_SIZE);
	xtcp_table_free(xtcp_chash, xtcp_chash_size);
	xtcp_table_free(xtcp_bhash, XTCP_HASH_SIZE);
}
