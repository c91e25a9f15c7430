// SPDX-License-Identifier: GPL-2.0
/*
 * Tail loss probes (RFC 8985 §7) over real sockets.  Request/response
 * rounds in which the server's responses, one segment each, are lost
 * deterministically: a u32 filter on the server's egress picks our
 * protocol's segments with PSH, and gact drops every second one.  Each
 * lost response is the tail of its flight, with nothing after it to
 * draw a duplicate ACK.  With probes every loss is repaired by a probe
 * and no retransmission timeout happens, and the probe's ACK, echoing
 * the probe's timestamp, says at once that it repaired a loss; with
 * net.xtcp.tlp=0 every loss is a timeout.  Every byte is checked both
 * ways.  (The debug kernel has no u32 classifier: skipped there.)
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

#define ROUNDS		12
#define REQ_LEN		100
#define RESP_LEN	500

/* Every second segment with PSH that xb sends is dropped. */
#define DROP_PSH "tc qdisc replace dev vb root handle 1: prio && " \
	"tc filter add dev vb parent 1: protocol ip prio 1 u32 " \
	"match ip protocol 253 0xff match u8 0x08 0x08 at 33 " \
	"action gact ok random determ drop 2"

FIXTURE(tlp) {
	int cli, srv;
};

FIXTURE_SETUP(tlp)
{
	self->cli = -1;
	self->srv = -1;
}

FIXTURE_TEARDOWN(tlp)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	ns_sysctl("xb", "tlp", "0");
	ns_qdisc_del("xb");
}

struct counts {
	long probes, recovered, timeouts;
};

static int counts_of(struct counts *c)
{
	c->probes = ns_counter("xb", "TLPProbes");
	c->recovered = ns_counter("xb", "TLPRecovery");
	c->timeouts = ns_counter("xb", "Timeouts");
	return c->probes < 0 || c->recovered < 0 || c->timeouts < 0 ? -1 : 0;
}

/* ROUNDS requests from xa, each answered by xb; 0 if every byte came. */
static int rounds(int cli, int srv, unsigned int seed)
{
	unsigned char req[REQ_LEN], resp[RESP_LEN], got[RESP_LEN];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		fill(req, sizeof(req), seed + i);
		fill(resp, sizeof(resp), seed + 1000 + i);
		if (send_all(cli, req, sizeof(req)) != sizeof(req) ||
		    recv_all(srv, got, sizeof(req)) != sizeof(req) ||
		    memcmp(got, req, sizeof(req)))
			return -1;
		if (send_all(srv, resp, sizeof(resp)) != sizeof(resp) ||
		    recv_all(cli, got, sizeof(resp)) != sizeof(resp) ||
		    memcmp(got, resp, sizeof(resp)))
			return -1;
	}
	return 0;
}

/* The rounds with net.xtcp.tlp=@tlp at the server: counter deltas. */
static int lossy_rounds(struct __test_metadata *_metadata, int tlp,
			unsigned short port, struct counts *d)
{
	struct counts before, after;
	int cli, srv, err;

	if (ns_sysctl("xb", "tlp", tlp ? "1" : "0") || pair(port, &cli, &srv))
		return -1;
	err = counts_of(&before);
	if (!err)
		err = rounds(cli, srv, port);
	if (!err)
		err = counts_of(&after);
	close(cli);
	close(srv);
	if (err)
		return -1;
	d->probes = after.probes - before.probes;
	d->recovered = after.recovered - before.recovered;
	d->timeouts = after.timeouts - before.timeouts;
	TH_LOG("tlp=%d: %ld probes, %ld repaired by a probe, %ld timeouts",
	       tlp, d->probes, d->recovered, d->timeouts);
	return 0;
}

TEST_F(tlp, lost_responses_repaired_by_probes_not_timeouts)
{
	struct counts with, without;

	ns_qdisc_note("xb");
	if (ns_sh("xb", DROP_PSH " 2>/dev/null"))
		SKIP(return, "no u32 classifier or gact action in this kernel");
	ASSERT_EQ(0, lossy_rounds(_metadata, 1, 8501, &with));
	ASSERT_EQ(0, lossy_rounds(_metadata, 0, 8502, &without));
	/*
	 * From the second round on every response is dropped once and its
	 * probe passes: a probe each, and no timeout.  Each probe's ACK
	 * echoes the probe's timestamp, so it counts as a repaired loss at
	 * once (the last one's ACK may come after the counters are read).
	 */
	EXPECT_GE(with.probes, ROUNDS - 2);
	EXPECT_EQ(0, with.timeouts);
	EXPECT_GE(with.recovered, ROUNDS - 3);
	/* Without probes, the same losses wait for the RTO. */
	EXPECT_EQ(0, without.probes);
	EXPECT_GE(without.timeouts, ROUNDS - 2);
}

TEST_HARNESS_MAIN
