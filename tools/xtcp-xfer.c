// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-xfer: a verified two-way transfer, for the soak suite.
 *
 *   xtcp-xfer -l ADDR:PORT -n BYTES [-t]   serve one connection
 *   xtcp-xfer -c ADDR:PORT -n BYTES [-t]   connect
 *
 * Each side sends BYTES bytes of a pseudo-random stream (its own seed:
 * the listener's differs from the connector's) while it receives the
 * peer's, then shuts its send side down.  The receiver hashes what
 * arrives with SHA-256 and compares it with the hash of the stream the
 * peer was to send, so it checks every byte without holding them.  -t
 * uses the kernel's TCP instead of AF_XTCP, for comparison.
 *
 * Prints one line:
 *   OK|FAIL bytes=N secs=S sent_sha256=H recv_sha256=H retrans=R ...
 * and exits 0 only when the received stream matched byte for byte.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xtcp_param.h"

#define CHUNK 65536

struct stream {
	uint64_t state;
};

/* xorshift64*: fast, and the same sequence on both ends. */
static void stream_fill(struct stream *s, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7)) {
			s->state ^= s->state >> 12;
			s->state ^= s->state << 25;
			s->state ^= s->state >> 27;
		}
		p[i] = (s->state * 0x2545F4914F6CDD1DULL) >> (8 * (i & 7));
	}
}

static void hex(const unsigned char *d, char *out)
{
	int i;

	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* SHA-256 of the first @len bytes of the stream seeded with @seed. */
static void stream_sha(uint64_t seed, uint64_t len, char *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	struct stream s = { seed };
	unsigned char buf[CHUNK], d[32];

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while (len) {
		size_t n = len < CHUNK ? len : CHUNK;

		stream_fill(&s, buf, n);
		EVP_DigestUpdate(ctx, buf, n);
		len -= n;
	}
	EVP_DigestFinal_ex(ctx, d, NULL);
	EVP_MD_CTX_free(ctx);
	hex(d, out);
}

struct sender {
	int fd;
	uint64_t seed, len;
	int err;
};

static void *send_main(void *arg)
{
	struct sender *s = arg;
	struct stream st = { s->seed };
	unsigned char buf[CHUNK];
	uint64_t left = s->len;

	while (left) {
		size_t n = left < CHUNK ? left : CHUNK, off = 0;

		stream_fill(&st, buf, n);
		while (off < n) {
			ssize_t w = send(s->fd, buf + off, n - off, MSG_NOSIGNAL);

			if (w < 0) {
				s->err = errno;
				return NULL;
			}
			off += w;
		}
		left -= n;
	}
	if (shutdown(s->fd, SHUT_WR))
		s->err = errno;
	return NULL;
}

static int parse_addr(const char *arg, struct sockaddr_in *sin, int family)
{
	char host[64];
	const char *colon = strrchr(arg, ':');

	if (!colon || colon - arg >= (long)sizeof(host))
		return -1;
	memcpy(host, arg, colon - arg);
	host[colon - arg] = 0;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = family;
	sin->sin_port = htons(atoi(colon + 1));
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static void print_info(int fd, int tcp)
{
	struct xtcp_info info;
	socklen_t len = sizeof(info);

	if (tcp || getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len))
		return;
	printf(" retrans=%llu fast_retrans=%llu timeouts=%llu ofo=%u srtt_us=%u cwnd=%u",
	       (unsigned long long)info.total_retrans,
	       (unsigned long long)info.fast_retrans,
	       (unsigned long long)info.timeouts, info.rcv_ooopack, info.srtt,
	       info.snd_cwnd);
}

int main(int argc, char **argv)
{
	const char *addr = NULL;
	int listen_mode = 0, tcp = 0, opt, fd, family, one = 1;
	uint64_t bytes = 1 << 20, got = 0, seed_self, seed_peer;
	unsigned char buf[CHUNK], d[32];
	char want[65], recvd[65], sent[65];
	struct sender snd = { 0 };
	struct sockaddr_in sin;
	struct timespec t0, t1;
	EVP_MD_CTX *ctx;
	pthread_t thr;
	double secs;
	ssize_t n;

	while ((opt = getopt(argc, argv, "l:c:n:t")) != -1) {
		switch (opt) {
		case 'l':
			listen_mode = 1;
			addr = optarg;
			break;
		case 'c':
			addr = optarg;
			break;
		case 'n':
			bytes = strtoull(optarg, NULL, 0);
			break;
		case 't':
			tcp = 1;
			break;
		default:
			goto usage;
		}
	}
	family = tcp ? AF_INET : xtcp_family();
	if (!addr || parse_addr(addr, &sin, family))
		goto usage;

	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	if (listen_mode) {
		int l = fd;

		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1)) {
			perror("bind/listen");
			return 2;
		}
		fd = accept(l, NULL, NULL);
		if (fd < 0) {
			perror("accept");
			return 2;
		}
		close(l);
	} else if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("connect");
		return 2;
	}
	seed_self = listen_mode ? 0x5eed1157 : 0xc0ffee11;
	seed_peer = listen_mode ? 0xc0ffee11 : 0x5eed1157;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snd.fd = fd;
	snd.seed = seed_self;
	snd.len = bytes;
	if (pthread_create(&thr, NULL, send_main, &snd))
		return 2;
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		EVP_DigestUpdate(ctx, buf, n);
		got += n;
	}
	if (n < 0)
		perror("recv");
	EVP_DigestFinal_ex(ctx, d, NULL);
	EVP_MD_CTX_free(ctx);
	pthread_join(thr, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	hex(d, recvd);
	stream_sha(seed_peer, bytes, want);
	stream_sha(seed_self, bytes, sent);
	if (snd.err)
		fprintf(stderr, "send: %s\n", strerror(snd.err));
	n = !snd.err && got == bytes && !strcmp(want, recvd);
	printf("%s bytes=%llu secs=%.2f sent_sha256=%s recv_sha256=%s",
	       n ? "OK" : "FAIL", (unsigned long long)got, secs, sent, recvd);
	print_info(fd, tcp);
	printf("\n");
	close(fd);
	return n ? 0 : 1;

usage:
	fprintf(stderr, "usage: %s -l|-c ADDR:PORT [-n BYTES] [-t]\n", argv[0]);
	return 2;
}
