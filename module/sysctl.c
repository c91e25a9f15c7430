// SPDX-License-Identifier: GPL-2.0
/*
 * net.xtcp.* sysctls, one table per network namespace.
 *
 *   ip_local_port_range  ephemeral ports for bind() and connect() with
 *                        port 0, "lo hi"; like net.ipv4's.
 *   syn_retries          SYN retransmissions before connect() fails
 *   synack_retries       SYN-ACK retransmissions before a child dies
 *   retries2             data/FIN retransmissions before the drop
 *   rto_initial_ms       RTO before an RTT sample (RFC 6298: 1000)
 *   rto_max_ms           ceiling of the backed-off RTO
 *   fin_timeout_ms       FIN_WAIT_2 lifetime of an orphan
 *   tw_timeout_ms        TIME_WAIT duration, 2*MSL (60000)
 *   rto_min_ms           floor of the RTO (200)
 *   delack_ms            longest delay of an ACK (40)
 *   keepalive_time       idle seconds before the first probe (7200)
 *   keepalive_intvl      seconds between probes (75)
 *   keepalive_probes     unanswered probes before the drop (10)
 *   window_scaling       offer RFC 7323 window scaling (1)
 *   timestamps           offer RFC 7323 timestamps (1)
 *   sack                 offer selective acknowledgments, RFC 2018 (1)
 *   ecn                  explicit congestion notification, RFC 3168: 0
 *                        never, 1 ask on our SYNs and accept, 2 accept
 *                        when asked (2, as tcp_ecn)
 *   tlp                  tail loss probes, RFC 8985 §7, on connections
 *                        with SACK (0 for now: Documentation/
 *                        reliability.rst says why)
 *   rack                 RACK, RFC 8985 §6: losses of connections with
 *                        SACK found by time, not DupThresh (1)
 *   frto                 F-RTO, RFC 5682: new data after a timeout's
 *                        first retransmission tells a spurious timeout (1)
 *   invalid_ratelimit_ms least time between a socket's replies to
 *                        segments that do not belong (500; 0: no limit)
 *   challenge_ack_limit  challenge ACKs per second per namespace (1000)
 *   orphan_retries       retransmissions or window probes of an orphan
 *                        before it is dropped (0: TCP's default, 8
 *                        while the RTO is below its ceiling, else 0)
 *   max_orphans          orphans of all namespaces past which close()
 *                        resets instead of closing gracefully (65536)
 *   max_tw_buckets       TIME_WAIT objects past which a connection
 *                        closes without one (262144)
 *   syncookies           SYN cookies: 0 never, 1 when a listener's SYN
 *                        queue overflows (1), 2 for every SYN
 *   rmem, wmem           "min default max" buffer bytes, like tcp_rmem:
 *                        the default is a new socket's SO_RCVBUF or
 *                        SO_SNDBUF; rmem's max caps the receive buffer
 *                        and sizes the window scale.  min is kept for
 *                        the shape of tcp_rmem; nothing goes below
 *                        the core's SOCK_MIN_RCVBUF anyway.
 *   congestion_control   the algorithm of new sockets, "cubic" (the
 *                        default) or "reno"; a new namespace starts
 *                        with the initial namespace's.  An unknown name
 *                        is ENOENT.
 *   available_congestion_control
 *                        read only: the names there are.
 *
 * net.xtcp.mem, "min pressure max" pages of all sockets together, is
 * global and lives in the initial namespace only (mem.c).
 */
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "xtcp.h"

static int xtcp_port_min = 1;
static int xtcp_port_max = 65535;
static int xtcp_one = 1;
static int xtcp_retries_max = 127;
static int xtcp_ms_max = 3600 * 1000;
static int xtcp_zero;
static int xtcp_two = 2;
static int xtcp_keep_max = 32767;	/* MAX_TCP_KEEPIDLE */
static int xtcp_keepcnt_max = 127;	/* MAX_TCP_KEEPCNT */
static int xtcp_buf_min = SOCK_MIN_RCVBUF;
static int xtcp_buf_max = INT_MAX / 4;
static int xtcp_int_max = INT_MAX;

/* Three buffer sizes: each in range, min <= default <= max. */
static int xtcp_proc_mem(xtcp_ctl_table *table, int write, void *buffer,
			 size_t *lenp, loff_t *ppos)
{
	int *data = table->data, v[3];
	struct ctl_table tmp = {
		.data = v,
		.maxlen = sizeof(v),
		.mode = table->mode,
		.extra1 = &xtcp_buf_min,
		.extra2 = &xtcp_buf_max,
	};
	int err, i;

	for (i = 0; i < 3; i++)
		v[i] = READ_ONCE(data[i]);
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	if (v[0] > v[1] || v[1] > v[2])
		return -EINVAL;
	for (i = 0; i < 3; i++)
		WRITE_ONCE(data[i], v[i]);
	return 0;
}

#define XTCP_MEM(name, field) {						\
	.procname	= name,						\
	.data		= (void *)offsetof(struct xtcp_net, field),	\
	.maxlen		= 3 * sizeof(int),				\
	.mode		= 0644,						\
	.proc_handler	= xtcp_proc_mem,				\
}

static int xtcp_proc_port_range(xtcp_ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	struct xtcp_net *xn = container_of(table->data, struct xtcp_net,
					   port_range);
	int range[2];
	struct ctl_table tmp = {
		.data = range,
		.maxlen = sizeof(range),
		.mode = table->mode,
		.extra1 = &xtcp_port_min,
		.extra2 = &xtcp_port_max,
	};
	int err;

	xtcp_port_range_read(xn, &range[0], &range[1]);
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	if (range[0] > range[1])
		return -EINVAL;
	write_seqlock_bh(&xn->port_range_lock);
	xn->port_range[0] = range[0];
	xn->port_range[1] = range[1];
	write_sequnlock_bh(&xn->port_range_lock);
	return 0;
}

/* A name in, the algorithm's pointer kept; TCP's tcp_congestion_control. */
static int xtcp_proc_congestion(xtcp_ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	const struct xtcp_cc_ops **dflt = table->data;
	char name[XTCP_CA_NAME_MAX];
	struct ctl_table tmp = {
		.data = name,
		.maxlen = sizeof(name),
		.mode = table->mode,
	};
	const struct xtcp_cc_ops *ops;
	int err;

	strscpy(name, READ_ONCE(*dflt)->name, sizeof(name));
	err = proc_dostring(&tmp, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	ops = xtcp_cc_find(name);
	if (!ops)
		return -ENOENT;
	WRITE_ONCE(*dflt, ops);
	return 0;
}

static int xtcp_proc_available_congestion(xtcp_ctl_table *table, int write,
					  void *buffer, size_t *lenp,
					  loff_t *ppos)
{
	char names[64];
	struct ctl_table tmp = {
		.data = names,
		.maxlen = sizeof(names),
		.mode = table->mode,
	};

	xtcp_cc_available(names, sizeof(names));
	return proc_dostring(&tmp, write, buffer, lenp, ppos);
}

#define XTCP_INT(name, id, lo, hi) {					\
	.procname	= name,						\
	.data		= (void *)offsetof(struct xtcp_net, sysctl[id]),\
	.maxlen		= sizeof(int),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dointvec_minmax,				\
	.extra1		= lo,						\
	.extra2		= hi,						\
}

/*
 * Template; each namespace gets a copy whose .data, an offset into
 * struct xtcp_net here, becomes a pointer into its own state.
 */
static struct ctl_table xtcp_sysctl_template[] = {
	{
		.procname	= "ip_local_port_range",
		.data		= (void *)offsetof(struct xtcp_net, port_range),
		.maxlen		= 2 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= xtcp_proc_port_range,
	},
	XTCP_INT("syn_retries", XTCP_SYSCTL_SYN_RETRIES, &xtcp_one, &xtcp_retries_max),
	XTCP_INT("synack_retries", XTCP_SYSCTL_SYNACK_RETRIES, &xtcp_one, &xtcp_retries_max),
	XTCP_INT("retries2", XTCP_SYSCTL_RETRIES2, &xtcp_one, &xtcp_retries_max),
	XTCP_INT("rto_initial_ms", XTCP_SYSCTL_RTO_INITIAL_MS, &xtcp_one, &xtcp_ms_max),
	XTCP_INT("rto_max_ms", XTCP_SYSCTL_RTO_MAX_MS, &xtcp_one, &xtcp_ms_max),
	XTCP_INT("fin_timeout_ms", XTCP_SYSCTL_FIN_TIMEOUT_MS, &xtcp_one, &xtcp_ms_max),
	XTCP_INT("tw_timeout_ms", XTCP_SYSCTL_TW_TIMEOUT_MS, &xtcp_one, &xtcp_ms_max),
	XTCP_INT("rto_min_ms", XTCP_SYSCTL_RTO_MIN_MS, &xtcp_one, &xtcp_ms_max),
	XTCP_INT("delack_ms", XTCP_SYSCTL_DELACK_MS, &xtcp_one, &xtcp_ms_max),
	XTCP_INT("keepalive_time", XTCP_SYSCTL_KEEPALIVE_TIME, &xtcp_one, &xtcp_keep_max),
	XTCP_INT("keepalive_intvl", XTCP_SYSCTL_KEEPALIVE_INTVL, &xtcp_one, &xtcp_keep_max),
	XTCP_INT("keepalive_probes", XTCP_SYSCTL_KEEPALIVE_PROBES, &xtcp_one, &xtcp_keepcnt_max),
	XTCP_INT("window_scaling", XTCP_SYSCTL_WINDOW_SCALING, &xtcp_zero, &xtcp_one),
	XTCP_INT("invalid_ratelimit_ms", XTCP_SYSCTL_INVALID_RATELIMIT_MS,
		 &xtcp_zero, &xtcp_ms_max),
	XTCP_INT("challenge_ack_limit", XTCP_SYSCTL_CHALLENGE_ACK_LIMIT, &xtcp_zero, &xtcp_int_max),
	XTCP_INT("orphan_retries", XTCP_SYSCTL_ORPHAN_RETRIES, &xtcp_zero, &xtcp_retries_max),
	XTCP_INT("max_orphans", XTCP_SYSCTL_MAX_ORPHANS, &xtcp_zero, &xtcp_int_max),
	XTCP_INT("max_tw_buckets", XTCP_SYSCTL_MAX_TW_BUCKETS, &xtcp_zero, &xtcp_int_max),
	XTCP_INT("syncookies", XTCP_SYSCTL_SYNCOOKIES, &xtcp_zero, &xtcp_two),
	XTCP_INT("timestamps", XTCP_SYSCTL_TIMESTAMPS, &xtcp_zero, &xtcp_one),
	XTCP_INT("sack", XTCP_SYSCTL_SACK, &xtcp_zero, &xtcp_one),
	XTCP_INT("ecn", XTCP_SYSCTL_ECN, &xtcp_zero, &xtcp_two),
	XTCP_INT("tlp", XTCP_SYSCTL_TLP, &xtcp_zero, &xtcp_one),
	XTCP_INT("rack", XTCP_SYSCTL_RACK, &xtcp_zero, &xtcp_one),
	XTCP_INT("frto", XTCP_SYSCTL_FRTO, &xtcp_zero, &xtcp_one),
	XTCP_MEM("rmem", rmem),
	XTCP_MEM("wmem", wmem),
	{
		.procname	= "congestion_control",
		.data		= (void *)offsetof(struct xtcp_net, cc_default),
		.maxlen		= XTCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= xtcp_proc_congestion,
	},
	{
		.procname	= "available_congestion_control",
		.data		= (void *)offsetof(struct xtcp_net, cc_default),
		.maxlen		= 64,
		.mode		= 0444,
		.proc_handler	= xtcp_proc_available_congestion,
	},
	{ }
};

/**
 * xtcp_sysctl_net_init() - register net.xtcp.* for a namespace.
 * @net: the namespace.
 *
 * Return: 0 or -ENOMEM.
 */
int xtcp_sysctl_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct ctl_table *table;
	unsigned int i;

	table = kmemdup(xtcp_sysctl_template, sizeof(xtcp_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(xtcp_sysctl_template) - 1; i++)
		table[i].data = (char *)xn + (uintptr_t)table[i].data;

	xn->sysctl_hdr = xtcp_register_net_sysctl(net, "net/xtcp", table,
						  ARRAY_SIZE(xtcp_sysctl_template) - 1);
	if (!xn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

/**
 * xtcp_sysctl_net_exit() - unregister and free a namespace's table.
 * @net: the namespace.
 */
void xtcp_sysctl_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct ctl_table *table = xn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(xn->sysctl_hdr);
	kfree(table);
}
