// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accounting (module/mem.c) over real sockets between the
 * namespaces xa and xb: sockets are counted, net.xtcp.mem bounds what
 * all queues hold together and loses no accepted byte, pressure comes
 * and goes, an orphan past the hard limit is reset, and an accepted
 * child is charged to the accepting task's memory cgroup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "conn_util.h"

#define MEM_SYSCTL "/proc/sys/net/xtcp/mem"
#define NCONN 16

/* The tests run in a namespace of their own; net.xtcp.mem is init_net's. */
static int mem_sysctl(char *buf, size_t len, const char *set)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY);
	int init = open("/proc/1/ns/net", O_RDONLY), err = -1;

	if (self >= 0 && init >= 0 && !setns(init, CLONE_NEWNET)) {
		err = set ? write_file(MEM_SYSCTL, set) :
			    read_file(MEM_SYSCTL, buf, len) > 0 ? 0 : -1;
		setns(self, CLONE_NEWNET);
	}
	if (init >= 0)
		close(init);
	if (self >= 0)
		close(self);
	return err;
}

FIXTURE(mem)
{
	char saved[128];
};

/* Every test leaves net.xtcp.mem as it found it. */
FIXTURE_SETUP(mem)
{
	ASSERT_EQ(0, mem_sysctl(self->saved, sizeof(self->saved), NULL));
}

FIXTURE_TEARDOWN(mem)
{
	mem_sysctl(NULL, 0, self->saved);
}

struct sockstat {
	long orphan, tw, alloc, mem, pressure;
};

static int read_sockstat(struct sockstat *st)
{
	FILE *f = ns_proc_open("xa", "xtcp_sockstat");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "XTCP: orphan %ld tw %ld alloc %ld mem %ld pressure %ld",
		   &st->orphan, &st->tw, &st->alloc, &st->mem, &st->pressure);
	fclose(f);
	return n == 5 ? 0 : -1;
}

static long pages_per_cpu_slack(void)
{
	/* The core flushes a CPU's share of the count every 1 MB. */
	return 256L * sysconf(_SC_NPROCESSORS_ONLN);
}

/* Byte @off of connection @i's stream. */
static unsigned char pat(int i, size_t off)
{
	return (unsigned char)(off * 131 + i * 7 + (off >> 12));
}

static void fill_at(unsigned char *buf, size_t len, int i, size_t off)
{
	size_t k;

	for (k = 0; k < len; k++)
		buf[k] = pat(i, off + k);
}

struct conns {
	int cli[NCONN], srv[NCONN];
	size_t sent[NCONN];
};

/* NCONN pairs, buffers of @buf bytes each side, clients non-blocking. */
static int open_conns(struct conns *c, unsigned short port, int buf)
{
	int l = listener(port, NCONN), i;

	if (l < 0)
		return -1;
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	for (i = 0; i < NCONN; i++) {
		c->cli[i] = socket_in("xa", SOCK_NONBLOCK);
		c->sent[i] = 0;
		if (c->cli[i] < 0)
			return -1;
		setsockopt(c->cli[i], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		if (connect_to(c->cli[i], SERVER_IP, port) != -EINPROGRESS)
			return -1;
		c->srv[i] = accept(l, NULL, NULL);
		if (c->srv[i] < 0)
			return -1;
	}
	close(l);
	return 0;
}

/*
 * Write into every connection until none takes a byte for a second:
 * the receivers do not read, so the queues fill as far as memory
 * allows.
 */
static void fill_conns(struct conns *c)
{
	unsigned char buf[16384];
	double idle = now_s() + 1, end = now_s() + 60;
	int i;

	while (now_s() < idle && now_s() < end) {
		for (i = 0; i < NCONN; i++) {
			ssize_t n;

			fill_at(buf, sizeof(buf), i, c->sent[i]);
			n = send(c->cli[i], buf, sizeof(buf), MSG_NOSIGNAL);
			if (n > 0) {
				c->sent[i] += n;
				idle = now_s() + 1;
			}
		}
		usleep(1000);
	}
}

/* Bytes held in all queues: unsent/unacked at clients, unread at servers. */
static long held_bytes(struct conns *c)
{
	long total = 0;
	int i, v;

	for (i = 0; i < NCONN; i++) {
		if (!ioctl(c->cli[i], SIOCOUTQ, &v))
			total += v;
		if (!ioctl(c->srv[i], SIOCINQ, &v))
			total += v;
	}
	return total;
}

/*
 * Read every connection from @first on to its end, all at once (as the
 * memory one frees is what the others need); 0 if each held exactly
 * what was sent to it, in order.
 */
static int drain_verify(struct conns *c, int first)
{
	size_t got[NCONN] = { 0 };
	unsigned char buf[16384];
	double end = now_s() + 240;
	int open = 0, i;

	for (i = first; i < NCONN; i++, open++)
		shutdown(c->cli[i], SHUT_WR);
	while (open && now_s() < end) {
		struct pollfd p[NCONN];

		for (i = first; i < NCONN; i++)
			p[i - first] = (struct pollfd){
				.fd = got[i] == (size_t)-1 ? -1 : c->srv[i],
				.events = POLLIN,
			};
		if (poll(p, NCONN - first, 1000) < 0)
			return -errno;
		for (i = first; i < NCONN; i++) {
			ssize_t n, k;

			if (!(p[i - first].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = recv(c->srv[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n < 0)
				return -errno;
			if (!n) {
				if (got[i] != c->sent[i])
					return -ERANGE;
				got[i] = (size_t)-1;
				open--;
				continue;
			}
			for (k = 0; k < n; k++)
				if (buf[k] != pat(i, got[i] + k))
					return -EBADMSG;
			got[i] += n;
		}
	}
	return open ? -ETIMEDOUT : 0;
}

static void close_conns(struct conns *c)
{
	int i;

	for (i = 0; i < NCONN; i++) {
		close(c->cli[i]);
		close(c->srv[i]);
	}
}

static int wait_no_pressure(long below, double secs)
{
	double end = now_s() + secs;
	struct sockstat st;

	do {
		if (!read_sockstat(&st) && !st.pressure && st.mem <= below)
			return 0;
		usleep(20000);
	} while (now_s() < end);
	return -1;
}

/* Sockets are counted from socket() or accept() to their last reference. */
TEST(sockets_allocated_counts_every_socket)
{
	struct sockstat a, b, c;
	int fds[64], i, tries;

	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, read_sockstat(&a));
		for (i = 0; i < 64; i++)
			ASSERT_LE(0, fds[i] = socket_in("xa", 0));
		ASSERT_EQ(0, read_sockstat(&b));
		for (i = 0; i < 64; i++)
			close(fds[i]);
		usleep(100000);
		ASSERT_EQ(0, read_sockstat(&c));
		/* Another test's dying sockets may move the count meanwhile. */
		if (b.alloc == a.alloc + 64 && c.alloc == a.alloc)
			break;
	}
	EXPECT_EQ(a.alloc + 64, b.alloc);
	EXPECT_EQ(a.alloc, c.alloc);
}

/*
 * Sixteen connections whose readers sleep, each allowed 1 MB of send
 * and receive buffer, would hold over 16 MB; net.xtcp.mem "1024 1536
 * 2048" must keep all queues together near 8 MB (2048 pages, plus
 * what the CPUs have not flushed, plus each socket's minimum), put
 * xtcp under memory pressure, and then, as the readers read, deliver
 * every byte that was accepted, in order.
 */
TEST_F_TIMEOUT(mem, mem_limit_bounds_queues_and_loses_nothing, 300)
{
	long limit = 2048, bound, held;
	struct sockstat st;
	struct conns c;

	ASSERT_EQ(0, mem_sysctl(NULL, 0, "1024 1536 2048"));
	ASSERT_EQ(0, open_conns(&c, 7601, 1024 * 1024));
	fill_conns(&c);

	held = held_bytes(&c);
	ASSERT_EQ(0, read_sockstat(&st));
	bound = (limit + pages_per_cpu_slack() + 2 * NCONN * 8) * 4096;
	TH_LOG("held %ld bytes, %ld pages charged, pressure %ld, bound %ld",
	       held, st.mem, st.pressure, bound);
	EXPECT_LE(held, bound);
	EXPECT_LE(st.mem, bound / 4096);
	EXPECT_LE(1024, st.mem);
	EXPECT_EQ(1, st.pressure);
	EXPECT_LT(0, ns_counter("xa", "MemoryPressures") +
		     ns_counter("xb", "MemoryPressures"));

	EXPECT_EQ(0, drain_verify(&c, 0));
	close_conns(&c);
	mem_sysctl(NULL, 0, self->saved);
	EXPECT_EQ(0, wait_no_pressure(pages_per_cpu_slack(), 20));
}

/*
 * Without the limit the same load takes what the buffers allow: more
 * than the bound of the test above, so the limit is what held it.
 */
TEST_F_TIMEOUT(mem, mem_unlimited_load_is_larger, 300)
{
	struct sockstat st;
	struct conns c;
	long held;

	ASSERT_EQ(0, open_conns(&c, 7602, 1024 * 1024));
	fill_conns(&c);
	held = held_bytes(&c);
	ASSERT_EQ(0, read_sockstat(&st));
	TH_LOG("held %ld bytes, %ld pages charged, pressure %ld",
	       held, st.mem, st.pressure);
	EXPECT_LT(2048 + pages_per_cpu_slack() + 2 * NCONN * 8, st.mem);
	EXPECT_EQ(0, st.pressure);
	EXPECT_EQ(0, drain_verify(&c, 0));
	close_conns(&c);
}

/*
 * Past the hard limit, closing a socket that still has data to send
 * resets it (AbortOnMemory) instead of leaving an orphan to hold the
 * memory; the reader sees ECONNRESET after what had arrived.
 */
TEST_F_TIMEOUT(mem, orphan_past_hard_limit_is_reset, 300)
{
	long before = ns_counter("xa", "AbortOnMemory");
	unsigned char buf[16384];
	struct conns c;
	ssize_t n;

	ASSERT_EQ(0, open_conns(&c, 7603, 1024 * 1024));
	fill_conns(&c);
	/* Now far past a hard limit of three pages. */
	ASSERT_EQ(0, mem_sysctl(NULL, 0, "1 2 3"));
	close(c.cli[0]);
	c.cli[0] = socket_in("xa", 0);
	do
		n = recv(c.srv[0], buf, sizeof(buf), 0);
	while (n > 0);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(before + 1, ns_counter("xa", "AbortOnMemory"));
	mem_sysctl(NULL, 0, self->saved);
	EXPECT_EQ(0, drain_verify(&c, 1));
	close_conns(&c);
}

/* Bad values are refused and change nothing. */
TEST_F(mem, mem_sysctl_validates)
{
	char now[128];

	EXPECT_NE(0, mem_sysctl(NULL, 0, "3 2 1"));
	EXPECT_NE(0, mem_sysctl(NULL, 0, "0 1 2"));
	ASSERT_EQ(0, mem_sysctl(now, sizeof(now), NULL));
	EXPECT_STREQ(self->saved, now);
	/* As tcp_mem, in the initial namespace only. */
	EXPECT_NE(0, ns_run("xa", "test -e " MEM_SYSCTL));
}

#define CG_ROOT "/sys/fs/cgroup"
#define CG_TEST CG_ROOT "/xtcp_mem_test"

/* The cgroup's charged memory: exact, unlike memory.stat's lazy "sock". */
static long cg_current(void)
{
	char buf[64];

	if (read_file(CG_TEST "/memory.current", buf, sizeof(buf)) <= 0)
		return -1;
	return atol(buf);
}

static int cg_setup(void)
{
	char buf[256];

	if (read_file(CG_ROOT "/cgroup.controllers", buf, sizeof(buf)) <= 0 &&
	    mount("none", CG_ROOT, "cgroup2", 0, NULL))
		return -1;
	if (read_file(CG_ROOT "/cgroup.controllers", buf, sizeof(buf)) <= 0 ||
	    !strstr(buf, "memory"))
		return -1;
	write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(CG_TEST, 0755) && errno != EEXIST)
		return -1;
	snprintf(buf, sizeof(buf), "%d", getpid());
	return write_file(CG_TEST "/cgroup.procs", buf);
}

/*
 * A child is made in softirq, outside any cgroup; accept() charges it,
 * and what it already holds, to the accepting task's memory cgroup, so
 * the cgroup's charge grows by at least the child's unread data, less
 * what the CPU's charge stock (MEMCG_CHARGE_BATCH, 64 pages) may
 * already have counted in memory.current: the child holds well over
 * that (a 4 MB buffer, 1.5 MB sent), so a child left uncharged fails.
 */
TEST_F_TIMEOUT(mem, accepted_child_charged_to_memcg, 120)
{
	static unsigned char buf[256 * 1024];
	long before, after, stock = 2 * 64 * 4096;
	int l, cli, srv, inq, big = 2 << 20, i;
	char pid[32];

	if (cg_setup())
		SKIP(return, "no cgroup v2 memory controller");
	l = listener(7604, 4);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, setsockopt(l, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)));
	cli = socket_in("xa", 0);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, connect_to(cli, SERVER_IP, 7604));
	for (i = 0; i < 6; i++)
		ASSERT_EQ((ssize_t)sizeof(buf), send_all(cli, buf, sizeof(buf)));
	usleep(300000);
	before = cg_current();
	srv = accept(l, NULL, NULL);
	ASSERT_LE(0, srv);
	after = cg_current();
	ASSERT_EQ(0, ioctl(srv, SIOCINQ, &inq));
	TH_LOG("memory.current %ld -> %ld bytes, child holds %d unread", before, after, inq);
	EXPECT_LT(2 * stock, inq);
	EXPECT_LE(before + inq - stock, after);
	close(srv);
	close(cli);
	close(l);
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CG_ROOT "/cgroup.procs", pid);
	rmdir(CG_TEST);
}

TEST_HARNESS_MAIN
