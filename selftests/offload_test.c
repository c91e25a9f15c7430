// SPDX-License-Identifier: GPL-2.0
/*
 * The receive side of the data path between the namespaces xa and xb:
 * GRO merging software-cut segments (module/gro.c), seen by a packet
 * socket on the receiver's veth, which taps after GRO; and small
 * segments coalescing in the receive queue even though veth delivers
 * clones, seen in SO_MEMINFO.
 *
 * guest-test turns transmit checksums off on both veths, so the sender
 * cuts every super-segment in software and checksums each piece: the
 * receiver's GRO has to verify them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

static int debug_kernel(void)
{
	const char *k = getenv("XTCP_KERNEL");

	return k && !strcmp(k, "debug");
}

/* A datagram packet socket on @dev in @ns: IPv4 packets, from the IP header. */
static int packet_socket_in(const char *ns, const char *dev)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;
	int big = 32 << 20;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
	};

	if (self < 0)
		return -1;
	if (!ns_enter(ns)) {
		sll.sll_ifindex = if_nametoindex(dev);
		s = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
		/* Room for every packet of a transfer: none is to be lost. */
		if (s >= 0)
			setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
		if (s >= 0 && (!sll.sll_ifindex ||
			       bind(s, (struct sockaddr *)&sll, sizeof(sll)))) {
			close(s);
			s = -1;
		}
	}
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

/* What a capture thread saw arrive (not leave) with our protocol. */
struct capture {
	int fd;
	atomic_int stop;
	long packets, max_len, over_mtu;
};

static void *capture_thread(void *arg)
{
	struct capture *c = arg;
	unsigned char buf[64];

	while (!atomic_load(&c->stop)) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		struct iphdr *ip = (struct iphdr *)buf;
		ssize_t n;

		if (poll(&p, 1, 20) <= 0)
			continue;
		/* MSG_TRUNC: the packet's whole length, not what was copied. */
		n = recvfrom(c->fd, buf, sizeof(buf), MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);
		if (n < (ssize_t)sizeof(*ip) || from.sll_pkttype == PACKET_OUTGOING ||
		    ip->protocol != 253)
			continue;
		c->packets++;
		if (n > c->max_len)
			c->max_len = n;
		if (n > 1500)
			c->over_mtu++;
	}
	return NULL;
}

struct sender {
	int fd;
	size_t len;
	unsigned int seed;
	ssize_t ret;
};

static void *send_thread(void *arg)
{
	struct sender *s = arg;
	char *buf = malloc(s->len);

	if (!buf) {
		s->ret = -ENOMEM;
		return NULL;
	}
	fill(buf, s->len, s->seed);
	s->ret = send_all(s->fd, buf, s->len);
	free(buf);
	return NULL;
}

/* Send @len bytes @from -> @to, read and compare them.  Return: 0 if intact. */
static int transfer(int from, int to, size_t len, unsigned int seed)
{
	struct sender s = { .fd = from, .len = len, .seed = seed };
	char *want = malloc(len), *got = malloc(len);
	pthread_t t;
	int ret = -1;

	if (!want || !got)
		goto out;
	fill(want, len, seed);
	if (pthread_create(&t, NULL, send_thread, &s))
		goto out;
	if (recv_all(to, got, len) == (ssize_t)len)
		ret = 0;
	pthread_join(t, NULL);
	if (s.ret != (ssize_t)len || memcmp(want, got, len))
		ret = -1;
out:
	free(want);
	free(got);
	return ret;
}

/* A transfer xa -> xb on @port while capturing at vb. */
static int captured_transfer(unsigned short port, size_t len,
			     struct capture *c)
{
	int cli, srv, ret = -1;
	pthread_t t;

	memset(c, 0, sizeof(*c));
	c->fd = packet_socket_in("xb", "vb");
	if (c->fd < 0)
		return -1;
	if (pthread_create(&t, NULL, capture_thread, c)) {
		close(c->fd);
		return -1;
	}
	if (!pair(port, &cli, &srv)) {
		ret = transfer(cli, srv, len, port);
		close(cli);
		close(srv);
	}
	usleep(100000);
	atomic_store(&c->stop, 1);
	pthread_join(t, NULL);
	close(c->fd);
	return ret;
}

FIXTURE(off)
{
	int cli, srv;
};

FIXTURE_SETUP(off)
{
	self->cli = -1;
	self->srv = -1;
}

/* Whether a test turned vb's GRO on (its process's; see ns_qdisc_set). */
static bool gro_changed;

FIXTURE_TEARDOWN(off)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	if (gro_changed)
		ns_run("xb", "ethtool -K vb gro off");
	ns_qdisc_del("xb");
}

/*
 * Without GRO every segment arrives at vb as cut (at most the MTU);
 * with it, in-order runs of them arrive merged, checksums verified on
 * the way (none fails), and the bytes are the bytes sent.
 */
TEST_F_TIMEOUT(off, gro_merges_software_cut_segments, 300)
{
	size_t len = debug_kernel() ? 256 << 10 : 1 << 20;
	long csum = ns_counter("xb", "InCsumErrors");
	struct capture c;

	gro_changed = true;
	ASSERT_EQ(0, ns_run("xb", "ethtool -K vb gro off"));
	ASSERT_EQ(0, captured_transfer(7601, len, &c));
	TH_LOG("gro off: %ld packets, largest %ld", c.packets, c.max_len);
	EXPECT_GT(c.packets, (long)(len / 1448));
	EXPECT_LE(c.max_len, 1500);

	ASSERT_EQ(0, ns_run("xb", "ethtool -K vb gro on"));
	ASSERT_EQ(0, captured_transfer(7602, len, &c));
	TH_LOG("gro on: %ld packets, largest %ld, %ld over the MTU",
	       c.packets, c.max_len, c.over_mtu);
	EXPECT_GT(c.max_len, 1500);
	EXPECT_GT(c.over_mtu, 0);
	EXPECT_LT(c.packets, (long)(len / 1448));
	EXPECT_EQ(csum, ns_counter("xb", "InCsumErrors"));
}

/* The receive queue's memory (SK_MEMINFO_RMEM_ALLOC) of @fd. */
static long rmem_alloc(int fd)
{
	__u32 mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len))
		return -1;
	return mem[SK_MEMINFO_RMEM_ALLOC];
}

/*
 * 400 segments of 100 bytes, unread: each arrives as a clone of the
 * sender's skb with a buffer of its own, some ten times its payload.
 * Coalesced into the queue's tail, 17 to an skb, they cost less than
 * three times their payload; queued one by one they would cost more
 * than seven times (and overrun the 256 KB buffer).
 */
TEST_F_TIMEOUT(off, small_segments_coalesce_in_receive_queue, 300)
{
	int one = 1, i, n = 400, seg = 100;
	long mem, segs = ns_counter("xb", "InSegs");
	char buf[100];

	/*
	 * The ACKs are slowed, so that the sender still holds each skb
	 * (the clone's other half) when the next arrives.
	 */
	ASSERT_EQ(0, ns_qdisc("xb", "netem delay 100ms"));
	ASSERT_EQ(0, pair(7603, &self->cli, &self->srv));
	ASSERT_EQ(0, setsockopt(self->cli, SOL_XTCP, XTCP_NODELAY, &one, sizeof(one)));
	memset(buf, 'c', sizeof(buf));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(seg, send(self->cli, buf, seg, 0));
		usleep(3000);
	}
	for (i = 0; i < 200 && (ioctl(self->srv, FIONREAD, &one), one) < n * seg; i++)
		usleep(10000);
	ASSERT_EQ(n * seg, one);
	mem = rmem_alloc(self->srv);
	TH_LOG("%d bytes queued in %ld bytes of buffers; %ld segments", n * seg,
	       mem, ns_counter("xb", "InSegs") - segs);
	EXPECT_GT(mem, n * seg);
	EXPECT_LT(mem, 3L * n * seg);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(seg, recv(self->srv, buf, seg, MSG_WAITALL));
		ASSERT_EQ('c', buf[seg - 1]);
	}
	EXPECT_EQ(0, rmem_alloc(self->srv));
}

TEST_HARNESS_MAIN
