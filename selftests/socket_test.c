// SPDX-License-Identifier: GPL-2.0
/*
 * Socket basics of AF_XTCP: creation, bind, ephemeral ports, port
 * conflicts, privileges, bad arguments, namespaces, /proc/net/xtcp,
 * and the input path's treatment of malformed segments.
 *
 * Runs as root inside the test VM, in whatever network namespace it
 * is started in; tests that need a fresh one unshare in a child.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <linux/capability.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "xtcp_util.h"

#define RANGE_PATH "/proc/sys/net/xtcp/ip_local_port_range"

TEST(create_stream)
{
	int fd = xtcp_socket(), val;
	socklen_t len = sizeof(val);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &val, &len));
	EXPECT_EQ(SOCK_STREAM, val);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &val, &len));
	EXPECT_EQ(xtcp_af(), val);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &val, &len));
	EXPECT_EQ(IPPROTO_XTCP, val);
	EXPECT_EQ(0, close(fd));

	fd = socket(xtcp_af(), SOCK_STREAM, IPPROTO_XTCP);
	ASSERT_LE(0, fd);
	close(fd);
	fd = socket(xtcp_af(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

TEST(create_bad_type)
{
	int types[] = { SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW, SOCK_RDM };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		EXPECT_EQ(-1, socket(xtcp_af(), types[i], 0));
		EXPECT_EQ(ESOCKTNOSUPPORT, errno);
	}
}

TEST(create_bad_protocol)
{
	EXPECT_EQ(-1, socket(xtcp_af(), SOCK_STREAM, IPPROTO_TCP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	EXPECT_EQ(-1, socket(xtcp_af(), SOCK_STREAM, IPPROTO_UDP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

TEST(getname_unbound)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = xtcp_socket();

	ASSERT_LE(0, fd);
	memset(&sin, 0xff, sizeof(sin));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(sizeof(sin), len);
	EXPECT_EQ(xtcp_af(), sin.sin_family);
	EXPECT_EQ(0, sin.sin_port);
	EXPECT_EQ(0, sin.sin_addr.s_addr);
	EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
	close(fd);
}

TEST(bind_explicit_and_getsockname)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = xtcp_socket();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, xtcp_bind(fd, "127.0.0.1", 5001));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(xtcp_af(), sin.sin_family);
	EXPECT_EQ(5001, ntohs(sin.sin_port));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), sin.sin_addr.s_addr);
	/* A socket binds once. */
	EXPECT_EQ(-EINVAL, xtcp_bind(fd, "127.0.0.1", 5002));
	close(fd);
}

TEST(bind_accepts_af_inet_and_unspec_any)
{
	struct sockaddr_in sin = xtcp_addr("127.0.0.1", 5003);
	int fd = xtcp_socket();

	ASSERT_LE(0, fd);
	sin.sin_family = AF_INET;
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);

	fd = xtcp_socket();
	sin = xtcp_addr("0.0.0.0", 5004);
	sin.sin_family = AF_UNSPEC;
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);
}

TEST(bind_bad_arguments)
{
	struct sockaddr_in sin = xtcp_addr("127.0.0.1", 5005);
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	int fd = xtcp_socket();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin, sizeof(sin) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	sin.sin_family = AF_UNSPEC;	/* only with INADDR_ANY */
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	/* Not an address of this host (RFC 5737 documentation range). */
	EXPECT_EQ(-EADDRNOTAVAIL, xtcp_bind(fd, "192.0.2.99", 5005));
	/* None of the failures bound the socket. */
	EXPECT_EQ(0, xtcp_local_port(fd));
	EXPECT_EQ(0, xtcp_bind(fd, "127.0.0.1", 5005));
	close(fd);
}

FIXTURE(ephemeral)
{
	char saved[64];
};

FIXTURE_SETUP(ephemeral)
{
	ASSERT_LT(0, read_file(RANGE_PATH, self->saved, sizeof(self->saved)));
}

FIXTURE_TEARDOWN(ephemeral)
{
	write_file(RANGE_PATH, self->saved);
}

TEST_F(ephemeral, default_range)
{
	int lo, hi;

	if (sscanf(self->saved, "%d %d", &lo, &hi) != 2)
		ASSERT_TRUE(0);
	EXPECT_EQ(32768, lo);
	EXPECT_EQ(60999, hi);
}

TEST_F(ephemeral, port_zero_takes_range_until_exhausted)
{
	int fds[8], extra, i, j;
	unsigned short ports[8];

	ASSERT_EQ(0, write_file(RANGE_PATH, "40000 40007"));
	for (i = 0; i < 8; i++) {
		fds[i] = xtcp_socket();
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, xtcp_bind(fds[i], "0.0.0.0", 0));
		ports[i] = xtcp_local_port(fds[i]);
		EXPECT_LE(40000, ports[i]);
		EXPECT_GE(40007, ports[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(ports[j], ports[i]);
	}
	extra = xtcp_socket();
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(extra, "0.0.0.0", 0));
	/* Closing one frees exactly its port for the next bind(0). */
	close(fds[3]);
	EXPECT_EQ(0, xtcp_bind(extra, "0.0.0.0", 0));
	EXPECT_EQ(ports[3], xtcp_local_port(extra));
	fds[3] = extra;
	for (i = 0; i < 8; i++)
		close(fds[i]);
}

TEST_F(ephemeral, sysctl_validates)
{
	char buf[64];

	EXPECT_NE(0, write_file(RANGE_PATH, "50000 40000"));
	EXPECT_NE(0, write_file(RANGE_PATH, "0 100"));
	EXPECT_NE(0, write_file(RANGE_PATH, "1000 70000"));
	ASSERT_LT(0, read_file(RANGE_PATH, buf, sizeof(buf)));
	EXPECT_STREQ(self->saved, buf);
	EXPECT_EQ(0, write_file(RANGE_PATH, "45000 45000"));
	ASSERT_LT(0, read_file(RANGE_PATH, buf, sizeof(buf)));
	EXPECT_STREQ("45000\t45000\n", buf);
}

TEST(bind_conflicts)
{
	int a = xtcp_socket(), b = xtcp_socket(), c = xtcp_socket();

	ASSERT_EQ(0, xtcp_bind(a, "127.0.0.1", 5010));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, "127.0.0.1", 5010));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, "0.0.0.0", 5010));
	/* Another local address on the same port does not overlap. */
	EXPECT_EQ(0, xtcp_bind(b, "127.0.0.2", 5010));
	close(a);
	close(b);

	a = xtcp_socket();
	b = xtcp_socket();
	ASSERT_EQ(0, xtcp_bind(a, "0.0.0.0", 5011));
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, "127.0.0.1", 5011));
	/* A different port is free. */
	EXPECT_EQ(0, xtcp_bind(c, "127.0.0.1", 5012));
	close(a);
	close(b);
	close(c);
}

TEST(reuseaddr)
{
	int one = 1;
	int a = xtcp_socket(), b = xtcp_socket(), c = xtcp_socket();

	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	ASSERT_EQ(0, xtcp_bind(a, "0.0.0.0", 5020));
	/* Only one side asking is not enough. */
	EXPECT_EQ(-EADDRINUSE, xtcp_bind(b, "0.0.0.0", 5020));
	ASSERT_EQ(0, setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	EXPECT_EQ(0, xtcp_bind(b, "0.0.0.0", 5020));
	ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	EXPECT_EQ(0, xtcp_bind(c, "127.0.0.1", 5020));
	EXPECT_EQ(3, xtcp_proc_count_port(5020));
	close(a);
	close(b);
	close(c);
	EXPECT_EQ(0, xtcp_proc_count_port(5020));
}

static int set_cap_bind_service(int on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	if (on)
		data[0].effective |= 1U << CAP_NET_BIND_SERVICE;
	else
		data[0].effective &= ~(1U << CAP_NET_BIND_SERVICE);
	return syscall(SYS_capset, &hdr, data);
}

TEST(privileged_ports)
{
	int fd, status;
	pid_t pid;

	/* With the capability (root) a low port binds. */
	fd = xtcp_socket();
	EXPECT_EQ(0, xtcp_bind(fd, "127.0.0.1", 80));
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int s = xtcp_socket();

		if (set_cap_bind_service(0))
			_exit(10);
		if (xtcp_bind(s, "127.0.0.1", 81) != -EACCES)
			_exit(11);
		if (xtcp_bind(s, "127.0.0.1", 1023) != -EACCES)
			_exit(12);
		if (xtcp_bind(s, "127.0.0.1", 1024) != 0)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(close_frees_port)
{
	int fd = xtcp_socket(), fd2;

	ASSERT_EQ(0, xtcp_bind(fd, "127.0.0.1", 5030));
	EXPECT_EQ(1, xtcp_proc_count_port(5030));
	close(fd);
	EXPECT_EQ(0, xtcp_proc_count_port(5030));
	fd2 = xtcp_socket();
	EXPECT_EQ(0, xtcp_bind(fd2, "127.0.0.1", 5030));
	close(fd2);
}

TEST(proc_line)
{
	char line[512], state[32];
	unsigned int sl, laddr, lport, raddr, rport, st, uid;
	unsigned long ino;
	struct stat stbuf;
	int fd = xtcp_socket(), found = 0;
	FILE *f;

	ASSERT_EQ(0, xtcp_bind(fd, "127.0.0.1", 5031));
	ASSERT_EQ(0, fstat(fd, &stbuf));
	f = fopen("/proc/net/xtcp", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ(0, strncmp(line, "  sl  local_address", 19));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %u: %x:%x %x:%x %x %*x:%*x %*x:%*x %*x %u %*d %lu %31s",
			   &sl, &laddr, &lport, &raddr, &rport, &st, &uid,
			   &ino, state) != 9)
			continue;
		if (lport != 5031)
			continue;
		found++;
		EXPECT_EQ(htonl(INADDR_LOOPBACK), laddr);
		EXPECT_EQ(0, raddr);
		EXPECT_EQ(0, rport);
		EXPECT_EQ(XTCP_CLOSE, st);
		EXPECT_STREQ("CLOSE", state);
		EXPECT_EQ(getuid(), uid);
		EXPECT_EQ(stbuf.st_ino, ino);
	}
	fclose(f);
	EXPECT_EQ(1, found);
	close(fd);
}

/* Run @fn in a child in a fresh network namespace; its exit code. */
static int in_new_netns(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (unshare(CLONE_NEWNET))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int netns_child(void *arg)
{
	char buf[64];
	int fd;

	/* The parent's socket on 5040 is not visible here... */
	if (xtcp_proc_count_port(5040) != 0)
		return 1;
	/* ...its port is free here... */
	fd = xtcp_socket();
	if (xtcp_bind(fd, "0.0.0.0", 5040))
		return 2;
	if (xtcp_proc_count_port(5040) != 1)
		return 3;
	/* ...and this namespace has its own sysctls and counters. */
	if (read_file(RANGE_PATH, buf, sizeof(buf)) <= 0 ||
	    strcmp(buf, "32768\t60999\n"))
		return 4;
	if (write_file(RANGE_PATH, "50000 50001"))
		return 5;
	if (xtcp_counter("InSegs") != 0)
		return 6;
	return 0;
}

TEST(netns_isolation)
{
	char before[64], after[64];
	int fd = xtcp_socket();

	ASSERT_EQ(0, xtcp_bind(fd, "0.0.0.0", 5040));
	ASSERT_LT(0, read_file(RANGE_PATH, before, sizeof(before)));
	EXPECT_EQ(0, in_new_netns(netns_child, NULL));
	/* Nothing the child did leaked back. */
	EXPECT_EQ(1, xtcp_proc_count_port(5040));
	ASSERT_LT(0, read_file(RANGE_PATH, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	close(fd);
}

TEST(module_parameters)
{
	char buf[32];

	ASSERT_LT(0, read_file("/sys/module/xtcp/parameters/family", buf, sizeof(buf)));
	EXPECT_EQ(xtcp_af(), atoi(buf));
	ASSERT_LT(0, read_file("/sys/module/xtcp/parameters/ipproto", buf, sizeof(buf)));
	EXPECT_EQ(IPPROTO_XTCP, atoi(buf));
}

/*
 * Malformed segments, sent on loopback from a raw IP socket: each is
 * dropped and counted and never answered; the valid one, for a port
 * nobody uses, is answered with an RST.
 */
struct seg {
	const char *name;
	unsigned int len;	/* bytes of header+data to send */
	unsigned int doff;	/* data offset in words */
	unsigned char flags;	/* TCP flag byte */
	int bad_csum;
	const char *counter;	/* the counter that must move */
};

static unsigned short csum_fold_sum(unsigned long sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

static unsigned short seg_csum(struct in_addr s, struct in_addr d,
			       const unsigned char *p, unsigned int len)
{
	unsigned long sum = 0;
	unsigned int i;

	sum += (ntohl(s.s_addr) >> 16) + (ntohl(s.s_addr) & 0xffff);
	sum += (ntohl(d.s_addr) >> 16) + (ntohl(d.s_addr) & 0xffff);
	sum += IPPROTO_XTCP + len;
	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return htons(csum_fold_sum(sum));
}

static void send_seg(struct __test_metadata *_metadata, int raw,
		     const struct seg *sg)
{
	unsigned char buf[64] = { 0 };
	struct tcphdr *th = (struct tcphdr *)buf;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned short c;

	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	th->source = htons(7000);
	th->dest = htons(7001);
	th->seq = htonl(1000);
	th->doff = sg->doff;
	buf[13] = sg->flags;
	th->window = htons(1000);
	if (sg->len >= 18) {
		c = seg_csum(dst.sin_addr, dst.sin_addr, buf, sg->len);
		if (sg->bad_csum)
			c ^= 0x0101;
		memcpy(&buf[16], &c, 2);
	}
	ASSERT_EQ((ssize_t)sg->len, sendto(raw, buf, sg->len, 0,
					   (struct sockaddr *)&dst, sizeof(dst)));
}

TEST(malformed_segments_dropped_and_counted)
{
	static const struct seg segs[] = {
		{ "short header", 12, 5, 0x10, 0, "InHdrErrors" },
		{ "doff below 5", 20, 4, 0x10, 0, "InHdrErrors" },
		{ "doff past end", 24, 8, 0x10, 0, "InHdrErrors" },
		{ "SYN+FIN", 20, 5, 0x03, 0, "InHdrErrors" },
		{ "SYN+RST", 20, 5, 0x06, 0, "InHdrErrors" },
		{ "no flags", 20, 5, 0x00, 0, "InHdrErrors" },
		{ "bad checksum", 20, 5, 0x10, 1, "InCsumErrors" },
		{ "well formed", 20, 5, 0x10, 0, "NoSocket" },
	};
	unsigned int i;
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_XTCP);

	ASSERT_LE(0, raw);
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		long errs = xtcp_counter("InErrs");
		long rsts = xtcp_counter("OutRsts");
		long c = xtcp_counter(segs[i].counter);
		int bad = strcmp(segs[i].counter, "NoSocket") != 0;

		TH_LOG("%s", segs[i].name);
		send_seg(_metadata, raw, &segs[i]);
		usleep(20000);
		EXPECT_LT(c, xtcp_counter(segs[i].counter));
		EXPECT_EQ(errs + bad, xtcp_counter("InErrs"));
		/* Garbage is never answered; a good segment to no socket
		 * gets an RST (which loops back here and is ignored).
		 */
		EXPECT_EQ(rsts + !bad, xtcp_counter("OutRsts"));
	}
	close(raw);
}

TEST_HARNESS_MAIN
