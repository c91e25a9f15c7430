// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-scale: many connections and many TIME_WAIT objects in one
 * namespace, for xtcp or (with -t) the kernel's TCP, over loopback.
 *
 *   xtcp-scale [-t] [-v] [-c CONNS] [-w TIMEWAITS]
 *
 * 1. CONNS (10000) connections to one listener, established at once
 *    (non-blocking connects, accepts as they come), each carrying 64
 *    bytes each way, checked: the time, and the memory the kernel uses
 *    per connection (two sockets) from /proc/meminfo: all the kernel
 *    uses, and the Slab part of it (socket objects, files, skbs).
 * 2. Lookup cost with all of them open: 1-byte round trips over every
 *    connection in turn, microseconds each.
 * 3. All closed, client first, and more opened and closed until
 *    TIMEWAITS (100000) TIME_WAIT objects exist (spread over four
 *    listener ports, as a port of the local range is shared per
 *    4-tuple): the time, memory per object, and the round-trip cost of
 *    a fresh connection among them.
 *
 * With -v, also the slab caches that grew in step 1, in bytes per
 * connection (active objects times object size, from /proc/slabinfo).
 *
 * Prints one line of figures and "PASS", or "FAIL" with the reason; the
 * figures are for make bench, pass/fail is correctness only (every
 * byte, every connection, the TIME_WAIT count reached).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "xtcp_param.h"
#include "xtcp_tun.h"

#define BASE_PORT 6000
#define TW_PORTS 4

static int family, tcp;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_proc(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/* /proc/meminfo's Slab (kB): kernel objects, sockets among them. */
static long slab_kb;

/* Kernel memory in use, kB: what neither user pages nor caches hold. */
static long used_kb(void)
{
	long total = 0, free_kb = 0, v;
	char key[64], line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %ld", key, &v) != 2)
			continue;
		if (!strcmp(key, "MemTotal"))
			total = v;
		else if (!strcmp(key, "Slab"))
			slab_kb = v;
		else if (!strcmp(key, "MemFree") || !strcmp(key, "Buffers") ||
			 !strcmp(key, "Cached"))
			free_kb += v;
	}
	fclose(f);
	return total - free_kb;
}

#define MAX_CACHES 512

struct slab_use {
	char name[64];
	long bytes;
};

/* Bytes in active objects per slab cache; returns how many caches. */
static int slab_read(struct slab_use *use)
{
	long active, total, size;
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	while (f && n < MAX_CACHES && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %ld %ld", use[n].name, &active,
			   &total, &size) == 4) {
			use[n].bytes = active * size;
			n++;
		}
	if (f)
		fclose(f);
	return n;
}

/* The caches that grew by at least 8 bytes per connection. */
static void slab_report(const struct slab_use *a, int na,
			const struct slab_use *b, int nb, int nconn)
{
	int i, k;

	for (i = 0; i < nb; i++) {
		long before = 0, d;

		for (k = 0; k < na; k++)
			if (!strcmp(a[k].name, b[i].name))
				before = a[k].bytes;
		d = (b[i].bytes - before) / nconn;
		if (d >= 8)
			printf("xtcp-scale: %s slab %s %ld bytes per connection\n",
			       tcp ? "tcp" : "xtcp", b[i].name, d);
	}
}

static long timewaits(void)
{
	long a, b, c, d, tw = -1;
	char line[256];
	FILE *f;

	if (!tcp) {
		f = fopen("/proc/net/xtcp_sockstat", "r");
		if (f && fscanf(f, "XTCP: orphan %ld tw %ld", &a, &tw) != 2)
			tw = -1;
	} else {
		f = fopen("/proc/net/sockstat", "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "TCP: inuse %ld orphan %ld tw %ld alloc %ld mem %ld",
				   &a, &b, &tw, &c, &d) == 5)
				break;
	}
	if (f)
		fclose(f);
	return tw;
}

static struct sockaddr_in addr(unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = family, .sin_port = htons(port) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static int listen_on(unsigned short port)
{
	struct sockaddr_in sin = addr(port);
	int l = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	if (l < 0)
		return -1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 4096))
		return -1;
	return l;
}

static unsigned short sock_port(int fd, int peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&sin, &len))
		return 0;
	return ntohs(sin.sin_port);
}

/*
 * Put each accepted end at its client's index: accept() returns
 * connections in the order their handshakes completed, which need not
 * be the order of the connect() calls.  The clients' ports are unique
 * (one peer address and port).
 */
static int pair_up(const int *c, int *s, int n)
{
	int *at = malloc(65536 * sizeof(int)), *sorted = malloc(n * sizeof(int));
	int i, ret = -1;

	if (!at || !sorted)
		goto out;
	for (i = 0; i < 65536; i++)
		at[i] = -1;
	for (i = 0; i < n; i++)
		at[sock_port(c[i], 0)] = i;
	for (i = 0; i < n; i++) {
		int k = at[sock_port(s[i], 1)];

		if (k < 0)
			goto out;
		sorted[k] = s[i];
	}
	memcpy(s, sorted, n * sizeof(int));
	ret = 0;
out:
	free(at);
	free(sorted);
	return ret;
}

/* Open @n connections to @port: clients in @c, accepted ends in @s. */
static int open_many(int l, unsigned short port, int *c, int *s, int n)
{
	struct sockaddr_in sin = addr(port);
	int opened = 0, accepted = 0;
	double end = now_s() + 600;

	while (accepted < n && now_s() < end) {
		int a;

		/* Keep at most 512 handshakes in flight: the backlog holds them. */
		while (opened < n && opened - accepted < 512) {
			c[opened] = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (c[opened] < 0)
				return -1;
			if (connect(c[opened], (struct sockaddr *)&sin, sizeof(sin)) &&
			    errno != EINPROGRESS)
				return -1;
			opened++;
		}
		a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
		if (a >= 0) {
			s[accepted++] = a;
			continue;
		}
		if (errno != EAGAIN)
			return -1;
		poll(&(struct pollfd){ .fd = l, .events = POLLIN }, 1, 100);
	}
	return accepted == n ? pair_up(c, s, n) : -1;
}

/* Read exactly @len bytes from non-blocking @fd. */
static int read_exact(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = recv(fd, buf + got, len - got, 0);

		if (n > 0) {
			got += n;
			continue;
		}
		if (!n || errno != EAGAIN || poll(&p, 1, 10000) != 1)
			return -1;
	}
	return 0;
}

/* 64 bytes each way over every connection, checked. */
static int exchange(int *c, int *s, int n, size_t len)
{
	unsigned char out[64], in[64];
	int i;
	size_t k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < len; k++)
			out[k] = (unsigned char)(i * 31 + k);
		if (send(c[i], out, len, MSG_NOSIGNAL) != (ssize_t)len)
			return -1;
	}
	/* Each accepted end echoes what its own client sent. */
	for (i = 0; i < n; i++) {
		if (read_exact(s[i], in, len) ||
		    send(s[i], in, len, MSG_NOSIGNAL) != (ssize_t)len)
			return -1;
	}
	for (i = 0; i < n; i++) {
		if (read_exact(c[i], in, len))
			return -1;
		for (k = 0; k < len; k++)
			if (in[k] != (unsigned char)(i * 31 + k))
				return -1;
	}
	return 0;
}

/* Round trips of one byte over @n pairs in turn; microseconds each. */
static double round_trips(int *c, int *s, int n, int rounds)
{
	unsigned char b = 'x';
	double t0 = now_s();
	int r, i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			if (send(c[i], &b, 1, 0) != 1 || read_exact(s[i], &b, 1) ||
			    send(s[i], &b, 1, 0) != 1 || read_exact(c[i], &b, 1))
				return -1;
		}
	}
	return (now_s() - t0) * 1e6 / ((double)rounds * n);
}

static int fail(const char *why)
{
	printf("xtcp-scale: FAIL %s: %s (%s)\n", tcp ? "tcp" : "xtcp", why,
	       strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int nconn = 10000, ntw = 100000, opt, i, l, tl[TW_PORTS];
	struct rlimit rl = { 1 << 20, 1 << 20 };
	double t0, t_conn, t_tw, rtt_conn, rtt_tw;
	static struct slab_use slab0[MAX_CACHES], slab1[MAX_CACHES];
	long m0, m1, m2, sl0, sl1, tw;
	int *c, *s, verbose = 0, ns0 = 0, ns1;

	while ((opt = getopt(argc, argv, "tvc:w:")) != -1) {
		switch (opt) {
		case 't':
			tcp = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'c':
			nconn = atoi(optarg);
			break;
		case 'w':
			ntw = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-t] [-v] [-c CONNS] [-w TIMEWAITS]\n", argv[0]);
			return 2;
		}
	}
	family = tcp ? AF_INET : xtcp_family();
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = 65536;
		rl.rlim_max = 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (unshare(CLONE_NEWNET))
		return fail("unshare");
	i = socket(AF_INET, SOCK_DGRAM, 0);
	if (i < 0 || if_up(i, "lo", NULL, NULL))
		return fail("lo");
	close(i);
	/* A wide port range (above the listeners), room for every TIME_WAIT. */
	write_proc("/proc/sys/net/ipv4/ip_local_port_range", "10000 65535");
	write_proc("/proc/sys/net/xtcp/ip_local_port_range", "10000 65535");
	write_proc("/proc/sys/net/ipv4/tcp_max_tw_buckets", "1000000");
	/* TCP would reuse loopback TIME_WAIT tuples (xtcp never does). */
	write_proc("/proc/sys/net/ipv4/tcp_tw_reuse", "0");
	write_proc("/proc/sys/net/xtcp/max_tw_buckets", "1000000");
	c = calloc(nconn > 1000 ? nconn : 1000, sizeof(int));
	s = calloc(nconn > 1000 ? nconn : 1000, sizeof(int));
	if (!c || !s)
		return fail("calloc");

	l = listen_on(BASE_PORT);
	if (l < 0)
		return fail("listen");
	if (verbose)
		ns0 = slab_read(slab0);
	m0 = used_kb();
	sl0 = slab_kb;
	t0 = now_s();
	if (open_many(l, BASE_PORT, c, s, nconn))
		return fail("connect/accept");
	if (exchange(c, s, nconn, 64))
		return fail("exchange");
	t_conn = now_s() - t0;
	m1 = used_kb();
	sl1 = slab_kb;
	if (verbose) {
		ns1 = slab_read(slab1);
		slab_report(slab0, ns0, slab1, ns1, nconn);
	}
	rtt_conn = round_trips(c, s, nconn, 2);
	if (rtt_conn < 0)
		return fail("round trips");

	/* Clients close first: each leaves a TIME_WAIT object. */
	t0 = now_s();
	for (i = 0; i < nconn; i++)
		close(c[i]);
	for (i = 0; i < nconn; i++)
		close(s[i]);
	for (i = 0; i < TW_PORTS; i++) {
		tl[i] = listen_on(BASE_PORT + 1 + i);
		if (tl[i] < 0)
			return fail("listen");
	}
	for (i = 0; timewaits() < ntw; i++) {
		int k, port = i % TW_PORTS;

		if (now_s() - t0 > 600)
			return fail("TIME_WAIT count not reached");
		if (open_many(tl[port], BASE_PORT + 1 + port, c, s, 1000))
			return fail("connect/accept (TIME_WAIT phase)");
		for (k = 0; k < 1000; k++)
			close(c[k]);
		for (k = 0; k < 1000; k++)
			close(s[k]);
	}
	t_tw = now_s() - t0;
	tw = timewaits();
	m2 = used_kb();
	if (open_many(l, BASE_PORT, c, s, 1))
		return fail("connect among TIME_WAIT");
	rtt_tw = round_trips(c, s, 1, 2000);
	if (rtt_tw < 0)
		return fail("round trips among TIME_WAIT");
	printf("xtcp-scale: PASS %s conns=%d conn_s=%.2f kb_per_conn=%.2f",
	       tcp ? "tcp" : "xtcp", nconn, t_conn, (double)(m1 - m0) / nconn);
	printf(" slab_kb_per_conn=%.2f rtt_us_conns=%.1f",
	       (double)(sl1 - sl0) / nconn, rtt_conn);
	printf(" tw=%ld tw_s=%.2f kb_per_tw=%.3f rtt_us_tw=%.1f\n",
	       tw, t_tw, (double)(m2 - m0) / tw, rtt_tw);
	return 0;
}
