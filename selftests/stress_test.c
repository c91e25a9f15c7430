// SPDX-License-Identifier: GPL-2.0
/*
 * Many connections, data verified with SHA-256, and malformed segments
 * thrown at a live connection.  Needs the namespaces "xa" and "xb" of
 * scripts/guest-test.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "kselftest_harness.h"
#include "conn_util.h"

/* Generous: the debug kernel (KASAN, lockdep) under emulation is slow. */
FIXTURE(stress)
{
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, sequential_1000_connections, 900)
{
	int l = listener(7200, 64), i, ok = 0;
	char buf[100], in[100];

	ASSERT_LE(0, l);
	for (i = 0; i < 1000; i++) {
		int c = socket_in("xa", 0), s;

		if (connect_to(c, SERVER_IP, 7200)) {
			close(c);
			break;
		}
		s = accept(l, NULL, NULL);
		fill(buf, sizeof(buf), i);
		if (s >= 0 && send_all(c, buf, sizeof(buf)) == sizeof(buf) &&
		    recv_all(s, in, sizeof(in)) == sizeof(in) &&
		    !memcmp(buf, in, sizeof(buf)))
			ok++;
		close(c);
		close(s);
	}
	EXPECT_EQ(1000, ok);
	close(l);
}

#define NCONC 100
#define CONC_BYTES (64 * 1024)

struct conc {
	int fd;
	int ok;
	unsigned int seed;
};

/* Server side: hash everything until EOF, send the digest back. */
static void *conc_server(void *p)
{
	struct conc *c = p;
	unsigned char buf[8192], md[SHA256_DIGEST_LENGTH];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = recv(c->fd, buf, sizeof(buf), 0)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	c->ok = n == 0 && send_all(c->fd, md, sizeof(md)) == sizeof(md);
	close(c->fd);
	return NULL;
}

/* Client side: send seeded data, half-close, compare the digest. */
static void *conc_client(void *p)
{
	struct conc *c = p;
	static __thread unsigned char data[CONC_BYTES];
	unsigned char md[SHA256_DIGEST_LENGTH], got[SHA256_DIGEST_LENGTH];

	fill(data, sizeof(data), c->seed);
	SHA256(data, sizeof(data), md);
	c->ok = !connect_to(c->fd, SERVER_IP, 7201) &&
		send_all(c->fd, data, sizeof(data)) == sizeof(data) &&
		!shutdown(c->fd, SHUT_WR) &&
		recv_all(c->fd, got, sizeof(got)) == sizeof(got) &&
		!memcmp(md, got, sizeof(md));
	close(c->fd);
	return NULL;
}

TEST_F_TIMEOUT(stress, concurrent_100_connections_sha256, 900)
{
	static struct conc cli[NCONC], srv[NCONC];
	pthread_t ct[NCONC], st[NCONC];
	int l = listener(7201, NCONC), i, ok = 0;

	ASSERT_LE(0, l);
	for (i = 0; i < NCONC; i++) {
		cli[i].fd = socket_in("xa", 0);
		cli[i].seed = i + 1;
		ASSERT_LE(0, cli[i].fd);
		ASSERT_EQ(0, pthread_create(&ct[i], NULL, conc_client, &cli[i]));
	}
	for (i = 0; i < NCONC; i++) {
		srv[i].fd = accept(l, NULL, NULL);
		ASSERT_LE(0, srv[i].fd);
		ASSERT_EQ(0, pthread_create(&st[i], NULL, conc_server, &srv[i]));
	}
	for (i = 0; i < NCONC; i++) {
		pthread_join(ct[i], NULL);
		pthread_join(st[i], NULL);
		ok += cli[i].ok && srv[i].ok;
	}
	EXPECT_EQ(NCONC, ok);
	close(l);
}

static unsigned short csum16(const void *p, size_t len, unsigned long sum)
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

/* Send a crafted segment from xa's raw socket to the server. */
static void inject(int raw, unsigned short sport, unsigned short dport,
		   unsigned int seq, unsigned int ack, unsigned char flags,
		   unsigned int doff, size_t len, int bad_csum)
{
	unsigned char seg[64] = { 0 };
	struct tcphdr *th = (struct tcphdr *)seg;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long sum;
	unsigned short c;

	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = doff;
	seg[13] = flags;
	th->window = htons(65535);
	memset(seg + 20, 'X', sizeof(seg) - 20);
	if (len >= 18) {
		sum = (ntohl(inet_addr(CLIENT_IP)) >> 16) + (ntohl(inet_addr(CLIENT_IP)) & 0xffff) +
		      (ntohl(inet_addr(SERVER_IP)) >> 16) + (ntohl(inet_addr(SERVER_IP)) & 0xffff) +
		      IPPROTO_XTCP + len;
		c = htons(csum16(seg, len, sum) ^ (bad_csum ? 0x5a5a : 0));
		memcpy(&th->check, &c, 2);
	}
	dst.sin_addr.s_addr = inet_addr(SERVER_IP);
	sendto(raw, seg, len, 0, (struct sockaddr *)&dst, sizeof(dst));
}

TEST(malformed_segments_on_live_connection)
{
	int c, s, raw, self;
	unsigned short cport;
	long hdr = ns_counter("xb", "InHdrErrors");
	long csum = ns_counter("xb", "InCsumErrors");
	char buf[16];

	ASSERT_EQ(0, pair(7202, &c, &s));
	cport = xtcp_local_port(c);
	self = open("/proc/thread-self/ns/net", O_RDONLY);
	ASSERT_EQ(0, ns_enter("xa"));
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_XTCP);
	setns(self, CLONE_NEWNET);
	close(self);
	ASSERT_LE(0, raw);

	/* Sequence numbers do not matter: these never get that far. */
	inject(raw, cport, 7202, 1, 1, 0x10, 5, 12, 0);		/* short */
	inject(raw, cport, 7202, 1, 1, 0x10, 4, 20, 0);		/* doff < 5 */
	inject(raw, cport, 7202, 1, 1, 0x10, 15, 40, 0);	/* doff > len */
	inject(raw, cport, 7202, 1, 1, 0x03, 5, 20, 0);		/* SYN+FIN */
	inject(raw, cport, 7202, 1, 1, 0x00, 5, 20, 0);		/* no flags */
	inject(raw, cport, 7202, 1, 1, 0x18, 5, 40, 1);		/* bad csum */
	usleep(200000);
	EXPECT_EQ(hdr + 5, ns_counter("xb", "InHdrErrors"));
	EXPECT_EQ(csum + 1, ns_counter("xb", "InCsumErrors"));

	/* The connection did not notice. */
	EXPECT_STREQ("ESTABLISHED", proc_state("xb", 7202, cport));
	EXPECT_EQ(4, send(c, "live", 4, 0));
	EXPECT_EQ(4, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "live", 4));
	EXPECT_EQ(2, send(s, "ok", 2, 0));
	EXPECT_EQ(2, recv(c, buf, sizeof(buf), 0));
	close(raw);
	close(c);
	close(s);
}

TEST_HARNESS_MAIN
