// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: counters, the ephemeral port range, and
 * the sysctl and proc entries that expose them.  Sockets are tied to a
 * namespace by sock_net(); the port tables in hash.c key on it.
 */
#include <linux/module.h>
#include <net/inet_common.h>
#include <net/netns/generic.h>

#include "xtcp.h"

static unsigned int xtcp_net_id __read_mostly;

const char *const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVEOPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVEOPENS]		= "PassiveOpens",
	[XTCP_MIB_ATTEMPTFAILS]		= "AttemptFails",
	[XTCP_MIB_ESTABRESETS]		= "EstabResets",
	[XTCP_MIB_CURRESTAB]		= "CurrEstab",
	[XTCP_MIB_INSEGS]		= "InSegs",
	[XTCP_MIB_OUTSEGS]		= "OutSegs",
	[XTCP_MIB_RETRANSSEGS]		= "RetransSegs",
	[XTCP_MIB_INERRS]		= "InErrs",
	[XTCP_MIB_INCSUMERRORS]		= "InCsumErrors",
	[XTCP_MIB_INHDRERRORS]		= "InHdrErrors",
	[XTCP_MIB_NOSOCKET]		= "NoSocket",
	[XTCP_MIB_OUTRSTS]		= "OutRsts",
	[XTCP_MIB_TIMEWAITS]		= "TimeWaits",
	[XTCP_MIB_TIMEOUTS]		= "Timeouts",
	[XTCP_MIB_LISTENOVERFLOWS]	= "ListenOverflows",
	[XTCP_MIB_LISTENDROPS]		= "ListenDrops",
	[XTCP_MIB_BACKLOGDROPS]		= "BacklogDrops",
	[XTCP_MIB_CHALLENGEACKS]	= "ChallengeAcks",
	[XTCP_MIB_OUTOFWINDOW]		= "OutOfWindow",
	[XTCP_MIB_OFODROPS]		= "OfoDrops",
	[XTCP_MIB_RCVQDROPS]		= "RcvQDrops",
	[XTCP_MIB_TWRECYCLED]		= "TwRecycled",
	[XTCP_MIB_KEEPALIVEPROBES]	= "KeepaliveProbes",
	[XTCP_MIB_ZEROWINDOWPROBES]	= "ZeroWindowProbes",
	[XTCP_MIB_DELAYEDACKS]		= "DelayedAcks",
	[XTCP_MIB_FASTRETRANSMITS]	= "FastRetransmits",
	[XTCP_MIB_PARTIALACKS]		= "PartialAcks",
	[XTCP_MIB_OFOQUEUED]		= "OfoQueued",
	[XTCP_MIB_USERTIMEOUTS]		= "UserTimeouts",
	[XTCP_MIB_OFOPRUNED]		= "OfoPruned",
	[XTCP_MIB_ACKSKIPPEDSEQ]	= "AckSkippedSeq",
	[XTCP_MIB_ACKSKIPPEDCHALLENGE]	= "AckSkippedChallenge",
	[XTCP_MIB_ACKSKIPPEDSYNRECV]	= "AckSkippedSynRecv",
	[XTCP_MIB_ACKSKIPPEDTIMEWAIT]	= "AckSkippedTimeWait",
	[XTCP_MIB_ABORTONDATA]		= "AbortOnData",
	[XTCP_MIB_ABORTONMEMORY]	= "AbortOnMemory",
	[XTCP_MIB_TIMEWAITOVERFLOW]	= "TimeWaitOverflow",
	[XTCP_MIB_MEMORYPRESSURES]	= "MemoryPressures",
	[XTCP_MIB_MEMORYPRESSURESMS]	= "MemoryPressuresMs",
	[XTCP_MIB_SYNCOOKIESSENT]	= "SyncookiesSent",
	[XTCP_MIB_SYNCOOKIESRECV]	= "SyncookiesRecv",
	[XTCP_MIB_SYNCOOKIESFAILED]	= "SyncookiesFailed",
	[XTCP_MIB_PAWSESTAB]		= "PAWSEstab",
	[XTCP_MIB_TSOPTMISSING]		= "TSoptMissing",
	[XTCP_MIB_ACKSKIPPEDPAWS]	= "AckSkippedPAWS",
	[XTCP_MIB_OUTOFWINDOWICMPS]	= "OutOfWindowIcmps",
	[XTCP_MIB_PMTUREDUCED]		= "PMTUReduced",
	[XTCP_MIB_SACKRECOVERY]		= "SACKRecovery",
	[XTCP_MIB_SACKDISCARD]		= "SACKDiscard",
	[XTCP_MIB_DSACKRECV]		= "DSACKRecv",
	[XTCP_MIB_DSACKSENT]		= "DSACKSent",
	[XTCP_MIB_SACKRENEGING]		= "SACKReneging",
	[XTCP_MIB_SACKSPLITREFUSED]	= "SACKSplitRefused",
	[XTCP_MIB_SACKREORDER]		= "SACKReorder",
	[XTCP_MIB_ABORTONLINGER]	= "AbortOnLinger",
	[XTCP_MIB_DEFERACCEPTDROP]	= "DeferAcceptDrop",
	[XTCP_MIB_ECNNEGOTIATED]	= "ECNNegotiated",
	[XTCP_MIB_ECNCERCVD]		= "ECNCEReceived",
	[XTCP_MIB_ECNREDUCTIONS]	= "ECNReductions",
	[XTCP_MIB_TLPPROBES]		= "TLPProbes",
	[XTCP_MIB_TLPRECOVERY]		= "TLPRecovery",
	[XTCP_MIB_LOSTRETRANSMIT]	= "LostRetransmit",
	[XTCP_MIB_RACKREOTIMEOUTS]	= "RACKReoTimeouts",
	[XTCP_MIB_DSACKUNDO]		= "DSACKUndo",
	[XTCP_MIB_FULLUNDO]		= "FullUndo",
	[XTCP_MIB_LOSSUNDO]		= "LossUndo",
	[XTCP_MIB_SPURIOUSRTOS]		= "SpuriousRTOs",
	[XTCP_MIB_PRUNECALLED]		= "PruneCalled",
	[XTCP_MIB_RCVCOLLAPSED]		= "RcvCollapsed",
};

/**
 * xtcp_pernet() - the xtcp state of a network namespace.
 * @net: the namespace.
 *
 * Return: its &struct xtcp_net; valid while @net is alive.
 */
struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

/**
 * xtcp_mib_read() - sum one counter over all CPUs.
 * @net: the namespace.
 * @field: the counter.
 *
 * Return: the sum; exact only when nothing is counting concurrently.
 */
unsigned long xtcp_mib_read(const struct net *net, enum xtcp_mib_field field)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(xn->mib, cpu)->mibs[field];
	return sum;
}

/**
 * xtcp_local_port_range() - the namespace's ephemeral port range.
 * @net: the namespace.
 * @lo: lowest port to use.
 * @hi: highest port to use; never below @lo.
 */
void xtcp_local_port_range(const struct net *net, int *lo, int *hi)
{
	xtcp_port_range_read(xtcp_pernet(net), lo, hi);
}

/**
 * xtcp_port_range_read() - read a consistent ephemeral port range.
 * @xn: the namespace's xtcp state.
 * @lo: lowest port to use.
 * @hi: highest port to use.
 */
void xtcp_port_range_read(struct xtcp_net *xn, int *lo, int *hi)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&xn->port_range_lock);
		*lo = xn->port_range[0];
		*hi = xn->port_range[1];
	} while (read_seqretry(&xn->port_range_lock, seq));
}

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int err;

	xn->mib = alloc_percpu(struct xtcp_mib);
	if (!xn->mib)
		return -ENOMEM;
	/* Linux TCP's default range. */
	xn->port_range[0] = 32768;
	xn->port_range[1] = 60999;
	seqlock_init(&xn->port_range_lock);
	xn->sysctl[XTCP_SYSCTL_SYN_RETRIES] = 6;
	xn->sysctl[XTCP_SYSCTL_SYNACK_RETRIES] = 5;
	xn->sysctl[XTCP_SYSCTL_RETRIES2] = 15;
	xn->sysctl[XTCP_SYSCTL_RTO_INITIAL_MS] = 1000;
	xn->sysctl[XTCP_SYSCTL_RTO_MAX_MS] = 120000;
	xn->sysctl[XTCP_SYSCTL_FIN_TIMEOUT_MS] = 60000;
	xn->sysctl[XTCP_SYSCTL_TW_TIMEOUT_MS] = 60000;
	xn->sysctl[XTCP_SYSCTL_RTO_MIN_MS] = 200;
	xn->sysctl[XTCP_SYSCTL_DELACK_MS] = 40;
	xn->sysctl[XTCP_SYSCTL_KEEPALIVE_TIME] = 7200;
	xn->sysctl[XTCP_SYSCTL_KEEPALIVE_INTVL] = 75;
	xn->sysctl[XTCP_SYSCTL_KEEPALIVE_PROBES] = 10;
	xn->sysctl[XTCP_SYSCTL_WINDOW_SCALING] = 1;
	xn->sysctl[XTCP_SYSCTL_INVALID_RATELIMIT_MS] = 500;
	xn->sysctl[XTCP_SYSCTL_CHALLENGE_ACK_LIMIT] = 1000;
	xn->sysctl[XTCP_SYSCTL_ORPHAN_RETRIES] = 0;	/* TCP's: 0 means 8 */
	xn->sysctl[XTCP_SYSCTL_MAX_ORPHANS] = 65536;
	xn->sysctl[XTCP_SYSCTL_MAX_TW_BUCKETS] = 262144;
	xn->sysctl[XTCP_SYSCTL_SYNCOOKIES] = 1;
	xn->sysctl[XTCP_SYSCTL_TIMESTAMPS] = 1;
	xn->sysctl[XTCP_SYSCTL_SACK] = 1;
	xn->sysctl[XTCP_SYSCTL_ECN] = 2;
	xn->sysctl[XTCP_SYSCTL_TLP] = 0;
	xn->sysctl[XTCP_SYSCTL_RACK] = 1;
	xn->sysctl[XTCP_SYSCTL_FRTO] = 1;
	/* A new namespace starts with the initial one's choice, as TCP's. */
	xn->cc_default = net_eq(net, &init_net) ? &xtcp_cubic :
			 READ_ONCE(xtcp_pernet(&init_net)->cc_default);
	atomic_set(&xn->tw_count, 0);
	xn->rmem[0] = 4096;
	xn->rmem[1] = 262144;
	xn->rmem[2] = 6291456;
	xn->wmem[0] = 4096;
	xn->wmem[1] = 262144;
	xn->wmem[2] = 4194304;

	err = inet_ctl_sock_create(&xn->ctl_sk, PF_INET, SOCK_RAW,
				   xtcp_ipproto, net);
	if (err)
		goto err_free_mib;
	err = xtcp_sysctl_net_init(net);
	if (err)
		goto err_ctl_sk;
	err = xtcp_proc_net_init(net);
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	xtcp_sysctl_net_exit(net);
err_ctl_sk:
	inet_ctl_sock_destroy(xn->ctl_sk);
err_free_mib:
	free_percpu(xn->mib);
	return err;
}

static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	xtcp_tw_purge_net(net);
	xtcp_proc_net_exit(net);
	xtcp_sysctl_net_exit(net);
	inet_ctl_sock_destroy(xn->ctl_sk);
	free_percpu(xn->mib);
}

static struct pernet_operations xtcp_net_ops = {
	.init = xtcp_net_init,
	.exit = xtcp_net_exit,
	.id   = &xtcp_net_id,
	.size = sizeof(struct xtcp_net),
};

/**
 * xtcp_netns_init() - set up xtcp in every namespace, present and future.
 *
 * Return: 0 or a negative errno.
 */
int xtcp_netns_init(void)
{
	return register_pernet_subsys(&xtcp_net_ops);
}

/**
 * xtcp_netns_exit() - tear down what xtcp_netns_init() set up.
 */
void xtcp_netns_exit(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}
