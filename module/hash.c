// SPDX-License-Identifier: GPL-2.0
/*
 * Lookup tables.
 *
 *   bind table   (namespace, local port) -> a struct xtcp_bind_port
 *                listing every socket holding the port: bound,
 *                listening, connected, and TIME_WAIT objects, with
 *                listeners' children on a list of their own.  Decides
 *                bind() conflicts and feeds /proc/net/xtcp.  Entries
 *                are linked through skc_bind_node.
 *   conn table   (namespace, 4-tuple) -> the connected socket, its
 *                TIME_WAIT object, or the request object of a
 *                half-open connection.  Linked through skc_nulls_node.
 *   listen table (namespace, local port) -> listening sockets.  Linked
 *                through skc_nulls_node.
 *
 * A TIME_WAIT object (struct xtcp_tw) and a request object (struct
 * xtcp_req) start with a struct sock_common, as a socket does, and the
 * tables and the conflict rule use only sock_common fields, so they sit
 * in the same chains; the state says which an entry is (minisock.h).
 * Request objects are only in the conn table: the port is their
 * listener's.
 *
 * The tables are global, hashed with the namespace mixed in, and sized
 * for IPv6 sockets to join later: addresses are compared in one place
 * (xtcp_addr_overlap() and the match helpers).
 *
 * Locking: each bucket has a spinlock, taken with BHs off in process
 * context and plainly in softirq, which serialises changes to its chain
 * and to the addresses and ports of the entries in it.  No two bucket
 * locks are held at once except in xtcp_tw_hash(), which takes the bind
 * bucket and then the conn bucket.  Membership in the conn or listen
 * table holds a reference on the entry.
 *
 * Segments look up the conn and listen tables without any lock, under
 * RCU, as TCP does (Documentation/RCU/rculist_nulls.rst): sockets and
 * TIME_WAIT objects come from SLAB_TYPESAFE_BY_RCU caches, so an entry
 * a reader reaches stays an object of its type even if it is freed and
 * reused meanwhile; the reader takes a reference only if the count is
 * not zero and then checks the keys again.  An entry that moves to
 * another chain while a reader stands on it leads the reader to that
 * chain's end, whose nulls value (the bucket number) says so, and the
 * reader starts again.  The bind table is walked only under its locks.
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
 * struct xtcp_bucket - one chain of the bind table.
 * @lock: protects @chain, the ports on it and their entries' lists,
 *	addresses and ports.
 * @chain: struct xtcp_bind_port, one per (namespace, port).
 */
struct xtcp_bucket {
	spinlock_t lock;	/* see above */
	struct hlist_head chain;
};

/**
 * struct xtcp_bind_port - one local port of one namespace and the
 *	entries holding it (TCP's inet_bind_bucket).
 * @node: link in its bind table chain.
 * @net: the namespace.
 * @port: the port, host order.
 * @unshared: entries whose port connect() did not choose: while there
 *	is one, connect() does not share the port.
 * @owners: sockets that bound, listen on or connected from the port,
 *	and their TIME_WAIT objects, linked through skc_bind_node.
 * @children: listeners' children and their TIME_WAIT objects, kept
 *	apart so that a search for a listener or a bind() conflict meets
 *	the listener before (usually instead of) thousands of them.
 *
 * Under its bucket's lock; freed when both lists are empty.
 */
struct xtcp_bind_port {
	struct hlist_node node;
	possible_net_t net;
	u16 port;
	u32 unshared;
	struct hlist_head owners;
	struct hlist_head children;
};

/**
 * struct xtcp_rcu_bucket - one chain of a table that segments look up.
 * @lock: serialises changes to @chain; readers walk it under RCU.
 * @chain: entries, linked through skc_nulls_node; the nulls value that
 *	ends it is the bucket's number.
 */
struct xtcp_rcu_bucket {
	spinlock_t lock;	/* see above */
	struct hlist_nulls_head chain;
};

static struct xtcp_bucket *xtcp_bhash;
static struct xtcp_rcu_bucket *xtcp_chash;
static struct xtcp_rcu_bucket *xtcp_lhash;
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

/* Is @sk (a connection, TIME_WAIT or request) the one for this 4-tuple? */
static bool xtcp_conn_match(const struct sock *sk, const struct net *net,
			    __be32 raddr, __be16 rport, __be32 laddr, u16 lport)
{
	return sk->sk_daddr == raddr && sk->sk_rcv_saddr == laddr &&
	       sk->sk_dport == rport && sk->sk_num == lport &&
	       net_eq(sock_net(sk), net);
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

static struct xtcp_bucket *xtcp_port_bucket(const struct net *net, u16 port)
{
	return &xtcp_bhash[xtcp_porthash(net, port)];
}

static struct xtcp_bucket *xtcp_bind_bucket_of(const struct xtcp_bind_port *p)
{
	return xtcp_port_bucket(read_pnet(&p->net), p->port);
}

/* Bucket lock held. */
static struct xtcp_bind_port *xtcp_port_find(struct xtcp_bucket *b,
					     const struct net *net, u16 port)
{
	struct xtcp_bind_port *p;

	hlist_for_each_entry(p, &b->chain, node)
		if (p->port == port && net_eq(read_pnet(&p->net), net))
			return p;
	return NULL;
}

/*
 * The port's entry, made from *@spare (allocated before the bucket lock
 * was taken) if it has none yet; NULL if it has none and no spare is
 * left.  Bucket lock held.
 */
static struct xtcp_bind_port *xtcp_port_get(struct xtcp_bucket *b,
					    struct net *net, u16 port,
					    struct xtcp_bind_port **spare)
{
	struct xtcp_bind_port *p = xtcp_port_find(b, net, port);

	if (p || !*spare)
		return p;
	p = *spare;
	*spare = NULL;
	write_pnet(&p->net, net);
	p->port = port;
	p->unshared = 0;
	INIT_HLIST_HEAD(&p->owners);
	INIT_HLIST_HEAD(&p->children);
	hlist_add_head(&p->node, &b->chain);
	return p;
}

/* Free @p once nothing holds the port.  Bucket lock held. */
static void xtcp_port_release(struct xtcp_bind_port *p)
{
	if (hlist_empty(&p->owners) && hlist_empty(&p->children)) {
		hlist_del(&p->node);
		kfree(p);
	}
}

/* Would binding @sk to the port clash with what holds it?  Lock held. */
static bool xtcp_port_conflict(const struct xtcp_bind_port *p,
			       const struct sock *sk)
{
	struct sock *other;

	sk_for_each_bound(other, &p->owners)
		if (xtcp_bind_conflict(sk, other))
			return true;
	sk_for_each_bound(other, &p->children)
		if (xtcp_bind_conflict(sk, other))
			return true;
	return false;
}

static void xtcp_bind_link(struct sock *sk, struct xtcp_bind_port *p,
			   bool shared, bool child)
{
	struct inet_sock *inet = inet_sk(sk);

	inet->inet_num = p->port;
	inet->inet_sport = htons(p->port);
	sk_add_bind_node(sk, child ? &p->children : &p->owners);
	xtcp_sk(sk)->bind_port = p;
	xtcp_sk(sk)->port_shared = shared;
	if (!shared)
		p->unshared++;
}

/*
 * Try to take @port for @sk; 0, -EADDRINUSE, or -ENOMEM when the port
 * needs an entry and *@spare is gone.
 */
static int xtcp_try_port(struct sock *sk, u16 port, bool exclusive,
			 struct xtcp_bind_port **spare)
{
	struct net *net = sock_net(sk);
	struct xtcp_bucket *b = xtcp_port_bucket(net, port);
	struct xtcp_bind_port *p;
	int err = -EADDRINUSE;

	spin_lock_bh(&b->lock);
	p = xtcp_port_find(b, net, port);
	if (p && (exclusive || xtcp_port_conflict(p, sk)))
		goto out;
	p = xtcp_port_get(b, net, port, spare);
	err = -ENOMEM;
	if (!p)
		goto out;
	xtcp_bind_link(sk, p, false, false);
	err = 0;
out:
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
 * Return: 0, -EADDRINUSE when the port (or every ephemeral port) is
 * taken, or -ENOMEM.
 */
int xtcp_bind_port(struct sock *sk, __be32 addr, u16 port)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_bind_port *spare;
	int lo, hi, n, i, err;
	u32 offset;

	spare = kmalloc(sizeof(*spare), GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
	inet->inet_rcv_saddr = addr;
	inet->inet_saddr = addr;
	if (port) {
		err = xtcp_try_port(sk, port, false, &spare);
		goto out;
	}

	xtcp_local_port_range(sock_net(sk), &lo, &hi);
	n = hi - lo + 1;
	offset = get_random_u32_below(n);
	err = -EADDRINUSE;
	for (i = 0; i < n && err; i++) {
		err = xtcp_try_port(sk, lo + (offset + i) % n, true, &spare);
		cond_resched();
	}
out:
	kfree(spare);
	if (err) {
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
	}
	return err;
}

/**
 * xtcp_bind_inherit() - give a child its listener's port.
 * @child: a new socket, not yet visible to anyone.
 * @parent: the listener, locked, so its port entry stays.
 */
void xtcp_bind_inherit(struct sock *child, const struct sock *parent)
{
	struct xtcp_bind_port *p = xtcp_sk(parent)->bind_port;
	struct xtcp_bucket *b = xtcp_bind_bucket_of(p);

	spin_lock(&b->lock);
	xtcp_bind_link(child, p, false, true);
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
	struct xtcp_bucket *b = xtcp_bind_bucket_of(xtcp_sk(sk)->bind_port);

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
 * both pass.  Children never listen: only the owners are looked at.
 *
 * Return: 0 or -EADDRINUSE.
 */
int xtcp_listen_start(struct sock *sk)
{
	struct xtcp_bind_port *p = xtcp_sk(sk)->bind_port;
	struct xtcp_bucket *b = xtcp_bind_bucket_of(p);
	struct sock *other;
	int err = 0;

	spin_lock_bh(&b->lock);
	sk_for_each_bound(other, &p->owners) {
		if (other == sk)
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

/* Take an entry off its port; bucket lock held. */
static void __xtcp_bind_unlink(struct sock_common *c, struct xtcp_bind_port *p,
			       bool shared)
{
	__hlist_del(&c->skc_bind_node);
	if (!shared)
		p->unshared--;
	xtcp_port_release(p);
}

/**
 * xtcp_unbind() - release a socket's port, if it holds one.
 * @sk: the socket, locked by the caller.
 */
void xtcp_unbind(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_bind_port *p = xs->bind_port;
	struct xtcp_bucket *b;

	if (!p)
		return;
	b = xtcp_bind_bucket_of(p);
	spin_lock_bh(&b->lock);
	__xtcp_bind_unlink(&sk->__sk_common, p, xs->port_shared);
	sk_node_init(&sk->sk_bind_node);
	inet_sk(sk)->inet_num = 0;
	inet_sk(sk)->inet_sport = 0;
	xs->bind_port = NULL;
	xs->port_shared = false;
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_entry_alloc() - allocate a TIME_WAIT or request object.
 * @cache: its SLAB_TYPESAFE_BY_RCU cache.
 * @size: its size; it starts with a struct sock_common.
 *
 * A lookup may still be walking through the memory's previous life:
 * everything is cleared but the link such a reader follows (as
 * sk_prot_clear_nulls()), and the count stays 0, so that no reader
 * takes the object, until its keys are written and it is published.
 * GFP_ATOMIC: both are made in softirq.
 *
 * Return: the object, or NULL.
 */
void *xtcp_entry_alloc(struct kmem_cache *cache, size_t size)
{
	size_t next = offsetof(struct sock_common, skc_nulls_node.next);
	size_t pprev = offsetof(struct sock_common, skc_nulls_node.pprev);
	char *obj = kmem_cache_alloc(cache, GFP_ATOMIC);

	if (!obj)
		return NULL;
	memset(obj, 0, next);
	memset(obj + pprev, 0, size - pprev);
	return obj;
}

/* Does anything in @b hold this 4-tuple?  Bucket lock held. */
static bool xtcp_conn_taken(struct xtcp_rcu_bucket *b, const struct net *net,
			    __be32 raddr, __be16 rport, __be32 laddr, u16 lport)
{
	struct hlist_nulls_node *node;
	struct sock *other;

	sk_nulls_for_each(other, node, &b->chain)
		if (xtcp_conn_match(other, net, raddr, rport, laddr, lport))
			return true;
	return false;
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
	struct xtcp_rcu_bucket *b = &xtcp_chash[h];
	int err = -EADDRNOTAVAIL;

	spin_lock_bh(&b->lock);
	if (!xtcp_conn_taken(b, sock_net(sk), sk->sk_daddr, sk->sk_dport,
			     sk->sk_rcv_saddr, sk->sk_num)) {
		xtcp_sk(sk)->conn_slot = h;
		sk_nulls_add_node_rcu(sk, &b->chain);	/* the table's reference */
		err = 0;
	}
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
 * Return: 0, -EADDRNOTAVAIL when every port of the range is taken for
 * this peer, or -ENOMEM.
 */
int xtcp_hash_connect(struct sock *sk)
{
	__be32 saddr = inet_sk(sk)->inet_saddr;
	struct net *net = sock_net(sk);
	struct xtcp_bind_port *spare;
	int lo, hi, n, i, err = -EADDRNOTAVAIL;
	u32 offset;

	spare = kmalloc(sizeof(*spare), GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
	xtcp_local_port_range(net, &lo, &hi);
	n = hi - lo + 1;
	offset = get_random_u32_below(n);
	for (i = 0; i < n; i++) {
		u16 port = lo + (offset + i) % n;
		struct xtcp_bucket *b = xtcp_port_bucket(net, port);
		struct xtcp_bind_port *p;
		bool taken = false;

		spin_lock_bh(&b->lock);
		p = xtcp_port_get(b, net, port, &spare);
		if (p && !p->unshared) {
			inet_sk(sk)->inet_rcv_saddr = saddr;
			xtcp_bind_link(sk, p, true, false);
			taken = true;
		}
		spin_unlock_bh(&b->lock);
		if (taken) {
			if (!xtcp_hash_connection(sk)) {
				kfree(spare);
				return 0;
			}
			xtcp_unbind(sk);
		}
		if (!spare) {
			spare = kmalloc(sizeof(*spare), GFP_KERNEL);
			if (!spare) {
				err = -ENOMEM;
				break;
			}
		}
		cond_resched();
	}
	kfree(spare);
	inet_sk(sk)->inet_rcv_saddr = 0;
	inet_sk(sk)->inet_saddr = 0;
	return err;
}

/**
 * xtcp_hash_listener() - enter a listening socket in the listen table.
 * @sk: the socket, locked, bound, in LISTEN.
 */
void xtcp_hash_listener(struct sock *sk)
{
	unsigned int h = xtcp_porthash(sock_net(sk), sk->sk_num);
	struct xtcp_rcu_bucket *b = &xtcp_lhash[h];

	spin_lock_bh(&b->lock);
	xtcp_sk(sk)->listen_slot = h;
	sk_nulls_add_node_rcu(sk, &b->chain);
	spin_unlock_bh(&b->lock);
}

static void xtcp_unhash_from(struct sock *sk, struct xtcp_rcu_bucket *b,
			     int *slot)
{
	spin_lock_bh(&b->lock);
	sk_nulls_del_node_init_rcu(sk);
	*slot = -1;
	spin_unlock_bh(&b->lock);
}

/**
 * xtcp_unhash() - remove a socket from the conn or listen table.
 * @sk: the socket, locked.  Drops the table's reference, which is
 *	never the last: the caller holds one.
 */
void xtcp_unhash(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->conn_slot >= 0)
		xtcp_unhash_from(sk, &xtcp_chash[xs->conn_slot], &xs->conn_slot);
	if (xs->listen_slot >= 0)
		xtcp_unhash_from(sk, &xtcp_lhash[xs->listen_slot],
				 &xs->listen_slot);
}

/**
 * xtcp_hash_req() - enter a request object in the conn table.
 * @req: the request, its 4-tuple and count set.
 *
 * Return: 0, or -EADDRINUSE when anything holds the 4-tuple already
 * (another CPU's request for the same SYN, say).
 */
int xtcp_hash_req(struct xtcp_req *req)
{
	struct sock_common *c = &req->common;
	unsigned int h = xtcp_connhash(read_pnet(&c->skc_net), c->skc_rcv_saddr,
				       c->skc_num, c->skc_daddr, c->skc_dport);
	struct xtcp_rcu_bucket *b = &xtcp_chash[h];
	int err = -EADDRINUSE;

	spin_lock(&b->lock);
	if (!xtcp_conn_taken(b, read_pnet(&c->skc_net), c->skc_daddr,
			     c->skc_dport, c->skc_rcv_saddr, c->skc_num)) {
		req->conn_slot = h;
		hlist_nulls_add_head_rcu(&c->skc_nulls_node, &b->chain);
		err = 0;
	}
	spin_unlock(&b->lock);
	return err;
}

/**
 * xtcp_req_unhash() - take a request object out of the conn table.
 * @req: the request.
 *
 * Return: true if this call unhashed it (and so owns the table's
 * reference).
 */
bool xtcp_req_unhash(struct xtcp_req *req)
{
	struct xtcp_rcu_bucket *b = &xtcp_chash[req->conn_slot];
	bool did = false;

	spin_lock_bh(&b->lock);
	if (!hlist_nulls_unhashed(&req->common.skc_nulls_node)) {
		hlist_nulls_del_init_rcu(&req->common.skc_nulls_node);
		did = true;
	}
	spin_unlock_bh(&b->lock);
	return did;
}

/**
 * xtcp_req_replace() - put the child a request became in its place.
 * @req: the request, claimed by the caller; the table's reference on
 *	it passes to the caller.
 * @sk: the child, locked, with the request's 4-tuple; the table takes
 *	a reference.
 *
 * Under the bucket lock, the child first: a lookup finds one or the
 * other, never neither.
 */
void xtcp_req_replace(struct xtcp_req *req, struct sock *sk)
{
	struct xtcp_rcu_bucket *b = &xtcp_chash[req->conn_slot];

	spin_lock(&b->lock);
	xtcp_sk(sk)->conn_slot = req->conn_slot;
	sk_nulls_add_node_rcu(sk, &b->chain);
	WARN_ON_ONCE(hlist_nulls_unhashed(&req->common.skc_nulls_node));
	hlist_nulls_del_init_rcu(&req->common.skc_nulls_node);
	spin_unlock(&b->lock);
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
	struct xtcp_bucket *bb = xtcp_bind_bucket_of(xs->bind_port);
	struct xtcp_rcu_bucket *cb = &xtcp_chash[xs->conn_slot];

	spin_lock_bh(&bb->lock);
	spin_lock(&cb->lock);
	tw->bind_port = xs->bind_port;
	tw->conn_slot = xs->conn_slot;
	tw->port_shared = xs->port_shared;
	/* In the socket's place: among the owners, or the children. */
	hlist_add_before(&tw->common.skc_bind_node, &sk->sk_bind_node);
	hlist_nulls_add_head_rcu(&tw->common.skc_nulls_node, &cb->chain);
	__sk_del_bind_node(sk);
	xs->bind_port = NULL;
	sk_nulls_del_node_init_rcu(sk);
	xs->conn_slot = -1;
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
	struct xtcp_rcu_bucket *cb;
	struct xtcp_bucket *bb;
	bool did = false;

	/*
	 * The bucket from the object's own port, not its port entry,
	 * which xtcp_tw_collect() may free once it took the object.
	 */
	bb = xtcp_port_bucket(read_pnet(&tw->common.skc_net), tw->common.skc_num);
	cb = &xtcp_chash[tw->conn_slot];
	spin_lock_bh(&bb->lock);
	spin_lock(&cb->lock);
	if (tw->bind_port && !hlist_nulls_unhashed(&tw->common.skc_nulls_node)) {
		hlist_nulls_del_init_rcu(&tw->common.skc_nulls_node);
		__xtcp_bind_unlink(&tw->common, tw->bind_port, tw->port_shared);
		did = true;
	}
	spin_unlock(&cb->lock);
	spin_unlock_bh(&bb->lock);
	return did;
}

/**
 * xtcp_entry_put() - drop a reference xtcp_lookup() took.
 * @sk: the socket or TIME_WAIT object.
 */
void xtcp_entry_put(struct sock *sk)
{
	if (xtcp_sk_fullsock(sk))
		sock_put(sk);
	else if (xtcp_sk_req(sk))
		xtcp_req_put(XTCP_REQ(sk));
	else
		xtcp_tw_put(XTCP_TW(sk));
}

/* A reference on an entry reached under RCU, unless it is being freed. */
static bool xtcp_entry_get(struct sock *sk)
{
	return refcount_inc_not_zero(&sk->sk_refcnt);
}

static struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, u16 lport)
{
	unsigned int slot = xtcp_connhash(net, daddr, lport, saddr, sport);
	struct xtcp_rcu_bucket *b = &xtcp_chash[slot];
	struct hlist_nulls_node *node;
	struct sock *sk;

begin:
	sk_nulls_for_each_rcu(sk, node, &b->chain) {
		if (!xtcp_conn_match(sk, net, saddr, sport, daddr, lport))
			continue;
		if (unlikely(!xtcp_entry_get(sk)))
			continue;	/* dying: its successor may follow */
		if (unlikely(!xtcp_conn_match(sk, net, saddr, sport, daddr,
					      lport))) {
			xtcp_entry_put(sk);	/* freed and reused */
			goto begin;
		}
		return sk;
	}
	if (get_nulls_value(node) != slot)
		goto begin;
	return NULL;
}

/*
 * Listeners sharing the port by SO_REUSEPORT each take the connections
 * of a share of the 4-tuples: the choice depends only on the tuple, so
 * every segment of one lands on the same.
 */
static struct sock *xtcp_lookup_listener(struct net *net, __be32 saddr,
					 __be16 sport, __be32 daddr, u16 lport,
					 int dif)
{
	unsigned int slot = xtcp_porthash(net, lport);
	struct xtcp_rcu_bucket *b = &xtcp_lhash[slot];
	struct hlist_nulls_node *node;
	struct sock *sk, *best;
	int score, best_score;
	u32 hash, matches;

begin:
	best = NULL;
	best_score = 0;
	matches = 0;
	hash = jhash_3words((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | lport, net_hash_mix(net));
	sk_nulls_for_each_rcu(sk, node, &b->chain) {
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
	if (get_nulls_value(node) != slot)
		goto begin;
	if (!best || !xtcp_entry_get(best))
		return NULL;	/* none, or it is closing */
	if (unlikely(!net_eq(sock_net(best), net) || best->sk_num != lport)) {
		sock_put(best);	/* freed and reused */
		goto begin;
	}
	return best;
}

/**
 * xtcp_lookup_established() - find the connection, TIME_WAIT or request
 *	object of a 4-tuple, ignoring listeners.
 * @net: the namespace.
 * @saddr: the remote address.
 * @sport: the remote port.
 * @daddr: our address.
 * @dport: our port.
 *
 * Return: the entry with a reference taken, or NULL.
 */
struct sock *xtcp_lookup_established(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, __be16 dport)
{
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_lookup_conn(net, saddr, sport, daddr, ntohs(dport));
	rcu_read_unlock();
	return sk;
}

/**
 * xtcp_lookup() - find the socket, TIME_WAIT or request object for a
 *	segment.
 * @net: the namespace the segment arrived in.
 * @saddr: the segment's source address (the remote end).
 * @sport: its source port.
 * @daddr: its destination address (ours).
 * @dport: its destination port.
 * @dif: the receiving device's ifindex.
 *
 * A connection matching the 4-tuple wins; otherwise the listener on the
 * port, one bound to @daddr before one bound to INADDR_ANY.  Takes no
 * lock: see the top of this file.
 *
 * Return: the entry with a reference taken (release it with
 * xtcp_entry_put()), or NULL.
 */
struct sock *xtcp_lookup(struct net *net, __be32 saddr, __be16 sport,
			 __be32 daddr, __be16 dport, int dif)
{
	u16 lport = ntohs(dport);
	struct sock *sk;

	rcu_read_lock();
	sk = xtcp_lookup_conn(net, saddr, sport, daddr, lport);
	if (!sk)
		sk = xtcp_lookup_listener(net, saddr, sport, daddr, lport, dif);
	rcu_read_unlock();
	return sk;
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
	struct xtcp_bind_port *p;
	struct sock *sk;

	spin_lock_bh(&b->lock);
	hlist_for_each_entry(p, &b->chain, node) {
		if (!net_eq(read_pnet(&p->net), net))
			continue;
		sk_for_each_bound(sk, &p->owners)
			walk->fn(sk, walk->arg);
		sk_for_each_bound(sk, &p->children)
			walk->fn(sk, walk->arg);
	}
	spin_unlock_bh(&b->lock);
}

/* Move the TIME_WAIT objects of @head to @list; bucket lock held. */
static void xtcp_tw_collect_from(struct hlist_head *head, struct hlist_head *list)
{
	struct hlist_node *tmp;
	struct sock *sk;

	sk_for_each_bound_safe(sk, tmp, head) {
		struct xtcp_tw *tw = XTCP_TW(sk);
		struct xtcp_rcu_bucket *cb;

		if (xtcp_sk_fullsock(sk))
			continue;
		cb = &xtcp_chash[tw->conn_slot];
		spin_lock(&cb->lock);
		hlist_nulls_del_init_rcu(&tw->common.skc_nulls_node);
		spin_unlock(&cb->lock);
		__hlist_del(&tw->common.skc_bind_node);
		if (!tw->port_shared)
			tw->bind_port->unshared--;
		tw->bind_port = NULL;
		hlist_add_head(&tw->common.skc_bind_node, list);
	}
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
	struct xtcp_bind_port *p;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < XTCP_HASH_SIZE; i++) {
		struct xtcp_bucket *b = &xtcp_bhash[i];

		spin_lock_bh(&b->lock);
		hlist_for_each_entry_safe(p, tmp, &b->chain, node) {
			if (!net_eq(read_pnet(&p->net), net))
				continue;
			xtcp_tw_collect_from(&p->owners, list);
			xtcp_tw_collect_from(&p->children, list);
			xtcp_port_release(p);
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

static struct xtcp_bucket *xtcp_bind_table_alloc(void)
{
	struct xtcp_bucket *t;
	unsigned int i;

	t = kvmalloc_array(XTCP_HASH_SIZE, sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	for (i = 0; i < XTCP_HASH_SIZE; i++) {
		spin_lock_init(&t[i].lock);
		lockdep_set_class(&t[i].lock, &xtcp_bhash_key);
		INIT_HLIST_HEAD(&t[i].chain);
	}
	return t;
}

static struct xtcp_rcu_bucket *
xtcp_rcu_table_alloc(unsigned int size, struct lock_class_key *key)
{
	struct xtcp_rcu_bucket *t;
	unsigned int i;

	t = kvmalloc_array(size, sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	for (i = 0; i < size; i++) {
		spin_lock_init(&t[i].lock);
		lockdep_set_class(&t[i].lock, key);
		INIT_HLIST_NULLS_HEAD(&t[i].chain, i);
	}
	return t;
}

static void xtcp_bind_table_free(struct xtcp_bucket *t)
{
	unsigned int i;

	for (i = 0; i < XTCP_HASH_SIZE; i++)
		WARN_ON_ONCE(!hlist_empty(&t[i].chain));
	kvfree(t);
}

static void xtcp_rcu_table_free(struct xtcp_rcu_bucket *t, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		WARN_ON_ONCE(!hlist_nulls_empty(&t[i].chain));
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
	xtcp_bhash = xtcp_bind_table_alloc();
	if (!xtcp_bhash)
		goto err;
	xtcp_chash = xtcp_rcu_table_alloc(xtcp_chash_size, &xtcp_chash_key);
	if (!xtcp_chash)
		goto err_bhash;
	xtcp_lhash = xtcp_rcu_table_alloc(XTCP_HASH_SIZE, &xtcp_lhash_key);
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
	xtcp_rcu_table_free(xtcp_lhash, XTCP_HASH_SIZE);
	xtcp_rcu_table_free(xtcp_chash, xtcp_chash_size);
	xtcp_bind_table_free(xtcp_bhash);
}
