// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench: one benchmark run, over xtcp or (with -t) the kernel's TCP.
 *
 *   xtcp-bench -s -p PORT [-t]                       serve until killed
 *   xtcp-bench -c ADDR -p PORT -m MODE -d SECS [-t] [-P N] [-i]
 *                                                    one measurement
 *
 * Modes, chosen by the client's first byte on each connection:
 *   stream  64 KB writes for SECS seconds; prints MB/s received by the
 *           server (the client waits for the server's byte count);
 *           with -P N, N such streams at once: the aggregate, the
 *           slowest and fastest, and Jain's fairness index
 *   rr      1-byte request, 1-byte response, back to back on one
 *           connection; prints transactions/s and p50/p99 latency
 *   crr     connect, 1-byte request and response, close; prints
 *           connections/s
 *
 * With -i, each stream also prints its sender's state when it stops
 * writing (XTCP_INFO or TCP_INFO): cwnd, srtt, retransmissions, the
 * buffers; a diagnosis, not a figure to compare.
 *
 * The output is one line of key=value pairs for scripts/guest-bench.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xtcp_param.h"

static int family, tcp, show_info;
static struct sockaddr_in addr;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = recv(fd, (char *)buf + done, len - done, 0);

		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static void serve_one(int fd)
{
	static char buf[65536];
	uint64_t total = 0;
	char mode, c;
	ssize_t n;

	if (recv(fd, &mode, 1, 0) != 1)
		return;
	switch (mode) {
	case 'S':
		while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
			total += n;
		send(fd, &total, sizeof(total), MSG_NOSIGNAL);
		break;
	case 'R':
		while (recv(fd, &c, 1, 0) == 1)
			if (send(fd, &c, 1, MSG_NOSIGNAL) != 1)
				break;
		break;
	case 'C':
		if (recv(fd, &c, 1, 0) == 1)
			send(fd, &c, 1, MSG_NOSIGNAL);
		break;
	}
}

static int serve(void)
{
	int l = socket(family, SOCK_STREAM, 0), one = 1;

	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&addr, sizeof(addr)) || listen(l, 128)) {
		perror("server");
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int fd = accept(l, NULL, NULL);

		if (fd < 0)
			continue;
		/* A child per connection: a stream must not block the rest. */
		if (!fork()) {
			close(l);
			serve_one(fd);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
}

static int dial(char mode)
{
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    send(fd, &mode, 1, 0) != 1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One stream: 64 KB writes from t0 for secs, then the server's count. */
struct flow {
	int fd, id;
	double t0, secs, t1;
	uint64_t total;
	int err;
};

/* The sender's view of one stream, on stderr. */
static void print_info(const struct flow *f)
{
	struct xtcp_info xi;
	struct tcp_info ti;
	socklen_t len;

	if (tcp) {
		len = sizeof(ti);
		if (getsockopt(f->fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			return;
		fprintf(stderr, "info flow=%d cwnd=%u ssthresh=%u srtt_us=%u mss=%u",
			f->id, ti.tcpi_snd_cwnd, ti.tcpi_snd_ssthresh, ti.tcpi_rtt,
			ti.tcpi_snd_mss);
		fprintf(stderr, " retrans=%u unacked=%u sacked=%u reordering=%u\n",
			ti.tcpi_total_retrans, ti.tcpi_unacked, ti.tcpi_sacked,
			ti.tcpi_reordering);
		return;
	}
	len = sizeof(xi);
	if (getsockopt(f->fd, SOL_XTCP, XTCP_INFO, &xi, &len))
		return;
	fprintf(stderr, "info flow=%d cwnd=%u ssthresh=%u srtt_us=%u mss=%u retrans=%llu",
		f->id, xi.snd_cwnd, xi.snd_ssthresh, xi.srtt, xi.snd_mss,
		(unsigned long long)xi.total_retrans);
	fprintf(stderr, " unacked=%u sacked=%u reordering=%u snd_wnd=%u fast=%llu",
		xi.unacked, xi.sacked, xi.reordering, xi.snd_wnd,
		(unsigned long long)xi.fast_retrans);
	fprintf(stderr, " timeouts=%llu snd_buf=%u segs_out=%llu\n",
		(unsigned long long)xi.timeouts, xi.snd_buf,
		(unsigned long long)xi.segs_out);
}

static void *stream_flow(void *arg)
{
	static char buf[65536];
	struct flow *f = arg;

	memset(buf, 0x5a, sizeof(buf));
	while (now() - f->t0 < f->secs)
		if (send(f->fd, buf, sizeof(buf), 0) != sizeof(buf)) {
			f->err = 1;
			return NULL;
		}
	if (show_info)
		print_info(f);
	shutdown(f->fd, SHUT_WR);
	f->err = read_full(f->fd, &f->total, sizeof(f->total)) ? 1 : 0;
	f->t1 = now();
	close(f->fd);
	return NULL;
}

/*
 * @n streams at once, each on a thread.  Prints the aggregate MB/s
 * (all bytes over the longest flow's time), the slowest and fastest
 * flow, and Jain's fairness index over the flows' rates,
 * (sum x)^2 / (n sum x^2): 1 when all are equal, 1/n when one has all.
 */
static int run_stream(double secs, int n)
{
	double t0, t_end = 0, sum = 0, sum2 = 0, lo = 1e30, hi = 0;
	struct flow *f = calloc(n, sizeof(*f));
	pthread_t *t = calloc(n, sizeof(*t));
	uint64_t bytes = 0;
	int i, err = 0;

	if (!f || !t)
		return 1;
	for (i = 0; i < n; i++) {
		f[i].fd = dial('S');
		if (f[i].fd < 0)
			return 1;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		f[i].t0 = t0;
		f[i].secs = secs;
		f[i].id = i;
		if (pthread_create(&t[i], NULL, stream_flow, &f[i]))
			return 1;
	}
	for (i = 0; i < n; i++) {
		double r;

		pthread_join(t[i], NULL);
		err |= f[i].err;
		r = f[i].total / (f[i].t1 - t0) / 1e6;
		sum += r;
		sum2 += r * r;
		lo = r < lo ? r : lo;
		hi = r > hi ? r : hi;
		bytes += f[i].total;
		t_end = f[i].t1 > t_end ? f[i].t1 : t_end;
	}
	if (err)
		return 1;
	printf("mode=stream flows=%d mbps=%.2f bytes=%llu secs=%.2f", n,
	       bytes / (t_end - t0) / 1e6, (unsigned long long)bytes, t_end - t0);
	if (n > 1)
		printf(" min_mbps=%.2f max_mbps=%.2f jain=%.4f", lo, hi,
		       sum2 ? sum * sum / (n * sum2) : 0);
	printf("\n");
	free(f);
	free(t);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_rr(double secs)
{
	size_t n = 0, cap = 1 << 20;
	double *lat = malloc(cap * sizeof(*lat)), t0, t;
	int fd = dial('R');
	char c = 'r';

	if (fd < 0 || !lat)
		return 1;
	t0 = now();
	while ((t = now()) - t0 < secs) {
		if (send(fd, &c, 1, 0) != 1 || recv(fd, &c, 1, 0) != 1)
			return 1;
		if (n < cap)
			lat[n++] = now() - t;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("mode=rr tps=%.1f p50_us=%.1f p99_us=%.1f n=%zu\n",
	       n / (now() - t0), lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6, n);
	close(fd);
	free(lat);
	return 0;
}

static int run_crr(double secs)
{
	double t0 = now();
	size_t n = 0;
	char c = 'c';

	while (now() - t0 < secs) {
		int fd = dial('C');

		if (fd < 0 || send(fd, &c, 1, 0) != 1 || recv(fd, &c, 1, 0) != 1)
			return 1;
		close(fd);
		n++;
	}
	printf("mode=crr cps=%.1f n=%zu\n", n / (now() - t0), n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *host = NULL, *mode = "stream";
	int opt, server = 0, port = 0, flows = 1;
	double secs = 5;

	while ((opt = getopt(argc, argv, "sc:p:m:d:tP:i")) != -1) {
		switch (opt) {
		case 's':
			server = 1;
			break;
		case 'c':
			host = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'm':
			mode = optarg;
			break;
		case 'd':
			secs = atof(optarg);
			break;
		case 't':
			tcp = 1;
			break;
		case 'i':
			show_info = 1;
			break;
		case 'P':
			flows = atoi(optarg);
			if (flows < 1 || flows > 64)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (!port || (!server && !host))
		goto usage;
	family = tcp ? AF_INET : xtcp_family();
	addr.sin_family = family;
	addr.sin_port = htons(port);
	if (host && inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		goto usage;
	if (server)
		return serve();
	if (!strcmp(mode, "stream"))
		return run_stream(secs, flows);
	if (!strcmp(mode, "rr"))
		return run_rr(secs);
	if (!strcmp(mode, "crr"))
		return run_crr(secs);
usage:
	fprintf(stderr, "usage: %s -s -p PORT [-t]\n"
		"       %s -c ADDR -p PORT -m stream|rr|crr -d SECS [-t] [-P FLOWS] [-i]\n",
		argv[0], argv[0]);
	return 2;
}
