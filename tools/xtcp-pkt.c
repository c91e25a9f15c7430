// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-pkt: a scripted packet-level tester for xtcp, in the spirit of
 * packetdrill, written for xtcp.
 *
 *   xtcp-pkt [-s SCALE] [-j JOBS] [-v] SCRIPT...
 *
 * Each script runs in a child in a fresh network namespace with a tun
 * device, xtun0: the module's outbound segments are read from the tun
 * fd, inbound ones written to it.  Local address 192.0.2.1, remote
 * (the script's side) 192.0.2.2.  Output is KTAP, one test per script,
 * in the order given; the exit status is non-zero if any failed.  With
 * -j, up to JOBS scripts run at once (each in its own namespace), but a
 * script with "!alone" (it uses something global: the trace buffer)
 * runs with no other.
 *
 * A script is a list of timed lines ("#" starts a comment):
 *
 *   TIME < FLAGS SEQ[:END](LEN) [ack N] [win N] [urg N] [<OPTS>] [ECN] [bad_csum]
 *   TIME > FLAGS SEQ[:END](LEN) [ack N] [win N] [urg N] [<OPTS>] [ECN] [bad_csum]
 *   TIME > none
 *   TIME CALL ARGS... = RESULT
 *   [TIME] `shell command`   (no TIME: right after the previous line;
 *                             $XTCP_PKT_DIR is the script's directory)
 *   !skip REASON | !tolerance SECONDS | !alone
 *
 * TIME is seconds from the start, "+S" after the previous line, or "*"
 * (outbound only: any time).  FLAGS are letters S F R P U, E (ECE), W
 * (CWR) and "." for ACK; "urg N" is the urgent pointer (0 unless
 * given).  ECN is the IP header's codepoint: ect0, ect1 or ce; without
 * it a segment is Not-ECT, inbound and, strictly, outbound.  Inbound
 * payload bytes are all 'x' (120).  Inbound sequence numbers are relative to the script's ISN,
 * outbound ones to the module's (learned from its first SYN); an ACK
 * number is relative to the other side's ISN.  In an expected packet
 * a field left out, or "*", matches anything; OPTS is a comma list of
 * "mss N", "wscale N", "TS val N ecr N", "sackOK", "sack S:E S:E...",
 * "nop" and must match exactly when given, but that an expected TS val
 * or ecr may be "*".  In an inbound TS, "ecr echo" is the TSval of the
 * last outbound segment, "ecr echo-N" that minus N (the module's clock
 * ticks in ms: the TSval of a segment sent N ms earlier).  SACK
 * blocks are relative to the ISN of the side whose data they cover, as
 * ACK numbers are.  Scripts start with
 * net.xtcp.timestamps=0 and net.xtcp.sack=0, so that a SYN we send
 * carries neither unless the script turns them on, net.xtcp.tlp=0,
 * so that the timing of a script with SACK has no loss probes in it
 * unless it asks for them, net.xtcp.rack=0, so that losses are
 * found by RFC 6675's DupThresh unless a script asks for RACK, and
 * net.xtcp.frto=0, so that a timeout resends the whole flight unless a
 * script asks for F-RTO.
 * "> none" asserts that nothing goes out from the previous line until
 * its time.  Every outbound segment's checksum (with our protocol in
 * the pseudo-header) and IP length are checked: one that is wrong
 * matches only an expected line with bad_csum.
 *
 * Calls: socket, bind FD PORT, listen FD N, accept FD, connect FD PORT,
 * write FD LEN, read FD LEN, close FD, shutdown FD rd|wr|rdwr,
 * sendoob FD LEN (send with MSG_OOB), recvoob FD [peek] (recv(MSG_OOB):
 * the byte's value), atmark FD (SIOCATMARK), inq FD (SIOCINQ), poll FD
 * (revents of POLLIN|POLLPRI|POLLOUT at once: 1, 2, 4),
 * nonblock FD, setsockopt FD NAME VAL (NODELAY, CORK, KEEPALIVE,
 * KEEPIDLE, KEEPINTVL, KEEPCNT, USER_TIMEOUT, MAXSEG, SYNCNT, LINGER2,
 * DEFER_ACCEPT, WINDOW_CLAMP, QUICKACK, NOTSENT_LOWAT, RCVBUF, SNDBUF,
 * LINGER0, OOBINLINE; CONGESTION takes a name: setsockopt FD CONGESTION
 * reno), getsockopt FD NAME (the same names but LINGER0 and CONGESTION:
 * the int), getinfo FD FIELD (state, ca_state, snd_cwnd, snd_ssthresh,
 * retransmits, probes,
 * unacked, segs_out, sacked, lost, retrans, dsack_dups, reordering,
 * total_retrans, ce_received, ecn_reductions,
 * sack, ecn: 1 if negotiated).
 * RESULT is a number, an errno name (the call returned -1 with it), or
 * "*".  FDs are the script's names: "socket = 3" makes 3 stand for the
 * new descriptor.  Every call runs on a second thread; one that has not
 * returned within the tolerance is left blocking and checked when it
 * returns (by the end of the script at the latest).
 *
 * Timing tolerance: max(0.08 s, 25% of the time since the previous
 * line), times SCALE (-s; 3 or more on the debug kernel).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xtcp_param.h"
#include "xtcp_tun.h"

#define LOCAL_IP	"192.0.2.1"
#define REMOTE_IP	"192.0.2.2"
#define REMOTE_ISN	1000000000U
#define MAX_LINES	256
#define CALLS " socket bind listen accept connect write read close shutdown nonblock setsockopt getsockopt getinfo sendoob recvoob atmark inq poll "
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_FDS		16

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10
#define F_URG	0x20
#define F_ECE	0x40
#define F_CWR	0x80

static double scale = 1.0;
static int verbose;
static int family = AF_XTCP, ipproto = IPPROTO_XTCP;
static uint32_t last_tsval;	/* TSval of the last outbound segment */

/* One segment, decoded or expected.  has_* false: wildcard. */
struct seg {
	int flags;
	uint32_t seq, end;
	int has_seq, has_end;
	uint32_t ack;
	int has_ack;
	unsigned int win;
	int has_win;
	unsigned int urg;
	int has_urg;
	char opts[256];		/* canonical "mss 1460,nop,wscale 7" */
	int has_opts;
	int bad_csum;
	int ecn;		/* the IP header's ECN codepoint */
	unsigned int len;
	const unsigned char *payload;
};

static const char *const ecn_names[4] = { "", "ect1", "ect0", "ce" };

struct call {
	char name[16];
	long arg[3];
	char sarg[32];
	char sarg2[32];		/* a second word: setsockopt FD CONGESTION NAME */
	int fd_name;		/* for socket: the name the result gets */
	long want;		/* result, or -1 with want_errno */
	int want_errno;
	int any;
	/* filled by the thread */
	pthread_t thr;
	int started, done;
	long ret;
	int err;
	int line;
};

static int fdmap[MAX_FDS];
static int tun_fd;
static uint32_t local_isn;
static int have_local_isn;
static uint16_t local_port, remote_port = 40000;
static double t_start;
static int failed;
static char script_name[256];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int fail_line(int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", script_name, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failed = 1;
	return -1;
}

/* ---- checksums and packets ---------------------------------------- */

static uint16_t seg_csum(uint32_t saddr, uint32_t daddr, const void *seg, size_t len)
{
	return xtcp_seg_csum(saddr, daddr, ipproto, seg, len);
}

static void flags_str(int f, char *out)
{
	char *p = out;

	if (f & F_SYN)
		*p++ = 'S';
	if (f & F_FIN)
		*p++ = 'F';
	if (f & F_RST)
		*p++ = 'R';
	if (f & F_PSH)
		*p++ = 'P';
	if (f & F_URG)
		*p++ = 'U';
	if (f & F_ECE)
		*p++ = 'E';
	if (f & F_CWR)
		*p++ = 'W';
	if (f & F_ACK)
		*p++ = '.';
	*p = 0;
}

static void seg_str(const struct seg *s, char *out, size_t n)
{
	char fl[8], tmp[272];
	int o;

	flags_str(s->flags, fl);
	o = snprintf(out, n, "%s", fl);
	if (s->has_seq)
		o += snprintf(out + o, n - o, " %u:%u(%u)", s->seq, s->end, s->end - s->seq);
	else
		o += snprintf(out + o, n - o, " *");
	if (s->has_ack)
		o += snprintf(out + o, n - o, " ack %u", s->ack);
	if (s->has_win)
		o += snprintf(out + o, n - o, " win %u", s->win);
	if (s->has_urg && (s->urg || (s->flags & F_URG)))
		o += snprintf(out + o, n - o, " urg %u", s->urg);
	if (s->has_opts && s->opts[0]) {
		snprintf(tmp, sizeof(tmp), " <%s>", s->opts);
		o += snprintf(out + o, n - o, "%s", tmp);
	}
	if (s->ecn)
		o += snprintf(out + o, n - o, " %s", ecn_names[s->ecn]);
	if (s->bad_csum)
		snprintf(out + o, n - o, " bad_csum");
}

/* A TS option at @o as "TS val N ecr N"; its TSval is remembered. */
static int ts_str(char *buf, size_t len, const char *sep, const unsigned char *o)
{
	uint32_t val, ecr;

	memcpy(&val, o + 2, 4);
	memcpy(&ecr, o + 6, 4);
	last_tsval = ntohl(val);
	return snprintf(buf, len, "%sTS val %u ecr %u", sep, ntohl(val), ntohl(ecr));
}

/*
 * A SACK option at @o as "sack S:E S:E": the blocks are of the script's
 * data, so relative to its ISN, as ACK numbers are.
 */
static int sack_str(char *buf, size_t len, const char *sep, const unsigned char *o,
		    unsigned int olen)
{
	int n = snprintf(buf, len, "%ssack", sep);
	unsigned int i;

	for (i = 2; i + 8 <= olen; i += 8) {
		uint32_t a, b;

		memcpy(&a, o + i, 4);
		memcpy(&b, o + i + 4, 4);
		n += snprintf(buf + n, len - n, " %u:%u", ntohl(a) - REMOTE_ISN,
			      ntohl(b) - REMOTE_ISN);
	}
	return n;
}

/* Decode an outbound IPv4 packet; 0 when it is one of ours. */
static int decode(const unsigned char *pkt, size_t len, struct seg *s)
{
	const struct iphdr *ip = (const void *)pkt;
	const unsigned char *th, *o;
	unsigned int ihl, doff, i, olen;
	uint32_t seq, ack;
	int n = 0;

	if (len < sizeof(*ip) || ip->version != 4 || ip->protocol != ipproto)
		return -1;
	ihl = ip->ihl * 4;
	if (len < ihl + 20)
		return -1;
	th = pkt + ihl;
	doff = (th[12] >> 4) * 4;
	if (doff < 20 || ihl + doff > len)
		return -1;
	memset(s, 0, sizeof(*s));
	s->flags = th[13];
	s->ecn = ip->tos & 3;
	memcpy(&seq, th + 4, 4);
	memcpy(&ack, th + 8, 4);
	seq = ntohl(seq);
	ack = ntohl(ack);
	if (!have_local_isn && (s->flags & F_SYN)) {
		local_isn = seq;
		have_local_isn = 1;
	}
	if (!local_port)
		local_port = (th[0] << 8) | th[1];
	s->len = len - ihl - doff;
	s->payload = th + doff;
	s->bad_csum = ntohs(ip->tot_len) != len ||
		      seg_csum(ip->saddr, ip->daddr, th, len - ihl) != 0;
	s->seq = have_local_isn ? seq - local_isn : seq;
	s->end = s->seq + s->len;
	s->has_seq = 1;
	s->has_end = 1;
	s->ack = (s->flags & F_ACK) ? ack - REMOTE_ISN : ack;
	s->has_ack = !!(s->flags & F_ACK);
	s->win = (th[14] << 8) | th[15];
	s->has_win = 1;
	s->urg = (th[18] << 8) | th[19];
	s->has_urg = 1;
	s->has_opts = 1;
	o = th + 20;
	for (i = 0; i < doff - 20; i += olen) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			n += snprintf(s->opts + n, sizeof(s->opts) - n, "%snop", n ? "," : "");
			olen = 1;
			continue;
		}
		if (i + 1 >= doff - 20 || o[i + 1] < 2)
			break;
		olen = o[i + 1];
		if (o[i] == 2 && olen == 4)
			n += snprintf(s->opts + n, sizeof(s->opts) - n, "%smss %u",
				      n ? "," : "", (o[i + 2] << 8) | o[i + 3]);
		else if (o[i] == 3 && olen == 3)
			n += snprintf(s->opts + n, sizeof(s->opts) - n, "%swscale %u",
				      n ? "," : "", o[i + 2]);
		else if (o[i] == 8 && olen == 10 && i + 10 <= doff - 20)
			n += ts_str(s->opts + n, sizeof(s->opts) - n, n ? "," : "", o + i);
		else if (o[i] == 4 && olen == 2)
			n += snprintf(s->opts + n, sizeof(s->opts) - n, "%ssackOK",
				      n ? "," : "");
		else if (o[i] == 5 && olen >= 10 && (olen - 2) % 8 == 0 &&
			 i + olen <= doff - 20)
			n += sack_str(s->opts + n, sizeof(s->opts) - n, n ? "," : "",
				      o + i, olen);
		else
			n += snprintf(s->opts + n, sizeof(s->opts) - n, "%sopt%u",
				      n ? "," : "", o[i]);
	}
	return 0;
}

/*
 * The SACK option of "S:E S:E ..." (of the module's data: relative to
 * its ISN) at @o.  Return: its length, or -1 if malformed.
 */
static int inject_sacks(unsigned char *o, const char *list)
{
	unsigned int a, b, nb = 0;
	int used;

	while (sscanf(list, " %u:%u%n", &a, &b, &used) == 2) {
		uint32_t s32 = htonl(a + local_isn), e32 = htonl(b + local_isn);

		if (nb == 4)
			return -1;
		memcpy(o + 2 + nb * 8, &s32, 4);
		memcpy(o + 6 + nb * 8, &e32, 4);
		nb++;
		list += used;
	}
	if (!nb)
		return -1;
	o[0] = 5;
	o[1] = 2 + nb * 8;
	return o[1];
}

/* Build and inject an inbound segment. */
static int inject(const struct seg *s, int line)
{
	static unsigned char pkt[65536];
	unsigned char *th, *o;
	struct iphdr *ip = (void *)pkt;
	unsigned int optlen = 0, total;
	uint32_t v, saddr, daddr;
	char opts[256], *tok, *save;

	th = pkt + sizeof(*ip);
	o = th + 20;
	if (s->has_opts) {
		snprintf(opts, sizeof(opts), "%s", s->opts);
		for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			unsigned int val;
			char ecr[16];

			while (*tok == ' ')
				tok++;
			if (!strcmp(tok, "nop")) {
				o[optlen++] = 1;
			} else if (sscanf(tok, "mss %u", &val) == 1) {
				o[optlen++] = 2;
				o[optlen++] = 4;
				o[optlen++] = val >> 8;
				o[optlen++] = val;
			} else if (sscanf(tok, "wscale %u", &val) == 1) {
				o[optlen++] = 3;
				o[optlen++] = 3;
				o[optlen++] = val;
			} else if (sscanf(tok, "TS val %u ecr %15s", &val, ecr) == 2) {
				uint32_t v32 = htonl(val), e32, back;

				if (!strcmp(ecr, "echo"))
					e32 = htonl(last_tsval);
				else if (sscanf(ecr, "echo-%u", &back) == 1)
					e32 = htonl(last_tsval - back);
				else
					e32 = htonl(strtoul(ecr, NULL, 10));
				o[optlen++] = 8;
				o[optlen++] = 10;
				memcpy(o + optlen, &v32, 4);
				memcpy(o + optlen + 4, &e32, 4);
				optlen += 8;
			} else if (!strcmp(tok, "sackOK")) {
				o[optlen++] = 4;
				o[optlen++] = 2;
			} else if (!strncmp(tok, "sack ", 5)) {
				int nb = inject_sacks(o + optlen, tok + 5);

				if (nb < 0)
					return fail_line(line, "bad SACK blocks '%s'", tok);
				optlen += nb;
			} else {
				return fail_line(line, "unknown option '%s'", tok);
			}
		}
		while (optlen % 4)
			o[optlen++] = 1;
	}
	total = sizeof(*ip) + 20 + optlen + s->len;
	if (total > sizeof(pkt))
		return fail_line(line, "segment of %u bytes is too long", s->len);
	memset(pkt, 0, sizeof(*ip) + 20);
	inet_pton(AF_INET, REMOTE_IP, &saddr);
	inet_pton(AF_INET, LOCAL_IP, &daddr);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->tos = s->ecn;
	ip->protocol = ipproto;
	ip->tot_len = htons(total);
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = htons(csum_fold(csum_add(0, ip, sizeof(*ip))));
	th[0] = remote_port >> 8;
	th[1] = remote_port;
	th[2] = (local_port ?: 8080) >> 8;
	th[3] = local_port ?: 8080;
	v = htonl(s->seq + REMOTE_ISN);
	memcpy(th + 4, &v, 4);
	v = htonl(s->has_ack ? s->ack + local_isn : 0);
	memcpy(th + 8, &v, 4);
	th[12] = ((20 + optlen) / 4) << 4;
	th[13] = s->flags;
	th[14] = (s->has_win ? s->win : 65535) >> 8;
	th[15] = s->has_win ? s->win : 65535;
	th[18] = s->urg >> 8;
	th[19] = s->urg;
	memset(th + 20 + optlen, 'x', s->len);
	v = seg_csum(saddr, daddr, th, 20 + optlen + s->len);
	if (s->bad_csum)
		v ^= 0x5a5a;
	memcpy(th + 16, &v, 2);
	if (write(tun_fd, pkt, total) != (ssize_t)total)
		return fail_line(line, "tun write: %s", strerror(errno));
	return 0;
}

/* ---- parsing -------------------------------------------------------- */

static int parse_flags(const char *tok, int *flags)
{
	*flags = 0;
	for (; *tok; tok++) {
		switch (*tok) {
		case 'S':
			*flags |= F_SYN;
			break;
		case 'F':
			*flags |= F_FIN;
			break;
		case 'R':
			*flags |= F_RST;
			break;
		case 'P':
			*flags |= F_PSH;
			break;
		case 'U':
			*flags |= F_URG;
			break;
		case 'E':
			*flags |= F_ECE;
			break;
		case 'W':
			*flags |= F_CWR;
			break;
		case '.':
			*flags |= F_ACK;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* "FLAGS SEQ[:END](LEN) [ack N] [win N] [<OPTS>] [bad_csum]" */
static int parse_seg(char *p, struct seg *s, int line)
{
	char *tok, *save, *lt;
	unsigned int a, b, l;

	memset(s, 0, sizeof(*s));
	lt = strchr(p, '<');
	if (lt) {
		char *gt = strchr(lt, '>');

		if (!gt)
			return fail_line(line, "unterminated options");
		*gt = 0;
		snprintf(s->opts, sizeof(s->opts), "%s", lt + 1);
		s->has_opts = 1;
		memmove(lt, gt + 1, strlen(gt + 1) + 1);
	}
	tok = strtok_r(p, " \t", &save);
	if (!tok || parse_flags(tok, &s->flags))
		return fail_line(line, "bad flags '%s'", tok ? tok : "");
	tok = strtok_r(NULL, " \t", &save);
	if (!tok)
		return fail_line(line, "no sequence number");
	if (strcmp(tok, "*")) {
		if (sscanf(tok, "%u:%u(%u)", &a, &b, &l) == 3) {
			s->end = b;
			s->len = l;
			s->has_end = 1;
		} else if (sscanf(tok, "%u(%u)", &a, &l) == 2) {
			s->end = a + l;
			s->len = l;
			s->has_end = 1;
		} else if (isdigit((unsigned char)*tok)) {
			a = strtoul(tok, NULL, 0);
			s->len = 0;
		} else {
			return fail_line(line, "bad sequence '%s'", tok);
		}
		s->seq = a;
		s->has_seq = 1;
		if (s->has_end && b - a != l && strchr(tok, ':'))
			return fail_line(line, "seq %u:%u is not %u bytes", a, b, l);
	}
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *val;

		if (!strcmp(tok, "bad_csum")) {
			s->bad_csum = 1;
			continue;
		}
		for (a = 1; a < 4 && strcmp(tok, ecn_names[a]); a++)
			;
		if (a < 4) {
			s->ecn = a;
			continue;
		}
		val = strtok_r(NULL, " \t", &save);
		if (!val)
			return fail_line(line, "'%s' without a value", tok);
		if (!strcmp(tok, "ack")) {
			if (strcmp(val, "*")) {
				s->ack = strtoul(val, NULL, 0);
				s->has_ack = 1;
			}
		} else if (!strcmp(tok, "win")) {
			if (strcmp(val, "*")) {
				s->win = strtoul(val, NULL, 0);
				s->has_win = 1;
			}
		} else if (!strcmp(tok, "urg")) {
			if (strcmp(val, "*")) {
				s->urg = strtoul(val, NULL, 0);
				s->has_urg = 1;
			}
		} else {
			return fail_line(line, "unknown field '%s'", tok);
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int val;
} errnos[] = {
	{ "EAGAIN", EAGAIN }, { "EINPROGRESS", EINPROGRESS },
	{ "ECONNREFUSED", ECONNREFUSED }, { "ECONNRESET", ECONNRESET },
	{ "ETIMEDOUT", ETIMEDOUT }, { "EPIPE", EPIPE }, { "EINVAL", EINVAL },
	{ "ENOTCONN", ENOTCONN }, { "EISCONN", EISCONN },
	{ "EALREADY", EALREADY }, { "EADDRINUSE", EADDRINUSE },
	{ "ENOPROTOOPT", ENOPROTOOPT }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOENT", ENOENT },
};

static const char *errno_name(int e)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].val == e)
			return errnos[i].name;
	return strerror(e);
}

static int parse_call(char *p, struct call *c, int line)
{
	char *eq = strstr(p, "=");
	char *tok, *save, *res, word[sizeof(c->name) + 2];
	size_t i;
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->line = line;
	if (!eq)
		return fail_line(line, "call without '= RESULT'");
	*eq = 0;
	res = eq + 1;
	while (isspace((unsigned char)*res))
		res++;
	res[strcspn(res, " \t\n")] = 0;
	tok = strtok_r(p, " \t", &save);
	if (!tok)
		return fail_line(line, "empty call");
	if (strlen(tok) >= sizeof(c->name))
		return fail_line(line, "unknown call '%s'", tok);
	memcpy(c->name, tok, strlen(tok) + 1);
	word[0] = ' ';
	memcpy(word + 1, c->name, strlen(c->name));
	memcpy(word + 1 + strlen(c->name), " ", 2);
	if (!strstr(CALLS, word))
		return fail_line(line, "unknown call '%s'", c->name);
	while ((tok = strtok_r(NULL, " \t", &save)) && n < 3) {
		if (isdigit((unsigned char)*tok) || *tok == '-')
			c->arg[n++] = strtol(tok, NULL, 0);
		else if (!*c->sarg)
			snprintf(c->sarg, sizeof(c->sarg), "%s", tok);
		else
			snprintf(c->sarg2, sizeof(c->sarg2), "%s", tok);
	}
	if (!strcmp(res, "*")) {
		c->any = 1;
	} else if (isdigit((unsigned char)*res) || *res == '-') {
		c->want = strtol(res, NULL, 0);
	} else {
		for (i = 0; i < ARRAY_SIZE(errnos); i++)
			if (!strcmp(res, errnos[i].name))
				break;
		if (i == ARRAY_SIZE(errnos))
			return fail_line(line, "unknown result '%s'", res);
		c->want = -1;
		c->want_errno = errnos[i].val;
	}
	if (!strcmp(c->name, "socket"))
		c->fd_name = c->want;
	return 0;
}

/* ---- calls ---------------------------------------------------------- */

static int real_fd(long name)
{
	return name >= 0 && name < MAX_FDS ? fdmap[name] : -1;
}

static int opt_of(const char *name, int *level, int *opt)
{
	static const struct {
		const char *name;
		int level, opt;
	} opts[] = {
		{ "NODELAY", SOL_XTCP, XTCP_NODELAY },
		{ "CORK", SOL_XTCP, XTCP_CORK },
		{ "KEEPIDLE", SOL_XTCP, XTCP_KEEPIDLE },
		{ "KEEPINTVL", SOL_XTCP, XTCP_KEEPINTVL },
		{ "KEEPCNT", SOL_XTCP, XTCP_KEEPCNT },
		{ "USER_TIMEOUT", SOL_XTCP, XTCP_USER_TIMEOUT },
		{ "MAXSEG", SOL_XTCP, XTCP_MAXSEG },
		{ "SYNCNT", SOL_XTCP, XTCP_SYNCNT },
		{ "LINGER2", SOL_XTCP, XTCP_LINGER2 },
		{ "DEFER_ACCEPT", SOL_XTCP, XTCP_DEFER_ACCEPT },
		{ "WINDOW_CLAMP", SOL_XTCP, XTCP_WINDOW_CLAMP },
		{ "QUICKACK", SOL_XTCP, XTCP_QUICKACK },
		{ "NOTSENT_LOWAT", SOL_XTCP, XTCP_NOTSENT_LOWAT },
		{ "KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE },
		{ "RCVBUF", SOL_SOCKET, SO_RCVBUF },
		{ "SNDBUF", SOL_SOCKET, SO_SNDBUF },
		{ "REUSEADDR", SOL_SOCKET, SO_REUSEADDR },
		{ "OOBINLINE", SOL_SOCKET, SO_OOBINLINE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		if (!strcmp(opts[i].name, name)) {
			*level = opts[i].level;
			*opt = opts[i].opt;
			return 0;
		}
	}
	return -1;
}

static long do_call(struct call *c)
{
	struct sockaddr_in sin = { .sin_family = family };
	int fd = real_fd(c->arg[0]), level, opt, val;
	static char buf[1 << 20];
	long len;

	if (!strcmp(c->name, "socket"))
		return socket(family, SOCK_STREAM, 0);
	if (!strcmp(c->name, "bind")) {
		sin.sin_port = htons(c->arg[1]);
		inet_pton(AF_INET, LOCAL_IP, &sin.sin_addr);
		local_port = c->arg[1];
		return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (!strcmp(c->name, "listen"))
		return listen(fd, c->arg[1]);
	if (!strcmp(c->name, "accept"))
		return accept(fd, NULL, NULL);
	if (!strcmp(c->name, "connect")) {
		remote_port = c->arg[1];
		sin.sin_port = htons(c->arg[1]);
		inet_pton(AF_INET, REMOTE_IP, &sin.sin_addr);
		return connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (!strcmp(c->name, "write")) {
		len = c->arg[1] < (long)sizeof(buf) ? c->arg[1] : (long)sizeof(buf);
		memset(buf, 'w', len);
		return write(fd, buf, len);
	}
	if (!strcmp(c->name, "read"))
		return read(fd, buf, c->arg[1] < (long)sizeof(buf) ? c->arg[1] : (long)sizeof(buf));
	if (!strcmp(c->name, "sendoob")) {
		len = c->arg[1] < (long)sizeof(buf) ? c->arg[1] : (long)sizeof(buf);
		memset(buf, 'w', len);
		return send(fd, buf, len, MSG_OOB);
	}
	if (!strcmp(c->name, "recvoob")) {
		unsigned char b;
		ssize_t n = recv(fd, &b, 1, MSG_OOB |
				 (!strcmp(c->sarg, "peek") ? MSG_PEEK : 0));

		return n == 1 ? b : n;
	}
	if (!strcmp(c->name, "atmark") || !strcmp(c->name, "inq")) {
		if (ioctl(fd, c->name[0] == 'a' ? SIOCATMARK : SIOCINQ, &val))
			return -1;
		return val;
	}
	if (!strcmp(c->name, "poll")) {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI | POLLOUT };

		if (poll(&p, 1, 0) < 0)
			return -1;
		return (p.revents & POLLIN ? 1 : 0) | (p.revents & POLLPRI ? 2 : 0) |
		       (p.revents & POLLOUT ? 4 : 0);
	}
	if (!strcmp(c->name, "close")) {
		if (close(fd))
			return -1;
		fdmap[c->arg[0]] = -1;
		return 0;
	}
	if (!strcmp(c->name, "shutdown"))
		return shutdown(fd, !strcmp(c->sarg, "rd") ? SHUT_RD :
				    !strcmp(c->sarg, "wr") ? SHUT_WR : SHUT_RDWR);
	if (!strcmp(c->name, "nonblock"))
		return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (!strcmp(c->name, "setsockopt")) {
		if (!strcmp(c->sarg, "LINGER0")) {
			struct linger lg = { 1, 0 };

			return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		if (!strcmp(c->sarg, "CONGESTION"))
			return setsockopt(fd, SOL_XTCP, XTCP_CONGESTION, c->sarg2,
					  strlen(c->sarg2));
		if (opt_of(c->sarg, &level, &opt)) {
			errno = ENOPROTOOPT;
			return -1;
		}
		val = c->arg[1];
		return setsockopt(fd, level, opt, &val, sizeof(val));
	}
	if (!strcmp(c->name, "getsockopt")) {
		socklen_t len = sizeof(val);

		if (opt_of(c->sarg, &level, &opt)) {
			errno = ENOPROTOOPT;
			return -1;
		}
		if (getsockopt(fd, level, opt, &val, &len))
			return -1;
		return val;
	}
	if (!strcmp(c->name, "getinfo")) {
		struct xtcp_info info;
		socklen_t len = sizeof(info);

		if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &info, &len))
			return -1;
		if (!strcmp(c->sarg, "state"))
			return info.state;
		if (!strcmp(c->sarg, "ca_state"))
			return info.ca_state;
		if (!strcmp(c->sarg, "snd_cwnd"))
			return info.snd_cwnd;
		if (!strcmp(c->sarg, "snd_ssthresh"))
			return info.snd_ssthresh;
		if (!strcmp(c->sarg, "retransmits"))
			return info.retransmits;
		if (!strcmp(c->sarg, "probes"))
			return info.probes;
		if (!strcmp(c->sarg, "unacked"))
			return info.unacked;
		if (!strcmp(c->sarg, "segs_out"))
			return info.segs_out;
		if (!strcmp(c->sarg, "sacked"))
			return info.sacked;
		if (!strcmp(c->sarg, "lost"))
			return info.lost;
		if (!strcmp(c->sarg, "retrans"))
			return info.retrans;
		if (!strcmp(c->sarg, "dsack_dups"))
			return info.dsack_dups;
		if (!strcmp(c->sarg, "reordering"))
			return info.reordering;
		if (!strcmp(c->sarg, "total_retrans"))
			return info.total_retrans;
		if (!strcmp(c->sarg, "sack"))
			return !!(info.options & XTCP_INFO_OPT_SACK);
		if (!strcmp(c->sarg, "ecn"))
			return !!(info.options & XTCP_INFO_OPT_ECN);
		if (!strcmp(c->sarg, "ce_received"))
			return info.ce_received;
		if (!strcmp(c->sarg, "ecn_reductions"))
			return info.ecn_reductions;
		errno = EINVAL;
		return -1;
	}
	errno = EINVAL;
	return -1;
}

static void *call_thread(void *arg)
{
	struct call *c = arg;

	c->ret = do_call(c);
	c->err = c->ret < 0 ? errno : 0;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Check a finished call; 0 if it returned what the script says. */
static int call_check(struct call *c)
{
	pthread_join(c->thr, NULL);
	c->started = 0;
	if (!strcmp(c->name, "socket") || !strcmp(c->name, "accept")) {
		if (c->ret >= 0) {
			long name = !strcmp(c->name, "socket") ? c->fd_name : c->want;

			if (c->any || name < 0 || name >= MAX_FDS)
				return fail_line(c->line, "%s: give the descriptor a name 0..%d",
						 c->name, MAX_FDS - 1);
			fdmap[name] = c->ret;
			return 0;
		}
	}
	if (c->any)
		return 0;
	if (c->want < 0 && c->ret < 0 && c->err == c->want_errno)
		return 0;
	if (c->want >= 0 && c->ret == c->want)
		return 0;
	if (c->ret < 0)
		return fail_line(c->line, "%s returned -1 %s, expected %ld%s%s", c->name,
				 errno_name(c->err), c->want, c->want < 0 ? " " : "",
				 c->want < 0 ? errno_name(c->want_errno) : "");
	return fail_line(c->line, "%s returned %ld, expected %ld%s%s", c->name, c->ret,
			 c->want, c->want < 0 ? " " : "",
			 c->want < 0 ? errno_name(c->want_errno) : "");
}

/* ---- running a script ----------------------------------------------- */

struct line {
	int no;
	double t;		/* seconds from start; < 0: any time */
	double tol;
	char text[512];
};

static struct call calls[MAX_LINES];

/* One option of an expected list against the one we got. */
static int opt_match(const char *want, const char *got)
{
	char wv[16], we[16];
	unsigned int gv, ge;

	while (*want == ' ')
		want++;
	if (sscanf(want, "TS val %15s ecr %15s", wv, we) != 2)
		return !strcmp(want, got);
	if (sscanf(got, "TS val %u ecr %u", &gv, &ge) != 2)
		return 0;
	return (!strcmp(wv, "*") || strtoul(wv, NULL, 10) == gv) &&
	       (!strcmp(we, "*") || strtoul(we, NULL, 10) == ge);
}

static int opts_match(const char *want, const char *got)
{
	char w[256], g[256], *ws, *gs, *wt, *gt;

	snprintf(w, sizeof(w), "%s", want);
	snprintf(g, sizeof(g), "%s", got);
	wt = strtok_r(w, ",", &ws);
	gt = strtok_r(g, ",", &gs);
	while (wt && gt) {
		if (!opt_match(wt, gt))
			return 0;
		wt = strtok_r(NULL, ",", &ws);
		gt = strtok_r(NULL, ",", &gs);
	}
	return !wt && !gt;
}

static int match(const struct seg *want, const struct seg *got)
{
	if (want->flags != got->flags || want->bad_csum != got->bad_csum ||
	    want->ecn != got->ecn)
		return 0;
	if (want->has_seq && want->seq != got->seq)
		return 0;
	if (want->has_seq && want->has_end && want->end != got->end)
		return 0;
	if (want->has_seq && !want->has_end && got->len)
		return 0;
	if (want->has_ack && (!got->has_ack || want->ack != got->ack))
		return 0;
	if (want->has_win && want->win != got->win)
		return 0;
	if (want->has_urg && want->urg != got->urg)
		return 0;
	if (want->has_opts && !opts_match(want->opts, got->opts))
		return 0;
	return 1;
}

/* Wait for the next outbound segment until @deadline (absolute). */
static int read_seg(double deadline, struct seg *s)
{
	static unsigned char pkt[65536];

	for (;;) {
		double left = deadline - now();
		struct pollfd p = { .fd = tun_fd, .events = POLLIN };
		ssize_t n;

		if (left < 0)
			left = 0;
		if (poll(&p, 1, (int)(left * 1000)) <= 0)
			return -1;
		n = read(tun_fd, pkt, sizeof(pkt));
		if (n > 0 && !decode(pkt, n, s))
			return 0;
	}
}

/* "> none": no outbound segment until the line's time. */
static int expect_none(struct line *l)
{
	struct seg got;
	char gs[256];

	if (l->t < 0)
		return fail_line(l->no, "> none needs a time");
	if (read_seg(t_start + l->t, &got))
		return 0;
	seg_str(&got, gs, sizeof(gs));
	return fail_line(l->no, "expected nothing by %.3f s, got > %s at %.3f s",
			 l->t, gs, now() - t_start);
}

static int expect_seg(struct line *l)
{
	struct seg want, got;
	char ws[256], gs[256];
	double deadline, at;

	if (!strncmp(l->text + 1 + strspn(l->text + 1, " "), "none", 4))
		return expect_none(l);
	if (parse_seg(l->text + 1, &want, l->no))
		return -1;
	deadline = l->t < 0 ? now() + 3 * scale : t_start + l->t + l->tol;
	if (read_seg(deadline, &got)) {
		seg_str(&want, ws, sizeof(ws));
		return fail_line(l->no, "expected > %s, got nothing by %.3f s", ws,
				 deadline - t_start);
	}
	at = now() - t_start;
	seg_str(&want, ws, sizeof(ws));
	seg_str(&got, gs, sizeof(gs));
	if (verbose)
		diag("%.3f > %s", at, gs);
	if (!match(&want, &got))
		return fail_line(l->no, "at %.3f s\n#   expected > %s\n#   actual   > %s",
				 at, ws, gs);
	if (l->t >= 0 && at < l->t - l->tol)
		return fail_line(l->no, "> %s came at %.3f s, expected %.3f +- %.3f", gs,
				 at, l->t, l->tol);
	return 0;
}

static void wait_until(double t)
{
	double d = t_start + t - now();

	if (d > 0)
		usleep(d * 1e6);
}

static int run_call(struct line *l, struct call *c)
{
	double end;

	if (parse_call(l->text, c, l->no))
		return -1;
	c->started = 1;
	if (pthread_create(&c->thr, NULL, call_thread, c))
		return fail_line(l->no, "pthread_create");
	end = now() + l->tol;
	while (now() < end && !__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
		usleep(1000);
	if (__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
		return call_check(c);
	if (verbose)
		diag("%s: blocking, checked when it returns", c->name);
	return 0;
}

/* Finished background calls are checked as soon as they return. */
static int reap_calls(int nlines)
{
	int i, rc = 0;

	for (i = 0; i < nlines; i++)
		if (calls[i].started && __atomic_load_n(&calls[i].done, __ATOMIC_ACQUIRE))
			rc |= call_check(&calls[i]);
	return rc;
}

/*
 * Nothing may outlive a script: a socket left open would become an
 * orphan retransmitting into the dead tun for minutes, and pin the
 * module.  Every descriptor still held is closed with SO_LINGER {1, 0}
 * (an RST).  Sockets the script closed itself and left unfinished
 * (FIN_WAIT_1, CLOSING, LAST_ACK) give up at their next timeout:
 * retries2 drops to 1 in this namespace.
 */
static void abort_all(void)
{
	struct linger lg = { 1, 0 };
	FILE *f;
	int i;

	f = fopen("/proc/sys/net/xtcp/retries2", "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}

	for (i = 0; i < MAX_FDS; i++) {
		if (fdmap[i] < 0)
			continue;
		setsockopt(fdmap[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fdmap[i]);
		fdmap[i] = -1;
	}
}

static int sysctl_off(const char *name)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("0\n", f);
	return fclose(f) ? -1 : 0;
}

/* A fresh namespace with xtun0 at 192.0.2.1 (xtcp_tun.h). */
static int setup_netns(void)
{
	last_tsval = 0;
	tun_fd = tun_netns_setup("xtun0", LOCAL_IP);
	if (tun_fd < 0)
		return -1;
	if (sysctl_off("timestamps") || sysctl_off("sack") || sysctl_off("tlp") ||
	    sysctl_off("rack") || sysctl_off("frto"))
		return -1;
	return 0;
}

static int load(const char *path, struct line *lines, int *n, char *skip, size_t skiplen,
		double *tol_abs)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	double prev = 0;
	int no = 0;

	if (!f)
		return -1;
	*n = 0;
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf, *hash;
		struct line *l;
		double t;

		no++;
		buf[strcspn(buf, "\n")] = 0;
		if (*p != '`' && !strchr(p, '`')) {
			hash = strchr(p, '#');
			if (hash)
				*hash = 0;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		if (!strncmp(p, "!skip", 5)) {
			snprintf(skip, skiplen, "%s", p + 5 + strspn(p + 5, " "));
			continue;
		}
		if (!strncmp(p, "!tolerance", 10)) {
			*tol_abs = atof(p + 10);
			continue;
		}
		if (!strncmp(p, "!alone", 6))
			continue;	/* for the parent: see script_alone() */
		if (*n >= MAX_LINES)
			break;
		l = &lines[(*n)++];
		l->no = no;
		if (*p == '*') {
			t = -1;
			p++;
		} else if (*p == '`') {
			t = prev;	/* a command without a time: at once */
		} else if (*p == '+') {
			t = prev + strtod(p + 1, &p);
		} else {
			t = strtod(p, &p);
		}
		l->tol = (t < 0 ? 0 : t - prev);	/* interval, finished below */
		if (t >= 0)
			prev = t;
		l->t = t;
		while (isspace((unsigned char)*p))
			p++;
		snprintf(l->text, sizeof(l->text), "%s", p);
	}
	fclose(f);
	return 0;
}

static int run_script(const char *path)
{
	static struct line lines[MAX_LINES];
	double tol_abs = 0.08;
	char skip[256] = "";
	int n, i;

	if (load(path, lines, &n, skip, sizeof(skip), &tol_abs))
		return fail_line(0, "cannot read the script");
	if (skip[0]) {
		printf("SKIP %s\n", skip);
		return 77;
	}
	if (setup_netns())
		return fail_line(0, "netns or tun setup failed: %s (is tun loaded?)",
				 strerror(errno));
	for (i = 0; i < MAX_FDS; i++)
		fdmap[i] = -1;
	for (i = 0; i < n; i++) {
		double pct = 0.25 * lines[i].tol;

		lines[i].tol = scale * (pct > tol_abs ? pct : tol_abs);
	}
	t_start = now();
	for (i = 0; i < n && !failed; i++) {
		struct line *l = &lines[i];
		char *p = l->text;

		if (*p != '>' && l->t >= 0)
			wait_until(l->t);
		reap_calls(i);
		if (failed)
			break;
		if (*p == '>') {
			expect_seg(l);
		} else if (*p == '<') {
			struct seg s;

			if (!parse_seg(p + 1, &s, l->no))
				inject(&s, l->no);
		} else if (*p == '`') {
			char cmd[512];

			double t0 = now();

			snprintf(cmd, sizeof(cmd), "%.*s", (int)strcspn(p + 1, "`"), p + 1);
			if (system(cmd))
				fail_line(l->no, "command failed: %s", cmd);
			/* A command (slow under emulation) takes no script time. */
			t_start += now() - t0;
		} else {
			run_call(l, &calls[i]);
		}
	}
	/* Calls still blocking must return, and as the script said. */
	for (i = 0; i < n && !failed; i++) {
		double end = now() + 2 * scale;

		if (!calls[i].started)
			continue;
		while (!__atomic_load_n(&calls[i].done, __ATOMIC_ACQUIRE) && now() < end)
			usleep(1000);
		if (!__atomic_load_n(&calls[i].done, __ATOMIC_ACQUIRE))
			fail_line(calls[i].line, "%s never returned", calls[i].name);
		else
			call_check(&calls[i]);
	}
	abort_all();
	return failed ? 1 : 0;
}

/* One script's run: its child, and its output kept until its turn. */
struct job {
	pid_t pid;
	FILE *out;
	int status;
	bool alone;
	bool done;
};

static bool script_alone(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	bool alone = false;

	while (f && !alone && fgets(line, sizeof(line), f))
		alone = !strncmp(line + strspn(line, " \t"), "!alone", 6);
	if (f)
		fclose(f);
	return alone;
}

static int start_job(struct job *j, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	j->out = tmpfile();
	if (!j->out)
		return -1;
	fflush(stdout);
	j->pid = fork();
	if (j->pid < 0)
		return -1;
	if (!j->pid) {
		dup2(fileno(j->out), STDOUT_FILENO);
		snprintf(script_name, sizeof(script_name), "%s", base);
		/* Shell commands find the script's helpers here. */
		setenv("XTCP_PKT_DIR", base == path ? "." : dirname(strdup(path)), 1);
		exit(run_script(path));
	}
	return 0;
}

/* Print job @i's output and its KTAP line; return 1 if it failed. */
static int report_job(struct job *j, int i, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char line[1024], reason[1024] = "";
	int status = j->status;

	rewind(j->out);
	while (fgets(line, sizeof(line), j->out)) {
		if (!strncmp(line, "SKIP ", 5))
			snprintf(reason, sizeof(reason), "%s", line + 5);
		else
			fputs(line, stdout);
	}
	fclose(j->out);
	reason[strcspn(reason, "\n")] = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("ok %d %s # SKIP %s\n", i, base, reason);
	} else if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		printf("ok %d %s\n", i, base);
	} else {
		printf("not ok %d %s\n", i, base);
		return 1;
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, nfail = 0, jobs = 1, next, shown, running = 0, n, i;
	bool alone_running = false;
	struct job *job;

	while ((opt = getopt(argc, argv, "s:j:v")) != -1) {
		if (opt == 's')
			scale = atof(optarg);
		else if (opt == 'j')
			jobs = atoi(optarg);
		else if (opt == 'v')
			verbose = 1;
		else
			return 2;
	}
	if (jobs < 1)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	family = xtcp_param("family", AF_XTCP);
	ipproto = xtcp_param("ipproto", IPPROTO_XTCP);
	n = argc - optind;
	job = calloc(n + 1, sizeof(*job));
	if (!job)
		return 2;
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
	for (next = 0; next < n; next++)
		job[next].alone = script_alone(argv[optind + next]);
	for (next = 0, shown = 0; shown < n;) {
		int status;
		pid_t pid;

		while (next < n && running < jobs && !alone_running &&
		       !(job[next].alone && running)) {
			if (start_job(&job[next], argv[optind + next]))
				return 2;
			alone_running = job[next].alone;
			running++;
			next++;
		}
		pid = waitpid(-1, &status, 0);
		if (pid < 0)
			return 2;
		for (i = shown; i < next; i++) {
			if (job[i].pid != pid || job[i].done)
				continue;
			job[i].done = true;
			job[i].status = status;
			if (job[i].alone)
				alone_running = false;
			running--;
		}
		while (shown < next && job[shown].done) {
			nfail += report_job(&job[shown], shown + 1, argv[optind + shown]);
			shown++;
		}
	}
	free(job);
	return nfail ? 1 : 0;
}
