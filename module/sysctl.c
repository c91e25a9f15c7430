// SPDX-License-Identifier: GPL-2.0
/*
 * net.xtcp.* sysctls, one table per network namespace.
 *
 *   ip_local_port_range  ephemeral ports for bind() and connect() with
 *                        port 0, "lo hi"; like net.ipv4's.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>

#include "xtcp.h"

static int xtcp_port_min = 1;
static int xtcp_port_max = 65535;

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

/* Template; each namespace gets a copy whose .data points at its state. */
static struct ctl_table xtcp_sysctl_template[] = {
	{
		.procname	= "ip_local_port_range",
		.maxlen		= 2 * sizeof(int),
		.mode		= 0644,
		.proc_handler	= xtcp_proc_port_range,
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

	table = kmemdup(xtcp_sysctl_template, sizeof(xtcp_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table[0].data = xn->port_range;

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
