// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag for AF_XTCP: a dump shows what /proc/net/xtcp shows, in
 * every state, with XTCP_INFO equal to getsockopt()'s; exact lookups by
 * 4-tuple and cookie; filter programs select what userspace would; bad
 * requests are refused with the errno inet_diag gives; random requests
 * are answered and break nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "conn_util.h"

#define ALL_STATES	0xffeU	/* bits 1..11 */
#define EXT_INFO	(1 << (INET_DIAG_INFO - 1))
/* Earlier tests leave hundreds of TIME_WAIT entries behind. */
#define MAX_ENTRIES	4096

struct dentry {
	struct inet_diag_msg r;
	struct xtcp_info info;
	bool has_info;
};

struct dump {
	struct dentry e[MAX_ENTRIES];
	int n;
	bool overflow;
};

/* One line of /proc/net/xtcp. */
struct pline {
	unsigned int la, lp, ra, rp, st, uid, ino;
	char text[160];
};

struct psnap {
	struct pline l[MAX_ENTRIES];
	int n;
};

static int diag_socket(const char *ns)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY), s = -1;

	if (!ns_enter(ns))
		s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	setns(self, CLONE_NEWNET);
	close(self);
	return s;
}

static void take(struct dump *d, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *r = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*r));
	const struct nlattr *a = (const void *)(r + 1);
	struct dentry *e;

	if (len < 0)
		return;
	if (d->n == MAX_ENTRIES) {
		d->overflow = true;
		return;
	}
	e = &d->e[d->n++];
	memset(e, 0, sizeof(*e));
	e->r = *r;
	for (; len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (const void *)a + NLA_ALIGN(a->nla_len)) {
		if (a->nla_type == INET_DIAG_INFO &&
		    a->nla_len - NLA_HDRLEN == sizeof(e->info)) {
			memcpy(&e->info, (const char *)a + NLA_HDRLEN, sizeof(e->info));
			e->has_info = true;
		}
	}
}

/*
 * Send @len bytes of request after the header, with @flags; collect the
 * answers into @d (if not NULL).  Return: 0 after NLMSG_DONE or a
 * single answer, -errno of an NLMSG_ERROR, -ETIME if nothing came
 * within two seconds.
 */
static int request(const char *ns, const void *payload, size_t len,
		   unsigned short flags, struct dump *d)
{
	static union {
		struct nlmsghdr h;
		char b[1 << 16];
	} buf;
	struct {
		struct nlmsghdr h;
		char data[1024];
	} req = {
		.h.nlmsg_len = NLMSG_LENGTH(len),
		.h.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.h.nlmsg_flags = NLM_F_REQUEST | flags,
		.h.nlmsg_seq = 7,
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = diag_socket(ns), ret = -ETIME;

	if (fd < 0 || len > sizeof(req.data))
		return -EBADF;
	memcpy(req.data, payload, len);
	if (d) {
		d->n = 0;
		d->overflow = false;
	}
	if (sendto(fd, &req, NLMSG_LENGTH(len), 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&p, 1, 2000) != 1)
			goto out;
		n = recv(fd, buf.b, sizeof(buf.b), 0);
		if (n <= 0) {
			ret = n ? -errno : -EPIPE;
			goto out;
		}
		for (h = &buf.h; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				goto out;
			}
			if (d && h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				take(d, h);
			if (!(h->nlmsg_flags & NLM_F_MULTI)) {
				ret = 0;
				goto out;
			}
		}
	}
out:
	close(fd);
	return ret;
}

static struct inet_diag_req_v2 req_v2(unsigned int states, unsigned char ext)
{
	struct inet_diag_req_v2 r = {
		/* The family's handler, whichever entry made the sockets. */
		.sdiag_family = xtcp_param_int("family", AF_XTCP),
		.idiag_ext = ext,
		.idiag_states = states,
	};

	return r;
}

/* A dump of @ns with filter program @bc (may be NULL). */
static int dump_ns(const char *ns, unsigned int states, const void *bc,
		   int bclen, struct dump *d)
{
	char msg[512];
	struct inet_diag_req_v2 r = req_v2(states, EXT_INFO);
	struct nlattr a = { .nla_len = NLA_HDRLEN + bclen,
			    .nla_type = INET_DIAG_REQ_BYTECODE };
	size_t len = sizeof(r);

	memcpy(msg, &r, sizeof(r));
	if (bc) {
		memcpy(msg + len, &a, sizeof(a));
		memcpy(msg + len + sizeof(a), bc, bclen);
		len += NLA_ALIGN(NLA_HDRLEN + bclen);
	}
	return request(ns, msg, len, NLM_F_DUMP, d);
}

static const struct dentry *find(const struct dump *d, int state,
				 unsigned short lport, unsigned short rport)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (d->e[i].r.idiag_state == state &&
		    ntohs(d->e[i].r.id.idiag_sport) == lport &&
		    ntohs(d->e[i].r.id.idiag_dport) == rport)
			return &d->e[i];
	return NULL;
}

static ino_t inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* The lines of @ns's /proc/net/xtcp in @states, into @p: 0 or -1. */
static int proc_snap(const char *ns, unsigned int states, struct psnap *p)
{
	FILE *f = ns_proc_open(ns, "xtcp");
	char line[512];
	int ret = 0;

	p->n = 0;
	if (!f || !fgets(line, sizeof(line), f))
		ret = -1;
	while (!ret && fgets(line, sizeof(line), f)) {
		struct pline *l = &p->l[p->n];
		unsigned int sl;

		if (p->n == MAX_ENTRIES ||
		    sscanf(line, " %u: %x:%x %x:%x %x %*x:%*x %*x:%*x %*x %u %*d %u",
			   &sl, &l->la, &l->lp, &l->ra, &l->rp, &l->st, &l->uid,
			   &l->ino) != 8) {
			ret = -1;
			break;
		}
		if (!(states & 1U << l->st))
			continue;
		snprintf(l->text, sizeof(l->text), "%.150s", line);
		p->n++;
	}
	if (f)
		fclose(f);
	return ret;
}

static bool same(const struct pline *l, const struct inet_diag_msg *r)
{
	return r->idiag_state == l->st &&
	       r->id.idiag_src[0] == l->la && ntohs(r->id.idiag_sport) == l->lp &&
	       r->id.idiag_dst[0] == l->ra && ntohs(r->id.idiag_dport) == l->rp &&
	       r->idiag_inode == l->ino && r->idiag_uid == l->uid;
}

static int in_snap(const struct psnap *p, const struct inet_diag_msg *r)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (same(&p->l[i], r))
			return i;
	return -1;
}

/*
 * A dump of @ns in @states into @d, checked against /proc/net/xtcp read
 * just before and just after it.  Leftovers of earlier tests may move
 * meanwhile (a TIME_WAIT expires, an orphan finishes closing), so a line
 * in both readings must be in the dump, and each entry of the dump in
 * at least one reading.  Return: the dump's error, else 0 with
 * *@mismatch counting what disagreed.
 */
static int dump_vs_proc(const char *ns, unsigned int states, struct dump *d,
			int *mismatch)
{
	struct psnap *p1 = calloc(1, sizeof(*p1)), *p2 = calloc(1, sizeof(*p2));
	int err, i, k;

	*mismatch = 0;
	if (!p1 || !p2 || proc_snap(ns, states, p1)) {
		err = -ENOMEM;
		goto out;
	}
	err = dump_ns(ns, states, NULL, 0, d);
	if (err)
		goto out;
	if (d->overflow || proc_snap(ns, states, p2)) {
		fprintf(stderr, "# %s: more than %d entries\n", ns, MAX_ENTRIES);
		*mismatch = 1;
		goto out;
	}
	for (i = 0; i < p1->n; i++) {
		const struct pline *l = &p1->l[i];

		for (k = 0; k < p2->n; k++)
			if (!memcmp(&p2->l[k], l, offsetof(struct pline, text)))
				break;
		if (k == p2->n)
			continue;	/* gone meanwhile */
		for (k = 0; k < d->n; k++)
			if (same(l, &d->e[k].r))
				break;
		if (k == d->n) {
			fprintf(stderr, "# %s: no diag entry for %s", ns, l->text);
			(*mismatch)++;
		}
	}
	for (k = 0; k < d->n; k++) {
		if (in_snap(p1, &d->e[k].r) < 0 && in_snap(p2, &d->e[k].r) < 0) {
			fprintf(stderr, "# %s: entry %u->%u state %u not in /proc\n", ns,
				ntohs(d->e[k].r.id.idiag_sport),
				ntohs(d->e[k].r.id.idiag_dport), d->e[k].r.idiag_state);
			(*mismatch)++;
		}
	}
out:
	free(p1);
	free(p2);
	return err;
}

/* What XTCP_INFO says now equals what the dump said, where it keeps still. */
static int info_matches(int fd, const struct dentry *e, bool idle)
{
	struct xtcp_info i;
	socklen_t len = sizeof(i);

	if (!e || !e->has_info || getsockopt(fd, SOL_XTCP, XTCP_INFO, &i, &len))
		return -1;
	if (i.state != e->info.state || i.state != e->r.idiag_state ||
	    i.snd_mss != e->info.snd_mss || i.rcv_mss != e->info.rcv_mss ||
	    i.options != e->info.options || i.snd_wscale != e->info.snd_wscale ||
	    i.rcv_wscale != e->info.rcv_wscale)
		return -1;
	if (e->r.idiag_inode != inode_of(fd))
		return -1;
	if (!idle)
		return 0;
	return i.bytes_acked == e->info.bytes_acked &&
	       i.bytes_received == e->info.bytes_received &&
	       i.segs_in == e->info.segs_in && i.segs_out == e->info.segs_out &&
	       i.snd_cwnd == e->info.snd_cwnd && i.rcv_wnd == e->info.rcv_wnd ? 0 : -1;
}

/* One entry by 4-tuple and cookie: 0 and *out, or -errno. */
static int get_exact(const char *ns, const struct inet_diag_msg *m,
		     const __u32 *cookie, struct dentry *out)
{
	struct inet_diag_req_v2 r = req_v2(ALL_STATES, EXT_INFO);
	struct dump *d = calloc(1, sizeof(*d));
	int err;

	r.id = m->id;
	r.id.idiag_cookie[0] = cookie[0];
	r.id.idiag_cookie[1] = cookie[1];
	err = request(ns, &r, sizeof(r), 0, d);
	if (!err && d->n != 1)
		err = -EPROTO;
	if (!err)
		*out = d->e[0];
	free(d);
	return err;
}

static bool same_entry(const struct inet_diag_msg *x, const struct inet_diag_msg *y)
{
	return x->idiag_state == y->idiag_state && !memcmp(&x->id, &y->id, sizeof(x->id));
}

static bool in_dump(const struct dump *d, const struct inet_diag_msg *r)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (same_entry(&d->e[i].r, r))
			return true;
	return false;
}

/*
 * Filter programs: what the kernel selects equals what userspace would.
 * Leftovers of earlier tests (hundreds of TIME_WAITs, some on the same
 * ports) expire meanwhile, so the filtered dump is judged against full
 * dumps just before and just after it: each entry it chose is wanted
 * and in one of them; each wanted entry in both was chosen.
 */
static int filter_agrees(const char *ns, const void *bc, int bclen,
			 bool (*want)(const struct inet_diag_msg *r), int *n)
{
	struct dump *d = calloc(1, sizeof(*d)), *all1 = calloc(1, sizeof(*all1)),
		    *all2 = calloc(1, sizeof(*all2));
	int i, err = -ENOMEM;

	if (!d || !all1 || !all2)
		goto out;
	err = dump_ns(ns, ALL_STATES, NULL, 0, all1) ?:
	      dump_ns(ns, ALL_STATES, bc, bclen, d) ?:
	      dump_ns(ns, ALL_STATES, NULL, 0, all2);
	if (!err && (all1->overflow || all2->overflow || d->overflow))
		err = -E2BIG;
	for (i = 0; i < d->n && !err; i++) {
		const struct inet_diag_msg *r = &d->e[i].r;

		if (!want(r) || (!in_dump(all1, r) && !in_dump(all2, r))) {
			fprintf(stderr, "# %s: filter chose %u->%u state %u\n", ns,
				ntohs(r->id.idiag_sport), ntohs(r->id.idiag_dport),
				r->idiag_state);
			err = -1;
		}
	}
	for (i = 0; i < all1->n && !err; i++) {
		const struct inet_diag_msg *r = &all1->e[i].r;

		if (!want(r) || in_dump(d, r))
			continue;
		/* Gone or changed state meanwhile: said, not counted. */
		fprintf(stderr, "# %s: filter left out %u->%u state %u%s\n", ns,
			ntohs(r->id.idiag_sport), ntohs(r->id.idiag_dport),
			r->idiag_state, in_dump(all2, r) ? "" : " (changed)");
		if (in_dump(all2, r))
			err = -1;
	}
	*n = d->n;
out:
	free(d);
	free(all1);
	free(all2);
	return err;
}

#define OP(c, y, n)	((struct inet_diag_bc_op){ .code = (c), .yes = (y), .no = (n) })

static bool sport_7700(const struct inet_diag_msg *r)
{
	return ntohs(r->id.idiag_sport) == 7700;
}

static bool dport_ge_7700_not_7702(const struct inet_diag_msg *r)
{
	return ntohs(r->id.idiag_dport) >= 7700 && ntohs(r->id.idiag_dport) != 7702;
}

static bool dst_server_7700(const struct inet_diag_msg *r)
{
	return r->id.idiag_dst[0] == inet_addr(SERVER_IP) &&
	       ntohs(r->id.idiag_dport) == 7700;
}

static int accept_one(int l)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	return poll(&p, 1, 5000) == 1 ? accept(l, NULL, NULL) : -1;
}

/*
 * Every state at once.  xa (client) and xb (server), listener 7700:
 *   c1/s1 ESTABLISHED; c2 FIN_WAIT2 / s2 CLOSE_WAIT; c3 TIME_WAIT;
 *   c4 SYN_SENT to a host that never answers; c5 CLOSE (bound);
 *   a request object (SYN_RECV) for a forged SYN from that host;
 *   then with xb's egress dropped: cd FIN_WAIT1 / sd LAST_ACK,
 *   se CLOSING / ce FIN_WAIT1.
 */
TEST(dump_every_state)
{
	int l, c1, s1, c2, s2, c3, s3, c4, c5, cd, sd, ce, se, raw;
	struct dump *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	unsigned short p3, p4, p5, pd, pe;
	struct dentry got;
	int n, bad_a, bad_b;
	__u32 bad[2];
	char ch;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	l = listener(7700, 16);
	ASSERT_LE(0, l);
	c1 = socket_in("xa", 0); c2 = socket_in("xa", 0); c3 = socket_in("xa", 0);
	cd = socket_in("xa", 0); ce = socket_in("xa", 0);
	ASSERT_EQ(0, connect_to(c1, SERVER_IP, 7700));
	s1 = accept_one(l);
	ASSERT_EQ(0, connect_to(c2, SERVER_IP, 7700));
	s2 = accept_one(l);
	ASSERT_EQ(0, connect_to(c3, SERVER_IP, 7700));
	s3 = accept_one(l);
	ASSERT_EQ(0, connect_to(cd, SERVER_IP, 7700));
	sd = accept_one(l);
	ASSERT_EQ(0, connect_to(ce, SERVER_IP, 7700));
	se = accept_one(l);
	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	ASSERT_LE(0, s3);
	ASSERT_LE(0, sd);
	ASSERT_LE(0, se);

	ASSERT_EQ(0, shutdown(c2, SHUT_WR));
	ASSERT_EQ(0, wait_state("xa", xtcp_local_port(c2), 7700, "FIN_WAIT2", 5));
	ASSERT_EQ(0, shutdown(c3, SHUT_WR));
	ASSERT_EQ(0, recv(s3, &ch, 1, 0));
	close(s3);
	ASSERT_EQ(0, recv(c3, &ch, 1, 0));
	p3 = xtcp_local_port(c3);
	close(c3);
	c4 = socket_in("xa", SOCK_NONBLOCK);
	ASSERT_EQ(-EINPROGRESS, connect_to(c4, NOHOST_IP, 7701));
	p4 = xtcp_local_port(c4);
	c5 = socket_in("xa", 0);
	ASSERT_EQ(0, xtcp_bind(c5, CLIENT_IP, 7702));
	p5 = 7702;
	raw = raw_hdrincl("xa");
	ASSERT_LE(0, raw);
	forge(raw, NOHOST_IP, SERVER_IP, 7703, 7700, 1000, 0, 0x02);
	close(raw);

	/* No ASSERT until the qdisc is gone: it would outlive the test. */
	EXPECT_EQ(0, ns_qdisc("xb", "netem loss 100%"));
	EXPECT_EQ(0, shutdown(cd, SHUT_WR));	/* reaches sd; its ACK is lost */
	EXPECT_EQ(0, wait_state("xb", 7700, xtcp_local_port(cd), "CLOSE_WAIT", 5));
	EXPECT_EQ(0, shutdown(sd, SHUT_WR));	/* LAST_ACK: the FIN is lost */
	EXPECT_EQ(0, shutdown(se, SHUT_WR));	/* FIN_WAIT1: lost */
	EXPECT_EQ(0, shutdown(ce, SHUT_WR));	/* crosses: se goes CLOSING */
	EXPECT_EQ(0, wait_state("xb", 7700, xtcp_local_port(ce), "CLOSING", 5));
	usleep(100000);
	n = dump_vs_proc("xa", ALL_STATES, a, &bad_a) ?:
	    dump_vs_proc("xb", ALL_STATES, b, &bad_b);
	if (n)
		ns_qdisc_del("xb");
	ASSERT_EQ(0, n);
	EXPECT_EQ(0, bad_a);
	EXPECT_EQ(0, bad_b);

	EXPECT_EQ(0, info_matches(c1, find(a, XTCP_ESTABLISHED, xtcp_local_port(c1), 7700), true));
	EXPECT_EQ(0, info_matches(s1, find(b, XTCP_ESTABLISHED, 7700, xtcp_local_port(c1)), true));
	EXPECT_EQ(0, info_matches(c2, find(a, XTCP_FIN_WAIT2, xtcp_local_port(c2), 7700), true));
	EXPECT_EQ(0, info_matches(s2, find(b, XTCP_CLOSE_WAIT, 7700, xtcp_local_port(c2)), true));
	EXPECT_EQ(0, info_matches(c4, find(a, XTCP_SYN_SENT, p4, 7701), false));
	EXPECT_EQ(0, info_matches(c5, find(a, XTCP_CLOSE, p5, 0), true));
	EXPECT_EQ(0, info_matches(cd, find(a, XTCP_FIN_WAIT1, xtcp_local_port(cd), 7700), false));
	EXPECT_EQ(0, info_matches(sd, find(b, XTCP_LAST_ACK, 7700, xtcp_local_port(cd)), false));
	EXPECT_EQ(0, info_matches(ce, find(a, XTCP_FIN_WAIT1, xtcp_local_port(ce), 7700), false));
	EXPECT_EQ(0, info_matches(se, find(b, XTCP_CLOSING, 7700, xtcp_local_port(ce)), false));
	EXPECT_EQ(0, info_matches(l, find(b, XTCP_LISTEN, 7700, 0), true));
	pd = xtcp_local_port(cd);
	pe = xtcp_local_port(ce);
	ns_qdisc_del("xb");
	{
		const struct dentry *tw, *rq;

		/*
		 * The lost FINs are resent: cd and ce settle in TIME_WAIT.
		 * Wait for that, so that the filters below count entries
		 * that stay.
		 */
		EXPECT_EQ(0, wait_state("xa", pd, 7700, "TIME_WAIT", 30));
		EXPECT_EQ(0, wait_state("xa", pe, 7700, "TIME_WAIT", 30));
		/* c3's: older ones may expire before the lookup. */
		tw = find(a, XTCP_TIME_WAIT, p3, 7700);
		rq = find(b, XTCP_SYN_RECV, 7700, 7703);
		ASSERT_NE(NULL, tw);
		EXPECT_EQ(3, tw->r.idiag_timer);
		EXPECT_GT(tw->r.idiag_expires, 0);
		EXPECT_EQ(0, tw->r.idiag_inode);
		ASSERT_NE(NULL, rq);
		EXPECT_EQ(1, rq->r.idiag_timer);
		EXPECT_EQ(inet_addr(NOHOST_IP), rq->r.id.idiag_dst[0]);
		EXPECT_EQ(0, rq->r.idiag_inode);

		/* Exact lookups: a connection, TIME_WAIT, the listener. */
		EXPECT_EQ(0, get_exact("xa", &tw->r, tw->r.id.idiag_cookie, &got));
		EXPECT_EQ(XTCP_TIME_WAIT, got.r.idiag_state);
		bad[0] = tw->r.id.idiag_cookie[0] + 1;
		bad[1] = tw->r.id.idiag_cookie[1];
		EXPECT_EQ(-ESTALE, get_exact("xa", &tw->r, bad, &got));
	}
	{
		const struct dentry *e = find(a, XTCP_ESTABLISHED, xtcp_local_port(c1), 7700);
		const __u32 none[2] = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE };
		struct inet_diag_msg m;

		ASSERT_NE(NULL, e);
		EXPECT_EQ(0, get_exact("xa", &e->r, e->r.id.idiag_cookie, &got));
		EXPECT_EQ(inode_of(c1), got.r.idiag_inode);
		EXPECT_TRUE(got.has_info);
		EXPECT_EQ(0, get_exact("xa", &e->r, none, &got));
		EXPECT_EQ(inode_of(c1), got.r.idiag_inode);
		m = e->r;
		m.id.idiag_dport = htons(7799);
		EXPECT_EQ(-ENOENT, get_exact("xa", &m, none, &got));
		memset(&m, 0, sizeof(m));
		m.id.idiag_sport = htons(7700);
		m.id.idiag_src[0] = inet_addr(SERVER_IP);
		EXPECT_EQ(0, get_exact("xb", &m, none, &got));
		EXPECT_EQ(XTCP_LISTEN, got.r.idiag_state);
		EXPECT_EQ(inode_of(l), got.r.idiag_inode);
	}

	/* Filters, on xa's and xb's entries. */
	{
		struct inet_diag_bc_op p1[] = { OP(INET_DIAG_BC_S_EQ, 8, 12), OP(0, 0, 7700) };
		struct inet_diag_bc_op p2[] = {
			OP(INET_DIAG_BC_D_GE, 8, 24), OP(0, 0, 7700),
			OP(INET_DIAG_BC_D_EQ, 8, 12), OP(0, 0, 7702),
			OP(INET_DIAG_BC_JMP, 4, 8),
		};
		struct {
			struct inet_diag_bc_op op;
			struct inet_diag_hostcond c;
			__be32 addr;
		} p3 = {
			OP(INET_DIAG_BC_D_COND, 16, 20),
			{ .family = AF_INET, .prefix_len = 32, .port = 7700 },
			inet_addr(SERVER_IP),
		};

		/* l, s1, s2, se (TIME_WAIT), the request; sd is gone. */
		EXPECT_EQ(0, filter_agrees("xb", p1, sizeof(p1), sport_7700, &n));
		EXPECT_GE(n, 5);
		/* c1, c2, c3, c4 (to 7701), cd and ce. */
		EXPECT_EQ(0, filter_agrees("xa", p2, sizeof(p2), dport_ge_7700_not_7702, &n));
		EXPECT_GE(n, 6);
		EXPECT_EQ(0, filter_agrees("xa", &p3, sizeof(p3), dst_server_7700, &n));
		EXPECT_GE(n, 5);
		/* States alone. */
		ASSERT_EQ(0, dump_ns("xb", 1 << XTCP_LISTEN, NULL, 0, a));
		EXPECT_EQ(1, a->n);
		ASSERT_EQ(0, dump_ns("xb", 1 << XTCP_SYN_RECV, NULL, 0, a));
		EXPECT_EQ(1, a->n);
	}

	close(c1); close(s1); close(c2); close(s2); close(c4); close(c5);
	close(cd); close(sd); close(ce); close(se); close(l);
	free(a);
	free(b);
}

/* A dump of many entries spans several reads and loses none. */
TEST(dump_resumes)
{
	struct dump *d = calloc(1, sizeof(*d));
	int fds[200], i, n = 0, mismatch;

	ASSERT_NE(NULL, d);
	/* Half on one port (one bucket, several batches), half spread. */
	for (i = 0; i < 200; i++) {
		int one = 1;

		fds[i] = socket_in("xa", 0);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, setsockopt(fds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
		ASSERT_EQ(0, xtcp_bind(fds[i], CLIENT_IP, i < 100 ? 7720 : 0));
	}
	/* 200 messages with INFO are more than one skb of the dump holds. */
	ASSERT_EQ(0, dump_vs_proc("xa", 1 << XTCP_CLOSE, d, &mismatch));
	EXPECT_EQ(0, mismatch);
	for (i = 0; i < d->n; i++) {
		int k;

		for (k = 0; k < 200; k++)
			if (d->e[i].r.idiag_inode == inode_of(fds[k]))
				n++;
	}
	EXPECT_EQ(200, n);
	for (i = 0; i < 200; i++)
		close(fds[i]);
	free(d);
}

static int send_req(const void *r, size_t len, unsigned short flags)
{
	return request("xa", r, len, flags, NULL);
}

/* What inet_diag refuses, refused the same way. */
TEST(bad_requests)
{
	struct inet_diag_req_v2 r = req_v2(ALL_STATES, 0);
	char msg[256];
	struct nlattr *a = (void *)(msg + sizeof(r));
	struct inet_diag_bc_op *bc = (void *)(a + 1);

	EXPECT_EQ(0, send_req(&r, sizeof(r), NLM_F_DUMP));
	EXPECT_EQ(-EINVAL, send_req(&r, sizeof(r) - 4, NLM_F_DUMP));	/* short */
	EXPECT_EQ(-EINVAL, send_req(&r, 2, NLM_F_DUMP));
	r.sdiag_protocol = IPPROTO_TCP;
	EXPECT_EQ(-EINVAL, send_req(&r, sizeof(r), NLM_F_DUMP));
	r.sdiag_protocol = IPPROTO_XTCP;
	EXPECT_EQ(0, send_req(&r, sizeof(r), NLM_F_DUMP));
	r.pad = 1;
	EXPECT_EQ(-EINVAL, send_req(&r, sizeof(r), NLM_F_DUMP));
	r.pad = 0;
	r.idiag_states = 1 << 13;
	EXPECT_EQ(-EINVAL, send_req(&r, sizeof(r), NLM_F_DUMP));
	r.idiag_states = ALL_STATES | 1;
	EXPECT_EQ(-EINVAL, send_req(&r, sizeof(r), NLM_F_DUMP));
	r.idiag_states = ALL_STATES;

	memcpy(msg, &r, sizeof(r));
	/* An attribute other than the filter program. */
	*a = (struct nlattr){ .nla_len = 8, .nla_type = INET_DIAG_REQ_PROTOCOL };
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 8, NLM_F_DUMP));
	a->nla_type = 77;
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 8, NLM_F_DUMP));
	/* An attribute longer than the message. */
	*a = (struct nlattr){ .nla_len = 64, .nla_type = INET_DIAG_REQ_BYTECODE };
	bc[0] = OP(INET_DIAG_BC_NOP, 4, 0);
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 8, NLM_F_DUMP));
	/* Programs: good, then empty, misaligned, out of bounds, marks. */
	a->nla_len = 8;
	EXPECT_EQ(0, send_req(msg, sizeof(r) + 8, NLM_F_DUMP));
	a->nla_len = 4;
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 4, NLM_F_DUMP));
	a->nla_len = 8;
	bc[0] = OP(INET_DIAG_BC_S_EQ, 8, 12);
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 8, NLM_F_DUMP));
	a->nla_len = 12;
	bc[1] = OP(0, 0, 80);
	bc[0].no = 6;
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 12, NLM_F_DUMP));
	bc[0].no = 16;
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 12, NLM_F_DUMP));
	bc[0].no = 12;
	EXPECT_EQ(0, send_req(msg, sizeof(r) + 12, NLM_F_DUMP));
	a->nla_len = 16;
	bc[0] = OP(INET_DIAG_BC_MARK_COND, 12, 16);
	EXPECT_EQ(-EINVAL, send_req(msg, sizeof(r) + 16, NLM_F_DUMP));
	/* An exact lookup of nothing. */
	r.id.idiag_sport = htons(7799);
	r.id.idiag_dport = htons(7798);
	r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	EXPECT_EQ(-ENOENT, send_req(&r, sizeof(r), 0));
}

/*
 * Random requests to the family's handler: each is answered (an error,
 * or messages and NLMSG_DONE) within two seconds, and afterwards a dump
 * still works.
 */
TEST(fuzz_requests)
{
	struct dump *d = calloc(1, sizeof(*d));
	unsigned int seed = 20261207, i, refused = 0, k;
	unsigned char msg[160];
	int l = listener(7710, 4), err;
	double start = now_s();

	ASSERT_NE(NULL, d);
	ASSERT_LE(0, l);
	/* 3000, or what 15 s allow (the debug kernel is slow). */
	for (i = 0; i < 3000 && now_s() < start + 15; i++) {
		size_t len = rand_r(&seed) % sizeof(msg);

		for (k = 0; k < len; k++)
			msg[k] = rand_r(&seed);
		if (len)
			msg[0] = xtcp_param_int("family", AF_XTCP);
		if (len > 8 && rand_r(&seed) % 2) {	/* mostly well-formed header */
			msg[1] = 0;
			msg[3] = 0;
			msg[4] &= 0xfe;
			msg[5] &= 0x0f;
			msg[6] = 0;
			msg[7] = 0;
		}
		if (len >= sizeof(struct inet_diag_req_v2) + 4 && rand_r(&seed) % 2) {
			struct nlattr *a = (void *)(msg + sizeof(struct inet_diag_req_v2));

			a->nla_len = len - sizeof(struct inet_diag_req_v2) - rand_r(&seed) % 3;
			a->nla_type = INET_DIAG_REQ_BYTECODE;
		}
		err = request("xb", msg, len, rand_r(&seed) % 2 ? NLM_F_DUMP : 0, d);
		ASSERT_NE(-ETIME, err);
		ASSERT_NE(-EBADF, err);
		refused += err < 0;
	}
	fprintf(stderr, "# %u of %u refused\n", refused, i);
	EXPECT_GT(i, 300);
	EXPECT_GT(refused, i / 2);
	ASSERT_EQ(0, dump_ns("xb", 1 << XTCP_LISTEN, NULL, 0, d));
	EXPECT_NE(NULL, find(d, XTCP_LISTEN, 7710, 0));
	close(l);
	free(d);
}

TEST_HARNESS_MAIN
