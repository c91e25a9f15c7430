// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-sysfuzz: threads issuing random socket calls on shared sockets.
 *
 *   xtcp-sysfuzz [-n CALLS] [-t SECONDS] [-j THREADS] [-s SEED]
 *
 * In a fresh network namespace (loopback only) THREADS threads (4)
 * share a table of socket slots and call, at random, socket, bind and
 * listen on a few ports, connect (blocking, non-blocking, and
 * AF_UNSPEC), accept, send and recv (blocking ones bounded by
 * SO_SNDTIMEO/SO_RCVTIMEO), shutdown, setsockopt and getsockopt with
 * random values (SOL_SOCKET, SOL_IP and SOL_XTCP options, XTCP_INFO),
 * poll, SIOCINQ/SIOCOUTQ, and close: so a close or shutdown can race a
 * call blocked on the same socket in another thread.
 *
 * Afterwards every slot is closed, the namespace must hold no socket
 * (within 20 s: orphans time out quickly under the sysctls set here),
 * and a fresh connection must carry 64 KB intact.  The kernel's
 * checkers judge the rest.  Exit status: 0 when those checks pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

#include "xtcp_check.h"
#include "xtcp_param.h"

#define SLOTS		16
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BASE_PORT	9100
#define NPORTS		4

static int slots[SLOTS];
static int family;
static int stop;		/* read and written with __atomic */
static unsigned long limit = 200000, calls;
static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr_of(int port)
{
	struct sockaddr_in sin = { .sin_family = family, .sin_port = htons(port) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* A socket from the table (maybe closed meanwhile: that is the point). */
static int pick(unsigned int *seed)
{
	return __atomic_load_n(&slots[rand_r(seed) % SLOTS], __ATOMIC_RELAXED);
}

static void bound_timeouts(int fd)
{
	struct timeval tv = { 0, 20000 + rand() % 50000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Put socket @s (if any) in a random slot, closing what was there. */
static void slot_put(unsigned int *seed, int s)
{
	int old;

	if (s < 0)
		return;
	bound_timeouts(s);
	old = __atomic_exchange_n(&slots[rand_r(seed) % SLOTS], s, __ATOMIC_ACQ_REL);
	if (old >= 0)
		close(old);
}

static void do_setsockopt(int fd, unsigned int *seed)
{
	static const struct { int level, opt; } opts[] = {
		{ SOL_SOCKET, SO_REUSEADDR }, { SOL_SOCKET, SO_REUSEPORT },
		{ SOL_SOCKET, SO_KEEPALIVE }, { SOL_SOCKET, SO_RCVBUF },
		{ SOL_SOCKET, SO_SNDBUF }, { SOL_SOCKET, SO_RCVLOWAT },
		{ SOL_SOCKET, SO_PRIORITY }, { SOL_SOCKET, SO_MARK },
		{ SOL_IP, IP_TOS }, { SOL_IP, IP_TTL }, { SOL_IP, IP_MTU_DISCOVER },
		{ SOL_XTCP, XTCP_NODELAY }, { SOL_XTCP, XTCP_CORK },
		{ SOL_XTCP, XTCP_KEEPIDLE }, { SOL_XTCP, XTCP_KEEPINTVL },
		{ SOL_XTCP, XTCP_KEEPCNT }, { SOL_XTCP, XTCP_USER_TIMEOUT },
		{ SOL_XTCP, 999 },
	};
	static const int vals[] = { 0, 1, -1, 2, 100, 4096, 65536, 1 << 30, 0x7fffffff };
	unsigned int i = rand_r(seed) % ARRAY_SIZE(opts);
	int v = vals[rand_r(seed) % ARRAY_SIZE(vals)];
	socklen_t len = rand_r(seed) % 8 ? sizeof(v) : rand_r(seed) % 8;

	if (opts[i].opt == SO_RCVLOWAT && v > 65536)
		v = 100;	/* a huge low-water mark only makes recv() wait */
	if (rand_r(seed) % 2) {
		setsockopt(fd, opts[i].level, opts[i].opt, &v, len);
	} else {
		struct { int v; char pad[256]; } out;

		len = rand_r(seed) % 2 ? sizeof(int) : sizeof(out);
		getsockopt(fd, opts[i].level, opts[i].opt, &out, &len);
	}
}

static void one_call(unsigned int *seed, char *buf, size_t blen)
{
	int fd = pick(seed), port = BASE_PORT + rand_r(seed) % NPORTS, n;
	struct sockaddr_in sin = addr_of(port);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct pollfd p;

	switch (rand_r(seed) % 18) {
	case 0: case 1:		/* socket into a slot */
		slot_put(seed, socket(family, SOCK_STREAM |
				      (rand_r(seed) % 2 ? SOCK_NONBLOCK : 0), 0));
		break;
	case 2: {			/* close a slot */
		int old = __atomic_exchange_n(&slots[rand_r(seed) % SLOTS], -1, __ATOMIC_ACQ_REL);

		if (old >= 0)
			close(old);
		break;
	}
	case 3:
		bind(fd, (struct sockaddr *)&sin, sizeof(sin));
		break;
	case 4:
		listen(fd, rand_r(seed) % 8);
		break;
	case 5: case 6:
		connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		break;
	case 7:
		connect(fd, &unspec, sizeof(unspec));
		break;
	case 8:			/* accept into a slot */
		slot_put(seed, accept4(fd, NULL, NULL, rand_r(seed) % 2 ? SOCK_NONBLOCK : 0));
		break;
	case 9: case 10:
		send(fd, buf, rand_r(seed) % blen, MSG_NOSIGNAL |
		     (rand_r(seed) % 4 ? 0 : MSG_DONTWAIT) | (rand_r(seed) % 8 ? 0 : MSG_MORE));
		break;
	case 11: case 12:
		recv(fd, buf, rand_r(seed) % blen, (rand_r(seed) % 4 ? 0 : MSG_DONTWAIT) |
		     (rand_r(seed) % 8 ? 0 : MSG_PEEK) | (rand_r(seed) % 16 ? 0 : MSG_OOB));
		break;
	case 13:
		shutdown(fd, rand_r(seed) % 4);
		break;
	case 14:
		do_setsockopt(fd, seed);
		break;
	case 15: {
		struct xtcp_info info;
		socklen_t len = rand_r(seed) % 2 ? sizeof(info) : rand_r(seed) % sizeof(info);

		getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len);
		break;
	}
	case 16:
		p.fd = fd;
		p.events = POLLIN | POLLOUT | POLLRDHUP;
		poll(&p, 1, rand_r(seed) % 20);
		break;
	default:
		ioctl(fd, rand_r(seed) % 2 ? SIOCINQ : SIOCOUTQ, &n);
	}
}

static void *worker(void *arg)
{
	static __thread char buf[65536];
	unsigned int seed = (unsigned long)arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		one_call(&seed, buf, sizeof(buf));
		if (__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) >= limit ||
		    (deadline && now() > deadline))
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long seed = time(NULL);
	int opt, i, threads = 4, left = -1;
	double secs = 0, start, end;
	pthread_t t[64];

	while ((opt = getopt(argc, argv, "n:t:j:s:")) != -1) {
		if (opt == 'n')
			limit = strtoul(optarg, NULL, 0);
		else if (opt == 't')
			secs = atof(optarg);
		else if (opt == 'j')
			threads = atoi(optarg) > 64 ? 64 : atoi(optarg);
		else if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	srand(seed);
	family = xtcp_param("family", AF_XTCP);
	if (unshare(CLONE_NEWNET) || system("ip link set lo up")) {
		perror("xtcp-sysfuzz: namespace");
		return 2;
	}
	/* Orphans and TIME_WAIT end fast, so the namespace empties in time. */
	xtcp_sysctl_set("retries2", "3");
	xtcp_sysctl_set("orphan_retries", "3");
	xtcp_sysctl_set("rto_max_ms", "1000");
	xtcp_sysctl_set("fin_timeout_ms", "1000");
	xtcp_sysctl_set("tw_timeout_ms", "1000");
	xtcp_sysctl_set("synack_retries", "1");
	xtcp_sysctl_set("syn_retries", "1");
	for (i = 0; i < SLOTS; i++)
		slots[i] = -1;
	printf("xtcp-sysfuzz: seed %lu, %d threads, up to %lu calls\n", seed, threads, limit);
	start = now();
	if (secs)
		deadline = start + secs;
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(seed + i));
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < SLOTS; i++)
		if (slots[i] >= 0)
			close(slots[i]);
	printf("xtcp-sysfuzz: %lu calls in %.1f s\n", calls, now() - start);
	for (end = now() + 20; now() < end; usleep(100000)) {
		left = xtcp_proc_entries();
		if (!left)
			break;
	}
	if (left) {
		printf("xtcp-sysfuzz: FAIL: %d sockets left in the namespace\n", left);
		system("cat /proc/net/xtcp");
		return 1;
	}
	if (xtcp_loopback_check(family, 9200)) {
		printf("xtcp-sysfuzz: FAIL: a fresh connection does not carry data\n");
		return 1;
	}
	printf("xtcp-sysfuzz: PASS\n");
	return 0;
}
