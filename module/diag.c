// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag for AF_XTCP: what ss(8) asks of TCP, asked of xtcp.
 *
 * A request is a SOCK_DIAG_BY_FAMILY message with sdiag_family = the
 * module's family and a struct inet_diag_req_v2; a reply is a struct
 * inet_diag_msg per entry with INET_DIAG_* attributes, the INFO one a
 * struct xtcp_info.  uapi/linux/xtcp.h documents the interface.
 *
 * A dump walks the bind table a bucket at a time, as /proc/net/xtcp
 * does.  Under the bucket's lock it takes a reference on each wanted
 * entry (a socket, a TIME_WAIT object or, under a listener, a request
 * object), up to a batch; the messages are written after the lock is
 * dropped, each socket under its own lock.  Where a full skb stopped
 * the dump, cb->args[] remembers: [0] the bucket, [1] how many entries
 * of it were passed.  Entries that come and go between two reads may
 * be missed or shown twice, as with TCP.
 */
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "xtcp.h"
#include "diag.h"

#define XTCP_DIAG_BATCH	16

#define XTCP_DIAG_MSG_SIZE						\
	(NLMSG_ALIGN(sizeof(struct inet_diag_msg)) +			\
	 2 * nla_total_size(sizeof(u8)) +				\
	 nla_total_size(sizeof(struct inet_diag_meminfo)) +		\
	 nla_total_size(SK_MEMINFO_VARS * sizeof(u32)) +		\
	 nla_total_size_64bit(sizeof(struct xtcp_info)) +		\
	 nla_total_size(XTCP_CA_NAME_MAX))

#define XTCP_DIAG_STATES	GENMASK(XTCP_CLOSING, XTCP_ESTABLISHED)

/**
 * struct xtcp_diag_req - a checked request.
 * @r: the request's header.
 * @bc: its filter program (audited), or NULL.
 * @bc_len: the program's length.
 * @user_ns: the asker's user namespace, for uids.
 * @portid: where replies go.
 * @seq: the request's sequence number.
 * @flags: of each reply (NLM_F_MULTI in a dump).
 */
struct xtcp_diag_req {
	const struct inet_diag_req_v2 *r;
	const void *bc;
	int bc_len;
	struct user_namespace *user_ns;
	u32 portid;
	u32 seq;
	u16 flags;
};

/* The state a message reports: request objects are SYN_RECV. */
static u8 xtcp_diag_state(const struct sock *sk)
{
	return xtcp_sk_req(sk) ? XTCP_SYN_RECV : READ_ONCE(sk->sk_state);
}

static void xtcp_diag_entry_of(const struct sock *sk, struct xtcp_diag_entry *e)
{
	const struct sock_common *c = &sk->__sk_common;

	memset(e, 0, sizeof(*e));
	e->family = AF_INET;
	e->sport = c->skc_num;
	e->dport = ntohs(c->skc_dport);
	e->saddr[0] = c->skc_rcv_saddr;
	if (xtcp_sk_fullsock(sk)) {
		e->saddr[0] = e->saddr[0] ?: inet_sk(sk)->inet_saddr;
		e->userlocks = sk->sk_userlocks;
	}
	e->daddr[0] = c->skc_daddr;
	e->ifindex = c->skc_bound_dev_if;
}

/* Does @q ask for @sk?  Under the bucket lock, or with a reference. */
static bool xtcp_diag_wanted(const struct sock *sk,
			     const struct xtcp_diag_req *q)
{
	struct xtcp_diag_entry e;

	if (!(q->r->idiag_states & BIT(xtcp_diag_state(sk))))
		return false;
	if (!q->bc)
		return true;
	xtcp_diag_entry_of(sk, &e);
	return xtcp_diag_bc_run(q->bc, q->bc_len, &e);
}

/* The message's header; the caller fills the rest. */
static struct nlmsghdr *xtcp_diag_msg_start(struct sk_buff *skb,
					    struct sock *sk,
					    const struct xtcp_diag_req *q)
{
	struct xtcp_diag_entry e;
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, q->portid, q->seq, SOCK_DIAG_BY_FAMILY,
			sizeof(*r), q->flags);
	if (!nlh)
		return NULL;
	r = nlmsg_data(nlh);
	memset(r, 0, sizeof(*r));
	xtcp_diag_entry_of(sk, &e);
	r->idiag_family = e.family;
	r->idiag_state = xtcp_diag_state(sk);
	r->id.idiag_sport = htons(e.sport);
	r->id.idiag_dport = htons(e.dport);
	r->id.idiag_src[0] = e.saddr[0];
	r->id.idiag_dst[0] = e.daddr[0];
	r->id.idiag_if = e.ifindex;
	sock_diag_save_cookie(sk, r->id.idiag_cookie);
	return nlh;
}

static u32 xtcp_diag_ms_left(ktime_t expires)
{
	s64 left = ktime_ms_delta(expires, ktime_get());

	return left > 0 ? left : 0;
}

static int xtcp_diag_fill_tw(struct sk_buff *skb, struct xtcp_tw *tw,
			     const struct xtcp_diag_req *q)
{
	struct nlmsghdr *nlh = xtcp_diag_msg_start(skb, (struct sock *)tw, q);
	struct inet_diag_msg *r;

	if (!nlh)
		return -EMSGSIZE;
	r = nlmsg_data(nlh);
	r->idiag_timer = 3;
	r->idiag_expires = xtcp_diag_ms_left(READ_ONCE(tw->expires));
	nlmsg_end(skb, nlh);
	return 0;
}

static int xtcp_diag_fill_req(struct sk_buff *skb, struct xtcp_req *req,
			      const struct xtcp_diag_req *q)
{
	struct nlmsghdr *nlh = xtcp_diag_msg_start(skb, (struct sock *)req, q);
	struct inet_diag_msg *r;

	if (!nlh)
		return -EMSGSIZE;
	r = nlmsg_data(nlh);
	r->idiag_timer = 1;
	r->idiag_retrans = READ_ONCE(req->retrans);
	r->idiag_expires = xtcp_diag_ms_left(READ_ONCE(req->expires));
	r->idiag_uid = from_kuid_munged(q->user_ns, sock_i_uid(req->listener));
	nlmsg_end(skb, nlh);
	return 0;
}

/* The attributes idiag_ext asks for (bit N - 1 for attribute N). */
static int xtcp_diag_put_ext(struct sk_buff *skb, struct sock *sk, u8 ext)
{
	struct nlattr *attr;

	if (ext & BIT(INET_DIAG_MEMINFO - 1)) {
		struct inet_diag_meminfo mi = {
			.idiag_rmem = sk_rmem_alloc_get(sk),
			.idiag_wmem = READ_ONCE(sk->sk_wmem_queued),
			.idiag_fmem = sk_forward_alloc_get(sk),
			.idiag_tmem = sk_wmem_alloc_get(sk),
		};

		if (nla_put(skb, INET_DIAG_MEMINFO, sizeof(mi), &mi))
			return -EMSGSIZE;
	}
	if ((ext & BIT(INET_DIAG_SKMEMINFO - 1)) &&
	    sock_diag_put_meminfo(sk, skb, INET_DIAG_SKMEMINFO))
		return -EMSGSIZE;
	if (ext & BIT(INET_DIAG_INFO - 1)) {
		attr = nla_reserve_64bit(skb, INET_DIAG_INFO,
					 sizeof(struct xtcp_info), INET_DIAG_PAD);
		if (!attr)
			return -EMSGSIZE;
		xtcp_get_info(sk, nla_data(attr));
	}
	if ((ext & BIT(INET_DIAG_CONG - 1)) &&
	    nla_put_string(skb, INET_DIAG_CONG, xtcp_sk(sk)->cc.ops->name))
		return -EMSGSIZE;
	return 0;
}

static int xtcp_diag_fill_sock(struct sk_buff *skb, struct sock *sk,
			       const struct xtcp_diag_req *q)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;
	int err = -EMSGSIZE;

	lock_sock(sk);
	nlh = xtcp_diag_msg_start(skb, sk, q);
	if (!nlh)
		goto out;
	r = nlmsg_data(nlh);
	r->idiag_timer = xtcp_timer_diag(sk, &r->idiag_expires);
	r->idiag_retrans = r->idiag_timer == 1 ? xs->retries : xs->probes_out;
	if (sk->sk_state == XTCP_LISTEN) {
		r->idiag_rqueue = READ_ONCE(sk->sk_ack_backlog);
		r->idiag_wqueue = READ_ONCE(sk->sk_max_ack_backlog);
	} else {
		r->idiag_rqueue = max_t(int, xs->rcv_nxt - xs->copied_seq, 0);
		r->idiag_wqueue = xs->write_seq - xs->snd_una;
	}
	r->idiag_uid = from_kuid_munged(q->user_ns, sock_i_uid(sk));
	r->idiag_inode = sock_i_ino(sk);
	if (nla_put_u8(skb, INET_DIAG_SHUTDOWN, sk->sk_shutdown) ||
	    nla_put_u8(skb, INET_DIAG_PROTOCOL, xtcp_ipproto) ||
	    xtcp_diag_put_ext(skb, sk, q->r->idiag_ext)) {
		nlmsg_cancel(skb, nlh);
		goto out;
	}
	nlmsg_end(skb, nlh);
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int xtcp_diag_fill(struct sk_buff *skb, struct sock *sk,
			  const struct xtcp_diag_req *q)
{
	if (xtcp_sk_req(sk))
		return xtcp_diag_fill_req(skb, XTCP_REQ(sk), q);
	if (!xtcp_sk_fullsock(sk))
		return xtcp_diag_fill_tw(skb, XTCP_TW(sk), q);
	return xtcp_diag_fill_sock(skb, sk, q);
}

/**
 * struct xtcp_diag_batch - entries of one bucket taken under its lock.
 * @q: the request.
 * @sk: the entries, each with a reference.
 * @pos: for each, its place among the bucket's entries.
 * @n: how many were taken.
 * @seen: entries of the bucket passed so far.
 * @skip: entries an earlier call already handled.
 * @full: the batch filled before the bucket ended.
 * @next: then, the place of the first entry not taken.
 */
struct xtcp_diag_batch {
	const struct xtcp_diag_req *q;
	struct sock *sk[XTCP_DIAG_BATCH];
	unsigned int pos[XTCP_DIAG_BATCH];
	unsigned int n;
	unsigned int seen;
	unsigned int skip;
	bool full;
	unsigned int next;
};

static void xtcp_diag_take(struct sock *sk, struct xtcp_diag_batch *b)
{
	unsigned int pos = b->seen++;

	if (pos < b->skip || b->full)
		return;
	if (b->n == XTCP_DIAG_BATCH) {
		b->full = true;
		b->next = pos;
		return;
	}
	if (!xtcp_diag_wanted(sk, b->q) || !refcount_inc_not_zero(&sk->sk_refcnt))
		return;
	b->pos[b->n] = pos;
	b->sk[b->n++] = sk;
}

static void xtcp_diag_take_req(struct xtcp_req *req, void *arg)
{
	xtcp_diag_take((struct sock *)req, arg);
}

static void xtcp_diag_take_entry(struct sock *sk, void *arg)
{
	struct xtcp_diag_batch *b = arg;

	xtcp_diag_take(sk, b);
	if (xtcp_sk_fullsock(sk) && sk->sk_state == XTCP_LISTEN &&
	    (b->q->r->idiag_states & BIT(XTCP_SYN_RECV)))
		xtcp_req_walk(sk, xtcp_diag_take_req, b);
}

/*
 * Write the messages of one batch.  Return: the place in the bucket to
 * resume from, or -1 if every entry was written.
 */
static int xtcp_diag_write(struct sk_buff *skb, struct xtcp_diag_batch *b)
{
	int resume = -1;
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		if (resume < 0 && xtcp_diag_fill(skb, b->sk[i], b->q))
			resume = b->pos[i];
		xtcp_entry_put(b->sk[i]);
	}
	return resume;
}

/* The request's filter program, already audited, or NULL. */
static void xtcp_diag_find_bc(const struct nlmsghdr *nlh,
			      struct xtcp_diag_req *q)
{
	const struct nlattr *bc;

	bc = nlmsg_find_attr(nlh, sizeof(*q->r), INET_DIAG_REQ_BYTECODE);
	q->bc = bc ? nla_data(bc) : NULL;
	q->bc_len = bc ? nla_len(bc) : 0;
}

static int xtcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct xtcp_diag_req q = {
		.r = nlmsg_data(cb->nlh),
		.user_ns = sk_user_ns(NETLINK_CB(cb->skb).sk),
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
	};
	struct xtcp_walk walk = { .fn = xtcp_diag_take_entry };
	struct net *net = sock_net(cb->skb->sk);
	struct xtcp_diag_batch b;
	unsigned int bucket;
	int resume;

	xtcp_diag_find_bc(cb->nlh, &q);
	for (bucket = cb->args[0]; bucket < xtcp_bind_buckets(); bucket++) {
		if (!xtcp_bind_bucket_used(bucket)) {
			cb->args[1] = 0;
			continue;
		}
		do {
			memset(&b, 0, sizeof(b));
			b.q = &q;
			b.skip = cb->args[1];
			walk.arg = &b;
			xtcp_walk_bucket(net, bucket, &walk);
			resume = xtcp_diag_write(skb, &b);
			if (resume >= 0) {
				cb->args[0] = bucket;
				cb->args[1] = resume;
				return skb->len;
			}
			cb->args[1] = b.next;
		} while (b.full);
		cb->args[1] = 0;
	}
	cb->args[0] = bucket;
	return skb->len;
}

/* One entry, by its 4-tuple and cookie (no NLM_F_DUMP). */
static int xtcp_diag_get_exact(struct sk_buff *in_skb, struct xtcp_diag_req *q)
{
	const struct inet_diag_sockid *id = &q->r->id;
	struct net *net = sock_net(in_skb->sk);
	struct sk_buff *rep;
	struct sock *sk;
	int err;

	sk = xtcp_lookup_established(net, id->idiag_dst[0], id->idiag_dport,
				     id->idiag_src[0], id->idiag_sport);
	if (!sk && !id->idiag_dst[0] && !id->idiag_dport) {
		sk = xtcp_lookup(net, 0, 0, id->idiag_src[0], id->idiag_sport,
				 id->idiag_if);
		if (sk && sk->sk_state != XTCP_LISTEN) {
			xtcp_entry_put(sk);
			sk = NULL;
		}
	}
	if (!sk)
		return -ENOENT;
	err = sock_diag_check_cookie(sk, id->idiag_cookie);
	if (err)
		goto out;
	err = -ENOMEM;
	rep = nlmsg_new(XTCP_DIAG_MSG_SIZE, GFP_KERNEL);
	if (!rep)
		goto out;
	err = xtcp_diag_fill(rep, sk, q);
	if (err) {
		WARN_ON_ONCE(err == -EMSGSIZE);
		nlmsg_free(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, q->portid);
out:
	xtcp_entry_put(sk);
	return err;
}

static const struct nla_policy xtcp_diag_policy[INET_DIAG_REQ_MAX + 1] = {
	[INET_DIAG_REQ_BYTECODE] = { .type = NLA_BINARY },
};

/*
 * Check a request: its length, protocol and states, no attribute but a
 * filter program, and the program's audit.
 */
static int xtcp_diag_parse(struct sk_buff *skb, const struct nlmsghdr *nlh,
			   struct xtcp_diag_req *q)
{
	struct nlattr *tb[INET_DIAG_REQ_MAX + 1];
	const struct inet_diag_req_v2 *r;
	int err;

	if (nlmsg_len(nlh) < sizeof(*r))
		return -EINVAL;
	r = nlmsg_data(nlh);
	if (r->sdiag_protocol && r->sdiag_protocol != xtcp_ipproto)
		return -EINVAL;
	if (r->pad || r->idiag_states & ~XTCP_DIAG_STATES)
		return -EINVAL;
	err = nlmsg_parse(nlh, sizeof(*r), tb, INET_DIAG_REQ_MAX,
			  xtcp_diag_policy, NULL);
	if (err)
		return err;
	if (tb[INET_DIAG_REQ_BYTECODE]) {
		err = xtcp_diag_bc_audit(nla_data(tb[INET_DIAG_REQ_BYTECODE]),
					 nla_len(tb[INET_DIAG_REQ_BYTECODE]));
		if (err)
			return err;
	}
	q->r = r;
	q->user_ns = sk_user_ns(NETLINK_CB(skb).sk);
	q->portid = NETLINK_CB(skb).portid;
	q->seq = nlh->nlmsg_seq;
	return 0;
}

static int xtcp_diag_handler_dump(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	struct net *net = sock_net(skb->sk);
	struct xtcp_diag_req q = {};
	int err;

	err = xtcp_diag_parse(skb, nlh, &q);
	if (err)
		return err;
	if (nlh->nlmsg_flags & NLM_F_DUMP) {
		struct netlink_dump_control c = {
			.dump = xtcp_diag_dump,
			.min_dump_alloc = XTCP_DIAG_MSG_SIZE,
		};

		return netlink_dump_start(net->diag_nlsk, skb, nlh, &c);
	}
	return xtcp_diag_get_exact(skb, &q);
}

/* Not const: .family is the "family" module parameter, set at load. */
static struct sock_diag_handler xtcp_diag_handler __ro_after_init = {
	XTCP_SOCK_DIAG_OWNER
	.dump = xtcp_diag_handler_dump,
};

/**
 * xtcp_diag_init() - answer sock_diag requests for the family.
 *
 * Return: 0, or the error of sock_diag_register() (-EBUSY: another
 * module answers for the family number).
 */
int xtcp_diag_init(void)
{
	xtcp_diag_handler.family = xtcp_family;
	return sock_diag_register(&xtcp_diag_handler);
}

/**
 * xtcp_diag_exit() - stop answering.  A request being answered holds a
 * reference on the module (or, on kernels without the handler's owner,
 * the table's mutex), so none is running when the module goes.
 */
void xtcp_diag_exit(void)
{
	sock_diag_unregister(&xtcp_diag_handler);
}
