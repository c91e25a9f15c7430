// SPDX-License-Identifier: GPL-2.0
/*
 * sendfile(), splice() both ways and SIOCOUTQNSD on xtcp, as on TCP:
 * a file sent from an offset arrives byte-exact and the offset moves; a
 * socket spliced into a pipe and on into a file gives the stream; a
 * pipe spliced into a socket is sent; a non-blocking sendfile stops at
 * EAGAIN with nothing lost; SIOCOUTQNSD counts the bytes queued and
 * never sent, as XTCP_INFO's notsent_bytes does; sendfile() takes the
 * file's pages by reference, as TCP's does.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sockios.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "conn_util.h"

#define FILE_LEN	(3 << 20)

/* An unlinked temporary file holding @len bytes of fill(@seed). */
static int temp_file(size_t len, unsigned int seed, unsigned char **data)
{
	char path[] = "/tmp/xtcp-sendfile-XXXXXX";
	int fd = mkstemp(path);

	*data = malloc(len);
	if (fd < 0 || !*data)
		return -1;
	unlink(path);
	fill(*data, len, seed);
	if (write(fd, *data, len) != (ssize_t)len)
		return -1;
	return fd;
}

/* All @len bytes from @fd, or -1. */
static int recv_exact(int fd, unsigned char *buf, size_t len)
{
	return recv_all(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

struct sender {
	int sock, file;
	off_t off;
	size_t count;
	ssize_t sent;
};

static void *do_sendfile(void *arg)
{
	struct sender *s = arg;

	s->sent = 0;
	while ((size_t)s->sent < s->count) {
		ssize_t n = sendfile(s->sock, s->file, &s->off, s->count - s->sent);

		if (n <= 0) {
			s->sent = -1;
			break;
		}
		s->sent += n;
	}
	return NULL;
}

/* A file from an offset: byte-exact, the offset moved, the file's not. */
TEST(sendfile_from_offset)
{
	struct sender snd = { .off = 12345, .count = FILE_LEN - 12345 - 100 };
	unsigned char *data, *got = malloc(FILE_LEN);
	pthread_t t;
	int c, s;

	ASSERT_NE(NULL, got);
	snd.file = temp_file(FILE_LEN, 7, &data);
	ASSERT_LE(0, snd.file);
	ASSERT_EQ(0, lseek(snd.file, 5, SEEK_SET) == 5 ? 0 : -1);
	ASSERT_EQ(0, pair(7630, &c, &s));
	snd.sock = c;
	ASSERT_EQ(0, pthread_create(&t, NULL, do_sendfile, &snd));
	EXPECT_EQ(0, recv_exact(s, got, snd.count));
	pthread_join(t, NULL);
	EXPECT_EQ((ssize_t)snd.count, snd.sent);
	EXPECT_EQ(0, memcmp(got, data + 12345, snd.count));
	EXPECT_EQ(FILE_LEN - 100, snd.off);
	EXPECT_EQ(5, lseek(snd.file, 0, SEEK_CUR));	/* sendfile() with an offset leaves it */
	close(c);
	EXPECT_EQ(0, recv(s, got, 1, 0));
	close(s);
	close(snd.file);
	free(data);
	free(got);
}

/* The stream through a pipe into a file, by splice() alone. */
TEST(splice_socket_to_file)
{
	char path[] = "/tmp/xtcp-splice-XXXXXX";
	unsigned char *data = malloc(FILE_LEN), *got = malloc(FILE_LEN);
	int c, s, p[2], out = mkstemp(path);
	size_t total = 0;
	pid_t pid;

	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, got);
	ASSERT_LE(0, out);
	unlink(path);
	fill(data, FILE_LEN, 11);
	ASSERT_EQ(0, pair(7631, &c, &s));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ok = send_all(c, data, FILE_LEN) == FILE_LEN;

		shutdown(c, SHUT_WR);
		_exit(ok ? 0 : 1);
	}
	for (;;) {
		ssize_t n = splice(s, NULL, p[1], NULL, 65536, SPLICE_F_MOVE), m;

		ASSERT_LE(0, n);
		if (!n)
			break;
		while (n) {
			m = splice(p[0], NULL, out, NULL, n, SPLICE_F_MOVE);
			ASSERT_LT(0, m);
			n -= m;
			total += m;
		}
	}
	{
		int st;

		waitpid(pid, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	}
	EXPECT_EQ(FILE_LEN, total);
	EXPECT_EQ(FILE_LEN, pread(out, got, FILE_LEN, 0));
	EXPECT_EQ(0, memcmp(got, data, FILE_LEN));
	close(p[0]);
	close(p[1]);
	close(out);
	close(c);
	close(s);
	free(data);
	free(got);
}

/* A pipe spliced into the socket, with SPLICE_F_MORE between pieces. */
TEST(splice_pipe_to_socket)
{
	unsigned char *data = malloc(1 << 20), *got = malloc(1 << 20);
	size_t off = 0;
	int c, s, p[2];
	pid_t pid;

	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, got);
	fill(data, 1 << 20, 13);
	ASSERT_EQ(0, pair(7632, &c, &s));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {	/* the reader, so the pipe and the socket both drain */
		close(p[0]);
		close(p[1]);
		_exit(recv_exact(s, got, 1 << 20) || memcmp(got, data, 1 << 20) ||
		      recv(s, got, 1, 0) != 0);
	}
	while (off < (1 << 20)) {
		size_t piece = (1 << 20) - off < 40000 ? (1 << 20) - off : 40000;
		ssize_t w = write(p[1], data + off, piece), n;

		ASSERT_EQ((ssize_t)piece, w);
		while (w) {
			n = splice(p[0], NULL, c, NULL, w,
				   off + piece < (1 << 20) ? SPLICE_F_MORE : 0);
			ASSERT_LT(0, n);
			w -= n;
		}
		off += piece;
	}
	shutdown(c, SHUT_WR);
	{
		int st;

		waitpid(pid, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	}
	close(p[0]);
	close(p[1]);
	close(c);
	close(s);
	free(data);
	free(got);
}

/* Non-blocking sendfile: EAGAIN when the buffers are full, nothing lost. */
TEST(sendfile_nonblocking)
{
	unsigned char *data, *got = malloc(FILE_LEN);
	off_t off = 0;
	size_t sent = 0;
	int c, s, eagain = 0, nsd = -1, outq = -1, fl;
	struct xtcp_info info;
	socklen_t len = sizeof(info);
	int file = temp_file(FILE_LEN, 17, &data);

	ASSERT_NE(NULL, got);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, pair(7633, &c, &s));
	fl = fcntl(c, F_GETFL);
	ASSERT_EQ(0, fcntl(c, F_SETFL, fl | O_NONBLOCK));
	/* The reader is asleep: the window closes, then the send buffer fills. */
	while (sent < FILE_LEN && !eagain) {
		ssize_t n = sendfile(c, file, &off, FILE_LEN - sent);

		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno);
			eagain = 1;
			break;
		}
		ASSERT_LT(0, n);
		sent += n;
	}
	ASSERT_TRUE(eagain);
	EXPECT_EQ((off_t)sent, off);
	usleep(300000);		/* the window is shut; nothing moves now */
	ASSERT_EQ(0, ioctl(c, SIOCOUTQNSD, &nsd));
	ASSERT_EQ(0, ioctl(c, SIOCOUTQ, &outq));
	ASSERT_EQ(0, getsockopt(c, SOL_XTCP, XTCP_INFO, &info, &len));
	EXPECT_LT(0, nsd);
	EXPECT_LE(nsd, outq);
	EXPECT_EQ(info.notsent_bytes, nsd);
	EXPECT_EQ(sent, outq + info.bytes_acked);
	/* Drain it all: every byte that sendfile() said went, once. */
	EXPECT_EQ(0, recv_exact(s, got, sent));
	EXPECT_EQ(0, memcmp(got, data, sent));
	EXPECT_EQ(0, readable_within(s, 300));
	close(c);
	close(s);
	close(file);
	free(data);
	free(got);
}

/*
 * A connected pair over xa's loopback, xtcp's or (@tcp) the kernel
 * TCP's, the receiver's buffer @rcvbuf.
 */
static int lo_pair(int tcp, unsigned short port, int rcvbuf, int *c, int *s)
{
	struct sockaddr_in sin = xtcp_addr("127.0.0.1", port);
	int l = stream_socket_in("xa", tcp), one = 1;

	if (tcp)
		sin.sin_family = AF_INET;
	*c = -1;
	if (l < 0 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1))
		goto fail;
	*c = stream_socket_in("xa", tcp);
	if (*c < 0 || connect(*c, (struct sockaddr *)&sin, sizeof(sin)))
		goto fail;
	*s = accept(l, NULL, NULL);
	close(l);
	return *s < 0 ? -1 : 0;
fail:
	if (*c >= 0)
		close(*c);
	if (l >= 0)
		close(l);
	return -1;
}

/*
 * sendfile() of 256 KB of 'A's to a reader that does not read, until
 * the buffers are full; then the file is rewritten with 'B's, and the
 * reader takes everything.  Return the count of 'B's received, or -1
 * if the stream is not 'A's then 'B's or not whole.  A 'B' is a byte
 * that stayed the file's page all the way: in the sender's queue, and
 * over loopback in the receiver's too (it gets the sender's skbs).
 * A copy anywhere on the way would have kept the 'A'.
 */
static long sent_pages_follow_file(int tcp, unsigned short port)
{
	const size_t want = 256 << 10;
	unsigned char *buf = malloc(want), *got = malloc(want);
	size_t sent = 0, i;
	long bs = -1;
	off_t off = 0;
	int c = -1, s = -1, file = -1;
	char path[] = "/tmp/xtcp-follow-XXXXXX";

	if (!buf || !got)
		goto out;
	file = mkstemp(path);
	if (file < 0)
		goto out;
	unlink(path);
	memset(buf, 'A', want);
	if (write(file, buf, want) != (ssize_t)want ||
	    lo_pair(tcp, port, 4096, &c, &s) ||
	    fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK))
		goto out;
	while (sent < want) {
		ssize_t n = sendfile(c, file, &off, want - sent);

		if (n <= 0)
			break;
		sent += n;
	}
	usleep(300000);		/* the window is shut; nothing moves */
	memset(buf, 'B', want);
	if (pwrite(file, buf, want, 0) != (ssize_t)want ||
	    recv_exact(s, got, sent))
		goto out;
	for (i = 0; i < sent && got[i] == 'A'; i++)
		;
	bs = sent - i;
	for (; i < sent; i++)
		if (got[i] != 'B')
			bs = -1;
	fprintf(stderr, "# %s: sendfile queued %zu bytes, %ld came as rewritten\n",
		tcp ? "tcp" : "xtcp", sent, bs);
out:
	if (c >= 0)
		close(c);
	if (s >= 0)
		close(s);
	if (file >= 0)
		close(file);
	free(buf);
	free(got);
	return bs;
}

/*
 * By reference, not copied: what sendfile() queued changes with the
 * file, as with TCP (which shares the pages when the route does
 * scatter-gather, as loopback does; xtcp always does).  6.1's generic
 * sock_no_sendpage() copied: no 'B' came.
 */
TEST(sendfile_shares_the_file_pages)
{
	EXPECT_LT(0, sent_pages_follow_file(1, 7635));
	EXPECT_LT(0, sent_pages_follow_file(0, 7636));
}

/* SIOCOUTQNSD: 0 once all is sent; EINVAL on a listener, as TCP. */
TEST(outq_nsd_states)
{
	int c, s, l, n = -1;
	char buf[1000] = { 0 };

	ASSERT_EQ(0, pair(7634, &c, &s));
	ASSERT_EQ(1000, send(c, buf, sizeof(buf), 0));
	ASSERT_EQ(1000, recv_all(s, buf, sizeof(buf)));
	usleep(100000);
	ASSERT_EQ(0, ioctl(c, SIOCOUTQNSD, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	usleep(100000);
	ASSERT_EQ(0, ioctl(c, SIOCOUTQNSD, &n));
	EXPECT_EQ(0, n);	/* the FIN is no data */
	close(c);
	close(s);
	l = listener(7635, 4);
	ASSERT_LE(0, l);
	EXPECT_EQ(-1, ioctl(l, SIOCOUTQNSD, &n));
	EXPECT_EQ(EINVAL, errno);
	close(l);
}

TEST_HARNESS_MAIN
