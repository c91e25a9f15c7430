// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-synflood: spoofed SYNs through a tun device at a listener, while
 * a real client connects to it and sends data.
 *
 *   xtcp-synflood [-n SYNS] [-b BYTES] [-q BACKLOG] [-c]
 *
 * In a namespace of its own (tun "xflood0", 192.0.2.1/24) it listens on
 * 192.0.2.1:80 with a backlog of BACKLOG (128), writes SYNS (100000)
 * SYNs from random addresses of 192.0.2.0/24 and random ports, and
 * drains what the module sends back.  A quarter of the way in, a client
 * in the namespace connects to the listener and sends BYTES (1 MiB),
 * which the accepted socket must receive intact.  It passes if the
 * client got through during the flood, its bytes arrived exactly, the
 * SYNs past the queue were answered with SYN cookies, and the sockets
 * and memory xtcp held stayed bounded (at most the backlog's worth of
 * half-open connections), printing one line "xtcp-synflood: PASS ..."
 * or "xtcp-synflood: FAIL ...".
 *
 * With -c, SYN cookies are off and no client runs: the flood fills the
 * SYN queue with half-open connections, and it passes if /proc/net/xtcp
 * showed the queue full of SYN_RECV entries while no socket was made for
 * any of them (they are request objects), the SYNs past the queue were
 * dropped and counted.  It prints the slab growth and the size of a
 * request object and of a socket from /proc/slabinfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "xtcp_param.h"
#include "xtcp_tun.h"
#include "xtcp_check.h"

#define LOCAL_IP "192.0.2.1"
#define PORT 80

static int tun, ipproto, nsyns = 100000, backlog = 128, halfopen;
static atomic_int sent, synacks, flood_done;
static atomic_long max_socks, max_pages, max_slab_kb, max_syn_recv;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long slab_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Lines of /proc/net/xtcp in SYN_RECV: the half-open connections. */
static long count_syn_recv(void)
{
	char line[256];
	long n = 0;
	FILE *f = fopen("/proc/net/xtcp", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " SYN_RECV"))
			n++;
	fclose(f);
	return n;
}

/* The object size of slab cache @name, from /proc/slabinfo; or -1. */
static long slab_objsize(const char *name)
{
	char line[512], cache[64];
	long active, total, size = -1;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", cache, &active, &total, &size) == 4 &&
		    !strcmp(cache, name))
			break;
		size = -1;
	}
	fclose(f);
	return size;
}

/* /proc/net/xtcp_sockstat (sockets, pages charged), and the slab total. */
static void sample_sockstat(void)
{
	long orphan, tw, alloc, mem, pressure, kb = slab_kb();
	FILE *f = fopen("/proc/net/xtcp_sockstat", "r");

	if (kb > max_slab_kb)
		max_slab_kb = kb;
	if (halfopen) {
		long n = count_syn_recv();

		if (n > max_syn_recv)
			max_syn_recv = n;
	}
	if (!f)
		return;
	if (fscanf(f, "XTCP: orphan %ld tw %ld alloc %ld mem %ld pressure %ld",
		   &orphan, &tw, &alloc, &mem, &pressure) == 5) {
		if (alloc > max_socks)
			max_socks = alloc;
		if (mem > max_pages)
			max_pages = mem;
	}
	fclose(f);
}

static long snmp(const char *name)
{
	char key[64];
	long val, found = -1;
	FILE *f = fopen("/proc/net/xtcp_snmp", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, name))
			found = val;
	fclose(f);
	return found;
}

/* One SYN with MSS and window scale, from @saddr:@sport. */
static size_t build_syn(unsigned char *pkt, uint32_t saddr, uint16_t sport,
			uint32_t seq)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + sizeof(*ip));
	unsigned char *opt = (unsigned char *)(th + 1);
	size_t len = sizeof(*th) + 8;
	uint32_t daddr;

	inet_pton(AF_INET, LOCAL_IP, &daddr);
	memset(pkt, 0, sizeof(*ip) + len);
	ip4_hdr_fill(ip, ipproto, saddr, daddr, len, seq, 0);
	th->source = htons(sport);
	th->dest = htons(PORT);
	th->seq = htonl(seq);
	th->doff = len / 4;
	th->syn = 1;
	th->window = htons(65535);
	opt[0] = 2, opt[1] = 4, opt[2] = 1460 >> 8, opt[3] = 1460 & 0xff;
	opt[4] = 1, opt[5] = 3, opt[6] = 3, opt[7] = 7;
	th->check = xtcp_seg_csum(ip->saddr, ip->daddr, ipproto, th, len);
	return sizeof(*ip) + len;
}

static void *flood(void *arg)
{
	unsigned char pkt[64];
	uint32_t base;
	int i;

	inet_pton(AF_INET, "192.0.2.0", &base);
	for (i = 0; i < nsyns; i++) {
		/* 192.0.2.2 .. 192.0.2.254: never the listener's address. */
		uint32_t saddr = htonl(ntohl(base) + 2 + rand() % 253);
		size_t len = build_syn(pkt, saddr, 1024 + rand() % 60000, rand());

		if (write(tun, pkt, len) == (ssize_t)len)
			sent++;
		if (!(i % 1000))
			sample_sockstat();
	}
	sample_sockstat();
	flood_done = 1;
	return NULL;
}

/* What the module sends to the spoofed addresses: counted and dropped. */
static void *drain(void *arg)
{
	unsigned char pkt[2048];

	for (;;) {
		struct pollfd p = { .fd = tun, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0) {
			if (flood_done)
				return NULL;
			continue;
		}
		n = read(tun, pkt, sizeof(pkt));
		if (n >= 40) {
			struct iphdr *ip = (struct iphdr *)pkt;
			struct tcphdr *th = (struct tcphdr *)(pkt + ip->ihl * 4);

			if (ip->protocol == ipproto && th->syn && th->ack)
				synacks++;
		}
	}
}

/* The real client: connect during the flood, send @bytes, verify. */
static int real_client(int family, int l, size_t bytes, double *connect_ms)
{
	struct sockaddr_in sin = { .sin_family = family, .sin_port = htons(PORT) };
	struct timeval tv = { .tv_sec = 30 };
	static unsigned char buf[65536];
	size_t done = 0, got = 0, k;
	int c, a, ret = -1;
	double t0;

	inet_pton(AF_INET, LOCAL_IP, &sin.sin_addr);
	c = socket(family, SOCK_STREAM, 0);
	if (c < 0)
		return -1;
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_s();
	if (connect(c, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "xtcp-synflood: connect: %s\n", strerror(errno));
		goto out;
	}
	*connect_ms = (now_s() - t0) * 1000;
	a = accept(l, NULL, NULL);
	if (a < 0) {
		fprintf(stderr, "xtcp-synflood: accept: %s\n", strerror(errno));
		goto out;
	}
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (done < bytes || got < bytes) {
		if (done < bytes) {
			size_t n = bytes - done < 16384 ? bytes - done : 16384;
			ssize_t w;

			for (k = 0; k < n; k++)
				buf[k] = (unsigned char)((done + k) * 7 + ((done + k) >> 10));
			w = send(c, buf, n, MSG_NOSIGNAL);
			if (w <= 0)
				break;
			done += w;
		}
		while (got < done) {
			ssize_t r = recv(a, buf, sizeof(buf), 0);

			if (r <= 0)
				goto out_a;
			for (k = 0; k < (size_t)r; k++)
				if (buf[k] != (unsigned char)((got + k) * 7 + ((got + k) >> 10))) {
					fprintf(stderr, "xtcp-synflood: byte %zu differs\n",
						got + k);
					goto out_a;
				}
			got += r;
		}
	}
	ret = got == bytes ? 0 : -1;
out_a:
	close(a);
out:
	close(c);
	return ret;
}

/*
 * -c: the flood alone, cookies off.  The queue holds backlog + 1
 * half-open connections (as TCP's), none a socket.
 */
static int halfopen_result(int l, long slab0, long drops0)
{
	long socks0 = max_socks, drops, slab_growth;
	pthread_t ft, dt;
	double t0, elapsed;
	int ok;

	t0 = now_s();
	pthread_create(&dt, NULL, drain, NULL);
	pthread_create(&ft, NULL, flood, NULL);
	pthread_join(ft, NULL);
	elapsed = now_s() - t0;
	pthread_join(dt, NULL);
	drops = snmp("ListenDrops") - drops0;
	slab_growth = max_slab_kb - slab0;
	close(l);
	xtcp_sysctl_set("syncookies", "1");
	ok = max_syn_recv >= backlog && max_syn_recv <= backlog + 1 &&
	     max_socks <= socks0 && drops >= nsyns - 4 * (backlog + 1) &&
	     slab_growth <= 128 * 1024;
	printf("xtcp-synflood: %s half-open syns=%d written=%d in %.1f s (%.0f/s)",
	       ok ? "PASS" : "FAIL", nsyns, (int)sent, elapsed, sent / elapsed);
	printf(" synacks=%d syn_recv_max=%ld (backlog %d) sockets=%ld (before %ld)",
	       (int)synacks, (long)max_syn_recv, backlog, (long)max_socks, socks0);
	printf(" listen_drops=%ld slab_growth=%ld kB request_object=%ld B socket=%ld B\n",
	       drops, slab_growth, slab_objsize("xtcp_req"), slab_objsize("XTCP"));
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_port = htons(PORT) };
	long sent0, recv0, drops0, slab0, bound_socks, bound_pages = 4096;
	pthread_t ft, dt;
	size_t bytes = 1 << 20;
	double t0, elapsed, connect_ms = 0;
	int family, l, opt, one = 1, client;

	while ((opt = getopt(argc, argv, "n:b:q:c")) != -1) {
		switch (opt) {
		case 'n':
			nsyns = atoi(optarg);
			break;
		case 'b':
			bytes = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			backlog = atoi(optarg);
			break;
		case 'c':
			halfopen = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [-n SYNS] [-b BYTES] [-q BACKLOG] [-c]\n",
				argv[0]);
			return 2;
		}
	}
	family = xtcp_family();
	ipproto = xtcp_param("ipproto", IPPROTO_XTCP);
	srand(time(NULL));
	tun = tun_netns_setup("xflood0", LOCAL_IP);
	if (tun < 0) {
		perror("xtcp-synflood: tun");
		return 1;
	}
	/* Half-open connections give up fast, as under a real flood's tuning. */
	xtcp_sysctl_set("synack_retries", "2");
	if (halfopen)
		xtcp_sysctl_set("syncookies", "0");
	sin.sin_family = family;
	inet_pton(AF_INET, LOCAL_IP, &sin.sin_addr);
	l = socket(family, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, backlog)) {
		perror("xtcp-synflood: listen");
		return 1;
	}
	sample_sockstat();
	slab0 = max_slab_kb;
	/*
	 * The listener, the client and its child, the backlog's children
	 * (one more than the backlog, as TCP), and a little slack.
	 */
	bound_socks = max_socks + 3 + backlog + 1 + 4;
	sent0 = snmp("SyncookiesSent");
	recv0 = snmp("SyncookiesRecv");
	drops0 = snmp("ListenDrops");
	if (halfopen)
		return halfopen_result(l, slab0, drops0);

	t0 = now_s();
	pthread_create(&dt, NULL, drain, NULL);
	pthread_create(&ft, NULL, flood, NULL);
	while (sent < nsyns / 4 && !flood_done)
		usleep(1000);
	client = real_client(family, l, bytes, &connect_ms);
	pthread_join(ft, NULL);
	elapsed = now_s() - t0;
	pthread_join(dt, NULL);
	close(l);

	{
		long cookies = snmp("SyncookiesSent") - sent0;
		long cookie_acks = snmp("SyncookiesRecv") - recv0;
		long slab_growth = max_slab_kb - slab0;
		/* Generous: the debug kernel's KASAN quarantine holds frees. */
		int ok = !client && cookies >= nsyns / 2 && cookie_acks >= 1 &&
			 max_socks <= bound_socks && max_pages <= bound_pages &&
			 slab_growth <= 128 * 1024;

		printf("xtcp-synflood: %s syns=%d written=%d in %.1f s (%.0f/s)",
		       ok ? "PASS" : "FAIL", nsyns, (int)sent, elapsed, sent / elapsed);
		printf(" synacks=%d cookies=%ld cookie_acks=%ld client=%s connect=%.0f ms",
		       (int)synacks, cookies, cookie_acks, client ? "failed" : "ok",
		       connect_ms);
		printf(" max_sockets=%ld (bound %ld) max_pages=%ld (bound %ld)",
		       (long)max_socks, bound_socks, (long)max_pages, bound_pages);
		printf(" slab_growth=%ld kB\n", slab_growth);
		return ok ? 0 : 1;
	}
}
