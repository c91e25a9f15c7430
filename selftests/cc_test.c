// SPDX-License-Identifier: GPL-2.0
/*
 * The choice of congestion control, over real sockets: XTCP_CONGESTION
 * answers as TCP_CONGESTION does (names, lengths, errors, a listener's
 * children), net.xtcp.congestion_control and its list behave as
 * net.ipv4's, a new namespace starts with the initial one's choice, and
 * a connection that switches algorithm in the middle of a lossy
 * transfer delivers every byte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "kselftest_harness.h"
#include "conn_util.h"

static int level_of(int tcp)
{
	return tcp ? IPPROTO_TCP : SOL_XTCP;
}

static void say(char *out, size_t n, const char *fmt, ...)
{
	size_t o = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + o, n - o, fmt, ap);
	va_end(ap);
}

/* set: the result; "-" marks a NULL option pointer. */
static void set_cc(int fd, int tcp, const char *name, int len, char *out, size_t n)
{
	int r = setsockopt(fd, level_of(tcp), XTCP_CONGESTION,
			   strcmp(name, "-") ? name : NULL, len);

	say(out, n, "set(%.*s,%d)=%s ", len > 0 && strcmp(name, "-") ? len : 0,
	    name, len, r ? strerrorname_np(errno) : "0");
}

/* get with room for @len bytes: the length back and every byte given. */
static void get_cc(int fd, int tcp, int len, char *out, size_t n)
{
	unsigned char buf[64];
	socklen_t l = len;
	int i;

	memset(buf, 0xa5, sizeof(buf));
	if (getsockopt(fd, level_of(tcp), XTCP_CONGESTION, buf, &l)) {
		say(out, n, "get(%d)=%s ", len, strerrorname_np(errno));
		return;
	}
	say(out, n, "get(%d)=%d:", len, (int)l);
	for (i = 0; i < (int)l && i < (int)sizeof(buf); i++)
		say(out, n, buf[i] >= 0x20 && buf[i] < 0x7f ? "%c" : "\\%d",
		    buf[i]);
	/* Nothing written past what the length says. */
	say(out, n, "%s ", l < sizeof(buf) && buf[l] != 0xa5 ? "!overrun" : "");
}

static void transcript(int tcp, unsigned short port, char *out, size_t n)
{
	struct sockaddr_in sin = xtcp_addr(SERVER_IP, port);
	int s = stream_socket_in("xa", tcp), l = stream_socket_in("xb", tcp), c, a, one = 1;

	out[0] = 0;
	if (s < 0 || l < 0) {
		say(out, n, "no socket");
		return;
	}
	get_cc(s, tcp, 16, out, n);
	get_cc(s, tcp, 64, out, n);
	get_cc(s, tcp, 3, out, n);
	get_cc(s, tcp, 0, out, n);
	get_cc(s, tcp, -1, out, n);
	set_cc(s, tcp, "reno", 4, out, n);
	get_cc(s, tcp, 16, out, n);
	set_cc(s, tcp, "reno", 0, out, n);
	set_cc(s, tcp, "nosuch", 6, out, n);
	set_cc(s, tcp, "reno", 2, out, n);
	set_cc(s, tcp, "renoXXXXXXXXXXXXXXXX", 20, out, n);
	set_cc(s, tcp, "reno  ", 6, out, n);
	get_cc(s, tcp, 16, out, n);
	set_cc(s, tcp, "cubic\0xyz", 9, out, n);
	get_cc(s, tcp, 16, out, n);
	set_cc(s, tcp, "-", 4, out, n);
	set_cc(s, tcp, "cubic", 5, out, n);
	set_cc(s, tcp, "cubic", 5, out, n);
	get_cc(s, tcp, 16, out, n);
	close(s);

	/* A listener's choice goes to its children; a live one may change. */
	if (tcp)
		sin.sin_family = AF_INET;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_cc(l, tcp, "reno", 4, out, n);
	c = stream_socket_in("xa", tcp);
	if (c < 0 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1) ||
	    connect(c, (struct sockaddr *)&sin, sizeof(sin))) {
		say(out, n, "no connection");
		return;
	}
	a = accept(l, NULL, NULL);
	say(out, n, "| child ");
	get_cc(a, tcp, 16, out, n);
	say(out, n, "client ");
	get_cc(c, tcp, 16, out, n);
	set_cc(a, tcp, "cubic", 5, out, n);
	get_cc(a, tcp, 16, out, n);
	set_cc(c, tcp, "reno", 4, out, n);
	get_cc(c, tcp, 16, out, n);
	close(a);
	close(c);
	close(l);
}

TEST(congestion_option_answers_as_tcp_does)
{
	char x[2048], t[2048];

	transcript(0, 8301, x, sizeof(x));
	transcript(1, 8302, t, sizeof(t));
	TH_LOG("xtcp: %s", x);
	TH_LOG("tcp:  %s", t);
	ASSERT_STREQ(t, x);
	/* And it says what TCP's does, not just the same as it. */
	ASSERT_NE(NULL, strstr(x, "get(16)=16:cubic\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0 "));
	ASSERT_NE(NULL, strstr(x, "set(nosuch,6)=ENOENT"));
	ASSERT_NE(NULL, strstr(x, "| child get(16)=16:reno"));
}

/* Read a sysctl of this namespace, newline stripped. */
static int read_sysctl(const char *path, char *buf, size_t len)
{
	int r = read_file(path, buf, len);

	if (r < 0)
		return r;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* write(2) of @val to @path: 0 or the errno. */
static int write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		r = errno;
	close(fd);
	return r;
}

#define CC_SYSCTL "/proc/sys/net/xtcp/congestion_control"
#define CC_AVAIL "/proc/sys/net/xtcp/available_congestion_control"
#define TCP_CC_SYSCTL "/proc/sys/net/ipv4/tcp_congestion_control"
#define TCP_CC_AVAIL "/proc/sys/net/ipv4/tcp_available_congestion_control"

static void get_name(int fd, char *name)
{
	socklen_t l = 16;

	memset(name, 0, 16);
	getsockopt(fd, SOL_XTCP, XTCP_CONGESTION, name, &l);
}

TEST(namespace_default_and_list)
{
	char buf[128], name[16];
	int before, after;

	ASSERT_EQ(0, read_sysctl(CC_SYSCTL, buf, sizeof(buf)));
	ASSERT_STREQ("cubic", buf);
	ASSERT_EQ(0, read_sysctl(CC_AVAIL, buf, sizeof(buf)));
	ASSERT_STREQ("cubic reno", buf);
	/* Read-only, as net.ipv4's list is. */
	EXPECT_EQ(EACCES, write_sysctl(TCP_CC_AVAIL, "reno"));
	ASSERT_EQ(EACCES, write_sysctl(CC_AVAIL, "reno"));

	before = xtcp_socket();
	ASSERT_GE(before, 0);
	ASSERT_EQ(0, write_sysctl(CC_SYSCTL, "reno\n"));
	ASSERT_EQ(0, read_sysctl(CC_SYSCTL, buf, sizeof(buf)));
	ASSERT_STREQ("reno", buf);
	after = xtcp_socket();
	ASSERT_GE(after, 0);
	get_name(after, name);
	EXPECT_STREQ("reno", name);
	/* A socket made before keeps what it had. */
	get_name(before, name);
	EXPECT_STREQ("cubic", name);

	/* An unknown name is refused as net.ipv4's refuses it. */
	EXPECT_EQ(ENOENT, write_sysctl(CC_SYSCTL, "nosuch"));
	EXPECT_EQ(ENOENT, write_sysctl(TCP_CC_SYSCTL, "nosuch"));
	ASSERT_EQ(0, read_sysctl(CC_SYSCTL, buf, sizeof(buf)));
	EXPECT_STREQ("reno", buf);

	ASSERT_EQ(0, write_sysctl(CC_SYSCTL, "cubic"));
	close(before);
	close(after);
}

/*
 * A namespace made after the initial one chose reno starts with reno;
 * the initial namespace is entered through PID 1's, in a child process
 * so that this one stays where it is.
 */
TEST(new_namespace_starts_with_initial_choice)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (!pid) {
		int init = open("/proc/1/ns/net", O_RDONLY), rc = 1;
		char buf[64] = "";

		if (init < 0 || setns(init, CLONE_NEWNET) ||
		    write_sysctl(CC_SYSCTL, "reno"))
			_exit(2);
		if (!unshare(CLONE_NEWNET) && !read_sysctl(CC_SYSCTL, buf, sizeof(buf)))
			rc = strcmp(buf, "reno") ? 3 : 0;
		if (setns(init, CLONE_NEWNET) || write_sysctl(CC_SYSCTL, "cubic"))
			rc = 4;
		_exit(rc);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
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

/*
 * 8 MB through 2% loss each way while the sender switches between CUBIC
 * and NewReno every 512 KB: every byte arrives, and each algorithm
 * repaired losses while it was in charge.
 */
TEST(switching_algorithm_mid_transfer_keeps_every_byte)
{
	const size_t len = 8 << 20, step = 512 << 10;
	unsigned char *out = malloc(len), *in = malloc(len);
	struct xtcp_info info;
	socklen_t il = sizeof(info);
	struct sink s = { .len = len, .buf = in };
	unsigned int retrans[2] = { 0, 0 }, prev = 0;
	pthread_t thr;
	int cli, srv;
	size_t off;

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	fill(out, len, 11);
	ASSERT_EQ(0, pair(8303, &cli, &srv));
	ASSERT_EQ(0, ns_qdisc("xa", "netem loss 2%"));
	ASSERT_EQ(0, ns_qdisc("xb", "netem loss 2%"));
	s.fd = srv;
	ASSERT_EQ(0, pthread_create(&thr, NULL, sink_run, &s));
	for (off = 0; off < len; off += step) {
		const char *name = (off / step) & 1 ? "reno" : "cubic";
		char got[16];

		ASSERT_EQ(0, setsockopt(cli, SOL_XTCP, XTCP_CONGESTION, name,
					strlen(name)));
		get_name(cli, got);
		ASSERT_STREQ(name, got);
		ASSERT_EQ((ssize_t)step, send_all(cli, out + off, step));
		ASSERT_EQ(0, getsockopt(cli, SOL_XTCP, XTCP_INFO, &info, &il));
		retrans[(off / step) & 1] += info.total_retrans - prev;
		prev = info.total_retrans;
	}
	pthread_join(thr, NULL);
	ns_qdisc_del("xa");
	ns_qdisc_del("xb");
	TH_LOG("segments resent under cubic %u, under reno %u", retrans[0], retrans[1]);
	ASSERT_EQ((ssize_t)len, s.got);
	ASSERT_EQ(0, memcmp(out, in, len));
	EXPECT_GT(retrans[0], 0);
	EXPECT_GT(retrans[1], 0);
	close(cli);
	close(srv);
	free(out);
	free(in);
}

TEST_HARNESS_MAIN
