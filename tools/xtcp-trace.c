// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-trace: every xtcp connection as a sequence diagram, live, drawn
 * from the module's tracepoints (Documentation/tracing.rst).
 *
 *   xtcp-trace [-A] [-a] [-s] [-c] [-p PORT] [-u FILE] [-r TRACE]
 *
 * Two lifelines per connection, the side that sent the first SYN on
 * the left; one arrow per segment (flags, seq, ack, length: relative
 * to each side's ISN unless -a); each side's state changes written on
 * its side as they happen; retransmissions, drops, resets and timers
 * (RTO, delayed ACK, persist, keepalive, 2MSL) as what they are; the
 * time in the margin, in seconds since the first event.
 *
 * It reads tracefs through an instance of its own (instances/
 * xtcp-trace.PID, removed at exit), filtered to the network namespace
 * it runs in (-A: every namespace), until SIGINT or SIGTERM, which
 * print what is pending and exit 0.  -r reads a saved trace instead
 * (tracefs "trace" text).  -p keeps connections with PORT on either
 * side; -s folds runs of plain data and ACK segments into one line per
 * direction; -c prints TIME_WAIT's 2MSL countdown while idle; -u writes
 * the diagrams as PlantUML to FILE at exit.
 *
 * When both ends are watched (two namespaces with -A) each segment is
 * matched from its send to its receipt: one sent and never received is
 * drawn as lost.  When only one end is, the other end's states are
 * inferred from the segments (RFC 9293's state diagram) and marked
 * with "~".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#define ARROW_W		54	/* columns between the lifelines */
#define STATE_W		13	/* the left state column */
#define SETTLE_LOST	1.0	/* s: a send not received by then is lost */
#define SETTLE_MATCHED	0.002	/* s after its receipt: drop events come */
#define FOLD_MIN	4	/* -s folds runs of at least this many */

enum item_kind { IT_SEG, IT_STATE, IT_NOTE };

struct endpoint {
	uint32_t addr;		/* host order */
	uint16_t port;
};

/* One event as parsed from a trace line. */
struct event {
	double ts;
	char name[32];
	struct endpoint src, dst;
	char flags[16];
	uint32_t seq, ack, win, len, segs, end_seq, backoff, rto_us, probes;
	char s1[24], s2[24];	/* states, ca state, reason, timer */
};

struct item {
	enum item_kind kind;
	double ts;
	int side;		/* the sender, the state's or note's side */
	/* IT_SEG */
	char flags[16];
	uint32_t seq, ack, len, win, segs;
	bool sent, rcvd, lost, dropped;
	bool first_fin_ack;	/* the first ACK of the peer's FIN */
	uint32_t rcvd_bytes;
	double rcvd_ts;
	char note[96];
	/* IT_STATE */
	char state[24];
	bool inferred;
};

struct side {
	struct endpoint ep;
	bool local;		/* events seen from this end */
	char state[24];		/* as drawn last ("" unknown) */
	char initial[24];
	bool isn_known;
	uint32_t isn;
	bool fin_sent;
	uint32_t fin_end;	/* seq just past our FIN */
	bool acked_known;
	uint32_t acked;		/* the highest ACK this side sent */
	bool rto_since_send;
	bool rtx_pending;	/* an xtcp_retransmit for the next send */
	uint32_t rtx_seq;
	char rtx_why[32];
	char rst_why[48];	/* an xtcp_send_reset for the next RST */
	double tw_start;	/* 2MSL (re)started (<0: not in TIME_WAIT) */
	double tw_len;		/* 2MSL, s */
	double tw_last_tick;
};

struct conn {
	struct side s[2];
	struct item *q;		/* pending, in order */
	size_t n, cap;
	bool started;		/* header printed */
	/* -s: the run being folded */
	struct item held[FOLD_MIN];
	int nheld;
	bool folding;
	unsigned int run_segs[2];
	uint64_t run_bytes[2];
	double run_t0, run_t1;
	/* -u */
	char *uml;
	size_t uml_len;
	FILE *umlf;
	struct conn *next;
};

struct listener {
	struct endpoint ep;
	char state[24];
	struct listener *next;
};

static struct conn *conns, *last_printed;
static struct listener *listeners;
static bool opt_all_ns, opt_abs, opt_fold, opt_countdown;
static int opt_port = -1;
static const char *opt_uml;
static double t0 = -1, now_ts;
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("xtcp-trace: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static bool ep_eq(struct endpoint a, struct endpoint b)
{
	return a.addr == b.addr && a.port == b.port;
}

static const char *ep_str(struct endpoint e, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", e.addr >> 24, (e.addr >> 16) & 255,
		 (e.addr >> 8) & 255, e.addr & 255, e.port);
	return buf;
}

/* The RFC's names: the kernel's CLOSE is CLOSED. */
static const char *state_name(const char *s)
{
	return strcmp(s, "CLOSE") ? s : "CLOSED";
}

/* ---- parsing ---------------------------------------------------------- */

static const char *parse_ep(const char *p, struct endpoint *e)
{
	unsigned int a, b, c, d, port;
	int n;

	if (sscanf(p, "%u.%u.%u.%u:%u%n", &a, &b, &c, &d, &port, &n) != 5)
		return NULL;
	e->addr = a << 24 | b << 16 | c << 8 | d;
	e->port = port;
	return p + n;
}

/*
 * "<task>-<pid> [cpu] flags TS: xtcp_NAME: A:P -> A:P rest": the
 * event's name and time, its four-tuple, and a pointer to the rest.
 */
static const char *parse_head(const char *line, struct event *ev)
{
	const char *name = strstr(line, ": xtcp_"), *p, *colon;

	if (!name)
		return NULL;
	for (p = name; p > line && p[-1] != ' '; p--)
		;
	ev->ts = strtod(p, NULL);
	name += 2;
	colon = strchr(name, ':');
	if (!colon || colon - name >= (long)sizeof(ev->name))
		return NULL;
	memcpy(ev->name, name, colon - name);
	ev->name[colon - name] = 0;
	p = parse_ep(colon + 2, &ev->src);
	if (!p || strncmp(p, " -> ", 4))
		return NULL;
	return parse_ep(p + 4, &ev->dst);
}

static const char *parse_flags(const char *p, char *flags, size_t n)
{
	const char *end;

	p = strchr(p, '[');
	end = p ? strchr(p, ']') : NULL;
	if (!end || (size_t)(end - p) > n)
		return NULL;
	memcpy(flags, p + 1, end - p - 1);
	flags[end - p - 1] = 0;
	return end + 1;
}

static bool parse_event(const char *line, struct event *ev)
{
	const char *p;

	memset(ev, 0, sizeof(*ev));
	p = parse_head(line, ev);
	if (!p)
		return false;
	if (!strcmp(ev->name, "xtcp_state"))
		return sscanf(p, " %23s -> %23s", ev->s1, ev->s2) == 2;
	if (!strcmp(ev->name, "xtcp_send_segment") || !strcmp(ev->name, "xtcp_recv_segment")) {
		p = parse_flags(p, ev->flags, sizeof(ev->flags));
		return p && sscanf(p, " seq %u ack %u win %u len %u segs %u",
				   &ev->seq, &ev->ack, &ev->win, &ev->len, &ev->segs) == 5;
	}
	if (!strcmp(ev->name, "xtcp_drop")) {
		p = parse_flags(p, ev->flags, sizeof(ev->flags));
		return p && sscanf(p, " seq %u ack %u len %u reason %23s",
				   &ev->seq, &ev->ack, &ev->len, ev->s1) == 4;
	}
	if (!strcmp(ev->name, "xtcp_retransmit"))
		return sscanf(p, " seq %u:%u ca %23s", &ev->seq, &ev->end_seq, ev->s1) == 3;
	if (!strcmp(ev->name, "xtcp_rto"))
		return sscanf(p, " backoff %u rto %u", &ev->backoff, &ev->rto_us) == 2;
	if (!strcmp(ev->name, "xtcp_keepalive"))
		return sscanf(p, " probes %u", &ev->probes) == 1;
	if (!strcmp(ev->name, "xtcp_tw_fin"))
		return sscanf(p, " seq %u", &ev->seq) == 1;
	if (!strcmp(ev->name, "xtcp_tw_timer"))
		return sscanf(p, " 2MSL %u ms", &ev->rto_us) == 1;
	if (!strcmp(ev->name, "xtcp_send_reset"))
		return sscanf(p, " seq %u ack %u reason %23s", &ev->seq, &ev->ack, ev->s1) == 3;
	if (!strcmp(ev->name, "xtcp_recv_reset"))
		return sscanf(p, " seq %u state %23s", &ev->seq, ev->s1) == 2;
	if (!strcmp(ev->name, "xtcp_timer"))
		return sscanf(p, " %23s", ev->s1) == 1;
	return !strcmp(ev->name, "xtcp_cwnd");
}

/* ---- connections -------------------------------------------------------- */

static struct listener *listener_of(struct endpoint e)
{
	struct listener *l;

	for (l = listeners; l; l = l->next)
		if (l->ep.port == e.port && (!l->ep.addr || l->ep.addr == e.addr))
			return l;
	return NULL;
}

/* Find the connection of @a <-> @b, or make it with @a on the left. */
static struct conn *conn_of(struct endpoint a, struct endpoint b, int *side_of_a)
{
	struct conn *c, **pp;

	for (c = conns; c; c = c->next) {
		if (ep_eq(c->s[0].ep, a) && ep_eq(c->s[1].ep, b)) {
			*side_of_a = 0;
			return c;
		}
		if (ep_eq(c->s[1].ep, a) && ep_eq(c->s[0].ep, b)) {
			*side_of_a = 1;
			return c;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		die("out of memory");
	c->s[0].ep = a;
	c->s[1].ep = b;
	c->s[0].tw_start = -1;
	c->s[1].tw_start = -1;
	for (pp = &conns; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	*side_of_a = 0;
	return c;
}

static struct item *push(struct conn *c, enum item_kind kind, double ts, int side)
{
	struct item *it;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->q = realloc(c->q, c->cap * sizeof(*c->q));
		if (!c->q)
			die("out of memory");
	}
	it = &c->q[c->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->ts = ts;
	it->side = side;
	return it;
}

static void uml(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	if (!opt_uml)
		return;
	if (!c->umlf) {
		c->umlf = open_memstream(&c->uml, &c->uml_len);
		if (!c->umlf)
			die("open_memstream: %s", strerror(errno));
	}
	va_start(ap, fmt);
	vfprintf(c->umlf, fmt, ap);
	va_end(ap);
}

/* ---- drawing ------------------------------------------------------------ */

static double rel_ts(double ts)
{
	return ts - t0;
}

/*
 * One row: the time (or blank), the left side's text right-aligned
 * against its lifeline, what goes between the lifelines, the right
 * side's text.
 */
static void row(double ts, const char *left, const char *mid, const char *right)
{
	char tbuf[16] = "";

	if (ts >= 0)
		snprintf(tbuf, sizeof(tbuf), "%10.6f", rel_ts(ts));
	printf("%10s %*s |%-*s| %s\n", tbuf, STATE_W, left, ARROW_W, mid, right);
}

/* @st as drawn: the RFC's name, "~" kept in front of an inferred one. */
static const char *disp(const char *st, char *buf, size_t n)
{
	bool inferred = st[0] == '~';

	snprintf(buf, n, "%s%s", inferred ? "~" : "", state_name(st + inferred));
	return buf;
}

/*
 * The lifelines and where each end starts: its first state event's
 * old state, its listener's, or for an end not watched what the first
 * segment says (a SYN comes from CLOSED and goes to LISTEN).
 */
static void header(struct conn *c)
{
	const struct item *first = NULL;
	char a[32], b[32], da[32], db[32];
	size_t k;
	int i;

	for (k = 0; k < c->n && !first; k++)
		if (c->q[k].kind == IT_SEG)
			first = &c->q[k];

	if (last_printed == c)
		return;
	last_printed = c;
	ep_str(c->s[0].ep, a, sizeof(a));
	ep_str(c->s[1].ep, b, sizeof(b));
	if (c->started) {
		printf("\n(%s <-> %s, continued)\n", a, b);
		return;
	}
	c->started = true;
	for (i = 0; i < 2; i++) {
		struct side *s = &c->s[i];
		struct listener *l = listener_of(s->ep);

		bool syn = first && strchr(first->flags, 'S') && !strchr(first->flags, '.');

		if (s->initial[0])
			continue;
		if (l && s->local)
			snprintf(s->initial, sizeof(s->initial), "%s", l->state);
		else if (syn && !s->local)
			snprintf(s->initial, sizeof(s->initial), "~%s",
				 first->side == i ? "CLOSE" : "LISTEN");
		else
			snprintf(s->initial, sizeof(s->initial), "%s", s->local ? "?" : "~?");
	}
	printf("\n== %s <-> %s%s\n", a, b,
	       c->s[0].local && c->s[1].local ? " (both ends local)" :
	       "  (~STATE: inferred, that end is not watched)");
	printf("%10s %*s  %-*s %s\n", "time", STATE_W, a, ARROW_W, "", b);
	row(-1, disp(c->s[0].initial, da, sizeof(da)), "", disp(c->s[1].initial, db, sizeof(db)));
	snprintf(c->s[0].state, sizeof(c->s[0].state), "%s", c->s[0].initial);
	snprintf(c->s[1].state, sizeof(c->s[1].state), "%s", c->s[1].initial);

	uml(c, "@startuml\ntitle xtcp %s <-> %s\n", a, b);
	uml(c, "participant \"%s\" as A\nparticipant \"%s\" as B\n", a, b);
	for (i = 0; i < 2; i++)
		uml(c, "hnote over %c %s: %s\n", 'A' + i,
		    c->s[i].initial[0] == '~' ? "#EEEEEE " : "",
		    state_name(c->s[i].initial + (c->s[i].initial[0] == '~')));
}

static void flags_words(const char *f, char *out, size_t n)
{
	static const struct { char c; const char *w; } names[] = {
		{ 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" }, { 'P', "PSH" },
		{ 'U', "URG" }, { 'E', "ECE" }, { 'W', "CWR" }, { '.', "ACK" },
	};
	size_t i, len = 0;

	out[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strchr(f, names[i].c))
			len += snprintf(out + len, n - len, "%s%s", len ? "+" : "", names[i].w);
}

static void seg_label(struct conn *c, const struct item *it, char *out, size_t n)
{
	const struct side *me = &c->s[it->side], *peer = &c->s[!it->side];
	uint32_t seq = it->seq, ack = it->ack;
	char words[40];
	size_t len;

	flags_words(it->flags, words, sizeof(words));
	if (!opt_abs && me->isn_known)
		seq -= me->isn;
	if (!opt_abs && peer->isn_known)
		ack -= peer->isn;
	len = snprintf(out, n, "%s seq=%u", words, seq);
	if (strchr(it->flags, '.'))
		len += snprintf(out + len, n - len, " ack=%u", ack);
	if (it->len)
		len += snprintf(out + len, n - len, " len=%u", it->len);
	if (it->segs > 1)
		snprintf(out + len, n - len, " (%u segs)", it->segs);
}

/* The arrow between the lifelines, from side @from, with @label. */
static void arrow(char *out, int from, const char *label, bool lost, bool dropped)
{
	int w = ARROW_W, l = strlen(label), i, pad;
	char *p = out;

	pad = w - l - 6;
	if (pad < 1)
		pad = 1;
	if (from == 0) {
		p += sprintf(p, "--%s ", label);
		for (i = 0; i < pad; i++)
			*p++ = lost && i > pad - 4 ? ' ' : '-';
		strcpy(p, lost ? "X  " : dropped ? "--X" : "-->");
	} else {
		p += sprintf(p, "%s", lost ? "  X" : dropped ? "X--" : "<--");
		for (i = 0; i < pad; i++)
			*p++ = lost && i < 3 ? ' ' : '-';
		sprintf(p, " %s--", label);
	}
}

static void draw_state(struct conn *c, int side, double ts, const char *st, bool inferred)
{
	char buf[32];

	snprintf(c->s[side].state, sizeof(c->s[side].state), "%s%s", inferred ? "~" : "", st);
	snprintf(buf, sizeof(buf), "%s%s", inferred ? "~" : "", state_name(st));
	row(ts, side ? "" : buf, "", side ? buf : "");
	uml(c, "hnote over %c %s: %s\n", 'A' + side, inferred ? "#EEEEEE " : "", state_name(st));
}

/* A note on side @side's lifeline, in the terminal. */
static void note_row(int side, double ts, const char *note)
{
	char mid[128];

	if (side == 0)
		snprintf(mid, sizeof(mid), " %s", note);
	else
		snprintf(mid, sizeof(mid), "%*s ", ARROW_W - 1, note);
	row(ts, "", mid, "");
}

static void draw_note(struct conn *c, int side, double ts, const char *note)
{
	note_row(side, ts, note);
	uml(c, "note over %c : %s\n", 'A' + side, note);
}

/* ---- inference, for an end that is not watched -------------------------- */

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static bool in_state(const struct side *s, const char *st)
{
	return !strcmp(s->state + (s->state[0] == '~'), st);
}

static void infer(struct conn *c, int side, double ts, const char *st)
{
	if (c->s[side].local || in_state(&c->s[side], st))
		return;
	draw_state(c, side, ts, st, true);
}

/*
 * RFC 9293's diagram, read from the segments an unwatched end sent
 * (@it from it) or was sent (its receipt assumed).
 */
static void infer_seg(struct conn *c, const struct item *it)
{
	int r = it->side, o = !r;
	struct side *rs = &c->s[r], *os = &c->s[o];
	bool syn = strchr(it->flags, 'S'), ack = strchr(it->flags, '.');
	bool fin = strchr(it->flags, 'F'), rst = strchr(it->flags, 'R');

	/* What the receiver, if it is the unwatched one, learnt. */
	if (!os->local && !it->lost && !it->dropped) {
		if (rst) {
			infer(c, o, it->ts, "CLOSE");
		} else if (syn && !ack && (in_state(os, "?") || in_state(os, "LISTEN"))) {
			infer(c, o, it->ts, "LISTEN");
		} else if (syn && ack && in_state(os, "SYN_SENT")) {
			infer(c, o, it->ts, "ESTABLISHED");
		} else if (it->first_fin_ack) {
			/* The unwatched end's FIN is acknowledged. */
			if (in_state(os, "FIN_WAIT1"))
				infer(c, o, it->ts, "FIN_WAIT2");
			else if (in_state(os, "CLOSING"))
				infer(c, o, it->ts, "TIME_WAIT");
			else if (in_state(os, "LAST_ACK"))
				infer(c, o, it->ts, "CLOSE");
		} else if (ack && (in_state(os, "SYN_RECV"))) {
			infer(c, o, it->ts, "ESTABLISHED");
		}
	}
	/* What the sender, if unwatched, did to send it. */
	if (!rs->local) {
		if (rst)
			infer(c, r, it->ts, "CLOSE");
		else if (syn && !ack)
			infer(c, r, it->ts, "SYN_SENT");
		else if (syn && ack)
			infer(c, r, it->ts, "SYN_RECV");
		if (it->first_fin_ack) {
			/* It acknowledges our FIN for the first time: it had it. */
			if (in_state(rs, "ESTABLISHED"))
				infer(c, r, it->ts, "CLOSE_WAIT");
			else if (in_state(rs, "FIN_WAIT1") || in_state(rs, "FIN_WAIT2"))
				infer(c, r, it->ts, os->acked_known && rs->fin_sent &&
				      !seq_after(rs->fin_end, os->acked) ? "TIME_WAIT" : "CLOSING");
		}
		if (fin && !rst) {
			/* A FIN again: our ACK of it never came. */
			if (in_state(rs, "CLOSE_WAIT") || in_state(rs, "CLOSE"))
				infer(c, r, it->ts, "LAST_ACK");
			else if (in_state(rs, "ESTABLISHED") || in_state(rs, "SYN_RECV"))
				infer(c, r, it->ts, "FIN_WAIT1");
		}
	}
}

/* ---- segments ----------------------------------------------------------- */

/* Bookkeeping for ISNs, FINs and ACKs, once per segment as drawn. */
static void note_seg(struct conn *c, struct item *it)
{
	struct side *me = &c->s[it->side], *peer = &c->s[!it->side];

	if (strchr(it->flags, 'S') && !me->isn_known) {
		me->isn = it->seq;
		me->isn_known = true;
	}
	if (!me->isn_known && !strchr(it->flags, 'R')) {
		/* Joined late: count from the first byte seen, as tshark. */
		me->isn = it->seq - 1;
		me->isn_known = true;
	}
	if (strchr(it->flags, 'F') && me->fin_sent && me->fin_end == it->seq + it->len + 1 &&
	    !it->note[0] && !me->local)
		snprintf(it->note, sizeof(it->note), "the FIN again");
	if (strchr(it->flags, 'F') && !me->fin_sent) {
		me->fin_sent = true;
		me->fin_end = it->seq + it->len + 1;
	}
	it->first_fin_ack = strchr(it->flags, '.') && !strchr(it->flags, 'R') &&
			    peer->fin_sent && !seq_after(peer->fin_end, it->ack) &&
			    !(me->acked_known && !seq_after(peer->fin_end, me->acked));
	/* A FIN that also first ACKs the peer's FIN is two segments in one. */
	if (strchr(it->flags, 'F') && it->first_fin_ack && !it->note[0])
		snprintf(it->note, sizeof(it->note), "combined: FIN and the ACK of the peer's FIN");
	else if (strchr(it->flags, 'F') && it->len && !it->note[0])
		snprintf(it->note, sizeof(it->note), "combined: data and FIN");
	if (strchr(it->flags, '.') && !strchr(it->flags, 'R') &&
	    (!me->acked_known || seq_after(it->ack, me->acked))) {
		me->acked = it->ack;
		me->acked_known = true;
	}
}

static bool steady(const struct side *s)
{
	return in_state(s, "ESTABLISHED") || in_state(s, "CLOSE_WAIT") ||
	       in_state(s, "FIN_WAIT2");
}

/* -s folds data and ACKs of connections that are established, no more. */
static bool foldable(const struct conn *c, const struct item *it)
{
	return it->kind == IT_SEG && !strpbrk(it->flags, "SFRU") && !it->note[0] &&
	       !it->lost && !it->dropped && steady(&c->s[0]) && steady(&c->s[1]);
}

static void draw_seg(struct conn *c, struct item *it)
{
	char label[96], mid[160], note[128] = "";

	seg_label(c, it, label, sizeof(label));
	arrow(mid, it->side, label, it->lost, it->dropped);
	if (it->lost)
		snprintf(note, sizeof(note), "lost%s%s", it->note[0] ? "; " : "", it->note);
	else
		snprintf(note, sizeof(note), "%s", it->note);
	printf("%10.6f %*s |%-*s| %s\n", rel_ts(it->ts), STATE_W, "", ARROW_W, mid, note);
	uml(c, "%c %s %c : %s%s%s\n", 'A' + it->side,
	    it->lost ? "->x" : "->", 'B' - it->side, label,
	    note[0] ? "\\n" : "", note);
}

static void flush_fold(struct conn *c)
{
	static const char bar[] = "==================================================";
	char mid[192], lab[64];
	int i, w;

	if (!c->folding) {
		for (i = 0; i < c->nheld; i++) {
			draw_seg(c, &c->held[i]);
			infer_seg(c, &c->held[i]);
		}
		c->nheld = 0;
		return;
	}
	for (i = 0; i < 2; i++) {
		if (!c->run_segs[i])
			continue;
		if (c->run_bytes[i])
			snprintf(lab, sizeof(lab), "%u segments, %llu bytes", c->run_segs[i],
				 (unsigned long long)c->run_bytes[i]);
		else
			snprintf(lab, sizeof(lab), "%u ACKs", c->run_segs[i]);
		w = ARROW_W - (int)strlen(lab) - 5;
		if (w < 1)
			w = 1;
		if (i == 0)
			snprintf(mid, sizeof(mid), "== %s %.*s>", lab, w, bar);
		else
			snprintf(mid, sizeof(mid), "<%.*s %s ==", w, bar, lab);
		printf("%10.6f %*s |%-*s| %s\n", rel_ts(i ? c->run_t1 : c->run_t0), STATE_W, "",
		       ARROW_W, mid, i ? "" : "(folded: -s)");
		uml(c, "%c ->> %c : %s\n", 'A' + i, 'B' - i, lab);
	}
	c->folding = false;
	c->nheld = 0;
	memset(c->run_segs, 0, sizeof(c->run_segs));
	memset(c->run_bytes, 0, sizeof(c->run_bytes));
}

static void fold_add(struct conn *c, const struct item *it)
{
	c->run_segs[it->side] += it->segs > 1 ? it->segs : 1;
	c->run_bytes[it->side] += it->len;
	c->run_t1 = it->ts;
}

/* An item is final: draw it (or fold it). */
static void emit(struct conn *c, struct item *it)
{
	int i;

	header(c);
	if (it->kind == IT_SEG)
		note_seg(c, it);
	if (opt_fold && foldable(c, it)) {
		if (c->folding) {
			fold_add(c, it);
			return;
		}
		c->held[c->nheld++] = *it;
		if (c->nheld < FOLD_MIN)
			return;
		c->folding = true;
		c->run_t0 = c->held[0].ts;
		for (i = 0; i < c->nheld; i++)
			fold_add(c, &c->held[i]);
		return;
	}
	if (c->nheld)
		flush_fold(c);
	switch (it->kind) {
	case IT_SEG:
		draw_seg(c, it);
		infer_seg(c, it);
		break;
	case IT_STATE:
		if (in_state(&c->s[it->side], it->state))
			break;
		draw_state(c, it->side, it->ts, it->state, it->inferred);
		break;
	case IT_NOTE:
		draw_note(c, it->side, it->ts, it->note);
		break;
	}
}

static bool settled(const struct conn *c, const struct item *it, bool all)
{
	if (it->kind != IT_SEG || !it->sent)
		return true;
	if (it->rcvd && it->rcvd_bytes >= it->len)
		return all || now_ts - it->rcvd_ts >= SETTLE_MATCHED;
	return all || now_ts - it->ts >= SETTLE_LOST;
}

/*
 * Draw every item at the head of the queue that is final.  A new
 * connection waits for its first segment to be final: by then both
 * ends have shown whether they are watched, for the header.
 */
static void drain(struct conn *c, bool all)
{
	size_t i = 0, k;

	if (!c->started && !all) {
		for (k = 0; k < c->n; k++)
			if (c->q[k].kind == IT_SEG)
				break;
		if (k == c->n || !settled(c, &c->q[k], false))
			return;
	}

	while (i < c->n && settled(c, &c->q[i], all)) {
		struct item *it = &c->q[i];

		if (it->kind == IT_SEG && it->sent && !it->rcvd && c->s[!it->side].local)
			it->lost = true;
		emit(c, it);
		i++;
	}
	memmove(c->q, c->q + i, (c->n - i) * sizeof(*c->q));
	c->n -= i;
	if (all && c->nheld)
		flush_fold(c);
}

static void drain_all(bool all)
{
	struct conn *c;

	for (c = conns; c; c = c->next)
		drain(c, all);
}

/* ---- events ------------------------------------------------------------- */

static const char *rtx_reason(struct side *s, const char *ca)
{
	if (s->rto_since_send || !strcmp(ca, "loss"))
		return "retransmission after RTO";
	if (!strcmp(ca, "open"))
		return "retransmission: tail loss probe";
	return "fast retransmission";
}

/* Both SYNs, both RSTs, or neither: one segment may be the other. */
static bool same_kind(const char *a, const char *b)
{
	return !strchr(a, 'S') == !strchr(b, 'S') && !strchr(a, 'R') == !strchr(b, 'R');
}

/* A segment from side @side: as sent (@sent) or as received. */
static void on_segment(struct conn *c, int side, const struct event *ev, bool sent)
{
	bool containing;
	struct item *it;
	size_t i;

	if (!sent) {
		c->s[!side].local = true;
		/*
		 * The latest send that fits: of two copies of a segment,
		 * the first lost, the one that arrives is the second.
		 */
		for (i = c->n; i-- > 0;) {
			it = &c->q[i];
			if (it->kind != IT_SEG || it->side != side || !it->sent ||
			    it->rcvd_bytes >= it->len + !it->len)
				continue;
			containing = ev->len && it->len && !seq_after(it->seq, ev->seq) &&
				     seq_after(it->seq + it->len, ev->seq);
			if (it->seq != ev->seq && !containing)
				continue;
			if (!same_kind(it->flags, ev->flags))
				continue;
			it->rcvd = true;
			it->rcvd_bytes += ev->len ? ev->len : 1;
			it->rcvd_ts = ev->ts;
			return;
		}
	}
	it = push(c, IT_SEG, ev->ts, side);
	snprintf(it->flags, sizeof(it->flags), "%s", ev->flags);
	it->seq = ev->seq;
	it->ack = ev->ack;
	it->len = ev->len;
	it->win = ev->win;
	it->segs = ev->segs;
	it->sent = sent;
	it->rcvd = !sent;
	if (!sent)
		return;
	c->s[side].local = true;
	if (c->s[side].rtx_pending && c->s[side].rtx_seq == ev->seq) {
		snprintf(it->note, sizeof(it->note), "%s", c->s[side].rtx_why);
		c->s[side].rtx_pending = false;
	}
	if (strchr(ev->flags, 'R') && c->s[side].rst_why[0]) {
		snprintf(it->note, sizeof(it->note), "reset: %s", c->s[side].rst_why);
		c->s[side].rst_why[0] = 0;
	}
	/* A request's SYN-ACK: the listener's request is in SYN_RECV. */
	if (strchr(ev->flags, 'S') && strchr(ev->flags, '.') && !c->s[side].initial[0]) {
		struct listener *l = listener_of(c->s[side].ep);

		snprintf(c->s[side].initial, sizeof(c->s[side].initial), "%s",
			 l ? l->state : "LISTEN");
	}
	if (strchr(ev->flags, 'S') && strchr(ev->flags, '.')) {
		struct item *st = push(c, IT_STATE, ev->ts, side);

		snprintf(st->state, sizeof(st->state), "SYN_RECV");
		/* drawn before the SYN-ACK */
		if (c->n >= 2) {
			struct item tmp = c->q[c->n - 2];

			c->q[c->n - 2] = c->q[c->n - 1];
			c->q[c->n - 1] = tmp;
		}
	}
	c->s[side].rto_since_send = false;
}

/* The latest segment from @side with @seq in the queue, or NULL. */
static struct item *find_seg(struct conn *c, int side, uint32_t seq, const char *flags)
{
	size_t i;

	for (i = c->n; i-- > 0;) {
		struct item *it = &c->q[i];

		if (it->kind == IT_SEG && it->side == side && it->seq == seq &&
		    (!flags || same_kind(it->flags, flags)))
			return it;
	}
	return NULL;
}

static void on_note(struct conn *c, int side, double ts, const char *fmt, ...)
{
	struct item *it = push(c, IT_NOTE, ts, side);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(it->note, sizeof(it->note), fmt, ap);
	va_end(ap);
}

static void on_state(const struct event *ev)
{
	struct listener *l;
	struct item *it;
	struct conn *c;
	int side;

	if (!ev->dst.addr && !ev->dst.port) {
		l = listener_of(ev->src);
		if (!l) {
			l = calloc(1, sizeof(*l));
			if (!l)
				die("out of memory");
			l->ep = ev->src;
			l->next = listeners;
			listeners = l;
		}
		snprintf(l->state, sizeof(l->state), "%s", ev->s2);
		return;
	}
	c = conn_of(ev->src, ev->dst, &side);
	c->s[side].local = true;
	if (!c->s[side].initial[0]) {
		l = listener_of(ev->src);
		snprintf(c->s[side].initial, sizeof(c->s[side].initial), "%s",
			 l && !strcmp(ev->s1, "CLOSE") && !strcmp(ev->s2, "SYN_RECV") ?
			 l->state : ev->s1);
	}
	if (!strcmp(ev->s2, "CLOSE") && c->s[side].tw_start >= 0) {
		/* The socket hands over to its TIME_WAIT object: not an end. */
		if (strcmp(ev->s1, "TIME_WAIT"))
			return;
		on_note(c, side, ev->ts, "2MSL ended after %.3f s", ev->ts - c->s[side].tw_start);
		c->s[side].tw_start = -1;
	}
	it = push(c, IT_STATE, ev->ts, side);
	snprintf(it->state, sizeof(it->state), "%s", ev->s2);
}

static bool port_ok(const struct event *ev)
{
	return opt_port < 0 || ev->src.port == opt_port || ev->dst.port == opt_port;
}

static void on_event(const struct event *ev)
{
	struct conn *c;
	struct item *it;
	int side;

	if (t0 < 0)
		t0 = ev->ts;
	if (ev->ts > now_ts)
		now_ts = ev->ts;
	if (!port_ok(ev))
		return;
	if (!strcmp(ev->name, "xtcp_state")) {
		on_state(ev);
		return;
	}
	if (!strcmp(ev->name, "xtcp_cwnd"))
		return;
	c = conn_of(ev->src, ev->dst, &side);
	if (!strcmp(ev->name, "xtcp_send_segment")) {
		on_segment(c, side, ev, true);
	} else if (!strcmp(ev->name, "xtcp_recv_segment")) {
		on_segment(c, side, ev, false);
	} else if (!strcmp(ev->name, "xtcp_drop")) {
		it = find_seg(c, side, ev->seq, ev->flags);
		if (it && it->rcvd && !it->dropped) {
			it->dropped = true;
			snprintf(it->note + strlen(it->note), sizeof(it->note) - strlen(it->note),
				 "%sdropped: %s", it->note[0] ? "; " : "", ev->s1);
		} else {
			on_note(c, !side, ev->ts, "dropped seq %u: %s", ev->seq, ev->s1);
		}
	} else if (!strcmp(ev->name, "xtcp_retransmit")) {
		it = find_seg(c, side, ev->seq, NULL);
		if (it && it->sent && !it->note[0] && it->ts >= now_ts - 0.001) {
			snprintf(it->note, sizeof(it->note), "%s", rtx_reason(&c->s[side], ev->s1));
		} else {
			c->s[side].rtx_pending = true;
			c->s[side].rtx_seq = ev->seq;
			snprintf(c->s[side].rtx_why, sizeof(c->s[side].rtx_why), "%s",
				 rtx_reason(&c->s[side], ev->s1));
		}
	} else if (!strcmp(ev->name, "xtcp_rto")) {
		c->s[side].local = true;
		c->s[side].rto_since_send = true;
		on_note(c, side, ev->ts, "RTO fired (#%u), next %u ms", ev->backoff,
			ev->rto_us / 1000);
	} else if (!strcmp(ev->name, "xtcp_keepalive")) {
		on_note(c, side, ev->ts, "keepalive probe (%u unanswered)", ev->probes);
	} else if (!strcmp(ev->name, "xtcp_tw_fin")) {
		on_note(c, side, ev->ts, "the FIN again in TIME_WAIT: ACK it again");
	} else if (!strcmp(ev->name, "xtcp_tw_timer")) {
		on_note(c, side, ev->ts, "2MSL timer %s: %.3f s",
			c->s[side].tw_start >= 0 ? "restarts" : "starts", ev->rto_us / 1000.0);
		c->s[side].tw_start = ev->ts;
		c->s[side].tw_last_tick = ev->ts;
		c->s[side].tw_len = ev->rto_us / 1000.0;
	} else if (!strcmp(ev->name, "xtcp_send_reset")) {
		snprintf(c->s[side].rst_why, sizeof(c->s[side].rst_why), "%s", ev->s1);
	} else if (!strcmp(ev->name, "xtcp_recv_reset")) {
		on_note(c, side, ev->ts, "reset by the peer (in %s)", state_name(ev->s1));
	} else if (!strcmp(ev->name, "xtcp_timer")) {
		on_note(c, side, ev->ts, "%s timer fired", ev->s1);
	}
	drain(c, false);
}

/* ---- 2MSL countdown (-c), while nothing else happens -------------------- */

static void countdown(void)
{
	struct conn *c;
	int i;

	for (c = conns; c; c = c->next)
		for (i = 0; i < 2; i++) {
			struct side *s = &c->s[i];
			double left;
			char buf[64];

			if (s->tw_start < 0 || now_ts - s->tw_last_tick < 1.0)
				continue;
			s->tw_last_tick = now_ts;
			left = s->tw_len - (now_ts - s->tw_start);
			if (left < 0.5)
				continue;
			snprintf(buf, sizeof(buf), "TIME_WAIT: 2MSL, %.0f s left", left);
			header(c);
			note_row(i, now_ts, buf);	/* the terminal's alone */
		}
}

/* ---- input -------------------------------------------------------------- */

static void feed_line(const char *line)
{
	struct event ev;

	if (parse_event(line, &ev))
		on_event(&ev);
}

static char inst[256];
static bool have_inst;

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[512];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -1;
	close(fd);
	return ret;
}

static void cleanup(void)
{
	if (!have_inst)
		return;
	write_file(inst, "events/xtcp/enable", "0");
	rmdir(inst);
	have_inst = false;
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Until SIGINT or SIGTERM (read from @sigfd): trace_pipe, line by line. */
static void live(int sigfd)
{
	static const char * const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing"
	};
	char path[512], buf[65536], filter[64], ns[64], *line;
	double idle_since = mono(), ts_at_idle = 0;
	size_t have = 0, i;
	ssize_t len, n;
	int fd = -1;

	for (i = 0; i < 2 && fd < 0; i++) {
		snprintf(inst, sizeof(inst), "%s/instances/xtcp-trace.%d", roots[i], getpid());
		if (mkdir(inst, 0700) == 0)
			fd = 0;
	}
	if (fd < 0)
		die("cannot make a tracefs instance (is tracefs mounted, are we root?): %s",
		    strerror(errno));
	have_inst = true;
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/events/xtcp", inst);
	if (access(path, F_OK))
		die("no xtcp tracepoints: is xtcp.ko loaded?");
	write_file(inst, "buffer_size_kb", "8192");
	if (!opt_all_ns) {
		len = readlink("/proc/self/ns/net", ns, sizeof(ns) - 1);
		if (len < 0)
			die("/proc/self/ns/net: %s", strerror(errno));
		ns[len] = 0;
		snprintf(filter, sizeof(filter), "netns == %lu",
			 strtoul(strchr(ns, '[') ? strchr(ns, '[') + 1 : ns, NULL, 10));
		if (write_file(inst, "events/xtcp/filter", filter))
			die("cannot set the filter \"%s\"", filter);
	}
	if (write_file(inst, "events/xtcp/enable", "1"))
		die("cannot enable events/xtcp");
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	fprintf(stderr, "xtcp-trace: following xtcp connections%s; ^C to stop\n",
		opt_all_ns ? " in every namespace" : " in this namespace");
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = sigfd, .events = POLLIN } };

		if (poll(p, 2, 250) > 0 && p[1].revents)
			break;
		if (!p[0].revents) {
			/* Idle: let time pass for what waits on it. */
			if (t0 >= 0)
				now_ts = ts_at_idle + (mono() - idle_since);
			drain_all(false);
			if (opt_countdown)
				countdown();
			fflush(stdout);
			continue;
		}
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			continue;
		have += n;
		buf[have] = 0;
		line = buf;
		for (;;) {
			char *nl = strchr(line, '\n');

			if (!nl)
				break;
			*nl = 0;
			feed_line(line);
			line = nl + 1;
		}
		have -= line - buf;
		memmove(buf, line, have);
		idle_since = mono();
		ts_at_idle = now_ts;
		fflush(stdout);
	}
	close(fd);
}

static void replay(const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char line[1024];

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f))
		feed_line(line);
	if (f != stdin)
		fclose(f);
}

static void write_uml(void)
{
	struct conn *c;
	FILE *f;

	f = fopen(opt_uml, "w");
	if (!f)
		die("%s: %s", opt_uml, strerror(errno));
	for (c = conns; c; c = c->next) {
		if (!c->umlf)
			continue;
		fclose(c->umlf);
		c->umlf = NULL;
		fprintf(f, "%s@enduml\n", c->uml);
	}
	if (fclose(f))
		die("%s: %s", opt_uml, strerror(errno));
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: xtcp-trace [-A] [-a] [-s] [-c] [-p PORT] [-u FILE] [-r TRACE]\n"
		"  -A       every network namespace (default: this one)\n"
		"  -a       absolute sequence numbers (default: relative to the ISNs)\n"
		"  -s       fold runs of plain data/ACK segments into one line each way\n"
		"  -c       print TIME_WAIT's 2MSL countdown while idle\n"
		"  -p PORT  only connections with PORT on either side\n"
		"  -u FILE  also write the diagrams as PlantUML to FILE\n"
		"  -r TRACE read a saved trace (tracefs text, - for stdin), not tracefs\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *replay_file = NULL;
	sigset_t sigs;
	int c, sigfd;

	while ((c = getopt(argc, argv, "Aascp:u:r:")) != -1) {
		switch (c) {
		case 'A':
			opt_all_ns = true;
			break;
		case 'a':
			opt_abs = true;
			break;
		case 's':
			opt_fold = true;
			break;
		case 'c':
			opt_countdown = true;
			break;
		case 'p':
			opt_port = atoi(optarg);
			if (opt_port <= 0 || opt_port > 65535)
				print_usage();
			break;
		case 'u':
			opt_uml = optarg;
			break;
		case 'r':
			replay_file = optarg;
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc)
		print_usage();
	if (replay_file) {
		replay(replay_file);
	} else {
		/* A shell starts background jobs with SIGINT ignored: undo that. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigemptyset(&sigs);
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		sigprocmask(SIG_BLOCK, &sigs, NULL);
		sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
		if (sigfd < 0)
			die("signalfd: %s", strerror(errno));
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
		live(sigfd);
		cleanup();
	}
	drain_all(true);
	if (opt_uml)
		write_uml();
	fflush(stdout);
	return 0;
}
