// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-fuzz: throw mutated segments at xtcp sockets in every state.
 *
 *   xtcp-fuzz [-n SEGMENTS] [-t SECONDS] [-s SEED] [-v]
 *
 * In a fresh network namespace with a tun device (xtcp_tun.h: local
 * 192.0.2.1, the fuzzer's side 192.0.2.2) it keeps a set of flows whose
 * module end is in each state: LISTEN, SYN_RECV, SYN_SENT, ESTABLISHED
 * (with unacknowledged data), CLOSE_WAIT, FIN_WAIT1, FIN_WAIT2,
 * LAST_ACK, CLOSING and TIME_WAIT, each made by a real handshake over
 * the tun.  It then writes segments built from a flow's sequence
 * numbers and mutated: any flag combination, sequence and ACK numbers
 * around the window edges and anywhere, odd windows, options of random
 * kinds and lengths (truncated ones too), data offsets below 5 and past
 * the end, truncated and oversized headers, payloads up to 8 KB, bad
 * checksums, segments for no socket, and IPv4 fragments (in order, out
 * of order, overlapping, incomplete).  Half of the passive flows
 * negotiate timestamps; their segments carry TSopt, mostly current,
 * some old (PAWS) and some random.  Half of them (independently)
 * negotiate SACK; a third of their segments carry SACK blocks, mostly
 * over the module's unacknowledged data, some anywhere.  Flows are made again as the
 * mutations kill them.  The module's replies are read and dropped.
 *
 * It stops after SEGMENTS segments (default 100000) or SECONDS, then
 * checks that the module still works (a connection over lo carries
 * 64 KB intact) and that every socket it made ends on its own within
 * 30 s (the sysctls of its namespace make timers short).  The kernel's
 * own checkers (KASAN, lockdep, kmemleak on the debug kernel) judge the
 * rest; the VM runner fails on any report.
 * Exit status: 0 when the final check passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/ip.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include "xtcp_check.h"
#include "xtcp_param.h"
#include "xtcp_tun.h"

#define LOCAL_IP	"192.0.2.1"
#define REMOTE_IP	"192.0.2.2"
#define LPORT		8080
#define NFLOWS		32
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum kind {
	K_SYN_RECV, K_SYN_SENT, K_ESTAB, K_CLOSE_WAIT, K_FIN_WAIT1, K_FIN_WAIT2,
	K_LAST_ACK, K_CLOSING, K_TIME_WAIT, K_MAX
};

static const char *const kind_names[K_MAX] = {
	"SYN_RECV", "SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT1",
	"FIN_WAIT2", "LAST_ACK", "CLOSING", "TIME_WAIT",
};

/* One connection as the fuzzer's side sees it. */
struct flow {
	int used;
	enum kind kind;
	int fd;			/* the module's socket, or -1 */
	uint16_t lport, rport;	/* module's port, ours */
	uint32_t rnxt;		/* our next sequence number */
	uint32_t mnxt;		/* the module's next sequence number */
	int ts;			/* our SYN offered timestamps */
	int sack;		/* our SYN offered SACK */
	uint32_t tsval;		/* our last TSval */
};

static struct flow flows[NFLOWS];
static int tun, family, ipproto, listener = -1, verbose;
static uint32_t laddr, raddr;
static uint16_t next_rport = 20000;
static unsigned long sent, made[K_MAX];

static uint32_t rnd(void)
{
	return (uint32_t)random() << 16 ^ (uint32_t)random();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Write one IPv4 packet carrying @seg (@len bytes) from us to the module. */
static void send_ip(const unsigned char *seg, size_t len, uint16_t frag, uint16_t id)
{
	static unsigned char pkt[65536];
	struct iphdr *ip = (struct iphdr *)pkt;

	if (len + sizeof(*ip) > sizeof(pkt))
		return;
	ip4_hdr_fill(ip, ipproto, raddr, laddr, len, id, frag);
	memcpy(pkt + sizeof(*ip), seg, len);
	if (write(tun, pkt, sizeof(*ip) + len) > 0)
		sent++;
}

/* A well-formed segment of @f with @flags and @plen bytes of payload. */
static size_t build(unsigned char *th, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t ack, uint8_t flags, uint16_t win, const unsigned char *opt,
		    size_t olen, size_t plen)
{
	size_t hl = 20 + ((olen + 3) & ~3UL), i;
	uint16_t c;

	memset(th, 0, hl);
	th[0] = sport >> 8;
	th[1] = sport;
	th[2] = dport >> 8;
	th[3] = dport;
	seq = htonl(seq);
	ack = htonl(ack);
	memcpy(th + 4, &seq, 4);
	memcpy(th + 8, &ack, 4);
	th[12] = (hl / 4) << 4;
	th[13] = flags;
	th[14] = win >> 8;
	th[15] = win;
	memcpy(th + 20, opt, olen);
	for (i = 0; i < plen; i++)
		th[hl + i] = rnd();
	c = xtcp_seg_csum(raddr, laddr, ipproto, th, hl + plen);
	memcpy(th + 16, &c, 2);
	return hl + plen;
}

/* NOP, NOP, TS (12 bytes) at @o. */
static size_t put_ts(unsigned char *o, uint32_t val, uint32_t ecr)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	val = htonl(val);
	ecr = htonl(ecr);
	memcpy(o + 4, &val, 4);
	memcpy(o + 8, &ecr, 4);
	return 12;
}

static void send_seg(struct flow *f, uint8_t flags, size_t plen)
{
	static const unsigned char synopt[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 6 };
	static const unsigned char sackperm[] = { 1, 1, 4, 2 };
	unsigned char seg[2048], opt[32];
	int syn = flags & 0x02;
	size_t n, olen = 0;

	if (syn) {
		memcpy(opt, synopt, sizeof(synopt));
		olen = sizeof(synopt);
		if (f->sack) {
			memcpy(opt + olen, sackperm, sizeof(sackperm));
			olen += sizeof(sackperm);
		}
	}
	f->tsval += 1 + rnd() % 3;
	if (f->ts)
		olen += put_ts(opt + olen, f->tsval, 0);
	n = build(seg, f->rport, f->lport, f->rnxt, f->mnxt, flags, 65535,
		  olen ? opt : NULL, olen, plen);
	send_ip(seg, n, 0x4000, rnd());
	f->rnxt += plen + !!syn + !!(flags & 0x01);
}

/* Wait up to @ms for the module's segment to us from @lport with @flags. */
static int expect(uint16_t lport, uint16_t rport, uint8_t want, uint32_t *seq, int ms)
{
	unsigned char pkt[65536];
	double end = now() + ms / 1000.0;

	while (now() < end) {
		struct pollfd p = { .fd = tun, .events = POLLIN };
		struct iphdr *ip = (struct iphdr *)pkt;
		unsigned char *th;
		ssize_t n;

		if (poll(&p, 1, 20) <= 0)
			continue;
		n = read(tun, pkt, sizeof(pkt));
		if (n < 40 || ip->protocol != ipproto)
			continue;
		th = pkt + ip->ihl * 4;
		if (((th[0] << 8) | th[1]) != lport || (rport && ((th[2] << 8) | th[3]) != rport))
			continue;
		if ((th[13] & want) != want)
			continue;
		if (seq) {
			memcpy(seq, th + 4, 4);
			*seq = ntohl(*seq);
		}
		return (th[2] << 8) | th[3];
	}
	return -1;
}

static void drain(void)
{
	unsigned char pkt[65536];

	while (read(tun, pkt, sizeof(pkt)) > 0)
		;
}

/* Accept the child of our handshake from the listener (non-blocking). */
static int accept_child(uint16_t rport)
{
	int i;

	for (i = 0; i < 200; i++) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		int fd = accept4(listener, (struct sockaddr *)&sin, &len, SOCK_NONBLOCK);

		if (fd >= 0) {
			if (ntohs(sin.sin_port) == rport)
				return fd;
			close(fd);	/* an older child that finished late */
			continue;
		}
		usleep(1000);
	}
	return -1;
}

static void flow_free(struct flow *f)
{
	struct linger lg = { 1, 0 };

	if (f->fd >= 0) {
		setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(f->fd);
	}
	f->fd = -1;
	f->used = 0;
}

/* Make a flow whose module end is in state @k; 0 or -1. */
static int flow_make(struct flow *f, enum kind k)
{
	uint32_t misn;
	char data[3000];

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->kind = k;
	f->rport = next_rport++;
	if (next_rport > 60000)
		next_rport = 20000;
	if (k == K_SYN_SENT) {
		struct sockaddr_in sin = { .sin_family = family, .sin_port = htons(f->rport) };
		struct sockaddr_in me;
		socklen_t len = sizeof(me);

		inet_pton(AF_INET, REMOTE_IP, &sin.sin_addr);
		f->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (f->fd < 0)
			return -1;
		connect(f->fd, (struct sockaddr *)&sin, sizeof(sin));
		getsockname(f->fd, (struct sockaddr *)&me, &len);
		f->lport = ntohs(me.sin_port);
		if (expect(f->lport, f->rport, 0x02, &misn, 500) < 0)
			return -1;
		f->mnxt = misn + 1;
		f->rnxt = rnd();
		f->used = 1;
		made[k]++;
		return 0;
	}
	f->lport = LPORT;
	f->rnxt = rnd();
	f->ts = rnd() % 2;
	f->sack = rnd() % 2;
	f->tsval = rnd();
	send_seg(f, 0x02, 0);
	if (expect(LPORT, f->rport, 0x12, &misn, 500) < 0)
		return -1;
	f->mnxt = misn + 1;
	f->used = 1;
	if (k == K_SYN_RECV) {
		made[k]++;
		return 0;
	}
	send_seg(f, 0x10, 0);
	f->fd = accept_child(f->rport);
	if (f->fd < 0)
		return -1;
	switch (k) {
	case K_ESTAB:
		/* Unacknowledged data keeps its timer running. */
		if (write(f->fd, data, sizeof(data)) < 0)
			return -1;
		break;
	case K_CLOSE_WAIT:
		send_seg(f, 0x11, 0);
		break;
	case K_FIN_WAIT1:
		close(f->fd);
		f->fd = -1;
		break;
	case K_FIN_WAIT2:
	case K_TIME_WAIT:
	case K_CLOSING:
		close(f->fd);
		f->fd = -1;
		if (expect(LPORT, f->rport, 0x01, NULL, 500) < 0)
			return -1;
		if (k == K_CLOSING) {
			send_seg(f, 0x11, 0);	/* our FIN, theirs unacknowledged */
			break;
		}
		f->mnxt++;
		send_seg(f, 0x10, 0);
		if (k == K_TIME_WAIT)
			send_seg(f, 0x11, 0);
		break;
	case K_LAST_ACK:
		send_seg(f, 0x11, 0);
		usleep(2000);
		close(f->fd);
		f->fd = -1;
		break;
	default:
		break;
	}
	made[k]++;
	return 0;
}

/* A sequence number near @base: edges, wraps, or anything. */
static uint32_t near(uint32_t base)
{
	static const int32_t deltas[] = { 0, 1, -1, 2, -2, 536, 1460, -1460, 65535,
					  -65535, 65536, 131072, 1 << 20, 0x7fffffff,
					  (int32_t)0x80000000 };

	switch (rnd() % 4) {
	case 0:
		return base;
	case 1:
		return base + deltas[rnd() % ARRAY_SIZE(deltas)];
	case 2:
		return base + (int32_t)(rnd() % 4096) - 2048;
	default:
		return rnd();
	}
}

static size_t random_options(unsigned char *o)
{
	static const unsigned int good_len[] = { 0, 0, 4, 3, 2, 10, 0, 0, 10 };
	size_t n = 0, max = rnd() % 41;

	while (n < max) {
		unsigned int kind = rnd() % 10, len;

		switch (kind) {
		case 0:		/* EOL */
		case 1:		/* NOP */
			o[n++] = kind;
			break;
		case 2:		/* MSS, sometimes with a bad length */
		case 3:		/* window scale */
		case 4:		/* SACK permitted */
		case 5:		/* SACK */
		case 8:		/* timestamps */
			len = rnd() % 3 ? good_len[kind] : rnd() % 12;
			if (kind == 5)
				len = 2 + 8 * (rnd() % 5);
			o[n++] = kind;
			if (n < max)
				o[n++] = len;
			while (len > 2 && n < max) {
				o[n++] = rnd();
				len--;
			}
			break;
		default:	/* unknown kinds, any length */
			o[n++] = rnd();
			if (n < max)
				o[n++] = rnd() % 6;
		}
	}
	return n;
}

/*
 * NOP, NOP and a SACK option of one to three blocks at @o, mostly over
 * the module's unacknowledged data (so that they tag and cut its write
 * queue), some anywhere, empty or reversed.
 */
static size_t put_sacks(unsigned char *o, uint32_t mnxt)
{
	unsigned int i, nb = 1 + rnd() % 3;

	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = 2 + 8 * nb;
	for (i = 0; i < nb; i++) {
		uint32_t a = rnd() % 4 ? mnxt + rnd() % 3000 : near(mnxt);
		uint32_t b = rnd() % 8 ? a + 1 + rnd() % 2000 : near(a);

		a = htonl(a);
		b = htonl(b);
		memcpy(o + 4 + 8 * i, &a, 4);
		memcpy(o + 8 + 8 * i, &b, 4);
	}
	return 4 + 8 * nb;
}

/* One mutated segment for @f (or for no socket). */
static void fuzz_one(struct flow *f)
{
	static unsigned char seg[16384];
	static const uint8_t common[] = { 0x10, 0x18, 0x11, 0x04, 0x14, 0x02, 0x12, 0x19, 0x01 };
	unsigned char opt[64];
	size_t olen = 0, plen = 0, n, hl;
	uint16_t sport = f->rport, dport = f->lport;
	uint32_t r = rnd() % 100;
	uint8_t flags;

	flags = rnd() % 10 < 3 ? (uint8_t)rnd() : common[rnd() % sizeof(common)];
	if (rnd() % 4 == 0) {
		olen = random_options(opt);
	} else if (f->ts && rnd() % 8) {
		/* Mostly current, some old (PAWS), some anything. */
		uint32_t d = rnd() % 4 ? rnd() % 3 : -(rnd() % 1000);

		f->tsval += 1;
		olen = put_ts(opt, rnd() % 16 ? f->tsval + d : rnd(), rnd());
	}
	if (f->sack && olen <= 12 && rnd() % 3 == 0)
		olen += put_sacks(opt + olen, f->mnxt);
	if (rnd() % 3 == 0)
		plen = rnd() % 1460;
	if (rnd() % 50 == 0)
		plen = rnd() % 8000;
	if (r < 5)
		dport = rnd();		/* probably no socket */
	n = build(seg, sport, dport, near(f->rnxt), near(f->mnxt), flags,
		  rnd() % 8 ? 65535 : (uint16_t)rnd(), opt, olen, plen);
	hl = seg[12] >> 4;
	if (r >= 5 && r < 10) {		/* data offset anything */
		seg[12] = (rnd() % 16) << 4;
	} else if (r >= 10 && r < 15) {	/* truncated */
		n = rnd() % (hl * 4 + 1);
	} else if (r >= 15 && r < 20) {	/* bad checksum */
		seg[16] ^= 1 + rnd() % 255;
	} else if (r >= 20 && r < 24 && n > 16) {	/* IPv4 fragments */
		uint16_t id = rnd();
		size_t cut = (8 + rnd() % (n - 8)) & ~7UL;

		if (!cut || cut >= n)
			cut = 8;
		switch (rnd() % 4) {
		case 0:		/* in order */
			send_ip(seg, cut, 0x2000, id);
			send_ip(seg + cut, n - cut, cut / 8, id);
			break;
		case 1:		/* out of order */
			send_ip(seg + cut, n - cut, cut / 8, id);
			send_ip(seg, cut, 0x2000, id);
			break;
		case 2:		/* overlapping */
			send_ip(seg, cut, 0x2000, id);
			send_ip(seg, n, 0, id);
			break;
		default:	/* the first half only: reassembly times out */
			send_ip(seg, cut, 0x2000, id);
		}
		return;
	}
	send_ip(seg, n, rnd() % 2 ? 0x4000 : 0, rnd());
}

int main(int argc, char **argv)
{
	unsigned long limit = 100000, seed = time(NULL), rounds = 0;
	double secs = 0, start, next_report;
	struct sockaddr_in sin;
	int opt, i, one = 1, left = -1;
	double end;

	while ((opt = getopt(argc, argv, "n:t:s:v")) != -1) {
		if (opt == 'n')
			limit = strtoul(optarg, NULL, 0);
		else if (opt == 't')
			secs = atof(optarg);
		else if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else if (opt == 'v')
			verbose = 1;
		else
			return 2;
	}
	srandom(seed);
	signal(SIGPIPE, SIG_IGN);
	family = xtcp_param("family", AF_XTCP);
	ipproto = xtcp_param("ipproto", IPPROTO_XTCP);
	tun = tun_netns_setup("xfuzz0", LOCAL_IP);
	if (tun < 0) {
		fprintf(stderr, "xtcp-fuzz: netns or tun setup failed: %s\n", strerror(errno));
		return 2;
	}
	fcntl(tun, F_SETFL, O_NONBLOCK);
	inet_pton(AF_INET, LOCAL_IP, &laddr);
	inet_pton(AF_INET, REMOTE_IP, &raddr);
	/*
	 * Quick timers, so that states come and go within the run and the
	 * orphans left at the end (their tun gone with the namespace) give
	 * up within seconds.
	 */
	xtcp_sysctl_set("tw_timeout_ms", "2000");
	xtcp_sysctl_set("fin_timeout_ms", "1000");
	xtcp_sysctl_set("rto_max_ms", "1000");
	xtcp_sysctl_set("retries2", "3");
	xtcp_sysctl_set("orphan_retries", "2");
	xtcp_sysctl_set("syn_retries", "1");
	xtcp_sysctl_set("synack_retries", "1");

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = family;
	sin.sin_port = htons(LPORT);
	listener = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&sin, sizeof(sin)) || listen(listener, 256)) {
		fprintf(stderr, "xtcp-fuzz: listener: %s\n", strerror(errno));
		return 2;
	}
	printf("xtcp-fuzz: seed %lu, up to %lu segments%s\n", seed, limit,
	       secs ? " or the time limit" : "");
	start = now();
	next_report = start + 10;
	while (sent < limit && (!secs || now() - start < secs)) {
		/* Every 2000 segments, make the flows of every state again. */
		if (rounds++ % 2000 == 0) {
			for (i = 0; i < NFLOWS; i++) {
				flow_free(&flows[i]);
				flow_make(&flows[i], i % K_MAX);
			}
			drain();
		}
		i = rnd() % NFLOWS;
		if (flows[i].used)
			fuzz_one(&flows[i]);
		if (rounds % 64 == 0)
			drain();
		if (verbose && now() > next_report) {
			printf("xtcp-fuzz: %lu segments in %.0f s\n", sent, now() - start);
			next_report += 10;
		}
	}
	for (i = 0; i < NFLOWS; i++)
		flow_free(&flows[i]);
	close(listener);
	drain();
	printf("xtcp-fuzz: %lu segments in %.1f s; flows made:", sent, now() - start);
	for (i = 0; i < K_MAX; i++)
		printf(" %s %lu", kind_names[i], made[i]);
	printf("\n");
	if (xtcp_loopback_check(family, 8090)) {
		printf("xtcp-fuzz: FAIL: the module no longer carries data\n");
		return 1;
	}
	/* Everything made here ends on its own: nothing is stranded. */
	for (end = now() + 30; now() < end; usleep(100000)) {
		drain();
		left = xtcp_proc_entries();
		if (!left)
			break;
	}
	if (left) {
		printf("xtcp-fuzz: FAIL: %d sockets still in the namespace after 30 s\n", left);
		if (system("cat /proc/net/xtcp"))
			return 1;
		return 1;
	}
	printf("xtcp-fuzz: PASS\n");
	return 0;
}
