// SPDX-License-Identifier: GPL-2.0
/*
 * Urgent data over real sockets between the namespaces xa and xb: the
 * same calls on an xtcp connection and on a kernel TCP one, on the same
 * path, give the same answers (bytes, errors, SIOCATMARK, SIOCINQ,
 * POLLPRI, SIGURG); and the mark lands on the right byte in the middle
 * of a bulk transfer cut by GSO.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

static int sigurgs;	/* SIGURGs caught; atomic against the handler */

static void on_sigurg(int sig)
{
	__atomic_fetch_add(&sigurgs, 1, __ATOMIC_RELAXED);
}

/* A connected pair, xa to xb; the server side nonblocking, SIGURG ours. */
static int urg_pair(int tcp, unsigned short port, int *cli, int *srv)
{
	struct sockaddr_in sin = xtcp_addr(SERVER_IP, port);
	int l = stream_socket_in("xb", tcp), one = 1, rcvbuf = 2 << 20;

	*cli = stream_socket_in("xa", tcp);
	if (l < 0 || *cli < 0)
		return -1;
	if (tcp)
		sin.sin_family = AF_INET;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1) ||
	    connect(*cli, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	*srv = accept(l, NULL, NULL);
	close(l);
	if (*srv < 0 || fcntl(*srv, F_SETOWN, getpid()) ||
	    fcntl(*srv, F_SETFL, O_NONBLOCK))
		return -1;
	return 0;
}

/* Until everything @fd sent is acknowledged (5 s at most). */
static void wait_acked_all(int fd)
{
	int i, q = 1;

	for (i = 0; i < 500 && q; i++) {
		if (ioctl(fd, SIOCOUTQ, &q))
			return;
		if (q)
			usleep(10000);
	}
	usleep(20000);
}

static void say(char *out, size_t n, const char *fmt, long v)
{
	size_t o = strlen(out);

	snprintf(out + o, n - o, fmt, v);
}

static void say_ret(char *out, size_t n, char op, ssize_t r, const char *buf)
{
	size_t o = strlen(out);

	if (r < 0)
		snprintf(out + o, n - o, "%c=-%s ", op, strerrorname_np(errno));
	else
		snprintf(out + o, n - o, "%c=%zd'%.*s' ", op, r, (int)r, buf);
}

/*
 * Run @script on a connection, one step a character (a send takes the
 * text up to the next space), and write what each step saw to @out:
 *   s:TEXT  send; o:TEXT  send with MSG_OOB; w  shutdown(SHUT_WR)
 *   r  read 64 bytes; R  the same with MSG_PEEK
 *   b  recv(MSG_OOB) of 64 bytes; B  the same with MSG_PEEK;
 *   z  recv(MSG_OOB) with no room
 *   m  SIOCATMARK; q  SIOCINQ; p  poll's IN and PRI; g  SIGURGs so far
 *   i  SO_OOBINLINE on
 */
static void run(int cli, int srv, const char *script, char *out, size_t n)
{
	const char *p = script;
	char buf[64];
	ssize_t r;
	int v;

	out[0] = 0;
	__atomic_store_n(&sigurgs, 0, __ATOMIC_RELAXED);
	while (*p) {
		char op = *p++;

		if (op == ' ')
			continue;
		if (op == 's' || op == 'o') {
			size_t len = strcspn(++p, " ");

			send(cli, p, len, op == 'o' ? MSG_OOB : 0);
			p += len;
			wait_acked_all(cli);
			continue;
		}
		switch (op) {
		case 'w':
			shutdown(cli, SHUT_WR);
			wait_acked_all(cli);
			break;
		case 'r':
		case 'R':
			r = recv(srv, buf, sizeof(buf), op == 'R' ? MSG_PEEK : 0);
			say_ret(out, n, op, r, buf);
			break;
		case 'b':
		case 'B':
		case 'z':
			r = recv(srv, buf, op == 'z' ? 0 : sizeof(buf),
				 MSG_OOB | (op == 'B' ? MSG_PEEK : 0));
			say_ret(out, n, op, r, buf);
			break;
		case 'm':
			say(out, n, "m=%ld ", ioctl(srv, SIOCATMARK, &v) ? -errno : v);
			break;
		case 'q':
			say(out, n, "q=%ld ", ioctl(srv, SIOCINQ, &v) ? -errno : v);
			break;
		case 'p': {
			struct pollfd pf = { .fd = srv, .events = POLLIN | POLLPRI };

			poll(&pf, 1, 0);
			say(out, n, "p=%ld ", pf.revents & (POLLIN | POLLPRI));
			break;
		}
		case 'g':
			say(out, n, "g=%ld ", __atomic_load_n(&sigurgs, __ATOMIC_RELAXED));
			break;
		case 'i':
			v = 1;
			setsockopt(srv, SOL_SOCKET, SO_OOBINLINE, &v, sizeof(v));
			break;
		}
	}
}

/* Each script on xtcp and on TCP: the transcripts must be the same. */
TEST(urgent_data_answers_as_tcp_does)
{
	static const char *const scripts[] = {
		/* The mark in the stream: reads stop there, the byte aside. */
		"p s:abc p o:D p m q r m q p B b b z m r p s:ef r m g",
		/* Several bytes sent urgent: only the last is. */
		"s:hello o:XYZ m r m b r r g",
		/* A second mark before the first was read. */
		"o:X o:Y m q r b r g",
		/* Reading on past the mark loses the byte, as in TCP. */
		"o:A r r b g",
		/* The urgent byte before the stream's bytes. */
		"s:12 o:3 b r r",
		/* SO_OOBINLINE: the byte stays in the stream. */
		"i s:ab o:C s:de p q r m b R r m r g",
		/* A mark, then the end of the stream. */
		"o:Q w p b r r b",
		/* Nothing urgent. */
		"b s:x b m r m",
	};
	char xo[1024], to[1024];
	struct sigaction sa = { .sa_handler = on_sigurg };
	unsigned short port = 7400;
	size_t i;

	ASSERT_EQ(0, sigaction(SIGURG, &sa, NULL));
	for (i = 0; i < ARRAY_SIZE(scripts); i++) {
		int xc, xs, tc, ts;

		ASSERT_EQ(0, urg_pair(0, port, &xc, &xs));
		ASSERT_EQ(0, urg_pair(1, port, &tc, &ts));
		port++;
		run(xc, xs, scripts[i], xo, sizeof(xo));
		run(tc, ts, scripts[i], to, sizeof(to));
		EXPECT_STREQ(to, xo) TH_LOG("script \"%s\"", scripts[i]);
		fprintf(stderr, "# %s\n", xo);
		close(xc);
		close(xs);
		close(tc);
		close(ts);
	}
}

struct bulk {
	int fd;
	size_t len;
	ssize_t ret;
};

/* @len pattern bytes, the urgent '!', then @len more. */
static void *bulk_sender(void *arg)
{
	struct bulk *b = arg;
	char *buf = malloc(b->len), mark = '!';

	b->ret = -1;
	if (!buf)
		return NULL;
	fill(buf, b->len, 1);
	if (send_all(b->fd, buf, b->len) == (ssize_t)b->len &&
	    send(b->fd, &mark, 1, MSG_OOB) == 1) {
		fill(buf, b->len, 2);
		b->ret = send_all(b->fd, buf, b->len);
	}
	free(buf);
	return NULL;
}

/*
 * Read up to @len bytes into @buf from nonblocking @fd; stop at the
 * mark.  Race-free: the mark is set before the data that follows it
 * can be read, so a check after poll() and before each read sees it.
 */
static size_t read_to_mark(int fd, char *buf, size_t len)
{
	size_t done = 0;
	int at = 0;

	while (done < len) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pf, 1, 10000) <= 0)
			break;
		if (ioctl(fd, SIOCATMARK, &at) || at)
			break;
		n = recv(fd, buf + done, len - done, 0);
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/*
 * The mark half a megabyte into a stream whose super-segments GSO cuts
 * (the veth has no checksum offload): every piece's pointer must name
 * the same byte, so the reader stops exactly before it, reads it out of
 * band, and then gets the rest intact.
 */
TEST(urgent_mark_in_bulk_data_cut_by_gso)
{
	const size_t len = 512 << 10;
	char *got = malloc(2 * len), *want = malloc(len), c = 0;
	struct bulk b = { .len = len };
	struct pollfd pf;
	pthread_t t;
	int srv;

	ASSERT_TRUE(got && want);
	ASSERT_EQ(0, urg_pair(0, 7450, &b.fd, &srv));
	ASSERT_EQ(0, pthread_create(&t, NULL, bulk_sender, &b));
	EXPECT_EQ(len, read_to_mark(srv, got, 2 * len));
	fill(want, len, 1);
	EXPECT_EQ(0, memcmp(want, got, len));
	/* At the mark; the byte itself may still be on its way. */
	pf = (struct pollfd){ .fd = srv, .events = POLLPRI };
	EXPECT_EQ(1, poll(&pf, 1, 10000));
	EXPECT_EQ(1, recv(srv, &c, 1, MSG_OOB));
	EXPECT_EQ('!', c);
	fcntl(srv, F_SETFL, 0);
	EXPECT_EQ((ssize_t)len, recv_all(srv, got, len));
	fill(want, len, 2);
	EXPECT_EQ(0, memcmp(want, got, len));
	pthread_join(t, NULL);
	EXPECT_EQ((ssize_t)len, b.ret);
	close(b.fd);
	close(srv);
	free(got);
	free(want);
}

TEST_HARNESS_MAIN
