// SPDX-License-Identifier: GPL-2.0
/*
 * Many connections, data verified with SHA-256, and malformed segments
 * thrown at a live connection.  Needs the namespaces "xa" and "xb" of
 * scripts/guest-test.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "kselftest_harness.h"
#include "conn_util.h"

/*
 * The debug kernel (KASAN, lockdep, kmemleak) under emulation is about
 * ten times slower: it runs a tenth of the connections, which is still
 * enough for its checkers to see every path.
 */
static int scaled(int n)
{
	const char *k = getenv("XTCP_KERNEL");

	return k && !strcmp(k, "debug") ? n / 10 : n;
}

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

TEST_F_TIMEOUT(stress, sequential_1000_connections, 600)
{
	int l = listener(7200, 64), i, ok = 0, n = scaled(1000);
	char buf[100], in[100];

	ASSERT_LE(0, l);
	for (i = 0; i < n; i++) {
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
	EXPECT_EQ(n, ok);
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

static __thread unsigned char conc_data[CONC_BYTES];

/* Client side: send seeded data, half-close, compare the digest. */
static void *conc_client(void *p)
{
	struct conc *c = p;
	unsigned char *data = conc_data;
	unsigned char md[SHA256_DIGEST_LENGTH], got[SHA256_DIGEST_LENGTH];

	fill(data, CONC_BYTES, c->seed);
	SHA256(data, CONC_BYTES, md);
	c->ok = !connect_to(c->fd, SERVER_IP, 7201) &&
		send_all(c->fd, data, CONC_BYTES) == CONC_BYTES &&
		!shutdown(c->fd, SHUT_WR) &&
		recv_all(c->fd, got, sizeof(got)) == sizeof(got) &&
		!memcmp(md, got, sizeof(md));
	close(c->fd);
	return NULL;
}

TEST_F_TIMEOUT(stress, concurrent_100_connections_sha256, 600)
{
	static struct conc cli[NCONC], srv[NCONC];
	pthread_t ct[NCONC], st[NCONC];
	int l = listener(7201, NCONC), i, ok = 0, n = scaled(NCONC);

	ASSERT_LE(0, l);
	for (i = 0; i < n; i++) {
		cli[i].fd = socket_in("xa", 0);
		cli[i].seed = i + 1;
		ASSERT_LE(0, cli[i].fd);
		ASSERT_EQ(0, pthread_create(&ct[i], NULL, conc_client, &cli[i]));
	}
	for (i = 0; i < n; i++) {
		srv[i].fd = accept(l, NULL, NULL);
		ASSERT_LE(0, srv[i].fd);
		ASSERT_EQ(0, pthread_create(&st[i], NULL, conc_server, &srv[i]));
	}
	for (i = 0; i < n; i++) {
		pthread_join(ct[i], NULL);
		pthread_join(st[i], NULL);
		ok += cli[i].ok && srv[i].ok;
	}
	EXPECT_EQ(n, ok);
	close(l);
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
		c = htons(seg_csum16(seg, len, sum) ^ (bad_csum ? 0x5a5a : 0));
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

/* RFC 9293: a SYN-ACK that does not acknowledge our SYN draws an RST. */
TEST(synack_with_bad_ack_is_reset)
{
	int c = socket_in("xa", SOCK_NONBLOCK), raw = raw_hdrincl("xa");
	unsigned short cport;
	long rsts;

	ASSERT_LE(0, c);
	ASSERT_LE(0, raw);
	EXPECT_EQ(-EINPROGRESS, connect_to(c, NOHOST_IP, 7300));
	cport = xtcp_local_port(c);
	ASSERT_STREQ("SYN_SENT", proc_state("xa", cport, 7300));
	rsts = ns_counter("xa", "OutRsts");
	/* An ack of 12345 is not ISN + 1 (with odds 2^-32). */
	forge(raw, NOHOST_IP, CLIENT_IP, 7300, cport, 777, 12345, 0x12);
	usleep(200000);
	EXPECT_EQ(rsts + 1, ns_counter("xa", "OutRsts"));
	EXPECT_STREQ("SYN_SENT", proc_state("xa", cport, 7300));
	/* An RST whose ACK is as bad is ignored: still connecting. */
	forge(raw, NOHOST_IP, CLIENT_IP, 7300, cport, 0, 12345, 0x14);
	usleep(200000);
	EXPECT_STREQ("SYN_SENT", proc_state("xa", cport, 7300));
	close(raw);
	close(c);
}

/*
 * Segments far outside the window are answered with an ACK and dropped;
 * a second pure ACK within invalid_ratelimit_ms (500 ms) is not answered.
 */
TEST(out_of_window_segment_acked_and_dropped)
{
	int c, s, raw = raw_hdrincl("xa");
	unsigned short cport;
	long oow, acks, skipped;
	char buf[8];

	ASSERT_LE(0, raw);
	/* The forged segments carry no TSopt: a connection without them. */
	ASSERT_EQ(0, ns_sysctl("xb", "timestamps", "0"));
	ASSERT_EQ(0, pair(7301, &c, &s));
	ASSERT_EQ(0, ns_sysctl("xb", "timestamps", "1"));
	cport = xtcp_local_port(c);
	oow = ns_counter("xb", "OutOfWindow");
	acks = ns_counter("xb", "OutSegs");
	skipped = ns_counter("xb", "AckSkippedSeq");
	/* Half the sequence space away from anything in the window. */
	forge(raw, CLIENT_IP, SERVER_IP, cport, 7301, 0x5a5a5a5a, 0, 0x10);
	forge(raw, CLIENT_IP, SERVER_IP, cport, 7301, 0xa5a5a5a5, 0, 0x10);
	usleep(200000);
	EXPECT_EQ(oow + 2, ns_counter("xb", "OutOfWindow"));
	EXPECT_EQ(acks + 1, ns_counter("xb", "OutSegs"));
	EXPECT_EQ(skipped + 1, ns_counter("xb", "AckSkippedSeq"));
	/* An RST there is ignored without a word. */
	forge(raw, CLIENT_IP, SERVER_IP, cport, 7301, 0x5a5a5a5a, 0, 0x04);
	usleep(200000);
	EXPECT_EQ(acks + 1, ns_counter("xb", "OutSegs"));
	EXPECT_STREQ("ESTABLISHED", proc_state("xb", 7301, cport));
	EXPECT_EQ(2, send(c, "ok", 2, 0));
	EXPECT_EQ(2, recv(s, buf, sizeof(buf), 0));
	close(raw);
	close(c);
	close(s);
}

/*
 * With timestamps on, a segment without TSopt is dropped before any
 * other check (RFC 7323 §3.2): no reply, not counted as out of window.
 */
TEST(segment_without_timestamps_dropped_silently)
{
	int c, s, raw = raw_hdrincl("xa");
	long oow, out, missing;
	unsigned short cport;
	char buf[8];

	ASSERT_LE(0, raw);
	ASSERT_EQ(0, pair(7302, &c, &s));
	cport = xtcp_local_port(c);
	oow = ns_counter("xb", "OutOfWindow");
	out = ns_counter("xb", "OutSegs");
	missing = ns_counter("xb", "TSoptMissing");
	forge(raw, CLIENT_IP, SERVER_IP, cport, 7302, 0x5a5a5a5a, 0, 0x10);
	usleep(200000);
	EXPECT_EQ(missing + 1, ns_counter("xb", "TSoptMissing"));
	EXPECT_EQ(oow, ns_counter("xb", "OutOfWindow"));
	EXPECT_EQ(out, ns_counter("xb", "OutSegs"));
	EXPECT_EQ(2, send(c, "ok", 2, 0));
	EXPECT_EQ(2, recv(s, buf, sizeof(buf), 0));
	close(raw);
	close(c);
	close(s);
}

TEST_HARNESS_MAIN
