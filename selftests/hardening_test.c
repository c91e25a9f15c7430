// SPDX-License-Identifier: GPL-2.0
/*
 * Regressions of the defects found in review (issue #9), over real
 * sockets between the namespaces xa and xb: a listener closing while
 * its children die, a transmit failure with nothing in flight, socket
 * filters and IPsec policy on input, what a child inherits from its
 * listener, connect() and listen() races and corner cases, SO_RCVLOWAT
 * in poll(), SO_REUSEPORT, IP-level options, randomised IP IDs and
 * ephemeral ports shared per 4-tuple.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

static int debug_kernel(void)
{
	const char *k = getenv("XTCP_KERNEL");

	return k && !strcmp(k, "debug");
}

/* Entries of @ns's /proc/net/xtcp whose local port is @port. */
static int ns_count_port(const char *ns, unsigned short port)
{
	unsigned int sl, la, lp;
	char line[512];
	int n = 0;
	FILE *f = ns_proc_open(ns, "xtcp");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %u: %x:%x", &sl, &la, &lp) == 3 && lp == port)
			n++;
	fclose(f);
	return n;
}

/* Wait up to @secs for @ns to hold no entry on @port. */
static int wait_port_free(const char *ns, unsigned short port, double secs)
{
	double end = now_s() + secs;

	do {
		if (!ns_count_port(ns, port))
			return 0;
		usleep(10000);
	} while (now_s() < end);
	return -1;
}

static int set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) ? -errno : 0;
}

static int get_int(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int val = -1;

	if (getsockopt(fd, level, opt, &val, &len))
		return -errno;
	return val;
}

/* Non-blocking connects from xa; 0 once all are established. */
static int connect_many(int *fds, int n, unsigned short port)
{
	double end = now_s() + (debug_kernel() ? 30 : 10);
	int i, done;

	for (i = 0; i < n; i++) {
		fds[i] = socket_in("xa", SOCK_NONBLOCK);
		if (fds[i] < 0)
			return -1;
		if (connect_to(fds[i], SERVER_IP, port) != -EINPROGRESS)
			return -1;
	}
	do {
		for (i = 0, done = 0; i < n; i++) {
			struct pollfd p = { .fd = fds[i], .events = POLLOUT };

			done += poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
		}
		if (done == n)
			return 0;
		usleep(2000);
	} while (now_s() < end);
	return -1;
}

/*
 * Children die by RST on the softirq path while their listener closes:
 * xtcp_listen_stop() must hold each child by a reference taken under
 * the queue's lock (KASAN on the debug kernel sees a use after free
 * otherwise).  Nothing may be left on the port afterwards.
 */
FIXTURE(xnet)
{
};

FIXTURE_SETUP(xnet)
{
}

/* What an xnet test added (its process's; see ns_qdisc_set). */
static bool route_added, policy_added;

FIXTURE_TEARDOWN(xnet)
{
	if (route_added)
		ns_run("xa", "ip route del unreachable 192.0.2.2/32");
	if (policy_added)
		ns_run("xb", "ip xfrm policy flush");
}

TEST_F_TIMEOUT(xnet, listener_close_races_dying_children, 600)
{
	int rounds = debug_kernel() ? 25 : 150, r, i, fds[8];
	struct linger lg = { 1, 0 };

	for (r = 0; r < rounds; r++) {
		int l = listener(7300, 64);

		ASSERT_GE(l, 0);
		ASSERT_EQ(connect_many(fds, 8, 7300), 0);
		for (i = 0; i < 8; i++) {
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fds[i]);
			if (i == 3)
				close(l);
		}
	}
	EXPECT_EQ(wait_port_free("xb", 7300, 10), 0);
	EXPECT_EQ(wait_port_free("xa", 7300, 10), 0);
}

/*
 * No route any more: every transmission fails with nothing in flight.
 * The retransmission timer must still run and give up (here by
 * XTCP_USER_TIMEOUT), for a connection and for an orphan.
 */
TEST_F_TIMEOUT(xnet, transmit_failure_still_times_out, 120)
{
	int cli, srv, cli2, srv2;
	char buf[100] = { 0 };
	struct pollfd p;
	double t0;

	ASSERT_EQ(pair(7301, &cli, &srv), 0);
	ASSERT_EQ(pair(7302, &cli2, &srv2), 0);
	ASSERT_EQ(set_int(cli, SOL_XTCP, XTCP_USER_TIMEOUT, 1500), 0);
	ASSERT_EQ(set_int(cli2, SOL_XTCP, XTCP_USER_TIMEOUT, 1500), 0);
	route_added = true;
	ASSERT_EQ(ns_run("xa", "ip route add unreachable 192.0.2.2/32"), 0);

	t0 = now_s();
	ASSERT_EQ(send(cli, buf, sizeof(buf), 0), sizeof(buf));
	p.fd = cli;
	p.events = POLLIN;
	p.revents = 0;
	ASSERT_EQ(poll(&p, 1, 15000), 1);
	EXPECT_TRUE(p.revents & POLLERR);
	EXPECT_EQ(recv(cli, buf, sizeof(buf), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, ETIMEDOUT);
	EXPECT_LT(now_s() - t0, 10);

	/*
	 * An orphan whose FIN cannot leave goes too.  Found by both ports:
	 * connect() shares local ports among 4-tuples, so another entry
	 * of xa (a TIME_WAIT of an earlier test) may have the same one.
	 */
	close(cli2);
	EXPECT_EQ(wait_state("xa", peer_port(srv2), 7302, "", 15), 0);
	if (!ns_run("xa", "ip route del unreachable 192.0.2.2/32"))
		route_added = false;
	close(cli);
	close(srv);
	close(srv2);
}

/* A socket filter (and so cgroup ingress BPF) sees every segment. */
TEST(socket_filter_drops_segments)
{
	struct sock_filter drop_all[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop_all };
	int cli, srv, dummy = 0;
	char buf[10] = "0123456789", got[10];

	ASSERT_EQ(pair(7303, &cli, &srv), 0);
	ASSERT_EQ(setsockopt(srv, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)), 0);
	ASSERT_EQ(send(cli, buf, sizeof(buf), 0), sizeof(buf));
	EXPECT_EQ(readable_within(srv, 800), 0);
	ASSERT_EQ(setsockopt(srv, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof(dummy)), 0);
	/* The retransmission gets through now. */
	EXPECT_EQ(readable_within(srv, 5000), sizeof(buf));
	EXPECT_EQ(recv(srv, got, sizeof(got), 0), sizeof(got));
	EXPECT_EQ(memcmp(buf, got, sizeof(got)), 0);
	close(cli);
	close(srv);
}

#define BLOCK_POLICY \
	"ip xfrm policy add src 192.0.2.1 dst 192.0.2.2 proto 253 dir in action block"

/* An IPsec "block" policy on input drops xtcp segments, as TCP's. */
TEST_F_TIMEOUT(xnet, xfrm_policy_blocks_input, 120)
{
	int l, c;
	struct pollfd p;

	policy_added = true;
	if (ns_run("xb", BLOCK_POLICY))
		SKIP(return, "no IPsec policy support (xfrm_user) in this kernel");
	l = listener(7304, 4);
	ASSERT_GE(l, 0);
	c = socket_in("xa", SOCK_NONBLOCK);
	ASSERT_EQ(connect_to(c, SERVER_IP, 7304), -EINPROGRESS);
	p.fd = c;
	p.events = POLLOUT;
	p.revents = 0;
	/* The SYN (and its retransmission) never reaches the listener. */
	EXPECT_EQ(poll(&p, 1, 1500), 0);
	ASSERT_EQ(ns_run("xb", "ip xfrm policy flush"), 0);
	policy_added = false;
	EXPECT_EQ(poll(&p, 1, 10000), 1);
	EXPECT_EQ(get_int(c, SOL_SOCKET, SO_ERROR), 0);
	close(c);
	close(l);
}

/* Children are cloned from their listener, as TCP's are. */
TEST(child_inherits_timeouts_and_lowat)
{
	struct timeval rcv = { 0, 300000 }, snd = { 0, 400000 }, tv;
	socklen_t len = sizeof(tv);
	int l, c, a, lowat = 5;
	char buf[8];
	double t0;

	l = listener(7305, 4);
	ASSERT_GE(l, 0);
	ASSERT_EQ(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)), 0);
	ASSERT_EQ(setsockopt(l, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)), 0);
	ASSERT_EQ(setsockopt(l, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)), 0);
	c = socket_in("xa", 0);
	ASSERT_EQ(connect_to(c, SERVER_IP, 7305), 0);
	a = accept(l, NULL, NULL);
	ASSERT_GE(a, 0);

	ASSERT_EQ(getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
	EXPECT_EQ(tv.tv_sec * 1000000 + tv.tv_usec, 300000);
	len = sizeof(tv);
	ASSERT_EQ(getsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &tv, &len), 0);
	EXPECT_EQ(tv.tv_sec * 1000000 + tv.tv_usec, 400000);
	EXPECT_EQ(get_int(a, SOL_SOCKET, SO_RCVLOWAT), 5);

	t0 = now_s();
	EXPECT_EQ(recv(a, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_GT(now_s() - t0, 0.25);
	close(a);
	close(c);
	close(l);
}

/* A failed connect() leaves a wildcard-bound socket on the wildcard. */
TEST(connect_failure_restores_wildcard)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, a, b, one = 1;

	l = listener(7306, 4);
	ASSERT_GE(l, 0);
	a = socket_in("xa", 0);
	b = socket_in("xa", 0);
	ASSERT_EQ(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ASSERT_EQ(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ASSERT_EQ(xtcp_bind(a, "0.0.0.0", 7307), 0);
	ASSERT_EQ(xtcp_bind(b, "0.0.0.0", 7307), 0);
	ASSERT_EQ(connect_to(a, SERVER_IP, 7306), 0);
	/* The same 4-tuple again. */
	EXPECT_EQ(connect_to(b, SERVER_IP, 7306), -EADDRNOTAVAIL);
	ASSERT_EQ(getsockname(b, (struct sockaddr *)&sin, &len), 0);
	EXPECT_EQ(sin.sin_addr.s_addr, htonl(INADDR_ANY));
	EXPECT_EQ(ntohs(sin.sin_port), 7307);
	close(a);
	close(b);
	close(l);
}

struct listen_arg {
	int fd;
	pthread_barrier_t *bar;
	int ret;
};

static void *listen_thread(void *p)
{
	struct listen_arg *a = p;

	pthread_barrier_wait(a->bar);
	a->ret = listen(a->fd, 4);
	return NULL;
}

/* Two SO_REUSEADDR sockets on one port: listen() at once, one wins. */
TEST(listen_race_has_one_winner)
{
	int rounds = debug_kernel() ? 100 : 1000, r, one = 1, bad = 0;
	pthread_barrier_t bar;

	pthread_barrier_init(&bar, NULL, 2);
	for (r = 0; r < rounds; r++) {
		struct listen_arg a[2];
		pthread_t t[2];
		int i;

		for (i = 0; i < 2; i++) {
			a[i].fd = socket_in("xb", 0);
			a[i].bar = &bar;
			ASSERT_GE(a[i].fd, 0);
			setsockopt(a[i].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			ASSERT_EQ(xtcp_bind(a[i].fd, SERVER_IP, 7308), 0);
		}
		for (i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, listen_thread, &a[i]);
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		if (!a[0].ret == !a[1].ret)	/* both won, or both lost */
			bad++;
		close(a[0].fd);
		close(a[1].fd);
	}
	pthread_barrier_destroy(&bar);
	EXPECT_EQ(bad, 0);
}

/* The SYN is no data: SIOCOUTQ is 0 while connecting, as in TCP. */
TEST(siocoutq_zero_while_connecting)
{
	int c = socket_in("xa", SOCK_NONBLOCK), n = -1;

	ASSERT_GE(c, 0);
	ASSERT_EQ(connect_to(c, NOHOST_IP, 7309), -EINPROGRESS);
	ASSERT_EQ(ioctl(c, SIOCOUTQ, &n), 0);
	EXPECT_EQ(n, 0);
	close(c);
}

/* connect(AF_UNSPEC) resets the connection; the socket is reusable. */
TEST(connect_unspec_disconnects)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, c, a, a2;
	char buf[4];

	l = listener(7310, 4);
	ASSERT_GE(l, 0);
	c = socket_in("xa", 0);
	ASSERT_EQ(connect_to(c, SERVER_IP, 7310), 0);
	a = accept(l, NULL, NULL);
	ASSERT_GE(a, 0);

	ASSERT_EQ(connect(c, &unspec, sizeof(unspec)), 0);
	EXPECT_EQ(getpeername(c, (struct sockaddr *)&sin, &len), -1);
	EXPECT_EQ(errno, ENOTCONN);
	EXPECT_EQ(recv(a, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, ECONNRESET);

	/* As good as new: connect again and talk. */
	ASSERT_EQ(connect_to(c, SERVER_IP, 7310), 0);
	a2 = accept(l, NULL, NULL);
	ASSERT_GE(a2, 0);
	EXPECT_EQ(send(c, "ping", 4, 0), 4);
	EXPECT_EQ(recv(a2, buf, sizeof(buf), MSG_WAITALL), 4);
	EXPECT_EQ(memcmp(buf, "ping", 4), 0);
	close(a2);
	close(a);
	close(c);
	close(l);
}

/* poll() says POLLIN only once SO_RCVLOWAT bytes are there. */
TEST(poll_honours_rcvlowat)
{
	int cli, srv, lowat = 100;
	struct pollfd p;
	char buf[95] = { 0 };

	ASSERT_EQ(pair(7311, &cli, &srv), 0);
	ASSERT_EQ(setsockopt(srv, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)), 0);
	ASSERT_EQ(send(cli, buf, 10, 0), 10);
	p.fd = srv;
	p.events = POLLIN;
	p.revents = 0;
	EXPECT_EQ(poll(&p, 1, 500), 0);
	ASSERT_EQ(send(cli, buf, 95, 0), 95);
	EXPECT_EQ(poll(&p, 1, 5000), 1);
	EXPECT_TRUE(p.revents & POLLIN);
	close(cli);
	close(srv);
}

static int reuseport_listener(unsigned short port, int reuseport)
{
	int s = socket_in("xb", SOCK_NONBLOCK);

	if (s < 0)
		return -1;
	if (reuseport && set_int(s, SOL_SOCKET, SO_REUSEPORT, 1))
		return -1;
	if (xtcp_bind(s, SERVER_IP, port) || listen(s, 64)) {
		close(s);
		return -1;
	}
	return s;
}

/*
 * SO_REUSEPORT listeners of one user share a port and its connections.
 * Kernels before 6.7 cannot route SOL_SOCKET options to a family and
 * refuse SO_REUSEPORT outside AF_INET/AF_INET6: there it must fail
 * loudly, never be taken and ignored.
 */
TEST(reuseport_listeners_share_port)
{
	int l1, l2, l3, fds[16], got[2] = { 0, 0 }, i, j;

	l1 = socket_in("xb", 0);
	ASSERT_GE(l1, 0);
	if (set_int(l1, SOL_SOCKET, SO_REUSEPORT, 1) == -EOPNOTSUPP) {
		EXPECT_EQ(get_int(l1, SOL_SOCKET, SO_REUSEPORT), 0);
		close(l1);
		SKIP(return, "this kernel refuses SO_REUSEPORT outside AF_INET (EOPNOTSUPP)");
	}
	close(l1);
	l1 = reuseport_listener(7312, 1);
	ASSERT_GE(l1, 0);
	l2 = reuseport_listener(7312, 1);
	ASSERT_GE(l2, 0);
	/* Without the option the port stays taken. */
	l3 = socket_in("xb", 0);
	EXPECT_EQ(xtcp_bind(l3, SERVER_IP, 7312), -EADDRINUSE);
	close(l3);

	ASSERT_EQ(connect_many(fds, 16, 7312), 0);
	for (j = 0; j < 100 && got[0] + got[1] < 16; j++) {
		for (i = 0; i < 2; i++) {
			int a = accept(i ? l2 : l1, NULL, NULL);

			if (a >= 0) {
				got[i]++;
				close(a);
			}
		}
		usleep(10000);
	}
	EXPECT_EQ(got[0] + got[1], 16);
	EXPECT_GT(got[0], 0);
	EXPECT_GT(got[1], 0);
	for (i = 0; i < 16; i++)
		close(fds[i]);
	close(l1);
	close(l2);
}

/* The IP protocol number the loaded module uses (module parameter). */
static int xtcp_ipproto(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	int p = 253;

	if (f) {
		if (fscanf(f, "%d", &p) != 1)
			p = 253;
		fclose(f);
	}
	return p;
}

/* A packet socket in xb that sees every IPv4 packet arriving there. */
static int capture_open(void)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;

	if (self < 0)
		return -1;
	if (!ns_enter("xb"))
		s = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

/*
 * The next xtcp packet from the client to @dport within @ms, or -1;
 * with @syn, only a SYN.
 */
static int capture_next(int s, struct iphdr *out, unsigned short dport, int syn,
			int ms)
{
	double end = now_s() + ms / 1000.0;
	unsigned char pkt[2048];

	while (now_s() < end) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		struct iphdr *ip = (struct iphdr *)pkt;
		unsigned char *th;
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(s, pkt, sizeof(pkt), 0);
		if (n < (ssize_t)sizeof(*ip) + 20 || ip->protocol != xtcp_ipproto() ||
		    ip->saddr != inet_addr(CLIENT_IP))
			continue;
		th = pkt + ip->ihl * 4;
		if (th + 20 > pkt + n || ((th[2] << 8) | th[3]) != dport ||
		    (syn && (th[13] & 0x12) != 0x02))
			continue;
		*out = *ip;
		return 0;
	}
	return -1;
}

/* IP_TOS and IP_TTL work on xtcp sockets and show on the wire. */
TEST(ip_level_options)
{
	int cli, srv, cap;
	struct iphdr ip;

	ASSERT_EQ(pair(7313, &cli, &srv), 0);
	cap = capture_open();
	ASSERT_GE(cap, 0);
	ASSERT_EQ(set_int(cli, IPPROTO_IP, IP_TOS, 0x20), 0);
	ASSERT_EQ(set_int(cli, IPPROTO_IP, IP_TTL, 9), 0);
	EXPECT_EQ(get_int(cli, IPPROTO_IP, IP_TOS), 0x20);
	EXPECT_EQ(get_int(cli, IPPROTO_IP, IP_TTL), 9);
	EXPECT_EQ(set_int(cli, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT), 0);
	EXPECT_EQ(get_int(cli, IPPROTO_IP, IP_MTU_DISCOVER), IP_PMTUDISC_DONT);
	ASSERT_EQ(send(cli, "x", 1, 0), 1);
	ASSERT_EQ(capture_next(cap, &ip, 7313, 0, 3000), 0);
	EXPECT_EQ(ip.tos, 0x20);
	EXPECT_EQ(ip.ttl, 9);
	/* Other levels are still refused. */
	EXPECT_EQ(set_int(cli, SOL_IPV6, 1, 1), -ENOPROTOOPT);
	close(cap);
	close(cli);
	close(srv);
}

/*
 * connect() shares a local port among connections to different peers,
 * as TCP does: ten ports carry thirty connections to three listeners,
 * the eleventh to one of them finds no port (EADDRNOTAVAIL), and a
 * port connect() shares is still refused to bind() (EADDRINUSE).
 */
TEST(ephemeral_ports_shared_per_peer)
{
	unsigned short ports[3] = { 7701, 7702, 7703 };
	int l[3], c[30], extra, b, i, j, n = 0;

	ASSERT_EQ(0, ns_sysctl("xa", "ip_local_port_range", "40000 40009"));
	for (i = 0; i < 3; i++)
		ASSERT_LE(0, l[i] = listener(ports[i], 16));
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 10; j++, n++) {
			ASSERT_LE(0, c[n] = socket_in("xa", 0));
			ASSERT_EQ(0, connect_to(c[n], SERVER_IP, ports[i]));
			EXPECT_LE(40000, xtcp_local_port(c[n]));
			EXPECT_GE(40009, xtcp_local_port(c[n]));
		}
	}
	extra = socket_in("xa", 0);
	ASSERT_LE(0, extra);
	EXPECT_EQ(-EADDRNOTAVAIL, connect_to(extra, SERVER_IP, ports[0]));
	close(extra);
	b = socket_in("xa", 0);
	ASSERT_LE(0, b);
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, CLIENT_IP, xtcp_local_port(c[0])));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, CLIENT_IP, 0));
	close(b);
	for (i = 0; i < n; i++)
		close(c[i]);
	for (i = 0; i < 3; i++)
		close(l[i]);
	ns_sysctl("xa", "ip_local_port_range", "32768 60999");
}

/*
 * A listener's children hold its port apart from its owners (hash.c):
 * bind() meets the listener first, and once the listener is gone the
 * children still hold the port against bind() without SO_REUSEADDR,
 * yield to it with (they do not listen), and a new listener may start
 * there, as with TCP.  /proc lists every child.
 */
TEST(listener_children_hold_port)
{
	int n = debug_kernel() ? 50 : 200, l, l2, b, i, one = 1;
	int *c = calloc(n, sizeof(int)), *a = calloc(n, sizeof(int));

	ASSERT_TRUE(c && a);
	ASSERT_LE(0, l = listener(7330, n));
	ASSERT_EQ(0, connect_many(c, n, 7330));
	for (i = 0; i < n; i++)
		ASSERT_LE(0, a[i] = accept(l, NULL, NULL));
	EXPECT_EQ(n + 1, ns_count_port("xb", 7330));
	ASSERT_LE(0, b = socket_in("xb", 0));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, SERVER_IP, 7330));
	close(l);
	EXPECT_EQ(n, ns_count_port("xb", 7330));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, SERVER_IP, 7330));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, "0.0.0.0", 7330));
	close(b);
	ASSERT_LE(0, l2 = socket_in("xb", 0));
	ASSERT_EQ(0, setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	EXPECT_EQ(0, xtcp_bind(l2, SERVER_IP, 7330));
	EXPECT_EQ(0, listen(l2, 4));
	for (i = 0; i < n; i++) {
		close(c[i]);
		close(a[i]);
	}
	close(l2);
	free(c);
	free(a);
}

/* IP IDs of DF packets start at a random point per connection. */
TEST(ip_id_randomised)
{
	int l, cap, i, c[4];
	unsigned short id[4];
	struct iphdr ip;

	l = listener(7314, 8);
	ASSERT_GE(l, 0);
	cap = capture_open();
	ASSERT_GE(cap, 0);
	for (i = 0; i < 4; i++) {
		c[i] = socket_in("xa", SOCK_NONBLOCK);
		ASSERT_EQ(connect_to(c[i], SERVER_IP, 7314), -EINPROGRESS);
		ASSERT_EQ(capture_next(cap, &ip, 7314, 1, 3000), 0);
		id[i] = ntohs(ip.id);
	}
	EXPECT_FALSE(id[0] == id[1] && id[1] == id[2] && id[2] == id[3]);
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(cap);
	close(l);
}

/*
 * /proc/net/xtcp is a seq_file iterator over the bind table, bucket by
 * bucket: 3000 sockets, read in small pieces, each listed exactly once.
 */
TEST(proc_lists_every_socket_in_pieces)
{
	static unsigned char seen[65536];
	struct rlimit rl = { 4096, 4096 };
	int fds[3000], i, n = 3000, fd, dups = 0, missing = 0;
	static char text[1 << 20];
	size_t len = 0;
	char *line;
	ssize_t r;

	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (i = 0; i < n; i++) {
		fds[i] = xtcp_socket();
		ASSERT_GE(fds[i], 0);
		ASSERT_EQ(xtcp_bind(fds[i], "127.0.0.1", 20000 + i), 0);
	}
	fd = open("/proc/net/xtcp", O_RDONLY);
	ASSERT_GE(fd, 0);
	while ((r = read(fd, text + len, 113)) > 0 && len < sizeof(text) - 200)
		len += r;
	close(fd);
	text[len] = 0;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned int sl, la, lp;

		if (sscanf(line, " %u: %x:%x", &sl, &la, &lp) == 3 && lp >= 20000 &&
		    lp < 20000 + (unsigned int)n && seen[lp]++)
			dups++;
	}
	for (i = 0; i < n; i++)
		missing += !seen[20000 + i];
	EXPECT_EQ(dups, 0);
	EXPECT_EQ(missing, 0);
	for (i = 0; i < n; i++)
		close(fds[i]);
}

TEST_HARNESS_MAIN
