// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection (debug kernel: CONFIG_FAULT_INJECTION, FAILSLAB,
 * FAIL_PAGE_ALLOC): each socket call runs with
 * /proc/thread-self/fail-nth = 1, 2, ... until no allocation of it
 * fails any more.  Every injected failure must give an error or be
 * absorbed (a retransmission), never a crash, a hang or a leak
 * (kmemleak runs after the suite); data that was accepted must arrive
 * byte for byte.  A second test fails a share of all skb allocations
 * (softirq ones included) during a transfer, which must still complete
 * exactly.  Skipped where the kernel has no fault injection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

#define DBG "/sys/kernel/debug"

static int fail_nth_fd = -1;

/* Make fail-nth usable: sleeping allocations fail too, quietly. */
static int fault_knobs_set(void)
{
	static const char *const knobs[][2] = {
		{ DBG "/failslab/ignore-gfp-wait", "N" },
		{ DBG "/failslab/verbose", "0" },
		{ DBG "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ DBG "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ DBG "/fail_page_alloc/verbose", "0" },
	};
	unsigned int i;

	if (access("/proc/thread-self/fail-nth", W_OK))
		return -1;
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (write_file(knobs[i][0], knobs[i][1]))
			return -1;
	return 0;
}

/* Arm fail-nth for the calling thread. */
static void fail_nth(int n)
{
	char buf[16];

	if (fail_nth_fd < 0)
		fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	snprintf(buf, sizeof(buf), "%d", n);
	if (pwrite(fail_nth_fd, buf, strlen(buf), 0) < 0)
		abort();
}

/* After the call: was the n-th allocation reached (and failed)? */
static int fault_was_injected(void)
{
	char buf[16] = "";

	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) < 0)
		abort();
	fail_nth(0);
	return atoi(buf) == 0;
}

/* How the n-th failure of one call went. */
struct outcome {
	int injected;	/* calls in which a failure was injected */
	int errors;	/* of them, how many returned an error */
};

/*
 * Run @call with the 1st, 2nd, ... allocation in it failing, until one
 * run reaches no more allocations.  @prep runs before each, unfaulted;
 * @call returns 0 or -errno; @undo cleans up after each run.
 */
#define FAULT_LOOP(out, max, prep, call, undo) do {			\
	struct outcome *__o = (out);					\
	int __n;							\
	for (__n = 1; __n <= (max); __n++) {				\
		int __r, __inj;						\
		prep;							\
		fail_nth(__n);						\
		__r = (call);						\
		__inj = fault_was_injected();				\
		undo;							\
		if (!__inj)						\
			break;						\
		__o->injected++;					\
		__o->errors += __r < 0;					\
	}								\
} while (0)

static int debug_kernel(void)
{
	const char *k = getenv("XTCP_KERNEL");

	return k && !strcmp(k, "debug");
}

FIXTURE(fault)
{
	int l;
	int unsupported;
};

FIXTURE_SETUP(fault)
{
	self->l = -1;
	self->unsupported = fault_knobs_set() != 0;
	if (self->unsupported)
		return;
	self->l = listener(7400, 64);
	ASSERT_GE(self->l, 0);
}

/* A SKIP in FIXTURE_SETUP does not stop the test on 6.1's harness. */
#define NO_FAULT_INJECTION "no fault injection (CONFIG_FAULT_INJECTION) in this kernel"

FIXTURE_TEARDOWN(fault)
{
	if (self->l >= 0)
		close(self->l);
}

static void close_if_open(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int do_socket(int *fd)
{
	*fd = socket_in("xa", 0);
	return *fd < 0 ? -errno : 0;
}

static int do_bind(int fd)
{
	return xtcp_bind(fd, CLIENT_IP, 0);
}

static int do_listen(int fd)
{
	return listen(fd, 4) ? -errno : 0;
}

/* Accept and drop whatever connects to @l, until told to stop. */
struct acceptor {
	int l;
	int stop;		/* read and written with __atomic */
	pthread_t t;
};

static void *accept_thread(void *p)
{
	struct acceptor *a = p;

	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd pf = { .fd = a->l, .events = POLLIN };

		if (poll(&pf, 1, 50) == 1) {
			int s = accept(a->l, NULL, NULL);

			if (s >= 0)
				close(s);
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(fault, socket_bind_listen_setsockopt, 900)
{
	/* An IP option (record route), which ip_setsockopt() allocates. */
	unsigned char ipopt[8] = { 7, 7, 4, 0, 0, 0, 0, 1 };
	struct outcome o = { 0 };
	int fd = -1, one = 1;

	if (self->unsupported)
		SKIP(return, NO_FAULT_INJECTION);

	FAULT_LOOP(&o, 200, (void)0, do_socket(&fd), close_if_open(fd));
	TH_LOG("socket: %d injected, %d errors", o.injected, o.errors);
	EXPECT_GT(o.injected, 0);

	memset(&o, 0, sizeof(o));
	FAULT_LOOP(&o, 200, fd = socket_in("xa", 0), do_bind(fd), close(fd));
	TH_LOG("bind: %d injected, %d errors", o.injected, o.errors);

	memset(&o, 0, sizeof(o));
	FAULT_LOOP(&o, 200, fd = socket_in("xa", 0), do_listen(fd), close(fd));
	TH_LOG("listen: %d injected, %d errors", o.injected, o.errors);

	memset(&o, 0, sizeof(o));
	/* (Not SO_ATTACH_FILTER: its vmalloc warns with a stack dump.) */
	FAULT_LOOP(&o, 200, fd = socket_in("xa", 0),
		   (setsockopt(fd, SOL_IP, IP_OPTIONS, ipopt, sizeof(ipopt)) ? -errno :
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ? -errno :
		    setsockopt(fd, SOL_XTCP, XTCP_NODELAY, &one, sizeof(one)) ? -errno : 0),
		   close(fd));
	TH_LOG("setsockopt: %d injected, %d errors", o.injected, o.errors);
	EXPECT_GT(o.injected, 0);
}

static int do_connect(int *fd)
{
	*fd = socket_in("xa", 0);
	if (*fd < 0)
		return -errno;
	return connect_to(*fd, SERVER_IP, 7400);
}

TEST_F_TIMEOUT(fault, connect_accept_close, 900)
{
	struct acceptor a = { .l = self->l };
	struct outcome o = { 0 };
	int fd = -1, c, s, i;

	if (self->unsupported)
		SKIP(return, NO_FAULT_INJECTION);

	pthread_create(&a.t, NULL, accept_thread, &a);
	FAULT_LOOP(&o, 300, fd = socket_in("xa", 0), connect_to(fd, SERVER_IP, 7400), close(fd));
	TH_LOG("connect: %d injected, %d errors", o.injected, o.errors);
	EXPECT_GT(o.injected, 0);
	/* close() of established connections. */
	memset(&o, 0, sizeof(o));
	FAULT_LOOP(&o, 300, do_connect(&fd), close(fd) ? -errno : 0, (void)0);
	TH_LOG("close: %d injected, %d errors", o.injected, o.errors);
	__atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
	pthread_join(a.t, NULL);

	/* accept() with failures, the connection made beforehand. */
	memset(&o, 0, sizeof(o));
	for (i = 1; i <= 300; i++) {
		int inj;

		c = socket_in("xa", 0);
		ASSERT_EQ(connect_to(c, SERVER_IP, 7400), 0);
		fail_nth(i);
		s = accept(self->l, NULL, NULL);
		inj = fault_was_injected();
		if (s >= 0)
			close(s);
		close(c);
		if (!inj)
			break;
		o.injected++;
		o.errors += s < 0;
	}
	TH_LOG("accept: %d injected, %d errors", o.injected, o.errors);
	EXPECT_GT(o.injected, 0);
	/* The queue is not left with a stranded child. */
	c = socket_in("xa", 0);
	ASSERT_EQ(connect_to(c, SERVER_IP, 7400), 0);
	s = accept(self->l, NULL, NULL);
	EXPECT_GE(s, 0);
	close(s);
	close(c);
}

/* Send (or receive) with failures; the stream stays byte-exact. */
TEST_F_TIMEOUT(fault, sendmsg_recvmsg_stay_exact, 900)
{
	size_t len = debug_kernel() ? 64 * 1024 : 256 * 1024, sent = 0, got = 0;
	char *want = malloc(len), *buf = malloc(len);
	struct outcome os = { 0 }, orx = { 0 };
	int c, s, n;

	if (self->unsupported)
		SKIP(return, NO_FAULT_INJECTION);

	ASSERT_NE(want, NULL);
	ASSERT_NE(buf, NULL);
	fill(want, len, 7);
	c = socket_in("xa", 0);
	ASSERT_EQ(connect_to(c, SERVER_IP, 7400), 0);
	s = accept(self->l, NULL, NULL);
	ASSERT_GE(s, 0);

	/* Each step: one send and one receive, each with its n-th failure. */
	for (n = 1; sent < len || got < len; n++) {
		/* The first few allocations of each call, 600 times. */
		int k = n > 600 ? 0 : 1 + n % 6, inj;
		ssize_t r;

		if (sent < len) {
			size_t chunk = len - sent < 4096 ? len - sent : 4096;

			fail_nth(k);
			r = send(c, want + sent, chunk, MSG_DONTWAIT);
			inj = k && fault_was_injected();
			os.injected += inj;
			os.errors += inj && r < 0;
			if (r > 0)
				sent += r;
			else if (!inj && r < 0 && errno != EAGAIN)
				break;
		}
		fail_nth(k);
		r = recv(s, buf + got, len - got, MSG_DONTWAIT);
		inj = k && fault_was_injected();
		orx.injected += inj;
		orx.errors += inj && r < 0;
		if (r > 0)
			got += r;
		else if (r == 0)
			break;
		if (n > 100000)
			break;
		if (r < 0 && errno == EAGAIN)
			usleep(1000);
	}
	TH_LOG("sendmsg: %d injected, %d errors; recvmsg: %d injected, %d errors",
	       os.injected, os.errors, orx.injected, orx.errors);
	EXPECT_EQ(sent, len);
	EXPECT_EQ(got, len);
	EXPECT_EQ(memcmp(want, buf, len), 0);
	EXPECT_GT(os.injected, 0);
	close(c);
	close(s);
	free(want);
	free(buf);
}

struct pump {
	int fd;
	size_t len;
	unsigned int seed;
	ssize_t ret;
};

static void *send_pump(void *p)
{
	struct pump *pm = p;
	char *buf = malloc(pm->len);

	fill(buf, pm->len, pm->seed);
	pm->ret = send_all(pm->fd, buf, pm->len);
	shutdown(pm->fd, SHUT_WR);
	free(buf);
	return NULL;
}

/*
 * A share of every skb allocation in the system fails (failslab on the
 * skbuff caches, softirq allocations included) while data flows both
 * ways: retransmission must repair every loss.
 */
TEST_F_TIMEOUT(fault, transfer_survives_failing_skb_allocations, 900)
{
	static const char *const caches[] = { "skbuff_head_cache", "skbuff_fclone_cache" };
	size_t len = debug_kernel() ? 128 * 1024 : 1024 * 1024;
	struct pump up, down;
	char *want = malloc(len), *got_s = malloc(len), *got_c = malloc(len);
	pthread_t t1, t2;
	long before, after;
	char path[128];
	unsigned int i;
	ssize_t a, b;
	int c, s;

	if (self->unsupported)
		SKIP(return, NO_FAULT_INJECTION);

	/* Marked at boot (slub_debug=A,...), or here where that works. */
	for (i = 0; i < 2; i++) {
		char mark[8] = "";

		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/failslab", caches[i]);
		write_file(path, "1");
		if (read_file(path, mark, sizeof(mark)) <= 0 || mark[0] != '1')
			SKIP(return, "%s is not marked for failslab", caches[i]);
	}
	c = socket_in("xa", 0);
	ASSERT_EQ(connect_to(c, SERVER_IP, 7400), 0);
	s = accept(self->l, NULL, NULL);
	ASSERT_GE(s, 0);
	before = ns_counter("xa", "RetransSegs") + ns_counter("xb", "RetransSegs");

	ASSERT_EQ(write_file(DBG "/failslab/cache-filter", "Y"), 0);
	ASSERT_EQ(write_file(DBG "/failslab/times", "-1"), 0);
	ASSERT_EQ(write_file(DBG "/failslab/interval", "1"), 0);
	ASSERT_EQ(write_file(DBG "/failslab/probability", "3"), 0);

	up = (struct pump){ .fd = c, .len = len, .seed = 11 };
	down = (struct pump){ .fd = s, .len = len, .seed = 12 };
	pthread_create(&t1, NULL, send_pump, &up);
	pthread_create(&t2, NULL, send_pump, &down);
	a = recv_all(s, got_s, len);
	b = recv_all(c, got_c, len);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);

	write_file(DBG "/failslab/probability", "0");
	write_file(DBG "/failslab/cache-filter", "N");
	after = ns_counter("xa", "RetransSegs") + ns_counter("xb", "RetransSegs");
	/* Failures in sendmsg are absorbed by waiting: no loss needed. */
	TH_LOG("retransmitted segments: %ld", after - before);

	EXPECT_EQ(up.ret, (ssize_t)len);
	EXPECT_EQ(down.ret, (ssize_t)len);
	ASSERT_EQ(a, (ssize_t)len);
	ASSERT_EQ(b, (ssize_t)len);
	fill(want, len, 11);
	EXPECT_EQ(memcmp(want, got_s, len), 0);
	fill(want, len, 12);
	EXPECT_EQ(memcmp(want, got_c, len), 0);
	close(c);
	close(s);
	free(want);
	free(got_s);
	free(got_c);
}

TEST_HARNESS_MAIN
