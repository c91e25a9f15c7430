// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_INET entry: socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP) opens
 * an xtcp socket whose names are AF_INET's; protocol 0 is still TCP;
 * its connections are xtcp's on the wire (xtcp's counters move, TCP's
 * do not) and talk to the family's sockets.  The other selftests run
 * through this entry too, with XTCP_TEST_ENTRY=inet.
 */
#define _GNU_SOURCE
#include <netinet/tcp.h>

#include "kselftest_harness.h"
#include "conn_util.h"

static int ipproto(void)
{
	return xtcp_param_int("ipproto", IPPROTO_XTCP);
}

/* An AF_INET-entry socket in @ns. */
static int inet_socket_in(const char *ns)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;

	if (self < 0)
		return -1;
	if (!ns_enter(ns))
		s = socket(AF_INET, SOCK_STREAM, ipproto());
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

/* A family socket in @ns, whatever XTCP_TEST_ENTRY says. */
static int family_socket_in(const char *ns)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;

	if (self < 0)
		return -1;
	if (!ns_enter(ns))
		s = socket(xtcp_param_int("family", AF_XTCP), SOCK_STREAM, 0);
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

#define SEPS	"\n "

/* Field @name of the "Tcp:" lines of @ns's /proc/net/snmp, or -1. */
static long tcp_snmp(const char *ns, const char *name)
{
	char keys[1024], vals[1024], *k, *v, *ks, *vs;
	FILE *f = ns_proc_open(ns, "snmp");
	long found = -1;

	if (!f)
		return -1;
	while (fgets(keys, sizeof(keys), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(keys, "Tcp:", 4))
			continue;
		k = strtok_r(keys, SEPS, &ks);
		v = strtok_r(vals, SEPS, &vs);
		while (k && v) {
			if (!strcmp(k, name))
				found = atol(v);
			k = strtok_r(NULL, SEPS, &ks);
			v = strtok_r(NULL, SEPS, &vs);
		}
	}
	fclose(f);
	return found;
}

static int sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	return getsockopt(fd, level, name, &v, &len) ? -errno : v;
}

TEST(create)
{
	int s = socket(AF_INET, SOCK_STREAM, ipproto()), t;

	ASSERT_LE(0, s);
	EXPECT_EQ(AF_INET, sockopt_int(s, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(ipproto(), sockopt_int(s, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(SOCK_STREAM, sockopt_int(s, SOL_SOCKET, SO_TYPE));
	/* xtcp's options, at xtcp's level; TCP's level is not xtcp's. */
	EXPECT_EQ(0, sockopt_int(s, SOL_XTCP, XTCP_NODELAY));
	EXPECT_EQ(-ENOPROTOOPT, sockopt_int(s, IPPROTO_TCP, TCP_NODELAY));
	close(s);
	/* Protocol 0 and TCP are still TCP. */
	t = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, t);
	EXPECT_EQ(IPPROTO_TCP, sockopt_int(t, SOL_SOCKET, SO_PROTOCOL));
	close(t);
	/* Only streams. */
	EXPECT_EQ(-1, socket(AF_INET, SOCK_DGRAM, ipproto()));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ipproto());
	ASSERT_LE(0, s);
	EXPECT_TRUE(fcntl(s, F_GETFL) & O_NONBLOCK);
	close(s);
}

/*
 * Each entry to the other, both ways: bytes both directions, names
 * with each socket's own family, the connection in /proc/net/xtcp,
 * xtcp's ActiveOpens moved and TCP's not.
 */
static void cross(struct __test_metadata *_metadata, bool inet_client,
		  unsigned short port)
{
	int l = inet_client ? family_socket_in("xb") : inet_socket_in("xb");
	int c = inet_client ? inet_socket_in("xa") : family_socket_in("xa");
	int cfam = inet_client ? AF_INET : xtcp_param_int("family", AF_XTCP);
	int lfam = inet_client ? xtcp_param_int("family", AF_XTCP) : AF_INET;
	long tcp_before = tcp_snmp("xa", "ActiveOpens");
	long xtcp_before = ns_counter("xa", "ActiveOpens");
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in name;
	socklen_t len = sizeof(name);
	char buf[8];
	int a, one = 1;

	ASSERT_LE(0, l);
	ASSERT_LE(0, c);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, SERVER_IP, &sin.sin_addr);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	a = accept(l, (struct sockaddr *)&name, &len);
	ASSERT_LE(0, a);
	EXPECT_EQ(lfam, name.sin_family);
	EXPECT_EQ(inet_addr(CLIENT_IP), name.sin_addr.s_addr);
	len = sizeof(name);
	ASSERT_EQ(0, getsockname(c, (struct sockaddr *)&name, &len));
	EXPECT_EQ(cfam, name.sin_family);
	len = sizeof(name);
	ASSERT_EQ(0, getpeername(c, (struct sockaddr *)&name, &len));
	EXPECT_EQ(cfam, name.sin_family);
	EXPECT_EQ(htons(port), name.sin_port);
	EXPECT_EQ(lfam, sockopt_int(a, SOL_SOCKET, SO_DOMAIN));

	EXPECT_EQ(5, send(c, "hello", 5, 0));
	EXPECT_EQ(5, recv(a, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(3, send(a, "ack", 3, 0));
	EXPECT_EQ(3, recv(c, buf, sizeof(buf), 0));
	EXPECT_STREQ("ESTABLISHED", proc_state("xa", xtcp_local_port(c), port));
	EXPECT_EQ(xtcp_before + 1, ns_counter("xa", "ActiveOpens"));
	EXPECT_EQ(tcp_before, tcp_snmp("xa", "ActiveOpens"));
	EXPECT_LE(0, tcp_before);
	close(a);
	close(c);
	close(l);
}

TEST(inet_client_family_server)
{
	cross(_metadata, true, 7800);
}

TEST(family_client_inet_server)
{
	cross(_metadata, false, 7801);
}

/* XTCP_INFO and a half-close through the AF_INET entry. */
TEST(info_and_half_close)
{
	int l = inet_socket_in("xb"), c = inet_socket_in("xa"), a, one = 1;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(7802) };
	struct xtcp_info info;
	socklen_t len = sizeof(info);
	char ch;

	ASSERT_LE(0, l);
	ASSERT_LE(0, c);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, SERVER_IP, &sin.sin_addr);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	a = accept(l, NULL, NULL);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, getsockopt(c, SOL_XTCP, XTCP_INFO, &info, &len));
	EXPECT_EQ(XTCP_ESTABLISHED, info.state);
	EXPECT_GT(info.snd_mss, 0);
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	EXPECT_EQ(0, recv(a, &ch, 1, 0));
	EXPECT_EQ(0, wait_state("xa", xtcp_local_port(c), 7802, "FIN_WAIT2", 5));
	EXPECT_EQ(1, send(a, "z", 1, 0));
	EXPECT_EQ(1, recv(c, &ch, 1, 0));
	close(a);
	EXPECT_EQ(0, recv(c, &ch, 1, 0));
	close(c);
	close(l);
}

TEST_HARNESS_MAIN
