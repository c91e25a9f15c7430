// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-ss: ss(8) for xtcp, over the module's sock_diag handler.
 *
 *   xtcp-ss [-a|-l] [-n] [-e] [-i] [-m] [-o] [-p] [-j] [-H] [-N NETNS] [FILTER]
 *
 *   -a  every entry (listeners, half-open requests, TIME_WAIT, closed)
 *   -l  listeners only           (default: connections, as ss shows)
 *   -n  numeric ports            -e  uid, inode, cookie
 *   -i  XTCP_INFO                -m  socket memory (skmem)
 *   -o  timers                   -p  processes holding the socket
 *   -j  JSON (everything but -p unless asked)
 *   -H  no header line           -N  look into network namespace NETNS
 *
 * FILTER, conditions that must all hold, as in ss:
 *   state NAME | exclude NAME          (repeatable; names as ss's, and
 *                                       all, connected, synchronized,
 *                                       bucket, big)
 *   sport OP [:]PORT | dport OP [:]PORT (OP: = == != < > <= >= eq ne lt
 *                                       gt le ge)
 *   src ADDR[/LEN][:PORT] | dst ...    dev NAME | autobound
 *   not COND                           negates the next condition
 * States go in the request; the rest is compiled to the bytecode of
 * INET_DIAG_REQ_BYTECODE and run by the kernel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <net/if.h>
#include <netdb.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include "xtcp_param.h"

#define MAX_BC		4096
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static bool opt_numeric, opt_ext, opt_info, opt_mem, opt_timer, opt_proc,
	    opt_json, opt_noheader;
static unsigned int n_shown;

static const char *const state_names[] = {
	[XTCP_ESTABLISHED] = "ESTAB",	   [XTCP_SYN_SENT] = "SYN-SENT",
	[XTCP_SYN_RECV] = "SYN-RECV",	   [XTCP_FIN_WAIT1] = "FIN-WAIT-1",
	[XTCP_FIN_WAIT2] = "FIN-WAIT-2",   [XTCP_TIME_WAIT] = "TIME-WAIT",
	[XTCP_CLOSE] = "UNCONN",	   [XTCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[XTCP_LAST_ACK] = "LAST-ACK",	   [XTCP_LISTEN] = "LISTEN",
	[XTCP_CLOSING] = "CLOSING",
};

/* ss's names for the state filter, with its groups. */
#define S(x)		(1U << (x))
#define ALL_STATES	(S(XTCP_CLOSING + 1) - S(XTCP_ESTABLISHED))
#define CONNECTED	(ALL_STATES & ~(S(XTCP_LISTEN) | S(XTCP_CLOSE)))
static const struct { const char *name; unsigned int mask; } state_words[] = {
	{ "established", S(XTCP_ESTABLISHED) }, { "syn-sent", S(XTCP_SYN_SENT) },
	{ "syn-recv", S(XTCP_SYN_RECV) },	{ "fin-wait-1", S(XTCP_FIN_WAIT1) },
	{ "fin-wait-2", S(XTCP_FIN_WAIT2) },	{ "time-wait", S(XTCP_TIME_WAIT) },
	{ "closed", S(XTCP_CLOSE) },		{ "close-wait", S(XTCP_CLOSE_WAIT) },
	{ "last-ack", S(XTCP_LAST_ACK) },	{ "listening", S(XTCP_LISTEN) },
	{ "closing", S(XTCP_CLOSING) },		{ "all", ALL_STATES },
	{ "connected", CONNECTED },
	{ "synchronized", CONNECTED & ~S(XTCP_SYN_SENT) },
	{ "bucket", S(XTCP_SYN_RECV) | S(XTCP_TIME_WAIT) },
	{ "big", ALL_STATES & ~(S(XTCP_SYN_RECV) | S(XTCP_TIME_WAIT)) },
};

static void bad_usage(void)
{
	fprintf(stderr, "%s",
		"usage: xtcp-ss [-a|-l] [-n] [-e] [-i] [-m] [-o] [-p] [-j] [-H]\n"
		"               [-N NETNS] [FILTER]\n"
		"FILTER: state NAME | exclude NAME | [not] sport|dport OP PORT |\n"
		"        [not] src|dst ADDR[/LEN][:PORT] | [not] dev NAME | [not] autobound\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "xtcp-ss: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* --- the filter: conditions compiled to bytecode -------------------- */

struct cond {
	unsigned char op[28];	/* the operation and its operand */
	int len;
	bool negate;
};

static struct cond conds[64];
static int n_conds;

static struct inet_diag_bc_op *cond_op(struct cond *c)
{
	return (struct inet_diag_bc_op *)c->op;
}

static int parse_port(const char *s)
{
	char *end;
	long v;

	if (*s == ':')
		s++;
	v = strtol(s, &end, 10);
	if (!*s || *end) {
		struct servent *se = getservbyname(s, "tcp");

		if (!se) {
			fprintf(stderr, "xtcp-ss: bad port \"%s\"\n", s);
			exit(2);
		}
		return ntohs(se->s_port);
	}
	if (v < 0 || v > 65535) {
		fprintf(stderr, "xtcp-ss: port %ld out of range\n", v);
		exit(2);
	}
	return v;
}

/* sport/dport OP PORT as one comparison (negated for != ). */
static void port_cond(struct cond *c, bool src, const char *op, const char *arg)
{
	int port = parse_port(arg), code;
	struct inet_diag_bc_op *o = cond_op(c);

	if (!strcmp(op, "=") || !strcmp(op, "==") || !strcmp(op, "eq")) {
		code = src ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ;
	} else if (!strcmp(op, "!=") || !strcmp(op, "ne")) {
		code = src ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ;
		c->negate = !c->negate;
	} else if (!strcmp(op, ">=") || !strcmp(op, "ge")) {
		code = src ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
	} else if (!strcmp(op, "<=") || !strcmp(op, "le")) {
		code = src ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE;
	} else if (!strcmp(op, ">") || !strcmp(op, "gt")) {
		code = src ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE;
		c->negate = !c->negate;		/* not <= */
	} else if (!strcmp(op, "<") || !strcmp(op, "lt")) {
		code = src ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
		c->negate = !c->negate;		/* not >= */
	} else {
		fprintf(stderr, "xtcp-ss: bad operator \"%s\"\n", op);
		exit(2);
	}
	o[0].code = code;
	o[1].no = port;
	c->len = 2 * sizeof(*o);
}

/* src/dst ADDR[/LEN][:PORT]; "*" for any address. */
static void host_cond(struct cond *c, bool src, const char *arg)
{
	struct inet_diag_hostcond *h = (void *)(c->op + sizeof(struct inet_diag_bc_op));
	char buf[64], *colon, *slash;
	struct in_addr a;

	snprintf(buf, sizeof(buf), "%s", arg);
	cond_op(c)->code = src ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND;
	h->port = -1;
	colon = strrchr(buf, ':');
	if (colon) {
		*colon = 0;
		h->port = parse_port(colon + 1);
	}
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (!*buf || !strcmp(buf, "*")) {
		h->family = AF_UNSPEC;
		c->len = sizeof(struct inet_diag_bc_op) + sizeof(*h);
		return;
	}
	if (inet_pton(AF_INET, buf, &a) != 1) {
		fprintf(stderr, "xtcp-ss: bad address \"%s\"\n", arg);
		exit(2);
	}
	h->family = AF_INET;
	h->prefix_len = slash ? atoi(slash + 1) : 32;
	if (h->prefix_len > 32) {
		fprintf(stderr, "xtcp-ss: bad prefix length in \"%s\"\n", arg);
		exit(2);
	}
	memcpy(h->addr, &a, 4);
	c->len = sizeof(struct inet_diag_bc_op) + sizeof(*h) + 4;
}

/*
 * Each condition goes on to the next if it holds and to the reject
 * (four bytes past the end) if not.  A negated one is followed by a
 * JMP to the reject, which it reaches when it holds.
 */
static int compile(unsigned char *bc)
{
	int total = 0, pos = 0, i;

	for (i = 0; i < n_conds; i++)
		total += conds[i].len + (conds[i].negate ? 4 : 0);
	for (i = 0; i < n_conds; i++) {
		struct cond *c = &conds[i];
		struct inet_diag_bc_op *o = cond_op(c);

		o->yes = c->len;
		o->no = c->negate ? c->len + 4 : total - pos + 4;
		memcpy(bc + pos, c->op, c->len);
		pos += c->len;
		if (c->negate) {
			struct inet_diag_bc_op jmp = {
				INET_DIAG_BC_JMP, 4, total - pos + 4
			};

			memcpy(bc + pos, &jmp, 4);
			pos += 4;
		}
	}
	return total;
}

static unsigned int parse_filter(int argc, char **argv, unsigned int states)
{
	unsigned int set = 0, cleared = 0;
	bool negate = false;
	int i = 0;

	while (i < argc) {
		const char *w = argv[i++];
		struct cond *c;

		if (!strcmp(w, "state") || !strcmp(w, "exclude")) {
			unsigned int k, mask = 0;

			if (i == argc)
				bad_usage();
			for (k = 0; k < ARRAY_SIZE(state_words); k++)
				if (!strcmp(argv[i], state_words[k].name))
					mask = state_words[k].mask;
			if (!mask) {
				fprintf(stderr, "xtcp-ss: unknown state \"%s\"\n", argv[i]);
				exit(2);
			}
			if (*w == 's')
				set |= mask;
			else
				cleared |= mask;
			i++;
			continue;
		}
		if (!strcmp(w, "not") || !strcmp(w, "!")) {
			negate = !negate;
			continue;
		}
		if (n_conds == (int)ARRAY_SIZE(conds)) {
			fprintf(stderr, "xtcp-ss: too many conditions\n");
			exit(2);
		}
		c = &conds[n_conds++];
		memset(c, 0, sizeof(*c));
		c->negate = negate;
		negate = false;
		if ((!strcmp(w, "sport") || !strcmp(w, "dport")) && i + 2 <= argc) {
			port_cond(c, *w == 's', argv[i], argv[i + 1]);
			i += 2;
		} else if ((!strcmp(w, "src") || !strcmp(w, "dst")) && i < argc) {
			host_cond(c, *w == 's', argv[i++]);
		} else if (!strcmp(w, "dev") && i < argc) {
			unsigned int ifindex = if_nametoindex(argv[i]);

			if (!ifindex) {
				fprintf(stderr, "xtcp-ss: no device \"%s\"\n", argv[i]);
				exit(2);
			}
			cond_op(c)->code = INET_DIAG_BC_DEV_COND;
			memcpy(c->op + 4, &ifindex, 4);
			c->len = 8;
			i++;
		} else if (!strcmp(w, "autobound")) {
			cond_op(c)->code = INET_DIAG_BC_AUTO;
			c->len = 4;
		} else {
			bad_usage();
		}
	}
	if (set)
		states = set;
	return states & ~cleared;
}

/* --- processes: which fds are socket:[inode] -------------------------- */

struct owner {
	unsigned int ino;
	int pid, fd;
	char comm[32];
};

static struct owner *owners;
static size_t n_owners;

static void scan_processes(void)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *f;

	if (!proc)
		die("/proc");
	while ((p = readdir(proc))) {
		char path[600], link[64], comm[32] = "";
		unsigned int ino;
		FILE *cf;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		cf = fopen(path, "r");
		if (cf) {
			if (fgets(comm, sizeof(comm), cf))
				comm[strcspn(comm, "\n")] = 0;
			fclose(cf);
		}
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, f->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (sscanf(link, "socket:[%u]", &ino) != 1)
				continue;
			owners = realloc(owners, (n_owners + 1) * sizeof(*owners));
			if (!owners)
				die("realloc");
			owners[n_owners].ino = ino;
			owners[n_owners].pid = atoi(p->d_name);
			owners[n_owners].fd = atoi(f->d_name);
			snprintf(owners[n_owners].comm, sizeof(owners[0].comm), "%s", comm);
			n_owners++;
		}
		closedir(fds);
	}
	closedir(proc);
}

/* --- printing ----------------------------------------------------------- */

struct entry {
	const struct inet_diag_msg *r;
	const struct xtcp_info *info;	/* NULL if not sent */
	size_t info_len;
	const __u32 *skmem;		/* SK_MEMINFO_VARS words, or NULL */
	const char *cong;
	int shutdown;			/* -1 if not sent */
};

static const char *const timer_names[] = { "off", "on", "keepalive", "timewait", "persist" };

static const char *timer_name(unsigned int t)
{
	return t < 5 ? timer_names[t] : "unknown";
}

static void addr_port(char *buf, size_t n, __be32 addr, __be16 port)
{
	char a[INET_ADDRSTRLEN], p[32];
	struct servent *se = NULL;

	if (addr)
		inet_ntop(AF_INET, &addr, a, sizeof(a));
	else
		strcpy(a, "*");
	if (!port)
		strcpy(p, "*");
	else
		snprintf(p, sizeof(p), "%u", ntohs(port));
	if (port && !opt_numeric) {
		se = getservbyport(port, "tcp");
		if (se)
			snprintf(p, sizeof(p), "%s", se->s_name);
	}
	snprintf(buf, n, "%s:%s", a, p);
}

static void print_ms(unsigned int ms)
{
	if (ms < 1000)
		printf("%ums", ms);
	else
		printf("%u.%03usec", ms / 1000, ms % 1000);
}

static void print_info_text(const struct entry *e)
{
	const struct xtcp_info *i = e->info;

	printf("\n\t");
	if (e->cong)
		printf(" %s", e->cong);
	if (!i)
		return;
	if (i->options & XTCP_INFO_OPT_TIMESTAMPS)
		printf(" ts");
	if (i->options & XTCP_INFO_OPT_SACK)
		printf(" sack");
	if (i->options & XTCP_INFO_OPT_ECN)
		printf(" ecn");
	if (i->options & XTCP_INFO_OPT_WSCALE)
		printf(" wscale:%u,%u", i->snd_wscale, i->rcv_wscale);
	if (e->r->idiag_state == XTCP_LISTEN)
		return;
	printf(" rto:%g", i->rto / 1000.0);
	if (i->srtt)
		printf(" rtt:%g/%g", i->srtt / 1000.0, i->rttvar / 1000.0);
	printf(" mss:%u rcvmss:%u cwnd:%u", i->snd_mss, i->rcv_mss, i->snd_cwnd);
	if (i->snd_ssthresh < 0x7fffffff)
		printf(" ssthresh:%u", i->snd_ssthresh);
	printf(" bytes_acked:%llu bytes_received:%llu segs_out:%llu segs_in:%llu",
	       (unsigned long long)i->bytes_acked,
	       (unsigned long long)i->bytes_received,
	       (unsigned long long)i->segs_out, (unsigned long long)i->segs_in);
	printf(" snd_wnd:%u rcv_wnd:%u", i->snd_wnd, i->rcv_wnd);
	if (i->unacked)
		printf(" unacked:%u", i->unacked);
	if (i->retrans || i->total_retrans)
		printf(" retrans:%u/%llu", i->retrans,
		       (unsigned long long)i->total_retrans);
	if (i->lost)
		printf(" lost:%u", i->lost);
	if (i->sacked)
		printf(" sacked:%u", i->sacked);
	if (i->reordering != 3 && i->reordering)
		printf(" reordering:%u", i->reordering);
	if (i->timeouts)
		printf(" timeouts:%llu", (unsigned long long)i->timeouts);
	if (i->notsent_bytes)
		printf(" notsent:%u", i->notsent_bytes);
	if (i->rcv_rtt)
		printf(" rcv_rtt:%g", i->rcv_rtt / 1000.0);
	printf(" rcv_space:%u rcvbuf:%u sndbuf:%u", i->rcv_space, i->rcv_buf,
	       i->snd_buf);
}

static void print_skmem_text(const __u32 *m)
{
	printf(" skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u,bl%u,d%u)",
	       m[SK_MEMINFO_RMEM_ALLOC], m[SK_MEMINFO_RCVBUF],
	       m[SK_MEMINFO_WMEM_ALLOC], m[SK_MEMINFO_SNDBUF],
	       m[SK_MEMINFO_FWD_ALLOC], m[SK_MEMINFO_WMEM_QUEUED],
	       m[SK_MEMINFO_OPTMEM], m[SK_MEMINFO_BACKLOG], m[SK_MEMINFO_DROPS]);
}

static void print_users_text(unsigned int ino)
{
	bool first = true;
	size_t k;

	if (!ino)
		return;
	for (k = 0; k < n_owners; k++) {
		if (owners[k].ino != ino)
			continue;
		printf("%s(\"%s\",pid=%d,fd=%d)", first ? " users:(" : ",",
		       owners[k].comm, owners[k].pid, owners[k].fd);
		first = false;
	}
	if (!first)
		printf(")");
}

static void print_text(const struct entry *e)
{
	const struct inet_diag_msg *r = e->r;
	char local[64], peer[64];

	addr_port(local, sizeof(local), r->id.idiag_src[0], r->id.idiag_sport);
	addr_port(peer, sizeof(peer), r->id.idiag_dst[0], r->id.idiag_dport);
	printf("%-11s %-6u %-6u %21s %21s",
	       r->idiag_state < ARRAY_SIZE(state_names) &&
	       state_names[r->idiag_state] ? state_names[r->idiag_state] : "UNKNOWN",
	       r->idiag_rqueue, r->idiag_wqueue, local, peer);
	if (opt_proc)
		print_users_text(r->idiag_inode);
	if (opt_timer) {
		printf(" timer:(%s,", timer_name(r->idiag_timer));
		print_ms(r->idiag_expires);
		printf(",%u)", r->idiag_retrans);
	}
	if (opt_ext)
		printf(" uid:%u ino:%u sk:%08x%08x", r->idiag_uid, r->idiag_inode,
		       r->id.idiag_cookie[1], r->id.idiag_cookie[0]);
	if (opt_mem && e->skmem)
		print_skmem_text(e->skmem);
	if (opt_info && (e->info || e->cong))
		print_info_text(e);
	printf("\n");
}

#define JU(name, v) printf(",\"%s\":%llu", name, (unsigned long long)(v))

static void print_info_json(const struct entry *e)
{
	const struct xtcp_info *i = e->info;

	printf(",\"info\":{\"state\":%u", i->state);
	JU("ca_state", i->ca_state);
	JU("snd_wscale", i->snd_wscale);
	JU("rcv_wscale", i->rcv_wscale);
	JU("options", i->options);
	JU("rto", i->rto);
	JU("srtt", i->srtt);
	JU("rttvar", i->rttvar);
	JU("snd_mss", i->snd_mss);
	JU("rcv_mss", i->rcv_mss);
	JU("snd_cwnd", i->snd_cwnd);
	JU("snd_ssthresh", i->snd_ssthresh);
	JU("snd_wnd", i->snd_wnd);
	JU("rcv_wnd", i->rcv_wnd);
	JU("unacked", i->unacked);
	JU("retransmits", i->retransmits);
	JU("probes", i->probes);
	JU("notsent_bytes", i->notsent_bytes);
	JU("rcv_ooopack", i->rcv_ooopack);
	JU("total_retrans", i->total_retrans);
	JU("bytes_acked", i->bytes_acked);
	JU("bytes_received", i->bytes_received);
	JU("segs_out", i->segs_out);
	JU("segs_in", i->segs_in);
	JU("probes_sent", i->probes_sent);
	JU("fast_retrans", i->fast_retrans);
	JU("timeouts", i->timeouts);
	JU("rcv_buf", i->rcv_buf);
	JU("snd_buf", i->snd_buf);
	JU("rcv_space", i->rcv_space);
	JU("rcv_rtt", i->rcv_rtt);
	/* An older module's struct xtcp_info ends before these. */
	if (e->info_len >= offsetof(struct xtcp_info, sacked) + sizeof(i->sacked)) {
		JU("sacked", i->sacked);
		JU("lost", i->lost);
		JU("retrans", i->retrans);
		JU("reordering", i->reordering);
		JU("dsack_dups", i->dsack_dups);
		JU("ce_received", i->ce_received);
		JU("ecn_reductions", i->ecn_reductions);
	}
	printf("}");
}

static void print_json(const struct entry *e)
{
	const struct inet_diag_msg *r = e->r;
	char a[INET_ADDRSTRLEN];
	size_t k;
	int n = 0;

	printf("%s\n  {\"state\":\"%s\"", n_shown ? "," : "",
	       r->idiag_state < ARRAY_SIZE(state_names) &&
	       state_names[r->idiag_state] ? state_names[r->idiag_state] : "UNKNOWN");
	JU("state_num", r->idiag_state);
	JU("recv_q", r->idiag_rqueue);
	JU("send_q", r->idiag_wqueue);
	inet_ntop(AF_INET, &r->id.idiag_src[0], a, sizeof(a));
	printf(",\"local\":\"%s\"", a);
	JU("lport", ntohs(r->id.idiag_sport));
	inet_ntop(AF_INET, &r->id.idiag_dst[0], a, sizeof(a));
	printf(",\"peer\":\"%s\"", a);
	JU("pport", ntohs(r->id.idiag_dport));
	JU("ifindex", r->id.idiag_if);
	JU("uid", r->idiag_uid);
	JU("inode", r->idiag_inode);
	printf(",\"cookie\":\"%08x%08x\"", r->id.idiag_cookie[1], r->id.idiag_cookie[0]);
	printf(",\"timer\":{\"name\":\"%s\",\"expires_ms\":%u,\"retrans\":%u}",
	       timer_name(r->idiag_timer), r->idiag_expires, r->idiag_retrans);
	if (e->shutdown >= 0)
		JU("shutdown", e->shutdown);
	if (e->cong)
		printf(",\"cong\":\"%s\"", e->cong);
	if (e->skmem) {
		static const char *const names[] = {
			"rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
			"wmem_queued", "optmem", "backlog", "drops",
		};

		printf(",\"skmem\":{");
		for (k = 0; k < ARRAY_SIZE(names); k++)
			printf("%s\"%s\":%u", k ? "," : "", names[k], e->skmem[k]);
		printf("}");
	}
	if (e->info)
		print_info_json(e);
	if (opt_proc) {
		printf(",\"users\":[");
		for (k = 0; k < n_owners && r->idiag_inode; k++)
			if (owners[k].ino == r->idiag_inode)
				printf("%s{\"comm\":\"%s\",\"pid\":%d,\"fd\":%d}",
				       n++ ? "," : "", owners[k].comm, owners[k].pid,
				       owners[k].fd);
		printf("]");
	}
	printf("}");
}

static void show(const struct nlmsghdr *h)
{
	const struct inet_diag_msg *r = NLMSG_DATA(h);
	struct entry e = { .r = r, .shutdown = -1 };
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*r));
	const struct nlattr *a = (const void *)(r + 1);

	if (len < 0) {
		fprintf(stderr, "xtcp-ss: short message from the kernel\n");
		exit(1);
	}
	for (; len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (const void *)a + NLA_ALIGN(a->nla_len)) {
		const void *data = (const char *)a + NLA_HDRLEN;
		size_t n = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type) {
		case INET_DIAG_INFO:
			if (n >= offsetof(struct xtcp_info, sacked)) {
				static struct xtcp_info copy;

				memset(&copy, 0, sizeof(copy));
				memcpy(&copy, data, n < sizeof(copy) ? n : sizeof(copy));
				e.info = &copy;
				e.info_len = n;
			}
			break;
		case INET_DIAG_SKMEMINFO:
			if (n >= SK_MEMINFO_VARS * sizeof(__u32))
				e.skmem = data;
			break;
		case INET_DIAG_CONG:
			if (n && memchr(data, 0, n))
				e.cong = data;
			break;
		case INET_DIAG_SHUTDOWN:
			if (n >= 1)
				e.shutdown = *(const unsigned char *)data;
			break;
		}
	}
	if (opt_json)
		print_json(&e);
	else
		print_text(&e);
	n_shown++;
}

/* --- the request ----------------------------------------------------------- */

static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
}

static void request_failed(int family)
{
	if (errno == ENOENT)
		fprintf(stderr, "xtcp-ss: no sock_diag handler for family %d %s\n",
			family, "(is xtcp.ko loaded?)");
	else
		fprintf(stderr, "xtcp-ss: the kernel refused the request: %s\n",
			strerror(errno));
	exit(1);
}

static void dump(unsigned int states, unsigned char ext)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
		struct nlattr bca;
		unsigned char bc[MAX_BC];
	} req = {
		.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = 1,
		.r.sdiag_family = xtcp_family(),
		.r.idiag_ext = ext,
		.r.idiag_states = states,
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	static union {
		struct nlmsghdr h;
		char b[1 << 16];
	} buf;
	int fd, bclen = compile(req.bc);
	size_t len = NLMSG_LENGTH(sizeof(req.r));

	if (bclen) {
		req.bca.nla_type = INET_DIAG_REQ_BYTECODE;
		req.bca.nla_len = NLA_HDRLEN + bclen;
		len += NLA_HDRLEN + bclen;
	}
	req.nlh.nlmsg_len = len;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		die("netlink socket");
	if (sendto(fd, &req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		die("send");
	for (;;) {
		ssize_t n = recv(fd, buf.b, sizeof(buf.b), 0);
		struct nlmsghdr *h;

		if (n < 0)
			die("recv");
		for (h = &buf.h; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(h);

				errno = -err->error;
				request_failed(xtcp_family());
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				show(h);
		}
		if (n == 0)
			break;
	}
out:
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned int states = CONNECTED & ~(S(XTCP_SYN_RECV) | S(XTCP_TIME_WAIT));
	unsigned char ext = 0;
	int c;

	while ((c = getopt(argc, argv, "+alneimopjHN:h")) != -1) {
		switch (c) {
		case 'a':
			states = ALL_STATES;
			break;
		case 'l':
			states = S(XTCP_LISTEN);
			break;
		case 'n':
			opt_numeric = true;
			break;
		case 'e':
			opt_ext = true;
			break;
		case 'i':
			opt_info = true;
			break;
		case 'm':
			opt_mem = true;
			break;
		case 'o':
			opt_timer = true;
			break;
		case 'p':
			opt_proc = true;
			break;
		case 'j':
			opt_json = true;
			break;
		case 'H':
			opt_noheader = true;
			break;
		case 'N':
			enter_netns(optarg);
			break;
		default:
			bad_usage();
		}
	}
	states = parse_filter(argc - optind, argv + optind, states);
	if (opt_json)
		opt_info = true, opt_mem = true, opt_timer = true, opt_ext = true;
	if (opt_info)
		ext |= 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1);
	if (opt_mem)
		ext |= 1 << (INET_DIAG_SKMEMINFO - 1);
	if (opt_proc)
		scan_processes();
	if (opt_json)
		printf("[");
	else if (!opt_noheader)
		printf("%-11s %-6s %-6s %21s %21s%s\n", "State", "Recv-Q", "Send-Q",
		       "Local Address:Port", "Peer Address:Port", opt_proc ? " Process" : "");
	dump(states, ext);
	if (opt_json)
		printf("%s]\n", n_shown ? "\n" : "");
	return 0;
}
