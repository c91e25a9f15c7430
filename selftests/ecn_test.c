// SPDX-License-Identifier: GPL-2.0
/*
 * Explicit congestion notification (RFC 3168) over real sockets: who
 * negotiates it, and a transfer through netem that marks ECT packets
 * Congestion Experienced where it would drop them: with ECN nothing is
 * lost and the sender slows down on the echoes; without it the same
 * qdisc drops and the sender retransmits.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

static int info_of(int fd, struct xtcp_info *info)
{
	socklen_t len = sizeof(*info);

	return getsockopt(fd, SOL_XTCP, XTCP_INFO, info, &len);
}

static int ecn_of(int fd)
{
	struct xtcp_info info;

	if (info_of(fd, &info))
		return -1;
	return !!(info.options & XTCP_INFO_OPT_ECN);
}

FIXTURE(ecn) {
	int cli, srv;
};

FIXTURE_SETUP(ecn)
{
	self->cli = -1;
	self->srv = -1;
}

/* Whatever a test changed, the namespaces go back to the defaults. */
FIXTURE_TEARDOWN(ecn)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	ns_sysctl("xa", "ecn", "2");
	ns_sysctl("xb", "ecn", "2");
	ns_qdisc_del("xa");
}

/* Client in xa with net.xtcp.ecn @c, server in xb with @s. */
static int negotiated(int c, int s, unsigned short port, int *ecn_cli, int *ecn_srv)
{
	char v[4];
	int cli, srv;

	snprintf(v, sizeof(v), "%d", c);
	if (ns_sysctl("xa", "ecn", v))
		return -1;
	snprintf(v, sizeof(v), "%d", s);
	if (ns_sysctl("xb", "ecn", v))
		return -1;
	if (pair(port, &cli, &srv))
		return -1;
	*ecn_cli = ecn_of(cli);
	*ecn_srv = ecn_of(srv);
	close(cli);
	close(srv);
	return 0;
}

TEST_F(ecn, negotiated_only_when_asked_and_answered)
{
	static const struct { int c, s, want; } cases[] = {
		{ 1, 2, 1 },	/* asked, answered by the default */
		{ 1, 1, 1 },
		{ 2, 2, 0 },	/* the default never asks */
		{ 2, 1, 0 },	/* the server's 1 asks only on its own SYNs */
		{ 1, 0, 0 },	/* refused */
		{ 0, 1, 0 },
	};
	unsigned int i;
	int c, s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, negotiated(cases[i].c, cases[i].s, 8401 + i, &c, &s));
		TH_LOG("client ecn=%d server ecn=%d: %d/%d", cases[i].c,
		       cases[i].s, c, s);
		EXPECT_EQ(cases[i].want, c);
		EXPECT_EQ(cases[i].want, s);
	}
}

struct sink {
	int fd;
	size_t len;
	unsigned char *buf;
	ssize_t got;
};

static void *sink_run(void *arg)
{
	struct sink *s = arg;

	s->got = recv_all(s->fd, s->buf, s->len);
	return NULL;
}

struct run {
	struct xtcp_info cli, srv;
	int intact;
};

/*
 * 4 MB from xa to xb through netem "loss 3% ecn" on xa's side: a packet
 * it picks is marked CE if it is ECT, dropped if not.  Everything runs
 * on one CPU: veth hands a packet to the backlog of the CPU that sent
 * it, so a sender whose segments leave from two CPUs (its own call and
 * an ACK's softirq) sees them reordered, and a spurious fast
 * retransmit would blur what this test counts.
 */
static int marked_transfer(int ecn, unsigned short port, struct run *r)
{
	const size_t len = 4 << 20;
	unsigned char *out = malloc(len), *in = malloc(len);
	struct sink s = { .len = len, .buf = in };
	cpu_set_t all, one;
	pthread_t thr;
	int cli, srv, err = -1;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_getaffinity(0, sizeof(all), &all) ||
	    sched_setaffinity(0, sizeof(one), &one))
		goto free;
	if (!out || !in || ns_sysctl("xa", "ecn", ecn ? "1" : "2") ||
	    pair(port, &cli, &srv))
		goto out;
	fill(out, len, port);
	if (ns_qdisc("xa", "netem loss 3% ecn"))
		goto close;
	s.fd = srv;
	if (pthread_create(&thr, NULL, sink_run, &s))
		goto close;
	send_all(cli, out, len);
	pthread_join(thr, NULL);
	if (info_of(cli, &r->cli) || info_of(srv, &r->srv))
		goto close;
	r->intact = s.got == (ssize_t)len && !memcmp(out, in, len);
	err = 0;
close:
	ns_qdisc_del("xa");
	close(cli);
	close(srv);
out:
	sched_setaffinity(0, sizeof(all), &all);
free:
	free(out);
	free(in);
	return err;
}

TEST_F(ecn, marks_take_the_place_of_drops)
{
	struct run with, without;

	ASSERT_EQ(0, marked_transfer(1, 8411, &with));
	ASSERT_EQ(0, marked_transfer(0, 8412, &without));
	TH_LOG("with ECN: %u CE received, %u reductions, %llu resent",
	       with.srv.ce_received, with.cli.ecn_reductions,
	       (unsigned long long)with.cli.total_retrans);
	TH_LOG("with ECN: %llu fast retransmits, %llu timeouts, %u D-SACKs",
	       (unsigned long long)with.cli.fast_retrans,
	       (unsigned long long)with.cli.timeouts, with.cli.dsack_dups);
	TH_LOG("without: %u CE received, %u reductions, %llu resent",
	       without.srv.ce_received, without.cli.ecn_reductions,
	       (unsigned long long)without.cli.total_retrans);
	ASSERT_TRUE(with.intact);
	ASSERT_TRUE(without.intact);
	ASSERT_TRUE(with.cli.options & XTCP_INFO_OPT_ECN);
	ASSERT_FALSE(without.cli.options & XTCP_INFO_OPT_ECN);
	/* Marks arrived, were echoed and slowed the sender down... */
	EXPECT_GT(with.srv.ce_received, 0);
	EXPECT_GT(with.cli.ecn_reductions, 0);
	/* ...and no data was lost: new data is ECT, so never dropped. */
	EXPECT_EQ(0, with.cli.total_retrans);
	/* The same qdisc without ECN drops, and the sender resends. */
	EXPECT_EQ(0, without.srv.ce_received);
	EXPECT_EQ(0, without.cli.ecn_reductions);
	EXPECT_GT(without.cli.total_retrans, 0);
}

TEST_HARNESS_MAIN
