/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for connection tests: two network namespaces, "xa" (client,
 * 192.0.2.1) and "xb" (server, 192.0.2.2), joined by veth, made by
 * scripts/guest-test.  A socket belongs to the namespace of the thread
 * that creates it, so the helpers switch the calling thread's
 * namespace just for socket().
 */
#ifndef _XTCP_CONN_UTIL_H
#define _XTCP_CONN_UTIL_H

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "xtcp_util.h"

#define CLIENT_IP "192.0.2.1"
#define SERVER_IP "192.0.2.2"
#define NOHOST_IP "192.0.2.99"	/* a neighbour that never answers: packets vanish */

static inline int ns_enter(const char *ns)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

/* An AF_XTCP socket in namespace @ns; the thread returns to where it was. */
static inline int socket_in(const char *ns, int type_flags)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;

	if (self < 0)
		return -1;
	if (!ns_enter(ns))
		s = xtcp_stream_socket(type_flags);
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

/*
 * A stream socket in @ns: xtcp's (through the tests' entry), or with
 * @tcp the kernel's TCP, for comparisons.
 */
static inline int stream_socket_in(const char *ns, int tcp)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;

	if (self < 0)
		return -1;
	if (!ns_enter(ns))
		s = tcp ? socket(AF_INET, SOCK_STREAM, 0) : xtcp_stream_socket(0);
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

/*
 * Run a shell command inside @ns.  Four execs (sh, ip, sh, the
 * command), each of which costs seconds on the debug kernel: for one
 * command ns_run() is cheaper.
 */
static inline int ns_sh(const char *ns, const char *cmd)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "ip netns exec %s sh -c '%s'", ns, cmd);
	return system(buf);
}

/*
 * Run one command inside @ns without a shell: the words of @cmd, split
 * at spaces (no quoting), executed in a child that has joined @ns; its
 * standard output discarded, its errors shown.
 * Return: 0 when the command exited 0, else non-zero.
 */
static inline int ns_run(const char *ns, const char *cmd)
{
	char buf[256], *argv[24], *save = NULL, *w;
	int n = 0, status, null;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%s", cmd);
	for (w = strtok_r(buf, " ", &save); w && n < 23; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (!n)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		if (ns_enter(ns))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Run "ip [-n @ns] -batch -" (@ns NULL: this namespace) on @cmds, one
 * ip command per line without the "ip": the first that fails ends it,
 * with ip's message.  With @force, failures are passed over.
 * Return: 0 when every command succeeded, else non-zero.
 */
static inline int ip_batch(const char *ns, const char *cmds, int force)
{
	char *argv[8] = { "ip" };
	size_t len = strlen(cmds), off = 0;
	int fds[2], status, n = 1;
	ssize_t w;
	pid_t pid;

	if (ns) {
		argv[n++] = "-n";
		argv[n++] = (char *)ns;
	}
	if (force)
		argv[n++] = "-force";
	argv[n++] = "-batch";
	argv[n++] = "-";
	argv[n] = NULL;
	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("ip", argv);
		_exit(127);
	}
	close(fds[0]);
	while (off < len && (w = write(fds[1], cmds + off, len - off)) > 0)
		off += w;
	close(fds[1]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The veth end of @ns, and which of them have a root qdisc a test set
 * (this test's process: the harness runs a test and its teardown in
 * one child), so that teardowns remove only what was set.
 */
static unsigned int ns_qdisc_set;

static inline const char *ns_dev(const char *ns)
{
	return strcmp(ns, "xa") ? "vb" : "va";
}

static inline unsigned int ns_bit(const char *ns)
{
	return strcmp(ns, "xa") ? 2 : 1;
}

/* Note a root qdisc set on @ns's veth by other means (ns_sh()). */
static inline void ns_qdisc_note(const char *ns)
{
	ns_qdisc_set |= ns_bit(ns);
}

/* Replace the root qdisc of @ns's veth by @qdisc ("netem loss 2%"). */
static inline int ns_qdisc(const char *ns, const char *qdisc)
{
	char cmd[192];

	snprintf(cmd, sizeof(cmd), "tc qdisc replace dev %s root %s", ns_dev(ns), qdisc);
	ns_qdisc_note(ns);
	return ns_run(ns, cmd);
}

/* Back to the default root qdisc, if a test set one. */
static inline int ns_qdisc_del(const char *ns)
{
	char cmd[64];

	if (!(ns_qdisc_set & ns_bit(ns)))
		return 0;
	ns_qdisc_set &= ~ns_bit(ns);
	snprintf(cmd, sizeof(cmd), "tc qdisc del dev %s root", ns_dev(ns));
	return ns_run(ns, cmd);
}

/*
 * Write @val to the /proc/sys file @path in @ns, from this thread
 * (/proc/sys/net is the opener's namespace's): no shell, which takes
 * seconds on the debug kernel.  Return 0, or -1 as a failed command
 * would.
 */
static inline int ns_write(const char *ns, const char *path, const char *val)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), fd = -1, err = -1;

	if (self < 0)
		return -1;
	if (!ns_enter(ns))
		fd = open(path, O_WRONLY);
	setns(self, CLONE_NEWNET);
	close(self);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) == (ssize_t)strlen(val))
		err = 0;
	if (close(fd))
		err = -1;
	return err;
}

/* Write net.xtcp.@name in @ns. */
static inline int ns_sysctl(const char *ns, const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	return ns_write(ns, path, val);
}

static inline int listener(unsigned short port, int backlog)
{
	int s = socket_in("xb", 0), one = 1;

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (xtcp_bind(s, SERVER_IP, port) || listen(s, backlog)) {
		close(s);
		return -1;
	}
	return s;
}

static inline int connect_to(int s, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = xtcp_addr(ip, port);

	return connect(s, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

/* A connected pair: *cli in xa, *srv accepted in xb. */
static inline int pair(unsigned short port, int *cli, int *srv)
{
	int l = listener(port, 16);

	if (l < 0)
		return -1;
	*cli = socket_in("xa", 0);
	if (*cli < 0 || connect_to(*cli, SERVER_IP, port)) {
		close(l);
		return -1;
	}
	*srv = accept(l, NULL, NULL);
	close(l);
	return *srv < 0 ? -1 : 0;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Open /proc/thread-self/net/@file as seen from namespace @ns. */
static inline FILE *ns_proc_open(const char *ns, const char *file)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY);
	char path[128];
	FILE *f = NULL;

	if (self < 0)
		return NULL;
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	if (!ns_enter(ns))
		f = fopen(path, "r");
	setns(self, CLONE_NEWNET);
	close(self);
	return f;
}

/* State name of the entry for lport/rport in @ns's /proc/net/xtcp, or "". */
static inline const char *proc_state(const char *ns, unsigned short lport,
				     unsigned short rport)
{
	static char state[32];
	unsigned int sl, la, lp, ra, rp;
	char line[512];
	FILE *f;

	state[0] = 0;
	f = ns_proc_open(ns, "xtcp");
	if (!f)
		return state;
	while (fgets(line, sizeof(line), f)) {
		char st[32];

		if (sscanf(line, " %u: %x:%x %x:%x %*x %*x:%*x %*x:%*x %*x %*u %*d %*u %31s",
			   &sl, &la, &lp, &ra, &rp, st) == 6 &&
		    lp == lport && rp == rport)
			strcpy(state, st);
	}
	fclose(f);
	return state;
}

static inline long ns_counter(const char *ns, const char *name)
{
	char key[64];
	long val, found = -1;
	FILE *f = ns_proc_open(ns, "xtcp_snmp");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, name))
			found = val;
	fclose(f);
	return found;
}

/* Wait up to @secs for the state of lport/rport in @ns to become @want. */
static inline int wait_state(const char *ns, unsigned short lport,
			     unsigned short rport, const char *want, double secs)
{
	double end = now_s() + secs;

	do {
		if (!strcmp(proc_state(ns, lport, rport), want))
			return 0;
		usleep(2000);
	} while (now_s() < end);
	return -1;
}

static inline unsigned short peer_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getpeername(fd, (struct sockaddr *)&sin, &len))
		return 0;
	return ntohs(sin.sin_port);
}

static inline ssize_t send_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, (const char *)buf + done, len - done, MSG_NOSIGNAL);

		if (n < 0)
			return -errno;
		done += n;
	}
	return done;
}

static inline ssize_t recv_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = recv(fd, (char *)buf + done, len - done, 0);

		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += n;
	}
	return done;
}

static inline void fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

/* Bytes readable within @ms, without consuming them. */
static inline int readable_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
}

/* The Internet checksum of @len bytes at @p, folded, from a running @sum. */
static inline unsigned short seg_csum16(const void *p, size_t len, unsigned long sum)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* A raw IPv4 socket with IP_HDRINCL in namespace @ns. */
static inline int raw_hdrincl(const char *ns)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), r = -1, one = 1;

	if (!ns_enter(ns)) {
		r = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (r >= 0)
			setsockopt(r, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	}
	setns(self, CLONE_NEWNET);
	close(self);
	return r;
}

/* Send a segment that claims to come from @src to @dst, with a good checksum. */
static inline void forge(int raw, const char *src, const char *dst,
			 unsigned short sport, unsigned short dport,
			 unsigned int seq, unsigned int ack, unsigned char flags)
{
	unsigned char pkt[40] = { 0 };
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + 20);
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long sum;

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(40);
	ip->ttl = 64;
	ip->protocol = IPPROTO_XTCP;
	ip->saddr = inet_addr(src);
	ip->daddr = inet_addr(dst);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = 5;
	pkt[33] = flags;
	th->window = htons(1000);
	sum = (ntohl(ip->saddr) >> 16) + (ntohl(ip->saddr) & 0xffff) +
	      (ntohl(ip->daddr) >> 16) + (ntohl(ip->daddr) & 0xffff) +
	      IPPROTO_XTCP + 20;
	th->check = htons(seg_csum16(th, 20, sum));
	to.sin_addr.s_addr = ip->daddr;
	sendto(raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
}

#endif
