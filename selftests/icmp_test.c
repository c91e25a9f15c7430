// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors (module/icmp.c), over a path of three namespaces made
 * here: ia (198.51.100.1) - ir, a router - ib (203.0.113.1).
 *
 * - Path MTU: ir's side of the link to ib has an MTU of 1280 (ib's has
 *   1500, so ib offers an MSS of 1460).  Segments of 1448
 *   bytes from ia, with DF, are dropped there with "fragmentation
 *   needed"; the transfer still arrives byte for byte, with the MSS
 *   lowered to what 1280 allows.
 * - A prohibit route at ir (a hard error, "administratively
 *   prohibited"): connect() fails at once with EHOSTUNREACH.  An
 *   unreachable route (host unreachable, a soft error, RFC 1122): the
 *   SYN retries run out, and connect() fails with EHOSTUNREACH, not
 *   ETIMEDOUT.
 * - A forged "fragmentation needed" quoting a sequence number outside
 *   [snd_una, snd_nxt] is counted and ignored; one inside is taken.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "conn_util.h"

#define IA_IP "198.51.100.1"
#define IB_IP "203.0.113.1"
#define GONE_IP "203.0.113.99"	/* ir: unreachable */
#define BANNED_IP "203.0.113.98"	/* ir: prohibit */

/*
 * The path, made by one ip per namespace (ip -batch): every exec costs
 * seconds on the debug kernel.  The first command to fail ends it, with
 * ip's message.
 */
static const char topology_links[] =
	"netns add ia\nnetns add ib\nnetns add ir\n"
	"link add ra netns ir type veth peer name ea netns ia\n"
	"link add rb netns ir type veth peer name eb netns ib\n";
static const char topology_ia[] =
	"addr add 198.51.100.1/24 dev ea\nlink set lo up\nlink set ea up\n"
	"route add default via 198.51.100.2\n";
static const char topology_ib[] =
	"addr add 203.0.113.1/24 dev eb\nlink set lo up\nlink set eb up\n"
	"route add default via 203.0.113.2\n";
static const char topology_ir[] =
	"addr add 198.51.100.2/24 dev ra\naddr add 203.0.113.2/24 dev rb\n"
	"link set rb mtu 1280\nlink set lo up\nlink set ra up\nlink set rb up\n"
	"route add unreachable 203.0.113.99/32\n"
	"route add prohibit 203.0.113.98/32\n";

static int topology_up(void)
{
	return ip_batch(NULL, topology_links, 0) || ip_batch("ia", topology_ia, 0) ||
	       ip_batch("ib", topology_ib, 0) || ip_batch("ir", topology_ir, 0) ||
	       ns_write("ir", "/proc/sys/net/ipv4/ip_forward", "1");
}

static void topology_down(void)
{
	ip_batch(NULL, "netns del ia\nnetns del ib\nnetns del ir\n", 1);
}

static int debug_kernel(void)
{
	const char *k = getenv("XTCP_KERNEL");

	return k && !strcmp(k, "debug");
}

static struct xtcp_info info_of(int fd)
{
	struct xtcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len);
	return info;
}

/* An AF_XTCP socket in @ns connected to @ip:@port, or -1. */
static int dial_in(const char *ns, const char *ip, unsigned short port)
{
	int s = socket_in(ns, 0);

	if (s >= 0 && connect_to(s, ip, port)) {
		close(s);
		return -1;
	}
	return s;
}

static int listen_in(const char *ns, const char *ip, unsigned short port)
{
	int s = socket_in(ns, 0), one = 1;

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (xtcp_bind(s, ip, port) || listen(s, 4)) {
		close(s);
		return -1;
	}
	return s;
}

struct sender {
	int fd;
	size_t len;
	ssize_t ret;
};

static void *send_thread(void *arg)
{
	struct sender *s = arg;
	char *buf = malloc(s->len);

	s->ret = -1;
	if (!buf)
		return NULL;
	fill(buf, s->len, 11);
	s->ret = send_all(s->fd, buf, s->len);
	free(buf);
	return NULL;
}

FIXTURE(path)
{
	int l, cli, srv;
};

FIXTURE_SETUP(path)
{
	self->l = -1;
	self->cli = -1;
	self->srv = -1;
	if (!access("/run/netns/ia", F_OK))
		topology_down();
	ASSERT_EQ(0, topology_up());
}

FIXTURE_TEARDOWN(path)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	if (self->l >= 0)
		close(self->l);
	topology_down();
}

TEST_F_TIMEOUT(path, smaller_mtu_on_the_path_lowers_the_mss, 300)
{
	size_t len = debug_kernel() ? 256 << 10 : 2 << 20;
	long reduced = ns_counter("ia", "PMTUReduced");
	struct timeval tv = { .tv_sec = 60 };
	char *want = malloc(len), *got = malloc(len);
	struct sender s = { .len = len };
	struct xtcp_info info;
	pthread_t t;

	ASSERT_TRUE(want && got);
	self->l = listen_in("ib", IB_IP, 7701);
	ASSERT_LE(0, self->l);
	self->cli = dial_in("ia", IB_IP, 7701);
	ASSERT_LE(0, self->cli);
	self->srv = accept(self->l, NULL, NULL);
	ASSERT_LE(0, self->srv);
	/* ia's link has 1500: it starts with 1448-byte segments. */
	EXPECT_EQ(1448, info_of(self->cli).snd_mss);
	/* A stall would otherwise hang the test. */
	ASSERT_EQ(0, setsockopt(self->srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	s.fd = self->cli;
	fill(want, len, 11);
	ASSERT_EQ(0, pthread_create(&t, NULL, send_thread, &s));
	EXPECT_EQ((ssize_t)len, recv_all(self->srv, got, len));
	pthread_join(t, NULL);
	EXPECT_EQ((ssize_t)len, s.ret);
	EXPECT_EQ(0, memcmp(want, got, len));

	info = info_of(self->cli);
	TH_LOG("snd_mss %u, retransmitted %llu", info.snd_mss,
	       (unsigned long long)info.total_retrans);
	/* 1280 - 20 (IP) - 20 (header) - 12 (timestamps). */
	EXPECT_EQ(1228, info.snd_mss);
	EXPECT_GT(ns_counter("ia", "PMTUReduced"), reduced);
	free(want);
	free(got);
}

/* A non-blocking connect from ia to @ip: the error poll() ends it with. */
static int connect_error(const char *ip, unsigned short port, int ms)
{
	int s = socket_in("ia", SOCK_NONBLOCK), err = -1;
	struct pollfd p = { .events = POLLOUT };
	socklen_t elen = sizeof(err);

	if (s < 0)
		return -1;
	p.fd = s;
	if (connect_to(s, ip, port) != -EINPROGRESS ||
	    poll(&p, 1, ms) != 1 ||
	    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen))
		err = -1;
	close(s);
	return err;
}

TEST_F_TIMEOUT(path, hard_icmp_error_fails_connect_at_once, 120)
{
	double t0 = now_s();

	/* Without the ICMP error this would be ETIMEDOUT, minutes later. */
	EXPECT_EQ(EHOSTUNREACH, connect_error(BANNED_IP, 7702, 20000));
	TH_LOG("failed after %.2f s", now_s() - t0);
	EXPECT_LT(now_s() - t0, 5.0);
}

TEST_F_TIMEOUT(path, soft_icmp_error_is_what_a_timeout_reports, 120)
{
	double t0 = now_s();

	/* Two retries: SYNs at 0, 1 and 3 s, giving up at 7 s. */
	ASSERT_EQ(0, ns_sysctl("ia", "syn_retries", "2"));
	EXPECT_EQ(EHOSTUNREACH, connect_error(GONE_IP, 7704, 30000));
	TH_LOG("failed after %.2f s", now_s() - t0);
	/* It kept trying: RFC 1122 says a soft error must not abort. */
	EXPECT_GT(now_s() - t0, 5.0);
}

static unsigned short csum16(const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/*
 * A "fragmentation needed, MTU @mtu" to ia from ir, quoting a segment
 * of @cli's connection with sequence number @seq.
 */
static int forge_frag_needed(int cli, unsigned int seq, unsigned short mtu)
{
	struct sockaddr_in local, peer, to = { .sin_family = AF_INET };
	socklen_t alen = sizeof(local);
	unsigned char msg[8 + 20 + 8] = { 0 };
	struct icmphdr *icmp = (struct icmphdr *)msg;
	struct iphdr *ip = (struct iphdr *)(msg + 8);
	unsigned char *th = msg + 28;
	int self_ns = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;
	ssize_t n = -1;

	if (getsockname(cli, (struct sockaddr *)&local, &alen))
		return -1;
	alen = sizeof(peer);
	if (getpeername(cli, (struct sockaddr *)&peer, &alen))
		return -1;
	icmp->type = ICMP_DEST_UNREACH;
	icmp->code = ICMP_FRAG_NEEDED;
	icmp->un.frag.mtu = htons(mtu);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(1500);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 63;
	ip->protocol = 253;
	ip->saddr = local.sin_addr.s_addr;
	ip->daddr = peer.sin_addr.s_addr;
	ip->check = csum16(ip, 20);
	memcpy(th, &local.sin_port, 2);
	memcpy(th + 2, &peer.sin_port, 2);
	seq = htonl(seq);
	memcpy(th + 4, &seq, 4);
	icmp->checksum = csum16(msg, sizeof(msg));
	to.sin_addr = local.sin_addr;
	if (self_ns < 0)
		return -1;
	if (!ns_enter("ir")) {
		s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		if (s >= 0)
			n = sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to));
		if (s >= 0)
			close(s);
	}
	setns(self_ns, CLONE_NEWNET);
	close(self_ns);
	return n == sizeof(msg) ? 0 : -1;
}

TEST_F_TIMEOUT(path, forged_frag_needed_must_quote_a_sequence_in_flight, 120)
{
	long oow = ns_counter("ia", "OutOfWindowIcmps");
	long reduced = ns_counter("ia", "PMTUReduced");
	unsigned char syn[64];
	unsigned int isn;
	char c = 'x';
	int cap;

	/* ia's SYN, seen at ib, gives the ISN; one byte sent makes snd_nxt isn + 2. */
	{
		int self_ns = open("/proc/thread-self/ns/net", O_RDONLY);

		ASSERT_EQ(0, ns_enter("ib"));
		cap = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
		setns(self_ns, CLONE_NEWNET);
		close(self_ns);
	}
	ASSERT_LE(0, cap);
	self->l = listen_in("ib", IB_IP, 7703);
	ASSERT_LE(0, self->l);
	self->cli = dial_in("ia", IB_IP, 7703);
	ASSERT_LE(0, self->cli);
	self->srv = accept(self->l, NULL, NULL);
	ASSERT_LE(0, self->srv);
	for (;;) {
		struct iphdr *ip = (struct iphdr *)syn;
		ssize_t n = recv(cap, syn, sizeof(syn), 0);

		ASSERT_LT(0, n);
		if (ip->protocol == 253 && (syn[ip->ihl * 4 + 13] & 0x12) == 0x02) {
			memcpy(&isn, syn + ip->ihl * 4 + 4, 4);
			isn = ntohl(isn);
			break;
		}
	}
	close(cap);
	ASSERT_EQ(1, send(self->cli, &c, 1, 0));
	ASSERT_EQ(1, recv(self->srv, &c, 1, 0));
	usleep(100000);

	/* Far outside [snd_una, snd_nxt] = [isn + 2, isn + 2]. */
	ASSERT_EQ(0, forge_frag_needed(self->cli, isn + 100000, 1000));
	usleep(200000);
	EXPECT_EQ(oow + 1, ns_counter("ia", "OutOfWindowIcmps"));
	EXPECT_EQ(reduced, ns_counter("ia", "PMTUReduced"));
	EXPECT_EQ(1448, info_of(self->cli).snd_mss);

	ASSERT_EQ(0, forge_frag_needed(self->cli, isn + 2, 1000));
	usleep(200000);
	EXPECT_EQ(oow + 1, ns_counter("ia", "OutOfWindowIcmps"));
	EXPECT_EQ(reduced + 1, ns_counter("ia", "PMTUReduced"));
	EXPECT_EQ(1000 - 52, info_of(self->cli).snd_mss);
}

TEST_HARNESS_MAIN
