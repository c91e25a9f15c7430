// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpize: a program written for TCP (AF_INET and AF_INET6 stream
 * sockets, IPPROTO_TCP options, TCP_INFO) runs on xtcp under
 * build/tools/xtcpize.  The test re-executes itself through the
 * launcher, then checks what such a program sees: sockets that are
 * xtcp's (SO_PROTOCOL, /proc/net/xtcp, xtcp's counters moving and
 * TCP's not), names in the family it asked for, TCP's option numbers
 * answered, TCP_INFO filled from XTCP_INFO, native IPv6 refused so
 * that a client moves on, and an IPV6_V6ONLY listener beside an IPv4
 * one on the same port.  Each test runs in a fresh network namespace
 * (guest-test's unshare -n), over loopback.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <poll.h>
#include <linux/tcp.h>

#include "kselftest_harness.h"
#include "xtcp_util.h"

#define LOOP	"127.0.0.1"
#define TCP_STATE_ESTABLISHED	1	/* include/net/tcp_states.h */

/* Run the tests under xtcpize: the launcher sets LD_PRELOAD. */
static void __attribute__((constructor)) through_xtcpize(int argc, char **argv)
{
	char self[PATH_MAX], launcher[PATH_MAX + 32], **args;
	ssize_t n;
	int i;

	if (getenv("XTCPIZE_TEST_INNER"))
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = 0;
	snprintf(launcher, sizeof(launcher), "%s/../tools/xtcpize", dirname(strdup(self)));
	args = calloc(argc + 2, sizeof(*args));
	if (!args)
		return;
	args[0] = launcher;
	args[1] = self;
	for (i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	setenv("XTCPIZE_TEST_INNER", "1", 1);
	execv(launcher, args);
	perror(launcher);
	exit(1);
}

static int ipproto(void)
{
	return xtcp_param_int("ipproto", IPPROTO_XTCP);
}

static int int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) ? -errno : v;
}

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) ? -errno : 0;
}

/* Field @name of the "Tcp:" lines of /proc/net/snmp, or -1. */
static long tcp_snmp(const char *name)
{
	char keys[1024], vals[1024], *k, *v, *ks, *vs;
	FILE *f = fopen("/proc/net/snmp", "r");
	long found = -1;

	if (!f)
		return -1;
	while (fgets(keys, sizeof(keys), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(keys, "Tcp:", 4))
			continue;
		k = strtok_r(keys, "\n ", &ks);
		v = strtok_r(vals, "\n ", &vs);
		for (; k && v; k = strtok_r(NULL, "\n ", &ks), v = strtok_r(NULL, "\n ", &vs))
			if (!strcmp(k, name))
				found = atol(v);
	}
	fclose(f);
	return found;
}

static struct sockaddr_in in4(const char *ip, unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static struct sockaddr_in6 in6(const char *ip, unsigned short port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

#define SA(a)	((struct sockaddr *)&(a))

static int listen_on(int domain, const void *addr, socklen_t len)
{
	int s = socket(domain, SOCK_STREAM, 0);

	if (s < 0)
		return -1;
	if (set_int(s, SOL_SOCKET, SO_REUSEADDR, 1) || bind(s, addr, len) || listen(s, 8)) {
		close(s);
		return -1;
	}
	return s;
}

static int accept_within(int l, struct sockaddr *peer, socklen_t *len)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	return poll(&p, 1, 5000) == 1 ? accept(l, peer, len) : -1;
}

static int exchange(int a, int b, size_t n)
{
	char *out = malloc(n), *in = malloc(n);
	size_t i, got = 0;
	int ret = -1;

	if (!out || !in)
		goto out;
	for (i = 0; i < n; i++)
		out[i] = (char)(i * 7 + 3);
	if (write(a, out, n) != (ssize_t)n)
		goto out;
	while (got < n) {
		ssize_t r = read(b, in + got, n - got);

		if (r <= 0)
			goto out;
		got += r;
	}
	ret = memcmp(out, in, n) ? -1 : 0;
out:
	free(out);
	free(in);
	return ret;
}

/* A TCP program's AF_INET socket is xtcp's, and so is its traffic. */
TEST(inet_stream_is_xtcp)
{
	struct sockaddr_in a = in4(LOOP, 7600), peer;
	socklen_t len = sizeof(peer);
	long tcp_active = tcp_snmp("ActiveOpens"), tcp_passive = tcp_snmp("PassiveOpens");
	long x_active = xtcp_counter("ActiveOpens");
	int l, c, s;

	ASSERT_LE(0, tcp_active);
	l = listen_on(AF_INET, &a, sizeof(a));
	ASSERT_LE(0, l);
	EXPECT_EQ(ipproto(), int_opt(l, SOL_SOCKET, SO_PROTOCOL));
	c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, c);
	EXPECT_EQ(ipproto(), int_opt(c, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(AF_INET, int_opt(c, SOL_SOCKET, SO_DOMAIN));
	ASSERT_EQ(0, connect(c, SA(a), sizeof(a)));
	s = accept_within(l, SA(peer), &len);
	ASSERT_LE(0, s);
	EXPECT_EQ(sizeof(peer), len);
	EXPECT_EQ(AF_INET, peer.sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), peer.sin_addr.s_addr);
	EXPECT_EQ(0, exchange(c, s, 200000));
	EXPECT_EQ(0, exchange(s, c, 100000));
	EXPECT_EQ(2, xtcp_proc_count_port(7600));	/* the listener, the accepted */
	EXPECT_EQ(x_active + 1, xtcp_counter("ActiveOpens"));
	EXPECT_EQ(tcp_active, tcp_snmp("ActiveOpens"));
	EXPECT_EQ(tcp_passive, tcp_snmp("PassiveOpens"));
	close(c);
	close(s);
	close(l);
}

/* TCP's option numbers at IPPROTO_TCP are answered as xtcp's. */
TEST(tcp_options_mapped)
{
	char name[16] = "";
	socklen_t len = sizeof(name);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, s);
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_NODELAY, 1));
	EXPECT_EQ(1, int_opt(s, IPPROTO_TCP, TCP_NODELAY));
	EXPECT_EQ(1, int_opt(s, SOL_XTCP, XTCP_NODELAY));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_KEEPIDLE, 37));
	EXPECT_EQ(37, int_opt(s, SOL_XTCP, XTCP_KEEPIDLE));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_KEEPINTVL, 5));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_KEEPCNT, 4));
	EXPECT_EQ(4, int_opt(s, IPPROTO_TCP, TCP_KEEPCNT));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_USER_TIMEOUT, 1500));
	EXPECT_EQ(1500, int_opt(s, IPPROTO_TCP, TCP_USER_TIMEOUT));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_CORK, 1));
	EXPECT_EQ(1, int_opt(s, IPPROTO_TCP, TCP_CORK));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_MAXSEG, 1000));
	EXPECT_EQ(0, setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	ASSERT_EQ(0, getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	EXPECT_STREQ("reno", name);
	/* Errors as TCP gives them. */
	EXPECT_EQ(-EINVAL, set_int(s, IPPROTO_TCP, TCP_KEEPIDLE, 0));
	EXPECT_EQ(-ENOENT, setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "nope", 4) ? -errno : 0);
	/* Tuning xtcp does not have: accepted, read back as off. */
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_FASTOPEN, 5));
	EXPECT_EQ(0, int_opt(s, IPPROTO_TCP, TCP_FASTOPEN));
	EXPECT_EQ(0, set_int(s, IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, 1));
	/* What a program relies on and xtcp has not: refused. */
	EXPECT_EQ(-ENOPROTOOPT, setsockopt(s, IPPROTO_TCP, TCP_ULP, "tls", 3) ? -errno : 0);
	EXPECT_EQ(-ENOPROTOOPT, set_int(s, IPPROTO_TCP, TCP_REPAIR, 1));
	close(s);
}

/* TCP_INFO after a transfer: XTCP_INFO's figures in tcp_info's places. */
TEST(tcp_info_from_xtcp_info)
{
	struct sockaddr_in a = in4(LOOP, 7601);
	struct xtcp_info x;
	struct tcp_info t;
	socklen_t len = sizeof(t), xlen = sizeof(x);
	int l, c, s, i;

	l = listen_on(AF_INET, &a, sizeof(a));
	ASSERT_LE(0, l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, SA(a), sizeof(a)));
	s = accept_within(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, exchange(c, s, 300000));
	ASSERT_EQ(0, exchange(s, c, 1000));
	for (i = 0; i < 100; i++) {	/* until all of it is acknowledged */
		ASSERT_EQ(0, getsockopt(c, IPPROTO_TCP, TCP_INFO, &t, &len));
		if (!t.tcpi_unacked)
			break;
		usleep(20000);
	}
	ASSERT_EQ(0, getsockopt(c, SOL_XTCP, XTCP_INFO, &x, &xlen));
	EXPECT_EQ(sizeof(t), len);
	EXPECT_EQ(TCP_STATE_ESTABLISHED, t.tcpi_state);
	EXPECT_EQ(TCP_CA_Open, t.tcpi_ca_state);
	EXPECT_EQ(0, t.tcpi_unacked);
	EXPECT_EQ(300000, t.tcpi_bytes_acked);
	EXPECT_EQ(1000, t.tcpi_bytes_received);
	EXPECT_EQ(x.snd_mss, t.tcpi_snd_mss);
	EXPECT_LT(0, t.tcpi_snd_mss);
	EXPECT_EQ(x.snd_cwnd, t.tcpi_snd_cwnd);
	EXPECT_LT(0, t.tcpi_rtt);
	EXPECT_EQ(x.rto, t.tcpi_rto);
	EXPECT_LE(x.segs_out - 5, t.tcpi_segs_out);
	EXPECT_EQ(x.total_retrans, t.tcpi_total_retrans);
	EXPECT_EQ(!!(x.options & XTCP_INFO_OPT_WSCALE), !!(t.tcpi_options & TCPI_OPT_WSCALE));
	EXPECT_EQ(!!(x.options & XTCP_INFO_OPT_SACK), !!(t.tcpi_options & TCPI_OPT_SACK));
	/* A short buffer gets a prefix, as from TCP. */
	len = 8;
	ASSERT_EQ(0, getsockopt(c, IPPROTO_TCP, TCP_INFO, &t, &len));
	EXPECT_EQ(8, len);
	close(c);
	close(s);
	close(l);
}

/* A dual-stack AF_INET6 listener takes IPv4 over xtcp, names v4-mapped. */
TEST(inet6_dual_stack)
{
	struct sockaddr_in6 any = in6("::", 7602), to = in6("::ffff:127.0.0.1", 7602), got;
	struct sockaddr_in a4 = in4(LOOP, 7602);
	socklen_t len = sizeof(got);
	char buf[64];
	int l, c, s, c4, s4, d;

	l = socket(AF_INET6, SOCK_STREAM, 0);
	ASSERT_LE(0, l);
	EXPECT_EQ(ipproto(), int_opt(l, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(AF_INET6, int_opt(l, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(0, set_int(l, IPPROTO_IPV6, IPV6_V6ONLY, 0));
	EXPECT_EQ(0, int_opt(l, IPPROTO_IPV6, IPV6_V6ONLY));
	ASSERT_EQ(0, bind(l, SA(any), sizeof(any)));
	ASSERT_EQ(0, listen(l, 8));
	ASSERT_EQ(0, getsockname(l, SA(got), &len));
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_EQ(htons(7602), got.sin6_port);
	EXPECT_TRUE(IN6_IS_ADDR_UNSPECIFIED(&got.sin6_addr));

	c = socket(AF_INET6, SOCK_STREAM, 0);	/* a v4-mapped destination */
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, SA(to), sizeof(to)));
	len = sizeof(got);
	s = accept_within(l, SA(got), &len);
	ASSERT_LE(0, s);
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	inet_ntop(AF_INET6, &got.sin6_addr, buf, sizeof(buf));
	EXPECT_STREQ("::ffff:127.0.0.1", buf);
	len = sizeof(got);
	ASSERT_EQ(0, getpeername(c, SA(got), &len));
	EXPECT_EQ(htons(7602), got.sin6_port);
	inet_ntop(AF_INET6, &got.sin6_addr, buf, sizeof(buf));
	EXPECT_STREQ("::ffff:127.0.0.1", buf);
	EXPECT_EQ(0, exchange(c, s, 50000));
	EXPECT_EQ(0, exchange(s, c, 50000));

	c4 = socket(AF_INET, SOCK_STREAM, 0);	/* and an IPv4 client */
	ASSERT_LE(0, c4);
	ASSERT_EQ(0, connect(c4, SA(a4), sizeof(a4)));
	s4 = accept_within(l, NULL, NULL);
	ASSERT_LE(0, s4);
	EXPECT_EQ(0, exchange(c4, s4, 1000));
	/* A duplicate keeps the translation. */
	d = dup(s4);
	ASSERT_LE(0, d);
	len = sizeof(got);
	ASSERT_EQ(0, getsockname(d, SA(got), &len));
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_EQ(htons(7602), got.sin6_port);
	close(d);
	close(c4);
	close(s4);
	close(c);
	close(s);
	close(l);
}

/* Native IPv6 is not xtcp's: the errors that make a client move on. */
TEST(inet6_native_refused)
{
	struct sockaddr_in6 doc = in6("2001:db8::1", 80), lo = in6("::1", 7603);
	long x_active = xtcp_counter("ActiveOpens"), tcp_active = tcp_snmp("ActiveOpens");
	int s = socket(AF_INET6, SOCK_STREAM, 0);

	ASSERT_LE(0, s);
	EXPECT_EQ(-1, connect(s, SA(doc), sizeof(doc)));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, connect(s, SA(lo), sizeof(lo)));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, bind(s, SA(lo), sizeof(lo)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	EXPECT_EQ(x_active, xtcp_counter("ActiveOpens"));
	EXPECT_EQ(tcp_active, tcp_snmp("ActiveOpens"));
	close(s);
}

/* An IPV6_V6ONLY listener on :: and an IPv4 one on the same port. */
TEST(v6only_listener_beside_ipv4)
{
	struct sockaddr_in6 any6 = in6("::", 7604), got;
	struct sockaddr_in any4 = in4("0.0.0.0", 7604), a4 = in4(LOOP, 7604);
	socklen_t len = sizeof(got);
	int l6, l4, c, s;

	l6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, l6);
	ASSERT_EQ(0, set_int(l6, IPPROTO_IPV6, IPV6_V6ONLY, 1));
	ASSERT_EQ(0, bind(l6, SA(any6), sizeof(any6)));
	ASSERT_EQ(0, listen(l6, 8));
	EXPECT_EQ(1, int_opt(l6, IPPROTO_IPV6, IPV6_V6ONLY));
	ASSERT_EQ(0, getsockname(l6, SA(got), &len));
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_EQ(htons(7604), got.sin6_port);
	l4 = listen_on(AF_INET, &any4, sizeof(any4));
	ASSERT_LE(0, l4);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, SA(a4), sizeof(a4)));
	s = accept_within(l4, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, exchange(c, s, 1000));
	EXPECT_EQ(-1, accept(l6, NULL, NULL));	/* nothing comes to it */
	EXPECT_EQ(EAGAIN, errno);
	close(c);
	close(s);
	close(l4);
	close(l6);
}

TEST_HARNESS_MAIN
