// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/xtcp: one line per socket of the namespace, in the columns
 * of /proc/net/tcp followed by the state's name.
 * /proc/net/xtcp_snmp: the namespace's counters, "Name value" per line.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/tcp_states.h>

#include "xtcp.h"

static const char *const xtcp_state_names[] = {
	[XTCP_ESTABLISHED]	= "ESTABLISHED",
	[XTCP_SYN_SENT]		= "SYN_SENT",
	[XTCP_SYN_RECV]		= "SYN_RECV",
	[XTCP_FIN_WAIT1]	= "FIN_WAIT1",
	[XTCP_FIN_WAIT2]	= "FIN_WAIT2",
	[XTCP_TIME_WAIT]	= "TIME_WAIT",
	[XTCP_CLOSE]		= "CLOSE",
	[XTCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[XTCP_LAST_ACK]		= "LAST_ACK",
	[XTCP_LISTEN]		= "LISTEN",
	[XTCP_CLOSING]		= "CLOSING",
};

/**
 * xtcp_state_name() - printable name of a connection state.
 * @state: an &enum xtcp_state value.
 *
 * Return: the name, or "UNKNOWN".
 */
const char *xtcp_state_name(int state)
{
	if (state <= 0 || state >= ARRAY_SIZE(xtcp_state_names) ||
	    !xtcp_state_names[state])
		return "UNKNOWN";
	return xtcp_state_names[state];
}

/**
 * struct xtcp_proc_state - where a reader of /proc/net/xtcp is.
 * @p: the namespace, for seq_file_net().
 * @seq: the file, while a bucket is shown.
 * @n: the "sl" number of the next line.
 * @bucket: the bucket last shown, or -1.
 * @bucket_n: the "sl" number its first line had, so that a bucket shown
 *	again (seq_file retries a record that overflowed its buffer)
 *	gets the same numbers.
 */
struct xtcp_proc_state {
	struct seq_net_private p;
	struct seq_file *seq;
	unsigned int n;
	int bucket;
	unsigned int bucket_n;
};

static void xtcp_proc_tw(struct xtcp_tw *tw, struct xtcp_proc_state *it)
{
	const struct sock_common *c = &tw->common;
	s64 left = ktime_ms_delta(tw->expires, ktime_get());

	seq_printf(it->seq,
		   "%4u: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %s\n",
		   it->n++, c->skc_rcv_saddr, c->skc_num, c->skc_daddr,
		   ntohs(c->skc_dport), XTCP_TIME_WAIT, 0, 0, 3,
		   msecs_to_jiffies(max_t(s64, left, 0)),
		   0, 0, 0, 0UL, xtcp_state_name(XTCP_TIME_WAIT));
}

/* A half-open connection, under its listener, as SYN_RECV. */
static void xtcp_proc_req(struct xtcp_req *req, void *arg)
{
	const struct sock_common *c = &req->common;
	struct xtcp_proc_state *it = arg;
	s64 left = ktime_ms_delta(req->expires, ktime_get());
	struct sock *lsk = req->listener;

	seq_printf(it->seq,
		   "%4u: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %s\n",
		   it->n++, c->skc_rcv_saddr, c->skc_num, c->skc_daddr,
		   ntohs(c->skc_dport), XTCP_SYN_RECV, 0, 0, 1,
		   msecs_to_jiffies(max_t(s64, left, 0)), req->retrans,
		   from_kuid_munged(seq_user_ns(it->seq), lsk->sk_uid), 0, 0UL,
		   xtcp_state_name(XTCP_SYN_RECV));
}

/* The timer column: 1 retransmission, 0 none, as /proc/net/tcp. */
static void xtcp_proc_sock(struct sock *sk, void *arg)
{
	struct xtcp_proc_state *it = arg;
	const struct inet_sock *inet;
	__be32 src;

	if (!xtcp_sk_fullsock(sk)) {
		xtcp_proc_tw(XTCP_TW(sk), it);
		return;
	}
	inet = inet_sk(sk);
	src = inet->inet_rcv_saddr ?: inet->inet_saddr;
	seq_printf(it->seq,
		   "%4u: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %s\n",
		   it->n++, src, inet->inet_num, inet->inet_daddr,
		   ntohs(inet->inet_dport), sk->sk_state,
		   READ_ONCE(sk->sk_wmem_queued), sk_rmem_alloc_get(sk),
		   hrtimer_is_queued(&xtcp_sk(sk)->rtx_timer) ? 1 : 0, 0UL,
		   xtcp_sk(sk)->retries,
		   from_kuid_munged(seq_user_ns(it->seq), sk->sk_uid), 0,
		   __sock_i_ino(sk), xtcp_state_name(sk->sk_state));
	if (sk->sk_state == XTCP_LISTEN)
		xtcp_req_walk(sk, xtcp_proc_req, it);
}

/*
 * A real iterator, so that a table of 100,000 sockets is listed in
 * pieces: one record per bind-table bucket (position 0 is the header),
 * shown under that bucket's lock alone; empty buckets are skipped.
 */
/* Bucket i is record i + 2: 1 is SEQ_START_TOKEN, 0 the end. */
#define XTCP_PROC_REC(i)	((void *)(uintptr_t)((i) + 2))
#define XTCP_PROC_BUCKET(v)	((int)((uintptr_t)(v) - 2))

static void *xtcp_proc_find(loff_t *pos)
{
	unsigned int i;

	for (i = *pos - 1; i < xtcp_bind_buckets(); i++) {
		if (xtcp_bind_bucket_used(i)) {
			*pos = i + 1;
			return XTCP_PROC_REC(i);
		}
	}
	*pos = xtcp_bind_buckets() + 1;
	return NULL;
}

static void *xtcp_proc_start(struct seq_file *seq, loff_t *pos)
{
	struct xtcp_proc_state *st = seq->private;

	if (!*pos) {
		st->n = 0;
		st->bucket = -1;
		return SEQ_START_TOKEN;
	}
	return xtcp_proc_find(pos);
}

static void *xtcp_proc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return xtcp_proc_find(pos);
}

static void xtcp_proc_stop(struct seq_file *seq, void *v)
{
}

static int xtcp_proc_show(struct seq_file *seq, void *v)
{
	struct xtcp_proc_state *st = seq->private;
	struct xtcp_walk walk = { .fn = xtcp_proc_sock, .arg = st };
	int bucket;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode state\n");
		return 0;
	}
	bucket = XTCP_PROC_BUCKET(v);
	if (bucket == st->bucket)
		st->n = st->bucket_n;
	st->bucket = bucket;
	st->bucket_n = st->n;
	st->seq = seq;
	xtcp_walk_bucket(seq_file_net(seq), bucket, &walk);
	return 0;
}

static const struct seq_operations xtcp_proc_seq_ops = {
	.start	= xtcp_proc_start,
	.next	= xtcp_proc_next,
	.stop	= xtcp_proc_stop,
	.show	= xtcp_proc_show,
};

static int xtcp_proc_snmp_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	int i;

	for (i = 0; i < XTCP_MIB_MAX; i++)
		seq_printf(seq, "%s %lu\n", xtcp_mib_names[i], xtcp_mib_read(net, i));
	return 0;
}

/*
 * /proc/net/xtcp_sockstat, /proc/net/sockstat's line for TCP: orphans
 * (all namespaces), this namespace's TIME_WAIT objects, then the global
 * memory accounting: sockets allocated, pages charged (as flushed from
 * the CPUs) and whether memory pressure is on.
 */
static int xtcp_proc_sockstat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	bool pressure;
	s64 sockets;
	long pages;

	pressure = xtcp_mem_usage(&pages, &sockets);
	seq_printf(seq, "XTCP: orphan %lld tw %d alloc %lld mem %ld pressure %d\n",
		   percpu_counter_sum_positive(&xtcp_orphans),
		   atomic_read(&xtcp_pernet(net)->tw_count), sockets, pages,
		   pressure);
	return 0;
}

/**
 * xtcp_proc_net_init() - create a namespace's /proc/net entries.
 * @net: the namespace.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_proc_net_init(struct net *net)
{
	if (!proc_create_net("xtcp", 0444, net->proc_net, &xtcp_proc_seq_ops,
			     sizeof(struct xtcp_proc_state)))
		return -ENOMEM;
	if (!proc_create_net_single("xtcp_snmp", 0444, net->proc_net,
				    xtcp_proc_snmp_show, NULL))
		goto err_snmp;
	if (!proc_create_net_single("xtcp_sockstat", 0444, net->proc_net,
				    xtcp_proc_sockstat_show, NULL))
		goto err_sockstat;
	return 0;

err_sockstat:
	remove_proc_entry("xtcp_snmp", net->proc_net);
err_snmp:
	remove_proc_entry("xtcp", net->proc_net);
	return -ENOMEM;
}

/**
 * xtcp_proc_net_exit() - remove a namespace's /proc/net entries.
 * @net: the namespace.
 */
void xtcp_proc_net_exit(struct net *net)
{
	remove_proc_entry("xtcp_sockstat", net->proc_net);
	remove_proc_entry("xtcp_snmp", net->proc_net);
	remove_proc_entry("xtcp", net->proc_net);
}
